"""One 80 GB A100 under Ollama 0.11.8 (or 0.11.9), 2025-09-04, chigkim/prompt-test over the OpenAI-compatible
endpoint (TTFT: the first streamed event; tokens: the response's usage, i.e. Ollama's own counts):
https://github.com/gparemsky/48gb4090/blob/f42049f92e50c423ce25b3c2f3140cea36b9e420/ML_WORKLOADS/a100_tests/benchmark_comparison_20250904_105257.md

The same card ran a dense model where llmsize puts it and gpt-oss:120b at ~1/2.1 of llmsize's decode
and prompt rates (1/3.5 before gpt-oss was sized and priced as the GGUF Ollama converts, with llama.cpp's
MoE tile widths; ollamagptoss and mmqtile passes). Ollama 0.11.8's own placement keeps every gpt-oss block
on the card and no part of its engine read so far explains the gap (docs/validation-speed.md FINDINGS, the
rows' notes in bench/speed_tables.yaml), so the gpt-oss rows stay held out and the gap is pinned here as a
strict xfail.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.fit_models import FitRow
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Planner
from llmsize.specs.resolve import resolve


def _row(model: str, context: int, prompt_tokens: int) -> FitRow:
    wl = Workload.model_validate({"engine": "ollama", "engine_version": "0.11.8", "context": context,
                                  "prompt_tokens": prompt_tokens})
    return Planner(resolve(model), wl, estimate).plan(get_gpu("A100-SXM-80GB"), 1)


def test_dense_mistral_small_on_the_same_a100() -> None:
    # The report's 'A100-24GB | mistral-small3.2:latest' lines (the harness's 24 GB model class on the same
    # 80 GB card): 469-token prompt, TG 55.96 t/s; 1846-token prompt, PP 1501.36 t/s (num_ctx 4096).
    decode = _row("mistral-small3.2:latest", 4096, 469)
    prompt = _row("mistral-small3.2:latest", 4096, 1846)
    assert decode.fits is True
    assert decode.decode_tokens_per_s == pytest.approx(55.96, rel=0.15)
    assert prompt.prefill_tokens_per_s == pytest.approx(1501.36, rel=0.15)


def test_ollama_0_11_8_keeps_gpt_oss_120b_on_the_card_with_flash_attention() -> None:
    # llm/memory.go EstimateGPULayers with fs/ggml/ggml.go GraphSize's gptoss case (122 MiB at num_ctx 8192)
    # beside 59.7 GiB of weights: every block on the 80 GB card, no host-memory bound; flash attention on
    # (85ccf7354, v0.11.8), so the prompt writes no score matrix.
    row = _row("gpt-oss:120b", 8192, 1832)
    assert row.fits is True
    assert row.gpu_layers == row.total_layers
    assert row.decode_bound != "host memory"
    assert not any("flash attention off" in note for note in row.speed_notes)


GAP = ("the run decodes at ~1/2.1 of the modelled step (~10 ms a token more) and prompts at ~1/2 too; "
       "Ollama 0.11.8's engine as read keeps every layer on the card and does not explain it")


@pytest.mark.xfail(strict=True, reason=GAP)
def test_gpt_oss_120b_decode_and_prompt_on_the_a100() -> None:
    # 'A100-80GB | gpt-oss:120b | 525 | 474.99 | 1.11 | 1594 | 53.72' and
    # 'A100-80GB | gpt-oss:120b | 1832 | 466.71 | 3.93 | 2000 | 52.83'.
    short, long = _row("gpt-oss:120b", 8192, 525), _row("gpt-oss:120b", 8192, 1832)
    assert short.decode_tokens_per_s == pytest.approx(53.72, rel=0.5)
    assert long.prefill_tokens_per_s == pytest.approx(466.71, rel=0.5)
