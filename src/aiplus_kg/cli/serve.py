"""``aiplus serve``: a read-only SPARQL 1.1 endpoint over the graph."""

from __future__ import annotations

import click

from aiplus_kg.cli.options import knowledge_graph, memory_option
from aiplus_kg.defaults import (
    DEFAULT_DEADLINE,
    DEFAULT_HOST,
    DEFAULT_MAX_ROWS,
    DEFAULT_PORT,
    DEFAULT_WORKERS,
)

__all__ = ["serve"]

SERVE_EXIT_CODES = """\b
Exit codes:
  0  stopped with Ctrl-C or SIGTERM
  2  bad input or usage (the project does not load, the port is taken, the
     workers cannot start within the limits, bad option)
  3  internal error"""


@click.command(epilog=SERVE_EXIT_CODES)
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port (0: any free port).",
)
@click.option(
    "--deadline",
    "--timeout",
    "deadline",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_DEADLINE,
    show_default=True,
    help="Seconds a request may take, waiting included; past it the query is stopped (503).",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_ROWS,
    show_default=True,
    help="A query with more rows is refused (HTTP 400).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=DEFAULT_WORKERS,
    show_default=True,
    help="Worker processes answering queries; each holds the whole graph.",
)
@memory_option(" in a worker")
@click.option(
    "--allow-host",
    "hosts",
    multiple=True,
    metavar="NAME",
    help="A Host header to answer (repeatable); default: the bound address.",
)
@click.option("--quiet", is_flag=True, help="Do not log each request on standard error.")
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    deadline: float,
    max_rows: int,
    workers: int,
    memory_mb: int,
    hosts: tuple[str, ...],
    quiet: bool,
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint.

    \b
    /sparql               SPARQL 1.1 Protocol (GET, POST); no query: service description
    /queries              the saved queries, as JSON
    /queries/NAME?P=V     a saved query with its parameters
    Results: JSON, XML, CSV or TSV, by Accept header or format=json|xml|csv|tsv.

    \b
    /id/NAME              an entity: its page (HTML) or its description in
                          Turtle, N-Triples, JSON-LD, TriG or N-Quads, by the
                          Accept header; also /source/STEM, /ontology,
                          /ontology/TERM, /query/NAME and the site's other pages
                          (the pages of aiplus site, rendered at start)

    Every query runs in a sandboxed worker process with a deadline, a row cap and a
    memory cap; a worker that dies is replaced. Updates, SERVICE and FROM outside the
    graph are refused; answers are streamed. Binds 127.0.0.1 by default, and answers
    only requests naming the bound address in their Host header.
    """
    from aiplus_kg.serve import server as sparql_server

    kg = knowledge_graph(ctx)
    server = sparql_server.make_server(
        kg.project,
        engine=kg.engine,
        host=host,
        port=port,
        deadline=deadline,
        max_rows=max_rows,
        workers=workers,
        memory_mb=memory_mb or None,
        hosts=hosts,
        quiet=quiet,
    )
    if not sparql_server.is_loopback(host):
        click.echo(f"aiplus: warning: listening on {host}, beyond this machine", err=True)
    click.echo(f"aiplus: serving {server.base_url}/sparql (Ctrl-C stops)", err=True)
    click.echo(f"aiplus: pages at {server.base_url}/", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    click.echo("aiplus: stopped", err=True)
