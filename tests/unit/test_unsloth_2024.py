"""--unsloth-2024: Unsloth of December 2024 (unsloth d9ed4be), before matmul_lora used addmm_."""

from __future__ import annotations

import llmsize
from llmsize.estimate.core import estimate
from llmsize.estimate.unsloth_2024 import rope_cache_rows
from llmsize.estimate.workload import Workload

QLORA = {"mode": "qlora", "lora_rank": 32, "lora_targets": ("all-linear",), "attention": "flash", "batch": 1}


def test_rope_cache_starts_at_32k_rows_and_grows_in_8192_steps() -> None:
    # LlamaExtendedRotaryEmbedding: `min(4 * 8192, max_position_embeddings)` rows, then
    # extend_rope_embedding rounds the sequence up to a multiple of 8192
    spec = llmsize.resolve("Llama-3.1-8B-Instruct")
    assert rope_cache_rows(spec, 2_972) == 32_768
    assert rope_cache_rows(spec, 40_724) == 40_960
    assert rope_cache_rows(spec, 40_960) == 40_960


def test_the_2024_code_keeps_more_per_token_than_the_2025_code() -> None:
    # the output-sized LoRA temporary beside DW in LoRA_MLP's backward alone is one more
    # intermediate-sized bf16 tensor per token (14,336 x 2 B for Llama 3.1 8B)
    spec = llmsize.resolve("Llama-3.1-8B-Instruct")

    def slope(old: bool) -> float:
        wl = Workload(framework="unsloth", unsloth_2024=old, **QLORA)
        lo = estimate(spec, wl.model_copy(update={"context": 65_536})).total_bytes
        hi = estimate(spec, wl.model_copy(update={"context": 131_072})).total_bytes
        return (hi - lo) / 65_536

    assert slope(True) - slope(False) > spec.intermediate_size * 2


def test_other_frameworks_ignore_it_and_say_so() -> None:
    spec = llmsize.resolve("Llama-3.1-8B-Instruct")
    wl = Workload(framework="trainer", context=8192, **QLORA)
    plain = estimate(spec, wl)
    flagged = estimate(spec, wl.model_copy(update={"unsloth_2024": True}))
    assert flagged.total_bytes == plain.total_bytes
    assert any(w.startswith("--unsloth-2024 ignored") for w in flagged.warnings)
    unsloth = estimate(spec, Workload(framework="unsloth", unsloth_2024=True, context=8192, **QLORA))
    assert not any("--unsloth-2024" in w for w in unsloth.warnings)


def test_gemma_rope_caches_are_fixed_fp32_at_max_positions() -> None:
    # GemmaFixedRotaryEmbedding (unsloth/models/gemma.py, c100900): built once at
    # max_position_embeddings rows, fp32, never grown by the training forward
    from llmsize.estimate.unsloth_2024 import rope_caches_bytes

    spec = llmsize.resolve("gemma-2-9b")
    fixed = spec.num_layers * 2 * spec.max_position_embeddings * spec.head_dim * 4
    assert rope_caches_bytes(spec, 1_000, 2) == rope_caches_bytes(spec, 100_000, 2) == fixed
