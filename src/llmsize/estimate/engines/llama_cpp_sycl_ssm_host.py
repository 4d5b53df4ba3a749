"""llama.cpp SYCL builds before PR #22149: Mamba-2 SSM_SCAN runs on the CPU, a graph split each way.

Why: ggml's scheduler gives an op to the first backend that supports it (ggml/src/ggml-backend.cpp
`ggml_backend_sched_split_graph`; the CPU backend supports every op) and cuts the graph where the backend
changes. In ggml-sycl.cpp `ggml_backend_sycl_device_supports_op` had no case for GGML_OP_SSM_SCAN (the
`default: return false`) until PR #22149 ("sycl: add FILL, CUMSUM, DIAG, SOLVE_TRI, SSM_SCAN,
GATED_DELTA_NET", merged 2026-05-07; read in ggml-org/ggml, src/ggml-sycl/ggml-sycl.cpp at e1f6344a's parent,
the llama.cpp sync holding every SYCL commit before it; an earlier port, PR #21163 "non-compliant sycl mamba
support", was closed unmerged). SSM_CONV, the grouped RMS_NORM, RELU/SQR and TOP_K were supported, so in
a Mamba-2 model (Nemotron-H, Nemotron-3-Nano) decoded on SYCL only the scan leaves the GPU: each Mamba-2
layer is a SYCL split, a CPU split holding SSM_SCAN alone (ggml's expansion passes never spread a CPU
assignment to its neighbours), and a SYCL split again.

What each such layer costs a token, all of it serial with the GPU (nothing else is queued):
- `ggml_backend_sched_compute_splits` copies the CPU split's inputs from the device: the SYCL backend has
  no `cpy_tensor_async`, so ggml_backend_tensor_copy_async falls back to a synchronize of the SYCL queue and
  a blocking `ggml_backend_sycl_buffer_get_tensor` (a queue memcpy and .wait()). The inputs are the scan's
  sources: the layer's SSM state (heads x head_dim x d_state FP32, the large one), x, dt, A, B, C and the
  state ids.
- the CPU computes the scan for the token: it reads the state and writes the new one into its result
  (y followed by the updated states: ggml_ssm_scan's dst).
- the next SYCL split copies that result back: tensor_copy_async again falls back to synchronising both
  backends and `ggml_backend_sycl_buffer_set_tensor`, which waits on every queue of the device
  (queues_wait_and_throw), mallocs a host buffer, memcpy's the data into it, copies it to the device and
  waits (non-Windows builds; "workaround for mmap() issue on PVC GPU").
So per Mamba-2 layer and sequence: the state plus the small operands over the host link each way, the
state read and written twice on the host (the scan, then the staging memcpy), and two host round trips
(device -> CPU, CPU -> device). The round trip is priced at the one published figure the project holds,
a pinned 4-byte D2H plus stream synchronize on CUDA (llama_cpp_mmid_host.ROUND_TRIP_SECONDS, 31.35 us):
a lower bound for a Level Zero queue wait, which also pays the malloc and free of the staging buffer (not
priced). Nor is the lost overlap of the CPU's submissions with the GPU's work after each wait. The link
and host rates are the speed model's (hardware/host_split.py). Nothing is fitted.

The prompt pays the same copies once per ubatch but the scan of every token on the CPU, at a FLOP rate
the project has no figure for: not priced. Mamba-1 layers (src[3]->ne[0] != 1) stay on the CPU after the PR
too ("TODO Mamba-1 not yet ported to SYCL"); no table row runs one on SYCL, so they are not priced either.
"""

from __future__ import annotations

from typing import NamedTuple

from llmsize.specs.models import ModelSpec

# REFERENCE: PR #22149 merged 2026-05-07 (ggml-org/ggml sync e1f6344a, author date). kyuz0's B70 run of
# 2026-05-06 used build 9039 without it; PR #23142 (2026-05-22) is in b9291: about 16 builds a day, so the PR
# lands about b9060. Approximate, as llama_cpp_fusion.py places its PRs.
SSM_SCAN_BUILD = 9060
FP32_BYTES = 4
# Host round trips per Mamba-2 layer and token: device -> CPU before the scan, CPU -> device after it.
ROUND_TRIPS_PER_LAYER = 2


class HostSplits(NamedTuple):
    """What a decode step's CPU splits move and wait for (all zero: none)."""

    round_trips: int = 0
    link_bytes: int = 0  # over the host link, both directions together
    host_bytes: int = 0  # read and written in host memory by the CPU op and its staging copy


def scans_on_host(build: int | None) -> bool:
    """Whether llama.cpp `build`'s SYCL backend leaves SSM_SCAN to the CPU (None: the current build)."""
    return build is not None and build < SSM_SCAN_BUILD


def mamba2_layers(spec: ModelSpec) -> int:
    """Blocks with a Mamba-2 mixer (a hybrid block runs one beside its attention)."""
    rec = spec.recurrent
    if rec is None or rec.kind != "mamba2":
        return 0
    return sum(1 for i in range(spec.num_layers) if spec.layer_type(i) in ("mamba", "hybrid"))


def decode_splits(spec: ModelSpec, sequences: int) -> HostSplits:
    """The CPU splits of one decode step of `sequences` sequences on a SYCL build without SSM_SCAN."""
    layers = mamba2_layers(spec)
    rec = spec.recurrent
    if not layers or rec is None or sequences <= 0:
        return HostSplits()
    state = rec.recurrent_state_elements * FP32_BYTES
    # ggml_ssm_scan(s, x, dt, A, B, C, ids): x is d_inner, dt and A one per head, B and C n_groups x d_state.
    operands = (rec.inner_size + 2 * rec.num_heads + 2 * rec.n_groups * rec.state_size) * FP32_BYTES
    result = rec.inner_size * FP32_BYTES + state  # y, then the updated state
    link = layers * sequences * (state + operands + result)
    # The scan reads the state and writes its result; set_tensor's staging memcpy reads and writes the result.
    host = layers * sequences * (state + 3 * result)
    return HostSplits(layers * ROUND_TRIPS_PER_LAYER, link, host)
