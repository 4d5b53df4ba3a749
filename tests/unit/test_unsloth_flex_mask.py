"""unsloth_flex_mask.py: the dense grid uncompiled create_block_mask builds (unsloth-zoo before dc8308b)."""

from __future__ import annotations

import llmsize
from llmsize.estimate import phases, unsloth_flex_mask
from llmsize.estimate.core import estimate, plan
from llmsize.estimate.workload import Workload


def _cands(name: str, **kw: object) -> list[object]:
    spec = llmsize.resolve(name)
    wl = Workload(mode="qlora", framework="unsloth", attention="flash", context=8192, **kw)
    ctx, busiest = plan(spec, wl)
    cands, *_ = phases._candidates(spec, wl, busiest.static, rs=ctx)
    return cands


def test_sliding_mask_mod_holds_two_bools_and_an_int64_per_pair() -> None:
    """generate_sliding_window_with_sink: causal (bool), (q + 1) - kv (int64), < window (bool)."""
    spec = llmsize.resolve("gpt-oss-20b")
    q = 1000
    assert unsloth_flex_mask.dense_mask_bytes(spec, q) == (1 + 8 + 1) * q * (q + 1)


def test_the_grid_is_built_once_in_the_forward_not_per_layer_or_in_backward() -> None:
    cands = _cands("gpt-oss-20b", flex_dense_mask=True)
    mask = [c for c in cands if c.where == "FlexAttention dense block-mask build"]
    assert len(mask) == 1 and mask[0].phase == "forward"
    assert not [c for c in _cands("gpt-oss-20b") if "block-mask" in c.where]


def test_the_grid_grows_with_the_square_of_the_context() -> None:
    spec = llmsize.resolve("gpt-oss-20b")
    base = Workload(mode="qlora", framework="unsloth", attention="flash", flex_dense_mask=True)
    short = estimate(spec, base.model_copy(update={"context": 20_000})).activations_bytes
    long = estimate(spec, base.model_copy(update={"context": 40_000})).activations_bytes
    assert 3.5 < long / short < 4.1


def test_models_without_attention_sinks_never_took_that_path() -> None:
    """flex_attention_with_sink asserts `self_attn.sinks`: only gpt-oss-style attention used it."""
    spec = llmsize.resolve("Llama-3.1-8B")
    base = Workload(mode="qlora", framework="unsloth", context=16_384)
    assert (
        estimate(spec, base.model_copy(update={"flex_dense_mask": True})).total_bytes
        == estimate(spec, base).total_bytes
    )


def test_the_option_on_a_model_without_sinks_is_said_to_be_ignored() -> None:
    """Accepted and read by nothing would be silently ignored nonsense (issue 15): the warning says so,
    and gpt-oss, whose path it is, gets no such warning."""
    wl = Workload(mode="qlora", framework="unsloth", context=16_384, flex_dense_mask=True)
    llama = estimate(llmsize.resolve("Llama-3.1-8B"), wl)
    assert any(w.startswith("--flex-dense-mask ignored") for w in llama.warnings)
    gpt_oss = estimate(llmsize.resolve("gpt-oss-20b"), wl)
    assert not any("--flex-dense-mask ignored" in w for w in gpt_oss.warnings)
    plain = estimate(llmsize.resolve("Llama-3.1-8B"), wl.model_copy(update={"flex_dense_mask": False}))
    assert not any("--flex-dense-mask" in w for w in plain.warnings)
