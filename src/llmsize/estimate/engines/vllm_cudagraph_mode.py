"""vLLM's `--compilation-config '{"cudagraph_mode": ...}'`: which CUDA graphs are captured.

REFERENCE: vllm/config/compilation.py CUDAGraphMode. FULL_AND_PIECEWISE (the V1 default) captures a
PIECEWISE graph set at every capture size and FULL graphs of the uniform-decode sizes;
PIECEWISE captures the PIECEWISE set alone; FULL_DECODE_ONLY the FULL decode graphs alone; NONE none
(the model is still compiled, unlike --enforce-eager). vLLM >= 0.20 takes its estimate of the graph
pool off the KV budget (vllm_post_kv.py), so the mode moves "Available KV cache memory".
Check: MiniMax-M2.7 (fp8) on 4 A100 80GB, TP 4, vLLM 0.22.1, --max-model-len 131072, cudagraph_mode
PIECEWISE (genn888/MASS_delivery doc/minimax_m27_hpc_vllm_setup.md): "GPU KV cache size: 244,576 tokens",
1.87x; llmsize gives 1.80x with the PIECEWISE set alone, 1.71x counting the FULL graphs too.
"""

from __future__ import annotations

from llmsize.errors import BadInputError

MODES = ("FULL_AND_PIECEWISE", "PIECEWISE", "FULL_DECODE_ONLY", "NONE")
DEFAULT = "FULL_AND_PIECEWISE"


def resolve(mode: str | None) -> str:
    """The mode asked for, in vLLM's spelling (case-insensitive); the default when none is given."""
    if mode is None:
        return DEFAULT
    word = str(mode).strip().upper()
    if word not in MODES:
        raise BadInputError(
            f"--cudagraph-mode {str(mode)[:40]!r} is not one llmsize models",
            hint=f"choose one of {', '.join(MODES)} (vllm/config/compilation.py CUDAGraphMode)",
        )
    return word


def captures(mode: str | None) -> tuple[bool, bool]:
    """(FULL decode graphs, PIECEWISE graphs) the mode captures."""
    word = resolve(mode)
    return word in ("FULL_AND_PIECEWISE", "FULL_DECODE_ONLY"), word in ("FULL_AND_PIECEWISE", "PIECEWISE")
