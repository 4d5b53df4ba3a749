"""tracer.py keeps only `trace()`; each job it did lives in its own module, and every name other
modules imported from tracer.py (tests/, src/, bench/) still imports from it, as the same object."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import llmsize.measure.tracer as tracer

# Where each name of the old tracer.py lives after the split (tracer.py's docstring lists the modules).
HOMES = {
    "PhasePeak": "trace_result", "TimelineEvent": "trace_result", "TraceResult": "trace_result",
    "phase_tracker_class": "phase_tracker", "phase_peaks": "phase_tracker",
    "storage_bytes": "tensor_bytes", "weight_and_buffer_bytes": "tensor_bytes",
    "cache_tensors": "tensor_bytes", "cache_bytes": "tensor_bytes",
    "real_data_shims": "trace_shims", "gpu_dropout": "trace_shims",
    "checkpoint_dtype": "trace_options", "eager_only": "trace_options",
    "attn_implementation": "trace_options",
    "trace_inference": "trace_inference",
    "LORA_DROPOUT": "training_setup", "lora_targets": "training_setup",
    "prepare_training": "training_setup",
    "trace_training": "trace_training",
    "forward_autocast": "training_loss", "forward_loss": "training_loss",
    "trl_chunked_nll": "trl_loss",
    "fused_linear_cross_entropy": "liger_loss",
}

# The names tracer.py had before the split, under which other code (and old callers) reach them.
OLD_NAMES = {
    "_phase_tracker_class": "phase_tracker_class", "_phase_peaks": "phase_peaks",
    "_storage_bytes": "storage_bytes", "_weight_and_buffer_bytes": "weight_and_buffer_bytes",
    "_real_data_shims": "real_data_shims", "_gpu_dropout": "gpu_dropout",
    "_checkpoint_dtype": "checkpoint_dtype", "_eager_only": "eager_only",
    "_attn_implementation": "attn_implementation", "_trace_inference": "trace_inference",
    "_prepare_training": "prepare_training", "_trace_training": "trace_training",
    "_autocast": "forward_autocast", "_forward_loss": "forward_loss",
    "_trl_chunked_nll": "trl_chunked_nll",
}

_MEASURE = Path(tracer.__file__).parent


def test_each_name_lives_in_its_module():
    for name, module in HOMES.items():
        home = importlib.import_module(f"llmsize.measure.{module}")
        obj = getattr(home, name)
        if callable(obj) and hasattr(obj, "__module__"):
            assert obj.__module__ == f"llmsize.measure.{module}", name


def test_names_imported_from_tracer_stay_importable_as_the_same_objects():
    for name, module in HOMES.items():
        home = importlib.import_module(f"llmsize.measure.{module}")
        assert getattr(tracer, name) is getattr(home, name), name
    for old, new in OLD_NAMES.items():
        assert getattr(tracer, old) is getattr(tracer, new), old
    assert callable(tracer.trace) and tracer.trace.__module__ == "llmsize.measure.tracer"
    assert tracer.LORA_DROPOUT == 0.0  # peft LoraConfig's default (peft/tuners/lora/config.py)


def test_each_module_is_small_and_says_why():
    for module in {*HOMES.values(), "tracer"}:
        path = _MEASURE / f"{module}.py"
        assert len(path.read_text().splitlines()) <= 250, module
        assert importlib.import_module(f"llmsize.measure.{module}").__doc__, module


def test_importing_the_tracer_modules_imports_no_torch():
    modules = sorted({*HOMES.values(), "tracer"})
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module('llmsize.measure.' + m)\n"
        "print(sorted(m for m in ('torch', 'transformers', 'peft') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
