"""The request length vLLM and SGLang derive from a config, the refusal above it, and the notes that say so.

vLLM and SGLang do not allocate by the context a user has in mind: without `--max-model-len` (vLLM) or
`--context-length` (SGLang) they take the length they derive from config.json. Asked for more, both
refuse to start before loading anything, unless an environment variable allows it:

- vLLM 0.19, `vllm/config/model.py` `_get_and_verify_max_len` (the derived length from
  `ModelArchConfigConvertorBase.derive_max_model_len_and_key`, vllm/transformers_utils/
  model_arch_config_convertor.py: the smallest of max_position_embeddings, n_positions, max_seq_len, ...):
  every rope type but "su", "longrope" and "llama3" multiplies it by the RoPE `factor`, YaRN from its
  `original_max_position_embeddings`; a Gemma 3 config is never scaled again ("Gemma3's max_model_len
  (128K) is already scaled by RoPE scaling"). Above it: `ValueError("User-specified max_model_len (N) is
  greater than the derived max_model_len (max_position_embeddings=M or model_max_length=None in model's
  config.json). To allow overriding this maximum, set the env var VLLM_ALLOW_LONG_MAX_MODEL_LEN=1 ...")`.
- SGLang 0.5.23, `sglang/srt/utils/hf_transformers_utils.py` `get_context_length` (the first of
  max_sequence_length, seq_length, max_seq_len, model_max_length, max_position_embeddings, times the
  rope_scaling `factor` unless rope_scaling has `original_max_position_embeddings` or is "llama3") and
  `sglang/srt/configs/model_config.py` `ModelConfig._derive_context_length`: above it, `ValueError("...
  User-specified context_length (N) is greater than the derived context_length (M) ... To allow
  overriding this maximum, set the env var SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1")`. So a YaRN
  config keeps max_position_embeddings in SGLang (Qwen's YaRN recipe for SGLang passes the variable with
  `--context-length 131072`) while vLLM scales it; and SGLang scales Gemma 3's linear factor 8, which vLLM
  skips (sgl-project/sglang PR #20387, "Fix gemma3 context calculation", closed unmerged: "preventing
  context length inflation").

llmsize sizes the --context asked (4,096 by default), as if the flag were passed; `llmsize plan` prints
it. A --context above the derived length is a fit that fails with the engine's reason (the Budget's
refusal), unless --allow-long-context says the variable is set (issue 15). llmsize reads only
max_position_embeddings of the config keys, and no tokenizer_config.json: vLLM caps the derived length at
its model_max_length only for pooling models with absolute position embeddings (vllm/config/model.py
`ModelConfig.get_and_verify_max_len`: "Consider max_model_len in tokenizer_config only when pooling
models use absolute position_embedding"), never for the generative decoders llmsize sizes. A checkpoint
whose config.json states another length than its base's carries its own value (catalog variants,
model_specs/README.md: Qwen2.5-7B-Instruct's 32768).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.estimate.engines.base import Budget
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec

# REFERENCE: vllm/config/model.py `_get_and_verify_max_len`: rope types whose factor is not applied.
_VLLM_UNSCALED = ("su", "longrope", "llama3")


def vllm_derived_max_len(spec: ModelSpec) -> int:
    """The max_model_len vLLM derives from the config (`_get_and_verify_max_len`)."""
    base = spec.max_position_embeddings
    kind = spec.rope_scaling_type
    if kind is None or kind in _VLLM_UNSCALED or "gemma3" in spec.model_type:
        return base
    if kind == "yarn":
        base = spec.rope_original_max_positions or base
    return int(base * spec.rope_scaling_factor)


def sglang_derived_context_len(spec: ModelSpec) -> int:
    """The context_length SGLang derives from the config (`get_context_length`)."""
    base = spec.max_position_embeddings
    kind = spec.rope_scaling_type
    if kind is None or kind == "llama3" or spec.rope_original_max_positions is not None:
        return base
    return int(base * spec.rope_scaling_factor)


def engine_default_max_len(spec: ModelSpec) -> int:
    """The request length vLLM takes when no --max-model-len gives one (vllm_derived_max_len)."""
    return vllm_derived_max_len(spec)


# REFERENCE: the variables named in the two ValueErrors quoted in the module docstring.
LONG_CONTEXT_ENV = {
    "vLLM": "VLLM_ALLOW_LONG_MAX_MODEL_LEN=1",
    "SGLang": "SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1",
}
# The engine's own name for the length, as its error message writes it.
_LENGTH_NAME = {"vLLM": "max_model_len", "SGLang": "context_length"}


def default_context(derived: int) -> int | None:
    """The context sized without --context: llmsize's default (the Workload's 4,096) as if passed as the
    flag, or the derived length where that is shorter (falcon-7b, TinyLlama: 2,048), which the engine would
    refuse; None where the default stands."""
    from llmsize.estimate.workload import Workload

    default = Workload.model_fields["context"].default
    return derived if derived < default else None


def refusal(engine: str, context: int, derived: int | None, allowed: bool) -> str | None:
    """The engine's start-up error for a `context` above its `derived` length; None when it starts."""
    if derived is None or context <= derived or allowed:
        return None
    name = _LENGTH_NAME.get(engine, "context")
    env = LONG_CONTEXT_ENV.get(engine, "its override")
    return (
        f"{engine} would refuse to start: {name} {context:,} is greater than the derived {name} "
        f"{derived:,} (from the model's config.json); ask for at most {derived:,} tokens, or start it with "
        f"{env} (llmsize: --allow-long-context; positions past the trained length can give wrong output)"
    )


def refused(budget: Budget, engine: str, wl: Workload, derived: int | None) -> Budget:
    """`budget` with the length refusal as its reason: the engine raises it while reading the config,
    before it loads or profiles anything, so it comes before any memory reason."""
    reason = refusal(engine, wl.context, derived, wl.allow_long_context)
    return budget if reason is None else replace(budget, reason=reason, layout_independent=True)


def context_limit(spec: ModelSpec, wl: Workload, derived: int) -> int:
    """The longest context the engine starts with (the longest-context search stops there): its derived
    length; with the override no length check is left, only memory (vLLM's `estimate_max_model_len`)."""
    del spec
    from llmsize.estimate.workload import MAX_TOKENS

    return MAX_TOKENS if wl.allow_long_context else derived


def launch_env(engine: str, wl: Workload, derived: int) -> tuple[str, ...]:
    """The `VAR=1` a launch command needs for --context (none when the derived length holds it)."""
    needed = wl.allow_long_context and wl.context > derived and engine in LONG_CONTEXT_ENV
    return (LONG_CONTEXT_ENV[engine],) if needed else ()


def context_warning(engine: str, flag: str, derived: int, wl: Workload) -> str | None:
    """The warning for a --context above the derived length: refused unless the variable allows it, and
    then positions past the trained length (the engines' own warning says so); None within it, where the
    config's RoPE scaling covers every position the engine starts with."""
    if wl.context <= derived:
        return None
    env = LONG_CONTEXT_ENV.get(engine, "its override")
    if wl.allow_long_context:
        return (
            f"{flag} {wl.context:,} is above the {derived:,} tokens {engine} derives from the config: "
            f"sized as started with {env} (--allow-long-context); {engine} warns that positions past "
            "the trained length can give wrong output"
        )
    return (
        f"{flag} {wl.context:,} is above the {derived:,} tokens {engine} derives from the config: it "
        f"refuses to start unless {env} is set (--allow-long-context)"
    )


def max_len_note(engine: str, flag: str, derived: int, wl: Workload, refuses: bool) -> tuple[str, ...]:
    """One assumption when the sized context is shorter than what the engine takes by itself (the flag
    is needed to get this size); a longer one is a warning (context_warning)."""
    if wl.context >= derived:
        return ()
    then = (f"; {engine} refuses to start when one {derived:,}-token request does not fit its KV cache"
            if refuses else "")
    return (
        f"sized for {flag} {wl.context:,} (= --context; llmsize plan prints it): without the flag "
        f"{engine} takes the model's {derived:,} tokens{then}",
    )
