"""The seventh hostile and newcomer round (issue 15: "I will try inputs beyond this list"): what landed
last and no hostile eye had tried.

- local config.json copies of the newest catalog entries (cohere2, afmoe, bailing_moe_linear, mllama,
  nemotron-nas block_configs, mimo_v2, step3) with each size field mutated: a block count of 10^12 hung
  the readers that build a tuple per block before the spec's own layer check ran;
- `--engine-version` spellings for the five engines that now take it: superscript and other non-ASCII
  digits ('0.²' ended in "internal error" for four engines), a 5,000-digit llama.cpp build;
- sizes the family-aware approximation cannot come near ('gemma-0.001B' was sized as a 323M model) and
  active sizes that describe no model ('deepseek-10B-A999B', 'gemma-3B-A0B' were sized as dense).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]

# (catalog file, entry, where its block count sits): one of each model_type this round covers.
LAYER_COUNT_CASES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("cohere.yaml", "c4ai-command-r7b-12-2024", ("num_hidden_layers",)),
    ("cohere.yaml", "command-a-vision-07-2025", ("text_config", "num_hidden_layers")),
    ("trinity.yaml", "Trinity-Nano-Preview", ("num_hidden_layers",)),
    ("ling.yaml", "Ring-mini-linear-2.0", ("num_hidden_layers",)),
    ("mllama.yaml", "Llama-3.2-11B-Vision", ("text_config", "num_hidden_layers")),
    ("mistral.yaml", "Mistral-7B-v0.1", ("num_hidden_layers",)),
    ("mimo.yaml", "MiMo-V2-Flash", ("num_hidden_layers",)),
    ("nemotron-nas.yaml", "Llama-3.1-Nemotron-Nano-8B-v1", ("num_hidden_layers",)),
)

# Block counts that are no model: far beyond the 65,536 the spec reads, yet below the 2^48 bound on any
# config integer (so only a layer-count check stops them before a per-block walk).
LAYER_COUNTS = (10**12, 2**40, 65_537)


def catalog_config(file: str, name: str) -> dict[str, Any]:
    """The `config:` a bundled entry restates from the model's config.json."""
    doc = yaml.safe_load((ROOT / "model_specs" / file).read_text())
    entry = next(m for m in doc["models"] if m["name"] == name)
    config: dict[str, Any] = entry["config"]
    return config


def layer_count_dirs(root: Path) -> Iterator[tuple[str, Path]]:
    """(label, folder) of each new model_type's config.json with an impossible block count."""
    for file, name, path in LAYER_COUNT_CASES:
        for count in LAYER_COUNTS:
            config = catalog_config(file, name)
            holder = config
            for key in path[:-1]:
                holder = holder[key]
            holder[path[-1]] = count
            folder = root / f"r7-{name}-{count}"
            folder.mkdir()
            (folder / "config.json").write_text(json.dumps(config))
            yield f"{name} with {'.'.join(path)} = {count}", folder


# (label, catalog file, entry, path to a field, value): a value each reader took and built a wrong model
# from, silently (exit 0): a negative vision width (GLM-4.5V: 958B parameters of 108B), Llama-Nemotron
# blocks with an MLP of -5 (parameters subtracted) or 0, a `no_op` of "false" (a truthy string), and a
# JSON `true` read as 1 for a head group or an MLP multiplier.
WRONG_VALUES: tuple[tuple[str, str, str, tuple[str | int, ...], object], ...] = (
    ("a negative vision width", "glm-v.yaml", "GLM-4.5V", ("vision_config", "out_hidden_size"), -(10**6)),
    ("a negative vision depth", "internvl.yaml", "InternVL3_5-8B",
     ("vision_config", "num_hidden_layers"), -1),
    ("a negative MLP", "nemotron-nas.yaml", "Llama-3.3-Nemotron-Super-49B-v1",
     ("block_configs", 0, "ffn", "intermediate_size"), -5),
    ("an MLP of 0", "nemotron-nas.yaml", "Llama-3.3-Nemotron-Super-49B-v1",
     ("block_configs", 0, "ffn", "intermediate_size"), 0),
    ('no_op "false"', "nemotron-nas.yaml", "Llama-3.3-Nemotron-Super-49B-v1",
     ("block_configs", 0, "attention", "no_op"), "false"),
    ("a head group of true", "nemotron-nas.yaml", "Llama-3.3-Nemotron-Super-49B-v1",
     ("block_configs", 0, "attention", "n_heads_in_group"), True),
    ("an MLP multiplier of true", "nemotron-nas.yaml", "Llama-3.3-Nemotron-Super-49B-v1",
     ("block_configs", 0, "ffn", "ffn_mult"), True),
)  # fmt: skip


def wrong_value_dirs(root: Path) -> Iterator[tuple[str, Path]]:
    """(label, folder) of each WRONG_VALUES config.json."""
    for i, (label, file, name, path, value) in enumerate(WRONG_VALUES):
        config: Any = catalog_config(file, name)
        holder = config
        for key in path[:-1]:
            holder = holder[key]
        holder[path[-1]] = value
        folder = root / f"r7-wrong-{i}"
        folder.mkdir()
        (folder / "config.json").write_text(json.dumps(config))
        yield f"{name} with {label}", folder


ENGINES = ("vllm", "sglang", "llama.cpp", "ollama", "transformers")
# Spellings that are no release of any engine: each is one line with exit 2, for every engine.
ODD_VERSIONS = ("0.²", "².6", "٠.٦.٣", "١٢.١", "b٧١٨٩", "9" * 5000, "b" + "9" * 5000)


def engine_version_cases() -> Iterator[list[str]]:
    for engine in ENGINES:
        for version in ODD_VERSIONS:
            yield ["estimate", "Qwen2.5-0.5B", "--engine", engine, "--engine-version", version]


# Names the approximation must refuse in one line (exit 2).
REFUSED_NAMES = (
    "gemma-0.001B",
    "qwen3-0.0000001B",
    "qwen3-0.5M",
    "SmolLM2-135M-A1M",
    "deepseek-10B-A999B",
    "gemma-3B-A0B",
    "Foo-7B-A0.1B",
    "Foo-100B-A10B-0E",
)
