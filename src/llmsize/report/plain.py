"""Plain-text output for the hot commands: the same bytes rich prints when stdout is not a terminal.

Importing rich and building its console, tables and styles cost a cold `llmsize estimate` about a
tenth of its time (issue 15), yet off a terminal rich writes no styles at all: only the words,
wrapped at the console width, and the tables' box lines. `console()` gives a PlainConsole there
(and rich's own Console on a terminal, where colours matter). PlainConsole, Text and Table take the
subset of rich's API the renderers use (rich 14: `Console.print`, `Text`, `Table.add_column/add_row/
add_section`, `title`) and lay them out the way rich does: Text.wrap (rich/_wrap.py `divide_line`:
words with their trailing spaces, a word longer than the line folded, whitespace past the width
dropped), tables at their natural column widths with one space of padding, HEAVY_HEAD boxes
(SQUARE without a header), a left-justified title padded to the table's width. Anything outside
that (a character that is not one cell wide, markup other than a few styles, a table wider than
the console, a setting rich would act on) is handed to rich itself, rebuilt from the same calls,
so the output never depends on which path printed it.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any

# Characters whose width is one cell for rich (rich/cells.py) besides printable ASCII: the ones
# llmsize's own output uses. Any other character sends the whole renderable to rich.
NARROW = frozenset("·—–█▓▒░▚▞…×≈→")
_TEXT_OK = re.compile(r"[\x20-\x7e\n" + "".join(sorted(NARROW)) + r"]*")
# rich markup tags (rich/markup.py RE_TAGS) and emoji codes (rich/_emoji_replace.py).
_TAG = re.compile(r"(\\*)\[([a-z#/@][^[]*?)]")
_EMOJI = re.compile(r":(\S*?)(?:-(emoji|text))?:")
_STYLES = frozenset({"bold", "dim", "yellow", "red", "bold red", "bold yellow", "green", "blue", "cyan"})
_TAG_LIKE = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])")
_WORD = re.compile(r"\s*\S+\s*")


class Unsupported(Exception):
    """Raised inside the plain layout when only rich can lay the renderable out the same way."""


def _plain_markup(text: str) -> str:
    """`text` with its rich markup applied (styles dropped), or Unsupported where it is not simple."""
    if _EMOJI.search(text):
        raise Unsupported("emoji code")
    out: list[str] = []
    pos = 0
    for match in _TAG.finditer(text):
        slashes, tag = match.group(1), match.group(2)
        out.append(text[pos : match.start()])
        pos = match.end()
        if len(slashes) == 1:  # an escaped "[": printed as written, less the backslash
            out.append(f"[{tag}]")
        elif slashes or not (tag in _STYLES or (tag.startswith("/") and (tag == "/" or tag[1:] in _STYLES))):
            raise Unsupported(f"markup [{tag}]")
    out.append(text[pos:])
    return "".join(out)


def escape(text: str) -> str:
    """`text` with whatever reads as rich markup escaped (what rich.markup.escape does): a backslash
    before each tag-like "[x...]", backslashes already in front of one doubled, and a trailing lone
    backslash doubled so it cannot escape what follows."""

    def one(match: re.Match[str]) -> str:
        return match.group(1) * 2 + "\\" + match.group(2)

    out = _TAG_LIKE.sub(one, text)
    return out + "\\" if out.endswith("\\") and not out.endswith("\\\\") else out


def _check(text: str) -> str:
    if not _TEXT_OK.fullmatch(text):
        raise Unsupported("a character that may not be one cell wide")
    return text


class Text:
    """rich.text.Text's constructor, `+` and `append`, kept as the calls that made it."""

    def __init__(self, text: str = "", style: str | None = None) -> None:
        self.parts: list[tuple[str, str | None]] = [(text, style)]

    @property
    def plain(self) -> str:
        return "".join(p[0] for p in self.parts)

    def __str__(self) -> str:
        return self.plain

    def append(self, text: str, style: str | None = None) -> Text:
        self.parts.append((text, style))
        return self

    def __add__(self, other: Text | str) -> Text:
        out = Text()
        out.parts = [*self.parts, *(other.parts if isinstance(other, Text) else [(other, None)])]
        return out

    def to_rich(self) -> Any:
        from rich.text import Text as RichText

        first_text, first_style = self.parts[0]
        out = RichText(first_text, style=first_style or "")
        for text, style in self.parts[1:]:
            out.append(text, style=style)
        return out


class Table:
    """rich.table.Table's calls the renderers make, laid out as rich lays out a table that fits."""

    def __init__(self, **settings: Any) -> None:
        self.settings = settings
        self.columns: list[tuple[Any, dict[str, Any]]] = []
        self.rows: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
        self.sections: set[int] = set()

    def add_column(self, header: Any = "", **settings: Any) -> None:
        self.columns.append((header, settings))

    def add_row(self, *cells: Any, **settings: Any) -> None:
        self.rows.append((cells, settings))

    def add_section(self) -> None:
        if self.rows:
            self.sections.add(len(self.rows) - 1)

    def to_rich(self) -> Any:
        from rich.table import Table as RichTable

        out = RichTable(**{k: _rich(v) for k, v in self.settings.items()})
        for header, settings in self.columns:
            out.add_column(_rich(header), **settings)
        for i, (cells, settings) in enumerate(self.rows):
            out.add_row(*(_rich(c) for c in cells), **settings)
            if i in self.sections:
                out.add_section()
        return out

    # --- plain layout ----------------------------------------------------------------------------
    def cells(self) -> tuple[list[str], list[list[str]]]:
        """Header and body texts as rich shows them (markup applied), or Unsupported."""
        known = {"title", "title_justify", "show_header", "header_style"}
        if set(self.settings) - known or (
            self.settings.get("title_justify", "center") != "left"
            and (self.settings.get("title") is not None)
        ):
            raise Unsupported("table settings")
        for _, settings in self.columns:
            extra = set(settings) - {"justify", "no_wrap", "style", "overflow", "min_width"}
            if extra or settings.get("justify", "left") not in ("left", "right"):
                raise Unsupported("column settings")
            if settings.get("min_width") is not None and (
                    type(settings["min_width"]) is not int or settings.get("justify", "left") != "left"):
                raise Unsupported("column settings")
        headers = [_cell_text(h) for h, _ in self.columns]
        body = []
        for cells, settings in self.rows:
            if settings or len(cells) > len(self.columns):
                raise Unsupported("row settings")
            body.append([_cell_text(c) for c in cells] + [""] * (len(self.columns) - len(cells)))
        return headers, body

    def widths(self, headers: list[str], body: list[list[str]]) -> list[int]:
        """Each column's natural width with its padding (rich Table._measure_column at no limit)."""
        show_header = self.settings.get("show_header", True)
        out = []
        for i, header in enumerate(headers):
            texts = (header.split("\n") if show_header else []) + [row[i] for row in body]
            # rich Table._measure_column clamps a column's measure to at least min_width + padding
            least = self.columns[i][1].get("min_width") or 0
            out.append(max(max((len(t) for t in texts), default=0), least) + 2)
        return out

    def fold(self, widths: list[int], width: int) -> dict[int, int]:
        """Narrow the folding columns (overflow "fold" with a min_width) by what the table is over
        `width`, as table_fit._fold does before any column is hidden: {column: its text width}."""
        folds: dict[int, int] = {}
        for i, (_, settings) in enumerate(self.columns):
            if settings.get("overflow") != "fold" or not settings.get("min_width"):
                continue
            over = sum(widths) + len(widths) + 1 - width
            if over <= 0:
                break
            narrowed = max(settings["min_width"] + 2, widths[i] - over)
            if narrowed < widths[i]:
                widths[i] = narrowed
                folds[i] = narrowed - 2
        return folds

    def lines(self, widths: list[int], headers: list[str], body: list[list[str]], width: int,
              folds: dict[int, int] | None = None) -> list[str]:
        """The table's lines at `widths` (its natural widths, which fit in `width`); the columns in
        `folds` wrap their cells at that many characters (rich's Text.wrap, overflow "fold"), a row
        as tall as its tallest cell, the others' lines blank below (rich's vertical "top")."""
        total = sum(widths) + len(widths) + 1
        if total > width:
            raise Unsupported("wider than the console")
        justify = [s.get("justify", "left") for _, s in self.columns]
        show_header = self.settings.get("show_header", True)
        out: list[str] = []
        title = self.settings.get("title")
        if title is not None:
            text = _cell_text(title)
            if len(text) > total:
                raise Unsupported("a title wider than the table")
            out.append(text.ljust(total))

        def one_line(cells: list[str], edge: str) -> str:
            parts = [
                " " + (c.rjust(w - 2) if j == "right" else c.ljust(w - 2)) + " "
                for c, w, j in zip(cells, widths, justify, strict=False)
            ]
            return edge + edge.join(parts) + edge

        def row(cells: list[str], edge: str, bottom: bool = False) -> list[str]:
            if not folds and not any("\n" in c for c in cells):
                return [one_line(cells, edge)]
            folding = folds or {}
            stacks = [[part for line in c.split("\n") for part in wrap(line, folding[k])]
                      if bottom and k in folding
                      else fold_name(c, folding[k]) if k in folding else c.split("\n")
                      for k, c in enumerate(cells[: len(widths)])]
            height = max(len(stack) for stack in stacks)
            # rich Table._render: the header's cells sit at the bottom of their row, the body's at the top
            stacks = [[""] * (height - len(s)) + s if bottom else s + [""] * (height - len(s))
                      for s in stacks]
            return [one_line([stack[h] for stack in stacks], edge) for h in range(height)]

        def rule(left: str, line: str, cross: str, right: str) -> str:
            return left + cross.join(line * w for w in widths) + right

        if show_header:
            out.append(rule("┏", "━", "┳", "┓"))
            out += row(headers, "┃", bottom=True)
            out.append(rule("┡", "━", "╇", "┩"))
        else:
            out.append(rule("┌", "─", "┬", "┐"))
        for i, cells in enumerate(body):
            out += row(cells, "│")
            if i in self.sections and i < len(body) - 1:
                out.append(rule("├", "─", "┼", "┤"))
        out.append(rule("└", "─", "┴", "┘"))
        return out


def _cell_text(cell: Any) -> str:
    text = cell.plain if isinstance(cell, Text) else _plain_markup(str(cell))
    if "\n" in text:
        raise Unsupported("a cell of several lines")
    return _check(text)


def _rich(value: Any) -> Any:
    return value.to_rich() if isinstance(value, (Text, Table)) else value


def wrap(line: str, width: int) -> list[str]:
    """One line of text wrapped at `width` cells as rich's Text.wrap does (overflow "fold")."""
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(line):
        start, word = match.start(), match.group(0)
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:  # longer than a whole line: folded in pieces of `width`
            pieces = [word[i : i + width] for i in range(0, len(word), width)]
            for k, piece in enumerate(pieces):
                if start:
                    breaks.append(start)
                if k == len(pieces) - 1:
                    offset = len(piece)
                else:
                    start += len(piece)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    out = []
    for a, b in zip([0, *breaks], [*breaks, len(line)], strict=True):
        piece = line[a:b]
        if len(piece) > width:  # whitespace past the width goes (rich Text.rstrip_end)
            trailing = len(piece) - len(piece.rstrip())
            piece = piece[: len(piece) - min(trailing, len(piece) - width)]
        out.append(piece[:width])
    return out


def foldable_name(cell: object) -> bool:
    """A cell fold_name folds: one word of plain text (no space, markup bracket or line break)."""
    return isinstance(cell, str) and not any(c.isspace() or c == "[" for c in cell)


def fold_name(name: str, width: int) -> list[str]:
    """A name folded at `width` after a hyphen where one falls in the line, else at `width` (a folding
    column: compare's model names). `Llama-3.1-8B-Instruct` at 20 read "Llama-3.1-8B-Instruc" / "t"
    (issue 15, newcomer round 12); now "Llama-3.1-8B-" / "Instruct". Both renderers fold with it."""
    if not foldable_name(name) or width < 1:
        return wrap(name, max(width, 1))
    lines: list[str] = []
    while len(name) > width:
        cut = name.rfind("-", 0, width) + 1 or width
        lines.append(name[:cut])
        name = name[cut:]
    return [*lines, name]


_LEAD = re.compile(r" *(?:[-!] )?")


def hanging(text: str, width: int, indent: int | None = None) -> str:
    """`text` wrapped at `width` with each line's continuation indented (issue 15: at 80 columns an
    assumption's second line started at column 0, as if it were the next item).

    A line that starts with spaces hangs 2 columns deeper (a "  - " or "  ! " bullet: under its text), or
    at `indent`; without `indent`, a line that starts at column 0, or one too narrow to hang, is left to
    the console. The
    pieces are rich's own (`wrap`), so both consoles print the same lines and re-wrap none of them.
    """
    out: list[str] = []
    for line in text.split("\n"):
        lead = len(_LEAD.match(line).group(0))  # type: ignore[union-attr]
        bullet = line[lead - 2 : lead] in ("- ", "! ")
        hang = indent if indent is not None else (lead if bullet else lead + 2)
        if (not lead and indent is None) or len(line) <= width or width - hang < 20:
            out.append(line)
            continue
        first = wrap(line, width)[0]
        rest = wrap(line[len(first) :].lstrip(), width - hang)
        out += [first.rstrip(), *(" " * hang + piece.rstrip() for piece in rest)]
    return "\n".join(out)


def env_cells(name: str) -> int | None:
    """COLUMNS or LINES as a number of cells: ASCII digits worth at least 1, else None (unusable).

    rich 14 (Console.__init__) reads both with str.isdigit() then int(): '²' passes isdigit() and
    fails int(), and '0' or '000' is a width that wraps every word into nothing; both were internal
    errors (issue 15). The CLI drops an unusable value at start (cli/terminal.py), as if unset.
    """
    value = os.environ.get(name)
    if value is None or not (value.isascii() and value.isdigit()) or int(value) < 1:
        return None
    return int(value)


def terminal_width() -> int:
    """The width rich's Console gives itself (rich 14 Console.__init__ and Console.size, POSIX)."""
    columns = env_cells("COLUMNS")
    if columns is not None:
        return columns
    for fd in (0, 1, 2):
        try:
            width = os.get_terminal_size(fd).columns
        except (AttributeError, ValueError, OSError):
            continue
        return width or 80
    return 80


class PlainConsole:
    """A stand-in for rich's Console(**settings) off a terminal; rich's own one prints what it cannot."""

    def __init__(self, **settings: Any) -> None:
        self.settings = settings
        self.width = terminal_width()
        self._rich: Any = None

    @property
    def file(self) -> Any:
        """sys.stdout at the time of writing, as rich's Console.file."""
        return sys.stdout

    def rich(self) -> Any:
        if self._rich is None:
            self._rich = rich_console(**self.settings)
        return self._rich

    def print(self, renderable: Any, **options: Any) -> None:
        try:
            lines = self.lines(renderable)
        except Unsupported:
            self.rich().print(_rich(renderable), **options)
            return
        self.write(lines)

    def write(self, lines: list[str]) -> None:
        """Write and flush, as rich's Console.print does after each call (stderr lines stay in order)."""
        self.file.write("".join(line + "\n" for line in lines))
        self.file.flush()

    def lines(self, renderable: Any) -> list[str]:
        if isinstance(renderable, Table):
            headers, body = renderable.cells()
            return renderable.lines(renderable.widths(headers, body), headers, body, self.width)
        if isinstance(renderable, Text):
            text = renderable.plain
        elif isinstance(renderable, str):
            text = _plain_markup(renderable)
        else:
            raise Unsupported("a renderable of rich's own")
        _check(text)
        return [piece for line in text.split("\n") for piece in wrap(line, self.width)]


def plain_output() -> bool:
    """True when rich would write no styles to stdout: not a terminal, and nothing forces one."""
    env = os.environ
    if any(k in env for k in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS")):
        return False
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower()
    try:
        return not sys.stdout.isatty() and encoding.startswith("utf") and sys.platform != "win32"
    except (AttributeError, ValueError):
        return False


def console(**settings: Any) -> Any:
    """A PlainConsole where rich would print plain text, else rich's Console(**settings)."""
    if plain_output():
        return PlainConsole(**settings)
    return rich_console(**settings)


_PIPE_CONSOLE: list[type] = []


def rich_console(**settings: Any) -> Any:
    """rich's Console(**settings), except that a closed stdout raises BrokenPipeError.

    rich 14's Console.on_broken_pipe points stdout at /dev/null and raises SystemExit(1) itself, so
    `llmsize models | head -1` ended with 1 while the plain path ended as the CLI decides (issue 15).
    rich documents overriding it in a subclass; here it leaves the ending to the CLI
    (cli/outcome.reader_left), whichever console wrote. Every rich console of a report is built here.
    """
    if not _PIPE_CONSOLE:
        import errno

        from rich.console import Console

        class PipeConsole(Console):
            def on_broken_pipe(self) -> None:
                self.quiet = True
                raise BrokenPipeError(errno.EPIPE, "stdout's reader left")

        _PIPE_CONSOLE.append(PipeConsole)
    return _PIPE_CONSOLE[0](**settings)


def kit(con: Any) -> tuple[Any, Any]:
    """(Table, Text) classes that go with `con`: the plain ones for a PlainConsole, else rich's."""
    if isinstance(con, PlainConsole):
        return Table, Text
    from rich.table import Table as RichTable
    from rich.text import Text as RichText

    return RichTable, RichText


def _fitted(table: Table, con: PlainConsole, keep: int) -> tuple[list[str], list[str]]:
    """The table's lines with columns hidden from the right until it fits, and the hidden headers
    (rightmost first); Unsupported where rich must lay it out."""
    from llmsize.report.table_fit import stacked_header

    headers, body = table.cells()
    widths = table.widths(headers, body)
    if sum(widths) + len(widths) + 1 > con.width:  # table_fit.fit_columns: two-line headers first
        stacked = [stacked_header(h) for h, _ in table.columns]
        if any(new is not old for new, (old, _) in zip(stacked, table.columns, strict=True)):
            headers = [text if new is old else "\n".join(_cell_text(line) for line in str(new).split("\n"))
                       for new, (old, _), text in zip(stacked, table.columns, headers, strict=True)]
            widths = table.widths(headers, body)
    folds = table.fold(widths, con.width)  # a folding column narrows before any column is hidden
    hidden: list[str] = []
    while len(widths) > keep and sum(widths) + len(widths) + 1 > con.width:
        widths.pop()
        headers.pop()
        body = [row[:-1] for row in body]
        hidden.append(" ".join(str(table.columns[len(widths)][0]).split()))
    return table.lines(widths, headers, body, con.width, folds), hidden


def shown_columns(table: Table, con: PlainConsole, keep: int = 1) -> int:
    """How many columns, from the left, print_fitted prints of `table` at this console's width."""
    try:
        return len(table.columns) - len(_fitted(table, con, keep)[1])
    except Unsupported:
        from llmsize.report.table_fit import shown_columns as rich_shown

        return rich_shown(table.to_rich(), con.rich(), keep)


def print_fitted(table: Table, con: PlainConsole, keep: int = 1) -> None:
    """table_fit.print_fitted for a plain table: hide columns from the right until it fits."""
    try:
        lines, hidden = _fitted(table, con, keep)
    except Unsupported:
        from llmsize.report.table_fit import print_fitted as rich_print_fitted

        rich_print_fitted(table.to_rich(), con.rich(), keep)
        return
    con.write(lines)
    if hidden:
        con.print(
            Text(
                f"(not shown at {con.width} columns: {', '.join(hidden[::-1])}; widen the terminal or "
                "use --format json)",
                style="dim",
            )
        )
