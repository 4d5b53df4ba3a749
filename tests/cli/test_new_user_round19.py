"""Newcomer audit, round 19 (issue 15): the headline says every part of the name, a bare gpt-oss GGUF repo
name is the MXFP4 file, a MoE QLoRA says why it needs more than LoRA, `explain` keeps a number with its
unit."""

from __future__ import annotations

import itertools
import re

import pytest

from cli_rows import main_result
from newcomer_cli import json_doc as _json
from newcomer_cli import offline_catalog  # noqa: F401  (autouse)

Cap = pytest.CaptureFixture[str]


@pytest.fixture(autouse=True)
def _width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


def _run(args: list[str], capsys: Cap) -> tuple[int, str]:
    """`llmsize ARGS` as the shell runs it: exit code, stdout (stderr dropped)."""
    code, out, _ = main_result(args, capsys)
    return code, out


def _headline(args: list[str], capsys: Cap) -> str:
    """The model line of `estimate`'s human output, its wrapped lines joined (it ends at "params")."""
    code, out = _run(["estimate", *args], capsys)
    assert code == 0, out
    text = " ".join(out.split())
    return text[: text.index(" params") + len(" params")]


# --- (a) the headline's "what the name says" keeps every part the user typed ------------------------------
# `estimate Qwen2.5-Coder-32B-Instruct-AWQ` read "qwen 2.5 32B instruct awq 4-bit", which is also what the
# plain Qwen2.5-32B-Instruct-AWQ says; `llama4:scout` read "llama 4". The words below are the names' own.
@pytest.mark.parametrize(("name", "said"), [
    ("Qwen2.5-Coder-32B-Instruct-AWQ", "qwen 2.5 coder 32B instruct awq 4-bit"),
    ("Qwen/Qwen3-Coder-480B-A35B-Instruct", "qwen 3 coder 480B-A35B instruct"),
    ("llama4:scout", "llama 4 scout"),
    ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "llama 4 scout 17B-16E instruct"),
    ("Qwen3-VL-8B-Instruct", "qwen 3 vl 8B instruct"),
    ("Qwen/Qwen3-30B-A3B-Instruct-2507-FP8", "qwen 3 30B-A3B instruct 2507 fp8 8-bit"),
    ("gemma3:27b-it-qat", "gemma 3 27B instruct QAT"),
    ("DeepSeek-R1-0528-Qwen3-8B", "deepseek r1 8B 0528 (qwen3 base)"),
    ("nvidia/Llama-3.3-Nemotron-Super-49B-v1.5", "llama 3.3 49B Nemotron Super v1.5"),
])
def test_headline_says_every_part_of_the_name(name: str, said: str, capsys: Cap) -> None:
    assert f"{name} · {said} · " in _headline([name], capsys)


# --- (b) a bare gpt-oss GGUF repo name is the file that repo ships -----------------------------------------
# `estimate gpt-oss-20b-GGUF` sized a Q4_K_M file (10.4 GiB + 0.4 host). The repo of that name that
# llama.cpp's gpt-oss guide pulls (`llama-server -hf ggml-org/gpt-oss-20b-GGUF`, ggml-org/llama.cpp
# discussion #15396) and that `plan gpt-oss-20b` prints holds gpt-oss-20b-mxfp4.gguf alone, 12.1 GB
# (bartowski/openai_gpt-oss-20b-GGUF: "gpt-oss-20b-MXFP4.gguf | MXFP4 | 12.1GB").
def _all_weights(doc: dict) -> int:
    return int(doc["memory"]["weights"] + (doc.get("memory_host") or {}).get("weights", 0))


@pytest.mark.parametrize("name", ["gpt-oss-20b-GGUF", "gpt-oss-20b-gguf", "hf.co/gpt-oss-20b-GGUF"])
def test_bare_gpt_oss_gguf_is_the_mxfp4_file(name: str) -> None:
    doc = _json("estimate", name)
    assert doc["assumptions"][0] == "weights loaded as gguf MXFP4_MOE"
    assert _all_weights(doc) == pytest.approx(12.1e9, rel=0.02)


def test_bare_gpt_oss_120b_gguf_is_ggml_orgs_file() -> None:
    # ggml-org/gpt-oss-120b-GGUF holds gpt-oss-120b-mxfp4-0000{1..3}-of-00003.gguf only
    bare, org = _json("estimate", "gpt-oss-120b-GGUF"), _json("estimate", "ggml-org/gpt-oss-120b-GGUF")
    assert bare["assumptions"][0] == "weights loaded as gguf MXFP4_MOE"
    assert _all_weights(bare) == _all_weights(org)


def test_unsloth_gpt_oss_gguf_keeps_its_q4_k_m() -> None:
    # unsloth/gpt-oss-20b-GGUF ships gpt-oss-20b-Q4_K_M.gguf (11.6 GB), the file `-hf` pulls by default
    doc = _json("estimate", "unsloth/gpt-oss-20b-GGUF")
    assert doc["assumptions"][0] == "weights loaded as gguf Q4_K_M"
    assert _all_weights(doc) == pytest.approx(11.6e9, rel=0.02)


# --- (c) a MoE QLoRA under transformers 5 is above LoRA, and says so --------------------------------------
# Real, from the code: transformers 5 stacks Qwen3MoeExperts as 3-D nn.Parameters that bitsandbytes'
# nn.Linear conversion passes over (bitsandbytes#1849), and peft's prepare_model_for_kbit_training
# (src/peft/utils/other.py) casts every fp16/bf16 parameter that is not Params4bit to fp32. Qwen3-30B-A3B's
# config.json: 48 layers, 128 experts, hidden_size 2048, moe_intermediate_size 768, so its experts hold
# 48 x 128 x 3 x 2048 x 768 parameters: 4 bytes each in the QLoRA run, 2 in a bf16 LoRA. The header said
# "sized as bnb-nf4 4-bit" over 110 GiB of weights, and nothing said why QLoRA came out above LoRA.
EXPERT_PARAMS = 48 * 128 * 3 * 2048 * 768


def test_moe_qlora_is_above_lora_and_says_why(capsys: Cap) -> None:
    qlora, lora = _json("estimate", "Qwen3-30B-A3B", "--mode", "qlora"), _json("estimate", "Qwen3-30B-A3B",
                                                                               "--mode", "lora")
    assert qlora["memory"]["weights"] > 4 * EXPERT_PARAMS > lora["memory"]["weights"]
    said = " ".join(qlora["assumptions"])
    assert "so this QLoRA holds more than a bf16 LoRA of the same model (--mode lora)" in said
    assert "every bf16 parameter that is not Params4bit" in said
    head = _headline(["Qwen3-30B-A3B", "--mode", "qlora"], capsys)
    assert "sized as bnb-nf4 4-bit, routed experts not quantized" in head


def test_unsloth_and_dense_qlora_say_no_such_thing(capsys: Cap) -> None:
    # Unsloth quantizes the experts (unslothai/unsloth-zoo#527); a dense model has none
    unsloth = ["Qwen3-30B-A3B", "--mode", "qlora", "--framework", "unsloth"]
    for args in (unsloth, ["Qwen3-32B", "--mode", "qlora"]):
        assert "routed experts not quantized" not in _headline(args, capsys)
        assert "more than a bf16 LoRA" not in " ".join(_json("estimate", *args)["assumptions"])


# --- (d) explain at 80 columns never leaves a number at a line's end and its unit on the next line ---------
# `explain google/gemma-4-31b-it --engine sglang --gpu H100-SXM-80GB` printed "... x bf16 = 16384" then
# "B/token/layer" on the next line; gpt-oss:20b's "(0.11" then "GiB)".
@pytest.mark.parametrize("args", [
    ["google/gemma-4-31b-it", "--engine", "sglang", "--gpu", "H100-SXM-80GB"],
    ["gpt-oss:20b"],
    ["Qwen2.5-Coder-32B-Instruct-AWQ"],
    ["Qwen3-30B-A3B", "--mode", "qlora"],
])
def test_explain_keeps_numbers_with_their_units(args: list[str], capsys: Cap) -> None:
    code, out = _run(["explain", *args], capsys)
    assert code == 0
    lines = out.splitlines()
    assert max(map(len, lines)) <= 80
    for prev, line in itertools.pairwise(lines):
        # a continuation line (indented 11) that starts with a unit after a line that ends with a number
        assert not (re.search(r"\d$", prev) and re.match(r" {11}[A-Za-z%/]", line)), (prev, line)


# --- (e) a name of another release sized with an alias's config says so ------------------------------------
# `estimate Qwen/Qwen3.6-27B` read "from bundled catalog: hf.co/Qwen/Qwen3.5-27B, catalog entry Qwen3.5-27B",
# as if the 3.6 had been taken for the 3.5. The catalog sizes it with Qwen3.5-27B's config on purpose: the
# Qwen3.6 cards list the same shapes (model_specs/qwen3.5.yaml); GLM-5.1 "maintain[s] the same architecture as
# GLM-5" (lambda.ai/inference-models/zai-org/glm-5.1, model_specs/glm.yaml); DeepSeek-V3.1 keeps V3's config
# shapes (huggingface.co/deepseek-ai/DeepSeek-V3.1, model_specs/deepseek.yaml).
@pytest.mark.parametrize(("name", "entry", "file"), [
    ("Qwen/Qwen3.6-27B", "Qwen3.5-27B", "qwen3.5.yaml"),
    ("qwen3.6:35b", "Qwen3.5-35B-A3B", "qwen3.5.yaml"),
    ("zai-org/GLM-5", "GLM-5.1", "glm.yaml"),
    ("deepseek-ai/DeepSeek-V3.1", "DeepSeek-V3", "deepseek.yaml"),
])
def test_other_release_says_whose_config_it_is(name: str, entry: str, file: str, capsys: Cap) -> None:
    said = (f"{name} has no config of its own here: sized with {entry}'s, the same architecture "
            f"(model_specs/{file} lists it as an alias and cites why)")
    assert said in _json("estimate", name)["model"]["provenance"]
    _, out = _run(["estimate", name], capsys)
    assert said in " ".join(out.split())


@pytest.mark.parametrize("name", ["Llama-3.1-8B-Instruct", "llama3.1:8b", "Qwen3-8B", "granite4:small-h"])
def test_same_release_says_nothing_of_the_kind(name: str) -> None:
    # granite4:small-h is granite-4.0-h-small: "4" and "4.0" are one release
    assert "has no config of its own" not in _json("estimate", name)["model"]["provenance"]


# --- (f) check names the model as the command does ----------------------------------------------------------
# `check -- llama-server -hf unsloth/Qwen3-30B-A3B-GGUF:Q4_K_M` headed its answer "Qwen3-30B-A3B-Q4_K_M on
# RTX-4090", the file name it sizes, without the org and repo the command pulls from.
@pytest.mark.parametrize(("command", "shown", "tool"), [
    (["llama-server", "-hf", "unsloth/Qwen3-30B-A3B-GGUF:Q4_K_M", "-c", "8192"],
     "unsloth/Qwen3-30B-A3B-GGUF:Q4_K_M", "llama.cpp"),
    (["ollama", "run", "hf.co/bartowski/Qwen2.5-7B-Instruct-GGUF:Q5_K_M"],
     "hf.co/bartowski/Qwen2.5-7B-Instruct-GGUF:Q5_K_M", "ollama"),
    (["ollama", "run", "qwen3:8b"], "qwen3:8b", "ollama"),
    (["vllm", "serve", "Qwen/Qwen3-8B", "--max-model-len", "8192"], "Qwen/Qwen3-8B", "vllm"),
])
def test_check_headline_is_the_model_as_the_command_names_it(command: list[str], shown: str, tool: str,
                                                             capsys: Cap) -> None:
    _, out = _run(["check", "--gpu", "RTX-4090", "--", *command], capsys)
    assert out.splitlines()[0] == f"{shown} on RTX-4090 with {tool}"


# --- (g) ERNIE's "-PT" is PyTorch weights, not "pretrained" ------------------------------------------------
# `estimate baidu/ERNIE-4.5-21B-A3B-PT` read "ernie 4.5 21B-A3B base": the ERNIE 4.5 model cards say
# '"-Paddle" models use PaddlePaddle weights, while "-PT" models use Transformer-style PyTorch weights', and
# ERNIE-4.5-21B-A3B-PT is the post-trained model (its base is ERNIE-4.5-21B-A3B-Base-PT). Gemma's "-pt" is
# pretrained ("gemma-3-1b-pt", Google's base checkpoints) and stays so.
@pytest.mark.parametrize(("name", "training"), [
    ("baidu/ERNIE-4.5-21B-A3B-PT", None),
    ("baidu/ERNIE-4.5-300B-A47B-PT", None),
    ("baidu/ERNIE-4.5-21B-A3B-Base-PT", "base"),
    ("google/gemma-3-1b-pt", "base"),
])
def test_ernie_pt_is_not_a_base_model(name: str, training: str | None, capsys: Cap) -> None:
    parsed = _json("parse", name)
    assert parsed["training_type"] == training and parsed["extra"] == []
    said = _headline([name], capsys).split(" · ")[1]
    assert said.endswith(" base") == (training == "base")


# --- (h) compare: a GGUF row beside Ollama rows says the context it is sized at ----------------------------
# `compare qwen3:30b-a3b unsloth/Qwen3-30B-A3B-GGUF --gpu RTX-4090` headed the table "context 32,768"
# (Ollama's NumCtx on a 24 GiB card) while the GGUF row, run on llama.cpp, was sized at llama.cpp's -c 4,096:
# the same Q4_K_M weights read 18.0 GiB against 20.7. Each row must be what `estimate` gives for it there.
def test_compare_rows_at_different_engine_contexts_say_so(capsys: Cap) -> None:
    names = ["qwen3:30b-a3b", "unsloth/Qwen3-30B-A3B-GGUF"]
    doc = _json("compare", *names, "--gpu", "RTX-4090")
    for row in doc["rows"]:
        alone = _json("estimate", row["model"], "--gpu", "RTX-4090")
        assert row["context"] == alone["workload"]["context"]
        assert row["per_gpu_bytes"] == alone["gpus"][0]["per_gpu_bytes"]
    assert len({row["context"] for row in doc["rows"]}) == 2
    _, out = _run(["compare", *names, "--gpu", "RTX-4090"], capsys)
    text = " ".join(out.split())
    assert "context: each GPU's own default" in text and "context 32,768" not in text
    assert "not ollama, at its own default context (the context column)" in text


def test_compare_at_one_context_keeps_one_header(capsys: Cap) -> None:
    _, out = _run(["compare", "qwen3:30b-a3b", "qwen3:8b", "--gpu", "RTX-4090"], capsys)
    assert "context 32,768" in " ".join(out.split())


# --- (i) models --search of another release's name says which entry answers for it ------------------------
# `models --search qwen3.6` listed Qwen3.5-27B and Qwen3.5-35B-A3B and nothing else, as if the search had
# missed; they are there because model_specs/qwen3.5.yaml lists Qwen3.6-27B / -35B-A3B as aliases (the
# Qwen3.6 cards state the same shapes).
def test_models_search_names_the_release_it_found(capsys: Cap) -> None:
    _, out = _run(["models", "--search", "qwen3.6"], capsys)
    text = " ".join(out.split())
    assert ("Qwen3.5-27B is listed for Qwen3.6-27B, qwen3.6:27b: the same architecture, sized with this "
            "entry's config") in text
    assert "Qwen3.5-35B-A3B is listed for Qwen3.6-35B-A3B" in text
    assert max(map(len, out.splitlines())) <= 80
    _, same = _run(["models", "--search", "qwen3.5-27"], capsys)
    assert "is listed for" not in same


# --- (j) an Unsloth Dynamic file is named as typed and said to be sized with another type's rules -----------
# `estimate unsloth/Qwen3.6-35B-A3B-GGUF:UD-Q4_K_XL` read "qwen 3.6 35B-A3B Q4_K_XL · weights gguf Q4_K_M":
# the "UD-" was dropped and the file called a Q4_K_M. llama.cpp has no Q4_K_XL file type (include/llama.h
# llama_ftype lists Q4_K_S and Q4_K_M); Unsloth's "UD-" files are its per-tensor mixes, which llmsize sizes
# with Q4_K_M's rules (and warns so).
@pytest.mark.parametrize("name", ["unsloth/Qwen3.6-35B-A3B-GGUF:UD-Q4_K_XL", "Qwen3-30B-A3B-UD-Q4_K_XL"])
def test_unsloth_dynamic_file_is_named_as_typed(name: str, capsys: Cap) -> None:
    head = _headline([name], capsys)
    assert " UD-Q4_K_XL · checkpoint gguf UD-Q4_K_XL, sized as gguf Q4_K_M · " in head


@pytest.mark.parametrize("name", ["unsloth/Qwen3-30B-A3B-GGUF:Q4_K_M", "qwen3:30b-a3b-q8_0"])
def test_a_llama_cpp_file_type_reads_as_before(name: str, capsys: Cap) -> None:
    head = _headline([name], capsys)
    assert "· weights gguf Q" in head and "sized as" not in head
