"""How SGLang splits the static share left after the weights into its pools.

Split out of sglang.py (the engine class composes it).
Modelled release: SGLang 0.5.23 (sglang_rules.SGLANG_VERSION_MODELLED); paths are inside its wheel
(sgl-project/sglang).
- pool, `srt/mem_cache/kv_cache_configurator.py` `_profile_available_bytes`: after loading the
  weights, rest = available memory - total x (1 - mem_fraction_static), where "total" is the free
  memory measured at start (the card minus the CUDA context and, on more than one rank, the NCCL
  communicator: sglang_startup.py); the model's pool configurator
  (`srt/model_executor/pool_configurator.py` DefaultPoolConfigurator) gives max_total_num_tokens =
  rest // cell_size, cell_size = kv_heads/tp x (head_dim + v_head_dim) x attention layers x element
  bytes (MLA: kv_lora_rank + rope, once). Only full-attention layers get cells in a hybrid model.
- hybrid (Mamba / linear-attention) models, `_handle_max_mamba_cache`: before the KV pool the
  MambaPool takes max_mamba_cache_size + 1 slots of one request's state over every state layer
  (`srt/configs/mamba_utils.py`: conv window of kernel - 1 positions in bf16, SSM / delta state in
  --mamba-ssm-dtype, float32 by default). max_mamba_cache_size is --max-mamba-cache-size, else
  --max-running-requests without radix cache, else the share mamba_full_memory_ratio / (1 +
  ratio) (0.9 / 1.9) of rest, less the padding slot. `resolve_max_num_reqs` caps
  max_running_requests at max_mamba_cache_size // slots per request (5 with the radix cache's
  extra_buffer strategy, 3 with no_buffer, 1 without radix cache). Rules: sglang_rules.py.
- the scheduler logs max_running_requests = min(max_total_num_tokens // 2, --max-running-requests or
  min(max(max_total_num_tokens / context_len x 512, 2048), 4096)) (`resolve_max_num_reqs`).
- speculative decoding (`--speculative` mtp = NEXTN, eagle, eagle3, draft = STANDALONE): the draft
  worker's KV pool has as many tokens as the target's, and the target sizes the cell as its own cell x
  (1 + draft layers / its attention layers) (`model_executor/pool_configurator.py`: "assumes the draft
  shares the target's per-layer KV size"); an unset --max-running-requests becomes 48
  (`arg_groups/speculative_hook.py`); hybrid models keep a verify scratch of the state per draft token
  (`memory_pool.py` intermediate_ssm_state_cache) sized jointly with the MambaPool
  (`kv_cache_configurator.py`, sglang_rules.auto_spec_mamba_cache_size).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from llmsize.estimate.engines import sglang_rules as rules
from llmsize.estimate.engines import (
    sglang_swa,
)
from llmsize.estimate.engines.sglang_launch import SglangLaunch

if TYPE_CHECKING:
    from llmsize.estimate.result import EngineFigures


@dataclass(frozen=True)
class _Pools:
    """How SGLang splits the static share left after the weights on one GPU."""

    rest: int  # bytes left for the KV pool(s) after the state pool
    slots: int  # max_mamba_cache_size (0 without state layers)
    tokens: int  # max_total_num_tokens (the full-attention pool)
    swa_tokens: int  # the sliding-window pool (0 without one)
    swa_held: int  # sliding tokens one decoding request holds (sglang_swa.request_tokens)
    swa_reserve: int  # sliding tokens the prefill chunks in flight take (sglang_swa.prefill_tokens)
    lines: tuple[str, ...]


class SglangPools(SglangLaunch):
    """How SGLang splits the static share left after the weights into its pools."""

    def state_cache_size(self, rest: int, f: EngineFigures) -> tuple[int, int]:
        """(max_mamba_cache_size, the speculative verify scratch) (kv_cache_configurator.py
        `_handle_max_mamba_cache`). With speculative decoding MambaPool also keeps each slot's state per
        draft token for the target's verify (memory_pool.py intermediate_ssm_state_cache and conv
        windows), priced as the slot x draft tokens for min(running requests, slots // slots per request)
        + 1 slots; the automatic size solves slots + scratch within the state share."""
        slot, ratio = f.state_slot_bytes, f.state_slots_per_request
        d = f.spec_draft_tokens
        running = self.running_cap()
        if self.wl.max_mamba_cache_size is not None:
            slots = self.wl.max_mamba_cache_size
        elif self.wl.disable_radix_cache and self.wl.max_num_seqs is not None:
            slots = self.wl.max_num_seqs
            return slots, slot * (slots + 1) * d
        else:
            share = self.wl.mamba_full_memory_ratio or rules.MAMBA_FULL_MEMORY_RATIO
            if not d:
                return rules.auto_mamba_cache_size(rest, slot, share), 0
            slots = rules.auto_spec_mamba_cache_size(rest, slot, share, d, ratio)
        if not d:
            return slots, 0
        capped = min(max(1, running or 1), slots // max(ratio, 1))
        return slots, slot * (capped + 1) * d

    def pools(self, rest: int, f: EngineFigures) -> _Pools:
        """Split what the static share leaves after the weights: the MambaPool first
        (`_handle_max_mamba_cache`), then the KV pool, or the full and sliding pools of a hybrid-SWA
        model (pool_configurator.py)."""
        wl = self.wl
        slots, lines = 0, tuple[str, ...]()
        if f.state_slot_bytes:
            slots, scratch = self.state_cache_size(rest, f)
            rest -= (slots + 1) * f.state_slot_bytes + scratch if slots > 0 else 0
            ssm = f.state_slot_bytes - f.state_conv_bytes
            lines = (
                f"Mamba Cache is allocated. max_mamba_cache_size: {slots}, conv_state size: "
                f"{rules.as_gb((slots + 1) * f.state_conv_bytes)}GB, ssm_state size: "
                f"{rules.as_gb((slots + 1) * ssm)}GB",
            )
        if f.swa_token_bytes:
            page, window, rel = f.block_tokens, f.swa_window or 0, self.release()
            chunk = self.chunked_prefill()
            running = self.running_cap()
            if sglang_swa.cap_mode(rel, running, not wl.disable_radix_cache, chunk) and running is not None:
                cap = sglang_swa.request_cap(window, page, rel, running // max(1, wl.dp_attention), chunk)
                tokens, swa_tokens = sglang_swa.cap_pools(
                    max(0, rest), f.kv_page_bytes, f.swa_token_bytes, cap, page
                )
            else:
                tokens, swa_tokens = sglang_swa.ratio_pools(
                    max(0, rest), f.kv_page_bytes, f.swa_token_bytes, page
                )
            held = min(wl.context, sglang_swa.request_tokens(window, page, rel))
            reserve = sglang_swa.prefill_tokens(min(chunk, wl.context), page)
            line = (
                f"Use sliding window memory pool. full_layer_tokens={tokens}, swa_layer_tokens={swa_tokens}"
            )
            return _Pools(rest, slots, tokens, swa_tokens, held, reserve, (*lines, line))
        # without attention layers SGLang sets the token pool to the context (pool_configurator.py)
        tokens = max(0, rest // f.kv_page_bytes) if f.kv_page_bytes else (wl.context if rest > 0 else 0)
        return _Pools(rest, slots, tokens, 0, 0, 0, lines)

    def max_running_requests(
        self, tokens: int, context: int, slots: int = 0, f: EngineFigures | None = None
    ) -> int:
        """min(max_total_num_tokens // 2, --max-num-seqs (SGLang's --max-running-requests) or the
        request-pool estimate min(max(tokens / context x 512, 2048), 4096)), and for hybrid models at
        most max_mamba_cache_size // slots per request (kv_cache_configurator.py resolve_max_num_reqs)."""
        cap = self.running_cap()
        if cap is not None:
            running = min(cap, tokens // 2)
        else:
            running = min(min(max(int(tokens / max(1, context) * 512), 2048), 4096), tokens // 2)
        if f is not None and f.state_slot_bytes:
            running = min(running, slots // f.state_slots_per_request)
        return max(0, running)
