"""Property tests for names.fold_name (issue 15, hostile round 4): a name typed with full-width
characters or typographic dashes parses as the ASCII name it spells; ASCII is never changed."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from llmsize.names import fold_name, parse_name

NAME_CHARS = string.ascii_letters + string.digits + "-_.:/"
ascii_names = st.text(alphabet=NAME_CHARS, min_size=1, max_size=40).filter(lambda t: t.strip())
# Typographic dashes an autocorrect or a word processor puts where '-' was typed.
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"


def full_width(text: str) -> str:
    """What a CJK input method types for ASCII: U+FF01..U+FF5E for '!'..'~'."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@given(ascii_names)
def test_ascii_is_unchanged(name: str) -> None:
    assert fold_name(name) is name


@given(ascii_names)
def test_full_width_folds_to_the_ascii_name(name: str) -> None:
    assert fold_name(full_width(name)) == name
    assert parse_name(full_width(name)).model_dump(exclude={"raw"}) == parse_name(name).model_dump(
        exclude={"raw"}
    )


@given(ascii_names, st.sampled_from(DASHES))
def test_typographic_dashes_fold_to_a_hyphen(name: str, dash: str) -> None:
    assert fold_name(name.replace("-", dash)) == name


@given(st.text(max_size=60))
def test_folding_is_idempotent(text: str) -> None:
    once = fold_name(text)
    assert fold_name(once) == once
