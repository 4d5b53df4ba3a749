"""llama.cpp's KV cell padding by build and flash attention (estimate/engines/llama_cpp_cell_pad.py).

Published check: llama-server b6202 (intel/AI-Playground#325, gpt-oss-120b, -c 2000, flash_attn = 0)
created a 2016-cell non-SWA cache of 70.88 MiB and a 640-cell SWA cache of 22.50 MiB.
"""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from llmsize.cli import app
from llmsize.estimate.engines.llama_cpp_cell_pad import REPADDED_BUILD, UNPADDED_BUILD, cell_pad

MIB = 2**20


def _lines(*extra: str) -> list[str]:
    args = ["estimate", "gpt-oss-120b", "--engine", "llama.cpp", "--quant", "MXFP4", "--context", "2000"]
    result = CliRunner().invoke(app, [*args, *extra, "--format", "json"])
    assert result.exit_code == 0, result.output
    return list(json.loads(result.output)["engine"]["lines"])


def test_b6202_without_flash_attention_pads_to_32_cells_as_its_log_printed() -> None:
    lines = _lines("--flash-attn", "off", "--engine-version", "b6202")
    assert "size = 2016 cells" in lines[0]  # published: creating non-SWA KV cache, 2016 cells, 70.88 MiB
    assert "70.88 MiB" in lines[1]
    assert "size = 640 cells" in lines[2]  # published: SWA KV cache, 640 cells, 22.50 MiB
    assert "22.50 MiB" in lines[3]


def test_the_current_build_pads_to_256_cells_with_or_without_flash_attention() -> None:
    for fa in ("on", "off"):
        lines = _lines("--flash-attn", fa)
        assert "size = 2048 cells" in lines[0]
        assert "size = 768 cells" in lines[2]


def test_flash_attention_kept_256_cells_before_pr_16812() -> None:
    assert cell_pad(6202, True) == 256
    assert cell_pad(6202, False) == 32


def test_the_builds_between_the_two_2025_prs_do_not_pad() -> None:
    assert cell_pad(UNPADDED_BUILD, False) == cell_pad(REPADDED_BUILD - 1, True) == 1


@given(st.one_of(st.none(), st.integers(1, 20000)), st.booleans())
def test_the_padding_divides_256_and_is_256_from_pr_17046(build: int | None, flash: bool) -> None:
    pad = cell_pad(build, flash)
    assert 256 % pad == 0
    if build is None or build >= REPADDED_BUILD:
        assert pad == 256
