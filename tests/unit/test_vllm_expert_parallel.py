"""vLLM's --data-parallel-size / --enable-expert-parallel (estimate/engines/vllm_expert_parallel.py).

Expected bytes are worked by hand from the models' config.json files:
- Qwen3-30B-A3B (https://huggingface.co/Qwen/Qwen3-30B-A3B/blob/main/config.json): 48 layers, all MoE,
  "num_experts": 128, "moe_intermediate_size": 768, "hidden_size": 2048, bf16. One expert is
  gate + up + down = 3 x 2048 x 768 parameters.
- DeepSeek-V3 (https://huggingface.co/deepseek-ai/DeepSeek-V3/blob/main/config.json): 61 layers,
  "first_k_dense_replace": 3 (58 MoE layers), "n_routed_experts": 256, "moe_intermediate_size": 2048,
  "hidden_size": 7168, fp8 with "weight_block_size": [128, 128] (one fp32 scale per 128 x 128 block).
Rules (vllm-project/vllm): FusedMoEParallelConfig.make flattens TP across DP (experts over tp x dp ranks,
whole under EP); determine_expert_map gives the first E % ep_size ranks one extra expert.
"""

from __future__ import annotations

import pytest

from llmsize.errors import BadInputError
from llmsize.estimate.core import estimate
from llmsize.estimate.engines import vllm_expert_parallel as ep
from llmsize.estimate.placement import Stage
from llmsize.estimate.workload import Workload
from llmsize.specs.resolve import resolve

QWEN_LAYERS, QWEN_EXPERTS = 48, 128
QWEN_EXPERT_BYTES = 3 * 2048 * 768 * 2  # bf16
DSV3_MOE_LAYERS, DSV3_EXPERTS = 58, 256
DSV3_EXPERT_BYTES = 3 * (7168 * 2048 + (7168 // 128) * (2048 // 128) * 4)  # fp8 + fp32 block scales


def _vllm(**fields: object) -> Workload:
    tp, dp = int(fields.get("tp", 1)), int(fields.get("data_parallel", 1))  # type: ignore[call-overload]
    return Workload(engine="vllm", context=4096, num_gpus=tp * dp, **fields)  # type: ignore[arg-type]


def _extra(model: str, **fields: object) -> int:
    spec = resolve(model)
    wl = _vllm(**fields)
    stage = Stage(0, tuple(range(spec.num_layers)), True, True)
    return ep.extra_weight_bytes(spec, wl, spec.weight_format, stage)


def test_the_busiest_rank_holds_the_ceiling_share_of_experts() -> None:
    assert ep.local_experts(128, 3) == 43  # ranks 0 and 1 hold 43, rank 2 holds 42


@pytest.mark.parametrize(
    ("experts", "ep_size", "printed"),
    [
        # vLLM's "[EP Rank r/N] Expert parallelism is enabled. ... Local/global number of experts: L/E"
        (160, 8, 20),  # Qwen3-Coder-480B-FP8, TP 8 + EP: "20/160" (vllm-project/vllm#29360)
        (128, 4, 32),  # a 128-expert Qwen3-VL MoE, TP 4 + EP: "32/128" (QwenLM/Qwen3-VL#1520)
        (256, 16, 16),  # DeepSeek-V3.2, DP x TP over 16 ranks: "[EP Rank 0/16] ... 16/256" (vllm-ascend#5461)
        (256, 2, 128),  # a 256-expert model, TP 2 + EP: "128/256" (vllm-project/vllm#37505)
    ],
)
def test_local_expert_counts_match_published_logs(experts: int, ep_size: int, printed: int) -> None:
    assert ep.local_experts(experts, ep_size) == printed


def test_qwen3_30b_ep_over_three_ranks_keeps_43_whole_experts() -> None:
    # TP 1 holds all 128 experts; EP over 1 x 3 ranks leaves ceil(128 / 3) = 43 on the busiest GPU
    assert _extra("Qwen3-30B-A3B", data_parallel=3, expert_parallel=True) == (
        (43 - 128) * QWEN_LAYERS * QWEN_EXPERT_BYTES
    )


def test_qwen3_30b_dp_without_ep_splits_every_expert_over_tp_x_dp() -> None:
    # 768 / 3 = 256 columns of every expert on each of the 3 ranks: two thirds of the experts leave
    left = -2 * QWEN_LAYERS * QWEN_EXPERTS * QWEN_EXPERT_BYTES // 3
    assert _extra("Qwen3-30B-A3B", data_parallel=3) == left


def test_qwen3_30b_ep8_matches_the_tp8_split_byte_for_byte() -> None:
    # 128 % 8 == 0: 16 whole experts hold as many bytes as 1/8 of every expert
    assert _extra("Qwen3-30B-A3B", tp=4, data_parallel=2, expert_parallel=True) == (
        _extra("Qwen3-30B-A3B", tp=4, data_parallel=2)
    )
    assert _extra("Qwen3-30B-A3B", tp=4, data_parallel=2, expert_parallel=True) == (
        (16 - 32) * QWEN_LAYERS * QWEN_EXPERT_BYTES  # 32 = the experts' share at TP 4 alone
    )


def test_deepseek_v3_tp8_dp2_ep_halves_the_experts_of_tp8() -> None:
    # EP over 8 x 2 = 16 ranks: 16 whole experts (fp8 weights and fp32 block scales) instead of 256 / 8 = 32
    assert _extra("DeepSeek-V3", tp=8, data_parallel=2, expert_parallel=True) == (
        (16 - 32) * DSV3_MOE_LAYERS * DSV3_EXPERT_BYTES
    )
    # and EP 8 alone (DP 1) holds the same bytes as TP 8: 256 / 8 = 32 whole experts
    assert _extra("DeepSeek-V3", tp=8, expert_parallel=True) == 0


def test_the_estimate_carries_the_per_gpu_weights_and_each_rank_its_own_kv_pool() -> None:
    spec = resolve("Qwen3-30B-A3B")
    tp4 = estimate(spec, _vllm(tp=4))
    dp2 = estimate(spec, _vllm(tp=4, data_parallel=2, expert_parallel=True))
    moved = QWEN_LAYERS * QWEN_EXPERTS * QWEN_EXPERT_BYTES // 8  # 32 -> 16 experts a GPU
    assert tp4.weights_bytes - dp2.weights_bytes == pytest.approx(moved, rel=0.002)  # + segment rounding
    assert dp2.kv_cache_bytes == tp4.kv_cache_bytes  # the attention and its KV keep the TP 4 split


def test_dense_models_are_replicated_whole() -> None:
    assert _extra("Qwen3-8B", tp=2, data_parallel=2, expert_parallel=True) == 0


def test_an_uneven_intermediate_split_without_ep_is_refused() -> None:
    with pytest.raises(BadInputError, match="do not divide moe_intermediate_size"):
        estimate(resolve("Qwen3-30B-A3B"), _vllm(tp=1, data_parallel=5))


@pytest.mark.parametrize(("engine", "field"), [("sglang", "data_parallel"), ("llama.cpp", "expert_parallel")])
def test_other_engines_refuse_the_options(engine: str, field: str) -> None:
    value: object = 2 if field == "data_parallel" else True
    wl = Workload(engine=engine, context=4096, num_gpus=2, **{field: value})  # type: ignore[arg-type]
    with pytest.raises(BadInputError, match="applies to vLLM"):
        estimate(resolve("Qwen3-30B-A3B"), wl)


def test_the_gpu_count_is_a_multiple_of_tp_x_dp() -> None:
    with pytest.raises(ValueError, match="tp x pp x dp"):
        Workload(engine="vllm", tp=4, num_gpus=4, data_parallel=2)  # type: ignore[arg-type]
