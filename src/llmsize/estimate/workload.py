"""Workload: every input that shapes an estimate besides the model itself.

Cross-field rules live here as validators so library users get the same checks as the CLI.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Literal

from llmsize.records import ConfigDict, Field, Record, model_validator
from llmsize.units import Dtype, KvDtype

# Upper bounds on the counts a Workload takes (issue 15: unbounded counts ran the planner for
# minutes or overflowed float arithmetic). Each is far above any real job, so nothing real is
# refused: 2^40 tokens (a million times the longest context windows), 2^40 sequences or steps,
# 4,096 GPUs in one model's layout (the largest jobs run ~100k GPUs as data-parallel replicas of a
# far smaller layout), 2^60 bytes (an exbibyte) of explicit KV budget.
MAX_TOKENS = 1 << 40
MAX_COUNT = 1 << 40
MAX_GPUS = 4096
MAX_BYTES = 1 << 60
# The loss is walked chunk by chunk; frameworks use a handful (torchtune CEWithChunkedOutputLoss
# num_output_chunks=8), so 4,096 leaves room for any setting while keeping the walk short.
MAX_LOSS_CHUNKS = 4096


class Mode(StrEnum):
    """inference; training = pre-training from scratch; full = full fine-tuning; lora; qlora."""

    INFERENCE = "inference"
    TRAINING = "training"
    FULL = "full"
    LORA = "lora"
    QLORA = "qlora"

    @property
    def trains(self) -> bool:
        return self is not Mode.INFERENCE

    @property
    def trains_all_weights(self) -> bool:
        return self in (Mode.TRAINING, Mode.FULL)


class Optimizer(StrEnum):
    """Optimizer and its implementation: `adamw` is torch AdamW as torch picks it on CUDA (foreach)."""

    ADAMW = "adamw"
    ADAMW_FUSED = "adamw-fused"
    ADAMW_FOREACH = "adamw-foreach"
    ADAMW_8BIT = "adamw-8bit"
    PAGED_ADAMW_8BIT = "paged-adamw-8bit"
    PAGED_ADAMW_32BIT = "paged-adamw-32bit"
    ADAMW_4BIT = "adamw-4bit"
    SGD = "sgd"
    ADAFACTOR = "adafactor"

    @property
    def is_adamw_torch(self) -> bool:
        return self in (Optimizer.ADAMW, Optimizer.ADAMW_FUSED, Optimizer.ADAMW_FOREACH)


class Framework(StrEnum):
    """Whose training loop runs: its defaults fill every training option left unset."""

    PLAIN = "plain"
    TRAINER = "trainer"
    TRL = "trl"
    UNSLOTH = "unsloth"
    TORCHTUNE = "torchtune"
    AXOLOTL = "axolotl"
    LLAMAFACTORY = "llamafactory"


class Loss(StrEnum):
    """full: fp32 log-softmax over all logits; full-shifted: the same plus the contiguous fp32 copy
    of the shifted logits that transformers 4.46-4.48 made (loss_walk.py); chunked: per chunk of
    tokens; chunked-recompute: per chunk of tokens under activation checkpointing, so only one
    chunk's logits ever exist (TRL's chunked_nll); fused: linear + CE in one kernel that never holds
    the logits (Liger, Unsloth); inplace: the bf16 logits kept and their gradient written into
    them, no fp32 copy (Unsloth's Triton cross-entropy before it adopted Apple's CCE, loss_walk.py)."""

    FULL = "full"
    FULL_SHIFTED = "full-shifted"
    CHUNKED = "chunked"
    CHUNKED_RECOMPUTE = "chunked-recompute"
    FUSED = "fused"
    INPLACE = "inplace"


class HeldLogits(StrEnum):
    """How long the training loop keeps the model's returned logits referenced (held_logits.py):
    none (the loss is all it keeps: Trainer's compute_loss, torchtune since v0.3 `del logits`);
    step (a local such as `output` lives through backward and the optimizer step, cleared before the
    next forward); always (rebound only when the next forward returns, so held in every phase)."""

    NONE = "none"
    STEP = "step"
    ALWAYS = "always"


class Objective(StrEnum):
    """What the training step optimises: sft (next-token cross-entropy: Trainer, SFTTrainer, torchtune's
    SFT recipes), dpo (TRL DPOTrainer: a chosen and a rejected completion per example, scored against
    a frozen reference) or grpo (TRL GRPOTrainer's policy step on generated completions);
    estimate/preference.py."""

    SFT = "sft"
    DPO = "dpo"
    GRPO = "grpo"


class Fp8Recipe(StrEnum):
    """torchao float8 training recipes (torchao/float8/config.py `Float8LinearRecipeName`):
    tensorwise: one scale per tensor; rowwise: one per row; rowwise-gw-hp: rowwise, with the
    weight-gradient GEMM left in high precision."""

    TENSORWISE = "tensorwise"
    ROWWISE = "rowwise"
    ROWWISE_GW_HP = "rowwise-gw-hp"


class Offload(StrEnum):
    NONE = "none"
    CPU = "cpu"
    NVME = "nvme"


class ZeroImpl(StrEnum):
    """Which library shards a --zero run: PyTorch FSDP (FSDP1 / FSDP2) or DeepSpeed ZeRO."""

    AUTO = "auto"
    FSDP = "fsdp"
    DEEPSPEED = "deepspeed"


class Attention(StrEnum):
    """Attention kernel: sdpa/flash never materialise the scores; eager does."""

    SDPA = "sdpa"
    FLASH = "flash"
    EAGER = "eager"


class Engine(StrEnum):
    """The runtime that allocates the memory; each has one module in estimate/engines/."""

    TRANSFORMERS = "transformers"
    VLLM = "vllm"
    LLAMA_CPP = "llama.cpp"
    SGLANG = "sglang"
    OLLAMA = "ollama"


class FlashAttn(StrEnum):
    """llama.cpp --flash-attn: auto enables it where the backend supports the model's shapes."""

    ON = "on"
    OFF = "off"
    AUTO = "auto"


class GgmlBackend(StrEnum):
    """llama.cpp / Ollama GPU backend: auto = the vendor's own (CUDA, ROCm/HIP, Metal; Vulkan on Intel GPUs,
    estimate/engines/llama_cpp_intel_backend.py), Vulkan, or SYCL
    (llama.cpp on Intel GPUs; estimate/engines/llama_cpp_sycl.py)."""

    AUTO = "auto"
    VULKAN = "vulkan"
    SYCL = "sycl"


# Workload fields that only training reads, with their flag and unset value (Workload._no_training_options).
_TRAINING_OPTIONS: dict[str, tuple[str, object]] = {
    "optimizer": ("--optimizer", None),
    "master_weights": ("--master-weights", None),
    "base_fp32": ("--base-fp32", False),
    "gradient_checkpointing": ("--gradient-checkpointing", None),
    "framework": ("--framework", None),
    "loss": ("--loss", None),
    "loss_chunks": ("--loss-chunks", None),
    "optimizer_in_backward": ("--optimizer-in-backward", None),
    "activation_offloading": ("--activation-offloading", None),
    "gradient_accumulation": ("--grad-accum", 1),
    "ds_reduce_bucket": ("--ds-reduce-bucket", None),
    "compile": ("--compile", False),
    "liger": ("--liger", False),
    "lora_targets": ("--lora-targets", None),
    "lora_dropout": ("--lora-dropout", 0.0),
    "objective": ("--objective", "sft"),
    "precompute_ref_log_probs": ("--precompute-ref-log-probs", False),
    "flex_dense_mask": ("--flex-dense-mask", False),
    "unsloth_2024": ("--unsloth-2024", False),
    "held_logits": ("--held-logits", HeldLogits.NONE),
    "completion_tokens": ("--completion-tokens", None),
    "kl_beta": ("--kl-beta", 0.0),
}


class Workload(Record):
    """Mode, precisions, sizes and parallelism of one job. Defaults are the common case."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    mode: Mode = Mode.INFERENCE
    dtype: Dtype | None = Field(
        default=None, description="compute dtype; None = the checkpoint's (bf16 if unknown)"
    )
    quant: str | None = Field(
        default=None, description="weight format override, e.g. gptq, awq, bnb-nf4, Q4_K_M"
    )
    kv_dtype: KvDtype | None = Field(default=None, description="None = the compute dtype")
    context: int = Field(
        default=4096, gt=0, le=MAX_TOKENS, description="tokens per sequence (prompt + generated)"
    )
    prompt_tokens: int | None = Field(
        default=None, gt=0, le=MAX_TOKENS,
        description="tokens prefilled in one forward; None = the whole context"
    )
    request_context: int | None = Field(
        default=None, gt=0, le=MAX_TOKENS,
        description="tokens a request holds when the engine's own default window (Ollama's NumCtx by VRAM) "
        "is wider than the context asked for; decode speed is quoted there, since the engine reads only the "
        "cache cells in use (llama.cpp llama_kv_cache::get_n_kv); None = the context",
    )
    batch: int = Field(default=1, gt=0, le=MAX_COUNT)
    logits: Literal["last", "all"] = Field(
        default="last", description="inference: logits for the last position (generate) or every position"
    )
    optimizer: Optimizer | None = Field(default=None, description="None = the framework's default")
    master_weights: bool | None = Field(
        default=None, description="fp32 master copy in mixed precision; None = on for fp16/bf16 full/training"
    )
    gradient_checkpointing: bool | None = Field(
        default=None, description="None = the framework's default for the mode"
    )
    framework: Framework | None = Field(
        default=None, description="training loop whose defaults apply; None = trainer (transformers)"
    )
    loss: Loss | None = Field(default=None, description="None = the framework's default")
    loss_chunks: int | None = Field(
        default=None, gt=0, le=MAX_LOSS_CHUNKS, description="chunks of a chunked loss"
    )
    optimizer_in_backward: bool | None = Field(
        default=None, description="step each parameter as its gradient is ready (None = framework's)"
    )
    activation_offloading: bool | None = Field(
        default=None, description="saved activations go to host RAM (None = framework's)"
    )
    gradient_accumulation: int = Field(
        default=1, gt=0, le=MAX_COUNT, description="micro-batches per optimizer step"
    )
    compile: bool = Field(
        default=False,
        description="each decoder layer and the loss run under torch.compile (torchtune compile: True)",
    )
    liger: bool = Field(
        default=False, description="Liger kernels (use_liger_kernel): fused CE, RMSNorm, SwiGLU, RoPE"
    )
    padding_free: bool = Field(
        default=False,
        description="the batch's sequences are flattened into one row without padding (TRL padding_free, "
        "DataCollatorWithFlattening); context is then the mean tokens per sequence",
    )
    objective: Objective = Field(
        default=Objective.SFT,
        description="sft, or dpo (TRL DPOTrainer): each example is a chosen and a rejected sequence of "
        "`context` tokens run as one concatenated batch, with a frozen reference (estimate/preference.py)",
    )
    precompute_ref_log_probs: bool = Field(
        default=False,
        description="DPO: the reference log-probabilities are computed once before training (TRL "
        "precompute_ref_log_probs), so no reference model or reference forward during training",
    )
    completion_tokens: int | None = Field(
        default=None,
        gt=0,
        le=MAX_TOKENS,
        description="GRPO: generated tokens per sequence (max_completion_length; the lm_head runs on these "
        "only); None = TRL's default 512, at most the context",
    )
    kl_beta: float = Field(
        default=0.0,
        ge=0.0,
        le=1e6,
        description="GRPO: the KL coefficient (GRPOConfig.beta); above 0 full training loads a frozen "
        "reference copy (TRL's default 0.0 loads none)",
    )
    flex_dense_mask: bool = Field(
        default=False,
        description="Unsloth's attention-sink FlexAttention (gpt-oss) before unsloth-zoo dc8308b (September "
        "2025) built each block mask from a dense query x key grid (estimate/unsloth_flex_mask.py)",
    )
    unsloth_2024: bool = Field(
        default=False,
        description="Unsloth of 2024 (before unsloth 4f16602, March 2025): matmul_lora adds the LoRA term "
        "through an output-sized temporary (estimate/unsloth_kernels.py), every layer keeps its own RoPE "
        "cos/sin caches (estimate/unsloth_2024.py), and the offloaded checkpoint sends every block input to "
        "the host with no GPU buffer (activations/candidates.py)",
    )
    held_logits: HeldLogits = Field(
        default=HeldLogits.NONE,
        description="how long the training loop keeps the model output's logits referenced past the loss "
        "(estimate/held_logits.py): none, step (through backward and the optimizer step), always",
    )
    fp8_training: Fp8Recipe | None = Field(
        default=None,
        description="torchao float8 training (convert_to_float8_training): the decoder's linears run "
        "fp8 GEMMs with this scaling recipe; weights, gradients and states keep their dtype",
    )
    fp8_all_gather: bool | None = Field(
        default=None,
        description="FSDP2 all-gathers the fp8 casts of the linear weights (tensorwise only); None = the "
        "framework's (torchtune: on with its default tensorwise recipe)",
    )
    offload_optimizer: Offload = Field(
        default=Offload.NONE, description="DeepSpeed ZeRO offload of optimizer states (and master copy)"
    )
    offload_params: Offload = Field(
        default=Offload.NONE,
        description="ZeRO-3 parameter offload (DeepSpeed offload_param; FSDP CPUOffload, whose optimizer "
        "steps on the host: param_offload.py)",
    )
    zero_impl: ZeroImpl = Field(
        default=ZeroImpl.AUTO,
        description="the library behind --zero; auto = DeepSpeed for a Hugging Face Trainer-family run "
        "with an fp32 master copy, FSDP otherwise (deepspeed_step.py)",
    )
    ds_reduce_bucket: int | Literal["auto"] | None = Field(
        default=None,
        description="DeepSpeed zero_optimization.reduce_bucket_size in elements; 'auto' = hidden_size², "
        "None = DeepSpeed's default 5e8 (deepspeed_buckets.py)",
    )
    base_fp32: bool = Field(
        default=False,
        description="LoRA: the frozen base is loaded in fp32 and cast to the compute dtype per use "
        "(peft's examples/sft; FSDP MixedPrecision, autocast) (fp32_base.py)",
    )
    attention: Attention | None = Field(default=None, description="None = the model's default kernel")
    lora_rank: int = Field(
        default=8, gt=0, le=65536,
        description="no layer is wider than 65,536; unset = the framework's default (lora_rank.py)",
    )
    lora_targets: tuple[str, ...] | None = Field(
        default=None,
        description="module names, or ('all-linear',); None = PEFT's default for the architecture",
    )
    lora_dropout: float = Field(
        default=0.0, ge=0, lt=1,
        description="peft LoraConfig.lora_dropout; unset = the framework's default (lora_dropout_default.py: "
        "TRL 0.05, axolotl's examples 0.05, else 0.0): above 0 every wrapped layer keeps a dropped copy of "
        "its input and a 1-byte mask for backward (activations/walk.py)",
    )
    zero: Literal[0, 1, 2, 3] = 0
    num_gpus: int = Field(default=1, gt=0, le=MAX_GPUS)
    tp: int = Field(default=1, gt=0, le=MAX_GPUS)
    pp: int = Field(default=1, gt=0, le=MAX_GPUS)
    engine: Engine = Engine.TRANSFORMERS
    gpu_memory_utilization: float = Field(default=0.9, gt=0, le=1, description="vLLM's share of the card")
    gpu_layers: int | None = Field(
        default=None, ge=0, le=MAX_COUNT, description="llama.cpp layers on the GPU; None = all"
    )
    # Engine settings (issue 9); None = the engine's own default, which its module names.
    max_num_seqs: int | None = Field(
        default=None, gt=0, le=MAX_COUNT, description="vLLM/SGLang: running sequences"
    )
    max_num_batched_tokens: int | None = Field(
        default=None, gt=0, le=MAX_TOKENS,
        description="vLLM: tokens per scheduler step (the profile run's batch)"
    )
    enforce_eager: bool = Field(default=False, description="vLLM: no CUDA graphs")
    enable_prefix_caching: bool = Field(default=False, description="vLLM: prefix caching (hybrid: align)")
    block_size: int | None = Field(default=None, gt=0, le=MAX_TOKENS, description="vLLM: tokens per KV block")
    kv_cache_memory: int | None = Field(
        default=None, gt=0, le=MAX_BYTES, description="vLLM: explicit KV budget, bytes"
    )
    mem_fraction_static: float | None = Field(
        default=None, gt=0, le=1, description="SGLang: share of the card for weights and the KV pool"
    )
    # SGLang's hybrid (Mamba / linear-attention) state pool, server_args.py (0.5.23).
    max_mamba_cache_size: int | None = Field(
        default=None, gt=0, le=MAX_COUNT, description="SGLang: MambaPool slots"
    )
    mm_encoder_tp_mode: Literal["weights", "data"] | None = Field(
        default=None,
        description="vLLM --mm-encoder-tp-mode: TP splits the vision encoder's weights (weights, the "
        "default) or every rank keeps it whole (data); estimate/encoder_tp.py",
    )
    language_model_only: bool = Field(
        default=False, description="vLLM --language-model-only: no vision or audio tower built or profiled"
    )
    cudagraph_mode: str | None = Field(
        default=None, description="vLLM compilation_config cudagraph_mode (vllm_cudagraph_mode.py)"
    )
    mamba_ssm_dtype: Literal["float32", "bfloat16", "float16"] | None = Field(
        default=None, description="SGLang: dtype of the SSM / delta state (default float32)"
    )
    mamba_full_memory_ratio: float | None = Field(
        default=None, gt=0, allow_inf_nan=False,
        description="SGLang: state pool : KV pool split of the static share (0.9)",
    )
    disable_radix_cache: bool = Field(default=False, description="SGLang: no prefix (radix) cache")
    allow_long_context: bool = Field(
        default=False,
        description="vLLM/SGLang: started with VLLM_ALLOW_LONG_MAX_MODEL_LEN=1 / "
        "SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1, so a context above the length derived from the config "
        "starts (estimate/engines/serving_context.py)",
    )
    # SGLang --enable-dp-attention --dp-size N (estimate/engines/sglang_dp_attention.py)
    dp_attention: int = Field(
        default=1, gt=0, le=MAX_GPUS,
        description="SGLang: attention data-parallel groups inside the TP group (--dp-size with "
        "--enable-dp-attention); 1 = off",
    )
    dp_lm_head: bool = Field(
        default=False, description="SGLang --enable-dp-lm-head: the LM head split over the attention TP group"
    )
    # vLLM --data-parallel-size / --enable-expert-parallel (estimate/engines/vllm_expert_parallel.py)
    data_parallel: int = Field(
        default=1, gt=0, le=MAX_GPUS,
        description="vLLM --data-parallel-size: engine cores, each with its own TP copy of the non-expert "
        "weights and its own KV pool; a MoE model's experts span tp x data_parallel GPUs",
    )
    expert_parallel: bool = Field(
        default=False,
        description="vLLM --enable-expert-parallel: whole experts over tp x data_parallel GPUs (ceil share)",
    )
    # SGLang --moe-a2a-backend / vLLM --all2all-backend (each engine checks its own names:
    # estimate/engines/sglang_moe_a2a.py, vllm_all2all.py)
    moe_a2a_backend: str | None = Field(
        default=None,
        description="MoE token all-to-all backend, in the engine's own words: SGLang --moe-a2a-backend "
        "(none, deepep, ...), vLLM --all2all-backend (allgather_reducescatter, deepep_low_latency, "
        "deepep_high_throughput, ...); unset: the engine's default",
    )
    decode_context_parallel: int = Field(
        default=1, ge=1, le=MAX_COUNT,
        description="vLLM --decode-context-parallel-size: TP ranks each request's KV tokens are split over",
    )
    cuda_graph_max_bs: int | None = Field(
        default=None, gt=0, le=MAX_COUNT, description="SGLang: largest decode batch captured in a CUDA graph"
    )
    # SGLang --scheduler-recv-interval (estimate/engines/sglang_arrivals.py): speed only
    scheduler_recv_interval: int = Field(
        default=1, ge=1, le=MAX_COUNT,
        description="SGLang --scheduler-recv-interval: decode steps between the scheduler's polls for new "
        "requests (1, SGLang's default: every step); serving speed only",
    )
    ubatch: int | None = Field(default=None, gt=0, le=MAX_TOKENS, description="llama.cpp n_ubatch")
    n_batch: int | None = Field(default=None, gt=0, le=MAX_TOKENS, description="llama.cpp n_batch")
    flash_attn: FlashAttn = Field(default=FlashAttn.AUTO, description="llama.cpp --flash-attn")
    backend: GgmlBackend = Field(
        default=GgmlBackend.AUTO, description="llama.cpp/Ollama: ggml GPU backend (speed only: vulkan runs "
        "FP16 cooperative-matrix or scalar shaders, not CUDA's int8 MMQ; sycl converts to FP16 for oneDNN)")
    n_cpu_moe: int | None = Field(
        default=None, ge=0, le=MAX_COUNT, description="llama.cpp: MoE layers whose experts stay on the CPU"
    )
    op_offload: bool = Field(
        default=True,
        description="llama.cpp/Ollama: ops on host-resident weights run on the first GPU at a batch of 32 or "
        "more, with a copy of the weight in its compute buffer (llama-server --no-op-offload: False)",
    )
    engine_version: str | None = Field(
        default=None,
        description="llama.cpp: the build (b8571); Ollama, SGLang: the release (0.11.4, 0.4.3.post4); "
        "vLLM, transformers: the release (0.4.2, 4.46.0: its speed profile); None = the release modelled",
    )
    images: int = Field(
        default=0, ge=0, le=100_000, description="images per sequence, encoded by the vision tower at prefill"
    )
    image_size: tuple[int, int] | None = Field(
        default=None, description="(width, height) of each image in pixels; None = the model's default"
    )
    audio_seconds: float = Field(
        default=0.0, ge=0, le=86_400, description="seconds of audio per sequence, encoded by the audio tower"
    )
    video_frames: int = Field(default=0, ge=0, le=100_000, description="video frames a sequence, as sampled")
    video_size: tuple[int, int] | None = Field(
        default=None, description="(width, height) of each video frame in pixels; None = the model's default"
    )
    speculative: str | None = Field(
        default=None, description="speculative decoding drafter: mtp, eagle, eagle3 or draft:<model>"
    )
    num_speculative_tokens: int | None = Field(
        default=None, gt=0, le=64, description="draft tokens per step; None = the MTP layers (mtp)"
    )
    mxfp4_moe_backend: Literal["marlin", "triton", "flashinfer_trtllm", "rocm"] | None = Field(
        default=None, description="vLLM: MXFP4 MoE kernel family; None = picked from the GPU"
    )
    attention_backend: str | None = Field(
        default=None,
        description="vLLM / SGLang --attention-backend (the decode attention kernel, e.g. TRITON_ATTN, "
        "ROCM_ATTN, triton, aiter); None = the engine's own pick (estimate/engines/rocm_decode_backend.py)",
    )
    gpu_compute_units: int | None = Field(
        default=None, gt=0, description="vLLM: the GPU's SMs (its top-k/top-p sampler buffer); None = unknown"
    )
    gpu_architecture: str | None = Field(
        default=None,
        description="the GPU's architecture (vLLM: cuBLAS workspace size; SGLang: FP8 Marlin on Ampere); "
        "None = unknown",
    )
    gpu_segment: str | None = Field(
        default=None,
        description="the GPU's catalog segment: datacenter, workstation, consumer, embedded, other (SGLang: "
        "SM100 is a datacenter Blackwell, where gpt-oss's MXFP4 experts take the trtllm-gen layout); "
        "None = unknown",
    )
    gpu_link: Literal["pcie", "switch", "nvls"] | None = Field(
        default=None,
        description="how the GPUs are linked, as NCCL places its buffers: pcie (host shared memory), switch "
        "(NVLink / fabric: device memory), nvls (NVLink 4/5 switch, multicast too); None = unknown",
    )
    mmproj: bool | None = Field(
        default=None,
        description="llama.cpp: the --mmproj file (vision/audio tower) is loaded beside the text GGUF; "
        "None = when images, audio or video are sent",
    )

    @model_validator(mode="before")
    @classmethod
    def _framework_lora_rank(cls, data: Any) -> Any:
        """An unset LoRA rank is the framework's own default (lora_rank.py), not one number for all."""
        if isinstance(data, Mapping) and data.get("lora_rank") is None:
            from llmsize.estimate.lora_rank import default_lora_rank

            framework = data.get("framework")
            try:
                rank = default_lora_rank(framework)[0]
            except ValueError:
                return data  # an unknown framework: the field's own check reports it
            return {**data, "lora_rank": rank}
        return data

    @model_validator(mode="before")
    @classmethod
    def _framework_lora_dropout(cls, data: Any) -> Any:
        """An unset LoRA dropout is the framework's own default (lora_dropout_default.py) for a LoRA/QLoRA
        run, peft's 0.0 otherwise (nothing is wrapped)."""
        if isinstance(data, Mapping) and data.get("lora_dropout") is None:
            from llmsize.estimate.lora_dropout_default import default_lora_dropout

            dropout = 0.0
            if str(data.get("mode", "")) in (Mode.LORA.value, Mode.QLORA.value):
                try:
                    dropout = default_lora_dropout(data.get("framework"))[0]
                except ValueError:
                    return data  # an unknown framework: the field's own check reports it
            return {**data, "lora_dropout": dropout}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Workload:
        name = self.attention_backend
        if name is not None and not (0 < len(name) <= 40 and name.replace("_", "").isascii()
                                     and name.replace("_", "").isalnum()):
            raise ValueError(f"attention_backend {name[:40]!r} is not a backend name (letters, digits, _)")
        if self.prompt_tokens is not None and self.prompt_tokens > self.context:
            raise ValueError(f"prompt_tokens ({self.prompt_tokens}) exceeds context ({self.context})")
        if self.request_context is not None and self.request_context > self.context:
            raise ValueError(f"request_context ({self.request_context}) exceeds context ({self.context})")
        if self.num_gpus % (self.tp * self.pp):
            raise ValueError(
                f"num_gpus ({self.num_gpus}) must be a multiple of tp x pp ({self.tp} x {self.pp})"
            )
        if self.num_gpus % (self.tp * self.pp * self.data_parallel):
            raise ValueError(
                f"num_gpus ({self.num_gpus}) must be a multiple of tp x pp x dp "
                f"({self.tp} x {self.pp} x {self.data_parallel})"
            )
        if self.mode is Mode.QLORA and self.dtype is Dtype.FP32:
            raise ValueError(
                "QLoRA keeps 4-bit base weights and computes in bf16/fp16; --dtype fp32 is impossible"
            )
        if self.base_fp32 and self.mode is not Mode.LORA:
            raise ValueError("--base-fp32 is for --mode lora: a 16-bit LoRA base loaded in fp32")
        if self.ubatch is not None and self.n_batch is not None and self.ubatch > self.n_batch:
            raise ValueError(f"--ubatch ({self.ubatch}) cannot exceed --n-batch ({self.n_batch})")
        if self.mode is Mode.INFERENCE and self.zero:
            raise ValueError("ZeRO shards training state; it does not apply to --mode inference")
        if self.mode is Mode.INFERENCE:
            self._no_training_options()
        if self.lora_targets is not None and not self.lora_targets:
            # Workload(lora_targets=()) sized LoRA on no module at all; the CLI refused an empty
            # --lora-targets, and PEFT wraps nothing and raises "Target modules ... not found in the base
            # model" (peft/tuners/tuners_utils.py BaseTuner.inject_adapter). Issue 15, round 9.
            raise ValueError("lora_targets is empty: name modules (q_proj, v_proj) or all-linear")
        if self.lora_targets is not None and self.mode.trains_all_weights:
            # `--mode full --lora-targets q_proj` sized full training and kept the targets in the report as
            # if they applied (issue 15, round 9): a setting that moves nothing is refused, as with inference
            raise ValueError(
                f"--lora-targets names the modules LoRA wraps; --mode {self.mode.value} trains every weight "
                "without adapters (use --mode lora or qlora, or drop --lora-targets)"
            )
        if self.optimizer_in_backward and self.gradient_accumulation > 1:
            raise ValueError(
                "the optimizer step fused into backward frees each gradient at once; it cannot "
                "accumulate gradients (torchtune requires gradient_accumulation_steps=1)"
            )
        if self.offload_params is not Offload.NONE and self.zero != 3:
            raise ValueError("parameter offload needs ZeRO stage 3 (DeepSpeed offload_param)")
        if self.zero_impl is not ZeroImpl.AUTO and self.zero == 0:
            raise ValueError("--zero-impl names the library behind --zero: give a ZeRO stage 1-3 too")
        if self.ds_reduce_bucket is not None and self.zero_impl is ZeroImpl.FSDP:
            raise ValueError(
                "--ds-reduce-bucket is a DeepSpeed ZeRO setting; --zero-impl fsdp runs PyTorch FSDP "
                "(no reduce bucket)"
            )
        if self.ds_reduce_bucket is not None and self.zero == 0:
            raise ValueError("--ds-reduce-bucket is a DeepSpeed ZeRO setting: give a ZeRO stage 1-3 too")
        if isinstance(self.ds_reduce_bucket, int) and not 0 < self.ds_reduce_bucket <= MAX_COUNT:
            raise ValueError(
                f"--ds-reduce-bucket {self.ds_reduce_bucket}: give 1 to {MAX_COUNT:,} elements or auto"
            )
        if self.offload_optimizer is not Offload.NONE and self.zero == 0:
            raise ValueError("optimizer offload needs ZeRO stage 1, 2 or 3 (DeepSpeed offload_optimizer)")
        if (self.completion_tokens is not None or self.kl_beta) and self.objective is not Objective.GRPO:
            raise ValueError(
                "--completion-tokens and --kl-beta are GRPO settings: they need --objective grpo"
            )
        if self.completion_tokens is not None and self.completion_tokens >= self.context:
            raise ValueError(
                f"--completion-tokens {self.completion_tokens} must be less than --context {self.context} "
                "(the context holds the prompt and the completion)"
            )
        if self.precompute_ref_log_probs and self.objective is not Objective.DPO:
            raise ValueError(
                "--precompute-ref-log-probs precomputes DPO's reference log-probabilities: it needs "
                "--objective dpo"
            )
        if self.padding_free and not self.mode.trains:
            raise ValueError(
                "--padding-free flattens training batches; it does not apply to --mode inference"
            )
        if self.image_size is not None and min(self.image_size) <= 0:
            raise ValueError(f"image_size {self.image_size[0]}x{self.image_size[1]} must be positive pixels")
        if self.image_size is not None and max(self.image_size) > 1_000_000:
            raise ValueError("image_size beyond 1,000,000 pixels a side is not an image llmsize can size")
        if self.video_size is not None and not 0 < min(self.video_size) <= max(self.video_size) <= 1_000_000:
            raise ValueError("video_size must be positive pixels, at most 1,000,000 a side")
        self._fp8_consistent()
        # Which engines train is each engine module's rule (estimate/engines/, `validate`).
        return self

    def _no_training_options(self) -> None:
        """A training setting with --mode inference (the default) was ignored without a word: `estimate
        Llama-3.1-8B --optimizer adamw-8bit` sized inference (issue 15: a default that moves the number
        must be said). Refused, naming the modes it belongs to."""
        if all(getattr(self, field) == unset for field, (_, unset) in _TRAINING_OPTIONS.items()):
            return  # the common case, checked once (fit --all validates a workload per model and step)
        for field, (flag, unset) in _TRAINING_OPTIONS.items():
            if getattr(self, field) != unset:
                raise ValueError(
                    f"{flag} is a training setting; it does not apply to --mode inference "
                    "(add --mode full, lora, qlora or training)"
                )

    def _fp8_consistent(self) -> None:
        """torchao's rules for float8 training (torchao/float8/config.py Float8LinearConfig)."""
        if self.fp8_training is not None and not self.mode.trains_all_weights:
            raise ValueError(
                "--fp8-training converts the trained linears to torchao Float8Linear: it needs "
                "--mode full or training"
            )
        if self.fp8_all_gather and (self.fp8_training is not Fp8Recipe.TENSORWISE or self.zero != 3):
            raise ValueError(
                "--fp8-all-gather needs --fp8-training tensorwise and FSDP/ZeRO-3 (torchao supports "
                "float8 all-gather only with tensorwise scaling)"
            )

    @property
    def dp(self) -> int:
        """Data-parallel degree: GPUs left after tensor and pipeline parallelism."""
        return self.num_gpus // (self.tp * self.pp)

    @property
    def prefill_tokens(self) -> int:
        return self.prompt_tokens if self.prompt_tokens is not None else self.context
