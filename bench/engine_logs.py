"""llmsize against published engine log lines: print every row and write docs/validation-engines.md.

    python bench/engine_logs.py            # table on stdout + docs/validation-engines.md
    python bench/engine_logs.py --no-write # stdout only

Rows come from tests/golden/engine_logs.yaml (the same rows the golden tests check); the llama.cpp
CPU oracle section comes from docs/validation/llama_cpp_oracle.yaml (bench/llama_cpp_oracle.py).
A row the installed llmsize cannot express yet (option, engine or JSON key missing) is listed as
"not computable" with the reason, never counted as a pass.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "golden"))
sys.path.insert(0, str(ROOT / "src"))

from engine_log_rows import Outcome, load_rows, oracle_predict, predict  # noqa: E402

DOC = ROOT / "docs" / "validation-engines.md"
ORACLE = ROOT / "docs" / "validation" / "llama_cpp_oracle.yaml"
GIB, MIB = 2**30, 2**20


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "bytes":
        return f"{value / GIB:,.2f} GiB" if value >= GIB else f"{value / MIB:,.2f} MiB"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:,.0f} {unit}"


def _source(row: dict[str, Any]) -> str:
    src = row["source"]
    for key, mark in (("issue", "#"), ("pr", "PR #")):
        if key in src:
            return f"[{src['repo']} {mark}{src[key]}]({src['url']})"
    return f"[{src['repo']}]({src['url']})"


def _setup(row: dict[str, Any]) -> str:
    flags = ", ".join(f"{k}={v}" for k, v in row["flags"].items())
    engine = f"{row['engine']} {row['engine_version']}"
    return f"{row['model']} · {row['quant']} · {row['gpu']} · {engine} · {flags}"


def evaluate(rows: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Outcome]]:
    return [(row, predict(row)) for row in rows]


def _status(row: dict[str, Any], out: Outcome) -> tuple[str, float | None]:
    if not out.supported or out.predicted is None:
        return "not computable", None
    err = out.error(float(row["figure"]))
    return ("pass" if abs(err) <= row["tolerance"]["rel"] else "FAIL"), err


def summary(results: list[tuple[dict[str, Any], Outcome]]) -> list[str]:
    lines = [
        "| engine | rows | computable | pass | median abs. error | worst |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for engine in sorted({r["engine"] for r, _ in results}):
        mine = [(r, o) for r, o in results if r["engine"] == engine]
        errs = [(abs(e), r["id"]) for r, o in mine for s, e in [_status(r, o)] if e is not None]
        passed = sum(1 for r, o in mine if _status(r, o)[0] == "pass")
        med = f"{statistics.median(e for e, _ in errs):.2%}" if errs else "—"
        worst = f"{max(errs)[0]:.2%} ({max(errs)[1]})" if errs else "—"
        lines.append(f"| {engine} | {len(mine)} | {len(errs)} | {passed} | {med} | {worst} |")
    return lines


def table(results: list[tuple[dict[str, Any], Outcome]]) -> list[str]:
    lines = [
        "| row | setup | published line | published | llmsize | error | status |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    for row, out in results:
        status, err = _status(row, out)
        note = f" — {out.reason}" if status == "not computable" else ""
        lines.append(
            f"| `{row['id']}` | {_setup(row)}; {_source(row)} | `{row['quote']}` | {row['printed']} | "
            f"{_fmt(out.predicted, row['unit'])} | {'—' if err is None else f'{err:+.2%}'} | {status}{note} |"
        )
    return lines


def findings(results: list[tuple[dict[str, Any], Outcome]]) -> list[str]:
    """What each published line implies about the engine's mechanism, where a row needed tracing."""
    lines = ["", "## Findings from the published lines", ""]
    for row, out in results:
        if "finding" in row:
            status, err = _status(row, out)
            shown = "" if err is None else f" (llmsize {err:+.2%}, {status})"
            lines.append(f"- `{row['id']}`{shown}: {row['finding']}")
    return lines


def _vs(published: int, out: Outcome) -> str:
    if out.predicted is None:
        return "—"
    return f"{_fmt(out.predicted, 'bytes')} ({(out.predicted - published) / published:+.1%})"


def oracle_section() -> list[str]:
    if not ORACLE.exists():
        return ["", "## llama.cpp on a CPU (oracle)", "", "Not measured: `python bench/llama_cpp_oracle.py`."]
    data = yaml.safe_load(ORACLE.read_text(encoding="utf-8"))
    lines = [
        "",
        "## llama.cpp on a CPU, measured here (oracle)",
        "",
        "`bench/llama_cpp_oracle.py` writes small GGUFs with the `gguf` package (real widths, "
        f"{data['layers_note']}, random weights), loads each with llama-cpp-python "
        f"{data['llama_cpp_python']} (llama.cpp built from source) at several settings, and records "
        "the sizes llama.cpp prints itself (stderr). Every llama.cpp number in "
        "`docs/validation/llama_cpp_oracle.yaml` is its own output; the llmsize columns give "
        "`llmsize estimate <config> --engine llama.cpp --quant Q4_0 --context n_ctx/n_seq --batch n_seq "
        "--ubatch --n-batch --flash-attn --kv-dtype` (memory.kv_cache and the fit row's "
        "compute_buffer_bytes). The golden test `tests/golden/test_llama_cpp_oracle.py` checks a sample.",
        "",
        "| arch | n_ctx | n_seq | n_ubatch | FA | K/V | KV (llama.cpp) | KV (llmsize) "
        "| compute (llama.cpp) | compute (llmsize) | output |",
        "|---|---:|---:|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    kv_errs: list[float] = []
    cb_errs: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, r in enumerate(data["runs"]):
            s = r["settings"]
            if r.get("gguf_only"):  # a config.json cannot say "pre-split MLA"; the GGUF test asks
                kv = cb = Outcome(None, False, "from the GGUF only")
            else:
                kv = oracle_predict(r, Path(tmp) / str(i), "memory.kv_cache")
                cb = oracle_predict(r, Path(tmp) / str(i), "gpus[0].compute_buffer_bytes")
            if kv.predicted is not None and cb.predicted is not None:
                kv_errs.append(abs(kv.predicted - r["kv_bytes"]) / r["kv_bytes"])
                cb_errs.append(abs(cb.predicted - r["compute_bytes"]) / r["compute_bytes"])
            lines.append(
                f"| {r['arch']} | {s['n_ctx']} | {s['n_seq_max']} | {s['n_ubatch']} | {s['flash_attn']} "
                f"| {s['type_k']}/{s['type_v']} | {_fmt(r['kv_bytes'], 'bytes')} | {_vs(r['kv_bytes'], kv)} "
                f"| {_fmt(r['compute_bytes'], 'bytes')} | {_vs(r['compute_bytes'], cb)} "
                f"| {_fmt(r['output_bytes'], 'bytes')} |"
            )
    if cb_errs:
        lines += [
            "",
            f"Over the {len(cb_errs)} runs llmsize can be asked from a config: the KV cache equals "
            f"llama.cpp's to its printed rounding (0.01 MiB) in {sum(e < 0.001 for e in kv_errs)} "
            f"(worst {max(kv_errs):.2%}); compute buffer median {statistics.median(cb_errs):.1%}, "
            f"worst {max(cb_errs):.1%}.",
        ]
    return lines


LEFT_OUT = [
    "vLLM with an LMCache KV connector (vllm-project/vllm#21348): 8.11 GiB gave 178,880 tokens of "
    "Qwen3-235B-A22B-FP8 at TP=4, 1.1% fewer than the plain layout holds; the connector's share is unknown.",
    "gpt-oss-120b on one H100, vLLM about 0.11 (vllm-project/vllm#27508): "
    "'Available KV cache memory: 1.71 GiB' at --gpu-memory-utilization 0.95 --max-num-batched-tokens 1024, "
    "and 0.10.1 with the Marlin backend "
    "(#23278): -2.14 GiB after 65.97 GiB of weights. Both leave 7.5-9 GiB for the profile run and non-torch "
    "memory, three times what vLLM 0.19 shows for gpt-oss-20b; the exact release and whether the GPU was "
    "shared are not stated, so they are not golden rows.",
    "Llama-3.1-405B-Instruct-FP8 on 8xH100, vLLM 0.5.3 (#6746): 57.75 GiB per rank; which layers the "
    "checkpoint keeps in bf16 was not established.",
    "SGLang, the AutoRound INT4 sibling of the 2x3090 MTP compose (noonghunna/club-3090 "
    "models/qwen3.8-27b/sglang/compose/dual/autoround-int4/mtp.yml): max_mamba_cache_size 26 / 55 and "
    "pools of 394,661 / 409,552 tokens (fp32 / bf16 state) at 0.90. With the TP group's NCCL communicator "
    "taken before the measure (sglang_startup.py) llmsize gives 27 / 56 and 400,353 / 417,413 (+1.4% / "
    "+1.9%; before it 30 / 62 and +11%) with GPTQ 4-bit weights standing in and the fp8 compose's flags at "
    "--context 262144; which tensors the AutoRound checkpoint keeps in 16 bits is not known, so the rows "
    "are not golden.",
    "SGLang Qwen3.8-27B NVFP4 on 2x RTX 5090 (noonghunna/club-3090#1261): 'K size: 3.46 GB' at 454,112 "
    "tokens is the 16 attention layers alone; llmsize's memory.kv_cache adds the delta-net state of one "
    "sequence, and no JSON key gives SGLang's attention pool alone at a given token count.",
    "llama.cpp GLM-4.7 on two Vulkan GPUs (ggml-org/llama.cpp#18585): compute buffers of 2,634.04 / "
    "2,766.04 MiB with an uneven layer split (73,203.62 / 55,406.46 MiB of weights) whose -ts is not "
    "given; the KV row is kept.",
    "llama.cpp gemma-3-270m SWA cells (unslothai/unsloth#7530, build 10107): 'ctx 1024 with 3 slots "
    "allocates 1536 cells / 27.0 MiB, but 4 slots ... 1024 cells / 18.0 MiB' without saying whether the "
    "cache was unified.",
    "vLLM 0.23.1rc1 (nightly), nvidia/Qwen3.6-27B-NVFP4 on a GB10 with MTP k=2, fp8 KV, prefix caching, "
    "--max-model-len 262144: 'Available KV cache memory: 48.6 GiB', 'Setting attention block size to 1600"
    " tokens', 'GPU KV cache size: 1,394,129 tokens', 'Maximum concurrency ... 5.32x'. llmsize gives "
    "1,394,129 and 5.32x from that pool (--engine-version 0.23.1), but the log sits in a public startup-"
    "log file whose repository the index does not name, and its 'Model loading took 20.57 GiB' depends on"
    " which layers the ModelOpt checkpoint keeps in FP8 (not known).",
    "vLLM 0.10.2, Qwen3-Next-80B-A3B-Instruct bf16 at TP 2 on H200s (same unnamed-repository problem): "
    "'Model loading took 74.2812 GiB' (llmsize 74.2810), 'Available KV cache memory: 44.59 GiB', 'GPU KV "
    "cache size: 973,760 tokens', '14.77x' at 262,144 (llmsize 973,760 and 14.77x from the pool once the "
    "delta state is bf16, vllm_state_dtype.py); the whole budget is not reproduced (llmsize 48.02 GiB of "
    "pool: 2.7 GiB less non-KV memory than the log implies, not traced).",
    "Ollama 0.20.x gemma4:26b on an RTX 3090 (ollama/ollama#15634, num_ctx 32768, flash attention): "
    "besides the kv cache row, 'compute graph device=CUDA0 size=243.9 MiB' (llmsize 124.8 MiB) and "
    "'model weights device=CUDA0 size=16.6 GiB' + CPU 667.5 MiB (llmsize 15.6 + 1.1 GiB): the Ollama "
    "engine's gemma4 graph reserve and which tensors the library blob keeps above Q4_K_M are not known.",
    "Ollama v0.20 (2026-04-09) qwen3-coder-next (Qwen3-Next: 36 delta-net + 12 attention layers) "
    "at num_ctx 32,768, BatchSize 1024, flash attention, 20 layers (28..47) on CUDA0, in a public "
    "benchmark note whose repository the index does not name: 'kv cache' CUDA0 1.1 GiB / 955.2 MiB / "
    "875.2 MiB and CPU 1.5 / 1.3 / 1.2 GiB with f16 / q8_0 / q4_0 KV, 'model weights' CUDA0 19.9 GiB. "
    "llmsize gives 1,105.2 / 955.2 / 875.2 MiB and 1,547 / 1,337 / 1,225 MiB (--engine-version 0.20.5 "
    "--gpu-layers 20) and 19.91 GiB, once the Go engine's 24 reserved recurrent-state checkpoints per "
    "sequence are counted (ollama_recurrent.py; before it 351 MiB on CUDA0); its 'compute graph' CUDA0 "
    "884.1 MiB is the Go engine's qwen3next graph at a 1,024-token batch with the 28 CPU blocks' weighted "
    "ops offloaded to CUDA0 (ml/backend/ggml/ggml.go ggml_backend_sched_new_ext(..., op_offload=true); "
    "llama_cpp_op_offload.py): llmsize gives 636 MiB, its 216 MiB MoE stage plus the largest host weight "
    "copied for one op, the Q6_K ffn_down_exps (420 MiB; 216 MiB before the rule). The rest is ggml-alloc's "
    "best fit: the 420 MiB copy does not fit the 288 MiB hole the Q4_K gate/up copies leave, and replaying "
    "one CPU block's MoE stage by hand gives 730-750 MiB before what the earlier ops leave placed; the "
    "layout is not replayed, so no row.",
    "Ollama 0.20.7 gemma4:31b-it-q8_0 on two V100s, flash attention off (ollama/ollama#15641): 'kv cache' "
    "CUDA0 5.2 GiB + CUDA1 4.9 GiB; the num_ctx of that load is not in the log read.",
    "llama.cpp DeepSeek-V4 compute-buffer regression (ggml-org/llama.cpp#27680, b10615, n_ctx 64000): its "
    "SWA cells are a row (llamacpp-dsv4-flash-64k-ub4096-swa-cells, -ub 4096 inferred from the 4,352 cells); "
    "the CSA / HCA / indexer cache lines were not in the text read, so no kv_cache row, and 'CUDA0 compute "
    "buffer size ... 2570.28 MiB' (2366.28 in b10567) has no row: the expert placement (--n-cpu-moe / -ot) "
    "is not in the text read (llmsize 2,474 MiB with every expert on the CPU).",
    "vLLM 0.19.0 log in llm-d-incubation/llm-d-planner#205 for granite-vision-3.3-2b: the model is not in "
    "the catalog (its granite-3.1-2b, gemma-7b, phi-2 and Qwen1.5-MoE-A2.7B siblings in the same PR are "
    "rows above, now that the catalog carries their published configs).",
    "vLLM with --kv-cache-dtype int8_per_token_head (vllm-project/vllm#40391, noonghunna/club-3090 "
    "BENCHMARKS.md, May 2026): Gemma 4 31B 'Available KV cache / card 10.82 GiB', 466,892 tokens, and "
    "Qwen3.6-27B 11.10 GiB, 605,495 tokens at TP 2: llmsize has no int8 per-token-head KV type for vLLM.",
    "vLLM, Qwen3.8-27B dual-GPU 'superfast' compose (noonghunna/club-3090#1107): 'Setting attention block"
    " size to 1648 tokens', 'Padding mamba page size by 0.73%': the arithmetic implies 7 speculative conv"
    " positions at TP 2 (5,120 x 10 x 2 + 24 x 128 x 128 x 4 B), but the compose's speculative method was"
    " not read, so no row.",
    "SGLang Qwen3-Omni-30B-A3B at TP 4 (sgl-project/sglang#15909): 'KV Cache is allocated. #tokens: "
    "2090351, K size: 23.92 GB' is the thinker's 48 layers x 1 KV head a rank x 128 x 2 B; the Omni model"
    " is not in the catalog.",
    "vLLM, one unnamed MoE with fp8 KV (vllm-project/vllm#25350, September 2025): 'Available KV cache "
    "memory: 10.55 GiB', 'GPU KV cache size: 230,528 tokens' and '10.12 GiB KV cache is needed' at "
    "221,000: 49,152 B a token fits Qwen3-30B-A3B, but the issue does not name the model.",
    "Ollama llama3.2:3b weights (ollama/ollama#8098, 0.5.1): memory.weights.total 2.4 GiB against a 1.9 "
    "GiB GGUF; and deepseek-r1:671b (#8447): 385.0 GiB and 9.5 GiB of pre-MLA KV, which a config.json "
    "cannot express (the GGUF's split MLA tensors decide it).",
    'Ollama 0.6.x gemma3:27b on two GPUs (ollama/ollama#9791): memory.weights.total="14.3 GiB" is the '
    "repeating blocks alone (llm/memory.go of v0.6.2 logs memoryWeights as both total and repeating; "
    "the 1.1 GiB output layer is nonrepeating); no llmsize key holds the blocks' weights alone.",
    'Ollama mistral-small3.1:24b at num_ctx 131072 (ollama/ollama#10615): memory.weights.total="13.1 '
    'GiB" and projector.weights="769.3 MiB"; llmsize gives 13.34 GiB of text weights and 0.82 GiB of '
    "vision tower (+2.2% together): which tensors Ollama's mistral3 blob keeps at which type was not "
    "read. The KV and estimator-graph lines of the same log are rows.",
    "SGLang Qwen3-Next-80B-A3B FP8 with DeepEP and DP attention (sgl-project/sglang#10622): 'K size: "
    "31.89 GB' at 2,786,325 tokens is the 12 attention layers x 2 KV heads x 256 x 2 B alone; kvcache-"
    "ai/ktransformers#1870 (Qwen3.5-397B-A17B, 2x RTX 4090): 'K size: 4.15 GB' at 580,364 tokens "
    "likewise. memory.kv_cache adds one sequence's delta-net state, and no key gives the attention pool"
    " alone (its state-pool line is a row).",
    "vLLM 0.19.0, Qwen3.5-27B with --load-format dummy, max_model_len 32,768, 16 sequences "
    "(vllm-project/vllm#40691): 'GPU KV cache size: 290,864 tokens', '33.04x'. Both fit one pool: 1,487 "
    "blocks of 784 tokens (the fp32 delta state, vllm_state_dtype.py) over 4 groups, 45 blocks a request; "
    "but 1,487 x 16 x 784 x 4,096 B is 71.2 GiB, more than a 96 GB H20 holds beside 51 GiB of bf16 "
    "weights (llmsize: 679 blocks, 132,496 tokens, 15.09x). The issue's environment names an H20 and "
    "Qwen3.5-35B-A3B while the command serves the 27B: a 141 GB H20 would fit; not a row.",
    "vLLM 0.29.1rc1, MiniMax-M2.7 AWQ on 2x DGX Spark at the recipe's 0.80 (eugr/spark-vllm-docker#396): "
    "'Available KV cache memory: 22.5 GiB' where llmsize leaves 34.2 GiB of the GB10's 119.7 GiB (weights "
    "56.3 GiB a rank, graph estimate in the budget). On unified memory the page cache and whatever else "
    "the host holds count as used device memory; the log does not say how much, so the full-budget pool "
    "is not a row (the pool-given rows of the same issue are).",
    "vLLM PR #24864 (DCP for GQA), Qwen3-235B-A22B-Instruct-2507 at TP 8 + DCP 2, utilization 0.9: 'GPU "
    "KV cache size: 1,723,584 tokens', '6.57x' at 262,144 = 53,862 blocks a rank x 16 x 2; the GPU and "
    "the pool are not given, so only the x2 (vllm_dcp.py) is checked, not the pool.",
    "SGLang GLM-4.7-Flash at TP 2 on Ascend NPUs (a deployment note whose repository the index does not "
    "name): 'KV Cache is allocated. #tokens: 383872, KV size: 19.36 GB' = 47 layers x 576 x 2 B a token "
    "(MLA latent + rope); llmsize models CUDA GPUs, so no row.",
    "vLLM Qwen3.8-27B on 2x RTX 5090 (noonghunna/club-3090#1084, #1086, #1322, #1339; vllm-"
    "project/recipes#810): the composes run DFlash drafters (not modelled) or do not state the "
    "speculative config in the lines read.",
    "SGLang NVIDIA-Nemotron-3-Nano-30B-A3B-BF16 at TP 4 on Intel Arc Pro B60 XPUs (a test-failure report "
    "whose repository the index does not name; --context-length 8192, --max-running-requests 8, "
    "--disable-radix-cache, --mem-fraction-static 0.85): 'mem usage=14.76 GB', 'Mamba Cache is allocated. "
    "max_mamba_cache_size: 8, conv_state size: 0.00 GB, ssm_state size: 0.10 GB', 'KV Cache is allocated. "
    "#tokens: 1557504, K size: 2.23 GB, V size: 2.23 GB'. llmsize (--engine sglang --tp 4 "
    "--max-mamba-cache-size 8) gives 0.103 GiB of state (23 Mamba-2 layers x 16 of 64 heads x 64 x 128 x "
    "4 B, 9 slots), 2.228 + 2.228 GiB of K/V (6 attention layers x 1 KV head a rank x 128 x 2 B) and "
    "14.93 GiB of weights (+1.2%); no row: the source has no citable repository, and the device is not "
    "a CUDA GPU.",
    "llama.cpp Nemotron 3 Ultra 550B (ggml-org/llama.cpp#24175, build 9525, RTX 5090): 'KV buffer size = "
    "189.00 MiB (16128 cells, 12 layers, 4/1 seqs)' and 'RS buffer size = 1576.50 MiB (4 cells, 108 layers)';"
    " the model is not in the catalog, so no row.",
    "vLLM, Nemotron 3 Super 120B on 2x H100 80GB (NVIDIA-AI-Blueprints/retail-shopping-assistant#95): "
    "'max_num_seqs (1024) exceeds available Mamba cache blocks (524)'; the checkpoint, release, "
    "max_model_len and utilization are not in the text read, so no row.",
]


def document(results: list[tuple[dict[str, Any], Outcome]]) -> str:
    head = [
        "# Validation against the engines' own log lines",
        "",
        "Generated by `python bench/engine_logs.py`; the rows are `tests/golden/engine_logs.yaml` and the "
        "golden test is `tests/golden/test_engine_logs.py`. Each row quotes one line an engine printed, with "
        "the setup it ran (model and file, GPU, engine version, flags), its public source, and the llmsize "
        "command that should give the same figure. Tolerances (issue 9): KV bytes to the printed rounding; "
        "device weights 2%; llama.cpp compute buffer 10%; vLLM/SGLang pools, blocks and concurrency 5% "
        "(tighter where the pool is given). "
        "'not computable' means the installed llmsize lacks the option, engine or JSON key the row needs.",
        "",
        "Units: GiB = 2^30 bytes. vLLM V0's 'GB' and SGLang's 'GB' are GiB (both divide by 2^30).",
        "",
        "## Summary per engine",
        "",
    ]
    left = ["", "## Published lines left out (setup not known well enough to predict)", ""]
    left += [f"- {line}" for line in LEFT_OUT]
    rows = ["", "## Rows", "", *table(results)]
    body = [*summary(results), *rows, *findings(results), *left, *oracle_section()]
    return "\n".join([*head, *body, ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/ alone")
    args = parser.parse_args()
    results = evaluate(load_rows())
    for row, out in results:
        status, err = _status(row, out)
        shown = "" if err is None else f"{err:+8.2%}"
        why = f"  ({out.reason})" if status == "not computable" else ""
        got = _fmt(out.predicted, row["unit"])
        print(f"{row['id']:45s} {row['printed']:>34s}  {got:>18s} {shown:>9s}  {status}{why}")
    print("\n".join(summary(results)))
    if not args.no_write:
        DOC.write_text(document(results), encoding="utf-8")
        print(f"wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
