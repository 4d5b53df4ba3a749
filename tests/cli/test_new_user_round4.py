"""Newcomer audit, round 4 (issue 15, "right answers by default"): names people type in December 2026 in
the forms they type them (GGUF repos with a quant, Ollama tags, checkpoints that ship quantized), each
default checked against the published file or library size."""

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


def _all_weights(name: str, engine: str = "llama.cpp", **workload: object) -> int:
    spec = llmsize.resolve(name)
    wl = llmsize.Workload(engine=engine, **workload)  # type: ignore[arg-type]
    return llmsize.estimate(spec, wl).all_weights_bytes


# unsloth/gpt-oss-120b-GGUF: Q4_K_M 58.46 GiB, F16 60.88 GiB
# (ailocalcheck.com/model/unsloth/gpt-oss-120b-GGUF,
# "Weights" column); a bf16 gpt-oss-20b GGUF "total_size = 13.8G" (danbev/learning-ai
# notes/llama.cpp/gpt-oss.md). Every file keeps the experts in MXFP4; the name forms sized them at the
# file type (Q4_K_M 120b: 81.8 GiB, +40%; F16 20b: 41.9 GB, 3x).
@pytest.mark.parametrize(
    ("typed", "published_bytes", "quant"),
    [
        ("unsloth/gpt-oss-120b-GGUF:Q4_K_M", 58.46 * 2**30, "Q4_K_M"),
        ("gpt-oss-120b-Q4_K_M", 58.46 * 2**30, "Q4_K_M"),
        ("unsloth/gpt-oss-120b-GGUF:F16", 60.88 * 2**30, "F16"),
        ("unsloth/gpt-oss-20b-GGUF:F16", 13.8e9, "F16"),
    ],
)
def test_a_gpt_oss_gguf_named_keeps_its_mxfp4_experts(typed: str, published_bytes: float, quant: str) -> None:
    named = _all_weights(typed)
    assert named == pytest.approx(published_bytes, rel=0.01)
    # the same file as `--quant` gives for the checkpoint
    checkpoint = typed.split("/")[-1].split("-GGUF")[0].removesuffix(f"-{quant}")
    assert named == _all_weights(checkpoint, quant=quant)


def test_a_gpt_oss_gguf_repo_without_a_type_is_the_q4_k_m_llama_cpp_pulls() -> None:
    # `-hf unsloth/gpt-oss-20b-GGUF` pulls the Q4_K_M file (common/arg.cpp); unsloth's is 11.6 GB, where
    # the experts at Q4_K made it 15.8 GB
    assert _all_weights("unsloth/gpt-oss-20b-GGUF") == pytest.approx(11.6e9, rel=0.02)


@pytest.mark.parametrize("typed", ["deepseek-ai/DeepSeek-R1", "DeepSeek-R1", "deepseek-ai/DeepSeek-V3.1"])
def test_a_checkpoint_shipped_in_fp8_runs_on_llama_cpp_as_its_q4_k_m_gguf(typed: str) -> None:
    # DeepSeek-R1/V3.1 ship FP8 safetensors, which llama.cpp cannot load; `plan` prints
    # `llama-server -hf unsloth/DeepSeek-V3.1-GGUF:Q4_K_M` and sizes that file, while `estimate` refused
    # ("llama.cpp cannot run fp8 8-bit weights"). DeepSeek's 671B at Q4_K_M: `ollama list` shows
    # "deepseek-r1:671b 739e1b229ad7 404 GB" (github.com/ollama/ollama/issues/8249), the 4-bit file
    # (ollama/ollama#8911: "the `671b` tag here is an alias for the 4-bit quantization").
    doc = _doc("estimate", typed, "--engine", "llama.cpp")
    assert doc["all_weights_bytes"] == pytest.approx(404e9, rel=0.03)
    assert any("Q4_K_M file by default" in a and "fp8" in a for a in doc["assumptions"])
    planned = _doc("plan", typed, "--engine", "llama.cpp", "--gpu", "H100")
    assert planned["all_weights_bytes"] == doc["all_weights_bytes"]


def test_gpt_oss_on_llama_cpp_is_ggml_orgs_mxfp4_file() -> None:
    # bartowski/openai_gpt-oss-20b-GGUF: "gpt-oss-20b-MXFP4.gguf | MXFP4 | 12.1GB", the file type of
    # ggml-org/gpt-oss-20b-GGUF that llama.cpp's guide pulls (`llama-server -hf ggml-org/gpt-oss-20b-GGUF`,
    # ggml-org/llama.cpp discussion #15396); the checkpoint's BF16 attention and head made it 13.8 GB.
    assert round(_all_weights("gpt-oss-20b") / 1e9, 1) == 12.1
    assert _all_weights("gpt-oss-20b", engine="ollama") > 13.5e9  # Ollama's own file keeps BF16: 14GB


@pytest.mark.parametrize("typed", ["Qwen3-30B-A3B-FP8", "Qwen/Qwen3-32B-AWQ"])
def test_a_name_that_states_its_quantization_is_still_refused_by_llama_cpp(
    typed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import llmsize.cli

    with pytest.raises(SystemExit) as info:
        llmsize.cli.main(["estimate", typed, "--engine", "llama.cpp"])
    assert info.value.code == 2
    assert "llama.cpp cannot run" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("tag", "published_gb"), [("magistral:24b", 14), ("magistral", 14), ("magistral:24b-q8_0", 25)]
)
def test_the_magistral_library_is_magistral_small(tag: str, published_gb: float) -> None:
    # `ollama run magistral:24b` was approximated as a dense 24B in Llama-3.1-70B's shape, and the bare
    # `magistral` was an unknown model. The library is Magistral Small of June 2025 (Magistral-Small-2506):
    # "Ollama magistral", Q4_K_M 14 GB, Q8_0 25 GB (https://canitrun.net/models/magistral-small-24b).
    spec = llmsize.resolve(tag, engine="ollama")
    assert not spec.approximate
    assert "Magistral-Small-2506" in spec.provenance.note
    assert _all_weights(tag, engine="ollama") == pytest.approx(published_gb * 1e9, rel=0.03)


@pytest.mark.parametrize("typed", ["deepseek-ai/DeepSeek-V3.1", "DeepSeek-V3-0324"])
def test_a_checkpoint_shipped_in_fp8_runs_on_ollama_as_its_library_tag(typed: str) -> None:
    # Ollama loads GGUFs, not FP8 safetensors: `estimate deepseek-ai/DeepSeek-V3.1 --engine ollama` refused
    # ("Ollama cannot run fp8 8-bit weights") and `plan DeepSeek-V3.1 --engine ollama` printed DeepSeek-V3's
    # tag. The library file is 404 GB ("Why does deepseek-v3 show 404GB on the library page?",
    # github.com/ollama/ollama/issues/11368).
    doc = _doc("estimate", typed, "--engine", "ollama")
    assert doc["all_weights_bytes"] == pytest.approx(404e9, rel=0.03)
    assert doc["all_weights_bytes"] == _all_weights("deepseek-v3.1:671b", engine="ollama")
    planned = _doc("plan", typed, "--engine", "ollama", "--gpu", "H100")
    library = "deepseek-v3.1" if "3.1" in typed else "deepseek-v3"
    assert f"ollama run {library}:671b" in planned["command"]


def test_a_name_that_states_fp8_is_still_refused_by_ollama(capsys: pytest.CaptureFixture[str]) -> None:
    import llmsize.cli

    with pytest.raises(SystemExit) as info:
        llmsize.cli.main(["estimate", "Qwen3-30B-A3B-FP8", "--engine", "ollama"])
    assert info.value.code == 2
    assert "Ollama cannot run" in capsys.readouterr().err


# A mixture of experts named by its total alone, or Mistral's "Small" read as a size word, matched nothing
# and was approximated as a dense Llama of that size (its KV cache and speed those of no real model):
@pytest.mark.parametrize(
    ("typed", "entry", "total_b", "active_b"),
    [
        # huggingface.co/baidu/ERNIE-4.5-21B-A3B-PT: "21B total parameters and 3B activated parameters"
        ("ernie-4.5-21b", "ERNIE-4.5-21B-A3B-PT", 21, 3),
        ("baidu/ERNIE-4.5-21B-PT", "ERNIE-4.5-21B-A3B-PT", 21, 3),
        # huggingface.co/tencent/Hunyuan-A13B-Instruct: "80 billion total parameters and 13 billion active"
        ("Hunyuan-80B", "Hunyuan-A13B-Instruct", 80, 13),
        # huggingface.co/mistralai/Mistral-Small-3.2-24B-Instruct-2506: Mistral Small 3.2 has one size, 24B
        ("mistral-small-3.2", "Mistral-Small-3.2-24B-Instruct-2506", 24, 24),
    ],
)
def test_a_model_named_without_its_active_size_or_by_variant_is_the_catalog_model(
    typed: str, entry: str, total_b: int, active_b: int
) -> None:
    spec = llmsize.resolve(typed)
    assert not spec.approximate, spec.warnings
    assert f"catalog entry {entry}" in spec.provenance.note
    doc = _doc("estimate", typed)
    assert doc["model"]["params"] == pytest.approx(total_b * 1e9, rel=0.05)
    assert doc["model"]["active_params"] == pytest.approx(active_b * 1e9, rel=0.3)


@pytest.mark.parametrize("typed", ["Qwen3-235B", "qwen3-80b"])
def test_a_total_two_moes_share_or_none_has_stays_unmatched(typed: str) -> None:
    # Qwen3-235B-A22B has an Instruct and a Thinking 2507 entry (the existing rules pick by their own names);
    # no Qwen3 has 80B total with a plain "Qwen3" name (Qwen3-Next is another architecture)
    from llmsize.names import parse_name
    from llmsize.specs.catalog_loose import moe_of_total

    assert moe_of_total(parse_name(typed)) is None


def test_llama_cpp_says_what_llama_server_takes_without_c() -> None:
    # llama-server's help: "-c, --ctx-size N  size of the prompt context (default: 0, 0 = loaded from model)";
    # common.h fit_params_min_ctx = 4096 is as far as its default -fit shrinks it. Qwen3-8B's config.json:
    # "max_position_embeddings": 40960 (huggingface.co/Qwen/Qwen3-8B/blob/main/config.json). `check` of a
    # command without -c sizes those 40,960 tokens; `estimate` sized 4,096 without a word.
    doc = _doc("estimate", "Qwen3-8B", "--engine", "llama.cpp")
    (note,) = [a for a in doc["assumptions"] if "without -c" in a]
    assert "-c 4,096" in note and "40,960" in note
    command = ["llama-server", "-hf", "Qwen/Qwen3-8B-GGUF:Q4_K_M"]
    checked = runner.invoke(app, ["check", "--gpu", "RTX-4090", "--format", "json", "--", *command])
    assert checked.exit_code in (0, 3), checked.output
    assert json.loads(checked.stdout)["workload"]["context"] == 40960
    # Ollama passes its own NumCtx; a context at the trained length needs no note
    ollama = _doc("estimate", "qwen3:8b", "--engine", "ollama")
    assert not [a for a in ollama["assumptions"] if "without -c" in a]
    full = _doc("estimate", "Qwen3-8B", "--engine", "llama.cpp", "--context", "40960")
    assert not [a for a in full["assumptions"] if "without -c" in a]


def test_a_gguf_repo_without_a_type_says_it_is_sized_as_q4_k_m() -> None:
    # llama.cpp common/arg.cpp `--hf-repo <user>/<model>[:quant]`: "quant is optional, case-insensitive,
    # default to Q4_K_M"; huggingface.co/docs/hub/en/ollama: "By default, the Q4_K_M quantization scheme is
    # used, when it's present inside the model repo". The estimate said "weights loaded as gguf" and sized
    # Q4_K_M silently.
    doc = _doc("estimate", "unsloth/Qwen3-30B-A3B-GGUF")
    assert "weights loaded as gguf Q4_K_M" in doc["assumptions"]
    assert any("states no GGUF type" in a for a in doc["assumptions"])
    typed = _doc("estimate", "unsloth/Qwen3-30B-A3B-GGUF:Q4_K_M")
    assert doc["all_weights_bytes"] == typed["all_weights_bytes"]


@pytest.mark.parametrize(
    ("repo", "gguf_type"),
    [("bartowski/Qwen_Qwen3-8B-GGUF", "Q4_K_M"), ("bartowski/Qwen_Qwen3-8B-GGUF:Q8_0", "Q8_0")],
)
def test_a_bartowski_repo_offline_is_his_file_of_the_catalog_model(repo: str, gguf_type: str) -> None:
    # bartowski/{org}_{model}-GGUF holds "{org}_{model}-{TYPE}.gguf" (his file names and a repo with a
    # file tag resolve already); the plain repo id offline was "neither cached nor in the bundled catalog"
    # (exit 2).
    doc = _doc("estimate", repo, "--engine", "llama.cpp")
    assert f"weights loaded as gguf {gguf_type}" in doc["assumptions"]
    assert doc["model"]["params"] == _doc("estimate", "Qwen3-8B")["model"]["params"]
    if ":" not in repo:  # a file tag is no Hub question
        assert any("Hub unreachable" in w and "bartowski" in w for w in doc["warnings"])


@pytest.mark.parametrize(("typed", "plain"), [("openai/gpt-oss-safeguard-20b", "gpt-oss-20b"),
                                              ("gpt-oss-safeguard-120b", "gpt-oss-120b"),
                                              ("gpt-oss-safeguard:20b", "gpt-oss:20b")])
def test_gpt_oss_safeguard_is_its_gpt_oss(typed: str, plain: str) -> None:
    # huggingface.co/openai/gpt-oss-safeguard-20b: "base_model: openai/gpt-oss-20b, base_model_relation:
    # finetune", "21B parameters with 3.6B active parameters"; 'safeguard' was "not understood" and the
    # Ollama tag was sized as a Q4_K_M where the library serves gpt-oss's MXFP4 layout
    doc = _doc("estimate", typed)
    assert not any("not understood" in w for w in doc["warnings"])
    assert doc["all_weights_bytes"] == _doc("estimate", plain)["all_weights_bytes"]
