"""FitRow: one GPU (or GPU layout) checked against an estimate, and the fit/compare results made of
FitRows (PrecisionResult, ModelFit, CompareRow). JSON keys are a DESIGN.md contract."""

from __future__ import annotations

from llmsize.records import ConfigDict, Field, Record


class FitRow(Record):
    """Whether a workload fits `count` GPUs of one kind, with headroom, limits and rough speed.

    Required keys (DESIGN.md): gpu, count, fits, per_gpu_bytes, headroom_bytes, max_context,
    decode_tokens_per_s, ttft_s. Keys are only ever added.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)  # built on first use (issue 15)

    gpu: str = Field(description="catalog id")
    count: int = Field(gt=0)
    fits: bool
    per_gpu_bytes: int = Field(ge=0, description="predicted peak on the busiest GPU")
    headroom_bytes: int = Field(
        description="usable memory minus per_gpu_bytes; negative when it does not fit"
    )
    max_context: int | None = Field(
        default=None,
        description="longest context that fits at the batch asked, every shorter one fitting too",
    )
    decode_tokens_per_s: float | None = None
    ttft_s: float | None = None
    tp: int = 1
    pp: int = 1
    dp: int = 1
    reason: str | None = Field(
        default=None, description="why it does not fit: the component that is too large"
    )
    # Added by the planning issue (keys are only ever added):
    usable_bytes: int | None = Field(
        default=None, description="memory one GPU offers the workload (vLLM: its utilization share)"
    )
    engine: str | None = None
    max_batch: int | None = Field(default=None, description="largest batch that fits at the context asked")
    tpot_s: float | None = Field(default=None, description="time per output token, one sequence")
    aggregate_tokens_per_s: float | None = Field(default=None, description="all sequences and replicas")
    speed_class: str | None = Field(default=None, description="plain words for decode_tokens_per_s")
    max_concurrent_seqs: int | None = Field(
        default=None, description="vLLM: sequences of the full context its KV-block pool holds"
    )
    kv_pool_bytes: int | None = Field(default=None, description="vLLM / SGLang: memory left for the KV pool")
    gpu_layers: int | None = Field(default=None, description="llama.cpp: layers that fit on the GPU")
    total_layers: int | None = None
    warnings: tuple[str, ...] = ()
    # Added by the engines issue (9):
    kv_tokens: int | None = Field(default=None, description="tokens the engine's KV cache holds on this GPU")
    kv_blocks: int | None = Field(default=None, description="vLLM: KV cache blocks")
    kv_tokens_note: str | None = Field(
        default=None, description="why kv_tokens is less than the pool holds (vLLM's hybrid KV cache groups)"
    )
    max_concurrency: float | None = Field(
        default=None, description="requests of the full --context the engine's cache holds at once"
    )
    compute_buffer_bytes: int | None = Field(default=None, description="llama.cpp: device compute buffer")
    device_weights_bytes: int | None = Field(default=None, description="weights on the GPU")
    host_bytes: int | None = Field(
        default=None, description="host RAM: weights left on the CPU and host buffers (llama.cpp/Ollama)"
    )
    offload_host_bytes: int | None = Field(
        default=None,
        description="host RAM of the engine's own partial offload (Ollama/llama.cpp auto layers): the "
        "layers it runs from the CPU, their K/V and the host buffers; None when it does not offload",
    )
    engine_version: str | None = Field(
        default=None, description="the engine release whose rules are modelled"
    )
    visible_memory_bytes: int | None = Field(default=None, description="GPU memory as the driver reports it")
    engine_log: tuple[str, ...] = Field(default=(), description="the figures as the engine's log prints them")
    state_slots: int | None = Field(
        default=None, description="SGLang: request states its Mamba pool holds; llama.cpp: RS cells"
    )
    state_pool_bytes: int | None = Field(
        default=None, description="SGLang: bytes of that state pool; llama.cpp: its RS buffer"
    )
    kv_buffer_bytes: int | None = Field(
        default=None, description="llama.cpp/Ollama: the llama_kv_cache buffers (attention cells, no RS)"
    )
    # Added by the hardware issue (host RAM and cost; keys are only ever added):
    usd_per_hour: float | None = Field(default=None, description="the plan's GPUs at the price used")
    usd_per_million_output_tokens: float | None = Field(
        default=None, description="usd_per_hour over the output tokens an hour makes (aggregate speed)")
    price_source: str | None = Field(default=None, description="where the price comes from, with its date")
    # Added by the speed issue (11):
    prefill_tokens_per_s: float | None = Field(default=None, description="prompt tokens/s of the prefill")
    encoder_s: float | None = Field(
        default=None, description="part of ttft_s: the vision encoder's passes over the images / video "
        "before the decoder's prefill (hardware/encoder_time.py; 0 for text)")
    ttft_class: str | None = Field(default=None, description="'good' (< 1 s), 'acceptable' (1-3 s), 'slow'")
    decode_bound: str | None = Field(default=None, description="'overhead', 'memory' or 'compute'")
    concurrency: int | None = Field(default=None, description="sequences decoding together (a sweep level)")
    compute_bound_concurrency: int | None = Field(
        default=None, description="concurrency from which decode turns compute-bound")
    # bool first: `step_overlapped` (vLLM 0.14+ async scheduling) is a flag, and without bool in the union
    # pydantic read false as 0 or 0.0, so `report show` refused the report estimate wrote (issue 15, round 9)
    speed_constants: dict[str, bool | float | int | str | None] | None = Field(
        default=None, description="the calibrated constants behind the speed (hardware/speed_profiles.py)")
    speed_notes: tuple[str, ...] = Field(
        default=(), description="what moves the speed in this setup beyond the roofline: the engine path "
        "taken (no CUDA graphs, host offload, sampling or graph-building time on the CPU, Vulkan matrix "
        "cores, unfused attention scores), as hardware/speed.py estimate_speed found it")
    serving_tpot_s: float | None = Field(
        default=None, description="sweep levels: mean time per output token of a closed-loop serving run at "
        "this concurrency (tpot_s plus the other requests' prefills, hardware/speed_serving.py)")
    serving_output_tokens_per_s: float | None = Field(
        default=None, description="sweep levels: output tokens/s of that closed-loop serving run, prefills "
        "included (aggregate_tokens_per_s counts decode steps only)")
    # Added by the newcomer audit (issue 15, round 14):
    cpu_moe_layers: int | None = Field(
        default=None, description="llama.cpp, a MoE row that does not fit: the fewest --n-cpu-moe layers "
        "whose experts in CPU RAM let it fit (what llama-server's default --fit does by itself, its "
        "'overflowing' layers); None where none does or it fits")
    cpu_moe_decode_tokens_per_s: float | None = Field(
        default=None, description="decode tokens/s of that --n-cpu-moe run, one sequence")
    # Added by the newcomer audit (issue 15, round 15): fit's "Host RAM" line sized the --gpu-layers split
    # while its first hint (and plan's command) was this run
    cpu_moe_host_bytes: int | None = Field(
        default=None, description="host RAM of that --n-cpu-moe run (its experts, token embeddings, host "
        "buffers)")


# The results built from FitRows, kept here beside it so that rendering them (and reading the kept
# fit --all rows, cli/fit_all_cache.py) imports no planner or estimator (issue 15).


class PrecisionOption(Record):
    """One weight format to try: a label and the workload fields that select it."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    label: str
    dtype: str | None = None
    quant: str | None = None


class PrecisionResult(Record):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    option: PrecisionOption
    row: FitRow
    weights_bytes: int
    total_bytes: int


class ModelFit(Record):
    """`llmsize fit`: the precisions tried for one model on one GPU, and the best that fits."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    model: str
    params: int
    active_params: int
    max_position_embeddings: int
    gpu: str
    options: tuple[PrecisionResult, ...]
    best: int | None
    # `fit --all`: why the workload's engine cannot run this model at all (a BadInputError's line), so
    # that the count is of the whole catalog, as `models` lists it, and the models left out are named
    refused: str | None = None

    @property
    def best_result(self) -> PrecisionResult | None:
        return self.options[self.best] if self.best is not None else None


class CompareRow(Record):
    """One model (in one weight format) on one GPU kind, with the GPUs it needs."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    model: str
    weight_format: str
    weights_bytes: int
    params: int
    row: FitRow
    # the context this row was sized at, where it is the engine's own default for this GPU and the GPUs
    # compared get different ones (Ollama's NumCtx by VRAM); None where every row has the workload's
    context: int | None = None
