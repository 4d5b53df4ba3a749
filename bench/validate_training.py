"""Published fine-tuning peaks vs llmsize: writes docs/validation-training.md (issue 14).

Each row is a measurement someone published with its setup; the llmsize command that models the
setup is run through the CLI's JSON output, and the error is (llmsize - published) / published.
`max_memory_allocated`-style figures (torchtune's "peak memory") are compared with
`total - overhead`; `max_memory_reserved` readings with the caching allocator's view of it
(reserved_view.py: the allocated peak in whole segments, and never below the cache a load phase
left when the stats were reset without empty_cache); the Unsloth context table gives the card a
run just fitted on, compared with the whole `total`. Card-level readings also hold a paged
optimizer's states, which bitsandbytes prefetches to the GPU at every step (paged_resident.py).
`known` says whether every setting that moves memory is stated and modelled.

Run: python bench/validate_training.py   (about a minute; no torch needed)
"""

from __future__ import annotations

import json
import shlex
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from llmsize.cli import app  # noqa: E402  (every command registered)
from llmsize.estimate.paged_resident import driver_view_bytes  # noqa: E402
from llmsize.estimate.reserved_view import reserved_peak_bytes  # noqa: E402
from llmsize.estimate.torchao_nf4_init import init_reserved_bytes, shapes  # noqa: E402
from llmsize.specs.resolve import resolve  # noqa: E402

GIB = 2**30
TT = "https://github.com/pytorch/torchtune/blob/bd2a0fc7c31430972728494fa01aaeeb0ebf1ba1/README.md"
US = "https://github.com/unslothai/unsloth/blob/3d4f236155f144a295578b7a2ab47b1e149ab341/README.md"
TT_ATTN = (
    "q_proj,v_proj,o_proj,gate_proj,up_proj,down_proj"  # lora_attn_modules q,v,output + apply_lora_to_mlp
)
# The "Memory and training speed" rows were added by torchtune commit 30b8519e8 (2024-09-24, #1664);
# the recipe configs of that commit (recipes/configs/llama3_1/*.yaml) set the LoRA targets measured:
# 8B_lora_single_device q,v (rank 8); 8B_qlora_single_device q,k,v,output + MLP (rank 8);
# 70B_lora q,k,v (rank 16); 405B_qlora q,k,v,output + MLP (rank 16, fused AdamW, CrossEntropyLoss).
TT_CFG = "https://github.com/pytorch/torchtune/tree/30b8519e8/recipes/configs/llama3_1"
TT_8B_LORA = "q_proj,v_proj"
TT_QLORA = "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj"
TT_70B_LORA = "q_proj,k_proj,v_proj"


@dataclass(frozen=True)
class Row:
    source: str
    setup: str
    args: str
    published_gib: float
    compare: str  # "allocated" (total - overhead), "reserved" (the allocator's segments) or "card" (total)
    known: bool
    note: str = ""
    held_out: bool = False  # collected after the model's rules were written; never used to shape one
    carried_bytes: int = 0  # "reserved": the cache a load phase left, stats reset, never emptied


TT_8B = "--framework torchtune --context 2048 --batch 2 --compile"
TT_3B = "Llama-3.2-3B --framework torchtune --mode full --context 4096 --batch 2"
TT_3B_FLAGS = "--loss full --no-gradient-checkpointing --no-optimizer-in-backward --optimizer adamw-fused"
COMPILE = "torch.compile: each block and the loss (compiled_blocks.py)"
ROWS: list[Row] = [
    Row(
        f"{TT} (Memory and training speed)",
        "Llama 3.1 8B full, 1x RTX 4090, bs 2, packed 2048",
        f"Llama-3.1-8B --mode full {TT_8B}",
        18.9,
        "allocated",
        True,
        COMPILE,
    ),
    Row(
        f"{TT} (Memory and training speed)",
        "Llama 3.1 8B LoRA r8 (q,v), 1x RTX 4090, bs 2, packed 2048",
        f"Llama-3.1-8B --mode lora --lora-rank 8 --lora-targets {TT_8B_LORA} {TT_8B}",
        16.2,
        "allocated",
        True,
        COMPILE,
    ),
    Row(
        f"{TT} (Memory and training speed)",
        "Llama 3.1 8B QLoRA r8 (q,k,v,o + MLP), 1x RTX 4090, bs 2, packed 2048",
        f"Llama-3.1-8B --mode qlora --lora-rank 8 --lora-targets {TT_QLORA} {TT_8B}",
        7.4,
        "allocated",
        True,
        COMPILE + "; torchao NF4 modelled as bitsandbytes NF4",
    ),
    Row(
        f"{TT} (Memory and training speed)",
        "Llama 3.1 70B full, 8x A100, FSDP + CPU offload",
        f"Llama-3.1-70B --mode full {TT_8B} --zero 3 --num-gpus 8 --offload-params cpu "
        "--offload-optimizer cpu --optimizer adamw-foreach",
        13.9,
        "allocated",
        True,
        COMPILE,
    ),
    Row(
        f"{TT} (Memory and training speed)",
        "Llama 3.1 70B LoRA r16 (q,k,v), 8x A100, FSDP",
        f"Llama-3.1-70B --mode lora --lora-rank 16 --lora-targets {TT_70B_LORA} {TT_8B} "
        "--zero 3 --num-gpus 8",
        27.6,
        "allocated",
        True,
        COMPILE,
    ),
    Row(
        f"{TT} (Memory and training speed)",
        "Llama 3.1 8B full, 1x A6000, bs 2, packed 2048",
        f"Llama-3.1-8B --mode full {TT_8B} --no-gradient-checkpointing",
        37.4,
        "allocated",
        False,
        COMPILE + "; the A6000 run's settings are not stated: activation checkpointing off assumed "
        "(the 4090 row of the same recipe fits in 18.9 GiB with it on)",
    ),
    Row(
        f"{TT} (Memory and training speed)",
        "Llama 3.1 8B LoRA r8 (q,v), 1x A6000, bs 2, packed 2048",
        f"Llama-3.1-8B --mode lora --lora-rank 8 --lora-targets {TT_8B_LORA} {TT_8B} "
        "--no-gradient-checkpointing",
        30.3,
        "allocated",
        False,
        COMPILE + "; the A6000 run's settings are not stated: activation checkpointing off assumed",
    ),
    Row(
        f"{TT} (Memory and training speed)",
        "Llama 3.1 405B QLoRA r16 (q,k,v,o + MLP), 8x A100, FSDP",
        f"Llama-3.1-405B --mode qlora --lora-rank 16 --lora-targets {TT_QLORA} {TT_8B} --zero 3 --num-gpus 8 "
        "--loss full --optimizer adamw-fused",
        44.8,
        "allocated",
        False,
        COMPILE + "; published as 44.8 GB (unit unclear); with batch 2 x 2048 the 126 checkpointed block "
        "inputs (15.8 GiB) and the NF4 shard (25 GiB) already take 41 GiB, so the run's batch or "
        "checkpointing likely differed from the stated setup",
    ),
    Row(
        f"{TT} (Optimization flags)",
        "Llama 3.2 3B full, A100, bs 2, packed 4096",
        f"{TT_3B} {TT_3B_FLAGS}",
        60.0,
        "allocated",
        True,
        "optimizer implementation not stated: fused assumed",
    ),
    Row(
        f"{TT} (Optimization flags)",
        "+ compile",
        f"{TT_3B} {TT_3B_FLAGS} --compile",
        51.0,
        "allocated",
        True,
        COMPILE + "; no checkpointing: the blocks' fusion matters, so this match is partly luck",
    ),
    Row(
        f"{TT} (Optimization flags)",
        "+ chunked cross-entropy",
        f"{TT_3B} --loss chunked --no-gradient-checkpointing --no-optimizer-in-backward "
        "--optimizer adamw-fused --compile",
        42.9,
        "allocated",
        True,
        COMPILE + "; no checkpointing: 28 blocks of eager intermediates that compile fuses away",
    ),
    Row(
        f"{TT} (Optimization flags)",
        "+ activation checkpointing",
        f"{TT_3B} --loss chunked --gradient-checkpointing --no-optimizer-in-backward "
        "--optimizer adamw-fused --compile",
        24.9,
        "allocated",
        True,
        COMPILE,
    ),
    Row(
        f"{TT} (Optimization flags)",
        "+ optimizer step in backward",
        f"{TT_3B} --loss chunked --gradient-checkpointing --optimizer-in-backward "
        "--optimizer adamw-fused --compile",
        23.1,
        "allocated",
        True,
        COMPILE,
    ),
    Row(
        f"{TT} (Optimization flags)",
        "+ activation offloading",
        f"{TT_3B} --loss chunked --gradient-checkpointing --optimizer-in-backward --optimizer adamw-fused "
        "--activation-offloading --compile",
        21.8,
        "allocated",
        True,
        COMPILE,
    ),
    Row(
        f"{TT} (Optimization flags)",
        "+ 8-bit AdamW",
        f"{TT_3B} --loss chunked --gradient-checkpointing --optimizer-in-backward --optimizer adamw-8bit "
        "--activation-offloading --compile",
        17.6,
        "allocated",
        False,
        COMPILE + "; non-paged 8-bit AdamW assumed (torchao or bitsandbytes AdamW8bit)",
    ),
    Row(
        f"{TT} (Optimization flags)",
        "LoRA r64 (AC, offloading, chunked CE, fused AdamW)",
        f"Llama-3.2-3B --framework torchtune --mode lora --lora-rank 64 --lora-targets {TT_ATTN} "
        "--context 4096 "
        "--batch 2 --activation-offloading --compile",
        8.5,
        "allocated",
        True,
        COMPILE,
    ),
    Row(
        f"{TT} (Optimization flags)",
        "QLoRA r64 (AC, offloading, chunked CE, fused AdamW)",
        f"Llama-3.2-3B --framework torchtune --mode qlora --lora-rank 64 --lora-targets {TT_ATTN} "
        "--context 4096 "
        "--batch 2 --activation-offloading --compile",
        4.6,
        "allocated",
        True,
        COMPILE,
    ),
]
# fms-acceleration's reference benchmarks (A100 80GB; transformers 4.48.1, torch 2.4.1, peft 0.13.2):
# scripts/benchmarks/{scenarios,defaults}.yaml and benchmark.py defaults: alpaca packed to 4096 tokens,
# flash attention, gradient checkpointing, Trainer's `adamw_torch` (torch AdamW: foreach on CUDA),
# weights loaded in bf16 without --bf16 (pure bf16 states), FSDP FULL_SHARD on 2 GPUs; the peak is
# the Trainer's torch.cuda.max_memory_allocated.
FMS = (
    "https://github.com/foundation-model-stack/fms-acceleration/blob/"
    "24bdadb228e2d55bc0c69deec034b86a73da6917/scripts/benchmarks/refs/a100_80gb.csv"
)
FMS_BASE = (
    "Mistral-7B-v0.1 --framework trainer --context 4096 --attention flash --gradient-checkpointing "
    "--optimizer adamw-foreach --loss full-shifted"
)
# scenarios.yaml (at 01e0035) standard-peft, baseline-peft-bnb and accelerated-peft-bnb: lora_dropout 0.1
FMS_LORA = "--mode lora --lora-rank 16 --lora-targets q_proj,k_proj,v_proj,o_proj --lora-dropout 0.1"
FMS_LOSS = (
    "transformers 4.48's ForCausalLMLoss (--loss full-shifted: its contiguous fp32 copy of the shifted "
    "logits)"
)
for gpus, per_device, published in ((1, 4, 67.46), (1, 8, 67.46), (2, 2, 33.74), (2, 4, 33.74)):
    shard = " --zero 3 --num-gpus 2" if gpus == 2 else ""
    ROWS.append(
        Row(
            f"{FMS} (reference benchmarks)",
            f"Mistral 7B full, {gpus}x A100 80GB{' FSDP' if gpus == 2 else ''}, bs {per_device}, packed 4096",
            f"{FMS_BASE} --mode full --no-master-weights --batch {per_device}{shard}",
            published,
            "allocated",
            True,
            "peak at foreach AdamW's step, the same for both batch sizes as published",
        )
    )
for gpus, per_device, published in ((1, 4, 24.87), (1, 8, 36.08), (2, 2, 14.10), (2, 4, 20.45)):
    shard = " --zero 3 --num-gpus 2" if gpus == 2 else ""
    ROWS.append(
        Row(
            f"{FMS} (reference benchmarks)",
            f"Mistral 7B LoRA r16 (q,k,v,o), {gpus}x A100 80GB, bs {per_device}, packed 4096",
            f"{FMS_BASE} {FMS_LORA} --batch {per_device}{shard}",
            published,
            "allocated",
            False,
            FMS_LOSS,
        )
    )
for gpus, per_device, published in ((1, 4, 19.25), (1, 8, 34.46), (2, 2, 8.78), (2, 4, 14.87)):
    shard = " --zero 3 --num-gpus 2" if gpus == 2 else ""
    ROWS.append(
        Row(
            f"{FMS} (reference benchmarks)",
            f"Mistral 7B QLoRA (bnb) r16 (q,k,v,o), {gpus}x A100 80GB, bs {per_device}, packed 4096",
            f"{FMS_BASE} {FMS_LORA.replace('lora', 'qlora', 1)} --batch {per_device}{shard}",
            published,
            "allocated",
            False,
            FMS_LOSS + "; prepare_model_for_kbit_training's fp32 embeddings, norms and head are "
            "modelled as weights, not the fp32 residual stream they cause (bnb Linear4bit returns its "
            "input's dtype): block inputs and checkpoints are fp32 in the run",
        )
    )
# The same CSV's other models, same scenarios (peft LoRA/QLoRA r16 on q,k,v,o; Trainer defaults above)
FMS_MORE = [
    ("Mixtral-8x7B-v0.1", "Mixtral 8x7B", "qlora", 1, 4, 39.86),
    ("Mixtral-8x7B-v0.1", "Mixtral 8x7B", "qlora", 1, 8, 56.39),
    ("Mixtral-8x7B-v0.1", "Mixtral 8x7B", "qlora", 2, 2, 19.68),
    ("Mixtral-8x7B-v0.1", "Mixtral 8x7B", "qlora", 2, 4, 26.21),
    ("Mixtral-8x7B-v0.1", "Mixtral 8x7B", "lora", 2, 2, 53.60),
    ("Mixtral-8x7B-v0.1", "Mixtral 8x7B", "lora", 2, 4, 60.40),
    ("Llama-2-70B", "Llama 2 70B", "qlora", 2, 2, 43.48),
]
FMS_MOE = "transformers 4.48's Mixtral loops over the experts; 5.23's grouped experts modelled"
# transformers 4.48's experts were nn.Linear modules that bitsandbytes quantized; from 5 they are 3-D
# parameters it passes over (estimate/bnb_fused_experts.py): the run's release is given.
FMS_MOE_4BIT = ("--engine-version 4.48.0: the experts nn.Linear modules bitsandbytes quantizes "
                "(bnb_fused_experts.py)")
for model, label, mode, gpus, per_device, published in FMS_MORE:
    shard = " --zero 3 --num-gpus 2" if gpus == 2 else ""
    moe_4bit = model.startswith("Mixtral") and mode == "qlora"
    shard += " --engine-version 4.48.0" if moe_4bit else ""
    note = FMS_LOSS + ("; " + FMS_MOE if model.startswith("Mixtral") else "")
    note += "; " + FMS_MOE_4BIT if moe_4bit else ""
    ROWS.append(
        Row(
            f"{FMS} (reference benchmarks)",
            f"{label} {'QLoRA (bnb)' if mode == 'qlora' else 'LoRA'} r16 (q,k,v,o), {gpus}x A100 80GB, "
            f"bs {per_device}, packed 4096",
            FMS_BASE.replace("Mistral-7B-v0.1", model, 1)
            + f" {FMS_LORA.replace('lora', mode, 1)} --batch {per_device}{shard}",
            published,
            "allocated",
            False,
            note,
        )
    )
# The same CSV's accelerated-peft plugin rows (held out, collected for trainfit). framework_config
# accelerated-peft-bnb: plugins/accelerated-peft/src/fms_acceleration_peft/framework_plugin_bnb.py
# `augmentation` runs the plugin's own `_prepare_model_for_kbit_training` (requires_grad off, input grads,
# gradient checkpointing; no fp32 casts of embeddings, norms or head) and `get_peft_model`, so TRL's
# SFTTrainer (fms-hf-tuning) gets a ready PeftModel and no peft_config and skips peft's casting prep:
# modelled as --framework trl (no kbit casts, bf16 autocast: scenarios.yaml `bf16: True`).
# accelerated-peft-autogptq (TheBloke's 4-bit GPTQ checkpoints, `fp16: True`, torch_dtype float16):
# --mode lora --quant gptq. LoRA r16 on q,k,v,o, alpaca packed to 4096, as above; peak =
# mem_peak_torch_mem_alloc_in_bytes (bytes; Trainer's memory metrics, model load included).
FMS_PLUGIN = [
    ("Mistral-7B-v0.1", "Mistral 7B", "--mode qlora", "bnb", 1, 4, 16373838336),
    ("Mistral-7B-v0.1", "Mistral 7B", "--mode qlora", "bnb", 1, 8, 28412178944),
    ("Mixtral-8x7B-v0.1", "Mixtral 8x7B", "--mode qlora --engine-version 4.48.0", "bnb", 1, 4, 36731843072),
    ("Mixtral-8x7B-v0.1", "Mixtral 8x7B", "--mode qlora --engine-version 4.48.0", "bnb", 1, 8, 48770183680),
    ("Llama-2-70B", "Llama 2 70B", "--mode qlora", "bnb", 1, 4, 68126381056),
    ("Mistral-7B-v0.1", "Mistral 7B", "--mode lora --quant gptq", "GPTQ", 1, 4, 16404148736),
    ("Mistral-7B-v0.1", "Mistral 7B", "--mode lora --quant gptq", "GPTQ", 1, 8, 28442489344),
    ("Mistral-7B-v0.1", "Mistral 7B", "--mode lora --quant gptq", "GPTQ", 2, 2, 9442125824),
    ("Mistral-7B-v0.1", "Mistral 7B", "--mode lora --quant gptq", "GPTQ", 2, 4, 15987599360),
    ("Mixtral-8x7B-v0.1", "Mixtral 8x7B", "--mode lora --quant gptq", "GPTQ", 1, 4, 36041912832),
    ("Mixtral-8x7B-v0.1", "Mixtral 8x7B", "--mode lora --quant gptq", "GPTQ", 1, 8, 48080253440),
    ("Mixtral-8x7B-v0.1", "Mixtral 8x7B", "--mode lora --quant gptq", "GPTQ", 2, 2, 20432607232),
    ("Mixtral-8x7B-v0.1", "Mixtral 8x7B", "--mode lora --quant gptq", "GPTQ", 2, 4, 27446670336),
    ("Llama-2-70B", "Llama 2 70B", "--mode lora --quant gptq", "GPTQ", 1, 4, 67069711872),
    ("Llama-2-70B", "Llama 2 70B", "--mode lora --quant gptq", "GPTQ", 2, 2, 45637991424),
]
FMS_PLUGIN_BASE = FMS_BASE.replace("--framework trainer", "--framework trl", 1) + " --lora-rank 16 " + (
    "--lora-targets q_proj,k_proj,v_proj,o_proj --lora-dropout 0.1"
)
for model, label, mode, quant, gpus, per_device, peak in FMS_PLUGIN:
    shard = " --zero 3 --num-gpus 2" if gpus == 2 else ""
    note = (
        "fms's accelerated-peft plugin: no fp32 casts (framework_plugin_bnb.py `_prepare_model_for_kbit_"
        "training`), TRL's SFTTrainer without a peft_config; peft keeps fp32 adapters, modelled bf16 for "
        "the 4-bit rows"
    )
    if model == "Llama-2-70B" and gpus == 2:
        note += (
            "; its peak over the steady allocation (42.50 - 16.97 GiB, the CSV's mem_torch_mem_alloc) "
            "equals the bnb baseline's (43.48 - 17.94 GiB) to 0.01 GiB, so the ~10 GiB llmsize misses on "
            "both is not in the 4-bit linear layer; the 1-GPU 70B and 2-GPU Mistral/Mixtral rows fit"
        )
    ROWS.append(
        Row(
            f"{FMS} (reference benchmarks, accelerated-peft)",
            f"{label} {quant} LoRA r16 (q,k,v,o), {gpus}x A100 80GB{' FSDP' if gpus == 2 else ''}, "
            f"bs {per_device}, packed 4096",
            FMS_PLUGIN_BASE.replace("Mistral-7B-v0.1", model, 1) + f" {mode} --batch {per_device}{shard}",
            peak / 2**30,
            "allocated",
            False,
            note,
            held_out=True,
        )
    )
UNSLOTH_ROWS = [
    (8, 2972, None),
    (12, 21848, 932),
    (16, 40724, 2551),
    (24, 78475, 5789),
    (40, 153977, 12264),
    (48, 191728, 15502),
    (80, 342733, 28454),
]
# Llama 3.3 70B, same README table and method (4-bit QLoRA r32 on all linear layers, batch 1)
UNSLOTH_70B_ROWS = [(48, 12106, None), (80, 89389, 6916)]
UNSLOTH_NOTE = (
    "largest context that fitted: the card is an upper bound. The run was Unsloth of December 2024 "
    "(unsloth d9ed4be, unsloth-zoo 9c643b6), modelled with --unsloth-2024: matmul_lora adds the LoRA "
    "term as out += (X @ A) @ (s * B), an output-sized temporary, so LoRA_MLP's backward holds DW and "
    "that temporary (2 x intermediate per token) beside e and g (unsloth_kernels.py); every layer's "
    "rotary module keeps a cos/sin cache grown to the sequence (unsloth_2024.py: 16 KiB/token for 8B); "
    "Unsloth_Offloaded_Gradient_Checkpointer offloads every block input, the last too, with no GPU "
    "buffer. Apple's CCE is the loss (its backward also allocates a vocab x hidden dc for the frozen "
    "head). The table is a straight line (4,719 tokens per GB of card for 8B, 2,415 for 70B, 405 for "
    "HF + FA2): its rows carry one extrapolated slope"
)


# The README table came with Unsloth's Llama 3.3 release (December 2024): transformers 4.46/4.47, whose
# ForCausalLMLoss upcasts the logits and makes a contiguous fp32 copy of the shifted ones (4.49 dropped it).
HF_2024_NOTE = (
    "largest context that fitted: the card is an upper bound. transformers of December 2024 "
    "(4.46/4.47): --loss full-shifted models its ForCausalLMLoss (fp32 copy + contiguous shifted fp32 "
    "copy, transformers PR #35646); the rest of the gap is not modelled (allocator reserve, FA2's "
    "unpadding copies of q/k/v when an attention mask is passed)"
)


def _max_context_rows(model: str, label: str, table: list[tuple[int, int, int | None]]) -> None:
    """Unsloth's largest-context table for one model: its own row and HF + FA2's, per card size."""
    base = f"{model} --mode qlora --lora-rank 32 --lora-targets all-linear --batch 1 --attention flash"
    for gb, unsloth_ctx, hf_ctx in table:
        ROWS.append(
            Row(
                f"{US} ({label} max. context)",
                f"Unsloth QLoRA r32, {gb} GB card, {unsloth_ctx:,} tokens",
                f"{base} --framework unsloth --unsloth-2024 --context {unsloth_ctx}",
                gb,
                "card",
                False,
                UNSLOTH_NOTE,
            )
        )
        if hf_ctx:
            ROWS.append(
                Row(
                    f"{US} ({label} max. context)",
                    f"HF + FA2 QLoRA r32, {gb} GB card, {hf_ctx:,} tokens",
                    f"{base} --framework trainer --context {hf_ctx} --loss full-shifted",
                    gb,
                    "card",
                    False,
                    HF_2024_NOTE,
                )
            )


_max_context_rows("Llama-3.1-8B-Instruct", "Llama 3.1 8B", UNSLOTH_ROWS)
_max_context_rows("Llama-3.3-70B-Instruct", "Llama 3.3 70B", UNSLOTH_70B_ROWS)


# PEFT's MetaMathQA method comparison (method_comparison/MetaMathQA): run.py trains Llama-3.2-3B in bf16
# with a plain loop (model(**batch) with labels, backward, clip_grad_norm_, torch AdamW), batch 4 padded
# to the longest sample, truncated at 768 tokens, no checkpointing, no autocast, transformers 4.52.4
# (whose ForCausalLMLoss pads the labels: the `full` loss), on an L40S; `cuda_memory_max` is
# torch.cuda.max_memory_allocated. Each result file holds the setup it ran with.
PEFT_MMQA = "https://github.com/huggingface/peft/blob/0a179c1e8659ab4f7df0369b9b03943cfe470ff1/method_comparison/MetaMathQA/results"
PEFT_BASE = (
    "Llama-3.2-3B --framework plain --context 768 --batch 4 --no-gradient-checkpointing "
    "--optimizer adamw-foreach --loss full --held-logits always"
)
PEFT_NOTE = (
    "run.py rebinds `outputs` only when the next forward returns, so the bf16 logits are held in every "
    "phase: --held-logits always (held_logits.py); the longest padded batch is assumed to reach the "
    "768-token truncation; the peak also spans the evaluation's generation (batch 50), which holds less"
)
for file, label, extra, published_bytes in (
    (
        "lora--llama-3.2-3B-rank32.json",
        "LoRA r32 (q,v)",
        "--mode lora --lora-rank 32 --lora-targets q_proj,v_proj",
        22_273_851_392,
    ),
    (
        "full-finetuning--llama-3.2-3B-lr_0.00001.json",
        "full",
        "--mode full --no-master-weights",
        37_241_225_216,
    ),
):
    ROWS.append(
        Row(
            f"{PEFT_MMQA}/{file} (MetaMathQA method comparison)",
            f"Llama 3.2 3B {label}, 1x L40S, bf16, bs 4 x <=768, no checkpointing, torch AdamW",
            f"{PEFT_BASE} {extra}",
            published_bytes / GIB,
            "allocated",
            False,
            PEFT_NOTE,
        )
    )
ROWS.append(
    Row(
        "https://github.com/huggingface/peft/blob/18e07f189c06cbc6472e4e3ec180358319de8175/method_comparison/"
        "MetaMathQA/results/lora--llama-3.2-3B-rank64.json (MetaMathQA method comparison)",
        "Llama 3.2 3B LoRA r64 (q,v), 1x L40S, bf16, bs 4 x <=768, no checkpointing, torch AdamW",
        f"{PEFT_BASE} --mode lora --lora-rank 64 --lora-targets q_proj,v_proj",
        22_540_189_696 / GIB,
        "allocated",
        False,
        PEFT_NOTE,
    )
)

# Unsloth's gpt-oss releases. "Fine-tune gpt-oss with Unsloth" (2025-08-08): "gpt-oss-20b LoRA training
# fits on a 14GB VRAM, and gpt-oss-120b works on 65GB VRAM", with the gpt-oss notebook's settings
# (max_seq_length 1024, load_in_4bit, get_peft_model r=8 on q,k,v,o,gate,up,down, batch 1).
US_OSS = "https://unsloth.ai/blog/gpt-oss"
US_OSS_NOTE = (
    "the card a run fits on, compared with total; notebook settings (1024 tokens, r8, batch 1); Unsloth's "
    "bnb-4bit gpt-oss turns each expert into 4-bit Linear layers it may also wrap with LoRA "
    "(unsloth/models/llama.py get_moe_target_modules), modelled as MXFP4 experts without expert LoRA"
)
for model, gb in (("gpt-oss-20b", 14), ("gpt-oss-120b", 65)):
    ROWS.append(
        Row(
            f"{US_OSS} (gpt-oss fine-tuning)",
            f"Unsloth {model} QLoRA r8, {gb} GB, 1024 tokens, bs 1",
            f"{model} --mode qlora --framework unsloth --lora-rank 8 --context 1024 --batch 1",
            gb,
            "card",
            False,
            US_OSS_NOTE,
        )
    )
# "Long context gpt-oss fine-tuning" (2025-08-28): on one 80GB H100, Unsloth Flex Attention reaches 81K
# tokens with QLoRA and 60K with BF16 LoRA; the 500K-context guide (docs.unsloth.ai/new/500k-context-
# length-fine-tuning) reaches 290K with QLoRA after its chunked fused loss, before Tiled MLP.
US_OSS_CTX = "https://unsloth.ai/blog/gpt-oss-context"
US_500K = "https://docs.unsloth.ai/new/500k-context-length-fine-tuning"
OSS_CTX_NOTE = (
    "largest context on an 80GB H100: the card is an upper bound; Unsloth's Flex Attention (with the "
    "attention sinks) modelled as flash attention (both keep no score matrix); batch 1 and the default "
    "rank assumed. QLoRA: Unsloth's 4-bit experts as its per-expert Linear4bit loop (unsloth_moe.py, the "
    "same training branch in August and December 2025). The August runs (81K, 60K) built FlexAttention's "
    "block masks from a dense query x key grid (unsloth_zoo 8a39efc create_block_mask_cached without "
    "_compile; the sliding-window mask_mod's int64 (q + 1) - kv is 52 GB at 81K): --flex-dense-mask "
    "(unsloth_flex_mask.py); unsloth-zoo dc8308b (September 2025) compiles the mask build, so the December "
    "run (290K) has no such transient"
)
for source, label, args in (
    (US_OSS_CTX, "QLoRA, 81K tokens", "--mode qlora --context 81000 --flex-dense-mask"),
    (US_OSS_CTX, "BF16 LoRA, 60K tokens", "--mode lora --quant none --context 60000 --flex-dense-mask"),
    (US_500K, "QLoRA, 290K tokens (chunked fused loss, no Tiled MLP)", "--mode qlora --context 290000"),
):
    ROWS.append(
        Row(
            f"{source} (gpt-oss max. context)",
            f"Unsloth gpt-oss-20b {label}, 80 GB H100, bs 1",
            f"gpt-oss-20b {args} --framework unsloth --attention flash --batch 1",
            80,
            "card",
            False,
            OSS_CTX_NOTE,
        )
    )


# torchao's float8 pretraining tutorial (docs/source/eager_tutorials/pretraining.rst): torchtitan
# Llama 3 8B (llama3_8b.toml: local batch 1, seq_len 8192, selective per-op activation checkpointing),
# 8x H100, FSDP2 with bf16 parameters gathered from fp32 shards, torch.compile; torchtitan logs
# max_memory_reserved. Selective checkpointing is not modelled: full checkpointing gives the lower
# bound, so these rows say how the float8 recipes compare with bf16, not the absolute peak.
AO = "https://github.com/pytorch/ao/blob/36027d82d1ad9949597ea16002ff4940374b1b94/docs/source/eager_tutorials/pretraining.rst"
AO_BASE = (
    "Llama-3.1-8B --mode full --framework plain --optimizer adamw-fused --master-weights --zero 3 "
    "--num-gpus 8 --context 8192 --batch 1 --compile --loss full --gradient-checkpointing"
)
AO_NOTE = (
    "torchtitan's selective per-op checkpointing keeps more than the full checkpointing modelled; "
    "reserved: compared with the allocated peak in whole segments, a floor (reserved_view.py); Llama 3.1's "
    "config for Llama 3 (same shapes)"
)
for recipe_name, flag, published in (
    ("bf16", "", 30.89),
    ("float8 tensorwise", " --fp8-training tensorwise", 30.91),
    ("float8 rowwise", " --fp8-training rowwise", 30.99),
):
    ROWS.append(
        Row(
            f"{AO} (float8 pretraining)",
            f"torchtitan Llama 3 8B {recipe_name}, 8x H100 FSDP2, compile, bs 1 x 8192",
            AO_BASE + flag,
            published,
            "reserved",
            False,
            AO_NOTE,
        )
    )


# ---------------------------------------------------------------------------------------------------
# Held-out rows (trainval3): published peaks collected after every rule above was written; none of
# them shaped a rule or a constant. The summary reports them apart.

# PEFT's MetaMathQA runs with settings the rows above do not cover (same run.py loop as PEFT_BASE).
for file, commit, label, extra, published_bytes in (
    (
        # transformers 4.57.1, torch 2.9.0, L40S; train_info.accelerator_memory_max
        "lora--llama-3.2-3B-rank10-target-mlp.json",
        "1948110ce61086030772abf36aa9396c5c3e6739",
        "LoRA r10 (gate,up,down)",
        "--mode lora --lora-rank 10 --lora-targets gate_proj,up_proj,down_proj",
        24_712_839_168,
    ),
    (
        # rsLoRA only rescales the adapter output: plain LoRA r64's memory (train_info.cuda_memory_max)
        "lora--llama-3.2-3B-rank64-rslora.json",
        "0a179c1e8659ab4f7df0369b9b03943cfe470ff1",
        "rsLoRA r64 (q,v)",
        "--mode lora --lora-rank 64 --lora-targets q_proj,v_proj",
        22_538_092_544,
    ),
):
    ROWS.append(
        Row(
            f"https://github.com/huggingface/peft/blob/{commit}/method_comparison/MetaMathQA/results/{file} "
            "(MetaMathQA method comparison)",
            f"Llama 3.2 3B {label}, 1x L40S, bf16, bs 4 x <=768, no checkpointing, torch AdamW",
            f"{PEFT_BASE} {extra}",
            published_bytes / GIB,
            "allocated",
            False,
            PEFT_NOTE,
            held_out=True,
        )
    )

# Unsloth before Apple's CCE. "Llama 3.3 + ultra long context" (unsloth.ai/blog/llama3-3, December 2024):
# "Unsloth (Old)" column of the Llama 3.3 (70B) max. context table, 4-bit QLoRA r32 on all linear
# layers, batch 1, sequences padded to the length: 48 GB -> 7,385, 80 GB -> 48,447 tokens; and for
# Llama 3.1 (8B) "HF+FA2 goes out of memory for 8GB GPUs, whilst Unsloth now supports up to 2,900
# context lengths, up from 1,500". "Finetune & Run Llama 3.1 with Unsloth" (unsloth.ai/blog/llama3-1,
# July 2024): "On 1xA100 80GB GPU, Llama 3.1 (70B) with Unsloth can fit 48K total tokens (8192 * bsz
# of 5) vs 7K tokens without Unsloth" (QLoRA r32 on all linear layers, as its benchmark table says).
US_33 = "https://unsloth.ai/blog/llama3-3"
US_31 = "https://unsloth.ai/blog/llama3-1"
US_OLD_NOTE = (
    "largest context that fitted: the card is an upper bound. Unsloth before CCE: CausalLM_fast_forward "
    "(unsloth/models/llama.py, commit d9ed4be) takes Fast_CrossEntropyLoss on the bf16 logits "
    "(--loss inplace) and returns them, and accelerate copies them to fp32; the peak is that copy. "
    "--unsloth-2024: matmul_lora's output-sized LoRA temporary, per-layer RoPE caches, no GPU buffer"
)
US_OLD = (
    "--mode qlora --lora-rank 32 --lora-targets all-linear --attention flash --framework unsloth "
    "--loss inplace --unsloth-2024"
)
for source, model, label, gb, context, batch in (
    (US_33, "Llama-3.3-70B-Instruct", "Llama 3.3 70B", 48, 7385, 1),
    (US_33, "Llama-3.3-70B-Instruct", "Llama 3.3 70B", 80, 48447, 1),
    (US_33, "Llama-3.1-8B-Instruct", "Llama 3.1 8B", 8, 1500, 1),
    (US_31, "Llama-3.1-70B-Instruct", "Llama 3.1 70B", 80, 8192, 5),
):
    ROWS.append(
        Row(
            f"{source} (Unsloth before CCE)",
            f"Unsloth QLoRA r32, {label}, {gb} GB card, bs {batch} x {context:,} tokens",
            f"{model} {US_OLD} --batch {batch} --context {context}",
            gb,
            "card",
            False,
            US_OLD_NOTE,
            held_out=True,
        )
    )
ROWS.append(
    Row(
        f"{US_31} (Unsloth before CCE)",
        "HF + FA2 QLoRA r32, Llama 3.1 70B, 80 GB card, 7K tokens",
        "Llama-3.1-70B-Instruct --mode qlora --lora-rank 32 --lora-targets all-linear --attention flash "
        "--framework trainer --batch 1 --context 7000 --loss full-shifted",
        80,
        "card",
        False,
        "largest context that fitted: the card is an upper bound; '7K tokens', batch 1 assumed; transformers "
        "4.43 (July 2024) upcast the logits inside the model and shifted an fp32 copy (--loss full-shifted "
        "also counts the bf16 logits that 4.43 dropped)",
        held_out=True,
    )
)

# "Finetune Gemma 2 with Unsloth" (unsloth.ai/blog/gemma2, July 2024): QLoRA r32 on all linear layers;
# "You can now finetune Gemma 2 (27b) with QLoRA to 9.7K context lengths ... in a 40GB GPU, whilst
# HF+FA2 only allows 3K lengths. Unsloth can do 11K context lengths on a 24GB card for the 9b model,
# whilst HF+FA2 fits 2.6K lengths." Gemma 2's softcapped attention runs eager in both (the blog: "Flash
# Attention is sadly not supported"); Unsloth's is a torch.compile'd function (unsloth/models/gemma2.py
# gemma2_attention, commit c100900), walked as its compiled graph keeps it.
US_G2 = "https://unsloth.ai/blog/gemma2"
G2_BASE = "--mode qlora --lora-rank 32 --lora-targets all-linear --batch 1 --attention eager"
for model, label, gb, context, fw in (
    ("gemma-2-9b", "Gemma 2 9B", 24, 11000, "unsloth"),
    ("gemma-2-9b", "Gemma 2 9B", 24, 2600, "trainer"),
    ("gemma-2-27b", "Gemma 2 27B", 40, 9700, "unsloth"),
    ("gemma-2-27b", "Gemma 2 27B", 40, 3000, "trainer"),
):
    unsloth = fw == "unsloth"
    ROWS.append(
        Row(
            f"{US_G2} (Gemma 2 max. context)",
            f"{'Unsloth' if unsloth else 'HF + FA2'} QLoRA r32, {label}, {gb} GB card, {context:,} tokens",
            f"{model} {G2_BASE} --framework {fw} --context {context} "
            + ("--loss inplace --unsloth-2024" if unsloth else "--loss full-shifted"),
            gb,
            "card",
            False,
            "largest context that fitted: the card is an upper bound; batch 1 assumed; "
            + (
                "Unsloth's torch.compile'd softcapped attention (gemma2_attention: fused softcap-softmax, "
                "bf16 scores and probabilities kept; unsloth_gemma2_attention.py); pre-CCE loss "
                "(--loss inplace); --unsloth-2024: matmul_lora's output-sized LoRA temporary, fixed fp32 "
                "per-layer RoPE caches (GemmaFixedRotaryEmbedding), no checkpoint GPU buffer"
                if unsloth
                else "transformers 4.42 eager attention with softcapping; its upcast, shifted loss as "
                "--loss full-shifted; the final logit softcap runs on the autocast head's bf16 logits "
                "(/cap, tanh kept for backward, *cap: activations/model.py _head)"
            ),
            held_out=True,
        )
    )


# Answer.AI's FSDP + QLoRA benchmarks (benchmarks_03_2024.md, February-March 2024), 2x RTX 3090 /
# 2x RTX 4090 with their train.py (commit 7242daa): dummy data at exactly --context_length tokens,
# sdpa attention, pure bf16 (`precision="bf16"`, no autocast), re-entrant checkpointing of each
# decoder layer, torch AdamW, peft LoRA r64 on q,k,v,gate,up,down (`lora_target_modules="all"`),
# dropout 0.1, FSDP FULL_SHARD over 2 GPUs ("ddp": NO_SHARD), transformers of March 2024 (the model
# upcasts the logits; the shifted fp32 copy: --loss full-shifted). "Peak Memory (GiB)" is the peak
# reserved memory, except the two LoRA figures the text gives as "the peak allocated memory is 8.28 GiB
# vs 9.16 GiB". Reserved rows are compared with reserved_view.reserved_peak_bytes: the allocated peak in
# whole segments, a floor. train.py (fsdp_main) calls torch.cuda.reset_peak_memory_stats after the FSDP
# wrap and never empty_cache, so the wrap's cache is a floor too, but the text's 3.72 GiB is under the
# modelled allocated peak of every reserved row except bs 1 x 512 (3.58 GiB): the carried cache cannot
# explain these misses. They grow with the batch (2.5 GiB at bs 4, 3.9 at bs 10 for 7B QLoRA). Part of
# it is the loop: train.py binds `output = model(..., labels=...)` and sets `output = None` only after
# `optimizer.step()` ("Delete the output so more memory frees up before the next forward pass"), so the
# fp32 logits the model returned (transformers < 4.46, --engine-version 4.37.2: "transformers!=4.38.*,
# !=4.39.*" in the README, runs of February-March 2024) stay allocated through backward and the step:
# --held-logits step (held_logits.py). The rest is training's own transients (their shifted copy, the
# recomputed layers) freed and then carved by longer-lived tensors, the mechanism torchao_nf4_init.py
# replays for a load. Pricing that needs a whole step's allocation order, which llmsize's per-phase peak
# candidates (activations/candidates.py) do not give: not modelled.
AAI = (
    "https://github.com/AnswerDotAI/fsdp_qlora/blob/4cd69234f84de9f4f4933904b8824ab9f2c2a004/"
    "benchmarks_03_2024.md"
)
AAI_BASE = (
    "--framework plain --lora-rank 64 --lora-targets q_proj,k_proj,v_proj,gate_proj,up_proj,down_proj "
    "--attention flash --gradient-checkpointing --optimizer adamw-foreach --loss full-shifted "
    "--no-master-weights --engine-version 4.37.2 --held-logits step --lora-dropout 0.1"
)
AAI_NOTE = (
    "train.py keeps `output` (the fp32 logits of transformers < 4.46) until after optimizer.step(): "
    "--held-logits step (held_logits.py); peft of March 2024 kept the adapters in bf16 (modelled fp32); "
    "train.py main(lora_dropout=0.1), its default: --lora-dropout 0.1"
)
for model, label, mode, context, batch, shard, published, reserved in (
    ("Llama-2-7B", "Llama-2 7B", "qlora", 512, 1, "fsdp", 4.98, True),
    ("Llama-2-7B", "Llama-2 7B", "qlora", 2048, 1, "fsdp", 5.21, True),
    ("Llama-2-7B", "Llama-2 7B", "lora", 512, 1, "fsdp", 8.28, False),
    ("Llama-2-7B", "Llama-2 7B", "lora", 2048, 1, "fsdp", 9.16, False),
    ("Llama-2-7B", "Llama-2 7B", "qlora", 2048, 4, "fsdp", 11.22, True),
    ("Llama-2-7B", "Llama-2 7B", "qlora", 2048, 10, "fsdp", 20.97, True),
    ("Llama-2-7B", "Llama-2 7B", "lora", 2048, 4, "fsdp", 16.14, True),
    ("Llama-2-7B", "Llama-2 7B", "lora", 2048, 6, "fsdp", 21.35, True),
    ("Llama-2-7B", "Llama-2 7B", "qlora", 2048, 8, "ddp", 20.94, True),
    ("Llama-2-7B", "Llama-2 7B", "lora", 2048, 4, "ddp", 22.04, True),
    ("Yi-34B", "Yi 34B", "qlora", 2048, 2, "fsdp", 23.05, True),
    ("Llama-2-70B", "Llama-2 70B", "qlora", 2048, 2, "offload", 14.92, True),
    ("Mistral-7B-v0.2", "Mistral 7B v0.2", "qlora", 24576, 1, "offload", 22.54, True),
    ("Mistral-7B-v0.2", "Mistral 7B v0.2", "qlora", 2048, 12, "offload", 22.54, True),
    ("Yi-34B", "Yi 34B", "qlora", 2048, 4, "offload", 22.98, True),
    ("Llama-2-7B", "Llama-2 7B", "lora", 2048, 10, "offload", 22.69, True),
    ("Llama-2-7B", "Llama-2 7B", "qlora", 2048, 12, "offload", 22.38, True),
):
    flags = {
        "fsdp": " --zero 3 --num-gpus 2",
        "ddp": "",
        "offload": " --zero 3 --num-gpus 2 --offload-params cpu",
    }[shard]
    how = {"fsdp": "FSDP 2 GPUs", "ddp": "FSDP NO_SHARD (DDP) 2 GPUs", "offload": "FSDP 2 GPUs + CPU offload"}
    ROWS.append(
        Row(
            f"{AAI} (FSDP + QLoRA benchmarks)",
            f"{label} {'QLoRA' if mode == 'qlora' else 'LoRA'} r64, {how[shard]}, bs {batch} x {context:,}, "
            f"peak {'reserved' if reserved else 'allocated'}",
            f"{model} {AAI_BASE} --mode {mode} --context {context} --batch {batch}{flags}",
            published,
            "reserved" if reserved else "allocated",
            False,
            (
                "reserved: compared with the allocated peak in whole segments, a floor (reserved_view.py); "
                "train.py resets the peak stats after the FSDP wrap and never empties the cache, but the "
                "wrap's cache (3.72 GiB for 7B QLoRA, per the text) is under the allocated peak: the gap "
                "is training's freed transients carved by longer-lived tensors, which needs a whole "
                "step's allocation order (not modelled); "
                if reserved
                else ""
            )
            + AAI_NOTE
            + (
                "; FSDP1 CPUOffload: shards, adapters' states and gradients on the host, train.py builds "
                "AdamW on the offloaded parameters (param_offload.py)"
                if shard == "offload"
                else ""
            ),
            held_out=True,
        )
    )

# PEFT's FSDP + QLoRA guide (docs/source/accelerate/fsdp.md, "Memory usage"): Llama-2-70B, 2 GPUs,
# examples/sft/run_peft_qlora_fsdp.sh (TRL SFTTrainer, packing, max_seq_len 2048, batch 2, LoRA r8
# all-linear, dropout 0.1, gradient checkpointing, flash attention 2, bf16, 4-bit nested quant with
# bf16 storage): "the memory consumed per GPU is 19.6 GB ... When disabling CPU offloading, the GPU
# memory usage is 35.6 GB/ GPU" (how it was read is not stated; taken as the card's view, vs total).
# Setup as the guide states it (checked for trlval): configs/fsdp_config_qlora.yaml is FSDP1
# FULL_SHARD, TRANSFORMER_BASED_WRAP, BACKWARD_PRE prefetch, use_orig_params false, cpu_ram_efficient
# loading + sync_module_states, offload_params true, accelerate mixed_precision 'no' (the script's
# --bf16 True makes Trainer turn on bf16 mixed precision, and transformers' Trainer
# `_fsdp_qlora_plugin_updates` sets FSDP's MixedPrecision to the bnb quant-storage dtype, bf16);
# examples/sft/utils.py `create_and_prepare_model` adds the ChatML tokens (vocabulary 32,008, no
# modules_to_save) and loads the model in bf16; TRL's SFTTrainer skips prepare_model_for_kbit_training
# for a sharded (cpu/meta-loaded) 4-bit model. FSDP shards and offloads the packed 4-bit data only;
# bnb's quant state (1.0 GiB for 70B) stays whole on each GPU (bnb_sharding.py). The two figures
# differ by 16.0 GB (llmsize: 16.4 GiB, the offloaded data shard), so the weights are placed right;
# both sit ~10 GB above the modelled total,
# which no allocation in that code explains (the peak reading, nvidia-smi with the caching allocator's
# reserve or torch's allocator, is not stated).
PEFT_FSDP = "https://github.com/huggingface/peft/blob/018ca9d6f6dc9e77c7e458af816bd27681f7874d/docs/source/accelerate/fsdp.md"
PEFT_FSDP_ARGS = (
    "Llama-2-70B --framework trl --mode qlora --lora-rank 8 --lora-targets all-linear --context 2048 "
    "--batch 2 --attention flash --gradient-checkpointing --loss full-shifted --optimizer adamw-foreach "
    "--zero 3 --num-gpus 2 --lora-dropout 0.1"
)
for label, extra, published in (("CPU offload", " --offload-params cpu", 19.6), ("no offload", "", 35.6)):
    ROWS.append(
        Row(
            f"{PEFT_FSDP} (FSDP + QLoRA guide)",
            f"Llama-2 70B QLoRA r8 all-linear, 2 GPUs FSDP ({label}), bs 2 x packed 2048",
            PEFT_FSDP_ARGS + extra,
            published,
            "card",
            False,
            "unit and reading (nvidia-smi or torch) not stated; TRL 0.12-era SFTTrainer with transformers "
            "4.46's loss (--loss full-shifted); FSDP1 CPUOffload keeps the "
            "shards, the adapters' states and their gradients on the host (param_offload.py); the two "
            "figures differ by 16.0 (llmsize 16.2 GiB: the offloaded NF4 data shard and adapter state), "
            "both ~9 above the model (with FSDP's root unit gathered, fsdp_root.py): no "
            "allocation in the guide's setup (FSDP1, Trainer's _fsdp_qlora_plugin_updates bf16 "
            "MixedPrecision, no kbit prep for sharded QLoRA) accounts for it; the PEFT DeepSpeed/FSDP rows "
            "and the Llama 3 70B offload row below read 6-24 GB over the model the same way",
            held_out=True,
        )
    )


# PEFT's DeepSpeed guide (docs/source/accelerate/deepspeed.md at 781cac467) and FSDP guide (fsdp.md), the
# same examples/sft/train.py on Llama-2-70B with TRL's SFTTrainer (packing, max_seq_len 2048, LoRA r8
# all-linear, dropout 0.1, bf16, flash attention 2, gradient checkpointing; trainval/trainfsdp held out):
# - LoRA + ZeRO-3, 8x H100 80GB, batch 8, gradient_accumulation_steps 4: "the memory consumed per GPU
#   is 64 GB (80%)" (an nvidia-smi screenshot: the card's view, vs total).
# - QLoRA + ZeRO-3, 2x 40GB, batch 2, accumulation 2, nested 4-bit with bf16 storage: "the memory
#   consumed per GPU is **36.6 GB**".
# - LoRA + FSDP (configs/fsdp_config.yaml: FULL_SHARD, TRANSFORMER_BASED_WRAP, BACKWARD_PRE, no offload),
#   8x H100, batch 8, accumulation 4: "72-80 GB (90-98%) ... The slight increase in GPU memory at the end
#   is when saving the model using FULL_STATE_DICT": 72 GB is the training part.
# accelerate's `deepspeed_config:` block builds a DeepSpeed config without bucket sizes, so ZeRO-3 holds
# DeepSpeed's default 5e8-element bf16 reduce bucket (1 GB) even for LoRA (deepspeed_buckets.py).
# DeepSpeed shards parameters module by module (--zero-impl deepspeed: no FSDP root unit); its LoRA
# adapters are cast to bf16 by the engine with an fp32 master (not modelled: llmsize keeps peft's fp32).
# train.py loads the unquantized base in fp32 (examples/sft/utils.py `create_and_prepare_model`): FSDP keeps
# that fp32 shard (--base-fp32, fp32_base.py); DeepSpeed's zero.Init makes it bf16, so its row does not
# take the flag.
PEFT_DS = "https://github.com/huggingface/peft/blob/781cac467/docs/source/accelerate/deepspeed.md"
PEFT_FSDP_LORA = "https://github.com/huggingface/peft/blob/781cac467/docs/source/accelerate/fsdp.md"
PEFT_70B = (
    "Llama-2-70B --framework trl --lora-rank 8 --lora-targets all-linear --context 2048 --attention flash "
    "--gradient-checkpointing --loss full-shifted --zero 3 --lora-dropout 0.1"
)
for source, label, extra, published, note in (
    (PEFT_DS, "LoRA r8 all-linear, 8x H100 ZeRO-3, bs 8 x packed 2048, grad accum 4",
     "--mode lora --batch 8 --grad-accum 4 --num-gpus 8 --zero-impl deepspeed", 64,
     "'64 GB (80%)' from nvidia-smi"),
    (PEFT_DS, "QLoRA r8 all-linear, 2x 40GB ZeRO-3, bs 2 x packed 2048, grad accum 2",
     "--mode qlora --batch 2 --grad-accum 2 --num-gpus 2 --zero-impl deepspeed", 36.6,
     "'36.6 GB' per GPU, reading not named"),
    (PEFT_FSDP_LORA, "LoRA r8 all-linear, 8x H100 FSDP, bs 8 x packed 2048, grad accum 4",
     "--mode lora --batch 8 --grad-accum 4 --num-gpus 8 --zero-impl fsdp --base-fp32", 72,
     "'72-80 GB (90-98%)' from nvidia-smi; the 80 is the FULL_STATE_DICT save after training; "
     "examples/sft/utils.py loads the unquantized base in fp32 and FSDP's bf16 MixedPrecision keeps "
     "the fp32 shard (--base-fp32, fp32_base.py)"),
):
    ROWS.append(
        Row(
            f"{source} (PEFT + {'DeepSpeed' if 'deepspeed' in extra else 'FSDP'} guide)",
            f"Llama-2 70B {label}",
            f"{PEFT_70B} {extra}",
            published,
            "card",
            False,
            note + "; TRL SFTTrainer of late 2024 with transformers' upcast, shifted loss (--loss "
            "full-shifted)",
            held_out=True,
        )
    )

# Philipp Schmid's "Efficiently fine-tune Llama 3 with PyTorch FSDP and Q-Lora" (April 2024; the notebook
# training/fsdp-qlora-distributed-llama3.ipynb, scripts/run_fsdp_qlora.py): Llama 3 70B, bnb NF4 with bf16
# storage, LoRA r16 all-linear, TRL SFTTrainer packing to 3072, sdpa, gradient checkpointing, adamw_torch,
# Trainer FSDP "full_shard auto_wrap offload" on 4x 24GB: "FSDP + Q-Lora + CPU offloading needs 4x24GB
# GPUs, with 22 GB/GPU and 127 GB CPU RAM with a sequence length of 3072 and a batch size of 1" (held out).
# scripts/run_fsdp_qlora.py: `LoraConfig(lora_alpha=8, lora_dropout=0.05, r=16, ...)`, so --lora-dropout 0.05.
# The offloaded root unit (Llama 3's 128,256 x 8,192 embeddings and head, 4.2 GB) is gathered whole.
PHIL = (
    "https://github.com/philschmid/deep-learning-pytorch-huggingface/blob/be9ff8f760f9fdbcabedf123d988ef0ff12682f5/"
    "training/fsdp-qlora-distributed-llama3.ipynb"
)
ROWS.append(
    Row(
        f"{PHIL} (FSDP + QLoRA Llama 3 70B)",
        "Llama 3 70B QLoRA r16 all-linear, 4x 24GB FSDP + CPU offload, bs 1 x packed 3072",
        "Llama-3.1-70B --framework trl --mode qlora --lora-rank 16 --lora-targets all-linear --context 3072 "
        "--batch 1 --attention sdpa --gradient-checkpointing --loss full-shifted --optimizer adamw-foreach "
        "--zero 3 --num-gpus 4 --offload-params cpu --lora-dropout 0.05",
        22,
        "card",
        False,
        "'22 GB/GPU' (reading not named); Llama 3.1's config for Llama 3 (same shapes); transformers 4.40's "
        "upcast, shifted loss; LoRA dropout 0.05 not modelled",
        held_out=True,
    )
)

# torchtune of April-May 2024 (trainval4). Its recipes then returned `self.output(h).float()` from the
# model (torchtune/modules/transformer.py) and shifted a contiguous copy before torch.nn.CrossEntropyLoss
# (recipes/lora_finetune_single_device.py): --loss full-shifted. memory_stats_log (torchtune/utils/
# memory.py) divides by 1e9, so the "GB" are decimal, converted to GiB here. torch.optim.AdamW without
# arguments is torch's foreach implementation; bitsandbytes PagedAdamW is 32-bit paged AdamW.
# Alpaca (alpaca_dataset / alpaca_cleaned_dataset) truncates at max_seq_len=512 and pads each batch to
# its longest sample: the longest batch is assumed to reach 512.
GB = 1e9 / GIB
TT_APR = "https://github.com/pytorch/torchtune/blob/ff594c231/docs/source/tutorials/lora_finetune.rst"
TT_QLORA_TUT = "https://github.com/pytorch/torchtune/blob/0914d5cfb/docs/source/tutorials/qlora_finetune.rst"
TT_L3_TUT = "https://github.com/pytorch/torchtune/blob/20747cd87/docs/source/tutorials/llama3.rst"
TT_README_APR = "https://github.com/pytorch/torchtune/blob/fef3ed10d/README.md"
TT_README_MAY = "https://github.com/pytorch/torchtune/blob/0217d44c2/README.md"
TT_OLD = "--framework torchtune --loss full-shifted --optimizer adamw-foreach --held-logits step"
TT_OLD_NOTE = (
    "torchtune of April 2024: fp32 logits from the model and a contiguous shifted copy (--loss "
    "full-shifted), torch.optim.AdamW (foreach); the recipe's `logits` (the shifted fp32 copy) stays bound "
    "through backward until PR #1235 (v0.3.0) added `del logits`: --held-logits step (held_logits.py); "
)
TT_ALL7 = "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj"
TT_512 = "--context 512 --batch 2"
# "Update lora tutorial" (#702, ff594c231): llama2/7B_lora_single_device (batch 2, alpaca_cleaned,
# activation checkpointing, bf16), LoRA on q,v or on "all layers" (q,k,v,output + MLP + the output
# projection); the table's "Peak Memory".
for label, targets, rank, published in (
    ("q,v", "q_proj,v_proj", 8, 15.57),
    ("all layers + output", TT_ALL7 + ",lm_head", 8, 15.87),
    ("q,v", "q_proj,v_proj", 64, 15.86),
    ("all layers + output", TT_ALL7 + ",lm_head", 64, 17.04),
):
    ROWS.append(
        Row(
            f"{TT_APR} (LoRA tutorial)",
            f"Llama 2 7B LoRA r{rank} ({label}), 1 GPU, bs 2 x <=512 (alpaca)",
            f"Llama-2-7B --mode lora --lora-rank {rank} --lora-targets {targets} {TT_OLD} {TT_512}",
            published * GB,
            "allocated",
            False,
            TT_OLD_NOTE + "the reading (allocated or reserved) is not named; the longest padded batch is "
            "assumed to reach the 512-token truncation",
            held_out=True,
        )
    )
# "QLoRA tutorial" (#693, 0914d5cfb): "Peak memory reserved, training": LoRA 15.57 GB (the row above),
# QLoRA 9.29 GB with llama2/7B_qlora_single_device (r8 on q,k,v,output + MLP, batch 2).
ROWS.append(
    Row(
        f"{TT_QLORA_TUT} (QLoRA tutorial)",
        "Llama 2 7B QLoRA r8 (q,k,v,o + MLP), 1 GPU, bs 2 x <=512 (alpaca), peak reserved",
        f"Llama-2-7B --mode qlora --lora-rank 8 --lora-targets {TT_ALL7} {TT_OLD} {TT_512}",
        9.29 * GB,
        "reserved",
        False,
        TT_OLD_NOTE + "reserved: compared with the init cache the recipe carries into training "
        "(memory_stats_log resets the peaks, nothing empties the cache), replayed through the caching "
        "allocator: torchao 0.1 to_nf4 quantizes each weight on the GPU, unchunked, with two numel x 16 "
        "bf16 temporaries (quantize_tensor_nearest), as the layer is built, deep-copied 32 times and "
        "loaded; best fit carves the long-lived pieces from the freed temporaries, so each later MLP "
        "weight needs new segments (torchao_nf4_init.py: 9.14 GB at init, the tutorial's own init "
        "reading 9.13 GB); torchao NF4 modelled as bitsandbytes NF4",
        held_out=True,
        carried_bytes=init_reserved_bytes(shapes(resolve("Llama-2-7B"), rank=8))[0],
    )
)
# "Llama3 changes" (#793, 20747cd87), tutorials/llama3.rst: llama3/8B_lora_single_device (r8 on q,v,
# batch 2, alpaca_cleaned): "we observed a peak memory usage of 18.5 GB".
ROWS.append(
    Row(
        f"{TT_L3_TUT} (Llama 3 tutorial)",
        "Llama 3 8B LoRA r8 (q,v), 1 GPU, bs 2 x <=512 (alpaca)",
        f"Llama-3.1-8B --mode lora --lora-rank 8 --lora-targets q_proj,v_proj {TT_OLD} {TT_512}",
        18.5 * GB,
        "allocated",
        False,
        TT_OLD_NOTE + "the reading is not named; Llama 3.1's config for Llama 3 (same shapes)",
        held_out=True,
    )
)
# README "Memory update" (#775, fef3ed10d), "Peak Memory per GPU" with the linked llama2 configs at that
# commit (batch 2, alpaca 512): QLoRA single device 9.29 GB (the tutorial's run), LoRA on 2 GPUs 20.95
# (7B_lora: FSDP, no activation checkpointing), LoRA single device 17.18, full single device 14.97
# (7B_full_low_memory: bnb PagedAdamW, optimizer_in_bwd), full on 4 GPUs 22.9 (7B_full: FSDP, AdamW).
for label, args, published in (
    ("LoRA r8 (q,v), 2x RTX 4090 FSDP", "--mode lora --lora-rank 8 --lora-targets q_proj,v_proj "
     "--no-gradient-checkpointing --zero 3 --num-gpus 2", 20.95),
    ("LoRA r8 (q,v), 1x RTX 4090", "--mode lora --lora-rank 8 --lora-targets q_proj,v_proj", 17.18),
    ("full, 1x RTX 4090, paged AdamW in backward", "--mode full --optimizer-in-backward", 14.97),
    ("full, 4x RTX 4090 FSDP", "--mode full --zero 3 --num-gpus 4", 22.9),
):
    args = f"Llama-2-7B {args} {TT_OLD} {TT_512}"
    if "paged" in label:
        args = args.replace("adamw-foreach", "paged-adamw-32bit")
    ROWS.append(
        Row(
            f"{TT_README_APR} (README memory table)",
            f"Llama 2 7B {label}, bs 2 x <=512 (alpaca)",
            args,
            published * GB,
            "allocated",
            False,
            TT_OLD_NOTE + "the reading is not named; the longest padded batch is assumed to reach 512",
            held_out=True,
        )
    )
# README of 0217d44c2 (2024-05-09): "Peak Memory per GPU (GB)" at "Batch Size = 4, Seq Length = 2048"
# (70B: 4096), the same recipes; QLoRA "Uses torch compile" (utils.wrap_compile: the whole model),
# the single-device full finetune "Uses PagedAdamW". The distributed LoRA config has activation
# checkpointing off, but without it the batch's activations alone exceed the 24 GB card: on assumed.
for label, args, published in (
    ("QLoRA r8 (q,k,v,o + MLP), 1x RTX 4090, compile", f"--mode qlora --lora-rank 8 --lora-targets {TT_ALL7} "
     "--compile", 12.3),
    ("LoRA r8 (q,v), 1x RTX 4090", "--mode lora --lora-rank 8 --lora-targets q_proj,v_proj", 21.3),
    ("LoRA r8 (q,v), 2x RTX 4090 FSDP", "--mode lora --lora-rank 8 --lora-targets q_proj,v_proj --zero 3 "
     "--num-gpus 2", 16.2),
    ("full, 1x RTX 4090, paged AdamW in backward", "--mode full --optimizer-in-backward", 24.1),
    ("full, 4x RTX 4090 FSDP", "--mode full --zero 3 --num-gpus 4", 24.1),
):
    args = f"Llama-2-7B {args} {TT_OLD} --context 2048 --batch 4"
    if "paged" in label:
        args = args.replace("adamw-foreach", "paged-adamw-32bit")
    ROWS.append(
        Row(
            f"{TT_README_MAY} (README memory table)",
            f"Llama 2 7B {label}, bs 4 x 2048",
            args,
            published * GB,
            "allocated",
            False,
            TT_OLD_NOTE + "the reading is not named; torch.compile of the whole model modelled as "
            "compiled blocks and loss" if "compile" in label else TT_OLD_NOTE + "the reading is not named",
            held_out=True,
        )
    )
ROWS.append(
    Row(
        f"{TT_README_MAY} (README memory table)",
        "Llama 2 70B LoRA r16 (q,k,v), 8x A100 FSDP, bs 4 x 4096",
        f"Llama-2-70B --mode lora --lora-rank 16 --lora-targets q_proj,k_proj,v_proj {TT_OLD} --context 4096 "
        "--batch 4 --zero 3 --num-gpus 8",
        26.4 * GB,
        "allocated",
        False,
        TT_OLD_NOTE + "the reading is not named; with batch 4 x 4096 the 80 checkpointed block inputs alone "
        "take 20 GiB, so the run's batch or length likely differed from the stated one",
        held_out=True,
    )
)


# Unsloth's MoE kernels (unsloth.ai/docs/new/faster-moe, February 2026): "gpt-oss-20b fine-tunes in
# 12.8 GB VRAM. Qwen3-30B-A3B (16-bit LoRA) uses 63GB." The settings are the linked notebooks' (not on
# the page): gpt-oss-(20B)-Fine-tuning.ipynb (4-bit, max_seq_length 1024, r8, batch 1, adamw_8bit, as
# the gpt-oss rows above) and Qwen3_MoE.ipynb (16-bit LoRA; max_seq_length 2048, r16, batch 1 assumed).
US_MOE = "https://unsloth.ai/docs/new/faster-moe"
for model, args, published, label in (
    ("gpt-oss-20b", "--mode qlora --lora-rank 8 --context 1024 --batch 1", 12.8,
     "QLoRA r8, 1024 tokens, bs 1"),
    ("Qwen3-30B-A3B", "--mode lora --lora-rank 16 --context 2048 --batch 1", 63,
     "16-bit LoRA r16, 2048 tokens, bs 1"),
):
    ROWS.append(
        Row(
            f"{US_MOE} (MoE kernels)",
            f"Unsloth {model} {label}",
            f"{model} {args} --framework unsloth",
            published * GB,
            "card",
            False,
            "the notebook's settings assumed (the page gives only the figure); Unsloth's split-LoRA grouped "
            "GEMM over the experts modelled as its per-expert loop (unsloth_moe.py)",
            held_out=True,
        )
    )

# Axolotl's Llama 3 examples (examples/llama-3/README.md at fe832e17a, April 2024): "LoRA ... Single GPU @
# 11GB VRAM", "Full Fine Tune ... Single GPU @ 48GB VRAM", "QLORA+FSDP ... Dual GPU @ 21GB VRAM", with the
# configs of that commit: lora-8b.yml (then NousResearch/Llama-2-7b-hf in 8-bit, r32 all linear, 4096
# packed, micro batch 2, adamw_bnb_8bit, lora_dropout 0.05),
# fft-8b.yaml (Llama 3 8B, 8192 packed, micro batch 1,
# paged_adamw_8bit), qlora-fsdp-70b.yaml (Llama 3 70B, r8 all linear, 512 tokens, micro batch 1,
# adamw_torch, FSDP FULL_SHARD with fsdp_offload_params, lora_dropout 0.05). All: bf16, flash attention,
# gradient checkpointing; transformers 4.40's upcast, shifted loss (--loss full-shifted). requirements.txt at
# fe832e17a pins transformers at 43d17c18 (the 4.40.0 development tree): --engine-version 4.40.0, whose
# LlamaForCausalLM.forward returns `logits.float()` (logits_upcast.py).
# The 70B FSDP row (trainaxo, checked and left): axolotl at fe832e17a loads Llama through
# LlamaForCausalLM.from_pretrained (utils/models.py; bnb_4bit_quant_storage bf16, so the unquantized
# embeddings and head are bf16, not load_sharded_model_quant's fp32 default), sets FSDP_OFFLOAD_PARAMS
# (utils/trainer.py setup_fsdp_envs), and FSDP1 frees each offloaded unit's GPU shard copy as it
# reshards (torch/distributed/fsdp/_flat_param.py pre_unshard / _use_sharded_flat_param). Answer.AI's
# reserved peak for the same FSDP1 + offload recipe on Llama-2 70B at 2 x 2048 tokens is 14.92 GiB (the
# plain rows above), so no training allocation found makes 21 GB at 1 x 512: the figure stays unexplained.
AX = "https://github.com/axolotl-ai-cloud/axolotl/blob/fe832e17a/examples/llama-3/README.md"
AX_BASE = (
    "--framework axolotl --attention flash --gradient-checkpointing --loss full-shifted "
    "--engine-version 4.40.0"
)
for label, args, published in (
    ("Llama 2 7B 8-bit LoRA r32 all-linear, 1 GPU, bs 2 x packed 4096",
     "Llama-2-7B --mode lora --quant bnb-int8 --lora-rank 32 --lora-targets all-linear --context 4096 "
     "--batch 2 --optimizer adamw-8bit --lora-dropout 0.05", 11),
    ("Llama 3 8B full, 1 GPU, bs 1 x packed 8192, paged 8-bit AdamW",
     "Llama-3.1-8B --mode full --context 8192 --batch 1 --optimizer paged-adamw-8bit", 48),
    ("Llama 3 70B QLoRA r8 all-linear, 2 GPUs FSDP + CPU offload, bs 1 x 512",
     "Llama-3.1-70B --mode qlora --lora-rank 8 --lora-targets all-linear --context 512 --batch 1 "
     "--optimizer adamw-foreach --zero 3 --num-gpus 2 --offload-params cpu --lora-dropout 0.05", 21),
):
    ROWS.append(
        Row(
            f"{AX} (Llama 3 examples)",
            f"Axolotl {label}",
            f"{args} {AX_BASE}",
            published * GB,
            "card",
            False,
            "'Single/Dual GPU @ N GB VRAM': the reading is not stated; Llama 3.1's config for Llama 3 (same "
            "shapes); FSDP1 CPUOffload: shards, adapters' states and gradients on the host "
            "(param_offload.py)"
            + ("; the card holds the paged 8-bit AdamW states too (paged_resident.py)" if "paged" in args
               else ""),
            held_out=True,
        )
    )

# Axolotl's per-model examples (examples/<model>/README.md at 067b021c8, July 2026): "This config uses
# about N GiB VRAM" for the config the README launches. Every QLoRA config there (read at the same
# commit) sets load_in_4bit, lora_r 32, lora_target_linear, sequence_len 2048 with sample_packing,
# micro_batch_size 2, adamw_bnb_8bit, bf16 auto, gradient_checkpointing and flash_attention_2; most add
# the CutCrossEntropyPlugin (the fused linear cross-entropy: --loss fused). All but Devstral's
# (lora_dropout 0) set lora_dropout 0.05 (--lora-dropout: peft's nn.Dropout keeps a dropped copy of
# each wrapped layer's input and its mask, activations/walk.py lora_dropout). The reading: axolotl's
# trainer logs memory/max_active, max_allocated and device_reserved (core/trainers/base.py, since
# d0d2fc560, 2025-08-27) and the gpt-oss README names its source ("Memory usage taken from
# device_mem_reserved(gib) from logs"): figures in GiB written after that commit are compared as
# max_memory_reserved, earlier ones (in GB, or before the log existed) as the card.
AX2 = "https://github.com/axolotl-ai-cloud/axolotl/blob/067b021c8/examples"
AX2_QLORA = (
    "--mode qlora --lora-rank 32 --lora-targets all-linear --context 2048 --batch 2 --optimizer adamw-8bit "
    "--framework axolotl --attention flash --gradient-checkpointing --lora-dropout 0.05"
)
for path, label, args, published, compare, note in (
    ("apertus/README.md", "Apertus 8B QLoRA r32 all-linear, CCE", "Apertus-8B --loss fused", 8.7,
     "reserved", ""),
    ("arcee/README.md", "AFM 4.5B QLoRA r32 all-linear, CCE", "AFM-4.5B --loss fused", 7.8, "card",
     "written 2025-08-08, before the memory log: the reading is not known"),
    ("devstral/README.md", "Devstral Small 2507 QLoRA r32 all-linear, CCE, torch AdamW",
     "Devstral-Small-2507 --loss fused --optimizer adamw-fused --lora-dropout 0", 21 * GB, "card", "'21GB'"),
    ("hunyuan/README.md", "Hunyuan 0.5B QLoRA r32 all-linear, CCE", "Hunyuan-0.5B-Instruct --loss fused",
     4.7 * GB, "card", "'4.7 GB'; not in the catalog: sized from the name (a Llama-3.2 shape); "
     "HunyuanOCR's text config (24 layers, hidden 1024, vocab 120818, tied) gives less (1.54 GiB), so the "
     "shape is not the gap"),
    ("magistral/README.md", "Magistral Small 2506 QLoRA r32 all-linear, CCE",
     "Magistral-Small-2506 --loss fused", 24 * GB, "card", "'24GB'"),
    ("magistral/think/README.md", "Magistral Small 2507 QLoRA r32 all-linear, CCE",
     "Magistral-Small-2507 --loss fused", 19.1, "reserved", ""),
    ("ministral/README.md", "Ministral 8B 2410 QLoRA r32 all-linear, CCE",
     "Ministral-8B-Instruct-2410 --loss fused", 8.76, "reserved", ""),
    ("ministral3/think/README.md", "Ministral 3 3B Reasoning QLoRA r32 all-linear, CCE",
     "Ministral-3-3B-Reasoning-2512 --loss fused", 4.76, "reserved",
     "the vision tower's linears (lora_target_linear) not modelled"),
    ("mimo/README.md", "MiMo 7B RL QLoRA r32 all-linear (no CCE)", "MiMo-7B-RL", 17.2, "reserved",
     "no CCE plugin in this config: transformers' full cross-entropy"),
    ("olmo3/README.md", "OLMo 3 7B QLoRA r32 all-linear, CCE, torch 8-bit AdamW",
     "Olmo-3-7B-Instruct --loss fused", 11.3, "reserved", "optimizer adamw_8bit"),
    ("seed-oss/README.md", "Seed-OSS 36B QLoRA r32 all-linear, CCE", "Seed-OSS-36B-Instruct --loss fused",
     27.7, "reserved", ""),
    ("trinity/README.md", "Trinity Nano Preview (MoE) QLoRA r32 all-linear, SDPA, no CCE",
     "Trinity-Nano-Preview --attention sdpa", 24.9, "reserved", "'(w/o CCE)'; attn_implementation sdpa"),
):
    ROWS.append(
        Row(
            f"{AX2}/{path} (model examples)",
            f"Axolotl {label}, 1 GPU, bs 2 x packed 2048",
            f"{args.split(' ', 1)[0]} {AX2_QLORA} {args.split(' ', 1)[1] if ' ' in args else ''}".strip(),
            published,
            compare,
            False,
            "; ".join(x for x in (note, "the card's view: the reading is not named" if compare == "card"
                                  else "max_memory_reserved (axolotl's memory/device_reserved log)") if x),
            held_out=True,
        )
    )
# Two configs whose settings differ from the block above (same commit): gpt-oss-20b LoRA r8
# (gpt-oss-20b-sft-lora-singlegpu.yaml: Mxfp4Config(dequantize=True) -> bf16 weights, lora_target_linear
# -> the attention projections, the experts being fused parameters, 4096 packed, micro batch 1,
# adamw_torch_8bit, CCE, activation_offloading) "1x48GB @ ~44GiB", and Qwen3.5-27B QLoRA r16 on
# q,k,v,o,up,down (27b-qlora.yaml: 2048 packed, micro batch 1, adamw_torch_4bit, CCE) "~47 GiB". The first
# sets `lora_dropout: 0.0` ("not supported when using LoRA over expert parameters"), the second leaves it to
# the schema's 0.0 (utils/schemas/peft.py): --lora-dropout 0, not the axolotl preset's example 0.05.
for path, label, args, published, note in (
    ("gpt-oss/README.md",
     "gpt-oss-20b (dequantized bf16) LoRA r8 attention, bs 1 x packed 4096, activation offload",
     "gpt-oss-20b --mode lora --quant none --lora-rank 8 --lora-targets q_proj,k_proj,v_proj,o_proj "
     "--context 4096 --batch 1 --optimizer adamw-8bit --activation-offloading --lora-dropout 0", 44,
     "'Memory usage taken from device_mem_reserved(gib) from logs'; use_kernels (the hub's MoE kernels) "
     "modelled as transformers' expert loop"),
    ("qwen3.5/README.md", "Qwen3.5 27B QLoRA r16 (q,k,v,o,up,down), bs 1 x packed 2048, 4-bit AdamW",
     "Qwen3.5-27B --mode qlora --lora-rank 16 --lora-targets q_proj,k_proj,v_proj,o_proj,up_proj,down_proj "
     "--context 2048 --batch 1 --optimizer adamw-4bit --lora-dropout 0", 47,
     "'Peak VRAM ~47 GiB' compared as max_memory_reserved; the vision tower loaded but frozen; the README "
     "installs flash-linear-attention (required with sample_packing), so the torch fallback of the gated "
     "delta rule modelled here (linear_attention.py) is an upper bound: the gap is unexplained"),
):
    ROWS.append(
        Row(
            f"{AX2}/{path} (model examples)",
            f"Axolotl {label}, 1 GPU, CCE",
            f"{args} --loss fused --framework axolotl --attention flash --gradient-checkpointing",
            published,
            "reserved",
            False,
            note,
            held_out=True,
        )
    )

# LFM2-350M full fine-tuning (examples/LiquidAI/lfm2-350m-fft.yaml at 067b021c8: bf16, CCE, flash_attention_2,
# sequence_len 4096 packed, micro_batch_size 4, adamw_torch_fused, gradient_checkpointing false), README
# "FFT SFT (1x48GB @ 25GiB)", written 2025-08-15 (130ef7c51), before the memory log: the card's view.
ROWS.append(
    Row(
        f"{AX2}/LiquidAI/README.md (model examples)",
        "Axolotl LFM2 350M full, no checkpointing, 1 GPU, bs 4 x packed 4096, fused AdamW, CCE",
        "LFM2-350M --mode full --no-gradient-checkpointing --context 4096 --batch 4 --optimizer adamw-fused "
        "--loss fused --framework axolotl --attention flash",
        25,
        "card",
        False,
        "'1x48GB @ 25GiB'; the reading is not named; weights and AdamW states in bf16 (no master copy)",
        held_out=True,
    )
)

# LLaMA-Factory's README "Hardware Requirement" table (README.md at ff6d4d1, marked *estimated*): 16-bit
# LoRA 16/32/160 GB, 4-bit QLoRA 6/12/48 GB, pure_bf16 full 60/120/600 GB for 7B/14B/70B. The setup is
# not stated; the examples' (examples/train_lora/qwen3_lora_sft.yaml: batch 1, cutoff_len 2048, lora_rank
# 8, lora_target all, bf16; checkpointing on by default) is assumed, on Llama 2 7B, Qwen2.5 14B, Llama 2 70B.
LF = "https://github.com/hiyouga/LLaMA-Factory/blob/ff6d4d12eeb035d6ce06805a5733dd7b29f2ac30/README.md"
for model, size, lora, qlora, full in (
    ("Llama-2-7B", "7B", 16, 6, 60),
    ("Qwen2.5-14B", "14B", 32, 12, 120),
    ("Llama-2-70B", "70B", 160, 48, 600),
):
    for label, args, published in (
        ("16-bit LoRA r8 all", "--mode lora --lora-rank 8 --lora-targets all-linear", lora),
        ("4-bit QLoRA r8 all", "--mode qlora --lora-rank 8 --lora-targets all-linear", qlora),
        ("full (pure_bf16)", "--mode full --no-master-weights", full),
    ):
        ROWS.append(
            Row(
                f"{LF} (hardware requirement)",
                f"LLaMA-Factory {size} {label}, bs 1 x 2048",
                f"{model} {args} --framework llamafactory --context 2048 --batch 1",
                published * GB,
                "card",
                False,
                "the table is the authors' estimate, not a measurement, and states no batch or length: the "
                "examples' settings assumed",
                held_out=True,
            )
        )


# ms-swift's example scripts carry the memory their authors saw (modelscope/ms-swift at 3602360, August
# 2026; the reading, nvidia-smi or torch, is not stated). Swift's trainers are transformers' Trainer
# (swift/trainers/arguments.py: gradient_checkpointing True by default) and, for DPO, a subclass of
# TRL's DPOTrainer. Rows whose token counts are fixed: packed SFT (--packing true fills each row to
# max_length) and a LoRA DPO whose padded pairs are assumed to reach max_length 2048. rlhf/dpo/lora.sh leaves
# lora_dropout to swift's `TunerArguments.lora_dropout = 0.05` (swift/llm/argument/tuner_args.py).
SWIFT = "https://github.com/modelscope/ms-swift/blob/3602360a5/examples/train"
for path, label, args, published, note in (
    ("rlhf/dpo/lora.sh", "Qwen2.5 7B DPO LoRA r8 all-linear, 1 GPU, bs 1 pair x <=2048",
     "Qwen2.5-7B-Instruct --mode lora --lora-rank 8 --lora-targets all-linear --framework trl "
     "--objective dpo --context 2048 --batch 1 --lora-dropout 0.05", 24,
     "'# 24GiB'; TRL's DPOTrainer (preference.py): chosen + rejected as one batch, the reference is the "
     "policy without its adapters; the longest padded pair is assumed to reach max_length; rpo_alpha 0.1's "
     "extra NLL on the chosen rows not modelled"),
    ("agent/qwen2_5.sh", "Qwen2.5 3B full, 1 GPU, bs 1 x packed 8192, Liger, flash",
     "Qwen2.5-3B --mode full --framework trainer --gradient-checkpointing --liger --attention flash "
     "--context 8192 --batch 1", 35,
     "'# 35GiB'; transformers' default AdamW on the bf16 weights (states in bf16) assumed"),
    ("cached_dataset/sft.sh", "Qwen2.5 7B full, 4 GPUs ZeRO-3, bs 1 x packed 8192, Liger, flash",
     "Qwen2.5-7B --mode full --framework trainer --gradient-checkpointing --liger --attention flash "
     "--context 8192 --batch 1 --zero 3 --num-gpus 4 --ds-reduce-bucket auto", 44,
     "'# 4 * 44GiB'; DeepSpeed ZeRO-3's fp32 master and states, and at the step the fp32 cast of one "
     "1e9-element sub-group (deepspeed_step.py); swift/llm/ds_config/zero3.json's reduce_bucket_size "
     "'auto' = hidden_size² (deepspeed_buckets.py); its prefetch bucket and the lm_head gathered "
     "whole at the loss not modelled; gradient_accumulation_steps 4 does not move the step's peak"),
):
    ROWS.append(
        Row(
            f"{SWIFT}/{path} (ms-swift examples)",
            f"ms-swift {label}",
            args,
            published,
            "card",
            False,
            note,
            held_out=True,
        )
    )


def run(row: Row) -> tuple[float, str]:
    result = CliRunner().invoke(app, ["estimate", *shlex.split(row.args), "--format", "json"])
    if result.exit_code != 0:
        raise SystemExit(f"{row.args}: exit {result.exit_code}: {result.output}")
    doc = json.loads(result.stdout)
    mem = doc["memory"]
    if row.compare == "allocated":
        value = mem["total"] - mem["overhead"]
    elif row.compare == "reserved":  # the caching allocator's segments (reserved_view.py)
        value = reserved_peak_bytes(mem["total"] - mem["overhead"], row.carried_bytes)
    else:  # the card's view also holds a paged optimizer's states (paged_resident.py)
        value = driver_view_bytes(mem["total"], int(doc["training"].get("paged_optimizer_bytes", 0)))
    return value / GIB, str(doc.get("peak_phase", ""))


def _framework(args: str) -> str:
    """The --framework a row runs (trainer when none is given, the CLI's default)."""
    words = shlex.split(args)
    return words[words.index("--framework") + 1] if "--framework" in words else "trainer"


def summary_lines(by_framework: dict[str, list[tuple[float, bool, bool]]]) -> list[str]:
    """Median and worst |error| per framework: over all rows, the fully known ones, the held-out ones."""

    def stats(errors: list[float]) -> str:
        if not errors:
            return "– | –"
        mags = sorted(abs(e) for e in errors)
        return f"{100 * statistics.median(mags):.1f}% | {100 * mags[-1]:.1f}%"

    lines = [
        "| framework | rows | median \\|error\\| | worst \\|error\\| | known rows | known median "
        "| known worst | held-out rows | held-out median | held-out worst |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for fw, rows in sorted(by_framework.items()):
        known = [e for e, k, _ in rows if k]
        held = [e for e, _, h in rows if h]
        lines.append(
            f"| {fw} | {len(rows)} | {stats([e for e, _, _ in rows])} | {len(known)} | {stats(known)} "
            f"| {len(held)} | {stats(held)} |"
        )
    return lines


def main() -> None:
    lines = [
        "# Fine-tuning peaks: llmsize vs published measurements",
        "",
        "Generated by `python bench/validate_training.py`; do not edit. Each row: a published peak with",
        "its setup, the `llmsize estimate` arguments that model it, and the error",
        "(llmsize - published) / published. torchtune's peaks are allocator figures, compared with",
        "`total - overhead`; reserved readings with the caching allocator's segments, never below the",
        "cache a load phase left when the peaks were reset without `empty_cache` (reserved_view.py,",
        "torchao_nf4_init.py); Unsloth's context table gives the card a run just fitted on, compared with",
        "`total` plus any paged optimizer states (bitsandbytes prefetches them to the GPU each step, so",
        "the card holds them: paged_resident.py). *known*: every setting that moves memory is stated and",
        "modelled; *held out*: collected after the rules were written, so no rule or constant was shaped",
        "by it.",
        "",
        "| source | setup | llmsize estimate … | published GiB | llmsize GiB | error | known | note |",
        "|---|---|---|---:|---:|---:|:-:|---|",
    ]
    known_errors = []
    by_framework: dict[str, list[tuple[float, bool, bool]]] = {}
    for row in ROWS:
        got, _phase = run(row)
        err = got / row.published_gib - 1
        if row.known:
            known_errors.append(abs(err))
        by_framework.setdefault(_framework(row.args), []).append((err, row.known, row.held_out))
        lines.append(
            f"| [{row.source.split('/')[4]}]({row.source.split(' ')[0]}) {row.source.split(' ', 1)[1]} | "
            f"{row.setup} | `{row.args}` | {row.published_gib:.1f} | {got:.2f} | {100 * err:+.1f}% | "
            f"{'yes' if row.known else 'no'}{' (held out)' if row.held_out else ''} | {row.note} |"
        )
    lines += [
        "",
        f"Rows with a fully known setup: {len(known_errors)}; worst |error| "
        f"{100 * max(known_errors):.1f}%, within 10%: {sum(e <= 0.10 for e in known_errors)}.",
        "",
        *summary_lines(by_framework),
        "",
    ]
    out = ROOT / "docs" / "validation-training.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
