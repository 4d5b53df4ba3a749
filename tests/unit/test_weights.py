"""Weights per GPU: effective format, placement across tensor/pipeline/data parallelism, exact bytes."""

from __future__ import annotations

import pytest

from llmsize.errors import BadInputError
from llmsize.estimate import weights as W
from llmsize.estimate.workload import Workload
from llmsize.specs.models import CheckpointInfo, Provenance, QuantMethod, WeightFormat
from llmsize.specs.params import param_inventory, total_params
from llmsize.specs.resolve import resolve
from spec_factories import llama3_8b

PROV = Provenance(kind="catalog", source="test")


_llama8b = llama3_8b


def test_plain_dtypes_are_params_times_bytes() -> None:
    spec = _llama8b()
    n = total_params(spec)
    assert n == 8_030_261_248  # published: meta-llama/Meta-Llama-3-8B safetensors total_size / 2
    assert W.weight_bytes(spec, Workload()) == 2 * n
    assert W.weight_bytes(spec, Workload(dtype="fp32")) == 4 * n


def test_fewer_bits_never_more_bytes() -> None:
    spec = _llama8b()
    order = [
        Workload(dtype="fp32"),
        Workload(),
        Workload(quant="bnb-int8"),
        Workload(quant="fp8"),
        Workload(quant="gptq"),
        Workload(quant="bnb-nf4"),
    ]
    sizes = [W.weight_bytes(spec, wl) for wl in order]
    assert sizes == sorted(sizes, reverse=True)


def test_quantized_formats_leave_embeddings_head_and_norms_in_float() -> None:
    spec = _llama8b()
    fmt = W.effective_format(spec, Workload(quant="gptq"))[0]
    assert fmt.dtype == "fp16"  # GPTQ kernels run in fp16
    shards = W.stage_shards(spec, Workload(), W.stages(spec, Workload())[0])
    float_bytes = sum(
        W.shard_bytes(spec, s, fmt) for s in shards if s.group.kind in ("embedding", "lm_head", "norm")
    )
    float_params = sum(s.numel for s in shards if s.group.kind in ("embedding", "lm_head", "norm"))
    assert float_bytes == 2 * float_params


def test_effective_format_rules() -> None:
    spec = _llama8b()
    qlora, notes = W.effective_format(spec, Workload(mode="qlora"))
    assert qlora.quant == QuantMethod.BNB_NF4 and qlora.double_quant
    assert any("NF4" in n for n in notes)
    int4, notes = W.effective_format(spec, Workload(dtype="int4"))
    assert int4.quant == QuantMethod.COMPRESSED_TENSORS and int4.bits == 4
    assert any("int4" in n for n in notes)
    fp8 = W.effective_format(spec, Workload(dtype="fp8"))[0]
    assert fp8.quant == QuantMethod.FP8 and fp8.group_size == 0
    assert W.effective_format(spec, Workload(dtype="fp16"))[0] == WeightFormat(dtype="fp16")


def test_impossible_training_of_quantized_weights() -> None:
    spec = _llama8b()
    with pytest.raises(BadInputError, match="cannot take gradients"):
        W.effective_format(spec, Workload(mode="full", quant="gptq"))
    with pytest.raises(BadInputError, match="needs a quantized base"):
        W.effective_format(spec, Workload(mode="qlora", quant="none"))


def test_tensor_parallel_halves_the_sharded_layers() -> None:
    spec = _llama8b()
    one = W.weight_bytes(spec, Workload())
    two = W.weight_bytes(spec, Workload(tp=2, num_gpus=2))
    norms = sum(g.numel for g in param_inventory(spec) if g.kind == "norm") * 2
    assert two == (one - norms) // 2 + norms  # everything but the replicated norms is split


def test_tp_beyond_kv_heads_replicates_them() -> None:
    spec = _llama8b()
    shards = W.stage_shards(spec, Workload(tp=16, num_gpus=16), W.stages(spec, Workload())[0])
    k = next(s for s in shards if s.group.name == "k_proj")
    assert k.out_features == 128  # one replicated KV head per rank (8 heads, tp 16)
    q = next(s for s in shards if s.group.name == "q_proj")
    assert q.out_features == 4096 // 16


@pytest.mark.parametrize("tp", [3, 5, 64])
def test_tp_must_divide_the_heads(tp: int) -> None:
    with pytest.raises(BadInputError, match="--tp"):
        W.weight_bytes(_llama8b(), Workload(tp=tp, num_gpus=tp))


def test_pipeline_stages_hold_their_ends() -> None:
    spec = _llama8b()
    wl = Workload(pp=4, num_gpus=4)
    parts = W.stages(spec, wl)
    assert [len(p.layers) for p in parts] == [8, 8, 8, 8]
    assert parts[0].embedding and not parts[0].head and parts[-1].head
    per_stage = W.estimate_weights(spec, wl).per_stage
    assert sum(per_stage) == W.weight_bytes(spec, Workload())
    uneven = W.stages(spec, Workload(pp=3, num_gpus=3))
    assert [len(p.layers) for p in uneven] == [10, 11, 11]


def test_tied_embeddings_are_duplicated_on_the_last_stage() -> None:
    spec = _llama8b().model_copy(update={"tie_word_embeddings": True})
    per_stage = W.estimate_weights(spec, Workload(pp=2, num_gpus=2)).per_stage
    embedding = 128256 * 4096 * 2
    assert sum(per_stage) == W.weight_bytes(spec, Workload()) + embedding


def test_zero3_shards_weights_across_data_parallel_gpus() -> None:
    spec = _llama8b()
    full = W.weight_bytes(spec, Workload(mode="full"))
    assert W.weight_bytes(spec, Workload(mode="full", zero=3, num_gpus=8)) == -(-full // 8)
    assert W.weight_bytes(spec, Workload(mode="full", zero=2, num_gpus=8)) == full


def test_llama_cpp_keeps_token_embeddings_on_the_cpu() -> None:
    spec = _llama8b()
    wl = Workload(quant="Q4_K_M", engine="llama.cpp")
    fmt = W.effective_format(spec, wl)[0]
    embd = 128256 * 4096 // 256 * 144  # token_embd in Q4_K
    assert W.weight_bytes(spec, wl) == W.model_weight_bytes(spec, fmt) - embd
    head_on_cpu = Workload(quant="Q4_K_M", engine="llama.cpp", gpu_layers=32)
    output = 128256 * 4096 // 256 * 210  # output.weight in Q6_K
    assert W.weight_bytes(spec, head_on_cpu) == W.weight_bytes(spec, wl) - output - 4096 * 4


def test_gguf_on_transformers_is_dequantized() -> None:
    spec = _llama8b().model_copy(
        update={
            "weight_format": WeightFormat(dtype="fp32", quant=QuantMethod.GGUF, gguf_type="Q4_K_M"),
        }
    )
    fmt, notes = W.effective_format(spec, Workload())
    assert fmt.quant is None and any("dequantizes" in n for n in notes)
    assert W.effective_format(spec, Workload(engine="llama.cpp"))[0].quant == QuantMethod.GGUF


def test_checkpoint_bytes_are_used_when_the_format_matches() -> None:
    spec = _llama8b()
    ck = CheckpointInfo(format="safetensors", total_params=total_params(spec), total_bytes=16_060_522_500)
    with_ck = spec.model_copy(update={"checkpoint": ck})
    est = W.estimate_weights(with_ck, Workload())
    assert est.from_checkpoint and est.per_stage == (16_060_522_500,)
    assert not W.estimate_weights(with_ck, Workload(dtype="fp32")).from_checkpoint


def test_moe_experts_are_quantized_and_router_is_not() -> None:
    spec = resolve("Mixtral-8x7B-v0.1")
    fmt = W.effective_format(spec, Workload(quant="gptq"))[0]
    shards = W.stage_shards(spec, Workload(), W.stages(spec, Workload())[0])
    router = next(s for s in shards if s.group.kind == "router")
    expert = next(s for s in shards if s.group.kind == "expert")
    assert W.shard_bytes(spec, router, fmt) == router.numel * 2
    assert (
        expert.numel // 2 < W.shard_bytes(spec, expert, fmt) < 0.53 * expert.numel
    )  # 4 bits + group metadata


def test_mxfp4_quantizes_only_experts() -> None:
    spec = resolve("gpt-oss-20b")
    assert spec.weight_format.quant == QuantMethod.MXFP4
    fmt = W.effective_format(spec, Workload())[0]
    shards = W.stage_shards(spec, Workload(), W.stages(spec, Workload())[0])
    for s in shards:
        b = W.shard_bytes(spec, s, fmt)
        if s.group.kind == "expert":
            assert b < s.numel  # about 4.25 bits per weight (+ bf16 biases)
        else:
            assert b == 2 * s.numel


def test_compressed_tensors_regex_ignore_keeps_attention_in_bf16() -> None:
    """llm-compressor's "re:" ignore entries match full module names (compressed_tensors.utils.match,
    re.match); Kimi-K2-Thinking ignores "re:.*self_attn.*": its attention stays bf16, its experts int4."""
    spec = _llama8b()
    plain = WeightFormat(dtype="bf16", quant=QuantMethod.COMPRESSED_TENSORS, bits=4, group_size=32)
    ignored = plain.model_copy(update={"modules_not_converted": ("lm_head", "re:.*self_attn.*")})
    shards = W.stage_shards(spec, Workload(), W.stages(spec, Workload())[0])
    attn = [s for s in shards if s.group.kind == "attn" and s.group.is_linear]
    mlp = [s for s in shards if s.group.kind == "mlp" and s.group.is_linear]
    assert attn and mlp

    def total(fmt: WeightFormat, shards: list[W.Shard]) -> int:
        return sum(W.shard_bytes(spec, s, fmt) for s in shards)

    assert total(ignored, attn) == 2 * sum(s.numel for s in attn)
    assert total(ignored, attn) > 3 * total(plain, attn)
    assert total(ignored, mlp) == total(plain, mlp)


def test_memoised_weights_follow_every_field_of_the_spec() -> None:
    # Issue 15 memoises the inventory and stage bytes on the frozen spec: a spec that differs in one
    # field (a larger vocabulary: 128,256 x 4,096 more embedding and head params) gets its own answer.
    spec = llama3_8b()
    wider = spec.model_copy(update={"vocab_size": spec.vocab_size * 2})
    fmt = WeightFormat(dtype="bf16")
    base, more = W.model_weight_bytes(spec, fmt), W.model_weight_bytes(wider, fmt)
    assert more - base == 2 * spec.vocab_size * spec.hidden_size * 2  # embed + untied lm_head, bf16
    assert W.model_weight_bytes(spec, fmt) == base  # asked again: the same bytes
    assert total_params(wider) - total_params(spec) == 2 * spec.vocab_size * spec.hidden_size
    assert param_inventory(spec) is param_inventory(spec.model_copy())  # equal specs share one inventory
