"""The engine modules: each engine's cache paging, transient memory, budget and refusal (issue 9).

Expected values are the engines' own arithmetic written out by hand from the source each module
cites (vLLM kv_cache_utils.py, llama.cpp llama-context.cpp/llama-kv-cache.cpp, SGLang
model_runner.py), not numbers read back from llmsize.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from llmsize.errors import BadInputError
from llmsize.estimate.core import estimate
from llmsize.estimate.engines import ENGINES, engine_for
from llmsize.estimate.engines.llama_cpp import LlamaCpp
from llmsize.estimate.engines.vllm import Vllm, mxfp4_expert_bytes, rope_cache_bytes
from llmsize.estimate.workload import Engine, Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Planner
from llmsize.specs.resolve import resolve
from llmsize.units import GIB, MIB
from spec_factories import llama3_8b

KIB = 1024


def test_every_engine_has_one_module_with_a_named_version() -> None:
    assert set(ENGINES) == set(Engine)
    for engine in Engine:
        module = engine_for(Workload(engine=engine))
        assert module.engine is engine and module.version


def test_nothing_outside_the_engine_modules_branches_on_the_engine() -> None:
    src = Path(__file__).resolve().parents[2] / "src" / "llmsize"
    branch = re.compile(r"\bis (not )?Engine\.|engine ==|Engine\(\w+\) is")
    allowed = {"measure/harness.py"}  # the torch harness measures transformers runs only
    # preflight/ reads and writes each tool's own command line (its syntax, not its memory)
    offenders = [
        str(p.relative_to(src))
        for p in src.rglob("*.py")
        if "estimate/engines" not in p.as_posix()
        and "preflight/" not in p.as_posix()
        and str(p.relative_to(src)) not in allowed
        and branch.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# --------------------------------------------------------------------------------------------- vLLM


def test_vllm_blocks_tokens_and_concurrency_from_an_explicit_kv_budget() -> None:
    # Llama-3-8B: 2 x 8 heads x 128 x 2 B = 4 KiB per token and layer (128 KiB over 32 layers); a
    # page is 16 tokens of one layer (64 KiB); num_blocks = budget // page // layers
    # (kv_cache_utils.get_num_blocks).
    spec = llama3_8b()
    wl = Workload(engine="vllm", context=4096, kv_cache_memory=8 * GIB)
    est = estimate(spec, wl)
    budget = engine_for(wl).budget(est, get_gpu("h100").visible_memory_bytes, wl)
    assert budget.kv_blocks == 8 * GIB // (64 * KIB) // 32 == 4096
    assert budget.kv_tokens == 4096 * 16 == 8 * GIB // (128 * KIB)
    assert budget.max_concurrency == 4096 / (4096 // 16)
    assert budget.fits


def test_vllm_hybrid_model_shares_one_page_size_across_groups() -> None:
    # gpt-oss: 18 full + 18 sliding (window 128) layers -> two groups of 18 layers; the reported
    # token count is num_blocks // groups x block_size (kv_cache_utils._report_kv_cache_config).
    spec = resolve("gpt-oss-120b")
    module = Vllm(Workload(engine="vllm"))
    groups = module.groups(spec, range(spec.num_layers))
    assert {(g.layers, g.window) for g in groups} == {(18, 128), (18, None)} and len(groups) == 2
    wl = Workload(engine="vllm", context=131072, kv_cache_memory=9 * GIB)
    est = estimate(spec, wl)
    budget = engine_for(wl).budget(est, get_gpu("h100").visible_memory_bytes, wl)
    page = 16 * (2 * 8 * 64 * 2) * 18  # 16 tokens x 2 KiB per layer x 18 layers per group
    assert budget.kv_blocks == 9 * GIB // page
    assert budget.kv_tokens == budget.kv_blocks // 2 * 16
    # one request: cdiv(131072, 16) full blocks + cdiv(128 - 1 + 2048, 16) + 1 sliding blocks
    assert budget.max_concurrency == round(budget.kv_blocks / (8192 + 136 + 1), 2)


def test_vllm_hybrid_delta_net_model_unifies_state_and_attention_pages() -> None:
    """Qwen3.5-27B on vLLM 0.19 printed "GPU KV cache size: 290,864 tokens" and "Maximum concurrency
    for 32,768 tokens per request: 33.04x" (vllm-project/vllm#40691, --max-model-len 32768
    --max-num-seqs 16 --max-num-batched-token 16384). Whatever the pool, tokens / concurrency is
    block x (blocks per request) / groups, which the pair fixes at 290,864 / 33.04 = 8,803.4:
    only 784-token blocks in 4 groups, a request needing 42 attention blocks + 1 state block in each
    of 3 delta-net groups, give it (784 x 45 / 4 = 8,820, within the rounding of num_blocks // 4)."""
    spec = resolve("Qwen3.5-27B")
    wl = Workload(engine="vllm", context=32768, max_num_seqs=16, max_num_batched_tokens=16384,
                  kv_cache_memory=70 * GIB)
    module = Vllm(wl)
    groups = module.groups(spec, range(spec.num_layers))
    assert sorted((g.layers, g.state) for g in groups) == [(16, False)] + [(16, True)] * 3
    # state page: conv (2 x 16 x 128 + 48 x 128 channels, 3 positions, bf16) + fp32 delta state
    # 48 x 128 x 128; attention: 2 x 4 KV heads x 256 x 2 B = 4 KiB per token and layer
    state = 10240 * 3 * 2 + 48 * 128 * 128 * 4
    assert module.state_page_bytes(spec, 2) == state
    assert module.block_tokens(spec, 4096, 2) == 16 * -(-state // (16 * 4096)) == 784
    est = estimate(spec, wl)
    budget = engine_for(wl).budget(est, get_gpu("h100").visible_memory_bytes, wl)
    assert budget.kv_blocks == 70 * GIB // (784 * 4096 * 16)
    assert budget.kv_tokens is not None and budget.max_concurrency is not None
    assert budget.kv_tokens / budget.max_concurrency == pytest.approx(290_864 / 33.04, rel=0.01)


def test_vllm_prefix_caching_keeps_two_state_blocks_per_request_in_each_state_group() -> None:
    """MambaSpec.max_memory_usage_bytes (vllm/v1/kv_cache_interface.py): 2 pages in "align" mode, the
    mode vLLM picks for hybrid models with prefix caching; the attention group is unchanged."""
    spec = resolve("Qwen3.5-27B")
    per_request = []
    for prefix in (False, True):
        wl = Workload(engine="vllm", context=32768, kv_cache_memory=20 * GIB, enable_prefix_caching=prefix)
        est = estimate(spec, wl)
        assert est.engine_figures is not None
        per_request.append(est.engine_figures.blocks_per_request)
    assert per_request[1] - per_request[0] == 3  # one more block in each of the 3 delta-net groups


def test_llama_cpp_keeps_recurrent_state_in_f32_one_cell_per_sequence() -> None:
    """llama_memory_recurrent is created with GGML_TYPE_F32 for r and s (src/llama-model.cpp) and
    sizes r = (d_conv - 1) x conv channels, s = n_embd_s() per layer and sequence; the attention
    layers alone hold the per-token cells (16 of Qwen3.5-27B's 64 blocks)."""
    spec = resolve("Qwen3.5-27B")
    r, s_ = 3 * (2 * 16 * 128 + 48 * 128), 48 * 128 * 128  # 30,720 and 786,432 values
    assert LlamaCpp().state_bytes(spec, 2, 1) == 4 * (r + s_)
    wl = Workload(engine="llama.cpp", quant="Q4_K_M", context=262144, batch=2)
    est = estimate(spec, wl)
    assert est.engine_figures is not None
    kv_line, state_line = est.engine_figures.lines[:2]
    # two slots share one unified cache of 2 x 262,144 cells: 16 layers x 524,288 x 4 KiB
    assert "524288 cells,  16 layers" in kv_line and "32768.00 MiB" in kv_line
    assert f"{2 * 48 * 4 * (r + s_) / MIB:7.2f} MiB (     2 cells,  48 layers" in state_line


def test_vllm_gemma4_global_layers_get_longer_blocks_of_the_same_page() -> None:
    """Gemma 4 31B: 50 sliding layers cache 16 KV heads x 256 (16 KiB per token), the 10 global
    ones 4 x 512 (8 KiB). unify_kv_cache_spec_page_size gives every page the larger size, so the
    global layers' blocks hold 32 tokens. vLLM 0.20 printed "~55k tokens" for "~50 GB" of KV on this
    model (vllm-project/vllm#43308): num_blocks // 6 groups x 16 = 54,608 for 50 GiB."""
    spec = resolve("gemma-4-31B-it")
    wl = Workload(engine="vllm", context=262144, kv_cache_memory=50 * GIB)
    est = estimate(spec, wl)
    f = est.engine_figures
    assert f is not None and f.kv_groups == 6 and f.full_block_tokens == 32 and f.block_tokens == 16
    assert f.kv_page_bytes == 16 * 16 * KIB * 10
    budget = engine_for(wl).budget(est, get_gpu("a100-80gb").visible_memory_bytes, wl)
    assert budget.kv_tokens == (50 * GIB // f.kv_page_bytes) // 6 * 16 == 54_608
    # one request: 262,144 / 32 global blocks + 5 sliding groups x (cdiv(1023 + 2048, 16) + 1)
    assert f.blocks_per_request == 8192 + 5 * 193
    # vLLM >= 0.20.1 prints max concurrency x max_model_len instead (vllm#40694): ~10x more here, as
    # #43308 saw ("~525k" after "~55k")
    later = int(20480 / (8192 + 5 * 193) * 262144)
    assert f"(vLLM >= 0.20.1 prints: GPU KV cache size: {later:,} tokens)" in budget.lines


def test_vllm_refuses_a_context_its_pool_cannot_hold_and_names_the_largest() -> None:
    spec = llama3_8b()
    wl = Workload(engine="vllm", context=131072, kv_cache_memory=4 * GIB)
    est = estimate(spec, wl)
    budget = engine_for(wl).budget(est, get_gpu("h100").visible_memory_bytes, wl)
    assert not budget.fits and budget.reason is not None and "refuse" in budget.reason
    # 4 GiB / 128 KiB per token = 32,768 tokens
    assert budget.max_context == 32768


def test_vllm_batch_defaults_follow_the_gpu() -> None:
    wl = Workload(engine="vllm")
    module = Vllm(wl)
    big = module.gpu_defaults(wl, get_gpu("h100").visible_memory_bytes, "NVIDIA H100 80GB HBM3")
    assert (big.max_num_batched_tokens, big.max_num_seqs) == (8192, 1024)
    a100 = module.gpu_defaults(wl, get_gpu("a100-80gb").visible_memory_bytes, "NVIDIA A100-SXM4-80GB")
    assert (a100.max_num_batched_tokens, a100.max_num_seqs) == (2048, 256)
    small = module.gpu_defaults(wl, get_gpu("l4").visible_memory_bytes, "NVIDIA L4")
    assert (small.max_num_batched_tokens, small.max_num_seqs) == (2048, 256)


def test_vllm_sampler_warm_up_is_not_sharded_by_tensor_parallelism() -> None:
    spec = resolve("Qwen2.5-7B")
    one = Vllm(Workload(engine="vllm", max_num_seqs=1024, max_num_batched_tokens=8192))
    two = Vllm(Workload(engine="vllm", max_num_seqs=1024, max_num_batched_tokens=8192, tp=2, num_gpus=2))
    _, _, sampler_1 = one.profile_bytes(spec, 2)
    _, _, sampler_2 = two.profile_bytes(spec, 2)
    assert sampler_1 == sampler_2 >= 1024 * spec.vocab_size * 4  # at least the fp32 logits
    fewer = Vllm(Workload(engine="vllm", max_num_seqs=256, max_num_batched_tokens=8192))
    assert fewer.profile_bytes(spec, 2)[2] < sampler_1


def test_vllm_enforce_eager_reserves_no_cuda_graphs() -> None:
    spec = llama3_8b()
    graphs = estimate(spec, Workload(engine="vllm")).engine_figures
    eager = estimate(spec, Workload(engine="vllm", enforce_eager=True)).engine_figures
    assert graphs is not None and eager is not None
    assert eager.cuda_graph_bytes == 0 < graphs.cuda_graph_bytes


def test_vllm_serves_a_float32_checkpoint_in_bf16() -> None:
    spec = resolve("gemma-2-9b")  # stored in float32
    hf = estimate(spec, Workload())
    vllm = estimate(spec, Workload(engine="vllm"))
    assert vllm.weights_bytes * 2 == pytest.approx(hf.weights_bytes, rel=0.001)


def test_gpt_oss_120b_at_full_context_on_one_h100() -> None:
    # With the setting the vLLM gpt-oss recipe gives for H100 (vllm#27508: utilization 0.95,
    # max-num-batched-tokens 1024) one request of 131k tokens fits, with room for more than one.
    spec = resolve("gpt-oss-120b")
    wl = Workload(engine="vllm", context=131072, gpu_memory_utilization=0.95, max_num_batched_tokens=1024)
    row = Planner(spec, wl).plan(get_gpu("h100"), 1)
    assert row.fits and row.max_concurrency is not None and 1.0 <= row.max_concurrency < 10


def test_vllm_picks_its_mxfp4_moe_kernel_from_the_gpu_architecture() -> None:
    # vllm fused_moe/oracle/mxfp4.py select_mxfp4_moe_backend (0.19): Triton on Hopper, FlashInfer
    # TRT-LLM on datacenter Blackwell, Marlin on Ampere/Ada/consumer Blackwell.
    wl = Workload(engine="vllm")
    module = Vllm(wl)
    for gpu, backend in (("h100", "triton"), ("b200", "flashinfer_trtllm"), ("a100-80gb", "marlin"),
                         ("rtx-4090", "marlin"), ("rtx-5090", "marlin")):
        g = get_gpu(gpu)
        picked = module.gpu_defaults(wl, g.visible_memory_bytes, g.name, g.architecture, g.segment)
        assert picked.mxfp4_moe_backend == backend, gpu


def test_vllm_mxfp4_padding_depends_on_the_kernel() -> None:
    # gpt-oss-120b: intermediate 2880 and hidden 2880. Marlin rounds hidden up to 3072 (n % 256),
    # the Hopper Triton layout pads the packed reduction axis to 64 bytes and outputs to 256;
    # both hold more than the checkpoint's 17 bytes per 32 values.
    stored = mxfp4_expert_bytes(None, 2880, 2880)
    assert stored == 3 * 2880 * 2880 * 17 // 32 + 2 * (2 * 2880 + 2880)
    marlin = mxfp4_expert_bytes("marlin", 2880, 2880)
    triton = mxfp4_expert_bytes("triton", 2880, 2880)
    assert stored < triton < marlin
    spec = resolve("gpt-oss-120b")
    by_backend = {
        b: estimate(spec, Workload(engine="vllm", mxfp4_moe_backend=b)).weights_bytes
        for b in ("triton", "marlin")
    }
    assert by_backend["triton"] < by_backend["marlin"]


def test_vllm_loads_rope_tables_sized_by_the_scaling() -> None:
    # base.py RotaryEmbedding: (positions x rotary_dim) in the model dtype; linear scaling multiplies
    # the positions (gemma-3: factor 8 on 131,072), and Gemma 3's sliding layers add an unscaled table.
    gemma3 = resolve("gemma-3-12b")
    assert (gemma3.rope_scaling_type, gemma3.rope_scaling_factor, gemma3.local_rope) == ("linear", 8.0, True)
    assert rope_cache_bytes(gemma3, Workload(engine="vllm")) == (8 * 131072 + 131072) * 256 * 2
    llama = llama3_8b()
    assert rope_cache_bytes(llama, Workload(engine="vllm")) == (
        llama.max_position_embeddings * llama.head_dim * 2
    )
    hf = estimate(gemma3, Workload())
    vllm = estimate(gemma3, Workload(engine="vllm"))
    # beside the tables, the caching allocator's block rounding (torch_alloc.py): under 2 MiB a tensor
    extra = vllm.weights_bytes - hf.weights_bytes - rope_cache_bytes(gemma3, Workload(engine="vllm"))
    assert 0 <= extra < 2 * 2**20 * (4 * gemma3.num_layers + 2)


# ---------------------------------------------------------------------------------------- llama.cpp


def test_llama_cpp_splits_blocks_counting_the_output_layer() -> None:
    """llama-model.cpp load_tensors: layer il on GPU floor(il x n / act), act = n_layer + 1 with the
    output layer offloaded; with fewer layers offloaded the output stays on the CPU."""
    spec = resolve("Apertus-70B-2509")
    whole_wl = Workload(engine="llama.cpp", quant="IQ4_XS", num_gpus=2)
    whole = LlamaCpp(whole_wl).stages(spec, whole_wl)
    assert [len(st.layers) for st in whole] == [41, 39] and [st.head for st in whole] == [False, True]
    part_wl = Workload(engine="llama.cpp", quant="IQ4_XS", num_gpus=2, gpu_layers=40)
    part = LlamaCpp(part_wl).stages(spec, part_wl)
    assert [len(st.layers) for st in part] == [20, 20] and not any(st.head for st in part)


def test_llama_cpp_pipeline_copies_need_several_gpus_and_every_layer() -> None:
    """llama-context.cpp: pipeline parallelism (4 graph copies of every GPU input) only with more
    than one device and n_gpu_layers > n_layer; xIELU's CPU round trip adds a copy per block."""
    spec = resolve("Apertus-70B-2509")
    one = Workload(engine="llama.cpp", quant="IQ4_XS", context=20480)
    two = Workload(engine="llama.cpp", quant="IQ4_XS", context=20480, num_gpus=2)
    partial = Workload(engine="llama.cpp", quant="IQ4_XS", context=20480, num_gpus=2, gpu_layers=79)
    assert not LlamaCpp(one).pipeline_parallel(spec) and not LlamaCpp(partial).pipeline_parallel(spec)
    module = LlamaCpp(two)
    first, last = module.stages(spec, two)
    # the 41 blocks of the first GPU each bring back a 512 x 43008 f32 xIELU output, 4 times
    extra = module.pipeline_copies_bytes(spec, first) - module.pipeline_copies_bytes(spec, last)
    assert extra == 4 * (len(first.layers) - len(last.layers)) * 512 * 43008 * 4


def test_llama_cpp_pads_the_shared_context_and_sizes_the_output_buffer() -> None:
    spec = llama3_8b()
    wl = Workload(engine="llama.cpp", quant="Q4_K_M", context=1000, batch=3)
    module = LlamaCpp(wl)
    assert module.n_ctx() == 3072  # GGML_PAD(3 x 1000, 256)
    _, _, out = module.buffers(spec, head_on_device=True)
    assert out == spec.vocab_size * 3 * 4  # n_vocab x n_seq_max f32 logits


def test_llama_cpp_flash_attention_removes_the_score_matrix() -> None:
    spec = llama3_8b()
    off = LlamaCpp(Workload(engine="llama.cpp", context=32768, flash_attn="off")).buffers(spec, True)[0]
    on = LlamaCpp(Workload(engine="llama.cpp", context=32768, flash_attn="on")).buffers(spec, True)[0]
    scores = 32768 * 512 * spec.num_attention_heads * 4  # n_kv x n_ubatch x n_head, f32
    assert off >= scores > on
    # With flash attention and every token an output (--logits all: n_outputs_max = n_batch) the
    # output layer is the largest stage: n_vocab x n_ubatch f32 logits.
    every = LlamaCpp(Workload(engine="llama.cpp", context=32768, flash_attn="on", logits="all"))
    assert every.buffers(spec, True)[0] >= spec.vocab_size * 512 * 4 > on


def test_llama_cpp_keeps_token_embeddings_in_host_ram() -> None:
    spec = llama3_8b()
    est = estimate(spec, Workload(engine="llama.cpp", quant="Q4_K_M"))
    figs = est.engine_figures
    assert figs is not None
    # the total is the GPU's: its weights are the CUDA0 model buffer; the token embeddings are host RAM
    assert est.weights_bytes == figs.device_weights_bytes < est.all_weights_bytes
    # token_embd in Q4_K (144 B per 256 values): 128,256 x 4,096 x 144 / 256 = 281.81 MiB, the CPU buffer
    assert figs.host_weights_bytes == 128_256 * 4_096 * 144 // 256
    assert est.all_weights_bytes == est.weights_bytes + figs.host_weights_bytes
    parts = figs.host_weights_bytes + figs.host_kv_bytes + figs.host_buffer_bytes
    assert est.host_bytes == figs.host_bytes == parts


def test_llama_cpp_gpu_layers_move_weights_to_the_host() -> None:
    spec = llama3_8b()
    full = estimate(spec, Workload(engine="llama.cpp", quant="Q4_K_M")).engine_figures
    half = estimate(spec, Workload(engine="llama.cpp", quant="Q4_K_M", gpu_layers=16)).engine_figures
    assert full is not None and half is not None
    assert half.device_weights_bytes < full.device_weights_bytes
    assert half.host_bytes > full.host_bytes


def test_llama_cpp_n_cpu_moe_moves_experts_to_the_host() -> None:
    spec = resolve("Mixtral-8x7B-v0.1")
    base = estimate(spec, Workload(engine="llama.cpp", quant="Q4_K_M")).engine_figures
    moved = estimate(spec, Workload(engine="llama.cpp", quant="Q4_K_M", n_cpu_moe=8)).engine_figures
    assert base is not None and moved is not None
    shifted = base.device_weights_bytes - moved.device_weights_bytes
    assert shifted > 0 and moved.host_bytes - base.host_bytes == shifted


@pytest.mark.parametrize(
    ("workload", "needle"),
    [
        ({"engine": "llama.cpp", "n_cpu_moe": 2}, "dense"),
        ({"engine": "llama.cpp", "tp": 2, "num_gpus": 2}, "split-mode"),
        ({"engine": "vllm", "gpu_layers": 10}, "--gpu-layers applies to llama.cpp and Ollama, not vLLM"),
        ({"engine": "sglang", "block_size": 16}, "--block-size applies to vLLM, not SGLang"),
        ({"engine": "transformers", "max_num_seqs": 8}, "--max-num-seqs applies to vLLM and SGLang"),
        ({"engine": "vllm", "ubatch": 512}, "--ubatch applies to llama.cpp and Ollama"),
        ({"engine": "vllm", "block_size": 7}, "not one vLLM accepts"),
        ({"engine": "sglang", "model": "AI21-Jamba-Mini-1.7"}, "Mamba-1 only in pure-SSM models"),
        ({"engine": "vllm", "mode": "lora"}, "train"),
        ({"engine": "llama.cpp", "kv_dtype": "q8_0", "flash_attn": "off"}, "flash attention"),
    ],
)
def test_settings_an_engine_cannot_run_are_bad_input(workload: dict[str, object], needle: str) -> None:
    settings = dict(workload)
    model = settings.pop("model", None)
    spec = resolve(str(model)) if model else llama3_8b()
    with pytest.raises(BadInputError, match=needle):
        estimate(spec, Workload.model_validate(settings))


def test_llama_cpp_cannot_run_gptq_weights() -> None:
    with pytest.raises(BadInputError, match="cannot run"):
        estimate(resolve("Qwen2.5-7B-Instruct-GPTQ-Int4"), Workload(engine="llama.cpp"))


# ------------------------------------------------------------------------------------- Ollama, SGLang


def test_an_ollama_tag_is_the_q4_k_m_gguf_ollama_pulls() -> None:
    from llmsize.estimate.engines import default_engine

    spec = resolve("deepseek-r1:14b")
    assert spec.weight_format.gguf_type == "Q4_K_M"
    assert default_engine(spec, None, None) is Engine.OLLAMA
    est = estimate(spec, Workload(engine="ollama"))
    # ollama.com/library/deepseek-r1:14b lists the file at 9.0GB
    assert est.all_weights_bytes == pytest.approx(9.0e9, rel=0.03)


def test_sglang_pool_is_its_static_share_minus_the_weights() -> None:
    spec = llama3_8b()
    wl = Workload(engine="sglang", mem_fraction_static=0.8)
    est = estimate(spec, wl)
    total = get_gpu("h100").visible_memory_bytes
    budget = engine_for(wl).budget(est, total, wl)
    cell = 32 * 2 * 8 * 128 * 2  # layers x (K + V) x kv heads x head_dim x bf16
    start = total - 400 * MIB  # the free memory SGLang measures after creating its CUDA context
    assert budget.kv_tokens == (int(0.8 * start) - est.weights_bytes) // cell


def test_an_mla_gguf_converted_before_the_split_caches_full_k_and_v() -> None:
    # llama.cpp#12801 split attn_kv_b into attn_k_b/attn_v_b and cached the latent; older
    # DeepSeek GGUFs still run MLA as multi-head attention: 16 heads x (128 + 64) of K and
    # 16 x 128 of V per token and layer for DeepSeek-V2-Lite, against 512 + 64 latent values.
    from llmsize.specs.models import CheckpointInfo, TensorInfo

    base = resolve("DeepSeek-V2-Lite")

    def gguf(tensor: str) -> object:
        info = TensorInfo(name=tensor, dtype="Q4_K", shape=(1, 1), n_bytes=1)
        ck = CheckpointInfo(format="gguf", total_params=1, total_bytes=1, tensors=(info,))
        return base.model_copy(update={"checkpoint": ck})

    wl = Workload(engine="llama.cpp", quant="Q4_K_M", context=4096)
    old = estimate(gguf("blk.0.attn_kv_b.weight"), wl).kv_cache_bytes  # type: ignore[arg-type]
    new = estimate(gguf("blk.0.attn_k_b.weight"), wl).kv_cache_bytes  # type: ignore[arg-type]
    assert new == 27 * 4096 * 576 * 2
    assert old == 27 * 4096 * (16 * 192 + 16 * 128) * 2


def test_nvfp4_weights_are_4_bits_plus_an_fp8_scale_per_16() -> None:
    # NVFP4 (compressed-tensors nvfp4-pack-quantized): 4.5 bits per quantized weight, so the
    # linear layers of Llama-3-8B take 9/32 of their bf16 bytes (plus two fp32 globals each).
    from llmsize.estimate.weights import weight_bytes

    spec = llama3_8b()
    bf16 = weight_bytes(spec, Workload(engine="vllm"))
    nvfp4 = weight_bytes(spec, Workload(engine="vllm", quant="nvfp4"))
    embeddings = 2 * spec.vocab_size * spec.hidden_size * 2  # embed_tokens + lm_head stay bf16
    linear_bf16 = bf16 - embeddings - 2 * spec.hidden_size * (2 * spec.num_layers + 1)
    assert nvfp4 - embeddings == pytest.approx(linear_bf16 * 9 / 32, rel=0.001)


def test_unified_memory_counts_llama_cpp_host_ram_against_the_same_pool() -> None:
    spec = llama3_8b()
    wl = Workload(engine="llama.cpp", quant="Q4_K_M", context=8192)
    est = estimate(spec, wl)
    module = engine_for(wl)
    discrete = module.budget(est, 24 * GIB, wl)
    unified = module.budget(est, 24 * GIB, wl, unified=True)
    assert est.engine_figures is not None
    # discrete: the GPU holds the total; unified: the host-RAM part comes out of the same pool
    assert discrete.need_bytes == est.total_bytes
    assert unified.need_bytes == est.total_bytes + est.engine_figures.host_bytes
