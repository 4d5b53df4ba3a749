"""What llama.cpp (and Ollama, which runs it) keeps in host RAM, apart from the device total.

The device total is what the GPU holds: the engine's "CUDA0 model buffer" + its KV cache + its
"CUDA0 compute buffer" (+ the CUDA context). The rest lives in host RAM and is reported beside it
(`Estimate.host_bytes`, JSON `memory_host`, `engine.host_*_bytes`, `gpus[].host_bytes`), never
inside `memory.total` (DESIGN.md: the total is the peak on the busiest GPU). Sources
(ggml-org/llama.cpp):
- weights, `src/llama-model.cpp` `load_tensors`: `tok_embd` is created on the CPU ("there is very
  little benefit to offloading the input layer", the input layer's buft is the CPU's), the blocks
  below -ngl and the --n-cpu-moe experts stay on the CPU; they are what the log's "CPU_Mapped model
  buffer size" line counts (mmapped from the GGUF).
- buffers, `src/llama-context.cpp` `llama_context::graph_reserve`: the graph inputs (token-embedding
  rows, KQ masks) are built in the "CUDA_Host compute buffer"; `output_reserve` puts the f32 logits in
  the "CPU output buffer".
- cache, `src/llama-kv-cache.cpp`: the K/V of a layer left on the CPU is allocated with that layer
  (offload_kqv), in host RAM.
Checked on published logs (tests/golden/engine_logs.yaml): qwen3:8b Q4_K_M under Ollama prints
"CPU_Mapped model buffer size = 333.84 MiB" (its token_embd) beside "CUDA0 model buffer size =
4643.78 MiB" (ollama/ollama#11224), and the GPU is sized by the latter.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HostSplit:
    """Bytes llama.cpp keeps in host RAM, by what they are."""

    weights: int  # CPU_Mapped: token embeddings, CPU blocks, --n-cpu-moe experts
    kv_cache: int  # the K/V of the blocks left on the CPU
    buffers: int  # CUDA_Host compute buffer + CPU output buffer

    @property
    def total(self) -> int:
        return self.weights + self.kv_cache + self.buffers


def host_memory(weights: int, kv_cache: int, buffers: int) -> dict[str, int]:
    """JSON `memory_host`: the host-RAM bytes under the component names of `memory`, and their sum.
    `activations` holds the host buffers (the compute buffer's host part and the output logits)."""
    split = HostSplit(weights, kv_cache, buffers)
    return {"weights": split.weights, "kv_cache": split.kv_cache, "activations": split.buffers,
            "total": split.total}


def device_need(total_bytes: int, host_bytes: int, unified: bool, duplicated_bytes: int = 0) -> int:
    """What one GPU must hold: the device total; where `unified` (the GPU's budget is the whole pool the
    host RAM comes from: DGX Spark, Jetson; hardware GpuSpec.host_ram_in_budget, not a Mac's wired limit
    or an APU's GTT) the host-RAM part counts as well, except the output copy of a tied
    token_embd (`duplicated_bytes`, llama_cpp_placement.tied_output_bytes): there the model is loaded
    through mmap into host-pointer buffers (llama-model.cpp load_tensors: buffer_from_host_ptr where the
    device supports it, as Metal does, "Metal_Mapped model buffer"), and both tensors point at the same
    file offset, so the pages are held once. A discrete GPU copies the output tensor into its own memory."""
    if not unified:
        return total_bytes
    return total_bytes + max(0, host_bytes - duplicated_bytes)


def host_note(split: HostSplit) -> str:
    """One line saying where the host part goes (for the engine's figures)."""
    parts = [f"weights {split.weights:,} B (CPU_Mapped: token embeddings"
             + (", CPU layers/experts)" if split.weights else ")")]
    if split.kv_cache:
        parts.append(f"K/V of the CPU layers {split.kv_cache:,} B")
    parts.append(f"host compute + output buffers {split.buffers:,} B")
    return "in host RAM, not in the GPU total: " + "; ".join(parts)


def placement_detail(stage_bytes: int, cpu_experts: int, projector: int, host: int, tied: int = 0) -> str:
    """The end of explain's weight lines: from the GPU's blocks (the lines above, `stage_bytes`) to
    what its CUDA0 buffers hold, and the weights left in host RAM, outside the total; `tied`: the
    token_embd a tied model keeps in both (llama_cpp_placement.tied_output_bytes)."""
    parts = []
    if cpu_experts:
        parts.append(f"- {cpu_experts:,} B experts kept on the CPU (--n-cpu-moe)")
    if projector:
        parts.append(f"+ {projector:,} B vision projector (loaded on the first GPU)")
    if parts:
        parts.append(f"= {stage_bytes - cpu_experts + projector:,} B on the GPU")
    if host:
        also = (f"; the GPU holds a second copy of its {tied:,} B token_embd as the tied output layer"
                if tied else "")
        parts.append(f"[host RAM, not in the total: {host:,} B of weights (CPU_Mapped: the token "
                     f"embeddings and any layers or experts left on the CPU){also}]")
    return "; " + " ".join(parts) if parts else ""
