"""The mmproj file of a vision-language GGUF: when llama-server loads it and what it weighs.

convert_hf_to_gguf.py writes a vision-language model's text model into its GGUF and the vision tower and
projector into a separate mmproj file (MmprojModel); tools/mtmd loads that file only with --mmproj, into
its own clip context on the first GPU backend (clip.cpp `clip_model_loader`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.mmproj import F16_BYTES

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec, WeightFormat


def separate_mmproj(spec: ModelSpec, wl: Workload, fmt: WeightFormat) -> bool:
    """A vision-language model's GGUF holds the text model; its vision tower and projector are the
    separate mmproj file that llama-server loads only with --mmproj (tools/mtmd, its own clip context),
    so neither model buffer holds it. REFERENCE: convert_hf_to_gguf.py writes the tower only with
    --mmproj (MmprojModel); llama-model.cpp load_tensors creates no vision tensor. A run that sends
    images, audio or video (or says --mmproj) loads that file too: tools/mtmd clip.cpp
    clip_model_loader puts its tensors on the GPU backend unless --no-mmproj-offload (mtmd
    use_gpu), so its weights count then (mmproj_bytes)."""
    if mmproj_loaded(wl):
        return False
    return gguf_file(fmt) and tower_in_mmproj(spec)


def mmproj_bytes(spec: ModelSpec, wl: Workload, fmt: WeightFormat) -> int:
    """The loaded mmproj file's weights (clip.cpp's "load_hparams: model size"): the tower and
    projector a vision-language GGUF leaves out, as the published mmproj-*-f16.gguf files hold them
    (estimate/mmproj.py); 0 when no mmproj is loaded. estimate/weights.py counts the same
    parameters at F16 ("other.extra"), so place_weights moves those off the host."""
    from llmsize.estimate.mmproj import mmproj_file_bytes

    if not mmproj_loaded(wl) or not gguf_file(fmt) or not tower_in_mmproj(spec):
        return 0
    if spec.vision is None:  # a tower whose structure is not restated: its parameters at F16
        return spec.extra_params * F16_BYTES
    return mmproj_file_bytes(spec)


# Wrappers whose `extra_params` are exactly the tower and projector the converter writes to the mmproj
# file, though their tower has no VisionTower (specs/vision_tower.py UNMODELLED_TOWERS), so `spec.vision`
# cannot say so. REFERENCE: convert_hf_to_gguf.py `InternVisionModel(MmprojModel).filter_tensors` keeps
# only the names under vision_model / mlp (mlp1, the projector) / model.vision_tower /
# model.multi_modal_projector, the whole of what specs/hf_config/multimodal.py `_internvl_extra` counts;
# the text model's GGUF takes the decoder alone. GLM-4.1V/4.5V/4.6V: `Glm4VVisionModel` (an MmprojModel,
# registered for Glm4vForConditionalGeneration and Glm4vMoeForConditionalGeneration) writes the vision
# tower, downsample and merger, what multimodal.py counts as their extra parameters; the text side is
# the GLM-4 / `Glm4MoeModel` TextModel registered for the same architectures.
_TOWER_ONLY_EXTRA = frozenset({"internvl", "internvl_chat", "glm4v", "glm4v_moe"})


def tower_in_mmproj(spec: ModelSpec) -> bool:
    """Whether the model's extra parameters are a vision tower that convert_hf_to_gguf.py writes to the
    mmproj file rather than the text GGUF: a tower llmsize models (`spec.vision`), or one of the wrappers
    whose extra parameters are that tower alone (_TOWER_ONLY_EXTRA)."""
    if not spec.extra_params:
        return False
    return spec.vision is not None or spec.model_type in _TOWER_ONLY_EXTRA


def gguf_file(fmt: WeightFormat) -> bool:
    """Whether llama.cpp runs `fmt` as a GGUF of the text model: a GGUF type, or a float checkpoint
    (convert_hf_to_gguf.py writes it as an F16/BF16 GGUF, the tower only with --mmproj)."""
    from llmsize.specs.models import QuantMethod

    return fmt.quant in (QuantMethod.GGUF, None)


def tower_in_model_bytes(spec: ModelSpec, fmt: WeightFormat) -> int:
    """What estimate/weights.py counts for the tower's parameters ("other.extra") when they are loaded:
    F16 in a GGUF, the checkpoint's float type otherwise; the mmproj file replaces them."""
    from llmsize.specs.models import QuantMethod
    from llmsize.units import bytes_per_element

    if fmt.quant == QuantMethod.GGUF:
        return spec.extra_params * 2
    return int(spec.extra_params * bytes_per_element(fmt.dtype))


def mmproj_loaded(wl: Workload) -> bool:
    """Whether llama-server runs with its --mmproj file: said so (`mmproj`), else exactly when the
    request sends images, audio or video (tools/mtmd refuses media without it)."""
    if wl.mmproj is not None:
        return wl.mmproj
    return bool(wl.images or wl.audio_seconds or wl.video_frames)
