"""GGUF block sizes checked against the block structs of ggml's ggml-common.h, field by field.

`quant_formats.ggml_type_sizes` takes its table from the gguf package (GGML_QUANT_SIZES). Each row
below is written from the struct itself, as the header declares it (ggml-org/llama.cpp
ggml/src/ggml-common.h, read at commit 01243c5): the values a block holds (QK_K = 256 for the
super-block types) and the bytes of its fields (ggml_half = 2 bytes, uint16_t = 2, uint8_t = 1,
float = 4). The header's own comments state the bits per weight of several of them ("1.5625 bpw",
"2.0625 bpw", "1.6875 bpw", ...), which the last test compares with.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from llmsize.estimate import quant_formats as qf

QK_K = 256
HALF = 2  # ggml_half
U16 = 2

# type -> (values per block, [field bytes ...]) as each struct declares its fields.
STRUCTS: dict[str, tuple[int, list[int]]] = {
    # block_iq1_s: ggml_half d; uint8_t qs[QK_K/8]; uint16_t qh[QK_K/32]
    "IQ1_S": (QK_K, [HALF, QK_K // 8, QK_K // 32 * U16]),
    # block_iq1_m: uint8_t qs[QK_K/8]; uint8_t qh[QK_K/16]; uint8_t scales[QK_K/32] (the fp16 scale
    # is spread over the scales' top bits, iq1m_scale_t)
    "IQ1_M": (QK_K, [QK_K // 8, QK_K // 16, QK_K // 32]),
    # block_iq2_xxs: ggml_half d; uint16_t qs[QK_K/8]
    "IQ2_XXS": (QK_K, [HALF, QK_K // 8 * U16]),
    # block_iq2_xs: ggml_half d; uint16_t qs[QK_K/8]; uint8_t scales[QK_K/32]
    "IQ2_XS": (QK_K, [HALF, QK_K // 8 * U16, QK_K // 32]),
    # block_iq2_s: ggml_half d; uint8_t qs[QK_K/4]; uint8_t qh[QK_K/32]; uint8_t scales[QK_K/32]
    "IQ2_S": (QK_K, [HALF, QK_K // 4, QK_K // 32, QK_K // 32]),
    # block_iq3_xxs: ggml_half d; uint8_t qs[3*QK_K/8]
    "IQ3_XXS": (QK_K, [HALF, 3 * QK_K // 8]),
    # block_iq3_s: ggml_half d; qs[QK_K/4]; qh[QK_K/32]; signs[QK_K/8]; scales[QK_K/64]
    "IQ3_S": (QK_K, [HALF, QK_K // 4, QK_K // 32, QK_K // 8, QK_K // 64]),
    # block_iq4_nl (QK4_NL = 32): ggml_half d; uint8_t qs[QK4_NL/2]
    "IQ4_NL": (32, [HALF, 32 // 2]),
    # block_iq4_xs: ggml_half d; uint16_t scales_h; uint8_t scales_l[QK_K/64]; uint8_t qs[QK_K/2]
    "IQ4_XS": (QK_K, [HALF, U16, QK_K // 64, QK_K // 2]),
    # block_tq1_0: uint8_t qs[(QK_K - 4*QK_K/64)/5] (5 ternary values a byte); qh[QK_K/64]; ggml_half d
    "TQ1_0": (QK_K, [(QK_K - 4 * QK_K // 64) // 5, QK_K // 64, HALF]),
    # block_tq2_0: uint8_t qs[QK_K/4]; ggml_half d
    "TQ2_0": (QK_K, [QK_K // 4, HALF]),
    # block_mxfp4 (QK_MXFP4 = 32): uint8_t e (E8M0); uint8_t qs[QK_MXFP4/2]
    "MXFP4": (32, [1, 32 // 2]),
    # block_q2_K: scales[QK_K/16]; qs[QK_K/4]; ggml_half d, dmin
    "Q2_K": (QK_K, [QK_K // 16, QK_K // 4, 2 * HALF]),
    # block_q3_K: hmask[QK_K/8]; qs[QK_K/4]; scales[12]; ggml_half d
    "Q3_K": (QK_K, [QK_K // 8, QK_K // 4, 12, HALF]),
    # block_q4_K: ggml_half d, dmin; scales[K_SCALE_SIZE = 12]; qs[QK_K/2]
    "Q4_K": (QK_K, [2 * HALF, 12, QK_K // 2]),
    # block_q5_K: ggml_half d, dmin; scales[12]; qh[QK_K/8]; qs[QK_K/2]
    "Q5_K": (QK_K, [2 * HALF, 12, QK_K // 8, QK_K // 2]),
    # block_q6_K: ql[QK_K/2]; qh[QK_K/4]; int8 scales[QK_K/16]; ggml_half d
    "Q6_K": (QK_K, [QK_K // 2, QK_K // 4, QK_K // 16, HALF]),
    # block_q8_0 (QK8_0 = 32): ggml_half d; int8_t qs[32]
    "Q8_0": (32, [HALF, 32]),
    # block_q4_0 (QK4_0 = 32): ggml_half d; uint8_t qs[16]
    "Q4_0": (32, [HALF, 16]),
    # block_q5_0: ggml_half d; uint8_t qh[4]; uint8_t qs[16]
    "Q5_0": (32, [HALF, 4, 16]),
}

# Bits per weight the header's comments state next to the struct.
STATED_BPW = {
    "IQ1_S": Fraction(15625, 10000),
    "IQ1_M": Fraction(175, 100),
    "IQ2_XXS": Fraction(20625, 10000),
    "IQ2_XS": Fraction(23125, 10000),
    "IQ2_S": Fraction(25625, 10000),
    "IQ3_XXS": Fraction(30625, 10000),
    "IQ3_S": Fraction(34375, 10000),
    "TQ1_0": Fraction(16875, 10000),
    "TQ2_0": Fraction(20625, 10000),
    "Q2_K": Fraction(2625, 1000),
    "Q3_K": Fraction(34375, 10000),
    "Q4_K": Fraction(45, 10),
    "Q5_K": Fraction(55, 10),
    "Q6_K": Fraction(65625, 10000),
}


@pytest.mark.parametrize("type_name", sorted(STRUCTS))
def test_block_size_equals_the_struct(type_name: str) -> None:
    values, fields = STRUCTS[type_name]
    assert qf.ggml_type_sizes()[type_name] == (values, sum(fields))


@pytest.mark.parametrize("type_name", sorted(STATED_BPW))
def test_bits_per_weight_as_the_header_states(type_name: str) -> None:
    values, size = qf.ggml_type_sizes()[type_name]
    assert Fraction(size * 8, values) == STATED_BPW[type_name]


def test_newer_types_cost_whole_blocks() -> None:
    # IQ4_XS: 136 bytes / 256 values -> 4.25 bpw; MXFP4: 17 bytes / 32 -> 4.25 bpw; a row that is
    # not a whole number of blocks still pays for the last block.
    assert qf.ggml_tensor_bytes("IQ4_XS", 4096 * 4096) == 4096 * 4096 // 256 * 136
    assert qf.ggml_tensor_bytes("MXFP4", 2880 * 2880) == 2880 * 2880 // 32 * 17
    assert qf.ggml_tensor_bytes("TQ1_0", 257) == 2 * 54
