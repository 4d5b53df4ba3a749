"""llama.cpp decode of small-step models on data-centre NVIDIA cards vs GeForce, one published table.

Pavlo Khmel's table (https://github.com/pavlokhmel/llm_throughput_benchmark/blob/
03a00c5341d3323580dae1c169030905853890e3/results.md; blog https://pavlokhmel.com/
llm_throughput_benchmark_on_13_gpus_and_10_models.html, 2026-06-07): llama-server, unsloth Q4_K_M GGUFs, one
request at a time, completion tokens over the request's wall time (llm_throughput_benchmark.py). The same
harness and files on 13 cards show what Ollama 0.11.8's A100 rows showed for qwen3-coder and gpt-oss:120b
(tests/golden/test_speed_ollama_gptoss_a100.py, test_speed_ollama_moe_three_cards.py): a MoE model runs
~0.7x as fast on an 80 GB A100 as on an RTX 4090 although the A100 has twice the bandwidth, while a dense
27-31B model runs at about the same speed on both. The GeForce rows and the dense A100 rows land where
llmsize puts them; the small-step rows (MoE and small dense) of every data-centre card do not. Which
mechanism takes the time is not found (FINDINGS, ollamamoe25 pass), so the gap is pinned as strict xfails.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.llama_cpp import fusion_engine
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import generation_seconds
from llmsize.specs.resolve import resolve

# Not published: the question's and the answers' lengths (the rows in bench/speed_tables.yaml take the same).
PROMPT, GEN = 30, 1000


def _rate(model: str, gpu: str) -> float:
    """llmsize's completion tokens over the whole request (prefill + decode), as the harness divides."""
    spec = resolve(model)
    wl = Workload.model_validate({"engine": "llama.cpp", "quant": "Q4_K_M", "context": PROMPT + GEN,
                                  "prompt_tokens": PROMPT})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(), engine=fusion_engine(None))
    return GEN / generation_seconds(inputs, get_gpu(gpu), prompt_tokens=PROMPT, new_tokens=GEN)


@pytest.mark.parametrize(("model", "gpu", "published"), [
    ("gpt-oss-20b", "RTX-4090", 266),          # results.md row 'gpt-oss-20b', column '4090'
    ("Qwen3.6-35B-A3B", "RTX-4090", 180),
    ("gemma-4-26B-A4B-it", "RTX-4090", 149),
    ("Qwen3.6-27B", "A100-SXM-80GB", 46),      # dense: the A100 SXM 80GB column
    ("gemma-4-31B-it", "A100-SXM-80GB", 43),
])
def test_geforce_moe_and_datacentre_dense_rows_land(model: str, gpu: str, published: float) -> None:
    assert _rate(model, gpu) == pytest.approx(published, rel=0.25)


GAP = ("llama.cpp MoE decode on an A100 runs at ~0.7x an RTX 4090 (published) where llmsize's step, "
       "bandwidth-led, gives ~1.1x; no mechanism found for the data-centre cards' longer small-model step")


@pytest.mark.xfail(strict=True, reason=GAP)
@pytest.mark.parametrize(("model", "a100", "rtx4090"), [
    ("gpt-oss-20b", 189, 266),
    ("Qwen3.6-35B-A3B", 128, 180),
    ("gemma-4-26B-A4B-it", 116, 149),
])
def test_moe_a100_over_rtx4090(model: str, a100: float, rtx4090: float) -> None:
    ratio = _rate(model, "A100-SXM-80GB") / _rate(model, "RTX-4090")
    assert ratio == pytest.approx(a100 / rtx4090, rel=0.15)


@pytest.mark.xfail(strict=True, reason=GAP)
@pytest.mark.parametrize(("model", "gpu", "published"), [
    ("gpt-oss-20b", "H100-SXM-80GB", 286),
    ("LFM2.5-1.2B", "H100-SXM-80GB", 764),     # a small dense model: the same floor (~1.3 ms a token on
    ("LFM2.5-1.2B", "B300", 801),              # H100, H200 and B300 whatever their bandwidth)
])
def test_small_step_on_datacentre_cards(model: str, gpu: str, published: float) -> None:
    assert _rate(model, gpu) == pytest.approx(published, rel=0.25)
