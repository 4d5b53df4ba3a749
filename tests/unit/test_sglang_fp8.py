"""SGLang's FP8 checkpoints on the GPU (estimate/engines/sglang_fp8.py).

Rules checked against SGLang 0.5.19's source (the PyPI wheel):
- fp8_utils.py `can_auto_enable_marlin_fp8`: 80 <= sm < 89 serves FP8 weights through Marlin;
- marlin_utils_fp8.py `prepare_fp8_layer_for_marlin`: the 128 x 128 fp32 block scales are deleted and
  (size_k / 128) x size_n scales in the model dtype replace them, the weight repacked at its size;
- srt/models/qwen3_5.py `Qwen3_5GatedDeltaNet`: in_proj_qkvz = [q, k, v, z] and in_proj_ba are one
  MergedColumnParallelLinear each, so their tensors are rounded to 2 MiB segments as one.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import sglang_fp8
from llmsize.estimate.placement import Stage
from llmsize.estimate.workload import Workload
from llmsize.specs.models import QuantMethod, WeightFormat
from llmsize.specs.resolve import resolve
from llmsize.units import MIB

FP8 = WeightFormat(dtype="bf16", quant=QuantMethod.FP8, bits=8)

# Qwen3.5-27B (hidden 5,120, MLP 17,408; 16 attention blocks with 24 query heads of 256 and an output
# gate, 4 KV heads; 48 gated delta-net blocks with 16 key heads and 48 value heads of 128), one TP-2 rank:
# (in, out, instances) of every FP8 linear layer, written out from config.json by hand.
QWEN35_27B_TP2 = [
    (5120, 6144, 16), (5120, 512, 16), (5120, 512, 16), (3072, 5120, 16),  # q (+gate), k, v, o
    (5120, 5120, 48), (5120, 3072, 48), (5120, 24, 48), (5120, 24, 48), (3072, 5120, 48),  # qkv z b a out
    (5120, 8704, 64), (5120, 8704, 64), (8704, 5120, 64),  # gate, up, down
]  # fmt: skip


def _weights(gpu_architecture: str | None) -> int:
    wl = Workload(
        engine="sglang", quant="fp8", tp=2, num_gpus=2, context=4096,  # type: ignore[arg-type]
        gpu_architecture=gpu_architecture,
    )  # fmt: skip
    return estimate(resolve("Qwen3.5-27B"), wl).weights_bytes


def test_marlin_only_below_sm89() -> None:
    assert sglang_fp8.uses_marlin(FP8, "ampere")  # A100 sm_80, RTX 3090 sm_86
    for arch in ("ada", "hopper", "blackwell", None):  # sm_89 has FP8 tensor cores
        assert not sglang_fp8.uses_marlin(FP8, arch)
    assert not sglang_fp8.uses_marlin(WeightFormat(dtype="bf16"), "ampere")


def test_gate_up_scales_of_one_rank() -> None:
    # gate_up_proj at TP 2: size_k 5,120, size_n 17,408. Block scales 136 x 40 fp32, Marlin 40 x 17,408 bf16
    assert sglang_fp8.checkpoint_scale_bytes(5120, 17408, 128) == 136 * 40 * 4
    assert sglang_fp8.marlin_scale_bytes(5120, 17408, 128) == 40 * 17408 * 2
    # per-tensor and per-channel scales become one per output column
    assert sglang_fp8.marlin_scale_bytes(5120, 17408, None) == 17408 * 2
    assert sglang_fp8.marlin_scale_bytes(5120, 17408, -1) == 17408 * 2


@given(st.integers(1, 64), st.integers(1, 64))
def test_marlin_scales_are_the_block_scale_repeated_over_its_128_columns(
    k_blocks: int, n_blocks: int
) -> None:
    k, n = 128 * k_blocks, 128 * n_blocks
    # one fp32 scale a 128 x 128 tile -> 128 bf16 copies of it: 64 times the bytes
    assert sglang_fp8.marlin_scale_bytes(k, n, 128) == 64 * sglang_fp8.checkpoint_scale_bytes(k, n, 128)


def test_ampere_holds_the_marlin_scales_instead_of_the_block_scales() -> None:
    delta = sum(
        count * ((k // 128) * n * 2 - -(-n // 128) * (k // 128) * 4) for k, n, count in QWEN35_27B_TP2
    )
    assert 0.17 * 2**30 < delta < 0.18 * 2**30  # about numel / 64: 0.18 GiB a rank
    assert _weights("ampere") - _weights("ada") == delta
    assert _weights("ada") == _weights("hopper") == _weights(None)


def test_fused_delta_net_projections_are_one_tensor_each() -> None:
    spec, wl = resolve("Qwen3.5-27B"), Workload(engine="sglang", quant="fp8", tp=2, num_gpus=2)  # type: ignore[arg-type]
    stage = Stage(0, tuple(range(spec.num_layers)), embedding=True, head=True)
    sizes = sglang_fp8.fp8_tensor_bytes(spec, wl, FP8, stage, marlin=False)
    # in_proj_qkvz: (2 x 2,048 + 2 x 6,144) / 2 outputs = 8,192: exactly 40 MiB, no rounding
    assert sizes.count(5120 * 8192) == 48
    assert sizes.count(5120 * 17408) == 64  # gate_up_proj, 85 MiB: 1 MiB of rounding
    assert 5120 * 5120 not in sizes  # in_proj_qkv never apart from z
    assert sizes.count(3072 * 5120) == 16 + 48  # o_proj and out_proj; in_proj_z would add 48


def test_fp8_segment_rounding_off_ampere() -> None:
    # Per rank, the FP8 weights of at least 10 MiB round up to 2 MiB: qkv_proj (35 MiB), o_proj (15),
    # out_proj (15) and gate_up_proj (85) by 1 MiB, down_proj (42.5) by 1.5; in_proj_qkvz (40) by nothing.
    fp8 = (16 * (1 + 1) + 48 * 1 + 64 * (1 + 1.5)) * MIB
    spec = resolve("Qwen3.5-27B")
    wl = Workload(engine="sglang", quant="fp8", tp=2, num_gpus=2, gpu_architecture="hopper")  # type: ignore[arg-type]
    stage = Stage(0, tuple(range(spec.num_layers)), embedding=True, head=True)
    extra = sglang_fp8.extra_bytes(spec, wl, FP8, stage)
    # the rest: the bf16 embedding, lm_head and vision tower, under 2 MiB each
    assert fp8 <= extra < fp8 + 3 * 2 * MIB
