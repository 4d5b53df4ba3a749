"""The audio tower's structure, as far as the tokens and the transient memory of audio inputs need it.

`ModelSpec.audio` describes the audio encoder of a checkpoint that takes speech: how its feature
extractor turns S seconds of 16 kHz audio into log-mel frames, how the encoder sub-samples them into
soft tokens, and the encoder's shape. Its parameters stay in `extra_params` (specs/hf_config/
gemma3n.py and multimodal.py count them); this is the part an audio *input* needs. Each field is a fact of
config.json or of the feature extractor's / processor's defaults where config.json is silent (named
per field). `audio_tower_from_config` is the one place that maps a model_type to an audio tower kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from llmsize.errors import ConfigError
from llmsize.records import ConfigDict, Field, Record

AudioKind = Literal["gemma3n", "gemma4", "whisper"]

# REFERENCE: transformers 5.23 feature_extraction_gemma3n.py Gemma3nAudioFeatureExtractor and
# feature_extraction_gemma4.py Gemma4AudioFeatureExtractor: sampling_rate 16000, hop_length_ms 10
# (160 samples), __call__ max_length 480_000 samples (30 s, truncation=True), pad_to_multiple_of 128.
SAMPLING_RATE = 16_000
HOP_SAMPLES = 160
MAX_CLIP_SAMPLES = 480_000
PAD_TO_MULTIPLE = 128


class AudioTower(Record):
    """The audio encoder of a speech-capable model: framing, sub-sampling and conformer shape."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    kind: AudioKind
    depth: int = Field(gt=0, description="conformer blocks")
    hidden_size: int = Field(gt=0)
    num_heads: int = Field(gt=0)
    mel_bins: int = Field(gt=0, description="input_feat_size (Gemma 3n) / the extractor's feature_size")
    conv_channels: tuple[int, int] = Field(description="the two sub-sampling convs' output channels")
    conv_kernel_size: int = Field(gt=0, description="the light conv's depthwise kernel")
    chunk_size: int = Field(gt=0, description="local attention block (query chunk)")
    context_left: int = Field(gt=0, description="attention_context_left (past frames incl. self)")
    context_right: int = Field(ge=0)
    reduction_factor: int = Field(
        default=1, gt=0, description="Gemma 3n keeps every k-th frame after the blocks"
    )
    frame_samples: int = Field(
        gt=0, description="STFT frame length in samples (32 ms Gemma 3n, 20 ms Gemma 4)"
    )
    hop_samples: int = Field(default=HOP_SAMPLES, gt=0)
    sampling_rate: int = Field(default=SAMPLING_RATE, gt=0)
    max_clip_samples: int = Field(
        default=MAX_CLIP_SAMPLES, gt=0, description="the extractor truncates a clip here"
    )
    fixed_tokens: int = Field(
        default=0, ge=0, description="soft tokens per clip whatever its length (Gemma 3n)"
    )
    max_tokens: int = Field(default=0, ge=0, description="cap on a clip's soft tokens (Gemma 4)")
    wrapper_tokens: int = Field(ge=0, description="the processor's delimiters around each clip's soft tokens")
    out_hidden_size: int = Field(gt=0, description="width of one audio token handed to the decoder")
    encoder_output_size: int = Field(
        gt=0, description="width of the tower's output (Gemma 4 output_proj_dims)"
    )
    intermediate_size: int = Field(default=0, ge=0, description="feed-forward width (0: 4 x hidden)")

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_heads

    @property
    def context_size(self) -> int:
        """Keys each query chunk attends: the chunk, the past horizon and the future horizon."""
        return self.chunk_size + self.context_left - 1 + self.context_right

    @property
    def max_clip_seconds(self) -> float:
        return self.max_clip_samples / self.sampling_rate


def _int(section: Mapping[str, Any], key: str, default: int | None, where: str) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"config.json ({where}): {key} must be a positive integer, not {value!r}")
    return value


def _pair(section: Mapping[str, Any], key: str, default: tuple[int, int], where: str) -> tuple[int, int]:
    value = section.get(key, default)
    if not (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, int) and v > 0 for v in value)
    ):
        raise ConfigError(f"config.json ({where}): {key} must be two positive integers, not {value!r}")
    return int(value[0]), int(value[1])


def _gemma3n(config: Mapping[str, Any]) -> AudioTower:
    a = config.get("audio_config") or {}
    text = config.get("text_config") or {}
    w = "gemma3n audio_config"
    strides = a.get("sscp_conv_stride_size", ((2, 2), (2, 2)))
    if [list(s) for s in strides] != [[2, 2], [2, 2]]:
        raise ConfigError(
            f"config.json ({w}): llmsize models sub-sampling strides (2, 2), (2, 2), not {strides!r}"
        )
    # configuration_gemma3n.py Gemma3nAudioConfig defaults; Gemma3nConfig.audio_soft_tokens_per_image
    # 188; processing_gemma3n.py full_audio_sequence = "\n\n" <boa> 188 x <audio> <eoa> "\n\n";
    # feature_extraction_gemma3n.py frame_length_ms 32 (512 samples)
    h = _int(a, "hidden_size", 1536, w)
    return AudioTower(
        kind="gemma3n",
        depth=_int(a, "conf_num_hidden_layers", 12, w),
        hidden_size=h,
        num_heads=_int(a, "conf_num_attention_heads", 8, w),
        mel_bins=_int(a, "input_feat_size", 128, w),
        conv_channels=_pair(a, "sscp_conv_channel_size", (128, 32), w),
        conv_kernel_size=_int(a, "conf_conv_kernel_size", 5, w),
        chunk_size=_int(a, "conf_attention_chunk_size", 12, w),
        context_left=_int(a, "conf_attention_context_left", 13, w),
        context_right=int(a.get("conf_attention_context_right", 0) or 0),
        reduction_factor=_int(a, "conf_reduction_factor", 4, w),
        frame_samples=512,
        fixed_tokens=_int(config, "audio_soft_tokens_per_image", 188, "gemma3n"),
        wrapper_tokens=4,
        out_hidden_size=_int(text, "hidden_size", None, "gemma3n"),
        encoder_output_size=h,
    )


def _gemma4(config: Mapping[str, Any]) -> AudioTower:
    a = config.get("audio_config") or {}
    text = config.get("text_config") or {}
    w = "gemma4 audio_config"
    # configuration_gemma4.py Gemma4AudioConfig defaults; processing_gemma4.py audio_seq_length 750
    # (cap) and replace_audio_token: <boa> N x <audio> <eoa>; feature_extraction_gemma4.py
    # frame_length_ms 20 (320 samples)
    h = _int(a, "hidden_size", 1024, w)
    return AudioTower(
        kind="gemma4",
        depth=_int(a, "num_hidden_layers", 12, w),
        hidden_size=h,
        num_heads=_int(a, "num_attention_heads", 8, w),
        mel_bins=128,
        conv_channels=_pair(a, "subsampling_conv_channels", (128, 32), w),
        conv_kernel_size=_int(a, "conv_kernel_size", 5, w),
        chunk_size=_int(a, "attention_chunk_size", 12, w),
        context_left=_int(a, "attention_context_left", 13, w),
        context_right=int(a.get("attention_context_right", 0) or 0),
        frame_samples=320,
        max_tokens=750,
        wrapper_tokens=2,
        out_hidden_size=_int(text, "hidden_size", None, "gemma4"),
        encoder_output_size=_int(a, "output_proj_dims", 1536, w),
    )


def _qwen2_audio(config: Mapping[str, Any]) -> AudioTower:
    a = config.get("audio_config") or {}
    text = config.get("text_config") or {}
    w = "qwen2_audio audio_config"
    # configuration_qwen2_audio.py Qwen2AudioEncoderConfig defaults; WhisperFeatureExtractor (400-sample
    # frames every 160, 30 s padded, Qwen2AudioProcessor pads to max_length); the encoder attends over
    # all max_source_positions (1500) frames after its stride-2 conv: one block, no chunking;
    # processing_qwen2_audio.py: the chat template's <|audio_bos|> and <|audio_eos|> around the clip
    d = _int(a, "d_model", 1280, w)
    positions = _int(a, "max_source_positions", 1500, w)
    return AudioTower(
        kind="whisper",
        depth=_int(a, "encoder_layers", 32, w),
        hidden_size=d,
        num_heads=_int(a, "encoder_attention_heads", 20, w),
        mel_bins=_int(a, "num_mel_bins", 128, w),
        conv_channels=(d, d),
        conv_kernel_size=3,
        chunk_size=positions,
        context_left=1,
        context_right=0,
        frame_samples=400,
        max_tokens=positions // 2,
        wrapper_tokens=2,
        out_hidden_size=_int(text, "hidden_size", None, "qwen2_audio"),
        encoder_output_size=d,
        intermediate_size=_int(a, "encoder_ffn_dim", 5120, w),
    )


def audio_tower_from_config(config: Mapping[str, Any], model_type: str) -> AudioTower | None:
    """The audio tower of a config.json, or None (no audio tower, or one not modelled yet)."""
    if not isinstance(config.get("audio_config"), Mapping):
        return None
    if model_type == "gemma3n":
        return _gemma3n(config)
    if model_type == "gemma4":
        return _gemma4(config)
    if model_type == "qwen2_audio":
        return _qwen2_audio(config)
    return None


# Speech models whose configs llmsize does not read yet: `--audio-seconds` names them in its refusal.
# gemma4_unified (gemma-4-12B-it) takes raw 40 ms waveform frames through one projection (embed_audio,
# counted in its weights by specs/hf_config/gemma4_unified.py); its audio tokens are not modelled yet.
UNMODELLED_AUDIO: frozenset[str] = frozenset(
    {"qwen2_5_omni", "qwen3_omni_moe", "voxtral", "phi4_multimodal", "kimi_audio", "gemma4_unified"}
)
