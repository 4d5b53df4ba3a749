"""Image inputs: estimate vs a real-tensor trace of a vision-language prefill, for docs/validation.md.

    python bench/validate_images.py            # every row (a few minutes on a busy CPU)
    python bench/validate_images.py --quick    # one row per family

Each row builds a small configuration of a wrapper from its transformers 5.23 defaults (a few tower
and decoder layers, small widths, the published tower's MLP-to-width ratio), runs one prefill of 64
text tokens plus N images of W x H with real tensors under the phase tracker
(llmsize/measure/vision_trace.py), and compares: the image tokens (llmsize's count is what the
traced prompt holds; the model raises if its features differ), the tower's transient peak, and the
whole prefill's peak (weights included) with `estimate()`. Prints the markdown rows.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def qwen2_5_vl(h: int = 128, inter: int = 342) -> dict[str, Any]:
    from transformers import AutoConfig

    cfg: dict[str, Any] = AutoConfig.for_model("qwen2_5_vl").to_dict()
    cfg["vision_config"].update(
        {
            "depth": 4,
            "hidden_size": h,
            "num_heads": 4,
            "intermediate_size": inter,
            "fullatt_block_indexes": [1, 3],
            "out_hidden_size": 256,
        }
    )
    cfg["text_config"].update(
        {
            "hidden_size": 256,
            "intermediate_size": 512,
            "num_attention_heads": 2,
            "num_key_value_heads": 1,
            "num_hidden_layers": 2,
            "vocab_size": 2048,
        }
    )
    cfg["text_config"].pop("layer_types", None)
    cfg["text_config"].pop("max_window_layers", None)
    cfg.update(
        {
            "image_token_id": 2000,
            "video_token_id": 2001,
            "vision_start_token_id": 2002,
            "vision_end_token_id": 2003,
        }
    )
    return cfg


def qwen3_vl() -> dict[str, Any]:
    from transformers import AutoConfig

    cfg: dict[str, Any] = AutoConfig.for_model("qwen3_vl").to_dict()
    cfg["vision_config"].update(
        {
            "depth": 4,
            "hidden_size": 64,
            "num_heads": 4,
            "intermediate_size": 240,
            "out_hidden_size": 256,
            "deepstack_visual_indexes": [1, 2],
            "num_position_embeddings": 256,
        }
    )
    cfg["text_config"].update(
        {
            "hidden_size": 256,
            "intermediate_size": 512,
            "num_attention_heads": 2,
            "num_key_value_heads": 1,
            "head_dim": 128,
            "num_hidden_layers": 2,
            "vocab_size": 2048,
        }
    )
    cfg["text_config"].pop("layer_types", None)
    cfg.update(
        {
            "image_token_id": 2000,
            "video_token_id": 2001,
            "vision_start_token_id": 2002,
            "vision_end_token_id": 2003,
        }
    )
    return cfg


def gemma3(h: int = 64, inter: int = 240) -> dict[str, Any]:
    from transformers import AutoConfig

    cfg: dict[str, Any] = AutoConfig.for_model("gemma3").to_dict()
    cfg["vision_config"].update(
        {
            "num_hidden_layers": 2,
            "hidden_size": h,
            "num_attention_heads": 4,
            "intermediate_size": inter,
            "image_size": 224,
            "patch_size": 14,
        }
    )
    cfg["text_config"].update(
        {
            "hidden_size": 256,
            "intermediate_size": 512,
            "num_attention_heads": 2,
            "num_key_value_heads": 1,
            "head_dim": 128,
            "num_hidden_layers": 2,
            "vocab_size": 4096,
        }
    )
    cfg["text_config"].pop("layer_types", None)
    cfg.update(
        {
            "mm_tokens_per_image": 64,
            "image_token_index": 4000,
            "boi_token_index": 4001,
            "eoi_token_index": 4002,
        }
    )
    return cfg


def llama4() -> dict[str, Any]:
    from transformers import AutoConfig

    cfg: dict[str, Any] = AutoConfig.for_model("llama4").to_dict()
    cfg["vision_config"].update(
        {
            "num_hidden_layers": 2,
            "hidden_size": 64,
            "num_attention_heads": 4,
            "intermediate_size": 256,
            "projector_input_dim": 256,
            "projector_output_dim": 256,
            "vision_output_dim": 256,
        }
    )
    cfg["text_config"].update(
        {
            "hidden_size": 256,
            "intermediate_size": 256,
            "intermediate_size_mlp": 512,
            "num_attention_heads": 2,
            "num_key_value_heads": 1,
            "head_dim": 128,
            "num_hidden_layers": 2,
            "num_local_experts": 2,
            "vocab_size": 2048,
            "moe_layers": None,
            "no_rope_layers": None,
            "layer_types": None,
        }
    )
    cfg.update({"image_token_index": 2000, "boi_token_index": 2001, "eoi_token_index": 2002})
    return cfg


def mistral3() -> dict[str, Any]:
    from transformers import AutoConfig

    cfg: dict[str, Any] = AutoConfig.for_model("mistral3").to_dict()
    cfg["vision_config"].update(
        {
            "num_hidden_layers": 2,
            "hidden_size": 64,
            "num_attention_heads": 4,
            "head_dim": 16,
            "intermediate_size": 256,
            "image_size": 448,
            "patch_size": 14,
        }
    )
    cfg["text_config"].update(
        {
            "hidden_size": 256,
            "intermediate_size": 512,
            "num_attention_heads": 2,
            "num_key_value_heads": 1,
            "head_dim": 128,
            "num_hidden_layers": 2,
            "vocab_size": 2048,
        }
    )
    cfg.update({"image_token_index": 2000})
    return cfg


def gemma4() -> dict[str, Any]:
    """From the catalog's gemma-4-31B-it config.json (AutoConfig's gemma4 default has no tower)."""
    import copy

    from llmsize.specs import catalog

    entry = catalog.get("gemma-4-31B-it")
    assert entry is not None
    cfg: dict[str, Any] = copy.deepcopy(dict(entry.model.config))
    cfg["vision_config"].update(
        {
            "num_hidden_layers": 2,
            "hidden_size": 64,
            "num_attention_heads": 4,
            "num_key_value_heads": 4,
            "head_dim": 16,
            "global_head_dim": 16,
            "intermediate_size": 240,
        }
    )
    cfg["text_config"].update(
        {
            "hidden_size": 256,
            "intermediate_size": 512,
            "num_attention_heads": 2,
            "num_key_value_heads": 1,
            "num_global_key_value_heads": 1,
            "head_dim": 128,
            "global_head_dim": 128,
            "num_hidden_layers": 2,
            "vocab_size": 4096,
            "layer_types": ["sliding_attention", "full_attention"],
        }
    )
    ids = {"image_token_id": 4000, "boi_token_id": 4001, "eoi_token_id": 4002, "video_token_id": 4006}
    cfg.update({**ids, "audio_config": None})
    return cfg


def kimi_k25() -> dict[str, Any]:
    """From the catalog's Kimi-K2.5 config.json, the DeepSeek-V3 decoder and MoonViT shrunk."""
    import copy

    from llmsize.specs import catalog

    entry = catalog.get("Kimi-K2.5")
    assert entry is not None
    cfg: dict[str, Any] = copy.deepcopy(dict(entry.model.config))
    cfg.pop("quantization_config", None)
    cfg["text_config"].pop("quantization_config", None)
    cfg["vision_config"].update(
        {"num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 240}
    )
    cfg["projection_hidden_size"] = 64
    cfg["text_config"].update(
        {
            "hidden_size": 256,
            "intermediate_size": 512,
            "moe_intermediate_size": 64,
            "num_hidden_layers": 2,
            "first_k_dense_replace": 1,
            "n_routed_experts": 4,
            "num_experts_per_tok": 2,
            "n_group": 1,
            "topk_group": 1,
            "num_attention_heads": 4,
            "num_key_value_heads": 4,
            "q_lora_rank": 64,
            "kv_lora_rank": 32,
            "qk_nope_head_dim": 32,
            "qk_rope_head_dim": 16,
            "v_head_dim": 32,
            "vocab_size": 4096,
        }
    )
    cfg.update(
        {
            "image_token_id": 4000,
            "video_token_id": 4001,
            "vision_start_token_id": 4002,
            "vision_end_token_id": 4003,
        }
    )
    return cfg


ROWS: list[tuple[str, Any, int, tuple[int, int], str]] = [
    ("qwen2_5_vl (h128, i342)", qwen2_5_vl, 1, (448, 448), "sdpa"),
    ("qwen2_5_vl (h128, i342)", qwen2_5_vl, 4, (280, 224), "sdpa"),
    ("qwen2_5_vl (h64, i171)", lambda: qwen2_5_vl(64, 171), 3, (500, 300), "sdpa"),
    ("qwen3_vl (h64, i240)", qwen3_vl, 2, (320, 256), "sdpa"),
    ("llama4 (h64, i256)", llama4, 1, (500, 300), "sdpa"),
    ("mistral3 Pixtral (h64, i256)", mistral3, 2, (448, 336), "sdpa"),
    ("gemma3 SigLIP (h64, i240)", gemma3, 1, (1024, 768), "sdpa"),
    ("gemma3 SigLIP (h64, i240)", gemma3, 4, (640, 480), "sdpa"),
    ("gemma3 SigLIP (h128, i478)", lambda: gemma3(128, 478), 2, (100, 100), "sdpa"),
    ("qwen2_5_vl (h128, i342)", qwen2_5_vl, 2, (448, 448), "eager"),
    ("qwen3_vl (h64, i240)", qwen3_vl, 2, (320, 256), "eager"),
    ("llama4 (h64, i256)", llama4, 1, (500, 300), "eager"),
    ("mistral3 Pixtral (h64, i256)", mistral3, 2, (448, 336), "eager"),
    ("gemma3 SigLIP (h64, i240)", gemma3, 2, (224, 224), "eager"),
    ("gemma4 (h64, i240)", gemma4, 2, (640, 480), "sdpa"),
    ("kimi_k25 MoonViT (h64, i240)", kimi_k25, 2, (448, 336), "sdpa"),
    ("gemma4 (h64, i240)", gemma4, 1, (1280, 720), "eager"),
]

# one video per sequence: (label, config, sampled frames, frame size, attention)
VIDEO_ROWS: list[tuple[str, Any, int, tuple[int, int], str]] = [
    ("qwen2_5_vl (h128, i342)", qwen2_5_vl, 8, (280, 224), "sdpa"),
    ("qwen2_5_vl (h64, i171)", lambda: qwen2_5_vl(64, 171), 5, (500, 300), "sdpa"),
    ("qwen3_vl (h64, i240)", qwen3_vl, 6, (320, 256), "sdpa"),
    ("qwen3_vl (h64, i240)", qwen3_vl, 24, (640, 360), "sdpa"),
    ("qwen2_5_vl (h128, i342)", qwen2_5_vl, 4, (448, 448), "eager"),
    ("qwen3_vl (h64, i240)", qwen3_vl, 6, (320, 256), "eager"),
    ("gemma4 (h64, i240)", gemma4, 8, (1280, 720), "sdpa"),
    ("gemma4 (h64, i240)", gemma4, 3, (640, 640), "sdpa"),
]

# Gemma 3n's MobileNetV5 alone (timm): (images, side); the processor sends 768 x 768
MOBILENET_ROWS: list[tuple[int, int]] = [(1, 768), (2, 384)]


def mobilenet_row(images: int, side: int) -> str:
    """The catalog's gemma-3n-E2B-it vision tower (published widths) on `images` side x side images."""
    import copy

    from llmsize.estimate.activations.vision import mobilenet_bytes
    from llmsize.estimate.images import ImageLoad, image_grid
    from llmsize.measure.vision_trace import trace_vision_tower
    from llmsize.specs import catalog

    entry = catalog.get("gemma-3n-E2B-it")
    assert entry is not None
    tower = catalog.spec_for(entry).vision
    assert tower is not None
    tower = tower.model_copy(update={"image_size": side})
    load = ImageLoad(tower, images, side, side, image_grid(tower, side, side))
    est = mobilenet_bytes(load, 1, 0, 0, 2).peak
    traced = trace_vision_tower(copy.deepcopy(dict(entry.model.config)), images=images, side=side)
    return (
        f"| gemma3n MobileNetV5-300M (published) | {images} x {side}x{side} | "
        f"{load.grid.features * images} | "
        f"{est:,} | {traced:,} | {est / traced - 1:+.2%} |"
    )


@dataclass(frozen=True)
class Comparison:
    """One estimate beside its real-tensor trace (tests/trace/test_images_trace.py uses it too)."""

    load: Any  # llmsize.estimate.images.ImageLoad
    traced: Any  # llmsize.measure.vision_trace's trace result
    tower_est: int
    peak_est: int
    peak_traced: int


def compare(label: str, make: Any, images: int, size: tuple[int, int], attention: str) -> Comparison:
    """Estimate and trace one prefill of 64 text tokens plus `images` images of `size`."""
    from llmsize.estimate.activations.vision import tower_bytes
    from llmsize.estimate.core import estimate
    from llmsize.estimate.images import image_load
    from llmsize.estimate.workload import Workload
    from llmsize.measure.build_model import hf_config
    from llmsize.measure.vision_trace import trace_images
    from llmsize.specs.hf_config import spec_from_hf_config
    from llmsize.specs.models import Provenance, ProvenanceKind

    config = make()
    config["dtype"] = config["text_config"]["dtype"] = "bfloat16"
    full = hf_config(config).to_dict()
    # Gemma 4's to_dict() adds per_layer_config, which llmsize refuses: its own config is complete
    source = config if config.get("model_type") in ("gemma4", "kimi_k25") else full
    spec = spec_from_hf_config(
        source, name=label, provenance=Provenance(kind=ProvenanceKind.LOCAL, source="bench")
    )
    text = 64
    wl = Workload(context=text, images=images, image_size=size, attention=attention)
    load = image_load(spec, wl)
    assert load is not None
    # the traced prompt: the text, then each image's placeholders between its delimiters
    traced = trace_images(
        full, images=images, width=size[0], height=size[1], text_tokens=text, attention=attention
    )
    tower = tower_bytes(load, 1, text + load.tokens, spec.hidden_size, 2, eager=attention == "eager").peak
    est = estimate(spec, wl)
    return Comparison(load=load, traced=traced, tower_est=tower,
                      peak_est=est.total_bytes - est.overhead_bytes,
                      peak_traced=max(traced.vision_peak_bytes, traced.prefill_peak_bytes))


def compare_video(label: str, make: Any, frames: int, size: tuple[int, int], attention: str) -> Comparison:
    """Estimate and trace one prefill of 64 text tokens plus one video of `frames` frames of `size`."""
    from llmsize.estimate.activations.vision import tower_bytes
    from llmsize.estimate.core import estimate
    from llmsize.estimate.video import video_load
    from llmsize.estimate.workload import Workload
    from llmsize.measure.build_model import hf_config
    from llmsize.measure.vision_trace import trace_images
    from llmsize.specs.hf_config import spec_from_hf_config
    from llmsize.specs.models import Provenance, ProvenanceKind

    config = make()
    config["dtype"] = config["text_config"]["dtype"] = "bfloat16"
    full = hf_config(config).to_dict()
    where = Provenance(kind=ProvenanceKind.LOCAL, source="bench")
    source = config if config.get("model_type") == "gemma4" else full  # as compare() does
    spec = spec_from_hf_config(source, name=label, provenance=where)
    text = 64
    wl = Workload(context=text, video_frames=frames, video_size=size, attention=attention)
    load = video_load(spec, wl)
    assert load is not None
    traced = trace_images(
        full, images=0, width=size[0], height=size[1], text_tokens=text, attention=attention,
        video_frames=frames,
    )
    images = load.as_images()
    tower = tower_bytes(images, 1, text + load.tokens, spec.hidden_size, 2, eager=attention == "eager").peak
    est = estimate(spec, wl)
    return Comparison(load=load, traced=traced, tower_est=tower,
                      peak_est=est.total_bytes - est.overhead_bytes,
                      peak_traced=max(traced.vision_peak_bytes, traced.prefill_peak_bytes))


def video_row(label: str, make: Any, frames: int, size: tuple[int, int], attention: str) -> str:
    c = compare_video(label, make, frames, size, attention)
    traced, load = c.traced, c.load
    phase = "tower" if traced.vision_peak_bytes >= traced.prefill_peak_bytes else "decoder prefill"
    return (
        f"| {label} | {attention} | {frames} frames of {size[0]}x{size[1]} | {load.grid.frames} | "
        f"{load.grid.patches:,} | {load.grid.features:,} = {traced.image_features:,} | "
        f"{load.grid.tokens:,} | {c.tower_est:,} | {traced.vision_activations:,} | "
        f"{c.tower_est / traced.vision_activations - 1:+.2%} | "
        f"{c.peak_est:,} | {c.peak_traced:,} | {c.peak_est / c.peak_traced - 1:+.2%} | {phase} |"
    )


def row(label: str, make: Any, images: int, size: tuple[int, int], attention: str) -> str:
    c = compare(label, make, images, size, attention)
    traced, load = c.traced, c.load
    phase = "tower" if traced.vision_peak_bytes >= traced.prefill_peak_bytes else "decoder prefill"
    patches = images * load.grid.patches
    return (
        f"| {label} | {attention} | {images} x {size[0]}x{size[1]} | {patches:,} | "
        f"{images * load.grid.features:,} = "
        f"{traced.image_features:,} | {c.tower_est:,} | {traced.vision_activations:,} | "
        f"{c.tower_est / traced.vision_activations - 1:+.2%} | {c.peak_est:,} | {c.peak_traced:,} | "
        f"{c.peak_est / c.peak_traced - 1:+.2%} | {phase} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one row per family")
    sys.path.insert(0, str(ROOT / "src"))
    parser.add_argument("--only", help="rows whose configuration contains this text")
    parser.add_argument("--video", action="store_true", help="the video rows instead of the image rows")
    parser.add_argument("--mobilenet", action="store_true", help="Gemma 3n's timm tower alone (needs timm)")
    args = parser.parse_args()
    if args.mobilenet:
        print("| tower | images | image tokens | tower est B | tower traced B | tower error |")
        print("|---|---|---|---|---|---|")
        for images, side in MOBILENET_ROWS:
            print(mobilenet_row(images, side), flush=True)
        return
    if args.video:
        print(
            "| configuration | attention | video | temporal groups | patches | video features llmsize = "
            "traced | tokens | tower est B | tower traced B | tower error | peak est B | peak traced B "
            "| peak error | peak in |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for label, make, frames, size, attention in VIDEO_ROWS[:2] if args.quick else VIDEO_ROWS:
            start = time.perf_counter()
            print(video_row(label, make, frames, size, attention), flush=True)
            print(f"  ({time.perf_counter() - start:.1f} s)", file=sys.stderr)
        return
    rows = [ROWS[0], ROWS[3], ROWS[6]] if args.quick else ROWS
    if args.only:
        rows = [r for r in rows if args.only in r[0]]
    print(
        "| configuration | attention | images | patches | image tokens llmsize = traced | tower est B "
        "| tower traced B | tower error | peak est B | peak traced B | peak error | peak in |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for label, make, images, size, attention in rows:
        start = time.perf_counter()
        print(row(label, make, images, size, attention), flush=True)
        print(f"  ({time.perf_counter() - start:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
