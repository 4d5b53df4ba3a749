"""A prompt's share on the CPU where the engine keeps host-resident weights' ops there (no op offload).

Without ggml's op offload (Ollama's Go engine v0.7.0-v0.12.7: estimate/engines/ollama_op_offload.py;
llama.cpp --no-op-offload) a block left in host RAM runs its prompt mat-muls on the CPU, ubatch by
ubatch: compute-bound there (a CPU multiplies a 512-token ubatch far slower than it streams the
weights), never faster than reading those weights from host memory once a ubatch.
"""

from __future__ import annotations

# REFERENCE: ikawrakow/ik_llama.cpp#533 (2025-06-17): "the fastest mainline llama.cpp quant on this CPU
# is Q4_0, and I get 170 t/s with today's build (build: 860a9e4ee (5688))", LLaMA-3.1-8B-Instruct pp512 on a
# Ryzen-7950X (16 Zen 4 cores, dual-channel DDR5: the desktop DEFAULT_HOST_BANDWIDTH_GB_S stands for).
# Its prompt multiplies every weight but the two 128,256 x 4,096 tables (the embedding gathered, the head
# run on the last token only): 8,030,261,248 - 2 x 525,336,576 parameters, 2 FLOPs each, per token.
# Q4_K and the other K-quants run slower on that CPU, so this is the CPU's best case.
LLAMA31_8B_PROMPT_PARAMS = 8_030_261_248 - 2 * 525_336_576
HOST_PROMPT_FLOPS = 2 * LLAMA31_8B_PROMPT_PARAMS * 170.0


def host_prompt_seconds(host_flops: float, host_bytes: int, chunks: int, host_bandwidth: float) -> float:
    """CPU seconds of the host blocks' prompt: their FLOPs at the CPU's prompt rate, or their weights read
    once a ubatch from host RAM where that is slower."""
    read_s = chunks * host_bytes / host_bandwidth if host_bandwidth else 0.0
    return max(host_flops / HOST_PROMPT_FLOPS, read_s)


def host_prompt_note(host_flops: float) -> str:
    """The speed note of a prompt whose host blocks the CPU multiplies."""
    seconds = host_flops / HOST_PROMPT_FLOPS
    # both engines reach here: Ollama's Go engine v0.7.0-v0.12.7 and llama.cpp under --no-op-offload
    return (f"prompt: the weights in host RAM are multiplied on the CPU (no op offload: Ollama's Go engine "
            f"v0.7.0-v0.12.7 or --no-op-offload; estimate/engines/ollama_op_offload.py), {seconds:.2f} s at "
            f"{HOST_PROMPT_FLOPS / 1e12:.1f} TFLOP/s, a 16-core desktop CPU's llama.cpp prompt rate")
