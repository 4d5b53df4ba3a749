"""What SGLang refuses or warns about in a launch before it sizes anything, and the notes it adds.

Split out of sglang.py (the engine class composes it): validate and tp_problem mirror the asserts
SGLang raises while it parses its arguments and builds the model (srt/arg_groups/, VisionAttention,
the parallel linears, sglang_moe_a2a.py, sglang_dp_attention.py); the --context-length rules are
serving_context.py's with SGLang's derived length.
Modelled release: SGLang 0.5.23 (sglang_rules.SGLANG_VERSION_MODELLED); paths are inside its wheel
(sgl-project/sglang).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import (
    attention_backend_names,
    serving_context,
    sglang_dp_attention,
    sglang_moe_a2a,
    sglang_startup,
)
from llmsize.estimate.engines.sglang_launch import SGLANG_VERSION_MODELLED, SglangLaunch
from llmsize.estimate.workload import Workload

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec


class SglangChecks(SglangLaunch):
    """What SGLang refuses or warns about in a launch, before it sizes anything."""

    def tp_problem(self, spec: ModelSpec, tp: int) -> str | None:
        """A vision tower whose heads or MLP width `tp` does not divide: VisionAttention and the parallel
        linears assert while SGLang builds it over the attention TP group (encoder_tp.indivisible); a TP
        degree --dp-attention does not divide; TP 1 under a backend that spreads the experts over the TP
        ranks (sglang_moe_a2a.tp_problem)."""
        from llmsize.estimate.encoder_tp import indivisible

        problem = indivisible(spec, tp)
        if problem is not None:
            return f"SGLang cannot start: {problem}; use a TP degree that divides it"
        if tp % self.wl.dp_attention:  # the groups split the TP ranks: the TP degree is the multiple
            return (f"SGLang cannot start: --dp-attention {self.wl.dp_attention} must divide the TP degree "
                    f"{tp}; "
                    f"use a TP degree that is a multiple of {self.wl.dp_attention}")
        return sglang_moe_a2a.tp_problem(spec, self.wl, tp)  # deepep/mooncake: TP 2 or more

    def validate(self, spec: ModelSpec, wl: Workload) -> None:
        super().validate(spec, wl)
        from llmsize.errors import BadInputError

        a2a = sglang_moe_a2a.problem(spec, wl)  # an explicit --tp: said as such, before tp_problem's words
        if a2a is not None:
            raise BadInputError(a2a)

        dp_problem = sglang_dp_attention.problem(spec, wl)
        if dp_problem is not None:
            hint = "SGLang runs --dp-size attention groups of --tp-size / --dp-size ranks each"
            raise BadInputError(dp_problem, hint=hint)

        tower = self.tp_problem(spec, wl.tp)
        if tower is not None:
            problem, _, hint = tower.partition("; ")
            raise BadInputError(problem, hint=hint)

        sglang_startup.release(wl.engine_version)  # a bad --engine-version exits 2 here
        backend = attention_backend_names.sglang_problem(wl.attention_backend)
        if backend is not None:
            raise BadInputError(backend)

        if spec.compressed is not None and wl.kv_dtype is not None and str(wl.kv_dtype) != "fp8":
            raise BadInputError(
                f"llmsize models SGLang's DeepSeek V4 pool with its fp8 rows (584 B), "
                f"not --kv-dtype {wl.kv_dtype}",
                hint="use --kv-dtype fp8, or leave it out (SGLang's default for V4)",
            )

        if wl.mode.trains:
            raise BadInputError(
                "SGLang serves models; it does not train them", hint="use --engine transformers"
            )
        mamba1 = spec.recurrent is not None and spec.recurrent.kind == "mamba" and self._state_layers(spec)
        if mamba1 and any(map(spec.has_kv, range(spec.num_layers))):
            # srt/models has mamba.py and falcon_mamba.py (pure Mamba-1) but no Jamba-style hybrid.
            raise BadInputError(
                f"SGLang {SGLANG_VERSION_MODELLED} implements Mamba-1 only in pure-SSM models; "
                f"{spec.name} mixes Mamba-1 with attention",
                hint="use --engine vllm or --engine llama.cpp, which llmsize models for this model",
            )

    def notes(self, spec: ModelSpec, wl: Workload) -> tuple[str, ...]:
        notes = super().notes(spec, wl)
        notes += serving_context.max_len_note(
            "SGLang", "--context-length", serving_context.sglang_derived_context_len(spec), wl, refuses=False
        )
        if wl.kv_dtype == "fp4_e2m1":
            # REFERENCE: memory_pool.py MHATokenToKVPoolFP4 / MLATokenToKVPoolFP4.
            notes += (
                "--kv-dtype fp4_e2m1: SGLang's FP4 KV pool, 9 bytes per 16 values (E2M1 pairs + one "
                "exponent scale per 16)",
            )
        if self._state_layers(spec):
            notes += (
                "SGLang keeps each request's linear-attention / Mamba state in a MambaPool sized before "
                "the KV pool (conv window in bf16, SSM state in "
                f"{wl.mamba_ssm_dtype or 'float32'}); only attention layers get KV cells",
            )
        if (deepep := sglang_moe_a2a.deepep_note(spec, wl)) is not None:
            notes += (deepep,)
        return notes

    def context_limit(self, spec: ModelSpec, wl: Workload) -> int:
        """The longest --context-length SGLang starts with (serving_context.py)."""
        return serving_context.context_limit(spec, wl, serving_context.sglang_derived_context_len(spec))

    def context_warning(self, spec: ModelSpec, wl: Workload) -> str | None:
        """A --context above the derived length: refused, or past the trained length (serving_context.py)."""
        derived = serving_context.sglang_derived_context_len(spec)
        return serving_context.context_warning("SGLang", "--context-length", derived, wl)

    def default_context(self, total_vram: int, spec: ModelSpec) -> int | None:
        """Without --context: the default, or the derived length where shorter (serving_context.py)."""
        del total_vram
        return serving_context.default_context(serving_context.sglang_derived_context_len(spec))

    def launch_env(self, spec: ModelSpec, wl: Workload) -> tuple[str, ...]:
        """SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1 when --allow-long-context sizes a longer context."""
        return serving_context.launch_env("SGLang", wl, serving_context.sglang_derived_context_len(spec))
