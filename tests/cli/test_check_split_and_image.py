"""`check` reads what `plan` writes: llama.cpp's GPU split, every-layer -ngl, and vLLM's image release.

`plan` printed `--split-mode layer --tensor-split 1,1` for a two-GPU llama.cpp layout, and `check` of that
very command listed both flags as "read but not modelled" and sized the copy on one GPU (issue 15). The
flags' meaning is llama.cpp's (common/arg.cpp; preflight/llama_cpp_split.py). A `vllm/vllm-openai:v0.6.3`
image was sized as vLLM 0.19, the release modelled when none is named.
"""

from __future__ import annotations

import json

import pytest
from test_hostile_inputs import run_cli


def _plan_then_check(model: str, gpu: str, capsys: pytest.CaptureFixture[str]) -> tuple[dict, dict, str]:
    base = ["plan", model, "--gpu", gpu, "--engine", "llama.cpp", "--quant", "Q4_K_M"]
    code, out, err = run_cli(base, capsys)
    assert code == 0, err
    command = out.strip()
    code, out, err = run_cli([*base, "--format", "json"], capsys)
    assert code == 0, err
    planned = json.loads(out)["gpus"][0]
    code, out, err = run_cli(["check", "--gpu", gpu, "--format", "json", "--", *command.split()], capsys)
    assert code == 0, err
    return planned, json.loads(out), command


@pytest.mark.parametrize(
    ("model", "gpus"),
    [
        # 36 blocks: all of them and the output layer on one GPU
        ("Qwen3-8B", 1),
        # 80 blocks at Q4_K_M (about 40 GiB) need two 24 GiB cards: the layer split over both
        ("Llama-3.3-70B-Instruct", 2),
    ],
)
def test_check_of_plans_llama_cpp_command_sizes_the_plans_layout(
    model: str, gpus: int, capsys: pytest.CaptureFixture[str]
) -> None:
    planned, checked, command = _plan_then_check(model, "RTX-4090", capsys)
    row = checked["gpus"][0]
    assert (planned["count"], planned["pp"]) == (gpus, gpus)
    assert (row["count"], row["pp"]) == (planned["count"], planned["pp"])
    for key in ("per_gpu_bytes", "device_weights_bytes", "kv_buffer_bytes", "compute_buffer_bytes"):
        assert row[key] == planned[key], key
    assert not [w for w in checked["check"]["ignored"] if "split" in w]
    # -ngl above the block count offloads the output layer (src/llama-model.cpp load_tensors)
    assert f"-ngl {planned['total_layers'] + 1}" in command


def _check(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict | str]:
    code, out, err = run_cli(["check", "--gpu", "RTX-4090", "--format", "json", *argv], capsys)
    return code, (json.loads(out) if code in (0, 3) and out.strip().startswith("{") else err)


_SERVER = ["llama-server", "-hf", "unsloth/Llama-3.3-70B-Instruct-GGUF:Q4_K_M", "-c", "4096", "-ngl", "81"]


def test_split_mode_none_runs_on_one_gpu_whatever_is_visible(capsys: pytest.CaptureFixture[str]) -> None:
    # "none: use one GPU only": two visible cards do not hold the 70B; with the layer split they do
    code, doc = _check(["--num-gpus", "2", "--", *_SERVER, "-sm", "none"], capsys)
    assert code == 3
    assert isinstance(doc, dict) and doc["gpus"][0]["count"] == 1
    code, doc = _check(["--num-gpus", "2", "--", *_SERVER, "-sm", "layer"], capsys)
    assert code == 0
    assert isinstance(doc, dict) and doc["gpus"][0]["count"] == 2


def test_tensor_split_names_the_gpus_a_copy_spans(capsys: pytest.CaptureFixture[str]) -> None:
    # devices past the list, or given 0, get no share: -ts 1,0 is one GPU, -ts 1,1,1 three
    code, doc = _check(["--", *_SERVER, "-ts", "1,0"], capsys)
    assert code == 3 and isinstance(doc, dict) and doc["gpus"][0]["count"] == 1
    code, doc = _check(["--", *_SERVER, "--tensor-split", "1/1/1"], capsys)
    assert code == 0 and isinstance(doc, dict)
    assert (doc["gpus"][0]["count"], doc["gpus"][0]["pp"]) == (3, 3)


def test_uneven_shares_and_row_mode_say_how_they_were_sized(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", "--gpu", "RTX-4090", "--", *_SERVER, "-ts", "3,1", "-sm", "row"]
    _, out, err = run_cli(argv, capsys)
    text = " ".join((out + err).split())
    assert "even split over 2 GPUs" in text
    assert "--split-mode row is sized as the layer split" in text


@pytest.mark.parametrize("bad", [["-sm", "rows"], ["-ts", "a,b"], ["-ts", "0,0"], ["-ts", "-1,1"]])
def test_a_bad_split_is_one_line_and_exit_2(bad: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["check", "--gpu", "RTX-4090", "--", *_SERVER, *bad], capsys)
    assert code == 2
    assert "Traceback" not in err and err.strip().startswith("Error:")


def _vllm_image(image: str, capsys: pytest.CaptureFixture[str]) -> dict:
    argv = ["--", "docker", "run", "--gpus", "all", image, "--model", "Qwen/Qwen3-8B"]
    argv += ["--max-model-len", "8192"]
    code, doc = _check(argv, capsys)
    assert code == 0 and isinstance(doc, dict), doc
    return doc


def test_the_vllm_image_tag_is_the_release_sized(capsys: pytest.CaptureFixture[str]) -> None:
    # vllm/vllm-openai tags are the release with a "v" (v0.6.3, v0.10.1.1, v0.8.5.post1); 0.6.3 is a V0
    # engine release, whose decode profile is 'vllm-0.6' (estimate/engines/server_releases.py)
    old = _vllm_image("vllm/vllm-openai:v0.6.3", capsys)
    assert old["workload"]["engine_version"] == "0.6.3"
    assert _vllm_image("vllm/vllm-openai:v0.10.1.1", capsys)["workload"]["engine_version"] == "0.10.1.1"
    latest = _vllm_image("vllm/vllm-openai:latest", capsys)
    assert latest["workload"]["engine_version"] is None
    assert old["gpus"][0]["decode_tokens_per_s"] != latest["gpus"][0]["decode_tokens_per_s"]


def test_a_vllm_image_older_than_llmsize_models_is_said_not_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    doc = _vllm_image("vllm/vllm-openai:v0.3.3", capsys)
    assert doc["workload"]["engine_version"] is None
    assert any("from 0.4 on" in word for word in doc["check"]["ignored"])
