"""Text from the data made safe to print on a terminal.

A label, a literal or an IRI can hold characters a terminal acts on instead of showing:
ESC starts a control sequence (colours, moving the cursor, changing the window title),
CR returns to the start of the line and overwrites it, BS erases, BEL rings, and the
bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE...) show text in another order
than it is. :func:`printable` replaces each of them by a visible escape (``\\x1b``,
``\\r``, ``\\u202e``), so that what is printed is what the data says.

Only text meant for people goes through it: the text output of the commands, their
tables and their error messages. The machine formats (JSON, CSV, TSV, XML, Turtle,
N-Triples, N-Quads) keep every character as it is, escaped by their own rules.
"""

from __future__ import annotations

import re

__all__ = ["printable"]

_UNSAFE = re.compile(
    "["
    "\x00-\x08\x0b-\x1f\x7f"  # C0 controls but TAB and LF, and DEL
    "\x80-\x9f"  # C1 controls (U+009B is a one-character ESC [)
    "\u061c\u200e\u200f"  # Arabic letter mark, left-to-right and right-to-left marks
    "\u202a-\u202e"  # bidirectional embeddings and overrides
    "\u2066-\u2069"  # bidirectional isolates
    "\u2028\u2029"  # line and paragraph separators
    "]"
)
_NAMED = {"\r": "\\r", "\b": "\\b", "\a": "\\a", "\f": "\\f", "\v": "\\v", "\0": "\\0"}


def _escape(found: re.Match[str]) -> str:
    char = found.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with each character a terminal would act on written as a visible escape:
    ``\\x1b`` for ESC, ``\\r``, ``\\u202e``... Tabs and line feeds are kept; so is
    everything else, backslashes included."""
    return _UNSAFE.sub(_escape, text)
