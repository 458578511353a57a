"""The tokens of a SPARQL query's text, for rewrites that must not touch what
strings, IRIs and comments hold."""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["tokens"]

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
