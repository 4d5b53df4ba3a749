"""vLLM's transient memory and overhead: the profile run, the CUDA graph pool, non-torch memory.

Split out of vllm.py (`Vllm` composes it). Sources, vLLM 0.19: `vllm/v1/worker/gpu_model_runner.py`
`profile_run` / `_dummy_sampler_run` (vllm_profile_run.py, vllm_sampler.py), `vllm/config/vllm.py`
`_set_cudagraph_sizes` and `vllm/config/compilation.py` (vllm_graph_pool.py, vllm_capture_extras.py,
vllm_fa_splits.py), `vllm/utils/mem_utils.py` memory_profiling (non-torch memory, nccl.py), the encoder's
start-up profile (vllm_encoder.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import (
    vllm_all2all,
    vllm_cudagraph_mode,
)
from llmsize.estimate.engines.nccl import device_buffers
from llmsize.estimate.engines.vllm_budget import CUDA_CONTEXT_BYTES
from llmsize.estimate.engines.vllm_capture_extras import capture_extras
from llmsize.estimate.engines.vllm_encoder import EncoderProfile, encoder_profile
from llmsize.estimate.engines.vllm_fa_splits import split_accumulator_bytes
from llmsize.estimate.engines.vllm_graph_pool import capture_sizes, graph_node_bytes, max_capture
from llmsize.estimate.engines.vllm_launch import (
    VllmLaunch,
)
from llmsize.estimate.engines.vllm_profile_run import profile_run_bytes
from llmsize.estimate.engines.vllm_speed import SPEED_V0 as SPEED_V0
from llmsize.estimate.engines.vllm_speed import SPEED_V1_SYNC as SPEED_V1_SYNC
from llmsize.estimate.workload import Workload
from llmsize.units import GIB, MIB

if TYPE_CHECKING:
    from llmsize.estimate.overhead import Overhead
    from llmsize.estimate.phases import Peak, StaticBytes
    from llmsize.estimate.resolved import Resolved
    from llmsize.specs.models import ModelSpec

# capture sizes 1, 2, 4, then steps of 8 up to 256, then steps of 16.
MAX_CAPTURE = 512
# REFERENCE: vLLM V1 logs "non_torch_memory takes 0.33GiB" (RTX 5090, TP 1, vllm#14452) and
# "0.04GiB" (8 GB card, vllm#12529): the cuBLAS workspace and lazily loaded kernel modules.
NON_TORCH_TP1_BYTES = 256 * MIB
# REFERENCE: vllm PR #10511 (Llama-3-8B, H100): non_torch_memory 1.79 GiB at TP 1 and 3.58 GiB at
# TP 2 (V0 profiler, context included); the difference, ~1.8 GiB, is what a tensor-parallel rank
# allocates outside torch on switched GPUs (none between PCIe cards: nccl.py). V1 keeps it: vllm/utils/
# mem_utils.py memory_profiling counts everything since the init snapshot (NCCL communicators, the
# custom all-reduce and symmetric-memory buffers, and in 0.19 the FlashInfer all-reduce+RMSNorm fusion
# workspace built while the profile run compiles: flashinfer_all_reduce.py). 0.19.0 on H100 SXM prints
# 2.06-2.11 GiB at TP 2 and 2.13-2.21 GiB at TP 4 against 0.24-0.26 GiB at TP 1 (llm-d-planner PR #205
# logs; rows *-non-torch in tests/golden/engine_logs.yaml), so the flat extra holds to -8% at TP 4.
# Likely split (not priced yet): the fusion workspace is 3 buffers (data, flags, 3 Lamport copies;
# flashinfer/comm/trtllm_ar.py) each rounded up to the multicast granularity (512 MiB on H100), ~1.5
# GiB at any TP size, and NCCL/custom all-reduce the other ~0.3-0.45 GiB.
NON_TORCH_TP_EXTRA_BYTES = int(1.79 * GIB)


class VllmTransient(VllmLaunch):
    """The profile run's peak, the graph pool and what vLLM holds outside torch."""

    def profile_bytes(self, spec: ModelSpec, e: int) -> tuple[int, int, int]:
        """(torch peak increase, forward part, sampler part) of the profile run on one rank
        (vllm_profile_run.py)."""
        return profile_run_bytes(spec, e, self.wl, self.batched_tokens(), self.max_seqs())

    def cuda_graph_bytes(self, spec: ModelSpec, e: int) -> int:
        """The graph pool: the largest captured decode batch's forward activations, FlashAttention-3's
        split accumulators and the capture streams' cuBLAS workspaces, plus the driver memory every FULL
        and PIECEWISE graph keeps per kernel node (vllm_graph_pool.py, vllm_capture_extras.py)."""
        modes = vllm_cudagraph_mode.captures(self.wl.cudagraph_mode)
        if self.wl.enforce_eager or modes == (False, False):
            return 0
        # REFERENCE: vllm/config/vllm.py _set_cudagraph_sizes: with speculative decoding each decode request
        # is 1 + num_speculative_tokens query tokens, min(max_num_seqs x that x 2, 512)
        query = 1 + (self.wl.num_speculative_tokens or (spec.mtp_layers if self.wl.speculative else 0))
        largest = max_capture(spec, MAX_CAPTURE)
        biggest = min(2 * self.max_seqs() * query, largest, self.batched_tokens())
        if not modes[1]:  # FULL_DECODE_ONLY: the largest capture is the largest uniform decode batch
            biggest = min(biggest, self.max_seqs() * query)
        h = spec.hidden_size
        width = max(spec.max_mlp_width, spec.moe_intermediate_size * max(1, spec.num_experts_per_tok))
        # The largest capture's activations twice (its eager warm-up's blocks stay cached in the measured
        # window, vllm_graph_pool.py) and FlashAttention-3's split-KV accumulators at the largest FULL
        # decode capture (vllm_fa_splits.py); no logits: compute_logits runs outside the captured forward.
        full_top = min(biggest, self.max_seqs() * query) if modes[0] else 0
        full_sizes = [s for s in capture_sizes(largest) if query <= s <= full_top]
        splits = split_accumulator_bytes(spec, self.wl.tp, full_sizes, query, self.wl.gpu_architecture,
                                         self.wl.attention_backend, e)
        buffers = 2 * biggest * e * (2 * h + 3 * (width // self.wl.tp)) + splits
        workspaces, extra = capture_extras(spec, self.wl)  # cuBLAS workspaces, unfused MoE kernels
        buffers += workspaces
        layers = -(-spec.num_layers // self.wl.pp)
        return buffers + graph_node_bytes(spec, layers, biggest, self.max_seqs() * query, query, modes, extra)

    def non_torch_bytes(self, spec: ModelSpec | None = None) -> int:
        """cuBLAS and lazily loaded modules, and at TP > 1 what NCCL and the custom all-reduce add in
        device memory: none between PCIe GeForce cards, where NCCL's buffers are host shared memory and
        the custom all-reduce is off (vllm#13061: "non_torch_memory takes 0.25GiB" at TP 2 on two RTX
        4090s, no more than one rank's own; nccl.py). A DeepEP --all2all-backend adds its Buffer, made
        before the profile (vllm_all2all.py deepep_bytes)."""
        extra = self.wl.tp > 1 and device_buffers(self.wl.gpu_link)
        deepep = vllm_all2all.deepep_bytes(spec, self.wl) if spec is not None else 0
        return NON_TORCH_TP1_BYTES + (NON_TORCH_TP_EXTRA_BYTES if extra else 0) + deepep

    def peak(self, spec: ModelSpec, wl: Workload, static: StaticBytes, rs: Resolved) -> Peak:
        from llmsize.estimate.phases import Peak

        e = rs.compute_bytes
        prof, forward, sampler = self.profile_bytes(spec, e)
        encoder = self.encoder(spec, wl, e)
        if encoder is not None:  # vllm_encoder.py: outputs cached through the forward, or the tower
            prof = max(prof + encoder.outputs_bytes, encoder.tower_bytes)
        kv = static.kv_full
        return Peak(
            phase="profile run",
            kv_cache=kv,
            activations=prof,
            gradients=0,
            optimizer=0,
            formula=(
                "vLLM profile run: a max_num_batched_tokens forward (flash attention) and the sampler "
                "warm-up over max_num_seqs x vocabulary"
            ),
            detail=(
                f"forward of {self.batched_tokens():,} tokens {forward:,} B; sampler over "
                f"{min(self.max_seqs(), self.batched_tokens()):,} requests x {spec.vocab_size:,} "
                f"vocabulary {sampler:,} B"
                + (
                    f"; encoder on {encoder.items} images of {encoder.tokens_per_item:,} tokens "
                    f"{encoder.tower_bytes:,} B, its outputs {encoder.outputs_bytes:,} B"
                    if encoder is not None
                    else ""
                )
            ),
            low=prof + kv + static.weights + static.adapters,
            high=prof + kv + static.weights + static.adapters,
        )

    def overhead(self, spec: ModelSpec, wl: Workload, allocated: int, rs: Resolved) -> Overhead:
        from llmsize.estimate.overhead import Overhead

        e = rs.compute_bytes
        graphs = self.cuda_graph_bytes(spec, e)
        nominal = CUDA_CONTEXT_BYTES + self.non_torch_bytes(spec) + graphs
        deepep = vllm_all2all.deepep_bytes(spec, wl)
        return Overhead(
            nominal=nominal,
            low=nominal,
            high=nominal + int(allocated * 0.05),
            formula="CUDA context + non-torch memory (cuBLAS, NCCL"
            + (f", DeepEP buffer {deepep / GIB:.2f} GiB" if deepep else "")
            + ") + CUDA graphs (none if --enforce-eager)",
            driver="NCCL buffers grow with tensor parallelism; graph pool with max_num_seqs",
        )

    def encoder(self, spec: ModelSpec, wl: Workload, e: int) -> EncoderProfile | None:
        """The start-up profile of a vision-language model's encoder (vllm_encoder.py); none when
        --language-model-only leaves no modality to profile (vllm_language_only.py)."""
        if wl.language_model_only:
            return None
        return encoder_profile(spec, self.batched_tokens(), self.max_seqs(), wl.context, e, wl.tp)
