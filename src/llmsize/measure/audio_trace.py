"""Trace an audio tower encoding S seconds of speech on real tensors: its transient peak and its tokens.

Like vision_trace.py, the tower runs for real on the CPU (a small configuration is cheap) under the
phase tracker. What runs is the wrapper's `get_audio_features`: the audio tower on the feature
extractor's output (fp32 log-mel frames and their mask, as the extractor returns them, computed
here by the extractor itself from silence of the given length), then the `embed_audio` projection.
Gemma 3n's wrapper builds its MobileNet vision tower with timm, which the harness does not need:
the tower and the embedder are built alone, from the wrapper's audio and text configs.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

from llmsize.errors import BadInputError


@dataclass(frozen=True)
class AudioTrace:
    """Peak of one traced audio encoding (bytes of everything live, weights included)."""

    params_bytes: int
    buffers_bytes: int
    peak_bytes: int
    mel_frames: int  # per clip, as the extractor returned them (padded to the longest clip)
    tokens: list[int]  # soft tokens per clip, as the processor counts them from the extractor's mask

    @property
    def activations(self) -> int:
        return self.peak_bytes - self.params_bytes - self.buffers_bytes


def _extractor_and_modules(config: Any, dtype: Any) -> tuple[Any, Any, Any]:
    from transformers import AutoModel

    kind = str(config.model_type)
    if kind == "gemma3n":
        from transformers.models.gemma3n.feature_extraction_gemma3n import Gemma3nAudioFeatureExtractor
        from transformers.models.gemma3n.modeling_gemma3n import Gemma3nMultimodalEmbedder

        extractor: Any = Gemma3nAudioFeatureExtractor()
        embedder: Any = Gemma3nMultimodalEmbedder
    elif kind == "gemma4":
        from transformers.models.gemma4.feature_extraction_gemma4 import Gemma4AudioFeatureExtractor
        from transformers.models.gemma4.modeling_gemma4 import Gemma4MultimodalEmbedder

        extractor = Gemma4AudioFeatureExtractor()
        embedder = Gemma4MultimodalEmbedder
    else:
        raise BadInputError(f"config.json ({kind}) has no audio tower llmsize traces")
    tower = AutoModel.from_config(config.audio_config, dtype=dtype)  # type: ignore[no-untyped-call]
    embed = embedder(config.audio_config, config.text_config).to(dtype)
    return extractor, tower, embed


def _tokens(kind: str, mask: Any, fixed: int) -> int:
    """Soft tokens of one clip as the processor counts them (processing_gemma3n.py: fixed;
    processing_gemma4.py replace_audio_token: the mask through two stride-2 convs)."""
    if kind == "gemma3n":
        return fixed
    t = len(mask)
    for _ in range(2):
        out = (t + 2 - 3) // 2 + 1
        mask = mask[::2][:out]
        t = len(mask)
    return int(mask.sum())


def trace_audio(config: dict[str, Any], *, clips_seconds: list[float], dtype: str = "bf16") -> AudioTrace:
    """Encode one batch of clips (seconds each) with the audio tower of `config`, tracked."""
    import numpy as np
    import torch

    from llmsize.measure.build_model import hf_config, torch_dtype
    from llmsize.measure.phase_tracker import phase_tracker_class
    from llmsize.measure.tensor_bytes import weight_and_buffer_bytes

    cfg = hf_config(config)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        extractor, tower, embed = _extractor_and_modules(cfg, torch_dtype(dtype))
        waves = [np.zeros(round(s * extractor.sampling_rate), dtype=np.float32) for s in clips_seconds]
        feats = extractor(waves, return_tensors="np")
        for module in (tower, embed):
            for p in module.parameters():
                torch.nn.init.normal_(p, std=0.02)
        tower.eval()
        embed.eval()
        params, buffers = (
            a + b for a, b in zip(weight_and_buffer_bytes(tower), weight_and_buffer_bytes(embed), strict=True)
        )
        tracker = phase_tracker_class()()
        tracker.track_external(tower, embed)
        mask_np = feats["input_features_mask"]
        fixed = int(getattr(cfg, "audio_soft_tokens_per_image", 0) or 0)
        tokens = [_tokens(str(cfg.model_type), m, fixed) for m in mask_np]
        with tracker, torch.no_grad():
            tracker.phase = "audio"
            mel = torch.tensor(feats["input_features"], dtype=torch.float32)
            mask = torch.tensor(mask_np, dtype=torch.bool)
            # the wrappers' get_audio_features: Gemma 3n passes the inverted mask (True = padding)
            out = tower(mel, ~mask if cfg.model_type == "gemma3n" else mask, return_dict=True)
            features = embed(inputs_embeds=out.last_hidden_state)
            del out, features
    return AudioTrace(params, buffers, tracker.phase_peaks["audio"][0], int(mel.shape[1]), tokens)


@dataclass(frozen=True)
class AudioPrefillTrace:
    """Peaks of one traced prefill with audio (bytes of everything live, weights included)."""

    params_bytes: int
    buffers_bytes: int
    audio_peak_bytes: int
    prefill_peak_bytes: int
    tokens: int  # audio placeholders in the prompt (the model checks them against its features)


def trace_audio_prefill(
    config: dict[str, Any], *, clips_seconds: list[float], text_tokens: int = 64, dtype: str = "bf16"
) -> AudioPrefillTrace:
    """Run one prefill of `text_tokens` text tokens and the clips (each clip's soft tokens between
    <boa> and <eoa>, as processing_gemma4.py lays them out) on the whole Gemma 4 model of `config`,
    tracked: the `audio` phase is the wrapper's get_audio_features, `prefill` the rest."""
    import numpy as np
    import torch

    from llmsize.measure.build_model import build_fake_model, hf_config, torch_dtype
    from llmsize.measure.fused_sdpa import fused_sdpa_patched
    from llmsize.measure.phase_tracker import phase_tracker_class
    from llmsize.measure.tensor_bytes import weight_and_buffer_bytes
    from llmsize.measure.vision_trace import _phase

    cfg = hf_config(config)
    kind = str(cfg.model_type)
    if kind not in ("gemma4", "qwen2_audio"):
        raise BadInputError(f"config.json ({kind}): the audio prefill trace models Gemma 4 and Qwen2-Audio")
    if kind == "qwen2_audio":
        return _qwen2_audio_prefill(cfg, clips_seconds, text_tokens, dtype)
    from transformers.models.gemma4.feature_extraction_gemma4 import Gemma4AudioFeatureExtractor

    extractor = Gemma4AudioFeatureExtractor()
    with warnings.catch_warnings(), fused_sdpa_patched():
        warnings.simplefilter("ignore")
        model = build_fake_model(cfg, torch_dtype(dtype), None)  # each tower its default (audio: eager)
        for p in model.parameters():
            torch.nn.init.normal_(p, std=0.02)
        params, buffers = weight_and_buffer_bytes(model)
        waves = [np.zeros(round(s * extractor.sampling_rate), dtype=np.float32) for s in clips_seconds]
        feats = extractor(waves, return_tensors="np")
        counts = [_tokens("gemma4", m, 0) for m in feats["input_features_mask"]]
        tracker = phase_tracker_class()()
        tracker.track_external(model)
        with tracker, torch.no_grad(), _phase(tracker, model.model, "audio", "get_audio_features"):
            tracker.phase = "prefill"
            body: list[int] = []
            for n in counts:
                body += [int(cfg.boa_token_id), *([int(cfg.audio_token_id)] * n), int(cfg.eoa_token_index)]
            ids = torch.cat([torch.randint(3, 1000, (1, text_tokens)), torch.tensor([body])], dim=1)
            out = model(
                input_ids=ids,
                input_features=torch.tensor(feats["input_features"], dtype=torch.float32),
                input_features_mask=torch.tensor(feats["input_features_mask"], dtype=torch.bool),
                use_cache=True,
                logits_to_keep=1,
            )
            del out
    peaks = tracker.phase_peaks
    return AudioPrefillTrace(params, buffers, peaks["audio"][0], peaks["prefill"][0], sum(counts))


def _qwen2_audio_prefill(
    cfg: Any, clips_seconds: list[float], text_tokens: int, dtype: str
) -> AudioPrefillTrace:
    """Qwen2-Audio: WhisperFeatureExtractor (128 bins, padded to 30 s, its mask every hop) as
    Qwen2AudioProcessor calls it; each clip's <|AUDIO|> placeholders between two text tokens (the
    chat template's <|audio_bos|> and <|audio_eos|>); the `audio` phase is the audio tower's forward."""
    import numpy as np
    import torch
    from transformers import Qwen2AudioForConditionalGeneration, WhisperFeatureExtractor
    from transformers.initialization import no_init_weights

    from llmsize.measure.build_model import torch_dtype
    from llmsize.measure.fused_sdpa import fused_sdpa_patched
    from llmsize.measure.phase_tracker import phase_tracker_class
    from llmsize.measure.tensor_bytes import weight_and_buffer_bytes
    from llmsize.measure.vision_trace import _phase

    extractor = WhisperFeatureExtractor(feature_size=128, sampling_rate=16_000)  # type: ignore[no-untyped-call]
    with warnings.catch_warnings(), fused_sdpa_patched():
        warnings.simplefilter("ignore")
        with no_init_weights():  # AutoModelForImageTextToText does not map Qwen2-Audio
            model = Qwen2AudioForConditionalGeneration(cfg).to(torch_dtype(dtype)).eval()
        for p in model.parameters():
            torch.nn.init.normal_(p, std=0.02)
        params, buffers = weight_and_buffer_bytes(model)
        waves = [np.zeros(round(s * extractor.sampling_rate), dtype=np.float32) for s in clips_seconds]
        feats = extractor(waves, return_attention_mask=True, padding="max_length", return_tensors="np")
        lengths = feats["attention_mask"].sum(-1).tolist()
        counts = [(((n - 1) // 2 + 1) - 2) // 2 + 1 for n in lengths]  # processing_qwen2_audio.py
        tracker = phase_tracker_class()()
        tracker.track_external(model)
        with tracker, torch.no_grad(), _phase(tracker, model.model.audio_tower, "audio", "forward"):
            tracker.phase = "prefill"
            token = int(cfg.audio_token_id)
            body: list[int] = []
            for n in counts:
                body += [7, *([token] * n), 8]
            ids = torch.cat([torch.randint(10, 1000, (1, text_tokens)), torch.tensor([body])], dim=1)
            out = model(
                input_ids=ids,
                input_features=torch.tensor(feats["input_features"], dtype=torch.float32),
                feature_attention_mask=torch.tensor(feats["attention_mask"], dtype=torch.long),
                use_cache=True,
                logits_to_keep=1,
            )
            del out
    peaks = tracker.phase_peaks
    return AudioPrefillTrace(params, buffers, peaks["audio"][0], peaks["prefill"][0], sum(counts))
