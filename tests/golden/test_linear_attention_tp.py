"""Golden: a gated delta-net hybrid's weights per rank under tensor parallelism, as SGLang logs them.

Source: noonghunna/club-3090, models/qwen3.8-27b/sglang/compose/dual/fp8/mtp.yml at 00d41a88cb00
(https://github.com/noonghunna/club-3090/blob/00d41a88cb00458cfdd45cafb634ea9d83a3a72a/models/qwen3.8-27b/sglang/compose/dual/fp8/mtp.yml),
SGLang v0.5.19 on 2x RTX 3090 at TP 2 serving Qwen3.8-27B-FP8 (Qwen3.5-27B's shapes: 48 gated
delta-net + 16 attention blocks) with its MTP head: "Per rank at 0.92: weights 14.75 GB + MTP head
2.67", the two "Load weight end ... mem usage" figures (SGLang divides bytes by 2**30 and says GB).
The target's figure only holds if the delta-net projections are split over the two ranks (replicated
they would add ~2.6 GiB), the draft's only if its worker loads an embedding and lm_head of its own, and
on sm_86 the target's only with the Marlin group scales and the FP8 tensors' segment rounding
(estimate/engines/sglang_fp8.py; without them 14.27 GiB, -3.3%).
"""

from __future__ import annotations

import json
import re

from engine_log_rows import run_cli

ARGS = [
    "estimate", "Qwen3.5-27B", "--quant", "fp8", "--engine", "sglang", "--tp", "2", "--num-gpus", "2",
    "--gpu", "RTX-3090", "--kv-dtype", "fp8", "--mamba-ssm-dtype", "bfloat16", "--context", "131072",
    "--max-num-seqs", "1", "--max-num-batched-tokens", "2048", "--speculative", "mtp",
    "--num-speculative-tokens", "4", "--mem-fraction-static", "0.92", "--format", "json",
]  # fmt: skip
TARGET_GIB, DRAFT_GIB = 14.75, 2.67
REL = 0.02  # issue 9: device weights within 2%


def _load_lines() -> tuple[float, float, float]:
    """(target line, draft line, the RTX 3090 row's device weights), GiB. The engine's lines are the
    GPU-independent estimate; the fit row adds what sm_86 loads besides (Marlin scales)."""
    code, out, err = run_cli(ARGS)
    assert code == 0, err
    doc = json.loads(out)
    found = [re.search(r"Load weight end\. mem usage=([0-9.]+) GB", line) for line in doc["engine"]["lines"]]
    target, draft = (float(m.group(1)) for m in found if m)
    return target, draft, doc["gpus"][0]["device_weights_bytes"] / 2**30


def test_sglang_tp2_target_and_draft_weights() -> None:
    target, draft, on_3090 = _load_lines()
    assert abs(draft / DRAFT_GIB - 1) <= REL, draft
    # the target as an RTX 3090 rank loads it: the row's device weights less the draft worker's
    assert abs((on_3090 - draft) / TARGET_GIB - 1) <= REL, on_3090 - draft
    assert target <= on_3090 - draft  # Marlin's group scales are added on Ampere, never removed
