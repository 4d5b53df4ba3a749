"""SGLang's launch arguments as llmsize reads them, and the defaults SGLang derives from the card.

Split out of sglang.py (the engine class composes it) so the argument rules sit in one place: the
chunk, graph batch and running-request caps, mem_fraction_static and the reserve behind it, the
memory a rank holds before the load.
Modelled release: SGLang 0.5.23 (sglang_rules.SGLANG_VERSION_MODELLED); paths are inside its wheel
(sgl-project/sglang).
- defaults by GPU memory, `srt/arg_groups/memory_hook.py` `handle_gpu_memory_settings`:
  chunked_prefill_size, the decode CUDA-graph max batch and mem_fraction_static from a reserve for
  activations and graphs (sglang_rules.py). 0.4.6's fixed fractions (0.88 at TP 1 ... 0.79 at TP 16)
  and 8192-token chunks are gone; a given --mem-fraction-static is used as is.
- vision-language models (`arg_groups/memory_hook.py` `adjust_mem_fraction_for_vlm`): the default
  mem_fraction_static is scaled by the ViT's size; 100 MiB of the KV budget go to the multimodal
  embedding cache (`kv_cache_configurator.py` mm_runtime_reservation_gb).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llmsize.estimate.engines import (
    rocm_decode_backend,
    sglang_fp8,
    sglang_prefill_admission,
    sglang_prefill_graphs,
    sglang_startup,
    sglang_swa,
)
from llmsize.estimate.engines import sglang_rules as rules
from llmsize.estimate.engines.base import BaseEngine, serving_dtype
from llmsize.estimate.engines.nccl import link_class
from llmsize.estimate.workload import Workload
from llmsize.units import MIB

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec, WeightFormat

SGLANG_VERSION_MODELLED = rules.SGLANG_VERSION_MODELLED
CUDA_CONTEXT_BYTES = 400 * MIB  # REFERENCE: pytorch/pytorch#109888 (~400 MB with lazy loading)
MAX_PREFILL_TOKENS = sglang_prefill_admission.MAX_PREFILL_TOKENS  # server_args.py default


class SglangLaunch(BaseEngine):
    """SGLang's launch arguments as llmsize reads them, and the defaults SGLang derives from the card."""

    def configured_chunk(self) -> int:
        """chunked_prefill_size as given or defaulted by GPU memory (llmsize's --max-num-batched-tokens for
        SGLang); without a GPU, the value SGLang takes when it cannot read the card's memory."""
        return self.wl.max_num_batched_tokens or rules.UNKNOWN_GPU_CHUNK

    def chunked_prefill(self) -> int:
        """The chunk a rank prefills: with DP attention SGLang divides chunked_prefill_size by dp_size
        after its memory defaults (sglang_dp_attention.py)."""
        return max(1, self.configured_chunk() // self.wl.dp_attention)

    def release(self) -> tuple[int, int, int] | None:
        """The SGLang release asked for (--engine-version); None: the release modelled."""
        return sglang_startup.release(self.wl.engine_version)

    def pre_load_bytes(self) -> int:
        """What a rank holds when SGLang reads pre_model_load_memory: the CUDA context and, on more than
        one rank, the tensor-parallel NCCL communicator (sglang_startup.py)."""
        world = self.wl.tp * self.wl.pp
        nccl = sglang_startup.dist_init_bytes(world, self.release(), self.wl.gpu_link)
        return CUDA_CONTEXT_BYTES + nccl

    def running_cap(self) -> int | None:
        """--max-running-requests (llmsize's --max-num-seqs); with speculative decoding SGLang resets an
        unset one to 48 (arg_groups/speculative_hook.py `_handle_eagle_family`: "Max running requests is
        reset to 48 for speculative decoding")."""
        if self.wl.max_num_seqs is None and self.wl.speculative is not None:
            return rules.SPEC_MAX_RUNNING_REQUESTS
        return self.wl.max_num_seqs

    def draft_tokens(self, spec: ModelSpec) -> int:
        """speculative_num_draft_tokens: steps + 1 on a top-1 chain; unset, `_auto_choose_speculative_params`
        picks (steps 3, topk 1, 4 tokens), (5, 4, 8) for Llama."""
        if self.wl.num_speculative_tokens is not None:
            return self.wl.num_speculative_tokens + 1
        llama = spec.architecture == "LlamaForCausalLM"
        return rules.LLAMA_DRAFT_TOKENS if llama else rules.AUTO_DRAFT_TOKENS

    def graph_max_bs(self) -> int:
        """The largest decode batch captured in a CUDA graph (capped by a given --max-running-requests;
        the speculative reset to 48 comes later: arg_groups/pipeline.py runs handle_gpu_memory_settings
        before handle_speculative_decoding, so the default share keeps the uncapped graph reserve)."""
        bs = self.wl.cuda_graph_max_bs or rules.UNKNOWN_GPU_MAX_BS
        return min(bs, self.wl.max_num_seqs) if self.wl.max_num_seqs else bs

    def gpu_defaults(
        self, wl: Workload, total_bytes: int, gpu_name: str, architecture: str = "", segment: str = "",
        compute_units: int | None = None, interconnect: str = "", vendor: str = "",
    ) -> Workload:
        del gpu_name, compute_units, vendor
        chunk, max_bs = rules.gpu_tier(total_bytes / MIB, wl.tp)
        update: dict[str, Any] = {}
        if wl.gpu_link is None:
            update["gpu_link"] = link_class(interconnect)  # NCCL's buffers (sglang_startup.py, nccl.py)
        if wl.gpu_architecture is None and architecture:
            update["gpu_architecture"] = architecture  # FP8 weights through Marlin on Ampere (sglang_fp8.py)
        if wl.gpu_segment is None and segment:
            update["gpu_segment"] = segment  # SM100 vs SM120 for gpt-oss (sglang_swa.sm100)
        if wl.max_num_batched_tokens is None:
            update["max_num_batched_tokens"] = chunk
        if wl.cuda_graph_max_bs is None:
            update["cuda_graph_max_bs"] = max_bs
        return wl.model_copy(update=update) if update else wl

    def gpu_facts_read(self) -> tuple[bool, ...]:
        """What SGLang's estimate reads of the card's architecture and segment (BaseEngine.gpu_facts_read),
        every reader of `gpu_architecture` / `gpu_segment` under estimate/ that an SGLang estimate reaches
        (tests/unit/test_gpu_facts_read.py lists them): whether the card is SM100 (sglang_swa.sm100: the
        gpt-oss pool and page, sglang_mxfp4's trtllm-gen experts), Ampere (sglang_fp8.uses_marlin) or
        CDNA3 (rocm_decode_backend.sglang_decode, the speed profile), and whether each field was set."""
        arch, segment = self.wl.gpu_architecture, self.wl.gpu_segment
        ampere = arch in sglang_fp8.MARLIN_ARCHITECTURES
        cdna3 = arch in rocm_decode_backend.TRITON_RATE_ARCHITECTURES
        hip = sglang_prefill_graphs.amd(arch)  # prefill_launch: no piecewise graphs under ROCm
        return (arch is None, segment is None, sglang_swa.sm100(arch, segment), ampere, cdna3, hip)

    def mem_fraction(
        self, total_bytes: int | None = None, reserved_bytes: int | None = None, factor: float = 1.0
    ) -> float:
        """--mem-fraction-static, else SGLang's default for this card (memory_hook.py), times the VLM
        factor (`adjust_mem_fraction_for_vlm`) for a vision-language model; before 0.5 the factor
        scales a given share too (sglang_startup.legacy_vlm_share)."""
        if self.wl.mem_fraction_static is not None:
            legacy = sglang_startup.legacy_vlm_share(self.release())
            return self.wl.mem_fraction_static * (factor if legacy else 1.0)
        if total_bytes is None or reserved_bytes is None:
            raise ValueError("the default mem_fraction_static depends on the GPU")
        return rules.mem_fraction_default(total_bytes / MIB, reserved_bytes / MIB) * factor

    def _vlm(self, spec: ModelSpec) -> tuple[float, int]:
        """(default-fraction factor, KV-budget reserve) of a vision-language model; (1, 0) otherwise."""
        if spec.vision is None:
            return 1.0, 0
        if sglang_startup.legacy_vlm_share(self.release()):
            return sglang_startup.LEGACY_VLM_FACTOR, 0
        factor = rules.vlm_fraction_factor(spec.vision.depth, spec.vision.hidden_size)
        return factor, rules.VLM_CACHE_MIB * MIB

    def load_format(self, spec: ModelSpec, wl: Workload, rest: str) -> tuple[WeightFormat, str] | None:
        return serving_dtype(spec, wl, rest, "SGLang")

    def encoder_tp(self, spec: ModelSpec, wl: Workload) -> int:
        """The vision tower's blocks split over the attention TP group (srt/models/qwen2_5_vl.py,
        qwen3_vl.py: tp_size 1 only with --mm-enable-dp-encoder, off by default; estimate/encoder_tp.py)."""
        del spec
        return wl.tp

    @staticmethod
    def _state_layers(spec: ModelSpec) -> int:
        if spec.recurrent is None:
            return 0
        return sum(1 for layer in range(spec.num_layers) if spec.has_state(layer))

    def _attention_tp(self, tp: int) -> int:
        """The TP degree of the attention (and mixer) heads on a rank: tp / --dp-attention groups."""
        return max(1, tp // self.wl.dp_attention)

    def resolve(self, spec: ModelSpec, wl: Workload) -> Workload:
        """DeepSeek V4's defaults (overrides.py `_deepseek_v4_kv_cache_dtype`): auto becomes fp8_e4m3."""
        if spec.compressed is not None and wl.kv_dtype is None:
            return wl.model_copy(update={"kv_dtype": "fp8"})
        return wl

    def reserved_bytes(self, spec: ModelSpec) -> int:
        """What SGLang's default mem_fraction_static leaves for activations and graphs (MiB rule)."""
        wl = self.wl
        mib = rules.reserved_mib(
            self.configured_chunk(), wl.tp, wl.pp, self.graph_max_bs(), spec.is_mla, wl.dp_attention
        )
        return int(mib * MIB)

    def quant_options(self) -> tuple[str, ...]:
        return ("fp8", "gptq-int8", "awq", "gptq", "nvfp4")
