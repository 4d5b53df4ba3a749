"""Each serving tool's own flags (names, aliases, defaults) mapped onto llmsize's workload terms.

Versions and sources read for the names and defaults:
- vLLM 0.19 (V1 engine): `vllm/engine/arg_utils.py` `EngineArgs.add_cli_args` for names and
  aliases (-tp, -pp, -dp, -q), `EngineArgs.get_batch_defaults` for max_num_seqs /
  max_num_batched_tokens (1024 / 8192 for the API server on a card with >= 70 GiB that is not an
  A100, else 256 / 2048), `CacheConfig` block_size 16, gpu_memory_utilization 0.9;
  `--max-model-len` defaults to the model's max_position_embeddings and reads `32k` (k = 1000,
  K = 1024: `human_readable_int`).
- llama.cpp (server/cli, late 2026): `common/arg.cpp` for names, `common/common.h`
  `common_params`: n_ctx 0 (= the model's trained context), n_batch 2048, n_ubatch 512,
  n_parallel 1, n_gpu_layers -1 (auto: `fit_params` fits unset options to free memory with a
  1 GiB margin per device), cache types f16, flash attention auto.
- SGLang 0.5.23: `sglang/srt/arg_groups/fields/*.py` (mem_fraction_static, context_length, tp_size,
  chunked_prefill_size, max_running_requests, kv_cache_dtype, max_mamba_cache_size, mamba_ssm_dtype,
  mamba_full_memory_ratio, disable_radix_cache, cuda_graph_max_bs; the same spellings as 0.4.6's
  `server_args.py` ServerArgs for the flags both releases have).
- Ollama 0.33: `envconfig/config.go` (OLLAMA_NUM_PARALLEL 1, OLLAMA_FLASH_ATTENTION,
  OLLAMA_KV_CACHE_TYPE f16, OLLAMA_CONTEXT_LENGTH 0 = by VRAM) and `server/routes.go` (default
  context by total VRAM: >= 47 GiB 262144, >= 23 GiB 32768, else 4096).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from llmsize.preflight import llama_cpp_split, values, vllm_auto_context
from llmsize.preflight.config_overrides import config_json, json_object, rope_scaling_json

VLLM_VERSION = "vLLM 0.19 (V1 engine)"
LLAMA_CPP_VERSION = "llama.cpp server, late 2026 (common/common.h common_params)"
SGLANG_VERSION = "SGLang 0.5.23 (srt/arg_groups/fields)"
OLLAMA_VERSION = "Ollama 0.33 (envconfig/config.go, server/routes.go)"

Parser = Callable[[Any, str], Any]


@dataclass(frozen=True)
class Flag:
    """One option of a tool: its spellings, the llmsize key it sets, and how to read its value."""

    names: tuple[str, ...]
    key: str | None  # None: a known flag that llmsize does not model (reported as ignored)
    parse: Parser | None = None  # None: a switch that takes no value
    value_when_set: Any = True  # for switches
    many: bool = False  # argparse nargs="+": every following word up to the next option is a value


def _kv_dtype(text: Any, flag: str) -> str:
    return str(text).strip().lower()


def _text(text: Any, flag: str) -> str:
    return str(text)


def _loaded(text: Any, flag: str) -> bool:
    """A file or URL given: the tool loads it."""
    return True


# Speculative methods as each tool names them -> llmsize's --speculative (estimate/speculative.py).
# REFERENCE: vllm/config/speculative.py SpeculativeMethod (0.19: "mtp", per-model "*_mtp", eagle, eagle3,
# draft_model); sglang srt/speculative/spec_info.py SpeculativeAlgorithm (NEXTN, EAGLE, EAGLE3, STANDALONE).
_SPEC_METHODS = {
    "eagle": "eagle", "eagle3": "eagle3", "nextn": "mtp", "standalone": "draft", "draft_model": "draft"
}


def spec_method(text: Any, flag: str) -> str:
    """A tool's speculative method name as llmsize's (a method ending in _mtp is the model's MTP)."""
    word = str(text).strip().strip("'\"").lower()
    if word == "mtp" or word.endswith("_mtp"):
        return "mtp"
    if word not in _SPEC_METHODS:
        from llmsize.errors import BadInputError

        raise BadInputError(f"{flag} {text!r} is not a speculative method llmsize models")
    return _SPEC_METHODS[word]


def _spec_config(text: Any, flag: str) -> dict[str, Any]:
    """vLLM --speculative-config JSON: {"method", "model", "num_speculative_tokens"}."""
    return json_object(text, flag, 'e.g. \'{"method": "mtp"}\'')


def _cudagraph_mode(text: Any, flag: str) -> str | None:
    """vLLM --compilation-config JSON: its cudagraph_mode, when it sets one (vllm_cudagraph_mode.py)."""
    mode = json_object(text, flag, 'e.g. \'{"cudagraph_mode": "PIECEWISE"}\'').get("cudagraph_mode")
    return None if mode is None else str(mode)


def _gpu_layers(text: Any, flag: str) -> str | int:
    """llama.cpp -ngl: a layer count, or auto / all (common/arg.cpp); a negative count is auto (-1)."""
    word = str(text).strip().lower()
    if word in ("auto", "all"):
        return word
    count = values.integer(text, flag)
    return "auto" if count < 0 else count


def _slots(text: Any, flag: str) -> str | int:
    """llama-server -np: the server slots. A negative count is auto, the server's default (common/arg.cpp
    `-np`: "-1 = auto"; tools/server/server.cpp: auto runs 4 slots over one unified cache of n_ctx cells,
    what an unset -np is sized as here); 0 is refused at start ("error: invalid value for n_parallel"),
    which `check` sized as one slot (issue 15, round 22)."""
    count = values.integer(text, flag)
    if count == 0:
        from llmsize.errors import BadInputError

        raise BadInputError(
            f"{flag} 0: llama-server refuses it (common/arg.cpp: invalid value for n_parallel)",
            hint=f"give {flag} 1 or more, or -1 (auto, the default)",
        )
    return "auto" if count < 0 else count


def _largest_batch(words: Any, flag: str) -> int:
    """SGLang --cuda-graph-bs 1 2 4 ... 32: the batch sizes captured; the largest is the graph pool's size
    (server_args.py: cuda_graph_max_bs = max(cuda_graph_bs) when the list is given)."""
    items = words if isinstance(words, list) else str(words).replace(",", " ").split()
    if not items:
        from llmsize.errors import BadInputError

        raise BadInputError(f"{flag} needs one or more batch sizes")
    return max(values.integer(w, flag) for w in items)


def _flash(text: Any, flag: str) -> str:
    word = str(text).strip().lower()
    return {"1": "on", "true": "on", "0": "off", "false": "off"}.get(word, word)


VLLM_FLAGS: tuple[Flag, ...] = (
    Flag(("--model",), "model", _text),
    Flag(("--max-model-len",), "context", vllm_auto_context.max_model_len),  # auto / -1: fit to memory
    Flag(("--hf-overrides",), "hf_overrides", config_json),
    Flag(("--rope-scaling",), "hf_overrides", rope_scaling_json),
    Flag(("--gpu-memory-utilization",), "gpu_memory_utilization", values.fraction),
    Flag(("--tensor-parallel-size", "-tp"), "tp", values.integer),
    Flag(("--pipeline-parallel-size", "-pp"), "pp", values.integer),
    Flag(("--data-parallel-size", "-dp"), "dp", values.integer),
    Flag(("--decode-context-parallel-size", "-dcp"), "decode_context_parallel", values.integer),
    Flag(("--max-num-seqs",), "max_num_seqs", values.integer),
    Flag(("--max-num-batched-tokens",), "max_num_batched_tokens", values.tokens),
    Flag(("--block-size",), "block_size", values.integer),
    Flag(("--kv-cache-dtype",), "kv_cache_dtype", _kv_dtype),
    Flag(("--dtype",), "dtype", _text),
    Flag(("--quantization", "-q"), "quant", _text),
    Flag(("--enforce-eager",), "enforce_eager"),
    Flag(("--kv-cache-memory", "--kv-cache-memory-bytes"), "kv_cache_memory", values.size_bytes),
    Flag(("--attention-backend",), "attention_backend", _text),  # rocm_decode_backend.py
    Flag(("--cpu-offload-gb",), "cpu_offload_gb", values.nonnegative),
    Flag(("--revision",), "revision", _text),
    Flag(("--trust-remote-code",), None),
    Flag(("--served-model-name",), None, _text, many=True),  # nargs="+" (engine/arg_utils.py)
    Flag(("--host",), None, _text),
    Flag(("--port",), None, _text),
    Flag(("--swap-space",), None, _text),
    Flag(("--enable-prefix-caching",), "enable_prefix_caching"),
    Flag(("--no-enable-prefix-caching",), None),
    Flag(("--enable-chunked-prefill", "--no-enable-chunked-prefill"), None),
    Flag(("--tokenizer",), None, _text),
    Flag(("--download-dir",), None, _text),
    Flag(("--load-format",), None, _text),
    Flag(("--api-key",), None, _text),
    Flag(("--chat-template",), None, _text),
    Flag(("--generation-config",), None, _text),
    Flag(("--enable-auto-tool-choice",), None),
    Flag(("--tool-call-parser",), None, _text),
    Flag(("--reasoning-parser",), None, _text),
    Flag(("--enable-expert-parallel", "-ep"), "enable_expert_parallel"),
    Flag(("--all2all-backend",), "moe_a2a_backend", _text),  # vllm/config/parallel.py All2AllBackend
    Flag(("--limit-mm-per-prompt",), None, _text),
    Flag(("--mm-encoder-tp-mode",), "mm_encoder_tp_mode", _text),
    Flag(("--language-model-only",), "language_model_only"),
    Flag(("--compilation-config", "-cc"), "cudagraph_mode", _cudagraph_mode),
    Flag(("--speculative-config",), "speculative_config", _spec_config),
    Flag(("--seed",), None, _text),
    Flag(("--uvicorn-log-level",), None, _text),
    Flag(("--disable-log-requests", "--disable-log-stats"), None),
    # in the 2026 recipes (recipes.vllm.ai, docs.vllm.ai): read, not modelled. --max-cudagraph-capture-size
    # and -O0..-O3 (vllm/config/compilation.py) move the CUDA-graph pool, --enable-eplb adds redundant
    # experts (vllm/config/parallel.py EPLBConfig); the others hold no GPU memory.
    Flag(("--max-cudagraph-capture-size",), None, _text),
    Flag(("-O0", "-O1", "-O2", "-O3"), None),
    Flag(("--enable-eplb",), None),
    Flag(("--async-scheduling", "--no-async-scheduling"), None),
    Flag(("--mm-processor-cache-gb",), None, _text),
    Flag(("--tokenizer-mode",), None, _text),
    Flag(("--stream-interval",), None, _text),
)

LLAMA_CPP_FLAGS: tuple[Flag, ...] = (
    Flag(("-m", "--model"), "model", _text),
    Flag(("-hf", "-hfr", "--hf-repo"), "hf_repo", _text),
    Flag(("-hff", "--hf-file"), "hf_file", _text),
    Flag(("-c", "--ctx-size"), "n_ctx", values.tokens),
    Flag(("-ngl", "--gpu-layers", "--n-gpu-layers"), "gpu_layers", _gpu_layers),
    Flag(("-np", "--parallel"), "parallel", _slots),
    Flag(("-fa", "--flash-attn"), "flash_attn", _flash),
    Flag(("-ctk", "--cache-type-k"), "cache_type_k", _kv_dtype),
    Flag(("-ctv", "--cache-type-v"), "cache_type_v", _kv_dtype),
    Flag(("-ub", "--ubatch-size"), "ubatch", values.integer),
    Flag(("-b", "--batch-size"), "n_batch", values.integer),
    Flag(("-ncmoe", "--n-cpu-moe"), "n_cpu_moe", values.integer),
    Flag(("-cmoe", "--cpu-moe"), "cpu_moe"),
    Flag(("-ot", "--override-tensor"), "override_tensor", _text),
    Flag(("-kvu", "--kv-unified"), "kv_unified"),
    Flag(("--swa-full",), "swa_full"),
    Flag(("-md", "--model-draft", "--spec-draft-model"), "draft_model", _text),
    Flag(("--spec-type",), "spec_type", _text),
    Flag(("--draft-max", "--draft", "--draft-n", "--spec-draft-n-max"), "num_speculative_tokens",
         values.integer),
    Flag(("-nkvo", "--no-kv-offload"), "no_kv_offload"),
    Flag(("--no-op-offload",), "op_offload", None, False),
    Flag(("--op-offload",), "op_offload"),
    Flag(("-fit", "--fit"), "fit", _text),
    # common/arg.cpp: -mm/--mmproj FILE, -mmu/--mmproj-url URL load the vision/audio tower (tools/mtmd),
    # --no-mmproj refuses it; --no-mmproj-offload keeps it in host RAM (not modelled: read, ignored).
    Flag(("-mm", "--mmproj", "-mmu", "--mmproj-url"), "mmproj", _loaded),
    Flag(("--no-mmproj", "--no-mmproj-auto"), "mmproj", None, False),
    Flag(("--no-mmproj-offload", "--mmproj-offload"), None),
    # the GPUs one model copy spans (preflight/llama_cpp_split.py)
    Flag(("-ts", "--tensor-split"), "tensor_split", llama_cpp_split.tensor_split),
    Flag(("-sm", "--split-mode"), "split_mode", llama_cpp_split.split_mode),
    Flag(("-mg", "--main-gpu"), None, _text),
    Flag(("-t", "--threads"), None, _text),
    Flag(("-tb", "--threads-batch"), None, _text),
    Flag(("--host",), None, _text),
    Flag(("--port",), None, _text),
    Flag(("--jinja",), None),
    Flag(("--mlock",), None),
    Flag(("--no-mmap",), None),
    Flag(("-n", "--n-predict", "--predict"), None, _text),
    Flag(("-p", "--prompt"), None, _text),
    Flag(("--temp",), None, _text),
    Flag(("--top-k",), None, _text),
    Flag(("--top-p",), None, _text),
    Flag(("--min-p",), None, _text),
    Flag(("--alias", "-a"), None, _text),
    Flag(("--api-key",), None, _text),
    Flag(("--chat-template",), None, _text),
    Flag(("--reasoning-format",), None, _text),
    Flag(("-cnv", "--conversation", "-no-cnv", "--no-conversation"), None),
    Flag(("--no-webui",), None),
    Flag(("--metrics",), None),
    Flag(("-cb", "--cont-batching", "-nocb", "--no-cont-batching"), None),
    Flag(("--seed", "-s"), None, _text),
    Flag(("-v", "--verbose"), None),
)

SGLANG_FLAGS: tuple[Flag, ...] = (
    Flag(("--model-path", "--model"), "model", _text),
    Flag(("--context-length",), "context", values.tokens),
    Flag(("--json-model-override-args",), "hf_overrides", config_json),
    Flag(("--mem-fraction-static",), "mem_fraction_static", values.fraction),
    Flag(("--tp-size", "--tp", "--tensor-parallel-size"), "tp", values.integer),
    Flag(("--pp-size", "--pipeline-parallel-size"), "pp", values.integer),
    Flag(("--dp-size", "--dp", "--data-parallel-size"), "dp", values.integer),
    Flag(("--max-running-requests",), "max_running_requests", values.integer),
    Flag(("--max-total-tokens",), "max_total_tokens", values.tokens),
    Flag(("--chunked-prefill-size",), "chunked_prefill_size", values.integer),
    Flag(("--kv-cache-dtype",), "kv_cache_dtype", _kv_dtype),
    Flag(("--dtype",), "dtype", _text),
    Flag(("--quantization",), "quant", _text),
    Flag(("--cuda-graph-max-bs",), "cuda_graph_max_bs", values.integer),
    Flag(("--max-mamba-cache-size",), "max_mamba_cache_size", values.integer),
    Flag(("--mamba-ssm-dtype",), "mamba_ssm_dtype", _kv_dtype),
    Flag(("--mamba-full-memory-ratio",), "mamba_full_memory_ratio", values.fraction),
    Flag(("--disable-radix-cache",), "disable_radix_cache"),
    Flag(("--disable-cuda-graph",), "enforce_eager"),
    # SGLang's estimate has no page size to set (vLLM's --block-size is the Workload's block_size): read
    # as that, every command with --page-size was refused with "--block-size applies to vLLM, not SGLang"
    # (issue 15, round 14); it is reported as not modelled instead
    Flag(("--page-size",), None, values.integer),
    Flag(("--speculative-algorithm", "--speculative-algo"), "spec_algorithm", spec_method),
    Flag(("--speculative-draft-model-path", "--speculative-draft"), "draft_model", _text),
    Flag(("--speculative-num-steps",), "num_speculative_tokens", values.integer),
    Flag(("--speculative-eagle-topk",), None, _text),
    Flag(("--speculative-num-draft-tokens",), None, _text),
    Flag(("--revision",), "revision", _text),
    Flag(("--trust-remote-code",), None),
    Flag(("--host",), None, _text),
    Flag(("--port",), None, _text),
    Flag(("--attention-backend",), "attention_backend", _text),  # rocm_decode_backend.py
    Flag(("--served-model-name",), None, _text),
    Flag(("--enable-dp-attention",), "enable_dp_attention"),
    Flag(("--enable-dp-lm-head",), "dp_lm_head"),
    Flag(("--ep-size", "--ep", "--expert-parallel-size"), "ep_size", values.integer),
    Flag(("--moe-a2a-backend",), "moe_a2a_backend", _text),  # server_args.py MOE_A2A_BACKEND_CHOICES
    # serving speed: the poll interval for new requests (estimate/engines/sglang_arrivals.py)
    Flag(("--scheduler-recv-interval",), "scheduler_recv_interval", values.integer),
    Flag(("--reasoning-parser",), None, _text),
    Flag(("--tool-call-parser",), None, _text),
    Flag(("--log-level",), None, _text),
    # nargs="+" in sglang server_args.py; its largest size is the graph pool's batch (_largest_batch)
    Flag(("--cuda-graph-bs",), "cuda_graph_max_bs", _largest_batch, many=True),
    # in the 2026 cookbook commands (docs.sglang.io/cookbook): read, not modelled. Redundant experts
    # (--ep-num-redundant-experts) hold GPU memory (so do DeepEP's buffers: --moe-a2a-backend above
    # is read for speed, estimate/engines/sglang_moe_a2a.py, not for memory).
    Flag(("--ep-num-redundant-experts",), None, _text),
    Flag(("--moe-runner-backend",), None, _text),
    Flag(("--enable-eplb",), None),
    Flag(("--enable-torch-compile",), None),
    Flag(("--enable-symm-mem",), None),
)


def flag_table(tool: str) -> dict[str, Flag]:
    """Every spelling of every flag of `tool`, for lookup."""
    table = {"vllm": VLLM_FLAGS, "llama.cpp": LLAMA_CPP_FLAGS, "sglang": SGLANG_FLAGS}[tool]
    return {name: flag for flag in table for name in flag.names}
