"""torchao float8 training on the traced model: the same module swap torchtune and torchtitan make.

torchao's `Float8Linear` runs its real casting and saving code under the trace; `torch._scaled_mm`
has a FakeTensor kernel, so the fp8 GEMMs allocate their outputs as on a GPU (no emulation).
"""

from __future__ import annotations

from typing import Any

from llmsize.errors import MissingExtraError

# torchao's recipe names (torchao/float8/config.py Float8LinearRecipeName) for llmsize's values
_RECIPES = {"tensorwise": "tensorwise", "rowwise": "rowwise", "rowwise-gw-hp": "rowwise_with_gw_hp"}


def convert_float8(model: Any, recipe: str) -> None:
    """Swap the decoder's linears for Float8Linear, leaving out the head and non-multiple-of-16 dims."""
    try:
        from torchao.float8 import Float8LinearConfig, convert_to_float8_training
    except ImportError as exc:
        raise MissingExtraError("tracing --fp8-training needs torchao: pip install torchao") from exc
    from llmsize.estimate.fp8_training import converted

    def keep(module: Any, fqn: str) -> bool:
        return converted(fqn.rsplit(".", 1)[-1], module.in_features, module.out_features)

    config = Float8LinearConfig.from_recipe_name(_RECIPES[recipe])
    convert_to_float8_training(model, config=config, module_filter_fn=keep)
