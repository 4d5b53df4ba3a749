"""ggml-cuda prompts' MUL_MAT_ID work on the host: a per-expert loop where the grouped kernels refuse, syncs.

Which kernel a prompt's MUL_MAT_ID runs is decided once for the whole ubatch: ggml-cuda.cu
ggml_cuda_mul_mat_id calls ggml_cuda_should_use_mmq(src0->type, cc, ne12) with ne12 = the ubatch's
tokens, and takes the grouped MoE MMQ kernel (all experts in one launch, ggml_cuda_mul_mat_q with ids)
only when it says yes. On AMD consumer GPUs that answer was, until RDNA3 got int8 WMMA MMQ kernels
(ggml-org/llama.cpp PR #17576, "HIP: enable WMMA-MMQ INT kernels for RDNA 3", December 2025):

    return (!GGML_CUDA_CC_IS_RDNA4(cc) && !GGML_CUDA_CC_IS_RDNA3(cc) && !GGML_CUDA_CC_IS_CDNA(cc))
           || ne11 < MMQ_DP4A_MAX_BATCH_SIZE;              // mmq.cu, mid-2025; MMQ_DP4A_MAX_BATCH_SIZE 64

so an RDNA3 / RDNA 3.5 ubatch of 64 tokens or more (GGML_CUDA_CC_IS_RDNA3 spans gfx1100-gfx1151) falls
to the fallback below it: the ids are copied to the host and the stream synchronised, the host sorts
the tokens by expert, one get_rows gathers them, and then for each expert holding tokens
ggml_cuda_mul_mat runs on that expert's slice; one get_rows scatters the results back. Each expert holds
far fewer than 64 of the ubatch's tokens (512 x 8 / 128 = 32 for Qwen3-30B-A3B), so its slice takes the
MMQ path of a plain mat-mul: quantize_mmq_q8_1 of its rows, then mul_mat_q: two dispatches per expert
and projection, where the grouped kernel launches two for all experts together. The current code keeps
MMQ for MoE on RDNA3 for this reason ("High expert counts are almost always better on MMQ due to the
synchronization overhead in the cuBLAS/hipBLAS path", mmq.cu, citing PR #18202).

Priced: each of those per-expert dispatches at the HIP runtime's direct-launch floor on the GPU (the
prompt is not replayed as a graph: the synchronisation forbids capture). On gfx1151 that floor is
measured: 2.0087 us a dispatch for 941 serialized one-block launches (shisa-ai/hipEngine
benchmarks/micro/results/gfx1151/strix-halo/dispatch-floor-comparison.json, hip_tiny_direct; the same
file's graph replay, 1.807 us, prices the decode graph in llama_cpp_hip_graphs.py). RDNA3 (gfx1100) has
only a graph-replay figure, so it is not priced. Not priced either, for want of a timing: the host sort
(experts x tokens x k comparisons per projection, GPU idle after the synchronisation) and the
synchronisation itself, so the cost is a lower bound. Nothing is fitted.

BF16 experts take the same loop on every build, for the projections the grouped float kernel refuses:
ggml_cuda_mul_mat_id tries ggml_cuda_should_use_mmf(..., src1->ne[2] = the ubatch's tokens,
mul_mat_id=true) (mmf.cu), which says no when an expert matrix has at most 1,024 output rows and the
ubatch more than 512 tokens, or more than 1,024 rows and more than 128 tokens; there is no MMQ for
BF16, so the fallback runs, each expert slice through ggml_cuda_mul_mat's hipBLAS GEMM (src1 is
gathered as BF16 once; the GEMM, then, RDNA3 keeping BF16 output (ggml_cuda_mul_mat_cublas_f32_output
false), its conversion to F32: two dispatches again). GLM-4.7-Flash's 1,536-row gate/up and 2,048-row
down projections all loop at pp512; Qwen3.6-35B-A3B's 512-row gate/up stay on MMF, its down loops.

Host round trips. The fallback copies the ids to the host and synchronises, then copies the sorted ids
back (two cudaStreamSynchronize a call); so did the grouped MMQ kernel's own ids branch on every GPU
until PR #15525 moved that helper to device code (2025-08-23, "This eliminates the need for
synchronization"; mmq.cu ggml_cuda_mul_mat_q before it: D2H, sync, a CPU loop over experts x tokens x k,
H2D, sync), for any ubatch of two tokens or more (one token takes MMVQ). Each round trip is priced at
what PR #15525's own -ub 2 row saved by removing them, 10.1 us (ggml_cuda_mmid_sync.py; it was the
isolated pinned 4-byte D2H + cudaStreamSynchronize median of kekzl/imp#1654, 31.35 us, whose min is
9.19 us), the figure estimate/engines/ollama_mmid_sync.py prices Ollama's vendored copy of that code with.
On CUDA and HIP; Metal and Vulkan have their own MUL_MAT_ID.

The host scan between the two round trips. Both host groupings (mmq.cu ggml_cuda_mul_mat_q's ids branch
before PR #15525, and ggml-cuda.cu ggml_cuda_mul_mat_id's fallback) build the expert order with the same
three nested loops, read at llama.cpp e54d41be (ollama/ollama v0.11.8 ml/backend/ggml/ggml/src/ggml-cuda):
for every expert, for every token of the ubatch, walk that token's n_expert_used ids until one equals
the expert (`break` on the match). A token reads all k of its ids for each of the E - k experts it did
not pick and j + 1 of them for the one it picked j-th, so a call reads T x (E x k - k(k - 1) / 2) ids,
scalar, one compare and branch each, while the GPU, synchronised just before, waits (the grouped ids
go back to the device only after it). The count grows with the ubatch's tokens times the expert
count: 128 x 512 x 8 - 28 x 512 = 509,952 reads a call for Qwen3-30B-A3B at -ub 512, 144 calls a
ubatch. Priced per read at a published host scan of one element at a time: llama-cli's top-k pass over
the 128,256-entry vocabulary, 0.49 ns a candidate on an i5-13400F (ggml-org/llama.cpp#34, the
figure estimate/engines/ollama_sampling.py prices Ollama's sampler with). That pass is a comparable
scalar walk (a compare per element), not a timing of this loop, and a server's slower cores take
longer: a lower bound again. Nothing fitted.
"""

from __future__ import annotations

from llmsize.estimate.engines.llama_cpp_hip_graphs import RDNA35_KEY
from llmsize.estimate.engines.ollama_mmid_sync import GROUPING_ROUND_TRIP, ROUND_TRIP_S, SYNCS_PER_CALL
from llmsize.estimate.engines.ollama_sampling import TOP_K_PASS_S

# REFERENCE: PR #15525 ("CUDA: MoE helper in device code, better tile sizes", merged 2025-08-23): placed
# between b5920 (PR #14800, 2025-07-21) and b6310 (PR #15631, 2025-08-28) by date, as llama_cpp_fusion.py
# places its PRs. Approximate.
DEVICE_HELPER_BUILD = 6260
# Re-exported for the speed model: one published isolated host round trip (the single hand-offs of
# host_split.py and others), one round trip of the expert grouping (PR #15525's -ub 2 row:
# ggml_cuda_mmid_sync.py) and the round trips of one grouped call.
ROUND_TRIP_SECONDS = ROUND_TRIP_S
GROUPING_ROUND_TRIP_SECONDS = GROUPING_ROUND_TRIP
CALL_ROUND_TRIP_SECONDS = SYNCS_PER_CALL * GROUPING_ROUND_TRIP
# REFERENCE: ggml-org/llama.cpp#34 (comment of 2024-12-15): "sampling time = 8.69 ms / 137 runs" for a
# top-k pass over 128,256 candidates on an i5-13400F, 0.49 ns a candidate (ollama_sampling.TOP_K_PASS_S):
# one host-scanned id of the expert grouping (module docstring).
HOST_SCAN_S_PER_ID = TOP_K_PASS_S

# REFERENCE: PR #17576 ("HIP: enable WMMA-MMQ INT kernels for RDNA 3"): not yet merged on 2025-12-01
# (PR #17495's review: "After #17576 ..."); placed just before b7340 of 2025-12-09 at about ten builds
# a day, as llama_cpp_fusion.py places its PRs. Approximate.
GROUPED_MMQ_BUILD = 7300
# The GPU architectures that rule covers (GGML_CUDA_CC_IS_RDNA3 spans gfx1100-gfx1151; RDNA4 alike).
QUANTIZED_LOOP_ARCHITECTURES = frozenset({"rdna3", "rdna3.5", "rdna4"})
# REFERENCE: mmq.cuh MMQ_DP4A_MAX_BATCH_SIZE: below it the ubatch takes the grouped MMQ kernel anyway.
MMQ_DP4A_MAX_BATCH_SIZE = 64
# The routed projections of a MoE layer on those builds: gate, up and down exps, one MUL_MAT_ID each
# (src/llama-graph.cpp build_moe_ffn of 2025).
PROJECTIONS = 3
# quantize_mmq_q8_1 + mul_mat_q per expert slice (ggml_cuda_mul_mat -> MMQ below 64 columns).
DISPATCHES_PER_EXPERT = 2
# REFERENCE: shisa-ai/hipEngine dispatch-floor-comparison.json (commit e6edda35), gfx1151 (Radeon 8060S):
# hip_tiny_direct_us_per_dispatch 2.0087 over 941 serialized one-block dispatches.
DIRECT_DISPATCH_BY_ARCH: dict[str, float] = {RDNA35_KEY: 2.0087e-6}


def loops_experts(build: int | None) -> bool:
    """Whether llama.cpp `build`'s HIP prompts on RDNA run MUL_MAT_ID expert by expert (None: current)."""
    return build is not None and build < GROUPED_MMQ_BUILD


def host_helper(build: int | None) -> bool:
    """Whether `build`'s grouped MMQ kernel prepared each MUL_MAT_ID's expert grouping on the host."""
    return build is not None and build < DEVICE_HELPER_BUILD


def synced_calls(tokens: int, looped: int, helper_on_host: bool, projections: int = PROJECTIONS) -> int:
    """Routed projections of one ubatch a MoE layer that wait on host round trips: the looped ones, and
    before PR #15525 the grouped ones too (ubatches of two tokens or more); `projections`: 3 for gated
    experts, 2 for up/down ones (Nemotron-H's ReLU^2)."""
    if tokens < 2:
        return 0
    return looped + (projections - looped if helper_on_host else 0)


def experts_hit(tokens: int, experts: int, used: int) -> float:
    """Experts holding at least one of `tokens` tokens when each picks `used` of `experts` uniformly."""
    if tokens <= 0 or experts <= 0 or used <= 0:
        return 0.0
    return experts * (1.0 - (1.0 - min(used, experts) / experts) ** tokens)


# REFERENCE: mmf.cu ggml_cuda_should_use_mmf, mul_mat_id branch: (rows limit, most tokens) pairs MMF takes.
MMF_MMID_SMALL_ROWS, MMF_MMID_SMALL_MAX_TOKENS = 1024, 512
MMF_MMID_LARGE_MAX_TOKENS = 128


def mmf_takes(rows: int, tokens: int) -> bool:
    """Whether the grouped float kernel (MMF) takes a BF16 MUL_MAT_ID of `rows` output rows."""
    limit = MMF_MMID_SMALL_MAX_TOKENS if rows <= MMF_MMID_SMALL_ROWS else MMF_MMID_LARGE_MAX_TOKENS
    return tokens <= limit


def looped_projections(tokens: int, quantized_loop: bool, float_experts: bool, expert_rows: int,
                       hidden: int, projections: int = PROJECTIONS) -> int:
    """Routed projections (gate and up, or up alone: `expert_rows` rows; down: `hidden` rows) of one ubatch
    that loop."""
    rows = (expert_rows,) * (projections - 1) + (hidden,)
    if float_experts:
        return sum(not mmf_takes(r, tokens) for r in rows)
    return projections if quantized_loop and tokens >= MMQ_DP4A_MAX_BATCH_SIZE else 0


def loop_dispatches(tokens: int, experts: int, used: int, moe_layers: int, projections: int) -> float:
    """Per-expert dispatches one ubatch of `tokens` adds for its `projections` looped projections a layer."""
    if moe_layers <= 0 or projections <= 0:
        return 0.0
    return moe_layers * projections * experts_hit(tokens, experts, used) * DISPATCHES_PER_EXPERT


def ubatches(tokens: int, chunk: int) -> tuple[tuple[int, int], ...]:
    """(ubatch tokens, how many such ubatches) of a prompt of `tokens` split by llama.cpp's n_ubatch `chunk`:
    the full ones and the remainder, empty entries left out."""
    if tokens <= 0 or chunk <= 0:
        return ()
    full, rest = divmod(tokens, chunk)
    return tuple((size, count) for size, count in ((chunk, full), (rest, 1)) if size and count)


def scanned_ids(tokens: int, experts: int, used: int) -> int:
    """Ids one host-grouped MUL_MAT_ID of `tokens` tokens reads: every token's `used` ids for each expert it
    did not pick, up to the match for each one it did (the loops' `break`)."""
    if tokens <= 0 or experts <= 0 or used <= 0:
        return 0
    used = min(used, experts)
    return tokens * (experts * used - used * (used - 1) // 2)


def scan_seconds(tokens: int, chunk: int, experts: int, used: int, calls: int,
                 s_per_id: float = HOST_SCAN_S_PER_ID) -> float:
    """Seconds the host scans of a prompt of `tokens` in ubatches of `chunk` take when `calls` MUL_MAT_IDs of
    each multi-token ubatch (per MoE layer, summed over the layers) group their experts on the host; a last
    ubatch of one token takes MMVQ and scans nothing."""
    if tokens <= 0 or chunk <= 0 or calls <= 0 or s_per_id <= 0:
        return 0.0
    ids = sum(count * scanned_ids(ubatch, experts, used)
              for ubatch, count in ubatches(tokens, chunk) if ubatch >= 2)
    return calls * ids * s_per_id


def loop_seconds(tokens: int, chunk: int, shape: tuple[int, int, int, int, int],
                 flags: tuple[bool, bool, bool], dispatch_s: float, round_trip_s: float,
                 scan_s_per_id: float = 0.0, projections: int = PROJECTIONS) -> float:
    """Seconds a prompt of `tokens` in ubatches of `chunk` spends on the per-expert dispatches, the host
    round trips and the host scans between them; `shape` is (experts, used, MoE layers, expert rows,
    hidden), `flags` (quantized experts loop, BF16 experts, the grouping helper runs on the host)."""
    if tokens <= 0 or chunk <= 0 or (dispatch_s <= 0 and round_trip_s <= 0 and scan_s_per_id <= 0):
        return 0.0
    experts, used, moe_layers, expert_rows, hidden = shape
    quantized_loop, float_experts, helper_on_host = flags
    seconds = 0.0
    for ubatch, count in ubatches(tokens, chunk):
        looped = looped_projections(ubatch, quantized_loop, float_experts, expert_rows, hidden, projections)
        seconds += count * loop_dispatches(ubatch, experts, used, moe_layers, looped) * dispatch_s
        calls = moe_layers * synced_calls(ubatch, looped, helper_on_host, projections)
        seconds += count * calls * SYNCS_PER_CALL * round_trip_s
        seconds += scan_seconds(count * ubatch, ubatch, experts, used, calls, scan_s_per_id)
    return seconds
