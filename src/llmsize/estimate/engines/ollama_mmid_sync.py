"""Host round trips of the routed-expert matmuls in a prompt ubatch: Ollama v0.6.8-v0.12.3's llama.cpp copies.

Ollama v0.6.8 to v0.12.3 ran both of its runners on ggml copies (e1e8e0991 .. de4c07f93, then e54d41be
from v0.11.5: ollama_mmid_copies.py) in which a prompt ubatch's MUL_MAT_ID on CUDA/ROCm takes MMQ with ids
(ggml-cuda.cu ggml_cuda_mul_mat_id: ne2 > 1 and ggml_cuda_should_use_mmq, true for k-quants and MXFP4 on
any GPU with int8 MMA), and mmq.cu ggml_cuda_mul_mat_q's ids branch prepares the expert grouping on the
host, every call: cudaMemcpyAsync of the ids to the host, cudaStreamSynchronize, a CPU loop over experts x
tokens x top-k, cudaMemcpyAsync of the grouped ids back, cudaStreamSynchronize (read at ollama/ollama
v0.11.8, ml/backend/ggml/ggml/src/ggml-cuda/mmq.cu; the same two syncs at v0.6.8, v0.11.4, v0.11.5 and
v0.12.3, none at v0.12.4). The GPU waits out each round trip. llama.cpp PR #15525 (2025-08-23, after the
copy) moved that helper to device code, "This eliminates the need for synchronization". A one-token step
takes MMVQ with ids instead: no round trip. The calls the grouped kernels refuse (BF16 experts; quantized
ones on RDNA3 at 64 tokens or more) take ggml_cuda_mul_mat_id's fallback, which copies the ids to the
host and back the same way: every multi-token call of these copies is counted here, and
llama_cpp_mmid_host.py adds only that fallback's per-expert dispatches for them (hardware/speed.py).

Calls per MoE layer: llama.cpp's build_moe_ffn (the llama runner, e.g. qwen3moe until v0.12.2) multiplies
gate, up and down: 3; Ollama's Go engine runs gpt-oss with a fused gate_up tensor (model/models/gptoss
MLPBlock.GateUp; convert/convert_gptoss.go writes ffn_gate_up_exps): 2.

Priced: each round trip at what PR #15525's own -ub 2 row saved by removing them, 10.1 us
(ggml_cuda_mmid_sync.py: the same code path, measured in llama.cpp on an RTX 3090; the isolated pinned
4-byte D2H + cudaStreamSynchronize of kekzl/imp#1654, median 31.35 us, min 9.19 us, priced it before and
still prices torch.where's read-back in transformers_moe_loop.py). The CPU loop between the two syncs is
priced by llama_cpp_mmid_host.scan_seconds (hardware/speed.py). Nothing fitted.
"""

from __future__ import annotations

from llmsize.estimate.engines.ggml_cuda_mmid_sync import GROUPING_ROUND_TRIP_S
from llmsize.estimate.engines.ollama_mmid_copies import helper_on_host

# REFERENCE: https://github.com/kekzl/imp/issues/1654 (pinned 4-byte D2H + cudaStreamSynchronize, median
# 31.35 us over 2000 iterations): an isolated round trip, the price of the single ones elsewhere.
ROUND_TRIP_S = 31.35e-6
# REFERENCE: PR #15525's -ub 2 row (ggml_cuda_mmid_sync.py): one round trip of the expert grouping.
GROUPING_ROUND_TRIP = GROUPING_ROUND_TRIP_S
# REFERENCE: llama.cpp e54d41be ggml/src/ggml-cuda/mmq.cu ggml_cuda_mul_mat_q (ids branch): two syncs a call.
SYNCS_PER_CALL = 2
# REFERENCE: llama.cpp src/llama-graph.cpp build_moe_ffn: gate, up and down MUL_MAT_IDs.
CALLS_PER_MOE_LAYER = 3
# REFERENCE: ollama/ollama model/models/gptoss/model.go MLPBlock (GateUp, Down); convert/convert_gptoss.go.
FUSED_GATE_UP_MODEL_TYPES = frozenset({"gpt_oss"})


def moe_layer_host_seconds(release: tuple[int, int, int] | None, model_type: str) -> float:
    """Seconds of host round trips one MoE layer adds to a prompt ubatch on CUDA/ROCm (0: not this copy)."""
    if not helper_on_host(release):
        return 0.0
    calls = CALLS_PER_MOE_LAYER - 1 if model_type in FUSED_GATE_UP_MODEL_TYPES else CALLS_PER_MOE_LAYER
    return calls * SYNCS_PER_CALL * GROUPING_ROUND_TRIP


def prompt_host_seconds(per_moe_layer_s: float, moe_layers: int, tokens: int, chunk: int) -> float:
    """The round trips of a prompt of `tokens` in ubatches of `chunk`: each multi-token ubatch pays them."""
    if not per_moe_layer_s or not moe_layers or tokens < 2:
        return 0.0
    ubatches = -(-tokens // max(1, chunk))
    if tokens % chunk == 1:  # a last ubatch of one token takes MMVQ, no round trip
        ubatches -= 1
    return ubatches * moe_layers * per_moe_layer_s
