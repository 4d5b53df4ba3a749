"""RTX 3090 DeepSeek-V2-Lite Q4_0 pp512 by microbatch: each expert pays whole MMQ tiles.

Published numbers (llama-bench, master column of https://github.com/ggml-org/llama.cpp/pull/15525,
'| RTX 3090 | deepseek2 16B Q4_0 | 128 | pp512 | 2103.93 |' and '| ... | 256 | pp512 | 3280.19 |'),
held-out rows heldout8-rtx3090-15525-deepseek2-16b-q40-ub128 / -ub256; only compared, never fitted.
The rule: estimate/engines/llama_cpp_mmq_tiles.py.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import llama_cpp_mmid_host
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import prefill_seconds, resolve_constants
from llmsize.specs.resolve import resolve

PR15525_MASTER_PP512 = {128: 2103.93, 256: 3280.19}  # t/s (module docstring)


def _pp512(ubatch: int, tiles: bool) -> float:
    spec = resolve("DeepSeek-V2-Lite")
    wl = Workload.model_validate({"engine": "llama.cpp", "context": 513, "prompt_tokens": 512,
                                  "quant": "Q4_0", "ubatch": ubatch,
                                  "engine_version": f"b{llama_cpp_mmid_host.DEVICE_HELPER_BUILD - 10}"})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout())
    gpu = get_gpu("RTX-3090")
    c = resolve_constants(inputs, gpu)
    assert c.expert_tile_max_cols == 128
    if not tiles:
        c = c.model_copy(update={"expert_tile_max_cols": 0})
    seconds, _ = prefill_seconds(inputs, gpu, c, 512)
    return 512 / seconds


@pytest.mark.parametrize("ubatch", sorted(PR15525_MASTER_PP512))
def test_whole_tiles_bring_the_microbatch_column_within_20_percent(ubatch: int) -> None:
    published = PR15525_MASTER_PP512[ubatch]
    tiled, curve = _pp512(ubatch, True), _pp512(ubatch, False)
    assert abs(tiled / published - 1) < 0.20
    # The expert_half_tokens curve it replaces on this card was 1.5x too fast.
    assert abs(tiled / published - 1) < abs(curve / published - 1)
