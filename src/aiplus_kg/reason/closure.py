"""The OWL 2 RL closure of a graph and the inconsistencies it holds.

Two engines compute it:

* ``fast``: `reasonable <https://pypi.org/project/reasonable/>`_, an OWL 2 RL reasoner
  written in Rust. It records no inconsistency: :mod:`aiplus_kg.reason.consistency`
  finds, in its closure, every clash owlrl reports, in owlrl's words, and owlrl's own
  datatype table checks the lexical form of each literal (rule ``dt-not-type``).
* ``reference``: `owlrl <https://pypi.org/project/owlrl/>`_, which defines the answer.

The closures differ in what no command shows: reasonable types every resource
``owl:Thing``; owlrl types literals by their datatype (triples with a literal subject)
and adds axioms about the RDF, RDFS and OWL vocabularies. Validation, the consistency
check and the exported ``aipg:inferred`` graph give the same answers on both (the
``slow`` tests compare them).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass, field

import rdflib
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.defaults import Engine
from aiplus_kg.load.terms import display
from aiplus_kg.namespaces import OWL, RDF, XSD

__all__ = ["IRI_IN_TEXT", "Closure", "compute_closure", "inconsistencies", "readable"]

Triple = tuple[Node, Node, Node]

IRI_IN_TEXT = re.compile(r"(?:https?://|urn:)[^\s,()'\"<>]+")
"""A bare IRI in one of owlrl's messages."""


@dataclass
class Closure(AbstractSet[Triple]):
    """An OWL RL closure: the triples given, those inferred from them (never given
    again), and owlrl's message for each inconsistency, sorted. A read-only set of
    the given and inferred triples together."""

    given: dict[Triple, None]
    inferred: dict[Triple, None]
    errors: list[str] = field(default_factory=list)

    def __contains__(self, triple: object) -> bool:
        return triple in self.given or triple in self.inferred

    def __iter__(self) -> Iterator[Triple]:
        yield from self.given
        yield from self.inferred

    def __len__(self) -> int:
        return len(self.given) + len(self.inferred)

    def graph(self) -> Graph:
        """The closure as a new rdflib graph."""
        graph = Graph(bind_namespaces="none")
        graph.addN((s, p, o, graph) for s, p, o in self)
        return graph


def compute_closure(triples: Iterable[Triple], engine: Engine = "fast") -> Closure:
    """The OWL RL closure of ``triples`` (repeats are read once), by ``engine``. Triples
    whose predicate is not an IRI are not read (owlrl drops them)."""
    given = dict.fromkeys(t for t in triples if isinstance(t[1], URIRef))
    if engine == "reference":
        return _owlrl_closure(given)
    return _reasonable_closure(given)


def _owlrl_closure(given: dict[Triple, None]) -> Closure:
    import owlrl
    from owlrl.Namespaces import ERRNS

    graph = Graph(bind_namespaces="none")
    graph.addN((s, p, o, graph) for s, p, o in given)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    errors: set[str] = set()
    for record in list(graph.subjects(RDF.type, ERRNS.ErrorMessage)):
        errors.update(str(text) for text in graph.objects(record, ERRNS.error))
        graph.remove((record, None, None))
    inferred = dict.fromkeys(t for t in graph if t not in given)
    return Closure(given, inferred, sorted(errors))


def _reasonable_closure(given: dict[Triple, None]) -> Closure:
    import reasonable

    from aiplus_kg.reason.consistency import find_inconsistencies

    # reasonable reads and hands back rdflib terms, a new object for each term of each
    # triple: two million triples at a million given, and 1.8 GB of Python objects. It
    # gets short placeholders instead, plain strings (see _ReasonerTerm), and hands them
    # back as strings (see _plain_strings). Only the terms of the vocabularies its rules
    # read go as themselves; a placeholder also keeps a literal from being re-typed
    # (reasonable makes a plain literal an xsd:string one) and a blank node from being
    # renamed. Figures: bench/run.py, P3 (peak memory at 1M triples).
    codes: dict[Node, _ReasonerTerm] = {}
    terms: dict[str, Node] = {}  # placeholder -> the term it stands for
    encoded: list[tuple[_ReasonerTerm, ...]] = []
    for triple in given:
        row = []
        for term in triple:
            code = codes.get(term)
            if code is None:
                vocabulary = isinstance(term, URIRef) and str.startswith(term, _VOCABULARIES)
                code = codes[term] = _ReasonerTerm(term if vocabulary else f"x:{len(codes):x}")
                terms[code] = term
            row.append(code)
        encoded.append(tuple(row))
    del codes
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(encoded)
    given_codes = set(encoded)  # compared as strings: a literal's hash is a Python call
    del encoded
    with _plain_strings():
        closure = reasoner.reason()  # every triple, given or not
    del reasoner
    inferred: dict[Triple, None] = {}
    get, same_as = terms.get, frozenset({OWL.sameAs})  # a set: no Python-level ==
    while closure:  # each triple is freed once read
        codes_of = closure.pop()
        if codes_of in given_codes:
            continue
        s, p, o = (_decoded(get, code, terms) for code in codes_of)
        if isinstance(s, Literal) or not isinstance(p, URIRef) or (p in same_as and s == o):
            continue  # owlrl types literals otherwise; reflexive sameAs is never used
        inferred[s, p, o] = None
    errors = _datatype_errors(given)
    lists = {t for t in given if t[1] in (RDF.first, RDF.rest)}
    errors.extend(find_inconsistencies(Closure(given, inferred), lists))
    return Closure(given, inferred, sorted(set(errors)))


_VOCABULARIES = (str(RDF), "http://www.w3.org/2000/01/rdf-schema#", str(OWL), str(XSD))


class _ReasonerTerm(str):
    """A placeholder as reasonable reads a term: it asks each term for an rdflib
    literal's ``datatype`` and ``language`` and takes one with neither for an IRI; a
    plain string would raise, and format, an error for each question."""

    __slots__ = ()
    datatype = None
    language = None


def _decoded(get: Callable[[str], Node | None], code: str, terms: dict[str, Node]) -> Node:
    """The term ``code`` stands for, or the IRI it is when no triple was given with it:
    a vocabulary term (``owl:Thing``...). ``is None``: a literal such as ``false`` is
    false."""
    term = get(code)
    if term is None:
        term = terms[code] = URIRef(code)
    return term


_PLAIN_STRINGS = threading.Lock()


@contextmanager
def _plain_strings() -> Iterator[None]:
    """Have reasonable hand its closure back as plain strings: it makes each term by
    calling ``rdflib.URIRef``, looked up on the package at the call, which checks and
    builds an IRI only for the caller to look it up again. For the call, the package's
    ``URIRef`` is ``str``; rdflib and this package bound theirs when imported, so
    nothing else sees the change."""
    with _PLAIN_STRINGS:
        saved = rdflib.URIRef
        rdflib.URIRef = str  # type: ignore[misc,assignment]
        try:
            yield
        finally:
            rdflib.URIRef = saved  # type: ignore[misc]


def _datatype_errors(given: Iterable[Triple]) -> list[str]:
    """owlrl's ``dt-not-type`` messages: the literals whose lexical form its datatype
    table (which checks more than rdflib's) does not accept."""
    from owlrl.DatatypeHandling import AltXSDToPYTHON
    from owlrl.XsdDatatypes import OWL_RL_Datatypes

    literals = {o for _, _, o in given if isinstance(o, Literal) and o.datatype in OWL_RL_Datatypes}
    errors = []
    for literal in literals:
        convert = AltXSDToPYTHON.get(literal.datatype)
        if convert is None:
            continue
        try:
            convert(str(literal))
        except (ValueError, ArithmeticError):  # owlrl itself stops at the second kind
            errors.append(
                f"Lexical value of the literal '{literal}' does not match its datatype "
                f"({literal.datatype})"
            )
    return errors


def readable(message: str, graph: Graph) -> str:
    """``message`` with each bare IRI written as ``Label (curie)``."""
    return IRI_IN_TEXT.sub(lambda m: display(graph, URIRef(m.group(0))), message)


def inconsistencies(closure: Closure, labels: Graph | None = None) -> list[str]:
    """The inconsistencies of ``closure`` as readable messages, each term named by its
    label (from ``labels``, default the closure) and CURIE, e.g. ``Disjoint classes
    Company (aip:Company) and Person (aip:Person) have a common individual Huawei
    (id:huawei)``."""
    if not closure.errors:
        return []
    graph = labels if labels is not None else closure.graph()
    return sorted({readable(message, graph) for message in closure.errors})
