"""The cache torchtune's QLoRA model init leaves with torchao 0.1: NF4 quantized on the GPU, unchunked.

torchtune of April 2024 (commit 0914d5cfb, pyproject pins torchao==0.1) builds and loads a QLoRA
Llama on the GPU and logs the init memory, resetting the peaks without emptying the cache:

- recipes/lora_finetune_single_device.py `_setup_model`: `config.instantiate(cfg_model)` under
  `set_default_dtype(bf16), self._device`, then `model.load_state_dict(cpu_state_dict)`, then
  `utils.memory_stats_log` (torchtune/utils/memory.py: reads, then resets the peak stats; the
  recipe never calls `cleanup_before_training`, the one place with `torch.cuda.empty_cache`).
- torchtune/models/llama2/_component_builders.py `lora_llama2`: one decoder layer is built
  (`lora_llama2_self_attention`, `lora_llama2_mlp`, two RMSNorms), then the bf16 embedding and
  output, then `TransformerDecoder` (torchtune/modules/transformer.py `_get_clones`) deep-copies
  the layer num_layers times; the builder's own layer is dropped when it returns.
- torchtune/modules/peft/lora.py `LoRALinear._create_weight_and_bias`: an `nn.Linear` weight in
  bf16, then `to_nf4(linear.weight)`; the bf16 weight is dropped.
- torchtune/utils/_register_nf4_dispatch_ops.py: `clone` (what deepcopy of the NF4 parameter
  calls) is `to_nf4(get_original_weight())`; `inplace_copy` (what load_state_dict calls) is
  `to_nf4(src.to(device))`, its pieces replacing the old ones.
- torchao 0.1 torchao/dtypes/nf4tensor.py `NF4Tensor.from_tensor`: `double_quantize_scalers`
  (absmax per 64, the mean, absmax per 256 of those, int8 scalers; `quantization_factor[:, 0]`
  keeps its n/64 storage), then `convert_to_norm_float_weight`: absmax, `blocks / scales`, and
  `quantize_tensor_nearest`, `(value.unsqueeze(-1) - nf4).abs()` over the 16 NF4 levels:
  two bf16 tensors of numel x 16 live at once (64 bytes an element), then `min(dim=-1)`'s int64
  indices, packed with int64 shifts into uint8. `get_original_weight` unpacks to int64 indices,
  looks up, scales and stacks. Later torchao quantizes in 1M-element chunks: this is 0.1's.

Each tensor below is one allocation, freed where its last Python reference drops; the replay runs
through reserved_view.CachingAllocator. What the replay leaves reserved is the floor of the
training phase's `max_memory_reserved` (reserved_view.reserved_peak_bytes).
"""

from __future__ import annotations

from dataclasses import dataclass

from llmsize.estimate.reserved_view import CachingAllocator
from llmsize.specs.models import ModelSpec

BLOCK = 64  # to_nf4 block_size
SCALER_BLOCK = 256  # to_nf4 scaler_block_size
ROPE_MAX_SEQ = 4096  # llama2 builders' max_seq_len: the (seq, head_dim/2, 2) fp32 RoPE cache


@dataclass(frozen=True)
class LlamaShapes:
    """What the build allocates: a Llama decoder with LoRA on q, k, v, o and the MLP (QLoRA base)."""

    layers: int
    hidden: int
    intermediate: int
    q_out: int  # heads x head_dim
    kv_out: int  # kv heads x head_dim
    head_dim: int
    vocab: int
    rank: int


def shapes(spec: ModelSpec, rank: int) -> LlamaShapes:
    """A dense Llama's shapes for the replay (torchtune's llama2 builders)."""
    return LlamaShapes(
        layers=spec.num_layers,
        hidden=spec.hidden_size,
        intermediate=spec.intermediate_size,
        q_out=spec.num_attention_heads * spec.head_dim,
        kv_out=spec.num_kv_heads * spec.head_dim,
        head_dim=spec.head_dim,
        vocab=spec.vocab_size,
        rank=rank,
    )


def _to_nf4(a: CachingAllocator, n: int) -> list[int]:
    """torchao 0.1 `to_nf4` of a bf16 tensor of n elements already on the GPU; returns the kept pieces."""
    nb, ns = n // BLOCK, n // BLOCK // SCALER_BLOCK
    m, f = a.malloc, a.free
    table = m(32)  # the nf4 levels, bf16
    # double_quantize_scalers
    absd, vals, idx = m(2 * n), m(2 * nb), m(8 * nb)
    f(absd), f(idx)
    mean = m(2)
    centred = m(2 * nb)
    f(vals)
    absd, smax, idx = m(2 * nb), m(2 * ns), m(8 * ns)
    f(absd), f(idx)
    twice = m(2 * nb)  # 2 * scaler_absmax, materialised from the expanded view
    factor = m(2 * nb)  # 256 / that; [:, 0] keeps this storage
    f(twice)
    q1 = m(2 * nb)
    q2 = m(2 * nb)
    f(q1)
    q3 = m(2 * nb)
    f(q2)
    scalers = m(nb)  # int8
    f(q3), f(smax), f(centred)
    # convert_to_norm_float_weight
    absd, absmax, idx = m(2 * n), m(2 * nb), m(8 * nb)
    f(absd), f(idx)
    scaled = m(2 * n)
    diff = m(32 * n)  # value - nf4: numel x 16 bf16
    absdiff = m(32 * n)
    f(diff)
    mins, nearest = m(2 * n), m(8 * n)
    f(mins), f(absdiff)
    shifted = m(4 * n)  # int64 of half the elements
    packed = m(4 * n)
    f(shifted)
    data = m(n // 2)  # uint8
    f(packed), f(nearest), f(scaled), f(absmax)
    return [table, mean, factor, scalers, data]


def _original_weight(a: CachingAllocator, n: int) -> int:
    """torchao 0.1 `get_original_weight`: the bf16 tensor it returns (transients freed)."""
    nb = n // BLOCK
    m, f = a.malloc, a.free
    t = m(n // 2)
    first = m(4 * n)
    f(t)
    t = m(n // 2)
    second = m(4 * n)
    f(t)
    dq1, dq2 = m(n), m(n)
    s1 = m(2 * nb)
    s2 = m(2 * nb)
    f(s1)
    rep = m(n)
    sc1 = m(n)
    f(rep)
    rep = m(n)
    sc2 = m(n)
    f(rep)
    out = m(2 * n)
    for h in (first, second, dq1, dq2, s2, sc1, sc2):
        f(h)
    return out


def _linears(s: LlamaShapes) -> list[tuple[int, int]]:
    """(in, out) of the quantized LoRALinears of one layer, in registration order."""
    h, i = s.hidden, s.intermediate
    return [(h, s.q_out), (h, s.kv_out), (h, s.kv_out), (s.q_out, h), (h, i), (i, h), (h, i)]


def init_reserved_bytes(s: LlamaShapes) -> tuple[int, int]:
    """(reserved, allocated) after torchtune's QLoRA `_setup_model` with torchao 0.1."""
    a = CachingAllocator()
    rope = 4 * ROPE_MAX_SEQ * s.head_dim  # (seq, head_dim/2, 2) fp32
    # the builder's layer
    layer: list[int] = []
    for fan_in, fan_out in _linears(s):
        w = a.malloc(2 * fan_in * fan_out)
        layer += _to_nf4(a, fan_in * fan_out)
        a.free(w)
        layer += [a.malloc(2 * s.rank * fan_in), a.malloc(2 * fan_out * s.rank)]
    layer += [a.malloc(rope), a.malloc(2 * s.hidden), a.malloc(2 * s.hidden)]
    a.malloc(2 * s.vocab * s.hidden)  # tok_embeddings
    a.malloc(2 * s.vocab * s.hidden)  # output
    # _get_clones: deepcopy clones each NF4 weight through get_original_weight + to_nf4
    clones: list[list[int]] = []
    for _ in range(s.layers):
        copy: list[int] = []
        for fan_in, fan_out in _linears(s):
            w = _original_weight(a, fan_in * fan_out)
            copy += _to_nf4(a, fan_in * fan_out)
            a.free(w)
            copy += [a.malloc(2 * s.rank * fan_in), a.malloc(2 * fan_out * s.rank)]
        copy += [a.malloc(rope), a.malloc(2 * s.hidden), a.malloc(2 * s.hidden)]
        clones.append(copy)
    a.malloc(2 * s.hidden)  # final norm
    for h in layer:  # the builder returns: its layer is dropped
        a.free(h)
    # load_state_dict: each NF4 weight re-quantized from the CPU tensor moved to the GPU
    for copy in clones:
        k = 0
        for fan_in, fan_out in _linears(s):
            src = a.malloc(2 * fan_in * fan_out)
            new = _to_nf4(a, fan_in * fan_out)
            for h in copy[k : k + 5]:
                a.free(h)
            copy[k : k + 5] = new
            a.free(src)
            k += 7
    return a.reserved, a.allocated
