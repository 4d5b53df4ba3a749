"""Catalog names are sized in the dtype of the checkpoint a user downloads under that name.

Gemma 2's pre-trained repositories store float32 weights (their config.json says so) while the
instruction-tuned `-it` ones store bfloat16: sizing `gemma-2-9b-it` from the base config doubled its
weights (issue 15). Each expectation below cites the stored dtype of that exact checkpoint.
"""

from __future__ import annotations

import pytest

from llmsize.names import parse_name
from llmsize.specs import catalog
from llmsize.specs.formats import dtype_from_config
from llmsize.specs.resolve import resolve

B = 10**9

# (name as typed, stored dtype, source)
STORED = [
    # index total_size 18,483,411,968 bytes = 2 x 9,241,705,984 parameters, "storedDtype": "bfloat16"
    # (github.com/decoderesearch/interp-engine gpu-sizer docs, google/gemma-2-9b-it)
    ("gemma-2-9b-it", "bf16"),
    ("google/gemma-2-9b-it", "bf16"),
    # google/gemma-2-2b-it model.safetensors.index.json total_size 5,228,683,776 = 2 x 2,614,341,888
    ("gemma-2-2b-it", "bf16"),
    # https://huggingface.co/google/gemma-2-9b/blob/main/config.json: "torch_dtype": "float32"
    ("gemma-2-9b", "fp32"),
    # https://huggingface.co/meta-llama/Llama-2-7b-chat-hf/blob/main/config.json: "torch_dtype": "float16"
    ("Llama-2-7b-chat-hf", "fp16"),
    # https://huggingface.co/Qwen/Qwen2.5-7B-Instruct/blob/main/config.json: "torch_dtype": "bfloat16"
    ("Qwen2.5-7B-Instruct", "bf16"),
    # https://huggingface.co/google/gemma-3-4b-it/blob/main/config.json: "torch_dtype": "bfloat16"
    ("gemma-3-4b-it", "bf16"),
]


@pytest.mark.parametrize(("name", "dtype"), STORED, ids=[n for n, _ in STORED])
def test_name_is_sized_in_its_checkpoint_dtype(name: str, dtype: str) -> None:
    spec = resolve(name, offline=True)
    assert spec.weight_format.quant is None
    assert spec.weight_format.dtype == dtype


def test_gemma_2_it_weighs_half_its_pretrained_sibling() -> None:
    from llmsize.estimate.weights import effective_format, model_weight_bytes
    from llmsize.estimate.workload import Workload

    def weights(name: str) -> int:
        spec = resolve(name)
        return model_weight_bytes(spec, effective_format(spec, Workload())[0])

    # 2 bytes x 9,241,705,984 parameters = the -it safetensors total_size, 18,483,411,968 bytes
    assert weights("gemma-2-9b-it") == 18_483_411_968
    assert weights("gemma-2-9b") == 2 * weights("gemma-2-9b-it")


def test_a_quant_suffix_on_an_it_name_keeps_the_quantized_format() -> None:
    spec = resolve("gemma-2-9b-it-GPTQ-Int4")
    assert spec.weight_format.quant is not None and spec.weight_format.bits == 4


def _stated_dtype(entry: catalog.CatalogEntry) -> str:
    return dtype_from_config(entry.model.config)[0]


FP32 = [e for e in catalog.entries() if _stated_dtype(e) == "fp32"]


@pytest.mark.parametrize("entry", FP32, ids=[e.name for e in FP32])
def test_every_instruction_alias_of_an_fp32_config_names_its_dtype(entry: catalog.CatalogEntry) -> None:
    # A float32 config is the exception (released pre-trained weights); a chat/instruct checkpoint under
    # an alias is a different download, so the entry must say which dtype that one stores.
    covered = {n.casefold() for v in entry.model.variants for n in v.names}
    for alias in entry.model.aliases:
        if parse_name(alias).training_type is not None:
            assert alias.casefold() in covered, f"{entry.name}: alias {alias} has no checkpoint variant"


def test_every_variant_changes_only_the_dtype() -> None:
    for entry in catalog.entries():
        for variant in entry.model.variants:
            for name in variant.names:
                base = catalog.spec_for(entry)
                spec = catalog.lookup(name)
                assert spec is not None
                assert spec.num_layers == base.num_layers and spec.hidden_size == base.hidden_size
                assert spec.weight_format.dtype == dtype_from_config({"torch_dtype": variant.torch_dtype})[0]
