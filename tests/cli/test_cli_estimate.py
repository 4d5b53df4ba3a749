"""`llmsize estimate` and `llmsize explain`: tables, files, engines, and bad input -> exit 2."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import llmsize.cli
from llmsize.cli import app
from llmsize.cli.workload_options import build_workload, parse_tokens
from llmsize.errors import BadInputError

runner = CliRunner()


def _json(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["estimate", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert isinstance(out, dict)
    return out


def test_human_table_has_breakdown_total_and_assumptions() -> None:
    result = runner.invoke(
        app, ["estimate", "Qwen2.5-7B-Instruct", "--context", "32k"], env={"COLUMNS": "160"}
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Qwen2.5-7B-Instruct" in out and "7,615,616,512 params" in out
    assert "bundled catalog" in out
    for label in ("weights", "KV cache", "total", "GiB", "Assumptions:"):
        assert label in out
    assert "context 32,768" in out


def test_quantized_name_estimates_less_than_the_float_model() -> None:
    plain = _json("Qwen2.5-7B-Instruct")["memory"]
    gptq = _json("Qwen2.5-7B-Instruct", "--quant", "gptq")["memory"]
    assert isinstance(plain, dict) and isinstance(gptq, dict)
    assert gptq["weights"] < plain["weights"] / 2


def test_training_modes_fill_gradients_and_optimizer() -> None:
    full = _json("Llama-3.2-3B-Instruct", "--mode", "full", "--context", "1024")["memory"]
    lora = _json("Llama-3.2-3B-Instruct", "--mode", "lora", "--context", "1024")["memory"]
    assert isinstance(full, dict) and isinstance(lora, dict)
    assert full["gradients"] > 0 and full["optimizer"] > full["gradients"]
    assert lora["adapters"] > 0 and lora["gradients"] < full["gradients"] / 100
    assert lora["total"] < full["total"]


def test_gguf_quant_defaults_to_llama_cpp() -> None:
    doc = _json("Qwen2.5-7B-Instruct", "--quant", "Q4_K_M")
    workload = doc["workload"]
    assert isinstance(workload, dict) and workload["engine"] == "llama.cpp"


def test_output_file_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "est.yaml"
    result = runner.invoke(app, ["estimate", "Qwen2.5-0.5B", "--output", str(target)])
    assert result.exit_code == 0, result.output
    doc = yaml.safe_load(target.read_text())
    assert doc["model"]["name"] == "Qwen2.5-0.5B"
    with pytest.raises(SystemExit) as exc:
        llmsize.cli.main(["estimate", "Qwen2.5-0.5B", "--output", str(target)])
    assert exc.value.code == 2
    assert runner.invoke(app, ["estimate", "Qwen2.5-0.5B", "-o", str(target), "--force"]).exit_code == 0
    as_json = tmp_path / "est.json"
    assert runner.invoke(app, ["estimate", "Qwen2.5-0.5B", "-o", str(as_json)]).exit_code == 0
    assert json.loads(as_json.read_text())["schema_version"] == 1


def test_csv_has_one_row_with_memory_columns() -> None:
    result = runner.invoke(app, ["estimate", "Qwen2.5-0.5B", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 1
    assert int(rows[0]["memory.total"]) > int(rows[0]["memory.weights"]) > 0
    assert rows[0]["model.name"] == "Qwen2.5-0.5B"


@pytest.mark.parametrize(
    "args",
    [
        ["Llama-3.1-8B", "--tp", "3", "--num-gpus", "3"],  # 3 does not divide 32 heads
        ["Llama-3.1-8B", "--mode", "qlora", "--dtype", "fp32"],
        ["Llama-3.1-8B", "--kv-dtype", "q8_0"],  # a llama.cpp KV type on transformers
        ["Llama-3.1-8B", "--engine", "vllm", "--kv-dtype", "int4"],
        ["Llama-3.1-8B", "--context", "0"],
        ["Llama-3.1-8B", "--context", "lots"],
        ["Llama-3.1-8B", "--batch", "-1"],
        ["Llama-3.1-8B", "--quant", "q9_k"],
        ["Llama-3.1-8B", "--mode", "full", "--quant", "gptq"],
        ["Llama-3.1-8B", "--lora-targets", "nonexistent", "--mode", "lora"],
        ["Llama-3.1-8B", "--zero", "2"],  # ZeRO in inference
        ["Llama-3.1-8B", "--num-gpus", "3", "--tp", "2"],
        ["Llama-3.1-8B", "--output", "est.txt"],
        # issue 9: settings the engines cannot take
        ["Llama-3.1-8B", "--engine", "vllm", "--gpu-memory-utilization", "0"],
        ["Llama-3.1-8B", "--engine", "vllm", "--gpu-memory-utilization", "1.5"],
        ["Llama-3.1-8B", "--engine", "llama.cpp", "--ubatch", "1024", "--n-batch", "512"],
        ["Llama-3.1-8B", "--engine", "llama.cpp", "--n-cpu-moe", "4"],  # a dense model
        ["Qwen2.5-7B-Instruct-GPTQ-Int4", "--engine", "llama.cpp"],  # llama.cpp runs GGUF
        ["Llama-3.1-8B", "--engine", "vllm", "--kv-cache-memory", "lots"],
        ["Llama-3.1-8B", "--engine", "sglang", "--mem-fraction-static", "0"],
        ["Llama-3.1-8B", "--engine", "vllm", "--mode", "lora"],
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        llmsize.cli.main(["estimate", *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err and "Traceback" not in err
    assert len(err.splitlines()) == 1  # click's usage errors too, without their usage block


def test_engine_keys_in_the_fit_rows() -> None:
    doc = _json("Llama-3.1-8B", "--engine", "vllm", "--gpu", "H100", "--kv-cache-memory", "8GiB")
    row = doc["gpus"][0]
    # 8 GiB of 128 KiB tokens (Llama-3-8B, bf16): 65,536 tokens in 4,096 blocks of 16
    assert (row["kv_tokens"], row["kv_blocks"]) == (65536, 4096)
    assert row["max_concurrency"] == 16.0 and row["engine_version"]
    gguf = _json("Llama-3.1-8B", "--quant", "Q4_K_M", "--gpu", "RTX-4090")["gpus"][0]
    assert gguf["engine"] == "llama.cpp" and gguf["compute_buffer_bytes"] > 0 and gguf["host_bytes"] > 0
    assert gguf["device_weights_bytes"] > 0


def test_context_beyond_the_model_warns() -> None:
    doc = _json("Meta-Llama-3-8B-Instruct", "--context", "32k")
    warnings = doc["warnings"]
    assert isinstance(warnings, list) and any("max_position_embeddings" in w for w in warnings)


def test_explain_substitutes_numbers() -> None:
    result = runner.invoke(app, ["explain", "Llama-3.1-8B", "--context", "8192"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "8,030,261,248" in result.stdout or "8,030" in result.stdout
    assert "2 x 8 kv_heads x 128 head_dim" in result.stdout
    assert "total = sum of the above" in result.stdout


def test_build_workload_and_token_parsing() -> None:
    assert parse_tokens("32k", "--context") == 32768
    assert parse_tokens("1M", "--context") == 1024 * 1024
    wl = build_workload(context="8k", lora_targets="q_proj, v_proj", mode="lora")  # type: ignore[arg-type]
    assert wl.context == 8192 and wl.lora_targets == ("q_proj", "v_proj")
    with pytest.raises(BadInputError, match="prompt_tokens"):
        build_workload(context="1k", prompt_tokens="2k")


def test_catalog_estimate_imports_neither_torch_nor_the_hub() -> None:
    code = (
        "import sys; from llmsize.cli import main\n"
        "try:\n    main(['estimate', 'Qwen2.5-7B-Instruct', '--format', 'json'])\n"
        "except SystemExit:\n    pass\n"
        "bad = [m for m in ('torch', 'huggingface_hub', 'transformers') if m in sys.modules]\n"
        "sys.stderr.write('LOADED:' + ','.join(bad))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert "LOADED:" in proc.stderr, proc.stderr
    assert proc.stderr.rsplit("LOADED:", 1)[1].strip() == ""


@pytest.mark.parametrize("engine", ["transformers", "vllm", "llama.cpp", "sglang"])
def test_one_estimate_imports_no_numpy(engine: str) -> None:
    # Issue 15: numpy only for vectorised sweeps; one context is plain Python in every engine module.
    # The second run is the one checked: the first may fill the JSON caches (llama.cpp sizes the Q4_K_M
    # GGUF `-hf` downloads, whose block sizes the gguf package, with numpy, gives once; quant_formats.py).
    code = (
        "import sys; from llmsize.cli import main\n"
        f"try:\n    main(['estimate', 'Qwen2.5-7B-Instruct', '--engine', {engine!r}])\n"
        "except SystemExit:\n    pass\n"
        "sys.stderr.write('NUMPY:' + str('numpy' in sys.modules))\n"
    )
    for _ in range(2):
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
        )
    assert "NUMPY:" in proc.stderr, proc.stderr
    assert proc.stderr.rsplit("NUMPY:", 1)[1].strip() == "False"


@pytest.mark.parametrize(
    ("gpu", "context"),
    # ollama server/routes.go Serve: total VRAM >= 47 GiB -> 262144, >= 23 GiB -> 32768, else 4096;
    # capped at the model's trained context (gemma-3-12b: 131,072).
    [("RTX-3060", 4096), ("RTX-4090", 32768), ("H100", 131072)],
)
def test_ollama_without_context_takes_its_vram_default(gpu: str, context: int) -> None:
    from llmsize.cli import app as full_app

    result = CliRunner().invoke(full_app, ["estimate", "gemma3:12b", "--gpu", gpu, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["workload"]["context"] == context
    typed = CliRunner().invoke(full_app, ["estimate", "gemma3:12b", "--gpu", gpu, "--context", "4096",
                                          "--format", "json"])
    assert json.loads(typed.stdout)["workload"]["context"] == 4096


def test_num_gpus_for_inference_sizes_the_layout_the_fit_row_chose() -> None:
    # --num-gpus 2 without --tp/--pp: the headline used to be two whole-model replicas (138 GiB per
    # GPU for Qwen2.5-72B) under a fit row that split the model over the two GPUs (69 GiB each).
    result = CliRunner().invoke(
        app, ["estimate", "Qwen2.5-72B", "--gpu", "H100", "--num-gpus", "2", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)  # stderr names the H100 variant picked (round 9)
    row = report["gpus"][0]
    assert row["tp"] * row["pp"] == 2
    assert (report["workload"]["tp"], report["workload"]["pp"]) == (row["tp"], row["pp"])
    assert report["memory"]["total"] == row["per_gpu_bytes"]
    assert report["memory"]["weights"] < 0.6 * 72.7e9 * 2  # a half of the bf16 weights, not all


def test_num_gpus_without_a_gpu_splits_the_model_like_with_one() -> None:
    # Issue 15: `estimate --num-gpus 4` without --gpu sized four whole-model replicas (15.3 GiB per GPU
    # for Qwen2.5-7B) while `--num-gpus 4 --gpu H100` split it four ways (4.2 GiB): the same flag
    # meant two things. Both now size the layout the planner picks for 4 GPUs (transformers: the layers
    # split four ways, as device_map="auto" does; TP only with --tp, issue 15 round 11).
    alone = _json("Qwen2.5-7B", "--num-gpus", "4")
    with_gpu = _json("Qwen2.5-7B", "--num-gpus", "4", "--gpu", "H100")
    one = _json("Qwen2.5-7B")
    assert (alone["workload"]["tp"], alone["workload"]["pp"]) == (1, 4)  # type: ignore[index]
    assert alone["memory"] == with_gpu["memory"]
    assert alone["memory"]["weights"] < one["memory"]["weights"] / 3  # type: ignore[index,operator]


def test_num_gpus_for_training_stays_data_parallel_without_a_gpu() -> None:
    # Training with ZeRO: --num-gpus is the data-parallel world the states are sharded over, with or
    # without --gpu (docs/validation-training.md rows rely on it).
    args = ("Qwen2.5-0.5B", "--mode", "full", "--zero", "3", "--num-gpus", "4")
    alone, with_gpu = _json(*args), _json(*args, "--gpu", "H100")
    assert (alone["workload"]["tp"], alone["workload"]["pp"]) == (1, 1)  # type: ignore[index]
    assert alone["memory"] == with_gpu["memory"]


def test_explain_reads_num_gpus() -> None:
    # explain used to drop --num-gpus (its ZeRO-3 optimizer states were those of one GPU).
    def optimizer_line(*args: str) -> str:
        argv = ["explain", "Qwen2.5-0.5B", "--mode", "full", "--zero", "3", *args]
        result = runner.invoke(app, argv, env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        at = next(i for i, line in enumerate(lines) if line.startswith("optimizer states"))
        return " ".join(lines[at : at + 2])  # the component and its rule

    four = optimizer_line("--num-gpus", "4")
    assert four != optimizer_line() and "/ 4 (ZeRO-3)" in four


@pytest.mark.parametrize("count", ["5000", "1000000000"])
def test_explain_and_estimate_refuse_more_gpus_than_a_layout_takes(
    count: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # explain took any --num-gpus; 10^9 ran the layout search for minutes.
    for command in ("explain", "estimate"):
        with pytest.raises(SystemExit) as exc:
            llmsize.cli.main([command, "Qwen2.5-0.5B", "--num-gpus", count])
        assert exc.value.code == 2
        assert "4096" in capsys.readouterr().err.replace(",", "")
