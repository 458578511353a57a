"""The ``aiplus`` command line: glue between click and the library, one module per
group of commands."""

from __future__ import annotations

from aiplus_kg.cli.browse import describe, docs, path, stats
from aiplus_kg.cli.check import check, fmt, validate
from aiplus_kg.cli.contribute import new_article
from aiplus_kg.cli.draw import draw
from aiplus_kg.cli.export import describe_dataset, export, push
from aiplus_kg.cli.main import cli, main
from aiplus_kg.cli.query import queries, query, sparql
from aiplus_kg.cli.serve import serve
from aiplus_kg.cli.site import site

__all__ = ["cli", "main"]

for _command in (
    stats,
    describe,
    export,
    push,
    serve,
    site,
    fmt,
    check,
    validate,
    new_article,
    queries,
    query,
    sparql,
    path,
    draw,
    docs,
    describe_dataset,
):
    cli.add_command(_command)
