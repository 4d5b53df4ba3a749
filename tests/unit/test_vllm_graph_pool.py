"""vLLM's CUDA-graph pool counts (vllm_graph_pool.py) against what vLLM 0.19 logs of its capture."""

from __future__ import annotations

from llmsize.estimate.engines.vllm_graph_pool import capture_sizes, graph_node_bytes, nodes_per_size
from llmsize.specs.resolve import resolve


def test_capture_sizes_match_the_counts_vllm_logs() -> None:
    # llm-d-planner PR #205 logs: "PIECEWISE=51 (largest=512)"; gpt-oss "PIECEWISE=83 (largest=1024)".
    assert len(capture_sizes(512)) == 51 and capture_sizes(512)[-1] == 512
    assert len(capture_sizes(1024)) == 83
    assert capture_sizes(10) == [1, 2, 4, 8]


def test_graph_nodes_grow_with_the_layers_on_the_rank() -> None:
    # The PP 2 log of Llama-3.1-8B took 0.65 GiB against 0.91 at PP 1: half the layers, fewer nodes.
    spec = resolve("Llama-3.1-8B")
    full, half = nodes_per_size(spec, 32), nodes_per_size(spec, 16)
    assert half < full < 2 * half + 10
    assert graph_node_bytes(spec, 16, 512) < graph_node_bytes(spec, 32, 512)


def test_full_decode_graphs_stop_at_max_num_seqs_times_the_query() -> None:
    # vllm/v1/cudagraph_dispatcher.py captures uniform-decode FULL graphs only up to max_num_seqs x
    # (1 + speculative tokens); PIECEWISE graphs cover every size. 32 sequences, sizes to 64: the FULL
    # graphs of 40..64 are not captured, so less node memory than with FULL graphs at every size.
    spec = resolve("Llama-3.1-8B")
    assert graph_node_bytes(spec, 32, 64, decode_tokens=32) < graph_node_bytes(spec, 32, 64)
    assert graph_node_bytes(spec, 32, 64, decode_tokens=64) == graph_node_bytes(spec, 32, 64)
