"""``aiplus draw``: pictures of a chain, a neighbourhood or a saved query's subgraph."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from aiplus_kg.cli.options import binary_stdout, chain_arguments, knowledge_graph, param_option
from aiplus_kg.defaults import DEFAULT_DEPTH, DEFAULT_MAX_NODES, PICTURE_FORMATS

if TYPE_CHECKING:
    from aiplus_kg.views.draw import Picture

__all__ = ["draw"]

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


def _write(picture: Picture, output: Path | None, picture_format: str | None) -> None:
    from aiplus_kg.views import draw as drawing

    fmt = drawing.format_for(output, picture_format)
    drawing.draw(picture, fmt, output if output is not None else binary_stdout())


@click.group(epilog=DRAW_EXIT_CODES)
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

    dataset = knowledge_graph(ctx).dataset
    picture = drawing.path_picture(
        dataset, resolve(dataset, start), resolve(dataset, end), max_hops=max_hops, max_chains=limit
    )
    _write(picture, output, picture_format)


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

    dataset = knowledge_graph(ctx).dataset
    picture = drawing.entity_picture(
        dataset, resolve(dataset, entity), depth=depth, max_nodes=max_nodes
    )
    _write(picture, output, picture_format)


@draw.command(name="query", epilog=DRAW_EXIT_CODES)
@click.argument("name")
@param_option
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
    from aiplus_kg.query.parameters import parse_assignments
    from aiplus_kg.views import draw as drawing

    kg = knowledge_graph(ctx)
    saved = kg.saved_query(name)
    run = kg.query(saved, parse_assignments(params))
    picture = drawing.query_picture(kg.dataset, saved, run, max_nodes=max_nodes)
    _write(picture, output, picture_format)
