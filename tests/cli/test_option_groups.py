"""Option groups (cli/option_groups.py): one declaration serves every command that takes the options."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
import typer
from typer.testing import CliRunner

from llmsize.cli import load_commands
from llmsize.cli.engine_options import ENGINE_OPTIONS, engine_settings
from llmsize.cli.gpu_options import SPEED_OPTIONS
from llmsize.cli.option_groups import OptionGroup, OptionValues, with_groups
from llmsize.cli.workload_options import WORKLOAD_OPTIONS, build_workload


def _options(command: str) -> dict[str, Any]:
    root: Any = typer.main.get_command(load_commands())  # typer's own vendored click group
    cmd = root.commands[command]
    return {p.name: p for p in cmd.params if p.name}


def _described(param: Any) -> tuple[Any, ...]:
    return (
        tuple(param.opts),
        tuple(param.secondary_opts),
        param.default,
        getattr(param, "help", None),
        str(param.type_descriptor.annotation),
        param.min,
        param.max,
    )


@pytest.mark.parametrize("command", ["estimate", "fit", "compare"])
def test_the_shared_groups_are_the_same_options_everywhere(command: str) -> None:
    reference = _options("estimate")
    theirs = _options(command)
    for name in (*WORKLOAD_OPTIONS, *ENGINE_OPTIONS, "concurrency", "host_bandwidth"):
        assert _described(theirs[name]) == _described(reference[name]), name


def test_fit_and_compare_take_the_whole_speed_group_and_measure_a_subset() -> None:
    for command in ("fit", "compare"):
        assert set(SPEED_OPTIONS) <= set(_options(command))
    measured = set(_options("measure"))
    assert {"mode", "context", "lora_rank"} <= measured
    assert not {"framework", "engine", "tp", "max_num_seqs"} & measured  # the harness does not model them


def test_explain_takes_estimates_arguments() -> None:
    # estimate ends with "llmsize explain with the same arguments": explain refused --gpu, --engine-version
    # and every engine setting (issue 15); --num-gpus is estimate's (a count or auto) since --gpu plans.
    theirs, reference = _options("explain"), _options("estimate")
    assert set(theirs) == set(reference)
    for name in ("num_gpus", "gpu", "engine_version", "n_cpu_moe"):
        assert _described(theirs[name]) == _described(reference[name]), name


def test_group_defaults_are_the_builders_defaults() -> None:
    """Unset options build the same Workload as build_workload() with no arguments."""
    defaults = {name: p.default for name, p in WORKLOAD_OPTIONS.items()}
    assert build_workload(**defaults) == build_workload()
    assert engine_settings(**{n: p.default for n, p in ENGINE_OPTIONS.items()}) == engine_settings()


def _toy() -> typer.Typer:
    def source(
        *,
        alpha: Annotated[int, typer.Option("--alpha")] = 1,
        beta: Annotated[str, typer.Option("--beta")] = "b",
    ) -> None:
        """A group of two options."""

    group = OptionGroup(source)
    toy = typer.Typer()

    @toy.command()
    @with_groups
    def run(
        name: str, opts: OptionValues = group, last: Annotated[bool, typer.Option("--last")] = False
    ) -> None:
        typer.echo(f"{name} {dict(opts)} {last}")

    @toy.command()
    def other() -> None:
        """A second command, so `run` keeps its name."""

    return toy


def test_a_command_receives_its_group_as_one_dict_in_place() -> None:
    result = CliRunner().invoke(_toy(), ["run", "x", "--beta", "z", "--last"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "x {'alpha': 1, 'beta': 'z'} True"
    help_text = CliRunner().invoke(_toy(), ["run", "--help"], env={"NO_COLOR": "1"}).output
    assert help_text.index("--alpha") < help_text.index("--beta") < help_text.index("--last")


def test_an_option_declared_twice_is_refused_at_import() -> None:
    def source(*, name: str = "") -> None:
        """Declares `name` again."""

    def command(name: str, opts: OptionValues = OptionGroup(source)) -> None:  # noqa: B008
        """Clashes."""

    with pytest.raises(TypeError, match="declared twice"):
        with_groups(command)


def test_only_keeps_the_group_order_and_refuses_unknown_names() -> None:
    assert list(WORKLOAD_OPTIONS.only("context", "mode")) == ["mode", "context"]
    with pytest.raises(ValueError, match="images_typo"):
        WORKLOAD_OPTIONS.only("images_typo")
