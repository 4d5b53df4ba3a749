"""Shared test setup: hypothesis profiles, a private cache per test, and no real network."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# One profile for the README's test command and CI (a few minutes on 2 cores); the long run is
# opt-in with LLMSIZE_TESTS=long (README, "Quick start").
settings.register_profile(
    "default", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("long" if os.environ.get("LLMSIZE_TESTS") == "long" else "default")

LONG_RUN = os.environ.get("LLMSIZE_TESTS") == "long"

# CI's budget is 20 minutes for install and tests on 2 cores, so two-core runs split the suite over
# two pytest-xdist workers (pyproject addopts); each worker's torch then takes one intra-op thread
# instead of contending for both cores (torch reads OMP_NUM_THREADS when it is first imported).
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` counts the CPUs this process may use (its affinity and a cgroup CPU quota, as in a
    CI container), not the host's: pytest-xdist's own count would start one worker per host core."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text(encoding="ascii").split()[:2]
        if quota != "max":
            cpus = min(cpus, max(1, int(quota) // int(period)))
    except (OSError, ValueError):
        pass
    return max(1, min(cpus, 8))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Cases listed in tests/long_cases.py (each a slower sibling of a case the default run keeps)
    run only with LLMSIZE_TESTS=long, like the 2,000-example hypothesis profile."""
    from long_cases import LONG_CASES

    if LONG_RUN:
        return
    skip = pytest.mark.skip(reason="long run only: LLMSIZE_TESTS=long python -m pytest -q")
    for item in items:
        if item.nodeid in LONG_CASES:
            item.add_marker(pytest.mark.long)
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own llmsize and HF caches; the real Hub is unreachable by default."""
    root = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("LLMSIZE_CACHE_DIR", str(root / "llmsize"))
    monkeypatch.setenv("HF_HOME", str(root / "hf"))
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # discard port: nothing answers
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)


_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> None:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")):
        raise OSError(f"tests may not reach the network ({host})")
    _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    yield


def _memoize_typer_command_build() -> None:
    """Build each typer app's click command once per set of registered commands, not once per call.

    typer's CliRunner.invoke and `app(...)` rebuild the whole click tree on every call
    (typer/main.py get_command: every command's signature and type hints re-read), about 20 ms of CPU
    for llmsize's ~60 commands, paid by each of the suite's thousands of in-process CLI runs (a
    hypothesis test of 200 examples spent most of its 7 s there). The command a build returns depends
    only on the app's registered commands, groups and callback, so it is reused until one of those
    changes (load_commands registers more). A build starts every parameter without its value adapter
    (typer/core.py: `_runtime_param = None`, made on the first value); llmsize's number rule
    (cli/app.py _no_adapter_for_unset_options) runs only while it is unmade, so a reused command gets
    that state back before each run, as a fresh build would have it.
    """
    import typer.main
    import typer.testing

    build = typer.main.get_command
    built: dict[tuple[object, ...], object] = {}

    def _key(app: typer.Typer) -> tuple[object, ...]:
        info = app.registered_callback
        return (
            id(app),
            tuple(id(c) for c in app.registered_commands),
            tuple((id(g), _key(g.typer_instance)) for g in app.registered_groups if g.typer_instance),
            id(info), id(info.callback) if info else None,
        )

    def _unmade(command: object) -> None:
        for param in getattr(command, "params", ()):
            if hasattr(param, "_runtime_param"):
                param._runtime_param = None
        for sub in getattr(command, "commands", {}).values():
            _unmade(sub)

    def get_command(typer_instance: typer.Typer) -> object:
        key = _key(typer_instance)
        if key not in built:
            built[key] = (build(typer_instance), typer_instance)  # the app is kept: its id stays unique
        command = built[key][0]
        _unmade(command)
        return command

    typer.main.get_command = get_command  # type: ignore[assignment]
    typer.testing._get_command = get_command  # type: ignore[attr-defined]


_memoize_typer_command_build()
