"""The audio tower's transient memory: encoding every clip of a batch once at prefill.

The wrapper's forward calls `get_audio_features` on the extractor's fp32 log-mel frames (B clips x
T mel frames x 128 bins, padded to the longest clip) and its mask; the tower is a sub-sampling stem
(two stride-2 Conv2d) and conformer blocks with chunked local attention (transformers 5.23
modeling_gemma3n.py Gemma3nAudioEncoder, modeling_gemma4.py Gemma4AudioModel). Its peak is the
larger of two moments, on top of the mel frames and their mask:
- the first conv of the stem, over X = B x T/2 x 64 x 128 elements (a 2x2 stride on 128 bins and
  128 channels, 4,096 elements a mel frame, the largest tensors of the tower at the published
  widths): Gemma 3n keeps the conv output, its permuted copy and, inside
  Gemma3nAudioCumulativeGroupNorm, five fp32 tensors of that size (the fp32 input, a ones_like
  mask, the squared deviations, the normalised and the scaled values) while it casts the result
  back; Gemma 4 keeps the conv output, the LayerNorm output's contiguous copy and the ReLU output;
- one block's chunked attention over T' = T/4 frames in U = ceil(T'/chunk) blocks of `chunk`
  queries and `context` keys: the key and value blocks (context / chunk times the frames each) and
  the values' permuted copy, the padded query blocks, the probability-times-value product; the
  logits at B x heads x U x chunk x context a few times; and the block's inputs at T' x hidden.
  Gemma 4 runs q/k/v in fp32 (`.float()`), Gemma 3n in the compute dtype.
The feed-forward (4 x hidden) and the light conv hold less than the attention at these shapes.
Qwen2-Audio's Whisper encoder (`_whisper`) runs every clip padded to 3,000 frames, full attention
over 1,500 positions; its peak is a layer's feed-forward.
Trace-checked by bench/validate_audio.py (docs/validation.md, "Audio inputs").
"""

from __future__ import annotations

from dataclasses import dataclass

from llmsize.estimate.audio import AudioLoad, encoder_frames
from llmsize.specs.audio_tower import AudioTower


@dataclass(frozen=True)
class AudioTowerBytes:
    """The tower's transient peak and what the decoder's prefill still holds of it (bytes)."""

    peak: int
    residue: int
    stage: str


def _half(n: int) -> int:
    return (n - 1) // 2 + 1


def _stem(t: AudioTower, b: int, frames: int, e: int) -> int:
    """The stem's first (and for Gemma 3n also second) conv, with the mel frames held."""
    t1, f1 = _half(frames), _half(t.mel_bins)
    c0, c1 = t.conv_channels
    x0 = b * t1 * f1 * c0
    if t.kind == "gemma4":
        return 3 * x0 * e
    # the padded input cast to the compute dtype (time padded by 2, frequency by 1 a side), then
    # the cumulative group norm's five fp32 tensors beside the conv output and its permuted copy
    first = b * (frames + 2) * (t.mel_bins + 2) * e + x0 * (20 + 3 * e)
    x1 = b * _half(t1) * _half(f1) * c1
    second = x0 * e + b * c0 * (t1 + 2) * (f1 + 2) * e + x1 * (20 + 3 * e)
    return max(first, second)


def _attention(t: AudioTower, b: int, frames: int, e: int) -> int:
    """One block's chunked local attention (Gemma3nAudioAttention / Gemma4AudioAttention.forward)."""
    h, heads, w, c = t.hidden_size, t.num_heads, t.chunk_size, t.context_size
    t2 = encoder_frames(t, frames)
    blocks = b * -(-t2 // w)
    padded = blocks * w
    logits = blocks * heads * w * c
    if t.kind == "gemma4":
        f = 4  # q, k and v in fp32
        rel = (c // 2 + 1) * h * (f + e)  # relative position embeddings and their projection
        # the encoder's input, the feed-forward's output and the pre-attention norm (compute dtype);
        # key, value blocks and the values' permuted copy; the padded queries and the product;
        # the padded relative-shift logits, the probabilities and their batched copy; the 5-D mask
        return (
            3 * b * t2 * h * e
            + 3 * blocks * c * h * f
            + 2 * padded * h * f
            + blocks * heads * w * (c + 1) * f
            + 2 * logits * f
            + blocks * w * c * e
            + rel
        )
    # Gemma 3n: the encoder's input, the block input, its clamp and norm, k, v and the scaled q;
    # key, value blocks and the values' permuted copy; the padded queries, the product and its
    # reshaped copy; the masked logits, their softmax cast and the batched copy; the validity mask
    return 7 * b * t2 * h * e + 3 * blocks * c * h * e + 3 * padded * h * e + 3 * logits * e + blocks * w * c


def _whisper(t: AudioTower, b: int, frames: int, e: int) -> tuple[int, int, int]:
    """Qwen2-Audio's Whisper encoder (modeling_qwen2_audio.py Qwen2AudioEncoder.forward) on B clips
    of 3000 frames: (held besides the fp32 frames, the conv stem's peak, a layer's peak). The wrapper
    holds the feature mask (int64) and a B x 1500 x 1500 boolean attention mask
    (create_bidirectional_mask); the stem casts the frames, conv1 (3000 positions) and its GELU; the
    layers run on P = B x 1500 positions beside conv2's GELU output (the permuted view keeps it) and
    the encoder's input: the feed-forward holds the residual sum, the norm, fc1's output and its
    GELU; attention the input, norm, q, k, v, the fused output and SDPA's additive copy of the mask."""
    positions = frames // 2
    p, h = b * positions, t.hidden_size
    # the feature mask, the 4-D mask and its helpers; the frames' cast (the caller keeps the fp32 ones)
    held = b * frames * 8 + b * positions * positions + b * positions * (16 + e) + b * frames * t.mel_bins * e
    stem = 4 * p * h * e
    ffn = 2 * p * h * e + 2 * p * t.intermediate_size * e
    attention = 6 * p * h * e + b * positions * (positions + -positions % 16) * e
    return held, stem, 2 * p * h * e + max(ffn, attention)


def audio_tower_bytes(
    load: AudioLoad, sequences: int, e: int, prompt_tokens: int = 0, text_hidden: int = 0
) -> AudioTowerBytes:
    """Peak of encoding `load` for `sequences` sequences, in a compute dtype of `e` bytes; the
    prompt's embeddings (`prompt_tokens` a sequence, text and audio tokens, `text_hidden` wide)
    exist before the tower runs (the wrappers embed the prompt first)."""
    t = load.tower
    b = sequences * len(load.clips)
    frames = load.frames
    # the extractor's fp32 frames and the mask (Gemma 3n: and its inverse, get_audio_features' ~mask)
    held = b * frames * t.mel_bins * 4 + b * frames * (2 if t.kind == "gemma3n" else 1)
    held += sequences * prompt_tokens * text_hidden * e
    if t.kind == "whisper":
        more, stem, attention = _whisper(t, b, frames, e)
        held += more - b * frames
    else:
        stem, attention = _stem(t, b, frames, e), _attention(t, b, frames, e)
    block = "feed-forward of a layer" if t.kind == "whisper" else "chunked attention of a block"
    stage = "sub-sampling conv" if stem >= attention else block
    # after the tower: the frames, the tower's output and the projected soft tokens (Gemma 3n pads
    # them to 188 with a concatenated copy)
    out_frames = -(-encoder_frames(t, frames) // t.reduction_factor)  # Whisper: 2x conv then 2x pool
    copies = 2 if t.kind == "gemma3n" else 1
    residue = (
        b * frames * t.mel_bins * 4
        + b * out_frames * t.encoder_output_size * e
        + copies * sequences * load.features * t.out_hidden_size * e
    )
    return AudioTowerBytes(peak=held + max(stem, attention), residue=residue, stage=stage)
