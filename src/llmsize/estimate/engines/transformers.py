"""Hugging Face transformers (`generate` / a training loop): the engine the tracer validates.

Modelled release: transformers 5.23.0 (TRANSFORMERS_VERSION_MODELLED; constraints.txt pins it for
the trace tests, docs/versions.md lists what other releases change). Rules, each with its source:
- cache: `DynamicCache` per layer; sliding layers use `DynamicSlidingWindowLayer.update`
  (cache_utils.py), which after a prefill keeps a *view* of the last window-1 tokens of the whole
  prompt, so the prompt's storage stays allocated until the first decoded token; from then on it
  holds min(tokens, window).
- quantized cache: `QuantizedCache` (quanto/HQQ int4/int8, q_group_size=64, one fp16 scale and zero
  per group; fp8 per tensor) is a `DynamicLayer` per block: it keeps every token, windows or not.
- Falcon-40B/180B (`new_decoder_architecture`): `FalconAttention.forward` broadcasts K/V to every
  query head before `layer_past.update` (models/falcon/modeling_falcon.py), so the cache holds
  num_attention_heads heads.
- GGUF checkpoints are dequantized on load (`GGUFQuantizer`/`load_gguf_checkpoint`).
- transient memory: the forward/backward walks of `estimate/activations.py` over the modeling code,
  the peak picked by `estimate/phases.py`.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar

from llmsize.errors import BadInputError
from llmsize.estimate import arrays as np  # numpy only for sweeps (issue 15)
from llmsize.estimate.engines import (
    server_releases,
    transformers_autogptq_int8,
    transformers_fp8_linear,
    transformers_wrappers,
)
from llmsize.estimate.engines.base import BaseEngine
from llmsize.estimate.engines.speed_profile import EngineSpeedProfile
from llmsize.estimate.engines.transformers_cache_copies import SCALAR_COPY_SHARE
from llmsize.estimate.quant_formats import OWN_RUNTIME
from llmsize.estimate.workload import Engine, Framework, Workload
from llmsize.specs.models import ModelSpec, QuantMethod, WeightFormat

if TYPE_CHECKING:
    from llmsize.estimate.kv_cache import KvTerm

# The transformers release whose loading and caching the estimator follows (issue 8). What differs
# in other releases is listed in docs/versions.md; constraints.txt pins it for the trace tests and
# bench/drift.py reports what the newest release changes.
TRANSFORMERS_VERSION_MODELLED = "5.23.0"
TRANSFORMERS_VERSION_NOTE = (
    f"transformers {TRANSFORMERS_VERSION_MODELLED} behaviour (other releases differ: 5.25 keeps "
    "DeepSeek's MoE router weight in fp32 and caches Falcon-40B's real K/V heads; docs/versions.md)"
)
# What 5.25 allocates differently (docs/versions.md, from bench/drift.py), by the model_type it applies
# to. The assumption names only the difference that moves this model's number: every Qwen or Llama
# estimate read "5.25 keeps DeepSeek's MoE router weight in fp32 and caches Falcon-40B's real K/V
# heads", a caveat about two other models (issue 15).
_RELEASE_DIFFERENCES = {
    "deepseek_v2": "5.25 keeps the MoE router weight in fp32",  # DeepseekV2/V3 gate.weight
    "deepseek_v3": "5.25 keeps the MoE router weight in fp32",
    "falcon": "5.25 caches the real K/V heads of Falcon-40B/180B, not one per query head",
}


# REFERENCE: transformers quantizers/auto.py AUTO_QUANTIZER_MAPPING has no "mlx" or "exl2"/"exl3" entry:
# from_pretrained cannot load those packed weights (mlx-community's config.json even names them under
# "quantization", not quantization_config). They run in their own runtime (quant_formats.OWN_RUNTIME), which
# llmsize does not model; a newcomer's `estimate Qwen3-32B-MLX-4bit` listed "weights loaded as mlx 4-bit"
# under transformers with no word of it (issue 15, round 6).
_OWN_RUNTIME = OWN_RUNTIME


def _own_runtime_note(fmt: WeightFormat, runtime: str) -> str:
    return (
        f"transformers cannot load {fmt.label()} weights (no quantizer for them): they run in {runtime}, "
        "which llmsize does not model; weights are that file's bytes, the rest is transformers' "
        "(pass --quant to size a format transformers loads)"
    )


def release_note(spec: ModelSpec) -> str:
    """The modelled transformers release, with what another release changes for this model, if anything."""
    differs = _RELEASE_DIFFERENCES.get(spec.model_type)
    if spec.model_type == "falcon" and not 1 < spec.num_kv_heads < spec.num_attention_heads:
        differs = None  # the multi-query falcon-7b caches its one K/V head in every release
    tail = f"; {differs}" if differs else ""
    return f"transformers {TRANSFORMERS_VERSION_MODELLED} behaviour (other releases: docs/versions.md{tail})"
HF_QUANT_GROUP = 64  # REFERENCE: transformers cache_utils.QuantizedLayer q_group_size=64
HF_QUANT_META_BYTES = 4  # a scale and a zero point per group, fp16 each (quanto / HQQ group-wise)
_QUANTIZED_CACHE = frozenset({"int8", "int4", "fp8"})
# REFERENCE: torch aten/src/ATen/native/transformers/attention.cpp preprocess_mask(): the
# memory-efficient kernel needs the additive mask's last dim padded to a multiple of 16.
MEM_EFF_MASK_ALIGNMENT = 16



# REFERENCE: speed. `generate` runs one eager PyTorch forward per token: the CPU launches each
# layer's ~15 kernels from Python (modeling_qwen2.py Qwen2DecoderLayer.forward), so small models
# are launch-bound; DynamicCache.update concatenates the new K/V onto the old (torch.cat: read +
# write of the whole cache, cache_utils.py). Weight kernels that add Python-side work per linear:
# fine-grained FP8 quantizes activations per block in Python-launched Triton kernels
# (integrations/finegrained_fp8.py), GPTQ int8 wrappers add unpack/launch glue.
# SPEED_V4 is 4.46-4.51, calibrated on Qwen's transformers tables (bench/speed_tables.yaml), whose
# attention called repeat_kv at decode, materialising n_rep copies of K and V (4.46
# integrations/sdpa_attention.py, models/qwen2 Qwen2FlashAttention2).
SPEED_V4 = EngineSpeedProfile(
    engine="transformers-4", version="4.46-4.51 (Qwen speed benchmarks)",
    step_fixed_s=2.8e-3, launch_per_layer_s=0.68e-3, gpu_per_layer_s=0.38e-3,
    prefill_chunk_tokens=None, kv_materialized=True, graphs=False,
    prefill_compute={"hbm": 0.55, "gddr": 0.55},
    kernel_launch_per_layer_s={"fp8": 1.3e-3, "int8": 0.5e-3, "int4": 0.0, "awq": 0.0},
    moe_expert_loop=True,  # routed FFNs loop over every expert (transformers_moe_loop.py)
    # The 4.46-4.51 tables ran PyTorch 2.3-2.7: unvectorized 2-byte cache copies.
    kv_copy_share=SCALAR_COPY_SHARE,
    sources=("https://github.com/huggingface/transformers/blob/v4.46.0/src/transformers/cache_utils.py",
             "https://github.com/huggingface/transformers/blob/v4.46.0/src/transformers/integrations/sdpa_attention.py"))
# The release modelled (5.x): sdpa_attention_forward no longer expands GQA heads at decode — it passes
# enable_gqa=True when there is no mask, else packs the single query per KV head (use_gqa_in_sdpa,
# pack_gqa in integrations/sdpa_attention.py) — so the cache is concatenated (2x) and read once (1x).
# The launch and overhead constants stay 4.46-4.51's (no 5.x table to fit them on).
SPEED = SPEED_V4.model_copy(update={
    "engine": "transformers", "version": "5.23 (GQA read in place; step constants of 4.46-4.51)",
    "kv_gqa_copies": False, "kv_copy_share": 1.0,  # PyTorch 2.8+ (constraints.txt: 2.13): vector copies
    "moe_expert_loop": False,  # 5.x: experts as 3-D tensors behind the experts interface
    "moe_batched_mm": True,  # generate decodes them with batched_mm (transformers_batched_mm.py)
    # 5.x's FP8 linear: one fused Triton launch and no torch.cuda.synchronize (4.51's 1.3 ms a layer
    # came from act_quant + matmul + a sync per linear); counted in transformers_fp8_linear.
    "kernel_launch_per_layer_s": {**SPEED_V4.kernel_launch_per_layer_s,
                                  "fp8": transformers_fp8_linear.launch_per_layer()},
    "sources": ("https://github.com/huggingface/transformers/blob/v5.23.0/src/transformers/integrations/sdpa_attention.py",
                "https://github.com/huggingface/transformers/blob/v5.23.0/src/transformers/integrations/finegrained_fp8.py")})
# transformers 4.35-4.48 load GPTQ checkpoints only through optimum + auto-gptq (4.46
# quantizers/quantizer_gptq.py: required_packages ["optimum", "auto_gptq"]; GPTQModel from 4.49) and
# AWQ ones through AutoAWQ's WQLinear_GEMM (integrations/awq.py replace_with_awq_linear): the setup of
# Qwen2.5's transformers table (transformers 4.46.0, auto-gptq 0.7.1 / 0.6.0 for Int8, AutoAWQ 0.2.6).
# Their 8-bit and AWQ wrappers issue more torch calls per linear than the exllama v2 one the
# calibration rows ran; the extra launch time is counted in transformers_wrappers, not fitted.
SPEED_V4_AUTOGPTQ = SPEED_V4.model_copy(update={
    "engine": "transformers-4.46", "version": "4.35-4.48 (optimum + auto-gptq, AutoAWQ wrappers)",
    # Refitted on the Qwen2.5 A100 fit rows once the cache copies stream at their own share and
    # overlap the CPU's launches (transformers_cache_copies.py; issue 11): 2.8 -> 4.48 ms.
    "step_fixed_s": 4.48e-3,
    # auto-gptq 0.7.1's exllama v2 GEMV (and AutoAWQ 0.2.6's split-k GEMM, the 'int4' family's alias)
    # stream a batch-1 step at 0.34 of an A100's HBM, not the 0.68 vLLM's Marlin reaches: fitted on the
    # GPTQ-Int4 fit rows (the 14B-72B long prompts, where the copies make the step GPU-bound, and 72B on
    # one GPU), checked on the held-out AWQ rows (issue 11).
    "kernel_bandwidth": {"int4-hbm": 0.34,
                         # auto-gptq's 8-bit linear copies its scales to fp32 on every call: the shared
                         # int8 share (0.75 on HBM, hardware/speed_profiles) less those copies' bytes.
                         "int8-hbm": 0.75 * transformers_autogptq_int8.scale_copy_share()},
    "kernel_launch_per_layer_s": {**SPEED_V4.kernel_launch_per_layer_s} | {
        kernel: transformers_wrappers.wrapper_launch_per_layer(kernel, SPEED_V4.launch_per_layer_s)
        for kernel in transformers_wrappers.EXTRA_CALLS},
    "sources": (*SPEED_V4.sources,
                "https://github.com/casper-hansen/AutoAWQ/blob/v0.2.6/awq/modules/linear/gemm.py",
                "https://github.com/AutoGPTQ/AutoGPTQ/blob/v0.6.0/auto_gptq/nn_modules/qlinear/qlinear_cuda_old.py")})
# transformers 4.49-4.51 (GPTQModel), Qwen3's H20 table (transformers 4.51.3): every BF16 row from 0.6B
# to 32B is launch-bound at 0.51-0.55 ms a layer (Qwen3's layer adds a q and a k RMSNorm), 32B included
# (64 GB in a 38 ms step: >= 1.7 TB/s, so no 0.38 ms a layer of extra GPU latency fits it). Step
# constants refitted on that table's fit rows alone (issue 11); the A100 host of Qwen2.5's table
# launches slower (SPEED_V4's 0.68 ms), and the 5.x profile keeps those.
SPEED_V451 = SPEED_V4.model_copy(update={
    "version": "4.49-4.51 (GPTQModel; step constants of Qwen3's H20 table)",
    "step_fixed_s": 1.59e-3, "launch_per_layer_s": 0.544e-3, "gpu_per_layer_s": 8.0e-6,
    "kernel_launch_per_layer_s": {**SPEED_V4.kernel_launch_per_layer_s, "int8": 0.744e-3}})
LEGACY_SPEED: dict[str, EngineSpeedProfile] = {SPEED_V451.engine: SPEED_V451,
                                               SPEED_V4_AUTOGPTQ.engine: SPEED_V4_AUTOGPTQ}


# NVIDIA architectures below compute capability 8.9 (Ada): FP8 checkpoints load dequantized (load_format)
PRE_FP8_ARCHITECTURES = frozenset({"pascal", "volta", "turing", "ampere"})


class Transformers(BaseEngine):
    """transformers `generate` and training loops, one process per GPU."""

    engine: ClassVar[Engine] = Engine.TRANSFORMERS
    reads_options: ClassVar[frozenset[str]] = frozenset({"engine_version"})  # the speed profile's release
    version: ClassVar[str] = TRANSFORMERS_VERSION_MODELLED

    def tensor_parallel_by_default(self) -> bool:
        """False: plain `from_pretrained(..., device_map="auto")` (modeling_utils `from_pretrained` ->
        accelerate `infer_auto_device_map`) puts whole decoder layers on the GPUs in order and runs them one
        after another in one process; tensor parallelism needs `tp_plan="auto"` under torchrun, one process
        per GPU (transformers docs perf_infer_gpu_multi.md: "To enable tensor parallel, pass the argument
        tp_plan="auto" to from_pretrained", with RANK from the launcher). So TP only when --tp asks."""
        return False
    speed: ClassVar[EngineSpeedProfile] = SPEED
    label: ClassVar[str] = "transformers"
    # the model dtype, or QuantizedCache (fp8 per-tensor; quanto/HQQ int4/int8)
    kv_dtypes: ClassVar[frozenset[str]] = frozenset({"fp32", "fp16", "bf16", "fp8", "int8", "int4"})

    def load_format(self, spec: ModelSpec, wl: Workload, rest: str) -> tuple[WeightFormat, str] | None:
        trains = wl.mode.trains and wl.framework is not Framework.UNSLOTH  # Unsloth loads its own copy
        if spec.weight_format.quant == QuantMethod.MXFP4 and trains:
            # REFERENCE: transformers quantizers/quantizer_mxfp4.py `Mxfp4HfQuantizer.is_trainable` is False
            # ("MXFP4 quantization don't support training, please consider dequantizing the model first by
            # passing quantization_config=Mxfp4Config(dequantize=True)"), and Trainer.__init__ refuses a model
            # whose quantizer cannot train. OpenAI's cookbook (articles/gpt-oss/fine-tune-transfomers) loads
            # with Mxfp4Config(dequantize=True); "most existing fine tuning examples convert gpt-oss to bf16"
            # (lmsys.org/blog/2025-08-28-gpt-oss-qat). gpt-oss-20b LoRA was sized on 13.8 GB of MXFP4 weights
            # where the run holds 42 GB of bf16 (issue 15, round 3).
            return WeightFormat(dtype=rest), (
                f"transformers cannot train MXFP4 weights (Mxfp4HfQuantizer.is_trainable is False): the "
                f"checkpoint is loaded dequantized to {rest}, Mxfp4Config(dequantize=True), as OpenAI's "
                "fine-tuning cookbook does"
            )
        if spec.weight_format.quant == QuantMethod.GGUF:
            return WeightFormat(dtype=rest), (
                f"transformers dequantizes GGUF weights on load, to {rest}; "
                "--engine llama.cpp keeps them quantized"
            )
        if spec.weight_format.quant == QuantMethod.FP8 and wl.gpu_architecture in PRE_FP8_ARCHITECTURES:
            # REFERENCE: transformers quantizers/quantizer_finegrained_fp8.py
            # `FineGrainedFP8HfQuantizer.validate_environment`: on CUDA with compute capability below 8.9 it
            # logs "FP8 quantized models is only supported on GPUs with compute capability >= 8.9 (e.g
            # 4090/H100) ... We will default to dequantizing the model to bf16" and sets dequantize=True.
            # A published run: the FP8 checkpoint "always dequantizes FP8->bf16 on load" on an A100, "~55.6GB
            # VRAM (vs. ~30.9GB native FP8)". `fit Qwen3-32B-FP8 --gpu A100-40GB` sized 32 GiB of FP8 weights
            # beside the warning that transformers upcasts them (issue 15, newcomer round 12).
            return WeightFormat(dtype=rest), (
                f"transformers dequantizes FP8 weights to {rest} on load below compute capability 8.9 "
                f"({wl.gpu_architecture}: FineGrainedFP8HfQuantizer); --engine vllm keeps them 8-bit "
                "(FP8 Marlin)"
            )
        return None

    def gpu_defaults(
        self, wl: Workload, total_bytes: int, gpu_name: str, architecture: str = "", segment: str = "",
        compute_units: int | None = None, interconnect: str = "", vendor: str = "",
    ) -> Workload:
        """The base defaults, and an NVIDIA GPU's architecture: whether FP8 checkpoints load as FP8
        (load_format)."""
        wl = super().gpu_defaults(wl, total_bytes, gpu_name, architecture, segment, compute_units,
                                  interconnect, vendor)
        if wl.gpu_architecture is None and architecture in PRE_FP8_ARCHITECTURES and vendor == "nvidia":
            wl = wl.model_copy(update={"gpu_architecture": architecture})
        return wl

    def bnb_skips_fused_experts(self, spec: ModelSpec, wl: Workload) -> bool:
        """`from_pretrained(quantization_config=BitsAndBytesConfig(...))` converts only `nn.Linear` / `Conv1D`
        modules (transformers 5.23 integrations/bitsandbytes.py `replace_with_bnb_linear`: `type(module) is
        nn.Linear`; quantizers/quantizer_bnb_4bit.py `param_needs_quantization`: a `Linear4bit`'s weight), and
        the routed experts of transformers >= 5 are 3-D parameters (`Qwen3MoeExperts.gate_up_proj`): the
        rule QLoRA follows (estimate/bnb_fused_experts.py), for inference too."""
        from llmsize.estimate.bnb_fused_experts import experts_stay_float

        return experts_stay_float(spec, wl)

    def kv_element_bytes(self, kv_dtype: str) -> Fraction:
        base = super().kv_element_bytes(kv_dtype)
        if kv_dtype in ("int8", "int4"):
            return base + Fraction(HF_QUANT_META_BYTES, HF_QUANT_GROUP)
        return base

    def cache_kv_heads(self, spec: ModelSpec) -> int:
        """Falcon's grouped K/V (1 < kv_heads < heads: only the new architecture) is broadcast to
        every query head before caching; the multi-query falcon-7b (one K/V head) is not. A
        new-architecture config with a single K/V head would be undercounted (the flag is not in
        ModelSpec)."""
        kv = spec.num_kv_heads
        if spec.model_type == "falcon" and 1 < kv < spec.num_attention_heads:
            return spec.num_attention_heads
        return kv

    def keeps_windows(self, kv_dtype: str, spec: ModelSpec | None = None) -> bool:
        del spec
        return kv_dtype not in _QUANTIZED_CACHE

    def scan_chunk(self, spec: ModelSpec, wl: Workload) -> int:
        """Tokens per chunk of the model's chunked state scans in inference (the least common multiple
        where there are several), 1 where it has none: transformers pads a prompt up to a whole chunk
        (activations/mamba.py `_chunk_scan`: `chunk_size`, 256 by default, also in Falcon-H1's hybrid
        blocks; activations/linear_attention.py `DELTA_RULE_CHUNK`, after modeling_qwen3_next.py
        `torch_chunk_gated_delta_rule`), so its need jumps after each multiple: a hint for the
        longest-context search (issue 15)."""
        kinds = set(spec.layer_types or ())
        if wl.mode.trains or spec.recurrent is None or not kinds & {"mamba", "hybrid", "linear_attention"}:
            return 1
        import math

        from llmsize.estimate.activations.linear_attention import DELTA_RULE_CHUNK

        chunk = 1
        if kinds & {"mamba", "hybrid"}:  # hybrid: Falcon-H1's Mamba-2 mixer beside attention
            chunk = math.lcm(chunk, spec.recurrent.chunk_size or 256)
        if "linear_attention" in kinds:
            chunk = math.lcm(chunk, DELTA_RULE_CHUNK)
        return chunk

    def context_alignment(self, spec: ModelSpec, wl: Workload) -> int:
        """SDPA with a mask copies the additive mask into one padded to MEM_EFF_MASK_ALIGNMENT
        columns (activations/attention.py `_fused_attention`), so a context that is not a multiple
        of 16 holds both masks while an aligned one holds one: the need dips at each multiple of 16
        (gemma-3-4b-it on an RTX 4090: 42,826 tokens fit, 42,827 do not, 45,248 do; issue 15).
        Apart from that copy the need grows with the context. SDPA gets a mask only where
        activations/model.py `_mask_needed` says so: a sliding window the context can reach,
        Falcon, or packed training rows; elsewhere the need is monotone (1: the plain search)."""
        window = spec.sliding_window is not None and spec.sliding_window <= spec.max_position_embeddings
        if window or spec.model_type == "falcon" or (wl.padding_free and wl.mode.trains):
            return MEM_EFF_MASK_ALIGNMENT
        return 1

    def speed_name(self, spec: ModelSpec | None = None) -> str:
        """The speed profile of the release asked for (--engine-version: 4.x's auto-gptq or GPTQModel
        era; estimate/engines/server_releases.py); 5.x's when none is given."""
        del spec
        return server_releases.transformers_speed_name(self.wl.engine_version)

    def prefill_logits_every_token(self) -> bool:
        """generate() computes the first step's logits on every prompt token before 4.45 (the forward's
        lm_head runs on all hidden states, then .float()); from 4.45 it passes num_logits_to_keep=1
        (generation/utils.py generate, where _supports_num_logits_to_keep()). None: the current release."""
        return server_releases.transformers_full_prompt_logits(self.wl.engine_version)

    def validate(self, spec: ModelSpec, wl: Workload) -> None:
        super().validate(spec, wl)
        server_releases.transformers_speed_name(wl.engine_version)  # a bad release exits 2
        if spec.compressed is not None and wl.kv_dtype is not None and str(wl.kv_dtype) in _QUANTIZED_CACHE:
            raise BadInputError(
                f"transformers has no quantized cache for DeepSeek V4 (--kv-dtype {wl.kv_dtype}): "
                "DeepseekV4Model builds its own DynamicCache layers",
                hint="leave --kv-dtype at the model dtype",
            )

    def compressed_terms(self, spec: ModelSpec, kind: str, element: Fraction) -> tuple[KvTerm, ...]:
        """One DeepSeek V4 layer's cache as transformers 5.23 keeps it (modeling_deepseek_v4.py
        DeepseekV4HCACache / DeepseekV4CSACache, read from the object `generate` returns):

        - the sliding window of the shared key/value, one head_dim vector per token (`update` sets
          `values = keys`), held like a sliding layer's (`DynamicSlidingWindowLayer` rules);
        - `compressed_kv`: one pooled entry per `rate` tokens, head_dim wide (CSA: plus the
          indexer's index_head_dim entry);
        - `buffer_kv` / `buffer_gate`: the projections of the tokens of a window not yet pooled,
          kept as views (`kv[:, usable:]`) of the last forward's projection, so after the prompt
          they keep the whole prompt's projection allocated, and after a decoded token the
          (tokens-1) % rate + 1 tokens of the last concatenation; CSA projects two series
          (2 x head_dim, and 2 x index_head_dim for the indexer);
        - CSA only, `overlap_kv` / `overlap_gate`: the last closed window's first series, rate x
          head_dim (and x index_head_dim), the gate in fp32 (the fp32 position_bias promotes it).
        """
        from llmsize.estimate.kv_cache import KvTerm

        c = spec.compressed
        if c is None:
            return ()
        rate, hd = c.rate(kind), spec.head_dim
        pooled = hd + (spec.indexer.head_dim if c.overlapping(kind) and spec.indexer is not None else 0)
        series = 2 if c.overlapping(kind) else 1
        terms = [
            KvTerm(1, hd * element, spec.sliding_window),
            KvTerm(1, pooled * element, None, rule="pooled", rate=rate),
            KvTerm(1, 2 * series * pooled * element, None, rule="pending", rate=rate),
        ]
        if series == 2:
            terms.append(KvTerm(1, rate * pooled * (element + 4), None, rule="after_first", rate=rate))
        return tuple(terms)

    def pooled_held(
        self, rule: str, rate: int, tokens: Any, prefill: Any, window: int | None = None, batch: Any = 1
    ) -> Any:
        if rule == "pending":
            return np.where(tokens > prefill, (tokens - 1) % rate + 1, prefill)
        if rule == "after_first":
            return np.where(tokens >= rate, 1, 0)
        return super().pooled_held(rule, rate, tokens, prefill, window, batch)

    def tokens_held(self, window: int | None, tokens: Any, prefill: Any, batch: Any) -> Any:
        del batch
        if window is None:
            return tokens
        return np.where(tokens > prefill, np.minimum(tokens, window), prefill)

    def overhead_notes(self) -> tuple[str, ...]:
        return ("overhead counts NCCL only for data-parallel training (nccl_training.py), not what another "
                "engine would pre-reserve (--engine vllm)",)

    def notes(self, spec: ModelSpec, wl: Workload) -> tuple[str, ...]:
        out = [release_note(spec)]
        if wl.quant is None and (runtime := _OWN_RUNTIME.get(str(spec.weight_format.quant))) is not None:
            out.append(_own_runtime_note(spec.weight_format, runtime))
        if wl.engine_version is not None:
            # --engine-version picks the release's speed profile; memory stays the modelled release's.
            profile = server_releases.transformers_speed_name(wl.engine_version)
            # a training run also reads its release where a rule names one (logits_upcast.py,
            # bnb_fused_experts.py), and that rule's note says so
            out.append(f"speed: transformers {wl.engine_version} decodes as profile '{profile}' "
                       "(estimate/engines/server_releases.py); memory as the modelled release"
                       + (" except where a note below names this release" if wl.mode.trains else ""))
        # DeepSeek V4's o_a_proj, which peft 0.21 cannot wrap, is said by the LoRA targets note
        # (estimate/adapters.py), not here: a training run prints both lists of notes.
        if not wl.mode.trains and spec.layer_types and "sliding_attention" in spec.layer_types:
            out.append(
                "transformers keeps a sliding layer's whole prompt allocated until the first decoded "
                "token, then at most its window"
            )
        return tuple(out)
