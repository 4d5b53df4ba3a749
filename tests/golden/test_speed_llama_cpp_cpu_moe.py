"""llama.cpp --n-cpu-moe on an 8 GB RTX 2080 with an i9-10900X host (quad-channel DDR4, the submitter's
measured ~102 GB/s), llama-server, -ngl 99, context 4096, one slot:
- gpt-oss-20B MXFP4, --n-cpu-moe 12: 36.4 t/s (https://github.com/AlexsJones/llmfit/pull/775);
- Qwen3-30B-A3B-Instruct-2507 Q4_K_M, --n-cpu-moe 36: 36.7 t/s, the server's own generation rate
  (https://github.com/AlexsJones/llmfit/pull/755).

Each host-expert layer cuts the decode graph twice, and every cut is a blocking host round trip
(estimate/engines/llama_cpp_cpu_moe_splits.py), priced at the published 31.35 us pinned D2H + sync
(kekzl/imp#1654). With only the experts' reads at the host's bandwidth llmsize said ~70 and ~65 t/s; the
hand-off takes it part of the way. The rest of the gap (the CPU reaching ~30 GB/s of expert weights where
~80 GB/s is priced) is not explained yet and is pinned as a strict xfail.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.llama_cpp_cpu_moe_splits import decode_splits, host_expert_layers
from llmsize.estimate.workload import Workload
from llmsize.hardware.efficiency import Efficiency
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Planner
from llmsize.specs.resolve import resolve

HOST = Efficiency(host_bandwidth_gb_s=102.0)


def _tps(model: str, n_cpu_moe: int | None, quant: str | None = None) -> float:
    data = {"engine": "llama.cpp", "context": 4096, "n_cpu_moe": n_cpu_moe}
    if quant:
        data["quant"] = quant
    row = Planner(resolve(model), Workload.model_validate(data), estimate, HOST).plan(get_gpu("RTX-2080"), 1)
    assert row.fits is True
    assert row.decode_tokens_per_s is not None
    return row.decode_tokens_per_s


def test_only_moe_layers_on_the_gpu_are_cut() -> None:
    # DeepSeek-Coder-V2-Lite: block 0 has a dense MLP (first_k_dense_replace 1), so 16 CPU-MoE blocks cut 15.
    lite = resolve("DeepSeek-Coder-V2-Lite-Instruct")
    assert host_expert_layers(lite, 16) == 15
    # Blocks below --gpu-layers run whole on the CPU: no hand-off inside them.
    oss = resolve("gpt-oss-20b")
    assert host_expert_layers(oss, 12, gpu_layers=20) == 8
    assert decode_splits(oss, None, 1) == (0, 0, 0)


def test_hand_off_slows_the_published_setups() -> None:
    # Before the hand-off was priced: ~70 and ~65 t/s beside the published 36.4 and 36.7.
    assert _tps("gpt-oss-20b", 12) < 66.0
    assert _tps("Qwen3-30B-A3B-Instruct-2507", 36, "Q4_K_M") < 55.0


@pytest.mark.xfail(strict=True, reason="the CPU's rate on host experts: ~2x too fast (FINDINGS cpumoe)")
def test_gpt_oss_20b_n_cpu_moe_12_matches_llmfit_775() -> None:
    assert _tps("gpt-oss-20b", 12) == pytest.approx(36.4, rel=0.25)
