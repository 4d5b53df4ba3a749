"""The twenty-third hostile round (issue 15): inputs built from what the readers read, not from what the
earlier rounds' base files happen to hold.

- measure: each catalog architecture's config.json with one key given a value of another type or an odd
  size, traced (`measure --device trace --layers 1`): the estimator reads such a config, and transformers 5's
  strict config dataclasses refuse it; and every hybrid of the catalog cut by --layers to its first blocks;
- config keys: every key the spec readers read (taken from src/llmsize/specs at run time, so a key added later
  is fuzzed too) set at the top level, inside text_config / vision_config / audio_config / rope_scaling /
  quantization_config of each catalog architecture, to values of each JSON type;
- GGUF: every metadata key the GGUF readers read under each architecture they know, given each of the
  format's value types (unsigned / signed of each width, floats, bool, string, arrays of each), and a small
  valid file truncated at every offset;
- launch variables: every OLLAMA_* and LLAMA_ARG_* variable `check` reads, given as --env and as `docker
  run -e`, set to the earlier rounds' number spellings and escapes;
- --gpu-file: every field of a catalog entry of each kind (unified memory, interconnect, price) removed or
  set to an odd value, through gpus / fit / estimate --concurrency / plan / compare and training;
- --format html / --output *.html with names that are markup (a GGUF's general.name, a model folder's name,
  a --gpu-file GPU's name and alias, a model argument): the page must hold no element or attribute the input
  wrote (page_problems).
Each must end in a result (exit 0 or 3) or one printable line with exit 2, quickly and in bounded memory.
"""

from __future__ import annotations

import copy
import json
import random
import re
from collections.abc import Callable, Iterator
from functools import cache, partial
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from hostile import seeded_sample
from hostile_round19 import catalog_configs
from hostile_round22 import _LLAMA, ECHOES, NUMBERS, SMALL_CONFIG, _kv, write_gguf

ROOT = Path(__file__).resolve().parents[1]
MODEL = "Qwen2.5-0.5B"
ENGINES = ("transformers", "vllm", "sglang", "llama.cpp", "ollama")

# --- measure: configs the estimator reads and transformers refuses, hybrids cut by --layers

MEASURE_VALUES: tuple[object, ...] = (0, 1, -1, 0.5, True, None, "x", 3, 7, [], {}, 2**31, 100_000)


def _mutations(n: int | None, seed: int) -> list[tuple[str, tuple[str, ...], object]]:
    """(model_type, key path, value): every key of each catalog config (and its text_config) x values."""
    jobs = []
    for kind, config in sorted(catalog_configs().items()):
        holders: list[tuple[tuple[str, ...], dict[str, Any]]] = [((), config)]
        if isinstance(config.get("text_config"), dict):
            holders.append((("text_config",), config["text_config"]))
        for path, holder in holders:
            jobs += [(kind, (*path, key), v) for key in holder if key != "model_type" for v in MEASURE_VALUES]
    return jobs if n is None else random.Random(seed).sample(jobs, min(n, len(jobs)))


def _set(config: dict[str, Any], path: tuple[str, ...], value: object) -> dict[str, Any]:
    out = copy.deepcopy(config)
    holder = out
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value
    return out


def measure_config_cases(root: Path, n: int | None = 400, seed: int = 23) -> Iterator[list[str]]:
    """`measure --device trace --layers 1` of mutated catalog configs (a seeded `n`, or all)."""
    configs = catalog_configs()
    for i, (kind, path, value) in enumerate(_mutations(n, seed)):
        folder = root / f"m{i}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "config.json").write_text(json.dumps(_set(configs[kind], path, value)))
        yield ["measure", str(folder), "--device", "trace", "--layers", "1", "--context", "64"]


def hybrid_models() -> list[str]:
    """Catalog names of every architecture whose layers are not all attention (one name per model_type)."""
    from llmsize import resolve

    first: dict[str, str] = {}
    for file in sorted((ROOT / "model_specs").glob("*.yaml")):
        for entry in (yaml.safe_load(file.read_text()) or {}).get("models", []):
            kind = (entry.get("config") or {}).get("model_type")
            if isinstance(kind, str) and entry.get("name"):
                first.setdefault(kind, entry["name"])
    attention = {"full_attention", "sliding_attention", "chunked_attention"}
    return sorted(name for name in first.values() if set(resolve(name).layer_types or ()) - attention)


def layers_cases(root: Path) -> Iterator[list[str]]:
    """Each hybrid traced with its first 1, 2 and 3 blocks."""
    for name in hybrid_models():
        for layers in ("1", "2", "3"):
            yield ["measure", name, "--device", "trace", "--layers", layers, "--context", "64"]


# --- config.json: every key the readers read, anywhere a reader looks

HOLDERS = ("", "text_config", "vision_config", "audio_config", "rope_scaling", "quantization_config")
KEY_VALUES: tuple[object, ...] = (
    0,
    -1,
    0.5,
    1e-300,
    True,
    "nan",
    "",
    None,
    2**70,
    [],
    {},
    [0, 0, 0],
    {"a": 1},
    "full_attention",
    -0.0,
    1e300,
    ["x", None],
)
_QUANT = ("gptq", "awq", "fp8", "bitsandbytes", "compressed-tensors", "mxfp4", "modelopt", "\x1b[2J")


@cache
def reader_keys() -> tuple[str, ...]:
    """The config keys src/llmsize/specs reads: `.get("key")`, `["key"]` and its helpers' first arguments."""
    text = "".join(p.read_text() for p in sorted((ROOT / "src" / "llmsize" / "specs").rglob("*.py")))
    got = re.findall(
        r'(?:\.get|\bget_[a-z_]*|_int|_float|_num[a-z_]*|_positive[a-z_]*)\(\s*"([a-z_0-9]+)"', text
    )
    return tuple(sorted(set(got) | set(re.findall(r'\["([a-z_0-9]+)"\]', text))))


def config_key_cases(root: Path, n: int | None = 2000, seed: int = 23) -> Iterator[list[str]]:
    """A seeded `n` (or all) (architecture, holder, key, value): `estimate` (JSON), `fit` under an engine."""
    configs = catalog_configs()
    jobs = [
        (k, h, key, i)
        for k in sorted(configs)
        for h in HOLDERS
        for key in reader_keys()
        for i in range(len(KEY_VALUES))
    ]
    if n is not None:
        jobs = random.Random(seed).sample(jobs, min(n, len(jobs)))
    for i, (kind, holder, key, v) in enumerate(jobs):
        config = copy.deepcopy(configs[kind])
        target = config
        if holder:
            if not isinstance(config.get(holder), dict):
                config[holder] = (
                    {"quant_method": _QUANT[i % len(_QUANT)]} if holder == "quantization_config" else {}
                )
            target = config[holder]
        target[key] = KEY_VALUES[v]
        folder = root / f"k{i}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "config.json").write_text(json.dumps(config))
        yield ["estimate", str(folder), "--format", "json"]
        yield ["fit", str(folder), "--gpu", "H100", "--engine", ENGINES[i % len(ENGINES)]]


# --- GGUF: each key the readers read, of each value type; a valid file cut at every offset

GGUF_ARCHS = (
    "llama",
    "qwen3moe",
    "gemma3",
    "gemma2",
    "deepseek2",
    "qwen3next",
    "granitehybrid",
    "lfm2",
    "gemma3n",
    "gpt-oss",
    "nemotron_h",
    "kimi-linear",
    "glm4moe",
    "qwen35moe",
    "phi3",
    "falcon-h1",
    "llama4",
    "ernie4_5-moe",
)
GGUF_TYPES: tuple[tuple[str, Any], ...] = (
    ("u8", 3),
    ("i8", -1),
    ("u32", 0),
    ("i32", -5),
    ("f32", float("nan")),
    ("bool", 1),
    ("str", "8"),
    ("u64", 2**63),
    ("i64", -(2**62)),
    ("f64", 1e300),
    ("f64", float("inf")),
    ("arr", ("u32", [1, 1, 1])),
    ("arr", ("i32", [-1, 0, 2**31 - 1])),
    ("arr", ("str", ["x"])),
    ("arr", ("f32", [0.5])),
    ("arr", ("bool", [1, 0])),
    ("arr", ("u32", [])),
)
_GGUF_KEY = re.compile(
    r'"((?:attention|rope|ssm|expert|shortconv|altup|kda)[a-z_.]*'
    r"|[a-z_]+_(?:count|length|rank|size|pattern|interval|step|layers|func|scale|softcapping|finetuned))\""
)


@cache
def gguf_key_suffixes() -> tuple[str, ...]:
    """The `{arch}.` keys the GGUF readers read (src/llmsize/specs/gguf_*.py, at run time)."""
    text = "".join(p.read_text() for p in sorted((ROOT / "src" / "llmsize" / "specs").glob("gguf_*.py")))
    return tuple(sorted(set(_GGUF_KEY.findall(text))))


def gguf_type_cases(root: Path, n: int | None = 1500, seed: int = 23) -> Iterator[list[str]]:
    """A seeded `n` (or every) (architecture, key, value type) as a small llama-shaped GGUF."""
    root.mkdir(parents=True, exist_ok=True)
    jobs = [(a, s, t) for a in GGUF_ARCHS for s in gguf_key_suffixes() for t in range(len(GGUF_TYPES))]
    if n is not None:
        jobs = random.Random(seed).sample(jobs, min(n, len(jobs)))
    for i, (arch, suffix, t) in enumerate(jobs):
        keys = {k.replace("llama.", f"{arch}.", 1): v for k, v in _LLAMA.items()}
        keys["general.architecture"] = ("str", arch)
        keys[f"{arch}.{suffix}"] = GGUF_TYPES[t]
        path = write_gguf(root / f"t{i}.gguf", keys=[_kv(k, kind, v) for k, (kind, v) in keys.items()])
        yield from _gguf_commands(path)


def _gguf_commands(path: Path) -> list[list[str]]:
    return [
        ["estimate", str(path)],
        ["fit", str(path), "--gpu", "RTX-4090", "--engine", "llama.cpp", "--format", "json"],
    ]


def gguf_truncated_cases(root: Path, step: int = 1) -> Iterator[list[str]]:
    """The small valid GGUF of round 22, cut after every `step`-th byte of its header."""
    root.mkdir(parents=True, exist_ok=True)
    whole = write_gguf(root / "whole.gguf", tail=0).read_bytes()
    for cut in range(0, len(whole), step):
        path = root / f"cut{cut}.gguf"
        path.write_bytes(whole[:cut])
        yield from _gguf_commands(path)


# --- launch variables given to `check`

LAUNCH_VALUES: tuple[str, ...] = (
    *NUMBERS,
    *ECHOES,
    "",
    "0",
    "-1",
    "true",
    "false",
    "q4_0",
    "f16",
    "nan",
    "9" * 20,
    "1e309",
    "=",
    "a=b",
    "1GiB",
    "on",
    "off",
    "auto",
    "4294967296",
    "18446744073709551616",
)
_LINES = {
    "OLLAMA": ("ollama/ollama", ["ollama", "run", "qwen3:8b"]),
    "LLAMA": ("ghcr.io/ggml-org/llama.cpp:server", ["llama-server", "-hf", "Qwen/Qwen3-8B-GGUF:Q4_K_M"]),
}


@cache
def launch_variables() -> tuple[str, ...]:
    text = "".join(p.read_text() for p in sorted((ROOT / "src" / "llmsize").rglob("*.py")))
    return tuple(sorted(set(re.findall(r'"((?:OLLAMA|LLAMA_ARG)_[A-Z_]+)"', text))))


def launch_env_cases(root: Path) -> Iterator[list[str]]:
    for var in launch_variables():
        image, line = _LINES[var.split("_")[0]]
        for value in LAUNCH_VALUES:
            yield ["check", "--gpu", "RTX-4090", "--env", f"{var}={value}", "--", *line]
            yield [
                "check",
                "--gpu",
                "RTX-4090",
                "--",
                "docker",
                "run",
                "-e",
                f"{var}={value}",
                image,
                *line[1:],
            ]


# --- --gpu-file: every field of a catalog entry of each kind

GPU_VALUES: tuple[object, ...] = (
    None,
    0,
    -1,
    0.0,
    -0.0,
    1e-300,
    1e300,
    2**64,
    "x",
    "",
    [],
    {},
    True,
    False,
    "nan",
    1e-9,
    0.5,
    "１",
    "linux-gtt",
    "macos",
    [None],
    "24GiB",
    10**30,
    3,
    "REMOVED",
)


def _gpu_bases() -> list[tuple[str, str, dict[str, Any]]]:
    """(vendor, segment, entry): one catalog entry of each kind (vendor, unified memory, links, price)."""
    kinds: dict[tuple[Any, ...], tuple[str, str, dict[str, Any]]] = {}
    for file in sorted((ROOT / "gpu_specs").glob("*.yaml")):
        doc = yaml.safe_load(file.read_text())
        for g in doc["gpus"]:
            kind = (
                doc.get("vendor"),
                g.get("memory", {}).get("unified", False),
                "interconnect" in g,
                "price" in g,
            )
            kinds.setdefault(kind, (doc.get("vendor"), doc.get("segment"), g))
    return list(kinds.values())


def _field_paths(entry: dict[str, Any], path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for key, value in entry.items():
        if (*path, key) != ("id",):
            yield (*path, key)
        if isinstance(value, dict):
            yield from _field_paths(value, (*path, key))


def gpu_file_cases(root: Path, n: int | None = 300, seed: int = 23) -> Iterator[list[str]]:
    root.mkdir(parents=True, exist_ok=True)
    jobs = [
        (b, p, v)
        for b, base in enumerate(_gpu_bases())
        for p in _field_paths(base[2])
        for v in range(len(GPU_VALUES))
    ]
    if n is not None:
        jobs = random.Random(seed).sample(jobs, min(n, len(jobs)))
    bases = _gpu_bases()
    models = ("Qwen3-8B", "Qwen3-30B-A3B", "gpt-oss-20b", "Qwen2.5-0.5B", "qwen3:8b")
    for i, (b, path, v) in enumerate(jobs):
        vendor, segment, base = bases[b]
        entry = {**copy.deepcopy(base), "id": "ZX1"}
        entry.pop("aliases", None)
        holder = entry
        for key in path[:-1]:
            holder = holder[key]
        if GPU_VALUES[v] == "REMOVED":
            holder.pop(path[-1])
        else:
            holder[path[-1]] = GPU_VALUES[v]
        file = root / f"g{i}.yaml"
        file.write_text(
            yaml.safe_dump({"vendor": vendor, "segment": segment, "gpus": [entry]}, allow_unicode=True)
        )
        f, model, engine = ["--gpu-file", str(file)], models[i % len(models)], ENGINES[i % len(ENGINES)]
        yield ["gpus", *f, "--format", "json"]
        yield ["fit", model, "--gpu", "ZX1", *f, "--engine", engine, "--num-gpus", ("1", "2", "auto")[i % 3]]
        yield [
            "estimate",
            model,
            "--gpu",
            "ZX1",
            *f,
            "--engine",
            engine,
            "--concurrency",
            "1,16",
            "--format",
            "json",
        ]
        yield ["plan", model, "--gpu", "ZX1", *f, "--engine", engine]
        yield ["compare", model, "--gpus", "ZX1,H100", *f]
        yield [
            "fit",
            model,
            "--gpu",
            "ZX1",
            *f,
            "--mode",
            ("lora", "qlora", "full")[i % 3],
            "--num-gpus",
            "2",
        ]


# --- --format html with names that are markup

MARKUP: tuple[str, ...] = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</title><script>x</script>",
    "a&b<c",
    "<!--",
    "<style>@import url(http://x)</style>",
    "javascript:alert(1)",
)
_GPU_YAML = """vendor: nvidia
segment: datacenter
gpus:
  - id: X{i}
    name: {name}
    aliases: [{name}]
    architecture: hopper
    memory: {{size: 80, unit: GiB, type: HBM3}}
    bandwidth_gb_s: 3350
    tflops: {{fp32: 67, fp16: 989, bf16: 989, fp8: 1979, int8: 1979}}
    dtypes: [fp32, bf16, fp16, fp8, int8]
    source: https://example.com
"""


def html_cases(root: Path) -> Iterator[list[str]]:
    """Each command that draws a page, its names markup, printed (--format html) and written (--output)."""
    root.mkdir(parents=True, exist_ok=True)
    n = 0
    for i, markup in enumerate(MARKUP):
        keys = [_kv(k, kind, v) for k, (kind, v) in _LLAMA.items()]
        keys += [_kv("general.name", "str", markup), _kv("general.basename", "str", markup)]
        gguf = write_gguf(root / f"g{i}.gguf", keys=keys)
        folder = root / f"d{i}" / markup.replace("/", "_")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "config.json").write_text(json.dumps({**SMALL_CONFIG, "_name_or_path": markup}))
        gpus = root / f"gpu{i}.yaml"
        gpus.write_text(_GPU_YAML.format(i=i, name=json.dumps(markup)))
        f = ["--gpu-file", str(gpus)]
        for argv in (
            ["estimate", str(gguf), "--gpu", "RTX-4090"],
            ["estimate", str(folder), "--gpu", "H100"],
            ["fit", str(gguf), "--gpu", "RTX-4090"],
            ["compare", str(folder), "--gpus", f"H100,X{i}", *f],
            ["estimate", MODEL, "--gpu", f"X{i}", *f],
            ["fit", MODEL, "--gpu", f"X{i}", *f],
            ["compare", MODEL, "--gpus", f"X{i},H100", *f],
            ["compare", MODEL, str(gguf), "--gpus", "H100"],
            ["estimate", MODEL, "--gpu", markup],
        ):
            n += 1
            yield [*argv, "--format", "html"]
            yield [*argv, "--output", str(root / f"page{n}.html")]


_FOREIGN_TAGS = frozenset({"script", "img", "iframe", "link", "object", "embed", "base", "form", "input"})


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _FOREIGN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or (value and ("javascript:" in value or "http://x" in value)):
                self.problems.append(f"{tag} {name}={value!r}")

    def handle_comment(self, data: str) -> None:
        self.problems.append("a comment")


def page_problems(page: str) -> list[str]:
    """What in `page` could run or fetch something: elements or attributes an input wrote, a second
    stylesheet or an @import."""
    parser = _Elements()
    parser.feed(page)
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    extra = ["@import"] if any("@import" in s for s in styles) else []
    return parser.problems + extra + (["two <style>"] if len(styles) > 1 else [])


def html_page(argv: list[str], out: str) -> str:
    """The page a case of html_cases drew: printed, or written to its --output."""
    if "--output" not in argv:
        return out
    path = Path(argv[argv.index("--output") + 1])
    return path.read_text() if path.exists() else ""


STEPS: dict[str, Callable[[Path], Iterator[list[str]]]] = {
    "measure": measure_config_cases,
    "layers": layers_cases,
    "config-keys": config_key_cases,
    "gguf-types": gguf_type_cases,
    "gguf-cut": gguf_truncated_cases,
    "launch-env": launch_env_cases,
    "gpu-files": gpu_file_cases,
    "html": html_cases,
}
SLOW = ("measure",)  # torch's import and a trace: not timed

sample = partial(seeded_sample, seed=23)
