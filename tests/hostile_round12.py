"""The twelfth hostile round (issue 15): what rounds 3-11 left out.

- every value option of estimate / explain / fit / compare / plan / models / gpus / measure given the
  spellings a person types for a size or a count that the earlier value lists lacked: units with and
  without a space and in any case (`10 GiB`, `10gib`, `1.5e3MB`), exponents past a float (`1e400`),
  comma lists with gaps and repeats (`1,,8`, `8,8,8`), signed and unicode spellings, each in the context
  that makes the option read (an objective, a mode, an engine, a model with the layer the option sizes);
- options that contradict each other: seeded combinations of mode x engine x framework x objective x
  quant x ZeRO x offload x loss x parallel degrees over dense, MoE, MLA, hybrid, vision and audio models;
- config.json of the newest architectures with their own fields garbled (qwen3_next / qwen3_5
  layer_types, nemotron_h hybrid_override_pattern, deepseek_v32 index_*, vision_config, rope_scaling,
  quantization_config) — values round 10/11's mutations did not reach;
- GGUF files of hunyuan, ernie4_5, gemma3n and gpt-oss with their architecture keys garbled;
- the LLMSIZE_* environment variables;
- malformed files for `report show` / `report diff` / `compare --gpu-file` / `measure`.
Each must end in a result or one clear line with exit 2, quickly and in bounded memory.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MODEL = "Qwen2.5-0.5B"

# Spellings of sizes, counts and lists the earlier value lists (tests/hostile_options.py VALUES) lack.
VALUES: tuple[str, ...] = (
    "10 GiB",
    "10gib",
    "10GB",
    "1.5e3MB",
    "1e400",
    "-1e400",
    "1e-400",
    "1,,8",
    "8,8,8",
    ",",
    "1,",
    ",1",
    "0,1",
    "-1,2",
    "1;2",
    "1 2",
    "32k",
    "32K ",
    "0k",
    "-4k",
    "1.5k",
    "1e3k",
    "nank",
    "infk",
    "4096 tokens",
    "∞",
    "½",
    "²",
    "1e2",
    "0.0",
    "00000000000000000000001",
    "1" + "0" * 19,
    "x" * 5000,
    "null",
    "[1, 2]",
    '{"a": 1}',
    "true",
    "auto",
    "none",
    "%s%n",
    "\x00",
    "1\u200b",
    "\ud800",
)

# The context in which each option is read (what the option needs to matter), beyond the command's base.
CONTEXT: dict[str, list[str]] = {
    "--kl-beta": ["--mode", "lora", "--objective", "grpo"],
    "--completion-tokens": ["--mode", "lora", "--objective", "grpo"],
    "--loss-chunks": ["--mode", "full", "--loss", "chunked"],
    "--lora-rank": ["--mode", "lora"],
    "--lora-targets": ["--mode", "qlora"],
    "--grad-accum": ["--mode", "full", "--objective", "dpo"],
    "--optimizer": ["--mode", "full"],
    "--zero": ["--mode", "full", "--num-gpus", "4", "--zero-impl", "deepspeed"],
    "--fp8-training": ["--mode", "full"],
    "--offload-optimizer": ["--mode", "full", "--zero", "3"],
    "--offload-params": ["--mode", "full", "--zero", "3"],
    "--zero-impl": ["--mode", "full", "--zero", "3"],
    "--images": ["Qwen2.5-VL-7B-Instruct"],
    "--image-size": ["Qwen2.5-VL-7B-Instruct", "--images", "2"],
    "--video-frames": ["Qwen2.5-VL-7B-Instruct"],
    "--video-size": ["Qwen2.5-VL-7B-Instruct", "--video-frames", "8"],
    "--audio-seconds": ["gemma-3n-E2B-it"],
    "--mm-encoder-tp-mode": ["Qwen2.5-VL-7B-Instruct", "--engine", "vllm", "--tp", "2"],
    "--max-mamba-cache-size": ["Qwen3-Next-80B-A3B-Instruct", "--engine", "sglang"],
    "--mamba-ssm-dtype": ["Qwen3-Next-80B-A3B-Instruct", "--engine", "sglang"],
    "--mamba-full-memory-ratio": ["Qwen3-Next-80B-A3B-Instruct", "--engine", "sglang"],
    "--dp-attention": ["DeepSeek-V2-Lite", "--engine", "sglang", "--tp", "2"],
    "--dp": ["Qwen3-30B-A3B", "--engine", "vllm"],
    "--n-cpu-moe": ["Qwen3-30B-A3B", "--engine", "llama.cpp"],
    "--gpu-layers": ["--engine", "llama.cpp"],
    "--ubatch": ["--engine", "llama.cpp"],
    "--n-batch": ["--engine", "llama.cpp"],
    "--flash-attn": ["--engine", "llama.cpp"],
    "--backend": ["--engine", "ollama"],
    "--host-bandwidth": ["--engine", "llama.cpp", "--gpu-layers", "5"],
    "--speculative": ["--engine", "vllm"],
    "--num-speculative-tokens": ["--engine", "vllm", "--speculative", "ngram"],
    "--engine-version": ["--engine", "llama.cpp"],
    "--max-num-seqs": ["--engine", "vllm"],
    "--max-num-batched-tokens": ["--engine", "vllm"],
    "--block-size": ["--engine", "vllm"],
    "--kv-cache-memory": ["--engine", "vllm"],
    "--gpu-memory-utilization": ["--engine", "vllm"],
    "--mem-fraction-static": ["--engine", "sglang"],
    "--concurrency": ["--engine", "vllm"],
    "--turns": ["--prompt-tokens", "500", "--output-tokens", "400"],
    "--output-tokens": ["--prompt-tokens", "500", "--turns", "5"],
    "--system-tokens": ["--prompt-tokens", "500", "--output-tokens", "400", "--turns", "5"],
}
_HEADS: dict[str, list[str]] = {
    "estimate": ["estimate"],
    "explain": ["explain"],
    "fit": ["fit"],
    "compare": ["compare"],
    "plan": ["plan"],
}
_GPU = {"estimate": [], "explain": [], "fit": ["--gpu", "H100"], "compare": ["--gpus", "H100,RTX-4090"],
        "plan": ["--gpu", "H100"]}  # fmt: skip
_SKIP = {"--output", "--help", "--gpu-file", "--revision", "--gpu", "--gpus"}


def _options(command: Any) -> list[str]:
    return [
        p.opts[0]
        for p in command.params
        if getattr(p, "param_type_name", "") == "option"
        and not getattr(p, "is_flag", False)
        and p.opts[0] not in _SKIP
    ]


def _split_context(option: str) -> tuple[str, list[str]]:
    """(model, the remaining context flags) for an option."""
    context = list(CONTEXT.get(option, []))
    if context and not context[0].startswith("--"):
        return context[0], context[1:]
    return MODEL, context


def option_cases() -> Iterator[list[str]]:
    """Every (command, value option, round-12 value) in the context that reads the option."""
    import typer

    from llmsize.cli import load_commands

    root: Any = typer.main.get_command(load_commands())
    for name, head in _HEADS.items():
        for option in _options(root.commands[name]):
            model, context = _split_context(option)
            if name == "plan":
                context = [c for c in context if c in ("--engine", "vllm", "sglang", "llama.cpp", "ollama")]
            gpu = _GPU[name]
            if "--gpu" not in context and name in ("estimate", "explain") and "--engine" in context:
                gpu = ["--gpu", "H100"]
            for value in VALUES:
                yield [*head, model, *gpu, *context, option, value]
    for value in VALUES:
        yield ["models", "--min-params", value]
        yield ["models", "--max-params", value]
        yield ["models", "--fits", "--gpu", "H100", "--context", value]
        yield ["gpus", "--min-memory", value]
        yield ["compare", MODEL, "--gpus", value]
        yield ["fit", MODEL, "--gpu", "H100", "--num-gpus", value]
        yield ["plan", MODEL, "--gpu", "H100", "--emit", value]


# --- options that contradict each other

MODELS: tuple[str, ...] = (
    "Qwen2.5-0.5B",
    "Qwen3-30B-A3B",
    "DeepSeek-V2-Lite",
    "Qwen3-Next-80B-A3B-Instruct",
    "Qwen2.5-VL-7B-Instruct",
    "gemma-3n-E2B-it",
    "gpt-oss-20b",
    "NVIDIA-Nemotron-Nano-9B-v2",
    "DeepSeek-V3.2",
    "Hunyuan-A13B-Instruct",
    "ERNIE-4.5-21B-A3B-PT",
    "LFM2-1.2B",
)
CHOICES: dict[str, tuple[str, ...]] = {
    "--mode": ("inference", "training", "full", "lora", "qlora"),
    "--engine": ("transformers", "vllm", "llama.cpp", "sglang", "ollama"),
    "--framework": ("plain", "trainer", "trl", "unsloth", "torchtune", "axolotl", "llamafactory"),
    "--objective": ("sft", "dpo", "grpo"),
    "--quant": ("none", "gptq", "awq", "bnb-nf4", "bnb-int8", "fp8", "mxfp4", "Q4_K_M", "Q8_0", "IQ2_XXS"),
    "--dtype": ("fp32", "fp16", "bf16", "fp8", "int8", "int4"),
    "--kv-dtype": ("fp32", "fp16", "bf16", "fp8", "int8", "int4", "q8_0", "q4_0", "nvfp4", "fp4_e2m1"),
    "--loss": ("full", "full-shifted", "chunked", "chunked-recompute", "fused", "inplace"),
    "--zero": ("0", "1", "2", "3"),
    "--zero-impl": ("auto", "fsdp", "deepspeed"),
    "--offload-optimizer": ("none", "cpu", "nvme"),
    "--offload-params": ("none", "cpu", "nvme"),
    "--fp8-training": ("tensorwise", "rowwise", "rowwise-gw-hp"),
    "--attention": ("sdpa", "flash", "eager"),
    "--logits": ("last", "all"),
    "--optimizer": ("adamw", "adamw-8bit", "paged-adamw-8bit", "adamw-4bit", "sgd", "adafactor"),
    "--tp": ("1", "2", "3", "8", "64"),
    "--pp": ("1", "2", "7"),
    "--dp": ("1", "2", "16"),
    "--dp-attention": ("1", "2", "8"),
    "--num-gpus": ("1", "2", "8", "auto", "1000"),
    "--context": ("1", "2", "4k", "128k", "1m", "10m"),
    "--batch": ("0", "1", "7", "4096"),
    "--concurrency": ("1", "1,8,64", "8,8", "1,1024"),
    "--speculative": ("ngram", "eagle", "eagle3", "mtp", "draft:Qwen2.5-0.5B"),
    "--images": ("0", "1", "64"),
    "--audio-seconds": ("0", "1", "3600"),
    "--video-frames": ("0", "1", "512"),
    "--completion-tokens": ("1", "256", "1000000"),
    "--kl-beta": ("0", "0.04", "1e9"),
    "--gpu-layers": ("0", "1", "999"),
    "--n-cpu-moe": ("0", "1", "999"),
    "--lora-rank": ("1", "16", "4096"),
}
FLAGS: tuple[str, ...] = (
    "--precompute-ref-log-probs",
    "--flex-dense-mask",
    "--ep",
    "--dp-lm-head",
    "--padding-free",
    "--liger",
    "--compile",
    "--fp8-all-gather",
    "--optimizer-in-backward",
    "--activation-offloading",
    "--no-master-weights",
    "--no-gradient-checkpointing",
    "--allow-long-context",
    "--no-op-offload",
    "--enforce-eager",
    "--enable-prefix-caching",
    "--disable-radix-cache",
)
_GPUS = ("H100", "RTX-4090", "MI300X", "M2-Ultra", "B200", "T4")


_INFERENCE = (
    "--engine",
    "--quant",
    "--dtype",
    "--kv-dtype",
    "--tp",
    "--pp",
    "--dp",
    "--dp-attention",
    "--num-gpus",
    "--context",
    "--batch",
    "--concurrency",
    "--speculative",
    "--images",
    "--audio-seconds",
    "--video-frames",
    "--gpu-layers",
    "--n-cpu-moe",
    "--logits",
    "--attention",
)
_TRAINING = ("--mode", "--framework", "--objective", "--quant", "--dtype", "--loss", "--zero", "--zero-impl",
             "--offload-optimizer", "--offload-params", "--fp8-training", "--optimizer", "--tp", "--num-gpus",
             "--context", "--batch", "--completion-tokens", "--kl-beta", "--lora-rank", "--images",
             "--attention")  # fmt: skip


def combination_cases(n: int, seed: int) -> Iterator[list[str]]:
    """`n` seeded combinations: an inference or a training family, 2-8 of its choices, 0-3 flags."""
    rng = random.Random(seed)
    for _ in range(n):
        command = rng.choice(("estimate", "fit", "fit", "compare", "explain"))
        argv = [command, rng.choice(MODELS)]
        if command == "fit":
            argv += ["--gpu", rng.choice(_GPUS)]
        elif command == "compare":
            argv += ["--gpus", ",".join(rng.sample(_GPUS, 2))]
        training = rng.random() < 0.5
        family = _TRAINING if training else _INFERENCE
        chosen = rng.sample(family, rng.randint(2, 8))
        if training and "--mode" not in chosen:
            argv += ["--mode", rng.choice(("full", "lora", "qlora"))]
        for option in chosen:
            argv += [option, rng.choice(CHOICES[option])]
        argv += rng.sample(FLAGS, rng.randint(0, 3))
        if rng.random() < 0.4:
            argv += ["--format", "json"]
        yield argv


def plan_cases() -> Iterator[list[str]]:
    """`plan` with every engine x quant x contradicting parallel choice on the newer architectures."""
    for model, engine, extra in itertools.product(
        MODELS,
        ("vllm", "sglang", "llama.cpp", "ollama"),
        (
            ["--ep"],
            ["--dp", "4", "--ep"],
            ["--dp-attention", "2"],
            ["--quant", "mxfp4"],
            ["--quant", "Q2_K", "--kv-dtype", "q4_0"],
            ["--num-gpus", "3"],
            ["--context", "1"],
            ["--batch", "100000"],
        ),
    ):
        yield ["plan", model, "--gpu", "H100", "--engine", engine, *extra]


# --- config.json of the newest architectures, their own fields garbled

GARBAGE: tuple[object, ...] = (
    None, 0, -1, 1.5, math.inf, "x", "", True, [], {}, [None], ["x"], [[]], {"a": {"b": 1}}, 2**64,
    "linear_attention", ["full_attention"] * 3,
)  # fmt: skip


def _catalog_config(name: str) -> dict[str, Any]:
    from llmsize.specs import catalog

    entry = catalog.get(name)
    assert entry is not None, name
    return json.loads(json.dumps(entry.model.config))


def _set(config: dict[str, Any], path: tuple[str, ...], value: object) -> dict[str, Any]:
    out = json.loads(json.dumps(config))
    node = out
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[path[-1]] = value
    return out


def _length_variants(value: object) -> list[object]:
    if not isinstance(value, list) or not value:
        return []
    first = value[0]
    return [value[:-1], [*value, first], value * 2, list(reversed(value)), [first] * len(value),
            [str(v).upper() for v in value], [*value[:-1], "mamba"], [*value[:-1], None]]  # fmt: skip


# (catalog model, path to a field its architecture reads)
FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Qwen3-Next-80B-A3B-Instruct", ("layer_types",)),
    ("Qwen3-Next-80B-A3B-Instruct", ("full_attention_interval",)),
    ("Qwen3-Next-80B-A3B-Instruct", ("linear_num_value_heads",)),
    ("Qwen3-Next-80B-A3B-Instruct", ("linear_key_head_dim",)),
    ("Qwen3-Next-80B-A3B-Instruct", ("linear_conv_kernel_dim",)),
    ("Qwen3-Next-80B-A3B-Instruct", ("partial_rotary_factor",)),
    ("Qwen3-Next-80B-A3B-Instruct", ("decoder_sparse_step",)),
    ("Qwen3-Next-80B-A3B-Instruct", ("mlp_only_layers",)),
    ("Qwen3.5-9B", ("text_config", "layer_types")),
    ("Qwen3.5-9B", ("text_config", "full_attention_interval")),
    ("Qwen3.5-9B", ("vision_config",)),
    ("Qwen3.5-9B", ("vision_config", "depth")),
    ("Qwen3.5-9B", ("vision_config", "hidden_size")),
    ("Qwen3.5-9B", ("vision_config", "patch_size")),
    ("Qwen3.5-9B", ("vision_config", "spatial_merge_size")),
    ("Qwen3.5-35B-A3B", ("text_config", "layer_types")),
    ("Qwen3.5-35B-A3B", ("text_config", "num_experts")),
    ("NVIDIA-Nemotron-Nano-9B-v2", ("hybrid_override_pattern",)),
    ("NVIDIA-Nemotron-Nano-9B-v2", ("mamba_num_heads",)),
    ("NVIDIA-Nemotron-Nano-9B-v2", ("ssm_state_size",)),
    ("NVIDIA-Nemotron-3-Nano-30B-A3B", ("hybrid_override_pattern",)),
    ("NVIDIA-Nemotron-3-Nano-30B-A3B", ("n_routed_experts",)),
    ("DeepSeek-V3.2", ("index_topk",)),
    ("DeepSeek-V3.2", ("index_head_dim",)),
    ("DeepSeek-V3.2", ("index_n_heads",)),
    ("DeepSeek-V3.2", ("kv_lora_rank",)),
    ("DeepSeek-V3.2", ("qk_rope_head_dim",)),
    ("DeepSeek-V3.2", ("quantization_config",)),
    ("DeepSeek-V3.2", ("quantization_config", "weight_block_size")),
    ("DeepSeek-V3.2", ("quantization_config", "quant_method")),
    ("DeepSeek-V3.2", ("rope_scaling",)),
    ("DeepSeek-V3.2", ("rope_scaling", "factor")),
    ("DeepSeek-V3.2", ("rope_scaling", "original_max_position_embeddings")),
    ("DeepSeek-V3.2", ("rope_scaling", "type")),
    ("gpt-oss-20b", ("quantization_config",)),
    ("gpt-oss-20b", ("quantization_config", "modules_to_not_convert")),
    ("gpt-oss-20b", ("quantization_config", "quant_method")),
    ("gpt-oss-20b", ("layer_types",)),
    ("gpt-oss-20b", ("sliding_window",)),
    ("gpt-oss-20b", ("rope_scaling", "factor")),
    ("Qwen2.5-VL-7B-Instruct", ("vision_config",)),
    ("Qwen2.5-VL-7B-Instruct", ("vision_config", "depth")),
    ("Qwen2.5-VL-7B-Instruct", ("vision_config", "window_size")),
    ("Qwen2.5-VL-7B-Instruct", ("vision_config", "fullatt_block_indexes")),
    ("Qwen2.5-VL-7B-Instruct", ("rope_scaling", "mrope_section")),
    ("Qwen2.5-VL-7B-Instruct", ("rope_scaling", "type")),
    ("gemma-3n-E2B-it", ("text_config", "layer_types")),
    ("gemma-3n-E2B-it", ("text_config", "num_kv_shared_layers")),
    ("gemma-3n-E2B-it", ("text_config", "activation_sparsity_pattern")),
    ("gemma-3n-E2B-it", ("text_config", "intermediate_size")),
    ("gemma-3n-E2B-it", ("text_config", "altup_num_inputs")),
    ("gemma-3n-E2B-it", ("text_config", "hidden_size_per_layer_input")),
    ("gemma-3n-E2B-it", ("audio_config",)),
    ("gemma-3n-E2B-it", ("vision_config",)),
    ("Hunyuan-A13B-Instruct", ("num_experts",)),
    ("Hunyuan-A13B-Instruct", ("moe_topk",)),
    ("Hunyuan-A13B-Instruct", ("moe_intermediate_size",)),
    ("Hunyuan-A13B-Instruct", ("num_shared_expert",)),
    ("Hunyuan-A13B-Instruct", ("use_cla",)),
    ("Hunyuan-A13B-Instruct", ("cla_share_factor",)),
    ("ERNIE-4.5-21B-A3B-PT", ("moe_num_experts",)),
    ("ERNIE-4.5-21B-A3B-PT", ("moe_layer_start_index",)),
    ("ERNIE-4.5-21B-A3B-PT", ("moe_layer_end_index",)),
    ("ERNIE-4.5-21B-A3B-PT", ("moe_layer_interval",)),
    ("ERNIE-4.5-21B-A3B-PT", ("moe_num_shared_experts",)),
    ("LFM2-1.2B", ("layer_types",)),
    ("LFM2-1.2B", ("full_attn_idxs",)),
    ("Qwen2.5-0.5B", ("rope_scaling",)),
    ("Qwen2.5-0.5B", ("rope_scaling", "rope_type")),
    ("Qwen2.5-0.5B", ("rope_scaling", "factor")),
    ("Qwen2.5-0.5B", ("quantization_config",)),
    ("Qwen2.5-0.5B", ("quantization_config", "bits")),
    ("Qwen2.5-0.5B", ("quantization_config", "group_size")),
    ("Qwen2.5-0.5B", ("quantization_config", "quant_method")),
    ("Qwen2.5-0.5B", ("torch_dtype",)),
)


def config_cases() -> Iterator[tuple[str, tuple[str, ...], object, dict[str, Any]]]:
    """(model, path, value, mutated config) for every field x garbage and each list's length variants."""
    cache: dict[str, dict[str, Any]] = {}
    for model, path in FIELDS:
        if model not in cache:
            cache[model] = _catalog_config(model)
        base = cache[model]
        node: Any = base
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        for value in (*GARBAGE, *_length_variants(node)):
            yield model, path, value, _set(base, path, value)


def config_commands(folder: Path, engine: str) -> list[list[str]]:
    return [
        ["estimate", str(folder), "--format", "json"],
        ["fit", str(folder), "--gpu", "H100", "--engine", engine],
        ["estimate", str(folder), "--mode", "qlora", "--objective", "grpo"],
    ]


# --- the LLMSIZE_* environment variables

ENV_VALUES: tuple[str, ...] = (
    "", " ", "0", "-1", "nan", "inf", "1e400", "9" * 400, "x", "/", "/dev/null", "/proc/self/mem",
    "/nonexistent/deep/dir", "~", "\x1b[31m", "1,2", "true", "../../..", "$HOME",
)  # fmt: skip
ENV_NAMES: tuple[str, ...] = (
    "LLMSIZE_CACHE_DIR", "LLMSIZE_GPU_DIR", "LLMSIZE_HUB_TIMEOUT", "LLMSIZE_JOBS", "LLMSIZE_DEBUG",
)  # fmt: skip
ENV_ARGV: tuple[tuple[str, ...], ...] = (
    ("estimate", MODEL),
    ("fit", MODEL, "--all"),
    ("gpus",),
    ("compare", MODEL, "--gpus", "H100,L40S"),
)


def env_cases() -> Iterator[tuple[dict[str, str], list[str]]]:
    for name, value, argv in itertools.product(ENV_NAMES, ENV_VALUES, ENV_ARGV):
        yield {name: value}, list(argv)


# --- GGUF files of Hunyuan, ERNIE 4.5, Gemma 3n and gpt-oss, every architecture key garbled


def _write_gpt_oss(path: Path, cfg: dict[str, Any]) -> Path:
    """GptOssModel.set_gguf_parameters' keys (llama.cpp conversion/gpt_oss.py), as the unit test writes."""
    import gguf
    import numpy as np

    w = gguf.GGUFWriter(str(path), "gpt-oss")
    h, heads, head_dim = cfg["hidden_size"], cfg["num_attention_heads"], cfg["head_dim"]
    w.add_block_count(cfg["num_hidden_layers"])
    w.add_context_length(cfg["max_position_embeddings"])
    w.add_embedding_length(h)
    w.add_feed_forward_length(cfg["intermediate_size"])
    w.add_head_count(heads)
    w.add_head_count_kv(cfg["num_key_value_heads"])
    w.add_key_length(head_dim)
    w.add_value_length(head_dim)
    w.add_sliding_window(cfg["sliding_window"])
    w.add_expert_feed_forward_length(cfg["intermediate_size"])
    w.add_expert_count(cfg["num_local_experts"])
    w.add_expert_used_count(cfg["num_experts_per_tok"])
    vocab = cfg["vocab_size"]
    for name, shape in [("token_embd.weight", (vocab, h)), ("output.weight", (vocab, h)),
                        ("blk.0.attn_q.bias", (heads * head_dim,))]:  # fmt: skip
        w.add_tensor_info(name, shape, np.dtype(np.float16), 2 * int(np.prod(shape)))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_ti_data_to_file()
    w.close()
    return path


def _gemma3n_text() -> dict[str, Any]:
    text: dict[str, Any] = _catalog_config("gemma-3n-E2B-it")["text_config"]
    return text


def gguf_bases(root: Path) -> list[tuple[str, Path]]:
    """(llama.cpp architecture, header-only file) for the families round 11 did not write."""
    import hostile_round11 as r11

    unit = str(Path(__file__).resolve().parent / "unit")
    import sys

    if unit not in sys.path:
        sys.path.insert(0, unit)
    import test_gguf_arch_fields as fields

    root.mkdir(parents=True, exist_ok=True)
    dense = {"model_type": "hunyuan_v1_dense", "hidden_size": 4096, "num_hidden_layers": 32,
             "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 128, "intermediate_size": 14336,
             "vocab_size": 128167, "tie_word_embeddings": True, "max_position_embeddings": 32768}  # fmt: skip
    bases = [
        ("hunyuan-moe", fields.write_hunyuan(root / "hm.gguf", _catalog_config("Hunyuan-A13B-Instruct"))),
        ("hunyuan-dense", fields.write_hunyuan(root / "hd.gguf", dense)),
        ("ernie4_5-moe", fields.write_ernie(root / "em.gguf", _catalog_config("ERNIE-4.5-21B-A3B-PT"))),
        ("ernie4_5", fields.write_ernie(root / "ed.gguf", _catalog_config("ERNIE-4.5-0.3B-PT"))),
        ("gemma3n", fields.write_gemma3n(root / "g3n.gguf", _gemma3n_text())),
        ("gpt-oss", _write_gpt_oss(root / "oss.gguf", _catalog_config("gpt-oss-20b"))),
    ]
    return [(arch, r11._with_data_room(path)) for arch, path in bases]


# --- a poisoned LLMSIZE_CACHE_DIR entry (specs/cache.py: one JSON file per repo@revision)

CACHE_REPO = "acme/tiny"
CACHE_ARGV: tuple[tuple[str, ...], ...] = (
    ("estimate", CACHE_REPO, "--format", "json"),
    ("fit", CACHE_REPO, "--gpu", "H100", "--engine", "vllm"),
)


def _valid_entry() -> dict[str, Any]:
    """The entry a Hub lookup of a 0.5B Qwen2 would store (cache.store's payload)."""
    return {
        "cache_version": 1,
        "repo_id": CACHE_REPO,
        "revision": "main",
        "commit": None,
        "config": _catalog_config(MODEL),
        "checkpoint": {
            "format": "safetensors",
            "params_by_dtype": {"BF16": 494032768},
            "total_params": 494032768,
            "total_bytes": 988065536,
            "tensors": [],
        },
        "notes": [],
        "fetched_at": 1.7e9,
    }


CACHE_PATHS: tuple[tuple[str, ...], ...] = (
    ("fetched_at",), ("repo_id",), ("revision",), ("commit",), ("notes",), ("config",),
    ("config", "hidden_size"), ("config", "model_type"), ("checkpoint",), ("checkpoint", "format"),
    ("checkpoint", "total_params"), ("checkpoint", "total_bytes"), ("checkpoint", "params_by_dtype"),
    ("checkpoint", "tensors"),
)  # fmt: skip
CACHE_VALUES: tuple[object, ...] = (
    None, -1, 0, 1e308, "x", "a/b", "ACME/TINY", [], {}, 2**70, True, "a\nb", ["\x1b[31m" * 10] * 1000,
    {"BF16": -5}, {"Q4_K": 10}, [{"name": "t", "dtype": "F16", "shape": [-1], "n_bytes": 2}],
    [{"name": "t", "dtype": "F16", "shape": [2], "n_bytes": -2}],
)  # fmt: skip


def cache_entries(root: Path) -> Iterator[str]:
    """The text of each poisoned entry: every field set to every value, then broken documents."""
    del root
    base = _valid_entry()
    yield json.dumps(base)
    for path in CACHE_PATHS:
        for value in CACHE_VALUES:
            yield json.dumps(_set(base, path, value))
    yield "[" * 100_000  # past the recursion limit: was "internal error: RecursionError"
    yield '{"cache_version": 1, ' + '"a": {' * 50_000
    yield "NaN"
    yield '{"cache_version": 1e400}'
    yield json.dumps({**base, "fetched_at": math.nan})


def write_cache_entry(root: Path, text: str) -> Path:
    path = root / "hub" / "acme--tiny@main.json"  # specs/cache.py _entry_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# --- the time bound: the deepest config llmsize takes (MAX_LAYERS blocks) over thousands of GPUs

DEEP_LAYERS = 4_096  # specs/models.py MAX_LAYERS


def write_deep_config(folder: Path, layers: int = DEEP_LAYERS) -> Path:
    """A tiny Llama of `layers` blocks (0.17 billion parameters at 4,096 blocks)."""
    folder.mkdir(parents=True, exist_ok=True)
    config = {
        "model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": 64,
        "intermediate_size": 128, "num_hidden_layers": layers, "num_attention_heads": 8,
        "num_key_value_heads": 8, "vocab_size": 1000, "max_position_embeddings": 4096,
        "torch_dtype": "bfloat16",
    }  # fmt: skip
    (folder / "config.json").write_text(json.dumps(config))
    return folder


def timed_cases(deep: Path) -> list[list[str]]:
    """Layouts that were slow: every smaller GPU count tried one by one (planner fallback), and every
    pipeline stage scanning all 65,536 blocks per parameter group (estimate/weights.py)."""
    return [
        ["fit", MODEL, "--gpu", "MI300X", "--mode", "lora", "--context", "128k", "--num-gpus", "1000"],
        ["fit", "Llama-3.1-8B", "--gpu", "T4", "--mode", "qlora", "--context", "1m", "--num-gpus", "4096"],
        ["fit", str(deep), "--gpu", "T4", "--num-gpus", "4096"],
        ["fit", str(deep), "--gpu", "T4", "--num-gpus", "64", "--engine", "vllm"],
        ["estimate", str(deep), "--pp", "512", "--tp", "8", "--num-gpus", "4096"],
    ]
