"""llama.cpp (llama-server / llama-cli): cells allocated up front, a graph allocator's compute buffer.

Modelled release: llama-server b9464 and later (June 2026: the prompt graph reserved for one row of
logits per slot, ggml-org/llama.cpp#23861); the other rules were read at b6700 (October 2025:
`--flash-attn auto` by default, unified KV cells shared by the parallel slots) and hold in the
current src/llama-context.cpp. Sources (ggml-org/llama.cpp):
- context, `src/llama-context.cpp` `llama_context::llama_context`: n_ctx (here --batch x --context:
  the slots share one unified cache) is padded to 256 cells (`GGML_PAD(n_ctx, 256)`, the KV size
  padding of `llama_kv_cache`); n_ubatch (default 512) and n_batch (default 2048, common/common.h)
  with n_ubatch <= n_batch.
- cache, `src/llama-kv-cache.cpp`: K and V of every offloaded layer for every cell, in the chosen
  ggml types (f16 default; q8_0 = 34 bytes per 32 values, q4_0 = 18 per 32, ggml-common.h); the
  layers left on the CPU keep their cache in host RAM (offload_kqv). Sliding-window layers
  (`llama-kv-cache-iswa.cpp`) get min(n_ctx, GGML_PAD(n_swa x n_seq_max + n_ubatch, 256)) cells,
  in the same --cache-type-k/-v as the full layers: `llama_kv_cache_iswa` hands type_k/type_v to both
  caches. ggml-org/llama.cpp#21277 (merged 2026-04-01) kept the SWA cache in F16 under a quantized
  type and #21332 reverted it on 2026-04-02, so only builds of that one day did; no Ollama release
  carries it (its llama-server pins start at b9409, May 2026, and its Go engine's
  kvcache.WrapperCache.Init gave the SWA and causal caches one dtype).
  MLA models (deepseek2 with split `attn_k_b`/`attn_v_b`) cache kv_lora_rank + rope per token.
- compute buffer, `llama_context::graph_reserve` + `ggml-alloc.c` `ggml_gallocr_reserve`: the
  worst-case graph is one ubatch of min(n_ctx, n_ubatch) tokens against all n_ctx cells with
  min(n_tokens, n_outputs_max) outputs (`logit_rows`: n_parallel x (1 + draft tokens) under
  llama-server b9464+, every token with `--logits all`); the allocator reuses memory of tensors
  past their last use, so the buffer is the largest live set of one stage: attention (the KQ
  mask, and without flash attention the f32 K*Q scores of n_kv x n_ubatch x n_head), the
  feed-forward, or the output layer (f32 logits of n_vocab x the output rows). With flash
  attention the mask is f16 and no score matrix exists.
- output buffer, `llama_context::output_reserve(n_seq_max)`: n_vocab x n_seq_max f32 logits, in
  host memory (CPU / CUDA_Host).
- weights, `src/llama-model.cpp` `load_tensors`: token embeddings stay in host memory (their
  get_rows runs on the CPU); -ngl offloads the last n blocks and, with n > n_layer, the output
  layer; --n-cpu-moe N keeps the experts of the first N layers on the CPU (tensor override).
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar

from llmsize.errors import BadInputError
from llmsize.estimate import arrays as np  # numpy only for sweeps (issue 15)
from llmsize.estimate.engines import (
    llama_cpp_batch,
    llama_cpp_dsv4,
    llama_cpp_fusion,
    llama_cpp_gdn,
    llama_cpp_hip,
    llama_cpp_host,
    llama_cpp_nodes,
    llama_cpp_scores,
    llama_cpp_vulkan_mmid,
    server_releases,
)
from llmsize.estimate.engines.base import BaseEngine, Budget, WeightPlacement, pad
from llmsize.estimate.engines.speed_profile import EngineSpeedProfile
from llmsize.estimate.workload import Engine, FlashAttn, Workload
from llmsize.units import MIB, format_gib

if TYPE_CHECKING:
    from llmsize.estimate.kv_cache import KvTerm
    from llmsize.estimate.phases import Peak, StaticBytes
    from llmsize.estimate.placement import Stage
    from llmsize.estimate.resolved import Resolved
    from llmsize.estimate.result import EngineFigures, Estimate
    from llmsize.specs.models import ModelSpec, WeightFormat

LLAMA_CPP_VERSION_MODELLED = "b9464"
CELL_PAD = 256  # REFERENCE: llama-kv-cache.cpp / llama-context.cpp: KV size padded to 256 cells
UBATCH = 512  # REFERENCE: common/common.h n_ubatch = 512
N_BATCH = 2048  # REFERENCE: common/common.h n_batch = 2048
MASK_PAD = 64  # REFERENCE: ggml.h GGML_KQ_MASK_PAD 64: the mask's token rows are padded to 64
# REFERENCE: ggml-org/llama.cpp#23764 ("llama: use f16 mask for FA to save VRAM", merged 2026-05-27):
# before it, src/llama-graph.cpp `build_attn_inp_kv` reserved the KQ mask in f32 and cast it to f16 for
# flash attention (`self_kq_mask_cnv = cparams.flash_attn ? ggml_cast(..., F16) : ...`), both in the
# compute buffer. b9452 (Ollama v0.30.0's pin) is the first build known here to have it (its
# gpt-oss-120b buffer is the logits alone, ollama/ollama#16416); b8571 still reserved both.
F16_MASK_BUILD = 9452
# REFERENCE: ggml-org/llama.cpp#23861 / #23988 (first in b9464): llama-server reserves n_parallel rows
# of logits; older builds a row for every ubatch token (LlamaCpp.logit_rows).
OUTPUT_CAP_BUILD = 9464
F32 = 4
# REFERENCE: ggml/src/ggml-backend.cpp GGML_SCHED_MAX_COPIES 4: the graph copies of pipeline parallelism.
SCHED_COPIES = 4
# REFERENCE: ggml/src/ggml-cuda/ggml-cuda.cu `ggml_backend_cuda_device_supports_op` (CUDA and HIP share
# it) lists no GGML_UNARY_OP_XIELU in b6700-b7108 although `ggml_cuda_compute_forward` runs it (read in
# ollama/ollama's vendored copies: 544b6739d = b6840, 0cf7794b1 = b7108; listed from ec98e2002, Dec
# 2025): the scheduler puts Apertus' xIELU on the CPU, a GPU -> CPU -> GPU round trip in every block.
CPU_ONLY_ACTIVATIONS = frozenset({"xielu"})
# DeepSeek V4 (arch deepseek4) needs a build with src/llama-kv-cache-dsv4.cpp (ggml-org/llama.cpp#24162).
DSV4_RELEASE = "builds with llama-kv-cache-dsv4.cpp (PR #24162, June 2026)"



# REFERENCE: speed. One ggml graph per ubatch of 512 tokens (common/common.h n_ubatch); the CUDA
# backend captures CUDA graphs for batch-1 decode (ggml-cuda.cu). Calibrated on llama-bench
# (discussions #4167, #15013) and benches/dgx-spark.md tables; Ollama runs this engine.
SPEED = EngineSpeedProfile(
    engine="llama.cpp",
    version="llama-bench builds of 2023-2025 (discussions #4167, #15013, benches/dgx-spark.md)",
    step_fixed_s=0.143e-3, launch_per_layer_s=0.0, gpu_per_layer_s=0.0154e-3,
    gpu_per_node_s=llama_cpp_nodes.GPU_PER_NODE_S,
    gpu_per_node_by_class=dict(llama_cpp_nodes.PER_NODE_BY_CLASS),
    prefill_chunk_tokens=512, graphs=True,
    prefill_compute={"hbm": 0.115, "gddr": 0.285, "lpddr": 0.165, "apple": 0.70, "amd-lpddr": 0.24,
                     # CDNA3's MFMA MMQ, its measured kernel rate (llama_cpp_hip.py)
                     llama_cpp_hip.CDNA3_KEY: llama_cpp_hip.CDNA3_MMQ_SHARE},
    # F16/BF16 weights run ggml-cuda's cuBLAS GEMM (FP16 tensor cores), not MMQ: shares of the FP16
    # figure, as calibrated before the int8 split (no 16-bit prefill fit row outside Apple).
    prefill_compute_16bit={"hbm": 0.23, "gddr": 1.1, "lpddr": 0.25, "apple": 0.70},
    expert_half_tokens=60.0,
    # REFERENCE: ggml/src/ggml-cuda/mmq.cu ggml_cuda_should_use_mmq returns true on every GPU with
    # Turing-class MMA for the quantized types (and on CDNA3 / RDNA3 with MFMA / WMMA): a prompt's
    # quantized mat-muls run MMQ, which quantizes the activations to q8_1 and multiplies with int8 MMA
    # (mmq.cuh), so its peak is the int8 rate (4x a GeForce card's FP16-accumulate-FP32 figure, 2x a
    # workstation or datacenter card's). The fractions below are of that rate; Metal and Vulkan
    # devices without an int8 figure fall back to FP16 (GpuSpec.flops_for).
    quantized_peak_dtype="int8",
    gpu_per_layer_by_class={"apple": 0.0856e-3},
    # REFERENCE: graph nodes of one decode step per part of a block, counted from the graph builders
    # (src/llama-graph.cpp build_norm / build_attn / build_ffn / build_moe_ffn, src/models/*.cpp), those
    # beyond a dense block's 19 paying gpu_per_node_s each: estimate/engines/llama_cpp_nodes.py.
    layer_kernels=dict(llama_cpp_nodes.NODES),
    # REFERENCE: ggml-cuda.cu ggml_cuda_try_fuse runs matched neighbours as one kernel: the nodes a CUDA
    # decode step pays gpu_per_node_s for are the current build's kernels
    # (estimate/engines/llama_cpp_fusion.py; older builds: FUSION_SPEED, chosen by --engine-version).
    node_kernels=llama_cpp_fusion.kernels_at(None),
    # REFERENCE: src/models/delta-net-base.cpp build_recurrent_attn: the fused GATED_DELTA_NET op reads
    # the state and writes the new one into its result, then a ggml_cpy copies it into the recurrent
    # cache (ssm_states_all): 4 x the state per step (Mamba's ssm_scan + copy likewise).
    state_traffic=4.0,
    # REFERENCE: ggml/src/ggml-metal/ggml-metal-device.m ggml_metal_device_init: has_tensor stays on
    # for M5 / M6 / A19 / A20 devices, and kernel_mul_mm runs the Metal 4 tensor API (matmul2d) under
    # GGML_METAL_HAS_TENSOR (ggml-org/llama.cpp PR #16634, 2025-10): the M5's Neural Accelerators.
    matrix_units=True,
    # REFERENCE: a decode step of several sequences: each one beyond the first adds per-layer work
    # (MMQ column tiles above MMVQ_MAX_BATCH_SIZE, its own KV stream); the current build replays CUDA
    # graphs at any batch (PR #19645). estimate/engines/llama_cpp_batch.py.
    batch_sequence_layer_s=llama_cpp_batch.SEQUENCE_LAYER_S,
    sources=("https://github.com/ggml-org/llama.cpp/blob/master/common/common.h",))


# REFERENCE: ggml's HIP build replayed no graphs until GGML_HIP_GRAPHS turned on by default
# (ggml/CMakeLists.txt: option(GGML_HIP_GRAPHS "ggml: use HIP graph, experimental, slow" OFF), later
# "ggml: use HIP graph" ON with hip_VERSION >= 6.1); without graphs every graph node is a HIP launch
# from the CPU. A dense layer runs SPEED.layer_kernels' 19 nodes plus one q8_1 quantization of the
# activations before each of its 7 quantized mat-vecs (ggml/src/ggml-cuda/mmvq.cu
# ggml_cuda_mul_mat_vec_q: quantize_row_q8_1_cuda, then the mat-vec kernel): 26 launches; one
# empty-kernel launch costs ~4 us on an MI300X node (ROCm/TransferBench PR #297, EmptyKernel preset,
# batch 1: EvtMin 4.04 us). No constant fitted: rows measured on such builds use this profile by name.
HIP_LAUNCH_S = 4.04e-6
MMVQ_QUANTIZE_PER_DENSE_LAYER = 7
_DENSE_KERNELS = llama_cpp_nodes.DENSE_LAYER_NODES + MMVQ_QUANTIZE_PER_DENSE_LAYER
HIP_NO_GRAPHS_SPEED = SPEED.model_copy(update={
    "engine": "llama.cpp-hip-nographs", "graphs": False, "node_kernels": {},
    "launch_per_layer_s": _DENSE_KERNELS * HIP_LAUNCH_S,
    "version": "ggml HIP builds with GGML_HIP_GRAPHS off (the default before it was switched on)"})
# REFERENCE: Metal builds before the Metal 4 tensor API (ggml-org/llama.cpp PR #16634, merged 2025-10;
# e.g. build 8e672ef that discussion #4167's scoreboard pins) run every prompt mat-mul on the
# simdgroup-matrix kernels at the shader rate, M5 included. Nothing else differs.
METAL_SIMDGROUP_SPEED = SPEED.model_copy(update={
    "engine": "llama.cpp-metal-simdgroup", "matrix_units": False, "node_kernels": {},
    "version": "llama.cpp Metal builds before the Metal 4 tensor API (PR #16634)"})
# REFERENCE: builds before the fused GATED_DELTA_NET op (ggml-org/llama.cpp PR #19504, 2026-02, CPU and
# CUDA; Vulkan PR #20334, 2026-03; the first qwen3next build, PR #16095 at b7189, predates both) decode a
# Gated DeltaNet block with src/models/delta-net-base.cpp build_delta_net_autoregressive, which is still
# the fallback where a backend lacks the op (build_delta_net: cparams.fused_gdn_ar). Counted there: 12
# element-wise nodes (scale, exp, 5 mul, 2 sum_rows, sub, repeat, add) where the fused path runs one,
# 11 more kernels per block (PR #20091: "12 ops saved" per DeltaNet layer); and 14 passes over the f32
# state (each mul r+w, sum_rows r, repeat w, add 2r+w) plus the copy into the cache (r+w): 16 x the state
# per step where the fused op moves 4 x. Measured on Strix Halo (Vulkan), PR #20334 took Qwen3-Coder-Next
# from 38.0 to 46.6 t/s and Qwen3.5-35B-A3B from 43.9 to 53.3. For Gated DeltaNet models only (a Mamba
# block on these builds ran ssm_scan as today).
GDN_UNFUSED_SPEED = SPEED.model_copy(update={
    "engine": "llama.cpp-gdn-unfused", "state_traffic": 16.0, "node_kernels": {},
    "layer_kernels": SPEED.layer_kernels | {"linear_attention": SPEED.layer_kernels["linear_attention"] + 11},
    "version": "llama.cpp builds decoding Gated DeltaNet unfused (before PR #19504 / #20334)"})
LEGACY_SPEED: dict[str, EngineSpeedProfile] = {
    HIP_NO_GRAPHS_SPEED.engine: HIP_NO_GRAPHS_SPEED, METAL_SIMDGROUP_SPEED.engine: METAL_SIMDGROUP_SPEED,
    GDN_UNFUSED_SPEED.engine: GDN_UNFUSED_SPEED}
# REFERENCE: builds before PR #17996 (2025-12, the one-token autoregressive path; b7189, the first qwen3next
# build, among them) decode a Gated DeltaNet token through the chunked delta rule: 52 nodes and 35 passes
# over the state (estimate/engines/llama_cpp_gdn.py). Counted, nothing fitted.
GDN_CHUNKED_SPEED = SPEED.model_copy(update={
    "engine": "llama.cpp-gdn-chunked", "node_kernels": {},
    "state_traffic": llama_cpp_gdn.CHUNKED_STATE_TRAFFIC,
    "layer_kernels": SPEED.layer_kernels | {
        "linear_attention": SPEED.layer_kernels["linear_attention"] + llama_cpp_gdn.CHUNKED_EXTRA_NODES},
    "version": "llama.cpp builds decoding Gated DeltaNet chunked (before PR #17996)"})
LEGACY_SPEED[GDN_CHUNKED_SPEED.engine] = GDN_CHUNKED_SPEED


def fusion_engine(build: int | None) -> str:
    """The speed profile of a llama.cpp CUDA build: "llama.cpp" for the current one (None: not said), else
    the profile of the builds with the same CUDA fusions (llama_cpp_fusion.FUSIONS); within the fusion era
    that PR #19645 falls in, its builds from that PR on replay CUDA graphs at every batch (_BATCH_GRAPHS)."""
    name = _era_engine(build)
    last = llama_cpp_fusion.era(build)
    graphs_now = build is not None and llama_cpp_batch.graphs_replayed(2, build)
    return name + _BATCH_GRAPHS if last and graphs_now and _era_is_eager(last) else name


def _era_engine(build: int | None) -> str:
    """The profile of the builds with the same CUDA fusions as `build` ("llama.cpp": the current ones)."""
    last = llama_cpp_fusion.era(build)
    return "llama.cpp" if last in (None, llama_cpp_fusion.FUSIONS[-1].pr) else f"llama.cpp-fusions-pr{last}"


# The suffix of an era's builds from PR #19645 on (llama_cpp_batch.GRAPHS_AT_BATCH_BUILD): the same CUDA
# fusions, with CUDA graphs replayed for a batched decode step.
_BATCH_GRAPHS = "-pr19645"


def _era_is_eager(pr: int) -> bool:
    """Whether the fusion era that `pr` opens (0: the builds before every fusion) begins before PR #19645."""
    start = next((f.first_build for f in llama_cpp_fusion.FUSIONS if f.pr == pr), 0)
    return not llama_cpp_batch.graphs_replayed(2, start)


def _era_start(fusion: llama_cpp_fusion.Fusion) -> int:
    """The first build of the era that ends just before `fusion` (0: the builds before every fusion)."""
    earlier = [f.first_build for f in llama_cpp_fusion.FUSIONS if f.first_build < fusion.first_build]
    return max(earlier, default=0)


# Builds before a CUDA fusion (--engine-version b6500 ...): the same profile, with that build's kernel counts.
FUSION_SPEED: dict[str, EngineSpeedProfile] = {
    _era_engine(f.first_build - 1): SPEED.model_copy(update={
        "engine": _era_engine(f.first_build - 1),
        "node_kernels": llama_cpp_fusion.kernels_at(f.first_build - 1),
        # Builds before PR #19645 launch a batched decode step eagerly (llama_cpp_batch.py); an era that
        # begins before it counts as such (the one from #16884 to #23940 straddles it).
        "batch_eager_launch_s": (0.0 if llama_cpp_batch.graphs_replayed(2, _era_start(f))
                                 else llama_cpp_batch.EAGER_LAUNCH_S),
        "version": f"llama.cpp CUDA builds before PR #{f.pr} (about b{f.first_build})"})
    for f in llama_cpp_fusion.FUSIONS}
LEGACY_SPEED |= FUSION_SPEED
# REFERENCE: PR #19645 (ggml-cuda.cu: no more GGML_OP_ADD batch check) lands inside a fusion era: that era's
# builds from it on keep their fusions and replay CUDA graphs at every batch (llama_cpp_batch.py).
LEGACY_SPEED |= {
    name + _BATCH_GRAPHS: prof.model_copy(update={
        "engine": name + _BATCH_GRAPHS, "batch_eager_launch_s": 0.0,
        "version": prof.version + f", from PR #19645 (about b{llama_cpp_batch.GRAPHS_AT_BATCH_BUILD})"})
    for name, prof in FUSION_SPEED.items() if prof.batch_eager_launch_s}


def gdn_speed_name(spec: ModelSpec, build: int | None, vulkan: bool) -> str | None:
    """The Gated DeltaNet decode era's profile of `build` for a model with Gated DeltaNet blocks
    (llama_cpp_gdn.decode_era: chunked before PR #17996, unfused before the fused op), else None."""
    if spec.recurrent is None or spec.recurrent.kind != "gated_deltanet":
        return None
    era = llama_cpp_gdn.decode_era(build, vulkan)
    return {"chunked": GDN_CHUNKED_SPEED.engine, "unfused": GDN_UNFUSED_SPEED.engine}.get(era or "")


class LlamaCpp(BaseEngine):
    """llama.cpp with its CUDA/Metal backends, one process for all GPUs (layer split)."""

    # REFERENCE: ggml-org/llama.cpp README.md "Supported backends" (Metal, BLAS, BLIS, SYCL, MUSA, CUDA, HIP,
    # Vulkan, CANN, OpenCL, zDNN, WebGPU, RPC): none runs on a Google TPU, so neither does Ollama, which
    # runs llama.cpp (issue 15, round 6: `--gpu TPU-v5e --engine llama.cpp` was planned as fitting).
    no_backend_vendors: ClassVar[frozenset[str]] = frozenset({"google"})

    def backend_hint(self) -> str:
        return "a TPU runs vLLM or transformers (--engine vllm)"

    engine: ClassVar[Engine] = Engine.LLAMA_CPP
    reads_options: ClassVar[frozenset[str]] = frozenset(
        {"ubatch", "n_batch", "flash_attn", "gpu_layers", "n_cpu_moe", "speculative", "engine_version"}
    )
    # llama-server --model-draft (draft:<model>: a second model and context, n_ctx as the target's,
    # all layers offloaded); --spec-type draft-mtp (mtp: the GGUF's nextn block in its own context that
    # allocates KV for the nextn layers only, ggml-org/llama.cpp#19937, #25980: qwen35, qwen35moe,
    # step35, cohere2moe, glm-dsa); eagle3: an EAGLE-3 head converted to GGUF and run as the draft model
    # (ggml-org/llama.cpp#18039).
    speculative_methods: ClassVar[frozenset[str]] = frozenset({"mtp", "draft", "eagle3"})
    version: ClassVar[str] = LLAMA_CPP_VERSION_MODELLED
    speed: ClassVar[EngineSpeedProfile] = SPEED
    label: ClassVar[str] = "llama.cpp"
    # DeepSeek V4 (arch deepseek4): llama_kv_cache_dsv4's caches, llama_cpp_dsv4.py.
    # --cache-type-k/-v: f32, f16, bf16, q8_0, q4_0 (and others llmsize does not list)
    kv_dtypes: ClassVar[frozenset[str]] = frozenset({"fp32", "fp16", "bf16", "q8_0", "q4_0"})
    # REFERENCE: ggml-org/llama.cpp#9663 (convert_hf_to_gguf.py: "Model MllamaForConditionalGeneration is
    # not supported"; closed unimplemented, like #9643): Llama 3.2 Vision's cross-attention decoder has no
    # llama.cpp architecture. Ollama ran it on its own Go engine (ollama.py keeps it).
    unsupported_model_types: ClassVar[dict[str, str]] = {
        "mllama": "llama.cpp has no Llama 3.2 Vision (cross-attention) architecture "
        "(ggml-org/llama.cpp#9663)",
    }
    hf_phase_walk: ClassVar[bool] = False
    # llama.cpp loads GGUF files: float checkpoints convert (convert_hf_to_gguf.py), the Hugging
    # Face quantized formats do not.
    unsupported_formats: ClassVar[frozenset[str]] = frozenset(
        {"gptq", "awq", "bnb-nf4", "bnb-fp4", "bnb-int8", "exl2", "mlx", "compressed-tensors", "fp8", "nvfp4"}
    )

    # --- settings -----------------------------------------------------------------------------------
    def ubatch(self) -> int:
        """n_ubatch as llama.cpp clamps it: min(n_ubatch, n_batch), n_batch itself at most n_ctx with
        causal attention (src/llama-context.cpp `llama_context::llama_context`: `cparams.n_batch =
        causal_attn ? min(n_ctx, n_batch) : n_batch; cparams.n_ubatch = min(cparams.n_batch,
        n_ubatch)`), so `-b 128` alone runs ubatches of 128 tokens (docs/backend/hexagon/developer.md)."""
        n_batch = min(self.wl.n_batch or N_BATCH, self.n_ctx())
        return min(self.wl.ubatch or UBATCH, n_batch)

    def prefill_chunk(self) -> int | None:
        """A prompt runs in ubatches of n_ubatch tokens (llama-bench -ub, llama-server --ubatch-size):
        src/llama-context.cpp, llama_context::decode splits each batch with n_ubatch."""
        return self.ubatch()

    def flash_attention(self) -> bool:
        """--flash-attn auto turns it on where the backend supports the model (CUDA and Metal do)."""
        return self.wl.flash_attn is not FlashAttn.OFF

    def prefill_score_bytes(self, spec: ModelSpec, prompt_tokens: int) -> int:
        """Without flash attention each ubatch writes its F32 scores and reads them back
        (llama_cpp_scores.py)."""
        if self.flash_attention():
            return 0
        elements = llama_cpp_scores.materialized_score_elements(spec, prompt_tokens, self.ubatch())
        return elements * llama_cpp_scores.SCORE_BYTES_PER_ELEMENT

    def n_ctx(self) -> int:
        return int(pad(self.wl.context * self.wl.batch, CELL_PAD))

    def build(self) -> int | None:
        """The llama.cpp build asked for (--engine-version b8571); None: the build modelled."""
        text = self.wl.engine_version
        if text is None:
            return None
        digits = text.strip().lower().removeprefix("b")
        if not server_releases.is_number(digits, 6) or int(digits) == 0:
            raise BadInputError(
                f"--engine-version {text!r} is not a llama.cpp build",
                hint="give the build number llama.cpp prints (version: 8571 ...), e.g. b8571",
            )
        return int(digits)

    def speed_name(self, spec: ModelSpec | None = None) -> str:
        """On CUDA the speed profile of the build asked for: its CUDA fusions set the kernels a decode step
        launches (llama_cpp_fusion.py; the current build when --engine-version is not given). Vulkan keeps
        its own profile (llama_cpp_vulkan.vulkan_engine). A Gated DeltaNet model (`spec`) on a build that
        decoded it chunked or unfused takes that era's profile (gdn_speed_name)."""
        vulkan = str(self.wl.backend) == "vulkan"
        gdn = gdn_speed_name(spec, self.build(), vulkan) if spec is not None else None
        if gdn is not None:
            return gdn  # on Vulkan, llama_cpp_vulkan.vulkan_gdn_engine maps it to its Vulkan twin
        if vulkan:
            # Builds before PR #18352 walk the routing ids in every expert GEMM workgroup of a prompt.
            walks = llama_cpp_vulkan_mmid.walks_ids(self.build())
            return llama_cpp_vulkan_mmid.WALK_ENGINE if walks else str(self.engine)
        return fusion_engine(self.build())

    # --- validation and weights ---------------------------------------------------------------------
    def validate(self, spec: ModelSpec, wl: Workload) -> None:
        super().validate(spec, wl)
        self.build()  # a bad --engine-version exits 2 here
        if wl.tp > 1:
            raise BadInputError(
                f"{self.label} splits layers across GPUs (--split-mode layer), not tensors",
                hint="use --num-gpus N with --tp 1",
            )
        if wl.mode.trains:
            raise BadInputError(
                f"{self.label} runs inference only", hint="use --engine transformers to train"
            )
        c = spec.compressed
        if c is not None and (c.csa_rate, c.hca_rate) != (llama_cpp_dsv4.CSA, llama_cpp_dsv4.HCA):
            raise BadInputError(
                f"{self.label} runs DeepSeek V4 with compression ratios 4 and 128 only (this config: "
                f"{c.csa_rate} / {c.hca_rate}; DSV4_CSA_RATIO / DSV4_HCA_RATIO)",
                hint="use --engine transformers for other ratios",
            )
        if wl.n_cpu_moe is not None and not spec.is_moe:
            raise BadInputError(f"--n-cpu-moe keeps MoE experts on the CPU, but {spec.name} is a dense model")
        if (
            wl.kv_dtype is not None
            and str(wl.kv_dtype) in ("q8_0", "q4_0")
            and wl.flash_attn is FlashAttn.OFF
        ):
            # REFERENCE: llama-context.cpp llama_init_from_model: "V cache quantization requires flash_attn"
            raise BadInputError(
                f"{self.label} refuses a quantized V cache ({wl.kv_dtype}) without flash attention",
                hint="use --flash-attn on (or auto), or --kv-dtype fp16",
            )

    def format_hint(self) -> str:
        return "size the GGUF instead (--quant Q4_K_M, Q8_0, ...) or use --engine vllm"

    def compute_dtype(self, fmt: WeightFormat, default: str) -> str:
        del fmt, default
        return "fp16"

    def default_kv_dtype(self, compute: str) -> str:
        del compute
        return "fp16"  # --cache-type-k/-v f16

    def stages(self, spec: ModelSpec, wl: Workload) -> tuple[Stage, ...]:
        """Token embeddings on the CPU; the last `gpu_layers` blocks split over the GPUs the way
        llama.cpp splits them; the output layer on the last GPU only when every block is offloaded.

        REFERENCE: src/llama-model.cpp `llama_model::load_tensors` (b6700): with equal GPUs (the
        default split follows free memory, -ts 1,1 states it) the split points are i/n, the output
        layer counts as one more layer when offloaded (act_gpu_layers = min(n_gpu_layers, n_layer + 1)),
        and layer il goes to `upper_bound(splits, (il - i_gpu_start) / act_gpu_layers)`, i.e. GPU
        floor(j x n / act). Check: 80 blocks + output on 2 GPUs give the first 41 blocks (ROCm0 KV
        buffer 3280 MiB = 41 x 80 MiB, ggml-org/llama.cpp#16725).
        """
        from llmsize.estimate.placement import Stage

        n = spec.num_layers
        offloaded = n if wl.gpu_layers is None else min(wl.gpu_layers, n)
        head = wl.gpu_layers is None or wl.gpu_layers > n
        act = offloaded + (1 if head else 0)
        # GPUs past the last block hold none of it (each GPU gets whole blocks), so they are not listed:
        # the busiest GPU is the same, and 4,096 GPUs do not mean 4,096 stages to walk (issue 15).
        gpus = max(1, min(wl.num_gpus, offloaded))
        parts: list[list[int]] = [[] for _ in range(gpus)]
        start = n - offloaded
        for layer in range(start, n):
            parts[min(gpus - 1, (layer - start) * gpus // act)].append(layer)
        parts = [p for p in parts if p] or [[]]  # -ngl 0: one GPU holding no block
        return tuple(Stage(i, tuple(p), False, head and i == len(parts) - 1) for i, p in enumerate(parts))

    # --- cache ----------------------------------------------------------------------------------------
    def separate_mmproj(self, spec: ModelSpec, wl: Workload, fmt: WeightFormat) -> bool:
        """A vision-language model's GGUF holds the text model; its vision tower and projector are the
        separate mmproj file that llama-server loads only with --mmproj (tools/mtmd, its own clip context),
        so neither model buffer holds it. REFERENCE: convert_hf_to_gguf.py writes the tower only with
        --mmproj (MmprojModel); llama-model.cpp load_tensors creates no vision tensor. A run that sends
        images, audio or video (or says --mmproj) loads that file too: tools/mtmd clip.cpp
        clip_model_loader puts its tensors on the GPU backend unless --no-mmproj-offload (mtmd
        use_gpu), so its weights count then (mmproj_bytes)."""
        if mmproj_loaded(wl):
            return False
        return _gguf_file(fmt) and spec.vision is not None and spec.extra_params > 0

    def mmproj_bytes(self, spec: ModelSpec, wl: Workload, fmt: WeightFormat) -> int:
        """The loaded mmproj file's weights (clip.cpp's "load_hparams: model size"): the tower and
        projector a vision-language GGUF leaves out, as the published mmproj-*-f16.gguf files hold them
        (estimate/mmproj.py); 0 when no mmproj is loaded. estimate/weights.py counts the same
        parameters at F16 ("other.extra"), so place_weights moves those off the host."""
        from llmsize.estimate.mmproj import mmproj_file_bytes

        if not mmproj_loaded(wl) or not _gguf_file(fmt) or spec.vision is None:
            return 0
        return mmproj_file_bytes(spec)

    def tokens_held(self, window: int | None, tokens: Any, prefill: Any, batch: Any) -> Any:
        """Cells for all sequences at once, allocated for the whole context up front."""
        del prefill
        cells = pad(tokens * batch, CELL_PAD)
        if window is None:
            return cells
        return np.minimum(cells, pad(window * batch + self.ubatch(), CELL_PAD))

    def sequences(self, batch: Any) -> Any:
        del batch
        return 1

    def compressed_layout(
        self, spec: ModelSpec, layers: tuple[int, ...], element: Fraction
    ) -> tuple[KvTerm, ...] | None:
        """DeepSeek V4's raw, compressed and indexer K caches and compressor states (llama_cpp_dsv4.py)."""
        return llama_cpp_dsv4.terms(spec, layers, element)

    def pooled_held(
        self, rule: str, rate: int, tokens: Any, prefill: Any, window: int | None = None, batch: Any = 1
    ) -> Any:
        """Cells of DeepSeek V4's per-sequence streams, `batch` streams of n_ctx_seq cells each: the raw
        cache min(n_ctx_seq, GGML_PAD(n_swa + n_ubatch, 256)), a pooled one GGML_PAD(cdiv(n_ctx_seq,
        rate), 256) (llama-kv-cache-dsv4.cpp)."""
        kv_size = pad(tokens * batch, CELL_PAD) // batch
        if rule == "dsv4_raw":
            return np.minimum(kv_size, pad((window or 0) + self.ubatch(), CELL_PAD)) * batch
        if rule == "dsv4_pool":
            return pad(np.maximum(1, -(-kv_size // rate)), CELL_PAD) * batch
        return super().pooled_held(rule, rate, tokens, prefill, window, batch)

    def kv_formula_tail(self) -> str:
        return ", allocated for the full context"

    def layer_kv_bytes(self, spec: ModelSpec, element: Fraction, tp: int) -> Fraction:
        """An MLA GGUF converted before llama.cpp split `attn_kv_b` into `attn_k_b`/`attn_v_b`
        (ggml-org/llama.cpp#12801, April 2025) runs MLA as plain multi-head attention: every head's
        K (nope + rope dims) and V are cached, 9x the latent for DeepSeek-V2-Lite, 71x for V3."""
        if old_mla_gguf(spec):
            heads = spec.num_attention_heads
            k = heads * (spec.qk_nope_head_dim + spec.qk_rope_head_dim)
            return (k + heads * spec.v_head_dim) * element
        return super().layer_kv_bytes(spec, element, tp)

    def state_bytes(self, spec: ModelSpec, compute_bytes: int, tp: int) -> int:
        """`llama_memory_recurrent` (src/llama-memory-recurrent.cpp), created with recurrent types
        GGML_TYPE_F32 for both tensors (src/llama-model.cpp create_memory): per layer and sequence
        r = n_embd_r() = (d_conv - 1) x conv channels and s = n_embd_s() values, all f32, whatever
        --cache-type-k/-v say."""
        del compute_bytes, tp  # layers are split across GPUs, not tensors
        rec = spec.recurrent
        if rec is None:
            return 0
        return 4 * (rec.conv_channels * max(0, rec.conv_kernel - 1) + rec.recurrent_state_elements)

    def draft_kv_dtype(self, kv_dtype: str) -> str:
        """-ctkd/-ctvd (--spec-draft-type-k/-v), f16 by default whatever -ctk/-ctv say (common/arg.cpp):
        llama-server gives the draft and MTP contexts `params_base.speculative.draft.cache_type_k/v`
        (tools/server/server-context.cpp `load_model`)."""
        del kv_dtype
        return "fp16"

    # --- the speculative draft context ----------------------------------------------------------------
    def draft_graph(self, spec: ModelSpec) -> ModelSpec | None:
        """The model the draft context runs: the draft model itself (--model-draft), or for MTP and
        EAGLE-3 one decoder block (src/models/qwen35.cpp `graph_mtp`: eh_proj, one full-attention block
        and the shared head; the nextn block of the other MTP architectures likewise)."""
        from llmsize.estimate import speculative
        from llmsize.specs.params import mtp_block_spec

        d = speculative.drafter(spec, self.wl)
        if d is None:
            return None
        return d.layer_spec if d.method == "draft" else mtp_block_spec(spec)

    def draft_compute_bytes(self, spec: ModelSpec) -> int:
        """The draft context's compute buffer, reserved like the target's for one ubatch against all cells.

        REFERENCE: tools/server/server-context.cpp `load_model` builds the draft / MTP context from the
        target's parameters (`common_context_params_to_llama(params_base)`: the same n_ctx, n_batch and
        n_ubatch) with `n_outputs_max = n_parallel`; src/llama-context.cpp `sched_reserve` reserves the
        prompt graph for n_ubatch tokens with `min(n_tokens, n_outputs_max)` outputs
        (ggml-org/llama.cpp#23988: "Draft context always has n_parallel outputs"). So the drafter's
        logits are a few rows and its feed-forward decides the buffer.
        """
        graph = self.draft_graph(spec)
        if graph is None:
            return 0
        return self.buffers(graph, True, outputs=self.wl.batch)[0]

    def draft_kv_bytes(self, spec: ModelSpec, kv_dtype: str) -> int:
        """The draft context's own cells (the drafter's layers for n_ctx cells, speculative.kv_terms)."""
        from llmsize.estimate import speculative
        from llmsize.estimate.kv_cache import kv_bytes

        d = speculative.drafter(spec, self.wl)
        if d is None:
            return 0
        wl = self.wl
        return int(kv_bytes(speculative.kv_terms(d, wl, kv_dtype), self, wl.context, wl.context, wl.batch))

    def draft_context_bytes(self, spec: ModelSpec, kv_dtype: str) -> int:
        """What llama-server logs as "[spec] estimated memory usage of MTP context / draft model": the
        context's KV and compute buffer (`common_get_device_memory_data`: mb.context + mb.compute), plus
        the draft model's weights when it is a separate model (measure_model_bytes)."""
        from llmsize.estimate import speculative

        d = speculative.drafter(spec, self.wl)
        if d is None:
            return 0
        kv = self.draft_kv_bytes(spec, kv_dtype)
        weights = 0
        if d.method == "draft":
            from llmsize.estimate.weights import model_weight_bytes

            weights = model_weight_bytes(d.layer_spec, d.layer_spec.weight_format)
        return kv + self.draft_compute_bytes(spec) + weights

    # --- compute and output buffers -------------------------------------------------------------------
    def logit_rows(self, spec: ModelSpec) -> int | None:
        """The rows of logits llama-server reserves its prompt graph for; None: every ubatch token.

        REFERENCE: ggml-org/llama.cpp#23861 ("llama: limit max outputs of llama_context") and #23988
        (both merged 2026-06-01, first in b9464). tools/server/server-context.cpp `load_model` sets
        n_outputs_max from `server_output_limits`: common/speculative.cpp
        `common_speculative_get_output_limits(n_batch, n_parallel, common_speculative_n_max)`, i.e.
        min(n_batch, n_parallel x (1 + draft tokens)), the draft tokens 0 without speculation; and
        src/llama-context.cpp `sched_reserve` reserves the prompt graph with min(n_tokens,
        n_outputs_max) outputs. A context whose caller leaves n_outputs_max at 0 gets n_batch
        (`llama_context::llama_context`), so every token keeps its row: the C API default
        (llama-bench, llama-perplexity, llama-cpp-python) and every llama-server before b9464.
        `--logits all` asks for that.
        """
        build = self.build()
        if self.wl.logits == "all" or (build is not None and build < OUTPUT_CAP_BUILD):
            return None
        from llmsize.estimate import speculative

        d = speculative.drafter(spec, self.wl)
        return self.wl.batch * (1 + (d.tokens if d is not None else 0))

    def buffers(
        self, spec: ModelSpec, head_on_device: bool, pipeline: bool = False, outputs: int | None = None
    ) -> tuple[int, int, int]:
        """(device compute buffer, host compute buffer, output buffer) in bytes; with `pipeline` the
        masks are left out of the live stages (they are held in `pipeline_copies_bytes`); `outputs`:
        the rows of logits the graph is reserved for (default: `logit_rows`)."""
        n_ctx = self.n_ctx()
        n_ub = min(n_ctx, self.ubatch())
        rows = self.logit_rows(spec) if outputs is None else outputs
        n_out = n_ub if rows is None else min(n_ub, rows)
        fa = self.flash_attention()
        h, hd = spec.hidden_size, spec.head_dim
        heads = spec.num_attention_heads
        q_width = heads * (spec.qk_nope_head_dim + spec.qk_rope_head_dim if spec.is_mla else hd)
        windows = {spec.layer_window(i) for i in range(spec.num_layers) if spec.has_kv(i)} or {None}
        masks = self.mask_bytes(spec)
        n_kv_max = (
            n_ctx
            if None in windows
            else max(int(self.tokens_held(w, self.wl.context, 0, self.wl.batch)) for w in windows)
        ) // self.kv_streams()
        scores = 0 if fa else n_kv_max * n_ub * heads * F32
        # Attention: the residual stream, the normed input, Q and the heads' output, besides the
        # masks and (without flash attention) the scores. The new K and V are copied into the
        # cache (llama-kv-cache.cpp cpy_k/cpy_v) and die there; the scores read the cache views.
        live_masks = 0 if pipeline else masks
        attn = live_masks + F32 * n_ub * (2 * h + q_width + heads * (spec.v_head_dim or hd)) + scores
        ffn = 0
        if spec.num_layers > spec.num_moe_layers:
            # A gated FFN's up and gate results and their GLU product (ggml_swiglu_split / geglu_split,
            # GGML_OP_GLU, which ggml-alloc.c `ggml_op_can_inplace` does not list, so it gets its own
            # tensor) live with the residual stream; the masks stay live until the last attention.
            width = spec.max_mlp_width
            dense = h + 3 * width if spec.mlp_gated else 3 * h + 2 * width
            ffn = (live_masks if spec.num_layers > 1 else 0) + F32 * n_ub * dense
        if spec.is_moe:
            k = spec.num_experts_per_tok
            shared = 2 * spec.shared_expert_intermediate_size
            moe = (
                F32
                * n_ub
                * (3 * h + 2 * spec.num_experts + k * (2 * spec.moe_intermediate_size + h) + shared)
            )
            ffn = max(ffn, live_masks + moe)
        # The output layer: the final norm's result (its input, the residual stream, is dead once
        # normed) and the f32 logits, both for the n_out rows the graph keeps: the last block
        # gathers them (`inp_out_ids`, ggml_get_rows) before its feed-forward.
        output = F32 * n_out * (h + spec.vocab_size) if head_on_device else 0
        device = max(attn, ffn, output) + _block_stream_extra(spec, n_ub)
        # The graph inputs are built on the CPU: the token-embedding rows (token_embd lives in host
        # memory) and the KQ masks, copied to the GPU by the scheduler (ggml-backend.c splits).
        host = F32 * n_ub * h + masks
        if not head_on_device:
            host = max(host, F32 * n_out * (h + spec.vocab_size))
        out_buf = spec.vocab_size * self.wl.batch * F32
        return int(device), int(host), int(out_buf)

    def mask_element_bytes(self) -> int:
        """Bytes per KQ-mask cell: f32 without flash attention; with it f16, and before
        ggml-org/llama.cpp#23764 (builds below F16_MASK_BUILD) the f32 mask it was cast from as well."""
        if not self.flash_attention():
            return F32
        build = self.build()
        return 2 + (F32 if build is not None and build < F16_MASK_BUILD else 0)

    def mask_bytes(self, spec: ModelSpec) -> int:
        """The KQ masks of one ubatch: one per distinct window (mask_element_bytes per cell)."""
        n_ctx = self.n_ctx()
        rows = pad(min(n_ctx, self.ubatch()), MASK_PAD)
        elem = self.mask_element_bytes()
        windows = {spec.layer_window(i) for i in range(spec.num_layers) if spec.has_kv(i)} or {None}
        total = 0
        for w in windows:
            n_kv = n_ctx if w is None else int(self.tokens_held(w, self.wl.context, 0, self.wl.batch))
            total += n_kv // self.kv_streams() * rows * elem
        return total

    def kv_streams(self) -> int:
        """KV streams: 1 for the unified cache the parallel slots share (llama-server's default here).

        REFERENCE: src/llama-graph.cpp `build_attn_inp_kv`: the mask is [n_kv, n_tokens / n_stream, 1,
        n_stream] with n_kv the cells of one stream, so a split cache's masks and scores cover one
        stream's cells per token.
        """
        return 1

    def pipeline_parallel(self, spec: ModelSpec) -> bool:
        """Whether llama.cpp runs its scheduler with SCHED_COPIES graph copies.

        REFERENCE: src/llama-context.cpp `llama_context::llama_context` (b6700-b6840): pipeline
        parallelism when the model has more than one device, n_gpu_layers > n_layer (the output layer
        offloaded too), split mode layer, offload_kqv, no tensor overrides (--n-cpu-moe is one) and
        every GPU backend supports async compute and events (CUDA and HIP do).
        """
        wl = self.wl
        whole = wl.gpu_layers is None or wl.gpu_layers > spec.num_layers
        return wl.num_gpus > 1 and whole and wl.n_cpu_moe is None

    def pipeline_copies_bytes(self, spec: ModelSpec, stage: Stage) -> int:
        """What one GPU holds for the whole graph when the scheduler keeps SCHED_COPIES copies.

        REFERENCE: ggml/src/ggml-backend.cpp `ggml_backend_sched_split_graph` (b6700-b6840): with
        n_copies > 1 every graph input and every split input a backend copies in from another one is
        duplicated n_copies times, flagged input+output "to prevent ggml-alloc from overwriting" it,
        and added to the graph as leafs "so that they are allocated first": the copies stay allocated
        for the whole graph. Into a GPU come the KQ masks and positions (graph inputs, built on the CPU),
        the residual stream from the CPU (token embeddings, first GPU) or from the previous GPU, and in
        every block the output of any op the GPU backend does not support, computed on the CPU (see
        CPU_ONLY_ACTIVATIONS). Check: Apertus-70B IQ4_XS on 2 x RX 7900 XTX, -c 20480 -fa on, printed
        "allocating 14136.04 MiB on device 0" for its compute buffer (ggml-org/llama.cpp#16725).
        """
        if not self.pipeline_parallel(spec):
            return 0
        n_ub = min(self.n_ctx(), self.ubatch())
        inputs = self.mask_bytes(spec) + F32 * n_ub * spec.hidden_size + 4 * n_ub  # masks, residual, pos
        if spec.mlp_activation in CPU_ONLY_ACTIVATIONS:
            inputs += len(stage.layers) * F32 * n_ub * spec.max_mlp_width
        return SCHED_COPIES * inputs

    def device_buffer(self, spec: ModelSpec, stages: tuple[Stage, ...], draft_context: bool = True) -> int:
        """The largest GPU compute buffer over the pipeline's GPUs; with `draft_context`, the speculative
        draft context's buffer counts on the GPU of the output layer."""
        pipeline = self.pipeline_parallel(spec)
        draft = self.draft_compute_bytes(spec) if draft_context else 0
        return max(
            self.buffers(spec, st.head, pipeline)[0]
            + self.pipeline_copies_bytes(spec, st)
            + (draft if st.head else 0)
            for st in stages
        )

    def peak(self, spec: ModelSpec, wl: Workload, static: StaticBytes, rs: Resolved) -> Peak:
        from llmsize.estimate.phases import Peak

        head = rs.stages[-1].head
        _, host, out = self.buffers(spec, head)
        device = self.device_buffer(spec, rs.stages)
        kv = static.kv_full
        # On the GPU: the CUDA0 compute buffer. The CUDA_Host compute buffer, the CPU output buffer and
        # the CPU layers' K/V are host RAM, outside the device total (llama_cpp_host.py).
        return Peak(
            phase="decode",
            kv_cache=kv,
            activations=device,
            gradients=0,
            optimizer=0,
            formula=(
                "llama.cpp compute buffer reserved at start on the GPU: one ubatch against the whole "
                "context (graph allocator); its host compute buffer and the f32 output buffer (vocabulary x "
                "sequences) are host RAM, outside the total"
            ),
            detail=(
                f"compute buffer {device:,} B on the GPU; in host RAM (not in the total): {host:,} B host "
                f"compute buffer, output buffer {out:,} B; "
                f"ubatch {min(self.n_ctx(), self.ubatch())}, n_ctx {self.n_ctx():,}, "
                f"flash attention {'on' if self.flash_attention() else 'off'}"
            ),
            low=device + kv + static.weights + static.adapters,
            high=device + kv + static.weights + static.adapters,
            host=host + out + self.host_kv_bytes(spec, wl, rs),
        )

    # --- placement of weights and figures -------------------------------------------------------------
    def cpu_expert_bytes(self, spec: ModelSpec, fmt: WeightFormat, stage: Stage) -> int:
        """Experts of the first --n-cpu-moe layers on this stage: they stay on the CPU."""
        if not self.wl.n_cpu_moe:
            return 0
        from llmsize.estimate.weights import shard_bytes, stage_shards

        cpu_layers = set(range(min(self.wl.n_cpu_moe, spec.num_layers)))
        total = 0
        for shard in stage_shards(spec, self.wl, stage):
            if shard.group.kind != "expert":
                continue
            mine = tuple(i for i in shard.layers if i in cpu_layers)
            if mine:
                part = shard.__class__(
                    shard.group,
                    shard.in_features,
                    shard.out_features,
                    shard.numel_each,
                    shard.bias_each,
                    mine,
                    shard.per_layer,
                    shard.per_layer * len(mine),
                )
                total += shard_bytes(spec, part, fmt)
        return total

    def place_weights(
        self, spec: ModelSpec, wl: Workload, fmt: WeightFormat, stage: Stage, device: int, all_stages: int
    ) -> WeightPlacement:
        """The busiest GPU's blocks (minus CPU experts); everything no GPU holds is host RAM. A loaded
        mmproj lies on the first GPU (clip.cpp picks the first GPU backend), not in host RAM."""
        from llmsize.estimate.weights import model_weight_bytes

        cpu_experts = self.cpu_expert_bytes(spec, fmt, stage)
        mmproj = self.mmproj_bytes(spec, wl, fmt)
        whole = model_weight_bytes(spec, fmt) - (_tower_in_model_bytes(spec, fmt) if mmproj else 0)
        projector = mmproj if stage.index == 0 else 0
        host = max(0, whole - all_stages + cpu_experts)
        detail = llama_cpp_host.placement_detail(device, cpu_experts, projector, host)
        return WeightPlacement(device - cpu_experts + projector, host, detail)

    def host_kv_bytes(self, spec: ModelSpec, wl: Workload, rs: Resolved) -> int:
        """The cache of the blocks left on the CPU (-ngl below the block count): llama.cpp keeps
        each layer's K/V with the layer (llama-kv-cache.cpp, offload_kqv)."""
        from llmsize.estimate.kv_cache import kv_cache_bytes

        on_gpu = {layer for st in rs.stages for layer in st.layers}
        cpu = [layer for layer in range(spec.num_layers) if layer not in on_gpu]
        return int(kv_cache_bytes(spec, wl, rs.kv_dtype, cpu)) if cpu else 0

    def figures(
        self, spec: ModelSpec, wl: Workload, weights: WeightPlacement, peak: Peak, rs: Resolved
    ) -> EngineFigures:
        from llmsize.estimate.result import EngineFigures

        head = rs.stages[-1].head
        _, host, out = self.buffers(spec, head)
        device = self.device_buffer(spec, rs.stages, draft_context=False)
        draft_compute = self.draft_compute_bytes(spec)
        draft_context = self.draft_context_bytes(spec, rs.kv_dtype)
        cells = self.n_ctx()
        kv_dtype = rs.kv_dtype
        layers = range(spec.num_layers)
        on_gpu = {layer for st in rs.stages for layer in st.layers}  # peak.kv_cache holds these
        state_layers = sum(1 for layer in on_gpu if spec.has_state(layer))
        state_slot = state_layers * self.state_bytes(spec, 4, 1)  # one sequence's R and S, f32
        state = wl.batch * state_slot
        kv_cells = peak.kv_cache - state - self.draft_kv_bytes(spec, kv_dtype)  # the target's cells
        kv_mib = kv_cells / MIB
        recurrent = (
            (
                f"llama_memory_recurrent: size = {state / MIB:7.2f} MiB ({wl.batch:6d} cells, "
                f"{state_layers:3d} layers, {wl.batch:2d} seqs), R (f32) and S (f32)",
            )
            if state
            else ()
        )
        # llama-kv-cache.cpp counts the layers it allocates: attention layers below
        # n_layer_kv_from_start (Gemma 3n / Gemma 4's KV-shared layers have none, spec.has_kv)
        kv_lines: tuple[str, ...] = (
            f"llama_kv_cache: size = {kv_mib:8.2f} MiB ({cells:6d} cells, {sum(map(spec.has_kv, layers)):3d} "
            f"layers, {wl.batch}/{wl.batch} seqs), K ({_ggml(kv_dtype)}) and V ({_ggml(kv_dtype)})",
        )
        kv_lines = self._iswa_lines(spec, wl, kv_dtype, sorted(on_gpu), kv_cells) or kv_lines
        if spec.compressed is not None:
            kv_lines = llama_cpp_dsv4.lines(
                spec, tuple(sorted(on_gpu)), self.kv_element_bytes(kv_dtype), _ggml(kv_dtype),
                cells // wl.batch, wl.batch, self.ubatch(),
            )
        # clip.cpp loads the mmproj into its own GPU buffer, not the text model's (tools/mtmd)
        mmproj = min(weights.device_bytes, self.mmproj_bytes(spec, wl, rs.weights.format))
        mmproj_lines = (f"load_hparams: model size: {mmproj / MIB:.2f} MiB",) if mmproj else ()
        draft_lines: tuple[str, ...] = ()
        if draft_context:
            what = "draft model" if str(wl.speculative).startswith("draft") else "MTP context"
            draft_lines = (f"[spec] estimated memory usage of {what} is {draft_context / MIB:.2f} MiB",)
        lines = (
            *draft_lines,
            *kv_lines,
            *recurrent,
            f"CUDA0 compute buffer size = {device / MIB:8.2f} MiB",
            f"CUDA_Host compute buffer size = {host / MIB:8.2f} MiB",
            f"CPU output buffer size = {out / MIB:8.2f} MiB",
            *mmproj_lines,
            f"CUDA0 model buffer size = {(weights.device_bytes - mmproj) / MIB:8.2f} MiB",
            f"CPU_Mapped model buffer size = {weights.host_bytes / MIB:8.2f} MiB",
        )
        return EngineFigures(
            engine=str(self.engine),
            version=self.version if spec.compressed is None else f"{self.version}; V4: {DSV4_RELEASE}",
            device_weights_bytes=weights.device_bytes,
            host_bytes=weights.host_bytes + host + out + self.host_kv_bytes(spec, wl, rs),
            host_weights_bytes=weights.host_bytes,
            host_kv_bytes=self.host_kv_bytes(spec, wl, rs),
            host_buffer_bytes=host + out,
            compute_buffer_bytes=device,
            output_buffer_bytes=out,
            draft_compute_bytes=draft_compute,
            draft_context_bytes=draft_context,
            kv_page_bytes=0,
            block_tokens=1,
            state_slot_bytes=state_slot,
            state_slots_per_request=1,
            kv_cells_bytes=kv_cells,
            mmproj_bytes=mmproj,
            lines=lines,
        )

    def _iswa_lines(
        self, spec: ModelSpec, wl: Workload, kv_dtype: str, on_gpu: list[int], kv_cells: int
    ) -> tuple[str, ...]:
        """The two caches of a model mixing full and sliding-window layers, as llama.cpp prints them:
        src/llama-kv-cache-iswa.cpp `llama_kv_cache_iswa` builds a non-SWA cache of n_ctx cells for
        the full-attention layers and a SWA cache of min(n_ctx, GGML_PAD(n_swa x n_seq_max + n_ubatch,
        256)) cells for the others, and each `llama_kv_cache` logs its own size line (ggml-org/
        llama.cpp#21730: "size = 2048.00 MiB (131072 cells, 4 layers, 1/1 seqs)" for Gemma 4 E4B's full
        layers). Empty when the model has one kind only."""
        from llmsize.estimate.kv_cache import kv_cache_bytes

        kv_layers = [layer for layer in on_gpu if spec.has_kv(layer)]
        full = [layer for layer in kv_layers if spec.layer_window(layer) is None]
        swa = [layer for layer in kv_layers if spec.layer_window(layer) is not None]
        if not full or not swa or spec.compressed is not None:
            return ()
        full_bytes = int(kv_cache_bytes(spec, wl, kv_dtype, full))
        window = max(int(spec.layer_window(layer) or 0) for layer in swa)
        swa_cells = int(self.tokens_held(window, wl.context, 0, wl.batch))
        t = _ggml(kv_dtype)
        seqs = f"{wl.batch}/{wl.batch} seqs"
        return (
            f"llama_kv_cache_iswa: creating non-SWA KV cache, size = {self.n_ctx()} cells",
            f"llama_kv_cache: size = {full_bytes / MIB:8.2f} MiB ({self.n_ctx():6d} cells, {len(full):3d} "
            f"layers, {seqs}), K ({t}) and V ({t})",
            f"llama_kv_cache_iswa: creating     SWA KV cache, size = {swa_cells} cells",
            f"llama_kv_cache: size = {(kv_cells - full_bytes) / MIB:8.2f} MiB ({swa_cells:6d} cells, "
            f"{len(swa):3d} layers, {seqs}), K ({t}) and V ({t})",
        )

    def budget(self, est: Estimate, total_bytes: int, wl: Workload, unified: bool = False) -> Budget:
        f = est.engine_figures
        # The total is the device's (llama_cpp_host.py); on unified memory (Apple silicon, DGX Spark)
        # the host-RAM part comes out of the same pool.
        need = llama_cpp_host.device_need(est.total_bytes, f.host_bytes if f is not None else 0, unified)
        reason = None
        if need > total_bytes:
            reason = (
                f"needs {format_gib(need)} of device memory where the GPU offers {format_gib(total_bytes)}; "
                "offload fewer layers (--gpu-layers) or experts (--n-cpu-moe)"
            )
        lines = f.lines if f is not None else ()
        return Budget(
            usable_bytes=total_bytes,
            need_bytes=need,
            reason=reason,
            kv_tokens=self.n_ctx(),
            kv_buffer_bytes=f.kv_cells_bytes if f is not None else None,  # the llama_kv_cache buffers
            # llama_memory_recurrent: one cell of R and S per sequence (n_seq_max), the RS buffer
            state_slots=wl.batch if f is not None and f.state_slot_bytes else None,
            state_pool_bytes=wl.batch * f.state_slot_bytes if f is not None and f.state_slot_bytes else None,
            lines=lines,
        )

    def offload_layers(self, est: Estimate, usable: int, num_layers: int) -> int | None:
        """Layers that fit the GPU (-ngl): weights and cache spread evenly over the blocks; the
        compute buffer and the CUDA context stay whatever the split (a rough split: real blocks
        differ slightly)."""
        f = est.engine_figures
        device_weights = f.device_weights_bytes if f is not None else est.weights_bytes
        buffers = f.compute_buffer_bytes + f.draft_compute_bytes if f is not None else est.activations_bytes
        fixed = buffers + est.overhead_bytes
        per_layer = (device_weights + est.kv_cache_bytes) / num_layers
        if per_layer <= 0:
            return num_layers
        return max(0, min(num_layers, int((usable - fixed) // per_layer)))

    def quant_options(self) -> tuple[str, ...]:
        return ("Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q3_K_M", "Q2_K")

    def notes(self, spec: ModelSpec, wl: Workload) -> tuple[str, ...]:
        n_ub = min(self.n_ctx(), self.ubatch())
        rows = self.logit_rows(spec)
        logits = (
            f"logits reserved for every token of the ubatch ({n_ub})"
            if rows is None
            else f"logits reserved for {min(rows, n_ub)} row(s) (llama-server n_outputs_max; "
            "--logits all for every token, as llama-bench, llama-cpp-python and builds before b9464)"
        )
        return (
            f"{self.describe()}: n_ctx {self.n_ctx():,} cells (--batch {wl.batch} slots x --context "
            f"{wl.context:,}, padded to {CELL_PAD}), ubatch {self.ubatch()}, flash attention "
            f"{'on' if self.flash_attention() else 'off'}; {logits}; token embeddings in host RAM "
            "(CPU_Mapped), outside the GPU total",
        )


def _gguf_file(fmt: WeightFormat) -> bool:
    """Whether llama.cpp runs `fmt` as a GGUF of the text model: a GGUF type, or a float checkpoint
    (convert_hf_to_gguf.py writes it as an F16/BF16 GGUF, the tower only with --mmproj)."""
    from llmsize.specs.models import QuantMethod

    return fmt.quant in (QuantMethod.GGUF, None)


def _tower_in_model_bytes(spec: ModelSpec, fmt: WeightFormat) -> int:
    """What estimate/weights.py counts for the tower's parameters ("other.extra") when they are loaded:
    F16 in a GGUF, the checkpoint's float type otherwise; the mmproj file replaces them."""
    from llmsize.specs.models import QuantMethod
    from llmsize.units import bytes_per_element

    if fmt.quant == QuantMethod.GGUF:
        return spec.extra_params * 2
    return int(spec.extra_params * bytes_per_element(fmt.dtype))


def mmproj_loaded(wl: Workload) -> bool:
    """Whether llama-server runs with its --mmproj file: said so (`mmproj`), else exactly when the
    request sends images, audio or video (tools/mtmd refuses media without it)."""
    if wl.mmproj is not None:
        return wl.mmproj
    return bool(wl.images or wl.audio_seconds or wl.video_frames)


def old_mla_gguf(spec: ModelSpec) -> bool:
    """A GGUF of an MLA model whose tensors have no split `attn_k_b` (converted before #12801)."""
    ck = spec.checkpoint
    if not spec.is_mla or ck is None or ck.format != "gguf" or not ck.tensors:
        return False
    return not any(t.name.endswith("attn_k_b.weight") for t in ck.tensors)


def _ggml(kv_dtype: str) -> str:
    return {"fp16": "f16", "fp32": "f32", "bf16": "bf16"}.get(kv_dtype, kv_dtype)


def _block_stream_extra(spec: ModelSpec, n_ub: int) -> int:
    """f32 tensors Gemma 3n / Gemma 4 E-model graphs keep beside a plain block for every block.

    REFERENCE: llama.cpp src/models/gemma3n-iswa.cpp: `inp_per_layer` ([p, n_tokens, n_layer], made
    contiguous once and sliced by every block) and AltUp's n-wide stream: the block input `inpL`,
    `predictions` and `corrected`, each [n_embd, n_tokens, n_altup], live together at the FFN.
    """
    extra = spec.num_layers * spec.per_layer_input_size
    if spec.altup_inputs > 1:
        extra += 3 * spec.altup_inputs * spec.hidden_size - 2 * spec.hidden_size  # 2h already counted
    return F32 * n_ub * extra
