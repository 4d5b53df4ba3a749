"""Golden: llmsize against llama.cpp's own buffer sizes, measured on a CPU by bench/llama_cpp_oracle.py.

The oracle wrote GGUFs with real widths (Llama-3.2-1B, Qwen2.5-0.5B, Gemma-3-1B, Qwen3-30B-A3B,
gpt-oss-20b) but few layers, loaded them with llama.cpp (llama-cpp-python) and recorded the KV, compute and
output buffers llama.cpp printed (docs/validation/llama_cpp_oracle.yaml). Here llmsize gets the same
widths as a config.json and the same settings; KV bytes must match to the printed rounding, the
compute buffer within 10% (issue 9). Rows whose options llmsize does not have yet are skipped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from engine_log_rows import Outcome, oracle_predict, run_cli

ORACLE = Path(__file__).resolve().parents[2] / "docs" / "validation" / "llama_cpp_oracle.yaml"
MIB = 2**20


def _sample() -> list[dict[str, Any]]:
    """A fast sample: per architecture, flash attention off and on, a quantized KV cache, several slots."""
    if not ORACLE.exists():
        return []
    runs = yaml.safe_load(ORACLE.read_text(encoding="utf-8"))["runs"]
    wanted = {
        (16384, 1, 512, "off", "f16"),
        (16384, 1, 512, "on", "f16"),
        (16384, 1, 512, "on", "q8_0"),
        (16384, 4, 512, "on", "f16"),
        (16384, 1, 2048, "on", "f16"),
        (131072, 1, 512, "on", "f16"),  # gpt-oss at its full context: issue 9's "about 420 MiB"
        (131072, 4, 512, "on", "f16"),
    }
    # deepseek2-old differs from deepseek2 only in its GGUF metadata, so a config.json cannot ask
    # about it; test_deepseek_gguf_layout_read_from_metadata does, from a GGUF.
    return [
        r
        for r in runs
        if r["arch"] != "deepseek2-old"
        and (
            r["settings"]["n_ctx"],
            r["settings"]["n_seq_max"],
            r["settings"]["n_ubatch"],
            r["settings"]["flash_attn"],
            r["settings"]["type_k"],
        )
        in wanted
    ]


RUNS = _sample()


def _id(r: dict[str, Any]) -> str:
    s = r["settings"]
    return (
        f"{r['arch']}-ctx{s['n_ctx']}-seq{s['n_seq_max']}-ub{s['n_ubatch']}-fa{s['flash_attn']}-{s['type_k']}"
    )


def _llmsize(run: dict[str, Any], model_dir: Path, path: str) -> Outcome:
    got = oracle_predict(run, model_dir, path)
    assert got.supported is False or got.predicted is not None, got.reason
    return got


def test_the_oracle_covers_several_architectures() -> None:
    assert {r["arch"] for r in RUNS} >= {"llama", "qwen2", "gemma3", "qwen3moe", "gptoss"}


@pytest.mark.parametrize("run", RUNS, ids=[_id(r) for r in RUNS])
def test_kv_cache_bytes_match_llama_cpp(run: dict[str, Any], tmp_path: Path) -> None:
    got = _llmsize(run, tmp_path / run["arch"], "memory.kv_cache")
    if not got.supported:
        pytest.skip(got.reason)
    # llama.cpp prints each KV buffer in MiB with 2 decimals; gemma3 prints two (sliding and full).
    assert got.predicted == pytest.approx(run["kv_bytes"], abs=0.01 * MIB), run["log"]


@pytest.mark.parametrize("run", RUNS, ids=[_id(r) for r in RUNS])
def test_compute_buffer_within_ten_percent(
    run: dict[str, Any], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if run["arch"] == "deepseek2" and run["settings"]["flash_attn"] in (True, "on", 1):
        # llama.cpp 240.26 MiB vs llmsize 204 MiB (-15%). Not a flash-attention buffer: 240.26 MiB is
        # also what llama.cpp prints for this model at n_ctx 4096 without flash attention (the output
        # layer's f32 logits, 512 x 102,400, are the largest stage in both), and the flash-off 16k run
        # is 36 MiB above llmsize too (598.01 vs 562). Mechanism (ggml/src/ggml-alloc.c
        # `ggml_dyn_tallocr_alloc`): a tensor no free hole fits takes "the last block", the free tail
        # that starts after the highest tensor still allocated; the 200 MiB of logits find no hole and
        # land after the final residual/norm tensor, which earlier MLA stages left at ~40 MiB. So the
        # buffer is that tensor's offset + the logits, not the largest live set; reproducing the offset
        # needs ggml-alloc's best-fit placement replayed over the deepseek2 graph (not modelled).
        request.applymarker(pytest.mark.xfail(strict=True, reason="MLA + flash attention compute buffer"))
    got = _llmsize(run, tmp_path / run["arch"], "gpus[0].compute_buffer_bytes")
    if not got.supported:
        pytest.skip(got.reason)
    assert got.predicted is not None
    assert abs(got.error(run["compute_bytes"])) <= 0.10, run["log"]


def _deepseek2_gguf(path: Path, run: dict[str, Any], *, mla: bool) -> Path:
    """A GGUF with the oracle model's attention metadata and tensors (DeepSeek-V2-Lite widths).

    The KV cache depends only on those (heads, kv_lora_rank, rope/nope/v sizes, layers, and whether
    the file keeps MLA as the latent); the FFN, experts and vocabulary are shrunk to keep the file
    small, so only memory.kv_cache is compared here.
    """
    import gguf
    import numpy as np

    hf = run["hf_config"]
    d, nh, lora = hf["hidden_size"], hf["num_attention_heads"], hf["kv_lora_rank"]
    nope, rope, v = hf["qk_nope_head_dim"], hf["qk_rope_head_dim"], hf["v_head_dim"]
    ff, vocab = 32, 320
    w = gguf.GGUFWriter(str(path), "deepseek2")
    w.add_block_count(hf["num_hidden_layers"])
    w.add_context_length(hf["max_position_embeddings"])
    w.add_embedding_length(d)
    w.add_feed_forward_length(ff)
    w.add_head_count(nh)
    w.add_head_count_kv(1 if mla else nh)
    w.add_key_length(lora + rope if mla else nope + rope)
    w.add_value_length(lora if mla else v)
    if mla:
        w.add_key_length_mla(nope + rope)
        w.add_value_length_mla(v)
    w.add_rope_dimension_count(rope)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_kv_lora_rank(lora)
    w.add_leading_dense_block_count(1)
    w.add_expert_count(2)
    w.add_expert_used_count(1)
    w.add_expert_shared_count(1)
    w.add_expert_feed_forward_length(ff)
    w.add_token_list([f"t{i}" for i in range(vocab)])

    def add(name: str, *shape: int) -> None:
        w.add_tensor(name, np.zeros(shape, dtype=np.float16 if len(shape) > 1 else np.float32))

    add("token_embd.weight", vocab, d)
    add("output.weight", vocab, d)
    add("output_norm.weight", d)
    for i in range(hf["num_hidden_layers"]):
        b = f"blk.{i}."
        add(b + "attn_norm.weight", d)
        add(b + "attn_kv_a_norm.weight", lora)
        add(b + "attn_q.weight", nh * (nope + rope), d)
        add(b + "attn_kv_a_mqa.weight", lora + rope, d)
        add(b + "attn_output.weight", d, nh * v)
        add(b + "ffn_norm.weight", d)
        if mla:
            add(b + "attn_k_b.weight", nh, lora, nope)
            add(b + "attn_v_b.weight", nh, v, lora)
        else:
            add(b + "attn_kv_b.weight", nh * (nope + v), lora)
        if i == 0:
            for proj, shape in (("gate", (ff, d)), ("up", (ff, d)), ("down", (d, ff))):
                add(b + f"ffn_{proj}.weight", *shape)
        else:
            add(b + "ffn_gate_inp.weight", 2, d)
            for proj, shape in (("gate", (2, ff, d)), ("up", (2, ff, d)), ("down", (2, d, ff))):
                add(b + f"ffn_{proj}_exps.weight", *shape)
            for proj, shape in (("gate", (ff, d)), ("up", (ff, d)), ("down", (d, ff))):
                add(b + f"ffn_{proj}_shexp.weight", *shape)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


_ALL_RUNS = yaml.safe_load(ORACLE.read_text(encoding="utf-8"))["runs"] if ORACLE.exists() else []
_DEEPSEEK = [r for r in _ALL_RUNS if r["arch"].startswith("deepseek2") and r["settings"]["n_ctx"] == 16384]


@pytest.mark.parametrize("run", _DEEPSEEK, ids=[_id(r) for r in _DEEPSEEK])
def test_deepseek_gguf_layout_read_from_metadata(run: dict[str, Any], tmp_path: Path) -> None:
    # Issue 9: a DeepSeek GGUF converted before llama.cpp split MLA caches full per-head K and V
    # (llama.cpp measured 320 MiB at 16k where today's layout takes 36 MiB); the metadata says which.
    path = _deepseek2_gguf(tmp_path / f"{run['arch']}.gguf", run, mla=run["arch"] == "deepseek2")
    s = run["settings"]
    code, out, err = run_cli([
        "estimate", str(path), "--engine", "llama.cpp", "--context", str(s["n_ctx"]),
        "--ubatch", str(s["n_ubatch"]), "--flash-attn", s["flash_attn"], "--format", "json",
    ])  # fmt: skip
    if code == 2 and "No such option" in err:
        pytest.skip(f"llmsize lacks what this run needs: {err.strip().splitlines()[-1]}")
    assert code in (0, 3), err
    assert json.loads(out)["memory"]["kv_cache"] == pytest.approx(run["kv_bytes"], abs=0.01 * MIB), run["log"]
