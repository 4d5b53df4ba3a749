"""Golden: llama.cpp loads the --mmproj file (vision/audio tower + projector) once media are sent.

A vision-language GGUF holds the text model only; llama-server loads the tower from the separate
mmproj file (tools/mtmd clip.cpp, on the GPU unless --no-mmproj-offload). A run with --images,
--audio-seconds or --video-frames therefore holds those weights too, even though the images reach
the decoder as tokens (estimate/images.py decoder_workload clears the count; `mmproj` keeps the fact).

Published sizes:
- bartowski/google_gemma-3-4b-it-GGUF (llama.cpp b4877): mmproj-google_gemma-3-4b-it-f16.gguf 851 MB,
  its f32 twin 1.68 GB (https://huggingface.co/bartowski/google_gemma-3-4b-it-GGUF, file table, as
  mirrored at https://mygguf.com/models/bartowski_google_gemma-3-4b-it-GGUF).
- ggml-org/llama.cpp#13445: bartowski's mmproj-Qwen2.5-VL-7B-Instruct-f16.gguf, clip.cpp prints
  "load_hparams: model size: 1291.40 MiB" (https://github.com/ggml-org/llama.cpp/issues/13445).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from engine_log_rows import run_cli

MIB = 2**20


def _doc(*args: str) -> dict[str, Any]:
    code, out, err = run_cli(["estimate", *args, "--format", "json"])
    assert code in (0, 3), err
    doc: dict[str, Any] = json.loads(out)
    return doc


def test_gemma3_4b_images_load_the_published_mmproj() -> None:
    text = _doc("gemma-3-4b-it", "--engine", "llama.cpp", "--quant", "Q4_K_M", "--gpu", "RTX-4090")
    media = _doc(
        "gemma-3-4b-it", "--engine", "llama.cpp", "--quant", "Q4_K_M", "--gpu", "RTX-4090", "--images", "1"
    )
    mmproj = media["engine"]["mmproj_bytes"]
    # bartowski's mmproj-google_gemma-3-4b-it-f16.gguf: 851 MB (10^6 bytes, printed to the MB)
    assert mmproj == pytest.approx(851e6, abs=0.5e6)
    assert text["engine"]["mmproj_bytes"] == 0
    # the tower's weights join the weights and the GPU's share of them (clip.cpp: the GPU backend)
    assert media["memory"]["weights"] - text["memory"]["weights"] == mmproj
    assert media["gpus"][0]["device_weights_bytes"] - text["gpus"][0]["device_weights_bytes"] == mmproj
    assert any(line.startswith("load_hparams: model size:") for line in media["engine"]["lines"])
    # the text model's own buffer is unchanged: the mmproj is clip's buffer, not llama_model's
    buffer = [ln for ln in media["engine"]["lines"] if ln.startswith("CUDA0 model buffer")]
    assert buffer == [ln for ln in text["engine"]["lines"] if ln.startswith("CUDA0 model buffer")]


def test_qwen25_vl_7b_mmproj_matches_clip_line() -> None:
    doc = _doc("Qwen2.5-VL-7B-Instruct", "--engine", "llama.cpp", "--quant", "Q4_K_M", "--images", "1")
    # llama.cpp#13445: "load_hparams: model size: 1291.40 MiB" (mmproj f16)
    # F16 matrices and the F32 1-D tensors reproduce it to the printed 0.01 MiB
    assert doc["engine"]["mmproj_bytes"] / MIB == pytest.approx(1291.40, abs=0.01)


@pytest.mark.parametrize(
    ("model", "media"),
    [
        ("Qwen2.5-VL-7B-Instruct", ("--video-frames", "4")),
        ("gemma-3n-E4B-it", ("--audio-seconds", "10")),
        ("gemma-3-4b-it", ("--images", "2")),
    ],
)
def test_every_media_kind_loads_the_tower(model: str, media: tuple[str, ...]) -> None:
    base = ("--engine", "llama.cpp", "--quant", "Q4_K_M")
    text, with_media = _doc(model, *base), _doc(model, *base, *media)
    assert with_media["engine"]["mmproj_bytes"] > 0
    assert with_media["memory"]["weights"] == text["memory"]["weights"] + with_media["engine"]["mmproj_bytes"]


def test_ollama_counts_its_projector_with_or_without_images() -> None:
    # Ollama's library blob carries the projector and loads it with the model (its log: "6.8 GiB text
    # weights + 795.9 MiB projector" for gemma3:12b): images change no weight.
    text = _doc("gemma-3-4b-it", "--engine", "ollama")
    media = _doc("gemma-3-4b-it", "--engine", "ollama", "--images", "1")
    assert media["memory"]["weights"] == text["memory"]["weights"]
    assert (
        text["memory"]["weights"]
        > _doc("gemma-3-4b-it", "--engine", "llama.cpp", "--quant", "Q4_K_M")["memory"]["weights"]
    )


def test_the_workload_can_say_the_mmproj_is_loaded_without_media() -> None:
    # llama-server started with --mmproj serves text requests too: the tower is on the GPU all the same.
    from llmsize.estimate.core import estimate
    from llmsize.estimate.workload import Engine, Workload
    from llmsize.specs.resolve import resolve

    spec = resolve("gemma-3-4b-it")
    plain = Workload(engine=Engine.LLAMA_CPP, quant="Q4_K_M")
    loaded = Workload(engine=Engine.LLAMA_CPP, quant="Q4_K_M", mmproj=True)
    with_images = Workload(engine=Engine.LLAMA_CPP, quant="Q4_K_M", images=1)
    assert estimate(spec, loaded).weights_bytes == estimate(spec, with_images).weights_bytes
    assert estimate(spec, loaded).weights_bytes > estimate(spec, plain).weights_bytes


def test_check_reads_llama_server_mmproj_flags() -> None:
    # common/arg.cpp: --mmproj FILE loads the tower even for text requests; --no-mmproj refuses it.
    def weights(command: str) -> tuple[int, int]:
        code, out, err = run_cli(["check", command, "--gpu", "RTX-4090", "--format", "json"])
        assert code in (0, 3), err
        est = json.loads(out)  # the estimate document, with a `check` key
        return est["memory"]["weights"], est["engine"]["mmproj_bytes"]

    base = "llama-server -m gemma-3-4b-it-Q4_K_M.gguf -c 8192"
    text, none = weights(base)
    loaded, mmproj = weights(f"{base} --mmproj mmproj-gemma-3-4b-it-f16.gguf")
    assert none == 0 and mmproj > 0 and loaded == text + mmproj
    assert weights(f"{base} --mmproj m.gguf --no-mmproj") == (text, 0)


def test_check_hf_repo_loads_the_repository_mmproj() -> None:
    # common/arg.cpp -hf: "mmproj is also downloaded automatically if available. to disable, add --no-mmproj".
    def mmproj(command: str) -> int:
        code, out, err = run_cli(["check", command, "--gpu", "RTX-4090", "--format", "json"])
        assert code in (0, 3), err
        return int(json.loads(out)["engine"]["mmproj_bytes"])

    assert mmproj("llama-server -hf ggml-org/gemma-3-4b-it-GGUF -c 8192") > 0
    assert mmproj("llama-server -hf ggml-org/gemma-3-4b-it-GGUF -c 8192 --no-mmproj") == 0
    assert mmproj("llama-server -hf bartowski/Llama-3.2-3B-Instruct-GGUF -c 8192") == 0  # no tower, no file


def _vision_models() -> list[str]:
    from llmsize.specs import catalog

    return sorted(s.name for s in catalog.specs() if s.vision is not None and s.extra_params)


@pytest.mark.parametrize("model", _vision_models())
def test_every_catalog_vision_model_loads_at_least_its_tower_at_f16(model: str) -> None:
    # Invariant: images make llama.cpp load the mmproj, whose bytes are the tower's parameters at F16 or
    # more (F32 1-D tensors), all of them added to the weights; without media nothing is added.
    from llmsize.estimate.core import estimate
    from llmsize.estimate.workload import Engine, Workload
    from llmsize.specs.resolve import resolve

    spec = resolve(model)
    text = estimate(spec, Workload(engine=Engine.LLAMA_CPP, quant="Q4_K_M"), explained=False)
    media = estimate(spec, Workload(engine=Engine.LLAMA_CPP, quant="Q4_K_M", images=1), explained=False)
    assert text.engine_figures is not None and media.engine_figures is not None
    mmproj = media.engine_figures.mmproj_bytes
    assert text.engine_figures.mmproj_bytes == 0
    assert 2 * spec.extra_params <= mmproj <= 2.05 * 2 * spec.extra_params
    assert media.weights_bytes - text.weights_bytes == mmproj


def test_the_plain_command_runs_the_bf16_text_gguf_and_its_mmproj() -> None:
    # `llmsize estimate gemma-3-4b-it --engine llama.cpp --dtype bf16 --images 1`: the checkpoint as a BF16
    # GGUF of the text model (bartowski's gemma-3-4b-it-bf16.gguf: 7.77 GB) plus the mmproj (851 MB). Without
    # --dtype, llama.cpp sizes the Q4_K_M file `-hf` downloads (engines/llama_cpp_download.py).
    text = _doc("gemma-3-4b-it", "--engine", "llama.cpp", "--dtype", "bf16")
    media = _doc("gemma-3-4b-it", "--engine", "llama.cpp", "--dtype", "bf16", "--images", "1")
    # the file also holds its metadata (a 262,144-token vocabulary, some MB) and F32 norms: within 0.2%
    assert text["memory"]["weights"] == pytest.approx(7.77e9, rel=0.002)
    assert text["engine"]["mmproj_bytes"] == 0
    assert media["engine"]["mmproj_bytes"] == pytest.approx(851e6, abs=0.5e6)
    assert media["memory"]["weights"] - text["memory"]["weights"] == media["engine"]["mmproj_bytes"]


@pytest.mark.parametrize(
    ("model", "published", "rel"),
    [
        # tetherto/qvac#2780: unsloth/Qwen3.5-2B-GGUF's F16 mmproj, 668 MB (printed to the MB)
        ("Qwen3.5-2B", 668e6, 0.002),
        # tetherto/qvac#2432: the F16 mmproj of Gemma-4-E2B-it (vision and audio), 986 MB; the audio
        # tower's own F32 vectors are not counted (-0.3%)
        ("gemma-4-E2B-it", 986e6, 0.005),
        # unslothai/unsloth#5849: Qwen3.5-0.8B mmproj-BF16.gguf, 207,346,528 bytes; a BF16 file keeps the
        # patch embedding in F32 where llmsize's F16 file has it at F16 (-1.1%)
        ("Qwen3.5-0.8B", 207_346_528, 0.015),
    ],
)
def test_mmproj_file_sizes_as_published(model: str, published: float, rel: float) -> None:
    from llmsize.estimate.mmproj import mmproj_file_bytes
    from llmsize.specs.resolve import resolve

    assert mmproj_file_bytes(resolve(model)) == pytest.approx(published, rel=rel)
