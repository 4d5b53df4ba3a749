"""Golden: a vision-language model's weights per GPU under vLLM tensor parallelism.

Published: llm-d-incubation/llm-d-planner, accuracy/results/v0.19.0/logs (commit d3121e05), vLLM
0.19.0 on H100 80GB, RedHatAI/Mistral-Small-3.1-24B-Instruct-2503-quantized.w8a8 (a Pixtral vision
tower beside the W8A8 decoder), max_model_len 8192:
- w8a8-mistral-small-24b--h100-80gb--tp1pp1dp1--8192.log: "Model loading took 24.07 GiB memory"
- w8a8-mistral-small-24b--h100-80gb--tp2pp1dp1--8192.log: "Model loading took 12.11 GiB memory"
(https://github.com/llm-d-incubation/llm-d-planner/pull/205). With the tower kept whole on both
ranks TP 2 would need about 12.45 GiB; vLLM's pixtral.py splits its blocks (--mm-encoder-tp-mode
weights, the default).
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.specs.resolve import resolve

GIB = 2**30
MODEL = "RedHatAI/Mistral-Small-3.1-24B-Instruct-2503-quantized.w8a8"


@pytest.mark.parametrize(("tp", "published_gib"), [(1, 24.07), (2, 12.11)])
def test_mistral_small_3_1_w8a8_model_loading_per_gpu(tp: int, published_gib: float) -> None:
    spec = resolve(MODEL)
    wl = Workload.model_validate({"engine": "vllm", "tp": tp, "num_gpus": tp, "context": 8192})
    weights = estimate(spec, wl, explained=False).weights_bytes
    assert weights / GIB == pytest.approx(published_gib, rel=0.01)
