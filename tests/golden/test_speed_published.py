"""Speed model vs published measurements: a sample of bench/speed_tables.yaml.

All rows: docs/validation-speed.md. Tolerances are per row class: 25% for single-stream decode and
prefill on one GPU (held-out median ~13%), 30% for llama.cpp decode (its held-out worst is 27%).
No test is timed: these compare predictions with numbers other people measured.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.llama_cpp import fusion_engine
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, generation_seconds, prefill_seconds, resolve_constants
from llmsize.specs.resolve import resolve

QWEN25 = ("https://github.com/QwenLM/Qwen2.5/blob/a912d239c2d0e2e5d10bb8d02e6f5685edb43e68/"
          "docs/source/benchmark/speed_benchmark.rst")
QWEN3 = ("https://github.com/QwenLM/Qwen2.5/blob/ac7272455d45483d2f579a88295e81586d60ff6f/"
         "docs/source/getting_started/speed_benchmark.md")
LLAMA_CUDA = "https://github.com/ggml-org/llama.cpp/discussions/15013"
LLAMA_APPLE = "https://github.com/ggml-org/llama.cpp/discussions/4167"
LLAMA_ROCM = "https://github.com/ggml-org/llama.cpp/discussions/15021"


def _inputs(model: str, gpu: str, engine: str, prompt: int, gen: int, quant: str | None = None,  # type: ignore[no-untyped-def]
            batch: int = 1, ubatch: int | None = None, dtype: str | None = None):
    spec = resolve(model)
    # Qwen's tables ran vLLM 0.6.3's V0 engine and transformers 4.46: their own speed profiles
    # ("vllm-0.6", "transformers-4"), the engines' memory rules.
    memory = {"sglang": "vllm", "sglang-0.4": "vllm", "vllm-0.6": "vllm", "transformers-4": "transformers",
              "transformers-4.46": "transformers", "llama.cpp-hip-nographs": "llama.cpp",
              "llama.cpp-vulkan": "llama.cpp"}
    memory_engine = "llama.cpp" if engine.startswith("llama.cpp-fusions") else memory.get(engine, engine)
    data = {"engine": memory_engine, "context": prompt + max(gen, 1),
            "prompt_tokens": prompt, "batch": batch}
    if ubatch:
        data["ubatch"] = ubatch
    if quant:
        data["quant"] = quant
    if dtype:
        data["dtype"] = dtype
    if engine == "llama.cpp-vulkan":
        data["backend"] = "vulkan"
    wl = Workload.model_validate(data)
    return speed_inputs(spec, wl, estimate(spec, wl), Layout(), engine=engine), get_gpu(gpu)


@pytest.mark.parametrize(("gpu", "published", "source"), [
    ("RTX-4090", 189.0, LLAMA_CUDA),     # Llama 2 7B Q4_0, llama-bench tg128
    ("RTX-3090", 158.2, LLAMA_CUDA),
    ("M2-Ultra-192GB", 94.3, LLAMA_APPLE),
    ("M4-Max-128GB", 83.1, LLAMA_APPLE),
])
def test_llama_cpp_tg128(gpu: str, published: float, source: str) -> None:
    inputs, spec_gpu = _inputs("Llama-2-7b", gpu, "llama.cpp", 1, 128, quant="Q4_0")
    c = resolve_constants(inputs, spec_gpu)
    step, _ = decode_step(inputs, spec_gpu, c, 64)
    assert 1 / step == pytest.approx(published, rel=0.30), source  # llama.cpp rows: held-out worst 27%


@pytest.mark.parametrize(("gpu", "published", "source"), [
    ("RTX-4090", 14771, LLAMA_CUDA),     # Llama 2 7B Q4_0, llama-bench pp512
    ("M2-Ultra-192GB", 1238, LLAMA_APPLE),
])
def test_llama_cpp_pp512(gpu: str, published: float, source: str) -> None:
    inputs, spec_gpu = _inputs("Llama-2-7b", gpu, "llama.cpp", 512, 0, quant="Q4_0")
    seconds, bound = prefill_seconds(inputs, spec_gpu, resolve_constants(inputs, spec_gpu))
    assert bound == "compute"
    assert 512 / seconds == pytest.approx(published, rel=0.25), source


@pytest.mark.parametrize(("model", "gpu", "engine", "published"), [
    # The issue's own example: a bare roofline said ~2,900 tokens/s where 261 were measured.
    ("Qwen2.5-0.5B-Instruct-GPTQ-Int4", "A100-SXM-80GB", "vllm-0.6", 260.93),
    ("Qwen2.5-7B-Instruct", "A100-SXM-80GB", "vllm-0.6", 84.28),
    ("Qwen2.5-7B-Instruct", "A100-SXM-80GB", "transformers-4.46", 40.38),  # the table ran 4.46.0
])
def test_qwen25_generate_speed_input_1(model: str, gpu: str, engine: str, published: float) -> None:
    # QWEN25: 2048 generated tokens after a 1-token prompt, batch 1.
    inputs, spec_gpu = _inputs(model, gpu, engine, 1, 2048)
    seconds = generation_seconds(inputs, spec_gpu, prompt_tokens=1, new_tokens=2048)
    assert 2048 / seconds == pytest.approx(published, rel=0.25), QWEN25


def test_qwen3_sglang_fp8_on_h20() -> None:
    # QWEN3: Qwen3-8B-FP8, SGLang 0.4.6.post1, H20, input 1: (1 + 2048) / time = 150.25 tokens/s.
    inputs, spec_gpu = _inputs("Qwen3-8B-FP8", "H20", "sglang-0.4", 1, 2048)
    seconds = generation_seconds(inputs, spec_gpu, prompt_tokens=1, new_tokens=2048)
    assert 2049 / seconds == pytest.approx(150.25, rel=0.25), QWEN3


def test_long_prompts_slow_vllm_decode_as_published() -> None:
    # QWEN25: Qwen2.5-7B-Instruct on vLLM drops from 84.28 (input 1) to 70.33 tokens/s (input 30720):
    # the KV read grows and the 30k-token prefill is part of the time. The ratio is what is checked.
    short, gpu = _inputs("Qwen2.5-7B-Instruct", "A100-SXM-80GB", "vllm-0.6", 1, 2048)
    long, _ = _inputs("Qwen2.5-7B-Instruct", "A100-SXM-80GB", "vllm-0.6", 30720, 2048)
    fast = 2048 / generation_seconds(short, gpu, prompt_tokens=1, new_tokens=2048)
    slow = 2048 / generation_seconds(long, gpu, prompt_tokens=30720, new_tokens=2048)
    assert slow / fast == pytest.approx(70.33 / 84.28, rel=0.1)


@pytest.mark.parametrize(("model", "published"), [
    ("Qwen3-8B", 81.73),   # QWEN3, SGLang, H20, input 1: (1 + 2048) / time
    ("Qwen3-32B", 20.72),  # 64 GB of bf16 weights read at ~1.3 TB/s of the H20's 4.0 TB/s
])
def test_h20_batch1_decode_is_bounded_by_its_78_sms(model: str, published: float) -> None:
    # Before the SM-count bound the model read the H20 like any HBM part and predicted 33.3 t/s for
    # Qwen3-32B (+61%); its 78 SMs cannot keep the datasheet bandwidth busy with one sequence.
    inputs, spec_gpu = _inputs(model, "H20", "sglang-0.4", 1, 2048)
    seconds = generation_seconds(inputs, spec_gpu, prompt_tokens=1, new_tokens=2048)
    assert 2049 / seconds == pytest.approx(published, rel=0.20), QWEN3


STRIX_KYUZ0 = "https://github.com/kyuz0/amd-strix-halo-toolboxes/tree/2c8a1e2/benchmark/results"
STRIX_ISSUE = "https://github.com/ggml-org/llama.cpp/issues/22375"
METAL_M2_ULTRA = "https://github.com/ggml-org/llama.cpp/pull/10238"


@pytest.mark.parametrize(("model", "quant", "published", "source"), [
    ("Qwen3-Coder-30B-A3B-Instruct", "UD-Q4_K_XL", 910.0, STRIX_ISSUE),  # b8933, 8 of 128 experts
    ("GLM-4.5-Air", "UD-Q4_K_XL", 243.57, STRIX_KYUZ0),                 # 8 of 128 experts
    ("Llama-2-7b", "Q4_0", 1135.49, STRIX_KYUZ0),                        # dense
])
def test_strix_halo_pp512_moe_runs_slower_than_its_flops(model: str, quant: str, published: float,
                                                        source: str) -> None:
    """llama-bench pp512 on a Radeon 8060S (Vulkan): MoE models reach a third of the dense FLOP rate."""
    inputs, gpu = _inputs(model, "Ryzen-AI-Max-395-128GB", "llama.cpp-vulkan", 512, 0, quant=quant)
    seconds, _ = prefill_seconds(inputs, gpu, resolve_constants(inputs, gpu))
    assert 512 / seconds == pytest.approx(published, rel=0.25), source


def test_dgx_spark_prefill_follows_the_ubatch_of_the_run() -> None:
    """benches/dgx-spark.md runs -ub 2048: one graph per 2048 tokens reads the weights once, not 4 times."""
    spec = resolve("gpt-oss-120b")
    speeds = []
    for ub in (512, 2048):
        wl = Workload.model_validate(
            {"engine": "llama.cpp", "context": 2049, "prompt_tokens": 2048, "ubatch": ub})
        inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(), engine="llama.cpp")
        gpu = get_gpu("DGX-Spark")
        c = resolve_constants(inputs, gpu)
        assert c.prefill_chunk_tokens == ub
        seconds, _ = prefill_seconds(inputs, gpu, c)
        speeds.append(2048 / seconds)
    # published pp2048 at -ub 2048: 1937.54 t/s (ggml-org/llama.cpp benches/dgx-spark.md, build 6918)
    assert speeds[1] == pytest.approx(1937.54, rel=0.35)
    assert speeds[1] > speeds[0]


@pytest.mark.parametrize(("quant", "published"), [("F16", 73.12), ("Q4_0", 166.87)])
def test_metal_one_token_step_pays_a_per_layer_latency(quant: str, published: float) -> None:
    """M2 Ultra, Llama-3.2-3B pp1 (PR #10238): Q4_0 reads 3.4x fewer bytes than F16, is 2.3x faster."""
    inputs, gpu = _inputs("Llama-3.2-3B", "M2-Ultra-192GB", "llama.cpp", 1, 0, quant=quant)
    c = resolve_constants(inputs, gpu)
    assert c.gpu_per_layer_s > 0
    seconds, _ = prefill_seconds(inputs, gpu, c, 1)
    assert 1 / seconds == pytest.approx(published, rel=0.25), METAL_M2_ULTRA


MI300X_VLLM = "https://github.com/ROCm/vllm/blob/040de12d45c16d6de6ad386cc57dd68b8c5b805e/docs/dev-docker/README.md"


@pytest.mark.parametrize(("model", "batch", "published"), [
    ("Llama-3.1-70B-Instruct", 1, 17.236),
    ("Llama-3.1-70B-Instruct", 128, 46.484),
    ("Llama-3.1-405B-Instruct", 32, 68.901),
])
def test_mi300x_tp8_batch_latency(model: str, batch: int, published: float) -> None:
    """vLLM benchmark_latency on 8 x MI300X (FP8, 128 in / 2048 out): the batch grows the step through
    its all-reduces, which a switchless xGMI mesh carries at one peer link's share."""
    spec = resolve(model)
    wl = Workload.model_validate({"engine": "vllm", "context": 128 + 2048, "prompt_tokens": 128,
                                  "batch": batch, "num_gpus": 8, "tp": 8, "quant": "fp8"})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(tp=8), engine="vllm")
    seconds = generation_seconds(inputs, get_gpu("MI300X"), prompt_tokens=128, new_tokens=2048)
    assert seconds == pytest.approx(published, rel=0.20), MI300X_VLLM


# ggml-org/llama.cpp#28196, follow-up of 2026-09-12: one RTX 5090 on native Linux, llama.cpp b10809,
# `llama-bench -ngl 99 -fa 1 -p 1024 -n 400`, the same day: qwen35 27B Q4_K_M tg400 81.82 t/s and the
# thread's MoE control, qwen3moe 30B.A3B Q4_K_M, tg400 376.9 t/s.
RTX5090_LINUX = "https://github.com/ggml-org/llama.cpp/issues/28196"


def _tg400(model: str) -> float:
    inputs, gpu = _inputs(model, "RTX-5090", "llama.cpp", 1, 400, quant="Q4_K_M")
    step, _ = decode_step(inputs, gpu, resolve_constants(inputs, gpu), 200)
    return 1 / step


# These three were strict xfails while the per-node cost priced llama.cpp's graph nodes before the CUDA
# fusions: a current build launches 5 kernels for a routed FFN where the graph holds 19 nodes
# (estimate/engines/llama_cpp_fusion.py), so MoE steps of current builds pay far fewer of them.


def test_current_llama_cpp_moe_decode_on_a_discrete_card() -> None:
    # A current build decodes a routed model at its active bytes on a GDDR7 card: older builds' MoE rows
    # (docs/validation-speed.md, held out) ran 30-60% slower, and a constant tuned to them fails here.
    assert _tg400("Qwen3-30B-A3B") == pytest.approx(376.9, rel=0.25), RTX5090_LINUX


def test_gpt_oss_decode_on_an_rtx_pro_6000() -> None:
    # ggml-org/llama.cpp#16991 (late 2025): gpt-oss 20B MXFP4 MoE, llama-bench -ub 2048 -fa 1, tg128 391.20.
    inputs, gpu = _inputs("gpt-oss-20b", "RTX-PRO-6000-Blackwell", "llama.cpp", 1, 128)
    step, _ = decode_step(inputs, gpu, resolve_constants(inputs, gpu), 64)
    assert 1 / step == pytest.approx(391.2, rel=0.25), "https://github.com/ggml-org/llama.cpp/pull/16991"


@pytest.mark.xfail(
    strict=True, reason="the dense hybrid decodes 20% below its published 81.82 t/s on this build: its 48 "
    "Gated DeltaNet blocks are priced at their unfused graph count (llama_cpp_nodes 'linear_attention', less "
    "#23940's state copy), while the current ggml_cuda_try_fuse also fuses ssm_conv + SiLU and the gates' "
    "unary + mul; the MoE control itself lands within 3%")
def test_moe_to_dense_decode_ratio_on_one_card() -> None:
    # Same card, build and command: the MoE control decodes 4.6x the dense hybrid (376.9 / 81.82).
    ratio = _tg400("Qwen3-30B-A3B") / _tg400("Qwen3.5-27B")
    assert ratio == pytest.approx(376.9 / 81.82, rel=0.2), RTX5090_LINUX


RTX4090_2026 = "https://aayushgarg.dev/posts/2026-04-05-qwen35-vs-gemma4"


# The post's build of 2026-04-03 has the CUDA fusions of b9079 (none merged between #16884 and #25952).
SPRING_2026 = fusion_engine(9079)


def _tg128_4090(model: str) -> float:
    inputs, gpu = _inputs(model, "RTX-4090", SPRING_2026, 1, 128, quant="UD-Q4_K_XL")
    step, _ = decode_step(inputs, gpu, resolve_constants(inputs, gpu), 64)
    return 1 / step


# A maintainer's llama-bench on one RTX 4090 in the same week (#21665, Q4_0) decodes Gemma-4-26B-A4B at
# 194.73 t/s, which the build's kernel counts meet within 5% (test_gemma4_moe_decode_on_a_spring_2026_build);
# this post's 135 t/s is 30% below both, and its MoE rows alone (its dense ones land within 10%).
POST_BELOW_MAINTAINERS = pytest.mark.xfail(
    strict=True, reason="the post's MoE decode is ~30% below a maintainer's run of the same build era and "
    "card (ggml-org/llama.cpp#21665); not a kernel count of the build")


@pytest.mark.parametrize(("model", "published"), [
    pytest.param("gemma-4-26B-A4B-it", 135.0, marks=POST_BELOW_MAINTAINERS),  # 30 blocks, 8 of 128 experts
    ("Qwen3.5-35B-A3B", 136.0),     # 40 blocks: Gated DeltaNet / gated attention, 8 of 256 experts + shared
])
def test_moe_decode_pays_its_graph_nodes_on_an_rtx_4090(model: str, published: float) -> None:
    # llama-bench tg128 of a 2026-04-03 build, -fa 1, q8_0 KV, Unsloth UD-Q4_K_XL files: about 7.4 ms a
    # token, where reading the active weights takes ~3 ms; the rest is the routed and gated blocks' extra
    # graph nodes. Without them (the per-layer latency alone) the model said ~233 t/s.
    assert _tg128_4090(model) == pytest.approx(published, rel=0.2), RTX4090_2026


def test_moe_to_dense_hybrid_decode_ratio_on_an_rtx_4090() -> None:
    # Same card, build and command: Qwen3.5-35B-A3B decodes 3.0x Qwen3.5-27B (136 / 45), not the ~5x
    # their active bytes alone give. Met once the MoE file's Q8_0 attention, DeltaNet and shared expert are
    # read (specs/unsloth_hybrid_moe.py); with Q4_K_M's types there it was 3.5x.
    ratio = _tg128_4090("Qwen3.5-35B-A3B") / _tg128_4090("Qwen3.5-27B")
    assert ratio == pytest.approx(136 / 45, rel=0.15), RTX4090_2026


def _decode(model: str, gpu: str, build: int | None, gen: int, quant: str | None = None) -> float:
    """Decode tokens/s of llama.cpp `build` (None: the current one) at the middle of `gen` tokens."""
    inputs, card = _inputs(model, gpu, fusion_engine(build), 1, gen, quant=quant)
    step, _ = decode_step(inputs, card, resolve_constants(inputs, card), gen // 2)
    return 1 / step


def test_gemma4_moe_decode_on_a_spring_2026_build() -> None:
    # ggml-org/llama.cpp#21665 (am17an, 2026-04-09, "on a 4090"): gemma4 Q4_0 tg128 194.73 t/s with the PR.
    # That build has the fusions of b9079: a routed FFN of 6 kernels, Q/K norms outside the rope.
    assert _decode("gemma-4-26B-A4B-it", "RTX-4090", 9079, 128, "Q4_0") == pytest.approx(194.73, rel=0.15), (
        "https://github.com/ggml-org/llama.cpp/pull/21665")


def test_qwen3_moe_decode_on_an_august_2025_build() -> None:
    # ggml-org/llama.cpp#15631 (JohannesGaessler): RTX 4090, qwen3moe 30B.A3B Q4_0, microbatch 1, pp4096
    # 205.87 t/s with the PR (adds fused; top-k, gate+up+GLU and biases still separate: 13 kernels a
    # routed FFN).
    build = 6310  # the PR's branch: llama_cpp_fusion.FUSIONS #15631
    assert _decode("Qwen3-30B-A3B", "RTX-4090", build, 4096, "Q4_0") == pytest.approx(205.87, rel=0.15), (
        "https://github.com/ggml-org/llama.cpp/pull/15631")


def test_qwen3_moe_decode_before_the_qk_norm_rope_fusion() -> None:
    # ggml-org/llama.cpp#26767: RTX 5090, Qwen3-30B-A3B Q4_K_M tg128 365.82 t/s on master 69bf64379 (2026-08).
    assert _decode("Qwen3-30B-A3B", "RTX-5090", 10399, 128, "Q4_K_M") == pytest.approx(365.82, rel=0.15), (
        "https://github.com/ggml-org/llama.cpp/pull/26767")


def test_fusions_speed_up_moe_decode_more_than_dense() -> None:
    # The same card and model across builds: a routed model gains from the MoE fusions (#16130 top-k,
    # #16715 gate+up+GLU), a dense Llama keeps its speed (its per-layer latency is calibrated across builds).
    def gain(model: str) -> float:
        return _decode(model, "RTX-4090", None, 128, "Q4_0") / _decode(model, "RTX-4090", 6000, 128, "Q4_0")

    assert gain("Qwen3-30B-A3B") > 1.3
    assert gain("Llama-2-7b") == pytest.approx(1.0, rel=0.01)


@pytest.mark.parametrize(("gpu", "quant", "metric", "published"), [
    # LLAMA_APPLE, build 8e672ef, Llama 2 7B (held-out rows of bench/speed_tables.yaml, llama.cpp-apple-4167)
    ("M1-16GB", "Q4_0", "tg128", 14.15),        # 8-core M1, 68 GB/s
    ("M4-32GB", "Q4_0", "pp512", 221.29),       # 10-core M4
    ("M3-Pro-36GB", None, "pp512", 357.45),     # F16
    ("M2-Max-30core-32GB", "Q4_0", "tg128", 60.99),
])
def test_llama_cpp_apple_scoreboard_chips(gpu: str, quant: str | None, metric: str, published: float) -> None:
    inputs, spec_gpu = _inputs("Llama-2-7b", gpu, "llama.cpp", 512 if metric == "pp512" else 1,
                               0 if metric == "pp512" else 128, quant=quant,
                               dtype="fp16" if quant is None else None)  # the F16 row runs the F16 file
    c = resolve_constants(inputs, spec_gpu)
    if metric == "pp512":
        seconds, _ = prefill_seconds(inputs, spec_gpu, c)
        speed = 512 / seconds
    else:
        step, _ = decode_step(inputs, spec_gpu, c, 64)
        speed = 1 / step
    assert speed == pytest.approx(published, rel=0.25), LLAMA_APPLE


def test_llama_cpp_quantized_prefill_runs_at_the_int8_rate() -> None:
    # llama.cpp's MMQ multiplies q8_1 activations with int8 MMA (ggml-cuda mmq.cuh), so its prefill
    # peak is the int8 rate: a GeForce card's is 4x its FP16 (FP32-accumulate) figure, an RX 7900 XTX
    # lists none and falls back to FP16. LLAMA_ROCM: Llama 2 7B Q4_0 pp512 3552.27 t/s on the
    # 7900 XTX, where FP16 x the GeForce share (1.1) predicted ~9,800 (+176%).
    inputs, gpu = _inputs("Llama-2-7b", "RX-7900-XTX", "llama.cpp", 512, 0, quant="Q4_0")
    c = resolve_constants(inputs, gpu)
    assert c.peak_dtype == "int8"
    seconds, bound = prefill_seconds(inputs, gpu, c)
    assert bound == "compute"
    assert 512 / seconds == pytest.approx(3552.27, rel=0.35), LLAMA_ROCM
    # the float checkpoint (--dtype fp16); without it llama.cpp sizes the Q4_K_M GGUF `-hf` downloads
    f16, gpu16 = _inputs("Llama-2-7b", "RX-7900-XTX", "llama.cpp", 512, 0, dtype="fp16")
    assert resolve_constants(f16, gpu16).peak_dtype == ""  # F16 weights run the FP16 GEMM


def test_llama_cpp_prefill_on_a_workstation_card() -> None:
    # LLAMA_CUDA: Llama 2 7B Q4_0 pp512 16,619 t/s on an RTX PRO 6000 Blackwell. Its FP16 figure is
    # full-rate (500 TFLOPS, a GeForce card's is half), its int8 figure 2x that: scaled from GeForce
    # rows by FP16 it was predicted +131%, by int8 (what MMQ runs) it is within 25%.
    inputs, gpu = _inputs("Llama-2-7b", "RTX-PRO-6000-Blackwell", "llama.cpp", 512, 0, quant="Q4_0")
    seconds, _ = prefill_seconds(inputs, gpu, resolve_constants(inputs, gpu))
    assert 512 / seconds == pytest.approx(16619, rel=0.30), LLAMA_CUDA


def test_llama_cpp_hip_without_graphs_is_launch_bound() -> None:
    # LLAMA_ROCM: Llama 2 7B Q4_0 tg128 232.92 t/s on an MI300X: 3.8 GB over 5.3 TB/s would allow
    # ~450 t/s; ggml's HIP build of the time replayed no graphs, so ~740 launches of ~4 us bound it.
    inputs, gpu = _inputs("Llama-2-7b", "MI300X", "llama.cpp-hip-nographs", 1, 128, quant="Q4_0")
    c = resolve_constants(inputs, gpu)
    step, parts = decode_step(inputs, gpu, c, 64)
    assert parts["cpu"] > parts["gpu"]
    assert 1 / step == pytest.approx(232.92, rel=0.40), LLAMA_ROCM  # held-out row: +38%


SWEEP_4090 = "https://mushfiqrahman.dev/?p=1668"


@pytest.mark.parametrize(("concurrency", "published"), [(4, 210.0), (16, 644.0), (48, 1190.0)])
def test_vllm_concurrency_sweep_output_throughput(concurrency: int, published: float) -> None:
    # SWEEP_4090: Mistral-7B-Instruct-v0.3 BF16, vLLM on one RTX 4090, 256 -> 128 tokens, 300 prompts at
    # an unlimited rate with at most C in flight: waves of C prompts prefilled, then 128 steps at batch C.
    inputs, gpu = _inputs("Mistral-7B-Instruct-v0.3", "RTX-4090", "vllm", 256, 128, batch=concurrency)
    seconds = generation_seconds(inputs, gpu, prompt_tokens=256, new_tokens=128)
    assert concurrency * 128 / seconds == pytest.approx(published, rel=0.25), SWEEP_4090


GPTOSS_PRO6000 = "https://github.com/ggml-org/llama.cpp/pull/16991"


def test_llama_cpp_moe_prefill_with_few_tokens_per_expert() -> None:
    # GPTOSS_PRO6000: gpt-oss-20b (MXFP4, 4 of 32 experts) on an RTX PRO 6000 Blackwell, llama-bench
    # -ub 2048 pp128: 5,127.8 t/s. One 128-token ubatch gives each expert ~16 tokens: the expert GEMMs
    # stream their weights and then multiply (speed.prefill_seconds), where the roofline max predicted
    # ~11,700 t/s (+129%).
    inputs, gpu = _inputs("gpt-oss-20b", "RTX-PRO-6000-Blackwell", "llama.cpp", 128, 0, ubatch=2048)
    c = resolve_constants(inputs, gpu)
    seconds, _ = prefill_seconds(inputs, gpu, c)
    # Each expert's ~16 tokens run in a 128-wide MMQ tile (estimate/engines/llama_cpp_mmq_tiles.py).
    assert 128 / seconds == pytest.approx(5127.8, rel=0.40), GPTOSS_PRO6000  # held-out row: -8%
    assert inputs.routed_weight_bytes_per_gpu > 0.8 * inputs.weight_bytes_per_gpu  # experts dominate


def test_dense_prefill_has_no_expert_stream() -> None:
    inputs, _ = _inputs("Llama-2-7b", "RTX-4090", "llama.cpp", 512, 0, quant="Q4_0")
    assert inputs.routed_weight_bytes_per_gpu == 0
