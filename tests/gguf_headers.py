"""Header-only GGUF files for the reader tests: tensor records without data, as llama.cpp's converter
would list them (the reader reads shapes and types, never the bytes)."""

from __future__ import annotations

from typing import Any

import numpy as np


def write_header_only(writer: Any, records: list[tuple[str, tuple[int, ...]]]) -> None:
    """Add `records` (name, shape) as f16 tensor infos to a gguf-py GGUFWriter and write its header."""
    for name, shape in records:
        writer.add_tensor_info(name, shape, np.dtype(np.float16), 2 * int(np.prod(shape)))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    writer.close()
