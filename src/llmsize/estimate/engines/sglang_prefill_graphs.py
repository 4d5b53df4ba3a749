"""Whether SGLang runs a prefill under its piecewise CUDA graphs or eagerly, each kernel launched from Python.

SGLang replays full CUDA graphs for decode batches only (model_executor/cuda_graph_runner.py). A prefill
(extend) batch runs the model's Python `forward` unless a piecewise CUDA graph (PCG) captured for at least
its token count replays it (model_executor/piecewise_cuda_graph_runner.py, `can_run`). Eager, the CPU
launches every kernel of every layer one after another; the GPU cannot finish before the last one is
launched, so a short prompt's prefill costs at least the launch time of one forward, whatever the
GPU's speed. The piecewise graphs exist to remove exactly that (SGLang's docs: "It can improve the TTFT
of prefill-heavy workloads by 10-50%").

When the graphs cover a prefill, read in the released wheels' python/sglang/srt/server_args.py:
- before 0.5.10: never by default (`enable_piecewise_cuda_graph: bool = False` in 0.5.7, 0.5.8, 0.5.9);
  0.5.10 turned it on (`disable_piecewise_cuda_graph: bool = False`; sgl-project/sglang PR #16331
  "Piecewise Cuda Graph set default", 2026-01);
- 0.5.10+: `_handle_piecewise_cuda_graph` turns it off on a non-CUDA device (`is_hip()`: every AMD GPU),
  with DP attention, pipeline parallelism, a MoE all-to-all backend (`moe_a2a_backend != "none"`), a
  multimodal model (`model_config.is_multimodal`) and a DSA model (`is_deepseek_nsa`, through
  `is_piecewise_cuda_graph_disabled_model`); `_handle_moe_kernel_config` turns it off for the MoE runner
  backend `flashinfer_trtllm` (bypassed top-k, "incompatible with torch.compile"), which
  `_handle_model_specific_adjustments` picks by default for DeepseekV3ForCausalLM / DeepseekV32ForCausalLM
  on SM100 when the weights are FP8, ModelOpt FP4 or unquantized and no all-to-all backend is set;
- and only up to `piecewise_cuda_graph_max_tokens` tokens a batch: the chunked-prefill size, but 2,048
  with an MLA attention backend ("to avoid the performance regression", PR #15927); a longer prefill
  runs eagerly.
The launch cost itself is not measured for SGLang: the eager CPU time a kernel is the one the vLLM
`--enforce-eager` profile borrows from transformers' calibrated eager decoder layer
(speed_eager.launch_per_kernel_s), times the kernels SGLang's own table counts per block part.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines.speed_eager import dense_layer_kernels, launch_per_kernel_s
from llmsize.estimate.engines.speed_profile import EngineSpeedProfile
from llmsize.estimate.engines.transformers import SPEED as TRANSFORMERS_SPEED
from llmsize.estimate.weights import effective_format
from llmsize.specs.models import QuantMethod

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec

# REFERENCE: server_args.py of the sglang 0.5.9 and 0.5.10 wheels (PyPI): the default flipped in 0.5.10.
PCG_DEFAULT_FROM = (0, 5, 10)
# REFERENCE: server_args.py (0.5.12) `piecewise_cuda_graph_max_tokens = 2048` when use_mla_backend().
MLA_MAX_TOKENS = 2048
# REFERENCE: server_args.py (0.5.12) _handle_model_specific_adjustments: flashinfer_trtllm on SM100.
TRTLLM_MOE_ARCHITECTURES = frozenset({"DeepseekV3ForCausalLM", "DeepseekV32ForCausalLM"})
TRTLLM_MOE_QUANTS = frozenset({QuantMethod.FP8, QuantMethod.NVFP4})
# is_hip(): ROCm builds, every AMD GPU family of the catalog.
HIP_ARCHITECTURE_PREFIXES = ("cdna", "rdna", "gcn")


def amd(gpu_architecture: str | None) -> bool:
    """Whether the card is an AMD GPU (SGLang's ROCm build: is_hip())."""
    return bool(gpu_architecture) and str(gpu_architecture).startswith(HIP_ARCHITECTURE_PREFIXES)


def _trtllm_moe_by_default(spec: ModelSpec, wl: Workload, sm100: bool) -> bool:
    """SGLang's default MoE runner is flashinfer_trtllm: DeepSeek V3-architecture MoE on SM100."""
    if not (sm100 and spec.is_moe and spec.architecture in TRTLLM_MOE_ARCHITECTURES):
        return False
    if (wl.moe_a2a_backend or "none") != "none":
        return False
    fmt, _ = effective_format(spec, wl)
    return fmt.quant is None or fmt.quant in TRTLLM_MOE_QUANTS


def graphs_off(spec: ModelSpec, wl: Workload, release: tuple[int, int, int] | None, *, hip: bool,
               sm100: bool) -> bool:
    """True when SGLang captures no piecewise graph for any prefill of this server (module docstring)."""
    if release is not None and release < PCG_DEFAULT_FROM:
        return True
    return (hip or wl.dp_attention > 1 or wl.pp > 1 or (wl.moe_a2a_backend or "none") != "none"
            or spec.vision is not None or spec.indexer is not None
            or _trtllm_moe_by_default(spec, wl, sm100))


def graph_tokens(spec: ModelSpec, chunk: int) -> int:
    """The largest prefill chunk a piecewise graph covers: piecewise_cuda_graph_max_tokens."""
    return min(MLA_MAX_TOKENS, chunk) if spec.is_mla else chunk


def eager_launch_per_layer_s(graph: EngineSpeedProfile) -> float:
    """CPU seconds to launch one dense layer's kernels of `graph`'s table from an eager forward."""
    return launch_per_kernel_s(TRANSFORMERS_SPEED) * dense_layer_kernels(graph)
