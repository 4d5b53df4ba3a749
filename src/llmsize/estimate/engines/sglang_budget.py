"""The pool budget of one GPU: the static share SGLang takes, what --batch requests need of it, and
the verdict.

Split out of sglang.py (the engine class composes it): the pools are sglang_pools.py's, the
refusals sglang_refusals.py's, DeepSeek V4's own pools sglang_dsv4.py's
(`DSV4PoolConfigurator.calculate_pool_sizes`). Sources: `srt/mem_cache/kv_cache_configurator.py`
`_profile_available_bytes`, `model_runner.py` `init_memory_pool`, `scheduler.py` max_req_len.
Modelled release: SGLang 0.5.23 (sglang_rules.SGLANG_VERSION_MODELLED); paths are inside its wheel
(sgl-project/sglang).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import (
    serving_context,
    sglang_dsv4,
    sglang_swa,
)
from llmsize.estimate.engines import sglang_rules as rules
from llmsize.estimate.engines.base import Budget
from llmsize.estimate.engines.sglang_launch import MAX_PREFILL_TOKENS
from llmsize.estimate.engines.sglang_pools import SglangPools
from llmsize.estimate.engines.sglang_refusals import (
    STOPPED_NOTE,
    SglangRefusals,
    _outside_refusal,
    _refused_headroom,
)
from llmsize.estimate.workload import Workload
from llmsize.units import format_gib

if TYPE_CHECKING:
    from llmsize.estimate.result import EngineFigures, Estimate
    from llmsize.specs.models import ModelSpec


class SglangBudget(SglangPools, SglangRefusals):
    """The pool budget of one GPU: the static share, what --batch needs of it, and the verdict."""

    def refused_before_estimate(self, spec: ModelSpec, total_bytes: int) -> bool:
        """True when the static share itself is not positive: `_pool_budget` then leaves the pools
        int(frac x start) - weights < 0, no KV token, and SGLang refuses to start ("Not enough memory",
        model_runner.py; `_refusal`). The default share (memory_hook.py, rules.mem_fraction_default)
        reads only the card and reserved_mib (chunk, TP x PP, graph batch), no estimate: `compare
        Llama-3.1-405B --gpus all --engine sglang` estimated ~139 layouts a card, most of them deep
        pipelines whose reserve (TP x PP / 8 GiB) is past a small card (issue 15). Only where every block
        keeps K/V (so `figures` has a KV cell on every stage and `_pool_budget` runs) and not for
        DeepSeek V4's own pools."""
        if spec.compressed is not None or not spec.every_block_full_attention:
            return False
        return self.mem_fraction(total_bytes, self.reserved_bytes(spec), self._vlm(spec)[0]) <= 0

    def budget(self, est: Estimate, total_bytes: int, wl: Workload, unified: bool = False) -> Budget:
        """The pools of one GPU, and SGLang's refusal of a --context-length above the derived one
        (serving_context.py), which it raises before any of them."""
        budget = self._pool_budget(est, total_bytes, wl, unified)
        derived = est.engine_figures.derived_max_len if est.engine_figures is not None else None
        return serving_context.refused(budget, "SGLang", wl, derived)

    def _pool_budget(self, est: Estimate, total_bytes: int, wl: Workload, unified: bool = False) -> Budget:
        f = est.engine_figures
        if f is None or (f.kv_page_bytes == 0 and f.state_slot_bytes == 0):
            return super().budget(est, total_bytes, wl, unified)
        if f.kv_token_bytes is not None:
            return self._dsv4_budget(est, total_bytes, f)
        frac = self.mem_fraction(total_bytes, f.reserved_bytes, f.fraction_factor)
        start = total_bytes - self.pre_load_bytes()
        p = self.pools(int(frac * start) - est.weights_bytes - f.mm_reserve_bytes, f)
        running = self.max_running_requests(p.tokens, wl.context, p.slots, f)
        concurrency = p.tokens / max(1, wl.context)
        if p.swa_held:
            concurrency = min(concurrency, sglang_swa.concurrency(p.swa_tokens, p.swa_held, p.swa_reserve))
        if f.state_slot_bytes:
            concurrency = min(concurrency, max(0, running))
        outside = est.activations_bytes + est.overhead_bytes - self.pre_load_bytes()
        refused = self._refusal(est, p, running, outside, start, frac, f)
        reason = refused[0] if refused else self._short(concurrency, p.tokens)
        stopped = refused[1] if refused else None  # the log up to the error SGLang raises
        # A pool shorter than one --context does not stop SGLang: it starts and caps every request at
        # max_total_num_tokens - 1 (scheduler.py: max_req_len = min(context_len, max_total_num_tokens) - 1).
        capped = (
            (f"requests are capped at {p.tokens - 1:,} tokens: the pool holds fewer than one --context of "
             f"{wl.context:,}",)
            if 0 < p.tokens < wl.context
            else ()
        )
        held = min(wl.batch * wl.context, p.tokens) if capped else wl.batch * wl.context
        states = wl.batch * (f.state_slot_bytes + p.swa_held * f.swa_token_bytes)
        states += p.swa_reserve * f.swa_token_bytes if p.swa_held else 0
        pools = self._pools_need(held * f.kv_page_bytes, states, f)
        static_need = est.weights_bytes + f.mm_reserve_bytes + pools
        state = f.state_slot_bytes > 0
        # SGLang allocates its pools from the static share whatever the workload (model_runner.py
        # `profile_max_num_token`: rest = free after load - total x (1 - mem_fraction_static), all of it
        # tokens; `init_memory_pool` allocates them): its budget is that share, as vLLM's is its
        # utilization share (vllm_budget.py), the need the weights and what --batch requests fill of the
        # pools, and the headroom the pool left unfilled. Against the whole card "20.8 GiB headroom" read
        # as free memory SGLang had already taken for its 92,389-token pool (issue 15, poolview).
        share = int(frac * start)
        loaded = est.weights_bytes <= start
        return Budget(
            refused_headroom_bytes=_refused_headroom(
                refused is not None and loaded, stopped is None, start, share, static_need, outside),
            usable_bytes=share if loaded else total_bytes,
            need_bytes=static_need if loaded else est.weights_bytes + self.pre_load_bytes(),
            reason=reason,
            kv_pool_bytes=max(0, p.rest),
            # refused at start: no pool is built, so no max_total_num_tokens to quote and nothing served
            # (`check` listed "kv_cache_tokens: 0", "max_concurrency: 0.0" above the refusal; round 18)
            kv_tokens=None if stopped is not None else p.tokens,
            kv_tokens_note=STOPPED_NOTE if stopped is not None else None,
            max_concurrency=None if stopped is not None else round(concurrency, 2),
            # refused at start: no context runs; else SGLang's max_req_len caps a request at the pool
            max_context=0 if stopped is not None else max(0, p.tokens - 1),
            state_slots=p.slots if state else None,
            state_pool_bytes=(p.slots + 1) * f.state_slot_bytes if state and p.slots > 0 else None,
            lines=stopped if stopped is not None else (
                *f.lines,
                *p.lines,
                f"max_total_num_tokens={p.tokens}, chunked_prefill_size={self.chunked_prefill()}, "
                f"max_prefill_tokens={MAX_PREFILL_TOKENS}, max_running_requests={running}, "
                f"context_len={self.wl.context}",
                f"mem_fraction_static={frac}",
                *capped,
            ),
        )

    def _pools_need(self, kv_bytes: int, states: int, f: EngineFigures) -> int:
        """What the static share must hold after the weights for --batch requests: with the automatic
        MambaPool size, which takes ratio / (1 + ratio) of it (rules.auto_mamba_cache_size), enough for
        state_slots_per_request slots a request plus the padding slot, and the KV pool the rest."""
        wl = self.wl
        auto = wl.max_mamba_cache_size is None and not (wl.disable_radix_cache and wl.max_num_seqs)
        if not f.state_slot_bytes or not auto or f.spec_draft_tokens:
            return kv_bytes + states
        ratio = wl.mamba_full_memory_ratio or rules.MAMBA_FULL_MEMORY_RATIO
        slots = (max(1, f.state_slots_per_request) * wl.batch + 1) * f.state_slot_bytes
        return int(max(slots * (1 + ratio) / ratio, kv_bytes * (1 + ratio)))

    def _dsv4_budget(self, est: Estimate, total_bytes: int, f: EngineFigures) -> Budget:
        """DeepSeek V4 (sglang_dsv4.py): the request-sized pools first, then full tokens at
        bytes_per_full_token (`DSV4PoolConfigurator.calculate_pool_sizes`)."""
        wl = self.wl
        per_token = f.kv_token_bytes or 1.0
        frac = self.mem_fraction(total_bytes, f.reserved_bytes)
        start = total_bytes - self.pre_load_bytes()
        available = int(frac * start) - est.weights_bytes
        rest = max(available - f.kv_fixed_bytes, 0)
        tokens = int(rest / per_token) // sglang_dsv4.PAGE_TOKENS * sglang_dsv4.PAGE_TOKENS
        running = max(0, min(wl.max_num_seqs or sglang_dsv4.MAX_RUNNING_REQUESTS, tokens // 2))
        concurrency = min(tokens / max(1, wl.context), running)
        outside = est.activations_bytes + est.overhead_bytes - self.pre_load_bytes()
        reason = None
        if tokens <= 0:
            reason = (
                "SGLang would refuse to start: the request-sized DeepSeek V4 pools (sliding window cap, "
                f"HCA state: {format_gib(f.kv_fixed_bytes)}) leave nothing for the token pools; raise "
                "--mem-fraction-static, lower --max-num-seqs (--max-running-requests) or use more GPUs"
            )
        elif outside > start - int(frac * start):
            reason = _outside_refusal(outside, frac)
        else:
            reason = self._short(concurrency, tokens)
        static_need = est.weights_bytes + f.kv_fixed_bytes + int(wl.batch * wl.context * per_token)
        need = static_need + outside
        gb = 1 << 30
        return Budget(
            refused_headroom_bytes=_refused_headroom(
                tokens <= 0 or reason == _outside_refusal(outside, frac), tokens > 0, start,
                int(frac * start), static_need, outside),
            # the static share is the budget, as in `_pool_budget` (the pools are allocated whole)
            usable_bytes=int(frac * start) if est.weights_bytes <= start else total_bytes,
            need_bytes=static_need if est.weights_bytes <= start else need + self.pre_load_bytes(),
            reason=reason,
            kv_pool_bytes=max(0, available),
            kv_tokens=tokens if tokens > 0 else None,  # refused at start: no pool (as in _pool_budget)
            kv_tokens_note=STOPPED_NOTE if tokens <= 0 else None,
            max_concurrency=round(concurrency, 2) if tokens > 0 else None,
            max_context=tokens,
            lines=(
                *f.lines,
                f"DSV4 memory calculation: bytes_per_full_token={per_token:.2f}, "
                f"available_bytes={available / gb:.2f} GB, fixed (SWA cap + c128 state)="
                f"{f.kv_fixed_bytes / gb:.2f} GB, full_token={tokens}",
                f"max_total_num_tokens={tokens}, chunked_prefill_size={self.chunked_prefill()}, "
                f"max_prefill_tokens={MAX_PREFILL_TOKENS}, max_running_requests={running}, "
                f"context_len={wl.context}",
                f"mem_fraction_static={frac}",
            ),
        )
