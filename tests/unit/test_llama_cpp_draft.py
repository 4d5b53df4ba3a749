"""llama.cpp: the speculative draft context, the draft KV type, n_ubatch clamping and the GLU stage.

Expected values are llama.cpp's arithmetic written out by hand from the files llama_cpp.py cites
(tools/server/server-context.cpp `load_model`, src/llama-context.cpp `llama_context` and
`sched_reserve`, common/arg.cpp -ctkd/-ctvd, ggml/src/ggml-alloc.c `ggml_op_can_inplace`) and from the
model's published config (Qwen3.6-27B: hidden 5,120, FFN 17,408, 4 KV heads of 256, one MTP layer).
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import engine_for
from llmsize.estimate.workload import Workload
from llmsize.specs.resolve import resolve

MIB = 2**20
H, FFN, KV_WIDTH = 5120, 17408, 4 * 256  # Qwen3.6-27B config.json (text_config)


def _est(model: str, **wl: Any) -> Any:
    return estimate(resolve(model), Workload(**wl))


def _mtp(**wl: Any) -> Any:
    base = {"engine": "llama.cpp", "quant": "Q5_K_M", "context": 8192, "ubatch": 2048, "n_batch": 2048}
    return _est("Qwen3.6-27B", **{**base, **wl})


def test_mtp_draft_cells_stay_f16_under_a_quantized_target_cache() -> None:
    # -ctkd/-ctvd default to f16 whatever -ctk/-ctv say: one layer x 8,192 cells x K and V x 1,024 x 2 B.
    plain = _mtp(kv_dtype="q8_0")
    mtp = _mtp(kv_dtype="q8_0", speculative="mtp", num_speculative_tokens=2)
    assert mtp.kv_cache_bytes - plain.kv_cache_bytes == 8192 * 2 * KV_WIDTH * 2


def test_mtp_draft_context_is_its_cells_and_its_feed_forward_stage() -> None:
    # One nextn block at 2,048 tokens: residual + up + gate + the GLU result (GGML_OP_GLU is not in
    # ggml_op_can_inplace), f32; the masks are dead once its only attention ran, and its logits are
    # n_parallel = 1 row (sched_reserve: min(n_tokens, n_outputs_max)).
    figs = _mtp(speculative="mtp", num_speculative_tokens=2).engine_figures
    compute = 4 * 2048 * (H + 3 * FFN)
    assert figs.draft_compute_bytes == compute
    assert figs.draft_context_bytes == compute + 8192 * 2 * KV_WIDTH * 2
    assert (
        figs.lines[0]
        == f"[spec] estimated memory usage of MTP context is {figs.draft_context_bytes / MIB:.2f} MiB"
    )
    # the target's own KV line holds its 16 attention layers only
    assert "512.00 MiB (  8192 cells,  16 layers" in figs.lines[1]


def test_the_draft_buffer_is_device_memory_not_host() -> None:
    plain = _mtp()
    mtp = _mtp(speculative="mtp", num_speculative_tokens=2)
    extra = mtp.engine_figures.draft_compute_bytes
    assert mtp.activations_bytes - plain.activations_bytes == extra
    assert mtp.engine_figures.host_bytes == plain.engine_figures.host_bytes
    assert mtp.engine_figures.compute_buffer_bytes == plain.engine_figures.compute_buffer_bytes


def test_ollama_runs_no_draft_context() -> None:
    figs = _est("Qwen3.6-27B", engine="ollama", context=8192).engine_figures
    assert figs.draft_context_bytes == 0 and figs.draft_compute_bytes == 0


@settings(max_examples=10, deadline=None)
@given(st.sampled_from([4096, 8192, 16384, 32768]))
def test_the_nextn_feed_forward_does_not_grow_with_the_context(context: int) -> None:
    # the FFN stage holds no mask (one attention layer), so only the cells follow the context
    figs = _mtp(context=context, speculative="mtp", num_speculative_tokens=2).engine_figures
    assert figs.draft_compute_bytes == 4 * 2048 * (H + 3 * FFN)
    assert figs.draft_context_bytes - figs.draft_compute_bytes == context * 2 * KV_WIDTH * 2


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=64, max_value=4096), st.integers(min_value=256, max_value=65536))
def test_ubatch_is_clamped_to_n_batch_and_n_ctx(n_batch: int, context: int) -> None:
    # llama-context.cpp: n_batch = min(n_ctx, n_batch); n_ubatch = min(n_batch, n_ubatch)
    eng = engine_for(Workload(engine="llama.cpp", context=context, n_batch=n_batch))
    n_ctx = -(-context // 256) * 256
    assert eng.ubatch() == min(512, n_batch, n_ctx)


def test_n_batch_alone_below_the_default_ubatch_is_accepted() -> None:
    # `llama-cli -b 128` (docs/backend/hexagon/developer.md) runs; the SWA cache keeps pad(128 + 128, 256)
    alone = _est("gpt-oss-20b", engine="llama.cpp", context=8192, n_batch=128, kv_dtype="q8_0")
    both = _est("gpt-oss-20b", engine="llama.cpp", context=8192, n_batch=128, ubatch=128, kv_dtype="q8_0")
    assert alone.kv_cache_bytes == both.kv_cache_bytes
    # q8_0 (34 B per 32 values) in both caches: 12 full layers x 8,192 cells + 12 sliding x 256
    per_cell = 2 * 8 * 64 * 34 // 32
    assert alone.kv_cache_bytes == 12 * (8192 + 256) * per_cell


def test_an_ubatch_above_the_default_n_batch_runs_clamped() -> None:
    # `-ub 4096` without `-b` runs 2,048-token ubatches (min(n_batch 2048, n_ubatch)), not an error
    eng = engine_for(Workload(engine="llama.cpp", context=65536, ubatch=4096))
    assert eng.ubatch() == 2048
    assert "ubatch 2048," in eng.notes(resolve("Llama-3.1-8B"), eng.wl)[0]
