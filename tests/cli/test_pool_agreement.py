"""Engines that pre-allocate their KV pool (vLLM, SGLang): the table, the fit row, the JSON and the
simulated engine log tell one story (issue 15, poolview)."""

from __future__ import annotations

import json
import re
from typing import Any

from typer.testing import CliRunner

from llmsize.cli import app
from llmsize.units import format_gib

runner = CliRunner()


def _run(*args: str) -> str:
    result = runner.invoke(app, [*args], env={"COLUMNS": "200"})
    assert result.exit_code in (0, 3), result.output
    return result.stdout


def _json(*args: str) -> dict[str, Any]:
    return json.loads(_run(*args, "--format", "json"))


SGLANG = ("estimate", "Qwen3-30B-A3B", "--engine", "sglang", "--gpu", "H100-SXM-80GB")


def test_sglang_headroom_is_the_pool_left_not_the_whole_card() -> None:
    """SGLang allocates max_total_num_tokens from mem_fraction_static at start (model_runner.py
    profile_max_num_token / init_memory_pool): the headroom is what the workload leaves of that pool."""
    doc = _json(*SGLANG)
    row, memory = doc["gpus"][0], doc["memory"]
    assert row["fits"]
    assert row["headroom_bytes"] == row["kv_pool_bytes"] - memory["kv_cache"]
    assert row["per_gpu_bytes"] + row["headroom_bytes"] == row["usable_bytes"]
    # the share is less than the card: memory outside it (activations, graphs) is not headroom
    assert row["usable_bytes"] < row["visible_memory_bytes"]
    assert row["headroom_bytes"] < row["visible_memory_bytes"] - memory["total"]


def test_sglang_pool_tokens_agree_between_log_json_and_text() -> None:
    doc = _json(*SGLANG)
    row = doc["gpus"][0]
    log = "\n".join(row["engine_log"])
    logged = int(re.search(r"max_total_num_tokens=(\d+)", log).group(1))  # type: ignore[union-attr]
    assert logged == row["kv_tokens"]
    text = _run(*SGLANG)
    assert f"pre-allocates a KV pool of {format_gib(row['kv_pool_bytes'])} a GPU ({logged:,} tokens)" in text


def test_vllm_kv_line_is_the_figure_the_log_prints_for_a_sliding_window_model() -> None:
    """gpt-oss's sliding layers reserve window - 1 + the batched tokens (+ 1 block) a request
    (SlidingWindowSpec.max_memory_usage_bytes), the figure vLLM's refusal prints."""
    args = ("estimate", "gpt-oss-120b", "--engine", "vllm", "--context", "131072", "--gpu", "H100-SXM-80GB")
    doc = _json(*args)
    log = "\n".join(doc["gpus"][0]["engine_log"])
    needed = re.search(r"\(([\d.]+) GiB KV cache is needed", log)
    assert needed is not None, log
    assert format_gib(doc["memory"]["kv_cache"]) == f"{needed.group(1)} GiB"


def test_vllm_levels_past_the_pool_show_negative_headroom() -> None:
    doc = _json("estimate", "Qwen3-8B", "--engine", "vllm", "--gpu", "L40S", "--concurrency", "1,8,64")
    rows = doc["gpus"]
    assert [r["fits"] for r in rows] == [True, True, False]
    assert rows[0]["per_gpu_bytes"] + rows[0]["headroom_bytes"] == rows[0]["usable_bytes"]
    assert rows[0]["headroom_bytes"] > rows[1]["headroom_bytes"] > 0 > rows[2]["headroom_bytes"]


def test_budget_note_is_printed_under_tensor_parallelism() -> None:
    text = _run("estimate", "Llama-3.1-8B-Instruct", "--engine", "vllm", "--gpu", "H100-SXM-80GB",
                "--num-gpus", "2", "--tp", "2")
    assert "counts against its budget" in text
    assert "each); Total above" in text


def test_concurrency_row_matches_batch_of_that_many() -> None:
    """A level's row counts what its sequences fill of the pool, as --batch LEVEL does: its per GPU
    and headroom add up to the engine's budget. Each level read the one-sequence need beside its own
    headroom ("57.3 | 5.5" at 8 sequences, "59.9 | 5.5" under --batch 8; issue 15, newuser13)."""
    for engine in ("sglang", "vllm"):
        base = ("estimate", "Qwen3-30B-A3B", "--engine", engine, "--gpu", "H100-SXM-80GB")
        rows = _json(*base, "--concurrency", "1,8")["gpus"]
        batch = _json(*base, "--batch", "8")["gpus"][0]
        assert (rows[1]["per_gpu_bytes"], rows[1]["headroom_bytes"]) == (batch["per_gpu_bytes"],
                                                                         batch["headroom_bytes"])
        assert rows[1]["per_gpu_bytes"] > rows[0]["per_gpu_bytes"]
        for row in rows:
            assert row["per_gpu_bytes"] + row["headroom_bytes"] == row["usable_bytes"]


def test_sglang_level_prefills_in_the_chunk_its_log_prints() -> None:
    """A level's speed takes the GPU's engine defaults, as --batch LEVEL and the simulated log do:
    4,096-token prompts go two to a batch under the chunked_prefill_size=8192 the log prints on an H100
    (sglang_rules.py, schedule_policy.py PrefillAdder). The level read SGLang's no-GPU chunk of 4,096:
    "8 batches of at most 1"."""
    doc = _json(*SGLANG, "--concurrency", "8")
    row = doc["gpus"][0]
    assert "chunked_prefill_size=8192" in "\n".join(row["engine_log"])
    assert any("in 4 batches of at most 2" in note for note in row["speed_notes"]), row["speed_notes"]
    batch = _json(*SGLANG, "--batch", "8")["gpus"][0]
    assert (row["ttft_s"], row["decode_tokens_per_s"]) == (batch["ttft_s"], batch["decode_tokens_per_s"])
