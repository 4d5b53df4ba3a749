"""Round 8 of the catalog: entries and fields that make the newest models exact."""

from __future__ import annotations

from llmsize.specs.params import mtp_params, total_params
from published_sizes import catalog_spec


def test_intellect_3_names_no_mtp_layer_its_export_does_not_store() -> None:
    """PrimeIntellect/INTELLECT-3's config.json states num_nextn_predict_layers 1, but its Hub safetensors
    total (106,852,251,264, model_specs/glm.yaml) is GLM-4.5-Air's without the 3,616,573,568 MTP tensors: with
    mtp_stored false the spec has no MTP layer, so nothing reports params + an MTP layer it lacks."""
    spec = catalog_spec("INTELLECT-3")
    assert spec.mtp_layers == 0 and mtp_params(spec) == 0
    assert total_params(spec) == 106_852_251_264
    assert any("does not store" in w for w in spec.warnings)
    air = catalog_spec("GLM-4.5-Air")  # the same config field, a checkpoint that stores the layer
    assert air.mtp_layers == 1 and mtp_params(air) == 3_616_573_568


def test_nemotron_nano_vl_is_sized_as_its_named_backbone_not_a_dense_llama() -> None:
    """nvidia/NVIDIA-Nemotron-Nano-12B-v2-VL-BF16's card: "Vision Encoder: CRadioV2-H Language Encoder:
    NVIDIA-Nemotron-Nano-12B-v2", 12.6B parameters. Before, the name was a 50-layer Llama-3.1-8B shape of
    12B: full attention on every layer. Now it is the bundled Mamba-2 hybrid decoder, said to leave the tower
    out."""
    from llmsize.specs.resolve import resolve

    backbone = catalog_spec("NVIDIA-Nemotron-Nano-12B-v2")
    for name in ("Nemotron-Nano-12B-v2-VL", "NVIDIA-Nemotron-Nano-12B-v2-VL-BF16"):
        spec = resolve(name)
        assert spec.approximate and spec.model_type == "nemotron_h"
        assert spec.layer_types == backbone.layer_types and spec.recurrent == backbone.recurrent
        assert total_params(spec) == total_params(backbone) < 12_600_000_000
        assert any("C-RADIOv2-H" in w and "not counted" in w for w in spec.warnings)
    assert resolve("NVIDIA-Nemotron-Nano-12B-v2-VL-FP8").weight_format.quant == "fp8"


def test_hunyuan_7b_and_mt_land_on_the_hunyuan_dense_entry() -> None:
    """Before, Hunyuan-7B-Instruct and Hunyuan-MT-7B were 27-layer Llama-3.1-8B shapes (6.94B, untied 128256
    vocabulary, no q/k norms); now the hunyuan_v1_dense entry: 32 layers, 128167 tokens tied, per-head q/k
    norms, GQA 32/8 (model_specs/hunyuan.yaml)."""
    from llmsize.specs.resolve import resolve

    for name in ("Hunyuan-7B-Instruct", "Hunyuan-7B-Pretrain", "Hunyuan-MT-7B", "Hunyuan-MT-Chimera-7B"):
        spec = resolve(name)
        assert not spec.approximate and spec.model_type == "hunyuan_v1_dense"
        assert (spec.num_layers, spec.vocab_size, spec.tie_word_embeddings) == (32, 128167, True)
        assert spec.qk_norm == "head" and spec.num_kv_heads == 8
        assert total_params(spec) == 7_504_568_320
