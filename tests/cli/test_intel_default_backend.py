"""`--backend auto` on an Intel GPU prices ggml's Vulkan backend (engines/llama_cpp_intel_backend.py).

Ollama runs Intel GPUs only through Vulkan (ollama docs/gpu.mdx "Vulkan GPU Support"; opt-in from v0.12.11,
PR #12931; on by default from v0.30.0), and llama.cpp's Vulkan release build is the one that runs with the
driver alone (docs/backend/SYCL.md: the Ubuntu SYCL packages need the matching oneAPI installed). Other
vendors keep their own backend (CUDA, ROCm, Metal).
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from llmsize.cli import app


def _fit(model: str, gpu: str, engine: str, *extra: str) -> dict:
    result = CliRunner().invoke(app, ["fit", model, "--gpu", gpu, "--engine", engine, "--quant", "Q4_K_M",
                                      "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    option = json.loads(result.stdout)["options"][0]
    assert option["fits"], option
    return option


def test_llama_cpp_on_an_arc_pro_b70_is_priced_on_vulkan_and_says_so() -> None:
    auto = _fit("Qwen3.5-9B", "Arc-Pro-B70", "llama.cpp")
    assert auto["speed_constants"]["engine"] == "llama.cpp-vulkan"
    notes = " ".join(auto["speed_notes"])
    assert "Vulkan backend" in notes and "--backend sycl" in notes
    assert "ggml-cuda" not in notes  # no longer priced on CUDA's int8 MMQ kernels
    # auto is --backend vulkan there: the same speed and the same memory.
    vulkan = _fit("Qwen3.5-9B", "Arc-Pro-B70", "llama.cpp", "--backend", "vulkan")
    for key in ("per_gpu_bytes", "decode_tokens_per_s", "prefill_tokens_per_s"):
        assert auto[key] == vulkan[key], key


def test_an_explicit_sycl_backend_still_wins_on_intel() -> None:
    sycl = _fit("Qwen3.5-9B", "Arc-Pro-B70", "llama.cpp", "--backend", "sycl")
    auto = _fit("Qwen3.5-9B", "Arc-Pro-B70", "llama.cpp")
    assert sycl["speed_constants"]["engine"] == "llama.cpp-sycl"
    # The backend is a speed choice: the memory is the same.
    assert sycl["per_gpu_bytes"] == auto["per_gpu_bytes"]
    assert sycl["prefill_tokens_per_s"] != auto["prefill_tokens_per_s"]


def test_ollama_on_an_arc_b580_runs_vulkan() -> None:
    option = _fit("Qwen2-1.5B", "Arc-B580", "ollama")
    assert option["speed_constants"]["engine"].startswith("llama.cpp-vulkan")


def test_other_vendors_keep_their_own_backend() -> None:
    for gpu in ("RTX-3090", "MI300X", "M2-Max-96GB"):
        engine = _fit("Qwen2-1.5B", gpu, "llama.cpp")["speed_constants"]["engine"]
        assert "vulkan" not in engine and "sycl" not in engine, (gpu, engine)


def test_the_engine_log_names_the_vulkan_buffers_on_an_intel_gpu() -> None:
    # ggml-vulkan's buffer types print "Vulkan0" / "Vulkan_Host" (published Vulkan logs in
    # tests/golden/engine_logs.yaml: "NVIDIA GeForce RTX 3090 (Vulkan0)"); the log said CUDA0 on an Arc card
    from typer.testing import CliRunner

    from llmsize.cli import app

    out = CliRunner().invoke(app, ["estimate", "Qwen3.5-9B", "--gpu", "Arc-Pro-B70", "--engine", "llama.cpp"])
    assert out.exit_code == 0, out.output
    assert "Vulkan0 model buffer size" in out.stdout and "Vulkan_Host compute buffer size" in out.stdout
    assert "CUDA0" not in out.stdout and "CUDA_Host" not in out.stdout


def test_every_ollama_release_with_a_vulkan_runner_is_priced_on_vulkan_on_intel() -> None:
    # Before v0.30 an --engine-version picked Ollama's own-runner profile (CUDA kernels of its vendored
    # copy: ollama.speed_name) and dropped the Vulkan backend `auto` resolved to: 0.20.1 quoted a B580
    # prompt rate 7.6x the current release's. Every release from v0.12.11 ships the Vulkan runner
    # (ollama envconfig EnableVulkan, PR #12931), which runs ggml-vulkan's shaders whatever the release.
    current = _fit("Qwen3-0.6B", "Arc-B580", "ollama")
    for release in ("0.12.11", "0.20.1", "0.30.0"):
        option = _fit("Qwen3-0.6B", "Arc-B580", "ollama", "--engine-version", release)
        assert option["speed_constants"]["engine"] == "llama.cpp-vulkan", release
        assert option["prefill_tokens_per_s"] == current["prefill_tokens_per_s"], release
        notes = " ".join(option["speed_notes"])
        assert "Vulkan backend" in notes and "SYCL (llama.cpp only) or Vulkan" not in notes, release


def test_an_ollama_release_without_a_vulkan_runner_says_so_on_intel() -> None:
    # v0.12.10 has no Vulkan runner (its envconfig has no OLLAMA_VULKAN): the report says the Intel GPU
    # goes unused and the quoted (Vulkan) speed needs v0.12.11+, rather than pricing CUDA kernels.
    result = CliRunner().invoke(app, ["estimate", "Qwen3-0.6B", "--gpu", "Arc-B580", "--engine", "ollama",
                                      "--engine-version", "0.12.10", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["gpus"][0]["speed_constants"]["engine"] == "llama.cpp-vulkan"
    assert "has no Vulkan runner (added in v0.12.11)" in result.stdout
