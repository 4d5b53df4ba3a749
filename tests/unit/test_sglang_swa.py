"""SGLang's hybrid sliding-window pools by release (estimate/engines/sglang_swa.py).

Expected values are SGLang's arithmetic written out by hand from the wheels the module cites:
0.5.1-0.5.10 `server_args.py` / `configs/model_config.py` (which models get the pool), 0.5.23
`model_executor/pool_configurator.py` compute_swa_request_cap and HybridSWAPoolConfigurator,
`managers/schedule_batch.py` maybe_evict_swa, `environ.py` SGLANG_SWA_EVICTION_INTERVAL = 128,
`arg_groups/overrides.py` (trtllm_mha page 1 -> 64). The published run comes with its URL.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import engine_for
from llmsize.estimate.engines import sglang_swa as swa
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.specs.resolve import resolve

GPT_OSS, LLAMA4 = "GptOssForCausalLM", "Llama4ForConditionalGeneration"


@pytest.mark.parametrize(
    ("arch", "release", "gpu", "spec", "pool"),
    [
        (GPT_OSS, (0, 5, 1), "hopper", False, False),  # server_args: disable_hybrid_swa_memory = True
        (LLAMA4, (0, 5, 7), "hopper", False, False),  # only with --hybrid-kvcache-ratio
        (GPT_OSS, (0, 5, 8), "hopper", False, True),  # fa3 on SM90
        (GPT_OSS, (0, 5, 8), "hopper", True, False),  # 0.5.8: off with speculative decoding
        (GPT_OSS, (0, 5, 9), "hopper", True, True),
        (GPT_OSS, (0, 5, 9), "blackwell", False, False),  # trtllm_mha on SM100: off until 0.5.10
        (GPT_OSS, (0, 5, 10), "blackwell", False, True),
        (GPT_OSS, None, "blackwell", False, True),  # 0.5.23, the release modelled
        (LLAMA4, (0, 5, 8), "blackwell", False, True),
        ("Gemma3ForCausalLM", None, "hopper", False, False),  # gemma2_gemma3.py turns it off
    ],
)
def test_which_releases_build_the_sliding_pool(
    arch: str, release: tuple[int, int, int] | None, gpu: str, spec: bool, pool: bool
) -> None:
    assert swa.pool_enabled(arch, release, gpu, spec) is pool


@pytest.mark.parametrize(
    ("gpu", "trtllm_mha"),
    [
        ("b200", True),  # compute capability 10.0: is_sm100_supported -> trtllm_mha
        ("gb300", True),  # 10.3, still major 10
        ("rtx-5090", False),  # 12.0: is_sm120_supported, not SM100 -> triton
        ("rtx-pro-6000-blackwell", False),  # 12.0 as well
    ],
)
def test_gpt_oss_attention_backend_follows_sglang_sm100_test(gpu: str, trtllm_mha: bool) -> None:
    # server_args.py _handle_model_specific_adjustments (GptOssForCausalLM) and
    # arg_groups/model_overrides/gpt_oss.py _gpt_oss_overrides: trtllm_mha only where is_sm100_supported
    # (capability major 10), else fa3 on SM90, else triton; trtllm_mha moves page 1 to 64 and, in 0.5.8-0.5.9,
    # keeps gpt-oss out of the SWA pool. An RTX 5090 / RTX PRO 6000 (SM120) gets triton: page 1, pool on.
    card = get_gpu(gpu)
    assert swa.sm100(card.architecture, card.segment) is trtllm_mha
    assert swa.page_tokens(GPT_OSS, card.architecture, card.segment) == (64 if trtllm_mha else 1)
    assert swa.pool_enabled(GPT_OSS, (0, 5, 9), card.architecture, False, card.segment) is not trtllm_mha


def test_rtx_pro_6000_and_b200_pools_differ_as_sglang_picks_backends() -> None:
    # The same gpt-oss-20b run end to end: B200 pages the sliding pool by 64 (trtllm_mha), the RTX PRO 6000
    # by 1 (triton); on 0.5.9 only the RTX PRO 6000 gets the sliding pool at all.
    def figs(segment: str, **extra: object) -> object:
        wl = Workload(engine="sglang", context=4096, gpu_architecture="blackwell", gpu_segment=segment,
                      **extra)  # type: ignore[arg-type]
        return estimate(resolve("gpt-oss-20b"), wl, explained=False).engine_figures  # type: ignore[attr-defined]

    assert figs("datacenter").block_tokens == 64  # type: ignore[attr-defined]
    assert figs("workstation").block_tokens == 1  # type: ignore[attr-defined]
    assert figs("consumer").block_tokens == 1  # type: ignore[attr-defined]
    assert figs("datacenter", engine_version="0.5.9").swa_token_bytes == 0  # type: ignore[attr-defined]
    assert figs("workstation", engine_version="0.5.9").swa_token_bytes > 0  # type: ignore[attr-defined]


def test_a_decoding_request_keeps_window_interval_and_two_pages() -> None:
    # compute_swa_request_cap per_request = window + 128 x 1 draft token + page + page (decode alloc).
    assert swa.request_tokens(128, 64, None) == 128 + 128 + 64 + 64  # gpt-oss on trtllm_mha
    assert swa.request_tokens(128, 1, None) == 128 + 128 + 2
    # Llama 4's 8,192-token chunk: 0.5.23 evicts every 128 steps, 0.5.10 every window of steps.
    assert swa.request_tokens(8192, 1, None) == 8192 + 128 + 2
    assert swa.request_tokens(8192, 1, (0, 5, 10)) == 8192 + 8192 + 2
    assert swa.prefill_tokens(4096, 64) == 2 * 4096 + 64


def test_cap_mode_needs_explicit_running_requests_no_radix_and_chunks() -> None:
    assert swa.cap_mode(None, 2560, radix_cache=False, chunk=4096)
    assert not swa.cap_mode(None, None, radix_cache=False, chunk=4096)
    assert not swa.cap_mode(None, 2560, radix_cache=True, chunk=4096)
    assert not swa.cap_mode((0, 5, 13), 2560, radix_cache=False, chunk=4096)  # before 0.5.14


def test_ratio_and_cap_pools_by_hand() -> None:
    # 1 GiB over 36,864-byte cells: full = 2**30 // (36,864 x 1.8) = 16,181, aligned to 64 -> 16,128;
    # sliding = int(16,128 x 0.8) = 12,902 -> 12,864.
    assert swa.ratio_pools(2**30, 36864, 36864, 64) == (16128, 12864)
    # cap 1,000 -> 1,024 sliding tokens; full = (2**30 - 1,024 x 36,864) // 36,864 = 28,103 -> 28,096.
    assert swa.cap_pools(2**30, 36864, 36864, 1000, 64) == (28096, 1024)


def _gpt_oss_b200(**extra: object) -> tuple[object, Workload, int]:
    wl = Workload(
        engine="sglang", num_gpus=4, tp=4, dp_attention=4, expert_parallel=True, context=3072,
        mem_fraction_static=0.9, max_num_batched_tokens=16384, gpu_architecture="blackwell", **extra,  # type: ignore[arg-type]
    )
    return estimate(resolve("gpt-oss-120b"), wl), wl, get_gpu("b200").visible_memory_bytes


def test_published_gpt_oss_dp4_run_fits_640_requests_a_rank() -> None:
    # InferenceX-style run in sgl-project/sglang PR #9359 (https://github.com/sgl-project/sglang/pull/9359,
    # 2025-08-19, 0.5.1-era main): 4x B200, --tp 4 --dp 4 --enable-dp-attention --max-running-requests
    # 2560 --disable-radix-cache --mem-fraction-static 0.9, 1,024 -> 2,048 tokens at --max-concurrency
    # 2560: 640 requests of 3,072 tokens a rank. Then gpt-oss had no sliding pool (server_args.py).
    est, wl, total = _gpt_oss_b200(max_num_seqs=2560, disable_radix_cache=True, engine_version="0.5.1")
    assert est.engine_figures.swa_token_bytes == 0  # type: ignore[attr-defined]
    assert est.engine_figures.kv_page_bytes == 36 * 2 * 8 * 64 * 2  # type: ignore[attr-defined]
    budget = engine_for(wl).budget(est, total, wl)  # type: ignore[arg-type]
    assert budget.max_concurrency is not None and budget.max_concurrency >= 640


def test_cap_mode_pools_for_the_published_flags_on_0_5_23() -> None:
    # Same flags on 0.5.23: SWARequestCapPoolConfigurator. chunked_prefill_size 16,384 / dp 4 = 4,096;
    # cap = (128 + 128 + 64 + 64) x 2560 // 4 + 2 x 4,096 + 64 = 254,016 (a multiple of 64); the full pool
    # takes the rest over 18 full layers of 2 x 8 KV heads x 64 x bf16 (attention TP 1 with DP 4).
    est, wl, total = _gpt_oss_b200(max_num_seqs=2560, disable_radix_cache=True)
    figs = est.engine_figures  # type: ignore[attr-defined]
    cell = 18 * 2 * 8 * 64 * 2
    assert (figs.kv_page_bytes, figs.swa_token_bytes, figs.block_tokens) == (cell, cell, 64)
    eng = engine_for(wl)
    rest = int(0.9 * (total - eng.pre_load_bytes())) - est.weights_bytes  # type: ignore[attr-defined]
    full = (rest - 254016 * cell) // cell // 64 * 64
    budget = eng.budget(est, total, wl)  # type: ignore[arg-type]
    line = f"Use sliding window memory pool. full_layer_tokens={full}, swa_layer_tokens=254016"
    assert line in budget.lines
    # requests the sliding pool holds: (254,016 - 2 x 3,072 - 64) / 384 = 645.33; the full pool more.
    assert budget.max_concurrency == pytest.approx(min(full / 3072, (254016 - 2 * 3072 - 64) / 384), abs=0.01)
    assert budget.max_concurrency >= 640


def test_ratio_mode_no_longer_charges_every_request_a_chunk() -> None:
    # Default flags on 0.5.23 (radix cache on): ratio pools; the sliding pool keeps 0.8 x full tokens and
    # a request 384 of them, so the full pool (3,072 tokens a request) is what bounds concurrency.
    est, wl, total = _gpt_oss_b200()
    budget = engine_for(wl).budget(est, total, wl)  # type: ignore[arg-type]
    full = budget.kv_tokens
    assert full % 64 == 0
    assert budget.max_concurrency == pytest.approx(full / 3072, abs=0.01)
    assert (0.8 * full - (2 * 3072 + 64)) / 384 > full / 3072


def test_published_mimo_v2_flash_sliding_pool_is_0_8_of_full_page_aligned() -> None:
    # sgl-project/sglang PR #18039 (https://github.com/sgl-project/sglang/pull/18039), MiMo-V2-Flash at
    # TP 4, --page-size 64: "Use sliding window memory pool. full_layer_tokens=375360,
    # swa_layer_tokens=300288" and "KV Cache is allocated. #tokens: 300288, K size: 8.38 GB". Per rank:
    # 9 full layers of 1 KV head x (192 + 128) x bf16, 39 sliding layers of 2 heads (config.json).
    full_cell, swa_cell = 9 * 1 * 320 * 2, 39 * 2 * 320 * 2
    rest = int(375360 * (full_cell + 0.8 * swa_cell))
    assert swa.ratio_pools(rest, full_cell, swa_cell, 64) == (375360, 300288)
    assert round(300288 * 39 * 2 * 192 * 2 / 2**30, 2) == 8.38  # the sliding pool's K bytes
