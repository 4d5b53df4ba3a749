"""Nemotron-H / Nemotron Nano 2, Cohere Command R7B / A and Mistral Large 3 in the catalog (archcat1).

Before these entries the names were sized as another model's shape (Nemotron-H-8B-Base-8K as Llama-3.1-8B,
Mistral Large 3 as Qwen3-Coder-480B) or refused. Published numbers, one source each (the YAML cites them too):
- Nemotron-H-8B-Base-8K: 8,100,852,736 parameters of the loaded model (a public per-tensor analysis of
  nvidia/Nemotron-H-8B-Base-8K). NVIDIA-Nemotron-Nano-9B-v2: 8,888,227,328, the Hub's safetensors total
  (kvfit scripts/build_registry.py). Nemotron-H-47B / -56B (arXiv 2504.03624, model cards: 47B, 56B) and
  Nemotron-Nano-12B-v2 (arXiv 2508.14444: "a 12-billion-parameter model") publish rounded sizes only.
- c4ai-command-r7b-12-2024: "params": 8.028 (billions) in the Open LLM Leaderboard request file
  open-llm-leaderboard/requests
  CohereForAI/c4ai-command-r7b-12-2024_eval_request_False_bfloat16_original.json;
  c4ai-command-a-03-2025: "a 111 billion parameter model" (model card).
- Mistral-Large-3-675B-Instruct-2512: "675B total parameters", "A Granular MoE Language Model with 673B
  params"
  and "A 2.5B Vision Encoder" (https://huggingface.co/mistralai/Mistral-Large-3-675B-Instruct-2512).
KV per token is written out from each config's own numbers, not read back from the code.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.kv_cache import kv_per_token_bytes
from llmsize.estimate.workload import Workload
from llmsize.specs import catalog
from llmsize.specs.params import total_params
from llmsize.specs.resolve import resolve

EXACT = {
    "Nemotron-H-8B-Base-8K": 8_100_852_736,
    "NVIDIA-Nemotron-Nano-9B-v2": 8_888_227_328,
    # the Hub API total of mistralai/Ministral-3-3B-Reasoning-2512 (model_specs/ministral-3.yaml header)
    "Ministral-3-3B-Reasoning-2512": 4_251_743_232,
    # llama-server's n_params for nvidia/NVIDIA-Nemotron-3-Nano-4B-BF16 (a public project log)
    "NVIDIA-Nemotron-3-Nano-4B-BF16": 3_973_556_832,
    # index total_size / 2 of CohereLabs/tiny-aya-global (a public port's plan)
    "tiny-aya-global": 3_349_227_520,
    # the Hub's safetensors total of mistralai/Mistral-Nemo-Instruct-2407 (kvfit scripts/build_registry.py)
    "Mistral-Nemo-Instruct-2407": 12_247_782_400,
    "Mistral-Nemo-Base-2407": 12_247_782_400,
}

# (entry, published size in parameters, the precision it is published to)
ROUNDED = [
    ("Nemotron-H-47B-Base-8K", 47e9, 0.5e9),
    ("Nemotron-H-56B-Base-8K", 56e9, 0.5e9),
    ("NVIDIA-Nemotron-Nano-12B-v2", 12e9, 0.5e9),
    ("c4ai-command-r7b-12-2024", 8.028e9, 0.0005e9),
    ("c4ai-command-a-03-2025", 111e9, 0.5e9),
    ("command-a-vision-07-2025", 112e9, 0.5e9),  # "a 112 billion parameter" model (its card)
    ("Mistral-Large-3-675B-Instruct-2512", 675e9, 1.5e9),
    ("Mistral-Large-3-675B-Base-2512", 675e9, 1.5e9),
    # transformers docs/source/en/model_doc/mistral4.md: "119B with 6.5B activated parameters per token"
    ("Mistral-Small-4-119B-2603", 119e9, 0.5e9),
]


def _spec(name: str):  # type: ignore[no-untyped-def]
    entry = catalog.get(name)
    assert entry is not None, f"{name} is missing from model_specs"
    return catalog.spec_for(entry)


@pytest.mark.parametrize(("name", "published"), EXACT.items(), ids=list(EXACT))
def test_exact_published_totals(name: str, published: int) -> None:
    entry = catalog.get(name)
    assert entry is not None
    assert entry.model.published_params == published
    assert total_params(catalog.spec_for(entry)) == published


@pytest.mark.parametrize(("name", "size", "precision"), ROUNDED, ids=[r[0] for r in ROUNDED])
def test_rounded_published_sizes(name: str, size: float, precision: float) -> None:
    assert abs(total_params(_spec(name)) - size) <= precision


def test_mistral_large_3_splits_as_its_card_says() -> None:
    # 673B language model + 2.5B vision encoder; the encoder alone is 2.5B to the card's precision, the
    # patch merger and adapter (74M) come on top of it.
    spec = _spec("Mistral-Large-3-675B-Instruct-2512")
    language = total_params(spec) - spec.extra_params
    assert abs(language - 673e9) <= 0.5e9
    assert abs(spec.extra_params - 2.5e9) <= 0.1e9
    assert spec.is_mla
    assert spec.weight_format.quant is not None and spec.weight_format.quant.value == "fp8"


def _heads_kv(layers: int, kv_heads: int, head_dim: int, element: int = 2) -> int:
    return layers * 2 * kv_heads * head_dim * element


# (entry, KV bytes one more token adds on the layers that keep all tokens, bf16 cache)
KV_PER_TOKEN = [
    # Nemotron-H: only the '*' blocks cache K/V; the Mamba blocks keep a fixed state instead
    ("Nemotron-H-8B-Base-8K", _heads_kv(4, 8, 128)),
    ("Nemotron-H-47B-Base-8K", _heads_kv(5, 8, 128)),
    ("Nemotron-H-56B-Base-8K", _heads_kv(10, 8, 128)),
    ("NVIDIA-Nemotron-Nano-9B-v2", _heads_kv(4, 8, 128)),
    ("NVIDIA-Nemotron-Nano-12B-v2", _heads_kv(6, 8, 128)),
    ("NVIDIA-Nemotron-3-Nano-4B-BF16", _heads_kv(4, 8, 128)),
    # cohere2: 1 global (NoPE) layer in 4 grows; the 3 windowed ones stop at 4096 tokens
    ("c4ai-command-r7b-12-2024", _heads_kv(32 // 4, 8, 128)),
    ("c4ai-command-a-03-2025", _heads_kv(64 // 4, 8, 128)),
    ("tiny-aya-global", _heads_kv(36 // 4, 4, 128)),
]


@pytest.mark.parametrize(("name", "per_token"), KV_PER_TOKEN, ids=[r[0] for r in KV_PER_TOKEN])
def test_kv_per_token_is_the_configs_arithmetic(name: str, per_token: int) -> None:
    assert kv_per_token_bytes(_spec(name), Workload(context=8192), "bf16") == per_token


def test_mistral_large_3_caches_the_mla_latent_in_vllm() -> None:
    # vLLM's MLA backends cache kv_lora_rank + qk_rope_head_dim per token and layer: 61 x (512 + 64) x 2 B
    spec = _spec("Mistral-Large-3-675B-Instruct-2512")
    assert kv_per_token_bytes(spec, Workload(context=8192, engine="vllm"), "bf16") == 61 * (512 + 64) * 2


def test_cohere2_windows_are_three_in_four() -> None:
    spec = _spec("c4ai-command-a-03-2025")
    windows = [spec.layer_window(i) for i in range(spec.num_layers)]
    assert windows[:4] == [4096, 4096, 4096, None]
    assert windows.count(None) == 16


NAMES = [
    ("Nemotron-H-8B-Base-8K", "Nemotron-H-8B-Base-8K"),
    ("nvidia/Nemotron-H-8B-Base-8K", "Nemotron-H-8B-Base-8K"),
    ("nvidia/Nemotron-H-47B-Base-8K", "Nemotron-H-47B-Base-8K"),
    ("Nemotron-H-56B-Base-8K", "Nemotron-H-56B-Base-8K"),
    ("NVIDIA-Nemotron-H-47B-Reasoning-128K", "Nemotron-H-47B-Reasoning-128K"),
    ("nvidia/Nemotron-H-8B-Reasoning-128K", "Nemotron-H-8B-Reasoning-128K"),
    ("nvidia/Nemotron-H-4B-Instruct-128K", "Nemotron-H-4B-Instruct-128K"),
    ("NVIDIA-Nemotron-Nano-9B-v2", "NVIDIA-Nemotron-Nano-9B-v2"),
    ("nvidia/NVIDIA-Nemotron-Nano-9B-v2", "NVIDIA-Nemotron-Nano-9B-v2"),
    ("Nemotron-Nano-9B-v2-Base", "NVIDIA-Nemotron-Nano-9B-v2"),
    ("NVIDIA-Nemotron-Nano-12B-v2", "NVIDIA-Nemotron-Nano-12B-v2"),
    ("nvidia/NVIDIA-Nemotron-Nano-12B-v2-Base", "NVIDIA-Nemotron-Nano-12B-v2"),
    ("nemotron-3-nano:4b", "NVIDIA-Nemotron-3-Nano-4B-BF16"),
    ("nvidia/NVIDIA-Nemotron-3-Nano-4B-BF16", "NVIDIA-Nemotron-3-Nano-4B-BF16"),
    ("c4ai-command-r7b-12-2024", "c4ai-command-r7b-12-2024"),
    ("CohereLabs/c4ai-command-r7b-12-2024", "c4ai-command-r7b-12-2024"),
    ("CohereForAI/c4ai-command-r7b-12-2024", "c4ai-command-r7b-12-2024"),
    ("c4ai-command-a-03-2025", "c4ai-command-a-03-2025"),
    ("CohereLabs/c4ai-command-a-03-2025", "c4ai-command-a-03-2025"),
    ("CohereLabs/command-a-reasoning-08-2025", "c4ai-command-a-03-2025"),
    ("command-r7b", "c4ai-command-r7b-12-2024"),  # Ollama libraries (model_specs/cohere.yaml cites the pulls)
    ("command-r7b:7b", "c4ai-command-r7b-12-2024"),
    ("command-a:111b", "c4ai-command-a-03-2025"),
    ("CohereLabs/command-a-vision-07-2025", "command-a-vision-07-2025"),
    ("CohereLabs/tiny-aya-water", "tiny-aya-global"),
    ("Mistral-Large-3-675B-Instruct-2512", "Mistral-Large-3-675B-Instruct-2512"),
    ("mistralai/Mistral-Large-3-675B-Instruct-2512", "Mistral-Large-3-675B-Instruct-2512"),
    ("Mistral-Large-3", "Mistral-Large-3-675B-Instruct-2512"),
    ("mistralai/Mistral-Large-3-675B-Base-2512", "Mistral-Large-3-675B-Base-2512"),
    ("Mistral-Small-4-119B-2603", "Mistral-Small-4-119B-2603"),
    ("mistralai/Mistral-Nemo-Instruct-2407", "Mistral-Nemo-Instruct-2407"),
    ("mistralai/Mistral-Small-4-119B-2603", "Mistral-Small-4-119B-2603"),
]


@pytest.mark.parametrize(("typed", "entry"), NAMES, ids=[n[0] for n in NAMES])
def test_common_spellings_resolve_to_the_entry(typed: str, entry: str) -> None:
    spec = resolve(typed, offline=True)
    expected = _spec(entry)
    assert spec.provenance.source == expected.provenance.source
    assert total_params(spec) == total_params(expected)
    assert not any("approximated" in w for w in spec.warnings)


def test_the_bf16_upload_of_mistral_large_3_is_sized_in_bf16() -> None:
    fp8 = resolve("Mistral-Large-3-675B-Instruct-2512", offline=True)
    bf16 = resolve("Mistral-Large-3-675B-Instruct-2512-BF16", offline=True)
    assert total_params(bf16) == total_params(fp8)
    assert fp8.weight_format.quant is not None
    assert bf16.weight_format.quant is None


# Ministral 3 Base / Reasoning uploads were sized as the FP8 Instruct checkpoints before they had entries.
@pytest.mark.parametrize(
    ("typed", "instruct"),
    [
        ("Ministral-3-3B-Base-2512", "Ministral-3-3B-Instruct-2512"),
        ("Ministral-3-8B-Base-2512", "Ministral-3-8B-Instruct-2512"),
        ("Ministral-3-8B-Reasoning-2512", "Ministral-3-8B-Instruct-2512"),
        ("mistralai/Ministral-3-14B-Reasoning-2512", "Ministral-3-14B-Instruct-2512"),
    ],
)
def test_ministral_3_base_and_reasoning_are_the_instruct_architecture_unquantized(
    typed: str, instruct: str
) -> None:
    spec = resolve(typed, offline=True)
    fp8 = _spec(instruct)
    assert total_params(spec) == total_params(fp8)
    assert fp8.weight_format.quant is not None and spec.weight_format.quant is None


def test_ministral_3_3b_reasoning_unties_the_head() -> None:
    # 131072 x 3072 more than the tied 3B
    assert (
        total_params(_spec("Ministral-3-3B-Reasoning-2512"))
        - total_params(_spec("Ministral-3-3B-Instruct-2512"))
        == 131072 * 3072
    )


def test_mistral_large_3_base_is_bf16_and_instruct_fp8() -> None:
    # "Base BF16 Weights, used for fine-tuning" (the Mistral Large 3 collection on the Hub)
    base, instruct = _spec("Mistral-Large-3-675B-Base-2512"), _spec("Mistral-Large-3-675B-Instruct-2512")
    assert total_params(base) == total_params(instruct)
    assert base.weight_format.quant is None and instruct.weight_format.quant is not None


def test_mistral_small_4_download_is_one_byte_a_weight() -> None:
    # A public packaging of mistralai/Mistral-Small-4-119B-2603 asks for "121 GB of free space in the
    # Hugging Face cache for the weight shards": FP8 weights (BF16 would be ~239 GB).
    from llmsize.estimate.core import estimate

    weights = estimate(resolve("Mistral-Small-4-119B-2603", offline=True), Workload()).weights_bytes
    assert abs(weights - 121e9) <= 1e9
    spec = _spec("Mistral-Small-4-119B-2603")
    assert spec.is_mla and spec.is_moe


def test_command_a_vision_is_command_a_plus_its_tower() -> None:
    # SigLIP so400m-style tower (27 x 1152, MLP 4304, 32 x 32 patches of 16 px, pooling head) and the
    # projector:
    # 1152 x 4 -> 36864 (SwiGLU halves it) -> 12288, both biased (modeling_cohere2_vision.py)
    h, inter, layers, positions = 1152, 4304, 27, (512 // 16) ** 2
    block = 4 * (h * h + h) + 4 * h + (h * inter + inter) + (inter * h + h)
    head = h + (3 * h * h + 3 * h) + (h * h + h) + 2 * h + (h * inter + inter) + (inter * h + h)
    tower = 3 * 16 * 16 * h + h + positions * h + layers * block + 2 * h + head
    projector = (4 * h * 36864 + 36864) + (18432 * 12288 + 12288)
    vision = _spec("command-a-vision-07-2025")
    assert vision.extra_params == tower + projector
    assert total_params(vision) - vision.extra_params == total_params(_spec("c4ai-command-a-03-2025"))


def test_tiny_aya_kv_cache_as_its_port_measures_it() -> None:
    # The same plan: "KV cache (per token, all 36 layers): ... bf16 72 KiB"; "one 4096-token sequence: ...
    # 288 MiB bf16"; "one 8192-token sequence with window freeing: ... 360 MiB bf16" (27 windowed layers hold
    # 4096 tokens).
    from llmsize.estimate.kv_cache import kv_cache_bytes

    spec = _spec("tiny-aya-global")
    layers = range(spec.num_layers)
    assert kv_cache_bytes(spec, Workload(context=4096), "bf16", layers) == 288 * 2**20
    assert kv_cache_bytes(spec, Workload(context=8192, prompt_tokens=16), "bf16", layers) == 360 * 2**20


def test_nemotron_h_head_dim_is_128_unless_the_config_names_it() -> None:
    # NemotronHConfig.head_dim defaults to 128, not hidden_size / heads (configuration_nemotron_h.py); the
    # remote-code configs of Nemotron-H spell it attention_head_dim. The 4B (hidden 3072, 32 heads) shows the
    # difference: hidden / heads = 96 would shrink its attention and a quarter of its KV cache.
    from llmsize.specs.hf_config import spec_from_hf_config
    from llmsize.specs.models import Provenance, ProvenanceKind

    entry = catalog.get("Nemotron-H-4B-Base-8K")
    assert entry is not None
    config = dict(entry.model.config)
    provenance = Provenance(kind=ProvenanceKind.CATALOG, source="test", note="test")
    config.pop("attention_head_dim")
    assert spec_from_hf_config(config, name="t", provenance=provenance).head_dim == 128
    config["attention_head_dim"] = 96
    assert spec_from_hf_config(config, name="t", provenance=provenance).head_dim == 96
    spec = _spec("Nemotron-H-4B-Base-8K")
    assert kv_per_token_bytes(spec, Workload(context=8192), "bf16") == _heads_kv(4, 8, 128)
