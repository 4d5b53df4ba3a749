"""Real runs on the CPU agree with the FakeTensor trace of the same model and workload.

Qwen2.5-0.5B's real widths and vocabulary (bundled catalog config) with 2 of its 24 layers, so each
run takes seconds. Tolerance (stated in docs/validation.md): the peak within 0.1%. The CPU run
executes the very operators the trace accounts, so only a few scalars may differ.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from llmsize.errors import BadInputError
from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Dtype, Mode, Workload
from llmsize.measure.build_model import with_layers
from llmsize.measure.harness import measurable_workload, measure
from llmsize.measure.models import Measurement
from llmsize.specs import catalog
from llmsize.specs.local import spec_from_config
from llmsize.specs.models import ModelSpec, Provenance, ProvenanceKind

pytestmark = pytest.mark.trace

LAYERS = 2
# 64 positions: every training operator and saved tensor appears at any length, and the lm_head over
# the 151,936-token vocabulary (fp32 on CPUs without bf16 hardware) costs a quarter of 256 positions'.
TRAIN_CONTEXT = 64


@pytest.fixture(scope="module")
def small() -> tuple[ModelSpec, dict[str, Any]]:
    found = catalog.find("Qwen2.5-0.5B")
    assert found is not None
    config = with_layers(found[0].model.config, LAYERS)
    spec = spec_from_config(
        config,
        name="Qwen2.5-0.5B",
        provenance=Provenance(kind=ProvenanceKind.CATALOG, source=found[0].model.source),
        where="test config",
    )
    return spec, config


# One trace and one CPU run per workload for the whole module: the full fine-tune is both a test of
# its own and the baseline the gradient-checkpointing test compares with.
_RUNS: dict[str, tuple[Measurement, Measurement]] = {}


def _native_bf16() -> bool:
    """Whether this CPU multiplies bf16 in hardware (AVX512-BF16 or AMX). Without it torch emulates bf16
    GEMMs, and one training step of this model takes minutes instead of seconds (an AVX2-only EPYC)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return True
    return "avx512_bf16" in flags or "amx_bf16" in flags


def _both(small: tuple[ModelSpec, dict[str, Any]], wl: Workload) -> tuple[Measurement, Measurement]:
    spec, config = small
    if wl.mode != Mode.INFERENCE and not _native_bf16():
        wl = wl.model_copy(update={"dtype": Dtype.FP32})  # same ops, same trace comparison, in fp32
    wl, _ = measurable_workload(wl)
    key = wl.model_dump_json()
    if key not in _RUNS:
        est = estimate(spec, wl)
        traced = measure(spec, wl, "trace", config=config, est=est)
        real = measure(spec, wl, "cpu", config=config, est=est)
        _RUNS[key] = traced, real
    return _RUNS[key]


def test_inference_prefill_and_decode_match_the_trace(small: tuple[ModelSpec, dict[str, Any]]) -> None:
    # 8 decode steps: the untimed loop and the tracked last step run as they do for 128 (each step
    # is a full lm_head pass over Qwen's 151,936-token vocabulary, which is what makes a step slow)
    traced, real = _both(small, Workload(context=136, prompt_tokens=128))
    assert real.device == "cpu" and real.num_layers == LAYERS
    assert real.weights_bytes == traced.weights_bytes
    assert real.kv_cache_bytes == traced.kv_cache_bytes
    assert real.peak_phase == traced.peak_phase
    assert real.peak_bytes == pytest.approx(traced.peak_bytes, rel=1e-3)
    assert [p.phase for p in real.phases] == ["prefill", "decode"]
    assert real.timings is not None
    assert real.timings.decode_steps == 8
    assert real.timings.ttft_s and real.timings.ttft_s > 0
    assert real.timings.tpot_s and real.timings.tpot_s > 0
    assert real.cpu is not None and real.cpu.rss_peak_bytes >= real.cpu.rss_before_bytes
    assert "overhead" in real.not_measured


def test_full_fine_tune_matches_the_trace(small: tuple[ModelSpec, dict[str, Any]]) -> None:
    traced, real = _both(small, Workload(mode=Mode.FULL, framework="plain", context=TRAIN_CONTEXT))
    assert real.peak_bytes == pytest.approx(traced.peak_bytes, rel=1e-3)
    assert real.optimizer_bytes == pytest.approx(
        traced.optimizer_bytes, rel=1e-6
    )  # AdamW step counters aside
    assert real.optimizer_bytes == pytest.approx(2 * real.weights_bytes, rel=1e-5)  # AdamW: 2 states + steps
    assert real.gradients_bytes == traced.gradients_bytes
    assert real.timings is not None and real.timings.step_s and real.timings.step_s > 0


def test_lora_matches_the_trace(small: tuple[ModelSpec, dict[str, Any]]) -> None:
    traced, real = _both(small, Workload(mode=Mode.LORA, framework="plain", context=TRAIN_CONTEXT))
    assert real.adapters_bytes == traced.adapters_bytes > 0
    assert real.weights_bytes == traced.weights_bytes
    assert real.peak_bytes == pytest.approx(traced.peak_bytes, rel=1e-3)


def test_gradient_checkpointing_matches_the_trace(small: tuple[ModelSpec, dict[str, Any]]) -> None:
    traced, real = _both(
        small, Workload(mode=Mode.FULL, framework="plain", context=TRAIN_CONTEXT, gradient_checkpointing=True)
    )
    plain, _ = _both(small, Workload(mode=Mode.FULL, framework="plain", context=TRAIN_CONTEXT))
    assert real.peak_bytes == pytest.approx(traced.peak_bytes, rel=1e-3)
    assert real.activations_bytes < plain.activations_bytes  # recomputation keeps less


def test_trl_recipe_runs_for_real_as_traced(small: tuple[ModelSpec, dict[str, Any]]) -> None:
    """TRL's defaults (fused AdamW, checkpointing, chunked loss) run really as the trace accounts."""
    traced, real = _both(small, Workload(mode=Mode.FULL, framework="trl", context=TRAIN_CONTEXT))
    assert real.peak_bytes == pytest.approx(traced.peak_bytes, rel=1e-3)


def test_qlora_needs_cuda(small: tuple[ModelSpec, dict[str, Any]]) -> None:
    spec, config = small
    with pytest.raises(BadInputError, match="CUDA"):
        measure(spec, Workload(mode=Mode.QLORA, context=64), "cpu", config=config)
    with pytest.raises(BadInputError, match="tracer cannot run"):
        measure(spec, Workload(mode=Mode.QLORA, context=64), "trace", config=config)


def test_no_cuda_device_is_bad_input(small: tuple[ModelSpec, dict[str, Any]]) -> None:
    spec, config = small
    with pytest.raises(BadInputError, match="no CUDA device"):
        measure(spec, Workload(context=64), "cuda", config=config)


def test_repository_code_needs_the_flag(small: tuple[ModelSpec, dict[str, Any]]) -> None:
    spec, config = small
    custom = {**config, "model_type": "my_custom_arch", "auto_map": {"AutoConfig": "configuration_x.XConfig"}}
    with pytest.raises(BadInputError) as err:
        measure(spec, Workload(context=64), "cpu", config=custom, check_fit=False)
    assert "--trust-remote-code" in str(err.value)
