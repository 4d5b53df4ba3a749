"""What vLLM refuses before sizing a launch: training, bad releases and layouts, block sizes, towers.

Split out of vllm.py (`Vllm` composes it). Each refusal names the vLLM 0.19 rule behind it: the vision
tower's TP split (`vllm/config/multimodal.py` MultiModalConfig.mm_encoder_tp_mode, estimate/encoder_tp.py),
-dcp (vllm_dcp.py), --all2all-backend (vllm_all2all.py), --dp/--ep (vllm_expert_parallel.py), --block-size
(`vllm/config/cache.py` BlockSize), DeepSeek V4's fp8-only cache (vllm_dsv4.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import (
    attention_backend_names,
    server_releases,
    vllm_all2all,
    vllm_cudagraph_mode,
    vllm_dcp,
    vllm_dsv4,
    vllm_expert_parallel,
    vllm_language_only,
)
from llmsize.estimate.engines.vllm_launch import (
    BLOCK_SIZES,
    VllmLaunch,
)
from llmsize.estimate.engines.vllm_speed import SPEED_V0 as SPEED_V0
from llmsize.estimate.engines.vllm_speed import SPEED_V1_SYNC as SPEED_V1_SYNC
from llmsize.estimate.workload import Workload

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec


class VllmChecks(VllmLaunch):
    """vLLM's refusals at launch, before any memory is sized."""

    def encoder_tp(self, spec: ModelSpec, wl: Workload) -> int:
        """The vision tower's blocks split over the TP ranks (--mm-encoder-tp-mode weights, the default);
        `data` keeps it whole on each rank for models that declare supports_encoder_tp_data, and falls
        back to weights for the others (vllm/config/multimodal.py MultiModalConfig.mm_encoder_tp_mode;
        estimate/encoder_tp.py)."""
        from llmsize.estimate.encoder_tp import data_parallel

        return 1 if wl.mm_encoder_tp_mode == "data" and data_parallel(spec) else wl.tp

    def tp_problem(self, spec: ModelSpec, tp: int) -> str | None:
        """A vision tower split over `tp` ranks whose heads or MLP width `tp` does not divide: vLLM 0.19
        asserts while building it (encoder_tp.indivisible); `--mm-encoder-tp-mode data` keeps it whole on
        the models that honour it (vision.py is_vit_use_data_parallel). Later vLLM main builds pass the
        head count to is_vit_use_data_parallel and fall back to data parallelism themselves; 0.19 does not.
        A TP degree that -dcp does not divide comes first (vllm_dcp.problem)."""
        from llmsize.estimate.encoder_tp import indivisible

        dcp = vllm_dcp.problem(self.wl.decode_context_parallel, tp)
        if dcp is not None:
            return dcp
        if self.encoder_tp(spec, self.wl.model_copy(update={"tp": tp})) <= 1:
            return None
        problem = indivisible(spec, tp)
        if problem is None:
            return None
        from llmsize.estimate.encoder_tp import data_parallel

        way = "add --mm-encoder-tp-mode data (each rank keeps the whole tower) or "
        way = way if data_parallel(spec) else ""
        return f"vLLM cannot start: {problem}; {way}use a TP degree that divides it"

    def validate(self, spec: ModelSpec, wl: Workload) -> None:
        super().validate(spec, wl)
        from llmsize.errors import BadInputError

        if wl.mode.trains:
            raise BadInputError(
                "vLLM serves models; it does not train them", hint="use --engine transformers"
            )
        from llmsize.estimate.speculative import require_tokens

        require_tokens(wl, "vLLM")
        server_releases.vllm_speed_name(wl.engine_version, wl.enforce_eager)  # a bad release exits 2
        vllm_dcp.check(wl.decode_context_parallel, wl.tp)
        vllm_language_only.check(wl)
        vllm_cudagraph_mode.resolve(wl.cudagraph_mode)  # an unknown mode exits 2
        backend = attention_backend_names.vllm_problem(wl.attention_backend)
        if backend is not None:
            raise BadInputError(backend)
        a2a = vllm_all2all.problem(spec, wl)
        if a2a is not None:
            raise BadInputError(a2a)
        layout = vllm_expert_parallel.problem(spec, wl)
        if layout is not None:
            problem, _, hint = layout.partition("; ")
            raise BadInputError(problem, hint=hint)
        tower = self.tp_problem(spec, wl.tp)
        if tower is not None:
            problem, _, hint = tower.partition("; ")
            raise BadInputError(problem, hint=hint)
        if wl.block_size is not None and wl.block_size not in BLOCK_SIZES:
            raise BadInputError(
                f"--block-size {wl.block_size} is not one vLLM accepts",
                hint=f"choose one of {', '.join(map(str, BLOCK_SIZES))} (vllm/config/cache.py BlockSize)",
            )
        if spec.compressed is not None:
            if wl.kv_dtype is not None and str(wl.kv_dtype) != "fp8":
                raise BadInputError(
                    f"vLLM runs DeepSeek V4 with an fp8 cache only, not --kv-dtype {wl.kv_dtype} "
                    "(DeepseekV4MLAAttention converts fp8 to its fp8_ds_mla layout)",
                    hint="use --kv-dtype fp8, or leave it out",
                )
            vllm_dsv4.check(spec, self.block_tokens(spec))
