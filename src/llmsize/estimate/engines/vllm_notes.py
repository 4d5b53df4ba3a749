"""The notes an estimate carries for vLLM: release, profile-run settings, NVFP4, DeepSeek V4, DeepEP.

Split out of vllm.py (`Vllm` composes it); each note points at the module whose rule it states.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import (
    server_releases,
    serving_context,
    vllm_all2all,
    vllm_dsv4,
    vllm_v0_only,
)
from llmsize.estimate.engines.vllm_launch import (
    VllmLaunch,
)
from llmsize.estimate.engines.vllm_speed import SPEED_V0 as SPEED_V0
from llmsize.estimate.engines.vllm_speed import SPEED_V1_SYNC as SPEED_V1_SYNC
from llmsize.estimate.workload import Workload

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec


class VllmNotes(VllmLaunch):
    """What the estimate says about the vLLM run it assumed."""

    def notes(self, spec: ModelSpec, wl: Workload) -> tuple[str, ...]:
        release = (
            f"vLLM {vllm_dsv4.VLLM_RELEASES} (the release whose DeepSeek V4 layout is modelled; the rest "
            f"as in {self.version})"
            if spec.compressed is not None
            else f"{self.describe()} (the release whose allocation rules are modelled)"
        )
        notes: tuple[str, ...] = (
            f"engine: {release}",
            f"vLLM profile run: {self.batched_tokens():,} batched tokens, {self.max_seqs():,} sequences "
            "(vLLM's defaults are 8,192 / 1,024 on GPUs of >= 70 GiB other than A100, else 2,048 / 256; "
            "--max-num-batched-tokens / --max-num-seqs); KV blocks of "
            f"{self.block_tokens(spec)} tokens within --gpu-memory-utilization {wl.gpu_memory_utilization}",
        )
        notes += serving_context.max_len_note(
            "vLLM", "--max-model-len", serving_context.vllm_derived_max_len(spec), wl, refuses=True
        )
        if wl.engine_version is not None:
            # --engine-version picks the release's speed profile; memory stays the modelled release's.
            profile = vllm_v0_only.speed_name(
                server_releases.vllm_speed_name(wl.engine_version, wl.enforce_eager), spec.architecture,
                server_releases.release(wl.engine_version, "vLLM", "0.6.3"), wl.enforce_eager)
            notes += (f"speed: vLLM {wl.engine_version} decodes as profile '{profile}' "
                      "(estimate/engines/server_releases.py); memory as the modelled release",)
        if wl.kv_dtype == "nvfp4":
            # REFERENCE: vllm-project/vllm PR #40177 (merged after v0.19.0): the NVFP4 cache is read
            # through FlashInfer's trtllm-gen kernels, which exist for datacenter Blackwell (SM100).
            notes += (
                "--kv-dtype nvfp4: vLLM's packed NVFP4 cache, 9 bytes per 16 values (4-bit E2M1 + one "
                "E4M3 scale per 16); it needs a vLLM newer than 0.19 (PR #40177) and a Blackwell "
                "SM100 GPU (FlashInfer trtllm-gen)",
            )
        if spec.compressed is not None:
            plan = vllm_dsv4.layout(spec, range(spec.num_layers), self.block_tokens(spec))
            notes += (
                f"DeepSeek V4 on vLLM ({vllm_dsv4.VLLM_RELEASES}): fp8_ds_mla pooled entries, fp8 indexer "
                f"keys, fp32 compressor state and the {spec.sliding_window}-token window packed into "
                f"{len(plan.groups)} groups sharing block ids of {plan.stride_bytes:,} B "
                f"({plan.tuples} layer tuples x {sum(plan.page_sizes):,} B); without the MTP layer's cache",
            )
        if (deepep := vllm_all2all.deepep_note(spec, wl)) is not None:
            notes += (deepep,)
        if (ignored := vllm_all2all.ignored(spec, wl)) is not None:
            notes += (ignored,)
        return notes

    def quant_options(self) -> tuple[str, ...]:
        return ("fp8", "gptq-int8", "awq", "gptq", "nvfp4")
