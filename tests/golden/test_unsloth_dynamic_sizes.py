"""Unsloth Dynamic GGUF sizes from the label alone against the file sizes the Hub lists for them.

Sizes are the sums of the shard sizes on each folder's Hugging Face file list (decimal GB, as the Hub
prints them). The rule under test (specs/unsloth.py): for MoE files of 2.5 bits or fewer, Unsloth keeps
everything but the routed experts at 4-6 bits (https://unsloth.ai/blog/deepseekr1-dynamic). Unsloth's
mixes are per model and per release, so the tolerance is wide and stated per row; the rows the rule does
not reach (routed experts Unsloth also raises) are checked for the direction of their known miss.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.weights import model_weight_bytes
from llmsize.specs import resolve

GB = 1e9

# (name, published GB, tolerance, source)
WITHIN = [
    # https://huggingface.co/unsloth/DeepSeek-R1-GGUF/tree/main/DeepSeek-R1-UD-IQ1_S:
    # "49.3 GB", "49.4 GB", "41.5 GB" (the blog's "131GB" is GiB)
    ("unsloth/DeepSeek-R1-GGUF:UD-IQ1_S", 49.3 + 49.4 + 41.5, 0.03),
    # https://huggingface.co/unsloth/DeepSeek-R1-GGUF/tree/90bbbcf503d0e2566d397c2309897432053e5b58/
    # DeepSeek-R1-UD-IQ2_XXS: "49.1 GB", "49.8 GB", "49.8 GB", "47.5 GB"
    ("unsloth/DeepSeek-R1-GGUF:UD-IQ2_XXS", 49.1 + 49.8 + 49.8 + 47.5, 0.10),
    # https://unsloth.ai/blog/deepseekr1-dynamic table: "1.73-bit 158GB IQ1_M" (GiB, as the IQ1_S row)
    ("unsloth/DeepSeek-R1-GGUF:UD-IQ1_M", 158 * 2**30 / GB, 0.10),
    # https://huggingface.co/unsloth/DeepSeek-V3.1-GGUF/tree/main/UD-Q2_K_XL: "50 GB", "48.6 GB",
    # "49.6 GB", "49.3 GB", "48.9 GB", "9.35 GB"
    ("unsloth/DeepSeek-V3.1-GGUF:UD-Q2_K_XL", 50 + 48.6 + 49.6 + 49.3 + 48.9 + 9.35, 0.05),
    # https://huggingface.co/unsloth/DeepSeek-V3-0324-GGUF/tree/main/UD-Q4_K_XL: folder "405 GB"
    ("unsloth/DeepSeek-V3-0324-GGUF:UD-Q4_K_XL", 405, 0.02),
    # https://huggingface.co/unsloth/DeepSeek-V3.1-GGUF/tree/main/UD-Q5_K_XL: folder "485 GB"
    ("unsloth/DeepSeek-V3.1-GGUF:UD-Q5_K_XL", 485, 0.03),
    # https://huggingface.co/unsloth/GLM-4.6-GGUF/tree/main/UD-Q5_K_XL: "49.4 GB", "49.9 GB", "49.9 GB",
    # "49.9 GB", "50 GB", "2.87 GB"
    ("unsloth/GLM-4.6-GGUF:UD-Q5_K_XL", 49.4 + 49.9 * 3 + 50 + 2.87, 0.02),
    # https://huggingface.co/unsloth/GLM-4.6-GGUF/tree/main/UD-Q3_K_XL: "49.7 GB", "49.8 GB", "49.6 GB",
    # "8.91 GB" (the Q3_K_M rules raise more tensors than Unsloth's mix: above)
    ("unsloth/GLM-4.6-GGUF:UD-Q3_K_XL", 49.7 + 49.8 + 49.6 + 8.91, 0.08),
]

# Low-bit files whose routed experts Unsloth also raises: still under the Hub's size, but closer than
# every tensor at the label type's rules.
UNDER = [
    # https://huggingface.co/unsloth/GLM-4.6-GGUF/tree/main/UD-IQ1_M: "49.8 GB", "49.8 GB", "7.63 GB"
    ("unsloth/GLM-4.6-GGUF:UD-IQ1_M", 49.8 + 49.8 + 7.63),
    # https://huggingface.co/unsloth/GLM-4.6-GGUF/tree/main/UD-IQ2_XXS: "49.8 GB", "50 GB", "15.6 GB"
    ("unsloth/GLM-4.6-GGUF:UD-IQ2_XXS", 49.8 + 50 + 15.6),
    # https://huggingface.co/unsloth/DeepSeek-V3-0324-GGUF/tree/main/UD-IQ2_XXS: "48.4 GB", "49.8 GB",
    # "49.1 GB", "49.2 GB", "22.1 GB"
    ("unsloth/DeepSeek-V3-0324-GGUF:UD-IQ2_XXS", 48.4 + 49.8 + 49.1 + 49.2 + 22.1),
]


def _gb(name: str) -> float:
    spec = resolve.resolve(name)
    return model_weight_bytes(spec, spec.weight_format) / GB


@pytest.mark.parametrize(("name", "published", "tolerance"), WITHIN)
def test_ud_file_size_within_tolerance_of_the_hub(name: str, published: float, tolerance: float) -> None:
    assert _gb(name) == pytest.approx(published, rel=tolerance)


@pytest.mark.parametrize(("name", "published"), UNDER)
def test_low_bit_moe_rule_moves_toward_the_hub_size(name: str, published: float) -> None:
    spec = resolve.resolve(name)
    plain = spec.weight_format.model_copy(update={"gguf_tensor_types": ()})
    ruled = model_weight_bytes(spec, spec.weight_format) / GB
    assert model_weight_bytes(spec, plain) / GB < ruled < published


def test_low_bit_moe_rule_keeps_attention_and_shared_experts_higher() -> None:
    spec = resolve.resolve("unsloth/DeepSeek-R1-GGUF:UD-IQ1_S")
    pins = dict(spec.weight_format.gguf_tensor_types)
    assert pins["shared_expert.*"] == "Q6_K"
    assert pins["attn.*"] == "recipe:Q4_K_M"
    assert "expert.*" not in pins  # the routed experts keep IQ1_S's own rules
    assert any("deepseekr1-dynamic" in w for w in spec.warnings)


def test_dense_model_and_q4_label_get_no_moe_pins() -> None:
    assert not resolve.resolve("Qwen3-8B-UD-IQ1_S").weight_format.gguf_tensor_types
    assert not resolve.resolve("unsloth/DeepSeek-V3.1-GGUF:UD-Q4_K_XL").weight_format.gguf_tensor_types


def test_quant_option_applies_or_drops_the_rule() -> None:
    """`--quant UD-IQ1_S` on the model gives the UD file's size; `--quant Q8_0` on a UD-IQ1_S name is
    llama.cpp's own Q8_0 file, with no Unsloth pin left in it."""
    from llmsize.estimate.weights import effective_format
    from llmsize.estimate.workload import Engine, Workload

    spec = resolve.resolve("DeepSeek-R1")
    named = resolve.resolve("unsloth/DeepSeek-R1-GGUF:UD-IQ1_S")
    by_option, _ = effective_format(spec, Workload(engine=Engine.LLAMA_CPP, quant="UD-IQ1_S"))
    assert model_weight_bytes(spec, by_option) == model_weight_bytes(named, named.weight_format)
    q8, _ = effective_format(named, Workload(engine=Engine.LLAMA_CPP, quant="Q8_0"))
    plain_q8, _ = effective_format(spec, Workload(engine=Engine.LLAMA_CPP, quant="Q8_0"))
    assert not q8.gguf_tensor_types
    assert model_weight_bytes(named, q8) == model_weight_bytes(spec, plain_q8)
