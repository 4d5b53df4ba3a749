"""Ollama: llama-server underneath, with Ollama's own defaults and the GGUF its tags resolve to.

Modelled release: Ollama 0.33 (ollama/ollama at fb30760, August 2026), which launches llama.cpp's
`llama-server` (llm/llama_server.go `NewLlamaServer`). Rules, each with its source:
- the tag: Ollama's library serves one GGUF per tag, Q4_K_M unless the tag names another type
  (e.g. `qwen2.5:7b-instruct-q8_0`) or the library publishes another default (llama3: Q4_0;
  gpt-oss: its MXFP4 experts as released); specs/ollama.py resolves the tag to that file, and this
  engine sizes a Hugging Face name run under `--engine ollama` as its Q4_K_M GGUF.
- context: `-c NumCtx x numParallel` and `-np numParallel` (llm/llama_server.go) without
  `--kv-unified`: one KV stream per slot (full layers: NumCtx cells each; sliding layers: their
  window + a ubatch each, where llama.cpp's unified cache shares one window + ubatch). NumCtx is
  OLLAMA_CONTEXT_LENGTH, else a VRAM tier (server/routes.go `Serve`: 262,144 tokens with >= 47 GiB
  of VRAM, 32,768 with >= 23 GiB, else 4,096), capped at the model's trained context
  (server/routes.go); OLLAMA_NUM_PARALLEL defaults to 1 (envconfig/config.go).
- batch: NumBatch 512 passed as `-b 512 -ub 512` (api/types.go DefaultOptions, appendBatchArgs).
- flash attention: OLLAMA_FLASH_ATTENTION when set, else `--flash-attn auto` on GPUs that support
  it (`LlamaServerFlashAttention`); the KV type is OLLAMA_KV_CACHE_TYPE (f16 by default).
- layers: `-ngl` only when num_gpu is set; by default llama-server fits the layers itself.
- logits: its llama-server (b9479 and later from v0.30.1, LLAMA_CPP_VERSION) reserves numParallel
  rows of logits (ggml-org/llama.cpp#23861, LlamaCpp.logit_rows); v0.30.0 (b9452) reserved a row for
  every token of the ubatch, which `--logits all` sizes.
Older releases (before the llama-server runner) estimated layers in llm/memory.go and defaulted
to a 2,048-token (< 0.6.7) or 4,096-token (< 0.15.5) context (release_default_context).
Speed (issue 11): the layers Ollama keeps on the GPU when a model does not fit (ollama_offload.py),
its flash-attention default by release (ollama_flash.py) and its own speed profile by release (SPEED,
OWN_RUNNER_SPEED, speed_name), with the M1 generation's own Metal share (METAL_2026_M1_GGUF_BANDWIDTH).
Runner: Ollama starts its MLX runner (x/mlxrunner, Apple silicon from v0.19) only for a model stored as
safetensors (server/images.go Model.IsMLX: Config.ModelFormat == "safetensors"; server/sched.go load
calls mlxrunner.NewClient, else llama-server); a GGUF tag, the library's Q4_K_M default among them, runs
llama-server on macOS too, so llmsize models GGUF tags only and does not model the MLX runner's speed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from llmsize.errors import BadInputError
from llmsize.estimate import arrays as np  # numpy only for sweeps (issue 15)
from llmsize.estimate.engines import (
    llama_cpp_download,
    llama_cpp_host,
    llama_cpp_placement,
    llama_cpp_scores,
    ollama_estimator_graph,
    ollama_fattn_host,
    ollama_gdn,
    ollama_go_mask,
    ollama_mla_cache,
    ollama_op_offload,
    ollama_recurrent,
    ollama_sampling,
    server_releases,
)
from llmsize.estimate.engines import ollama_mmid_copies as mmid_copies
from llmsize.estimate.engines.base import WeightPlacement, pad
from llmsize.estimate.engines.llama_cpp import CELL_PAD, LlamaCpp
from llmsize.estimate.engines.llama_cpp_unfused_decode import unfused_decode_factor
from llmsize.estimate.engines.ollama_context import cap_warning, caps_context, served_workload
from llmsize.estimate.engines.ollama_flash import default_flash_attention, served_flash
from llmsize.estimate.engines.ollama_graph import (
    GRAPH_REBUILD_PER_LAYER_S,
    UNFUSED_NORM_KERNELS_PER_LAYER,
    norms_unfused,
    rebuilds_graph,
)
from llmsize.estimate.engines.ollama_mmid_sync import moe_layer_host_seconds
from llmsize.estimate.engines.ollama_offload import (
    FITTER_RELEASE,
    MINIMUM_MEMORY_BYTES,
    MMPROJ_HEADROOM_BYTES,
    auto_layers,
    fit_margin_bytes,
    fits_by_allocation,
    own_estimator_gptoss_graph_bytes,
    own_estimator_graph_bytes,
    projector_bytes,
)
from llmsize.estimate.engines.ollama_sampling import runs_go_engine, sampling_seconds
from llmsize.estimate.engines.ollama_vendored import UNFUSED_DECODE_PER_QUERY_HEAD, e54_kernels, vendors_e54
from llmsize.estimate.engines.ollama_vulkan_release import vulkan_release_note
from llmsize.estimate.engines.speed_profile import EngineSpeedProfile
from llmsize.estimate.workload import Engine, FlashAttn, Workload
from llmsize.specs.ollama import DEFAULT_QUANT as OLLAMA_DEFAULT_GGUF
from llmsize.specs.ollama import (
    library_of_model_type,
    library_tag,
    own_engine_keeps_windows,
    own_engine_window,
    published_format,
    with_go_counter,
)
from llmsize.units import GIB

if TYPE_CHECKING:
    from collections.abc import Callable
    from fractions import Fraction

    from llmsize.estimate.phases import Peak
    from llmsize.estimate.placement import Stage
    from llmsize.estimate.resolved import Resolved
    from llmsize.estimate.result import EngineFigures, Estimate
    from llmsize.specs.models import ModelSpec, WeightFormat

OLLAMA_VERSION_MODELLED = "0.33"
NUM_BATCH = 512  # REFERENCE: ollama api/types.go DefaultOptions NumBatch 512 (-b and -ub)
# REFERENCE: ollama server/routes.go Serve: default NumCtx by total VRAM (thresholds 47 and 23 GiB).
# REFERENCE: ollama/ollama commit 9db4bdbad (v0.30.0, 2026-05-29) "runner: Remove CGO engines, use
# llama-server exclusively"; v0.30.0 pins llama.cpp b9452, v0.30.1 b9479 (LLAMA_CPP_VERSION).
LLAMA_SERVER_RELEASE = (0, 30, 0)
V030_BUILD = 9452
# REFERENCE: ollama/ollama fs/ggml/ggml.go GraphSize: the gemma3 sliding-window estimate
# (gemma3GlobalCacheCount) first ships in v0.6.3; v0.6.0-v0.6.2 gave gemma3's every layer the whole context
# (gemma3:27b at 2,048 tokens: memory.required.kv="992.0 MiB" = 62 layers x 2,048 cells x 8 KiB, #9685).
OWN_SWA_ESTIMATE_RELEASE = (0, 6, 3)
VRAM_TIERS: tuple[tuple[int, int], ...] = ((47 * GIB, 262_144), (23 * GIB, 32_768), (0, 4_096))


# Ollama's speed is that of the llama.cpp build it runs (llama_cpp.SPEED: llama-bench builds of 2023-2025),
# except where its build decodes differently. v0.30 and later ship llama-server of 2026 (b9479 and later,
# LLAMA_CPP_VERSION), whose Metal decode streams the weights closer to the bandwidth than the builds the
# Apple constant was calibrated on: on one M2 Pro, Ollama and that machine's own llama-server decode
# Llama-3.1-8B at the same speed (34.1 and 33.0 t/s Q4_K_M, 22.3 and 22.0 Q8_0; AlexsJones/llmfit#1031),
# 84% and 95% of the 200 GB/s, where builds of 2023-2025 reached ~70%; llama.cpp's newer Metal graph runs
# independent mat-vecs concurrently (ggml-org/llama.cpp PR #15929, Sep 2025; PR #19555, Feb 2026).
# REFERENCE: calibrated on the two `fit` rows ollamaspeed-llmfit-m2pro-001/002 (bench/speed_tables.yaml);
# every other Ollama row is held out.
METAL_2026_GGUF_BANDWIDTH = 0.92
# That share was measured on an M2 Pro (Apple8 GPU). Published 2026 llama.cpp Metal decodes on the M1
# generation (Apple7) stay at or below the 2023-2025 Apple constant: an M1 Max decodes Llama-3.1-8B
# Q4_K_M at 46.2 t/s (brand-o/normiebench#40, llama.cpp/Metal, 2026-03: 4.92 GB x 46.2 = 227 GB/s, 57% of
# 400 GB/s), and a dense 27B at 44-58% of 400 GB/s (llama.cpp b10549, Q3_K_M / Q4_1 / IQ4_NL;
# ggml-org/llama.cpp#27525, Aug 2026), where the same 2026 builds give the M2 Pro 84-95%. So on M1 chips
# Ollama's llama-server keeps llama.cpp's own GGUF share, hardware/speed_profiles.KERNEL_BANDWIDTH
# ('gguf', 'apple') (calibrated on llama-bench rows that include M1 chips); no constant is fitted here.
# Keyed by GPU architecture ('gguf-apple-m1': hardware/speed_profiles.architecture_share).
METAL_2026_M1_GGUF_BANDWIDTH = 0.70
M1_ARCHITECTURE = "apple-m1"
SPEED = LlamaCpp.speed.model_copy(update={
    "engine": "ollama", "version": "Ollama 0.30+ (llama-server b9479 and later)",
    "kernel_bandwidth": {"gguf-apple": METAL_2026_GGUF_BANDWIDTH,
                         f"gguf-{M1_ARCHITECTURE}": METAL_2026_M1_GGUF_BANDWIDTH},
    "sources": ("https://github.com/AlexsJones/llmfit/pull/1031",
                "https://github.com/brand-o/normiebench/issues/40",
                "https://github.com/ggml-org/llama.cpp/issues/27525")})
# Before v0.30 Ollama ran its own runners on the llama.cpp it vendored: llama.cpp's profile as calibrated.
OWN_RUNNER_SPEED = LlamaCpp.speed.model_copy(update={
    "engine": "ollama-own-runner",
    "version": "Ollama before v0.30 (its own Go runners on vendored llama.cpp)"})
# Those runners rebuilt the decode graph every token where llama.cpp's graph reuse had not reached them
# (estimate/engines/ollama_graph.py): the same profile with that CPU time per layer.
OWN_RUNNER_REBUILD_SPEED = OWN_RUNNER_SPEED.model_copy(update={
    "engine": "ollama-own-runner-rebuild", "host_graph_per_layer_s": GRAPH_REBUILD_PER_LAYER_S,
    "version": "Ollama's llama runner before v0.11.5, its Go engine before v0.30 (graph rebuilt every token)",
    "sources": ("https://github.com/ikawrakow/ik_llama.cpp/pull/94",
                "https://github.com/ggml-org/llama.cpp/pull/14482")})
# Releases before v0.11.5 also ran every weighted norm unfused on CUDA (ollama_graph.py): two more kernels a
# dense layer, at llama.cpp's per-node time.
OWN_RUNNER_UNFUSED_SPEED = OWN_RUNNER_REBUILD_SPEED.model_copy(update={
    "engine": "ollama-own-runner-unfused", "unfused_kernels_per_layer": float(UNFUSED_NORM_KERNELS_PER_LAYER),
    "version": "Ollama before v0.11.5 (graph rebuilt every token, CUDA norms unfused)",
    "sources": (*OWN_RUNNER_REBUILD_SPEED.sources, "https://github.com/ggml-org/llama.cpp/pull/14800")})
# Its Go engine built the Gated DeltaNet delta rule from ggml primitives (ollama_gdn.py): 18 nodes and 20
# passes over the state a token where the fused op is one node and 4 passes. Counted, nothing fitted.
GO_GDN_SPEED = OWN_RUNNER_REBUILD_SPEED.model_copy(update={
    "engine": "ollama-go-gdn", "state_traffic": ollama_gdn.GO_GDN_STATE_TRAFFIC, "node_kernels": {},
    "layer_kernels": OWN_RUNNER_REBUILD_SPEED.layer_kernels | {
        "linear_attention": (OWN_RUNNER_REBUILD_SPEED.layer_kernels["linear_attention"]
                             + ollama_gdn.GO_GDN_EXTRA_NODES)},
    "version": "Ollama's Go engine before v0.30, Gated DeltaNet built from ggml primitives",
    "sources": (*OWN_RUNNER_REBUILD_SPEED.sources,
                "https://github.com/ollama/ollama/blob/main/model/models/qwen3next/deltanet.go")})
# v0.11.5-v0.12.3 ran llama.cpp e54d41be, whose CUDA backend predates the MoE and GEMV fusions
# (ollama_vendored.py): the same two runners with that copy's kernels per block part. Without flash
# attention (Ollama's default there but for gpt-oss, ollama_flash.py) that copy's one-token KQ and KQV
# read the KV head once per query head on every backend (ollama_vendored.UNFUSED_DECODE_PER_QUERY_HEAD).
E54_SPEED, E54_REBUILD_SPEED = (prof.model_copy(update={
    "engine": f"{prof.engine}-e54", "node_kernels": e54_kernels(),
    "unfused_decode_per_query_head": UNFUSED_DECODE_PER_QUERY_HEAD,
    "version": f"{prof.version}, vendored llama.cpp e54d41be (v0.11.5-v0.12.3)",
    "sources": (*prof.sources, "https://github.com/ollama/ollama/issues/11982")})
    for prof in (OWN_RUNNER_SPEED, OWN_RUNNER_REBUILD_SPEED))
LEGACY_SPEED: dict[str, EngineSpeedProfile] = {
    prof.engine: prof
    for prof in (OWN_RUNNER_SPEED, OWN_RUNNER_REBUILD_SPEED, OWN_RUNNER_UNFUSED_SPEED, GO_GDN_SPEED,
                 E54_SPEED, E54_REBUILD_SPEED)}


def _without_projector(est: Estimate, projector: int) -> Estimate:
    """The estimate with the projector's bytes taken out of the weights the layers share."""
    figs = est.engine_figures
    update: dict[str, object] = {"weights_bytes": max(0, est.weights_bytes - projector)}
    if figs is not None:
        update["engine_figures"] = figs.model_copy(
            update={"device_weights_bytes": max(0, figs.device_weights_bytes - projector)})
    return est.model_copy(update=update)


def vram_default_context(total_vram: int) -> int:
    """The NumCtx Ollama defaults to on this much VRAM (all GPUs, less OLLAMA_GPU_OVERHEAD each)."""
    return next((ctx for floor, ctx in VRAM_TIERS if total_vram >= floor), 4_096)


# REFERENCE: ollama/ollama api/types.go DefaultOptions / envconfig/config.go OLLAMA_CONTEXT_LENGTH: NumCtx
# 2048 up to v0.6.6, 4096 from v0.6.7, 0 (the VRAM tier, server/routes.go) from v0.15.5 (ollama#14116).
FIXED_CONTEXTS: tuple[tuple[tuple[int, int, int], int], ...] = (((0, 6, 7), 2_048), ((0, 15, 5), 4_096))


def release_default_context(release: tuple[int, int, int] | None, total_vram: int) -> int:
    """The NumCtx a release defaults to: a fixed size before v0.15.5, the VRAM tier from then on."""
    if release is not None:
        for before, ctx in FIXED_CONTEXTS:
            if release < before:
                return ctx
    return vram_default_context(total_vram)


class Ollama(LlamaCpp):
    """Ollama's runner: llama-server with Ollama's defaults."""

    engine: ClassVar[Engine] = Engine.OLLAMA
    # Ollama's runner passes no --model-draft / --spec-type (llm/server.go builds llama-server's flags),
    # and no --n-cpu-moe / --no-op-offload: llm/llama_server.go `startLlamaServer` passes -c, -np, --mmproj,
    # --lora, --cache-type-k/v, --flash-attn, -b/-ub (appendBatchArgs), -ngl only when num_gpu is set, -t and
    # --main-gpu, and api.Runner has no expert-offload option (ollama/ollama#11772 open; #12333 declined:
    # "we want to be able to configure this automatically based on available memory"). Newcomer round 12:
    # `fit gpt-oss:20b --gpu RTX-4060 --n-cpu-moe 12` was sized as llama.cpp would run it, under Ollama.
    reads_options: ClassVar[frozenset[str]] = LlamaCpp.reads_options - {
        "speculative", "n_cpu_moe", "op_offload"}
    speculative_methods: ClassVar[frozenset[str]] = frozenset()
    version: ClassVar[str] = OLLAMA_VERSION_MODELLED
    label: ClassVar[str] = "Ollama"
    # Ollama's Go engine runs mllama (ollama_sampling.GO_ENGINE_MODEL_TYPES), which llama.cpp does not.
    unsupported_model_types: ClassVar[dict[str, str]] = {}
    speed: ClassVar[EngineSpeedProfile] = SPEED

    def load_format(self, spec: ModelSpec, wl: Workload, rest: str) -> tuple[WeightFormat, str] | None:
        """A Hugging Face checkpoint named without a quantization is what `ollama pull` gives for
        it: the library's Q4_K_M GGUF. gpt-oss's MXFP4 checkpoint is served as Ollama's converter wrote
        it (MXFP4 experts, BF16 matrices, F32 norms, biases and router: ollama_gptoss_file.py;
        ollama.com/library/gpt-oss lists 20b at 14GB). A checkpoint that ships in
        FP8 or INT4 (DeepSeek-V3.1) is no file Ollama loads either: its library tag's GGUF
        (deepseek-v3.1:671b), unless the name asks for the quantized safetensors ("-FP8"). A model whose
        library has only a cloud tag (Kimi-K2-Thinking, MiniMax-M2: specs/ollama_cloud.py) has no local
        file at all: refused, pointing at llama.cpp's GGUF (--quant still sizes a GGUF imported by hand)."""
        from llmsize.specs.models import QuantMethod, WeightFormat
        from llmsize.specs.ollama_cloud import cloud_only_tag

        del rest
        quant = spec.weight_format.quant
        if quant == QuantMethod.MXFP4:  # the GGUF Ollama converted it to
            from llmsize.estimate.engines import ollama_gptoss_file

            fmt = ollama_gptoss_file.converted_mxfp4_format(spec.weight_format, wl.dtype)
            return None if fmt is None else (fmt, ollama_gptoss_file.NOTE)
        if wl.dtype is not None or quant in (QuantMethod.GGUF, QuantMethod.MXFP4):
            return None
        if (cloud := cloud_only_tag(spec.name)) is not None:
            from llmsize.errors import BadInputError

            raise BadInputError(
                f"Ollama offers {spec.name} only as the cloud tag {cloud}: nothing is downloaded or run "
                "locally",
                hint="to run it yourself, size its llama.cpp GGUF: --engine llama.cpp",
            )
        if quant is not None and llama_cpp_download.name_states_quant(spec.name):
            return None
        # The tag the catalog lists for this model is the file `ollama run` downloads: its library's type
        # and build (issue 15, round 6: `Qwen3-8B --engine ollama` was 5.02 GB where qwen3:8b is 5.22 GB,
        # its April 2025 build keeping attn_v in f16; a library default that is not Q4_K_M, gemma2:9b Q4_0).
        tagged = library_tag(spec.name)
        lib = tagged[0] if tagged is not None else library_of_model_type(spec.model_type)
        gguf_type = (tagged[0].default_quant if tagged is not None else None) or OLLAMA_DEFAULT_GGUF
        named = f" ({tagged[1]})" if tagged is not None else ""
        note = (f"Ollama serves the library's {gguf_type} GGUF of this model{named}; "
                "--quant Q8_0 / F16 for other tags")
        fmt = WeightFormat(dtype="fp16", quant=QuantMethod.GGUF, gguf_type=gguf_type)
        if lib is not None:  # its quantizer's own types (specs/ollama.py); the library tag also has its MTP
            fmt = with_go_counter(spec, published_format(fmt, lib), lib)
        return fmt, note

    def quant_format(
        self, spec: ModelSpec, wl: Workload, fmt: WeightFormat, rest: str
    ) -> tuple[WeightFormat, str] | None:
        """`--quant` naming the type of the library's default tag is that tag's file, the one load_format
        sizes without --quant: `fit Qwen3-8B --engine ollama` listed a "gguf Q4_K_M" row of llama.cpp's
        quantizer (4.67 GB of weights) beside `estimate Qwen3-8B --engine ollama`'s qwen3:8b (4.87 GB, its
        build keeping attn_v in f16), two sizes for the one file `ollama run` pulls (issue 15, newcomer
        round 14). Another type is sized as llama.cpp's quantizer writes it: which build a library's
        other tags are is not modelled."""
        from llmsize.specs.models import QuantMethod

        if spec.weight_format.quant is not None or fmt.quant != QuantMethod.GGUF or fmt.gguf_tensor_types:
            return None
        default = self.load_format(spec, wl.model_copy(update={"quant": None}), rest)
        if default is None or default[0].gguf_type != fmt.gguf_type:
            return None
        return default

    def separate_mmproj(self, spec: ModelSpec, wl: Workload, fmt: WeightFormat) -> bool:
        """Ollama's library model carries its projector and loads it with the text model (its log:
        "6.8 GiB text weights + 795.9 MiB projector" for gemma3:12b)."""
        del spec, wl, fmt
        return False

    def mmproj_bytes(self, spec: ModelSpec, wl: Workload, fmt: WeightFormat) -> int:
        """No separate mmproj file: the projector is in the model blob (separate_mmproj), counted
        with the model's weights whether or not images are sent."""
        del spec, wl, fmt
        return 0

    def place_weights(
        self, spec: ModelSpec, wl: Workload, fmt: WeightFormat, stage: Stage, device: int, all_stages: int
    ) -> WeightPlacement:
        """llama.cpp's placement, with the blob's projector on the first GPU, not in host RAM beside the
        token embeddings: llm/memory.go EstimateGPULayers adds projectorWeights to GPU 0's share
        (gpuZeroOverhead), and `auto_gpu_layers` takes it out of the device weights likewise."""
        placed = super().place_weights(spec, wl, fmt, stage, device, all_stages)
        # a tied model's token_embd stays in host RAM beside its GPU copy (tied_output_bytes): not tower
        tied = llama_cpp_placement.tied_output_bytes(spec, wl, fmt)
        tower = min(projector_bytes(spec), placed.host_bytes - tied)
        if not tower:
            return placed
        on_first = tower if stage.index == 0 else 0
        detail = llama_cpp_host.placement_detail(
            device, 0, on_first, placed.host_bytes - tower, placed.duplicated_bytes)
        return WeightPlacement(placed.device_bytes + on_first, placed.host_bytes - tower, detail,
                               placed.duplicated_bytes)

    def ubatch(self) -> int:
        return self.wl.ubatch or self.wl.n_batch or NUM_BATCH

    def release(self) -> tuple[int, int, int] | None:
        """The Ollama release asked for (--engine-version 0.11.4); None: the release modelled. A pre-release
        or vendor suffix after '-' is read as its release: Ollama's versions come from its git tags, and its
        release candidates are installed as `OLLAMA_VERSION=0.4.0-rc8` (ollama/ollama#7507); `0.12.0-rc1`
        was refused as no release (issue 15, round 9)."""
        text = self.wl.engine_version
        if text is None:
            return None
        number, dash, suffix = text.strip().lower().removeprefix("v").partition("-")
        tag_ok = not dash or (suffix.isascii() and suffix.replace("-", "").replace(".", "").isalnum())
        parts = number.split(".") if tag_ok else []
        if not 2 <= len(parts) <= 3 or not all(server_releases.is_number(p) for p in parts):
            raise BadInputError(
                f"--engine-version {text!r} is not an Ollama release",
                hint="give the version `ollama -v` prints, e.g. 0.11.4",
            )
        major, minor, patch = (int(p) for p in [*parts, "0"][:3])
        return major, minor, patch

    def release_asked(self) -> str | None:
        release = self.release()  # the runner (own estimator or llama-server) and NumCtx follow the release
        return None if release is None else ".".join(str(p) for p in release)

    def build(self) -> int | None:
        """The llama-server build of this release: b9452 for v0.30.0, the modelled one from v0.30.1 (b9479
        and later); before v0.30 Ollama's own runners, whose memory lines are its estimates."""
        release = self.release()
        return V030_BUILD if release is not None and release[:2] == (0, 30) and release[2] == 0 else None

    def logit_rows(self, spec: ModelSpec) -> int | None:
        """The rows of logits the prompt graph is reserved for, by the runner of the release (None: every
        ubatch token).

        REFERENCE: before v0.30 Ollama ran its own runners on the llama.cpp it vendored, all of 2025 or
        older (Makefile.sync FETCH_HEAD: e54d41bef in v0.12.0, ec98e2002 from v0.20 to v0.24.0, the last
        release before v0.30), so before ggml-org/llama.cpp#23861 (b9464):
        - the llama runner (runner/llamarunner) reserves through that llama.cpp's `llama_context`,
          whose n_outputs_max is n_batch: a row for every token;
        - the Go engine (runner/ollamarunner) builds its own worst-case graph, `reserveWorstCaseGraph`:
          `batch.Outputs` holds s.parallel positions (v0.6.6 dbb149e6f `make([]int32, s.parallel)`;
          v0.12.0 6f7117145 `Empty(ml.DTypeI32, s.parallel)`), and the models gather those rows before
          the output layer: numParallel rows. Before v0.6.6 it reserved nothing at start and its
          batches kept the last token of each sequence, at most numParallel rows as well.
        From v0.30 llama-server's own rule (LlamaCpp.logit_rows; v0.30.0's b9452 predates the cap).
        """
        release = self.release()
        if release is None or release >= LLAMA_SERVER_RELEASE or self.wl.logits == "all":
            return super().logit_rows(spec)
        return self.wl.batch if runs_go_engine(release, spec.model_type) else None

    def estimates_own_engine(self) -> bool:
        """Before v0.30 the memory Ollama logs is its own estimate (fs/ggml/ggml.go GraphSize)."""
        release = self.release()
        return release is not None and release < LLAMA_SERVER_RELEASE

    def kv_streams(self) -> int:
        """One KV stream per slot: Ollama passes `-np N` without `--kv-unified` (llm/llama_server.go
        startLlamaServer), so llama-server keeps kv_unified false (the log prints `kv_unified = false`,
        `n_ctx_seq = n_ctx / n_seq_max`)."""
        return max(1, self.wl.batch)

    def tokens_held(self, window: int | None, tokens: Any, prefill: Any, batch: Any) -> Any:
        """Full layers hold the same n_ctx cells split into streams; a sliding-window layer holds its
        window and a ubatch in every stream.

        REFERENCE: llama.cpp src/llama-kv-cache-iswa.cpp: size_swa = GGML_PAD(min(size_base, n_swa x
        (unified ? n_seq_max : 1) + n_ubatch), 256) per stream, size_base = n_ctx_seq, in n_seq_max
        streams. Check: gpt-oss-120b on Ollama 0.30.2 (-c 262144 -np 2 -ub 1024) created a 1280-cell
        SWA cache of 90.00 MiB besides the 9216.00 MiB full one (ollama/ollama#16480).
        """
        if window is None:
            return super().tokens_held(window, tokens, prefill, batch)
        if self.estimates_own_engine():  # numParallel x window + batch, unpadded (keeps_windows)
            return np.minimum(tokens * batch, batch * window + self.ubatch())
        # n_ctx_seq is NumCtx itself (Ollama passes -c NumCtx x N); padded like a whole context here
        per_stream = pad(tokens, CELL_PAD)
        return batch * np.minimum(per_stream, pad(window + self.ubatch(), CELL_PAD))

    def keeps_windows(self, kv_dtype: str, spec: ModelSpec | None = None) -> bool:
        """Before v0.30 Ollama's estimate keeps windows only for the architectures its own engine ran
        (specs/ollama.py own_engine_keeps_windows); llama-server keeps them for every model."""
        release = self.release()
        if release is not None and release < LLAMA_SERVER_RELEASE and spec is not None:
            return release >= OWN_SWA_ESTIMATE_RELEASE and own_engine_keeps_windows(spec.model_type)
        return super().keeps_windows(kv_dtype, spec)

    def memory_window(self, spec: ModelSpec, window: int) -> int:
        """Before v0.30 the estimate follows Ollama's own engine, whose gpt-oss cache keeps 4,096 positions
        a sequence in its sliding layers (specs/ollama.py own_engine_window); llama-server the window."""
        if self.estimates_own_engine():
            return own_engine_window(spec.model_type, window)
        return window

    def state_copies(self, spec: ModelSpec) -> int:
        """The live recurrent state and the checkpoints Ollama's Go engine reserves per sequence before
        v0.30 (ollama_recurrent.py); llama-server keeps one."""
        return ollama_recurrent.state_copies(self.release(), spec.model_type)

    def check_compressed(self, spec: ModelSpec) -> None:
        """Ollama's own engine has no DeepSeek V4 model (ollama/ollama model/models/ holds deepseek2 and
        deepseek3, not deepseek4), so none of llama.cpp's DSV4 caches apply: exit 2."""
        if spec.compressed is not None:
            from llmsize.errors import BadInputError

            raise BadInputError(
                "llmsize does not model how Ollama pages DeepSeek V4's compressed KV cache (sliding window + "
                "pooled entries + indexer keys): Ollama's engine has no deepseek4 model (model/models/)",
                hint="use --engine llama.cpp (arch deepseek4) or --engine vllm",
            )

    def prefill_score_bytes(self, spec: ModelSpec, prompt_tokens: int) -> int:
        """Score traffic of a prompt without flash attention, which Ollama's default leaves off for releases
        and architectures its rule names (estimate/engines/ollama_flash.py); OLLAMA_FLASH_ATTENTION
        (--flash-attn) decides where given."""
        unset = self.wl.flash_attn is FlashAttn.AUTO
        if unset and not default_flash_attention(self.release(), spec.model_type):
            elements = llama_cpp_scores.materialized_score_elements(spec, prompt_tokens, self.ubatch())
            return elements * llama_cpp_scores.SCORE_BYTES_PER_ELEMENT
        return super().prefill_score_bytes(spec, prompt_tokens)

    def decode_kv_read_factor(self, spec: ModelSpec) -> float:
        """The unfused decode attention's reads (llama_cpp_unfused_decode.py) where Ollama's flash-attention
        default by release and architecture leaves it off (ollama_flash.py), as for its prompt scores."""
        unset = self.wl.flash_attn is FlashAttn.AUTO
        if unset and not default_flash_attention(self.release(), spec.model_type):
            return unfused_decode_factor(spec, self.wl)
        return super().decode_kv_read_factor(spec)

    def prefill_mla_absorbed(self, spec: ModelSpec) -> bool:
        """Ollama's library DeepSeek-V2 GGUFs predate llama.cpp's wk_b / wv_b split (PR #12801, 2025-04), so
        their prompts run the decompressed per-head form (llama_cpp_mla.py names the split); no Ollama row
        of an MLA model was found to say otherwise."""
        del spec
        return False

    def sampling_seconds(self, spec: ModelSpec) -> float:
        """Ollama's default sampler picks its top-k out of the whole vocabulary every token, and scans it for
        its repeat penalty (releases before v0.32.10, and library models that pin a penalty):
        estimate/engines/ollama_sampling.py."""
        library = ollama_sampling.library_of(spec.name)
        return sampling_seconds(self.release(), library, spec.model_type, spec.vocab_size)

    def decode_mask_caches(self, spec: ModelSpec) -> tuple[int, ...]:
        """Ollama's Go engine (v0.6.0-v0.13.4) builds each step's flash-attention mask on the host, padded to
        64 rows, one per cache (ollama_go_mask.py); the llama runners and llama-server do not."""
        flash = self.wl.flash_attn is FlashAttn.ON or (
            self.wl.flash_attn is FlashAttn.AUTO and default_flash_attention(self.release(), spec.model_type))
        if not ollama_go_mask.builds_padded_mask(self.release(), spec.model_type, flash):
            return ()
        window = spec.sliding_window or 0
        return ollama_go_mask.mask_caches(spec, self.memory_window(spec, window) + self.ubatch())

    def sampling_note(self, spec: ModelSpec) -> str:
        """What this release's sampler does each token (ollama_sampling.sampling_note)."""
        return ollama_sampling.sampling_note(self.release(), ollama_sampling.library_of(spec.name),
                                             spec.model_type)

    def host_ops_offloaded(self, spec: ModelSpec) -> bool:
        """The Go engine of v0.7.0-v0.12.7 built its scheduler without op offload: a host block's prompt
        runs on the CPU (ollama_op_offload.py); the llama runner and llama-server keep llama.cpp's default."""
        release = self.release()
        if release is not None and runs_go_engine(release, spec.model_type):
            return ollama_op_offload.go_engine_offloads_ops(release)
        return super().host_ops_offloaded(spec)

    def copies_used_experts_only(self) -> bool:
        """The vendored ggml copies only the picked experts from v0.12.4 on (ollama_op_offload.py)."""
        return ollama_op_offload.copies_used_experts_only(self.release())

    def prefill_moe_host_seconds(self, spec: ModelSpec) -> float:
        """v0.6.8-v0.12.3's copies grouped each prompt ubatch's routed tokens on the host, two syncs a
        MUL_MAT_ID (estimate/engines/ollama_mmid_sync.py)."""
        return moe_layer_host_seconds(self.release(), spec.model_type)

    def prefill_expert_loop(self) -> bool:
        """Ollama runs ggml-cuda's MUL_MAT_ID (CUDA/ROCm; not Vulkan): its vendored copies from v0.6.8
        and its llama-server from v0.30 loop the experts where the grouped kernels refuse a call
        (ollama_mmid_copies.py; copies before v0.6.8 ran an older loop, not modelled)."""
        release = self.release()
        if release is not None and release < mmid_copies.HELPER_FIRST_RELEASE:
            return False
        return str(self.wl.backend) != "vulkan"

    def prefill_quantized_loop(self) -> bool:
        """Copies up to v0.13.2 refused grouped MMQ on RDNA3 at 64 tokens or more; llama-server from v0.30
        follows its build (ollama_mmid_copies.py, LlamaCpp.prefill_quantized_loop)."""
        release = self.release()
        if release is None or release >= LLAMA_SERVER_RELEASE:
            return super().prefill_quantized_loop()
        return self.prefill_expert_loop() and mmid_copies.rdna_loops_quantized(release)

    def prefill_host_helper(self) -> bool:
        """Before v0.30 the host helper's round trips are ollama_mmid_sync's (prefill_moe_host_seconds,
        which counts the Go engine's fused gate_up), never llama_cpp_mmid_host's too; llama-server from
        v0.30 (b9452 and later) groups on the device."""
        release = self.release()
        if release is not None and release < LLAMA_SERVER_RELEASE:
            return False
        return super().prefill_host_helper()

    def speed_name(self, spec: ModelSpec | None = None) -> str:
        """Releases before v0.30 ran Ollama's own runners on the llama.cpp they vendored: OWN_RUNNER_SPEED,
        OWN_RUNNER_REBUILD_SPEED where the runner rebuilt the graph every token, OWN_RUNNER_UNFUSED_SPEED
        before v0.11.5 (also unfused CUDA norms): ollama_graph.py; v0.11.5-v0.12.3 with the kernels of
        their vendored llama.cpp (ollama_vendored.py).
        --engine-version is an Ollama release here, not a llama.cpp build.
        On ggml's Vulkan backend (--backend vulkan, and what `auto` resolves to on an Intel GPU:
        llama_cpp_intel_backend.py) those profiles do not apply: they price the CUDA kernels of the copy
        each release vendored, and the Vulkan runner every release from v0.12.11 ships runs ggml-vulkan's
        shaders (ollama_vulkan_release.py), so every release takes the Vulkan profile
        (llama_cpp_vulkan.vulkan_engine maps SPEED.engine to it). Releases before v0.12.11 have no Vulkan
        runner at all; their notes say so (vulkan_release_note) beside the Vulkan speed v0.12.11+ gives."""
        release = self.release()
        old = release is not None and release < LLAMA_SERVER_RELEASE
        if not old or str(self.wl.backend) == "vulkan":
            return SPEED.engine
        if norms_unfused(release):
            return OWN_RUNNER_UNFUSED_SPEED.engine
        go_engine = spec is not None and runs_go_engine(release, spec.model_type)
        if go_engine and spec is not None and spec.model_type in ollama_gdn.GO_GDN_MODEL_TYPES:
            return GO_GDN_SPEED.engine  # its own delta rule, op by op (ollama_gdn.py)
        rebuild = rebuilds_graph(release, go_engine)
        if vendors_e54(release):
            return E54_REBUILD_SPEED.engine if rebuild else E54_SPEED.engine
        return OWN_RUNNER_REBUILD_SPEED.engine if rebuild else OWN_RUNNER_SPEED.engine

    def auto_gpu_layers(self, est: Estimate, usable: int, num_layers: int,
                        spec: ModelSpec | None = None,
                        need_at: Callable[[int], int] | None = None) -> int | None:
        """With num_gpu unset (no --gpu-layers) Ollama runs a model that does not fit with only some of its
        layers on the GPU (estimate/engines/ollama_offload.py): those that fit after its release's margin.
        A vision projector is loaded whole on the GPU beside them, not spread over the layers: from v0.30
        the fitter's target is its bytes + 1 GiB (in place of 1024 MiB); before, llm/memory.go reserved
        it. Where the release measures the split it tries (ollama_offload.fits_by_allocation) the count is
        the largest whose own estimate (`need_at`: its partial-offload compute buffer, op-offload copies
        included) fits (llama_cpp_placement.largest_fitting); llm/memory.go reserved its GraphSize
        partial-offload graph instead (`_own_estimate_layers`)."""
        if self.wl.gpu_layers is not None:
            return None  # num_gpu given: the user's split, sized as asked
        release = self.release()
        projector = projector_bytes(spec) if spec is not None else 0
        if spec is not None and not fits_by_allocation(release, spec.model_type):
            return auto_layers(self._own_estimate_layers(est, usable, spec, projector), num_layers)
        margin = fit_margin_bytes(release)
        outside = 0  # bytes of the split's estimate llama-server's fitter does not count (the mmproj)
        if projector and (release is None or release >= FITTER_RELEASE):
            margin = projector + MMPROJ_HEADROOM_BYTES
            est = _without_projector(est, projector)
            outside = projector
        room = max(0, usable - margin)
        guess = auto_layers(self.offload_layers(est, room, num_layers), num_layers)
        if need_at is None:
            return guess
        top = num_layers - 1
        return llama_cpp_placement.largest_fitting(room, lambda n: need_at(n) - outside, top, guess)

    def _offload_advice(self, wl: Workload, moe: bool) -> str:
        """Ollama takes no --n-cpu-moe (reads_options) and, with num_gpu unset, splits the layers by
        itself (auto_gpu_layers): "lower --gpu-layers" was advice for a setting the user had not made."""
        if wl.gpu_layers is not None:
            return f"lower --gpu-layers (Ollama's num_gpu, now {wl.gpu_layers}; fewer layers on the GPU)"
        return "with num_gpu unset Ollama keeps what fits on the GPU and runs the other layers from CPU RAM"

    def auto_offload_note(self, layers: int, total: int, rate: str) -> str:
        """Ollama's own words for the split (ollama_offload.py): num_gpu is the setting that would change
        it, and `ollama ps` prints the CPU/GPU shares of a loaded model (server/routes.go PsHandler)."""
        return (f"{self.describe()} still runs it{rate}: with num_gpu unset it keeps {layers} of {total} "
                f"layers on the GPU by itself and runs the other {total - layers} from CPU RAM (`ollama ps` "
                "shows a CPU/GPU split)")

    def buffers(
        self,
        spec: ModelSpec,
        head_on_device: bool,
        pipeline: bool = False,
        outputs: int | None = None,
        offload: bool = True,
    ) -> tuple[int, int, int]:
        """llama.cpp's buffers; the host compute buffer also holds a flash attention the release's CUDA
        kernels cannot run (Gemma 4's head size 512 before v0.20.4, ollama_fattn_host.py)."""
        device, host, out = super().buffers(spec, head_on_device, pipeline, outputs, offload)
        return device, max(host, ollama_fattn_host.host_fattn_bytes(self, spec)), out

    def layer_kv_bytes(self, spec: ModelSpec, element: Fraction, tp: int) -> Fraction:
        """GLM-4.7-Flash before v0.15.0 cached every head's K and V, not the MLA latent
        (ollama_mla_cache.py)."""
        if ollama_mla_cache.caches_expanded_heads(self.release(), spec.model_type):
            return ollama_mla_cache.expanded_layer_bytes(spec, element)
        return super().layer_kv_bytes(spec, element, tp)

    def estimate_graph_bytes(self, spec: ModelSpec) -> int | None:
        """The graph llm/memory.go reserves for an architecture GraphSize has no case for (before v0.30;
        ollama_estimator_graph.py): memory.graph.partial and .full alike; for gpt-oss GraphSize's own case
        (ollama_offload.own_estimator_gptoss_graph_bytes). None where another case applies."""
        release = self.release()
        if spec.model_type == "gpt_oss" and release is not None and self.estimates_own_engine():
            return self._gptoss_estimate_graph(spec, release)
        if not self.estimates_own_engine() or ollama_estimator_graph.has_graph_case(spec.model_type):
            return None
        cells = self.wl.context * max(1, self.wl.batch)  # NumCtx x numParallel
        kv_dtype = str(self.wl.kv_dtype) if self.wl.kv_dtype is not None else None
        return ollama_estimator_graph.fallback_graph_bytes(spec, cells, kv_dtype)

    def figures(
        self, spec: ModelSpec, wl: Workload, weights: WeightPlacement, peak: Peak, rs: Resolved
    ) -> EngineFigures:
        """llama.cpp's buffers, plus the graph Ollama's own estimator reserves (before v0.30)."""
        figs = super().figures(spec, wl, weights, peak, rs)
        graph = self.estimate_graph_bytes(spec)
        return figs if graph is None else figs.model_copy(update={"estimate_graph_bytes": graph})

    def _own_estimate_layers(self, est: Estimate, usable: int, spec: ModelSpec, projector: int) -> int:
        """Layers llm/memory.go EstimateGPULayers fits (before v0.30): the GPU's memory less MinimumMemory,
        the partial-offload graph and the projector, filled with whole layers of weights and KV. Not
        counted: the projector's own graph (gemma3:27b: 1.0 GiB in ollama/ollama#9818's log)."""
        release = self.release()
        graph = own_estimator_graph_bytes(spec.hidden_size, spec.vocab_size, self.ubatch())
        if release is not None and not ollama_estimator_graph.has_graph_case(spec.model_type):
            graph = self.estimate_graph_bytes(spec) or graph  # llm/memory.go's GQA fallback
        if spec.model_type == "gpt_oss" and release is not None:  # GraphSize's own gptoss case
            graph = self._gptoss_estimate_graph(spec, release)
        reserve = MINIMUM_MEMORY_BYTES + projector + graph
        figs = est.engine_figures
        device = figs.device_weights_bytes if figs is not None else est.weights_bytes
        per_layer = (max(0, device - projector) + est.kv_cache_bytes) / max(1, spec.num_layers)
        return int((usable - reserve) // per_layer) if per_layer > 0 else spec.num_layers

    def _gptoss_estimate_graph(self, spec: ModelSpec, release: tuple[int, int, int]) -> int:
        """GraphSize's gptoss case at this release, over kvTotal: K and V of every layer at f16 (no
        flash-attention cache types) for NumCtx x numParallel cells."""
        parallel = max(1, self.wl.batch)
        kv_total = spec.num_layers * self.wl.context * parallel * 2 * spec.head_dim * spec.num_kv_heads * 2
        return own_estimator_gptoss_graph_bytes(release, self.wl.context, parallel, kv_total,
                                                spec.num_attention_heads, spec.num_kv_heads)

    def resolve(self, spec: ModelSpec, wl: Workload) -> Workload:
        """The context Ollama allocates: from v0.9.3 a NumCtx above the trained context is lowered to it
        before loading (ollama_context.py); flash attention off where the release's default leaves it
        off for the architecture (ollama_flash.served_flash)."""
        served = served_workload(spec, super().resolve(spec, wl), self.release())
        return served_flash(served, self.release(), spec.model_type)

    def context_warning(self, spec: ModelSpec, wl: Workload) -> str | None:
        """From v0.9.3 the estimate is sized for the trained context Ollama lowers NumCtx to
        (ollama_context.py); earlier releases ran the positions asked."""
        if wl.context <= spec.max_position_embeddings:
            return None
        if not caps_context(self.release()):
            return super().context_warning(spec, wl)
        return cap_warning(wl.context, spec.max_position_embeddings)

    def default_context(self, total_vram: int, spec: ModelSpec) -> int:
        """The NumCtx the release picks (on this much VRAM from v0.15.5), capped at the trained context."""
        return min(release_default_context(self.release(), total_vram), spec.max_position_embeddings)

    def default_context_rule(self) -> str:
        """The NumCtx rule of the release asked (release_default_context), in words. It states the context
        sized rather than "pass --context to match", which contradicted a context `--gpu` had already
        taken from the VRAM tier (issue 15)."""
        release = self.release()
        fixed = next((ctx for before, ctx in FIXED_CONTEXTS if release is not None and release < before),
                     None)
        if fixed is not None:
            return f"NumCtx defaults to {fixed:,} tokens (OLLAMA_CONTEXT_LENGTH overrides)"
        sizes = " / ".join(f"{ctx:,}" for _, ctx in reversed(VRAM_TIERS))
        floors = [floor // GIB for floor, _ in reversed(VRAM_TIERS)][1:]
        bounds = ", ".join([*(f"<{f}" for f in floors), f">={floors[-1]}"])  # no break inside a bound
        return f"NumCtx defaults to {sizes} tokens by VRAM ({bounds} GiB; OLLAMA_CONTEXT_LENGTH overrides)"

    def unset_context_notes(self, spec: ModelSpec, wl: Workload) -> tuple[str, ...]:
        """Ollama passes its own NumCtx (default_context_rule, in notes), never llama-server's 0."""
        del spec, wl
        return ()

    def notes(self, spec: ModelSpec, wl: Workload) -> tuple[str, ...]:
        base = super().notes(spec, wl)
        return (
            *base,
            f"{self.describe()}: {self.default_context_rule()}; sized for {wl.context:,} tokens (--context "
            "sets it); OLLAMA_NUM_PARALLEL (default 1) is --batch, OLLAMA_KV_CACHE_TYPE --kv-dtype",
            *(() if str(wl.backend) != "vulkan" or (vk := vulkan_release_note(self.release())) is None
              else (vk,)),
            *(() if wl.request_context is None else (
                f"decode speed is quoted with {wl.request_context:,} tokens cached (the request), not the "
                f"{wl.context:,}-token window: llama.cpp attends over the cells in use "
                "(llama_kv_cache::get_n_kv); pass --context to quote a fuller cache",)),
        )
