"""SGLang prefills outside its piecewise CUDA graphs launch every kernel from Python
(estimate/engines/sglang_prefill_graphs.py): a short prompt's TTFT has the launch time of one forward as
its floor.

Published (held out; SemiAnalysisAI/InferenceX PR #3175 and #3183 baselines, image
lmsysorg/sglang:v0.5.12-cu130, --moe-runner-backend flashinfer_trtllm, one stream, random 1k / 1k with
range ratio 0.8, mean 922 prompt tokens): DeepSeek-R1-0528 FP8 on 8 x B300, TP 8: mean TTFT 70.93 ms;
NVIDIA's DeepSeek-R1 NVFP4 on 8 x B300 TP 8: 76.40 ms, on 4 x B300 TP 4: 77.36 ms. The three differ by
under 10% while each GPU's weight bytes differ 2x: not the GPU's work. Before this module the model
priced the GPU work alone, 24.0 / 17.1 / 25.0 ms (-66 / -78 / -68%).
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import sglang_prefill_graphs as pg
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import prefill_seconds, resolve_constants
from llmsize.specs.resolve import resolve

FP8_B300 = "https://github.com/SemiAnalysisAI/InferenceX/pull/3175"
FP4_B300 = "https://github.com/SemiAnalysisAI/InferenceX/pull/3183"


def _workload(tp: int, prompt: int, *, quant: str | None = None, gpu_id: str = "B300",
              release: str | None = "0.5.12") -> Workload:
    gpu = get_gpu(gpu_id)
    data: dict[str, object] = {"engine": "sglang", "context": prompt + 922, "prompt_tokens": prompt,
                               "num_gpus": tp, "tp": tp, "gpu_architecture": gpu.architecture,
                               "gpu_segment": gpu.segment}
    if quant:
        data["quant"] = quant
    if release:
        data["engine_version"] = release
    return Workload.model_validate(data)


def _ttft_ms(model: str, tp: int, prompt: int = 922, **kw: object) -> float:
    gpu_id = str(kw.get("gpu_id", "B300"))
    wl = _workload(tp, prompt, **kw)  # type: ignore[arg-type]
    spec = resolve(model)
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(tp=tp))
    gpu = get_gpu(gpu_id)
    seconds, _ = prefill_seconds(inputs, gpu, resolve_constants(inputs, gpu), prompt)
    return 1000 * seconds


@pytest.mark.parametrize(("model", "tp", "quant", "published", "source"), [
    ("DeepSeek-R1", 8, None, 70.93, FP8_B300),
    ("DeepSeek-R1", 8, "nvfp4", 76.40, FP4_B300),
    ("DeepSeek-R1", 4, "nvfp4", 77.36, FP4_B300),
])
def test_b300_single_stream_ttft(model: str, tp: int, quant: str | None, published: float,
                                 source: str) -> None:
    assert _ttft_ms(model, tp, quant=quant) == pytest.approx(published, rel=0.25), source


def test_release_before_the_default_graphs_runs_every_prefill_eagerly() -> None:
    # sglang 0.5.9's server_args.py: enable_piecewise_cuda_graph False; 0.5.10: disable_... False.
    spec = resolve("Qwen3-8B")
    wl = _workload(1, 1024, gpu_id="H100-SXM-80GB", release="0.5.9")
    assert pg.graphs_off(spec, wl, (0, 5, 9), hip=False, sm100=False)
    assert not pg.graphs_off(spec, wl, (0, 5, 10), hip=False, sm100=False)


def test_what_turns_the_graphs_off_from_0_5_10() -> None:
    dense, r1 = resolve("Qwen3-8B"), resolve("DeepSeek-R1")
    wl = _workload(1, 1024, gpu_id="H100-SXM-80GB")
    rel = (0, 5, 12)
    assert pg.graphs_off(dense, wl, rel, hip=True, sm100=False)  # ROCm: is_hip()
    assert pg.graphs_off(dense, wl.model_copy(update={"dp_attention": 2}), rel, hip=False, sm100=False)
    # DeepSeek V3 architecture on SM100: flashinfer_trtllm MoE by default, which disables the graphs
    assert pg.graphs_off(r1, _workload(8, 1024), rel, hip=False, sm100=True)
    assert not pg.graphs_off(r1, _workload(8, 1024, gpu_id="H200-SXM-141GB"), rel, hip=False, sm100=False)


def test_graphs_cover_up_to_their_largest_capture() -> None:
    # MLA: piecewise_cuda_graph_max_tokens 2048; otherwise the chunked-prefill size
    assert pg.graph_tokens(resolve("DeepSeek-R1"), 16384) == 2048
    assert pg.graph_tokens(resolve("Qwen3-8B"), 8192) == 8192


def test_graphed_prefill_pays_no_launch_floor() -> None:
    # DeepSeek-R1 FP8 on 8 x H200 (no flashinfer_trtllm default off SM100): a 1,024-token prompt is under
    # the MLA graphs' 2,048 tokens, so only an 8k one pays the launch floor.
    short = _ttft_ms("DeepSeek-R1", 8, 1024, gpu_id="H200-SXM-141GB")
    eager = _ttft_ms("DeepSeek-R1", 8, 1024, gpu_id="H200-SXM-141GB", release="0.5.9")
    assert short < eager
