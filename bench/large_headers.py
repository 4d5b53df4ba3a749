"""Cold `llmsize estimate` on checkpoints with very large headers, as ratios to a small model folder.

Issue 15 ("every input gets an answer in under 2 s"): a valid safetensors header of 300,000 tensors
(about 20 MB; the format allows 100 MB) took 6-20 s, linear but slow, through a record per tensor.
Cases, each written fresh under a temporary folder:
  safetensors-300k   one model.safetensors holding 300,000 tensors
  sharded-2000       model.safetensors.index.json over 2,000 shards of 150 tensors each
  index-300k-missing an index naming 300,000 shards, none present (answered with a warning)
  gguf-vocab-1m      a GGUF whose tokenizer arrays hold 1,000,000 tokens, scores and types
  gguf-60k-tensors   a GGUF with 60,000 tensor records (the reader takes up to 65,536)
Each runs in a subprocess (cold, as a user runs it); printed: median wall seconds and the ratio to
the same command on a 1-tensor folder in the same rounds, so a busy machine compares alike.
Run: python bench/large_headers.py [--runs 3] [--case NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

CONFIG = {
    "model_type": "llama", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
    "num_attention_heads": 4, "num_key_value_heads": 4, "vocab_size": 128,
    "max_position_embeddings": 4096, "torch_dtype": "bfloat16",
}  # fmt: skip


def _safetensors(path: Path, names: list[str]) -> None:
    header = {n: {"dtype": "BF16", "shape": [64, 2], "data_offsets": [i * 256, i * 256 + 256]} for i, n in
              enumerate(names)}  # fmt: skip
    raw = json.dumps(header, separators=(",", ":")).encode()
    with path.open("wb") as fh:
        fh.write(struct.pack("<Q", len(raw)) + raw)
        fh.truncate(8 + len(raw) + 256 * len(names))  # sparse: the data is never read


def _folder(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "config.json").write_text(json.dumps(CONFIG))
    return root


def small(root: Path) -> Path:
    d = _folder(root)
    _safetensors(d / "model.safetensors", ["model.embed_tokens.weight"])
    return d


def safetensors_300k(root: Path) -> Path:
    d = _folder(root)
    names = [f"model.layers.{i // 4000}.mlp.experts.{i % 4000}.w" for i in range(300_000)]
    _safetensors(d / "model.safetensors", names)
    return d


def sharded_2000(root: Path) -> Path:
    d = _folder(root)
    weight_map = {}
    for s in range(2000):
        shard = f"model-{s + 1:05d}-of-02000.safetensors"
        names = [f"model.layers.{s}.experts.{e}.w" for e in range(150)]
        _safetensors(d / shard, names)
        weight_map |= dict.fromkeys(names, shard)
    (d / "model.safetensors.index.json").write_text(json.dumps({"weight_map": weight_map}))
    return d


def index_missing(root: Path) -> Path:
    d = _folder(root)
    weight_map = {f"t{i}": f"model-{i:06d}-of-300000.safetensors" for i in range(300_000)}
    (d / "model.safetensors.index.json").write_text(json.dumps({"weight_map": weight_map}))
    return d


def _gs(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def _gguf(path: Path, n_tensors: int, vocab: int) -> Path:
    kvs = [
        _gs("general.architecture") + struct.pack("<I", 8) + _gs("llama"),
        *(_gs(f"llama.{k}") + struct.pack("<II", 4, v) for k, v in (
            ("block_count", 2), ("embedding_length", 64), ("feed_forward_length", 128),
            ("attention.head_count", 4), ("attention.head_count_kv", 4), ("context_length", 4096),
            ("vocab_size", 128))),
        _gs("tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, vocab)
        + b"".join(_gs(f"tok{i}") for i in range(vocab)),
        _gs("tokenizer.ggml.scores") + struct.pack("<IIQ", 9, 6, vocab) + bytes(4 * vocab),
        _gs("tokenizer.ggml.token_type") + struct.pack("<IIQ", 9, 5, vocab) + bytes(4 * vocab),
    ]  # fmt: skip
    record = struct.Struct("<IQQIQ")  # n_dims, ne0, ne1, type F32, offset
    tensors = b"".join(_gs(f"blk.{i}.w") + record.pack(2, 64, 2, 0, i * 512) for i in range(n_tensors))
    head = b"GGUF" + struct.pack("<IQQ", 3, n_tensors, len(kvs)) + b"".join(kvs) + tensors
    with path.open("wb") as fh:
        fh.write(head)
        fh.truncate(len(head) + 32 + 512 * n_tensors)
    return path


def gguf_vocab(root: Path) -> Path:
    root.mkdir(parents=True)
    return _gguf(root / "m.gguf", 10, 1_000_000)


def gguf_tensors(root: Path) -> Path:
    root.mkdir(parents=True)
    return _gguf(root / "m.gguf", 60_000, 1000)


CASES: dict[str, Callable[[Path], Path]] = {
    "safetensors-300k": safetensors_300k,
    "sharded-2000": sharded_2000,
    "index-300k-missing": index_missing,
    "gguf-vocab-1m": gguf_vocab,
    "gguf-60k-tensors": gguf_tensors,
}


def _run(target: Path) -> tuple[float, int, str]:
    """Wall seconds, exit code and the last stderr line of one cold estimate."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "llmsize", "estimate", str(target)],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ | {"LLMSIZE_CACHE_DIR": str(target.parent)},
    )
    wall = time.perf_counter() - start
    return wall, done.returncode, (done.stderr.strip().splitlines() or [""])[-1][:100]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--case", choices=sorted(CASES), action="append")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = small(Path(tmp) / "small")
        print(f"{'case':20} {'median s':>9} {'ratio':>7} {'exit':>5}  note")
        for name in args.case or list(CASES):
            target = CASES[name](Path(tmp) / name)
            walls, small_walls, codes, note = [], [], set(), ""
            for _ in range(args.runs):
                small_walls.append(_run(base)[0])
                wall, code, note = _run(target)
                walls.append(wall)
                codes.add(code)
            ratio = statistics.median(walls) / statistics.median(small_walls)
            print(f"{name:20} {statistics.median(walls):9.2f} {ratio:7.1f} {sorted(codes)!s:>5}  {note}")


if __name__ == "__main__":
    main()
