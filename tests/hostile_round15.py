"""The fifteenth hostile round (issue 15): sizes that scale, and the newest surface.

- size axes: a per-layer list of a million entries, a million experts, a vocabulary of 10^9, an MLP of
  2^40, thousands of --concurrency levels or --context values, a --gpu-file of 100,000 GPUs, a GGUF
  header of 200,000 tensors, a safetensors index of a million shards, reports nested past any parser;
- training configs read by `check`: Axolotl / TRL / LLaMA-Factory YAML and the DeepSpeed JSON they
  name, each field given values a person or a broken generator writes (and a torchtune recipe, which
  `check` does not read);
- `--ds-reduce-bucket`, `-o` with every `--format`, `--concurrency`, `--engine` with modes and quants;
- Ollama tags as people type them; GGUF headers of the 2026 architectures with their keys garbled.
Each must end in a result (exit 0 or 3) or one printable line with exit 2, quickly and in bounded memory.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from hostile import seeded_sample

MODEL = "Qwen2.5-0.5B"
BASE: dict[str, Any] = {
    "model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": 64,
    "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 8,
    "num_key_value_heads": 8, "vocab_size": 1000, "max_position_embeddings": 4096,
    "torch_dtype": "bfloat16",
}  # fmt: skip
QWEN3_MOE = {"model_type": "qwen3_moe", "architectures": ["Qwen3MoeForCausalLM"], "moe_intermediate_size": 64,
             "num_experts_per_tok": 2, "num_experts": 8, "decoder_sparse_step": 1, "head_dim": 8}  # fmt: skip

# --- size axes: each a config that is valid JSON with one dimension past anything real

BIG: dict[str, dict[str, Any]] = {
    "layer_types 1e6": {"layer_types": ["full_attention"] * 1_000_000},
    "layer_types 4096 mixed": {"num_hidden_layers": 4096, "model_type": "qwen3",
                               "layer_types": ["sliding_attention", "full_attention"] * 2048,
                               "sliding_window": 128, "use_sliding_window": True},
    "layer_types nested": {"layer_types": [["full_attention"]] * 2},
    "mlp_only_layers 1e5": {**QWEN3_MOE, "mlp_only_layers": list(range(100_000))},
    "experts 1e6": {**QWEN3_MOE, "num_experts": 1_000_000},
    "experts 2^40": {**QWEN3_MOE, "num_experts": 2**40},
    "experts per tok 1e6": {**QWEN3_MOE, "num_experts": 1_000_000, "num_experts_per_tok": 1_000_000},
    "vocab 1e9": {"vocab_size": 10**9},
    "vocab 2^47": {"vocab_size": 2**47},
    "intermediate 2^40": {"intermediate_size": 2**40},
    "hidden 2^20": {"hidden_size": 2**20, "intermediate_size": 2**21},
    "heads 2^20": {"hidden_size": 2**20, "num_attention_heads": 2**20, "num_key_value_heads": 2**20},
    "head_dim 2^30": {"head_dim": 2**30},
    "max_position 2^47": {"max_position_embeddings": 2**47},
    "sliding window list": {"sliding_window": [128] * 100_000},
    "layers 4096": {"num_hidden_layers": 4096},
    "layers 4097": {"num_hidden_layers": 4097},
    "layers 65536": {"num_hidden_layers": 65536},
    "rope factor 1e6": {"rope_scaling": {"rope_type": "yarn", "factor": 1e6,
                                         "original_max_position_embeddings": 4096}},
    "architectures 1e5": {"architectures": ["LlamaForCausalLM"] * 100_000},
    "keys 1e5": {f"k{i}": i for i in range(100_000)},
}  # fmt: skip


def write_config(folder: Path, change: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps({**BASE, **change}))
    return folder


def size_cases(root: Path) -> Iterator[list[str]]:
    """Every size axis under the commands that walk it: layouts, engines, sweeps."""
    for i, change in enumerate(BIG.values()):
        path = str(write_config(root / f"big{i}", change))
        yield ["estimate", path, "--format", "json"]
        yield ["fit", path, "--gpu", "T4", "--num-gpus", "64", "--engine", "vllm"]
        yield ["fit", path, "--gpu", "T4", "--num-gpus", "auto", "--engine", "sglang"]
        yield ["fit", path, "--gpu", "T4", "--num-gpus", "63", "--engine", "llama.cpp"]
        yield ["compare", path, "--gpu", "T4,L4", "--num-gpus", "61", "--engine", "vllm"]
        yield ["estimate", path, "--num-gpus", "48", "--engine", "ollama"]
    deep = str(write_config(root / "deep", {"num_hidden_layers": 4096}))
    yield ["fit", deep, "--gpu", "T4", "--num-gpus", "4096", "--engine", "sglang"]
    yield ["fit", deep, "--gpu", "T4", "--num-gpus", "auto", "--engine", "vllm"]
    yield ["compare", deep, "--gpu", "T4,L4,A10G,V100", "--num-gpus", "auto", "--engine", "vllm"]
    yield ["estimate", deep, "--pp", "4096", "--engine", "vllm"]
    yield ["estimate", deep, "--pp", "512", "--tp", "8", "--num-gpus", "4096", "--engine", "sglang"]
    yield ["fit", deep, "--gpu", "T4", "--num-gpus", "1000", "--mode", "full", "--zero", "3"]
    levels = ",".join(str(i) for i in range(1, 5001))
    yield ["fit", MODEL, "--gpu", "H100", "--engine", "vllm", "--concurrency", levels]
    yield ["compare", MODEL, "--gpu", "H100,L4", "--engine", "vllm", "--concurrency", levels]
    yield ["fit", MODEL, "--gpu", "H100", "--engine", "vllm", "--concurrency", ",".join(["8"] * 5000)]
    yield ["estimate", MODEL, "--context", ",".join(str(1024 * i) for i in range(1, 3001))]
    yield ["fit", MODEL, "--gpu", "H100", "--context", ",".join(str(i) for i in range(1, 3001))]
    gpus = [{"id": f"g{i}", "name": f"GPU {i}", "memory_gib": 16 + i % 64, "bandwidth_gbps": 500}
            for i in range(100_000)]  # fmt: skip
    gpu_file = root / "gpus.json"
    gpu_file.write_text(json.dumps(gpus))
    yield ["compare", MODEL, "--gpu-file", str(gpu_file)]
    yield ["gpus", "--gpu-file", str(gpu_file)]
    for depth in (100, 5_000, 200_000):
        nested = root / f"nested{depth}.yaml"
        nested.write_text("a:\n" + "".join("  " * i + " b:\n" for i in range(1, min(depth, 5_000))))
        yield ["report", "show", str(nested)]
        flow = root / f"flow{depth}.yaml"
        flow.write_text("[" * depth + "]" * depth)
        yield ["report", "show", str(flow)]
        yield ["report", "diff", str(flow), str(nested)]
    index = root / "index"
    index.mkdir()
    (index / "config.json").write_text(json.dumps(BASE))
    (index / "model.safetensors.index.json").write_text(json.dumps(
        {"metadata": {"total_size": 10**9}, "weight_map": {f"t{i}": f"model-{i:07d}-of-1000000.safetensors"
                                                           for i in range(1_000_000)}}))  # fmt: skip
    yield ["estimate", str(index), "--format", "json"]
    yield ["fit", str(index), "--gpu", "T4"]


def write_many_tensor_gguf(path: Path, tensors: int) -> Path:
    """A llama GGUF header (no data) listing `tensors` tensor infos, written byte by byte (gguf-py's
    writer holds one Python object per tensor and would be the slow part)."""

    def text(s: str) -> bytes:
        raw = s.encode()
        return struct.pack("<Q", len(raw)) + raw

    kv = [("general.architecture", 8, text("llama")), ("llama.block_count", 4, struct.pack("<I", 2)),
          ("llama.embedding_length", 4, struct.pack("<I", 64)),
          ("llama.feed_forward_length", 4, struct.pack("<I", 128)),
          ("llama.attention.head_count", 4, struct.pack("<I", 8)),
          ("llama.context_length", 4, struct.pack("<I", 4096))]  # fmt: skip
    out = bytearray(b"GGUF" + struct.pack("<I", 3) + struct.pack("<QQ", tensors, len(kv)))
    for key, kind, value in kv:
        out += text(key) + struct.pack("<I", kind) + value
    for i in range(tensors):
        out += text(f"blk.{i % 2}.extra_{i}.weight") + struct.pack("<I", 2) + struct.pack("<QQ", 64, 64)
        out += struct.pack("<I", 1) + struct.pack("<Q", i * 64 * 64 * 2)
    path.write_bytes(bytes(out) + b"\0" * 64)
    return path


# --- training configs read by `check`

AXOLOTL: dict[str, Any] = {"base_model": "Qwen/Qwen2.5-0.5B", "adapter": "lora", "lora_r": 16,
                           "sequence_len": 512, "micro_batch_size": 1, "gradient_accumulation_steps": 4,
                           "optimizer": "adamw_torch", "bf16": True,
                           "gradient_checkpointing": True}  # fmt: skip
TRL: dict[str, Any] = {"model_name_or_path": "Qwen/Qwen2.5-0.5B", "use_peft": True, "lora_r": 16,
                       "max_length": 512, "per_device_train_batch_size": 2, "gradient_checkpointing": True,
                       "bf16": True}  # fmt: skip
LLAMAFACTORY: dict[str, Any] = {"model_name_or_path": "Qwen/Qwen2.5-0.5B", "stage": "sft",
                                "finetuning_type": "lora", "lora_rank": 8, "cutoff_len": 512,
                                "per_device_train_batch_size": 1}  # fmt: skip
DEEPSPEED: dict[str, Any] = {"zero_optimization": {"stage": 2, "reduce_bucket_size": "auto",
                                                   "offload_optimizer": {"device": "none"}},
                             "train_micro_batch_size_per_gpu": "auto",
                             "bf16": {"enabled": "auto"}}  # fmt: skip
# What generators and hands write in a field: wrong types, spellings of numbers, escapes, extremes.
FIELD_VALUES: tuple[Any, ...] = (
    -1, 0, 2**63, 1.5, float("inf"), "1e400", "auto", None, [], {}, True, "²", "٣", "9" * 5000, "nan",
    "\x1b[31m", "a\nb", "1_000", [1, 2], {"a": {"b": 1}},
)  # fmt: skip
TRAINING_FIELDS: dict[str, tuple[str, ...]] = {
    "axolotl": ("adapter", "lora_r", "sequence_len", "micro_batch_size", "gradient_accumulation_steps",
                "optimizer", "lora_target_modules", "lora_target_linear", "load_in_4bit", "bf16",
                "gradient_checkpointing", "base_model", "deepspeed", "fsdp", "fsdp_config", "sample_packing"),
    "trl": ("use_peft", "load_in_4bit", "lora_r", "max_length", "lora_target_modules", "optim",
            "per_device_train_batch_size", "fp16", "model_name_or_path"),
    "llamafactory": ("finetuning_type", "quantization_bit", "lora_rank", "lora_target", "cutoff_len",
                     "disable_gradient_checkpointing"),
}  # fmt: skip
DS_FIELDS: tuple[tuple[str, ...], ...] = (
    ("zero_optimization",), ("zero_optimization", "stage"), ("zero_optimization", "reduce_bucket_size"),
    ("zero_optimization", "offload_optimizer"), ("zero_optimization", "offload_optimizer", "device"),
    ("zero_optimization", "offload_param", "device"), ("train_micro_batch_size_per_gpu",), ("bf16",),
    ("bf16", "enabled"), ("fp16", "enabled"),
)  # fmt: skip
BASES = {"axolotl": AXOLOTL, "trl": TRL, "llamafactory": LLAMAFACTORY}


def _set(doc: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    out = json.loads(json.dumps(doc))
    node = out
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[path[-1]] = value
    return out


def _yaml(doc: dict[str, Any]) -> str:
    """YAML text of `doc` (JSON is YAML: inf and nan written as YAML's own)."""
    text = json.dumps(doc, ensure_ascii=False, allow_nan=True)
    return text.replace("Infinity", ".inf").replace("NaN", ".nan")


def training_cases(root: Path) -> Iterator[list[str]]:
    """`check --gpu H100 FILE` on every field of each kind set to each hostile value, and on the
    DeepSpeed JSON the config names with its fields set the same way."""
    root.mkdir(parents=True, exist_ok=True)
    n = 0
    for kind, fields in TRAINING_FIELDS.items():
        for field in fields:
            for value in FIELD_VALUES:
                path = root / f"t{n}.yaml"
                n += 1
                path.write_text(_yaml(_set(BASES[kind], (field,), value)), encoding="utf-8")
                yield ["check", "--gpu", "H100", str(path)]
    for path_keys in DS_FIELDS:
        for value in FIELD_VALUES:
            ds = root / f"ds{n}.json"
            ds.write_text(json.dumps(_set(DEEPSPEED, path_keys, value), allow_nan=True))
            cfg = root / f"t{n}.yaml"
            n += 1
            cfg.write_text(_yaml({**AXOLOTL, "adapter": None, "deepspeed": ds.name}), encoding="utf-8")
            yield ["check", "--gpu", "H100", "--num-gpus", "8", str(cfg)]
    odd = {
        "torchtune": "model:\n  _component_: torchtune.models.llama3_2.lora_llama3_2_1b\nbatch_size: 4\n",
        "anchors": "base_model: &m Qwen/Qwen2.5-0.5B\nx: *m\nadapter: lora\n",
        "alias bomb": "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
                      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n"
                      "e: [*d, *d, *d, *d, *d, *d, *d, *d]\nbase_model: Qwen/Qwen2.5-0.5B\n"
                      "lora_target_modules: [*d, *d, *d, *d, *d, *d, *d, *d]\nadapter: lora\n",
        "tag": "base_model: !!python/object/apply:os.system [echo hi]\n",
        "two docs": "base_model: Qwen/Qwen2.5-0.5B\n---\nbase_model: x\n",
        "bom": "\ufeffbase_model: Qwen/Qwen2.5-0.5B\nadapter: qlora\n",
        "tabs": "base_model:\tQwen/Qwen2.5-0.5B\n",
        "deepspeed self": "base_model: Qwen/Qwen2.5-0.5B\ndeepspeed: t.yaml\n",
        "deepspeed dir": "base_model: Qwen/Qwen2.5-0.5B\ndeepspeed: .\n",
        "deepspeed dev": "base_model: Qwen/Qwen2.5-0.5B\ndeepspeed: /dev/zero\n",
        "deepspeed long": "base_model: Qwen/Qwen2.5-0.5B\ndeepspeed: " + "d/" * 3000 + "x.json\n",
        "fsdp_config dev": "base_model: Qwen/Qwen2.5-0.5B\nfsdp: full_shard\nfsdp_config: /dev/zero\n",
        "lora targets 1e5": "base_model: Qwen/Qwen2.5-0.5B\nadapter: lora\nlora_target_modules: ["
                            + ", ".join(f"m{i}" for i in range(100_000)) + "]\n",
        "model gguf": "base_model: ./nothing.gguf\nadapter: lora\n",
        "model ollama": "base_model: qwen3:0.6b\nadapter: lora\n",
        "model url": "base_model: https://huggingface.co/Qwen/Qwen2.5-0.5B\nadapter: lora\n",
        "model empty": "base_model: ''\nadapter: lora\n",
        "model list": "base_model: [Qwen/Qwen2.5-0.5B]\nadapter: lora\n",
        "model int": "model_name_or_path: 7\nuse_peft: true\n",
    }  # fmt: skip
    for i, text in enumerate(odd.values()):
        folder = root / f"odd{i}"
        folder.mkdir()
        path = folder / "t.yaml"
        path.write_text(text, encoding="utf-8")
        yield ["check", "--gpu", "H100", str(path)]
    for i, text in enumerate(("{", "[]", "null", '{"zero_optimization": {"stage": 3}}', "\x00" * 10)):
        path = root / f"raw{i}.json"
        path.write_text(text)
        yield ["check", "--gpu", "H100", str(path)]


# --- options of the newest surface

BUCKETS = ("5e8", "auto", "AUTO", " 5e8 ", "5e8.0", "500000000", "5e-1", "0x10", "1e18", "1e19", "inf", "nan",
           "-0", "+5e8", "5E8", "５e8", "", "none", "2**30", "5e8,5e8")  # fmt: skip
FORMATS = ("json", "yaml", "csv", "html", "markdown", "md", "text", "table", "JSON", "", "xml")
SUFFIXES = (".json", ".yaml", ".yml", ".csv", ".html", ".HTML", ".md", ".txt", "", ".json.gz", ".")
CONCURRENCY = ("1", "0", "-1", "1,2,4", "4,2,1", "1..8", "1-8", "auto", "1e3", "1k", "8,", "2**10", "٨",
               "1,1,1", "1000000", "9" * 40, "1;2", "a,b")  # fmt: skip
ENGINE_MIXES: tuple[tuple[str, ...], ...] = (
    ("--engine", "vllm", "--quant", "Q4_K_M"), ("--engine", "llama.cpp", "--quant", "awq"),
    ("--engine", "ollama", "--quant", "fp8"), ("--engine", "sglang", "--quant", "gguf"),
    ("--engine", "transformers", "--quant", "nvfp4"), ("--engine", "vllm", "--mode", "full"),
    ("--engine", "sglang", "--mode", "qlora"), ("--engine", "ollama", "--mode", "lora"),
    ("--engine", "llama.cpp", "--tp", "2"), ("--engine", "ollama", "--pp", "2"),
    ("--engine", "vllm", "--gpu-layers", "5"), ("--engine", "sglang", "--n-cpu-moe", "2"),
    ("--engine", "transformers", "--max-num-seqs", "8"), ("--engine", "vllm", "--engine", "sglang"),
    ("--engine", "VLLM"), ("--engine", "vllm "), ("--engine", "llama-cpp"), ("--engine", "llamacpp"),
    ("--engine", "ollama", "--backend", "rocm"), ("--engine", "vllm", "--engine-version", "0.0.1"),
    ("--engine", "vllm", "--engine-version", "99.0"), ("--engine", "sglang", "--engine-version", "x"),
    ("--engine", "llama.cpp", "--engine-version", "b99999999"), ("--engine", "vllm", "--dp", "3"),
    ("--engine", "vllm", "--speculative", "eagle3", "--concurrency", "1,8"),
    ("--engine", "sglang", "--dp-attention", "--tp", "1"), ("--engine", ""), ("--engine", "none"),
    ("--engine", "vllm", "--framework", "unsloth"), ("--engine", "llama.cpp", "--framework", "torchtune"),
)  # fmt: skip
OLLAMA_TAGS = (
    "qwen3:0.6b", "qwen3:0.6B", "qwen3:latest", "qwen3", "qwen3:", ":0.6b", "qwen3::0.6b", "qwen3:0.6b:q4",
    "library/qwen3:0.6b", "ollama.com/library/qwen3:0.6b", "registry.ollama.ai/library/qwen3:0.6b",
    "hf.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M", "hf.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q9_K",
    "hf.co/:Q4_K_M", "qwen3:8b-q4_K_M", "qwen3:8b-q9_K_M", "qwen3:8b-fp16", "qwen3:8b-instruct-q8_0",
    "llama3.1:8b-instruct-q4_K_M", "gemma3:270m", "gemma3:1b-it-qat", "deepseek-r1:671b", "gpt-oss:20b",
    "gpt-oss:120b-mxfp4", "qwen3:0.6b@sha256:" + "0" * 64, "qwen3:" + "9" * 400 + "b", "qwen3:-1b",
    "qwen3:0b", "qwen3:1e9b", "qwen3:∞b", "QWEN3:0.6B", "qwen3:0.6b\x1b[2J", "qwen3 :0.6b", "a:b:c:d",
    "user/model:tag", "user/model:Q4_K_M", "nomic-embed-text:v1.5", "llava:7b", "qwen2.5vl:3b",
)  # fmt: skip


LAUNCH_LINES: tuple[tuple[str, ...], ...] = (
    ("torchrun", "--nproc_per_node", "8", "train.py"), ("axolotl", "train", "/dev/zero"),
    ("python", "-m", "sglang.launch_server", "--model-path", "Qwen/Qwen2.5-0.5B", "--tp", "0"),
    ("python", "-m", "sglang.launch_server", "--model-path", "Qwen/Qwen2.5-0.5B",
     "--mem-fraction-static", "2"),
    ("llama-server", "-hf", "Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M", "-ngl", "9" * 12, "-np", "0"),
    ("llama-server", "-hf", "Qwen/Qwen2.5-0.5B-Instruct-GGUF", "--tensor-split", ",".join(["1"] * 5000)),
    ("llama-server", "-hf", "Qwen/Qwen2.5-0.5B-Instruct-GGUF", "-ot", "(a+)+$=CPU"),
    ("llama-server", "-hf", "Qwen/Qwen2.5-0.5B-Instruct-GGUF", "-ot", "[=CPU"),
    ("ollama", "run", "qwen3:0.6b", "--num-ctx", "1e9"),
    ("OLLAMA_NUM_PARALLEL=1e9", "ollama", "run", "qwen3:0.6b"),
    ("vllm", "serve", "Qwen/Qwen2.5-0.5B", "--config", "/dev/zero"),
    ("vllm", "serve", "Qwen/Qwen2.5-0.5B", "--hf-overrides", '{"num_hidden_layers": 65536}'),
    ("vllm", "serve", "Qwen/Qwen2.5-0.5B", "--compilation-config",
     '{"cudagraph_capture_sizes": [' + ",".join(str(i) for i in range(1, 20000)) + "]}"),
    ("vllm", "serve", "Qwen/Qwen2.5-0.5B", "--max-num-seqs", "100000",
     "--max-num-batched-tokens", "100000000"),
)  # fmt: skip


def option_cases(root: Path) -> Iterator[list[str]]:
    train = ["estimate", "Llama-3.1-8B", "--mode", "full", "--num-gpus", "8"]
    for bucket in BUCKETS:
        for zero in ("1", "2", "3"):
            yield [*train, "--zero", zero, "--ds-reduce-bucket", bucket]
    yield ["estimate", "Llama-3.1-8B", "--mode", "lora", "--ds-reduce-bucket", "5e8"]
    yield ["estimate", "Llama-3.1-8B", "--ds-reduce-bucket", "5e8"]
    yield ["fit", "Llama-3.1-8B", "--gpu", "H100", "--mode", "full", "--num-gpus", "auto", "--zero", "2",
           "--ds-reduce-bucket", "1e12"]  # fmt: skip
    out = root / "out"
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for fmt in FORMATS:
        for suffix in SUFFIXES:
            for argv in (["estimate", MODEL], ["fit", MODEL, "--gpu", "T4"],
                         ["compare", MODEL, "--gpu", "T4,L4"]):  # fmt: skip
                n += 1
                yield [*argv, "--format", fmt, "-o", str(out / f"r{n}{suffix}"), "--force"]
    for argv in (["gpus"], ["models"], ["explain", MODEL], ["plan", MODEL, "--gpu", "T4"]):
        for fmt in ("html", "csv", "yaml"):
            n += 1
            yield [*argv, "--format", fmt, "-o", str(out / f"r{n}.{fmt}"), "--force"]
    for value in CONCURRENCY:
        yield ["fit", MODEL, "--gpu", "H100", "--engine", "sglang", "--concurrency", value]
        yield ["fit", MODEL, "--gpu", "H100", "--engine", "llama.cpp", "--concurrency", value]
    for mix in ENGINE_MIXES:
        yield ["estimate", MODEL, *mix]
        yield ["fit", MODEL, "--gpu", "H100", *mix]
    for tag in OLLAMA_TAGS:
        yield ["estimate", tag, "--engine", "ollama"]
        yield ["fit", tag, "--gpu", "RTX-4090"]
        yield ["check", "--gpu", "RTX-4090", "--", "ollama", "run", tag]
    for flags in (["--max-num-seqs", "0"], ["--max-model-len", "1e400"], ["--tensor-parallel-size", "٢"],
                  ["--gpu-memory-utilization", "nan"], ["--kv-cache-dtype", "fp4"], ["--quantization", ""],
                  ["--max-num-batched-tokens", "9" * 40], ["--pipeline-parallel-size", "4096"],
                  ["--data-parallel-size", "-1"], ["--enable-expert-parallel", "--tensor-parallel-size", "3"],
                  ["--max-model-len", "auto"], ["--block-size", "7"], ["--cpu-offload-gb", "-5"]):
        yield ["check", "--gpu", "H100", "--", "vllm", "serve", "Qwen/Qwen2.5-0.5B", *flags]
    for line in LAUNCH_LINES:
        yield ["check", "--gpu", "H100", "--", *line]
    for path in sorted(out.iterdir()):  # every file -o wrote, read back
        yield ["report", "show", str(path)]
        yield ["report", "diff", str(path), str(path)]


# --- GGUF headers of the 2026 architectures, their keys garbled

GGUF_ARCHES = ("qwen3next", "qwen35", "qwen35moe", "glm4moe", "seed_oss", "lfm2", "lfm2moe", "granitehybrid",
               "kimi-linear", "apertus", "smollm3", "deepseek32", "minimax-m2", "bailingmoe2", "grovemoe",
               "nemotron_h", "falcon-h1", "exaone4", "olmo3", "")  # fmt: skip
MOE_ARCHES = {"qwen3next", "minimax-m2", "deepseek32", "kimi-linear", "grovemoe", "bailingmoe2"}
KV_TYPES = {"u32": 4, "i32": 5, "f32": 6, "bool": 7, "str": 8, "arr": 9, "u64": 10, "f64": 12}


def _kv(key: str, kind: str, value: Any) -> bytes:
    def text(s: str) -> bytes:
        raw = s.encode()
        return struct.pack("<Q", len(raw)) + raw

    out = text(key) + struct.pack("<I", KV_TYPES[kind])
    if kind == "u32":
        return out + struct.pack("<I", value)
    if kind == "i32":
        return out + struct.pack("<i", value)
    if kind == "f32":
        return out + struct.pack("<f", value)
    if kind == "f64":
        return out + struct.pack("<d", value)
    if kind == "u64":
        return out + struct.pack("<Q", value)
    if kind == "bool":
        return out + struct.pack("<B", value)
    if kind == "str":
        return out + text(value)
    items = b"".join(struct.pack("<i", v) for v in value)  # an array of i32
    return out + struct.pack("<IQ", 5, len(value)) + items


def write_arch_gguf(path: Path, arch: str, garble: tuple[str, str, Any] | None) -> Path:
    """A header-only GGUF of a tiny model of `arch`, one key (suffix, type, value) replaced."""
    keys: dict[str, tuple[str, Any]] = {
        "block_count": ("u32", 4), "context_length": ("u32", 4096), "embedding_length": ("u32", 64),
        "feed_forward_length": ("u32", 128), "attention.head_count": ("u32", 8),
        "attention.head_count_kv": ("u32", 2), "attention.key_length": ("u32", 8),
        "attention.value_length": ("u32", 8), "expert_count": ("u32", 8), "expert_used_count": ("u32", 2),
        "expert_feed_forward_length": ("u32", 64), "full_attention_interval": ("u32", 4),
        "ssm.conv_kernel": ("u32", 4), "ssm.state_size": ("u32", 16), "ssm.group_count": ("u32", 1),
        "ssm.inner_size": ("u32", 128), "ssm.time_step_rank": ("u32", 8),
    }  # fmt: skip
    moe = "moe" in arch or arch in MOE_ARCHES
    if not moe:
        for key in ("expert_count", "expert_used_count", "expert_feed_forward_length"):
            del keys[key]
    if garble is not None:
        keys[garble[0]] = (garble[1], garble[2])
    blobs = [_kv("general.architecture", "str", arch)] + [
        _kv(f"{arch}.{k}", kind, v) for k, (kind, v) in keys.items()]
    tensors: list[tuple[str, tuple[int, ...]]] = [("token_embd.weight", (64, 1000)),
                                                  ("output.weight", (64, 1000))]  # fmt: skip
    for block in range(4 if moe else 0):  # llama.cpp's expert tensor names (blk.N.ffn_*_exps)
        tensors += [(f"blk.{block}.ffn_{part}_exps.weight", (64, 64, 8)) for part in ("gate", "up", "down")]
    infos = b""
    for name, shape in tensors:
        raw = name.encode()
        infos += struct.pack("<Q", len(raw)) + raw + struct.pack("<I", len(shape))
        infos += b"".join(struct.pack("<Q", d) for d in shape) + struct.pack("<IQ", 1, 0)
    head = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(blobs)) + b"".join(blobs) + infos
    path.write_bytes(head + b"\0" * (-len(head) % 32) + b"\0" * 256_000)
    return path


GARBLES: tuple[tuple[str, str, Any], ...] = (
    ("block_count", "u32", 0), ("block_count", "u64", 2**40), ("block_count", "str", "4"),
    ("block_count", "i32", -4), ("block_count", "f32", 4.5), ("embedding_length", "u32", 0),
    ("attention.head_count", "arr", [8, 8, 8, 8]), ("attention.head_count", "arr", [8, 0, 8, 8]),
    ("attention.head_count_kv", "arr", [2] * 100_000), ("attention.head_count_kv", "arr", [-2, 2, 2, 2]),
    ("attention.head_count_kv", "arr", []), ("expert_count", "u64", 2**40),
    ("expert_used_count", "u32", 99), ("full_attention_interval", "u32", 0),
    ("full_attention_interval", "u32", 2**31), ("ssm.state_size", "f64", float("nan")),
    ("ssm.group_count", "u32", 0), ("context_length", "u64", 2**63),
    ("feed_forward_length", "arr", [128] * 3),
    ("attention.sliding_window", "u32", 0), ("rope.scaling.factor", "f32", float("inf")),
)  # fmt: skip


def gguf_cases(root: Path) -> Iterator[list[str]]:
    root.mkdir(parents=True, exist_ok=True)
    n = 0
    for arch in GGUF_ARCHES:
        for garble in (None, *GARBLES):
            n += 1
            path = write_arch_gguf(root / f"g{n}.gguf", arch, garble)
            engine = ("llama.cpp", "ollama", "vllm")[n % 3]
            yield ["estimate", str(path), "--engine", engine, "--format", "json"]
    many = write_many_tensor_gguf(root / "many.gguf", 200_000)
    yield ["estimate", str(many), "--engine", "llama.cpp"]
    yield ["fit", str(many), "--gpu", "T4", "--num-gpus", "8", "--engine", "llama.cpp"]


sample = partial(seeded_sample, seed=15)


# --- a local Hub (tests/hub_server.py) serving what a broken mirror, proxy or upload serves


def hub_cases() -> list[tuple[str, dict[str, Any], str | None]]:
    """(label, files of the repo, fault of the server) for `estimate acme/x`."""
    from hub_server import TINY_LLAMA_CONFIG, safetensors_bytes

    tiny = dict(TINY_LLAMA_CONFIG)
    shards = {f"t{i}": f"model-{i:05d}-of-02000.safetensors" for i in range(2000)}
    one = safetensors_bytes({"model.embed_tokens.weight": ("BF16", [256, 64])})
    missing = {"config.json": tiny, "model.safetensors.index.json": {"weight_map": shards}}
    long_names = {f"t{i}" + "x" * 90: "model.safetensors" for i in range(180_000)}
    huge = {"config.json": tiny, "model.safetensors.index.json": {"weight_map": long_names},
            "model.safetensors": one}  # fmt: skip
    many = {"config.json": tiny, "model.safetensors": safetensors_bytes(
        {f"t{i}": ("BF16", [1]) for i in range(100_000)})}  # fmt: skip
    return [
        ("deep config", {"config.json": {**tiny, "num_hidden_layers": 65536}}, None),
        ("max layers", {"config.json": {**tiny, "num_hidden_layers": 4096}}, None),
        ("config null", {"config.json": "null"}, None),
        ("config binary", {"config.json": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4}, None),
        ("config gzip", {"config.json": b"\x1f\x8b\x08\x00" + b"\0" * 64}, None),
        ("config 9 MB", {"config.json": {**tiny, "pad": "x" * (9 << 20)}}, None),
        ("config keys 1e5", {"config.json": {**tiny, **{f"k{i}": i for i in range(100_000)}}}, None),
        ("index 2,000 missing shards", missing, None),
        ("index 17 MiB", huge, None),
        ("header of 1e5 tensors", many, None),
        ("status 500", {"config.json": tiny}, "status-500"),
        ("status 429", {"config.json": tiny}, "status-429"),
        ("status 503", {"config.json": tiny}, "status-503"),
        ("status 404", {"config.json": tiny}, "status-404"),
        ("status 302", {"config.json": tiny}, "status-302"),
        ("html", {"config.json": tiny}, "html"),
        ("redirect loop", {"config.json": tiny}, "redirect-loop"),
        ("401", {"config.json": tiny}, "401"),
    ]
