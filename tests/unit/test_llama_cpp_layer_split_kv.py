"""llama.cpp's KV figures under a layer split (-sm layer over several GPUs), for a hybrid model.

Qwen3.5-35B-A3B (config: 40 blocks, full attention every 4th, 2 KV heads x 256): each attention block
holds 4,096 cells x 2 x 2 x 256 x 2 B = 8 MiB at f16. llama.cpp prints one `llama_kv_cache` line for the
whole cache (every device's buffers), while the fit row's kv_buffer_bytes is the busiest GPU's. The
busiest GPU's cells were computed as its cache less the recurrent state of every stage, which went
negative ("llama_kv_cache: size = -27.97 MiB", hostile round 9).
"""

from __future__ import annotations

from cli_rows import estimate_gpu_row

MIB = 2**20
ARGS = ("Qwen3.5-35B-A3B", "--engine", "llama.cpp", "--gpu", "L4")


def _kv_line(row: dict[str, object]) -> str:
    lines = [line for line in row["engine_log"] if line.startswith("llama_kv_cache:")]  # type: ignore[union-attr]
    assert len(lines) == 1
    return lines[0]


def test_four_stages_print_the_whole_cache_and_the_busiest_gpu_holds_its_own_blocks() -> None:
    row = estimate_gpu_row(*ARGS, "--num-gpus", "4")
    assert row["pp"] == 4
    # the 10 attention blocks at 8 MiB, as one GPU prints them all
    assert "size =    80.00 MiB (  4096 cells,  10 layers" in _kv_line(row)
    busiest = row["kv_buffer_bytes"]
    assert isinstance(busiest, int) and 0 < busiest < 80 * MIB and busiest % (8 * MIB) == 0


def test_one_gpu_is_unchanged_by_the_split_rule() -> None:
    row = estimate_gpu_row(*ARGS, "--num-gpus", "1", "--gpu-layers", "40")
    assert row["kv_buffer_bytes"] == 80 * MIB
    assert "size =    80.00 MiB" in _kv_line(row)
