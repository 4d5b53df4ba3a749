"""The harness's inputs: which workloads it can run, where the config comes from, the fit check,
and the missing-extra message."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from llmsize.errors import BadInputError, MissingExtraError, NothingFitsError
from llmsize.estimate.result import Estimate
from llmsize.estimate.workload import Engine, Mode, Optimizer, Workload
from llmsize.measure import harness
from llmsize.measure.harness import (
    available_ram_bytes,
    compute_dtype_for,
    measurable_workload,
    model_config,
    refuse_if_too_big,
    require_torch,
)
from llmsize.specs import catalog
from llmsize.specs.resolve import resolve
from llmsize.units import GIB, MIB


def _estimate(allocated: int, overhead: int = 400 * MIB) -> Estimate:
    return Estimate(
        weights_bytes=allocated,
        kv_cache_bytes=0,
        activations_bytes=0,
        gradients_bytes=0,
        optimizer_bytes=0,
        adapters_bytes=0,
        overhead_bytes=overhead,
        params=1,
        active_params=1,
    )


def test_master_weights_default_is_pinned_off_and_said() -> None:
    wl, notes = measurable_workload(Workload(mode=Mode.FULL))
    assert wl.master_weights is False
    assert any("pure precision" in n for n in notes)
    same, none = measurable_workload(Workload())
    assert same == Workload() and none == ()


@pytest.mark.parametrize(
    ("workload", "words"),
    [
        (Workload(mode=Mode.FULL, master_weights=True), "--no-master-weights"),
        (Workload(num_gpus=2, tp=2), "one device"),
        (Workload(engine=Engine.VLLM), "transformers"),
        (Workload(mode=Mode.LORA, optimizer=Optimizer.SGD), "AdamW"),
        (Workload(mode=Mode.FULL, framework="torchtune"), "AdamW"),
        (Workload(dtype="bf16", kv_dtype="fp8"), "--kv-dtype"),
    ],
)
def test_workloads_the_harness_cannot_run_are_refused(workload: Workload, words: str) -> None:
    with pytest.raises(BadInputError) as err:
        measurable_workload(workload)
    assert words in str(err.value)


def test_quantized_weights_cannot_be_built_from_config() -> None:
    spec = resolve("Qwen2.5-7B-Instruct-GPTQ-Int4")
    with pytest.raises(BadInputError, match="--quant none"):
        compute_dtype_for(spec, Workload())
    assert compute_dtype_for(spec, Workload(quant="none")) in ("fp16", "bf16")


def test_compute_dtype_follows_the_checkpoint_and_the_option() -> None:
    spec = resolve("Qwen2.5-0.5B")  # config.json torch_dtype bfloat16
    assert compute_dtype_for(spec, Workload()) == "bf16"
    assert compute_dtype_for(spec, Workload(dtype="fp32")) == "fp32"
    with pytest.raises(BadInputError):
        compute_dtype_for(spec, Workload(dtype="int8"))


def test_config_of_a_catalog_model_is_its_entry() -> None:
    found = catalog.find("Qwen2.5-0.5B")
    assert found is not None
    assert model_config(resolve("Qwen2.5-0.5B-Instruct")) == found[0].model.config


def test_config_of_a_local_file_and_folder(tmp_path: Path) -> None:
    found = catalog.find("Qwen2.5-0.5B")
    assert found is not None
    config = dict(found[0].model.config)
    (tmp_path / "config.json").write_text(json.dumps(config), encoding="utf-8")
    assert model_config(resolve(str(tmp_path))) == config
    assert model_config(resolve(str(tmp_path / "config.json"))) == config


def test_a_name_only_model_has_no_config_to_build() -> None:
    spec = resolve("Wibble-7B")  # unknown: approximated from the size in the name
    with pytest.raises(BadInputError, match="approximated"):
        model_config(spec)


def test_fit_check_refuses_before_allocating() -> None:
    refuse_if_too_big(_estimate(GIB), 2 * GIB, "RAM")  # fits: no error
    # The CUDA context (overhead) is not part of what the run allocates.
    refuse_if_too_big(_estimate(2 * GIB, overhead=GIB), 2 * GIB, "RAM")
    with pytest.raises(NothingFitsError) as err:
        refuse_if_too_big(_estimate(3 * GIB), 2 * GIB, "this machine's RAM")
    assert "3.00 GiB" in str(err.value) and "--device trace" in str(err.value)


def test_available_ram_is_read() -> None:
    assert available_ram_bytes() > 0


def test_missing_torch_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    with pytest.raises(MissingExtraError) as err:
        require_torch()
    assert 'pip install "llmsize[measure]"' in str(err.value)


def test_unknown_device_is_bad_input() -> None:
    with pytest.raises(BadInputError, match="unknown device"):
        harness.measure(resolve("Qwen2.5-0.5B"), Workload(), "tpu")


def test_quantization_config_is_dropped_before_building() -> None:
    from llmsize.measure.harness import float_config

    config = {"model_type": "gpt_oss", "quantization_config": {"quant_method": "mxfp4"}, "hidden_size": 8}
    assert float_config(config) == {"model_type": "gpt_oss", "hidden_size": 8}
