"""vLLM's paged KV cache: blocks held and read per layer kind, KV cache groups, DeepSeek V4's pool.

Split out of vllm.py (`Vllm` composes it). Sources, vLLM 0.19: `vllm/v1/kv_cache_interface.py`
FullAttentionSpec / SlidingWindowSpec `max_memory_usage_bytes`, `vllm/v1/core/kv_cache_utils.py` (groups,
vllm_kv_groups.py), gpu_model_runner.py `get_kv_cache_spec` (the drafter's layers), PR #40177 (NVFP4
pages), dsa_cache.py (DeepSeek V3.2's fp8_ds_mla + indexer pages), vllm_dsv4.py (V4's packed pool).
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

from llmsize.estimate import arrays as np  # numpy only for sweeps (issue 15)
from llmsize.estimate.engines import (
    dsa_cache,
    vllm_dsv4,
)
from llmsize.estimate.engines.base import pad
from llmsize.estimate.engines.vllm_kv_groups import (
    KV_TERM_RULE,
    KvGroup,
    kv_groups,
)
from llmsize.estimate.engines.vllm_launch import (
    VllmLaunch,
)
from llmsize.estimate.engines.vllm_speed import SPEED_V0 as SPEED_V0
from llmsize.estimate.engines.vllm_speed import SPEED_V1_SYNC as SPEED_V1_SYNC
from llmsize.estimate.memo import memo

if TYPE_CHECKING:
    from llmsize.estimate.kv_cache import KvTerm
    from llmsize.estimate.resolved import Resolved
    from llmsize.specs.models import ModelSpec


class VllmCache(VllmLaunch):
    """The paged KV cache of one request and one rank."""

    def tokens_held(self, window: int | None, tokens: Any, prefill: Any, batch: Any) -> Any:
        """A sliding layer holds what vLLM reserves for it a request (SlidingWindowSpec
        `max_memory_usage_bytes`, kv_cache_interface.py): the window - 1 + one step's batched tokens
        (the last prefill chunk sees them all), in blocks, + 1 block the window straddles; the figure
        `check_enough_kv_cache_memory` prints, so the KV line and the log agree (gpt-oss-120b at 131,072
        tokens: 4.50 GiB here against 4.79 GiB in the log before)."""
        del prefill, batch
        block = self.block_tokens()
        if window is None:
            return pad(tokens, block)
        return pad(np.minimum(tokens, window - 1 + self.batched_tokens()), block) + block

    def tokens_read(self, window: int | None, tokens: Any, prefill: Any, batch: Any) -> Any:
        """A decode step's kernel reads the window's blocks, not the prefill reserve the cache keeps
        for it (the attention backends bound a sliding layer's keys by its window)."""
        del prefill, batch
        held = tokens if window is None else np.minimum(tokens, window)
        return pad(held, self.block_tokens())

    def kv_formula_tail(self) -> str:
        return f", in pages of {self.block_tokens()} tokens"

    def compressed_layout(
        self, spec: ModelSpec, layers: tuple[int, ...], element: Fraction
    ) -> tuple[KvTerm, ...] | None:
        """DeepSeek V4 as vLLM pages it (vllm_dsv4.py): every group of one request costs its blocks x
        the pool's block stride, whatever the group (a block id spans every packed page)."""
        from llmsize.estimate.kv_cache import KvTerm

        del element  # the fp8_ds_mla, fp8 indexer and fp32 state layouts fix their own bytes
        plan = vllm_dsv4.layout(spec, layers, self.block_tokens(spec))
        stride = Fraction(plan.stride_bytes)
        counts: dict[vllm_dsv4.Group, int] = {}
        for g in plan.groups:
            counts[g] = counts.get(g, 0) + 1
        return tuple(
            KvTerm(n, stride, g.window, rule=KV_TERM_RULE[g.window is None], rate=g.block_tokens)
            for g, n in counts.items()
        )

    def pooled_held(
        self, rule: str, rate: int, tokens: Any, prefill: Any, window: int | None = None, batch: Any = 1
    ) -> Any:
        """Block ids one request holds (FullAttentionSpec / SlidingWindowSpec `max_memory_usage_bytes`
        over the page): the whole context, or window - 1 + the batched tokens of one step, + 1."""
        if rule == "blocks":
            return -(-tokens // rate)
        if rule == "window_blocks" and window is not None:
            held = np.minimum(window - 1 + self.batched_tokens(), tokens)
            return -(-held // rate) + 1
        return super().pooled_held(rule, rate, tokens, prefill, window, batch)

    def _draft_layers(self, spec: ModelSpec, rs: Resolved) -> tuple[Fraction, int]:
        """(bytes per token of one layer, layers) the drafter caches: in V1 its attention layers are
        registered like the target's (gpu_model_runner.py `get_kv_cache_spec` walks every Attention
        layer of the static forward context, the drafter's included) and join the KV cache groups;
        0 bytes = the target's own full-attention size (they join its full kind)."""
        from llmsize.estimate import speculative
        from llmsize.estimate.engines.registry import kv_bytes_per_token_layer

        if not rs.busiest_stage.head or (d := speculative.drafter(spec, self.wl)) is None or not d.kv_layers:
            return Fraction(0), 0
        own = kv_bytes_per_token_layer(d.layer_spec, self.wl, rs.kv_dtype)
        if d.method != "draft" and not spec.per_layer_heads:
            return Fraction(0), d.kv_layers
        return own, d.kv_layers

    def groups(
        self,
        spec: ModelSpec,
        layers: tuple[int, ...] | range,
        element: Fraction = Fraction(0),
        draft: tuple[Fraction, int] = (Fraction(0), 0),
    ) -> list[KvGroup]:
        """KV cache groups: each kind's layers split into groups of the smallest kind's size; a drafter's
        layers (`draft`: bytes per token, layers) count in the full-attention kind of their size
        (vllm_kv_groups.py)."""

        def token_bytes(layer: int) -> Fraction:
            return self._token_bytes(spec, layer, element)

        paged_state = self.hybrid_state(spec)
        if element != 0 and spec.per_layer_heads:
            return kv_groups(spec, layers, token_bytes, paged_state, draft)
        # Every layer's K/V is the common size here (_token_bytes gives 0), so the groups depend only on
        # the spec and the stage's layers: kept per spec, since a layout search asks for the same stage
        # many times and each walk visits every layer (a 16k-block config took 30 s; issue 15).
        held = layers if isinstance(layers, tuple) else ("range", layers.start, layers.stop, layers.step)
        return list(memo(spec, ("vllm kv groups", held, paged_state, draft),
                         lambda: tuple(kv_groups(spec, layers, token_bytes, paged_state, draft))))

    def _token_bytes(self, spec: ModelSpec, layer: int, element: Fraction) -> Fraction:
        """One layer's K/V per token on this rank; 0 unless layers differ (Gemma 4's global layers
        cache their own head size and KV heads)."""
        if element == 0 or not spec.per_layer_heads:
            return Fraction(0)
        return self.layer_kv_bytes(spec.attention_view(layer), element, self.wl.tp)

    def layer_kv_bytes(self, spec: ModelSpec, element: Fraction, tp: int) -> Fraction:
        """NVFP4 pages pack K and V of each head (PR #40177); an MLA latent takes vLLM's separate
        nvfp4_ds_mla layout, whose page is not modelled, so it is refused rather than guessed."""
        if spec.is_mla and self.wl.kv_dtype == "nvfp4":
            from llmsize.errors import BadInputError

            raise BadInputError(
                "--kv-dtype nvfp4 with --engine vllm packs K/V heads; an MLA model's latent cache uses "
                "vLLM's nvfp4_ds_mla layout, which llmsize does not model",
                hint="use --kv-dtype fp8 (or bf16) for MLA models",
            )
        if dsa_cache.uses_dsa_pages(spec):  # V3.2 / GLM-5: fp8_ds_mla rows + uint8 indexer keys
            return dsa_cache.layer_bytes(spec, element)
        return super().layer_kv_bytes(spec, element, tp)
