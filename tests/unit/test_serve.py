"""``aiplus serve`` without a server: content negotiation of the results formats."""

from __future__ import annotations

from aiplus_kg.serve.server import acceptable_formats


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
