"""The nineteenth hostile round (issue 15): kinds of input rounds 3-18 did not try.

- paths that are no path here, wherever a path is read: `~nouser/...` (no such user's home), a
  10,000-character name (over the file system's 255 bytes a component), a NUL byte, as a model pasted in
  `check` (-m, -md, --model-path, `vllm serve PATH`, `ollama run PATH`), a --gpu-file, a training config, a
  saved report and an --output of estimate / fit / plan / measure;
- launch commands pasted as one string: shell metacharacters (`;`, `$(...)`, backquotes, pipes) that must
  stay data, unbalanced quotes, a trailing backslash, NUL bytes, 100,000 words, unicode digits in numeric
  flags (`-c ٣٢٠٠٠`), JSON flags holding 1e309 / NaN / nesting, huge parallel degrees; and the same lines
  pasted where a model name goes (estimate / explain / fit / plan / compare / parse);
- the options added lately with boundary values, unicode digits (٣, fullwidth １) and nonsense:
  --n-cpu-moe, --host-threads, --host-bandwidth, --unsloth-2024 and every --framework preset, --concurrency
  lists, --decode-context-parallel-size, through estimate / fit / plan / compare;
- config.json of every model type of the bundled catalog (83 types; round 10 took 33) with each key
  removed or given values round 10 did not (false, "8", 1e308, inf, -0.0, 2^63, -2^31, 1e12, [2, 2],
  {"x": 1}, a list nested 50 deep, a list of mixed types);
- unprintable characters of a name in `parse`'s table (round 9 made the error lines safe);
- saved reports of measure, plan, check, compare, fit (llama.cpp --n-cpu-moe) and a vLLM concurrency sweep
  (round 10 mutated estimate reports only), each key removed or replaced, through report show and diff;
- (bench/fuzz_round19.py and the CI test) a local Hub (tests/hub_server.py) answering with a gzip bomb, a
  body that ignores `Range`, a lying or missing Content-Length, an X-Repo-Commit that walks out of the cache
  folder or holds an escape sequence.
Each must end in a result (exit 0 or 3) or one printable line with exit 2, quickly and in bounded memory;
no human output may hold a raw control character.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from hostile import seeded_sample
from hostile_round10 import REMOVED, mutated
from hostile_round18 import _save

ROOT = Path(__file__).resolve().parents[1]
MODEL = "Qwen2.5-0.5B"
LONG = "/a" * 5000  # 10,000 characters: every component is short, the whole is over PATH_MAX
NO_HOME = "~nouser-llmsize/x"  # a user that does not exist: pathlib's expanduser raises RuntimeError

# --- paths that are no path here


def path_cases(root: Path) -> Iterator[list[str]]:
    root.mkdir(parents=True, exist_ok=True)
    nul = str(root / "\x00x")
    for bad in (LONG, NO_HOME, nul):
        yield ["check", "--gpu", "H100", "--", "llama-server", "-m", bad + ".gguf"]
        yield ["check", "--gpu", "H100", "--", "llama-server", "-m", "Qwen2.5-0.5B-Q4_K_M.gguf", "-md",
               bad + ".gguf"]  # fmt: skip
        yield ["check", "--gpu", "H100", "--", "vllm", "serve", bad]
        yield ["check", "--gpu", "H100", "--", "python", "-m", "sglang.launch_server", "--model-path", bad]
        yield ["check", "--gpu", "H100", "--", "ollama", "run", bad]
        yield ["check", "--gpu", "H100", bad + ".yaml"]
        yield ["check", "--gpu", "H100", "--", "vllm", "serve", MODEL, "--speculative-config",
               json.dumps({"model": bad, "num_speculative_tokens": 2})]  # fmt: skip
        for command in ("estimate", "fit", "plan"):
            yield [command, MODEL, "--gpu", "H100", "--gpu-file", bad + ".yaml"]
        yield ["gpus", "--gpu-file", bad + ".yaml"]
        yield ["compare", MODEL, "--gpus", "H100", "--gpu-file", bad + ".yaml"]
        yield ["report", "show", bad + ".json"]
        yield ["report", "diff", bad + ".json", bad + ".yaml"]
        for command in (["estimate", MODEL], ["fit", MODEL, "--gpu", "H100"],
                        ["plan", MODEL, "--gpu", "H100"],
                        ["check", "--gpu", "H100", "--", "ollama", "run", "qwen2.5:0.5b"]):  # fmt: skip
            yield [*command, "--output", bad + ".json"]
        yield ["estimate", MODEL, "--format", "html", "--output", bad + ".html"]
        yield ["measure", MODEL, "--device", "trace", "--output", bad + ".json"]
        yield ["estimate", bad]
        yield ["estimate", bad + ".gguf"]


# --- launch commands pasted as one string, and where a model name goes

_VLLM = "vllm serve Qwen/Qwen2.5-0.5B"
_LCPP = "llama-server -hf Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M"
_SG = "python -m sglang.launch_server --model-path Qwen/Qwen2.5-0.5B"
PASTED = (
    f"{_VLLM}; touch PWNED",
    f"{_VLLM} && touch PWNED",
    f"{_VLLM} | tee PWNED",
    "vllm serve $(touch PWNED)",
    "vllm serve `touch PWNED`",
    f"{_VLLM} > PWNED",
    "vllm serve 'Qwen/Qwen2.5-0.5B",
    'vllm serve "Qwen/Qwen2.5-0.5B',
    f"{_VLLM} \\",
    f"{_VLLM}\x00 --tp 2",
    "vllm\x00serve",
    "vllm serve " + "x " * 100_000,
    f"{_VLLM} " + "--max-model-len 4096 " * 20_000,
    f"{_LCPP} -c ٣٢٠٠٠",
    f"{_LCPP} -c 1e309",
    f"{_LCPP} -ngl ٣",
    f"{_LCPP} --n-cpu-moe -5",
    f"{_LCPP} --n-cpu-moe 99999999999999999999999",
    f"{_LCPP} -t 0 -ngl 10",
    f"{_LCPP} -t 99999999999999999 -ngl 10",
    f"{_LCPP} --threads nan -ngl 10",
    "ollama run qwen2.5:0.5b\u202e",
    "ollama run " + "q" * 10_000,
    f"{_SG} --mem-fraction-static nan",
    f"{_SG} --mem-fraction-static 1e309",
    f"{_SG} --tp ٢",
    f"{_SG} --context-length 0",
    f"{_SG} --json-model-override-args '{{\"num_hidden_layers\": 1e309}}'",
    f"{_SG} --json-model-override-args '" + "[" * 50 + "'",
    f"{_VLLM} --hf-overrides '{{\"num_attention_heads\": 0, \"num_hidden_layers\": -1}}'",
    f"{_VLLM} --hf-overrides '{{\"hidden_size\": NaN}}'",
    f"{_VLLM} --hf-overrides.num_hidden_layers 100000000",
    f"{_VLLM} --speculative-config '{{\"method\":\"eagle\",\"num_speculative_tokens\":-3}}'",
    f"{_VLLM} --compilation-config '{{\"cudagraph_capture_sizes\": [1e309]}}'",
    f"{_VLLM} --compilation-config '{{\"cudagraph_capture_sizes\": \"x\"}}'",
    f"{_VLLM} --limit-mm-per-prompt '{{\"image\": 1e12}}'",
    f"{_VLLM} --kv-cache-memory-bytes 99999999999999999999999999",
    f"{_VLLM} --block-size 99999999999",
    f"{_VLLM} --max-num-seqs 99999999999",
    f"{_VLLM} --cpu-offload-gb -5",
    f"{_VLLM} --rope-scaling '{{\"rope_type\":\"yarn\",\"factor\":-1,"
    "\"original_max_position_embeddings\":0}'",
    f"{_VLLM} --max-model-len -1",
    f"{_VLLM} --max-model-len 1e309",
    f"{_VLLM} --data-parallel-size 1000000000",
    f"{_VLLM} --decode-context-parallel-size 1000000000",
    f"{_VLLM} --decode-context-parallel-size 3 --tensor-parallel-size 2",
    f"{_VLLM} --tensor-parallel-size 1000000000 --pipeline-parallel-size 1000000000",
)
# pasted where a model goes: the names of the commands above, and a few more shapes
NAME_LINES = (
    "ollama run gpt-oss:20b",
    "vllm serve $(rm -rf ~)",
    "ollama run 'unbalanced",
    "vllm serve Qwen/Qwen3-8B\x1b[2J",
    "llama-server -m " + "/a" * 200 + ".gguf",
    "python3 -m vllm.entrypoints.openai.api_server --model Qwen/Qwen3-8B",
    "vllm\tserve\tQwen/Qwen3-8B",
    "vllm serve " + "x " * 3000,
    "ollama",
    "trtllm-serve x",
)


def pasted_cases(root: Path) -> Iterator[list[str]]:
    for line in PASTED:
        yield ["check", "--gpu", "H100", line]
    for line in NAME_LINES:
        yield ["parse", line]
        for command, extra in (("estimate", []), ("explain", []), ("fit", ["--gpu", "H100"]),
                               ("plan", ["--gpu", "H100"]), ("compare", ["--gpus", "H100"])):  # fmt: skip
            yield [command, line, *extra]
    yield ["parse", "Qwen2.5-7B\x1b[31m-Instruct\n"]
    yield ["parse", "Qwen2.5-7B\u202e-Instruct"]
    yield ["compare", ",".join(NAME_LINES[:3]), "--gpus", "H100"]


# --- the options added lately, with boundary values

ODD_NUMBERS = ("0", "-1", "1", "1e309", "nan", "inf", "٣", "１", "99999999999999999999", "", " ", "0x10",
               "1_0")  # fmt: skip
_MOE = "Qwen3-30B-A3B"


def option_cases(root: Path) -> Iterator[list[str]]:
    lcpp = ["--engine", "llama.cpp"]
    for value in ODD_NUMBERS:
        yield ["estimate", _MOE, *lcpp, "--n-cpu-moe", value]
        yield ["fit", _MOE, "--gpu", "RTX-4090", *lcpp, "--n-cpu-moe", value]
        yield ["plan", _MOE, "--gpu", "RTX-4090", *lcpp, "--n-cpu-moe", value]
        yield ["fit", _MOE, "--gpu", "RTX-4090", *lcpp, "--gpu-layers", "10", "--host-threads", value]
        yield ["fit", _MOE, "--gpu", "RTX-4090", *lcpp, "--gpu-layers", "10", "--host-bandwidth", value]
        yield ["estimate", MODEL, "--gpu", "H100", "--concurrency", value]
        yield ["fit", MODEL, "--gpu", "H100", "--engine", "vllm", "--decode-context-parallel-size", value]
        yield ["compare", MODEL, "--gpus", "H100,L4", "--concurrency", f"1,{value}"]
    for framework in ("plain", "trainer", "trl", "unsloth", "torchtune", "axolotl", "llamafactory"):
        for mode in ("lora", "qlora", "full", "inference"):
            yield ["estimate", MODEL, "--mode", mode, "--unsloth-2024", "--framework", framework,
                   "--gpu", "H100"]  # fmt: skip
    for dcp in ("2", "3", "8"):
        for gpus in ("1", "2", "4", "auto"):
            yield ["fit", "Llama-3.1-8B", "--gpu", "H100", "--engine", "vllm",
                   "--decode-context-parallel-size", dcp, "--num-gpus", gpus]  # fmt: skip
    yield ["fit", _MOE, "--gpu", "RTX-4090", *lcpp, "--n-cpu-moe", "48", "--host-threads", "99999999999",
           "--host-bandwidth", "1e300"]  # fmt: skip
    yield ["estimate", MODEL, "--gpu", "H100", "--concurrency", ",".join(["1"] * 64)]
    yield ["estimate", MODEL, "--gpu", "H100", "--concurrency", "1,99999999999", "--engine", "vllm"]


# --- config.json of every catalog model type, each key removed or given a value round 10 did not try



def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


CONFIG_VALUES: tuple[object, ...] = (REMOVED, False, "8", 1e308, math.inf, -0.0, 2**63, -(2**31), 1e12,
                                     [2, 2], {"x": 1}, _nested(50), ["full_attention", 3, None])  # fmt: skip


def catalog_configs() -> dict[str, dict[str, Any]]:
    """model_type -> the `config:` of its first bundled entry, for every type of the catalog."""
    found: dict[str, dict[str, Any]] = {}
    for file in sorted((ROOT / "model_specs").glob("*.yaml")):
        for entry in (yaml.safe_load(file.read_text()) or {}).get("models", []):
            config = entry.get("config") or {}
            kind = config.get("model_type")
            if isinstance(kind, str) and kind not in found:
                found[kind] = config
    return found


def config_mutations(config: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], object]]:
    """(key path, value) for every key of the config and of its text_config."""
    holders: list[tuple[tuple[str, ...], dict[str, Any]]] = [((), config)]
    if isinstance(config.get("text_config"), dict):
        holders.append((("text_config",), config["text_config"]))
    for path, holder in holders:
        for key in holder:
            if key == "model_type":
                continue
            for value in CONFIG_VALUES:
                yield (*path, key), value


def all_config_jobs() -> list[tuple[str, tuple[str, ...], object]]:
    return [(kind, path, value) for kind, config in catalog_configs().items()
            for path, value in config_mutations(config)]  # fmt: skip


_ENGINES = ("transformers", "vllm", "sglang", "llama.cpp", "ollama")


def config_cases(root: Path, n: int | None = 4000, seed: int = 19) -> Iterator[list[str]]:
    """`estimate` (JSON) and `fit` under one engine of each mutated config: a seeded `n` of them, or all."""
    jobs = all_config_jobs()
    if n is not None:
        jobs = random.Random(seed).sample(jobs, min(n, len(jobs)))
    configs = catalog_configs()
    for i, (kind, path, value) in enumerate(jobs):
        folder = root / f"c{i}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "config.json").write_text(json.dumps(mutated(configs[kind], path, value), allow_nan=True))
        yield ["estimate", str(folder), "--format", "json"]
        yield ["fit", str(folder), "--gpu", "H100", "--engine", _ENGINES[i % len(_ENGINES)]]


# --- saved reports of every command that writes one, each key removed or given an odd value

REPORT_COMMANDS: dict[str, list[str]] = {
    "measure.json": ["measure", MODEL, "--device", "trace"],
    "plan.json": ["plan", "Qwen3-8B", "--gpu", "RTX-4090"],
    "check.json": ["check", "--gpu", "H100", "--", "vllm", "serve", "Qwen/Qwen3-8B"],
    "compare.json": ["compare", "Qwen3-8B", "--gpus", "H100,L4"],
    "moe.json": ["fit", _MOE, "--gpu", "RTX-4090", "--engine", "llama.cpp", "--n-cpu-moe", "20"],
    "sweep.json": ["estimate", "Qwen3-8B", "--gpu", "H100", "--engine", "vllm", "--concurrency", "1,8"],
}
REPORT_VALUES: tuple[object, ...] = (None, -1, math.nan, 1e308, "x", [], {}, True, 2**64, REMOVED, "8",
                                     [None] * 3, {"a": {"b": None}})  # fmt: skip




def _key_paths(doc: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key path of `doc` (the first two entries of each list)."""
    if path:
        yield path
    items = doc.items() if isinstance(doc, dict) else enumerate(doc[:2]) if isinstance(doc, list) else ()
    for key, value in items:
        yield from _key_paths(value, (*path, key))


def report_cases(root: Path, n: int | None = 3000, seed: int = 19,
                 commands: dict[str, list[str]] | None = None) -> Iterator[list[str]]:  # fmt: skip
    """`report show` (human, then CSV, JSON or YAML) and `report diff` of a seeded `n` (or all) of the
    mutated reports of `commands` (default: REPORT_COMMANDS)."""
    root.mkdir(parents=True, exist_ok=True)
    bases: dict[Path, Any] = {}
    for name, argv in (commands or REPORT_COMMANDS).items():
        path = root / name
        if not path.exists():
            _save([argv[0], "--output", str(path), *argv[1:]])  # before check's `--`
        bases[path] = json.loads(path.read_text())
    jobs = [(path, key, value) for path, doc in bases.items() for key in _key_paths(doc)
            for value in REPORT_VALUES]  # fmt: skip
    if n is not None:
        jobs = random.Random(seed).sample(jobs, min(n, len(jobs)))
    for i, (base, key, value) in enumerate(jobs):
        target = root / f"m{i}.json"
        target.write_text(json.dumps(mutated(bases[base], key, value)))
        yield ["report", "show", str(target)]
        yield ["report", "show", str(target), "--format", ("csv", "json", "yaml")[i % 3]]
        yield ["report", "diff", str(base), str(target)]




STEPS: dict[str, Callable[[Path], Iterator[list[str]]]] = {
    "paths": path_cases,
    "pasted": pasted_cases,
    "options": option_cases,
    "configs": config_cases,
    "reports": report_cases,
}


sample = partial(seeded_sample, seed=19)
