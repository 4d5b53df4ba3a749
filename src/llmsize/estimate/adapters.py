"""LoRA adapters: which linear layers PEFT wraps, and r x (in + out) parameters for each.

A LoRA layer adds lora_A [r, in] and lora_B [out, r] beside a frozen linear layer (Hu et al. 2021,
arXiv:2106.09685). On the transformers-5 MoE models whose experts became stacked 3-D parameters,
PEFT rewrites the targets and wraps those parameters instead (see `PEFT_MOE_CONVERTED`).
PEFT's `get_peft_model` upcasts fp16/bf16 adapter weights to fp32 by default
(`autocast_adapter_dtype=True`, peft/tuners/tuners_utils.py `cast_adapter_dtype`), so the adapters
and their gradients are fp32 even on a bf16 or 4-bit base.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from llmsize.errors import BadInputError
from llmsize.estimate.weights import Shard
from llmsize.estimate.workload import Workload
from llmsize.specs.models import ModelSpec
from llmsize.specs.params import ParamGroup, param_inventory

ADAPTER_DTYPE = "fp32"  # PEFT autocast_adapter_dtype=True (peft 0.21 tuners_utils.cast_adapter_dtype)
ALL_LINEAR = "all-linear"

# PEFT's default LoRA targets per model_type, for the decoder families llmsize knows.
# REFERENCE: peft 0.21 peft/utils/constants.py TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING.
PEFT_DEFAULT_TARGETS: dict[str, tuple[str, ...]] = {
    "llama": ("q_proj", "v_proj"),
    "llama4": ("q_proj", "v_proj"),
    "mistral": ("q_proj", "v_proj"),
    "mixtral": ("q_proj", "v_proj"),
    "gemma": ("q_proj", "v_proj"),
    "gemma2": ("q_proj", "v_proj"),
    "gemma3_text": ("q_proj", "v_proj"),
    "qwen2": ("q_proj", "v_proj"),
    "qwen3": ("q_proj", "v_proj"),
    "phi": ("q_proj", "v_proj", "fc1", "fc2"),
    "falcon": ("query_key_value",),
    "gpt_neox": ("query_key_value",),
    "bloom": ("query_key_value",),
    "chatglm": ("query_key_value",),
    "gpt2": ("c_attn",),
    "gpt_bigcode": ("c_attn",),
    "mpt": ("Wqkv",),
    "codegen": ("qkv_proj",),
    "stablelm": ("q_proj", "v_proj"),
    "opt": ("q_proj", "v_proj"),
    "gptj": ("q_proj", "v_proj"),
    "gpt_neo": ("q_proj", "v_proj"),
    "nemotron_h": ("q_proj", "k_proj", "v_proj", "o_proj"),
}
# Module names of other code bases -> the inventory's names for the same layer.
# REFERENCE: peft 0.21 tuners/tuners_utils.py _check_lora_target_modules_mamba(): LoRA on `out_proj`
# or `conv1d` of these model types is refused ("incompatible with Mamba-based models"), so the
# all-linear set peft can run on them leaves the mixers' out_proj out.
PEFT_MAMBA_INCOMPATIBLE: dict[str, frozenset[str]] = {
    t: frozenset({"out_proj", "conv1d"})
    for t in ("falcon_h1", "mamba", "mamba2", "falcon_mamba", "nemotron_h")
}
# peft 0.21 wraps DeepSeek V4's o_a_proj (modeling_deepseek_v4.py DeepseekV4GroupedLinear, an
# nn.Linear whose forward multiplies group by group) as a plain Linear: the adapter's output no
# longer matches and the forward fails, so the all-linear set peft can run leaves it out.
PEFT_UNWRAPPABLE: dict[str, frozenset[str]] = {
    **PEFT_MAMBA_INCOMPATIBLE,
    "deepseek_v4": frozenset({"o_a_proj"}),
}

MODULE_ALIASES = {
    "query_key_value": "qkv_proj",
    "c_attn": "qkv_proj",
    "Wqkv": "qkv_proj",
    "fc1": "up_proj",
    "fc2": "down_proj",
    "w1": "gate_proj",
    "w3": "up_proj",
    "w2": "down_proj",
}
# REFERENCE: peft 0.21 peft/utils/transformers_weight_conversion.py `convert_peft_config_for_transformers`
# -> `_convert_peft_config_moe`, called from tuners_utils.py `BaseTuner.inject_adapter`. For the model
# types whose transformers conversion pattern (peft's copy of `_MODEL_TO_CONVERSION_PATTERN`, plus
# "mixtral") is "mixtral" or "qwen2_moe", `_MOE_TARGET_MODULE_MAPPING` turns the v4 expert module
# names into `target_parameters`: gate_proj + up_proj (mixtral: w1 + w3) -> the stacked
# `experts.gate_up_proj` at rank 2r (`rank_pattern`, the two fused projections), down_proj (w2) ->
# `experts.down_proj` at rank r, and the router `gate` -> `gate.weight`. Those names are removed from
# `target_modules`, so nn.Linear modules of the same names elsewhere (DeepSeek's dense first blocks
# and shared experts) are no longer wrapped. "all-linear" resolves to every nn.Linear name plus the
# four mapped names (`_resolve_string_target_modules`). The list is transformers 5.23's
# conversion_mapping.py entries for those two patterns (qwen2_moe itself has none in peft's copy).
PEFT_MOE_CONVERTED = frozenset(
    {
        "mixtral", "minimax", "minimax_m2",
        "qwen3_moe", "qwen3_next", "qwen3_omni_moe", "qwen3_omni_moe_text", "qwen3_omni_moe_thinker",
        "deepseek_v2", "deepseek_v3", "deepseek_v32", "afmoe", "beam", "cohere2_moe", "dots1",
        "ernie4_5_moe", "exaone_moe", "flex_olmo", "glm4_moe", "glm4_moe_lite", "glm4v_moe",
        "glm_moe_dsa", "hunyuan_v1_moe", "longcat_flash", "mellum", "olmoe", "solar_open",
    }
)  # fmt: skip
EXPERT_MODULE_NAMES = frozenset({"gate_proj", "up_proj", "down_proj"})  # after MODULE_ALIASES (w1/w3/w2)
FUSED_EXPERT_PARAMS = {"gate_up_proj": ("gate_proj", "up_proj"), "down_proj": ("down_proj",)}
ROUTER_PARAM = "gate"

# In transformers >= 5 most MoE routers are plain parameters; these subclass nn.Linear.
LINEAR_ROUTER_MODEL_TYPES = frozenset({"phimoe", "llama4"})


def is_linear_module(spec: ModelSpec, group: ParamGroup) -> bool:
    """True when transformers (>= 5) builds this group as nn.Linear modules that PEFT can wrap.

    Routed experts are 3-D parameters (e.g. `MixtralExperts.gate_up_proj`), so neither all-linear
    nor a module name reaches them; routers are parameters too, except the listed families.
    """
    if not group.is_linear or group.kind in ("expert", "other"):
        return False
    if group.kind == "router":
        return group.name == "shared_expert_gate" or spec.model_type in LINEAR_ROUTER_MODEL_TYPES
    return True


@dataclass(frozen=True)
class LoraTargets:
    """What PEFT wraps: nn.Linear modules by name, and (converted MoE models) stacked parameters."""

    names: tuple[str, ...]
    note: str
    parameters: tuple[str, ...] = ()  # subset of gate_up_proj, down_proj (experts) and gate (router)

    @property
    def walk_names(self) -> frozenset[str]:
        """Module names, and parameter targets as `param:<name>`, for the activation walk."""
        return frozenset(self.names) | {f"param:{p}" for p in self.parameters}


def resolve_targets(spec: ModelSpec, wl: Workload) -> LoraTargets:
    """The module names LoRA wraps: --lora-targets, else PEFT's default for the model_type."""
    linear = {g.name for g in param_inventory(spec) if is_linear_module(spec, g)}
    requested = wl.lora_targets
    if requested is None:
        framework_default = _framework_targets(spec, wl, linear)
        if framework_default is not None:
            return framework_default
        default = PEFT_DEFAULT_TARGETS.get(spec.model_type)
        if default is None:
            return _convert_moe(
                spec,
                LoraTargets(
                    _all_linear(linear, spec),
                    f"PEFT has no default LoRA targets for model_type {spec.model_type!r} (it asks for "
                    "target_modules); assuming all-linear" + _unwrappable_note(spec),
                ),
                all_linear=True,
            )
        names = tuple(MODULE_ALIASES.get(n, n) for n in default)
        found = tuple(n for n in names if n in linear)
        if not found:
            return _convert_moe(
                spec,
                LoraTargets(
                    _all_linear(linear, spec),
                    f"PEFT's default targets {default} do not exist here; assuming all-linear"
                    + _unwrappable_note(spec),
                ),
                all_linear=True,
            )
        return _convert_moe(
            spec,
            LoraTargets(found, f"LoRA targets: PEFT's default for {spec.model_type}, {', '.join(default)}"),
        )
    if any(t.lower() == ALL_LINEAR for t in requested):
        note = "LoRA targets: all-linear (every nn.Linear except lm_head)" + _unwrappable_note(spec)
        if spec.is_moe and not _converts(spec):
            note += "; routed experts are 3-D parameters in transformers >= 5 and are not wrapped"
        return _convert_moe(spec, LoraTargets(_all_linear(linear, spec), note), all_linear=True)
    names = tuple(MODULE_ALIASES.get(t, t) for t in requested)
    available = linear | {"lm_head"} if not spec.tie_word_embeddings else linear
    if _converts(spec):
        available = available | EXPERT_MODULE_NAMES | {ROUTER_PARAM}
    unknown = [t for t, n in zip(requested, names, strict=True) if n not in available]
    if unknown:
        raise BadInputError(
            f"--lora-targets {', '.join(unknown)}: no such linear module in {spec.name}",
            hint=f"choose from {', '.join(sorted(available))} or all-linear",
        )
    return _convert_moe(spec, LoraTargets(names, f"LoRA targets: {', '.join(requested)}"))


def _framework_targets(spec: ModelSpec, wl: Workload, linear: set[str]) -> LoraTargets | None:
    """The framework's own default targets (frameworks.DEFAULT_LORA_TARGETS), keeping the names this
    model has (PEFT wraps what matches and fails only when nothing does); None to fall back to PEFT's."""
    from llmsize.estimate.frameworks import default_lora_targets

    found = default_lora_targets(wl)
    if found is None:
        return None
    names, source = found
    if names == (ALL_LINEAR,):
        note = f"LoRA targets: all-linear ({source})" + _unwrappable_note(spec)
        return _convert_moe(spec, LoraTargets(_all_linear(linear, spec), note), all_linear=True)
    available = linear | EXPERT_MODULE_NAMES if _converts(spec) else linear
    kept = tuple(n for n in names if n in available)
    if not kept:
        return None
    return _convert_moe(spec, LoraTargets(kept, f"LoRA targets: {source}, {', '.join(kept)}"))


def _converts(spec: ModelSpec) -> bool:
    return spec.is_moe and spec.model_type in PEFT_MOE_CONVERTED


def _convert_moe(spec: ModelSpec, targets: LoraTargets, *, all_linear: bool = False) -> LoraTargets:
    """PEFT's `_convert_peft_config_moe` (see PEFT_MOE_CONVERTED): the expert and router names become
    parameter targets and leave the module targets."""
    if not _converts(spec):
        return targets
    mapped = EXPERT_MODULE_NAMES | {ROUTER_PARAM}
    wanted = mapped if all_linear else set(targets.names) & mapped
    if not wanted:
        return targets
    if len(wanted & {"gate_proj", "up_proj"}) == 1:
        raise BadInputError(
            f"--lora-targets: PEFT cannot target only one of gate_proj/up_proj in {spec.name}: the "
            "experts fuse them into gate_up_proj",
            hint="target both gate_proj and up_proj (or neither)",
        )
    params = tuple(p for p, parts in FUSED_EXPERT_PARAMS.items() if wanted & set(parts))
    if ROUTER_PARAM in wanted:
        params += (ROUTER_PARAM,)
    names = tuple(n for n in targets.names if n not in mapped)
    note = (
        targets.note
        + "; PEFT wraps the stacked expert parameters instead (gate_up_proj at rank 2r, down_proj at"
        " rank r) and the router weight, and no other gate_proj/up_proj/down_proj module"
    )
    return LoraTargets(names, note, params)


def _all_linear(linear: Iterable[str], spec: ModelSpec) -> tuple[str, ...]:
    skip = PEFT_UNWRAPPABLE.get(spec.model_type, frozenset()) | {"lm_head"}
    return tuple(sorted(n for n in linear if n not in skip))


def _unwrappable_note(spec: ModelSpec) -> str:
    if spec.model_type in PEFT_MAMBA_INCOMPATIBLE:
        return "; without the Mamba mixers' out_proj, which peft refuses to wrap on this model type"
    if spec.model_type in PEFT_UNWRAPPABLE:
        return "; without o_a_proj, the grouped projection peft cannot wrap"
    return ""


@dataclass(frozen=True)
class LoraFactors:
    """`count` adapter pairs lora_A [rank, in_features] and lora_B [out_features, rank] on a GPU."""

    module: str
    in_features: int
    out_features: int
    rank: int
    count: int

    @property
    def params(self) -> int:
        return self.count * self.rank * (self.in_features + self.out_features)


def lora_factors(
    spec: ModelSpec, shards: Iterable[Shard], targets: LoraTargets | Iterable[str], rank: int
) -> list[LoraFactors]:
    """The adapter pairs PEFT creates on a GPU for these shards.

    nn.Linear targets (peft lora/layer.py `Linear`): r x (in + out) per instance. `shards` carry
    per-rank shapes: a column-parallel layer keeps A whole and splits B, a row-parallel one splits A
    and keeps B whole, so r x (in_rank + out_rank) covers both.
    Parameter targets (peft lora/layer.py `ParamWrapper.update_layer`): one pair per stacked tensor,
    lora_A = Linear(in, r x experts), lora_B = Linear(r x experts, out), so per block
    r x experts x (in + out); gate_up_proj carries both projections (out = 2 x intermediate) at rank
    2r; the router weight [experts, hidden] is a single "expert".
    """
    if isinstance(targets, LoraTargets):
        wanted, params = set(targets.names), set(targets.parameters)
    else:
        wanted, params = set(targets), set()
    out: list[LoraFactors] = []
    fused: dict[tuple[int, ...], list[Shard]] = {}
    for s in shards:
        g = s.group
        if not g.is_linear:
            continue
        if g.kind == "expert" and params:
            part = next((p for p, parts in FUSED_EXPERT_PARAMS.items() if g.name in (p, *parts)), None)
            if part == "gate_up_proj" and part in params:
                fused.setdefault(s.layers, []).append(s)
            elif part is not None and part in params:
                blocks = s.instances // s.per_layer
                out.append(LoraFactors(g.name, s.in_features, s.out_features, rank * s.per_layer, blocks))
            continue
        if g.kind == "router" and g.name == ROUTER_PARAM and ROUTER_PARAM in params:
            out.append(LoraFactors(g.name, s.in_features, s.out_features, rank, s.instances))
            continue
        if g.name not in wanted:
            continue
        if g.name != "lm_head" and not is_linear_module(spec, g):
            continue
        out.append(LoraFactors(g.name, s.in_features, s.out_features, rank, s.instances))
    for parts in fused.values():
        s = parts[0]
        width = sum(p.out_features for p in parts)
        out.append(
            LoraFactors(
                "gate_up_proj", s.in_features, width, 2 * rank * s.per_layer, s.instances // s.per_layer
            )
        )
    return out


def lora_params(
    spec: ModelSpec, shards: Iterable[Shard], targets: LoraTargets | Iterable[str], rank: int
) -> int:
    """Adapter parameters on a GPU: the sum over `lora_factors`."""
    return sum(f.params for f in lora_factors(spec, shards, targets, rank))
