"""Ungated MoE experts (Nemotron-H's ReLU^2: up and down only) run two routed MUL_MAT_IDs a layer, not three.

The expert width the prompt walks and loops are sized with comes from the routed parameters a token runs;
dividing them by three projections made Nemotron-3-Nano's experts 2/3 of their width. Published config:
nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B config.json moe_intermediate_size 1856, n_routed_experts 128,
num_experts_per_tok 6; Qwen/Qwen3-30B-A3B config.json moe_intermediate_size 768 (gated, SwiGLU).
"""

from __future__ import annotations

import math

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import llama_cpp_mmid_host as host
from llmsize.estimate.engines.llama_cpp_vulkan_mmid import TILE, workgroup_id_reads
from llmsize.estimate.workload import Workload
from llmsize.hardware import mmid_prompt
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.specs.resolve import resolve


@pytest.mark.parametrize(("name", "ffn", "projections"), [
    ("NVIDIA-Nemotron-3-Nano-30B-A3B", 1856, 2),
    ("Qwen3-30B-A3B", 768, 3),
])
def test_expert_width_is_the_configs(name: str, ffn: int, projections: int) -> None:
    spec = resolve(name)
    wl = Workload.model_validate({"engine": "llama.cpp", "context": 4096, "quant": "Q4_K_M"})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout())
    routing = mmid_prompt._routing(inputs)
    assert routing is not None
    _, used, layers = routing
    assert inputs.moe_projections == projections
    assert mmid_prompt._expert_rows(inputs, used, layers) == ffn


def test_ungated_experts_walk_one_projection_fewer() -> None:
    gated = workgroup_id_reads(512, 128, 6, 2688, 1856, 23)
    ungated = workgroup_id_reads(512, 128, 6, 2688, 1856, 23, projections=2)
    per_row_tile = gated / (2 * math.ceil(1856 / TILE) + math.ceil(2688 / TILE))
    assert ungated == pytest.approx(per_row_tile * (math.ceil(1856 / TILE) + math.ceil(2688 / TILE)))


def test_ungated_loops_and_syncs_count_two_calls() -> None:
    assert host.looped_projections(512, True, False, 1856, 2688, projections=2) == 2
    assert host.synced_calls(512, 0, True, projections=2) == 2
    assert host.synced_calls(512, 0, True) == host.PROJECTIONS == 3
