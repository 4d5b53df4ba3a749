"""SGLang 0.5.23: the hybrid MambaPool beside the KV pool, and the defaults it picks by GPU memory.

Expected values are SGLang's arithmetic written out by hand from the files the engine module cites
(srt/configs/mamba_utils.py, srt/mem_cache/kv_cache_configurator.py, srt/mem_cache/memory_pool.py,
srt/arg_groups/memory_hook.py in the 0.5.23 wheel); the published figures come with their URL.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import engine_for
from llmsize.estimate.engines import sglang_rules as rules
from llmsize.estimate.engines.sglang import CUDA_CONTEXT_BYTES
from llmsize.estimate.engines.sglang_startup import NCCL_INIT_BYTES_V05
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.specs.models import RecurrentSpec
from llmsize.specs.resolve import resolve
from llmsize.units import GIB, MIB


def _figures(model: str, **wl: object) -> tuple[object, Workload]:
    workload = Workload(engine="sglang", **wl)  # type: ignore[arg-type]
    est = estimate(resolve(model), workload)
    return est, workload


def _slot(model: str, **wl: object) -> int:
    est, _ = _figures(model, **wl)
    figs = est.engine_figures  # type: ignore[attr-defined]
    assert figs is not None
    return int(figs.state_slot_bytes)


def _cache_size(lines: tuple[str, ...]) -> int:
    found = [re.search(r"max_mamba_cache_size: (\d+)", line) for line in lines]
    return next(int(m.group(1)) for m in found if m)


# --------------------------------------------------------------------------- state slot per request


def test_qwen35_27b_slot_is_48_delta_net_layers_of_conv_window_and_fp32_state() -> None:
    # Mamba2StateShape.create(intermediate = 48 x 128, n_groups = 16 key heads, state = 128):
    # conv (48*128 + 2*16*128, kernel 4 - 1) in bf16; temporal (48 heads, 128, 128) in float32.
    conv = (48 * 128 + 2 * 16 * 128) * 3 * 2
    ssm = 48 * 128 * 128 * 4
    assert _slot("Qwen3.5-27B") == 48 * (conv + ssm)


def test_mamba_ssm_dtype_bfloat16_halves_only_the_state() -> None:
    conv = (48 * 128 + 2 * 16 * 128) * 3 * 2
    assert _slot("Qwen3.5-27B", mamba_ssm_dtype="bfloat16") == 48 * (conv + 48 * 128 * 128 * 2)


def test_published_exchange_rate_of_one_state_slot_in_kv_tokens() -> None:
    # noonghunna/club-3090 PR #1331 (SGLang, 2x RTX 3090, TP 2, --mamba-ssm-dtype bfloat16, fp8 KV
    # over 16 attention layers + the MTP layer): --max-mamba-cache-size 21 -> 10 raised
    # max_total_num_tokens from 158,116 to 182,901, "+24,785 = 11 x 2,253.2" tokens per slot
    # (https://github.com/noonghunna/club-3090/pull/1331). Qwen3.8-27B has Qwen3.5-27B's shapes.
    slot = _slot("Qwen3.5-27B", tp=2, num_gpus=2, mamba_ssm_dtype="bfloat16")
    fp8_token = 17 * 2 * (4 // 2) * 256 * 1  # 17 layers x K and V x 2 KV heads per rank x 256
    assert round(11 * slot / fp8_token) == 24_785


def test_published_state_pool_of_60_slots() -> None:
    # Tanguille/cluster PR #4264 (SGLang, Qwen3.6-27B on one GPU, --max-mamba-cache-size 60,
    # --mamba-ssm-dtype bfloat16): "mamba cache | 4.46G / 60 slots"
    # (https://github.com/Tanguille/cluster/pull/4264). MambaPool allocates 60 + 1 slots.
    est, wl = _figures("Qwen3.6-27B", max_mamba_cache_size=60, mamba_ssm_dtype="bfloat16", kv_dtype="fp8")
    budget = engine_for(wl).budget(est, get_gpu("h100").visible_memory_bytes, wl)  # type: ignore[arg-type]
    line = next(x for x in budget.lines if x.startswith("Mamba Cache is allocated"))
    conv, ssm = (float(v) for v in re.findall(r"(\d+\.\d\d)GB", line))
    assert _cache_size(budget.lines) == 60
    assert conv + ssm == pytest.approx(4.46, abs=0.011)
    assert 61 * _slot("Qwen3.6-27B", mamba_ssm_dtype="bfloat16") / GIB == pytest.approx(4.46, abs=0.005)


def test_nemotron_nano_without_radix_cache_sizes_the_pool_by_running_requests() -> None:
    # _handle_max_mamba_cache: --disable-radix-cache with --max-running-requests 8 gives 8 slots,
    # each request one slot. At TP 4 one layer keeps conv (4096 + 2*8*128) / 4 x 3 bf16 and
    # (64 / 4) x 64 x 128 fp32; 23 Mamba layers; 9 slots allocated.
    est, wl = _figures(
        "NVIDIA-Nemotron-3-Nano-30B-A3B",
        tp=4,
        num_gpus=4,
        context=8192,
        disable_radix_cache=True,
        max_num_seqs=8,
        mem_fraction_static=0.85,
    )
    figs = est.engine_figures  # type: ignore[attr-defined]
    assert figs.state_conv_bytes == 23 * (6144 // 4) * 3 * 2
    assert figs.state_slot_bytes - figs.state_conv_bytes == 23 * 16 * 64 * 128 * 4
    assert figs.state_slots_per_request == 1
    budget = engine_for(wl).budget(est, get_gpu("rtx-3090").visible_memory_bytes, wl)  # type: ignore[arg-type]
    assert "max_mamba_cache_size: 8, conv_state size: 0.00GB, ssm_state size: 0.10GB" in budget.lines[1]
    assert "max_running_requests=8," in budget.lines[2]


def test_groups_that_do_not_divide_tp_are_replicated() -> None:
    # extra_groups_for_head_shards: Granite 4.0-H has one group; at TP 2 each rank convolves two.
    rec = RecurrentSpec(
        kind="mamba2",
        num_heads=128,
        value_head_dim=64,
        inner_size=8192,
        state_size=128,
        n_groups=1,
        conv_kernel=4,
    )
    conv, ssm = rules.layer_state_bytes(rec, 2, 4)
    assert conv == (8192 + 2 * 2 * 128) // 2 * 3 * 2
    assert ssm == 64 * 64 * 128 * 4


def test_short_conv_keeps_kernel_minus_one_columns_and_no_ssm_state() -> None:
    rec = RecurrentSpec(kind="short_conv", inner_size=2048, conv_kernel=3)
    assert rules.layer_state_bytes(rec, 1, 4) == (2048 * 2 * 2, 0)


# --------------------------------------------------------------------------- split with the KV pool


def test_auto_split_gives_the_state_pool_ratio_over_one_plus_ratio() -> None:
    # Qwen3-Next at TP 4 on H100s with --mem-fraction-static 0.85: rest = 0.85 x free - weights;
    # the MambaPool takes int((rest x 0.9 / 1.9 - slot) // slot) slots (+1 padding), the KV pool the
    # remainder in cells of 12 attention layers x 2 KV heads... shared by 4 ranks (1 head each).
    est, wl = _figures(
        "Qwen3-Next-80B-A3B-Instruct", tp=4, num_gpus=4, context=32768, mem_fraction_static=0.85
    )
    figs = est.engine_figures  # type: ignore[attr-defined]
    total = get_gpu("h100").visible_memory_bytes
    # the free memory SGLang reads after its CUDA context and the TP group's NCCL communicator
    rest = int(0.85 * (total - CUDA_CONTEXT_BYTES - NCCL_INIT_BYTES_V05)) - est.weights_bytes  # type: ignore[attr-defined]
    slot = figs.state_slot_bytes
    slots = int((rest / GIB * 0.9 / 1.9 * GIB - slot) // slot)
    cell = 12 * 2 * 1 * 256 * 2
    assert figs.kv_page_bytes == cell
    budget = engine_for(wl).budget(est, total, wl)  # type: ignore[arg-type]
    assert _cache_size(budget.lines) == slots
    assert budget.kv_tokens == (rest - (slots + 1) * slot) // cell
    # extra_buffer with the overlap scheduler: 3 + 2 slots per running request
    assert f"max_running_requests={min(4096, (budget.kv_tokens or 0) // 2, slots // 5)}," in budget.lines[2]


def test_too_little_memory_for_the_state_pool_is_sglangs_refusal() -> None:
    total = get_gpu("h100").visible_memory_bytes
    start = total - CUDA_CONTEXT_BYTES - NCCL_INIT_BYTES_V05
    est, wl = _figures("Qwen3-Next-80B-A3B-Instruct", tp=4, num_gpus=4, mem_fraction_static=0.45)
    budget = engine_for(wl).budget(est, total, wl)  # type: ignore[arg-type]
    assert not budget.fits and "the weights" in (budget.reason or "")
    # 50 MB left after the weights: 0.9/1.9 of it is under two 19 MB slots, so no slot but the padding
    frac = (est.weights_bytes + 50_000_000) / start  # type: ignore[attr-defined]
    est, wl = _figures("Qwen3-Next-80B-A3B-Instruct", tp=4, num_gpus=4, mem_fraction_static=frac)
    budget = engine_for(wl).budget(est, total, wl)  # type: ignore[arg-type]
    assert budget.state_slots is not None and budget.state_slots <= 0
    assert not budget.fits and "hybrid (mamba/linear-attention) state cache" in (budget.reason or "")
    # SGLang raises before it allocates the MambaPool: its log ends at the error, with no pool line
    # (kv_cache_configurator.py resolve_max_num_reqs; sglang_refused_log.py)
    assert budget.lines[-1].startswith("RuntimeError: Hybrid (mamba/linear-attention) state cache is too")
    assert not any("Mamba Cache is allocated" in line for line in budget.lines)


@settings(max_examples=25, deadline=None)
@given(ratio=st.floats(min_value=0.05, max_value=5.0))
def test_state_and_kv_pools_stay_inside_the_static_share(ratio: float) -> None:
    est, wl = _figures("Qwen3.5-27B", mem_fraction_static=0.9, mamba_full_memory_ratio=ratio)
    figs = est.engine_figures  # type: ignore[attr-defined]
    total = get_gpu("h200").visible_memory_bytes
    budget = engine_for(wl).budget(est, total, wl)  # type: ignore[arg-type]
    rest = int(0.9 * (total - CUDA_CONTEXT_BYTES)) - est.weights_bytes  # type: ignore[attr-defined]
    slots = _cache_size(budget.lines)
    assert (slots + 1) * figs.state_slot_bytes + (budget.kv_tokens or 0) * figs.kv_page_bytes <= rest
    more, wl2 = _figures("Qwen3.5-27B", mem_fraction_static=0.9, mamba_full_memory_ratio=ratio * 1.5)
    budget2 = engine_for(wl2).budget(more, total, wl2)  # type: ignore[arg-type]
    assert _cache_size(budget2.lines) >= slots and (budget2.kv_tokens or 0) <= (budget.kv_tokens or 0)


# --------------------------------------------------------------------------- defaults by GPU memory


@pytest.mark.parametrize(
    ("gpu", "tp", "chunk", "max_bs"),
    [
        ("t4", 1, 2048, 8),
        ("l4", 1, 4096, 48),
        ("l4", 4, 4096, 160),
        ("h100", 1, 8192, 256),
        ("h100", 4, 8192, 512),
        ("h200", 2, 8192, 256),
        ("b200", 1, 16384, 512),
    ],
)
def test_chunked_prefill_and_graph_batch_follow_the_card(gpu: str, tp: int, chunk: int, max_bs: int) -> None:
    wl = Workload(engine="sglang", tp=tp, num_gpus=tp)
    got = engine_for(wl).gpu_defaults(wl, get_gpu(gpu).visible_memory_bytes, gpu)
    assert (got.max_num_batched_tokens, got.cuda_graph_max_bs) == (chunk, max_bs)


def test_prefill_graph_buckets() -> None:
    # 4..32 by 4 (8), 48..256 by 16 (14), 288..512 by 32 (8), 576..1024 by 64 (8), 1280..4096 by
    # 256 (12), 4608..8192 by 512 (8)
    assert rules.prefill_graph_buckets(4096) == 50
    assert rules.prefill_graph_buckets(8192) == 58


def test_default_mem_fraction_on_an_h100_is_the_card_less_sglangs_reserve() -> None:
    # 512 + 1.5 x 8192 + 1 x 1 / 8 x 1024 + 2 x 256 decode graphs + 8 x 58 prefill buckets MiB
    reserved = 512 + 12288 + 128 + 512 + 464
    gpu = get_gpu("h100").visible_memory_bytes
    wl = engine_for(Workload(engine="sglang")).gpu_defaults(Workload(engine="sglang"), gpu, "h100")
    est = estimate(resolve("Qwen2.5-7B"), wl)
    budget = engine_for(wl).budget(est, gpu, wl)
    assert f"mem_fraction_static={round((gpu / MIB - reserved) / (gpu / MIB), 3)}" in budget.lines


def test_large_cards_keep_at_least_ten_gib_out() -> None:
    # chunk 2048, TP 1, 8 decode graphs: 512 + 3072 + 128 + 16 + 8 x 42 MiB < 10,240 MiB
    reserved = rules.reserved_mib(2048, 1, 1, 8, mla=False)
    assert reserved < 10 * 1024
    assert rules.mem_fraction_default(81_000, reserved) == round((81_000 - 10 * 1024) / 81_000, 3)
    assert rules.mem_fraction_default(40_000, reserved) == round((40_000 - reserved) / 40_000, 3)


# --------------------------------------------------------------------------- sliding-window pool


def test_gpt_oss_sliding_layers_get_their_own_pool() -> None:
    # is_hybrid_swa_model lists GptOssForCausalLM; HybridSWAPoolConfigurator: full tokens =
    # rest // (12 full layers + 0.8 x 12 sliding layers of 2 x 8 KV heads x 64 x bf16), sliding 0.8x.
    est, wl = _figures("gpt-oss-20b", context=32768, mem_fraction_static=0.85)
    figs = est.engine_figures  # type: ignore[attr-defined]
    per_layer = 2 * 8 * 64 * 2
    assert (figs.kv_page_bytes, figs.swa_token_bytes, figs.swa_window) == (
        12 * per_layer,
        12 * per_layer,
        128,
    )
    total = get_gpu("h100").visible_memory_bytes
    rest = int(0.85 * (total - CUDA_CONTEXT_BYTES)) - est.weights_bytes  # type: ignore[attr-defined]
    full = int(rest // (12 * per_layer + 0.8 * 12 * per_layer))
    budget = engine_for(wl).budget(est, total, wl)  # type: ignore[arg-type]
    assert budget.kv_tokens == full
    assert (
        f"Use sliding window memory pool. full_layer_tokens={full}, swa_layer_tokens={int(full * 0.8)}"
        in (budget.lines)
    )


def test_gemma3_keeps_one_pool_for_every_layer() -> None:
    # arg_groups/model_overrides/gemma2_gemma3.py turns the hybrid SWA pool off for Gemma 2/3/3n.
    est, wl = _figures("gemma-3-27b-it", context=8192, mem_fraction_static=0.85)
    figs = est.engine_figures  # type: ignore[attr-defined]
    assert figs.swa_token_bytes == 0 and figs.kv_page_bytes == 62 * 2 * 16 * 128 * 2
    budget = engine_for(wl).budget(est, get_gpu("h100").visible_memory_bytes, wl)  # type: ignore[arg-type]
    assert not any(line.startswith("Use sliding window") for line in budget.lines)


def test_the_kv_component_holds_windows_and_two_chunks_in_flight_in_sliding_layers() -> None:
    # 12 full layers keep every token; in 12 sliding layers each decoding request keeps 128 + the
    # 128-step eviction interval + 2 pages of 1 (schedule_batch.py maybe_evict_swa), the batch up to 2
    # prefill chunks of 4096 (no GPU: SGLang's fallback chunk); 2 x 8 KV heads x 64 x bf16 a token.
    per_layer = 2 * 8 * 64 * 2
    est, _ = _figures("gpt-oss-20b", context=32768, batch=2)
    assert est.kv_cache_bytes == (2 * 12 * 32768 + 12 * (2 * 258 + 2 * 4096)) * per_layer  # type: ignore[attr-defined]
    est, _ = _figures("gpt-oss-20b", context=32768, batch=64)
    assert est.kv_cache_bytes == (64 * 12 * 32768 + 12 * (64 * 258 + 2 * 4096)) * per_layer  # type: ignore[attr-defined]
    gemma, _ = _figures("gemma-3-27b-it", context=32768)
    assert gemma.kv_cache_bytes == 62 * 32768 * 2 * 16 * 128 * 2  # type: ignore[attr-defined]


def test_published_running_cap_of_five_slots_per_request() -> None:
    # jpezzulli/sglang-rtxpro6000 issue #5 (SGLang on an RTX PRO 6000, extra_buffer with the overlap
    # scheduler): "--max-mamba-cache-size 40 ... SGLang reports max_running_requests=8 (40 / 5)"
    # (https://github.com/jpezzulli/sglang-rtxpro6000/issues/5).
    est, wl = _figures("Qwen3.6-27B", quant="awq", max_mamba_cache_size=40, context=32768)
    budget = engine_for(wl).budget(est, get_gpu("rtx-pro-6000").visible_memory_bytes, wl)  # type: ignore[arg-type]
    assert "max_running_requests=8," in budget.lines[2]


# --------------------------------------------------------------------------- vision-language models


def test_vlm_default_share_is_scaled_by_the_vit_size() -> None:
    # arg_groups/memory_hook.py adjust_mem_fraction_for_vlm (0.5.23; sgl-project/sglang PR #6881): 0.95 x
    # (1 - 0.1 x (layers x hidden^2 / (24 x 1024^2) - 1)), clamped to [0.8, 1.05]. Qwen2.5-VL's ViT:
    # 32 blocks of 1280 (vision_config depth, read through transformers' attribute_map).
    ratio = 32 * 1280**2 / (24 * 1024**2)
    assert rules.vlm_fraction_factor(32, 1280) == pytest.approx(0.95 * (1 - 0.1 * (ratio - 1)))
    assert rules.vlm_fraction_factor(24, 1024) == pytest.approx(0.95)  # the ViT-L/14 baseline
    assert rules.vlm_fraction_factor(64, 4096) == pytest.approx(0.95 * 0.8)  # clamped
    gpu = get_gpu("h100").visible_memory_bytes
    wl = Workload(engine="sglang", context=8192)
    vlm = estimate(resolve("Qwen2.5-VL-7B-Instruct"), wl)
    text = estimate(resolve("Qwen2.5-7B-Instruct"), wl)

    def fraction(est: object) -> float:
        budget = engine_for(wl).budget(est, gpu, wl)  # type: ignore[arg-type]
        return float(next(x for x in budget.lines if x.startswith("mem_fraction_static=")).split("=")[1])

    assert fraction(vlm) == pytest.approx(fraction(text) * rules.vlm_fraction_factor(32, 1280))
    assert vlm.engine_figures.mm_reserve_bytes == 100 * MIB  # type: ignore[attr-defined]


def test_a_given_mem_fraction_static_is_not_adjusted_for_a_vlm() -> None:
    gpu = get_gpu("h100").visible_memory_bytes
    wl = Workload(engine="sglang", context=8192, mem_fraction_static=0.8)
    est = estimate(resolve("Qwen2.5-VL-7B-Instruct"), wl)
    budget = engine_for(wl).budget(est, gpu, wl)  # type: ignore[arg-type]
    assert "mem_fraction_static=0.8" in budget.lines
