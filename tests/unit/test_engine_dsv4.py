"""DeepSeek V4 in the serving engines: each engine's own cache layout, written out by hand.

Expected values are the engines' arithmetic from the source each module cites (vLLM
deepseek_v4_attention.py, deepseek_compressor.py, sparse_swa.py, kv_cache_interface.py,
kv_cache_utils.py; llama.cpp llama-kv-cache-dsv4.cpp), not numbers read back from llmsize.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import llmsize.cli
from llmsize.errors import BadInputError
from llmsize.estimate.core import estimate
from llmsize.estimate.engines import engine_for
from llmsize.estimate.engines import vllm_dsv4 as v4
from llmsize.estimate.result import EngineFigures
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.specs.resolve import resolve
from llmsize.units import GIB

FLASH = "DeepSeek-V4-Flash"  # 43 layers: 2 sliding-only, 21 CSA (ratio 4), 20 HCA (ratio 128)
PRO = "DeepSeek-V4-Pro"  # 61 layers: 30 CSA, 31 HCA


# ------------------------------------------------------------------------------------------- vLLM


def test_vllm_page_sizes_follow_the_fp8_ds_mla_and_state_layouts() -> None:
    spec = resolve(FLASH)
    # head_bytes: 448 fp8 NoPE + 64 x 2 bf16 RoPE + 448 // 64 scale bytes + 1 pad
    assert v4.entry_bytes(spec) == 448 + 128 + 7 + 1 == 584
    assert v4.indexer_entry_bytes(spec) == 128 + 4 == 132  # fp8 keys + one fp32 scale per 128
    # pages rounded up to 576 B: a 256-token block holds 64 CSA / 2 HCA entries
    assert v4.align(64 * 584) == 37_440 and v4.align(2 * 584) == 1_728 and v4.align(64 * 132) == 8_640
    # compressor state, fp32 kv + score: CSA 4 tokens x 2 series x 512, HCA 8 tokens x 1 x 512,
    # the indexer's compressor 4 x 2 x 128
    assert v4.state_page_bytes(4, 512) == v4.align(4 * 2 * 2 * 512 * 4) == 32_832
    assert v4.state_page_bytes(128, 512) == v4.align(8 * 2 * 1 * 512 * 4) == 32_832
    assert v4.state_page_bytes(4, 128) == v4.align(4 * 2 * 2 * 128 * 4) == 8_640


def test_vllm_packs_flash_into_five_groups_of_22_layer_tuples() -> None:
    spec = resolve(FLASH)
    plan = v4.layout(spec, range(spec.num_layers), 256)
    # tuples per bucket: pooled 21 (C4 main / C4 indexer), window 43, CSA states 21, HCA states 20;
    # padding per chunk size d: d=21 -> 0+20+0+1 = 21, d=22 -> 1+1+1+2 = 5, d=23 -> 2+3+2+3 = 10
    assert v4.approximate_gcd([21, 43, 21, 20], lower_bound=21) == 22
    assert plan.page_sizes == (1_728, 8_640, 37_440) and plan.tuples == 22
    assert plan.stride_bytes == 22 * (37_440 + 8_640 + 1_728) == 1_051_776
    assert sorted((g.block_tokens, g.window or 0) for g in plan.groups) == [
        (4, 8),
        (8, 128),
        (64, 128),
        (64, 128),
        (256, 0),
    ]
    # one request of 30,000 tokens, 16,384 batched: cdiv(30000, 256) + 2 x (cdiv(127 + 16384, 64) + 1)
    # + (cdiv(7 + 16384, 4) + 1) + (cdiv(127 + 16384, 8) + 1)
    assert plan.blocks_per_request(30_000, 16_384) == 118 + 2 * 259 + 4_099 + 2_065 == 6_800


def test_vllm_packs_pro_into_31_layer_tuples() -> None:
    spec = resolve(PRO)
    plan = v4.layout(spec, range(spec.num_layers), 256)
    # pooled 30 C4 / 30 indexer / 31 C128 -> 31 tuples; windows 61, CSA states 30, HCA states 31
    assert v4.approximate_gcd([31, 61, 30, 31], lower_bound=31) == 31
    assert plan.stride_bytes == 31 * 47_808 == 1_482_048 and len(plan.groups) == 5


def test_vllm_flash_reproduces_the_published_refusal() -> None:
    """vllm-project/vllm#44376 (vLLM 0.22, DeepSeek-V4-Flash, 2 x GH200, TP 2, max_model_len 30,000,
    block_size 256, kv_cache_dtype fp8, the LLM class: 16,384 batched tokens on a >= 70 GiB GPU):
    "To serve at least one request with the model's max seq len (30000), (6.66 GiB KV cache is
    needed, which is larger than the available KV cache memory (5.44 GiB). Based on the available
    memory, the estimated maximum model length is 13528."."""
    wl = Workload(
        engine="vllm",
        tp=2,
        num_gpus=2,
        context=30_000,
        max_num_batched_tokens=16_384,
        kv_cache_memory=int(5.441 * GIB),
    )
    est = estimate(resolve(FLASH), wl)
    budget = engine_for(wl).budget(est, get_gpu("h100").visible_memory_bytes, wl)
    assert budget.reason is not None and "6.66 GiB of KV cache" in budget.reason
    assert budget.max_context == 13_528


def test_vllm_v4_cache_is_blocks_times_stride_per_request() -> None:
    wl = Workload(engine="vllm", context=30_000, batch=2, max_num_batched_tokens=16_384)
    est = estimate(resolve(FLASH), wl)
    assert est.kv_cache_bytes == 2 * 6_800 * 1_051_776
    f = est.engine_figures
    assert f is not None and f.kv_page_bytes == 1_051_776 and f.blocks_per_request == 6_800
    wl = wl.model_copy(update={"kv_cache_memory": 100 * GIB, "batch": 1})
    budget = engine_for(wl).budget(estimate(resolve(FLASH), wl), get_gpu("h200").visible_memory_bytes, wl)
    blocks = 100 * GIB // 1_051_776
    # the releases that run V4 print max concurrency x max_model_len (kv_cache_utils._report_kv_cache_config)
    assert f"GPU KV cache size: {int(blocks / 6_800 * 30_000):,} tokens" in budget.lines
    assert "Using DeepSeek's fp8_ds_mla KV cache format." in budget.lines


@given(batch=st.integers(1, 64), context=st.integers(1, 1 << 20))
def test_vllm_v4_cache_is_linear_in_the_batch(batch: int, context: int) -> None:
    spec = resolve(FLASH)
    one = estimate(spec, Workload(engine="vllm", context=context)).kv_cache_bytes
    assert estimate(spec, Workload(engine="vllm", context=context, batch=batch)).kv_cache_bytes == batch * one


def test_vllm_v4_defaults_to_fp8_and_refuses_other_cache_types() -> None:
    est = estimate(resolve(FLASH), Workload(engine="vllm", context=4096))
    assert any("KV cache in fp8" in a for a in est.assumptions)
    with pytest.raises(BadInputError, match="fp8 cache only"):
        estimate(resolve(FLASH), Workload(engine="vllm", kv_dtype="bf16"))
    with pytest.raises(BadInputError, match="block-size 128"):
        estimate(resolve(FLASH), Workload(engine="vllm", block_size=128))


def test_v4_on_vllm_is_estimated_from_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        llmsize.cli.main(["estimate", FLASH, "--engine", "vllm", "--context", "8192", "--format", "json"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert '"kv_cache": ' in out and "fp8_ds_mla" in out


# -------------------------------------------------------------------------------------- llama.cpp


def test_llama_cpp_reproduces_the_published_dsv4_cache_lines() -> None:
    """llama.cpp#27680 (DeepSeek-V4-Flash-0731, the Flash architecture: "model params = 284.33 B";
    n_ctx_seq 64,000, one sequence, bf16 cache; its 4,352 SWA cells = GGML_PAD(128 + 4,096, 256), an
    n_ubatch of 4,096): "llama_kv_cache: size = 182.75 MiB ( 4352 cells, 43 layers, 1/1 seqs)",
    "csa ratio = 4, state = 8 x 1024, streams = 1, rs_seq = 0, layers = 21, size = 1.31 MiB",
    "hca ratio = 128, state = 128 x 512, ... layers = 20, size = 10.00 MiB",
    "lid ratio = 4, state = 8 x 256, ... layers = 21, size = 0.33 MiB"."""
    wl = Workload(
        engine="llama.cpp", quant="Q4_K_M", context=64_000, kv_dtype="bf16", ubatch=4096, n_batch=4096
    )
    est = estimate(resolve(FLASH), wl)
    f = est.engine_figures
    assert f is not None
    text = "\n".join(f.lines)
    assert "size =   182.75 MiB (  4352 cells,  43 layers, 1/1 seqs)" in text
    assert "csa ratio = 4, state = 8 x 1024, streams = 1, rs_seq = 0, layers = 21, size =    1.31 MiB" in text
    assert (
        "hca ratio = 128, state = 128 x 512, streams = 1, rs_seq = 0, layers = 20, size =   10.00 MiB" in text
    )
    assert "lid ratio = 4, state = 8 x 256, streams = 1, rs_seq = 0, layers = 21, size =    0.33 MiB" in text
    # the compressed caches by hand: GGML_PAD(cdiv(64000, 4), 256) = 16,128 cells of 512 (CSA) and 128
    # (indexer) bf16 keys on 21 layers, GGML_PAD(cdiv(64000, 128), 256) = 512 cells on 20 layers
    raw, csa, hca, lid = 4352 * 43 * 1024, 16_128 * 21 * 1024, 512 * 20 * 1024, 16_128 * 21 * 256
    states = 21 * (2 * 8 * 1024 * 4 + 2 * 8 * 256 * 4) + 20 * 2 * 128 * 512 * 4
    assert est.kv_cache_bytes == raw + csa + hca + lid + states


def test_llama_cpp_dsv4_window_cells_follow_the_ubatch() -> None:
    """The raw cache is a llama_kv_cache_iswa, GGML_PAD(min(n_ctx_seq, n_swa + n_ubatch), 256) cells a
    stream (llama-kv-cache-iswa.cpp; n_swa 128), so -ub moves it, not the model alone. Published:
    llama.cpp#25468 (--ctx-size 131072 --ubatch-size 512) "SWA 32.25 MiB" = 768 cells x 43 layers x
    512 x 2 B; llama.cpp#27680 (b10615, n_ctx_seq 64,000) "SWA KV cache, size = 4352 cells", which only
    an n_ubatch of 3,969..4,224 gives."""
    spec = resolve(FLASH)

    def run(context: int, **kw: int) -> EngineFigures:
        f = estimate(spec, Workload(engine="llama.cpp", quant="Q4_K_M", context=context, **kw)).engine_figures
        assert f is not None
        return f

    default = run(131_072)
    assert default.swa_cells == 768
    assert "size =    32.25 MiB (   768 cells,  43 layers, 1/1 seqs)" in "\n".join(default.lines)
    assert run(64_000, ubatch=4096, n_batch=4096).swa_cells == 4352
    assert run(64_000, ubatch=4096).swa_cells == 2304  # n_ubatch clamped to n_batch 2048: pad(128 + 2048)
    assert run(512).swa_cells == 512  # the window cache never outgrows the context


def test_llama_cpp_keeps_one_dsv4_stream_per_sequence() -> None:
    # unified_raw / unified_compressed are false: two sequences get two streams of n_ctx_seq cells
    spec = resolve(FLASH)
    one = estimate(spec, Workload(engine="llama.cpp", quant="Q4_K_M", context=32_768)).kv_cache_bytes
    two = estimate(spec, Workload(engine="llama.cpp", quant="Q4_K_M", context=32_768, batch=2)).kv_cache_bytes
    assert two == 2 * one


def test_ollama_has_no_deepseek4_engine() -> None:
    with pytest.raises(BadInputError, match="no deepseek4 model"):
        estimate(resolve(FLASH), Workload(engine="ollama"))


# ----------------------------------------------------------------------------------------- SGLang


def test_sglang_dsv4_pool_plan_by_hand() -> None:
    """SGLang 0.5.23 DSV4PoolConfigurator for DeepSeek-V4-Flash (43 layers: 21 CSA, 20 HCA) with V4's
    defaults (page 256, 256 requests, radix cache, chunked prefill 8192): every figure written out."""
    from fractions import Fraction

    from llmsize.estimate.engines import sglang_dsv4

    spec = resolve(FLASH)
    # KVLayout.V4 pages: 256 x 584 -> 149,760 B (a multiple of 576), 64 x 584 -> 37,440, 2 x 584 -> 1,728
    assert sglang_dsv4.paged_token_bytes() == Fraction(149_760, 256) == 585
    assert sglang_dsv4.paged_token_bytes(4) == Fraction(37_440, 64) == 585
    assert sglang_dsv4.paged_token_bytes(128) == Fraction(1_728, 2) == 864
    p = sglang_dsv4.plan(spec, range(spec.num_layers), 8192, 256)
    # full token: CSA (585 + 132) / 4, HCA 864 / 128
    assert p.per_full_token == Fraction(585 + 132, 4) * 21 + Fraction(864, 128) * 20 == Fraction(389_925, 100)
    # SWA slot: 585 B on every layer + the CSA compressor states (fp32 kv + score, 2 x 512 and 2 x 128)
    # in a ring of 8 rows per 256-token page
    assert p.per_swa_token == 585 * 43 + Fraction(8, 256) * (2 * 2 * 512 * 4 + 2 * 2 * 128 * 4) * 21
    # cap mode: (128 + 128 + 256 + 256) x 256 requests + 2 x 8192 + 256, plus 1,024 tails x (128 + 256)
    assert p.swa_tokens == -(-(768 * 256 + 2 * 8192 + 256 + 1024 * 384) // 256) * 256 == 606_464
    # HCA state: (257 x 128 + 128 + 1) rows rounded to 128, 2 x 512 fp32 each, 20 layers
    assert p.c128_state_bytes == 33_152 * 2 * 512 * 4 * 20
    available = 80 * GIB
    assert p.full_tokens(available) == int((available - p.fixed_bytes) / p.per_full_token) // 256 * 256


def test_sglang_v4_budget_lines_and_cache() -> None:
    wl = Workload(engine="sglang", tp=4, num_gpus=4, context=65_536, max_num_batched_tokens=8192)
    est = estimate(resolve(FLASH), wl)
    f = est.engine_figures
    assert f is not None and f.kv_token_bytes == pytest.approx(3_899.25)
    budget = engine_for(wl).budget(est, get_gpu("h200").visible_memory_bytes, wl)
    assert budget.kv_tokens is not None and budget.kv_tokens % 256 == 0
    available = budget.kv_pool_bytes or 0
    assert budget.kv_tokens == int((available - f.kv_fixed_bytes) / f.kv_token_bytes) // 256 * 256
    assert any(line.startswith("DSV4 SWA sizing: mode=cap, swa_tokens=606464") for line in budget.lines)
    assert any("max_running_requests=256" in line for line in budget.lines)  # V4's default
    # the estimate's cache: every token of the request at bytes_per_full_token
    assert est.kv_cache_bytes == -(-65_536 * 389_925 // 100)
    with pytest.raises(BadInputError, match="fp8 rows"):
        estimate(resolve(FLASH), Workload(engine="sglang", kv_dtype="bf16"))


@pytest.mark.parametrize(
    ("engine", "extra", "needle"),
    [
        ("vllm", [], "one block id per 256 tokens"),
        ("llama.cpp", ["--quant", "Q4_K_M"], "one cell per 4 tokens, padded to 256"),
        ("sglang", [], "as SGLang allocates it"),
    ],
)
def test_v4_explain_names_each_engines_layout(
    engine: str, extra: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        llmsize.cli.main(["explain", FLASH, "--engine", engine, "--context", "65536", *extra])
    assert exc.value.code == 0
    assert needle in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("engine", ["vllm", "sglang", "llama.cpp"])
def test_v4_fit_sweeps_contexts_without_a_traceback(engine: str, capsys: pytest.CaptureFixture[str]) -> None:
    extra = ["--quant", "Q4_K_M"] if engine == "llama.cpp" else []
    with pytest.raises(SystemExit) as exc:
        llmsize.cli.main(["fit", FLASH, "--engine", engine, "--gpu", "H200", "--num-gpus", "4", *extra])
    assert exc.value.code in (0, 3)
    assert "Traceback" not in capsys.readouterr().err
