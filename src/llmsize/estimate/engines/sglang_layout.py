"""How SGLang lays out its KV and state caches per layer kind.

Split out of sglang.py (the engine class composes it): the MambaPool slot of a state layer
(`srt/configs/mamba_utils.py`), the KV cell of an attention layer (DSA: dsa_cache.py; DeepSeek V4:
sglang_dsv4.py) and which sliding layers keep only their window.
Modelled release: SGLang 0.5.23 (sglang_rules.SGLANG_VERSION_MODELLED); paths are inside its wheel
(sgl-project/sglang).
- hybrid-SWA models (`configs/model_config.py` is_hybrid_swa_model: gpt-oss, Llama 4, Gemma 4, ...;
  not Gemma 2/3/3n, whose override turns it off; before 0.5.8 none, and gpt-oss on SM100 not before
  0.5.10): the sliding layers get a pool of their own, `pool_configurator.py`
  HybridSWAPoolConfigurator: full tokens = rest // (full cell + 0.8 x sliding cell), sliding tokens =
  0.8 x full tokens (swa_full_tokens_ratio), or the request cap with an explicit
  --max-running-requests and no radix cache; a decoding request keeps its window + the eviction
  interval + 2 pages there, the prefill chunks in flight are charged once (sglang_swa.py).
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

from llmsize.estimate import arrays as np  # numpy only for sweeps (issue 15)
from llmsize.estimate.engines import (
    dsa_cache,
    sglang_dsv4,
    sglang_swa,
)
from llmsize.estimate.engines import sglang_rules as rules
from llmsize.estimate.engines.sglang_launch import SglangLaunch

if TYPE_CHECKING:
    from llmsize.estimate.kv_cache import KvTerm
    from llmsize.specs.models import ModelSpec


class SglangCacheLayout(SglangLaunch):
    """How SGLang lays out the KV and state cache per layer kind."""

    def ssm_bytes(self) -> int:
        """Bytes per SSM / delta-state value: --mamba-ssm-dtype, else float32 (mamba2_state_dtype;
        SGLang reads the config's own `mamba_ssm_dtype`, float32 where Qwen3.5 sets it)."""
        return rules.SSM_DTYPE_BYTES[self.wl.mamba_ssm_dtype or "float32"]

    def state_bytes(self, spec: ModelSpec, compute_bytes: int, tp: int) -> int:
        """One state layer's MambaPool slot on one rank (sglang_rules.layer_state_bytes): the conv
        window in bf16 whatever the model dtype, the SSM state in --mamba-ssm-dtype."""
        del compute_bytes
        if spec.recurrent is None:
            return 0
        conv, ssm = rules.layer_state_bytes(spec.recurrent, self._attention_tp(tp), self.ssm_bytes())
        return conv + ssm

    def layer_kv_bytes(self, spec: ModelSpec, element: Fraction, tp: int) -> Fraction:
        """DeepSeek-V3.2 / GLM-5: NSATokenToKVPool's latent row (656 B with an fp8 cache) and its
        uint8 indexer keys (dsa_cache.py); every other model as the base engine lays it out."""
        if dsa_cache.uses_dsa_pages(spec):
            return dsa_cache.layer_bytes(spec, element)
        # with DP attention a rank's pool keeps its attention group's heads (sglang_dp_attention.py)
        return super().layer_kv_bytes(spec, element, self._attention_tp(tp))

    def keeps_windows(self, kv_dtype: str, spec: ModelSpec | None = None) -> bool:
        """Sliding layers hold their window only in the hybrid-SWA pool of the architectures (and
        releases) that have it; every other model keeps a cell per token in every attention layer."""
        del kv_dtype
        return spec is not None and self.swa_pool(spec)

    def swa_pool(self, spec: ModelSpec) -> bool:
        """Whether this release builds the sliding-window pool for the model (sglang_swa.py)."""
        wl = self.wl
        return sglang_swa.pool_enabled(
            spec.architecture, self.release(), wl.gpu_architecture, wl.speculative is not None, wl.gpu_segment
        )

    def tokens_held(self, window: int | None, tokens: Any, prefill: Any, batch: Any) -> Any:
        """A sliding layer of the SWA pool: each decoding request keeps its window + the eviction
        interval + 2 pages (schedule_batch.py maybe_evict_swa), and the batch up to two prefill chunks
        in flight (compute_swa_request_cap), spread here over its sequences. Page 1 here: the 64-token
        page of gpt-oss on SM100 is in the pools (sglang_swa.page_tokens) but needs the model."""
        del prefill
        if window is None:
            return tokens
        hold = np.minimum(tokens, sglang_swa.request_tokens(window, 1, self.release()))
        chunks = np.minimum(batch, sglang_swa.CHUNKS_IN_FLIGHT)
        in_flight = np.minimum(tokens, self.chunked_prefill()) * chunks
        return hold + (in_flight + batch - 1) // batch

    def compressed_layout(
        self, spec: ModelSpec, layers: tuple[int, ...], element: Fraction
    ) -> tuple[KvTerm, ...] | None:
        """DeepSeek V4: a request's tokens cost bytes_per_full_token of the token-sized pools
        (sglang_dsv4.py); the request-sized pools are a fixed reservation in the budget."""
        from llmsize.estimate.kv_cache import KvTerm

        del element  # the V4 rows, fp8 indexer keys and fp32 states fix their own bytes
        return (KvTerm(1, sglang_dsv4.plan(spec, layers, 1, 1).per_full_token, None),)

    def _dsv4_plan(self, spec: ModelSpec, layers: tuple[int, ...] | range) -> sglang_dsv4.Dsv4Pools:
        running = self.wl.max_num_seqs or sglang_dsv4.MAX_RUNNING_REQUESTS
        radix = not self.wl.disable_radix_cache
        return sglang_dsv4.plan(spec, layers, self.chunked_prefill(), running, radix)
