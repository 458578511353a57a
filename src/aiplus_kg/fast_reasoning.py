"""The OWL RL closure with ``reasonable`` (Rust), made to agree with owlrl.

owlrl (the reference) and ``reasonable`` implement the same rule tables (OWL 2 RL,
section 4.3) but do not produce the same graph. This module runs ``reasonable`` and
closes the gaps, so that both agree exactly on **the project's own entailments**: the
triples of the closure whose subject is an IRI of the entity namespace (``id:``) or of
the source namespace (``src:``), once the closure is cleaned as validation cleans it
(no literal subject, no reflexive ``owl:sameAs``). See :func:`project_view`; the tests
compare both engines on it, on the shipped graph and on the invalid examples.

What is done to get there:

1. owlrl's one-time rules run first, by owlrl's own code (they are a single pass):
   datatype typing of literals and its subsumptions, datatype disjointness, the
   ``dt-not-type`` check of lexical forms, ``cls-thing``, ``cls-nothing1``, ``prp-ap``.
   Their triples go to ``reasonable`` with the data.
2. Literals, blank nodes and the IRIs outside the RDF, RDFS, OWL and XSD vocabularies
   go to ``reasonable`` as short placeholder IRIs and come back as they were: no literal
   is re-typed (``reasonable`` turns a simple literal into an ``xsd:string`` one) and no
   blank node is renamed.
3. ``reasonable`` types every resource as ``owl:Thing``; owlrl only those that belong to
   a class it has made a subclass of ``owl:Thing`` (rule ``scm-cls``: every declared
   ``owl:Class``). The ``owl:Thing`` typings are recomputed that way.
4. ``reasonable`` records no inconsistency; :mod:`aiplus_kg.reason.consistency` finds, in the
   closure, every one owlrl reports, with owlrl's own wording.
5. Triples with a blank-node predicate are dropped, as owlrl's post-processing does.
6. Triples whose predicate no rule can read are kept back from ``reasonable`` (see
   :func:`_put_aside`): labels and other annotations, a quarter of a typical graph, are
   otherwise carried through every join. Such a triple only ever yields copies of
   itself along ``owl:sameAs`` (rules eq-rep-s and eq-rep-o): they are made here, from
   the ``owl:sameAs`` links of the closure.
7. Most graphs do not go to ``reasonable`` whole: it closes their schema part alone (a
   few thousand triples), and :mod:`aiplus_kg.instance_rules` derives what the rules
   give each instance triple with that closed schema, in time linear in the data
   (:func:`_by_parts`). Where that would not be the same (``owl:sameAs``, two values of
   a functional property, a construct whose rules join instance triples, such as
   ``owl:someValuesFrom``), the whole graph goes to ``reasonable`` (:func:`_at_once`).
   Reflexive ``owl:sameAs`` triples, which ``reasonable`` makes for some terms only and
   owlrl for all, are then left out: validation drops them anyway.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from itertools import chain, repeat

import rdflib
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.bulk import bulk_step, give_back_memory
from aiplus_kg.instance_rules import NotSimpleError, Schema, instance_closure, split
from aiplus_kg.lean_graph import lean_graph
from aiplus_kg.load.dataset import OrderedTriples
from aiplus_kg.load.terms import reachable, union_graph
from aiplus_kg.namespaces import ID, OWL, RDF, RDFS, SRC, XSD, bind_prefixes
from aiplus_kg.reason.consistency import find_inconsistencies

__all__ = [
    "PROJECT_NAMESPACES",
    "Closure",
    "fast_closure",
    "fast_closure_set",
    "fast_closure_with_errors",
    "project_view",
]

Triple = tuple[Node, Node, Node]

PROJECT_NAMESPACES = (str(ID), str(SRC))
"""The subjects whose entailments both engines must agree on."""

# Namespace attribute look-ups are slow (a Python call each), and so is comparing two
# rdflib terms with ``==``; hot loops use these constants and test membership in sets,
# which compare hashes first (a miss costs no Python call).
_TYPE, _THING, _CLASS = RDF.type, OWL.Thing, OWL.Class
_SUBCLASS_OF, _EQUIVALENT_CLASS, _SAME_AS = RDFS.subClassOf, OWL.equivalentClass, OWL.sameAs
_IS_TYPE, _IS_THING, _IS_CLASS = frozenset({_TYPE}), frozenset({_THING}), frozenset({_CLASS})
_IS_SAME_AS = frozenset({_SAME_AS})
_LIST_LINKS = frozenset({RDF.first, RDF.rest})
_CLASS_LINKS = {_SUBCLASS_OF: "sub", _EQUIVALENT_CLASS: "equivalent", _TYPE: "type"}

_VOCABULARIES = (str(RDF), str(RDFS), str(OWL), str(XSD))
_SAME_AS_CODE, _TYPE_CODE = str(_SAME_AS), str(_TYPE)
# the terms of the RDF, RDFS and OWL vocabularies no rule reads: as predicates...
_UNREAD_PREDICATES = frozenset(map(str, (RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy)))
# ... and as the class of a property (rule scm-op/scm-dp on the last two only make the
# property a sub- and equivalent property of itself, which copies its triples onto
# themselves)
_DECLARATIONS = frozenset(
    map(str, (RDF.Property, OWL.AnnotationProperty, OWL.ObjectProperty, OWL.DatatypeProperty))
)
_HOLDER = "urn:x-aiplus-reasoner:"


def project_view(triples: Iterable[Triple]) -> set[Triple]:
    """The project's own entailments among ``triples``: those whose subject is an IRI of
    ``id:`` or ``src:``, without reflexive ``owl:sameAs``."""
    return {
        (s, p, o)
        for s, p, o in triples
        if isinstance(s, URIRef)
        and str(s).startswith(PROJECT_NAMESPACES)
        and not (p == _SAME_AS and s == o)
    }


def _one_time_rules(triples: Iterable[Triple]) -> tuple[set[Triple], list[str]]:
    """The triples and error messages of owlrl's one-time rules on ``triples``.

    Those rules read three things only: the literals whose datatype is an OWL RL one,
    the ``rdf:type`` triples whose class is such a datatype, and the ``owl:sameAs``
    triples. owlrl gets a small graph of just these, each literal once (as the object
    of a placeholder triple: the rules look at the literal alone), and its results are
    the same as on the whole graph; what it adds is collected, never stored.
    """
    import owlrl
    from owlrl.XsdDatatypes import OWL_RL_Datatypes

    datatypes = frozenset(OWL_RL_Datatypes)
    literals: set[Literal] = set()
    kept: list[Triple] = []
    for triple in triples:
        _, p, o = triple
        if isinstance(o, Literal):
            if o.datatype in datatypes:
                literals.add(o)
        elif (p in _IS_TYPE and o in datatypes) or p in _IS_SAME_AS:
            kept.append(triple)
    holder, link = URIRef(_HOLDER + "literal-holder"), URIRef(_HOLDER + "holds")
    kept.extend((holder, link, literal) for literal in literals)
    core = owlrl.OWLRL_Semantics(lean_graph(kept), False, False)
    core.one_time_rules()
    return set(core.added_triples), list(core.error_messages)


def _union(graph: Graph | Iterable[Triple]) -> OrderedTriples:
    """The triples of ``graph`` (a new set): a graph, a dataset (the union of its
    graphs), or triples, kept in their order."""
    if isinstance(graph, Dataset) and not graph.default_union:
        graph = union_graph(graph)
    if isinstance(graph, Graph):
        return dict.fromkeys(graph.triples((None, None, None)))
    return dict.fromkeys(graph)


class _Codec:
    """Terms as short placeholder IRIs for ``reasonable``, and back.

    Only the IRIs of the vocabularies its rules read (RDF, RDFS, OWL, XSD) go as
    themselves; every other IRI, literal and blank node goes as ``x:`` and a number.
    Placeholders keep literals from being re-typed and blank nodes from being renamed,
    and short ones make the closure ``reasonable`` hands back (a new rdflib IRI for
    every term of every triple) much smaller.
    """

    def __init__(self) -> None:
        self.back: dict[str, Node] = {}  # placeholder -> the term it stands for
        self._codes: dict[Node, str] = {}

    def encode(self, term: Node) -> str:
        code = self._codes.get(term)
        if code is None:
            if isinstance(term, URIRef) and str.startswith(term, _VOCABULARIES):
                code = str(term)
            else:
                code = f"x:{len(self._codes):x}"
            self._codes[term] = code
            # decoded, a term comes back as this very object: set operations between
            # the closure and its input then compare by identity, and use less memory
            self.back[code] = term
        return code


_PLAIN_STRINGS = threading.Lock()


@contextmanager
def _plain_strings() -> Iterator[None]:
    """Have ``reasonable`` hand back plain strings instead of rdflib IRIs.

    It makes each term it returns by calling ``rdflib.URIRef``, looked up on the
    package at the call: 6 M IRIs checked and built for a closure of 2 M triples, only
    for :func:`_reason` to trade nearly all of them for the terms they stand for. For
    the call, the package's ``URIRef`` is ``str``. This package, like rdflib itself,
    binds ``URIRef`` when it is imported, so nothing else sees the change.
    """
    with _PLAIN_STRINGS:
        saved = rdflib.URIRef
        rdflib.URIRef = str  # type: ignore[misc,assignment]
        try:
            yield
        finally:
            rdflib.URIRef = saved  # type: ignore[misc]


Code = tuple[str, str, str]


class _ReasonerTerm(str):
    """A placeholder as ``reasonable`` reads a term.

    For each term it is given, ``reasonable`` asks for the attributes ``datatype`` and
    ``language`` (an rdflib literal's) and reads the term as an IRI when both are
    ``None``. A plain string has neither: each question raises, and formats, an
    ``AttributeError`` it then discards, six per triple, most of the time of loading
    a large graph. This string answers both.
    """

    __slots__ = ()
    datatype = None
    language = None


class _ReasonerTerms(dict[str, _ReasonerTerm]):
    """Each placeholder's :class:`_ReasonerTerm`, made at its first look-up."""

    def __missing__(self, code: str) -> _ReasonerTerm:
        term = self[code] = _ReasonerTerm(code)
        return term


def _reasoner_input(encoded: list[Code]) -> list[tuple[_ReasonerTerm, ...]]:
    """The ``encoded`` triples as ``reasonable`` reads them fastest (one
    :class:`_ReasonerTerm` for each placeholder, shared by its triples)."""
    term = _ReasonerTerms().__getitem__
    return [(term(s), term(p), term(o)) for s, p, o in encoded]


def _put_aside(encoded: list[Code]) -> list[Code]:
    """Take out of ``encoded`` (in place), and return, the triples whose predicate no
    rule of OWL 2 RL reads.

    A rule reads a predicate through the triples that describe it: its domain, range,
    super-properties, characteristics, inverses, the restrictions and chains naming it,
    ``owl:sameAs``. A predicate that is never the object of a triple, and the subject of
    none but its declarations and of triples whose own predicate is of this kind, has
    none of them, and neither has anything the rules derive (they derive triples about
    a term only from triples about it): rules use its triples as instances of ``?s ?p
    ?o`` only, which copy them along ``owl:sameAs`` (eq-rep-s, eq-rep-o; see
    :func:`_along_same_as`) and type their subject ``owl:Thing`` (recomputed anyway,
    see :func:`_fix_thing`). The vocabularies' own predicates stay, but for the few no
    rule reads (labels, comments).
    """
    candidates = {p for _, p, _ in encoded}
    candidates = {p for p in candidates if not p.startswith(_VOCABULARIES)}
    candidates |= _UNREAD_PREDICATES
    named: set[str] = set()  # candidates that are the object of a triple
    said: dict[str, list[tuple[str, str]]] = {}  # candidate -> (predicate, object) about it
    for s, p, o in encoded:
        if o in candidates:
            named.add(o)
        if s in candidates:
            said.setdefault(s, []).append((p, o))
    unread = candidates - named
    while True:
        read = {
            c
            for c in unread
            for p, o in said.get(c, ())
            if p not in unread and not (p == _TYPE_CODE and o in _DECLARATIONS)
        }
        if not read:
            break
        unread -= read
    if not unread:
        return []
    aside = [t for t in encoded if t[1] in unread]
    encoded[:] = [t for t in encoded if t[1] not in unread]
    return aside


def _reason(
    encoded: list[Code], codec: _Codec, given: set[Code], same_as: list[tuple[str, str]]
) -> OrderedTriples:
    """The triples ``reasonable`` infers from the ``encoded`` ones, decoded, without
    the ``given`` encoded triples (compared as strings: their hashes are cached, where
    a literal's is a Python call). The ends of each ``owl:sameAs`` triple of the
    closure, given or inferred, go to ``same_as``."""
    import reasonable

    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(_reasoner_input(encoded))
    encoded.clear()
    with _plain_strings():
        inferred = reasoner.reason()
    del reasoner
    # placeholders go back to their terms, and equal IRIs share one object; the look-ups
    # are by plain string (rdflib compares two IRIs with a Python call); a term the
    # reasoner made up (a vocabulary IRI: owl:Thing...) becomes an rdflib IRI once
    terms: dict[str, Node] = codec.back
    get = terms.get

    def made_up(code: str) -> Node:
        term = terms[code] = URIRef(code)
        return term

    out: OrderedTriples = {}
    while inferred:
        codes = tuple(map(str, inferred.pop()))
        s, p, o = codes
        if p == _SAME_AS_CODE:
            same_as.append((s, o))
        if codes in given:
            continue
        # `is None`, not `or`: a literal such as Literal("0") is false
        ts = get(s)
        if ts is None:
            ts = made_up(s)
        tp = get(p)
        if tp is None:
            tp = made_up(p)
        elif isinstance(tp, Literal | BNode):
            continue  # owlrl never stores a literal predicate and drops blank-node ones
        to = get(o)
        if to is None:
            to = made_up(o)
        out[ts, tp, to] = None
    return out


def _along_same_as(
    aside: list[Code], links: list[tuple[str, str]], given: set[Code], terms: dict[str, Node]
) -> OrderedTriples:
    """What the closure holds of the triples put ``aside`` (see :func:`_put_aside`):
    those not ``given``, and their copies along the ``owl:sameAs`` ``links`` (each end
    replaced by any term of its class of equal terms), decoded with ``terms``."""
    equal: dict[str, set[str]] = {}
    for a, b in links:  # the classes of terms linked by owl:sameAs
        joined = equal.get(a, {a}) | equal.get(b, {b})
        for term in joined:
            equal[term] = joined
    out: OrderedTriples = {}
    for triple in aside:
        s, p, o = triple
        subjects, objects = equal.get(s), equal.get(o)
        if subjects is None and objects is None:
            if triple not in given:
                out[terms[s], terms[p], terms[o]] = None
            continue
        for s2 in subjects or (s,):
            for o2 in objects or (o,):
                if (s2, p, o2) not in given:
                    out[terms[s2], terms[p], terms[o2]] = None
    return out


def _thing_classes(closure: Iterable[Triple]) -> set[Node]:
    """The classes owlrl makes subclasses of ``owl:Thing``: every ``owl:Class`` (rule
    scm-cls), ``owl:Thing`` itself, and what is a subclass or an equivalent of those."""
    sub: defaultdict[Node, set[Node]] = defaultdict(set)  # superclass -> subclasses
    found: set[Node] = {_THING}
    links = _CLASS_LINKS
    for s, p, o in closure:
        link = links.get(p)
        if link is None:
            continue
        if link == "sub":
            sub[o].add(s)
        elif link == "equivalent":
            sub[o].add(s)
            sub[s].add(o)
        elif o in _IS_CLASS:
            found.add(s)
    return reachable(found, sub)


def _fix_thing(closure: Closure, typed: set[Node]) -> None:
    """Recompute, in place, the inferred ``rdf:type owl:Thing`` triples the way owlrl
    derives them; ``typed`` are the resources the input itself types as ``owl:Thing``."""
    things = _thing_classes(closure)
    typed = set(typed)
    drop = []
    for triple in closure.inferred:
        s, p, o = triple
        if p in _IS_TYPE:
            if o in _IS_THING:
                drop.append(triple)
            elif o in things:
                typed.add(s)
    for s, p, o in closure.given:
        if p in _IS_TYPE and o in things:
            typed.add(s)
    inferred, given = closure.inferred, closure.given
    for triple in drop:
        del inferred[triple]
    typings = (triple for triple in ((s, _TYPE, _THING) for s in typed) if triple not in given)
    inferred.update(zip(typings, repeat(None)))


class Closure(AbstractSet[Triple]):
    """An OWL RL closure as two sets that do not meet: the triples given and the
    triples inferred (in the order made), so that a caller needing either part does
    not split or merge millions of triples again. A read-only set: iterating gives
    both, ``in`` looks in both."""

    def __init__(self, given: Collection[Triple], inferred: OrderedTriples) -> None:
        self.given, self.inferred = given, inferred

    def __contains__(self, triple: object) -> bool:
        return triple in self.inferred or triple in self.given

    def __iter__(self) -> Iterator[Triple]:
        yield from self.given
        yield from self.inferred

    def __len__(self) -> int:
        return len(self.given) + len(self.inferred)


def _at_once(given: Collection[Triple], extra: Iterable[Triple]) -> OrderedTriples:
    """What ``reasonable`` infers from the ``given`` triples and owlrl's one-time
    ``extra`` ones, none of them given, and their copies along ``owl:sameAs``."""
    codec = _Codec()
    encode = codec.encode
    encoded = [(encode(s), encode(p), encode(o)) for s, p, o in given]
    given_codes = set(encoded)
    encoded.extend((encode(s), encode(p), encode(o)) for s, p, o in extra)
    aside = _put_aside(encoded)
    same_as: list[tuple[str, str]] = []
    inferred = _reason(encoded, codec, given_codes, same_as)
    inferred.update(_along_same_as(aside, same_as, given_codes, codec.back))
    return inferred


def _by_parts(
    given: Collection[Triple], extra: Collection[Triple]
) -> tuple[OrderedTriples, list[Triple]]:
    """The same as :func:`_at_once`, with ``reasonable`` on the schema part only and
    the instance rules on the rest (:mod:`aiplus_kg.instance_rules`), and the closed
    schema part (none of the instance triples and of what they give is a schema
    triple). Raises :class:`~aiplus_kg.instance_rules.NotSimpleError` when that would
    not be the same."""
    schema_given, instances = split(given)
    schema_extra, instances_extra = split(extra)
    schema_part = schema_given + schema_extra
    codec = _Codec()
    encode = codec.encode
    encoded = [(encode(s), encode(p), encode(o)) for s, p, o in schema_part]
    given_codes = set(encoded[: len(schema_given)])
    same_as: list[tuple[str, str]] = []
    closed = _reason(encoded, codec, given_codes, same_as)
    if same_as:
        raise NotSimpleError("owl:sameAs in the schema's closure")
    schema_part.extend(closed)
    schema = Schema(schema_part)
    inferred: OrderedTriples = {t: None for t in closed if t not in given}
    inferred.update((t, None) for t in instances_extra if t not in given)
    inferred.update(instance_closure(schema, given, chain(instances, instances_extra)))
    return inferred, schema_part


@bulk_step
def fast_closure(given: Collection[Triple]) -> tuple[Closure, list[str]]:
    """The OWL RL closure of the ``given`` triples (a set, or better
    :data:`OrderedTriples`: each pass over them is then much faster; left as they are,
    and kept as the closure's given part) and owlrl's error messages. The inferred part
    holds what owlrl's one-time rules add (literal-subject triples included, as owlrl
    keeps them) and what the OWL RL rules infer (by parts where they can, see
    :func:`_by_parts`), none of it given."""
    odd = {t for t in given if not isinstance(t[1], URIRef)}
    if odd:  # owlrl drops the triples whose predicate is a blank node (or a literal)
        given = {t: None for t in given if t not in odd}
    extra, errors = _one_time_rules(given)
    # what the later steps need of the input, so that it can go before reasoning
    typed = {s for s, p, o in chain(given, extra) if p in _IS_TYPE and o in _IS_THING}
    lists = {t for t in chain(given, extra) if t[1] in _LIST_LINKS}
    axioms: list[Triple] | None = None  # the schema part of a closure by parts
    try:
        inferred, axioms = _by_parts(given, extra)
    except NotSimpleError:
        inferred = _at_once(given, extra)
        # what the reasoner used for the whole graph; by parts it reads the schema only,
        # and the memory handed back would be asked for again by the next steps
        give_back_memory()
    del extra
    closure = Closure(given, inferred)
    _fix_thing(closure, typed)
    errors.extend(find_inconsistencies(closure, lists, axioms))
    return closure, sorted(set(errors))


def fast_closure_set(graph: Graph | Iterable[Triple]) -> tuple[AbstractSet[Triple], list[str]]:
    """The OWL RL closure of ``graph`` (a graph, a dataset whose union is used, or the
    triples themselves) as one set of triples (literal-subject triples included, as
    owlrl keeps them) and owlrl's error messages."""
    closure, errors = fast_closure(_union(graph))
    given = closure.given  # made here: it may grow
    merged = given if isinstance(given, dict) else dict.fromkeys(given)
    merged.update(closure.inferred)
    return merged.keys(), errors


def fast_closure_with_errors(
    graph: Graph | Iterable[Triple], *, clean: bool = False
) -> tuple[Graph, list[str]]:
    """The OWL RL closure of ``graph`` (a graph, a dataset whose union is used, or
    triples) and owlrl's error messages, computed as :func:`fast_closure` computes
    them; ``graph`` is left untouched.

    Like owlrl's closure, the result holds literal-subject triples (the types of
    literals), unless ``clean``; unlike it, no reflexive ``owl:sameAs``, which
    validation drops anyway. The graph is a :func:`aiplus_kg.lean_graph.lean_graph`.
    """
    closure, errors = fast_closure_set(graph)
    if clean:
        kept: Iterable[Triple] = (t for t in closure if not isinstance(t[0], Literal))
    else:
        kept = closure
    result = lean_graph(kept, bind_prefixes(Graph(bind_namespaces="none")))
    return result, errors
