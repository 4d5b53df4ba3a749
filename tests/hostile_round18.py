"""The eighteenth hostile round (issue 15): kinds of input rounds 3-17 did not try.

- every option of estimate / explain / fit / compare / plan / models / gpus, read from the live CLI, in seeded
  random combinations of 1-8 options: each value a valid one (a choice, a catalog name, a size), a
  boundary (0, -1, NaN, inf, 1e309, 25 digits, '', ' ') or a format string ('%s', '{}'), options given
  twice; and seeded contradictions over engine x mode x quant x framework x --gpu-layers x --n-cpu-moe x
  speculative decoding x images x context x parallel degrees;
- very long lists: 10,000 `--concurrency` levels, `--gpus` of every catalog GPU six times over and of
  1,000 unknown ids, `--gpu` given 1,000 times, 10,000 LoRA targets, 1,000 `--env` assignments, a
  1,000-model `compare`;
- `check` of engine command lines a person pastes: leading variable assignments (a 1,000-GPU
  CUDA_VISIBLE_DEVICES), `nohup … &`, pipes and `&&`, `sudo` / `time` / `uv run`, the OpenAI-server module
  form, JSON flags with 5,000-digit numbers, `-ot` regexes that backtrack, 2,000-way `--tensor-split`,
  SGLang `--cuda-graph-bs` of 3,000 sizes, docker / podman / kubectl, trainers' launchers;
- training YAML with tags (`!!python/object/apply`, `!!binary`, `!!set`, `!foo`, %TAG), merge keys,
  integers of 5,000 digits in decimal, hex and octal, sexagesimal numbers, keys that are lists or maps,
  several documents, UTF-16, a DeepSpeed file that is a FIFO, /dev/zero or the config itself;
- model folders whose safetensors index names shards outside the folder, itself, a FIFO, a directory,
  a loop of links or /dev/zero; safetensors headers of 2^63 bytes, negative / float / boolean shapes;
  config.json with text_config inside text_config, vision configs of 10^6 blocks, rope_scaling of the
  wrong kinds, quantization_config skip lists of 200,000 names, globs or regexes;
- GGUF files with odd general.* metadata (escape codes, a 5 MB name, a million tokenizer tokens), value
  types the readers meet rarely (u8 / i16 / i64 / bool heads and block counts), unknown and removed
  tensor types, GGUF versions 0-4 and 2^31, counts that lie, split and alignment keys;
- saved reports: YAML with tags and hex integers, alias bombs, several documents, duplicated keys,
  control sequences in the model name, 10,000 workload keys, a top-level list;
- `--output` to '', '-', '/', /dev/full, /dev/stdout, a FIFO, a read-only folder, dangling and live
  links, a file under a file, names with a newline or 300 characters;
- `measure --device trace` with odd --layers / --device values;
- (bench/fuzz_round18.py only, in subprocesses) the LLMSIZE_* / HF_* / XDG_* / terminal variables and
  completion requests of every shell.
Each must end in a result (exit 0 or 3) or one printable line with exit 2, quickly and in bounded memory.
"""

from __future__ import annotations

import functools
import json
import os
import random
import re
import struct
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from hostile import seeded_sample

MODEL = "Qwen2.5-0.5B"
TINY = {
    "architectures": ["LlamaForCausalLM"],
    "model_type": "llama",
    "hidden_size": 256,
    "intermediate_size": 512,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "num_hidden_layers": 2,
    "vocab_size": 1000,
    "max_position_embeddings": 2048,
    "torch_dtype": "bfloat16",
}

# --- seeded option combinations over the live CLI

_SKIP = {"--output", "--help", "--gpu-file", "--revision", "--format"}
BOUNDARY = (
    "0",
    "-1",
    "nan",
    "inf",
    "-inf",
    "1e309",
    "9" * 25,
    "",
    " ",
    "%s",
    "{}",
    "%(prog)s",
    "é",
    "0.0",
    "1e-300",
    "2",
    "3",
    "7",
    "1,2",
    "x",
    "[/]",
)
VALID: dict[str, tuple[str, ...]] = {
    "--context": ("128", "4k", "32k", "128k", "1m", "1"),
    "--prompt-tokens": ("1", "100", "4k", "1m"),
    "--quant": (
        "gptq",
        "awq",
        "bnb-nf4",
        "bnb-int8",
        "fp8",
        "mxfp4",
        "Q4_K_M",
        "Q8_0",
        "IQ1_S",
        "none",
        "nvfp4",
        "gptq-int8",
        "F16",
        "Q2_K",
    ),
    "--gpu": ("H100", "RTX-4090", "M4-Max-128GB", "MI300X", "T4", "L4", "B200", "Arc-Pro-B70", "A100-80GB"),
    "--gpus": ("H100,L4", "all", "RTX-4090,RTX-3090,T4"),
    "--num-gpus": ("1", "2", "8", "auto", "16", "3"),
    "--speculative": ("eagle", "eagle3", "mtp", "ngram", "draft", "medusa"),
    "--concurrency": ("1,8,64", "1", "256", "1,1"),
    "--image-size": ("896x896", "1x1", "0x0", "99999x99999"),
    "--video-size": ("448x448", "1x1"),
    "--kv-cache-memory": ("1GiB", "0", "100GB"),
    "--engine-version": ("0.11.0", "b6000", "0.12.0", "0.5.0"),
    "--lora-targets": ("all", "q_proj,v_proj"),
    "--ds-reduce-bucket": ("5e8", "auto"),
    "--cudagraph-mode": ("FULL", "NONE", "PIECEWISE"),
    "--attention-backend": ("FLASH_ATTN", "TRITON_ATTN", "aiter"),
    "--mm-encoder-tp-mode": ("data", "weights"),
    "--mamba-ssm-dtype": ("float32", "bfloat16"),
    "--optimizer": ("adamw", "adamw-8bit", "sgd", "adafactor", "paged-adamw-8bit"),
    "--gpu-layers": ("0", "1", "999", "20"),
    "--n-cpu-moe": ("0", "10", "999"),
    "--tp": ("1", "2", "4", "8", "3"),
    "--pp": ("1", "2", "3"),
    "--images": ("0", "1", "16", "1000"),
    "--audio-seconds": ("30", "0", "3600"),
    "--video-frames": ("1", "64"),
    "--batch": ("1", "8", "256"),
    "--min-memory": ("24GB", "80GiB"),
    "--vendor": ("nvidia", "amd", "apple", "intel"),
    "--family": ("qwen", "llama"),
}
MODELS = (
    "Qwen2.5-0.5B",
    "Qwen3-30B-A3B",
    "DeepSeek-V3",
    "gpt-oss-20b",
    "Qwen3-Next-80B-A3B-Instruct",
    "gemma-3-12b-it",
    "Llama-3.2-11B-Vision-Instruct",
    "Qwen2.5-Omni-7B",
    "Llama-3.1-8B-Instruct",
    "Qwen2.5-7B-Instruct-GPTQ-Int4",
    "deepseek-r1:14b",
    "Qwen/Qwen3-8B-GGUF:Q4_K_M",
    "Kimi-K2-Instruct",
    "Qwen3.5-35B-A3B",
    "NVIDIA-Nemotron-Nano-9B-v2",
    "Mixtral-8x7B-v0.1",
    "phi-4",
    "Qwen2.5-VL-7B-Instruct",
)
_HEADS: dict[str, Callable[[random.Random], list[str]]] = {
    "estimate": lambda r: ["estimate", r.choice(MODELS)],
    "explain": lambda r: ["explain", r.choice(MODELS)],
    "fit": lambda r: ["fit", r.choice(MODELS), "--gpu", r.choice(VALID["--gpu"])],
    "compare": lambda r: [
        "compare",
        ",".join(r.sample(MODELS, r.choice((1, 1, 2)))),
        "--gpus",
        r.choice(VALID["--gpus"]),
    ],
    "plan": lambda r: ["plan", r.choice(MODELS), "--gpu", r.choice(VALID["--gpu"])],
    "models": lambda r: ["models"],
    "gpus": lambda r: ["gpus"],
}


@functools.cache
def live_options(command: str) -> tuple[tuple[str, str | None, tuple[str, ...] | None], ...]:
    """(option, metavar or None for a flag, its choices or the flag's spellings) of a live command."""
    import click
    import typer

    from llmsize.cli import load_commands

    cmd: Any = typer.main.get_command(load_commands()).commands[command]
    ctx = click.Context(cmd, info_name=command)
    found: list[tuple[str, str | None, tuple[str, ...] | None]] = []
    for p in cmd.params:
        if p.param_type_name != "option" or p.opts[0] in _SKIP or "-o" in p.opts:
            continue
        if getattr(p, "is_flag", False):
            found.append((p.opts[0], None, (p.opts[0], *p.secondary_opts)))
            continue
        record = p.get_help_record(ctx)
        meta = record[0].split(" ", 1)[-1] if record else ""
        m = re.match(r"<([^>]+)>", meta)
        found.append((p.opts[0], meta, tuple(m.group(1).split("|")) if m and "|" in m.group(1) else None))
    return tuple(found)


def _value(r: random.Random, option: str, meta: str, choices: tuple[str, ...] | None) -> str:
    roll = r.random()
    if choices and roll < 0.6:
        return r.choice(choices)
    if option in VALID and roll < 0.8:
        return r.choice(VALID[option])
    if ("int" in meta or "float" in meta) and roll < 0.85:
        return r.choice(("1", "2", "8", "64", "0.5", "0.9"))
    return r.choice(BOUNDARY)


def option_cases(n: int = 3000, seed: int = 18) -> Iterator[list[str]]:
    """Seeded combinations of 1-8 live options (some given twice), valid and boundary values mixed."""
    r = random.Random(seed)
    for _ in range(n):
        command = r.choice(list(_HEADS))
        options = live_options(command)
        argv = _HEADS[command](r)
        for _ in range(r.randint(1, 3 if command in ("models", "gpus") else 8)):
            option, meta, choices = r.choice(options)
            if meta is None:
                argv.append(r.choice(choices or (option,)))
                continue
            argv += [option, _value(r, option, meta, choices)]
            if r.random() < 0.1:  # the same option again (click keeps the last)
                argv += [option, _value(r, option, meta, choices)]
        if r.random() < 0.3:
            argv += ["--format", r.choice(("json", "yaml", "csv", "human"))]
        yield argv


AXES: dict[str, tuple[str | None, ...]] = {
    "--engine": ("transformers", "vllm", "llama.cpp", "sglang", "ollama", None),
    "--mode": ("inference", "training", "full", "lora", "qlora", None),
    "--quant": ("gptq", "awq", "bnb-nf4", "fp8", "mxfp4", "Q4_K_M", "IQ2_XXS", "none", "nvfp4", None),
    "--framework": ("plain", "trl", "unsloth", "torchtune", "axolotl", "llamafactory", None),
    "--gpu-layers": ("0", "1", "999", None),
    "--n-cpu-moe": ("0", "5", "999", None),
    "--speculative": ("eagle3", "mtp", "ngram", "draft", None),
    "--num-speculative-tokens": ("1", "64", None),
    "--images": ("0", "3", "1000", None),
    "--context": ("1", "8k", "128k", "10m", None),
    "--kv-dtype": ("fp8", "q4_0", "nvfp4", "int4", None),
    "--tp": ("1", "2", "3", "8", None),
    "--pp": ("1", "2", "5", None),
    "--dp": ("1", "4", None),
    "--zero": ("0", "3", None),
    "--offload-optimizer": ("cpu", "nvme", None),
    "--objective": ("dpo", "grpo", None),
    "--concurrency": ("1,64", None),
    "--batch": ("1", "64", None),
    "--dtype": ("fp32", "fp8", "int4", None),
    "--backend": ("vulkan", "sycl", None),
    "--flash-attn": ("on", "off", None),
    "--attention": ("eager", "flash", None),
}
_CONTRA_MODELS = (
    "Qwen3-30B-A3B",
    "gpt-oss-20b",
    "DeepSeek-V3",
    "Qwen2.5-VL-7B-Instruct",
    "Qwen3-Next-80B-A3B-Instruct",
    "gemma-3-12b-it",
    "Llama-3.1-8B-Instruct",
    "Qwen2.5-7B-Instruct-GPTQ-Int4",
    "deepseek-r1:14b",
    "Qwen/Qwen3-8B-GGUF:Q4_K_M",
    "NVIDIA-Nemotron-Nano-9B-v2",
    "Qwen2.5-Omni-7B",
)
_CONTRA_GPUS = ("H100", "RTX-4090", "M4-Max-128GB", "MI300X", "T4", "Arc-Pro-B70")


def contradiction_cases(n: int = 1500, seed: int = 18) -> Iterator[list[str]]:
    """Seeded settings of 3-9 axes that often contradict (a GGUF quant under vLLM, --n-cpu-moe on a dense
    model under SGLang, --images on a text model, --objective grpo at inference, --tp 3 on 8 heads)."""
    r = random.Random(seed)
    for _ in range(n):
        command = r.choice(("estimate", "fit", "fit", "plan", "explain", "compare"))
        argv = [command, r.choice(_CONTRA_MODELS)]
        if command in ("fit", "plan"):
            argv += ["--gpu", r.choice(_CONTRA_GPUS)]
        if command == "compare":
            argv += ["--gpus", ",".join(r.sample(_CONTRA_GPUS, 2))]
        for axis in r.sample(list(AXES), r.randint(3, 9)):
            value = r.choice(AXES[axis])
            if value is not None:
                argv += [axis, value]
        if r.random() < 0.3:
            argv += ["--format", "json"]
        yield argv


# --- very long lists


@functools.cache
def catalog_gpus() -> tuple[str, ...]:
    from llmsize.hardware.gpus import bundled_gpus

    return tuple(g.id for g in bundled_gpus())


def list_cases() -> Iterator[list[str]]:
    levels = ",".join(str(i) for i in range(1, 10_001))
    gpus = catalog_gpus()
    yield ["fit", MODEL, "--gpu", "H100", "--concurrency", levels]
    yield ["fit", MODEL, "--gpu", "H100", "--concurrency", ",".join(["1"] * 10_000)]
    yield ["fit", MODEL, "--gpu", "H100", "--engine", "vllm", "--concurrency", levels, "--format", "json"]
    yield ["compare", MODEL, "--gpus", "H100,L4", "--concurrency", levels]
    yield ["fit", MODEL, "--gpu", "H100", "--concurrency", ",".join(str(2**i) for i in range(64))]
    yield ["fit", MODEL, "--gpu", "H100", "--concurrency", ",".join(["0"] * 1000)]
    yield ["fit", MODEL, "--gpu", "H100", "--concurrency", "1-10000"]
    yield ["compare", MODEL, "--gpus", ",".join(gpus)]
    yield ["compare", MODEL, "--gpus", ",".join(gpus * 6)]
    yield ["compare", MODEL, "--gpus", ",".join(["H100"] * 1000)]
    yield ["compare", MODEL, "--gpus", ",".join(f"nope{i}" for i in range(1000))]
    yield ["compare", MODEL, "--gpus", ",".join([*gpus[:5], *["x"] * 995])]
    yield ["compare", MODEL, "--gpus", ",".join(gpus), "--num-gpus", "auto", "--concurrency", "1,8,64"]
    yield ["compare", ",".join(["Qwen2.5-0.5B", "Qwen3-8B", "gpt-oss-20b"] * 100), "--gpus", "H100"]
    yield ["compare", ",".join([MODEL] * 1000), "--gpus", "H100"]
    yield ["estimate", MODEL, *[w for g in gpus for w in ("--gpu", g)]]
    yield ["fit", MODEL, *["--gpu", "H100"] * 1000]
    yield ["fit", MODEL, "--gpu", ",".join(["H100"] * 1000)]
    yield ["fit", MODEL, "--gpu", ",".join(gpus)]
    yield ["estimate", MODEL, "--mode", "lora", "--lora-targets", ",".join(["q_proj"] * 10_000)]
    yield ["estimate", MODEL, "--mode", "lora", "--lora-targets", ",".join(f"m{i}" for i in range(10_000))]
    vllm = ["--", "vllm", "serve", "Qwen/Qwen2.5-0.5B"]
    yield ["check", "--gpu", "H100", *[w for i in range(1000) for w in ("--env", f"X{i}=1")], *vllm]
    yield [
        "check",
        "--gpu",
        "H100",
        *["--env", "OLLAMA_NUM_PARALLEL=4"] * 1000,
        "--",
        "ollama",
        "run",
        "qwen2.5:0.5b",
    ]
    yield ["check", "--gpu", ",".join(["H100"] * 1000), *vllm]
    yield ["check", "--gpu", ",".join(gpus), *vllm]
    yield ["plan", MODEL, "--gpu", ",".join(gpus)]
    yield ["plan", MODEL, "--gpu", ",".join(["H100"] * 1000)]
    yield ["estimate", MODEL, "--context", ",".join(["4k"] * 1000)]
    yield ["fit", MODEL, "--gpu", "H100", "--num-gpus", ",".join(["1"] * 1000)]
    yield ["estimate", MODEL, "--speculative", ",".join(["eagle"] * 1000)]
    yield ["estimate", MODEL, "--images", "1000000000", "--engine", "vllm"]
    yield [
        "estimate",
        "Qwen2.5-VL-7B-Instruct",
        "--images",
        "100000",
        "--image-size",
        "16384x16384",
        "--engine",
        "vllm",
    ]
    yield [
        "estimate",
        "Qwen2.5-VL-7B-Instruct",
        "--video-frames",
        "1000000",
        "--video-size",
        "4096x4096",
        "--engine",
        "sglang",
    ]
    yield ["estimate", "Qwen2.5-Omni-7B", "--audio-seconds", "1e9"]
    yield ["models", "--search", "a" * 100_000]
    yield ["models", "--search", "(" * 1000]
    yield ["models", "--search", ".*" * 1000]
    yield ["models", "--family", ",".join(["qwen"] * 1000)]
    yield ["gpus", "--vendor", ",".join(["nvidia"] * 1000)]
    yield ["gpus", "--min-memory", "1" + "0" * 1000 + "GB"]
    yield ["parse", "-".join(["Qwen"] * 10_000)]
    yield ["parse", "7B-" * 30_000]
    yield ["estimate", "-".join(["A3B"] * 5000)]


# --- `check` of command lines as people paste them

_M = "Qwen/Qwen2.5-0.5B"
_GGUF = "Qwen/Qwen2.5-0.5B-Instruct-GGUF"
_SG = "python -m sglang.launch_server --model-path " + _M
PASTED = (
    "CUDA_VISIBLE_DEVICES=0,1 vllm serve {m} --tensor-parallel-size 2",
    "CUDA_VISIBLE_DEVICES= vllm serve {m}",
    "CUDA_VISIBLE_DEVICES=" + ",".join(str(i) for i in range(1000)) + " vllm serve {m}",
    "CUDA_VISIBLE_DEVICES=-1 vllm serve {m}",
    "VLLM_USE_V1=0 vllm serve {m}",
    "nohup vllm serve {m} > log 2>&1 &",
    "vllm serve {m} | tee log",
    "vllm serve {m} && echo ok",
    "vllm serve {m}; rm -rf ~",
    "sudo vllm serve {m}",
    "time vllm serve {m}",
    "exec vllm serve {m}",
    "uv run vllm serve {m}",
    "uvx vllm serve {m}",
    "python3 -m vllm.entrypoints.openai.api_server --model {m}",
    "python -m vllm.entrypoints.openai.api_server --model={m} --max-model-len=1e6",
    "vllm serve --model {m}",
    "vllm serve {m} --model Qwen/Qwen3-8B",
    "vllm serve {m} Qwen/Qwen3-8B",
    "vllm serve {m} --tensor-parallel-size 1024",
    "vllm serve {m} -tp 3",
    "vllm serve {m} -tp=0",
    "vllm serve {m} -tp 2 --pipeline-parallel-size 512 --data-parallel-size 4096",
    "vllm serve {m} --max-model-len auto",
    "vllm serve {m} --max-model-len -1",
    "vllm serve {m} --max-model-len 1k --max-model-len 2m",
    "vllm serve {m} --gpu-memory-utilization 1e-9",
    "vllm serve {m} --kv-cache-memory-bytes 1e30",
    "vllm serve {m} --kv-cache-memory-bytes 10G",
    "vllm serve {m} --swap-space 1e30",
    "vllm serve {m} --cpu-offload-gb 1e30",
    'vllm serve {m} --speculative-config {{"method":"ngram","num_speculative_tokens":-1}}',
    'vllm serve {m} --speculative-config {{"num_speculative_tokens":' + "9" * 5000 + "}}",
    'vllm serve {m} --hf-overrides {{"max_position_embeddings":' + "9" * 5000 + "}}",
    'vllm serve {m} --hf-overrides {{"num_hidden_layers":1e400}}',
    'vllm serve {m} --limit-mm-per-prompt {{"image":1000000}}',
    'vllm serve Qwen/Qwen2.5-VL-7B-Instruct --limit-mm-per-prompt {{"image":1e30,"video":-1}}',
    "vllm serve Qwen/Qwen2.5-VL-7B-Instruct --limit-mm-per-prompt image=5,video=x",
    'vllm serve Qwen/Qwen2.5-VL-7B-Instruct --mm-processor-kwargs {{"max_pixels":-1,"min_pixels":"x"}}',
    "vllm serve {m} --compilation-config 3",
    "vllm serve {m} -O3 -O0",
    "vllm serve {m} --max-num-seqs 1e12",
    "vllm serve {m} --enable-chunked-prefill false --max-num-batched-tokens 16",
    "vllm serve {m} --block-size 7",
    "vllm serve {m} --quantization gguf",
    "vllm serve ./model.gguf --tokenizer {m}",
    "vllm serve /dev/zero",
    "vllm serve /",
    "vllm serve ..",
    "vllm serve ~",
    "vllm serve {m} --enable-lora --lora-modules a=/x b=/y --max-lora-rank 100000 --max-loras 1e9",
    'vllm serve {m} --rope-scaling {{"rope_type":"yarn","factor":1e300,'
    '"original_max_position_embeddings":32768}} --max-model-len 1000000',
    _SG + " --tp 3 --dp 0",
    _SG + " --tp-size 4096",
    _SG + " --mem-fraction-static nan",
    _SG + " --max-total-tokens 1e20",
    _SG + " --max-total-tokens 0",
    _SG + " --cuda-graph-max-bs 1e9",
    _SG + " --cuda-graph-bs " + " ".join(str(i) for i in range(1, 3000)),
    _SG + " --speculative-algorithm EAGLE --speculative-num-steps 1e9 --speculative-eagle-topk -1 "
    "--speculative-num-draft-tokens 0",
    _SG + " --page-size 0",
    _SG + " --page-size 99999999999",
    "sglang serve --model-path {m}",
    "python3 -m sglang.launch_server --model {m} --enable-dp-attention --dp 3 --tp 2",
    _SG + " --json-model-override-args [1,2]",
    _SG + " --json-model-override-args null",
    "llama-server -m x.gguf -c 0",
    "llama-server -m x.gguf --ctx-size 1e12",
    "llama-server -hf {g} -ngl auto",
    "llama-server -hf {g} -ngl 99999999999999999999",
    "llama-server -hf {g} --override-tensor (((((=CPU",
    "llama-server -hf {g} -ot .*=CPU",
    "llama-server -hf {g} -ot [=CPU",
    "llama-server -hf {g} -ot (a*)*b=CPU",
    "llama-server -hf {g} -ot " + "(a|a)*" * 30 + "=CPU",
    "llama-server -hf {g} -ot x=NOTADEVICE",
    "llama-server -hf {g} -ot =",
    "llama-server -hf {g} --tensor-split 1e308,1e308",
    "llama-server -hf {g} --tensor-split " + ",".join(["1"] * 2000),
    "llama-server -hf {g} --tensor-split 0,0,0",
    "llama-server -hf {g} --tensor-split nan,1",
    "llama-server -hf {g} --main-gpu 99",
    "llama-server -hf {g} --device none",
    "llama-server -hf {g} --device CUDA0,CUDA1,CUDA999",
    "llama-server -hf {g} --rope-scale 1e308 --rope-freq-base nan -c 1000000",
    "llama-server -hf {g} -md x.gguf -ngld 999 --draft-max 1e9",
    "llama-server -hf {g} -hfd {g}:Q8_0 --draft-max -5 -cd 1e12",
    "llama-server -hf {g} --mmproj /dev/zero",
    "llama-server -hf {g} --lora /dev/zero --lora-scaled x.gguf nan",
    "llama-server -hf {g} --cache-reuse -1 --kv-unified --swa-full --no-kv-offload --mlock --no-mmap",
    "llama-server -hf {g} -fa on -fa off -fa auto -fa",
    "llama-server -hf {g} -ctk f32 -ctv q4_1 -ctk iq4_nl",
    "llama-cli -hf {g} -c 8192",
    "llama-bench -m x.gguf -p 512 -n 128",
    "./build/bin/llama-server -hf {g}",
    "ollama run qwen2.5:0.5b --verbose --keepalive -1",
    "ollama serve",
    "ollama run",
    "ollama run :",
    "ollama run qwen2.5:0.5b hello world",
    "ollama run qwen2.5:0.5b " + "x" * 100_000,
    "ollama run hf.co/{g}:Q4_K_M",
    "ollama run ../../../etc/passwd",
    "docker run --gpus all -p 8000:8000 vllm/vllm-openai:latest --model {m} --max-model-len 1e9",
    'docker run --gpus "device=0,1" vllm/vllm-openai --model {m} -tp 2',
    "docker run --rm -it --ipc=host --shm-size 1e30 lmsysorg/sglang python3 -m sglang.launch_server "
    "--model-path {m}",
    "docker compose up",
    "podman run vllm/vllm-openai --model {m}",
    "kubectl run x --image vllm/vllm-openai -- --model {m}",
    "torchrun --nproc-per-node 8 train.py",
    "accelerate launch --num_processes 1e9 train.py",
    "deepspeed --num_gpus -1 train.py --deepspeed ds.json",
    "llamafactory-cli train /dev/zero",
    "axolotl train /dev/zero",
    "tune run lora_finetune_single_device --config llama3_2/1B_lora",
    "text-generation-launcher --model-id {m} --max-total-tokens 1e9",
    "lmdeploy serve api_server {m}",
    "vllm",
    "sglang",
    "llama-server",
    "python",
    "python -m",
    "env",
    "env -i",
    "env X=1",
    "docker run",
    "bash -c 'vllm serve {m}'",
    'sh -c "vllm serve $MODEL"',
    "vllm serve ${{MODEL:-{m}}}",
    "vllm serve $MODEL",
    "vllm serve {m} --max-model-len $((1<<40))",
    "vllm serve {m} # a comment --max-model-len 1",
    "vllm serve {m} \\\n --max-model-len 1000 \\\n --tensor-parallel-size 1",
    "vllm serve {m}\r\n--max-model-len 1000",
    "vllm serve {m} <<EOF",
    "vllm serve {m} 2>&1 >/etc/passwd",
    "vllm serve {m} --max-model-len=",
    "vllm serve {m} --=",
    "vllm serve {m} ---max-model-len 5",
    "vllm serve {m} -",
)


def command_cases() -> Iterator[list[str]]:
    for template in PASTED:
        line = template.format(m=_M, g=_GGUF)
        yield ["check", "--gpu", "H100", line]
        yield ["check", "--gpu", "RTX-4090,RTX-4090", "--format", "json", line]


# --- training configs (YAML / JSON files given to `check`)

_LF = (
    "model_name_or_path: Qwen/Qwen2.5-0.5B\nstage: sft\nfinetuning_type: lora\ncutoff_len: 2048\n"
    "per_device_train_batch_size: 2\n"
)
_AXO = "base_model: Qwen/Qwen2.5-0.5B\nadapter: lora\nsequence_len: 2048\nmicro_batch_size: 2\n"


def _anchor_fanout() -> str:
    rows = ["a: &a [" + ",".join(["x"] * 50) + "]"]
    rows += [f"b{i}: &b{i} [" + ",".join([f"*{'a' if i == 0 else f'b{i - 1}'}"] * 50) + "]" for i in range(6)]
    return "\n".join(rows) + "\n" + _LF


TRAINING_DOCS: dict[str, str] = {
    "pyobj": _LF + "x: !!python/object/apply:os.system ['touch PWNED']\n",
    "pyname": _LF + "x: !!python/name:os.system\n",
    "binary": _LF.replace("Qwen/Qwen2.5-0.5B", "!!binary aGVsbG8="),
    "set": _LF + "lora_target: !!set {q_proj, v_proj}\n",
    "timestamp": _LF.replace("2048", "2001-12-14t21:59:43.10-05:00"),
    "customtag": _LF.replace("2048", "!foo 2048"),
    "doctag": "--- !llmsize\n" + _LF,
    "merge": "defaults: &d\n  cutoff_len: 4096\n" + _LF.replace("cutoff_len: 2048\n", "<<: *d\n"),
    "mergebad": _LF + "<<: 5\n",
    "bigint": _LF.replace("2048", "9" * 5000),
    "bigint_hex": _LF.replace("2048", "0x" + "f" * 5000),
    "bigint_oct": _LF.replace("2048", "0" + "7" * 6000),
    "bigint_bin": _LF.replace("2048", "0b" + "1" * 20_000),
    "bigint_key": _LF + "0x" + "f" * 5000 + ": 1\n",
    "bigfloat": _LF.replace("2048", "1e400"),
    "nan": _LF.replace("2048", ".nan"),
    "sexagesimal": _LF.replace("2048", "190:20:30"),
    "yes": _LF.replace("2048", "yes"),
    "nullkey": _LF + "~: 1\n",
    "intkey": _LF + "1: 2\n",
    "listkey": _LF + "? [a, b]\n: 1\n",
    "dictkey": _LF + "? {a: 1}\n: 1\n",
    "dupkey": _LF + "cutoff_len: 999999999\n",
    "multidoc": _LF + "---\n" + _LF,
    "emptydocs": "---\n---\n",
    "empty": "",
    "scalar": "42\n",
    "list": "- a\n- b\n",
    "tabs": _LF.replace("stage", "\tstage"),
    "ds_inline_bad": _LF + "deepspeed: {zero_optimization: 5}\n",
    "ds_stage_str": _LF + "deepspeed: {zero_optimization: {stage: three}}\n",
    "ds_stage_big": _LF + "deepspeed: {zero_optimization: {stage: 99999999999999999999}}\n",
    "ds_dir": _LF + "deepspeed: /tmp\n",
    "ds_devzero": _LF + "deepspeed: /dev/zero\n",
    "model_list": _LF.replace(": Qwen/Qwen2.5-0.5B", ": [Qwen/Qwen2.5-0.5B]"),
    "model_map": _LF.replace(": Qwen/Qwen2.5-0.5B", ": {a: 1}"),
    "axo_lora_r": _AXO + "lora_r: 1e400\nlora_alpha: .nan\n",
    "axo_targets": _AXO + "lora_target_modules: " + json.dumps(["q_proj"] * 100_000) + "\n",
    "axo_tuple": _AXO + "datasets: !!python/tuple [1,2]\n",
    "axo_fsdp": _AXO + "fsdp: [full_shard, auto_wrap, offload, 5, null]\nfsdp_config: 3\n",
    "axo_fsdp2": _AXO + "fsdp_version: 99\nfsdp_config: {offload_params: maybe, reshard_after_forward: 5}\n",
    "axo_seq_float": _AXO.replace("2048", "2048.7"),
    "axo_micro_huge": _AXO.replace("size: 2", "size: 1e18"),
    "trl": "model_name_or_path: Qwen/Qwen2.5-0.5B\nmax_length: 1e12\nuse_peft: maybe\n",
    "trl_grpo": "model_name_or_path: Qwen/Qwen2.5-0.5B\nnum_generations: 1e9\nmax_completion_length: -1\n",
    "long_key": _LF + "a" * 100_000 + ": 1\n",
    "deep_flow": _LF + "x: " + "[" * 5000 + "]" * 5000 + "\n",
    "deep_block": _LF + "x:\n" + "".join("  " * i + "a:\n" for i in range(1, 2000)),
    "anchor_fanout": _anchor_fanout(),
    "alias_undefined": _LF + "x: *nope\n",
    "anchor_recursive": "a: &a {b: *a}\n" + _LF,
    "yaml_directive": "%YAML 9.9\n---\n" + _LF,
    "tag_directive": "%TAG ! tag:evil.com,2000:\n---\n" + _LF,
    "control": _LF + "x: \x07\x1b[2J\n",
    "crlf": _LF.replace("\n", "\r\n"),
    "cr": _LF.replace("\n", "\r"),
}


def write_training_configs(root: Path) -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in TRAINING_DOCS.items():
        path = root / f"{name}.yaml"
        path.write_text(text)
        paths.append(path)
    extra = {
        "utf16.yaml": _LF.encode("utf-16"),
        "badutf8.yaml": _LF.encode() + b"x: \xff\xfe\n",
        "bom.yaml": "\ufeff".encode() + _LF.encode(),
        "huge_int.json": (
            '{"model_name_or_path": "Qwen/Qwen2.5-0.5B", "cutoff_len": ' + "9" * 5000 + "}"
        ).encode(),
    }
    for name, data in extra.items():
        (root / name).write_bytes(data)
        paths.append(root / name)
    fifo = root / "fifo.json"
    if not fifo.exists():
        os.mkfifo(fifo)
    (root / "ds_auto.json").write_text(
        json.dumps(
            {
                "zero_optimization": {"stage": "auto", "offload_optimizer": {"device": "auto"}},
                "train_micro_batch_size_per_gpu": "auto",
                "gradient_accumulation_steps": "9" * 5000,
            }
        )
    )
    for name, target in (
        ("ds_fifo", fifo),
        ("ds_self", root / "ds_self.yaml"),
        ("ds_auto", root / "ds_auto.json"),
    ):
        (root / f"{name}.yaml").write_text(_LF + f"deepspeed: {target}\n")
        paths.append(root / f"{name}.yaml")
    return paths


def training_cases(root: Path) -> Iterator[list[str]]:
    for path in write_training_configs(root):
        yield ["check", "--gpu", "H100", str(path)]
        if path.suffix == ".yaml":
            yield ["check", "--gpu", "H100", "--", "llamafactory-cli", "train", str(path)]
            yield ["check", "--gpu", "H100", "--", "axolotl", "train", str(path)]


# --- model folders

_IDX = "model.safetensors.index.json"


def _index(weight_map: dict[str, Any]) -> str:
    return json.dumps({"metadata": {"total_size": 1}, "weight_map": weight_map})


def write_safetensors(path: Path, tensors: dict[str, tuple[str, list[Any]]]) -> None:
    header = {k: {"dtype": d, "shape": s, "data_offsets": [0, 0]} for k, (d, s) in tensors.items()}
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw)


def _skip_config(q: dict[str, Any]) -> dict[str, Any]:
    return {**TINY, "quantization_config": q}


_GPTQ = {"quant_method": "gptq", "bits": 4, "group_size": 128}
CONFIGS: dict[str, Any] = {
    "text_in_text": {**TINY, "text_config": {**TINY, "text_config": {**TINY, "hidden_size": 9}}},
    "text_cfg_list": {**TINY, "text_config": [TINY]},
    "text_cfg_str": {**TINY, "text_config": "x"},
    "text_cfg_empty": {
        "architectures": ["LlavaForConditionalGeneration"],
        "model_type": "llava",
        "text_config": {},
        "vision_config": {},
    },
    "vision_huge": {
        **TINY,
        "architectures": ["Qwen2VLForConditionalGeneration"],
        "model_type": "qwen2_vl",
        "vision_config": {"depth": 10**6, "embed_dim": 2**40, "patch_size": 0, "spatial_merge_size": 0},
    },
    "vision_neg": {
        "architectures": ["LlavaForConditionalGeneration"],
        "model_type": "llava",
        "text_config": TINY,
        "vision_config": {"hidden_size": -1, "image_size": -336, "patch_size": -14, "num_hidden_layers": -1},
    },
    "vision_types": {
        "architectures": ["LlavaForConditionalGeneration"],
        "model_type": "llava",
        "text_config": TINY,
        "vision_config": {"hidden_size": "1024", "image_size": [336], "patch_size": None},
    },
    "vision_patch_big": {
        "architectures": ["LlavaForConditionalGeneration"],
        "model_type": "llava",
        "text_config": TINY,
        "vision_config": {"image_size": 336, "patch_size": 10**9},
    },
    "layer_types_short": {**TINY, "layer_types": ["full_attention"]},
    "layer_types_long": {**TINY, "layer_types": ["sliding_attention"] * 100_000, "sliding_window": 4},
    "layer_types_dict": {**TINY, "layer_types": {"0": "full_attention"}},
    "layer_types_nested": {**TINY, "layer_types": [["full_attention"], ["x"]]},
    "rope_neg": {
        **TINY,
        "rope_scaling": {"rope_type": "yarn", "factor": -4, "original_max_position_embeddings": 1024},
    },
    "rope_zero_orig": {
        **TINY,
        "rope_scaling": {"rope_type": "yarn", "factor": 4, "original_max_position_embeddings": 0},
    },
    "rope_list": {**TINY, "rope_scaling": [1, 2]},
    "rope_longrope": {
        **TINY,
        "rope_scaling": {"type": "longrope", "long_factor": [1e308] * 5, "short_factor": "x"},
    },
    "rope_llama3": {
        **TINY,
        "rope_scaling": {
            "rope_type": "llama3",
            "factor": 1e-300,
            "low_freq_factor": 0,
            "high_freq_factor": 0,
        },
    },
    "rope_params_v5": {
        **TINY,
        "rope_parameters": {"full_attention": {"rope_type": "yarn", "factor": 1e300}, "sliding_attention": 5},
    },
    "qc_str": _skip_config("gptq"),
    "qc_list": _skip_config([_GPTQ]),  # type: ignore[dict-item]
    "qc_bits_list": _skip_config({**_GPTQ, "bits": [4]}),
    "qc_bits_huge": _skip_config({**_GPTQ, "bits": 2**40}),
    "qc_group_huge": _skip_config({**_GPTQ, "group_size": 2**62}),
    "qc_bnb": _skip_config(
        {
            "quant_method": "bitsandbytes",
            "load_in_4bit": "yes",
            "load_in_8bit": "yes",
            "bnb_4bit_quant_type": 5,
        }
    ),
    "qc_ct": _skip_config(
        {
            "quant_method": "compressed-tensors",
            "config_groups": {"g": {"weights": {"num_bits": "x", "strategy": 5}, "targets": "Linear"}},
        }
    ),
    "qc_fp8_block": _skip_config({"quant_method": "fp8", "weight_block_size": [0, 0]}),
    "qc_fp8_block3": _skip_config({"quant_method": "fp8", "weight_block_size": [128, 128, 128]}),
    "qc_escape": _skip_config({"quant_method": "\x1b[2Jevil"}),
    "skip_repeated": _skip_config({**_GPTQ, "modules_to_not_convert": ["x"] * 200_000}),
    "skip_ignored_layers": _skip_config(
        {"quant_method": "fp8", "ignored_layers": [f"model.layers.{i}.x" for i in range(200_000)]}
    ),
    "skip_globs": _skip_config({**_GPTQ, "modules_to_not_convert": [f"*{i}*" for i in range(9000)]}),
    "skip_too_many_globs": _skip_config(
        {**_GPTQ, "modules_to_not_convert": [f"*{i}*" for i in range(10_001)]}
    ),
    "skip_regexes": _skip_config(
        {
            "quant_method": "compressed-tensors",
            "config_groups": {
                "g": {
                    "weights": {"num_bits": 4, "type": "int", "group_size": 128, "strategy": "group"},
                    "targets": ["Linear"],
                }
            },
            "ignore": [f"re:.*{i}$" for i in range(5000)],
        }
    ),
    "skip_modelopt": _skip_config(
        {
            "quant_method": "modelopt",
            "quant_algo": "NVFP4",
            "group_size": 16,
            "exclude_modules": [f"model.layers.{i}.*" for i in range(9999)],
        }
    ),
    "mlx_q": {**TINY, "quantization": {"group_size": 0, "bits": 0}},
    "dtype_obj": {**TINY, "torch_dtype": {"a": 1}},
    "arch_many": {**TINY, "architectures": ["X"] * 100_000},
    "mt_path": {**TINY, "model_type": "../../etc"},
    "head_dim_odd": {**TINY, "head_dim": 3},
    "kv_not_divisor": {**TINY, "num_key_value_heads": 3},
    "sliding_neg": {**TINY, "sliding_window": -5},
    "auto_map": {**TINY, "auto_map": {"AutoModel": "evil.Evil"}, "model_type": "evil_custom"},
}


def _folder(root: Path, name: str, config: Any = None) -> Path:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(TINY if config is None else config))
    return folder


def write_folders(root: Path) -> list[Path]:
    """Folders whose index or shards point where they should not, and folders of odd config.json."""
    folders = []
    for name, shard in (
        ("idx_abs", "/etc/passwd"),
        ("idx_dotdot", "../x/config.json"),
        ("idx_dot", "."),
        ("idx_empty", ""),
        ("idx_missing", "model-00001-of-00002.safetensors"),
        ("idx_self", _IDX),
        ("idx_config", "config.json"),
        ("idx_newline", "m\n.safetensors"),
        ("idx_long", "m" * 5000 + ".safetensors"),
    ):
        folder = _folder(root, name)
        (folder / _IDX).write_text(_index({"a": shard}))
        folders.append(folder)
    for name, text in (
        ("idx_list", "[1, 2]"),
        ("idx_null", "null"),
        ("idx_nan", '{"metadata": {"total_size": NaN}, "weight_map": {"a": "m.safetensors"}}'),
    ):
        folder = _folder(root, name)
        (folder / _IDX).write_text(text)
        folders.append(folder)
    folder = _folder(root, "idx_200k_same")
    (folder / _IDX).write_text(_index({f"t{i}": "m.safetensors" for i in range(200_000)}))
    folders.append(folder)
    shards: dict[str, Callable[[Path], None]] = {
        "shard_dir": lambda p: p.mkdir(),
        "shard_fifo": os.mkfifo,
        "shard_loop": lambda p: os.symlink(p.name, p),
        "shard_devzero": lambda p: os.symlink("/dev/zero", p),
        "shard_outside": lambda p: os.symlink("/etc/passwd", p),
        "shard_len_2e63": lambda p: p.write_bytes(struct.pack("<Q", 2**63) + b"{}"),
        "shard_truncated": lambda p: p.write_bytes(struct.pack("<Q", 1000) + b"{}"),
        "shard_neg_shape": lambda p: write_safetensors(
            p, {"model.embed_tokens.weight": ("BF16", [-1000, 256])}
        ),
        "shard_huge_shape": lambda p: write_safetensors(
            p, {"model.embed_tokens.weight": ("BF16", [2**62, 2**62])}
        ),
        "shard_float_shape": lambda p: write_safetensors(
            p, {"model.embed_tokens.weight": ("BF16", [1.5, 2])}
        ),
        "shard_bool_shape": lambda p: write_safetensors(
            p, {"model.embed_tokens.weight": ("BF16", [True, 2])}
        ),
        "shard_odd_dtypes": lambda p: write_safetensors(
            p, {"a": ("F8_E8M0", [1000, 256]), "b": ("I4", [3]), "c": ("C64", [2])}
        ),
        "shard_64_dims": lambda p: write_safetensors(p, {"w": ("BF16", [2] * 64)}),
        "shard_empty": lambda p: write_safetensors(p, {}),
    }
    for name, make in shards.items():
        for indexed in (True, False):
            folder = _folder(root, f"{name}_{'idx' if indexed else 'noidx'}")
            shard = folder / ("m.safetensors" if indexed else "model.safetensors")
            if indexed:
                (folder / _IDX).write_text(_index({"a": shard.name}))
            if not shard.exists() and not shard.is_symlink():
                make(shard)
            folders.append(folder)
    for name, config in CONFIGS.items():
        folders.append(_folder(root, f"cfg_{name}", config))
    return folders


def folder_cases(root: Path) -> Iterator[list[str]]:
    engines = ("vllm", "sglang", "llama.cpp", "transformers")
    for i, folder in enumerate(write_folders(root)):
        yield ["estimate", str(folder)]
        yield ["fit", str(folder), "--gpu", "H100", "--engine", engines[i % 4], "--format", "json"]
        if folder.name.startswith("cfg_vision") or folder.name.startswith("cfg_text"):
            yield ["estimate", str(folder), "--images", "4", "--image-size", "4096x4096", "--engine", "vllm"]


# --- GGUF files with odd metadata

_GG = {
    "u8": 0,
    "i8": 1,
    "u16": 2,
    "i16": 3,
    "u32": 4,
    "i32": 5,
    "f32": 6,
    "bool": 7,
    "str": 8,
    "arr": 9,
    "u64": 10,
    "i64": 11,
    "f64": 12,
}
_PACK = {
    "u8": "<B",
    "i8": "<b",
    "u16": "<H",
    "i16": "<h",
    "u32": "<I",
    "i32": "<i",
    "f32": "<f",
    "bool": "<B",
    "u64": "<Q",
    "i64": "<q",
    "f64": "<d",
}


def _gstr(text: str | bytes) -> bytes:
    raw = text.encode() if isinstance(text, str) else text
    return struct.pack("<Q", len(raw)) + raw


def _gval(kind: str, value: Any) -> bytes:
    if kind == "str":
        return _gstr(value)
    if kind == "arr":
        element, items = value
        return struct.pack("<IQ", _GG[element], len(items)) + b"".join(_gval(element, i) for i in items)
    return struct.pack(_PACK[kind], value)


def gguf_kv(key: str, kind: str, value: Any) -> bytes:
    return _gstr(key) + struct.pack("<I", _GG[kind]) + _gval(kind, value)


_GGUF_BASE: dict[str, tuple[str, Any]] = {
    "general.architecture": ("str", "llama"),
    "llama.block_count": ("u32", 2),
    "llama.context_length": ("u32", 4096),
    "llama.embedding_length": ("u32", 64),
    "llama.feed_forward_length": ("u32", 128),
    "llama.attention.head_count": ("u32", 4),
    "llama.attention.head_count_kv": ("u32", 2),
    "general.file_type": ("u32", 15),
}


def gguf_tensors(ttype: int = 12) -> list[tuple[str, tuple[int, ...], int]]:
    """A two-block llama's tensors (name, shape, ggml type); the matrices in `ttype`, norms in F32."""
    out = [("token_embd.weight", (64, 1000), 0)]
    shapes = (
        ("attn_q", (64, 64)),
        ("attn_k", (64, 32)),
        ("attn_v", (64, 32)),
        ("attn_output", (64, 64)),
        ("ffn_gate", (64, 128)),
        ("ffn_up", (64, 128)),
        ("ffn_down", (128, 64)),
        ("attn_norm", (64,)),
        ("ffn_norm", (64,)),
    )
    for block in range(2):
        out += [(f"blk.{block}.{n}.weight", shape, ttype if len(shape) == 2 else 0) for n, shape in shapes]
    return [*out, ("output_norm.weight", (64,), 0)]


def write_gguf(
    path: Path,
    keys: dict[str, tuple[str, Any]] | None = None,
    extra: tuple[bytes, ...] = (),
    tensors: list[tuple[str, tuple[int, ...], int]] | None = None,
    version: int = 3,
    magic: bytes = b"GGUF",
    counts: tuple[int | None, int | None] = (None, None),
) -> Path:
    """A header-only GGUF (then 256 kB of zeros) with the keys, extra raw key/values and tensors given."""
    blobs = [gguf_kv(k, kind, v) for k, (kind, v) in (keys or _GGUF_BASE).items()] + list(extra)
    tensors = gguf_tensors() if tensors is None else tensors
    infos = b"".join(
        _gstr(n)
        + struct.pack("<I", len(shape))
        + b"".join(struct.pack("<Q", d) for d in shape)
        + struct.pack("<IQ", t, 0)
        for n, shape, t in tensors
    )
    n_tensors = len(tensors) if counts[0] is None else counts[0]
    n_kv = len(blobs) if counts[1] is None else counts[1]
    head = magic + struct.pack("<IQQ", version, n_tensors, n_kv) + b"".join(blobs) + infos
    path.write_bytes(head + b"\0" * (-len(head) % 32) + b"\0" * 256_000)
    return path


def write_ggufs(root: Path) -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    base = _GGUF_BASE

    def g(name: str, **kw: Any) -> Path:
        return write_gguf(root / f"{name}.gguf", **kw)

    def key(k: str, kind: str, v: Any) -> dict[str, tuple[str, Any]]:
        return {**base, k: (kind, v)}

    return [
        g("ok"),
        g("name_escape", extra=(gguf_kv("general.name", "str", "\x1b[2J\x07evil\n"),)),
        g("name_5mb", extra=(gguf_kv("general.name", "str", "n" * 5_000_000),)),
        g(
            "labels",
            extra=(
                gguf_kv("general.basename", "str", "../../etc"),
                gguf_kv("general.size_label", "str", "8x7B-A1e400B"),
                gguf_kv("general.finetune", "str", "%s%n"),
            ),
        ),
        g("tokens_1m", extra=(gguf_kv("tokenizer.ggml.tokens", "arr", ("str", ["t"] * 1_000_000)),)),
        g("scores_nan", extra=(gguf_kv("tokenizer.ggml.scores", "arr", ("f32", [float("nan")] * 100_000)),)),
        g(
            "heads_arr_of_arr",
            keys=key("llama.attention.head_count_kv", "arr", ("arr", [("u32", [1, 2])] * 2)),
        ),
        g("heads_bool", keys=key("llama.attention.head_count_kv", "arr", ("bool", [1, 0]))),
        g("heads_str", keys=key("llama.attention.head_count", "arr", ("str", ["4", "4"]))),
        g("heads_u8", keys=key("llama.attention.head_count", "arr", ("u8", [4, 4]))),
        g("heads_i64", keys=key("llama.attention.head_count_kv", "arr", ("i64", [2, -(2**63)]))),
        g("ffn_f64_inf", keys=key("llama.feed_forward_length", "arr", ("f64", [128.0, float("inf")]))),
        g("block_u8", keys=key("llama.block_count", "u8", 2)),
        g("block_i16", keys=key("llama.block_count", "i16", -2)),
        g("ctx_i64", keys=key("llama.context_length", "i64", -(2**63))),
        g("ctx_bool", keys=key("llama.context_length", "bool", 1)),
        g("ft_bool", keys=key("general.file_type", "bool", 1)),
        g("ft_u32max", keys=key("general.file_type", "u32", 2**32 - 1)),
        g("ft_str", keys=key("general.file_type", "str", "Q4_K_M")),
        g("unknown_kv_type", extra=(_gstr("x.y") + struct.pack("<I", 99) + b"\0" * 8,)),
        *(g(f"ttype_{t}", tensors=gguf_tensors(t)) for t in (99, 2**31, 4, 16, 39, 34, 28, 24)),
        g("tensors_twice", tensors=gguf_tensors() + gguf_tensors()),
        g("no_embd", tensors=gguf_tensors()[1:]),
        g("zero_dim", tensors=[("token_embd.weight", (0, 1000), 0), *gguf_tensors()[1:]]),
        g("dims_2e40", tensors=[("token_embd.weight", (2**40, 2**40), 0), *gguf_tensors()[1:]]),
        g("blk_u32max", tensors=[*gguf_tensors(), ("blk.4294967295.attn_q.weight", (64, 64), 12)]),
        g(
            "blk_odd_names",
            tensors=[*gguf_tensors(), ("blk..weight", (64,), 0), ("\x1b[2J", (64,), 0), ("", (64,), 0)],
        ),
        *(g(f"version_{v}", version=v) for v in (0, 1, 2, 4, 2**31)),
        g("magic_be", magic=b"FUGG"),
        g("magic_ggjt", magic=b"ggjt"),
        g("tensor_count_lies", counts=(10**9, None)),
        g("kv_count_lies", counts=(None, 10**9)),
        g("tensor_count_short", counts=(1, None)),
        g("kv_count_zero", counts=(None, 0)),
        g(
            "split",
            extra=(
                gguf_kv("split.count", "u16", 3),
                gguf_kv("split.no", "u16", 0),
                gguf_kv("split.tensors.count", "i32", 99),
            ),
        ),
        g("split_no_past", extra=(gguf_kv("split.count", "u16", 2), gguf_kv("split.no", "u16", 5))),
        *(g(f"align_{a}", extra=(gguf_kv("general.alignment", "u32", a),)) for a in (0, 3, 2**31)),
        g("arch_mismatch", keys=key("general.architecture", "str", "qwen2")),
        g("arch_unknown", keys=key("general.architecture", "str", "totally-new-arch")),
        g("arch_bad_utf8", keys=key("general.architecture", "str", b"ll\xedama")),
        g("key_twice", extra=(gguf_kv("llama.block_count", "u32", 200),)),
        g(
            "rope_odd",
            extra=(
                gguf_kv("llama.rope.scaling.type", "str", "yarn"),
                gguf_kv("llama.rope.scaling.factor", "f32", -1.0),
                gguf_kv("llama.rope.scaling.original_context_length", "u32", 0),
            ),
        ),
        g(
            "swa_pattern_short",
            extra=(
                gguf_kv("llama.attention.sliding_window", "u32", 128),
                gguf_kv("llama.attention.sliding_window_pattern", "arr", ("bool", [1] * 5)),
            ),
        ),
    ]


def gguf_cases(root: Path) -> Iterator[list[str]]:
    paths = write_ggufs(root)
    mmproj = write_gguf(
        root / "mmproj.gguf",
        keys={
            "general.architecture": ("str", "clip"),
            "clip.has_vision_encoder": ("bool", 1),
            "clip.vision.image_size": ("u32", 0),
            "clip.vision.patch_size": ("u32", 0),
        },
        tensors=[],
    )
    for path in paths:
        yield ["estimate", str(path)]
        yield ["fit", str(path), "--gpu", "RTX-4090", "--engine", "llama.cpp", "--format", "json"]
        yield [
            "check",
            "--gpu",
            "RTX-4090",
            "--",
            "llama-server",
            "-m",
            str(path),
            "--mmproj",
            str(mmproj),
            "-c",
            "8192",
        ]


# --- saved reports


def write_reports(root: Path, base: Path, base_yaml: Path) -> list[Path]:
    """Odd documents built from two real saved reports (a JSON `estimate` and a YAML `fit`)."""
    doc = json.loads(base.read_text())
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [{','.join([f'*{p}'] * 10)}]\n" for p, c in zip("abcde", "bcdef", strict=True)
    )
    texts = {
        "tags.yaml": "!!python/object/apply:os.system ['touch PWNED']\n",
        "hexint.yaml": base_yaml.read_text() + "\nextra: 0x" + "f" * 5000 + "\n",
        "hex_schema.yaml": "schema_version: 0x" + "f" * 5000 + "\n",
        "bomb.yaml": bomb,
        "json_text.yaml": json.dumps(doc),
        "page.html": "<html><body>x</body></html>",
        "multi.yaml": base_yaml.read_text() + "\n---\n" + base_yaml.read_text(),
        "merge.yaml": "base: &b {schema_version: 1}\n<<: *b\n",
        "dupkeys.json": json.dumps(doc)[:-1] + ', "schema_version": "x"}',
        "trailing.json": json.dumps(doc) + "garbage",
        "two.json": json.dumps(doc) + "\n" + json.dumps(doc),
        "top_list.json": json.dumps([doc, doc]),
    }
    paths = []
    for name, text in texts.items():
        (root / name).write_text(text)
        paths.append(root / name)
    (root / "utf16.json").write_text(json.dumps(doc), encoding="utf-16")
    paths.append(root / "utf16.json")
    mutations: dict[str, Callable[[dict[str, Any]], None]] = {
        "gpus_500": lambda d: d.__setitem__("gpus", d.get("gpus", []) * 500),
        "gpus_map": lambda d: d.__setitem__("gpus", {"a": 1}),
        "schema_float": lambda d: d.__setitem__("schema_version", 1.0),
        "schema_bool": lambda d: d.__setitem__("schema_version", True),
        "total_negative": lambda d: d["memory"].__setitem__("total", -1),
        "weights_1e300": lambda d: d["memory"].__setitem__("weights", 10**300),
        "weights_float": lambda d: d["memory"].__setitem__("weights", 1.5),
        "name_osc8": lambda d: d["model"].__setitem__("name", "\x1b]8;;file:///etc/passwd\x07x\x1b]8;;\x07"),
        "name_markup": lambda d: d["model"].__setitem__("name", "[link=file:///etc/passwd]x[/link][/]"),
        "name_1mb": lambda d: d["model"].__setitem__("name", "x" * 1_000_000),
        "workload_10k": lambda d: d["workload"].update({f"k{i}": i for i in range(10_000)}),
        "assumptions_nested": lambda d: d.__setitem__("assumptions", [["x"] * 3] * 10),
        "warnings_map": lambda d: d.__setitem__("warnings", {"a": "b"}),
    }
    for name, change in mutations.items():
        changed = json.loads(json.dumps(doc))
        change(changed)
        (root / f"m_{name}.json").write_text(json.dumps(changed))
        paths.append(root / f"m_{name}.json")
    return paths


def _save(argv: list[str]) -> None:
    """Run llmsize in process for the file its --output writes (its printed lines are dropped)."""
    import contextlib
    import io

    from llmsize.cli import main

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            main(argv)
        except SystemExit as ex:
            assert ex.code in (0, None), argv


def report_cases(root: Path) -> Iterator[list[str]]:
    """Each odd report shown and diffed against two real ones (a JSON `estimate`, a YAML `fit`)."""
    root.mkdir(parents=True, exist_ok=True)
    base, base_yaml = root / "base.json", root / "base.yaml"
    _save(["estimate", "Qwen3-30B-A3B", "--gpu", "H100", "--engine", "vllm", "--concurrency", "1,8",
           "--output", str(base), "--force"])  # fmt: skip
    _save(["fit", "gpt-oss-20b", "--gpu", "RTX-4090", "--engine", "llama.cpp", "--output", str(base_yaml),
           "--force"])  # fmt: skip
    for path in write_reports(root, base, base_yaml):
        yield ["report", "show", str(path)]
        yield ["report", "show", str(path), "--format", "csv"]
        yield ["report", "diff", str(base), str(path)]
        yield ["report", "diff", str(path), str(path), "--format", "json"]
    yield ["report", "diff", str(base), str(base_yaml)]
    for argv in (
        ["show", str(root)],
        ["show", "/dev/zero"],
        ["show", "/proc/self/mem"],
        ["diff", "/dev/zero", "/dev/zero"],
        ["show"],
        ["diff", str(base)],
        ["nope"],
        ["show", str(base), str(base)],
    ):
        yield ["report", *argv]


# --- --output targets


def output_targets(root: Path) -> list[str]:
    """Where --output may be pointed; root/exists.json and the file behind root/link.json must survive."""
    root.mkdir(parents=True, exist_ok=True)
    read_only = root / "ro"
    read_only.mkdir(exist_ok=True)
    read_only.chmod(0o555)
    (root / "exists.json").write_text("precious\n")
    for name, target in (
        ("dangling.json", "/nonexistent/dir/x.json"),
        ("link.json", str(root / "exists.json")),
    ):
        if not (root / name).is_symlink():
            os.symlink(target, root / name)
    if not (root / "fifo.json").exists():
        os.mkfifo(root / "fifo.json")
    long = "a" * 300
    return [
        "",
        "-",
        "/",
        ".",
        str(root),
        str(root / "exists.json"),
        str(read_only / "x.json"),
        str(read_only),
        str(root / "dangling.json"),
        str(root / "link.json"),
        "/dev/null",
        "/dev/full",
        "/dev/stdout",
        "/proc/self/fd/1",
        str(root / "fifo.json"),
        str(root / f"{long}.json"),
        str(root / long / f"{long}.json"),
        str(root / "new\nline.json"),
        str(root / "exists.json/child.json"),
        str(root / "x.JSON"),
        str(root / "x.csv"),
        str(root / "x.txt"),
        str(root / "x"),
        str(root / ".json"),
    ]


def output_cases(root: Path) -> Iterator[list[str]]:
    heads = (
        ["estimate", MODEL],
        ["fit", MODEL, "--gpu", "H100"],
        ["gpus"],
        ["plan", MODEL, "--gpu", "H100"],
        ["compare", MODEL, "--gpus", "H100,L4"],
        ["check", "--gpu", "H100", "--", "vllm", "serve", _M],
    )
    for target in output_targets(root):
        for head in heads:
            if head[0] == "check":
                yield [*head[:3], "--output", target, *head[3:]]
                continue
            yield [*head, "--output", target]
            yield [*head, "-o", target, "--format", "json"]


GPU_FILE = ("gpus:\n  - id: MyCard\n    name: My Card\n    vendor: nvidia\n    memory_gib: {memory}\n"
            "    bandwidth_gb_s: 1000\n    bf16_tflops: 100\n")  # fmt: skip


def gpu_file_cases(root: Path) -> Iterator[list[str]]:
    """A --gpu-file whose numbers YAML spells in hex, octal, binary, sexagesimal or as tags."""
    root.mkdir(parents=True, exist_ok=True)
    spellings = ("0x" + "f" * 5000, "0" + "7" * 6000, "0b" + "1" * 20_000, "0x18", "1:20", "!!float 24",
                 "!!int '24'", "!!binary aGVsbG8=", "24_000", ".inf")  # fmt: skip
    for i, memory in enumerate(spellings):
        path = root / f"gpu{i}.yaml"
        path.write_text(GPU_FILE.format(memory=memory))
        yield ["fit", MODEL, "--gpu-file", str(path), "--gpu", "MyCard"]
        yield ["gpus", "--gpu-file", str(path), "--format", "json"]


def measure_cases() -> Iterator[list[str]]:
    for extra in (
        ["--layers", "0"],
        ["--layers", "-1"],
        ["--layers", "1e9"],
        ["--layers", "nan"],
        ["--device", "mps"],
        ["--device", "TRACE"],
        ["--device", "trace", "--batch", "0"],
        ["--device", "trace", "--revision", "../../x"],
        ["--device", "trace", "--quant", "Q4_K_M"],
    ):
        yield ["measure", MODEL, *extra]
        yield ["measure", "./nonexistent-dir", *extra]


STEPS: dict[str, Callable[[Path], Iterator[list[str]]]] = {
    "options": lambda root: option_cases(),
    "contradictions": lambda root: contradiction_cases(),
    "lists": lambda root: list_cases(),
    "commands": lambda root: command_cases(),
    "training": training_cases,
    "folders": folder_cases,
    "gguf": gguf_cases,
    "reports": report_cases,
    "output": output_cases,
    "gpu-file": gpu_file_cases,
    "measure": lambda root: measure_cases(),
}


sample = partial(seeded_sample, seed=18)
