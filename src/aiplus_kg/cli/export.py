"""Commands that take the graph to other stores: ``export``, ``push``,
``describe-dataset``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from aiplus_kg.cli.options import (
    EXIT_CODES,
    REMOTE_EXIT_CODES,
    binary_stdout,
    endpoint_timeout_option,
    graph_option,
    inferred_option,
    knowledge_graph,
    max_answer_size_option,
)
from aiplus_kg.defaults import DESCRIPTION_FORMATS, EXPORT_FORMATS

if TYPE_CHECKING:
    from rdflib import Dataset

    from aiplus_kg.knowledge_graph import KnowledgeGraph

__all__ = ["describe_dataset", "export", "push"]

output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (atomically) instead of standard output.",
)


def exported(
    kg: KnowledgeGraph, graphs: tuple[str, ...], inferred: bool, *, describe: bool = True
) -> Dataset:
    """The graphs to export or push, with the VoID/DCAT description of the selection."""
    from aiplus_kg.export import void
    from aiplus_kg.export.serialise import export_dataset

    dataset, engine = kg.dataset, kg.engine
    if not describe:
        return export_dataset(dataset, graphs=graphs, inferred=inferred, engine=engine)
    selection = export_dataset(dataset, graphs=graphs)
    return export_dataset(
        dataset,
        graphs=graphs,
        inferred=inferred,
        engine=engine,
        extra_graphs={void.VOID_GRAPH: void.describe_dataset(selection)},
    )


@click.command(epilog=EXIT_CODES)
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
@output_option
@click.pass_context
def export(
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
    from aiplus_kg.export.serialise import export as write_export

    dataset = exported(knowledge_graph(ctx), graphs, inferred)
    write_export(dataset, export_format, output if output is not None else binary_stdout())


@click.command(epilog=REMOTE_EXIT_CODES)
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
@max_answer_size_option
@click.pass_context
def push(
    ctx: click.Context,
    endpoint: str,
    inferred: bool,
    graphs: tuple[str, ...],
    timeout: float,
    max_answer_size: int,
) -> None:
    """Load the graph into a triple store, one named graph per article.

    Each graph (articles, ontology, reference; with --inferred also aipg:inferred)
    replaces the graph of the same name in the store (HTTP PUT URL?graph=IRI), so
    pushing again updates the store. Graphs the store holds but the export does not
    are left alone. A full push also sends the VoID/DCAT description (aipg:void).
    """
    from aiplus_kg.load.terms import graph_name
    from aiplus_kg.query import remote

    target = remote.endpoint(endpoint, timeout=timeout, max_answer_size=max_answer_size)
    # A partial push must not replace the store's description of the whole graph.
    dataset = exported(knowledge_graph(ctx), graphs, inferred, describe=not graphs)

    def report(pushed: remote.PushedGraph) -> None:
        click.echo(f"pushed {graph_name(pushed.graph)}: {pushed.triples} triples")

    done = remote.push(target, dataset, progress=report)
    total = sum(p.triples for p in done)
    click.echo(target.redact(f"{len(done)} graphs, {total} triples pushed to {endpoint}"))


@click.command(name="describe-dataset", epilog=EXIT_CODES)
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
@output_option
@click.pass_context
def describe_dataset(
    ctx: click.Context, output_format: str, endpoint: str | None, output: Path | None
) -> None:
    """Describe the dataset in VoID and DCAT.

    Title, licence, sources, vocabularies, triples and entities per class and per
    graph, example resources and, with --endpoint, the SPARQL endpoint."""
    from aiplus_kg.export import void

    graph = void.describe_dataset(knowledge_graph(ctx).dataset, endpoint=endpoint)
    void.write_description(graph, output_format, output if output is not None else binary_stdout())
