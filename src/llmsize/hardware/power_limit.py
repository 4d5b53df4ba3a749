"""A board power limit (`nvidia-smi -pl W`, `--power-limit W`): the SM clock the card sustains under it.

The limiter (NVIDIA GPU Boost, AMD's PPT) lowers the core clock until the board's power meets the
limit. Board power under a sustained load is a part that does not follow the core clock (memory,
fans, VRM losses, leakage) plus the cores' switching power, C·f·V². In the DVFS range the voltage
table lowers V with f (TechPowerUp's GA10x voltage-frequency tables: 1,740 MHz at 0.875 V to 1,965 MHz
at 1.081 V, V/f within 10% of constant, https://www.techpowerup.com/review/zotac-geforce-rtx-3060-ti-twin-edge/30.html),
so the switching power goes as f³:

    P(r) = F + (TDP - F) · r³,   r = f / f_catalog

where the catalog's clock (the rated boost clock its TFLOPS are quoted at) is what a compute-bound
load sustains at the stock limit, TDP. A cap W solves P(r) = W for r; a cap above the TDP (a partner
board's higher limit) lets the clock rise the same way. F, the clock-independent share, is measured:
club-3090 issue #104's RTX 3090 sweep (https://github.com/noonghunna/club-3090/issues/104) read 705 MHz
at a 180 W cap and 1,695 MHz at 300 W with the limiter engaged throughout; the line through them meets
zero clock at 94.5 W, 27% of the card's 350 W.

Prefill and batched decode are compute-bound: their FLOP/s scale with r. Single-stream decode streams
the weights from DRAM, whose clock the limiter leaves alone (9,501 MHz at every cap of the sweeps
above), so only its FLOPs slow, hidden under the stream: far less. The per-layer kernel latency is
not scaled with r: the same rig's vLLM TP 4 decode (LottoLottoLotto/4x3090-llm-benchmarks) loses 2%
from 300 to 220 W, where a latency in core cycles would make it 6%. Checked against published sweeps
(tests/golden/test_speed_power_limit.py): llmgarage's 6 x RTX 3090 llama.cpp prefill at 300 / 250 / 200 W
keeps 0.943 / 0.853 / 0.600 of its 350 W speed, this rule 0.928 / 0.843 / 0.737
(https://llmgarage.ai/power-limit-tokens-per-second-benchmark); below
about 220 W the measured fall is steeper than r³ (the voltage has reached its floor, so P ∝ f: the
rule is optimistic there).
"""

from __future__ import annotations

from llmsize.errors import BadInputError
from llmsize.hardware.gpus import GpuSpec, Throughput

# Clock-independent share of board power under a sustained load: the zero-clock intercept of club-3090
# #104's measured SM clock against the cap (180 W -> 705 MHz, 300 W -> 1,695 MHz), over the RTX 3090's
# 350 W. REFERENCE: https://github.com/noonghunna/club-3090/issues/104
FIXED_SHARE = (180 - 705 * (300 - 180) / (1695 - 705)) / 350


def fixed_watts(gpu: GpuSpec) -> float:
    """Board watts that do not follow the core clock (0 where the catalog has no board power)."""
    return FIXED_SHARE * (gpu.tdp_w or 0.0)


def clock_ratio(gpu: GpuSpec, limit_w: float | None) -> float:
    """Sustained core clock under a compute-bound load at `limit_w`, over the catalog's (1: no limit)."""
    if limit_w is None:
        return 1.0
    check_limit(gpu, limit_w)  # a board power is known and the limit leaves the cores some watts
    tdp, fixed = float(gpu.tdp_w or 0.0), fixed_watts(gpu)
    return float(((limit_w - fixed) / (tdp - fixed)) ** (1 / 3))


def check_limit(gpu: GpuSpec, limit_w: float) -> None:
    """Refuse a limit the board cannot take: none of board power known, at or below the clock-independent
    draw (no clock is left), or above the board's highest settable limit."""
    if not limit_w > 0 or limit_w != limit_w:
        raise BadInputError(f"--power-limit {limit_w:g}: give the board's power limit in watts, "
                            "a positive number")
    if not gpu.tdp_w:
        raise BadInputError(f"--power-limit: {gpu.id} has no board power (tdp_w) in the catalog; "
                            "drop --power-limit or give a --gpu-file entry with tdp_w")
    ceiling = gpu.max_power_w or gpu.tdp_w
    if limit_w > ceiling:
        raise BadInputError(f"--power-limit {limit_w:g}: above {gpu.id}'s highest board limit, "
                            f"{ceiling:g} W; give watts up to {ceiling:g}")
    if limit_w <= fixed_watts(gpu):
        raise BadInputError(f"--power-limit {limit_w:g}: at or below what {gpu.id} draws before its cores "
                            f"clock (about {fixed_watts(gpu):.0f} W); give more watts")


def capped(gpu: GpuSpec, limit_w: float | None) -> GpuSpec:
    """`gpu` as it runs under `limit_w`: every FLOP rate at the capped clock; itself without a limit."""
    ratio = clock_ratio(gpu, limit_w)
    if ratio == 1.0:
        return gpu
    rates = {k: (v * ratio if v is not None else None) for k, v in gpu.tflops.model_dump().items()}
    return gpu.model_copy(update={"tflops": Throughput(**rates)})


def describe(gpu: GpuSpec, limit_w: float) -> str:
    """One line for the speed assumptions."""
    return (f"power limit {limit_w:g} W of {gpu.tdp_w:g} W: core clock {clock_ratio(gpu, limit_w):.0%} "
            "of the catalog's under compute-bound work (prefill, batched decode); single-stream decode "
            "streams DRAM, whose clock stays, and slows only in its FLOPs (hardware/power_limit.py)")
