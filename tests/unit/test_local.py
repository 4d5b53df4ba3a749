"""Local inputs: a folder with config.json and safetensors shards, a config.json path, and their bad forms."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from hub_server import TINY_LLAMA_CONFIG, TINY_LLAMA_PARAMS, llama_tensors, safetensors_bytes
from llmsize.errors import ConfigError, ExitCode
from llmsize.specs.local import spec_from_config_file, spec_from_directory
from llmsize.specs.models import ProvenanceKind
from llmsize.specs.params import total_params
from llmsize.specs.safetensors_header import read_checkpoint, read_header, tensors_from_header


def _write_model(folder: Path, config: dict[str, object] | None = None, *, shards: int = 1,
                 dtype: str = "BF16") -> dict[str, tuple[str, list[int]]]:
    """A model folder as `save_pretrained` leaves it: config.json + one or more shards (+ index)."""
    config = config or TINY_LLAMA_CONFIG
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(config))
    tensors = llama_tensors(config, dtype)
    names = list(tensors)
    if shards == 1:
        (folder / "model.safetensors").write_bytes(safetensors_bytes(tensors, {"format": "pt"}))
        return tensors
    weight_map = {}
    for k in range(shards):
        part = names[k::shards]
        shard = f"model-{k + 1:05d}-of-{shards:05d}.safetensors"
        (folder / shard).write_bytes(safetensors_bytes({n: tensors[n] for n in part}, {"format": "pt"}))
        weight_map |= dict.fromkeys(part, shard)
    index = {"metadata": {}, "weight_map": weight_map}
    (folder / "model.safetensors.index.json").write_text(json.dumps(index))
    return tensors


def test_folder_with_one_shard_gives_exact_counts_and_local_provenance(tmp_path: Path) -> None:
    _write_model(tmp_path / "tiny-llama")
    spec = spec_from_directory(tmp_path / "tiny-llama")
    assert spec.checkpoint is not None
    assert spec.checkpoint.format == "safetensors"
    assert spec.checkpoint.total_params == TINY_LLAMA_PARAMS
    assert spec.checkpoint.params_by_dtype == {"BF16": TINY_LLAMA_PARAMS}
    assert spec.checkpoint.total_bytes == 2 * TINY_LLAMA_PARAMS  # BF16: 2 bytes per element
    assert spec.checkpoint.tensors == ()  # totals only: per-tensor records on request (below)
    header = read_header(tmp_path / "tiny-llama" / "model.safetensors")
    assert len(tensors_from_header(header)) == 1 + 2 * 9 + 2
    assert total_params(spec) == TINY_LLAMA_PARAMS  # the architecture and the checkpoint agree
    assert not any("accounts for" in w for w in spec.warnings)
    assert spec.provenance.kind == ProvenanceKind.LOCAL
    assert spec.provenance.source == str((tmp_path / "tiny-llama" / "config.json").resolve())
    assert "local files" in spec.provenance.describe()
    assert spec.name == "tiny-llama"
    assert (spec.num_layers, spec.hidden_size, spec.num_kv_heads, spec.vocab_size) == (2, 64, 2, 256)


def test_sharded_folder_sums_every_shard(tmp_path: Path) -> None:
    _write_model(tmp_path / "m", shards=3)
    spec = spec_from_directory(tmp_path / "m")
    assert spec.checkpoint is not None
    assert spec.checkpoint.total_params == TINY_LLAMA_PARAMS
    assert spec.checkpoint.total_bytes == 2 * TINY_LLAMA_PARAMS


def test_mixed_dtypes_are_counted_per_dtype(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(TINY_LLAMA_CONFIG))
    tensors = llama_tensors(TINY_LLAMA_CONFIG)
    tensors = {n: (("F32", s) if "norm" in n else (d, s)) for n, (d, s) in tensors.items()}
    (folder / "model.safetensors").write_bytes(safetensors_bytes(tensors))
    ckpt = spec_from_directory(folder).checkpoint
    assert ckpt is not None
    norms = 2 * 2 * 64 + 64  # two norms per layer and the final norm, 64 wide
    assert ckpt.params_by_dtype == {"BF16": TINY_LLAMA_PARAMS - norms, "F32": norms}
    assert ckpt.total_bytes == 2 * (TINY_LLAMA_PARAMS - norms) + 4 * norms


def test_config_json_path_reads_the_shards_beside_it(tmp_path: Path) -> None:
    _write_model(tmp_path / "m")
    spec = spec_from_config_file(tmp_path / "m" / "config.json")
    assert spec.checkpoint is not None and spec.checkpoint.total_params == TINY_LLAMA_PARAMS
    assert spec.provenance.kind == ProvenanceKind.LOCAL


def test_config_alone_has_no_checkpoint(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps(TINY_LLAMA_CONFIG))
    spec = spec_from_config_file(tmp_path / "config.json")
    assert spec.checkpoint is None
    assert total_params(spec) == TINY_LLAMA_PARAMS


def test_index_listing_a_missing_shard_skips_counts_with_a_warning(tmp_path: Path) -> None:
    _write_model(tmp_path / "m", shards=2)
    (tmp_path / "m" / "model-00002-of-00002.safetensors").unlink()
    spec = spec_from_directory(tmp_path / "m")
    assert spec.checkpoint is None
    assert any("1 of 2 safetensors shards" in w for w in spec.warnings)


def test_checkpoint_with_tensors_the_architecture_lacks_is_flagged(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(TINY_LLAMA_CONFIG))
    tensors = llama_tensors(TINY_LLAMA_CONFIG) | {"model.vision_tower.proj.weight": ("BF16", [10, 10])}
    (folder / "model.safetensors").write_bytes(safetensors_bytes(tensors))
    spec = spec_from_directory(folder)
    assert any(f"holds {TINY_LLAMA_PARAMS + 100:,}" in w for w in spec.warnings)


def test_checkpoint_dtype_wins_over_config_dtype(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(TINY_LLAMA_CONFIG | {"torch_dtype": "float32"}))
    (folder / "model.safetensors").write_bytes(safetensors_bytes(llama_tensors(TINY_LLAMA_CONFIG, "F16")))
    spec = spec_from_directory(folder)
    assert spec.weight_format.dtype == "fp16"
    assert any("checkpoint stores fp16" in w for w in spec.warnings)


def test_header_reader_matches_the_format(tmp_path: Path) -> None:
    path = tmp_path / "x.safetensors"
    path.write_bytes(safetensors_bytes({"a": ("F32", [2, 3]), "b": ("I8", [5])}, {"format": "pt"}))
    header = read_header(path)
    assert header["__metadata__"] == {"format": "pt"}
    assert header["a"] == {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}
    ckpt = read_checkpoint([path])
    assert ckpt.params_by_dtype == {"F32": 6, "I8": 5}
    assert ckpt.total_bytes == 29


# --------------------------------------------------------------------------------------- bad input


def _assert_one_line(err: pytest.ExceptionInfo[ConfigError]) -> None:
    assert err.value.exit_code == ExitCode.BAD_INPUT
    assert "\n" not in str(err.value)


def test_folder_without_config_json(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(safetensors_bytes({"a": ("F32", [1])}))
    with pytest.raises(ConfigError, match=r"has no config\.json") as err:
        spec_from_directory(tmp_path)
    _assert_one_line(err)


def test_truncated_config_json(tmp_path: Path) -> None:
    text = json.dumps(TINY_LLAMA_CONFIG)
    (tmp_path / "config.json").write_text(text[: len(text) // 2])
    with pytest.raises(ConfigError, match="not valid JSON") as err:
        spec_from_config_file(tmp_path / "config.json")
    assert "truncated" in str(err.value)
    _assert_one_line(err)


def test_config_json_that_is_not_an_object(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("[1, 2]")
    with pytest.raises(ConfigError, match="must hold a JSON object"):
        spec_from_config_file(tmp_path / "config.json")


def test_config_json_without_architecture_fields(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "llama"}))
    with pytest.raises(ConfigError) as err:
        spec_from_config_file(tmp_path / "config.json")
    _assert_one_line(err)


def test_binary_config_json(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigError):
        spec_from_config_file(tmp_path / "config.json")


def test_safetensors_with_impossible_header_length(tmp_path: Path) -> None:
    _write_model(tmp_path / "m")
    (tmp_path / "m" / "model.safetensors").write_bytes(struct.pack("<Q", 10**9) + b"{}")
    with pytest.raises(ConfigError, match="not a valid safetensors file") as err:
        spec_from_directory(tmp_path / "m")
    _assert_one_line(err)


def test_safetensors_with_garbage_header(tmp_path: Path) -> None:
    _write_model(tmp_path / "m")
    (tmp_path / "m" / "model.safetensors").write_bytes(struct.pack("<Q", 6) + b"{nope}")
    with pytest.raises(ConfigError, match="malformed safetensors header"):
        spec_from_directory(tmp_path / "m")


def test_safetensors_shorter_than_its_length_prefix(tmp_path: Path) -> None:
    path = tmp_path / "x.safetensors"
    path.write_bytes(b"\x01\x02")
    with pytest.raises(ConfigError, match="not a safetensors file"):
        read_header(path)


# ------------------------------------------------------------------- large and hostile checkpoints


def test_many_tensor_header_totals_match_each_tensor(tmp_path: Path) -> None:
    # A 300,000-tensor header took seconds through a record per tensor (issue 15; the timing is in
    # bench/large_headers.py); here: the one-pass totals agree with the tensors, 20,000 of them.
    dtypes = ("BF16", "F32", "I8", "F16")
    tensors = {f"model.layers.{i}.w": (dtypes[i % 4], [i % 7 + 1, 3]) for i in range(20_000)}
    path = tmp_path / "x.safetensors"
    path.write_bytes(safetensors_bytes(tensors))
    ckpt = read_checkpoint([path])
    records = tensors_from_header(read_header(path))
    assert len(records) == 20_000
    by_dtype: dict[str, int] = {}
    for t in records:
        by_dtype[t.dtype] = by_dtype.get(t.dtype, 0) + t.shape[0] * t.shape[1]
    assert ckpt.params_by_dtype == dict(sorted(by_dtype.items()))
    element_bytes = {"BF16": 2, "F32": 4, "I8": 1, "F16": 2}
    expected_bytes = sum(element_bytes[d] * s[0] * s[1] for d, s in tensors.values())
    assert ckpt.total_bytes == sum(t.n_bytes for t in records) == expected_bytes


def test_tensor_data_past_the_end_of_the_file_is_a_truncated_shard(tmp_path: Path) -> None:
    _write_model(tmp_path / "m")
    path = tmp_path / "m" / "model.safetensors"
    path.write_bytes(path.read_bytes()[:-1])
    with pytest.raises(ConfigError, match="is truncated: its tensors need") as err:
        spec_from_directory(tmp_path / "m")
    _assert_one_line(err)


@pytest.mark.parametrize("shard", ["../other/model.safetensors", "/etc/passwd", "a\\b", ".", "", "x\0y", 5])
def test_index_naming_a_path_instead_of_a_shard_is_refused(tmp_path: Path, shard: object) -> None:
    _write_model(tmp_path / "m", shards=2)
    (tmp_path / "m" / "model.safetensors.index.json").write_text(json.dumps({"weight_map": {"w": shard}}))
    with pytest.raises(ConfigError, match="not a file name in its folder") as err:
        spec_from_directory(tmp_path / "m")
    _assert_one_line(err)
    assert str(err.value).isprintable()


def test_index_of_many_missing_shards_is_one_warning(tmp_path: Path) -> None:
    _write_model(tmp_path / "m", shards=2)
    weight_map = {f"t{i}": f"model-{i:06d}.safetensors" for i in range(50_000)}
    (tmp_path / "m" / "model.safetensors.index.json").write_text(json.dumps({"weight_map": weight_map}))
    spec = spec_from_directory(tmp_path / "m")
    assert spec.checkpoint is None
    assert any("50000 of 50000 safetensors shards" in w for w in spec.warnings)


def test_config_json_past_8_mib_is_refused_before_parsing(tmp_path: Path) -> None:
    # A 55 MB config.json of 2.5 million keys took 17 s to parse (issue 15: answered in under 2 s);
    # published ones are well under 1 MB. A shard index may be larger: it lists every tensor.
    (tmp_path / "config.json").write_text(json.dumps(TINY_LLAMA_CONFIG | {"pad": "x" * (9 << 20)}))
    with pytest.raises(ConfigError, match="larger than 8 MiB") as err:
        spec_from_directory(tmp_path)
    _assert_one_line(err)


def test_overlapping_tensors_are_refused(tmp_path: Path) -> None:
    # 1,000 tensors all at [0, 8) of an 8-byte data section would count 8,000 bytes of weights.
    header = {f"w{i}": {"dtype": "BF16", "shape": [2, 2], "data_offsets": [0, 8]} for i in range(1000)}
    raw = json.dumps(header).encode()
    path = tmp_path / "x.safetensors"
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + bytes(8))
    with pytest.raises(ConfigError, match="data_offsets overlap") as err:
        read_checkpoint([path])
    _assert_one_line(err)
