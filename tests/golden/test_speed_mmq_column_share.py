"""What a narrower MMQ tile saves a MoE prompt: most of a tile's time is its weight side.

Published numbers, cited where used (https://github.com/ggml-org/llama.cpp/pull/26977, "CUDA: Improve
selection of routed MoE MMQ tile widths", open): routed tiles narrowed from 128 columns to the mean tokens an
expert (x 2 on Ampere / Ada, x 3 on Blackwell), Qwen3-30B-A3B Q4_K_M, t/s off -> on:
- the table read (GPU header not in the text read): -ub 128 3603.79 -> 4069.66 (+12.93%), -ub 256
  5993.91 -> 6420.17 (+7.11%): the split is derived from these two rows (llama_cpp_mmq_tiles.COLUMN_SHARE);
- RTX 3090, -ub 512 (32 tokens an expert, 128 -> 64 columns): +6.4%, as quoted in the moeprompt FINDINGS
  entry of bench/speed_validation.py; not used by the derivation, the check here.
No test is timed.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import llama_cpp_mmq_tiles as tiles
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import prefill_seconds, resolve_constants
from llmsize.specs.resolve import resolve

RTX3090_UB512_GAIN = 0.064  # PR #26977, Qwen3-30B-A3B Q4_K, -ub 512, 128 -> 64 columns (module docstring)


def _pp512(monkeypatch: pytest.MonkeyPatch, width: int | None) -> float:
    """pp512 of Qwen3-30B-A3B Q4_K_M on an RTX 3090 at -ub 512; `width`: PR #26977's width (None: master)."""
    spec = resolve("Qwen3-30B-A3B")
    wl = Workload.model_validate({"engine": "llama.cpp", "context": 513, "prompt_tokens": 512,
                                  "quant": "Q4_K_M", "ubatch": 512})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout())
    gpu = get_gpu("RTX-3090")
    c = resolve_constants(inputs, gpu)
    assert c.expert_tile_max_cols == 128
    with monkeypatch.context() as m:
        if width:  # the PR's rule in place of master's ncols_max = ne12
            m.setattr(tiles, "width_columns", lambda *_args: width)
        seconds, _ = prefill_seconds(inputs, gpu, c, 512)
    return 512 / seconds


def test_the_split_is_a_sixth_columns_five_sixths_weights() -> None:
    # Per token t(u) = R / u + O: R from the two off rows, each row's saving over R x (1 - J / 128).
    assert pytest.approx(0.159, abs=0.002) == tiles.COLUMN_SHARE
    assert 0.13 < tiles.column_share_from_ab(widths=({128: 16, 256: 32},)) < 0.15  # the x 2 reading
    assert 0.16 < tiles.column_share_from_ab(widths=({128: 24, 256: 48},)) < 0.18  # the x 3 reading


def test_rtx3090_narrowing_gain_matches_the_published_row(monkeypatch: pytest.MonkeyPatch) -> None:
    master, narrowed = _pp512(monkeypatch, None), _pp512(monkeypatch, 64)
    gain = narrowed / master - 1
    assert gain == pytest.approx(RTX3090_UB512_GAIN, abs=0.03)
    # A width-proportional tile (all of its time the columns') would have made it ~+45%.
    width_only = 0.5 * tiles.COLUMN_SHARE
    assert tiles.tile_cost(64, 128, 1.0) / tiles.tile_cost(128, 128, 1.0) == 0.5
    assert tiles.tile_cost(64, 128, tiles.COLUMN_SHARE) / 128 == pytest.approx(1 - width_only)


def test_a_full_width_tile_costs_what_it_did() -> None:
    # NVIDIA builds run 128-wide expert tiles from a 128-token ubatch on: the split leaves them unchanged.
    for share in (6 / 64, 8 / 128, 4 / 128):
        assert tiles.expert_tile_rate(512, share, column_share=tiles.COLUMN_SHARE) == pytest.approx(
            tiles.expert_tile_rate(512, share, column_share=1.0))
