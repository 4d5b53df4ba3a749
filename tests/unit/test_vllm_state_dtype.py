"""vLLM's SSM-state dtype per architecture (engines/vllm_state_dtype.py).

mamba_ssm_cache_dtype "auto" is the model dtype unless a model hook in vLLM's MODELS_CONFIG_MAP
rewrites it (Qwen3.5 / Qwen3.6 from the config's mamba_ssm_dtype, Nemotron-H float32). Expected
block sizes follow vLLM's rule 16 x cdiv(state page, 16 x attention bytes per token), written out.
"""

from __future__ import annotations

from llmsize.estimate.engines.vllm import Vllm
from llmsize.estimate.workload import Workload
from llmsize.specs.resolve import resolve


def test_qwen3_next_keeps_its_delta_state_in_bf16() -> None:
    # vllm-project/vllm#32492: "the model uses non-standard block size (544)" (Qwen3-Next, one GPU).
    # conv 3 x (2 x 16 x 128 + 32 x 128) x 2 B + delta state 32 x 128 x 128 x 2 B = 1,097,728 B;
    # attention 2 x 2 KV heads x 256 x 2 B = 2,048 B per token and layer.
    spec = resolve("Qwen3-Next-80B-A3B-Instruct")
    module = Vllm(Workload(engine="vllm", context=8096))
    state = 3 * 8192 * 2 + 32 * 128 * 128 * 2
    assert module.state_page_bytes(spec, 2) == state == 1_097_728
    assert module.block_tokens(spec, 2048, 2) == 16 * -(-state // (16 * 2048)) == 544


def test_qwen3_next_at_tp2_splits_the_state_per_rank() -> None:
    # A vLLM 0.10.2 log at TP 2 reads "Setting attention block size to 544 tokens" and "Padding mamba
    # page size by 1.49%": 548,864 B of state a rank against 544 x 1,024 B.
    spec = resolve("Qwen3-Next-80B-A3B-Instruct")
    module = Vllm(Workload(engine="vllm", context=262144, tp=2, num_gpus=2))
    state = 3 * 4096 * 2 + 16 * 128 * 128 * 2
    assert module.state_page_bytes(spec, 2) == state == 548_864
    assert module.block_tokens(spec, 1024, 2) == 544
    assert round(100 * (544 * 1024 - state) / state, 2) == 1.49


def test_qwen3_5_and_nemotron_h_keep_float32_state() -> None:
    qwen = resolve("Qwen3.5-27B")  # config mamba_ssm_dtype: float32 (Qwen3_5ForConditionalGenerationConfig)
    module = Vllm(Workload(engine="vllm"))
    assert module.state_page_bytes(qwen, 2) == 10240 * 3 * 2 + 48 * 128 * 128 * 4
    nemotron = resolve("NVIDIA-Nemotron-Nano-9B-v2")  # NemotronHForCausalLMConfig: float32 by default
    rec = nemotron.recurrent
    assert rec is not None
    conv = rec.conv_channels * (rec.conv_kernel - 1) * 2
    assert module.state_page_bytes(nemotron, 2) == conv + rec.recurrent_state_elements * 4


def test_models_without_a_hook_use_the_model_dtype() -> None:
    module = Vllm(Workload(engine="vllm"))
    for name in ("Falcon-H1-7B-Base", "granite-4.0-h-small"):
        spec = resolve(name)
        rec = spec.recurrent
        assert rec is not None
        conv = rec.conv_channels * (rec.conv_kernel - 1) * 2
        assert module.state_page_bytes(spec, 2) == conv + rec.recurrent_state_elements * 2, name


def test_kimi_linear_keeps_its_kda_state_in_float32_and_aligns_to_mla_blocks() -> None:
    # vllm-project/vllm#28228 (Kimi-Linear-48B-A3B AWQ, TP 2): "Setting attention block size to 960
    # tokens" and "Padding mamba page size by 1.89%". kda_state_dtype returns float32 for the recurrent
    # state; the conv states (3 x 2,048 channels a rank, kernel 4) follow the model dtype. The MLA latent
    # is 576 x 2 B a token, and an MLA hybrid's block is a multiple of 64 (vllm-project/vllm#24486).
    spec = resolve("Kimi-Linear-48B-A3B-Instruct")
    module = Vllm(Workload(engine="vllm", context=120000, tp=2, num_gpus=2))
    state = 3 * 2048 * 3 * 2 + 16 * 128 * 128 * 4
    assert module.state_page_bytes(spec, 2) == state == 1_085_440
    assert module.block_tokens(spec, 1152, 2) == 64 * -(-state // (64 * 1152)) == 960
    assert round(100 * (960 * 1152 - state) / state, 2) == 1.89
