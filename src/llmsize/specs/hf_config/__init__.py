"""Read a Hugging Face config.json into a ModelSpec (see `build` for the routing, and one module per
family of decoders: dense, moe, recurrent, multimodal)."""

from llmsize.specs.hf_config.build import SUPPORTED_MODEL_TYPES, model_type_of, spec_from_hf_config

__all__ = ["SUPPORTED_MODEL_TYPES", "model_type_of", "spec_from_hf_config"]
