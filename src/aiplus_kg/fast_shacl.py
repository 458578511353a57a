"""A SHACL validator for the fast engine that gives pySHACL's report, faster.

pySHACL (the reference) walks rdflib's store node by node and runs each SPARQL target
and constraint once per focus node with rdflib's SPARQL engine: seconds on the shipped
graph, much more on a large one. This module evaluates the same shapes with the same
rules, written after pySHACL 0.40's own constraint components (including its choices
where the SHACL specification leaves room: which results carry ``sh:value``, how
``allow_warnings`` affects the conformance of nested shapes, the generic messages of
``sh:node``), over

* plain Python indexes of the triples, built only for the predicates the shapes
  use (paths, ``rdf:type``, ``rdfs:subClassOf``, compared properties), and
* a pyoxigraph store for SPARQL targets and SPARQL-based constraints, each query run
  once for all focus nodes instead of once per node.

The components themselves are in :mod:`aiplus_kg.shacl_checks`. They cover the SHACL
Core components and node-level ``sh:sparql`` constraints; the SPARQL queries run on
rdflib instead when a literal of the data would not reach pyoxigraph exactly as written.
Anything else in the shapes (``sh:closed``, custom constraint components, rules,
property-level SPARQL constraints, complex paths) raises :class:`NotCoveredError`: the
caller then runs pySHACL, so a verdict never depends on this module's coverage. The
tests run both validators on the shipped graph, the invalid and valid examples and
mutants and compare their findings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.load.terms import reachable
from aiplus_kg.namespaces import RDF, RDFS, SH, XSD

__all__ = ["NotCoveredError", "Result", "validate_fast"]

Triple = tuple[Node, Node, Node]
StoreMaker = Callable[[list[Triple]], Any]
"""Makes the pyoxigraph store (an :class:`aiplus_kg.oxstore.OxDataset`) of the triples."""


class NotCoveredError(Exception):
    """The shapes or the data need something this validator does not do."""


VIOLATION, WARNING, INFO = SH.Violation, SH.Warning, SH.Info
# severities that never make a shape fail (allow_warnings); a set, whose misses cost no
# Python-level ``==``
ALLOWED = frozenset({WARNING, INFO})

CORE = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.minCount,
    SH.maxCount,
    SH.minInclusive,
    SH.minExclusive,
    SH.maxInclusive,
    SH.maxExclusive,
    SH.minLength,
    SH.maxLength,
    SH.pattern,
    SH.languageIn,
    SH.uniqueLang,
    SH["in"],
    SH.hasValue,
    SH.lessThan,
    SH.lessThanOrEquals,
    SH["not"],
    SH["and"],
    SH["or"],
    SH.xone,
    SH.node,
    SH.property,
    SH.qualifiedValueShape,
    SH.sparql,
}
UNSUPPORTED = {
    SH.closed,
    SH.equals,
    SH.disjoint,
    SH.rule,
    SH.expression,
    SH.js,
    SH.condition,
    SH.qualifiedValueShapesDisjoint,
}
UNSUPPORTED_TYPES = {
    SH.ConstraintComponent,
    SH.SPARQLAskValidator,
    SH.SPARQLSelectValidator,
    SH.SPARQLRule,
    SH.TripleRule,
    SH.JSConstraint,
    SH.JSTarget,
    SH.Function,
    SH.SPARQLFunction,
    SH.TargetType,
    SH.SPARQLTargetType,
}
COMPONENT = {
    SH["class"]: "ClassConstraintComponent",
    SH.datatype: "DatatypeConstraintComponent",
    SH.nodeKind: "NodeKindConstraintComponent",
    SH.minCount: "MinCountConstraintComponent",
    SH.maxCount: "MaxCountConstraintComponent",
    SH.minInclusive: "MinInclusiveConstraintComponent",
    SH.minExclusive: "MinExclusiveConstraintComponent",
    SH.maxInclusive: "MaxInclusiveConstraintComponent",
    SH.maxExclusive: "MaxExclusiveConstraintComponent",
    SH.minLength: "MinLengthConstraintComponent",
    SH.maxLength: "MaxLengthConstraintComponent",
    SH.pattern: "PatternConstraintComponent",
    SH.languageIn: "LanguageInConstraintComponent",
    SH.uniqueLang: "UniqueLangConstraintComponent",
    SH["in"]: "InConstraintComponent",
    SH.hasValue: "HasValueConstraintComponent",
    SH.lessThan: "LessThanConstraintComponent",
    SH.lessThanOrEquals: "LessThanOrEqualsConstraintComponent",
    SH["not"]: "NotConstraintComponent",
    SH["and"]: "AndConstraintComponent",
    SH["or"]: "OrConstraintComponent",
    SH.xone: "XoneConstraintComponent",
    SH.node: "NodeConstraintComponent",
    SH.sparql: "SPARQLConstraintComponent",
}
NODE_KINDS = {
    SH.IRI: (URIRef,),
    SH.BlankNode: (BNode,),
    SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}
PYTHON_TYPES: dict[Node, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}
OWL_CLASS = URIRef("http://www.w3.org/2002/07/owl#Class")
LIST_PARAMETERS = (SH["and"], SH["or"], SH.xone, SH.languageIn, SH["in"])
STRING_TYPES = (None, RDF.langString, XSD.string)
FLAGS = {"i": re.I, "m": re.M, "s": re.S, "x": re.X}
NESTED_QUERY = re.compile(r"\b(SELECT|MINUS|SERVICE)\b", re.IGNORECASE)


@dataclass
class Result:
    """One validation result, with the results nested under it (``sh:detail``)."""

    shape: Shape
    component: str
    focus: Node
    value: Node | None = None
    path: Node | None = None
    messages: list[Literal] = field(default_factory=list)
    details: list[Result] = field(default_factory=list)
    constraint: Node | None = None

    @property
    def severity(self) -> Node:
        return self.shape.severity


# --- the data -----------------------------------------------------------------------


class Index:
    """Look-ups on a set of triples, for the predicates the shapes need."""

    def __init__(
        self,
        triples: Iterable[Triple],
        forward: set[Node],
        backward: set[Node],
        make_store: StoreMaker | None = None,
    ):
        out: dict[Node, dict[Node, list[Node]]] = {p: {} for p in forward}
        back: dict[Node, dict[Node, list[Node]]] = {p: {} for p in backward}
        self.triples: list[Triple] = []
        for triple in triples:
            s, p, o = triple
            self.triples.append(triple)
            by_subject = out.get(p)
            if by_subject is not None:
                by_subject.setdefault(s, []).append(o)
            by_object = back.get(p)
            if by_object is not None:
                by_object.setdefault(o, []).append(s)
        self.out, self.back = out, back
        self._store: Any = None
        self._make_store = make_store
        self._superclasses: dict[Node, set[Node]] = {}

    def objects(self, subject: Node, predicate: Node) -> list[Node]:
        return self.out[predicate].get(subject, [])

    def subjects(self, predicate: Node, obj: Node) -> list[Node]:
        return self.back[predicate].get(obj, [])

    def transitive_subjects(self, predicate: Node, obj: Node) -> set[Node]:
        """``obj`` and what reaches it through ``predicate`` (``^predicate*``)."""
        return reachable((obj,), self.back[predicate])

    def superclasses(self, cls: Node) -> set[Node]:
        """``cls`` and its superclasses (``rdfs:subClassOf*``), computed once."""
        found = self._superclasses.get(cls)
        if found is None:
            found = reachable((cls,), self.out[RDFS.subClassOf])
            self._superclasses[cls] = found
        return found

    def select(
        self, text: str, *, everything: bool = False
    ) -> tuple[tuple[str, ...], list[tuple[Node | None, ...]]]:
        """Run a SELECT on the triples: with pyoxigraph, or with rdflib (as pySHACL
        would) when some literal would not reach pyoxigraph exactly as written.

        ``everything`` says the query is not restricted to a few nodes: pyoxigraph then
        runs it with its ``FILTER NOT EXISTS`` written as ``MINUS`` where that means
        the same (:func:`~aiplus_kg.sparql_minus.not_exists_as_minus`), which is
        faster over many solutions and slower over a few."""
        from aiplus_kg.oxstore import graph_store, select
        from aiplus_kg.sparql_minus import not_exists_as_minus

        if self._store is None:
            store = (self._make_store or graph_store)(self.triples)
            self._store = store if store.faithful else _rdflib_graph(self.triples)
        if isinstance(self._store, Graph):
            result = self._store.query(text)
            variables = tuple(str(v) for v in result.vars or ())
            rows = [tuple(row) for row in result]  # type: ignore[arg-type]
            return variables, rows  # type: ignore[return-value]
        found = select(self._store, not_exists_as_minus(text) if everything else text)
        assert not isinstance(found, bool)
        return found


def _rdflib_graph(triples: list[Triple]) -> Graph:
    from aiplus_kg.lean_graph import lean_graph

    return lean_graph(triples)


# --- the shapes ---------------------------------------------------------------------


class Shapes:
    """The shapes graph, read once: shapes are built on demand and shared."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._shapes: dict[Node, Shape] = {}
        for kind in UNSUPPORTED_TYPES:
            if (None, RDF.type, kind) in graph:
                raise NotCoveredError(f"shapes use {kind}")
        for prop in UNSUPPORTED:
            if (None, prop, None) in graph:
                raise NotCoveredError(f"shapes use {prop}")
        self.forward: set[Node] = {RDF.type, RDFS.subClassOf}
        self.backward: set[Node] = {RDF.type, RDFS.subClassOf}

    def shape(self, node: Node) -> Shape:
        found = self._shapes.get(node)
        if found is None:
            found = Shape(self, node)
            self._shapes[node] = found
            found.load()
        return found

    def targeted(self) -> list[Shape]:
        """Every shape that declares a target, in a stable order."""
        nodes: set[Node] = set()
        for prop in (
            SH.targetNode,
            SH.targetClass,
            SH.targetSubjectsOf,
            SH.targetObjectsOf,
            SH.target,
        ):
            nodes.update(self.graph.subjects(prop, None))
        shape_nodes = set(self.graph.subjects(RDF.type, SH.NodeShape))
        shape_nodes |= set(self.graph.subjects(RDF.type, SH.PropertyShape))
        for cls in (RDFS.Class, URIRef("http://www.w3.org/2002/07/owl#Class")):
            nodes.update(s for s in self.graph.subjects(RDF.type, cls) if s in shape_nodes)
        return [self.shape(n) for n in sorted(nodes, key=lambda n: (type(n).__name__, str(n)))]

    def items(self, node: Node) -> list[Node]:
        return list(self.graph.items(node))

    def prefixes(self, node: Node) -> str:
        """The ``PREFIX`` lines of the ``sh:prefixes`` of ``node`` (as pySHACL writes them)."""
        lines = []
        for holder in self.graph.objects(node, SH.prefixes):
            for declaration in self.graph.objects(holder, SH.declare):
                prefix = self.graph.value(declaration, SH.prefix)
                namespace = self.graph.value(declaration, SH.namespace)
                if prefix is None or namespace is None:
                    raise NotCoveredError("incomplete sh:declare")
                lines.append(f"PREFIX {prefix}: <{namespace}>")
        return "\n".join(lines)


class Shape:
    """A node or property shape, with its parameters read from the shapes graph."""

    def __init__(self, shapes: Shapes, node: Node) -> None:
        self.shapes = shapes
        self.node = node
        graph = shapes.graph
        self.path_node = graph.value(node, SH.path)
        self.is_property = self.path_node is not None
        self.severity = graph.value(node, SH.severity) or VIOLATION
        self.messages = [m for m in graph.objects(node, SH.message) if isinstance(m, Literal)]
        deactivated = graph.value(node, SH.deactivated)
        self.deactivated = isinstance(deactivated, Literal) and deactivated.toPython() is True
        self.params: dict[Node, list[Node]] = {}
        self.lists: dict[Node, list[Node]] = {}  # RDF lists given as arguments
        self.path: Any = None
        self.flags = 0
        for flag in graph.objects(node, SH.flags):
            for char in str(flag):
                self.flags |= FLAGS.get(char, 0)
        low = graph.value(node, SH.qualifiedMinCount)
        high = graph.value(node, SH.qualifiedMaxCount)
        self.qualified = (
            None if low is None else int(low.toPython()),
            None if high is None else int(high.toPython()),
        )

    def load(self) -> None:
        graph = self.shapes.graph
        for prop, value in graph.predicate_objects(self.node):
            if prop in CORE:
                self.params.setdefault(prop, []).append(value)
        for prop in LIST_PARAMETERS:
            for arg in self.params.get(prop, []):
                self.lists[arg] = list(graph.items(arg))
        if self.is_property:
            self.path = self._compile_path(self.path_node)
        for prop in (SH.lessThan, SH.lessThanOrEquals):
            for other in self.params.get(prop, []):
                self.shapes.forward.add(other)
        for prop in (SH.targetSubjectsOf, SH.targetObjectsOf):
            for value in graph.objects(self.node, prop):
                self.shapes.backward.add(value)
                self.shapes.forward.add(value)

    def _compile_path(self, node: Node) -> Any:
        graph = self.shapes.graph
        if isinstance(node, URIRef):
            self.shapes.forward.add(node)
            return ("p", node)
        if (node, RDF.first, None) in graph:
            return ("seq", [self._compile_path(n) for n in self.shapes.items(node)])
        inverse = graph.value(node, SH.inversePath)
        if isinstance(inverse, URIRef):
            self.shapes.backward.add(inverse)
            return ("inv", inverse)
        alternatives = graph.value(node, SH.alternativePath)
        if alternatives is not None:
            return ("alt", [self._compile_path(n) for n in self.shapes.items(alternatives)])
        raise NotCoveredError(f"path {node!r}")

    def conforms_severity(self) -> bool:
        """Whether results of this shape leave it conforming (pySHACL's allow_warnings)."""
        return self.severity in ALLOWED


# --- the run ------------------------------------------------------------------------


def validate_fast(
    triples: Iterable[Triple], shapes_graph: Graph, make_store: StoreMaker | None = None
) -> tuple[list[Result], Graph]:
    """Validate ``triples`` against the active shapes of ``shapes_graph``: the results
    (top-level, with nested ``sh:detail`` results) and the SHACL report graph.
    ``make_store`` gives the pyoxigraph store of the triples (given as a list) for the
    SPARQL targets and constraints, if any (default:
    :func:`aiplus_kg.oxstore.graph_store`). Raises :class:`NotCoveredError` when
    pySHACL must do it instead."""
    shapes = Shapes(shapes_graph)
    targeted = [s for s in shapes.targeted() if not s.deactivated]
    built = list(shapes._shapes.values())  # the targeted shapes among them
    reached = {shape.node: _load_reachable(shapes, shape) for shape in built}
    asks = {shape.node: _asks_sparql(shape, reached[shape.node]) for shape in targeted}
    from aiplus_kg.shacl_checks import Validator

    index = Index(triples, shapes.forward, shapes.backward, make_store)
    validator = Validator(shapes, index)
    found: dict[Node, list[Result]] = {}
    # the shapes that run no SPARQL first: the store may still be loading (in the
    # background, see aiplus_kg.oxstore._fill); the results keep the shapes' order
    for shape in sorted(targeted, key=lambda shape: asks[shape.node]):
        by_focus = validator.validate(shape, validator.focus_nodes(shape))[1]
        found[shape.node] = [result for results in by_focus.values() for result in results]
    results = [result for shape in targeted for result in found[shape.node]]
    return results, report_graph(results, shapes_graph)


def _asks_sparql(shape: Shape, reached: list[Shape]) -> bool:
    """Whether checking ``shape`` (which reaches the shapes ``reached``) runs SPARQL."""
    return (shape.node, SH.target, None) in shape.shapes.graph or any(
        SH.sparql in other.params for other in reached
    )


def _load_reachable(shapes: Shapes, shape: Shape) -> list[Shape]:
    """Build every shape reachable from ``shape`` now, so that the index knows all the
    predicates it will be asked about; ``shape`` and those shapes."""
    stack, seen, reached = [shape], {shape.node}, [shape]
    while stack:
        current = stack.pop()
        nested: list[Node] = []
        for prop in (SH.node, SH.property, SH["not"], SH.qualifiedValueShape):
            nested.extend(current.params.get(prop, []))
        for prop in (SH["and"], SH["or"], SH.xone):
            for arg in current.params.get(prop, []):
                nested.extend(current.lists[arg])
        for node in nested:
            if node not in seen:
                seen.add(node)
                found = shapes.shape(node)
                stack.append(found)
                reached.append(found)
    return reached


def report_graph(results: list[Result], shapes_graph: Graph) -> Graph:
    """The SHACL validation report for ``results``, laid out as pySHACL writes it (the
    shape and path of a blank node are copied in)."""
    report = Graph()
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    report.add((root, SH.conforms, Literal(not any(r.severity == VIOLATION for r in results))))
    for result in results:
        report.add((root, SH.result, _add_result(report, result, shapes_graph)))
    return report


def _add_result(report: Graph, result: Result, shapes_graph: Graph) -> Node:
    node = BNode()
    report.add((node, RDF.type, SH.ValidationResult))
    report.add((node, SH.sourceConstraintComponent, SH[result.component]))
    report.add((node, SH.sourceShape, _copy(report, shapes_graph, result.shape.node)))
    report.add((node, SH.resultSeverity, result.severity))
    report.add((node, SH.focusNode, result.focus))
    if result.value is not None:
        report.add((node, SH.value, result.value))
    if result.path is not None:
        report.add((node, SH.resultPath, _copy(report, shapes_graph, result.path)))
    if result.constraint is not None:
        report.add((node, SH.sourceConstraint, _copy(report, shapes_graph, result.constraint)))
    for message in result.messages:
        report.add((node, SH.resultMessage, message))
    for detail in result.details:
        report.add((node, SH.detail, _add_result(report, detail, shapes_graph)))
    return node


def _copy(report: Graph, source: Graph, node: Node) -> Node:
    """``node`` itself, or for a blank node a fresh copy of its description."""
    if not isinstance(node, BNode):
        return node
    copy = BNode()
    for p, o in source.predicate_objects(node):
        report.add((copy, p, _copy(report, source, o)))
    return copy
