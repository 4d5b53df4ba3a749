"""Local inputs: a directory holding config.json (and optionally safetensors shards), or a config.json path.

The architecture comes from config.json through `spec_from_hf_config`, the same mapping the Hub and
the catalog use; exact per-dtype counts come from the shards' headers (no tensor data is read).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from llmsize.errors import ConfigError, LlmsizeError, json_kind, one_line
from llmsize.records import ValidationError
from llmsize.resources import UnreadableText, load_json, read_text_bounded
from llmsize.specs.models import CheckpointInfo, ModelSpec, Provenance, ProvenanceKind
from llmsize.specs.safetensors_header import read_checkpoint

CONFIG_FILE = "config.json"
INDEX_FILE = "model.safetensors.index.json"
QUANT_SIDECAR = "hf_quant_config.json"  # NVIDIA ModelOpt exports
# A shard as the index names it: a file name in the index's own folder, no path.
_SHARD_NAME = re.compile(r"(?!\.\.?\Z)[^/\\\0]+")

# safetensors dtype -> the WeightFormat dtype of an unquantized checkpoint stored in it.
_FLOAT_DTYPES = {"F32": "fp32", "F16": "fp16", "BF16": "bf16"}


# The largest published config.json files (per-layer lists, quantization configs listing the modules
# they skip) are well under 1 MB; parsing stops here rather than spend seconds on a 60 MB one (issue 15:
# answered in under 2 s).
MAX_CONFIG_BYTES = 8 * 1024 * 1024
# A shard index lists every tensor once: DeepSeek-V3's, among the longest, names ~92,000 (62 blocks x 256
# experts x 3 projections x weight and weight_scale_inv, README_WEIGHTS.md of deepseek-ai/DeepSeek-V3),
# about 9 MB at ~95 bytes an entry. Twice that is beyond any checkpoint; a 50 MB index of a million
# shards took 3.5 CPU seconds to parse and sort (issue 15, round 15).
MAX_INDEX_BYTES = 16 * 1024 * 1024


def read_config_json(
    path: Path, *, label: str | None = None, limit: int = MAX_CONFIG_BYTES
) -> dict[str, Any]:
    """Parse a config.json; a truncated or malformed file is a ConfigError that names it."""
    where = label or str(path)
    try:
        text = read_text_bounded(path, limit)
    except UnicodeDecodeError as err:
        raise ConfigError(f"{where} is not a text file: {err.reason}") from err
    except OSError as err:
        raise ConfigError(f"cannot read {where}: {err.strerror or err}") from err
    except UnreadableText as err:
        kind = "shard index" if path.name == INDEX_FILE else "config.json"
        raise ConfigError(f"{where} is not a {kind}: {err}") from err
    try:
        config = load_json(text)
    except json.JSONDecodeError as err:
        if text.lstrip("\ufeff \t\r\n")[:1] == "<":
            # a web page saved as config.json (the Hub's "blob" page, not its "resolve" link) or a proxy's
            # login page served for every URL: "may be truncated" sent people to download it again
            # (issue 15, round 8)
            raise ConfigError(
                f"{where} is a web page (HTML), not JSON",
                hint="download the raw file (https://huggingface.co/ORG/NAME/resolve/main/config.json); "
                "behind a proxy, check HF_ENDPOINT",
            ) from err
        raise ConfigError(
            f"{where} is not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})",
            hint="the file may be truncated; download it again",
        ) from err
    except UnreadableText as err:
        raise ConfigError(f"{where} is not a usable config.json: {err}") from err
    if not isinstance(config, dict):
        raise ConfigError(f"{where} must hold a JSON object, not {json_kind(config)}")
    return config


def spec_from_config(
    config: Mapping[str, Any],
    *,
    name: str,
    provenance: Provenance,
    where: str,
    hf_repo: str | None = None,
    trust_remote_code: bool = False,
) -> ModelSpec:
    """`spec_from_hf_config` with every way a config can be unusable turned into one ConfigError."""
    from llmsize.specs.hf_config import spec_from_hf_config

    try:
        spec = spec_from_hf_config(config, name=name, provenance=provenance, hf_repo=hf_repo)
    except LlmsizeError:
        raise
    except (ValidationError, KeyError, TypeError, ValueError, ArithmeticError, RecursionError) as err:
        detail = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ConfigError(
            f"{where} does not describe a usable architecture: {detail}",
            hint="check that it is the model's own config.json",
        ) from err
    if config.get("auto_map") and not trust_remote_code:
        spec = _with_warning(
            spec,
            "config.json uses custom modeling code (auto_map); llmsize reads only its standard fields "
            "and never runs repository code",
        )
    return spec


def with_checkpoint(spec: ModelSpec, checkpoint: CheckpointInfo) -> ModelSpec:
    """Attach header facts; for a plain float checkpoint, compare its total with the architecture's."""
    from llmsize.specs.params import total_params

    spec = spec.model_copy(update={"checkpoint": checkpoint})
    dtypes = set(checkpoint.params_by_dtype)
    if spec.weight_format.quant is not None or not dtypes or not dtypes <= set(_FLOAT_DTYPES):
        return _unquantized_dtype_from_header(spec, checkpoint)  # packed storage counts elements differently
    stored = _FLOAT_DTYPES[max(checkpoint.params_by_dtype, key=lambda d: checkpoint.params_by_dtype[d])]
    if stored != spec.weight_format.dtype:
        spec = _with_warning(
            spec.with_weight_format(spec.weight_format.model_copy(update={"dtype": stored})),
            f"config.json says {spec.weight_format.dtype} but the checkpoint stores {stored}; using {stored}",
        )
    computed = total_params(spec)
    if computed != checkpoint.total_params:
        spec = _with_warning(
            spec,
            f"the architecture accounts for {computed:,} parameters but the checkpoint holds "
            f"{checkpoint.total_params:,}",
        )
    return spec


def _unquantized_dtype_from_header(spec: ModelSpec, checkpoint: CheckpointInfo) -> ModelSpec:
    """A quantized checkpoint whose config.json states no dtype (openai/gpt-oss-20b: MXFP4 experts as U8
    blocks and scales, everything in modules_to_not_convert as BF16) stores the rest in the float dtype its
    header shows: that answers the config's silence, so the bf16 guess and its warning give way to it."""
    from llmsize.specs.formats import without_dtype_guess

    kept = without_dtype_guess(spec.warnings)
    floats = {d: n for d, n in checkpoint.params_by_dtype.items() if d in _FLOAT_DTYPES}
    if kept == spec.warnings or not floats:
        return spec
    stored = _FLOAT_DTYPES[max(floats, key=lambda d: floats[d])]
    fmt = spec.weight_format.model_copy(update={"dtype": stored})
    return spec.with_weight_format(fmt).model_copy(update={"warnings": kept})


def _with_warning(spec: ModelSpec, warning: str) -> ModelSpec:
    return spec.model_copy(update={"warnings": (*spec.warnings, warning)})


def safetensors_shards(directory: Path) -> tuple[list[Path], str | None]:
    """The shards of the checkpoint in `directory`, and a warning when the index lists missing ones.

    The index names shards as file names in its own folder (transformers `get_checkpoint_shard_files`
    joins each to the folder); one with a path in it ("../other/x", "/etc/passwd") is refused rather
    than read. Which exist is answered by one listing of the folder, not one stat per name, so an
    index of 300,000 names is checked at once (issue 15).
    """
    index_path = directory / INDEX_FILE
    if index_path.is_file():
        index = read_config_json(index_path, limit=MAX_INDEX_BYTES)
        weight_map = index.get("weight_map")
        if not isinstance(weight_map, dict) or not weight_map:
            raise ConfigError(f"{index_path} has no weight_map", hint="download the index file again")
        # each value is checked before it is hashed: a list or mapping in the map raised TypeError, and a
        # null was taken for "nothing bad found" (next()'s default), then failed as a name (issue 15,
        # round 21)
        for n in weight_map.values():
            if type(n) is not str or not _SHARD_NAME.fullmatch(n):
                raise ConfigError(
                    f"{index_path} lists the shard {one_line(repr(n), 80)}, not a file name in its folder",
                    hint="download the index file again",
                )
        names = sorted(set(weight_map.values()))
        try:
            present = {e.name for e in os.scandir(directory) if e.is_file()}
        except OSError as err:
            raise ConfigError(f"cannot list {directory}: {err.strerror or err}") from err
        missing = [n for n in names if n not in present]
        if missing:
            return [], (
                f"{len(missing)} of {len(names)} safetensors shards listed in {INDEX_FILE} are missing "
                f"(e.g. {one_line(missing[0], 80)}); exact checkpoint counts skipped"
            )
        return [directory / n for n in names], None
    return sorted(directory.glob("*.safetensors")), None


def spec_from_directory(directory: Path, *, trust_remote_code: bool = False) -> ModelSpec:
    """A model directory: config.json plus the headers of whatever safetensors shards it holds."""
    config_path = directory / CONFIG_FILE
    if not config_path.is_file():
        raise ConfigError(
            f"{directory} has no {CONFIG_FILE}",
            hint="point at the model's folder (the one with config.json), its config.json, or a .gguf file",
        )
    return _spec_from_files(config_path, directory, trust_remote_code=trust_remote_code)


def spec_from_config_file(config_path: Path, *, trust_remote_code: bool = False) -> ModelSpec:
    """A config.json path; shards beside it are read too, since they belong to the same model."""
    return _spec_from_files(config_path, config_path.parent, trust_remote_code=trust_remote_code)


def with_modelopt_sidecar(config: dict[str, Any], directory: Path) -> dict[str, Any]:
    """A ModelOpt export states its format in hf_quant_config.json beside config.json ({"producer": ...,
    "quantization": {"quant_algo", "group_size", "exclude_modules", ...}}); older exports leave
    config.json without a quantization_config. vLLM reads that file for the modelopt methods
    (modelopt.py ModelOptQuantConfigBase.get_config_filenames -> ["hf_quant_config.json"]), so a
    folder that has it is sized in its format rather than as the bf16 its config.json implies."""
    sidecar = directory / QUANT_SIDECAR
    if "quantization_config" in config or not sidecar.is_file():
        return config
    return merge_modelopt_sidecar(config, read_config_json(sidecar))


def merge_modelopt_sidecar(config: dict[str, Any], sidecar: dict[str, Any]) -> dict[str, Any]:
    """config.json with the `quantization` section of an hf_quant_config.json as its quantization_config
    (a local folder and a Hub repo read the sidecar the same way); a config that states its own wins."""
    section = sidecar.get("quantization")
    if "quantization_config" in config or not isinstance(section, dict):
        return config
    return {**config, "quantization_config": {"quant_method": "modelopt", **section}}


def _spec_from_files(config_path: Path, directory: Path, *, trust_remote_code: bool) -> ModelSpec:
    config = with_modelopt_sidecar(read_config_json(config_path), directory)
    resolved = directory.resolve()
    provenance = Provenance(kind=ProvenanceKind.LOCAL, source=str(config_path.resolve()))
    spec = spec_from_config(
        config, name=resolved.name or str(resolved), provenance=provenance, where=str(config_path),
        trust_remote_code=trust_remote_code,
    )
    shards, warning = safetensors_shards(directory)
    if warning:
        spec = _with_warning(spec, warning)
    if shards:
        spec = with_checkpoint(spec, read_checkpoint(shards))
    return spec
