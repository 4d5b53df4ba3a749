"""Speed profiles: the few per-engine, per-kernel and per-device constants the speed model uses.

This is the one table of speed constants, keyed by engine (transformers, vLLM, SGLang, llama.cpp),
by weight-kernel family (16-bit GEMV, FP8, 4/8-bit Marlin or exllama, GGUF dequant kernels) and by
device class (HBM, GDDR, LPDDR, Apple unified memory). Each constant is a physical quantity — a
seconds-per-step overhead, a per-layer launch time, a fraction of datasheet bandwidth or FLOP/s —
calibrated on the `fit` rows of bench/speed_tables.yaml (`python bench/speed_validation.py --fit`)
and checked on the held-out rows (docs/validation-speed.md). Override any of them with
`SpeedOverrides` (library) or `--bandwidth-efficiency` / `--compute-efficiency` /
`--step-overhead-ms` (CLI).

The engine-specific constants (step overheads, prefill chunk and compute share, extra kernel
launch time) live with each engine module (estimate/engines/*.py `SPEED`, an EngineSpeedProfile);
this module keeps the kernel, device and interconnect constants and reads the engines' profiles.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from importlib import import_module

from llmsize.estimate.engines import ENGINES
from llmsize.estimate.engines.speed_profile import EngineSpeedProfile
from llmsize.estimate.workload import Engine
from llmsize.hardware.gpus import GpuSpec
from llmsize.hardware.lpddr_ceiling import measured_share

# The engine modules' speed profiles beside each engine's own (estimate/engines/*.py `SPEED`), in the
# order later ones override: "module:ATTRIBUTE" under estimate/engines/. Older releases an engine
# module keeps a profile for (vLLM's V0 engine of 0.6.3: "vllm-0.6"; transformers 4.46-4.51:
# "transformers-4"; llama.cpp's HIP builds without graphs: "llama.cpp-hip-nographs") are reachable by
# name for the rows measured on them; so are vLLM with --enforce-eager ("vllm-eager", "vllm-0.6-eager":
# speed_eager.py), vLLM 0.4 ("vllm-0.4": graphs only up to 8,192 tokens of context, vllm_graph_cap.py),
# llama.cpp's Vulkan backend ("llama.cpp-vulkan", "-scalar": llama_cpp_vulkan.py) and SYCL backend
# ("llama.cpp-sycl": llama_cpp_sycl.py), Ollama before v0.30
# ("ollama-own-runner": ollama.py), SGLang 0.4.6 ("sglang-0.4": sglang_speed.py) and decode attention in
# Triton on CDNA3 ("vllm-triton-attention", "vllm-0.13-triton-attention", "sglang-triton-attention":
# rocm_triton_attention.py, picked by rocm_decode_backend.py), V0 releases on default fused_moe tiles
# ("vllm-0.4-moe-untuned", ...: vllm_moe_untuned_speed.py, picked by vllm_moe_tuned.py). Every
# profile's name is its engine's name or starts with it and a dash.
_MORE_PROFILES: dict[Engine, tuple[str, ...]] = {
    Engine.TRANSFORMERS: ("transformers:LEGACY_SPEED",),
    Engine.VLLM: ("vllm:LEGACY_SPEED", "speed_eager:EAGER_SPEED", "vllm_graph_cap:CAPPED_SPEED",
                  "rocm_triton_attention:VLLM_PROFILES", "vllm_moe_untuned_speed:UNTUNED_V0_SPEED"),
    Engine.SGLANG: ("sglang:LEGACY_SPEED", "rocm_triton_attention:SGLANG_PROFILES"),
    Engine.LLAMA_CPP: ("llama_cpp:LEGACY_SPEED", "llama_cpp_vulkan:VULKAN_PROFILES",
                        "llama_cpp_sycl:SYCL_PROFILES"),
    Engine.OLLAMA: ("ollama:LEGACY_SPEED",),
}


def engine_profiles(engine: Engine) -> dict[str, EngineSpeedProfile]:
    """Every speed profile `engine`'s modules keep, by name (imports them)."""
    own = ENGINES[engine].speed
    profiles = {engine.value: own} if own is not None else {}
    for name in _MORE_PROFILES[engine]:
        module, attribute = name.split(":")
        profiles |= getattr(import_module(f"llmsize.estimate.engines.{module}"), attribute)
    return profiles


class _Profiles(MutableMapping[str, EngineSpeedProfile]):
    """Profile name -> profile, an engine's profiles read from its modules on the first lookup of one of
    them (issue 15: a cold `fit --all` reads no vLLM or SGLang profile, and imported their modules only
    for this table). A dict's behaviour otherwise: calibration (bench/speed_validation.py) sets values;
    a value set before its engine's profiles are read stays."""

    def __init__(self) -> None:
        self._read: dict[str, EngineSpeedProfile] = {}
        self._unread = {engine.value for engine in _MORE_PROFILES}

    def _read_engine(self, engine: str) -> None:
        if engine not in self._unread:
            return
        profiles = engine_profiles(Engine(engine))
        for name, profile in profiles.items():
            if name != engine and not name.startswith(f"{engine}-"):
                raise ValueError(f"speed profile {name!r} is kept with the engine {engine!r}")
            self._read.setdefault(name, profile)
        # marked read only once its profiles are in: a thread that looks one up meanwhile reads them too
        self._unread.discard(engine)

    def __getitem__(self, name: str) -> EngineSpeedProfile:
        if name not in self._read:
            self._read_engine(name.split("-", 1)[0])
        return self._read[name]

    def __setitem__(self, name: str, profile: EngineSpeedProfile) -> None:
        self._read[name] = profile

    def __delitem__(self, name: str) -> None:
        self._read_engine(name.split("-", 1)[0])
        del self._read[name]

    def __iter__(self) -> Iterator[str]:
        for engine in list(self._unread):
            self._read_engine(engine)
        return iter(self._read)

    def __len__(self) -> int:
        for engine in list(self._unread):
            self._read_engine(engine)
        return len(self._read)


ENGINE_PROFILES: MutableMapping[str, EngineSpeedProfile] = _Profiles()

# Fraction of datasheet bandwidth the batch-1 weight kernels stream at, per kernel family and device
# class. Dequantizing kernels (Marlin, exllama, ggml mmvq) reach less than a plain 16-bit GEMV; HBM
# parts need more bytes in flight than one sequence's GEMV issues (Little's law: bandwidth x
# latency), so batch-1 kernels reach a smaller share of them than of GDDR; Apple's two-die Ultra
# chips split every matrix across the UltraFusion link.
KERNEL_BANDWIDTH: dict[tuple[str, str], float] = {
    ("16bit", "hbm"): 0.73, ("16bit", "gddr"): 0.85, ("16bit", "lpddr"): 0.75, ("16bit", "apple"): 0.80,
    ("fp8", "hbm"): 0.73, ("fp8", "gddr"): 0.80, ("fp8", "lpddr"): 0.70, ("fp8", "apple"): 0.70,
    ("int8", "hbm"): 0.75, ("int8", "gddr"): 0.75, ("int8", "lpddr"): 0.70, ("int8", "apple"): 0.70,
    ("int4", "hbm"): 0.68, ("int4", "gddr"): 0.75, ("int4", "lpddr"): 0.65, ("int4", "apple"): 0.65,
    ("gguf", "hbm"): 0.45, ("gguf", "gddr"): 0.80, ("gguf", "lpddr"): 0.79, ("gguf", "apple"): 0.70,
    ("bnb", "hbm"): 0.30, ("bnb", "gddr"): 0.30, ("bnb", "lpddr"): 0.30, ("bnb", "apple"): 0.30,
}
# Apple Ultra (two dies): share of the single-die efficiency a batch-1 decode keeps. It was 0.75,
# standing in for what is a per-layer latency of llama.cpp's Metal backend (llama_cpp.SPEED
# gpu_per_layer_by_class): on one M2 Ultra, Llama-3.2-3B F16 and Q4_0 one-token steps (13.7 and
# 6.0 ms, ggml-org/llama.cpp PR #10238) solve to ~590 GB/s (74% of 800) plus ~0.1 ms per layer,
# and Llama-3.3-70B Q4_K_M on an M3 Ultra reads 612 GB/s (geerlingguy/beowulf-ai-cluster#17):
# neither shows a per-byte penalty for the second die. Kept as an override.
MULTI_DIE_BANDWIDTH = 1.0

# Share of peak tensor FLOP/s a prefill reaches where the engine names none for the device class.
DEFAULT_PREFILL_COMPUTE = 0.5

# Host memory for layers llama.cpp keeps in system RAM (--gpu-layers below the layer count). The CPU
# runs those layers and streams their weights from RAM, so they decode at the host's bandwidth.
# REFERENCE: default host = dual-channel DDR5-5600, the common desktop/laptop configuration:
# 2 channels x 64 bits x 5600 MT/s = 89.6 GB/s (JEDEC JESD79-5 DDR5 data rates); DDR4-3200 dual
# channel is 51.2 GB/s. `--host-bandwidth` replaces it with the user's own figure.
DEFAULT_HOST_BANDWIDTH_GB_S = 89.6
# REFERENCE: llama.cpp CPU decode reaches ~80% of the DIMMs' peak: Mixtral-8x7B Q8_0 (12.9 B active
# parameters x 8.5 bits = 13.7 GB per token) at 3.37 t/s on a Ryzen 7950X and 3.58 t/s on a 5900X,
# both with 3600 MT/s dual-channel memory (57.6 GB/s): 46-49 GB/s
# (https://github.com/ggml-org/llama.cpp/issues/4716).
HOST_BANDWIDTH_FRACTION = 0.8
# REFERENCE: what one llama.cpp CPU thread streams through its quantized mat-vec over MoE experts
# (ggml-cpu.c ggml_compute_forward_mul_mat_id: the token quantized to the vec_dot type, then each picked
# expert's small matrix in 64-row chunks over the threads). A Ryzen 7950X with 16 threads, CPU only,
# mainline llama.cpp of 2025-12-19: gpt-oss-20B MXFP4 tg128 21.49 t/s and Qwen3-30B-A3B Q4_K_M tg128 27.20 t/s
# (https://github.com/ikawrakow/ik_llama.cpp/issues/1075): 2.57 and 1.92 GB of weights a token (llmsize's
# active weight bytes of the two GGUFs), 55.3 and 52.2 GB/s, 3.46 and 3.26 GB/s a thread; the lower one is
# kept. Below the DIMMs on that desktop (the Mixtral Q8_0 figure above reaches 46-49 GB/s on DDR4-3600,
# and DDR5 is faster), so on these experts the threads, not the RAM, set the pace. Zen 4 cores stand for
# every CPU's. Dense host layers (one large mul_mat each) are not capped by it: Ollama's partial offload of
# Llama-3.1-70B on a 12-core Ryzen 9 7900X + RTX 4090 (3.10 t/s, geerlingguy/ai-benchmarks#11) and of
# Mistral-Small-24B on a 12-core Ryzen 9 7900 + RTX 3060 (10.63 t/s, ggml-org/llama.cpp#12237) stream their
# ~19 and ~3.5 GB of host layers at ~64-66 GB/s, 5.3-5.5 GB/s a thread, in llmsize's own split of the
# step (speed._host_rates applies it to MoE experts only).
HOST_THREAD_BYTES_PER_S = 27.20 * 1.92e9 / 16
# REFERENCE: the thread count llama.cpp multiplies host-resident weights on when -t is not given:
# common/common.cpp postprocess_cpu_params sets n_threads = cpu_get_num_math(), which is
# cpu_get_num_physical_cores() (Linux: one per distinct /sys/devices/system/cpu/cpuN/topology/thread_siblings;
# macOS: hw.perflevel0.physicalcpu) less an x86 hybrid CPU's efficiency cores. Ollama passes the same
# count: up to v0.12 llm/server.go NewLlamaServer gives its runner GetOptimalThreadCount() (discover/types.go:
# CoreCount - EfficiencyCoreCount, physical cores), and since it runs llama-server it passes no -t unless
# num_thread is set (llm/llama_server.go), leaving llama.cpp's default. The default host these figures stand
# for is the 16-core Ryzen 7950X (DEFAULT_HOST_BANDWIDTH_GB_S, host_prompt.py), so 16 threads; a detected
# machine uses its own physical cores (hardware/detect.py physical_cores); --host-threads overrides both.
DEFAULT_HOST_THREADS = 16
# REFERENCE: for a prompt, ggml's scheduler copies the weights of host-resident layers to the GPU and
# runs the matmuls there whenever a batch has >= 32 tokens (ggml/src/ggml-cuda/ggml-cuda.cu,
# ggml_backend_cuda_device_offload_op, min_batch_size = 32): each ubatch moves those weights over
# PCIe, one direction. PCIe 4.0 x16 carries 32 GB/s per direction (PCI-SIG) when a card has no figure.
DEFAULT_PCIE_ONE_WAY_GB_S = 32.0
PCIE_FRACTION = 0.8
OFFLOAD_MIN_BATCH = 32

# REFERENCE: NCCL reaches ~783 of 900 GB/s on HGX H100 NVLink (https://github.com/NVIDIA/nccl/issues/1264).
INTERCONNECT_FRACTION = 0.85
# All-reduces up to this size run vLLM's and SGLang's custom all-reduce (peer-to-peer reads, a
# bounded number of blocks) instead of NCCL/RCCL with its many channels (REFERENCE: vLLM
# vllm/distributed/device_communicators/custom_all_reduce.py, CustomAllreduce max_size = 8192 * 1024).
# On a switchless mesh they run at about one peer link: 8 x MI300X decode steps of Llama-3.1-70B and
# 405B (TP 8, batch 1-128, ROCm/vllm docs/dev-docker/README.md) grow with the batch as 2-4 MB
# all-reduces at ~one xGMI link (RCCL models one at 48 GB/s per direction, ROCm/rccl#1210) predict,
# while their 134 MB prefill all-reduces need all seven links.
MESH_SMALL_MESSAGE_BYTES = 8 * 1024 * 1024
# Latency of one small all-reduce inside a decode step (vLLM's custom all-reduce / NCCL LL protocol):
# calibrated on the tensor-parallel rows (Qwen2.5-72B TP 2/4 on A100, Qwen3-235B TP 4/8 on H20).
ALLREDUCE_LATENCY_S = 15e-6


def device_class(gpu: GpuSpec) -> str:
    """'apple', 'hbm', 'gddr' or 'lpddr': what decides how much bandwidth batch-1 kernels reach."""
    if gpu.vendor == "apple":
        return "apple"
    kind = gpu.memory.type.upper()
    if kind.startswith("HBM"):
        return "hbm"
    if "LPDDR" in kind or gpu.memory.unified:
        return "lpddr"
    return "gddr"


def class_value(table: dict[str, float], gpu: GpuSpec, default: float) -> float:
    """`table`'s value for `gpu`: its vendor-architecture key first (an architecture's own measured
    figure, e.g. llama.cpp's HIP graph dispatch on RDNA3), then its device class, else `default`."""
    own = f"{gpu.vendor}-{gpu.architecture}"
    if own in table:
        return table[own]
    return table.get(device_class(gpu), default)


def multi_die(gpu: GpuSpec) -> bool:
    """Apple's Ultra chips are two Max dies joined by UltraFusion (Apple's M1/M2/M3 Ultra announcements)."""
    return gpu.vendor == "apple" and "ultra" in (gpu.id + gpu.name).lower()


# Kernel families that share another family's bandwidth fractions (AWQ runs 4-bit GEMV kernels too).
KERNEL_ALIASES: dict[str, str] = {"awq": "int4"}


# REFERENCE: Little's law (bandwidth = bytes in flight / latency). A batch-1 GEMV keeps a bounded
# number of loads in flight per SM, so the bandwidth it can pull is at most SMs x a per-SM rate,
# whatever the memory's datasheet figure. It matters for parts with few SMs per byte/s: the H20's
# 78 SMs against 4.0 TB/s of HBM3 (Qwen3 on SGLang reads ~1.3-1.5 TB/s at batch 1, a third of the
# datasheet; docs/validation-speed.md), not for A100 (108 SMs / 2.0 TB/s) or H100 (132 / 3.35).
# Calibrated on the fit rows (19.8 GB/s per SM: the H20 is capped at ~1.5 TB/s, while A100 and
# H100 stay below their caps, 2.1 and 2.6 TB/s).
SM_STREAM_BYTES_PER_S = 19.8e9


def kernel_bandwidth(kernel: str, gpu: GpuSpec, own: dict[str, float] | None = None) -> float:
    """Achieved / datasheet bandwidth of batch-1 `kernel` on `gpu` (capped by its SMs when known).

    `own`: an engine profile's shares by '<family>-<class>' where its build streams differently
    (EngineSpeedProfile.kernel_bandwidth), or by '<family>-<architecture>' (e.g. 'gguf-apple-m1') where
    a share measured on one GPU generation does not hold for another (architecture_share).
    """
    family = KERNEL_ALIASES.get(kernel, kernel)
    frac = KERNEL_BANDWIDTH.get((family, device_class(gpu)), 0.7)
    # A unified LPDDR memory system whose GPU read ceiling is published streams GGUF at it (lpddr_ceiling.py).
    frac = measured_share(family, gpu) or frac
    frac = (own or {}).get(f"{family}-{device_class(gpu)}", frac)
    # A kernel the engine runs apart from its alias's family (vLLM 0.4's awq_gemm: 'awq-hbm') wins.
    frac = (own or {}).get(f"{kernel}-{device_class(gpu)}", frac)
    frac = architecture_share(family, gpu, own, frac)
    frac *= MULTI_DIE_BANDWIDTH if multi_die(gpu) else 1.0
    if gpu.compute_units:
        frac = min(frac, gpu.compute_units * SM_STREAM_BYTES_PER_S / gpu.bandwidth_bytes_per_s)
    return frac


def architecture_share(family: str, gpu: GpuSpec, own: dict[str, float] | None, frac: float) -> float:
    """An engine's share for this GPU generation ('<family>-<architecture>', e.g. 'gguf-apple-m1') where
    its profile names one, else `frac`: a build's uplift fitted on one Apple generation need not reach
    another (estimate/engines/ollama.py METAL_2026_M1_GGUF_BANDWIDTH)."""
    return (own or {}).get(f"{family}-{gpu.architecture}", frac) if gpu.architecture else frac


def expert_gemm_rate(chunk_tokens: int, pick_share: float, half_tokens: float) -> float:
    """Rate of a routed-expert GEMM in a prefill chunk relative to a dense GEMM of that chunk (<= 1).

    A chunk of T tokens gives each expert T x k / E of them on average (uniform routing, top-k of E).
    A GEMM kernel stages each weight tile once (load, dequantize) and then does math in proportion
    to the tokens of its token tile, so at t tokens it runs at t / (t + h) of its full-tile rate,
    h being the tokens at which staging costs as much as the math. Dense GEMMs see all T tokens.
    REFERENCE: llama.cpp's expert matmuls (MUL_MAT_ID: ggml-cuda mmq.cu / mmid, ggml-vulkan
    mul_mm with MUL_MAT_ID) tile each expert's gathered tokens separately; on Strix Halo (Vulkan,
    kyuz0/amd-strix-halo-toolboxes benchmark/results, build 7423) dense models reach 12.5-15 TFLOP/s
    at pp512 while MoE models reach 10 (64 tokens per expert), 6 (32) and 5.5 (16).
    """
    if half_tokens <= 0 or pick_share <= 0 or chunk_tokens <= 0:
        return 1.0
    per_expert = chunk_tokens * pick_share
    rate = (per_expert / (per_expert + half_tokens)) / (chunk_tokens / (chunk_tokens + half_tokens))
    return min(1.0, rate)


def prefill_compute(engine: str, gpu: GpuSpec, quantized: bool = True,
                    without: frozenset[str] = frozenset()) -> float:
    """Achieved / peak FLOP/s of `engine`'s prefill on `gpu`'s device class (a vendor-architecture-class
    key first, then a vendor-architecture one, then the vendor's class, then the class),
    for quantized or 16-bit weights where the engine runs different kernels for them; keys in `without`
    are kernels the run's build did not have yet (llama.cpp RDNA 3.5 WMMA MMQ before PR #17576)."""
    prof = engine_profile(engine)
    table = prof.prefill_compute
    if not quantized and prof.prefill_compute_16bit:
        table = prof.prefill_compute_16bit
    if without:
        table = {k: v for k, v in table.items() if k not in without}
    cls = device_class(gpu)
    if f"{gpu.vendor}-{gpu.architecture}-{cls}" in table:  # one architecture's cards of one memory class
        return table[f"{gpu.vendor}-{gpu.architecture}-{cls}"]  # (llama.cpp cuBLAS on Ampere HBM parts)
    if f"{gpu.vendor}-{gpu.architecture}" in table:  # an architecture's own kernel (llama.cpp CDNA3 MMQ)
        return table[f"{gpu.vendor}-{gpu.architecture}"]
    return table.get(f"{gpu.vendor}-{cls}", table.get(cls, DEFAULT_PREFILL_COMPUTE))


def engine_profile(engine: str) -> EngineSpeedProfile:
    """The profile of `engine` (vLLM's for an engine with no profile of its own)."""
    prof = ENGINE_PROFILES.get(engine)
    return prof if prof is not None else ENGINE_PROFILES["vllm"]


def kernel_launch_per_layer(engine: str, kernel: str) -> float:
    """Extra CPU launch seconds per layer `engine` spends on weight kernel `kernel`."""
    return engine_profile(engine).kernel_launch_per_layer_s.get(kernel, 0.0)
