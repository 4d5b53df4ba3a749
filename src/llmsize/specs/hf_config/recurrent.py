"""Builders for hybrid decoders with recurrent layers: gated delta-net, Mamba-2, short convolution.

These layers keep a fixed-size state per sequence (RecurrentSpec) instead of a KV cache that grows;
each builder restates the transformers 5.23 modeling code it names.
"""

from __future__ import annotations

from llmsize.errors import ConfigError
from llmsize.specs.hf_config.moe import qwen_moe_layers
from llmsize.specs.hf_config.reader import (
    Fields,
    Reader,
    activation,
    kinds_list,
    mtp,
    need_state,
    shared_experts,
    trunk,
    trunk_no_mlp,
)
from llmsize.specs.models import RecurrentSpec


def _gated_deltanet(r: Reader, split: bool) -> RecurrentSpec:
    return RecurrentSpec(
        kind="gated_deltanet",
        num_heads=need_state(r, "linear_num_value_heads"),
        num_key_heads=need_state(r, "linear_num_key_heads"),
        key_head_dim=need_state(r, "linear_key_head_dim"),
        value_head_dim=need_state(r, "linear_value_head_dim"),
        conv_kernel=need_state(r, "linear_conv_kernel_dim"),
        split_projections=split,
    )


def qwen3_next(r: Reader, warnings: list[str]) -> Fields:
    """modeling_qwen3_next.py / modeling_qwen3_5.py (+ _moe): gated delta-net layers and gated full
    attention (q_proj emits the query and a sigmoid gate) with per-head q/k norm, from `layer_types`;
    MoE blocks like Qwen3-MoE with a gated shared expert. Qwen3.5 splits the delta-net input
    projections (in_proj_qkv, in_proj_z, in_proj_b, in_proj_a)."""
    f = trunk(r) if r.get("intermediate_size") is not None else trunk_no_mlp(r)
    L = f["num_layers"]
    bias = r.flag("attention_bias")
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        qk_norm="head",
        norm_unit_offset=True,  # Qwen3NextRMSNorm: output * (1.0 + weight.float()), then type_as
        attn_output_gate=r.flag("attn_output_gate", default=True),
        layer_types=_qwen_next_kinds(r, L),
        recurrent=_gated_deltanet(r, split=r.model_type.startswith("qwen3_5")),
    )
    experts = r.opt_int("num_experts", default=0) or 0
    if experts:
        shared = shared_experts(r, None, width_key="shared_expert_intermediate_size")
        f.update(
            num_experts=experts,
            num_experts_per_tok=r.req("num_experts_per_tok"),
            moe_intermediate_size=r.req("moe_intermediate_size"),
            **shared,
            shared_expert_gate=bool(shared["num_shared_experts"]),
        )
        f.update(qwen_moe_layers(r, L, warnings))
    if r.model_type == "qwen3_next" and r.get("mtp_num_hidden_layers", "num_nextn_predict_layers") is None:
        # Qwen3-Next-80B's config.json states no MTP count, yet its checkpoint stores one mtp.* layer
        # (the Hub's safetensors total counts it) and vLLM's Qwen3NextMTP builds exactly one.
        r.defaults = {**r.defaults, "mtp_num_hidden_layers": 1}
    return mtp(r, f, "qwen")


def _qwen_next_kinds(r: Reader, num_layers: int) -> tuple[str, ...]:
    """`layer_types`, or as Qwen3NextConfig derives it when absent (Qwen3-Next-80B's config.json has
    none): every `full_attention_interval`-th layer (default 4) is full attention, the rest linear.
    REFERENCE: transformers 5.23 configuration_qwen3_next.py, Qwen3NextConfig.__init__."""
    if r.get("layer_types", default=None) is not None:
        return kinds_list(r, "layer_types", num_layers)
    interval = r.opt_int("full_attention_interval", default=4) or 4
    return tuple(
        "full_attention" if (i + 1) % interval == 0 else "linear_attention" for i in range(num_layers)
    )


def lfm2(r: Reader) -> Fields:
    """modeling_lfm2.py / modeling_lfm2_moe.py: short-conv and attention (per-head q/k norm) blocks
    from `layer_types`, a SwiGLU whose width block_auto_adjust_ff_dim rounds (2/3, multiplier,
    multiple of block_multiple_of), an embedding norm (counted as a final norm: the checkpoint's
    `embedding_norm`); LFM2-MoE has dense first blocks and sigmoid-routed experts with a bias."""
    f = trunk(r)
    L = f["num_layers"]
    h = f["hidden_size"]
    kinds = r.get("layer_types")
    if kinds is None:
        full = set(r.get("full_attn_idxs") or [])
        layer_types = tuple("full_attention" if i in full else "conv" for i in range(L))
    else:
        layer_types = kinds_list(r, "layer_types", L)
    inter = f["intermediate_size"]
    if r.flag("block_auto_adjust_ff_dim", default=r.model_type == "lfm2"):
        inter = int(2 * inter / 3)
        mult = r.opt_float("block_ffn_dim_multiplier")
        if mult is not None:
            inter = int(mult * inter)
        multiple = r.opt_int("block_multiple_of", default=256) or 256
        inter = multiple * ((inter + multiple - 1) // multiple)
    f.update(
        intermediate_size=inter,
        qk_norm="head",
        layer_types=layer_types,
        recurrent=RecurrentSpec(
            kind="short_conv",
            inner_size=h,
            conv_kernel=need_state(r, "conv_L_cache"),
            conv_bias=r.flag("conv_bias"),
            proj_bias=r.flag("conv_bias"),
        ),
        tie_word_embeddings=r.flag("tie_word_embeddings", default=True),
    )
    experts = r.opt_int("num_experts", default=0) or 0
    if experts:
        f.update(
            num_experts=experts,
            num_experts_per_tok=r.req("num_experts_per_tok"),
            moe_intermediate_size=r.req("moe_intermediate_size"),
            first_k_dense_layers=r.opt_int("num_dense_layers", default=0) or 0,
            router_score_correction_bias=r.flag("use_expert_bias", default=r.model_type == "lfm2_moe"),
        )
        if f["router_score_correction_bias"]:
            # Lfm2MoeSparseMoeBlock.expert_bias = nn.Buffer(torch.zeros(num_experts, dtype=torch.float32))
            f.update(fp32_params=("e_score_correction_bias",))
    return f


def _mamba2_mixer(
    r: Reader, *, heads: str, head_dim: str, state: str, groups: str, conv: str
) -> RecurrentSpec:
    n_heads = need_state(r, heads)
    d_head = need_state(r, head_dim)
    return RecurrentSpec(
        kind="mamba2",
        num_heads=n_heads,
        value_head_dim=d_head,
        inner_size=n_heads * d_head,
        state_size=need_state(r, state),
        n_groups=r.opt_int(groups, default=1) or 1,
        conv_kernel=need_state(r, conv),
        conv_bias=r.flag("use_conv_bias", default=True)
        if r.get("use_conv_bias") is not None
        else r.flag("mamba_conv_bias", default=True),
        proj_bias=r.flag("use_bias") or r.flag("mamba_proj_bias"),
        out_proj_bias=r.flag("use_bias") or r.flag("mamba_proj_bias"),
        chunk_size=mamba2_chunk_size(r),
    )


def mamba2_chunk_size(r: Reader) -> int:
    """Tokens per chunk of the Mamba-2 chunked scan: the config's, else its transformers 5.23 config
    class default (NemotronHConfig.chunk_size = 128; Mamba2Config / Zamba2Config.chunk_size and
    BambaConfig / FalconH1Config / GraniteMoeHybridConfig.mamba_chunk_size = 256). mamba_chunk_size wins
    where both are given: NemotronHConfig.__init__ pops it into chunk_size, and vLLM reads the same
    config object (vllm/config/model.py ModelConfig.get_mamba_chunk_size: mamba_chunk_size, else
    chunk_size). It sets the transformers torch scan's padding and per-chunk tensors
    (estimate/activations/mamba.py) and the chunked kernels of vLLM / SGLang; llama.cpp's ggml_ssm_scan
    walks token by token and has none."""
    if r.model_type in ("nemotron_h", "mamba2", "zamba2"):
        default = 128 if r.model_type == "nemotron_h" else 256
        return r.opt_int("mamba_chunk_size") or r.opt_int("chunk_size") or default
    # the classes with a mamba_chunk_size attribute: it is always set, so a stray chunk_size is never read
    return r.opt_int("mamba_chunk_size") or 256


_NEMOTRON_PATTERN = {"M": "linear_attention", "*": "full_attention", "-": "mlp", "E": "moe"}


def nemotron_h(r: Reader) -> Fields:
    """modeling_nemotron_h.py: each block is ONE of a Mamba-2 mixer, attention, a ReLU^2 MLP or a MoE
    (`layers_block_type`, or the legacy `hybrid_override_pattern` M/*/-/E), behind one RMSNorm; MoE
    experts are non-gated (up, down), with a shared expert and a sigmoid router with correction bias.
    The Mamba SSM state is kept in mamba_ssm_cache_dtype (fp32 by default)."""
    r.defaults = {"mlp_hidden_act": "relu2", **r.defaults}  # NemotronHConfig
    blocks = r.get("layers_block_type", "layer_types")
    if blocks is None:
        pattern = r.get("hybrid_override_pattern")
        if not isinstance(pattern, str):
            raise ConfigError(
                "config.json (nemotron_h) has neither layers_block_type nor hybrid_override_pattern"
            )
        bad = sorted(set(pattern) - set(_NEMOTRON_PATTERN))
        if bad:
            raise ConfigError(f"config.json (nemotron_h) hybrid_override_pattern has unknown symbols: {bad}")
        blocks = [_NEMOTRON_PATTERN[c] for c in pattern]
    if not isinstance(blocks, list):
        raise ConfigError("config.json (nemotron_h) field 'layers_block_type' must be a list")
    blocks = [
        "linear_attention" if b == "mamba" else "full_attention" if b == "attention" else b for b in blocks
    ]
    L = len(blocks)
    cfg = {**r.cfg, "num_hidden_layers": L}
    if r.get("intermediate_size") is None:
        cfg["intermediate_size"] = 0
    if r.get("head_dim") is None:
        # NemotronHConfig.head_dim is 128 whatever hidden_size / heads is (configuration_nemotron_h.py);
        # the remote-code configs of Nemotron-H (transformers 4.48) name it attention_head_dim.
        cfg["head_dim"] = r.opt_int("attention_head_dim") or 128
    rr = Reader(cfg, r.model_type)
    f = trunk(rr)
    table = {"linear_attention": "mamba", "full_attention": "full_attention", "mlp": "none", "moe": "none"}
    unknown = sorted({b for b in blocks if b not in table})
    if unknown:
        raise ConfigError(f"config.json (nemotron_h) has block kinds llmsize does not model: {unknown}")
    layer_types = tuple(table[b] for b in blocks)
    ffn = tuple("dense" if b == "mlp" else "moe" if b == "moe" else "none" for b in blocks)
    bias = r.flag("attention_bias")
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        mlp_bias=r.flag("mlp_bias"),
        mlp_gated=False,
        norms_per_layer=1,
        layer_types=layer_types,
        ffn_types=ffn,
        **activation(r, "mlp_hidden_act"),
        recurrent=_mamba2_mixer(
            rr,
            heads="mamba_num_heads",
            head_dim="mamba_head_dim",
            state="ssm_state_size",
            groups="n_groups",
            conv="conv_kernel",
        ).model_copy(
            update={
                "recurrent_state_dtype": "fp32"
                if str(r.get("mamba_ssm_cache_dtype", default="float32")) == "float32"
                else "model"
            }
        ),
    )
    if "moe" in ffn:
        f.update(
            # Nemotron 3 Super's LatentMoE: experts read and write moe_latent_size, between the
            # fc1/fc2 latent projections (NemotronHExperts, NemotronHMoE).
            moe_latent_size=r.opt_int("moe_latent_size", default=0) or 0,
            num_experts=r.req("n_routed_experts"),
            num_experts_per_tok=r.req("num_experts_per_tok"),
            moe_intermediate_size=r.req("moe_intermediate_size"),
            **shared_experts(r, "n_shared_experts", width_key="moe_shared_expert_intermediate_size"),
            router_score_correction_bias=True,
        )
    f["logits_fp32"] = True  # NemotronHForCausalLM.forward: self.lm_head(hidden_states).float()
    return _nemotron_mtp(r, f)


def _nemotron_mtp(r: Reader, f: Fields) -> Fields:
    """Nemotron 3 Super's checkpoint stores num_nextn_predict_layers MTP steps, each the blocks of
    `mtp_hybrid_override_pattern` ("*E") sharing the model's embedding and head (vLLM nemotron_h_mtp.py);
    transformers' NemotronHForCausalLM does not build them."""
    n = r.opt_int("num_nextn_predict_layers", default=0) or 0
    if not n:
        return f
    pattern = r.get("mtp_hybrid_override_pattern")
    blocks = r.get("mtp_layers_block_type")
    if pattern is None:
        # transformers 5.23 configs state the blocks as a list, ["full_attention", "moe"] by default
        # (configuration_nemotron_h.py NemotronHConfig.__post_init__)
        blocks = ["full_attention", "moe"] if blocks is None else blocks
        symbols = {"mamba": "M", "linear_attention": "M", "attention": "*", "full_attention": "*"}
        symbols |= {"mlp": "-", "moe": "E"}
        if not isinstance(blocks, list) or not blocks or any(b not in symbols for b in blocks):
            raise ConfigError(f"config.json (nemotron_h) mtp_layers_block_type {blocks!r} has unknown kinds")
        pattern = "".join(symbols[b] for b in blocks)
    if not isinstance(pattern, str) or not pattern or set(pattern) - set(_NEMOTRON_PATTERN):
        raise ConfigError(f"config.json (nemotron_h) MTP pattern {pattern!r} has unknown symbols")
    f.update(mtp_layers=n, mtp_layout="qwen", mtp_pattern=pattern)
    return f


def granitemoehybrid(r: Reader) -> Fields:
    """modeling_granitemoehybrid.py: Mamba-2 or attention blocks (`layer_types`), each followed by a
    shared gated MLP (input_linear -> 2 x shared_intermediate_size) and, with num_local_experts > 0,
    routed experts of intermediate_size."""
    f = trunk(r)
    L = f["num_layers"]
    bias = r.flag("attention_bias")
    kinds = kinds_list(
        r,
        "layer_types",
        L,
        {
            "mamba": "mamba",
            "linear_attention": "mamba",
            "attention": "full_attention",
            "full_attention": "full_attention",
        },
    )
    shared = r.req("shared_intermediate_size")
    experts = r.opt_int("num_local_experts", default=0) or 0
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        fused_gate_up=True,
        layer_types=kinds,
        recurrent=_mamba2_mixer(
            r,
            heads="mamba_n_heads",
            head_dim="mamba_d_head",
            state="mamba_d_state",
            groups="mamba_n_groups",
            conv="mamba_d_conv",
        ),
    )
    if experts:
        f.update(
            num_experts=experts,
            num_experts_per_tok=r.req("num_experts_per_tok"),
            moe_intermediate_size=f["intermediate_size"],
            num_shared_experts=1,
            shared_expert_intermediate_size=shared,
        )
    else:
        f.update(intermediate_size=shared)
    return f


def falcon_h1(r: Reader) -> Fields:
    """modeling_falcon_h1.py: every block runs attention and a Mamba-2 mixer side by side (`hybrid`),
    then a gated MLP; the mixer's norm exists only with mamba_rms_norm."""
    f = trunk(r)
    L = f["num_layers"]
    h = f["hidden_size"]
    d_ssm = r.opt_int("mamba_d_ssm") or int((r.opt_float("mamba_expand") or 2) * h)
    n_heads = need_state(r, "mamba_n_heads")
    d_head = r.get("mamba_d_head")
    d_head = d_ssm // n_heads if d_head in (None, "auto") else d_head
    if not isinstance(d_head, int) or d_head * n_heads != d_ssm:
        raise ConfigError("config.json (falcon_h1): mamba_d_head x mamba_n_heads must equal the mixer width")
    bias = r.flag("attention_bias")
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        mlp_bias=r.flag("mlp_bias"),
        layer_types=("hybrid",) * L,
        recurrent=RecurrentSpec(
            kind="mamba2",
            num_heads=n_heads,
            value_head_dim=d_head,
            inner_size=d_ssm,
            state_size=need_state(r, "mamba_d_state"),
            n_groups=r.opt_int("mamba_n_groups", default=1) or 1,
            conv_kernel=need_state(r, "mamba_d_conv"),
            conv_bias=r.flag("mamba_conv_bias", default=True),
            proj_bias=r.flag("mamba_proj_bias"),
            out_proj_bias=r.flag("projectors_bias"),
            gated_norm=r.flag("mamba_rms_norm"),
            chunk_size=mamba2_chunk_size(r),
        ),
    )
    return f


def jamba(r: Reader) -> Fields:
    """modeling_jamba.py: attention every attn_layer_period blocks (at attn_layer_offset), Mamba-1
    mixers elsewhere; MoE every expert_layer_period blocks (at expert_layer_offset)."""
    f = trunk(r)
    L = f["num_layers"]
    h = f["hidden_size"]
    ap, ao = r.opt_int("attn_layer_period", default=8) or 8, r.opt_int("attn_layer_offset", default=4) or 0
    ep, eo = (
        r.opt_int("expert_layer_period", default=2) or 2,
        r.opt_int("expert_layer_offset", default=1) or 0,
    )
    if ao >= ap or eo >= ep:
        raise ConfigError("config.json (jamba): a layer offset must be smaller than its period")
    experts = r.opt_int("num_experts", default=1) or 1
    ffn = tuple("moe" if experts > 1 and i % ep == eo else "dense" for i in range(L))
    d_in = int((r.opt_float("mamba_expand") or 2) * h)
    dt_rank = r.get("mamba_dt_rank")
    dt = -(-h // 16) if dt_rank in (None, "auto") else dt_rank
    f.update(
        layer_types=tuple("full_attention" if i % ap == ao else "mamba" for i in range(L)),
        recurrent=RecurrentSpec(
            kind="mamba",
            inner_size=d_in,
            state_size=need_state(r, "mamba_d_state"),
            conv_kernel=need_state(r, "mamba_d_conv"),
            conv_bias=r.flag("mamba_conv_bias", default=True),
            proj_bias=r.flag("mamba_proj_bias"),
            dt_rank=int(dt),
        ),
    )
    if experts > 1:
        f.update(
            num_experts=experts,
            num_experts_per_tok=r.req("num_experts_per_tok"),
            moe_intermediate_size=f["intermediate_size"],
            ffn_types=ffn,
        )
    return f


def _kimi_checkpoint_config(r: Reader) -> Reader:
    """The published Kimi-Linear config.json nests its KDA settings in `linear_attn_config`
    (1-indexed full_attn_layers / kda_layers, head_dim, num_heads, short_conv_kernel_size);
    KimiLinearConfig.__post_init__ (configuration_kimi_linear.py, transformers 5.23) lifts them to
    linear_head_dim / linear_num_heads / linear_conv_kernel_dim and layer_types, and so do we."""
    nested = r.cfg.get("linear_attn_config")
    if not isinstance(nested, dict):
        return r
    lifted: dict[str, object] = {}
    for inner, outer in (
        ("head_dim", "linear_head_dim"),
        ("num_heads", "linear_num_heads"),
        ("short_conv_kernel_size", "linear_conv_kernel_dim"),
    ):
        if nested.get(inner) is not None:
            lifted[outer] = nested[inner]
    full, kda = nested.get("full_attn_layers"), nested.get("kda_layers")
    if r.cfg.get("layer_types") is None and isinstance(full, list) and isinstance(kda, list):
        L = r.req("num_hidden_layers")
        kinds: list[str | None] = [None] * L
        for layers, kind in ((full, "full_attention"), (kda, "linear_attention")):
            for number in layers:
                if not isinstance(number, int) or not 1 <= number <= L:
                    raise ConfigError(
                        f"config.json (kimi_linear) linear_attn_config names layer {number!r}, outside 1..{L}"
                    )
                kinds[number - 1] = kind
        lifted["layer_types"] = kinds
    return Reader({**r.cfg, **lifted}, r.model_type)


def kimi_linear(r: Reader) -> Fields:
    """modeling_kimi_linear.py: Kimi delta attention (KDA) layers and MLA layers from `layer_types`;
    DeepSeek-style MoE from `mlp_layer_types` (shared experts, sigmoid router with correction bias)."""
    r = _kimi_checkpoint_config(r)
    hidden = r.req("hidden_size")
    heads = r.req("num_attention_heads")
    L = r.req("num_hidden_layers")
    layer_types = kinds_list(r, "layer_types", L)
    mlp = r.get("mlp_layer_types")
    if mlp is None:
        first = r.opt_int("first_k_dense_replace", default=1) or 0
        mlp = ["dense" if i < first else "sparse" for i in range(L)]
    if not isinstance(mlp, list) or len(mlp) != L or not set(mlp) <= {"dense", "sparse"}:
        raise ConfigError(
            f"config.json (kimi_linear) 'mlp_layer_types' must list dense/sparse for {L} layers"
        )
    experts = r.req("num_experts")
    moe_inter = r.req("moe_intermediate_size")
    return {
        "num_layers": L,
        "hidden_size": hidden,
        "num_attention_heads": heads,
        "num_kv_heads": heads,
        "head_dim": r.req("qk_nope_head_dim") + r.req("qk_rope_head_dim"),
        "intermediate_size": r.req("intermediate_size"),
        "vocab_size": r.req("vocab_size"),
        "max_position_embeddings": r.req("model_max_length", "max_position_embeddings"),
        "tie_word_embeddings": r.flag("tie_word_embeddings"),
        "q_lora_rank": r.opt_int("q_lora_rank", default=0) or 0,
        "kv_lora_rank": r.req("kv_lora_rank"),
        "qk_nope_head_dim": r.req("qk_nope_head_dim"),
        "qk_rope_head_dim": r.req("qk_rope_head_dim"),
        "v_head_dim": r.req("v_head_dim"),
        "layer_types": layer_types,
        "recurrent": RecurrentSpec(
            kind="kimi_delta",
            num_heads=need_state(r, "linear_num_heads"),
            key_head_dim=need_state(r, "linear_head_dim"),
            value_head_dim=need_state(r, "linear_head_dim"),
            conv_kernel=need_state(r, "linear_conv_kernel_dim"),
        ),
        "num_experts": experts,
        "num_experts_per_tok": r.req("num_experts_per_token", "num_experts_per_tok"),
        "moe_intermediate_size": moe_inter,
        **shared_experts(r, "num_shared_experts", moe_inter),
        "router_score_correction_bias": True,
        "ffn_types": tuple("moe" if m == "sparse" else "dense" for m in mlp),
    }


def olmo_hybrid(r: Reader) -> Fields:
    """modeling_olmo_hybrid.py: Olmo 3 attention blocks (q/k RMSNorm over all heads, post-norms, no
    sliding window) between gated delta-net blocks from `layer_types`; the delta-net's q/k/v, a, b, g and
    o projections, bias-free depthwise conv, A_log, dt_bias and gated output norm hold what Qwen3.5's
    split projections hold (in_proj_qkv, in_proj_a/b, in_proj_z, out_proj), so they are sized as those.
    Fields left out or null take OlmoHybridConfig.__post_init__'s defaults: every 4th block full
    attention (the last one if none is), delta-net heads = attention heads, key dim 0.75 x hidden /
    key heads, value dim twice that, conv kernel 4."""
    f = trunk(r)
    L, heads = f["num_layers"], f["num_attention_heads"]
    cfg = dict(r.cfg)
    if cfg.get("layer_types") is None:
        kinds = ["full_attention" if i % 4 == 3 else "linear_attention" for i in range(L)]
        cfg["layer_types"] = kinds if "full_attention" in kinds else [*kinds[:-1], "full_attention"]
    for key in ("linear_num_key_heads", "linear_num_value_heads"):
        cfg[key] = cfg.get(key) or heads
    key_dim = int(0.75 * f["hidden_size"] / cfg["linear_num_key_heads"])
    cfg["linear_key_head_dim"] = cfg.get("linear_key_head_dim") or key_dim
    cfg["linear_value_head_dim"] = cfg.get("linear_value_head_dim") or 2 * cfg["linear_key_head_dim"]
    cfg["linear_conv_kernel_dim"] = cfg.get("linear_conv_kernel_dim") or 4
    rr = Reader(cfg, r.model_type)
    bias = r.flag("attention_bias")
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        qk_norm="full",
        post_norm=True,
        layer_types=kinds_list(rr, "layer_types", L),
        recurrent=_gated_deltanet(rr, split=True),
        fp32_params=("A_log",),  # OlmoHybridGatedDeltaNet builds A_log from a float32 tensor: it stays fp32
    )
    return f
