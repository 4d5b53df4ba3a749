"""Ollama's local model store: a tag's manifest file names the GGUF blob that holds its weights.

`ollama pull qwen3:8b` writes `<models>/manifests/registry.ollama.ai/library/qwen3/8b` (a JSON
manifest) and the GGUF itself as `<models>/blobs/sha256-<hex>`. A user who finds that folder passes
the manifest's path; llmsize follows it to the blob and sizes it under the tag's name.

REFERENCE (ollama/ollama, main of 2026-08-21):
- types/model/name.go `Name.Filepath`: host/namespace/model/tag under manifests/, with the defaults
  registry.ollama.ai, library and latest; `Name.DisplayShortest` leaves the default host and namespace out.
- manifest/paths.go `BlobsPath`: a digest "sha256:<64 hex>" is stored as blobs/sha256-<64 hex>.
- manifest/manifest.go `Manifest.Layers`; server/create.go: the model's weights are the layer of
  media type "application/vnd.ollama.image.model".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from llmsize.errors import ConfigError, one_line

MODEL_MEDIA_TYPE = "application/vnd.ollama.image.model"
DEFAULT_HOST = "registry.ollama.ai"
DEFAULT_NAMESPACE = "library"
_DIGEST = re.compile(r"sha256[:-][0-9a-fA-F]{64}")
# A manifest is a few hundred bytes; anything past this is not one.
MAX_MANIFEST_BYTES = 1024 * 1024


def is_manifest_path(path: Path) -> bool:
    """Whether `path` sits where Ollama keeps a tag's manifest: manifests/<host>/<namespace>/<model>/<tag>."""
    parts = path.parts
    return len(parts) >= 5 and parts[-5] == "manifests"


def tag_name(path: Path) -> str:
    """The tag as `ollama run` takes it: "qwen3:8b", "user/model:tag", "host/user/model:tag"."""
    host, namespace, model, tag = path.parts[-4:]
    name = f"{model}:{tag}"
    if host != DEFAULT_HOST:
        return f"{host}/{namespace}/{name}"
    return name if namespace == DEFAULT_NAMESPACE else f"{namespace}/{name}"


def manifest_blob(path: Path) -> tuple[Path, str] | None:
    """(the model's GGUF blob, the tag's name) when `path` is an Ollama manifest; None when it is not one."""
    path = path.resolve()  # `cd manifests/registry.ollama.ai/library/qwen3 && llmsize estimate 8b`
    if not is_manifest_path(path):
        return None
    from llmsize.resources import UnreadableText, load_json, read_text_bounded

    shown = one_line(str(path), 80)
    try:
        doc: Any = load_json(read_text_bounded(path, MAX_MANIFEST_BYTES))
    except (OSError, UnicodeDecodeError, UnreadableText, ValueError):
        return None  # not a manifest's JSON: the caller says what the file is not
    layers = doc.get("layers") if isinstance(doc, dict) else None
    if not isinstance(layers, list):
        return None
    digests = [
        layer.get("digest")
        for layer in layers
        if isinstance(layer, dict) and layer.get("mediaType") == MODEL_MEDIA_TYPE
    ]
    digest = next((d for d in digests if isinstance(d, str) and _DIGEST.fullmatch(d)), None)
    if digest is None:
        raise ConfigError(
            f"the Ollama manifest {shown} names no GGUF model layer",
            hint="pass another tag's manifest, or the tag itself (llmsize estimate qwen3:8b)",
        )
    blob = path.parents[4] / "blobs" / digest.replace(":", "-")
    if not blob.is_file():
        raise ConfigError(
            f"the Ollama manifest {shown} names {blob.name}, which is not in its blobs folder",
            hint=f"pull it again (ollama pull {tag_name(path)}), or size the tag by name",
        )
    return blob, tag_name(path)


def tags_folder_hint(folder: Path) -> str | None:
    """For manifests/<host>/<namespace>/<model> (a folder of tags, no config.json): the tags to pass."""
    folder = folder.resolve()
    parts = folder.parts
    if len(parts) < 4 or parts[-4] != "manifests":
        return None
    try:
        tags = sorted(p.name for p in folder.iterdir() if p.is_file())[:5]
    except OSError:
        return None
    if not tags:
        return None
    return (
        f"it is Ollama's folder of {parts[-1]} tags: pass one tag's manifest ({folder / tags[0]}) or the tag"
    )
