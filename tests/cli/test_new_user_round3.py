"""Newcomer audit, round 3 (issue 15, "right answers by default"): names people type in late 2026 and
the defaults a one-GPU estimate takes, each checked against the real model or engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import llmsize
from llmsize.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_user_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMSIZE_GPU_DIR", str(tmp_path / "none"))


def _doc(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# A size added to a family whose Hub names state none, or a named variant typed without its size, fell to
# the approximation: "GLM-5-744B" was a dense 744B Llama. Each published total and active size, cited:
@pytest.mark.parametrize(
    ("typed", "plain", "total_b", "active_b"),
    [
        # unsloth.ai/docs/fr/modeles/glm-5: "744 milliards de paramètres (40B actifs)"
        ("GLM-5-744B", "GLM-5", 744, 40),
        # huggingface.co/zai-org/GLM-4.5 README: "GLM-4.5-Air ... 106 billion total parameters and 12 billion
        # active parameters"
        ("glm-4.5-air-106b", "GLM-4.5-Air", 106, 12),
        # docs.sglang.io/docs/basic_usage/minimax_m2: "230 billion total parameters with 10 billion active"
        ("MiniMax-M2-230B-A10B", "MiniMax-M2", 230, 10),
        # huggingface.co/docs/transformers/model_doc/llama4: Scout "17B active parameters out of ~109B total"
        ("llama-4-scout-109b", "Llama-4-Scout-17B-16E-Instruct", 109, 17),
        ("Llama-4-Scout-109B-A17B", "Llama-4-Scout-17B-16E-Instruct", 109, 17),
        # Kimi-K2 model card: "1 trillion total parameters", "32 billion activated parameters"
        ("Kimi-K2-1T", "Kimi-K2-Instruct", 1000, 32),
        # Qwen3-Next-80B-A3B: 80B total, 3B active (its name)
        ("qwen3-next-80b", "Qwen3-Next-80B-A3B-Instruct", 80, 3),
    ],
)
def test_a_headline_size_finds_the_catalog_model(typed: str, plain: str, total_b: int, active_b: int) -> None:
    spec = llmsize.resolve(typed)
    assert not spec.approximate, spec.provenance
    assert spec.provenance.kind.value == "catalog"
    doc = _doc("estimate", typed)
    assert doc["model"]["params"] == pytest.approx(total_b * 1e9, rel=0.05)
    # cards round, and some leave the embeddings out of the active size
    assert doc["model"]["active_params"] == pytest.approx(active_b * 1e9, rel=0.3)
    assert doc["model"]["params"] == _doc("estimate", plain)["model"]["params"]  # the same checkpoint


@pytest.mark.parametrize("typed", ["llama-4-scout", "llama4-scout", "llama-4-maverick", "qwen3-next"])
def test_a_named_variant_without_its_size_is_its_one_model(typed: str) -> None:
    # Llama 4 has one Scout (109B) and one Maverick (~400B) (transformers' llama4 page); Qwen3-Next one
    # size, 80B-A3B.
    spec = llmsize.resolve(typed)
    assert not spec.approximate
    assert spec.num_experts in (16, 128, 512)


@pytest.mark.parametrize(
    "typed",
    [
        "Qwen3.5-72B",  # a size Qwen3.5 never shipped: still the approximation, which says so
        "GLM-4.6-9B",  # 9B is not GLM-4.6's 355B
        "GLM-4.6-355B-A12B",  # the active size disagrees with GLM-4.6's 32B
    ],
)
def test_a_size_the_model_does_not_have_is_not_matched(typed: str) -> None:
    assert llmsize.resolve(typed).approximate


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("gtp-oss-20b", "gpt-oss-20b"),
        ("Qwn3-8B", "Qwen3-8B"),
        ("lama-3.1-8b", "Llama-3.1-8B"),
        ("qwen35-27b", "Qwen3.5-27B"),
        ("gema-3-27b", "gemma-3-27b"),
    ],
)
def test_an_approximated_typo_names_the_bundled_model(typo: str, meant: str) -> None:
    # gpt-oss-20b is 21B parameters in MXFP4, "about 16GB of VRAM" (OpenAI cookbook, run-vllm); its typo was
    # sized as a dense bf16 Llama of 39.5 GiB with no word about the model the user meant.
    result = runner.invoke(app, ["estimate", typo])
    assert result.exit_code == 0, result.output
    first = llmsize.resolve(typo).warnings[0]
    assert first.startswith(f"did you mean {meant}?"), first
    assert f"did you mean {meant}?" in " ".join(result.output.split())


@pytest.mark.parametrize("name", ["Qwen3.5-72B", "Foo-7B", "MyOrg-Llama-3.1-8B-tuned"])
def test_a_new_model_is_not_called_a_typo(name: str) -> None:
    assert not any(w.startswith("did you mean") for w in llmsize.resolve(name).warnings)


def test_estimate_on_one_large_gpu_takes_vllms_defaults_for_it() -> None:
    # vllm/engine/arg_utils.py EngineArgs.get_batch_defaults (OPENAI_API_SERVER): max_num_batched_tokens 8192
    # and max_num_seqs 1024 on a GPU of >= 70 GiB other than an A100. The fit row and its engine log used
    # them; the breakdown and its assumption said 2,048 / 256 (the small-GPU defaults).
    doc = _doc("estimate", "gpt-oss-120b", "--gpu", "H100", "--engine", "vllm")
    assert doc["workload"]["max_num_batched_tokens"] == 8192
    assert doc["workload"]["max_num_seqs"] == 1024
    assert any("8,192 batched tokens, 1,024 sequences" in a for a in doc["assumptions"])
    explicit = _doc("estimate", "gpt-oss-120b", "--gpu", "H100", "--engine", "vllm",
                    "--max-num-batched-tokens", "8192", "--max-num-seqs", "1024")
    assert doc["memory"] == explicit["memory"]
    small = _doc("estimate", "Qwen3-8B", "--gpu", "RTX-4090", "--engine", "vllm")
    assert small["workload"]["max_num_batched_tokens"] == 2048


def test_plan_document_takes_the_same_gpu_defaults() -> None:
    doc = _doc("plan", "gpt-oss-120b", "--gpu", "H100", "--engine", "vllm")
    assert doc["workload"]["max_num_batched_tokens"] == 8192
    assert any("8,192 batched tokens" in a for a in doc["assumptions"])


@pytest.mark.parametrize("framework", ["trainer", "trl", "axolotl"])
def test_lora_on_gpt_oss_loads_the_weights_dequantized(framework: str) -> None:
    # transformers quantizers/quantizer_mxfp4.py: Mxfp4HfQuantizer.is_trainable is False ("MXFP4 quantization
    # don't support training, please consider dequantizing the model first by passing
    # quantization_config=Mxfp4Config(dequantize=True)"), and Trainer refuses such a model. Axolotl's gpt-oss
    # page (docs.axolotl.ai/docs/models/gpt-oss.html): "LoRA SFT linear layers (1x48GB @ ~44GiB)" for the 20B;
    # the MXFP4 sizing said 23 GiB.
    doc = _doc("estimate", "gpt-oss-20b", "--mode", "lora", "--framework", framework)
    params = doc["model"]["params"]
    assert doc["memory"]["weights"] >= 2 * params * 0.98  # bf16, not ~4.25 bits a weight
    assert doc["memory"]["total"] > 40 * 2**30
    assert any("Mxfp4Config(dequantize=True)" in a for a in doc["assumptions"])


def test_inference_on_gpt_oss_keeps_mxfp4() -> None:
    # the MXFP4 checkpoint serves as it is: "gpt-oss-20b model run within 16GB of memory" (model card)
    doc = _doc("estimate", "gpt-oss-20b")
    assert doc["memory"]["weights"] < 16e9


def test_models_search_as_a_subcommand_names_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    # `hf models search` and `ollama search` take the words after the command; `llmsize models search X`
    # said only "Got unexpected extra argument(s)".
    import llmsize.cli

    with pytest.raises(SystemExit) as info:
        llmsize.cli.main(["models", "search", "llama", "4"])
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert "llmsize models --search 'llama 4'" in err and "Traceback" not in err
    # and the search it suggests finds the model family (Llama 4 Scout and Maverick)
    found = _doc("models", "--search", "llama 4")
    assert {m["name"] for m in found} >= {"Llama-4-Scout-17B-16E", "Llama-4-Maverick-17B-128E"}


@pytest.mark.parametrize(
    ("pasted", "model"),
    [
        ("ollama run gpt-oss:20b", "gpt-oss:20b"),  # ollama.com/library/gpt-oss: `ollama run gpt-oss:20b`
        ("vllm serve Qwen/Qwen3-8B", "Qwen/Qwen3-8B"),
        ("llama-server -hf unsloth/Qwen3-14B-GGUF:Q4_K_M", "unsloth/Qwen3-14B-GGUF:Q4_K_M"),
    ],
)
def test_a_pasted_launch_command_says_how_to_size_it(
    pasted: str, model: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # "ollama run gpt-oss:20b" was read as an "ollama" family of 20B: a dense Llama of 40 GiB, where the tag
    # is a 14 GB file (ollama.com/library/gpt-oss lists 20b at 14GB)
    import llmsize.cli

    with pytest.raises(SystemExit) as info:
        llmsize.cli.main(["estimate", pasted])
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert f"llmsize check -- {pasted}" in err and f"llmsize estimate {model}" in err
    # both suggestions work
    assert runner.invoke(app, ["estimate", model, "--format", "json"]).exit_code == 0
    checked = runner.invoke(app, ["check", "--gpu", "H100", "--", *pasted.split()])
    assert checked.exit_code in (0, 3), checked.output


def test_plan_says_when_it_needs_more_than_one_gpu() -> None:
    # Qwen3.5-27B's bf16 weights, 51 GiB (hf.co/Qwen/Qwen3.5-27B: 27.8B parameters in BF16), cannot sit on
    # one 24 GB card; `--num-gpus auto` (plan's default) picked three and said so only in a flag.
    doc = _doc("plan", "Qwen3.5-27B", "--gpu", "RTX-4090", "--engine", "vllm")
    assert doc["gpus"][0]["count"] > 1
    assert any(f"runs on {doc['gpus'][0]['count']} x RTX-4090" in n for n in doc["command_notes"])
    asked = _doc("plan", "Qwen3.5-27B", "--gpu", "RTX-4090", "--engine", "vllm", "--num-gpus", "4")
    assert not any("runs on" in n for n in asked["command_notes"])
    one = _doc("plan", "Qwen3-8B", "--gpu", "RTX-4090", "--engine", "vllm")
    assert not any("runs on" in n for n in one["command_notes"])


def test_parse_calls_a_repo_quant_selector_no_ollama_tag() -> None:
    # `llama-server -hf unsloth/Qwen3-14B-GGUF:Q4_K_M` picks that file of the repo (llama.cpp common/arg.cpp
    # `--hf-repo <user>/<model>[:quant]`); `ollama run qwen3:14b` names an Ollama tag
    repo = runner.invoke(app, ["parse", "unsloth/Qwen3-14B-GGUF:Q4_K_M"])
    tag = runner.invoke(app, ["parse", "qwen3:14b"])
    assert "repo file tag" in repo.stdout and "Ollama tag" not in repo.stdout
    assert "Ollama tag" in tag.stdout
