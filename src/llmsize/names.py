"""Model-name parsing: "Qwen2.5-7B-Instruct-GPTQ-Int4" -> ParsedName. Pure: no I/O.

Convention: series-version-size-training type-quant method-precision-other, with an optional
org prefix ("meta-llama/"), Ollama tags ("qwen2.5:7b-instruct-q4_K_M") and GGUF file names
("llama-2-7b-chat.Q4_K_M.gguf"). A part that is not understood is kept in `extra`, never dropped.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ParsedName(BaseModel):
    """What a model name says about the model. JSON keys are a DESIGN.md contract."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    raw: str
    org: str | None = None
    series: str | None = Field(default=None, description="family, e.g. 'qwen', 'llama', 'mixtral'")
    version: str | None = Field(default=None, description="e.g. '2.5', '3.1', '2', 'v0.1'")
    variant: str | None = Field(default=None, description="sub-family: coder, math, vl, distill, ...")
    params: int | None = Field(default=None, description="total parameters")
    active_params: int | None = Field(default=None, description="per-token parameters (MoE), else = params")
    experts: int | None = None
    size_label: str | None = Field(default=None, description="size as written: '7B', '8x7B', 'mini'")
    training_type: str | None = Field(default=None, description="instruct, chat, base, code, it, ...")
    quant_method: str | None = Field(default=None, description="gptq, awq, gguf, bnb, fp8, mlx, exl2, ...")
    bits: float | None = None
    gguf_type: str | None = Field(default=None, description="Q4_K_M, Q8_0, ...")
    context: int | None = Field(default=None, description="context length the name states (4k, 128k, 1M)")
    base_model: str | None = Field(default=None, description="distill target, e.g. 'Qwen' in ...-Distill-Qwen-14B")
    ollama_tag: str | None = None
    date: str | None = Field(default=None, description="release tag such as 2507")
    extra: tuple[str, ...] = Field(default=(), description="parts not understood, kept as written")

    def contract_dict(self) -> dict[str, object]:
        """The keys `llmsize parse --format json` promises (DESIGN.md), plus the rest."""
        return self.model_dump(mode="json")
