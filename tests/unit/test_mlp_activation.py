"""The MLP activation and the RoPE precision as config facts, and what they add to the prefill peak.

transformers 5.23 activations.py: ReLUSquaredActivation runs F.relu then torch.square (the input,
the relu output and the square are alive together: one MLP-wide tensor more than a one-kernel
activation); NewGELUActivation evaluates 0.5 * x * (1 + tanh(c * (x + 0.044715 * x**3))) left to
right (the input, 0.5 * x, x**3 and its scaled copy: two more); FastGELUActivation three more,
QuickGELUActivation one. The trace oracle checks the same
against the real modeling code in tests/trace/test_mlp_activation_trace.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.errors import ConfigError
from llmsize.estimate import core
from llmsize.estimate.workload import Workload
from llmsize.specs.hf_config import spec_from_hf_config
from llmsize.specs.models import ModelSpec, Provenance, ProvenanceKind

PROV = Provenance(kind=ProvenanceKind.LOCAL, source="test")

# An ungated Arcee-style MLP eight times the hidden width, so that the MLP is the prefill peak.
ARCEE: dict[str, Any] = {
    "model_type": "arcee",
    "hidden_size": 128,
    "intermediate_size": 1024,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "vocab_size": 256,
    "max_position_embeddings": 8192,
}


def build(config: dict[str, Any]) -> ModelSpec:
    return spec_from_hf_config(config, name=config["model_type"], provenance=PROV)


@pytest.mark.parametrize(
    ("model_type", "expected"),
    [("nanochat", "relu2"), ("arcee", "relu2"), ("phi", "gelu_new"), ("starcoder2", "gelu_pytorch_tanh")],
)
def test_a_config_without_hidden_act_takes_its_config_class_default(model_type: str, expected: str) -> None:
    # configuration_<type>.py: NanoChatConfig / ArceeConfig hidden_act "relu2", PhiConfig "gelu_new",
    # Starcoder2Config "gelu_pytorch_tanh"
    assert build({**ARCEE, "model_type": model_type}).mlp_activation == expected


def test_hidden_act_in_config_json_wins_and_a_non_name_is_refused() -> None:
    assert build({**ARCEE, "hidden_act": "gelu"}).mlp_activation == "gelu"
    with pytest.raises(ConfigError, match="hidden_act"):
        build({**ARCEE, "hidden_act": 3})


def test_nemotron_h_reads_mlp_hidden_act() -> None:
    config = {
        **ARCEE,
        "model_type": "nemotron_h",
        "layers_block_type": ["mlp", "attention"],
        "mamba_num_heads": 4,
        "mamba_head_dim": 32,
        "ssm_state_size": 16,
        "n_groups": 1,
        "conv_kernel": 4,
    }
    assert build(config).mlp_activation == "relu2"  # NemotronHConfig.mlp_hidden_act default
    assert build({**config, "mlp_hidden_act": "silu"}).mlp_activation == "silu"


def test_ernie_4_5_rotates_in_fp32_and_llama_does_not() -> None:
    assert build({**ARCEE, "model_type": "ernie4_5"}).rope_fp32
    assert not build({**ARCEE, "model_type": "llama"}).rope_fp32


def _activations(hidden_act: str, context: int, batch: int) -> int:
    spec = build({**ARCEE, "hidden_act": hidden_act})
    est = core.estimate(spec, Workload(context=context, batch=batch))
    assert est.peak_phase == "prefill"
    return est.activations_bytes


@given(context=st.integers(256, 4096), batch=st.integers(1, 4))
def test_relu2_keeps_one_and_gelu_new_two_mlp_wide_tensors_more_than_one_kernel(
    context: int, batch: int
) -> None:
    mlp_tensor = batch * context * ARCEE["intermediate_size"] * 2  # bf16
    plain = _activations("relu", context, batch)
    assert _activations("relu2", context, batch) - plain == mlp_tensor
    assert _activations("gelu_new", context, batch) - plain == 2 * mlp_tensor
    # FastGELUActivation: 0.5*x, x*0.797, 0.044715*x and its product with x beside the input
    assert _activations("gelu_fast", context, batch) - plain == 3 * mlp_tensor
    assert _activations("quick_gelu", context, batch) - plain == mlp_tensor  # 1.702*x, then sigmoid
