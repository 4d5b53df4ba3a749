"""gpt-oss's MXFP4 experts in SGLang on SM100 (estimate/engines/sglang_mxfp4.py).

Rules checked against SGLang's source (sgl-project/sglang):
- server_args.py `_handle_model_specific_adjustments`, GptOssForCausalLM: SM100 + MXFP4 -> flashinfer_mxfp4;
- layers/quantization/mxfp4.py `Mxfp4MoEMethod.create_weights`: with it, the expert width per partition and
  the hidden size round up to 256, so gpt-oss's 2,880 become 3,072 (w13 [E, 2 x 3,072, 3,072 / 2] bytes);
- `process_weights_after_loading`: the biases are kept in float32.
- SM120 (consumer/workstation Blackwell): server_args.py picks triton_kernel, later marlin, and
  create_weights pads to 256 only under `is_sm100_supported` (major 10), so the checkpoint layout stays.
  (SGLang PR #32668's SM120 FlashInfer CUTLASS default is not modelled: see the module docstring.)
Expected sizes are written out from gpt-oss-20b's config.json (hidden 2,880, intermediate 2,880, 32 experts,
24 layers) by hand, not read back from the code.
"""

from __future__ import annotations

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.specs.resolve import resolve
from llmsize.units import MIB

E, LAYERS = 32, 24
# One layer's experts as the checkpoint stores them: 4-bit values + one E8M0 byte per 32, bf16 biases.
STORED = E * (5760 * 2880 // 2 + 5760 * 2880 // 32 + 5760 * 2) + E * (
    2880 * 2880 // 2 + 2880 * 2880 // 32 + 2880 * 2
)
# As SGLang holds them on SM100: 2 x 3,072 x 3,072 and 3,072 x 3,072, fp32 biases.
PADDED = E * (6144 * 3072 // 2 + 6144 * 3072 // 32 + 6144 * 4) + E * (
    3072 * 3072 // 2 + 3072 * 3072 // 32 + 3072 * 4
)
W2_SCALE = E * 3072 * 3072 // 32  # 9 MiB: a block of a 20 MiB segment it holds alone


def _weights(**gpu: str) -> int:
    wl = Workload(engine="sglang", context=4096, **gpu)  # type: ignore[arg-type]
    return estimate(resolve("gpt-oss-20b"), wl, explained=False).weights_bytes


def test_sm100_pads_gpt_oss_experts_to_the_trtllm_gen_layout() -> None:
    hopper = _weights(gpu_architecture="hopper", gpu_segment="datacenter")
    b200 = _weights(gpu_architecture="blackwell", gpu_segment="datacenter")
    assert W2_SCALE == 9 * MIB
    assert b200 - hopper == LAYERS * (PADDED - STORED + 20 * MIB - W2_SCALE)


def test_blackwell_ultra_is_sm100_too() -> None:
    assert _weights(gpu_architecture="blackwell-ultra", gpu_segment="datacenter") == _weights(
        gpu_architecture="blackwell", gpu_segment="datacenter"
    )


def test_consumer_and_workstation_blackwell_are_sm120_and_keep_the_checkpoint_layout() -> None:
    hopper = _weights(gpu_architecture="hopper", gpu_segment="datacenter")
    b200 = _weights(gpu_architecture="blackwell", gpu_segment="datacenter")
    for segment in ("consumer", "workstation"):
        sm120 = _weights(gpu_architecture="blackwell", gpu_segment=segment)
        # No 256-wide trtllm-gen layout, no fp32 biases, no held 20 MiB segment: the SM100 extra is absent.
        assert sm120 == hopper
        assert b200 - sm120 == LAYERS * (PADDED - STORED + 20 * MIB - W2_SCALE)
