"""Golden: logs of engines that ran with their own flash-attention default (no -fa, no
OLLAMA_FLASH_ATTENTION), checked without telling llmsize the setting.

- llama-server b6202 (intel/AI-Playground#325; gpt-oss-120b, -c 2000, no -fa: `flash_attn = 0`):
  `llama_kv_cache_unified: size = 70.88 MiB (2016 cells ...)` and a 640-cell SWA cache of 22.50 MiB,
  97,910,784 bytes in all. Before PR #15434 -fa was an off-by-default switch, so the cache was padded
  to 32 cells; taken as auto (on) llmsize padded to 256: 2048 + 768 cells, 99.00 MiB (+6.0%).
- Ollama 0.11.4 (ollama/ollama#11711; gpt-oss:20b, num_ctx 8192, OLLAMA_KV_CACHE_TYPE=q4_0, flash
  attention off by that release's default): memory.required.kv="300.0 MiB", an f16 cache: the q4_0 asked
  was ignored without flash attention (llm/server.go NewLlamaServer).
The published figures are the rows of engine_logs.yaml; only the flash-attention option is left out.
"""

from __future__ import annotations

from typing import Any

from engine_log_rows import load_rows, predict

ROWS = {row["id"]: row for row in load_rows()}


def _without(row: dict[str, Any], *drop: str, add: tuple[str, ...] = ()) -> dict[str, Any]:
    args = list(row["llmsize_args"])
    for flag in drop:
        i = args.index(flag)
        del args[i : i + 2]
    return {**row, "llmsize_args": [*args, *add]}


def test_llama_server_b6202_without_fa_pads_its_cache_to_32_cells() -> None:
    row = ROWS["llamacpp-gpt-oss-120b-b6202-2k-nofa-kv"]
    assert row["figure"] == 97_910_784  # 70.88 MiB (2016 cells) + 22.50 MiB (640 SWA cells)
    out = predict(_without(row, "--flash-attn"))
    assert out.predicted is not None
    assert abs(out.error(row["figure"])) <= row["tolerance"]["rel"]


def test_ollama_0_11_4_ignores_a_quantized_cache_type_without_its_default_fa() -> None:
    row = ROWS["ollama-gpt-oss-20b-8k-kv"]
    assert row["figure"] == 300 * 2**20  # memory.required.kv="300.0 MiB" with q4_0 requested
    out = predict(_without(row, add=("--kv-dtype", "q4_0")))
    assert out.predicted is not None
    assert abs(out.error(row["figure"])) <= row["tolerance"]["rel"]
