"""llama.cpp (llama-server / llama-cli): cells allocated up front, a graph allocator's compute buffer.

Modelled release: llama-server b9464 and later (June 2026: the prompt graph reserved for one row of
logits per slot, ggml-org/llama.cpp#23861); the other rules were read at b6700 (October 2025:
`--flash-attn auto` by default, unified KV cells shared by the parallel slots) and hold in the
current src/llama-context.cpp. Sources (ggml-org/llama.cpp):
- context, `src/llama-context.cpp` `llama_context::llama_context`: n_ctx (here --batch x --context:
  the slots share one unified cache) is padded to 256 cells (`GGML_PAD(n_ctx, 256)`, the KV size
  padding of `llama_kv_cache`; older builds by era, llama_cpp_cell_pad.py);
  n_ubatch (default 512) and n_batch (default 2048, common/common.h)
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

The engine's rules live beside it, one job each: llama_cpp_speed.py (the speed profiles of the
current and older builds), llama_cpp_buffers.py (compute and output buffers of the reserved graph),
llama_cpp_draft.py (the speculative draft context), llama_cpp_placement.py (layer split, --n-cpu-moe,
the CPU blocks' cache), llama_cpp_mmproj.py (the mmproj file) and llama_cpp_figures.py (EngineFigures
and the log lines); LlamaCpp's methods are their one entry point, so Ollama's overrides reach them.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar

from llmsize.errors import BadInputError
from llmsize.estimate import arrays as np  # numpy only for sweeps (issue 15)
from llmsize.estimate.engines import (
    llama_cpp_buffers,
    llama_cpp_cell_pad,
    llama_cpp_context,
    llama_cpp_cpu_moe_splits,
    llama_cpp_download,
    llama_cpp_draft,
    llama_cpp_dsv4,
    llama_cpp_fa_default,
    llama_cpp_fattn_span,
    llama_cpp_figures,
    llama_cpp_host,
    llama_cpp_logits,
    llama_cpp_mla,
    llama_cpp_mmid_host,
    llama_cpp_mmproj,
    llama_cpp_op_offload,
    llama_cpp_placement,
    llama_cpp_scores,
    llama_cpp_sycl,
    llama_cpp_sycl_ssm_host,
    llama_cpp_vulkan_amd_tiles,
    llama_cpp_vulkan_mmid,
    server_releases,
)
from llmsize.estimate.engines.base import BaseEngine, Budget, WeightPlacement, pad
from llmsize.estimate.engines.llama_cpp_buffers import (
    CPU_ONLY_ACTIVATIONS,
    F16_MASK_BUILD,
    F32,
    MASK_PAD,
    OUTPUT_CAP_BUILD,
    SCHED_COPIES,
)
from llmsize.estimate.engines.llama_cpp_figures import DSV4_RELEASE
from llmsize.estimate.engines.llama_cpp_intel_backend import intel_default_backend
from llmsize.estimate.engines.llama_cpp_mmproj import mmproj_loaded
from llmsize.estimate.engines.llama_cpp_speed import (
    FUSION_SPEED,
    GDN_CHUNKED_SPEED,
    GDN_UNFUSED_SPEED,
    HIP_LAUNCH_S,
    HIP_NO_GRAPHS_SPEED,
    LEGACY_SPEED,
    METAL_SIMDGROUP_SPEED,
    MMVQ_QUANTIZE_PER_DENSE_LAYER,
    SPEED,
    fusion_engine,
    gdn_speed_name,
)
from llmsize.estimate.engines.llama_cpp_unfused_decode import unfused_decode_factor
from llmsize.estimate.engines.speed_profile import EngineSpeedProfile
from llmsize.estimate.workload import Engine, FlashAttn, Workload
from llmsize.units import format_gib

if TYPE_CHECKING:
    from llmsize.estimate.kv_cache import KvTerm
    from llmsize.estimate.phases import Peak, StaticBytes
    from llmsize.estimate.placement import Stage
    from llmsize.estimate.resolved import Resolved
    from llmsize.estimate.result import EngineFigures, Estimate
    from llmsize.specs.models import ModelSpec, WeightFormat

# The names other modules, tests and bench import from here (their homes are the modules above).
__all__ = [
    "CELL_PAD",
    "CPU_ONLY_ACTIVATIONS",
    "DSV4_RELEASE",
    "F16_MASK_BUILD",
    "F32",
    "FUSION_SPEED",
    "GDN_CHUNKED_SPEED",
    "GDN_UNFUSED_SPEED",
    "HIP_LAUNCH_S",
    "HIP_NO_GRAPHS_SPEED",
    "LEGACY_SPEED",
    "LLAMA_CPP_VERSION_MODELLED",
    "MASK_PAD",
    "METAL_SIMDGROUP_SPEED",
    "MMVQ_QUANTIZE_PER_DENSE_LAYER",
    "N_BATCH",
    "OUTPUT_CAP_BUILD",
    "SCHED_COPIES",
    "SPEED",
    "UBATCH",
    "LlamaCpp",
    "fusion_engine",
    "gdn_speed_name",
    "mmproj_loaded",
    "old_mla_gguf",
]

LLAMA_CPP_VERSION_MODELLED = "b9464"
CELL_PAD = 256  # REFERENCE: llama-kv-cache.cpp / llama-context.cpp: KV size padded to 256 cells
UBATCH = 512  # REFERENCE: common/common.h n_ubatch = 512
N_BATCH = 2048  # REFERENCE: common/common.h n_batch = 2048


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
        {"ubatch", "n_batch", "flash_attn", "gpu_layers", "n_cpu_moe", "op_offload", "speculative",
         "engine_version"}
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
    def gpu_defaults(
        self, wl: Workload, total_bytes: int, gpu_name: str, architecture: str = "", segment: str = "",
        compute_units: int | None = None, interconnect: str = "", vendor: str = "",
    ) -> Workload:
        """--backend auto on an Intel GPU is ggml's Vulkan backend (llama_cpp_intel_backend.py)."""
        wl = super().gpu_defaults(wl, total_bytes, gpu_name, architecture, segment, compute_units,
                                  interconnect, vendor)
        return intel_default_backend(wl, vendor, architecture)

    def ubatch(self) -> int:
        """n_ubatch as llama.cpp clamps it: min(n_ubatch, n_batch), n_batch itself at most n_ctx with
        causal attention (src/llama-context.cpp `llama_context::llama_context`: `cparams.n_batch =
        causal_attn ? min(n_ctx, n_batch) : n_batch; cparams.n_ubatch = min(cparams.n_batch,
        n_ubatch)`), so `-b 128` alone runs ubatches of 128 tokens (docs/backend/hexagon/developer.md)."""
        n_batch = min(self.wl.n_batch or N_BATCH, self.n_ctx())
        return min(self.wl.ubatch or UBATCH, n_batch)

    def prefill_chunk(self, spec: ModelSpec | None = None) -> int | None:
        """A prompt runs in ubatches of n_ubatch tokens (llama-bench -ub, llama-server --ubatch-size):
        src/llama-context.cpp, llama_context::decode splits each batch with n_ubatch."""
        del spec
        return self.ubatch()

    def flash_attention(self) -> bool:
        """--flash-attn auto turns it on where the backend supports the model (CUDA and Metal do); left
        unset on a build before PR #15434 it is off, -fa being an off-by-default switch then
        (llama_cpp_fa_default.py)."""
        if self.wl.flash_attn is FlashAttn.AUTO:
            return llama_cpp_fa_default.default_flash_attention(self.build())
        return self.wl.flash_attn is FlashAttn.ON

    def prefill_score_bytes(self, spec: ModelSpec, prompt_tokens: int) -> int:
        """Without flash attention each ubatch writes its F32 scores and reads them back
        (llama_cpp_scores.py)."""
        if self.flash_attention():
            return 0
        elements = llama_cpp_scores.materialized_score_elements(spec, prompt_tokens, self.ubatch())
        return elements * llama_cpp_scores.SCORE_BYTES_PER_ELEMENT

    def decode_kv_read_factor(self, spec: ModelSpec) -> float:
        """Without flash attention each query head's mat-vec reads its KV head: the bytes a step moves per
        byte of an F16/F32 cache (llama_cpp_unfused_decode.py; the speed profile of the build says whether
        its kernels do so). 0 with flash attention, for MLA and for a quantized K cache (not modelled)."""
        if self.flash_attention():
            return 0.0
        return unfused_decode_factor(spec, self.wl)

    def prefill_mla_absorbed(self, spec: ModelSpec) -> bool:
        """An MLA prompt runs in the latent form, as its decode does (llama_cpp_mla.py)."""
        return llama_cpp_mla.prompt_runs_absorbed(spec)

    def prefill_attention_pairs(self, spec: ModelSpec, tokens: int, window: int | None) -> int | None:
        """A sliding layer scores every cell of the ubatch's SWA view, masked (llama_cpp_fattn_span.py);
        full layers keep the causal count their fitted shares were set with."""
        if window is None:
            return None
        kept = self.memory_window(spec, window)
        return llama_cpp_fattn_span.prompt_pairs(
            tokens, self.ubatch(), lambda end: int(self.tokens_held(kept, end, 0, 1))
        )

    def prefill_logits_every_token(self) -> bool:
        """Builds before PR #6122 ran the LM head on every prompt token (llama_cpp_logits.py)."""
        return self.engine is Engine.LLAMA_CPP and llama_cpp_logits.head_on_every_prompt_token(self.build())

    def prefill_expert_loop(self) -> bool:
        """ggml-cuda (CUDA and HIP, not Vulkan or SYCL) loops a prompt's MUL_MAT_ID over the experts when its
        grouped kernels refuse it (llama_cpp_mmid_host.py; the GPU's architecture decides what that costs)."""
        return self.engine is Engine.LLAMA_CPP and str(self.wl.backend) not in ("vulkan", "sycl")

    def prefill_quantized_loop(self) -> bool:
        """HIP builds before PR #17576 loop quantized experts too on RDNA (llama_cpp_mmid_host.py)."""
        return self.prefill_expert_loop() and llama_cpp_mmid_host.loops_experts(self.build())

    def prefill_before_amd_large_tile(self) -> bool:
        """Vulkan builds before PR #18749 ran AMD coopmat MUL_MAT on the medium tile
        (llama_cpp_vulkan_amd_tiles.py)."""
        return (self.engine is Engine.LLAMA_CPP and str(self.wl.backend) == "vulkan"
                and not llama_cpp_vulkan_amd_tiles.runs_large_tile(self.build()))

    def prefill_host_helper(self) -> bool:
        """Builds before PR #15525 grouped each MUL_MAT_ID's tokens on the host (llama_cpp_mmid_host.py)."""
        return self.prefill_expert_loop() and llama_cpp_mmid_host.host_helper(self.build())

    def copies_used_experts_only(self) -> bool:
        """Builds from PR #15346 copy only the experts a ubatch picked of a host MUL_MAT_ID weight, earlier
        ones the whole tensor (llama_cpp_op_upload.py)."""
        from llmsize.estimate.engines.llama_cpp_op_upload import copies_used_experts_only

        return copies_used_experts_only(self.build())

    def n_ctx(self) -> int:
        return int(pad(self.wl.context * self.wl.batch, self.cell_pad()))

    def cell_pad(self) -> int:
        """The cells the KV cache is padded to: 256 today, 32 without flash attention before PR #16812
        (llama_cpp_cell_pad.py)."""
        return llama_cpp_cell_pad.cell_pad(self.build(), self.flash_attention())

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

    def host_ops_offloaded(self, spec: ModelSpec) -> bool:
        """Builds before ggml's op offload ran a host block's ops on the CPU whatever the batch
        (llama_cpp_op_offload.build_offloads_ops); later ones follow --no-op-offload."""
        return llama_cpp_op_offload.build_offloads_ops(self.build()) and super().host_ops_offloaded(spec)

    def release_asked(self) -> str | None:
        build = self.build()  # the logits and mask rules follow the build (logit_rows, mask_element_bytes)
        return None if build is None else f"b{build}"

    def speed_name(self, spec: ModelSpec | None = None) -> str:
        """On CUDA the speed profile of the build asked for: its CUDA fusions set the kernels a decode step
        launches (llama_cpp_fusion.py; the current build when --engine-version is not given). Vulkan keeps
        its own profile (llama_cpp_vulkan.vulkan_engine). A Gated DeltaNet model (`spec`) on a build that
        decoded it chunked or unfused takes that era's profile (gdn_speed_name)."""
        vulkan = str(self.wl.backend) == "vulkan"
        gdn = gdn_speed_name(spec, self.build(), vulkan) if spec is not None else None
        if gdn is not None:
            return gdn  # on Vulkan, llama_cpp_vulkan.vulkan_gdn_engine maps it to its Vulkan twin
        if str(self.wl.backend) == "sycl":
            # Builds before PR #23142 scan the routing once per expert in a prompt's MUL_MAT_ID.
            return llama_cpp_sycl.sycl_build_engine(self.build())
        if vulkan:
            # Builds before PR #18352 walk the routing ids in every expert GEMM workgroup of a prompt.
            walks = llama_cpp_vulkan_mmid.walks_ids(self.build())
            return llama_cpp_vulkan_mmid.WALK_ENGINE if walks else str(self.engine)
        return fusion_engine(self.build())

    def decode_host_splits(self, spec: ModelSpec) -> tuple[int, int, int]:
        """SYCL builds before PR #22149 run each Mamba-2 layer's SSM_SCAN on the CPU between two graph
        splits (llama_cpp_sycl_ssm_host.py); --n-cpu-moe cuts each host-expert layer twice
        (llama_cpp_cpu_moe_splits.py); otherwise the decode stays on the GPU."""
        wl = self.wl
        moe = llama_cpp_cpu_moe_splits.decode_splits(spec, wl.n_cpu_moe, wl.batch, wl.gpu_layers)
        if str(self.wl.backend) != "sycl" or not llama_cpp_sycl_ssm_host.scans_on_host(self.build()):
            return moe
        splits = llama_cpp_sycl_ssm_host.decode_splits(spec, self.wl.batch)
        return (splits.round_trips + moe[0], splits.link_bytes + moe[1], splits.host_bytes + moe[2])

    # --- validation and weights ---------------------------------------------------------------------
    def validate(self, spec: ModelSpec, wl: Workload) -> None:
        super().validate(spec, wl)
        self.build()  # a bad --engine-version exits 2 here
        if str(wl.backend) == "sycl" and self.engine is not Engine.LLAMA_CPP:
            raise BadInputError(  # Ollama builds ggml's CUDA, ROCm, Metal and Vulkan backends, not SYCL
                f"{self.label} has no SYCL backend", hint="use --backend vulkan, or --engine llama.cpp"
            )
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
        if wl.kv_dtype is not None and str(wl.kv_dtype) in ("q8_0", "q4_0") and not self.flash_attention():
            # REFERENCE: llama-context.cpp llama_init_from_model: "V cache quantization requires flash_attn"
            old = wl.flash_attn is FlashAttn.AUTO  # unset on a build before --flash-attn auto
            raise BadInputError(
                f"{self.label} refuses a quantized V cache ({wl.kv_dtype}) without flash attention"
                + (f" (build b{self.build()} predates --flash-attn auto, PR #15434: -fa was off unless given)"
                   if old else ""),
                hint="use --flash-attn on, or --kv-dtype fp16" if old
                else "use --flash-attn on (or auto), or --kv-dtype fp16",
            )

    def format_hint(self, fmt: WeightFormat) -> str:
        from llmsize.estimate.quant_formats import OWN_RUNTIME

        if (runtime := OWN_RUNTIME.get(str(fmt.quant))) is not None:
            # `fit Qwen3-32B-MLX-4bit --gpu M4-Max` was told "or use --engine vllm", which refuses MLX too
            # (issue 15, round 6)
            return (f"size the GGUF instead (--quant Q4_K_M, Q8_0, ...); {fmt.label()} weights run in "
                    f"{runtime}, which llmsize does not model (--engine transformers sizes the file's bytes)")
        return "size the GGUF instead (--quant Q4_K_M, Q8_0, ...) or use --engine vllm"

    def compute_dtype(self, fmt: WeightFormat, default: str) -> str:
        del fmt, default
        return "fp16"

    def default_kv_dtype(self, compute: str) -> str:
        del compute
        return "fp16"  # --cache-type-k/-v f16

    def stages(self, spec: ModelSpec, wl: Workload) -> tuple[Stage, ...]:
        """The blocks each GPU holds, the output layer on the last when offloaded (llama_cpp_placement.py)."""
        return llama_cpp_placement.stages(spec, wl)

    def placement_key(self, spec: ModelSpec, wl: Workload) -> tuple[object, ...]:
        """What the estimate reads of a layout: its block split (llama_cpp_placement.placement_key)."""
        return llama_cpp_placement.placement_key(spec, wl)

    def load_format(self, spec: ModelSpec, wl: Workload, rest: str) -> tuple[WeightFormat, str] | None:
        """A safetensors checkpoint named without a quantization runs as the GGUF `-hf` downloads: Q4_K_M,
        or MXFP4_MOE for gpt-oss (llama_cpp_download.py)."""
        return llama_cpp_download.hf_download_format(spec, wl, rest)

    # --- cache ----------------------------------------------------------------------------------------
    def separate_mmproj(self, spec: ModelSpec, wl: Workload, fmt: WeightFormat) -> bool:
        """Whether the vision tower is the mmproj file llama-server leaves unloaded (llama_cpp_mmproj.py)."""
        return llama_cpp_mmproj.separate_mmproj(spec, wl, fmt)

    def loads_towers(self, wl: Workload) -> bool:
        """No: a GGUF text file has no tower (it is the separate mmproj, llama_cpp_mmproj.py), and the
        weight shares of a decode step are counted on the text model's groups; Ollama's files too."""
        del wl
        return False

    def mmproj_bytes(self, spec: ModelSpec, wl: Workload, fmt: WeightFormat) -> int:
        """The loaded mmproj file's weights, 0 when none is loaded (llama_cpp_mmproj.py)."""
        return llama_cpp_mmproj.mmproj_bytes(spec, wl, fmt)

    def tokens_held(self, window: int | None, tokens: Any, prefill: Any, batch: Any) -> Any:
        """Cells for all sequences at once, allocated for the whole context up front."""
        del prefill
        cell_pad = self.cell_pad()
        cells = pad(tokens * batch, cell_pad)
        if window is None:
            return cells
        return np.minimum(cells, pad(window * batch + self.ubatch(), cell_pad))

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
        """The model the draft context runs (llama_cpp_draft.py)."""
        return llama_cpp_draft.draft_graph(self, spec)

    def draft_compute_bytes(self, spec: ModelSpec) -> int:
        """The draft context's compute buffer (llama_cpp_draft.py)."""
        return llama_cpp_draft.draft_compute_bytes(self, spec)

    def draft_kv_bytes(self, spec: ModelSpec, kv_dtype: str) -> int:
        """The draft context's own cells (llama_cpp_draft.py)."""
        return llama_cpp_draft.draft_kv_bytes(self, spec, kv_dtype)

    def draft_context_bytes(self, spec: ModelSpec, kv_dtype: str) -> int:
        """What llama-server logs as the draft / MTP context's memory (llama_cpp_draft.py)."""
        return llama_cpp_draft.draft_context_bytes(self, spec, kv_dtype)

    # --- compute and output buffers -------------------------------------------------------------------
    def logit_rows(self, spec: ModelSpec) -> int | None:
        """The rows of logits the prompt graph is reserved for; None: every token (llama_cpp_buffers.py)."""
        return llama_cpp_buffers.logit_rows(self, spec)

    def buffers(
        self,
        spec: ModelSpec,
        head_on_device: bool,
        pipeline: bool = False,
        outputs: int | None = None,
        offload: bool = True,
    ) -> tuple[int, int, int]:
        """(device compute buffer, host compute buffer, output buffer) in bytes (llama_cpp_buffers.py).

        Kept per engine object: one estimate asks for the same buffers in `peak` and again in `figures`
        (issue 15: `fit --all --engine llama.cpp` on a 16 GB card sized them four times an estimate)."""
        key = (id(spec), head_on_device, pipeline, outputs, offload)
        seen = self.__dict__.setdefault("_buffers_seen", {})
        hit = seen.get(key)
        if hit is not None and hit[0] is spec:
            sizes: tuple[int, int, int] = hit[1]
            return sizes
        sizes = llama_cpp_buffers.buffers(self, spec, head_on_device, pipeline, outputs, offload)
        seen[key] = (spec, sizes)
        return sizes

    def mask_element_bytes(self) -> int:
        """Bytes per KQ-mask cell (llama_cpp_buffers.py)."""
        return llama_cpp_buffers.mask_element_bytes(self)

    def mask_bytes(self, spec: ModelSpec) -> int:
        """The KQ masks of one ubatch, one per distinct window (llama_cpp_buffers.py)."""
        return llama_cpp_buffers.mask_bytes(self, spec)

    def kv_streams(self) -> int:
        """KV streams: 1 for the unified cache the parallel slots share (llama-server's default here).

        REFERENCE: src/llama-graph.cpp `build_attn_inp_kv`: the mask is [n_kv, n_tokens / n_stream, 1,
        n_stream] with n_kv the cells of one stream, so a split cache's masks and scores cover one
        stream's cells per token.
        """
        return 1

    def pipeline_parallel(self, spec: ModelSpec) -> bool:
        """Whether the scheduler keeps SCHED_COPIES graph copies (llama_cpp_buffers.py)."""
        return llama_cpp_buffers.pipeline_parallel(self, spec)

    def pipeline_copies_bytes(self, spec: ModelSpec, stage: Stage) -> int:
        """What one GPU holds for the whole graph under pipeline parallelism (llama_cpp_buffers.py)."""
        return llama_cpp_buffers.pipeline_copies_bytes(self, spec, stage)

    def device_buffer(self, spec: ModelSpec, stages: tuple[Stage, ...], draft_context: bool = True) -> int:
        """The largest GPU compute buffer over the pipeline's GPUs (llama_cpp_buffers.py)."""
        return llama_cpp_buffers.device_buffer(self, spec, stages, draft_context)

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
        """Experts of the first --n-cpu-moe layers on this stage, kept on the CPU (llama_cpp_placement.py)."""
        return llama_cpp_placement.cpu_expert_bytes(self, spec, fmt, stage)

    def place_weights(
        self, spec: ModelSpec, wl: Workload, fmt: WeightFormat, stage: Stage, device: int, all_stages: int
    ) -> WeightPlacement:
        """The busiest GPU's weights and the host RAM's (llama_cpp_placement.py)."""
        return llama_cpp_placement.place_weights(self, spec, wl, fmt, stage, device, all_stages)

    def host_kv_bytes(self, spec: ModelSpec, wl: Workload, rs: Resolved) -> int:
        """The cache of the blocks left on the CPU (llama_cpp_placement.py); kept for the last
        (spec, workload, resolved) asked, which `peak` and `figures` of one estimate share (issue 15)."""
        last = self.__dict__.get("_host_kv_last")
        if last is not None and last[0] is spec and last[1] is wl and last[2] is rs:
            kept: int = last[3]
            return kept
        value = llama_cpp_placement.host_kv_bytes(spec, wl, rs)
        self.__dict__["_host_kv_last"] = (spec, wl, rs, value)
        return value

    def figures(
        self, spec: ModelSpec, wl: Workload, weights: WeightPlacement, peak: Peak, rs: Resolved
    ) -> EngineFigures:
        """The buffers and cells llama.cpp reports, with its log lines (llama_cpp_figures.py)."""
        return llama_cpp_figures.figures(self, spec, wl, weights, peak, rs)

    def budget(self, est: Estimate, total_bytes: int, wl: Workload, unified: bool = False) -> Budget:
        f = est.engine_figures
        # The total is the device's (llama_cpp_host.py); where the GPU's budget is the whole unified pool
        # (DGX Spark: `unified`, GpuSpec.host_ram_in_budget) the host-RAM part comes out of it too.
        need = llama_cpp_host.device_need(est.total_bytes, f.host_bytes if f is not None else 0, unified,
                                          f.duplicated_weights_bytes if f is not None else 0)
        reason = None
        if need > total_bytes:
            advice = self._offload_advice(wl, moe=est.active_params < est.params)
            reason = (f"needs {format_gib(need)} of device memory where the GPU offers "
                      f"{format_gib(total_bytes)}; {advice}")
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

    def _offload_advice(self, wl: Workload, moe: bool) -> str:
        """What to change, worded for what the user set: "lower --gpu-layers" read as an instruction to
        someone who had set no --gpu-layers at all (issue 15, newcomer round 15). --n-cpu-moe only where
        the engine takes it (Ollama does not: ollama.py reads_options) and the model has experts."""
        cpu_moe = moe and "n_cpu_moe" in self.reads_options
        if wl.gpu_layers is not None:
            return f"lower --gpu-layers (now {wl.gpu_layers}; fewer layers on the GPU)"
        if cpu_moe and wl.n_cpu_moe is not None:
            return f"raise --n-cpu-moe (now {wl.n_cpu_moe}; more experts in RAM) or set --gpu-layers N"
        layers = "--gpu-layers N keeps only N layers on the GPU"
        return layers + (" or --n-cpu-moe N keeps the experts of N layers in CPU RAM" if cpu_moe else "")

    def format_free_need(self, est: Estimate) -> int:
        """The K/V cache on the GPU: no weight format changes it, so no format fits where it alone is
        over the card. Its cells are f16 whatever the weights (compute_dtype, default_kv_dtype: -ctk/-ctv
        f16 unless the workload names another), recurrent state f32 (state_bytes), on the blocks
        `stages` places from --gpu-layers alone; and the need, the device total (budget), holds it."""
        return est.kv_cache_bytes

    def offload_layers(self, est: Estimate, usable: int, num_layers: int) -> int | None:
        """Layers that fit the GPU (-ngl) (llama_cpp_placement.py)."""
        return llama_cpp_placement.offload_layers(est, usable, num_layers)

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
        cells = self.cell_pad()
        fa = "on" if self.flash_attention() else "off"
        if self.wl.flash_attn is FlashAttn.AUTO and llama_cpp_fa_default.predates_auto(self.build()):
            fa += " (this build's default: -fa was an off-by-default switch before PR #15434)"
        return (
            f"{self.describe()}: n_ctx {self.n_ctx():,} cells (--batch {wl.batch} slots x --context "
            f"{wl.context:,}, {f'padded to {cells}' if cells > 1 else 'unpadded'}), ubatch {self.ubatch()}, "
            f"flash attention {fa}; {logits}; token embeddings in host RAM "
            "(CPU_Mapped), outside the GPU total",
            *self.unset_context_notes(spec, wl),
        )

    def unset_context_notes(self, spec: ModelSpec, wl: Workload) -> tuple[str, ...]:
        """llama-server without `-c` takes the trained context, fitted to 4,096 (llama_cpp_context.py)."""
        return llama_cpp_context.unset_ctx_note(spec, wl)


def old_mla_gguf(spec: ModelSpec) -> bool:
    """A GGUF of an MLA model whose tensors have no split `attn_k_b` (converted before #12801)."""
    ck = spec.checkpoint
    if not spec.is_mla or ck is None or ck.format != "gguf" or not ck.tensors:
        return False
    return not any(t.name.endswith("attn_k_b.weight") for t in ck.tensors)
