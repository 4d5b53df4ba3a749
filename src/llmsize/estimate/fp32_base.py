"""A LoRA base loaded in fp32 and cast to the compute dtype per use (FSDP MixedPrecision, autocast).

peft's own SFT example, the script its FSDP and DeepSpeed guides launch, loads the model with
`torch_dtype = quant_storage_dtype ... else torch.float32` (huggingface/peft examples/sft/utils.py
`create_and_prepare_model`): without 4-bit quantization the frozen base is fp32. Under accelerate's
FSDP plugin with `mixed_precision: bf16` (peft examples/sft/configs/fsdp_config.yaml) FSDP1 keeps the
fp32 flat parameter as the shard and all-gathers a bf16 copy for compute
(torch/distributed/fsdp/_flat_param.py `FlatParamHandle._use_low_precision_shard` casts the shard to
`param_dtype`, then `_all_gather_flat_param` fills a separate low-precision unsharded buffer).

So the resident weights (the shard, or the whole model without sharding) take 4 bytes per element,
while the gathered blocks and the root unit stay in the compute dtype and are separate buffers from
the fp32 shard (fsdp_root.py then counts the root whole). The frozen base has no gradient, so
nothing else changes. Not counted: the bf16 copy of the local shard made before each all-gather
(1/dp of one unit, freed after it) and, unsharded, autocast's per-op bf16 cast of one frozen weight
(autocast caches casts of leaves that require grad only).

Under DeepSpeed ZeRO-3 the rule does not apply: zero.Init makes every floating tensor in the
config's dtype (runtime/zero/partition_parameters.py `zero_wrapper_for_fp_tensor_constructor`), so
the fp32 load lands in bf16 partitions.

Published check: peft's FSDP guide (docs/source/accelerate/fsdp.md) reads "72-80 GB (90-98%)" per
H100 for Llama-2-70B LoRA r8 on 8 GPUs; 70B fp32 over 8 ranks is 35 GB of shard alone.
"""

from __future__ import annotations

from llmsize.estimate import deepspeed_step
from llmsize.estimate.workload import Mode, Workload
from llmsize.specs.models import WeightFormat

FP32 = "fp32"


def applies(wl: Workload, fmt: WeightFormat) -> bool:
    """--base-fp32 on a LoRA run over an unquantized 16-bit base that DeepSpeed does not run."""
    return (
        wl.base_fp32
        and wl.mode is Mode.LORA
        and fmt.quant is None
        and fmt.dtype in ("bf16", "fp16")
        and not deepspeed_step.runs_deepspeed(wl, False)
    )


def stored_format(wl: Workload, fmt: WeightFormat) -> WeightFormat:
    """The format the resident weights are stored in: fp32 when the rule applies, else `fmt`."""
    return fmt.model_copy(update={"dtype": FP32}) if applies(wl, fmt) else fmt
