"""llama.cpp as an oracle on a CPU: the KV, compute and output buffer sizes it prints itself.

Outside CI. Needs its own venv with llama-cpp-python (which builds llama.cpp from source) and gguf:

    python -m venv /tmp/venv-llamacpp
    /tmp/venv-llamacpp/bin/pip install llama-cpp-python gguf pyyaml numpy
    /tmp/venv-llamacpp/bin/python bench/llama_cpp_oracle.py   # -> docs/validation/llama_cpp_oracle.yaml
    /tmp/venv-llamacpp/bin/python bench/llama_cpp_oracle.py --keep /tmp/oracle-ggufs

Method. For each architecture the script writes a GGUF with the `gguf` package: the real widths of
a published model (hidden size, heads, KV heads, head size, FFN, experts, vocabulary, sliding
window), only a few layers, and random Q4_0 weights (no compute is run, so their values do not
matter). It then creates a llama.cpp context on the CPU backend for each setting (n_ctx, n_seq_max,
n_ubatch, flash attention, K/V types) in a fresh subprocess and parses what llama.cpp logs on
stderr: the KV buffer(s), the compute buffer and the output buffer. The settings follow
llama-server's defaults where the C API's differ: swa_full off, and a unified KV cache when several
sequences share the context. The same widths are stored as a Hugging Face config, so a test can
ask llmsize the same question (tests/golden/test_llama_cpp_oracle.py).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "validation" / "llama_cpp_oracle.yaml"
MIB = 2**20

# Real widths (from each model's published config.json), few layers.
ARCHS: dict[str, dict[str, Any]] = {
    "llama": {  # meta-llama/Llama-3.2-1B widths: GQA 32/8, head 64, tied embeddings
        "gguf_arch": "llama",
        "hf": {
            "model_type": "llama",
            "architectures": ["LlamaForCausalLM"],
            "hidden_size": 2048,
            "intermediate_size": 8192,
            "num_hidden_layers": 2,
            "num_attention_heads": 32,
            "num_key_value_heads": 8,
            "head_dim": 64,
            "vocab_size": 128256,
            "max_position_embeddings": 131072,
            "rms_norm_eps": 1e-5,
            "rope_theta": 500000.0,
            "tie_word_embeddings": True,
            "torch_dtype": "bfloat16",
        },
    },
    "qwen2": {  # Qwen/Qwen2.5-0.5B widths: GQA 14/2, head 64, q/k/v biases, tied embeddings
        "gguf_arch": "qwen2",
        "hf": {
            "model_type": "qwen2",
            "architectures": ["Qwen2ForCausalLM"],
            "hidden_size": 896,
            "intermediate_size": 4864,
            "num_hidden_layers": 2,
            "num_attention_heads": 14,
            "num_key_value_heads": 2,
            "vocab_size": 151936,
            "max_position_embeddings": 32768,
            "rms_norm_eps": 1e-6,
            "rope_theta": 1000000.0,
            "tie_word_embeddings": True,
            "torch_dtype": "bfloat16",
        },
    },
    "gemma3": {  # google/gemma-3-1b-it widths: 4/1 heads of 256, sliding window 512, 5 sliding : 1 full
        "gguf_arch": "gemma3",
        "hf": {
            "model_type": "gemma3_text",
            "architectures": ["Gemma3ForCausalLM"],
            "hidden_size": 1152,
            "intermediate_size": 6912,
            "num_hidden_layers": 6,
            "num_attention_heads": 4,
            "num_key_value_heads": 1,
            "head_dim": 256,
            "vocab_size": 262144,
            "max_position_embeddings": 32768,
            "rms_norm_eps": 1e-6,
            "rope_theta": 1000000.0,
            "rope_local_base_freq": 10000.0,
            "sliding_window": 512,
            "sliding_window_pattern": 6,
            "layer_types": ["sliding_attention"] * 5 + ["full_attention"],
            "query_pre_attn_scalar": 256,
            "tie_word_embeddings": True,
            "torch_dtype": "bfloat16",
        },
    },
    "qwen3moe": {  # Qwen/Qwen3-30B-A3B widths: 32/4 heads of 128, 128 experts of 768, top-8, one layer
        "gguf_arch": "qwen3moe",
        "hf": {
            "model_type": "qwen3_moe",
            "architectures": ["Qwen3MoeForCausalLM"],
            "hidden_size": 2048,
            "intermediate_size": 6144,
            "moe_intermediate_size": 768,
            "num_hidden_layers": 1,
            "num_attention_heads": 32,
            "num_key_value_heads": 4,
            "head_dim": 128,
            "num_experts": 128,
            "num_experts_per_tok": 8,
            "norm_topk_prob": True,
            "decoder_sparse_step": 1,
            "mlp_only_layers": [],
            "vocab_size": 151936,
            "max_position_embeddings": 40960,
            "rms_norm_eps": 1e-6,
            "rope_theta": 1000000.0,
            "tie_word_embeddings": False,
            "torch_dtype": "bfloat16",
        },
    },
}

# gpt-oss at the context issue 9 quotes (131,072): sliding (128) and full layers alternate, attention
# sinks, biased MoE. openai/gpt-oss-20b widths, two layers (one sliding, one full).
ARCHS["gptoss"] = {
    "gguf_arch": "gpt-oss",
    "hf": {
        "model_type": "gpt_oss",
        "architectures": ["GptOssForCausalLM"],
        "hidden_size": 2880,
        "intermediate_size": 2880,
        "num_hidden_layers": 2,
        "num_attention_heads": 64,
        "num_key_value_heads": 8,
        "head_dim": 64,
        "num_local_experts": 32,
        "num_experts_per_tok": 4,
        "experts_per_token": 4,
        "vocab_size": 201088,
        "max_position_embeddings": 131072,
        "rms_norm_eps": 1e-5,
        "rope_theta": 150000.0,
        "sliding_window": 128,
        "layer_types": ["sliding_attention", "full_attention"],
        "attention_bias": True,
        "rope_scaling": {
            "rope_type": "yarn",
            "factor": 32.0,
            "original_max_position_embeddings": 4096,
            "beta_fast": 32.0,
            "beta_slow": 1.0,
            "truncate": False,
        },
        "tie_word_embeddings": False,
        "torch_dtype": "bfloat16",
    },
    "settings": [
        (131072, 1, 512, 2048, "on", "f16", "f16"),
        (131072, 1, 2048, 2048, "on", "f16", "f16"),
        (131072, 4, 512, 2048, "on", "f16", "f16"),
        (32768, 1, 512, 2048, "on", "q8_0", "q8_0"),
        (16384, 1, 512, 2048, "off", "f16", "f16"),
    ],
}

# DeepSeek-V2-Lite widths (MLA: kv_lora_rank 512, rope 64, nope 128, v 128; 64 experts of 1408, 2 shared,
# top-6), one dense and one MoE layer, written twice: as today's converter writes it (MLA kept as the
# latent: key_length 576, *_mla keys, attn_k_b/attn_v_b) and as converters before llama.cpp's MLA
# split did (key_length 192, no *_mla keys, attn_kv_b), which llama.cpp caches as full per-head K and V.
_DSV2_HF = {
    "model_type": "deepseek_v2",
    "architectures": ["DeepseekV2ForCausalLM"],
    "hidden_size": 2048,
    "intermediate_size": 10944,
    "moe_intermediate_size": 1408,
    "num_hidden_layers": 2,
    "num_attention_heads": 16,
    "num_key_value_heads": 16,
    "kv_lora_rank": 512,
    "q_lora_rank": None,
    "qk_nope_head_dim": 128,
    "qk_rope_head_dim": 64,
    "v_head_dim": 128,
    "n_routed_experts": 64,
    "n_shared_experts": 2,
    "num_experts_per_tok": 6,
    "first_k_dense_replace": 1,
    "moe_layer_freq": 1,
    "vocab_size": 102400,
    "max_position_embeddings": 163840,
    "rms_norm_eps": 1e-6,
    "rope_theta": 10000.0,
    "tie_word_embeddings": False,
    "torch_dtype": "bfloat16",
}
_DSV2_SETTINGS = [
    (4096, 1, 512, 2048, "off", "f16", "f16"),
    (16384, 1, 512, 2048, "on", "f16", "f16"),
    (16384, 1, 512, 2048, "off", "f16", "f16"),
]
ARCHS["deepseek2"] = {"gguf_arch": "deepseek2", "hf": _DSV2_HF, "mla": True, "settings": _DSV2_SETTINGS}
ARCHS["deepseek2-old"] = {"gguf_arch": "deepseek2", "hf": _DSV2_HF, "mla": False, "settings": _DSV2_SETTINGS}

# (n_ctx, n_seq_max, n_ubatch, n_batch, flash_attn, type_k, type_v)
SETTINGS: list[tuple[int, int, int, int, str, str, str]] = [
    (4096, 1, 512, 2048, "off", "f16", "f16"),
    (16384, 1, 512, 2048, "off", "f16", "f16"),
    (16384, 1, 512, 2048, "on", "f16", "f16"),
    (16384, 1, 128, 2048, "on", "f16", "f16"),
    (16384, 1, 2048, 2048, "on", "f16", "f16"),
    (16384, 1, 512, 2048, "on", "q8_0", "q8_0"),
    (16384, 1, 512, 2048, "on", "q4_0", "q4_0"),
    (16384, 4, 512, 2048, "on", "f16", "f16"),
    (5000, 1, 512, 2048, "on", "f16", "f16"),  # not a multiple of 256: is n_ctx padded?
]


# ---------------------------------------------------------------- GGUF writing (gguf package)


def _deepseek2_layer(
    b: str, i: int, hf: dict[str, Any], *, mla: bool
) -> list[tuple[str, tuple[int, ...], str]]:
    """One DeepSeek-V2 layer in llama.cpp's naming (src/models/deepseek2.cpp, load_arch_tensors)."""
    d, nh, lora = hf["hidden_size"], hf["num_attention_heads"], hf["kv_lora_rank"]
    nope, rope, v = hf["qk_nope_head_dim"], hf["qk_rope_head_dim"], hf["v_head_dim"]
    out: list[tuple[str, tuple[int, ...], str]] = [
        (b + "attn_norm.weight", (d,), "f32"),
        (b + "attn_kv_a_norm.weight", (lora,), "f32"),
        (b + "attn_q.weight", (nh * (nope + rope), d), "q4_0"),
        (b + "attn_kv_a_mqa.weight", (lora + rope, d), "q4_0"),
        (b + "attn_output.weight", (d, nh * v), "q4_0"),
        (b + "ffn_norm.weight", (d,), "f32"),
    ]
    if mla:
        out += [
            (b + "attn_k_b.weight", (nh, lora, nope), "q4_0"),
            (b + "attn_v_b.weight", (nh, v, lora), "q4_0"),
        ]
    else:
        out += [(b + "attn_kv_b.weight", (nh * (nope + v), lora), "q4_0")]
    if i < hf["first_k_dense_replace"]:
        ff = hf["intermediate_size"]
        return [
            *out,
            (b + "ffn_gate.weight", (ff, d), "q4_0"),
            (b + "ffn_up.weight", (ff, d), "q4_0"),
            (b + "ffn_down.weight", (d, ff), "q4_0"),
        ]
    ne, fe, sh = hf["n_routed_experts"], hf["moe_intermediate_size"], hf["n_shared_experts"]
    return [
        *out,
        (b + "ffn_gate_inp.weight", (ne, d), "f32"),
        (b + "ffn_gate_exps.weight", (ne, fe, d), "q4_0"),
        (b + "ffn_up_exps.weight", (ne, fe, d), "q4_0"),
        (b + "ffn_down_exps.weight", (ne, d, fe), "q4_0"),
        (b + "ffn_gate_shexp.weight", (fe * sh, d), "q4_0"),
        (b + "ffn_up_shexp.weight", (fe * sh, d), "q4_0"),
        (b + "ffn_down_shexp.weight", (d, fe * sh), "q4_0"),
    ]


def _tensors(arch: str, hf: dict[str, Any]) -> list[tuple[str, tuple[int, ...], str]]:
    """(name, numpy shape [rows..., cols], 'f32'|'q4_0') in llama.cpp's naming for the architecture."""
    d, ff, nv = hf["hidden_size"], hf["intermediate_size"], hf["vocab_size"]
    hd = hf.get("head_dim", d // hf["num_attention_heads"])
    q, kv = hf["num_attention_heads"] * hd, hf["num_key_value_heads"] * hd
    out: list[tuple[str, tuple[int, ...], str]] = [
        ("token_embd.weight", (nv, d), "q4_0"),
        ("output_norm.weight", (d,), "f32"),
    ]
    if not hf["tie_word_embeddings"]:
        out.append(("output.weight", (nv, d), "q4_0"))
    for i in range(hf["num_hidden_layers"]):
        b = f"blk.{i}."
        if arch.startswith("deepseek2"):
            out += _deepseek2_layer(b, i, hf, mla=arch == "deepseek2")
            continue
        out += [
            (b + "attn_norm.weight", (d,), "f32"),
            (b + "attn_q.weight", (q, d), "q4_0"),
            (b + "attn_k.weight", (kv, d), "q4_0"),
            (b + "attn_v.weight", (kv, d), "q4_0"),
            (b + "attn_output.weight", (d, q), "q4_0"),
        ]
        if arch != "gptoss":  # gpt-oss normalises before its MoE with post_attention_norm instead
            out.append((b + "ffn_norm.weight", (d,), "f32"))
        if arch == "qwen2":
            out += [
                (b + "attn_q.bias", (q,), "f32"),
                (b + "attn_k.bias", (kv,), "f32"),
                (b + "attn_v.bias", (kv,), "f32"),
            ]
        if arch in ("gemma3", "qwen3moe"):
            out += [(b + "attn_q_norm.weight", (hd,), "f32"), (b + "attn_k_norm.weight", (hd,), "f32")]
        if arch == "gemma3":
            out += [
                (b + "post_attention_norm.weight", (d,), "f32"),
                (b + "post_ffw_norm.weight", (d,), "f32"),
            ]
        if arch == "gptoss":
            ne, fe = hf["num_local_experts"], hf["intermediate_size"]
            out += [
                (b + "attn_q.bias", (q,), "f32"),
                (b + "attn_k.bias", (kv,), "f32"),
                (b + "attn_v.bias", (kv,), "f32"),
                (b + "attn_output.bias", (d,), "f32"),
                (b + "attn_sinks.weight", (hf["num_attention_heads"],), "f32"),
                (b + "post_attention_norm.weight", (d,), "f32"),
                (b + "ffn_gate_inp.weight", (ne, d), "f32"),
                (b + "ffn_gate_inp.bias", (ne,), "f32"),
                (b + "ffn_gate_exps.weight", (ne, fe, d), "q4_0"),
                (b + "ffn_gate_exps.bias", (ne, fe), "f32"),
                (b + "ffn_up_exps.weight", (ne, fe, d), "q4_0"),
                (b + "ffn_up_exps.bias", (ne, fe), "f32"),
                (b + "ffn_down_exps.weight", (ne, d, fe), "q4_0"),
                (b + "ffn_down_exps.bias", (ne, d), "f32"),
            ]
            continue
        if arch == "qwen3moe":
            ne, fe = hf["num_experts"], hf["moe_intermediate_size"]
            out += [
                (b + "ffn_gate_inp.weight", (ne, d), "f32"),
                (b + "ffn_gate_exps.weight", (ne, fe, d), "q4_0"),
                (b + "ffn_up_exps.weight", (ne, fe, d), "q4_0"),
                (b + "ffn_down_exps.weight", (ne, d, fe), "q4_0"),
            ]
        else:
            out += [
                (b + "ffn_gate.weight", (ff, d), "q4_0"),
                (b + "ffn_up.weight", (ff, d), "q4_0"),
                (b + "ffn_down.weight", (d, ff), "q4_0"),
            ]
    return out


def _deepseek2_metadata(w: Any, hf: dict[str, Any], *, mla: bool) -> None:
    """Keys llama.cpp's deepseek2 loader reads; `mla` picks today's layout or the pre-split one."""
    lora, nope, rope, v = hf["kv_lora_rank"], hf["qk_nope_head_dim"], hf["qk_rope_head_dim"], hf["v_head_dim"]
    if mla:  # convert_hf_to_gguf.py today: one latent "head" of kv_lora_rank + rope
        w.add_head_count_kv(1)
        w.add_key_length(lora + rope)
        w.add_value_length(lora)
        w.add_key_length_mla(nope + rope)
        w.add_value_length_mla(v)
    else:  # before the MLA split: per-head K (nope + rope) and V
        w.add_head_count_kv(hf["num_attention_heads"])
        w.add_key_length(nope + rope)
        w.add_value_length(v)
    w.add_q_lora_rank(0)
    w.add_kv_lora_rank(lora)
    w.add_leading_dense_block_count(hf["first_k_dense_replace"])
    w.add_expert_count(hf["n_routed_experts"])
    w.add_expert_used_count(hf["num_experts_per_tok"])
    w.add_expert_shared_count(hf["n_shared_experts"])
    w.add_expert_feed_forward_length(hf["moe_intermediate_size"])
    w.add_expert_weights_scale(1.0)
    w.add_expert_gating_func(gguf_gating_softmax())


def gguf_gating_softmax() -> Any:
    import gguf

    return gguf.ExpertGatingFuncType.SOFTMAX


def write_gguf(path: Path, name: str) -> None:
    """A loadable GGUF with real widths, random Q4_0 weights and a byte-complete SPM vocabulary."""
    import gguf
    import numpy as np

    spec = ARCHS[name]
    arch, hf = spec["gguf_arch"], spec["hf"]
    hd = hf.get("head_dim", hf["hidden_size"] // hf["num_attention_heads"])
    w = gguf.GGUFWriter(str(path), arch)
    w.add_name(f"llmsize-oracle-{name}")
    w.add_file_type(gguf.LlamaFileType.MOSTLY_Q4_0)
    w.add_context_length(hf["max_position_embeddings"])
    w.add_embedding_length(hf["hidden_size"])
    w.add_block_count(hf["num_hidden_layers"])
    w.add_feed_forward_length(hf["intermediate_size"])
    w.add_head_count(hf["num_attention_heads"])
    if name.startswith("deepseek2"):
        _deepseek2_metadata(w, hf, mla=spec["mla"])
    else:
        w.add_head_count_kv(hf["num_key_value_heads"])
        w.add_key_length(hd)
        w.add_value_length(hd)
    w.add_layer_norm_rms_eps(hf["rms_norm_eps"])
    w.add_rope_freq_base(hf["rope_theta"])
    w.add_rope_dimension_count(hf.get("qk_rope_head_dim", hd))
    if name == "gemma3":
        w.add_sliding_window(hf["sliding_window"])
    if name == "qwen3moe":
        w.add_expert_count(hf["num_experts"])
        w.add_expert_used_count(hf["num_experts_per_tok"])
        w.add_expert_feed_forward_length(hf["moe_intermediate_size"])
    if name == "gptoss":
        w.add_sliding_window(hf["sliding_window"])
        w.add_expert_count(hf["num_local_experts"])
        w.add_expert_used_count(hf["num_experts_per_tok"])
        w.add_expert_feed_forward_length(hf["intermediate_size"])
    n_vocab = hf["vocab_size"]
    tokens = [f"<0x{b:02X}>" for b in range(256)] + [f"tok{i}" for i in range(256, n_vocab)]
    tokens[0:3] = ["<unk>", "<s>", "</s>"]  # SPM specials at 0..2; bytes 0x00-0x02 are never looked up
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores([0.0] * n_vocab)
    w.add_token_types([2, 3, 3] + [6] * 253 + [1] * (n_vocab - 256))
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)

    layout = _tensors(name, hf)
    q4 = gguf.GGMLQuantizationType.Q4_0
    rng = np.random.default_rng(0)
    for tname, shape, kind in layout:
        if kind == "f32":
            w.add_tensor_info(tname, shape, np.dtype(np.float32), int(np.prod(shape)) * 4)
        else:
            byte_shape = (*shape[:-1], shape[-1] // 32 * 18)
            w.add_tensor_info(tname, byte_shape, np.dtype(np.uint8), int(np.prod(byte_shape)), raw_dtype=q4)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_ti_data_to_file()
    for _name, shape, kind in layout:
        if kind == "f32":
            w.write_tensor_data(np.ones(shape, dtype=np.float32))
        else:
            byte_shape = (*shape[:-1], shape[-1] // 32 * 18)
            data = rng.integers(0, 256, size=byte_shape, dtype=np.uint8)
            data.reshape(-1, 18)[:, 1] &= 0x3B  # keep each block's f16 scale finite (exponent < 31)
            w.write_tensor_data(data)
    w.close()


# ---------------------------------------------------------------- one context, in a subprocess


_WORKER = r"""
import ctypes, sys, json
import llama_cpp as L
args = json.loads(sys.argv[1])
types = {"f16": 1, "q8_0": 8, "q4_0": 2, "f32": 0}
L.llama_backend_init()
mp = L.llama_model_default_params()
mp.n_gpu_layers = 0
mp.use_mmap = True
model = L.llama_model_load_from_file(args["path"].encode(), mp)
assert model, "model load failed"
cp = L.llama_context_default_params()
cp.n_ctx = args["n_ctx"]; cp.n_batch = args["n_batch"]; cp.n_ubatch = args["n_ubatch"]
cp.n_seq_max = args["n_seq_max"]; cp.n_threads = 1; cp.n_threads_batch = 1
cp.type_k = types[args["type_k"]]; cp.type_v = types[args["type_v"]]
fa = {"on": 1, "off": 0, "auto": -1}[args["flash_attn"]]
if hasattr(cp, "flash_attn_type"):
    cp.flash_attn_type = fa
else:
    cp.flash_attn = bool(fa == 1)
if hasattr(cp, "swa_full"):
    cp.swa_full = False
if hasattr(cp, "kv_unified"):
    cp.kv_unified = args["n_seq_max"] > 1
ctx = L.llama_init_from_model(model, cp)
assert ctx, "context creation failed"
print("ORACLE_OK", flush=True)
"""

_SETTING_LINE = re.compile(
    r"llama_kv_cache.*(size =|cells)|llama_context: (n_ctx|n_batch|n_ubatch|flash_attn|n_seq_max|kv_unified)"
)
_MIB_LINE = re.compile(r"(?P<where>[\w_]+)\s+(?P<kind>KV|compute|output) buffer size =\s*(?P<mib>[\d.]+) MiB")


def measure(
    path: Path, n_ctx: int, n_seq: int, n_ubatch: int, n_batch: int, fa: str, tk: str, tv: str
) -> dict[str, Any]:
    args = {
        "path": str(path),
        "n_ctx": n_ctx,
        "n_seq_max": n_seq,
        "n_ubatch": n_ubatch,
        "n_batch": n_batch,
        "flash_attn": fa,
        "type_k": tk,
        "type_v": tv,
    }
    proc = subprocess.run(
        [sys.executable, "-c", _WORKER, json.dumps(args)], capture_output=True, text=True, timeout=600
    )
    log = proc.stdout + proc.stderr
    if "ORACLE_OK" not in proc.stdout:
        raise RuntimeError(f"llama.cpp refused {args}:\n{log[-2000:]}")
    sizes: dict[str, int] = {"KV": 0, "compute": 0, "output": 0}
    lines: list[str] = []
    for line in log.splitlines():
        m = _MIB_LINE.search(line)
        if m:
            sizes[m["kind"]] += round(float(m["mib"]) * MIB)
            lines.append(line.strip())
        elif _SETTING_LINE.search(line):
            lines.append(line.strip())
    return {
        "kv_bytes": sizes["KV"],
        "compute_bytes": sizes["compute"],
        "output_bytes": sizes["output"],
        "log": lines,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archs", nargs="*", default=list(ARCHS))
    parser.add_argument("--keep", type=Path, help="keep the GGUFs in this folder")
    args = parser.parse_args()
    import llama_cpp
    import yaml

    folder = args.keep or Path(tempfile.mkdtemp(prefix="llmsize-oracle-"))
    folder.mkdir(parents=True, exist_ok=True)
    # Runs of architectures not measured this time are kept from the last file.
    old = yaml.safe_load(OUT.read_text(encoding="utf-8"))["runs"] if OUT.exists() else []
    runs = [r for r in old if r["arch"] not in args.archs]
    for name in args.archs:
        path = folder / f"{name}.gguf"
        if not path.exists():
            write_gguf(path, name)
        for n_ctx, n_seq, ub, nb, fa, tk, tv in ARCHS[name].get("settings", SETTINGS):
            res = measure(path, n_ctx, n_seq, ub, nb, fa, tk, tv)
            settings = {
                "n_ctx": n_ctx,
                "n_seq_max": n_seq,
                "n_ubatch": ub,
                "n_batch": nb,
                "flash_attn": fa,
                "type_k": tk,
                "type_v": tv,
                "swa_full": False,
                "kv_unified": n_seq > 1,
                "n_gpu_layers": 0,
            }
            runs.append(
                {
                    "arch": name,
                    "hf_config": ARCHS[name]["hf"],
                    "weights": "Q4_0 (random)",
                    "gguf_only": name
                    == "deepseek2-old",  # its layout is in the GGUF metadata, not the config
                    "settings": settings,
                    **res,
                }
            )
            print(
                f"{name:9s} ctx={n_ctx:6d} seq={n_seq} ub={ub:5d} fa={fa:3s} {tk}/{tv}: "
                f"KV {res['kv_bytes'] / MIB:9.2f} MiB, compute {res['compute_bytes'] / MIB:9.2f} MiB, "
                f"output {res['output_bytes'] / MIB:6.2f} MiB",
                flush=True,
            )
        if not args.keep:
            path.unlink()
    doc = {
        "generator": "bench/llama_cpp_oracle.py",
        "llama_cpp_python": llama_cpp.__version__,
        "backend": "CPU (n_gpu_layers=0); buffer sizes are llama.cpp's own log lines",
        "layers_note": "2 layers (gemma3: 6 with one full; qwen3moe: 1; gpt-oss, deepseek2: see ARCHS)",
        "runs": runs,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(yaml.safe_dump(doc, sort_keys=False, width=120), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} ({len(runs)} runs)")


if __name__ == "__main__":
    main()
