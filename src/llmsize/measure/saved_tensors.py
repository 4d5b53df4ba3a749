"""What autograd keeps for backward from one decoder block, eager or under torch.compile.

The trace (tracer.py) runs on fake tensors, where torch.compile cannot run; this probe runs one
real block of a small config on the CPU instead and counts, once each, the storages that autograd
saves during its forward (`torch.autograd.graph.saved_tensors_hooks`), leaving out the block's
parameters and the rotary tables the model shares between blocks. The backend
`aot_eager_decomp_partition` runs AOTAutograd with inductor's decompositions and its partitioner
(`min_cut_rematerialization_partition`) but executes the graphs eagerly, so no C++ toolchain is
needed; `inductor` gives the same saved set (bench/compile_saved.py checks both).

torch and transformers are imported inside the function only.
"""

from __future__ import annotations

from typing import Any

from llmsize.measure.build_model import hf_config, torch_dtype


def block_saved_bytes(
    config: dict[str, Any],
    *,
    batch: int,
    seq: int,
    dtype: str = "bf16",
    backend: str | None = None,
    fp8: str | None = None,
) -> int:
    """Bytes autograd keeps from one training forward of block 0 (`backend` None: eager), its
    linears swapped for torchao's Float8Linear with recipe `fp8` when given (float8.py)."""
    import torch
    from transformers.models.llama.modeling_llama import LlamaDecoderLayer, LlamaRotaryEmbedding

    cfg = hf_config(config)
    cfg._attn_implementation = "sdpa"
    torch.manual_seed(0)
    dt = torch_dtype(dtype)
    layer = LlamaDecoderLayer(cfg, 0).to(dt)
    if fp8 is not None:
        from llmsize.measure.float8 import convert_float8

        convert_float8(layer, fp8)
    x = torch.randn(batch, seq, cfg.hidden_size, dtype=dt, requires_grad=True)
    pos = torch.arange(seq)[None].expand(batch, seq)
    cos, sin = LlamaRotaryEmbedding(cfg)(x, pos)
    shared = {p.untyped_storage().data_ptr() for p in layer.parameters()}
    shared |= {cos.untyped_storage().data_ptr(), sin.untyped_storage().data_ptr()}

    def block(h: Any) -> Any:
        out = layer(h, attention_mask=None, position_embeddings=(cos, sin), position_ids=pos)
        return out[0] if isinstance(out, tuple) else out

    run = block if backend is None else torch.compile(block, backend=backend)
    run(x).float().sum().backward()  # the first call compiles
    saved: dict[int, int] = {}

    def pack(t: Any) -> Any:
        st = t.untyped_storage()
        if st.data_ptr() not in shared:
            saved[st.data_ptr()] = st.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = run(x)
    del out
    return sum(saved.values())
