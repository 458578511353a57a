"""Aligned plain-text tables."""

from __future__ import annotations

from collections.abc import Sequence

from aiplus_kg.views.terminal import printable

__all__ = ["table"]


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, title: str = "") -> str:
    """Render ``rows`` under ``headers`` as an aligned text table.

    Numbers are right-aligned, everything else left-aligned. Ends with a newline. The
    characters a terminal would act on are shown escaped (see
    :func:`~aiplus_kg.views.terminal.printable`), before the columns are measured.
    """
    cells = [[printable(str(c)) for c in headers], *[[_cell(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(isinstance(row[i], int | float) for row in rows) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [printable(title)] if title else []
    out.append(line(cells[0]))
    out.append("  ".join("-" * w for w in widths))
    out.extend(line(row) for row in cells[1:])
    return "\n".join(out) + "\n"


def _cell(value: object) -> str:
    return "" if value is None else printable(str(value))
