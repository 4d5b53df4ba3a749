"""Newcomer audit, round 12 (issue 15): one command's numbers agree with themselves, and a hint names only
settings the engine has."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from llmsize.cli import app, main
from newcomer_cli import json_doc as _json
from newcomer_cli import offline_catalog  # noqa: F401  (autouse)

runner = CliRunner()


# --- (a) --num-gpus auto: the breakdown is that of the GPUs the row chose --------------------------------
# `estimate Llama-3.3-70B-Instruct --gpu H100 --engine vllm --context 32k --batch 16 --num-gpus auto` printed
# "Total: 295.94 GiB ... on the busiest GPU" (one GPU holding 131 GiB of bf16 weights and 160 GiB of KV
# cache) beside a fit row of 5 GPUs at 61.7 GiB each and a vLLM log of 27.49 GiB of weights per GPU.
@pytest.mark.parametrize("args", [
    ("Qwen2.5-72B-Instruct", "--gpu", "H100-SXM-80GB"),
    ("Llama-3.1-70B", "--mode", "qlora", "--gpu", "RTX-4090"),
])
def test_auto_count_breakdown_is_per_gpu_of_the_chosen_layout(args: tuple[str, ...]) -> None:
    doc = _json("estimate", *args, "--num-gpus", "auto")
    row = doc["gpus"][0]
    assert row["fits"] and row["count"] > 1
    assert doc["workload"]["num_gpus"] == row["count"]
    # the busiest GPU of the layout holds what the row plans on it, not the whole model
    per_gpu = row["per_gpu_bytes"]
    assert doc["memory"]["total"] == pytest.approx(per_gpu, rel=0.05)
    # and no more than one usable card: the one-GPU total (over 2 cards' worth) is gone
    assert doc["memory"]["total"] <= row["usable_bytes"]


def test_auto_count_matches_the_same_count_given() -> None:
    auto = _json("estimate", "Qwen2.5-72B-Instruct", "--gpu", "H100-SXM-80GB", "--num-gpus", "auto")
    count = auto["gpus"][0]["count"]
    given = _json("estimate", "Qwen2.5-72B-Instruct", "--gpu", "H100-SXM-80GB", "--num-gpus", str(count))
    assert auto["memory"] == given["memory"]


# --- (b) Ollama has no expert offload ---------------------------------------------------------------------
# Ollama 0.33's llm/llama_server.go `startLlamaServer` passes no --n-cpu-moe (nor --no-op-offload) to
# llama-server, and api.Runner has no such option (ollama/ollama#11772 open, #12333 declined). `fit
# gpt-oss:20b --gpu RTX-4060` said "lower --gpu-layers ... or raise --n-cpu-moe", and `--n-cpu-moe 12` was
# then accepted and sized as llama.cpp runs it.
def test_ollama_refuses_n_cpu_moe_and_points_to_llama_cpp(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["fit", "gpt-oss:20b", "--gpu", "RTX-4060", "--n-cpu-moe", "12"])
    assert ended.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "--n-cpu-moe applies to llama.cpp, not Ollama" in err


def test_ollama_does_not_fit_hint_suggests_only_its_own_settings() -> None:
    result = runner.invoke(app, ["fit", "gpt-oss:20b", "--gpu", "RTX-4060"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    reason = text.split("Nothing fits RTX-4060:", 1)[1].split("ollama:", 1)[0]
    # num_gpu unset: Ollama splits by itself (round 15: "lower --gpu-layers" named a setting not made)
    assert "num_gpu" in reason and "--n-cpu-moe" not in reason
    # the llama.cpp alternative is still offered, with its engine named
    assert "--engine llama.cpp --n-cpu-moe N" in text
    # under llama.cpp the same MoE keeps its --n-cpu-moe hint
    lcpp = runner.invoke(app, ["fit", "gpt-oss-20b", "--gpu", "RTX-4060", "--engine", "llama.cpp"],
                         env={"COLUMNS": "120"})
    assert "--n-cpu-moe N keeps the experts" in " ".join(lcpp.output.split())


# --- (c) a folded model name breaks after a hyphen ----------------------------------------------------------
# `compare Qwen3-8B Llama-3.1-8B-Instruct gemma-3-12b --gpu RTX-4090` at 80 columns printed the name as
# "Llama-3.1-8B-Instruc" over "t": the model column narrows to 20 before a number is hidden.
@pytest.mark.parametrize("columns", [80, 120])
def test_compare_folds_a_long_model_name_at_a_hyphen(columns: int) -> None:
    names = ["Qwen3-8B", "Llama-3.1-8B-Instruct", "gemma-3-12b"]
    result = runner.invoke(app, ["compare", *names, "--gpu", "RTX-4090"], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(len(line) <= columns for line in lines)
    cells = [line.split("│")[1].strip() for line in lines if line.startswith("│")]
    if columns == 80:
        assert "Llama-3.1-8B-" in cells and cells[cells.index("Llama-3.1-8B-") + 1] == "Instruct"
    else:
        assert "Llama-3.1-8B-Instruct" in cells
    assert "Instruc" not in cells and "t" not in cells


# --- (d) report show on the HTML page --output wrote ------------------------------------------------------
# `estimate Qwen3-8B -o r.html` then `report show r.html` said "r.html is not valid YAML (line 2) (give a
# report written with --output)": it was one.
def test_report_show_names_an_html_page_for_what_it_is(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "r.html"
    with pytest.raises(SystemExit) as ended:
        main(["estimate", "Qwen3-8B", "-o", str(page)])
    assert ended.value.code in (0, None) and page.exists()
    capsys.readouterr()
    with pytest.raises(SystemExit) as ended:
        main(["report", "show", str(page)])
    assert ended.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "HTML page" in err and "not valid YAML" not in err
    assert "-o report.yaml" in err


# --- (e) --concurrency with --num-gpus auto under vLLM: each level on the GPUs that hold it --------------
# `fit Llama-3.3-70B-Instruct --gpu H100 --engine vllm --context 32k --concurrency 16 --num-gpus auto` kept
# the layout of one sequence (3 GPUs, a pool of 7) and said 16 do not fit, where `--batch 16 --num-gpus
# auto` found the count whose pool holds them. vLLM's pool is fixed at start (gpu_worker.py
# determine_available_memory), so a level needs the count whose pool holds it.
def test_auto_concurrency_level_gets_the_count_batch_gets() -> None:
    args = ("fit", "Qwen3-8B", "--gpu", "L4", "--engine", "vllm", "--context", "32k", "--num-gpus", "auto")
    swept = _json(*args, "--concurrency", "1,16")
    levels = {r["concurrency"]: r for r in swept["concurrency"]}
    assert levels[1]["fits"] and levels[16]["fits"]
    assert levels[16]["max_concurrent_seqs"] >= 16 > levels[1]["max_concurrent_seqs"]
    batched = _json(*args, "--batch", "16")
    same = next(o for o in batched["options"] if o["precision"] == swept["best"])
    assert levels[16]["count"] == same["count"] > levels[1]["count"]
    human = runner.invoke(app, [*args, "--concurrency", "1,16"], env={"COLUMNS": "120"})
    text = " ".join(human.output.split())
    assert f"{levels[1]['count']}x L4: the KV pool holds at most" in text
    assert f"{levels[16]['count']}x L4: the KV pool holds at most" in text


# --- (f) a Mac named without its chip ----------------------------------------------------------------------
# `fit gpt-oss-20b --gpu "Mac Studio"` said "Did you mean: Ryzen-AI-Max-395-128GB, Ryzen-AI-9-HX-370-32GB,
# Gaudi-3?" (no Apple chip at all). A Mac's GPU is its chip: the miss says so and offers the chips Apple
# builds that machine with (Mac Studio: M-series Ultra and Max).
@pytest.mark.parametrize(("typed", "kind"),
                         [("Mac Studio", "Ultra"), ("MacBook Pro", "Max"), ("mac mini", "Pro")])
def test_a_mac_without_its_chip_is_offered_its_chips(typed: str, kind: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["fit", "gpt-oss-20b", "--gpu", typed])
    assert ended.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "named by its chip" in err
    offered = err.split("Did you mean:", 1)[1].strip(" ?").split(", ")
    assert offered and all(o.startswith("M") and o.endswith("GB") for o in offered)
    assert f"-{kind}-" in offered[0] and "Ryzen" not in err


# --- (g) the same warning for many GPUs is said once --------------------------------------------------------
# `compare gpt-oss-120b --gpus all --engine vllm` printed 117 "Warning:" lines at 80 columns, most of them one
# sentence repeated with another card's id ("T4 has no native bf16: ...", "V100-PCIe-16GB has no native
# bf16: ...").
@pytest.mark.parametrize("columns", [80, 120])
def test_compare_says_a_shared_warning_once_with_its_gpus(columns: int) -> None:
    result = runner.invoke(app, ["compare", "Qwen3-8B", "--gpus", "T4,V100-PCIe-16GB,L4,Titan-V"],
                           env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert text.count("no native bf16") == 1
    sentence = text.split("Warning: ", 1)[1].split("no native bf16", 1)[0]
    assert all(gpu in sentence for gpu in ("T4", "V100-PCIe-16GB", "Titan-V")) and "L4" not in sentence
    assert all(len(line) <= columns for line in result.stdout.splitlines())


def test_estimate_on_several_gpus_says_a_shared_warning_once() -> None:
    result = runner.invoke(app, ["estimate", "Qwen3-8B", "--gpu", "T4,V100-PCIe-16GB,L4"],
                           env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert text.count("no native bf16") == 1 and "T4, V100-PCIe-16GB: each has no native bf16" in text


# --- (h) a bare name that is also an Ollama library -------------------------------------------------------
# `estimate deepseek-r1` sized DeepSeek-R1 (671B, FP8) without a word, while `ollama run deepseek-r1` pulls
# deepseek-r1:latest, the 8B Qwen3 distill in Q4_K_M (ollama.com/library/deepseek-r1;
# model_specs/deepseek.yaml).
def test_a_lowercase_library_name_says_what_ollama_would_pull() -> None:
    doc = _json("estimate", "deepseek-r1")
    assert doc["model"]["params"] > 600e9  # the Hugging Face model of that name, as before
    note = next(w for w in doc["warnings"] if "Ollama library name" in w)
    assert "deepseek-r1:latest" in note and "8.2B" in note and "--engine ollama" in note
    pulled = _json("estimate", "deepseek-r1", "--engine", "ollama")
    assert pulled["model"]["params"] == pytest.approx(8.19e9, rel=0.01)
    # the Hugging Face spelling, and a library name that already is the tag, carry no such note
    for name in ("DeepSeek-R1", "llama3.3"):
        assert not any("Ollama library name" in w for w in _json("estimate", name)["warnings"])


# --- (i) fit's --gpu help says what fit takes -------------------------------------------------------------
# `fit --help` said --gpu may be repeated "to size several"; `fit Qwen3-8B --gpu RTX-4090,L4` then exits 2
# with "fit plans one GPU kind".
@pytest.mark.parametrize("columns", ["80", "120"])
def test_fit_help_does_not_offer_several_gpus(columns: str, capsys: pytest.CaptureFixture[str]) -> None:
    result = runner.invoke(app, ["fit", "--help"], env={"COLUMNS": columns})
    assert result.exit_code == 0
    gpu_help = " ".join(result.stdout.split("--gpu <", 1)[1].split("--all", 1)[0].split())
    assert "size several" not in gpu_help and "one GPU kind" in gpu_help and "compare" in gpu_help
    with pytest.raises(SystemExit) as ended:
        main(["fit", "Qwen3-8B", "--gpu", "RTX-4090,L4"])
    assert ended.value.code == 2 and "one GPU kind" in capsys.readouterr().err


# --- (j) transformers dequantizes an FP8 checkpoint below compute capability 8.9 ----------------------------
# transformers quantizers/quantizer_finegrained_fp8.py `FineGrainedFP8HfQuantizer.validate_environment`: "FP8
# quantized models is only supported on GPUs with compute capability >= 8.9 (e.g 4090/H100) ... We will
# default to dequantizing the model to bf16". A published A100 run of an FP8 checkpoint: "~55.6GB VRAM (vs.
# ~30.9GB native FP8)" after that dequantization. `fit Qwen3-32B-FP8 --gpu A100-40GB` said it fits with 32 GiB
# of FP8 weights, beside its own warning that "transformers upcasts them to bf16 on load".
def test_transformers_fp8_checkpoint_on_ampere_is_sized_as_bf16() -> None:
    ampere = _json("fit", "Qwen3-32B-FP8", "--gpu", "A100-40GB")
    row = ampere["options"][0]
    assert not row["fits"] and row["precision"] == "bf16"
    bf16 = _json("fit", "Qwen3-32B", "--gpu", "A100-40GB", "--dtype", "bf16")["options"][0]
    assert row["weights_bytes"] == pytest.approx(bf16["weights_bytes"], rel=0.01)
    # Ada and Hopper run the FP8 weights as they are; vLLM keeps them 8-bit on Ampere (FP8 Marlin)
    for args in (("--gpu", "RTX-4090"), ("--gpu", "A100-40GB", "--engine", "vllm")):
        kept = _json("fit", "Qwen3-32B-FP8", *args)["options"][0]
        assert kept["precision"].startswith("fp8") and kept["weights_bytes"] < 0.6 * bf16["weights_bytes"]
    human = runner.invoke(app, ["estimate", "Qwen3-32B-FP8", "--gpu", "A100-80GB"], env={"COLUMNS": "80"})
    assert "dequantizes FP8 weights to bf16" in " ".join(human.stdout.split())


def test_the_library_note_spells_small_and_large_sizes() -> None:
    # a sub-billion model read "0B" in the note; sizes are written the way a model card names them
    from llmsize.specs.resolve import _billions

    assert _billions(494_032_768) == "494M"  # Qwen2.5-0.5B's parameter count (its model card: 0.49B)
    assert _billions(8_190_735_360) == "8.2B"
    assert _billions(671_026_419_200) == "671B"
