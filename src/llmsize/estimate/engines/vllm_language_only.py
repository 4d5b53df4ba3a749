"""vLLM `--language-model-only`: a vision-language checkpoint served as text, its towers never built.

vLLM's MultiModalConfig.language_model_only (vllm/config/multimodal.py) sets every modality's
limit_mm_per_prompt to 0, and the multimodal models build their towers inside
SupportsMultiModal._mark_tower_model (vllm/model_executor/models/interfaces.py), which replaces a tower
by a StageMissingLayer, under no_init_weights, when all of its modalities are limited to 0 ("Tower model
components are automatically skipped when --limit-mm-per-prompt is set to zero for all of their
modalities"). So "Model loading took" holds the language model alone, and with no modality left to
profile the start-up profile runs the decoder and the sampler only (no encoder cache, no dummy images).
Check: Qwen3.6-27B bf16 on one A100 80GB, vLLM 0.20.1 (genn888/MASS_delivery
doc/qwen36_hpc_vllm_setup.md): "Model loading took 50.22 GiB memory", the 54.7 GB checkpoint less its
0.46 B-parameter vision tower (llmsize: 50.13 GiB; 50.99 GiB with the tower).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.errors import BadInputError

if TYPE_CHECKING:
    from llmsize.estimate.placement import Stage
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec, WeightFormat


def tower_bytes(spec: ModelSpec, wl: Workload, fmt: WeightFormat, stage: Stage) -> int:
    """Bytes of the checkpoint's `extra` parameters (vision / audio towers and their projectors) on this
    stage, which --language-model-only leaves out of the loaded model."""
    from llmsize.estimate.weights import shard_bytes, stage_shards

    return sum(
        shard_bytes(spec, s, fmt)
        for s in stage_shards(spec, wl, stage)
        if s.group.kind == "other" and s.group.name == "extra"
    )


def check(wl: Workload) -> None:
    """A text-only server cannot take the images, video or audio the workload asks for (by the engine's
    validation the media are tokens of the prompt already, with the tower marked loaded: `mmproj`)."""
    if wl.language_model_only and (wl.images or wl.video_frames or wl.audio_seconds or wl.mmproj):
        raise BadInputError(
            "--language-model-only serves text only: it cannot take --images, --video-frames or "
            "--audio-seconds",
            hint="leave --language-model-only out to keep the towers, or drop the media options",
        )
