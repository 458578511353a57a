"""``aiplus site``: the browsable pages of the graph, written as plain files."""

from __future__ import annotations

from pathlib import Path

import click

from aiplus_kg.cli.options import knowledge_graph
from aiplus_kg.project import display_path

__all__ = ["site"]

SITE_EXIT_CODES = """\b
Exit codes:
  0  success
  2  bad input or usage (the project does not load; OUTDIR is a file, or a
     folder that aiplus site did not write)
  3  internal error"""


@click.command(epilog=SITE_EXIT_CODES)
@click.argument("outdir", type=click.Path(path_type=Path))
@click.option(
    "--no-pictures",
    is_flag=True,
    help="Draw no picture of the entities' neighbourhoods (they need Graphviz's dot).",
)
@click.pass_context
def site(ctx: click.Context, outdir: Path, no_pictures: bool) -> None:
    """Write the graph's pages into OUTDIR, to open from disk or put on any web server.

    \b
    index.html            the articles, the entities by class, the saved queries
    id/NAME.html          an entity: labels, class, statements with their articles
                          and hedges, incoming links, neighbourhood, saved queries
    source/STEM.html      an article: title, date, outlet, every fact it states
    ontology.html         the ontology, and ontology/TERM.html for each term
    query/NAME.html       a saved query: description, parameters, text, results
    KEY.ttl               each page's resource, described in Turtle
    search-index.js       the labels the search box looks in (every language)

    Links are relative; the output depends only on the data. OUTDIR is written
    atomically (a folder next to it, then renamed); a folder aiplus site wrote
    before is replaced, any other is refused. Pictures need Graphviz's dot; without
    it the pages have none. 'aiplus serve' serves the same pages.
    """
    from aiplus_kg.views.site import build_site, write_site

    kg = knowledge_graph(ctx)
    built = build_site(kg, pictures=not no_pictures)
    result = write_site(built, outdir)
    for problem in built.problems:
        click.echo(f"aiplus: warning: {problem}", err=True)
    kinds = {"entity": 0, "source": 0, "term": 0, "query": 0}
    for resource in built.resources.values():
        if resource.kind in kinds:
            kinds[resource.kind] += 1
    shown = display_path(result.folder, kg.project.root)
    click.echo(
        f"wrote {shown}: {result.pages} pages ({kinds['entity']} entities, "
        f"{kinds['source']} articles, {kinds['term']} ontology terms, {kinds['query']} "
        f"saved queries), {built.pictures} pictures, {result.files} files, "
        f"{result.size:,} bytes"
    )
