"""Newcomer audit, round 15 (issue 15): `plan` and `fit` give one answer for a MoE on one consumer card, the
"Nothing fits" advice names only what the user set and the engine reads, and `compare --engine ollama`
sizes each GPU at the context Ollama takes on it."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from llmsize.cli import app
from newcomer_cli import json_doc as _json
from newcomer_cli import offline_catalog  # noqa: F401  (autouse)

runner = CliRunner()
OSS = ("gpt-oss-120b", "--gpu", "RTX-4090", "--engine", "llama.cpp")


# --- (a) plan on one RTX 4090: the --n-cpu-moe run fit offers, not three cards ---------------------------
# `plan gpt-oss-120b --gpu RTX-4090 --engine llama.cpp` printed `--split-mode layer --tensor-split 1,1,1` (3
# GPUs) while `fit` said "fits with the experts of 23 of 36 layers in CPU RAM: --n-cpu-moe 23". llama-server's
# default --fit runs it on the one card by moving experts to CPU RAM ("48 layers (34 overflowing)" for
# Qwen3-30B-A3B f16 on an RTX 4090: ggml-org/llama.cpp tools/fit-params/README.md).
@pytest.mark.parametrize("count", [(), ("--num-gpus", "1")])
def test_plan_on_one_card_keeps_experts_in_ram_as_fit_says(count: tuple[str, ...]) -> None:
    row = _json("fit", *OSS)["options"][0]
    n = row["cpu_moe_layers"]
    assert n is not None and row["fits"] is False
    doc = _json("plan", *OSS, *count)
    assert doc["command"].split()[-2:] == ["--n-cpu-moe", str(n)]
    assert "--tensor-split" not in doc["command"]
    planned = doc["gpus"][0]
    assert planned["count"] == 1 and planned["fits"]
    assert planned["decode_tokens_per_s"] == pytest.approx(row["cpu_moe_decode_tokens_per_s"])
    # the host RAM of that run: fit's "Host RAM" line sized the --gpu-layers split instead
    assert planned["host_bytes"] == row["cpu_moe_host_bytes"]
    text = " ".join(runner.invoke(app, ["fit", *OSS], env={"COLUMNS": "200"}).stdout.split())
    assert f"Host RAM: {row['cpu_moe_host_bytes'] / 2**30:,.1f} GiB stay in CPU RAM" in text
    # the all-on-GPU layout is named beside it, and planning that many cards gives it
    note = " ".join(doc["command_notes"])
    assert f"the experts of {n} of 36 layers stay in CPU RAM" in note
    k = int(note.split("--num-gpus ")[1].split(",")[0])
    several = _json("plan", *OSS, "--num-gpus", str(k))
    assert k > 1 and several["gpus"][0]["fits"] and "--n-cpu-moe" not in several["command"]


def test_plan_num_gpus_auto_is_fits_auto() -> None:
    # fit's hint "on several of them: --num-gpus auto (the fewest that fit)": the same words to plan give
    # the same layout, every expert on a GPU
    fit = _json("fit", *OSS, "--num-gpus", "auto")["options"][0]
    plan = _json("plan", *OSS, "--num-gpus", "auto")
    assert fit["fits"] and fit["count"] > 1
    assert plan["gpus"][0]["count"] == fit["count"] and "--n-cpu-moe" not in plan["command"]


# `plan gpt-oss:120b --gpu RTX-4090` (Ollama) said "this plan runs on 3 x RTX-4090" and `--num-gpus 1`
# exited 3, while `fit` for the same inputs says Ollama runs it on the one card with 12 of 36 layers there
# (num_gpu unset: Ollama keeps what fits on the GPU, estimate/engines/ollama.py auto_gpu_layers).
@pytest.mark.parametrize("count", [(), ("--num-gpus", "1")])
def test_ollama_plan_on_one_card_is_its_own_split(count: tuple[str, ...]) -> None:
    row = _json("fit", "gpt-oss:120b", "--gpu", "RTX-4090")["options"][0]
    assert not row["fits"] and row["decode_tokens_per_s"] > 0
    doc = _json("plan", "gpt-oss:120b", "--gpu", "RTX-4090", *count)
    planned = doc["gpus"][0]
    assert planned["count"] == 1 and planned["gpu_layers"] == row["gpu_layers"]
    assert planned["decode_tokens_per_s"] == pytest.approx(row["decode_tokens_per_s"])
    note = " ".join(doc["command_notes"])
    assert f"keeps {row['gpu_layers']} of 36 layers on one GPU by itself" in note
    assert "OLLAMA_CONTEXT_LENGTH=32768" in doc["command"]  # a 24 GiB card's NumCtx (server/routes.go)


def test_checking_the_planned_command_gives_the_same_fit() -> None:
    command = _json("plan", *OSS)["command"].split()
    result = runner.invoke(app, ["check", "--gpu", "RTX-4090", "--", *command])
    assert result.exit_code == 0, result.output
    assert "FITS" in result.stdout


def test_plan_keeps_several_gpus_where_experts_in_ram_do_not_apply() -> None:
    # a dense 70B has no experts: the fewest cards that hold it, as before
    doc = _json("plan", "Llama-3.3-70B-Instruct", "--quant", "Q4_K_M", "--gpu", "RTX-4090",
                "--engine", "llama.cpp")
    assert doc["gpus"][0]["count"] == 2 and "--n-cpu-moe" not in doc["command"]


# --- (b) the "Nothing fits" advice is worded for what the user set ----------------------------------------
# The reason said "lower --gpu-layers (fewer layers on the GPU) or raise --n-cpu-moe" to a user who had set
# neither; under Ollama (num_gpu unset) it splits the layers by itself and takes no --n-cpu-moe.
def _reason(*args: str) -> str:
    result = runner.invoke(app, ["fit", *args], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.split("Nothing fits", 1)[1].splitlines()[0].split())


def test_nothing_fits_names_only_settings_made() -> None:
    unset = _reason(*OSS)
    assert "lower" not in unset and "raise" not in unset
    assert "--gpu-layers N" in unset and "--n-cpu-moe N keeps the experts" in unset
    assert "lower --gpu-layers (now 30" in _reason(*OSS, "--gpu-layers", "30")
    told = runner.invoke(app, ["fit", *OSS, "--gpu-layers", "30"], env={"COLUMNS": "250"}).stdout
    assert "--n-cpu-moe N" in told and "--engine llama.cpp" not in told  # already on llama.cpp
    assert "raise --n-cpu-moe (now 5" in _reason(*OSS, "--n-cpu-moe", "5")
    dense = _reason("Llama-3.3-70B-Instruct", "--quant", "Q4_K_M", "--gpu", "RTX-4090",
                    "--engine", "llama.cpp")
    assert "--n-cpu-moe" not in dense and "lower" not in dense


def test_ollama_advice_is_its_own_split() -> None:
    said = _reason("gpt-oss:120b", "--gpu", "RTX-4090")
    assert "num_gpu unset" in said and "--n-cpu-moe" not in said and "lower" not in said
    assert "Ollama's num_gpu, now 20" in _reason("gpt-oss:120b", "--gpu", "RTX-4090", "--gpu-layers", "20")


# --- (c) compare --engine ollama: each GPU at its own NumCtx ---------------------------------------------
# Ollama picks NumCtx by total VRAM: 262,144 from 47 GiB, 32,768 from 23 GiB, else 4,096 (ollama/ollama
# server/routes.go, "vram-based default context"; OLLAMA_CONTEXT_LENGTH "default: 4k/32k/256k based on VRAM",
# envconfig/config.go). `compare gpt-oss:20b --gpus RTX-3090,RTX-4060,H100` sized all three at 4,096.
def test_compare_under_ollama_sizes_each_gpu_at_its_own_context() -> None:
    doc = _json("compare", "gpt-oss:20b", "--gpus", "RTX-3090,RTX-4060,H100-SXM-80GB", "--engine", "ollama")
    contexts = {r["gpu"]: r["context"] for r in doc["rows"]}
    # gpt-oss's window (131,072) caps the H100's 262,144 (server/sched.go caps NumCtx at the trained context)
    assert contexts == {"RTX-3090": 32768, "RTX-4060": 4096, "H100-SXM-80GB": 131072}
    for r in doc["rows"]:  # each row is the estimate of the same GPU alone
        est = _json("estimate", "gpt-oss:20b", "--gpu", r["gpu"], "--engine", "ollama")
        assert est["workload"]["context"] == r["context"]
        if r["count"] == 1:
            assert est["gpus"][0]["per_gpu_bytes"] == r["per_gpu_bytes"]
    args = ["compare", "gpt-oss:20b", "--gpus", "RTX-3090,H100-SXM-80GB", "--engine", "ollama"]
    text = runner.invoke(app, args, env={"COLUMNS": "200"}).stdout
    assert "context 4,096" not in text and "each GPU's own default" in text and "32,768" in text


def test_compare_with_one_context_keeps_the_plain_header() -> None:
    doc = _json("compare", "gpt-oss:20b", "--gpus", "RTX-3090,H100-SXM-80GB", "--engine", "ollama",
                "--context", "8192")
    assert all("context" not in r for r in doc["rows"]) and doc["workload"]["context"] == 8192


# `estimate gpt-oss-120b --gpu RTX-4090 --engine llama.cpp` said only "--n-cpu-moe N keeps the experts of N
# layers" where `fit` for the same inputs names N = 23 and its speed: estimate --gpu names the same count.
def test_estimate_gpu_names_the_count_fit_names() -> None:
    row = _json("fit", *OSS)["options"][0]
    text = " ".join(runner.invoke(app, ["estimate", *OSS], env={"COLUMNS": "200"}).stdout.split())
    n, rate = row["cpu_moe_layers"], row["cpu_moe_decode_tokens_per_s"]
    said = f"RTX-4090: fits with the experts of {n} of 36 layers in CPU RAM: --n-cpu-moe {n} (~{rate:.0f}"
    assert said in text
