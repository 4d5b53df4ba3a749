"""torchao float8 training (issue 14), estimator vs trace: torchao's own Float8Linear runs under the
trace (its casts, what it saves, preprocess_addmm's layout copies; torch._scaled_mm's FakeTensor
kernel allocates the GEMM outputs). Qwen2.5-0.5B's real widths, two blocks, 4k tokens x 2, fused
loss so that the blocks' backward, not the vocabulary, sets the peak. Skipped without torchao.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from test_compiled_block import CONFIG, B, S

from llmsize.estimate.activations.candidates import _ctx_only, _dims, _layer_training
from llmsize.estimate.workload import Workload
from llmsize.measure.saved_tensors import block_saved_bytes
from llmsize.measure.trace_check import Comparison, compare, spec_of

pytest.importorskip("torchao.float8")

Loader = Callable[[str], tuple[dict[str, Any], dict[str, Any]]]
BASE: dict[str, Any] = {
    "mode": "full",
    "framework": "plain",
    "master_weights": False,
    "loss": "fused",
    "context": 4096,
    "batch": 2,
}
MIB = 2**20


# One trace per workload for the module: the tensorwise row of the parametrized test and the
# bf16-vs-fp8 test below compare the very same workload.
_TRACED: dict[str, Comparison] = {}


def _compare(config: dict[str, Any], wl: Workload) -> Comparison:
    key = wl.model_dump_json()
    if key not in _TRACED:
        _TRACED[key] = compare(config, wl, name="Qwen2.5-0.5B", num_layers=2)
    return _TRACED[key]


def _run(loader: Loader, recipe: str | None) -> Comparison:
    config, dtype = loader("Qwen2.5-0.5B")
    wl = Workload(**BASE, fp8_training=recipe, **dtype)
    return _compare(config, wl)


@pytest.mark.parametrize(
    ("recipe", "extra"),
    [
        ("tensorwise", {}),
        ("rowwise-gw-hp", {}),
        ("tensorwise", {"gradient_checkpointing": True}),
        # TRL's defaults: checkpointing, chunked_nll, bf16 autocast
        ("rowwise", {"framework": "trl", "loss": None, "master_weights": None}),
    ],
    ids=["tensorwise", "rowwise-gw-hp", "tensorwise-checkpointed", "rowwise-trl"],
)
def test_float8_peaks_match_the_trace(catalog_config: Loader, recipe: str, extra: dict[str, Any]) -> None:
    config, dtype = catalog_config("Qwen2.5-0.5B")
    wl = Workload(**{**BASE, **extra}, fp8_training=recipe, **dtype)
    c = _compare(config, wl)
    assert abs(c.peak_error) <= 0.03, f"{100 * c.peak_error:+.2f}% at {c.where}"
    # forward: the fp8 casts of input and weight beside the saved bf16 input, walked op by op
    fwd_est, fwd_trace = c.est_phases["forward"], c.trace_phases["forward"]
    assert abs(fwd_est - fwd_trace) <= 0.01 * fwd_trace


def test_float8_keeps_bf16_saved_tensors_and_adds_cast_transients(catalog_config: Loader) -> None:
    """matmul_with_hp_or_float8_args saves the bf16 input: after the forward nothing more is kept,
    the eager casts' fp32 copies make the backward peak higher than bf16's (trace and estimate)."""
    bf16, fp8 = _run(catalog_config, None), _run(catalog_config, "tensorwise")
    traced = fp8.trace_phases["backward"] - bf16.trace_phases["backward"]
    estimated = fp8.est_phases["backward"] - bf16.est_phases["backward"]
    assert traced > 100 * MIB
    assert estimated > 100 * MIB


@pytest.mark.parametrize(
    ("recipe", "compiled"),
    [("tensorwise", False), ("tensorwise", True), ("rowwise", True), ("rowwise-gw-hp", True)],
)
def test_float8_block_keeps_what_autograd_keeps(recipe: str, compiled: bool) -> None:
    """One real bf16 Llama block with torchao's Float8Linear on the CPU (torch._scaled_mm runs
    there), eager and through the partitioner: eager keeps the bf16 inputs as without float8;
    compiled tensorwise/rowwise recompute the norm outputs and the SwiGLU product and keep
    o_proj's input as fp8; rowwise-gw-hp keeps the bf16 inputs its bf16 grad_weight GEMM reads."""
    measured = block_saved_bytes(
        CONFIG, batch=B, seq=S, backend="aot_eager_decomp_partition" if compiled else None, fp8=recipe
    )
    spec = spec_of(CONFIG, "tiny-llama")
    wl = Workload(
        mode="full",
        framework="plain",
        context=S,
        batch=B,
        compile=compiled,
        attention="sdpa",
        fp8_training=recipe,
    )
    d = _dims(spec, wl, 2, s=S, kv=S, batch=B, logits_tokens=S, attention=wl.attention, targets=frozenset())
    ctx = _ctx_only(spec, d, {"full_attention"}, False)[0]
    walked = int(_layer_training(spec, d, 0, ctx, x_rg=True).saved)
    assert walked == pytest.approx(measured, rel=0.01)
