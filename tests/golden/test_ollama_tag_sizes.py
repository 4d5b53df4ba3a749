"""The weights llmsize sizes for an Ollama tag against the download size ollama.com publishes for it.

ollama.com shows sizes in GB (10^9 bytes) rounded to two significant figures ("24GB", "7.2GB"); the
GGUF's metadata and tokenizer are a few MB. A tag must come within 3% of the published figure: the
mechanisms behind the sizes are the file's quant mix (llama.cpp's llama-quant.cpp rules, or the Go
quantizer Ollama used to publish its 2026 libraries, server/quantization.go before 9db4bdbad), what
its converter puts in the file (vision and audio towers, MTP blocks), and the library's default type.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.specs.resolve import resolve

_KGP = "https://kgptalkie.com/tutorials/generative-ai/local-llms-2026-technical-reference-guide"
_GEMMA4 = "https://github.com/kryptobaseddev/cleo/pull/1080 (read from ollama.com/library/gemma4, 2026-06-11)"
_GPT_OSS = "https://b-lab.team/en/content/99172e10-6837-4e68-ab97-2b1909a752a5 (ollama.com/library/gpt-oss)"

# (tag, published GB, source)
PUBLISHED: list[tuple[str, float, str]] = [
    ("qwen3.5:35b-a3b", 24, _KGP),  # Go quantizer pins (expert ffn_down Q6_K) + the MTP block + vision
    ("qwen3.5:9b", 6.6, _KGP),
    ("nemotron-3-nano", 24, _KGP),
    ("mixtral", 26, _KGP),  # the untagged pull is Q4_0
    ("gemma4:e2b", 7.2, "https://github.com/ollama/ollama/issues/15356"),  # per-layer table unquantized
    ("gemma4:e4b", 9.6, _GEMMA4),
    ("gemma4", 9.6, "https://github.com/ochyai/vibe-local/issues/21 (gemma4:latest = e4b, 9.6GB)"),
    ("gemma4:26b", 18, _GEMMA4),
    ("gemma4:31b", 20, _GEMMA4),
    ("gemma4:26b-a4b-it-q8_0", 28, "https://ollama.com/library/gemma4:26b-a4b-it-q8_0"),
    ("gpt-oss:20b", 14, _GPT_OSS),
    # public `ollama list` outputs: gpt-oss:latest and gpt-oss:20b share manifest id aa4295ac10c3
    ("gpt-oss", 14, "`ollama list`: gpt-oss:latest aa4295ac10c3 = gpt-oss:20b; ollama.com 14GB"),
    ("gemma3", 3.3, "public `ollama list`: gemma3:latest a2af6cc3eb7f 3.3 GB (= gemma3:4b)"),
    ("gpt-oss:120b", 65, _GPT_OSS),
    # Ollama's own load log: memory.weights.total="132.3 GiB" = 142.06 GB (the GGUF's tensors)
    ("qwen3:235b", 132.3 * 2**30 / 1e9, "https://github.com/ollama/ollama/issues/10810"),
    ("llama3", 4.7, "https://github.com/jakobdylanc/llmcord/issues/32 (llama3 download about 4.7GB; Q4_0)"),
    ("llama3:70b", 40, "https://github.com/jakobdylanc/llmcord/issues/32 (70b: 40GB)"),
    ("llama4:scout", 67, "https://canitrun.net/models/llama-4-scout (Ollama scout-q4_K_M: 67 GB file)"),
]


def _weights(tag: str) -> int:
    return estimate(resolve(tag), Workload(engine="ollama")).all_weights_bytes  # the GGUF: GPU + host RAM


@pytest.mark.parametrize(("tag", "published_gb", "source"), PUBLISHED, ids=[row[0] for row in PUBLISHED])
def test_tag_weights_match_the_published_download(tag: str, published_gb: float, source: str) -> None:
    assert source
    assert _weights(tag) == pytest.approx(published_gb * 1e9, rel=0.03)


def test_glm_4_7_flash_download_is_twenty_one_gigabyte_parts() -> None:
    # ollama/ollama#14273: pulling glm-4.7-flash:latest logs "downloading 9eba2761cf0b in 20 1 GB part(s)";
    # server/download.go splits a blob into parts of min(size / 16, 1000 MB) (format.MegaByte = 10^6), so
    # the file is over 19 and at most 20 GB (ollama.com/library/glm-4.7-flash: 19GB). The Go quantizer's
    # per-tensor ffn_down index puts it there; llama.cpp's per-block rule gives 18.4 GB.
    weights = _weights("glm-4.7-flash:latest")
    assert 19e9 < weights <= 20e9
    plain = estimate(resolve("GLM-4.7-Flash"), Workload(engine="llama.cpp", quant="Q4_K_M")).all_weights_bytes
    assert plain < 19e9


def test_qwen35_library_files_differ_from_a_llama_cpp_q4_k_m_by_their_quantizer_and_mtp_block() -> None:
    # Without the Go quantizer's pins and the MTP block the same model at llama.cpp's Q4_K_M mix is
    # 22.0 GB, 8% under the 24 GB download: both mechanisms are needed to reach it.
    spec = resolve("qwen3.5:35b-a3b")
    assert spec.mtp_in_weights
    assert ("expert.ffn_down", "Q6_K") in spec.weight_format.gguf_tensor_types
    plain_fmt = spec.weight_format.model_copy(update={"gguf_tensor_types": ()})
    plain = spec.model_copy(update={"weight_format": plain_fmt, "mtp_in_weights": False})
    ours = _weights("qwen3.5:35b-a3b")
    baseline = estimate(plain, Workload(engine="ollama")).all_weights_bytes
    assert baseline < 0.94 * 24e9 < ours
    # a q8_0 tag is not a K-quant: the pins do not apply
    assert resolve("qwen3.5:35b-a3b-q8_0").weight_format.gguf_tensor_types == ()


def test_gemma4_edge_tags_keep_the_per_layer_table_at_16_bits_at_every_type() -> None:
    # server/quantization.go newType (Go quantizer): per_layer_token_embd.weight is never quantized.
    for tag in ("gemma4:e2b", "gemma4:e2b-it-q8_0"):
        assert "embed_tokens_per_layer" in resolve(tag).weight_format.modules_not_converted
    # the E2B table is 262,144 x 35 layers x 256 at 2 bytes: 4.7 GB of the 7.2 GB download
    assert _weights("gemma4:e2b") > 262_144 * 35 * 256 * 2


# gpt-oss: the bytes of Ollama's converted file (engines/ollama_gptoss_file.py), not the 2-significant-figure
# page. The current gpt-oss:20b model layer (sha256 e7b273f96360, manifest 17052f91a42e) is 13,793,422,144 B
# ("model_layer_bytes: 13793422144", a public qualification record of that manifest, found by
# `find_string e7b273f9636059a689e3`); ollama.com rounds it to "14GB" and `ollama list` prints "13 GB"
# (format.HumanBytes truncates). The GGUF's key-values and tokenizer (201,088 tokens, their merges) make
# the difference, which must stay small and positive.
_GPT_OSS_20B_LAYER_BYTES = 13_793_422_144


def test_gpt_oss_20b_weights_are_the_library_file_less_its_tokenizer() -> None:
    metadata = _GPT_OSS_20B_LAYER_BYTES - _weights("gpt-oss:20b")
    assert 5e6 < metadata < 20e6
    # the safetensors layout (router, norms and biases BF16, as the checkpoint stores them) is 18 MB short
    # by 24 layers x (router 32 x 2,880 + 1-D 13,856 + expert biases 32 x 8,640) x 2 bytes + output_norm's
    from llmsize.estimate.weights import model_weight_bytes

    spec = resolve("gpt-oss-20b")
    extra = 24 * (32 * 2_880 + 13_856 + 32 * 8_640) * 2 + 2_880 * 2
    assert _weights("gpt-oss:20b") - model_weight_bytes(spec, spec.weight_format) == extra


def test_gpt_oss_120b_model_buffer_is_ollama_0_30_log() -> None:
    # ollama/ollama#16416 (Ollama 0.30, llama-server, gpt-oss:120b blob 6be6d66a): memory breakdown
    # "ROCm0 ... 61223 + 9306 + 796" (model + context + compute MiB) and "Host ... 1104" (token embeddings).
    est = estimate(resolve("gpt-oss:120b"), Workload(engine="ollama"))
    on_gpu = est.all_weights_bytes - 201_088 * 2_880 * 2  # token_embd (BF16) is CPU_Mapped
    assert on_gpu / 2**20 == pytest.approx(61223, abs=1)
    assert round(201_088 * 2_880 * 2 / 2**20) == 1105  # the host line's 1104 MiB, truncated
