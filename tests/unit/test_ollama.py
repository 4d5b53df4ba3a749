"""Ollama references resolve to the catalog entry of their tag and to the GGUF type Ollama serves.

Default quantizations are what Ollama's own /api/tags reports for an untagged pull (public dumps:
llama3:latest "quantization_level": "Q4_0", deepseek-r1:14b "Q4_K_M"; see specs/ollama.py).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import llmsize.cli
from llmsize.errors import LlmsizeError, ModelNotFoundError
from llmsize.specs import catalog, ollama
from llmsize.specs.models import QuantMethod
from llmsize.specs.resolve import resolve


def _found(name: str) -> tuple[str, str | None]:
    hit = catalog.find(name)
    assert hit is not None, name
    entry, parsed = hit
    return entry.name, parsed.gguf_type if parsed else None


@pytest.mark.parametrize(
    ("tag", "entry", "gguf_type"),
    [
        ("qwen3:30b-a3b-q4_K_M", "Qwen3-30B-A3B", "Q4_K_M"),
        ("qwen3:8b", "Qwen3-8B", "Q4_K_M"),
        ("qwen3", "Qwen3-8B", "Q4_K_M"),  # the library's latest tag
        ("qwen3:8b-fp16", "Qwen3-8B", "F16"),
        ("qwen3.6:35b", "Qwen3.5-35B-A3B", "Q4_K_M"),
        ("gemma4:26b", "gemma-4-26B-A4B-it", "Q4_K_M"),
        ("gemma4:26b-a4b-it-q8_0", "gemma-4-26B-A4B-it", "Q8_0"),
        ("gemma4:31b", "gemma-4-31B-it", "Q4_K_M"),
        ("gemma4:e2b", "gemma-4-E2B-it", "Q4_K_M"),
        ("gemma4:e4b", "gemma-4-E4B-it", "Q4_K_M"),
        ("gemma3n:e2b", "gemma-3n-E2B-it", "Q4_K_M"),
        ("gemma3n:e4b", "gemma-3n-E4B-it", "Q4_K_M"),
        ("deepseek-r1:14b", "DeepSeek-R1-Distill-Qwen-14B", "Q4_K_M"),
        ("deepseek-r1:671b", "DeepSeek-R1", "Q4_K_M"),
        ("llama3:latest", "Llama-3-8B", "Q4_0"),  # /api/tags: llama3:latest quantization_level Q4_0
        ("llama3", "Llama-3-8B", "Q4_0"),
        ("llama2:13b", "Llama-2-13B", "Q4_0"),
        ("llama3.1:8b", "Llama-3.1-8B", "Q4_K_M"),
        ("library/llama3.1:8b", "Llama-3.1-8B", "Q4_K_M"),
        ("ollama.com/library/qwen3:8b", "Qwen3-8B", "Q4_K_M"),
        ("qwen3-coder:30b", "Qwen3-Coder-30B-A3B-Instruct", "Q4_K_M"),
    ],
)
def test_ollama_tag_lands_on_its_entry_as_gguf(tag: str, entry: str, gguf_type: str) -> None:
    assert _found(tag) == (entry, gguf_type)


def test_gpt_oss_keeps_its_native_mxfp4() -> None:
    spec = resolve("gpt-oss:20b")
    assert spec.weight_format.quant == QuantMethod.MXFP4


def test_a_hugging_face_name_is_not_an_ollama_reference() -> None:
    # "DeepSeek-V3.1" lowercases to the Ollama library name "deepseek-v3.1" but is the HF model (FP8).
    assert catalog.find("DeepSeek-V3.1") is not None
    assert _found("DeepSeek-V3.1") == ("DeepSeek-V3", None)
    assert _found("DeepSeek-R1") == ("DeepSeek-R1", None)
    assert ollama.parse_reference("Qwen/Qwen3-8B") is None
    assert ollama.parse_reference("./models/qwen3:8b") is None


def test_an_unknown_tag_of_a_known_library_is_refused_with_the_known_tags() -> None:
    with pytest.raises(ModelNotFoundError, match=r"gemma4:7b.*26b.*31b"):
        resolve("gemma4:7b")


def test_the_cli_refuses_an_unknown_tag_in_one_line_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        llmsize.cli.main(["estimate", "gemma4:7b"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "gemma4:7b" in err and "26b" in err and "Traceback" not in err


def test_an_unknown_library_is_approximated_as_the_gguf_ollama_serves() -> None:
    spec = resolve("foo:7b")
    assert spec.approximate
    assert spec.weight_format.quant == QuantMethod.GGUF and spec.weight_format.gguf_type == "Q4_K_M"


@pytest.mark.parametrize("name", ["Qwen3.6-35B-A3B", "gemma4:26b", "qwen3.6:35b", "gemma-4-26B-A4B-it"])
def test_current_models_are_never_a_guessed_llama_shape(name: str) -> None:
    # Either the catalog's own architecture, or (while its model_type is not modelled) a clear error.
    try:
        spec = resolve(name)
    except LlmsizeError:
        return
    assert not spec.approximate


LIBRARIES_WITH_TAGS = [lib.name for lib in ollama.LIBRARIES if catalog._library_tags(lib.name)]


@given(
    st.sampled_from(LIBRARIES_WITH_TAGS),
    st.one_of(
        st.from_regex(r"[0-9]{1,3}(\.[0-9])?b", fullmatch=True), st.sampled_from(["latest", "e4b", "x"])
    ),
    st.lists(st.sampled_from(["instruct", "it", "q4_K_M", "q8_0", "fp16", "2507"]), max_size=3),
)
def test_a_library_tag_lands_on_an_entry_carrying_that_library_or_is_refused(
    library: str, size: str, suffix: list[str]
) -> None:
    tag = "-".join([size, *suffix])
    try:
        hit = catalog.find(f"{library}:{tag}")
    except ModelNotFoundError as err:
        assert library in err.message
        return
    assert hit is not None
    entry, parsed = hit
    assert any(a.lower() == library or a.lower().startswith(f"{library}:") for a in entry.model.aliases)
    # gpt-oss and gpt-oss-safeguard tags name no GGUF type: the library ships the MXFP4 experts as they are
    mxfp4_library = library in ("gpt-oss", "gpt-oss-safeguard")
    assert parsed is not None and (parsed.gguf_type is not None or mxfp4_library)


# ------------------------------------------------------------------ gemma3n: the library's text-only GGUF


def test_gemma3n_tags_are_the_text_model_alone() -> None:
    # convert/convert_gemma3n.go drops audio_tower, embed_audio, vision_tower and embed_vision: the tag
    # holds the checkpoint's total less the towers (983,281,504) and less the k/v of the KV-shared
    # layers transformers does not build (20,974,080). ollama.com lists 4.46B and 6.87B parameters
    # (quoted in https://github.com/ollama/ollama/pull/11286).
    from llmsize.estimate.core import estimate
    from llmsize.estimate.workload import Workload

    e2b = estimate(resolve("gemma3n:e2b"), Workload(engine="ollama"))
    assert e2b.params == 5_439_438_272 - 983_281_504 - 20_974_080
    assert e2b.params == pytest.approx(4.46e9, rel=0.01)
    e4b = estimate(resolve("gemma3n:e4b"), Workload(engine="ollama"))
    assert e4b.params == pytest.approx(6.87e9, rel=0.01)
    # the Hugging Face checkpoint keeps its towers
    assert resolve("gemma-3n-E2B-it").extra_params == 983_281_504


def test_gemma3n_k_quants_keep_the_per_layer_embeddings_in_f16() -> None:
    # server/quantization.go llamaQuantizeArgs: `--tensor-type ^per_layer_token_embd\.weight$=f16` for
    # gemma3n on Q4_K_S / Q4_K_M; the library's downloads are 5.6 GB (e2b) and 7.5 GB (e4b, the
    # untagged pull), https://github.com/isair/jarvis/pull/107.
    from llmsize.estimate.core import estimate
    from llmsize.estimate.workload import Workload

    sizes = {"gemma3n:e2b": 5.6e9, "gemma3n:e4b": 7.5e9, "gemma3n": 7.5e9}
    for tag, published in sizes.items():
        spec = resolve(tag)
        assert spec.weight_format.modules_not_converted == ("embed_tokens_per_layer",)
        weights = estimate(spec, Workload(engine="ollama")).all_weights_bytes
        assert weights == pytest.approx(published, rel=0.02)
    # the F16 rule is the quantizer's for K-quants only; a q8_0 tag quantizes the table like the rest
    assert resolve("gemma3n:e2b-it-q8_0").weight_format.modules_not_converted == ()
    # the table (262,144 x 30 layers x 256) is 2 bytes a value instead of at most Q8_0's 34 per 32
    spec = resolve("gemma3n:e2b")
    plain = spec.weight_format.model_copy(update={"modules_not_converted": ()})
    quantized = spec.model_copy(update={"weight_format": plain})
    f16 = estimate(spec, Workload(engine="ollama")).all_weights_bytes
    gained = f16 - estimate(quantized, Workload(engine="ollama")).all_weights_bytes
    assert gained >= 262_144 * 30 * 256 * (2 - 34 / 32)


_CLOUD_TAGS = ["gpt-oss:120b-cloud", "kimi-k2:1t-cloud", "qwen3-coder:480b-cloud", "glm-4.6:cloud"]


@pytest.mark.parametrize("tag", _CLOUD_TAGS)
def test_a_cloud_tag_is_refused_in_one_line_with_exit_2(tag: str, capsys: pytest.CaptureFixture[str]) -> None:
    # docs/cloud.mdx: "-cloud" models are offloaded to Ollama's cloud service; nothing runs locally
    with pytest.raises(SystemExit) as exc:
        llmsize.cli.main(["estimate", tag, "--engine", "ollama"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "cloud" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    ("tag", "entry", "gguf_type"),
    [
        ("mixtral", "Mixtral-8x7B-v0.1", "Q4_0"),  # 26 GB download: the Q4_0 file
        ("gemma4", "gemma-4-E4B-it", "Q4_K_M"),  # gemma4:latest is e4b
        ("gemma4:latest", "gemma-4-E4B-it", "Q4_K_M"),
        ("mistral-small3.2", "Mistral-Small-3.2-24B-Instruct-2506", "Q4_K_M"),  # the library's one size
    ],
)
def test_untagged_pulls_land_where_the_library_points(tag: str, entry: str, gguf_type: str) -> None:
    assert _found(tag) == (entry, gguf_type)


def test_a_hugging_face_name_under_ollama_takes_the_library_quantizer_types() -> None:
    # `--engine ollama` sizes a repo id as the library's GGUF: the same Go-quantizer pins (every expert
    # ffn_down Q6_K) as the qwen3.5 tag, and gemma4's per-layer table unquantized. Only the tag knows the
    # file also carries the MTP block, so the repo id sits that block (~0.55 GB) below the tag.
    from llmsize.estimate.core import estimate
    from llmsize.estimate.workload import Workload

    def weights(name: str, engine: str = "ollama") -> int:
        return estimate(
            resolve(name), Workload(engine=engine, quant="Q4_K_M" if engine != "ollama" else None)
        ).all_weights_bytes

    hf, tag = weights("Qwen3.5-35B-A3B"), weights("qwen3.5:35b-a3b")
    assert weights("Qwen3.5-35B-A3B", "llama.cpp") < hf < tag
    assert tag - hf < 0.04 * tag
    assert weights("gemma-4-E2B-it") == weights("gemma4:e2b")


def test_a_bare_library_whose_latest_is_not_bundled_is_refused_with_its_tags() -> None:
    # "granite4" is ollama.com/library/granite4's untagged pull; which size latest is is not bundled, so the
    # refusal names the tags that are, instead of an unrelated "did you mean" list ("qwen3.6" was the case
    # until round 18 bundled its latest, the 35B-A3B: model_specs/qwen3.5.yaml)
    with pytest.raises(ModelNotFoundError, match=r"granite4:latest.*1b, 1b-h, 350m"):
        catalog.find("granite4")


def test_glm_4_7_flash_keeps_its_mla_matrices_at_q8_0_and_drops_the_mtp_layer() -> None:
    # server/quantization.go (16750865d): MLA tensors Q8_0 on K-quants; convert_glm4moelite.go skips the
    # MTP layer. The five MLA matrices (530M parameters) gain about 0.24 GB over llama.cpp's mix.
    from llmsize.estimate.core import estimate
    from llmsize.estimate.workload import Workload

    spec = resolve("glm-4.7-flash:latest")
    assert ("attn.attn_kv_b", "Q8_0") in spec.weight_format.gguf_tensor_types
    assert not spec.mtp_in_weights and spec.mtp_layers == 1
    fmt = spec.weight_format
    mla_pins = tuple(p for p in fmt.gguf_tensor_types if "@" not in p[0])  # without the per-layer ffn_down
    mla_fmt = fmt.model_copy(update={"gguf_tensor_types": mla_pins})
    mla_only = spec.model_copy(update={"weight_format": mla_fmt})
    tag = estimate(mla_only, Workload(engine="ollama")).all_weights_bytes
    plain = estimate(resolve("GLM-4.7-Flash"), Workload(engine="llama.cpp", quant="Q4_K_M")).all_weights_bytes
    assert 0.15e9 < tag - plain < 0.4e9


def test_the_go_quantizer_runs_its_ffn_down_index_per_tensor_against_the_layer_count() -> None:
    # server/quantization.go (Go quantizer): iFfnDown advances once per ffn_down tensor (a MoE block has
    # ffn_down_exps and ffn_down_shexp) while nFfnDown = the number of blocks, so from tensor index
    # 7 x 47 // 8 = 41 on (block 21's experts) every ffn_down is Q6_K on Q4_K_M.
    spec = resolve("GLM-4.7-Flash")
    pins = dict(ollama.go_ffn_down_pins(spec, "Q4_K_M"))
    assert pins["mlp.ffn_down@0"] == "Q6_K"  # index 0 < 47 // 8
    assert pins["expert.ffn_down@20"] == "Q4_K" and pins["shared_expert.ffn_down@20"] == "Q6_K"  # 39, 40
    assert all(pins[f"expert.ffn_down@{layer}"] == "Q6_K" for layer in range(21, 47))
    assert sum(t == "Q6_K" for k, t in pins.items() if k.startswith("expert.")) == 34
    # llama.cpp reads the block number from the name: 17 + 1 of llama.cpp's 47 layers (use_more_bits)
    assert ollama.go_ffn_down_pins(spec, "Q8_0") == ()


def test_a_bare_library_name_under_the_ollama_engine_is_its_latest_tag() -> None:
    # `ollama pull NAME` pulls NAME:latest; `ollama list` in public READMEs shows each latest with the
    # manifest id of one sized tag: deepseek-r1:latest = deepseek-r1:8b (6995872bfe4c, 5.2 GB),
    # gemma3:latest = gemma3:4b (a2af6cc3eb7f, 3.3 GB), gpt-oss:latest = gpt-oss:20b (aa4295ac10c3, 13 GB)
    assert resolve("deepseek-r1", engine="ollama").hf_repo == "deepseek-ai/DeepSeek-R1-0528-Qwen3-8B"
    assert resolve("gemma3", engine="ollama").hf_repo == "google/gemma-3-4b-it"
    assert resolve("gpt-oss", engine="ollama").hf_repo == "openai/gpt-oss-20b"
    assert resolve("llama3.1", engine="ollama").num_layers == 32
    # without --engine ollama the bare name is the Hugging Face model
    assert resolve("deepseek-r1").num_layers == 61
    assert ollama.pull_name("DeepSeek-R1-Distill-Qwen-7B") == "DeepSeek-R1-Distill-Qwen-7B"
    assert ollama.pull_name("qwen3:8b") == "qwen3:8b"


@given(
    st.sampled_from([lib.name for lib in ollama.LIBRARIES] + ["kimi-k2", "glm-5", "deepseek-v4"]),
    st.from_regex(r"([0-9]{1,4}[bmt](-[a-z0-9]{1,6})?-)?", fullmatch=True),
)
def test_every_cloud_tag_is_refused_whatever_the_library(library: str, prefix: str) -> None:
    # docs/cloud.mdx: a -cloud tag is served by Ollama's cloud, so no local size exists for it
    from llmsize.errors import BadInputError

    with pytest.raises(BadInputError, match="cloud"):
        catalog.find(f"{library}:{prefix}cloud")


def test_explain_names_the_pinned_types_and_the_mtp_block() -> None:
    from llmsize.estimate.core import estimate
    from llmsize.estimate.explain import weights_formula
    from llmsize.estimate.workload import Workload

    spec = resolve("qwen3.6:35b")
    assert "expert.ffn_down Q6_K" in weights_formula(spec.weight_format)
    assert "kept at 16 bits: embed_tokens_per_layer" in weights_formula(resolve("gemma4:e2b").weight_format)
    assert "pinned" not in weights_formula(resolve("qwen3:30b").weight_format)
    result = estimate(spec, Workload(engine="ollama"))
    assert "mtp 1 layer(s) in the file" in str(result.model_dump())


def test_ollama_run_of_a_bare_library_sizes_its_latest_tag(capsys: pytest.CaptureFixture[str]) -> None:
    # `ollama run deepseek-r1` pulls deepseek-r1:latest (= deepseek-r1:8b, 6995872bfe4c, 5.2 GB in public
    # `ollama list` outputs), not the 671B DeepSeek-R1 of the Hugging Face name
    import json

    from llmsize.cli import main

    with pytest.raises(SystemExit) as done:
        main(["check", "--gpu", "RTX-4090", "--format", "json", "--", "ollama", "run", "deepseek-r1"])
    assert done.value.code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["model"]["params"] == 8_190_735_360


def test_the_april_2025_qwen3_builds_keep_attn_v_at_16_bits() -> None:
    # Ollama's llama-quant.cpp of April 2025 skipped every name containing "v." (6bd0a983c), attn_v
    # included: qwen3:32b loads as "type f16: 64 tensors" (ollama/ollama#14774). The -2507 tags came
    # from the Go quantizer (after 424810450), which quantizes attn_v.
    from llmsize.estimate.core import estimate
    from llmsize.estimate.workload import Workload

    def weights(tag: str) -> int:
        return estimate(resolve(tag), Workload(engine="ollama")).all_weights_bytes

    april, later = weights("qwen3:4b"), weights("qwen3:4b-instruct-2507")
    # 36 blocks of a 2,560 x 1,024 attn_v at 2 bytes instead of Q4_K / Q6_K
    assert 36 * 2560 * 1024 * (2 - 0.8203125) <= april - later <= 36 * 2560 * 1024 * (2 - 0.5625)
