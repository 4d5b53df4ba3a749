"""Gemma 4 12B ("Unified") is sized from its own config, not a Llama shape scaled from the name.

Published facts, cited where used: the model card (https://huggingface.co/google/gemma-4-12B-it) gives
11.95B parameters, 48 layers, a 1,024-token sliding window and a 262K vocabulary; the text config
(hidden 3840, 16 / 8 heads at 256, full layers 1 KV head at 512 with K = V, MLP 15360, tied embeddings)
is transcribed in model_specs/gemma.yaml. Before the entry, `gemma-4-12B-it` resolved to an approximation
from its name (50 Llama layers, a 128,256-token untied vocabulary), so each decoded token read half of the
real output head: the 262,144 x 3,840 tied embedding, kept in BF16 by the AWQ and FP8 checkpoints vLLM runs
(heldout16-lotto3090-gemma-4-12b-it-* rows: +30..+41% at TP 1 before).
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.specs.resolve import resolve

HEAD = 262_144 * 3_840  # tied embedding = output head (model card: 262K vocabulary; hidden 3840)


def test_it_is_a_catalog_entry_with_the_cards_size() -> None:
    spec = resolve("gemma-4-12B-it")
    assert not spec.approximate
    wl = Workload.model_validate({"context": 4096})
    assert estimate(spec, wl).params == pytest.approx(11.95e9, rel=0.005)  # the card's 11.95B


def test_awq_decode_reads_the_bf16_head_every_token() -> None:
    spec = resolve("gemma-4-12B-it")
    wl = Workload.model_validate({"engine": "vllm", "quant": "awq", "context": 768, "prompt_tokens": 512})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout())
    assert inputs.head_params == HEAD
    assert inputs.num_layers == 48
    # 48 int4 layers (~10.9B parameters at ~4.25 bits) plus the 2-byte head: ~7.8 GB a token
    assert inputs.active_weight_bytes_per_gpu > 2 * HEAD + 5.5e9
