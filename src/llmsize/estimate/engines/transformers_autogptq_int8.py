"""auto-gptq's 8-bit GPTQ linear as transformers 4.35-4.48 run it (optimum + auto-gptq), and the bytes it
moves beyond the checkpoint's.

Which kernel: auto-gptq 0.7.1 `dynamically_import_QuantLinear` (auto_gptq/utils/import_utils.py) takes the
marlin, exllama v2 and exllama kernels only for `bits == 4`; an 8-bit checkpoint without act-order
(Qwen's GPTQ-Int8: desc_act false, group_size 128) gets `qlinear_cuda_old.QuantLinear`.
What it moves: its `forward` (auto_gptq/nn_modules/qlinear/qlinear_cuda_old.py) calls
`vecquant8matmul_old(x.float(), qweight, out, self.scales.float(), qzeros, group_size)`: every call first
converts the fp16 group scales to a new fp32 tensor (read 2 bytes, write 4) that the kernel then reads
(4), where the checkpoint holds 2 bytes per scale: 8 bytes more per scale, one scale per `group_size`
weights of one byte each. The weights' own stream is counted at the shared int8 share; this is the
part of it the scale copies take.
"""

from __future__ import annotations

# REFERENCE: Qwen's GPTQ-Int8 quantize_config (group_size 128), GPTQ's default group size.
GROUP_SIZE = 128
# fp16 scale read + fp32 copy written + fp32 copy read by the kernel, less the checkpoint's fp16 read.
EXTRA_SCALE_BYTES = 2 + 4 + 4 - 2
# Bytes per weight the checkpoint streams: the int8 weight, its fp16 scale and packed 8-bit zero per group.
CHECKPOINT_BYTES_PER_WEIGHT = 1 + (2 + 1) / GROUP_SIZE


def scale_copy_share(group_size: int = GROUP_SIZE) -> float:
    """Share of the 8-bit kernel's traffic that is the checkpoint's bytes (the rest: the scale copies)."""
    checkpoint = 1 + 3 / group_size
    return checkpoint / (checkpoint + EXTRA_SCALE_BYTES / group_size)
