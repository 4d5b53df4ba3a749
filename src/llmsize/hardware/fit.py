"""Fit arithmetic: does one Estimate (per GPU) fit a GPU, with how much headroom, and if not, why.

Pure arithmetic on an Estimate and a GpuSpec; the planner (plan.py) decides layouts and limits.
"""

from __future__ import annotations

import math

from llmsize.estimate.result import COMPONENTS, Estimate
from llmsize.estimate.workload import Engine
from llmsize.hardware.fit_models import FitRow
from llmsize.hardware.gpus import GpuSpec
from llmsize.hardware.speed import SpeedEstimate
from llmsize.units import format_gib

# REFERENCE: vLLM's CacheConfig.block_size defaults to 16 tokens (vllm/config.py), and
# Worker.determine_num_available_blocks (vllm/worker/worker.py) sizes the KV pool as
#   total_gpu_memory x gpu_memory_utilization - peak memory of a profiling run (weights,
#   activations and non-torch allocations), divided into blocks of
#   block_size x layers x (K + V) x heads x head_dim x dtype bytes.
VLLM_BLOCK_TOKENS = 16


def usable_bytes(gpu: GpuSpec, engine: Engine | str = Engine.TRANSFORMERS,
                 gpu_memory_utilization: float = 0.9) -> int:
    """Memory one GPU offers a workload: all of it, or vLLM's `gpu_memory_utilization` share."""
    if Engine(engine) is Engine.VLLM:
        return int(gpu.usable_memory_bytes * gpu_memory_utilization)
    return gpu.usable_memory_bytes


def largest_component(est: Estimate) -> tuple[str, int]:
    """(name, bytes) of the biggest component of an estimate."""
    sizes = est.memory_dict()
    name = max(COMPONENTS, key=lambda c: sizes[c])
    return name, sizes[name]


def fit_reason(est: Estimate, usable: int, gpu_id: str, count: int = 1) -> str | None:
    """None when it fits; otherwise one sentence naming what is too large."""
    need = est.total_bytes
    if need <= usable:
        return None
    name, size = largest_component(est)
    where = f"{count}x {gpu_id}" if count > 1 else gpu_id
    head = f"needs {format_gib(need)} per GPU but {where} offers {format_gib(usable)} each"
    if size > usable:
        return f"{head}; {name} alone take {format_gib(size)}"
    return f"{head}; the largest part is {name} ({format_gib(size)}, {size / need:.0%})"


def vllm_blocks(context: int) -> int:
    """KV blocks vLLM allocates for one sequence of `context` tokens."""
    return math.ceil(context / VLLM_BLOCK_TOKENS)


def vllm_pool(est: Estimate, usable: int) -> int:
    """Bytes vLLM has left for KV-cache blocks: its share of the card minus everything else."""
    return max(0, usable - (est.total_bytes - est.kv_cache_bytes))


def vllm_max_seqs(est: Estimate, usable: int, kv_bytes_per_seq: int, context: int) -> int:
    """Sequences of `context` tokens that vLLM's block pool holds at once (the useful vLLM answer).

    `kv_bytes_per_seq` is the per-GPU KV cache of one sequence at `context` tokens; vLLM rounds each
    sequence up to whole 16-token blocks.
    """
    if kv_bytes_per_seq <= 0:
        return 0
    per_seq = kv_bytes_per_seq * vllm_blocks(context) * VLLM_BLOCK_TOKENS / context
    return int(vllm_pool(est, usable) // per_seq)


def llama_cpp_layers(est: Estimate, usable: int, num_layers: int) -> int:
    """Layers llama.cpp can put on the GPU (`--gpu-layers`): the rest stays in CPU RAM.

    Weights and KV cache are spread evenly over the layers; activations (the compute buffer) and
    overhead stay on the GPU whatever the split. A rough split: real layers differ slightly.
    """
    fixed = est.activations_bytes + est.overhead_bytes + est.adapters_bytes
    per_layer = (est.weights_bytes + est.kv_cache_bytes) / num_layers
    if per_layer <= 0:
        return num_layers
    return max(0, min(num_layers, int((usable - fixed) // per_layer)))


def host_bytes(whole: Estimate, gpu_layers: int | None, num_layers: int) -> int | None:
    """CPU RAM that llama.cpp's layers off the GPU need: their weights and KV cache; None when all fit.

    llama.cpp keeps each layer's weights and KV cache on the device that runs the layer
    (llama.cpp: llama_model_load / llama_kv_cache, per-layer buffer types), so the host holds
    (weights + KV) x layers off / layers, spread evenly like llama_cpp_layers.
    """
    if gpu_layers is None or gpu_layers >= num_layers or num_layers <= 0:
        return None
    return int((whole.weights_bytes + whole.kv_cache_bytes) * (num_layers - gpu_layers) / num_layers)


def plan_cost(gpu: GpuSpec, count: int, tokens_per_s: float | None) -> tuple[float | None, float | None]:
    """($/hour for `count` GPUs, $ per million output tokens at `tokens_per_s`) from the GPU's price.

    A price is a dated fact from the catalog or --price-per-hour; with none, both are None.
    """
    if gpu.price is None or gpu.price.usd_per_hour is None:
        return None, None
    per_hour = gpu.price.usd_per_hour * count
    if not tokens_per_s:
        return per_hour, None
    return per_hour, per_hour / (tokens_per_s * 3600) * 1e6


def fit(
    est: Estimate,
    gpu: GpuSpec,
    count: int = 1,
    *,
    engine: Engine | str = Engine.TRANSFORMERS,
    gpu_memory_utilization: float = 0.9,
    tp: int = 1,
    pp: int = 1,
    dp: int = 1,
    max_context: int | None = None,
    max_batch: int | None = None,
    speed: SpeedEstimate | None = None,
    max_concurrent_seqs: int | None = None,
    gpu_layers: int | None = None,
    total_layers: int | None = None,
    warnings: tuple[str, ...] = (),
    host_bytes: int | None = None,
) -> FitRow:
    """One FitRow: `est` is the busiest GPU's peak, checked against what `gpu` offers."""
    engine = Engine(engine)
    usable = usable_bytes(gpu, engine, gpu_memory_utilization)
    fits = est.total_bytes <= usable
    tokens = (speed.aggregate_tokens_per_s or speed.decode_tokens_per_s) if speed and fits else None
    per_hour, per_mtok = plan_cost(gpu, count, tokens)
    price = gpu.price
    return FitRow(
        gpu=gpu.id,
        count=count,
        fits=fits,
        per_gpu_bytes=est.total_bytes,
        headroom_bytes=usable - est.total_bytes,
        max_context=max_context,
        decode_tokens_per_s=speed.decode_tokens_per_s if speed and fits else None,
        ttft_s=speed.ttft_s if speed and fits else None,
        tp=tp,
        pp=pp,
        dp=dp,
        reason=fit_reason(est, usable, gpu.id, count),
        usable_bytes=usable,
        engine=engine.value,
        max_batch=max_batch,
        tpot_s=speed.tpot_s if speed and fits else None,
        aggregate_tokens_per_s=speed.aggregate_tokens_per_s if speed and fits else None,
        speed_class=speed.speed_class if speed and fits else None,
        prefill_tokens_per_s=speed.prefill_tokens_per_s if speed and fits else None,
        ttft_class=speed.ttft_class if speed and fits else None,
        decode_bound=speed.decode_bound if speed and fits else None,
        compute_bound_concurrency=speed.compute_bound_concurrency if speed and fits else None,
        speed_constants=(speed.constants.model_dump(mode="json") if speed and fits and speed.constants
                         else None),
        max_concurrent_seqs=max_concurrent_seqs,
        kv_pool_bytes=vllm_pool(est, usable) if engine is Engine.VLLM else None,
        gpu_layers=gpu_layers,
        total_layers=total_layers,
        warnings=warnings,
        visible_memory_bytes=gpu.usable_memory_bytes,
        host_bytes=host_bytes,
        usd_per_hour=per_hour,
        usd_per_million_output_tokens=per_mtok,
        price_source=f"{price.source} ({price.date})" if price and per_hour is not None else None,
    )
