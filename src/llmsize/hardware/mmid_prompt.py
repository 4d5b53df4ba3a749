"""What a MoE prompt's MUL_MAT_IDs (llama.cpp's routed-expert mat-muls) cost beyond their FLOPs and bytes.

The speed model's inputs feed the engines' rules, one per build family, each in its engine module:
- llama.cpp Vulkan before PR #18352: every expert GEMM workgroup walks the routing ids
  (estimate/engines/llama_cpp_vulkan_mmid.py);
- ggml-cuda (CUDA / HIP) where the grouped kernels refuse a call or group the ids on the host: the
  per-expert loop, its host round trips and the host scan between them (llama_cpp_mmid_host.py);
- Ollama v0.6.8-v0.12.3's vendored copies, whose round trips the engine prices itself
  (ollama_mmid_sync.py): only their host scans are added here;
- llama.cpp SYCL before PR #23142: every expert scans all routed pairs (llama_cpp_sycl_mmid.py).
Split out of hardware/speed.py, which grew past its size, with the routing shape these four share read
in one place (_routing). Each returns 0 where its profile constant or the model's routing is absent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import llama_cpp_mmid_host as mmid_host
from llmsize.estimate.engines import llama_cpp_sycl_mmid as sycl_mmid
from llmsize.estimate.engines.llama_cpp_vulkan_mmid import workgroup_id_reads

if TYPE_CHECKING:
    from llmsize.hardware.speed_records import SpeedConstants, SpeedInputs


def _routing(inputs: SpeedInputs) -> tuple[int, int, int] | None:
    """(experts, experts used a token, MoE layers) of the model; None for a dense one."""
    moe_layers = inputs.layer_parts.get("moe_ffn", 0)
    if not inputs.expert_pick_share or not moe_layers:
        return None
    used = inputs.experts_per_token
    return round(used / inputs.expert_pick_share), used, moe_layers


def _expert_rows(inputs: SpeedInputs, used: int, moe_layers: int) -> int:
    """One expert's FFN width, from the routed parameters a token runs (moe_projections a layer: three
    for gated experts, two for up/down ones)."""
    projections = inputs.moe_projections
    return round(inputs.routed_active_params / max(1, moe_layers * used * projections * inputs.hidden_size))


def walk_seconds(inputs: SpeedInputs, c: SpeedConstants, tokens: int, chunk: int) -> float:
    """Seconds the expert GEMMs' workgroups spend walking the routing ids, ubatch by ubatch (llama.cpp
    Vulkan builds before PR #18352: estimate/engines/llama_cpp_vulkan_mmid.py); 0 elsewhere."""
    routing = _routing(inputs)
    if not c.mmid_walk_s_per_read or routing is None:
        return 0.0
    experts, used, moe_layers = routing
    expert_ffn = _expert_rows(inputs, used, moe_layers)
    reads = sum(n * workgroup_id_reads(t, experts, used, inputs.hidden_size, expert_ffn, moe_layers,
                                       inputs.moe_projections)
                for t, n in mmid_host.ubatches(tokens, chunk))
    return reads * c.mmid_walk_s_per_read


def sycl_scan_seconds(inputs: SpeedInputs, c: SpeedConstants, tokens: int, chunk: int) -> float:
    """Seconds every expert of a MUL_MAT_ID spends scanning the ubatch's routed pairs (llama.cpp SYCL builds
    before PR #23142: estimate/engines/llama_cpp_sycl_mmid.py); 0 elsewhere."""
    routing = _routing(inputs)
    if not c.sycl_mmid_s_per_pair or routing is None:
        return 0.0
    experts, used, moe_layers = routing
    shape = (experts, used, moe_layers, inputs.moe_projections)
    return sycl_mmid.prompt_visits(tokens, chunk, shape) * c.sycl_mmid_s_per_pair


def expert_loop_seconds(inputs: SpeedInputs, c: SpeedConstants, tokens: int, chunk: int) -> float:
    """MUL_MAT_ID dispatches ggml-cuda runs expert by expert (estimate/engines/llama_cpp_mmid_host.py)."""
    routing = _routing(inputs)
    if not (c.mmid_expert_dispatch_s or c.mmid_round_trip_s) or routing is None:
        return 0.0
    experts, used, moe_layers = routing
    shape = (experts, used, moe_layers, _expert_rows(inputs, used, moe_layers), inputs.hidden_size)
    flags = (c.mmid_quantized_loop, inputs.bf16_weights, inputs.prefill_host_helper)
    # Where the engine prices every call's round trips itself (Ollama's copies: ollama_mmid_sync.py), only the
    # loop's dispatches are added here (ollama_scan_seconds adds those calls' host scans).
    round_trip_s = 0.0 if inputs.prefill_moe_host_s else c.mmid_round_trip_s
    scan_s = mmid_host.HOST_SCAN_S_PER_ID if round_trip_s else 0.0  # the host scan sits between the syncs
    return mmid_host.loop_seconds(tokens, chunk, shape, flags, c.mmid_expert_dispatch_s, round_trip_s, scan_s,
                                  inputs.moe_projections)


def ollama_scan_seconds(inputs: SpeedInputs, tokens: int, chunk: int) -> float:
    """The host scans of the MUL_MAT_IDs whose round trips the engine prices itself (Ollama v0.6.8-v0.12.3's
    copies: ollama_mmid_sync.py counts the calls of a MoE layer in those seconds, two round trips each):
    llama_cpp_mmid_host.scan_seconds. ggml-cuda's code: the caller adds it where ggml-cuda runs (not
    Metal), as it does those round trips."""
    routing = _routing(inputs)
    if not inputs.prefill_moe_host_s or routing is None:
        return 0.0
    experts, used, moe_layers = routing
    calls = round(inputs.prefill_moe_host_s / mmid_host.CALL_ROUND_TRIP_SECONDS)
    return mmid_host.scan_seconds(tokens, chunk, experts, used, moe_layers * calls)
