"""Golden: every buffer llama.cpp printed for one published run, from llmsize's llama.cpp module.

Source: https://github.com/developer0hye/llama-3-korean-bllossom-8b-q4-docker (README.md, "출력"):
llama-cpp-python on an RTX 3070, llama-3-Korean-Bllossom-8B-Q4_K_M.gguf (the Llama-3-8B
architecture, vocabulary 128,256), n_ctx = 512, n_batch = n_ubatch = 512, flash_attn = 0, all 33
layers offloaded. The log prints (MiB):
    CPU buffer size = 281.81          CUDA0 buffer size = 4403.49
    KV self size = 64.00              CUDA_Host output buffer size = 0.49
    CUDA0 compute buffer size = 258.50    CUDA_Host compute buffer size = 9.01
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.specs.resolve import resolve
from llmsize.units import MIB

PRINTED_MIB = {
    "host_weights": 281.81,
    "device_weights": 4403.49,
    "kv": 64.00,
    "output": 0.49,
    "device_compute": 258.50,
    "host_compute": 9.01,
}


@pytest.fixture(scope="module")
def figures() -> dict[str, float]:
    # llama-cpp-python leaves n_outputs_max at 0 (= n_batch): every token keeps a row of logits
    wl = Workload(
        engine="llama.cpp", quant="Q4_K_M", context=512, ubatch=512, n_batch=512, flash_attn="off",
        logits="all",
    )  # fmt: skip
    est = estimate(resolve("Meta-Llama-3-8B"), wl)
    f = est.engine_figures
    assert f is not None
    host_compute = f.host_buffer_bytes - f.output_buffer_bytes
    return {
        "host_weights": f.host_weights_bytes / MIB,
        "device_weights": f.device_weights_bytes / MIB,
        "kv": est.kv_cache_bytes / MIB,
        "output": f.output_buffer_bytes / MIB,
        "device_compute": f.compute_buffer_bytes / MIB,
        "host_compute": host_compute / MIB,
    }


@pytest.mark.parametrize("name", list(PRINTED_MIB))
def test_llama_cpp_buffer_matches_the_log(name: str, figures: dict[str, float]) -> None:
    # printed with two decimals; the host compute buffer also holds a few KiB of token/position inputs
    tolerance = 0.02 if name == "host_compute" else 0.006
    assert figures[name] == pytest.approx(PRINTED_MIB[name], abs=tolerance), name
