"""The cheap lower bound of a format's weights that lets `fit --all` pass a format over without
sizing its groups (estimate/weights_floor.py, issue 15): below the weights the estimate resolves for
every catalog model and format, close to them for plain and FP8 formats, and refusing a format the
same way resolving it does."""

from __future__ import annotations

import pytest

from llmsize.errors import BadInputError
from llmsize.estimate.resolved import resolve_workload
from llmsize.estimate.weights_floor import single_gpu_weights_floor
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import _option_workload, precision_options
from llmsize.specs.catalog import specs


@pytest.mark.parametrize("gpu", ["RTX-4090", "T4"])  # bf16 and fp8; fp16 and no fp8
def test_floor_is_below_the_resolved_weights_for_every_catalog_format(gpu: str) -> None:
    card = get_gpu(gpu)
    bounded = tight = 0
    for spec in specs():
        base = Workload()
        for option in precision_options(spec, base, card):
            wl = _option_workload(base, option)
            try:
                weights = min(resolve_workload(spec, wl).weights.per_stage)
            except BadInputError as err:
                with pytest.raises(BadInputError) as floor_err:
                    single_gpu_weights_floor(spec, wl)
                assert str(floor_err.value) == str(err)
                continue
            floor = single_gpu_weights_floor(spec, wl)
            if floor is None:
                continue
            bounded += 1
            assert floor <= weights, f"{spec.name} {option.label}: floor {floor} over {weights}"
            # FP8: one byte where embeddings take two (gemma-2-2b: 0.6); NF4 half a byte where they take
            # two (embeddinggemma-300m, two thirds embeddings: 0.18)
            tight += floor >= (0.15 if option.quant and option.quant.startswith(('bnb', 'awq', 'gptq'))
                               else 0.3) * weights
    assert bounded > 200 and tight == bounded  # the bound is used, and is no trivial 0


def test_a_checkpoint_in_the_asked_format_is_its_own_bytes() -> None:
    """estimate_weights takes a header's exact bytes where they describe the asked format: the
    floor is those bytes, even below the formula's (a made-up 9 GB header for a 16 GB model)."""
    from llmsize.specs.models import CheckpointInfo
    from llmsize.specs.resolve import resolve

    plain = resolve("Llama-3.1-8B")
    header = CheckpointInfo(format="safetensors", total_params=8_030_261_248, total_bytes=9_000_000_000)
    spec = plain.model_copy(update={"checkpoint": header})
    wl = Workload(dtype=str(plain.weight_format.dtype))
    weights = min(resolve_workload(spec, wl).weights.per_stage)
    assert weights == 9_000_000_000 == single_gpu_weights_floor(spec, wl)
    assert single_gpu_weights_floor(plain, wl) == min(resolve_workload(plain, wl).weights.per_stage) > weights


def test_no_floor_for_formats_sized_per_tensor_type() -> None:
    from llmsize.specs.resolve import resolve

    spec = resolve("Llama-3.1-8B")
    assert single_gpu_weights_floor(spec, Workload(engine="llama.cpp", quant="Q4_K_M")) is None
    assert single_gpu_weights_floor(spec, Workload(tp=2, num_gpus=2)) is None


@pytest.mark.parametrize(("quant", "bits"), [("bnb-nf4", 4), ("bnb-int8", 8), ("awq", 4), ("gptq", 4),
                                             ("gptq-int8", 8)])
def test_packed_formats_floor_is_their_bits_per_element(quant: str, bits: int) -> None:
    """The packed integer formats: bits/8 bytes per element of the model (the counted parameters of
    Llama-3.1-8B, 8,030,261,248 as Meta publishes), below their resolved bytes (scales, zeros and
    the fp16 embeddings and head come on top), and above half of them."""
    from llmsize.specs.params import total_params
    from llmsize.specs.resolve import resolve

    spec = resolve("Llama-3.1-8B")
    wl = Workload(quant=quant)
    floor = single_gpu_weights_floor(spec, wl)
    weights = min(resolve_workload(spec, wl).weights.per_stage)
    assert total_params(spec) == 8_030_261_248
    assert floor == 8_030_261_248 * bits // 8
    assert 0.5 * weights < floor < weights
