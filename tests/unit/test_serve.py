"""``aiplus serve`` without a server: content negotiation of the results formats, and
the parameters of a request."""

from __future__ import annotations

import urllib.parse

from hypothesis import given, settings
from hypothesis import strategies as st

from aiplus_kg.errors import InputError
from aiplus_kg.serve.server import MAX_FIELDS, acceptable_formats, parse_parameters


def test_acceptable_formats() -> None:
    assert acceptable_formats(None) == ["json", "xml", "csv", "tsv"]
    assert acceptable_formats("text/*;q=0.9, application/sparql-results+xml") == [
        "xml",
        "csv",
        "tsv",
    ]
    assert acceptable_formats("*/*, text/csv;q=0") == ["json", "xml", "tsv"]
    assert acceptable_formats("text/html") == []
    assert acceptable_formats("text/html", "csv") == ["csv"]


@given(st.binary(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_query_string_gives_parameters_or_one_input_error(raw: bytes) -> None:
    """Whatever bytes a client sends as a query string or a form body: parameters, or
    an InputError (serve: a 400 with one line), never another exception."""
    try:
        params = parse_parameters(raw)
    except InputError as exc:
        refusal = str(exc)
    else:
        refusal = ""
    if refusal:
        assert "\n" not in refusal
        return
    assert len(params) <= MAX_FIELDS
    for name, value in params.items():
        assert isinstance(name, str)
        assert isinstance(value, str)


@given(st.dictionaries(st.text(min_size=1, max_size=10), st.text(max_size=20), max_size=10))
@settings(max_examples=200, deadline=None)
def test_parameters_come_back_as_sent(sent: dict[str, str]) -> None:
    assert parse_parameters(urllib.parse.urlencode(sent).encode("ascii")) == sent
