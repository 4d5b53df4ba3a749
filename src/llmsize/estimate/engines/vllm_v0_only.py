"""vLLM 0.8-0.10 run a model V1 does not support on the V0 engine, whatever the release's default.

Rule. From 0.8 the V1 engine is the default, but `EngineArgs._is_v1_supported_oracle`
(vllm/engine/arg_utils.py, read in the 0.9.2 sdist) falls back to V0 when
`not model_config.is_v1_compatible` ("No Mamba or Encoder-Decoder so far"), and
`_ModelRegistry.is_v1_compatible` (vllm/model_executor/models/registry.py) is
`not model_cls.supports_v0_only`. Llama 3.2 Vision is such a model in every release that keeps V0:
`class MllamaForConditionalGeneration(nn.Module, SupportsMultiModal, SupportsV0Only)`
(vllm/model_executor/models/mllama.py in the 0.9.2 and 0.10.2 sdists). 0.11.0 removed the V0 engine and
mllama.py with it, so the rule covers 0.8 up to 0.11.

Effect. Such a run decodes as the V0 engine does: the V0 profile (estimate/engines/vllm_speed.py
SPEED_V0, its eager twin with --enforce-eager), whose per-step host part is the serial V0 scheduler's and
whose CUDA graphs stop at 8,192 tokens (vllm_v0_graphs.py). The 0.9.2 V0 graphs of an encoder-decoder
model are captured with `max_encoder_seq_len = max_seq_len_to_capture`
(vllm/attention/backends/utils.py `CommonAttentionState._update_captured_metadata_for_enc_dec_model`), so
`MllamaForConditionalGeneration.forward` sees `skip_cross_attention` False and a text-only decode replays
all of its blocks, the cross-attention ones included, as the speed model already reads them (every
block's weights). Nothing is fitted here.

Check (held out): Llama-3.2-90B-Vision-Instruct, 4x H100, TP 4, vLLM of July 2025, one request at a time
(tenstorrent/tt-inference-server#379: TPOT 45.9-46.3 ms); the V1 profile predicts 24.6 ms, the V0 one
27.6 ms. The rest of that gap is not explained (bench/speed_tables.yaml notes on those rows).
"""

from __future__ import annotations

from llmsize.estimate.engines.server_releases import V1_FROM, vllm_speed_name

# REFERENCE: vllm/model_executor/models/mllama.py (0.9.2, 0.10.2): the SupportsV0Only architectures
# llmsize has specs for.
V0_ONLY_ARCHITECTURES = frozenset({"MllamaForConditionalGeneration"})
# REFERENCE: vLLM 0.11.0 release notes / sdist: the V0 engine (vllm/engine/llm_engine.py's V0 path,
# vllm/worker/) and mllama.py are gone.
V0_REMOVED_IN = (0, 11)
# The V0 profile's name as server_releases picks it for a V0 release.
V0_RELEASE = "0.6.3"


def runs_v0(architecture: str | None, release: tuple[int, int] | None) -> bool:
    """Whether vLLM `release` falls back to its V0 engine for a model of `architecture`."""
    if release is None or architecture is None:
        return False
    return V1_FROM <= release < V0_REMOVED_IN and architecture in V0_ONLY_ARCHITECTURES


def speed_name(base: str, architecture: str | None, release: tuple[int, int] | None,
               enforce_eager: bool) -> str:
    """`base` (the release's profile), or the V0 profile where the release runs the model on V0."""
    return vllm_speed_name(V0_RELEASE, enforce_eager) if runs_v0(architecture, release) else base
