"""SGLang: a static share of the card for weights and its pools, the rest for activations and graphs.

Modelled release: SGLang 0.5.23 (the newest on PyPI, December 2026; read from its wheel). The one
entry point: `Sglang` composes the modules that hold its rules, one job each, each citing the
SGLang file and function behind them (sgl-project/sglang, paths inside the wheel):
- sglang_launch.py: launch arguments and the defaults by GPU memory (`memory_hook.py`);
- sglang_checks.py: what a launch is refused or warned about before sizing;
- sglang_layout.py: the KV and state cache per layer kind, the hybrid-SWA pool;
- sglang_figures.py: weights as loaded, the transient peak and overhead, the log figures;
- sglang_pools.py: the static share split into MambaPool, KV and sliding pools;
- sglang_refusals.py and sglang_budget.py: SGLang's refusals at start and the budget of one GPU;
- sglang_speed.py: the speed profiles and the speed model's hooks.
The pure rules they apply are sglang_rules.py's and the sglang_*.py feature modules'.
- DP attention (--dp-attention, SGLang's --enable-dp-attention --dp-size): sglang_dp_attention.py.
Not modelled: page-size rounding (page 1 on Hopper), FP4 KV's dequant workspace (0.5.23
spells fp4_e2m1 `fp4_mx_block16`), the draft worker's CUDA graphs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from llmsize.estimate.engines.sglang_budget import SglangBudget
from llmsize.estimate.engines.sglang_checks import SglangChecks
from llmsize.estimate.engines.sglang_figures import SglangFigures
from llmsize.estimate.engines.sglang_launch import (
    CUDA_CONTEXT_BYTES,
    MAX_PREFILL_TOKENS,
    SGLANG_VERSION_MODELLED,
)
from llmsize.estimate.engines.sglang_refusals import STOPPED_NOTE
from llmsize.estimate.engines.sglang_speed import LEGACY_SPEED, SPEED, SPEED_V04, SglangSpeedHooks
from llmsize.estimate.engines.speed_profile import EngineSpeedProfile
from llmsize.estimate.workload import Engine

__all__ = [
    "CUDA_CONTEXT_BYTES",
    "LEGACY_SPEED",
    "MAX_PREFILL_TOKENS",
    "SGLANG_VERSION_MODELLED",
    "SPEED",
    "SPEED_V04",
    "STOPPED_NOTE",
    "Sglang",
]


class Sglang(SglangSpeedHooks, SglangBudget, SglangFigures, SglangChecks):
    """SGLang's runtime (`python -m sglang.launch_server`)."""

    engine: ClassVar[Engine] = Engine.SGLANG
    # --max-running-requests and --chunked-prefill-size arrive as max_num_seqs and
    # max_num_batched_tokens (the same quantities, vLLM's names).
    reads_options: ClassVar[frozenset[str]] = frozenset(
        {
            "max_num_seqs",
            "max_num_batched_tokens",
            "mem_fraction_static",
            "max_mamba_cache_size",
            "mamba_ssm_dtype",
            "mamba_full_memory_ratio",
            "disable_radix_cache",
            "dp_attention",
            "dp_lm_head",
            "expert_parallel",  # --ep-size = --tp: hardware/expert_parallel.py (speed only)
            "moe_a2a_backend",  # sglang_moe_a2a.py
            "cuda_graph_max_bs",
            "scheduler_recv_interval",  # serving speed: sglang_arrivals.py
            "attention_backend",  # the decode kernel on ROCm (rocm_decode_backend.py)
            "speculative",
            "engine_version",
            "allow_long_context",
        }
    )
    # --speculative-algorithm NEXTN (mtp), EAGLE, EAGLE3, STANDALONE (draft:<model>) (0.5.23
    # srt/speculative/spec_info.py SpeculativeAlgorithm).
    speculative_methods: ClassVar[frozenset[str]] = frozenset({"mtp", "eagle", "eagle3", "draft"})
    draft_own_embed: ClassVar[bool] = True  # the NEXTN draft's own embedding + lm_head at load
    # REFERENCE: SGLang had no Apple silicon support until its 2026 MLX backend roadmap
    # (sgl-project/sglang#19137; docs.sglang.io hardware-platforms/apple_metal: built from source,
    # python[all_mps]); its memory pools there are not the CUDA ones modelled here.
    backend_notes: ClassVar[Mapping[str, str]] = {
        "apple": "SGLang on Apple silicon is its experimental MLX backend (built from source): the CUDA "
        "memory pools and speed profile modelled here are an approximation there; llama.cpp or Ollama "
        "(--engine) are modelled on Macs",
    }
    version: ClassVar[str] = SGLANG_VERSION_MODELLED
    speed: ClassVar[EngineSpeedProfile] = SPEED
    label: ClassVar[str] = "SGLang"
    # DeepSeek V4 (DeepseekV4ForCausalLM): its own pools (DSV4PoolConfigurator), sglang_dsv4.py.
    # --kv-cache-dtype auto|fp8_e4m3|fp8_e5m2|nvfp4|fp4_mx_block16 (arg_groups/fields/model.py; 0.5.x
    # before it spelled the block-16 FP4 recipe fp4_e2m1): both FP4 recipes keep E2M1 pairs and one
    # scale byte per 16 values (layers/quantization/fp4_kv_cache_quant_method.py compute_cell_size).
    kv_dtypes: ClassVar[frozenset[str]] = frozenset({"fp32", "fp16", "bf16", "fp8", "fp4_e2m1", "nvfp4"})
    hf_phase_walk: ClassVar[bool] = False
    unsupported_formats: ClassVar[frozenset[str]] = frozenset({"exl2", "mlx"})
