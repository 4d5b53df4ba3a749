"""DeepSpeed ZeRO's contiguous-gradient reduce bucket (deepspeed_buckets.py), sized from DeepSpeed's
own defaults: runtime/zero/config.py `reduce_bucket_size = 5e8` elements, allocated whole in the
model's 16-bit dtype (stage3.py `_setup_for_real_optimizer`); "auto" is accelerate's
`hidden_size * hidden_size` (accelerator.py `_prepare_deepspeed`)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from hostile import assert_estimate_refused
from llmsize.cli import app
from llmsize.estimate import deepspeed_buckets
from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from spec_factories import llama3_8b

BF16 = 2


def _ds(**kw: object) -> Workload:
    base: dict[str, object] = {
        "mode": "lora",
        "framework": "trl",
        "context": 256,
        "batch": 1,
        "zero": 3,
        "num_gpus": 2,
        "zero_impl": "deepspeed",
    }
    base.update(kw)
    return Workload(**base)


def test_default_bucket_is_half_a_billion_bf16_elements() -> None:
    """A config without reduce_bucket_size (accelerate's deepspeed_config YAML) gets 5e8 elements,
    whatever the trainable parameters add up to: 1 GB for a LoRA run too."""
    assert deepspeed_buckets.reduce_bucket_bytes(llama3_8b(), _ds(), master=False, compute="bf16") == 10**9


def test_auto_bucket_is_hidden_size_squared() -> None:
    """"auto" (the zero3.json of transformers' docs and ms-swift): Llama 3 8B's hidden size 4096."""
    wl = _ds(mode="full", ds_reduce_bucket="auto")
    got = deepspeed_buckets.reduce_bucket_bytes(llama3_8b(), wl, master=True, compute="bf16")
    assert got == 4096**2 * BF16


def test_fp32_run_holds_an_fp32_bucket_and_fsdp_holds_none() -> None:
    spec = llama3_8b()
    assert deepspeed_buckets.reduce_bucket_bytes(spec, _ds(ds_reduce_bucket=1000), False, "fp32") == 4000
    fsdp = _ds(zero_impl="fsdp")
    assert deepspeed_buckets.reduce_bucket_bytes(spec, fsdp, master=False, compute="bf16") == 0
    assert deepspeed_buckets.reduce_bucket_bytes(spec, _ds(zero=0, zero_impl="auto"), False, "bf16") == 0


def test_bucket_is_counted_with_the_gradients_in_the_peak() -> None:
    """The bucket is held in every phase: whatever the peak moment, the gradients component (and the
    total) grows by the bucket's bytes, the other components stay."""
    spec = llama3_8b()
    small = estimate(spec, _ds(ds_reduce_bucket=1))
    default = estimate(spec, _ds())
    assert default.peak_phase == small.peak_phase
    assert default.gradients_bytes - small.gradients_bytes == (500_000_000 - 1) * BF16
    assert default.total_bytes - small.total_bytes == (500_000_000 - 1) * BF16
    assert any("reduce bucket" in a for a in default.assumptions)


def test_cli_refuses_a_bad_bucket_and_fsdp(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["Llama-3.1-8B", "--mode", "lora", "--zero", "3", "--num-gpus", "2"]
    bad = [*base, "--ds-reduce-bucket", "lots"]
    assert_estimate_refused(bad, "--ds-reduce-bucket", lambda: capsys.readouterr().err)
    fsdp = [*base, "--zero-impl", "fsdp", "--ds-reduce-bucket", "5e8"]
    assert_estimate_refused(fsdp, "DeepSpeed ZeRO setting", lambda: capsys.readouterr().err)
    ok = CliRunner().invoke(app, ["estimate", *base, "--zero-impl", "deepspeed", "--ds-reduce-bucket", "5e8"])
    assert ok.exit_code == 0, ok.output
