"""transformers < 4.46 upcast the logits in the causal-LM forward (estimate/logits_upcast.py).

LlamaForCausalLM.forward ran `logits = logits.float()` until PR #33902 (first in 4.46,
https://github.com/huggingface/transformers/pull/33902); the loss then worked on that fp32 tensor and
the bf16 logits were freed. A training run names its transformers release with --engine-version.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize.estimate.core import estimate
from llmsize.estimate.frameworks import recipe
from llmsize.estimate.logits_upcast import model_upcasts_logits
from llmsize.estimate.workload import Workload
from llmsize.specs.resolve import resolve

# Axolotl's Llama 2 7B 8-bit LoRA example (examples/llama-3/lora-8b.yml at axolotl fe832e17a, whose
# requirements.txt pins the transformers 4.40 development tree): 2 x 4096 packed tokens.
AXOLOTL_LORA = {
    "mode": "lora", "quant": "bnb-int8", "lora_rank": 32, "lora_targets": ("all-linear",), "context": 4096,
    "batch": 2, "optimizer": "adamw-8bit", "framework": "axolotl", "attention": "flash",
    "gradient_checkpointing": True,
    "loss": "full-shifted",
}


def test_release_before_446_drops_the_bf16_logits_at_the_loss() -> None:
    """The peak sits at the loss; before 4.46 the bf16 logits are gone by then (the fp32 copy is what the
    model returns, and accelerate's convert_outputs_to_fp32 finds nothing to copy): exactly
    tokens x vocab x 2 bytes fewer."""
    spec = resolve("Llama-2-7B")
    new = estimate(spec, Workload(**AXOLOTL_LORA))  # type: ignore[arg-type]
    old = estimate(spec, Workload(**AXOLOTL_LORA, engine_version="4.40.0"))  # type: ignore[arg-type]
    assert new.activations_bytes - old.activations_bytes == 2 * 4096 * spec.vocab_size * 2
    assert old.total_bytes < new.total_bytes
    assert any("PR #33902" in a for a in old.assumptions)
    assert not any("PR #33902" in a for a in new.assumptions)


def test_446_and_later_keep_the_modelled_loss() -> None:
    spec = resolve("Llama-2-7B")
    base = estimate(spec, Workload(**AXOLOTL_LORA)).total_bytes  # type: ignore[arg-type]
    for release in ("4.46.0", "4.49.1", "5.23.0"):
        assert estimate(spec, Workload(**AXOLOTL_LORA, engine_version=release)).total_bytes == base  # type: ignore[arg-type]


def test_own_forwards_and_other_losses_are_not_transformers_forward() -> None:
    """torchtune's TransformerDecoder and Unsloth's CausalLM_fast_forward are not transformers' forward;
    a chunked or fused loss never asks the model for the logits."""
    assert not model_upcasts_logits(Workload(mode="lora", framework="torchtune", engine_version="4.40.0"))
    assert not model_upcasts_logits(Workload(mode="lora", framework="unsloth", engine_version="4.40.0"))
    assert model_upcasts_logits(Workload(mode="lora", framework="trl", engine_version="4.45.2"))
    assert not recipe(Workload(mode="lora", framework="trl", engine_version="4.45.2")).logits_fp32  # chunked
    liger = Workload(mode="lora", framework="trainer", liger=True, engine_version="4.40.0")
    assert not recipe(liger).logits_fp32  # Liger's fused linear cross-entropy
    assert recipe(Workload(mode="lora", framework="trainer", engine_version="4.40.0")).logits_fp32


@settings(max_examples=15, deadline=None)
@given(
    framework=st.sampled_from(["plain", "trainer", "axolotl", "llamafactory"]),
    mode=st.sampled_from(["full", "lora", "qlora"]),
    context=st.integers(min_value=64, max_value=8192),
    batch=st.integers(min_value=1, max_value=4),
    minor=st.integers(min_value=30, max_value=45),
)
def test_the_upcast_in_the_forward_never_raises_the_peak(
    framework: str, mode: str, context: int, batch: int, minor: int
) -> None:
    """Holding the fp32 logits instead of bf16 + fp32 frees memory at the loss and adds none elsewhere."""
    spec = resolve("Llama-3.2-1B")
    kw = {"mode": mode, "framework": framework, "context": context, "batch": batch, "loss": "full"}
    new = estimate(spec, Workload(**kw))  # type: ignore[arg-type]
    old = estimate(spec, Workload(**kw, engine_version=f"4.{minor}.0"))  # type: ignore[arg-type]
    assert old.total_bytes <= new.total_bytes
    assert old.weights_bytes == new.weights_bytes and old.optimizer_bytes == new.optimizer_bytes


def test_the_kbit_autocast_head_is_upcast_too() -> None:
    """peft's prepare_model_for_kbit_training leaves the final norm and lm_head in fp32, so the head runs
    under autocast and returns bf16 logits (kbit_upcast.autocast_head); the old forward's `.float()`
    still follows it. The loss backward then holds the same tensors in both releases (the fp32
    gradient of the log-softmax, then the bf16 one through the upcast's backward): the peak, in
    backward here, does not move."""
    spec = resolve("Llama-3.2-1B")
    kw = {"mode": "qlora", "framework": "trainer", "context": 4096, "batch": 2, "loss": "full"}
    new = estimate(spec, Workload(**kw))  # type: ignore[arg-type]
    old = estimate(spec, Workload(**kw, engine_version="4.40.0"))  # type: ignore[arg-type]
    assert recipe(Workload(**kw, engine_version="4.40.0")).kbit_fp32  # type: ignore[arg-type]
    assert new.peak_phase == old.peak_phase == "backward"
    assert old.activations_bytes == new.activations_bytes
