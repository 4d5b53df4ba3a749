"""The media a request carries, as the speed model sees them: the prompt the decoder prefills and
the encoder's time before it.

The decoder prefills the text and every image / video / audio placeholder token (estimate/images.py
`decoder_workload`, the same workload the memory model sizes), after the tower has encoded the
media (hardware/encoder_flops.py says where each engine runs it). The tower's FLOPs run at the
engine's 16-bit prefill share of the GPU's peak (speed_profiles.prefill_compute with quantized=False:
vLLM and SGLang keep the tower in the model dtype, llama.cpp's mmproj is an F16/BF16 file whatever
the decoder's quantization), split over the TP ranks the engine splits the tower across
(`Engine.encoder_tp`: vLLM's and SGLang's parallel ViT layers; 1 for transformers and llama.cpp).
Each request's encoder pass is counted, so a batch of B prompts costs B passes (the serving paths
take their prefill from the same seconds). No constant of this module was fitted: the share is the
engine's decoder-prefill share.
"""

from __future__ import annotations

from llmsize.estimate import audio, images, video
from llmsize.estimate.engines import engine_for
from llmsize.estimate.workload import Workload
from llmsize.hardware.encoder_flops import image_encoder_flops
from llmsize.specs.models import ModelSpec


def media_speed_workload(spec: ModelSpec, wl: Workload) -> tuple[Workload, float, float, int]:
    """(the decoder's workload, tower FLOPs and their attention part per sequence, the tower's TP)."""
    if not (wl.images or wl.audio_seconds or wl.video_frames):
        return wl, 0.0, 0.0, 1
    load, sound, clip = images.image_load(spec, wl), audio.audio_load(spec, wl), video.video_load(spec, wl)
    decoder = video.decoder_workload(audio.decoder_workload(images.decoder_workload(wl, load), sound), clip)
    flops = attention = 0.0
    for one in (load, clip.as_images() if clip is not None else None):
        if one is not None:
            f, a = image_encoder_flops(one)
            flops, attention = flops + f, attention + a
    tp = engine_for(wl).encoder_tp(spec, wl) if flops else 1
    return decoder, flops, attention, max(1, tp)


def encoder_seconds(flops: float, tp: int, batch: int, peak_flops: float, share: float) -> float:
    """Seconds the batch's encoder passes take: each sequence's tower FLOPs at the engine's share."""
    if not flops or peak_flops <= 0 or share <= 0:
        return 0.0
    return batch * flops / (max(1, tp) * peak_flops * share)


def encoder_note(encoder_s: float, decoder_s: float, attention_share: float) -> str:
    """The TTFT split the speed output shows beside an estimate with media."""
    return (f"time to first token = vision encoder {encoder_s * 1e3:,.1f} ms + decoder prefill "
            f"{decoder_s * 1e3:,.1f} ms (the tower's FLOPs at the engine's 16-bit prefill rate, "
            f"{attention_share:.0%} of them in its attention; hardware/encoder_time.py)")
