"""Commands that ask the graph questions: ``queries``, ``query``, ``sparql``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from aiplus_kg.cli.options import (
    EXIT_CODES,
    REMOTE_EXIT_CODES,
    emit_json,
    endpoint_timeout_option,
    format_option,
    knowledge_graph,
    max_answer_size_option,
    param_option,
    write_bytes,
)
from aiplus_kg.defaults import DEFAULT_LOCAL_DEADLINE, DEFAULT_LOCAL_MAX_ROWS, DEFAULT_MEMORY_MB
from aiplus_kg.project import display_path
from aiplus_kg.query.results import FORMATS

__all__ = ["queries", "query", "sparql"]

results_format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(list(FORMATS)),
    default="table",
    show_default=True,
    help="table: labels instead of IRIs; csv, tsv, json, xml: the W3C SPARQL 1.1 results formats.",
)
limit_option = click.option(
    "--limit", type=click.IntRange(min=0), default=None, help="Write at most N rows."
)
iris_option = click.option(
    "--iris", is_flag=True, help="Table: show IRIs (as prefixed names) instead of labels."
)


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


@click.command(epilog=REMOTE_EXIT_CODES)
@click.argument("name")
@param_option
@results_format_option
@limit_option
@iris_option
@click.option(
    "--endpoint",
    metavar="URL",
    default=None,
    help="Run the query on this SPARQL 1.1 endpoint instead of the local graph.",
)
@endpoint_timeout_option
@max_answer_size_option
@click.pass_context
def query(
    ctx: click.Context,
    name: str,
    params: tuple[str, ...],
    output_format: str,
    limit: int | None,
    iris: bool,
    endpoint: str | None,
    timeout: float,
    max_answer_size: int,
) -> None:
    """Run the saved query NAME (see: aiplus queries).

    With --endpoint, the query runs on a remote SPARQL 1.1 endpoint (Fuseki, GraphDB,
    Virtuoso, Oxigraph, QLever, aiplus serve...) holding the graph as aiplus push or
    aiplus export --format nq loads it, its default graph being the union of the named
    graphs; parameters are resolved with the local graph and bound in the query text,
    so the rows are the ones the local run gives.
    """
    from aiplus_kg.query.parameters import parse_assignments
    from aiplus_kg.query.results import serialize_results

    kg = knowledge_graph(ctx)
    saved = kg.saved_query(name)
    given = parse_assignments(params)
    if endpoint is not None:
        from aiplus_kg.query import remote

        target = remote.endpoint(endpoint, timeout=timeout, max_answer_size=max_answer_size)
        needs_graph = bool(given or saved.parameters) or output_format == "table"
        values = kg.bind(saved, given) if needs_graph else {}
        answer = remote.run_saved_remote(target, saved, values).limited(limit)
        labels = kg.labels if needs_graph else None
        write_bytes(serialize_results(answer, output_format, labels, iris=iris, fixed=values))
        return
    run = kg.query(saved, given)
    results = run.results.limited(limit)
    write_bytes(
        serialize_results(results, output_format, run.labels, iris=iris, fixed=run.bindings)
    )


@click.command(epilog=EXIT_CODES)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@results_format_option
@limit_option
@iris_option
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
@click.option(
    "--memory",
    "memory_mb",
    type=click.IntRange(min=0),
    default=DEFAULT_MEMORY_MB,
    show_default=True,
    metavar="MB",
    help="Memory the query may take beyond the loaded graph (0: no cap).",
)
@click.pass_context
def sparql(
    ctx: click.Context,
    file: Path,
    output_format: str,
    limit: int | None,
    iris: bool,
    deadline: float,
    max_rows: int,
    memory_mb: int,
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
    from aiplus_kg.query.results import serialize_results

    kg = knowledge_graph(ctx)
    if str(file) == "-":
        text, shown = sys.stdin.read(), "<stdin>"
    else:
        shown = display_path(file, kg.project.root)
        text = read_text(file, display=shown)
    limits = QueryLimits(deadline or None, max_rows or None, memory_mb or None)
    kg.query_source()  # loaded once, here: the query's own process shares it
    results = run_limited(lambda: kg.sparql(text, display=shown), limits, shown)
    write_bytes(serialize_results(results.limited(limit), output_format, kg.labels, iris=iris))
