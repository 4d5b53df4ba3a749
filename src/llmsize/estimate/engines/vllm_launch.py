"""vLLM's launch settings: block size, the batch defaults by GPU, the served dtype, the state pages.

Split out of vllm.py (`Vllm` composes it; every other vllm_* mixin builds on it). Sources, vLLM 0.19
(vllm-project/vllm): `vllm/config/cache.py` CacheConfig.block_size and BlockSize, `vllm/platforms/cuda.py`
check_and_update_config (FlashMLA's 64-token pages), `vllm/engine/arg_utils.py`
EngineArgs.get_batch_defaults, `vllm/platforms/interface.py` `_align_hybrid_block_size`
(vllm_state_page.py), `vllm/config/model.py` `_get_and_verify_dtype`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llmsize.estimate.engines import (
    vllm_dsv4,
)
from llmsize.estimate.engines.base import BaseEngine, serving_dtype
from llmsize.estimate.engines.nccl import link_class
from llmsize.estimate.engines.vllm_mxfp4 import mxfp4_backend_for
from llmsize.estimate.engines.vllm_speed import SPEED_V0 as SPEED_V0
from llmsize.estimate.engines.vllm_speed import SPEED_V1_SYNC as SPEED_V1_SYNC
from llmsize.estimate.engines.vllm_state_page import aligned_block_tokens, hybrid_state, state_bytes
from llmsize.estimate.workload import Workload
from llmsize.units import GIB

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec, WeightFormat

VLLM_VERSION_MODELLED = "0.19"
BLOCK_TOKENS = 16  # REFERENCE: vllm/config/cache.py CacheConfig.block_size default 16
MLA_BLOCK_TOKENS = 64  # REFERENCE: vllm/platforms/cuda.py: FlashMLA needs block_size 64
# REFERENCE: vllm/config/cache.py `BlockSize = Literal[1, 8, 16, 32, 64, 128, 256]` (0.19): the
# --block-size argument's choices; vLLM's argument parser rejects any other value.
BLOCK_SIZES = (1, 8, 16, 32, 64, 128, 256)
# REFERENCE: vllm/engine/arg_utils.py EngineArgs.get_batch_defaults (OPENAI_API_SERVER context).
LARGE_GPU_BYTES = 70 * GIB
BATCHED_TOKENS_LARGE, SEQS_LARGE = 8192, 1024
BATCHED_TOKENS_SMALL, SEQS_SMALL = 2048, 256
# REFERENCE: vllm/config/compilation.py: max_cudagraph_capture_size = min(2 x max_num_seqs, 512);


class VllmLaunch(BaseEngine):
    """The settings every other part of the engine reads: pages, batch defaults, served dtype."""

    def block_tokens(
        self, spec: ModelSpec | None = None, attn_token_bytes: int = 0, compute_bytes: int = 2
    ) -> int:
        """Tokens per KV block: --block-size, else 16 (64 for MLA), raised for a hybrid model until one
        attention page holds a layer's state page (`_align_hybrid_block_size`)."""
        if spec is not None and spec.compressed is not None:
            return self.wl.block_size or vllm_dsv4.DEFAULT_BLOCK_TOKENS
        base = self.wl.block_size or (MLA_BLOCK_TOKENS if spec is not None and spec.is_mla else BLOCK_TOKENS)
        if spec is None or not attn_token_bytes:
            return base
        state = self.state_page_bytes(spec, compute_bytes)
        if not state:
            return base
        return aligned_block_tokens(base, state, attn_token_bytes, spec.is_mla)

    @staticmethod
    def hybrid_state(spec: ModelSpec) -> bool:
        """Whether the model mixes attention layers with fixed-state (linear-attention / Mamba) ones."""
        return hybrid_state(spec)

    def state_page_bytes(self, spec: ModelSpec, compute_bytes: int) -> int:
        """One layer's state for one request on one rank, as vLLM's MambaSpec sizes it: the conv state
        of kernel - 1 positions in the model dtype and the recurrent state in the dtype the model keeps
        it (mamba_ssm_cache_dtype: fp32 for Qwen3.5/3.6 and Nemotron-H, else the model dtype;
        vllm_state_dtype.py). 0 without state layers or without attention layers (then pages need no
        unifying)."""
        if not self.hybrid_state(spec):
            return 0
        return self.state_bytes(spec, compute_bytes, self.wl.tp)

    def state_bytes(self, spec: ModelSpec, compute_bytes: int, tp: int) -> int:
        """MambaSpec's state for one request on one of `tp` ranks, with num_speculative_tokens more conv
        positions under speculative decoding (vllm_state_page.py)."""
        return state_bytes(spec, compute_bytes, tp, self._speculative_tokens(spec))

    def batched_tokens(self) -> int:
        return self.wl.max_num_batched_tokens or BATCHED_TOKENS_SMALL

    def max_seqs(self) -> int:
        return self.wl.max_num_seqs or SEQS_SMALL

    def gpu_defaults(
        self, wl: Workload, total_bytes: int, gpu_name: str, architecture: str = "", segment: str = "",
        compute_units: int | None = None, interconnect: str = "", vendor: str = "",
    ) -> Workload:
        large = total_bytes >= LARGE_GPU_BYTES and "a100" not in gpu_name.lower()
        update: dict[str, Any] = {}
        if wl.gpu_link is None:
            update["gpu_link"] = link_class(interconnect)  # where NCCL's buffers sit (nccl.py)
        if wl.gpu_compute_units is None and compute_units:
            update["gpu_compute_units"] = compute_units  # the sampler's Triton buffer (vllm_sampler.py)
        if wl.gpu_architecture is None and architecture:
            update["gpu_architecture"] = architecture  # the cuBLAS workspace size (vllm_sampler.py)
        if wl.mxfp4_moe_backend is None and architecture:
            update["mxfp4_moe_backend"] = mxfp4_backend_for(architecture, segment)
        if wl.max_num_batched_tokens is None:
            update["max_num_batched_tokens"] = BATCHED_TOKENS_LARGE if large else BATCHED_TOKENS_SMALL
        if wl.max_num_seqs is None:
            update["max_num_seqs"] = SEQS_LARGE if large else SEQS_SMALL
        return wl.model_copy(update=update) if update else wl

    def load_format(self, spec: ModelSpec, wl: Workload, rest: str) -> tuple[WeightFormat, str] | None:
        return serving_dtype(spec, wl, rest, "vLLM")

    def resolve(self, spec: ModelSpec, wl: Workload) -> Workload:
        """DeepSeek V4 runs an fp8 cache only (deepseek_v4_attention.py DeepseekV4MLAAttention:
        "DeepseekV4 only supports fp8 kv-cache format for now", converted to fp8_ds_mla); the
        published launch commands pass --kv-cache-dtype fp8."""
        if spec.compressed is not None and wl.kv_dtype is None:
            return wl.model_copy(update={"kv_dtype": "fp8"})
        return wl

    def _speculative_tokens(self, spec: ModelSpec) -> int:
        """num_speculative_tokens (validate requires it but for mtp, whose default is n_predict)."""
        if self.wl.speculative is None:
            return 0
        return self.wl.num_speculative_tokens or max(1, spec.mtp_layers)
