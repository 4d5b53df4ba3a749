"""The public surface is explicit: a sorted __all__ whose every name resolves."""

from __future__ import annotations

import subprocess
import sys

import llmsize


def test_all_is_sorted_and_resolves() -> None:
    assert llmsize.__all__ == sorted(llmsize.__all__)
    for name in llmsize.__all__:
        assert getattr(llmsize, name) is not None, name


def test_import_is_light() -> None:
    """`import llmsize` and a catalog estimate never pull in torch or huggingface_hub."""
    code = (
        "import sys, llmsize; llmsize.estimate(llmsize.resolve('Qwen2.5-7B-Instruct'), llmsize.Workload());"
        "bad = [m for m in ('torch', 'huggingface_hub', 'transformers') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_layers_contract_holds() -> None:
    """import-linter's one-way layers contract (pyproject.toml) is kept."""
    cmd = [
        sys.executable,
        "-c",
        "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports())",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-2000:]


def test_readme_api_in_a_fresh_interpreter() -> None:
    """The README's Python API, in its order: `llmsize.Workload` imports the estimate package
    before `llmsize.estimate` is looked up, which once left the subpackage (not callable) there."""
    code = (
        "import llmsize\n"
        "s = llmsize.resolve('Qwen2.5-7B')\n"
        "w = llmsize.Workload()\n"
        "e = llmsize.estimate(s, w)\n"
        "import llmsize.estimate.core as core\n"
        "assert core.estimate(s, w) == e\n"
        "print(e.total_bytes, llmsize.parse_name('Qwen2.5-7B').params)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr[-1500:]
    total, params = out.stdout.split()
    assert params == "7000000000"
    # Qwen2.5-7B holds 7.62B parameters (hf.co/Qwen/Qwen2.5-7B), about 15.2 GB of bf16 weights.
    assert int(total) > 15_000_000_000
