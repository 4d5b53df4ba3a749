"""The third hostile round (issue 15: "I will try inputs beyond this list"): input classes the first
two audits (tests/hostile.py, tests/hostile_options.py) did not try.

- config.json: duplicate keys, a byte-order mark, UTF-16, NaN / booleans / 4096.0 / 4096.5 /
  zero / negative in every numeric field, per-layer lists (layer_types, mlp_only_layers, MoE
  patterns) of the wrong length or element type, text_config inside text_config;
- model folders: a symlink loop, a config.json that is a folder, a FIFO or a dangling link;
- GGUF: truncated tensor records, no tensors, five dimensions, a tensor or key given twice,
  an array of arrays, a million tensors claimed;
- reports for `report show` / `report diff` with wrong, missing or huge schema versions;
- --gpu-file with a GPU twice, zero bandwidth, NaN memory;
- --output into a folder, /dev/full, an existing file without --force;
- option values (NaN, 1e-320, '٣', tabs, '--' separators, repeated options, another command's
  options) and the environment variables llmsize reads.
Each must end in a result or one clear line with exit 2, quickly and in bounded memory.
"""

from __future__ import annotations

import contextlib
import json
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hostile import gguf_bytes, llama_config

_NUMERIC_FIELDS = (
    "num_hidden_layers",
    "hidden_size",
    "num_attention_heads",
    "num_key_value_heads",
    "intermediate_size",
    "vocab_size",
    "max_position_embeddings",
    "head_dim",
    "rope_theta",
    "rms_norm_eps",
    "sliding_window",
)
# Each as JSON text: NaN and Infinity are what Python's json writes for float('nan') / inf.
_NUMBER_TEXTS = ("NaN", "-Infinity", "true", "false", "4096.0", "4096.5", "0", "-1", "-0", "1e-320", "0.0")


def _with_raw(field: str, raw: str, base: dict[str, Any] | None = None) -> str:
    text = json.dumps(base or llama_config())
    return text[:-1] + f', "{field}": {raw}}}'


def _moe(**extra: Any) -> dict[str, Any]:
    base = {"model_type": "qwen3_moe", "architectures": ["Qwen3MoeForCausalLM"], "num_experts": 4,
            "num_experts_per_tok": 2, "moe_intermediate_size": 128}  # fmt: skip
    return llama_config(**(base | extra))


def config_texts() -> Iterator[tuple[str, str]]:
    """(label, config.json text) pairs of this round."""
    for field in _NUMERIC_FIELDS:
        for raw in _NUMBER_TEXTS:
            yield f"{field}={raw}", _with_raw(field, raw)
    for model_type in ("mistral", "gemma2", "gemma3_text", "qwen2"):
        windowed = llama_config(model_type=model_type, sliding_window=128, use_sliding_window=True)
        for raw in _NUMBER_TEXTS:
            yield f"{model_type} sliding_window={raw}", _with_raw("sliding_window", raw, windowed)
        kinds = ["sliding_attention", "full_attention"]
        wrong = {
            "short": kinds[:1], "long": kinds * 50_000, "ints": [0, 1], "nulls": [None] * 2,
            "unknown": ["quantum"] * 2, "nested": [kinds, kinds], "string": "sliding",
        }  # fmt: skip
        for label, value in wrong.items():
            yield f"{model_type} layer_types {label}", json.dumps({**windowed, "layer_types": value})
    yield "duplicate keys", json.dumps(llama_config())[:-1] + ', "hidden_size": 0, "hidden_size": 256}'
    yield "duplicate keys, last bad", json.dumps(llama_config())[:-1] + ', "hidden_size": -5}'
    yield "layer_types short", json.dumps(llama_config(layer_types=["full_attention"]))
    yield "layer_types long", json.dumps(llama_config(layer_types=["full_attention"] * 100_000))
    yield "layer_types ints", json.dumps(llama_config(layer_types=[1, 2]))
    yield "layer_types nulls", json.dumps(llama_config(layer_types=[None, None]))
    yield "layer_types unknown", json.dumps(llama_config(layer_types=["quantum", "full_attention"]))
    yield "layer_types nested", json.dumps(llama_config(layer_types=[["full_attention"], ["x"]]))
    yield "mlp_only_layers out of range", json.dumps(_moe(mlp_only_layers=[5, -1, 10**12]))
    yield "mlp_only_layers strings", json.dumps(_moe(mlp_only_layers=["0"]))
    yield "mlp_only_layers bools", json.dumps(_moe(mlp_only_layers=[True]))
    yield "mlp_only_layers dict", json.dumps(_moe(mlp_only_layers={"0": 1}))
    yield "decoder_sparse_step 0", json.dumps(_moe(decoder_sparse_step=0))
    yield "decoder_sparse_step -1", json.dumps(_moe(decoder_sparse_step=-1))
    yield "decoder_sparse_step NaN", _with_raw("decoder_sparse_step", "NaN", _moe())
    yield "num_experts true", json.dumps(_moe(num_experts=True))
    yield "num_experts 4.5", json.dumps(_moe(num_experts=4.5))
    yield "experts_per_tok 0", json.dumps(_moe(num_experts_per_tok=0))
    yield "moe_intermediate_size NaN", _with_raw("moe_intermediate_size", "NaN", _moe())
    nested: dict[str, Any] = llama_config()
    for _ in range(50):
        nested = {"model_type": "llava", "text_config": nested}
    yield "text_config in text_config x50", json.dumps(nested)
    yield "text_config self-typed", json.dumps({"model_type": "llava", "text_config": {"text_config": {}}})
    yield "text_config list", json.dumps({"model_type": "llava", "text_config": [llama_config()]})
    yield "vision_config tiny", json.dumps(llama_config(model_type="llava", vision_config={"hidden_size": 1}))
    yield "rope_scaling junk", json.dumps(llama_config(rope_scaling={"type": "yarn", "factor": "x"}))
    yield "rope_scaling NaN factor", _with_raw("rope_scaling", '{"rope_type": "yarn", "factor": NaN}')
    yield "torch_dtype junk", json.dumps(llama_config(torch_dtype="float1024"))
    yield "torch_dtype list", json.dumps(llama_config(torch_dtype=["bfloat16"]))
    yield "tie_word_embeddings string", json.dumps(llama_config(tie_word_embeddings="no"))
    yield "architectures 10^5", json.dumps(llama_config(architectures=["X"] * 100_000))


def config_blobs() -> Iterator[tuple[str, bytes]]:
    """(label, config.json bytes) in encodings a tool might write."""
    text = json.dumps(llama_config())
    yield "utf-8 BOM", b"\xef\xbb\xbf" + text.encode()
    yield "utf-16", text.encode("utf-16")
    yield "utf-16-le no BOM", text.encode("utf-16-le")
    yield "utf-32", text.encode("utf-32")
    yield "latin-1 name", json.dumps(llama_config(_name_or_path="caf\xe9")).encode("latin-1")
    yield "trailing garbage", text.encode() + b"\x00\x00"
    yield "two objects", (text + text).encode()


def _gs(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def _kvs() -> list[bytes]:
    out = [_gs("general.architecture") + struct.pack("<I", 8) + _gs("llama")]
    for key, value in (("block_count", 2), ("embedding_length", 256), ("feed_forward_length", 512),
                       ("attention.head_count", 4), ("attention.head_count_kv", 2), ("context_length", 2048),
                       ("vocab_size", 1000)):  # fmt: skip
        out.append(_gs(f"llama.{key}") + struct.pack("<II", 4, value))
    return out


def _tensor(name: str, dims: tuple[int, ...], ggml_type: int = 0, offset: int = 0) -> bytes:
    return _gs(name) + struct.pack(f"<I{len(dims)}QIQ", len(dims), *dims, ggml_type, offset)


def gguf_blobs() -> Iterator[tuple[str, bytes]]:
    """(label, .gguf bytes) of this round."""
    one = _tensor("token_embd.weight", (256, 1000))
    yield "zero tensors", gguf_bytes(_kvs())
    yield "truncated tensor record", gguf_bytes(_kvs(), 1, one[:-5])[:-64]
    yield "tensor count past the records", gguf_bytes(_kvs(), 3, one)[:-64]
    yield "five dimensions", gguf_bytes(_kvs(), 1, _tensor("token_embd.weight", (256, 2, 2, 2, 2)))
    yield "n_dims 2^32-1", gguf_bytes(_kvs(), 1, _gs("w") + struct.pack("<I", 2**32 - 1) + bytes(64))
    yield "tensor twice", gguf_bytes(_kvs(), 2, one + one)
    yield "key twice", gguf_bytes([*_kvs(), _kvs()[1]])
    yield "array of arrays", gguf_bytes([*_kvs(), _gs("x.a") + struct.pack("<IIQ", 9, 9, 3) + bytes(36)])
    yield "array of 2^40 arrays", gguf_bytes([*_kvs(), _gs("x.a") + struct.pack("<IIQ", 9, 9, 2**40)])
    yield "million tensors claimed", b"GGUF" + struct.pack("<IQQ", 3, 1_000_000, 0) + bytes(2_000_000)
    yield "million keys claimed", b"GGUF" + struct.pack("<IQQ", 3, 0, 1_000_000) + bytes(2_000_000)
    yield "name 2^63 long", gguf_bytes(_kvs(), 1, struct.pack("<Q", 2**63) + bytes(32))
    yield "tensor name with escapes", gguf_bytes(_kvs(), 1, _tensor("\x1b[31mx\n", (256, 1000), 9999))
    yield "offset past the file", gguf_bytes(_kvs(), 1, _tensor("token_embd.weight", (256, 1000), 0, 2**62))
    yield "dims of 2^63", gguf_bytes(_kvs(), 1, _tensor("token_embd.weight", (2**63, 2**63)))
    yield "version 4", b"GGUF" + struct.pack("<IQQ", 4, 0, 0) + bytes(64)
    yield "big-endian", b"GGUF" + struct.pack(">IQQ", 3, 0, 0) + bytes(64)


def write_model_dirs(root: Path) -> Iterator[tuple[str, Path]]:
    """Write every case of this round under `root`; yield (label, path to pass to `estimate`)."""
    for i, (label, text) in enumerate(config_texts()):
        d = root / f"r3cfg{i}"
        d.mkdir()
        (d / "config.json").write_text(text, encoding="utf-8")
        yield f"config.json {label}", d
    for i, (label, blob) in enumerate(config_blobs()):
        d = root / f"r3enc{i}"
        d.mkdir()
        (d / "config.json").write_bytes(blob)
        yield f"config.json {label}", d
    for i, (label, blob) in enumerate(gguf_blobs()):
        path = root / f"r3g{i}.gguf"
        path.write_bytes(blob)
        yield f"gguf {label}", path
    yield from _odd_folders(root)


def _odd_folders(root: Path) -> Iterator[tuple[str, Path]]:
    loop = root / "r3loop"
    loop.symlink_to(loop)
    yield "folder: a symlink to itself", loop
    a, b = root / "r3a", root / "r3b"
    a.symlink_to(b)
    b.symlink_to(a)
    yield "folder: two symlinks to each other", a
    d = root / "r3cfgdir"
    (d / "config.json").mkdir(parents=True)
    yield "folder: config.json is a folder", d
    yield "config.json that is a folder", d / "config.json"
    d = root / "r3dangling"
    d.mkdir()
    (d / "config.json").symlink_to(root / "nowhere.json")
    yield "folder: config.json a dangling link", d
    d = root / "r3cfgloop"
    d.mkdir()
    (d / "config.json").symlink_to(d / "config.json")
    yield "folder: config.json a link to itself", d
    d = root / "r3shards-dir"
    d.mkdir()
    (d / "config.json").write_text(json.dumps(llama_config()))
    (d / "model.safetensors").mkdir()
    yield "folder: model.safetensors is a folder", d
    d = root / "r3index-dir"
    d.mkdir()
    (d / "config.json").write_text(json.dumps(llama_config()))
    (d / "model.safetensors.index.json").mkdir()
    yield "folder: the shard index is a folder", d
    if hasattr(os, "mkfifo"):
        d = root / "r3index-fifo"
        d.mkdir()
        (d / "config.json").write_text(json.dumps(llama_config()))
        os.mkfifo(d / "model.safetensors.index.json")
        yield "folder: the shard index is a FIFO", d
        d = root / "r3fifo"
        d.mkdir()
        os.mkfifo(d / "config.json")
        yield "folder: config.json is a FIFO", d


_M = "Qwen2.5-0.5B"


def _report_docs(tmp: Path) -> Iterator[Path]:
    """Saved reports with their schema_version broken in every way."""
    from llmsize.cli import main

    saved = tmp / "r3-good.json"
    with contextlib.suppress(SystemExit):
        main(["estimate", _M, "-o", str(saved)])
    doc = json.loads(saved.read_text())
    for i, version in enumerate((None, 0, -1, 999, "1", "x", 1.5, True, [1], 10**30, float("nan"))):
        path = tmp / f"r3-version{i}.json"
        edited = {**doc, "schema_version": version} if version is not None else {
            k: v for k, v in doc.items() if k != "schema_version"
        }  # fmt: skip
        path.write_text(json.dumps(edited))
        yield path
    for i, (section, key, value) in enumerate(REPORT_EDITS):
        path = tmp / f"r3-edit{i}.json"
        path.write_text(json.dumps({**doc, section: _edited(doc[section], key, value)}))
        yield path
    yield saved


# Hand edits of a saved report: booleans where numbers belong, escapes where text is printed.
REPORT_EDITS: tuple[tuple[str, str | int, Any], ...] = (
    ("model", "params", True),
    ("workload", "batch", True),
    ("model", "active_params", True),
    ("model", "name", "\x1b[2Jx"),
    ("assumptions", 0, "\x1b[31mred"),
    ("warnings", 0, "line\nbreak"),
)


def _edited(section: Any, key: str | int, value: Any) -> Any:
    if isinstance(section, list):
        return [value, *section[1:]]
    return {**section, key: value}


def misuses(tmp: Path) -> Iterator[list[str]]:
    """argv lists of this round (after `llmsize`)."""
    reports = list(_report_docs(tmp))
    good = reports[-1]
    for path in reports[:-1]:
        yield ["report", "show", str(path)]
        yield ["report", "diff", str(good), str(path)]
    yield ["report", "diff", str(good), str(good)]
    yield ["report", "diff", str(good)]
    yield from _gpu_files(tmp)
    yield from _outputs(tmp)
    yield from _option_forms()


def _gpu_file(tmp: Path, name: str, body: str) -> Path:
    path = tmp / name
    path.write_text(body)
    return path


_GPU = (
    "  - {{id: {id}, name: X, vendor: nvidia, bandwidth_gb_s: {bw}, dtypes: [bf16],\n"
    "     source: https://example.com/x, memory: {{size: {mem}}}, tflops: {{bf16: 100}}}}\n"
)


def _gpu_files(tmp: Path) -> Iterator[list[str]]:
    cases = {
        "twice": _GPU.format(id="X1", bw=1000, mem=24) * 2,
        "bandwidth 0": _GPU.format(id="X1", bw=0, mem=24),
        "bandwidth -1": _GPU.format(id="X1", bw=-1, mem=24),
        "memory nan": _GPU.format(id="X1", bw=1000, mem=".nan"),
        "memory 0": _GPU.format(id="X1", bw=1000, mem=0),
        "memory 1e-320": _GPU.format(id="X1", bw=1000, mem="1e-320"),
        "id H100": _GPU.format(id="H100", bw=1000, mem=24),
        "id empty": _GPU.format(id="''", bw=1000, mem=24),
        "id escape": _GPU.format(id='"\\e[31m"', bw=1000, mem=24),
        "id number": _GPU.format(id=5, bw=1000, mem=24),
    }
    for i, (_label, body) in enumerate(cases.items()):
        path = _gpu_file(tmp, f"r3gpu{i}.yaml", "gpus:\n" + body)
        yield ["fit", _M, "--gpu-file", str(path), "--gpu", "X1"]
        yield ["gpus", "--gpu-file", str(path)]
    for i, text in enumerate(("gpus: []\n", "gpus: 5\n", "[]\n", "", "gpus:\n  - 5\n", "\ufeffgpus: []\n")):
        path = _gpu_file(tmp, f"r3gpu-shape{i}.yaml", text)
        yield ["gpus", "--gpu-file", str(path)]
    yield ["fit", _M, "--gpu-file", str(tmp), "--gpu", "X1"]
    yield ["gpus", "--gpu-file", "/dev/zero"]


def _outputs(tmp: Path) -> Iterator[list[str]]:
    existing = tmp / "r3-existing.json"
    existing.write_text("{}")
    folder = tmp / "r3-out.json"
    folder.mkdir()
    for target in (str(tmp), str(folder), "/dev/full", str(existing), "/dev/null", str(tmp / ".json"),
                   str(tmp / "x.JSON"), str(tmp / "x.html.json"), str(tmp / "\x1b.yaml"),
                   str(tmp / "missing" / "deeper" / "x.yaml"), "", "-"):  # fmt: skip
        yield ["estimate", _M, "--output", target]
    yield ["estimate", _M, "--output", "/dev/full", "--force"]
    yield ["estimate", _M, "--output", str(folder), "--force"]


def _option_forms() -> Iterator[list[str]]:
    """Option values in forms the first rounds did not use, and options in odd places."""
    forms = ("NaN", "-0.0", "1e-320", "\u0663", "\t5", "5\t", "\u00a05", "1e3", "0b11", "+inf", "\u221e")
    for value in forms:
        yield ["estimate", _M, "--context", value]
        yield ["estimate", _M, "--batch", value]
        yield ["fit", _M, "--gpu", "H100", "--num-gpus", value]
        yield ["gpus", "--min-memory", value]
        yield ["estimate", _M, "--mode", "lora", "--lora-rank", value]
        yield ["estimate", _M, "--engine", "vllm", "--gpu", "H100", "--gpu-memory-utilization", value]
    yield ["estimate", _M, "--context", "4096", "--context", "8192"]
    yield ["estimate", _M, "--gpu", "H100", "--gpu", "A100-80GB"]
    yield ["estimate", _M, "--mode", "lora", "--mode", "inference"]
    yield ["estimate", "--", _M, "--context", "5"]
    yield ["estimate", _M, "--", "--context", "5"]
    yield ["estimate", "--context", "--", _M]
    yield ["estimate", _M, "--context"]
    yield ["estimate", _M, "--context="]
    yield ["estimate", _M, "--context=--5"]
    yield ["estimate", _M, "--gpus", "H100"]  # compare's option
    yield ["estimate", _M, "--min-memory", "24GB"]  # gpus' option
    yield ["gpus", "--mode", "full"]
    yield ["parse", _M, "--gpu", "H100"]
    yield ["models", _M]
    yield ["compare", _M, "--gpu", "H100"]
    yield ["report", "show", "--gpu", "H100"]
    yield ["fit", _M, "--all", "--gpu", "H100"]
    yield ["estimate", _M, _M]
    yield ["estimate"]
    yield ["--format", "json", "estimate", _M]
    yield ["estimate", _M, "--format", "JSON"]
    yield ["estimate", _M, "--format", "json ", "--format", "yaml"]
    yield ["estimate", _M, "--dtype", "BF16"]
    yield ["estimate", _M, "--kv-dtype", "fp8", "--kv-dtype", "fp4"]


# Environment variables llmsize reads (os.environ in src/) and what huggingface_hub reads for it.
ENVIRONMENT: tuple[tuple[str, str], ...] = (
    ("LLMSIZE_HUB_TIMEOUT", "nan"),
    ("LLMSIZE_HUB_TIMEOUT", "inf"),
    ("LLMSIZE_HUB_TIMEOUT", "1e-320"),
    ("LLMSIZE_HUB_TIMEOUT", "0"),
    ("LLMSIZE_HUB_TIMEOUT", "9" * 400),
    ("LLMSIZE_HUB_TIMEOUT", "\u0663"),
    ("LLMSIZE_HUB_TIMEOUT", ""),
    ("LLMSIZE_CACHE_DIR", "/dev/null"),
    ("LLMSIZE_CACHE_DIR", "/proc/self"),
    ("LLMSIZE_CACHE_DIR", "~nouser/x"),
    ("LLMSIZE_CACHE_DIR", "x" * 5000),
    ("LLMSIZE_CACHE_DIR", "\x1b[31m"),
    ("LLMSIZE_GPU_DIR", "/dev/null"),
    ("LLMSIZE_GPU_DIR", "/"),
    ("LLMSIZE_GPU_DIR", "~nouser"),
    ("LLMSIZE_DEBUG", "0"),
    ("LLMSIZE_DEBUG", "off"),
    ("HF_ENDPOINT", ""),
    ("HF_ENDPOINT", "http://"),
    ("HF_ENDPOINT", "http://127.0.0.1:0"),
    ("HF_ENDPOINT", "file:///etc"),
    ("HF_ENDPOINT", "http://x" + "y" * 5000),
    ("HF_HUB_OFFLINE", "2"),
    ("HF_HUB_OFFLINE", "\u0661"),
    ("HF_HOME", "/dev/null"),
    ("HF_HUB_CACHE", "/dev/null/x"),
    ("HF_HUB_CACHE", "x" * 5000),
    ("XDG_CACHE_HOME", "/dev/null"),
    ("XDG_CACHE_HOME", "~nouser"),
    ("HF_TOKEN", "\n"),
    ("HF_TOKEN", "x" * 100_000),
    ("HOME", "/nonexistent"),
    ("HOME", ""),
)
ENV_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("estimate", "someorg/somemodel"),
    ("estimate", _M, "--gpu", "H100"),
    ("gpus",),
)


# Fields of real configs that give a per-layer pattern or a size the architecture is built from.
_MUTATED_KEYS = (
    "layer_types", "mlp_layer_types", "mlp_only_layers", "moe_layers", "no_rope_layers",
    "sliding_window_pattern", "layers_block_type", "hybrid_override_pattern", "activation_sparsity_pattern",
    "per_layer_config", "decoder_sparse_step", "first_k_dense_replace", "moe_layer_freq",
    "intermediate_size", "num_key_value_heads", "head_dim", "sliding_window", "num_experts",
    "n_routed_experts", "num_local_experts", "num_experts_per_tok", "linear_num_value_heads",
    "linear_key_head_dim", "full_attention_interval", "attn_layer_period", "expert_layer_period",
    "kv_lora_rank", "q_lora_rank", "mamba_d_state", "ssm_state_size", "conv_kernel", "text_config",
    "vision_config",
)  # fmt: skip


def _mutations(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, list):
        yield "short", value[:-1]
        yield "long", (value * (100_000 // max(len(value), 1) + 1))[:100_000]
        yield "nulls", [None] * len(value)
        yield "bools", [True] * len(value)
        yield "nested", [value]
        yield "strings", [str(x) for x in value]
        yield "negatives", [-1] * len(value)
    if isinstance(value, str):
        yield "escapes", "\x1b[31m" * 3
        yield "long text", value * 10_000
    yield "empty", [] if isinstance(value, list) else ""
    yield from (("dict", {"a": value}), ("true", True), ("nan", float("nan")), ("-1", -1), ("0", 0),
                ("2^62", 2**62), ("4096.5", 4096.5))  # fmt: skip


def catalog_config_mutations() -> Iterator[tuple[str, dict[str, Any]]]:
    """(label, config) for every bundled model's real config.json with one pattern or size field
    (top level or in text_config) replaced by a wrong length, element type or value: about 6,000."""
    from llmsize.specs import catalog

    for entry in catalog.entries():
        cfg = entry.model.config
        nested = cfg.get("text_config")
        for key in _MUTATED_KEYS:
            for where, section in (("", cfg), ("text_config.", nested)):
                if not isinstance(section, dict) or key not in section:
                    continue
                for label, value in _mutations(section[key]):
                    changed = {**section, key: value}
                    yield f"{entry.name} {where}{key} {label}", changed if section is cfg else {
                        **cfg, "text_config": changed
                    }  # fmt: skip
