"""Golden: llama.cpp's two cache lines for a model mixing full and sliding-window layers.

src/llama-kv-cache-iswa.cpp builds a non-SWA cache of n_ctx cells and a SWA cache of
GGML_PAD(n_swa x n_seq_max + n_ubatch, 256) cells, and each logs its own "llama_kv_cache: size" line.
Published: ggml-org/llama.cpp#21730 (Gemma 4 E4B, 42 blocks whose last 18 reuse layer 22/23's cache,
-c 131072, f16): "llama_kv_cache: size = 2048.00 MiB (131072 cells,   4 layers,  1/1 seqs), K (f16):
1024.00 MiB, V (f16): 1024.00 MiB" then "llama_kv_cache_iswa: creating     SWA KV cache, size = 1024
cells" (https://github.com/ggml-org/llama.cpp/issues/21730).
"""

from __future__ import annotations

import json

from engine_log_rows import run_cli


def _log(*args: str) -> list[str]:
    code, out, err = run_cli(["estimate", *args, "--format", "json"])
    assert code in (0, 3), err
    lines: list[str] = json.loads(out)["gpus"][0]["engine_log"]
    return lines


def test_gemma4_e4b_prints_the_full_and_the_swa_cache() -> None:
    log = _log(
        "gemma-4-E4B-it",
        "--engine",
        "llama.cpp",
        "--quant",
        "Q4_K_M",
        "--context",
        "131072",
        "--gpu",
        "RTX-4090",
    )
    sizes = [ln for ln in log if ln.startswith("llama_kv_cache: size")]
    assert len(sizes) == 2
    assert "2048.00 MiB (131072 cells,   4 layers, 1/1 seqs)" in sizes[0]  # llama.cpp#21730, verbatim figures
    assert "llama_kv_cache_iswa: creating     SWA KV cache, size = 1024 cells" in log
    assert "(  1024 cells,  20 layers" in sizes[1]


def test_one_kind_of_layer_prints_one_line() -> None:
    log = _log(
        "Llama-3.1-8B", "--engine", "llama.cpp", "--quant", "Q4_K_M", "--context", "8192", "--gpu", "RTX-4090"
    )
    assert sum(ln.startswith("llama_kv_cache: size") for ln in log) == 1
    assert not any("iswa" in ln for ln in log)
