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


# --- UD-*_XL files against llama-bench's "size" column (GiB, the sum of the text GGUF's tensors), from
# kyuz0's toolbox logs. KS = https://github.com/kyuz0/amd-strix-halo-toolboxes/blob/ and
# KB = https://github.com/kyuz0/intel-b70-ai-toolboxes/blob/3bdba70084754b2298f813c87f7431ba69857356/
# benchmark/llamacpp-bench-b70/. Sized as `estimate --engine llama.cpp` sizes them (the vision tower is
# the separate mmproj file). Each tolerance is the row's known miss (Unsloth's per-model mix), not a fit;
# the rule under test for Q8_K_XL is Unsloth's hybrid-model one (attention and mixers at BF16).
GiB = 2**30
XL_SIZES = [
    # KS 08aa7bc026cb730fbf70a414b0fa5ca802fb72f5/benchmark/results/Qwen3.6-27B-UD-Q8_K_XL__rocm-7_2_3
    # __fa1.log: "| qwen35 27B Q8_0 | 33.31 GiB |" (35776484480 bytes on r/LocalLLaMA, via
    # prismix.dev/news/0174b59ba606)
    ("unsloth/Qwen3.6-27B-GGUF:UD-Q8_K_XL", 33.31, 0.03),
    # KS 08aa7bc0.../Qwen3.6-35B-A3B-UD-Q8_K_XL__rocm-7_2_3__fa1.log: "| qwen35moe 35B.A3B Q8_0 | 35.80 GiB |"
    ("unsloth/Qwen3.6-35B-A3B-GGUF:UD-Q8_K_XL", 35.80, 0.03),
    # KS 08aa7bc0.../gemma-4-26B-A4B-it-UD-Q8_K_XL__rocm-7_2_3__fa1.log: "| gemma4 26B.A4B Q8_0 | 25.94 GiB |"
    ("unsloth/gemma-4-26B-A4B-it-GGUF:UD-Q8_K_XL", 25.94, 0.05),
    # KS 08aa7bc0.../gemma-4-31B-it-UD-Q8_K_XL__rocm-7_2_3__fa1.log: "| gemma4 31B Q8_0 | 32.60 GiB |"
    ("unsloth/gemma-4-31B-it-GGUF:UD-Q8_K_XL", 32.60, 0.08),
    # KS a7ace8dba7c6914a8cae658cc4c4abf4efb3e4a9/benchmark/results/04-02-2026/Llama-3.3-70B-Instruct-
    # UD-Q8_K_XL-00001-of-00002__rocm-7_2__fa1.log: "| llama 70B Q8_0 | 75.65 GiB |" (no published rule:
    # Q8_0 stands in)
    ("unsloth/Llama-3.3-70B-Instruct-GGUF:UD-Q8_K_XL", 75.65, 0.09),
    # KS 7aa6e6dea905813ef933b534371b1425d3c90c15/benchmark/results/29-03-2026/Qwen3-30B-A3B-Instruct-2507-
    # UD-Q6_K_XL__rocm-7_2__fa1.log: "| qwen3moe 30B.A3B Q6_K | 24.53 GiB |"
    ("unsloth/Qwen3-30B-A3B-Instruct-2507-GGUF:UD-Q6_K_XL", 24.53, 0.06),
    # KS 08aa7bc0.../Qwen3.5-122B-A10B-UD-Q5_K_XL-00001-of-00003__rocm-7_2_3__fa1.log:
    # "| qwen35moe 122B.A10B Q5_K - Medium | 85.60 GiB |"
    ("unsloth/Qwen3.5-122B-A10B-GGUF:UD-Q5_K_XL", 85.60, 0.07),
    # KB Qwen3.6-27B-UD-Q4_K_XL__vulkan__fa1.log: "| qwen35 27B Q4_K - Medium | 16.39 GiB |"
    ("unsloth/Qwen3.6-27B-GGUF:UD-Q4_K_XL", 16.39, 0.07),
    # KB gemma-4-31B-it-UD-Q4_K_XL__vulkan__fa1.log: "| gemma4 31B Q4_K - Medium | 17.46 GiB |"
    ("unsloth/gemma-4-31B-it-GGUF:UD-Q4_K_XL", 17.46, 0.02),
    # KS 7aa6e6de.../results/29-03-2026/Qwen3-235B-A22B-Instruct-2507-UD-Q3_K_XL-00001-of-00003__rocm-7_2
    # __fa1.log: "| qwen3moe 235B.A22B Q3_K - Medium | 96.99 GiB |"
    ("unsloth/Qwen3-235B-A22B-Instruct-2507-GGUF:UD-Q3_K_XL", 96.99, 0.09),
]


def _llama_cpp_gib(name: str, *, pins: bool = True) -> float:
    """The file's weights as `estimate NAME --engine llama.cpp` sizes them; without the UD pins if told."""
    from llmsize.estimate.weights import effective_format
    from llmsize.estimate.workload import Engine, Workload

    spec = resolve.resolve(name)
    fmt, _ = effective_format(spec, Workload(engine=Engine.LLAMA_CPP))
    if not pins:  # keep only the mmproj rule (the tower is not in the text file)
        kept = tuple(pin for pin in fmt.gguf_tensor_types if pin[0] == "other.extra")
        fmt = fmt.model_copy(update={"gguf_tensor_types": kept})
    return model_weight_bytes(spec, fmt) / GiB


@pytest.mark.parametrize(("name", "published", "tolerance"), XL_SIZES)
def test_ud_xl_size_against_llama_bench(name: str, published: float, tolerance: float) -> None:
    assert _llama_cpp_gib(name) == pytest.approx(published, rel=tolerance)


@pytest.mark.parametrize(
    ("name", "published"),
    [
        # KB Qwen3.5-9B-UD-Q8_K_XL__vulkan__fa1.log: "| qwen35 9B Q8_0 | 12.07 GiB | 8.95 B |"
        ("unsloth/Qwen3.5-9B-GGUF:UD-Q8_K_XL", 12.07),
        ("unsloth/Qwen3.6-27B-GGUF:UD-Q8_K_XL", 33.31),
        # KS 7aa6e6de.../results/29-03-2026/Qwen3-Next-80B-A3B-Instruct-UD-Q8_K_XL-00001-of-00002__rocm-7_2
        # __fa1.log: "| qwen3next 80B.A3B Q8_0 | 86.68 GiB |"
        ("unsloth/Qwen3-Next-80B-A3B-Instruct-GGUF:UD-Q8_K_XL", 86.68),
        # KS a7ace8db.../results/04-02-2026/Nemotron-3-Nano-30B-A3B-UD-Q8_K_XL__rocm-7_2__fa1.log:
        # "| nemotron_h_moe 31B.A3.5B Q8_0 | 37.66 GiB |"
        ("unsloth/Nemotron-3-Nano-30B-A3B-GGUF:UD-Q8_K_XL", 37.66),
    ],
)
def test_hybrid_q8_rule_moves_toward_llama_bench(name: str, published: float) -> None:
    """Q8_0's rules alone put these hybrid files 9-27% under; the BF16 attention/mixer rule is closer and
    not above (Unsloth raises more in Qwen3.5-9B, Qwen3-Next and Nemotron-H than attention and mixers)."""
    plain, ruled = _llama_cpp_gib(name, pins=False), _llama_cpp_gib(name)
    assert plain < ruled < published * 1.01


def test_hybrid_q8_rule_pins_attention_and_mixers_only_on_hybrid_q8_k_xl() -> None:
    pins = dict(resolve.resolve("unsloth/Qwen3.6-27B-GGUF:UD-Q8_K_XL").weight_format.gguf_tensor_types)
    assert pins == {"attn.*": "BF16", "mixer.*": "BF16"}
    # a non-hybrid model, and a lower XL type of a hybrid one, keep the nearest type's own rules
    assert not resolve.resolve(
        "unsloth/Llama-3.3-70B-Instruct-GGUF:UD-Q8_K_XL"
    ).weight_format.gguf_tensor_types
    assert not resolve.resolve("unsloth/Qwen3.6-27B-GGUF:UD-Q4_K_XL").weight_format.gguf_tensor_types


def test_quant_option_applies_or_drops_the_hybrid_rule() -> None:
    """`--quant UD-Q8_K_XL` gives the UD file's size; `--quant Q8_0` on a UD-Q8_K_XL name is plain Q8_0."""
    from llmsize.estimate.weights import effective_format
    from llmsize.estimate.workload import Engine, Workload

    spec = resolve.resolve("Qwen3.6-27B")
    named = resolve.resolve("unsloth/Qwen3.6-27B-GGUF:UD-Q8_K_XL")
    by_option, notes = effective_format(spec, Workload(engine=Engine.LLAMA_CPP, quant="UD-Q8_K_XL"))
    assert model_weight_bytes(spec, by_option) / GiB == _llama_cpp_gib(named.name)
    assert any("gguf-benchmarks" in n for n in notes)
    q8, _ = effective_format(named, Workload(engine=Engine.LLAMA_CPP, quant="Q8_0"))
    assert dict(q8.gguf_tensor_types).get("attn.*") is None
