"""The twenty-first hostile round (issue 15): surfaces rounds 3-20 reached only in part.

- `check` of engine command lines built by rule: vLLM / SGLang / llama-server / Ollama / TRL / torchrun /
  accelerate / docker, each with shell syntax llmsize must read as words (quotes left open, `&&`, `|`,
  `;`, `>`, backticks, `$(...)`, `sudo`, `env X=1`, `nohup`, `bash -c '...'`), unicode and
  control characters, huge / negative / NaN numbers, repeated flags, `--flag=value` beside
  `--flag value`, flags without a value at the end, environment prefixes of odd shapes;
- the all-to-all backend flags in another case (`DeepEP`, `Deepep_Low_Latency`): both engines refuse
  them (argparse choices), so must llmsize; vLLM's --all2all-backend without --dp 2+ and --ep, which
  vLLM takes and ignores;
- training recipes (`check FILE.yaml`, `trl sft --config FILE`) of odd YAML: aliases that multiply
  (a "billion laughs"), `!!python/object` tags, lists or mappings where a number goes, 10**30, -1,
  .nan, unicode keys, a document of 100,000 keys, deep nesting, several documents, binary bytes;
- model inputs that are no plain files: config.json as a folder, a FIFO, a symlink loop, /dev/zero,
  an index whose weight_map or metadata has odd types, and GGUF paths of the same kinds;
- reports (`report show` / `report diff`) cut short, of binary bytes, in YAML with aliases, of nested
  lists 100,000 deep, a folder, a FIFO, a symlink loop;
- environment variables: LLMSIZE_GPU_DIR / LLMSIZE_CACHE_DIR naming a file, /dev/null, a FIFO, a
  missing folder; HF_HUB_OFFLINE of odd values; LANG / LC_ALL of odd locales; argv that is not UTF-8
  (these run as subprocesses: ENV_CASES).
Each must end in a result (exit 0 or 3) or one printable line with exit 2, quickly and in bounded memory;
nothing given is executed, and no existing file is overwritten without --force.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from hostile import seeded_sample

MOE = "Qwen/Qwen3-30B-A3B"
DENSE = "Qwen/Qwen2.5-0.5B"

_BASES = (
    f"vllm serve {MOE}",
    f"python -m vllm.entrypoints.openai.api_server --model {DENSE}",
    f"python -m sglang.launch_server --model-path {MOE}",
    f"sglang serve --model-path {DENSE}",
    "llama-server -hf Qwen/Qwen3-8B-GGUF:Q4_K_M",
    "ollama run qwen3:8b",
    f"trl sft --model_name_or_path {DENSE} --dataset_name x",
    f"docker run --gpus all vllm/vllm-openai:v0.19.0 --model {DENSE}",
)

# what a shell would make of these, llmsize must take as words (nothing runs)
SHELL = (
    "&& touch PWNED",
    "; touch PWNED",
    "| tee PWNED",
    "> PWNED",
    "`touch PWNED`",
    "$(touch PWNED)",
    "2>&1",
    "&",
    "'unterminated",
    '"unterminated',
    "\\",
    "# a comment --max-model-len 4096",
    "\\\n--max-model-len 4096",
    "$HOME",
    "~",
    "*",
    "{1..3}",
    "<<EOF",
)
PREFIXES = (
    "sudo ",
    "env VLLM_X=1 ",
    "nohup ",
    "time ",
    "exec ",
    "CUDA_VISIBLE_DEVICES=0,1 ",
    "CUDA_VISIBLE_DEVICES= ",
    "A=1 B=2 C= ",
    "=x ",
    "1A=2 ",
    "X='a b' ",
    "HF_HUB_OFFLINE=1 ",
    "bash -c '",
    "sh -c \"",
    "uv run ",
    "python3.12 -u -m ",
    "./",
    "/usr/bin/env ",
)
VALUES = (
    "0",
    "-1",
    "nan",
    "inf",
    "1e400",
    "9" * 40,
    "٣٢",
    "１",
    "0x10",
    "1_024",
    "32k",
    "32K",
    "1M",
    "1.5",
    "",
    "'4096'",
    '"4096"',
    "true",
    "None",
    "é" * 300,
    "\x1b[31m",
    "\u202e4096",
    "4096\x00",
)
# each tool's number flags (the ones llmsize reads)
NUMBER_FLAGS = {
    f"vllm serve {MOE}": ("--max-model-len", "--tensor-parallel-size", "-tp", "--gpu-memory-utilization",
                          "--max-num-seqs", "--max-num-batched-tokens", "--data-parallel-size", "-dp",
                          "--block-size", "--pipeline-parallel-size", "--kv-cache-memory-bytes",
                          "--decode-context-parallel-size", "--num-gpu-blocks-override",
                          "--cpu-offload-gb", "--swap-space", "--max-seq-len-to-capture"),
    f"python -m sglang.launch_server --model-path {MOE}": (
        "--context-length", "--tp", "--tp-size", "--dp", "--dp-size", "--ep", "--ep-size",
        "--mem-fraction-static", "--max-running-requests", "--chunked-prefill-size",
        "--cuda-graph-max-bs", "--max-total-tokens", "--page-size", "--max-mamba-cache-size"),
    "llama-server -hf Qwen/Qwen3-8B-GGUF:Q4_K_M": (
        "-c", "--ctx-size", "-ngl", "--n-gpu-layers", "-np", "--parallel", "-b", "-ub", "--n-cpu-moe",
        "-ts", "--tensor-split", "-mg", "--main-gpu", "--rope-scaling", "--rope-freq-scale",
        "--yarn-orig-ctx", "-fa", "-ctk", "-ctv", "--draft-max", "-t"),
    "ollama run qwen3:8b": ("--verbose", "--keepalive", "--format", "--think"),
    f"trl sft --model_name_or_path {DENSE} --dataset_name x": (
        "--max_length", "--per_device_train_batch_size", "--gradient_accumulation_steps", "--lora_r",
        "--use_peft", "--gradient_checkpointing", "--bf16", "--load_in_4bit", "--max_seq_length",
        "--packing", "--torch_dtype"),
}
BACKEND_CASE = (
    f"vllm serve {MOE} --all2all-backend deepep_low_latency",  # no dp / ep: vLLM takes it, ignores it
    f"vllm serve {MOE} --all2all-backend=naive -tp 2",
    f"vllm serve {MOE} --enable-expert-parallel --all2all-backend pplx",
    f"vllm serve {MOE} --data-parallel-size 2 --all2all-backend mori",
    f"vllm serve {MOE} --data-parallel-size 2 --enable-expert-parallel --all2all-backend DeepEP_Low_Latency",
    f"vllm serve {MOE} --data-parallel-size 2 --enable-expert-parallel --all2all-backend NAIVE",
    f"vllm serve {MOE} --all2all-backend Allgather_ReduceScatter",
    f"python -m sglang.launch_server --model-path {MOE} --tp 2 --moe-a2a-backend DeepEP",
    f"python -m sglang.launch_server --model-path {MOE} --tp 2 --moe-a2a-backend=MoonCake",
    f"python -m sglang.launch_server --model-path {MOE} --tp 2 --moe-a2a-backend None",
    f"python -m sglang.launch_server --model-path {MOE} --tp 2 --moe-a2a-backend NONE",
    f"vllm serve {DENSE} --all2all-backend deepep_low_latency",
)
OTHER_LAUNCHERS = (
    f"torchrun --nproc_per_node 8 -m vllm.entrypoints.openai.api_server --model {DENSE}",
    "torchrun --nproc_per_node=8 train.py --model_name_or_path x",
    "accelerate launch --num_processes 8 -m axolotl.cli.train config.yml",
    "accelerate launch train.py",
    "axolotl train config.yml",
    "llamafactory-cli train config.yaml",
    "deepspeed train.py --deepspeed ds.json",
    "tune run lora_finetune_single_device --config llama3/8B_lora",
    "python train.py",
    "python",
    "python -m",
    "python -m vllm.entrypoints",
    "python -c 'import os; os.system(\"touch PWNED\")'",
    "vllm",
    "vllm serve",
    "vllm serve --help",
    "vllm bench serve --model x",
    "sglang",
    "llama-server",
    "llama-server --help",
    "ollama",
    "ollama run",
    "ollama create",
    "trl",
    "trl sft",
    "trl dpo --model_name_or_path x",
    "docker",
    "docker run",
    "docker run --gpus all",
    "docker run -e",
    "podman run --device nvidia.com/gpu=all ghcr.io/ggml-org/llama.cpp:server -hf Qwen/Qwen3-8B-GGUF",
    "docker run vllm/vllm-openai:" + "9" * 40 + f" --model {DENSE}",
    "docker run lmsysorg/sglang:latest python3 -m sglang.launch_server --model-path " + DENSE,
    "kubectl run x --image vllm/vllm-openai -- --model x",
)


def check_line_cases() -> Iterator[list[str]]:
    """Each base line x each shell fragment / prefix; each number flag x each odd value, as `--f v`,
    `--f=v`, repeated and last without a value; the backend spellings; other launchers."""
    for base in _BASES:
        for frag in SHELL:
            yield ["check", "--gpu", "H100", f"{base} {frag}"]
            yield ["check", "--gpu", "H100", "--", *base.split(" "), *frag.split(" ")]
        for prefix in PREFIXES:
            yield ["check", "--gpu", "H100", f"{prefix}{base}"]
        yield ["check", "--gpu", "H100", "--", *base.split(" "), "\u00e9\u0301", "--\u2014flag", "\x00"]
        yield ["check", "--gpu", "H100", base + " --x" * 3000]
        yield ["check", "--gpu", "H100", base.replace(" ", "\t")]
        yield ["check", "--gpu", "H100", base.replace(" ", "\u00a0")]
        yield ["check", "--gpu", "H100", base.replace(" ", "  \n  ")]
    for base, flags in NUMBER_FLAGS.items():
        for i, flag in enumerate(flags):
            for j, value in enumerate(VALUES):
                words = base.split(" ")
                form = (i + j) % 4
                if form == 0:
                    yield ["check", "--gpu", "H100", "--num-gpus", "8", "--", *words, flag, value]
                elif form == 1:
                    yield ["check", "--gpu", "H100", "--num-gpus", "8", "--", *words, f"{flag}={value}"]
                elif form == 2:
                    yield ["check", "--gpu", "H100", "--num-gpus", "8", "--", *words, flag, "1", flag, value]
                else:
                    yield ["check", "--gpu", "RTX-4090", "--format", "json", "--", *words, flag, value, flag]
    for line in BACKEND_CASE:
        yield ["check", "--gpu", "H100", "--num-gpus", "8", line]
        yield ["check", "--gpu", "H100", "--num-gpus", "8", "--format", "json", "--", *line.split(" ")]
    for line in OTHER_LAUNCHERS:
        yield ["check", "--gpu", "H100", line]
        yield ["check", "--gpu", "H100", "--", *line.split(" ")]


def backend_option_cases() -> Iterator[list[str]]:
    """llmsize's own --moe-a2a-backend / --all2all-backend in another case, and vLLM's without dp / ep."""
    words = ("DeepEP", "DEEPEP", "Deepep", "MoonCake", "None", "NONE", "Naive", "DeepEP_Low_Latency",
             "DEEPEP_HIGH_THROUGHPUT", "Allgather_Reducescatter", "deepep\u200b", "ｄｅｅｐｅｐ")
    for word in words:
        for engine, layout in (("sglang", ["--tp", "2"]), ("vllm", ["--dp", "2", "--ep"])):
            model = "Qwen3-30B-A3B"
            yield ["estimate", model, "--engine", engine, *layout, "--moe-a2a-backend", word]
            yield ["fit", model, "--gpu", "H100", "--engine", engine, "--num-gpus", "auto",
                   "--all2all-backend", word]
            yield ["plan", model, "--gpu", "H100", "--engine", engine, "--moe-a2a-backend", word]
            yield ["compare", model, "--gpus", "H100,L4", "--engine", engine, "--moe-a2a-backend", word]
    for layout in ([], ["--tp", "2"], ["--dp", "2"], ["--ep"], ["--num-gpus", "auto"]):
        for name in ("deepep_low_latency", "deepep_high_throughput", "naive", "mori", "pplx"):
            yield ["estimate", "Qwen3-30B-A3B", "--gpu", "H100", "--engine", "vllm", *layout,
                   "--all2all-backend", name]
            yield ["plan", "Qwen3-30B-A3B", "--gpu", "H100", "--engine", "vllm", *layout[:2],
                   "--all2all-backend", name]


YAML_RECIPES = (
    # LLaMA-Factory
    "model_name_or_path: Qwen/Qwen2.5-0.5B\nstage: sft\nfinetuning_type: lora\ncutoff_len: {v}\n",
    "model_name_or_path: Qwen/Qwen2.5-0.5B\nstage: sft\nfinetuning_type: {v}\n",
    "model_name_or_path: {v}\nstage: sft\n",
    "model_name_or_path: Qwen/Qwen2.5-0.5B\nstage: sft\nper_device_train_batch_size: {v}\n",
    "model_name_or_path: Qwen/Qwen2.5-0.5B\nstage: sft\nlora_rank: {v}\nfinetuning_type: lora\n",
    "model_name_or_path: Qwen/Qwen2.5-0.5B\nstage: sft\ndeepspeed: {v}\n",
    "model_name_or_path: Qwen/Qwen2.5-0.5B\nstage: sft\nquantization_bit: {v}\n",
    # Axolotl
    "base_model: Qwen/Qwen2.5-0.5B\nadapter: qlora\nsequence_len: {v}\nmicro_batch_size: 1\n",
    "base_model: Qwen/Qwen2.5-0.5B\nadapter: {v}\n",
    "base_model: Qwen/Qwen2.5-0.5B\nmicro_batch_size: {v}\ngradient_accumulation_steps: {v}\n",
    "base_model: Qwen/Qwen2.5-0.5B\nlora_r: {v}\nadapter: lora\nlora_target_modules: {v}\n",
    "base_model: Qwen/Qwen2.5-0.5B\nfsdp: {v}\nfsdp_config: {v}\n",
    "base_model: Qwen/Qwen2.5-0.5B\nload_in_4bit: {v}\nadapter: qlora\n",
    # TRL
    "model_name_or_path: Qwen/Qwen2.5-0.5B\nmax_length: {v}\nuse_peft: true\n",
    "model_name_or_path: Qwen/Qwen2.5-0.5B\ntorch_dtype: {v}\n",
    "model_name_or_path: Qwen/Qwen2.5-0.5B\nlora_target_modules: {v}\nuse_peft: {v}\n",
)
YAML_VALUES = (
    "0",
    "-1",
    ".nan",
    ".inf",
    "-.inf",
    "1e400",
    "1" + "0" * 30,
    "[]",
    "{}",
    "[1, 2]",
    "{a: 1}",
    "null",
    "~",
    "true",
    "''",
    "'٣٢'",
    "!!binary aGVsbG8=",
    "!!python/object/apply:os.system ['touch PWNED']",
    "!!set {a, b}",
    "!!timestamp 2001-12-14",
    "2001-12-14",
    "0o17",
    "0x1F",
    "1_000",
    "&a [*a]",
    "'\x1b[2J'",
    "\"\\u202e\"",
    "|\n  multi\n  line",
    "\"" + "x" * 100_000 + "\"",
    "/dev/zero",
    "/etc",
    "/proc/self/mem",
    "../../../../etc/passwd",
)
BOMBS = (
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
              for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    + "model_name_or_path: Qwen/Qwen2.5-0.5B\n",
    "model_name_or_path: Qwen/Qwen2.5-0.5B\n" + "".join(f"k{i}: {i}\n" for i in range(100_000)),
    "model_name_or_path: Qwen/Qwen2.5-0.5B\nx: " + "[" * 5000 + "]" * 5000 + "\n",
    "model_name_or_path: Qwen/Qwen2.5-0.5B\nx: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n",
    "---\nmodel_name_or_path: Qwen/Qwen2.5-0.5B\n---\nbase_model: Qwen/Qwen2.5-7B\n",
    "- model_name_or_path: Qwen/Qwen2.5-0.5B\n",
    "Qwen/Qwen2.5-0.5B\n",
    "\ufeffmodel_name_or_path: Qwen/Qwen2.5-0.5B\n",
    "model_name_or_path: Qwen/Qwen2.5-0.5B\nmodel_name_or_path: Qwen/Qwen2.5-7B\n",
    "? [a, b]\n: 1\nmodel_name_or_path: Qwen/Qwen2.5-0.5B\n",
    "1: 2\nmodel_name_or_path: Qwen/Qwen2.5-0.5B\n",
    "model_name_or_path: Qwen/Qwen2.5-0.5B\n\tstage: sft\n",
    "model_name_or_path: Qwen/Qwen2.5-0.5B\x00\n",
    "%YAML 9.9\n---\nmodel_name_or_path: Qwen/Qwen2.5-0.5B\n",
    "!!python/object/new:os.system [touch PWNED]\n",
    "",
    "\n\n\n",
    "{",
)


def _special_paths(root: Path, name: str) -> list[Path]:
    """`name` in folders where it is: a folder, a FIFO, a symlink loop, a dangling link, a link to
    /dev/zero, an unreadable file, a file of binary bytes, a file not in UTF-8."""
    made: list[Path] = []
    for kind in ("dir", "fifo", "loop", "dangling", "zero", "unreadable", "binary", "latin1", "empty"):
        folder = root / f"special-{kind}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        if path.exists() or path.is_symlink():
            made.append(path)
            continue
        if kind == "dir":
            path.mkdir()
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "loop":
            path.symlink_to(path)
        elif kind == "dangling":
            path.symlink_to(folder / "nowhere")
        elif kind == "zero":
            path.symlink_to("/dev/zero")
        elif kind == "unreadable":
            path.write_text("{}")
            path.chmod(0)
        elif kind == "binary":
            path.write_bytes(bytes(range(256)) * 64)
        elif kind == "latin1":
            path.write_bytes("model_name_or_path: Qwen/Qwen2.5-0.5B\nx: caf\xe9\n".encode("latin-1"))
        else:
            path.write_bytes(b"")
        made.append(path)
    return made


def recipe_cases(root: Path) -> Iterator[list[str]]:
    """Each recipe x each odd YAML value; the bombs; the recipe paths that are no plain files."""
    root.mkdir(parents=True, exist_ok=True)
    n = 0
    for template in YAML_RECIPES:
        for value in YAML_VALUES:
            n += 1
            path = root / f"r{n}.yaml"
            path.write_text(template.replace("{v}", value))
            yield ["check", "--gpu", "A100-80GB", str(path)]
            if n % 3 == 0:
                yield ["check", "--gpu", "H100", "--format", "json", "--", "trl", "sft", "--config",
                       str(path)]
    for text in BOMBS:
        n += 1
        path = root / f"r{n}.yml"
        path.write_text(text)
        yield ["check", "--gpu", "A100-80GB", str(path)]
        yield ["check", "--gpu", "A100-80GB", "--", "trl", "sft", "--config", str(path)]
    for path in _special_paths(root, "train.yaml"):
        yield ["check", "--gpu", "A100-80GB", str(path)]
        yield ["check", "--gpu", "A100-80GB", "--", "trl", "sft", "--config", str(path)]
    yield ["check", "--gpu", "A100-80GB", "/dev/zero"]
    yield ["check", "--gpu", "A100-80GB", "/dev/stdin"]
    yield ["check", "--gpu", "A100-80GB", str(root)]
    yield ["check", "--gpu", "A100-80GB", "--", "trl", "sft", "--config", "/dev/zero",
           "--model_name_or_path", "x"]


INDEXES = (
    '{"weight_map": {v}}',
    '{"metadata": {v}, "weight_map": {"a.weight": "model.safetensors"}}',
    '{"metadata": {"total_size": {v}}, "weight_map": {"a.weight": "m.safetensors"}}',
    '{"weight_map": {"a.weight": {v}}}',
    "{v}",
)
INDEX_VALUES = ("null", "[]", "{}", "1e400", "-1", "\"x\"", "[1,2]", "{\"a\": [1]}", "NaN", "Infinity",
                "1" + "0" * 40, "\"../../etc/passwd\"", "\"/dev/zero\"", "true")
CONFIGS = (
    '{"model_type": "llama", "hidden_size": {v}, "num_hidden_layers": 2, "num_attention_heads": 4, '
    '"vocab_size": 100, "intermediate_size": 64}',
    '{"model_type": {v}, "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, '
    '"vocab_size": 100, "intermediate_size": 64}',
    '{"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, '
    '"vocab_size": 100, "intermediate_size": 64, "torch_dtype": {v}, "architectures": {v}}',
    '{"model_type": "qwen3_moe", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, '
    '"vocab_size": 100, "intermediate_size": 64, "moe_intermediate_size": 32, "num_experts": {v}, '
    '"num_experts_per_tok": 2}',
    '{"model_type": "llama", "text_config": {v}}',
    '{"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, '
    '"vocab_size": 100, "intermediate_size": 64, "quantization_config": {v}}',
    '{"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, '
    '"vocab_size": 100, "intermediate_size": 64, "rope_scaling": {v}, "max_position_embeddings": {v}}',
)


def model_file_cases(root: Path) -> Iterator[list[str]]:
    """Folders whose config.json / index / .gguf is odd, or no plain file at all."""
    root.mkdir(parents=True, exist_ok=True)
    base = CONFIGS[0].replace("{v}", "64")
    n = 0
    for template in INDEXES:
        for value in INDEX_VALUES:
            n += 1
            folder = root / f"i{n}"
            folder.mkdir(exist_ok=True)
            (folder / "config.json").write_text(base)
            (folder / "model.safetensors.index.json").write_text(template.replace("{v}", value))
            yield ["estimate", str(folder)]
            yield ["fit", str(folder), "--gpu", "L4", "--format", "json"]
    for template in CONFIGS:
        for value in INDEX_VALUES:
            n += 1
            folder = root / f"c{n}"
            folder.mkdir(exist_ok=True)
            (folder / "config.json").write_text(template.replace("{v}", value))
            yield ["estimate", str(folder), "--engine", ("vllm", "llama.cpp", "sglang")[n % 3]]
            yield ["check", "--gpu", "H100", "--", "vllm", "serve", str(folder)]
    for path in _special_paths(root, "config.json"):
        yield ["estimate", str(path.parent)]
        yield ["estimate", str(path)]
        yield ["measure", str(path.parent)]
    for path in _special_paths(root / "idx", "model.safetensors.index.json"):
        if not (path.parent / "config.json").exists():
            (path.parent / "config.json").write_text(base)
        yield ["estimate", str(path.parent)]
    for path in _special_paths(root / "gguf", "model-Q4_K_M.gguf"):
        yield ["estimate", str(path)]
        yield ["check", "--gpu", "RTX-4090", "--", "llama-server", "-m", str(path)]
        yield ["check", "--gpu", "RTX-4090", "--", "ollama", "create", "x", "-f", str(path)]


def report_cases(root: Path, valid: Path) -> Iterator[list[str]]:
    """`report show` / `report diff` of reports that are cut short, binary, odd YAML, or no plain file;
    `valid` is a good report to diff against."""
    root.mkdir(parents=True, exist_ok=True)
    text = valid.read_text()
    bodies = [text[: len(text) * k // 8] for k in range(8)]
    bodies += [text.replace("\"", "'"), text.replace(":", ": !!python/object/apply:os.system ['touch PWNED']",
                                                     1)]
    bodies += ["[" * 100_000 + "]" * 100_000, "{\"a\":" * 50_000 + "1" + "}" * 50_000, "null", "[]", "1e400",
               "\"x\"", BOMBS[0], "{\"schema_version\": 999}", "{\"schema_version\": \"1\"}",
               "{\"schema_version\": NaN}", "\ufeff" + text, text + "\x00",
               text.replace("bytes", "byt\u00e9s")]
    for i, body in enumerate(bodies):
        for ext in (".json", ".yaml", ".txt", ""):
            path = root / f"bad{i}{ext}"
            path.write_text(body)
            yield ["report", "show", str(path)]
            yield ["report", "diff", str(valid), str(path), "--format", "json"]
    for path in _special_paths(root, "report.json"):
        yield ["report", "show", str(path)]
        yield ["report", "diff", str(path), str(valid)]
    yield ["report", "show", "/dev/zero"]
    yield ["report", "show", "/dev/stdin"]
    yield ["report", "diff", "/dev/null", "/dev/null"]
    yield ["report", "show", str(root)]


def report_step(root: Path) -> Iterator[list[str]]:
    """Writes a valid report first (estimate --output), then report_cases against it."""
    from llmsize.cli import main

    root.mkdir(parents=True, exist_ok=True)
    valid = root / "valid.json"
    if not valid.exists():
        with contextlib.suppress(SystemExit):
            main(["estimate", "Qwen2.5-0.5B", "--output", str(valid)])
    yield from report_cases(root / "bad", valid)


OPTION_COMBOS = (
    ["estimate", "Qwen2.5-0.5B", "--format", "json", "--format", "yaml"],
    ["estimate", "Qwen2.5-0.5B", "-f", "csv", "-o", "-"],
    ["estimate", "Qwen2.5-0.5B", "-o", ""],
    ["estimate", "Qwen2.5-0.5B", "-o", "."],
    ["estimate", "Qwen2.5-0.5B", "-o", "/"],
    ["estimate", "Qwen2.5-0.5B", "-o", "x" * 5000 + ".json"],
    ["estimate", "Qwen2.5-0.5B", "-o", "/proc/self/mem"],
    ["estimate", "Qwen2.5-0.5B", "-o", "/dev/null"],
    ["estimate", "Qwen2.5-0.5B", "-o", "/dev/stdout"],
    ["estimate", "Qwen2.5-0.5B", "-o", "a\x00b.json"],
    ["estimate", "Qwen2.5-0.5B", "--force"],
    ["estimate", "--help", "--format", "json"],
    ["estimate"],
    ["estimate", ""],
    ["estimate", "-"],
    ["estimate", "--"],
    ["estimate", "Qwen2.5-0.5B", "Qwen2.5-7B"],
    ["estimate", "Qwen2.5-0.5B", "--mode", "lora", "--engine", "vllm"],
    ["estimate", "Qwen2.5-0.5B", "--mode", "qlora", "--quant", "gguf"],
    ["estimate", "Qwen2.5-0.5B", "--mode", "full", "--kv-dtype", "q4_0"],
    ["estimate", "Qwen2.5-0.5B", "--dtype", "int4", "--quant", "awq", "--engine", "llama.cpp"],
    ["estimate", "Qwen2.5-0.5B", "--quant", "Q4_K_M", "--engine", "vllm"],
    ["estimate", "Qwen2.5-0.5B", "--quant", "q4_k_m"],
    ["estimate", "Qwen2.5-0.5B", "--quant", "IQ1_S", "--engine", "ollama"],
    ["estimate", "Qwen2.5-0.5B", "--optimizer", "adamw", "--mode", "inference"],
    ["estimate", "Qwen2.5-0.5B", "--optimizer", "ADAMW", "--mode", "full"],
    ["estimate", "Qwen2.5-0.5B", "--lora-targets", "", "--mode", "lora"],
    ["estimate", "Qwen2.5-0.5B", "--lora-targets", ",,,", "--mode", "lora"],
    ["estimate", "Qwen2.5-0.5B", "--lora-targets", "nonesuch", "--mode", "lora"],
    ["estimate", "Qwen2.5-0.5B", "--lora-targets", "q_proj," * 2000, "--mode", "lora"],
    ["estimate", "Qwen2.5-0.5B", "--revision", "../../etc"],
    ["estimate", "Qwen2.5-0.5B", "--trust-remote-code"],
    ["explain", "Qwen2.5-0.5B", "--format", "csv", "--output", "x.html"],
    ["fit", "--all", "Qwen2.5-0.5B", "--gpu", "H100"],
    ["fit", "--all"],
    ["fit", "--all", "--gpu", "H100", "--num-gpus", "auto", "--format", "json"],
    ["fit", "Qwen2.5-0.5B", "--gpu", "H100", "--gpu", "L4"],
    ["fit", "Qwen2.5-0.5B", "--gpu", "H100,L4"],
    ["fit", "Qwen2.5-0.5B", "--gpu", ""],
    ["fit", "Qwen2.5-0.5B", "--gpu", "h100"],
    ["fit", "Qwen2.5-0.5B", "--gpu", "H100 "],
    ["fit", "Qwen2.5-0.5B", "--gpu", "ＨＩ００"],
    ["compare", "Qwen2.5-0.5B"],
    ["compare", "Qwen2.5-0.5B", "--gpus", ",".join(["H100"] * 300)],
    ["compare", "Qwen2.5-0.5B", "--gpus", ",,,"],
    ["compare", "Qwen2.5-0.5B", "Qwen2.5-0.5B", "--gpus", "H100"],
    ["compare", *["Qwen2.5-0.5B"] * 40, "--gpu", "H100"],
    ["models", "--fits"],
    ["models", "--format", "csv", "--output", "models.html"],
    ["gpus", "--format", "yaml", "--vendor", "NVIDIA"],
    ["parse", ""],
    ["parse", "-"],
    ["parse", "x" * 100_000],
    ["parse", "Qwen3-8B", "Qwen3-8B"],
    ["measure", "Qwen2.5-0.5B", "--device", "trace", "--layers", "0"],
    ["measure", "Qwen2.5-0.5B", "--device", "trace", "--layers", "99999999999"],
    ["measure", "Qwen2.5-0.5B", "--device", "tpu"],
    ["measure", "Qwen2.5-0.5B", "--device", "cuda", "--no-fit-check", "--layers", "1"],
    ["measure", "Qwen2.5-0.5B", "--device", "trace", "--context", "1e400"],
    ["measure", "/dev/zero"],
    ["measure", "nonesuch/model"],
    ["plan", "Qwen2.5-0.5B"],
    ["plan", "Qwen2.5-0.5B", "--gpu", "H100", "--format", "csv"],
    ["plan", "Qwen2.5-0.5B", "--gpu", "H100", "--engine", "transformers"],
    ["plan", "Qwen2.5-0.5B", "--gpu", "H100", "--engine", "VLLM"],
    ["report", "show"],
    ["report", "diff", "x"],
    ["report", "nonesuch"],
    ["nonesuch"],
    ["--version", "estimate"],
    ["--install-completion", "nonesuch-shell"],
    ["--show-completion", "nonesuch-shell"],
    ["ESTIMATE", "Qwen2.5-0.5B"],
    ["estimate", "Qwen2.5-0.5B", "--CONTEXT", "4096"],
    ["estimate", "Qwen2.5-0.5B", "--cont", "4096"],
    ["estimate", "Qwen2.5-0.5B", "--context"],
    ["estimate", "Qwen2.5-0.5B", "--context=", "4096"],
    ["estimate", "Qwen2.5-0.5B", "-c", "4096"],
    ["check"],
    ["check", "--gpu", "H100"],
    ["check", "--gpu", "H100", ""],
    ["check", "--gpu", "H100", " "],
    ["check", "--gpu", "H100", "--"],
    ["check", "--gpu", "H100", "a.yaml", "b.yaml"],
    ["check", "--", "vllm", "serve", "Qwen/Qwen2.5-0.5B"],
    ["check", "--gpu", "H100", "--env", "X", "--env", "=1", "--env", "A=B=C", "--", "ollama", "run", "qwen3"],
    ["check", "--gpu", "H100", "--env", "OLLAMA_CONTEXT_LENGTH=" + "9" * 5000, "--", "ollama", "run", "x"],
    ["check", "--gpu", "H100", "--num-gpus", "auto", "--", "vllm", "serve", "Qwen/Qwen2.5-0.5B"],
    ["check", "--gpu", "H100", "--num-gpus", "0", "--", "vllm", "serve", "Qwen/Qwen2.5-0.5B"],
)


def option_cases(root: Path) -> Iterator[list[str]]:
    """Option combinations and odd arguments of every command; run inside `root` (written files land
    there)."""
    root.mkdir(parents=True, exist_ok=True)
    for argv in OPTION_COMBOS:
        yield [(a if a not in ("x.html", "models.html") else str(root / a)) for a in argv]


# words of the runs that size the whole catalog or load torch: not timed (round 19's `measure`), and left
# out of the CI sample
SLOW = ("measure", "--all", "--fits")

STEPS: dict[str, Callable[[Path], Iterator[list[str]]]] = {
    "check-lines": lambda root: check_line_cases(),
    "backends": lambda root: backend_option_cases(),
    "recipes": recipe_cases,
    "model-files": model_file_cases,
    "reports": report_step,
    "options": option_cases,
}

# environment and locale: run as subprocesses (the variables are read at import or start-up)
ENV_VALUES: tuple[tuple[str, str], ...] = (
    ("LLMSIZE_GPU_DIR", "{file}"),
    ("LLMSIZE_GPU_DIR", "/dev/null"),
    ("LLMSIZE_GPU_DIR", "/dev/zero"),
    ("LLMSIZE_GPU_DIR", "{fifo}"),
    ("LLMSIZE_GPU_DIR", "{loop}"),
    ("LLMSIZE_GPU_DIR", "/nonexistent/x"),
    ("LLMSIZE_GPU_DIR", ""),
    ("LLMSIZE_GPU_DIR", "/proc"),
    ("LLMSIZE_CACHE_DIR", "{file}"),
    ("LLMSIZE_CACHE_DIR", "/dev/null"),
    ("LLMSIZE_CACHE_DIR", "{fifo}"),
    ("LLMSIZE_CACHE_DIR", "{loop}"),
    ("LLMSIZE_CACHE_DIR", "/proc/self"),
    ("LLMSIZE_CACHE_DIR", ""),
    ("LLMSIZE_CACHE_DIR", "/"),
    ("HF_HUB_OFFLINE", "maybe"),
    ("HF_HUB_OFFLINE", ""),
    ("HF_HUB_OFFLINE", "0"),
    ("HF_HOME", "{file}"),
    ("HF_HOME", "/dev/null"),
    ("XDG_CONFIG_HOME", "{file}"),
    ("HOME", "/nonexistent"),
    ("HOME", "{file}"),
    ("LANG", "tr_TR.UTF-8"),
    ("LC_ALL", "C"),
    ("LC_ALL", "POSIX"),
    ("LC_ALL", "xx_XX.nonesuch"),
    ("PYTHONIOENCODING", "ascii"),
    ("PYTHONIOENCODING", "latin-1"),
    ("COLUMNS", "0"),
    ("COLUMNS", "-5"),
    ("COLUMNS", "x"),
    ("COLUMNS", "99999999"),
    ("TERM", "dumb"),
    ("NO_COLOR", "1"),
    ("FORCE_COLOR", "1"),
)
ENV_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("estimate", "Qwen2.5-0.5B"),
    ("fit", "Qwen2.5-0.5B", "--gpu", "RTX-4090"),
    ("gpus", "--vendor", "nvidia"),
    ("estimate", "Qwen2.5-0.5B", "--gpu", "H100", "--format", "json"),
    ("estimate", "é-model-ü"),
    ("check", "--gpu", "H100", "--", "vllm", "serve", "Qwen/Qwen2.5-0.5B"),
)
NON_UTF8_ARGV: tuple[tuple[bytes, ...], ...] = (
    (b"estimate", b"Qwen\xff"),
    (b"estimate", b"Qwen2.5-0.5B", b"--context", b"\xff"),
    (b"check", b"--gpu", b"H100", b"--", b"vllm", b"serve", b"\xc3\x28"),
    (b"check", b"--gpu", b"H100", b"vllm serve Qwen/Qwen2.5-0.5B --max-model-len \xe2\x82"),
    (b"estimate", b"Qwen2.5-0.5B", b"--output", b"/tmp/\xff\xfe.json"),
    (b"report", b"show", b"\xff.json"),
    (b"fit", b"Qwen2.5-0.5B", b"--gpu", b"H\xa0100"),
    (b"\xff",),
)


def env_paths(root: Path) -> dict[str, str]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "plain-file").write_text("not a folder\n")
    if not (root / "fifo").exists():
        os.mkfifo(root / "fifo")
    if not (root / "loop").is_symlink():
        (root / "loop").symlink_to(root / "loop")
    return {"file": str(root / "plain-file"), "fifo": str(root / "fifo"), "loop": str(root / "loop")}


def env_cases(root: Path) -> Iterator[tuple[dict[str, str], list[bytes]]]:
    """(extra environment, argv as bytes) for subprocess runs."""
    paths = env_paths(root)
    for name, value in ENV_VALUES:
        for command in ENV_COMMANDS:
            yield {name: value.format(**paths)}, [w.encode() for w in command]
    for argv in NON_UTF8_ARGV:
        yield {}, list(argv)
        yield {"LC_ALL": "C"}, list(argv)


sample = partial(seeded_sample, seed=21)
