"""cache_files.write_if_it_reads_back writes only a text that reads back to the same values and text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.cli.cache_files import same, write_if_it_reads_back
from llmsize.estimate.workload import Engine, Workload

scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(-2, 2),
                    st.sampled_from(["a", "b"]))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.tuples(inner, inner),
                            st.dictionaries(st.sampled_from("xyz"), inner, max_size=3)),
    max_leaves=8,
)


@given(values, values)
def test_same_values_dump_alike(a: Any, b: Any) -> None:
    """Where `same` says True, the two dump to the same JSON; where they dump apart it never says True."""
    found = same(a, b)
    if found:
        assert json.dumps(a) == json.dumps(b)
    if json.dumps(a) != json.dumps(b):
        assert found is not True


def test_types_and_order_count() -> None:
    assert same(1, 1.0) is False and same(True, 1) is False
    assert same({"a": 1, "b": 2}, {"b": 2, "a": 1}) is False  # equal dicts, other order: other text
    assert same((1, [2.0]), (1, [2.0])) is True and same((1,), [1]) is False
    assert same({1, 2}, {1, 2}) is None  # a set: its dump's order is not known
    assert same(Workload(engine=Engine.VLLM), Workload(engine=Engine.VLLM)) is True
    assert same(Workload(context=8192), Workload(context=8193)) is False


def _write(tmp_path: Path, value: Any, load: Any) -> bool:
    path = tmp_path / "kept.json"
    write_if_it_reads_back(path, value, json.dumps, load, keep=4)
    return path.exists()


@pytest.mark.parametrize(("value", "load", "written"), [
    ([1, 2.5, "x"], lambda doc: doc, True),
    ([1, 2], lambda doc: [float(v) for v in doc], False),  # equal values that dump apart: 1.0 is not 1
    ([1, 2], lambda doc: [*doc, 3], False),
    ({"s": [1]}, lambda doc: {"s": {1}}, False),  # a set read back: compared by its dump
])
def test_only_a_value_that_reads_back_exactly_is_written(tmp_path: Path, value: Any, load: Any,
                                                         written: bool) -> None:
    assert _write(tmp_path, value, load) is written
