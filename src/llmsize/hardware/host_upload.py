"""What a prompt does with the weights llama.cpp / Ollama keep in host RAM (Planner.speed_inputs_for).

Decode reads a host block's weights on the CPU, a MoE block's picked experts only (read_share.py). A
prompt ubatch of 32 tokens or more is different: with op offload the scheduler copies each host weight
to the GPU and runs its op there, a host MUL_MAT_ID weight's whole expert tensor before
ggml-org/llama.cpp#15346 and every expert any of the ubatch's tokens picked after it
(estimate/engines/llama_cpp_op_upload.py): about all of them at 512 tokens, not the k of E one token
reads. Without op offload (estimate/engines/ollama_op_offload.py) the CPU multiplies those blocks itself
(host_prompt.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import engine_for
from llmsize.hardware.read_share import expert_read_fraction, read_fraction

# Tokens enough that (1 - k/E)^tokens underflows to 0 for any routing: read_fraction counts every expert.
EVERY_EXPERT_TOKENS = 1 << 30

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.hardware.speed_records import SpeedInputs
    from llmsize.specs.models import ModelSpec


def prompt_upload_bytes(spec: ModelSpec, wl: Workload, inputs: SpeedInputs, host_w: int,
                        experts_only: bool) -> int | None:
    """Bytes of the `host_w` host-resident weights one prompt ubatch copies to the GPU (None: a dense
    model, whose every host weight is copied, as decode reads it).

    `experts_only`: host_w is routed experts alone (--n-cpu-moe / -ot exps=CPU); else whole blocks."""
    if not spec.num_experts:
        return None
    tokens = inputs.batch * inputs.prompt_tokens
    ubatch = min(inputs.prefill_chunk_tokens or tokens, tokens)
    if engine_for(wl).copies_used_experts_only():
        share = expert_read_fraction(spec, ubatch) if experts_only else read_fraction(spec, ubatch)
    else:  # the whole tensor: as if the ubatch had picked every expert
        share = 1.0 if experts_only else read_fraction(spec, EVERY_EXPERT_TOKENS)
    return int(host_w * share)


def host_flops(spec: ModelSpec, wl: Workload, inputs: SpeedInputs, host_read: int, partial: bool) -> float:
    """Prompt FLOPs of the host-resident weights where the engine runs them on the CPU (0: on the GPU).

    The mat-muls' share is the host's share of the bytes a token reads (one weight format throughout);
    whole host blocks (`partial`, --gpu-layers) also score their attention there."""
    if engine_for(wl).host_ops_offloaded(spec):
        return 0.0
    share = min(1.0, host_read / max(1, inputs.active_weight_bytes_per_gpu))
    tokens = inputs.batch * inputs.prompt_tokens
    flops = 2.0 * tokens * max(0, inputs.active_params - inputs.outside_params) * share
    if partial and wl.gpu_layers is not None:
        host_layers = max(0, spec.num_layers - wl.gpu_layers)
        flops += inputs.batch * inputs.attention_flops_prefill * host_layers / spec.num_layers
    return flops
