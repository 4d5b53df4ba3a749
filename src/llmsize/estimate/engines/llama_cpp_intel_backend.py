"""What `--backend auto` means for llama.cpp and Ollama on an Intel GPU: ggml's Vulkan backend.

Why: ggml has no CUDA, HIP or Metal build for Intel GPUs, so `auto` (the vendor's own backend) had
nothing to resolve to there, and the speed was priced on ggml-cuda's int8 MMQ kernels, which never run
on Intel. What the engines ship and run on Intel instead:
- Ollama runs Intel GPUs only through its Vulkan runner: docs/gpu.mdx, "Vulkan GPU Support" (the
  Linux Intel driver link is listed there); it builds no SYCL backend (Dockerfile: CUDA, ROCm and Vulkan
  stages only). Vulkan came as an opt-in (`OLLAMA_VULKAN=1`) in v0.12.11 (PR #12931, "Enable Vulkan
  with a temporary opt-in setting", 2025-11-12) and is on by default when installed from v0.30.0
  (envconfig/config.go `EnableVulkan = BoolWithDefault("OLLAMA_VULKAN")`, PR #16031, 2026-05-29).
- llama.cpp's releases ship both a Vulkan build (win-vulkan-x64, ubuntu-vulkan-x64) and SYCL builds
  (win-sycl-x64, ubuntu-sycl-fp32/fp16-x64; e.g. release b9604). The Vulkan build needs only the GPU's
  Vulkan driver; docs/backend/SYCL.md says the Ubuntu SYCL packages "only include the binary files of
  the llama.cpp SYCL backend. They require the target machine to have pre-installed Intel GPU drivers
  and oneAPI packages that are the same version as the build package". The one build that runs out of
  the box on every Intel GPU, and the one Ollama runs, is the Vulkan one: `auto` takes it for both
  engines, and `--backend sycl` prices llama.cpp's SYCL build (llama_cpp_sycl.py, whose prompt share
  is measured on Xe2 only).
The backend is a speed choice only: the engine modules size the same weights, KV cache and compute
buffers for every ggml backend (no Vulkan- or SYCL-specific buffer rule is modelled).
"""

from __future__ import annotations

from llmsize.estimate.workload import GgmlBackend, Workload

INTEL = "intel"
# ggml's Vulkan and SYCL backends drive Intel's Xe GPUs (gpu_specs/intel.yaml architectures xe-hpg,
# xe-hpc, xe2); Gaudi accelerators have neither driver.
GPU_ARCHITECTURE_PREFIX = "xe"


def intel_default_backend(wl: Workload, vendor: str, architecture: str) -> Workload:
    """`wl` with `--backend auto` resolved to Vulkan on an Intel GPU (see the module docstring)."""
    if (wl.backend == GgmlBackend.AUTO and vendor == INTEL
            and architecture.lower().startswith(GPU_ARCHITECTURE_PREFIX)):
        return wl.model_copy(update={"backend": GgmlBackend.VULKAN})
    return wl
