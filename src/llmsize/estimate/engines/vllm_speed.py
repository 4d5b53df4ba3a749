"""vLLM's speed profiles: the V0 engine of 0.6.3, the V1 engine before and after async scheduling, and
the V1 engine on untuned fused_moe tiles (Vllm.speed is SPEED; older releases pick theirs by name
through server_releases.py)."""

from __future__ import annotations

from llmsize.estimate.engines import vllm_async, vllm_wide_heads
from llmsize.estimate.engines.speed_profile import (
    FUSED_LAYER_KERNELS,
    SERVING_LAYER_KERNELS,
    EngineSpeedProfile,
)
from llmsize.estimate.engines.vllm_v0_graphs import V0_MAX_SEQ_LEN_TO_CAPTURE, eager_launch_per_layer

# REFERENCE: speed. Decode replays captured CUDA graphs for batch sizes up to 512
# (vllm/worker/model_runner.py _BATCH_SIZES_TO_CAPTURE in 0.6.3), so per-layer CPU launch drops out
# and the fixed Python part (scheduler, sampler, output processing) remains; chunked prefill of
# 8192 tokens per step (vllm/engine/arg_utils.py max_num_batched_tokens with chunked prefill on).
# SPEED_V0 is the V0 engine of 0.6.3, calibrated on Qwen's vLLM 0.6.3 tables (bench rows of releases
# before 0.8 use it: LEGACY_SPEED).
SPEED_V0 = EngineSpeedProfile(
    engine="vllm-0.6", version="0.6.3 (V0 engine)",
    step_fixed_s=2.46e-3, launch_per_layer_s=0.0, gpu_per_layer_s=0.031e-3,
    prefill_chunk_tokens=8192, graphs=True,
    # Prefill shares rescaled on the fit rows when the embedding became a gather and the head ran on the
    # logit rows only (hardware/head_params.py; bench/speed_validation.py FINDINGS).
    prefill_compute={"hbm": 0.523, "gddr": 0.60},
    layer_kernels=SERVING_LAYER_KERNELS, fused_moe=True,
    # Decode past 8192 tokens runs eagerly, each kernel a bare op launch (vllm_v0_graphs.py).
    graph_max_context=V0_MAX_SEQ_LEN_TO_CAPTURE,
    eager_launch_per_layer_s=eager_launch_per_layer(2 * FUSED_LAYER_KERNELS["block"]
                                                    + FUSED_LAYER_KERNELS["attention"]
                                                    + FUSED_LAYER_KERNELS["dense_ffn"]),
    sources=("https://github.com/vllm-project/vllm/blob/v0.6.3/vllm/worker/model_runner.py",))
# The V1 engine (the default from 0.8; vllm/v1/engine/core.py runs the scheduler in its own EngineCore
# process and vllm/v1/worker/gpu_model_runner.py keeps a persistent batch, so input preparation,
# detokenisation and output processing overlap the GPU) pays less per step; the rest of the step
# (graphs, kernels, chunked prefill) is the same. step_fixed_s fitted on the V1 fit rows
# (bench/speed_tables.yaml: vLLM v0.10 benchmark_latency on 8 x MI300X), other constants as V0's.
# On Hopper the V1 engine's FLASH_ATTN backend runs FlashAttention-3 (vllm_flash_attn, fa_version 3 on
# sm90), the kernel family whose long-prompt share SGLang's profile takes from
# Dao-AILab/flash-attention#1075 (0.82 of the 16-bit peak) and its H20 rows confirm; no vLLM row on
# Hopper has a long enough prompt to check it separately. 0.6.3 ran FlashAttention-2 everywhere.
SPEED_V1_SYNC = SPEED_V0.model_copy(update={
    "engine": vllm_async.SYNC_V1_ENGINE, "version": "V1 engine, 0.8-0.13 (step fitted on v0.10 rows)",
    "step_fixed_s": 1.48e-3,
    # V1 keeps attention outside its piecewise graphs: no context cap, and its eager profile keeps the
    # borrowed per-kernel launch time (speed_eager.py; vllm#20469 measures ~0.23 ms a layer eager).
    "graph_max_context": 0, "eager_launch_per_layer_s": 0.0,
    "attention_compute": {"hopper": 0.82},
    "wide_head_attention_compute": vllm_wide_heads.WIDE_HEAD_ATTENTION_COMPUTE,  # Gemma 4's 512-wide heads
    # V1 ranks receive the scheduler output through shared memory; the custom all-reduce's measured
    # latency applies (hardware/allreduce.py).
    "allreduce_kernel_measured": True,
    # Gated DeltaNet prompts (Qwen3-Next from 0.10.2, Qwen3.5) run the vendored FLA chunk kernels
    # through HBM (fla_chunk_prefill.py); V0 of 0.6.3 ran no such model.
    "chunked_delta_prefill": True,
    "sources": ("https://github.com/vllm-project/vllm/blob/v0.10.0/vllm/v1/engine/core.py",)})
# From 0.14 the V1 engine schedules the next step while the GPU runs this one (async scheduling on by
# default): the same constants, the host step overlapped (estimate/engines/vllm_async.py).
SPEED = vllm_async.overlapped(SPEED_V1_SYNC, "vllm", "V1 engine, 0.14+ (async scheduling; step fitted on "
                              "v0.10 rows)")
# REFERENCE: vllm/model_executor/layers/fused_moe/fused_moe.py `try_get_optimal_moe_config` looks the
# Triton tiles up by (E, N, device name, dtype) in fused_moe/configs/ and, when no file matches, logs
# "Using default MoE config" and runs `get_default_config` (BLOCK_SIZE_M 16, N 32, K 64 at decode; no
# num_warps / num_stages before mid-2025). vLLM's own benchmark of those tiles (benchmarks/kernels/
# benchmark_moe.py, E=128 N=768 bf16 on an A100-PCIe-40GB, batch 1-96; PR #19049) sits 24-54 us, 36 us
# on average, above the tuned-tile model (hardware/moe_stream.py) at every batch: a fixed extra time per
# routed-FFN call. Rows measured on those tiles use this profile by name (nothing fitted on a row). The
# figure is the A100's: the same tiles on a B200 (PR #31448, batch 1-4) sit only 10-16 us above the model.
UNTUNED_MOE_CALL_S = 36e-6
UNTUNED_MOE_SPEED = SPEED_V1_SYNC.model_copy(update={
    "engine": "vllm-moe-untuned", "moe_call_extra_s": UNTUNED_MOE_CALL_S,
    "version": "V1 engine of mid-2025 on the default (untuned) fused_moe tiles"})
LEGACY_SPEED: dict[str, EngineSpeedProfile] = {SPEED_V0.engine: SPEED_V0, SPEED_V1_SYNC.engine: SPEED_V1_SYNC,
                                               UNTUNED_MOE_SPEED.engine: UNTUNED_MOE_SPEED}
