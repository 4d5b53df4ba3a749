"""The speed constants of one engine, weight kernel and GPU, with the user's overrides applied.

resolve_constants reads the engine's speed profile (hardware/speed_profiles.py) and the engine
modules' rules into one SpeedConstants, so decode and prefill price a layout from the same figures;
the helpers below it turn a profile's per-kernel counts and per-device tables into those figures.
"""

from __future__ import annotations

from llmsize.estimate.engines import llama_cpp_f32_weights as f32_weights
from llmsize.estimate.engines import llama_cpp_fattn_accumulate as fattn_accumulate
from llmsize.estimate.engines import llama_cpp_mmid_host as mmid_host
from llmsize.estimate.engines import llama_cpp_mmq_tiles as mmq_tiles
from llmsize.estimate.engines import llama_cpp_mmvq_columns as mmvq_columns
from llmsize.estimate.engines import llama_cpp_rdna35 as rdna35
from llmsize.estimate.engines import llama_cpp_sycl_bf16 as sycl_bf16
from llmsize.estimate.engines import llama_cpp_sycl_mmid as sycl_mmid
from llmsize.estimate.engines import llama_cpp_vulkan_amd_tiles as amd_tiles
from llmsize.estimate.engines import llama_cpp_vulkan_bf16 as vulkan_bf16
from llmsize.estimate.engines import transformers_batched_mm as batched_mm
from llmsize.estimate.engines import transformers_moe_loop as moe_loop
from llmsize.estimate.engines.llama_cpp_batch import sequence_layer_seconds
from llmsize.estimate.engines.llama_cpp_vulkan_mmid import seconds_per_read
from llmsize.estimate.engines.speed_profile import EngineSpeedProfile
from llmsize.estimate.engines.transformers_cache_copies import cache_step_traffic
from llmsize.estimate.engines.vllm_paged_gqa import paged_kv_read_factor
from llmsize.hardware.allreduce import allreduce_latency_s, gather_latency_s
from llmsize.hardware.attention_stream import decode_attention_share
from llmsize.hardware.efficiency import Efficiency
from llmsize.hardware.gpus import GpuSpec
from llmsize.hardware.host_offload_speed import _host_rates
from llmsize.hardware.matrix_units import matrix_unit_speedup
from llmsize.hardware.moe_stream import fused_moe_stream_fraction
from llmsize.hardware.power_limit import clock_ratio
from llmsize.hardware.speed_profiles import (
    ALLREDUCE_LATENCY_S,
    INTERCONNECT_FRACTION,
    class_value,
    device_class,
    engine_profile,
    kernel_bandwidth,
    kernel_launch_per_layer,
    prefill_compute,
)
from llmsize.hardware.speed_records import SpeedConstants, SpeedInputs
from llmsize.hardware.vulkan_paths import (
    vulkan_prefill_share,
    vulkan_request,
    vulkan_share_key,
    vulkan_speedup,
)


def _weight_share(inputs: SpeedInputs, gpu: GpuSpec, prof: EngineSpeedProfile) -> float:
    """The decode weights' share of the datasheet bandwidth: the engine's share for its dequantizing
    mat-vecs on this architecture where it names one (a block-quantized GGUF), else the kernel's."""
    own = prof.dequant_kernel_bandwidth.get(gpu.architecture) if gpu.architecture else None
    if own is not None and inputs.kernel == "gguf" and not inputs.float_gguf:
        return own
    return kernel_bandwidth(inputs.kernel, gpu, prof.kernel_bandwidth)


def resolve_constants(inputs: SpeedInputs, gpu: GpuSpec, eff: Efficiency | None = None) -> SpeedConstants:
    """The speed constants of this engine, kernel and GPU, with the user's overrides applied."""
    eff = eff or Efficiency()
    prof = engine_profile(inputs.engine)
    kv_factor = 1.0
    if prof.kv_materialized:
        # torch.cat reads and writes the old cache (2x); repeat_kv reads it and writes n_rep copies,
        # which SDPA then reads: 3 + 2·n_rep bytes moved per cached byte. Without the copies (SDPA's
        # enable_gqa, or the query packed per KV head, or n_rep 1, where repeat_kv returns its input)
        # attention reads the cache once: 3. Copies of
        # PyTorch before 2.8 stream slower (estimate/engines/transformers_cache_copies.py).
        kv_factor = cache_step_traffic(inputs.kv_groups, prof.kv_gqa_copies, prof.kv_copy_share)
    launch = prof.launch_per_layer_s + kernel_launch_per_layer(prof.engine, inputs.kernel)
    launch += _batched_mm_launch(inputs, prof)
    quantized = inputs.kernel not in ("16bit", "fp8")
    peak_dtype = (prof.quantized_peak_dtype or "") if quantized else ""
    if prof.vulkan_matrix_cores is not None:
        peak_dtype = "fp16"  # ggml-vulkan: every weight GEMM runs FP16 (hardware/vulkan_paths.py)
    sgemm = prof.f32_weights_sgemm and f32_weights.runs_sgemm(
        inputs.fp32_weights, gpu.vendor, prof.vulkan_matrix_cores is not None)
    if sgemm:  # F32 weights: cuBLAS SGEMM at the TF32 rate (estimate/engines/llama_cpp_f32_weights.py)
        peak_dtype, quantized = f32_weights.F32_GEMM_DTYPE, False
    bf16_fp32 = sycl_bf16.runs_fp32_gemm(prof.sycl_bf16_fp32_gemm, inputs.bf16_weights)
    # A --power-limit's core clock (hardware/power_limit.py): `gpu` already carries the capped FLOP rates;
    # the per-layer kernel latency is left as it is (memory-bound decode kernels wait on DRAM, whose clock
    # the limiter keeps: LottoLottoLotto's 4 x RTX 3090 vLLM TP 4 decode loses 2% from 300 W to 220 W).
    clock = clock_ratio(gpu, eff.power_limit_w)
    if bf16_fp32:  # BF16 weights through ggml-sycl's FP32 fallback GEMM (llama_cpp_sycl_bf16.py)
        peak_dtype = sycl_bf16.GEMM_DTYPE
    return SpeedConstants(
        engine=prof.engine,
        kernel=inputs.kernel,
        power_limit_w=eff.power_limit_w,
        core_clock_ratio=clock,
        bandwidth_fraction=(eff.bandwidth if eff.bandwidth is not None
                            else _weight_share(inputs, gpu, prof)),
        prompt_bandwidth_fraction=(0.0 if eff.bandwidth is not None
                                   else kernel_bandwidth(inputs.kernel, gpu, prof.kernel_bandwidth)),
        kv_bandwidth_fraction=(eff.bandwidth if eff.bandwidth is not None else decode_attention_share(
            prof, gpu, inputs.batch, kernel_bandwidth("16bit", gpu))),
        compute_fraction=(eff.compute if eff.compute is not None
                          else f32_weights.sgemm_share(_prefill_share(prof, gpu, quantized)) if sgemm
                          else sycl_bf16.SGEMM_SHARE if bf16_fp32
                          else _prefill_share(prof, gpu, quantized, inputs.bf16_weights,
                                              inputs.prefill_before_wmma_mmq)),
        step_fixed_s=eff.step_overhead_s if eff.step_overhead_s is not None else prof.step_fixed_s,
        launch_per_layer_s=0.0 if prof.graphs else launch,
        graph_max_context=prof.graph_max_context if prof.graphs else 0,
        eager_launch_per_layer_s=prof.eager_launch_per_layer_s,
        gpu_per_layer_s=class_value(prof.gpu_per_layer_by_class, gpu, prof.gpu_per_layer_s),
        state_traffic=prof.state_traffic,
        delta_prefill_bytes_per_s=(gpu.bandwidth_bytes_per_s * kernel_bandwidth("16bit", gpu)
                                   if prof.chunked_delta_prefill else 0.0),
        latency_layers=_latency_layers(inputs, (prof.one_sequence_kernels if inputs.batch == 1 else {})
                                       or prof.layer_kernels),
        gpu_per_node_s=_per_node(prof, gpu),
        extra_nodes=(_extra_nodes(inputs, prof.node_kernels or prof.layer_kernels)
                     + inputs.num_layers * prof.unfused_kernels_per_layer
                     if _per_node(prof, gpu) else 0.0),
        prefill_chunk_tokens=inputs.prefill_chunk_tokens or prof.prefill_chunk_tokens,
        expert_half_tokens=prof.expert_half_tokens,
        expert_tile_max_cols=(mmq_tiles.tile_cols_max(gpu.vendor, gpu.architecture, prof.expert_tile_max_cols)
                              if quantized and prof.vulkan_matrix_cores is None else 0),
        peak_dtype=peak_dtype,
        attention_fraction=(eff.compute if eff.compute is not None
                            else prof.attention_compute.get(gpu.architecture, 0.0)),
        attention_fp16_acc_flops=(fattn_accumulate.fp16_accumulate_flops(
            gpu.vendor, gpu.architecture, gpu.int8_ops or 0.0, gpu.flops_for("bf16"))
            if prof.attention_fp16_accumulate else 0.0),
        wide_attention_fraction=(eff.compute if eff.compute is not None
                                 else prof.wide_head_attention_compute.get(gpu.architecture, 0.0)),
        latent_attention_fraction=(0.0 if not inputs.mla_absorbed_prefill
                                   else eff.compute if eff.compute is not None
                                   else prof.latent_attention_compute.get(
                                       f"{gpu.architecture}-{device_class(gpu)}", 0.0)),
        matrix_speedup=(matrix_unit_speedup(gpu, prof.matrix_units) if prof.vulkan_matrix_cores is None
                        else vulkan_speedup(gpu, vulkan_request(prof.vulkan_matrix_cores),
                                            inputs.bf16_weights)),
        bf16_mmid_fp32_flops=_bf16_mmid_flops(inputs, prof, gpu),
        dense_matmul_speedup=(1.0 if eff.compute is not None or sgemm
                              else _dense_matmul_speedup(inputs, prof, gpu)),
        moe_stream_fraction=(fused_moe_stream_fraction(inputs.kernel, gpu) if prof.fused_moe
                             and inputs.expert_pick_share and eff.bandwidth is None else 0.0),
        moe_call_extra_s=prof.moe_call_extra_s if inputs.expert_pick_share else 0.0,
        moe_call_floor_s=(prof.moe_call_floor_s.get(f"{gpu.vendor}-{gpu.architecture}", 0.0)
                          if inputs.expert_pick_share and inputs.kernel == "fp8" else 0.0),
        moe_prefill_device=(f"{gpu.vendor}-{gpu.architecture}"
                            if f"{gpu.vendor}-{gpu.architecture}" in prof.moe_prefill_rate
                            and inputs.expert_pick_share and inputs.kernel == "fp8" and eff.compute is None
                            else ""),
        kv_traffic_factor=kv_factor,
        moe_loop_s=_moe_loop_seconds(inputs, prof, kernel_launch_per_layer(prof.engine, inputs.kernel)),
        moe_gather_traffic=(batched_mm.gather_passes(inputs.kernel) if prof.moe_batched_mm
                            and inputs.layer_parts.get("moe_ffn", 0) and inputs.expert_pick_share else 0.0),
        decode_attention=inputs.decode_attention,
        moe_a2a_backend=inputs.moe_a2a_backend,
        sampling_s=inputs.sampling_s,
        host_graph_per_layer_s=prof.host_graph_per_layer_s,
        **_batch_constants(prof, gpu, inputs),
        mmid_walk_s_per_read=(seconds_per_read(gpu.fp32_flops or 0.0)
                              if prof.vulkan_mmid_walk and inputs.expert_pick_share else 0.0),
        bf16_fp32_gemm=bf16_fp32,
        sycl_mmid_s_per_pair=(sycl_mmid.seconds_per_pair(gpu.fp32_flops or 0.0)
                              if prof.sycl_mmid_scan and inputs.expert_pick_share else 0.0),
        mmid_expert_dispatch_s=(class_value(mmid_host.DIRECT_DISPATCH_BY_ARCH, gpu, 0.0)
                                if inputs.prefill_expert_loop and inputs.expert_pick_share else 0.0),
        mmid_quantized_loop=(inputs.prefill_quantized_loop and gpu.vendor == "amd"
                             and gpu.architecture in mmid_host.QUANTIZED_LOOP_ARCHITECTURES),
        mmid_round_trip_s=(mmid_host.GROUPING_ROUND_TRIP_SECONDS if inputs.prefill_expert_loop
                           and inputs.expert_pick_share and gpu.vendor != "apple" else 0.0),
        prefill_dequant_above_tokens=(prof.prefill_dequant_above_tokens
                                      or int(class_value(prof.prefill_dequant_above_by_arch, gpu, 0))),
        kv_reread_factor=(inputs.unfused_kv_read_factor
                          if prof.unfused_decode_per_query_head and inputs.unfused_kv_read_factor
                          else paged_kv_read_factor(inputs.kv_groups) if prof.kv_per_query_head else 1.0),
        step_overlapped=prof.step_overlapped,
        interconnect_fraction=eff.interconnect if eff.interconnect is not None else INTERCONNECT_FRACTION,
        allreduce_latency_s=(allreduce_s := allreduce_latency_s(
            prof.allreduce_kernel_measured, gpu, inputs.tp, ALLREDUCE_LATENCY_S)),
        gather_latency_s=gather_latency_s(prof.allreduce_kernel_measured, gpu,
                                          inputs.tp * inputs.expert_token_ranks, allreduce_s),
        **(_host_rates(inputs, gpu, eff) if inputs.host_weight_bytes or inputs.host_kv_bytes else {}),
    )


def _moe_loop_seconds(inputs: SpeedInputs, prof: EngineSpeedProfile, kernel_launch_s: float) -> float:
    """CPU seconds per forward of an engine whose routed FFNs loop over every expert (0 for the others)."""
    routed = inputs.layer_parts.get("moe_ffn", 0)
    if not prof.moe_expert_loop or not routed or not inputs.expert_pick_share:
        return 0.0
    num_experts = round(inputs.experts_per_token / inputs.expert_pick_share)
    # Experts no token of the step picked run the loop on empty tensors (transformers_moe_loop).
    return moe_loop.split_loop_seconds(routed, inputs.layer_parts.get("shared_expert", 0), num_experts,
                                       inputs.experts_per_token, inputs.batch, prof.launch_per_layer_s,
                                       kernel_launch_s, inputs.kernel)


def _batched_mm_launch(inputs: SpeedInputs, prof: EngineSpeedProfile) -> float:
    """Extra CPU launch seconds per layer of transformers 5.x's batched_mm routed FFNs (0 for the others)."""
    routed = inputs.layer_parts.get("moe_ffn", 0)
    if not prof.moe_batched_mm or not routed or not inputs.expert_pick_share:
        return 0.0
    return batched_mm.launch_per_layer(routed, inputs.num_layers, prof.launch_per_layer_s)


def _batch_constants(prof: EngineSpeedProfile, gpu: GpuSpec, inputs: SpeedInputs) -> dict[str, float]:
    """The engine's batched-decode costs where its CUDA/HIP backend runs (not Metal or Vulkan); the
    quantized mat-vec's per-column work on NVIDIA GPUs (mmvq.cu; F16/BF16/F32 GGUFs take mmvf instead)."""
    if gpu.vendor == "apple" or prof.vulkan_matrix_cores is not None or not prof.graphs:
        return {}
    out = {"batch_eager_launch_s": prof.batch_eager_launch_s,
           "batch_sequence_layer_s": sequence_layer_seconds(prof.batch_sequence_layer_s,
                                                            gpu.bandwidth_bytes_per_s)}
    float_weights = inputs.float_gguf or inputs.fp32_weights or inputs.bf16_weights
    quantized = inputs.kernel == "gguf" and not float_weights
    held_params = _held_params(inputs)
    if prof.mmvq_columns and gpu.vendor == "nvidia" and quantized and held_params:
        per_param = inputs.weight_bytes_per_gpu * inputs.tp * inputs.pp / held_params
        out["mmvq_column_s_per_param"] = mmvq_columns.column_seconds_per_param(gpu.fp32_flops or 0.0,
                                                                               per_param)
        # Above the mat-vec's columns MMQ computes whole int8 tiles (engines/llama_cpp_mmq_decode.py).
        out["mmq_decode_tile_cols"] = mmq_tiles.tile_cols_max(gpu.vendor, gpu.architecture,
                                                              prof.expert_tile_max_cols)
    return out


def _held_params(inputs: SpeedInputs) -> float:
    """Every parameter the model holds: the active ones with the routed experts counted whole (a MoE
    step's read covers several tokens' experts, so read bytes over active parameters is no format size)."""
    routed = inputs.routed_active_params
    if not routed or not inputs.expert_pick_share:
        return float(inputs.active_params)
    return inputs.active_params - routed + routed / inputs.expert_pick_share


def _prefill_share(prof: EngineSpeedProfile, gpu: GpuSpec, quantized: bool, bf16: bool = False,
                   before_wmma_mmq: bool = False) -> float:
    """The engine's prefill share of peak; llama.cpp's Vulkan profiles key theirs by mat-mul path. RDNA
    3.5's WMMA MMQ share: quantized weights, HIP builds from PR #17576 (engines/llama_cpp_rdna35.py)."""
    without = rdna35.WMMA_MMQ_KEYS if before_wmma_mmq or bf16 else frozenset()
    share = prefill_compute(prof.engine, gpu, quantized=quantized, without=without)
    if prof.vulkan_matrix_cores is None:
        return share
    request = vulkan_request(prof.vulkan_matrix_cores)
    return vulkan_prefill_share(prof.prefill_compute, gpu, request, device_class(gpu), share, bf16)


def _dense_matmul_speedup(inputs: SpeedInputs, prof: EngineSpeedProfile, gpu: GpuSpec) -> float:
    """llama.cpp Vulkan on AMD coopmat: the large MUL_MAT tile of builds from PR #18749 over a share fitted
    on builds before it (estimate/engines/llama_cpp_vulkan_amd_tiles.py); 1 elsewhere."""
    if prof.vulkan_matrix_cores is None:
        return 1.0
    key = vulkan_share_key(prof.prefill_compute, gpu, vulkan_request(prof.vulkan_matrix_cores),
                           device_class(gpu), inputs.bf16_weights)
    return amd_tiles.dense_speedup(key, inputs.prefill_before_amd_large_tile)


def _bf16_mmid_flops(inputs: SpeedInputs, prof: EngineSpeedProfile, gpu: GpuSpec) -> float:
    """The FP32 rate behind a BF16 MoE decode step on ggml-vulkan's scalar MUL_MAT_ID (0 where it does not
    run: not Vulkan, not BF16, no routed experts, or a driver with bf16 cooperative matrices)."""
    if (prof.vulkan_matrix_cores is None or not inputs.bf16_weights or not inputs.expert_pick_share
            or vulkan_bf16.bf16_matrix_cores(gpu.vendor)):
        return 0.0
    return gpu.fp32_flops or gpu.flops_for("fp16") / 2


def _latency_layers(inputs: SpeedInputs, kernels: dict[str, int]) -> float:
    """Dense-layer equivalents of small-kernel latency: the model's kernels over a dense layer's.

    The per-layer latency is calibrated on dense attention models; a routed FFN (router, top-k,
    gathers, a sum over experts), a Gated DeltaNet or Mamba mixer, or a mixer-only block runs more
    or fewer kernels, each paying the same launch and drain latency whatever its bytes. The engine
    module counts its kernels per block part.
    """
    parts = inputs.layer_parts
    if not kernels or not parts:
        return 0.0
    dense = 2 * kernels.get("block", 0) + kernels.get("attention", 0) + kernels.get("dense_ffn", 0)
    if dense <= 0:
        return 0.0
    further = max(0, inputs.experts_per_token - 1)
    per_moe = kernels.get("moe_ffn", 0) + kernels.get("moe_per_expert", 0) * further
    # An engine that counts no MLA mixer of its own runs it like its attention.
    total = sum(kernels.get(part, kernels.get("attention", 0) if part == "mla" else 0) * n
                for part, n in parts.items() if part != "moe_ffn")
    return (total + per_moe * parts.get("moe_ffn", 0)) / dense


def _per_node(prof: EngineSpeedProfile, gpu: GpuSpec) -> float:
    """The engine's GPU seconds per extra graph node on `gpu`'s device class."""
    return class_value(prof.gpu_per_node_by_class, gpu, prof.gpu_per_node_s)


def _extra_nodes(inputs: SpeedInputs, kernels: dict[str, int]) -> float:
    """Graph nodes of one forward pass beyond `num_layers` dense blocks (0 when it has no more).

    The per-layer latency and the weights' bandwidth share are calibrated together on dense models,
    so a dense block's own nodes are already priced in them; the nodes a routed FFN, a gated or
    recurrent mixer or extra norms add carry almost no bytes and each costs the engine's per-node
    time (estimate/engines/llama_cpp_nodes.py).
    """
    layers = _latency_layers(inputs, kernels)
    if layers <= inputs.num_layers:
        return 0.0
    dense = 2 * kernels.get("block", 0) + kernels.get("attention", 0) + kernels.get("dense_ffn", 0)
    return (layers - inputs.num_layers) * dense
