"""MLA prompts in llama.cpp's latent form (estimate/engines/llama_cpp_mla.py): FLOPs, and who runs it."""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.attention_flops import attention_flops_prefill, attention_pair_count
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.specs.resolve import resolve


def test_latent_form_counts_the_latent_widths() -> None:
    # DeepSeek-V2-Lite (config.json): 27 layers, 16 heads, qk_nope 128 + rope 64, v_head 128, kv_lora 512.
    spec = resolve("DeepSeek-V2-Lite")
    pairs = attention_pair_count(512, None)
    assert attention_flops_prefill(spec, 512) == pytest.approx(27 * pairs * 2 * 16 * (192 + 128))
    assert attention_flops_prefill(spec, 512, absorbed_mla=True) == pytest.approx(
        27 * pairs * 2 * 16 * (512 + 64 + 512))


def test_absorbed_flag_is_ignored_without_mla() -> None:
    spec = resolve("Llama-2-7b")
    assert attention_flops_prefill(spec, 1024, absorbed_mla=True) == attention_flops_prefill(spec, 1024)


def _inputs(model: str, engine: str):  # type: ignore[no-untyped-def]
    spec = resolve(model)
    wl = Workload.model_validate({"engine": engine, "context": 2048, "prompt_tokens": 1024})
    return speed_inputs(spec, wl, estimate(spec, wl), Layout())


@pytest.mark.parametrize(("engine", "absorbed"), [("llama.cpp", True), ("vllm", False), ("sglang", False),
                                                  ("ollama", False)])
def test_which_engines_prefill_in_the_latent_form(engine: str, absorbed: bool) -> None:
    inputs = _inputs("DeepSeek-V2-Lite", engine)
    assert inputs.mla_absorbed_prefill is absorbed
    ratio = inputs.attention_flops_prefill / attention_flops_prefill(resolve("DeepSeek-V2-Lite"), 1024)
    assert ratio == pytest.approx(1088 / 320 if absorbed else 1.0)


def test_dense_models_are_unchanged_on_llama_cpp() -> None:
    assert not _inputs("Llama-2-7b", "llama.cpp").mla_absorbed_prefill
