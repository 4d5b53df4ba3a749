"""The tenth hostile and newcomer round (tests/hostile_round10.py; issue 15).

Each finding has the test of its fix here, then a seeded sample of the round's generators
(`python bench/fuzz_round10.py` runs them all: about 13,000 runs, or 80,000 with --all).
"""

from __future__ import annotations

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

import hostile_round9
import hostile_round10 as r10
from llmsize.specs.gguf_reader import spec_from_gguf
from llmsize.units import GIB

pytestmark = pytest.mark.usefixtures("offline")


def _json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out, err = run_cli(argv, capsys)
    assert code in (0, 3), err
    doc: dict[str, Any] = json.loads(out)
    return doc


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str], says: str) -> None:
    code, err = assert_answered(argv, capsys)
    assert code == 2 and says in err, err


@pytest.fixture(scope="module")
def ggufs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return dict(r10.gguf_files(tmp_path_factory.mktemp("r10-gguf")))


# --- saved reports


@pytest.mark.parametrize(
    ("section", "key", "says"),
    [("memory", "gradients", "memory: missing gradients"), ("memory_host", "weights", "missing weights")],
)
def test_report_without_a_component_is_refused(
    section: str, key: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a removed key was a KeyError in the table (memory rows, the host-RAM line): an internal error
    saved = tmp_path / "r.json"
    argv = ["estimate", "gpt-oss-20b", "--gpu", "RTX-3060", "--engine", "llama.cpp", "--output", str(saved)]
    assert run_cli(argv, capsys)[0] in (0, 3)
    doc = json.loads(saved.read_text())
    del doc[section][key]
    saved.write_text(json.dumps(doc))
    _refused(["report", "show", str(saved)], capsys, says)
    assert "Value error" not in capsys.readouterr().err


def test_report_host_total_must_be_the_sum(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "r.json"
    argv = ["estimate", "gpt-oss-20b", "--gpu", "RTX-3060", "--engine", "llama.cpp", "--output", str(saved)]
    assert run_cli(argv, capsys)[0] in (0, 3)
    doc = json.loads(saved.read_text())
    doc["memory_host"]["weights"] += 5
    saved.write_text(json.dumps(doc))
    _refused(["report", "show", str(saved)], capsys, "memory_host: total")


# --- GPU files


def _gpu_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "g.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "field", ["memory.driver_mib", "tflops.fp32", "compute_units", "interconnect.peer_links"]
)
def test_gpu_file_true_is_not_a_number(
    field: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # true was read as 1: `driver_mib: true` made a 1 MiB card with -0.43 GiB usable
    path = _gpu_file(tmp_path, r10._entry_yaml(r10.GPU_ENTRY, field, "true"))
    _refused(["gpus", "--gpu-file", str(path)], capsys, f"field {field}: a number, not true or false")


def test_gpu_file_below_the_driver_reserve(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entry = {**r10.GPU_ENTRY, "memory": {"size": 24, "unit": "GiB", "driver_mib": 24}}
    path = _gpu_file(tmp_path, f"gpus:\n  - {json.dumps(entry)}\n")
    _refused(
        ["plan", "gpt-oss-20b", "--gpu", "R10X", "--gpu-file", str(path)], capsys, "driver keeps for itself"
    )


def test_gpu_file_memory_as_a_quoted_number_is_gib(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # memory: '24' was parse_size('24'): 24 bytes; the bare 24 has always meant 24 GiB
    entry = {key: value for key, value in r10.GPU_ENTRY.items() if key != "memory"}
    quoted = _gpu_file(tmp_path, f"gpus:\n  - {json.dumps({**entry, 'memory': '24'})}\n")
    doc = _json(["gpus", "--gpu-file", str(quoted), "--format", "json"], capsys)
    rows = doc["gpus"] if isinstance(doc, dict) else doc
    assert next(g for g in rows if g["id"] == "R10X")["memory_bytes"] == 24 * GIB


def test_gpu_file_without_a_compute_rate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # tflops: {} was a ZeroDivisionError in the speed model (decode_step)
    entry = {**r10.GPU_ENTRY, "tflops": {}, "dtypes": ["fp32"]}
    path = _gpu_file(tmp_path, f"gpus:\n  - {json.dumps(entry)}\n")
    _refused(
        ["estimate", "Qwen3-8B", "--gpu", "R10X", "--gpu-file", str(path)], capsys, "tflops gives no rate"
    )


def test_gpu_file_rate_below_the_floor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # bf16: 5e-324 passed `> 0`, and the time to first token was Infinity in the JSON
    path = _gpu_file(tmp_path, r10._entry_yaml(r10.GPU_ENTRY, "tflops.bf16", "5e-324"))
    _refused(["estimate", "Qwen3-8B", "--gpu", "R10X", "--gpu-file", str(path)], capsys, "tflops.bf16")
    tiny = dict(r10.gpu_entries())["tiny card"]  # 1e-6 TFLOPS, 1e-3 GB/s: accepted, finite
    doc = _json(["estimate", "Qwen3-8B", "--gpu", "R10X", "--gpu-file", str(_gpu_file(tmp_path, tiny)),
                 "--format", "json"], capsys)  # fmt: skip
    assert hostile_round9.semantic_problems(doc) == []


# --- GGUF files


def test_local_moe_gguf_is_planned(ggufs: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    # fit and estimate --gpu of any local MoE GGUF: "internal error: unhashable type: 'dict'" (the speed
    # model's lru_cache hashed the spec, whose checkpoint holds a dict)
    for label in ("qwen3moe Q4_K_M", "gpt-oss MXFP4_MOE"):
        code, _ = assert_answered(["fit", str(ggufs[label]), "--gpu", "RTX-4090"], capsys)
        assert code in (0, 3)


def test_gguf_file_type_is_guessed_as_llama_quantize_names_it(ggufs: dict[str, Path]) -> None:
    # a gpt-oss GGUF without general.file_type was "unknown GGUF file type 'MXFP4'": its tensor type,
    # not a file type; llama-quantize's one MXFP4 file type is MXFP4_MOE, and "Q4_K" is its alias of Q4_K_M
    guessed, stated = (
        spec_from_gguf(ggufs["gpt-oss without file_type"]),
        spec_from_gguf(ggufs["gpt-oss MXFP4_MOE"]),
    )
    assert guessed.weight_format.gguf_type == stated.weight_format.gguf_type == "MXFP4_MOE"
    assert spec_from_gguf(ggufs["qwen3 Q4_K without file_type"]).weight_format.gguf_type == "Q4_K_M"


@pytest.mark.parametrize(
    ("label", "says"),
    [
        ("gpt-oss no expert tensors", "declares 8 experts but the file holds no expert tensors"),
        ("gpt-oss 2 of 8 experts", "holds 2 experts where the metadata declares 8"),
        ("gpt-oss expert_count 0", "holds 8 experts where the metadata declares 0"),
    ],
)
def test_gguf_expert_tensors_match_expert_count(
    label: str, says: str, ggufs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # sized anyway, --n-cpu-moe moved experts the file does not hold: negative bytes, an internal error
    check = ["check", "--gpu", "RTX-4090", "--", "llama-server", "-m", str(ggufs[label]), "--n-cpu-moe", "2"]
    _refused(check, capsys, says)


# --- command lines


@pytest.mark.parametrize("option", ["--context", "--prompt-tokens"])
def test_tokens_beyond_the_limit_name_the_option(option: str, capsys: pytest.CaptureFixture[str]) -> None:
    # was Workload's "invalid workload: context: Input should be less than or equal to 1099511627776"
    _refused(["estimate", "Qwen3-8B", option, "9" * 20], capsys, f"{option} {'9' * 20} is more tokens")
    _refused(
        ["plan", "Qwen3-8B", "--gpu", "H100", "--context", "1048577m"], capsys, "at most 1,099,511,627,776"
    )


def test_html_page_labels_concurrency_rows(capsys: pytest.CaptureFixture[str]) -> None:
    # a sweep listed "H100-SXM-80GB x1" twice with two needs, and drew its memory line twice
    argv = ["estimate", r10.MODEL, "--gpu", "H100,L4", "--concurrency", "1,8", "--format", "html"]
    code, out, err = run_cli(argv, capsys)
    assert code == 0, err
    assert "H100-SXM-80GB x1 at 1 sequence<" in out and "L4 x1 at 8 sequences<" in out
    assert out.count('data-gpu="H100-SXM-80GB" data-usable') == 1


def test_report_diff_folds_long_values(tmp_path: Path) -> None:
    # the provenance column was cut with "…" at 80 and 120 columns, losing the part that differed
    from typer.testing import CliRunner

    from llmsize.cli import app

    runner = CliRunner()
    paths = []
    for i, model in enumerate(("Qwen3-8B", "qwen3:8b")):
        paths.append(str(tmp_path / f"{i}.json"))
        assert runner.invoke(app, ["estimate", model, "--output", paths[-1]]).exit_code == 0
    for width in (80, 120):
        out = runner.invoke(
            app, ["report", "diff", *paths], env={"COLUMNS": str(width), "TERM": "dumb"}
        ).stdout
        assert "…" not in out and "hf.co/Qwen/Qwen3-8B" in out
        assert all(len(line) <= width for line in out.splitlines())


def test_check_reads_a_tagless_known_repo(capsys: pytest.CaptureFixture[str]) -> None:
    # `plan gpt-oss-120b --engine llama.cpp` prints `-hf ggml-org/gpt-oss-120b-GGUF` (MXFP4 files only);
    # check sized that command as Q4_K_M and refused the layout plan had fitted
    argv = ["check", "--gpu", "RTX-4090", "--", "llama-server", "-hf", "ggml-org/gpt-oss-20b-GGUF"]
    code, out, err = run_cli(argv, capsys)
    assert code in (0, 3) and "gpt-oss-20b-MXFP4_MOE" in out + err
    for given in (":", "/", "/-GGUF"):
        _refused(["check", "--gpu", "RTX-4090", "--", "llama-server", "-hf", given], capsys, "names no repo")


def test_sglang_plan_states_its_pipeline_degree(capsys: pytest.CaptureFixture[str]) -> None:
    # a tp 2 x pp 3 plan printed `--tp-size 2` alone: run as written it loads on 2 GPUs and does not fit
    doc = _json(
        ["plan", "Qwen3.5-35B-A3B", "--gpu", "RTX-4090", "--engine", "sglang", "--format", "json"], capsys
    )
    row = doc["gpus"][0]
    assert f"--tp-size {row['tp']} --pp-size {row['pp']}" in doc["command"]


@pytest.mark.parametrize(("model", "gpu", "engine", "context"), r10.ROUND_TRIPS, ids=lambda v: str(v))
def test_plan_fits_when_check_reads_its_command(
    model: str, gpu: str, engine: str, context: str, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _json(
        ["plan", model, "--gpu", gpu, "--engine", engine, "--context", context, "--format", "json"], capsys
    )
    code, _, err = run_cli(r10.check_argv(doc, gpu), capsys)
    assert code == 0, f"{doc['command']}: {err}"


# --- seeded samples of the round's inputs: a result or one line with exit 2


def test_report_mutations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "base.json"
    assert run_cli([*r10.report_commands()[1], "--output", str(saved)], capsys)[0] in (0, 3)
    doc = json.loads(saved.read_text())
    target = tmp_path / "m.json"
    for path, value in random.Random(10).sample(list(r10.report_mutations(doc)), 60):
        target.write_text(json.dumps(r10.mutated(doc, path, value)))
        assert_answered(["report", "show", str(target)], capsys)
        assert_answered(["report", "diff", str(saved), str(target)], capsys)


def test_gpu_file_entries(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entries = random.Random(10).sample(list(r10.gpu_entries()), 16)
    for i, (_label, text) in enumerate(entries):
        path = tmp_path / f"g{i}.yaml"
        path.write_text(text)
        for argv in r10.gpu_file_commands(path):
            code, _ = assert_answered(argv, capsys)
            if code in (0, 3) and "json" in argv:  # an accepted file sizes to finite, non-negative numbers
                assert hostile_round9.semantic_problems(_json(argv, capsys)) == []


def test_gguf_files(ggufs: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    for path in ggufs.values():
        for argv in r10.gguf_commands(path)[:4]:
            assert_answered(argv, capsys)


def test_config_mutations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i, (_kind, _path, _value, config) in enumerate(r10.config_cases(10, 40)):
        (tmp_path / "config.json").write_text(json.dumps(config))
        for argv in r10.config_commands(tmp_path, r10.ENGINES[i % len(r10.ENGINES)]):
            assert_answered(argv, capsys)


def test_sglang_image_tag_of_other_digits(capsys: pytest.CaptureFixture[str]) -> None:
    # lmsysorg/sglang:v٠.١ (Arabic-Indic digits) passed str.isdigit() as a release and was refused as an
    # "--engine-version" the command never gave; it is a tag of no release, as `latest` is
    image = "lmsysorg/sglang:v\u0660.\u0661"
    argv = ["check", "--gpu", "H100", "--", "docker", "run", image, "python3", "-m", "sglang.launch_server",
            "--model-path", "Qwen/Qwen3-8B"]  # fmt: skip
    code, err = assert_answered(argv, capsys)
    assert code == 0 and "--engine-version" not in err, err


def test_documents_that_break_a_constructor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a GPU file with an integer of 100,000 digits was "internal error: ValueError: Exceeds the limit
    # (4300 digits)"; a price dated 2026-13-45 the same ("month must be in 1..12"), from yaml's constructors
    for argv in r10.odd_document_cases(tmp_path):
        code, err = assert_answered(argv, capsys)
        assert code == 2 and "Exceeds the limit" not in err and "<unicode string>" not in err, err


@pytest.mark.parametrize("engine", ["vllm", "sglang"])
def test_rope_factor_beyond_any_model(
    engine: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a dynamic rope factor of 1e308 made the length vLLM/SGLang derive (max_position_embeddings x factor)
    # infinite: "internal error: OverflowError: cannot convert float infinity to integer"
    config = r10.mutated(
        r10.catalog_configs()["step3p5"], ("rope_scaling",), {"rope_type": "dynamic", "factor": 1e308}
    )
    (tmp_path / "config.json").write_text(json.dumps(config))
    _refused(["fit", str(tmp_path), "--gpu", "H100", "--engine", engine], capsys, "rope_scaling_factor")


def test_command_lines(capsys: pytest.CaptureFixture[str]) -> None:
    cases = list(r10.llama_server_cases()) + list(r10.concurrency_cases())
    cases += random.Random(10).sample(list(r10.context_cases()), 20) + random.Random(10).sample(
        list(r10.docker_cases()), 12
    )
    for argv in cases:
        assert_answered(argv, capsys)


def test_output_targets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in random.Random(10).sample(list(r10.output_cases(tmp_path)), 40):
        assert_answered(argv, capsys)
    assert (tmp_path / "target.txt").read_text() == "precious\n"  # behind link.html: never written
    assert (tmp_path / "existing.html").read_text() == "keep me\n"  # no --force: never replaced
