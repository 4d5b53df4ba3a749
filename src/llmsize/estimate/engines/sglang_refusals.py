"""SGLang's own refusals at start, in the order it meets them, and the headroom along the rule that
refuses.

Split out of sglang.py (the engine class composes it); the log up to each error is
sglang_refused_log.py's. Sources: `srt/model_executor/pool_configurator.py` MemoryPoolConfig ("Not
enough memory") and validate_swa_pool_size, `model_runner.py` init_device_graphs and
`cuda_graph_runner.py` CUDA_GRAPH_CAPTURE_FAILED_MSG.
Modelled release: SGLang 0.5.23 (sglang_rules.SGLANG_VERSION_MODELLED); paths are inside its wheel
(sgl-project/sglang).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import sglang_refused_log as refused_log
from llmsize.estimate.engines.sglang_launch import SglangLaunch
from llmsize.estimate.engines.sglang_pools import _Pools
from llmsize.units import format_gib

if TYPE_CHECKING:
    from llmsize.estimate.result import EngineFigures, Estimate

# what `check` says in place of a token figure where SGLang stops at start, before any pool exists
STOPPED_NOTE = "SGLang stops before it allocates the KV pool; see why"


class SglangRefusals(SglangLaunch):
    """SGLang's own refusals at start."""

    def _refusal(
        self, est: Estimate, p: _Pools, running: int, outside: int, start: int, frac: float, f: EngineFigures
    ) -> tuple[str, tuple[str, ...] | None] | None:
        """SGLang's own refusals at start, in the order it meets them: the reason, and the log up to the
        error it raises (sglang_refused_log.py; None where the pools were built and the log is whole)."""
        share = int(frac * start)
        if est.weights_bytes > start:
            # The load itself runs out of memory: no --mem-fraction-static can help.
            return (
                f"the weights alone ({format_gib(est.weights_bytes)} a GPU) are more than the "
                f"{format_gib(start)} free on the card: SGLang would run out of memory loading them; shard "
                "them over more GPUs (--num-gpus auto) or use a smaller format (--quant)"
            ), refused_log.load_out_of_memory()
        if f.state_slot_bytes and share <= est.weights_bytes:
            return (
                f"SGLang would refuse to start: the weights ({format_gib(est.weights_bytes)}) leave "
                f"nothing of the static share ({frac:.3f} x {format_gib(start)}) for the state and KV pools; "
                "raise --mem-fraction-static or use more GPUs"
            ), refused_log.not_enough(f.lines, frac)
        if f.state_slot_bytes and p.slots <= 0:
            return (
                "SGLang would refuse to start: not enough GPU memory for the hybrid (mamba/linear-attention) "
                "state cache; raise --mem-fraction-static or set --max-mamba-cache-size"
            ), refused_log.state_too_small(f.lines)
        if f.state_slot_bytes and running <= 0:
            return (
                f"SGLang would refuse to start: {p.slots} state slots serve no request at "
                f"{f.state_slots_per_request} slots per request; raise --max-mamba-cache-size"
            ), refused_log.state_too_small(f.lines)
        if p.tokens <= 0:
            return (
                "SGLang would refuse to start: no memory left for the KV pool after the weights; "
                "raise --mem-fraction-static"
            ), refused_log.not_enough(f.lines, frac)
        if p.swa_held and p.swa_tokens <= (f.swa_window or 0) + 1:
            # pool_configurator.py validate_swa_pool_size: window + page_size is the admission floor
            return (
                f"SGLang would refuse to start: its sliding-window pool of {p.swa_tokens:,} tokens cannot "
                "hold one request; raise --mem-fraction-static"
            ), f.lines
        if outside > start - share:
            return _outside_refusal(outside, frac), None
        return None

    def _short(self, concurrency: float, tokens: int) -> str | None:
        """A --batch of full-context requests SGLang cannot run at once."""
        wl = self.wl
        if concurrency < wl.batch and tokens >= wl.context:
            return (
                f"SGLang holds {concurrency:.2f} requests of {wl.context:,} tokens, "
                f"fewer than --batch {wl.batch}"
            )
        return None


def _outside_refusal(outside: int, frac: float) -> str:
    """The start that runs out after the pools: SGLang allocates them from mem_fraction_static, then
    captures its CUDA graphs (model_runner.py init_device_graphs -> cuda_graph_runner.py) and runs
    prefills in what is left; its own advice on a failed capture (cuda_graph_runner.py
    CUDA_GRAPH_CAPTURE_FAILED_MSG) is a smaller --mem-fraction-static or --cuda-graph-max-bs."""
    return (
        f"activations and CUDA graphs need {format_gib(outside)} outside the static share of "
        f"{frac:.3f}: SGLang would run out of memory capturing its CUDA graphs or running a prefill; lower "
        "--mem-fraction-static or --cuda-graph-max-bs"
    )


def _refused_headroom(
    refused: bool, outside_refused: bool, start: int, share: int, static_need: int, outside: int
) -> int | None:
    """The headroom of a start SGLang refuses, along the rule that refuses it: the static share
    (mem_fraction_static x the memory free at start) must hold the weights and the pools
    (pool_configurator.py MemoryPoolConfig: "Not enough memory. Please try to increase
    --mem-fraction-static"), and the rest the activations and CUDA graphs. Against the whole card the
    margin read positive ("5.1 GiB" next to "no"); None where SGLang starts (or the load itself runs
    out, whose margin against the card is already negative)."""
    if not refused:
        return None
    if outside_refused:
        return (start - share) - outside
    return share - static_need
