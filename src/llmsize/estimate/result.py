"""Estimate: bytes per component at the predicted peak, with the formula and range behind each."""

from __future__ import annotations

from llmsize.records import ConfigDict, Field, Record, computed_field

COMPONENTS: tuple[str, ...] = (
    "weights",
    "kv_cache",
    "activations",
    "gradients",
    "optimizer",
    "adapters",
    "overhead",
)


class ByteRange(Record):
    """Low-high bytes around a nominal value, and what moves it."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    low: int = Field(ge=0)
    high: int = Field(ge=0)
    driver: str


class Component(Record):
    """One memory component: nominal bytes, the one-line formula, and an optional range."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str
    bytes: int = Field(ge=0)
    formula: str = ""
    detail: str = Field(default="", description="the formula with this model's numbers substituted")
    range: ByteRange | None = None


class EngineFigures(Record):
    """What the engine itself allocates and prints, beside the components (issue 9).

    Sizes are per GPU (the busiest). `device_weights_bytes` + `host_bytes` split the weights the
    way the engine places them; the KV fields describe one page (block id) of its cache.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    engine: str
    version: str = Field(description="the engine release whose allocation rules are modelled")
    device_weights_bytes: int = Field(ge=0)
    host_bytes: int = Field(default=0, ge=0, description="host RAM: weights left on the CPU and host buffers")
    host_weights_bytes: int = Field(
        default=0, ge=0, description="llama.cpp: weights in host RAM (CPU_Mapped: embeddings, CPU layers)"
    )
    duplicated_weights_bytes: int = Field(
        default=0, ge=0, description="llama.cpp: the GPU's copy of a tensor also in host RAM (a tied "
        "model's output layer, a copy of token_embd); in both device and host weights, once in the file"
    )
    host_kv_bytes: int = Field(default=0, ge=0, description="llama.cpp: the K/V of the layers on the CPU")
    host_buffer_bytes: int = Field(
        default=0, ge=0, description="llama.cpp: the CUDA_Host compute buffer and the CPU output buffer"
    )
    compute_buffer_bytes: int = Field(default=0, ge=0)
    output_buffer_bytes: int = Field(default=0, ge=0)
    non_torch_bytes: int = Field(default=0, ge=0, description="vLLM: memory outside torch (NCCL, cuBLAS)")
    cuda_graph_bytes: int = Field(default=0, ge=0)
    kv_page_bytes: int = Field(default=0, ge=0, description="bytes of one cache block id across its layers")
    block_tokens: int = Field(default=1, gt=0, description="tokens per block (llama.cpp/SGLang: 1 cell)")
    kv_groups: int = Field(default=1, gt=0, description="vLLM: KV cache groups sharing the block pool")
    blocks_per_request: int = Field(default=0, ge=0, description="block ids one --context request needs")
    full_groups: int = Field(default=0, ge=0, description="vLLM: groups of full-attention layers")
    full_block_tokens: int | None = Field(
        default=None, gt=0, description="vLLM: tokens per block of the full-attention groups, when unified "
        "page sizes make them longer than block_tokens (Gemma 4's global layers)"
    )
    window_groups: tuple[tuple[int, int], ...] = Field(
        default=(), description="vLLM: (block tokens, window) of each window-like group (DeepSeek V4's pool)"
    )
    kv_token_bytes: float | None = Field(
        default=None, description="SGLang DeepSeek V4: bytes_per_full_token, the pool cost of one token"
    )
    kv_fixed_bytes: int = Field(
        default=0, ge=0, description="SGLang DeepSeek V4: pools sized by requests (SWA cap, HCA state)"
    )
    concurrency_tokens: bool = Field(
        default=False, description="vLLM: the log's token count is max concurrency x max_model_len (>= 0.21)"
    )
    dcp_world_size: int = Field(
        default=1, ge=1, description="vLLM --decode-context-parallel-size: ranks a request's KV is split over"
    )
    budget_fraction: float | None = Field(default=None, description="share of the card the engine claims")
    state_slot_bytes: int = Field(
        default=0, ge=0,
        description="SGLang: one MambaPool slot; llama.cpp: one sequence's recurrent state (R, S)",
    )
    state_conv_bytes: int = Field(default=0, ge=0, description="SGLang: the conv-window part of one slot")
    state_slots_per_request: int = Field(
        default=1, gt=0, description="SGLang: slots one running request may hold (the mamba cache ratio)"
    )
    swa_token_bytes: int = Field(
        default=0, ge=0, description="SGLang: one token of every sliding layer, in its separate SWA pool"
    )
    swa_window: int | None = Field(default=None, description="SGLang: the sliding window of that pool")
    reserved_bytes: int | None = Field(
        default=None, description="SGLang: the activation + CUDA-graph reserve of its default static share"
    )
    spec_draft_tokens: int = Field(
        default=0, ge=0, description="SGLang: speculative_num_draft_tokens (state scratch per draft token)"
    )
    fraction_factor: float = Field(
        default=1.0, description="SGLang: the VLM scaling of its default mem_fraction_static (ViT size)"
    )
    mm_reserve_bytes: int = Field(
        default=0, ge=0, description="SGLang: multimodal buffers reserved out of the KV budget (VLMs)"
    )
    kv_memory_bytes: int | None = Field(default=None, description="an explicit KV budget (--kv-cache-memory)")
    kv_cells_bytes: int | None = Field(
        default=None, description="llama.cpp: its llama_kv_cache buffers, the attention cells alone"
    )
    swa_cells: int | None = Field(
        default=None,
        description="llama.cpp: cells of a stream's sliding-window cache ('creating SWA KV cache, size = N')",
    )
    draft_compute_bytes: int = Field(
        default=0, ge=0, description="llama.cpp: the draft / MTP context's compute buffer"
    )
    draft_context_bytes: int = Field(
        default=0, ge=0, description="llama.cpp: the draft / MTP context as llama-server prices it"
    )
    mmproj_bytes: int = Field(
        default=0, ge=0, description="llama.cpp: the loaded --mmproj file's weights (clip's model size)"
    )
    estimate_graph_bytes: int | None = Field(
        default=None, ge=0, description="Ollama before v0.30: the compute graph its own estimator "
        "(llm/memory.go) reserves for an architecture fs/ggml GraphSize has no case for, or for gpt-oss by "
        "GraphSize's own case (memory.graph.partial; .full alike but for gpt-oss before v0.11.3)"
    )
    derived_max_len: int | None = Field(
        default=None, gt=0, description="vLLM/SGLang: the longest context the engine starts with unless its "
        "override variable is set (max_model_len / context_length derived from config.json)"
    )
    lines: tuple[str, ...] = Field(default=(), description="the figures as the engine's log prints them")


class Estimate(Record):
    """Predicted peak memory of one workload on the busiest GPU.

    `total_bytes` is a computed sum, so it cannot drift from the components; `total - overhead`
    is what `torch.cuda.max_memory_allocated` would report (DESIGN.md).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    weights_bytes: int = Field(ge=0)
    kv_cache_bytes: int = Field(ge=0)
    activations_bytes: int = Field(ge=0)
    gradients_bytes: int = Field(ge=0)
    optimizer_bytes: int = Field(ge=0)
    adapters_bytes: int = Field(ge=0)
    overhead_bytes: int = Field(ge=0)
    components: tuple[Component, ...] = ()
    peak_phase: str = Field(default="", description="the phase whose live set is the peak")
    params: int = Field(ge=0)
    active_params: int = Field(ge=0)
    trainable_params: int = Field(default=0, ge=0)
    assumptions: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    engine_figures: EngineFigures | None = None
    host_bytes: int = Field(
        default=0, ge=0, description="host RAM the run needs besides the GPU, outside the total: offloaded "
        "activations/states, an engine's host-resident weights and buffers (llama.cpp)"
    )
    paged_bytes: int = Field(
        default=0, ge=0, description="paged optimizer states: CUDA unified memory outside the total"
    )
    training: dict[str, object] = Field(default_factory=dict, description="the training recipe assumed")
    images: dict[str, object] = Field(
        default_factory=dict, description="image inputs: their tokens and the vision tower's bytes"
    )
    audio: dict[str, object] = Field(default_factory=dict, description="audio inputs: tokens, tower bytes")
    video: dict[str, object] = Field(default_factory=dict, description="video inputs: tokens, tower bytes")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total_bytes(self) -> int:
        return (
            self.weights_bytes
            + self.kv_cache_bytes
            + self.activations_bytes
            + self.gradients_bytes
            + self.optimizer_bytes
            + self.adapters_bytes
            + self.overhead_bytes
        )

    def memory_dict(self) -> dict[str, int]:
        """The DESIGN.md `memory` object: integer bytes per component and the total."""
        out = {name: int(getattr(self, f"{name}_bytes")) for name in COMPONENTS}
        out["total"] = self.total_bytes
        return out

    @property
    def all_weights_bytes(self) -> int:
        """Every weight of the busiest GPU's share, on the GPU (`weights_bytes`) or kept by the engine in
        host RAM (llama.cpp's token embeddings, CPU layers and experts): what the GGUF file holds, so a
        tensor held in both (a tied model's token_embd and its output copy) counts once."""
        f = self.engine_figures
        if f is None:
            return self.weights_bytes
        return self.weights_bytes + f.host_weights_bytes - f.duplicated_weights_bytes

    def host_memory_dict(self) -> dict[str, int]:
        """JSON `memory_host`: what the engine keeps in host RAM, outside `memory.total`, under the
        component names (activations: its host buffers); all 0 for an engine that keeps none."""
        f = self.engine_figures
        weights, kv, buffers = (
            (f.host_weights_bytes, f.host_kv_bytes, f.host_buffer_bytes) if f is not None else (0, 0, 0))
        return {"weights": weights, "kv_cache": kv, "activations": buffers, "total": weights + kv + buffers}

    def ranges_dict(self) -> dict[str, dict[str, int | str]]:
        return {c.name: c.range.model_dump() for c in self.components if c.range is not None}
