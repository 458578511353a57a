"""The tokens of a SPARQL query's text, for rewrites that must not touch what
strings, IRIs and comments hold."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

__all__ = ["tokens", "where_group"]

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      | '''(?:[^'\\]|\\.|'(?!''))*'''
      | "(?:[^"\\\n\r]|\\.)*"
      | '(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """``(kind, start, end)`` for each token of ``text`` but spaces and comments; kinds
    are ``string``, ``iri``, ``open``, ``close``, ``lparen``, ``rparen``, ``word``
    (a name: keyword, prefix, local name or variable name) and ``other`` (one
    character)."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("space", "comment"):
            yield kind, match.start(), match.end()


def where_group(kinds: Sequence[str]) -> tuple[int, int] | None:
    """The indexes, among the tokens whose ``kinds`` are given, of the braces of the
    outermost ``WHERE`` group: the first ``{`` outside parentheses (the prologue has
    none, and a ``SELECT`` expression keeps its braces in parentheses) and its match;
    ``None`` when there is no such group or it is not closed."""
    depth, opening = 0, None
    for i, kind in enumerate(kinds):
        if kind == "lparen":
            depth += 1
        elif kind == "rparen":
            depth -= 1
        elif kind == "open" and depth == 0:
            opening = i
            break
    if opening is None:
        return None
    braces = 0
    for i in range(opening, len(kinds)):
        if kinds[i] == "open":
            braces += 1
        elif kinds[i] == "close":
            braces -= 1
            if braces == 0:
                return opening, i
    return None
