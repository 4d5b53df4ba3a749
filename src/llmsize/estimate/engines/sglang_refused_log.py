"""What SGLang's log holds when it refuses to start: the lines up to the error it raises, not the pools.

SGLang sizes its pools in `kv_cache_configurator.py` (0.5.23; `model_runner_kv_cache_mixin.py` before):
`_profile_available_bytes` takes rest = free memory after the load - total x (1 - mem_fraction_static)
and, for a hybrid model, `_handle_max_mamba_cache` takes the MambaPool's share of it; the pool
configurator turns what is left into max_total_num_tokens, and `MemoryPoolConfig.__post_init__`
(`model_executor/pool_configurator.py`) raises "Not enough memory. Please try to increase
--mem-fraction-static." when that is <= 0. `resolve_max_num_reqs` raises "Hybrid (mamba/linear-attention)
state cache is too small to serve any requests" when the state slots serve none. Both come before any
pool is allocated, so the MambaPool's "Mamba Cache is allocated" line and the scheduler's
"max_total_num_tokens=..." line never print. The estimate printed them with the arithmetic of a negative
rest ("max_mamba_cache_size: -30, ssm_state size: -1.36GB" for Qwen3.5-9B in bf16 on an RTX 4090;
issue 15, newcomer round 10).
"""

from __future__ import annotations

NOT_ENOUGH = "RuntimeError: Not enough memory. Please try to increase --mem-fraction-static."
STATE_TOO_SMALL = ("RuntimeError: Hybrid (mamba/linear-attention) state cache is too small to serve any "
                   "requests.")
LOAD_OOM = "torch.OutOfMemoryError: CUDA out of memory (loading the weights; no 'Load weight end' line)"


def not_enough(load: tuple[str, ...], frac: float) -> tuple[str, ...]:
    """The load lines, then the pool configurator's refusal with the fraction it names."""
    return (*load, f"{NOT_ENOUGH} Current value: mem_fraction_static={frac}")


def state_too_small(load: tuple[str, ...]) -> tuple[str, ...]:
    """The load lines, then resolve_max_num_reqs' refusal of a state pool that serves no request."""
    return (*load, STATE_TOO_SMALL)


def load_out_of_memory() -> tuple[str, ...]:
    """The weights do not fit the card: the load fails before its own line."""
    return (LOAD_OOM,)
