"""Issue 15, newcomer audit of the training commands: what an ML engineer types first."""

from __future__ import annotations

import pytest


def test_plan_with_a_training_option_points_to_estimate(capsys: pytest.CaptureFixture[str]) -> None:
    # `llmsize plan MODEL --mode qlora` said "No such option: --mode (Possible options: --dp, --ep,
    # --force)": options of a serving plan, for a question about fine-tuning.
    import llmsize.cli

    with pytest.raises(SystemExit) as info:
        llmsize.cli.main(["plan", "Llama-3.1-8B", "--mode", "qlora", "--gpu", "RTX-4090"])
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert "Possible options" not in err and "Traceback" not in err
    assert "llmsize estimate MODEL --mode" in err and err.count("\n") == 1


def test_plan_keeps_clicks_suggestions_for_other_typos(capsys: pytest.CaptureFixture[str]) -> None:
    import llmsize.cli

    with pytest.raises(SystemExit):
        llmsize.cli.main(["plan", "Llama-3.1-8B", "--gpuu", "RTX-4090"])
    assert "Possible options: --gpu" in capsys.readouterr().err


def test_fit_qlora_names_the_4bit_base_it_sized() -> None:
    # `fit Phi-4 --mode qlora` said "Best that fits: bf16" beside 10.4 GiB of weights: 14.7B parameters
    # in NF4 (+ fp32 embeddings/head), not the 27 GiB a bf16 base would take.
    import json

    from typer.testing import CliRunner

    from llmsize.cli import app

    argv = ["fit", "Phi-4", "--gpu", "RTX-4090", "--format", "json", "--mode"]
    out = CliRunner().invoke(app, [*argv, "qlora"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["best"] == doc["options"][0]["precision"] == "bnb-nf4 4-bit"
    lora = CliRunner().invoke(app, [*argv, "lora"])
    assert json.loads(lora.stdout)["options"][0]["precision"] == "bf16"
    assert doc["options"][0]["weights_bytes"] < json.loads(lora.stdout)["options"][0]["weights_bytes"] / 2


def test_training_breakdown_follows_a_split_row() -> None:
    # 70B QLoRA: no replica fits one 24 GB card, so the row splits the layers (device_map="auto"
    # stages); the breakdown said 59 GiB per GPU beside a row of 34.
    import json

    from typer.testing import CliRunner

    from llmsize.cli import app

    out = CliRunner().invoke(app, ["estimate", "Llama-3.1-70B", "--mode", "qlora", "--gpu", "RTX-4090",
                                   "--num-gpus", "4", "--format", "json"])
    doc = json.loads(out.stdout)
    row = doc["gpus"][0]
    assert (row["tp"], row["pp"], row["dp"]) == (doc["workload"]["tp"], doc["workload"]["pp"], 1)
    assert row["pp"] * row["tp"] == 4
    assert row["per_gpu_bytes"] == doc["memory"]["total"]
