"""The vision encoder under tensor parallelism (estimate/encoder_tp.py).

vLLM and SGLang build the ViT blocks and patch mergers of Qwen2.5-VL, Qwen3-VL / Qwen3.5 and
SigLIP (Gemma 3) out of column / row-parallel layers, so each rank keeps 1/tp of them; the patch
convolution, norms and row-parallel biases stay whole. Expected shares below are worked out from the
published config.json shapes, not read back from the code under test.
"""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.errors import BadInputError
from llmsize.estimate.core import estimate
from llmsize.estimate.weights import stage_shards, stages
from llmsize.estimate.workload import Workload
from llmsize.specs.models import ModelSpec
from llmsize.specs.resolve import resolve

VLMS = ("Qwen2.5-VL-7B-Instruct", "Qwen3.5-27B", "gemma-3-27b-it")


@cache
def _spec(name: str) -> ModelSpec:
    return resolve(name)


def _extra_per_rank(name: str, engine: str, tp: int, mode: str | None = None) -> int:
    spec = _spec(name)
    wl = Workload.model_validate({"engine": engine, "tp": tp, "num_gpus": tp, "mm_encoder_tp_mode": mode})
    (shard,) = [s for s in stage_shards(spec, wl, stages(spec, wl)[0]) if s.group.name == "extra"]
    return shard.numel_each


# Qwen2.5-VL-7B (vision_config: depth 32, hidden 1280, intermediate 3420, out 3584, patch 14,
# temporal 2, merge 2): what stays whole on every rank is the Conv3d patch embed (3*2*14*14*1280),
# two RMSNorms per block, the merger's ln_q, and the row-parallel biases (proj and down_proj of each
# block, the merger's second linear).
QWEN25_WHOLE = 3 * 2 * 14 * 14 * 1280 + 32 * 2 * 1280 + 1280 + 32 * 2 * 1280 + 3584


@pytest.mark.parametrize("engine", ["vllm", "sglang"])
@pytest.mark.parametrize("tp", [1, 2, 4])
def test_qwen2_5_vl_tower_splits_all_but_the_patch_embed_and_norms(engine: str, tp: int) -> None:
    total = _spec("Qwen2.5-VL-7B-Instruct").extra_params
    assert (
        _extra_per_rank("Qwen2.5-VL-7B-Instruct", engine, tp) == QWEN25_WHOLE + (total - QWEN25_WHOLE) // tp
    )


@pytest.mark.parametrize("name", VLMS)
@pytest.mark.parametrize("engine", ["vllm", "sglang"])
def test_serving_engines_split_the_tower_close_to_one_over_tp(name: str, engine: str) -> None:
    whole = _extra_per_rank(name, engine, 1)
    for tp in (2, 4):
        share = _extra_per_rank(name, engine, tp)
        # The replicated remainder (patch conv, position table, norms, projector) is 1-3% of the tower.
        assert whole / tp < share < whole / tp + 0.03 * whole


@pytest.mark.parametrize("name", VLMS)
def test_transformers_and_data_mode_keep_the_tower_whole(name: str) -> None:
    whole = _extra_per_rank(name, "vllm", 1)
    assert _extra_per_rank(name, "transformers", 2) == whole
    if name != "gemma-3-27b-it":  # Gemma 3 does not declare supports_encoder_tp_data: weights mode stays
        assert _extra_per_rank(name, "vllm", 2, "data") == whole
    else:
        assert _extra_per_rank(name, "vllm", 2, "data") == _extra_per_rank(name, "vllm", 2)


@given(
    name=st.sampled_from(VLMS),
    engine=st.sampled_from(["vllm", "sglang", "transformers"]),
    tps=st.lists(st.sampled_from([1, 2, 4]), min_size=2, max_size=2, unique=True).map(sorted),
    mode=st.sampled_from([None, "weights", "data"]),
)
def test_more_tensor_parallelism_never_adds_weight_bytes_per_gpu(
    name: str, engine: str, tps: list[int], mode: str | None
) -> None:
    spec = _spec(name)
    mode = mode if engine == "vllm" else None  # a vLLM option: the other engines refuse it
    low, high = (
        estimate(
            spec,
            Workload.model_validate(
                {"engine": engine, "tp": tp, "num_gpus": tp, "context": 2048, "mm_encoder_tp_mode": mode}
            ),
            explained=False,
        ).weights_bytes
        for tp in tps
    )
    assert high <= low


@pytest.mark.parametrize("engine", ["sglang", "transformers", "llama.cpp"])
def test_the_mode_is_a_vllm_option(engine: str) -> None:
    wl = Workload.model_validate({"engine": engine, "tp": 2, "num_gpus": 2, "mm_encoder_tp_mode": "data"})
    with pytest.raises(BadInputError, match="--mm-encoder-tp-mode applies to vLLM"):
        estimate(_spec("Qwen2.5-VL-7B-Instruct"), wl)


def test_bad_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="mm_encoder_tp_mode"):
        Workload.model_validate({"engine": "vllm", "tp": 2, "num_gpus": 2, "mm_encoder_tp_mode": "both"})


def test_moonvit_blocks_split_under_tp() -> None:
    # vLLM moonvit.py / kimi_k25_vit.py MoonVitEncoderLayer: wqkv QKVParallelLinear and wo RowParallelLinear
    # (attn_bias True), MLP2 fc0 column / fc1 row (biased). Kimi-K2.5's tower (config.json vision_config:
    # 27 blocks, hidden 1152, MLP 4304): per block 1152 x 3456 + 3456 (qkv), 1152 x 1152 + 1152 (wo),
    # 1152 x 4304 + 4304 (fc0), 4304 x 1152 + 1152 (fc1).
    from llmsize.estimate.encoder_tp import data_parallel, split_params, splits

    spec = _spec("Kimi-K2.5")
    assert spec.vision is not None and splits(spec) and data_parallel(spec)
    block = 1152 * 3456 + 3456 + 1152 * 1152 + 1152 + 1152 * 4304 + 4304 + 4304 * 1152 + 1152
    assert split_params(spec.vision, 1) == 27 * block
    # at TP 2 the column outputs and row inputs halve; row-parallel biases (wo, fc1) stay whole
    half = 1152 * 1728 + 1728 + 576 * 1152 + 1152 + 1152 * 2152 + 2152 + 2152 * 1152 + 1152
    assert split_params(spec.vision, 2) == 27 * half


def test_kimi_vl_tower_is_read_and_split_under_tp() -> None:
    # Kimi-VL-A3B's vision_config (model_type moonvit, MoonViT-SO-400M: 27 blocks, hidden 1152, 16 heads,
    # MLP 4304, patch 14, merge [2, 2]) is the same MoonViT as Kimi-K2.5's, built by vLLM moonvit.py.
    from llmsize.estimate.encoder_tp import split_params, splits

    spec = _spec("Kimi-VL-A3B-Instruct")
    assert spec.vision is not None and splits(spec)
    assert (spec.vision.depth, spec.vision.hidden_size, spec.vision.intermediate_size) == (27, 1152, 4304)
    block = 1152 * 3456 + 3456 + 1152 * 1152 + 1152 + 1152 * 4304 + 4304 + 4304 * 1152 + 1152
    assert split_params(spec.vision, 1) == 27 * block
