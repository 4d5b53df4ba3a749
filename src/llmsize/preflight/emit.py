"""The launch command for a plan: what `fit` chose, written in the engine's own flags.

The flag names are the ones `serving_flags` reads (so `llmsize check` on the emitted command
reproduces the plan); values come from the Workload and the fit row, never from defaults the
engine would pick differently.
"""

from __future__ import annotations

import shlex

from llmsize.estimate.workload import Engine, Workload
from llmsize.hardware.fit_models import FitRow
from llmsize.preflight.gguf_source import (
    DEFAULT_GGUF_TYPE,
    GgufSource,
    default_file_type,
    gguf_name_source,
    gguf_source,
)
from llmsize.specs.models import ModelSpec

_VLLM_KV = {"fp8": "fp8", "nvfp4": "nvfp4", "fp4_e2m1": "fp4_e2m1"}
_LLAMA_KV = {"q8_0": "q8_0", "q4_0": "q4_0", "fp16": "f16", "bf16": "bf16", "fp32": "f32"}


def launch_command(spec: ModelSpec, wl: Workload, row: FitRow, engine: str, model_input: str = "") -> str:
    """One command line that runs `spec` with `wl` on the layout of `row`."""
    model = _hub_model(spec, model_input)
    if engine in ("vllm", "sglang"):
        from llmsize.estimate.engines.registry import engine_for

        # the variable that lets a --context above the derived length start (serving_context.py)
        env = list(engine_for(wl).launch_env(spec, wl))
        words = (
            [*env, "vllm", "serve", model, "--max-model-len", str(wl.context)]
            if engine == "vllm"
            else [
                *env,
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
        if engine == "sglang" and wl.dp_attention > 1:
            # estimate/engines/sglang_dp_attention.py: --dp-size attention groups over the --tp-size ranks
            words += ["--dp-size", str(wl.dp_attention), "--enable-dp-attention"]
            words += ["--enable-dp-lm-head"] if wl.dp_lm_head else []
        if engine == "sglang" and wl.scheduler_recv_interval > 1:  # estimate/engines/sglang_arrivals.py
            words += ["--scheduler-recv-interval", str(wl.scheduler_recv_interval)]
        if engine == "vllm" and wl.data_parallel > 1:
            # estimate/engines/vllm_expert_parallel.py: engine cores, each a --tensor-parallel-size copy
            words += ["--data-parallel-size", str(wl.data_parallel)]
        if engine == "vllm" and wl.expert_parallel:
            words += ["--enable-expert-parallel"]
        if engine in ("vllm", "sglang") and wl.moe_a2a_backend:
            # estimate/engines/vllm_all2all.py, sglang_moe_a2a.py: each engine's name for the setting
            words += ["--all2all-backend" if engine == "vllm" else "--moe-a2a-backend", wl.moe_a2a_backend]
        if row.pp > 1:
            # SGLang takes the degree as --pp-size (server_args.py, alias --pipeline-parallel-size): the
            # command dropped it, so `--tp-size 2` ran a 6-GPU plan on 2 GPUs (issue 15, round 10)
            words += ["--pipeline-parallel-size" if engine == "vllm" else "--pp-size", str(row.pp)]
        if engine == "vllm" and wl.gpu_memory_utilization != 0.9:
            words += ["--gpu-memory-utilization", f"{wl.gpu_memory_utilization:g}"]
        if wl.kv_dtype is not None and str(wl.kv_dtype) in _VLLM_KV:
            words += ["--kv-cache-dtype", _VLLM_KV[str(wl.kv_dtype)]]
        if wl.quant and wl.quant.lower() in ("fp8", "awq", "gptq"):
            words += ["--quantization", wl.quant.lower()]
        return shlex.join(words)
    from llmsize.estimate.engines.llama_cpp_mmproj import mmproj_loaded
    from llmsize.preflight.local_launch import local_files, ollama_store_tag, refuse_unloadable

    refuse_unloadable(spec, engine, wl.quant)
    quant = (wl.quant or spec.weight_format.gguf_type or DEFAULT_GGUF_TYPE).upper()
    if engine == "ollama":
        env = [f"OLLAMA_CONTEXT_LENGTH={wl.context}"]
        if wl.batch > 1:
            env.append(f"OLLAMA_NUM_PARALLEL={wl.batch}")
        if wl.kv_dtype is not None and str(wl.kv_dtype) in ("q8_0", "q4_0"):
            env += [f"OLLAMA_KV_CACHE_TYPE={wl.kv_dtype}", "OLLAMA_FLASH_ATTENTION=1"]
        tag = ollama_store_tag(spec) or _ollama_tag(spec, wl, model_input, quant)
        return shlex.join([*env, "ollama", "run", tag])
    file = local_files(spec)  # a local GGUF file: -m FILE (preflight/local_launch.py)
    if file is not None:
        load = ["-m", file]
    else:
        source = llama_cpp_source(spec, model, quant, model_input, wl.quant)
        load = ["-hf", source.repo if source.tag is None else f"{source.repo}:{source.tag}"]
    words = ["llama-server", *load, "-c", str(wl.context * wl.batch), "-np", str(wl.batch)]
    # Every layer (the fit row's gpu_layers None or the block count) is -ngl n_layer + 1: -ngl N offloads
    # the output layer only above N blocks (src/llama-model.cpp load_tensors, act_gpu_layers =
    # min(n_gpu_layers, n_layer + 1); llama_cpp_placement.stages). `-ngl {n_layer}` kept it on the CPU, so
    # `check` of the command sized another layout than the plan's (issue 15).
    every = row.gpu_layers is None or row.gpu_layers >= spec.num_layers  # the fit row's "80 of 80"
    layers = spec.num_layers + 1 if every else row.gpu_layers
    words += ["-ngl", str(layers)]
    if wl.n_cpu_moe:
        # the experts of the first N blocks in CPU RAM (common/arg.cpp --n-cpu-moe; hardware/one_gpu_plan.py)
        words += ["--n-cpu-moe", str(wl.n_cpu_moe)]
    if row.pp > 1:
        # The plan splits the blocks evenly over row.pp GPUs (llama_cpp_placement.stages); llama.cpp's
        # default split follows each device's free memory, so the command states it: -sm layer "split
        # layers and KV across GPUs", -ts "fraction of the model to offload to each GPU, comma-separated
        # list of proportions" (common/arg.cpp), one equal share per GPU.
        words += ["--split-mode", "layer", "--tensor-split", ",".join(["1"] * row.pp)]
    if wl.kv_dtype is not None and str(wl.kv_dtype) in ("q8_0", "q4_0"):
        words += ["-ctk", str(wl.kv_dtype), "-ctv", str(wl.kv_dtype), "-fa", "on"]
    if file is None and spec.vision is not None and not mmproj_loaded(wl):
        # -hf also downloads and loads the repository's mmproj (common/arg.cpp -hf: "mmproj is also
        # downloaded automatically if available. to disable, add --no-mmproj"); the plan sized the text
        # GGUF alone (llama_cpp_mmproj.separate_mmproj), and `check` of the command without the flag
        # counted the tower on the GPU (issue 15, round 17)
        words.append("--no-mmproj")
    return shlex.join(words)


def llama_cpp_source(
    spec: ModelSpec, model: str, quant: str, model_input: str, asked: str | None = None
) -> GgufSource:
    """The repo llama-server -hf pulls: the one a GGUF file name asks for (its own checkpoint and file,
    bartowski's or unsloth's naming), else the one for the checkpoint `model` (preflight/gguf_source.py);
    `asked` is --quant."""
    return gguf_name_source(spec, model_input, quant, asked) or gguf_source(model, quant)


def launch_notes(spec: ModelSpec, wl: Workload, engine: str, model_input: str = "") -> tuple[str, ...]:
    """What the launch command cannot know: a llama.cpp repo guessed from a naming convention; for
    Ollama, that the model has no library tag llmsize knows and is pulled from the Hub instead."""
    quant = (wl.quant or spec.weight_format.gguf_type or DEFAULT_GGUF_TYPE).upper()
    if engine == "ollama":
        from llmsize.preflight.local_launch import ollama_store_tag

        tag = ollama_store_tag(spec) or _ollama_tag(spec, wl, model_input, quant)
        if not tag.startswith(HUB_PREFIX):
            return ()
        source = _ollama_hub_source(spec, wl, model_input, quant)
        said = (
            f"llmsize lists no ollama.com library tag for {spec.name}{f' at {quant}' if wl.quant else ''}: "
            f"the command pulls the Hub GGUF "
            f"repo {source.repo} (ollama run hf.co/REPO:QUANT, huggingface.co/docs/hub/ollama)"
        )
        return (said, source.note) if source.note else (said,)
    if engine != "llama.cpp":
        return ()
    from llmsize.preflight.local_launch import local_files

    if local_files(spec) is not None:  # `-m FILE`: no repo guessed
        return ()
    note = llama_cpp_source(spec, _hub_model(spec, model_input), quant, model_input, wl.quant).note
    return (note,) if note else ()


def _hub_model(spec: ModelSpec, model_input: str) -> str:
    """The Hub repo a vLLM, SGLang or llama.cpp command loads.

    A repo id asked for is kept; a plain name (an -Instruct alias) goes under the catalog's org. An
    Ollama tag ("qwen3:8b") or a name with a GGUF type ("Qwen3-8B-Q4_K_M") names no Hub repo, so the
    catalog's own repo is used (issue 15: `plan` printed `vllm serve Qwen/qwen3:8b`).
    """
    from llmsize.names import parse_name
    from llmsize.preflight.local_launch import local_files
    from llmsize.specs.catalog import ollama_reference

    model = spec.hf_repo or spec.name
    local = local_files(spec)
    if local is not None:  # the folder (not its config.json) or the GGUF file, as the engines load them
        return local
    if "/" in model_input:
        return model_input
    if not model_input or not spec.hf_repo or ollama_reference(model_input) is not None:
        return model
    parsed = parse_name(model_input)
    if parsed.gguf_type is not None or parsed.quant_method == "gguf":
        return model
    return f"{spec.hf_repo.split('/')[0]}/{model_input}"


def _ollama_tag(spec: ModelSpec, wl: Workload, model_input: str, quant: str) -> str:
    """The tag `ollama run` pulls for this plan.

    The tag asked for when the input is one and no --quant changes it; else the catalog's Ollama tag
    for the model ("qwen3:8b", "deepseek-r1:7b"), with the quantization suffix Ollama's library
    spells ("-q8_0", "-q4_K_M", "-fp16") when --quant asks for one. A model the catalog lists no
    library tag for is pulled from the Hub GGUF repo `plan`'s llama.cpp command uses
    (preflight/gguf_source.py), in the form Ollama accepts for one: `ollama run
    hf.co/{username}/{repository}:{quantization}` ("By default, the Q4_K_M quantization scheme is
    used. To select a different scheme, simply add a tag", https://huggingface.co/docs/hub/ollama).
    Tags built from the family and size ("qwen3:80b-q4_K_M" for Qwen3-Next-80B-A3B,
    "deepseek:16b-q4_K_M" for DeepSeek-V2-Lite) do not exist on ollama.com: issue 15.
    """
    from llmsize.specs.catalog import ollama_reference, ollama_tags
    from llmsize.specs.ollama import library

    if model_input and ollama_reference(model_input) is not None and wl.quant is None:
        return model_input
    named = library(model_input) if model_input else None
    if named is not None and wl.quant is None:
        # "Qwen3-Coder-Next" is the library qwen3-coder-next's latest, not the tag of the catalog entry
        # it shares tensors with (qwen3-next:80b: another model)
        return named.name
    tags = ollama_tags(model_input or spec.name) if (model_input or spec.name) and named is None else ()
    if tags:
        return tags[0] if wl.quant is None else f"{tags[0]}-{_ollama_quant(quant)}"
    source = _ollama_hub_source(spec, wl, model_input, quant)
    return f"{HUB_PREFIX}{source.repo}" + (f":{source.tag}" if source.tag else "")


# The host prefix `ollama run` takes for a Hub GGUF repo (https://huggingface.co/docs/hub/ollama:
# "you can use both hf.co and huggingface.co as the domain name").
HUB_PREFIX = "hf.co/"


def _ollama_hub_source(spec: ModelSpec, wl: Workload, model_input: str, quant: str) -> GgufSource:
    """The Hub GGUF repo an Ollama plan pulls for a model with no library tag: llama.cpp's choice."""
    return llama_cpp_source(spec, _hub_model(spec, model_input), quant, model_input, wl.quant)


def _ollama_quant(quant: str) -> str:
    """A GGUF type as Ollama's tags write it: Q4_K_M -> q4_K_M, Q8_0 -> q8_0, F16 -> fp16, BF16 -> bf16."""
    upper = quant.upper()
    if upper in ("F16", "F32"):
        return "fp" + upper[1:]
    if upper == "BF16":
        return "bf16"
    return "q" + upper[1:] if upper.startswith("Q") else upper.lower()


def _size_label(spec: ModelSpec) -> str:
    from llmsize.specs.params import total_params

    billions = total_params(spec) / 1e9
    return f"{billions:.0f}b" if billions >= 1 else f"{billions * 1000:.0f}m"


def downloaded_quant(spec: ModelSpec, engine: Engine, model_input: str = "") -> str | None:
    """The GGUF type `plan`'s llama.cpp command downloads for a checkpoint that is not a GGUF, so the
    plan is sized as the file it runs (issue 15, round 7: `plan Qwen2.5-7B-Instruct --gpu
    M4-Max-128GB` sized the bf16 safetensors, 15.2 GB, and printed `-hf ...-GGUF:Q4_K_M`): the default
    file of the repo the command pulls (preflight/gguf_source.py; gpt-oss: ggml-org's MXFP4_MOE file).
    Ollama's engine already sizes the library's own file for a named model (specs/resolve.py)."""
    if engine is not Engine.LLAMA_CPP or spec.weight_format.gguf_type is not None:
        return None
    return default_file_type(spec, _hub_model(spec, model_input))


def serving_engine(spec: ModelSpec, engine: Engine | None, quant: str | None) -> Engine:
    """The engine whose launch command `plan` prints: --engine, else the one that serves the weights as named.

    The estimator's default for a safetensors checkpoint is transformers, a library with no launch
    command; `plan` printed a llama-server command for a Q4_K_M GGUF instead (issue 15, round 5:
    `plan Qwen2.5-7B-Instruct-AWQ --gpu H100` named a repo "...-AWQ-GGUF" that does not exist, sized
    as bf16 transformers). vLLM serves the checkpoint as stored (bf16, AWQ, GPTQ, FP8); a GGUF or an
    Ollama tag keeps llama.cpp or Ollama (estimate/engines/registry.py default_engine).
    """
    from llmsize.errors import BadInputError
    from llmsize.estimate.engines.registry import default_engine

    if engine == Engine.TRANSFORMERS:
        raise BadInputError(
            "transformers is a library, not a server: `plan` prints a launch command",
            hint="use --engine vllm, sglang, llama.cpp or ollama",
        )
    chosen = default_engine(spec, engine, quant)
    return Engine.VLLM if chosen == Engine.TRANSFORMERS else chosen
