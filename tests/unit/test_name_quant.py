"""A quant word in a name changes the estimate; a part nobody understood is said, never silently bf16."""

from __future__ import annotations

import math

import pytest

from llmsize.estimate import quant_formats as qf
from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.specs.models import QuantMethod
from llmsize.specs.resolve import resolve


def _weights(name: str) -> int:
    return estimate(resolve(name), Workload()).weights_bytes


def test_nvfp4_matches_the_packed_tensors() -> None:
    # compressed-tensors nvfp4-pack-quantized: weight_packed uint8 [out, in/2], weight_scale
    # float8_e4m3fn [out, in/16], weight_global_scale and input_global_scale float32 [1].
    i, o = 4096, 14336
    expected = sum(math.prod(s) * b for s, b in (((o, i // 2), 1), ((o, i // 16), 1), ((1,), 4), ((1,), 4)))
    assert qf.nvfp4_linear_bytes(i, o) == expected


@pytest.mark.parametrize(
    ("name", "method", "bits"),
    [
        ("Qwen2.5-7B-Instruct-w4a16", QuantMethod.COMPRESSED_TENSORS, 4),
        ("Qwen2.5-7B-Instruct-quantized.w4a16", QuantMethod.COMPRESSED_TENSORS, 4),
        ("Llama-3.1-8B-Instruct-quantized.w8a8", QuantMethod.COMPRESSED_TENSORS, 8),
        ("Qwen2.5-7B-Instruct-nvfp4", QuantMethod.NVFP4, 4),
        ("Qwen2.5-7B-Instruct-NVFP4", QuantMethod.NVFP4, 4),
    ],
)
def test_quant_words_in_a_name_set_the_format(name: str, method: QuantMethod, bits: int) -> None:
    spec = resolve(name)
    assert spec.weight_format.quant == method
    assert spec.weight_format.bits == bits
    plain = _weights(name.rsplit("-", 1)[0])
    quantized = _weights(name)
    # Linear layers hold nearly all parameters: 4-bit formats land well under a third of bf16,
    # 8-bit ones just over half (scales and the unquantized embeddings/head on top).
    if bits == 4:
        assert quantized < plain / 2.5
    else:
        assert plain / 2 < quantized < plain * 0.62


def test_w8a8_llama_checkpoint_size() -> None:
    # RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w8a8: int8 linear weights with one bf16 scale per
    # output channel, bf16 embeddings and lm_head. Linear params of Llama-3.1-8B: 32 layers x
    # (4096 x (4096 + 1024 + 1024 + 4096) + 3 x 4096 x 14336); embeddings 2 x 128256 x 4096.
    linear = 32 * (4096 * (4096 + 1024 + 1024 + 4096) + 3 * 4096 * 14336)
    scales = 32 * (4096 + 1024 + 1024 + 4096 + 2 * 14336 + 4096) * 2
    rest = (2 * 128256 * 4096 + 65 * 4096) * 2
    assert _weights("Llama-3.1-8B-Instruct-quantized.w8a8") == linear + scales + rest


@pytest.mark.parametrize(
    ("name", "hint"), [("Qwen2.5-7B-Instruct-AWQQ", "awq"), ("Qwen2.5-7B-Instruct-Q4KM", "Q4_K_M")]
)
def test_a_typo_is_said(name: str, hint: str) -> None:
    spec = resolve(name)
    assert spec.weight_format.quant is None
    said = [w for w in spec.warnings if "not understood" in w]
    assert said and hint in said[0], spec.warnings


def test_an_unmodelled_method_is_said() -> None:
    spec = resolve("Qwen2.5-7B-Instruct-hqq-4bit")
    assert any("'hqq'" in w and "does not model" in w for w in spec.warnings)


def test_an_exact_catalog_name_carries_no_name_warning() -> None:
    assert not [w for w in resolve("Qwen2.5-7B-Instruct").warnings if "name part" in w]


def test_quant_option_nvfp4_and_w8a8() -> None:
    base = resolve("Qwen2.5-7B").weight_format
    fmt = qf.parse_quant("nvfp4", base)
    assert fmt is not None and fmt.quant == QuantMethod.NVFP4
    fmt = qf.parse_quant("w8a8", base)
    assert fmt is not None and (fmt.quant, fmt.bits, fmt.group_size) == (
        QuantMethod.COMPRESSED_TENSORS,
        8,
        -1,
    )
