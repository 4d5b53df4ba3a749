"""Check that `fit` / `compare` print the same JSON on this code and on an older checkout (issue 15).

The layout search of `--num-gpus auto` (hardware/planner.py choose_layout) skips layouts an engine
refuses before any estimate and shares one budget among the replicas of an inference layout; neither
may move an answer. This runs a grid of models (ones that fit and ones that fit no count), GPUs,
engines, GPU counts and contexts through the CLI, as JSON, in one process per source tree, and
compares every output.

    git archive main src model_specs gpu_specs | tar -x -C /tmp/old
    python bench/auto_search_identical.py --against /tmp/old/src

Exit 0 when every output is identical, 1 otherwise (the differing commands are listed).
"""

from __future__ import annotations

MODELS = ("Llama-3.1-405B", "Llama-3.3-70B-Instruct", "Qwen3-8B", "gpt-oss-120b", "Qwen3-30B-A3B",
          "gemma-3-27b-it")
GPUS = ("T4", "RTX-4090", "L4", "A100-SXM-40GB", "H100-SXM-80GB", "MI300X", "RX-7900-XTX")
ENGINES = ("sglang", "vllm", "transformers")
SETTINGS: tuple[tuple[str, ...], ...] = (
    ("--num-gpus", "auto"), ("--num-gpus", "4"), ("--num-gpus", "24"),
    ("--num-gpus", "auto", "--context", "32k"), ("--num-gpus", "auto", "--context", "1m"),
    ("--num-gpus", "auto", "--batch", "16"),
)


def commands() -> list[list[str]]:
    out = []
    for model in MODELS:
        for engine in ENGINES:
            out.append(["compare", model, "--gpus", ",".join(GPUS), "--engine", engine, "--format", "json"])
            for gpu in GPUS:
                for setting in SETTINGS:
                    out.append(["fit", model, "--gpu", gpu, "--engine", engine, *setting, "--format", "json"])
    return out


def summary(new: list[dict[str, object]], differ: int) -> str:
    return f"{len(new)} rows, {differ} differ"


if __name__ == "__main__":
    import identity_runs

    identity_runs.main(commands, __file__, __doc__, summary)
