"""The sixteenth hostile round (issue 15): the options, lists and config keys that landed after b9b56f9c.

Found and fixed:
- `fit --engine sglang --max-num-batched-tokens 1099511627776` (SGLang's chunked_prefill_size 2^40) listed
  every prefill CUDA-graph bucket up to the chunk (two billion ints: 23 GB and no answer); the buckets
  are counted as range lengths now (sglang_rules.prefill_graph_buckets);
- `fit Qwen2.5-0.5B --gpu MI325X --engine sglang --batch 50000 --context 64 --prompt-tokens 32
  --max-num-batched-tokens 1 --mem-fraction-static 0.5` took 3.9 s, and longer the larger the wave: the
  wave's 50,000 one-request prefill batches were priced one by one and held as 50,000 entries; a wave is
  runs of equal batches now (sglang_prefill_admission.wave_runs, hardware/speed_wave.py: closed form).
The long run over every input is bench/fuzz_round16.py; this file runs a seeded sample.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from test_hostile_inputs import (
    assert_answered,
    offline,  # noqa: F401  (a fixture: pytest finds it by name)
    run_cli,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import hostile_round16 as r16
from llmsize.estimate.engines.sglang_prefill_admission import wave_batches, wave_runs
from llmsize.estimate.engines.sglang_rules import prefill_graph_buckets
from llmsize.hardware.speed_wave import wave_mean_ttft_s

pytestmark = pytest.mark.usefixtures("offline")


# --- the breaks found


def test_a_chunk_of_2_pow_40_tokens_is_answered(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["fit", r16.MODEL, "--gpu", "MI325X", "--engine", "sglang", "--context", "64",
            "--max-num-batched-tokens", str(2**40), "--mem-fraction-static", "0.5"]  # fmt: skip
    code, err = assert_answered(argv, capsys)
    assert code in (0, 3), err


def test_prefill_graph_buckets_follow_sglangs_list() -> None:
    """cuda_graph_hook.py generate_prefill_cuda_graph_batch_sizes: 4..32 by 4 (8), 48..256 by 16 (14),
    288..512 by 32 (8), 576..1024 by 64 (8), 1280..4096 by 256 (12), then by 512 from 4608."""
    assert prefill_graph_buckets(3) == 0
    assert prefill_graph_buckets(32) == 8
    assert prefill_graph_buckets(4096) == 8 + 14 + 8 + 8 + 12
    assert prefill_graph_buckets(8192) == 50 + len(range(4608, 8193, 512))
    assert prefill_graph_buckets(2**40) == 50 + (2**40 - 4608) // 512 + 1


def test_a_wave_of_50000_one_request_batches_is_two_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert wave_runs(50_000, 32, budget=1) == ((1, 50_000),)
    assert wave_runs(64, 1000) == ((17, 3), (13, 1)) and wave_batches(64, 1000) == (17, 17, 17, 13)
    argv = ["fit", r16.MODEL, "--gpu", "MI325X", "--engine", "sglang", "--batch", "50000", "--context",
            "64", "--prompt-tokens", "32", "--max-num-batched-tokens", "1", "--mem-fraction-static",
            "0.5"]  # fmt: skip
    code, out, err = run_cli(argv, capsys)
    assert code == 0, err
    assert "in 50,000 batches of at most 1" in " ".join(out.split()), out


def test_the_closed_form_wave_equals_the_batch_by_batch_sum() -> None:
    """Runs of equal batches summed in closed form give the request-weighted mean of the batches' ends."""
    step = {17: 0.3, 13: 0.25, 1: 0.01, 5: 0.07}

    def by_batch(batches: tuple[int, ...]) -> float:
        done = waited = 0.0
        for n in batches:
            done += step[n]
            waited += n * done
        return waited / sum(batches)

    for runs in (((17, 3), (13, 1)), ((1, 1000),), ((5, 12), (1, 1))):
        batches = tuple(n for n, k in runs for _ in range(k))
        assert wave_mean_ttft_s(runs, step.__getitem__) == pytest.approx(by_batch(batches))


# --- a seeded sample of the round's inputs (the whole run: bench/fuzz_round16.py)


@pytest.mark.parametrize("step", ["waves", "options", "gpus", "check"])
def test_round16_sample(step: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in r16.sample(list(r16.STEPS[step](tmp_path)), 12):
        assert_answered(argv, capsys)


def test_training_kernel_keys_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in r16.sample(list(r16.training_cases(tmp_path)), 15):
        assert_answered(argv, capsys)


def test_model_lists_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = [argv for argv in r16.list_cases(tmp_path) if "--all" not in argv]  # fit --all: slow by design
    for argv in r16.sample(cases, 12):
        assert_answered(argv, capsys)


def test_an_existing_output_is_not_overwritten(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "exists.json"
    target.write_text("{}")
    code, err = assert_answered(["compare", "Qwen2.5-0.5B,Llama-3.1-8B", "--gpu", "T4", "-o", str(target)],
                                capsys)  # fmt: skip
    assert code == 2 and target.read_text() == "{}", err


def test_dcp_with_a_searched_layout_plans_tp_it_divides(capsys: pytest.CaptureFixture[str]) -> None:
    """`fit --num-gpus auto -dcp 4` was refused ('does not divide --tp 1': the search's first try); vLLM
    takes -dcp only as a divisor of TP (config/parallel.py), so the search keeps TP 4 and up."""
    for argv in (["fit", "Llama-3.1-70B", "--gpu", "L4", "--num-gpus", "auto", "--engine", "vllm",
                  "--decode-context-parallel-size", "4"],
                 ["compare", "Llama-3.1-70B,Llama-3.1-8B", "--gpu", "L4", "--num-gpus", "auto", "--engine",
                  "vllm", "--decode-context-parallel-size", "4"]):  # fmt: skip
        code, out, err = run_cli(argv, capsys)
        assert code == 0, err
        tps = [int(tp) for tp in re.findall(r"\(TP(\d+)", out)]
        assert tps and all(tp % 4 == 0 for tp in tps), (tps, out)
    code, err = assert_answered(["estimate", "Llama-3.1-8B", "--engine", "vllm", "--tp", "2",
                                 "--decode-context-parallel-size", "4"], capsys)  # fmt: skip
    assert code == 2 and "does not divide" in err, err


def test_dcp_no_tp_degree_of_the_heads_takes_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """Qwen2.5-0.5B's 14 heads allow TP 1 and 2; -dcp 4 divides neither: said so, not 'does not divide
    --tp 1' of a --tp no one gave."""
    code, err = assert_answered(["compare", "Qwen2.5-0.5B", "--gpu", "L4", "--num-gpus", "auto", "--engine",
                                 "vllm", "--decode-context-parallel-size", "4"], capsys)  # fmt: skip
    assert code == 2 and "no TP degree of Qwen2.5-0.5B (1, 2" in err, err


def test_a_config_value_does_not_reach_the_terminal_raw(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`attn_implementation: "\\x1b[2J..."` was echoed raw on check's 'read but not modelled' line (the
    terminal obeyed it); every line of check's text is shown with its control characters escaped."""
    path = tmp_path / "t.yaml"
    hostile = "\x1b[2Jx\u202e"
    doc = {**r16.KERNEL_BASES["trl"], "attn_implementation": hostile, "flash_attn": hostile,
           "liger_rms_norm": 1}
    path.write_text(r16._yaml(doc), encoding="utf-8")
    for argv in (["check", "--gpu", "H100", str(path)],
                 ["check", "--gpu", "H100", "--", "vllm", "serve", "Qwen/Qwen2.5-0.5B",
                  "--\x1b[2Jx"]):  # fmt: skip
        code, out, err = run_cli(argv, capsys)
        assert code in (0, 2, 3), err
        assert "\\x1b[2Jx" in out and all(line.isprintable() for line in (out + err).splitlines()), out + err
