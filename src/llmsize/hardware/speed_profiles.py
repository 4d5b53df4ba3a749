"""Speed profiles: the few per-engine, per-kernel and per-device constants the speed model uses.

This is the one table of speed constants, keyed by engine (transformers, vLLM, SGLang, llama.cpp),
by weight-kernel family (16-bit GEMV, FP8, 4/8-bit Marlin or exllama, GGUF dequant kernels) and by
device class (HBM, GDDR, LPDDR, Apple unified memory). Each constant is a physical quantity — a
seconds-per-step overhead, a per-layer launch time, a fraction of datasheet bandwidth or FLOP/s —
calibrated on the `fit` rows of bench/speed_tables.yaml (`python bench/speed_validation.py --fit`)
and checked on the held-out rows (docs/validation-speed.md). Override any of them with
`SpeedOverrides` (library) or `--bandwidth-efficiency` / `--compute-efficiency` /
`--step-overhead-ms` (CLI).

The engine-specific rows belong with the engine modules (estimate/engines/, in progress on another
branch); until those land they live here, clearly separated, and nothing else branches on engine.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from llmsize.hardware.gpus import GpuSpec


class EngineSpeedProfile(BaseModel):
    """How one engine spends a decode step and a prefill, apart from reading bytes and doing FLOPs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    engine: str
    version: str = Field(description="the engine release the constants were calibrated on")
    step_fixed_s: float = Field(ge=0, description="per decode step: scheduler, sampling, Python, sync")
    launch_per_layer_s: float = Field(
        ge=0, description="CPU time to launch one decoder layer's kernels; overlaps the GPU work")
    gpu_per_layer_s: float = Field(
        ge=0, description="GPU time per layer not spent streaming bytes (small-kernel latency)")
    prefill_chunk_tokens: int | None = Field(
        default=None, description="prompt tokens per forward pass (chunked prefill / ubatch); None = whole")
    kv_materialized: bool = Field(
        default=False, description="decode copies the KV cache each step (torch.cat) and expands GQA heads")
    graphs: bool = Field(description="decode replays CUDA graphs (launch cost is off the critical path)")
    sources: tuple[str, ...] = ()


# REFERENCE: step structure of each engine.
# - transformers (4.46 / 4.51 as measured by Qwen): `generate` runs one eager PyTorch forward per token;
#   the CPU launches each layer's ~15 kernels from Python (modeling_qwen2.py Qwen2DecoderLayer.forward),
#   so small models are launch-bound; DynamicCache.update concatenates the new K/V onto the old
#   (torch.cat: read + write of the whole cache, cache_utils.py) and sdpa_attention_forward calls
#   repeat_kv, materialising n_rep copies of K and V (integrations/sdpa_attention.py).
# - vLLM (0.6.3 as measured): decode replays captured CUDA graphs for batch sizes up to 512
#   (vllm/worker/model_runner.py, _BATCH_SIZES_TO_CAPTURE), so per-layer CPU launch drops out and the
#   fixed Python part (scheduler, sampler, output processing) remains; chunked prefill of 8192 tokens
#   per step (vllm/engine/arg_utils.py default max_num_batched_tokens with chunked prefill on).
# - SGLang (0.4.6.post1 as measured): CUDA graphs for decode (cuda_graph_runner.py), chunked prefill
#   of 8192 tokens (server_args.py chunked_prefill_size default).
# - llama.cpp (llama-bench): one ggml graph per ubatch of 512 tokens (common/common.h n_ubatch);
#   the CUDA backend captures CUDA graphs for batch-1 decode (ggml-cuda.cu, ggml_cuda_graph...).
# The step/launch/gpu-per-layer seconds are calibrated (see module docstring).
ENGINE_PROFILES: dict[str, EngineSpeedProfile] = {
    "transformers": EngineSpeedProfile(
        engine="transformers", version="4.46-4.51 (Qwen speed benchmarks)",
        step_fixed_s=2.8e-3, launch_per_layer_s=0.68e-3, gpu_per_layer_s=0.38e-3,
        prefill_chunk_tokens=None, kv_materialized=True, graphs=False,
        sources=("https://github.com/huggingface/transformers/blob/v4.46.0/src/transformers/cache_utils.py",
                 "https://github.com/huggingface/transformers/blob/v4.46.0/src/transformers/integrations/sdpa_attention.py")),
    "vllm": EngineSpeedProfile(
        engine="vllm", version="0.6.3",
        step_fixed_s=2.3e-3, launch_per_layer_s=0.0, gpu_per_layer_s=0.031e-3,
        prefill_chunk_tokens=8192, graphs=True,
        sources=("https://github.com/vllm-project/vllm/blob/v0.6.3/vllm/worker/model_runner.py",)),
    "sglang": EngineSpeedProfile(
        engine="sglang", version="0.4.6.post1",
        step_fixed_s=0.72e-3, launch_per_layer_s=0.0, gpu_per_layer_s=0.089e-3,
        prefill_chunk_tokens=8192, graphs=True,
        sources=("https://github.com/sgl-project/sglang/blob/v0.4.6.post1/python/sglang/srt/server_args.py",)),
    "llama.cpp": EngineSpeedProfile(
        engine="llama.cpp", version="llama-bench builds of 2023-2025 (discussions #4167, #15013)",
        step_fixed_s=0.012e-3, launch_per_layer_s=0.0, gpu_per_layer_s=0.00014e-3,
        prefill_chunk_tokens=512, graphs=True,
        sources=("https://github.com/ggml-org/llama.cpp/blob/master/common/common.h",)),
}

# Extra CPU launch time per layer for weight kernels that add Python-side work in an eager engine:
# transformers' fine-grained FP8 quantizes activations per block in Python-launched Triton kernels
# (integrations/finegrained_fp8.py), GPTQ/AWQ wrappers add unpack/launch glue per linear
# (gptqmodel / autoawq QuantLinear). Engines with CUDA graphs replay them, so they pay nothing.
KERNEL_LAUNCH_PER_LAYER_S: dict[tuple[str, str], float] = {
    ("transformers", "fp8"): 1.3e-3,
    ("transformers", "int8"): 0.5e-3,
    ("transformers", "int4"): 0.0,
    ("transformers", "awq"): 0.0,
}

# Fraction of datasheet bandwidth the batch-1 weight kernels stream at, per kernel family and device
# class. Dequantizing kernels (Marlin, exllama, ggml mmvq) reach less than a plain 16-bit GEMV; HBM
# parts need more bytes in flight than one sequence's GEMV issues (Little's law: bandwidth x
# latency), so batch-1 kernels reach a smaller share of them than of GDDR; Apple's two-die Ultra
# chips split every matrix across the UltraFusion link.
KERNEL_BANDWIDTH: dict[tuple[str, str], float] = {
    ("16bit", "hbm"): 0.68, ("16bit", "gddr"): 0.85, ("16bit", "lpddr"): 0.75, ("16bit", "apple"): 0.80,
    ("fp8", "hbm"): 0.56, ("fp8", "gddr"): 0.80, ("fp8", "lpddr"): 0.70, ("fp8", "apple"): 0.70,
    ("int8", "hbm"): 0.75, ("int8", "gddr"): 0.75, ("int8", "lpddr"): 0.70, ("int8", "apple"): 0.70,
    ("int4", "hbm"): 0.68, ("int4", "gddr"): 0.75, ("int4", "lpddr"): 0.65, ("int4", "apple"): 0.65,
    ("gguf", "hbm"): 0.45, ("gguf", "gddr"): 0.80, ("gguf", "lpddr"): 0.65, ("gguf", "apple"): 0.65,
    ("bnb", "hbm"): 0.30, ("bnb", "gddr"): 0.30, ("bnb", "lpddr"): 0.30, ("bnb", "apple"): 0.30,
}
# Apple Ultra (two dies): share of the single-die efficiency a batch-1 decode keeps.
MULTI_DIE_BANDWIDTH = 0.75

# Fraction of peak tensor FLOP/s a prefill reaches, per engine and device class (GEMMs of thousands
# of rows run near the tensor-core roofline; ggml's quantized matmuls less so on datacenter parts).
PREFILL_COMPUTE: dict[tuple[str, str], float] = {
    ("transformers", "hbm"): 0.55, ("transformers", "gddr"): 0.55,
    ("vllm", "hbm"): 0.55, ("vllm", "gddr"): 0.60,
    ("sglang", "hbm"): 0.44, ("sglang", "gddr"): 0.60,
    ("llama.cpp", "hbm"): 0.23, ("llama.cpp", "gddr"): 1.1, ("llama.cpp", "lpddr"): 0.31,
    ("llama.cpp", "apple"): 0.70,
}
DEFAULT_PREFILL_COMPUTE = 0.5

# REFERENCE: NCCL reaches ~783 of 900 GB/s on HGX H100 NVLink (https://github.com/NVIDIA/nccl/issues/1264).
INTERCONNECT_FRACTION = 0.85
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


def multi_die(gpu: GpuSpec) -> bool:
    """Apple's Ultra chips are two Max dies joined by UltraFusion (Apple's M1/M2/M3 Ultra announcements)."""
    return gpu.vendor == "apple" and "ultra" in (gpu.id + gpu.name).lower()


# Kernel families that share another family's bandwidth fractions (AWQ runs 4-bit GEMV kernels too).
KERNEL_ALIASES: dict[str, str] = {"awq": "int4"}


def kernel_bandwidth(kernel: str, gpu: GpuSpec) -> float:
    frac = KERNEL_BANDWIDTH.get((KERNEL_ALIASES.get(kernel, kernel), device_class(gpu)), 0.7)
    return frac * (MULTI_DIE_BANDWIDTH if multi_die(gpu) else 1.0)


def prefill_compute(engine: str, gpu: GpuSpec) -> float:
    return PREFILL_COMPUTE.get((engine, device_class(gpu)), DEFAULT_PREFILL_COMPUTE)


def engine_profile(engine: str) -> EngineSpeedProfile:
    """The profile of `engine` (vLLM's for an engine with no profile of its own)."""
    return ENGINE_PROFILES.get(engine, ENGINE_PROFILES["vllm"])
