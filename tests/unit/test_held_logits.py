"""A training loop that binds the model output keeps its logits past the loss (estimate/held_logits.py).

Answer.AI's fsdp_qlora train.py clears `output` only after the optimizer step; torchtune recipes before
PR #1235 (v0.3.0, "delete logits before bwd") kept the shifted fp32 logits bound through backward;
PEFT's MetaMathQA run.py rebinds `outputs` only when the next forward returns.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize.cli.workload_options import build_workload
from llmsize.errors import BadInputError
from llmsize.estimate import core, phases
from llmsize.estimate.core import estimate
from llmsize.estimate.reserved_view import reserved_peak_bytes
from llmsize.estimate.workload import Workload
from llmsize.specs.models import ModelSpec
from llmsize.specs.resolve import resolve

GIB = 1024**3


def _phases(spec: ModelSpec, wl: Workload) -> dict[str, int]:
    _ctx, busiest = core.plan(spec, wl)
    return {k: int(v) for k, v in phases.phase_totals(spec, wl, busiest.static).items()}

# Answer.AI fsdp_qlora benchmarks_03_2024.md (commit 4cd6923): Llama-2 7B LoRA r64, FSDP on 2 GPUs,
# batch 4 x 2,048, "peak reserved" 16.14 GiB; transformers of February/March 2024 (README pin
# "transformers!=4.38.*,!=4.39.*").
AAI = {
    "framework": "plain", "mode": "lora", "lora_rank": 64,
    "lora_targets": ("q_proj", "k_proj", "v_proj", "gate_proj", "up_proj", "down_proj"),
    "attention": "flash", "gradient_checkpointing": True, "optimizer": "adamw-foreach",
    "loss": "full-shifted", "master_weights": False, "context": 2048, "batch": 4, "zero": 3,
    "num_gpus": 2, "engine_version": "4.37.2",
}


def test_step_holds_the_fp32_logits_through_backward() -> None:
    """train.py's `output` keeps the fp32 logits (transformers < 4.46) allocated through backward:
    the peak, in backward, rises by exactly batch x tokens x vocab x 4 bytes."""
    spec = resolve("Llama-2-7B")
    none_wl, step_wl = Workload(**AAI), Workload(**AAI, held_logits="step")  # type: ignore[arg-type]
    none, step = estimate(spec, none_wl), estimate(spec, step_wl)
    before, after = _phases(spec, none_wl), _phases(spec, step_wl)
    held = 4 * 2048 * spec.vocab_size * 4
    assert after["backward"] - before["backward"] == held
    assert after["optimizer"] - before["optimizer"] == held
    assert after["forward"] == before["forward"]
    assert none.peak_phase == "forward" and step.peak_phase == "backward"
    assert any("--held-logits" in a for a in step.assumptions)
    assert not any("--held-logits" in a for a in none.assumptions)


def test_answer_ai_reserved_row_moves_towards_the_published_peak() -> None:
    """Golden: 16.14 GiB reserved (benchmarks_03_2024.md); the held logits move the estimate towards it
    (13.7 -> 14.1 GiB), still a floor (the allocator's fragmentation is not modelled)."""
    spec = resolve("Llama-2-7B")
    none = estimate(spec, Workload(**AAI))  # type: ignore[arg-type]
    step = estimate(spec, Workload(**AAI, held_logits="step"))  # type: ignore[arg-type]
    before = reserved_peak_bytes(none.total_bytes - none.overhead_bytes) / GIB
    after = reserved_peak_bytes(step.total_bytes - step.overhead_bytes) / GIB
    assert abs(after - 16.14) < abs(before - 16.14)
    assert after < 16.14


def test_always_holds_the_previous_logits_through_the_next_forward() -> None:
    """PEFT MetaMathQA run.py: the previous step's bf16 logits (transformers 4.52: no upcast) are still
    bound while the loss of the next forward allocates its own, so the forward's loss moment rises too."""
    spec = resolve("Llama-3.2-3B")
    kw = {"framework": "plain", "mode": "lora", "lora_rank": 32, "lora_targets": ("q_proj", "v_proj"),
          "context": 768, "batch": 4, "gradient_checkpointing": False, "loss": "full"}
    before = _phases(spec, Workload(**kw))  # type: ignore[arg-type]
    after = _phases(spec, Workload(**kw, held_logits="always"))  # type: ignore[arg-type]
    for phase in ("forward", "backward", "optimizer"):
        assert after[phase] - before[phase] == 4 * 768 * spec.vocab_size * 2


def test_losses_without_logits_hold_nothing() -> None:
    """A fused or chunked loss never materialises the logits: nothing to hold, and the note says so."""
    spec = resolve("Llama-3.2-1B")
    kw = {"framework": "trl", "mode": "lora", "context": 1024, "batch": 2}
    base = estimate(spec, Workload(**kw))  # type: ignore[arg-type]
    held = estimate(spec, Workload(**kw, held_logits="always"))  # type: ignore[arg-type]
    assert held.total_bytes == base.total_bytes
    assert any("returns no logits" in a for a in held.assumptions)


@settings(max_examples=12, deadline=None)
@given(
    framework=st.sampled_from(["plain", "trainer", "torchtune", "axolotl"]),
    mode=st.sampled_from(["full", "lora", "qlora"]),
    context=st.integers(min_value=64, max_value=4096),
    batch=st.integers(min_value=1, max_value=4),
    held=st.sampled_from(["step", "always"]),
)
def test_holding_never_lowers_the_peak(
    framework: str, mode: str, context: int, batch: int, held: str
) -> None:
    spec = resolve("Llama-3.2-1B")
    kw = {"mode": mode, "framework": framework, "context": context, "batch": batch, "loss": "full"}
    base = estimate(spec, Workload(**kw))  # type: ignore[arg-type]
    more = estimate(spec, Workload(**kw, held_logits=held))  # type: ignore[arg-type]
    assert more.total_bytes >= base.total_bytes
    assert more.weights_bytes == base.weights_bytes and more.optimizer_bytes == base.optimizer_bytes


def test_bad_value_is_one_line() -> None:
    with pytest.raises(BadInputError):
        build_workload(mode="lora", held_logits="sometimes")  # type: ignore[arg-type]
