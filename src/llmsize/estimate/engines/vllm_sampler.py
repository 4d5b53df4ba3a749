"""vLLM's sampler warm-up, the last step of its profile run: the tensors alive at its peak.

Modelled release: vLLM 0.19.0 (the wheel's sources; torch 2.10, its pinned PyTorch). The profile run
(`vllm/v1/worker/gpu_model_runner.py` `profile_run`) keeps the forward's output `hidden_states`
(t x hidden) and its last-token rows `last_hidden_states` (a gather: a copy, s x hidden), then
`_dummy_sampler_run` builds, for s = min(max_num_seqs, max_num_batched_tokens) dummy requests with
temperature 0.5, top_p 0.9, top_k vocab - 1, no penalties and no logprobs:
- `torch.rand_like(hidden_states)`: s x hidden in the model dtype;
- `compute_logits`: s x the padded vocabulary in the model dtype (ParallelLMHead pads the vocabulary
  to a multiple of 64, `vocab_parallel_embedding.py` DEFAULT_VOCAB_PADDING_SIZE; at tensor
  parallelism the shards are all-gathered, `logits_processor.py` `_gather_logits`, so every rank holds
  the whole row; the `[..., :org_vocab_size]` slice is a view);
- `Sampler.forward` (`vllm/v1/sample/sampler.py`): `logits.to(torch.float32)`, s x vocab x 4 (no copy
  when the model already runs in fp32: `.to` returns the tensor itself); the greedy argmax; the
  temperature divides in place; penalties, bad words and logprobs are off in the dummy metadata, so
  their bincounts and log-softmax copies are not part of the profile;
- top-k/top-p (`ops/topk_topp_sampler.py` `apply_top_k_top_p`): for s >= 8 rows the Triton kernel
  (`ops/topk_topp_triton.py` `apply_top_k_top_p_triton`, vllm-project/vllm PR #33538, "[num_program,
  vocab_size] shaped buffers ... ~80MiB of extra VRAM") masks the fp32 logits in place with a cached
  scratch buffer of min(next_power_of_2(programs), SMs) x vocab fp32, programs = min(SMs, s), kept in
  `_TRITON_BUFFER_CACHE` after the run; under 8 rows the PyTorch path sorts (fp32 values, int64
  indices, a bool mask, then scatters back in place);
- `forward_native`: `probs = logits.softmax(dim=-1, dtype=torch.float32)` and `random_sample`'s
  exponential noise `q = torch.empty_like(probs)`: two more s x vocab x 4.
The peak is reached with all of them alive.

How the top-k/top-p step changed across releases (vllm-project/vllm pull requests): V1 sampled with
FlashInfer's kernel from the logits where FlashInfer was installed (#11394, Dec 2024); #26859 (Oct
2025, "Disable FlashInfer sampler by default") left the PyTorch path, which sorts every row
(`apply_top_k_top_p_pytorch`: fp32 sorted values, int64 indices and bool masks on top of the same
logits, probabilities and noise, ~38 bytes per element); #33538 (Feb 2026) replaced the sort by the
Triton kernel above for 8 rows or more: the 0.19.0 release modelled here. #40376, after 0.19, turns
the FlashInfer sampler on by default again (`top_k_top_p_sampling_from_logits`: no Triton buffer and
no noise tensor), so later releases hold less; llmsize models 0.19.
The releases between #26859 and #33538 are the exception it does model (`sorts_every_row`, read from
the 0.11.0, 0.11.1, 0.14.1, 0.16.0 and 0.17.0 sdists: 0.11.1 takes FlashInfer only when
VLLM_USE_FLASHINFER_SAMPLER=1, 0.17.0 is the first with ops/topk_topp_triton.py): from 0.11.1 to 0.16
every dummy row goes through `apply_top_k_top_p`'s `logits.sort`, whose scratch sets the peak
(`sort_bytes`). Up to 0.11.0, FlashInfer's `top_k_top_p_sampling_from_logits` holds a masked copy and
the probabilities (2 x 4 bytes an element, as the Triton path's probabilities and noise), so those
releases keep the 0.19 accounting.

The first GEMM of the profile run also makes PyTorch allocate the cuBLAS workspace of the (handle,
stream) through the caching allocator, so it counts in vLLM's torch peak and stays: pytorch
aten/src/ATen/cuda/CublasHandlePool.cpp `parseChosenWorkspaceSize` ("4096 * 8 * 1024" on compute
capability 9.0, else ":4096:2:16:8"); a linear layer with a bias runs `addmm` through cuBLASLt
(aten/src/ATen/native/cuda/Blas.cpp `addmm_out_cuda_impl`: useLtInterface for a 1-D bias), whose
workspace is one more allocation (`getCUDABlasLtWorkspaceSize`: 1024 KiB by default).
"""

from __future__ import annotations

from dataclasses import dataclass

from llmsize.estimate.engines.server_releases import release_order
from llmsize.estimate.engines.torch_alloc import block_slack_bytes

# REFERENCE: vllm/model_executor/layers/vocab_parallel_embedding.py DEFAULT_VOCAB_PADDING_SIZE
VOCAB_PADDING = 64
TRITON_MIN_ROWS = 8  # REFERENCE: ops/topk_topp_sampler.py apply_top_k_top_p: `logits.shape[0] >= 8`
# REFERENCE: vllm-project/vllm#26859 ("Disable FlashInfer sampler by default"), first in the 0.11.1
# sdist (ops/topk_topp_sampler.py `TopKTopPSampler.__init__`: `if envs.VLLM_USE_FLASHINFER_SAMPLER`),
# and #33538 (the Triton top-k/top-p kernel), first in the 0.17.0 sdist (ops/topk_topp_triton.py).
SORT_EVERY_ROW_FROM = (0, 11, 1)
TRITON_TOPK_FROM = (0, 17, 0)
# REFERENCE: pytorch aten/src/ATen/native/cuda/SortStable.cu `launch_stable_sort_kernel`: one segment
# sorts alone, fewer than 128 by a full sort, more by cub's segmented radix sort.
FULL_SORT_BELOW_SEGMENTS = 128
# REFERENCE: the H100 SXM5's 132 SMs (NVIDIA H100 Tensor Core GPU Architecture whitepaper), the
# card vLLM's large-GPU defaults are set for; used only when the GPU's SM count is not known.
ASSUMED_SMS = 132
# REFERENCE: pytorch aten/src/ATen/cuda/CublasHandlePool.cpp parseChosenWorkspaceSize (torch 2.x).
CUBLAS_WORKSPACE_SM90 = 4096 * 8 * 1024
CUBLAS_WORKSPACE_DEFAULT = 4096 * 1024 * 2 + 16 * 1024 * 8
CUBLASLT_WORKSPACE = 1024 * 1024  # REFERENCE: CublasHandlePool.cpp parseCUDABlasLtWorkspaceSize, 1024 KiB
SM90_ARCHITECTURES = ("hopper",)  # compute capability 9.0 in the GPU catalog


def next_power_of_2(n: int) -> int:
    """vllm/utils/math_utils.py `next_power_of_2` (1 for n < 1)."""
    return 1 if n < 1 else 1 << (n - 1).bit_length()


def topk_topp_buffer_rows(rows: int, sms: int | None) -> int:
    """Rows of the Triton top-k/top-p scratch buffer: min(next_power_of_2(programs), SMs), programs =
    min(SMs, rows); 0 under 8 rows (the PyTorch sort path runs instead)."""
    if rows < TRITON_MIN_ROWS:
        return 0
    units = sms or ASSUMED_SMS
    return min(next_power_of_2(min(units, rows)), units)


def sorts_every_row(engine_version: str | None) -> bool:
    """Whether this vLLM release's dummy sampler run sorts the logits of every row (0.11.1 to 0.16:
    FlashInfer opt-in, no Triton kernel yet); None, the release modelled (0.19), does not."""
    if engine_version is None:
        return False
    major, minor, patch, _final = release_order(engine_version)
    return SORT_EVERY_ROW_FROM <= (major, minor, patch) < TRITON_TOPK_FROM


def sort_bytes(rows: int, vocab: int) -> int:
    """What `logits.sort(dim=-1)` holds beside the fp32 logits while it runs over rows x vocab.

    REFERENCE: pytorch aten/src/ATen/native/cuda/Sort.cpp `sort_out_cuda` returns new fp32 values and
    int64 indices (4 + 8 bytes an element); SortStable.cu `launch_stable_sort_kernel` sorts the rows
    (segments) with `segmented_sort_pairs` (an int64 reverse-index input, 8 bytes) from 128 rows,
    `segmented_sort_pairs_by_full_sort` below (two int2 index-and-segment arrays and the keys_out
    cub.cuh `radix_sort_pairs` allocates for a null output: 8 + 8 + 4) and
    `segmented_sort_large_segments` for one row (one row of int64 indices). Each cub radix sort without
    a DoubleBuffer takes temporary storage for an alternate key and value buffer (cub
    DispatchRadixSort / DispatchSegmentedRadixSort, is_overwrite_okay false): 4 + 8 bytes an element
    for fp32 keys and int64 (or int2) values. The masks, sorted probabilities and the scattered copy
    that follow are smaller than this and come after the scratch is freed."""
    n = rows * vocab
    out, alternate = n * (4 + 8), n * (4 + 8)
    if rows == 1:
        return out + vocab * 8 + alternate
    if rows < FULL_SORT_BELOW_SEGMENTS:
        return out + n * (8 + 8 + 4) + alternate
    return out + n * 8 + alternate


def blas_workspace_bytes(architecture: str | None, has_bias: bool) -> int:
    """The cuBLAS workspace (and the cuBLASLt one when a linear layer has a bias) the first GEMMs
    allocate through PyTorch's caching allocator."""
    arch = (architecture or "").lower()
    base = CUBLAS_WORKSPACE_SM90 if arch in SM90_ARCHITECTURES else CUBLAS_WORKSPACE_DEFAULT
    return base + (CUBLASLT_WORKSPACE if has_bias else 0)


@dataclass(frozen=True)
class SamplerPeak:
    """Bytes alive at the peak of `_dummy_sampler_run` on one rank, beyond the forward's output."""

    hidden: int  # last_hidden_states + its rand_like copy
    logits: int  # the (rows x vocabulary) tensors in the model dtype
    fp32: int  # the (rows x vocabulary) float32 tensors
    topk_buffer: int  # the Triton kernel's cached scratch buffer (or the sort path's copies)
    slack: int  # the caching allocator's rounding kept by the fresh fp32 segments

    @property
    def total(self) -> int:
        return self.hidden + self.logits + self.fp32 + self.topk_buffer + self.slack


def sampler_peak(
    rows: int,
    vocab: int,
    hidden: int,
    e: int,
    sms: int | None,
    largest_forward_block: int,
    speculative: bool = False,
    sort_every_row: bool = False,
) -> SamplerPeak:
    """The sampler warm-up of `rows` dummy requests over `vocab` logits, model dtype `e` bytes.

    Without speculative decoding the peak holds the model-dtype logits and three float32 tensors
    (the copy, the probabilities, the noise). With it, `_dummy_sampler_run` then runs the
    RejectionSampler (vllm/v1/sample/rejection_sampler.py, one draft token per dummy request) on
    `torch.randn` logits of 2 x rows in the model dtype; its peak, in `rejection_sample`
    / `sample_recovered_tokens`, holds those logits, the gathered bonus rows (model dtype), the bonus
    sampler's raw fp32 logits kept in its LogprobsTensors (max_num_logprobs -1, "raw_logits"), the
    target rows in fp32 and their clone, the target probabilities, the noise q and its reciprocal:
    3 x rows model-dtype and 6 x rows float32 rows of the vocabulary.

    `largest_forward_block`: the largest tensor the forward freed. A request larger than any cached
    block gets a segment of its own (CUDACachingAllocator `malloc` -> `alloc_block`), which keeps its
    2 MiB rounding when no more than 1 MiB would remain (`should_split`, torch_alloc.py)."""
    padded = -(-vocab // VOCAB_PADDING) * VOCAB_PADDING
    element = rows * vocab * 4
    buffer = topk_topp_buffer_rows(rows, sms) * vocab * 4
    if rows < TRITON_MIN_ROWS:
        # the sort path: fp32 sorted values, int64 indices, the top-k and top-p bool masks and the
        # sorted probabilities (18 bytes), freed before the probabilities and noise (8) are made
        buffer = rows * vocab * (4 + 8 + 1 + 1 + 4 - 8)
    if sort_every_row and rows >= TRITON_MIN_ROWS and not speculative:
        # 0.11.1-0.16 (`sorts_every_row`): the peak is the sort, beside the model-dtype logits and their
        # fp32 copy; the probabilities and noise come after its scratch is freed
        fp32 = [element] * (1 if e != 4 else 0)
        return SamplerPeak(
            hidden=2 * rows * hidden * e,
            logits=rows * padded * e,
            fp32=sum(fp32),
            topk_buffer=sort_bytes(rows, vocab),
            slack=block_slack_bytes([size for size in fp32 if size > largest_forward_block]),
        )
    if speculative:
        logits, fp32 = 3 * rows * vocab * e, [element] * 6
    else:
        # `.to(torch.float32)` of an fp32 tensor is the tensor itself: no copy
        logits, fp32 = rows * padded * e, [element] * (2 if e == 4 else 3)
    return SamplerPeak(
        hidden=2 * rows * hidden * e,
        logits=logits,
        fp32=sum(fp32),
        topk_buffer=buffer,
        slack=block_slack_bytes([size for size in fp32 if size > largest_forward_block]),
    )
