"""`check` of launch commands published in 2026, read the way the engine reads them (issue 15, check audit).

- vLLM `--max-model-len auto` / `-1` fits max_model_len to the KV pool (vllm/v1/core/kv_cache_utils.py
  `_auto_fit_max_model_len`); `check` stopped at "wants a number of tokens".
- Variables in front of the command (https://juejin.cn/post/7537505390113685546:
  `VLLM_ATTENTION_BACKEND=TRITON_ATTN_VLLM_V1 vllm serve ... --async-scheduling`) passed without a word;
  each one not read is now said, by name only.
- Flags of the 2026 vLLM recipes (`-O3`, `--async-scheduling`, `--max-cudagraph-capture-size`,
  `--enable-eplb`) are known flags, read but not modelled, not "not recognised".
"""

from __future__ import annotations

import json
import re

import pytest
from test_hostile_inputs import run_cli

# https://huggingface.co/Qwen/Qwen3-8B/blob/main/config.json: "max_position_embeddings": 40960
QWEN3_8B_WINDOW = 40960


def _check(capsys: pytest.CaptureFixture[str], gpu: str, *command: str) -> dict:
    code, out, err = run_cli(["check", "--gpu", gpu, "--format", "json", "--", *command], capsys)
    assert code in (0, 3), err
    return json.loads(out)["check"]


def _parsed(check: dict, key: str) -> dict:
    return next(p for p in check["parsed"] if p["key"] == key)


def test_max_model_len_auto_keeps_the_config_length_where_it_fits(
    capsys: pytest.CaptureFixture[str],
) -> None:
    check = _check(capsys, "H100-SXM-80GB", "vllm", "serve", "Qwen/Qwen3-8B", "--max-model-len", "auto")
    assert check["fits"]
    assert _parsed(check, "context")["value"] == QWEN3_8B_WINDOW
    assert "--max-model-len auto" in _parsed(check, "context")["source"]


def test_max_model_len_minus_one_is_lowered_to_the_length_vllm_names(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """On a 24 GB L4 one 40,960-token request does not fit the pool: vLLM without auto refuses and names
    "the estimated maximum model length"; with -1 it starts at that length (the same binary search)."""
    explicit = _check(capsys, "L4", "vllm", "serve", "Qwen/Qwen3-8B", "--max-model-len",
                      str(QWEN3_8B_WINDOW))
    assert not explicit["fits"]
    found = re.search(r"estimated maximum model length is ([\d,]+)", explicit["reason"])
    named = int(found[1].replace(",", ""))
    auto = _check(capsys, "L4", "vllm", "serve", "Qwen/Qwen3-8B", "--max-model-len", "-1")
    assert auto["fits"]
    assert 0 < named < QWEN3_8B_WINDOW
    assert _parsed(auto, "context")["value"] == named


def test_negative_max_model_len_other_than_minus_one_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["check", "--gpu", "L4", "--", "vllm", "serve", "Qwen/Qwen3-8B",
                            "--max-model-len", "-2"], capsys)
    assert code == 2
    assert "-1 / auto" in err and "Traceback" not in err


def test_variables_in_front_of_the_command_are_named_not_dropped(capsys: pytest.CaptureFixture[str]) -> None:
    check = _check(capsys, "H100-SXM-80GB", "CUDA_VISIBLE_DEVICES=0,1", "VLLM_ATTENTION_BACKEND=FLASHINFER",
                   "VLLM_ALLOW_LONG_MAX_MODEL_LEN=1", "vllm", "serve", "Qwen/Qwen3-8B", "-tp", "2")
    assert "env CUDA_VISIBLE_DEVICES" in check["ignored"]
    assert "env VLLM_ATTENTION_BACKEND" in check["ignored"]
    assert "env VLLM_ALLOW_LONG_MAX_MODEL_LEN" not in check["ignored"]  # read: it lifts the context cap
    assert _parsed(check, "allow_long_context")["value"] is True


def test_docker_env_is_named_without_its_value(capsys: pytest.CaptureFixture[str]) -> None:
    command = ["docker", "run", "-e", "HF_TOKEN=hf_secret", "--gpus", "all", "vllm/vllm-openai",
               "--model", "Qwen/Qwen3-8B"]
    code, out, err = run_cli(["check", "--gpu", "H100-SXM-80GB", "--", *command], capsys)
    assert code == 0, err
    assert "env HF_TOKEN" in out
    assert "hf_secret" not in out


def test_recipe_flags_are_known_and_said_not_modelled(capsys: pytest.CaptureFixture[str]) -> None:
    """docs.vllm.ai recipes (GPT-OSS: `vllm serve openai/gpt-oss-120b --async-scheduling`) and the -O levels
    and graph capture size of vllm/config/compilation.py: known flags, none "not recognised"."""
    check = _check(capsys, "H100-SXM-80GB", "vllm", "serve", "Qwen/Qwen3-8B", "-O3", "--async-scheduling",
                   "--max-cudagraph-capture-size", "256", "--enable-eplb")
    assert check["unknown"] == []
    recipe = {"-O3", "--async-scheduling", "--max-cudagraph-capture-size", "--enable-eplb"}
    assert recipe <= set(check["ignored"])


# https://docs.unsloth.ai/models/gpt-oss-how-to-run-and-fine-tune ("Improving generation speed"):
# `-ot ".ffn_.*_exps.=CPU"` "offloads all MoE layers to the CPU"; llama.cpp's --cpu-moe is that same pattern
# for every layer and --n-cpu-moe N for blk.0 .. blk.N-1 (common/arg.cpp). gpt-oss-20b has 24 layers
# (https://huggingface.co/openai/gpt-oss-20b/blob/main/config.json "num_hidden_layers": 24).
_UNSLOTH = ["llama-server", "-hf", "unsloth/gpt-oss-20b-GGUF:F16", "--jinja", "-ngl", "99",
            "--ctx-size", "16384"]


def _need(check: dict) -> int:
    return check["engine_figures"]["per_gpu_bytes"]


def test_unsloth_override_tensor_puts_every_expert_on_the_cpu(capsys: pytest.CaptureFixture[str]) -> None:
    all_gpu = _check(capsys, "RTX-4090", *_UNSLOTH)
    ot = _check(capsys, "RTX-4090", *_UNSLOTH, "-ot", ".ffn_.*_exps.=CPU")
    cpu_moe = _check(capsys, "RTX-4090", *_UNSLOTH, "--cpu-moe")
    n_cpu_moe = _check(capsys, "RTX-4090", *_UNSLOTH, "--n-cpu-moe", "24")
    assert _parsed(ot, "n_cpu_moe")["value"] == 24
    assert _need(ot) == _need(cpu_moe) == _need(n_cpu_moe)
    assert _need(ot) < _need(all_gpu) / 3  # the experts are most of the model's 21B parameters


def test_repeated_override_tensor_adds_up_to_a_layer_range(capsys: pytest.CaptureFixture[str]) -> None:
    check = _check(capsys, "RTX-4090", *_UNSLOTH, "-ot", r"blk\.[0-5]\.ffn_.*_exps=CPU",
                   "-ot", r"blk\.([6-9]|1[01])\.ffn_.*_exps=CPU")
    assert _parsed(check, "n_cpu_moe")["value"] == 12
    assert _need(check) == _need(_check(capsys, "RTX-4090", *_UNSLOTH, "--n-cpu-moe", "12"))


@pytest.mark.parametrize(
    "pattern", [".ffn_(up|down)_exps.=CPU", "(a+)+=CPU", r"blk\.1[0-9]\.ffn_.*_exps=CPU", "exps=CUDA1"]
)
def test_override_tensor_llmsize_cannot_size_is_said_not_claimed(
    pattern: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Some projections only (Unsloth's "if you have a bit more GPU memory"), a hostile regex, a range not
    starting at layer 0: not understood as anything, said to be read but not modelled."""
    check = _check(capsys, "RTX-4090", *_UNSLOTH, "-ot", pattern)
    assert not any(p["key"] in ("override_tensor", "n_cpu_moe") for p in check["parsed"])
    assert any(i.startswith(f"-ot {pattern}") for i in check["ignored"])


@pytest.mark.parametrize(
    ("command", "said"),
    [
        # vllm/config/cache.py cpu_offload_gb, sglang server_args.py max_total_tokens, llama.cpp arg.cpp
        (["vllm", "serve", "Qwen/Qwen3-8B", "--max-model-len", "8192", "--cpu-offload-gb", "8"],
         "--cpu-offload-gb"),
        (["python", "-m", "sglang.launch_server", "--model-path", "Qwen/Qwen3-8B",
          "--max-total-tokens", "100000"], "--max-total-tokens"),
        (["llama-server", "-hf", "unsloth/Qwen3-8B-GGUF:Q4_K_M", "-c", "32768", "-nkvo"], "-nkvo"),
        (["llama-server", "-hf", "unsloth/Qwen3-8B-GGUF:Q4_K_M", "-c", "32768", "--swa-full"], "--swa-full"),
    ],
)
def test_memory_flags_no_engine_module_sizes_are_not_claimed_understood(
    command: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    check = _check(capsys, "H100-SXM-80GB", *command)
    sources = {p["source"] for p in check["parsed"]}
    assert f"flag {said}" not in sources
    assert any(i.startswith(said) and "not in this estimate" in i for i in check["ignored"])


_QWEN3_GGUF = ["llama-server", "-hf", "unsloth/Qwen3-8B-GGUF:Q4_K_M", "-c", "32768"]


def test_llama_cpp_k_and_v_cache_types_are_each_their_own(capsys: pytest.CaptureFixture[str]) -> None:
    """common/common.h: cache_type_k and cache_type_v are each f16 unless given. `-ctk q8_0` alone sized V at
    q8_0 too (a smaller cache than llama.cpp makes); `-ctv q8_0` alone was dropped without a word."""
    f16 = _need(_check(capsys, "RTX-4090", *_QWEN3_GGUF))
    both = _need(_check(capsys, "RTX-4090", *_QWEN3_GGUF, "-ctk", "q8_0", "-ctv", "q8_0"))
    k_only = _check(capsys, "RTX-4090", *_QWEN3_GGUF, "-ctk", "q8_0")
    v_only = _check(capsys, "RTX-4090", *_QWEN3_GGUF, "-ctv", "q8_0")
    assert both < f16
    for half in (k_only, v_only):
        assert both < _need(half) <= f16  # never below the cache llama.cpp allocates
        assert any("K and V types differ" in i for i in half["ignored"])


# axolotl examples/qwen3/32b-qlora.yaml, linked from Qwen's Axolotl guide
# (https://qwen.readthedocs.io/en/latest/training/axolotl.html), its memory-moving keys as published
_AXOLOTL_QWEN3_QLORA = """\
base_model: Qwen/Qwen3-32B
plugins:
  - axolotl.integrations.cut_cross_entropy.CutCrossEntropyPlugin
sequence_len: 2048
sample_packing: true
load_in_4bit: true
adapter: qlora
lora_r: 16
lora_alpha: 32
lora_target_modules: [q_proj, k_proj, v_proj, o_proj, down_proj, up_proj]
lora_mlp_kernel: true
lora_qkv_kernel: true
lora_o_kernel: true
gradient_accumulation_steps: 2
micro_batch_size: 1
optimizer: adamw_torch_4bit
bf16: auto
gradient_checkpointing: offload
gradient_checkpointing_kwargs:
  use_reentrant: false
flash_attention: true
"""


def _check_yaml(capsys: pytest.CaptureFixture[str], path, text: str) -> dict:
    path.write_text(text)
    code, out, err = run_cli(["check", str(path), "--gpu", "H100-SXM-80GB", "--format", "json"], capsys)
    assert code in (0, 3), err
    return json.loads(out)["check"]


def test_axolotls_own_qwen3_qlora_example_is_read_not_refused(tmp_path, capsys) -> None:
    """`gradient_checkpointing: offload` was refused ("wants true or false"); the plugin-only CCE and the
    torchao 4-bit AdamW were sized as the full loss and fp32 AdamW."""
    check = _check_yaml(capsys, tmp_path / "32b-qlora.yaml", _AXOLOTL_QWEN3_QLORA)
    assert _parsed(check, "gradient_checkpointing")["value"] is True
    assert _parsed(check, "activation_offloading")["value"] is True
    assert _parsed(check, "loss")["value"] == "fused"
    assert _parsed(check, "optimizer")["value"] == "adamw-4bit"
    assert any(i.startswith("lora_mlp_kernel") for i in check["ignored"])


def test_axolotl_offload_is_its_checkpointing_plus_activation_offloading(tmp_path, capsys) -> None:
    """axolotl utils/schemas/validation.py check_gradient_checkpointing_w_offload: `offload` becomes
    gradient_checkpointing true + activation_offloading true; the two spellings size the same."""
    old = _check_yaml(capsys, tmp_path / "a.yaml", _AXOLOTL_QWEN3_QLORA)
    new_spelling = _AXOLOTL_QWEN3_QLORA.replace(
        "gradient_checkpointing: offload", "gradient_checkpointing: true\nactivation_offloading: true"
    )
    new = _check_yaml(capsys, tmp_path / "b.yaml", new_spelling)
    on_gpu = _check_yaml(capsys, tmp_path / "c.yaml", _AXOLOTL_QWEN3_QLORA.replace(": offload", ": true"))
    assert _need(old) == _need(new) < _need(on_gpu)


# https://huggingface.co/docs/trl/clis: `trl sft --model_name_or_path Qwen/Qwen2.5-0.5B --dataset_name
# trl-lib/Capybara`; the fields are SFTConfig's / ModelConfig's (trl/trainer/sft_config.py:
# gradient_checkpointing and bf16 default to True, max_length to 1024)
_TRL_CLI = ["trl", "sft", "--model_name_or_path", "Qwen/Qwen3-8B", "--dataset_name", "trl-lib/Capybara",
            "--use_peft", "--lora_r", "32", "--max_length", "2048", "--per_device_train_batch_size", "2"]


def test_trl_sft_command_line_is_read_as_its_config(tmp_path, capsys) -> None:
    cli = _check(capsys, "H100-SXM-80GB", *_TRL_CLI)
    yaml_doc = ("model_name_or_path: Qwen/Qwen3-8B\nuse_peft: true\nlora_r: 32\nmax_length: 2048\n"
                "per_device_train_batch_size: 2\n")
    from_yaml = _check_yaml(capsys, tmp_path / "sft.yaml", yaml_doc)
    assert _parsed(cli, "mode")["value"] == "lora"
    assert _parsed(cli, "lora_rank")["value"] == 32
    assert _parsed(cli, "context")["value"] == 2048
    assert _need(cli) == _need(from_yaml)


def test_trl_defaults_are_sftconfigs_not_trainingarguments(capsys) -> None:
    """SFTConfig turns gradient checkpointing on by default: a command that leaves it out is the same run as
    one that says `--gradient_checkpointing true`, and `estimate --framework trl` agrees."""
    left_out = _check(capsys, "H100-SXM-80GB", *_TRL_CLI)
    said = _check(capsys, "H100-SXM-80GB", *_TRL_CLI, "--gradient_checkpointing", "true")
    off = _check(capsys, "H100-SXM-80GB", *_TRL_CLI, "--gradient_checkpointing", "false")
    assert _parsed(left_out, "gradient_checkpointing")["value"] is True
    assert _need(left_out) == _need(said) < _need(off)
    estimate = ["estimate", "Qwen/Qwen3-8B", "--mode", "lora", "--framework", "trl", "--lora-rank", "32",
                "--context", "2048", "--batch", "2", "--format", "json"]
    code, out, err = run_cli(estimate, capsys)
    assert code == 0, err
    assert json.loads(out)["memory"]["total"] == _need(left_out)


def test_llama_arg_variables_are_the_flags_they_name(capsys) -> None:
    """llama.cpp tools/server/README.md (docker compose): `LLAMA_ARG_CTX_SIZE: 4096`,
    `LLAMA_ARG_N_PARALLEL: 2`; common/arg.cpp reads each option's variable, then the command line over it."""
    by_env = _check(capsys, "RTX-4090", "docker", "run", "--gpus", "all", "-e", "LLAMA_ARG_CTX_SIZE=4096",
                    "-e", "LLAMA_ARG_N_PARALLEL=2", "-e", "LLAMA_ARG_PORT=8080",
                    "ghcr.io/ggml-org/llama.cpp:server-cuda", *_QWEN3_GGUF[1:3])
    by_flag = _check(capsys, "RTX-4090", *_QWEN3_GGUF[:3], "-c", "4096", "-np", "2")
    assert _parsed(by_env, "n_ctx") == {"key": "n_ctx", "value": 4096, "source": "env LLAMA_ARG_CTX_SIZE"}
    assert _parsed(by_env, "parallel")["value"] == 2
    assert "env LLAMA_ARG_PORT" in by_env["ignored"]
    assert _need(by_env) == _need(by_flag)
    overridden = _check(capsys, "RTX-4090", "LLAMA_ARG_CTX_SIZE=4096", *_QWEN3_GGUF)
    assert _parsed(overridden, "n_ctx")["value"] == 32768  # -c 32768 on the command line wins


def test_sglang_default_static_share_is_listed_and_is_the_one_used(capsys) -> None:
    """SGLang picks --mem-fraction-static from the card (srt/server_args.py / memory_hook.py); `check` now
    lists the value it assumed, and giving that value explicitly sizes the same run."""
    serve = ["python", "-m", "sglang.launch_server", "--model-path", "Qwen/Qwen3-8B"]
    left_out = _check(capsys, "H100-SXM-80GB", *serve)
    share = _parsed(left_out, "mem_fraction_static")
    assert share["source"].startswith("default") and 0.5 < share["value"] < 0.95
    given = _check(capsys, "H100-SXM-80GB", *serve, "--mem-fraction-static", str(share["value"]))
    assert given["engine_figures"]["kv_cache_tokens"] == pytest.approx(
        left_out["engine_figures"]["kv_cache_tokens"], rel=1e-3)


def test_ollama_names_the_variables_it_does_not_read(capsys) -> None:
    check = _check(capsys, "RTX-4090", "CUDA_VISIBLE_DEVICES=0", "OLLAMA_KV_CACHE_TYPE=q8_0", "ollama", "run",
                   "qwen3:8b")
    assert "env CUDA_VISIBLE_DEVICES" in check["ignored"]
    assert _parsed(check, "cache_type_k")["source"] == "env OLLAMA_KV_CACHE_TYPE"


def test_sglang_cookbook_list_flags_and_aliases(capsys) -> None:
    """docs.sglang.io cookbook commands pass `--cuda-graph-bs 1 2 4 ...` (nargs="+" in server_args.py): the
    sizes were read as stray positionals and the largest never reached the graph pool; a flag given under
    SGLang's name (--chunked-prefill-size) was listed a second time as a default under vLLM's name."""
    check = _check(capsys, "H100-SXM-80GB", "python3", "-m", "sglang.launch_server", "--model-path",
                   "Qwen/Qwen3-8B", "--cuda-graph-bs", "1", "2", "4", "8", "16", "32",
                   "--chunked-prefill-size", "16384", "--ep-num-redundant-experts", "32")
    assert _parsed(check, "cuda_graph_max_bs") == {"key": "cuda_graph_max_bs", "value": 32,
                                                   "source": "flag --cuda-graph-bs"}
    assert not any(i.startswith("positional") for i in check["ignored"])
    assert "--ep-num-redundant-experts" in check["ignored"] and check["unknown"] == []
    assert not any(p["key"] == "max_num_batched_tokens" for p in check["parsed"])
