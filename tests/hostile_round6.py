"""The sixth hostile and newcomer round (issue 15: "I will try inputs beyond this list"): input classes
the first five audits (tests/hostile.py, hostile_options.py, hostile_round3.py ... hostile_round5.py)
did not try.

- requests a newcomer types for the most pulled Ollama models: bare library names (`qwen3`,
  `gemma3`, `mistral`), `mistral:7b`, and a path inside Ollama's own store (a tag's manifest, the
  folder of a library's tags, a `sha256-...` blob);
- this machine as the GPU (`fit M` with no --gpu, `--gpu local`) combined with bad input: the
  detection notes came before the error line;
- standard streams closed before llmsize starts (`>&-`, `2>&-`), a folder --output may not write;
- the terminal at 12-40 columns (sizes cut to "…"), JSON of the wrong kind at the top of a config.json;
- `--tp 0` / `--pp 0` (named the wrong option), every engine x mode x quant x GPU combination.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from hostile import llama_config

# Bare Ollama library names and tags `ollama run` takes: each is a result (exit 0) or one line.
NAMES: tuple[str, ...] = (
    "qwen3",
    "gemma3",
    "llama3.2",
    "gpt-oss",
    "mistral",
    "mistral:7b",
    "mistral:latest",
    "mistral:7b-instruct",
    "MISTRAL",
    "deepseek-r1",
    "phi4",
    "tinyllama",
    "nomic-embed-text",
    "qwen2.5vl:7b",
    "magistral:24b",
    "library/qwen3:8b",
    "registry.ollama.ai/library/qwen3:8b",
    "sha256-" + "0" * 64,
)

ENGINES = ("transformers", "vllm", "sglang", "llama.cpp", "ollama")
MODES = ("inference", "training", "full", "lora", "qlora")
QUANTS = (None, "Q4_K_M", "awq", "fp8", "nf4", "mxfp4")
GPUS = (None, "H100", "M3-Max-128GB", "cpu")


def combinations() -> Iterator[list[str]]:
    """estimate with every engine x mode x quant x GPU (600 runs: bench/fuzz.py; a sample in CI)."""
    for engine in ENGINES:
        for mode in MODES:
            for quant in QUANTS:
                for gpu in GPUS:
                    argv = ["estimate", "Qwen2.5-0.5B", "--engine", engine, "--mode", mode]
                    argv += ["--quant", quant] if quant else []
                    argv += ["--gpu", gpu] if gpu else []
                    yield argv


def write_gguf(path: Path) -> None:
    """A small llama GGUF (2 blocks, F16) written with the gguf package llama.cpp ships."""
    import gguf
    import numpy as np

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_block_count(2)
    writer.add_context_length(2048)
    writer.add_embedding_length(64)
    writer.add_feed_forward_length(128)
    writer.add_head_count(4)
    writer.add_head_count_kv(4)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(100)
    writer.add_tensor("token_embd.weight", np.zeros((100, 64), dtype=np.float16))
    shapes = {"attn_q": (64, 64), "attn_k": (64, 64), "attn_v": (64, 64), "attn_output": (64, 64),
              "ffn_gate": (128, 64), "ffn_up": (128, 64), "ffn_down": (64, 128), "attn_norm": (64,),
              "ffn_norm": (64,)}  # fmt: skip
    for block in range(2):
        for name, shape in shapes.items():
            writer.add_tensor(f"blk.{block}.{name}.weight", np.zeros(shape, dtype=np.float16))
    writer.add_tensor("output_norm.weight", np.zeros((64,), dtype=np.float16))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def ollama_store(
    root: Path,
    *,
    namespace: str = "library",
    model: str = "tiny",
    tag: str = "latest",
    blob: bool = True,
    media: str = "application/vnd.ollama.image.model",
) -> Path:
    """An Ollama models folder holding one tag (manifests/registry.ollama.ai/<ns>/<model>/<tag> and its
    GGUF blob); returns the manifest's path. The layout is ollama/ollama's manifest/paths.go."""
    import hashlib

    blobs = root / "blobs"
    blobs.mkdir(parents=True, exist_ok=True)
    gguf_path = root / "model.tmp"
    write_gguf(gguf_path)
    digest = hashlib.sha256(gguf_path.read_bytes()).hexdigest()
    if blob:
        gguf_path.rename(blobs / f"sha256-{digest}")
    else:
        gguf_path.unlink()
    manifest = root / "manifests" / "registry.ollama.ai" / namespace / model / tag
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                   "digest": "sha256:" + "1" * 64, "size": 10},
        "layers": [{"mediaType": media, "digest": f"sha256:{digest}", "size": 1}],
    }))  # fmt: skip
    return manifest


def odd_sources(root: Path) -> Iterator[tuple[str, Path]]:
    """(label, path) of model sources this round adds; each is a result or one line."""
    for label, text in (("null", "null"), ("a list", "[]"), ("a string", '"x"'), ("a number", "5"),
                        ("true", "true")):  # fmt: skip
        folder = root / f"r6-config-{label.replace(' ', '-')}"
        folder.mkdir()
        (folder / "config.json").write_text(text)
        yield f"config.json holding {label}", folder
    huge = root / "r6-huge-vocab"
    huge.mkdir()
    (huge / "config.json").write_text(json.dumps(llama_config(vocab_size=10**12)))
    yield "config.json with a 10^12 vocabulary", huge
    store = root / "r6-ollama"
    manifest = ollama_store(store)
    yield "an Ollama manifest", manifest
    yield "an Ollama folder of tags", manifest.parent
    yield "an Ollama blob", next((store / "blobs").iterdir())
    yield "an Ollama manifests folder", store / "manifests"
    missing = ollama_store(root / "r6-ollama-missing", blob=False)
    yield "an Ollama manifest whose blob is gone", missing
    other = ollama_store(root / "r6-ollama-projector", media="application/vnd.ollama.image.projector")
    yield "an Ollama manifest with no model layer", other
