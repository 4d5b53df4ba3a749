"""Whether Ollama's Go engine runs a host-resident block's prompt on the GPU (op offload), by release.

Ollama's own engine (runner/ollamarunner) builds its ggml scheduler in ml/backend/ggml/ggml.go `New`;
the sixth argument of ggml_backend_sched_new(_ext) is op_offload (ggml-backend.h: backends, bufts,
n_backends, graph_size, parallel, op_offload):
- v0.6.x: the vendored ggml's ggml_backend_sched_new has no op_offload argument yet; its scheduler
  offloads large batches whenever the backend's offload_op accepts (ggml-org/llama.cpp#6083);
- v0.7.0 to v0.12.7 (`git show v0.12.0:ml/backend/ggml/ggml.go`: `C._Bool(false), C._Bool(false)`;
  v0.12.4-v0.12.7 via ggml_backend_sched_new_ext, the same false): op offload off, so every op of a
  block left in host RAM runs on the CPU, a prompt's mat-muls included, at the CPU's rate;
- v0.12.8 on: commit afaf7ce8c ("ggml: Enable op_offload to improve partial offload performance",
  2025-10-27; its message: the ollamarunner "used the CPU ... a large performance hit in prompt
  processing (3-10x)", fixes ollama/ollama#12037) passes true, with a batch-size hint for the check.
The llama runner (the vendored llama.cpp's llama_context) kept llama.cpp's default, op offload on.
Also by release: what the copy of a host MUL_MAT_ID weight holds. The vendored ggml copies only the
experts a ubatch picked from v0.12.4 on (`git grep 'copying only the experts that are used'
v0.12.4 -- ml/backend/ggml/ggml/src/ggml-backend.cpp`; v0.12.3 lacks it), the whole tensor before
(llama_cpp_op_upload.py).
"""

from __future__ import annotations

# REFERENCE: ollama/ollama ml/backend/ggml/ggml.go `New`: op_offload false from v0.7.0 (the vendored
# ggml-backend.h of v0.7.0 first takes the argument) until afaf7ce8c, first in v0.12.8.
GO_ENGINE_NO_OP_OFFLOAD = ((0, 7, 0), (0, 12, 8))
# REFERENCE: the vendored ggml-backend.cpp ggml_backend_sched_compute_splits: used-experts copy from v0.12.4.
USED_EXPERTS_COPY_RELEASE = (0, 12, 4)


def go_engine_offloads_ops(release: tuple[int, int, int]) -> bool:
    """Whether the Go engine of this release runs a host block's large-batch ops on the GPU."""
    first, last = GO_ENGINE_NO_OP_OFFLOAD
    return not first <= release < last


def copies_used_experts_only(release: tuple[int, int, int] | None) -> bool:
    """Whether this release's ggml copies only the experts a ubatch picked (None: the release modelled)."""
    return release is None or release >= USED_EXPERTS_COPY_RELEASE
