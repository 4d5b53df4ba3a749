"""The twenty-second hostile round (issue 15): number spellings and surfaces rounds 3-21 reached only in part.

- numbers: every value-taking option of every command (read from the live CLI, as hostile_options does)
  fed spellings the earlier rounds left out: 1e-400 (a float that rounds to 0), -0 / -0.0 / +0, 0x10,
  0b1, 0o7, 1__0, unicode digits ('７B', '𝟕', '⑦', 'Ⅶ', '৭'), the unicode minus signs ('−1', '－1'),
  thin / no-break / zero-width spaces inside a number, a comma or Arabic decimal separator;
- recent options in combination: --held-logits, --concurrency lists (duplicates, 0, a trailing comma,
  thousands of levels), --engine-version of every engine (before the oldest modelled, after the newest,
  odd suffixes), --all2all-backend / --moe-a2a-backend, speculative decoding (--speculative of each kind
  and draft: names that are paths, devices, escapes), LoRA ranks and targets, --format html with --output;
- launch lines with llama-server / Ollama slot counts of every sign, given as flags and as variables
  (llama-server refuses -np 0 and reads a negative -np as auto);
- tiny hand-written GGUF files: odd key/value types, counts past the file, negative (two's complement) sizes
  and dimensions, unicode / bidi / escape keys and names, a tensor of 0 or 5 dimensions;
- safetensors headers in a model folder: offsets reversed, past the file, negative; shapes negative, huge,
  of floats; odd dtypes; an index with odd total_size;
- model folders: a symlink loop for config.json, a FIFO as a shard, a config.json of 20 MB of whitespace
  or a list of a million numbers, echoed names holding escapes and bidi controls;
- saved reports (report show / diff) holding NaN / Infinity tokens, 10**400, -0, floats for byte counts,
  escapes and bidi controls in the names they echo;
- --gpu-file YAML with YAML-1.1 spellings (1:20 base 60, 0x50, 0o120, 1_0, yes/no), unicode digits,
  merge keys, names with escapes and bidi controls;
- environment variables the tool reads (LLMSIZE_JOBS, LLMSIZE_HUB_TIMEOUT, HF_ENDPOINT, HF_TOKEN,
  HF_HUB_CACHE, LLMSIZE_DEBUG) and shell completion (_LLMSIZE_COMPLETE with COMP_WORDS / COMP_CWORD /
  _TYPER_COMPLETE_ARGS of odd shapes): run as subprocesses (ENV_CASES).
Each must end in a result (exit 0 or 3) or one printable line with exit 2, quickly and in bounded memory;
nothing given is executed, and no existing file is overwritten without --force.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from hostile import seeded_sample

MODEL = "Qwen2.5-0.5B"
MOE = "Qwen3-30B-A3B"

# number spellings the earlier rounds' VALUES (hostile_options, hostile_round3/21) left out
NUMBERS: tuple[str, ...] = (
    "1e-400",
    "-1e-400",
    "+0",
    "-0.0",
    "0b1",
    "0o7",
    "1__0",
    "1e3",
    "4096.0",
    "0.5k",
    "７B",
    "７",
    "\U0001d7d5",  # mathematical bold digit 7
    "\u2466",  # circled 7
    "\u2166",  # roman numeral 7
    "\u09ed",  # Bengali 7
    "\u22121",  # minus sign
    "\uff0d1",  # full-width hyphen-minus
    "1\u2009000",  # thin space
    "1\u00a0000",  # no-break space
    "\u200b4096",  # zero-width space
    "4096\ufeff",
    "1,5",
    "1\u066b5",  # Arabic decimal separator
    "1e+400",
    "-nan",
    "Infinity",
    "0.0000001",
    "4096\u2028",
)
# echoed back by a refusal or a table: none may reach the terminal raw
ECHOES: tuple[str, ...] = ("\x1b]0;owned\x07", "\u202eevil", "a\u2066b\u2069c", "\x9b31m", "x\u2028y")

_BASE: dict[str, tuple[list[str], list[str]]] = {
    "estimate": (["estimate", MODEL], []),
    "fit": (["fit", MODEL, "--gpu", "H100"], []),
    "compare": (["compare", MODEL, "--gpus", "H100,L40S"], []),
    "plan": (["plan", MODEL, "--gpu", "H100"], []),
    "models": (["models"], []),
    "gpus": (["gpus"], []),
    "check": (["check", "--gpu", "H100"], ["--", "vllm", "serve", "Qwen/Qwen2.5-0.5B"]),
}
_SKIP = {"--output", "--help", "--gpu-file", "--revision"}


def number_cases() -> Iterator[list[str]]:
    """Every (command, value-taking option, spelling of NUMBERS + ECHOES), in a fixed order."""
    import typer

    from hostile_options import _NEEDS
    from llmsize.cli import load_commands

    root: Any = typer.main.get_command(load_commands())
    for name, (head, tail) in _BASE.items():
        options = [p.opts[0] for p in root.commands[name].params
                   if getattr(p, "param_type_name", "") == "option" and not getattr(p, "is_flag", False)
                   and p.opts[0] not in _SKIP]  # fmt: skip
        for option in options:
            needs = [] if name in ("gpus", "models", "check") else _NEEDS.get(option, [])
            if "--gpu" in head and "--gpu" in needs:
                needs = needs[: needs.index("--gpu")]
            for value in NUMBERS + ECHOES:
                yield [*head, option, value, *needs, *tail]


_CONCURRENCY = (
    "1,1,1",
    "1,",
    ",1",
    "8,1",
    "0,1",
    "1,-1",
    "1.0,2",
    "１,８",
    "1;8",
    "1 8",
    "1,,8",
    ",".join(["1"] * 5000),
    ",".join(str(i) for i in range(1, 2049)),
    "1e-400",
    "-0",
    "0x10",
)
_VERSIONS = ("0.0.0", "0.3.9", "999.999", "0.19.0rc1.dev999+cu129", "0.19-rc1", "v0.19", "V0.19", "b1",
             "b00001", "b" + "9" * 12, "0.6.7", "4.29.9", "4.30", "5", "5.", ".5", "0..19", "0.19..1",
             "0.19\x1b[0m", "\u202e0.19", "０.１９", "latest", "nightly", "main", "")  # fmt: skip
_ENGINES = ("vllm", "sglang", "llama.cpp", "ollama", "transformers")
_SPECULATIVE = ("mtp", "eagle", "eagle3", "draft:Qwen3-0.6B", "draft:", "draft:draft:x", "draft:/dev/zero",
                "draft:/proc/self/mem", "draft:.", "draft:..", "draft:\x1b[2J", "draft:\u202eQwen3-0.6B",
                "draft:Qwen3-0.6B\x00", "ngram", "medusa", "MTP ", "draft:" + "q" * 4000)  # fmt: skip


def recent_cases(root: Path) -> Iterator[list[str]]:
    """The options added lately, alone and in combination with each engine and mode."""
    root.mkdir(parents=True, exist_ok=True)
    for engine in _ENGINES:
        for version in _VERSIONS:
            yield ["fit", MODEL, "--gpu", "H100", "--engine", engine, "--engine-version", version]
        for levels in _CONCURRENCY:
            yield ["fit", MODEL, "--gpu", "H100", "--engine", engine, "--concurrency", levels]
        for spec in _SPECULATIVE:
            yield ["fit", "Qwen3-8B", "--gpu", "H100", "--engine", engine, "--speculative", spec,
                   "--num-speculative-tokens", "3"]  # fmt: skip
        for backend in ("deepep", "DeepEP", "none", "", "naive", "pplx", "\x1b[2J", "deepep,mooncake"):
            yield ["fit", MOE, "--gpu", "H100", "--num-gpus", "2", "--tp", "2", "--engine", engine,
                   "--all2all-backend", backend]  # fmt: skip
    for mode in ("inference", "full", "lora", "qlora", "training"):
        for held in ("none", "step", "always", "STEP", "", "step "):
            yield ["estimate", MODEL, "--mode", mode, "--held-logits", held]
            yield ["estimate", MODEL, "--mode", mode, "--held-logits", held, "--objective", "grpo",
                   "--completion-tokens", "1"]  # fmt: skip
        for rank in ("0", "1", "-0", "65536", "1e-400", "７"):
            yield ["estimate", MODEL, "--mode", mode, "--lora-rank", rank]
        for targets in ("all-linear", "ALL-LINEAR", "q_proj,\x1b[2J", "\u202eq_proj", "lm_head",
                        "embed_tokens", "q_proj,q_proj", "*", ".*", "q_proj;v_proj"):  # fmt: skip
            yield ["estimate", MODEL, "--mode", mode, "--lora-targets", targets]
    out = root / "page.html"
    for command in (["estimate", MODEL], ["compare", MODEL, "--gpus", "H100,L4"]):
        yield [*command, "--format", "html", "--output", str(out)]
        yield [*command, "--format", "html", "--output", str(out)]  # exists now: refused without --force
        yield [*command, "--format", "html", "--output", str(root / "x.json")]
        yield [*command, "--format", "html", "--output", str(root / "page.HTML")]
        yield [*command, "--format", "html", "--output", str(root / "no" / "such" / "dir.html")]
        yield [*command, "--format", "html", "--concurrency", "1,8", "--gpu", "H100"]
        yield [*command, "--format", "html", "--context", "1"]
        yield [*command, "--format", "html", "--context", "10m"]


def slot_cases() -> Iterator[list[str]]:
    """llama-server / Ollama slot counts of every sign, as flags and as the variables the engines read."""
    server = ["llama-server", "-hf", "Qwen/Qwen3-8B-GGUF:Q4_K_M", "-c", "8192"]
    for value in ("0", "-0", "-1", "-2", "1", "4", "+2", "00", "1e-400", "７", "\u22121", "4096", "99999"):
        yield ["check", "--gpu", "RTX-4090", "--", *server, "-np", value]
        yield ["check", "--gpu", "RTX-4090", "--", *server, f"--parallel={value}"]
        yield ["check", "--gpu", "RTX-4090", "--env", f"LLAMA_ARG_N_PARALLEL={value}", "--", *server]
        yield ["check", "--gpu", "RTX-4090", "--env", f"OLLAMA_NUM_PARALLEL={value}", "--", "ollama", "run",
               "qwen3:8b"]  # fmt: skip


# --- GGUF files written by hand


def _gstr(text: str | bytes) -> bytes:
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    return struct.pack("<Q", len(raw)) + raw


_KIND = {"u8": (0, "<B"), "i8": (1, "<b"), "u16": (2, "<H"), "i16": (3, "<h"), "u32": (4, "<I"),
         "i32": (5, "<i"), "f32": (6, "<f"), "bool": (7, "<B"), "str": (8, ""), "arr": (9, ""),
         "u64": (10, "<Q"), "i64": (11, "<q"), "f64": (12, "<d")}  # fmt: skip


def _gval(kind: str, value: Any) -> bytes:
    if kind == "str":
        return _gstr(value)
    if kind == "arr":
        element, items = value
        return struct.pack("<IQ", _KIND[element][0], len(items)) + b"".join(_gval(element, i) for i in items)
    return struct.pack(_KIND[kind][1], value)


def _kv(key: str | bytes, kind: str, value: Any) -> bytes:
    return _gstr(key) + struct.pack("<I", _KIND[kind][0]) + _gval(kind, value)


_LLAMA: dict[str, tuple[str, Any]] = {
    "general.architecture": ("str", "llama"),
    "llama.block_count": ("u32", 2),
    "llama.context_length": ("u32", 4096),
    "llama.embedding_length": ("u32", 64),
    "llama.feed_forward_length": ("u32", 128),
    "llama.attention.head_count": ("u32", 4),
    "llama.attention.head_count_kv": ("u32", 2),
    "general.file_type": ("u32", 15),
}


def _tensor(name: str | bytes, dims: tuple[int, ...], ttype: int = 0, offset: int = 0) -> bytes:
    shape = b"".join(struct.pack("<Q", d & (2**64 - 1)) for d in dims)  # negative: two's complement
    rest = struct.pack("<IQ", ttype & (2**32 - 1), offset & (2**64 - 1))
    return _gstr(name) + struct.pack("<I", len(dims)) + shape + rest


def _llama_tensors() -> list[bytes]:
    out = [_tensor("token_embd.weight", (64, 1000))]
    for b in range(2):
        for part, dims in (("attn_q", (64, 64)), ("attn_k", (64, 32)), ("attn_v", (64, 32)),
                           ("attn_output", (64, 64)), ("ffn_gate", (64, 128)), ("ffn_up", (64, 128)),
                           ("ffn_down", (128, 64)), ("attn_norm", (64,)), ("ffn_norm", (64,))):  # fmt: skip
            out.append(_tensor(f"blk.{b}.{part}.weight", dims))
    return [*out, _tensor("output_norm.weight", (64,))]


def write_gguf(
    path: Path,
    keys: list[bytes] | None = None,
    tensors: list[bytes] | None = None,
    counts: tuple[int | None, int | None] = (None, None),
    tail: int = 4096,
) -> Path:
    kvs = [_kv(k, kind, v) for k, (kind, v) in _LLAMA.items()] if keys is None else keys
    tis = _llama_tensors() if tensors is None else tensors
    n_t = len(tis) if counts[0] is None else counts[0]
    n_kv = len(kvs) if counts[1] is None else counts[1]
    head = (
        b"GGUF"
        + struct.pack("<IQQ", 3, n_t & (2**64 - 1), n_kv & (2**64 - 1))
        + b"".join(kvs)
        + b"".join(tis)
    )
    path.write_bytes(head + bytes(-len(head) % 32) + bytes(tail))
    return path


def _with(**extra: tuple[str, Any]) -> list[bytes]:
    keys = {**_LLAMA, **extra}
    return [_kv(k, kind, v) for k, (kind, v) in keys.items()]


def gguf_files(root: Path) -> Iterator[tuple[str, Path]]:
    root.mkdir(parents=True, exist_ok=True)
    base = [_kv(k, kind, v) for k, (kind, v) in _LLAMA.items()]
    cases: dict[str, dict[str, Any]] = {
        "ok": {},
        "key_unicode": {"keys": [*base, _kv("llama.attention.\u202ehead_count", "u32", 9)]},
        "key_escape": {"keys": [*base, _kv("\x1b[2J\x07", "u32", 1)]},
        "key_nul": {"keys": [*base, _kv("llama.block\x00_count", "u32", 99)]},
        "key_bad_utf8": {"keys": [*base, _kv(b"llama.\xff\xfe", "u32", 1)]},
        "key_empty": {"keys": [*base, _kv("", "u32", 1)]},
        "key_len_huge": {"keys": [*base, struct.pack("<Q", 2**63 - 1) + b"abc"]},
        "key_len_negative": {"keys": [*base, struct.pack("<q", -8) + b"abcdefgh"]},
        "str_len_past_file": {"keys": [*base, _gstr("general.name") + struct.pack("<IQ", 8, 2**40) + b"x"]},
        "arr_count_huge": {
            "keys": [*base, _gstr("tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, 2**62)]
        },
        "arr_count_negative": {"keys": [*base, _gstr("x.arr") + struct.pack("<IIq", 9, 4, -1)]},
        "arr_of_u64_huge": {"keys": [*base, _gstr("x.arr") + struct.pack("<IIQ", 9, 10, 2**40)]},
        "value_type_huge": {"keys": [*base, _gstr("x.y") + struct.pack("<I", 2**31) + bytes(8)]},
        "block_count_i32_neg": {"keys": _with(**{"llama.block_count": ("i32", -2)})},
        "block_count_i64_neg": {"keys": _with(**{"llama.block_count": ("i64", -(2**62))})},
        "block_count_f64_nan": {"keys": _with(**{"llama.block_count": ("f64", float("nan"))})},
        "block_count_f32_1e-40": {"keys": _with(**{"llama.block_count": ("f32", 1e-40)})},
        "heads_u64_huge": {"keys": _with(**{"llama.attention.head_count": ("u64", 2**63)})},
        "embd_neg_zero": {"keys": _with(**{"llama.embedding_length": ("f64", -0.0)})},
        "ctx_u64_max": {"keys": _with(**{"llama.context_length": ("u64", 2**64 - 1)})},
        "ctx_i8_neg": {"keys": _with(**{"llama.context_length": ("i8", -1)})},
        "arch_bidi": {"keys": _with(**{"general.architecture": ("str", "lla\u202ema")})},
        "arch_escape": {"keys": _with(**{"general.architecture": ("str", "\x1b[31mllama")})},
        "arch_fullwidth": {"keys": _with(**{"general.architecture": ("str", "ｌｌａｍａ")})},
        "name_bidi": {"keys": [*base, _kv("general.name", "str", "\u202eevil\u2066x\u2069")]},
        "name_c1": {"keys": [*base, _kv("general.name", "str", "a\x9b2Jb\x85c")]},
        "size_label_odd": {
            "keys": [
                *base,
                _kv("general.size_label", "str", "７B"),
                _kv("general.basename", "str", "\u202eQwen"),
            ]
        },
        "file_type_neg": {"keys": _with(**{"general.file_type": ("i32", -1)})},
        "tensor_dims_negative": {
            "tensors": [_tensor("token_embd.weight", (64, -1000)), *_llama_tensors()[1:]]
        },
        "tensor_dims_zero_count": {"tensors": [_tensor("token_embd.weight", ()), *_llama_tensors()[1:]]},
        "tensor_dims_five": {
            "tensors": [_tensor("token_embd.weight", (64, 1000, 1, 1, 1)), *_llama_tensors()[1:]]
        },
        "tensor_ndims_huge": {"tensors": [_gstr("token_embd.weight") + struct.pack("<I", 2**31)]},
        "tensor_type_negative": {
            "tensors": [_tensor("token_embd.weight", (64, 1000), -1), *_llama_tensors()[1:]]
        },
        "tensor_offset_huge": {
            "tensors": [_tensor("token_embd.weight", (64, 1000), 0, 2**63), *_llama_tensors()[1:]]
        },
        "tensor_name_unicode": {
            "tensors": [*_llama_tensors(), _tensor("blk.\u0661.attn_q.weight", (64, 64))]
        },
        "tensor_name_bidi": {"tensors": [*_llama_tensors(), _tensor("blk.0.\u202eattn_q.weight", (64, 64))]},
        "tensor_blk_negative": {"tensors": [*_llama_tensors(), _tensor("blk.-1.attn_q.weight", (64, 64))]},
        "tensor_blk_fullwidth": {"tensors": [*_llama_tensors(), _tensor("blk.１.attn_q.weight", (64, 64))]},
        "counts_negative": {"counts": (-1, None)},
        "kv_count_negative": {"counts": (None, -1)},
        "counts_zero": {"counts": (0, 0)},
        "no_tail": {"tail": 0},
    }
    for label, kw in cases.items():
        yield label, write_gguf(root / f"{label}.gguf", **kw)


def gguf_cases(root: Path) -> Iterator[list[str]]:
    for _label, path in gguf_files(root):
        yield ["estimate", str(path)]
        yield ["fit", str(path), "--gpu", "RTX-4090", "--engine", "llama.cpp", "--format", "json"]
        yield ["explain", str(path), "--engine", "ollama"]
        yield ["check", "--gpu", "RTX-4090", "--", "llama-server", "-m", str(path), "-c", "4096"]


# --- safetensors headers and model folders

SMALL_CONFIG = {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": 64,
                "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
                "num_key_value_heads": 2, "vocab_size": 256, "max_position_embeddings": 4096,
                "torch_dtype": "bfloat16"}  # fmt: skip


def _safetensors(header: dict[str, Any] | bytes, data: int = 64) -> bytes:
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw + bytes(data)


_OK_TENSOR = {"dtype": "BF16", "shape": [256, 64], "data_offsets": [0, 32768]}
SAFETENSORS: dict[str, bytes] = {
    "offsets_reversed": _safetensors({"w": {**_OK_TENSOR, "data_offsets": [32768, 0]}}),
    "offsets_negative": _safetensors({"w": {**_OK_TENSOR, "data_offsets": [-32768, 0]}}),
    "offsets_huge": _safetensors({"w": {**_OK_TENSOR, "data_offsets": [0, 2**70]}}),
    "offsets_float": _safetensors({"w": {**_OK_TENSOR, "data_offsets": [0.5, 1e308]}}),
    "offsets_three": _safetensors({"w": {**_OK_TENSOR, "data_offsets": [0, 1, 2]}}),
    "shape_negative": _safetensors({"w": {**_OK_TENSOR, "shape": [-256, 64]}}),
    "shape_huge": _safetensors({"w": {**_OK_TENSOR, "shape": [2**40, 2**40, 2**40]}}),
    "shape_float": _safetensors({"w": {**_OK_TENSOR, "shape": [256.0, 1e-400]}}),
    "shape_bool": _safetensors({"w": {**_OK_TENSOR, "shape": [True, 64]}}),
    "shape_nested": _safetensors({"w": {**_OK_TENSOR, "shape": [[256], 64]}}),
    "shape_10k_dims": _safetensors({"w": {**_OK_TENSOR, "shape": [1] * 10_000}}),
    "dtype_odd": _safetensors({"w": {**_OK_TENSOR, "dtype": "\x1b[2JF8_E4M3"}}),
    "dtype_lower": _safetensors({"w": {**_OK_TENSOR, "dtype": "bf16"}}),
    "dtype_f4": _safetensors({"w": {**_OK_TENSOR, "dtype": "F4"}}),
    "name_bidi": _safetensors({"model.layers.0.\u202emlp.weight": _OK_TENSOR}),
    "name_empty": _safetensors({"": _OK_TENSOR}),
    "nan_token": _safetensors(b'{"w": {"dtype": "BF16", "shape": [NaN, 64], "data_offsets": [0, Infinity]}}'),
    "dup_keys": _safetensors(
        b'{"w": {"dtype": "BF16", "shape": [1], "data_offsets": [0, 2]}, '
        b'"w": {"dtype": "BF16", "shape": [9, 9], "data_offsets": [0, 162]}}'
    ),
    "metadata_huge_values": _safetensors(
        {"__metadata__": {"format": "pt", "total_size": "9" * 5000}, "w": _OK_TENSOR}
    ),
    "header_len_past_file": struct.pack("<Q", 10**9) + b"{}",
    "header_len_zero": struct.pack("<Q", 0) + bytes(64),
    "header_not_object": _safetensors(b"[1, 2, 3]"),
    "header_bom": _safetensors("\ufeff".encode() + json.dumps({"w": _OK_TENSOR}).encode()),
}
INDEXES: dict[str, str] = {
    "total_size_negative": '{"metadata": {"total_size": -1}, "weight_map": {"w": "model.safetensors"}}',
    "total_size_nan": '{"metadata": {"total_size": NaN}, "weight_map": {"w": "model.safetensors"}}',
    "total_size_huge": '{"metadata": {"total_size": 1e400}, "weight_map": {"w": "model.safetensors"}}',
    "total_size_str": '{"metadata": {"total_size": "７"}, "weight_map": {"w": "model.safetensors"}}',
    "shard_escape": '{"weight_map": {"w": "\\u001b[2J.safetensors"}}',
    "shard_bidi": '{"weight_map": {"w": "\\u202emodel.safetensors"}}',
    "shard_abs": '{"weight_map": {"w": "/etc/passwd"}}',
    "shard_parent": '{"weight_map": {"w": "../model.safetensors"}}',
    "shard_self": '{"weight_map": {"w": "model.safetensors.index.json"}}',
    "shard_dir": '{"weight_map": {"w": "."}}',
    "many_shards": json.dumps({"weight_map": {f"w{i}": f"model-{i:05d}.safetensors" for i in range(5000)}}),
}


def model_dir_cases(root: Path) -> Iterator[list[str]]:
    """Folders of a small llama config.json beside odd safetensors, indexes, links and names."""
    root.mkdir(parents=True, exist_ok=True)
    folders: list[Path] = []

    def folder(name: str, config: Any = SMALL_CONFIG) -> Path:
        d = root / name
        d.mkdir(exist_ok=True)
        if config is not None:
            (d / "config.json").write_text(config if isinstance(config, str) else json.dumps(config))
        folders.append(d)
        return d

    for label, blob in SAFETENSORS.items():
        (folder(f"st-{label}") / "model.safetensors").write_bytes(blob)
    for label, text in INDEXES.items():
        d = folder(f"ix-{label}")
        (d / "model.safetensors.index.json").write_text(text)
        (d / "model.safetensors").write_bytes(_safetensors({"w": _OK_TENSOR}, 32768))
    loop = folder("config-loop", None)
    if not (loop / "config.json").is_symlink():
        (loop / "config.json").symlink_to(loop / "config.json")
    chain = folder("config-chain", None)
    if not (chain / "config.json").is_symlink():
        (chain / "a.json").symlink_to(chain / "config.json")
        (chain / "config.json").symlink_to(chain / "a.json")
    parent = folder("dir-loop")
    if not (parent / "sub").is_symlink():
        (parent / "sub").symlink_to(parent)
    fifo = folder("shard-fifo")
    if not (fifo / "model.safetensors").exists():
        os.mkfifo(fifo / "model.safetensors")
    fifo_index = folder("index-fifo")
    if not (fifo_index / "model.safetensors.index.json").exists():
        os.mkfifo(fifo_index / "model.safetensors.index.json")
    dev = folder("shard-devzero")
    if not (dev / "model.safetensors").is_symlink():
        (dev / "model.safetensors").symlink_to("/dev/zero")
    folder("config-whitespace", json.dumps(SMALL_CONFIG) + " " * 20_000_000)
    folder("config-million", {**SMALL_CONFIG, "x": list(range(1_000_000))})
    folder("config-escape-type", {**SMALL_CONFIG, "model_type": "\x1b]0;owned\x07llama"})
    folder("config-bidi-arch", {**SMALL_CONFIG, "architectures": ["\u202eLlamaForCausalLM"]})
    folder("config-fullwidth-numbers", {**SMALL_CONFIG, "hidden_size": "６４"})
    folder("config-neg-zero", {**SMALL_CONFIG, "num_key_value_heads": -0.0})
    folder("config-tiny-float", {**SMALL_CONFIG, "max_position_embeddings": 1e-400})
    folder(
        "config-nan-tokens", json.dumps(SMALL_CONFIG)[:-1] + ', "rope_theta": NaN, "rms_norm_eps": -Infinity}'
    )
    folder("\x1b[2Jname-escape")
    folder("name-\u202eevil")
    for d in folders:
        yield ["estimate", str(d)]
        yield ["fit", str(d), "--gpu", "L4", "--engine", "vllm", "--format", "json"]


# --- saved reports


def _valid_report(root: Path) -> dict[str, Any]:
    import contextlib
    import io

    from llmsize.cli import main

    valid = root / "valid.json"
    if not valid.exists():  # what it says ("Wrote ...") is not a case's output
        sink = io.StringIO()
        with (
            contextlib.suppress(SystemExit),
            contextlib.redirect_stdout(sink),
            contextlib.redirect_stderr(sink),
        ):
            main(["estimate", MODEL, "--gpu", "H100-SXM-80GB", "--output", str(valid)])
    doc: dict[str, Any] = json.loads(valid.read_text())
    return doc


def report_cases(root: Path) -> Iterator[list[str]]:
    root.mkdir(parents=True, exist_ok=True)
    doc = _valid_report(root)
    valid = root / "valid.json"
    texts: dict[str, str] = {}
    for label, value in (("nan", "NaN"), ("inf", "Infinity"), ("neg_inf", "-Infinity"),
                         ("big", "1" + "0" * 400), ("neg_zero", "-0"), ("neg_zero_float", "-0.0"),
                         ("float", "1.5"), ("tiny", "1e-400"), ("exp", "1e3"), ("true", "true"),
                         ("neg", "-1")):  # fmt: skip
        for key in ("weights", "total", "kv_cache"):
            base = json.dumps({**doc, "memory": {**doc["memory"], key: "@@"}})
            texts[f"memory-{key}-{label}"] = base.replace('"@@"', value)
        base = json.dumps({**doc, "model": {**doc["model"], "params": "@@"}})
        texts[f"params-{label}"] = base.replace('"@@"', value)
        if doc.get("gpus"):
            row = {**doc["gpus"][0], "per_gpu_bytes": "@@"}
            texts[f"gpu-{label}"] = json.dumps({**doc, "gpus": [row]}).replace('"@@"', value)
    for label, name in (("escape", "\x1b]0;owned\x07"), ("bidi", "\u202eevil"), ("c1", "a\x9bb"),
                        ("ls", "a\u2028b"), ("long", "n" * 100_000)):  # fmt: skip
        texts[f"name-{label}"] = json.dumps({**doc, "model": {**doc["model"], "name": name}})
        texts[f"warning-{label}"] = json.dumps({**doc, "warnings": [name]})
        texts[f"assumption-{label}"] = json.dumps({**doc, "assumptions": [name] * 3})
        if doc.get("gpus"):
            texts[f"gpu-name-{label}"] = json.dumps({**doc, "gpus": [{**doc["gpus"][0], "gpu": name}]})
    texts["gpus-10k"] = json.dumps({**doc, "gpus": doc.get("gpus", [])[:1] * 10_000})
    texts["dup-keys"] = json.dumps(doc)[:-1] + ', "memory": {}}'
    texts["utf16"] = ""
    for label, text in texts.items():
        path = root / f"{label}.json"
        if label == "utf16":
            path.write_bytes(json.dumps(doc).encode("utf-16"))
        else:
            path.write_text(text)
        yield ["report", "show", str(path)]
        yield ["report", "diff", str(valid), str(path)]
        yield ["report", "show", str(path), "--format", "csv"]


# --- GPU files

_GPU = """vendor: nvidia
segment: datacenter
gpus:
  - id: {id}
    name: {name}
    architecture: hopper
    memory: {{size: {size}, unit: GiB, type: HBM3}}
    bandwidth_gb_s: {bw}
    tflops: {{fp32: 60, fp16: 990, bf16: 990, fp8: 1979}}
    dtypes: [fp32, fp16, bf16, fp8]
    interconnect: {{name: NVLink, gb_s: 900}}
    pcie_gb_s: 64
    tdp_w: 700
    source: https://example.com
"""
GPU_VALUES = ("1:20", "0x50", "0o120", "1_0", "yes", "no", "'８０'", "'80\u2009'", "'\u200b80'", "'80GiB'",
              "'80 GB'", "!!float '1e-400'", "-0.0", "'１e1'", "'−80'", "2024-01-01", "[80]")  # fmt: skip


def gpu_file_cases(root: Path) -> Iterator[list[str]]:
    root.mkdir(parents=True, exist_ok=True)
    ok = {"id": "X1", "name": "Test X1", "size": "80", "bw": "3350"}
    files: list[Path] = []
    i = 0
    for field in ("size", "bw"):
        for value in GPU_VALUES:
            path = root / f"g{i}.yaml"
            i += 1
            path.write_text(_GPU.format(**{**ok, field: value}))
            files.append(path)
    for label, name in (("escape", '"\\e]0;owned\\a"'), ("bidi", '"\\u202eevil"'), ("c1", '"a\\x9bb"'),
                        ("ls", '"a\\u2028b"')):  # fmt: skip
        for field in ("name", "id"):
            path = root / f"name-{label}-{field}.yaml"
            path.write_text(_GPU.format(**{**ok, field: name}))
            files.append(path)
    merge = root / "merge.yaml"
    merge.write_text(
        "base: &b {size: 80, unit: GiB}\n"
        + _GPU.format(**ok).replace(
            "memory: {size: 80, unit: GiB, type: HBM3}", "memory: {<<: *b, type: HBM3}"
        )
    )
    files.append(merge)
    many = root / "many.yaml"
    many.write_text(
        "vendor: nvidia\nsegment: datacenter\ngpus:\n"
        + "".join(_GPU.format(**{**ok, "id": f"X{n}"}).split("gpus:\n", 1)[1] for n in range(3000))
    )
    files.append(many)
    for path in files:
        yield ["fit", MODEL, "--gpu", "X1", "--gpu-file", str(path), "--format", "json"]
        yield ["gpus", "--gpu-file", str(path)]


# --- a local Hub (tests/hub_server.py) answering with odd config.json values


def hub_configs() -> dict[str, dict[str, Any]]:
    """repo name -> the config.json a local Hub serves for it (beside a real safetensors header)."""
    from hub_server import TINY_LLAMA_CONFIG as C

    quant = {"quant_method": "gptq", "bits": "４", "group_size": -0.0}
    rope = {"type": "yarn", "factor": 1e-400, "original_max_position_embeddings": 64}
    return {
        "ctx-tiny": {**C, "max_position_embeddings": 1e-400},
        "ctx-neg-zero": {**C, "max_position_embeddings": -0.0},
        "hidden-fullwidth": {**C, "hidden_size": "６４"},
        "type-escape": {**C, "model_type": "\x1b]0;x\x07llama"},
        "arch-bidi": {**C, "architectures": ["\u202eLlamaForCausalLM"]},
        "dtype-escape": {**C, "torch_dtype": "\x1b[2J"},
        "layers-huge": {**C, "num_hidden_layers": 10**12},
        "vocab-float": {**C, "vocab_size": 256.5},
        "quant-bidi": {**C, "quantization_config": {"quant_method": "\u202egptq", "bits": 1e-400}},
        "quant-fullwidth": {**C, "quantization_config": quant},
        "rope-tiny": {**C, "rope_scaling": rope},
        "text-config-nest": {**C, "text_config": {"text_config": {"text_config": {}}}},
    }


# --- environment and completion (subprocesses)

ENV_CASES: tuple[tuple[dict[str, str], tuple[str, ...]], ...] = (
    *(
        ({"LLMSIZE_JOBS": v}, ("fit", "--all", "--gpu", "L4"))
        for v in ("0", "-1", "９", "1e-400", "99999999", "9" * 40, "\x1b")
    ),
    *(
        (
            {"LLMSIZE_HUB_TIMEOUT": v, "HF_HUB_OFFLINE": "0", "HF_ENDPOINT": "http://127.0.0.1:9"},
            ("estimate", "acme/x"),
        )
        for v in ("1e-400", "-0", "nan", "0x10", "１", "1e308")
    ),
    *(
        ({"HF_ENDPOINT": v, "HF_HUB_OFFLINE": "0"}, ("estimate", "acme/x"))
        for v in (
            "http://[::1",
            "http://127.0.0.1:99999",
            "http://\x1b[2J",
            "http://\u202eevil",
            "file:///etc/passwd",
            "http://127.0.0.1:9/" + "a" * 5000,
            "http://user:pass@127.0.0.1:9",
            "http://127.0.0.1:9#frag",
            "http://127.0.0.1:9?q=1",
            "http://127.0.0.1:9/%00",
        )
    ),
    *(
        ({"HF_TOKEN": v, "HF_HUB_OFFLINE": "0", "HF_ENDPOINT": "http://127.0.0.1:9"}, ("estimate", "acme/x"))
        for v in ("hf_\nInjected: 1", "hf_\x1b[2J", "hf_\u202e", "a" * 100_000)
    ),
    *(
        ({"HF_HUB_CACHE": v}, ("estimate", "acme/x"))
        for v in ("/dev/null", "/proc/self/mem", "{file}", "{fifo}")
    ),
    # spellings of off (a set LLMSIZE_DEBUG prints the traceback by design: cli/outcome.py)
    *(({"LLMSIZE_DEBUG": v}, ("estimate", "Qwen2.5-0.5B", "--context", "x")) for v in ("0", " ", "OFF", "")),
    (
        {"_LLMSIZE_COMPLETE": "complete_bash", "COMP_WORDS": "llmsize estimate 'unclosed", "COMP_CWORD": "2"},
        (),
    ),
    (
        {
            "_LLMSIZE_COMPLETE": "complete_bash",
            "COMP_WORDS": "llmsize fit x --gpu \x1b[2J",
            "COMP_CWORD": "4",
        },
        (),
    ),
    ({"_LLMSIZE_COMPLETE": "complete_bash", "COMP_WORDS": "llmsize estimate ７", "COMP_CWORD": "2"}, ()),
    (
        {
            "_LLMSIZE_COMPLETE": "complete_bash",
            "COMP_WORDS": "llmsize " + "estimate " * 10_000,
            "COMP_CWORD": "3",
        },
        (),
    ),
    ({"_LLMSIZE_COMPLETE": "complete_bash", "COMP_WORDS": "llmsize estimate", "COMP_CWORD": "9" * 30}, ()),
    (
        {
            "_LLMSIZE_COMPLETE": "complete_bash",
            "COMP_WORDS": "llmsize fit x --gpu-file {fifo} --gpu ",
            "COMP_CWORD": "5",
        },
        (),
    ),
    ({"_LLMSIZE_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "llmsize estimate 'unclosed"}, ()),
    (
        {
            "_LLMSIZE_COMPLETE": "complete_fish",
            "_TYPER_COMPLETE_ARGS": "llmsize estimate Qw",
            "_TYPER_COMPLETE_FISH_ACTION": "nonesuch",
        },
        (),
    ),
    (
        {
            "_LLMSIZE_COMPLETE": "complete_powershell",
            "_TYPER_COMPLETE_ARGS": "llmsize \x1b[2J",
            "_TYPER_COMPLETE_WORD_TO_COMPLETE": "\x1b[2J",
        },
        (),
    ),
    ({"_LLMSIZE_COMPLETE": "source_bash", "LLMSIZE_GPU_DIR": "{fifo}"}, ()),
    ({"LLMSIZE_GPU_DIR": "{gpudir}"}, ("fit", "Qwen2.5-0.5B", "--gpu", "X1")),
)


def env_paths(root: Path) -> dict[str, str]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "plain-file").write_text("not a folder\n")
    if not (root / "fifo").exists():
        os.mkfifo(root / "fifo")
    gpudir = root / "gpudir"
    gpudir.mkdir(exist_ok=True)
    (gpudir / "odd.yaml").write_text(_GPU.format(id="X1", name='"\\e[2Jevil"', size="80", bw="3350"))
    return {"file": str(root / "plain-file"), "fifo": str(root / "fifo"), "gpudir": str(gpudir)}


def env_cases(root: Path) -> Iterator[tuple[dict[str, str], list[str]]]:
    """(extra environment, argv) for subprocess runs; {file} / {fifo} / {gpudir} are paths under `root`."""
    paths = env_paths(root)

    def filled(value: str) -> str:
        for name, path in paths.items():
            value = value.replace("{" + name + "}", path)
        return value

    for env, argv in ENV_CASES:
        yield {k: filled(v) for k, v in env.items()}, list(argv)


# words of runs that size the whole catalog or load torch: untimed in the bench, left out of the CI sample
SLOW = ("measure", "--all", "--fits")

STEPS: dict[str, Callable[[Path], Iterator[list[str]]]] = {
    "numbers": lambda root: number_cases(),
    "recent": recent_cases,
    "slots": lambda root: slot_cases(),
    "gguf": gguf_cases,
    "model-dirs": model_dir_cases,
    "reports": report_cases,
    "gpu-files": gpu_file_cases,
}


sample = partial(seeded_sample, seed=22)
