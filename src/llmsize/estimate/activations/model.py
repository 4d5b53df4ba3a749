"""What the model forward does around the blocks: embeddings, masks, rotary tables, lm_head, loss."""

from __future__ import annotations

from llmsize.estimate import arrays as np
from llmsize.estimate.activations.walk import _T, Dims, _Ctx, _linear, _lora_on, _Walk
from llmsize.specs.models import ATTENTION_KINDS, ModelSpec


def _mask_needed(spec: ModelSpec, d: Dims, kind: str, flash: bool) -> bool:
    """Whether transformers builds a mask tensor for layers of `kind` (masking_utils.py).

    Eager attention always gets an additive float mask. SDPA gets none for plain causal attention
    (`_ignore_causal_mask_sdpa`) unless a sliding window is at least the key length; flash
    attention handles windows itself and gets none.
    """
    if d.eager:
        return True
    if spec.model_type == "falcon" and not flash:
        # FalconModel.forward calls create_causal_mask(..., allow_is_causal_skip=False): "Always
        # materialize the mask so alibi can be added onto it" (modeling_falcon.py), rotary or not.
        return True
    if d.packed and not flash:
        # create_causal_mask sees position_ids restarting inside the row (a packed sequence) and
        # builds the block-diagonal mask instead of skipping it (allow_is_causal_skip = False)
        return True
    if flash or kind != "sliding_attention" or not spec.sliding_window:
        return False
    return bool(np.any(d.kv >= spec.sliding_window))


def _prefix(w: _Walk, d: Dims, spec: ModelSpec, kinds: set[str], flash: bool) -> tuple[_Ctx, _T, list[_T]]:
    """Everything the model forward creates before the first block; returns (ctx, embeddings, held)."""
    if spec.compressed is not None:
        from llmsize.estimate.activations.compressed_attention import prefix

        return prefix(w, d, spec)
    h = spec.hidden_size
    full = d.train and not d.lora
    ids = w.new("input_ids", d.T * 8)
    rb = d.res or d.e  # an fp32 embedding table (kbit_upcast.py) returns fp32
    emb = w.op(
        "embeddings",
        d.T * h * rb,
        [ids],
        saves=[ids],
        weight_grad=spec.vocab_size * h * d.e,
        trainable=full,
        elem=d.res,
    )
    if spec.model_type.startswith("gemma"):  # Gemma*ScaledWordEmbedding: embedding * sqrt(hidden)
        scaled = w.op("embeddings * scale", d.T * h * rb, [emb], elem=d.res)
        w.drop(emb)
        emb = scaled
    if d.train and d.gc and not emb.rg:
        emb.rg = True  # enable_input_require_grads under gradient checkpointing
    w.tmp("position arange", d.s * 8)
    pos = w.new("position_ids", d.s * 8)
    held = [ids, pos]
    masks: dict[str, _T | None] = {}
    for kind in sorted(kinds):
        # Linear-attention, Mamba and conv mixers get no 4D mask (Qwen3NextModel passes them a 2D
        # padding mask only when there is padding: `_update_linear_attn_mask`).
        if kind not in ATTENTION_KINDS or not _mask_needed(spec, d, kind, flash):
            masks[kind] = None
            continue
        cells = d.s * d.kv
        w.tmp("mask parts", 2 * cells) if kind == "sliding_attention" else None
        boolean = w.new(f"{kind} mask (bool)", cells)
        if d.eager:
            fmask = w.new(f"{kind} mask (additive)", d.b * cells * d.e)
            w.drop(boolean)
            boolean = fmask
        masks[kind] = boolean
        held.append(boolean)
    if spec.is_mla:
        half = spec.qk_rope_head_dim // 2
        w.tmp("rotary freqs", 2 * d.s * half * 4)
        cos = w.new("freqs_cis", d.s * half * 8)
        sin = cos
        held.append(cos)
    else:
        dim = spec.head_dim
        freqs = w.new("rotary freqs", d.s * dim * 2)
        table = w.new("rotary emb", d.s * dim * 4)
        c32 = w.new("rotary cos fp32", d.s * dim * 4)
        w.tmp("rotary cos*scale", d.s * dim * 4)
        s32 = w.new("rotary sin fp32", d.s * dim * 4)
        w.tmp("rotary sin*scale", d.s * dim * 4)
        if spec.rope_fp32:  # Ernie4_5RotaryEmbedding.forward returns the fp32 tables ("full precision")
            cos, sin = c32, s32
            w.drop(freqs, table)
        else:
            cos = w.new("cos", d.s * dim * rb)  # LlamaRotaryEmbedding: cos.to(dtype=x.dtype)
            sin = w.new("sin", d.s * dim * rb)
            w.drop(freqs, table, c32, s32)
        held += [cos, sin]
    if spec.per_layer_input_size or spec.altup_inputs > 1:
        from llmsize.estimate.activations.altup import prefix_extras

        held += prefix_extras(w, d, spec, emb)
    return _Ctx(cos, sin, masks), emb, held


def _head(w: _Walk, d: Dims, spec: ModelSpec, xn: _T) -> _T:
    """lm_head on the kept positions, then Gemma 2's final logit soft-capping (tanh)."""
    h, vocab = spec.hidden_size, spec.vocab_size
    full = d.train and not d.lora
    rows = d.b * d.logits_tokens
    keep = xn if np.all(d.logits_tokens == d.s) else w.op("last positions", rows * h * d.e, [xn], view_of=xn)
    autocast = d.res and keep.elem == 4 and not _lora_on(d, "lm_head")
    if autocast:
        from llmsize.estimate.kbit_upcast import autocast_head

        logits = autocast_head(w, d, keep, rows, h, vocab)
    elif _lora_on(d, "lm_head"):
        logits = _linear(w, d, keep, "lm_head", h, vocab, rows=rows)
    else:
        logits = w.op(
            "logits",
            rows * vocab * d.e,
            [keep],
            saves=[keep] if full else [],
            weight_grad=vocab * h * d.e,
            trainable=full,
        )
    if keep is not xn:
        w.drop(keep)
    # Gemma2ForCausalLM.forward softcaps whatever dtype the head returned, the autocast head's
    # bf16 logits too (transformers 4.42 modeling_gemma2.py: /cap, tanh, *cap before .float()).
    # Unsloth's Fast_CrossEntropyLoss (--loss inplace) takes the cap into its Triton kernels
    # (unsloth/kernels/cross_entropy_loss.py DO_SOFTCAPPING): no softcapped copy of the logits.
    if spec.final_logit_softcapping and d.loss != "inplace":
        l2 = w.op("logits /cap", rows * vocab * d.e, [logits])
        w.drop(logits)
        l3 = w.op("logits tanh", rows * vocab * d.e, [l2], saves_out=True)
        w.drop(l2)
        logits = w.op("logits *cap", rows * vocab * d.e, [l3])
        w.drop(l3)
    # NemotronHForCausalLM: logits = self.lm_head(hidden_states).float(); torchtune's
    # TransformerDecoder.unembed: output = self.output(h).float() (modules/transformer.py); transformers
    # before 4.46 upcast in every causal-LM forward, after the autocast head too (logits_upcast.py)
    if autocast and not d.logits_fp32:
        return logits
    if spec.logits_fp32 or d.logits_fp32:
        lf = w.op("logits .float()", rows * vocab * 4, [logits])
        w.drop(logits)
        logits = lf
    return logits


def _loss(w: _Walk, d: Dims, spec: ModelSpec, logits: _T) -> _T:
    """ForCausalLMLoss (loss/loss_utils.py): logits.float(), shifted labels, cross_entropy =
    log_softmax (kept for backward) + nll_loss. Sized on the positions the head ran on (every token,
    except GRPO's completion-only logits: preference.logits_positions)."""
    vocab = spec.vocab_size
    rows = d.b * d.logits_tokens
    padded = w.new("labels padded", d.b * (d.s + 1) * 8)
    target = w.new("shift_labels", rows * 8)
    if d.compiled_loss:
        from llmsize.estimate.loss_walk import compiled_cross_entropy

        loss = compiled_cross_entropy(w, logits, rows, "cross_entropy (compiled)")
        w.drop(target, padded)
        return loss
    # logits.float() copies, unless the model already returned fp32 logits (then it is a no-op)
    lf = logits if spec.logits_fp32 or d.logits_fp32 else w.op("logits fp32", rows * vocab * 4, [logits])
    lsm = w.op("log_softmax", rows * vocab * 4, [lf], saves_out=True)
    if lf is not logits:
        w.drop(lf)
    loss = w.op("nll_loss", 4, [lsm], saves=[target])
    w.drop(lsm, target, padded)
    return loss
