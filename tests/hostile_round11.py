"""The eleventh hostile and newcomer round (issue 15): the surface added since round 10.

- GGUF files of the newer architectures (qwen3next, qwen35, qwen35moe, glm4moe, deepseek2 with a next-n
  block, lfm2, lfm2moe, nemotron_h, nemotron_h_moe, granitehybrid, kimi-linear), written as llama.cpp's
  converter writes them (the unit tests' writers), then every `{arch}.*` key removed or set to zero,
  -1, 2^32-1, 2^63, a float, NaN, a string, a boolean, an empty or short array and per-layer arrays of
  the wrong length or element type; and general.file_type / split.count / general.alignment the same way
  (a string `expert_count` was "internal error: Cannot specify ',' with 's'", a string `block_count` a
  TypeError, general.file_type = inf or an array an OverflowError / TypeError);
- the config overrides a pasted command carries (vLLM --hf-overrides / --rope-scaling /
  --speculative-config, SGLang --json-model-override-args): nesting 10,000 deep (RecursionError), a RoPE
  factor of Infinity (JSON's literal; OverflowError) or 1e-300 (a derived length of 0 tokens: a
  ValidationError of the engine figures), also through a local config.json;
- a Hub (tests/hub_server.py on 127.0.0.1) whose safetensors headers or shard index huggingface_hub
  cannot parse: deep nesting, shapes of 5,000 digits, of "x" or null, a weight_map that is a list or
  names a shard by a number (RecursionError / ValueError / TypeError from inside huggingface_hub);
- config.json of the hybrid / MLA / MoE catalog models with the keys of their nested objects
  (linear_attn_config, rope_parameters, quantization_config, text_config) and the ends of their lists
  mutated, Nemotron-H patterns of the wrong length or letters, Llama 4 per-layer lists of the wrong kind;
- --dp / --ep / --dp-attention / --dp-lm-head / --allow-long-context / --no-op-offload on every engine,
  the parallel and context flags of pasted vLLM / SGLang / llama-server commands and OLLAMA_* values,
  launch commands pasted as names, GGUF repo names and Ollama tags with --quant in `plan`, and shell
  completion requests;
- the time bound: llama.cpp / Ollama layouts of the largest MoE models on small GPUs took 2-4 s (the
  op-offload copy walked every tensor of the host blocks at each --gpu-layers step).
Each must end in a result or one clear line with exit 2, quickly and in bounded memory.
"""

from __future__ import annotations

import json
import math
import os
import struct
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hostile_round10 as r10

ROOT = Path(__file__).resolve().parents[1]
MODEL = "Qwen2.5-0.5B"

# --- GGUF files of the newer architectures, every key mutated

REMOVED = r10.REMOVED
GGUF_VALUES: tuple[object, ...] = (
    REMOVED,
    0,
    -1,
    2**32 - 1,
    2**63,
    1.5,
    math.nan,
    "x",
    True,
    [],
    [0],
    [2**31 - 1] * 3,
)
GENERAL_KEYS: tuple[str, ...] = ("general.file_type", "split.count", "general.alignment")
GENERAL_VALUES: tuple[object, ...] = (
    REMOVED,
    0,
    -1,
    2**32 - 1,
    2**63,
    1.5,
    math.nan,
    math.inf,
    "x",
    "\x1b[31m",
    True,
    [],
    [7] * 3,
    ["a"],
    38,
)


def per_layer_arrays(blocks: int) -> list[list[Any]]:
    """Per-layer arrays (head_count_kv, feed_forward_length of the hybrids) of the wrong length or kind."""
    return [
        [0] * blocks,
        [0] * (blocks - 1),
        [1] * (blocks + 1),
        [-1] * blocks,
        [2**31 - 1] * blocks,
        [1.5] * blocks,
        ["x"] * blocks,
        [True] * blocks,
        [0, 1] * (blocks // 2) + [0] * (blocks % 2),
        [1] * 100_000,
    ]


def _unit_writers() -> Any:
    """The unit tests' GGUF writers (restated from llama.cpp's converter there; one restatement kept)."""
    unit = str(ROOT / "tests" / "unit")
    if unit not in sys.path:
        sys.path.insert(0, unit)
    import test_gguf_hybrid
    import test_gguf_layer_kinds

    return test_gguf_hybrid, test_gguf_layer_kinds


def gguf_bases(root: Path) -> list[tuple[str, Path]]:
    """(llama.cpp architecture, header-only file converted from the catalog config) for each new arch."""
    from llmsize.specs import catalog

    hybrid, kinds = _unit_writers()

    def config(name: str) -> dict[str, Any]:
        entry = catalog.get(name)
        assert entry is not None, name
        return entry.model.config

    def layer_types(name: str) -> tuple[str, ...]:
        entry = catalog.get(name)
        assert entry is not None
        return catalog.spec_for(entry).layer_types or ()

    def text(name: str) -> dict[str, Any]:
        entry = catalog.get(name)
        assert entry is not None
        return hybrid._text_config(entry)

    root.mkdir(parents=True, exist_ok=True)
    bases = [
        (
            "qwen3next",
            hybrid.write_converted(root / "qwen3next.gguf", "qwen3next", text("Qwen3-Next-80B-A3B-Instruct")),
        ),
        (
            "qwen35moe",
            hybrid.write_converted(root / "qwen35moe.gguf", "qwen35moe", text("Qwen3.5-35B-A3B"), mtp=1),
        ),
        ("qwen35", hybrid.write_converted(root / "qwen35.gguf", "qwen35", text("Qwen3.5-27B"), mtp=1)),
        ("glm4moe", hybrid.write_converted(root / "glm4moe.gguf", "glm4moe", text("GLM-4.5-Air"), mtp=1)),
        ("deepseek2", hybrid.write_deepseek2(root / "deepseek2.gguf", config("DeepSeek-V3"), mtp=1)),
        ("lfm2", kinds.write_lfm2(root / "lfm2.gguf", config("LFM2-350M"), layer_types("LFM2-350M"))),
        (
            "lfm2moe",
            kinds.write_lfm2(root / "lfm2moe.gguf", config("LFM2-8B-A1B"), layer_types("LFM2-8B-A1B")),
        ),
        ("nemotron_h", kinds.write_nemotron_h(root / "nemotron_h.gguf", config("Nemotron-H-8B-Base-8K"))),
        (
            "nemotron_h_moe",
            kinds.write_nemotron_h(
                root / "nemotron_h_moe.gguf", config("NVIDIA-Nemotron-3-Super-120B-A12B-BF16")
            ),
        ),
        (
            "granitehybrid",
            kinds.write_granite_hybrid(root / "granitehybrid.gguf", config("granite-4.0-h-small")),
        ),
        (
            "kimi-linear",
            kinds.write_kimi_linear(root / "kimi-linear.gguf", config("Kimi-Linear-48B-A3B-Instruct")),
        ),
    ]
    return [(arch, _with_data_room(path)) for arch, path in bases]


def _with_data_room(path: Path) -> Path:
    """A header-only file extended (sparsely) past its tensors' data, so the CLI reads it as whole."""
    from llmsize.errors import ConfigError
    from llmsize.specs.gguf_reader import read_header

    try:
        header = read_header(path)
    except ConfigError:  # a header llmsize refuses anyway (an alignment of 0): left as written
        return path
    end = max((header.data_start + t.offset + 2 * math.prod(t.shape) for t in header.tensors), default=0)
    if header.file_bytes < end <= 1 << 40:  # not past what a file system takes (an alignment of 2^63)
        os.truncate(path, end + 64)
    return path


def rewrite(base: Path, target: Path, arch: str, key: str, value: object) -> Path | None:
    """`base` with metadata `key` set to `value` (REMOVED: left out), tensor records kept; None when
    gguf-py cannot write the value (an array it cannot type)."""
    import gguf
    import numpy as np

    from llmsize.specs.gguf_reader import GGUFArray, read_header

    header = read_header(base)
    meta = {k: v for k, v in header.metadata.items() if k != "general.architecture"}
    if value is REMOVED:
        meta.pop(key, None)
    else:
        meta[key] = value
    w = gguf.GGUFWriter(str(target), arch)
    try:
        for k, v in meta.items():
            _add(w, k, list(v.items or ()) if isinstance(v, GGUFArray) else v)
        for t in header.tensors:
            shape = t.shape[::-1]
            w.add_tensor_info(t.name, shape, np.dtype(np.float16), 2 * math.prod(shape))
        w.write_header_to_file()
        w.write_kv_data_to_file()
        w.write_ti_data_to_file()
    except (struct.error, ValueError, TypeError):
        w.close()
        return None
    w.close()
    return _with_data_room(target)


def _add(w: Any, key: str, value: Any) -> None:
    if isinstance(value, bool):
        w.add_bool(key, value)
    elif isinstance(value, int):
        if 0 <= value < 2**32:
            w.add_uint32(key, value)
        elif -(2**31) <= value < 0:
            w.add_int32(key, value)
        elif value < 0:
            w.add_int64(key, value)
        else:
            w.add_uint64(key, value)
    elif isinstance(value, float):
        w.add_float32(key, value)
    elif isinstance(value, str):
        w.add_string(key, value)
    else:
        w.add_array(key, value)


def gguf_mutations(bases: list[tuple[str, Path]]) -> Iterator[tuple[str, Path, str, str, object]]:
    """(label, base, arch, key, value): each `{arch}.*` key with each value, per-layer arrays too, and
    the general keys."""
    from llmsize.specs.gguf_reader import GGUFArray, read_header

    for arch, base in bases:
        metadata = read_header(base).metadata
        blocks = metadata[f"{arch}.block_count"]
        for key, old in metadata.items():
            if not key.startswith(f"{arch}."):
                continue
            arrays = isinstance(old, GGUFArray) or "head_count" in key or "feed_forward" in key
            values = [*GGUF_VALUES, *(per_layer_arrays(blocks) if arrays else ())]
            for value in values:
                yield f"{key}={_short(value)}", base, arch, key, value
        for key in GENERAL_KEYS:
            for value in GENERAL_VALUES:
                yield f"{key}={_short(value)}", base, arch, key, value


def _short(value: object) -> str:
    return "removed" if value is REMOVED else repr(value)[:30]


def gguf_commands(path: Path, i: int) -> list[list[str]]:
    """Two of the paths a GGUF goes through, rotating over estimate, fit, check, plan and SGLang."""
    p = str(path)
    every = [
        ["estimate", p, "--format", "json"],
        ["fit", p, "--gpu", "H100", "--engine", "vllm"],
        [
            "check",
            "--gpu",
            "RTX-4090",
            "--",
            "llama-server",
            "-m",
            p,
            "-c",
            "32768",
            "-ngl",
            "99",
            "-np",
            "2",
        ],
        ["estimate", p, "--engine", "sglang", "--gpu", "H100", "--num-gpus", "8"],
        ["plan", p, "--gpu", "RTX-4090", "--engine", "llama.cpp"],
    ]
    return [every[(2 * i) % 5], every[(2 * i + 1) % 5]]


# --- config overrides in pasted commands


def _ropes() -> list[dict[str, object]]:
    factors: tuple[object, ...] = (4.0, 0, -1, 1e308, math.nan, math.inf, 1e-300, "x", None, True, [4], 2**70)
    originals: tuple[object, ...] = (32768, 0, -1, 2**62, "x", None, 1.5)
    ropes: list[dict[str, object]] = [
        {"rope_type": "yarn", "factor": f, "original_max_position_embeddings": o}
        for f in factors
        for o in originals
    ]
    ropes += [
        {"rope_type": "dynamic", "factor": 1e-300},
        {"rope_type": "linear", "factor": 1e-9},
        {"type": "yarn"},
        {},
        {"rope_type": "\x1b[31m"},
        {"rope_type": "longrope", "long_factor": [1e308] * 10, "short_factor": []},
        {"rope_type": "llama3", "factor": 8, "low_freq_factor": 0, "high_freq_factor": 0},
    ]
    return ropes


def override_documents() -> list[str]:
    """JSON texts for --hf-overrides and its kin: RoPE scaling in three places, lengths, odd shapes."""
    docs: list[object] = []
    for rope in _ropes():
        docs += [
            {"rope_scaling": rope},
            {"text_config": {"rope_parameters": rope}},
            {"rope_parameters": {"full_attention": rope, "sliding_attention": rope}},
        ]
    for m in (0, -1, 2**62, 1.5, "x", True, None, [1], 2**40, 2**41):
        docs += [{"max_position_embeddings": m}, {"text_config": {"max_position_embeddings": m}}]
    docs += [{"text_config": 1}, {"text_config": []}, {"rope_scaling": "yarn"}, {"rope_scaling": None}, []]
    texts = [json.dumps(d) for d in docs]  # NaN / Infinity written as JSON's literals, as Python reads them
    texts += [
        "NaN",
        "1e400",
        '{"a":' * 10_000 + "1" + "}" * 10_000,
        "[" * 100_000 + "]" * 100_000,
        '"x"',
        "{",
        '{"max_position_embeddings": ' + "9" * 5000 + "}",
        "",
        "\x00",
    ]
    return texts


def override_cases() -> Iterator[list[str]]:
    for i, text in enumerate(override_documents()):
        context = ("131072", "1000000000", "4096")[i % 3]
        yield [
            "check",
            "--gpu",
            "H100",
            "--",
            "vllm",
            "serve",
            "Qwen/Qwen3-8B",
            "--hf-overrides",
            text,
            "--max-model-len",
            context,
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
            "Qwen/Qwen3-8B",
            "--json-model-override-args",
            text,
            "--context-length",
            context,
        ]
        if i % 3 == 0:
            yield ["check", "--gpu", "H100", "--", "vllm", "serve", "Qwen/Qwen3-8B", "--rope-scaling", text]
            yield [
                "check",
                "--gpu",
                "H100",
                "--",
                "vllm",
                "serve",
                "Qwen/Qwen3-8B",
                "--speculative-config",
                text,
            ]


def rope_config(factor: float, rope_type: str = "dynamic") -> dict[str, Any]:
    """Qwen3-8B's catalog config.json with a rope_scaling of this factor."""
    from llmsize.specs import catalog

    entry = catalog.get("Qwen3-8B")
    assert entry is not None
    return {**entry.model.config, "rope_scaling": {"rope_type": rope_type, "factor": factor}}


# --- a Hub whose safetensors headers huggingface_hub cannot parse


def _raw_header(text: bytes) -> bytes:
    return struct.pack("<Q", len(text)) + text


_GOOD = {"model.embed_tokens.weight": {"dtype": "BF16", "shape": [128, 64], "data_offsets": [0, 16384]}}


def hub_safetensors() -> list[tuple[str, dict[str, bytes]]]:
    """(label, extra files of a repo beside a tiny config.json): broken headers and shard indexes."""
    from hub_server import safetensors_bytes

    headers: dict[str, object] = {
        "shape 'x'": {"w": {"dtype": "BF16", "shape": ["x"], "data_offsets": [0, 2]}},
        "negative shape": {"w": {"dtype": "BF16", "shape": [-5, 3], "data_offsets": [0, 2]}},
        "shape 2^62 x 2^62": {"w": {"dtype": "BF16", "shape": [2**62, 2**62], "data_offsets": [0, 2]}},
        "shape 1.5": {"w": {"dtype": "BF16", "shape": [1.5], "data_offsets": [0, 2]}},
        "shape null": {"w": {"dtype": "BF16", "shape": None, "data_offsets": [0, 2]}},
        "dtype Q4_K": {"w": {"dtype": "Q4_K", "shape": [4], "data_offsets": [0, 2]}},
        "dtype 5": {"w": {"dtype": 5, "shape": [4], "data_offsets": [0, 2]}},
        "no dtype": {"w": {"shape": [4], "data_offsets": [0, 2]}},
        "tensor a list": {"w": [1, 2]},
        "offsets 'x'": {"w": {"dtype": "BF16", "shape": [4], "data_offsets": "x"}},
        "metadata a list": {"__metadata__": [1], **_GOOD},
        "empty": {},
        "a list": [1, 2],
    }
    raw: dict[str, bytes] = {
        "length 2^63": struct.pack("<Q", 2**63) + b"{}",
        "length 0": struct.pack("<Q", 0),
        "one byte": b"\x01",
        "not UTF-8": _raw_header(b"\xff\xfe{}"),
        "NaN shape": _raw_header(b'{"w": {"dtype": "BF16", "shape": [NaN], "data_offsets": [0, 2]}}'),
        "nested 100,000 deep": _raw_header(b"[" * 100_000 + b"]" * 100_000),
        "shape of 5,000 digits": _raw_header(
            b'{"w": {"dtype": "BF16", "shape": [' + b"9" * 5000 + b'], "data_offsets": [0, 2]}}'
        ),
    }
    cases = [
        (label, {"model.safetensors": _raw_header(json.dumps(h).encode())}) for label, h in headers.items()
    ]
    cases += [(label, {"model.safetensors": body}) for label, body in raw.items()]
    shard = safetensors_bytes({"w": ("BF16", (4,))})
    indexes: tuple[object, ...] = (
        {"weight_map": []},
        [1],
        {"weight_map": {"a": 5}},
        {"weight_map": {"a": "../../etc/passwd"}},
        {"weight_map": {"a": "model-00001.safetensors"}, "metadata": {"total_size": -1}},
        {"metadata": {"total_size": 2**80}, "weight_map": {}},
    )
    for index in indexes:
        files = {"model.safetensors.index.json": json.dumps(index).encode(), "model-00001.safetensors": shard}
        cases.append((f"index {json.dumps(index)[:40]}", files))
    return cases


def hub_commands(repo: str) -> list[list[str]]:
    return [
        ["estimate", repo, "--format", "json"],
        ["check", "--gpu", "H100", "--", "vllm", "serve", repo],
        ["plan", repo, "--gpu", "L4", "--engine", "sglang"],
    ]


# --- config.json: nested keys of the new architectures, patterns, per-layer lists

NESTED_VALUES: tuple[object, ...] = (
    0,
    -1,
    None,
    True,
    "x",
    "64",
    [],
    {},
    1.5,
    4096.5,
    2**62,
    math.nan,
    math.inf,
    [1] * 5000,
    -0.0,
    1e-300,
)


def nested_paths(config: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    """The keys of nested objects (text_config's too) and the first and last entry of each list."""
    for key, value in config.items():
        if isinstance(value, dict):
            for key2, value2 in value.items():
                if key == "text_config" and isinstance(value2, dict):
                    yield from ((key, key2, key3) for key3 in value2)
                elif key != "text_config":
                    yield (key, key2)
                if isinstance(value2, list) and value2:
                    yield (key, key2, 0)
                    yield (key, key2, len(value2) - 1)
        if isinstance(value, list) and value and key != "architectures":
            yield (key, 0)
            yield (key, len(value) - 1)


def _patterns(n: int) -> list[str]:
    return [
        "M" * n,
        "*" * n,
        "E" * n,
        "-" * n,
        "M" * (n - 1),
        "M" * (n + 3),
        "",
        "X" * n,
        "m" * n,
        "\u039c" * n,
        "M-*E" * (n // 4) + "M" * (n % 4),
        "M" * 10**6,
    ]


def _lists(n: int) -> list[list[Any]]:
    return [
        [1] * (n - 1),
        [0] * (n + 2),
        [2] * n,
        ["x"] * n,
        [None] * n,
        list(range(10**5)),
        [-1],
        [n + 5],
        [1.5] * n,
        [[1]] * n,
    ]


def config_cases() -> list[tuple[str, tuple[Any, ...], object, dict[str, Any]]]:
    """(model_type, path, value, mutated config) over the catalog configs round 10 mutated at the top."""
    configs = r10.catalog_configs()
    cases = [
        (kind, path, value, r10.mutated(config, path, value))
        for kind, config in configs.items()
        for path in nested_paths(config)
        for value in NESTED_VALUES
    ]
    nemotron = configs["nemotron_h"]
    for pattern in _patterns(nemotron["num_hidden_layers"]):
        changed = r10.mutated(nemotron, ("hybrid_override_pattern",), pattern)
        cases.append(("nemotron_h", ("hybrid_override_pattern",), pattern[:20], changed))
        cases.append(
            (
                "nemotron_h",
                ("hybrid_override_pattern", "+layers"),
                pattern[:20],
                {**changed, "num_hidden_layers": len(pattern)},
            )
        )
    llama4 = configs["llama4"]
    inner: tuple[str, ...] = ("text_config",) if "text_config" in llama4 else ()
    layers = (llama4.get("text_config") or llama4)["num_hidden_layers"]
    for key in ("no_rope_layers", "moe_layers", "layer_types"):
        for values in _lists(layers):
            cases.append(
                ("llama4", (*inner, key), str(values)[:20], r10.mutated(llama4, (*inner, key), values))
            )
    return cases


def config_commands(folder: Path, engine: str) -> list[list[str]]:
    return [
        ["estimate", str(folder), "--format", "json"],
        ["fit", str(folder), "--gpu", "H100", "--engine", engine, "--format", "json"],
    ]


# --- parallel options, pasted launch flags, names, plan's GGUF repos and Ollama tags

PARALLEL_MODELS: tuple[str, ...] = (
    "Qwen3-30B-A3B",
    "DeepSeek-V2-Lite",
    "gpt-oss-120b",
    "Qwen3-8B",
    "Qwen3-Next-80B-A3B-Instruct",
    "Llama-4-Scout-17B-16E-Instruct",
    "Qwen3.5-35B-A3B",
)
PARALLEL_FLAGS: tuple[tuple[str, ...], ...] = (
    ("--dp", "3", "--ep"),
    ("--dp", "1000000", "--ep"),
    ("--dp-attention", "7", "--tp", "8"),
    ("--dp-attention", "8", "--tp", "8", "--dp-lm-head"),
    ("--dp-lm-head",),
    ("--ep", "--tp", "3"),
    ("--dp", "2", "--pp", "3", "--tp", "3"),
    ("--allow-long-context", "--context", "10m"),
    ("--no-op-offload",),
    ("--dp", "99999999999999999999"),
    ("--dp-attention", "2", "--num-gpus", "1"),
    ("--ep", "--num-gpus", "1000"),
)


def parallel_cases() -> Iterator[list[str]]:
    for model in PARALLEL_MODELS:
        for engine in r10.ENGINES:
            for flags in PARALLEL_FLAGS:
                for command in ("plan", "estimate", "fit"):
                    if command == "plan" and "--tp" in flags:
                        continue  # plan chooses the TP degree
                    yield [command, model, "--gpu", "H100", "--engine", engine, *flags]


FLAG_VALUES: tuple[str, ...] = (
    "-1",
    "0",
    "1",
    "3",
    "1e9",
    "9" * 20,
    "nan",
    "x",
    "",
    "\u0663",
    "2.5",
    "auto",
    "--",
    "1,2",
)
VLLM_FLAGS: tuple[str, ...] = (
    "--data-parallel-size",
    "-dp",
    "--data-parallel-size-local",
    "--tensor-parallel-size",
    "-tp",
    "--pipeline-parallel-size",
    "--max-num-seqs",
    "--max-model-len",
    "--gpu-memory-utilization",
    "--kv-cache-dtype",
    "--quantization",
    "--max-num-batched-tokens",
    "--swap-space",
    "--cpu-offload-gb",
    "--kv-cache-memory",
    "--block-size",
    "--dtype",
    "--num-gpu-blocks-override",
    "--max-lora-rank",
    "--mamba-ssm-cache-dtype",
    "-O",
)
SGLANG_FLAGS: tuple[str, ...] = (
    "--dp-size",
    "--dp",
    "--tp-size",
    "--tp",
    "--ep-size",
    "--ep",
    "--pp-size",
    "--mem-fraction-static",
    "--context-length",
    "--max-running-requests",
    "--chunked-prefill-size",
    "--max-total-tokens",
    "--kv-cache-dtype",
    "--quantization",
    "--max-mamba-cache-size",
    "--mamba-full-memory-ratio",
    "--speculative-num-steps",
    "--speculative-eagle-topk",
    "--speculative-num-draft-tokens",
    "--speculative-algorithm",
    "--cuda-graph-max-bs",
    "--moe-dense-tp-size",
)
LLAMA_FLAGS: tuple[str, ...] = (
    "-ngl",
    "--n-gpu-layers",
    "-sm",
    "-ts",
    "-mg",
    "-c",
    "-np",
    "-b",
    "-ub",
    "--n-cpu-moe",
    "-ot",
    "-ctk",
    "-ctv",
    "-fa",
    "--cpu-moe",
    "-md",
    "-ngld",
    "--draft-max",
    "--mmproj",
    "-kvu",
    "--swa-full",
    "--no-kv-offload",
    "--rope-scaling",
    "--yarn-orig-ctx",
    "--rope-scale",
    "-dev",
)
OLLAMA_VARIABLES: tuple[str, ...] = (
    "OLLAMA_CONTEXT_LENGTH",
    "OLLAMA_NUM_PARALLEL",
    "OLLAMA_KV_CACHE_TYPE",
    "OLLAMA_FLASH_ATTENTION",
    "OLLAMA_GPU_OVERHEAD",
    "OLLAMA_MAX_LOADED_MODELS",
    "OLLAMA_SCHED_SPREAD",
    "OLLAMA_NEW_ENGINE",
)


def launch_flag_cases() -> Iterator[list[str]]:
    for value in FLAG_VALUES:
        for flag in VLLM_FLAGS:
            yield [
                "check",
                "--gpu",
                "H100",
                "--num-gpus",
                "8",
                "--",
                "vllm",
                "serve",
                "Qwen/Qwen3-30B-A3B",
                "--enable-expert-parallel",
                flag,
                value,
            ]
        for flag in SGLANG_FLAGS:
            yield [
                "check",
                "--gpu",
                "H100",
                "--num-gpus",
                "8",
                "--",
                "python3",
                "-m",
                "sglang.launch_server",
                "--model-path",
                "Qwen/Qwen3-30B-A3B",
                "--enable-dp-attention",
                "--enable-dp-lm-head",
                flag,
                value,
            ]
        for flag in LLAMA_FLAGS:
            yield [
                "check",
                "--gpu",
                "RTX-4090",
                "--num-gpus",
                "2",
                "--",
                "llama-server",
                "-hf",
                "Qwen/Qwen3-8B-GGUF:Q4_K_M",
                "-sm",
                "row",
                flag,
                value,
            ]
        for variable in OLLAMA_VARIABLES:
            yield [
                "check",
                "--gpu",
                "RTX-3090",
                "--env",
                f"{variable}={value}",
                "--",
                "ollama",
                "run",
                "qwen3:8b",
            ]


PASTED: tuple[str, ...] = (
    "ollama run gpt-oss:20b",
    "vllm serve Qwen/Qwen3-8B " + "x " * 20_000,
    "ollama run " + "a" * 100_000,
    "llama-server -hf",
    "python -m sglang.launch_server --model-path",
    "vllm serve",
    "ollama run \x1b[31m",
    "ollama\trun\tqwen3",
    "ollama run qwen3:8b\n",
    "vllm serve Qwen/Qwen3-8B --tp 2 | sh",
    "trtllm-serve",
    "llama-cli -m ../../../etc/passwd",
    "python3 -m vllm.entrypoints.openai.api_server --model Qwen/Qwen3-8B",
    "docker run vllm/vllm-openai --model Qwen/Qwen3-8B",
    "OLLAMA_CONTEXT_LENGTH=8192 ollama run qwen3",
    "ollama pull qwen3:8b && ollama run qwen3:8b",
    "$(rm -rf /)",
    "`id`",
    "vllm serve 'Qwen/Qwen3-8B",
    'vllm serve "',
    "llama-server -m model.gguf -hf a/b -hf c/d",
)


def pasted_cases() -> Iterator[list[str]]:
    for text in PASTED:
        yield ["estimate", text]
        yield ["plan", text, "--gpu", "H100"]
        yield ["fit", text, "--gpu", "L4"]
        yield ["parse", text]
        yield ["compare", text, "--gpus", "H100,L4"]


PLAN_NAMES: tuple[str, ...] = (
    "unsloth/Qwen3-30B-A3B-GGUF",
    "unsloth/Qwen3-30B-A3B-GGUF:Q4_K_M",
    "unsloth/Qwen3-30B-A3B-GGUF:UD-Q2_K_XL",
    "bartowski/Qwen_Qwen3-8B-GGUF:Q4_K_M",
    "ggml-org/gpt-oss-20b-GGUF",
    "Qwen/Qwen3-8B-GGUF:IQ1_S",
    "Qwen/Qwen3-8B-GGUF:q4_k_m",
    "Qwen/Qwen3-8B-GGUF:Q4_K_M:Q8_0",
    "unsloth/DeepSeek-V3-GGUF:UD-IQ1_S",
    "unsloth/Qwen3.5-35B-A3B-GGUF",
    "unsloth/GLM-4.6-GGUF:Q2_K",
    "qwen3:8b",
    "qwen3:8b-q4_K_M",
    "qwen3:235b-a22b",
    "gpt-oss:120b",
    "qwen3-next:80b",
    "qwen3.5:35b",
    "deepseek-r1:671b",
    "qwen3:8b-fp16",
    "qwen3:latest",
    "qwen3:",
    ":8b",
    "qwen3:8b:8b",
    "hf.co/unsloth/Qwen3-8B-GGUF:Q4_K_M",
    "hf.co/",
    "hf.co/a",
    "hf.co/unsloth/Qwen3-8B-GGUF:" + "Q" * 5000,
    "Qwen3-8B-Q4_K_M.gguf",
    "Qwen3-8B-UD-Q4_K_XL.gguf",
    "gemma3:27b-it-qat",
    "llama4:scout",
    "kimi-k2:1t-cloud",
    "gpt-oss:20b-cloud",
    "qwen3-coder:480b-cloud",
)
QUANTS: tuple[str | None, ...] = (
    None,
    "Q4_K_M",
    "q4_k_m",
    "Q8_0",
    "IQ1_S",
    "MXFP4",
    "mxfp4",
    "fp8",
    "awq",
    "gptq",
    "gptq-int8",
    "bnb-nf4",
    "bnb-int8",
    "none",
    "Q99",
    "",
    "UD-Q4_K_XL",
    "F16",
    "BF16",
    "Q4_0_4_4",
    "TQ1_0",
    "nvfp4",
    "int4",
    "\u0664",
)
SMALL_GPUS: tuple[str, ...] = ("RTX-4090", "H100", "M4-Max-128GB", "RTX-3060")


def plan_name_cases() -> Iterator[list[str]]:
    """Every name x quant x engine x GPU: about 13,000 (the long run samples them)."""
    for name in PLAN_NAMES:
        for quant in QUANTS:
            for engine in ("llama.cpp", "ollama", "vllm", None):
                for gpu in SMALL_GPUS:
                    yield [
                        "plan",
                        name,
                        "--gpu",
                        gpu,
                        *(["--quant", quant] if quant is not None else []),
                        *(["--engine", engine] if engine else []),
                    ]
        yield ["check", "--gpu", "RTX-4090", "--", "ollama", "run", name]
        yield ["check", "--gpu", "RTX-4090", "--", "llama-server", "-hf", name, "-ngl", "99", "-ts", "3,1"]


# --- saved documents of the newer options and commands, mutated (round 10's report_mutations)


def report_commands() -> list[list[str]]:
    """Runs whose `--output` documents are mutated: plan (llama.cpp, vLLM --dp), check, SGLang
    --dp-attention, Ollama, LoRA with --loss (`--output` goes before a check's `--`)."""
    return [
        ["plan", "Qwen3-30B-A3B", "--gpu", "RTX-4090", "--engine", "llama.cpp"],
        ["plan", "Qwen3-8B", "--gpu", "H100", "--engine", "vllm", "--dp", "2"],
        ["check", "--gpu", "H100", "--", "vllm", "serve", "Qwen/Qwen3-8B"],
        [
            "estimate",
            "Qwen3-30B-A3B",
            "--gpu",
            "H100",
            "--engine",
            "sglang",
            "--dp-attention",
            "2",
            "--tp",
            "2",
        ],
        ["estimate", "gpt-oss-20b", "--gpu", "RTX-3060", "--engine", "ollama"],
        ["estimate", "Qwen3-8B", "--mode", "lora", "--loss", "full-shifted", "--gpu", "H100"],
    ]


def with_output(command: list[str], path: Path) -> list[str]:
    if "--" in command:
        cut = command.index("--")
        return [*command[:cut], "--output", str(path), *command[cut:]]
    return [*command, "--output", str(path)]


def report_readers(base: Path, mutated: Path) -> list[list[str]]:
    return [
        ["report", "show", str(mutated)],
        ["report", "diff", str(base), str(mutated)],
        ["report", "show", str(mutated), "--format", "html"],
        ["report", "show", str(mutated), "--format", "csv"],
    ]


# --- shell completion requests (in subprocesses: completion writes to the real streams)

COMPLETION_WORDS: tuple[str, ...] = (
    "llmsize ",
    "llmsize estimate Qw",
    "llmsize estimate --gpu ",
    "llmsize plan x --engine ",
    "llmsize check -- vllm serve ",
    "llmsize estimate \x1b[31m",
    "llmsize " + "x " * 50_000,
    "llmsize estimate --gpu-file /dev/zero --gpu ",
    "llmsize report show ",
    "llmsize estimate --quant ",
    "llmsize estimate --gpu H100 --engine vllm --dp-attention ",
)
COMPLETION_CWORDS: tuple[str, ...] = ("1", "2", "999999999", "0", "-1", "9" * 23, " 3 ")
SHELLS: tuple[str, ...] = ("bash", "zsh", "fish", "powershell")


# the console script as a shell completes it: click keys the request by the program's name (llmsize)
COMPLETION_ARGV: tuple[str, ...] = (
    sys.executable,
    "-c",
    "import sys; from llmsize.cli import main; sys.argv[0] = 'llmsize'; main()",
)


def completion_env(shell: str, words: str, cword: str) -> dict[str, str]:
    """The variables a shell's completion script sets (click shell_completion / typer _completion_classes)."""
    return {
        "_LLMSIZE_COMPLETE": f"complete_{shell}",
        "COMP_WORDS": words,
        "COMP_CWORD": cword,
        "_TYPER_COMPLETE_ARGS": words,
        "_TYPER_COMPLETE_WORD_TO_COMPLETE": words.split(" ")[-1][:100],
    }


# --- the time bound: the largest MoE layouts under llama.cpp / Ollama on small GPUs

TIMED: tuple[tuple[str, ...], ...] = (
    ("check", "--gpu", "RTX-4090", "--", "ollama", "run", "qwen3:235b-a22b"),
    ("plan", "deepseek-r1:671b", "--gpu", "RTX-3060", "--quant", "Q8_0", "--engine", "ollama"),
    (
        "plan",
        "unsloth/DeepSeek-V3-GGUF:UD-IQ1_S",
        "--gpu",
        "RTX-4090",
        "--quant",
        "none",
        "--engine",
        "llama.cpp",
    ),
    ("fit", "GLM-5.1", "--gpu", "H100", "--engine", "ollama"),
    ("fit", "Qwen3-235B-A22B", "--gpu", "RTX-3090", "--engine", "ollama"),
    ("fit", "DeepSeek-V3", "--gpu", "RTX-4090", "--engine", "llama.cpp"),
)
