"""The llama.cpp mmproj file: a vision tower and projector written by convert_hf_to_gguf.py --mmproj.

The published mmproj-*-f16.gguf files keep every 2-D weight in F16 but, like every GGUF the converter
writes, the 1-D tensors (norm weights and biases) in F32, and some position and patch embeddings in
F32 too. REFERENCE: ggml-org/llama.cpp convert_hf_to_gguf.py `ModelBase.prepare_tensors` ("if n_dims
<= 1 or new_name.endswith('_norm.weight'): data_qtype = F32"); `Gemma3VisionModel.tensor_force_quant`
(".embeddings." -> F32: SigLIP's patch and position embeddings); the Gemma 4 vision model's
("position_embedding_table" -> F32). Checks (tests/golden/test_mmproj_published.py): bartowski's
mmproj-google_gemma-3-4b-it-f16.gguf is 851 MB; clip.cpp prints "model size: 1291.40 MiB" for
mmproj-Qwen2.5-VL-7B-Instruct-f16.gguf (ggml-org/llama.cpp#13445); Qwen3.5-2B's F16 mmproj is
668 MB and Gemma-4-E2B's 986 MB (tetherto/qvac#2780, #2432).

Only the tower kinds whose modeling code is restated here get their F32 share; the others count their
parameters at F16, short by their norms and biases (well under 1% of a tower).
"""

from __future__ import annotations

from llmsize.specs.models import ModelSpec
from llmsize.specs.vision_tower import VisionTower

F16_BYTES = 2
F32_EXTRA_BYTES = 2  # an F32 element costs two bytes more than the F16 one counted for every parameter


def mmproj_file_bytes(spec: ModelSpec) -> int:
    """Bytes of the model's mmproj file at F16: every tower parameter at 2 bytes, plus 2 more for each
    one the converter keeps in F32."""
    if spec.vision is None:
        return 0
    return spec.extra_params * F16_BYTES + f32_params(spec.vision) * F32_EXTRA_BYTES


def f32_params(tower: VisionTower) -> int:
    """Parameters of the tower that the converter writes in F32 (1-D tensors and forced embeddings)."""
    h, inter, depth = tower.hidden_size, tower.intermediate_size, tower.depth
    if tower.kind == "siglip":
        # SiglipEncoderLayer (modeling_siglip.py): two LayerNorms (weight + bias), biased q/k/v/out,
        # fc1 and fc2; post_layernorm; Gemma3MultiModalProjector's mm_soft_emb_norm (RMSNorm, h);
        # the ".embeddings." tensors: the conv patch embedding (weight + bias) and the positions.
        per_block = 2 * 2 * h + 4 * h + inter + h
        patch = 3 * tower.patch_size**2 * h + h
        positions = (tower.image_size // tower.patch_size) ** 2 * h
        return depth * per_block + 2 * h + h + patch + positions
    if tower.kind == "qwen2_5_vl":
        # Qwen2_5_VLVisionBlock (modeling_qwen2_5_vl.py): two RMSNorms, qkv and proj biases, a gated
        # MLP with biases; the patch merger's RMSNorm ln_q and its two biased linears.
        per_block = 2 * h + 3 * h + h + 2 * inter + h
        merger = h + 4 * h + tower.out_hidden_size
        return depth * per_block + merger
    if tower.kind == "qwen3_vl":
        # Qwen3VLVisionBlock (modeling_qwen3_vl.py): two LayerNorms (weight + bias), qkv and proj
        # biases, linear_fc1/fc2 biases; each merger (the main one and the deepstack ones): a LayerNorm
        # and two biased linears (the deepstack mergers norm the 4h shuffled input).
        # The learned position table (v.position_embd) is written in F32 as well: the published
        # Qwen3.6-27B mmproj-BF16.gguf, "model size: 887.99 MiB" in llama-server's log, is its
        # parameters at 2 B (878.77 MiB) + 2 B more for the 1-D tensors (0.78) and the 2,304 x 1,152
        # positions (5.06) + the patch embedding, F32 in a BF16 file (3.38; an F16 file keeps it F16).
        per_block = 2 * 2 * h + 3 * h + h + inter + h
        merger = 2 * h + 4 * h + tower.out_hidden_size
        deepstack = tower.deepstack_layers * (2 * 4 * h + 4 * h + tower.out_hidden_size)
        return depth * per_block + merger + deepstack + tower.position_embeddings * h
    if tower.kind == "gemma4":
        # Gemma4VisionEncoderLayer (modeling_gemma4.py): four RMSNorms and the q/k norms of one head;
        # convert_hf_to_gguf.py's Gemma 4 vision model forces "position_embedding_table" to F32.
        per_block = 4 * h + 2 * tower.head_dim
        return depth * per_block + tower.position_embeddings * h
    return 0
