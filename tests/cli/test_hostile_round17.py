"""The seventeenth hostile round (issue 15): trl command lines, LLAMA_ARG_* variables, -hf tags, `plan` of
local files, the newest architectures' own config fields, concurrency sweeps under --num-gpus auto.

Found and fixed:
- `HF_ENDPOINT=http://127.0.0.1:99999 llmsize estimate Qwen/Qwen2.5-0.5B`: "internal error: ValueError:
  Port out of range" (urllib reads the port lazily); now an unreachable Hub, the catalog answers;
- `HF_TOKEN=é llmsize estimate Qwen/Qwen2.5-0.5B`: "internal error: UnicodeEncodeError ... (header
  'authorization')"; now one line saying the token holds characters no token has (exit 2);
- a deepseek_v32 config.json with `num_nextn_predict_layers: 1000000` was sized as 1.3e16 parameters "in
  the checkpoint with its MTP layers"; the corrupt-size bound counts the MTP layers (exit 2);
- `plan ./folder --engine llama.cpp` printed `llama-server -hf unsloth/tmp/folder-GGUF:Q4_K_M` (a repo named
  after the path), `plan ./m.gguf` pulled `unsloth/.../m.gguf-GGUF`, and `plan ./folder/config.json
  --engine vllm` served the config.json: a local GGUF is `llama-server -m FILE`, a transformers folder is
  served as the folder by vLLM / SGLang and refused by llama.cpp and Ollama, which load GGUF files
  (preflight/local_launch.py);
- `fit Llama-3.1-405B --gpu T4 --num-gpus auto --engine llama.cpp --concurrency 1,2,...,64` searched every
  GPU count per level (2.9 s CPU; forty 2^k levels of four models on four GPUs under `compare`: 8.2 s);
  the sweep starts a larger level's search where a smaller one fitted, and a level above one no count held
  takes the widest layout's row (hardware/concurrency.py; bench/concurrency_refused_identical.py checks
  the rows against the full search).
The long run over every input is bench/fuzz_round17.py; this file runs a seeded sample.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest
from test_hostile_inputs import (
    assert_answered,
    offline,  # noqa: F401  (a fixture: pytest finds it by name)
    run_cli,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import hostile_round17 as r17
from llmsize.estimate.workload import Workload
from llmsize.hardware.concurrency import concurrency_rows
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.planner import Planner
from llmsize.specs.resolve import resolve

pytestmark = pytest.mark.usefixtures("offline")


# --- the breaks found


def test_an_endpoint_port_out_of_range_falls_back_to_the_catalog(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from llmsize.specs import hub

    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:99999")
    with pytest.raises(hub.HubUnreachableError, match="not an http"):
        hub.fetch("Qwen/Qwen2.5-0.5B")
    monkeypatch.delenv("HF_HUB_OFFLINE")
    code, err = assert_answered(["estimate", "Qwen/Qwen2.5-0.5B"], capsys)
    assert code == 0, err


def test_a_token_no_http_header_can_carry_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The check runs before any request (a closed local port here: nothing leaves the machine)."""
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("HF_TOKEN", "hf_é")
    code, err = assert_answered(["estimate", "Qwen/Qwen2.5-0.5B"], capsys)
    assert code == 2 and "token" in err and "non-ASCII" in err, err


def test_mtp_layers_count_towards_the_corrupt_size_bound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """DeepSeek-V3's checkpoint stores num_nextn_predict_layers MTP layers (1 in its config.json)."""
    fixture = Path(__file__).resolve().parents[1] / "fixtures/hf_configs/deepseek-ai__DeepSeek-V3.json"
    config = json.loads(fixture.read_text())
    for layers, expected in ((10**6, 2), (1, 0)):
        (tmp_path / "config.json").write_text(json.dumps({**config, "num_nextn_predict_layers": layers}))
        code, err = assert_answered(["estimate", str(tmp_path)], capsys)
        assert code == expected and (expected == 0 or "more than any model" in err), err


def test_plan_of_a_local_gguf_loads_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """llama-server -m FILE (common/arg.cpp), quoted for the shell; `check` of that command fits again."""
    _, gguf = r17.write_local_models(tmp_path)
    code, out, err = run_cli(["plan", str(gguf), "--gpu", "H100-SXM-80GB", "--engine", "llama.cpp"], capsys)
    assert code == 0, err
    words = shlex.split(out.strip())
    assert words[:3] == ["llama-server", "-m", str(gguf)] and "-hf" not in words, out
    assert "unsloth" not in out + err, err
    code, out, err = run_cli(["check", "--gpu", "H100-SXM-80GB", "--", *words], capsys)
    assert code == 0, out + err


@pytest.mark.parametrize(("engine", "quant", "said"), [
    ("ollama", None, "ollama create"),
    ("llama.cpp", "Q4_K_M", "llama-quantize"),
])  # fmt: skip
def test_plan_of_a_local_gguf_says_what_the_engine_cannot_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], engine: str, quant: str | None, said: str
) -> None:
    _, gguf = r17.write_local_models(tmp_path)
    argv = ["plan", str(gguf), "--gpu", "H100-SXM-80GB", "--engine", engine]
    code, err = assert_answered([*argv, *(["--quant", quant] if quant else [])], capsys)
    assert code == 2 and said in err, err


@pytest.mark.parametrize("engine", ["llama.cpp", "ollama"])
def test_plan_of_a_transformers_folder_under_a_gguf_engine_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], engine: str
) -> None:
    folder, _ = r17.write_local_models(tmp_path)
    code, err = assert_answered(["plan", str(folder), "--gpu", "H100-SXM-80GB", "--engine", engine], capsys)
    assert code == 2 and "GGUF" in err and "unsloth" not in err, err


def test_plan_serves_the_folder_not_its_config_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _ = r17.write_local_models(tmp_path)
    for given in (folder, folder / "config.json"):
        code, out, err = run_cli(["plan", str(given), "--gpu", "H100-SXM-80GB", "--engine", "vllm"], capsys)
        assert code == 0, err
        assert shlex.split(out.strip())[:3] == ["vllm", "serve", str(folder)], out


def test_plan_of_a_manifest_in_ollamas_store_runs_its_tag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A manifest of Ollama's store (specs/ollama_store.py) is the tag `ollama run` serves, and its GGUF is
    the blob it names: the local-file refusal took it for a file Ollama cannot run, and `--engine
    llama.cpp` loaded the manifest's JSON with -m (review14)."""
    import hostile_round6

    manifest = hostile_round6.ollama_store(tmp_path, model="tiny", tag="q4")
    code, out, err = run_cli(["plan", str(manifest), "--gpu", "H100-SXM-80GB"], capsys)
    assert code == 0, err
    assert shlex.split(out.strip().splitlines()[-1])[-3:] == ["ollama", "run", "tiny:q4"], out
    argv = ["plan", str(manifest), "--gpu", "H100-SXM-80GB", "--engine", "llama.cpp"]
    code, out, err = run_cli(argv, capsys)
    assert code == 0, err
    words = shlex.split(out.strip())
    blob = words[words.index("-m") + 1]
    assert Path(blob).parent.name == "blobs" and Path(blob).name.startswith("sha256-"), out
    # the tag is served as pulled: another --quant is refused, as for a GGUF file under llama.cpp
    code, err = assert_answered(["plan", str(manifest), "--gpu", "H100-SXM-80GB", "--quant", "Q2_K"], capsys)
    assert code == 2 and "tiny:q4" in err and "--quant Q2_K" in err, err


def test_a_level_above_a_refused_one_takes_the_rows_the_search_gives() -> None:
    """More sequences never need less memory: the shortcut rows equal Planner.plan's at every level."""
    spec = resolve("Llama-3.1-70B")
    gpu = get_gpu("T4")
    wl = Workload(engine="llama.cpp")
    levels = (64, 1, 2**30, 8, 2**31, 8)
    rows = concurrency_rows(spec, wl, [gpu], levels, None, limits=False)
    for level, row in zip(levels, rows, strict=True):
        full = Planner(spec, wl.model_copy(update={"batch": level})).plan(gpu, None, limits=False,
                                                                           batch_limit=False)
        assert (row.fits, row.count, row.tp, row.pp, row.dp, row.reason) == (
            full.fits, full.count, full.tp, full.pp, full.dp, full.reason), level
    assert [r.fits for r in rows] == [True, True, False, True, False, True]


# --- a seeded sample of the round's inputs (the whole run: bench/fuzz_round17.py)


@pytest.mark.parametrize(("step", "n"), [("check", 15), ("plan", 8), ("configs", 10)])
def test_round17_sample(step: str, n: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in r17.sample(list(r17.STEPS[step](tmp_path)), n):
        assert_answered(argv, capsys)
