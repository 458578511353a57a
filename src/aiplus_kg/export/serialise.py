"""Deterministic exports of the dataset: Turtle, N-Triples, N-Quads, TriG and JSON-LD.

``ttl`` and ``nt`` hold the union of all graphs (each triple once); ``nq``, ``trig``
and ``jsonld`` keep one named graph per article plus the ontology and reference graphs.
The bytes depend only on the data: blank nodes get canonical labels, N-Triples and
N-Quads lines are sorted, TriG and JSON-LD graphs come in a fixed order, each sorted.

:func:`export_dataset` builds what is exported: a selection of graphs (``--graph``),
the cleaned OWL RL closure in the graph ``aipg:inferred`` (``--inferred``) and any
extra named graph a caller adds (``extra_graphs={iri: graph}``).

Whatever the format, a dataset that no RDF syntax can hold as it is (a literal
subject, a predicate that is not an IRI, an IRI with a space or no scheme, text that
is not valid Unicode) is refused with an :class:`InputError` naming the graph and
the term, rather than written out wrong. Each named graph re-parses isomorphic to the
original; a blank node that two graphs share becomes one blank node per graph.
"""

from __future__ import annotations

import functools
import io
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.plugins.serializers.turtle import SUBJECT
from rdflib.term import Node

from aiplus_kg.atomic import atomic_write
from aiplus_kg.defaults import EXPORT_FORMATS, Engine
from aiplus_kg.errors import InputError
from aiplus_kg.export.canon import canonical_graph, canonical_lines, graph_tag
from aiplus_kg.export.fmt import SortedLongTurtleSerializer, to_turtle, turtle_graph
from aiplus_kg.export.jsonld import jsonld_chunks
from aiplus_kg.export.void import SD
from aiplus_kg.load.terms import DEFAULT_GRAPH_ID, graph_name, named_graphs, union_graph
from aiplus_kg.namespaces import (
    AIPG,
    ONTOLOGY_GRAPH,
    PLAIN_IRI,
    PREFIXES,
    REFERENCE_GRAPH,
    SRC,
    article_stem,
    expand_curie,
)
from aiplus_kg.reason.inferred import inferred_triples

__all__ = [
    "DATASET_FORMATS",
    "FORMATS",
    "INFERRED_GRAPH",
    "UNION_FORMATS",
    "check_rdf",
    "export",
    "export_dataset",
    "select_graphs",
    "serialize",
    "serialize_chunks",
    "usual_prefixes",
]

FORMATS: dict[str, str] = EXPORT_FORMATS
UNION_FORMATS = ("ttl", "nt")
"""Formats without named graphs: they hold the union of the exported graphs."""
DATASET_FORMATS = ("nq", "trig", "jsonld")
"""Formats that keep each named graph."""

INFERRED_GRAPH = AIPG["inferred"]
"""The named graph that ``--inferred`` adds: the cleaned OWL RL closure."""


_GENERATED_PREFIX = re.compile(r"ns\d+|_\d+|default\d*")
"""Prefixes rdflib makes up for a namespace that has none (``ns1``...)."""


@functools.cache
def usual_prefixes() -> dict[str, str]:
    """Prefix -> namespace for the namespaces an export may use: the project's (see
    :data:`~aiplus_kg.namespaces.PREFIXES`), ``sd:`` for the SPARQL service description
    the VoID graph uses, and the usual prefixes of the vocabularies rdflib knows
    (``vann:``, ``dc:``, ``geo:``...). Each namespace has one prefix, the project's
    first."""
    known = Graph(bind_namespaces="rdflib").namespaces()
    found = {str(p): str(n) for p, n in known if str(p) not in ("xml", "")}
    found["sd"] = str(SD)
    found.update(PREFIXES)
    taken = set(PREFIXES.values())
    return {p: n for p, n in found.items() if p in PREFIXES or n not in taken}


def _namespaces(dataset: Dataset) -> list[tuple[str, str]]:
    """The prefixes to write a dataset with: each namespace under its usual prefix (see
    :func:`usual_prefixes`), then the dataset's own bindings for the other namespaces,
    except those rdflib made up (``ns1``); only the prefixes in use are written, and no
    namespace is left for rdflib to name ``ns1``."""
    usual = usual_prefixes()
    namespaces = set(usual.values())
    own = [
        (str(p), str(n))
        for p, n in dataset.namespaces()
        if str(n) not in namespaces
        and str(p) not in usual
        and not _GENERATED_PREFIX.fullmatch(str(p))
    ]
    return sorted([*usual.items(), *own])


def _ttl(dataset: Dataset) -> Iterator[bytes]:
    yield to_turtle(union_graph(dataset), _namespaces(dataset)).encode("utf-8")


def _nt(dataset: Dataset) -> Iterator[bytes]:
    for line in canonical_lines(union_graph(dataset)):
        yield f"{line}\n".encode()


def _nq(dataset: Dataset) -> Iterator[bytes]:
    lines: set[str] = set()
    for graph in named_graphs(dataset):
        iri = graph.identifier
        for line in canonical_lines(graph, tag=graph_tag(iri)):
            if iri == DEFAULT_GRAPH_ID:
                lines.add(line)
            else:
                lines.add(f"{line[:-1].rstrip()} <{iri}> .")
    for line in sorted(lines):
        yield f"{line}\n".encode()


class _GraphBlockSerializer(SortedLongTurtleSerializer):
    """The body of one TriG graph block: sorted longturtle, indented one level."""

    def reset(self) -> None:
        super().reset()
        self.depth = 1

    def startDocument(self) -> None:  # noqa: N802 (rdflib's name)
        self._started = True

    def s_default(self, subject: Node) -> bool:
        self.write("\n" + self.indent())
        self.path(subject, SUBJECT)
        self.write("\n")
        self.predicateList(subject)
        self.write("\n" + self.indent() + ".")
        return True

    def s_squared(self, subject: Node) -> bool:
        if self._references[subject] > 0 or not isinstance(subject, BNode):
            return False
        self.write("\n" + self.indent() + "[]\n")
        self.predicateList(subject)
        self.write("\n" + self.indent() + ".")
        return True

    def used_namespaces(self) -> dict[str, str]:
        return {str(p): str(n) for p, n in self.namespaces.items()}


def _trig(dataset: Dataset) -> Iterator[bytes]:
    # One scratch graph for every block, so that any prefix rdflib has to invent
    # means the same namespace in all of them.
    scratch = turtle_graph(_namespaces(dataset))
    used: dict[str, str] = {}
    blocks: list[str] = []
    for graph in named_graphs(dataset):
        iri = graph.identifier
        scratch.remove((None, None, None))
        canonical_graph(graph, tag=graph_tag(iri), target=scratch)
        serializer = _GraphBlockSerializer(scratch)
        stream = io.BytesIO()
        serializer.serialize(stream, encoding="utf-8")
        if iri == DEFAULT_GRAPH_ID:
            name = ""
        else:  # a CURIE when a project prefix fits, e.g. src:<stem>
            name = serializer.get_pname(iri, gen_prefix=False) or iri.n3()
        used.update(serializer.used_namespaces())
        body = stream.getvalue().decode("utf-8").strip("\n")
        blocks.append(f"{name} {{\n{body}\n}}\n".lstrip())
    header = "".join(f"PREFIX {p}: <{n}>\n" for p, n in sorted(used.items()))
    yield (header + "\n" + "\n".join(blocks)).encode("utf-8")


_WRITERS = {"ttl": _ttl, "nt": _nt, "nq": _nq, "trig": _trig, "jsonld": jsonld_chunks}


# --- what RDF syntaxes can hold ----------------------------------------------------

_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _shown(text: str, width: int = 80) -> str:
    """``text`` clipped and printable, for a one-line message."""
    safe = text.encode("utf-8", "backslashreplace").decode("utf-8")
    safe = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in safe)
    return safe if len(safe) <= width else safe[: width - 1] + "…"


def _iri_problem(iri: str) -> str | None:
    if _SURROGATE.search(iri):
        return "is not valid Unicode (a lone surrogate)"
    if PLAIN_IRI.fullmatch(iri):
        return None
    if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", iri):
        return "is not an absolute IRI (no scheme)"
    bad = next(c for c in iri if c in '<>"{}|^`\\' or ord(c) <= 0x20)
    return f"holds the character {bad!r}, which IRIs may not contain"


def _term_problem(term: Node, position: str) -> str | None:
    if isinstance(term, URIRef):
        reason = _iri_problem(str(term))
        return f"the IRI <{_shown(term)}> {reason}" if reason else None
    if isinstance(term, Literal):
        if position != "object":
            return f"the {position} is a literal ({_shown(term.n3())})"
        if _SURROGATE.search(str(term)):
            return f"the literal {_shown(term.n3())} is not valid Unicode (a lone surrogate)"
        reason = _iri_problem(str(term.datatype)) if term.datatype is not None else None
        return f"the datatype <{_shown(str(term.datatype))}> {reason}" if reason else None
    if isinstance(term, BNode):
        return "the predicate is a blank node" if position == "predicate" else None
    return f"the {position} {term!r} is not an RDF term"


def check_rdf(dataset: Dataset) -> None:
    """Refuse (:class:`InputError`) a dataset that is not plain RDF: see the module
    docstring. The message names the graph and the offending term."""
    checked: set[tuple[Node, str]] = set()
    for graph in named_graphs(dataset):
        name = graph_name(graph.identifier)
        reason = (
            _iri_problem(str(graph.identifier)) if isinstance(graph.identifier, URIRef) else None
        )
        if reason:
            shown = _shown(graph.identifier)
            raise InputError(f"cannot export: the graph name <{shown}> {reason}")
        for triple in graph:
            for term, position in zip(triple, ("subject", "predicate", "object"), strict=True):
                if (term, position) in checked:
                    continue
                problem = _term_problem(term, position)
                if problem:
                    raise InputError(f"cannot export graph {name}: {problem}")
                checked.add((term, position))


def serialize_chunks(dataset: Dataset, fmt: str) -> Iterator[bytes]:
    """The export of ``dataset`` in ``fmt`` (see :data:`FORMATS`), as byte chunks.

    Raises :class:`InputError` for an unknown format or a dataset that is not plain
    RDF (see :func:`check_rdf`)."""
    try:
        writer = _WRITERS[fmt]
    except KeyError:
        choices = ", ".join(FORMATS)
        raise InputError(f"unknown export format {fmt!r} (choose from {choices})") from None
    check_rdf(dataset)
    return writer(dataset)


# --- what is exported --------------------------------------------------------------


def _graph_names(iris: Iterable[Node]) -> str:
    return ", ".join(graph_name(i) for i in iris)


def select_graphs(dataset: Dataset, names: Sequence[str]) -> list[URIRef]:
    """The named graphs of ``dataset`` that ``names`` designate, in export order.

    A name is ``ontology``, ``reference``, an article's stem (``001-c4f603b6c01e8ba9``),
    number (``001``) or source file name (``001_c4f603b6c01e8ba9``), a prefixed name
    (``src:001-...``, ``src:001``) or a full IRI. An unknown
    name is an :class:`InputError` listing the graphs there are.
    """
    graphs = [
        URIRef(str(g.identifier)) for g in named_graphs(dataset) if g.identifier != DEFAULT_GRAPH_ID
    ]
    chosen: set[URIRef] = set()
    for raw in names:
        name = raw.strip().removeprefix("<").removesuffix(">")
        fixed = {"ontology": ONTOLOGY_GRAPH, "reference": REFERENCE_GRAPH}
        candidates: list[URIRef] = [fixed[name]] if name in fixed else []
        stems = [str(g)[len(SRC) :] for g in graphs if str(g).startswith(str(SRC))]
        stem = article_stem(name, stems)
        candidates += [SRC[stem]] if stem is not None else []
        expanded = expand_curie(name)
        candidates += [g for g in graphs if g in (expanded, URIRef(name))]
        found = [g for g in dict.fromkeys(candidates) if g in graphs]
        if len(found) != 1:
            what = "names several graphs" if found else "is not a graph of the dataset"
            raise InputError(f"--graph {raw!r} {what} (graphs: {_graph_names(found or graphs)})")
        chosen.add(found[0])
    return [g for g in graphs if g in chosen]


def _copy(source: Graph, target: Graph) -> None:
    target.addN((s, p, o, target) for s, p, o in source)


def export_dataset(
    dataset: Dataset,
    *,
    graphs: Sequence[str] = (),
    inferred: bool = False,
    engine: Engine = "fast",
    extra_graphs: Mapping[URIRef, Graph] | None = None,
) -> Dataset:
    """What ``aiplus export`` writes: ``dataset`` itself, or a new dataset with

    * only the graphs that ``graphs`` names (see :func:`select_graphs`);
    * with ``inferred``, the graph :data:`INFERRED_GRAPH`: what the OWL RL closure of
      those graphs adds, together with the ontology and the reference data when they
      are not selected themselves (see :mod:`aiplus_kg.reason.inferred`), by
      ``engine``;
    * each graph of ``extra_graphs`` under its IRI (such as a VoID description);
      an IRI that the export already holds is an :class:`InputError`.
    """
    if not graphs and not inferred and not extra_graphs:
        return dataset
    out = Dataset(default_union=True)
    for prefix, namespace in dataset.namespaces():
        out.bind(prefix, namespace, override=True, replace=True)
    if graphs:
        chosen = select_graphs(dataset, graphs)
    else:
        chosen = [URIRef(str(g.identifier)) for g in named_graphs(dataset)]
    for iri in chosen:
        _copy(dataset.graph(iri), out.graph(iri))
    if inferred:
        context = [dataset.graph(i) for i in (ONTOLOGY_GRAPH, REFERENCE_GRAPH) if i not in chosen]
        selected = [dataset.graph(i) for i in chosen]
        ontology = dataset.graph(ONTOLOGY_GRAPH)
        added = inferred_triples(selected, context, ontology, engine=engine)
        _copy(added, out.graph(INFERRED_GRAPH))
    for iri, graph in (extra_graphs or {}).items():
        if len(out.graph(iri)):
            raise InputError(f"cannot add the graph {graph_name(iri)}: the export already has it")
        _copy(graph, out.graph(iri))
    return out


def serialize(dataset: Dataset, fmt: str) -> bytes:
    """The export of ``dataset`` in ``fmt``, as bytes."""
    return b"".join(serialize_chunks(dataset, fmt))


def export(
    dataset: Dataset,
    fmt: str,
    out: Path | str | BinaryIO | None = None,
) -> None:
    """Export ``dataset`` in ``fmt`` to the file ``out`` (written atomically), to a
    binary stream, or to standard output when ``out`` is ``None``."""
    if out is None or not isinstance(out, Path | str):
        data = serialize(dataset, fmt)
        stream = out if out is not None else sys.stdout.buffer
        stream.write(data)
        stream.flush()
        return
    chunks: Iterable[bytes] = serialize_chunks(dataset, fmt)
    atomic_write(Path(out), chunks)
