"""Parameter offload (param_offload.py): under PyTorch FSDP the optimizer steps on the host with the
offloaded shards; DeepSpeed's offload_param alone leaves the optimizer partition on the GPU."""

from __future__ import annotations

from llmsize.estimate import param_offload
from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Offload, Workload
from spec_factories import llama3_8b


def _lora(**kw: object) -> Workload:
    return Workload(mode="lora", framework="trainer", context=512, batch=1, zero=3, num_gpus=2, **kw)


def test_fsdp_offload_moves_the_step_to_the_host() -> None:
    """torch/distributed/fsdp/api.py CPUOffload: 'this offloads gradients to CPU as well, meaning that
    the optimizer step runs on CPU': states, adapter shards and gradients leave the GPU."""
    spec = llama3_8b()
    on_gpu = estimate(spec, _lora())
    off = estimate(spec, _lora(offload_params="cpu"))
    assert on_gpu.optimizer_bytes > 0 and on_gpu.adapters_bytes > 0
    assert off.optimizer_bytes == 0
    assert off.adapters_bytes == 0
    # at most one LoRA tensor's gradient in flight (r=16 is the default rank; 14336-wide MLP at most)
    assert off.gradients_bytes <= 16 * (4096 + 14336) * 4
    assert param_offload.optimizer_offload(_lora(offload_params="cpu"), master=False) is Offload.CPU


def test_deepspeed_offload_param_keeps_the_optimizer_on_the_gpu() -> None:
    """DeepSpeed's offload_param moves the parameter partitions only; offload_optimizer is its own
    switch (runtime/zero/offload_config.py)."""
    spec = llama3_8b()
    ds = _lora(offload_params="cpu", zero_impl="deepspeed")
    got = estimate(spec, ds)
    assert got.optimizer_bytes > 0
    assert got.adapters_bytes == 0
    assert param_offload.optimizer_offload(ds, master=False) is Offload.NONE
    both = ds.model_copy(update={"offload_optimizer": "cpu"})
    assert estimate(spec, both).optimizer_bytes == 0


def test_torchtune_70b_full_fsdp_cpu_offload_published() -> None:
    """torchtune README (bd2a0fc) 'Llama 3.1 70B | Full finetune | 8x A100 | 13.9 GiB' with
    recipes/configs/llama3_1/70B_full.yaml `fsdp_cpu_offload: True`, torchtune's only offload switch
    (shard_model: CPUOffloadPolicy, 'parameters, gradients, and optimizer states to CPU'). Without
    the optimizer on the host its bf16 AdamW states alone would take 33 GiB a GPU."""
    from llmsize.specs.catalog import lookup

    spec = lookup("Llama-3.1-70B")
    assert spec is not None
    wl = Workload(mode="full", framework="torchtune", context=2048, batch=2, compile=True, zero=3,
                  num_gpus=8, offload_params="cpu", optimizer="adamw-foreach")
    got = estimate(spec, wl)
    assert got.optimizer_bytes == 0
    allocated = (got.total_bytes - got.overhead_bytes) / 2**30
    assert abs(allocated / 13.9 - 1) < 0.1
