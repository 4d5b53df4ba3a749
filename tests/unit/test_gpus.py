"""GPU catalog: loading, lookup, user catalogs, filters and error messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmsize.errors import ConfigError, GpuNotFoundError
from llmsize.hardware.gpus import (
    ECC_RESERVED_FRACTION,
    GpuSpec,
    bundled_gpus,
    filter_gpus,
    get_gpu,
    load_catalog,
    normalize_gpu_name,
)
from llmsize.units import GIB, MIB, parse_size

USER_GPU = """
vendor: nvidia
segment: consumer
gpus:
  - id: My-Card
    name: My Test Card
    aliases: [mycard]
    memory: 20GiB
    bandwidth_gb_s: 500
    tflops: {fp32: 10, fp16: 40, bf16: 40}
    dtypes: [fp32, fp16, bf16]
"""


@pytest.fixture(autouse=True)
def _no_user_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMSIZE_GPU_DIR", str(tmp_path / "no-user-gpus"))


def test_catalog_has_at_least_forty_unique_entries() -> None:
    gpus = bundled_gpus()
    ids = [g.id for g in gpus]
    assert len(ids) >= 40
    assert len(ids) == len(set(ids))


def test_no_lookup_key_names_two_gpus() -> None:
    owners: dict[str, str] = {}
    for gpu in bundled_gpus():
        for label in (gpu.id, *gpu.aliases, gpu.name):
            key = normalize_gpu_name(label)
            assert owners.setdefault(key, gpu.id) == gpu.id, f"{label!r} names {owners[key]} and {gpu.id}"


@pytest.mark.parametrize(
    ("name", "gpu_id"),
    [
        ("h100", "H100-SXM-80GB"),
        ("H100-SXM-80GB", "H100-SXM-80GB"),
        ("h100 sxm", "H100-SXM-80GB"),
        ("NVIDIA H100 80GB HBM3", "H100-SXM-80GB"),
        ("4090", "RTX-4090"),
        ("rtx4090", "RTX-4090"),
        ("RTX-4090", "RTX-4090"),
        ("RTX_4090", "RTX-4090"),
        ("GeForce RTX 4090", "RTX-4090"),
        ("NVIDIA GeForce RTX 4090", "RTX-4090"),
        ("a100-80gb", "A100-SXM-80GB"),
        ("A100", "A100-SXM-80GB"),
        ("mi300x", "MI300X"),
        ("AMD Instinct MI300X", "MI300X"),
        ("m2 ultra", "M2-Ultra-192GB"),
        ("Tesla T4", "T4"),
    ],
)
def test_lookup_ignores_case_separators_and_vendor_words(name: str, gpu_id: str) -> None:
    assert get_gpu(name).id == gpu_id


def test_unknown_gpu_suggests_close_names() -> None:
    with pytest.raises(GpuNotFoundError) as info:
        get_gpu("RTX 4099")
    assert "RTX-4090" in info.value.suggestions
    with pytest.raises(GpuNotFoundError) as info:
        get_gpu("H1OO")
    assert any(s.startswith("H100") for s in info.value.suggestions)


def test_h100_memory_is_what_the_driver_reports() -> None:
    # nvidia-smi shows 81559MiB on an H100 SXM (https://github.com/modal-labs/modal-client/pull/2797).
    h100 = get_gpu("h100")
    assert h100.memory_bytes == 81559 * MIB
    assert h100.memory.basis == "driver"
    assert h100.memory_bytes < 80 * GIB  # the "80 GB" is GiB of HBM, of which the driver keeps some


def test_ecc_reserve_hides_one_sixteenth() -> None:
    l40 = get_gpu("L40")
    assert l40.memory.basis == "marketed minus ECC"
    assert l40.memory_bytes == int(48 * GIB * (1 - ECC_RESERVED_FRACTION))


def test_unified_memory_share_limits_usable_memory() -> None:
    m2 = get_gpu("M2-Ultra-192GB")
    assert m2.memory.unified
    assert m2.usable_memory_bytes == int(192 * GIB * 0.75)
    assert m2.usable_memory_bytes < m2.memory_bytes


def test_flops_fall_back_like_engines_do() -> None:
    a100 = get_gpu("a100")
    assert a100.fp8_flops is None
    assert a100.flops_for("fp8") == a100.bf16_flops  # weight-only fp8 runs its matmuls in 16 bit
    t4 = get_gpu("t4")
    assert t4.bf16_flops is None
    assert t4.flops_for("bf16") == t4.fp16_flops
    gtx = get_gpu("gtx 1660")
    assert gtx.flops_for("fp16") == gtx.fp32_flops  # no tensor cores: the FP32 rate


def test_json_has_the_design_keys() -> None:
    doc = get_gpu("h100").to_json()
    for key in ("id", "name", "vendor", "memory_bytes", "bandwidth_bytes_per_s", "bf16_flops", "fp8_flops"):
        assert key in doc
    assert doc["bf16_flops"] == pytest.approx(989.5e12)
    assert get_gpu("a100").to_json()["fp8_flops"] is None


def test_user_gpu_file_adds_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(USER_GPU)
    catalog = load_catalog([path])
    mine = catalog.get("mycard")
    assert mine.id == "My-Card"
    assert mine.memory_bytes == 20 * GIB
    assert mine.catalog_file.endswith("mine.yaml")
    override = tmp_path / "h100.yaml"
    override.write_text(USER_GPU.replace("My-Card", "H100-SXM-80GB").replace("[mycard]", "[]"))
    assert load_catalog([override]).get("H100-SXM-80GB").bandwidth_gb_s == 500


def test_user_gpu_directory_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "gpus"
    folder.mkdir()
    (folder / "a.yaml").write_text(USER_GPU)
    monkeypatch.setenv("LLMSIZE_GPU_DIR", str(folder))
    assert load_catalog().get("My Card").id == "My-Card"


def test_malformed_user_file_names_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(USER_GPU.replace("bandwidth_gb_s: 500", "bandwidth_gb_s: fast"))
    with pytest.raises(ConfigError) as info:
        load_catalog([path])
    assert "broken.yaml" in str(info.value)
    assert "bandwidth_gb_s" in str(info.value)
    assert "My-Card" in str(info.value)


def test_malformed_user_file_unknown_field_and_bad_yaml(tmp_path: Path) -> None:
    typo = tmp_path / "typo.yaml"
    typo.write_text(USER_GPU.replace("bandwidth_gb_s: 500", "bandwith_gb_s: 500"))
    with pytest.raises(ConfigError, match=r"typo\.yaml.*bandwith_gb_s"):
        load_catalog([typo])
    bad = tmp_path / "bad.yaml"
    bad.write_text("gpus: [\n  - id: x\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml.*not valid YAML"):
        load_catalog([bad])
    missing = tmp_path / "missing.yaml"
    with pytest.raises(ConfigError, match="does not exist"):
        load_catalog([missing])


def test_a_dtype_rate_must_agree_with_the_dtype_list() -> None:
    with pytest.raises(ValueError, match="fp8"):
        GpuSpec.model_validate({"id": "x", "memory": "8GiB", "bandwidth_gb_s": 100,
                                "tflops": {"fp32": 1, "fp8": 2}, "dtypes": ["fp32", "fp16"]})


def test_filters() -> None:
    gpus = bundled_gpus()
    big = {g.id for g in filter_gpus(gpus, min_memory_bytes=parse_size("24GiB"))}
    assert {"RTX-4090", "RTX-3090", "H100-SXM-80GB"} <= big  # "24 GB" cards count as 24 GiB
    assert "RTX-4080" not in big
    assert "L4" not in big  # ECC leaves 22.5 GiB, which is what the table shows
    assert "L4" in {g.id for g in filter_gpus(gpus, min_memory_bytes=parse_size("22GiB"))}
    amd = filter_gpus(gpus, vendor="AMD")
    assert amd and all(g.vendor == "amd" for g in amd)
    fp8 = {g.id for g in filter_gpus(gpus, fp8=True)}
    assert "H100-SXM-80GB" in fp8 and "A100-SXM-80GB" not in fp8


def test_bundled_entries_are_indexed_by_what_they_check_to():
    """A catalog checks a bundled entry only when it is looked up (issue 15): the labels it indexes
    the entry by before are the checked GpuSpec's, and every id, alias and name finds that GpuSpec."""
    from llmsize.hardware.gpus import GpuCatalog, bundled_entries

    entries = bundled_entries()
    assert len(entries) == len(bundled_gpus()) > 100
    for entry, gpu in zip(entries, bundled_gpus(), strict=True):
        assert entry.labels() == [gpu.id, *gpu.aliases, gpu.name]
        assert entry.checked() is gpu
    lazy, eager = GpuCatalog(entries), GpuCatalog(bundled_gpus())
    for gpu in bundled_gpus():
        for label in (gpu.id, *gpu.aliases, gpu.name):
            if label:
                assert lazy.find(label) == eager.find(label)
    assert list(lazy) == list(eager)
