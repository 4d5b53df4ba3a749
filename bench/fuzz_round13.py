"""Round 13 of the hostile-input run (issue 15): deep layouts, odd-but-valid configs, sizes, outputs.

- timed: `--num-gpus N` where no layout of N GPUs fits, on configs of 2,048 to 4,096 blocks
  (specs/models.py MAX_LAYERS; 65,536 is refused in one line) and on catalog models (the fallback
  over fewer GPUs, hardware/fewer_gpus.py), every engine;
- configs: a tiny Llama with one field made odd but valid (a 2^40 vocabulary, one block, hidden size 1,
  head_dim not dividing hidden, sliding windows past the context, rope_scaling of every JSON type, MoE
  with one expert, quantization_config oddities) under estimate / fit / explain / plan / compare on
  every engine;
- options: --context 0/1/2/2^40, size strings ("1e3GiB", "1,5GB", "½GB", ...), concurrency lists with
  huge or empty entries, --output into directories, devices and symlinks.
Every run must end in a result (exit 0 or 3) or one printable line with exit 2 within `--limit` CPU
seconds (fuzz_round10.run under an alarm; CPU, not wall time: the machine is shared).
Run: python bench/fuzz_round13.py [--steps timed,configs,options] [--limit 2]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzz_round10 import Tally, run, semantic

import hostile_round12 as r12
import hostile_round15 as r15

ENGINES = ("vllm", "sglang", "llama.cpp", "ollama", "transformers")
BASE: dict[str, Any] = r15.BASE  # the tiny Llama config.json every round changes one field of
MISTRAL = {"model_type": "mistral", "architectures": ["MistralForCausalLM"]}
MIXTRAL = {"model_type": "mixtral", "architectures": ["MixtralForCausalLM"]}
ODD: dict[str, dict[str, Any]] = {
    "vocab 2^40": {"vocab_size": 2**40}, "one block": {"num_hidden_layers": 1},
    "hidden 1": {"hidden_size": 1, "num_attention_heads": 1, "num_key_value_heads": 1,
                 "intermediate_size": 1},
    "head_dim not dividing": {"hidden_size": 100, "num_attention_heads": 3, "num_key_value_heads": 3},
    "head_dim 7": {"head_dim": 7}, "window 1e9": {**MISTRAL, "sliding_window": 10**9},
    "window 0": {**MISTRAL, "sliding_window": 0}, "rope list": {"rope_scaling": [1, 2]},
    "rope str": {"rope_scaling": "yarn"}, "rope int": {"rope_scaling": 4},
    "rope bool": {"rope_scaling": True},
    "rope factor str": {"rope_scaling": {"type": "yarn", "factor": "four"}},
    "rope factor 1e308": {"rope_scaling": {"type": "linear", "factor": 1e308}},
    "rope factor -2": {"rope_scaling": {"type": "linear", "factor": -2}},
    "rope type dict": {"rope_scaling": {"type": {"a": 1}, "factor": 2}},
    "moe 1 expert": {**MIXTRAL, "num_local_experts": 1, "num_experts_per_tok": 1},
    "moe 0 per token": {**MIXTRAL, "num_local_experts": 8, "num_experts_per_tok": 0},
    "max_position 1": {"max_position_embeddings": 1}, "max_position 2^62": {"max_position_embeddings": 2**62},
    "kv heads > heads": {"num_key_value_heads": 16}, "dtype fp8": {"torch_dtype": "float8_e4m3fn"},
    "dtype dict": {"torch_dtype": {"a": 1}}, "layer_types short": {"layer_types": ["full_attention"]},
    "layer_types unknown": {"layer_types": ["foo", "bar"]}, "hidden 64.5": {"hidden_size": 64.5},
    "gptq bits 1e6": {"quantization_config": {"quant_method": "gptq", "bits": 10**6, "group_size": 128}},
    "awq group 0": {"quantization_config": {"quant_method": "awq", "bits": 4, "group_size": 0}},
    "quant str": {"quantization_config": "gptq"}, "intermediate 0": {"intermediate_size": 0},
}  # fmt: skip


def timed_cases(root: Path) -> Iterator[list[str]]:
    for layers in (2048, 4096, 65536):
        deep = str(r12.write_deep_config(root / f"deep{layers}", layers))
        yield ["fit", deep, "--gpu", "T4", "--num-gpus", "64", "--engine", "vllm"]
        yield ["fit", deep, "--gpu", "T4", "--num-gpus", "63", "--engine", "sglang", "--context", "4k"]
    for model in ("Llama-3.1-405B", "Qwen2.5-7B"):
        yield ["fit", model, "--gpu", "T4", "--num-gpus", "64", "--engine", "vllm", "--context", "1m"]
    yield ["compare", "Qwen2.5-7B", "--gpu", "T4,L4", "--num-gpus", "61", "--engine", "vllm",
           "--context", "1m"]


def config_cases(root: Path) -> Iterator[list[str]]:
    for i, (_label, change) in enumerate(ODD.items()):
        folder = root / f"odd{i}"
        folder.mkdir()
        (folder / "config.json").write_text(json.dumps({**BASE, **change}))
        path = str(folder)
        yield ["estimate", path, "--format", "json"]
        yield ["explain", path, "--engine", "vllm"]
        yield ["plan", path, "--gpu", "T4", "--engine", "sglang"]
        yield ["compare", path, "--gpu", "T4,H100", "--engine", "vllm", "--concurrency", "1,64"]
        for engine in ENGINES:
            yield ["fit", path, "--gpu", "T4", "--engine", engine, "--format", "json"]


SIZES = ("1e3GiB", "1,5GB", "½GB", "1 GB", "1e-30GB", "0x10GB", "1_000GB", "nanGB", "infGB", "١٢GB", "12ＧＢ",
         "1e400", "12PiB", "-1GB", "0GB", "GB", "1e3", ".5GB", "5.GB", "1e+3MB")
CONTEXTS = ("0", "1", "2", "1099511627776", "1t", "1.5k", "½k", "1e3", "1e400", "-1", "0x10", "1_000")
CONCURRENCY = ("1,2,1000000000", "1099511627776", "0", "1,,2", ",", "1-100", "1e9", "1k,1m,1g",
               ",".join(str(i) for i in range(1, 3000)))


def option_cases(root: Path) -> Iterator[list[str]]:
    for size in SIZES:
        yield ["gpus", "--min-memory", size]
    for context in CONTEXTS:
        for engine in ENGINES:
            yield ["fit", "Qwen2.5-0.5B", "--gpu", "T4", "--engine", engine, "--context", context]
        yield ["explain", "Qwen2.5-0.5B", "--context", context]
    for value in CONCURRENCY:
        yield ["fit", "Qwen2.5-0.5B", "--gpu", "T4", "--engine", "vllm", "--concurrency", value]
        yield ["compare", "Qwen2.5-0.5B", "--gpu", "T4,L4", "--concurrency", value]
    (root / "exists.json").write_text("{}")
    (root / "full.json").symlink_to("/dev/full")
    for target in (str(root), f"{root}/", "/dev/full", "/dev/null", str(root / "exists.json"),
                   str(root / "nodir" / "x.json"), str(root / "exists.json" / "x.json"), "", "-"):
        for argv in (["estimate", "Qwen2.5-0.5B"], ["fit", "Qwen2.5-0.5B", "--gpu", "T4"], ["gpus"],
                     ["compare", "Qwen2.5-0.5B", "--gpu", "T4,L4"], ["explain", "Qwen2.5-0.5B"]):
            yield [*argv, "--output", target]
    for target in ("/dev/full", str(root), str(root / "full.json"), "/dev/stdin"):
        yield ["report", "show", target]


def each(tally: Tally, category: str, cases: Iterator[list[str]], limit: float) -> None:
    for argv in cases:
        cpu = time.process_time()
        problem, code, out, err = run(argv, 120.0)  # the wall clock only catches hangs here
        if problem is None and time.process_time() - cpu > limit:
            problem = "slow"
        tally.record(category, argv, problem, err)
        semantic(tally, category, argv, code, out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", default="", help="run only these steps (comma-separated)")
    parser.add_argument("--limit", type=float, default=2.0, help="CPU seconds each run may take")
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"  # names fall back to the bundled catalog
    tally = Tally()
    for engine in ENGINES:  # imports and catalog, untimed
        run(["fit", "Qwen2.5-0.5B", "--gpu", "H100", "--engine", engine], 60)
    wanted = [w.strip() for w in args.steps.split(",") if w.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, cases in (("timed", timed_cases), ("configs", config_cases), ("options", option_cases)):
            if wanted and name not in wanted:
                continue
            start = time.perf_counter()
            (root / name).mkdir()
            each(tally, name, cases(root / name), args.limit)
            print(f"{name}: done in {time.perf_counter() - start:.0f} s", flush=True)
    print(f"round 13: {sum(tally.runs.values()):,} runs")
    for category, runs in sorted(tally.runs.items()):
        bad = {p: n for (c, p), n in tally.failures.items() if c == category}
        print(f"  {category:12} {runs:7,} runs, {sum(bad.values()):5,} failures {bad or ''}")
    sys.exit(1 if tally.failures else 0)


if __name__ == "__main__":
    main()
