"""The trace oracle is only an oracle for the transformers release the estimator models.

transformers changes what it allocates between releases (5.25 keeps DeepSeek's MoE router in fp32
and stops broadcasting Falcon-40B's K/V; issue 8), so the trace tests run against the pinned
release in constraints.txt, and this test says so plainly when another one is installed.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from llmsize.estimate.engine import TRANSFORMERS_VERSION_MODELLED

ROOT = Path(__file__).resolve().parents[2]


def _pinned(package: str) -> str:
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        name, _, version = line.partition("==")
        if name.strip().lower() == package:
            return version.strip()
    raise AssertionError(f"constraints.txt does not pin {package}")


def test_constraints_pin_the_modelled_transformers() -> None:
    assert _pinned("transformers") == TRANSFORMERS_VERSION_MODELLED


def test_installed_transformers_is_the_modelled_one() -> None:
    installed = importlib.metadata.version("transformers")
    assert installed == TRANSFORMERS_VERSION_MODELLED, (
        f"transformers {installed} is installed; the estimator models {TRANSFORMERS_VERSION_MODELLED}. "
        "Install with -c constraints.txt, or run bench/drift.py to see what the new release changes."
    )


def test_installed_peft_and_torch_are_the_pinned_ones() -> None:
    for package in ("peft", "torch"):
        installed = importlib.metadata.version(package).split("+")[0]
        assert installed == _pinned(package), f"{package} {installed} is not the pinned {_pinned(package)}"
