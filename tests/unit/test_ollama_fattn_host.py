"""Ollama before v0.20.4 runs Gemma 4's head-size-512 flash attention on the CPU (ollama_fattn_host.py)."""

from __future__ import annotations

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.ollama import Ollama
from llmsize.estimate.engines.ollama_fattn_host import host_fattn_bytes
from llmsize.estimate.workload import Engine, FlashAttn, Workload
from llmsize.specs.resolve import resolve

MIB = 2**20


def _wl(version: str, fa: FlashAttn = FlashAttn.ON, context: int = 32_768) -> Workload:
    return Workload(
        engine=Engine.OLLAMA, quant="Q4_K_M", context=context, flash_attn=fa, engine_version=version
    )


def test_v0203_puts_a_global_blocks_attention_operands_in_the_cpu_graph() -> None:
    # ollama/ollama#15388: gemma4:26b at KvSize 32768, BatchSize 512, flash attention on, printed
    # required.CPU.Graph=201326592 (192 MiB): K + V views, f16 mask, f32 Q and result of one global block.
    spec = resolve("gemma4:26b")
    wl = _wl("0.20.3")
    assert host_fattn_bytes(Ollama(wl), spec) == 201_326_592
    figures = estimate(spec, wl).engine_figures
    assert figures is not None and figures.host_buffer_bytes >= 192 * MIB


def test_the_rule_is_gone_from_v0204_without_flash_attention_and_for_head_size_256() -> None:
    spec = resolve("gemma4:26b")
    assert host_fattn_bytes(Ollama(_wl("0.20.4")), spec) == 0
    assert host_fattn_bytes(Ollama(_wl("0.20.3", FlashAttn.OFF)), spec) == 0
    assert host_fattn_bytes(Ollama(_wl("0.20.3")), resolve("gemma-3-12b")) == 0


def test_the_cpu_graph_grows_with_the_cells_of_a_global_block() -> None:
    spec = resolve("gemma4:26b")
    short, long = (host_fattn_bytes(Ollama(_wl("0.20.3", context=c)), spec) for c in (8_192, 32_768))
    # 24,576 more cells: K and V (2 x 2 heads x 512 x 2 B) and the f16 mask (512 rows x 2 B) each
    assert long - short == 24_576 * (2 * 2 * 512 * 2 + 512 * 2)
