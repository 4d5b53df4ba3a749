"""Weights as vLLM holds them after load: MXFP4 expert padding, RoPE tables, allocator rounding.

Split out of vllm.py (`Vllm` composes it). "Model loading took" is torch.cuda.memory_allocated's
increase (vllm/utils/mem_utils.py DeviceMemoryProfiler); the MXFP4 padding follows the MoE kernel vLLM
picks (`vllm/model_executor/layers/fused_moe/oracle/mxfp4.py`, vllm_mxfp4.py), the tables vllm_rope.py,
the 2 MiB segment rounding torch_alloc.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import (
    vllm_expert_parallel,
    vllm_language_only,
)
from llmsize.estimate.engines.base import WeightPlacement
from llmsize.estimate.engines.torch_alloc import weights_block_slack
from llmsize.estimate.engines.vllm_launch import (
    VllmLaunch,
)
from llmsize.estimate.engines.vllm_mxfp4 import mxfp4_expert_bytes
from llmsize.estimate.engines.vllm_rope import rope_cache_bytes
from llmsize.estimate.engines.vllm_speed import SPEED_V0 as SPEED_V0
from llmsize.estimate.engines.vllm_speed import SPEED_V1_SYNC as SPEED_V1_SYNC
from llmsize.estimate.workload import Workload

if TYPE_CHECKING:
    from llmsize.estimate.placement import Stage
    from llmsize.specs.models import ModelSpec, WeightFormat


class VllmWeights(VllmLaunch):
    """Weights as loaded on one rank."""

    def place_weights(
        self, spec: ModelSpec, wl: Workload, fmt: WeightFormat, stage: Stage, device: int, all_stages: int
    ) -> WeightPlacement:
        """Weights as vLLM's kernels hold them: MXFP4 MoE experts padded to the tiles of the MoE
        kernel vLLM picks for the GPU (Marlin when the GPU is unknown: the widest padding of the
        CUDA kernels but TRT-LLM's), everything else as stored; plus the RoPE cos/sin tables that
        "Model loading took" includes."""
        del all_stages
        from llmsize.specs.models import QuantMethod

        if wl.language_model_only:  # vllm_language_only.py: the towers are never built
            device -= vllm_language_only.tower_bytes(spec, wl, fmt, stage)
        rope, slack = rope_cache_bytes(spec, wl), weights_block_slack(spec, wl, fmt, stage)
        spread = vllm_expert_parallel.extra_weight_bytes(spec, wl, fmt, stage)  # experts over tp x dp ranks
        # explain's weight line ended "= 15,231,233,024 B (14.19 GiB)" under "weights: 14.25 GiB"
        # (Qwen2.5-7B): the loaded extras are said, so its numbers add up (issue 15, round 9)
        detail = "".join(f"; + {b:,} B {what}" for b, what in (
            (rope, "RoPE cos/sin tables"), (slack, "caching-allocator 2 MiB segment rounding"),
            (spread, "experts over the expert-parallel ranks")) if b)
        device += rope + slack + spread
        inter = spec.moe_intermediate_size // wl.tp if spec.is_moe else 0
        if fmt.quant != QuantMethod.MXFP4 or not inter:
            return WeightPlacement(device, 0, detail + (f" = {device:,} B as loaded" if detail else ""))
        from llmsize.estimate.weights import shard_bytes, stage_shards

        experts = sum(
            shard_bytes(spec, s, fmt) for s in stage_shards(spec, wl, stage) if s.group.kind == "expert"
        )
        backend = wl.mxfp4_moe_backend or "marlin"
        held = mxfp4_expert_bytes(backend, inter, spec.hidden_size)
        stored = mxfp4_expert_bytes(None, inter, spec.hidden_size)
        padded = experts * (held - stored) // stored
        detail += f"; + {padded:,} B MXFP4 expert padding ({backend})" if padded else ""
        loaded = device + padded
        return WeightPlacement(loaded, 0, detail + (f" = {loaded:,} B as loaded" if detail else ""))
