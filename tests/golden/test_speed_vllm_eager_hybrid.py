"""vLLM `--enforce-eager` on a Qwen3.5 hybrid: the uncompiled forward launches more than the graph replays.

Without torch.compile a Gated DeltaNet mixer runs its layout copies as kernels of their own (16 where the
graph has 8), a gated attention output adds a sigmoid and a multiply, and every (1 + weight) norm enters
a torch.compile'd GemmaRMSNorm (estimate/engines/vllm_eager_kernels.py). Checked on the published vLLM
0.17.0 Qwen3.5-9B `--enforce-eager` table on an RTX 4090 (held-out rows heldout8-rtx4090-vllm017-qwen3.5-9b-*
of bench/speed_tables.yaml). No test is timed.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout
from llmsize.hardware.speed import SpeedInputs, decode_step, prefill_seconds, resolve_constants
from llmsize.hardware.speed_inputs import speed_inputs
from llmsize.specs.resolve import resolve

RTX4090_TABLE = (
    "https://github.com/aaronzhfeng/gpu-inference/blob/414c57cf18ed8dc4ce5e0569ea95916d48b10ba8/"
    "benchmarks/rtx-4090.md"
)
ISSUE_20469 = "https://github.com/vllm-project/vllm/issues/20469"


def _inputs(model: str, batch: int, eager: bool, prompt: int = 16, gen: int = 128) -> SpeedInputs:
    spec = resolve(model)
    wl = Workload.model_validate({"engine": "vllm", "context": prompt + gen, "prompt_tokens": prompt,
                                  "batch": batch, "enforce_eager": eager})
    return speed_inputs(spec, wl, estimate(spec, wl), Layout(tp=1, pp=1))


def test_an_eager_qwen35_block_counts_its_uncompiled_kernels() -> None:
    gpu = get_gpu("RTX-4090")
    eager = resolve_constants(_inputs("Qwen3.5-9B", 2, True), gpu)
    graph = resolve_constants(_inputs("Qwen3.5-9B", 2, False), gpu)
    # Qwen3.5-9B: 24 GDN blocks, 8 gated-attention blocks with q/k norms, every block with a dense MLP.
    # Graph: GDN block 2 + 8 + 3 = 13, attention block 10 -> (24 * 13 + 8 * 10) / 10 dense layers.
    assert graph.latency_layers == pytest.approx((24 * 13 + 8 * 10) / 10)
    # Eager (vLLM 0.17.0 qwen3_5.py / qwen3_next.py): GDN block 2 + 16 + 3 = 21, attention block 10 + 2
    # (gate); 64 block norms + 16 q/k norms each one compiled-call entry.
    assert eager.latency_layers == pytest.approx((24 * 21 + 8 * 12 + 64 + 16) / 10)
    # One sequence: the b / a halves, z and the q / k / v splits of a [1, dim] row are contiguous
    # already, 6 copies fewer (mixer 10).
    one = resolve_constants(_inputs("Qwen3.5-9B", 1, True), gpu)
    assert one.latency_layers == pytest.approx((24 * 15 + 8 * 12 + 64 + 16) / 10)
    assert resolve_constants(_inputs("Qwen3.5-9B", 1, False), gpu).latency_layers == graph.latency_layers


def test_dense_eager_layers_are_unchanged() -> None:
    # ISSUE_20469: Qwen3-14B-AWQ, vLLM 0.9.1 --enforce-eager on an A100 80GB: mean TPOT 20.63 ms at
    # max concurrency 1 (16,000-token prompts). A Qwen3 block has no GDN, gate or (1 + weight) norm.
    gpu = get_gpu("A100-SXM-80GB")
    c = resolve_constants(_inputs("Qwen3-14B-AWQ", 1, True, prompt=16000, gen=200), gpu)
    assert c.latency_layers == pytest.approx(40)


@pytest.mark.parametrize(("batch", "published_tps", "published_latency_s", "rel"),
                         [(1, 29.9, 4.28, 0.4), (8, 217, 4.71, 0.35), (16, 402, 5.09, 0.35),
                          (32, 838, 4.89, 0.35)])
def test_qwen35_9b_eager_steps_as_published(batch: int, published_tps: float,
                                            published_latency_s: float, rel: float) -> None:
    # RTX4090_TABLE, 'Qwen3.5-9B (BF16)', vLLM 0.17.0 (enforce-eager, no CUDA graphs), ~16-token prompt,
    # 128 tokens: Tok/s and Avg Latency (s) at concurrency 1 / 8 / 16 / 32. Every request of a wave is
    # sent at once and runs all 128 steps, so its latency is the wave's prefill and 128 decode steps.
    # Counting a GDN block as its graph's kernels gave 21 ms a step (the table's steps are 33-40 ms).
    gpu = get_gpu("RTX-4090")
    inputs = _inputs("Qwen3.5-9B", batch, True)
    c = resolve_constants(inputs, gpu)
    step, parts = decode_step(inputs, gpu, c, 80)
    assert parts["cpu"] >= parts["gpu"]  # launch-bound, as the flat latencies across concurrency show
    wave = prefill_seconds(inputs, gpu, c, 16)[0] + 128 * step
    assert wave == pytest.approx(published_latency_s, rel=0.3), RTX4090_TABLE
    # One sequence skips six no-op copies a GDN block (vllm_eager_kernels.py), 6.5 ms a step at the
    # eager launch price, where the table's c1 step is only 3.4 ms shorter than its c8 one: the c1 row
    # is the farthest (bench/speed_validation.py FINDINGS, vllmgdn).
    assert batch / step == pytest.approx(published_tps, rel=rel), RTX4090_TABLE


def test_qwen35_graph_run_keeps_the_graph_count() -> None:
    # RTX4090_TABLE, 'Qwen3.5-4B (BF16)', vLLM 0.17.0 with CUDA graphs: 97.5 tok/s at concurrency 1.
    gpu = get_gpu("RTX-4090")
    inputs = _inputs("Qwen3.5-4B", 1, False)
    step, parts = decode_step(inputs, gpu, resolve_constants(inputs, gpu), 80)
    assert parts["cpu"] == 0.0
    assert 1 / step == pytest.approx(97.5, rel=0.2), RTX4090_TABLE
