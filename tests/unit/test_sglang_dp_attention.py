"""SGLang's DP attention (estimate/engines/sglang_dp_attention.py): what one rank of `--tp T --dp-size N
--enable-dp-attention` holds.

Qwen3-30B-A3B's config.json (hidden 2,048, 48 layers, 32 query heads and 4 KV heads of 128, q/k norms,
vocab 151,936, untied head) gives the bytes by hand; the rules are read from sgl-project/sglang
(models/qwen3_moe.py Qwen3MoeAttention: tp_size=attn_tp_size; qwen2_moe.py VocabParallelEmbedding
enable_tp=not dp attention; ParallelLMHead use_attn_tp_group=enable_dp_lm_head; arg_groups/parallel_hook.py:
chunked_prefill_size // dp_size).
"""

from __future__ import annotations

import pytest

from llmsize.errors import BadInputError
from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.specs.resolve import resolve

HIDDEN, LAYERS, HEAD, Q_HEADS, KV_HEADS, VOCAB = 2048, 48, 128, 32, 4, 151936
BF16 = 2
ATTENTION = LAYERS * (2 * HIDDEN * Q_HEADS * HEAD + 2 * HIDDEN * KV_HEADS * HEAD + 2 * HEAD) * BF16
EMBEDDING = VOCAB * HIDDEN * BF16  # the token embedding; the LM head has the same shape


def _rank(**fields: object) -> tuple[int, int]:
    """(weights, KV cache) of one rank of Qwen3-30B-A3B on SGLang at TP 4, 4,096 tokens."""
    wl = Workload(engine="sglang", tp=4, num_gpus=4, context=4096, **fields)  # type: ignore[arg-type]
    est = estimate(resolve("Qwen3-30B-A3B"), wl)
    return est.weights_bytes, est.kv_cache_bytes


def test_attention_embedding_and_head_stay_whole_with_dp_lm_head() -> None:
    split, _ = _rank()
    whole, _ = _rank(dp_attention=4, dp_lm_head=True)
    # attn_tp_size = 4 / 4 = 1: the ranks hold 3/4 more of the attention, embedding and head than TP 4 did
    # (the 2 MiB segment rounding of the larger tensors moves by less than one segment a tensor)
    grown = 3 * (ATTENTION + 2 * EMBEDDING) // 4
    assert abs((whole - split) - grown) < 0.002 * grown


def test_lm_head_keeps_the_full_tp_split_without_dp_lm_head() -> None:
    with_head, _ = _rank(dp_attention=4, dp_lm_head=True)
    without, _ = _rank(dp_attention=4)
    assert with_head - without == pytest.approx(3 * EMBEDDING // 4, rel=0.002)


def test_each_rank_caches_the_kv_heads_of_its_attention_group() -> None:
    _, split = _rank()
    _, whole = _rank(dp_attention=4)
    _, half = _rank(dp_attention=2)
    assert split == 4096 * LAYERS * 2 * (KV_HEADS // 4) * HEAD * BF16
    assert whole == 4 * split  # one rank per group: all 4 KV heads
    assert half == 2 * split  # groups of 2 ranks: 2 KV heads each


def test_dp_attention_divides_the_prefill_chunk() -> None:
    from llmsize.estimate.engines.sglang import Sglang

    wl = Workload(engine="sglang", tp=4, num_gpus=4, max_num_batched_tokens=8192, dp_attention=4)  # type: ignore[arg-type]
    assert Sglang(wl).chunked_prefill() == 2048
    assert Sglang(wl).configured_chunk() == 8192  # the memory defaults read the undivided size


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"dp_attention": 3}, "must divide --tp"),
        ({"dp_lm_head": True}, "--dp-lm-head needs --dp-attention"),
    ],
)
def test_impossible_layouts_are_refused(fields: dict[str, object], says: str) -> None:
    with pytest.raises(BadInputError, match=says):
        _rank(**fields)


def test_other_engines_refuse_the_option() -> None:
    wl = Workload(engine="vllm", tp=4, num_gpus=4, context=4096, dp_attention=4)  # type: ignore[arg-type]
    with pytest.raises(BadInputError, match="--dp-attention applies to SGLang"):
        estimate(resolve("Qwen3-30B-A3B"), wl)


def test_the_cli_reads_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from typer.testing import CliRunner

    from llmsize.cli import app, main

    args = ["estimate", "Qwen3-30B-A3B", "--engine", "sglang", "--tp", "4", "--num-gpus", "4"]
    args += ["--context", "4096"]
    done = CliRunner().invoke(app, [*args, "--dp-attention", "4", "--format", "json"])
    assert done.exit_code == 0
    doc = json.loads(done.stdout)
    assert doc["workload"]["dp_attention"] == 4
    assert doc["memory"]["kv_cache"] == 4096 * LAYERS * 2 * KV_HEADS * HEAD * BF16
    with pytest.raises(SystemExit) as refused:  # one line and exit 2, through the CLI's error handling
        main([*args, "--dp-attention", "3"])
    assert refused.value.code == 2
    assert "--dp-attention 3 must divide --tp 4" in capsys.readouterr().err


def test_plan_writes_the_dp_attention_flags_check_reads_back(capsys: pytest.CaptureFixture[str]) -> None:
    from llmsize.cli import main
    from llmsize.preflight.check import workload_from
    from llmsize.preflight.launch import parse_launch

    with pytest.raises(SystemExit) as done:
        main(["plan", "Qwen3-30B-A3B", "--gpu", "H100", "--engine", "sglang", "--dp-attention", "2"])
    line = capsys.readouterr().out.strip()
    assert done.value.code in (0, None)
    # the planner skips TP 1, which 2 attention groups cannot split
    assert "--tp-size 2 --dp-size 2 --enable-dp-attention" in line
    from llmsize.hardware.gpus import get_gpu

    wl, _ = workload_from(parse_launch(line), resolve("Qwen3-30B-A3B"), get_gpu("H100"), None)
    assert (wl.tp, wl.dp_attention, wl.dp_lm_head) == (2, 2, False)


def test_dp_attention_reserves_graph_padding() -> None:
    # memory_hook.py reserve_for_graph_mb (0.5.x server_args.py _handle_gpu_memory_settings): max_bs x dp_size
    # x 3 MiB, plus x 1.5 above a decode max_bs of 300
    from llmsize.estimate.engines import sglang_rules as rules

    plain = rules.reserved_mib(8192, 4, 1, 512, mla=False)
    assert rules.reserved_mib(8192, 4, 1, 512, mla=False, dp_attention=4) - plain == 512 * 4 * 4.5
    small = rules.reserved_mib(8192, 4, 1, 256, mla=False)
    assert rules.reserved_mib(8192, 4, 1, 256, mla=False, dp_attention=4) - small == 256 * 4 * 3
