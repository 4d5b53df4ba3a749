"""Flash attention when --flash-attn is not given, by llama.cpp build and Ollama release
(estimate/engines/llama_cpp_fa_default.py, estimate/engines/ollama_flash.py served_flash).

llama.cpp before PR #15434 (merged 2025-08-30): `-fa` an off-by-default switch; from it `auto`.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from llmsize.cli import app
from llmsize.errors import BadInputError
from llmsize.estimate.engines import engine_for
from llmsize.estimate.engines.llama_cpp import LlamaCpp
from llmsize.estimate.engines.llama_cpp_fa_default import AUTO_DEFAULT_BUILD, default_flash_attention
from llmsize.estimate.engines.ollama_flash import default_flash_attention as default_ollama
from llmsize.estimate.engines.ollama_flash import served_flash
from llmsize.estimate.workload import FlashAttn, Workload
from llmsize.specs.resolve import resolve


def _engine(build: int | None, fa: FlashAttn = FlashAttn.AUTO) -> LlamaCpp:
    version = None if build is None else f"b{build}"
    eng = engine_for(Workload(engine="llama.cpp", engine_version=version, flash_attn=fa, context=4096))
    assert isinstance(eng, LlamaCpp)
    return eng


def test_the_default_switches_at_pr_15434() -> None:
    assert not default_flash_attention(AUTO_DEFAULT_BUILD - 1)
    assert default_flash_attention(AUTO_DEFAULT_BUILD)
    assert default_flash_attention(None)  # the build modelled
    # b6202 printed flash_attn = 0 without -fa (intel/AI-Playground#325); b6327 had flash_attn_type
    assert not default_flash_attention(6202)
    assert default_flash_attention(6327)


@given(st.one_of(st.none(), st.integers(1, 20000)))
def test_unset_follows_the_build_and_a_given_setting_wins(build: int | None) -> None:
    assert _engine(build).flash_attention() is default_flash_attention(build)
    assert _engine(build, FlashAttn.ON).flash_attention() is True
    assert _engine(build, FlashAttn.OFF).flash_attention() is False


def test_an_old_build_writes_its_prompt_scores_to_memory_unless_fa_is_given() -> None:
    spec = resolve("Llama-3.1-8B")
    old, new = _engine(5000), _engine(7000)
    off = _engine(5000, FlashAttn.OFF)
    assert old.prefill_score_bytes(spec, 4096) == off.prefill_score_bytes(spec, 4096) > 0
    assert new.prefill_score_bytes(spec, 4096) == 0
    assert _engine(5000, FlashAttn.ON).prefill_score_bytes(spec, 4096) == 0
    assert old.decode_kv_read_factor(spec) == off.decode_kv_read_factor(spec) > 0


def _estimate(*extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    args = ["estimate", "Llama-3.1-8B", "--engine", "llama.cpp", "--quant", "Q4_K_M", "--context", "8100",
            "--gpu", "RTX-4090", *extra, "--format", "json"]
    result = CliRunner().invoke(app, args)
    return result.exit_code, (json.loads(result.output) if result.exit_code == 0 else {"out": result.output})


def test_an_old_build_sizes_the_compute_buffer_and_cells_as_with_fa_off() -> None:
    code, unset = _estimate("--engine-version", "b5000")
    code_off, off = _estimate("--engine-version", "b5000", "--flash-attn", "off")
    code_on, on = _estimate("--engine-version", "b5000", "--flash-attn", "on")
    assert code == code_off == code_on == 0
    assert unset["memory"] == off["memory"] != on["memory"]
    assert unset["memory"]["kv_cache"] < on["memory"]["kv_cache"]  # 8100 -> 8128 cells (32), not 8192


def test_an_old_build_refuses_a_quantized_v_cache_without_fa_as_llama_cpp_did() -> None:
    # REFERENCE: llama_init_from_model "V cache quantization requires flash_attn" (both eras)
    spec = resolve("Llama-3.1-8B")
    wl = Workload(engine="llama.cpp", engine_version="b5000", kv_dtype="q8_0", context=4096)
    with pytest.raises(BadInputError, match="predates --flash-attn auto"):
        engine_for(wl).validate(spec, wl)
    assert _estimate("--engine-version", "b5000", "--kv-dtype", "q8_0", "--flash-attn", "on")[0] == 0
    assert _estimate("--engine-version", "b7000", "--kv-dtype", "q8_0")[0] == 0


def test_ollama_turns_fa_off_and_drops_a_quantized_cache_where_its_release_default_is_off() -> None:
    asked = Workload(engine="ollama", kv_dtype="q8_0")
    served = served_flash(asked, (0, 9, 0), "llama")
    assert served.flash_attn is FlashAttn.OFF
    assert served.kv_dtype is None  # llm/server.go passes --kv-cache-type only with flash attention
    assert served_flash(asked, (0, 12, 4), "qwen3") == asked  # v0.12.4 lists qwen3
    assert served_flash(asked, (0, 12, 4), "llama").flash_attn is FlashAttn.OFF
    assert served_flash(asked, (0, 30, 0), "llama") == asked  # llama-server --flash-attn auto
    assert served_flash(asked, None, "llama") == asked
    given_on = asked.model_copy(update={"flash_attn": FlashAttn.ON})
    assert served_flash(given_on, (0, 9, 0), "llama") == given_on


def test_from_v0_13_4_the_llama_runner_is_auto_but_still_drops_a_quantized_cache() -> None:
    # ollama/ollama bd6c1d6b4 (#13052, v0.13.4): FlashAttentionAuto unless set; a quantized
    # OLLAMA_KV_CACHE_TYPE needs OLLAMA_FLASH_ATTENTION=1 ("must be enabled")
    asked = Workload(engine="ollama", kv_dtype="q8_0")
    assert not default_ollama((0, 13, 3), "llama")
    assert default_ollama((0, 13, 4), "llama") and default_ollama((0, 24, 0), "qwen2")
    served = served_flash(asked, (0, 20, 0), "llama")
    assert served.flash_attn is FlashAttn.AUTO and served.kv_dtype is None
    assert served_flash(asked, (0, 20, 0), "qwen3") == asked  # the Go engine, qwen3 listed: on, q8_0 kept
