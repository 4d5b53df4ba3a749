"""The eighteenth hostile round (issue 15): option combinations over the live CLI, contradictions, very long
lists, pasted command lines, hostile training YAML, model folders pointing outside themselves, GGUF metadata
of rare value types, odd saved reports, --output targets.

Found and fixed:
- a training config, a --gpu-file or a saved YAML report holding `0x` + 5,000 hex digits: "internal error:
  ValueError: Exceeds the limit (4300 digits) for integer string conversion" (YAML builds hex, octal and
  binary integers without Python's limit; the error line's repr of the value then failed); load_yaml
  refuses an integer too long to write out (resources.py), one line, exit 2;
- a config.json whose quantization_config lists 200,000 `ignored_layers` (an fp8 checkpoint's key): no
  answer in 60 s (the union of the skip keys checked `m not in out` over a list); 200,000 copies of one
  `modules_to_not_convert` name took 23 CPU s (each entry matched against every path of every group):
  the skip list is read once per checkpoint into a lookup of exact names and one regex of the wildcard /
  regex entries (estimate/skip_match.py), entries are kept once, and more than 10,000 wildcard or regex
  entries is refused as no checkpoint's (specs/formats.py); 0.4-0.9 s;
- `report diff A B` where B was edited to hold 10,000 workload keys: 2.5 CPU s laying out a 10,000-row
  table; the human tables show 60 rows and say how many more (report/render_diff.py).
The long run over every input is bench/fuzz_round18.py; this file runs a seeded sample.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from test_hostile_inputs import (
    assert_answered,
    offline,  # noqa: F401  (a fixture: pytest finds it by name)
    run_cli,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import hostile_round18 as r18
from llmsize.estimate.skip_match import covered
from llmsize.resources import UnreadableText, load_yaml

pytestmark = pytest.mark.usefixtures("offline")


# --- the breaks found


@pytest.mark.parametrize("number", ["0x" + "f" * 5000, "0" + "7" * 6000, "0b" + "1" * 20_000])
def test_a_yaml_integer_too_long_to_write_out_is_refused(number: str) -> None:
    with pytest.raises(UnreadableText, match="integer of more than"):
        load_yaml(f"cutoff_len: {number}\n")
    with pytest.raises(UnreadableText, match="integer of more than"):
        load_yaml(f"? {number}\n: 1\n")  # as a key too
    assert load_yaml("cutoff_len: 0x" + "f" * 1000 + "\n") == {"cutoff_len": 16**1000 - 1}


@pytest.mark.parametrize("reader", ["check", "gpu-file", "report"])
def test_a_yaml_file_with_a_hex_integer_of_5000_digits_is_one_line(
    reader: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A training config, a --gpu-file and a saved report: each was an internal error."""
    path = tmp_path / "doc.yaml"
    big = "0x" + "f" * 5000
    argv = {"check": ["check", "--gpu", "H100", str(path)],
            "gpu-file": ["fit", "Qwen2.5-0.5B", "--gpu-file", str(path), "--gpu", "MyCard"],
            "report": ["report", "show", str(path)]}[reader]  # fmt: skip
    text = {"check": r18.TRAINING_DOCS["bigint_hex"], "gpu-file": r18.GPU_FILE.format(memory=big),
            "report": f"schema_version: {big}\n"}[reader]  # fmt: skip
    path.write_text(text)
    code, err = assert_answered(argv, capsys)
    assert code == 2 and "integer of more than" in err and str(path) in err, err


def test_skip_lists_match_as_each_entry_did() -> None:
    """The lookup and the combined regex give each entry's own rule (transformers' boundary prefix or
    suffix, a glob, a compressed-tensors `re:` from the start, an entry naming one layer)."""
    cases = [
        (("lm_head",), "lm_head", "", 0, True),
        (("model.layers.0.self_attn",), "q_proj", "attn", 0, True),  # a parent module: a head of the path
        (("self_attn.q_proj",), "q_proj", "attn", 3, True),  # a tail after a module boundary
        (("attn.q_proj",), "q_proj", "attn", 0, True),  # `...layers.0.attn.q_proj` is one of the spellings
        (("elf_attn.q_proj",), "q_proj", "attn", 0, False),  # not at a boundary
        (("model.layers.3.self_attn",), "q_proj", "attn", 3, True),
        (("model.layers.3.self_attn",), "q_proj", "attn", 0, False),  # another layer's entry
        (("model.layers.*.mlp",), "down_proj", "mlp", 5, True),
        (("model.layers.1.*",), "down_proj", "mlp", 0, False),
        (("re:.*mlp\\.gate$",), "gate", "mlp", 0, True),
        # a named group twice cannot be one alternation: each is matched on its own
        (("re:(?P<x>a)", "re:(?P<x>b)", "re:(", "re:.*mlp\\.gate$"), "gate", "mlp", 0, True),
        (("re:(",), "gate", "mlp", 0, False),  # an invalid regex matches nothing
        (("model.visual.blocks.0.mlp.down_proj",), "down_proj", "mlp", 0, False),  # another tower
        ((*["x"] * 1000, "lm_head"), "lm_head", "", 0, True),
    ]
    for skip, name, kind, layer, expected in cases:
        assert covered(tuple(skip), name, kind, layer) is expected, (skip, name, kind, layer)


@pytest.mark.parametrize(
    "skip",
    [{"quant_method": "fp8", "ignored_layers": [f"model.layers.{i}.x" for i in range(50_000)]},
     {"quant_method": "gptq", "bits": 4, "group_size": 128, "modules_to_not_convert": ["x"] * 50_000}],
)  # fmt: skip
def test_a_skip_list_of_thousands_is_read_once(
    skip: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """50,000 ignored_layers hung (a list membership test per entry: 200,000 gave no answer in 60 s), and
    50,000 copies of one name took about 6 CPU s; bench/fuzz_round18.py runs 200,000 and the glob lists."""
    folder = r18._folder(tmp_path, "skip", {**r18.TINY, "quantization_config": skip})
    code, err = assert_answered(["fit", str(folder), "--gpu", "H100", "--engine", "vllm"], capsys)
    assert code == 0, err


def test_more_wildcards_than_any_checkpoint_lists_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = r18._folder(tmp_path, "globs", r18.CONFIGS["skip_too_many_globs"])
    code, err = assert_answered(["estimate", str(folder)], capsys)
    assert code == 2 and "10,001 wildcard or regex" in err, err


def test_a_repeated_skip_entry_is_kept_once() -> None:
    from llmsize.specs.formats import weight_format_from_config

    q = {"quant_method": "fp8", "ignored_layers": ["lm_head"] * 5, "modules_to_not_convert": ["lm_head", "x"]}
    fmt, _ = weight_format_from_config({**r18.TINY, "quantization_config": q})
    assert fmt.modules_not_converted == ("lm_head", "x")


def test_a_diff_of_thousands_of_changed_inputs_shows_sixty_and_counts_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "a.json"
    code, _, err = run_cli(["estimate", "Qwen2.5-0.5B", "--output", str(base)], capsys)
    assert code == 0, err
    doc = json.loads(base.read_text())
    doc["workload"].update({f"k{i}": i for i in range(1000)})
    edited = tmp_path / "b.json"
    edited.write_text(json.dumps(doc))
    code, out, err = run_cli(["report", "diff", str(base), str(edited)], capsys)
    assert code == 0, err
    assert "k59" in out and "k60 " not in out and "and 940 more inputs that differ" in out, out[-400:]
    code, out, err = run_cli(["report", "diff", str(base), str(edited), "--format", "json"], capsys)
    assert code == 0 and len(json.loads(out)["workload"]) == 1000, err  # the JSON lists every change


# --- a seeded sample of the round's inputs (the whole run: bench/fuzz_round18.py)


@pytest.mark.parametrize(
    ("step", "n"),
    [("options", 12), ("contradictions", 10), ("lists", 4), ("commands", 12), ("training", 12),
     ("folders", 8), ("gguf", 8), ("reports", 8), ("output", 8), ("gpu-file", 6)],
)  # fmt: skip
def test_round18_sample(step: str, n: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in r18.sample(list(r18.STEPS[step](tmp_path / step)), n):
        assert_answered(argv, capsys)
    if step == "output":
        assert (tmp_path / step / "exists.json").read_text() == "precious\n"
