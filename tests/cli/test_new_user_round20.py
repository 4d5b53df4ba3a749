"""Newcomer audit, round 20 (issue 15): a hand-made report says which keys it lacks and what file is expected,
`--output`'s help says .html only where a page is written, compare's recommendation gives the reason that
chose it, and an unbundled size of a 2025-2026 family is approximated in that family's shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_rows import main_result
from newcomer_cli import json_doc as _json
from newcomer_cli import offline_catalog  # noqa: F401  (autouse)

Cap = pytest.CaptureFixture[str]


@pytest.fixture(autouse=True)
def _width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


def _flat(args: list[str], capsys: Cap) -> tuple[int, str]:
    """`llmsize ARGS` as the shell runs it (cli.main), stdout and stderr on one line."""
    code, out, err = main_result(args, capsys)
    return code, " ".join((out + err).split())


def _write(path: Path, doc: object) -> str:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


EXPECTED = ("report show/diff read the whole file `llmsize estimate MODEL -o FILE.yaml` or "
            "`llmsize measure MODEL -o FILE.yaml` writes")


# --- (a) a hand-made report: the keys it lacks, and the file report show/diff read -------------------------
# `{"schema_version": 1, "kind": "estimate", "model": {"name": "x"}}` was answered "k.json is what `llmsize
# estimate --output` writes, not an estimate or measure report": an estimate report has no `kind` key at all
# (report/render_plan.py _header writes kind only for fit, fit-all and compare; measure writes
# "measurement"). Without a kind, the file was told one missing key a run ("missing key llmsize_version",
# then "input", then "model.params" ...), with "it may be truncated or hand-edited" and no word of what a
# report holds.
@pytest.mark.parametrize("command", ["show", "diff"])
def test_kind_no_command_writes_is_said_plainly(command: str, tmp_path: Path, capsys: Cap) -> None:
    path = _write(tmp_path / "k.json", {"schema_version": 1, "kind": "estimate", "model": {"name": "x"}})
    code, text = _flat(["report", command, path, *([path] if command == "diff" else [])], capsys)
    assert code == 2
    assert "is what `llmsize estimate --output` writes" not in text
    assert (f"{path} is not a valid llmsize report: kind 'estimate' is not one llmsize writes (an estimate "
            "report has no kind key; a measurement has kind: measurement)") in text
    assert EXPECTED in text


@pytest.mark.parametrize("command", ["show", "diff"])
def test_hand_made_report_lists_every_missing_key(command: str, tmp_path: Path, capsys: Cap) -> None:
    path = _write(tmp_path / "h.json", {"schema_version": 1, "llmsize_version": "0.1.0", "input": "x",
                                        "model": {"name": "x"}, "workload": {},
                                        "memory": {"weights": 1, "total": 1}})
    code, text = _flat(["report", command, path, *([path] if command == "diff" else [])], capsys)
    assert code == 2
    assert ("missing keys model.params, model.active_params, model.model_type, model.architecture, "
            "model.weight_format, model.provenance, model.provenance_kind, model.provenance_source") in text
    assert EXPECTED in text and "hand-edited" not in text


def test_a_long_list_of_missing_keys_is_cut_with_a_count(tmp_path: Path, capsys: Cap) -> None:
    path = _write(tmp_path / "m.json", {"schema_version": 1, "model": {"name": "x"}})
    code, text = _flat(["report", "show", path], capsys)
    assert code == 2 and "missing keys llmsize_version, input, model.params," in text
    assert " and 4 more (" in text


def test_a_saved_report_missing_one_key_still_names_it(tmp_path: Path, capsys: Cap) -> None:
    doc = _json("estimate", "Qwen2.5-0.5B")
    del doc["memory"]
    code, text = _flat(["report", "show", _write(tmp_path / "one.json", doc)], capsys)
    assert code == 2 and "is not a valid llmsize report: missing key memory (" in text


def test_another_commands_file_is_still_named(tmp_path: Path, capsys: Cap) -> None:
    fit = tmp_path / "f.json"
    code, _ = _flat(["fit", "Qwen2.5-0.5B", "--gpu", "RTX-4090", "-o", str(fit)], capsys)
    assert code == 0
    code, text = _flat(["report", "show", str(fit)], capsys)
    assert code == 2 and "is what `llmsize fit --output` writes, not an estimate or measure report" in text


# --- (b) --output's help says .html where the command writes a page, and only there -----------------------
# Every command's help read "(.yaml/.yml/.json; .html too for some)"; `gpus -o g.html`, `fit`, `explain`,
# `plan`, `check` and `measure` answer "--output takes a .yaml, .yml or .json file".
@pytest.mark.parametrize(("command", "page"), [
    (["estimate"], True), (["compare"], True), (["gpus"], False), (["fit"], False), (["explain"], False),
    (["plan"], False), (["check"], False), (["measure"], False),
])
def test_output_help_says_html_only_where_it_is_written(command: list[str], page: bool, capsys: Cap) -> None:
    _, text = _flat([*command, "--help"], capsys)
    assert "too for some" not in text
    assert ("(.yaml/.yml/.json, or .html for a page to open in a browser)" in text) == page
    assert ("(.yaml/.yml/.json) and say where" in text) == (not page)


def test_a_command_whose_help_has_no_html_refuses_it(tmp_path: Path, capsys: Cap) -> None:
    code, text = _flat(["gpus", "-o", str(tmp_path / "g.html")], capsys)
    assert code == 2 and "--output takes a .yaml, .yml or .json file" in text


# --- (c) compare's recommendation gives the reason that chose it --------------------------------------------
# `compare gpt-oss-120b --gpus H100,H200,B200,MI300X,RTX-PRO-6000-Blackwell,DGX-Spark --engine vllm` said
# "1x B200 — the fewest GPUs that fit": all six fit on one; B200 was picked as the fastest of them
# (hardware/compare.py: fewest GPUs, then decode speed, then first token, then headroom).
def test_recommendation_among_gpus_that_all_fit_on_one_says_fastest(capsys: Cap) -> None:
    gpus = "H100,H200,B200,MI300X,RTX-PRO-6000-Blackwell,DGX-Spark"
    doc = _json("compare", "gpt-oss-120b", "--gpus", gpus, "--engine", "vllm", "--context", "32k")
    rows = doc["rows"]
    assert all(r["fits"] and r["count"] == 1 for r in rows)
    fastest = max(rows, key=lambda r: r["decode_tokens_per_s"])
    said = doc["recommendation"][0]
    assert said.startswith(f"Recommendation: 1x {fastest['gpu']} — the fastest of the 6 that fit on 1 GPU, ")
    assert "the fewest GPUs that fit" not in said


def test_a_speed_tie_names_the_tie_break(capsys: Cap) -> None:
    # Qwen2.5-0.5B under transformers decodes at the engine's per-step bound on both cards (the same tok/s);
    # the first token decided
    doc = _json("compare", "Qwen2.5-0.5B", "--gpus", "RTX-4090,L4")
    a, b = doc["rows"]
    assert a["decode_tokens_per_s"] == b["decode_tokens_per_s"] and a["ttft_s"] < b["ttft_s"]
    assert doc["recommendation"][0].startswith(
        "Recommendation: 1x RTX-4090 — as fast as any, with the quickest first token, of the 2 that fit on "
        "1 GPU")


def test_one_gpu_on_the_fewest_keeps_the_fewest_reason(capsys: Cap) -> None:
    doc = _json("compare", "Qwen2.5-0.5B", "--gpus", "RTX-4090")
    assert "— the fewest GPUs that fit, " in doc["recommendation"][0]


# --- (d) an unbundled size of a 2025-2026 family takes that family's shape ---------------------------------
# `estimate Ministral-3-24B-Instruct-2512` was Llama-3.1-70B's shape (hidden 8192, 64 heads, vocabulary
# 128,256) cut to 26 layers; Ministral 3 (3B/8B/14B, model_specs/ copies of their config.json) has a 131,072
# vocabulary and widths up to 5120. The same for Olmo 3 (100,278) and Granite 4.1 (100,352).
@pytest.mark.parametrize(("name", "reference", "vocab"), [
    ("Ministral-3-24B-Instruct-2512", "Ministral-3-14B-Instruct-2512", 131072),
    ("Olmo-3-13B", "Olmo-3-7B", 100278),
    ("granite-4.1-20b", "granite-4.1-30b", 100352),
])
def test_a_new_family_size_takes_its_own_shape(name: str, reference: str, vocab: int) -> None:
    doc = _json("estimate", name)
    said = " ".join(doc["warnings"])
    assert f"with the shape of {reference} (the nearest size of its own family, not a Llama shape" in said
    assert f"vocab {vocab} " in said
    size = float(name.split("-")[2].rstrip("Bb")) * 1e9
    assert doc["model"]["params"] == pytest.approx(size, rel=0.05)


# --- (e) fit where no precision fits still says what every precision carries --------------------------------
# `fit Qwen3-8B --gpu 4090 --context 1M` listed four precisions, none fitting, and never said what `estimate
# Qwen3-8B --context 1M` warns: the context is past the model's trained length (Qwen3-8B's config.json:
# max_position_embeddings 40960). With several rows and none fitting no row is "shown", and the warnings went
# with it.
def test_fit_with_nothing_fitting_keeps_the_models_warnings(capsys: Cap) -> None:
    said = ("context 1,048,576 exceeds the model's max_position_embeddings (40,960); it needs rope scaling "
            "to work")
    assert said in _json("estimate", "Qwen3-8B", "--context", "1M")["warnings"]
    code, text = _flat(["fit", "Qwen3-8B", "--gpu", "RTX-4090", "--context", "1M"], capsys)
    assert code == 0 and "Nothing fits RTX-4090" in text
    assert f"Warning: {said}" in text


def test_a_warning_of_one_precision_only_is_not_lifted(capsys: Cap) -> None:
    # a format's own warning (bnb on a card, an engine's dtype) belongs to its row, not to the model
    doc = _json("fit", "Qwen3-8B", "--gpu", "RTX-4090", "--context", "1M")
    per_row = [set(o["warnings"]) for o in doc["options"]]
    only_some = set.union(*per_row) - set.intersection(*per_row)
    _, text = _flat(["fit", "Qwen3-8B", "--gpu", "RTX-4090", "--context", "1M"], capsys)
    assert all(w not in text for w in only_some)


# --- (f) the reason a fit fails names the component in words ----------------------------------------------
# "needs 254.56 GiB per GPU but RTX-4090 offers 23.64 GiB each; kv_cache alone take 144.00 GiB": the JSON key
# with a plural verb; the table above it says "KV cache".
def test_fit_reason_names_the_kv_cache_in_words(capsys: Cap) -> None:
    _, text = _flat(["fit", "Qwen3-8B", "--gpu", "RTX-4090", "--context", "1M"], capsys)
    assert "; the KV cache alone takes 144.00 GiB" in text and "kv_cache" not in text
    doc = _json("fit", "Qwen3-8B", "--gpu", "RTX-4090", "--context", "100k")
    reasons = [o["reason"] for o in doc["options"]]
    assert any("the largest part is the KV cache (" in r for r in reasons)
    assert not any("kv_cache" in r for r in reasons)


# --- (g) fit --all's line of refused models reads as a sentence ---------------------------------------------
# `fit --all --gpu RTX-3060 --engine ollama` printed "4 the ollama engine does not run: DeepSeek-V4-Flash,
# ...".
def test_fit_all_counts_refused_models_in_words(capsys: Cap) -> None:
    _, text = _flat(["fit", "--all", "--gpu", "RTX-3060-12GB", "--engine", "ollama"], capsys)
    assert " models the ollama engine does not run: DeepSeek-V4-Flash, " in text


# --- (h) check -o with a page's suffix gets the hint every other command's --output gives ------------------
# `check --gpu RTX-4090 -o o.html -- vllm serve ...` said only "--output takes a .yaml, .yml or .json file",
# where `estimate -o x.csv`, `fit -o x.html` add what to name it.
def test_check_output_suffix_error_says_what_to_name_it(tmp_path: Path, capsys: Cap) -> None:
    code, text = _flat(["check", "--gpu", "RTX-4090", "-o", str(tmp_path / "o.html"), "--", "vllm", "serve",
                        "Qwen/Qwen3-8B"], capsys)
    assert code == 2
    assert "--output takes a .yaml, .yml or .json file (name the file e.g. check.yaml)" in text
    assert not (tmp_path / "o.html").exists()
