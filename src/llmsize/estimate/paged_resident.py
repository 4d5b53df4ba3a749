"""What the driver (nvidia-smi) shows for a run with a paged bitsandbytes optimizer.

torch's allocator never sees a paged optimizer's states, the driver does:

- bitsandbytes allocates a paged optimizer's state buffers with `cudaMallocManaged`
  (csrc/pythonInterface.cpp `cget_managed_ptr`, wrapped by bitsandbytes/functional.py `get_paged`),
  outside torch's caching allocator: `torch.cuda.max_memory_allocated` (llmsize's total) leaves
  them out, and the estimate reports them as `paged` beside the total (training.py).
- `Optimizer8bit.step` (bitsandbytes/optim/optimizer.py) calls `prefetch_state(p)` before each
  parameter's update, which ends in functional.py `prefetch_tensor` -> `cudaMemPrefetchAsync` to
  the parameter's GPU. Unified-memory pages stay where they were migrated until the driver has
  to evict them (oversubscription), so after the first step a card with room holds every state
  page, also during the next step's forward and backward, where torch's peak falls.

So a card-level reading (nvidia-smi, "N GB of VRAM") is torch's total plus the paged states, capped
by the card: past the card's memory the driver pages states out to the host instead of failing,
which is why the paged bytes never decide whether a run fits.
"""

from __future__ import annotations


def driver_view_bytes(total_bytes: int, paged_bytes: int, card_bytes: int | None = None) -> int:
    """Bytes the driver reports on the GPU: torch's total plus the resident paged states."""
    resident = total_bytes + max(0, paged_bytes)
    return resident if card_bytes is None else max(total_bytes, min(resident, card_bytes))
