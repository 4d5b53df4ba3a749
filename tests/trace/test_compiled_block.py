"""torch.compile's saved set for a decoder block, estimator vs the real partitioner (issue 14).

One bf16 Llama block of a small config runs on the CPU, eager and under torch.compile
(`aot_eager_decomp_partition`: AOTAutograd + inductor's decompositions + the min-cut partitioner,
executed eagerly); `measure.saved_tensors` counts the storages autograd keeps. The estimator's walk
of the same block (estimate/compiled_blocks.py for the compiled one) must keep the same bytes.
"""

from __future__ import annotations

from typing import Any

import pytest

from llmsize.estimate.activations.candidates import _ctx_only, _dims, _layer_training
from llmsize.estimate.workload import Workload
from llmsize.measure.saved_tensors import block_saved_bytes
from llmsize.measure.trace_check import spec_of

B, S = 2, 96
# hidden 256 and intermediate 704 so that no activation shape equals a weight shape
CONFIG: dict[str, Any] = {
    "model_type": "llama",
    "architectures": ["LlamaForCausalLM"],
    "hidden_size": 256,
    "intermediate_size": 704,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 64,
    "num_hidden_layers": 1,
    "vocab_size": 1000,
    "max_position_embeddings": 4096,
    "rms_norm_eps": 1e-6,
    "rope_theta": 10000.0,
    "hidden_act": "silu",
    "tie_word_embeddings": False,
    "torch_dtype": "bfloat16",
}


def _walk_saved(compiled: bool) -> int:
    spec = spec_of(CONFIG, "tiny-llama")
    wl = Workload(mode="full", framework="plain", context=S, batch=B, compile=compiled, attention="sdpa")
    d = _dims(spec, wl, 2, s=S, kv=S, batch=B, logits_tokens=S, attention=wl.attention, targets=frozenset())
    ctx = _ctx_only(spec, d, {"full_attention"}, False)[0]
    return int(_layer_training(spec, d, 0, ctx, x_rg=True).saved)


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
def test_block_keeps_what_autograd_keeps(compiled: bool) -> None:
    measured = block_saved_bytes(
        CONFIG, batch=B, seq=S, backend="aot_eager_decomp_partition" if compiled else None
    )
    assert _walk_saved(compiled) == pytest.approx(measured, rel=0.02)


def test_compile_drops_the_fp32_norm_copies_and_silu() -> None:
    """The partitioner recomputes pointwise ops: per token, both norms' fp32 copies give way to
    bf16 ones (2 x 4 B x hidden) and silu(gate) is not kept (2 B x intermediate)."""
    eager = block_saved_bytes(CONFIG, batch=B, seq=S)
    compiled = block_saved_bytes(CONFIG, batch=B, seq=S, backend="aot_eager_decomp_partition")
    per_token = 2 * 4 * CONFIG["hidden_size"] + 2 * CONFIG["intermediate_size"]
    assert eager - compiled == per_token * B * S
    assert _walk_saved(False) - _walk_saved(True) == eager - compiled
