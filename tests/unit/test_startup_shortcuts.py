"""The shortcuts a cold `fit --all` takes (issue 15, "rows not kept") give what the long way gives.

Each one skips asking per block or per call where the answer is known in one step: the block lists
of specs without layer or FFN types, the layer kinds of full-attention specs, the engine bound to a
workload object, its settings checked once, the shape key and the float precision options kept per
workload, the candidate names of a skip list's group. bench/fit_all_identical.py checks the whole
table stays byte-identical; these check each shortcut against the per-block or per-call answer.
"""

from __future__ import annotations

from functools import cache

import pytest

from llmsize.errors import BadInputError
from llmsize.estimate.activations.blocks import layer_kind
from llmsize.estimate.activations.candidates import _kinds_of
from llmsize.estimate.engines import engine_for
from llmsize.estimate.resolved import _new_shape_key, shape_key
from llmsize.estimate.skip_match import _names, _paths_and_names, group_paths
from llmsize.estimate.workload import Engine, Workload
from llmsize.hardware.gpus import load_catalog
from llmsize.hardware.precision import _float_options, precision_options
from llmsize.specs.catalog import specs
from llmsize.specs.models import ModelSpec
from llmsize.specs.params import _block_groups


@cache
def _catalog() -> list[ModelSpec]:
    return specs()


def test_block_lists_equal_the_per_block_answers() -> None:
    """What _block_groups and _attention_blocks take without asking each block (specs/params.py)."""
    for spec in _catalog():
        L = spec.num_layers
        if spec.layer_types is None:
            assert not any(spec.has_state(i) for i in range(L)), spec.name
        if spec.ffn_types is None and spec.intermediate_size > 0:
            assert [spec.has_mlp(i) for i in range(L)] == [not m for m in spec.moe_layers], spec.name
        if spec.every_block_full_attention:
            assert all(spec.has_kv(i) for i in range(L)), spec.name
            assert not any(spec.has_attention(i) and spec.shares_kv(i) for i in range(L)), spec.name
        assert _block_groups(spec)  # and the lists build


def test_layer_kinds_equal_layer_kind_per_block() -> None:
    shortcut = 0
    for spec in _catalog():
        layers = tuple(range(spec.num_layers))
        assert _kinds_of(spec, layers) == tuple(layer_kind(spec, i) for i in layers), spec.name
        shortcut += spec.every_block_full_attention and spec.ffn_types is None
    assert shortcut > 100  # the shortcut is taken by most of the catalog


def test_engine_is_bound_once_per_workload_object() -> None:
    wl = Workload(engine=Engine.LLAMA_CPP, context=8192)
    eng = engine_for(wl)
    assert engine_for(wl) is eng and eng.wl is wl
    twin = wl.model_copy()  # an equal workload object: its own engine, bound to it
    assert engine_for(twin) is not eng and engine_for(twin).wl is twin


def test_settings_checked_once_still_refuse() -> None:
    spec = _catalog()[0]
    wl = Workload(engine=Engine.TRANSFORMERS, num_speculative_tokens=3)
    for _ in range(2):  # a refusal is never kept as checked
        with pytest.raises(BadInputError, match="needs --speculative"):
            engine_for(wl).validate(spec, wl)
    ok = Workload(engine=Engine.TRANSFORMERS)
    engine_for(ok).validate(spec, ok)
    engine_for(ok).validate(spec, ok)
    with pytest.raises(BadInputError, match="needs --speculative"):  # another workload: checked
        engine_for(ok).validate(spec, wl)


def test_shape_key_kept_per_workload_object() -> None:
    wl = Workload(context=4096)
    assert shape_key(wl) is shape_key(wl)
    assert shape_key(wl) == _new_shape_key(wl)
    assert hash(shape_key(wl)) == hash(_new_shape_key(wl))
    assert shape_key(wl.model_copy(update={"context": 8192})) == shape_key(wl)


def test_float_options_equal_built_each_time() -> None:
    spec = next(s for s in _catalog() if s.weight_format.quant is None)
    for gpu in list(load_catalog())[:40]:
        for engine in (Engine.TRANSFORMERS, Engine.VLLM, Engine.LLAMA_CPP):
            wl = Workload(engine=engine)
            half = "bf16" if gpu.supports("bf16") else "fp16"
            built = list(_float_options.__wrapped__(wl, half, gpu.supports("fp8")))
            assert precision_options(spec, wl, gpu) == built


def test_skip_list_names_equal_per_path() -> None:
    for name, kind in (("q_proj", "attention"), ("lm_head", "lm_head"), ("gate_up_proj", "expert")):
        for layer in (0, 7):
            paths, names = _paths_and_names(name, kind, layer)
            assert paths == group_paths(name, kind, layer)
            assert names == {n for p in paths for n in _names(p)}
