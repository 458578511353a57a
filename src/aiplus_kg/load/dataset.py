"""Assemble the project's dataset: the one place that reads the project's Turtle files.

Files go to named graphs as follows:

* ``ontology/aiplus.ttl``        -> ``https://w3id.org/aiplus/ontology``
* ``graph/reference/*.ttl``      -> ``https://w3id.org/aiplus/graph/reference``
* ``graph/articles/<stem>.ttl``  -> ``https://w3id.org/aiplus/source/<stem>``

:class:`LoadedDataset` keeps each named graph's triples as read; its ``dataset``, an
:class:`rdflib.Dataset` with ``default_union=True`` (queries and pattern look-ups see
the union of all named graphs), is built the first time it is asked for: reasoning,
validation and the pyoxigraph store read the triples without it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import repeat
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from aiplus_kg.errors import InputError, located
from aiplus_kg.load.terms import Triple
from aiplus_kg.load.turtle import read_turtle
from aiplus_kg.namespaces import (
    ONTOLOGY_GRAPH,
    REFERENCE_GRAPH,
    SRC,
    article_graph_iri,
    bind_prefixes,
)
from aiplus_kg.project import Project, display_path, find_project

__all__ = ["LoadedDataset", "load", "load_extra", "load_project", "new_dataset"]


class LoadedDataset:
    """The named graphs read from the project's files, and the file(s) each came from.

    Each graph's triples are kept, in the order read, until :attr:`dataset` is first
    used; from then on that rdflib dataset is their only copy, and changes made to it
    are what every other accessor (:meth:`union`, :meth:`graph_triples`) sees.
    """

    def __init__(self, project: Project | None = None) -> None:
        self.project = project
        self.files: dict[URIRef, tuple[Path, ...]] = {}
        self._graphs: dict[URIRef, dict[Triple, None]] = {}
        self._prefixes: list[tuple[str, str]] = []
        self._dataset: Dataset | None = None

    @property
    def dataset(self) -> Dataset:
        """The graphs as an rdflib union-default dataset (built on first use)."""
        if self._dataset is None:
            dataset = new_dataset()
            for prefix, namespace in self._prefixes:
                dataset.bind(prefix, namespace, override=False)
            for iri, triples in self._graphs.items():
                graph = dataset.graph(iri)
                graph.addN((s, p, o, graph) for s, p, o in triples)
            self._dataset, self._graphs, self._prefixes = dataset, {}, []
        return self._dataset

    @property
    def article_graphs(self) -> list[URIRef]:
        """The IRIs of the article graphs, sorted."""
        return sorted(iri for iri in self.files if iri.startswith(str(SRC)))

    def graph(self, iri: URIRef) -> Graph:
        """The named graph ``iri`` (empty if absent)."""
        return self.dataset.graph(iri)

    def graph_triples(self) -> Iterator[tuple[URIRef, Iterable[Triple]]]:
        """Each named graph's IRI and triples, without building :attr:`dataset`."""
        if self._dataset is None:
            yield from self._graphs.items()
            return
        for graph in self._dataset.graphs():
            if graph.identifier != DATASET_DEFAULT_GRAPH_ID:
                yield URIRef(str(graph.identifier)), graph

    def union(self) -> dict[Triple, None]:
        """The distinct triples of all graphs together, in the order read (a new dict
        used as an ordered set)."""
        if self._dataset is not None:
            return dict.fromkeys(self._dataset.triples((None, None, None)))
        out: dict[Triple, None] = {}
        for triples in self._graphs.values():
            out.update(triples)
        return out

    def display(self, path: Path) -> str:
        """``path`` as shown in messages."""
        return display_path(path, self.project.root if self.project else None)

    def add_file(
        self, iri: URIRef, path: Path, memo: dict[object, Node] | None = None, *, replace: bool
    ) -> None:
        """Read the Turtle file ``path`` into the named graph ``iri``, after what the
        graph holds or, with ``replace``, instead of it."""
        triples, prefixes = read_turtle(path, display=self.display(path), base=str(iri), memo=memo)
        if replace:
            self._drop(iri)
            self.files[iri] = (path,)
        else:
            self.files[iri] = (*self.files.get(iri, ()), path)
        if self._dataset is not None:
            graph = self._dataset.graph(iri)
            graph.addN((s, p, o, graph) for s, p, o in triples)
            for prefix, namespace in prefixes:
                self._dataset.bind(prefix, namespace, override=False)
            return
        self._graphs.setdefault(iri, {}).update(zip(triples, repeat(None)))
        self._prefixes.extend(prefixes)

    def _drop(self, iri: URIRef) -> None:
        if self._dataset is not None:
            self._dataset.remove_graph(iri)
        else:
            self._graphs.pop(iri, None)


def new_dataset() -> Dataset:
    """An empty union-default dataset with the project prefixes bound."""
    dataset = Dataset(default_union=True)
    bind_prefixes(dataset)
    return dataset


def load_project(project: Project) -> LoadedDataset:
    """Load the ontology, the reference data and one named graph per article."""
    loaded = LoadedDataset(project)
    if not project.ontology_file.is_file():
        raise InputError(
            located(project.display(project.ontology_file), "missing ontology file")
            + f" (project root: {project.root})"
        )
    articles = project.article_files()
    if not articles:
        raise InputError(located(project.display(project.articles_dir), "no article files (*.ttl)"))
    memo: dict[object, Node] = {}  # equal terms of different files are one object
    loaded.add_file(ONTOLOGY_GRAPH, project.ontology_file, memo, replace=False)
    for path in project.reference_files():
        loaded.add_file(REFERENCE_GRAPH, path, memo, replace=False)
    for path in articles:
        loaded.add_file(article_graph_iri(path.stem), path, memo, replace=False)
    return loaded


def load(root: Path | str | None = None, *, env: Mapping[str, str] | None = None) -> LoadedDataset:
    """Find the project (see :func:`aiplus_kg.project.find_project`) and load it."""
    return load_project(find_project(root, env=env))


def load_extra(loaded: LoadedDataset, paths: Iterable[Path | str]) -> list[URIRef]:
    """Add contributor files to ``loaded``, each as the article graph named after its stem.

    A file ``x/<stem>.ttl`` becomes the graph ``src:<stem>``; if the project already
    has that graph (the contributor edits an existing article), it is replaced. Returns
    the IRIs of the graphs added, in the order given.
    """
    added: list[URIRef] = []
    for item in paths:
        path = Path(item)
        iri = article_graph_iri(path.stem)
        loaded.add_file(iri, path, replace=True)
        added.append(iri)
    return added
