"""llama.cpp / Ollama: the estimate's total is the GPU's; what they keep in host RAM is shown apart.

The engine's own log splits them: "CUDA0 model buffer" + KV + "CUDA0 compute buffer" on the GPU,
"CPU_Mapped model buffer" (token embeddings: src/llama-model.cpp loads token_embd on the CPU),
"CUDA_Host compute buffer" and "CPU output buffer" in host RAM (engines/llama_cpp_host.py).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from typer.testing import CliRunner

from llmsize.cli import app

runner = CliRunner()
GIB, MIB = 2**30, 2**20

# (args) of llama.cpp and Ollama runs whose host part differs in kind: token embeddings only, CPU
# experts (--n-cpu-moe), CPU layers and their K/V (--gpu-layers), a vision projector (Ollama's blob).
CASES = [
    ("qwen3:8b",),
    ("llama3.1:8b",),
    ("Llama-3.1-8B-Instruct", "--engine", "llama.cpp", "--quant", "Q4_K_M"),
    ("Qwen3-30B-A3B", "--engine", "llama.cpp", "--quant", "Q4_K_M", "--n-cpu-moe", "24"),
    ("Llama-3.1-70B-Instruct", "--engine", "llama.cpp", "--quant", "Q4_K_M", "--gpu-layers", "40"),
    ("gemma-3-4b-it", "--engine", "ollama"),
]


def _run(*args: str) -> Any:
    result = runner.invoke(app, list(args), env={"COLUMNS": "120"})
    assert result.exit_code in (0, 3), result.output
    return result.output


def _doc(*args: str) -> dict[str, Any]:
    return json.loads(_run(*args, "--format", "json"))


@pytest.mark.parametrize("args", CASES, ids=[" ".join(c) for c in CASES])
def test_device_and_host_split_agrees_between_estimate_and_fit(args: tuple[str, ...]) -> None:
    doc = _doc("estimate", *args, "--gpu", "RTX-4090")
    row, memory, host = doc["gpus"][0], doc["memory"], doc["memory_host"]
    # the fit row sizes the GPU by the estimate's total; host RAM is the same bytes in all three places
    assert row["per_gpu_bytes"] == memory["total"]
    assert row["host_bytes"] == host["total"] == doc["engine"]["host_bytes"] > 0
    assert row["device_weights_bytes"] == memory["weights"]
    assert host["total"] == host["weights"] + host["kv_cache"] + host["activations"]
    # the file's tensors once: a tied model's token_embd is in host RAM and, as the output, on the GPU
    assert doc["all_weights_bytes"] == (
        memory["weights"] + host["weights"] - doc["engine"]["duplicated_weights_bytes"])
    # on the GPU: the CUDA0 model buffer, the KV cache, the CUDA0 compute buffer, the CUDA context
    assert memory["activations"] == row["compute_buffer_bytes"]


@pytest.mark.parametrize("args", CASES, ids=[" ".join(c) for c in CASES])
def test_the_total_is_the_sum_of_the_rows_the_breakdown_shows(args: tuple[str, ...]) -> None:
    doc = _doc("estimate", *args)
    text = _run("estimate", *args)
    rows = dict(re.findall(r"│ \S (weights|KV cache|activations|runtime overhead)\s+│\s+([\d.]+) │", text))
    keys = {"weights": "weights", "KV cache": "kv_cache", "activations": "activations",
            "runtime overhead": "overhead"}
    assert set(rows) == {label for label, key in keys.items() if doc["memory"][key]}
    for label, gib in rows.items():
        assert float(gib) == pytest.approx(doc["memory"][keys[label]] / GIB, abs=0.006)
    total = doc["memory"]["total"]
    assert sum(doc["memory"][keys[label]] for label in rows) == total
    assert f"Total: {total / GIB:.2f} GiB ({total:,} bytes) on the busiest GPU" in text
    # the host part is shown as such, below the total and outside it
    host = doc["memory_host"]["total"]
    assert re.search(rf"│ host RAM \(not in total\)\s+│\s+{host / GIB:.2f} │\s+— │", text)
    assert f"Plus {host / GIB:.2f} GiB in host RAM, outside the total" in text


def _weight_numbers(detail: str) -> tuple[int, int]:
    """(sum of the per-kind lines, the bytes the lines end at) of explain's weight numbers."""
    kinds = sum(int(b.replace(",", "")) for b in re.findall(r"params -> ([\d,]+) B", detail))
    experts = sum(int(b.replace(",", "")) for b in re.findall(r"- ([\d,]+) B experts", detail))
    projector = sum(int(b.replace(",", "")) for b in re.findall(r"\+ ([\d,]+) B vision projector", detail))
    ends = [int(b.replace(",", "")) for b in re.findall(r"= ([\d,]+) B", detail)]
    return kinds - experts + projector, ends[-1]


@pytest.mark.parametrize("args", CASES, ids=[" ".join(c) for c in CASES])
def test_explain_weight_lines_sum_to_the_weights_component(args: tuple[str, ...]) -> None:
    # the estimate document carries the components explain prints (explain takes no --n-cpu-moe)
    doc = _doc("estimate", *args)
    detail = doc["components"]["weights"]["detail"]
    lines, end = _weight_numbers(detail)
    assert lines == end == doc["memory"]["weights"]
    host = doc["memory_host"]["weights"]
    assert (f"[host RAM, not in the total: {host:,} B of weights" in detail) == bool(host)


def test_explain_prints_weight_lines_that_add_up_to_the_weights_row() -> None:
    # the audit's case: qwen3:8b's lines added up to 4.53 GiB under a weights row of 4.86 GiB
    doc = _doc("estimate", "qwen3:8b")
    text = " ".join(_run("explain", "qwen3:8b").split())
    weights = doc["memory"]["weights"]
    assert f"weights: {weights / GIB:.2f} GiB" in text
    assert f"= {weights:,} B ({weights / GIB:.2f} GiB); [host RAM, not in the total:" in text


def test_qwen3_8b_total_leaves_its_token_embeddings_in_host_ram() -> None:
    # the audit's case: the total (9.90 GiB) counted token_embd, which the GPU never holds, where the fit
    # row (9.5 GiB) did not. token_embd of qwen3:8b is Q4_K (144 B per 256 values): 151,936 x 4,096 of them
    doc = _doc("estimate", "qwen3:8b", "--gpu", "RTX-4090")
    assert doc["memory_host"]["weights"] == 151_936 * 4_096 * 144 // 256
    assert doc["memory"]["total"] == doc["gpus"][0]["per_gpu_bytes"]
    assert doc["memory"]["total"] < 9.6 * GIB < doc["memory"]["total"] + doc["memory_host"]["total"]


def test_published_log_splits_cuda0_and_cpu_mapped_as_llmsize_does() -> None:
    # llama-server b8571 on an RTX 4070, Qwen_Qwen3.5-9B-Q4_K_M.gguf, -ngl 99 (tests/golden/engine_logs.yaml
    # llamacpp-qwen3.5-9b-q4km-model-buffer; https://github.com/eliasjustus/justsearch/tree/main/docs/tempdocs):
    # "CPU_Mapped model buffer size =   545.62 MiB / CUDA0 model buffer size =  5060.88 MiB"
    doc = _doc(
        "estimate", "Qwen_Qwen3.5-9B-Q4_K_M", "--engine", "llama.cpp", "--gpu", "RTX-4070-Ti",
        "--context", "131072", "--batch", "2", "--kv-dtype", "q8_0", "--flash-attn", "on",
        "--engine-version", "b8571",
    )
    memory, host = doc["memory"], doc["memory_host"]
    assert host["weights"] / MIB == pytest.approx(545.62, abs=0.01)  # token_embd, to the printed 10 KiB
    assert memory["weights"] / MIB == pytest.approx(5060.88, rel=0.02)  # the golden row's tolerance
    # the GPU's total is its CUDA0 buffers + the context, nothing from the CPU_Mapped line
    on_gpu = memory["weights"] + memory["kv_cache"] + memory["activations"] + memory["overhead"]
    assert memory["total"] == on_gpu
    assert memory["total"] == doc["gpus"][0]["per_gpu_bytes"]
