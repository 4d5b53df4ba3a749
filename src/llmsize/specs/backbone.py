"""Multimodal releases whose config.json is not bundled but whose model card names a bundled language model
as their backbone: the name takes that decoder's exact spec (its real layer kinds, cache and widths), marked
approximate, instead of a dense shape scaled to the size in the name, and says which tower is left out.

NVIDIA-Nemotron-Nano-12B-v2-VL: the card (huggingface.co/nvidia/NVIDIA-Nemotron-Nano-12B-v2-VL-BF16,
"Model Architecture") states "Vision Encoder: CRadioV2-H Language Encoder: NVIDIA-Nemotron-Nano-12B-v2" and
"Number of model parameters: 12.6B"; the FP8 release card states "Backbone LLM: NVIDIA-Nemotron-Nano-12B-v2".
Before, the name was sized as a 50-layer Llama-3.1-8B shape of 12B: full attention on every layer (a KV cache
the Mamba-2 hybrid does not have) and no Mamba state.
"""

from __future__ import annotations

from llmsize.specs.models import ModelSpec, Provenance, ProvenanceKind, WeightFormat

# lower-case name prefix (repo owner dropped) -> (bundled decoder, the card's words, what is not counted)
BACKBONES: dict[str, tuple[str, str, str]] = {
    "nvidia-nemotron-nano-12b-v2-vl": (
        "NVIDIA-Nemotron-Nano-12B-v2",
        "model card: Vision Encoder CRadioV2-H, Language Encoder NVIDIA-Nemotron-Nano-12B-v2, "
        "12.6B parameters",
        "the C-RADIOv2-H vision encoder and its projector (the card's 12.6B in all less this decoder)",
    ),
}
BACKBONES["nemotron-nano-12b-v2-vl"] = BACKBONES["nvidia-nemotron-nano-12b-v2-vl"]
BACKBONES["nvidia-nemotron-nano-vl-12b-v2"] = BACKBONES["nvidia-nemotron-nano-12b-v2-vl"]


def backbone_spec(name: str, fmt: WeightFormat | None = None) -> ModelSpec | None:
    """The bundled decoder a multimodal name's card names as its backbone, marked approximate; else None."""
    from llmsize.specs import catalog

    low = name.strip().lower().replace("_", "-").replace(" ", "-").rsplit("/", 1)[-1]
    hit = next((v for k, v in BACKBONES.items() if low.startswith(k)), None)
    if hit is None:
        return None
    entry = catalog.get(hit[0])
    if entry is None:
        return None
    decoder = catalog.spec_for(entry)
    warning = (
        f"{name.strip()!r} is not bundled: sized as its backbone {decoder.name} ({hit[1]}); "
        f"not counted: {hit[2]}"
    )
    update: dict[str, object] = {
        "name": name.strip(),
        "approximate": True,
        "provenance": Provenance(
            kind=ProvenanceKind.APPROXIMATE,
            source=f"{decoder.name} decoder ({decoder.provenance.source})",
            note=f"backbone named by the {hit[1]}",
        ),
        "warnings": (*decoder.warnings, warning),
    }
    if fmt is not None:
        update["weight_format"] = fmt
    return decoder.model_copy(update=update)
