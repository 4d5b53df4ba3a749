"""Arc Pro B70 on llama.cpp's Vulkan backend: 16-bit weights decode at the card's GDDR bandwidth share.

REFERENCE: kyuz0/intel-b70-ai-toolboxes at 8892644b, benchmark/llamacpp-bench-b70/*__vulkan__fa1.log
(llama.cpp build 74d6248f7 (9039), Fedora 43, "Intel(R) Graphics (BMG G31) (Intel open-source Mesa
driver)", llama-bench -ngl 99 -fa 1 --mmap 0). Two runs of that harness that are not rows of
bench/speed_tables.yaml (its held-out heldout13-b70-* rows are other models of the same runs), used here
only as checks:
  "qwen35 9B BF16 | 16.68 GiB | 8.95 B | Vulkan | 99 | 1 | 0 | tg128 | 28.17 ± 0.01"
  "mistral3 14B BF16 | 25.16 GiB | 13.51 B | Vulkan | 99 | 1 | 0 | tg128 | 19.32 ± 0.00"
Why they matter (issue 11, intelxe pass; bench/speed_validation.py FINDINGS): the same build's quantized
files decode at 38-46% of the B70's 608 GB/s while these read 83-86% of it, and Qwen3.5-9B's UD-Q8_K_XL
file (12.07 GiB) decodes slower than its BF16 file (16.68 GiB): the bandwidth, the catalog entry and the
per-layer latency hold on this card; what the speed model lacks is the quantized mat-vec path on this driver.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, resolve_constants
from llmsize.specs.resolve import resolve

KYUZ0_LOGS = ("https://github.com/kyuz0/intel-b70-ai-toolboxes/tree/8892644b6a924e7606ab59679b5d03f7b56ffedf/"
              "benchmark/llamacpp-bench-b70")
GEN_TOKENS = 128


def _tg128(model: str) -> float:
    """llama-bench tg128 (no prompt) on one Arc Pro B70, Vulkan profile as its log printed (KHR_coopmat)."""
    spec = resolve(model)
    wl = Workload.model_validate({"engine": "llama.cpp", "context": 1 + GEN_TOKENS, "prompt_tokens": 1,
                                  "quant": "BF16", "flash_attn": "on", "backend": "vulkan"})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(), engine="llama.cpp-vulkan-coopmat1")
    gpu = get_gpu("Arc-Pro-B70")
    step, _ = decode_step(inputs, gpu, resolve_constants(inputs, gpu), GEN_TOKENS // 2)
    return 1 / step


@pytest.mark.parametrize(
    ("model", "published"),
    [
        ("Qwen3.5-9B", 28.17),  # Qwen3.5-9B-BF16__vulkan__fa1.log
        ("Ministral-3-14B-Instruct-2512", 19.32),  # Ministral-3-14B-Instruct-2512-BF16__vulkan__fa1.log
    ],
)
def test_b70_vulkan_bf16_decode(model: str, published: float) -> None:
    assert _tg128(model) == pytest.approx(published, rel=0.10), KYUZ0_LOGS
