"""`compare` of several models on one GPU, read at 80 and 120 columns (issue 15, round 8).

Before: at 80 columns the table kept a 33-character model name whole and a GPU column holding one value,
and hid every number; a GGUF row decoded by llama.cpp sat under "engine transformers" and the
recommendation called it "4.9x faster" as if the quantization alone did it.
"""

from __future__ import annotations

import pytest

from llmsize.cli import main

MODELS = ["Qwen2.5-7B-Instruct", "Qwen2.5-7B-Instruct-AWQ", "Qwen2.5-7B-Instruct-GGUF-Q4_K_M"]


def _run(argv: list[str], columns: int, capsys: pytest.CaptureFixture[str],
         monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    try:
        main(argv)
    except SystemExit as ex:
        assert not ex.code
    return capsys.readouterr().out


@pytest.mark.parametrize("columns", [80, 120])
def test_models_on_one_gpu_keep_their_numbers(columns: int, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    out = _run(["compare", *MODELS, "--gpu", "RTX-4090"], columns, capsys, monkeypatch)
    assert out.splitlines()[0] == "3 models on RTX-4090"
    assert all(len(line) <= columns for line in out.splitlines())
    # each column's header, its two lines joined where the table put it on two (table_fit.stacked_header)
    parts = [line.split("┃")[1:-1] for line in out.splitlines() if line.startswith("┃")]
    header = [" ".join(" ".join(cells[i] for cells in parts).split()) for i in range(len(parts[0]))]
    assert "memory/GPU GiB" in header and "headroom GiB" in header and "GPU" not in header
    if columns == 120:
        assert "decode tok/s" in header


def test_rows_on_other_engines_say_so(capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = _run(["compare", *MODELS, "--gpu", "RTX-4090"], 200, capsys, monkeypatch)
    assert "engine transformers (* rows: see below)" in out
    assert "gguf Q4_K_M *" in out and "bf16 *" not in out
    assert "* runs on llama.cpp (the engine for those weights), not transformers" in out
    assert "(gguf Q4_K_M on llama.cpp) decodes" in out
    # one engine for every row: the header names it, the cells do not
    out = _run(["compare", "Qwen2.5-7B-Instruct", "Qwen2.5-7B-Instruct-AWQ", "--gpu", "RTX-4090"], 200,
               capsys, monkeypatch)
    assert "engine transformers" in out and "*" not in out
