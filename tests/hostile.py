"""Hostile inputs: names, config.json files, safetensors and GGUF headers, and CLI misuses.

Each is something a user (or a broken download) can hand to llmsize. The contract (issue 15) is
that every one gets a result or one clear line with exit code 2 -- never an internal error, a
hang or unbounded memory. `tests/cli/test_hostile_inputs.py` runs all of them plus a seeded
sample of generated names; `bench/fuzz.py` runs many more.
"""

from __future__ import annotations

import json
import random
import string
import struct
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

# Names: sizes that overflow or would build millions of layers, paths that are not paths, control
# characters, over-long names, option look-alikes.
NAMES: tuple[str, ...] = (
    "999999999999B",
    "Foo-10000000B",
    "Foo-99999x999999999999999B",
    "Foo-1e308B",
    "Foo-0B",
    "Foo-0.0000001B",
    "Foo-7B-A999B",
    "Foo-8x0B",
    "Foo-0x7B",
    "~nouser/x",
    "~",
    "a" * 300,
    "Qwen/" + "b" * 300,
    "Foo-7B-" + "x" * 5000,
    "foo\nbar-7B",
    "foo\x1b[31m-7B",
    "foo\x00bar",  # API only: argv cannot hold NUL
    "-7B",
    "--7B",
    ":7b",
    "7B",
    ".",
    "/",
    "/dev/null",
    "org/",
    "/org",
    "@main",
    "Qwen/Qwen2.5-7B@",
    "Qwen2.5-7B:" + "9" * 400,
    "Qwen2.5-7B-Instruct-Q4_K_M-Q8_0-GPTQ-AWQ-fp8",
    "llama3:99999999999999999999b",
    "Foo-7B-128k-" + "9" * 400 + "k",
    "Foo-7B-ctx" + "9" * 30,
    "\u202eFoo-7B",
    "Foo-7B\u200b",
)

_SIZE_FIELDS = (
    "num_hidden_layers",
    "hidden_size",
    "num_attention_heads",
    "num_key_value_heads",
    "intermediate_size",
    "vocab_size",
    "max_position_embeddings",
    "head_dim",
)


def llama_config(**overrides: Any) -> dict[str, Any]:
    """A small valid Llama config.json to break one field at a time."""
    cfg: dict[str, Any] = {
        "model_type": "llama",
        "architectures": ["LlamaForCausalLM"],
        "hidden_size": 256,
        "intermediate_size": 512,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "vocab_size": 1000,
        "max_position_embeddings": 2048,
        "torch_dtype": "bfloat16",
    }
    cfg.update(overrides)
    return cfg


def _moe(**overrides: Any) -> dict[str, Any]:
    cfg = llama_config(
        model_type="mixtral", architectures=["MixtralForCausalLM"], num_local_experts=4, num_experts_per_tok=2
    )
    cfg.update(overrides)
    return cfg


def config_texts() -> Iterator[tuple[str, str]]:
    """(label, config.json text) pairs."""
    for field in _SIZE_FIELDS:
        for bad in (0, -1, 1e308, 1e12, 2**62, 1.5, "12", None, [4], {"a": 1}, True):
            yield f"{field}={bad!r}", json.dumps(llama_config(**{field: bad}))
        yield f"{field}=Infinity", json.dumps(llama_config(**{field: float("inf")}))
        yield f"{field}=NaN", json.dumps(llama_config(**{field: float("nan")}))
        yield f"{field}=bigint", json.dumps(llama_config()).replace("}", f', "{field}": {"9" * 5000}}}')
    yield "experts_per_tok>experts", json.dumps(_moe(num_experts_per_tok=8))
    yield "experts=1e9", json.dumps(_moe(num_local_experts=10**9))
    yield "experts=Infinity", json.dumps(_moe(num_local_experts=float("inf")))
    yield "model_type=list", json.dumps(llama_config(model_type=["llama"]))
    yield "text_config=1", json.dumps({"model_type": "llava", "text_config": 1})
    yield "quantization_config=list", json.dumps(llama_config(quantization_config=[1]))
    yield (
        "quantization bits=1e308",
        json.dumps(
            llama_config(quantization_config={"quant_method": "gptq", "bits": 1e308, "group_size": 128})
        ),
    )
    yield (
        "quantization group=0",
        json.dumps(llama_config(quantization_config={"quant_method": "gptq", "bits": 4, "group_size": 0})),
    )
    yield "layer_types=str", json.dumps(llama_config(layer_types="full_attention"))
    yield (
        "sliding_window=-1",
        json.dumps(llama_config(sliding_window=-1, layer_types=["sliding_attention"] * 2)),
    )
    yield "deep nesting", '{"a":' * 100_000 + "1" + "}" * 100_000
    yield "deep text_config", '{"model_type": "llava", "text_config": ' + "[" * 50_000 + "]" * 50_000 + "}"
    yield "not an object", "[1, 2, 3]"
    yield "empty", ""
    yield "binary", "\x00\x01\x02"


def _safetensors(header: Any, pad: int = 0) -> bytes:
    raw = json.dumps(header).encode() if not isinstance(header, bytes) else header
    return struct.pack("<Q", len(raw)) + raw + bytes(pad)


def safetensors_blobs() -> Iterator[tuple[str, bytes]]:
    """(label, model.safetensors bytes) pairs, each beside a valid llama_config()."""
    ok = {"dtype": "BF16", "shape": [2, 2], "data_offsets": [0, 8]}
    yield "string shape", _safetensors({"w": {**ok, "shape": "2,2"}}, 8)
    yield "string in shape", _safetensors({"w": {**ok, "shape": ["2", 2]}}, 8)
    yield "string offsets", _safetensors({"w": {**ok, "data_offsets": ["0", "8"]}}, 8)
    yield "reversed offsets", _safetensors({"w": {**ok, "data_offsets": [8, 0]}}, 8)
    yield "negative shape", _safetensors({"w": {**ok, "shape": [-2, 2]}}, 8)
    yield "float shape", _safetensors({"w": {**ok, "shape": [2.5, 2]}}, 8)
    yield "huge shape", _safetensors({"w": {**ok, "shape": [2**62, 2**62]}}, 8)
    yield "huge offsets", _safetensors({"w": {**ok, "data_offsets": [0, 2**63]}}, 8)
    yield "bool shape", _safetensors({"w": {**ok, "shape": [True, 2]}}, 8)
    yield "null dtype", _safetensors({"w": {**ok, "dtype": None}}, 8)
    yield "metadata not strings", _safetensors({"__metadata__": {"a": [1]}, "w": ok}, 8)
    yield "deep nesting", _safetensors(b'{"w":' + b"[" * 100_000 + b"]" * 100_000 + b"}", 8)
    yield "header length huge", struct.pack("<Q", 2**63) + b"{}"
    yield "not json", _safetensors(b"\xff\xfe not json", 8)


def _gguf_string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def _gguf_kv(key: str, vtype: int, payload: bytes) -> bytes:
    return _gguf_string(key) + struct.pack("<I", vtype) + payload


_U32, _I32, _F32, _BOOL, _STR, _ARR, _U64 = 4, 5, 6, 7, 8, 9, 10


def gguf_bytes(kvs: list[bytes], n_tensors: int = 0, tensors: bytes = b"") -> bytes:
    """A GGUF v3 header (little endian) with the given key/value records."""
    head = b"GGUF" + struct.pack("<I", 3) + struct.pack("<QQ", n_tensors, len(kvs))
    return head + b"".join(kvs) + tensors + bytes(64)


def _llama_kvs(**override: bytes) -> list[bytes]:
    base = {
        "general.architecture": (_STR, _gguf_string("llama")),
        "llama.block_count": (_U32, struct.pack("<I", 2)),
        "llama.embedding_length": (_U32, struct.pack("<I", 256)),
        "llama.feed_forward_length": (_U32, struct.pack("<I", 512)),
        "llama.attention.head_count": (_U32, struct.pack("<I", 4)),
        "llama.attention.head_count_kv": (_U32, struct.pack("<I", 2)),
        "llama.context_length": (_U32, struct.pack("<I", 2048)),
    }
    out = []
    for key, (vtype, payload) in base.items():
        if key in override:
            continue
        out.append(_gguf_kv(key, vtype, payload))
    for key, record in override.items():
        out.append(_gguf_string(key) + record)
    return out


def gguf_blobs() -> Iterator[tuple[str, bytes]]:
    """(label, .gguf bytes) pairs."""
    yield (
        "alignment string",
        gguf_bytes(_llama_kvs(**{"general.alignment": struct.pack("<I", _STR) + _gguf_string("x")})),
    )
    yield "alignment zero", gguf_bytes(_llama_kvs(**{"general.alignment": struct.pack("<II", _U32, 0)}))
    yield (
        "split.count string",
        gguf_bytes(_llama_kvs(**{"split.count": struct.pack("<I", _STR) + _gguf_string("2")})),
    )
    yield "split.count huge", gguf_bytes(_llama_kvs(**{"split.count": struct.pack("<IQ", _U64, 2**40)}))
    yield "block_count 2^40", gguf_bytes(_llama_kvs(**{"llama.block_count": struct.pack("<IQ", _U64, 2**40)}))
    yield (
        "block_count string",
        gguf_bytes(_llama_kvs(**{"llama.block_count": struct.pack("<I", _STR) + _gguf_string("2")})),
    )
    yield (
        "head_count 0",
        gguf_bytes(_llama_kvs(**{"llama.attention.head_count": struct.pack("<II", _U32, 0)})),
    )
    yield (
        "embedding float",
        gguf_bytes(_llama_kvs(**{"llama.embedding_length": struct.pack("<If", _F32, 1e38)})),
    )
    nested = struct.pack("<IIQ", _ARR, _ARR, 1) * 20_000 + struct.pack("<IQ", _U32, 0)
    yield "deep nested arrays", gguf_bytes(_llama_kvs(**{"x.nested": nested}))
    yield "architecture int", gguf_bytes(_llama_kvs(**{"general.architecture": struct.pack("<II", _U32, 1)}))
    yield "no architecture", gguf_bytes([])
    yield (
        "tensor dims huge",
        gguf_bytes(
            _llama_kvs(),
            1,
            _gguf_string("token_embd.weight")
            + struct.pack("<I", 2)
            + struct.pack("<QQ", 2**62, 2**62)
            + struct.pack("<IQ", 0, 0),
        ),
    )
    yield (
        "tensor type unknown",
        gguf_bytes(
            _llama_kvs(),
            1,
            _gguf_string("token_embd.weight")
            + struct.pack("<I", 2)
            + struct.pack("<QQ", 256, 1000)
            + struct.pack("<IQ", 9999, 0),
        ),
    )


Case = tuple[str, Any]  # (label, config.json text or a file's bytes)


def write_model_dirs(
    root: Path,
    configs: Iterable[Case] | None = None,
    safetensors: Iterable[Case] | None = None,
    ggufs: Iterable[Case] | None = None,
    prefix: str = "",
) -> Iterator[tuple[str, Path]]:
    """Write config, safetensors and GGUF cases under `root` (this module's own by default; a later
    round passes its sets and a prefix to keep the names apart); yield (label, path)."""
    for i, (label, text) in enumerate(config_texts() if configs is None else configs):
        d = root / f"{prefix}cfg{i}"
        d.mkdir()
        (d / "config.json").write_text(text, encoding="utf-8")
        yield f"config.json {label}", d
    for i, (label, blob) in enumerate(safetensors_blobs() if safetensors is None else safetensors):
        d = root / f"{prefix}st{i}"
        d.mkdir()
        (d / "config.json").write_text(json.dumps(llama_config()), encoding="utf-8")
        (d / "model.safetensors").write_bytes(blob)
        yield f"safetensors {label}", d
    for i, (label, blob) in enumerate(gguf_blobs() if ggufs is None else ggufs):
        path = root / f"{prefix}g{i}.gguf"
        path.write_bytes(blob)
        yield f"gguf {label}", path


def cli_misuses(tmp: Path) -> Iterator[list[str]]:
    """argv lists (after `llmsize`) that must end in a result or exit 2."""
    m = "Qwen2.5-0.5B"
    yield ["estimate", m, "--num-gpus", "1000000000", "--gpu", "H100"]
    yield ["estimate", m, "--num-gpus", "-1"]
    yield ["estimate", m, "--context", "999999999999999999999"]
    yield ["estimate", m, "--context", "1e309"]
    yield ["estimate", m, "--batch", "10000000000000"]
    yield ["estimate", m, "--mode", "full", "--engine", "llama.cpp"]
    yield ["estimate", m, "--mode", "lora", "--engine", "vllm"]
    yield ["estimate", m, "--gpu", ""]
    yield ["estimate", m, "--gpu", "\x1b[31m"]
    yield ["estimate", m, "--mode", "lora", "--lora-rank", "1000000000"]
    yield ["estimate", m, "--mode", "lora", "--lora-rank", "0"]
    yield ["estimate", m, "-o", str(tmp / ("x" * 300 + ".yaml"))]
    yield ["estimate", m, "-o", str(tmp / "missing-dir" / "a.yaml")]
    yield ["fit", m, "--gpu", "H100", "--num-gpus", "1000000000"]
    yield ["gpus", "--min-memory", "1e309B"]
    yield ["gpus", "--min-memory", "-1GB"]
    yield ["gpus", "--min-memory", "nan"]
    yield ["gpus", "--min-memory", "9" * 5000]
    yield ["report", "show", "/dev/zero"]
    yield ["report", "show", str(tmp)]
    deep = tmp / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    yield ["report", "show", str(deep)]
    big = tmp / "bigint.json"
    big.write_text('{"schema_version": ' + "9" * 5000 + "}")
    yield ["report", "show", str(big)]
    yaml_deep = tmp / "deep.yaml"
    yaml_deep.write_text("a: " + "[" * 10_000 + "]" * 10_000)
    yield ["report", "show", str(yaml_deep)]
    gpu_file = tmp / "gpus.yaml"
    gpu_file.write_text("gpus:\n  - id: x\n    memory_gib: lots\n")
    yield ["estimate", m, "--gpu-file", str(gpu_file), "--gpu", "x"]
    yield ["fit", m, "--gpu-file", str(tmp / "nope.yaml"), "--gpu", "x"]
    yield from audit_misuses(tmp)


_BIG = "9" * 400  # parsed through float() it overflowed to inf
_BOMB = "".join(  # nine aliases of nine aliases ...: a few hundred bytes that expand to 9^9 values
    f"{name}: &{name} [{', '.join([f'*{prev}' if prev else 'x'] * 9)}]\n"
    for prev, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)


def audit_misuses(tmp: Path) -> Iterator[list[str]]:
    """The second audit's findings (issue 15): each ended in an internal error or ran for minutes."""
    m = "Qwen2.5-0.5B"
    yield ["estimate", m, "--context", _BIG]
    yield ["estimate", m, "--prompt-tokens", _BIG]
    yield ["estimate", m, "--batch", _BIG]
    yield ["estimate", m, "--pp", "2147483648"]
    yield ["estimate", m, "--engine", "vllm", "--gpu", "H100", "--kv-cache-memory", _BIG]
    yield ["estimate", m, "--engine", "vllm", "--gpu", "H100", "--max-num-batched-tokens", _BIG]
    yield ["estimate", m, "--gpu", "H100", "--concurrency", _BIG]
    yield ["estimate", m, "--gpu", "H100", "--concurrency", ",".join(["1"] * 5000)]
    yield ["estimate", m, "--mode", "full", "--loss", "chunked", "--loss-chunks", "2147483648"]
    yield ["explain", m, "--num-gpus", "1000000000"]
    yield ["measure", m, "--layers", "1", "--batch", "1099511627776"]  # torch: storage size overflowed
    yield [
        "fit",
        m,
        "--gpu",
        "H100",
        "--prompt-tokens",
        "500",
        "--output-tokens",
        "400",
        "--turns",
        "2147483648",
    ]
    yield ["fit", m, "--gpu", "H100", "--price-per-hour", "0"]
    yield ["compare", m, "--gpus", "H100", "--price-per-hour", "1e18"]  # past the catalog's Price bound
    yield [
        "check",
        "--gpu",
        "H100",
        "--",
        "vllm",
        "serve",
        "Qwen/Qwen2.5-0.5B",
        "--dtype",
        "5\n",
    ]  # was taken as auto
    yield ["compare", m, "--gpus", "H100,L40S", "--tp", "5"]
    yield ["models", "--min-params", _BIG]
    yield ["estimate", "CodeLlama-70B", "--engine", "llama.cpp", "--quant", "Q4_K_M", "--num-gpus", "4096"]
    yield [
        "fit",
        "CodeLlama-70B",
        "--gpu",
        "M3-Max-128GB",
        "--engine",
        "ollama",
        "--pp",
        "2",
        "--num-gpus",
        "4096",
    ]
    yield ["plan", m, "--gpu", "H100", "--emit", "5\n"]
    yield ["check", "--gpu", "H100", "--", "\x01"]
    yield ["check", "--gpu", "H100", "--", "vllm", "serve", "Qwen/Qwen2.5-0.5B", "--max-model-len", _BIG]
    yield ["check", "--gpu", "H100", "--", "vllm", "serve", "Qwen/Qwen2.5-0.5B", "--kv-cache-memory", _BIG]
    yield ["check", "--gpu", "RTX-4090", "--", "llama-server", "-m", "Qwen3-8B-Q4_K_M.gguf", "-ngl", "x"]
    yield ["check", "--gpu", "RTX-4090", "--", "llama-server", "-m", "Qwen3-8B-Q4_K_M.gguf", "-c", _BIG]
    yield [
        "check",
        "--gpu",
        "RTX-3090",
        "--env",
        f"OLLAMA_CONTEXT_LENGTH={_BIG}",
        "--",
        "ollama",
        "run",
        "qwen3:8b",
    ]
    yield [
        "check",
        "--gpu",
        "H100",
        "--",
        "python",
        "-m",
        "sglang.launch_server",
        "--model-path",
        "Qwen/Qwen2.5-0.5B",
        "--context-length",
        _BIG,
    ]
    for name, text in (("bomb.yaml", _BOMB), ("self.yaml", "a: &a [*a]\n")):
        path = tmp / name
        path.write_text(text)
        yield ["gpus", "--gpu-file", str(path)]
        yield ["report", "show", str(path)]
        yield ["check", "--gpu", "H100", str(path)]
    for i, (field, value) in enumerate((("size", "1.0e+308"), ("size", ".inf"), ("bf16", "1.0e+308"))):
        gpu = tmp / f"gpu-figure{i}.yaml"  # OverflowError, or Infinity in the JSON
        gpu.write_text(
            "gpus:\n  - {id: X1, name: X, vendor: nvidia, bandwidth_gb_s: 1000, dtypes: [bf16],\n"
            "     source: https://example.com/x,\n"
            f"     memory: {{size: {value if field == 'size' else 24}}},\n"
            f"     tflops: {{bf16: {value if field == 'bf16' else 100}}}}}\n"
        )
        yield ["fit", m, "--gpu-file", str(gpu), "--gpu", "X1", "--format", "json"]
    train = tmp / "train.json"
    train.write_text('{"model_name_or_path": ' + "9" * 5000 + "}")
    yield ["check", "--gpu", "H100", str(train)]
    for i, extra in enumerate(
        ({"quantization_bit": "x"}, {"quantization_bit": 1e308 * 10}, {"deepspeed": "d" * 5000})
    ):
        llama_factory = {"model_name_or_path": "Qwen/Qwen2.5-0.5B", "finetuning_type": "lora", **extra}
        path = tmp / f"llamafactory{i}.json"
        path.write_text(json.dumps(llama_factory))  # int() of it was an internal error; the long name OSError
        yield ["check", "--gpu", "H100", str(path)]
    yield from _pipes(tmp)


def _pipes(tmp: Path) -> Iterator[list[str]]:
    """Named pipes with no writer where a model file is read: open() blocked for ever."""
    import os

    if not hasattr(os, "mkfifo"):
        return
    shard = tmp / "fifo-shard"
    shard.mkdir()
    (shard / "config.json").write_text(json.dumps(llama_config()))
    os.mkfifo(shard / "model.safetensors")
    yield ["estimate", str(shard)]
    os.mkfifo(tmp / "fifo.gguf")
    yield ["estimate", str(tmp / "fifo.gguf")]
    os.mkfifo(tmp / "config.json")
    yield ["estimate", str(tmp / "config.json")]
    os.mkfifo(tmp / "fifo-report.yaml")
    yield ["report", "show", str(tmp / "fifo-report.yaml")]


def random_names(seed: int, n: int) -> list[str]:
    """Names assembled from the parts real names use, with junk mixed in (seeded, reproducible)."""
    rng = random.Random(seed)
    parts = [
        "Qwen2.5",
        "Llama-3.1",
        "Mixtral",
        "gemma-2",
        "deepseek-r1",
        "Foo",
        "7B",
        "70B",
        "8x7B",
        "A3B",
        "Instruct",
        "it",
        "GPTQ",
        "Int4",
        "AWQ",
        "Q4_K_M",
        "gguf",
        "fp8",
        "nvfp4",
        "w4a16",
        "128k",
        "v0.1",
        ":7b",
        "bnb-4bit",
        "999999999B",
        "0B",
        "1e9B",
        "-",
        "--",
        "/",
        "@",
        "~",
        ".",
        "..",
        "x" * 40,
    ]
    junk = string.ascii_letters + string.digits + "-_.:/@~+ "
    out = []
    for _ in range(n):
        k = rng.randint(1, 5)
        words = [rng.choice(parts) for _ in range(k)]
        if rng.random() < 0.3:
            words.append("".join(rng.choice(junk) for _ in range(rng.randint(1, 12))))
        out.append(rng.choice(["-", "", "_", ":"]).join(words))
    return out


Runner = Callable[[list[str]], tuple[int, str, str]]


def assert_estimate_refused(args: list[str], says: str, err_text: Callable[[], str]) -> None:
    """`llmsize estimate ARGS` ends with exit 2 and one line (two with typer's usage) naming `says`.

    `err_text` returns what the run printed on stderr (e.g. `lambda: capsys.readouterr().err`); the
    one-line-and-exit-2 rule of issue 15, shared by the tests of each input option.
    """
    import pytest

    import llmsize.cli

    with pytest.raises(SystemExit) as exc:
        llmsize.cli.main(["estimate", *args])
    assert exc.value.code == 2
    err = err_text().strip()
    assert says in err and "Traceback" not in err
    assert len(err.splitlines()) <= 2


def seeded_sample(cases: list[list[str]], n: int, seed: int) -> list[list[str]]:
    """A seeded sample of `cases`: a round's CI subset (its bench/fuzz_roundN.py runs them all). Each round
    module binds its own seed (`sample = partial(seeded_sample, seed=N)`), so a sample never changes."""
    import random

    return random.Random(seed).sample(cases, min(n, len(cases)))
