"""llama.cpp: the rows of logits llama-server reserves its prompt graph for (n_outputs_max).

Expected values are llama.cpp's arithmetic written out by hand from the files llama_cpp.py cites:
tools/server/server-context.cpp `load_model` / `server_output_limits`, common/speculative.cpp
`common_speculative_get_output_limits` (min(n_batch, n_parallel x (1 + draft tokens))) and
src/llama-context.cpp `sched_reserve` (min(n_tokens, n_outputs_max) outputs), ggml-org/llama.cpp#23861
and #23988; and from Llama-3.2-3B's published config (hidden 3,072, 24 heads of 128, FFN 8,192,
vocabulary 128,256).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.llama_cpp import LlamaCpp
from llmsize.estimate.engines.ollama import Ollama
from llmsize.estimate.workload import Workload
from llmsize.specs.resolve import resolve

MIB = 2**20
H, HEADS, HD, FFN, VOCAB = 3072, 24, 128, 8192, 128256  # meta-llama/Llama-3.2-3B config.json


def _compute(**wl: Any) -> int:
    base = {"engine": "llama.cpp", "quant": "Q4_K_M", "context": 2048, "ubatch": 512, "n_batch": 512}
    est = estimate(resolve("Llama-3.2-3B"), Workload(**{**base, "flash_attn": "off", **wl}))
    assert est.engine_figures is not None
    return int(est.engine_figures.compute_buffer_bytes)


def test_every_row_of_logits_decides_the_old_buffer() -> None:
    # n_outputs_max = n_batch (the C API default, llama-server before b9464): the output stage, the
    # normed stream and the f32 logits of all 512 tokens, 256.50 MiB as the January 2025 log printed.
    assert _compute(logits="all") == 4 * 512 * (H + VOCAB)


def test_llama_server_keeps_one_row_per_slot_and_attention_decides() -> None:
    # One slot, no drafter: one row of logits; the attention stage is the largest live set: the f32
    # mask (2,048 cells x 512 rows) and scores (x 24 heads), residual + normed input + Q + the heads'
    # output (2 x 3,072 + 3,072 + 24 x 128 per token).
    attention = 2048 * 512 * 4 + 2048 * 512 * HEADS * 4 + 4 * 512 * (2 * H + H + HEADS * HD)
    assert _compute() == attention
    assert _compute() < _compute(logits="all")


def test_the_rows_are_slots_times_one_plus_the_draft_tokens() -> None:
    base = {"engine": "llama.cpp", "context": 4096, "ubatch": 512, "n_batch": 2048}
    spec = resolve("Qwen3.6-27B")
    assert LlamaCpp(Workload(**base)).logit_rows(spec) == 1
    assert LlamaCpp(Workload(**base, batch=4)).logit_rows(spec) == 4
    mtp = Workload(**base, batch=2, speculative="mtp", num_speculative_tokens=3)
    assert LlamaCpp(mtp).logit_rows(spec) == 2 * (1 + 3)
    assert LlamaCpp(Workload(**base, logits="all")).logit_rows(spec) is None


def test_ollama_runs_llama_server_with_its_slots() -> None:
    # Ollama 0.33 launches llama-server with -np numParallel (llm/llama_server.go): the same rule.
    wl = Workload(engine="ollama", context=4096, batch=3)
    assert Ollama(wl).logit_rows(resolve("Llama-3.2-3B")) == 3


@settings(max_examples=25, deadline=None)
@given(batch=st.integers(1, 8), ubatch=st.sampled_from([64, 128, 512, 1024]))
def test_capping_the_rows_never_grows_the_buffer(batch: int, ubatch: int) -> None:
    capped = _compute(batch=batch, ubatch=ubatch, n_batch=1024)
    every = _compute(batch=batch, ubatch=ubatch, n_batch=1024, logits="all")
    assert capped <= every
    # the logits stage alone of the capped graph: min(ubatch, slots) rows
    rows = min(ubatch, batch)
    assert capped >= 4 * rows * (H + VOCAB)


def test_ollama_before_llama_server_follows_its_own_runner() -> None:
    # Before v0.30 (last: v0.24.0, Makefile.sync FETCH_HEAD ec98e2002, 2025) Ollama vendored a llama.cpp
    # older than ggml-org/llama.cpp#23861: its llama runner keeps a row for every ubatch token, and its Go
    # engine reserves s.parallel rows (runner/ollamarunner/runner.go reserveWorstCaseGraph).
    glm, gemma = resolve("GLM-4.5-Air"), resolve("gemma-3-12b")
    old = Workload(engine="ollama", context=4096, batch=2, engine_version="0.12.0")
    assert Ollama(old).logit_rows(glm) is None  # glm4moe: llama runner in 0.12
    assert Ollama(old).logit_rows(gemma) == 2  # gemma3: the Go engine
    assert Ollama(old.model_copy(update={"logits": "all"})).logit_rows(gemma) is None
    # v0.30.0 pins b9452 (before the cap); v0.30.1 and later b9479+ (numParallel rows).
    assert Ollama(old.model_copy(update={"engine_version": "0.30.0"})).logit_rows(glm) is None
    assert Ollama(old.model_copy(update={"engine_version": "0.30.1"})).logit_rows(glm) == 2


def test_ollama_012_llama_runner_reserves_every_row_unasked() -> None:
    # ollama/ollama#12403 (Ollama 0.12, llama runner, GLM-4.5-Air Q8_0 at 20 of 47 blocks): CUDA0 compute
    # buffer 933.00 MiB = the op-offloaded Q8_0 output matrix + 512 rows x (151,552 + 4,096) f32. Without
    # --logits all the release alone must give the 512 rows.
    wl = Workload(engine="ollama", engine_version="0.12.0", quant="Q8_0", gpu_layers=20, context=20000,
                  ubatch=512, n_batch=512, flash_attn="on", num_gpus=3)
    est = estimate(resolve("GLM-4.5-Air"), wl)
    assert est.engine_figures is not None
    assert est.engine_figures.compute_buffer_bytes / 2**20 == pytest.approx(933.00, rel=0.01)
