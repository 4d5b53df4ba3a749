"""Split a launch command into the tool it runs and that tool's arguments, and read them.

Understood forms: `vllm serve MODEL ...`, `python -m vllm.entrypoints.openai.api_server --model M`,
`llama-server ...` / `llama-cli ...` (any path), `ollama run TAG` / `ollama serve`,
`python -m sglang.launch_server ...` / `sglang serve ...`, and `docker run [options] IMAGE [args]`
with the vLLM, SGLang, llama.cpp or Ollama images. Environment assignments in front of the
command (`OLLAMA_CONTEXT_LENGTH=8192 ollama run ...`) are read as environment. Nothing is run.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping, Sequence

from llmsize.errors import BadInputError
from llmsize.preflight import serving_flags
from llmsize.preflight.serving_flags import Flag
from llmsize.preflight.setup import Setup

_MAX_ARGS = 4096

# docker run options that take a value (docker/cli `docker run --help`); others are switches.
_DOCKER_VALUE_OPTS = frozenset(
    {
        "-e",
        "--env",
        "--env-file",
        "-v",
        "--volume",
        "-p",
        "--publish",
        "--name",
        "--gpus",
        "--shm-size",
        "--runtime",
        "--network",
        "--net",
        "--entrypoint",
        "-w",
        "--workdir",
        "--mount",
        "--device",
        "-u",
        "--user",
        "--ulimit",
        "--cpus",
        "-m",
        "--memory",
        "--label",
        "-l",
        "--hostname",
        "-h",
        "--platform",
        "--restart",
        "--log-driver",
        "--log-opt",
        "--cap-add",
        "--security-opt",
        "--add-host",
        "--pull",
    }
)


def split_command(command: str | Sequence[str]) -> list[str]:
    """A command as a list of words (a string is split the way a POSIX shell would)."""
    if isinstance(command, str):
        try:
            words = shlex.split(command.replace("\\\n", " "))
        except ValueError as err:
            raise BadInputError(f"cannot read the command: {err}") from None
    else:
        words = list(command)
    if not words:
        raise BadInputError("no command given", hint="llmsize check -- vllm serve MODEL --max-model-len 32k")
    if len(words) > _MAX_ARGS:
        raise BadInputError(f"the command has {len(words):,} words; at most {_MAX_ARGS:,} are read")
    return words


def parse_launch(command: str | Sequence[str], env: Mapping[str, str] | None = None) -> Setup:
    """The Setup a launch command describes. `env` adds to (and overrides) leading VAR=value words."""
    words = split_command(command)
    environment: dict[str, str] = {}
    while (
        words and "=" in words[0] and not words[0].startswith("-") and words[0].split("=")[0].isidentifier()
    ):
        name, _, value = words.pop(0).partition("=")
        environment[name] = value
    if words and os.path.basename(words[0]) == "env":
        words.pop(0)
        return parse_launch(words, {**environment, **(env or {})})
    environment.update(env or {})
    if not words:
        raise BadInputError("the command has only environment assignments")
    tool, args = _identify(words)
    if tool == "docker":
        return _docker(args, environment)
    if tool == "trl":
        from llmsize.preflight.trl_cli import parse_trl_cli

        setup = parse_trl_cli(args, words)
        setup.ignored.extend(f"env {name}" for name in environment)
        return setup
    return _parse_tool(tool, args, environment, words)


def _identify(words: list[str]) -> tuple[str, list[str]]:
    exe = os.path.basename(words[0])
    rest = words[1:]
    if exe.startswith("python"):
        while rest and rest[0].startswith("-") and rest[0] != "-m":
            rest = rest[1:]
        if len(rest) >= 2 and rest[0] == "-m":
            module = rest[1]
            if module.startswith("vllm.entrypoints"):
                return "vllm", rest[2:]
            if module.startswith("sglang.launch_server") or module == "sglang.launch_server":
                return "sglang", rest[2:]
        raise BadInputError(
            f"not a launch command llmsize knows: {' '.join(words[:3])}",
            hint="vllm serve, llama-server, ollama run, python -m sglang.launch_server, docker run",
        )
    if exe == "vllm":
        if rest[:1] == ["serve"]:
            return "vllm", rest[1:]
        raise BadInputError("only `vllm serve` is a launch command", hint="vllm serve MODEL [flags]")
    if exe == "sglang":
        return "sglang", rest[1:] if rest[:1] == ["serve"] else rest
    if exe in ("llama-server", "llama-cli", "server", "main", "llama-mtmd-cli"):
        return "llama.cpp", rest
    if exe == "ollama":
        return "ollama", rest
    if exe == "trl":
        return "trl", rest
    if exe in ("docker", "podman"):
        if rest[:1] != ["run"]:
            raise BadInputError(
                "only `docker run ...` is read", hint="docker run ... vllm/vllm-openai --model M"
            )
        return "docker", rest[1:]
    raise BadInputError(
        f"not a launch command llmsize knows: {words[0]}",
        hint="vllm serve, llama-server, llama-cli, ollama run, python -m sglang.launch_server, trl sft, "
        "docker run",
    )


def _docker(args: list[str], env: dict[str, str]) -> Setup:
    i = 0
    while i < len(args) and args[i].startswith("-"):
        opt, has_eq, value = args[i].partition("=")
        takes = opt in _DOCKER_VALUE_OPTS and not has_eq
        if opt in ("-e", "--env"):
            assignment = value if has_eq else (args[i + 1] if i + 1 < len(args) else "")
            name, eq, val = assignment.partition("=")
            if eq:
                env[name] = val
        i += 2 if takes else 1
    if i >= len(args):
        raise BadInputError("docker run names no image")
    image, tail = args[i], args[i + 1 :]
    name = image.split("@")[0].rsplit(":", 1)[0] if "/" in image or ":" in image else image
    if "vllm" in name:
        tool_args = tail[1:] if tail[:1] == ["serve"] else tail
        if tail[:2] == ["vllm", "serve"]:
            tool_args = tail[2:]
        setup = _parse_tool("vllm", tool_args, env, ["vllm", "serve", *tool_args])
        _vllm_image_release(setup, image)
        return setup
    if "sglang" in name:
        tool, inner = _identify(tail) if tail else ("sglang", [])
        setup = _parse_tool(tool, inner, env, tail)
        release = _sglang_release(image)
        if tool == "sglang" and release:
            from llmsize.estimate.engines.sglang_startup import OLDEST_SGLANG

            major, minor = (int(p) for p in release.split(".post")[0].split(".")[:2])
            if (major, minor) < OLDEST_SGLANG:  # as vLLM's image tags (_vllm_image_release)
                setup.ignored.append(f"docker image tag {image}: llmsize models SGLang releases from 0.4 on")
            else:
                setup.set("engine_release", release, f"docker image tag {image}")
        return setup
    if "llama.cpp" in name or "llama-cpp" in name:
        return _parse_tool("llama.cpp", tail, env, ["llama-server", *tail])
    if "ollama" in name:
        raise BadInputError(
            "the ollama image serves no model by itself",
            hint="check the `ollama run TAG` you will send it, with --env for its variables",
        )
    raise BadInputError(
        f"docker image {image} is not a serving engine llmsize knows",
        hint="vllm/vllm-openai, lmsysorg/sglang, ghcr.io/ggml-org/llama.cpp:server",
    )


def _vllm_image_release(setup: Setup, image: str) -> None:
    """The release a vllm/vllm-openai tag names (v0.6.3, v0.10.1.1, v0.8.5.post1) as --engine-version, where
    llmsize models it (0.4 on: estimate/engines/server_releases.py); `check` sized every image as vLLM
    0.19, the release modelled when none is given (issue 15). latest and nightly name no release."""
    from llmsize.estimate.engines.server_releases import OLDEST_VLLM, release

    found = _image_release(image, max_parts=4)
    if found is None:
        return
    if release(found, "vLLM", "0.6.3") < OLDEST_VLLM:  # type: ignore[operator]
        setup.ignored.append(f"docker image tag {image}: llmsize models vLLM releases from 0.4 on")
        return
    setup.set("engine_release", found, f"docker image tag {image}")
    setup.engine_version = f"vLLM {found} (docker image tag)"


def _sglang_release(image: str) -> str | None:
    """The release an lmsysorg/sglang tag names (v0.5.19, v0.4.3.post4-cu124 -> 0.4.3.post4); None for
    latest, dev or a named branch image (deepseek-v4-hopper). Its NCCL and RoPE rules differ by series
    (estimate/engines/sglang_startup.py)."""
    return _image_release(image, max_parts=3)


def _image_release(image: str, max_parts: int) -> str | None:
    """The release an image tag spells ("v0.5.19", "v0.4.3.post4-cu124" -> "0.4.3.post4"); None for
    latest, nightly or a branch name."""
    tag = image.split("@")[0].rsplit(":", 1)[1] if ":" in image.split("/")[-1] else ""
    head = tag.lower().removeprefix("v").split("-")[0]
    parts = head.split(".post")[0].split(".")
    # ASCII digits of release length: 'v٠.١' (Arabic-Indic) or a 500-digit part is no release, and reached the
    # engine as a bad "--engine-version" the command never gave (issue 15, round 10)
    ok = 2 <= len(parts) <= max_parts and all(p.isascii() and p.isdigit() and len(p) <= 6 for p in parts)
    return head if ok else None


def _parse_tool(tool: str, args: list[str], env: Mapping[str, str], argv: list[str]) -> Setup:
    if tool == "ollama":
        from llmsize.preflight.ollama import parse_ollama

        return parse_ollama(args, env, argv)
    version = {
        "vllm": serving_flags.VLLM_VERSION,
        "llama.cpp": serving_flags.LLAMA_CPP_VERSION,
        "sglang": serving_flags.SGLANG_VERSION,
    }[tool]
    setup = Setup(tool=tool, engine=tool, engine_version=version, model="", argv=list(argv))
    table = serving_flags.flag_table(tool)
    env_read: set[str] = set()
    if tool == "llama.cpp":  # LLAMA_ARG_* first; the command line's own flags then override them
        from llmsize.preflight.llama_cpp_env import VALUE_FLAGS

        for variable, spelling in VALUE_FLAGS.items():
            if variable in env:
                _store(setup, table[spelling], variable, env[variable], source=f"env {variable}")
                env_read.add(variable)
    positional: list[str] = []
    i = 0
    while i < len(args):
        word = args[i]
        if not word.startswith("-") or word == "-":
            positional.append(word)
            i += 1
            continue
        name, has_eq, inline = word.partition("=")
        flag = table.get(name)
        if flag is None:
            setup.unknown.append(name)
            takes_value = not has_eq and i + 1 < len(args) and not args[i + 1].startswith("-")
            i += 2 if takes_value else 1
            continue
        if flag.parse is None:
            raw: object = flag.value_when_set if not has_eq else inline
            i += 1
        elif flag.many and not has_eq:  # nargs="+": the values run to the next option
            j = i + 1
            while j < len(args) and not args[j].startswith("-"):
                j += 1
            if j == i + 1:
                raise BadInputError(f"{name} needs a value")
            raw, i = args[i + 1 : j], j
        elif has_eq:
            raw = inline
            i += 1
        else:
            if i + 1 >= len(args):
                raise BadInputError(f"{name} needs a value")
            raw = args[i + 1]
            i += 2
        _store(setup, flag, name, raw)
    if positional:
        if not setup.get("model"):
            setup.set("model", positional[0], "positional argument")
        setup.ignored.extend(f"positional {p}" for p in positional[1:])
    setup.model = _model_of(setup)
    if not setup.model:
        raise BadInputError(f"the {tool} command names no model", hint="give the model (e.g. --model or -m)")
    _long_context_env(setup, tool, env)
    _unread_env(setup, tool, {name: value for name, value in env.items() if name not in env_read})
    return setup


def _unread_env(setup: Setup, tool: str, env: Mapping[str, str]) -> None:
    """Every variable the command sets that this check does not read is said, by name (never its value: a
    token stays private). `CUDA_VISIBLE_DEVICES=0,1 VLLM_ATTENTION_BACKEND=FLASHINFER vllm serve ...` passed
    with no word on either variable (issue 15, check audit); they choose GPUs and kernels whose memory this
    check takes from --gpu / --num-gpus and the flags instead."""
    read = _LONG_CONTEXT_ENV[tool][0] if tool in _LONG_CONTEXT_ENV else None
    setup.ignored.extend(f"env {name}" for name in env if name != read)


# The variable that lets vLLM / SGLang start a context above the length derived from the config
# (estimate/engines/serving_context.py), with the values each reads as true. REFERENCE: vllm/envs.py
# VLLM_ALLOW_LONG_MAX_MODEL_LEN: `.strip().lower() in ("1", "true")`; sglang/srt/environ.py EnvBool.parse:
# `.lower() in ["true", "1", "yes", "y"]`.
_LONG_CONTEXT_ENV: dict[str, tuple[str, tuple[str, ...], bool]] = {  # variable, true values, stripped
    "vllm": ("VLLM_ALLOW_LONG_MAX_MODEL_LEN", ("1", "true"), True),
    "sglang": ("SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN", ("true", "1", "yes", "y"), False),
}


def _long_context_env(setup: Setup, tool: str, env: Mapping[str, str]) -> None:
    if tool not in _LONG_CONTEXT_ENV:
        return
    name, true, stripped = _LONG_CONTEXT_ENV[tool]
    value = env.get(name)
    if value is not None and (value.strip() if stripped else value).lower() in true:
        setup.set("allow_long_context", True, f"env {name}")


def _store(setup: Setup, flag: Flag, name: str, raw: object, source: str | None = None) -> None:
    if flag.key is None:
        setup.ignored.append(name)
        return
    value = flag.parse(raw, name) if flag.parse is not None else raw
    if flag.key == "override_tensor" and setup.get("override_tensor"):
        value = f"{setup.get('override_tensor')},{value}"  # llama.cpp adds each -ot to the list (arg.cpp)
    setup.set(flag.key, value, source or f"flag {name}")


def _model_of(setup: Setup) -> str:
    """The model the tool loads: a path, a repo id, or (llama.cpp -hf) `repo:quant`."""
    model = setup.get("model") or setup.get("hf_repo") or ""
    return str(model)
