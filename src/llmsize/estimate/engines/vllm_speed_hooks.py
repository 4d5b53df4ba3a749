"""The speed model's hooks for vLLM: the release's profile, prefill chunk, ROCm decode kernel, EP, DSA.

Split out of vllm.py (`Vllm` composes it); the profiles themselves are vllm_speed.py's, the releases
server_releases.py's, ROCm's decode-attention selector rocm_decode_backend.py's, the sparse-attention
top-k dsa_cache.py's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import (
    dsa_cache,
    rocm_decode_backend,
    server_releases,
    vllm_all2all,
    vllm_expert_parallel,
    vllm_moe_tuned,
    vllm_v0_long_context,
    vllm_v0_only,
)
from llmsize.estimate.engines.moe_all_to_all import AllToAll
from llmsize.estimate.engines.vllm_launch import (
    VllmLaunch,
)
from llmsize.estimate.engines.vllm_speed import SPEED_V0 as SPEED_V0
from llmsize.estimate.engines.vllm_speed import SPEED_V1_SYNC as SPEED_V1_SYNC

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec


class VllmSpeedHooks(VllmLaunch):
    """What the speed model asks vLLM: which profile, chunk, decode kernel and expert layout."""

    def expert_parallel_ranks(self, spec: ModelSpec) -> tuple[int, int]:
        return vllm_expert_parallel.speed_ranks(spec, self.wl)

    def moe_all_to_all(self) -> AllToAll:
        """--all2all-backend (vllm_all2all.py)."""
        return vllm_all2all.plan(self.wl)

    def speed_name(self, spec: ModelSpec | None = None) -> str:
        """The speed profile of the release asked for (--engine-version: V0 before 0.8, 0.4's capped
        graphs; estimate/engines/server_releases.py); the V1 engine's when none is given."""
        base = server_releases.vllm_speed_name(self.wl.engine_version, self.wl.enforce_eager)
        if spec is not None:  # 0.8-0.10 run a SupportsV0Only model on V0 (vllm_v0_only.py)
            release = server_releases.release(self.wl.engine_version, "vLLM", "0.6.3")
            base = vllm_v0_only.speed_name(base, spec.architecture, release, self.wl.enforce_eager)
            # 0.4-0.7 without a tuned fused_moe file for the expert shape: default tiles (vllm_moe_tuned.py)
            quantized = spec.weight_format.quant is not None or self.wl.quant is not None
            base = vllm_moe_tuned.speed_name(base, spec, self.wl.tp, release, quantized,
                                             self.wl.enforce_eager)
        return rocm_decode_backend.speed_profile(base, self._decode_choice(spec))

    def prefill_chunk(self, spec: ModelSpec | None = None) -> int | None:
        """512 tokens where a V0 release turns chunked prefill on for a server of more than 32,768
        tokens (vllm_v0_long_context.py); the speed profile's chunk otherwise."""
        return vllm_v0_long_context.prefill_chunk(self.wl.engine_version, self.wl.context, spec,
                                                  self.wl.speculative is not None)

    def _decode_choice(self, spec: ModelSpec | None) -> rocm_decode_backend.DecodeAttention | None:
        """The decode-attention backend vLLM's ROCm selector gives this run (rocm_decode_backend.py);
        None off CDNA3, for MLA, and with --enforce-eager (no eager twin of the Triton profile)."""
        if spec is None or self.wl.enforce_eager:
            return None
        release = server_releases.release(self.wl.engine_version, "vLLM", "0.6.3")
        # The window is the server's --max-model-len, which its decode graphs are captured at.
        return rocm_decode_backend.vllm_decode(spec, self.wl.gpu_architecture, release,
                                               self.wl.attention_backend,
                                               self.wl.request_context or self.wl.context, self.wl.context)

    def sparse_attention_topk(self, spec: ModelSpec) -> int | None:
        """DeepSeek-V3.2 / GLM-5: vLLM scores every cached token with the lightning indexer and runs
        sparse MLA on the index_topk tokens it picks (dsa_cache.decode_read_bytes cites the kernels)."""
        return dsa_cache.sparse_topk(spec)

    def prefill_sparse_topk(self, spec: ModelSpec, tokens: int) -> int | None:
        """DeepSeek-V3.2 / GLM-5: vLLM runs every prompt through the indexer and FlashMLA's sparse
        prefill in the absorbed (latent) form, short ones included: the dense MHA path for prompts of
        at most topk tokens is an open item of the V3.2 tracking issue (vllm-project/vllm#31473,
        'Use un-absorbed dense MHA pathway for requests with seqlen <= topk')."""
        del tokens
        return dsa_cache.sparse_topk(spec)
