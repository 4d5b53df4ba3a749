"""estimate/engines/vllm_moe_tuned.py: V0-era vLLM runs default fused_moe tiles where its release ships no
tuned file for the expert shape (read off the 0.4.2 / 0.6.3 sdists' fused_moe/configs/)."""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.registry import engine_for
from llmsize.estimate.engines.vllm_moe_tuned import expert_shape, runs_default_tiles, speed_name
from llmsize.estimate.engines.vllm_speed import UNTUNED_MOE_CALL_S
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, resolve_constants
from llmsize.specs.resolve import resolve


def test_qwen2_57b_has_no_tuned_file_in_0_4_but_has_one_from_0_6() -> None:
    spec = resolve("Qwen2-57B-A14B-Instruct")
    # fused_moe names the file E=64,N=1280 at TP 2 (w2.shape[2] = 2560 / 2): 0.4.2 ships no E=64 file,
    # 0.6.3 ships E=64,N=1280 for the A100-SXM4-80GB and the H100.
    assert expert_shape(spec, 2) == (64, 1280)
    assert runs_default_tiles(spec, 2, (0, 4), quantized=False)
    assert not runs_default_tiles(spec, 2, (0, 6), quantized=False)
    assert runs_default_tiles(spec, 1, (0, 6), quantized=False)  # E=64,N=2560 ships in neither


def test_mixtral_dense_quantized_and_v1_make_no_claim() -> None:
    mixtral, dense = resolve("Mixtral-8x7B-Instruct-v0.1"), resolve("Qwen2-7B-Instruct")
    assert not runs_default_tiles(mixtral, 2, (0, 4), quantized=False)  # E=8,N=7168 ships in 0.4.2
    assert not runs_default_tiles(dense, 2, (0, 4), quantized=False)
    spec = resolve("Qwen2-57B-A14B-Instruct")
    assert not runs_default_tiles(spec, 2, (0, 4), quantized=True)
    assert not runs_default_tiles(spec, 2, (0, 10), quantized=False)  # V1: the named profile only
    assert speed_name("vllm", spec, 2, (0, 4), quantized=False) == "vllm"


def test_engine_picks_the_untuned_twin_for_the_release_asked() -> None:
    spec = resolve("Qwen2-57B-A14B-Instruct")

    def name(version: str, **extra: object) -> str:
        wl = Workload.model_validate({"engine": "vllm", "engine_version": version, "num_gpus": 2, "tp": 2,
                                      "context": 4096, **extra})
        return engine_for(wl).speed_name(spec)

    assert name("0.4.2") == "vllm-0.4-moe-untuned"
    assert name("0.6.3") == "vllm-0.6"
    assert name("0.4.2", enforce_eager=True) == "vllm-0.6-eager-moe-untuned"


def _step(engine: str) -> float:
    spec = resolve("Qwen2-57B-A14B-Instruct")
    wl = Workload.model_validate({"engine": "vllm", "context": 2048, "prompt_tokens": 1, "num_gpus": 2,
                                  "tp": 2})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(tp=2), engine=engine)
    gpu = get_gpu("A100-SXM-80GB")
    return decode_step(inputs, gpu, resolve_constants(inputs, gpu), 1024)[0]


def test_default_tiles_add_the_untuned_call_time_to_every_moe_layer() -> None:
    # Qwen2-57B-A14B: 28 routed-FFN layers, each call UNTUNED_MOE_CALL_S longer on the default tiles.
    extra = _step("vllm-0.4-moe-untuned") - _step("vllm-0.4")
    assert extra == pytest.approx(28 * UNTUNED_MOE_CALL_S, rel=1e-6)
