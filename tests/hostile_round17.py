"""The seventeenth hostile round (issue 15): the surface that landed after round 16.

- `check` over `trl sft` command lines, llama.cpp's LLAMA_ARG_* variables (by --env, `env`, leading
  assignments and `docker run -e`), Ollama's variables and `-hf repo:tag` forms, with hostile quoting,
  NUL bytes, unicode and huge argument counts;
- `plan` of a model given as local files (a transformers folder, its config.json, a .gguf whose path
  needs quoting) under every engine;
- config.json of the newest architectures (nemotron_h, deepseek_v32 / v4, glm_moe_dsa, llama4, gemma4,
  qwen3_next) with the fields only they have set wrong: patterns of hostile length and symbols, index_topk
  0, compress_ratios of the wrong length, num_nextn_predict_layers 10^6;
- `--concurrency` sweeps of up to 64 levels under `--num-gpus auto` where the layout search runs per level,
  `--backend sycl|vulkan|auto` on every kind of GPU.
Each must end in a result (exit 0 or 3) or one printable line with exit 2, quickly and in bounded memory.
"""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from hostile import seeded_sample

MODEL = "Qwen2.5-0.5B"
ROOT = Path(__file__).resolve().parents[1]
TINY = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 256,
        "intermediate_size": 512, "num_attention_heads": 4, "num_key_value_heads": 2, "num_hidden_layers": 2,
        "vocab_size": 1000, "max_position_embeddings": 2048, "torch_dtype": "bfloat16"}  # fmt: skip

TRL_LINES = ("trl", "trl sft", "trl dpo --model_name_or_path Qwen/Qwen2.5-0.5B", "trl sft --config",
             "trl sft --model_name_or_path", "trl sft --model_name_or_path=",
             "trl sft --=x --model_name_or_path Qwen/Qwen2.5-0.5B",
             "trl sft --model_name_or_path Qwen/Qwen2.5-0.5B --max_length 1e12",
             "trl sft --model_name_or_path Qwen/Qwen2.5-0.5B --max_length=-5",
             "trl sft --model_name_or_path Qwen/Qwen2.5-0.5B --max_seq_length 99999999999999999999999",
             "trl sft --model_name_or_path Qwen/Qwen2.5-0.5B --config /dev/zero",
             "trl sft --model_name_or_path Qwen/Qwen2.5-0.5B --config /nonexistent.yaml",
             "trl sft --model_name_or_path Qwen/Qwen2.5-0.5B --per_device_train_batch_size -1",
             "trl sft --model_name_or_path Qwen/Qwen2.5-0.5B --use_peft --lora_r 0",
             "trl sft --model_name_or_path Qwen/Qwen2.5-0.5B --use_peft --lora_r x",
             "trl sft --model_name_or_path Qwen/Qwen2.5-0.5B --use_peft false --lora_r 1e9",
             "trl sft --model_name_or_path Qwen/Qwen2.5-0.5B --gradient_checkpointing maybe",
             "trl sft --model_name_or_path Qwen/Qwen2.5-0.5B --torch_dtype float128",
             "trl sft --model_name_or_path Qwen/Qwen2.5-0.5B --deepspeed /dev/zero",
             "trl sft --model_name_or_path Qwen/Qwen2.5-0.5B --load_in_4bit --use_peft",
             "trl sft --model_name_or_path " + "x" * 100_000,
             "trl sft --model_name_or_path Qwen/Qwen2.5-0.5B --" + "a" * 1000 + " 1")  # fmt: skip
LLAMA_ENV = ("LLAMA_ARG_CTX_SIZE=1e12", "LLAMA_ARG_CTX_SIZE=", "LLAMA_ARG_CTX_SIZE=-1",
             "LLAMA_ARG_CTX_SIZE=abc",
             "LLAMA_ARG_CTX_SIZE=" + "9" * 5000, "LLAMA_ARG_N_GPU_LAYERS=all",
             "LLAMA_ARG_N_GPU_LAYERS=-5",
             "LLAMA_ARG_N_GPU_LAYERS=1e30", "LLAMA_ARG_FLASH_ATTN=maybe", "LLAMA_ARG_CACHE_TYPE_K=q9",
             "LLAMA_ARG_CACHE_TYPE_K=\x1b[2J", "LLAMA_ARG_MODEL=/dev/zero", "LLAMA_ARG_MODEL=",
             "LLAMA_ARG_HF_REPO=:", "LLAMA_ARG_HF_REPO=a/b:c:d", "LLAMA_ARG_HF_REPO=" + "a/" * 3000,
             "LLAMA_ARG_N_PARALLEL=0", "LLAMA_ARG_N_PARALLEL=100000", "LLAMA_ARG_UBATCH=9999999999999",
             "LLAMA_ARG_N_CPU_MOE=-1", "LLAMA_ARG_X", "=1", "A\x00B=1")  # fmt: skip
HF_TAGS = (":", "a:", "/:x", ":Q4", "Qwen/Qwen2.5-0.5B-Instruct-GGUF:", "Qwen/Qwen2.5-0.5B-Instruct-GGUF::",
           "Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4:K", "Qwen/Qwen2.5-0.5B-Instruct-GGUF:" + "Q" * 5000,
           "Qwen/Qwen2.5-0.5B-Instruct-GGUF:../../etc/passwd", "Qwen/Qwen2.5-0.5B-Instruct-GGUF:\x1b[2J",
           "https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF", "a/b/c/d:Q4", "~/x:Q4",
           "Qwen/Qwen2.5-0.5B-Instruct-GGUF:IQ1_S", "Qwen/Qwen2.5-0.5B-Instruct-GGUF:F64",
           "Qwen/Qwen2.5-0.5B-Instruct-GGUF:UD-Q2_K_XL",
           "Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M:Q8_0")  # fmt: skip
QUOTED = ("vllm serve 'Qwen/Qwen2.5-0.5B", 'vllm serve "Qwen/Qwen2.5-0.5B" --max-model-len "32k',
          "vllm serve Qwen/Qwen2.5-0.5B \\", "vllm serve $(rm -rf /)", "vllm serve `id`",
          "vllm\x00serve Qwen/Qwen2.5-0.5B",
          "vllm serve Qwen/Qwen2.5-0.5B --max-model-len\x0032768")  # fmt: skip


def check_cases() -> Iterator[list[str]]:
    """`check` over trl command lines, LLAMA_ARG_* variables every way they are given, -hf tags, quoting."""
    for line in TRL_LINES:
        yield ["check", "--gpu", "H100", "--", *line.split(" ")]
    for env in LLAMA_ENV:
        repo = "Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M"
        yield ["check", "--gpu", "RTX-4090", "--env", env, "--", "llama-server", "-hf", repo]
        yield ["check", "--gpu", "RTX-4090", "--", "env", env, "llama-server", "-hf", repo]
        yield ["check", "--gpu", "RTX-4090", "--", "docker", "run", "-e", env,
               "ghcr.io/ggml-org/llama.cpp:server",
               "-hf", repo]  # fmt: skip
    for tag in HF_TAGS:
        yield ["check", "--gpu", "RTX-4090", "--", "llama-server", "-hf", tag]
        yield ["estimate", tag]
        yield ["fit", tag, "--gpu", "RTX-4090", "--engine", "llama.cpp"]
    for line in QUOTED:
        yield ["check", "--gpu", "H100", line]
        yield ["check", "--gpu", "H100", "--", line]
    yield ["check", "--gpu", "H100", "--", "vllm", "serve", MODEL, *["--max-num-seqs", "8"] * 2000]
    yield ["check", "--gpu", "H100", "--", "vllm", "serve", MODEL, "x" * 1_000_000]
    yield ["check", "--gpu", "H100", "--", "vllm", "serve", MODEL, "--max-model-len", "３２７６８"]
    yield ["check", "--gpu", "H100", "--", "vllm", "serve", MODEL, "--served-model-name", *["a"] * 4000]
    for env in ("OLLAMA_CONTEXT_LENGTH=1e12", "OLLAMA_NUM_PARALLEL=-1", "OLLAMA_KV_CACHE_TYPE=q9",
                "OLLAMA_GPU_OVERHEAD=1e400", "OLLAMA_CONTEXT_LENGTH=\x1b[2J"):  # fmt: skip
        yield ["check", "--gpu", "H100", "--env", env, "--", "ollama", "run", "qwen2.5:0.5b"]


def write_local_models(root: Path) -> tuple[Path, Path]:
    """A transformers folder and a header-only GGUF file, each under a name a shell must quote."""
    from hostile_round15 import write_arch_gguf

    root.mkdir(parents=True, exist_ok=True)
    folder = root / "a b;touch PWNED $(id)"
    folder.mkdir(exist_ok=True)
    (folder / "config.json").write_text(json.dumps(TINY))
    gguf = write_arch_gguf(root / "my model;x.gguf", "qwen3next", None)
    return folder, gguf


def plan_cases(root: Path) -> Iterator[list[str]]:
    """`plan` of local files under every engine and --quant, and `estimate` of the same files."""
    folder, gguf = write_local_models(root)
    for model, engine in itertools.product((folder, folder / "config.json", gguf),
                                           ("llama.cpp", "ollama", "vllm", "sglang", "transformers")):
        yield ["plan", str(model), "--gpu", "H100-SXM-80GB", "--engine", engine]
    for quant in ("Q4_K_M", "f16", "F16", "awq", "none", ""):
        yield ["plan", str(gguf), "--gpu", "H100-SXM-80GB", "--engine", "llama.cpp", "--quant", quant]
    yield ["plan", str(gguf), "--gpu", "H100-SXM-80GB", "--format", "json"]


@functools.cache
def _catalog_configs() -> dict[str, dict[str, Any]]:
    """model_type -> the `config:` of its first bundled entry (the catalog YAML is read once)."""
    found: dict[str, dict[str, Any]] = {}
    for file in sorted((ROOT / "model_specs").glob("*.yaml")):
        for entry in yaml.safe_load(file.read_text()).get("models", []):
            config = entry.get("config") or {}
            found.setdefault(str(config.get("model_type")), config)
    return found


def catalog_config(model_type: str) -> dict[str, Any]:
    return json.loads(json.dumps(_catalog_configs()[model_type]))  # a copy the caller may change


# model_type -> (key, value): the fields only the newest architectures have, set wrong
ARCH_FIELDS: dict[str, tuple[tuple[str, Any], ...]] = {
    "nemotron_h": (("hybrid_override_pattern", "M" * 10**6), ("hybrid_override_pattern", "M" * 51),
                   ("hybrid_override_pattern", ""), ("hybrid_override_pattern", "\x00" * 52),
                   ("hybrid_override_pattern", "X" * 52), ("hybrid_override_pattern", "é" * 52),
                   ("hybrid_override_pattern", ["M"] * 52), ("hybrid_override_pattern", None),
                   ("mamba_num_heads", 0), ("n_groups", 7), ("ssm_state_size", 2**40), ("conv_kernel", 0),
                   ("num_experts_per_tok", 129), ("n_routed_experts", 0),
                   ("num_nextn_predict_layers", 10**6)),
    "deepseek_v32": (("index_topk", 0), ("index_topk", -1), ("index_topk", 2**70), ("index_topk", "x"),
                     ("index_n_heads", 0), ("index_head_dim", -128), ("num_experts_per_tok", 257),
                     ("num_nextn_predict_layers", 10**6), ("num_nextn_predict_layers", -1)),
    "deepseek_v4": (("compress_ratios", [0] * 3), ("compress_ratios", [-4] * 43),
                    ("compress_ratios", [2**40] * 43), ("compress_ratios", [0] * 10**5),
                    ("compress_ratios", "x"),
                    ("hc_mult", 0), ("hc_mult", 10**6), ("o_groups", 7), ("num_hash_layers", 10**6),
                    ("expert_dtype", "fp3")),
    "glm_moe_dsa": (("index_topk", 0), ("qk_head_dim", 0), ("v_head_dim", 0), ("num_experts_per_tok", 300)),
    "llama4": (("interleave_moe_layer_step", 0), ("interleave_moe_layer_step", 10**6),
               ("moe_layers", [10**6]),
               ("moe_layers", list(range(10**5))), ("no_rope_layers", [1] * 3),
               ("no_rope_layers", ["x"] * 48),
               ("attention_chunk_size", 0), ("attention_chunk_size", 2**62), ("num_experts_per_tok", 17)),
    "gemma4": (("layer_types", ["sliding_attention"] * 5), ("layer_types", ["x"] * 30),
               ("global_head_dim", 0),
               ("sliding_window", -1), ("num_kv_shared_layers", 100), ("hidden_size_per_layer_input", 2**40),
               ("enable_moe_block", "yes"), ("top_k_experts", 10**6), ("num_global_key_value_heads", 0)),
    "qwen3_next": (("linear_conv_kernel_dim", 0), ("linear_value_head_dim", 2**40),
                   ("partial_rotary_factor", 0),
                   ("partial_rotary_factor", 1e308), ("full_attention_interval", 10**9),
                   ("mlp_only_layers", list(range(10**5))), ("num_experts_per_tok", 513),
                   ("layer_types", ["full_attention"] * 47)),
}  # fmt: skip


def arch_config(model_type: str, key: str, value: Any) -> dict[str, Any]:
    """The catalog config of `model_type` with `key` (inside text_config where the model has one) set."""
    config = catalog_config(model_type)
    if isinstance(config.get("text_config"), dict):
        config["text_config"] = {**config["text_config"], key: value}
    else:
        config[key] = value
    return config


def config_cases(root: Path) -> Iterator[list[str]]:
    root.mkdir(parents=True, exist_ok=True)
    for n, (kind, (key, value)) in enumerate((k, f) for k, fs in ARCH_FIELDS.items() for f in fs):
        folder = root / f"{kind}-{n}"
        folder.mkdir(exist_ok=True)
        (folder / "config.json").write_text(json.dumps(arch_config(kind, key, value)))
        engine = ("vllm", "sglang", "llama.cpp")[n % 3]
        yield ["estimate", str(folder), "--format", "json"]
        yield ["fit", str(folder), "--gpu", "H100", "--engine", engine, "--context", "8192"]


LEVELS_64 = ",".join(str(i) for i in range(1, 65))
POWERS = ",".join(str(2**i) for i in range(40))


def concurrency_cases() -> Iterator[list[str]]:
    """Sweeps whose levels each run the layout search (no KV pool, models needing many GPUs)."""
    for engine, levels in itertools.product(("llama.cpp", "ollama", "transformers", "sglang"),
                                            (LEVELS_64, POWERS, ",".join(["1"] * 64), "64,1,32,2")):
        yield ["fit", "Llama-3.1-405B", "--gpu", "T4", "--num-gpus", "auto", "--engine", engine,
               "--concurrency", levels]  # fmt: skip
        yield ["fit", "Llama-3.1-70B", "--gpu", "L4", "--num-gpus", "auto", "--engine", engine,
               "--concurrency", levels, "--format", "json"]  # fmt: skip
    for backend, gpu in itertools.product(("sycl", "vulkan", "auto", "SYCL", "", "cuda", "x" * 5000),
                                          ("Arc-Pro-B70", "H100", "MI300X", "M4-Max-128GB")):
        yield ["fit", MODEL, "--gpu", gpu, "--engine", "llama.cpp", "--backend", backend]


STEPS = {"check": lambda root: check_cases(), "plan": plan_cases, "configs": config_cases,
         "concurrency": lambda root: concurrency_cases()}  # fmt: skip


sample = partial(seeded_sample, seed=17)
