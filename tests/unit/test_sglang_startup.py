"""SGLang's memory before the static share is measured: the TP NCCL communicator and the RoPE table.

Rules read from SGLang 0.5.19's wheel (srt/distributed/bootstrap.py init_torch_distributed reads
pre_model_load_memory after initialize_model_parallel; parallel_state.py builds a PyNcclCommunicator
only for a group of more than one rank; layers/rotary_embedding/base.py keeps cos/sin in float32 on
CUDA). The communicator's size is SGLang's own "Init torch distributed ends. mem usage" line.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize.errors import BadInputError
from llmsize.estimate.core import estimate
from llmsize.estimate.engines import engine_for
from llmsize.estimate.engines import sglang_startup as startup
from llmsize.estimate.engines.sglang import CUDA_CONTEXT_BYTES, Sglang
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.specs.resolve import resolve
from llmsize.units import GIB


def _pool(model: str, **wl: object) -> tuple[int, int]:
    """(kv_pool_bytes, weights_bytes) of one rank on an H100."""
    workload = Workload(engine="sglang", **wl)  # type: ignore[arg-type]
    est = estimate(resolve(model), workload)
    budget = engine_for(workload).budget(est, get_gpu("h100").visible_memory_bytes, workload)
    return budget.kv_pool_bytes or 0, est.weights_bytes


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0.4.3.post4", (0, 4, 3)), ("v0.5.19", (0, 5, 19)), ("0.5", (0, 5, 0)), ("0.5.0rc2", (0, 5, 0))],
)
def test_release_reads_the_versions_sglang_prints(text: str, expected: tuple[int, int, int]) -> None:
    assert startup.release(text) == expected


@pytest.mark.parametrize("text", ["b8571", "latest", "0", "1.2.3.4"])
def test_a_version_that_is_not_an_sglang_release_is_bad_input(text: str) -> None:
    with pytest.raises(BadInputError, match="not an SGLang release"):
        estimate(resolve("Qwen2.5-7B"), Workload(engine="sglang", engine_version=text))  # type: ignore[arg-type]


def test_one_rank_builds_no_communicator() -> None:
    # GroupCoordinator: `if use_pynccl and self.world_size > 1` -- nothing before the measure but the context.
    assert startup.dist_init_bytes(1, None) == 0
    assert Sglang(Workload(engine="sglang")).pre_load_bytes() == CUDA_CONTEXT_BYTES  # type: ignore[arg-type]


def test_the_communicator_is_what_each_series_printed() -> None:
    # "Init torch distributed ends. mem usage=0.13 GB" (0.4.3.post4, nccl 2.21.5,
    # didier-durand/llms-in-clouds docs/sglang.md);
    # "mem usage=0.26 GB" (nccl 2.28.3, sgl-project/sglang#16920). SGLang's GB is 2**30 bytes.
    assert startup.dist_init_bytes(4, (0, 4, 3)) == pytest.approx(0.13 * GIB, abs=0.005 * GIB)
    assert startup.dist_init_bytes(2, (0, 5, 19)) == pytest.approx(0.26 * GIB, abs=0.005 * GIB)
    assert startup.dist_init_bytes(2, None) == startup.dist_init_bytes(2, (0, 5, 23))


def test_tp_ranks_lose_the_static_share_of_the_communicator() -> None:
    # rest = frac x (free - NCCL) - weights: at TP 2 the pool is frac x NCCL smaller than the same rank's
    # pool would be with the free memory of one rank (same weights per rank: compare the two releases,
    # whose RoPE tables differ, with the table's bytes taken out).
    new, w_new = _pool("Qwen2.5-7B", tp=2, num_gpus=2, mem_fraction_static=0.8)
    old, w_old = _pool("Qwen2.5-7B", tp=2, num_gpus=2, mem_fraction_static=0.8, engine_version="0.4.3")
    nccl_gap = startup.NCCL_INIT_BYTES_V05 - startup.NCCL_INIT_BYTES_V04
    assert (old + w_old) - (new + w_new) == pytest.approx(0.8 * nccl_gap, abs=1)


@given(st.sampled_from([1, 2, 4, 8]), st.floats(0.5, 0.95))
def test_more_ranks_never_add_memory_before_the_measure(tp: int, frac: float) -> None:
    engine = Sglang(Workload(engine="sglang", tp=tp, num_gpus=tp, mem_fraction_static=frac))  # type: ignore[arg-type]
    pre = engine.pre_load_bytes()
    assert pre >= CUDA_CONTEXT_BYTES
    assert (pre > CUDA_CONTEXT_BYTES) == (tp > 1)


def test_qwen35_rope_table_is_fp32_over_the_rotary_quarter_of_the_head() -> None:
    # Qwen3.5: head_dim 256, rope_parameters.partial_rotary_factor 0.25 -> rotary_dim 64, 262,144 positions;
    # SGLang 0.5 keeps cos/sin in float32 on CUDA, 0.4.x cast them to bf16.
    spec = resolve("Qwen3.5-27B")
    assert spec.rotary_fraction == 0.25
    wl = Workload(engine="sglang")  # type: ignore[arg-type]
    assert Sglang(wl).rope_bytes(spec, wl) == 262144 * 64 * 4
    old = Workload(engine="sglang", engine_version="0.4.3.post4")  # type: ignore[arg-type]
    assert Sglang(old).rope_bytes(spec, old) == 262144 * 64 * 2


def test_an_nvlink_switch_keeps_nccls_buffers_in_device_memory() -> None:
    # "Init torch distributed ends. mem usage=2.01 GB" on 8x H200 at TP 8 (sgl-project/sglang#11716);
    # a bridge or PCIe keeps the PCIe figure, one rank builds nothing.
    from llmsize.estimate.engines.nccl import link_class

    assert [link_class(x) for x in ("NVLink 4", "NVLink 5", "NVLink 3", "NVLink bridge (2 GPUs)", None)] == [
        "nvls", "nvls", "switch", "pcie", "pcie"]  # fmt: skip
    assert startup.dist_init_bytes(8, None, "nvls") == pytest.approx(2.01 * GIB, abs=0.005 * GIB)
    assert startup.dist_init_bytes(2, None, "pcie") == startup.NCCL_INIT_BYTES_V05
    assert startup.dist_init_bytes(1, None, "nvls") == 0


def test_the_gpu_row_carries_the_interconnect_to_the_pool(capsys: pytest.CaptureFixture[str]) -> None:
    # Llama-3.3-70B at TP 8 on 8x H200 (sgl-project/sglang#11716): the KV pool held 2,795,207 tokens
    # ("KV Cache is allocated. #tokens: 2795207"); with the PCIe figure it would be ~40k tokens more.
    # That build's default static share is not 0.5.23's for certain, so the bound is loose.
    import json

    from llmsize.cli import main

    with pytest.raises(SystemExit) as done:
        main(["estimate", "Llama-3.1-70B", "--engine", "sglang", "--tp", "8", "--num-gpus", "8",
              "--gpu", "H200-SXM-141GB", "--context", "131072", "--format", "json"])  # fmt: skip
    assert done.value.code in (0, None)
    row = json.loads(capsys.readouterr().out)["gpus"][0]
    assert row["kv_tokens"] == pytest.approx(2795207, rel=0.02)
    wl = Workload(engine="sglang", tp=8, num_gpus=8)  # type: ignore[arg-type]
    nvs = Sglang(wl.model_copy(update={"gpu_link": "nvls"}))
    extra = startup.NCCL_INIT_BYTES_NVSWITCH - startup.NCCL_INIT_BYTES_V05
    assert nvs.pre_load_bytes() - Sglang(wl).pre_load_bytes() == extra


@pytest.mark.parametrize(
    ("image", "release"),
    [
        ("lmsysorg/sglang:v0.4.3.post4-cu124", "0.4.3.post4"),
        ("lmsysorg/sglang:v0.5.19", "0.5.19"),
        ("lmsysorg/sglang:latest", None),
        ("lmsysorg/sglang:deepseek-v4-hopper", None),
        ("lmsysorg/sglang", None),
    ],
)
def test_the_docker_tag_names_the_release(image: str, release: str | None) -> None:
    from llmsize.preflight.launch import _sglang_release

    assert _sglang_release(image) == release


def test_check_prices_the_release_the_image_tag_names(capsys: pytest.CaptureFixture[str]) -> None:
    # QwQ-32B at TP 4 on 4x L4 (didier-durand/llms-in-clouds docs/sglang.md, 0.4.3.post4): 46,611 tokens.
    import json

    from llmsize.cli import main

    tokens = {}
    for image in ("lmsysorg/sglang:v0.4.3.post4-cu124", "lmsysorg/sglang:latest"):
        with pytest.raises(SystemExit):
            main(["check", "--gpu", "L4", "--num-gpus", "4", "--format", "json", "--",
                  "docker", "run", "--gpus", "all", image, "python3", "-m", "sglang.launch_server",
                  "--model-path", "Qwen/Qwen2.5-32B", "--tp", "4", "--mem-fraction-static", "0.85",
                  "--context-length", "131072"])  # fmt: skip
        tokens[image] = json.loads(capsys.readouterr().out)["check"]["engine_figures"]["kv_cache_tokens"]
    assert tokens["lmsysorg/sglang:v0.4.3.post4-cu124"] == pytest.approx(46611, rel=0.02)
    assert tokens["lmsysorg/sglang:latest"] < tokens["lmsysorg/sglang:v0.4.3.post4-cu124"]


@settings(max_examples=15, deadline=None)
@given(st.sampled_from([2, 4, 8]), st.floats(0.7, 0.95))
def test_an_nvswitch_pool_is_the_static_share_of_the_extra_buffers_smaller(tp: int, frac: float) -> None:
    # rest = frac x (free - NCCL) - weights: the switch's extra device buffers cost frac of themselves.
    base = {"tp": tp, "num_gpus": tp, "mem_fraction_static": frac, "context": 8192}
    pcie, _ = _pool("Llama-3.1-8B", **base)
    nvs, _ = _pool("Llama-3.1-8B", gpu_link="nvls", **base)
    extra = startup.NCCL_INIT_BYTES_NVSWITCH - startup.NCCL_INIT_BYTES_V05
    assert pcie - nvs == pytest.approx(frac * extra, abs=2)
