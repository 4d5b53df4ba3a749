"""Gemma 3n and Gemma 4 E2B/E4B (transformers 5.23 models/gemma3n, models/gemma4): per-layer input
embeddings, AltUp, LAuReL, KV-shared layers and the audio towers, each checked by hand from the
modeling code. Full-size totals: tests/golden/test_param_counts.py (catalog entries against the
published safetensors totals); the traced models: tests/trace/test_gemma3n_trace.py."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize.cli import main
from llmsize.errors import ConfigError
from llmsize.estimate import kv_cache
from llmsize.estimate.workload import Workload
from llmsize.specs.hf_config import spec_from_hf_config
from llmsize.specs.models import ModelSpec, Provenance, ProvenanceKind
from llmsize.specs.params import shared_kv_checkpoint_params, total_params

PROV = Provenance(kind=ProvenanceKind.LOCAL, source="test")


def g3n(**over: Any) -> dict[str, Any]:
    """A small gemma3n_text config: 10 layers of 4 sliding : 1 full, the last 5 KV-shared."""
    cfg: dict[str, Any] = {
        "model_type": "gemma3n_text",
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": 10,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 16,
        "vocab_size": 1000,
        "vocab_size_per_layer_input": 500,
        "hidden_size_per_layer_input": 8,
        "altup_num_inputs": 4,
        "laurel_rank": 4,
        "num_kv_shared_layers": 5,
        "sliding_window": 32,
        "max_position_embeddings": 4096,
    }
    cfg.update(over)
    return cfg


def spec(cfg: dict[str, Any]) -> ModelSpec:
    return spec_from_hf_config(cfg, name="t", provenance=PROV)


def test_shared_layers_keep_no_cache_and_no_kv_weights() -> None:
    s = spec(g3n())
    own = [i for i in range(10) if s.has_kv(i)]
    assert own == [0, 1, 2, 3, 4]
    assert [s.kv_source(i) for i in range(5, 10)] == [3, 3, 3, 3, 4]  # last sliding (3), last full (4)
    wl = Workload(context=100, batch=2)
    got = kv_cache.kv_cache_bytes(s, wl, "bf16", list(range(10)), tokens=100, prefill=100)
    # Only the 5 unshared layers cache; after a 100-token prefill a sliding layer's window view still
    # holds the whole concatenation's storage (DynamicSlidingWindowLayer.update), so 100 tokens each:
    # K and V x 2 heads x 16 x 2 B x batch 2
    assert got == 5 * 100 * 2 * 2 * 16 * 2 * 2
    unshared = spec(g3n(num_kv_shared_layers=0))
    h, kv = 64, 2 * 16
    # k_proj, v_proj and k_norm are gone from the 5 shared layers; the checkpoint still stores them
    assert total_params(unshared) - total_params(s) == 5 * (2 * h * kv + 16)
    assert shared_kv_checkpoint_params(s) == 5 * (2 * h * kv + 16)


def test_altup_laurel_and_per_layer_embeddings_add_exactly_their_tensors() -> None:
    h, L, p, n, r = 64, 10, 8, 4, 4
    s = spec(g3n())
    per_block = (
        (h * p + p * h + h)  # per_layer_input_gate, per_layer_projection, post_per_layer_input_norm
        + (h * r + r * h + h)  # LAuReL
        + (h + n * n + n * n * n + h * n + h)  # AltUp
    )
    model = 500 * L * p + h * L * p + p + 2 * (n - 1) * h * h
    plain = spec(
        g3n(hidden_size_per_layer_input=0, laurel_rank=0, altup_num_inputs=1, vocab_size_per_layer_input=0)
    )
    altup_one = h + 1 + 1 + h + h  # AltUp with one input still builds its per-block tensors
    assert total_params(s) - total_params(plain) == L * (per_block - altup_one) + model


def test_per_layer_intermediate_sizes_and_double_wide_mlps() -> None:
    widths = [128] * 5 + [256] * 5
    a = spec(g3n(intermediate_size=widths))
    b = spec(g3n())
    assert a.mlp_width(9) == 256 and total_params(a) - total_params(b) == 5 * 3 * 64 * 128
    g4 = {
        "model_type": "gemma4_text",
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": 10,
        "num_attention_heads": 4,
        "num_key_value_heads": 1,
        "head_dim": 16,
        "global_head_dim": 32,
        "vocab_size": 1000,
        "num_kv_shared_layers": 5,
        "hidden_size_per_layer_input": 8,
        "vocab_size_per_layer_input": 500,
        "sliding_window": 32,
        "layer_types": (["sliding_attention"] * 4 + ["full_attention"]) * 2,
        "max_position_embeddings": 4096,
    }
    narrow, wide = spec(g4), spec({**g4, "use_double_wide_mlp": True})
    assert wide.mlp_width(4) == 128 and wide.mlp_width(5) == 256  # only the shared layers (Gemma4TextMLP)
    assert total_params(wide) - total_params(narrow) == 5 * 3 * 64 * 128


@pytest.mark.parametrize("shared", [10, 11, -1])
def test_impossible_sharing_is_one_clear_error(shared: int) -> None:
    with pytest.raises(ConfigError, match="num_kv_shared_layers"):
        spec(g3n(num_kv_shared_layers=shared))


def test_bad_sharing_exits_2_with_one_line(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    path = tmp_path / "config.json"
    path.write_text(json.dumps(g3n(num_kv_shared_layers=10)))
    with pytest.raises(SystemExit) as exit_info:
        main(["estimate", str(path)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "num_kv_shared_layers" in err and "Traceback" not in err


def test_shared_range_needs_a_source_of_each_kind() -> None:
    # 5 layers, the last 2 shared: layer 4 is full, but no earlier full layer computes K/V for it
    with pytest.raises(ConfigError, match="no earlier layer"):
        spec(g3n(num_hidden_layers=5, num_kv_shared_layers=2))


def test_gemma3n_audio_tower_by_hand() -> None:
    from llmsize.specs.hf_config import gemma3n as hf_gemma3n

    h, c0, c1 = 64, 8, 4
    audio = {
        "hidden_size": h,
        "conf_num_attention_heads": 4,
        "conf_num_hidden_layers": 2,
        "conf_conv_kernel_size": 5,
        "input_feat_size": 128,
        "sscp_conv_channel_size": [c0, c1],
    }
    # conv 3x3 (1 -> c0, c0 -> c1) with cumulative group norms; 128 mel bins -> 64 -> 32 after padding
    subsample = 9 * c0 + c0 + 9 * c0 * c1 + c1 + c1 * 32 * h
    block = 2 * (2 * h + 8 * h * h) + (2 * h + 5 * h * h + h // 4) + (2 * h + 3 * h * h + 5 * h) + h
    assert hf_gemma3n._gemma3n_audio(audio) == subsample + 2 * block


@settings(max_examples=30, deadline=None)
@given(shared=st.integers(1, 8), tokens=st.integers(1, 300), batch=st.integers(1, 4))
def test_sharing_more_layers_never_grows_the_cache(shared: int, tokens: int, batch: int) -> None:
    kinds = ["sliding_attention", "full_attention"] * 5
    base = g3n(layer_types=kinds, num_kv_shared_layers=0)
    wl = Workload(context=tokens, batch=batch)
    layers = list(range(10))

    def kv(n: int) -> int:
        return int(kv_cache.kv_cache_bytes(spec({**base, "num_kv_shared_layers": n}), wl, "bf16", layers))

    assert kv(shared) <= kv(shared - 1)


def test_a_decode_step_reads_only_the_rows_of_the_per_layer_table() -> None:
    """embed_tokens_per_layer is looked up like an untied embedding even though the head is tied to
    embed_tokens (Gemma*TextModel.get_per_layer_inputs), so the speed model does not stream it."""
    from llmsize.hardware.plan import read_fraction
    from llmsize.specs.params import param_inventory

    s = spec(g3n())
    table = next(g.numel for g in param_inventory(s) if g.name == "embed_tokens_per_layer")
    total = total_params(s)
    assert read_fraction(s, 1) == pytest.approx(1 - table / total)


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"intermediate_size": [128] * 3}, "one integer per layer"),
        ({"activation_sparsity_pattern": [0.95] * 3}, "one number per layer"),
        ({"altup_num_inputs": 0}, "altup_num_inputs"),
    ],
)
def test_per_layer_lists_that_do_not_fit_are_refused(over: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        spec(g3n(**over))


@settings(max_examples=25, deadline=None)
@given(
    engine=st.sampled_from(["transformers", "vllm", "sglang", "llama.cpp"]),
    shared=st.sampled_from([2, 4, 5]),
    tokens=st.integers(1, 4000),
    batch=st.integers(1, 4),
)
def test_shared_layers_cache_what_the_unshared_prefix_alone_caches(
    engine: str, shared: int, tokens: int, batch: int
) -> None:
    """Every engine pages only the layers below the shared range (transformers' dummy layers, vLLM's
    kv_sharing_target_layer_name, llama.cpp's n_layer_kv_from_start): the model caches exactly what
    a model of its first L - n layers caches."""
    from llmsize.estimate.workload import Engine

    kinds = ["sliding_attention", "full_attention"] * 5
    wl = Workload(context=tokens, batch=batch, engine=Engine(engine))
    whole = spec(g3n(layer_types=kinds, num_kv_shared_layers=shared))
    prefix = spec(
        g3n(layer_types=kinds[: 10 - shared], num_hidden_layers=10 - shared, num_kv_shared_layers=0)
    )
    dtype = kv_cache.kv_dtype_for(wl, "bf16")

    def kv(s: ModelSpec) -> int:
        return int(kv_cache.kv_cache_bytes(s, wl, dtype, list(range(s.num_layers))))

    assert kv(whole) == kv(prefix) > 0


def test_tensor_parallel_ranks_split_the_per_layer_table_by_vocabulary() -> None:
    """vLLM builds embed_tokens_per_layer as a VocabParallelEmbedding (models/gemma3n.py), so each of
    tp ranks holds ceil(vocab / tp) rows of it."""
    from llmsize.estimate.weights import stage_shards, stages

    s = spec(g3n())
    wl = Workload(context=100, tp=2, num_gpus=2)
    shard = next(
        sh for sh in stage_shards(s, wl, stages(s, wl)[0]) if sh.group.name == "embed_tokens_per_layer"
    )
    assert shard.numel_each == 250 * 10 * 8
