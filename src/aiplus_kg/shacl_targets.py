"""Feed pySHACL faster without changing its verdict: SPARQL targets found in advance.

A shape's ``sh:target [ a sh:SPARQLTarget ; sh:select ... ]`` makes pySHACL run the
``SELECT`` with rdflib's SPARQL engine on the whole data graph, which dominates the time
of a validation (and grows badly with the graph). :func:`resolve_targets` runs each of
those queries once, with pyoxigraph, on the same data, and hands pySHACL a copy of the
shapes where each such target is replaced by ``sh:targetNode`` values: the focus nodes
the query returned. Everything else (constraints, messages, severities, the report) is
still pySHACL's work.

The query text is the one pySHACL itself would run (built by pySHACL's own helper, with
the ``sh:prefixes`` declarations). When a literal of the data would not reach
pyoxigraph unchanged (see :attr:`aiplus_kg.oxstore.OxDataset.faithful`), the queries
run on rdflib instead, as pySHACL would run them. When no shape feature that needs
pySHACL's "advanced" mode is left, pySHACL runs without it, and in place: no copy of the
data graph.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.namespaces import RDF, RDFS, SH

__all__ = ["ResolvedShapes", "empty_report", "resolve_targets"]

TARGET_PREDICATES = (
    SH.targetNode,
    SH.targetClass,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.target,
)
ADVANCED_PREDICATES = (SH.target, SH.rule, SH.expression, SH.condition)
ADVANCED_TYPES = (
    SH.SPARQLFunction,
    SH.Function,
    SH.SPARQLTargetType,
    SH.JSTargetType,
    SH.TargetType,
    SH.JSFunction,
    SH.SPARQLRule,
    SH.TripleRule,
    SH.JSRule,
)
OWL_CLASS = URIRef("http://www.w3.org/2002/07/owl#Class")


@dataclass
class ResolvedShapes:
    """Shapes with their SPARQL targets replaced, and how pySHACL must run them."""

    shapes: Graph
    advanced: bool  # some feature still needs pySHACL's advanced mode
    has_focus: bool  # some active shape may have a focus node
    targets: dict[Node, set[Node]]  # SPARQL target node -> the focus nodes found


def _sparql_targets(shapes: Graph) -> dict[tuple[Node, Node], str]:
    """(shape, target node) -> the SELECT text pySHACL would run, for every SPARQL target
    of an active shape."""
    from pyshacl.consts import SH_SPARQLTarget
    from pyshacl.shapes_graph import ShapesGraph

    found: dict[tuple[Node, Node], str] = {}
    for shape in ShapesGraph(shapes).shapes:
        if shape.deactivated:
            continue
        for node, target in shape.advanced_target().items():
            if target.get("type") == SH_SPARQLTarget:
                helper = target["qh"]
                found[(shape.node, node)] = helper.apply_prefixes(helper.select_text)
    return found


def _deactivated(shapes: Graph) -> set[Node]:
    return {s for s, o in shapes.subject_objects(SH.deactivated) if _true(o)}


def _true(node: Node) -> bool:
    return isinstance(node, Literal) and node.toPython() is True


def _needs_advanced(shapes: Graph) -> bool:
    off = _deactivated(shapes)
    if any(s not in off for p in ADVANCED_PREDICATES for s in shapes.subjects(p, None)):
        return True
    return any(True for t in ADVANCED_TYPES for _ in shapes.triples((None, RDF.type, t)))


def _has_focus(shapes: Graph) -> bool:
    off = _deactivated(shapes)
    for prop in TARGET_PREDICATES:
        if any(s not in off for s in shapes.subjects(prop, None)):
            return True
    shape_nodes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    for cls in (RDFS.Class, OWL_CLASS):  # implicit class targets
        if any(s in shape_nodes and s not in off for s in shapes.subjects(RDF.type, cls)):
            return True
    return False


def _run_on_rdflib(data: Graph, text: str) -> set[Node]:
    return {row["this"] for row in data.query(text)}  # type: ignore[index]


def resolve_targets(shapes: Graph, data: Graph) -> ResolvedShapes:
    """Replace every SPARQL target of an active shape by the focus nodes it selects in
    ``data`` (see the module docstring)."""
    queries = _sparql_targets(shapes)
    found: dict[Node, set[Node]] = {}
    if queries:
        from aiplus_kg.oxstore import graph_store, select

        store = graph_store(data)
        for (_shape, node), text in queries.items():
            if store.faithful:
                result = select(store, text)
                assert not isinstance(result, bool)
                variables, rows = result
                column = variables.index("this")
                found[node] = {row[column] for row in rows if row[column] is not None}
            else:
                found[node] = _run_on_rdflib(data, text)
    rewritten = Graph(bind_namespaces="none")
    for prefix, namespace in shapes.namespaces():
        rewritten.bind(prefix, namespace, override=True, replace=True)
    replaced = {(shape, SH.target, node) for shape, node in queries}
    rewritten.addN((s, p, o, rewritten) for s, p, o in shapes if (s, p, o) not in replaced)
    for (shape, node), _text in queries.items():
        rewritten.addN((shape, SH.targetNode, focus, rewritten) for focus in found[node])
    return ResolvedShapes(rewritten, _needs_advanced(rewritten), _has_focus(rewritten), found)


def empty_report() -> Graph:
    """The report pySHACL writes when there is nothing to validate: it conforms."""
    from rdflib import BNode

    report = Graph()
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    report.add((node, SH.conforms, Literal(True)))
    return report
