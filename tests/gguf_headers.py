"""Header-only GGUF files for the reader tests: tensor records without data, as llama.cpp's converter
would list them (the reader reads shapes and types, never the bytes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from llmsize.estimate.kv_cache import kv_terms
from llmsize.estimate.workload import Workload
from llmsize.specs.gguf_reader import hf_config_from_header, read_header
from llmsize.specs.local import spec_from_config
from llmsize.specs.models import ModelSpec, Provenance, ProvenanceKind


def write_header_only(writer: Any, records: list[tuple[str, tuple[int, ...]]]) -> None:
    """Add `records` (name, shape) as f16 tensor infos to a gguf-py GGUFWriter and write its header."""
    for name, shape in records:
        writer.add_tensor_info(name, shape, np.dtype(np.float16), 2 * int(np.prod(shape)))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    writer.close()


def spec_of_header(path: Path) -> ModelSpec:
    """The spec llmsize builds from a header-only GGUF file (bf16 compute, as a local file would be)."""
    config = hf_config_from_header(read_header(path)) | {"torch_dtype": "bfloat16"}
    return spec_from_config(config, name=path.stem, provenance=Provenance(kind=ProvenanceKind.GGUF,
                            source=str(path)), where=str(path), trust_remote_code=True)


def llama_cpp_cache(spec: ModelSpec) -> Any:
    """llama.cpp's per-layer cache terms at 32,768 tokens: to compare a GGUF spec with the catalog's."""
    wl = Workload(engine="llama.cpp", context=32768)
    return kv_terms(spec, wl, "fp16", range(spec.num_layers), "bf16")
