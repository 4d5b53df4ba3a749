"""The tenth hostile and newcomer round (issue 15): the surface added lately, and combinations.

- saved reports (`report show` / `report diff`) with each key of a real report replaced by a value of the
  wrong type, NaN, a huge list or string, or removed (a removed `memory.gradients` or `memory_host.weights`
  was a KeyError in the table: an internal error);
- `--gpu-file` entries with each numeric field zero, negative, NaN, true/false, quoted, huge (true was read
  as 1: `driver_mib: true` made a 1 MiB card whose usable memory was negative; `tflops: {}` was a
  ZeroDivisionError in the speed model; `memory: '24'` was 24 bytes);
- GGUF files of the newer architectures written with odd metadata: gpt-oss without general.file_type
  ("unknown GGUF file type 'MXFP4'"), expert tensors missing or fewer than expert_count (negative device
  bytes under --n-cpu-moe), tied embeddings without token_embd, per-layer arrays of the wrong length, and a
  local MoE GGUF in `fit` (its ModelSpec could not key the speed model's cache: "unhashable type: 'dict'");
- config.json of the hybrid / MLA / MoE catalog models with each field mutated, layer_types of the wrong
  length or unknown kinds, garbage rope_scaling, zero experts, experts_per_tok above the expert count;
- `check -- llama-server -hf REPO` with odd repos, --split-mode and --tensor-split values, and `plan`'s own
  commands fed back to `check` (gpt-oss's tagless ggml-org repo was sized as Q4_K_M; SGLang plans lost
  their --pp-size);
- `--context` / `--prompt-tokens` beyond 2^40 with every engine, `--concurrency` lists, `--format html
  --output` into directories, symlinks, /dev/full and existing files.
Each must end in a result or one clear line with exit 2, quickly and in bounded memory.
"""

from __future__ import annotations

import copy
import json
import math
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
MODEL = "Qwen2.5-0.5B"

# --- saved reports: every key of a real report, replaced or removed

REPORT_VALUES: tuple[object, ...] = (
    None,
    True,
    "x",
    "\x1b[31mred",
    -1,
    0,
    1.5,
    1e308,
    math.nan,
    math.inf,
    2**64,
    [],
    {},
    [1] * 3000,
    "y" * 100_000,
    [[[[[[]]]]]],
)
REMOVED = object()  # the key deleted instead of replaced


def report_commands() -> list[list[str]]:
    """estimate runs whose `--output` reports are mutated: a vLLM concurrency sweep, llama.cpp with host RAM
    (memory_host), LoRA training, an Ollama tag on a Mac."""
    return [
        ["estimate", "Qwen3-8B", "--gpu", "H100,RTX-4090", "--engine", "vllm", "--concurrency", "1,8"],
        ["estimate", "gpt-oss-20b", "--gpu", "RTX-3060", "--engine", "llama.cpp", "--context", "32k"],
        ["estimate", "Qwen3-8B", "--mode", "lora", "--gpu", "H100"],
        ["estimate", "qwen3:8b", "--gpu", "M4-Max-128GB"],
    ]


def key_paths(doc: Any, path: tuple[Any, ...] = (), per_list: int = 3) -> Iterator[tuple[Any, ...]]:
    """Every key path of `doc` (the first `per_list` entries of each list)."""
    if path:
        yield path
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from key_paths(value, (*path, key), per_list)
    elif isinstance(doc, list):
        for i, value in enumerate(doc[:per_list]):
            yield from key_paths(value, (*path, i), per_list)


def mutated(doc: Any, path: tuple[Any, ...], value: object) -> Any:
    """A deep copy of `doc` with the value at `path` replaced by `value`, or removed (REMOVED)."""
    out = copy.deepcopy(doc)
    holder = out
    for key in path[:-1]:
        holder = holder[key]
    if value is REMOVED:
        del holder[path[-1]]
    else:
        holder[path[-1]] = value
    return out


def report_mutations(doc: Any) -> Iterator[tuple[tuple[Any, ...], object]]:
    """(path, value) for every key of a report and every hostile value, and each key removed."""
    for path in key_paths(doc):
        for value in (*REPORT_VALUES, REMOVED):
            yield path, value


# --- GPU files: every numeric field with hostile values

GPU_ENTRY: dict[str, Any] = {
    "id": "R10X",
    "name": "R10",
    "vendor": "nvidia",
    "segment": "consumer",
    "architecture": "ada",
    "memory": {
        "size": 24,
        "unit": "GiB",
        "driver_mib": 24000,
        "type": "GDDR6X",
        "bus_bits": 384,
        "data_rate_gbps": 21,
    },
    "bandwidth_gb_s": 1008,
    "tflops": {"fp32": 82, "fp16": 165, "bf16": 165, "fp8": 330, "int8": 660},
    "dtypes": ["fp32", "fp16", "bf16", "fp8", "int8"],
    "interconnect": {"name": "NVLink", "gb_s": 100, "peer_links": 2},
    "pcie_gb_s": 64,
    "compute_units": 128,
    "tdp_w": 450,
    "source": "https://example.com/x",
    "price": {"usd_per_hour": 0.5, "list_usd": 1600, "date": "2026-01", "source": "https://example.com/p"},
}
GPU_FIELDS: tuple[str, ...] = (
    "memory.size",
    "memory.driver_mib",
    "memory.bus_bits",
    "memory.data_rate_gbps",
    "bandwidth_gb_s",
    "tflops.fp32",
    "tflops.fp16",
    "tflops.bf16",
    "tflops.fp8",
    "tflops.int8",
    "interconnect.gb_s",
    "interconnect.peer_links",
    "pcie_gb_s",
    "compute_units",
    "tdp_w",
    "price.usd_per_hour",
    "price.list_usd",
)
# YAML text of each value: a bare `true` is a boolean, `'24'` a quoted string
GPU_VALUES: tuple[str, ...] = (
    "0",
    "-1",
    ".nan",
    ".inf",
    "-.inf",
    "1e-300",
    "5e-324",
    "1e308",
    "99999999999999999999999",
    "true",
    "null",
    "'x'",
    "[]",
    "{}",
    "'24'",
    "1.5",
)


def _entry_yaml(entry: dict[str, Any], field: str, value: str) -> str:
    """A GPU file holding `entry` with the dotted `field` written as the YAML text `value`."""
    marker = "@@value@@"
    out = copy.deepcopy(entry)
    holder = out
    keys = field.split(".")
    for key in keys[:-1]:
        holder = holder[key]
    holder[keys[-1]] = marker
    return "gpus:\n  - " + json.dumps(out).replace(f'"{marker}"', value) + "\n"


def gpu_entries() -> Iterator[tuple[str, str]]:
    """(label, GPU file text): each field with each hostile value, then whole-entry oddities."""
    for field in GPU_FIELDS:
        for value in GPU_VALUES:
            yield f"{field}={value}", _entry_yaml(GPU_ENTRY, field, value)
    odd: list[tuple[str, dict[str, Any]]] = [
        ("no compute rate", {**GPU_ENTRY, "tflops": {}, "dtypes": ["fp32"]}),
        ("memory '24'", {**GPU_ENTRY, "memory": "24"}),
        ("memory 24 MiB", {**GPU_ENTRY, "memory": {"size": 24, "unit": "GiB", "driver_mib": 24}}),
        ("visible_bytes 1", {**GPU_ENTRY, "memory": {**GPU_ENTRY["memory"], "visible_bytes": 1}}),
        (
            "tiny card",
            {
                **GPU_ENTRY,
                "memory": {"size": 1, "unit": "GiB"},
                "bandwidth_gb_s": 1e-3,
                "tflops": dict.fromkeys(GPU_ENTRY["tflops"], 1e-6),
            },
        ),
        ("huge card", {**GPU_ENTRY, "memory": {"size": 1e6, "unit": "GiB"}, "bandwidth_gb_s": 1e9}),
        (
            "unified share 1e-300",
            {**GPU_ENTRY, "memory": {"size": 24, "unit": "GiB", "unified": True, "gpu_share": 1e-300}},
        ),
        ("shadows the H100 id", {**GPU_ENTRY, "id": "H100-SXM-80GB"}),
    ]
    for label, entry in odd:
        yield label, f"gpus:\n  - {json.dumps(entry)}\n"
    yield (
        "duplicate id",
        f"gpus:\n  - {json.dumps(GPU_ENTRY)}\n  - {json.dumps({**GPU_ENTRY, 'name': 'b'})}\n",
    )


def gpu_file_commands(path: Path) -> list[list[str]]:
    """What a GPU file passes through: the listing, estimate with a sweep, fit, plan, compare, check."""
    f = ["--gpu-file", str(path)]
    return [
        ["gpus", *f],
        ["estimate", "Qwen3-8B", "--gpu", "R10X", *f, "--concurrency", "1,64", "--format", "json"],
        ["fit", "Qwen3-30B-A3B", "--gpu", "R10X", *f, "--engine", "llama.cpp"],
        ["plan", "gpt-oss-20b", "--gpu", "R10X", *f, "--engine", "vllm"],
        ["compare", "Qwen3-8B", "--gpus", "R10X,H100", *f],
        [
            "check",
            "--gpu",
            "R10X",
            *f,
            "--",
            "llama-server",
            "-hf",
            "ggml-org/gpt-oss-20b-GGUF",
            "-c",
            "8192",
        ],
    ]


# --- GGUF files of the newer architectures

H, FFN, LAYERS, VOCAB = 256, 512, 4, 320


def write_gguf(
    path: Path, arch: str, meta: dict[str, tuple[str, Any]], tensors: Callable[[Any], None]
) -> Path:
    """A GGUF written by gguf-py's own writer: `meta` maps a key to (writer kind, value)."""
    import gguf

    w = gguf.GGUFWriter(str(path), arch)
    for key, (kind, value) in meta.items():
        getattr(w, f"add_{kind}")(key, value)
    tensors(w)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def _tensor(w: Any, name: str, shape: tuple[int, ...], qtype: Any) -> None:
    """A zero tensor of torch shape `shape` stored as `qtype` (only its layout matters)."""
    import gguf
    import numpy as np

    q = gguf.GGMLQuantizationType
    if qtype == q.F32:
        w.add_tensor(name, np.zeros(shape, dtype=np.float32))
    elif qtype == q.F16:
        w.add_tensor(name, np.zeros(shape, dtype=np.float16))
    else:  # raw blocks: gguf-py cannot quantize K-quants or MXFP4
        block, block_bytes = gguf.GGML_QUANT_SIZES[qtype]
        w.add_tensor(
            name, np.zeros((*shape[:-1], shape[-1] // block * block_bytes), dtype=np.uint8), raw_dtype=qtype
        )


def _blocks(
    experts: int,
    expert_type: Any,
    *,
    dense_type: Any = None,
    tied: bool = False,
    embd: bool = True,
    layers: int = LAYERS,
) -> Callable[[Any], None]:
    """Tensors of a decoder as llama.cpp's converter names them; experts > 0: stacked ffn_*_exps."""
    import gguf

    q = gguf.GGMLQuantizationType
    dense = dense_type or q.Q8_0

    def write(w: Any) -> None:
        if embd:
            _tensor(w, "token_embd.weight", (VOCAB, H), q.F16)
        _tensor(w, "output_norm.weight", (H,), q.F32)
        if not tied:
            _tensor(w, "output.weight", (VOCAB, H), q.Q8_0)
        for i in range(layers):
            _tensor(w, f"blk.{i}.attn_norm.weight", (H,), q.F32)
            for part, rows in (("q", 256), ("k", 128), ("v", 128)):
                _tensor(w, f"blk.{i}.attn_{part}.weight", (rows, H), dense)
            _tensor(w, f"blk.{i}.attn_output.weight", (H, 256), dense)
            if experts:
                _tensor(w, f"blk.{i}.ffn_gate_inp.weight", (experts, H), q.F32)
                for part, shape in (("gate", (FFN, H)), ("up", (FFN, H)), ("down", (H, FFN))):
                    _tensor(w, f"blk.{i}.ffn_{part}_exps.weight", (experts, *shape), expert_type)
            else:
                for part, shape in (("gate", (FFN, H)), ("up", (FFN, H)), ("down", (H, FFN))):
                    _tensor(w, f"blk.{i}.ffn_{part}.weight", shape, expert_type)

    return write


def _meta(arch: str, **extra: tuple[str, Any]) -> dict[str, tuple[str, Any]]:
    meta = {
        f"{arch}.block_count": ("uint32", LAYERS),
        f"{arch}.embedding_length": ("uint32", H),
        f"{arch}.feed_forward_length": ("uint32", FFN),
        f"{arch}.attention.head_count": ("uint32", 4),
        f"{arch}.attention.head_count_kv": ("uint32", 2),
        f"{arch}.context_length": ("uint32", 4096),
        f"{arch}.attention.key_length": ("uint32", 64),
        f"{arch}.attention.value_length": ("uint32", 64),
    }
    for key, value in extra.items():
        meta[key if key.startswith("general.") else f"{arch}.{key}"] = value
    return meta


def gguf_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(label, .gguf path) for gpt-oss, qwen3moe and dense files with odd metadata or tensors."""
    import gguf

    q = gguf.GGMLQuantizationType
    moe = {
        "expert_count": ("uint32", 8),
        "expert_used_count": ("uint32", 2),
        "expert_feed_forward_length": ("uint32", FFN),
    }
    cases: list[tuple[str, str, dict[str, tuple[str, Any]], Callable[[Any], None]]] = [
        ("gpt-oss without file_type", "gpt-oss", _meta("gpt-oss", **moe), _blocks(8, q.MXFP4)),
        (
            "gpt-oss MXFP4_MOE",
            "gpt-oss",
            _meta("gpt-oss", **moe, **{"general.file_type": ("uint32", 38)}),
            _blocks(8, q.MXFP4),
        ),
        ("gpt-oss tied", "gpt-oss", _meta("gpt-oss", **moe), _blocks(8, q.MXFP4, tied=True)),
        (
            "gpt-oss no token_embd",
            "gpt-oss",
            _meta("gpt-oss", **moe),
            _blocks(8, q.MXFP4, tied=True, embd=False),
        ),
        ("gpt-oss no expert tensors", "gpt-oss", _meta("gpt-oss", **moe), _blocks(0, q.Q8_0)),
        ("gpt-oss 2 of 8 experts", "gpt-oss", _meta("gpt-oss", **moe), _blocks(2, q.MXFP4)),
        (
            "gpt-oss expert_count 0",
            "gpt-oss",
            _meta("gpt-oss", **{**moe, "expert_count": ("uint32", 0)}),
            _blocks(8, q.MXFP4),
        ),
        (
            "gpt-oss experts_used > experts",
            "gpt-oss",
            _meta("gpt-oss", **{**moe, "expert_used_count": ("uint32", 64)}),
            _blocks(8, q.MXFP4),
        ),
        (
            "gpt-oss sliding_window 0",
            "gpt-oss",
            _meta("gpt-oss", **moe, **{"attention.sliding_window": ("uint32", 0)}),
            _blocks(8, q.MXFP4),
        ),
        (
            "gpt-oss head_count_kv array of 100",
            "gpt-oss",
            _meta("gpt-oss", **moe, **{"attention.head_count_kv": ("array", [2] * 100)}),
            _blocks(8, q.MXFP4),
        ),
        (
            "gpt-oss head_count_kv zeros",
            "gpt-oss",
            _meta("gpt-oss", **moe, **{"attention.head_count_kv": ("array", [0] * LAYERS)}),
            _blocks(8, q.MXFP4),
        ),
        (
            "gpt-oss rope garbage",
            "gpt-oss",
            _meta(
                "gpt-oss",
                **moe,
                **{"rope.scaling.factor": ("float32", math.nan), "rope.scaling.type": ("string", "\x1b[31m")},
            ),
            _blocks(8, q.MXFP4),
        ),
        (
            "qwen3moe Q4_K_M",
            "qwen3moe",
            _meta("qwen3moe", **moe, **{"general.file_type": ("uint32", 15)}),
            _blocks(8, q.Q4_K),
        ),
        (
            "qwen3next",
            "qwen3next",
            _meta(
                "qwen3next",
                **moe,
                **{
                    "full_attention_interval": ("uint32", 4),
                    "ssm.conv_kernel": ("uint32", 4),
                    "ssm.state_size": ("uint32", 128),
                    "ssm.group_count": ("uint32", 2),
                    "ssm.inner_size": ("uint32", 512),
                    "ssm.time_step_rank": ("uint32", 4),
                },
            ),
            _blocks(8, q.Q4_K),
        ),
        ("qwen3 Q4_K without file_type", "qwen3", _meta("qwen3"), _blocks(0, q.Q4_K)),
        ("qwen3 MXFP4 dense", "qwen3", _meta("qwen3"), _blocks(0, q.MXFP4)),
        ("qwen3 tied", "qwen3", _meta("qwen3"), _blocks(0, q.Q8_0, tied=True)),
        ("qwen3 fewer blocks than block_count", "qwen3", _meta("qwen3"), _blocks(0, q.Q8_0, layers=1)),
        ("gemma3 no token_embd", "gemma3", _meta("gemma3"), _blocks(0, q.Q8_0, tied=True, embd=False)),
    ]
    for i, (label, arch, meta, tensors) in enumerate(cases):
        yield label, write_gguf(root / f"r10-{i}.gguf", arch, meta, tensors)


def gguf_commands(path: Path) -> list[list[str]]:
    p = str(path)
    return [
        ["estimate", p, "--format", "json"],
        ["fit", p, "--gpu", "RTX-4090"],
        ["estimate", p, "--engine", "ollama", "--gpu", "M4-Max-128GB"],
        ["estimate", p, "--engine", "vllm", "--gpu", "H100"],
        [
            "check",
            "--gpu",
            "RTX-4090",
            "--",
            "llama-server",
            "-m",
            p,
            "-c",
            "65536",
            "-np",
            "4",
            "--n-cpu-moe",
            "2",
        ],
        ["estimate", p, "--gpu", "RTX-4090", "--num-gpus", "3", "--gpu-layers", "2"],
    ]


# --- config.json of the hybrid / MLA / MoE catalog models, mutated

CONFIG_TYPES: tuple[str, ...] = (
    "qwen3_next",
    "qwen3_5",
    "qwen3_5_moe",
    "deepseek_v3",
    "deepseek_v32",
    "deepseek_v4",
    "gpt_oss",
    "jamba",
    "falcon_h1",
    "nemotron_h",
    "granitemoehybrid",
    "kimi_linear",
    "lfm2",
    "lfm2_moe",
    "gemma3_text",
    "gemma3n",
    "gemma4",
    "glm4_moe",
    "glm_moe_dsa",
    "minimax_m2",
    "llama4",
    "mimo_v2_flash",
    "step3p5",
    "bailing_moe_linear",
    "qwen3_moe",
    "mixtral",
    "kimi_k2",
    "longcat_flash",
    "exaone4",
    "cohere2",
    "olmo3",
    "glm4_moe_lite",
)
CONFIG_VALUES: tuple[object, ...] = (0, -1, None, True, "x", [], {}, 1.5, 2**40, math.nan, [1] * 5000)
LAYER_TYPE_LISTS: tuple[Callable[[int], object], ...] = (
    lambda n: ["full_attention"] * (n - 1),
    lambda n: ["full_attention"] * (n + 5),
    lambda n: ["mamba"] * n,
    lambda n: ["bogus"] * n,
    lambda n: [None] * n,
    lambda n: "full_attention",
    lambda n: [],
    lambda n: [["x"]] * n,
    lambda n: ["linear_attention"] * n,
    lambda n: ["sliding_attention"] * n,
)
ROPE_SCALINGS: tuple[object, ...] = (
    {"type": "yarn"},
    {"rope_type": "yarn", "factor": -4},
    {"rope_type": "yarn", "factor": math.nan},
    {"rope_type": "\x1b[31m"},
    {"rope_type": "llama3", "factor": 0},
    "yarn",
    [1],
    {"rope_type": "longrope", "long_factor": [1] * 3},
    {"rope_type": "dynamic", "factor": 1e308},
)
NAMED_FIELDS: tuple[tuple[str, object], ...] = (
    ("sliding_window", 0),
    ("sliding_window", -1),
    ("sliding_window", 2**47),
    ("num_experts_per_tok", 10**6),
    ("num_experts", 0),
    ("n_routed_experts", 0),
    ("num_local_experts", 0),
    ("kv_lora_rank", 0),
    ("q_lora_rank", 0),
    ("qk_rope_head_dim", 0),
    ("qk_nope_head_dim", -1),
    ("full_attention_interval", 0),
    ("linear_num_key_heads", 0),
    ("linear_num_value_heads", 7),
    ("first_k_dense_replace", 10**6),
    ("mlp_only_layers", [10**6]),
    ("decoder_sparse_step", 0),
    ("moe_layer_freq", 0),
    ("head_dim", 1),
    ("num_key_value_heads", 0),
    ("n_group", 0),
    ("topk_group", 99),
    ("max_position_embeddings", 1),
    ("vocab_size", 1),
    ("hidden_size", 1),
)


def catalog_configs() -> dict[str, dict[str, Any]]:
    """model_type -> the `config:` of its first bundled entry, for CONFIG_TYPES."""
    found: dict[str, dict[str, Any]] = {}
    for file in sorted((ROOT / "model_specs").glob("*.yaml")):
        for entry in yaml.safe_load(file.read_text()).get("models", []):
            config = entry.get("config") or {}
            kind = config.get("model_type")
            if kind in CONFIG_TYPES and kind not in found:
                found[kind] = config
    return found


def config_mutations(config: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], object]]:
    """(key path, value): every key with every hostile value, then the named hybrid/MoE/MLA fields."""
    text = "text_config" if isinstance(config.get("text_config"), dict) else None
    holders: list[tuple[tuple[str, ...], dict[str, Any]]] = [((), config)]
    if text:
        holders.append(((text,), config[text]))
    for path, holder in holders:
        for key in holder:
            if key in ("model_type", "architectures"):
                continue
            for value in CONFIG_VALUES:
                yield (*path, key), value
    inner = (text,) if text else ()
    layers = int((config.get(text) if text else config).get("num_hidden_layers") or 4)
    for make in LAYER_TYPE_LISTS:
        yield (*inner, "layer_types"), make(layers)
    for rope in ROPE_SCALINGS:
        yield (*inner, "rope_scaling"), rope
    for key, value in NAMED_FIELDS:
        yield (*inner, key), value


def config_cases(
    seed: int, n: int | None = None
) -> list[tuple[str, tuple[str, ...], object, dict[str, Any]]]:
    """(model_type, path, value, mutated config): all, or a seeded sample of `n`."""
    cases = [
        (kind, path, value, mutated(config, path, value))
        for kind, config in catalog_configs().items()
        for path, value in config_mutations(config)
    ]
    return cases if n is None else random.Random(seed).sample(cases, min(n, len(cases)))


def config_commands(folder: Path, engine: str) -> list[list[str]]:
    return [
        ["estimate", str(folder), "--format", "json"],
        ["fit", str(folder), "--gpu", "H100", "--engine", engine, "--format", "json"],
    ]


# --- check -hf, --split-mode, --tensor-split; context extremes; concurrency lists; html outputs

TENSOR_SPLITS: tuple[str, ...] = (
    "",
    ",",
    "-1",
    "nan",
    "inf",
    "1,nan",
    "0,0",
    "0",
    "1e309",
    ",".join(["1"] * 5000),
    "1,-1",
    "a,b",
    "\u0661,\u0662",
    "1;1",
    "1/1",
)
SPLIT_MODES: tuple[str, ...] = ("", "layer", "row", "none", "LAYER", "tensor", "-1", "\x1b[31m", "graph")
HF_REPOS: tuple[str, ...] = (
    "Qwen/Qwen3-8B-GGUF:Q4_K_M",
    "ggml-org/gpt-oss-120b-GGUF",
    "ggml-org/gpt-oss-20b-GGUF:MXFP4",
    "Qwen/Qwen3-Next-80B-A3B-Instruct-GGUF",
    "",
    ":",
    "/",
    "a/b:",
    "a/b:c:d",
    "../../etc",
    "/-GGUF",
    "Qwen/Qwen3-8B-GGUF:\x1b[2J",
    "x" * 5000,
    "Qwen/Qwen3-8B-GGUF:Q99_K",
    "unsloth/Qwen3-8B-GGUF:UD-Q4_K_XL",
    "Qwen/Qwen3-8B-GGUF:q4_k_m",
    "bartowski/gpt-oss-20b-GGUF:F16",
)


def llama_server_cases() -> Iterator[list[str]]:
    head = ["check", "--gpu", "RTX-4090"]
    for split in TENSOR_SPLITS:
        yield [
            *head,
            "--",
            "llama-server",
            "-hf",
            "Qwen/Qwen3-8B-GGUF:Q4_K_M",
            "--split-mode",
            "layer",
            "--tensor-split",
            split,
        ]
    for mode in SPLIT_MODES:
        yield [
            *head,
            "--num-gpus",
            "3",
            "--",
            "llama-server",
            "-hf",
            "ggml-org/gpt-oss-120b-GGUF",
            "-sm",
            mode,
            "-ts",
            "1,1,1",
        ]
    for repo in HF_REPOS:
        yield [*head, "--", "llama-server", "-hf", repo, "-c", "8192"]


CONTEXTS: tuple[str, ...] = (
    "0",
    "1",
    "-1",
    "1k",
    "2m",
    "10m",
    "1e9",
    "99999999999999999999",
    "1048577m",
    "nan",
    "inf",
    "1.5k",
    "0x10",
    "4096tokens",
    "\u0664k",
    "32K",
    "128ki",
    "",
    " ",
    "1_000",
)
ENGINES: tuple[str, ...] = ("vllm", "sglang", "llama.cpp", "ollama", "transformers")


def context_cases() -> Iterator[list[str]]:
    for engine in ENGINES:
        for context in CONTEXTS:
            yield ["plan", "Qwen3-8B", "--gpu", "H100", "--engine", engine, "--context", context]
            yield ["estimate", "gpt-oss-20b", "--engine", engine, "--context", context, "--gpu", "L4"]


CONCURRENCIES: tuple[str, ...] = (
    "",
    "0",
    "-1",
    "1,1,1",
    "1,0",
    "1,-8",
    "nan",
    "1e9",
    "4294967296",
    ",".join(str(i) for i in range(1, 10_001)),
    ",".join(["1"] * 10_000),
    "1,,2",
    "1..8",
    "8-1",
    " 1 , 8 ",
    "1;8",
    "\u0661",
    "9" * 23,
    "1,2,3,",
)


def concurrency_cases() -> Iterator[list[str]]:
    for levels in CONCURRENCIES:
        yield ["estimate", MODEL, "--gpu", "H100", "--engine", "sglang", "--concurrency", levels]
        yield ["compare", MODEL, "--gpus", "H100,M4-Max-128GB", "--concurrency", levels, "--format", "json"]


def output_targets(root: Path) -> list[Path | str]:
    """Where `--output` may point: existing files, a folder named .html, links, devices, a FIFO."""
    import os

    (root / "existing.html").write_text("keep me\n")
    (root / "dir.html").mkdir(exist_ok=True)
    (root / "target.txt").write_text("precious\n")
    for name, target in (
        ("link.html", root / "target.txt"),
        ("dangling.html", root / "nowhere" / "x"),
        ("dirlink.html", root / "dir.html"),
    ):
        if not (root / name).is_symlink():
            (root / name).symlink_to(target)
    fifo = root / "fifo.html"
    if not fifo.exists():
        os.mkfifo(fifo)
    return [
        root / "existing.html",
        root / "dir.html",
        "/dev/full",
        "/dev/null",
        root / "link.html",
        root / "dangling.html",
        root / "dirlink.html",
        root / "new.htm",
        "",
        ".",
        "-",
        root / "noext",
        "/",
        root / "target.txt" / "x.html",
        fifo,
        "/dev/stdout",
        root / "sub" / "deep" / "x.html",
    ]


def output_cases(root: Path) -> Iterator[list[str]]:
    commands = (
        ["estimate", MODEL, "--gpu", "H100", "--concurrency", "1,8"],
        ["compare", MODEL, "--gpus", "H100,L4"],
        ["fit", MODEL, "--gpu", "H100"],
        ["plan", MODEL, "--gpu", "H100", "--engine", "vllm"],
        ["check", "--gpu", "H100"],
    )
    for command in commands:
        tail = ["--", "vllm", "serve", "Qwen/Qwen2.5-0.5B"] if command[0] == "check" else []
        for target in output_targets(root):
            yield [*command, "--format", "html", "--output", str(target), *tail]
            yield [*command, "--output", str(target), *tail]


# --- plan's commands fed back to check

ROUND_TRIPS: tuple[tuple[str, str, str, str], ...] = (
    ("gpt-oss-120b", "RTX-4090", "llama.cpp", "32k"),  # ggml-org's tagless MXFP4 repo over 3 GPUs
    ("gpt-oss-20b", "L4", "llama.cpp", "4k"),
    ("Qwen3-30B-A3B", "RTX-3090", "llama.cpp", "64k"),
    ("Qwen3.5-35B-A3B", "RTX-4090", "sglang", "4k"),  # tp 2 x pp 3: --pp-size was dropped
    ("Qwen2.5-72B-Instruct", "L4", "sglang", "4k"),
    ("Qwen3-Next-80B-A3B-Instruct", "H100", "vllm", "128k"),
    ("DeepSeek-V2-Lite", "L4", "vllm", "16k"),
    ("Qwen3-8B", "L4", "ollama", "32k"),
)


def check_argv(plan_doc: dict[str, Any], gpu: str) -> list[str]:
    """`check` of the command a `plan --format json` document holds, on the plan's GPU count; a leading
    NAME=value (Ollama's variables) goes to --env."""
    import shlex

    words = shlex.split(plan_doc["command"])
    env: list[str] = []
    while words and "=" in words[0] and not words[0].startswith("-"):
        env += ["--env", words.pop(0)]
    count = plan_doc["gpus"][0]["count"]
    return ["check", "--gpu", gpu, "--num-gpus", str(count), *env, "--", *words]


# --- docker images: odd tags on each engine's image

IMAGE_TAGS: tuple[str, ...] = (
    "latest",
    "v0.0.1",
    "v9999.0",
    "nightly-abc",
    "v0.10.1rc1",
    "\x1b[31m",
    "",
    "v0." + "1" * 500,
    "v\u0660.\u0661",
    "sha256:" + "a" * 64,
    "v0.14.0+cu129",
)


def docker_cases() -> Iterator[list[str]]:
    for tag in IMAGE_TAGS:
        yield [
            "check",
            "--gpu",
            "H100",
            "--",
            "docker",
            "run",
            "--gpus",
            "all",
            f"vllm/vllm-openai:{tag}",
            "--model",
            "Qwen/Qwen3-8B",
        ]
        yield [
            "check",
            "--gpu",
            "H100",
            "--",
            "docker",
            "run",
            f"lmsysorg/sglang:{tag}",
            "python3",
            "-m",
            "sglang.launch_server",
            "--model-path",
            "Qwen/Qwen3-8B",
        ]
        yield [
            "check",
            "--gpu",
            "RTX-4090",
            "--",
            "docker",
            "run",
            f"ghcr.io/ggml-org/llama.cpp:server-{tag}",
            "-hf",
            "ggml-org/gpt-oss-20b-GGUF",
        ]


# --- documents that break a parser's own constructors: GPU files and saved reports alike

ODD_DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("an integer of 100,000 digits (JSON)", '{"schema_version": 1, "x": ' + "9" * 100_000 + "}"),
    ("an integer of 100,000 digits (YAML)", "schema_version: 1\nx: " + "9" * 100_000 + "\n"),
    ("a date that is none", "gpus:\n  - {id: R10D, price: {date: 2026-13-45}}\n"),
    ("a python tag", "schema_version: 1\nx: !!python/object/apply:os.system ['echo no']\n"),
    ("a custom tag", "schema_version: !!int '1'\nmemory: !custom {a: 1}\n"),
    ("nested 100,000 deep", "[" * 100_000 + "]" * 100_000),
)


def odd_document_cases(root: Path) -> Iterator[list[str]]:
    for i, (label, text) in enumerate(ODD_DOCUMENTS):
        path = root / f"r10-doc-{i}.{'json' if 'JSON' in label or text.startswith(('{', '[')) else 'yaml'}"
        path.write_text(text)
        yield ["gpus", "--gpu-file", str(path)]
        yield ["report", "show", str(path)]
