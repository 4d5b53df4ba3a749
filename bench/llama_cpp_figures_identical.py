"""Check that llama.cpp's and Ollama's estimates print the same JSON on this code and on an older checkout.

The blocks llama.cpp's figures count (K/V, recurrent state, sliding window) are kept per model and
placement (estimate/engines/llama_cpp_layer_facts.py, issue 15); that may move no number nor log line.
This estimates models of every block mix (full attention only, sliding windows, chunked attention,
K/V-shared blocks, recurrent state, DeepSeek V4's compressed cache) under both engines, on one GPU,
split over GPUs and with layers on the CPU, as JSON, in one process per source tree, and compares
every output.

    git archive main src model_specs gpu_specs | tar -x -C /tmp/old
    python bench/llama_cpp_figures_identical.py --against /tmp/old/src

Exit 0 when every output is identical, 1 otherwise (the differing commands are listed).
"""

from __future__ import annotations

MODELS = ("Llama-3.1-8B-Instruct", "gemma-3-27b", "gemma-3n-E4B-it", "gemma-4-E4B-it", "gemma-4-31B-it",
          "gpt-oss-20b", "Qwen3.5-9B", "Qwen3-Next-80B-A3B-Instruct", "AI21-Jamba-Mini-1.7",
          "Falcon-H1-7B-Base", "granite-4.0-h-small", "DeepSeek-V4-Flash", "Step-3.5-Flash")
SETTINGS: tuple[tuple[str, ...], ...] = (
    ("--gpu", "RTX-4090"), ("--gpu", "RTX-4090", "--num-gpus", "3"), ("--gpu", "T4", "--gpu-layers", "7"),
    ("--gpu", "H100", "--context", "128k", "--batch", "2"),
)


def commands() -> list[list[str]]:
    return [["estimate", model, "--engine", engine, *setting, "--format", "json"]
            for model in MODELS for engine in ("llama.cpp", "ollama") for setting in SETTINGS]


def summary(new: list[dict[str, object]], differ: int) -> str:
    codes = sorted({int(str(r["code"])) for r in new})
    return f"{len(new)} commands (exit codes {codes}), {differ} differ"


if __name__ == "__main__":
    import identity_runs

    identity_runs.main(commands, __file__, __doc__, summary, keep_stderr=True)
