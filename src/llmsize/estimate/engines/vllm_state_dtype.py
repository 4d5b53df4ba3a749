"""The dtype vLLM keeps a Mamba / gated delta-net layer's SSM state in (mamba_ssm_cache_dtype).

vLLM's CacheConfig.mamba_ssm_cache_dtype defaults to "auto", which
`model_executor/layers/mamba/mamba_utils.py` MambaStateDtypeCalculator resolves to the conv state's
dtype, i.e. the model dtype. Only the architectures whose per-model hook in
`model_executor/models/config.py` MODELS_CONFIG_MAP rewrites it keep another one:
- Qwen3_5ForConditionalGeneration / Qwen3_5MoeForConditionalGeneration
  (Qwen3_5ForConditionalGenerationConfig): the HF config's mamba_ssm_dtype, float32 in every Qwen3.5
  and Qwen3.6 checkpoint;
- NemotronHForCausalLM, NemotronHPuzzleForCausalLM, NemotronH_Nano_VL_V2 (NemotronHForCausalLMConfig):
  the config's mamba_ssm_cache_dtype, float32 when absent (DEFAULT_MAMBA_SSM_CACHE_DTYPE).
Qwen3-Next, Falcon-H1, Granite-4.0-H, Jamba and the rest keep it in the model dtype. Kimi Linear's KDA
layers are the exception without a hook: `MambaStateDtypeCalculator.kda_state_dtype` returns float32 for
the recurrent state whatever mamba_ssm_cache_dtype says (the conv states follow the cache dtype), in every
release with Kimi Linear (October 2025 to 0.2x). Check: Kimi-Linear-48B-A3B AWQ at TP 2
(vllm-project/vllm#28228, November 2025) logs "Setting attention block size to 960 tokens" and "Padding
mamba page size by 1.89%": 16 x 128 x 128 x 4 + 3 x 2,048 x 3 x 2 = 1,085,440 B a rank against 960 x 1,152
B of MLA latent (a bf16 state would need 496-token blocks).
Check: vllm-project/vllm#32492 (January 2026) on Qwen3-Next-80B-A3B, one GPU: "the model uses
non-standard block size (544)": 3 x 8,192 x 2 + 32 x 128 x 128 x 2 = 1,097,728 B of state against 544
x 2,048 B of attention (a float32 state would need 1,056-token blocks). A vLLM 0.10.2 log at TP 2
reads the same 544 with "Padding mamba page size by 1.49%" (548,864 B a rank).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec

# REFERENCE: vllm/model_executor/models/config.py MODELS_CONFIG_MAP (0.17-0.2x).
SSM_DTYPE_HOOKS = frozenset({
    "Qwen3_5ForConditionalGeneration", "Qwen3_5MoeForConditionalGeneration",
    "NemotronHForCausalLM", "NemotronHPuzzleForCausalLM", "NemotronH_Nano_VL_V2",
})  # fmt: skip
# REFERENCE: vllm/model_executor/layers/mamba/mamba_utils.py MambaStateDtypeCalculator.kda_state_dtype
# (Kimi Delta Attention, kimi_linear.py KimiDeltaAttention.get_state_dtype).
KDA_KINDS = frozenset({"kimi_delta"})


def ssm_state_element_bytes(spec: ModelSpec, compute_bytes: int) -> int:
    """Bytes per SSM / delta-state value in vLLM's MambaSpec for this model."""
    rec = spec.recurrent
    if rec is not None and rec.kind in KDA_KINDS:
        return 4  # kda_state_dtype: the recurrent state is always float32
    fp32 = rec is not None and rec.recurrent_state_dtype == "fp32" and spec.architecture in SSM_DTYPE_HOOKS
    return 4 if fp32 else compute_bytes
