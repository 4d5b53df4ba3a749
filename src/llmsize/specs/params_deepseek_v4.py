"""DeepSeek V4's tensors beyond a standard block: its attention, compressors, hyper-connections and
hash routing.

Shapes restate transformers 5.23 `models/deepseek_v4/modeling_deepseek_v4.py`:
- `DeepseekV4Attention`: q_a_proj -> q_a_norm -> q_b_proj (heads x head_dim), one shared key/value
  projection `kv_proj` (head_dim) with `kv_norm`, the grouped output projection `o_a_proj`
  (`DeepseekV4GroupedLinear`: o_groups blocks of heads*head_dim/o_groups -> o_lora_rank, stored as
  one [o_groups*o_lora_rank, heads*head_dim/o_groups] weight) and `o_b_proj`, a sink per head;
- `DeepseekV4CSACompressor` (compressed_sparse_attention blocks): kv_proj and gate_proj to
  2 x head_dim (two overlapping series), position_bias [rate, 2 x head_dim], kv_norm, and the
  `DeepseekV4Indexer` with the same layout at index_head_dim, plus q_b_proj from the q latent and
  the scorer's weights_proj;
- `DeepseekV4HCACompressor` (heavily_compressed_attention blocks): kv_proj, gate_proj to head_dim,
  position_bias [rate, head_dim], kv_norm;
- `DeepseekV4HyperConnection` (attn_hc and ffn_hc of every block): fn [(2+n)n, n*hidden], base
  [(2+n)n], scale [3];
- `DeepseekV4HashRouter` (the hash_moe blocks): the learned gate plus `tid2eid`, a persistent int64
  buffer [vocab, top-k] the checkpoint ships (`ffn.gate.tid2eid I64 [129280, 6]`), and no
  e_score_correction_bias, which only `DeepseekV4TopKRouter` has.
The indexer's tensors get no gradient in training: its scores only select top-k indices.
"""

from __future__ import annotations

from dataclasses import replace

from llmsize.specs.models import ModelSpec
from llmsize.specs.params import ParamGroup


def attention_groups(spec: ModelSpec, n: int) -> list[ParamGroup]:
    """The attention of `n` blocks (every kind), and the compressors of the CSA / HCA blocks."""
    c = spec.compressed
    assert c is not None
    h, hd, heads, q = spec.hidden_size, spec.head_dim, spec.num_attention_heads, spec.q_lora_rank
    groups = [
        ParamGroup("q_a_proj", "attn", n, h, q),
        ParamGroup("q_a_norm", "norm", n, numel_each=q),
        ParamGroup("q_b_proj", "attn", n, q, heads * hd),
        ParamGroup("kv_proj", "attn", n, h, hd),
        ParamGroup("kv_norm", "norm", n, numel_each=hd),
        ParamGroup("o_a_proj", "attn", n, heads * hd // c.o_groups, c.o_groups * c.o_lora_rank),
        ParamGroup("o_b_proj", "attn", n, c.o_groups * c.o_lora_rank, h),
        ParamGroup("sinks", "attn", n, numel_each=heads),
    ]
    csa = _layers_of(spec, "compressed_sparse_attention")
    hca = _layers_of(spec, "heavily_compressed_attention")
    if csa:
        groups += _compressor(spec, hd, c.csa_rate, csa, overlap=True)
        ix = spec.indexer
        assert ix is not None
        ihd = ix.head_dim
        # The indexer only picks top-k indices: no gradient reaches it (its weights stay .grad None).
        indexer = [
            *_compressor(spec, ihd, c.csa_rate, csa, overlap=True),
            ParamGroup("q_b_proj", "attn", len(csa), q, ix.num_heads * ihd, layers=csa),
            ParamGroup("weights_proj", "attn", len(csa), h, ix.num_heads, layers=csa),
        ]
        groups += [replace(g, no_grad=True) for g in indexer]
    if hca:
        groups += _compressor(spec, hd, c.hca_rate, hca, overlap=False)
    return groups


def _layers_of(spec: ModelSpec, kind: str) -> tuple[int, ...]:
    return tuple(i for i in range(spec.num_layers) if spec.layer_type(i) == kind)


def _compressor(
    spec: ModelSpec, width: int, rate: int, layers: tuple[int, ...], *, overlap: bool
) -> list[ParamGroup]:
    """kv_proj, gate_proj, position_bias and kv_norm of one compressor (CSA's emit two series).

    Named as the modules are (`self_attn.compressor.kv_proj`, `...compressor.indexer.kv_proj`): PEFT
    matches target names against the last component, and so does LoRA here."""
    n, h, out = len(layers), spec.hidden_size, (2 if overlap else 1) * width
    return [
        ParamGroup("kv_proj", "attn", n, h, out, layers=layers),
        ParamGroup("gate_proj", "attn", n, h, out, layers=layers),
        ParamGroup("position_bias", "attn", n, numel_each=rate * out, layers=layers),
        ParamGroup("kv_norm", "norm", n, numel_each=width, layers=layers),
    ]


def block_extras(spec: ModelSpec, moe: tuple[int, ...]) -> list[ParamGroup]:
    """The hyper-connections of every block, and the routers' tables: e_score_correction_bias on the
    top-k routed blocks, tid2eid on the hash-routed ones."""
    c = spec.compressed
    assert c is not None
    n_hc, L = c.hc_mult, spec.num_layers
    hc = (2 + n_hc) * n_hc * (n_hc * spec.hidden_size + 1) + 3
    groups = [
        ParamGroup("attn_hc", "mixer_param", L, numel_each=hc),
        ParamGroup("ffn_hc", "mixer_param", L, numel_each=hc),
    ]
    hashed = tuple(i for i in moe if i in spec.hash_moe_layers)
    learned = tuple(i for i in moe if i not in spec.hash_moe_layers)
    if learned:
        groups.append(
            ParamGroup(
                "e_score_correction_bias", "router", len(learned), numel_each=spec.num_experts, layers=learned
            )
        )
    if hashed:
        table = spec.vocab_size * spec.num_experts_per_tok
        groups.append(
            ParamGroup("tid2eid", "router", len(hashed), numel_each=table, layers=hashed, elem_bytes=8)
        )
    return groups
