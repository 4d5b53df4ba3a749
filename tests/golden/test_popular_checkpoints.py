"""Widely used checkpoints that were sized as a Llama shape of their name's size, or not at all.

Each now resolves, from the spellings people use (repo id, bare name, Ollama tag), to a catalog entry
whose config is the checkpoint's own (dtype, context, vocabulary), and its total is the published
one. Exact published totals are checked for every entry by test_param_counts.py; the totals here are
the ones only published rounded, and the resolutions.
"""

from __future__ import annotations

import pytest

from llmsize import resolve
from llmsize.specs import catalog
from llmsize.specs.params import total_params

RESOLVES = [
    # (a spelling people use, the entry it must find)
    ("nvidia/Llama-3_3-Nemotron-Super-49B-v1", "Llama-3.3-Nemotron-Super-49B-v1"),
    ("Llama-3.3-Nemotron-Super-49B-v1.5", "Llama-3.3-Nemotron-Super-49B-v1"),
    ("nvidia/Llama-3_3-Nemotron-Super-49B-v1_5", "Llama-3.3-Nemotron-Super-49B-v1"),
    ("nvidia/Llama-3_1-Nemotron-Ultra-253B-v1", "Llama-3.1-Nemotron-Ultra-253B-v1"),
    ("nvidia/Llama-3.1-Nemotron-Nano-8B-v1", "Llama-3.1-Nemotron-Nano-8B-v1"),
    ("Qwen/QwQ-32B", "QwQ-32B"),
    ("qwq", "QwQ-32B"),
    ("qwq:32b", "QwQ-32B"),
    ("Qwen/QwQ-32B-Preview", "QwQ-32B-Preview"),
    ("microsoft/Phi-4-reasoning", "Phi-4-reasoning"),
    ("Phi-4-reasoning-plus", "Phi-4-reasoning"),
    ("phi4-reasoning:plus", "Phi-4-reasoning"),
    ("01-ai/Yi-1.5-9B-Chat", "Yi-1.5-9B"),
    ("Yi-1.5-34B-Chat", "Yi-1.5-34B"),
    ("tiiuae/Falcon3-7B-Instruct", "Falcon3-7B-Instruct"),
    ("falcon3:10b", "Falcon3-10B-Instruct"),
    ("falcon3", "Falcon3-7B-Instruct"),
    ("HuggingFaceTB/SmolLM2-1.7B-Instruct", "SmolLM2-1.7B"),
    ("smollm2:135m", "SmolLM2-135M"),
    ("ibm-granite/granite-3.3-8b-instruct", "granite-3.3-8b-instruct"),
    ("granite3.3:2b", "granite-3.3-2b-instruct"),
    ("google/gemma-3-270m-it", "gemma-3-270m"),
    ("gemma3:270m", "gemma-3-270m"),
    ("google/medgemma-27b-text-it", "medgemma-27b-text-it"),
    ("google/medgemma-4b-it", "medgemma-4b-it"),
    ("Qwen/Qwen3-4B-Instruct-2507", "Qwen3-4B-Instruct-2507"),
    ("Qwen3-4B-Thinking-2507", "Qwen3-4B-Instruct-2507"),
    ("deepseek-ai/DeepSeek-Coder-V2-Lite-Instruct", "DeepSeek-Coder-V2-Lite-Instruct"),
    ("moonshotai/Kimi-Dev-72B", "Kimi-Dev-72B"),
    ("nvidia/OpenReasoning-Nemotron-32B", "OpenReasoning-Nemotron-32B"),
    ("baichuan-inc/Baichuan-M2-32B", "Baichuan-M2-32B"),
    ("allenai/olmOCR-2-7B-1025", "olmOCR-2-7B-1025"),
    ("deepcogito/cogito-v2-preview-llama-70B", "cogito-v2-preview-llama-70B"),
    ("meta-llama/Llama-3.2-11B-Vision-Instruct", "Llama-3.2-11B-Vision"),
    ("Llama-3.2-90B-Vision-Instruct", "Llama-3.2-90B-Vision"),
    ("mistralai/Pixtral-12B-2409", "Pixtral-12B-2409"),
    ("bigcode/starcoder2-3b", "starcoder2-3b"),
    ("microsoft/Phi-3.5-MoE-instruct", "Phi-3.5-MoE-instruct"),
    ("internlm/internlm3-8b-instruct", "internlm3-8b-instruct"),
    ("CohereForAI/aya-expanse-8b", "aya-expanse-8b"),
    ("mistralai/Voxtral-Mini-3B-2507", "Voxtral-Mini-3B-2507"),
    ("Voxtral-Small-24B-2507", "Voxtral-Small-24B-2507"),
    ("Qwen/Qwen3-Embedding-8B", "Qwen3-Embedding-8B"),
    ("Qwen3-Embedding-0.6B", "Qwen3-Embedding-0.6B"),
]


@pytest.mark.parametrize(("name", "entry"), RESOLVES)
def test_common_spellings_find_the_checkpoint_not_an_approximation(name: str, entry: str) -> None:
    spec = resolve(name)
    assert not spec.approximate
    found = catalog.find(name)
    assert found is not None and found[0].name == entry


# The checkpoint's own config, not its base's: the window and vocabulary people load.
OWN_CONFIG = [
    ("QwQ-32B", 40960, 152064),  # QwQ-32B config.json: max_position_embeddings 40960
    ("QwQ-32B-Preview", 32768, 152064),
    ("Phi-4-reasoning", 32768, 100352),  # Phi-4-reasoning model card: 32k tokens (Phi-4: 16k)
    ("Qwen3-4B-Instruct-2507", 262144, 151936),  # model card: 262,144 natively (Qwen3-4B: 40,960)
    ("Yi-1.5-6B", 4096, 64000),  # Yi-1.5 model card: 4K
    ("Falcon3-1B-Instruct", 8192, 131072),
    ("Falcon3-10B-Instruct", 32768, 131072),
    ("SmolLM2-135M", 8192, 49152),
    ("granite-3.3-8b-instruct", 131072, 49159),
    ("gemma-3-270m", 32768, 262144),
]


@pytest.mark.parametrize(("name", "context", "vocab"), OWN_CONFIG)
def test_the_checkpoint_keeps_its_own_window_and_vocabulary(name: str, context: int, vocab: int) -> None:
    spec = resolve(name)
    assert (spec.max_position_embeddings, spec.vocab_size) == (context, vocab)
    assert spec.weight_format.dtype == "bf16"


# Totals only published rounded: (name, published billions, the rounding step, source)
ROUNDED = [
    # public model tables: Falcon3-7B-Instruct 7.5B, Falcon3-10B-Instruct 10.3B (20.6 GB in BF16)
    ("Falcon3-7B-Instruct", 7.5, 0.05),
    ("Falcon3-10B-Instruct", 10.3, 0.05),
    # public model table: nvidia/Llama-3_1-Nemotron-Ultra-253B-v1 253.4B, 506.8 GB in BF16
    ("Llama-3.1-Nemotron-Ultra-253B-v1", 253.4, 0.05),
    # public model tables list nvidia/Llama-3_3-Nemotron-Super-49B-v1_5 at 49.9B
    ("Llama-3.3-Nemotron-Super-49B-v1.5", 49.9, 0.05),
    # meta-llama/Llama-3.2-90B-Vision-Instruct: 88.6B on the Hub model page
    ("Llama-3.2-90B-Vision", 88.6, 0.05),
    # bigcode/starcoder2-3b: 3.03B on the Hub model page
    ("starcoder2-3b", 3.03, 0.005),
    # Phi-3.5-MoE-instruct: 41.9B on the Hub model page
    ("Phi-3.5-MoE-instruct", 41.9, 0.05),
    # internlm3-8b-instruct model card: "an 8-billion parameter instruction model" (8.8B on the Hub page)
    ("internlm3-8b-instruct", 8.8, 0.05),
    # mistralai/Voxtral-Mini-3B-2507 and -Small-24B-2507: 4.68B and 24.3B on the Hub model pages
    ("Voxtral-Mini-3B-2507", 4.68, 0.005),
    ("Voxtral-Small-24B-2507", 24.3, 0.05),
    # MedGemma model card: 27B (text-only)
    ("medgemma-27b-text-it", 27.0, 0.5),
]


@pytest.mark.parametrize(("name", "billions", "step"), ROUNDED)
def test_rounded_published_totals(name: str, billions: float, step: float) -> None:
    assert abs(total_params(resolve(name)) / 1e9 - billions) <= step


def test_gemma_3_270m_is_170m_of_embeddings_and_100m_of_blocks() -> None:
    # Google's Gemma 3 270M launch post: "170 million embedding parameters ... 100 million for our
    # transformer blocks" (https://developers.googleblog.com/en/introducing-gemma-3-270m/)
    spec = resolve("gemma-3-270m")
    embeddings = spec.vocab_size * spec.hidden_size
    assert round(embeddings / 1e7) == 17
    assert round((total_params(spec) - embeddings) / 1e8) == 1


def test_medgemma_27b_text_is_gemma_3_27b_without_its_vision_tower() -> None:
    text, full = resolve("medgemma-27b-text-it"), resolve("gemma-3-27b")
    assert text.vision is None and full.vision is not None
    assert total_params(text) == total_params(full) - full.extra_params


def test_pixtral_12b_is_mistral_nemo_plus_a_400m_vision_encoder() -> None:
    # https://mistral.ai/news/pixtral-12b: "a new 400M parameter vision encoder" and "a 12B parameter
    # multimodal decoder based on Mistral Nemo" (Mistral-Nemo-Base-2407: 12,247,782,400 on the Hub)
    spec, nemo = resolve("mistralai/Pixtral-12B-2409"), resolve("Mistral-Nemo-Base-2407")
    assert spec.vision is not None and spec.vision.merge_size == 1  # no patch merger in Pixtral 12B
    tower = spec.extra_params
    assert total_params(spec) - tower == total_params(nemo) == 12247782400
    assert round(tower / 1e8) == 4  # 0.40B tower + 0.03B projector


def test_llama_3_2_vision_caches_only_its_self_attention_blocks() -> None:
    # transformers modeling_mllama.py MllamaTextModel.forward skips the cross-attention blocks of a
    # text-only request; the 11B has 8 of them among 40 (cross_attention_layers 3, 8, ..., 38)
    from llmsize import Workload, estimate

    spec = resolve("Llama-3.2-11B-Vision-Instruct")
    assert sum(spec.has_kv(i) for i in range(spec.num_layers)) == 32
    kv = estimate(spec, Workload(context=8192)).kv_cache_bytes
    assert kv == 32 * 2 * 8 * 128 * 2 * 8192


def test_phi_3_5_moe_reads_two_of_sixteen_experts() -> None:
    # Phi-3.5-MoE-instruct model card: "6.6B active parameters when using 2 experts"
    from llmsize.specs.params import active_params

    spec = resolve("microsoft/Phi-3.5-MoE-instruct")
    assert spec.is_moe and (spec.num_experts, spec.num_experts_per_tok) == (16, 2)
    assert round(active_params(spec) / 1e8) == 66


@pytest.mark.parametrize(
    ("name", "entry"),
    [("qwq", "QwQ-32B"), ("granite3.3", "granite-3.3-8b-instruct"),
     ("falcon3", "Falcon3-7B-Instruct"), ("phi4-reasoning", "Phi-4-reasoning")],
)  # fmt: skip
def test_a_bare_ollama_library_pulls_its_latest_tag_as_q4_k_m(name: str, entry: str) -> None:
    # ollama.com/library/<name>: the untagged pull is `latest`, a Q4_K_M GGUF for these 2024-25 libraries
    # (smollm2's latest, 1.7b, is Q8_0: tests/golden/test_catalog_labels.py)
    spec = resolve(name)
    assert spec.weight_format.gguf_type == "Q4_K_M"
    assert total_params(spec) == total_params(resolve(entry))
