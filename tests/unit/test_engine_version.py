"""--engine-version: older llama.cpp builds and Ollama releases size a few buffers differently.

llama.cpp before ggml-org/llama.cpp#23764 reserved the flash-attention KQ mask in f32 and its f16 cast
(src/llama-graph.cpp build_attn_inp_kv), and before #23861 (b9464) a logits row for every ubatch
token; Ollama before v0.30 logged its own estimate (fs/ggml/ggml.go GraphSize), whose gemma3 sliding
layers hold numParallel x window + batch cells.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import llmsize.cli
from llmsize.estimate.core import estimate
from llmsize.estimate.engines.llama_cpp import F16_MASK_BUILD, OUTPUT_CAP_BUILD, LlamaCpp
from llmsize.estimate.engines.ollama import Ollama
from llmsize.estimate.workload import Engine, FlashAttn, Workload
from llmsize.specs.resolve import resolve

KIB = 1024


def _llama(build: str | None, fa: FlashAttn = FlashAttn.ON) -> LlamaCpp:
    return LlamaCpp(Workload(engine=Engine.LLAMA_CPP, flash_attn=fa, engine_version=build))


@given(st.integers(min_value=1, max_value=999_999))
def test_the_mask_is_f16_from_the_build_that_has_it_and_f32_plus_f16_before(build: int) -> None:
    expected = 2 if build >= F16_MASK_BUILD else 4 + 2
    assert _llama(f"b{build}").mask_element_bytes() == expected
    assert _llama(str(build), FlashAttn.OFF).mask_element_bytes() == 4  # no flash attention: the f32 mask


def test_the_modelled_build_keeps_one_row_of_logits_per_slot_and_older_builds_every_row() -> None:
    spec = resolve("Qwen3.5-9B")
    assert _llama(None).logit_rows(spec) == 1
    assert _llama(f"b{OUTPUT_CAP_BUILD - 1}").logit_rows(spec) is None
    assert _llama(f"b{OUTPUT_CAP_BUILD}").logit_rows(spec) == 1


def test_an_old_build_holds_both_masks_at_a_long_context() -> None:
    # 262,144 cells x 512 rows: the f16 mask alone is 256 MiB, with the f32 one 768 MiB, live in every
    # attention and feed-forward stage before the last attention layer (ggml-org/llama.cpp#23764).
    spec = resolve("Qwen3.5-9B")

    def compute(build: str | None) -> int:
        wl = Workload(
            engine=Engine.LLAMA_CPP, quant="Q4_K_M", context=131_072, batch=2, kv_dtype="q8_0",
            flash_attn=FlashAttn.ON, engine_version=build,
        )  # fmt: skip
        figures = estimate(spec, wl).engine_figures
        assert figures is not None
        return figures.compute_buffer_bytes

    mask_f32 = 262_144 * 512 * 4
    assert compute("b8571") >= mask_f32 + 262_144 * 512 * 2
    assert compute("b8571") - compute(None) >= mask_f32 // 2  # more than the logits rows it also keeps


def _ollama_kv(version: str | None, batch: int) -> int:
    wl = Workload(engine=Engine.OLLAMA, quant="Q4_K_M", context=4096, batch=batch, engine_version=version)
    return estimate(resolve("gemma-3-12b"), wl).kv_cache_bytes


@pytest.mark.parametrize("batch", [1, 2, 4])
def test_ollamas_old_estimate_gives_gemma3_sliding_layers_parallel_windows_and_one_batch(batch: int) -> None:
    # gemma-3-12b: 8 full layers, 40 sliding (window 1,024), 8 KV heads x 256 x K+V x f16 = 8 KiB a cell.
    cell = 8 * KIB
    old = 8 * 4096 * batch * cell + 40 * min(4096 * batch, batch * 1024 + 512) * cell
    assert _ollama_kv("0.9.5", batch) == old
    # llama-server (v0.30 and later) pads a window + ubatch in every slot's stream instead.
    assert _ollama_kv(None, batch) == 8 * 4096 * batch * cell + 40 * batch * 1536 * cell


def test_before_v030_only_the_own_engine_architectures_keep_windows() -> None:
    # gemma2 ran on llama.cpp's runner: its estimate gave every layer the whole context.
    spec = resolve("gemma-2-9b")
    assert (
        Ollama(Workload(engine=Engine.OLLAMA, engine_version="0.11.4")).keeps_windows("fp16", spec) is False
    )
    assert Ollama(Workload(engine=Engine.OLLAMA, engine_version="0.33")).keeps_windows("fp16", spec) is True
    gemma = resolve("gemma-3-12b")
    assert (
        Ollama(Workload(engine=Engine.OLLAMA, engine_version="0.11.4")).keeps_windows("fp16", gemma) is True
    )


@pytest.mark.parametrize("batch", [1, 2, 3])
def test_ollamas_own_gpt_oss_cache_keeps_4096_positions_a_sequence_in_its_sliding_layers(batch: int) -> None:
    # ollama v0.11.4 fs/ggml/ggml.go GraphSize case "gptoss": even layers numParallel x 4096 + batch, not
    # the 128-token window (model/models/gptoss/model.go NewSWAMemCache(window, 4096)); odd layers the
    # whole context. gpt-oss-20b: 12 + 12 layers, 8 KV heads x 64 x K+V x f16 = 2 KiB a cell.
    spec = resolve("gpt-oss-20b")
    cell = 2 * KIB

    def kv(version: str | None) -> int:
        wl = Workload(engine=Engine.OLLAMA, context=16384, batch=batch, engine_version=version)
        return estimate(spec, wl).kv_cache_bytes

    assert kv("0.11.4") == 12 * 16384 * batch * cell + 12 * (4096 * batch + 512) * cell
    eng = Ollama(Workload(engine=Engine.OLLAMA, engine_version="0.11.4"))
    assert eng.memory_window(spec, 128) == 4096
    assert eng.memory_window(resolve("gemma-3-12b"), 1024) == 1024
    # From v0.30 llama-server keeps the 128-token window (+ ubatch) and the old rule is gone.
    assert Ollama(Workload(engine=Engine.OLLAMA, engine_version="0.30.2")).memory_window(spec, 128) == 128
    assert kv("0.30.2") < kv("0.11.4")


@pytest.mark.parametrize(
    "args",
    [
        ["Llama-3.1-8B", "--engine", "llama.cpp", "--engine-version", "banana"],
        ["Llama-3.1-8B", "--engine", "llama.cpp", "--engine-version", "b-1"],
        ["Llama-3.1-8B", "--engine", "ollama", "--engine-version", "0.x"],
        ["Llama-3.1-8B", "--engine", "ollama", "--engine-version", "1.2.3.4"],
        ["Llama-3.1-8B", "--engine", "vllm", "--engine-version", "eleven"],
        ["Llama-3.1-8B", "--engine", "sglang", "--engine-version", "zero.five"],
        ["Llama-3.1-8B", "--engine", "transformers", "--engine-version", "4.2"],
        ["Llama-3.1-8B", "--engine", "transformers", "--engine-version", "four"],
    ],
)
def test_a_bad_engine_version_is_one_line_and_exit_2(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as ex:
        llmsize.cli.main(["estimate", *args])
    assert ex.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "--engine-version" in err and "Traceback" not in err


def test_ollamas_first_gemma3_estimates_gave_every_layer_the_whole_context() -> None:
    # v0.6.0-v0.6.2 (GraphSize before gemma3GlobalCacheCount, v0.6.3): 48 layers x 2,048 cells.
    wl = Workload(engine=Engine.OLLAMA, quant="Q4_K_M", context=2048, engine_version="0.6.2")
    assert estimate(resolve("gemma-3-12b"), wl).kv_cache_bytes == 48 * 2048 * 8 * KIB
