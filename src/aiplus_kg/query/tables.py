"""Aligned plain-text tables, sized to a width when asked.

Columns are as wide as their longest cell. Given a ``width`` (the terminal's, or
``--width``), a table wider than it gets narrower columns: the columns that fit a fair
share keep their width, numbers always do, and the others share what is left; a cell
longer than its column is wrapped over several lines at spaces (a word longer than the
column is broken), or, with ``truncate``, cut with ``…``. Without a width nothing is
wrapped or cut: that is what goes into a file or a pipe.

Widths count terminal columns: a Chinese character takes two.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from aiplus_kg.views.terminal import printable

__all__ = ["ELLIPSIS", "MIN_COLUMN", "cut", "display_width", "grouped", "table", "wrap"]

ELLIPSIS = "…"
MIN_COLUMN = 8
"""The narrowest a column gets when the table is made to fit (unless its cells are
narrower)."""
LONG_WORD = 30
"""Words up to this long are not broken when the columns can hold them."""
SEPARATOR = "  "


def _longest_word(text: str) -> int:
    return max((display_width(word) for word in text.split()), default=0)


def display_width(text: str) -> int:
    """How many terminal columns ``text`` takes: East Asian wide and full-width
    characters take two, combining marks none."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _split_at(text: str, width: int) -> tuple[str, str]:
    """``text`` split after at most ``width`` columns (at least one character)."""
    used = 0
    for i, char in enumerate(text):
        used += display_width(char)
        if used > width and i > 0:
            return text[:i], text[i:]
    return text, ""


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` columns, ending with ``…`` when it was cut."""
    if display_width(text) <= width:
        return text
    return _split_at(text, max(width - 1, 1))[0] + ELLIPSIS


def wrap(text: str, width: int) -> list[str]:
    """``text`` over lines of at most ``width`` columns, broken at spaces; a word longer
    than a line is broken where the line ends. Nothing is lost but the spaces at the
    breaks."""
    if display_width(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if display_width(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        while display_width(line) > width:
            head, line = _split_at(line, width)
            lines.append(head)
    if line or not lines:
        lines.append(line)
    return lines


def grouped(value: int | float) -> str:
    """A number with thousands separators: ``1,234,567``, ``12,345.5``."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    text = repr(value)
    if "e" in text or "n" in text:  # 1e+20, nan, inf: as Python writes them
        return text
    whole, _, fraction = text.partition(".")
    return f"{int(whole):,}" + (f".{fraction}" if fraction else "")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return grouped(value)
    return printable(str(value))


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _narrowing_cost(natural: int, word: int, width: int) -> int:
    """What narrowing a column from ``width`` by one costs: the lines its longest cell
    (``natural`` wide) gains, and 2 more when its longest word (``word``) gets broken."""
    lines = -(-natural // (width - 1)) - -(-natural // width)
    return lines + (2 if width - 1 < min(word, natural) else 0)


def _fit(
    natural: list[int], floors: Sequence[list[int]], fixed: list[bool], width: int
) -> list[int]:
    """Column widths, from their ``natural`` ones, that fit ``width`` with the separators
    when they can. ``fixed`` columns (numbers) keep theirs. The others get at least the
    first of their ``floors`` that lets every column have it (else the last one, then
    narrowed a column at a time where that adds the fewest lines and breaks the fewest
    words, down to :data:`MIN_COLUMN`); what is left goes, a column at a time, to the
    column whose longest cell needs the most lines, so that long texts get the room."""
    count = len(natural)
    budget = width - len(SEPARATOR) * (count - 1)
    if sum(natural) <= budget:
        return list(natural)
    flexible = [i for i in range(count) if not fixed[i]]
    budget -= sum(natural[i] for i in range(count) if fixed[i])

    def floored(floor: list[int]) -> list[int]:
        return [
            min(natural[i], max(floor[i], MIN_COLUMN)) if i in flexible else natural[i]
            for i in range(count)
        ]

    widths = list(natural)
    for floor in floors:
        widths = floored(floor)
        if sum(widths[i] for i in flexible) <= budget:
            break
    else:  # narrow, a column at a time, the one that loses least by it
        excess = sum(widths[i] for i in flexible) - budget
        while excess > 0:
            narrowable = [i for i in flexible if widths[i] > MIN_COLUMN]
            if not narrowable:
                break
            costs = {i: _narrowing_cost(natural[i], floors[-1][i], widths[i]) for i in narrowable}
            widths[min(narrowable, key=lambda i: (costs[i], -widths[i], i))] -= 1
            excess -= 1
    spare = budget - sum(widths[i] for i in flexible)
    while spare > 0:
        short = [i for i in flexible if widths[i] < natural[i]]
        if not short:
            break
        neediest = max(short, key=lambda i: (-(-natural[i] // widths[i]), natural[i], -i))
        widths[neediest] += 1
        spare -= 1
    return widths


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    title: str = "",
    width: int | None = None,
    truncate: bool = False,
    right: Sequence[bool] | None = None,
) -> str:
    """Render ``rows`` under ``headers`` as an aligned text table, ending with a newline.

    Numbers (``int``, ``float``) are written with thousands separators and right-aligned,
    and so is every column ``right`` says (cells already written as numbers); everything
    else is left-aligned. With ``width``, the table is made to fit it (see the module
    docstring): cells are wrapped, or cut with ``…`` when ``truncate``. The characters a
    terminal would act on are shown escaped (see
    :func:`~aiplus_kg.views.terminal.printable`), before the columns are measured.
    """
    count = len(headers)
    cells = [[printable(str(c)) for c in headers], *[[_cell(c) for c in row] for row in rows]]
    numeric = [
        bool(right[i]) if right is not None else False
        for i in range(count)  # columns the caller says hold numbers
    ]
    for i in range(count):
        values = [row[i] for row in rows if row[i] is not None]
        if values and all(_is_number(v) for v in values):
            numeric[i] = True
    natural = [
        max(display_width(line) for row in cells for line in row[i].split("\n"))
        for i in range(count)
    ]
    if width is None or width <= 0:
        widths = natural
    else:
        heading = [display_width(h) for h in cells[0]]
        words = [
            max([min(_longest_word(row[i]), LONG_WORD) for row in cells[1:]], default=0)
            for i in range(count)
        ]
        both = [max(h, w) for h, w in zip(heading, words, strict=True)]
        widths = _fit(natural, [both, words], numeric, width)

    def lines_of(text: str, column: int) -> list[str]:
        room = widths[column]
        if truncate:
            return [cut(line, room) for line in text.split("\n")]
        return [part for line in text.split("\n") for part in wrap(line, room)]

    def pad(text: str, column: int) -> str:
        room = widths[column] - display_width(text)
        return " " * room + text if numeric[column] else text + " " * room

    def render(values: Sequence[str]) -> list[str]:
        split = [lines_of(v, i) for i, v in enumerate(values)]
        height = max((len(s) for s in split), default=1)
        return [
            SEPARATOR.join(
                pad(s[line] if line < len(s) else "", i) for i, s in enumerate(split)
            ).rstrip()
            for line in range(height)
        ]

    out = [printable(title)] if title else []
    out.extend(render(cells[0]))
    out.append(SEPARATOR.join("-" * w for w in widths))
    for row in cells[1:]:
        out.extend(render(row))
    return "\n".join(out) + "\n"
