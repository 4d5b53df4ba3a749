"""Published parameter totals of the families added in issue 10's catalog round, written out here.

test_param_counts.py compares every entry with the `published_params` its YAML carries; this file pins the
published numbers themselves (a YAML edit cannot move them) and what the checkpoint holds beyond the model
transformers builds (the Qwen3.5 multi-token-prediction block). Sources, one per row:
- Qwen3.5: safetensors totals of the Hub repos (Qwen3.5-0.8B 873,438,784; -2B 2,274,069,824 = language
  1,881,825,088 + vision 331,416,576 + MTP 60,828,160; -4B 4,659,865,088 = 4,205,751,296 + 333,514,240 +
  120,599,552; -35B-A3B 35,951,822,704; -122B-A10B 125,086,497,008 (BF16 125,086,490,096 + F32 6,912);
  -397B-A17B 403,397,928,944), as quoted in public Hub tables and checkpoint censuses on GitHub.
- Qwen3-VL: Fireworks' fine-tuning model catalog paramCount (docs.fireworks.ai, Models): 30B-A3B
  31,070,754,032, 235B-A22B 235,670,022,896; 32B: its model.safetensors.index.json, 66,714,780,128 bytes
  BF16 = 33,357,390,064 (1,058 tensors, a public checkpoint inventory); 2B 2,127,532,032 and 4B
  4,437,815,808 as loaded by transformers in public pipelines.
- Mistral Small 3 (2501): model.safetensors.index.json total_size 47,144,806,400 bytes BF16 (public copy in
  OpenMOSE/RWKV-LM-RLHF) = 23,572,403,200, also Fireworks' paramCount; Devstral Small 1.1 and Magistral Small
  2506: keras-hub mistral_presets.py params 23,572,403,200.
- Nemotron 3 Super: safetensors headers of nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-BF16 as quoted in a public
  model-parser test (test_nemotron_super_latent_experts_and_mtp_exclusion): "BF16 weights 123,611,012,096; MTP
  2,942,324,736", API total 123,611,033,088 (20,992 F32 routing buffers: 41 MoE routers x 512); the MTP block
  with its router's 512 buffers is what transformers does not load.
- Granite 4.0: H-Micro 3,191,396,096 (general.parameter_count of Ollama's granite4:micro-h GGUF, a public
  `ollama show` fixture); Micro 3,402,836,480 (the Hub's safetensors total, public Hub parameter tables); Nano
  1B 1,631,750,144 and 350M 352,379,904 (the Hub's safetensors totals in the same public tables).
"""

from __future__ import annotations

import pytest

from llmsize.specs import catalog
from llmsize.specs.params import total_params

# (entry, published checkpoint total, of which the checkpoint holds beyond the loaded model)
PUBLISHED = [
    ("Qwen3.5-0.8B", 873_438_784, 20_452_864),
    ("Qwen3.5-2B", 2_274_069_824, 60_828_160),
    ("Qwen3.5-4B", 4_659_865_088, 120_599_552),
    ("Qwen3.5-35B-A3B", 35_951_822_704, 844_640_768),
    ("Qwen3.5-122B-A10B", 125_086_497_008, 2_523_679_232),
    ("Qwen3.5-397B-A17B", 403_397_928_944, 6_595_568_128),
    ("Qwen3-VL-2B-Instruct", 2_127_532_032, 0),
    ("Qwen3-VL-4B-Instruct", 4_437_815_808, 0),
    ("Qwen3-VL-30B-A3B-Instruct", 31_070_754_032, 0),
    ("Qwen3-VL-32B-Instruct", 33_357_390_064, 0),
    ("Qwen3-VL-235B-A22B-Instruct", 235_670_022_896, 0),
    ("Mistral-Small-24B-Instruct-2501", 23_572_403_200, 0),
    ("Devstral-Small-2505", 23_572_403_200, 0),
    ("Magistral-Small-2506", 23_572_403_200, 0),
    ("granite-4.0-h-micro", 3_191_396_096, 0),
    ("granite-4.0-micro", 3_402_836_480, 0),
    ("granite-4.0-1b", 1_631_750_144, 0),
    ("granite-4.0-350m", 352_379_904, 0),
    ("NVIDIA-Nemotron-3-Super-120B-A12B-BF16", 123_611_033_088, 2_942_324_736 + 512),
]


@pytest.mark.parametrize(("name", "published", "mtp"), PUBLISHED, ids=[row[0] for row in PUBLISHED])
def test_built_model_plus_checkpoint_extras_is_the_published_total(
    name: str, published: int, mtp: int
) -> None:
    entry = catalog.get(name)
    assert entry is not None, name
    assert entry.model.published_params == published
    assert entry.model.checkpoint_only_params == mtp
    assert total_params(catalog.spec_for(entry)) + mtp == published


def test_qwen3_5_mtp_block_is_one_decoder_layer_with_its_fusion() -> None:
    # The MTP block the checkpoint adds (mtp.*): one gated-attention layer (q doubled for the output gate,
    # q/k norms of head_dim), the layer's MLP, fc (2h -> h) and three norms. Dense 4B: h 2560, 16/4 heads of
    # 256, MLP 9216 -> 120,599,552, the "auxiliary" part of the published 4B census.
    h, heads, kv, hd, inter = 2560, 16, 4, 256, 9216
    attention = h * heads * hd * 2 + 2 * h * kv * hd + heads * hd * h + 2 * hd + 2 * h
    assert attention + 3 * h * inter + 2 * h * h + 3 * h == 120_599_552


@pytest.mark.parametrize(
    ("name", "entry"),
    [
        ("GLM-5", "GLM-5.1"),
        ("GLM-5-FP8", "GLM-5.1"),  # a Hub alias of a sizeless entry takes suffixes like its canonical name
        ("MiniMax-M2.5-FP8", "MiniMax-M2.7"),
        ("qwen3.5:122b", "Qwen3.5-122B-A10B"),
        ("qwen3-vl:32b", "Qwen3-VL-32B-Instruct"),
        ("granite4:tiny-h", "granite-4.0-h-tiny"),
        ("granite4:micro-h", "granite-4.0-h-micro"),
        ("granite4:micro", "granite-4.0-micro"),
        ("Kimi-K2.5", "Kimi-K2.5"),
        ("devstral:24b", "Devstral-Small-2505"),
        ("Devstral-Small-2507-UD-Q4_K_XL", "Devstral-Small-2505"),
        ("Qwen3.5-122B-A10B-FP8", "Qwen3.5-122B-A10B"),
        ("Nemotron-3-Super-120B-A12B", "NVIDIA-Nemotron-3-Super-120B-A12B-BF16"),
        ("NVIDIA-Nemotron-3-Super-120B-A12B", "NVIDIA-Nemotron-3-Super-120B-A12B-BF16"),
    ],
)
def test_names_people_use_find_the_new_entries(name: str, entry: str) -> None:
    found = catalog.find(name)
    assert found is not None and found[0].name == entry


def test_kimi_k2_5_is_k2_thinking_plus_its_vision_tower() -> None:
    # Fireworks' fine-tuning model catalog (docs.fireworks.ai, Models) counts Kimi K2.5 at 1,028,542,417,904
    # and Kimi K2 Thinking at 1,028,071,273,984 parameters (its own count of the INT4 checkpoints); the
    # difference is K2.5's MoonViT tower and projector.
    k25, k2t = catalog.get("Kimi-K2.5"), catalog.get("Kimi-K2-Thinking")
    assert k25 is not None and k2t is not None
    spec = catalog.spec_for(k25)
    assert spec.extra_params == 1_028_542_417_904 - 1_028_071_273_984
    assert total_params(spec) - total_params(catalog.spec_for(k2t)) == spec.extra_params
