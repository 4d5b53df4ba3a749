"""GPU and planning options shared by `gpus`, `fit`, `compare` (and `estimate --gpu`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from llmsize.cli.completion import complete_gpu
from llmsize.cli.declare import Option, note
from llmsize.cli.option_groups import OptionGroup
from llmsize.errors import BadInputError
from llmsize.estimate.workload import MAX_COUNT, MAX_GPUS

if TYPE_CHECKING:
    from llmsize.hardware.detect import Machine
    from llmsize.hardware.efficiency import Efficiency
    from llmsize.hardware.gpus import GpuCatalog, GpuSpec

_PANEL = "GPUs"

# Repeatable: `--gpu A --gpu B` is how people write two GPUs; as a single-valued option click kept
# the last and dropped A without a word, so `compare --gpu RTX-4090 --gpu H100` showed H100 alone
# (issue 15). estimate and compare size every one named; fit, which plans one GPU, refuses several.
GpuOpt = Annotated[list[str] | None, Option(
    "--gpu", help="GPU by catalog id or alias (H100, RTX-4090, a100-80gb, M2-Ultra...; see `llmsize gpus`), "
                  "or 'local' for this machine (detected); repeat it (or use commas) to size several.",
    rich_help_panel=_PANEL, autocompletion=complete_gpu)]
# fit plans one GPU kind: its --gpu said "repeat it (or use commas) to size several", which fit then refused
# with "fit plans one GPU kind" (issue 15, newcomer round 12). Still a list, so several get that refusal.
FitGpuOpt = Annotated[list[str] | None, Option(
    "--gpu", help="GPU by catalog id or alias (H100, RTX-4090, a100-80gb, M2-Ultra...; see `llmsize gpus`), "
                  "or 'local' for this machine (detected; the default); one GPU kind (for several: "
                  "`llmsize compare MODEL --gpus A,B`).",
    rich_help_panel=_PANEL, autocompletion=complete_gpu)]
GpusOpt = Annotated[str | None, Option(
    "--gpus", help="Comma-separated GPUs to compare, e.g. H100,A100-80GB,L40S,RTX-4090 "
                   "(or 'all'; 'local' = this machine).",
    rich_help_panel=_PANEL, autocompletion=complete_gpu)]
NumGpusOpt = Annotated[str, Option(
    "--num-gpus", help="GPUs in total, or 'auto' for the smallest count (and layout) that fits. Inference "
                       "splits the model over them (tensor parallel first; llama.cpp by layers), with or "
                       "without --gpu; training runs one replica per GPU (DDP; --zero shards the states), "
                       "or splits the layers over them where a replica needs more than one GPU.",
    rich_help_panel=_PANEL)]
GpuFileOpt = Annotated[list[Path] | None, Option(
    "--gpu-file", help="Extra GPU catalog YAML (repeatable); also read: ~/.config/llmsize/gpus/ or "
                       "$LLMSIZE_GPU_DIR.", rich_help_panel=_PANEL)]
GpuMemoryUtilOpt = Annotated[float, Option(
    "--gpu-memory-utilization",
    help="vLLM: share of the card it budgets, in (0, 1] (weights, profile run, then KV blocks).",
    rich_help_panel=_PANEL)]
GpuLayersOpt = Annotated[int | None, Option(
    "--gpu-layers", min=0, help="llama.cpp -ngl / Ollama num_gpu: layers on the GPU (default: all under "
                                "llama.cpp; as many as fit under Ollama); the rest run from CPU RAM.",
    rich_help_panel=_PANEL)]
BandwidthEffOpt = Annotated[float | None, Option(
    "--bandwidth-efficiency", min=0.01, max=1.0,
    help="Speed model: achieved share of peak memory bandwidth (default: calibrated per engine, weight "
         "format and memory type).", rich_help_panel=_PANEL)]
ComputeEffOpt = Annotated[float | None, Option(
    "--compute-efficiency", min=0.01, max=1.0,
    help="Speed model: achieved share of peak tensor FLOP/s (default: calibrated per engine and "
         "device class).", rich_help_panel=_PANEL)]
HostBandwidthOpt = Annotated[float | None, Option(
    "--host-bandwidth", min=1.0,
    help="llama.cpp offload: host RAM bandwidth in GB/s for layers kept in system RAM (default 89.6, "
         "dual-channel DDR5-5600; DDR4-3200 dual channel is 51.2).", rich_help_panel=_PANEL)]
HostThreadsOpt = Annotated[int | None, Option(
    "--host-threads", min=1,
    help="llama.cpp/Ollama offload: CPU threads (llama.cpp's -t) that multiply an MoE's experts kept in "
         "system RAM, each streaming ~3.3 GB/s of quantized weights (default: llama.cpp's, the physical "
         "cores: 16 for the default Ryzen 7950X host, this machine's own when no --gpu is given).",
    rich_help_panel=_PANEL)]
PowerLimitOpt = Annotated[float | None, Option(
    "--power-limit",
    help="Board power limit in watts per GPU (nvidia-smi -pl): a lower core clock for compute-bound work "
         "(prompt, batched decode), much less for single-stream decode (default: the card's stock limit, "
         "the catalog's TDP; up to the board's highest).", rich_help_panel=_PANEL)]
ConcurrencyOpt = Annotated[str | None, Option(
    "--concurrency", help="Speed at several concurrency levels, e.g. 1,8,32: one fit row per level "
                          "(per-sequence and aggregate tokens/s).", rich_help_panel=_PANEL)]
OutputTokensOpt = Annotated[int | None, Option(
    "--output-tokens", min=0, help="Chat budget: tokens each reply adds.", rich_help_panel=_PANEL)]
TurnsOpt = Annotated[int | None, Option(
    "--turns", min=1, help="Chat budget: turns of a conversation whose history grows each turn.",
    rich_help_panel=_PANEL)]
SystemTokensOpt = Annotated[int, Option(
    "--system-tokens", min=0, help="Chat budget: tokens of the system prompt.", rich_help_panel=_PANEL)]


MAX_CONCURRENCY_LEVELS = 64  # one fit row per level: a sweep, not a list of every batch size


def parse_num_gpus(text: str | int | None) -> int | None:
    """'auto' -> None (the planner picks); a positive integer -> itself; anything else: BadInputError."""
    if text is None:
        return 1
    if isinstance(text, int):
        value = text
    elif text.strip().lower() == "auto":
        return None
    else:
        from llmsize.units import is_whole_number

        if not is_whole_number(text):  # one rule for every count option: int() reads "٣" and "1_0"
            raise BadInputError(f"--num-gpus {text!r} is neither a whole number nor 'auto'",
                                hint="write digits, e.g. --num-gpus 4, or --num-gpus auto")
        if len(text.strip().lstrip("+-0")) > 18:  # int() refuses 4,300 digits; none of these is a plan
            raise BadInputError(f"--num-gpus {text.strip()[:24]!r}... is more GPUs than llmsize plans for "
                                f"(up to {MAX_GPUS:,})",
                                hint="use --num-gpus auto for the smallest count that fits")
        value = int(text)
    if value < 1:
        raise BadInputError(
            f"--num-gpus {value} is impossible: at least one GPU is needed",
            hint="use --num-gpus 1 or more, or --num-gpus auto",
        )
    if value > MAX_GPUS:
        raise BadInputError(
            f"--num-gpus {value:,} is more GPUs than llmsize plans for (up to {MAX_GPUS:,})",
            hint="use --num-gpus auto for the smallest count that fits",
        )
    return value


def layout_gpus(options: Mapping[str, object]) -> int:
    """GPUs the layout the options name holds: --tp x --pp x vLLM --dp (the count workload_for gives a
    default single GPU; vllm_expert_parallel.py: the --dp engine cores are part of the layout)."""
    settings = options.get("engine_settings")
    dp = settings.get("data_parallel") if isinstance(settings, Mapping) else None
    degrees = (options.get("tp", 1), options.get("pp", 1), dp or 1)
    count = 1
    for degree in degrees:
        count *= degree if isinstance(degree, int) and degree > 0 else 1
    return count


def refuse_fewer_gpus_than_the_layout(count: int | None, options: dict[str, object], given: bool) -> None:
    """`--tp 2 --num-gpus 1` (or vLLM `--dp 2 --num-gpus 1`): the layout needs tp x pp x dp GPUs and the
    command line said fewer.

    workload_for reads a count of 1 as "as many as the layout" (the default is one GPU), so an
    explicit `--num-gpus 1` was planned as two GPUs without a word (issue 15, round 5; --dp: round 20);
    a count that is no multiple of the layout is already refused by Workload. `given`: the command line
    set the count.
    """
    need = layout_gpus(options)
    if not (given and count == 1 and need > 1):
        return
    tp, pp = options.get("tp", 1), options.get("pp", 1)
    dp = need // (tp * pp) if isinstance(tp, int) and isinstance(pp, int) and tp * pp > 0 else 1
    # only the degrees given: `plan` has no --tp, and "--tp 1 x --pp 1 x --dp 2" named two of them
    layout = " x ".join(f"--{n} {v}" for n, v in (("tp", tp), ("pp", pp), ("dp", dp)) if v != 1)
    raise BadInputError(f"{layout} needs {need} GPUs, but --num-gpus says 1",
                        hint=f"give --num-gpus {need} or a multiple of it")


def gpu_names(given: Sequence[str] | None) -> list[str]:
    """Every GPU of repeated `--gpu` options, each of which may be a comma-separated list."""
    return [name for text in given or () for name in split_gpu_list(text, "--gpu")]


def distinct_gpus(names: Sequence[str], gpu_files: Sequence[Path] = ()) -> list[str]:
    """`names` with each GPU kind once (the first spelling kept): `--gpu H100 --gpu h100-sxm-80gb` is one
    card, and `estimate` listed a fit row (and a speed sweep) per spelling, 300 of them for
    `--gpu H100,H100,...` (2.1 s; issue 15, round 9). `compare` keeps one row per catalog id the same way."""
    if len(names) < 2:
        return list(names)  # nothing to merge: no catalog read (a plain `estimate M --gpu H100`)
    from llmsize.hardware.gpus import load_catalog

    catalog = load_catalog(tuple(gpu_files)) if any(not is_local(n) for n in names) else None
    kinds: dict[str, str] = {}
    for name in names:
        key = "local" if is_local(name) or catalog is None else catalog.get(name).id
        kinds.setdefault(key, name)
    return list(kinds.values())


def one_gpu(given: Sequence[str] | None, command: str, gpu_files: Sequence[Path] = ()) -> str | None:
    """The one `--gpu` of a command that plans a single GPU kind; several are bad input, not the last.
    The same kind named twice is one (`fit M --gpu H100 --gpu H100` was refused, hinting a compare of
    H100 with itself)."""
    names = distinct_gpus(gpu_names(given), gpu_files)
    if len(names) > 1:
        raise BadInputError(
            f"{command} plans one GPU kind, and --gpu named {len(names)} ({', '.join(names)})",
            hint=f"compare them with: llmsize compare MODEL --gpus {','.join(names)}",
        )
    return names[0] if names else None


def split_gpu_list(text: str, option: str = "--gpus") -> list[str]:
    """'H100, A100-80GB,,L40S' -> ['H100', 'A100-80GB', 'L40S']; an empty list is bad input."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise BadInputError(f"{option} is empty", hint=f"name GPUs, e.g. {option} H100,A100-80GB,RTX-4090")
    return names


def parse_concurrency(text: str | None) -> tuple[int, ...]:
    """'1,8,32' -> (1, 8, 32); None -> (); anything else: BadInputError (exit 2)."""
    if not text:
        return ()
    from llmsize.units import is_whole_number

    # Split on commas, then strip: removing every space first read "1 8 32" as 1832 sequences (round 8).
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not all(map(is_whole_number, parts)):  # one rule for every count option: int() reads "٣" and "1_0"
        raise BadInputError(f"--concurrency {text!r}: give positive integers separated by commas, "
                            "e.g. 1,8,32")
    levels = tuple(int(part) if len(part) <= 100 else MAX_COUNT + 1 for part in parts)
    if not levels or min(levels) < 1:
        raise BadInputError(f"--concurrency {text!r}: levels must be positive integers, e.g. 1,8,32")
    if max(levels) > MAX_COUNT or len(levels) > MAX_CONCURRENCY_LEVELS:
        raise BadInputError(f"--concurrency takes at most {MAX_CONCURRENCY_LEVELS} levels of up to "
                            f"{MAX_COUNT:,} sequences", hint="e.g. --concurrency 1,8,32")
    # A level given twice is one level: "1,1,1" printed the same row three times (round 22).
    return tuple(dict.fromkeys(levels))


PricePerHourOpt = Annotated[float | None, Option(
    "--price-per-hour", min=0.0,
    help="US$ per GPU-hour, for $/hour and $ per million output tokens (default: the catalog's dated "
         "price where it has one; otherwise no cost is shown).", rich_help_panel=_PANEL)]



@dataclass(frozen=True)
class Speed:
    """What the speed options ask for: the efficiency model, a price per GPU-hour, concurrency levels."""

    efficiency: Efficiency
    price_per_hour: float | None = None
    levels: tuple[int, ...] = ()


def speed_settings(
    *,
    bandwidth_efficiency: BandwidthEffOpt = None,
    compute_efficiency: ComputeEffOpt = None,
    price_per_hour: PricePerHourOpt = None,
    concurrency: ConcurrencyOpt = None,
    host_bandwidth: HostBandwidthOpt = None,
    host_threads: HostThreadsOpt = None,
    power_limit: PowerLimitOpt = None,
) -> Speed:
    """The speed options of fit and compare (estimate takes --concurrency, --host-bandwidth,
    --host-threads and --power-limit)."""
    from llmsize.hardware.efficiency import Efficiency
    from llmsize.records import ValidationError

    given = (("bandwidth", bandwidth_efficiency), ("compute", compute_efficiency),
             ("host_bandwidth_gb_s", host_bandwidth), ("host_threads", host_threads),
             ("power_limit_w", power_limit))
    try:
        efficiency = Efficiency(**{k: v for k, v in given if v is not None})
    except ValidationError as err:
        options = {"bandwidth": "--bandwidth-efficiency", "compute": "--compute-efficiency",
                   "host_threads": "--host-threads", "power_limit_w": "--power-limit"}
        option = options.get(str(err.errors()[0]["loc"][0]), "--host-bandwidth")
        raise BadInputError(f"{option}: give a finite positive number") from None
    return Speed(efficiency, price_per_hour, parse_concurrency(concurrency))


SPEED_OPTIONS = OptionGroup(speed_settings)


def with_price(gpu: GpuSpec, price_per_hour: float | None) -> GpuSpec:
    """`gpu` with the user's --price-per-hour in place of the catalog's price."""
    if price_per_hour is None:
        return gpu
    from llmsize.hardware.gpus import MAX_RATE, Price

    if not 0 < price_per_hour <= MAX_RATE:  # the catalog's own bounds on Price.usd_per_hour, said once
        raise BadInputError(
            f"--price-per-hour {price_per_hour:g}: give a positive US$ per GPU-hour (up to {MAX_RATE:g})"
        )

    price = Price(usd_per_hour=price_per_hour, date="given", source="--price-per-hour")
    return gpu.model_copy(update={"price": price})


LOCAL_GPU_NAMES = ("local", "this", "here")


def catalog_gpu(catalog: GpuCatalog, name: str) -> GpuSpec:
    """The catalog GPU `name` picks, noting on stderr which variant a family name chose (stdout and its
    JSON stay as they are): `--gpu A100` sized an A100-SXM-80GB without saying so, though the 40 GB
    and PCIe cards are A100s too (issue 15, newcomer audit round 9)."""
    gpu = catalog.get(name)
    others = catalog.variants(name)
    if others:
        shown = ", ".join(others[:4]) + (", ..." if len(others) > 4 else "")
        note(f"note: {name} \u2192 {gpu.id} (also: {shown}; name one to choose)")
    return gpu


def is_local(name: str | None) -> bool:
    """No --gpu, or --gpu local: size against this machine."""
    return name is None or name.strip().lower() in LOCAL_GPU_NAMES


def resolve_gpu(name: str | None, gpu_files: Sequence[Path],
                num_gpus: str) -> tuple[GpuSpec, int | None, Machine | None]:
    """The GPU spec and count to plan with: a catalog GPU, or this machine (detected, noted on stderr).

    On this machine the detected GPU count is used unless --num-gpus says otherwise.
    """
    from llmsize.hardware.gpus import load_catalog

    catalog = load_catalog(gpu_files)
    count = parse_num_gpus(num_gpus)
    if not is_local(name):
        assert name is not None
        return catalog_gpu(catalog, name), count, None
    from llmsize.hardware.detect import detect
    from llmsize.hardware.local_gpu import local_gpus

    local = local_gpus(detect(), catalog)
    note(f"this machine: {local.machine.summary()}")
    for line in local.notes:
        note(f"  note: {line}")
    if num_gpus.strip() == "1" and local.count > 1:
        count = local.count
    return local.spec, count, local.machine


def with_local_threads(eff: Efficiency, machine: Machine | None) -> Efficiency:
    """On this machine (no --gpu), llama.cpp's and Ollama's default -t: its own physical cores.

    hardware/detect.py physical_cores counts them as llama.cpp's cpu_get_num_math does; a catalog GPU
    keeps the default host's (speed_profiles.DEFAULT_HOST_THREADS); --host-threads wins over both.
    """
    if machine is None or eff.host_threads is not None or not machine.cpu_cores:
        return eff
    note(f"  note: host: {machine.cpu_cores} threads (llama.cpp's -t default, this machine's physical "
         "cores); --host-threads to change")
    return eff.model_copy(update={"host_threads": machine.cpu_cores})


def local_engine(gpu: GpuSpec, machine: Machine | None, engine: object, mode: object = None,
                 model: str | None = None) -> object:
    """The engine to plan this machine with when none was asked: llama.cpp without CUDA or ROCm.

    bitsandbytes and vLLM need a CUDA/ROCm GPU; on a CPU-only machine or Apple silicon people run
    GGUF through llama.cpp (or Ollama, which embeds it), so that is what the plan assumes. An Ollama
    tag (`gpt-oss:20b`) keeps its own default, Ollama, which runs on Metal and CPUs too (issue 15,
    round 8: `fit gpt-oss:20b --gpu M3-Max` planned llama.cpp where `--gpu RTX-4090` planned Ollama).
    """
    from llmsize.estimate.workload import Engine
    from llmsize.hardware.gpus import LOCAL_CPU_ID

    if engine is not None or str(getattr(mode, "value", mode) or "inference") != "inference":
        return engine  # training: transformers (MPS) trains where llama.cpp cannot (round 7: --mode lora)
    if model is not None and _ollama_tag(model):
        return engine  # resolve's default for a tag: Ollama (engines/registry.py default_engine)
    if machine is None and gpu.vendor == "apple":
        # the same rule for a Mac named from the catalog: `plan M --gpu M4-Max-128GB` printed `vllm serve`,
        # and `fit` offered bitsandbytes rows (issue 15, round 7)
        note(f"  note: {gpu.id} has no CUDA/ROCm: planning for llama.cpp (GGUF); --engine changes it")
        return Engine.LLAMA_CPP
    if machine is None:
        return engine
    if gpu.id == LOCAL_CPU_ID or gpu.vendor == "apple":
        note("  note: no CUDA/ROCm GPU here: planning for llama.cpp (GGUF); --engine changes it")
        return Engine.LLAMA_CPP
    return engine


def _ollama_tag(model: str) -> bool:
    """`name:tag` as `ollama run` takes it: not a path, a Hub repo or a GGUF file."""
    return ":" in model and not any(c in model for c in "/\\") and not model.lower().endswith(".gguf")


def host_ram_line(host_bytes: int | None, machine: Machine | None) -> str | None:
    """Whether this machine has the RAM that llama.cpp's CPU-side layers need (None: nothing to say)."""
    if host_bytes is None:
        return None
    gib = 2**30
    need = (f"{host_bytes / gib:,.1f} GiB stay in CPU RAM (token embeddings, layers and experts off the GPU, "
            "host buffers)")
    if machine is None or not machine.ram_total_bytes:
        return need + "; this machine's RAM was not checked"
    have = machine.ram_available_bytes or machine.ram_total_bytes
    verdict = "enough" if host_bytes <= have else "NOT enough"
    return (f"{need}; this machine has {machine.ram_total_bytes / gib:,.1f} GiB "
            f"({have / gib:,.1f} GiB available now): {verdict}")
