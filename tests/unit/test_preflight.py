"""Pre-flight: launch commands and training configs read with each tool's own names and defaults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import llmsize.cli
from llmsize.cli import app
from llmsize.errors import BadInputError
from llmsize.hardware.gpus import load_catalog
from llmsize.preflight import values
from llmsize.preflight.check import run_check
from llmsize.preflight.launch import parse_launch
from llmsize.preflight.ollama import default_context
from llmsize.preflight.rewrite import apply
from llmsize.preflight.training_config import read_training_config

GIB = 2**30


def test_vllm_human_readable_lengths_follow_vllm() -> None:
    # vLLM's human_readable_int: lowercase k = 1000, uppercase K = 1024.
    assert values.tokens("32k", "--max-model-len") == 32000
    assert values.tokens("32K", "--max-model-len") == 32768
    assert values.tokens("1.5k", "--max-model-len") == 1500
    with pytest.raises(BadInputError):
        values.tokens("lots", "--max-model-len")
    with pytest.raises(BadInputError):
        values.tokens("9" * 30, "--max-model-len")


def test_vllm_serve_flags_aliases_and_defaults() -> None:
    s = parse_launch(
        "vllm serve Qwen/Qwen3-8B --max-model-len 32768 -tp 2 --gpu-memory-utilization=0.85 "
        "--enforce-eager --kv-cache-dtype fp8 --port 8000 --bogus-flag 3"
    )
    assert s.tool == "vllm" and s.model == "Qwen/Qwen3-8B"
    assert s.get("context") == 32768 and s.get("tp") == 2
    assert s.get("gpu_memory_utilization") == 0.85 and s.get("enforce_eager") is True
    assert s.get("kv_cache_dtype") == "fp8"
    assert "--port" in s.ignored and "--bogus-flag" in s.unknown
    assert s.values["context"].source == "flag --max-model-len"


def test_api_server_module_and_docker_wrapper() -> None:
    s = parse_launch(
        ["python3", "-m", "vllm.entrypoints.openai.api_server", "--model", "meta-llama/Llama-3.1-8B"]
    )
    assert s.tool == "vllm" and s.model == "meta-llama/Llama-3.1-8B"
    d = parse_launch(
        "docker run --gpus all -e HF_TOKEN=x -v ~/.cache:/root/.cache -p 8000:8000 --ipc=host "
        "vllm/vllm-openai:latest --model Qwen/Qwen2.5-7B-Instruct --max-model-len 8192"
    )
    assert d.tool == "vllm" and d.model == "Qwen/Qwen2.5-7B-Instruct" and d.get("context") == 8192


def test_llama_server_short_and_long_flags() -> None:
    s = parse_launch(
        "./build/bin/llama-server -m /m/model-Q4_K_M.gguf -c 65536 -np 4 -ngl 30 -fa on "
        "-ctk q8_0 --cache-type-v q8_0 -ub 1024 -b 4096 --n-cpu-moe 12"
    )
    assert s.tool == "llama.cpp"
    assert (s.get("n_ctx"), s.get("parallel"), s.get("gpu_layers")) == (65536, 4, 30)
    assert (s.get("flash_attn"), s.get("cache_type_k"), s.get("cache_type_v")) == ("on", "q8_0", "q8_0")
    assert (s.get("ubatch"), s.get("n_batch"), s.get("n_cpu_moe")) == (1024, 4096, 12)


def test_ollama_environment_from_prefix_and_env_option() -> None:
    s = parse_launch(
        "OLLAMA_CONTEXT_LENGTH=16k OLLAMA_FLASH_ATTENTION=1 ollama run qwen3:8b",
        {"OLLAMA_KV_CACHE_TYPE": "q8_0", "OLLAMA_NUM_PARALLEL": "2"},
    )
    assert s.tool == "ollama" and s.model == "qwen3:8b"
    assert s.get("context") == 16000 and s.get("parallel") == 2
    assert s.get("flash_attn") == "on" and s.get("cache_type_k") == "q8_0"


def test_ollama_default_context_by_vram_tiers() -> None:
    # ollama server/routes.go: >= 47 GiB -> 262144, >= 23 GiB -> 32768, else 4096.
    assert default_context(80 * GIB) == 262144
    assert default_context(24 * GIB) == 32768
    assert default_context(24 * GIB, overhead_bytes=2 * GIB) == 4096
    assert default_context(12 * GIB) == 4096


def test_sglang_launch_server() -> None:
    s = parse_launch(
        "python -m sglang.launch_server --model-path Qwen/Qwen3-8B --context-length 32768 "
        "--mem-fraction-static 0.8 --tp 2 --chunked-prefill-size 4096"
    )
    assert s.tool == "sglang" and s.get("mem_fraction_static") == 0.8 and s.get("tp") == 2


@pytest.mark.parametrize(
    "command",
    [
        "",
        "rm -rf /",
        "vllm bench throughput",
        "docker run ollama/ollama",
        "ollama serve",
        "vllm serve",
        "llama-server -c",
        "'unterminated",
    ],
)
def test_bad_commands_are_one_clear_error(command: str) -> None:
    with pytest.raises(BadInputError):
        parse_launch(command)


def test_rewrite_replaces_the_alias_the_user_wrote() -> None:
    s = parse_launch("vllm serve Qwen/Qwen3-8B -tp 1 --max-model-len=65536")
    cmd = apply(s, {"--tensor-parallel-size": 2, "--max-model-len": 32768})
    assert cmd == "vllm serve Qwen/Qwen3-8B --tensor-parallel-size 2 --max-model-len 32768"
    o = parse_launch("ollama run qwen3:8b")
    assert apply(o, {"OLLAMA_CONTEXT_LENGTH": 8192}) == "OLLAMA_CONTEXT_LENGTH=8192 ollama run qwen3:8b"


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_llamafactory_yaml_with_deepspeed_auto(tmp_path: Path) -> None:
    _write(
        tmp_path / "ds.json",
        json.dumps(
            {
                "train_micro_batch_size_per_gpu": "auto",
                "zero_optimization": {"stage": 3, "offload_optimizer": {"device": "cpu"}},
            }
        ),
    )
    cfg = _write(
        tmp_path / "sft.yaml",
        "model_name_or_path: Qwen/Qwen2.5-7B-Instruct\nstage: sft\n"
        "finetuning_type: lora\nquantization_bit: 4\ncutoff_len: 4096\nper_device_train_batch_size: 2\n"
        "deepspeed: ds.json\nbf16: true\n",
    )
    s = read_training_config(cfg)
    assert s.tool == "llamafactory" and s.get("mode") == "qlora"
    assert (s.get("context"), s.get("batch"), s.get("zero")) == (4096, 2, 3)
    assert s.get("offload_optimizer") == "cpu" and s.get("gradient_checkpointing") is True
    assert s.get("lora_rank") == 8  # LLaMA-Factory's default rank


def test_axolotl_yaml_with_anchors_and_trl(tmp_path: Path) -> None:
    ax = _write(
        tmp_path / "ax.yml",
        "base_model: meta-llama/Llama-3.1-8B\nadapter: qlora\nload_in_4bit: true\n"
        "lora_r: &r 32\nlora_alpha: *r\nlora_target_linear: true\nsequence_len: 8k\nmicro_batch_size: 2\n"
        "optimizer: paged_adamw_8bit\ngradient_checkpointing: true\n",
    )
    s = read_training_config(ax)
    assert (s.tool, s.get("mode"), s.get("lora_rank"), s.get("context")) == ("axolotl", "qlora", 32, 8000)
    assert s.get("optimizer") == "paged-adamw-8bit" and s.get("lora_targets") == "all-linear"
    trl = _write(tmp_path / "trl.yaml", "model_name_or_path: Qwen/Qwen2.5-0.5B\nmax_length: 2048\n")
    t = read_training_config(trl)
    assert (t.tool, t.get("mode"), t.get("batch"), t.get("optimizer_impl")) == (
        "trl",
        "full",
        8,
        "adamw-fused",
    )


def test_lora_dropout_is_read_from_axolotl_and_defaults_to_trls(tmp_path: Path) -> None:
    """Axolotl's example QLoRA configs set lora_dropout 0.05 (schema default 0.0); TRL's
    ModelConfig.lora_dropout defaults to 0.05; a value peft refuses is one clear error (exit 2)."""
    ax = _write(tmp_path / "ax.yml", "base_model: m\nadapter: qlora\nlora_dropout: 0.05\n")
    assert read_training_config(ax).get("lora_dropout") == 0.05
    plain = _write(tmp_path / "plain.yml", "base_model: m\nadapter: lora\n")
    # unset: the schema's 0.0, said explicitly (the axolotl preset's default is its examples' 0.05)
    assert read_training_config(plain).get("lora_dropout") == 0.0
    trl = _write(tmp_path / "trl.yaml", "model_name_or_path: Qwen/Qwen2.5-0.5B\nuse_peft: true\n")
    assert read_training_config(trl).get("lora_dropout") == 0.05
    bad = _write(tmp_path / "bad.yml", "base_model: Qwen/Qwen2.5-0.5B\nadapter: lora\nlora_dropout: 1.5\n")
    with pytest.raises(BadInputError, match="lora_dropout"):
        run_check(read_training_config(bad), load_catalog().get("H100-SXM-80GB"))


def test_yaml_tags_and_missing_deepspeed_file_are_refused(tmp_path: Path) -> None:
    bad = _write(tmp_path / "x.yaml", "model_name_or_path: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(BadInputError):
        read_training_config(bad)
    missing = _write(tmp_path / "y.yaml", "model_name_or_path: Qwen/Qwen2.5-0.5B\ndeepspeed: nowhere.json\n")
    with pytest.raises(BadInputError, match="not found"):
        read_training_config(missing)


def test_a_model_too_large_for_the_card_does_not_fit_and_gets_a_fix() -> None:
    gpu = load_catalog().get("RTX-4090")
    result = run_check(parse_launch("vllm serve Qwen/Qwen2.5-7B-Instruct --max-model-len 32768"), gpu)
    # 7.6B bf16 weights (15.2 GB) fit a 24 GB card under vLLM's 0.9 share; a 32B model's 65 GB do not.
    assert result.fits
    big = run_check(parse_launch("vllm serve Qwen/Qwen2.5-32B-Instruct --max-model-len 32768"), gpu)
    assert not big.fits
    assert all(s.memory_effect_bytes < 0 for s in big.suggestions)
    assert any("--tensor-parallel-size" in (s.command or "") for s in big.suggestions)


def test_training_without_zero_on_several_gpus_is_data_parallel(tmp_path: Path) -> None:
    """DDP puts a whole replica on every rank: 4 GPUs hold no more than 1 does, unless ZeRO-3 shards."""
    gpu = load_catalog().get("A100-SXM-80GB")
    text = (
        "model_name_or_path: Qwen/Qwen2.5-72B-Instruct\nfinetuning_type: lora\nbf16: true\ncutoff_len: 1024\n"
    )
    cfg = _write(tmp_path / "sft.yaml", text)
    one = run_check(read_training_config(cfg), gpu, 1)
    four = run_check(read_training_config(cfg), gpu, 4)
    assert not four.fits and four.row.per_gpu_bytes == one.row.per_gpu_bytes
    assert any("data parallel" in n for n in four.notes)
    _write(tmp_path / "ds.json", json.dumps({"zero_optimization": {"stage": 3}}))
    sharded = run_check(
        read_training_config(_write(tmp_path / "z3.yaml", text + "deepspeed: ds.json\n")), gpu, 4
    )
    assert sharded.row.per_gpu_bytes < one.row.per_gpu_bytes / 2


def test_a_checkpoint_folder_from_another_host_is_sized_by_its_name(tmp_path: Path) -> None:
    cfg = _write(tmp_path / "sft.yaml", "model_name_or_path: /nowhere/models/Qwen2.5-7B-Instruct/\n")
    from llmsize.specs.params import total_params

    result = run_check(read_training_config(cfg), load_catalog().get("H100"))
    assert 7e9 < total_params(result.spec) < 8e9  # Qwen2.5-7B: 7.6B parameters
    assert any("not on this machine" in i for i in result.setup.ignored)


def test_partial_offload_keeps_the_offloaded_layers_cache_on_the_gpu() -> None:
    """-ngl below the block count: the GPU holds those layers' weights and K/V; the CPU layers'
    K/V stays in host RAM and must not be taken off the GPU's share (it went negative at -ngl 0)."""
    gpu = load_catalog().get("RTX-4090")
    need = {}
    for ngl in (0, 16, 32):
        cmd = f"llama-server -m Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf -c 131072 -ngl {ngl}"
        need[ngl] = run_check(parse_launch(cmd), gpu).row.per_gpu_bytes
    kv_per_layer = 131072 * 2 * 8 * 128 * 2  # f16 K and V, 8 KV heads of 128: 4 MiB per 1k tokens
    assert 0 < need[0] < need[16] < need[32]
    assert need[16] > 16 * kv_per_layer  # 16 offloaded layers' cache (8 GiB) plus their weights
    assert need[32] - need[16] > 16 * kv_per_layer


def _main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        llmsize.cli.main(args)
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def test_check_cli_exit_codes_and_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    runner = CliRunner()
    ok = runner.invoke(
        app,
        [
            "check",
            "--gpu",
            "H100",
            "--format",
            "json",
            "--",
            "vllm",
            "serve",
            "Qwen/Qwen2.5-7B-Instruct",
            "--max-model-len",
            "8192",
        ],
    )
    assert ok.exit_code == 0, ok.output
    doc = json.loads(ok.stdout)
    check = doc["check"]
    for key in (
        "fits",
        "engine",
        "engine_version",
        "parsed",
        "ignored",
        "engine_figures",
        "suggestions",
        "command",
    ):
        assert key in check
    assert doc["memory"]["total"] > 0 and check["fits"] is True
    code, out, err = _main(
        ["check", "--gpu", "RTX-4090", "--", "vllm", "serve", "Qwen/Qwen2.5-72B-Instruct"], capsys
    )
    assert code == 3 and "DOES NOT FIT" in out and "run out of memory" in err
    code, _, err = _main(["check", "--gpu", "RTX-4090", "--", "vllm", "serve"], capsys)
    assert code == 2 and "names no model" in err and "Traceback" not in err


def test_sglang_hybrid_launch_sizes_the_state_pool_from_its_flags() -> None:
    # kv_cache_configurator.py _handle_max_mamba_cache: without radix cache the MambaPool holds
    # --max-running-requests states; --mamba-ssm-dtype bfloat16 halves the SSM part of each.
    setup = parse_launch(
        "python -m sglang.launch_server --model-path nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16 --tp 4 "
        "--disable-radix-cache --max-running-requests 8 --mamba-ssm-dtype bfloat16 --context-length 8192"
    )
    result = run_check(setup, load_catalog().get("L40S"), 4)
    figures = result.engine_figures()
    layer = (4096 + 2 * 8 * 128) // 4 * 3 * 2 + 64 // 4 * 64 * 128 * 2  # conv bf16 + SSM bf16, TP 4
    assert figures["state_slots"] == 8
    assert figures["state_pool_bytes"] == (8 + 1) * 23 * layer
    assert "max_running_requests=8," in " ".join(result.row.engine_log)


def test_a_deepspeed_reduce_bucket_is_read_and_sized(tmp_path: Path) -> None:
    """DeepSpeed allocates `reduce_bucket_size` gradient elements whole on every GPU
    (runtime/zero/stage3.py `_setup_for_real_optimizer`; default 5e8 in zero/config.py): a config that
    shrinks it to 1e8 needs (5e8 - 1e8) bf16 elements = 800,000,000 bytes less on each GPU."""
    gpu = load_catalog().get("H100")
    text = (
        "model_name_or_path: Qwen/Qwen2.5-7B-Instruct\nstage: sft\nfinetuning_type: lora\n"
        "cutoff_len: 1024\nper_device_train_batch_size: 1\nbf16: true\ndeepspeed: ds.json\n"
    )
    need = {}
    for bucket in (None, 1e8):
        zero: dict[str, object] = {"stage": 3}
        if bucket is not None:
            zero["reduce_bucket_size"] = bucket
        _write(tmp_path / "ds.json", json.dumps({"zero_optimization": zero}))
        setup = read_training_config(_write(tmp_path / "sft.yaml", text))
        need[bucket] = run_check(setup, gpu, 2).row.per_gpu_bytes
    assert setup.get("ds_reduce_bucket") == 100_000_000
    assert need[None] - need[1e8] == 400_000_000 * 2


@pytest.mark.parametrize(
    ("fsdp", "stage", "offload"),
    [
        ("fsdp: full_shard auto_wrap\n", 3, None),  # transformers TrainingArguments words
        ("fsdp: [shard_grad_op, auto_wrap]\n", 2, None),  # Axolotl's list
        ("fsdp: full_shard offload auto_wrap\n", 3, "cpu"),
        ("fsdp_config: {fsdp_sharding_strategy: SHARD_GRAD_OP}\n", 2, None),  # accelerate's key
        ("fsdp_config: {fsdp_sharding_strategy: 1, fsdp_offload_params: true}\n", 3, "cpu"),  # 1 = FULL_SHARD
        ("fsdp_config: {fsdp_version: 2, reshard_after_forward: false}\n", 2, None),  # FSDP2
        ("fsdp: [auto_wrap]\n", 3, None),  # no strategy: FULL_SHARD, accelerate's default
    ],
)
def test_fsdp_in_a_training_config_shards_the_run(
    tmp_path: Path, fsdp: str, stage: int, offload: str | None
) -> None:
    """An FSDP config is a sharded run by PyTorch FSDP (torch ShardingStrategy), not a replica per GPU:
    a full fine-tune's gradients and optimizer states are sharded under either stage."""
    base = "model_name_or_path: Qwen/Qwen2.5-7B-Instruct\nstage: sft\nfinetuning_type: full\nbf16: true\n"
    setup = read_training_config(_write(tmp_path / "sft.yaml", base + fsdp))
    assert (setup.get("zero"), setup.get("zero_impl"), setup.get("offload_param")) == (stage, "fsdp", offload)
    gpu = load_catalog().get("A100-SXM-80GB")
    sharded = run_check(setup, gpu, 4)
    assert (sharded.workload.zero, sharded.workload.zero_impl.value) == (stage, "fsdp")
    replica = run_check(read_training_config(_write(tmp_path / "ddp.yaml", base)), gpu, 4)
    assert sharded.row.per_gpu_bytes < replica.row.per_gpu_bytes


def test_fsdp_no_shard_is_data_parallel(tmp_path: Path) -> None:
    text = "model_name_or_path: Qwen/Qwen2.5-7B-Instruct\nstage: sft\nfinetuning_type: lora\nfsdp: no_shard\n"
    setup = read_training_config(_write(tmp_path / "sft.yaml", text))
    assert setup.get("zero") is None and any("NO_SHARD" in i for i in setup.ignored)
