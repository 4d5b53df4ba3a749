"""`-o FILE` puts the answer in the file and says where; `--format` beside it also prints (issue 15, round 8).

Before: every command printed its whole human table as well as writing the file, and none said where
it wrote (`estimate X -o x.html` dumped the table to the terminal).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from cli_rows import main_result as _run

SMALL = "Qwen2.5-0.5B"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["estimate", SMALL], f"{SMALL} needs"),
        (["estimate", SMALL, "--gpu", "RTX-4090"], "fits RTX-4090"),
        (["explain", SMALL], f"{SMALL} needs"),
        (["fit", SMALL, "--gpu", "RTX-4090"], "best that fits"),
        (["compare", SMALL, "--gpus", "RTX-4090,L4"], "1x RTX-4090 — "),
        (["gpus", "--vendor", "nvidia"], "GPUs"),
    ],
)
def test_output_alone_prints_where_not_the_table(
    argv: list[str], said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.yaml"
    code, out, _ = _run([*argv, "-o", str(target)], capsys)
    assert code == 0
    assert out.splitlines() == [out.rstrip("\n")], out  # one line, no table
    assert out.startswith(f"Wrote {target}") and said in out
    assert "┃" not in out and target.exists() and yaml.safe_load(target.read_text())


def test_html_output_says_open_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "r.html"
    code, out, _ = _run(["estimate", SMALL, "-o", str(target)], capsys)
    assert code == 0 and out.startswith(f"Wrote {target}") and "open it in a browser" in out
    assert "weights" not in out and target.read_text().lstrip().lower().startswith("<!doctype html")


def test_format_beside_output_prints_it_and_says_where_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "e.json"
    code, out, err = _run(["estimate", SMALL, "--format", "json", "-o", str(target)], capsys)
    assert code == 0 and json.loads(out)["memory"] == json.loads(target.read_text())["memory"]
    assert err.startswith(f"Wrote {target}")


def test_plan_keeps_its_command_alone_on_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "p.yaml"
    code, out, err = _run(["plan", SMALL, "--gpu", "H100", "--engine", "vllm", "-o", str(target)], capsys)
    assert code == 0 and out.startswith("vllm serve") and len(out.splitlines()) == 1
    assert f"Wrote {target}" in err


def test_fit_check_still_exits_3_when_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "f.yaml"
    code, out, _ = _run(["fit", "Llama-3.1-70B", "--gpu", "RTX-3060", "--num-gpus", "1", "--check",
                         "-o", str(target)], capsys)
    assert code == 3 and "nothing fits" in out and target.exists()


def test_check_output_alone_prints_the_verdict_line(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "k.yaml"
    argv = ["check", "--gpu", "H100", "-o", str(target), "--", "vllm", "serve", "Qwen/Qwen2.5-0.5B"]
    code, out, _ = _run(argv, capsys)
    assert code == 0 and out == f"Wrote {target}: vllm fits H100-SXM-80GB\n"
    assert yaml.safe_load(target.read_text())
