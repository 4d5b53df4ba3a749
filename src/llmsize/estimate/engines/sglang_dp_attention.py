"""SGLang's DP attention (`--enable-dp-attention --dp-size N` with `--tp T`): what one rank holds.

With DP attention the T ranks of the TP group form N attention groups of T / N ranks each (attn_tp_size,
sgl-project/sglang `python/sglang/srt/runtime_context.py` derive_attn_tp_size: tp_size // attn_dp_size
// attn_cp_size); every group serves its own requests. Read from the model files that support it
(`srt/models/qwen3_moe.py`, `qwen2_moe.py`, `deepseek_v2.py`, `llama4.py`, ...):
- attention: QKVParallelLinear / RowParallelLinear built with tp_size=attn_tp_size
  (Qwen3MoeAttention.__init__), so each rank keeps heads / attn_tp_size; with attn_tp_size 1 the whole
  attention of every layer. Linear-attention mixers follow the attention group too.
- KV pool: RadixAttention gets num_kv_heads = kv_heads // attn_tp_size, so every rank's pool holds the
  heads of its group for its own requests (the "KV Cache is allocated" line: sgl-project/sglang#17392,
  Qwen3-30B-A3B at TP 4 / DP 4, 48 KiB of K a token = all 4 KV heads).
- token embedding: VocabParallelEmbedding(enable_tp=not is_dp_attention_enabled()): whole on every rank.
- LM head: ParallelLMHead(use_attn_tp_group=enable_dp_lm_head): split over all T ranks by default, over
  the attention group with --enable-dp-lm-head (`layers/vocab_parallel_embedding.py`
  VocabParallelEmbedding.__init__).
- experts: split over the whole TP group (moe_ep_size x moe_tp_size = tp_size, runtime_context.py
  derive_parallel_widths), as without DP attention. Dense MLPs and shared experts keep the TP split
  (moe_dense_tp_size unset); `--moe-dense-tp-size 1` (replicated) is not modelled.
- chunked prefill: `arg_groups/parallel_hook.py` handle_data_parallelism divides chunked_prefill_size by
  dp_size after the memory defaults were derived from the undivided value.
- the default mem_fraction_static keeps max_bs x dp_size x 3 MiB more out for the gathered decode graphs
  (x 4.5 above a max_bs of 300): `arg_groups/memory_hook.py` reserve_for_graph_mb (sglang_rules.reserved_mib).
Check: Qwen3-30B-A3B bf16 at TP 4 / DP 4 / EP 4 with --enable-dp-lm-head printed "Load weight end ...
mem usage=16.39 GB" on every rank (sgl-project/sglang#17392); the experts / 4 with the attention,
embedding and head whole come to 16.37 GiB of parameters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.estimate.placement import Stage
    from llmsize.estimate.weights import Shard
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec, WeightFormat
    from llmsize.specs.params import ParamGroup

# Parameter groups (specs/params.py kinds and names) that follow the attention group's TP degree.
_ATTENTION_KINDS = frozenset({"attn", "mixer", "mixer_param"})
_ATTENTION_NORMS = frozenset({"q_norm", "k_norm", "mixer_norm"})
# config.json model_type of SGLang model files whose decoder layers pass allow_reduce_scatter=True.
_REDUCE_SCATTER_MODEL_TYPES = frozenset({"qwen2_moe", "qwen3_moe"})


def attention_tp(wl: Workload) -> int:
    """attn_tp_size: the ranks one attention group spans (tp / dp with DP attention, else tp)."""
    return max(1, wl.tp // wl.dp_attention)


def problem(spec: ModelSpec, wl: Workload) -> str | None:
    """Why SGLang refuses this DP-attention layout (server_args `assert tp_size % dp_size == 0`, the
    attention's `assert total_num_heads % attn_tp_size == 0`), or None."""
    dp = wl.dp_attention
    if dp == 1:
        return "--dp-lm-head needs --dp-attention (SGLang asserts it)" if wl.dp_lm_head else None
    if wl.tp % dp:
        return f"--dp-attention {dp} must divide --tp {wl.tp} (SGLang's attention groups split the TP ranks)"
    heads = spec.num_attention_heads
    if heads % attention_tp(wl):
        return f"the attention group of {attention_tp(wl)} ranks does not divide the {heads} attention heads"
    return None


def moe_output_all_reduced(spec: ModelSpec) -> bool:
    """Whether the MoE layer all-reduces the gathered tokens' expert output over the TP group (True), or
    reduce-scatters it back to the attention groups (False), under DP attention without
    --moe-a2a-backend. The MoE block all-reduces when tp_size > 1 (`models/gpt_oss.py`
    GptOssSparseMoeBlock.forward_normal: tensor_model_parallel_all_reduce) and postprocess_layer then
    copies the group's rows out (`layers/communicator.py` CommunicateSummableTensorPairFn
    ._scatter_hidden_states -> `dp_attention.py` dp_scatter, no collective); a decoder layer built with
    LayerCommunicator(allow_reduce_scatter=True) skips the all-reduce (`use_reduce_scatter`) and runs
    dp_reduce_scatter_tensor there instead in the MAX_LEN padding of the decode graphs
    (LayerCommunicator.should_use_reduce_scatter; `models/qwen2_moe.py` Qwen2MoeSparseMoeBlock.forward,
    `models/qwen3_moe.py` Qwen3MoeDecoderLayer)."""
    return spec.model_type not in _REDUCE_SCATTER_MODEL_TYPES


def _group_tp(shard: Shard, wl: Workload) -> int:
    """The TP degree one parameter group is split over on a DP-attention rank."""
    group = shard.group
    if group.kind in _ATTENTION_KINDS or (group.kind == "norm" and group.name in _ATTENTION_NORMS):
        return attention_tp(wl)
    if group.kind == "embedding":
        return 1
    if group.kind == "lm_head":
        return attention_tp(wl) if wl.dp_lm_head else wl.tp
    return wl.tp


def extra_weight_bytes(spec: ModelSpec, wl: Workload, fmt: WeightFormat, stage: Stage) -> int:
    """Bytes a DP-attention rank holds beyond the plain TP split of `stage` (0 without DP attention):
    the attention groups at attn_tp_size, the embedding whole, the LM head per --dp-lm-head."""
    if wl.dp_attention == 1:
        return 0
    from llmsize.estimate.weights import shard_bytes, stage_shards

    by_degree: dict[int, dict[ParamGroup, Shard]] = {}
    extra = 0
    for shard in stage_shards(spec, wl, stage):
        degree = _group_tp(shard, wl)
        if degree == wl.tp:
            continue
        if degree not in by_degree:
            other = wl.model_copy(update={"tp": degree, "dp_attention": 1, "dp_lm_head": False})
            by_degree[degree] = {s.group: s for s in stage_shards(spec, other, stage)}
        extra += shard_bytes(spec, by_degree[degree][shard.group], fmt) - shard_bytes(spec, shard, fmt)
    return extra
