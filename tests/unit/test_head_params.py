"""The weight FLOPs and bytes of a step: the embedding is a gather, the head runs on the logit rows.

Sizes from the models' config.json (vocab_size x hidden_size) and their published parameter totals:
Qwen2.5-0.5B 494,032,768 parameters, tied (huggingface.co/Qwen/Qwen2.5-0.5B: "Number of Parameters:
0.49B, Number of Paramaters (Non-Embedding): 0.36B"; vocab 151936, hidden 896); Llama-3.1-8B
8,030,261,248 parameters, untied (huggingface.co/meta-llama/Llama-3.1-8B safetensors total; vocab
128256, hidden 4096).
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import engine_for
from llmsize.estimate.engines.llama_cpp_logits import OUTPUT_ROWS_BUILD, head_on_every_prompt_token
from llmsize.estimate.workload import Workload
from llmsize.hardware.head_params import head_params, matmul_param_tokens, outside_params
from llmsize.hardware.read_share import read_fraction
from llmsize.hardware.speed import decode_matmul_params
from llmsize.hardware.speed_inputs import speed_inputs
from llmsize.specs.params import active_params
from llmsize.specs.resolve import resolve

QWEN_TOTAL, QWEN_TABLE = 494_032_768, 151_936 * 896
LLAMA_TOTAL, LLAMA_TABLE = 8_030_261_248, 128_256 * 4096


def test_tied_table_is_gathered_once_and_multiplied_as_the_head() -> None:
    spec = resolve("Qwen2.5-0.5B")
    assert active_params(spec) == QWEN_TOTAL
    assert outside_params(spec) == QWEN_TABLE
    assert head_params(spec) == QWEN_TABLE
    # A 512-token prompt keeping the last token's logits: the blocks on every token, the head once.
    body = QWEN_TOTAL - QWEN_TABLE
    assert body == 357_898_112  # the card's 0.36B non-embedding parameters
    assert matmul_param_tokens(QWEN_TOTAL, QWEN_TABLE, QWEN_TABLE, 512, 1) == body * 512 + QWEN_TABLE
    # Every prompt token's logits (transformers before 4.45): the old whole-model count.
    assert matmul_param_tokens(QWEN_TOTAL, QWEN_TABLE, QWEN_TABLE, 512, 512) == QWEN_TOTAL * 512


def test_untied_embedding_costs_no_flops_and_no_full_read() -> None:
    spec = resolve("Llama-3.1-8B")
    assert active_params(spec) == LLAMA_TOTAL
    assert outside_params(spec) == 2 * LLAMA_TABLE
    assert head_params(spec) == LLAMA_TABLE
    body = LLAMA_TOTAL - 2 * LLAMA_TABLE
    prompt = matmul_param_tokens(LLAMA_TOTAL, 2 * LLAMA_TABLE, LLAMA_TABLE, 2048, 1)
    assert prompt == body * 2048 + LLAMA_TABLE
    # Decode: every weight but the input table is read (a batch-1 step gathers one row of it).
    assert read_fraction(spec, 1) == pytest.approx(1 - LLAMA_TABLE / LLAMA_TOTAL, rel=1e-12)
    assert read_fraction(resolve("Qwen2.5-0.5B"), 1) == 1.0  # the tied table is read as the head


def test_speed_inputs_carry_the_split_and_decode_counts_the_head() -> None:
    spec = resolve("Qwen2.5-0.5B")
    wl = Workload(engine="vllm", context=4096, prompt_tokens=2048)
    inputs = speed_inputs(spec, wl, estimate(spec, wl))
    assert (inputs.head_params, inputs.outside_params) == (QWEN_TABLE, QWEN_TABLE)
    assert not inputs.prefill_logits_every_token
    assert decode_matmul_params(inputs) == QWEN_TOTAL  # blocks + the head's one row
    # Without the split (head = outside = 0) the counting is the whole model per token, as before.
    bare = inputs.model_copy(update={"head_params": 0, "outside_params": 0})
    assert decode_matmul_params(bare) == QWEN_TOTAL
    untied = resolve("Llama-3.1-8B")
    wl8 = Workload(engine="vllm", context=4096, prompt_tokens=2048)
    assert decode_matmul_params(speed_inputs(untied, wl8, estimate(untied, wl8))) == LLAMA_TOTAL - LLAMA_TABLE


def test_which_engines_run_the_head_on_every_prompt_token() -> None:
    def every(**kw: object) -> bool:
        return engine_for(Workload(context=4096, prompt_tokens=2048, **kw)).prefill_logits_every_token()

    assert not every(engine="vllm") and not every(engine="sglang") and not every(engine="llama.cpp")
    assert every(engine="transformers", engine_version="4.44.2")  # before num_logits_to_keep=1
    assert not every(engine="transformers", engine_version="4.45.0")
    assert not every(engine="transformers")  # the release modelled (5.x)
    assert every(engine="llama.cpp", engine_version=f"b{OUTPUT_ROWS_BUILD - 1}")
    assert not every(engine="llama.cpp", engine_version=f"b{OUTPUT_ROWS_BUILD}")
    assert head_on_every_prompt_token(2400) and not head_on_every_prompt_token(None)
