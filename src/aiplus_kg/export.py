"""Deterministic exports of the dataset: Turtle, N-Triples, N-Quads and TriG.

``ttl`` and ``nt`` hold the union of all graphs (each triple once); ``nq`` and
``trig`` keep one named graph per article plus the ontology and reference graphs.
The bytes depend only on the data: blank nodes get canonical labels, N-Triples and
N-Quads lines are sorted, TriG graphs come in a fixed order, each in sorted Turtle.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from rdflib import BNode, Dataset
from rdflib.plugins.serializers.turtle import SUBJECT
from rdflib.term import Node

from .atomic import atomic_write
from .canon import canonical_graph, graph_tag, ntriples_lines
from .errors import InputError
from .fmt import SortedLongTurtleSerializer, to_turtle, turtle_graph
from .graphs import DEFAULT_GRAPH_ID, named_graphs, union_graph

__all__ = ["FORMATS", "export", "serialize", "serialize_chunks"]

FORMATS: dict[str, str] = {
    "ttl": "Turtle: the union of all graphs",
    "nt": "N-Triples: the union of all graphs, sorted",
    "nq": "N-Quads: one named graph per source, sorted",
    "trig": "TriG: one named graph per source",
}


def _namespaces(dataset: Dataset) -> list[tuple[str, str]]:
    return sorted((str(p), str(n)) for p, n in dataset.namespaces())


def _ttl(dataset: Dataset) -> Iterator[bytes]:
    yield to_turtle(union_graph(dataset), _namespaces(dataset)).encode("utf-8")


def _nt(dataset: Dataset) -> Iterator[bytes]:
    for line in ntriples_lines(canonical_graph(union_graph(dataset))):
        yield f"{line}\n".encode()


def _nq(dataset: Dataset) -> Iterator[bytes]:
    lines: set[str] = set()
    for graph in named_graphs(dataset):
        iri = graph.identifier
        for line in ntriples_lines(canonical_graph(graph, tag=graph_tag(iri))):
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


_WRITERS = {"ttl": _ttl, "nt": _nt, "nq": _nq, "trig": _trig}


def serialize_chunks(dataset: Dataset, fmt: str) -> Iterator[bytes]:
    """The export of ``dataset`` in ``fmt`` (see :data:`FORMATS`), as byte chunks."""
    try:
        writer = _WRITERS[fmt]
    except KeyError:
        choices = ", ".join(FORMATS)
        raise InputError(f"unknown export format {fmt!r} (choose from {choices})") from None
    return writer(dataset)


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
