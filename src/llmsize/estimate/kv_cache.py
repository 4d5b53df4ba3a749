"""KV cache per GPU: K and V for every cached token of every attention layer on the GPU.

Standard / GQA / MQA attention caches 2 x kv_heads x head_dim values per token and layer; MLA
(DeepSeek-V2/V3) caches the compressed latent, kv_lora_rank + qk_rope_head_dim values, once.
Every engine llmsize models caches the latent: transformers >= 5 (`modeling_deepseek_v3.py`:
`past_key_values.update(kv_nope, k_rot, ...)` "while latent KV is still compressed"; transformers
4.x cached the decompressed per-head K and V instead), vLLM and SGLang (MLA backends), and
llama.cpp (deepseek2 K cache of n_embd_head_k_mla). Sliding-window layers hold at most their
window, with each engine's own rule (see `tokens_held`). Functions accept numpy arrays for the
token and batch counts, so sweeps evaluate whole grids at once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from llmsize.errors import BadInputError
from llmsize.estimate import arrays as np
from llmsize.estimate.workload import Engine, Workload
from llmsize.specs.models import ModelSpec
from llmsize.units import BYTES_PER_ELEMENT, KvDtype

VLLM_BLOCK_TOKENS = 16  # REFERENCE: vLLM CacheConfig block_size default 16 (vllm/config/cache.py)
LLAMA_CPP_PAD = 256  # REFERENCE: llama.cpp pads the KV size to 256 cells (llama-context.cpp, n_pad)
LLAMA_CPP_UBATCH = 512  # REFERENCE: llama.cpp -ub default 512 (tools/server/README.md, --ubatch-size)
HF_QUANT_GROUP = 64  # REFERENCE: transformers cache_utils.QuantizedLayer q_group_size=64
HF_QUANT_META_BYTES = 4  # a scale and a zero point per group, fp16 each (quanto / HQQ group-wise)

_ALLOWED: dict[Engine, frozenset[str]] = {
    # transformers: the model dtype, or QuantizedCache (fp8 per-tensor; quanto/HQQ int4/int8)
    Engine.TRANSFORMERS: frozenset({"fp32", "fp16", "bf16", "fp8", "int8", "int4"}),
    # vLLM --kv-cache-dtype auto|fp8 (fp8_e4m3/fp8_e5m2)
    Engine.VLLM: frozenset({"fp32", "fp16", "bf16", "fp8"}),
    # llama.cpp --cache-type-k/-v: f32, f16, bf16, q8_0, q4_0 (and others llmsize does not list)
    Engine.LLAMA_CPP: frozenset({"fp32", "fp16", "bf16", "q8_0", "q4_0"}),
}


def kv_dtype_for(wl: Workload, compute_dtype: str) -> str:
    """The KV element type: --kv-dtype, else llama.cpp's f16 default, else the compute dtype."""
    if wl.kv_dtype is not None:
        return str(wl.kv_dtype)
    return "fp16" if wl.engine is Engine.LLAMA_CPP else compute_dtype


def kv_element_bytes(kv_dtype: str, engine: Engine) -> Fraction:
    """Bytes per cached value, scale overhead included.

    q8_0 / q4_0 are ggml blocks of 32 (34 and 18 bytes, ggml-common.h); transformers' int8/int4
    QuantizedCache adds a scale and zero point per 64 values (cache_utils.QuantizedLayer).
    """
    if kv_dtype not in _ALLOWED[engine]:
        allowed = ", ".join(sorted(_ALLOWED[engine]))
        raise BadInputError(
            f"--kv-dtype {kv_dtype} is not available with --engine {engine}", hint=f"choose one of: {allowed}"
        )
    base = BYTES_PER_ELEMENT[kv_dtype]
    if engine is Engine.TRANSFORMERS and kv_dtype in ("int8", "int4"):
        return base + Fraction(HF_QUANT_META_BYTES, HF_QUANT_GROUP)
    return base


@dataclass(frozen=True)
class KvTerm:
    """`layers` layers on the GPU that cache `bytes_per_token` per token and sequence (attention), or
    a fixed `state_bytes` per sequence that does not grow with the context (linear attention, Mamba)."""

    layers: int
    bytes_per_token: Fraction
    window: int | None  # tokens the layer can attend to; None = the whole context
    state_bytes: int = 0  # per sequence and layer: conv + recurrent state


def cache_kv_heads(spec: ModelSpec, engine: Engine) -> int:
    """K/V heads an engine's cache holds per layer (standard attention; MLA caches a latent).

    transformers' Falcon with `new_decoder_architecture` (Falcon-40B/180B: grouped K/V) broadcasts
    K and V to every query head before caching them: `FalconAttention._split_heads` calls
    `torch.broadcast_to(key, query.shape)` and `forward` reshapes them to `num_heads` heads before
    `layer_past.update` (transformers 5.23 models/falcon/modeling_falcon.py), so its cache holds
    num_attention_heads heads. The old multi-query Falcon (falcon-7b: one K/V head) does not
    broadcast. The config's flag is not in ModelSpec; grouped K/V (1 < kv_heads < heads) occurs in
    Falcon only with the new architecture, which is how it is recognised here (a new-architecture
    config with a single K/V head would be undercounted). vLLM and llama.cpp cache the real K/V heads.
    """
    kv = spec.num_kv_heads
    if engine is Engine.TRANSFORMERS and spec.model_type == "falcon" and 1 < kv < spec.num_attention_heads:
        return spec.num_attention_heads
    return kv


def layer_bytes_per_token(
    spec: ModelSpec, element: Fraction, tp: int, engine: Engine = Engine.TRANSFORMERS
) -> Fraction:
    """Per layer and token: MLA latent once, else K and V for this rank's cached heads.

    Tensor parallelism gives each rank kv_heads/tp heads, or one replicated head when tp exceeds
    the KV heads (vLLM); the MLA latent is replicated on every rank.
    """
    if spec.is_mla:
        # DSA (DeepSeek-V3.2, GLM-5): each layer also caches one indexer key per token
        # (cache_utils.DynamicIndexedLayer.indexer_keys), in the compute dtype like the latent.
        indexer = spec.indexer.cache_elements_per_token if spec.indexer is not None else 0
        return (spec.kv_lora_rank + spec.qk_rope_head_dim + indexer) * element
    kv = cache_kv_heads(spec, engine)
    heads = max(kv // tp, 1) if tp > 1 else kv
    return 2 * heads * spec.head_dim * element


def state_terms(
    spec: ModelSpec, wl: Workload, compute_dtype: str, layers: Sequence[int]
) -> tuple[KvTerm, ...]:
    """The fixed per-sequence state of the linear-attention / Mamba / short-conv blocks among `layers`.

    Sizes come from the spec's layer kind (`RecurrentSpec.state_bytes`); tensor parallelism splits
    the state by heads like the KV heads.
    """
    n = sum(1 for layer in layers if spec.has_state(layer))
    if not n or spec.recurrent is None:
        return ()
    element = BYTES_PER_ELEMENT.get(compute_dtype, Fraction(2))
    per_seq = spec.recurrent.state_bytes(int(element) if element >= 1 else 2)
    return (KvTerm(n, Fraction(0), None, -(-per_seq // max(wl.tp, 1))),)


def kv_terms(
    spec: ModelSpec, wl: Workload, kv_dtype: str, layers: Sequence[int], compute_dtype: str | None = None
) -> tuple[KvTerm, ...]:
    """The cache geometry of the given blocks, grouped by window (recurrent state as its own term)."""
    states = state_terms(spec, wl, compute_dtype or _float_or_bf16(kv_dtype), layers)
    layers = [layer for layer in layers if spec.has_kv(layer)]
    element = kv_element_bytes(kv_dtype, wl.engine)
    if kv_dtype in ("q8_0", "q4_0"):
        width = spec.kv_lora_rank + spec.qk_rope_head_dim if spec.is_mla else spec.head_dim
        if width % 32:
            raise BadInputError(
                f"--kv-dtype {kv_dtype} needs a head size divisible by 32 (this model: {width})"
            )
    per_token = layer_bytes_per_token(spec, element, wl.tp, wl.engine)
    quantized_hf = wl.engine is Engine.TRANSFORMERS and kv_dtype in ("int8", "int4", "fp8")
    counts: dict[int | None, int] = {}
    for layer in layers:
        # transformers' QuantizedCache is a DynamicLayer per block: it keeps every token, windows or not.
        window = None if quantized_hf else spec.layer_window(layer)
        counts[window] = counts.get(window, 0) + 1
    return (*(KvTerm(n, per_token, w) for w, n in counts.items()), *states)


def _float_or_bf16(dtype: str) -> str:
    return dtype if dtype in ("fp32", "fp16", "bf16") else "bf16"


def _pad(x: Any, multiple: int) -> Any:
    return -(-x // multiple) * multiple


def tokens_held(window: int | None, tokens: Any, prefill: Any, engine: Engine, batch: Any = 1) -> Any:
    """Cache positions one layer holds per sequence (llama.cpp: in total, for `batch` sequences).

    - transformers (`cache_utils.DynamicSlidingWindowLayer.update`): after a prefill the layer keeps
      a *view* of the last window-1 tokens of the concatenated prompt, so the whole prompt's storage
      stays allocated; each decoding step then concatenates window-1 + 1 tokens into a new tensor,
      so from the first decoded token on the storage is min(tokens, window).
    - vLLM: min(tokens, window) positions, allocated in pages of 16 tokens.
    - llama.cpp: cells are allocated up front for the whole context of every sequence, padded to
      256; sliding layers get min(that, window x sequences + ubatch) (llama-kv-cache-iswa.cpp).
    """
    if engine is Engine.LLAMA_CPP:
        cells = _pad(tokens * batch, LLAMA_CPP_PAD)
        if window is None:
            return cells
        return np.minimum(cells, _pad(window * batch + LLAMA_CPP_UBATCH, LLAMA_CPP_PAD))
    if engine is Engine.VLLM:
        held = tokens if window is None else np.minimum(tokens, window)
        return _pad(held, VLLM_BLOCK_TOKENS)
    if window is None:
        return tokens
    return np.where(tokens > prefill, np.minimum(tokens, window), prefill)


def kv_bytes(terms: Sequence[KvTerm], engine: Engine, tokens: Any, prefill: Any, batch: Any) -> Any:
    """Sum over the cache terms; int for scalar inputs, an integer array for array inputs."""
    total: Any = 0
    for term in terms:
        if term.state_bytes:  # one fixed state per sequence, whatever the context
            total = total + term.layers * term.state_bytes * batch
            continue
        held = tokens_held(term.window, tokens, prefill, engine, batch)
        seqs = 1 if engine is Engine.LLAMA_CPP else batch
        per_token = term.layers * term.bytes_per_token
        if per_token.denominator == 1:
            total = total + held * seqs * int(per_token)
        else:
            total = total + -(-(held * seqs * per_token.numerator) // per_token.denominator)
    if np.ndim(total) == 0:
        return int(total)
    return np.asarray(total, dtype=np.int64)


def kv_cache_bytes(
    spec: ModelSpec,
    wl: Workload,
    kv_dtype: str,
    layers: Sequence[int],
    *,
    tokens: Any = None,
    prefill: Any = None,
    batch: Any = None,
) -> Any:
    """KV bytes on a GPU holding `layers`, after `prefill` prompt tokens and `tokens` in total.

    Defaults: the workload's context, prompt and batch. Training keeps no cache (use_cache=False).
    """
    if wl.mode.trains:
        return 0
    tokens = wl.context if tokens is None else tokens
    if prefill is None:
        prefill = tokens if wl.prompt_tokens is None else np.minimum(wl.prompt_tokens, tokens)
    batch = wl.batch if batch is None else batch
    return kv_bytes(kv_terms(spec, wl, kv_dtype, layers), wl.engine, tokens, prefill, batch)


def kv_formula(spec: ModelSpec, kv_dtype: str, engine: Engine) -> str:
    """One line: the per-token formula of this model's cache."""
    if spec.is_mla:
        return f"layers x (kv_lora_rank + rope_dim) x {kv_dtype} bytes x tokens x batch (MLA latent)"
    core = f"2 x layers x kv_heads x head_dim x {kv_dtype} bytes x tokens x batch"
    if cache_kv_heads(spec, engine) != spec.num_kv_heads:
        core = (
            core.replace("kv_heads", "query heads") + " (transformers broadcasts Falcon's K/V to every head)"
        )
    if spec.layer_types and {"sliding_attention", "chunked_attention"} & set(spec.layer_types):
        core += " (sliding/chunked layers: at most the window)"
    n_kv = sum(1 for i in range(spec.num_layers) if spec.has_kv(i))
    if n_kv != spec.num_layers:
        core = core.replace("x layers x", f"x {n_kv} attention layers x")
    if spec.recurrent is not None:
        core += f" + a fixed {spec.recurrent.kind} state per sequence in the other layers"
    if engine is Engine.LLAMA_CPP:
        core += ", allocated for the full context"
    return core


def kv_per_token_bytes(spec: ModelSpec, wl: Workload, kv_dtype: str) -> int:
    """KV bytes one more token of one sequence costs on full-attention layers of the whole model."""
    element = kv_element_bytes(kv_dtype, wl.engine)
    full = sum(1 for i in range(spec.num_layers) if spec.has_kv(i) and spec.layer_window(i) is None)
    return math.ceil(full * layer_bytes_per_token(spec, element, wl.tp, wl.engine))


KV_DTYPES = tuple(str(k) for k in KvDtype)
