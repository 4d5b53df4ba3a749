"""The ninth hostile and newcomer round (issue 15): the surface the latest session added.

- repeatable and comma-separated `--gpu` on estimate / compare / fit (the same card named twice, by id and
  alias, 300 times over: estimate listed a row and a sweep per spelling; fit refused one card named twice);
- `--engine-version` for every engine: pre-release and dev tags (0.10.1rc1, 0.29.1rc1.dev17, Ollama's
  0.12.0-rc1), a leading v, "latest", negative, huge, non-ASCII digits;
- GPU files with the new memory.bus_bits / memory.data_rate_gbps fields: wrong types, zero, negative,
  NaN/inf, huge, and a product that disagrees with bandwidth_gb_s;
- `--loss full-shifted`, `--framework` with the new default LoRA targets, explicit `--lora-targets`
  with `--mode full` (sized full training and kept the targets), duplicated targets, an empty tuple
  through the API;
- semantic sanity over seeded random combinations (hybrid / DSA models, fp8 / nvfp4 KV caches, Mac GPUs
  with vLLM/SGLang, concurrency sweeps): finite, non-negative bytes and speeds, fitting rows within their
  GPU, speed notes only beside a speed, and `report show` reading what `estimate --output` wrote.
Each must end in a result or one clear line with exit 2, quickly and in bounded memory.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MODEL = "Qwen2.5-0.5B"

# --gpu given several times and as lists: one card under several spellings, unknown and empty entries.
GPU_LISTS: tuple[tuple[str, ...], ...] = (
    ("H100,H100,A100-80GB", "h100-sxm-80gb"),
    ("H100", "H100"),
    ("H100,", ",H100"),
    (",",),
    ("H100,,A100-80GB",),
    ("H100", ""),
    ("nope,H100",),
    ("H100\x1b[31m",),  # an escape sequence (a NUL cannot reach argv)
    ("\u210d100",),  # ℍ100
    (",".join(["H100"] * 300),),
    ("local,H100",),
)


def gpu_list_cases() -> Iterator[list[str]]:
    for given in GPU_LISTS:
        flags = [part for text in given for part in ("--gpu", text)]
        yield ["estimate", MODEL, *flags, "--format", "json"]
        yield ["compare", MODEL, *flags, "--format", "json"]
        yield ["fit", MODEL, *flags, "--format", "json"]


# --engine-version spellings per engine: real pre-release / dev / vendor tags and garbage.
ENGINE_VERSIONS: tuple[str, ...] = (
    "0.4", "0.3", "v0.14", "0.14.0rc1", "0.10.1rc1", "0.29.1rc1.dev17", "0.14.0+cu129", "latest", "-1", "0",
    "", " ", "9" * 400, "1e309", "nan", "\u0660.\u0661\u0664", "b4000", "b0", "b" + "9" * 400, "0..1",
    "0." * 300, "0.12.0-rc1", "v0.4.0-rc8", "0.3.6-ipexllm-20240827", "0.12.0-", "0.12.0-\u00fc", "0.14\n",
)  # fmt: skip
ENGINES: tuple[str, ...] = ("vllm", "sglang", "transformers", "llama.cpp", "ollama")


def engine_version_cases() -> Iterator[list[str]]:
    for engine in ENGINES:
        for version in ENGINE_VERSIONS:
            yield ["estimate", MODEL, "--engine", engine, "--engine-version", version, "--gpu", "H100"]


# Ollama's own version strings: tags with a pre-release or vendor suffix (ollama/ollama#7507 installs
# OLLAMA_VERSION=0.4.0-rc8; ipex-llm's build prints 0.3.6-ipexllm-20240827).
OLLAMA_TAGGED = ("0.12.0-rc1", "v0.4.0-rc8", "0.3.6-ipexllm-20240827", "0.30.0-rc2")


def _gpu_yaml(memory_extra: str, bandwidth: str = "1000") -> str:
    return (
        "vendor: nvidia\nsegment: consumer\ngpus:\n"
        f"  - {{id: R9X, name: R9, bandwidth_gb_s: {bandwidth}, dtypes: [bf16], "
        f"source: https://example.com/x, memory: {{size: 24, unit: GiB{memory_extra}}}, "
        "tflops: {bf16: 100}}\n"
    )


# memory.bus_bits / memory.data_rate_gbps values a GPU file may hold (YAML text).
BUS_VALUES: tuple[tuple[str, str], ...] = tuple(
    [("bus_bits", v) for v in ("0", "-1", "1.5", "true", "'384'", ".nan", ".inf", "1e309",
                               "99999999999999999999", "[384]", "null", "'\u0663\u0668\u0664'", "65537")]
    + [("data_rate_gbps", v) for v in ("0", "-1", ".nan", ".inf", "-.inf", "1e-300", "true", "'21'", "[21]",
                                       "1001", "1e309", "5e-324")]
)  # fmt: skip
# (bus_bits, data_rate_gbps, bandwidth_gb_s): consistent, inconsistent, extreme.
BUS_PRODUCTS: tuple[tuple[str, str, str], ...] = (
    ("384", "21", "1008"), ("384", "21", "1"), ("1", "5e-324", "1000"), ("65536", "1000", "1000"),
    ("384", "21", "1e12"), ("384", "21", ".nan"), ("8", "1e-3", "0.001"),
)  # fmt: skip


def gpu_file_cases(root: Path) -> Iterator[list[str]]:
    files = [(key, f", {key}: {value}", "1000") for key, value in BUS_VALUES]
    files += [("product", f", bus_bits: {b}, data_rate_gbps: {r}", bw) for b, r, bw in BUS_PRODUCTS]
    for i, (_, extra, bandwidth) in enumerate(files):
        path = root / f"r9-bus-{i}.yaml"
        path.write_text(_gpu_yaml(extra, bandwidth))
        yield ["gpus", "--gpu-file", str(path)]
        yield ["compare", MODEL, "--gpu", "R9X", "--gpu-file", str(path), "--concurrency", "1,8,4096",
               "--format", "json"]  # fmt: skip


# Training options with the new defaults and the new loss.
TRAINING_CASES: tuple[tuple[str, ...], ...] = (
    ("--mode", "full", "--lora-targets", "q_proj"),
    ("--mode", "training", "--lora-targets", "all-linear"),
    ("--mode", "lora", "--lora-targets", "q_proj,q_proj"),
    ("--mode", "lora", "--framework", "axolotl", "--lora-targets", ",,"),
    ("--mode", "lora", "--framework", "unsloth", "--lora-targets", "q_proj" + ",q_proj" * 5000),
    ("--mode", "qlora", "--framework", "llamafactory", "--lora-rank", "65537"),
    ("--mode", "inference", "--loss", "full-shifted"),
    ("--mode", "inference", "--framework", "unsloth"),
    ("--mode", "lora", "--loss", "full-shifted", "--framework", "torchtune"),
    ("--mode", "full", "--loss", "full-shifted", "--framework", "unsloth"),
)


def training_cases() -> Iterator[list[str]]:
    for options in TRAINING_CASES:
        yield ["estimate", "Qwen3.5-0.8B", *options, "--gpu", "H100"]


# Seeded random combinations for the semantic checks.
SEM_MODELS = ("Qwen3.5-0.8B", "Qwen3.5-9B", "Qwen3.6-35B-A3B", "DeepSeek-V3.2", "GLM-5.1", "Step-3.5-Flash",
              "Qwen3-8B", "gpt-oss-20b", "Gemma-3-4b-it")  # fmt: skip
SEM_GPUS = ("H100", "A100-80GB", "RTX-4090", "L4", "T4", "M2-Ultra-192GB", "M4-Max-128GB", "MI300X", "B200")
SEM_ENGINES = ("vllm", "sglang", "transformers", "llama.cpp", "ollama")


def random_combination(rng: random.Random) -> list[str]:
    """estimate/fit/compare with a random model, mode, engine options and GPUs, in JSON."""
    command = rng.choice(("estimate", "estimate", "compare", "fit"))
    argv = [command, rng.choice(SEM_MODELS)]
    mode = rng.choice(("inference", "inference", "lora", "qlora", "full"))
    argv += ["--mode", mode]
    if mode == "inference":
        argv += ["--engine", rng.choice(SEM_ENGINES)]
        if rng.random() < 0.4:
            argv += ["--kv-dtype", rng.choice(("fp8", "nvfp4", "q8_0", "bf16"))]
        if rng.random() < 0.3:
            argv += ["--context", rng.choice(("1k", "128k", "300000"))]
    else:
        if rng.random() < 0.5:
            argv += ["--framework", rng.choice(("unsloth", "axolotl", "llamafactory", "trl", "torchtune"))]
        if mode != "full" and rng.random() < 0.4:
            argv += ["--lora-targets", rng.choice(("all-linear", "q_proj,v_proj", "q_proj,q_proj"))]
        if rng.random() < 0.3:
            argv += ["--loss", rng.choice(("full", "full-shifted", "chunked", "fused"))]
    if rng.random() < 0.25:
        argv += ["--tp", rng.choice(("2", "4")), "--num-gpus", "auto"]
    gpus = rng.sample(SEM_GPUS, 1 if command == "fit" else rng.randint(1, 3))
    if rng.random() < 0.5:
        argv += ["--gpu", ",".join(gpus)]
    else:
        argv += [part for gpu in gpus for part in ("--gpu", gpu)]
    if rng.random() < 0.4:
        argv += ["--concurrency", rng.choice(("1,8", "1,64,512", "4096"))]
    return [*argv, "--format", "json"]


def random_combinations(seed: int, n: int) -> list[list[str]]:
    rng = random.Random(seed)
    return [random_combination(rng) for _ in range(n)]


_SIGNED = ("tokens_per_s", "ttft_s", "tpot_s", "usd_per")  # speeds, times and prices: never below zero


def semantic_problems(doc: Any) -> list[str]:
    """What is wrong with a JSON document's numbers and rows: NaN/inf anywhere, negative bytes (headroom
    is a signed margin) or speeds, a fitting row over its usable memory, notes on a row without a speed."""
    problems: list[str] = []

    def walk(value: Any, where: str) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            problems.append(f"{where} = {value}")
        if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
            key = where.rsplit(".", 1)[-1]
            signed_bytes = "headroom" in key or "effect" in key  # a margin, or a change (check's suggestions)
            if ("bytes" in key and not signed_bytes) or any(s in key for s in _SIGNED):
                problems.append(f"{where} = {value}")
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{where}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{where}[{i}]")

    walk(doc, "")
    rows = []
    if isinstance(doc, dict):
        for key in ("gpus", "rows", "options", "concurrency"):
            if isinstance(doc.get(key), list):
                rows += [r for r in doc[key] if isinstance(r, dict)]
    for row in rows:
        per, usable = row.get("per_gpu_bytes"), row.get("usable_bytes")
        if row.get("fits") and per is not None and usable is not None and per > usable:
            problems.append(f"{row.get('gpu')}: fits with {per} > usable {usable}")
        if row.get("speed_notes") and row.get("decode_tokens_per_s") is None:
            problems.append(f"{row.get('gpu')}: speed notes without a speed")
    return problems
