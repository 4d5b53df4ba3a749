"""`--engine-version` for vLLM and transformers: the release picks the speed profile it was measured with.

vLLM's decode step changed with three releases that llmsize has profiles for:
- 0.4.x (V0 engine): decode graphs cover contexts up to `max_context_len_to_capture` (8,192) and the
  step beyond runs eagerly (vllm/worker/model_runner.py `ModelRunner._prepare_decode`, v0.4.2):
  profile 'vllm-0.4' (vllm_graph_cap.py).
- 0.5-0.7 (V0 engine, `max_seq_len_to_capture`): profile 'vllm-0.6' (vllm.SPEED_V0, calibrated on
  Qwen's 0.6.3 tables; vllm_v0_graphs.py).
- 0.8-0.13: the V1 engine (vllm/v1/engine/core.py; the default from 0.8), synchronous scheduling:
  profile 'vllm-0.13' (vllm.SPEED_V1_SYNC, step fitted on v0.10 rows).
- 0.14 and later: the V1 engine with async scheduling on by default (vllm_async.py): profile 'vllm'.
`--enforce-eager` on a V0 release runs 0.6.3's eager profile (a bare op dispatch per fused kernel),
which predicts Qwen2's 0.4.2 rows run with enforce_eager=True (72B-GPTQ-Int4 on one A100) within 3%.

transformers' `generate` changed its decode step with three releases llmsize has tables for:
- 4.30-4.48: GPTQ through optimum + auto-gptq, AWQ through AutoAWQ's wrappers (4.46
  quantizers/quantizer_gptq.py required_packages; GPTQModel from 4.49): profile 'transformers-4.46'
  (Qwen2.5's and Qwen2's A100 tables, transformers 4.46.0 / 4.38.2);
- 4.49-4.x: profile 'transformers-4' (Qwen3's H20 table, transformers 4.51.3);
- 5.0 and later: GQA read in place and MoE experts through batched_mm: profile 'transformers'.

Memory stays the modelled release's (vllm.VLLM_VERSION_MODELLED, transformers 5.23): the release
changes the speed profile and, for vLLM from 0.21, how the "GPU KV cache size" line counts tokens, and
from 0.11.1 to 0.16 the profile run's sampler warm-up (vllm_sampler.sorts_every_row).
SGLang's releases are read by estimate/engines/sglang_startup.py
(memory and speed).
"""

from __future__ import annotations

from llmsize.errors import BadInputError
from llmsize.estimate.engines.vllm_async import ASYNC_DEFAULT_FROM, SYNC_V1_ENGINE

# The oldest release whose step llmsize models: vLLM 0.4 (Qwen2's published table).
OLDEST_VLLM = (0, 4)
V1_FROM = (0, 8)  # REFERENCE: vLLM 0.8.0 release notes: V1 engine on by default.
V0_GRAPH_CAP_TO = (0, 5)  # 0.4.x: max_context_len_to_capture (vllm_graph_cap.py)


def is_number(part: str, width: int = 4) -> bool:
    """A release or build number part: ASCII digits only, at most `width` of them. str.isdigit alone also
    takes '²' and other digits int() refuses (a ValueError), and an unbounded run trips int()'s
    4,300-digit limit (issue 15, round 7: `--engine-version 0.²`, a 5,000-digit build)."""
    return part.isascii() and part.isdigit() and len(part) <= width


def release(text: str | None, engine: str, example: str) -> tuple[int, int] | None:
    """(major, minor) of a release string ('0.4.2', 'v0.6.3', '0.10', '0.5.0rc1'); None when not given."""
    if text is None:
        return None
    parts = text.strip().lower().removeprefix("v").split(".")
    head = parts[:2]
    if len(parts) < 2 or not all(is_number(p) for p in head):
        raise BadInputError(
            f"--engine-version {text!r} is not a {engine} release",
            hint=f"give the version `pip show {engine.lower()}` prints, e.g. {example}",
        )
    return int(head[0]), int(head[1])


def vllm_speed_name(text: str | None, enforce_eager: bool) -> str:
    """The vLLM speed profile of the release asked for ('vllm' when none is given)."""
    found = release(text, "vLLM", "0.6.3")
    if found is None or found >= ASYNC_DEFAULT_FROM:
        return "vllm"
    if found >= V1_FROM:
        return SYNC_V1_ENGINE  # V1 before async scheduling became the default
    if found < OLDEST_VLLM:
        raise BadInputError(
            f"--engine-version {text}: llmsize models vLLM releases from 0.4 on",
            hint="give 0.4 or later, or leave --engine-version out for the current release",
        )
    if found < V0_GRAPH_CAP_TO and not enforce_eager:
        return "vllm-0.4"
    return "vllm-0.6"  # the V0 engine; with --enforce-eager its eager twin (speed_eager.eager_engine)


# REFERENCE: vllm/v1/core/kv_cache_utils.py `_report_kv_cache_config` from 0.20.1 (vllm-project/vllm#40694):
# "GPU KV cache size" is int(max_concurrency x max_model_len), no longer num_blocks // groups x block_size.
# The release is read from published hybrid-model logs, where the two formulas differ: the nightly
# 0.20.1rc1.dev16 of 2026-05-04 still prints the old one (noonghunna/club-3090#46: 67,728 tokens beside
# 1.06x at 180,000), the 0.20.1 release the new one (genn888/MASS_delivery doc/qwen36_hpc_vllm_setup.md,
# Qwen3.6-27B: 262,872 tokens = int(361 / 45 x 32,768) beside 8.02x; the old formula cannot give a
# figure that is not a multiple of the 784-token block), as do the 0.20.2rc1.dev9 nightlies of
# 2026-05-06 (club-3090#74-#76: 612,157 tokens beside 2.34x at 262,144).
CONCURRENCY_TOKENS_FROM = (0, 20, 1, 1)  # (major, minor, patch, final release)


def release_order(text: str) -> tuple[int, int, int, int]:
    """(major, minor, patch, 1 for a final release / 0 for its rc or dev builds) of a vLLM version, so
    that 0.20.1rc1.dev16 sorts before 0.20.1 as PEP 440 orders them; release() has checked the head."""
    parts = text.strip().lower().removeprefix("v").split("+")[0].split(".")  # "+cu129": a local build
    major, minor = int(parts[0]), int(parts[1])
    third = parts[2] if len(parts) > 2 else "0"
    digits = third[: len(third) - len(third.lstrip("0123456789"))][:4]
    patch = int(digits) if digits else 0
    final = 1 if third == digits and len(parts) <= 3 else 0
    return major, minor, patch, final


def vllm_prints_concurrency_tokens(text: str | None) -> bool:
    """Whether the vLLM release asked for prints its token count as concurrency x max_model_len (the
    release modelled, 0.19, when none is given, does not)."""
    found = release(text, "vLLM", "0.6.3")
    return found is not None and text is not None and release_order(text) >= CONCURRENCY_TOKENS_FROM


OLDEST_TRANSFORMERS = (4, 30)
GPTQMODEL_FROM = (4, 49)  # REFERENCE: transformers 4.49 quantizers/quantizer_gptq.py: GPTQModel.
TRANSFORMERS_5 = (5, 0)
# REFERENCE: transformers 4.45 generation/utils.py generate: num_logits_to_keep = 1 when the model's
# forward takes it (PR #31292); earlier forwards compute the head on the whole prompt.
LAST_LOGITS_FROM = (4, 45)


def transformers_speed_name(text: str | None) -> str:
    """The transformers speed profile of the release asked for ('transformers' when none is given)."""
    found = release(text, "transformers", "4.46.0")
    if found is None or found >= TRANSFORMERS_5:
        return "transformers"
    if found < OLDEST_TRANSFORMERS:
        raise BadInputError(
            f"--engine-version {text}: llmsize models transformers releases from 4.30 on",
            hint="give 4.30 or later, or leave --engine-version out for the current release",
        )
    return "transformers-4.46" if found < GPTQMODEL_FROM else "transformers-4"


def transformers_full_prompt_logits(text: str | None) -> bool:
    """Whether the transformers release asked for computes a prompt's logits on every token (before 4.45)."""
    found = release(text, "transformers", "4.46.0")
    return found is not None and found < LAST_LOGITS_FROM
