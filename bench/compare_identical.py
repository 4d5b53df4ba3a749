"""Check that `compare --gpus all` prints the same JSON on this code and on an older checkout (issue 15).

A planner sizes one estimate for the GPUs whose workloads differ only in what the engine says its
estimate does not read of the card's architecture and segment (BaseEngine.gpu_facts_read; SGLang:
SM100, Ampere, CDNA3). That may move no number: this runs `compare` over every catalog GPU for the
models whose SGLang estimate does read those facts (gpt-oss's SWA pool and page on SM100, its MXFP4
experts, FP8 weights through Marlin on Ampere, DeepSeek's MLA and FP8, a vision tower) and for plain
dense and MoE models, under SGLang, vLLM and transformers, at a few workloads (a long context, a
batch, a concurrency sweep, fixed GPU counts), as JSON, in one process per source tree, and compares
every output.

    git archive main src model_specs gpu_specs | tar -x -C /tmp/old
    python bench/compare_identical.py --against /tmp/old/src

Exit 0 when every output is identical, 1 otherwise (the differing commands are listed).
"""

from __future__ import annotations

MODELS = ("Llama-3.1-405B", "Qwen3-8B", "gpt-oss-20b", "gpt-oss-120b", "DeepSeek-V3",
          "Ministral-3-8B-Instruct-2512", "Qwen3-30B-A3B", "gemma-3-27b",
          "Devstral-Small-2-24B-Instruct-2512")
ENGINES = ("sglang", "vllm", "transformers")
SETTINGS: tuple[tuple[str, ...], ...] = (
    (), ("--context", "32k"), ("--batch", "8"), ("--num-gpus", "2"), ("--concurrency", "1,16"),
)
SGLANG_ONLY = (("--num-gpus", "8", "--context", "128k"), ("--kv-dtype", "fp8"))


def commands() -> list[list[str]]:
    out = []
    for model in MODELS:
        for engine in ENGINES:
            for setting in SETTINGS + (SGLANG_ONLY if engine == "sglang" else ()):
                out.append(["compare", model, "--gpus", "all", "--engine", engine, *setting,
                            "--format", "json"])
    return out


def summary(new: list[dict[str, object]], differ: int) -> str:
    codes = sorted({int(str(r["code"])) for r in new})
    return f"{len(new)} commands (exit codes {codes}), {differ} differ"


if __name__ == "__main__":
    import identity_runs

    identity_runs.main(commands, __file__, __doc__, summary, keep_stderr=True)
