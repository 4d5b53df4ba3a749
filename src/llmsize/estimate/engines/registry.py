"""Which engine module answers for a workload, and the engine chosen when the user names none."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fractions import Fraction
from importlib import import_module

from llmsize.estimate.engines.base import BaseEngine
from llmsize.estimate.memo import KeptPerObject
from llmsize.estimate.quant_formats import GGUF_FILE_TYPES
from llmsize.estimate.workload import Engine, Workload
from llmsize.specs.models import ModelSpec, QuantMethod

# Each engine's module and class. An engine's module is imported when the engine is first asked for
# (issue 15: the vLLM and SGLang modules with their helpers were a tenth of a cold `fit --all`'s
# imports, which asks only for transformers, llama.cpp and Ollama).
_ENGINE_CLASSES: dict[Engine, tuple[str, str]] = {
    Engine.TRANSFORMERS: ("llmsize.estimate.engines.transformers", "Transformers"),
    Engine.VLLM: ("llmsize.estimate.engines.vllm", "Vllm"),
    Engine.SGLANG: ("llmsize.estimate.engines.sglang", "Sglang"),
    Engine.LLAMA_CPP: ("llmsize.estimate.engines.llama_cpp", "LlamaCpp"),
    Engine.OLLAMA: ("llmsize.estimate.engines.ollama", "Ollama"),
}


class _EngineTable(Mapping[Engine, type[BaseEngine]]):
    """Engine -> its module's class, in _ENGINE_CLASSES' order; a module is imported on first lookup."""

    def __init__(self) -> None:
        self._classes: dict[Engine, type[BaseEngine]] = {}

    def __getitem__(self, engine: Engine) -> type[BaseEngine]:
        cls = self._classes.get(engine)
        if cls is None:
            module, name = _ENGINE_CLASSES[engine]
            cls = self._classes[engine] = getattr(import_module(module), name)
        return cls

    def __iter__(self) -> Iterator[Engine]:
        return iter(_ENGINE_CLASSES)

    def __len__(self) -> int:
        return len(_ENGINE_CLASSES)


ENGINES: Mapping[Engine, type[BaseEngine]] = _EngineTable()


def engines_reading(field: str) -> list[str]:
    """The engines that read an engine-specific workload field (base.ENGINE_OPTIONS), by label."""
    return [cls.label or str(cls.engine) for cls in ENGINES.values() if field in cls.reads_options]


def engine_for(wl: Workload) -> BaseEngine:
    """The module of the workload's engine, bound to its settings.

    One engine object per workload object: an engine holds nothing but its workload (and the caches
    keyed by spec that llama.cpp keeps on it), and a cold `fit --all --gpu RTX-4090` asked 12,815 times
    for the engines of 12 workload objects (issue 15: "rows not kept" over its 35x target). Looked up
    by the workload's id, which its entry keeps alive, so no hash or comparison of the record is run.
    """
    return _BOUND.get(wl, lambda: ENGINES[wl.engine](wl))


# a few workloads per model and layout: `compare --gpus all` asks for a few hundred
_BOUND: KeptPerObject[BaseEngine] = KeptPerObject(1024)


def kv_bytes_per_token_layer(spec: ModelSpec, wl: Workload, kv_dtype: str) -> Fraction:
    """One layer's cache per token on one rank, in the engine's element type."""
    eng = engine_for(wl)
    return eng.layer_kv_bytes(spec, eng.kv_element_bytes(kv_dtype), wl.tp)


def _is_ollama_tag(spec: ModelSpec) -> bool:
    """A name like "deepseek-r1:14b" or "llama3:latest" (not a path, not a URL or revision)."""
    from llmsize.specs.models import ProvenanceKind

    name = spec.name
    if "/" in name or "\\" in name or name.endswith(".gguf"):
        return False
    if ":" not in name:
        # a bare library name the catalog reads as the library's latest tag ("qwen3", "gemma3"): the
        # catalog sized Ollama's GGUF of it, so Ollama serves it (issue 15, round 6: llama.cpp did)
        from llmsize.specs.catalog import ollama_reference
        from llmsize.specs.ollama import library

        # only where the catalog went that way: "deepseek-r1" is also DeepSeek-R1's own name (fp8)
        as_gguf = spec.weight_format.quant in (QuantMethod.GGUF, QuantMethod.MXFP4)
        said = ollama_reference(name) is not None or (library(name) is not None and as_gguf)
        return spec.provenance.kind is ProvenanceKind.CATALOG and said
    if spec.provenance.kind is ProvenanceKind.GGUF and spec.provenance.source:
        from pathlib import Path

        from llmsize.specs.ollama_store import is_manifest_path

        # the tag's manifest in Ollama's store names what `ollama run` serves (issue 15, round 6)
        return is_manifest_path(Path(spec.provenance.source))
    if spec.provenance.kind in (ProvenanceKind.LOCAL, ProvenanceKind.GGUF):
        return False  # a folder named "qwen3:8b" holds its own files: its name is no tag (issue 15, round 5)
    from llmsize.names import parse_name  # only here: `fit --all` asks of catalog names (issue 15)

    try:
        return parse_name(name).ollama_tag is not None
    except Exception:  # a name the parser rejects is no Ollama tag
        return False


def default_engine(spec: ModelSpec, engine: Engine | None, quant: str | None) -> Engine:
    """--engine, else Ollama for an Ollama tag, llama.cpp for GGUF weights (the checkpoint's or
    --quant's), else transformers.

    GGUF files are what llama.cpp runs; transformers would dequantize them on load, which is
    rarely what someone sizing a GGUF model means. An Ollama tag names what `ollama run` serves.
    """
    if engine is not None:
        return engine
    from llmsize.specs.unsloth import nearest_ftype_text

    # an Unsloth Dynamic type (--quant UD-Q4_K_XL) is a GGUF file too: it stayed on transformers, which
    # dequantizes it, while --quant Q4_K_M went to llama.cpp (issue 15, newcomer round 10)
    named = nearest_ftype_text(quant)[0] if quant else None
    normalized = named.upper().removeprefix("GGUF:").replace("-", "_") if named else None
    wants_gguf = normalized in GGUF_FILE_TYPES
    from_gguf = spec.weight_format.quant == QuantMethod.GGUF and (quant is None or wants_gguf)
    if (quant is None or wants_gguf) and _is_ollama_tag(spec):
        return Engine.OLLAMA
    return Engine.LLAMA_CPP if wants_gguf or from_gguf else Engine.TRANSFORMERS
