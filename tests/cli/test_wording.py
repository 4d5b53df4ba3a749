"""Human output says one thing at a time (issue 15, "Readable"): no hint that contradicts the run, no
line wider than the terminal, no URL folded mid-way or printed twice, the engine release named as asked."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from llmsize.cli import app

runner = CliRunner()


def _human(args: list[str], width: int = 80, **env: str) -> str:
    result = runner.invoke(app, args, env={"COLUMNS": str(width), "TERM": "dumb", **env})
    assert result.exit_code == 0, result.output
    return result.stdout


def _json(args: list[str], **env: str) -> dict:
    result = runner.invoke(app, [*args, "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("width", [80, 120])
def test_fit_host_ram_line_is_wrapped_at_the_terminal_width(width: int) -> None:
    # A GGUF on llama.cpp keeps its token embeddings in host RAM, so fit prints the Host RAM line; it went
    # out through a raw write at ~130 columns.
    args = ["fit", "Qwen2.5-7B-Instruct-GGUF-Q4_K_M", "--gpu", "RTX-4090", "--engine", "llama.cpp"]
    out = _human(args, width)
    assert "Host RAM:" in out
    assert all(len(line) <= width for line in out.splitlines()), out
    assert "this machine's RAM was not checked" in " ".join(out.split())


def _layers(out: str) -> tuple[str, int, int]:
    text = " ".join(out.split())  # the line wraps at 80 columns
    ends = r"(?= speed| cost| Host RAM| Warning|$)"
    match = re.search(r"(?:all (\d+)|(\d+) of (\d+)) layers fit on the GPU([^.]*?)" + ends, text)
    assert match, text
    if match.group(1):
        return match.group(4), int(match.group(1)), int(match.group(1))
    return match.group(4), int(match.group(2)), int(match.group(3))


def test_every_layer_on_the_gpu_sends_nothing_to_cpu_ram() -> None:
    out = _human(["fit", "gpt-oss-120b", "--gpu", "RTX-4090", "--engine", "llama.cpp", "--n-cpu-moe", "30"])
    rest, fit, total = _layers(out)
    assert fit == total == 36  # gpt-oss-120b: num_hidden_layers 36 (hf.co/openai/gpt-oss-120b config.json)
    assert "the rest run from CPU RAM" not in out and "other 0" not in out
    assert "experts of 30" in rest  # what --n-cpu-moe keeps in CPU RAM is named beside the full fit


def test_a_partial_fit_names_the_layers_left_in_cpu_ram() -> None:
    # Llama 3.1 70B Q4_K_M (~40 GiB of weights) cannot hold its 80 layers in a 24 GB card.
    out = _human(["fit", "Llama-3.1-70B-Instruct-GGUF-Q4_K_M", "--gpu", "RTX-4090", "--engine", "llama.cpp"])
    rest, fit, total = _layers(out)
    assert total == 80 and 0 < fit < total
    assert f"--gpu-layers {fit} runs the other {total - fit} from CPU RAM" in rest


def test_ollama_note_states_the_context_gpu_took_instead_of_asking_for_it() -> None:
    args = ["estimate", "llama3.1:8b", "--gpu", "RTX-4090"]
    doc = _json(args)
    # Ollama's VRAM tier for 24 GB cards is 32,768 tokens (server/routes.go, ollama#14116); `--gpu` takes it.
    assert doc["workload"]["context"] == 32_768
    note = next(a for a in doc["assumptions"] if "NumCtx" in a)
    assert "pass --context to match" not in note
    assert "sized for 32,768 tokens" in note


def test_ollama_note_follows_the_release_asked() -> None:
    # api/types.go DefaultOptions: NumCtx 4096 from v0.6.7 until the VRAM tiers of v0.15.5 (ollama#14116).
    doc = _json(["estimate", "llama3.1:8b", "--engine-version", "0.11.4"])
    note = next(a for a in doc["assumptions"] if "NumCtx" in a)
    assert note.startswith("Ollama 0.11.4: NumCtx defaults to 4,096 tokens")
    assert "by VRAM" not in note


def test_llama_cpp_text_names_the_build_asked_and_json_keeps_the_modelled_one() -> None:
    args = ["estimate", "Qwen2.5-7B-Instruct-GGUF-Q4_K_M", "--gpu", "RTX-4090", "--engine", "llama.cpp",
            "--engine-version", "b6699"]
    out = _human(args, 120)
    assert "llama.cpp b6699 would print:" in out
    assert "llama.cpp b6699: n_ctx" in out and "llama.cpp b9464:" not in out
    # b6699 predates llama-server's output cap (#23861, first in b9464): every ubatch token keeps a row
    assert "logits reserved for every token of the ubatch" in out
    doc = _json(args)
    assert doc["engine"]["version"] == "b9464"  # JSON contract: the release whose rules are modelled
    assert doc["workload"]["engine_version"] == "b6699"


def test_vllm_keeps_naming_the_modelled_release_its_memory_follows() -> None:
    out = _human(["estimate", "Qwen3-8B", "--gpu", "H100", "--engine", "vllm", "--engine-version", "0.6.0"],
                 120)
    assert "0.6.0 would print" not in out  # vLLM's memory rules are the modelled release's, its speed 0.6's
    assert "speed: vLLM 0.6.0 decodes as profile" in " ".join(out.split())


@pytest.mark.parametrize("width", [80, 120])
def test_a_long_source_url_is_shortened_whole_and_said_once(width: int) -> None:
    repo = "meta-llama/Llama-4-Maverick-17B-128E-Instruct"  # a 90-character config.json URL in the catalog
    out = _human(["estimate", repo, "--gpu", "H100"], width, HF_HUB_OFFLINE="1")
    lines = out.splitlines()
    assert any(f"hf.co/{repo}" in line for line in lines), out
    assert "huggingface.co" not in out
    assert " ".join(out.split()).count(repo.split("/")[1]) == 2  # the name in the header, the link once
    assert all(len(line) <= width for line in lines)
    doc = _json(["estimate", repo], HF_HUB_OFFLINE="1")
    assert doc["model"]["provenance_source"] == f"https://huggingface.co/{repo}/blob/main/config.json"


@pytest.mark.parametrize("extra", [["--gpu", "RTX-4090"], ["--engine", "llama.cpp", "--n-cpu-moe", "8",
                                                           "--engine-version", "b6699"]])
def test_explain_with_the_same_arguments_sizes_the_same_run(extra: list[str]) -> None:
    # estimate prints "Formulas and low-high ranges: llmsize explain with the same arguments."
    args = ["Qwen3-30B-A3B-GGUF-Q4_K_M", *extra]
    assert "llmsize explain with the same arguments" in _human(["estimate", *args], 120)
    assert _json(["explain", *args])["memory"] == _json(["estimate", *args])["memory"]


@pytest.mark.parametrize("width", [80, 120])
def test_a_wrapped_assumption_hangs_under_its_bullet(width: int) -> None:
    args = ["estimate", "gpt-oss-120b", "--gpu", "RTX-4090", "--engine", "llama.cpp", "--n-cpu-moe", "30"]
    out = _human(args, width)
    lines = out.splitlines()
    block = lines[lines.index("Assumptions:") + 1 :]
    block = block[: block.index("Warnings:")] if "Warnings:" in block else block
    assert any(line.startswith("    ") for line in block)  # the llama.cpp n_ctx assumption is long
    assert all(line.startswith(("  - ", "    ")) and len(line) <= width for line in block), block


def test_hanging_keeps_every_word_in_order() -> None:
    from llmsize.report.plain import hanging

    line = "  - " + " ".join(f"word{i}" for i in range(60)) + " https://example.org/" + "x" * 90
    hung = hanging(line, 80)
    assert hung.split()[:61] == line.split()[:61]
    assert "".join(hung.split()) == "".join(line.split())  # a word wider than a line is folded, as rich does
    assert all(len(piece) <= 80 for piece in hung.splitlines())
    assert all(piece.startswith("    ") for piece in hung.splitlines()[1:])


@pytest.mark.parametrize("width", [80, 120])
def test_check_wraps_its_lines_and_keeps_the_suggested_commands_whole(
    width: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import llmsize.cli

    monkeypatch.setenv("COLUMNS", str(width))
    # Qwen3-32B in bf16 (~61 GiB of weights) cannot load on one 24 GB L4: check suggests tensor parallelism.
    launch = ["vllm", "serve", "Qwen/Qwen3-32B", "--max-model-len", "32768"]
    with pytest.raises(SystemExit) as exc:
        llmsize.cli.main(["check", "--gpu", "L4", "--", *launch])
    captured = capsys.readouterr()
    assert exc.value.code == 3, captured
    lines = captured.out.splitlines()
    commands = [line.strip() for line in lines if line.strip().startswith("vllm serve")]
    assert commands and all(c.startswith(" ".join(launch)) for c in commands)  # whole, to copy
    assert all(len(line) <= width for line in lines if not line.strip().startswith("vllm serve"))
    assert "understood:" in lines and "  context=32768 [flag --max-model-len]" in lines  # one setting a line
    assert lines[0] == "Qwen/Qwen3-32B on L4 with vllm" and lines[1].startswith("  release: vLLM")
    err = captured.err.strip()
    assert "\n" not in err and err.count("run out of memory") <= 1  # one line, the reason said once


def test_compare_of_different_models_does_not_rank_them_by_bits_per_weight() -> None:
    # All three Ollama tags are Q4_K_M; "the most bits per weight" picked gemma3:12b for a rounding
    # difference in its tensor types. Gemma 3 12B is the largest (12B vs 8B: ai.google.dev/gemma/docs/core,
    # qwenlm.github.io/blog/qwen3, Llama 3.1 model card).
    doc = _json(["compare", "qwen3:8b", "llama3.1:8b", "gemma3:12b", "--gpu", "RTX-4090"])
    line = doc["recommendation"][0]
    assert "bits per weight" not in line
    assert line.startswith("Recommendation: gemma3:12b") and "largest model that fits" in line
    one_model = _json(["compare", "Qwen2.5-7B-Instruct", "Qwen2.5-7B-Instruct-AWQ", "--gpu", "RTX-4090"])
    assert "the most bits per weight that fit" in one_model["recommendation"][0]  # formats of one model


def test_a_dense_model_too_big_for_the_card_is_not_told_about_experts() -> None:
    # Llama 3.1 70B is dense (no experts: --n-cpu-moe does nothing); Ollama offloads part of it by itself.
    out = " ".join(_human(["fit", "llama3.1:70b", "--gpu", "RTX-4090"]).split())
    assert "Nothing fits" in out and "n-cpu-moe" not in out
    assert "not even a 1-token context fits" not in out  # "Nothing fits" said it
    # the speed line and Ollama's own-offload warning quote the same decode rate
    line = re.search(r"speed \(estimate\): ~([\d.]+) tokens/s", out)
    note = re.search(r"still runs it at ~([\d.]+) tokens/s", out)
    assert line and note and line.group(1) == note.group(1)
    # what to try instead comes after what the shown row can do
    assert out.index("layers fit on the GPU") < out.index("on several of them")
    moe_args = ["fit", "Qwen3-30B-A3B-GGUF-Q4_K_M", "--gpu", "RTX-4060", "--engine", "llama.cpp"]
    moe = " ".join(_human(moe_args).split())
    # a sparse MoE does get the hint, worded for a user who set no --n-cpu-moe (newcomer round 15)
    assert "--n-cpu-moe N keeps the experts of N layers in CPU RAM" in moe


def test_the_engine_log_legend_points_at_lines_that_are_there() -> None:
    out = _human(["estimate", "llama3.1:8b", "--gpu", "RTX-4090"])
    lines = out.splitlines()
    legend = next(i for i, line in enumerate(lines) if "CUDA0 lines" in line)
    total = next(i for i, line in enumerate(lines) if line.startswith("Total:"))
    host = next(i for i, line in enumerate(lines) if "in host RAM, outside the total" in line)
    assert total < legend and host < legend  # both sums it refers to are above it
    assert "below" not in lines[legend]
