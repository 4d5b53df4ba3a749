"""SGLang's speed profiles and the hooks the speed model asks the engine.

Split out of sglang.py (the engine class composes it; sglang.py re-exports SPEED, SPEED_V04 and
LEGACY_SPEED): prefill chunks, PrefillAdder waves and piecewise graphs (sglang_prefill_*.py), MoE
and attention parallelism (sglang_moe_a2a.py, sglang_dp_attention.py), the ROCm decode backend and
DSA's sparse reads. Sources: `cuda_graph_runner.py`, `server_args.py` chunked_prefill_size.
Modelled release: SGLang 0.5.23 (sglang_rules.SGLANG_VERSION_MODELLED); paths are inside its wheel
(sgl-project/sglang).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llmsize.estimate.engines import (
    dsa_cache,
    rocm_aiter_moe,
    rocm_decode_backend,
    sglang_arrivals,
    sglang_dp_attention,
    sglang_fp8_act_quant,
    sglang_moe_a2a,
    sglang_prefill_admission,
    sglang_prefill_chunk,
    sglang_prefill_graphs,
    sglang_startup,
    sglang_swa,
)
from llmsize.estimate.engines.moe_all_to_all import AllToAll
from llmsize.estimate.engines.sglang_launch import MAX_PREFILL_TOKENS, SglangLaunch
from llmsize.estimate.engines.speed_profile import SERVING_LAYER_KERNELS, EngineSpeedProfile

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec

# REFERENCE: speed. CUDA graphs for decode (python/sglang/srt/model_executor/cuda_graph_runner.py),
# chunked prefill of 8192 tokens (server_args.py chunked_prefill_size default in 0.4.6.post1).
# Calibrated on Qwen's SGLang 0.4.6.post1 tables on H20; kept as 'sglang-0.4' for rows of that release
# (SPEED below is the 0.5 series').
SPEED_V04 = EngineSpeedProfile(
    engine="sglang-0.4", version="0.4.6.post1",
    step_fixed_s=0.245e-3, launch_per_layer_s=0.0, gpu_per_layer_s=0.0586e-3,
    prefill_chunk_tokens=8192, graphs=True,
    # Prefill shares rescaled on the fit rows when the embedding became a gather and the head ran on the
    # logit rows only (hardware/head_params.py; bench/speed_validation.py FINDINGS).
    prefill_compute={"hbm": 0.514, "gddr": 0.60},
    # REFERENCE: prefill attention on Hopper runs FlashAttention-3-class kernels (SGLang's fa3 / FlashInfer
    # sm90 backends), which reach ~82% of the 16-bit peak on long sequences: FA3 forward, head dim 128,
    # 618 TFLOP/s at 8k-17k tokens on an H100 PCIe (756 dense BF16) in Dao-AILab/flash-attention#1075;
    # the mat-muls' 0.54 share above would make a 129k-token prompt, ~70% attention FLOPs, 30% slow.
    attention_compute={"hopper": 0.82},
    # SGLang's layers run the same fused kernel sequence (sgl-kernel's fused_add_rmsnorm, silu_and_mul,
    # topk_softmax, moe_align_block_size, fused_moe_triton): vLLM's counts.
    layer_kernels=SERVING_LAYER_KERNELS, fused_moe=True,
    sources=("https://github.com/sgl-project/sglang/blob/v0.4.6.post1/python/sglang/srt/server_args.py",))
# The 0.5 series (0.5.7-0.5.15 measured) replays the same CUDA graphs with fewer, fused kernels per layer:
# the tensor-parallel all-reduce fused with the residual add and RMSNorm (sgl-project/sglang PR #8731
# "fuse allreduce and residual_rmsnorm", PR #9278, Aug 2025: flashinfer's trtllm all-reduce fusion), and
# the per-layer latency fitted on H20 at 0.4.6 (59 us a dense layer) leaves Blackwell and
# H200 steps 35-150% slow (sgl-project/sglang PR #32323 cookbook cells at concurrency 1; DeepSeek-R1 on
# 8 x H200, SemiAnalysisAI/InferenceX#870). Its tensor-parallel all-reduces cost the custom kernel's
# measured latency (hardware/allreduce.py); with that, step and per-layer constants refitted on the 0.5 fit
# rows of bench/speed_tables.yaml only (servespeed-* tables; held-out rows never fed it), the rest as 0.4.6's.
SPEED = SPEED_V04.model_copy(update={
    "engine": "sglang", "version": "0.5 series (step and per-layer latency fitted on 0.5.7-0.5.15 rows)",
    "step_fixed_s": 0.05e-3, "gpu_per_layer_s": 0.026e-3, "allreduce_kernel_measured": True,
    # ROCm images run AITER's block-FP8 fused MoE: a few-token call has a measured floor (rocm_aiter_moe.py).
    "moe_call_floor_s": rocm_aiter_moe.AITER_FP8_MOE_CALL_FLOOR_S,
    # ... and its prefill-sized calls a measured FLOP rate far under the dense share (rocm_aiter_moe.py).
    "moe_prefill_rate": rocm_aiter_moe.AITER_FP8_MOE_PREFILL_RATE,
    # Block-FP8 linears add an input-quantize kernel each (sglang_fp8_act_quant.py).
    "layer_kernels": sglang_fp8_act_quant.LAYER_KERNELS,
    "sources": ("https://github.com/sgl-project/sglang/pull/8731",
                "https://github.com/sgl-project/sglang/pull/32323", rocm_aiter_moe.SOURCE)})
LEGACY_SPEED: dict[str, EngineSpeedProfile] = {SPEED_V04.engine: SPEED_V04}


class SglangSpeedHooks(SglangLaunch):
    """The hooks the speed model asks SGLang: prefill chunks and graphs, MoE and attention parallelism."""

    def prefill_chunk(self, spec: ModelSpec | None = None) -> int | None:
        """The tokens one prefill forward takes: chunked_prefill_size as given or defaulted by the card
        (sglang_prefill_chunk.py); None without either: the speed profile's chunk."""
        del spec
        return sglang_prefill_chunk.forward_tokens(self.wl.max_num_batched_tokens, self.wl.dp_attention)

    def wave_prefill_runs(self, requests: int, prompt_tokens: int) -> tuple[tuple[int, int], ...]:
        """A wave split by the PrefillAdder's input budget, --max-prefill-tokens or the chunk if smaller
        (sglang_prefill_admission.py); page 1, SGLang's default page (DSA on CUDA pages by 64, which
        rounds a 1,000-token prompt to 1,024 and changes the count by at most one a batch)."""
        budget = min(MAX_PREFILL_TOKENS, self.chunked_prefill())
        return sglang_prefill_admission.wave_runs(requests, prompt_tokens, budget)

    def serving_arrivals(self, concurrency: int, output_tokens: int) -> tuple[float, float] | None:
        """Closed-loop serving: the others' prompts arrive staggered and are prefilled in small batches
        between decode steps, one poll every --scheduler-recv-interval steps (sglang_arrivals.py)."""
        return sglang_arrivals.arrival_batches(concurrency, output_tokens, self.wl.scheduler_recv_interval)

    def prefill_launch(self, spec: ModelSpec) -> tuple[float, int]:
        """A prefill outside the piecewise CUDA graphs launches every kernel from Python
        (sglang_prefill_graphs.py): the eager launch time of a dense layer of this release's kernel table,
        and the largest chunk the graphs cover (0: none, every prefill eager)."""
        rel = self.release()
        table = SPEED_V04 if rel is not None and rel[:2] < sglang_startup.SERIES_05 else SPEED
        launch = sglang_prefill_graphs.eager_launch_per_layer_s(table)
        arch, segment = self.wl.gpu_architecture, self.wl.gpu_segment
        if sglang_prefill_graphs.graphs_off(spec, self.wl, rel, hip=sglang_prefill_graphs.amd(arch),
                                            sm100=sglang_swa.sm100(arch, segment)):
            return launch, 0
        return launch, sglang_prefill_graphs.graph_tokens(spec, self.chunked_prefill())

    def expert_parallel_ranks(self, spec: ModelSpec) -> tuple[int, int]:
        """--ep (SGLang's --ep-size equal to --tp): the TP group's ranks hold whole experts
        (runtime_context.py derive_parallel_widths: moe_ep_size x moe_tp_size = tp_size; FusedMoE
        num_local_experts = num_experts // moe_ep_size). Without --moe-a2a-backend the hidden states
        stay replicated over the TP group and the MoE output is all-reduced as under TP
        (deepseek_v2.py DeepseekV2MoE.forward_normal), so only the busiest rank's expert read changes.
        The bytes held are those of the TP split when E divides by tp (SGLang asserts it)."""
        if not spec.is_moe:
            return 1, 1
        # With DP attention each MoE layer runs the tokens of every attention group (gathered over the
        # TP group before the experts: srt/layers/communicator.py LayerCommunicator, dp_attention.py).
        return (max(1, self.wl.tp) if sglang_moe_a2a.whole_experts(self.wl) else 1), self.wl.dp_attention

    def moe_all_to_all(self) -> AllToAll:
        """--moe-a2a-backend (sglang_moe_a2a.py)."""
        return sglang_moe_a2a.plan(self.wl)

    def expert_output_all_reduced(self, spec: ModelSpec) -> bool:
        """DP attention without --moe-a2a-backend: the MoE block all-reduces the gathered tokens' output
        unless the model's layers opt into the reduce-scatter (sglang_dp_attention.py)."""
        return sglang_dp_attention.moe_output_all_reduced(spec)

    def attention_groups(self) -> int:
        """--dp-attention N: N groups of tp / N ranks, each attending its own requests
        (sglang_dp_attention.py)."""
        return self.wl.dp_attention

    def speed_name(self, spec: ModelSpec | None = None) -> str:
        """The 0.4 series' speed profile (SPEED_V04) for --engine-version 0.4.x, else the 0.5 series'."""
        rel = self.release()
        old = rel is not None and rel[:2] < sglang_startup.SERIES_05
        if old:
            return SPEED_V04.engine
        return rocm_decode_backend.speed_profile(str(self.engine), self._decode_choice(spec))

    def extra_layer_parts(self, spec: ModelSpec) -> dict[str, int]:
        """Block-FP8 weights: each linear's input-quantize kernel (sglang_fp8_act_quant.py)."""
        return sglang_fp8_act_quant.extra_parts(spec, self.wl)

    def _decode_choice(self, spec: ModelSpec | None) -> rocm_decode_backend.DecodeAttention | None:
        """The decode-attention backend SGLang picks on ROCm (rocm_decode_backend.py); None off CDNA3,
        for MLA and with --disable-cuda-graph (no eager twin of the Triton profile)."""
        if spec is None or self.wl.enforce_eager:
            return None
        return rocm_decode_backend.sglang_decode(spec, self.wl.gpu_architecture, self.wl.attention_backend)

    def sparse_attention_topk(self, spec: ModelSpec) -> int | None:
        """DeepSeek-V3.2 / GLM-5: SGLang scores every cached token with the lightning indexer and runs
        sparse MLA on the index_topk tokens it picks (dsa_cache.decode_read_bytes cites the kernels)."""
        return dsa_cache.sparse_topk(spec)

    def prefill_sparse_topk(self, spec: ModelSpec, tokens: int) -> int | None:
        """DeepSeek-V3.2 / GLM-5: SGLang's NSA backend prefills densely (MHA_ONE_SHOT) while the
        batch's longest KV is at most SGLANG_NSA_PREFILL_DENSE_ATTN_KV_LEN_THRESHOLD, which
        server_args._handle_model_specific_adjustments sets to the model's index_topk; longer prompts
        run the indexer and the sparse MLA kernel (nsa_backend.py set_nsa_prefill_impl)."""
        topk = dsa_cache.sparse_topk(spec)
        return topk if topk is not None and tokens > topk else None

    def reads_windows(self, kv_dtype: str, spec: ModelSpec | None = None) -> bool:
        """Every attention backend reads a sliding layer's window alone, with or without the SWA
        pool (sglang_swa.kernel_tokens)."""
        del kv_dtype, spec
        return True

    def tokens_read(self, window: int | None, tokens: Any, prefill: Any, batch: Any) -> Any:
        """What one decode step reads: the window of a sliding layer, not the pool's reserve."""
        del prefill, batch
        return tokens if window is None else sglang_swa.kernel_tokens(window, tokens)
