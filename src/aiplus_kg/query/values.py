"""Bind a query's parameters in its text, for an engine that takes text only.

Locally, a saved query's parameters are pre-bound with rdflib's ``initBindings``:
every pattern, ``FILTER`` and ``BIND`` of the query sees them. A remote endpoint only
takes text, and where the values go in the text matters: a ``VALUES`` block appended
after the query (what rdflib's ``SPARQLStore`` does) is joined after the ``WHERE``
pattern, its filters and its aggregates have run, so ``FILTER(CONTAINS(?label,
?_text))`` sees an unbound ``?_text`` and the results change.

:func:`bind_values` instead puts a ``VALUES`` block at the start of the outermost
``WHERE`` group::

    SELECT ?_chip_iri ?model WHERE { VALUES (?_chip_iri) { (<https://...>) } ... }

which joins the values with everything the group holds, so each pattern, filter,
``BIND``, ``OPTIONAL`` and ``MINUS`` of the group sees them. (A ``WHERE`` that is a
bare subquery, ``{ SELECT ... }``, is wrapped: ``{ VALUES ... { SELECT ... } }``.)
The values are written as N-Triples terms, so no value can change what the query
does. The rewritten text is parsed again to check that the block landed there.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping

from pyparsing import ParseException
from rdflib import Literal, URIRef
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from aiplus_kg.errors import InputError, InternalError
from aiplus_kg.query.tokens import tokens as sparql_tokens
from aiplus_kg.query.tokens import where_group

__all__ = ["bind_values", "sparql_term", "values_block"]

_PARSE_LOCK = threading.Lock()
"""rdflib's query parser (pyparsing) is not thread-safe: one parse at a time."""

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}


def sparql_term(node: Node) -> str:
    """``node`` in N-Triples syntax, which SPARQL reads as the same term."""
    if isinstance(node, URIRef):
        if _IRI_FORBIDDEN.search(str(node)):
            raise InputError(f"cannot send the IRI <{node}>: it holds a character IRIs may not")
        return f"<{node}>"
    if isinstance(node, Literal):
        text = '"' + "".join(_ESCAPES.get(c, c) for c in str(node)) + '"'
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None:
            return f"{text}^^{sparql_term(node.datatype)}"
        return text
    raise InputError(f"cannot send {node.n3()} to an endpoint: only IRIs and literals can be bound")


def values_block(bindings: Mapping[str, Node]) -> str:
    """``VALUES (?a ?b) { (<x> "y") }`` for one row of bindings."""
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(sparql_term(term) for term in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


def _where_group(text: str) -> tuple[int, int, bool]:
    """The offsets of the braces of the outermost ``WHERE`` group (see
    :func:`~aiplus_kg.query.tokens.where_group`), and whether the group is a bare
    subquery."""
    found = list(sparql_tokens(text))
    group = where_group([kind for kind, _, _ in found])
    if group is None:
        raise InternalError("no complete WHERE group found in the query")
    opening, closing = group
    kind, start, end = found[opening + 1]
    subquery = kind == "word" and text[start:end].upper() == "SELECT"
    return found[opening][1], found[closing][1], subquery


def _first_part(text: str) -> CompValue | None:
    try:
        with _PARSE_LOCK:
            parsed = parseQuery(text)
    except ParseException:
        return None
    where = parsed[1].get("where")
    if not isinstance(where, CompValue) or where.name != "GroupGraphPatternSub":
        return None
    parts = where.get("part") or []
    return parts[0] if parts else None


def bind_values(text: str, bindings: Mapping[str, Node]) -> str:
    """``text`` with ``bindings`` (variable name -> term) in a ``VALUES`` block at the
    start of its outermost ``WHERE`` group (see the module docstring)."""
    if not bindings:
        return text
    opening, closing, subquery = _where_group(text)
    block = values_block(bindings)
    if subquery:
        rewritten = (
            f"{text[: opening + 1]} {block} {{{text[opening + 1 : closing]}}} {text[closing:]}"
        )
    else:
        rewritten = f"{text[: opening + 1]} {block}\n{text[opening + 1 :]}"
    part = _first_part(rewritten)
    wanted = [str(name) for name in bindings]
    if (
        part is None
        or part.name != "InlineData"
        or [str(v) for v in part.get("var") or []] != wanted
    ):
        raise InternalError("could not bind the parameters at the start of the WHERE group")
    return rewritten
