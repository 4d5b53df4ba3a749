"""`plan --engine ollama` pulls a tag that exists: a library tag the catalog cites, else a Hub GGUF repo.

The old command built "family:size-quant" for any model without a catalog tag: `qwen3:80b-q4_K_M` for
Qwen3-Next-80B-A3B and `deepseek:16b-q4_K_M` for DeepSeek-V2-Lite, neither on ollama.com (issue 15).
Ollama pulls a Hub GGUF repo as `ollama run hf.co/{username}/{repository}:{quantization}`
(https://huggingface.co/docs/hub/ollama: "By default, the Q4_K_M quantization scheme is used").
"""

from __future__ import annotations

import re

import pytest
from test_hostile_inputs import run_cli

from llmsize.estimate.workload import Engine, Workload
from llmsize.preflight.emit import DEFAULT_GGUF_TYPE, _ollama_tag
from llmsize.specs import catalog, ollama
from llmsize.specs.resolve import resolve

# `ollama run hf.co/ORG/NAME-GGUF[:TYPE]` (huggingface.co/docs/hub/ollama)
_HUB_FORM = re.compile(r"hf\.co/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+-GGUF(:(UD-)?[A-Za-z0-9_]+)?")


def _tag_table() -> set[str]:
    """The bundled tag table: every Ollama tag a catalog entry carries (each cited in its entry), the bare
    library names the catalog declares (their latest tag) and the libraries specs/ollama.py cites."""
    tags = {a for e in catalog.entries() for a in e.model.aliases if ":" in a}
    return tags | set(catalog._bare_ollama_names()) | {lib.name for lib in ollama.LIBRARIES}


def test_every_tag_plan_emits_for_the_catalog_is_a_library_tag_or_a_hub_repo() -> None:
    # a property over the catalog: each entry's name and every alias, as `plan NAME --engine ollama`
    # takes it (the model resolved as the ollama engine resolves it, no --quant)
    table = _tag_table()
    made_up: list[tuple[str, str]] = []
    for entry in catalog.entries():
        for name in (entry.model.name, *entry.model.aliases):
            spec = resolve(name, engine=Engine.OLLAMA)
            quant = (spec.weight_format.gguf_type or DEFAULT_GGUF_TYPE).upper()
            tag = _ollama_tag(spec, Workload(engine="ollama"), name, quant)
            if tag not in table and not _HUB_FORM.fullmatch(tag):
                made_up.append((name, tag))
    assert made_up == []


@pytest.mark.parametrize(
    ("model", "tag"),
    [
        # ollama.com/library/qwen3-next: `ollama run qwen3-next:80b` (model_specs/qwen3.yaml cites it)
        ("Qwen3-Next-80B-A3B", "qwen3-next:80b"),
        # ollama.com/library/deepseek-v2: deepseek-v2:16b is DeepSeek-V2-Lite (model_specs/deepseek.yaml)
        ("DeepSeek-V2-Lite", "deepseek-v2:16b"),
        # its own library, not the tag of the entry it shares tensors with
        ("Qwen3-Coder-Next", "qwen3-coder-next"),
    ],
)
def test_plan_names_the_library_tag(model: str, tag: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["plan", model, "--gpu", "H100", "--engine", "ollama"], capsys)
    assert code == 0, err
    assert out.split()[-1] == tag
    assert "hf.co" not in err


def test_a_model_with_no_library_tag_is_pulled_from_the_repo_llama_cpp_pulls(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # SmolLM3-3B has no tag in the catalog (ollama.com's library has no smollm3); the old command was
    # "smollm3:3b-q4_K_M". Ollama pulls the GGUF repo `plan --engine llama.cpp` names, in its hf.co form.
    code, out, err = run_cli(["plan", "SmolLM3-3B", "--gpu", "H100", "--engine", "llama.cpp"], capsys)
    assert code == 0, err
    hf = out.split()[out.split().index("-hf") + 1]
    code, out, err = run_cli(["plan", "SmolLM3-3B", "--gpu", "H100", "--engine", "ollama"], capsys)
    assert code == 0, err
    assert out.split()[-1] == f"hf.co/{hf}"
    assert "no ollama.com library tag" in err


def test_the_hub_form_plan_prints_checks_as_the_same_file(capsys: pytest.CaptureFixture[str]) -> None:
    # `check` sized `ollama run hf.co/...` as a folder on another machine; it is the repo's Q8_0 file
    argv = ["plan", "SmolLM3-3B", "--gpu", "H100", "--engine", "ollama", "--quant", "Q8_0"]
    code, out, err = run_cli(argv, capsys)
    assert code == 0, err
    words = out.split()
    env = [w for w in words if w.startswith("OLLAMA_")]
    assert words[-1].endswith("-GGUF:Q8_0")
    argv = ["check", "--gpu", "H100", *[a for pair in env for a in ("--env", pair)], "--", *words[len(env):]]
    code, out, err = run_cli(argv, capsys)
    assert code == 0, err
    assert "not on this machine" not in out
    assert "Q8_0" in out.splitlines()[0]


def test_the_deepseek_v2_tag_is_the_lite_entry_at_the_library_default() -> None:
    # deepseek-v2:16b was sized as a Llama-3.1-8B-shaped approximation (69 layers); it is DeepSeek-V2-Lite,
    # whose published total is 15,706,484,224 (HF safetensors metadata, model_specs/deepseek.yaml)
    spec = resolve("deepseek-v2:16b", engine=Engine.OLLAMA)
    assert spec.num_layers == 27
    assert spec.weight_format.gguf_type == "Q4_0"
