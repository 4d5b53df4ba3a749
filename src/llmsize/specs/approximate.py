"""A spec for a name that states a size but matches no known architecture ("Foo-7B-Instruct").

A name of a known series ("QwQ-72B", "gemma-3-8b-it") takes its own family's grid
(FAMILY_REFERENCE_SHAPES below), scaled in depth the same way. Otherwise the assumed shape is the Llama
3 one: Meta's own sizes (Llama-3.2-1B/3B, Llama-3.1-8B/70B/405B in model_specs/llama.yaml, each copied
from its config.json) are the reference grid. The reference nearest in size (on a log scale) gives
width, heads, KV heads, MLP width, vocabulary and context; the layer count is then chosen so the total
matches the size in the name, since depth is the dimension that varies most freely between models of one
width (Llama 3.1 8B and 70B keep head_dim 128 and 8 KV heads, Llama 2 7B/13B keep the 2.7x MLP ratio,
while depth tracks size). The result is marked approximate and says which shape it assumed.

A name that states an active size as well ("Foo-120B-A12B") is a mixture of experts, and a dense
shape of its total size would be wrong where it matters: every token would read all the weights
(decode ~10x too slow) and the KV cache would follow a dense model's depth. Such names take the
nearest real MoE entry of their own family (FAMILY_MOE_REFERENCE_SHAPES: Qwen3.5/3.6's 3 Gated DeltaNet : 1
gated attention blocks, Qwen3-Next's, gpt-oss's sliding/full pairs, DeepSeek V3's MLA, Gemma 4's 5 sliding : 1
full, Nemotron 3's Mamba-2/MoE/attention pattern), else the Qwen3-MoE shape (Qwen3-30B-A3B, Qwen3-235B-A22B,
Qwen3-Coder-480B-A35B in model_specs/qwen3.yaml: GQA with 4-8 KV heads, 128-160 experts, 8 routed). The
entry keeps its layer pattern (tiled over the new depth, leading dense blocks kept), attention kind, heads,
head_dim, context and top-k; the layer count is chosen so the active size matches, then the expert count
so the total matches (issue 15: "Qwen3.6-122B-A10B" was a 39-layer all-attention Qwen3 shape).
"""

from __future__ import annotations

import math
import re

from llmsize.errors import BadInputError
from llmsize.names import ParsedName
from llmsize.specs.models import LayerType, ModelSpec, Provenance, ProvenanceKind, WeightFormat

# The largest size a name may state for an approximation: 10x the largest published model
# (Kimi K2, about 1T parameters). Beyond it a name is a typo, and scaling a reference in depth
# would build millions of layers (issue 15: "Foo-10000000B" ran for minutes).
MAX_APPROX_PARAMS = 10 * 10**12

# Llama 3 sizes in model_specs/llama.yaml, smallest first.
REFERENCE_SHAPES: tuple[str, ...] = (
    "Llama-3.2-1B",
    "Llama-3.2-3B",
    "Llama-3.1-8B",
    "Llama-3.1-70B",
    "Llama-3.1-405B",
)

# A name whose series llmsize knows ("QwQ-72B", "gemma-3-8b", "Phi-5-20B") but whose size no entry has takes
# its own family's grid instead of Llama's: width, heads, head_dim, vocabulary, tying and the sliding-window
# pattern then follow that family (Gemma 3's 262k vocabulary and 5:1 local/global layers; Qwen2.5's biased
# q/k/v and 152k vocabulary) rather than Llama 3's. Keys: (series, version prefix or None for any), from
# parse_name; values: catalog entries, smallest first. Multimodal entries lend only their language model.
_QWEN2_5 = tuple(f"Qwen2.5-{b}B" for b in ("0.5", "1.5", "3", "7", "14", "32", "72"))
_QWEN3_5 = tuple(f"Qwen3.5-{b}B" for b in ("0.8", "2", "4", "9", "27"))
FAMILY_REFERENCE_SHAPES: dict[tuple[str, str | None], tuple[str, ...]] = {
    ("qwq", None): ("Qwen2.5-0.5B", "Qwen2.5-7B", "Qwen2.5-14B", "QwQ-32B", "Qwen2.5-72B"),
    ("qwen", "2.5"): _QWEN2_5,
    ("qwen", "2"): _QWEN2_5,
    ("qwen", "3"): ("Qwen3-0.6B", "Qwen3-1.7B", "Qwen3-4B", "Qwen3-8B", "Qwen3-14B", "Qwen3-32B"),
    # Qwen3.5 and Qwen3.6 (one architecture, model_specs/qwen3.5.yaml): 3 Gated DeltaNet layers to 1 full
    # attention layer, 262,144 positions; not Qwen3's all-attention decoder, which "3" would give them
    ("qwen", "3.5"): _QWEN3_5,
    ("qwen", "3.6"): _QWEN3_5,
    ("gemma", "2"): ("gemma-2-2b", "gemma-2-9b", "gemma-2-27b"),
    ("gemma", "3"): ("gemma-3-270m", "gemma-3-1b", "gemma-3-4b", "gemma-3-12b", "medgemma-27b-text-it"),
    ("medgemma", None): ("gemma-3-270m", "gemma-3-1b", "gemma-3-4b", "gemma-3-12b", "medgemma-27b-text-it"),
    ("phi", "3"): ("Phi-3-mini-4k-instruct", "Phi-3-medium-4k-instruct"),
    ("phi", None): ("Phi-4-mini-instruct", "Phi-4"),
    ("mistral", None): ("Mistral-7B-v0.3", "Mistral-Nemo-Base-2407", "Mistral-Small-24B-Instruct-2501"),
    ("codestral", None): ("Mistral-7B-v0.3", "Mistral-Nemo-Base-2407", "Mistral-Small-24B-Instruct-2501"),
    # ServiceNow Apriel 15B (no copy of a config.json found): a Mistral decoder (the Hub lists its fine-tune
    # Nitral-Archive/Nemotron-15b-Thinker-v0.1, "Base Model ServiceNow-AI/Apriel-Nemotron-15b-Thinker", under
    # model type "mistral"), so Mistral's 131k vocabulary and widths rather than Llama 3's
    ("apriel", None): ("Mistral-7B-v0.3", "Mistral-Nemo-Base-2407", "Mistral-Small-24B-Instruct-2501"),
    # StarCoder2 15B (no verified config): the bundled sizes' vocabulary, biased LayerNorm blocks, plain GELU
    # MLP and 16K context rather than a Llama 3 shape
    ("starcoder", "2"): ("starcoder2-3b", "starcoder2-7b"),
    ("yi", None): ("Yi-1.5-6B", "Yi-1.5-9B", "Yi-1.5-34B"),
    ("falcon", "3"): tuple(f"Falcon3-{b}B-Instruct" for b in (1, 3, 7, 10)),
    ("smollm", "2"): ("SmolLM2-135M", "SmolLM2-360M", "SmolLM2-1.7B"),
    ("granite", "3"): ("granite-3.3-2b-instruct", "granite-3.3-8b-instruct"),
    # 2025-2026 families with two or more bundled dense sizes (each copied from its config.json): their own
    # vocabulary, widths and sliding/global pattern rather than Llama 3's (issue 15, newcomer round 20:
    # "Ministral-3-24B" took Llama-3.1-70B's 8192-wide shape cut to 26 layers). A family with one bundled
    # dense size stays on Llama's grid: scaling Gemma 4's 31B alone down to 12B gave 20 layers of 5376, where
    # Gemma 4 12B has 48 layers of 3840 (its model card).
    ("olmo", "3"): ("Olmo-3-7B", "Olmo-3-32B"),
    ("ministral", "3"): tuple(f"Ministral-3-{b}B-Instruct-2512" for b in (3, 8, 14)),
    ("granite", "4.1"): ("granite-4.1-3b", "granite-4.1-8b", "granite-4.1-30b"),
}


def family_reference_names(parsed: ParsedName) -> tuple[str, ...] | None:
    """The grid of the name's own series (FAMILY_REFERENCE_SHAPES), or None when its series has none.
    The longest version prefix wins: "3.6" is Qwen3.5's grid, not the one keyed "3"."""
    series = (parsed.series or "").lower()
    version = (parsed.version or "").lower().lstrip("v")
    best: tuple[str, ...] | None = None
    matched = -1
    for (key, prefix), names in FAMILY_REFERENCE_SHAPES.items():
        if key != series:
            continue
        if prefix is None:
            if matched < 0:
                best, matched = names, 0
        elif (version == prefix or version.startswith(prefix + ".")) and len(prefix) > matched:
            best, matched = names, len(prefix)
    return best


# A name with an active size of one of these families ("Qwen3.6-122B-A10B", "gemma-4-60B-A8B") takes the
# nearest real MoE entry of that family instead of the Qwen3-MoE grid: its layer pattern (linear attention,
# sliding window, Mamba, MLA), KV heads, head_dim, context and top-k follow the family. Keys: (series, version
# prefix or None, a word the name must hold or None); values: catalog MoE entries (each copied from its
# config.json in model_specs/), smallest first. A key with a word beats one without; a longer version wins.
_QWEN3_5_MOE = ("Qwen3.5-35B-A3B", "Qwen3.5-122B-A10B", "Qwen3.5-397B-A17B")
FAMILY_MOE_REFERENCE_SHAPES: dict[tuple[str, str | None, str | None], tuple[str, ...]] = {
    # Qwen3.5 and Qwen3.6 MoE (model_specs/qwen3.5.yaml, qwen3_5_moe): 3 Gated DeltaNet : 1 gated attention
    ("qwen", "3.5", None): _QWEN3_5_MOE,
    ("qwen", "3.6", None): _QWEN3_5_MOE,
    # Qwen3-Next (model_specs/qwen3-2507.yaml, qwen3_next): the same 3:1 hybrid, 512 experts, 10 routed
    ("qwen", "3", "next"): ("Qwen3-Next-80B-A3B-Instruct",),
    # gpt-oss (model_specs/gpt-oss.yaml): alternating 128-token sliding and full attention, attention sinks
    ("gpt-oss", None, None): ("gpt-oss-20b", "gpt-oss-120b"),
    # DeepSeek V3 / R1 (model_specs/deepseek.yaml): MLA, 3 leading dense blocks, 256 experts of which 8 routed
    ("deepseek", "3", None): ("DeepSeek-V3",),
    ("deepseek", "r1", None): ("DeepSeek-V3",),
    # Gemma 4 MoE (model_specs/gemma.yaml gemma-4-26B-A4B-it): 5 sliding : 1 full, own global head sizes
    ("gemma", "4", None): ("gemma-4-26B-A4B-it",),
    # Nemotron 3 (model_specs/nemotron.yaml): Mamba-2, MoE-only and attention blocks in NVIDIA's pattern
    ("nemotron", "3", None): ("NVIDIA-Nemotron-3-Nano-30B-A3B", "NVIDIA-Nemotron-3-Super-120B-A12B-BF16"),
    # Ling 2.0 (model_specs/ling.yaml, bailing_moe_v2): Ring-flash-2.0 is "optimized from Ling-flash-2.0-base"
    ("ling", "2", None): ("Ling-mini-2.0", "Ling-flash-2.0"),
    ("ring", "2", None): ("Ling-mini-2.0", "Ling-flash-2.0"),
    # LFM2 MoE (model_specs/lfm2.yaml): short-conv and attention blocks, 2 leading dense blocks
    ("lfm", "2", None): ("LFM2-8B-A1B", "LFM2-24B-A2B"),
}


def family_moe_reference_names(parsed: ParsedName) -> tuple[str, ...] | None:
    """The MoE entries of the name's own family (FAMILY_MOE_REFERENCE_SHAPES), or None when it has none."""
    series = (parsed.series or "").lower()
    version = (parsed.version or "").lower().lstrip("v")
    words = set(re.split(r"[-_./: ]+", parsed.raw.strip().lower()))
    best: tuple[str, ...] | None = None
    rank = (-1, -1)
    for (key, prefix, word), names in FAMILY_MOE_REFERENCE_SHAPES.items():
        if key != series or (word is not None and word not in words):
            continue
        if prefix is not None and not (version == prefix or version.startswith(prefix + ".")):
            continue
        here = (word is not None, len(prefix or ""))
        if here > rank:
            best, rank = names, here
    return best


# Qwen3-MoE sizes in model_specs/qwen3.yaml, smallest first: the grid for names with an active size.
MOE_REFERENCE_SHAPES: tuple[str, ...] = (
    "Qwen3-30B-A3B",
    "Qwen3-235B-A22B",
    "Qwen3-Coder-480B-A35B-Instruct",
)


# Mixtures of experts whose config.json is not public in a form llmsize can bundle, but whose
# model card publishes the total and active sizes: a name of the family (with or without a size)
# takes the MoE approximation below instead of a dense shape of its total (which would read every
# weight per token) or "unknown model". Keys are lower-case name prefixes; values total, active.
PUBLISHED_MOE_SIZES: dict[str, tuple[int, int, str, str | None]] = {
    # Mistral Large 3 (Dec 2025): "675B total, 41B active" on the model card
    # (https://huggingface.co/mistralai/Mistral-Large-3-675B-Instruct-2512, https://mistral.ai/news/mistral-3);
    # it ships a Mistral-format params.json; vLLM and SGLang run it as DeepseekV3ForCausalLM
    # (vllm/model_executor/models/mistral_large_3.py MistralLarge3ForCausalLM).
    # The plain repo is the FP8 release (vllm-project/recipes Mistral/Mistral-Large-3.md: "FP8 (up to
    # 256k context length): mistralai/Mistral-Large-3-675B-Instruct-2512"; NVFP4 is a -NVFP4 repo).
    "mistral-large-3": (675 * 10**9, 41 * 10**9, "Mistral Large 3 model card: 675B total, 41B active", "fp8"),
    # inclusionAI Ling 2.0 (bailing_moe_v2; Ling-mini-2.0 and Ling-flash-2.0 are bundled,
    # model_specs/ling.yaml): Ring-flash-2.0 "optimized from Ling-flash-2.0-base ... 100B total parameters
    # and only 6.1B active";
    # Ling-1T "a trillion (1T) total parameters and about 50 billion active parameters per token" (AntTech's
    # Ling-1T release note); Ring-1T is "built upon the same base" (Ling 2.0 report, arXiv 2510.22115).
    "ring-flash-2": (100 * 10**9, 61 * 10**8, "Ring-flash-2.0 model card: 100B total, 6.1B active", None),
    "ling-1t": (10**12, 50 * 10**9, "Ling-1T release note: 1T total, about 50B active", None),
    "ring-1t": (10**12, 50 * 10**9, "Ring-1T is built on Ling-1T's base: 1T total, about 50B active", None),
    # Ring-flash-linear-2.0: "104B parameters and 6.1B activations" (arXiv 2510.19338 abstract); a hybrid of
    # lightning linear attention and GQA (bailing_moe_linear, modelled; no copy of its config was found), so
    # the MoE approximation's all-attention KV cache overstates its cache.
    "ring-flash-linear-2": (104 * 10**9, 61 * 10**8, "Ring-linear-2.0 report: 104B total, 6.1B active", None),
    # DeepSeek-VL2's smaller variants (deepseek-vl2 itself is bundled, model_specs/deepseek-vl2.yaml; no copy
    # of these two config.json was found): deepseek-ai/DeepSeek-VL2 README, "vl2-tiny, 3.37B-MoE in total,
    # activated 1B" and "vl2-small, 16.1B-MoE in total, activated 2.4B".
    "deepseek-vl2-small": (161 * 10**8, 24 * 10**8, "DeepSeek-VL2 README: 16.1B total, 2.4B active", None),
    "deepseek-vl2-tiny": (337 * 10**7, 10**9, "DeepSeek-VL2 README: 3.37B total, 1B active", None),
}

def published_moe_sizes(name: str) -> tuple[int, int, str, str | None] | None:
    """The card's (total, active, source, release format) for a name of a family in PUBLISHED_MOE_SIZES."""
    low = name.strip().lower().replace("_", "-").replace(" ", "-")
    low = low.rsplit("/", 1)[-1]
    return next((v for k, v in PUBLISHED_MOE_SIZES.items() if low.startswith(k)), None)


def _references(names: tuple[str, ...] = REFERENCE_SHAPES) -> list[ModelSpec]:
    from llmsize.specs import catalog

    out = []
    for name in names:
        entry = catalog.get(name)
        if entry is not None:
            out.append(catalog.spec_for(entry))
    return out


def _language_model(spec: ModelSpec) -> ModelSpec:
    """The decoder of a multimodal entry (gemma-3-4b lends its text model, not its SigLIP tower)."""
    if not (spec.extra_params or spec.vision or spec.audio):
        return spec
    text_only = {"extra_params": 0, "extra_params_note": None, "vision": None, "audio": None}
    return spec.model_copy(update=text_only)


def _tiled(kinds: tuple[LayerType, ...] | None, layers: int) -> tuple[LayerType, ...] | None:
    """The reference's per-block kinds repeated to `layers` blocks (Gemma's 5 sliding : 1 full), or None."""
    if not kinds:
        return None
    return tuple(kinds[i % len(kinds)] for i in range(layers))


def _nearest(specs: list[ModelSpec], size: int) -> ModelSpec:
    from llmsize.specs.params import total_params

    return min(specs, key=lambda s: abs(math.log(total_params(s)) - math.log(size)))


def _layers_for(reference: ModelSpec, size: int) -> tuple[int, bool]:
    """Block count whose total comes closest to `size`; False when even one block overshoots."""
    from llmsize.specs.params import total_params

    one = total_params(reference.model_copy(update={"num_layers": 1, "layer_types": None}))
    two = total_params(reference.model_copy(update={"num_layers": 2, "layer_types": None}))
    per_layer = two - one
    outside = one - per_layer  # embeddings, head, final norm
    layers = round((size - outside) / per_layer)
    return max(layers, 1), layers >= 1


def _pattern(reference: ModelSpec) -> tuple[int, int]:
    """(head, period) of the reference's per-block kinds: the leading dense blocks kept as they are, then
    the shortest period the mixer and MLP kinds repeat with (Qwen3.5's 4, gpt-oss's 2; Nemotron's all)."""
    ffn = reference.ffn_types
    head = reference.first_k_dense_layers if ffn is None else next(
        (i for i, f in enumerate(ffn) if f != "dense"), 0
    )
    n = reference.num_layers
    head = min(head, n - 1)
    kinds = [t[head:] for t in (reference.layer_types, ffn) if t]
    for period in range(1, n - head + 1):
        if all(all(t[i] == t[i % period] for i in range(len(t))) for t in kinds):
            return head, period
    return head, n - head


def _tiled_blocks(reference: ModelSpec, layers: int, n_experts: int) -> ModelSpec:
    """The reference with `layers` blocks whose kinds continue its own pattern, and `n_experts` experts."""
    head, period = _pattern(reference)

    def tile(kinds: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if not kinds:
            return None
        return tuple(kinds[i] if i < head else kinds[head + (i - head) % period] for i in range(layers))

    return reference.model_copy(
        update={
            "num_layers": layers,
            "num_experts": n_experts,
            "num_experts_per_tok": min(reference.num_experts_per_tok, n_experts),
            "layer_types": tile(reference.layer_types),
            "ffn_types": tile(reference.ffn_types),
        }
    )


def _moe_shape(reference: ModelSpec, size: int, active: int, experts: int | None) -> dict[str, object]:
    """Layers, experts and per-block kinds of a `reference`-shaped MoE whose total and active sizes match.

    The active size is linear in the number of whole pattern periods (a period holds each block kind once:
    Qwen3.5's 3 DeltaNet + 1 attention block), so finite differences of the parameter inventory over one
    period give the active size per block without restating it: L follows from the active size. At that
    depth the total is linear in the expert count E, so E follows from the total (or the name's, "17B-16E").
    """
    from llmsize.specs.params import active_params, total_params

    head, period = _pattern(reference)
    e0 = reference.num_experts
    low, high = head + period, head + 2 * period
    per_block = (active_params(_tiled_blocks(reference, high, e0)) - active_params(
        _tiled_blocks(reference, low, e0))) / period
    outside = active_params(_tiled_blocks(reference, low, e0)) - low * per_block
    periods = max(1, round(((active - outside) / per_block - head) / period))
    if reference.num_layers - head >= 2 * period:
        # a pattern the entry repeats stays whole (Qwen3.5's 48 and 60 blocks are 12 and 15 times 3+1; a
        # 49th block would leave a DeltaNet block with no attention block after it)
        layers = head + periods * period
    else:  # an irregular pattern (Nemotron 3) or a single kind: any depth, the nearest active size
        guess = max(1, round((active - outside) / per_block))
        layers = min(
            range(max(1, guess - period), guess + period + 1),
            key=lambda n: abs(active_params(_tiled_blocks(reference, n, e0)) - active),
        )
    if experts is None:
        at_e0 = total_params(_tiled_blocks(reference, layers, e0))
        per_expert = total_params(_tiled_blocks(reference, layers, e0 + 1)) - at_e0
        experts = e0 + round((size - at_e0) / per_expert) if per_expert > 0 else e0
    shaped = _tiled_blocks(reference, layers, max(experts, reference.num_experts_per_tok))
    return {
        "num_layers": layers,
        "num_experts": shaped.num_experts,
        "num_experts_per_tok": shaped.num_experts_per_tok,
        "layer_types": shaped.layer_types,
        "ffn_types": shaped.ffn_types,
    }


# A stated size the nearest reference overshoots by more than this (even cut to one block) is a different
# size class (1B vs 4B): refused instead of answered with another model's numbers.
UNREACHABLE_FACTOR = 4


def _near(spec: ModelSpec, size: int) -> bool:
    """Whether the spec's total is within a quarter of the size stated."""
    from llmsize.specs.params import total_params

    return abs(total_params(spec) - size) <= size // 4


def _check_active(parsed: ParsedName, size: int) -> None:
    """An active size of zero or above the total describes no model: refused rather than read as dense
    (issue 15, round 7: 'deepseek-10B-A999B' and 'gemma-3B-A0B' were sized as dense 10B and 3B)."""
    active = parsed.active_params
    if active is not None and not 0 < active <= size:
        raise BadInputError(
            f"{parsed.size_label or parsed.raw.strip()} states {active:,} active of {size:,} parameters: "
            "the active size must be above zero and at most the total",
            hint="check the size in the name (e.g. 30B-A3B: 30B in all, 3B per token)",
        )


def _check_reachable(parsed: ParsedName, shaped: ModelSpec, size: int, active: int | None) -> None:
    """Refuse a size the grid cannot come near: one block of the smallest reference plus its embeddings
    is already larger (issue 15, round 7: 'gemma-0.001B' was sized as a 323M model, 'SmolLM2-135M-A1M'
    as 679M). Within UNREACHABLE_FACTOR the answer stands, with the warning approximate_spec adds."""
    from llmsize.specs.params import active_params, total_params

    built, built_active = total_params(shaped), active_params(shaped)
    if built * UNREACHABLE_FACTOR < size:  # only an expert count in the name does this ("100B-A10B-1E")
        raise BadInputError(
            f"{parsed.size_label or parsed.raw.strip()} describes no model llmsize can build: with "
            f"{shaped.num_experts} experts ({shaped.num_experts_per_tok} routed) it holds {built:,} of the "
            f"{size:,} parameters stated",
            hint="check the size and the expert count in the name",
        )
    too_active = active is not None and built_active > UNREACHABLE_FACTOR * active
    if built > UNREACHABLE_FACTOR * size or too_active:
        stated = active if active is not None and too_active else size
        smallest = built_active if stated == active else built
        raise BadInputError(
            f"{parsed.size_label or parsed.raw.strip()} is smaller than any shape llmsize can scale to "
            f"({stated:,} parameters stated; one block of the nearest reference with its embeddings holds "
            f"{smallest:,})",
            hint="give a Hugging Face repo id, a config.json or a .gguf for this model",
        )


def describe_shape(spec: ModelSpec) -> str:
    """The assumed shape in one line, for the provenance note and warnings."""
    tie = "tied" if spec.tie_word_embeddings else "untied"
    if spec.is_moe:
        ffn = (
            f"{spec.num_experts} experts of {spec.moe_intermediate_size} ({spec.num_experts_per_tok} routed)"
        )
    else:
        ffn = f"MLP {spec.intermediate_size}"
    kinds = spec.layer_types or ()
    counts = {k: kinds.count(k) for k in dict.fromkeys(kinds)}
    layers = f"{spec.num_layers} layers" + (
        f" ({' + '.join(f'{n} {k}' for k, n in counts.items())})" if len(counts) > 1 else ""
    )
    return (
        f"{layers}, hidden {spec.hidden_size}, {spec.num_attention_heads} heads / "
        f"{spec.num_kv_heads} KV heads (head_dim {spec.head_dim}), {ffn}, "
        f"vocab {spec.vocab_size} ({tie}), context {spec.max_position_embeddings}"
    )


def approximate_spec(parsed: ParsedName, *, dtype: WeightFormat | None = None) -> ModelSpec | None:
    """Its family's (else Llama 3's) shape scaled to the size a name states; None when it states none."""
    from llmsize.specs.backbone import backbone_spec
    from llmsize.specs.formats import name_warnings, weight_format_from_name
    from llmsize.specs.params import active_params

    backbone = backbone_spec(parsed.raw)
    if backbone is not None:  # a multimodal name whose card names a bundled decoder (specs/backbone.py)
        fmt = weight_format_from_name(parsed, dtype or backbone.weight_format)
        warned = (*backbone.warnings, *name_warnings(parsed, fmt))
        return backbone.model_copy(update={"weight_format": fmt, "warnings": warned})
    size = parsed.params
    card = published_moe_sizes(parsed.raw)
    if card is not None and (not size or abs(size - card[0]) <= card[0] // 100):
        size = card[0]
        active_size = parsed.active_params or card[1]
        parsed = parsed.model_copy(update={"params": card[0], "active_params": active_size})
    if not size or size <= 0:
        return None
    if size > MAX_APPROX_PARAMS:
        raise BadInputError(
            f"{parsed.size_label or size} states {size:.3g} parameters, more than any model "
            f"(llmsize approximates up to {MAX_APPROX_PARAMS / 1e12:g}T)",
            hint="check the size in the name",
        )
    _check_active(parsed, size)
    active = parsed.active_params if parsed.active_params and parsed.active_params < size else None
    own_moe = family_moe_reference_names(parsed) if active else None
    moe_grid = own_moe or MOE_REFERENCE_SHAPES
    moe_references = [_language_model(r) for r in _references(moe_grid)] if active else []
    own = family_reference_names(parsed) if not active else None
    family_references = [_language_model(r) for r in _references(own)] if own else []
    references = moe_references or family_references or _references()
    if not references:
        return None
    reference = _nearest(references, size)
    update: dict[str, object]
    experts_dropped = False
    if moe_references and active:
        update = _moe_shape(reference, size, active, parsed.experts)
        if parsed.experts and not _near(reference.model_copy(update=update), size):
            # the name's expert count at the reference's expert width and top-k cannot hold the total
            # ("Foo-109B-A17B-16E" came out 27.8B): the total and active sizes rule, the count gives way
            update.update(_moe_shape(reference, size, active, None))
            experts_dropped = True
        fits = True
    else:
        layers, fits = _layers_for(reference, size)
        update = {"num_layers": layers, "layer_types": _tiled(reference.layer_types, layers)}
    if parsed.context:
        update["max_position_embeddings"] = parsed.context
    shaped = reference.model_copy(update=update)
    _check_reachable(parsed, shaped, size, active)
    shape = describe_shape(shaped)
    scaled = "to its active size" if moe_references and active else "in depth"
    said = f"the sizes its model card publishes ({card[2]})" if card else "the size in its name"
    kin = (
        f" (the nearest size of its own family, not a Llama shape: the {parsed.series} grid "
        f"{', '.join(r.name for r in family_references)})"
        if family_references and not moe_references
        else f" (the nearest real MoE entry of its own family, {', '.join(r.name for r in moe_references)}: "
        "its layer pattern, attention, heads and context kept)"
        if own_moe and moe_references
        else ""
    )
    warnings = [
        f"no known architecture for {parsed.raw.strip()!r}: approximated from {said} "
        f"({size / 1e9:g}B) with the shape of {reference.name}{kin} scaled {scaled}: {shape}",
    ]
    if not fits:
        warnings.append(f"{size / 1e9:g}B is smaller than one {reference.name} block plus its embeddings")
    if experts_dropped and active:
        warnings.append(
            f"{parsed.experts} experts of {reference.name}'s width cannot hold {size / 1e9:g}B with "
            f"{active / 1e9:g}B active: {shaped.num_experts} experts assumed"
        )
    if moe_references and active and active_params(shaped) > active * 11 // 10:
        warnings.append(
            f"{active / 1e9:g}B active is smaller than one {reference.name} block plus its embeddings: "
            f"{active_params(shaped) / 1e9:.3g}B active assumed"
        )
    if parsed.active_params and parsed.active_params != size and not (moe_references and active):
        warnings.append(
            "the name describes a mixture of experts; approximated as a dense model of its total size"
        )
    base = dtype or WeightFormat(dtype="bf16")
    if card is not None and card[3] and dtype is None and not (parsed.quant_method or parsed.dtype):
        parsed = parsed.model_copy(update={"quant_method": card[3]})  # the format the plain repo ships
    fmt = weight_format_from_name(parsed, base)
    warnings.extend(name_warnings(parsed, fmt))
    return ModelSpec(
        **{
            **shaped.model_dump(
                exclude={
                    "name",
                    "family",
                    "hf_repo",
                    "architecture",
                    "published_params",
                    "provenance",
                    "warnings",
                    "approximate",
                    "weight_format",
                    "checkpoint",
                }
            ),
        },
        name=parsed.raw.strip(),
        family=None,
        architecture=None,
        weight_format=fmt,
        approximate=True,
        provenance=Provenance(
            kind=ProvenanceKind.APPROXIMATE,
            source=f"{reference.name} shape ({reference.provenance.source})",
            note=f"assumed shape: scaled from {reference.name}: {shape}",
        ),
        warnings=tuple(warnings),
    )
