"""`trl sft --model_name_or_path M --use_peft ...`: TRL's command line, read as the same keys as its YAML.

REFERENCE: trl `scripts/sft.py` parses `ScriptArguments, SFTConfig, ModelConfig` with `TrlParser`
(trl/scripts/utils.py), an `HfArgumentParser`: every field is `--field value`, a bool field alone
(`--use_peft`, `--gradient_checkpointing`) is true and also takes `true` / `false`; `--config FILE.yaml`
gives defaults that the command line overrides (`TrlParser.parse_args_and_config`). The field names are the
YAML's, so the keys go to the TRL config reader (training_config.py). The TRL docs' own CLI example
(https://huggingface.co/docs/trl/clis: `trl sft --model_name_or_path Qwen/Qwen2.5-0.5B --dataset_name
trl-lib/Capybara ...`) was refused as "not a launch command llmsize knows" (issue 15, check audit).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from llmsize.errors import BadInputError
from llmsize.preflight.setup import Setup


def parse_trl_cli(args: list[str], argv: list[str]) -> Setup:
    from llmsize.preflight.training_config import _load, setup_from_doc

    if args[:1] != ["sft"]:
        raise BadInputError("only `trl sft ...` is read of TRL's commands",
                            hint="trl sft --model_name_or_path M --use_peft --max_length 2048")
    given = _options(args[1:])
    config = Path(".")
    doc: dict[str, Any] = {}
    if "config" in given:
        config = Path(str(given.pop("config")))
        loaded = _load(config)
        if not isinstance(loaded, dict):
            raise BadInputError(f"{config}: a TRL config is a mapping of keys")
        doc.update(loaded)
    doc.update(given)
    if "model_name_or_path" not in doc:
        raise BadInputError("the trl sft command names no model", hint="--model_name_or_path Qwen/Qwen3-8B")
    setup = setup_from_doc(doc, config, kind="trl")
    setup.argv = list(argv)
    return setup


def _options(words: list[str]) -> dict[str, Any]:
    """`--key value` and bare `--flag` (true), as HfArgumentParser reads them; `--key=value` too."""
    out: dict[str, Any] = {}
    i = 0
    while i < len(words):
        word = words[i]
        if not word.startswith("--"):
            raise BadInputError(f"trl sft takes --options only, not {word[:80]!r}")
        key, eq, inline = word[2:].partition("=")
        key = key.replace("-", "_")
        if eq:
            out[key], i = inline, i + 1
        elif i + 1 < len(words) and not words[i + 1].startswith("--"):
            out[key], i = words[i + 1], i + 2
        else:
            out[key], i = True, i + 1
    return out
