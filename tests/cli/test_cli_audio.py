"""`--audio-seconds S`: what S seconds of speech cost, in the JSON and the table; bad input -> exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hostile import assert_estimate_refused
from llmsize.cli import app

runner = CliRunner()


def _json(*args: str) -> dict[str, object]:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    doc: dict[str, object] = json.loads(result.stdout)
    return doc


def test_the_json_document_carries_the_audio_key() -> None:
    # Gemma 4 (processing_gemma4.py): 10 s -> 999 mel frames -> 500 -> 250 soft tokens + <boa>, <eoa>
    doc = _json("estimate", "gemma-4-E4B-it", "--audio-seconds", "10")
    audio = doc["audio"]
    assert isinstance(audio, dict)
    assert (audio["clips"], audio["tokens_per_clip"], audio["tokens"]) == (1, [250], 252)
    assert audio["tower_peak_bytes"] > 0
    assert doc["workload"]["audio_seconds"] == 10  # type: ignore[index]
    assert _json("estimate", "gemma-4-E4B-it")["audio"] == {}


@pytest.mark.parametrize("command", ["fit", "compare"])
def test_fit_and_compare_size_the_gpu_for_the_audio(command: str) -> None:
    def per_gpu(*more: str) -> int:
        doc = json.loads(
            runner.invoke(
                app, [command, "gemma-3n-E4B-it", "--gpu", "h100", *more, "--format", "json"]
            ).stdout
        )
        rows = doc["gpus"] if "gpus" in doc else doc["rows"]
        return int(rows[0]["per_gpu_bytes"])

    assert per_gpu("--audio-seconds", "60") > per_gpu()


def test_the_table_names_the_audio() -> None:
    result = runner.invoke(
        app, ["estimate", "gemma-3n-E4B-it", "--audio-seconds", "45"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    # 45 s: two clips (30 s + 15 s), 188 soft tokens each, 4 delimiters each
    assert "376 soft tokens + 8 delimiter tokens = 384 tokens" in result.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["Qwen2.5-7B", "--audio-seconds", "5"], "has no audio tower"),
        (["gemma-4-31B-it", "--audio-seconds", "5"], "has no audio tower"),
        (["gemma-4-E4B-it", "--audio-seconds", "-1"], "--audio-seconds -1"),
        (["gemma-4-E4B-it", "--audio-seconds", "nan"], "'--audio-seconds': 'nan' is not a number"),
        (["gemma-4-E4B-it", "--audio-seconds", "1e9"], "--audio-seconds"),
        (["gemma-4-E4B-it", "--audio-seconds", "0.001"], "shorter than one"),
    ],
)
def test_bad_audio_input_is_one_line_and_exit_2(
    args: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert_estimate_refused(args, says, lambda: capsys.readouterr().err)


def test_a_qwen2_audio_config_takes_audio(tmp_path: Path) -> None:
    # a Qwen2-Audio config.json (the encoder fields of Qwen2AudioEncoderConfig, a Qwen2 decoder):
    # 30 s -> 750 soft tokens + <|audio_bos|>, <|audio_eos|> (processing_qwen2_audio.py)
    config = {
        "model_type": "qwen2_audio",
        "audio_token_index": 151646,
        "audio_config": {
            "model_type": "qwen2_audio_encoder",
            "d_model": 1280,
            "encoder_layers": 32,
            "encoder_attention_heads": 20,
            "encoder_ffn_dim": 5120,
            "num_mel_bins": 128,
            "max_source_positions": 1500,
        },
        "text_config": {
            "model_type": "qwen2",
            "hidden_size": 4096,
            "intermediate_size": 11008,
            "num_hidden_layers": 32,
            "num_attention_heads": 32,
            "num_key_value_heads": 32,
            "vocab_size": 156032,
            "max_position_embeddings": 8192,
            "rms_norm_eps": 1e-05,
        },
    }
    (tmp_path / "config.json").write_text(json.dumps(config))
    doc = _json("estimate", str(tmp_path), "--audio-seconds", "30")
    audio = doc["audio"]
    assert isinstance(audio, dict)
    assert (audio["processor"], audio["tokens_per_clip"], audio["tokens"]) == ("whisper", [750], 752)
