"""What llama-server does with the context when `-c` is left out, said beside the size the estimate took.

`llama-server -hf REPO` without `-c` does not run 4,096 cells: common/common.h sets `n_ctx = 0` ("0 ==
context the model was trained with"), and llama-context.cpp turns 0 into the GGUF's `n_ctx_train` (the
config's max_position_embeddings: 40,960 for Qwen3-8B, 131,072 for Gemma 3, 262,144 for Qwen3.5). Its memory
fit (`-fit`, on by default: common.h `fit_params`, common/fit.cpp) then shrinks that context, down to
`fit_params_min_ctx` = 4,096, while the model and cache do not fit the device's free memory. The server
help says so: "-c, --ctx-size N  size of the prompt context (default: 0, 0 = loaded from model)". A
user comparing `estimate X --engine llama.cpp` (4,096 tokens) with what llama-server started was not
told (issue 15, round 4); vLLM and SGLang say the same of their --max-model-len / --context-length
(serving_context.max_len_note). `llmsize plan` prints `-c` with the size it fitted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec

FIT_MIN_CTX = 4096  # REFERENCE: llama.cpp common/common.h `fit_params_min_ctx = 4096`


def unset_ctx_note(spec: ModelSpec, wl: Workload) -> tuple[str, ...]:
    """One assumption when the sized context is below the trained one llama-server takes without `-c`."""
    trained = spec.max_position_embeddings
    if wl.context >= trained:
        return ()
    return (
        f"sized for -c {wl.context:,} (= --context; llmsize plan prints it): without -c llama-server takes "
        f"the model's trained {trained:,} tokens (common.h n_ctx 0), shrunk toward {FIT_MIN_CTX:,} by its "
        "default -fit only when that does not fit the GPU (common/fit.cpp)",
    )
