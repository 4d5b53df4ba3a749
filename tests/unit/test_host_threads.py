"""The CPU threads llama.cpp / Ollama multiply host-resident weights on, when nobody names them.

llama.cpp's -t default is common/common.cpp cpu_get_num_math -> cpu_get_num_physical_cores (one thread per
distinct /sys/devices/system/cpu/cpuN/topology/thread_siblings; an x86 hybrid CPU's performance cores only);
Ollama's is the same count (discover/types.go GetOptimalThreadCount). llmsize counts this machine's the same
way (hardware/detect.py physical_cores), and a catalog GPU's default host is the 16-core Ryzen 7950X
(speed_profiles.DEFAULT_HOST_THREADS).
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from llmsize.cli import app
from llmsize.cli.gpu_options import with_local_threads
from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.detect import Machine, Probe, ProbeError, detect, parse_cpu_list, physical_cores
from llmsize.hardware.efficiency import Efficiency
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Planner
from llmsize.specs.resolve import resolve

TOPOLOGY = "/sys/devices/system/cpu/cpu{}/topology/thread_siblings"


def _linux(siblings: dict[int, str], extra: dict[str, str] | None = None) -> Probe:
    files = {TOPOLOGY.format(cpu): f"{mask}\n" for cpu, mask in siblings.items()}
    files.update(extra or {})

    def read(path: str) -> str:
        if path not in files:
            raise FileNotFoundError(path)
        return files[path]

    def run(cmd: list[str]) -> str:
        raise ProbeError(f"{cmd[0]} not found")

    def glob(pattern: str) -> list[str]:
        return sorted(p for p in files if p.endswith("/topology/thread_siblings"))

    return Probe(run=run, read=read, glob=glob, platform="linux", logical_cpus=999)


def test_smt_siblings_count_as_one_core() -> None:
    # A 4-core / 8-thread CPU: cpuN and cpuN+4 share a core (masks 11, 22, 44, 88).
    masks = {cpu: f"{(1 << cpu % 4 | 1 << (cpu % 4 + 4)):x}" for cpu in range(8)}
    assert physical_cores(_linux(masks)) == 4


def test_without_smt_every_cpu_is_a_core() -> None:
    assert physical_cores(_linux({cpu: f"{1 << cpu:x}" for cpu in range(6)})) == 6


def test_hybrid_cpu_counts_its_performance_cores_only() -> None:
    # An i9-13900K-like layout: 8 P-cores with SMT (cpu0-15, pairs) and 16 E-cores (cpu16-31, one each);
    # the kernel lists the P-cores' CPUs in /sys/devices/cpu_core/cpus. llama.cpp skips the E-cores: 8.
    masks = {cpu: f"{3 << (cpu - cpu % 2):x}" for cpu in range(16)}
    masks.update({cpu: f"{1 << cpu:x}" for cpu in range(16, 32)})
    assert physical_cores(_linux(masks)) == 24
    assert physical_cores(_linux(masks, {"/sys/devices/cpu_core/cpus": "0-15\n"})) == 8


def test_no_topology_falls_back_to_llama_cpps_halving() -> None:
    # common.cpp's last resort: hardware_concurrency, halved above 4 threads.
    def probe(n: int) -> Probe:
        return Probe(run=lambda cmd: "", read=lambda p: "", glob=lambda p: [], platform="win32",
                     logical_cpus=n)

    assert physical_cores(probe(24)) == 12
    assert physical_cores(probe(4)) == 4


def test_macos_reads_the_performance_cores() -> None:
    answers = {"hw.perflevel0.physicalcpu": "10\n", "hw.physicalcpu": "14\n"}

    def run(cmd: list[str]) -> str:
        if cmd[:2] == ["sysctl", "-n"]:
            return answers[cmd[2]]
        raise ProbeError("sysctl: unknown")

    machine = detect(Probe(run=run, read=lambda p: "", glob=lambda p: [], platform="darwin"))
    assert machine.cpu_cores == 10


def test_detect_reports_the_physical_cores() -> None:
    machine = detect(_linux({cpu: f"{1 << cpu:x}" for cpu in range(12)}))
    assert machine.cpu_cores == 12


def test_cpu_list() -> None:
    assert parse_cpu_list("0-3,8,10-11\n") == {0, 1, 2, 3, 8, 10, 11}
    assert parse_cpu_list("") == set()


def _tps(model: str, eff: Efficiency, gpu: str = "RTX-2080", **workload: object) -> float:
    data = {"engine": "llama.cpp", "context": 4096, **workload}
    row = Planner(resolve(model), Workload.model_validate(data), estimate, eff).plan(get_gpu(gpu), 1)
    assert row.decode_tokens_per_s is not None
    return row.decode_tokens_per_s


def test_the_default_host_has_16_threads_on_host_experts() -> None:
    default = _tps("gpt-oss-20b", Efficiency(), n_cpu_moe=12)
    assert default == pytest.approx(_tps("gpt-oss-20b", Efficiency(host_threads=16), n_cpu_moe=12), rel=1e-9)
    # 16 x 3.26 GB/s is below 0.8 x 89.6 GB/s: the default threads, not the RAM, set the pace
    assert default < 0.9 * _tps("gpt-oss-20b", Efficiency(host_threads=64), n_cpu_moe=12)


def test_this_machines_cores_replace_the_default_and_an_explicit_count_wins() -> None:
    here = Machine((), None, None, (), cpu_cores=10)
    assert with_local_threads(Efficiency(), here).host_threads == 10
    assert with_local_threads(Efficiency(host_threads=4), here).host_threads == 4
    assert with_local_threads(Efficiency(), None).host_threads is None  # a catalog GPU: the default host
    assert with_local_threads(Efficiency(), Machine((), None, None)).host_threads is None


def test_detected_i9_10900x_lands_on_llmfit_775() -> None:
    # https://github.com/AlexsJones/llmfit/pull/775: RTX 2080 8 GB + i9-10900X (10 cores, the submitter's
    # ~102 GB/s quad-channel DDR4), llama-server -ngl 99 --n-cpu-moe 12, no -t: gpt-oss-20B 36.4 t/s.
    # On that machine llmsize reads 10 physical cores, llama.cpp's default -t there.
    eff = with_local_threads(Efficiency(host_bandwidth_gb_s=102.0), Machine((), None, None, (), cpu_cores=10))
    assert _tps("gpt-oss-20b", eff, n_cpu_moe=12) == pytest.approx(36.4, rel=0.15)


def test_dense_host_layers_stay_ram_bound_with_the_published_cores() -> None:
    # https://github.com/geerlingguy/ai-benchmarks/pull/11 ('Ryzen 9 7900X (Nvidia 4090)', Llama 3.1:70b,
    # Ollama 0.5.7, num_ctx 2048, no num_thread: its default, the 7900X's 12 physical cores): 3.10 t/s.
    # Its ~19 GB of host layers stream at ~66 GB/s, 5.5 GB/s a thread, beyond the 3.26 GB/s a thread of
    # mul_mat_id over MoE experts: the thread cap is not applied to dense layers.
    wl = {"engine": "ollama", "engine_version": "0.5.7", "context": 2048, "prompt_tokens": 30}
    twelve = _tps("llama3.1:70b", Efficiency(host_threads=12), "RTX-4090", **wl)
    assert twelve == pytest.approx(3.10, rel=0.15)
    assert twelve == pytest.approx(_tps("llama3.1:70b", Efficiency(), "RTX-4090", **wl), rel=1e-9)


def test_fit_states_the_default_threads() -> None:
    result = CliRunner().invoke(
        app, ["fit", "gpt-oss-20b", "--gpu", "RTX-2080", "--engine", "llama.cpp", "--n-cpu-moe", "12"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert ("host: 16 threads (llama.cpp's -t default, the physical cores of the default Ryzen 7950X host"
            in text)
    assert "--host-threads to change" in text
