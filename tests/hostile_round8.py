"""The eighth hostile and newcomer round (issue 15: "I will try inputs beyond this list"): the areas the first
seven rounds covered least.

- `llmsize check`: every value-taking flag of the vLLM, llama.cpp and SGLang launch commands it reads, with
  hostile values (non-ASCII digits were read as numbers there, though every option of llmsize's own refuses
  them), vLLM's --speculative-config JSON with a count of "x", [1] or 1e400 (internal errors), OLLAMA_*
  variables;
- --output under a regular file (`-o notes.txt/x.json`: an internal error), and `gpus` / `estimate` with an
  --output they cannot write (the whole listing was printed before the error);
- --gpu-file entries that cannot be asked for (an id with a comma, `local`, `all`, a blank id) and files of
  20,000 GPUs (3 MB: 7 s to parse, 40 s to list; the text limit allowed 64 MiB);
- `--concurrency "1 8 32"` (read as 1832 sequences);
- a Hub whose config.json is hundreds of MB (downloaded whole into the cache before the 8 MiB limit);
- the Python API given the wrong types (AttributeError from deep inside);
- `compare` over many GPUs where the planner offered a TP degree the MLP width refuses (an error for the
  whole table);
- a model folder whose name is not UTF-8.
Each must end in a result or one clear line with exit 2, quickly and in bounded memory.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

from hostile import llama_config

MODEL = "Qwen/Qwen2.5-0.5B"

# Values for a launch command's flags: non-ASCII digits (Arabic-Indic, full-width, superscript), Python's
# digit separators, non-finite and out-of-range numbers, JSON where a number goes.
FLAG_VALUES: tuple[str, ...] = (
    "\u0661\u0662\u0663",  # ١٢٣
    "\uff12",  # ２
    "\u00b2",  # ²
    "1_0",
    "nan",
    "inf",
    "-1",
    "0",
    "1e309",
    "9" * 400,
    "1.5",
    "",
    "[1]",
)


def launch_heads() -> dict[str, tuple[list[str], str]]:
    """tool -> (a launch command without flags, the GPU it is checked on)."""
    return {
        "vllm": (["vllm", "serve", MODEL], "H100"),
        "llama.cpp": (["llama-server", "-hf", "Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M"], "RTX-4090"),
        "sglang": (["python", "-m", "sglang.launch_server", "--model-path", MODEL], "H100"),
    }


def launch_flag_cases() -> Iterator[list[str]]:
    """`check` with every value-taking flag of each tool (serving_flags.py) given each FLAG_VALUES value."""
    from llmsize.preflight.serving_flags import LLAMA_CPP_FLAGS, SGLANG_FLAGS, VLLM_FLAGS

    tables = {"vllm": VLLM_FLAGS, "llama.cpp": LLAMA_CPP_FLAGS, "sglang": SGLANG_FLAGS}
    for tool, (head, gpu) in launch_heads().items():
        for flag in tables[tool]:
            if flag.parse is None:
                continue
            for value in FLAG_VALUES:
                yield ["check", "--gpu", gpu, "--", *head, flag.names[0], value]


def sampled_launch_flag_cases(seed: int, n: int) -> list[list[str]]:
    cases = list(launch_flag_cases())
    return random.Random(seed).sample(cases, min(n, len(cases)))


# Counts of vLLM's --speculative-config that are no count (JSON text): each was `int()` of the value.
SPECULATIVE_COUNTS: tuple[str, ...] = ('"x"', "1e400", "[1]", "2.7", "true", '{"n": 1}', '"3_0"', '"\u0663"')


def speculative_cases() -> Iterator[list[str]]:
    for count in SPECULATIVE_COUNTS:
        conf = '{"method": "mtp", "num_speculative_tokens": ' + count + "}"
        yield ["check", "--gpu", "H100", "--", "vllm", "serve", MODEL, "--speculative-config", conf]


# Numbers in non-ASCII digits where a launch command, an OLLAMA_* variable or a training config gives one:
# each was read as the number (context 123, TP 2), where llama.cpp (std::stoi) and Ollama (strconv) refuse.
def non_ascii_number_cases(root: Path) -> Iterator[list[str]]:
    vllm = ["check", "--gpu", "H100", "--", "vllm", "serve", MODEL]
    yield [*vllm, "--max-model-len", "\u0661\u0662\u0663"]
    yield [*vllm, "-tp", "\uff12"]
    yield [*vllm, "--gpu-memory-utilization", "\u0660.\u0669"]
    yield ["check", "--gpu", "RTX-4090", "--", "llama-server", "-m", "Qwen2.5-0.5B-Instruct-Q4_K_M.gguf",
           "-c", "\u0664\u0660\u0669\u0666"]  # fmt: skip
    yield ["check", "--gpu", "RTX-4090", "--", "llama-server", "-m", "Qwen2.5-0.5B-Instruct-Q4_K_M.gguf",
           "-np", "1_0"]  # fmt: skip
    yield ["check", "--gpu", "RTX-3090", "--env", "OLLAMA_CONTEXT_LENGTH=\u0661\u0662\u0663", "--",
           "ollama", "run", "qwen3:8b"]  # fmt: skip
    yield ["check", "--gpu", "RTX-3090", "--env", "OLLAMA_NUM_PARALLEL=\u0663", "--", "ollama", "run",
           "qwen3:8b"]  # fmt: skip
    yield ["check", "--gpu", "RTX-3090", "--env", "OLLAMA_GPU_OVERHEAD=\u0661GiB", "--", "ollama", "run",
           "qwen3:8b"]  # fmt: skip
    for key, value in (("cutoff_len", "\u0661\u0662\u0663"), ("lora_rank", "\u0668"),
                       ("per_device_train_batch_size", "\u0662")):  # fmt: skip
        path = root / f"r8-train-{key}.yaml"
        doc = {"model_name_or_path": MODEL, "finetuning_type": "lora", key: value}
        path.write_text(json.dumps(doc))  # JSON is YAML
        yield ["check", "--gpu", "H100", str(path)]


# Environment variables `check` reads from the process (cli/cmd_check.py: every OLLAMA_* variable).
OLLAMA_ENVIRONMENT: tuple[tuple[str, str], ...] = (
    ("OLLAMA_CONTEXT_LENGTH", "\u0661\u0662\u0663"),
    ("OLLAMA_CONTEXT_LENGTH", "9" * 5000),
    ("OLLAMA_NUM_PARALLEL", "nan"),
    ("OLLAMA_KV_CACHE_TYPE", "\x1b[31m"),
    ("OLLAMA_FLASH_ATTENTION", "2"),
    ("OLLAMA_GPU_OVERHEAD", "1e400"),
    ("OLLAMA_MAX_LOADED_MODELS", "x"),
)
OLLAMA_COMMAND = ("check", "--gpu", "RTX-3090", "--", "ollama", "run", "qwen3:8b")


def output_cases(root: Path) -> Iterator[list[str]]:
    """--output under a regular file, and names a command cannot write, for every command that writes."""
    plain = root / "r8-notes.txt"
    plain.write_text("not a folder\n")
    commands = (
        ["estimate", "Qwen2.5-0.5B"],
        ["explain", "Qwen2.5-0.5B"],
        ["fit", "Qwen2.5-0.5B", "--gpu", "H100"],
        ["plan", "Qwen2.5-0.5B", "--gpu", "H100"],
        ["compare", "Qwen2.5-0.5B", "--gpus", "H100,L4"],
        ["gpus"],
    )
    for command in commands:
        yield [*command, "--output", str(plain / "x.json")]
        yield [*command, "--output", str(root / "r8-out.txt")]


CONCURRENCY_LISTS: tuple[str, ...] = ("1 8 32", "1\t8", "1 ,8 32", "8\u00a08")


def concurrency_cases() -> Iterator[list[str]]:
    for text in CONCURRENCY_LISTS:
        yield ["estimate", "Qwen2.5-0.5B", "--gpu", "H100", "--engine", "vllm", "--concurrency", text]
        yield ["compare", "Qwen2.5-0.5B", "--gpus", "H100,L4", "--concurrency", text]


def _gpu_entry(gpu_id: str, extra: str = "") -> str:
    return (
        f"  - {{id: {json.dumps(gpu_id)}, name: X, bandwidth_gb_s: 1000, dtypes: [bf16], "
        "source: https://example.com/x, memory: {size: 24, unit: GiB}, "
        f"tflops: {{bf16: 100}}{extra}}}\n"
    )


# GPU entries no --gpu or --gpus can ask for: (label, entry, the name a user would then type).
UNREACHABLE_GPUS: tuple[tuple[str, str, str], ...] = (
    ("an id with a comma", _gpu_entry("A,B"), "A,B"),
    ("the id local", _gpu_entry("local"), "local"),
    ("the id all", _gpu_entry("all"), "all"),
    ("the id this", _gpu_entry("This"), "This"),
    ("a blank id", _gpu_entry("  "), "  "),
    ("an id of dashes", _gpu_entry("--"), "--"),
    ("an alias with a comma", _gpu_entry("AC1", ", aliases: ['x,y']"), "AC1"),
    ("the alias all", _gpu_entry("AC2", ", aliases: [all]"), "AC2"),
)


def gpu_file(root: Path, name: str, entries: str) -> Path:
    path = root / f"r8-{name}.yaml"
    path.write_text("vendor: nvidia\nsegment: consumer\ngpus:\n" + entries)
    return path


def gpu_file_cases(root: Path) -> Iterator[tuple[str, list[str]]]:
    """(label, argv) with a GPU file no listing or lookup can use; each is one line with exit 2."""
    for i, (label, entry, typed) in enumerate(UNREACHABLE_GPUS):
        path = gpu_file(root, f"unreachable-{i}", entry)
        yield label, ["gpus", "--gpu-file", str(path)]
        yield label, ["fit", "Qwen2.5-0.5B", "--gpu", typed, "--gpu-file", str(path)]
    over = gpu_file(root, "over", "".join(_gpu_entry(f"O{i}") for i in range(300)))  # 60 kB: by the count
    yield "300 GPUs", ["gpus", "--gpu-file", str(over)]
    many = gpu_file(root, "many", "".join(_gpu_entry(f"G{i}") for i in range(20_000)))  # 3 MB: by the size
    yield "20,000 GPUs", ["gpus", "--gpu-file", str(many)]
    yield "20,000 GPUs", ["fit", "Qwen2.5-0.5B", "--gpu", "G5", "--gpu-file", str(many)]
    halves = [gpu_file(root, f"half-{k}", "".join(_gpu_entry(f"H{k}-{i}") for i in range(200)))
              for k in (0, 1)]  # fmt: skip
    yield "two files of 200 GPUs", ["gpus", "--gpu-file", str(halves[0]), "--gpu-file", str(halves[1])]


def non_utf8_folder(root: Path) -> Path | None:
    """A model folder whose name is Latin-1 bytes (None where the file system refuses such a name)."""
    import os

    raw = os.fsencode(root) + b"/r8-mod\xe8le"
    try:
        os.mkdir(raw)
    except (OSError, ValueError):
        return None
    with open(raw + b"/config.json", "w") as fh:
        fh.write(json.dumps(llama_config()))
    return Path(os.fsdecode(raw))


# The Python API, as the README shows it, with arguments of the wrong type: (label, call's name, args).
API_MISUSES: tuple[tuple[str, str, tuple[object, ...]], ...] = (
    ("resolve(7)", "resolve", (7,)),
    ("resolve(b'Qwen3-8B')", "resolve", (b"Qwen3-8B",)),
    ("resolve(['Qwen3-8B'])", "resolve", (["Qwen3-8B"],)),
    ("resolve(3.5)", "resolve", (3.5,)),
    ("parse_name(None)", "parse_name", (None,)),
    ("parse_name(8)", "parse_name", (8,)),
    ("parse_name(b'Qwen3-8B')", "parse_name", (b"Qwen3-8B",)),
)


def api_calls() -> Iterator[tuple[str, object]]:
    """(label, a zero-argument callable) for every API misuse, estimate's included."""
    import llmsize

    for label, name, args in API_MISUSES:
        fn = getattr(llmsize, name)
        yield label, (lambda fn=fn, args=args: fn(*args))
    spec = llmsize.resolve("Qwen2.5-0.5B")
    wl = llmsize.Workload()
    yield "estimate('Qwen2.5-0.5B', Workload())", lambda: llmsize.estimate("Qwen2.5-0.5B", wl)  # type: ignore[arg-type]
    yield "estimate(spec, None)", lambda: llmsize.estimate(spec, None)  # type: ignore[arg-type]
    yield "estimate(spec, {})", lambda: llmsize.estimate(spec, {})  # type: ignore[arg-type]
    yield "estimate(None, Workload())", lambda: llmsize.estimate(None, wl)  # type: ignore[arg-type]
