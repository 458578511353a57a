"""Commands for contributors: ``new-article``."""

from __future__ import annotations

from pathlib import Path

import click

from aiplus_kg.cli.options import EXIT_CODES, knowledge_graph
from aiplus_kg.views.terminal import printable

__all__ = ["new_article"]


@click.command("new-article", epilog=EXIT_CODES)
@click.argument("text", type=click.Path(path_type=Path))
@click.option(
    "--language",
    required=True,
    metavar="CODE",
    help="The article's language, a two-letter code (fr, en...).",
)
@click.option("--title", metavar="TEXT", help="The article's title, as it is written.")
@click.option(
    "--outlet",
    metavar="NAME",
    help="Who publishes it: the label of an entity of the graph, else the name of a new "
    "media outlet, added to graph/reference/media.ttl.",
)
@click.option("--date", metavar="YYYY-MM-DD", help="Its date of publication.")
@click.option("--dry-run", is_flag=True, help="Say what would be written, and write nothing.")
@click.pass_context
def new_article(
    ctx: click.Context,
    text: Path,
    language: str,
    title: str | None,
    outlet: str | None,
    date: str | None,
    dry_run: bool,
) -> None:
    """Start a new article from its TEXT file: its file graph/articles/<stem>.ttl, with
    a commented example of each pattern to copy, and its description in
    graph/reference/sources.ttl; then print the next steps (CONTRIBUTING.md).

    Only what you pass is written. A TEXT named NNN_<16 hex digits>.txt gives the stem
    NNN-<digits>; any other name, the next free number and the first 16 hex digits of
    the SHA-256 of the file. The project validates as before; no file is overwritten.
    """
    from aiplus_kg.export.scaffold import ArticleRequest, plan_article, write_scaffold

    kg = knowledge_graph(ctx)
    request = ArticleRequest(text, language, title, outlet, date)
    plan = plan_article(kg.project, kg.labels, request)
    if not dry_run:
        write_scaffold(plan)
    verb = "would write" if dry_run else "wrote"
    click.echo(f"article {plan.stem}: named graph src:{plan.stem}")
    for done in plan.done:
        click.echo(f"  {verb} {printable(done)}")
    click.echo("Next steps:")
    for number, step in enumerate(plan.next_steps, 1):
        click.echo(f"  {number}. {printable(step)}")
