"""Whether a V0-era vLLM release (0.4-0.7) ships tuned fused_moe tiles for a model's expert shape.

Rule. vLLM's fused_moe looks its Triton tiles up by file name (v0.4.2
vllm/model_executor/layers/fused_moe/fused_moe.py `get_config_file_name`: "E={E},N={N},device_name=
{device}.json", read by `get_moe_configs`; `fused_moe` passes E = w1.shape[0], the routed experts, and
N = w2.shape[2], the expert's intermediate width on one tensor-parallel rank). When no file matches,
`fused_moe` runs its default tiles (BLOCK_SIZE_M 16, N 32, K 64, GROUP_SIZE_M 1 for M <= E, num_warps /
num_stages left to Triton): the same tiles the V1 releases log as "Using default MoE config", which
estimate/engines/vllm_speed.py prices at UNTUNED_MOE_CALL_S a routed-FFN call (vllm-project/vllm
PR #19049, an A100). Which shapes a release ships is read off its sdist's fused_moe/configs/ (16-bit
files only, no ",dtype=" in the name):
  * 0.4.1 / 0.4.2: E=8 (N 1792, 2048, 3584, 4096, 7168) and E=16 (N 1344, 2688): Mixtral and DBRX;
    0.4.3 adds E=8,N=14336. No E=64 file: Qwen2-57B-A14B (64 experts, 2,560 wide: N 1,280 at TP 2)
    runs the default tiles on 0.4.
  * 0.6.3: the above plus E=64 (N 640, 1280), E=16 (N 1792, 3584, 7168, 14336) and E=1 files;
    E=64,N=1280 first ships in 0.5.x (absent from 0.5.0, present in 0.5.4). Releases 0.5-0.7 share
    llmsize's 0.6.3 V0 profile and take its list.
Files name a device as well; llmsize's workload does not carry vLLM's device string, so a shape that
ships for any device counts as tuned (no extra price): the rule can only miss an untuned run, never
invent one. Quantized MoE checkpoints (GPTQ / AWQ / FP8 files, other kernels on these releases) make no
claim either. Only the V0 profiles ('vllm-0.4', 'vllm-0.6' and its eager twin) get an untuned twin; the
V1 releases keep the named 'vllm-moe-untuned' profile for rows that say so. The twins themselves are
built in vllm_moe_untuned_speed.py.
"""

from __future__ import annotations

from llmsize.specs.models import ModelSpec

# REFERENCE: fused_moe/configs/ of the vllm-0.4.2 and vllm-0.6.3 sdists from PyPI, (E, N) of the 16-bit files.
_V042 = frozenset({(8, 1792), (8, 2048), (8, 3584), (8, 4096), (8, 7168), (16, 1344), (16, 2688)})
_V063 = _V042 | {(8, 14336), (16, 1792), (16, 3584), (16, 7168), (16, 14336), (64, 640), (64, 1280),
                 (1, 1792), (1, 3072), (1, 3584), (1, 7168), (1, 14336)}
SHIPPED_16BIT: dict[tuple[int, int], frozenset[tuple[int, int]]] = {
    (0, 4): _V042, (0, 5): _V063, (0, 6): _V063, (0, 7): _V063}
UNTUNED_SUFFIX = "-moe-untuned"
V0_PROFILES = ("vllm-0.4", "vllm-0.6", "vllm-0.6-eager")


def expert_shape(spec: ModelSpec, tp: int) -> tuple[int, int]:
    """(E, N) as fused_moe names its config file: routed experts, their width on one TP rank."""
    return spec.num_experts, spec.moe_intermediate_size // max(1, tp)


def runs_default_tiles(spec: ModelSpec, tp: int, release: tuple[int, int] | None, quantized: bool) -> bool:
    """Whether vLLM `release` (0.4-0.7) finds no tuned 16-bit fused_moe file for this model at `tp`."""
    if release is None or release not in SHIPPED_16BIT or quantized or not spec.is_moe:
        return False
    return expert_shape(spec, tp) not in SHIPPED_16BIT[release]


def speed_name(base: str, spec: ModelSpec | None, tp: int, release: tuple[int, int] | None,
               quantized: bool, enforce_eager: bool = False) -> str:
    """`base` (a V0 release's profile), or its untuned-tile twin where the release runs default tiles;
    with --enforce-eager the eager profile's twin (speed_eager.eager_engine finds no eager twin of a twin)."""
    if base not in V0_PROFILES or spec is None or not runs_default_tiles(spec, tp, release, quantized):
        return base
    if enforce_eager and base == "vllm-0.6":
        base = "vllm-0.6-eager"
    return base + UNTUNED_SUFFIX
