"""bitsandbytes 4-bit weights under ZeRO-3 / FSDP: the quantization state is not sharded.

FSDP flattens and shards a module's `nn.Parameter` data; for a `Params4bit` that is the packed 4-bit
bytes only (stored in `bnb_4bit_quant_storage`, bf16 in the FSDP-QLoRA recipes). The rest of what
`quantize_4bit` produced, the `QuantState` (absmax per 64 values, with double quantization their
uint8 codes plus the nested fp32 absmax and code book), is a plain attribute that `Params4bit._quantize`
also stores on the module (`module.quant_state`); `Linear4bit.forward` calls
`fix_4bit_weight_quant_state_from_module` to re-attach it to the view FSDP hands back
(bitsandbytes nn/modules.py: "the quant state got lost when the parameter got converted. This
happens for example for fsdp"). So each rank keeps the whole model's quant state on its GPU, and a
parameter offload (FSDP `CPUOffload(offload_params=True)`, DeepSpeed `offload_param`), which moves
only the sharded parameter data, leaves it there. DeepSpeed ZeRO-3 partitions `param.data` the same
way (runtime/zero/partition_parameters.py) and leaves the attribute alone. torchtune's torchao NF4
shards its scalers with the data (frameworks.TORCHAO_NF4_FRAMEWORKS).
"""

from __future__ import annotations

import math

from llmsize.estimate import quant_formats as qf
from llmsize.estimate.frameworks import TORCHAO_NF4_FRAMEWORKS
from llmsize.estimate.workload import Workload
from llmsize.specs.models import QuantMethod, WeightFormat

_BNB_4BIT = (QuantMethod.BNB_NF4, QuantMethod.BNB_FP4)


def state_stays_whole(fmt: WeightFormat, wl: Workload) -> bool:
    """bnb 4-bit weights sharded by ZeRO-3 / FSDP across more than one rank."""
    bnb = fmt.quant in _BNB_4BIT and wl.framework not in TORCHAO_NF4_FRAMEWORKS
    return bnb and wl.zero == 3 and wl.dp > 1


def state_bytes(numel: int, fmt: WeightFormat) -> int:
    """The QuantState of one 4-bit weight of `numel` values: all of bnb_4bit_bytes but the packed data."""
    return qf.bnb_4bit_bytes(numel, double_quant=fmt.double_quant) - math.ceil(numel / 2)
