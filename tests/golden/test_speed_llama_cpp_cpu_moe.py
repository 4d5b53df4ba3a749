"""llama.cpp --n-cpu-moe on an 8 GB RTX 2080 with an i9-10900X host (quad-channel DDR4, the submitter's
measured ~102 GB/s), llama-server, -ngl 99, context 4096, one slot:
- gpt-oss-20B MXFP4, --n-cpu-moe 12: 36.4 t/s (https://github.com/AlexsJones/llmfit/pull/775);
- Qwen3-30B-A3B-Instruct-2507 Q4_K_M, --n-cpu-moe 36: 36.7 t/s, the server's own generation rate
  (https://github.com/AlexsJones/llmfit/pull/755).

Each host-expert layer cuts the decode graph twice, three blocking host round trips in all
(estimate/engines/llama_cpp_cpu_moe_splits.py), priced at the published 31.35 us pinned D2H + sync
(kekzl/imp#1654). And the picked experts are multiplied by the CPU threads, each of which streams
~3.3 GB/s of quantized weights through ggml-cpu's vec_dot (hardware/speed_profiles.HOST_THREAD_BYTES_PER_S,
from a Ryzen 7950X's CPU-only runs of the same two models, ikawrakow/ik_llama.cpp#1075), not the DIMMs'
rate: given the run's 10 threads (llama.cpp's default, the i9-10900X's physical cores), llmsize lands near
the published rates; with only the RAM figure it said ~70 and ~65 t/s.
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


def _tps(model: str, n_cpu_moe: int | None, quant: str | None = None, threads: int | None = None) -> float:
    data = {"engine": "llama.cpp", "context": 4096, "n_cpu_moe": n_cpu_moe}
    if quant:
        data["quant"] = quant
    host = Efficiency(host_bandwidth_gb_s=102.0, host_threads=threads)
    row = Planner(resolve(model), Workload.model_validate(data), estimate, host).plan(get_gpu("RTX-2080"), 1)
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
    # RAM-bound only (threads enough to outrun 0.8 x 102 GB/s), before the hand-off was priced: ~70 and ~65
    # t/s beside the published 36.4 and 36.7.
    assert _tps("gpt-oss-20b", 12, threads=64) < 67.0
    assert _tps("Qwen3-30B-A3B-Instruct-2507", 36, "Q4_K_M", threads=64) < 55.0


def test_gpt_oss_20b_n_cpu_moe_12_matches_llmfit_775() -> None:
    assert _tps("gpt-oss-20b", 12, threads=10) == pytest.approx(36.4, rel=0.15)


def test_qwen3_30b_a3b_n_cpu_moe_36_matches_llmfit_755() -> None:
    # 25%, not the 15% above: the model reads ~29.3 t/s here, -20% (FINDINGS "llama.cpp --n-cpu-moe decode",
    # -18.8% on its held-out row): the per-thread rate is a Zen 4 desktop's, this run's host a Cascade Lake
    # i9-10900X, and no per-CPU rate is modelled. A known gap, not a fit.
    assert _tps("Qwen3-30B-A3B-Instruct-2507", 36, "Q4_K_M", threads=10) == pytest.approx(36.7, rel=0.25)


def test_threads_only_ever_slow_the_ram_bound_rate() -> None:
    # Enough threads to outrun the DIMMs (0.8 x 102 GB/s): the RAM bounds the rate.
    ram_bound = _tps("gpt-oss-20b", 12, threads=64)
    default = _tps("gpt-oss-20b", 12)  # llama.cpp's -t default on the default 16-core host (hostdefault)
    assert _tps("gpt-oss-20b", 12, threads=4) < _tps("gpt-oss-20b", 12, threads=10) < default < ram_bound
    assert _tps("gpt-oss-20b", 12, threads=128) == pytest.approx(ram_bound, rel=1e-9)
