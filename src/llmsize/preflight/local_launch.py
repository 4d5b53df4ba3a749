"""`plan` for a model given as files on this machine: the command loads those files, not a Hub repo.

`plan ./folder --engine llama.cpp` printed `llama-server -hf unsloth/tmp/folder-GGUF:Q4_K_M`, a community
repo named after the path (issue 15, round 17), and `plan ./m.gguf` pulled `unsloth/.../m.gguf-GGUF`.
What each engine loads from a path:
- llama.cpp: a GGUF file with `-m FILE` (common/arg.cpp "-m, --model FNAME"); it reads no safetensors
  folder (convert_hf_to_gguf.py converts one first);
- Ollama: a local GGUF only through a Modelfile, `FROM ./m.gguf` then `ollama create NAME -f Modelfile`
  (ollama docs/import.md, "Importing a GGUF based model"); `ollama run` takes no path, and a manifest of
  its own store (specs/ollama_store.py) is the tag it names (`plan <manifest>` refused it as a file);
- vLLM and SGLang: the model folder (transformers `from_pretrained` of a directory), not its config.json.
"""

from __future__ import annotations

from pathlib import Path

from llmsize.errors import BadInputError
from llmsize.specs.models import ModelSpec, ProvenanceKind
from llmsize.specs.ollama_store import is_manifest_path, manifest_blob, tag_name


def ollama_store_tag(spec: ModelSpec) -> str | None:
    """The tag `ollama run` serves for a spec read from a tag's manifest in Ollama's store (specs/
    ollama_store.py: manifests/<host>/<namespace>/<model>/<tag>); None for any other spec."""
    kind, source = spec.provenance.kind, spec.provenance.source
    if kind is ProvenanceKind.GGUF and source and is_manifest_path(Path(source)):
        return tag_name(Path(source))
    return None


def local_files(spec: ModelSpec) -> str | None:
    """The path a launch command loads for a spec read from local files (None: not one): the GGUF file
    (for a manifest in Ollama's store, the blob it names), or the folder that holds config.json."""
    kind, source = spec.provenance.kind, spec.provenance.source
    if kind is ProvenanceKind.GGUF and source:
        blob = manifest_blob(Path(source))  # `plan <manifest> --engine llama.cpp` had -m the manifest's JSON
        return str(blob[0]) if blob is not None else source
    if kind is ProvenanceKind.LOCAL and source:
        path = Path(source)
        return str(path.parent if path.suffix.lower() == ".json" else path)
    return None


def refuse_unloadable(spec: ModelSpec, engine: str, quant: str | None) -> None:
    """Exit 2 when `engine` cannot load the local files `spec` was read from as `plan` would size them."""
    path = local_files(spec)
    if path is None:
        return
    gguf = spec.weight_format.gguf_type
    if engine in ("llama.cpp", "ollama") and spec.provenance.kind is ProvenanceKind.LOCAL:
        raise BadInputError(
            f"{engine} loads GGUF files, and {path} is a transformers checkpoint",
            hint="convert it with llama.cpp's convert_hf_to_gguf.py and plan the .gguf, or plan the folder "
            "with --engine vllm or sglang",
        )
    if engine == "ollama" and ollama_store_tag(spec) is None:  # a store manifest is a tag Ollama serves
        raise BadInputError(
            "`ollama run` takes no file: a local GGUF is imported first (a Modelfile with FROM "
            f"{path}, then `ollama create NAME -f Modelfile`)",
            hint="plan it with --engine llama.cpp (llama-server -m FILE), or plan the Ollama tag",
        )
    tag = ollama_store_tag(spec)
    if engine == "ollama" and tag is not None and quant and gguf and quant.upper() != gguf.upper():
        raise BadInputError(
            f"{tag} (in Ollama's store) is a {gguf} file, which `ollama run {tag}` serves as it is, not as "
            f"--quant {quant}",
            hint="plan the tag of that quantization, or leave --quant out",
        )
    if engine == "llama.cpp" and quant and gguf and quant.upper() != gguf.upper():
        raise BadInputError(
            f"{path} is a {gguf} file, which llama-server -m loads as it is, not as --quant {quant}",
            hint=f"quantize it first (llama-quantize FILE OUT {quant.upper()}) and plan that file, or leave "
            "--quant out",
        )
