"""A user's vLLM / SGLang run on an MI300X gets the decode-attention kernel the engine's own selector picks
(estimate/engines/rocm_decode_backend.py), and the speed prices the KV read at that kernel's rate: the
Triton kernels at AITER's measured gfx942 rate (ROCm/aiter PR #5664: 'full512 decode b1/16/64 (8k) |
399/1482/1919 GB/s'), AMD's HIP paged attention at the fitted share. The assumption is said in the speed
notes and in JSON speed_constants.decode_attention.

Sources of the rules: vllm/platforms/rocm.py _get_backend_priorities (ROCM_ATTN first from 0.19,
vllm-project/vllm PR #36702) and use_rocm_custom_paged_attention (head 64/128, no sliding window, no
sinks); v1/attention/backends/rocm_attn.py RocmAttentionBackend.supports_sink (False); vllm-project/
vllm-omni PR #2340 ('Before vLLM v0.19.0, the default attention backend is TRITON_ATTN for ROCm');
SGLang server_args._get_default_attn_backend ('aiter' on HIP) and sgl-project/sglang PR #25006 (Gemma 4:
'triton' off SM100).
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli_rows import estimate_gpu_row, speed_profile
from llmsize.cli import app, main
from llmsize.hardware.gpus import get_gpu

runner = CliRunner()
MI300X = ("--gpu", "MI300X")
AITER_B1_BYTES_PER_S = 399e9  # ROCm/aiter PR #5664, Triton unified_attention decode at batch 1 on gfx942


def _constants(row: dict[str, object]) -> dict[str, object]:
    constants = row["speed_constants"]
    assert isinstance(constants, dict)
    return constants


def test_gpt_oss_on_vllm_decodes_through_aiter_unified_attention_at_the_triton_rate() -> None:
    """gpt-oss has attention sinks: ROCM_ATTN refuses it, so vLLM 0.19 takes ROCM_AITER_UNIFIED_ATTN."""
    row = estimate_gpu_row("gpt-oss-120b", "--engine", "vllm", *MI300X)
    constants = _constants(row)
    assert speed_profile(row) == "vllm-triton-attention"
    assert "ROCM_AITER_UNIFIED_ATTN" in str(constants["decode_attention"])
    assert any("Triton decode kernel" in n for n in row["speed_notes"])  # type: ignore[union-attr]
    # one sequence: the KV read runs at AITER's batch-1 figure over the MI300X's datasheet bandwidth
    share = AITER_B1_BYTES_PER_S / get_gpu("MI300X").bandwidth_bytes_per_s
    assert constants["kv_bandwidth_fraction"] == pytest.approx(share, rel=1e-6)
    # naming AITER's CK flash attention instead takes the HIP/CK kernel, whose KV read is faster
    ck = estimate_gpu_row("gpt-oss-120b", "--engine", "vllm", *MI300X, "--attention-backend", "ROCM_AITER_FA")
    assert speed_profile(ck) == "vllm"
    assert float(ck["decode_tokens_per_s"]) > float(row["decode_tokens_per_s"])  # type: ignore[arg-type]


def test_llama3_on_vllm_019_keeps_amds_custom_paged_attention() -> None:
    """Head 128, no window, no sinks: ROCM_ATTN with the HIP kernel, the fitted share (as on the MI300X
    Llama rows it was fitted with)."""
    row = estimate_gpu_row("Llama-3.1-8B-Instruct", "--engine", "vllm", *MI300X)
    assert speed_profile(row) == "vllm"
    assert "ROCM_ATTN" in str(_constants(row)["decode_attention"])
    assert "HIP" in str(_constants(row)["decode_attention"])


@pytest.mark.parametrize(("release", "profile"), [
    ("0.17.0", "vllm-triton-attention"),  # TRITON_ATTN, ROCm's default before 0.19 (vllm-omni PR #2340)
    ("0.10.0", "vllm-0.13"),  # V1's TRITON_ATTN sent head-128 decodes to the custom HIP kernel
    ("0.7.3", "vllm-0.6"),  # the V0 engine: HIP paged attention
])
def test_the_release_decides_the_llama3_decode_kernel(release: str, profile: str) -> None:
    row = estimate_gpu_row("Llama-3.1-8B-Instruct", "--engine", "vllm", *MI300X, "--engine-version", release)
    assert speed_profile(row) == profile


def test_gemma4_on_sglang_gets_the_triton_backend_unless_another_is_named() -> None:
    row = estimate_gpu_row("gemma-4-31B-it", "--engine", "sglang", *MI300X)
    assert speed_profile(row) == "sglang-triton-attention"
    assert "PR #25006" in str(_constants(row)["decode_attention"])
    aiter = estimate_gpu_row("gemma-4-31B-it", "--engine", "sglang", *MI300X, "--attention-backend", "aiter")
    assert speed_profile(aiter) == "sglang"


def test_nvidia_gpus_are_untouched() -> None:
    row = estimate_gpu_row("gpt-oss-120b", "--engine", "vllm", "--gpu", "H100-SXM-80GB")
    assert speed_profile(row) == "vllm"
    assert _constants(row)["decode_attention"] == ""
    assert not any("decode attention" in n for n in row["speed_notes"])  # type: ignore[union-attr]


def test_check_reads_sglangs_attention_backend_from_the_launch_command() -> None:
    def profile(*flags: str) -> str:
        result = runner.invoke(app, ["check", *MI300X, "--format", "json", "--", "python", "-m",
                                     "sglang.launch_server", "--model-path", "Qwen/Qwen3-8B", *flags])
        assert result.exit_code == 0, result.output
        return speed_profile(json.loads(result.stdout)["gpus"][0])

    assert profile("--attention-backend", "triton") == "sglang-triton-attention"
    assert profile() == "sglang"  # SGLang's HIP default: aiter


def test_fit_prices_gpt_oss_on_vllm_at_the_triton_rate() -> None:
    result = runner.invoke(app, ["fit", "gpt-oss-120b", *MI300X, "--engine", "vllm", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = [r for r in json.loads(result.stdout)["gpus"] if r.get("speed_constants")]
    assert rows and all(speed_profile(r) == "vllm-triton-attention" for r in rows)


@pytest.mark.parametrize("args", [
    ("--attention-backend", "triton;rm"),  # not a backend name
    ("--engine", "llama.cpp", "--attention-backend", "triton"),  # llama.cpp has no such option
])
def test_bad_attention_backend_is_one_line_and_exit_2(args: tuple[str, ...],
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ex:
        main(["estimate", "Qwen3-8B", *MI300X, *args])
    assert ex.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "attention" in err
