"""SHACL validation of the dataset against the project's shapes (``shapes/*.ttl``).

By default the data is the OWL RL closure of ontology + reference data + articles, so
that inferred types count (an ``aip:StartUp`` is checked as an ``aip:Firm`` too): the
closure's inconsistencies are violations, and the shapes run without inference of
their own, in two passes (see :func:`aiplus_kg.validate.shapes.split_shapes`).

Two engines give the same findings: ``fast`` runs the shapes with `pyshacl-turbo
<https://pypi.org/project/pyshacl-turbo/>`_ (Rust, pySHACL's API) on a pyoxigraph copy
of the data, ``reference`` with `pySHACL <https://pypi.org/project/pyshacl/>`_ on an
rdflib graph.
"""

from __future__ import annotations

from collections.abc import Collection

from rdflib import Graph, Literal

from aiplus_kg.defaults import Engine
from aiplus_kg.errors import InternalError
from aiplus_kg.load.dataset import LoadedDataset
from aiplus_kg.load.store import NTriplesWriter, ntriples_text
from aiplus_kg.load.terms import Triple
from aiplus_kg.namespaces import OWL, XSD
from aiplus_kg.reason.closure import Closure
from aiplus_kg.validate.report import Report, findings, inconsistency_findings, sort_key
from aiplus_kg.validate.shapes import split_shapes

__all__ = ["run_shapes", "validate"]


def validate(
    loaded: LoadedDataset,
    shapes: Graph,
    closure: Closure | None,
    *,
    engine: Engine = "fast",
) -> Report:
    """Validate ``loaded`` against ``shapes``: with a ``closure`` (of ``loaded``), the
    shapes not marked as checking asserted triples run on it and its inconsistencies
    are violations; without one, every shape runs on the asserted triples."""
    if closure is None:
        asserted = list(loaded.union())
        report_graph = run_shapes(asserted, shapes, engine)
        found = list(findings(loaded, asserted, report_graph))
        return Report(sorted(set(found), key=sort_key), report_graph, inference=False)
    on_closure, on_asserted = split_shapes(shapes)
    # SHACL has no use for literal subjects, nor for what is true of every resource
    same_as = frozenset({OWL.sameAs})  # a set: no Python-level == for each triple
    data = [
        (s, p, o)
        for s, p, o in closure
        if not isinstance(s, Literal) and not (p in same_as and s == o)
    ]
    writer = _writer()  # both passes spell the terms they share once
    report_graph = run_shapes(data, on_closure, engine, writer)
    found = list(findings(loaded, data, report_graph))
    found.extend(inconsistency_findings(loaded, data, closure.errors))
    del data
    asserted = list(closure.given)
    asserted_report = run_shapes(asserted, on_asserted, engine, writer)
    found.extend(findings(loaded, asserted, asserted_report))
    report_graph += asserted_report
    return Report(sorted(set(found), key=sort_key), report_graph, inference=True)


def _writer() -> NTriplesWriter:
    return NTriplesWriter(blank_nodes=True)


def run_shapes(
    data: Collection[Triple],
    shapes: Graph,
    engine: Engine = "fast",
    writer: NTriplesWriter | None = None,
) -> Graph:
    """The SHACL validation report of ``data`` against ``shapes`` (no inference);
    ``writer`` spells the data for the fast engine."""
    try:
        if engine == "reference":
            import pyshacl

            graph = Graph(bind_namespaces="none")
            graph.addN((s, p, o, graph) for s, p, o in data)
            _, report, _ = pyshacl.validate(
                graph, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True
            )
        else:
            import pyshacl_turbo

            _, report, _ = pyshacl_turbo.validate(
                _turbo_input(data, writer or _writer()),
                shacl_graph=shapes,
                inference="none",
                allow_warnings=True,
                advanced=True,
            )
            if isinstance(report, Graph):
                _plain_strings(report, data)
    except Exception as exc:  # both engines raise their own errors for broken shapes
        raise InternalError(f"SHACL engine failed: {' '.join(str(exc).split())}") from exc
    if not isinstance(report, Graph):
        raise InternalError(f"SHACL engine failed: {report}")
    return report


def _turbo_input(data: Collection[Triple], writer: NTriplesWriter) -> object:
    """``data`` as pyshacl-turbo's engine reads it fastest: its N-Triples text, handed
    to the engine as it stands (``pyshacl_turbo.rdf.Input``, what its own API makes of
    a graph), where an rdflib graph would be read term by term in Python and a
    pyoxigraph store first filled, then dumped (at a million triples, 17 s of 76 s of
    validation: bench/run.py, P3). Data N-Triples cannot carry goes as a store."""
    from pyshacl_turbo.rdf import Input

    text, rest = ntriples_text(writer, data)
    if rest:
        from aiplus_kg.load.store import Store

        return Store.of_triples(data).oxigraph
    nodes = dict(writer.blank_nodes or {})
    return Input(text, "nt", None, nodes, {}, preserve_ids=True)


def _plain_strings(report: Graph, data: Collection[Triple]) -> None:
    """Write the literals of ``report`` as ``data`` holds them: pyoxigraph hands a plain
    literal back typed ``xsd:string`` (RDF 1.1's view), which rdflib keeps apart."""
    typed = [t for t in report if isinstance(t[2], Literal) and t[2].datatype == XSD.string]
    if not typed:
        return
    explicit = {o for _, _, o in data if isinstance(o, Literal) and o.datatype == XSD.string}
    for s, p, o in typed:
        if o not in explicit:
            report.remove((s, p, o))
            report.add((s, p, Literal(str(o))))
