"""GGUF metadata of the hybrids whose per-layer arrays say which block is which: LiquidAI LFM2 / LFM2-MoE
(short convolution + attention) and NVIDIA Nemotron-H / Nemotron 3 (Mamba-2 + attention + MLP or MoE),
as the Hugging Face config fields llmsize's readers (hf_config/recurrent.py lfm2, nemotron_h) read.

How llama.cpp writes and reads them:
- conversion/lfm2.py LFM2Model / LFM2MoeModel.set_gguf_parameters: `attention.head_count_kv` is an array,
  num_key_value_heads on attention layers and 0 on conv layers; `shortconv.l_cache` = conv_L_cache;
  LFM2Model writes feed_forward_length already rounded by block_auto_adjust_ff_dim (_add_feed_forward_length);
  LFM2MoeModel adds expert_feed_forward_length, leading_dense_block_count = num_dense_layers.
  The loader marks a layer recurrent exactly when its head_count_kv is 0 (src/models, llama_model_lfm2::
  load_arch_hparams: `is_recr_impl[il] = n_head_kv(il) == 0`).
- conversion/nemotron.py NemotronHModel.set_gguf_parameters (over granite.py GraniteHybridModel's): ssm.*
  keys (conv_kernel, state_size = ssm_state_size, group_count = n_groups, time_step_rank = mamba_num_heads,
  inner_size = mamba_num_heads x mamba_head_dim), head_count_kv per layer (0 off the attention layers),
  feed_forward_length per layer (intermediate_size, or moe_intermediate_size in nemotron_h_moe, on the
  MLP / MoE layers, 0 elsewhere), key_length = head_dim, the expert keys and moe_latent_size; one MTP block
  is appended as both an attention and a MoE layer, with nextn_predict_layers.
The converter writes no Mamba chunk size (llama.cpp's ssm_scan does not chunk); the reader's default stands.
- conversion/granite.py GraniteHybridModel.set_gguf_parameters (Granite 4.0-H): GraniteMoeModel's keys
  (feed_forward_length = intermediate_size, expert_count = num_local_experts,
  expert_shared_feed_forward_length = shared_intermediate_size), the same ssm.* keys from the mamba_*
  fields (inner_size = mamba_expand x hidden_size, time_step_rank = mamba_n_heads) and head_count_kv per
  layer, 0 off the attention layers.
- conversion/kimi_linear.py KimiLinearModel.set_gguf_parameters: head_count_kv per layer (1 on the MLA
  layers of linear_attn_config.full_attn_layers, 0 on the KDA ones), ssm.conv_kernel =
  short_conv_kernel_size, kda.head_dim, the MLA keys as deepseek2 writes them; the KDA layers have
  head_count heads (src/models, llama_model_kimi_linear::load_arch_tensors: ssm_q_conv is
  n_embd_head_kda x n_head wide; load_arch_hparams marks n_head_kv(i) == 0 recurrent).
So a layer with KV heads is attention, one with a feed-forward width is the MLP (or MoE), the rest are the
recurrent mixer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from llmsize.errors import ConfigError
from llmsize.specs.models import MAX_LAYERS

MODEL_TYPES = {
    "lfm2": "lfm2", "lfm2moe": "lfm2_moe", "nemotron_h": "nemotron_h", "nemotron_h_moe": "nemotron_h",
    "granitehybrid": "granitemoehybrid", "kimi-linear": "kimi_linear",
}

Getter = Callable[[str], Any]

_CORRUPT = "the header is corrupt; download or convert the file again"


def layer_kind_fields(config: dict[str, Any], arch: str, raw: Getter, names: set[str]) -> None:
    """Fill `config` for the architectures of MODEL_TYPES; `raw` reads `{arch}.key` with arrays kept."""
    if arch not in MODEL_TYPES:
        return
    blocks = config.get("num_hidden_layers")
    if not isinstance(blocks, int) or blocks <= 0:
        return  # left for the required-field check
    if blocks > MAX_LAYERS:  # the per-layer lists below would hold one entry per block (issue 15, round 15)
        raise ConfigError(f"the GGUF metadata's block_count gives {blocks:,} layers, beyond any model "
                          f"(llmsize reads up to {MAX_LAYERS:,})", hint=_CORRUPT)
    kv = _per_layer(raw("attention.head_count_kv"), blocks, "attention.head_count_kv")
    if arch.startswith("lfm2"):
        _lfm2(config, raw, kv, names)
    elif arch == "granitehybrid":
        _granite_hybrid(config, raw, kv, names)
    elif arch == "kimi-linear":
        config.update(
            layer_types=["full_attention" if n else "linear_attention" for n in kv],
            linear_num_heads=config.get("num_attention_heads"),
            linear_head_dim=raw("kda.head_dim"),
            linear_conv_kernel_dim=raw("ssm.conv_kernel"),
            num_experts_per_token=config.get("num_experts_per_tok"),
            num_shared_experts=raw("expert_shared_count") or 0,
        )
    else:
        ff = _per_layer(raw("feed_forward_length"), blocks, "feed_forward_length")
        _nemotron_h(config, raw, kv, ff, names, moe=arch == "nemotron_h_moe")


def _lfm2(config: dict[str, Any], raw: Getter, kv: list[int], names: set[str]) -> None:
    config.update(
        layer_types=["full_attention" if n else "conv" for n in kv],
        conv_L_cache=raw("shortconv.l_cache"),
        # the converter wrote the rounded width: rounding it again would shrink it
        block_auto_adjust_ff_dim=False,
        # Lfm2ShortConv's conv_bias gives in_proj, conv and out_proj their biases
        conv_bias=_any(names, ".shortconv.in_proj.bias", ".shortconv.conv.bias"),
    )
    if config.get("num_local_experts"):
        config.update(
            num_dense_layers=raw("leading_dense_block_count") or 0,
            # Lfm2MoeSparseMoeBlock.expert_bias -> blk.N.exp_probs_b.bias (LFM2MoeModel.filter_tensors)
            use_expert_bias=_any(names, ".exp_probs_b.bias"),
        )


def _nemotron_h(config: dict[str, Any], raw: Getter, kv: list[int], ff: list[int], names: set[str],
                *, moe: bool) -> None:
    nextn = raw("nextn_predict_layers") or 0
    if not isinstance(nextn, int) or isinstance(nextn, bool) or not 0 <= nextn < len(kv):
        raise ConfigError(
            f"the GGUF metadata states nextn_predict_layers {nextn!r} with block_count {len(kv)}; "
            "the next-n layers are some of the blocks", hint=_CORRUPT,
        )
    ffn = "E" if moe else "-"
    symbols = [("*" if k else "") + (ffn if f else "") or "M" for k, f in zip(kv, ff, strict=True)]
    decoder, mtp = symbols[: len(kv) - nextn], symbols[len(kv) - nextn :]
    odd = next((s for s in decoder if len(s) > 1), None)
    if odd is not None:
        raise ConfigError(
            "the GGUF metadata gives a Nemotron-H decoder block both KV heads and a feed-forward width; "
            "each block is one of Mamba-2, attention, MLP or MoE", hint=_CORRUPT,
        )
    heads = raw("ssm.time_step_rank")
    config.update(
        num_hidden_layers=len(decoder),
        hybrid_override_pattern="".join(decoder),
        mamba_num_heads=heads,
        mamba_head_dim=_head_dim(heads, raw("ssm.inner_size")),
        ssm_state_size=raw("ssm.state_size"),
        n_groups=raw("ssm.group_count"),
        conv_kernel=raw("ssm.conv_kernel"),
        use_conv_bias=_any(names, ".ssm_conv1d.bias"),
        use_bias=_any(names, ".ssm_in.bias"),
        attention_bias=_any(names, ".attn_q.bias", ".attn_qkv.bias"),
        mlp_bias=_any(names, ".ffn_up.bias"),
    )
    if moe:
        config.update(
            moe_shared_expert_intermediate_size=raw("expert_shared_feed_forward_length") or 0,
            n_shared_experts=raw("expert_shared_count") or 0,
        )
        if raw("moe_latent_size"):
            config["moe_latent_size"] = raw("moe_latent_size")
    if mtp:
        config.update(num_nextn_predict_layers=nextn, mtp_hybrid_override_pattern=mtp[0])


def _granite_hybrid(config: dict[str, Any], raw: Getter, kv: list[int], names: set[str]) -> None:
    heads, inner = raw("ssm.time_step_rank"), raw("ssm.inner_size")
    config.update(
        layer_types=["attention" if n else "mamba" for n in kv],
        mamba_n_heads=heads,
        mamba_d_head=_head_dim(heads, inner),
        mamba_d_state=raw("ssm.state_size"),
        mamba_n_groups=raw("ssm.group_count"),
        mamba_d_conv=raw("ssm.conv_kernel"),
        mamba_conv_bias=_any(names, ".ssm_conv1d.bias"),
        mamba_proj_bias=_any(names, ".ssm_in.bias"),
        attention_bias=_any(names, ".attn_q.bias", ".attn_qkv.bias"),
        shared_intermediate_size=raw("expert_shared_feed_forward_length"),
    )


def _head_dim(heads: Any, inner: Any) -> int | None:
    """ssm.inner_size / ssm.time_step_rank: the Mamba-2 head width."""
    if not (_count(heads) and _count(inner)):
        return None
    if inner % heads:
        raise ConfigError(
            f"the GGUF metadata states ssm.inner_size {inner} for {heads} Mamba-2 heads "
            "(ssm.time_step_rank), not a multiple", hint=_CORRUPT,
        )
    return int(inner // heads)


def _per_layer(value: Any, blocks: int, key: str) -> list[int]:
    """A per-layer array (as GGUF stores head_count_kv of the hybrids), or one value for every layer."""
    items = getattr(value, "items", None)
    if isinstance(items, tuple):
        if len(items) != blocks or not all(isinstance(v, int) and not isinstance(v, bool) for v in items):
            raise ConfigError(
                f"the GGUF metadata's {key} holds {len(items)} entries for {blocks} blocks", hint=_CORRUPT,
            )
        return list(items)
    if isinstance(value, int) and not isinstance(value, bool):
        return [value] * blocks
    raise ConfigError(f"the GGUF metadata lacks a per-layer {key}", hint=_CORRUPT)


def _any(names: set[str], *suffixes: str) -> bool:
    return any(name.endswith(suffixes) for name in names)


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


# conversion/granite.py GraniteHybridModel.set_gguf_parameters: a Granite 4.0-H with Mamba layers uses no
# RoPE (use_rope is False unless BambaForCausalLM or all-attention), so it writes rope.scaling.finetuned
# false and replaces context_length with 2**20, a bound of its own, not a trained length.
_NOPE_CONTEXT = 2**20


def context_notes(arch: str, raw: Getter) -> tuple[str, ...]:
    """What the file's context_length is when it is the converter's placeholder, not the model's."""
    if arch != "granitehybrid" or raw("rope.scaling.finetuned") is not False:
        return ()
    if raw("context_length") != _NOPE_CONTEXT:
        return ()
    return (
        f"context_length {_NOPE_CONTEXT:,} is what llama.cpp's converter writes for a Granite 4.0-H without "
        "RoPE (conversion/granite.py GraniteHybridModel.set_gguf_parameters), not a trained length: "
        "llama.cpp takes it as n_ctx_train (-c 0 allocates all of it), while IBM's granite-4.0-h "
        "config.json files state 131,072 positions; pass --context for the length you will run",
    )
