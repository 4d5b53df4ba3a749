"""llama.cpp / Ollama op offload: host weights' ops run on the first GPU with a copy of the weight.

ggml-backend.cpp `ggml_backend_sched_backend_id_from_cur` hands an op whose weight lies in host memory
to the first backend whose `offload_op` accepts it (ggml-cuda.cu: a batch of 32 or more), and pass 5
of `ggml_backend_sched_split_graph` copies the whole weight, in its own ggml type, into that GPU's
compute buffer (engines/llama_cpp_op_offload.py). Expected sizes below are ggml block sizes times the
tensor's shape, worked out here, not read from llmsize.
"""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from llmsize import resolve
from llmsize.cli import app
from llmsize.estimate.engines import llama_cpp_op_offload as oo
from llmsize.estimate.engines.registry import engine_for
from llmsize.estimate.workload import Workload

runner = CliRunner()
MIB = 2**20
# ggml-common.h: block_q8_0 holds 32 values in 34 B; block_mxfp4 32 values in 17 B
GLM_AIR_OUTPUT_Q8_0 = 151_552 * 4_096 * 34 // 32  # Ollama's memory.weights.nonrepeating 629.0 MiB
QWEN3_30B_EXPERTS_Q8_0 = 128 * 2_048 * 768 * 34 // 32  # one block's ffn_{gate,up,down}_exps
GLM_AIR_EXPERTS_Q8_0 = 128 * 4_096 * 1_408 * 34 // 32
GPT_OSS_20B_EXPERTS_MXFP4 = 32 * 2_880 * 2_880 * 17 // 32  # ffn_gate_exps = ffn_up_exps = ffn_down_exps
GLM_AIR = ("GLM-4.5-Air", "--engine", "ollama", "--engine-version", "0.12.0", "--quant", "Q8_0",
           "--context", "20000", "--ubatch", "512", "--n-batch", "512", "--flash-attn", "on",
           "--logits", "all", "--gpu", "RTX-4090", "--num-gpus", "3")  # fmt: skip


def _engine(model: str, **settings: Any) -> tuple[Any, Any]:
    spec = resolve(model)
    return engine_for(Workload(**settings)), spec


def _compute(*args: str) -> int:
    result = runner.invoke(app, ["estimate", *args, "--format", "json"])
    assert result.exit_code in (0, 3), result.output
    return int(json.loads(result.output)["gpus"][0]["compute_buffer_bytes"])


def test_cpu_experts_copy_one_stacked_tensor_from_32_tokens() -> None:
    settings = {"engine": "llama.cpp", "quant": "Q8_0", "n_cpu_moe": 48, "context": 4096}
    eng, spec = _engine("Qwen3-30B-A3B", **settings)
    assert oo.stage_copies(eng, spec, 512) == (0, QWEN3_30B_EXPERTS_Q8_0)
    assert oo.stage_copies(eng, spec, 32)[1] == QWEN3_30B_EXPERTS_Q8_0
    assert oo.stage_copies(eng, spec, 31) == (0, 0)  # below GGML_OP_OFFLOAD_MIN_BATCH: the CPU runs it


def test_full_offload_copies_nothing() -> None:
    eng, spec = _engine("Qwen3-30B-A3B", engine="llama.cpp", quant="Q8_0", context=4096)
    assert oo.stage_copies(eng, spec, 512) == (0, 0)


def test_a_fused_gate_up_is_two_gguf_tensors() -> None:
    # convert_hf_to_gguf writes gpt-oss's gate_up_proj as ffn_gate_exps + ffn_up_exps
    settings = {"engine": "llama.cpp", "quant": "MXFP4_MOE", "n_cpu_moe": 24, "context": 4096}
    eng, spec = _engine("gpt-oss-20b", **settings)
    assert oo.stage_copies(eng, spec, 512)[1] == GPT_OSS_20B_EXPERTS_MXFP4


def test_host_output_layer_matmul_moves_to_the_first_gpu() -> None:
    # ollama/ollama#12403: blocks 27..46 on three GPUs, the output layer on the CPU, 512 rows of logits:
    # CUDA0 933.00 MiB, CUDA1 and CUDA2 166.51 MiB
    eng, spec = _engine("GLM-4.5-Air", engine="ollama", engine_version="0.12.0", quant="Q8_0",
                        gpu_layers=20, context=20000, ubatch=512, n_batch=512, logits="all")  # fmt: skip
    assert oo.head_copy_bytes(spec, eng) == GLM_AIR_OUTPUT_Q8_0
    first = eng.buffers(spec, False)[0]
    other = eng.buffers(spec, False, offload=False)[0]
    logits = 512 * (151_552 + 4_096) * 4
    assert first == GLM_AIR_OUTPUT_Q8_0 + logits
    assert other < first - GLM_AIR_OUTPUT_Q8_0
    assert _compute(*GLM_AIR, "--gpu-layers", "20") == first


def test_one_row_of_logits_keeps_the_head_on_the_cpu() -> None:
    # llama-server since ggml-org/llama.cpp#23861 reserves n_parallel rows: a 1-row matmul is not
    # offloaded, and the largest host expert tensor (a block's ffn_*_exps) with its stage decides
    eng, _ = _engine("GLM-4.5-Air", engine="llama.cpp", gpu_layers=20)
    assert not oo.head_offloaded(eng, 1) and oo.head_offloaded(eng, 32)
    # Ollama 0.12's llama runner keeps every row without --logits all (its vendored llama.cpp predates
    # #23861, Ollama.logit_rows); v0.30.1's llama-server (b9479) reserves the one row.
    every = _compute(*[a for a in GLM_AIR if a not in ("--logits", "all")], "--gpu-layers", "20")
    assert every == _compute(*GLM_AIR, "--gpu-layers", "20")
    newer = ["0.30.1" if a == "0.12.0" else a for a in GLM_AIR if a not in ("--logits", "all")]
    one_row = _compute(*newer, "--gpu-layers", "20")
    assert GLM_AIR_EXPERTS_Q8_0 < one_row < every


def test_no_op_offload_keeps_host_ops_on_the_cpu() -> None:
    # llama-server --no-op-offload: ggml_backend_sched_new(..., op_offload=false) never takes cause "1.off"
    eng, spec = _engine("Qwen3-30B-A3B", engine="llama.cpp", quant="Q8_0", n_cpu_moe=48, op_offload=False)
    assert oo.stage_copies(eng, spec, 512) == (0, 0)
    # the flag is llama-server's; Ollama never passes it (llm/llama_server.go): compare under llama.cpp
    lcpp = tuple("llama.cpp" if a == "ollama" else a for a in GLM_AIR[:3]) + GLM_AIR[5:]
    off = _compute(*lcpp, "--gpu-layers", "20", "--no-op-offload")
    assert off < _compute(*lcpp, "--gpu-layers", "20") - GLM_AIR_OUTPUT_Q8_0


def test_host_blocks_copy_their_own_largest_ffn_tensor() -> None:
    # Qwen3-0.6B (28 blocks) in Q4_K_M: llama-quant.cpp gives ffn_down Q6_K where use_more_bits(i, 28)
    # holds (i < 3, i >= 24, or (i - 3) % 3 == 2) and Q4_K elsewhere, ffn_gate/ffn_up Q4_K everywhere;
    # all three are 3,072 x 1,024 (ggml-common.h: block_q6_K 256 values in 210 B, block_q4_K 144 B).
    numel = 3_072 * 1_024
    q6_k, q4_k = numel * 210 // 256, numel * 144 // 256
    eng, spec = _engine("Qwen/Qwen3-0.6B", engine="llama.cpp", quant="Q4_K_M", context=4096)
    from llmsize.estimate.weights import effective_format

    fmt = effective_format(spec, eng.wl)[0]
    largest = oo._largest_tensor  # the per-split look-up itself
    assert largest(eng, spec, fmt, (4,), oo.FFN) == q4_k  # (4 - 3) % 3 == 1: Q4_K ffn_down
    assert largest(eng, spec, fmt, (4, 5), oo.FFN) == q6_k  # block 5: Q6_K
    assert largest(eng, spec, fmt, (6, 7), oo.FFN) == q4_k
    # the host blocks of a --gpu-layers split, 0..k-1, read the running maximum: block 0 is Q6_K
    assert largest(eng, spec, fmt, (0,), oo.FFN) == q6_k
    assert largest(eng, spec, fmt, tuple(range(20)), oo.FFN) == q6_k


def test_builds_before_op_offload_keep_host_ops_on_the_cpu() -> None:
    # ggml-org/llama.cpp#6083 brought the backends' offload_op after b2356 (llama_cpp_op_offload.py);
    # ggml-org/llama.cpp#4957 (2024-01-17): Mixtral Q8_0 with 10 of 33 layers on the GPU and 512 tokens
    # printed a CUDA0 compute buffer of 108.03 MiB, far below one host block's 8-expert Q8_0 tensor.
    assert not oo.build_offloads_ops(1890) and not oo.build_offloads_ops(2356)
    assert oo.build_offloads_ops(2357) and oo.build_offloads_ops(None)
    old, spec = _engine("Mixtral-8x7B-v0.1", engine="llama.cpp", quant="Q8_0", context=512, gpu_layers=10,
                        engine_version="b1890")
    new, _ = _engine("Mixtral-8x7B-v0.1", engine="llama.cpp", quant="Q8_0", context=512, gpu_layers=10,
                     engine_version="b2600")
    experts_q8_0 = 8 * 14_336 * 4_096 * 34 // 32  # one block's ffn_{gate,up,down}_exps (ggml-common.h)
    assert oo.stage_copies(old, spec, 512) == (0, 0) and not old.host_ops_offloaded(spec)
    assert oo.stage_copies(new, spec, 512)[1] == experts_q8_0 and new.host_ops_offloaded(spec)
    args = ("Mixtral-8x7B-v0.1", "--engine", "llama.cpp", "--quant", "Q8_0", "--context", "512",
            "--gpu-layers", "10", "--gpu", "A100-SXM-80GB")  # fmt: skip
    before, after = (_compute(*args, "--engine-version", build) for build in ("b1890", "b2600"))
    assert before < 200 * MIB < after
