"""Speculative decoding: the drafter a serving engine loads beside the model, its weights and its cache.

`--speculative mtp|eagle|eagle3|draft:<model>` with `--num-speculative-tokens N`. What each engine
does with the drafter is its module's rule (`Engine.speculative_methods`, vLLM's groups, SGLang's
cell); this module only says what the drafter is:
- mtp: the checkpoint's own multi-token-prediction layers (`ModelSpec.mtp_layers`). vLLM loads them
  as a second model (vllm/v1/spec_decode/eagle.py `EagleProposer.load_model`, vLLM 0.19) that shares
  the target's embedding and, for MTP models, its lm_head (`_maybe_share_embeddings`,
  `_maybe_share_lm_head`: "Detected MTP model. Sharing target model lm_head"), except DeepSeek's
  `shared_head.head`, which deepseek_mtp.py keeps per MTP layer. Each layer caches one layer of the
  model's own attention kind (full attention or the MLA latent); more speculative tokens than
  layers re-run the same layers (vllm/config/speculative.py: num_speculative_tokens defaults to
  n_predict = num_nextn_predict_layers).
- eagle / eagle3: a one-layer EAGLE head trained for the target, kept in bf16: one decoder layer of
  the target's attention shape with a dense MLP, plus fc (2h -> h); EAGLE-3's layer reads [embedding,
  hidden] (its q/k/v take 2h) and its fc fuses three target layers (3h -> h), with an lm_head over a
  32,000-token draft vocabulary (the published EAGLE-3 heads for Llama 3.1 8B: ~0.85 GB, matching
  this count). Embeddings are the target's (shared, as above).
- draft:<model>: a separate small model, loaded whole (vllm/v1/spec_decode/draft_model.py: "Draft
  models don't share embeddings with the target model", nor the lm_head), every attention layer
  cached with its own head shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import TYPE_CHECKING

from llmsize.errors import BadInputError

if TYPE_CHECKING:
    from llmsize.estimate.kv_cache import KvTerm
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec, WeightFormat

METHODS = ("mtp", "eagle", "eagle3", "draft")
EAGLE3_DRAFT_VOCAB = 32000  # REFERENCE: EAGLE-3 heads' draft_vocab_size (SafeAILab/EAGLE config), d2t map
HEAD_BYTES = 2  # EAGLE heads are bf16 checkpoints
# REFERENCE: sglang 0.5.23 srt/arg_groups/speculative_hook.py `_auto_choose_speculative_params`: 3 draft
# steps (topk 1, 4 draft tokens) for every architecture but Llama and Grok; llama.cpp's draft default
# is 16 (common/common.h n_max), vLLM has none for EAGLE/draft models (require_tokens).
DEFAULT_TOKENS = 3


@dataclass(frozen=True)
class Drafter:
    """What speculative decoding adds: `kv_layers` layers cached per token, shaped like `layer_spec`."""

    method: str
    tokens: int  # num_speculative_tokens
    kv_layers: int
    layer_spec: ModelSpec
    name: str  # the draft model's name, or the method


def method_of(value: str) -> tuple[str, str | None]:
    """("draft", "<model>") for "draft:<model>", else (method, None); bad values exit 2."""
    method, _, name = value.strip().partition(":")
    method = method.lower()
    if method not in METHODS or (method == "draft") != bool(name.strip()):
        raise BadInputError(
            f"--speculative {value!r} is not a method llmsize knows",
            hint="use mtp, eagle, eagle3 or draft:<model> (e.g. draft:Qwen3-0.6B)",
        )
    return method, name.strip() or None


@cache
def _draft_spec(name: str) -> ModelSpec:
    from llmsize.specs.resolve import resolve

    return resolve(name)


def drafter(spec: ModelSpec, wl: Workload) -> Drafter | None:
    """The drafter `wl.speculative` asks for, or None; a model without MTP layers asked for mtp exits 2."""
    if wl.speculative is None:
        return None
    method, name = method_of(wl.speculative)
    if spec.compressed is not None:  # vllm_dsv4.py / sglang_dsv4.py lay out the target's pools only
        raise BadInputError(
            "llmsize does not model the speculative drafter's cache of DeepSeek V4 (its MTP layer's "
            "sliding window and pools)",
            hint="leave --speculative out for DeepSeek V4",
        )
    if method == "mtp":
        if not spec.mtp_layers:
            raise BadInputError(
                f"{spec.name} has no multi-token-prediction layers (its config sets no "
                "num_nextn_predict_layers / mtp_num_hidden_layers) to draft with",
                hint="use --speculative eagle, eagle3 or draft:<model>, or a checkpoint with MTP layers",
            )
        tokens = wl.num_speculative_tokens or spec.mtp_layers
        return Drafter(method, tokens, spec.mtp_layers, _attention_layer(spec), "mtp")
    tokens = wl.num_speculative_tokens or DEFAULT_TOKENS
    if method in ("eagle", "eagle3"):
        return Drafter(method, tokens, 1, _attention_layer(spec), method)
    draft = _draft_spec(name or "")
    _check_vocabulary(spec, draft)
    layers = sum(1 for layer in range(draft.num_layers) if draft.has_kv(layer))
    return Drafter(method, tokens, layers, draft, draft.name)


# REFERENCE: ggml-org/llama.cpp common/speculative.cpp `SPEC_VOCAB_MAX_SIZE_DIFFERENCE 128` in
# common_speculative_are_compatible, which refuses a draft whose vocabulary size differs more (and whose
# token texts differ): the target verifies the draft's proposals by token id, so the two must share a
# tokenizer; padded vocabularies of one family (Qwen2.5-0.5B 151,936 vs -7B 152,064) pass.
VOCAB_MAX_SIZE_DIFFERENCE = 128


def _check_vocabulary(spec: ModelSpec, draft: ModelSpec) -> None:
    """A draft model of another tokenizer is bad input (issue 15, round 6: `Qwen3-8B --speculative
    draft:mistral` was sized as if it could run)."""
    if abs(spec.vocab_size - draft.vocab_size) > VOCAB_MAX_SIZE_DIFFERENCE:
        raise BadInputError(
            f"draft model {draft.name} has a {draft.vocab_size:,}-token vocabulary and {spec.name} "
            f"{spec.vocab_size:,}: a draft must share the target's tokenizer",
            hint="draft with a smaller model of the same family (e.g. draft:Qwen3-0.6B for Qwen3)",
        )


def require_tokens(wl: Workload, engine: str) -> None:
    """vLLM needs num_speculative_tokens for a drafter whose config does not set it (vllm/config/
    speculative.py: "It will default to the number in the draft model config if present, otherwise,
    it is required"): EAGLE heads and draft models; MTP defaults to the model's n_predict."""
    if wl.speculative is None or wl.num_speculative_tokens is not None:
        return
    if method_of(wl.speculative)[0] != "mtp":
        raise BadInputError(
            f"{engine} needs --num-speculative-tokens with --speculative {wl.speculative} "
            "(vllm/config/speculative.py requires it when the draft's config does not set it)",
            hint="add e.g. --num-speculative-tokens 3",
        )


def _attention_layer(spec: ModelSpec) -> ModelSpec:
    """The cache shape of one drafter layer: the model's full-attention layer (Gemma 4: its global one)."""
    full = next((i for i in range(spec.num_layers) if spec.layer_type(i) == "full_attention"), None)
    return spec.attention_view(full) if full is not None else spec


def weight_bytes(
    spec: ModelSpec,
    wl: Workload,
    fmt: WeightFormat,
    d: Drafter,
    own_head: bool = False,
    own_embed: bool = False,
) -> int:
    """The drafter's weights on the GPU that runs it (the last pipeline stage), per TP rank; `own_head`:
    the engine keeps DeepSeek MTP's own shared_head.head (vLLM) instead of the target's lm_head;
    `own_embed`: the engine's MTP draft loads an embedding and lm_head of its own (SGLang, `_nextn_own`)."""
    from llmsize.estimate.weights import _mtp_bytes, model_weight_bytes
    from llmsize.specs.params import block_params, mtp_block_spec

    tp = wl.tp
    h = spec.hidden_size
    if d.method == "mtp":
        if spec.mtp_in_weights:  # the file already holds them (weights._stage_weight_bytes)
            return 0
        # the whole layers' bytes split over the TP ranks (weights._mtp_bytes counts one device's)
        body = -(-_mtp_bytes(spec.model_copy(update={"mtp_layout": "qwen"}), 1, fmt) // tp)
        # DeepSeek's shared_head.head: vocab x h per layer, bf16, vocab-parallel
        if own_head and spec.mtp_layout == "deepseek":
            body += spec.mtp_layers * -(-spec.vocab_size * h * HEAD_BYTES // tp)
        if own_embed:
            body += _nextn_own(spec, tp, fmt)
        return body
    if d.method == "draft":
        return -(-model_weight_bytes(d.layer_spec, d.layer_spec.weight_format) // tp)
    dense = mtp_block_spec(spec).model_copy(
        update={"num_experts": 0, "intermediate_size": spec.intermediate_size or spec.moe_intermediate_size}
    )
    params = block_params(dense) + 2 * h * h
    if d.method == "eagle3":
        qkv = (spec.num_attention_heads + 2 * spec.num_kv_heads) * spec.head_dim
        params += qkv * h + h * h + EAGLE3_DRAFT_VOCAB * h
    return -(-params * HEAD_BYTES // tp)


def _nextn_own(spec: ModelSpec, tp: int, fmt: WeightFormat) -> int:
    """What SGLang's NEXTN draft worker loads beyond the sharded MTP layers (sglang
    srt/models/qwen3_5_mtp.py Qwen3_5ForCausalLMMTP, 0.5.x): its inner model builds its own
    VocabParallelEmbedding and the draft its own ParallelLMHead (vocab / tp rows each, unquantized: the
    FP8 method quantizes LinearBase layers only), which `set_embed_and_head` swaps for the target's
    only after the draft's "Load weight end"; and its fc (2h -> h) is a plain nn.Linear, whole on every
    rank. Check: Qwen3.8-27B-FP8 at TP 2 logs 2.67 GB for the draft worker (noonghunna/club-3090,
    tests/golden/engine_logs.yaml): 2 x 248,320 / 2 x 5,120 bf16 + the FP8 layer / 2 + a bf16 fc."""
    from llmsize.units import bytes_per_element

    h = spec.hidden_size
    elem = int(bytes_per_element(fmt.dtype if fmt.dtype in ("fp32", "fp16", "bf16") else "bf16"))
    vocab = -(-spec.vocab_size // tp) * h * elem
    heads = 1 if spec.tie_word_embeddings or spec.mtp_layout == "deepseek" else 2  # DeepSeek's head: above
    fc = 2 * h * h * elem
    return vocab * heads + spec.mtp_layers * (fc - -(-fc // tp))


def kv_terms(d: Drafter, wl: Workload, kv_dtype: str) -> tuple[KvTerm, ...]:
    """The drafter's cache: `kv_layers` full-context layers of its own shape, in the engine's draft KV
    type (`draft_kv_dtype`: llama.cpp's -ctkd/-ctvd, f16 whatever -ctk says)."""
    from llmsize.estimate.engines.registry import engine_for
    from llmsize.estimate.kv_cache import KvTerm, layer_bytes_per_token

    eng = engine_for(wl)
    element = eng.kv_element_bytes(eng.draft_kv_dtype(kv_dtype))
    per_token: Fraction = layer_bytes_per_token(d.layer_spec, element, wl.tp, eng)
    return (KvTerm(d.kv_layers, per_token, None),) if d.kv_layers else ()


def note(spec: ModelSpec, wl: Workload, fmt: WeightFormat, own_head: bool, own_embed: bool = False) -> str:
    """The assumption line: what the drafter adds to the weights and to the cache."""
    d = drafter(spec, wl)
    if d is None:
        return ""
    what = {"mtp": f"the model's {d.kv_layers} MTP layer(s)", "draft": f"draft model {d.name}"}.get(
        d.method, f"a one-layer {d.method.upper()} head shaped like the model's layer (bf16)"
    )
    tokens = (
        f"{d.tokens} draft token(s)" if wl.num_speculative_tokens or d.method == "mtp" else "default drafts"
    )
    return (
        f"speculative decoding ({d.method}, {tokens} per step): {what}, "
        f"{weight_bytes(spec, wl, fmt, d, own_head, own_embed):,} B of weights on the last stage, and "
        f"{d.kv_layers} more cached layer(s) per token"
    )
