"""The fourth hostile round (issue 15: "I will try inputs beyond this list"): input classes the first
three audits (tests/hostile.py, hostile_options.py, hostile_round3.py) did not try.

- names typed with compatibility characters (full-width letters and digits, superscripts,
  mathematical digits), typographic dashes, combining marks, homoglyphs, invisible marks, and
  names that state a float dtype (`-BF16`, `-fp32`) of a checkpoint shipped quantized;
- the terminal: COLUMNS / LINES of '0', '²', '٠', '-1', 'abc' (rich's `isdigit()` + `int()`), with
  and without FORCE_COLOR, and a stdout that is not Unicode (PYTHONIOENCODING=ascii / cp1252);
  a relative XDG_CACHE_HOME;
- config.json: every field of a small config set to null, a list, a dict, a string, +-1e308, 2^63,
  2^64+1, '' and true; `dtype` (transformers 5) beside or instead of `torch_dtype`; about 70
  `quantization_config` variants (string bits, zero and negative group sizes, unknown methods,
  junk config_groups, block sizes of the wrong shape, mlx-lm's `quantization`);
- safetensors headers with unknown or lower-case dtypes, empty shapes, a list for metadata, a
  byte-order mark, duplicate keys, NaN and 1e400 in a shape; GGUF metadata with an empty or escaped
  architecture, invalid UTF-8 in a key, NaN / inf sizes, negative block counts, per-layer head
  arrays of the wrong length, more KV heads than heads, expert counts of 2^40;
- saved documents of other commands (`fit`, `compare`, `fit --all` --output) given to `report
  show`, reports with 5,000 assumptions or a negative parameter count.
Signals (Ctrl-C at any moment, a reader that leaves early) are run by bench/fuzz.py, in subprocesses.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hostile
from hostile import _safetensors, gguf_bytes, llama_config
from hostile_round3 import _gs, _kvs, _tensor

# Each maps to a catalog name once folded (names.fold_name), or must be refused in one line.
FOLDED_NAMES: tuple[tuple[str, str], ...] = (
    ("Qwen３-８B", "Qwen3-8B"),  # full-width digits (a CJK input method)
    ("Ｑｗｅｎ3-8B", "Qwen3-8B"),  # full-width letters
    ("Qwen3-8Ｂ", "Qwen3-8B"),
    ("Qwen3-⁸B", "Qwen3-8B"),  # superscript eight
    ("Qwen3‐8B", "Qwen3-8B"),  # U+2010 hyphen
    ("Qwen3–8B", "Qwen3-8B"),  # en dash (autocorrect)
    ("Qwen3—8B", "Qwen3-8B"),  # em dash
    ("qwen3：8b", "qwen3:8b"),  # full-width colon
    ("Qwen3-8B-Q4_K_Ｍ", "Qwen3-8B-Q4_K_M"),
    ("Llama-3.1-8B-Instruct-ＡＷＱ", "Llama-3.1-8B-Instruct-AWQ"),
    ("Qwen3-8B-𝟒bit", "Qwen3-8B-4bit"),  # mathematical bold digit four
)
NAMES: tuple[str, ...] = (
    *(typed for typed, _ in FOLDED_NAMES),
    "Qwen3-8\u0301B",  # a combining acute accent
    "Qwe\u0301n3-8B",
    "Qwеn3-8B",  # Cyrillic 'е'
    "Qwen3-8B\ufe0f",  # a variation selector
    "Qwen3-8B\u00ad",  # a soft hyphen
    "Qwen3\u200d-8B",  # a zero-width joiner
    "\ufeffQwen3-8B",  # a byte-order mark
    "Qwen3-8B\u2066",  # a left-to-right isolate
    "Qwen3-8B\U000e0001",  # a language tag
    "Qwen3-8B\ue000",  # private use
    "Qwen3-8B🙂",
    "Qwen3-8B-ⅳbit",
    "Qwen3-8b-İnstruct",
    "qwen3-8b-ınstruct",
    "Qwen3\u00a0-8B",
    "Qwen3-8B" + "\u0301" * 1000,
    "．．/etc/passwd",  # full-width dots fold to a path, which is then never read
    "Ｑｗｅｎ/Qwen3-8B",
    # a float dtype named after a checkpoint shipped quantized (fp8, mxfp4)
    "unsloth/DeepSeek-V3-0324-BF16",
    "DeepSeek-R1-BF16",
    "Kimi-K2-Instruct-BF16",
    "gpt-oss-20b-BF16",
    "MiniMax-M2-BF16",
    "Ministral-3-8B-Instruct-2512-BF16",
    "Qwen3-8B-fp32",
    "Qwen3-8B-AWQ-fp16",
    "qwen3:8b-fp16",
    "Foo-7B-fp32",
)

# (variable, value): the terminal and the cache folder.
ENVIRONMENT: tuple[tuple[str, str], ...] = (
    ("COLUMNS", "0"),
    ("COLUMNS", "000"),
    ("COLUMNS", "\u0660"),  # Arabic-Indic zero: isdigit() and int() both take it
    ("COLUMNS", "\u00b2"),  # superscript two: isdigit() takes it, int() does not
    ("COLUMNS", "-1"),
    ("COLUMNS", "abc"),
    ("COLUMNS", "1"),
    ("COLUMNS", "9" * 30),
    ("LINES", "\u00b2"),
    ("LINES", "0"),
    ("PYTHONIOENCODING", "ascii"),
    ("PYTHONIOENCODING", "cp1252"),
    ("PYTHONIOENCODING", "latin-1"),
    ("XDG_CACHE_HOME", "relative-cache"),
    ("TERM", "dumb"),
    ("NO_COLOR", "1"),
)
# What huggingface_hub reads on import or per call; bench/fuzz.py runs them with HF_HUB_OFFLINE=0 (a
# Hub that cannot start or be reached falls back to the catalog, or is one line).
HUB_ENVIRONMENT: tuple[tuple[str, str], ...] = (
    ("HF_HUB_ETAG_TIMEOUT", "abc"),
    ("HF_HUB_DOWNLOAD_TIMEOUT", "1.5"),
    ("HF_HUB_ENABLE_HF_TRANSFER", "1"),
    ("HF_HUB_VERBOSITY", "abc"),
    ("HF_TOKEN_PATH", "/dev/zero"),
    ("HF_TOKEN_PATH", "/"),
    ("HTTP_PROXY", "::::"),
    ("HTTPS_PROXY", "::::"),
    ("XDG_CONFIG_HOME", "relative-config"),
)
HUB_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("estimate", "someorg/somemodel"),
    ("estimate", "Qwen/Qwen2.5-0.5B"),
)
# Where rich lays the output out (a terminal): the same values again, forced through rich.
FORCED = ("FORCE_COLOR", "1")
ENV_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("estimate", "Qwen2.5-0.5B"),
    ("gpus",),
    ("compare", "Qwen2.5-0.5B", "--gpus", "H100,L4"),
    ("parse", "Qwen2.5-0.5B"),
)


def config_texts() -> Iterator[tuple[str, str]]:
    """(label, config.json text) pairs of this round."""
    base = llama_config()
    odd = (None, [256], {"a": 1}, "256", [], 1e308, -1e308, 2**63, 2**64 + 1, "", True)
    for field, value in ((f, v) for f in base for v in odd):
        yield f"{field}={value!r}"[:60], json.dumps({**base, field: value})
    without = {k: v for k, v in base.items() if k != "torch_dtype"}
    for dtype in ("bfloat16", "float32", "float8_e4m3fn", "int8", "auto", None, 5, ["bfloat16"], "BF16"):
        yield f"dtype={dtype!r}", json.dumps({**without, "dtype": dtype})
        yield (
            f"torch_dtype float32 + dtype={dtype!r}",
            json.dumps({**base, "torch_dtype": "float32", "dtype": dtype}),
        )
    for i, q in enumerate(_QUANTIZATION_CONFIGS):
        yield f"quantization_config #{i} {json.dumps(q)[:50]}", json.dumps({**base, "quantization_config": q})
    for q in ({"bits": 4, "group_size": 64}, {"bits": 0}, {"group_size": 0, "bits": 4}, [], None,
              {"bits": 4, "group_size": 64, "mode": "junk"}):  # fmt: skip
        yield f"mlx quantization {json.dumps(q)}", json.dumps({**base, "quantization": q})


_QUANTIZATION_CONFIGS: tuple[Any, ...] = (
    {"quant_method": "gptq", "bits": "4"},
    {"quant_method": "gptq", "bits": 3},
    {"quant_method": "gptq", "bits": 0},
    {"quant_method": "gptq", "bits": 1e9},
    {"quant_method": "gptq", "bits": -4},
    {"quant_method": "gptq", "bits": 4, "group_size": -5},
    {"quant_method": "gptq", "bits": 4, "group_size": 10**18},
    {"quant_method": "gptq", "bits": 4, "group_size": 1e308},
    {"quant_method": "gptq", "bits": 4, "group_size": "128"},
    {"quant_method": "gptq", "bits": None},
    {"quant_method": "gptq", "bits": [4]},
    {"quant_method": "gptq", "bits": True},
    {"quant_method": "gptq", "bits": 4, "desc_act": "yes"},
    {"quant_method": None},
    {"quant_method": "GPTQ", "bits": 4},
    {"quant_method": 5},
    {"quant_method": ["gptq"]},
    {"quant_method": "awq", "bits": 4, "version": "marlin"},
    {"quant_method": "awq", "w_bit": 4, "q_group_size": 0},
    {"quant_method": "awq", "bits": 2},
    {"quant_method": "bitsandbytes", "load_in_4bit": "yes"},
    {"quant_method": "bitsandbytes", "load_in_4bit": True, "load_in_8bit": True},
    {"quant_method": "bitsandbytes"},
    {"quant_method": "bitsandbytes", "load_in_4bit": True, "bnb_4bit_quant_type": "nf5"},
    {"quant_method": "compressed-tensors", "config_groups": "junk"},
    {"quant_method": "compressed-tensors", "config_groups": {"g": None}},
    {"quant_method": "compressed-tensors", "config_groups": {"g": {"weights": {"num_bits": 0}}}},
    {
        "quant_method": "compressed-tensors",
        "config_groups": {"g": {"weights": {"num_bits": 1e9, "group_size": 0}}},
    },
    {"quant_method": "compressed-tensors", "config_groups": {"g": {"weights": [1, 2]}}},
    {"quant_method": "compressed-tensors", "config_groups": []},
    {"quant_method": "fp8", "weight_block_size": [0, 0]},
    {"quant_method": "fp8", "weight_block_size": [128]},
    {"quant_method": "fp8", "weight_block_size": "abc"},
    {"quant_method": "fp8", "weight_block_size": [-1, 128]},
    {"quant_method": "fp8", "weight_block_size": [1.5, 2.5]},
    {"quant_method": "fp8", "modules_to_not_convert": "lm_head"},
    {"quant_method": "mxfp4", "modules_to_not_convert": None},
    {"quant_method": "mxfp4", "modules_to_not_convert": [1, 2]},
    {"quant_method": "mxfp4", "modules_to_not_convert": ["["]},
    {"quant_method": "mxfp4", "modules_to_not_convert": ["(a"]},
    {"quant_method": "modelopt", "quant_algo": None},
    {"quant_method": "modelopt", "quant_algo": "NVFP4", "group_size": 0},
    {"quant_method": "modelopt", "quant_algo": "MIXED_PRECISION", "quantized_layers": "junk"},
    {"quant_method": "modelopt", "quant_algo": "MIXED_PRECISION", "quantized_layers": {"a": None}},
    {"quant_method": "exl2", "bits": 4.65},
    {"quant_method": "hqq"},
    {"quant_method": "quanto", "weights": "int2"},
    {"bits": 0, "group_size": 64},
    {"bits": 1e308, "group_size": 64},
    {"bits": "4", "group_size": "64"},
    {},
    [],
    "",
    True,
    5,
)


def safetensors_blobs() -> Iterator[tuple[str, bytes]]:
    """(label, model.safetensors bytes), each beside a valid llama_config()."""
    ok = {"dtype": "BF16", "shape": [2, 2], "data_offsets": [0, 8]}
    yield "dtype XYZ", _safetensors({"w": {**ok, "dtype": "XYZ"}}, 8)
    yield "dtype F8_E5M2", _safetensors({"w": {**ok, "dtype": "F8_E5M2", "data_offsets": [0, 4]}}, 4)
    yield "dtype F4", _safetensors({"w": {**ok, "dtype": "F4", "data_offsets": [0, 2]}}, 2)
    yield "dtype lower case", _safetensors({"w": {**ok, "dtype": "bf16"}}, 8)
    yield "dtype a number", _safetensors({"w": {**ok, "dtype": 5}}, 8)
    yield "shape []", _safetensors({"w": {**ok, "shape": [], "data_offsets": [0, 2]}}, 2)
    yield "shape [0, 5]", _safetensors({"w": {**ok, "shape": [0, 5], "data_offsets": [0, 0]}}, 0)
    yield "metadata a list", _safetensors({"__metadata__": [1, 2], "w": ok}, 8)
    yield "metadata null", _safetensors({"__metadata__": None, "w": ok}, 8)
    yield "header a string", _safetensors("x", 8)
    yield "header null", _safetensors(None, 8)
    yield "header {}", _safetensors({}, 0)
    yield "tensor null", _safetensors({"w": None}, 8)
    yield "tensor name with escapes", _safetensors({"\x1b[31mw\n": ok}, 8)
    yield "offsets of three", _safetensors({"w": {**ok, "data_offsets": [0, 4, 8]}}, 8)
    yield (
        "header padded with spaces",
        struct.pack("<Q", 200) + json.dumps({"w": ok}).encode().ljust(200) + bytes(8),
    )
    yield "header with a BOM", _safetensors(b"\xef\xbb\xbf" + json.dumps({"w": ok}).encode(), 8)
    twice = b'{"w": ' + json.dumps(ok).encode() + b', "w": ' + json.dumps(ok).encode() + b"}"
    yield "a tensor twice", _safetensors(twice, 8)
    yield (
        "NaN in a shape",
        _safetensors(b'{"w": {"dtype": "BF16", "shape": [NaN, 2], "data_offsets": [0, 8]}}', 8),
    )
    yield (
        "1e400 in a shape",
        _safetensors(b'{"w": {"dtype": "BF16", "shape": [1e400, 2], "data_offsets": [0, 8]}}', 8),
    )
    yield "header length 0", struct.pack("<Q", 0)
    yield "seven bytes", b"\x01" * 7


_U32, _I32, _F32, _BOOL, _STR, _ARR, _U64, _F64, _I8 = 4, 5, 6, 7, 8, 9, 10, 12, 1


def _kv(key: str, vtype: int, payload: bytes) -> bytes:
    return _gs(key) + struct.pack("<I", vtype) + payload


def _with(key: str, vtype: int, payload: bytes) -> bytes:
    """A one-tensor llama GGUF (data included) with `key` set (replaced when the base has it)."""
    kvs = [kv for kv in _kvs() if not kv.startswith(_gs(key))] + [_kv(key, vtype, payload)]
    return gguf_bytes(kvs, 1, _tensor("token_embd.weight", (256, 1000))) + bytes(1_024_000)


def gguf_blobs() -> Iterator[tuple[str, bytes]]:
    """(label, .gguf bytes): metadata a converter or a hand would get wrong, past the tensor checks."""
    yield "architecture ''", _with("general.architecture", _STR, _gs(""))
    yield "architecture with escapes", _with("general.architecture", _STR, _gs("\x1b[31m"))
    yield "architecture 100,000 long", _with("general.architecture", _STR, _gs("x" * 100_000))
    yield "architecture unknown", _with("general.architecture", _STR, _gs("mamba9"))
    yield "general.name invalid UTF-8", _with("general.name", _STR, struct.pack("<Q", 3) + b"\xff\xfe\xfd")
    yield "name with escapes", _with("general.name", _STR, _gs("\x1b[2J\nx"))
    yield "file_type 2^32-1", _with("general.file_type", _U32, struct.pack("<I", 2**32 - 1))
    yield "file_type a string", _with("general.file_type", _STR, _gs("Q4_K_M"))
    yield "embedding NaN", _with("llama.embedding_length", _F32, struct.pack("<f", float("nan")))
    yield "embedding inf (f64)", _with("llama.embedding_length", _F64, struct.pack("<d", float("inf")))
    yield "context 0", _with("llama.context_length", _U32, struct.pack("<I", 0))
    yield "context 2^64-1", _with("llama.context_length", _U64, struct.pack("<Q", 2**64 - 1))
    yield "KV heads above heads", _with("llama.attention.head_count_kv", _U32, struct.pack("<I", 64))
    yield "block_count true", _with("llama.block_count", _BOOL, struct.pack("<B", 1))
    yield "block_count -1 (i8)", _with("llama.block_count", _I8, struct.pack("<b", -1))
    yield "block_count -5 (i32)", _with("llama.block_count", _I32, struct.pack("<i", -5))
    yield (
        "head_count array of 7",
        _with("llama.attention.head_count", _ARR, struct.pack("<IQ7I", _U32, 7, *[4] * 7)),
    )
    yield (
        "head_count array of zeros",
        _with("llama.attention.head_count", _ARR, struct.pack("<IQII", _U32, 2, 0, 0)),
    )
    yield "expert_count NaN", _with("llama.expert_count", _F32, struct.pack("<f", float("nan")))
    yield "expert_count 2^40", _with("llama.expert_count", _U64, struct.pack("<Q", 2**40))
    yield "sliding_window 0", _with("llama.attention.sliding_window", _U32, struct.pack("<I", 0))
    yield "key_length 0", _with("llama.attention.key_length", _U32, struct.pack("<I", 0))
    yield "value type 99", gguf_bytes([*_kvs(), _gs("x.y") + struct.pack("<I", 99)])
    yield "version 1", b"GGUF" + struct.pack("<IQQ", 1, 0, 0) + bytes(64)
    yield "old ggjt magic", b"ggjt" + bytes(100)


def write_model_dirs(root: Path) -> Iterator[tuple[str, Path]]:
    """Write every file case of this round under `root`; yield (label, path to pass to `estimate`)."""
    return hostile.write_model_dirs(root, config_texts(), safetensors_blobs(), gguf_blobs(), prefix="r4")


def report_misuses(tmp: Path) -> Iterator[list[str]]:
    """Documents of other commands and hand edits given to `report show` / `report diff`."""
    import io
    from contextlib import redirect_stderr, redirect_stdout, suppress

    from llmsize.cli import main

    good = tmp / "r4-good.json"
    others = (
        ["fit", "Qwen2.5-0.5B", "--gpu", "H100"],
        ["compare", "Qwen2.5-0.5B", "--gpus", "H100"],
        ["fit", "--all", "--gpu", "RTX-4090"],
    )
    for argv in (["estimate", "Qwen2.5-0.5B", "--gpu", "H100"], *others):
        target = good if argv[0] == "estimate" else tmp / f"r4-{argv[0]}-{len(argv)}.json"
        # stderr too: its notes (round 9: "H100 → H100-SXM-80GB ...") are the setup's, not the misuse's
        with suppress(SystemExit), redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            main([*argv, "--output", str(target), "--force"])
        yield ["report", "show", str(target)]
    doc = json.loads(good.read_text())
    edits = {
        "5,000 assumptions": {**doc, "assumptions": ["x"] * 5000},
        "negative params": {**doc, "model": {**doc["model"], "params": -1}},
        "an unknown top-level key": {**doc, "zzz": 1},
    }
    for i, edited in enumerate(edits.values()):
        path = tmp / f"r4-edit{i}.json"
        path.write_text(json.dumps(edited))
        yield ["report", "show", str(path)]
        yield ["report", "diff", str(good), str(path)]
