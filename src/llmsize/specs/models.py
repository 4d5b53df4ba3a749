"""ModelSpec: everything the memory model needs to know about an architecture and its weights.

A ModelSpec is built from a real `config.json` (`ModelSpec.from_hf_config`, see the package
`specs/hf_config/`), from the bundled catalog (whose entries *are* config.json facts), from a GGUF
header, or, for an unknown name with a size, approximated from that size (provenance says so).
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Any, Literal

from llmsize.records import ConfigDict, Field, Record, model_validator
from llmsize.specs.audio_tower import AudioTower
from llmsize.specs.vision_tower import VisionTower

LayerType = Literal[
    "full_attention",  # attends to the whole context; its KV grows with it
    "sliding_attention",  # at most `sliding_window` tokens
    "chunked_attention",  # Llama 4 local layers: attends within chunks of `attention_chunk_size`
    "linear_attention",  # gated delta-net / KDA / lightning: fixed (conv +) recurrent state per sequence
    "mamba",  # Mamba / Mamba-2 mixer: fixed conv + SSM state per sequence (`recurrent`)
    "conv",  # LFM2 short convolution: a fixed conv state per sequence (`recurrent`)
    "hybrid",  # attention and a Mamba mixer side by side in one block (Falcon-H1)
    "compressed_sparse_attention",  # DeepSeek V4 CSA: sliding window + pooled KV every m tokens + indexer
    "heavily_compressed_attention",  # DeepSeek V4 HCA: sliding window + pooled KV every m' tokens
    "none",  # no token mixer: an MLP- or MoE-only block (Nemotron-H)
]
FfnType = Literal["dense", "moe", "none"]
# Layer kinds whose cache grows with the context (K/V per token), and those that keep a fixed state.
ATTENTION_KINDS: frozenset[str] = frozenset(
    {
        "full_attention",
        "sliding_attention",
        "chunked_attention",
        "hybrid",
        "compressed_sparse_attention",
        "heavily_compressed_attention",
    }
)
# DeepSeek V4's layers whose cache pools the context into one entry per `rate` tokens.
COMPRESSED_KINDS: frozenset[str] = frozenset({"compressed_sparse_attention", "heavily_compressed_attention"})
RECURRENT_KINDS: frozenset[str] = frozenset({"linear_attention", "mamba", "conv", "hybrid"})


class QuantMethod(StrEnum):
    """Weight formats that change bytes per parameter beyond a plain dtype."""

    GPTQ = "gptq"
    AWQ = "awq"
    BNB_NF4 = "bnb-nf4"
    BNB_FP4 = "bnb-fp4"
    BNB_INT8 = "bnb-int8"
    FP8 = "fp8"
    MXFP4 = "mxfp4"
    NVFP4 = "nvfp4"
    GGUF = "gguf"
    EXL2 = "exl2"
    MLX = "mlx"
    COMPRESSED_TENSORS = "compressed-tensors"


class ProvenanceKind(StrEnum):
    CATALOG = "catalog"
    HUB = "hub"
    CACHE = "cache"
    LOCAL = "local"
    GGUF = "gguf"
    APPROXIMATE = "approximate"


class Provenance(Record):
    """Where a spec came from, so offline and online answers can be told apart."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    kind: ProvenanceKind
    source: str = Field(description="URL, repo id, file path or catalog file the numbers came from")
    revision: str | None = None
    cache_age_s: float | None = None
    note: str | None = None

    def describe(self) -> str:
        """One human line, e.g. 'bundled catalog (source: https://...)'."""
        label = {
            ProvenanceKind.CATALOG: "bundled catalog",
            ProvenanceKind.HUB: "Hugging Face Hub",
            ProvenanceKind.CACHE: "local cache of the Hub",
            ProvenanceKind.LOCAL: "local files",
            ProvenanceKind.GGUF: "GGUF header",
            ProvenanceKind.APPROXIMATE: "approximation from the name's size",
        }[self.kind]
        parts = [f"{label}: {self.source}"]
        if self.revision:
            parts.append(f"revision {self.revision}")
        if self.cache_age_s is not None:
            parts.append(f"cached {self.cache_age_s / 3600:.1f} h ago")
        if self.note:
            parts.append(self.note)
        return ", ".join(parts)


# A gguf_tensor_types pin meaning "the ggml type the file type gives a weight no rule singles out"
# (Q4_K for Q4_K_M): a quantizer that skipped llama-quant.cpp's rules for that tensor (specs/bartowski.py).
FILE_TYPE_DEFAULT = "default"
# A gguf_tensor_types pin meaning "this group is not in the file": the vision tower of a text GGUF, which
# llama.cpp keeps in a separate mmproj file (estimate/engines/llama_cpp_mmproj.py separate_mmproj).
NOT_IN_FILE = "absent"
# A gguf_tensor_types pin value "recipe:Q4_K_M": this group follows llama-quant.cpp's rules for that file
# type instead of the file's own (Unsloth's dynamic low-bit MoE files, specs/unsloth.py).
RECIPE_PIN = "recipe:"


class WeightFormat(Record):
    """How the weights are stored: a plain dtype, or a quantization method with its parameters.

    `dtype` is the dtype of everything the method leaves unquantized (embeddings, norms, lm_head,
    routers) and, for a plain checkpoint, of every weight.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    dtype: Literal["fp32", "fp16", "bf16", "fp8", "int8", "int4"] = "bf16"
    quant: QuantMethod | None = None
    bits: float | None = Field(
        default=None, gt=0, le=64, description="bits per quantized weight (EXL2 allows fractions)"
    )
    group_size: int | None = Field(default=None, description="GPTQ/AWQ group size; -1 = per channel")
    desc_act: bool = False
    sym: bool = True
    gguf_type: str | None = Field(default=None, description="llama.cpp file type, e.g. Q4_K_M")
    double_quant: bool = Field(default=True, description="bitsandbytes NF4 double quantization")
    mode: str | None = Field(default=None, description="mlx quantization mode: affine, mxfp4, nvfp4, mxfp8")
    modules_not_converted: tuple[str, ...] = ()
    gguf_tensor_types: tuple[tuple[str, str], ...] = Field(
        default=(),
        description="GGUF: ('kind.category', ggml type) pins a quantizer applies before its own rules "
        "(Ollama's qwen3.5 Q4_K_M: ('expert.ffn_down', 'Q6_K')); kind '*' matches any group, category '*' "
        "any category of that kind; a value 'recipe:FTYPE' applies that file type's rules to the group",
    )
    expert_quant: QuantMethod | None = Field(
        default=None,
        description="format of the routed experts when it differs (DeepSeek V4: FP8 layers, FP4 experts)",
    )
    kind_quant: tuple[tuple[str, QuantMethod | None], ...] = Field(
        default=(),
        description="per layer kind (attn, mixer, mlp, expert, shared_expert), the format where it differs "
        "from `quant` (ModelOpt MIXED_PRECISION); None: left in `dtype`",
    )

    def label(self) -> str:
        if self.quant is None:
            return self.dtype
        if self.quant == QuantMethod.GGUF and self.gguf_type:
            # a float GGUF of gpt-oss keeps its MXFP4 experts (formats.MXFP4_EXPERT_PINS): say so
            pinned = ("expert.ffn_down", "MXFP4") in self.gguf_tensor_types
            if pinned and self.gguf_type in ("BF16", "F16", "F32"):
                return f"mxfp4 experts + gguf {self.gguf_type}"
            return f"gguf {self.gguf_type}"
        bits = f"{self.bits:g}-bit" if self.bits else ""
        if self.mode and self.mode != "affine":
            bits = f"{self.mode} {bits}".strip()
        experts = f"+ {self.expert_quant} experts" if self.expert_quant is not None else ""
        mixed = ", ".join(f"{kind} {q or self.dtype}" for kind, q in self.kind_quant)
        return " ".join(p for p in (str(self.quant), bits, experts, f"({mixed})" if mixed else "") if p)


class TensorInfo(Record):
    """One tensor of a checkpoint: name, storage type and shape (from a safetensors or GGUF header)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str
    dtype: str
    shape: tuple[int, ...]
    n_bytes: int = Field(ge=0)

    @model_validator(mode="after")
    def _sizes(self) -> TensorInfo:
        if any(d < 0 for d in self.shape):
            raise ValueError(f"tensor {self.name} has a negative dimension {list(self.shape)}")
        return self


class CheckpointInfo(Record):
    """Exact facts read from checkpoint headers (no tensor data loaded). Counts are never negative:
    a header yields none, and a cached snapshot (specs/cache.py) that says so is refused where it is
    read, not deep in the estimate (issue 15 round 12: total_bytes -1 was an internal error)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    format: Literal["safetensors", "gguf"]
    params_by_dtype: dict[str, int] = Field(default_factory=dict)
    total_params: int = Field(ge=0)
    total_bytes: int = Field(ge=0)
    tensors: tuple[TensorInfo, ...] = ()

    @model_validator(mode="after")
    def _counts(self) -> CheckpointInfo:
        negative = sorted(k for k, n in self.params_by_dtype.items() if n < 0)
        if negative:
            raise ValueError(f"params_by_dtype has a negative count for {', '.join(negative)}")
        return self


# Deeper than any published transformer: the deepest decoders have a few hundred blocks, and the deepest
# trained transformer, DeepNet, 1,000 layers (Wang et al., "DeepNet: Scaling Transformers to 1,000 Layers",
# arXiv 2203.00555: "up to 1,000 layers (i.e., 2,500 attention and feed-forward network sublayers)").
# The estimate walks every block (per stage, per layout a search tries), so a corrupt count of 10^12
# exhausted memory, and 65,536 blocks took 3.5 to 11 s on a layout search (issue 15, round 15).
MAX_LAYERS = 4_096


class RecurrentSpec(Record):
    """The fixed-size token mixer of linear-attention, Mamba and short-conv layers, and its state.

    The state of one sequence does not grow with the context: a convolution window of
    `conv_state_width` columns over `conv_channels` channels, kept in the compute dtype, and a
    recurrent (SSM / delta-rule) state of `recurrent_state_elements` values, kept in
    `recurrent_state_dtype` (fp32 where the modeling code computes the state in fp32). Shapes follow
    transformers 5.23 (`cache_utils.LinearAttentionLayer`, and each model's mixer).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    kind: Literal["gated_deltanet", "kimi_delta", "lightning", "mamba", "mamba2", "short_conv"]
    num_heads: int = Field(default=0, ge=0, description="value heads (delta-net), SSM heads (Mamba-2)")
    num_key_heads: int = Field(default=0, ge=0)
    key_head_dim: int = Field(default=0, ge=0)
    value_head_dim: int = Field(default=0, ge=0, description="delta-net value head dim; Mamba-2 head_dim")
    inner_size: int = Field(default=0, ge=0, description="Mamba d_inner (expand x hidden)")
    state_size: int = Field(default=0, ge=0, description="Mamba SSM state size N")
    n_groups: int = Field(default=1, ge=1)
    conv_kernel: int = Field(gt=0)
    conv_bias: bool = False
    proj_bias: bool = Field(default=False, description="bias on the input projection")
    out_proj_bias: bool = False
    gated_norm: bool = Field(default=True, description="Mamba-2 gated RMSNorm before out_proj")
    dt_rank: int = Field(default=0, ge=0, description="Mamba-1 dt projection rank")
    split_projections: bool = Field(
        default=False, description="separate in_proj_qkv/z/b/a (Qwen3.5) instead of fused ones"
    )
    qk_norm: bool = Field(default=False, description="per-head q/k RMSNorm in the mixer (Ling's lightning)")
    recurrent_state_dtype: Literal["fp32", "model"] = "fp32"
    chunk_size: int = Field(
        default=0, ge=0, description="tokens per chunk of the chunked scan (Mamba-2); 0: the mixer's default"
    )

    @property
    def conv_channels(self) -> int:
        if self.kind == "gated_deltanet":
            return 2 * self.num_key_heads * self.key_head_dim + self.num_heads * self.value_head_dim
        if self.kind == "kimi_delta":
            return 3 * self.num_heads * self.key_head_dim  # q, k, v convolved separately
        if self.kind == "lightning":
            return 0  # no short convolution: the state is the per-head K^T V sum alone
        if self.kind == "mamba2":
            return self.inner_size + 2 * self.n_groups * self.state_size
        return self.inner_size  # mamba, short_conv (inner_size = hidden)

    @property
    def conv_state_width(self) -> int:
        return self.conv_kernel

    @property
    def conv_state_elements(self) -> int:
        """Per sequence and layer."""
        return self.conv_channels * self.conv_state_width

    @property
    def recurrent_state_elements(self) -> int:
        """Per sequence and layer (0 for a short convolution)."""
        if self.kind == "gated_deltanet":
            return self.num_heads * self.key_head_dim * self.value_head_dim
        if self.kind in ("kimi_delta", "lightning"):
            return self.num_heads * self.key_head_dim * self.value_head_dim
        if self.kind == "mamba2":
            return self.num_heads * self.value_head_dim * self.state_size
        if self.kind == "mamba":
            return self.inner_size * self.state_size
        return 0

    def state_bytes(self, compute_bytes: int) -> int:
        """Bytes of one sequence's state in one layer: the conv window in the compute dtype, the
        recurrent state in `recurrent_state_dtype` (what `cache_utils.LinearAttentionLayer` keeps)."""
        rec = 4 if self.recurrent_state_dtype == "fp32" else compute_bytes
        return self.conv_state_elements * compute_bytes + self.recurrent_state_elements * rec


class IndexerSpec(Record):
    """DeepSeek Sparse Attention's lightning indexer (DeepSeek-V3.2, GLM-5): its own small key cache.

    Per token and layer the cache keeps one `head_dim` key (`cache_utils.DynamicIndexedLayer`,
    `indexer_keys` of shape [batch, tokens, index_head_dim]); attention then reads `topk` tokens.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    num_heads: int = Field(gt=0)
    head_dim: int = Field(gt=0)
    topk: int = Field(gt=0)

    @property
    def cache_elements_per_token(self) -> int:
        """Indexer key values one token adds to one layer's cache."""
        return self.head_dim


class CompressedKvSpec(Record):
    """DeepSeek V4's attention (transformers 5.23 `modeling_deepseek_v4.py`): shared-KV multi-query
    attention (one `head_dim` vector serves as key and value) over a sliding window, and on its
    compressed layers a pool of one entry per `rate` tokens on top (CSA: `csa_rate`, with the
    lightning indexer of `ModelSpec.indexer`; HCA: `hca_rate`). The residual stream is `hc_mult`
    hyper-connection streams wide; the output projection is grouped (`o_groups` x `o_lora_rank`).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    csa_rate: int = Field(gt=1, description="tokens per pooled entry of compressed_sparse_attention")
    hca_rate: int = Field(gt=1, description="tokens per pooled entry of heavily_compressed_attention")
    o_groups: int = Field(gt=0)
    o_lora_rank: int = Field(gt=0)
    hc_mult: int = Field(ge=1, description="manifold-constrained hyper-connection streams")

    def rate(self, kind: str) -> int:
        """Tokens pooled into one entry by a layer of `kind`."""
        return self.csa_rate if kind == "compressed_sparse_attention" else self.hca_rate

    @staticmethod
    def overlapping(kind: str) -> bool:
        """CSA pools overlapping windows: its projections emit two series (2 x width per token)."""
        return kind == "compressed_sparse_attention"


class ModelSpec(Record):
    """Architecture + weight format + provenance of one model.

    Field names follow Hugging Face config.json where one exists. Counts are integers; the
    parameter inventory (`specs/params.py`) turns them into exact parameter counts.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str
    family: str | None = None
    model_type: str
    architecture: str | None = Field(default=None, description="config.json architectures[0]")
    hf_repo: str | None = None

    # Transformer trunk
    num_layers: int = Field(gt=0)
    hidden_size: int = Field(gt=0)
    num_attention_heads: int = Field(gt=0)
    num_kv_heads: int = Field(gt=0)
    head_dim: int = Field(gt=0)
    intermediate_size: int = Field(ge=0)
    vocab_size: int = Field(gt=0)
    max_position_embeddings: int = Field(gt=0)
    tie_word_embeddings: bool = False
    # RoPE facts from config.json rope_scaling / rope_parameters (engines size their cos/sin caches)
    rope_scaling_type: str | None = Field(default=None, description="rope_type: linear, dynamic, yarn, ...")
    # At most 2^20: published factors are 4-40 (YaRN), and vLLM/SGLang multiply max_position_embeddings by
    # it (serving_context.py), so 1e308 made the derived length infinite: an internal error (issue 15)
    rope_scaling_factor: float = Field(default=1.0, gt=0, le=1 << 20)
    rope_fp32: bool = Field(default=False, description="q/k rotated in fp32 with fp32 cos/sin (Ernie 4.5)")
    rope_original_max_positions: int | None = Field(
        default=None, gt=0, description="rope_scaling original_max_position_embeddings (YaRN)"
    )
    local_rope: bool = Field(
        default=False, description="sliding layers run their own unscaled RoPE (Gemma 3's local base)"
    )
    rotary_fraction: float = Field(
        default=1.0, gt=0, le=1, description="partial_rotary_factor: the share of head_dim RoPE rotates"
    )

    # Biases and norms
    qkv_bias: bool = False
    o_bias: bool = False
    mlp_bias: bool = False
    lm_head_bias: bool = False
    mlp_gated: bool = Field(default=True, description="SwiGLU/GeGLU: gate+up+down; False: up+down")
    mlp_activation: str = Field(
        default="", description="the MLP's hidden_act (ACT2FN name): eager ops and engine kernels differ"
    )
    norm_type: Literal["rmsnorm", "layernorm"] = "rmsnorm"
    norms_per_layer: int = Field(default=2, ge=0, description="hidden-size norms in each block")
    sublayer_norms: bool = Field(
        default=False,
        description="each norm belongs to a sublayer: a block without attention or MLP has no norm "
        "for it (Llama-Nemotron NAS no_op blocks); overrides norms_per_layer",
    )
    qk_norm: Literal["none", "head", "full"] = Field(
        default="none", description="per-head q/k RMSNorm (Qwen3, Gemma3: 'head'), or over all heads ('full')"
    )
    qk_norm_tp_collectives: int = Field(
        default=0, ge=0, description="collectives each attention block adds under tensor parallelism for a "
        "q/k norm whose statistic spans all heads: MiniMax-M2 all-reduces the sums of squares (1), OLMo 2 "
        "all-gathers q and k (2); 0: the norm stays on each rank (hardware/qk_norm_tp.py)"
    )
    final_norm: bool = True
    fused_qkv: bool = Field(default=False, description="one qkv projection module (Phi-3, Falcon, ChatGLM)")
    fused_gate_up: bool = Field(default=False, description="one gate_up projection module (Phi-3, ChatGLM)")
    parallel_block: bool = Field(default=False, description="attention and MLP read the same input (Falcon)")
    attention_sinks: bool = Field(default=False, description="a learned sink logit per head (gpt-oss)")
    attention_sinks_sliding_only: bool = Field(
        default=False, description="only the sliding-window blocks have the sink logits (MiMo-V2-Flash)"
    )
    position_embedding_params: int = Field(default=0, ge=0, description="learned absolute positions, if any")

    # Mixture of experts (num_experts == 0: dense)
    num_experts: int = Field(default=0, ge=0)
    num_experts_per_tok: int = Field(default=0, ge=0)
    moe_intermediate_size: int = Field(default=0, ge=0)
    num_shared_experts: int = Field(default=0, ge=0)
    shared_expert_intermediate_size: int = Field(default=0, ge=0)
    shared_expert_gate: bool = Field(
        default=False, description="Qwen2-MoE's sigmoid gate on the shared expert"
    )
    first_k_dense_layers: int = Field(default=0, ge=0, description="leading blocks with a dense MLP")
    moe_layer_freq: int = Field(default=1, ge=1, description="every n-th block (after the dense ones) is MoE")
    router_bias: bool = False
    router_score_correction_bias: bool = Field(
        default=False, description="DeepSeek-V3 e_score_correction_bias"
    )
    expert_bias: bool = Field(default=False, description="biases in expert projections (gpt-oss)")
    moe_latent_size: int = Field(
        default=0,
        ge=0,
        description="LatentMoE (Nemotron 3 Super): routed experts work in this width between a down and an "
        "up projection of the hidden state (0: experts read the hidden state itself)",
    )

    # Multi-head latent attention (DeepSeek V2/V3); kv_lora_rank == 0: standard attention
    q_lora_rank: int = Field(default=0, ge=0)
    kv_lora_rank: int = Field(default=0, ge=0)
    qk_nope_head_dim: int = Field(default=0, ge=0)
    qk_rope_head_dim: int = Field(default=0, ge=0)
    v_head_dim: int = Field(
        default=0,
        ge=0,
        description="V head size: MLA's; for standard attention, when it differs from head_dim "
        "(MiMo-V2-Flash: q/k 192, v 128); 0 = head_dim",
    )

    # Attention span
    sliding_window: int | None = Field(default=None, gt=0)
    layer_types: tuple[LayerType, ...] | None = Field(
        default=None, description="per block; None = every block attends to the full context"
    )
    attention_chunk_size: int | None = Field(default=None, gt=0, description="chunked_attention span")
    ffn_types: tuple[FfnType, ...] | None = Field(
        default=None, description="per block MLP kind; None = from first_k_dense_layers/moe_layer_freq"
    )
    global_head_dim: int | None = Field(
        default=None, gt=0, description="head size of the full_attention blocks when it differs (Gemma 4)"
    )
    global_num_kv_heads: int | None = Field(
        default=None, gt=0, description="KV heads of the full_attention blocks when they differ (Gemma 4)"
    )
    global_num_attention_heads: int | None = Field(
        default=None,
        gt=0,
        description="query heads of the full_attention blocks when they differ (Step-3.5-Flash: 64 vs 96)",
    )
    global_k_eq_v: bool = Field(
        default=False, description="full_attention blocks take V from the k projection: no v_proj (Gemma 4)"
    )
    layer_scalar: bool = Field(
        default=False, description="one persistent scalar buffer per block, kept in the checkpoint (Gemma 4)"
    )
    router_scales: bool = Field(
        default=False, description="router keeps a hidden-size scale and a per-expert scale (Gemma 4)"
    )
    attn_output_gate: bool = Field(
        default=False, description="q_proj also emits a sigmoid gate on the attention output (Qwen3-Next)"
    )
    attn_head_gate: bool = Field(
        default=False, description="g_proj: one sigmoid gate per query head on the output (Step-3.5-Flash)"
    )
    recurrent: RecurrentSpec | None = Field(
        default=None, description="the mixer of linear_attention / mamba / conv / hybrid blocks"
    )
    indexer: IndexerSpec | None = Field(
        default=None, description="DSA indexer of every MLA block (DeepSeek V4: of its CSA blocks)"
    )
    compressed: CompressedKvSpec | None = Field(
        default=None, description="DeepSeek V4 attention: shared-KV MQA with pooled KV (compressed kinds)"
    )
    hash_moe_layers: tuple[int, ...] = Field(
        default=(), description="MoE blocks routed by a fixed token-id table (DeepSeek V4 tid2eid)"
    )
    # Gemma 3n / Gemma 4 E2B-E4B (modeling_gemma3n.py, modeling_gemma4.py)
    kv_shared_layers: int = Field(
        default=0,
        ge=0,
        description="the last n blocks reuse the K/V of the last earlier block of their kind: no k/v "
        "projections and no cache of their own (num_kv_shared_layers)",
    )
    per_layer_input_size: int = Field(
        default=0, ge=0, description="per-layer input embedding width (hidden_size_per_layer_input)"
    )
    per_layer_vocab_size: int = Field(default=0, ge=0, description="rows of embed_tokens_per_layer")
    altup_inputs: int = Field(default=0, ge=0, description="AltUp predictions per token (Gemma 3n)")
    laurel_rank: int = Field(default=0, ge=0, description="LAuReL low-rank residual width (Gemma 3n)")
    kv_shared_last_tokens_only: bool = Field(
        default=False,
        description="in a prefill that keeps only the last logits, the KV-shared blocks run on those "
        "positions alone (modeling_gemma4.py Gemma4TextModel._maybe_slice_kv_shared_inputs)",
    )
    activation_sparse_layers: tuple[int, ...] = Field(
        default=(), description="blocks whose MLP gate takes a gaussian top-k (Gemma 3n activation sparsity)"
    )
    intermediate_sizes: tuple[int, ...] | None = Field(
        default=None, description="per-block MLP width when blocks differ (Gemma 3n, Gemma 4 double-wide)"
    )
    mtp_layers: int = Field(
        default=0,
        ge=0,
        description="multi-token-prediction layers the checkpoint stores beyond the decoder "
        "(transformers does not load them; engines do only for speculative decoding)",
    )
    mtp_layout: Literal["deepseek", "qwen"] = Field(
        default="deepseek", description="what an MTP layer stores besides its decoder block"
    )
    mtp_pattern: str | None = Field(default=None, description="Nemotron-H MTP blocks, e.g. '*E'")
    mtp_in_weights: bool = Field(
        default=False,
        description="the loaded file holds the MTP layers (Ollama's qwen3.5 GGUFs: nextn blocks), so "
        "they count in the weights",
    )
    logits_fp32: bool = Field(
        default=False, description="the CausalLM forward casts the logits to fp32 (Nemotron-H's .float())"
    )
    norm_unit_offset: bool = Field(
        default=False,
        description="RMSNorm scales by (1 + weight) in fp32 before the cast (Qwen3-Next, Qwen3.5)",
    )
    post_norm: bool = Field(
        default=False, description="norms after attention and MLP only, none before (OLMo 2, EXAONE 4)"
    )
    fp32_params: tuple[str, ...] = Field(
        default=(), description="parameter groups the modeling code keeps in fp32 whatever the dtype"
    )
    eager_attention_only: bool = Field(
        default=False, description="HF modeling code runs eager attention by default (materialises scores)"
    )
    final_logit_softcapping: float | None = None
    attn_logit_softcapping: float | None = None

    # Anything outside the decoder trunk (vision tower, projector), counted as extra parameters.
    extra_params: int = Field(default=0, ge=0)
    extra_params_note: str | None = None
    vision: VisionTower | None = Field(
        default=None, description="the image encoder's structure, for image inputs (specs/vision_tower.py)"
    )
    audio: AudioTower | None = Field(
        default=None, description="the audio encoder's structure, for audio inputs (specs/audio_tower.py)"
    )

    weight_format: WeightFormat = Field(default_factory=WeightFormat)
    checkpoint: CheckpointInfo | None = None
    published_params: int | None = Field(default=None, description="published total, for checking")
    approximate: bool = False
    provenance: Provenance
    warnings: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> ModelSpec:
        if self.num_attention_heads % self.num_kv_heads and self.kv_lora_rank == 0:
            raise ValueError(
                f"num_attention_heads ({self.num_attention_heads}) must be a multiple of "
                f"num_kv_heads ({self.num_kv_heads})"
            )
        if self.layer_types is not None and len(self.layer_types) != self.num_layers:
            raise ValueError(f"layer_types has {len(self.layer_types)} entries for {self.num_layers} layers")
        if self.layer_types and "sliding_attention" in self.layer_types and not self.sliding_window:
            raise ValueError("layer_types has sliding_attention layers but sliding_window is not set")
        global_heads = self.global_num_attention_heads or self.num_attention_heads
        if self.global_num_kv_heads and global_heads % self.global_num_kv_heads:
            raise ValueError(
                f"the global query heads ({global_heads}) must be a multiple of "
                f"the global KV heads ({self.global_num_kv_heads})"
            )
        if global_heads % (self.global_num_kv_heads or self.num_kv_heads) and self.kv_lora_rank == 0:
            raise ValueError(f"the global query heads ({global_heads}) must be a multiple of the KV heads")
        if self.num_experts and not self.num_experts_per_tok:
            raise ValueError("a MoE model needs num_experts_per_tok")
        if self.num_experts_per_tok > self.num_experts > 0:
            raise ValueError(
                f"num_experts_per_tok ({self.num_experts_per_tok}) exceeds num_experts ({self.num_experts})"
            )
        positions = min(self.max_position_embeddings, self.rope_original_max_positions or 1 << 62)
        scaled = self.rope_scaling_factor * positions
        if self.rope_scaling_type is not None and scaled < 1:
            # vLLM/SGLang multiply the length by the factor (serving_context.py): 1e-300 derived a length
            # of 0 tokens, an internal error in the engine figures (issue 15 round 11)
            raise ValueError(f"the rope_scaling factor {self.rope_scaling_factor:g} scales the model's "
                             "length below one token")
        if self.num_layers > MAX_LAYERS:
            raise ValueError(
                f"{self.num_layers:,} layers is beyond any model (llmsize reads up to {MAX_LAYERS:,})"
            )
        kinds = set(self.layer_types or ())
        if kinds & RECURRENT_KINDS and self.recurrent is None:
            names = ", ".join(sorted(kinds & RECURRENT_KINDS))
            raise ValueError(f"layer_types has {names} layers but no state sizes (recurrent) are given")
        if kinds & COMPRESSED_KINDS and self.compressed is None:
            raise ValueError("layer_types has compressed attention layers but no compression sizes")
        if "compressed_sparse_attention" in kinds and self.indexer is None:
            raise ValueError("layer_types has compressed_sparse_attention layers but no indexer sizes")
        if self.compressed is not None and not self.sliding_window:
            raise ValueError("DeepSeek V4 attention needs its sliding_window")
        if any(not 0 <= i < self.num_layers for i in self.hash_moe_layers):
            raise ValueError("hash_moe_layers names a block beyond num_layers")
        if "chunked_attention" in kinds and not self.attention_chunk_size:
            raise ValueError("layer_types has chunked_attention layers but attention_chunk_size is not set")
        self._check_shared_kv()
        if self.intermediate_sizes is not None and len(self.intermediate_sizes) != self.num_layers:
            raise ValueError(
                f"intermediate_size lists {len(self.intermediate_sizes)} widths for {self.num_layers} layers"
            )
        if self.ffn_types is not None:
            if len(self.ffn_types) != self.num_layers:
                raise ValueError(f"ffn_types has {len(self.ffn_types)} entries for {self.num_layers} layers")
            if "moe" in self.ffn_types and not self.num_experts:
                raise ValueError("ffn_types has moe layers but num_experts is 0")
        return self

    def _check_shared_kv(self) -> None:
        """transformers' kv_sharing_modes (configuration_gemma3n.py / configuration_gemma4.py): every
        kind a shared block has must have an unshared block before the shared range to read from."""
        n = self.kv_shared_layers
        if not n:
            return
        if n >= self.num_layers:
            raise ValueError(
                f"num_kv_shared_layers ({n}) must be smaller than num_hidden_layers ({self.num_layers}): "
                "some earlier layer has to compute the K/V the shared layers reuse"
            )
        first = self.num_layers - n
        owners = {self.layer_type(i) for i in range(first)}
        missing = sorted({self.layer_type(i) for i in range(first, self.num_layers)} - owners)
        if missing:
            raise ValueError(
                f"the {n} KV-shared layers include {', '.join(missing)} layers, but no earlier layer of "
                "that kind computes K/V for them"
            )

    # Derived facts, kept as methods so they cannot drift from the fields.
    @property
    def is_moe(self) -> bool:
        return self.num_experts > 0

    @property
    def is_mla(self) -> bool:
        return self.kv_lora_rank > 0

    def layer_type(self, layer: int) -> str:
        """The kind of block `layer`'s token mixer (full attention when the spec lists none)."""
        return "full_attention" if self.layer_types is None else self.layer_types[layer]

    @property
    def per_layer_heads(self) -> bool:
        """True when full_attention blocks have their own head size, KV heads (Gemma 4) or query heads
        (Step-3.5-Flash)."""
        return (
            self.global_head_dim is not None
            or self.global_num_kv_heads is not None
            or self.global_num_attention_heads is not None
        )

    def attention_view(self, layer: int) -> ModelSpec:
        """This spec with `head_dim`/`num_kv_heads` of block `layer`, for code that sizes one block's
        attention (Gemma 4: modeling_gemma4.py Gemma4TextAttention reads per_layer_config[layer])."""
        if not self.per_layer_attention or self.layer_type(layer) != "full_attention":
            return self
        return _global_view(self)

    @property
    def per_layer_attention(self) -> bool:
        """True when full_attention blocks differ from the others in heads or tensors (Gemma 4's
        head sizes, MiMo-V2-Flash's KV heads and sliding-only sinks)."""
        return self.per_layer_heads or self.attention_sinks_sliding_only

    @property
    def value_head_dim(self) -> int:
        """The V head size of standard attention (head_dim unless the config gives its own)."""
        return self.v_head_dim or self.head_dim

    def has_attention(self, layer: int) -> bool:
        """True when block `layer` attends over keys/values per token (its own, or shared ones)."""
        return self.layer_type(layer) in ATTENTION_KINDS

    def shares_kv(self, layer: int) -> bool:
        """True when block `layer` reuses an earlier block's K/V (Gemma 3n / Gemma 4 E-models): it has no
        k/v projections, and no engine gives it a cache of its own (transformers' DynamicCache makes it a
        "dummy" layer, cache_utils.get_layer_types_and_kwargs; llama.cpp allocates KV only for the first
        n_layer_kv_from_start layers; vLLM's kv_sharing_target_layer_name layers get no KV blocks)."""
        return self.kv_shared_layers > 0 and layer >= self.num_layers - self.kv_shared_layers

    def kv_source(self, layer: int) -> int:
        """The block whose K/V block `layer` attends over: itself, or for a shared block the last unshared
        block of its kind (the "store" layer of kv_sharing_modes)."""
        if not self.shares_kv(layer):
            return layer
        kind = self.layer_type(layer)
        first = self.num_layers - self.kv_shared_layers
        return max(i for i in range(first) if self.layer_type(i) == kind)

    def has_kv(self, layer: int) -> bool:
        """True when block `layer` caches keys/values per token of its own."""
        return self.layer_type(layer) in ATTENTION_KINDS and not self.shares_kv(layer)

    @property
    def every_block_full_attention(self) -> bool:
        """True when every block is full attention with a K/V cache of its own (no layer_types, no
        shared K/V): a walk over blocks asking has_kv / has_state / layer_window then has one answer
        for all, which the cache walks take without visiting each (a 16,384-block config; issue 15)."""
        return self.layer_types is None and self.kv_shared_layers == 0

    @property
    def max_mlp_width(self) -> int:
        """The widest dense MLP of any block (what an engine's compute buffer must hold)."""
        return max(self.intermediate_sizes) if self.intermediate_sizes else self.intermediate_size

    def mlp_width(self, layer: int) -> int:
        """The dense MLP width of block `layer` (Gemma 3n's per-block list; Gemma 4's double-wide blocks)."""
        if self.intermediate_sizes is not None:
            return self.intermediate_sizes[layer]
        return self.intermediate_size

    def has_state(self, layer: int) -> bool:
        """True when block `layer` keeps a fixed recurrent/conv state per sequence."""
        return self.layer_type(layer) in RECURRENT_KINDS

    def has_mlp(self, layer: int) -> bool:
        """True when block `layer` has a dense MLP (not MoE, not mixer-only)."""
        if self.ffn_types is not None:
            return self.ffn_types[layer] == "dense"
        return not self.moe_layers[layer] and self.intermediate_size > 0

    @property
    def is_hybrid(self) -> bool:
        return self.recurrent is not None

    def is_moe_layer(self, layer: int) -> bool:
        """True when block `layer` (0-based) has a routed-expert MLP."""
        return self.moe_layers[layer]

    @property
    def moe_layers(self) -> tuple[bool, ...]:
        """Per block, whether it has a routed-expert MLP (cached on the four fields that decide it)."""
        if self.ffn_types is not None:
            return _ffn_moe_flags(self.ffn_types)
        return _moe_layer_flags(
            self.num_layers, self.num_experts, self.first_k_dense_layers, self.moe_layer_freq
        )

    @property
    def num_moe_layers(self) -> int:
        return sum(self.moe_layers)

    def layer_window(self, layer: int) -> int | None:
        """Tokens block `layer` can attend to, or None for the full context."""
        if self.layer_types is None:
            return None
        kind = self.layer_types[layer]
        if kind == "sliding_attention":
            return self.sliding_window
        if kind == "chunked_attention":
            return self.attention_chunk_size
        if kind in COMPRESSED_KINDS:  # the sliding part; the pooled entries are sized by kind
            return self.sliding_window
        return None

    def with_weight_format(self, fmt: WeightFormat) -> ModelSpec:
        return self.model_copy(update={"weight_format": fmt})

    def summary(self) -> dict[str, Any]:
        """The architecture facts a user wants to see, in display order."""
        out: dict[str, Any] = {
            "model_type": self.model_type,
            "layers": self.num_layers,
            "hidden_size": self.hidden_size,
            "attention_heads": self.num_attention_heads,
            "kv_heads": self.num_kv_heads,
            "head_dim": self.head_dim,
            "intermediate_size": self.intermediate_size,
            "vocab_size": self.vocab_size,
            "tied_embeddings": self.tie_word_embeddings,
            "max_context": self.max_position_embeddings,
        }
        if self.is_moe:
            out["experts"] = (
                f"{self.num_experts} ({self.num_experts_per_tok} active, {self.num_shared_experts} shared)"
            )
        if self.is_mla:
            out["mla"] = f"kv_lora_rank {self.kv_lora_rank}, rope {self.qk_rope_head_dim}"
        if self.sliding_window and self.layer_types and "sliding_attention" in self.layer_types:
            n = self.layer_types.count("sliding_attention")
            out["sliding_window"] = f"{self.sliding_window} tokens on {n}/{self.num_layers} layers"
        if self.layer_types and set(self.layer_types) - {"full_attention", "sliding_attention"}:
            counts: dict[str, int] = {}
            for kind in self.layer_types:
                counts[kind] = counts.get(kind, 0) + 1
            out["layer_kinds"] = ", ".join(f"{n} {k}" for k, n in counts.items())
        if self.indexer is not None:
            ix = self.indexer
            out["sparse_attention"] = f"DSA indexer ({ix.num_heads} heads x {ix.head_dim}, top {ix.topk})"
        if self.kv_shared_layers:
            out["kv_shared_layers"] = (
                f"{self.kv_shared_layers} (reuse earlier layers' K/V; no cache of their own)"
            )
        if self.per_layer_input_size:
            out["per_layer_embeddings"] = (
                f"{self.per_layer_vocab_size} x {self.num_layers} x {self.per_layer_input_size}"
            )
        if self.compressed is not None:
            c = self.compressed
            out["compressed_attention"] = (
                f"window {self.sliding_window} + one pooled KV per {c.csa_rate} (CSA) / {c.hca_rate} (HCA) "
                f"tokens, {c.hc_mult} hyper-connection streams"
            )
        if self.hash_moe_layers:
            out["hash_routed_moe"] = f"{len(self.hash_moe_layers)} blocks route by token id"
        if self.mtp_layers:
            out["mtp_layers"] = f"{self.mtp_layers} (in the checkpoint; loaded for speculative decoding)"
        out["weights"] = self.weight_format.label()
        return out


def _global_view(spec: ModelSpec) -> ModelSpec:
    """The full_attention blocks' shape of a spec with per-layer head sizes (memoised when hashable)."""
    try:
        return _global_view_cached(spec)
    except TypeError:
        return _make_global_view(spec)


@lru_cache(maxsize=256)
def _global_view_cached(spec: ModelSpec) -> ModelSpec:
    return _make_global_view(spec)


def _make_global_view(spec: ModelSpec) -> ModelSpec:
    return spec.model_copy(
        update={
            "head_dim": spec.global_head_dim or spec.head_dim,
            "num_kv_heads": spec.global_num_kv_heads or spec.num_kv_heads,
            "num_attention_heads": spec.global_num_attention_heads or spec.num_attention_heads,
            "global_head_dim": None,
            "global_num_kv_heads": None,
            "global_num_attention_heads": None,
            # global blocks of a model whose sinks are on sliding blocks only keep the flag (their eager
            # attention is the same function), but no sinks of their own
            "attention_sinks": spec.attention_sinks and not spec.attention_sinks_sliding_only,
        }
    )


@lru_cache(maxsize=512)
def _moe_layer_flags(num_layers: int, num_experts: int, first_k_dense: int, freq: int) -> tuple[bool, ...]:
    """Blocks after the leading dense ones carry experts, every `freq`-th one (DeepSeek, Qwen2-MoE)."""
    if not num_experts:
        return (False,) * num_layers
    return tuple(i >= first_k_dense and (i - first_k_dense) % freq == 0 for i in range(num_layers))


@lru_cache(maxsize=512)
def _ffn_moe_flags(ffn_types: tuple[str, ...]) -> tuple[bool, ...]:
    """Per block, whether its listed MLP kind is "moe" (cached: the estimate asks per layer)."""
    return tuple(t == "moe" for t in ffn_types)
