"""The twentieth hostile round (issue 15): what is new since round 19, and what rounds 3-19 did not cover.

- the options added lately (`--moe-a2a-backend` / `--all2all-backend`, every backend of each engine under
  every engine, with odd spellings) and the ones that depend on a release (`--engine-version` of odd
  shapes: `b0`, `b-1`, `v0.15.0-rc1`, `latest`, 25 digits, `1e400`, `٠.١٠`) beside --flash-attn,
  --kv-dtype and --num-gpus auto, through estimate / explain / fit / compare / plan;
- numeric edge values in every number option of those commands (0, -0, negative, nan, inf, 1e400, 25
  digits, unicode digits ٣ and fullwidth １, superscripts ², `1_000`, `1,000`, `+5`, `0x10`, ' 7 ') and
  --concurrency lists of odd shapes (`1,,2`, `,`, `1;2`, `8,4,2`, 200 levels, `1,1e400`);
- `check` of engine command lines with contradictory or odd flags: the MoE all-to-all flags of vLLM
  (`--all2all-backend`, `--enable-expert-parallel`) and SGLang (`--moe-a2a-backend`, `--ep`), repeated
  flags that disagree, `--flag=value` beside `--flag value`, every backend spelling; llama-server tensor
  splits and overrides of odd shapes; Ollama runs under every OLLAMA_* variable with odd values; Modelfiles
  (`ollama create -f`) with odd PARAMETER lines, FROM pointing at a folder, /dev/zero or itself;
- every subcommand x every --format (html included where it is refused) x --output (an existing file, a
  folder, a FIFO, /dev/full, a missing folder, a link to an existing file);
- `models` / `gpus` filters with odd values;
- the Python API (llmsize.Workload with each field given a wrong type, then llmsize.estimate).
Each must end in a result (exit 0 or 3) or one printable line with exit 2, quickly and in bounded memory;
nothing given is executed, and no existing file is overwritten without --force.
"""

from __future__ import annotations

import functools
import os
import random
import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from hostile import seeded_sample

MODEL = "Qwen2.5-0.5B"
MOE = "Qwen3-30B-A3B"
NUMBERS = (
    "0",
    "-0",
    "-1",
    "1",
    "nan",
    "-inf",
    "inf",
    "1e400",
    "9" * 25,
    "٣",
    "１",
    "²",
    "1_000",
    "1,000",
    "+5",
    "0x10",
    " 7 ",
    "",
    "1.5",
    "7k",
    "1e3",
)

VLLM_A2A = (
    "allgather_reducescatter",
    "deepep_low_latency",
    "deepep_high_throughput",
    "mori",
    "nixl_ep",
    "flashinfer_nvlink_two_sided",
    "flashinfer_all2allv",
    "flashinfer_nvlink_one_sided",
    "naive",
    "pplx",
)
SGLANG_A2A = ("none", "deepep", "mooncake", "nixl", "mori", "ascend_fuseep", "flashinfer", "megamoe")
ODD_WORDS = (
    "",
    " ",
    "DEEPEP",
    "deepep ",
    "deep-ep",
    "auto",
    "none,deepep",
    "pplx;touch PWNED",
    "\x1b[2J",
    "é",
    "x" * 5000,
    "0",
    "nan",
)
ENGINES = ("transformers", "vllm", "sglang", "llama.cpp", "ollama")
VERSIONS = (
    "b0",
    "b1",
    "b-1",
    "b" + "9" * 25,
    "b1e400",
    "0",
    "0.0.0",
    "0.11.2.3.4",
    "v0.15.0-rc1",
    "latest",
    "0.19.0rc1.dev123+gabc",
    "1e400",
    "nan",
    "٠.١٠",
    "-1",
    "",
    "99999.0",
    "0.4.3.post4",
    "4.46.0",
    "b8571",
)


def backend_cases() -> Iterator[list[str]]:
    """Every engine x every backend word of either engine, through estimate / fit / plan / compare."""
    for engine in ENGINES:
        for word in (*VLLM_A2A, *SGLANG_A2A, *ODD_WORDS):
            flag = ("--moe-a2a-backend", "--all2all-backend")[len(word) % 2]
            yield ["estimate", MOE, "--engine", engine, flag, word]
            yield [
                "fit",
                MOE,
                "--gpu",
                "H100",
                "--engine",
                engine,
                "--ep",
                "8",
                "--num-gpus",
                "8",
                flag,
                word,
            ]
            if engine in ("vllm", "sglang"):
                yield ["plan", MOE, "--gpu", "H100", "--engine", engine, "--ep", "2", flag, word]
                yield [
                    "compare",
                    MOE,
                    "--gpus",
                    "H100,L4",
                    "--engine",
                    engine,
                    "--dp",
                    "2",
                    flag,
                    word,
                    "--num-gpus",
                    "auto",
                ]
                yield ["explain", MOE, "--engine", engine, flag, word, "--ep", "4"]
        yield ["estimate", MODEL, "--engine", engine, "--moe-a2a-backend", "deepep"]  # a dense model


def version_cases() -> Iterator[list[str]]:
    models = ("gpt-oss-20b", "GLM-4.7-Flash", "Qwen3-Next-80B-A3B-Instruct", "gemma-3-12b", MODEL)
    for i, version in enumerate(VERSIONS):
        for engine in ENGINES:
            model = models[i % len(models)]
            yield ["estimate", model, "--engine", engine, "--engine-version", version]
            yield [
                "fit",
                model,
                "--gpu",
                "RTX-4090",
                "--engine",
                engine,
                "--engine-version",
                version,
                "--num-gpus",
                "auto",
            ]
            if engine in ("llama.cpp", "ollama"):
                for fa in ("on", "off", "auto"):
                    yield [
                        "estimate",
                        model,
                        "--engine",
                        engine,
                        "--engine-version",
                        version,
                        "--flash-attn",
                        fa,
                        "--kv-dtype",
                        "q8_0",
                    ]
            yield ["explain", model, "--engine", engine, "--engine-version", version]


_NUMBER_OPTIONS = (
    "--context",
    "--prompt-tokens",
    "--batch",
    "--lora-rank",
    "--grad-accum",
    "--loss-chunks",
    "--tp",
    "--pp",
    "--zero",
    "--images",
    "--image-size",
    "--audio-seconds",
    "--video-frames",
    "--video-size",
    "--gpu-memory-utilization",
    "--gpu-layers",
    "--max-num-seqs",
    "--max-num-batched-tokens",
    "--block-size",
    "--kv-cache-memory",
    "--mem-fraction-static",
    "--max-mamba-cache-size",
    "--mamba-full-memory-ratio",
    "--dp",
    "--ep",
    "--ubatch",
    "--n-batch",
    "--n-cpu-moe",
    "--num-speculative-tokens",
    "--decode-context-parallel-size",
    "--concurrency",
    "--host-bandwidth",
    "--host-threads",
    "--completion-tokens",
    "--kl-beta",
    "--ds-reduce-bucket",
    "--num-gpus",
)
_FIT_ONLY = (
    "--output-tokens",
    "--turns",
    "--system-tokens",
    "--bandwidth-efficiency",
    "--compute-efficiency",
    "--price-per-hour",
)
_PLAN = ("--context", "--batch", "--num-gpus", "--dp", "--ep")


def number_cases() -> Iterator[list[str]]:
    """Each number option x each odd spelling; the command cycles over estimate / fit / compare / explain."""
    heads = (
        ["estimate", MOE, "--gpu", "H100", "--engine", "vllm"],
        ["fit", MOE, "--gpu", "RTX-4090", "--engine", "llama.cpp"],
        ["compare", MOE, "--gpus", "H100,L4", "--engine", "sglang"],
        ["explain", MOE, "--engine", "ollama"],
    )
    for i, option in enumerate(_NUMBER_OPTIONS):
        for j, value in enumerate(NUMBERS):
            yield [*heads[(i + j) % len(heads)], option, value]
    for option in _FIT_ONLY:
        for value in NUMBERS:
            yield ["fit", MODEL, "--gpu", "H100", option, value]
            if option in ("--bandwidth-efficiency", "--compute-efficiency", "--price-per-hour"):
                yield ["compare", MODEL, "--gpus", "H100,L4", option, value]
    for option in _PLAN:
        for value in NUMBERS:
            yield ["plan", MOE, "--gpu", "H100", "--engine", "sglang", option, value]


CONCURRENCY = (
    "1,,2",
    ",",
    ",,,",
    "1;2",
    "8,4,2",
    "1 2",
    "1,2,",
    ",1",
    "1..8",
    "1-8",
    "0,1",
    "1,-1",
    "1,1e400",
    "1,nan",
    "1,٣",
    ",".join(str(i) for i in range(1, 201)),
    ",".join(["64"] * 500),
    "1,2**40",
    "1," + "9" * 25,
    "[1,2]",
    "1, 2",
)


def concurrency_cases() -> Iterator[list[str]]:
    for value in CONCURRENCY:
        for engine in ("vllm", "sglang", "llama.cpp", "ollama"):
            yield ["estimate", MODEL, "--gpu", "H100", "--engine", engine, "--concurrency", value]
        yield ["fit", MODEL, "--gpu", "L4", "--engine", "vllm", "--num-gpus", "auto", "--concurrency", value]
        yield ["compare", MODEL, "--gpus", "H100,L4", "--engine", "sglang", "--concurrency", value]


_V = "vllm serve Qwen/Qwen3-30B-A3B"
_S = "python -m sglang.launch_server --model-path Qwen/Qwen3-30B-A3B"
_L = "llama-server -hf Qwen/Qwen3-30B-A3B-GGUF:Q4_K_M"
ENGINE_LINES = (
    f"{_V} --enable-expert-parallel --all2all-backend deepep_low_latency --all2all-backend naive",
    f"{_V} --enable-expert-parallel --all2all-backend=pplx --all2all-backend deepep_high_throughput",
    f"{_V} --all2all-backend deepep_low_latency",  # without expert parallelism
    f"{_V} --enable-expert-parallel --all2all-backend",
    f"{_V} --enable-expert-parallel --all2all-backend=",
    f"{_V} --enable-expert-parallel --moe-a2a-backend deepep",  # SGLang's flag on vLLM
    f"{_V} --enable-expert-parallel -tp 1 -dp 1 --all2all-backend deepep_low_latency",
    f"{_V} --enable-expert-parallel --data-parallel-size 1000000 --all2all-backend naive",
    f"{_V} --tensor-parallel-size 2 --tensor-parallel-size 4 --tensor-parallel-size=8",
    f"{_V} --max-model-len 4096 --max-model-len=1k --max-model-len auto",
    f"{_V} --kv-cache-dtype fp8 --kv-cache-dtype auto --kv-cache-dtype fp8_e5m2",
    f"{_V} --kv-cache-dtype int4",
    f"{_V} --enforce-eager --no-enforce-eager",
    f"{_V} --quantization gguf",
    f"{_V} --model Qwen/Qwen3-8B",
    f"{_V} --dtype float64",
    f"{_V} --dtype nan",
    f"{_S} --moe-a2a-backend deepep --moe-a2a-backend none",
    f"{_S} --moe-a2a-backend deepep --tp 1",
    f"{_S} --moe-a2a-backend deepep --ep 8 --tp 2",
    f"{_S} --moe-a2a-backend deepep --ep 2 --tp 8 --enable-dp-attention --dp 3",
    f"{_S} --moe-a2a-backend",
    f"{_S} --moe-a2a-backend=mooncake --ep-size 4 --tp 4",
    f"{_S} --all2all-backend naive",  # vLLM's flag on SGLang
    f"{_S} --tp 3 --dp 5 --ep 7 --enable-dp-attention",
    f"{_S} --kv-cache-dtype fp8_e4m3 --kv-cache-dtype bf16",
    f"{_S} --model-path Qwen/Qwen3-8B",
    f"{_S} --context-length 4096 --context-length -1",
    f"{_L} -c 4096 -c 0",
    f"{_L} -ts 1,0,0",
    f"{_L} -ts 0,0",
    f"{_L} -ts -1,2",
    f"{_L} -ts nan,1",
    f"{_L} -ts ,,,",
    f"{_L} -ts 1e400,1",
    f"{_L} -ot exps=CPU -ot (((=CPU",
    f"{_L} -ot [=CPU",
    f"{_L} -ot =",
    f"{_L} -ngl all",
    f"{_L} -ngl auto --n-cpu-moe 999",
    f"{_L} -fa maybe",
    f"{_L} -ctk q4_0 -ctv q9_9",
    f"{_L} -ctk f16 -ctv q4_0 -fa off",
    f"{_L} -sm row -ts 3,1",
    f"{_L} -np 0",
    f"{_L} -np 100000",
    f"{_L} -c 1 -np 64",
    f"{_L} --cpu-moe --n-cpu-moe 5",
    f"{_L} -b 1 -ub 4096",
    "llama-server -hf a/b:c:d",
    "llama-server -hf :",
    "ollama run qwen3:8b /set parameter num_ctx 0",
    "ollama run qwen3:",
    "ollama run :8b",
    "ollama run hf.co/",
    "ollama run hf.co/a/b:c:d",
    "ollama run registry.ollama.ai/library/qwen3:8b",
    "ollama pull qwen3:8b",
    "ollama serve",
    "docker run --gpus all vllm/vllm-openai --model Qwen/Qwen3-8B --tensor-parallel-size 99",
    "CUDA_VISIBLE_DEVICES= vllm serve Qwen/Qwen3-8B",
    "CUDA_VISIBLE_DEVICES=0,1 vllm serve Qwen/Qwen3-8B -tp 4",
    "VLLM_ALL2ALL_BACKEND=deepep_low_latency vllm serve Qwen/Qwen3-30B-A3B --enable-expert-parallel",
    "VLLM_ALL2ALL_BACKEND=nonsense vllm serve Qwen/Qwen3-30B-A3B --enable-expert-parallel",
    "SGLANG_MOE_A2A_BACKEND=x python -m sglang.launch_server --model-path Qwen/Qwen3-30B-A3B",
    "vllm serve Qwen/Qwen3-8B --config /dev/zero",
    "vllm serve Qwen/Qwen3-8B --config /etc",
    "vllm serve /dev/zero",
    "vllm serve /proc/self",
    "llama-server -m /dev/zero",
    "llama-server -m /etc",
)
OLLAMA_ENV = (
    "OLLAMA_CONTEXT_LENGTH",
    "OLLAMA_NUM_PARALLEL",
    "OLLAMA_KV_CACHE_TYPE",
    "OLLAMA_FLASH_ATTENTION",
    "OLLAMA_GPU_OVERHEAD",
    "OLLAMA_SCHED_SPREAD",
    "OLLAMA_NEW_ENGINE",
    "OLLAMA_MAX_LOADED_MODELS",
    "OLLAMA_NUM_GPU",
    "OLLAMA_MULTIUSER_CACHE",
)
MODELFILES = (
    "FROM qwen3:8b\nPARAMETER num_ctx 0\n",
    "FROM qwen3:8b\nPARAMETER num_ctx -1\n",
    "FROM qwen3:8b\nPARAMETER num_ctx 1e400\n",
    "FROM qwen3:8b\nPARAMETER num_ctx ٣٢٠٠٠\n",
    "FROM qwen3:8b\nPARAMETER num_ctx 4096\nPARAMETER num_ctx 8192\n",
    "FROM qwen3:8b\nPARAMETER num_gpu -5\nPARAMETER num_batch 0\n",
    "FROM qwen3:8b\nPARAMETER num_ctx\n",
    "FROM qwen3:8b\nPARAMETER\n",
    "FROM\n",
    "",
    "PARAMETER num_ctx 4096\n",
    "FROM qwen3:8b\nFROM gpt-oss:20b\n",
    "FROM /dev/zero\n",
    "FROM /etc\n",
    "FROM ./Modelfile\n",
    'FROM qwen3:8b\nSYSTEM """unterminated\n',
    "FROM qwen3:8b\nTEMPLATE {{ .Prompt \n",
    "FROM qwen3:8b\nADAPTER /dev/zero\n",
    "FROM qwen3:8b\n" + "PARAMETER stop x\n" * 20000,
    "FROM qwen3:8b\x00\n",
    "FROM qwen3:8b\r\nPARAMETER num_ctx 8192\r\n",
    "\ufeffFROM qwen3:8b\n",
    "from qwen3:8b\nparameter NUM_CTX 8192\n",
    "FROM qwen3:8b\nRUN touch PWNED\n",
    "FROM $(touch PWNED)\n",
)


def engine_cases(root: Path) -> Iterator[list[str]]:
    root.mkdir(parents=True, exist_ok=True)
    for line in ENGINE_LINES:
        yield ["check", "--gpu", "H100", "--num-gpus", "8", line]
        yield ["check", "--gpu", "H100", "--format", "json", "--", *line.split(" ")]
    for name in OLLAMA_ENV:
        for value in (*NUMBERS[:12], "q4_0", "true", "x" * 5000):
            yield [
                "check",
                "--gpu",
                "RTX-4090",
                "--env",
                f"{name}={value}",
                "--",
                "ollama",
                "run",
                "qwen3:8b",
            ]
    yield ["check", "--gpu", "RTX-4090", "--env", "=", "--", "ollama", "run", "qwen3:8b"]
    yield ["check", "--gpu", "RTX-4090", "--env", "OLLAMA_CONTEXT_LENGTH", "--", "ollama", "run", "qwen3:8b"]
    yield [
        "check",
        "--gpu",
        "RTX-4090",
        "--env",
        "OLLAMA_CONTEXT_LENGTH=8192",
        "--env",
        "OLLAMA_CONTEXT_LENGTH=0",
        "--",
        "ollama",
        "run",
        "qwen3:8b",
    ]
    for i, text in enumerate(MODELFILES):
        folder = root / f"mf{i}"
        folder.mkdir(exist_ok=True)
        (folder / "Modelfile").write_text(text)
        yield ["check", "--gpu", "RTX-4090", "--", "ollama", "create", "x", "-f", str(folder / "Modelfile")]
        yield ["check", "--gpu", "RTX-4090", "--", "ollama", "create", "x", "--file", str(folder)]
    yield ["check", "--gpu", "RTX-4090", "--", "ollama", "create", "x", "-f", "/dev/zero"]
    yield ["check", "--gpu", "RTX-4090", "--", "ollama", "create", "x", "-f", "/etc/passwd"]
    yield ["check", "--gpu", "RTX-4090", "--", "ollama", "create", "x"]


FORMATS = ("human", "json", "yaml", "csv", "html", "HTML", "xml", "")
_COMMANDS = (
    ["parse", "Qwen3-8B-AWQ"],
    ["estimate", MODEL],
    ["explain", MODEL],
    ["gpus", "--vendor", "nvidia"],
    ["fit", MODEL, "--gpu", "H100"],
    ["fit", "--all", "--gpu", "RTX-4090"],
    ["compare", MODEL, "--gpus", "H100,L4"],
    ["compare", MODEL, "Qwen3-8B", "--gpu", "L4"],
    ["models", "--family", "qwen3"],
    ["plan", MODEL, "--gpu", "H100"],
    ["check", "--gpu", "H100", "--", "vllm", "serve", "Qwen/Qwen2.5-0.5B"],
)


def output_targets(root: Path) -> list[str]:
    """Names --output may be given: each kind of thing that is no plain new file."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "taken.json").write_text("precious\n")
    (root / "taken.html").write_text("precious\n")
    (root / "folder.json").mkdir(exist_ok=True)
    if not (root / "fifo.json").exists():
        os.mkfifo(root / "fifo.json")
    if not (root / "link.yaml").is_symlink():
        (root / "link.yaml").symlink_to(root / "taken.json")
    return [
        str(root / "taken.json"),
        str(root / "taken.html"),
        str(root / "folder.json"),
        str(root / "fifo.json"),
        str(root / "link.yaml"),
        "/dev/full",
        str(root / "no" / "such" / "x.json"),
        str(root / "new.html"),
        str(root / "new.csv"),
        str(root / "new.json"),
    ]


def format_cases(root: Path) -> Iterator[list[str]]:
    """Every subcommand x every --format, without and with each --output target."""
    targets = output_targets(root)
    for command in _COMMANDS:
        cut = command.index("--") if "--" in command else len(command)
        for fmt in FORMATS:
            yield [*command[:cut], "--format", fmt, *command[cut:]]
        for i, target in enumerate(targets):
            fmt = FORMATS[i % len(FORMATS)]
            yield [*command[:cut], "--output", target, *command[cut:]]
            yield [*command[:cut], "--format", fmt, "--output", target, *command[cut:]]


def kept(root: Path) -> bool:
    """The files output_targets made are as they were (nothing overwritten without --force)."""
    return (
        (root / "taken.json").read_text() == "precious\n"
        and (root / "taken.html").read_text() == "precious\n"
        and (root / "fifo.json").is_fifo()
        and (root / "link.yaml").is_symlink()
        and (root / "folder.json").is_dir()
    )


FILTERS = (
    "",
    " ",
    "0",
    "-1",
    "nan",
    "inf",
    "1e400",
    "9" * 25,
    "٣B",
    "１B",
    "7b",
    "7 B",
    "7BB",
    "B",
    "1_000M",
    "24GiB",
    "24 GB",
    "24gb",
    "-24GB",
    "24TB",
    "1e400GB",
    ".*",
    "(((",
    "\x1b[2J",
    "qwen3",
    "é",
)


def filter_cases() -> Iterator[list[str]]:
    for value in FILTERS:
        yield ["models", "--family", value]
        yield ["models", "--search", value]
        yield ["models", "--min-params", value]
        yield ["models", "--max-params", value, "--moe"]
        yield ["models", "--min-params", "70B", "--max-params", value]
        yield ["models", "--fits", "--gpu", "RTX-4090", "--context", value]
        yield ["gpus", "--min-memory", value]
        yield ["gpus", "--vendor", value]
        yield ["gpus", "--segment", value]
        yield ["gpus", "--min-memory", value, "--fp8", "--format", "json"]
    yield ["models", "--min-params", "70B", "--max-params", "7B"]
    yield ["models", "--fits", "--gpu", "nonesuch"]


STEPS: dict[str, Callable[[Path], Iterator[list[str]]]] = {
    "backends": lambda root: backend_cases(),
    "versions": lambda root: version_cases(),
    "numbers": lambda root: number_cases(),
    "concurrency": lambda root: concurrency_cases(),
    "engines": engine_cases,
    "formats": format_cases,
    "filters": lambda root: filter_cases(),
}


sample = partial(seeded_sample, seed=20)


# --- config.json mutations (round 19's) under the release- and backend-dependent rules added since

_NEW_RULES: tuple[tuple[str, ...], ...] = (
    ("--engine", "ollama", "--engine-version", "0.14.3"),  # ollama_mla_cache.py: every head cached
    ("--engine", "llama.cpp", "--engine-version", "b5000", "--flash-attn", "off"),  # llama_cpp_cell_pad.py
    ("--engine", "llama.cpp", "--engine-version", "b6000"),  # llama_cpp_fa_default.py
    (
        "--engine",
        "sglang",
        "--tp",
        "4",
        "--num-gpus",
        "4",
        "--moe-a2a-backend",
        "deepep",
        "--dp-attention",
        "4",
    ),
    (
        "--engine",
        "vllm",
        "--dp",
        "2",
        "--ep",
        "--num-gpus",
        "2",
        "--all2all-backend",
        "deepep_high_throughput",
    ),
    ("--engine", "ollama", "--num-gpus", "auto"),  # ollama_context.py: the context follows the GPUs picked
)


def rule_config_cases(root: Path, n: int | None = 2000, seed: int = 20) -> Iterator[list[str]]:
    """A seeded `n` of round 19's config.json mutations of the MoE / MLA / hybrid types, each under one
    of the rules above with `fit --gpu H100` (JSON)."""
    import json

    from hostile_round10 import mutated
    from hostile_round19 import all_config_jobs, catalog_configs

    configs = catalog_configs()
    kinds = {
        k
        for k, c in configs.items()
        if any(key in json.dumps(c) for key in ("expert", "kv_lora_rank", "linear", "mamba", "sliding"))
    }
    jobs = [job for job in all_config_jobs() if job[0] in kinds]
    if n is not None:
        jobs = random.Random(seed).sample(jobs, min(n, len(jobs)))
    for i, (kind, path, value) in enumerate(jobs):
        folder = root / f"c{i}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "config.json").write_text(json.dumps(mutated(configs[kind], path, value), allow_nan=True))
        yield ["fit", str(folder), "--gpu", "H100", "--format", "json", *_NEW_RULES[i % len(_NEW_RULES)]]


STEPS["configs"] = rule_config_cases


# --- layouts: each command x engine x the parallel / all-to-all options x GPU counts

_LAYOUT_OPTIONS: tuple[tuple[str, ...], ...] = (
    (),
    ("--dp-attention", "2"),
    ("--dp-lm-head",),
    ("--dp", "2"),
    ("--ep",),
    ("--dp", "2", "--ep"),
    ("--moe-a2a-backend", "deepep"),
    ("--all2all-backend", "deepep_low_latency"),
    ("--dp", "2", "--ep", "--all2all-backend", "deepep_high_throughput"),
    ("--dp-attention", "2", "--moe-a2a-backend", "mooncake"),
    ("--tp", "2"),
    ("--tp", "2", "--dp", "2"),
    ("--decode-context-parallel-size", "2"),
)
_LAYOUT_HEADS = (
    ("plan", "--gpu", "H100"),
    ("fit", "--gpu", "H100"),
    ("compare", "--gpus", "H100,L4"),
    ("estimate", "--gpu", "H100"),
    ("explain",),
)


def layout_cases() -> Iterator[list[str]]:
    for model in (MOE, MODEL, "DeepSeek-V2-Lite"):
        for engine in ("vllm", "sglang", "llama.cpp"):
            for head in _LAYOUT_HEADS:
                for options in _LAYOUT_OPTIONS:
                    if head[0] == "plan" and {"--tp", "--decode-context-parallel-size"} & set(options):
                        continue  # no such option of plan
                    for count in ((), ("--num-gpus", "auto"), ("--num-gpus", "1")):
                        if head[0] == "explain" and count[1:] == ("auto",):
                            continue
                        yield [head[0], model, *head[1:], "--engine", engine, *options, *count]


@functools.cache
def spellings(command: str) -> frozenset[str]:
    """Every option spelling of a live command (aliases and --no- forms included)."""
    import typer

    from llmsize.cli import load_commands

    cmd: Any = typer.main.get_command(load_commands()).commands[command]
    return frozenset(o for p in cmd.params for o in (*p.opts, *getattr(p, "secondary_opts", ())))


_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
_OWN = ("estimate", "explain", "fit", "compare", "plan", "models", "gpus")


def foreign_options(argv: list[str], err: str) -> list[str]:
    """The options a refusal names that the command has not and the command line did not give: advice
    the user cannot follow (plan's "it needs --tp 2 or more", round 20)."""
    if not argv or argv[0] not in _OWN:
        return []
    known = spellings(argv[0]) | ENGINE_FLAGS
    return [o for o in _OPTION.findall(err) if o not in known and o not in argv]


# the engines' own flags, named as theirs ("llama.cpp splits layers across GPUs (--split-mode layer)")
ENGINE_FLAGS = frozenset({"--help", "--split-mode", "--dp-size", "--tp-size"})


STEPS["layouts"] = lambda root: layout_cases()
