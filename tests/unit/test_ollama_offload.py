"""Ollama's own defaults that move speed: automatic partial offload and the flash-attention default.

Rules under test, with their sources:
- estimate/engines/ollama_offload.py: with num_gpu unset Ollama runs a model that does not fit with only
  some layers on the GPU (ollama llm/llama_server.go buildArgs passes no -ngl; llama-server --fit leaves
  llama.cpp common/common.h `fit_params_target` = 1024 MiB free; before v0.30 llm/memory.go
  EstimateGPULayers filled free memory after MinimumMemory, discover/gpu.go).
- estimate/engines/ollama_flash.py: OLLAMA_FLASH_ATTENTION unset means off before v0.12.4
  (envconfig/config.go Bool), the GGML.FlashAttention architecture list v0.12.4-v0.29 (fs/ggml/ggml.go),
  `--flash-attn auto` from v0.30 (llm/llama_server.go appendFlashAttentionArgs).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import engine_for
from llmsize.estimate.engines.ollama_flash import default_flash_attention
from llmsize.estimate.engines.ollama_offload import FIT_TARGET_BYTES, auto_layers, fit_margin_bytes
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Planner
from llmsize.specs.resolve import resolve
from llmsize.units import GIB, MIB


def _workload(engine: str = "ollama", **extra: object) -> Workload:
    return Workload.model_validate({"engine": engine, "context": 4096} | extra)


def test_fit_margin_follows_the_runner_of_the_release() -> None:
    # llama-server's fitter (v0.30+) leaves its 1024 MiB target free; llm/memory.go's MinimumMemory stood
    # for the CUDA/Metal context, which llmsize's estimate already counts as overhead.
    assert FIT_TARGET_BYTES == 1024 * MIB
    assert fit_margin_bytes(None) == FIT_TARGET_BYTES
    assert fit_margin_bytes((0, 30, 0)) == FIT_TARGET_BYTES
    assert fit_margin_bytes((0, 29, 9)) == 0
    assert fit_margin_bytes((0, 5, 7)) == 0


def test_auto_layers_stop_short_of_the_whole_model_and_at_zero() -> None:
    assert auto_layers(None, 80) is None
    assert auto_layers(-3, 80) == 0  # nothing fits: Ollama runs the model on the CPU
    assert auto_layers(35, 80) == 35
    assert auto_layers(80, 80) == 79  # only asked when the whole model does not fit


def test_only_ollama_offloads_by_itself() -> None:
    spec = resolve("llama3.1:70b")
    usable = 24 * GIB
    for engine in ("llama.cpp", "vllm"):
        wl = _workload(engine)
        assert engine_for(wl).auto_gpu_layers(estimate(spec, wl), usable, spec.num_layers) is None
    wl = _workload()
    layers = engine_for(wl).auto_gpu_layers(estimate(spec, wl), usable, spec.num_layers)
    assert layers is not None and 0 < layers < spec.num_layers
    # num_gpu given (--gpu-layers): the user's split, not Ollama's.
    pinned = _workload(gpu_layers=20)
    assert engine_for(pinned).auto_gpu_layers(estimate(spec, pinned), usable, spec.num_layers) is None


def test_the_fitter_margin_costs_layers() -> None:
    spec = resolve("llama3.1:70b")
    new, old = _workload(), _workload(engine_version="0.5.7")
    usable = 24 * GIB
    new_layers = engine_for(new).auto_gpu_layers(estimate(spec, new), usable, spec.num_layers)
    old_layers = engine_for(old).auto_gpu_layers(estimate(spec, old), usable, spec.num_layers)
    assert new_layers is not None and old_layers is not None
    assert new_layers < old_layers


@given(st.integers(min_value=2, max_value=80), st.integers(min_value=2, max_value=80))
def test_more_vram_never_offloads_fewer_layers(low: int, high: int) -> None:
    spec = resolve("llama3.1:70b")
    wl = _workload()
    est = estimate(spec, wl)
    eng = engine_for(wl)
    lo, hi = sorted((low, high))
    fewer = eng.auto_gpu_layers(est, lo * GIB, spec.num_layers)
    more = eng.auto_gpu_layers(est, hi * GIB, spec.num_layers)
    assert fewer is not None and more is not None
    assert 0 <= fewer <= more < spec.num_layers


def test_fit_row_reports_the_offloaded_speed_and_says_so() -> None:
    spec = resolve("llama3.1:70b")
    row = Planner(spec, _workload(), estimate).plan(get_gpu("RTX-4090"), 1)
    assert row.fits is False
    assert row.gpu_layers is not None and 0 < row.gpu_layers < spec.num_layers
    assert row.decode_tokens_per_s is not None and row.decode_tokens_per_s < 10
    assert row.decode_bound == "host memory"
    assert any("CPU RAM" in w and f"{row.gpu_layers} of 80 layers" in w for w in row.warnings)
    # llama.cpp run by hand fails to load it instead: no speed without --gpu-layers.
    cpp = Planner(spec, _workload("llama.cpp"), estimate).plan(get_gpu("RTX-4090"), 1)
    assert cpp.fits is False and cpp.decode_tokens_per_s is None


def test_flash_attention_default_by_release_and_architecture() -> None:
    assert default_flash_attention(None, "llama") is True  # v0.30+: --flash-attn auto
    assert default_flash_attention((0, 30, 0), "llama") is True
    assert default_flash_attention((0, 5, 7), "qwen3") is False  # OLLAMA_FLASH_ATTENTION unset: off
    assert default_flash_attention((0, 12, 4), "qwen3") is True  # v0.12.4 list: gpt-oss, qwen3, qwen3moe
    assert default_flash_attention((0, 12, 4), "gemma3") is False
    assert default_flash_attention((0, 13, 0), "gemma3") is True  # joined the list in v0.13.0
    # bd6c1d6b4 (#13052, v0.13.4): a model on the llama runner (llama never ran the Go engine before v0.30)
    # gets llama.cpp's --flash-attn auto when OLLAMA_FLASH_ATTENTION is unset.
    assert default_flash_attention((0, 24, 0), "llama") is True
    assert default_flash_attention((0, 13, 3), "llama") is False
    # 85ccf7354 (v0.11.8): llm/server.go turns it on for gptoss alone, whatever OLLAMA_FLASH_ATTENTION says.
    assert default_flash_attention((0, 11, 8), "gpt_oss") is True
    assert default_flash_attention((0, 11, 7), "gpt_oss") is False
    assert default_flash_attention((0, 11, 8), "qwen3_moe") is False


def test_old_release_without_flash_attention_pays_for_scores() -> None:
    spec = resolve("llama3.1:8b")
    old = engine_for(_workload(engine_version="0.5.7"))
    assert old.prefill_score_bytes(spec, 2048) > 0
    assert engine_for(_workload()).prefill_score_bytes(spec, 2048) == 0
    forced = engine_for(_workload(engine_version="0.5.7", flash_attn="on"))
    assert forced.prefill_score_bytes(spec, 2048) == 0


def test_speed_profile_follows_the_release() -> None:
    # v0.30 (ollama/ollama 9db4bdbad) replaced Ollama's own runners with llama-server of 2026.
    assert engine_for(_workload()).speed_name() == "ollama"
    assert engine_for(_workload(engine_version="0.30.0")).speed_name() == "ollama"
    assert engine_for(_workload(engine_version="0.12.6")).speed_name() == "ollama-own-runner"
    assert engine_for(_workload("llama.cpp")).speed_name() == "llama.cpp"


def test_new_build_metal_share_is_ollamas_own_and_apple_only() -> None:
    from llmsize.estimate.engines.ollama import METAL_2026_GGUF_BANDWIDTH
    from llmsize.hardware.speed_profiles import engine_profile, kernel_bandwidth

    apple, nvidia = get_gpu("M2-Pro-32GB"), get_gpu("RTX-4090")
    own = engine_profile("ollama").kernel_bandwidth
    assert kernel_bandwidth("gguf", apple, own) == METAL_2026_GGUF_BANDWIDTH
    assert kernel_bandwidth("gguf", apple, engine_profile("ollama-own-runner").kernel_bandwidth) == (
        kernel_bandwidth("gguf", apple)
    )
    assert kernel_bandwidth("gguf", nvidia, own) == kernel_bandwidth("gguf", nvidia)
    assert kernel_bandwidth("gguf", apple, own) > kernel_bandwidth("gguf", apple)


def test_default_context_by_release() -> None:
    # api/types.go / envconfig OLLAMA_CONTEXT_LENGTH: 2048 to v0.6.6, 4096 from v0.6.7, the VRAM tier
    # (server/routes.go: 262,144 from 47 GiB, 32,768 from 23 GiB) from v0.15.5.
    from llmsize.estimate.engines.ollama import release_default_context

    vram = 24 * GIB
    assert release_default_context((0, 5, 7), vram) == 2048
    assert release_default_context((0, 6, 7), vram) == 4096
    assert release_default_context((0, 15, 4), vram) == 4096
    assert release_default_context((0, 15, 5), vram) == 32768
    assert release_default_context(None, 48 * GIB) == 262144
    assert release_default_context(None, 8 * GIB) == 4096


def test_unified_memory_cannot_offload_past_the_machine() -> None:
    # On Apple silicon the CPU layers live in the same memory: a model larger than the machine does not run.
    spec = resolve("llama3.1:70b")
    row = Planner(spec, _workload(), estimate).plan(get_gpu("M4-32GB"), 1)
    assert row.fits is False and row.decode_tokens_per_s is None
    assert not any("still runs it" in w for w in row.warnings)


def test_projector_is_reserved_whole_not_spread_over_layers() -> None:
    # ollama/ollama#9818 logs gemma3:27b's projector.weights="795.9 MiB" (its vision tower kept in 16 bits);
    # llm/llama_server.go sets LLAMA_ARG_FIT_TARGET to those bytes + mmprojOffloadHeadroom (1 GiB).
    from llmsize.estimate.engines.ollama_offload import projector_bytes

    spec = resolve("gemma3:27b")
    assert projector_bytes(spec) / MIB == pytest.approx(795.9, rel=0.03)
    assert projector_bytes(resolve("llama3.1:8b")) == 0
    wl = _workload(context=2048)
    est, eng = estimate(spec, wl), engine_for(wl)
    with_projector = eng.auto_gpu_layers(est, 11 * GIB, spec.num_layers, spec)
    spread = eng.auto_gpu_layers(est, 11 * GIB, spec.num_layers)
    assert with_projector is not None and spread is not None
    assert with_projector < spread


def test_repeat_penalty_scan_by_release_library_and_runner() -> None:
    # estimate/engines/ollama_sampling.py: api/types.go RepeatPenalty 1.1 until 6a261db7d (v0.32.10); library
    # pins (qwen3 / qwen3.6 1.0, qwen3-coder 1.05, qwen3.5 presence_penalty 1.5); the Go engine (v0.6-v0.29,
    # KV.OllamaEngineRequired) sampled without token history.
    from llmsize.estimate.engines.ollama_sampling import penalty_scan, sampling_seconds

    assert penalty_scan((0, 5, 7), "llama3.2", "llama")
    assert penalty_scan((0, 32, 9), "llama3.1", "llama")
    assert not penalty_scan((0, 32, 10), "llama3.1", "llama")
    assert not penalty_scan(None, "llama3.1", "llama")
    assert not penalty_scan((0, 32, 0), "qwen3", "qwen3")
    assert penalty_scan(None, "qwen3.5", "qwen3_5")
    assert penalty_scan(None, "qwen3-coder", "qwen3_moe")
    assert not penalty_scan((0, 12, 6), "gemma3", "gemma3")  # Go engine
    assert penalty_scan((0, 12, 6), "llama3.2", "llama")  # llama runner
    # unsloth/llama.cpp#95: 130.29 -> 146.66 t/s once 248,320 probes a token were skipped (3.45 ns each).
    assert sampling_seconds((0, 32, 0), "qwen3.6x", "qwen3_5", 248_320) == pytest.approx(
        1 / 130.29 - 1 / 146.66
    )


def test_penalty_scan_slows_each_token_of_an_old_release() -> None:
    # v0.32.9 and v0.32.10 run the same llama-server; only the default repeat_penalty differs (6a261db7d).
    spec = resolve("llama3.2:3b")
    gpu = get_gpu("RTX-4090")
    old = Planner(spec, _workload(engine_version="0.32.9", context=430, prompt_tokens=30), estimate).plan(
        gpu, 1
    )
    new = Planner(spec, _workload(engine_version="0.32.10", context=430, prompt_tokens=30), estimate).plan(
        gpu, 1
    )
    assert old.tpot_s is not None and new.tpot_s is not None
    assert old.tpot_s - new.tpot_s == pytest.approx(spec.vocab_size * 3.45e-9, rel=0.05)
    # v0.5.7's llama runner pays that scan, a top-k pass over the vocabulary (ollama_sampling.TOP_K_PASS_S:
    # llama.cpp#34, 8.69 ms / 137 tokens over 128,256 entries), a graph rebuilt over 28 layers
    # (ollama_graph.py: ik_llama.cpp#94, 237.40 -> 244.19 t/s) and 2 unfused norm kernels a layer on CUDA.
    from llmsize.estimate.engines.llama_cpp_nodes import GPU_PER_NODE_S

    first = Planner(spec, _workload(engine_version="0.5.7", context=430, prompt_tokens=30), estimate).plan(
        gpu, 1
    )
    assert first.tpot_s is not None
    expected = (spec.vocab_size * (3.45e-9 + 8.69e-3 / 137 / 128_256) + (1 / 237.40 - 1 / 244.19)
                + 28 * 2 * GPU_PER_NODE_S)
    assert first.tpot_s - new.tpot_s == pytest.approx(expected, rel=0.05)


def test_old_estimator_reserves_its_partial_graph() -> None:
    # fs/ggml/ggml.go GraphSize partialOffload (output-layer branch): gemma3:27b at batch 512 is the
    # memory.graph.partial="1.6 GiB" of ollama/ollama#9818.
    from llmsize.estimate.engines.ollama_offload import own_estimator_graph_bytes

    spec = resolve("gemma3:27b")
    assert own_estimator_graph_bytes(spec.hidden_size, spec.vocab_size, 512) / GIB == pytest.approx(
        1.6, rel=0.03
    )
    # Before v0.30 the graph and MinimumMemory (457 MiB) come off the GPU before any layer: none fits a
    # GPU smaller than them, whatever the model.
    llama = resolve("llama3.1:70b")
    old = _workload(engine_version="0.5.7", context=2048)
    reserve = own_estimator_graph_bytes(llama.hidden_size, llama.vocab_size, 512) + 457 * MIB
    assert engine_for(old).auto_gpu_layers(estimate(llama, old), reserve, llama.num_layers, llama) == 0
    assert engine_for(old).auto_gpu_layers(
        estimate(llama, old), reserve + 2 * GIB, llama.num_layers, llama
    ) in (3, 4)


def test_gemma4_own_engine_keeps_4096_positions_in_its_sliding_layers() -> None:
    # model/models/gemma4/model.go (v0.20-v0.29): NewSWAMemCache(1024, 4096); kvcache/causal.go Init:
    # maxSequences x 4096 + maxBatch cells in each of the 25 sliding layers (8 KV heads x 256, K+V f16),
    # the 5 global layers (2 x 512) hold num_ctx; llama-server (v0.30+) keeps window + ubatch instead.
    spec = resolve("gemma4:26b", engine="ollama")
    for parallel in (1, 2):
        wl = _workload(context=32768, batch=parallel, engine_version="0.20.7", flash_attn="on")
        sliding = 25 * (parallel * 4096 + 512) * 8 * 256 * 2 * 2
        full = 5 * 32768 * parallel * 2 * 512 * 2 * 2
        assert estimate(spec, wl).kv_cache_bytes == sliding + full
    later = _workload(context=32768, engine_version="0.33.0", flash_attn="on")
    assert estimate(spec, later).kv_cache_bytes < sliding // 2 + full


def test_gpt_oss_graph_is_graphsize_own_case_by_release() -> None:
    # fs/ggml/ggml.go GraphSize `case "gptoss"`: ollama/ollama#11982 (0.11.5, gpt-oss:120b, Parallel:1,
    # KvSize:75000) logs memory.graph.partial="13.7 GiB": 2 x 64 / 8 x kvTotal / 6 with kvTotal the f16
    # cache of all 36 layers at 75,000 tokens (36 x 75000 x 2 x 64 x 8 x 2 bytes).
    from llmsize.estimate.engines.ollama_offload import own_estimator_gptoss_graph_bytes

    spec = resolve("gpt-oss:120b")
    kv_total = spec.num_layers * 75_000 * 2 * spec.head_dim * spec.num_kv_heads * 2
    graph = own_estimator_gptoss_graph_bytes((0, 11, 5), 75_000, 1, kv_total, 64, 8)
    assert graph / GIB == pytest.approx(13.7, abs=0.05)
    # v0.11.8 (85ccf7354) turns flash attention on for gptoss: (4 + 8192 >> 10 + 110) MiB at num_ctx 8192.
    assert own_estimator_gptoss_graph_bytes((0, 11, 8), 8192, 1, kv_total, 64, 8) == 122 * MIB


def test_ollama_0_11_keeps_gpt_oss_120b_whole_on_an_80gb_card() -> None:
    # Issue 11: Ollama 0.11.8's own estimate for gpt-oss:120b at num_ctx 8192 (59.7 GiB of weights,
    # memory.weights.total in ollama/ollama#11982; 450 MiB of KV; a 122 MiB graph; 457 MiB MinimumMemory)
    # leaves ~18 GiB of an A100 80GB free, so EstimateGPULayers offloads nothing: no layer runs on the CPU.
    spec = resolve("gpt-oss:120b")
    wl = _workload(engine_version="0.11.8", context=8192)
    est = estimate(spec, wl)
    usable = get_gpu("A100-SXM-80GB").memory_bytes
    assert engine_for(wl).auto_gpu_layers(est, usable, spec.num_layers, spec) >= spec.num_layers - 1
    # ... and a 48 GB card does take the CPU path: fewer layers than the model has
    layers = engine_for(wl).auto_gpu_layers(est, 48 * GIB, spec.num_layers, spec)
    assert layers is not None and layers < spec.num_layers * 48 / 61
