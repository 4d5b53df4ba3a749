"""vLLM tensor parallelism on PCIe-only GeForce cards: NCCL's ring from the third GPU on.

Mechanism (hardware/allreduce.py): vLLM's CustomAllreduce refuses more than two GPUs that are not all
NVLink-connected (vllm/distributed/device_communicators/custom_all_reduce.py, CustomAllreduce.__init__),
so TP 4 all-reduces run NCCL's LL ring: 6.6 us + 2 (n - 1) PCIe hops (NVIDIA/nccl src/graph/tuning.cc),
a hop of 3.4 us from NVIDIA/nccl#1439 (8 x RTX 3090, all_reduce_perf 54.18 us at 8 B). An RTX 3090's
NVLink bridge pairs two cards and is not assumed.

Published number, cited where used:
- Gemma-4-31B-it AWQ 4-bit on 4 x RTX 3090 (no NVLink bridges, PCIe Gen3/4), vLLM 0.19.1 TP 4, batch 1:
  'production rolling 7-day median 76.9 tok/s' single-stream decode
  (https://ollama.linkworksinc.com/posts/vllm-tp4-3090-benchmark; held-out row
  heldout25-linkworks-4x3090-gemma4-31b-awq-tp4-decode, never fitted). The bridge read as an NVLink switch
  priced H100's 4.8 us custom kernel and predicted 92 t/s (+20%).
No test is timed.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, resolve_constants
from llmsize.specs.resolve import resolve

HYDRA_TP4_DECODE = 76.9  # tok/s, docstring


def _decode_tps(tp: int) -> float:
    spec = resolve("gemma-4-31B-it")
    wl = Workload.model_validate({"engine": "vllm", "quant": "awq", "context": 384, "prompt_tokens": 128,
                                  "num_gpus": tp, "tp": tp})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(tp=tp))
    gpu = get_gpu("RTX-3090")
    step, _ = decode_step(inputs, gpu, resolve_constants(inputs, gpu), 256)
    return 1 / step


def test_tp4_on_four_pcie_3090s_matches_the_published_decode() -> None:
    assert _decode_tps(4) == pytest.approx(HYDRA_TP4_DECODE, rel=0.10)


def test_the_all_reduces_are_priced_at_nccls_pcie_ring() -> None:
    spec = resolve("gemma-4-31B-it")
    wl = Workload.model_validate({"engine": "vllm", "quant": "awq", "context": 384, "prompt_tokens": 128,
                                  "num_gpus": 4, "tp": 4})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(tp=4))
    _, parts = decode_step(inputs, get_gpu("RTX-3090"), resolve_constants(inputs, get_gpu("RTX-3090")), 256)
    # two all-reduces a layer at ~27 us each: over 2.5 ms of a ~13 ms step
    assert parts["comm"] > 2 * inputs.num_layers * 25e-6
