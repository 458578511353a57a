"""Commands that ask the graph questions: ``queries``, ``query``, ``sparql``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from aiplus_kg.cli.options import (
    EXIT_CODES,
    REMOTE_EXIT_CODES,
    emit_json,
    endpoint_timeout_option,
    format_option,
    knowledge_graph,
    labels_option,
    lang_option,
    max_answer_size_option,
    memory_option,
    param_option,
    table_width,
    truncate_option,
    width_option,
    write_bytes,
)
from aiplus_kg.defaults import DEFAULT_LOCAL_DEADLINE, DEFAULT_LOCAL_MAX_ROWS
from aiplus_kg.project import display_path
from aiplus_kg.query.results import FORMATS

if TYPE_CHECKING:
    from rdflib.term import Node

    from aiplus_kg.load.terms import TripleSource
    from aiplus_kg.query.results import Results

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["queries", "query", "sparql"]

results_format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(list(FORMATS)),
    default="table",
    show_default=True,
    help="table: labels instead of IRIs; csv, tsv, json, xml: the W3C SPARQL 1.1 results "
    "formats (with --labels, a label column after each column of IRIs).",
)
limit_option = click.option(
    "--limit", type=click.IntRange(min=0), default=None, help="Write at most N rows."
)
iris_option = click.option(
    "--iris", is_flag=True, help="Table: show IRIs (as prefixed names) instead of labels."
)


def answer_options(command: F) -> F:
    """What ``query`` and ``sparql`` share: --format, --limit, --iris, --labels, --lang,
    --width and --truncate."""
    for option in reversed(
        [
            results_format_option,
            limit_option,
            iris_option,
            labels_option,
            lang_option,
            width_option,
            truncate_option,
        ]
    ):
        command = option(command)
    return command


@dataclass(frozen=True)
class Shown:
    """How an answer is written: the options of :func:`answer_options`."""

    output_format: str
    limit: int | None
    iris: bool
    labels: bool
    lang: str
    width: int | None
    truncate: bool

    def write(
        self,
        results: Results,
        labels: TripleSource | None,
        fixed: Mapping[str, Node] | None = None,
    ) -> None:
        from aiplus_kg.query.results import serialize_results

        answer = serialize_results(
            results.limited(self.limit),
            self.output_format,
            labels,
            iris=self.iris,
            labels=self.labels,
            lang=self.lang,
            fixed=fixed,
            width=table_width(self.width) if self.output_format == "table" else None,
            truncate=self.truncate,
        )
        write_bytes(answer)


@click.command(epilog=EXIT_CODES)
@format_option
@click.pass_context
def queries(ctx: click.Context, output_format: str) -> None:
    """List the saved queries (queries/*.rq): name, summary, parameters and defaults."""
    from aiplus_kg.query.catalogue import catalogue_dict, render_catalogue

    catalogue = knowledge_graph(ctx).saved_queries()
    if output_format == "json":
        emit_json(catalogue_dict(catalogue))
    else:
        click.echo(render_catalogue(catalogue), nl=False)


QUERY_EXIT_CODES = REMOTE_EXIT_CODES.replace(
    "  0  success\n",
    "  0  success\n  1  the endpoint's answer is or looks cut short (see --allow-partial)\n",
    1,
)


@click.command(epilog=QUERY_EXIT_CODES)
@click.argument("name")
@param_option
@answer_options
@click.option(
    "--endpoint",
    metavar="URL",
    default=None,
    help="Run the query on this SPARQL 1.1 endpoint instead of the local graph.",
)
@endpoint_timeout_option
@max_answer_size_option
@click.option(
    "--allow-partial",
    is_flag=True,
    help="With --endpoint: write an answer the endpoint cut short (its row cap, its "
    "time limit) with a warning, instead of refusing it.",
)
@click.pass_context
def query(
    ctx: click.Context,
    /,
    name: str,
    params: tuple[str, ...],
    endpoint: str | None,
    timeout: float,
    max_answer_size: int,
    allow_partial: bool,
    **shown: Any,
) -> None:
    """Run the saved query NAME (see: aiplus queries).

    With --endpoint, the query runs on a remote SPARQL 1.1 endpoint (Fuseki, GraphDB,
    Virtuoso, Oxigraph, QLever, aiplus serve...) holding the graph as aiplus push or
    aiplus export --format nq loads it, its default graph being the union of the named
    graphs; parameters are resolved with the local graph and bound in the query text,
    so the rows are the ones the local run gives.

    An answer the endpoint cut short (Virtuoso's X-SPARQL-MaxRows, its partial answer
    to a query past its time limit, or exactly as many rows as a known silent cap such
    as 10000) is refused with exit code 1, unless --allow-partial.

    The table shows a parameter's value once, above the rows; the other formats leave
    the parameters' columns out.
    """
    from aiplus_kg.query.parameters import parse_assignments

    how = Shown(**shown)
    kg = knowledge_graph(ctx)
    saved = kg.saved_query(name)
    given = parse_assignments(params)
    if endpoint is not None:
        from aiplus_kg.query import remote

        target = remote.endpoint(endpoint, timeout=timeout, max_answer_size=max_answer_size)
        needs_graph = bool(given or saved.parameters) or how.output_format == "table" or how.labels
        values = kg.bind(saved, given) if needs_graph else {}
        answer = remote.run_saved_remote(
            target, saved, values, allow_partial=allow_partial, warn=_warn
        )
        how.write(answer, kg.labels if needs_graph else None, values)
        return
    run = kg.query(saved, given)
    how.write(run.results, run.labels, run.bindings)


def _warn(message: str) -> None:
    click.echo(f"aiplus: warning: {message}", err=True)


@click.command(epilog=EXIT_CODES)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@answer_options
@click.option(
    "--deadline",
    type=click.FloatRange(min=0),
    default=DEFAULT_LOCAL_DEADLINE,
    show_default=True,
    metavar="SECONDS",
    help="Stop the query past this many seconds (0: no deadline).",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=0),
    default=DEFAULT_LOCAL_MAX_ROWS,
    show_default=True,
    help="Refuse an answer with more rows (0: no cap).",
)
@memory_option("")
@click.pass_context
def sparql(
    ctx: click.Context,
    /,
    file: Path,
    deadline: float,
    max_rows: int,
    memory_mb: int,
    **options: Any,
) -> None:
    """Run a read-only SPARQL query from FILE (- for standard input).

    SELECT and ASK only; the project prefixes (aip:, id:, src:, ...) are declared.
    Updates, LOAD, SERVICE, and FROM or FROM NAMED of anything but the dataset's own
    graphs are refused: a query never reaches the network or the file system. The
    query runs under the guard aiplus serve uses: a deadline, a row cap and a memory
    cap (exit 2 past one of them).
    """
    from aiplus_kg.load.turtle import read_text
    from aiplus_kg.query.limits import QueryLimits, run_limited

    kg = knowledge_graph(ctx)
    if str(file) == "-":
        text, shown = sys.stdin.read(), "<stdin>"
    else:
        shown = display_path(file, kg.project.root)
        text = read_text(file, display=shown)
    limits = QueryLimits(deadline or None, max_rows or None, memory_mb or None)
    kg.query_source()  # loaded once, here: the query's own process shares it
    results = run_limited(lambda: kg.sparql(text, display=shown), limits, shown)
    Shown(**options).write(results, kg.labels)
