"""`python -m llmsize` ends without tearing the interpreter down (cli/quick_exit.py), yet everything a
normal exit does that can be seen still happens: atexit handlers run after the output, the exit code
is the command's, and a thread still running is waited for (the usual exit is taken then)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC, "LLMSIZE_CACHE_DIR": str(tmp_path), "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          check=False, timeout=120)


RUN = "import runpy, sys; sys.argv = ['llmsize', *{argv!r}]; runpy.run_module('llmsize', run_name='__main__')"


def test_atexit_handlers_run_after_the_output(tmp_path: Path) -> None:
    done = _python("import atexit; atexit.register(print, 'atexit handler ran'); "
                   + RUN.format(argv=["parse", "Qwen2.5-7B-Instruct"]), tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Qwen2.5-7B-Instruct" in done.stdout
    assert done.stdout.rstrip().endswith("atexit handler ran")


def test_the_exit_code_is_the_commands(tmp_path: Path) -> None:
    done = _python(RUN.format(argv=["estimate", "Qwen2.5-0.5B-Instruct", "--context", "-5"]), tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("Error") and "Traceback" not in done.stderr


def test_a_running_thread_is_waited_for(tmp_path: Path) -> None:
    # os._exit would end the thread before it prints: the usual exit waits for it
    thread = ("import threading, time; threading.Thread(target=lambda: (time.sleep(0.5), "
              "print('thread finished', flush=True))).start(); ")
    done = _python(thread + RUN.format(argv=["parse", "Qwen2.5-7B-Instruct"]), tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("thread finished")
