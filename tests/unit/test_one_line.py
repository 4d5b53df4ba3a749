"""errors.one_line: the one helper that makes quoted input safe for a one-line message (issue 15).

It replaced two that differed (cli.app.one_line kept printable non-ASCII and cut at 501 characters
with " ... "; report.export.shown_path escaped every non-ASCII character, doubled backslashes and
cut at 81 with "…"); the unified rule keeps what is printable and never exceeds the limit.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from llmsize.errors import MAX_ERROR_CHARS, one_line


def test_control_characters_are_shown_escaped_not_obeyed() -> None:
    assert one_line("a\nb\x1b[31mc\x00d\u202ee") == "a\\nb\\x1b[31mc\\x00d\\u202ee"


def test_printable_text_stays_as_typed() -> None:
    assert one_line("模型/Qwen-ü C:\\models\\x") == "模型/Qwen-ü C:\\models\\x"


def test_a_long_value_keeps_its_head_and_tail() -> None:
    text = "head-" + "x" * 5000 + "-tail"
    shown = one_line(text, 80)
    assert len(shown) == 80
    assert shown.startswith("head-") and shown.endswith("-tail") and shown.count("…") == 1


def test_the_default_limit_is_the_error_line() -> None:
    assert len(one_line("y" * 100_000)) == MAX_ERROR_CHARS
    assert one_line("y" * MAX_ERROR_CHARS) == "y" * MAX_ERROR_CHARS


def test_escapes_count_towards_the_limit() -> None:
    shown = one_line("\x07" * 100, 40)
    assert len(shown) == 40 and "\x07" not in shown


@given(st.text(), st.integers(min_value=1, max_value=600))
def test_always_one_printable_line_within_the_limit(text: str, limit: int) -> None:
    shown = one_line(text, limit)
    assert len(shown) <= limit
    assert shown.isprintable()
    escaped = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
    if len(escaped) <= limit:
        assert shown == escaped
