"""Audio inputs: the tokens S seconds of speech add to the context, as each model's processor counts them.

Each rule restates the feature extractor and processor code of transformers 5.23 for the tower kind
(specs/audio_tower.py) and cites the function. The extractor truncates a clip at 30 s
(`max_length` 480,000 samples), so S seconds are sent as ceil(S / 30) clips of at most 30 s (the way
a client splits a long recording); the clips of a batch are padded to the longest
(`padding="longest"`) and encoded together. `decoder_workload` in images.py's manner folds the audio
tokens into every sequence's prompt; the tower's transient memory is estimate/activations/audio.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmsize.errors import BadInputError
from llmsize.estimate.workload import Workload
from llmsize.specs.audio_tower import PAD_TO_MULTIPLE, UNMODELLED_AUDIO, AudioTower
from llmsize.specs.models import ModelSpec


def clip_samples(tower: AudioTower, seconds: float) -> list[int]:
    """Samples of each clip: S seconds at the extractor's rate, cut into clips of at most 30 s."""
    total = round(seconds * tower.sampling_rate)
    full, rest = divmod(total, tower.max_clip_samples)
    return [tower.max_clip_samples] * full + ([rest] if rest else [])


def mel_frames(tower: AudioTower, samples: int) -> int:
    """Log-mel frames the extractor returns for a clip of `samples`, after `pad_to_multiple_of` 128.

    feature_extraction_gemma3n.py `_extract_spectrogram`: frames of frame_length + 1 samples every
    hop; feature_extraction_gemma4.py prepends frame_length // 2 zeros first (semicausal padding).
    """
    if tower.kind == "whisper":  # WhisperFeatureExtractor padded to 30 s: 480,000 / 160 frames
        return tower.max_clip_samples // tower.hop_samples
    padded = -(-samples // PAD_TO_MULTIPLE) * PAD_TO_MULTIPLE
    if tower.kind == "gemma4":
        padded += tower.frame_samples // 2
    return max(0, (padded - (tower.frame_samples + 1)) // tower.hop_samples + 1)


def _halve(t: int) -> int:
    """One stride-2 conv of kernel 3 along time: Gemma 3n pads (0, 2) (reverse causal), Gemma 4
    (1, 1); both give (t + 2 - 3) // 2 + 1."""
    return (t - 1) // 2 + 1 if t > 0 else 0


def encoder_frames(tower: AudioTower, frames: int) -> int:
    """Frames the conformer blocks run on: the mel frames after the two stride-2 sub-sampling convs."""
    return _halve(_halve(frames))


def clip_tokens(tower: AudioTower, samples: int) -> int:
    """Soft tokens one clip becomes (before the processor's delimiters).

    Gemma 3n (processing_gemma3n.py `full_audio_sequence`, modeling_gemma3n.py Gemma3nModel.forward
    pads the features to audio_soft_tokens_per_image): always 188. Gemma 4 (processing_gemma4.py
    `_compute_audio_num_tokens`): the unpadded clip's mel frames through the two stride-2 convs,
    capped at audio_seq_length 750 (40 ms a token).
    """
    if tower.fixed_tokens:
        return tower.fixed_tokens
    if tower.kind == "whisper":
        # processing_qwen2_audio.py: the extractor's mask, taken every hop, counts ceil(n / 160)
        # frames; the conv's stride 2 and the encoder's 2x average pool: (((L - 1) // 2 + 1) - 2) // 2 + 1
        frames = min(-(-samples // tower.hop_samples), tower.max_clip_samples // tower.hop_samples)
        return ((frames - 1) // 2 + 1 - 2) // 2 + 1 if frames > 0 else 0
    frames = (samples + tower.frame_samples // 2 - (tower.frame_samples + 1)) // tower.hop_samples + 1
    return min(encoder_frames(tower, max(0, frames)), tower.max_tokens)


def audio_tower_of(spec: ModelSpec) -> AudioTower:
    """The spec's audio tower, or the one-line reason audio cannot be sized for it (exit 2)."""
    if spec.audio is not None:
        return spec.audio
    if spec.model_type in UNMODELLED_AUDIO:
        raise BadInputError(
            f"{spec.name} ({spec.model_type}): llmsize does not read this speech model's audio tower yet",
            hint="leave out --audio-seconds; audio inputs are modelled for Gemma 3n, Gemma 4 E2B/E4B and "
            "Qwen2-Audio",
        )
    raise BadInputError(
        f"{spec.name} has no audio tower: it takes no speech, so --audio-seconds does not apply",
        hint="pick a speech-capable model (gemma-3n-E4B-it, gemma-4-E4B-it, a Qwen2-Audio config.json)",
    )


@dataclass(frozen=True)
class AudioLoad:
    """S seconds of audio per sequence for one model: its clips and what they add."""

    tower: AudioTower
    seconds: float
    clips: tuple[int, ...]  # samples of each clip

    @property
    def tokens_per_clip(self) -> tuple[int, ...]:
        return tuple(clip_tokens(self.tower, n) for n in self.clips)

    @property
    def tokens(self) -> int:
        """Tokens the audio adds to each sequence: soft tokens and delimiters of every clip."""
        return sum(self.tokens_per_clip) + len(self.clips) * self.tower.wrapper_tokens

    @property
    def features(self) -> int:
        """Soft-token rows handed to the decoder per sequence."""
        return sum(self.tokens_per_clip)

    @property
    def frames(self) -> int:
        """Mel frames of each clip in the batch (padded to the longest clip)."""
        return mel_frames(self.tower, max(self.clips))

    def note(self) -> str:
        t = self.tower
        n = len(self.clips)
        return (
            f"{self.seconds:g} s of audio ({t.kind} feature extractor, {t.sampling_rate // 1000} kHz, "
            f"{n} clip{'s' if n != 1 else ''} of at most {t.max_clip_seconds:g} s): {self.features:,} soft "
            f"tokens + {n * t.wrapper_tokens} delimiter tokens = {self.tokens:,} tokens added to the context "
            "of each sequence; --context and a fit's max context count the text beside them"
        )


def audio_load(spec: ModelSpec, wl: Workload) -> AudioLoad | None:
    """The audio of `wl` for `spec`, or None when the workload sends none."""
    if not wl.audio_seconds:
        return None
    tower = audio_tower_of(spec)
    clips = clip_samples(tower, wl.audio_seconds)
    if not clips or mel_frames(tower, max(clips)) == 0:
        raise BadInputError(
            f"--audio-seconds {wl.audio_seconds:g} is shorter than one {tower.kind} audio frame "
            f"({(tower.frame_samples + 1) / tower.sampling_rate * 1000:g} ms)",
            hint="give at least 0.1 seconds",
        )
    return AudioLoad(tower, wl.audio_seconds, tuple(clips))


def decoder_workload(wl: Workload, load: AudioLoad | None) -> Workload:
    """`wl` as the decoder runs it: the audio tokens join the prompt (and so the context) of every
    sequence; `audio_seconds` is cleared so that the tokens are never added twice."""
    if load is None:
        return wl
    # the tower that encoded them is loaded (llama.cpp: the --mmproj file, its weights on the GPU)
    update: dict[str, object] = {
        "context": wl.context + load.tokens,
        "audio_seconds": 0.0,
        "mmproj": True,
    }
    if wl.prompt_tokens is not None:
        update["prompt_tokens"] = wl.prompt_tokens + load.tokens
    return wl.model_copy(update=update)
