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

from llmsize.cli import main

MI300X = ("--gpu", "MI300X")


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as ex:
        code = int(ex.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(("engine", "name"), [
    ("vllm", "none"), ("vllm", "FOO"), ("sglang", "none"), ("sglang", "TRITON"),  # SGLang's choices are lower case
])
def test_unknown_attention_backend_is_refused_as_the_engine_refuses_it(
        engine: str, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["estimate", "Qwen3-8B", *MI300X, "--engine", engine, "--attention-backend", name], capsys)
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
    code, _, err = _run(["estimate", "Qwen3-8B", *MI300X, "--engine", engine, "--attention-backend", name], capsys)
    assert code == 0, err


def test_a_5000_letter_backend_name_is_one_short_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["estimate", "Qwen3-8B", *MI300X, "--engine", "vllm", "--attention-backend", "a" * 5000],
                        capsys)
    assert code == 2 and len(err) < 300


def test_check_refuses_a_training_key_under_the_name_the_user_wrote(
        tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    """Axolotl utils/schemas/config.py: chunked_cross_entropy_num_chunks (the workload calls it loss_chunks)."""
    config = tmp_path / "axolotl.yaml"
    config.write_text("base_model: Qwen/Qwen2.5-0.5B\nchunked_cross_entropy: true\n"
                      "chunked_cross_entropy_num_chunks: 0\n")
    code, _, err = _run(["check", str(config), "--gpu", "H100-SXM-80GB"], capsys)
    assert code == 2
    assert "chunked_cross_entropy_num_chunks" in err and "loss_chunks" not in err
