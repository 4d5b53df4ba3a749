"""Small leftovers of issue 15: each input the engine or framework itself would refuse, or a default
whose source must be said, answered as that engine/framework does.

Sources:
- vLLM --attention-backend: vllm/config/attention.py AttentionConfig.validate_backend_before
  (AttentionBackendEnum[value.upper()], 'auto' = the default pick) and vllm/v1/attention/backends/registry.py
  _AttentionBackendEnumMeta.__getitem__ ("Unknown attention backend").
- SGLang --attention-backend: python/sglang/srt/server_args.py, choices=ATTENTION_BACKEND_CHOICES (argparse).
"""

from __future__ import annotations

import pytest

from cli_rows import main_result as _run

MI300X = ("--gpu", "MI300X")


@pytest.mark.parametrize(("engine", "name"), [
    ("vllm", "none"), ("vllm", "FOO"),
    ("sglang", "none"), ("sglang", "TRITON"),  # SGLang's choices are lower case (argparse compares exactly)
])
def test_unknown_attention_backend_is_refused_as_the_engine_refuses_it(
        engine: str, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["estimate", "Qwen3-8B", *MI300X, "--engine", engine, "--attention-backend", name]
    code, _, err = _run(argv, capsys)
    assert code == 2
    assert f"'{name}' is not a" in err and "Traceback" not in err
    real = "FLASH_ATTN" if engine == "vllm" else "flashinfer"  # one real backend listed in the hint
    assert real in err


@pytest.mark.parametrize(("engine", "name"), [
    ("vllm", "auto"), ("vllm", "rocm_attn"), ("vllm", "XFORMERS"),  # vLLM upper-cases; XFORMERS: 0.4-0.10
    ("sglang", "aiter"), ("sglang", "fa3"),
])
def test_real_attention_backends_are_taken(engine: str, name: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["estimate", "Qwen3-8B", *MI300X, "--engine", engine, "--attention-backend", name]
    code, _, err = _run(argv, capsys)
    assert code == 0, err


def test_a_5000_letter_backend_name_is_one_short_line(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["estimate", "Qwen3-8B", *MI300X, "--engine", "vllm", "--attention-backend", "a" * 5000]
    code, _, err = _run(argv, capsys)
    assert code == 2 and len(err) < 300


def test_check_refuses_a_training_key_under_the_name_the_user_wrote(
        tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    """Axolotl utils/schemas/config.py: chunked_cross_entropy_num_chunks (Workload: loss_chunks)."""
    config = tmp_path / "axolotl.yaml"
    config.write_text("base_model: Qwen/Qwen2.5-0.5B\nchunked_cross_entropy: true\n"
                      "chunked_cross_entropy_num_chunks: 0\n")
    code, _, err = _run(["check", str(config), "--gpu", "H100-SXM-80GB"], capsys)
    assert code == 2
    assert "chunked_cross_entropy_num_chunks" in err and "loss_chunks" not in err


@pytest.mark.parametrize(("typed", "hint"), [
    ("2x MI300X", "--gpu MI300X --num-gpus 2"),  # AMD
    ("2x RTX 4090", "--gpu RTX-4090 --num-gpus 2"),  # NVIDIA, a name with a space
    ("4x Gaudi 3", "--gpu Gaudi-3 --num-gpus 4"),  # Intel
    ("M2 Ultra x2", "--gpu M2-Ultra-192GB --num-gpus 2"),  # Apple, the count after the name
])
def test_a_count_typed_into_gpu_gets_the_same_one_line_hint(
        typed: str, hint: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["estimate", "Qwen3-8B", "--gpu", typed], capsys)
    assert code == 2 and hint in err and len(err.strip().splitlines()) == 1


def test_every_catalog_gpu_takes_the_count_forms_alike() -> None:
    from llmsize.errors import GpuNotFoundError
    from llmsize.hardware.gpus import load_catalog

    catalog = load_catalog()
    for gpu_id in catalog.ids:
        for typed in (f"2x {gpu_id}", f"{gpu_id} x2", f"{gpu_id}:2"):
            with pytest.raises(GpuNotFoundError) as ex:
                catalog.get(typed)
            assert ex.value.hint == f"--gpu {gpu_id} --num-gpus 2", typed


@pytest.mark.parametrize("command", ["estimate", "explain"])
def test_axolotl_preset_says_it_is_the_example_recipes_not_the_schema_defaults(
        command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """axolotl examples/llama-3/lora-8b.yml: gradient_checkpointing: true, optimizer: adamw_bnb_8bit;
    utils/schemas/config.py: gradient_checkpointing Field(default=False)."""
    code, out, err = _run([command, "Qwen2.5-0.5B", "--mode", "lora", "--framework", "axolotl",
                           "--gpu", "H100-SXM-80GB"], capsys)
    assert code == 0, err
    text = " ".join(out.split())
    assert "adamw-8bit" in text and "gradient checkpointing on" in text
    assert "example recipes' settings, not its schema defaults" in text
    assert "--no-gradient-checkpointing" in text and "--optimizer" in text


@pytest.mark.parametrize(("tag", "length", "code"), [
    ("v0.13.0", "auto", 2), ("v0.13.0", "-1", 2), ("v0.8.5.post1", "auto", 2),  # before PR #29431
    ("v0.14.0", "auto", 0), ("latest", "-1", 0),  # vLLM v0.14.0 release notes: "--max-model-len auto"
])
def test_max_model_len_auto_is_gated_on_the_vllm_release(tag: str, length: str, code: int,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", "--gpu", "H100-SXM-80GB", "--", "docker", "run", "--gpus", "all",
            f"vllm/vllm-openai:{tag}", "--model", "Qwen/Qwen3-8B", "--max-model-len", length]
    got, _, err = _run(argv, capsys)
    assert got == code, err
    if code == 2:
        assert "0.14.0" in err and "#29431" in err and len(err.strip().splitlines()) == 1
