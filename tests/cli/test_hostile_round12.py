"""The twelfth hostile round (tests/hostile_round12.py; issue 15).

Each finding has the test of its fix here, then a seeded sample of the round's generators
(`python bench/fuzz_round12.py` runs them all). Work is bounded by construction (samples of fixed size;
the time bound itself is measured by the bench, never here).
"""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest
from test_hostile_inputs import (
    assert_answered,
    offline,  # noqa: F401  (a fixture: pytest finds it by name)
    run_cli,
)

import hostile_round11 as r11
import hostile_round12 as r12
from llmsize import Workload, resolve
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.planner import Layout, Planner

pytestmark = pytest.mark.usefixtures("offline")


# --- fit --num-gpus N where no layout fits: the fallback over every smaller count


@pytest.mark.parametrize(
    ("model", "workload", "engine"),
    [
        ("Qwen2.5-0.5B", {"mode": "lora", "context": 131072}, "transformers"),
        ("Qwen2.5-0.5B", {"mode": "full", "framework": "torchtune"}, "transformers"),
        ("Qwen3-30B-A3B", {"mode": "qlora", "objective": "dpo"}, "transformers"),
        ("Qwen3-30B-A3B", {}, "vllm"),
        ("Qwen3-Next-80B-A3B-Instruct", {}, "sglang"),
        ("Qwen2.5-VL-7B-Instruct", {"images": 2}, "vllm"),
    ],
)
def test_replicas_without_zero_need_what_two_replicas_need(
    model: str, workload: dict[str, Any], engine: str
) -> None:
    """The rule the planner's shared budgets rest on (hardware/planner.py _layout_budget): without ZeRO a
    GPU's need reads the replica count only as one, two or more (a pair's NCCL communicator is smaller:
    estimate/nccl_training.py), so 3, 4 and 7 replicas of a (tp, pp) layout need the same bytes. Were a
    new term to read the count, this fails and the key must grow."""
    planner = Planner(resolve(model), Workload(engine=engine, **workload))
    gpu = get_gpu("H100")
    for tp, pp in ((1, 1), (2, 1), (1, 2)):
        needs = {planner.need(gpu, planner.workload(Layout(tp, pp, dp))) for dp in (3, 4, 7)}
        assert len(needs) == 1, (tp, pp, needs)


def test_num_gpus_past_any_layout_estimates_few_layouts(monkeypatch: pytest.MonkeyPatch) -> None:
    """`fit Qwen2.5-0.5B --mode lora --context 128k --num-gpus 1000` on an MI300X fits no layout; the
    fallback tried every count below 1000 (~5,600 estimates, 20 s). Replicas share one budget now."""
    calls = 0
    budget = Planner.budget

    def counted(self: Planner, gpu: Any, wl: Workload) -> Any:
        nonlocal calls
        calls += 1
        return budget(self, gpu, wl)

    monkeypatch.setattr(Planner, "budget", counted)
    spec = resolve("Qwen2.5-0.5B")
    planner = Planner(spec, Workload(mode="lora", context=131072))
    layout, fits = planner.choose_layout(get_gpu("MI300X"), 1000)
    # one budget per (TP degree of at most 4 within a node, pipeline degree up to the blocks, 1/2/more
    # replicas), whatever N is
    assert calls <= 4 * spec.num_layers * 3, calls
    if not fits:  # the least need of all, as before: one GPU's lone replica is no better than two
        assert layout.count <= 1000


# --- a poisoned LLMSIZE_CACHE_DIR entry


@pytest.fixture
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LLMSIZE_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_valid_cache_entry_answers_offline(cache_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    r12.write_cache_entry(cache_root, json.dumps(r12._valid_entry()))
    code, out, err = run_cli(["estimate", r12.CACHE_REPO, "--format", "json"], capsys)
    assert code == 0, err
    assert json.loads(out)["model"]["params"] > 0


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,  # was "internal error: RecursionError"
        json.dumps({**r12._valid_entry(), "repo_id": "x"}),  # was "IndexError: list index out of range"
        json.dumps(r12._set(r12._valid_entry(), ("checkpoint", "total_bytes"), -1)),  # a Component error
        json.dumps(r12._set(r12._valid_entry(), ("checkpoint", "params_by_dtype"), {"BF16": -5})),
    ],
    ids=["nested", "another-repo", "negative-bytes", "negative-params"],
)
def test_poisoned_cache_entry_is_a_miss(
    text: str, cache_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken entry reads as no entry: offline, the unknown repo is one line (exit 2)."""
    r12.write_cache_entry(cache_root, text)
    code, err = assert_answered(["estimate", r12.CACHE_REPO], capsys)
    assert code == 2 and "acme/tiny" in err, err


def test_cache_entry_of_another_repo_is_not_read(cache_root: Path) -> None:
    from llmsize.specs import cache

    r12.write_cache_entry(cache_root, json.dumps({**r12._valid_entry(), "repo_id": "evil/other"}))
    assert cache.load(r12.CACHE_REPO) is None
    r12.write_cache_entry(cache_root, json.dumps({**r12._valid_entry(), "repo_id": "ACME/Tiny"}))
    assert cache.load(r12.CACHE_REPO) is not None  # Hub ids ignore case


# --- seeded samples of the generators


def test_option_value_sample(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in random.Random(12).sample(list(r12.option_cases()), 60):
        assert_answered(argv, capsys)


def test_combination_sample(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in r12.combination_cases(40, 12):
        assert_answered(argv, capsys)


def test_config_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    engines = itertools.cycle(("vllm", "sglang", "llama.cpp", "transformers", "ollama"))
    for _model, _path, _value, config in random.Random(12).sample(list(r12.config_cases()), 12):
        (tmp_path / "config.json").write_text(json.dumps(config))
        for argv in r12.config_commands(tmp_path, next(engines)):
            assert_answered(argv, capsys)


def test_gguf_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jobs = list(r11.gguf_mutations(r12.gguf_bases(tmp_path / "bases")))
    for i, (_label, base, arch, key, value) in enumerate(random.Random(12).sample(jobs, 8)):
        path = r11.rewrite(base, tmp_path / "mutated.gguf", arch, key, value)
        if path is not None:
            for argv in r11.gguf_commands(path, i):
                assert_answered(argv, capsys)


def test_cache_sample(cache_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entries = list(r12.cache_entries(cache_root))
    for text in random.Random(12).sample(entries, 15):
        r12.write_cache_entry(cache_root, text)
        for argv in r12.CACHE_ARGV:
            assert_answered(list(argv), capsys)


# --- per-stage blocks of each parameter group (estimate/weights.py _on_stage)


@pytest.mark.parametrize(
    "model", ["DeepSeek-V3", "Qwen3-Next-80B-A3B-Instruct", "LFM2-8B-A1B", "Mixtral-8x7B-v0.1"]
)
@pytest.mark.parametrize("pp", [1, 3, 7])
def test_stage_shards_partition_each_groups_blocks(model: str, pp: int) -> None:
    """Each block-tensor group's blocks, over the stages, are exactly the blocks its kind lives in (dense
    MLPs in the dense blocks, experts in the MoE blocks), each once and in order: the set kept per spec
    (_block_set) must select what a scan of every block selected."""
    from llmsize.estimate.weights import stage_shards, stages

    spec = resolve(model)
    wl = Workload(pp=pp, num_gpus=pp)
    held: dict[str, list[int]] = {}
    for stage in stages(spec, wl):
        for shard in stage_shards(spec, wl, stage):
            if shard.layers:
                assert list(shard.layers) == sorted(set(shard.layers) & set(stage.layers))
                held.setdefault(f"{shard.group.kind}.{shard.group.name}", []).extend(shard.layers)
    assert any(name.startswith(("attn.", "mixer.")) for name in held), held.keys()
    moe = [i for i, m in enumerate(spec.moe_layers) if m]
    dense = [i for i, m in enumerate(spec.moe_layers) if not m]
    for name, blocks in held.items():
        kind = name.split(".")[0]
        if kind == "mlp":
            assert blocks == dense, name
        elif kind in ("expert", "shared_expert", "router"):
            assert blocks == moe, name
        assert blocks == sorted(set(blocks)), name


def test_divisors_by_square_root_are_every_divisor() -> None:
    """hardware/layout.py _divisors (the planner asks it for every count up to --num-gpus)."""
    from llmsize.hardware.layout import _divisors

    for n in [*range(1, 400), 4096, 4095, 65_536, 999_983]:
        assert _divisors(n) == [d for d in range(1, n + 1) if n % d == 0], n
