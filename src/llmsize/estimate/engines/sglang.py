"""SGLang: a static share of the card for weights and the token-to-KV pool, the rest for activations.

Modelled release: SGLang 0.4.6. Sources (sgl-project/sglang):
- pool, `python/sglang/srt/model_executor/model_runner.py` `profile_max_num_token`: after loading
  the weights, rest = available memory - total x (1 - mem_fraction_static), where "total" is the
  free memory measured at start (the card minus the CUDA context); max_total_num_tokens = rest //
  cell_size, cell_size = kv_heads/tp x head_dim x layers x 2 x element bytes (MLA: kv_lora_rank +
  rope, once). Every layer keeps a cell for every token: no paging by window in this release.
- mem_fraction_static default, `python/sglang/srt/server_args.py` `__post_init__`: 0.79 at TP >= 16,
  0.81 at TP >= 8, 0.85 at TP >= 4, 0.87 at TP >= 2, else 0.88.
- activations live outside the static share: a chunked prefill of chunked_prefill_size tokens
  (default 8192) and the CUDA graphs of decode batches up to cuda_graph_max_bs (default 160).
- the scheduler runs at most max_total_num_tokens / context requests of the full context at once;
  it logs max_running_requests = min(max_total_num_tokens // 2, the request pool of
  min(max(max_total_num_tokens / context_len x 512, 2048), 4096)) (`managers/tp_worker.py`,
  `ModelRunner.init_memory_pool`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from llmsize.estimate.engines import sglang_dsv4
from llmsize.estimate.engines.base import BaseEngine, Budget, WeightPlacement, serving_dtype
from llmsize.estimate.engines.speed_profile import EngineSpeedProfile
from llmsize.estimate.workload import Engine, Workload
from llmsize.units import GIB, MIB, format_gib

if TYPE_CHECKING:
    from fractions import Fraction

    from llmsize.estimate.kv_cache import KvTerm
    from llmsize.estimate.overhead import Overhead
    from llmsize.estimate.phases import Peak, StaticBytes
    from llmsize.estimate.resolved import Resolved
    from llmsize.estimate.result import EngineFigures, Estimate
    from llmsize.specs.models import ModelSpec, WeightFormat

SGLANG_VERSION_MODELLED = "0.4.6"
CHUNKED_PREFILL = 8192  # REFERENCE: sglang server_args.py chunked_prefill_size default 8192
# REFERENCE: sglang server_args.py __post_init__: chunked_prefill_size 2048 on GPUs under 25,000 MB
# (the 4x L4 log of docs/sglang.md in didier-durand/llms-in-clouds runs 2048).
SMALL_GPU_BYTES = 25_000 * MIB
CHUNKED_PREFILL_SMALL = 2048
CUDA_GRAPH_MAX_BS = 160  # REFERENCE: sglang server_args.py cuda_graph_max_bs default 160
CUDA_CONTEXT_BYTES = 400 * MIB  # REFERENCE: pytorch/pytorch#109888 (~400 MB with lazy loading)
# REFERENCE: sglang server_args.py __post_init__ mem_fraction_static by tensor-parallel size.
MEM_FRACTION_BY_TP: tuple[tuple[int, float], ...] = ((16, 0.79), (8, 0.81), (4, 0.85), (2, 0.87), (1, 0.88))



# REFERENCE: speed. CUDA graphs for decode (python/sglang/srt/model_executor/cuda_graph_runner.py),
# chunked prefill of 8192 tokens (server_args.py chunked_prefill_size default in 0.4.6.post1).
# Calibrated on Qwen's SGLang 0.4.6.post1 tables on H20.
SPEED = EngineSpeedProfile(
    engine="sglang", version="0.4.6.post1",
    step_fixed_s=0.245e-3, launch_per_layer_s=0.0, gpu_per_layer_s=0.0586e-3,
    prefill_chunk_tokens=8192, graphs=True,
    prefill_compute={"hbm": 0.54, "gddr": 0.60},
    sources=("https://github.com/sgl-project/sglang/blob/v0.4.6.post1/python/sglang/srt/server_args.py",))


class Sglang(BaseEngine):
    """SGLang's runtime (`python -m sglang.launch_server`)."""

    engine: ClassVar[Engine] = Engine.SGLANG
    # --max-running-requests and --chunked-prefill-size arrive as max_num_seqs and
    # max_num_batched_tokens (the same quantities, vLLM's names).
    reads_options: ClassVar[frozenset[str]] = frozenset(
        {"max_num_seqs", "max_num_batched_tokens", "mem_fraction_static"}
    )
    version: ClassVar[str] = SGLANG_VERSION_MODELLED
    speed: ClassVar[EngineSpeedProfile] = SPEED
    label: ClassVar[str] = "SGLang"
    # DeepSeek V4 (DeepseekV4ForCausalLM): DeepSeekV4TokenToKVPool sized by DSv4MemoryCalculator,
    # sglang_dsv4.py.
    # --kv-cache-dtype auto|fp8_e4m3|fp8_e5m2|fp4_e2m1 (server_args.py; fp4_e2m1 after 0.4.6)
    kv_dtypes: ClassVar[frozenset[str]] = frozenset({"fp32", "fp16", "bf16", "fp8", "fp4_e2m1"})
    hf_phase_walk: ClassVar[bool] = False
    unsupported_formats: ClassVar[frozenset[str]] = frozenset({"exl2", "mlx"})

    def chunked_prefill(self) -> int:
        """chunked_prefill_size (llmsize's --max-num-batched-tokens for SGLang)."""
        return self.wl.max_num_batched_tokens or CHUNKED_PREFILL

    def gpu_defaults(
        self, wl: Workload, total_bytes: int, gpu_name: str, architecture: str = "", segment: str = ""
    ) -> Workload:
        del gpu_name, architecture, segment
        if wl.max_num_batched_tokens is None and total_bytes < SMALL_GPU_BYTES:
            return wl.model_copy(update={"max_num_batched_tokens": CHUNKED_PREFILL_SMALL})
        return wl

    def mem_fraction(self) -> float:
        if self.wl.mem_fraction_static is not None:
            return self.wl.mem_fraction_static
        return next(f for tp, f in MEM_FRACTION_BY_TP if self.wl.tp >= tp)

    def load_format(self, spec: ModelSpec, wl: Workload, rest: str) -> tuple[WeightFormat, str] | None:
        return serving_dtype(spec, wl, rest, "SGLang")

    def validate(self, spec: ModelSpec, wl: Workload) -> None:
        super().validate(spec, wl)
        if spec.compressed is not None and wl.kv_dtype is not None and str(wl.kv_dtype) != "fp8":
            from llmsize.errors import BadInputError

            raise BadInputError(
                f"SGLang's DeepSeek V4 pool keeps fp8 rows (584 B each), not --kv-dtype {wl.kv_dtype}",
                hint="use --kv-dtype fp8, or leave it out",
            )
        if wl.mode.trains:
            from llmsize.errors import BadInputError

            raise BadInputError(
                "SGLang serves models; it does not train them", hint="use --engine transformers"
            )
        if spec.recurrent is not None and any(map(spec.has_state, range(spec.num_layers))):
            from llmsize.errors import BadInputError

            # SGLang 0.4.6 implements no linear-attention or Mamba layer; later releases keep their
            # state in a separate MambaPool whose sizing llmsize does not model.
            raise BadInputError(
                f"SGLang {SGLANG_VERSION_MODELLED} (the release modelled) has no {spec.recurrent.kind} "
                f"layers, which {spec.name} uses",
                hint="use --engine vllm or --engine llama.cpp, which llmsize models for hybrid models",
            )

    def keeps_windows(self, kv_dtype: str) -> bool:
        del kv_dtype
        return False  # one cell per token in every layer's pool

    def notes(self, spec: ModelSpec, wl: Workload) -> tuple[str, ...]:
        notes = super().notes(spec, wl)
        if wl.kv_dtype == "fp4_e2m1":
            # REFERENCE: memory_pool.py MHATokenToKVPoolFP4 / MLATokenToKVPoolFP4 (SGLang 0.5 line).
            notes += (
                "--kv-dtype fp4_e2m1: SGLang's FP4 KV pool, 9 bytes per 16 values (E2M1 pairs + one "
                f"exponent scale per 16); newer SGLang releases than the modelled {SGLANG_VERSION_MODELLED}",
            )
        return notes

    def peak(self, spec: ModelSpec, wl: Workload, static: StaticBytes, rs: Resolved) -> Peak:
        from llmsize.estimate.engines.vllm import Vllm
        from llmsize.estimate.phases import Peak

        e = rs.compute_bytes
        # The forward of one prefill chunk, the same flat-token forward vLLM profiles.
        chunk = wl.model_copy(update={"max_num_batched_tokens": self.chunked_prefill(), "max_num_seqs": 1})
        _, forward, _ = Vllm(chunk).profile_bytes(spec, e)
        logits = wl.batch * spec.vocab_size * 4
        act = forward + logits
        kv = static.kv_full
        return Peak(
            phase="prefill chunk",
            kv_cache=kv,
            activations=act,
            gradients=0,
            optimizer=0,
            formula="SGLang: one chunked prefill of chunked_prefill_size tokens, outside the static share",
            detail=f"forward of {self.chunked_prefill():,} tokens {forward:,} B; logits {logits:,} B",
            low=act + kv + static.weights,
            high=act + kv + static.weights,
        )

    def overhead(self, spec: ModelSpec, wl: Workload, allocated: int, rs: Resolved) -> Overhead:
        from llmsize.estimate.overhead import Overhead

        del allocated
        h = spec.hidden_size
        graphs = (
            CUDA_GRAPH_MAX_BS * 2 * (2 * h + 3 * spec.max_mlp_width // wl.tp)
            + CUDA_GRAPH_MAX_BS * spec.vocab_size * 4
        )
        nominal = CUDA_CONTEXT_BYTES + graphs
        return Overhead(
            nominal=nominal,
            low=nominal,
            high=nominal + 256 * MIB,
            formula="CUDA context + CUDA graphs of decode batches up to cuda_graph_max_bs",
            driver="graph pool size with the batch sizes captured",
        )

    def resolve(self, spec: ModelSpec, wl: Workload) -> Workload:
        """DeepSeek V4's defaults (arg_groups/overrides.py): kv_cache_dtype auto becomes fp8_e4m3."""
        if spec.compressed is not None and wl.kv_dtype is None:
            return wl.model_copy(update={"kv_dtype": "fp8"})
        return wl

    def compressed_layout(
        self, spec: ModelSpec, layers: tuple[int, ...], element: Fraction
    ) -> tuple[KvTerm, ...] | None:
        """DeepSeek V4: every token of a request costs bytes_per_full_token of the pools
        (sglang_dsv4.py); the fp8 rows, fp8 indexer keys and fp32 states fix their own bytes."""
        from llmsize.estimate.kv_cache import KvTerm

        del element
        return (KvTerm(1, sglang_dsv4.bytes_per_full_token(spec, layers), None),)

    def figures(
        self, spec: ModelSpec, wl: Workload, weights: WeightPlacement, peak: Peak, rs: Resolved
    ) -> EngineFigures:
        from llmsize.estimate.engines.registry import kv_bytes_per_token_layer
        from llmsize.estimate.result import EngineFigures

        layers = len(rs.busiest_stage.layers)
        if spec.compressed is not None:
            per_token = sglang_dsv4.bytes_per_full_token(spec, rs.busiest_stage.layers)
            return EngineFigures(
                engine=str(self.engine),
                version=f"{self.version}; DeepSeek V4: {sglang_dsv4.RELEASE}",
                device_weights_bytes=weights.device_bytes,
                kv_page_bytes=-(-per_token.numerator // per_token.denominator),
                kv_token_bytes=float(per_token),
                block_tokens=sglang_dsv4.PAGE_TOKENS,
                blocks_per_request=wl.context,
                budget_fraction=self.mem_fraction(),
                lines=(f"Load weight end. mem usage={weights.device_bytes / GIB:.2f} GB",),
            )
        cell = int(kv_bytes_per_token_layer(spec, wl, rs.kv_dtype) * layers)
        return EngineFigures(
            engine=str(self.engine),
            version=self.version,
            device_weights_bytes=weights.device_bytes,
            kv_page_bytes=cell,
            block_tokens=1,
            blocks_per_request=wl.context,
            budget_fraction=self.mem_fraction(),
            lines=(f"Load weight end. mem usage={weights.device_bytes / GIB:.2f} GB",),
        )

    def budget(self, est: Estimate, total_bytes: int, wl: Workload, unified: bool = False) -> Budget:
        f = est.engine_figures
        if f is None or f.kv_page_bytes == 0:
            return super().budget(est, total_bytes, wl, unified)
        frac = self.mem_fraction()
        start = total_bytes - CUDA_CONTEXT_BYTES
        pool = int(frac * start) - est.weights_bytes
        tokens = max(0, pool // f.kv_page_bytes)
        dsv4: tuple[str, ...] = ()
        if f.kv_token_bytes is not None:  # DeepSeek V4: DSv4MemoryCalculator.calculate_pool_sizes
            tokens = max(0, int(pool / f.kv_token_bytes) // f.block_tokens * f.block_tokens)
            dsv4 = (
                f"DSv4 memory calculation: bytes_per_full_token={f.kv_token_bytes:.2f}, "
                f"available_bytes={pool / GIB:.2f} GB, full_token={tokens}",
            )
        concurrency = tokens / max(1, wl.context)
        outside = est.activations_bytes + est.overhead_bytes - CUDA_CONTEXT_BYTES
        reason = None
        if tokens <= 0:
            reason = (
                "SGLang would refuse to start: no memory left for the KV pool after the weights; "
                "raise --mem-fraction-static"
            )
        elif outside > start - int(frac * start):
            reason = (
                f"activations and CUDA graphs need {format_gib(outside)} outside the static share of "
                f"{frac:.2f}; lower --mem-fraction-static"
            )
        elif concurrency < wl.batch and tokens >= wl.context:
            reason = (
                f"SGLang holds {concurrency:.2f} requests of {wl.context:,} tokens, "
                f"fewer than --batch {wl.batch}"
            )
        # A pool shorter than one --context does not stop SGLang: it starts and caps every request at
        # max_total_num_tokens - 1 (scheduler.py: max_req_len = min(context_len, max_total_num_tokens) - 1).
        capped = (
            (f"requests are capped at {tokens - 1:,} tokens: the pool holds fewer than one --context of "
             f"{wl.context:,}",)
            if 0 < tokens < wl.context
            else ()
        )
        held = min(wl.batch * wl.context, tokens) if capped else wl.batch * wl.context
        cost = f.kv_token_bytes if f.kv_token_bytes is not None else f.kv_page_bytes
        need = est.weights_bytes + int(held * cost) + outside + CUDA_CONTEXT_BYTES
        return Budget(
            usable_bytes=total_bytes,
            need_bytes=need,
            reason=reason,
            kv_pool_bytes=max(0, pool),
            kv_tokens=tokens,
            max_concurrency=round(concurrency, 2),
            max_context=tokens,
            lines=(
                *f.lines,
                *dsv4,
                f"max_total_num_tokens={tokens}, chunked_prefill_size={self.chunked_prefill()}, "
                f"max_running_requests={self.max_running_requests(tokens, wl.context, bool(dsv4))}, "
                f"context_len={wl.context}",
                *capped,
            ),
        )

    def max_running_requests(self, tokens: int, context: int, dsv4: bool = False) -> int:
        """min(max_total_num_tokens // 2 (or --max-num-seqs, SGLang's --max-running-requests; 256 for
        DeepSeek V4), the request pool: min(max(tokens / context x 512, 2048), 4096)) (tp_worker.py,
        model_runner.py init_memory_pool)."""
        pool = min(max(int(tokens / max(1, context) * 512), 2048), 4096)
        default = sglang_dsv4.MAX_RUNNING_REQUESTS if dsv4 else tokens // 2
        asked = self.wl.max_num_seqs if self.wl.max_num_seqs is not None else default
        return max(0, min(asked, pool))

    def quant_options(self) -> tuple[str, ...]:
        return ("fp8", "gptq-int8", "awq", "gptq", "nvfp4")
