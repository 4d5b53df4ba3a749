"""The eleventh hostile and newcomer round (tests/hostile_round11.py; issue 15).

Each finding has the test of its fix here, then a seeded sample of the round's generators
(`python bench/fuzz_round11.py` runs them all: about 25,000 runs). Work is bounded by construction
(a sample of fixed size; the time bound itself is measured by the bench, never here).
"""

from __future__ import annotations

import itertools
import json
import math
import os
import random
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_hostile_inputs import (
    assert_answered,
    offline,  # noqa: F401  (a fixture: pytest finds it by name)
    run_cli,
)

import hostile_round11 as r11
from hub_server import TINY_LLAMA_CONFIG, HubServer, serve_hub

pytestmark = pytest.mark.usefixtures("offline")


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str], says: str) -> str:
    code, err = assert_answered(argv, capsys)
    assert code == 2 and says in err, err
    return err


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return dict(r11.gguf_bases(tmp_path_factory.mktemp("r11-gguf")))


def _mutated(bases: dict[str, Path], tmp_path: Path, arch: str, key: str, value: object) -> Path:
    path = r11.rewrite(bases[arch], tmp_path / f"{arch}.gguf", arch, key, value)
    assert path is not None
    return path


# --- GGUF metadata of the wrong type


@pytest.mark.parametrize(
    ("arch", "key"),
    [
        ("qwen35moe", "expert_count"),  # was "internal error: Cannot specify ',' with 's'"
        ("glm4moe", "block_count"),  # was "TypeError: '<' not supported between 'int' and 'str'"
        ("deepseek2", "attention.key_length_mla"),  # was "unsupported operand type(s) for -: 'str'"
        ("kimi-linear", "rope.dimension_count"),
        ("nemotron_h_moe", "expert_count"),
    ],
)
def test_gguf_key_holding_a_string_is_refused(
    arch: str, key: str, bases: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _mutated(bases, tmp_path, arch, f"{arch}.{key}", "x")
    _refused(["estimate", str(path)], capsys, f"states '{arch}.{key}' as 'x', where llama.cpp reads a number")


def test_gguf_per_layer_array_of_strings_is_refused(
    bases: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # lfm2's per-layer head_count_kv with string entries was "holds 16 entries for 16 blocks"
    path = _mutated(bases, tmp_path, "lfm2", "lfm2.attention.head_count_kv", ["x"] * 16)
    _refused(["estimate", str(path)], capsys, "'lfm2.attention.head_count_kv' as 'x'")


@pytest.mark.parametrize("value", [math.inf, [7, 7, 7], ["a"], "15", True])
def test_gguf_file_type_of_another_type_reads_as_absent(
    value: object, bases: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # inf was an OverflowError, an array a TypeError in int(): the type now comes from the tensors,
    # as when the key is missing
    odd = _mutated(bases, tmp_path, "qwen35", "general.file_type", value)
    (tmp_path / "absent").mkdir()
    absent = r11.rewrite(
        bases["qwen35"], tmp_path / "absent" / "qwen35.gguf", "qwen35", "general.file_type", r11.REMOVED
    )
    assert absent is not None
    docs = []
    for path in (odd, absent):
        code, out, err = run_cli(["estimate", str(path), "--format", "json"], capsys)
        assert code in (0, 3), err
        docs.append(json.loads(out))
    assert docs[0]["memory"] == docs[1]["memory"]


# --- config overrides in pasted commands


VLLM = ["check", "--gpu", "H100", "--", "vllm", "serve", "Qwen/Qwen3-8B"]


@pytest.mark.parametrize("flag", ["--hf-overrides", "--rope-scaling", "--speculative-config"])
def test_override_nested_too_deep_is_one_line(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    deep = '{"a":' * 10_000 + "1" + "}" * 10_000  # was "internal error: RecursionError"
    _refused([*VLLM, flag, deep], capsys, f"{flag}: it is nested too deeply")


def test_sglang_override_with_a_5000_digit_length(capsys: pytest.CaptureFixture[str]) -> None:
    text = '{"max_position_embeddings": ' + "9" * 5000 + "}"
    argv = [
        "check",
        "--gpu",
        "H100",
        "--",
        "python",
        "-m",
        "sglang.launch_server",
        "--model-path",
        "Qwen/Qwen3-8B",
        "--json-model-override-args",
        text,
    ]
    _refused(argv, capsys, "--json-model-override-args:")


def test_override_rope_factor_infinity_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    # JSON's Infinity literal reached int(base * factor): "OverflowError: cannot convert float infinity"
    text = '{"rope_scaling": {"rope_type": "yarn", "factor": Infinity}}'
    _refused([*VLLM, "--hf-overrides", text], capsys, "config override gives an unusable rope_scaling_factor")


def test_override_rope_factor_shrinking_the_length_to_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    # vLLM derives max_position_embeddings x factor: 40,960 x 1e-300 was a length of 0 tokens, a
    # ValidationError of the engine figures (an internal error)
    text = '{"rope_scaling": {"rope_type": "dynamic", "factor": 1e-300}}'
    _refused([*VLLM, "--hf-overrides", text, "--max-model-len", "4096"], capsys, "below one token")


def test_config_rope_factor_shrinking_the_length_to_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the same factor in config.json: `estimate` defaulted its context to 0 tokens (a Workload error)
    (tmp_path / "config.json").write_text(json.dumps(r11.rope_config(1e-300)))
    _refused(["estimate", str(tmp_path), "--engine", "vllm", "--gpu", "H100"], capsys, "below one token")
    _refused(["check", "--gpu", "H100", "--", "vllm", "serve", str(tmp_path)], capsys, "below one token")


def test_config_rope_factor_below_one_still_sizes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the refusal is of a length below one token, not of a factor below 1 (vLLM scales by any factor)
    (tmp_path / "config.json").write_text(json.dumps(r11.rope_config(0.5, "linear")))
    code, _out, err = run_cli(["estimate", str(tmp_path), "--engine", "vllm", "--gpu", "H100"], capsys)
    assert code in (0, 3), err


# --- a Hub serving headers huggingface_hub cannot parse


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("LLMSIZE_HUB_TIMEOUT", "5")
    with serve_hub(monkeypatch) as server:
        yield server


@pytest.mark.parametrize(
    "label",
    [
        "nested 100,000 deep",
        "shape of 5,000 digits",
        "index [1]",
        'index {"weight_map": []}',
        'index {"weight_map": {"a": 5}}',
    ],
)
def test_hub_headers_huggingface_hub_cannot_parse(
    label: str, hub: HubServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # RecursionError / ValueError / AttributeError / TypeError from inside huggingface_hub were internal
    # errors; sized from config.json with the note a parse error gets
    files = dict(r11.hub_safetensors())[label]
    hub.add_repo("acme/broken", {"config.json": TINY_LLAMA_CONFIG, **files})
    code, out, err = run_cli(["estimate", "acme/broken", "--format", "json"], capsys)
    assert code == 0, err
    assert "safetensors headers could not be parsed" in out + err


def test_hub_header_with_a_null_shape(hub: HubServer, capsys: pytest.CaptureFixture[str]) -> None:
    # huggingface_hub keeps shape null; list(None) in llmsize's copy was "'NoneType' object is not iterable"
    files = dict(r11.hub_safetensors())["shape null"]
    hub.add_repo("acme/null", {"config.json": TINY_LLAMA_CONFIG, **files})
    assert_answered(["estimate", "acme/null"], capsys)


# --- the op-offload copy: each block's tensors walked once per spec


def test_op_offload_copy_walks_the_blocks_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sizing the host range of eight --gpu-layers values sizes each block's tensors once (the walk per
    step was 180,000 shard sizes in one `fit`; llama_cpp_op_offload's per-block rows), and each answer is
    the largest tensor of its range."""
    import llmsize.estimate.weights as weights
    from llmsize.estimate.engines import llama_cpp_op_offload as op
    from llmsize.estimate.engines.llama_cpp import LlamaCpp
    from llmsize.estimate.placement import Stage
    from llmsize.estimate.weights import Shard, effective_format, shard_bytes, stage_shards
    from llmsize.estimate.workload import Workload
    from llmsize.specs import catalog

    entry = catalog.get("Qwen3-30B-A3B")
    assert entry is not None
    spec = catalog.spec_for(entry)
    calls = 0
    real = weights.shard_bytes

    def counted(*args: Any, **kwargs: Any) -> int:
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(weights, "shard_bytes", counted)
    answers = {}
    for ngl in range(0, spec.num_layers, 6):
        eng = LlamaCpp(Workload(engine="llama.cpp", gpu_layers=ngl, batch=64, context=4096))
        fmt = effective_format(spec, eng.wl)[0]
        answers[ngl] = op._largest_tensor(eng, spec, fmt, op.host_block_layers(eng, spec), op.FFN)
    tensors = sum(
        len(s.layers)
        for s in stage_shards(spec, eng.wl, Stage(0, tuple(range(spec.num_layers)), False, False))
    )
    assert calls <= tensors  # one walk, not one per --gpu-layers value
    monkeypatch.setattr(weights, "shard_bytes", real)
    for ngl, got in answers.items():  # the brute force over the range, as before the per-block table
        host = tuple(range(spec.num_layers - ngl))
        want = 0
        for s in stage_shards(spec, eng.wl, Stage(0, host, False, False)):
            if s.layers and s.group.kind in op.FFN_KINDS:
                out = s.out_features // 2 if s.group.name == "gate_up_proj" else s.out_features
                for layer in s.layers:
                    one = Shard(
                        s.group, s.in_features, out, s.numel_each, 0, (layer,), s.per_layer, s.per_layer
                    )
                    want = max(want, shard_bytes(spec, one, fmt))
        assert got == want, ngl
    assert answers[0] > 0


# --- seeded samples of the round's generators


def test_gguf_mutation_sample(
    bases: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jobs = random.Random(11).sample(list(r11.gguf_mutations(list(bases.items()))), 50)
    for i, (_label, base, arch, key, value) in enumerate(jobs):
        path = r11.rewrite(base, tmp_path / "m.gguf", arch, key, value)
        if path is None:
            continue
        for argv in r11.gguf_commands(path, i):
            assert_answered(argv, capsys)


def test_override_sample(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in random.Random(11).sample(list(r11.override_cases()), 40):
        assert_answered(argv, capsys)


def test_hub_sample(hub: HubServer, capsys: pytest.CaptureFixture[str]) -> None:
    for i, (_label, files) in enumerate(r11.hub_safetensors()):
        repo = f"acme/r11-{i}"
        hub.add_repo(repo, {"config.json": TINY_LLAMA_CONFIG, **files})
        assert_answered(r11.hub_commands(repo)[i % 3], capsys)


def test_nested_config_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    engines = itertools.cycle(("vllm", "sglang", "llama.cpp", "transformers", "ollama"))
    for _kind, _path, _value, config in random.Random(11).sample(r11.config_cases(), 40):
        (tmp_path / "config.json").write_text(json.dumps(config))
        for argv in r11.config_commands(tmp_path, next(engines)):
            assert_answered(argv, capsys)


def test_option_and_name_samples(capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(11)
    cases = (
        rng.sample(list(r11.parallel_cases()), 25)
        + rng.sample(list(r11.launch_flag_cases()), 30)
        + rng.sample(list(r11.pasted_cases()), 15)
        + rng.sample(list(r11.plan_name_cases()), 25)
    )
    for argv in cases:
        assert_answered(argv, capsys)


def test_completion_sample() -> None:
    """Completion requests in subprocesses (completion writes to the process's own streams)."""
    rng = random.Random(11)
    combos = list(itertools.product(r11.SHELLS, r11.COMPLETION_WORDS, r11.COMPLETION_CWORDS))
    for shell, words, cword in rng.sample(combos, 3):
        env = {**os.environ, "HF_HUB_OFFLINE": "1", **r11.completion_env(shell, words, cword)}
        done = subprocess.run(
            list(r11.COMPLETION_ARGV), env=env, capture_output=True, text=True, timeout=60
        )
        err = done.stderr.strip()
        assert done.returncode in (0, 2), err[-500:]
        assert "Traceback" not in err and "internal error" not in err, err[-500:]
        if done.returncode == 2:
            assert len(err.splitlines()) == 1, err[-500:]


def test_saved_document_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import hostile_round10 as r10

    rng = random.Random(11)
    target = tmp_path / "mutated.json"
    for i, command in enumerate(rng.sample(r11.report_commands(), 2)):
        base = tmp_path / f"base-{i}.json"
        code, _out, err = run_cli(r11.with_output(command, base), capsys)
        assert code in (0, 3), err
        doc = json.loads(base.read_text())
        for path, value in rng.sample(list(r10.report_mutations(doc)), 10):
            target.write_text(json.dumps(r10.mutated(doc, path, value)))
            for argv in r11.report_readers(base, target):
                assert_answered(argv, capsys)
