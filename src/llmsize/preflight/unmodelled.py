"""Settings a command gives that move memory but that no llmsize engine module sizes yet.

They were listed under "understood" while the estimate ignored them (issue 15, check audit), e.g.
`vllm serve ... --cpu-offload-gb 8` gave the same per-GPU need as without. Each is moved to "read but not
modelled" with what it does, so the verdict is not read as including it.
"""

from __future__ import annotations

from llmsize.preflight.setup import Setup

# setup key -> what the engine does with it (the engine file that does it)
_WHAT = {
    # vllm/config/cache.py cpu_offload_gb: GiB of weights per GPU kept in host memory, streamed each step
    "cpu_offload_gb": "weights kept in host memory",
    # llama.cpp common/arg.cpp -nkvo: the KV cache stays in host memory
    "no_kv_offload": "KV cache in host memory",
    # sglang server_args.py max_total_tokens: caps the KV pool below what the memory fraction gives
    "max_total_tokens": "KV pool capped",
    # llama.cpp --swa-full: full-size cache for sliding-window layers (llama-kv-cache-iswa.cpp)
    "swa_full": "full-size sliding-window cache",
    # llama.cpp -kvu: one KV buffer shared by all slots: the same n_ctx cells, but one request may use all
    "kv_unified": "same KV cells; a request may use all n_ctx",
    # llama.cpp -fit off: no fit_params pass (the default `on` is what the llama.cpp module sizes)
    "fit": "llama.cpp's fit to free memory turned off",
}


def move_to_ignored(setup: Setup) -> None:
    """Take each unmodelled setting the user gave out of `values` into `ignored`, saying what it does."""
    for key, what in _WHAT.items():
        parsed = setup.values.get(key)
        if parsed is None or not parsed.source.startswith(("flag", "env")):
            continue
        if key == "fit" and str(parsed.value).strip().lower() == "on":
            continue  # llama.cpp's default, modelled
        del setup.values[key]
        name = parsed.source.removeprefix("flag ").removeprefix("env ")
        shown = "" if parsed.value is True else f" {parsed.value}"
        setup.ignored.append(f"{name}{shown} ({what}: not in this estimate)")
