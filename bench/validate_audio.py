"""Audio inputs: estimate vs a real-tensor trace of the audio tower, for docs/validation.md.

    python bench/validate_audio.py            # every row (about a minute on a busy CPU)
    python bench/validate_audio.py --quick    # one row per family

Each row takes the catalog's Gemma 3n / Gemma 4 E2B config.json (the towers at their published
widths, fewer conformer blocks where the row says so), runs the model's own feature extractor on
silence of the given lengths and the audio tower + embed_audio on its output with real tensors under
the phase tracker (llmsize/measure/audio_trace.py), and compares: the soft tokens per clip
(llmsize's count against the processor's own arithmetic on the extractor's mask), the mel frames,
and the tower's transient peak with `audio_tower_bytes`. Prints the markdown rows.
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# (label, catalog entry, audio_config changes, seconds per sequence, sequences)
ROWS: list[tuple[str, str, dict[str, Any], float, int]] = [
    ("gemma3n USM (12 blocks)", "gemma-3n-E2B-it", {}, 4.0, 1),
    ("gemma3n USM (2 blocks)", "gemma-3n-E2B-it", {"conf_num_hidden_layers": 2}, 30.0, 1),
    ("gemma3n USM (2 blocks)", "gemma-3n-E2B-it", {"conf_num_hidden_layers": 2}, 45.0, 1),
    (
        "gemma3n (h8192, conv 8/8)",
        "gemma-3n-E2B-it",
        {"hidden_size": 8192, "conf_num_hidden_layers": 1, "sscp_conv_channel_size": [8, 8]},
        3.0,
        1,
    ),
    ("gemma4 conformer (12 blocks)", "gemma-4-E2B-it", {}, 4.0, 1),
    ("gemma4 conformer (2 blocks)", "gemma-4-E2B-it", {"num_hidden_layers": 2}, 30.0, 1),
    ("gemma4 conformer (2 blocks)", "gemma-4-E2B-it", {"num_hidden_layers": 2}, 7.3, 2),
    ("gemma4 (h4096)", "gemma-4-E2B-it", {"hidden_size": 4096, "num_hidden_layers": 1}, 3.0, 1),
]


def config(entry: str, audio: dict[str, Any]) -> dict[str, Any]:
    from llmsize.specs import catalog

    found = catalog.get(entry)
    if found is None:
        raise SystemExit(f"{entry} is not in the catalog")
    cfg: dict[str, Any] = copy.deepcopy(dict(found.model.config))
    cfg["audio_config"].update(audio)
    return cfg


def compare(entry: str, audio: dict[str, Any], seconds: float, sequences: int) -> tuple[Any, Any, int]:
    """(llmsize's AudioLoad, the trace, llmsize's tower peak) for `sequences` x `seconds` of audio."""
    from llmsize.estimate.activations.audio import audio_tower_bytes
    from llmsize.estimate.audio import audio_load
    from llmsize.estimate.workload import Workload
    from llmsize.measure.audio_trace import trace_audio
    from llmsize.specs.hf_config import spec_from_hf_config
    from llmsize.specs.models import Provenance, ProvenanceKind

    cfg = config(entry, audio)
    spec = spec_from_hf_config(
        cfg, name=entry, provenance=Provenance(kind=ProvenanceKind.LOCAL, source="bench")
    )
    load = audio_load(spec, Workload(audio_seconds=seconds, batch=sequences))
    if load is None:
        raise SystemExit("no audio load")
    clips = [n / load.tower.sampling_rate for n in load.clips] * sequences
    traced = trace_audio(cfg, clips_seconds=clips)
    return load, traced, audio_tower_bytes(load, sequences, 2).peak


def row(label: str, entry: str, audio: dict[str, Any], seconds: float, sequences: int) -> str:
    load, traced, est = compare(entry, audio, seconds, sequences)
    tokens = list(load.tokens_per_clip) * sequences
    same = "=" if tokens == traced.tokens and load.frames == traced.mel_frames else "!="
    return (
        f"| {label} | {sequences} x {seconds:g} s | {len(tokens)} | "
        f"{load.frames:,} {same} {traced.mel_frames:,} | "
        f"{'+'.join(map(str, tokens))} {same} {'+'.join(map(str, traced.tokens))} | {est:,} | "
        f"{traced.activations:,} | {est / traced.activations - 1:+.2%} |"
    )


# the whole prefill with audio: (wrapper, seconds, text tokens)
PREFILL_ROWS: list[tuple[str, float, int]] = [
    ("gemma4", 10.0, 64),
    ("gemma4", 45.0, 64),
    ("gemma4", 5.0, 6000),
    ("qwen2_audio", 10.0, 64),
    ("qwen2_audio", 45.0, 64),
    ("qwen2_audio", 5.0, 6000),
]


def qwen2_audio() -> dict[str, Any]:
    """transformers 5.23's Qwen2-Audio defaults (the published Whisper-large encoder widths, two of
    its 32 layers) with a two-layer Qwen2 decoder of width 256."""
    from transformers import AutoConfig

    cfg: dict[str, Any] = AutoConfig.for_model("qwen2_audio").to_dict()
    cfg["audio_config"].update({"encoder_layers": 2})
    text = cfg["text_config"]
    text.pop("layer_types", None)
    text.pop("max_window_layers", None)
    text.update(
        {
            "hidden_size": 256,
            "intermediate_size": 512,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "num_key_value_heads": 1,
            "vocab_size": 2048,
            "model_type": "qwen2",
        }
    )
    cfg.update({"audio_token_index": 2000, "audio_token_id": 2000})
    cfg["dtype"] = cfg["text_config"]["dtype"] = "bfloat16"
    return cfg


def gemma4_with_audio() -> dict[str, Any]:
    """bench/validate_images.py's shrunk gemma-4-31B-it, given gemma-4-E2B-it's audio tower (two
    conformer blocks, published widths) and audio token ids inside its small vocabulary."""
    sys.path.insert(0, str(ROOT / "bench"))
    import validate_images

    cfg = validate_images.gemma4()
    cfg["audio_config"] = config("gemma-4-E2B-it", {"num_hidden_layers": 2})["audio_config"]
    cfg.update({"audio_token_id": 4003, "boa_token_id": 4004, "eoa_token_index": 4005, "eoa_token_id": 4005})
    cfg["dtype"] = cfg["text_config"]["dtype"] = "bfloat16"
    return cfg


def compare_prefill(seconds: float, text: int, wrapper: str = "gemma4") -> tuple[Any, Any]:
    """(llmsize's Estimate, the trace) of one prefill of `text` tokens and `seconds` of audio."""
    from llmsize.estimate.core import estimate
    from llmsize.estimate.workload import Workload
    from llmsize.measure.audio_trace import trace_audio_prefill
    from llmsize.specs.hf_config import spec_from_hf_config
    from llmsize.specs.models import Provenance, ProvenanceKind

    cfg = gemma4_with_audio() if wrapper == "gemma4" else qwen2_audio()
    where = Provenance(kind=ProvenanceKind.LOCAL, source="bench")
    est = estimate(
        spec_from_hf_config(cfg, name="gemma4+audio", provenance=where),
        Workload(context=text, audio_seconds=seconds),
    )
    clips = [min(30.0, seconds - 30 * k) for k in range(-(-int(seconds * 1000) // 30_000))]
    return est, trace_audio_prefill(cfg, clips_seconds=clips, text_tokens=text)


LABELS = {
    "gemma4": "gemma4 (shrunk 31B decoder) + E2B audio tower (2 blocks)",
    "qwen2_audio": "qwen2_audio Whisper encoder (2 of 32 layers) + small Qwen2",
}


def prefill_row(wrapper: str, seconds: float, text: int) -> str:
    est, traced = compare_prefill(seconds, text, wrapper)
    peak_est = est.total_bytes - est.overhead_bytes
    peak = max(traced.audio_peak_bytes, traced.prefill_peak_bytes)
    where = "audio tower" if traced.audio_peak_bytes >= traced.prefill_peak_bytes else "decoder prefill"
    return (
        f"| {LABELS[wrapper]} | {seconds:g} s + {text:,} text | "
        f"{est.audio['features']:,} = {traced.tokens:,} | {peak_est:,} | {peak:,} | "
        f"{peak_est / peak - 1:+.2%} | {where} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one row per family")
    parser.add_argument("--prefill", action="store_true", help="the whole Gemma 4 prefill with audio")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    if args.prefill:
        print(
            "| configuration | audio + text | audio tokens llmsize = traced | peak est B | peak traced B "
            "| peak error | peak in |"
        )
        print("|---|---|---|---|---|---|---|")
        for wrapper, seconds, text in PREFILL_ROWS:
            print(prefill_row(wrapper, seconds, text), flush=True)
        return
    rows = [ROWS[0], ROWS[4]] if args.quick else ROWS
    print(
        "| configuration | audio | clips | mel frames llmsize = traced | tokens per clip llmsize = processor "
        "| tower est B | tower traced B | tower error |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for label, entry, audio, seconds, sequences in rows:
        start = time.perf_counter()
        print(row(label, entry, audio, seconds, sequences), flush=True)
        print(f"  ({time.perf_counter() - start:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
