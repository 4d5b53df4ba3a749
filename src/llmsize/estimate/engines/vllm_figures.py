"""The figures vLLM prints at start-up: weights loaded, pages, KV cache groups, blocks per request.

Split out of vllm.py (`Vllm` composes it): the numbers `kv_budget` (vllm_budget.py) turns into "GPU KV
cache size" and "Maximum concurrency" (`vllm/v1/core/kv_cache_utils.py`), and the log lines
(vllm_log_lines.py); DeepSeek V4's packed pool from vllm_dsv4.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import (
    server_releases,
    serving_context,
    vllm_dsv4,
    vllm_hybrid_prefix,
)
from llmsize.estimate.engines.base import WeightPlacement
from llmsize.estimate.engines.vllm_cache import VllmCache
from llmsize.estimate.engines.vllm_dcp import context_of
from llmsize.estimate.engines.vllm_kv_groups import (
    group_block,
    group_blocks,
)
from llmsize.estimate.engines.vllm_log_lines import model_loading_line
from llmsize.estimate.engines.vllm_speed import SPEED_V0 as SPEED_V0
from llmsize.estimate.engines.vllm_speed import SPEED_V1_SYNC as SPEED_V1_SYNC
from llmsize.estimate.engines.vllm_transient import VllmTransient
from llmsize.estimate.workload import Workload

if TYPE_CHECKING:
    from llmsize.estimate.phases import Peak
    from llmsize.estimate.resolved import Resolved
    from llmsize.estimate.result import EngineFigures
    from llmsize.specs.models import ModelSpec


class VllmFigures(VllmCache, VllmTransient):
    """The start-up figures of one rank."""

    def figures(
        self, spec: ModelSpec, wl: Workload, weights: WeightPlacement, peak: Peak, rs: Resolved
    ) -> EngineFigures:
        from llmsize.estimate.engines.registry import kv_bytes_per_token_layer
        from llmsize.estimate.result import EngineFigures

        e = rs.compute_bytes
        layers = rs.busiest_stage.layers
        if spec.compressed is not None:
            return self._packed_figures(spec, wl, weights, e, tuple(layers))
        groups = self.groups(spec, layers, self.kv_element_bytes(rs.kv_dtype), self._draft_layers(spec, rs))
        per_layer = max(
            [kv_bytes_per_token_layer(spec, wl, rs.kv_dtype), *(g.token_bytes for g in groups)]
        )
        block = self.block_tokens(spec, int(per_layer), e)
        page = block * per_layer  # one layer's page, the largest kind's
        size = max((g.layers for g in groups), default=0)
        k = self._speculative_tokens(spec)
        t = self.batched_tokens()
        caching = vllm_hybrid_prefix.keeps_prefix_caching(wl.enable_prefix_caching, spec, wl.engine_version)
        dcp = wl.decode_context_parallel
        need = sum(
            group_blocks(g, context_of(g, wl.context, dcp), group_block(g, block, per_layer), t, caching, k)
            for g in groups
        )
        full_block = max(
            (group_block(g, block, per_layer) for g in groups if g.window is None and not g.state),
            default=block,
        )
        return EngineFigures(
            engine=str(self.engine),
            version=self.version,
            device_weights_bytes=weights.device_bytes,
            non_torch_bytes=self.non_torch_bytes(spec),
            cuda_graph_bytes=self.cuda_graph_bytes(spec, e),
            kv_page_bytes=page * size,
            block_tokens=block,
            kv_groups=max(1, len(groups)),
            blocks_per_request=need,
            full_groups=sum(1 for g in groups if g.window is None and not g.state),
            full_block_tokens=full_block,
            concurrency_tokens=server_releases.vllm_prints_concurrency_tokens(wl.engine_version),
            dcp_world_size=dcp,
            budget_fraction=wl.gpu_memory_utilization,
            kv_memory_bytes=wl.kv_cache_memory,
            derived_max_len=serving_context.vllm_derived_max_len(spec),
            lines=(
                model_loading_line(weights.device_bytes),
                *((encoder.line(),) if (encoder := self.encoder(spec, wl, e)) is not None else ()),
            ),
        )

    def _packed_figures(
        self, spec: ModelSpec, wl: Workload, weights: WeightPlacement, e: int, layers: tuple[int, ...]
    ) -> EngineFigures:
        """DeepSeek V4's packed pool (vllm_dsv4.py): one block id costs the stride in every group."""
        from llmsize.estimate.result import EngineFigures

        plan = vllm_dsv4.layout(spec, layers, self.block_tokens(spec))
        block = self.block_tokens(spec)
        return EngineFigures(
            engine=str(self.engine),
            version=f"{vllm_dsv4.VLLM_RELEASES} (DeepSeek V4)",
            device_weights_bytes=weights.device_bytes,
            non_torch_bytes=self.non_torch_bytes(spec),
            cuda_graph_bytes=self.cuda_graph_bytes(spec, e),
            kv_page_bytes=plan.stride_bytes,
            block_tokens=block,
            kv_groups=max(1, len(plan.groups)),
            blocks_per_request=plan.blocks_per_request(wl.context, self.batched_tokens()),
            full_groups=sum(1 for g in plan.groups if g.window is None),
            full_block_tokens=block,
            window_groups=tuple((g.block_tokens, g.window) for g in plan.groups if g.window is not None),
            concurrency_tokens=True,
            budget_fraction=wl.gpu_memory_utilization,
            kv_memory_bytes=wl.kv_cache_memory,
            derived_max_len=serving_context.vllm_derived_max_len(spec),
            lines=(
                "Setting kv cache block size to 256 for DEEPSEEK_SPARSE_SWA backend."
                if block == vllm_dsv4.DEFAULT_BLOCK_TOKENS
                else f"block size {block}",
                "Using DeepSeek's fp8_ds_mla KV cache format.",
                model_loading_line(weights.device_bytes),
            ),
        )
