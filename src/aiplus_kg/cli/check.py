"""Commands maintainers run in CI: ``check``, ``validate``, ``fmt``."""

from __future__ import annotations

from pathlib import Path

import click

from aiplus_kg.cli.options import EXIT_CODES, emit_json, knowledge_graph, write_bytes
from aiplus_kg.project import display_path
from aiplus_kg.views.terminal import printable

__all__ = ["check", "fmt", "validate"]

VALIDATE_EXIT_CODES = """\b
Exit codes:
  0  the data conforms (warnings allowed, unless --strict)
  1  violations found (or warnings, with --strict)
  2  bad input or usage (unreadable file, parse error with file:line, unknown option)
  3  internal error"""


@click.command(epilog=EXIT_CODES)
@click.pass_context
def check(ctx: click.Context) -> None:
    """Load everything and check that the OWL RL closure is consistent."""
    checked = knowledge_graph(ctx).check()
    problems = checked.problems
    for problem in problems:
        click.echo(f"inconsistent: {printable(problem)}")
    if problems:
        click.echo(f"{len(problems)} inconsistenc{'y' if len(problems) == 1 else 'ies'} found")
        ctx.exit(1)
    graphs = checked.graphs
    click.echo(f"ok: {checked.triples} triples in {graphs} graphs, OWL RL closure consistent")


@click.command(epilog=VALIDATE_EXIT_CODES)
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
    from aiplus_kg.validate.report import render_text

    kg = knowledge_graph(ctx)
    kg.add_files(files)
    report = kg.validate(inference=not no_inference)
    if output_format == "ttl":  # as bytes: click.echo would drop ESC sequences from a pipe
        write_bytes(report.graph.serialize(format="turtle", encoding="utf-8"))
    elif output_format == "json":
        emit_json(report.to_dict(strict=strict))
    else:
        click.echo(render_text(report, strict=strict))
    if not report.conforms(strict=strict):
        ctx.exit(1)


@click.command(epilog=EXIT_CODES)
@click.option("--check", is_flag=True, help="Only list the files that are not canonical.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_context
def fmt(ctx: click.Context, check: bool, paths: tuple[Path, ...]) -> None:
    """Rewrite Turtle files in canonical form.

    PATHS are files or folders; by default every .ttl under ontology/, graph/ and
    shapes/. Files named invalid-* and files under tests/ are never formatted.

    What the author chose is kept: the order of the subject blocks, every comment
    (with its block, before the property it precedes, or at the end of its line) and
    the prefixes declared; within a block, properties and objects are sorted. A file
    is rewritten only if the new text parses back to the same graph.
    """
    from aiplus_kg.export.fmt import check_files, collect_targets, format_files

    project = knowledge_graph(ctx).project
    targets = collect_targets(project, paths)
    if check:
        bad = check_files(targets, root=project.root)
        for path in bad:
            click.echo(f"not canonical: {printable(display_path(path, project.root))}")
        if bad:
            click.echo(f"{len(bad)} of {len(targets)} file(s) not canonical; run: aiplus fmt")
            ctx.exit(1)
        click.echo(f"ok: {len(targets)} file(s) canonical")
        return
    changed = format_files(targets, root=project.root)
    for path in changed:
        click.echo(f"formatted: {printable(display_path(path, project.root))}")
    click.echo(f"{len(changed)} of {len(targets)} file(s) rewritten")
