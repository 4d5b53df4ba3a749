"""The V0 profiles' twins for runs on vLLM's default fused_moe tiles (the rule: vllm_moe_tuned.py).

Each is its V0 profile ('vllm-0.4', 'vllm-0.6', 'vllm-0.6-eager') with UNTUNED_MOE_CALL_S added to every
routed-FFN call (estimate/engines/vllm_speed.py: vllm-project/vllm PR #19049's default-tile timings on an
A100 sit ~36 us a call above the tuned-tile model); nothing is fitted here.
"""

from __future__ import annotations

from llmsize.estimate.engines.speed_eager import EAGER_SPEED
from llmsize.estimate.engines.speed_profile import EngineSpeedProfile
from llmsize.estimate.engines.vllm_graph_cap import CAPPED_SPEED
from llmsize.estimate.engines.vllm_moe_tuned import UNTUNED_SUFFIX, V0_PROFILES
from llmsize.estimate.engines.vllm_speed import LEGACY_SPEED, UNTUNED_MOE_CALL_S


def untuned_profile(profile: EngineSpeedProfile) -> EngineSpeedProfile:
    """`profile` on the default fused_moe tiles: each routed-FFN call UNTUNED_MOE_CALL_S longer."""
    return profile.model_copy(update={
        "engine": profile.engine + UNTUNED_SUFFIX, "moe_call_extra_s": UNTUNED_MOE_CALL_S,
        "version": f"{profile.version}, default fused_moe tiles (no tuned file for the expert shape)",
        "sources": (*profile.sources,
                    "https://github.com/vllm-project/vllm/blob/v0.4.2/vllm/model_executor/layers/fused_moe/"
                    "fused_moe.py", "https://github.com/vllm-project/vllm/pull/19049")})


_KNOWN = {**LEGACY_SPEED, **EAGER_SPEED, **CAPPED_SPEED}
UNTUNED_V0_SPEED: dict[str, EngineSpeedProfile] = {
    name + UNTUNED_SUFFIX: untuned_profile(_KNOWN[name]) for name in V0_PROFILES}
