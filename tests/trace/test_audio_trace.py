"""Audio inputs against transformers 5.23 itself: the feature extractors' frames, the processors'
token counts and the audio tower's peak.

The real Gemma3nAudioFeatureExtractor / Gemma4AudioFeatureExtractor run on silence of the given
length; the tokens are the processor's own arithmetic on their mask (measure/audio_trace.py), and
the tower (at the published widths, two conformer blocks) encodes the clips on real tensors under
the phase tracker. A fast sample of bench/validate_audio.py (docs/validation.md, "Audio inputs").
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

# the configurations and the estimate-vs-trace comparison are the benchmark's (one home)
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import validate_audio

CASES: list[tuple[str, dict[str, Any], float, int]] = [
    ("gemma-3n-E2B-it", {"conf_num_hidden_layers": 2}, 45.0, 1),
    ("gemma-4-E2B-it", {"num_hidden_layers": 2}, 7.3, 2),
    ("gemma-4-E2B-it", {"num_hidden_layers": 1}, 0.37, 1),
]


@pytest.mark.parametrize(("entry", "audio", "seconds", "sequences"), CASES)
def test_frames_tokens_and_tower_peak_match_the_model(
    entry: str, audio: dict[str, Any], seconds: float, sequences: int
) -> None:
    load, traced, est = validate_audio.compare(entry, audio, seconds, sequences)
    assert load.frames == traced.mel_frames
    assert list(load.tokens_per_clip) * sequences == traced.tokens
    assert est == pytest.approx(traced.activations, rel=0.01)


def test_whole_gemma4_prefill_with_audio_matches_the_model() -> None:
    # the model checks its audio placeholders against the tower's features (torch_compilable_check)
    est, traced = validate_audio.compare_prefill(10.0, 64)
    assert traced.tokens == est.audio["features"] == 250
    peak = max(traced.audio_peak_bytes, traced.prefill_peak_bytes)
    assert est.total_bytes - est.overhead_bytes == pytest.approx(peak, rel=0.03)


def test_qwen2_audio_parameters_equal_transformers() -> None:
    # Qwen2AudioEncoder + Qwen2AudioMultiModalProjector at transformers 5.23's defaults
    import torch
    from transformers import AutoConfig
    from transformers.models.qwen2_audio import Qwen2AudioForConditionalGeneration

    from llmsize.specs.hf_config import spec_from_hf_config
    from llmsize.specs.models import Provenance, ProvenanceKind

    cfg = AutoConfig.for_model("qwen2_audio")
    with torch.device("meta"):
        model = Qwen2AudioForConditionalGeneration(cfg)
    where = Provenance(kind=ProvenanceKind.LOCAL, source="test")
    spec = spec_from_hf_config(cfg.to_dict(), name="qwen2-audio", provenance=where)
    tower = model.model.audio_tower
    extra = sum(p.numel() for p in tower.parameters())
    extra += sum(p.numel() for p in model.model.multi_modal_projector.parameters())
    assert spec.extra_params == extra
    assert spec.audio is not None and spec.audio.kind == "whisper"


@pytest.mark.parametrize("seconds", [10.0, 45.0])
def test_whole_qwen2_audio_prefill_matches_the_model(seconds: float) -> None:
    est, traced = validate_audio.compare_prefill(seconds, 64, "qwen2_audio")
    assert traced.tokens == est.audio["features"]
    peak = max(traced.audio_peak_bytes, traced.prefill_peak_bytes)
    assert est.total_bytes - est.overhead_bytes == pytest.approx(peak, rel=0.03)
