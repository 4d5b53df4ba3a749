"""The mmproj file of a vision-language GGUF: when llama-server loads it and what it weighs.

convert_hf_to_gguf.py writes a vision-language model's text model into its GGUF and the vision tower and
projector into a separate mmproj file (MmprojModel); tools/mtmd loads that file only with --mmproj, into
its own clip context on the first GPU backend (clip.cpp `clip_model_loader`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    return gguf_file(fmt) and spec.vision is not None and spec.extra_params > 0


def mmproj_bytes(spec: ModelSpec, wl: Workload, fmt: WeightFormat) -> int:
    """The loaded mmproj file's weights (clip.cpp's "load_hparams: model size"): the tower and
    projector a vision-language GGUF leaves out, as the published mmproj-*-f16.gguf files hold them
    (estimate/mmproj.py); 0 when no mmproj is loaded. estimate/weights.py counts the same
    parameters at F16 ("other.extra"), so place_weights moves those off the host."""
    from llmsize.estimate.mmproj import mmproj_file_bytes

    if not mmproj_loaded(wl) or not gguf_file(fmt) or spec.vision is None:
        return 0
    return mmproj_file_bytes(spec)


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
