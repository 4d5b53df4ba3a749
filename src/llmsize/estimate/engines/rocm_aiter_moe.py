"""AITER's FP8 block-scaled fused MoE on AMD CDNA3 (gfx942: MI300X, MI325X): a decode call of few tokens
takes a fixed time, well above the stream of the experts it reads.

Which runs use it: SGLang's ROCm images set SGLANG_USE_AITER=1 (sgl-project/sglang docker/rocm.Dockerfile,
its 'Performance environment variable' block), so a block-FP8 checkpoint's routed experts (GLM-5.x,
MiniMax-M2.x, DeepSeek-V3-class) decode through aiter.fused_moe, whose kernel for few tokens is the
one-stage assembly kernel fmoe_bf16_blockscaleFp8_g1u1_*_silu_1tg_32x128 (gate/up, SiLU and down in one
launch over 32-row token blocks, the single token padded to the block).

REFERENCE: AITER's own tuning table for GLM-5.1 on gfx942 / 304 CUs (ROCm/aiter
aiter/configs/model_configs/a8w8_blockscale_tuned_fmoe_glm5_1.csv; model_dim 6144, inter_dim 256 (TP 8),
257 experts, top 9, fp8 e4m3fnuz, per_1x128, the tuner's best kernel): 'gfx942,304,1,6144,256,257,9,...,
67.3825' us at 1 token and 71.1007 at 2, against 123.614 us at 16 tokens, where ~103 picked experts
(~485 MB) stream at ~3.9 TB/s, the rate the model already gives them (0.73 of 5.3 TB/s). At one token the
nine experts' 42 MB would stream in ~11 us: the call is bound by its own latency, not by the bytes. The
same table's 32-expert TP 1 rows (inter_dim 2048) read 84.3 us at 1 token.
The floor belongs to the architecture more than to the shape: on gfx950 (256 CUs) AITER's tables give
30.3 us at 1 token for GLM-5's same TP 8 shape (a8w8_blockscale_tuned_fmoe_glm5.csv, cu_num 256) and
32.3 us for MiniMax-M2.5's TP 2 shape, 3072 x 768 (a8w8_blockscale_tuned_fmoe_minimax-m2_5.csv), half
the model dim and three times the expert width. MiniMax's shapes have no gfx942 row, so they take the
gfx942 figure measured on GLM-5.1's.
So a routed FFN's decode call costs at least that floor (hardware/moe_stream.moe_call_floor_seconds):
the larger of it and the experts' stream; batches whose picked experts take longer to stream than the
floor are unchanged. Nothing fitted; the figure is the tuned kernel's (an untuned shape runs a default
config, no faster).

The same table times the prefill-sized calls of that shape too, and gives the tuner's own useful FLOP rate
(its 'tflops' column: tokens x top-k x 2 x 3 x model_dim x inter_dim over the call's time): 139.87 TFLOPS
at 512 tokens (310.917 us), 246.12 at 1,024, 317.68 at 2,048, 429.82 at 4,096, 529.53 at 8,192 and
624.47 at 16,384. That is 5-24% of the MI300X's dense FP8 peak (2,614.9 TFLOPS), where a dense FP8 GEMM
of the prefill runs at the engine's fitted share (~0.5): 257 experts split a chunk's tokens nine ways
each (~280 rows an expert at 8,192 tokens), and each 1x128 weight block is rescaled in the loop. So the
routed experts of an SGLang FP8 prefill on CDNA3 run at that measured rate for the call's token count
(hardware/moe_prefill.py), not at the dense share; MiniMax's shapes have no gfx942 rows and take
GLM-5.1's, as the floor does. Nothing fitted.
"""

from __future__ import annotations

# Fastest decode call (1 token) of AITER's block-FP8 fused MoE, per '<vendor>-<architecture>'.
AITER_FP8_MOE_CALL_FLOOR_S: dict[str, float] = {"amd-cdna3": 67.4e-6}
# (tokens in the call, useful FLOP/s) of the tuned gfx942 call for GLM-5.1 at TP 8 (table above).
AITER_FP8_MOE_PREFILL_RATE: dict[str, tuple[tuple[int, float], ...]] = {"amd-cdna3": (
    (512, 139.87e12), (1024, 246.12e12), (2048, 317.68e12), (4096, 429.82e12), (8192, 529.53e12),
    (16384, 624.47e12))}
SOURCE = ("https://github.com/ROCm/aiter/blob/main/aiter/configs/model_configs/"
          "a8w8_blockscale_tuned_fmoe_glm5_1.csv")
