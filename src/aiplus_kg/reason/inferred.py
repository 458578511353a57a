"""What the OWL RL closure adds to a selection of graphs, cleaned for use elsewhere.

The closure (:func:`aiplus_kg.reason.closure.closure`) of the selected graphs, taken
together with the shared context they rely on (the ontology and the reference data,
when they are not selected themselves), minus:

* what is asserted in the selection, and what the context alone already implies
  (when the context is not part of the selection, its own consequences are not
  "inferred from the selection"), and what the ontology alone implies (its own
  consequences, such as a domain passed up a chain of subclasses, are for any
  reasoner to derive from the ontology; OWL RL engines differ on them);
* what is not valid RDF: triples with a literal or blank-node predicate or a literal
  subject (owlrl writes ``"1.5"^^xsd:decimal rdf:type xsd:decimal``);
* tautologies that hold of every resource: reflexive ``owl:sameAs``,
  ``owl:equivalentClass``, ``owl:equivalentProperty``, ``rdfs:subClassOf`` and
  ``rdfs:subPropertyOf``; ``rdf:type owl:Thing`` and ``rdfs:subClassOf owl:Thing``;
* axiomatic triples: what the closure of an empty graph holds, and any statement
  about a term of the RDF, RDFS, OWL or XSD vocabularies (``xsd:decimal a
  rdfs:Datatype``, ``owl:Thing a owl:Class``);
* triples that mention a blank node: a blank node is local to the graph that holds
  it, so in a graph of their own such triples would be about another node (in this
  project they are consequences of the ontology's own restrictions and lists).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.defaults import Engine
from aiplus_kg.namespaces import OWL, RDF, RDFS, XSD
from aiplus_kg.reason.closure import compute_closure

__all__ = ["REFLEXIVE_NOISE", "VOCABULARY_NAMESPACES", "clean", "inferred_triples"]

REFLEXIVE_NOISE = frozenset(
    {OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty, RDFS.subClassOf, RDFS.subPropertyOf}
)
"""Properties every resource has to itself under OWL RL."""

VOCABULARY_NAMESPACES = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD))
"""Namespaces whose terms the closure describes axiomatically."""

Triple = tuple[Node, Node, Node]


@functools.cache
def _axioms(engine: Engine) -> frozenset[Triple]:
    """What the closure of an empty graph holds."""
    return frozenset(compute_closure((), engine))


def _useful(s: Node, p: Node, o: Node) -> bool:
    if isinstance(s, Literal | BNode) or isinstance(o, BNode) or not isinstance(p, URIRef):
        return False
    if s == o and p in REFLEXIVE_NOISE:
        return False
    if o == OWL.Thing and p in (RDF.type, RDFS.subClassOf):
        return False
    # str(): rdflib's URIRef.startswith does not take a tuple
    return not (isinstance(s, URIRef) and str(s).startswith(VOCABULARY_NAMESPACES))


def clean(triples: Iterable[Triple], engine: Engine = "fast") -> set[Triple]:
    """The triples that are valid RDF and not noise (see the module docstring)."""
    axioms = _axioms(engine)
    return {t for t in triples if t not in axioms and _useful(*t)}


def _merge(graphs: Iterable[Graph]) -> Graph:
    merged = Graph(bind_namespaces="none")
    for graph in graphs:
        merged += graph
    return merged


def inferred_triples(
    selected: Iterable[Graph],
    context: Iterable[Graph] = (),
    ontology: Graph | None = None,
    *,
    engine: Engine = "fast",
) -> Graph:
    """The triples the OWL RL closure of ``selected`` + ``context`` adds, cleaned (see
    the module docstring), as a new graph. What the closure of ``context`` and
    ``ontology`` alone holds is left out: the ontology's own consequences (a domain
    passed up a subclass chain...) are for any reasoner to derive from the ontology."""
    selection = _merge(selected)
    shared = _merge(context)
    known = set(selection) | set(shared)
    base = _merge([shared, ontology]) if ontology is not None else shared
    if len(base):
        known |= set(compute_closure(base, engine))
    closure = compute_closure(_merge([selection, shared]), engine)
    out = Graph(bind_namespaces="none")
    out.addN(
        (s, p, o, out) for s, p, o in clean(closure.inferred, engine) if (s, p, o) not in known
    )
    return out
