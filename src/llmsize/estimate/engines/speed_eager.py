"""Graph engines run eagerly: vLLM's `--enforce-eager` launches every kernel from Python.

vLLM replays captured CUDA graphs for decode batches (vllm/v1/worker/gpu_model_runner.py
`capture_model`; 0.6.3: vllm/worker/model_runner.py `CUDAGraphRunner`), so the CPU is off the
critical path. `--enforce-eager` skips the capture (`ModelConfig.enforce_eager`): each step then
runs the model's Python `forward`, and the CPU launches each layer's kernels one by one, as
transformers' `generate` does. So the eager profile is the graph profile with the CPU launch time
per layer of an eager PyTorch forward: the CPU cost of one Python-launched kernel (transformers'
calibrated launch time per layer over the kernels its decoder layer launches) times the kernels
the graph engine's layer runs (speed_profile.FUSED_LAYER_KERNELS; a Gated DeltaNet mixer's unfused
copies: vllm_eager_kernels.py). No constant is fitted here.
"""

from __future__ import annotations

from llmsize.estimate.engines.speed_profile import EngineSpeedProfile
from llmsize.estimate.engines.transformers import LEGACY_SPEED as TRANSFORMERS_LEGACY
from llmsize.estimate.engines.transformers import SPEED as TRANSFORMERS_SPEED
from llmsize.estimate.engines.vllm import LEGACY_SPEED as VLLM_LEGACY
from llmsize.estimate.engines.vllm import SPEED as VLLM_SPEED
from llmsize.estimate.engines.vllm_eager_kernels import eager_layer_kernels

# REFERENCE: kernels transformers' eager decoder layer launches from Python per token, as its speed
# profile counts them (estimate/engines/transformers.py: modeling_qwen2.py Qwen2DecoderLayer.forward,
# "each layer's ~15 kernels"); its launch_per_layer_s is calibrated on Qwen's transformers tables.
HF_EAGER_LAYER_KERNELS = 15
EAGER_SUFFIX = "-eager"


def launch_per_kernel_s(eager_reference: EngineSpeedProfile) -> float:
    """CPU seconds to launch one kernel from an eager PyTorch forward (Python, dispatch, launch)."""
    return eager_reference.launch_per_layer_s / HF_EAGER_LAYER_KERNELS


def dense_layer_kernels(profile: EngineSpeedProfile) -> int:
    """Kernels one dense attention layer of `profile`'s engine runs per decode step."""
    k = profile.layer_kernels
    return 2 * k.get("block", 0) + k.get("attention", 0) + k.get("dense_ffn", 0)


def eager_profile(graph: EngineSpeedProfile, eager_reference: EngineSpeedProfile) -> EngineSpeedProfile:
    """`graph`'s engine without CUDA graphs: its layer's kernels launched one by one from the CPU, at
    the engine's own eager launch time where its profile has one (vLLM V0: vllm_v0_graphs.py)."""
    borrowed = launch_per_kernel_s(eager_reference) * dense_layer_kernels(graph)
    launch = graph.eager_launch_per_layer_s or borrowed
    return graph.model_copy(
        update={
            "engine": graph.engine + EAGER_SUFFIX,
            "graphs": False,
            "launch_per_layer_s": launch,
            # Uncompiled, a GDN mixer, a gate and a (1 + w) norm launch more (vllm_eager_kernels.py).
            "layer_kernels": eager_layer_kernels(graph.layer_kernels),
            "one_sequence_kernels": eager_layer_kernels(graph.layer_kernels, one_sequence=True),
            "version": f"{graph.version}, --enforce-eager (no CUDA graphs)",
            "sources": (*graph.sources, "https://github.com/vllm-project/vllm/blob/v0.10.0/vllm/config.py"),
        }
    )


# vLLM V1 (current, and 0.8-0.13 synchronous) and V0 (0.6.3, with transformers 4.46 of the same era).
EAGER_SPEED: dict[str, EngineSpeedProfile] = {
    p.engine: p
    for p in (
        eager_profile(VLLM_SPEED, TRANSFORMERS_SPEED),
        eager_profile(VLLM_LEGACY["vllm-0.13"], TRANSFORMERS_SPEED),
        eager_profile(VLLM_LEGACY["vllm-0.6"], TRANSFORMERS_LEGACY["transformers-4"]),
    )
}


def eager_engine(engine: str, enforce_eager: bool) -> str:
    """The speed profile name of `engine` when the run disables CUDA graphs (itself otherwise)."""
    name = engine + EAGER_SUFFIX
    return name if enforce_eager and name in EAGER_SPEED else engine
