"""The sixteenth hostile round (issue 15): the surface that landed with b9b56f9c and after.

- `--attention-backend` (vLLM / SGLang; the ROCm decode-backend choice on MI300X / MI325X),
  `--cudagraph-mode`, `--decode-context-parallel-size`, `--language-model-only`, `--offload-params` under
  FSDP, each with values people type and values no one should;
- comma-separated model lists (`compare a,b,c`), `fit --all` with its refused rows in every --format;
- `check` over vLLM / SGLang launch lines carrying `--attention-backend`, `-dcp`, `--compilation-config`
  and `--hf-overrides` JSON (malformed, deep, huge numbers, wrong types), SGLang's chunked prefill and
  `--max-prefill-tokens` with huge or zero values;
- training configs with the Liger / cut_cross_entropy / attn_implementation keys set to wrong types;
- GPU names as people write them ("2x RTX 4090", "Mac M4 Max 128GB") and `--engine-version` strings of
  rc / dev / local builds and garbage.
Each must end in a result (exit 0 or 3) or one printable line with exit 2, quickly and in bounded memory.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from hostile import seeded_sample

MODEL = "Qwen2.5-0.5B"
VL_MODEL = "Qwen2.5-VL-3B-Instruct"

BACKENDS = ("ROCM_ATTN", "TRITON_ATTN", "ROCM_AITER_UNIFIED_ATTN", "ROCM_AITER_FA", "FLASH_ATTN",
            "FLASHINFER", "triton", "aiter", "fa3", "flashinfer", "torch_native", "rocm_attn", "Triton_Attn",
            " ROCM_ATTN ", "", "none", "auto", "x" * 5000, "\x1b[31mROCM", "ROCM_ATTN,TRITON_ATTN", "٣",
            "ROCM ATTN", "-1", "{}", "null")  # fmt: skip
CUDAGRAPH_MODES = ("FULL_AND_PIECEWISE", "PIECEWISE", "FULL_DECODE_ONLY", "NONE", "FULL", "full",
                   "piecewise", " NONE ", "", "0", "1", "2", "-1", "FULL AND PIECEWISE", "None", "null",
                   "x" * 3000, "\x00", "FULL_AND_PIECEWISE,NONE")  # fmt: skip
DCP = ("1", "2", "3", "4", "8", "16", "0", "-1", "1e3", "9" * 40, "two", "2.0", "٢", "")
ENGINE_VERSIONS = ("0.19", "0.19.0rc1", "0.19.1.dev12+g1234abc", "0.10.2+rocm700", "0.11.0.post1",
                   "v0.19", "0.19.0-rc1", "local", "main", "nightly", "latest", "", " ", "0", "0.0",
                   "999.999.999", "9" * 400, "0.5.23rc0", "0.5.3.post1+cu128", "1.2.3.4.5.6", "-1", "0x10",
                   "b8571", "b0", "b-1", "b99999999999999999999", "1e9", "nan", "0.19\n0.20", "..", "a.b.c",
                   "0.19.", ".19", "5.23.0.dev0", "4.46.0+local", "𝟎.𝟏𝟗")  # fmt: skip
GPUS = ("MI300X", "MI325X", "2x MI300X", "8x MI325X", "2x RTX 4090", "2 x RTX 4090", "2xRTX-4090",
        "0x RTX 4090", "-2x RTX 4090", "1000000x RTX 4090", "9" * 30 + "x H100", "2x", "x RTX 4090",
        "2x 2x RTX 4090", "Mac M4 Max 128GB", "Mac M4 Max 128 GB", "M4 Max 128GB", "Mac M4 Max",
        "Mac M4 Max 0GB", "Mac M4 Max 9999999GB", "Mac M4 Max -128GB", "Mac M9 Max 128GB",
        "Mac M4 Max 128GB,2x RTX 4090", "rtx 4090 x2", "RTX 4090 ×2", "２x RTX 4090")  # fmt: skip


def option_cases() -> Iterator[list[str]]:
    """The new serving options under every command that takes them, on CDNA3 and NVIDIA cards."""
    for backend, gpu, engine in itertools.product(BACKENDS, ("MI300X", "MI325X", "H100"), ("vllm", "sglang")):
        yield ["fit", MODEL, "--gpu", gpu, "--engine", engine, "--attention-backend", backend]
    for backend in BACKENDS:
        yield ["estimate", MODEL, "--engine", "vllm", "--attention-backend", backend, "--format", "json"]
        yield ["estimate", MODEL, "--engine", "llama.cpp", "--attention-backend", backend]
        yield ["compare", MODEL, "--gpu", "MI300X,MI325X", "--engine", "sglang",
               "--attention-backend", backend]  # fmt: skip
        yield ["fit", "Llama-3.1-8B", "--gpu", "MI300X", "--engine", "vllm", "--attention-backend", backend,
               "--concurrency", "1,16,64", "--engine-version", "0.9.2"]  # fmt: skip
    for mode in CUDAGRAPH_MODES:
        yield ["fit", MODEL, "--gpu", "H100", "--engine", "vllm", "--cudagraph-mode", mode]
        yield ["estimate", MODEL, "--engine", "sglang", "--cudagraph-mode", mode]
        yield ["estimate", MODEL, "--engine", "vllm", "--cudagraph-mode", mode, "--enforce-eager"]
    for dcp, tp in itertools.product(DCP, ("1", "2", "8")):
        yield ["estimate", "Llama-3.1-8B", "--engine", "vllm", "--tp", tp,
               "--decode-context-parallel-size", dcp]  # fmt: skip
    for dcp in DCP[:8]:
        yield ["fit", "DeepSeek-V2-Lite", "--gpu", "H100", "--num-gpus", "auto", "--engine", "vllm",
               "--decode-context-parallel-size", dcp]  # fmt: skip
        yield ["estimate", MODEL, "--engine", "sglang", "--decode-context-parallel-size", dcp]
        yield ["estimate", MODEL, "--mode", "lora", "--decode-context-parallel-size", dcp]
    for model in (VL_MODEL, MODEL, "gemma-3-4b-it", "Llama-3.1-8B"):
        for engine in ("vllm", "sglang", "llama.cpp", "transformers"):
            yield ["estimate", model, "--engine", engine, "--language-model-only", "--format", "json"]
        yield ["fit", model, "--gpu", "L4", "--engine", "vllm", "--language-model-only", "--images", "4"]
        yield ["estimate", model, "--engine", "vllm", "--language-model-only", "--mode", "lora"]
    for extra in (["--framework", "torchtune"], ["--framework", "trainer"], ["--zero", "3"], ["--zero", "2"],
                  ["--zero-impl", "fsdp2"], ["--zero-impl", "fsdp"], ["--offload-optimizer", "cpu"],
                  ["--framework", "unsloth"], ["--num-gpus", "1"], ["--num-gpus", "auto"],
                  ["--mode", "qlora"],
                  ["--mode", "lora"], ["--engine", "vllm"], ["--tp", "2"], ["--pp", "2"]):  # fmt: skip
        for where in ("cpu", "nvme", "none"):
            yield ["estimate", "Llama-3.1-8B", "--mode", "full", "--num-gpus", "8", "--offload-params", where,
                   *extra]  # fmt: skip
        yield ["fit", "Llama-3.1-70B", "--gpu", "H100", "--mode", "full", "--offload-params", "cpu", *extra]
    for where in ("CPU", "", "gpu", "disk", "cpu,nvme", "1"):
        yield ["estimate", "Llama-3.1-8B", "--mode", "full", "--zero", "3", "--offload-params", where]
    for version, engine in itertools.product(ENGINE_VERSIONS, ("vllm", "sglang", "llama.cpp", "ollama",
                                                               "transformers")):  # fmt: skip
        yield ["estimate", MODEL, "--engine", engine, "--engine-version", version]
    for version in ENGINE_VERSIONS[:12]:
        yield ["fit", MODEL, "--gpu", "MI300X", "--engine", "vllm", "--engine-version", version,
               "--attention-backend", "ROCM_ATTN", "--concurrency", "1,8"]  # fmt: skip


MODEL_LISTS = ("Qwen2.5-0.5B,Llama-3.1-8B", "Qwen2.5-0.5B,Llama-3.1-8B,gemma-2-9b", "Qwen2.5-0.5B,",
               ",Qwen2.5-0.5B", ",", ",,,", "Qwen2.5-0.5B,,Llama-3.1-8B", "Qwen2.5-0.5B,Qwen2.5-0.5B",
               " Qwen2.5-0.5B , Llama-3.1-8B ", "Qwen2.5-0.5B,nosuchmodel-xyz", "nosuch1,nosuch2",
               ",".join(["Qwen2.5-0.5B"] * 500), ",".join(f"m{i}" for i in range(500)),
               "Qwen2.5-0.5B,qwen3:0.6b", "Qwen2.5-0.5B,/dev/zero", "Qwen2.5-0.5B,./no/such.gguf",
               "Qwen2.5-0.5B;Llama-3.1-8B", "Qwen/Qwen2.5-0.5B,meta-llama/Llama-3.1-8B",
               "Qwen2.5-0.5B,\x1b[2J", "Qwen2.5-0.5B，Llama-3.1-8B",
               "hf.co/a/b:Q4_K_M,Qwen2.5-0.5B")  # fmt: skip


def list_cases(root: Path) -> Iterator[list[str]]:
    """`compare a,b,c` and `fit --all` with every --format, -o and engine."""
    root.mkdir(parents=True, exist_ok=True)
    for names in MODEL_LISTS:
        yield ["compare", names, "--gpu", "H100"]
        yield ["compare", names, "--gpu", "H100,L4", "--format", "json"]
        yield ["fit", names, "--gpu", "H100"]
        yield ["estimate", names]
    for n, fmt in enumerate(("json", "yaml", "html", "csv", "markdown", "text")):
        for engine in ("vllm", "sglang", "llama.cpp"):
            yield ["fit", "--all", "--gpu", "RTX-4090", "--engine", engine, "--format", fmt]
        yield ["fit", "--all", "--gpu", "T4", "--format", fmt, "-o", str(root / f"all{n}.{fmt}"), "--force"]
        yield ["compare", MODEL_LISTS[1], "--gpu", "MI300X,2x RTX 4090", "--format", fmt, "-o",
               str(root / f"cmp{n}.{fmt}"), "--force"]  # fmt: skip
    for extra in (["--concurrency", "1,64"], ["--context", "1000000"],
                  ["--engine", "sglang", "--mode", "lora"],
                  ["--mode", "full"], ["--num-gpus", "auto"], ["--num-gpus", "8", "--engine", "vllm"],
                  ["--attention-backend", "aiter", "--engine", "sglang"], ["--language-model-only"],
                  ["--engine-version", "0.4.2", "--engine", "vllm"], ["--max-num-batched-tokens", "1"]):
        yield ["fit", "--all", "--gpu", "MI300X", "--format", "json", *extra]
    yield ["fit", "--all", MODEL, "--gpu", "H100"]
    yield ["fit", "--all", "--gpu", "Mac M4 Max 128GB", "--format", "yaml"]
    yield ["fit", "--all", "--gpu", "2x RTX 4090", "--format", "html"]
    written = root / "exists.json"
    written.write_text("{}")
    yield ["fit", "--all", "--gpu", "T4", "--format", "json", "-o", str(written)]  # no --force: refused
    yield ["compare", MODEL_LISTS[0], "--gpu", "T4", "-o", str(written)]
    for path in sorted(root.iterdir()):
        yield ["report", "show", str(path)]


def gpu_cases() -> Iterator[list[str]]:
    for gpu in GPUS:
        yield ["fit", MODEL, "--gpu", gpu]
        yield ["compare", MODEL, "--gpu", gpu, "--engine", "vllm"]
        yield ["fit", "Llama-3.1-70B", "--gpu", gpu, "--engine", "llama.cpp", "--format", "json"]
        yield ["check", "--gpu", gpu, "--", "vllm", "serve", "Qwen/Qwen2.5-0.5B", "-tp", "2"]


COMPILATION = ('{"cudagraph_mode": "NONE"}', '{"cudagraph_mode": "PIECEWISE"}', '{"cudagraph_mode": 0}',
               '{"cudagraph_mode": null}', '{"cudagraph_mode": ["FULL"]}', '{"cudagraph_mode": {"a": 1}}',
               '{"cudagraph_mode": "BOGUS"}', '{"cudagraph_mode": 1e400}', '{"cudagraph_mode": true}',
               "{", "}", "", "null", "[]", "3", '"NONE"', "{'cudagraph_mode': 'NONE'}", "NONE", "0", "1", "3",
               '{"level": 3}', '{"level": 1e400}', '{"cudagraph_capture_sizes": "x"}',
               '{"cudagraph_capture_sizes": [1e400]}', '{"cudagraph_capture_sizes": [-1, 0]}',
               '{"cudagraph_capture_sizes": [' + "9" * 5000 + "]}", '{"max_capture_size": -1}',
               '{"max_cudagraph_capture_size": 1e30}', '{"cudagraph_mode": "NONE", "cudagraph_mode": "FULL"}',
               "[" * 5000 + "]" * 5000, '{"a":' * 3000 + "1" + "}" * 3000, '{"x": "' + "y" * 2_000_000 + '"}',
               '{"cudagraph_mode": "\\u0000"}', '{"cudagraph_mode": NaN}', "-O3", "-O", "O3",
               '{"pass_config": {"enable_fusion": "x"}}',
               '{"cudagraph_mode": "full_and_piecewise"}')  # fmt: skip
HF_OVERRIDES = ('{"num_hidden_layers": 2}', '{"max_position_embeddings": 1e400}', '{"num_hidden_layers": -1}',
                '{"rope_scaling": "x"}', '{"rope_scaling": {"rope_type": "yarn", "factor": 1e308}}',
                '{"text_config": {"num_hidden_layers": 1}}', '{"text_config": 5}', '{"architectures": 5}',
                '{"torch_dtype": []}', '{"max_position_embeddings": "32768"}', '{"vocab_size": 2e9}',
                "{", "null", "[1]", '{"a":' * 3000 + "1" + "}" * 3000, "[" * 100000 + "]" * 100000,
                '{"max_position_embeddings": 99999999999999999999999999999999}', '{"sliding_window": -5}',
                '{"head_dim": 0}', '{"num_key_value_heads": 0}', '{"model_type": "qwen3_next"}')  # fmt: skip
VLLM_LINES: tuple[tuple[str, ...], ...] = (
    ("--attention-backend", "ROCM_ATTN"), ("--attention-backend", ""), ("--attention-backend",),
    ("--attention-backend", "x" * 5000), ("-dcp", "2", "-tp", "2"), ("-dcp", "3", "-tp", "2"),
    ("-dcp", "0"), ("-dcp", "-2"), ("-dcp", "9" * 30), ("-dcp", "2"), ("-dcp",), ("-dcp=2", "-tp=4"),
    ("--decode-context-parallel-size", "1e3", "-tp", "8"), ("--language-model-only",),
    ("--language-model-only", "true"), ("--cudagraph-mode", "NONE"), ("-O3",), ("-O", "3"),
    ("-O.cudagraph_mode=NONE",),
    ("--enforce-eager", "--compilation-config", '{"cudagraph_mode": "FULL"}'),
    ("--max-num-batched-tokens", "0"), ("--max-num-batched-tokens", "1e400"),
    ("--max-num-batched-tokens", str(2**63)), ("--max-num-seqs", "2147483648"),
    ("--gpu-memory-utilization", "1.0", "--attention-backend", "TRITON_ATTN", "-tp", "8"),
)  # fmt: skip
SGLANG_LINES: tuple[tuple[str, ...], ...] = (
    ("--attention-backend", "aiter"), ("--attention-backend", "triton"), ("--attention-backend", "nope"),
    ("--attention-backend", ""), ("--chunked-prefill-size", "0"), ("--chunked-prefill-size", "-1"),
    ("--chunked-prefill-size", "9" * 30), ("--chunked-prefill-size", str(2**62)),
    ("--chunked-prefill-size", "1"), ("--max-prefill-tokens", "0"), ("--max-prefill-tokens", "1"),
    ("--max-prefill-tokens", "9" * 30), ("--max-prefill-tokens", "-5"), ("--max-prefill-tokens", "x"),
    ("--max-prefill-tokens", "16384", "--chunked-prefill-size", "131072"),
    ("--max-running-requests", "0"), ("--max-running-requests", str(2**40)),
    ("--enable-dp-attention", "--dp", "2", "--tp", "2", "--chunked-prefill-size", "1"),
    ("--enable-dp-attention", "--dp", "1000000", "--tp", "2"), ("--dp", "0"),
    ("--cuda-graph-max-bs", "0"), ("--cuda-graph-max-bs", "9" * 20), ("--context-length", "1"),
    ("--json-model-override-args", '{"num_hidden_layers": 1e400}'),
)  # fmt: skip


def check_cases() -> Iterator[list[str]]:
    """`check` over the launch lines that carry the new flags, on the cards they name."""
    for gpu in ("H100", "MI300X", "MI325X"):
        for conf in COMPILATION:
            for flag in ("--compilation-config", "-cc"):
                yield ["check", "--gpu", gpu, "--", "vllm", "serve", "Qwen/Qwen2.5-0.5B", flag, conf]
        yield ["check", "--gpu", gpu, "--", "vllm", "serve", "Qwen/Qwen2.5-0.5B", "--compilation-config"]
        for over in HF_OVERRIDES:
            yield ["check", "--gpu", gpu, "--", "vllm", "serve", "Qwen/Qwen2.5-0.5B", "--hf-overrides", over]
        for flags in VLLM_LINES:
            yield ["check", "--gpu", gpu, "--", "vllm", "serve", "Qwen/Qwen2.5-0.5B", *flags]
            yield ["check", "--gpu", gpu, "--format", "json", "--", "vllm", "serve", "Qwen/Qwen2.5-0.5B",
                   *flags]  # fmt: skip
        for flags in SGLANG_LINES:
            yield ["check", "--gpu", gpu, "--", "python", "-m", "sglang.launch_server", "--model-path",
                   "Qwen/Qwen2.5-0.5B", *flags]  # fmt: skip
    for over in HF_OVERRIDES:
        yield ["estimate", MODEL, "--engine", "vllm", "--hf-overrides", over]


# What generators and hands write in a boolean or a name: wrong types, extremes, escapes.
KERNEL_VALUES: tuple[Any, ...] = (True, False, None, 0, 1, 2, -1, 2**63, 1.5, float("inf"), "true", "yes",
                                  "false", "auto", "", [], [True], {}, {"enabled": True}, "9" * 5000,
                                  "\x1b[2J", "fa3", "flash_attention_3", "kernels-community/flash-attn",
                                  "sdpa", "eager", "FLASH_ATTENTION_2", "x" * 300)  # fmt: skip
KERNEL_KEYS = ("use_liger_kernel", "enable_liger_kernel", "liger_fused_linear_cross_entropy",
               "cut_cross_entropy", "chunked_cross_entropy", "chunked_cross_entropy_num_chunks",
               "liger_rms_norm", "liger_glu_activation", "flash_attention", "sdp_attention",
               "eager_attention",
               "attn_implementation", "flash_attn", "plugins")  # fmt: skip
KERNEL_BASES: dict[str, dict[str, Any]] = {
    "axolotl": {"base_model": "Qwen/Qwen2.5-0.5B", "adapter": "lora", "sequence_len": 512,
                "micro_batch_size": 1},
    "trl": {"model_name_or_path": "Qwen/Qwen2.5-0.5B", "use_peft": True, "max_length": 512,
            "per_device_train_batch_size": 2},
    "llamafactory": {"model_name_or_path": "Qwen/Qwen2.5-0.5B", "stage": "sft", "finetuning_type": "lora",
                     "cutoff_len": 512},
}  # fmt: skip


def _yaml(doc: dict[str, Any]) -> str:
    text = json.dumps(doc, ensure_ascii=False, allow_nan=True)
    return text.replace("Infinity", ".inf").replace("NaN", ".nan")


def training_cases(root: Path) -> Iterator[list[str]]:
    """`check FILE` on each kernel key of each kind set to each hostile value, and combinations."""
    root.mkdir(parents=True, exist_ok=True)
    triples = itertools.product(KERNEL_BASES.values(), KERNEL_KEYS, KERNEL_VALUES)
    for n, (base, key, value) in enumerate(triples):
        path = root / f"k{n}.yaml"
        path.write_text(_yaml({**base, key: value}), encoding="utf-8")
        yield ["check", "--gpu", "H100", str(path)]
    for n, (a, b) in enumerate(itertools.combinations(KERNEL_KEYS[:6], 2)):
        path = root / f"pair{n}.yaml"
        path.write_text(_yaml({**KERNEL_BASES["axolotl"], a: True, b: True,
                               "chunked_cross_entropy_num_chunks": 0}), encoding="utf-8")  # fmt: skip
        yield ["check", "--gpu", "MI300X", "--format", "json", str(path)]
    path = root / "cli.yaml"
    path.write_text(_yaml({**KERNEL_BASES["trl"], "use_liger_kernel": True}), encoding="utf-8")
    for extra in (["--liger"], ["--loss", "chunked"], ["--attention", "eager"], ["--offload-params", "cpu"],
                  ["--format", "yaml"], ["--gpu", "2x RTX 4090"], ["--num-gpus", "0"]):
        yield ["check", "--gpu", "H100", str(path), *extra]


def wave_cases() -> Iterator[list[str]]:
    """SGLang's prefill admission with huge, tiny and zero budgets over waves the pool holds: a wave of
    tens of thousands of one-request batches was priced batch by batch (seconds, growing with --batch)."""
    for batch, chunk in itertools.product(("64", "5000", "50000"), ("1", "0", "16384", str(2**40), "-1")):
        yield ["fit", MODEL, "--gpu", "MI325X", "--engine", "sglang", "--batch", batch, "--context", "64",
               "--prompt-tokens", "32", "--max-num-batched-tokens", chunk, "--mem-fraction-static", "0.5"]
    for levels in ("1,1000,50000", ",".join(str(2**i) for i in range(17))):
        yield ["fit", MODEL, "--gpu", "MI325X", "--engine", "sglang", "--concurrency", levels, "--context",
               "64", "--prompt-tokens", "32", "--max-num-batched-tokens", "1", "--mem-fraction-static",
               "0.5"]  # fmt: skip
    for chunk in ("0", "1", "99999999999999999999", "1e9"):
        yield ["check", "--gpu", "MI325X", "--", "python", "-m", "sglang.launch_server", "--model-path",
               "Qwen/Qwen2.5-0.5B", "--chunked-prefill-size", chunk, "--max-running-requests", "50000",
               "--context-length", "64", "--mem-fraction-static", "0.5"]  # fmt: skip


STEPS = {"waves": lambda root: wave_cases(), "options": lambda root: option_cases(), "lists": list_cases,
         "gpus": lambda root: gpu_cases(), "check": lambda root: check_cases(),
         "training": training_cases}  # fmt: skip


sample = partial(seeded_sample, seed=16)
