"""config.json fields a launch command overrides that change the length the engine derives.

Qwen's recipe for contexts past a model's native length overrides RoPE scaling on the command line
rather than in config.json (huggingface.co/Qwen/Qwen3-8B, "Processing Long Texts"): vLLM `--rope-scaling
'{"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768}' --max-model-len 131072`
(in newer releases `--hf-overrides '{"rope_scaling": {...}}'`), SGLang `--json-model-override-args
'{"rope_scaling": {...}}' --context-length 131072`. vLLM merges the dict into
the HF config (vllm/config/model.py ModelConfig `hf_overrides`), SGLang updates it
(sglang/srt/utils/hf_transformers_utils.py `get_config`: `config.update(model_override_args)`), both
before deriving max_model_len / context_length (estimate/engines/serving_context.py). Without reading
them, `check` refused the recipe's own command. Only the fields behind the derived length are applied:
rope_scaling / rope_parameters and max_position_embeddings, at the top level or under text_config.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmsize.errors import BadInputError
from llmsize.specs.models import ModelSpec


def json_object(text: Any, flag: str, hint: str) -> dict[str, Any]:
    """A flag's JSON object, read by resources.load_json: nesting past the recursion limit or an integer
    of 5,000 digits was an internal error here (RecursionError from json.loads; issue 15 round 11)."""
    from llmsize.errors import one_line
    from llmsize.resources import UnreadableText, load_json

    try:
        value = load_json(str(text))
    except UnreadableText as err:
        raise BadInputError(f"{flag}: {err}", hint=hint) from None
    except ValueError:
        raise BadInputError(f"{flag} {one_line(repr(str(text)), 80)} is not JSON", hint=hint) from None
    if not isinstance(value, dict):
        raise BadInputError(f"{flag} must be a JSON object", hint=hint)
    return value


def config_json(text: Any, flag: str) -> dict[str, Any]:
    """A flag's JSON object (--hf-overrides, --json-model-override-args, --rope-scaling)."""
    return json_object(text, flag, 'e.g. \'{"rope_scaling": {"rope_type": "yarn", "factor": 4.0}}\'')


def rope_scaling_json(text: Any, flag: str) -> dict[str, Any]:
    """vLLM's older --rope-scaling JSON, as the hf_overrides entry it stands for."""
    return {"rope_scaling": config_json(text, flag)}


APPLIED = frozenset({"rope_scaling", "rope_parameters", "max_position_embeddings"})


def unapplied(overrides: Mapping[str, Any]) -> list[str]:
    """The overridden fields with_overrides does not apply (the engine does: `--hf-overrides
    '{"num_hidden_layers": 65536}'` was listed as understood and sized as the unchanged model; round 15)."""
    text = overrides.get("text_config")
    inner = [f"text_config.{k}" for k in text if k not in APPLIED] if isinstance(text, Mapping) else []
    return [str(k) for k in overrides if k not in APPLIED and k != "text_config"] + inner


def with_overrides(spec: ModelSpec, overrides: Mapping[str, Any]) -> ModelSpec:
    """`spec` with the overridden RoPE scaling and max_position_embeddings (others are not read)."""
    from llmsize.specs.hf_config.reader import Reader, _rope_scaling

    text = overrides.get("text_config")
    fields = {**overrides, **(text if isinstance(text, Mapping) else {})}
    update: dict[str, Any] = {}
    if any(k in fields for k in ("rope_scaling", "rope_parameters")):
        rope = _rope_scaling(Reader(fields, spec.model_type))
        update.update({"rope_scaling_type": None, "rope_scaling_factor": 1.0,
                       "rope_original_max_positions": None})
        update.update({k: v for k, v in rope.items() if k.startswith("rope_")})
    positions = fields.get("max_position_embeddings")
    if isinstance(positions, int) and not isinstance(positions, bool) and positions > 0:
        from llmsize.estimate.workload import MAX_TOKENS

        if positions > MAX_TOKENS:
            raise BadInputError(f"the override's max_position_embeddings {positions:,} is more tokens than "
                                f"llmsize sizes ({MAX_TOKENS:,})")
        update["max_position_embeddings"] = positions
    if not update:
        return spec
    # validated like a config.json's fields (model_copy does not validate): a factor of Infinity (JSON's
    # literal) or 1e-300 went unchecked into the derived length (issue 15 round 11)
    from llmsize.records import ValidationError

    try:
        return type(spec).model_validate({**dict(spec), **update})
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or "the override"
        raise BadInputError(
            f"the command's config override gives an unusable {field}: {first.get('msg', 'invalid value')}",
            hint="fix --hf-overrides / --rope-scaling / --json-model-override-args",
        ) from None
