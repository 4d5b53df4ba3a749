"""The nineteenth hostile round (issue 15): paths that are no path here, launch commands pasted as one string,
the options added lately, config.json of every catalog model type, and a hostile local Hub.

Found and fixed:
- `check -- llama-server -m ~nouser/x.gguf` (and `-md`, `vllm serve ~nouser/a/b`) and the same with a
  10,000-character path: "internal error: RuntimeError: Could not determine home directory" /
  "OSError: [Errno 36] File name too long" (Path.expanduser().exists() raises for both); likewise
  `--gpu-file ~nouser/g.yaml` or a 10,000-character --gpu-file in estimate / fit / plan / gpus: one
  helper now answers whether such text names something here (llmsize/local_path.py);
- `estimate M --output $'/tmp/\\0x.json'`: "internal error: ValueError: embedded null byte"
  (report/export.py); `measure --output <10,000 characters>`: an internal error, and an unwritable
  --output was found only after the model ran (cmd_measure.py now asks export.check_output first);
- `fit M --engine vllm --decode-context-parallel-size 3` on a 14-head model: "1 GPUs cannot be split into
  a tensor/pipeline layout of Qwen2.5-0.5B; try " (an empty list of counts): it now says that no TP
  degree the heads allow starts under the engine, and why (hardware/planner.py);
- `parse $'Qwen2.5-7B\\x1b[2J'` printed the escape sequence raw into the table (report/render_names.py);
- a local Hub sending config.json as 0.5 MB of gzip that inflates to 512 MiB (or 2 GiB) filled the
  Hugging Face cache on disk until the deadline (221 MB in 10 s), and one that answers a ranged GET with
  hundreds of MB grew the process to 346 MB: the client now asks for identity encoding, inflates in
  1 MiB pieces and reads at most 64 MiB a response (specs/hub_client.py); an X-Repo-Commit of
  "../../tmp/x" was "internal error: ValueError: Invalid pointer path" and one holding an escape
  sequence was printed raw: a commit id must be 40 hex digits (specs/hub.py);
- a saved report whose fit row holds NaN or infinity (decode_tokens_per_s, ttft_s, a speed constant) was
  accepted and `report show --format json` wrote the NaN back: the loader refuses non-finite numbers
  (report/load.py); a measurement report with `workload: {}`, `phases: 1e308`, `cuda: NaN` or a NaN byte
  count was an internal error in `report show`: the values it renders are checked at load
  (report/measure_shapes.py);
- a catalog cache file (resources.cached_json) emptied to `null` or nested 100,000 deep was an internal
  error in estimate and check: each file now starts with the SHA-256 of its JSON.
The long run over every input is bench/fuzz_round19.py; this file runs a seeded sample.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_hostile_inputs import (
    CONTROL,
    assert_answered,
    assert_sample_answered,
    offline,  # noqa: F401  (a fixture: pytest finds it by name)
    run_cli,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import hostile_round19 as r19
from hub_server import TINY_LLAMA_CONFIG, HubServer, llama_tensors, safetensors_bytes, serve_hub

# --- the breaks found (each an internal error, a raw escape or an unbounded read before the fix)


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize("bad", [r19.LONG, r19.NO_HOME])
@pytest.mark.parametrize(
    "argv",
    [["check", "--gpu", "H100", "--", "llama-server", "-m", "{}.gguf"],
     ["check", "--gpu", "H100", "--", "llama-server", "-m", "Qwen2.5-0.5B-Q4_K_M.gguf", "-md", "{}.gguf"],
     ["check", "--gpu", "H100", "--", "vllm", "serve", "{}/m"],
     ["check", "--gpu", "H100", "--", "python", "-m", "sglang.launch_server", "--model-path", "{}/m"],
     ["check", "--gpu", "H100", "--", "ollama", "run", "{}/m"],
     ["estimate", "Qwen2.5-0.5B", "--gpu", "H100", "--gpu-file", "{}.yaml"],
     ["fit", "Qwen2.5-0.5B", "--gpu", "H100", "--gpu-file", "{}.yaml"],
     ["gpus", "--gpu-file", "{}.yaml"]],
)  # fmt: skip
def test_a_path_that_is_no_path_here_is_one_line(
    argv: list[str], bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 10,000-character path or `~nouser/...`: each was an internal error (ENAMETOOLONG, RuntimeError)."""
    argv = [a.replace("{}", bad) for a in argv]
    code, err = assert_answered(argv, capsys)
    assert code in (2, 3), err  # a pasted command's model is sized from its name, or said unknown
    if "--gpu-file" in argv:
        assert code == 2 and "GPU file" in err, err


@pytest.mark.usefixtures("offline")
def test_an_output_name_with_a_nul_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = str(tmp_path / "\x00x.json")
    code, err = assert_answered(["estimate", "Qwen2.5-0.5B", "--output", target], capsys)
    assert code == 2 and "NUL" in err and "\\x00" in err, err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("offline")
def test_measure_refuses_an_output_it_cannot_write_before_running(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It was an internal error for a 10,000-character name; a taken name is refused before the run too."""
    code, err = assert_answered(["measure", "Qwen2.5-0.5B", "--device", "trace", "--output",
                                 r19.LONG + ".json"], capsys)  # fmt: skip
    assert code == 2 and "File name too long" in err, err
    taken = tmp_path / "m.json"
    taken.write_text("precious\n")
    argv = ["measure", "Qwen2.5-0.5B", "--device", "trace", "--output", str(taken)]
    code, err = assert_answered(argv, capsys)
    assert code == 2 and "already exists" in err and taken.read_text() == "precious\n", err


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize("gpus", ["1", "4"])
def test_a_gpu_count_without_any_layout_says_why(gpus: str, capsys: pytest.CaptureFixture[str]) -> None:
    """vLLM's decode context parallel size must divide the TP degree, and Qwen2.5-0.5B's 14 heads allow TP
    1 and 2 only (2 KV heads): no count has a layout. It said "...; try " with nothing after it."""
    argv = ["fit", "Qwen2.5-0.5B", "--gpu", "H100", "--engine", "vllm", "--decode-context-parallel-size", "3",
            "--num-gpus", gpus]  # fmt: skip
    code, err = assert_answered(argv, capsys)
    assert code == 2 and not err.rstrip().endswith("try"), err
    assert "no TP degree of Qwen2.5-0.5B (1, 2" in err and "does not divide" in err, err


@pytest.mark.usefixtures("offline")
def test_a_count_without_a_layout_nearby_names_the_nearest_that_have_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """-dcp 8 of Llama-3.1-8B needs TP 8: one GPU has no layout, and none of 1-3 GPUs either."""
    argv = ["fit", "Llama-3.1-8B", "--gpu", "H100", "--engine", "vllm", "--decode-context-parallel-size", "8",
            "--num-gpus", "1"]  # fmt: skip
    code, err = assert_answered(argv, capsys)
    assert code == 2 and "try 8" in err, err


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize("name", ["Qwen2.5-7B\x1b[2J-Instruct", "Qwen2.5-7B\u202e-Instruct\n"])
def test_parse_shows_unprintable_characters_as_escapes(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["parse", name], capsys)
    assert code == 0, err
    assert not CONTROL.search(out.replace("\n", "")), repr(out)
    assert "7B\\x1b[2J" in out or "7B\\u202e" in out, out


def test_a_cache_file_that_is_not_the_one_written_is_recomputed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmsize.resources import cached_json

    monkeypatch.setenv("LLMSIZE_CACHE_DIR", str(tmp_path))
    assert cached_json("t", ["k"], lambda: ["a", "b"]) == ["a", "b"]
    (written,) = (tmp_path / "t").glob("*.json")
    assert cached_json("t", ["k"], lambda: ["never computed"]) == ["a", "b"]  # the cached copy is read
    for text in ("null", "[" * 100_000, '["a", "b"', "", '["a", "b", "c"]'):
        written.write_text(text)
        assert cached_json("t", ["k"], lambda: ["a", "b"]) == ["a", "b"], text[:20]


@pytest.mark.parametrize("text", ["null", "[" * 100_000])
def test_a_broken_catalog_cache_is_not_an_internal_error(text: str, tmp_path: Path) -> None:
    """In a fresh process (this one holds the catalogs in memory): every YAML copy and the Ollama names
    file replaced by `text`."""
    import os
    import subprocess

    env = {**os.environ, "LLMSIZE_CACHE_DIR": str(tmp_path), "HF_HUB_OFFLINE": "1"}
    argv = [sys.executable, "-m", "llmsize", "check", "--gpu", "H100", "--", "ollama", "run", "qwen2.5:0.5b"]
    assert subprocess.run(argv, env=env, capture_output=True).returncode == 0
    files = [p for p in tmp_path.rglob("*.json") if p.parent.name in ("ollama-bare-names", "yaml")]
    assert len(files) > 10
    for path in files:
        path.write_text(text)
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-400:]


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One `measure --device trace` report (it builds the model under torch: once for the module)."""
    import json

    path = tmp_path_factory.mktemp("measure") / "m.json"
    # not under HF_HUB_OFFLINE: transformers would import huggingface_hub with its offline constant set, and
    # the local Hub tests below would find it offline (a catalog name asks no Hub)
    r19._save(["measure", "Qwen2.5-0.5B", "--device", "trace", "--output", str(path)])
    doc: dict[str, object] = json.loads(path.read_text())
    return doc


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize(
    ("where", "value", "said"),
    [(("workload",), {}, "workload.mode"),
     (("workload", "context"), None, "workload.context"),
     (("measurement", "phases"), 1e308, "measurement.phases"),
     (("measurement", "cuda"), float("nan"), "measurement.cuda"),
     (("measurement", "timings"), {"ttft_s": "fast"}, "measurement.timings.ttft_s"),
     (("measurement", "notes"), [1, 2], "measurement.notes"),
     (("comparison", "overhead", "measured"), float("nan"), "comparison.overhead.measured"),
     (("comparison", "optimizer", "estimated"), "x", "comparison.optimizer.estimated"),
     (("comparison", "peak", "error"), True, "comparison.peak.error")],
)  # fmt: skip
def test_a_measurement_report_with_an_odd_value_is_one_line(
    where: tuple[str, ...], value: object, said: str, measured: dict[str, object], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each was an internal error in `report show` (TypeError, AttributeError, ValueError: NaN to integer)."""
    import json

    doc = r19.mutated(measured, where, value)
    path = tmp_path / "m.json"
    path.write_text(json.dumps(doc))
    for argv in (["report", "show", str(path)], ["report", "diff", str(path), str(path)]):
        code, err = assert_answered(argv, capsys)
        assert code == 2 and said in err, err
    path.write_text(json.dumps(measured))
    code, err = assert_answered(["report", "show", str(path)], capsys)
    assert code == 0, err  # the report as measure wrote it reads back


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize("where", [("gpus", 0, "decode_tokens_per_s"), ("gpus", 0, "ttft_s"),
                                   ("gpus", 0, "speed_constants", "step_fixed_s")])  # fmt: skip
@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_a_report_holding_nan_is_refused_not_printed_back(
    where: tuple[object, ...], value: float, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fit row's speed fields took NaN and infinity, and `report show --format json` wrote them back."""
    import json

    base = tmp_path / "plan.json"
    r19._save(["plan", "--output", str(base), "Qwen2.5-0.5B", "--gpu", "RTX-4090"])
    doc = r19.mutated(json.loads(base.read_text()), where, value)
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(doc))
    code, err = assert_answered(["report", "show", str(edited), "--format", "json"], capsys)
    shown = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in where).lstrip(".")
    assert code == 2 and f"{shown} is not a finite number" in err, err
    assert assert_answered(["report", "show", str(base), "--format", "json"], capsys)[0] == 0


# --- a hostile local Hub (tests/hub_server.py)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[HubServer]:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("LLMSIZE_CACHE_DIR", str(tmp_path / "llmsize"))
    with serve_hub(monkeypatch) as srv:
        yield srv


def _repo(server: HubServer, fault: str) -> None:
    files = {"config.json": TINY_LLAMA_CONFIG,
             "model.safetensors": safetensors_bytes(llama_tensors(TINY_LLAMA_CONFIG))}  # fmt: skip
    server.add_repo("acme/x", files, fault=fault)


@pytest.mark.parametrize("fault", ["gzip-bomb", "ignore-range"])
def test_a_flooding_hub_is_read_no_further_than_the_bound(
    fault: str, server: HubServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """512 MiB inflated from 0.5 MB of gzip, or 256 MiB for a ranged read of a header: the client stops at
    64 MiB a response and says so in one line; the HF cache keeps none of it."""
    from llmsize.specs.hub_client import MAX_RESPONSE_BYTES

    _repo(server, fault)
    code, err = assert_answered(["estimate", "acme/x"], capsys)
    assert code == 2 and f"more than {MAX_RESPONSE_BYTES >> 20} MiB" in err, err
    left = sum(p.stat().st_size for p in (tmp_path / "hf").rglob("*") if p.is_file())
    assert left <= MAX_RESPONSE_BYTES, left


def test_a_plain_hub_is_still_read(server: HubServer, capsys: pytest.CaptureFixture[str]) -> None:
    """The bounds change nothing for a well-behaved server (TINY_LLAMA_PARAMS, counted by hand)."""
    _repo(server, "none")
    code, out, err = run_cli(["estimate", "acme/x", "--format", "json"], capsys)
    assert code == 0, err
    assert "106816" in out, out[:400]


@pytest.mark.parametrize("commit", ["../../../../../../tmp/llmsize-round19", "\x1b[2J" + "0" * 36,
                                    "a" * 5000])  # fmt: skip
def test_a_commit_id_that_is_no_git_sha_is_one_line(
    commit: str, server: HubServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """"../.." was an internal error (huggingface_hub: Invalid pointer path), an escape was printed raw."""
    _repo(server, "commit:" + commit)
    code, err = assert_answered(["estimate", "acme/x"], capsys)
    assert code == 2 and "not a git commit id" in err and not CONTROL.search(err), err
    assert not Path("/tmp/llmsize-round19").exists()


# --- a seeded sample of the round's inputs (the whole run: bench/fuzz_round19.py)


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize(("step", "n"), [("paths", 10), ("pasted", 12), ("options", 12), ("configs", 12),
                                         ("reports", 12)])  # fmt: skip
def test_round19_sample(step: str, n: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / step
    no_measure = {k: v for k, v in r19.REPORT_COMMANDS.items() if v[0] != "measure"}  # torch: bench only
    cases = {"configs": lambda: r19.config_cases(root, n // 2),
             "reports": lambda: r19.report_cases(root, n // 3, commands=no_measure)}.get(
        step, lambda: r19.STEPS[step](root))()  # fmt: skip
    for argv in r19.sample(list(cases), n):
        assert_sample_answered(argv, capsys, frozenset({"json"}))
    assert not Path("PWNED").exists()
