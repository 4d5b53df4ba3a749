"""The seventh hostile and newcomer round (tests/hostile_round7.py; issue 15).

Each finding has the test of its fix here: block counts bounded where a config is read, release numbers
read as ASCII digits, sizes and active sizes the approximation cannot build refused, the DGX Spark's
runtime total, no "CPU RAM" hint on unified memory, llama.cpp refusing Llama 3.2 Vision, and a Mac from
the catalog planned with llama.cpp as a detected one is.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_hostile_inputs import (
    assert_answered,
    offline,  # noqa: F401  (a fixture: pytest finds it by name)
    run_cli,
)
from test_hostile_inputs import json_doc as _doc

import hostile_round7

GIB = 2**30


# --- config.json of the newest model types: a block count of 10^12 hung the per-block readers


def test_an_impossible_block_count_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `num_hidden_layers: 10**12` in a cohere2, afmoe, bailing_moe_linear, mllama or mistral config.json
    # ran past any limit (a tuple per block built before ModelSpec's own 65,536-layer check).
    for label, folder in hostile_round7.layer_count_dirs(tmp_path):
        code, err = assert_answered(["estimate", str(folder)], capsys)
        assert code == 2 and "layers" in err, f"{label}: {err}"


def test_values_that_describe_no_model_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for label, folder in hostile_round7.wrong_value_dirs(tmp_path):
        code, err = assert_answered(["estimate", str(folder)], capsys)
        assert code == 2, f"{label}: exit {code} {err}"


def test_the_catalog_configs_still_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The bound is on block counts only: each unmutated config of the cases above is a result.
    import json

    for file, name, _ in hostile_round7.LAYER_COUNT_CASES:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "config.json").write_text(json.dumps(hostile_round7.catalog_config(file, name)))
        code, _out, err = run_cli(["estimate", str(folder), "--format", "json"], capsys)
        assert code == 0, f"{name}: {err}"


# --- --engine-version: only ASCII digits are a release


@pytest.mark.parametrize(
    "argv", list(hostile_round7.engine_version_cases()), ids=lambda a: f"{a[3]} {a[5][:8]!r}"
)
def test_odd_engine_versions_are_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # '0.²' passed str.isdigit and then int() raised ("internal error", vLLM, SGLang, Ollama, transformers);
    # a 5,000-digit llama.cpp build hit int()'s digit limit; Arabic-Indic digits were read as a release.
    code, err = assert_answered(argv, capsys)
    assert code == 2 and "--engine-version" in err, err


@pytest.mark.parametrize(
    ("engine", "version"),
    [("vllm", "v0.6.3"), ("vllm", "0.6.3.post1"), ("sglang", "0.4.3.post4"), ("ollama", "0.11.4"),
     ("llama.cpp", "b8571"), ("transformers", "4.46.0.dev0")],
)  # fmt: skip
def test_release_spellings_people_copy_still_read(
    engine: str, version: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run_cli(
        ["estimate", "Qwen2.5-0.5B", "--engine", engine, "--engine-version", version], capsys
    )
    assert code == 0, err


# --- the name approximation: sizes it cannot come near, active sizes that are no model


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize("name", hostile_round7.REFUSED_NAMES)
def test_unbuildable_sizes_are_refused(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    # 'gemma-0.001B' was sized as a 323M model (0.65 GB of weights), 'SmolLM2-135M-A1M' as a 679M dense
    # one, 'deepseek-10B-A999B' and 'gemma-3B-A0B' as dense 10B and 3B models.
    code, err = assert_answered(["estimate", "--", name], capsys)
    assert code == 2 and ("active" in err or "smaller than" in err or "no model" in err), err


@pytest.mark.usefixtures("offline")
def test_sizes_within_reach_are_still_approximated(capsys: pytest.CaptureFixture[str]) -> None:
    # One block of Llama-3.2-1B plus its 128k-token embeddings is 323M: a 100M name is answered with that
    # shape and says so; an MoE whose active size is below one Qwen3-MoE block says what it assumed.
    code, out, err = run_cli(["estimate", "Foo-100M"], capsys)
    assert code == 0 and "smaller than one" in out + err
    doc = _doc(["estimate", "deepseek-999B-A1B"], capsys)
    assert doc["model"]["active_params"] > 10**9  # type: ignore[index]
    assert any("active is smaller" in w for w in doc["warnings"])  # type: ignore[union-attr]
    # Llama 4 Scout's sizes with its 16 experts: at Qwen3-MoE's expert width and top-8 the count held 27.8B
    # of the 109B stated; the sizes rule and the count gives way, said in a warning.
    scout = _doc(["estimate", "Foo-109B-A17B-16E"], capsys)
    assert scout["model"]["params"] == pytest.approx(109e9, rel=0.25)  # type: ignore[index]
    assert any("experts assumed" in w for w in scout["warnings"])  # type: ignore[union-attr]
    same = _doc(["estimate", "qwen3-30B-A30B"], capsys)  # all active: a dense model
    assert same["model"]["active_params"] == same["model"]["params"]  # type: ignore[index]


# --- popular models on the machines people ask about (fit with default options)


@pytest.mark.usefixtures("offline")
def test_dgx_spark_offers_what_cuda_reports(capsys: pytest.CaptureFixture[str]) -> None:
    # CUDA's total on a DGX Spark is 121.69 GiB (MiaAI-Lab/GLM-5.3-Flash-EXL3-2x-DGX-Sparks#47: "CUDA free
    # caps at ~102/121.69 GiB"); fit offered the whole 128 GiB of RAM.
    doc = _doc(["fit", "gpt-oss-120b", "--gpu", "DGX-Spark"], capsys)
    usable = doc["gpus"][0]["usable_bytes"]  # type: ignore[index]
    assert usable == pytest.approx(121.69 * GIB, rel=1e-3)


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize("gpu", ["DGX-Spark", "M4-Max-128GB"])
def test_unified_memory_gets_no_cpu_ram_hint(gpu: str, capsys: pytest.CaptureFixture[str]) -> None:
    # "or keep the experts in CPU RAM: --n-cpu-moe" for MiniMax-M2.5 (214 GiB of weights) on a 128 GiB
    # machine whose CPU RAM is the very pool that came up short.
    _code, out, _ = run_cli(["fit", "MiniMax-M2.5", "--gpu", gpu, "--engine", "vllm"], capsys)
    assert "Nothing fits" in out and "n-cpu-moe N" not in out
    _code, out, _ = run_cli(["fit", "MiniMax-M2.5", "--gpu", "RTX-4090"], capsys)  # a card: the hint stays
    assert "--n-cpu-moe" in out


@pytest.mark.usefixtures("offline")
def test_a_mac_from_the_catalog_is_planned_with_llama_cpp(capsys: pytest.CaptureFixture[str]) -> None:
    # `plan Qwen2.5-7B --gpu M4-Max-128GB` printed `vllm serve ...` (vLLM has no Metal backend), and
    # `fit` offered bitsandbytes rows there; a detected Mac already got llama.cpp (gpu_options.local_engine).
    code, out, err = run_cli(["plan", "Qwen2.5-7B", "--gpu", "M4-Max-128GB"], capsys)
    assert code == 0 and out.startswith("llama-server ") and "M4-Max-128GB has no CUDA" in err
    doc = _doc(["fit", "Qwen2.5-7B", "--gpu", "M4-Max-128GB"], capsys)
    assert doc["workload"]["engine"] == "llama.cpp"  # type: ignore[index]
    assert not any("bnb" in o["precision"] for o in doc["options"])  # type: ignore[union-attr, index]
    code, out, _ = run_cli(["plan", "Qwen2.5-7B", "--gpu", "M4-Max-128GB", "--engine", "ollama"], capsys)
    assert out.startswith("OLLAMA_CONTEXT_LENGTH=")  # an engine asked for is kept
    lora = _doc(["fit", "Qwen2.5-0.5B", "--gpu", "M4-Max-128GB", "--mode", "lora"], capsys)
    assert lora["workload"]["engine"] == "transformers"  # type: ignore[index]  # llama.cpp cannot train


@pytest.mark.usefixtures("offline")
def test_llama_cpp_refuses_llama_3_2_vision(capsys: pytest.CaptureFixture[str]) -> None:
    # llama.cpp has no MllamaForConditionalGeneration (ggml-org/llama.cpp#9663); it was sized as if it ran.
    code, err = assert_answered(["estimate", "Llama-3.2-11B-Vision", "--engine", "llama.cpp"], capsys)
    assert code == 2 and "llama.cpp cannot run" in err and "9663" in err
    code, _out, err = run_cli(["estimate", "Llama-3.2-11B-Vision", "--engine", "ollama"], capsys)
    assert code == 0, err  # Ollama's own engine runs it


@pytest.mark.parametrize("command", [["explain", "Qwen2.5-0.5B"], ["plan", "Qwen2.5-0.5B", "--gpu", "H100"]])
def test_csv_to_a_file_says_how(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `explain M --format csv --output x.csv` was told to "name the file e.g. report.yaml": CSV is printed.
    target = tmp_path / "x.csv"
    code, err = assert_answered([*command, "--format", "csv", "--output", str(target)], capsys)
    assert code == 2 and "> report.csv" in err and not target.exists()
    for fmt in ("json", "yaml"):  # the formats --output writes, read back as the document printed
        saved = tmp_path / f"x.{fmt}"
        code, out, err = run_cli([*command, "--format", fmt, "--output", str(saved)], capsys)
        assert code == 0 and saved.read_text().strip() == out.strip(), err


def test_plan_on_a_mac_sizes_the_gguf_its_command_downloads(capsys: pytest.CaptureFixture[str]) -> None:
    # The plan for a bf16 checkpoint on a Mac is llama.cpp's, and its command pulls the repo's Q4_K_M
    # GGUF (llama-server -hf: the quant "default to Q4_K_M", common/arg.cpp): the plan must be sized
    # as that file (~4.7 GB of weights for Qwen2.5-7B), not as the 15.2 GB bf16 safetensors.
    doc = _doc(["plan", "Qwen2.5-7B-Instruct", "--gpu", "M4-Max-128GB"], capsys)
    assert str(doc["command"]).startswith("llama-server -hf Qwen/Qwen2.5-7B-Instruct-GGUF:Q4_K_M")
    workload, memory = doc["workload"], doc["memory"]
    assert isinstance(workload, dict) and isinstance(memory, dict)
    assert workload["quant"] == "Q4_K_M"
    assert memory["weights"] < 6 * 10**9
