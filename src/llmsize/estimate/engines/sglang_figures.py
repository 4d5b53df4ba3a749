"""Weights as SGLang loads them, its transient peak and overhead, and the figures its log prints.

Split out of sglang.py (the engine class composes it); the pools these figures feed are
sglang_pools.py's and sglang_budget.py's.
Modelled release: SGLang 0.5.23 (sglang_rules.SGLANG_VERSION_MODELLED); paths are inside its wheel
(sgl-project/sglang).
- weights as loaded ("Load weight end ... mem usage", the drop in free memory over `load_model`):
  the parameters, the caching allocator's 2 MiB segment rounding of each large weight
  (torch_alloc.py) and the RoPE cos/sin table (float32 from 0.5: sglang_startup.py).
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from llmsize.estimate.engines import (
    serving_context,
    sglang_dp_attention,
    sglang_dsv4,
    sglang_fp8,
    sglang_moe_a2a,
    sglang_mxfp4,
    sglang_startup,
    sglang_swa,
)
from llmsize.estimate.engines import sglang_rules as rules
from llmsize.estimate.engines.base import WeightPlacement
from llmsize.estimate.engines.sglang_launch import CUDA_CONTEXT_BYTES
from llmsize.estimate.engines.sglang_layout import SglangCacheLayout
from llmsize.estimate.engines.torch_alloc import weights_segment_slack
from llmsize.estimate.engines.vllm import rope_positions, rotary_dim
from llmsize.estimate.workload import Workload
from llmsize.units import GIB, MIB

if TYPE_CHECKING:
    from llmsize.estimate.overhead import Overhead
    from llmsize.estimate.phases import Peak, StaticBytes
    from llmsize.estimate.placement import Stage
    from llmsize.estimate.resolved import Resolved
    from llmsize.estimate.result import EngineFigures
    from llmsize.specs.models import ModelSpec, WeightFormat


class SglangFigures(SglangCacheLayout):
    """Weights as SGLang loads them, its transient peak and overhead, and the figures its log prints."""

    def rope_bytes(self, spec: ModelSpec, wl: Workload) -> int:
        """The RoPE cos/sin table built during the load (positions x rotary_dim), float32 from SGLang 0.5
        on CUDA (sglang_startup.py); one per distinct RoPE, shared with the draft (get_rope's _ROPE_DICT)."""
        model_element = 4 if wl.dtype is not None and str(wl.dtype) == "fp32" else 2
        element = sglang_startup.rope_element_bytes(self.release(), model_element)
        return sglang_startup.rope_positions(spec, rope_positions(spec)) * rotary_dim(spec) * element

    def peak(self, spec: ModelSpec, wl: Workload, static: StaticBytes, rs: Resolved) -> Peak:
        from llmsize.estimate.engines.vllm import Vllm
        from llmsize.estimate.phases import Peak

        e = rs.compute_bytes
        # The forward of one prefill chunk, the same flat-token forward vLLM profiles.
        chunk = wl.model_copy(update={"max_num_batched_tokens": self.chunked_prefill(), "max_num_seqs": 1})
        _, forward, _ = Vllm(chunk).profile_bytes(spec, e)
        logits = wl.batch * spec.vocab_size * 4
        act = forward + logits
        kv = static.kv_full
        return Peak(
            phase="prefill chunk",
            kv_cache=kv,
            activations=act,
            gradients=0,
            optimizer=0,
            formula="SGLang: one chunked prefill of chunked_prefill_size tokens, outside the static share",
            detail=f"forward of {self.chunked_prefill():,} tokens {forward:,} B; logits {logits:,} B",
            low=act + kv + static.weights,
            high=act + kv + static.weights,
        )

    def overhead(self, spec: ModelSpec, wl: Workload, allocated: int, rs: Resolved) -> Overhead:
        from llmsize.estimate.overhead import Overhead

        del allocated, rs
        h = spec.hidden_size
        bs = self.graph_max_bs()
        graphs = bs * 2 * (2 * h + 3 * spec.max_mlp_width // wl.tp) + bs * spec.vocab_size * 4
        deepep = sglang_moe_a2a.deepep_bytes(spec, wl)  # after the KV pool, outside the static share
        nominal = self.pre_load_bytes() + graphs + deepep
        nccl = " + the TP NCCL communicator" if self.pre_load_bytes() > CUDA_CONTEXT_BYTES else ""
        buffer = f" + DeepEP buffer {deepep / 2**30:.2f} GiB" if deepep else ""
        return Overhead(
            nominal=nominal,
            low=nominal,
            high=nominal + 256 * MIB,
            formula=f"CUDA context{nccl} + CUDA graphs of decode batches up to {bs}{buffer}",
            driver="graph pool size with the batch sizes captured",
        )

    def place_weights(
        self, spec: ModelSpec, wl: Workload, fmt: WeightFormat, stage: Stage, device: int, all_stages: int
    ) -> WeightPlacement:
        """The weights plus the caching allocator's rounding of their segments (torch_alloc.py): SGLang
        measures the load as the drop in free memory, so "Load weight end ... mem usage" includes it.
        Check: QwQ-32B at TP 4 printed mem usage=15.54 GB for 15.26 GiB of bf16 parameters per rank
        (didier-durand/llms-in-clouds docs/sglang.md, SGLang 0.4.3.post4)."""
        del all_stages
        slack = weights_segment_slack(spec, wl, fmt, stage)
        slack += sglang_fp8.extra_bytes(spec, wl, fmt, stage)  # FP8 segments, Marlin scales on Ampere
        slack += sglang_mxfp4.extra_bytes(spec, wl, fmt, stage)  # gpt-oss's trtllm-gen experts on SM100
        slack += sglang_dp_attention.extra_weight_bytes(spec, wl, fmt, stage)  # attention whole per group
        return WeightPlacement(device + slack + self.rope_bytes(spec, wl), 0)

    def figures(
        self, spec: ModelSpec, wl: Workload, weights: WeightPlacement, peak: Peak, rs: Resolved
    ) -> EngineFigures:
        from llmsize.estimate.engines.registry import kv_bytes_per_token_layer
        from llmsize.estimate.result import EngineFigures

        stage = rs.busiest_stage.layers
        if spec.compressed is not None:
            p = self._dsv4_plan(spec, stage)
            return EngineFigures(
                engine=str(self.engine),
                version=f"{self.version} ({sglang_dsv4.RELEASE})",
                device_weights_bytes=weights.device_bytes,
                kv_page_bytes=-(-p.per_full_token.numerator // p.per_full_token.denominator),
                kv_token_bytes=float(p.per_full_token),
                kv_fixed_bytes=p.fixed_bytes,
                block_tokens=sglang_dsv4.PAGE_TOKENS,
                blocks_per_request=wl.context,
                budget_fraction=wl.mem_fraction_static,
                reserved_bytes=self.reserved_bytes(spec),
                derived_max_len=serving_context.sglang_derived_context_len(spec),
                lines=(
                    f"Load weight end. mem usage={weights.device_bytes / GIB:.2f} GB",
                    f"DSV4 SWA sizing: mode=cap, swa_tokens={p.swa_tokens}, "
                    f"request_cap+headroom={p.swa_tokens}, prefix_tails={p.prefix_tails}",
                ),
            )
        swa_pool = self.swa_pool(spec)
        full = swa = Fraction(0)
        window: int | None = None
        for layer in (layer for layer in stage if spec.has_kv(layer)):
            per_token = kv_bytes_per_token_layer(spec.attention_view(layer), wl, rs.kv_dtype)
            if swa_pool and spec.layer_window(layer) is not None:
                swa += per_token
                window = spec.layer_window(layer)
            else:
                full += per_token
        if not full:  # all sliding: SGLang keeps one pool sized by the sliding cell alone
            full, swa, window = swa, Fraction(0), None
        cell = int(full)
        cell += self._draft_cell(spec, wl, stage, cell)
        state_layers = sum(1 for layer in stage if spec.recurrent is not None and spec.has_state(layer))
        conv = ssm = 0
        if state_layers and spec.recurrent is not None:
            conv, ssm = rules.layer_state_bytes(spec.recurrent, self._attention_tp(wl.tp), self.ssm_bytes())
        kind = spec.recurrent.kind if spec.recurrent is not None else ""
        return EngineFigures(
            engine=str(self.engine),
            version=self.version,
            device_weights_bytes=weights.device_bytes,
            kv_page_bytes=cell,
            # SGLang's page: 64 where gpt-oss runs trtllm_mha; only the sliding-window pools round to it
            block_tokens=(
                sglang_swa.page_tokens(spec.architecture, wl.gpu_architecture, wl.gpu_segment) if swa else 1
            ),
            blocks_per_request=wl.context,
            budget_fraction=wl.mem_fraction_static,
            state_slot_bytes=(conv + ssm) * state_layers,
            state_conv_bytes=conv * state_layers,
            state_slots_per_request=rules.slots_per_request(kind, not wl.disable_radix_cache),
            spec_draft_tokens=self.draft_tokens(spec) if wl.speculative is not None else 0,
            swa_token_bytes=int(swa),
            swa_window=window if swa else None,
            reserved_bytes=self.reserved_bytes(spec),
            derived_max_len=serving_context.sglang_derived_context_len(spec),
            fraction_factor=self._vlm(spec)[0],
            mm_reserve_bytes=self._vlm(spec)[1],
            lines=self._load_lines(spec, wl, weights.device_bytes, rs),
        )

    def _load_lines(self, spec: ModelSpec, wl: Workload, device: int, rs: Resolved) -> tuple[str, ...]:
        """"Load weight end" of the target, then of the draft worker (its own ModelRunner logs its load)."""
        from llmsize.estimate import speculative

        d = speculative.drafter(spec, wl) if rs.busiest_stage.head else None
        own = self.draft_own_embed
        draft = speculative.weight_bytes(spec, wl, rs.weights.format, d, own_embed=own) if d else 0
        lines: tuple[str, ...] = (f"Load weight end. mem usage={(device - draft) / GIB:.2f} GB",)
        if draft:
            lines += (f"Load weight end. mem usage={draft / GIB:.2f} GB (draft worker)",)
        return lines

    @staticmethod
    def _draft_cell(spec: ModelSpec, wl: Workload, stage: tuple[int, ...], cell: int) -> int:
        """What the draft worker's pool adds to one token's cell: the draft's pool has as many tokens as
        the target's, and SGLang sizes it as the target's cell x draft layers / target attention layers
        (model_executor/pool_configurator.py: "EAGLE/STANDALONE: assumes the draft shares the target's
        per-layer KV size"; draft layers = num_nextn_predict_layers for NEXTN, else the draft model's
        layers, spec_aux_hidden_state.py)."""
        from llmsize.estimate import speculative

        d = speculative.drafter(spec, wl)
        layers = sum(1 for layer in stage if spec.has_kv(layer))
        if d is None or not layers or (stage and stage[-1] != spec.num_layers - 1):
            return 0
        draft_layers = d.layer_spec.num_layers if d.method == "draft" else d.kv_layers
        return int(cell * draft_layers / layers)
