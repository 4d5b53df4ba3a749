"""vLLM 0.19's sampler warm-up (estimate/engines/vllm_sampler.py) against the tensors the code allocates.

Every expected value is written out from the shapes in the vLLM 0.19.0 sources:
gpu_model_runner.py `profile_run` / `_dummy_sampler_run`, v1/sample/sampler.py `Sampler.forward`,
ops/topk_topp_sampler.py `forward_native` / `random_sample`, ops/topk_topp_triton.py
`apply_top_k_top_p_triton`, rejection_sampler.py; and PyTorch's CublasHandlePool.cpp workspaces.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.engines.vllm import Vllm
from llmsize.estimate.engines.vllm_sampler import (
    blas_workspace_bytes,
    sampler_peak,
    sort_bytes,
    sorts_every_row,
    topk_topp_buffer_rows,
)
from llmsize.estimate.workload import Workload
from spec_factories import llama3_8b

MIB = 1024 * 1024


def test_llama_8b_on_an_h100_with_1024_dummy_requests() -> None:
    rows, vocab, hidden = 1024, 128_256, 4_096
    peak = sampler_peak(rows, vocab, hidden, 2, 132, 8_192 * 28_672 * 2)
    # last_hidden_states (the gather of the last tokens) and torch.rand_like of it, bf16
    assert peak.hidden == 1024 * 4096 * 2 + 1024 * 4096 * 2 == 16_777_216
    # compute_logits in bf16; 128,256 is a multiple of 64, so no padding
    assert peak.logits == 1024 * 128_256 * 2 == 262_668_288
    # logits.to(float32), softmax probs, random_sample's q: three 1024 x 128,256 x 4
    assert peak.fp32 == 3 * 525_336_576
    # programs = min(132 SMs, 1024 rows) = 132; rows = min(next_power_of_2(132) = 256, 132) = 132
    assert peak.topk_buffer == 132 * 128_256 * 4 == 67_719_168
    # each 501 MiB fp32 tensor is larger than the forward's 448 MiB gate_up block: a 502 MiB segment
    # whose 1 MiB rest is not split off (should_split needs more than 1 MiB)
    assert peak.slack == 3 * MIB
    assert peak.total == 16_777_216 + 262_668_288 + 3 * 525_336_576 + 67_719_168 + 3 * MIB == 1_926_320_128


def test_the_triton_buffer_rounds_the_programs_to_a_power_of_two_within_the_sms() -> None:
    assert topk_topp_buffer_rows(100, 132) == 128  # min(next_power_of_2(100) = 128, 132)
    assert topk_topp_buffer_rows(1024, 108) == 108  # A100: min(128, 108)
    assert topk_topp_buffer_rows(64, 132) == 64
    assert topk_topp_buffer_rows(7, 132) == 0  # under 8 rows the PyTorch sort path runs instead


def test_few_rows_take_the_sort_path() -> None:
    peak = sampler_peak(4, 32_000, 4_096, 2, 132, 0)
    # sorted fp32 values 4 + int64 indices 8 + two bool masks 2 + sorted probabilities 4, less the
    # probabilities and noise (8) they are freed before
    assert peak.topk_buffer == 4 * 32_000 * 10


def test_an_fp32_model_makes_no_float32_copy_and_a_padded_vocabulary_pads_only_the_logits() -> None:
    peak = sampler_peak(256, 32_001, 4_096, 4, 132, 10**12)
    assert peak.fp32 == 2 * 256 * 32_001 * 4  # probs and q; `.to(float32)` returns the tensor itself
    assert peak.logits == 256 * 32_064 * 4  # ParallelLMHead pads 32,001 to 32,064 (multiple of 64)
    assert peak.slack == 0  # every request fits a block the forward freed


def test_speculative_decoding_warms_the_rejection_sampler() -> None:
    rows, vocab = 1024, 151_936
    peak = sampler_peak(rows, vocab, 5_120, 2, 132, 10**12, speculative=True)
    # torch.randn logits of 2 x rows + the bonus rows' gather, bf16
    assert peak.logits == 3 * rows * vocab * 2
    # bonus raw logits (kept in LogprobsTensors), target fp32 and its clone, target probs, q, 1/q
    assert peak.fp32 == 6 * rows * vocab * 4


def test_blas_workspaces() -> None:
    assert blas_workspace_bytes("hopper", False) == 32 * MIB  # ":4096:8" on compute capability 9.0
    assert blas_workspace_bytes("ampere", False) == 2 * 4 * MIB + 8 * 16 * 1024  # ":4096:2:16:8"
    assert blas_workspace_bytes(None, False) == 2 * 4 * MIB + 8 * 16 * 1024
    assert blas_workspace_bytes("hopper", True) == 33 * MIB  # + the 1 MiB cuBLASLt workspace of addmm


def test_the_profile_peak_is_the_forward_output_plus_the_sampler_plus_the_workspace() -> None:
    wl = Workload(
        engine="vllm",
        max_num_seqs=1024,
        max_num_batched_tokens=8192,
        gpu_compute_units=132,
        gpu_architecture="hopper",
    )
    prof, forward, sampler = Vllm(wl).profile_bytes(llama3_8b(), 2)
    assert sampler == 1_926_320_128  # as in the first test
    assert forward < 8_192 * 4_096 * 2 + sampler
    assert prof == 8_192 * 4_096 * 2 + 1_926_320_128 + 32 * MIB


@given(
    rows=st.integers(1, 4096),
    vocab=st.integers(1_000, 300_000),
    sms=st.integers(1, 200),
    spec=st.booleans(),
)
def test_the_peak_grows_with_the_rows_on_one_top_k_path(rows: int, vocab: int, sms: int, spec: bool) -> None:
    one = sampler_peak(rows, vocab, 4_096, 2, sms, 10**12, spec)
    assert one.total >= 2 * rows * vocab * 4  # the probabilities and the noise at least
    if rows + 1 != 8:  # 8 rows switch from the PyTorch sort to the Triton kernel
        assert sampler_peak(rows + 1, vocab, 4_096, 2, sms, 10**12, spec).total > one.total
    buffer_rows = topk_topp_buffer_rows(rows, sms)
    assert buffer_rows == 0 if rows < 8 else 1 <= buffer_rows <= sms


def test_releases_0_11_1_to_0_16_sort_every_row() -> None:
    # vllm-project/vllm#26859 (first in the 0.11.1 sdist: FlashInfer sampling only on
    # VLLM_USE_FLASHINFER_SAMPLER=1) and #33538 (first in 0.17.0: the Triton top-k/top-p kernel)
    assert not sorts_every_row(None) and not sorts_every_row("0.11.0")
    assert sorts_every_row("0.11.1") and sorts_every_row("0.13.0") and sorts_every_row("0.16.0")
    assert not sorts_every_row("0.17.0") and not sorts_every_row("0.19.0")


def test_the_sort_of_1024_rows_holds_38_bytes_an_element() -> None:
    rows, vocab = 1024, 128_256
    n = rows * vocab
    # Sort.cpp: fp32 values + int64 indices; SortStable.cu segmented_sort_pairs (128 rows or more): an int64
    # reverse-index input; cub's SortPairs without a DoubleBuffer: alternate fp32 keys and int64 values
    assert sort_bytes(rows, vocab) == n * (4 + 8) + n * 8 + n * (4 + 8)
    # 8-127 rows: segmented_sort_pairs_by_full_sort's two int2 arrays and cub's keys_out
    assert sort_bytes(64, vocab) == 64 * vocab * (4 + 8 + 8 + 8 + 4 + 4 + 8)
    peak = sampler_peak(rows, vocab, 4_096, 2, 132, 8_192 * 28_672 * 2, sort_every_row=True)
    # beside the bf16 logits (2) and their fp32 copy (4): 38 bytes an element at the sort
    assert peak.logits + peak.fp32 + peak.topk_buffer == 38 * n
    assert peak.hidden == 2 * rows * 4_096 * 2
    # the 0.19 accounting holds the probabilities and the noise instead, with the Triton buffer
    assert sampler_peak(rows, vocab, 4_096, 2, 132, 8_192 * 28_672 * 2).total < peak.total - n * 20


def test_llama_8b_on_an_h100_at_0_13_prints_a_4_76_gib_torch_peak() -> None:
    # llm-d/llm-d-benchmark config_explorer/empirical-vllm-memory-results.md (vllm/vllm-openai:latest of
    # December 2025 - January 2026, H100, 1,024 sequences, 8,192 batched tokens): Llama-3.1-8B
    # "Peak Activation (GiB)" 4.76 (1.89 in vLLM 0.19.0's logs of llm-d-planner#205)
    wl = Workload(engine="vllm", max_num_seqs=1024, max_num_batched_tokens=8192, gpu_compute_units=132,
                  gpu_architecture="hopper", engine_version="0.13.0")
    prof = Vllm(wl).profile_bytes(llama3_8b(), 2)[0]
    assert round(prof / 2**30, 2) == 4.76
