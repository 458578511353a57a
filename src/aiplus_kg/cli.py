"""The ``aiplus`` command line: glue between click and the library."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__
from .describe import describe as describe_entity
from .describe import render_text as render_description
from .errors import AiplusError
from .export import FORMATS, export
from .fmt import check_files, collect_targets, format_files
from .loader import LoadedDataset, load_extra, load_project, read_text
from .paths import DEFAULT_MAX_HOPS, shortest_paths
from .paths import render_text as render_paths
from .project import Project, display_path, find_project
from .queries import (
    bind_parameters,
    catalogue_dict,
    load_catalogue,
    load_named,
    parse_assignments,
    render_catalogue,
    run_bound,
    run_text,
)
from .reasoning import inconsistencies
from .resolve import resolve
from .results import FORMATS as RESULT_FORMATS
from .results import Results, serialize_results
from .stats import compute_stats
from .stats import render_text as render_stats
from .validation import render_text as render_validation
from .validation import validate as run_validation

__all__ = ["cli", "main"]

EXIT_CODES = """\b
Exit codes:
  0  success
  1  check failed (inconsistency, files not in canonical form; no chain for path)
  2  bad input or usage (missing or malformed file, unknown entity, bad option)
  3  internal error"""


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
@click.pass_context
def cli(ctx: click.Context, root: Path | None) -> None:
    """aiplus: the knowledge graph of China's "AI+" strategy (RDF/OWL, SPARQL)."""
    ctx.obj = find_project(root)


@cli.command(epilog=EXIT_CODES)
@format_option
@click.pass_context
def stats(ctx: click.Context, output_format: str) -> None:
    """Count triples, entities per class and facts per article."""
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
    dataset = _load(ctx).dataset
    description = describe_entity(dataset, resolve(dataset, entity))
    if output_format == "json":
        _emit_json(description.to_dict())
    else:
        click.echo(render_description(description), nl=False)


@cli.command(name="export", epilog=EXIT_CODES)
@click.option(
    "--format",
    "export_format",
    type=click.Choice(list(FORMATS)),
    required=True,
    help="ttl and nt: the union of all graphs; nq and trig: one named graph per source.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (atomically) instead of standard output.",
)
@click.pass_context
def export_command(ctx: click.Context, export_format: str, output: Path | None) -> None:
    """Export the dataset as Turtle, N-Triples, N-Quads or TriG.

    The output is byte for byte the same from run to run.
    """
    target = output if output is not None else click.get_binary_stream("stdout")
    export(_load(ctx).dataset, export_format, target)


@cli.command(epilog=EXIT_CODES)
@click.option("--check", is_flag=True, help="Only list the files that are not canonical.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_context
def fmt(ctx: click.Context, check: bool, paths: tuple[Path, ...]) -> None:
    """Rewrite Turtle files in canonical form.

    PATHS are files or folders; by default every .ttl under ontology/, graph/ and
    shapes/. Files named invalid-* and files under tests/ are never formatted.
    """
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
    loaded = _load(ctx)
    problems = inconsistencies(loaded.dataset)
    for problem in problems:
        click.echo(f"inconsistent: {problem}")
    if problems:
        click.echo(f"{len(problems)} inconsistenc{'y' if len(problems) == 1 else 'ies'} found")
        ctx.exit(1)
    graphs = len(loaded.files)
    click.echo(f"ok: {len(loaded.dataset)} triples in {graphs} graphs, OWL RL closure consistent")


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
    loaded = _load(ctx)
    if files:
        load_extra(loaded, files)
    report = run_validation(loaded, inference=not no_inference)
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
    data = serialize_results(results, output_format, loaded.dataset, iris=iris, fixed=fixed)
    stream = click.get_binary_stream("stdout")
    stream.write(data)
    stream.flush()


@cli.command(name="queries", epilog=EXIT_CODES)
@format_option
@click.pass_context
def queries_command(ctx: click.Context, output_format: str) -> None:
    """List the saved queries (queries/*.rq): name, summary, parameters and defaults."""
    catalogue = load_catalogue(_project(ctx))
    if output_format == "json":
        _emit_json(catalogue_dict(catalogue))
    else:
        click.echo(render_catalogue(catalogue), nl=False)


@cli.command(name="query", epilog=EXIT_CODES)
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
@click.pass_context
def query_command(
    ctx: click.Context,
    name: str,
    params: tuple[str, ...],
    output_format: str,
    limit: int | None,
    iris: bool,
) -> None:
    """Run the saved query NAME (see: aiplus queries)."""
    saved = load_named(_project(ctx), name)
    given = parse_assignments(params)
    loaded = _load(ctx)
    bindings = bind_parameters(loaded.dataset, saved, given)
    results = run_bound(loaded.dataset, saved, bindings).limited(limit)
    _emit_results(loaded, results, output_format, iris, fixed=bindings)


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
    if str(file) == "-":
        text, shown = click.get_text_stream("stdin").read(), "<stdin>"
    else:
        shown = display_path(file, _project(ctx).root)
        text = read_text(file, display=shown)
    loaded = _load(ctx)
    results = run_text(loaded.dataset, text, display=shown).limited(limit)
    _emit_results(loaded, results, output_format, iris)


@cli.command(epilog=EXIT_CODES)
@click.argument("start")
@click.argument("end")
@click.option(
    "--max-hops",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_HOPS,
    show_default=True,
    help="The longest chain to look for, in links.",
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Chains shown."
)
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
    dataset = _load(ctx).dataset
    result = shortest_paths(
        dataset, resolve(dataset, start), resolve(dataset, end), max_hops=max_hops, max_chains=limit
    )
    if output_format == "json":
        _emit_json(result.to_dict())
    else:
        click.echo(render_paths(result), nl=False)


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
