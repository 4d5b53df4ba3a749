"""hardware/read_bytes.py: a MoE decode step's bytes, counted per tensor group in its own type."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize.estimate.placement import Stage
from llmsize.estimate.weights import effective_format, shard_bytes, stage_shards
from llmsize.estimate.workload import Workload
from llmsize.hardware.plan import read_fraction
from llmsize.hardware.read_bytes import read_byte_shares
from llmsize.specs.resolve import resolve


def _wl(
    quant: str | None = None, batch: int = 1, engine: str = "llama.cpp", dtype: str | None = None
) -> Workload:
    data: dict[str, object] = {"engine": engine, "context": 256, "prompt_tokens": 128, "batch": batch}
    if quant:
        data["quant"] = quant
    if dtype:
        data["dtype"] = dtype
    return Workload.model_validate(data)


def test_f32_routers_make_qwen3_next_read_more_than_its_parameter_share() -> None:
    # llama-quant.cpp keeps ffn_gate_inp in F32: 48 layers x 512 experts x 2048 x 4 bytes = 201 MB,
    # 0.06% of the parameters but a tenth of what one token reads from a Q4_K_M file.
    spec = resolve("Qwen3-Next-80B-A3B-Instruct")
    shares = read_byte_shares(spec, _wl("Q4_K_M"))
    assert shares is not None
    assert shares[0] > 1.05 * read_fraction(spec, 1)


def test_vision_tower_is_not_read_per_token() -> None:
    spec = resolve("Qwen3.5-35B-A3B")
    wl = _wl("Q4_K_M")
    shares = read_byte_shares(spec, wl)
    assert shares is not None and spec.extra_params > 0
    fmt, _ = effective_format(spec, wl)
    everything = Stage(0, tuple(range(spec.num_layers)), True, True)
    sizes = [(s.group, shard_bytes(spec, s, fmt)) for s in stage_shards(spec, wl, everything)]
    total = sum(b for _, b in sizes)
    dense = sum(b for g, b in sizes if g.kind not in ("expert", "embedding") and g.name != "extra")
    experts = sum(b for g, b in sizes if g.kind == "expert")
    picked = 1 - (1 - spec.num_experts_per_tok / spec.num_experts)
    assert abs(shares[0] * total - (dense + experts * picked)) <= 1e-6 * total
    assert abs(shares[1] * total - experts) <= 1e-6 * total


def test_llama_cpp_without_a_gguf_type_keeps_the_parameter_share() -> None:
    # gpt-oss asked for as its bf16 checkpoint (--dtype bf16) has no GGUF type: the checkpoint's bf16
    # attention is not what a file holds.
    assert read_byte_shares(resolve("gpt-oss-20b"), _wl(dtype="bf16")) is None
    assert read_byte_shares(resolve("gpt-oss-20b"), _wl(engine="vllm")) is not None
    # named plainly it runs as the MXFP4_MOE file `-hf ggml-org/gpt-oss-20b-GGUF` pulls
    # (engines/llama_cpp_download.py), whose per-tensor types are known
    assert read_byte_shares(resolve("gpt-oss-20b"), _wl()) is not None


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 256))
def test_shares_are_fractions_and_grow_with_the_batch(batch: int) -> None:
    spec = resolve("Qwen3-30B-A3B")
    one = read_byte_shares(spec, _wl("Q4_K_M", batch))
    more = read_byte_shares(spec, _wl("Q4_K_M", batch + 1))
    assert one is not None and more is not None
    assert 0 < one[0] <= more[0] <= 1
    assert 0 < one[1] < 1 and one[1] == more[1]
