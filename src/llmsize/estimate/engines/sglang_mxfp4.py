"""SGLang's gpt-oss MXFP4 experts on SM100: the trtllm-gen layout is wider than the checkpoint.

On an SM100 GPU (compute capability 10.x: B200, GB200, B300, GB300) SGLang runs GPT-OSS's MXFP4 experts
through FlashInfer's trtllm-gen kernel, and that kernel's layout costs memory the checkpoint does not:
- backend. server_args.py `_handle_model_specific_adjustments`, GptOssForCausalLM branch: with
  moe_runner_backend auto, an MXFP4 checkpoint on SM100 gets "flashinfer_mxfp4" ("Detected SM100 and
  MXFP4 quantization format for GPT-OSS model, enabling FlashInfer MXFP4 MOE kernel").
- SM120 (RTX 50, RTX PRO Blackwell) is modelled with the checkpoint layout, which holds for the releases
  whose server_args.py sends it to triton_kernel ("trtllm-gen only supports SM100") and to the later
  ones that send it to marlin: either way `create_weights` pads to 256 only under `is_sm100_supported`
  (capability major 10), else by 32 or 64 with triton_kernels installed, which gpt-oss's 2,880 already
  is at TP 1, and the fp32 bias cast sits in the flashinfer branch. Not modelled: sglang PR #32668
  (merged 2026-07-28) makes flashinfer_mxfp4 the SM120 default (arg_groups/model_overrides/gpt_oss.py
  `_gpt_oss_overrides`: "Detected SM120 ... enabling FlashInfer CUTLASS MXFP4 MOE kernel"); there
  mxfp4.py's `_process_weights_for_sm120_cutlass` rebuilds w13/w2 to `_padded_hidden` x
  `_padded_intermediate` with bf16 biases after the load (its test pads 160 to 256, leaves 256 alone),
  but the stored source did not show the alignment (the SM90 CUTLASS branch rounds to 128: gpt-oss
  2,944; 256 would give 3,072), so no width is guessed.
- padding. layers/quantization/mxfp4.py `Mxfp4MoEMethod.create_weights`: under `_is_sm100_supported`
  with flashinfer the expert width per partition and the hidden size are rounded up to multiples of
  256 (gpt-oss: 2,880 -> 3,072), so w13 is [E, 2 x I', H' / 2] bytes, w2 [E, H', I' / 2], their E8M0
  scales [E, 2 x I', H' / 32] and [E, H', I' / 32] (fused_moe_triton/layer.py FusedMoE pads H too).
- biases. `process_weights_after_loading` (flashinfer branch) casts the bf16 biases to float32 before
  shuffling them and keeps the stacked fp32 copies: 2 x I' and H' values an expert, 4 bytes each.
- the scale's segment. The same function shuffles every expert into a list (per expert w13: 2 x I' x
  H' / 2 bytes, 9 MiB for gpt-oss) and only then stacks the lists; the lists die when it returns. A
  request of 1-10 MiB takes a block of a 20 MiB kLargeBuffer segment (pytorch c10/cuda/
  CUDACachingAllocator.cpp `get_allocation_size`), best fit. The per-expert copies fill the gaps older
  layers left first, so the stacked w2 scale (H' x I' / 32 x E: 9 MiB) is cut from a segment nobody
  else keeps, and after the load's empty_cache that segment stays held for it alone. Holds while a
  layer's per-expert copies outweigh the gaps the earlier layers left (gpt-oss-20b: 32 x 13.5 MiB of
  copies against at most 23 x 11 MiB of gaps), so they spill into fresh segments before the stack.
Check: gpt-oss-20b on a B200-class GPU printed "Load weight end ... mem usage=14.53 GB" (SGLang of
October 2025, https://github.com/ovg-project/kvcached/issues/198; tests/golden/engine_logs.yaml).
Not modelled: the small pool's 2 MiB blocks the fp32 biases and the per-expert temporaries share, and
expert-parallel layouts (--ep-size > 1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate import quant_formats as qf
from llmsize.estimate.engines import sglang_swa
from llmsize.estimate.engines.sglang_swa import GPT_OSS
from llmsize.estimate.engines.torch_alloc import LARGE_BUFFER, MIN_LARGE_ALLOC, SMALL_SIZE
from llmsize.specs.models import QuantMethod

if TYPE_CHECKING:
    from llmsize.estimate.placement import Stage
    from llmsize.estimate.weights import Shard
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec, WeightFormat

TRTLLM_GEN_ALIGN = 256  # REFERENCE: mxfp4.py create_weights, round_up(..., 256) with flashinfer on SM100
FP32_BYTES = 4  # process_weights_after_loading: w13_bias / w2_bias .to(torch.float32)
BF16_BYTES = 2  # the checkpoint's biases as create_weights allocates them


def sm100(wl: Workload) -> bool:
    """Whether the workload's GPU is SM100 (sglang_swa.sm100: a datacenter Blackwell)."""
    return sglang_swa.sm100(wl.gpu_architecture, wl.gpu_segment)


def trtllm_gen_experts(spec: ModelSpec, wl: Workload, fmt: WeightFormat) -> bool:
    """Whether SGLang picks flashinfer_mxfp4 (trtllm-gen) for these experts on this GPU."""
    return spec.architecture == GPT_OSS and fmt.quant == QuantMethod.MXFP4 and sm100(wl)


def _pad(width: int) -> int:
    return -(-width // TRTLLM_GEN_ALIGN) * TRTLLM_GEN_ALIGN


def padded_shape(shard: Shard) -> tuple[int, int]:
    """(in, out) of one expert's matrix as create_weights allocates it: a fused gate_up pads each half."""
    halves = 2 if shard.group.name == "gate_up_proj" else 1
    return _pad(shard.in_features), halves * _pad(shard.out_features // halves)


def _expert_bytes(inf: int, outf: int) -> int:
    return qf.mxfp4_bytes(inf * outf)


def extra_bytes(spec: ModelSpec, wl: Workload, fmt: WeightFormat, stage: Stage) -> int:
    """What the trtllm-gen layout holds on one rank of `stage` beyond the checkpoint's expert bytes."""
    from llmsize.estimate.weights import stage_shards

    if not trtllm_gen_experts(spec, wl, fmt):
        return 0
    extra = 0
    for shard in stage_shards(spec, wl, stage):
        if shard.group.kind != "expert" or not shard.group.is_linear:
            continue
        inf, outf = padded_shape(shard)
        stored = _expert_bytes(shard.in_features, shard.out_features)
        extra += shard.instances * (_expert_bytes(inf, outf) - stored)
        if shard.bias_each:
            extra += shard.instances * (outf * FP32_BYTES - shard.bias_each * BF16_BYTES)
        if shard.group.name == "down_proj" and shard.layers:
            scale = shard.per_layer * inf * outf // qf.MXFP4_BLOCK  # the stacked w2 scale of one layer
            if SMALL_SIZE < scale < MIN_LARGE_ALLOC:
                extra += len(shard.layers) * (LARGE_BUFFER - scale)
    return extra
