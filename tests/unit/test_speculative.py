"""Speculative decoding: the drafter's weights and cache as vLLM, SGLang and llama.cpp allocate them.

Expected values are the engines' arithmetic written out by hand from the files estimate/speculative.py
and the engine modules cite (vLLM 0.19 wheel: v1/spec_decode/eagle.py, v1/core/kv_cache_utils.py,
v1/worker/gpu_model_runner.py, config/vllm.py; SGLang 0.5.23 wheel: model_executor/pool_configurator.py,
mem_cache/kv_cache_configurator.py, arg_groups/speculative_hook.py); published figures carry their URL.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli_rows import main_result
from llmsize.cli import main
from llmsize.errors import BadInputError
from llmsize.estimate import speculative
from llmsize.estimate.core import estimate
from llmsize.estimate.engines import engine_for
from llmsize.estimate.engines import sglang_rules as rules
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.specs.resolve import resolve


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code, out, err = main_result(argv, capsys)
    return code, out + err


def _est(model: str, **wl: object) -> object:
    return estimate(resolve(model), Workload(**wl))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- bad input


def test_mtp_on_a_model_without_mtp_layers_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = _run(["estimate", "Llama-3.1-8B", "--engine", "vllm", "--speculative", "mtp"], capsys)
    assert code == 2
    assert "no multi-token-prediction layers" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--speculative", "mtp"], "applies to vLLM and SGLang and llama.cpp"),  # transformers
        (["--engine", "ollama", "--speculative", "draft:Llama-3.2-1B"], "not Ollama"),
        (["--engine", "llama.cpp", "--speculative", "eagle", "--num-speculative-tokens", "3"], "eagle"),
        (["--engine", "vllm", "--speculative", "eagle3"], "needs --num-speculative-tokens"),
        (["--engine", "vllm", "--speculative", "medusa"], "not a method"),
        (["--engine", "vllm", "--num-speculative-tokens", "3"], "needs --speculative"),
    ],
)
def test_settings_no_engine_runs_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = _run(["estimate", "Llama-3.1-8B", *args], capsys)
    assert code == 2, output
    assert message in output


# --------------------------------------------------------------------------- vLLM


def test_vllm_mtp_layer_joins_the_mla_group_and_loads_its_own_shared_head() -> None:
    # DeepSeek-V3 at TP 8: the MTP layer is one more MLA layer in the one KV group (61 -> 62 layers per
    # block id, FlashMLA pages of 64 tokens x 576 latent values x 2 bytes); deepseek_mtp.py keeps its
    # shared_head.head (vocab x hidden, bf16, vocab-parallel), the embedding is shared (eagle.py).
    base = _est("DeepSeek-V3", engine="vllm", tp=8, num_gpus=8, context=32768)
    mtp = _est("DeepSeek-V3", engine="vllm", tp=8, num_gpus=8, context=32768, speculative="mtp")
    page = 64 * 576 * 2
    assert base.engine_figures.kv_page_bytes == 61 * page  # type: ignore[attr-defined]
    assert mtp.engine_figures.kv_page_bytes == 62 * page  # type: ignore[attr-defined]
    head = 129280 * 7168 * 2 // 8
    extra = mtp.weights_bytes - base.weights_bytes  # type: ignore[attr-defined]
    assert head < extra < head + 11.6e9 / 8 * 1.2  # + one 256-expert fp8 layer (~11.5B params) per rank


def test_vllm_eagle_head_of_llama_is_one_full_attention_layer_and_a_bf16_head() -> None:
    # An EAGLE-3 head for Llama-3.1-8B: one decoder layer (q/k/v read 2h), fc 3h -> h, a 32,000-token
    # lm_head, bf16: 423,624,704 parameters (the published heads are ~0.85 GB).
    spec = resolve("Llama-3.1-8B")
    wl = Workload(engine="vllm", speculative="eagle3", num_speculative_tokens=3)
    d = speculative.drafter(spec, wl)
    assert d is not None and d.kv_layers == 1
    h, qkv, ffn = 4096, (32 + 16) * 128, 14336
    params = (
        (4096 * 4096 * 2 + 2 * 1024 * 4096 + 3 * h * ffn + 2 * h) + 2 * h * h + qkv * h + h * h + 32000 * h
    )
    assert speculative.weight_bytes(spec, wl, spec.weight_format, d) == params * 2
    base = _est("Llama-3.1-8B", engine="vllm")
    eagle = _est("Llama-3.1-8B", engine="vllm", speculative="eagle3", num_speculative_tokens=3)
    assert eagle.engine_figures.kv_page_bytes == base.engine_figures.kv_page_bytes * 33 // 32  # type: ignore[attr-defined]


def test_vllm_rejection_sampler_warm_up_holds_three_model_dtype_and_six_fp32_logit_rows() -> None:
    # gpu_model_runner.py _dummy_sampler_run: with speculative decoding the RejectionSampler runs on
    # 2 x num_reqs rows of model-dtype logits (rejection_sampler.py): at its peak the randn logits, the
    # bonus rows' gather, and six fp32 copies (bonus raw logits, target rows, their clone, target probs,
    # q, 1/q) against the plain sampler's bf16 logits and three fp32 copies: 14 -> 30 bytes per element.
    from llmsize.estimate.engines.vllm import Vllm

    spec = resolve("Llama-3.1-8B")
    plain = Vllm(Workload(engine="vllm", max_num_seqs=256, max_num_batched_tokens=2048))
    spec_on = Vllm(
        Workload(
            engine="vllm",
            max_num_seqs=256,
            max_num_batched_tokens=2048,
            speculative="eagle",
            num_speculative_tokens=2,
        )
    )
    _, _, s0 = plain.profile_bytes(spec, 2)
    _, _, s1 = spec_on.profile_bytes(spec, 2)
    # each fp32 row block is 125.25 MiB, above the forward's 112 MiB gate_up block: a fresh 126 MiB
    # segment keeps its 0.75 MiB rest (torch_alloc.py), three more of them with the rejection sampler
    assert s1 - s0 == 256 * 128256 * (30 - 14) + 3 * 786_432


def test_vllm_graph_capture_grows_with_the_verify_query_length() -> None:
    # config/vllm.py _set_cudagraph_sizes: min(max_num_seqs x (1 + k) x 2, 512, max_num_batched_tokens)
    from llmsize.estimate.engines.vllm import Vllm

    spec = resolve("Llama-3.1-8B")
    a = Vllm(Workload(engine="vllm", max_num_seqs=32, max_num_batched_tokens=8192)).cuda_graph_bytes(spec, 2)
    b = Vllm(
        Workload(
            engine="vllm",
            max_num_seqs=32,
            max_num_batched_tokens=8192,
            speculative="eagle",
            num_speculative_tokens=3,
        )
    ).cuda_graph_bytes(spec, 2)
    # 64 -> 256 captured tokens: the largest capture's buffers grow 4x; the graphs' node memory grows
    # with the sizes captured (PIECEWISE: 11 up to 64, 35 up to 256; FULL decode: 1..32 vs 4..128); the
    # capture stream's cuBLAS workspace does not depend on the sizes (vllm_capture_extras.py).
    from llmsize.estimate.engines.vllm_capture_extras import capture_workspace_bytes
    from llmsize.estimate.engines.vllm_graph_pool import graph_node_bytes

    nodes_a = graph_node_bytes(spec, 32, 64, decode_tokens=32, query=1)
    nodes_b = graph_node_bytes(spec, 32, 256, decode_tokens=128, query=4)
    workspace = capture_workspace_bytes(spec, None, has_bias=False)
    assert nodes_b > 2 * nodes_a  # 35 + 17 graphs a mode pair against 11 + 7
    assert b - nodes_b - workspace == (a - nodes_a - workspace) * 4


# --------------------------------------------------------------------------- SGLang


def test_sglang_cell_counts_the_mtp_layer_as_published() -> None:
    # noonghunna/club-3090 PR #1331 (SGLang, 2x RTX 3090, TP 2, fp8 KV): "fp8_e4m3 over 17 KV-bearing
    # layers including the MTP head" (https://github.com/noonghunna/club-3090/pull/1331); SGLang adds the
    # target cell x draft layers / target layers (pool_configurator.py).
    est = _est("Qwen3.5-27B", engine="sglang", tp=2, num_gpus=2, kv_dtype="fp8", speculative="mtp")
    assert est.engine_figures.kv_page_bytes == 17 * 2 * (4 // 2) * 256  # type: ignore[attr-defined]


def test_sglang_speculative_state_pool_is_the_published_joint_solve() -> None:
    # noonghunna/club-3090 PR #1323 (https://github.com/noonghunna/club-3090/pull/1323), read in SGLang's
    # source: "the auto-fit solve K = floor((B - p(1+D)) / (p(1+D/r)))", B the state share of the rest.
    p, d, r = 37_748_736, 4, 5
    rest = 10 * 2**30
    budget = rest * 0.9 / 1.9
    assert rules.auto_spec_mamba_cache_size(rest, p, 0.9, d, r) == int(
        (budget - p * (1 + d)) // (p * (1 + d / r))
    )


def test_sglang_speculative_defaults_to_48_running_requests_and_four_draft_tokens() -> None:
    spec = resolve("Qwen3.6-27B")
    wl = Workload(engine="sglang", speculative="mtp", context=65536)
    est = estimate(spec, wl)
    assert est.engine_figures.spec_draft_tokens == 4  # type: ignore[attr-defined]
    budget = engine_for(wl).budget(est, get_gpu("h100").visible_memory_bytes, wl)  # type: ignore[arg-type]
    line = next(x for x in budget.lines if x.startswith("max_total_num_tokens"))
    running = int(re.search(r"max_running_requests=(\d+)", line).group(1))  # type: ignore[union-attr]
    assert running <= 48


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=1, max_value=8))
def test_more_draft_tokens_never_leave_more_state_slots(n: int) -> None:
    spec = resolve("Qwen3.6-27B")
    gpu = get_gpu("h100").visible_memory_bytes

    def slots(k: int) -> int:
        wl = Workload(engine="sglang", speculative="mtp", num_speculative_tokens=k, context=32768)
        est = estimate(spec, wl)
        budget = engine_for(wl).budget(est, gpu, wl)  # type: ignore[arg-type]
        return int(budget.state_slots or 0)

    assert slots(n + 1) <= slots(n)


# --------------------------------------------------------------------------- llama.cpp and invariants


def test_llama_cpp_draft_model_adds_its_weights_and_its_cells() -> None:
    base = _est("Llama-3.1-8B", engine="llama.cpp", quant="Q4_K_M", context=8192)
    draft = _est(
        "Llama-3.1-8B", engine="llama.cpp", quant="Q4_K_M", context=8192, speculative="draft:Llama-3.2-1B"
    )
    cells = 8192 * 16 * 2 * 8 * 64 * 2  # 16 layers x K and V x 8 KV heads x 64 x f16
    assert draft.kv_cache_bytes - base.kv_cache_bytes == cells  # type: ignore[attr-defined]
    assert draft.weights_bytes - base.weights_bytes == pytest.approx(2.47e9, rel=0.01)  # type: ignore[attr-defined]


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(["vllm", "sglang"]), st.integers(min_value=1, max_value=4))
def test_a_drafter_never_lowers_any_component(engine: str, k: int) -> None:
    base = _est("GLM-4.7-Flash", engine=engine, context=8192)
    on = _est("GLM-4.7-Flash", engine=engine, context=8192, speculative="mtp", num_speculative_tokens=k)
    assert on.weights_bytes >= base.weights_bytes  # type: ignore[attr-defined]
    assert on.kv_cache_bytes >= base.kv_cache_bytes  # type: ignore[attr-defined]
    assert on.total_bytes >= base.total_bytes  # type: ignore[attr-defined]


def test_unknown_method_is_bad_input() -> None:
    with pytest.raises(BadInputError):
        speculative.method_of("draft:")


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            [
                "vllm",
                "serve",
                "deepseek-ai/DeepSeek-V3",
                "-tp",
                "8",
                "--speculative-config",
                '{"method": "deepseek_mtp", "num_speculative_tokens": 1}',
            ],
            ("mtp", 1),
        ),
        (
            [
                "python",
                "-m",
                "sglang.launch_server",
                "--model-path",
                "Qwen/Qwen3.6-27B",
                "--speculative-algorithm",
                "NEXTN",
                "--speculative-num-steps",
                "3",
            ],
            ("mtp", 3),
        ),
        (
            ["llama-server", "-m", "Qwen3-8B-Q4_K_M.gguf", "-md", "Qwen3-0.6B-Q8_0.gguf"],
            ("draft:Qwen3-0.6B-Q8_0", None),
        ),
    ],
)
def test_check_reads_each_engines_own_speculative_flags(
    command: list[str], expected: tuple[str, int | None], capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    try:
        main(["check", "--gpu", "H200", "--num-gpus", "8", "--format", "json", "--", *command])
        code = 0
    except SystemExit as ex:
        code = int(ex.code or 0)
    out, err = capsys.readouterr()  # stderr may carry notes (which H200 the family name picked)
    assert code in (0, 3), out + err
    workload = json.loads(out)["workload"]
    assert (workload["speculative"], workload["num_speculative_tokens"]) == expected


@settings(max_examples=10, deadline=None)
@given(st.integers(min_value=1, max_value=6))
def test_vllm_hybrid_concurrency_never_grows_with_more_draft_tokens(k: int) -> None:
    # each delta-net group holds 1 + k state blocks per request and the conv state k more positions
    # (MambaSpec num_speculative_blocks; gated_delta_net_state_shape), at a fixed KV budget
    gpu = get_gpu("h100").visible_memory_bytes

    def concurrency(tokens: int) -> float:
        wl = Workload(
            engine="vllm",
            context=65536,
            kv_cache_memory=16 * 2**30,
            speculative="mtp",
            num_speculative_tokens=tokens,
            max_num_seqs=64,
            max_num_batched_tokens=8192,
        )
        est = estimate(resolve("Qwen3.6-27B"), wl)
        return float(engine_for(wl).budget(est, gpu, wl).max_concurrency or 0)  # type: ignore[arg-type]

    assert concurrency(k + 1) <= concurrency(k)
