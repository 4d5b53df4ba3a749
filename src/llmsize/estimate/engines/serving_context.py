"""The request length a serving engine allows when its flag is not given, and the note that says so.

vLLM and SGLang do not allocate by the context a user has in mind: without `--max-model-len`
(vLLM) or `--context-length` (SGLang) they take the model's own maximum. REFERENCE:
vllm/config/model.py `_get_and_verify_max_len` (max_model_len None: the derived length from
max_position_embeddings, times the RoPE scaling factor; for YaRN original_max_position_embeddings
x factor) and sglang/srt/configs/model_config.py `ModelConfig.__init__` (context_length None:
`get_context_length(hf_text_config)`, the same derivation). vLLM then refuses to start when one
request of that length does not fit its KV pool (vllm/v1/core/kv_cache_utils.py
`check_enough_kv_cache_memory`).

llmsize sizes the --context asked (4,096 by default), as if the flag were passed; `llmsize plan`
prints it. An estimate that does not say so reads "fits" for `vllm serve Qwen/Qwen3-8B` on an
RTX-4090, which vLLM refuses at its default 40,960 tokens (issue 15).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec


def engine_default_max_len(spec: ModelSpec) -> int:
    """The request length vLLM and SGLang derive from the config when no flag gives one."""
    base = spec.max_position_embeddings
    kind, factor = spec.rope_scaling_type, spec.rope_scaling_factor
    if kind in ("linear", "dynamic"):
        return int(base * factor)
    if kind in ("yarn", "deepseek_yarn") and spec.rope_original_max_positions:
        return int(spec.rope_original_max_positions * factor)
    return base


# REFERENCE: vllm/config/model.py `_get_and_verify_max_len` raises when max_model_len exceeds the derived
# length unless VLLM_ALLOW_LONG_MAX_MODEL_LEN is set; sglang/srt/configs/model_config.py raises likewise
# unless SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN is set.
LONG_CONTEXT_ENV = {
    "vLLM": "VLLM_ALLOW_LONG_MAX_MODEL_LEN=1",
    "SGLang": "SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1",
}


def max_len_note(engine: str, flag: str, spec: ModelSpec, wl: Workload, refuses: bool) -> tuple[str, ...]:
    """One assumption when the sized context differs from what the engine takes by itself: shorter (the
    flag is needed to get this size) or longer (the engine refuses it unless an environment variable
    allows it)."""
    default = engine_default_max_len(spec)
    if wl.context > default:
        return (
            f"{flag} {wl.context:,} is above the {default:,} tokens {engine} derives from the config: it "
            f"refuses to start unless {LONG_CONTEXT_ENV.get(engine, 'its override')} is set",
        )
    if wl.context == default:
        return ()
    then = (f"; {engine} refuses to start when one {default:,}-token request does not fit its KV cache"
            if refuses else "")
    return (
        f"sized for {flag} {wl.context:,} (= --context; llmsize plan prints it): without the flag "
        f"{engine} takes the model's {default:,} tokens{then}",
    )
