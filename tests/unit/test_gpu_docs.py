"""docs/gpus.md: its --gpu-file example loads, so the documented schema cannot drift from the code."""

from __future__ import annotations

import re
from pathlib import Path

from llmsize.hardware.gpus import load_catalog
from llmsize.hardware.unified import macos_default_limit_bytes
from llmsize.units import GIB

DOC = Path(__file__).parents[2] / "docs" / "gpus.md"


def test_gpu_file_example_loads(tmp_path: Path) -> None:
    example = re.search(r"```yaml\n(vendor: nvidia.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert example is not None
    path = tmp_path / "mine.yaml"
    path.write_text(example.group(1), encoding="utf-8")
    catalog = load_catalog([path])
    lab = catalog.get("lab-card")
    assert lab.visible_memory_bytes == 50851266560  # the runtime total given wins
    assert lab.price is not None and lab.price.usd_per_hour == 0.80
    mac = catalog.get("Mac-Studio-M3-Ultra-256")
    assert mac.usable_memory_bytes == macos_default_limit_bytes(256 * GIB)
