"""The ``aiplus`` command line: glue between click and the library."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from aiplus_kg import __version__
from aiplus_kg.defaults import (
    DEFAULT_DEADLINE,
    DEFAULT_DEPTH,
    DEFAULT_HOST,
    DEFAULT_MAX_HOPS,
    DEFAULT_MAX_NODES,
    DEFAULT_MAX_ROWS,
    DEFAULT_PORT,
    DEFAULT_TIMEOUT,
    DEFAULT_WORKERS,
    DESCRIPTION_FORMATS,
    EXPORT_FORMATS,
    PICTURE_FORMATS,
)
from aiplus_kg.engines import ENGINES, FAST, requested, set_engine
from aiplus_kg.errors import AiplusError
from aiplus_kg.project import Project, display_path, find_project
from aiplus_kg.query.results import FORMATS as RESULT_FORMATS

if TYPE_CHECKING:
    from rdflib import Dataset

    from aiplus_kg.load.dataset import LoadedDataset
    from aiplus_kg.query.results import Results
    from aiplus_kg.views.draw import Picture

# Each command imports what it needs when it runs, so that a command (a saved query,
# above all) does not pay for the modules of the others: the HTTP client and server,
# the drawing, pySHACL, owlrl, the SPARQL parser.

__all__ = ["cli", "main"]

EXIT_CODES = """\b
Exit codes:
  0  success
  1  check failed (inconsistency, files not in canonical form; no chain for path)
  2  bad input or usage (missing or malformed file, unknown entity, bad option)
  3  internal error"""


def _binary_stdout() -> Any:
    """The byte stream under standard output (click's own helper for it is deprecated)."""
    return getattr(sys.stdout, "buffer", sys.stdout)


def _fail(ctx: click.Context, message: str, code: int) -> NoReturn:
    click.echo(f"aiplus: error: {message}", err=True)
    ctx.exit(code)


class AiplusGroup(click.Group):
    """A group that turns every library error into one line on stderr and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            raise  # the reader went away (``| head``): click exits 1 quietly
        except AiplusError as exc:
            _fail(ctx, str(exc), exc.exit_code)
        except Exception as exc:
            detail = " ".join(str(exc).split()) or "no detail"
            _fail(ctx, f"internal error: {type(exc).__name__}: {detail}", 3)


def _project(ctx: click.Context) -> Project:
    project: Project = ctx.obj
    return project


def _load(ctx: click.Context) -> LoadedDataset:
    from aiplus_kg.load.dataset import load_project

    return load_project(_project(ctx))


def _emit_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)


@click.group(name="aiplus", cls=AiplusGroup, epilog=EXIT_CODES)
@click.version_option(__version__, "--version", prog_name="aiplus")
@click.option(
    "--root",
    type=click.Path(path_type=Path),
    default=None,
    help="Project root (default: $AIPLUS_ROOT, else the current folder or a parent "
    "holding ontology/aiplus.ttl, else the bundled data).",
)
@click.option(
    "--engine",
    type=click.Choice(list(ENGINES)),
    default=FAST,
    show_default=True,
    help="fast: reasonable (OWL RL), pyoxigraph (SPARQL) and the package's SHACL "
    "validator, with a cache; reference: rdflib, owlrl and pySHACL. Both give the same "
    "answers.",
)
@click.pass_context
def cli(ctx: click.Context, root: Path | None, engine: str) -> None:
    """aiplus: the knowledge graph of China's "AI+" strategy (RDF/OWL, SPARQL)."""
    previous = requested()
    ctx.call_on_close(lambda: set_engine(previous))
    set_engine(engine)
    ctx.obj = find_project(root)


@cli.command(epilog=EXIT_CODES)
@format_option
@click.pass_context
def stats(ctx: click.Context, output_format: str) -> None:
    """Count triples, entities per class and facts per article."""
    from aiplus_kg.views.stats import compute_stats
    from aiplus_kg.views.stats import render_text as render_stats

    result = compute_stats(_load(ctx).dataset)
    if output_format == "json":
        _emit_json(result.to_dict())
    else:
        click.echo(render_stats(result), nl=False)


@cli.command(epilog=EXIT_CODES)
@click.argument("entity")
@format_option
@click.pass_context
def describe(ctx: click.Context, entity: str, output_format: str) -> None:
    """Show everything the graph says about ENTITY.

    ENTITY is a label (any language, case-insensitive), a prefixed name such as
    id:huawei, or a full IRI.
    """
    from aiplus_kg.load.resolve import resolve
    from aiplus_kg.views.describe import describe as describe_entity
    from aiplus_kg.views.describe import render_text as render_description

    dataset = _load(ctx).dataset
    description = describe_entity(dataset, resolve(dataset, entity))
    if output_format == "json":
        _emit_json(description.to_dict())
    else:
        click.echo(render_description(description), nl=False)


REMOTE_EXIT_CODES = """\b
Exit codes:
  0  success
  2  bad input or usage (unknown query or parameter, bad option, bad URL)
  3  internal error
  4  the endpoint failed: unreachable, timed out, HTTP error, not SPARQL results

\b
Credentials come from the environment: AIPLUS_ENDPOINT_TOKEN (a bearer token),
or AIPLUS_ENDPOINT_USER and AIPLUS_ENDPOINT_PASSWORD (HTTP Basic)."""

endpoint_timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds to wait for the endpoint (connection and answer together).",
)


inferred_option = click.option(
    "--inferred",
    is_flag=True,
    help="Add the OWL RL closure, cleaned of noise, as the named graph aipg:inferred.",
)
graph_option = click.option(
    "--graph",
    "graphs",
    multiple=True,
    metavar="ARTICLE",
    help="Only this graph: an article's number or stem (001), src:<stem>, an IRI, "
    "ontology or reference (repeatable).",
)


@cli.command(name="export", epilog=EXIT_CODES)
@click.option(
    "--format",
    "export_format",
    type=click.Choice(list(EXPORT_FORMATS)),
    required=True,
    help="ttl and nt: the union of the graphs (no graph names); nq, trig and jsonld: "
    "one named graph per source.",
)
@inferred_option
@graph_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (atomically) instead of standard output.",
)
@click.pass_context
def export_command(
    ctx: click.Context,
    export_format: str,
    inferred: bool,
    graphs: tuple[str, ...],
    output: Path | None,
) -> None:
    """Export the dataset as Turtle, N-Triples, N-Quads, TriG or JSON-LD.

    ttl and nt hold the union of the exported graphs; nq, trig and jsonld keep one
    named graph per article, plus the ontology and reference graphs and a VoID/DCAT
    description of what is exported (graph aipg:void). The output is
    byte for byte the same from run to run, and re-reads to the same graphs.
    """
    from aiplus_kg.export.serialise import export

    dataset = _exported(ctx, graphs, inferred)
    target = output if output is not None else _binary_stdout()
    export(dataset, export_format, target)


def _exported(
    ctx: click.Context, graphs: tuple[str, ...], inferred: bool, *, describe: bool = True
) -> Dataset:
    """The graphs to export or push, with the VoID/DCAT description of the selection."""
    from aiplus_kg.export import void as dataset_description
    from aiplus_kg.export.serialise import export_dataset

    loaded = _load(ctx)
    if not describe:
        return export_dataset(loaded.dataset, graphs=graphs, inferred=inferred)
    selection = export_dataset(loaded.dataset, graphs=graphs)
    return export_dataset(
        loaded.dataset,
        graphs=graphs,
        inferred=inferred,
        extra_graphs={
            dataset_description.VOID_GRAPH: dataset_description.describe_dataset(selection)
        },
    )


@cli.command(epilog=REMOTE_EXIT_CODES)
@click.option(
    "--endpoint",
    metavar="URL",
    required=True,
    help="The store's SPARQL 1.1 Graph Store Protocol URL (Oxigraph: http://HOST:7878/store; "
    "Fuseki: http://HOST:3030/DATASET/data).",
)
@inferred_option
@graph_option
@endpoint_timeout_option
@click.pass_context
def push(
    ctx: click.Context,
    endpoint: str,
    inferred: bool,
    graphs: tuple[str, ...],
    timeout: float,
) -> None:
    """Load the graph into a triple store, one named graph per article.

    Each graph (articles, ontology, reference; with --inferred also aipg:inferred)
    replaces the graph of the same name in the store (HTTP PUT URL?graph=IRI), so
    pushing again updates the store. Graphs the store holds but the export does not
    are left alone. A full push also sends the VoID/DCAT description (aipg:void).
    """
    from aiplus_kg.load.terms import graph_name
    from aiplus_kg.query import remote

    target = remote.endpoint(endpoint, timeout=timeout)
    # A partial push must not replace the store's description of the whole graph.
    dataset = _exported(ctx, graphs, inferred, describe=not graphs)

    def report(pushed: remote.PushedGraph) -> None:
        click.echo(f"pushed {graph_name(pushed.graph)}: {pushed.triples} triples")

    done = remote.push(target, dataset, progress=report)
    total = sum(p.triples for p in done)
    click.echo(f"{len(done)} graphs, {total} triples pushed to {endpoint}")


SERVE_EXIT_CODES = """\b
Exit codes:
  0  stopped with Ctrl-C
  2  bad input or usage (the project does not load, the port is taken, bad option)
  3  internal error"""


@cli.command(epilog=SERVE_EXIT_CODES)
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port (0: any free port).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_DEADLINE,
    show_default=True,
    help="Deadline of a query in seconds; past it the query is stopped (HTTP 503).",
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
    help="Worker processes answering queries.",
)
@click.option("--quiet", is_flag=True, help="Do not log each request on standard error.")
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    workers: int,
    quiet: bool,
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint.

    \b
    /sparql               SPARQL 1.1 Protocol (GET, POST); no query: service description
    /queries              the saved queries, as JSON
    /queries/NAME?P=V     a saved query with its parameters
    Results: JSON, XML, CSV or TSV, by Accept header or format=json|xml|csv|tsv.

    Every query runs in a sandboxed worker process with a deadline and a row cap;
    updates, SERVICE and FROM outside the graph are refused. Binds 127.0.0.1 by
    default: anyone who can reach the address can query.
    """
    from aiplus_kg.serve import server as sparql_server

    server = sparql_server.make_server(
        _project(ctx),
        host=host,
        port=port,
        deadline=timeout,
        max_rows=max_rows,
        workers=workers,
        quiet=quiet,
    )
    if not sparql_server.is_loopback(host):
        click.echo(f"aiplus: warning: listening on {host}, beyond this machine", err=True)
    click.echo(f"aiplus: serving {server.base_url}/sparql (Ctrl-C stops)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("aiplus: stopped", err=True)
    finally:
        server.close()


@cli.command(epilog=EXIT_CODES)
@click.option("--check", is_flag=True, help="Only list the files that are not canonical.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_context
def fmt(ctx: click.Context, check: bool, paths: tuple[Path, ...]) -> None:
    """Rewrite Turtle files in canonical form.

    PATHS are files or folders; by default every .ttl under ontology/, graph/ and
    shapes/. Files named invalid-* and files under tests/ are never formatted.
    """
    from aiplus_kg.export.fmt import check_files, collect_targets, format_files

    project = _project(ctx)
    targets = collect_targets(project, paths)
    if check:
        bad = check_files(targets, root=project.root)
        for path in bad:
            click.echo(f"not canonical: {display_path(path, project.root)}")
        if bad:
            click.echo(f"{len(bad)} of {len(targets)} file(s) not canonical; run: aiplus fmt")
            ctx.exit(1)
        click.echo(f"ok: {len(targets)} file(s) canonical")
        return
    changed = format_files(targets, root=project.root)
    for path in changed:
        click.echo(f"formatted: {display_path(path, project.root)}")
    click.echo(f"{len(changed)} of {len(targets)} file(s) rewritten")


@cli.command(epilog=EXIT_CODES)
@click.pass_context
def check(ctx: click.Context) -> None:
    """Load everything and check that the OWL RL closure is consistent."""
    from aiplus_kg.reason.closure import check_project

    checked = check_project(_project(ctx))
    problems = checked.problems
    for problem in problems:
        click.echo(f"inconsistent: {problem}")
    if problems:
        click.echo(f"{len(problems)} inconsistenc{'y' if len(problems) == 1 else 'ies'} found")
        ctx.exit(1)
    graphs = checked.graphs
    click.echo(f"ok: {checked.triples} triples in {graphs} graphs, OWL RL closure consistent")


VALIDATE_EXIT_CODES = """\b
Exit codes:
  0  the data conforms (warnings allowed, unless --strict)
  1  violations found (or warnings, with --strict)
  2  bad input or usage (unreadable file, parse error with file:line, unknown option)
  3  internal error"""


@cli.command(epilog=VALIDATE_EXIT_CODES)
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--no-inference",
    is_flag=True,
    help="Validate the asserted triples only, not their OWL RL closure.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "ttl", "json"]),
    default="text",
    show_default=True,
    help="text: grouped by entity; ttl: the SHACL validation report; json: the findings.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.pass_context
def validate(
    ctx: click.Context,
    files: tuple[Path, ...],
    no_inference: bool,
    output_format: str,
    strict: bool,
) -> None:
    """Check the graph against the SHACL shapes of shapes/.

    With no FILES, validates the project's graph. With FILES, validates a contributor's
    Turtle files in the context of the project: each file replaces (or adds) the article
    graph named after its stem, and the project's ontology, reference data and shapes apply.
    """
    from aiplus_kg.validate.validation import render_text as render_validation
    from aiplus_kg.validate.validation import validate_project

    report = validate_project(_project(ctx), files, inference=not no_inference)
    if output_format == "ttl":
        click.echo(report.graph.serialize(format="turtle"), nl=False)
    elif output_format == "json":
        _emit_json(report.to_dict(strict=strict))
    else:
        click.echo(render_validation(report, strict=strict))
    if not report.conforms(strict=strict):
        ctx.exit(1)


results_format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(list(RESULT_FORMATS)),
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


def _emit_results(
    loaded: LoadedDataset,
    results: Results,
    output_format: str,
    iris: bool,
    fixed: dict[str, Any] | None = None,
) -> None:
    from aiplus_kg.query.results import serialize_results

    data = serialize_results(results, output_format, loaded.dataset, iris=iris, fixed=fixed)
    stream = _binary_stdout()
    stream.write(data)
    stream.flush()


@cli.command(name="queries", epilog=EXIT_CODES)
@format_option
@click.pass_context
def queries_command(ctx: click.Context, output_format: str) -> None:
    """List the saved queries (queries/*.rq): name, summary, parameters and defaults."""
    from aiplus_kg.query.catalogue import catalogue_dict, load_catalogue, render_catalogue

    catalogue = load_catalogue(_project(ctx))
    if output_format == "json":
        _emit_json(catalogue_dict(catalogue))
    else:
        click.echo(render_catalogue(catalogue), nl=False)


@cli.command(name="query", epilog=REMOTE_EXIT_CODES)
@click.argument("name")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter value: an IRI, a prefixed name or a label (repeatable).",
)
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
@click.pass_context
def query_command(
    ctx: click.Context,
    name: str,
    params: tuple[str, ...],
    output_format: str,
    limit: int | None,
    iris: bool,
    endpoint: str | None,
    timeout: float,
) -> None:
    """Run the saved query NAME (see: aiplus queries).

    With --endpoint, the query runs on a remote SPARQL 1.1 endpoint (Fuseki, GraphDB,
    Virtuoso, Oxigraph, QLever, aiplus serve...) holding the graph as aiplus push or
    aiplus export --format nq loads it, its default graph being the union of the named
    graphs; parameters are resolved with the local graph and bound in the query text,
    so the rows are the ones the local run gives.
    """
    from aiplus_kg.query.catalogue import load_named, parse_assignments, run_project_query
    from aiplus_kg.query.results import serialize_results

    saved = load_named(_project(ctx), name)
    given = parse_assignments(params)
    if endpoint is not None:
        from aiplus_kg.query import remote
        from aiplus_kg.query.catalogue import bind_parameters

        target = remote.endpoint(endpoint, timeout=timeout)
        needs_graph = bool(given or saved.parameters) or output_format == "table"
        local = _load(ctx).dataset if needs_graph else None
        values = bind_parameters(local, saved, given) if local is not None else {}
        answer = remote.run_saved_remote(target, saved, values).limited(limit)
        data = serialize_results(answer, output_format, local, iris=iris, fixed=values)
        stream = _binary_stdout()
        stream.write(data)
        stream.flush()
        return
    run = run_project_query(_project(ctx), saved, given)
    results = run.results.limited(limit)
    data = serialize_results(results, output_format, run.labels, iris=iris, fixed=run.bindings)
    stream = _binary_stdout()
    stream.write(data)
    stream.flush()


@cli.command(epilog=EXIT_CODES)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@results_format_option
@limit_option
@iris_option
@click.pass_context
def sparql(
    ctx: click.Context, file: Path, output_format: str, limit: int | None, iris: bool
) -> None:
    """Run a read-only SPARQL query from FILE (- for standard input).

    SELECT and ASK only; the project prefixes (aip:, id:, src:, ...) are declared.
    Updates, LOAD, SERVICE, and FROM or FROM NAMED of anything but the dataset's own
    graphs are refused: a query never reaches the network or the file system.
    """
    from aiplus_kg.load.dataset import read_text
    from aiplus_kg.query.catalogue import run_text

    if str(file) == "-":
        text, shown = sys.stdin.read(), "<stdin>"
    else:
        shown = display_path(file, _project(ctx).root)
        text = read_text(file, display=shown)
    loaded = _load(ctx)
    results = run_text(loaded.dataset, text, display=shown).limited(limit)
    _emit_results(loaded, results, output_format, iris)


def chain_arguments(verb: str) -> Any:
    """START and END, ``--max-hops`` and ``--limit`` (chains ``verb``), as ``path`` and
    ``draw path`` take them."""

    def decorate(command: Any) -> Any:
        for option in reversed(
            [
                click.argument("start"),
                click.argument("end"),
                click.option(
                    "--max-hops",
                    type=click.IntRange(min=1),
                    default=DEFAULT_MAX_HOPS,
                    show_default=True,
                    help="The longest chain to look for, in links.",
                ),
                click.option(
                    "--limit",
                    type=click.IntRange(min=1),
                    default=20,
                    show_default=True,
                    help=f"Chains {verb}.",
                ),
            ]
        ):
            command = option(command)
        return command

    return decorate


@cli.command(epilog=EXIT_CODES)
@chain_arguments("shown")
@format_option
@click.pass_context
def path(
    ctx: click.Context, start: str, end: str, max_hops: int, limit: int, output_format: str
) -> None:
    """Show the shortest relationship chains between two entities.

    START and END are labels, prefixed names or IRIs. Each link shows its property,
    its direction, its hedges and the articles stating it. Exits with 1 when no chain
    of at most --max-hops links exists.
    """
    from aiplus_kg.load.resolve import resolve
    from aiplus_kg.views.paths import render_text as render_paths
    from aiplus_kg.views.paths import shortest_paths

    dataset = _load(ctx).dataset
    result = shortest_paths(
        dataset, resolve(dataset, start), resolve(dataset, end), max_hops=max_hops, max_chains=limit
    )
    if output_format == "json":
        _emit_json(result.to_dict())
    else:
        click.echo(render_paths(result), nl=False)


DRAW_EXIT_CODES = """\b
Exit codes:
  0  success
  1  no chain of at most --max-hops links (draw path); Graphviz's dot program
     is missing, so the DOT text was written instead (to FILE.dot with -o)
  2  bad input or usage (unknown entity or query, bad option, too many entities)
  3  internal error"""

picture_output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (atomically); its suffix (.svg, .png, .dot) gives the format. "
    "Default: SVG on standard output.",
)
picture_format_option = click.option(
    "--format",
    "picture_format",
    type=click.Choice(PICTURE_FORMATS),
    default=None,
    help="svg, png or dot (default: from the suffix of -o, else svg).",
)
max_nodes_option = click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_NODES,
    show_default=True,
    help="Refuse to draw more entities than this.",
)


def _draw(picture: Picture, output: Path | None, picture_format: str | None) -> None:
    from aiplus_kg.views import draw as drawing

    fmt = drawing.format_for(output, picture_format)
    drawing.draw(picture, fmt, output if output is not None else _binary_stdout())


@cli.group(epilog=DRAW_EXIT_CODES)
def draw() -> None:
    """Draw a chain, a neighbourhood or a query's subgraph.

    Draws a relationship chain, an entity's neighbourhood or the subgraph a saved query
    touches, as SVG, PNG or DOT. Nodes show English labels and classes, coloured by
    kind of class; edges show the property and the articles stating it; hedged links
    (reported, rumoured, proposed...) are dashed and labelled with their hedge; the
    legend lists the source articles. SVG and PNG need Graphviz's dot program;
    without it the DOT text is written.
    """


@draw.command(name="path", epilog=DRAW_EXIT_CODES)
@chain_arguments("drawn")
@picture_output_option
@picture_format_option
@click.pass_context
def draw_path(
    ctx: click.Context,
    start: str,
    end: str,
    max_hops: int,
    limit: int,
    output: Path | None,
    picture_format: str | None,
) -> None:
    """Draw the shortest relationship chains between START and END.

    The chains aiplus path finds, merged into one picture."""
    from aiplus_kg.load.resolve import resolve
    from aiplus_kg.views import draw as drawing

    dataset = _load(ctx).dataset
    picture = drawing.path_picture(
        dataset, resolve(dataset, start), resolve(dataset, end), max_hops=max_hops, max_chains=limit
    )
    _draw(picture, output, picture_format)


@draw.command(name="entity", epilog=DRAW_EXIT_CODES)
@click.argument("entity")
@click.option(
    "--depth",
    type=click.IntRange(min=1),
    default=DEFAULT_DEPTH,
    show_default=True,
    help="How many links away from ENTITY to go.",
)
@max_nodes_option
@picture_output_option
@picture_format_option
@click.pass_context
def draw_entity(
    ctx: click.Context,
    entity: str,
    depth: int,
    max_nodes: int,
    output: Path | None,
    picture_format: str | None,
) -> None:
    """Draw ENTITY and its neighbourhood.

    ENTITY, the entities at most --depth links away, and every link among them."""
    from aiplus_kg.load.resolve import resolve
    from aiplus_kg.views import draw as drawing

    dataset = _load(ctx).dataset
    picture = drawing.entity_picture(
        dataset, resolve(dataset, entity), depth=depth, max_nodes=max_nodes
    )
    _draw(picture, output, picture_format)


@draw.command(name="query", epilog=DRAW_EXIT_CODES)
@click.argument("name")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter value: an IRI, a prefixed name or a label (repeatable).",
)
@max_nodes_option
@picture_output_option
@picture_format_option
@click.pass_context
def draw_query(
    ctx: click.Context,
    name: str,
    params: tuple[str, ...],
    max_nodes: int,
    output: Path | None,
    picture_format: str | None,
) -> None:
    """Draw the subgraph the saved query NAME touches.

    The entities of its result rows, and the statements joining two entities of the
    same row (see: aiplus queries)."""
    from aiplus_kg.query.catalogue import load_named, parse_assignments
    from aiplus_kg.views import draw as drawing

    saved = load_named(_project(ctx), name)
    given = parse_assignments(params)
    picture = drawing.query_picture(_load(ctx).dataset, saved, given, max_nodes=max_nodes)
    _draw(picture, output, picture_format)


@cli.command(name="docs", epilog=EXIT_CODES)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DIR",
    help="The folder to write index.html into (default: build/docs under the project root).",
)
@click.pass_context
def docs_command(ctx: click.Context, output: Path | None) -> None:
    """Build the HTML documentation of the ontology.

    One page, index.html: every class, property and individual with its labels,
    definition, superclasses, domain and range, and the class tree."""
    from aiplus_kg.views import docs as ontology_docs

    project = _project(ctx)
    target = output if output is not None else ontology_docs.default_output(project)
    result = ontology_docs.build_docs(_load(ctx).dataset, target)
    shown = display_path(result.index, project.root)
    click.echo(f"wrote {shown}: {result.terms} terms, {result.size} bytes")


@cli.command(name="describe-dataset", epilog=EXIT_CODES)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(list(DESCRIPTION_FORMATS)),
    default="ttl",
    show_default=True,
    help="ttl: Turtle; nt: sorted N-Triples; jsonld: JSON-LD.",
)
@click.option(
    "--endpoint", metavar="URL", default=None, help="The SPARQL endpoint serving the dataset."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (atomically) instead of standard output.",
)
@click.pass_context
def describe_dataset_command(
    ctx: click.Context, output_format: str, endpoint: str | None, output: Path | None
) -> None:
    """Describe the dataset in VoID and DCAT.

    Title, licence, sources, vocabularies, triples and entities per class and per
    graph, example resources and, with --endpoint, the SPARQL endpoint."""
    from aiplus_kg.export import void as dataset_description

    graph = dataset_description.describe_dataset(_load(ctx).dataset, endpoint=endpoint)
    target = output if output is not None else _binary_stdout()
    dataset_description.write_description(graph, output_format, target)


def _quiet_libraries() -> None:
    """Keep library log records (warnings with tracebacks) off the terminal."""
    for name in ("rdflib", "owlrl", "pyshacl"):
        logging.getLogger(name).addHandler(logging.NullHandler())


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``aiplus`` console script and of ``python -m aiplus_kg``."""
    _quiet_libraries()
    try:
        cli.main(args=argv, prog_name="aiplus")
    except BrokenPipeError:
        # Output piped into a command that stopped reading (e.g. ``| head``).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
