"""Unsloth Dynamic Q4_K_XL files of Gated DeltaNet MoE models: the tensors read every token stay at Q8_0.

Unsloth's Qwen3.5 quantization study (https://unsloth.ai/docs/models/qwen3.5/gguf-benchmarks, "Some tensors
are very sensitive to quantization", the study behind the re-uploaded Qwen3.5 / Qwen3.6 dynamic files):
"ssm_out dramatically increases KLD and the disk space savings is minuscule ... Quantizing any attn_* is
especially sensitive for hybrid architectures, and so leaving them in higher precision works well", while
"ffn_up_exps and ffn_gate_exps are generally ok to quantize to 3bit". The higher type is Q8_0: a reading of
the UD-Q4_K_XL files' tensor tables (steampunque/Qwen3.5-27B-MP-GGUF discussion 1 on the Hugging Face Hub:
"SSM tensors (ssm_alpha, ssm_beta, ssm_out) get Q8_0 everywhere ... FFN tensors get Q4_K/Q5_K"). In a
3B-active MoE those always-read tensors (the DeltaNet and gated-attention projections, the shared expert)
carry about half of a token's weight bytes, so a Q4_K_M stand-in under-reads a decode step by ~0.6 GB.

Size check (not a fit; bench/speed_tables.yaml quant labels, llama-bench's printed size): Qwen3.6-35B-A3B
UD-Q4_K_XL 20.81 GiB (kyuz0/amd-r9700-ai-toolboxes llama-bench log), Qwen3.5-35B-A3B UD-Q4_K_XL 20.70 GiB;
Q4_K_M's rules give 19.71 GiB (-5.3%), these pins 20.30 GiB (-2.5%; the rest is the experts' own mix).
Not modelled: the 122B-A10B and 397B-A17B files are ~8-10% below Q4_K_M's rules (specs/unsloth.py), so
their routed experts sit below Q4_K_M's types, which no public table gives; with these pins their
stand-ins read 2-3 points further above the published sizes.
"""

from __future__ import annotations

from llmsize.specs.models import ModelSpec, QuantMethod, WeightFormat

# The file type an Unsloth Q4_K_XL name is sized as (specs/unsloth.NEAREST_FTYPE).
PINNED_FTYPE = "Q4_K_M"
# Attention, the DeltaNet mixer and the shared expert at Q8_0; the routed experts keep Q4_K_M's rules.
PINS: tuple[tuple[str, str], ...] = (("attn.*", "Q8_0"), ("mixer.*", "Q8_0"), ("shared_expert.*", "Q8_0"))
NOTE = (
    "Unsloth's dynamic Q4_K_XL files of Gated DeltaNet MoE models keep attention, the DeltaNet mixer and "
    "the shared expert at Q8_0 (unsloth.ai/docs/models/qwen3.5/gguf-benchmarks: attn_* and ssm_out left in "
    "higher precision); routed experts sized with Q4_K_M's rules"
)


def applies(spec: ModelSpec, fmt: WeightFormat, *, dynamic: bool) -> bool:
    """Whether `fmt` is an Unsloth Dynamic Q4_K_XL file (sized as Q4_K_M) of a Gated DeltaNet MoE model."""
    recurrent = spec.recurrent
    return (dynamic and fmt.quant == QuantMethod.GGUF and (fmt.gguf_type or "").upper() == PINNED_FTYPE
            and bool(spec.num_experts) and recurrent is not None and recurrent.kind == "gated_deltanet")
