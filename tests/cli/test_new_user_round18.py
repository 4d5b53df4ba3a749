"""Newcomer audit, round 18 (issue 15): hosted-only names, bare Qwen3.5/3.6 Ollama names, a refused vLLM
start, and a MoE QLoRA whose experts stay unquantized."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli_rows import main_result
from llmsize.cli import app
from newcomer_cli import json_doc as _json
from newcomer_cli import offline_catalog  # noqa: F401  (autouse)

runner = CliRunner()
Cap = pytest.CaptureFixture[str]


@pytest.fixture(autouse=True)
def _width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


def _flat(args: list[str], capsys: Cap) -> tuple[int, str]:
    """`llmsize ARGS` as the shell runs it (cli.main: exit codes 2 / 3), stdout and stderr on one line."""
    code, out, err = main_result(args, capsys)
    return code, " ".join((out + err).split())


# --- (a) a model served only through an API says so, and names its release's open models ------------------
# `estimate Qwen3.6-Plus` said "unknown model ...: its name states no size ... Did you mean: Qwen3.5-27B,
# Qwen3-0.6B, Qwen3.5-9B, Qwen3.5-4B, Qwen3.5-2B?": true, but no size will ever be found, since Alibaba
# publishes no weights for it. Alibaba Cloud Model Studio lists qwen3.6-plus, qwen3.5-plus, qwen3-max,
# qwen-plus and qwen3-coder-plus among its "Commercial" models, apart from the "Open-source" ones
# (alibabacloud.com/help/en/model-studio/compatibility-of-openai-with-dashscope); OpenAI's open-weight models
# are gpt-oss-20b / -120b (openai.com/index/introducing-gpt-oss).
@pytest.mark.parametrize(("name", "first"), [
    ("Qwen3.6-Plus", ["Qwen3.6-35B-A3B", "Qwen3.6-27B"]),
    ("Qwen/Qwen3.6-Plus", ["Qwen3.6-35B-A3B", "Qwen3.6-27B"]),
    ("qwen3.5-plus", ["Qwen3.5-397B-A17B", "Qwen3.5-122B-A10B"]),
    ("Qwen3-Max", ["Qwen3-235B-A22B", "Qwen3-32B"]),
])
def test_hosted_qwen_names_say_so_and_offer_the_release(name: str, first: list[str], capsys: Cap) -> None:
    code, text = _flat(["estimate", name], capsys)
    assert code == 2
    assert f"{name!r} is served only through Alibaba Cloud Model Studio" in text
    assert "its weights are not published" in text and "states no size" not in text
    assert f"Did you mean: {', '.join(first)}" in text
    assert "Qwen3-0.6B" not in text


@pytest.mark.parametrize(("name", "said"), [
    ("gpt-4o", "gpt-oss-20b, gpt-oss-120b"), ("claude-sonnet-4", "`llmsize models`"),
    ("gemini-2.5-pro", "Gemma"),
])
def test_other_hosted_names(name: str, said: str, capsys: Cap) -> None:
    code, text = _flat(["estimate", name], capsys)
    assert code == 2 and "its weights are not published" in text and said in text


@pytest.mark.parametrize("name", ["gpt-oss-20b", "Qwen3.6-27B", "qwen3-coder:30b"])
def test_open_names_are_not_taken_for_hosted_ones(name: str) -> None:
    assert _json("estimate", name)["memory"]["total"] > 0


# --- (b) bare `qwen3.5` / `qwen3.6` are what `ollama pull` pulls: the library's latest tag ----------------
# They were refused: "Ollama tag 'qwen3.5:latest' is not in the bundled catalog". qwen3.5:latest is the 9B
# (a public benchmark table lists `qwen3.5:latest` at 6.6 GB, qwen3.5:9b's size; Ollama's `ollama launch`
# recommends `qwen3.5` for ~14 GB of VRAM, cmd/launch/models.go); qwen3.6:latest is the 35B-A3B (Ollama's
# docs/integrations/hermes.mdx: `qwen3.6` for ~24 GB of VRAM, the 35B-A3B's 24 GB file).
@pytest.mark.parametrize(("name", "tag"), [
    ("qwen3.5", "qwen3.5:9b"), ("qwen3.5:latest", "qwen3.5:9b"),
    ("qwen3.6", "qwen3.6:35b"), ("qwen3.6:latest", "qwen3.6:35b"),
])
def test_bare_qwen_libraries_are_their_latest_tag(name: str, tag: str) -> None:
    bare, tagged = _json("estimate", name), _json("estimate", tag)
    assert bare["model"]["params"] == tagged["model"]["params"]
    assert bare["memory"]["weights"] == tagged["memory"]["weights"]
    assert bare["workload"]["engine"] == "ollama"


# --- (c) check: a start vLLM refuses lists no KV token figure -----------------------------------------------
# `check --gpu RTX-4090 -- vllm serve Qwen/Qwen3-8B --max-model-len 40960` printed "kv_cache_tokens: 37488"
# and "max_concurrency: 0.92" above "why: vLLM would refuse to start: one request of max_model_len 40,960
# needs 5.62 GiB of KV cache": vLLM raises in kv_cache_utils.check_enough_kv_cache_memory before
# _report_kv_cache_config logs "GPU KV cache size", so there is no such figure to quote.
@pytest.mark.parametrize("args", [
    ["vllm", "serve", "Qwen/Qwen3-8B", "--max-model-len", "40960"],  # one request short
    ["vllm", "serve", "Qwen/Qwen3-32B", "--max-model-len", "32768"],  # the weights do not load
])
def test_check_of_a_refused_vllm_start_says_the_refusal(args: list[str], capsys: Cap) -> None:
    code, text = _flat(["check", "--gpu", "RTX-4090", "--", *args], capsys)
    assert code == 3
    assert "kv_cache_tokens: none (vLLM stops before it allocates the KV cache; see why)" in text
    assert "max_concurrency" not in text
    args = ["check", "--format", "json", "--gpu", "RTX-4090", "--", *args]
    doc = json.loads(runner.invoke(app, args).stdout)
    figures = doc["check"]["engine_figures"]
    assert figures["kv_cache_tokens"] is None and figures["max_concurrency"] is None
    assert "stops before it allocates" in figures["kv_cache_tokens_note"]


def test_check_of_a_refused_sglang_start_says_the_refusal(capsys: Cap) -> None:
    # the same for SGLang: "kv_cache_tokens: 0", "max_concurrency: 0.0" above "the weights alone (27.53 GiB a
    # GPU) are more than the 23.25 GiB free on the card" (the load runs out of memory; no pool is built)
    args = ["python", "-m", "sglang.launch_server", "--model-path", "Qwen/Qwen3-14B",
            "--context-length", "40960"]
    code, text = _flat(["check", "--gpu", "RTX-4090", "--", *args], capsys)
    assert code == 3
    assert "kv_cache_tokens: none (SGLang stops before it allocates the KV pool; see why)" in text
    assert "max_concurrency" not in text
    _, running = _flat(["check", "--gpu", "RTX-4090", "--", "python", "-m", "sglang.launch_server",
                        "--model-path", "Qwen/Qwen3-8B"], capsys)
    assert "kv_cache_tokens: 7088" in running and "max_concurrency: 0.17" in running


def test_check_of_a_start_that_runs_keeps_its_token_figure(capsys: Cap) -> None:
    code, text = _flat(["check", "--gpu", "RTX-4090", "--", "vllm", "serve", "Qwen/Qwen3-8B",
                        "--max-model-len", "8192"], capsys)
    assert code == 0
    assert "kv_cache_tokens: 37488" in text and "max_concurrency: 4.58" in text


# --- (d) fit: a MoE QLoRA whose weights are its unquantized experts says why -------------------------------
# `fit Qwen3-30B-A3B --mode qlora --gpu RTX-4090` said only "weights alone take 110.80 GiB" for a 4-bit QLoRA
# of a 30B model. That is what the Trainer run holds: transformers 5's bitsandbytes integration replaces
# `nn.Linear` modules only (integrations/bitsandbytes.py replace_with_bnb_linear: `type(module) is
# nn.Linear`), Qwen3MoeExperts holds its experts as 3-D nn.Parameters, and peft 0.21's
# prepare_model_for_kbit_training casts every bf16 parameter that is not Params4bit to fp32
# (bitsandbytes-foundation/bitsandbytes#1849). Unsloth quantizes them (unslothai/unsloth-zoo#527).
def test_fit_says_the_experts_are_not_quantized_and_what_unsloth_needs(capsys: Cap) -> None:
    code, text = _flat(["fit", "Qwen3-30B-A3B", "--mode", "qlora", "--gpu", "RTX-4090"], capsys)
    assert code == 0
    assert "weights alone take 110.80 GiB" in text
    assert "the routed experts are not quantized here" in text and "bitsandbytes#1849" in text
    unsloth = _json("estimate", "Qwen3-30B-A3B", "--mode", "qlora", "--framework", "unsloth")
    peak = unsloth["memory"]["total"] / 2**30
    assert f"--framework unsloth quantizes them: {peak:,.1f} GiB per GPU" in text


def test_no_experts_hint_for_a_dense_qlora(capsys: Cap) -> None:
    _, text = _flat(["fit", "Qwen3-32B", "--mode", "qlora", "--gpu", "RTX-3060-12GB"], capsys)
    assert "routed experts" not in text


def test_fit_where_unsloth_fits_says_it_is_the_experts(capsys: Cap) -> None:
    # `fit Qwen3.6-35B-A3B --mode qlora --gpu H100-SXM-80GB`: the default run needs 140 GiB, Unsloth's 20.9;
    # the hint said only "with --framework unsloth it fits", as for a dense model's recipe differences
    _, text = _flat(["fit", "Qwen3.6-35B-A3B", "--mode", "qlora", "--gpu", "H100-SXM-80GB"], capsys)
    assert "with --framework unsloth it fits" in text
    assert ("it quantizes the routed experts, which bitsandbytes under transformers >= 5 leaves unquantized"
            in text)
    _, dense = _flat(["fit", "Qwen3-32B", "--mode", "qlora", "--gpu", "RTX-4090"], capsys)
    assert "with --framework unsloth it fits" in dense and "routed experts" not in dense
