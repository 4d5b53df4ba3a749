"""Command-line interface: parse options, call the library, render. Nothing else lives here.

Commands register themselves on `app` when their module is imported. `main` imports only the
module of the command it runs (all of them for `--help` or anything it cannot tell), so a cold
`llmsize parse` never pays for the estimator's imports (issue 15: import only what a command
needs). `app` itself, as tests and the docs generator use it, has every command.
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False  # typing itself is not imported at run time (issue 15: `--version` needs none of it)
if TYPE_CHECKING:
    from typing import Any

# Registration order is the order `llmsize --help` lists them.
COMMAND_MODULES: dict[str, str] = {
    "parse": "cmd_parse",
    "estimate": "cmd_estimate",
    "explain": "cmd_explain",
    "gpus": "cmd_gpus",
    "fit": "cmd_fit",
    "compare": "cmd_compare",
    "models": "cmd_models",
    "measure": "cmd_measure",
    "report": "cmd_report",
    "check": "cmd_check",
    "plan": "cmd_plan",
}

__all__ = ["app", "main"]


def load_commands(names: list[str] | None = None) -> Any:
    """Register the named commands (default: all) and return the typer app."""
    from llmsize.cli.app import app
    from llmsize.cli.declare import COMMANDS

    for name in names if names is not None else list(COMMAND_MODULES):
        import_module(f"llmsize.cli.{COMMAND_MODULES[name]}")
    registered = {c.name for c in app.registered_commands}
    for name, command in COMMANDS.items():  # commands declared without typer (cli/declare.py)
        if name not in registered:
            app.command(name)(command)
    order = {f"llmsize.cli.{m}": i for i, m in enumerate(COMMAND_MODULES.values())}
    app.registered_commands.sort(key=lambda c: order.get(getattr(c.callback, "__module__", ""), len(order)))
    if names is None:
        globals()["app"] = app  # `from llmsize.cli import app`: the typer app with every command
    else:
        globals().pop("app", None)  # not the submodule llmsize.cli.app; __getattr__ loads all on demand
    return app


def _command_of(argv: list[str]) -> str | None:
    """The subcommand argv runs, when its first word names one and nothing asks for help or completion."""
    import os

    if any(k.startswith("_LLMSIZE_COMPLETE") for k in os.environ):
        return None
    first = argv[0] if argv else None
    if first == "--version":
        return "--version"
    return first if first in COMMAND_MODULES else None


def _without_pydantic_plugins() -> None:
    """Run the console command without pydantic plugins, and without the scan that looks for them.

    pydantic 2.x (plugin/_schema_validator.py `create_schema_validator`) imports plugin/_loader.py
    when it builds its first validator; that module imports importlib.metadata and scans every
    installed distribution's entry points, about a tenth of a cold `llmsize parse` (issue 15).
    A plugin observes validation for its own reporting, which a one-shot CLI run has no use for;
    typer already builds its option converters with plugins disabled (typer/_adapters.py
    `disabled_pydantic_plugins`). Only the console entry point does this: `import llmsize` keeps
    pydantic's behaviour. Any other name asked of the stand-in loads pydantic's own module.
    """
    import sys
    import types

    name = "pydantic.plugin._loader"
    if name in sys.modules:
        return

    def get_plugins() -> tuple[()]:
        return ()

    def __getattr__(attr: str) -> object:  # a pydantic that wants more than get_plugins: the real one
        from importlib import import_module

        if attr.startswith("__"):  # the import system probing (__path__): not a package
            raise AttributeError(attr)
        sys.modules.pop(name, None)
        return getattr(import_module(name), attr)

    stand_in = types.ModuleType(name, "llmsize: pydantic plugins are not loaded by the CLI")
    stand_in.get_plugins = get_plugins  # type: ignore[attr-defined]
    stand_in.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules[name] = stand_in


def main(argv: list[str] | None = None) -> None:
    """Console entry point (see llmsize.cli.app.main for the exit codes; Ctrl-C at any point: 130)."""
    try:
        _main(argv)
    except (KeyboardInterrupt, RuntimeError) as err:  # before a command's own handler runs (imports)
        from llmsize.cli.outcome import caused_by_interrupt, interrupted

        if not caused_by_interrupt(err):
            raise
        interrupted()


def entry() -> None:
    """The `llmsize` script: main(), then the process ends without tearing Python down (cli/quick_exit.py)."""
    from llmsize.cli.quick_exit import run

    run(main)


def _main(argv: list[str] | None) -> None:
    import sys

    args = sys.argv[1:] if argv is None else argv
    command = _command_of(args)
    if args == ["--version"]:
        _version()
    from llmsize.cli.terminal import prepare

    prepare()
    if command is not None:  # the common runs, without typer (cli/fast.py); it returns when unsure
        from llmsize.cli import fast

        fast.run(args)
    _without_pydantic_plugins()
    load_commands([] if command == "--version" else [command] if command else None)
    sys.modules["llmsize.cli.app"].main(argv)


def _version() -> None:
    """`llmsize --version` as the typer app's eager option prints it, importing nothing else."""
    import sys

    from llmsize import __version__

    if sys.stdout is not None:  # `llmsize --version >&-`: nobody to tell (cli/terminal.prepare)
        sys.stdout.write(f"llmsize {__version__}\n")
        sys.stdout.flush()
    sys.exit(0)


def __getattr__(name: str) -> Any:
    if name == "app":
        return load_commands()
    raise AttributeError(f"module 'llmsize.cli' has no attribute {name!r}")
