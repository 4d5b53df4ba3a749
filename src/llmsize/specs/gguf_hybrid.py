"""GGUF metadata of the gated delta-net hybrids (Qwen3-Next, Qwen3.5 / 3.6) and of next-n (MTP) layers,
as the Hugging Face config fields llmsize's readers (hf_config/recurrent.py qwen3_next, moe.py glm4_moe) read.

How llama.cpp writes them (convert_hf_to_gguf.py, now conversion/qwen.py and conversion/glm.py):
- Qwen3NextModel.set_gguf_parameters (Qwen3_5TextModel / Qwen3_5MoeTextModel inherit it):
  ssm.conv_kernel = linear_conv_kernel_dim, ssm.state_size = linear_key_head_dim,
  ssm.group_count = linear_num_key_heads, ssm.time_step_rank = linear_num_value_heads,
  ssm.inner_size = linear_value_head_dim x linear_num_value_heads, full_attention_interval,
  rope.dimension_count = head_dim x partial_rotary_factor; Qwen2MoeModel adds the expert keys and
  expert_shared_feed_forward_length = shared_expert_intermediate_size.
- next-n layers: Glm4MoeModel and the Qwen3.5 MTP export raise block_count by the MTP layer count and
  write `{arch}.nextn_predict_layers`; llama.cpp's loader takes the last nextn_predict_layers blocks as
  the MTP head (src/llama-mtp.cpp llama_mtp_init_desc: il_mtp = n_layer - n_predict). Qwen3NextModel's
  filter_tensors drops `mtp.*`, so a qwen3next file holds no MTP block.
- a next-n block's own embedding and head copies (blk.N.nextn.embed_tokens / shared_head_head) are
  optional to llama.cpp (src/models, llama_model_glm4_moe::load_arch_tensors: both created
  TENSOR_NOT_REQUIRED): the converter writes them only when the checkpoint stores them, and GLM-4.6's does
  not (vLLM PR 27597; an unsloth GLM-4.6 GGUF "missing tensor 'blk.92.nextn.embed_tokens.weight'" in
  older loaders, gpustack issue 2957), so the file's tensors say which MTP layout it holds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from llmsize.errors import ConfigError
from llmsize.specs.models import ModelSpec

# llama.cpp architecture name -> HF model_type (gguf-py constants.py MODEL_ARCH_NAMES; the converter
# classes above register the HF architectures to them). Qwen3.5's GGUF is its text model alone (the
# vision tower goes to an mmproj file), so the text config's model_type.
MODEL_TYPES = {
    "qwen3next": "qwen3_next", "qwen35": "qwen3_5_text", "qwen35moe": "qwen3_5_moe_text",
    "glm4moe": "glm4_moe",
}

# The HF key each family states its MTP layer count under (read by hf_config/reader.py mtp()).
_NEXTN_KEY = {
    "qwen3_next": "mtp_num_hidden_layers", "qwen3_5_text": "mtp_num_hidden_layers",
    "qwen3_5_moe_text": "mtp_num_hidden_layers", "glm4_moe": "num_nextn_predict_layers",
    # deepseek2: llama_model_deepseek2::load_arch_hparams reads LLM_KV_NEXTN_PREDICT_LAYERS and asserts
    # n_layer + n_layer_nextn == block_count (DeepseekV2Model itself skips model.layers.N>=L: skip_mtp)
    "deepseek_v2": "num_nextn_predict_layers", "deepseek_v3": "num_nextn_predict_layers",
}

Getter = Callable[[str], Any]


def hybrid_fields(config: dict[str, Any], get: Getter, names: set[str]) -> None:
    """Fill `config` for the architectures of MODEL_TYPES (called after the common fields are set)."""
    model_type = config["model_type"]
    if model_type in ("deepseek_v2", "deepseek_v3") and any(n.endswith(".exp_probs_b.bias") for n in names):
        # the router's e_score_correction_bias (converted to blk.N.exp_probs_b.bias, gguf-py tensor_mapping
        # FFN_EXP_PROBS_B) is what DeepseekV3's noaux_tc router keeps and modeling_deepseek_v3 builds
        config.update(model_type="deepseek_v3", topk_method="noaux_tc")
        model_type = "deepseek_v3"
    if model_type in _NEXTN_KEY:
        _nextn_fields(config, get, model_type)
    if model_type.startswith("qwen3"):
        _deltanet_fields(config, get)
    if model_type == "glm4_moe":
        # Glm4MoeModel writes no use_qk_norm key; the per-head norms are tensors when the model has them
        # (gguf-py constants.py MODEL_TENSOR.ATTN_Q_NORM "blk.{bid}.attn_q_norm").
        config["use_qk_norm"] = "blk.0.attn_q_norm.weight" in names


def _nextn_fields(config: dict[str, Any], get: Getter, model_type: str) -> None:
    """block_count counts the next-n blocks; the decoder is the rest. An explicit 0 when the key is
    absent: the file holds no MTP block (the reader would otherwise assume Qwen3-Next's one)."""
    nextn = get("nextn_predict_layers") or 0
    blocks = config["num_hidden_layers"] or 0
    if not isinstance(nextn, int) or isinstance(nextn, bool) or not 0 <= nextn < blocks:
        raise ConfigError(
            f"the GGUF metadata states nextn_predict_layers {nextn!r} with block_count {blocks!r}; "
            "the next-n layers are some of the blocks",
            hint="the header is corrupt; download or convert the file again",
        )
    config["num_hidden_layers"] = blocks - nextn
    config[_NEXTN_KEY[model_type]] = nextn


def _deltanet_fields(config: dict[str, Any], get: Getter) -> None:
    """The gated delta-net geometry back from the ssm.* keys (inverse of Qwen3NextModel's writes)."""
    value_heads, inner = get("ssm.time_step_rank"), get("ssm.inner_size")
    value_dim = None
    if _count(value_heads) and _count(inner):
        if inner % value_heads:
            raise ConfigError(
                f"the GGUF metadata states ssm.inner_size {inner} for {value_heads} delta-net value heads "
                "(ssm.time_step_rank), not a multiple",
                hint="the header is corrupt; download or convert the file again",
            )
        value_dim = inner // value_heads
    config.update(
        linear_num_key_heads=get("ssm.group_count"),
        linear_num_value_heads=value_heads,
        linear_key_head_dim=get("ssm.state_size"),
        linear_value_head_dim=value_dim,
        linear_conv_kernel_dim=get("ssm.conv_kernel"),
        full_attention_interval=get("full_attention_interval"),
    )
    rope = get("rope.dimension_count")
    heads, hidden = config.get("num_attention_heads"), config.get("hidden_size")
    head_dim = config.get("head_dim") or (hidden // heads if heads and hidden else None)
    if _count(rope) and _count(head_dim):
        config["partial_rotary_factor"] = rope / head_dim


def _count(value: Any) -> bool:
    """A positive integer (anything else is left for the config reader to refuse in one line)."""
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def nextn_layout(spec: ModelSpec, names: set[str]) -> ModelSpec:
    """A DeepSeek-layout next-n block whose embed_tokens / shared_head_head copies the file lacks shares
    the model's (params.mtp_params' "qwen" layout: eh_proj and three norms beside the block)."""
    if not spec.mtp_layers or spec.mtp_layout != "deepseek":
        return spec
    first = spec.num_layers  # the next-n blocks follow the decoder's (il_mtp = n_layer - n_predict)
    own = any(
        f"blk.{i}.nextn.{part}.weight" in names
        for i in range(first, first + spec.mtp_layers)
        for part in ("embed_tokens", "shared_head_head")
    )
    return spec if own else spec.model_copy(update={"mtp_layout": "qwen"})
