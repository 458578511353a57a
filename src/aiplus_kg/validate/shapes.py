"""The project's SHACL shapes (``shapes/*.ttl``), and which data each one checks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from aiplus_kg.errors import InputError
from aiplus_kg.load.turtle import parse_turtle
from aiplus_kg.namespaces import SH, bind_prefixes

__all__ = ["ASSERTED", "load_shapes", "split_shapes"]

ASSERTED = URIRef("https://w3id.org/aiplus/shapes#checksAssertedTriples")
"""Marks a shape that checks what the files say, not their OWL RL closure."""

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def load_shapes(files: Iterable[Path], display_path: Callable[[Path], str] = str) -> Graph:
    """Parse the shape files into one shapes graph."""
    shapes = Graph()
    for path in files:
        parse_turtle(path, shapes, display=display_path(path))
    if not len(shapes):
        raise InputError("no SHACL shapes found (shapes/*.ttl)")
    return bind_prefixes(shapes)


def split_shapes(shapes: Graph) -> tuple[Graph, Graph]:
    """The shapes for the closure and those for the asserted triples.

    A shape marked ``aips:checksAssertedTriples true`` checks what the files say
    (declared terms, types, datatypes): it runs on the asserted union, where inferred
    types cannot hide a missing one. Each graph keeps every shape, with the other kind's
    targeted shapes switched off by ``sh:deactivated``, so that shared shapes reached by
    ``sh:node`` stay active in both.
    """
    marked = {
        s
        for s, _, o in shapes.triples((None, ASSERTED, None))
        if isinstance(o, Literal) and o.toPython() is True
    }
    targeted = {
        s for prop in _TARGETS for s in shapes.subjects(prop, None) if isinstance(s, URIRef)
    }
    out = []
    for off in (marked, targeted - marked):
        graph = Graph(bind_namespaces="none")
        graph += shapes
        for shape in off:
            graph.add((shape, SH.deactivated, Literal(True)))
        out.append(bind_prefixes(graph))
    return out[0], out[1]
