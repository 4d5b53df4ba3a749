"""The launch command for a plan: what `fit` chose, written in the engine's own flags.

The flag names are the ones `serving_flags` reads (so `llmsize check` on the emitted command
reproduces the plan); values come from the Workload and the fit row, never from defaults the
engine would pick differently.
"""

from __future__ import annotations

import shlex

from llmsize.estimate.workload import Workload
from llmsize.hardware.fit_models import FitRow
from llmsize.specs.models import ModelSpec

_VLLM_KV = {"fp8": "fp8", "nvfp4": "nvfp4", "fp4_e2m1": "fp4_e2m1"}
_LLAMA_KV = {"q8_0": "q8_0", "q4_0": "q4_0", "fp16": "f16", "bf16": "bf16", "fp32": "f32"}


def launch_command(spec: ModelSpec, wl: Workload, row: FitRow, engine: str, model_input: str = "") -> str:
    """One command line that runs `spec` with `wl` on the layout of `row`."""
    model = spec.hf_repo or spec.name
    if "/" in model_input:
        model = model_input
    elif model_input and spec.hf_repo:  # the name asked for (an -Instruct alias), under the catalog's org
        model = f"{spec.hf_repo.split('/')[0]}/{model_input}"
    if engine in ("vllm", "sglang"):
        words = (
            ["vllm", "serve", model, "--max-model-len", str(wl.context)]
            if engine == "vllm"
            else [
                "python",
                "-m",
                "sglang.launch_server",
                "--model-path",
                model,
                "--context-length",
                str(wl.context),
            ]
        )
        if row.tp > 1:
            words += ["--tensor-parallel-size" if engine == "vllm" else "--tp-size", str(row.tp)]
        if row.pp > 1 and engine == "vllm":
            words += ["--pipeline-parallel-size", str(row.pp)]
        if engine == "vllm" and wl.gpu_memory_utilization != 0.9:
            words += ["--gpu-memory-utilization", f"{wl.gpu_memory_utilization:g}"]
        if wl.kv_dtype is not None and str(wl.kv_dtype) in _VLLM_KV:
            words += ["--kv-cache-dtype", _VLLM_KV[str(wl.kv_dtype)]]
        if wl.quant and wl.quant.lower() in ("fp8", "awq", "gptq"):
            words += ["--quantization", wl.quant.lower()]
        return shlex.join(words)
    quant = (wl.quant or spec.weight_format.gguf_type or "Q4_K_M").upper()
    if engine == "ollama":
        env = [f"OLLAMA_CONTEXT_LENGTH={wl.context}"]
        if wl.batch > 1:
            env.append(f"OLLAMA_NUM_PARALLEL={wl.batch}")
        if wl.kv_dtype is not None and str(wl.kv_dtype) in ("q8_0", "q4_0"):
            env += [f"OLLAMA_KV_CACHE_TYPE={wl.kv_dtype}", "OLLAMA_FLASH_ATTENTION=1"]
        tag = (spec.family or spec.name).lower().replace(" ", "")
        return shlex.join(
            [*env, "ollama", "run", f"{tag}:{_size_label(spec)}-{quant.lower().replace('_k_', '_K_')}"]
        )
    repo = f"{model}-GGUF" if "/" in model else model
    words = ["llama-server", "-hf", f"{repo}:{quant}", "-c", str(wl.context * wl.batch), "-np", str(wl.batch)]
    layers = row.gpu_layers if row.gpu_layers is not None else spec.num_layers
    words += ["-ngl", str(layers)]
    if wl.kv_dtype is not None and str(wl.kv_dtype) in ("q8_0", "q4_0"):
        words += ["-ctk", str(wl.kv_dtype), "-ctv", str(wl.kv_dtype), "-fa", "on"]
    return shlex.join(words)


def _size_label(spec: ModelSpec) -> str:
    from llmsize.specs.params import total_params

    billions = total_params(spec) / 1e9
    return f"{billions:.0f}b" if billions >= 1 else f"{billions * 1000:.0f}m"
