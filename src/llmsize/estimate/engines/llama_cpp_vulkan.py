"""llama.cpp's Vulkan backend (GGML_VULKAN builds; Ollama's Vulkan runner): its own speed profile.

The memory model is llama.cpp's (same graph, same buffers); what differs is speed:
- prompt mat-muls: ggml-vulkan runs FP16 cooperative-matrix shaders with FP16 accumulation (NV_coopmat2
  or KHR_coopmat) or scalar FP16 shaders, not CUDA's int8 MMQ, so the peak is the path's FP16-accumulate
  rate (hardware/vulkan_paths.py reads the path off the device) and the share of it a prefill reaches is
  the profile's own, fitted on the Vulkan `fit` rows of bench/speed_tables.yaml;
- decode weights: one token's mat-vecs run ggml_vk_get_dequantize_mul_mat_vec's shaders (DMMV, or the
  q8_1 integer-dot MMVQ where ggml_vk_should_use_mmvq picks it), a batch-1 stream of the weights like
  CUDA's MMVQ, so they keep the GGUF kernel's bandwidth share (hardware/speed_profiles.KERNEL_BANDWIDTH),
  except on Intel Xe2, whose quantized mat-vecs stream at a share measured there (llama_cpp_vulkan_intel.py);
- decode: no CUDA graphs, but ggml-vulkan records the whole graph into command buffers and submits them
  in batches (ggml-vulkan.cpp `ggml_backend_vk_graph_compute`), so the CPU stays off the critical path;
  every dependent dispatch waits on a pipeline barrier (`ggml_vk_sync_buffers`; PR #15489, Aug 2025,
  "allow some overlap between nodes", relaxed it for independent nodes), a per-kernel drain the GPU
  pays whatever the bytes: the per-layer latency, fitted on the same rows.
`--backend vulkan` (Workload.backend) selects it for --engine llama.cpp and ollama.
"""

from __future__ import annotations

from llmsize.estimate.engines import llama_cpp_gdn, llama_cpp_vulkan_intel, llama_cpp_vulkan_mmid
from llmsize.estimate.engines.llama_cpp_nodes import LEGACY_KERNELS
from llmsize.estimate.engines.llama_cpp_speed import GDN_CHUNKED_SPEED, GDN_UNFUSED_SPEED
from llmsize.estimate.engines.llama_cpp_speed import SPEED as LLAMA_CPP_SPEED
from llmsize.estimate.engines.speed_profile import EngineSpeedProfile

VULKAN_ENGINE = "llama.cpp-vulkan"
VULKAN_COOPMAT1_ENGINE = "llama.cpp-vulkan-coopmat1"
VULKAN_SCALAR_ENGINE = "llama.cpp-vulkan-scalar"

# REFERENCE: shares of the mat-mul path's peak (hardware/vulkan_paths.py), keyed by path, then vendor and
# device class. Fitted on the Vulkan fit rows of bench/speed_tables.yaml: 'coopmat2' on the RTX 3090
# NV_coopmat2 pp512 row (ggml-org/llama.cpp PR #13506), 'coopmat' on the RTX 5090 KHR_coopmat pp2048
# rows (PR #17186), 'coopmat-amd-gddr' on the RX 9070 XT Llama-3.1-8B pp512 row (llama.cpp b9174, RADV;
# VulkanForge benchmark wiki); 'coopmat-amd-lpddr' is Strix Halo's RADV share of its WMMA FP16 peak
# (kyuz0 fit rows of build 7423, before PR #18749's large AMD MUL_MAT tile, which
# llama_cpp_vulkan_amd_tiles.py adds on the dense mat-muls of later builds; the CUDA profile's 'amd-lpddr'
# on the same peak). The scalar shaders (mul_mm.comp, the same tiling without matrix units) have no fit row
# and take the 'coopmat' share, except on Intel Xe2,
# whose shares come from PR #14001's Lunar Lake runs (llama_cpp_vulkan_intel.py).
# Rescaled on those rows when the head moved to the logit rows (hardware/head_params.py).
# REFERENCE: per-layer latency of a decode step, fitted on the Vulkan fit rows (see the module docstring).
_GPU_PER_LAYER_S = 0.0290e-3
VULKAN_SPEED = LLAMA_CPP_SPEED.model_copy(
    update={
        "engine": VULKAN_ENGINE,
        "version": "llama.cpp Vulkan builds of 2025-2026 (PRs #13506, #17186; b9174; kyuz0 build 7423)",
        "quantized_peak_dtype": "fp16",
        "prefill_compute": {
            "coopmat2": 0.445,
            "coopmat": 0.218,
            "coopmat-amd-lpddr": 0.228,
            "coopmat-amd-gddr": 0.349,
            "scalar": 0.218,
            # Intel Xe2's own shares, priced on a Lunar Lake run (llama_cpp_vulkan_intel.py).
            **llama_cpp_vulkan_intel.XE2_PREFILL_SHARES,
        },
        "prefill_compute_16bit": {},
        # ggml-cuda's Volta cuBLAS fallback (llama_cpp_volta_prefill.py) is not ggml-vulkan's.
        "prefill_dequant_above_by_arch": {},
        # ggml-cuda's MMA flash attention share for MLA's latent form (llama_cpp_mla.py) is not Vulkan's.
        "latent_attention_compute": {},
        # ggml-cuda's FP16-accumulate attention tiles (llama_cpp_fattn_accumulate.py) are not ggml-vulkan's.
        "attention_fp16_accumulate": False,
        "gpu_per_layer_s": _GPU_PER_LAYER_S,
        # Intel Xe2's dequantizing mat-vec shaders, priced on a Lunar Lake tg128 (llama_cpp_vulkan_intel.py).
        "dequant_kernel_bandwidth": {
            "xe2": llama_cpp_vulkan_intel.dmmv_share(_GPU_PER_LAYER_S, LLAMA_CPP_SPEED.step_fixed_s)},
        "gpu_per_layer_by_class": {},
        # Calibrated per layer on its own rows (MoE and hybrid ones among them), with the kernel counts
        # it was calibrated with (llama_cpp_nodes.LEGACY_KERNELS): no separate node time.
        "gpu_per_node_s": 0.0,
        "gpu_per_node_by_class": {},
        "layer_kernels": dict(LEGACY_KERNELS),
        "matrix_units": False,
        "vulkan_matrix_cores": "auto",
        # hardware/vulkan_paths.vulkan_note says which shaders run; on Intel, why Vulkan is the default
        # (llama_cpp_intel_backend.py: what `--backend auto` resolves to there).
        "vendor_notes": {"intel": "llama.cpp / Ollama on an Intel GPU: priced on ggml's Vulkan backend (what "
                                  "--backend auto runs there: Ollama's Intel backend, llama.cpp's release "
                                  "build that needs no oneAPI); --backend sycl for llama.cpp's SYCL build"},
        "sources": (
            "https://github.com/ggml-org/llama.cpp/blob/master/ggml/src/ggml-vulkan/ggml-vulkan.cpp",
            "https://github.com/ggml-org/llama.cpp/pull/13506",
            "https://github.com/ggml-org/llama.cpp/pull/17186",
        ),
    }
)
# Runs whose log printed "matrix cores: KHR_coopmat" on a card that has coopmat2 (a build without
# GGML_VULKAN_COOPMAT2_GLSLC_SUPPORT, or an older driver), or "matrix cores: none" (the scalar shaders).
VULKAN_COOPMAT1_SPEED = VULKAN_SPEED.model_copy(
    update={
        "engine": VULKAN_COOPMAT1_ENGINE,
        "vulkan_matrix_cores": "coopmat",
        "version": VULKAN_SPEED.version + "; KHR_coopmat ('matrix cores: KHR_coopmat')",
    }
)
VULKAN_SCALAR_SPEED = VULKAN_SPEED.model_copy(
    update={
        "engine": VULKAN_SCALAR_ENGINE,
        "vulkan_matrix_cores": "scalar",
        "version": VULKAN_SPEED.version + "; no cooperative matrices ('matrix cores: none')",
    }
)
VULKAN_PROFILES: dict[str, EngineSpeedProfile] = {
    p.engine: p for p in (VULKAN_SPEED, VULKAN_COOPMAT1_SPEED, VULKAN_SCALAR_SPEED)
}


# REFERENCE: the Gated DeltaNet decode eras of llama.cpp (llama_cpp_gdn.py) on the Vulkan backend: Vulkan had
# no GATED_DELTA_NET shader before PR #20334 (2026-03), so its builds ran the unfused autoregressive path
# after PR #17996 and the chunked path before it. Same per-block node and state counts as the CUDA-side
# profiles (llama_cpp.GDN_UNFUSED_SPEED, GDN_CHUNKED_SPEED), on Vulkan's own prompt path and per-kernel
# latency (its kernel counts, LEGACY_KERNELS, carry the same 26-node fused block).
_GDN_EXTRA = {GDN_UNFUSED_SPEED.engine: GDN_UNFUSED_SPEED.layer_kernels["linear_attention"]
              - LLAMA_CPP_SPEED.layer_kernels["linear_attention"],
              GDN_CHUNKED_SPEED.engine: llama_cpp_gdn.CHUNKED_EXTRA_NODES}
VULKAN_GDN_PROFILES: dict[str, EngineSpeedProfile] = {
    f"llama.cpp-vulkan-{legacy.engine.removeprefix('llama.cpp-')}": VULKAN_SPEED.model_copy(
        update={
            "engine": f"llama.cpp-vulkan-{legacy.engine.removeprefix('llama.cpp-')}",
            "state_traffic": legacy.state_traffic,
            "layer_kernels": VULKAN_SPEED.layer_kernels
            | {"linear_attention": (VULKAN_SPEED.layer_kernels["linear_attention"]
                                     + _GDN_EXTRA[legacy.engine])},
            "version": VULKAN_SPEED.version + "; " + legacy.version,
        }
    )
    for legacy in (GDN_UNFUSED_SPEED, GDN_CHUNKED_SPEED)
}
VULKAN_PROFILES |= VULKAN_GDN_PROFILES
# REFERENCE: Vulkan builds before PR #18352 (2025-12-24) walk the routing ids in every MUL_MAT_ID workgroup
# of a prompt (llama_cpp_vulkan_mmid.py). The chunked-GDN era (before PR #17996, 2025-12-16) lies wholly
# before it, so its Vulkan twin walks too.
VULKAN_MMID_WALK_ENGINE = llama_cpp_vulkan_mmid.WALK_ENGINE
VULKAN_MMID_WALK_SPEED = VULKAN_SPEED.model_copy(
    update={
        "engine": VULKAN_MMID_WALK_ENGINE,
        "vulkan_mmid_walk": True,
        "version": VULKAN_SPEED.version + "; builds before PR #18352 (MUL_MAT_ID walks the ids)",
    }
)
VULKAN_PROFILES[VULKAN_MMID_WALK_ENGINE] = VULKAN_MMID_WALK_SPEED
_CHUNKED_TWIN = f"llama.cpp-vulkan-{GDN_CHUNKED_SPEED.engine.removeprefix('llama.cpp-')}"
VULKAN_PROFILES[_CHUNKED_TWIN] = VULKAN_PROFILES[_CHUNKED_TWIN].model_copy(update={"vulkan_mmid_walk": True})
VULKAN_GDN_PROFILES[_CHUNKED_TWIN] = VULKAN_PROFILES[_CHUNKED_TWIN]


def vulkan_engine(engine: str, backend: str | None) -> str:
    """The speed profile of `engine` run on ggml's `backend` ('vulkan' maps llama.cpp and Ollama to it)."""
    if backend == "vulkan" and engine in ("llama.cpp", "ollama"):
        return VULKAN_ENGINE
    return vulkan_gdn_engine(engine, backend)


def vulkan_gdn_engine(engine: str, backend: str | None) -> str:
    """A Gated DeltaNet era profile ('llama.cpp-gdn-unfused', '-chunked') run on Vulkan: its Vulkan twin."""
    twin = f"llama.cpp-vulkan-{engine.removeprefix('llama.cpp-')}"
    if backend == "vulkan" and twin in VULKAN_GDN_PROFILES:
        return twin
    return engine
