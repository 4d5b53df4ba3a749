"""`plan` for a GGUF file name pulls the repo of the checkpoint the name spells, with the type asked.

The catalog holds Qwen2.5-7B-Instruct as an alias of the base entry (Qwen/Qwen2.5-7B) and
Meta-Llama-3.1-8B-Instruct as one of Llama-3.1-8B: `plan Qwen2.5-7B-Instruct-Q4_K_M` pulled
`Qwen/Qwen2.5-7B-GGUF`, the base model's name (issue 15). Repos and files are the published ones, cited
next to each.
"""

from __future__ import annotations

import pytest
from test_hostile_inputs import json_doc, run_cli

from llmsize.preflight.gguf_source import gguf_name_source
from llmsize.specs.resolve import resolve

PLAN = ["--gpu", "RTX-4090", "--engine", "llama.cpp"]


@pytest.mark.parametrize(
    ("name", "pull"),
    [
        # huggingface.co/Qwen/Qwen2.5-7B-Instruct-GGUF holds qwen2.5-7b-instruct-q4_k_m.gguf: the Instruct
        # model's own repo, in the case Qwen's file names use or the repo's
        ("Qwen2.5-7B-Instruct-Q4_K_M", "Qwen/Qwen2.5-7B-Instruct-GGUF:Q4_K_M"),
        ("qwen2.5-7b-instruct-q4_k_m", "Qwen/Qwen2.5-7B-Instruct-GGUF:Q4_K_M"),
        # bartowski's file "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf" 4.92 GB
        # (huggingface.co/bartowski/Meta-Llama-3.1-8B-Instruct-GGUF), not unsloth's base Llama-3.1-8B
        ("Meta-Llama-3.1-8B-Instruct-Q4_K_M", "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF:Q4_K_M"),
        # bartowski's "{org}_{model}" naming: `huggingface-cli download bartowski/Qwen_Qwen3-8B-GGUF
        # --include "Qwen_Qwen3-8B-Q4_K_M.gguf"` (the repo's README)
        ("Qwen_Qwen3-8B-Q4_K_M", "bartowski/Qwen_Qwen3-8B-GGUF:Q4_K_M"),
        # MaziyarPanahi's "Mistral-7B-Instruct-v0.3.Q4_K_M.gguf" 4.37 GB; the base entry is
        # mistralai/Mistral-7B-v0.3, whose unsloth repo the old command named
        ("Mistral-7B-Instruct-v0.3.Q4_K_M", "MaziyarPanahi/Mistral-7B-Instruct-v0.3-GGUF:Q4_K_M"),
        # the same name typed in lower case is bartowski's repo as spelled on the Hub
        ("qwen_qwen3-8b-q4_k_m", "bartowski/Qwen_Qwen3-8B-GGUF:Q4_K_M"),
        # unsloth's dynamic quants: `llama-server -hf unsloth/Qwen3.5-35B-A3B-GGUF:UD-Q4_K_XL` (launch
        # scripts quoting unsloth's repos); the old command pulled Qwen/Qwen3-8B-GGUF:Q4_K_M, another file
        ("Qwen3-8B-UD-Q4_K_XL", "unsloth/Qwen3-8B-GGUF:UD-Q4_K_XL"),
        # a "-GGUF" repo name without its org: the Instruct repo, not Qwen/Qwen2.5-7B-GGUF
        ("Qwen2.5-7B-Instruct-GGUF", "Qwen/Qwen2.5-7B-Instruct-GGUF:Q4_K_M"),
    ],
)
def test_a_gguf_name_pulls_its_own_checkpoints_repo(
    name: str, pull: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["plan", name, *PLAN], capsys)
    assert code == 0, err
    assert out.split()[:3] == ["llama-server", "-hf", pull]


def test_the_type_asked_is_the_tag(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["plan", "Qwen2.5-7B-Instruct-Q8_0", *PLAN], capsys)
    assert code == 0, err
    assert out.split()[2] == "Qwen/Qwen2.5-7B-Instruct-GGUF:Q8_0"
    # --quant picks another file of the same checkpoint's repo
    code, out, err = run_cli(["plan", "Qwen2.5-7B-Instruct-Q8_0", *PLAN, "--quant", "Q6_K"], capsys)
    assert code == 0, err
    assert out.split()[2] == "Qwen/Qwen2.5-7B-Instruct-GGUF:Q6_K"


def test_a_guessed_repo_says_so_on_stderr_and_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    # Llama-3.2-3B-Instruct has no GGUF home llmsize knows: unsloth's naming is a convention, not a fact.
    code, out, err = run_cli(["plan", "Llama-3.2-3B-Instruct-Q4_K_M", *PLAN], capsys)
    assert code == 0
    assert out.strip().startswith("llama-server -hf unsloth/Llama-3.2-3B-Instruct-GGUF:Q4_K_M ")
    assert "\n" not in out.strip()  # `$(llmsize plan ...)` is the command alone
    # the note is prose wrapped at the terminal width
    assert "cannot know that unsloth/Llama-3.2-3B-Instruct-GGUF exists" in " ".join(err.split())
    doc = json_doc(["plan", "Llama-3.2-3B-Instruct-Q4_K_M", *PLAN], capsys)
    (note,) = doc["command_notes"]  # type: ignore[misc]
    assert "unsloth/Llama-3.2-3B-Instruct-GGUF" in note
    # a known file says nothing
    doc = json_doc(["plan", "Meta-Llama-3.1-8B-Instruct-Q4_K_M", *PLAN], capsys)
    assert doc["command_notes"] == []


def test_names_that_are_not_gguf_files_keep_the_checkpoint_rules() -> None:
    spec = resolve("Qwen2.5-7B-Instruct")
    assert gguf_name_source(spec, "Qwen2.5-7B-Instruct", "Q4_K_M") is None  # no type in the name
    assert gguf_name_source(spec, "Qwen/Qwen2.5-7B-Instruct-Q4_K_M", "Q4_K_M") is None  # an org/repo
