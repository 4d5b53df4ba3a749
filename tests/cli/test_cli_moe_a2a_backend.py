"""`--moe-a2a-backend` (alias `--all2all-backend`): SGLang's --moe-a2a-backend and vLLM's --all2all-backend
as a user-facing setting (estimate/engines/sglang_moe_a2a.py, vllm_all2all.py; priced by
hardware/expert_all_to_all.py).

Expected directions, from DeepEP's published figures (https://github.com/deepseek-ai/DeepEP README and
docs/legacy.md), not from llmsize's output:
- DeepEP dispatches FP8 (hidden + one fp32 scale per 128 channels: 7,392 B a token for hidden 7168) only to
  the ranks of the experts a token picked, and combines BF16 back: about 8 x 7.4 KB + 8 x 14.3 KB = 174 KB a
  DeepSeek-V3 token (top-8). SGLang's default DP-attention path gathers every BF16 token (14.3 KB) on all 8
  ranks and all-reduces the output (two ring passes): about 7 x 14.3 KB x 3 = 301 KB. So at equal link
  rates DeepEP moves less per token: decode and prompt get faster.
- legacy.md: at EP 8 the normal (high-throughput) kernels reach 153 / 158 GB/s (dispatch / combine, 4,096
  tokens), the low-latency kernels 98 / 127 GB/s (128 tokens): for a prompt's many tokens the
  high-throughput kernels are the faster ones, so vLLM's deepep_high_throughput prefills faster than
  deepep_low_latency.
"""

from __future__ import annotations

import json

import pytest
from test_hostile_inputs import json_doc, run_cli

SGLANG_DP = ["estimate", "DeepSeek-V3", "--engine", "sglang", "--tp", "8", "--dp-attention", "8",
             "--gpu", "H200-SXM-141GB", "--context", "4096", "--batch", "32"]
VLLM_DP_EP = ["estimate", "Qwen3-30B-A3B", "--engine", "vllm", "--dp", "8", "--ep", "--gpu", "H100-SXM-80GB",
              "--context", "4096", "--batch", "32"]


def _row(doc: dict[str, object]) -> dict[str, object]:
    (row,) = doc["gpus"]  # type: ignore[misc]
    return row  # type: ignore[no-any-return]


def _check(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    code, out, err = run_cli(["check", "--format", "json", *argv], capsys)
    assert code == 0, err
    doc: dict[str, object] = json.loads(out)
    return doc


def test_sglang_deepep_speeds_up_decode_and_prompt_under_dp_attention(
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = _row(json_doc(SGLANG_DP, capsys))
    doc = json_doc([*SGLANG_DP, "--moe-a2a-backend", "deepep"], capsys)
    deepep = _row(doc)
    assert doc["workload"]["moe_a2a_backend"] == "deepep"  # type: ignore[index]
    assert deepep["speed_constants"]["moe_a2a_backend"] == "deepep"  # type: ignore[index]
    assert base["speed_constants"]["moe_a2a_backend"] == ""  # type: ignore[index]
    assert deepep["tpot_s"] < base["tpot_s"]  # type: ignore[operator]
    assert deepep["ttft_s"] < base["ttft_s"]  # type: ignore[operator]
    assert any("DeepEP low-latency kernels in decode" in n for n in deepep["speed_notes"])  # type: ignore[attr-defined]


def test_vllm_high_throughput_kernels_prefill_faster_than_low_latency(
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = _row(json_doc(VLLM_DP_EP, capsys))
    low = _row(json_doc([*VLLM_DP_EP, "--all2all-backend", "deepep_low_latency"], capsys))
    high = _row(json_doc([*VLLM_DP_EP, "--all2all-backend", "deepep_high_throughput"], capsys))
    assert high["ttft_s"] < low["ttft_s"]  # type: ignore[operator]
    assert low["tpot_s"] < base["tpot_s"]  # type: ignore[operator]
    assert low["speed_constants"]["moe_a2a_backend"] == "deepep_low_latency"  # type: ignore[index]


@pytest.mark.parametrize(
    ("argv", "backend", "says"),
    [
        # mooncake, like deepep, makes SGLang set ep_size = tp_size (server_args.py _handle_a2a_moe): --ep
        ([*SGLANG_DP, "--ep"], "mooncake", "SGLang --moe-a2a-backend mooncake: its cost is not modelled"),
        (VLLM_DP_EP, "mori", "--all2all-backend mori: its cost is not modelled"),
        (VLLM_DP_EP, "pplx", "removed --all2all-backend pplx"),
    ],
)
def test_unmodelled_backends_keep_the_price_and_say_so(
    argv: list[str], backend: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _row(json_doc(argv, capsys))
    other = _row(json_doc([*argv, "--moe-a2a-backend", backend], capsys))
    assert other["tpot_s"] == base["tpot_s"] and other["ttft_s"] == base["ttft_s"]
    assert any(says in n for n in other["speed_notes"])  # type: ignore[attr-defined]
    assert not any("MoE dispatch" in n for n in base["speed_notes"])  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["Qwen3-30B-A3B", "--engine", "llama.cpp", "--moe-a2a-backend", "deepep"],
         "--moe-a2a-backend applies to vLLM and SGLang"),
        (["Qwen3-30B-A3B", "--engine", "ollama", "--all2all-backend", "deepep_low_latency"],
         "--moe-a2a-backend applies to vLLM and SGLang"),
        (["Qwen3-30B-A3B", "--engine", "sglang", "--moe-a2a-backend", "deepep"], "needs --tp 2 or more"),
        (["Qwen3-30B-A3B", "--engine", "sglang", "--tp", "2", "--moe-a2a-backend", "deepep_low_latency"],
         "is not one of SGLang's"),
        (["Qwen2.5-7B", "--engine", "sglang", "--tp", "2", "--moe-a2a-backend", "deepep"], "has no experts"),
        # argparse choices, case-sensitive in both engines (issue 15, round 21: llmsize lower-cased them)
        (["Qwen3-30B-A3B", "--engine", "sglang", "--tp", "2", "--moe-a2a-backend", "DeepEP"],
         "its names are case-sensitive and SGLang refuses this spelling); use deepep"),
        (["Qwen3-30B-A3B", "--engine", "vllm", "--dp", "2", "--ep", "--all2all-backend",
          "DeepEP_Low_Latency"],
         "its names are case-sensitive and vLLM refuses this spelling); use deepep_low_latency"),
        (["Qwen3-30B-A3B", "--engine", "vllm", "--dp", "2", "--ep", "--all2all-backend", "deepep"],
         "is not one of vLLM's"),
    ],
)
def test_impossible_combinations_exit_2_with_one_line(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(["estimate", *argv], capsys)
    assert code == 2
    assert says in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if line.startswith("Error")]) == 1


def test_check_maps_sglang_moe_a2a_backend(capsys: pytest.CaptureFixture[str]) -> None:
    command = ["python", "-m", "sglang.launch_server", "--model-path", "deepseek-ai/DeepSeek-V3", "--tp", "8",
               "--dp-size", "8", "--enable-dp-attention", "--moe-a2a-backend", "deepep"]
    doc = _check(["--gpu", "H200-SXM-141GB", "--", *command], capsys)
    assert doc["workload"]["moe_a2a_backend"] == "deepep"  # type: ignore[index]
    assert doc["workload"]["dp_attention"] == 8  # type: ignore[index]
    assert _row(doc)["speed_constants"]["moe_a2a_backend"] == "deepep"  # type: ignore[index]


def test_check_maps_vllm_all2all_backend(capsys: pytest.CaptureFixture[str]) -> None:
    command = ["vllm", "serve", "Qwen/Qwen3-30B-A3B", "--data-parallel-size", "4", "--enable-expert-parallel",
               "--all2all-backend", "deepep_high_throughput", "--max-model-len", "8192"]
    doc = _check(["--gpu", "H100-SXM-80GB", "--", *command], capsys)
    workload = doc["workload"]
    assert workload["moe_a2a_backend"] == "deepep_high_throughput"  # type: ignore[index]
    assert workload["data_parallel"] == 4 and workload["expert_parallel"] is True  # type: ignore[index]


def test_check_takes_vllm_all2all_backend_without_expert_parallel_and_says_it_does_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """vLLM accepts the flag and runs no all-to-all kernel without --data-parallel-size 2+ and
    --enable-expert-parallel (FusedMoEParallelConfig.use_all2all_kernels): llmsize refused the command
    (issue 15, round 21); now the run is sized as without the flag, with a note."""
    command = ["vllm", "serve", "Qwen/Qwen3-30B-A3B", "--all2all-backend", "deepep_low_latency"]
    doc = _check(["--gpu", "H100-SXM-80GB", "--", *command], capsys)
    plain = _check(["--gpu", "H100-SXM-80GB", "--", *command[:3]], capsys)
    assert doc["memory"] == plain["memory"]
    assert _row(doc)["tpot_s"] == _row(plain)["tpot_s"]
    assert any("has no effect here" in n and "use_all2all_kernels" in n for n in doc["check"]["notes"])  # type: ignore[index]


@pytest.mark.parametrize("layout", [["--tp", "2"], ["--dp", "2"], ["--ep"]])
def test_estimate_takes_vllm_all2all_backend_without_dp_and_ep(
    layout: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["estimate", "Qwen3-30B-A3B", "--engine", "vllm", "--gpu", "H100-SXM-80GB", *layout]
    plain = _row(json_doc(base, capsys))
    doc = json_doc([*base, "--all2all-backend", "deepep_low_latency"], capsys)
    row = _row(doc)
    assert row["tpot_s"] == plain["tpot_s"] and row["ttft_s"] == plain["ttft_s"]
    assert row["speed_constants"]["moe_a2a_backend"] == ""  # type: ignore[index]
    assert any("has no effect here" in a for a in doc["assumptions"])  # type: ignore[attr-defined]


def test_plan_emits_each_engines_flag(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["plan", "Qwen3-30B-A3B", "--gpu", "H100-SXM-80GB", "--engine", "vllm", "--dp",
                              "2", "--ep", "--all2all-backend", "deepep_low_latency"], capsys)
    assert code == 0, err
    assert "--enable-expert-parallel --all2all-backend deepep_low_latency" in out
    code, out, err = run_cli(["plan", "DeepSeek-V3", "--gpu", "H200-SXM-141GB", "--engine", "sglang",
                              "--dp-attention", "8", "--moe-a2a-backend", "deepep"], capsys)
    assert code == 0, err
    assert "--enable-dp-attention --moe-a2a-backend deepep" in out


# DeepEP's buffer per GPU (estimate/engines/deepep_buffers.py). SGLang builds it at the first dispatch,
# after the KV pool was sized (token_dispatcher/deepep.py DeepEPBuffer.get_deepep_buffer; the auto
# mem_fraction_static "never models the DeepEP low_latency RDMA buffer", sgl-project/sglang#28994): the
# pool keeps its size and the GPU needs the bytes on top. vLLM builds it with the MoE kernels before the
# memory profile (all2all.py _make_all2all_kwargs), so its non-torch memory grows and the pool shrinks.
# DeepSeek-V3 at EP 8, low-latency hint for 128 tokens x 256 experts x hidden 7168: 1,908,410,496 B; the
# normal-mode NVLink hint (FP8, 20 SMs, 256 slots): 188,909,184 B; the workspace 32 MiB.
SGLANG_V3_DEEPEP_BYTES = 1_908_410_496 + 188_909_184 + 32 * 2**20


def test_sglang_deepep_buffer_is_counted_outside_the_kv_pool(capsys: pytest.CaptureFixture[str]) -> None:
    base = json_doc(SGLANG_DP, capsys)
    deepep = json_doc([*SGLANG_DP, "--moe-a2a-backend", "deepep"], capsys)
    assert deepep["memory"]["overhead"] - base["memory"]["overhead"] == SGLANG_V3_DEEPEP_BYTES  # type: ignore[index]
    assert _row(deepep)["kv_pool_bytes"] == _row(base)["kv_pool_bytes"]
    assert any("DeepEP's buffer 1.98 GiB per GPU" in n for n in deepep["assumptions"])  # type: ignore[attr-defined]


def test_vllm_deepep_buffer_shrinks_the_kv_pool(capsys: pytest.CaptureFixture[str]) -> None:
    # Qwen3-30B-A3B: hidden 2048, 128 experts, VLLM_MOE_DP_CHUNK_SIZE 256 tokens; plus the 1024 MiB NVLink
    # region (VLLM_DEEPEP_BUFFER_SIZE_MB) and the workspace.
    from llmsize.estimate.engines.deepep_buffers import low_latency_rdma_bytes

    buffer = low_latency_rdma_bytes(256, 2048, 128) + 1056 * 2**20
    base = _row(json_doc(VLLM_DP_EP, capsys))
    low = _row(json_doc([*VLLM_DP_EP, "--all2all-backend", "deepep_low_latency"], capsys))
    shrink = base["kv_pool_bytes"] - low["kv_pool_bytes"]  # type: ignore[operator]
    assert shrink == pytest.approx(buffer, abs=2 * 2**20)  # whole KV blocks
    assert any("non-torch forward increase memory: 1.79GiB" in line for line in low["engine_log"])  # type: ignore[attr-defined]
