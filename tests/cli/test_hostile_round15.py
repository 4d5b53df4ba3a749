"""The fifteenth hostile round (issue 15): sizes that scale, training configs, the newest options.

Found and fixed:
- a config of 65,536 blocks took 3.5 to 11 s on a layout search (`fit --num-gpus 64/auto`, every engine);
  the walks are cheaper now (tensor sizes counted per size, a stage's hash kept, a stage's blocks taken
  without a scan), the layout search stops at PP 128 (twice Megatron-LM's PP 64, the deepest published
  pipeline; hardware/layout.py) and configs deeper than 4,096 blocks (four times DeepNet's 1,000
  layers; specs/models.py MAX_LAYERS) are one line, exit 2;
- a GGUF of a hybrid architecture (lfm2, granitehybrid, nemotron_h) with block_count 2^40 was an
  internal error (MemoryError building its per-layer lists);
- a model.safetensors.index.json of 50 MB (a million shards) took 3.5 CPU seconds: refused past 16 MiB.
The long run over every input is bench/fuzz_round15.py; this file runs a seeded sample.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_hostile_inputs import (
    assert_answered,
    offline,  # noqa: F401  (a fixture: pytest finds it by name)
    run_cli,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import hostile_round15 as r15
from hub_server import HubServer, serve_hub
from llmsize import Workload, resolve
from llmsize.estimate.engines.torch_alloc import (
    block_slack_bytes,
    segment_slack_bytes,
    weight_tensor_counts,
    weights_block_slack,
    weights_segment_slack,
)
from llmsize.estimate.placement import Stage, split_layers
from llmsize.estimate.weights import _group_layers, _on_stage, param_inventory
from llmsize.hardware.layout import MAX_SEARCHED_PP
from llmsize.hardware.planner import Planner
from llmsize.specs.models import MAX_LAYERS, WeightFormat

pytestmark = pytest.mark.usefixtures("offline")


# --- the depth bound


@pytest.mark.parametrize("layers", [MAX_LAYERS + 1, 65_536])
def test_a_config_deeper_than_any_model_is_one_line(
    tmp_path: Path, layers: int, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(r15.write_config(tmp_path / "deep", {"num_hidden_layers": layers}))
    for argv in (["fit", path, "--gpu", "T4", "--num-gpus", "64", "--engine", "vllm"],
                 ["compare", path, "--gpu", "T4,L4", "--num-gpus", "61"]):  # fmt: skip
        code, err = assert_answered(argv, capsys)
        assert code == 2 and f"{MAX_LAYERS:,}" in err, err


def test_a_config_of_max_layers_is_sized(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(r15.write_config(tmp_path / "deep", {"num_hidden_layers": MAX_LAYERS}))
    code, _ = assert_answered(["estimate", path, "--pp", "8", "--engine", "vllm"], capsys)
    assert code == 0


def test_the_layout_search_offers_no_pipeline_deeper_than_max_searched_pp(tmp_path: Path) -> None:
    """4,096 GPUs of a 4,096-block model: no searched layout deeper than PP 128, while a --pp the user
    names is kept whatever its degree."""
    spec = resolve(str(r15.write_config(tmp_path / "m", {"num_hidden_layers": 1024})))
    searched = Planner(spec, Workload(engine="sglang")).layouts(4096)
    assert searched and max(lay.pp for lay in searched) == MAX_SEARCHED_PP
    asked = Planner(spec, Workload(engine="sglang", pp=512, num_gpus=4096)).layouts(4096)
    assert asked and {lay.pp for lay in asked} == {512}


# --- the faster walks give what the plain ones gave


@pytest.mark.parametrize("model", ["Qwen2.5-0.5B", "Qwen3-30B-A3B", "Llama-3.1-8B"])
@pytest.mark.parametrize("tp", [1, 2])
def test_slack_counted_per_size_equals_slack_of_every_tensor(model: str, tp: int) -> None:
    spec = resolve(model)
    wl = Workload(engine="vllm", tp=tp, num_gpus=tp)
    fmt = WeightFormat(dtype="bf16")
    for stage in (Stage(0, tuple(range(spec.num_layers)), True, True), Stage(1, (3, 4, 5), False, False)):
        every = [size for size, count in weight_tensor_counts(spec, wl, fmt, stage) for _ in range(count)]
        assert len(every) > spec.num_layers if stage.embedding else len(every) > 3
        assert weights_block_slack(spec, wl, fmt, stage) == block_slack_bytes(every)
        assert weights_segment_slack(spec, wl, fmt, stage) == segment_slack_bytes(every)


@pytest.mark.parametrize("model", ["Qwen3-30B-A3B", "DeepSeek-V2-Lite", "gemma-2-9b", "Qwen2.5-0.5B"])
def test_a_stage_holds_the_blocks_a_scan_finds(model: str) -> None:
    """_on_stage's shortcuts (a stage of every block, a group in every block) against the scan, on
    models with dense and MoE blocks, for pipeline splits and for stages out of order."""
    spec = resolve(model)
    rng = random.Random(15)
    blocks = list(range(spec.num_layers))
    stages = [Stage(i, tuple(p), i == 0, False) for pp in (1, 2, 3, 7) for i, p in
              enumerate(split_layers(blocks, pp))]  # fmt: skip
    stages += [Stage(0, tuple(sorted(rng.sample(blocks, 5))), False, False),
               Stage(0, tuple(rng.sample(blocks, 4)), False, False), Stage(0, (), False, True)]  # fmt: skip
    for group in param_inventory(spec):
        layers = _group_layers(spec, group)
        if not layers:
            continue
        for stage in stages:
            held = set(stage.layers)
            assert _on_stage(spec, group, layers, stage) == tuple(i for i in layers if i in held)


def test_equal_stages_hash_alike_and_find_each_other() -> None:
    a, b = Stage(2, tuple(range(10, 20)), False, True), Stage(2, tuple(range(10, 20)), False, True)
    assert a is not b and a == b and hash(a) == hash(b) and {a: 1}[b] == 1
    assert Stage(2, tuple(range(10, 20)), False, False) != a


# --- the files found to break


def test_a_hybrid_gguf_of_2_pow_40_blocks_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for arch in ("lfm2", "lfm2moe", "granitehybrid", "nemotron_h"):
        path = r15.write_arch_gguf(tmp_path / f"{arch}.gguf", arch, ("block_count", "u64", 2**40))
        code, err = assert_answered(["estimate", str(path), "--engine", "vllm"], capsys)
        assert code == 2 and "block_count" in err, err


def test_a_shard_index_past_any_checkpoint_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = r15.write_config(tmp_path / "m", {})
    entry = '"model.layers.0.mlp.experts.0.gate_proj.weight_scale_inv%d": "model-00001-of-00163.safetensors"'
    body = ", ".join(entry % i for i in range(180_000))  # ~17 MiB
    (folder / "model.safetensors.index.json").write_text('{"weight_map": {' + body + "}}")
    code, err = assert_answered(["estimate", str(folder)], capsys)
    assert code == 2 and "shard index" in err and "16 MiB" in err, err


# --- a seeded sample of the round's inputs (the whole run: bench/fuzz_round15.py)


def _sampled(cases: list[list[str]], n: int) -> list[list[str]]:
    return r15.sample(cases, n)


def test_training_configs_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in _sampled(list(r15.training_cases(tmp_path)), 30):
        assert_answered(argv, capsys)


def test_option_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in _sampled(list(r15.option_cases(tmp_path)), 30):
        assert_answered(argv, capsys)


def test_gguf_2026_headers_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = [argv for argv in r15.gguf_cases(tmp_path) if "many.gguf" not in argv[1]]
    for argv in _sampled(cases, 30):
        assert_answered(argv, capsys)


@pytest.mark.parametrize("label", ["layer_types 1e6", "experts 1e6", "vocab 1e9", "intermediate 2^40",
                                   "heads 2^20", "sliding window list", "keys 1e5"])  # fmt: skip
def test_size_axes_are_answered(tmp_path: Path, label: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(r15.write_config(tmp_path / "big", r15.BIG[label]))
    for argv in (["estimate", path, "--format", "json"],
                 ["fit", path, "--gpu", "T4", "--num-gpus", "64", "--engine", "vllm"]):  # fmt: skip
        assert_answered(argv, capsys)


# --- a local Hub serving what a broken mirror, proxy or upload serves


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[HubServer]:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("LLMSIZE_HUB_TIMEOUT", "5")
    monkeypatch.setenv("LLMSIZE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with serve_hub(monkeypatch) as server:
        yield server


HUB = {label: (files, fault) for label, files, fault in r15.hub_cases() if label != "header of 1e5 tensors"}


@pytest.mark.parametrize("label", list(HUB))
def test_hub_faults_are_answered(label: str, hub: HubServer, capsys: pytest.CaptureFixture[str]) -> None:
    files, fault = HUB[label]
    repo = f"acme/r15-{len(label)}-{sum(map(ord, label))}"
    hub.add_repo(repo, files, fault=fault)
    code, out, err = run_cli(["estimate", repo], capsys)
    assert code in (0, 2, 3) and "internal error" not in err and "Traceback" not in err, err
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and err.strip().isprintable(), err
    if label.startswith("index 2,000"):  # config.json is there: the missing file is a shard, said so
        assert code == 0 and "no config.json" not in err and "shard" in out + err, out + err


def test_an_override_llmsize_does_not_apply_is_said(capsys: pytest.CaptureFixture[str]) -> None:
    """`--hf-overrides '{"num_hidden_layers": 65536}'` was listed as understood and the unchanged model
    sized without a word (config_overrides.py applies only the fields behind the derived length)."""
    argv = ["check", "--gpu", "H100-SXM-80GB", "--", "vllm", "serve", "Qwen/Qwen2.5-0.5B", "--hf-overrides",
            '{"num_hidden_layers": 65536, "rope_scaling": null}']  # fmt: skip
    code, out, err = run_cli(argv, capsys)
    assert code == 0, err
    said = " ".join(out.split())
    assert "num_hidden_layers" in said.split("read but not modelled")[-1] and "not applied" in said, said
    assert "rope_scaling: not applied" not in said and "rope_scaling," not in said.split("not modelled")[-1]
