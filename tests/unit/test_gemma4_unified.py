"""Gemma 4 "Unified" (model_type gemma4_unified, google/gemma-4-12B-it) read from its own config.json.

Each count restates transformers 5.23 modeling_gemma4_unified.py by hand: the text decoder is Gemma 4's
(K = V full layers with their own head size, KV-shared layers, double-wide MLPs) without per-layer inputs
or MoE, and the image and audio inputs are encoder-free projections (Gemma4UnifiedVisionEmbedder,
Gemma4UnifiedMultimodalEmbedder). tests/trace/test_gemma4_unified_trace.py checks the same counts, and
the cache and peaks, against the model transformers builds. Before the reader knew the type, such a
config was refused ("model_type 'gemma4_unified' is not one llmsize knows ... text_config").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hub_server import HubServer, serve_hub
from llmsize.specs import catalog
from llmsize.specs.hf_config import spec_from_hf_config
from llmsize.specs.models import ModelSpec, Provenance, ProvenanceKind
from llmsize.specs.params import total_params
from llmsize.specs.resolve import resolve
from spec_factories import gemma4_unified_small_inputs

PROV = Provenance(kind=ProvenanceKind.LOCAL, source="test")
H, V, L, INTER, HEADS, KV, HD, GHD = 64, 500, 12, 128, 4, 2, 16, 32


def text(**over: Any) -> dict[str, Any]:
    """A small gemma4_unified_text config shaped like gemma-4-12B-it's (5 sliding : 1 full, K = V)."""
    cfg: dict[str, Any] = {
        "model_type": "gemma4_unified_text",
        "hidden_size": H,
        "intermediate_size": INTER,
        "num_hidden_layers": L,
        "num_attention_heads": HEADS,
        "num_key_value_heads": KV,
        "head_dim": HD,
        "global_head_dim": GHD,
        "num_global_key_value_heads": 1,
        "attention_k_eq_v": True,
        "vocab_size": V,
        "dtype": "bfloat16",
    }
    cfg.update(over)
    return cfg


def wrapper(**over: Any) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "model_type": "gemma4_unified",
        "architectures": ["Gemma4UnifiedForConditionalGeneration"],
        "text_config": text(),
        **gemma4_unified_small_inputs(),
        "dtype": "bfloat16",
    }
    cfg.update(over)
    return cfg


def spec(cfg: dict[str, Any]) -> ModelSpec:
    return spec_from_hf_config(cfg, name="t", provenance=PROV)


def decoder_params(*, shared: int = 0, double_wide: bool = False) -> int:
    """Gemma4UnifiedTextModel + tied head, by hand: full layers (every 6th and the last) have a 32-wide
    head, one KV head and no v_proj (attention_k_eq_v); KV-shared layers have no k/v projections or
    k_norm; with use_double_wide_mlp the shared layers' MLP is twice as wide."""
    total = V * H + H  # tied embedding, final norm
    for i in range(L):
        full = (i + 1) % 6 == 0 or i == L - 1
        hd, kv = (GHD, 1) if full else (HD, KV)
        attn = H * HEADS * hd + HEADS * hd * H + hd  # q, o, q_norm
        is_shared = i >= L - shared
        if not is_shared:
            attn += H * kv * hd * (1 if full else 2) + hd  # k (and v), k_norm; v_norm has no scale
        inter = INTER * (2 if is_shared and double_wide else 1)
        total += attn + 3 * H * inter + 4 * H + 1  # MLP, four block norms, layer_scalar buffer
    return total


def test_the_text_decoder_is_gemma4_s_without_per_layer_inputs() -> None:
    s = spec(text())
    assert not s.approximate
    assert s.global_k_eq_v and s.global_head_dim == GHD and s.global_num_kv_heads == 1
    assert not s.per_layer_input_size  # Gemma4TextConfig's default 256 does not apply
    assert total_params(s) == decoder_params()


def test_kv_shared_layers_and_double_wide_mlps() -> None:
    s = spec(text(num_kv_shared_layers=4, use_double_wide_mlp=True))
    assert s.kv_shared_layers == 4
    assert total_params(s) == decoder_params(shared=4, double_wide=True)


def test_stray_per_layer_input_and_moe_fields_add_no_tensors() -> None:
    """Gemma4UnifiedTextConfig sets these Gemma4TextConfig fields to AttributeError: no tensors exist."""
    stray = {
        "hidden_size_per_layer_input": 256,
        "vocab_size_per_layer_input": V,
        "enable_moe_block": True,
        "num_experts": 8,
        "top_k_experts": 2,
        "moe_intermediate_size": 32,
    }
    assert total_params(spec(text(**stray))) == decoder_params()


def test_the_encoder_free_projections_are_counted_from_their_configs() -> None:
    """Gemma4UnifiedVisionEmbedder: LayerNorm(192) + Linear(192 -> 48, bias) + LayerNorm(48), the
    (20, 2, 48) position table + LayerNorm(48), the scale-free RMSNorm and Linear(48 -> 64);
    embed_audio: Linear(32 -> 64)."""
    patch = (4 * 2) ** 2 * 3
    vision = 2 * patch + patch * 48 + 48 + 2 * 48 + 20 * 2 * 48 + 2 * 48 + 48 * H
    audio = 32 * H
    s = spec(wrapper())
    assert s.model_type == "gemma4_unified" and not s.approximate
    assert s.extra_params == vision + audio
    assert total_params(s) == decoder_params() + vision + audio
    assert not [w for w in s.warnings if "not counted" in w]


def test_null_towers_build_no_projections() -> None:
    """Gemma4UnifiedModel builds embed_vision / embed_audio only for a non-null sub-config."""
    s = spec(wrapper(vision_config=None, audio_config=None))
    assert s.extra_params == 0
    assert total_params(s) == decoder_params()


@pytest.mark.parametrize("model_type", ["gemma4", "gemma4_unified"])
def test_a_null_vision_config_is_not_called_an_uncounted_tower(model_type: str) -> None:
    """vision_config: null is a text-only checkpoint; the warning is for a tower that exists."""
    inner = (
        text(model_type="gemma4_text", hidden_size_per_layer_input=0) if model_type == "gemma4" else text()
    )
    s = spec({"model_type": model_type, "text_config": inner, "vision_config": None})
    assert not [w for w in s.warnings if "vision_config" in w]


def test_a_real_uncounted_vision_config_is_still_said() -> None:
    cfg = {
        "model_type": "qwen2_vl",
        "hidden_size": H,
        "intermediate_size": INTER,
        "num_hidden_layers": 2,
        "num_attention_heads": HEADS,
        "num_key_value_heads": KV,
        "vocab_size": V,
        "dtype": "bfloat16",
        "vision_config": {"depth": 2},
    }
    assert any("vision_config" in w for w in spec(cfg).warnings)


def test_the_catalog_entry_is_the_real_config_shape() -> None:
    """gemma-4-12B-it: model_type gemma4_unified with the Gemma4Unified* sub-configs; its projections are
    counted by the reader (no hand-made extra_params). The model card says 11.95B; transformers builds
    11,959,730,224 for this config (tests/trace/test_gemma4_unified_trace.py)."""
    entry = catalog.get("gemma-4-12B-it")
    assert entry is not None and entry.model.extra_params == 0
    s = resolve("gemma-4-12B-it")
    assert s.model_type == "gemma4_unified"
    assert total_params(s) == 11_959_730_224
    assert total_params(s) == pytest.approx(11.95e9, rel=0.001)
    assert s.extra_params == 49_922_304 + 2_457_600  # image projections + 640 -> 3840 audio frame


def _catalog_config() -> dict[str, Any]:
    entry = catalog.get("gemma-4-12B-it")
    assert entry is not None
    return dict(entry.model.config)


def test_a_local_directory_with_the_config_json(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps(_catalog_config()))
    s = resolve(str(tmp_path))
    assert s.provenance.kind == ProvenanceKind.LOCAL
    assert not s.approximate and total_params(s) == 11_959_730_224
    assert not [w for w in s.warnings if "not one llmsize knows" in w or "not counted" in w]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    with serve_hub(monkeypatch) as srv:
        srv.add_repo("acme/gemma-4-unified", {"config.json": _catalog_config()})
        yield srv


def test_a_hub_repo_with_the_config_json(server: HubServer) -> None:
    s = resolve("acme/gemma-4-unified")
    assert s.provenance.kind == ProvenanceKind.HUB
    assert s.model_type == "gemma4_unified" and not s.approximate
    assert total_params(s) == 11_959_730_224


def test_audio_inputs_are_said_to_be_unmodelled_not_absent() -> None:
    """gemma-4-12B-it takes speech (embed_audio over 40 ms frames): --audio-seconds must not say it has
    none."""
    from llmsize.errors import BadInputError
    from llmsize.estimate.audio import audio_tower_of

    with pytest.raises(BadInputError, match="does not read this speech model's audio tower yet"):
        audio_tower_of(resolve("gemma-4-12B-it"))
