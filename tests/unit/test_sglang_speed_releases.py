"""SGLang's speed profiles per release (estimate/engines/sglang.py SPEED and SPEED_V04)."""

from __future__ import annotations

from llmsize.estimate.engines import sglang_fp8_act_quant as act_quant
from llmsize.estimate.engines.sglang import SPEED, SPEED_V04, Sglang
from llmsize.hardware.speed_profiles import engine_profile


def test_current_release_is_the_engines_default_and_0_4_stays_reachable() -> None:
    # The engine class serves the 0.5 series' profile; rows measured on 0.4.6.post1 name "sglang-0.4".
    assert Sglang.speed is SPEED
    assert engine_profile("sglang") == SPEED
    assert engine_profile("sglang-0.4") == SPEED_V04


def test_0_5_keeps_the_0_4_kernel_rules_and_changes_only_the_step_constants() -> None:
    # Same CUDA-graph decode, kernel counts, chunking and prefill shares; the refit touched two constants,
    # and the all-reduce is the measured custom kernel's (hardware/allreduce.py); on CDNA3 the 0.5 series'
    # ROCm images run AITER's block-FP8 fused MoE with its measured call floor and prefill rate
    # (rocm_aiter_moe.py). Its kernel table adds one kernel per block-FP8 input quantization
    # (sglang_fp8_act_quant.py); 0.4.6's keeps the shared serving counts.
    differing = {k for k, v in SPEED.model_dump().items() if v != SPEED_V04.model_dump()[k]}
    assert differing == {
        "engine",
        "version",
        "step_fixed_s",
        "gpu_per_layer_s",
        "allreduce_kernel_measured",
        "moe_call_floor_s",
        "moe_prefill_rate",
        "layer_kernels",
        "sources",
    }
    # ... and SGLang's own lightning-indexer decode count (sglang_dsa_kernels.py: 15, vLLM-shaped 10)
    assert SPEED.graphs and SPEED.layer_kernels == {
        **SPEED_V04.layer_kernels, "dsa_indexer": 15, act_quant.PART: 1}


def test_engine_version_0_4_selects_the_0_4_profile() -> None:
    # --engine-version 0.4.6.post1 prices a step with the profile fitted on that release's tables.
    from llmsize.estimate.workload import Workload

    old = Workload(engine="sglang", engine_version="0.4.6.post1")  # type: ignore[arg-type]
    assert Sglang(old).speed_name() == SPEED_V04.engine
    assert Sglang(Workload(engine="sglang", engine_version="0.5.19")).speed_name() == "sglang"  # type: ignore[arg-type]
    assert Sglang(Workload(engine="sglang")).speed_name() == "sglang"  # type: ignore[arg-type]
