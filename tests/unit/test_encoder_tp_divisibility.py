"""A vision tower the TP degree does not divide: vLLM 0.19 and SGLang 0.5.23 refuse to build it.

Both split the tower's attention heads and MLP width over the TP ranks and assert the division is
exact (vLLM `distributed/utils.py` ensure_divisibility from Qwen2_5_VisionAttention, which Qwen3-VL and
Qwen3.5 reuse; `layers/linear.py` ColumnParallelLinear; SGLang `layers/attention/vision.py`
VisionAttention). vLLM's `--mm-encoder-tp-mode data` keeps the whole tower on each rank for the models
that honour it (Qwen2.5-VL, Qwen3-VL, Llama 4), so no division happens.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.cli import main
from llmsize.errors import BadInputError
from llmsize.estimate.core import estimate
from llmsize.estimate.encoder_tp import indivisible
from llmsize.estimate.workload import Workload
from llmsize.specs.resolve import resolve

# Qwen3-VL-8B: decoder 32 heads / 8 KV heads / MLP 12,288, all divisible by 32; its tower has 16 heads.
QWEN3_VL = "Qwen3-VL-8B-Instruct"


def _run(model: str, **wl: object) -> None:
    estimate(resolve(model), Workload(context=4096, **wl))  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ["vllm", "sglang"])
def test_tower_heads_the_tp_degree_does_not_divide_are_refused(engine: str) -> None:
    with pytest.raises(BadInputError, match="vision tower's 16 attention heads"):
        _run(QWEN3_VL, engine=engine, tp=32, num_gpus=32)


def test_vllm_data_mode_keeps_the_tower_whole_and_starts() -> None:
    _run(QWEN3_VL, engine="vllm", tp=32, num_gpus=32, mm_encoder_tp_mode="data")


def test_a_tower_without_data_mode_is_refused_even_with_it() -> None:
    # pixtral.py does not set supports_encoder_tp_data: vLLM falls back to splitting the 16 heads.
    with pytest.raises(BadInputError, match="16 attention heads") as info:
        _run(
            "Mistral-Small-3.1-24B-Instruct-2503",
            engine="vllm",
            tp=32,
            num_gpus=32,
            mm_encoder_tp_mode="data",
        )
    assert "mm-encoder-tp-mode" not in (info.value.hint or "")


def test_the_mlp_width_is_checked_too() -> None:
    # Qwen2.5-VL-7B's tower MLP is 3,420 wide: 3,420 % 8 = 4 (MergedColumnParallelLinear asserts).
    tower = resolve("Qwen2.5-VL-7B-Instruct").vision
    assert tower is not None and tower.num_heads % 8 == 0 and tower.intermediate_size == 3420
    assert (
        indivisible(resolve("Qwen2.5-VL-7B-Instruct"), 8)
        == "--tp 8 does not divide the vision tower's 3420 MLP width"
    )


@given(st.sampled_from([1, 2, 4, 8, 16]))
def test_every_tp_that_divides_both_widths_passes(tp: int) -> None:
    spec = resolve(QWEN3_VL)
    assert indivisible(spec, tp) is None  # 16 heads, MLP 4,304 = 16 x 269


def test_cli_says_so_in_one_line_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ex:
        main(["estimate", QWEN3_VL, "--engine", "vllm", "--tp", "32", "--num-gpus", "32"])
    assert ex.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "vision tower's 16 attention heads" in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if line.strip()]) <= 2


@pytest.mark.parametrize(("extra", "code"), [([], 2), (["--mm-encoder-tp-mode", "data"], 0)])
def test_check_reads_the_encoder_mode_from_the_launch_command(
    extra: list[str], code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["check", "--gpu", "H100", "--", "vllm", "serve", "Qwen/Qwen3-VL-8B-Instruct"]
    with pytest.raises(SystemExit) as ex:
        main([*argv, "--tensor-parallel-size", "32", *extra])
    assert (ex.value.code or 0) == code
    out = capsys.readouterr()
    assert ("vision tower's 16 attention heads" in out.err) == (code == 2)


def test_the_plan_skips_a_tp_degree_the_tower_refuses() -> None:
    # A tower of 12 heads (a made-up width) under a decoder TP 8 divides: vLLM could not build it at TP 8,
    # so the 8-GPU layouts keep TP 4 and below.
    from llmsize.hardware.plan import Planner

    spec = resolve(QWEN3_VL)
    assert spec.vision is not None
    odd = spec.model_copy(update={"vision": spec.vision.model_copy(update={"num_heads": 12})})
    planner = Planner(odd, Workload(engine="vllm", context=4096))  # type: ignore[arg-type]
    assert planner.tp_problem(8) is not None and planner.tp_problem(4) is None
    assert {layout.tp for layout in planner.layouts(8)} <= {1, 2, 4}
    data = Planner(odd, Workload(engine="vllm", context=4096, mm_encoder_tp_mode="data"))  # type: ignore[arg-type]
    assert 8 in {layout.tp for layout in data.layouts(8)}
