"""KV cache per GPU: K and V for every cached token of every attention layer on the GPU.

Standard / GQA / MQA attention caches 2 x kv_heads x head_dim values per token and layer; MLA
(DeepSeek-V2/V3) caches the compressed latent, kv_lora_rank + qk_rope_head_dim values, once.
Every engine llmsize models caches the latent: transformers >= 5 (`modeling_deepseek_v3.py`:
`past_key_values.update(kv_nope, k_rot, ...)` "while latent KV is still compressed"; transformers
4.x cached the decompressed per-head K and V instead), vLLM and SGLang (MLA backends), and
llama.cpp (deepseek2 K cache of n_embd_head_k_mla). Sliding-window layers hold at most their
window, with each engine's own rule (its module's `tokens_held`, estimate/engines/). Functions
accept numpy arrays for the token and batch counts, so sweeps evaluate whole grids at once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from llmsize.errors import BadInputError
from llmsize.estimate import arrays as np
from llmsize.estimate.engines.base import BaseEngine
from llmsize.estimate.engines.registry import ENGINES, engine_for
from llmsize.estimate.memo import memo
from llmsize.estimate.workload import Engine, Workload
from llmsize.specs.models import COMPRESSED_KINDS, ModelSpec
from llmsize.units import BYTES_PER_ELEMENT, KvDtype

EngineLike = Engine | BaseEngine


def _eng(engine: EngineLike) -> BaseEngine:
    """The engine module for an Engine (default settings) or an already bound module."""
    if isinstance(engine, BaseEngine):
        return engine
    return ENGINES[Engine(engine)]()


def kv_dtype_for(wl: Workload, compute_dtype: str, spec: ModelSpec | None = None) -> str:
    """The KV element type: --kv-dtype, else the engine's default for this model (its `resolve`:
    vLLM's fp8 for DeepSeek V4), else its default (the compute dtype; llama.cpp f16)."""
    if spec is not None:
        wl = engine_for(wl).resolve(spec, wl)
    if wl.kv_dtype is not None:
        return str(wl.kv_dtype)
    return engine_for(wl).default_kv_dtype(compute_dtype)


def kv_element_bytes(kv_dtype: str, engine: EngineLike) -> Fraction:
    """Bytes per cached value, scale overhead included (the engine's own types and block formats:
    q8_0 / q4_0 are ggml blocks of 32, 34 and 18 bytes, ggml-common.h)."""
    return _eng(engine).kv_element_bytes(kv_dtype)


@dataclass(frozen=True)
class KvTerm:
    """`layers` layers on the GPU that cache `bytes_per_token` per token and sequence (attention), or
    a fixed `state_bytes` per sequence that does not grow with the context (linear attention, Mamba)."""

    layers: int
    bytes_per_token: Fraction
    window: int | None  # tokens the layer can attend to; None = the whole context
    state_bytes: int = 0  # per sequence and layer: conv + recurrent state
    # DeepSeek V4's pooled caches (engine.compressed_terms): "pooled" holds one entry per `rate`
    # tokens, "pending" the tokens of a window not yet pooled, "after_first" one fixed copy once
    # the first window closed; `bytes_per_token` is then the bytes of one held position. Engines
    # that page it as a whole (compressed_layout) add "blocks" (one block per `rate` tokens) and
    # "window_blocks" (the blocks a `window` keeps, `rate` tokens each).
    rule: str = "window"
    rate: int = 0
    # states held per sequence and layer (engine.state_copies: the live one and saved copies); the
    # decode's traffic is one state_bytes (hardware/speed_inputs.py), the memory all of them
    state_copies: int = 1


# Term rules whose held positions grow with the context without bound (one per `rate` tokens).
GROWING_RULES = frozenset({"pooled", "blocks", "dsv4_pool"})


def cache_kv_heads(spec: ModelSpec, engine: EngineLike) -> int:
    """K/V heads an engine's cache holds per layer (standard attention; MLA caches a latent)."""
    return _eng(engine).cache_kv_heads(spec)


def layer_bytes_per_token(
    spec: ModelSpec, element: Fraction, tp: int, engine: EngineLike = Engine.TRANSFORMERS
) -> Fraction:
    """Per layer and token: MLA latent once, else K and V for this rank's cached heads.

    Tensor parallelism gives each rank kv_heads/tp heads, or one replicated head when tp exceeds
    the KV heads (vLLM); the MLA latent is replicated on every rank.
    """
    return _eng(engine).layer_kv_bytes(spec, element, tp)


def state_terms(
    spec: ModelSpec, wl: Workload, compute_dtype: str, layers: Sequence[int]
) -> tuple[KvTerm, ...]:
    """The fixed per-sequence state of the linear-attention / Mamba / short-conv blocks among `layers`.

    Sizes come from the spec's layer kind as the engine keeps it (`state_bytes` of the engine
    module); tensor parallelism splits the state by heads like the KV heads.
    """
    if spec.layer_types is None:  # every block full attention: none keeps a state
        return ()
    asked = tuple(layers)
    n = memo(spec, ("state layers", asked), lambda: sum(1 for layer in asked if spec.has_state(layer)))
    if not n or spec.recurrent is None:
        return ()
    element = BYTES_PER_ELEMENT.get(compute_dtype, Fraction(2))
    eng = engine_for(wl)
    per_seq = eng.state_bytes(spec, int(element) if element >= 1 else 2, wl.tp)
    return (KvTerm(n, Fraction(0), None, per_seq, state_copies=eng.state_copies(spec)),)


def kv_terms(
    spec: ModelSpec, wl: Workload, kv_dtype: str, layers: Sequence[int], compute_dtype: str | None = None,
    *, read: bool = False,
) -> tuple[KvTerm, ...]:
    """The cache geometry of the given blocks, grouped by window (recurrent state as its own term);
    `read`: as one decode step's kernel reads it (the engine's `reads_windows`), not as it is kept."""
    states = state_terms(spec, wl, compute_dtype or _float_or_bf16(kv_dtype), layers)
    asked = tuple(layers)
    if spec.every_block_full_attention:  # each has its own K/V: no walk
        layers = asked
    else:
        layers = memo(spec, ("kv layers", asked), lambda: tuple(i for i in asked if spec.has_kv(i)))
    # (layer lists and their windows are asked again at every context a planner tries: issue 15)
    eng = engine_for(wl)
    element = eng.kv_element_bytes(kv_dtype)
    if kv_dtype in ("q8_0", "q4_0"):
        width = spec.kv_lora_rank + spec.qk_rope_head_dim if spec.is_mla else spec.head_dim
        if width % 32:
            raise BadInputError(
                f"--kv-dtype {kv_dtype} needs a head size divisible by 32 (this model: {width})"
            )
    if spec.compressed is not None:  # DeepSeek V4 on an engine that lays out the whole cache itself
        whole = eng.compressed_layout(spec, tuple(layers), element)
        if whole is not None:
            return (*whole, *states)
    per_token = layer_bytes_per_token(spec, element, wl.tp, eng)
    windows = eng.reads_windows(kv_dtype, spec) if read else eng.keeps_windows(kv_dtype, spec)
    if not spec.per_layer_attention and spec.compressed is None:
        # one size per token for every layer: group by window alone (issue 15)
        kv_layers = tuple(layers)
        slot = ("kv windows", kv_layers, windows)
        by_window = memo(spec, slot, lambda: _count_windows(spec, kv_layers, windows))
        return (*(KvTerm(n, per_token, _kept(eng, spec, w)) for w, n in by_window), *states)
    counts: dict[tuple[int | None, Fraction], int] = {}
    pooled: dict[KvTerm, int] = {}
    for layer in layers:
        kind = spec.layer_type(layer)
        if kind in COMPRESSED_KINDS:  # DeepSeek V4: the engine lays out its window and its pools
            for term in eng.compressed_terms(spec, kind, element):
                pooled[term] = pooled.get(term, 0) + 1
            continue
        window = _kept(eng, spec, spec.layer_window(layer)) if windows else None
        if spec.per_layer_attention:  # Gemma 4, MiMo-V2-Flash: global blocks' own head size / KV heads
            per_token = layer_bytes_per_token(spec.attention_view(layer), element, wl.tp, eng)
        key = (window, per_token)
        counts[key] = counts.get(key, 0) + 1
    grouped = (replace(t, layers=n) for t, n in pooled.items())
    return (*(KvTerm(n, p, w) for (w, p), n in counts.items()), *grouped, *states)


def _count_windows(
    spec: ModelSpec, layers: Sequence[int], windows: bool
) -> tuple[tuple[int | None, int], ...]:
    """(window, number of layers) in the order the windows first appear (None: the whole context)."""
    if not windows or spec.layer_types is None:  # one window for all: the whole context
        return ((None, len(layers)),) if layers else ()
    by_window: dict[int | None, int] = {}
    for layer in layers:
        window = spec.layer_window(layer) if windows else None
        by_window[window] = by_window.get(window, 0) + 1
    return tuple(by_window.items())


def _kept(eng: BaseEngine, spec: ModelSpec, window: int | None) -> int | None:
    """A sliding layer's window as the engine's cache keeps it (`memory_window`); None stays None."""
    return None if window is None else eng.memory_window(spec, window)


def _float_or_bf16(dtype: str) -> str:
    return dtype if dtype in ("fp32", "fp16", "bf16") else "bf16"


def tokens_held(window: int | None, tokens: Any, prefill: Any, engine: EngineLike, batch: Any = 1) -> Any:
    """Cache positions one layer holds per sequence (llama.cpp: in total, for `batch` sequences);
    each engine's rule is in its module (`tokens_held`)."""
    return _eng(engine).tokens_held(window, tokens, prefill, batch)


def kv_bytes(
    terms: Sequence[KvTerm], engine: EngineLike, tokens: Any, prefill: Any, batch: Any, *, read: bool = False
) -> Any:
    """Sum over the cache terms; int for scalar inputs, an integer array for array inputs. `read`: the
    positions one decode step's kernel reads (the engine's `tokens_read`), not those it keeps."""
    eng = _eng(engine)
    total: Any = 0
    for term in terms:
        if term.state_bytes:  # one fixed state per sequence, whatever the context
            total = total + term.layers * term.state_bytes * term.state_copies * batch
            continue
        if term.rule != "window":
            held = eng.pooled_held(term.rule, term.rate, tokens, prefill, term.window, batch)
        else:
            held = (eng.tokens_read if read else eng.tokens_held)(term.window, tokens, prefill, batch)
        seqs = eng.sequences(batch)
        per_token = term.layers * term.bytes_per_token
        if per_token.denominator == 1:
            total = total + held * seqs * int(per_token)
        else:
            total = total + -(-(held * seqs * per_token.numerator) // per_token.denominator)
    if np.ndim(total) == 0:
        return int(total)
    return np.asarray(total, dtype=np.int64)


def kv_cache_bytes(
    spec: ModelSpec,
    wl: Workload,
    kv_dtype: str,
    layers: Sequence[int],
    *,
    tokens: Any = None,
    prefill: Any = None,
    batch: Any = None,
) -> Any:
    """KV bytes on a GPU holding `layers`, after `prefill` prompt tokens and `tokens` in total.

    Defaults: the workload's context, prompt and batch. Training keeps no cache (use_cache=False).
    """
    if wl.mode.trains:
        return 0
    tokens = wl.context if tokens is None else tokens
    if prefill is None:
        prefill = tokens if wl.prompt_tokens is None else np.minimum(wl.prompt_tokens, tokens)
    batch = wl.batch if batch is None else batch
    return kv_bytes(kv_terms(spec, wl, kv_dtype, layers), engine_for(wl), tokens, prefill, batch)


def kv_formula(spec: ModelSpec, kv_dtype: str, engine: EngineLike) -> str:
    """One line: the per-token formula of this model's cache."""
    if spec.compressed is not None:
        c = spec.compressed
        eng = _eng(engine)
        if eng.compressed_layout(spec, tuple(range(spec.num_layers)), Fraction(1)) is not None:
            return (
                f"DeepSeek V4 as {eng.label or eng.engine} allocates it: a {spec.sliding_window}-token "
                f"window per layer, CSA / HCA pooled entries (one per {c.csa_rate} / {c.hca_rate} tokens), "
                "CSA indexer keys and the compressors' running state, in the engine's own pages"
            )
        return (
            f"per layer: a {spec.sliding_window}-token window of one shared key/value x head_dim, plus on "
            f"CSA / HCA layers one pooled entry per {c.csa_rate} / {c.hca_rate} tokens (CSA: + indexer key) "
            f"and the projections of the window not yet pooled, x {kv_dtype} bytes x batch"
        ) + _eng(engine).kv_formula_tail()
    if spec.is_mla:
        return f"layers x (kv_lora_rank + rope_dim) x {kv_dtype} bytes x tokens x batch (MLA latent)"
    core = f"2 x layers x kv_heads x head_dim x {kv_dtype} bytes x tokens x batch"
    if cache_kv_heads(spec, engine) != spec.num_kv_heads:
        core = (
            core.replace("kv_heads", "query heads") + " (transformers broadcasts Falcon's K/V to every head)"
        )
    if spec.layer_types and {"sliding_attention", "chunked_attention"} & set(spec.layer_types):
        core += " (sliding/chunked layers: at most the window)"
    n_kv = sum(1 for i in range(spec.num_layers) if spec.has_kv(i))
    if n_kv != spec.num_layers:
        core = core.replace("x layers x", f"x {n_kv} attention layers x")
    if spec.kv_shared_layers:
        core += f" (the last {spec.kv_shared_layers} layers reuse earlier layers' K/V and cache none)"
    if spec.recurrent is not None:
        core += f" + a fixed {spec.recurrent.kind} state per sequence in the other layers"
    return core + _eng(engine).kv_formula_tail()


def kv_per_token_bytes(spec: ModelSpec, wl: Workload, kv_dtype: str) -> int:
    """KV bytes one more token of one sequence costs on full-attention layers of the whole model."""
    eng = engine_for(wl)
    element = eng.kv_element_bytes(kv_dtype)
    if spec.compressed is not None:  # DeepSeek V4: the pooled entries grow, one per `rate` tokens
        whole = eng.compressed_layout(spec, tuple(range(spec.num_layers)), element)
        if whole is not None:
            grown = (t.layers * t.bytes_per_token / t.rate for t in whole if t.rule in GROWING_RULES)
            return math.ceil(sum(grown, Fraction(0)))
        grow = Fraction(0)
        for i in range(spec.num_layers):
            kind = spec.layer_type(i)
            if kind in COMPRESSED_KINDS:
                terms = eng.compressed_terms(spec, kind, element)
                grow += sum((t.bytes_per_token / t.rate for t in terms if t.rule == "pooled"), Fraction(0))
        return math.ceil(grow)
    full = [i for i in range(spec.num_layers) if spec.has_kv(i) and spec.layer_window(i) is None]
    if spec.per_layer_heads:  # Gemma 4: each block at its own head size (attention_view)
        views = (spec.attention_view(i) for i in full)
        return math.ceil(sum(layer_bytes_per_token(v, element, wl.tp, eng) for v in views))
    return math.ceil(len(full) * layer_bytes_per_token(spec, element, wl.tp, eng))


KV_DTYPES = tuple(str(k) for k in KvDtype)
