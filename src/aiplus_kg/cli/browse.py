"""Commands that show the graph to people: ``stats``, ``describe``, ``path``, ``docs``."""

from __future__ import annotations

from pathlib import Path

import click

from aiplus_kg.cli.options import (
    EXIT_CODES,
    chain_arguments,
    emit_json,
    format_option,
    knowledge_graph,
    table_width,
)
from aiplus_kg.project import display_path

__all__ = ["describe", "docs", "path", "stats"]


@click.command(epilog=EXIT_CODES)
@format_option
@click.option(
    "--inferred",
    is_flag=True,
    help="Also count what the OWL RL closure infers (as export --inferred writes it).",
)
@click.pass_context
def stats(ctx: click.Context, output_format: str, inferred: bool) -> None:
    """Count facts per article, entities per class and hedged statements per hedge.

    The ontology's terms (owl:Class, skos:Concept...), the triples of the ontology and
    reference graphs and, with --inferred, what inference adds are counted apart, in
    their own section (JSON: "ontology").
    """
    from aiplus_kg.views.stats import compute_stats, render_text

    kg = knowledge_graph(ctx)
    dataset = kg.dataset
    added = None
    if inferred:
        from aiplus_kg.load.terms import named_graphs
        from aiplus_kg.namespaces import ONTOLOGY_GRAPH
        from aiplus_kg.reason.inferred import inferred_triples

        ontology = dataset.graph(ONTOLOGY_GRAPH)
        added = inferred_triples(named_graphs(dataset), (), ontology, engine=kg.engine)
    result = compute_stats(dataset, added)
    if output_format == "json":
        emit_json(result.to_dict())
    else:
        click.echo(render_text(result, table_width(None)), nl=False)


@click.command(epilog=EXIT_CODES)
@click.argument("entity")
@format_option
@click.pass_context
def describe(ctx: click.Context, entity: str, output_format: str) -> None:
    """Show everything the graph says about ENTITY, and where each statement is
    written (file:line; a hedged statement: where its claim is).

    ENTITY is a label (any language, case-insensitive), a prefixed name such as
    id:huawei, a full IRI, or an article by its number (001), stem or source file name.
    """
    from aiplus_kg.load.layout import Locations
    from aiplus_kg.load.resolve import resolve
    from aiplus_kg.views.describe import describe as describe_entity
    from aiplus_kg.views.describe import render_text

    kg = knowledge_graph(ctx)
    dataset = kg.dataset
    locations = Locations(kg.loaded.files.items(), kg.loaded.display)
    description = describe_entity(dataset, resolve(dataset, entity), locations=locations)
    if output_format == "json":
        emit_json(description.to_dict())
    else:
        click.echo(render_text(description), nl=False)


@click.command(epilog=EXIT_CODES)
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
    from aiplus_kg.views.paths import render_text, shortest_paths

    dataset = knowledge_graph(ctx).dataset
    result = shortest_paths(
        dataset, resolve(dataset, start), resolve(dataset, end), max_hops=max_hops, max_chains=limit
    )
    if output_format == "json":
        emit_json(result.to_dict())
    else:
        click.echo(render_text(result), nl=False)


@click.command(epilog=EXIT_CODES)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DIR",
    help="The folder to write index.html into (default: build/docs under the project root).",
)
@click.pass_context
def docs(ctx: click.Context, output: Path | None) -> None:
    """Build the HTML documentation of the ontology.

    One page, index.html: every class, property and individual with its labels,
    definition, superclasses, domain and range, and the class tree."""
    from aiplus_kg.views import docs as ontology_docs

    kg = knowledge_graph(ctx)
    target = output if output is not None else ontology_docs.default_output(kg.project)
    result = ontology_docs.build_docs(kg.dataset, target)
    shown = display_path(result.index, kg.project.root)
    click.echo(f"wrote {shown}: {result.terms} terms, {result.size} bytes")
