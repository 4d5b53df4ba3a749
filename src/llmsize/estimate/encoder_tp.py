"""How tensor parallelism splits a vision-language model's image encoder, per serving engine.

vLLM and SGLang build the ViT blocks of the towers llmsize sizes out of the same parallel layers as
the decoder, so under TP each rank keeps 1/tp of them; the patch embedding (a Conv2d/Conv3d), the
norms and learned position tables that are plain modules stay whole on every rank. Sources:

- vLLM `model_executor/models/qwen2_5_vl.py` (Qwen2_5_VisionAttention: qkv QKVParallelLinear, proj
  RowParallelLinear; Qwen2_5_VisionMLP gate_up MergedColumnParallelLinear, down RowParallelLinear;
  Qwen2_5_VisionPatchMerger mlp ColumnParallelLinear + RowParallelLinear; the patch embed a Conv3d)
  and `qwen3_vl.py` (reused by qwen3_5.py: Qwen3_VisionMLP linear_fc1 column / linear_fc2 row, the
  same attention, the merger and every deepstack merger column + row; patch_embed nn.Conv3d and
  pos_embed nn.Embedding whole). `siglip.py` (Gemma 3's tower, gemma3_mm.py): SiglipAttention
  qkv_proj QKVParallelLinear + out_proj RowParallelLinear, SiglipMLP fc1 column / fc2 row, and the
  position table a VocabParallelEmbedding (split by rows); the patch Conv2d and the projector's
  mm_input_projection_weight whole. `mllama4.py` Llama4VisionEncoderLayer and `pixtral.py`
  PixtralHFAttention / PixtralHFMLP: the same column / row pairs in every block. `moonvit.py`
  (Kimi-VL's MoonViT) and `kimi_k25_vit.py` (Kimi-K2.5's): MoonVitEncoderLayer wqkv
  QKVParallelLinear + wo RowParallelLinear (attn_bias True), MLP2 fc0 ColumnParallelLinear + fc1
  RowParallelLinear (biased); the patch Conv2d, the learned 2D position table and the projector
  (kimi_vl.py KimiVLMultiModalProjector: nn.Linear) whole. Checked: Kimi-VL-A3B-Instruct on vLLM
  0.19.0 loads 30.74 GiB at TP 1 and 15.53 GiB a rank at TP 2 (llm-d-incubation/llm-d-planner#205),
  0.16 GiB above half: the whole parts, not a 0.77 GiB tower.
- Every one of these takes `disable_tp=use_data_parallel`: with `--mm-encoder-tp-mode data`
  (vllm/config/multimodal.py MultiModalConfig.mm_encoder_tp_mode, default "weights") each rank
  holds the whole tower and encodes its share of the images instead, for models that declare
  `supports_encoder_tp_data`; others fall back to "weights".
- SGLang `srt/models/qwen2_5_vl.py` (VisionAttention's qkv and proj over the TP group,
  Qwen2_5_VLMLP gate/up ColumnParallelLinear and down RowParallelLinear, the merger column + row,
  the patch embed an nn.Conv3d), `qwen3_vl.py`, `siglip.py` and `kimi_vl_moonvit.py` (VisionAttention
  with use_qkv_parallel, MLP2 column + row unless use_data_parallel) alike. Its
  `--mm-enable-dp-encoder` (server_args.py, default False) replicates instead.

Audio encoders (Qwen2-Audio's Whisper encoder, Gemma 3n's / Gemma 4's conformer) are transformers
modules inside vLLM (qwen2_audio.py builds Qwen2AudioEncoder; gemma3n_mm.py AutoModel), so they
stay whole; so do towers whose parallel layout is not restated here (Gemma 4, MobileNet).
Biases of column-parallel layers split with their outputs; row-parallel biases stay whole.
Which engine splits, and under which flag, is each engine module's `encoder_tp` (vllm.py, sglang_launch.py;
the others keep the tower whole: transformers' tp_plan covers the decoder, llama.cpp's mmproj is one
file on one device); this module holds the shapes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec
    from llmsize.specs.vision_tower import VisionTower

EncoderTpMode = Literal["weights", "data"]

# Towers whose blocks the engines build of column / row-parallel layers (module docstring).
SPLIT_KINDS = frozenset({"qwen2_5_vl", "qwen3_vl", "siglip", "llama4", "pixtral", "moonvit"})
# vLLM models that set `supports_encoder_tp_data = True` (qwen2_5_vl.py, qwen3_vl.py / qwen3_5.py,
# mllama4.py, kimi_vl.py); the others ignore --mm-encoder-tp-mode data.
DATA_PARALLEL_KINDS = frozenset({"qwen2_5_vl", "qwen3_vl", "llama4", "moonvit"})
# Tower kinds whose linears carry biases (modeling_qwen2_5_vl.py, modeling_qwen3_vl.py,
# modeling_siglip.py, modeling_llama4.py, vLLM moonvit.py: attn_bias True and MLP2's default bias);
# Pixtral's are bias-free (modeling_pixtral.py).
_BIASED = frozenset({"qwen2_5_vl", "qwen3_vl", "siglip", "llama4", "moonvit"})


def _ceil(a: int, b: int) -> int:
    return -(-a // b)


def _column(inf: int, outf: int, bias: bool, tp: int) -> int:
    out = _ceil(outf, tp)
    return inf * out + (out if bias else 0)


def _row(inf: int, outf: int, bias: bool, tp: int) -> int:
    return _ceil(inf, tp) * outf + (outf if bias else 0)


def split_params(tower: VisionTower, tp: int) -> int:
    """Parameters of the tower's TP-split tensors that one of `tp` ranks holds (tp 1: all of them)."""
    h, inter, b = tower.hidden_size, tower.intermediate_size, tower.kind in _BIASED
    mlp_in = 2 * inter if tower.gated_mlp else inter  # gate_up packed (Qwen2.5-VL, Pixtral)
    block = _column(h, 3 * h, b, tp) + _row(h, h, b, tp) + _column(h, mlp_in, b, tp) + _row(inter, h, b, tp)
    total = tower.depth * block
    if tower.kind in ("qwen2_5_vl", "qwen3_vl"):
        merged = h * tower.merge_size**2
        mergers = 1 + tower.deepstack_layers
        total += mergers * (_column(merged, merged, True, tp) + _row(merged, tower.out_hidden_size, True, tp))
    if tower.kind == "siglip" and tower.image_size:
        positions = (tower.image_size // tower.patch_size) ** 2
        total += _ceil(positions, tp) * h
    return total


def splits(spec: ModelSpec) -> bool:
    """Whether the model has a tower whose blocks the serving engines build of parallel layers."""
    return spec.vision is not None and spec.vision.kind in SPLIT_KINDS


def indivisible(spec: ModelSpec, tp: int) -> str | None:
    """Why `tp` ranks cannot split the tower's blocks, or None: the engines divide its heads and its MLP
    width by the TP degree and assert the division is exact (vLLM 0.19 `distributed/utils.py` divide ->
    ensure_divisibility in Qwen2_5_VisionAttention, siglip.py, pixtral.py; mllama4.py `assert
    self.num_heads % self.tp_size == 0`; `layers/linear.py` ColumnParallelLinear divide and
    MergedColumnParallelLinear `assert all(output_size % self.tp_size == 0 ...)`; SGLang 0.5.23
    `layers/attention/vision.py` VisionAttention and `layers/linear.py`, the same asserts)."""
    tower = spec.vision
    if tp <= 1 or tower is None or tower.kind not in SPLIT_KINDS:
        return None
    for what, width in (("attention heads", tower.num_heads), ("MLP width", tower.intermediate_size)):
        if width % tp:
            return f"--tp {tp} does not divide the vision tower's {width} {what}"
    return None


def data_parallel(spec: ModelSpec) -> bool:
    """Whether vLLM honours --mm-encoder-tp-mode data for this model (else it falls back to weights)."""
    return spec.vision is not None and spec.vision.kind in DATA_PARALLEL_KINDS


def extra_numel(spec: ModelSpec, numel: int, tp: int) -> int:
    """One rank's share of the `extra` parameters (tower, projector, audio encoder) under encoder TP
    `tp`: the split tensors shrink to their shard, everything else stays whole."""
    tower = spec.vision
    if tp == 1 or tower is None or tower.kind not in SPLIT_KINDS:
        return numel
    whole = split_params(tower, 1)
    if whole > numel:  # a tower the parameter count does not hold (a text-only export): leave it
        return numel
    return numel - whole + split_params(tower, tp)
