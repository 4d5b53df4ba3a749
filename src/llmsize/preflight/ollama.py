"""`ollama run TAG` and the environment variables Ollama reads (Ollama 0.33).

Sources, `ollama/ollama` at v0.33: `envconfig/config.go` — OLLAMA_NUM_PARALLEL default 1,
OLLAMA_CONTEXT_LENGTH default 0 ("4k/32k/256k based on VRAM"), OLLAMA_FLASH_ATTENTION,
OLLAMA_KV_CACHE_TYPE (f16 when unset), OLLAMA_GPU_OVERHEAD (bytes reserved per GPU);
`server/routes.go` `Serve` — the VRAM-based default context: total VRAM minus the overhead,
>= 47 GiB -> 262144, >= 23 GiB -> 32768, else 4096.
"""

from __future__ import annotations

from collections.abc import Mapping

from llmsize.errors import BadInputError
from llmsize.preflight import values
from llmsize.preflight.serving_flags import OLLAMA_VERSION
from llmsize.preflight.setup import Setup

GIB = 2**30
_ENV = (
    "OLLAMA_CONTEXT_LENGTH",
    "OLLAMA_NUM_PARALLEL",
    "OLLAMA_FLASH_ATTENTION",
    "OLLAMA_KV_CACHE_TYPE",
    "OLLAMA_GPU_OVERHEAD",
)


def default_context(total_vram_bytes: int, overhead_bytes: int = 0) -> int:
    """Ollama's default num_ctx for a machine with this much GPU memory (server/routes.go `Serve`),
    before the cap at the model's trained context: the engine module's tiers."""
    from llmsize.estimate.engines.ollama import vram_default_context

    return vram_default_context(max(0, total_vram_bytes - overhead_bytes))


def parse_ollama(args: list[str], env: Mapping[str, str], argv: list[str]) -> Setup:
    if not args or args[0] not in ("run", "serve", "pull"):
        raise BadInputError(
            "only `ollama run TAG` is a launch command llmsize reads",
            hint="llmsize check --env OLLAMA_CONTEXT_LENGTH=8192 -- ollama run qwen3:8b",
        )
    if args[0] == "serve":
        raise BadInputError(
            "`ollama serve` loads no model by itself", hint="check the `ollama run TAG` instead"
        )
    if len(args) < 2:  # `ollama run` alone was answered about `ollama serve` (issue 15, round 6)
        raise BadInputError(f"`ollama {args[0]}` names no model", hint=f"ollama {args[0]} qwen3:8b")
    tag = args[1]
    setup = Setup(tool="ollama", engine="ollama", engine_version=OLLAMA_VERSION, model=tag, argv=list(argv))
    setup.set("model", tag, "ollama run TAG")
    for word in args[2:]:
        if word.startswith("-"):
            setup.ignored.append(word)
    if "OLLAMA_CONTEXT_LENGTH" in env and env["OLLAMA_CONTEXT_LENGTH"].strip() not in ("", "0"):
        setup.set(
            "context",
            values.tokens(env["OLLAMA_CONTEXT_LENGTH"], "OLLAMA_CONTEXT_LENGTH"),
            "env OLLAMA_CONTEXT_LENGTH",
        )
    if "OLLAMA_NUM_PARALLEL" in env:
        parallel = values.integer(env["OLLAMA_NUM_PARALLEL"], "OLLAMA_NUM_PARALLEL")
        if parallel < 0:  # was "impossible workload: batch: Input should be greater than 0" (round 22)
            raise BadInputError(
                f"OLLAMA_NUM_PARALLEL {parallel} is not a request count: Ollama reads it as an unsigned "
                "integer (envconfig/config.go Uint), warns and runs its default, 1",
                hint="give OLLAMA_NUM_PARALLEL 1 or more",
            )
        setup.set("parallel", parallel, "env OLLAMA_NUM_PARALLEL")
    else:
        setup.default("parallel", 1, f"{OLLAMA_VERSION}: OLLAMA_NUM_PARALLEL")
    if "OLLAMA_FLASH_ATTENTION" in env:
        on = values.boolean(env["OLLAMA_FLASH_ATTENTION"], "OLLAMA_FLASH_ATTENTION")
        setup.set("flash_attn", "on" if on else "off", "env OLLAMA_FLASH_ATTENTION")
    if env.get("OLLAMA_KV_CACHE_TYPE"):
        setup.set("cache_type_k", env["OLLAMA_KV_CACHE_TYPE"].lower(), "env OLLAMA_KV_CACHE_TYPE")
        setup.set("cache_type_v", env["OLLAMA_KV_CACHE_TYPE"].lower(), "env OLLAMA_KV_CACHE_TYPE")
    if env.get("OLLAMA_GPU_OVERHEAD"):
        setup.set(
            "gpu_overhead",
            values.size_bytes(env["OLLAMA_GPU_OVERHEAD"], "OLLAMA_GPU_OVERHEAD"),
            "env OLLAMA_GPU_OVERHEAD",
        )
    for name in env:  # CUDA_VISIBLE_DEVICES and the like were dropped without a word (issue 15, check audit)
        if name not in _ENV:
            setup.ignored.append(f"env {name}")
    return setup
