"""The OWL 2 RL rules on instance data, for a schema closed beforehand, in one pass.

A graph splits into its **schema** (the triples whose predicate is an RDF, RDFS or OWL
term a rule reads, and the typings by such a class: ``owl:Class``,
``owl:TransitiveProperty``...) and its **instances** (every other triple: statements
with the project's own predicates, typings by the project's classes, labels). When the
schema is simple, the instances cannot change it, and the closure is the schema's own
(made by the reasoner, on a few thousand triples) plus what a short list of rules
derives from each instance triple with that closed schema (this module, in time linear
in the data):

* prp-spo1 and prp-eqp1/2: the super- and equivalent properties of its predicate;
* prp-dom and prp-rng: the domains of those properties type the subject, their ranges
  the object;
* cax-sco and cax-eqc1/2: a typing gives all the super- and equivalent classes;
* prp-inv1/2 and prp-symp: the inverse and the symmetric statements;
* prp-trp: the transitive properties, closed;
* cls-hv1/2: the ``owl:hasValue`` restrictions, both ways.

:class:`Schema` reads the closed schema and raises :class:`NotSimpleError` when something
else could fire: a construct whose rule joins instance triples with each other
(``owl:someValuesFrom``, ``owl:allValuesFrom``, intersections, unions, complements,
cardinalities, ``owl:oneOf``, keys, property chains), ``owl:sameAs`` anywhere, a
property whose super-property, inverse or restriction would derive a schema triple, or
a class whose superclass is a schema class (typing a resource ``owl:Class``, say, would
change the schema). :func:`instance_closure` raises it too when two different values of
a functional (or inverse-functional) property would make two resources the same. The
caller then reasons over the whole graph instead. The rules that only detect
inconsistencies (disjoint classes, irreflexive properties...) derive nothing: they are
checked on the closure afterwards, as for the whole-graph reasoner.

``owl:Thing`` typings are left out: the caller recomputes them the way owlrl makes
them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping

from rdflib import URIRef
from rdflib.term import Node

from aiplus_kg.load.terms import reachable
from aiplus_kg.namespaces import OWL, RDF, RDFS

__all__ = ["NotSimpleError", "Schema", "instance_closure", "is_schema_triple", "split"]

Triple = tuple[Node, Node, Node]
_Typing = tuple[tuple[Node, ...], tuple[tuple[Node, Node], ...]]
_Links = defaultdict[Node, set[Node]]

_TYPE = RDF.type
_IS_TYPE = frozenset({_TYPE})  # set look-ups compare hashes first: no Python-level ==
_READ_BY_NO_RULE = frozenset({RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy})
_SCHEMA_NAMESPACES = (str(RDF), str(RDFS), str(OWL))
# the vocabulary classes whose instances no rule of the schema reads
_PLAIN_CLASSES = frozenset({OWL.Thing, RDFS.Resource, RDFS.Literal})
_UNSUPPORTED = {
    OWL.someValuesFrom: "owl:someValuesFrom",
    OWL.allValuesFrom: "owl:allValuesFrom",
    OWL.intersectionOf: "owl:intersectionOf",
    OWL.unionOf: "owl:unionOf",
    OWL.complementOf: "owl:complementOf",
    OWL.maxCardinality: "owl:maxCardinality",
    OWL.maxQualifiedCardinality: "owl:maxQualifiedCardinality",
    OWL.cardinality: "owl:cardinality",
    OWL.qualifiedCardinality: "owl:qualifiedCardinality",
    OWL.oneOf: "owl:oneOf",
    OWL.hasKey: "owl:hasKey",
    OWL.propertyChainAxiom: "owl:propertyChainAxiom",
    OWL.hasSelf: "owl:hasSelf",
    OWL.sameAs: "owl:sameAs",
}


class NotSimpleError(Exception):
    """The schema or the data needs the whole-graph reasoner; the message says why."""


def _is_vocabulary(term: Node) -> bool:
    return isinstance(term, URIRef) and str.startswith(term, _SCHEMA_NAMESPACES)


def is_schema_triple(triple: Triple) -> bool:
    """Whether ``triple`` belongs to the schema part (see the module's text)."""
    _, p, o = triple
    if p == _TYPE:
        return _is_vocabulary(o) and o not in _PLAIN_CLASSES
    return _is_vocabulary(p) and p not in _READ_BY_NO_RULE


def split(triples: Iterable[Triple]) -> tuple[list[Triple], list[Triple]]:
    """The schema triples and the instance triples of ``triples``, each in their order
    (:func:`is_schema_triple`, asked once per predicate and class)."""
    schema: list[Triple] = []
    instances: list[Triple] = []
    by_predicate: dict[Node, bool] = {}
    by_class: dict[Node, bool] = {}
    for triple in triples:
        _, p, o = triple
        if p in _IS_TYPE:
            is_schema = by_class.get(o)
            if is_schema is None:
                is_schema = by_class[o] = is_schema_triple(triple)
        else:
            is_schema = by_predicate.get(p)
            if is_schema is None:
                is_schema = by_predicate[p] = is_schema_triple(triple)
        (schema if is_schema else instances).append(triple)
    return schema, instances


class _Property:
    """What one instance triple with this predicate derives (see :meth:`Schema.rule`)."""

    __slots__ = (
        "inverses",
        "object_types",
        "subject_types",
        "supers",
        "symmetric",
        "values",
        "watched",
    )

    def __init__(
        self,
        supers: tuple[Node, ...],
        subject_types: _Typing,
        object_types: _Typing,
        inverses: tuple[Node, ...],
        symmetric: tuple[Node, ...],
        values: dict[Node, tuple[Node, ...]],
        watched: tuple[Node, ...],
    ) -> None:
        self.supers, self.subject_types, self.object_types = supers, subject_types, object_types
        self.inverses, self.symmetric, self.values = inverses, symmetric, values
        self.watched = watched  # the transitive and (inverse-)functional ones among them


class Schema:
    """A closed schema, read for the instance rules."""

    def __init__(self, closed: Iterable[Triple]) -> None:
        sub_property: _Links = defaultdict(set)
        sub_class: _Links = defaultdict(set)
        domain: _Links = defaultdict(set)
        range_: _Links = defaultdict(set)
        inverse: _Links = defaultdict(set)
        kinds: _Links = defaultdict(set)  # class -> its members, for owl:TransitiveProperty...
        # predicate -> the table its triples go to, and whether they link both ways
        tables: dict[Node, tuple[_Links, bool]] = {
            RDFS.subPropertyOf: (sub_property, False),
            OWL.equivalentProperty: (sub_property, True),
            RDFS.subClassOf: (sub_class, False),
            OWL.equivalentClass: (sub_class, True),
            RDFS.domain: (domain, False),
            RDFS.range: (range_, False),
            OWL.inverseOf: (inverse, True),
            _TYPE: (kinds, False),
        }
        on_property: dict[Node, Node] = {}
        has_value: dict[Node, Node] = {}
        restriction_parts = {OWL.onProperty: on_property, OWL.hasValue: has_value}
        for s, p, o in closed:
            if p in _UNSUPPORTED:
                raise NotSimpleError(f"the schema uses {_UNSUPPORTED[p]}")
            found = tables.get(p)
            if found is not None:
                table, both_ways = found
                if p in _IS_TYPE:
                    s, o = o, s
                table[s].add(o)
                if both_ways:
                    table[o].add(s)
                continue
            part = restriction_parts.get(p)
            if part is not None and part.setdefault(s, o) != o:
                raise NotSimpleError(f"the restriction {s} has two values of {p}")
        self._sub_property, self._sub_class = sub_property, sub_class
        self._domain, self._range, self._inverse = domain, range_, inverse
        self.transitive = frozenset(kinds[OWL.TransitiveProperty])
        self.functional = frozenset(kinds[OWL.FunctionalProperty])
        self.inverse_functional = frozenset(kinds[OWL.InverseFunctionalProperty])
        self._symmetric = kinds[OWL.SymmetricProperty]
        self.watched = self.transitive | self.functional | self.inverse_functional
        # restriction -> (property, value), and (property, value) -> restrictions
        self._restriction = {
            r: (on_property[r], v) for r, v in has_value.items() if r in on_property
        }
        self._restrictions: defaultdict[tuple[Node, Node], list[Node]] = defaultdict(list)
        for r, key in self._restriction.items():
            if _is_vocabulary(key[0]):
                raise NotSimpleError(f"a restriction on the vocabulary property {key[0]}")
            self._restrictions[key].append(r)
        self._properties: dict[Node, _Property] = {}
        self._classes: dict[Node, _Typing] = {}

    def typing(self, cls: Node) -> _Typing:
        """The classes a resource typed ``cls`` gets (``cls`` and owl:Thing aside) and
        the (property, value) pairs its ``owl:hasValue`` restrictions give it."""
        found = self._classes.get(cls)
        if found is None:
            supers = reachable((cls,), self._sub_class)
            bad = sorted(str(c) for c in supers if _is_vocabulary(c) and c not in _PLAIN_CLASSES)
            if bad:
                raise NotSimpleError(f"{cls} is a subclass of the schema class {bad[0]}")
            classes = tuple(c for c in supers if c != cls and c != OWL.Thing)
            values = tuple(self._restriction[c] for c in supers if c in self._restriction)
            found = self._classes[cls] = (classes, values)
        return found

    def rule(self, predicate: Node) -> _Property:
        """What an instance triple with ``predicate`` derives, given its super-properties
        (all of them: the triples made for those need no pass of their own)."""
        found = self._properties.get(predicate)
        if found is not None:
            return found
        supers = reachable((predicate,), self._sub_property)
        bad = sorted(str(q) for q in supers if _is_vocabulary(q) and q not in _READ_BY_NO_RULE)
        if bad:
            raise NotSimpleError(f"{predicate} is a sub-property of the schema property {bad[0]}")

        def classes(table: Mapping[Node, set[Node]]) -> _Typing:
            direct = {c for q in supers for c in table.get(q, ())}
            out: dict[Node, None] = {}
            values: dict[tuple[Node, Node], None] = {}
            for cls in direct:
                if cls != OWL.Thing:
                    out[cls] = None
                more, their_values = self.typing(cls)
                out.update(dict.fromkeys(more))
                values.update(dict.fromkeys(their_values))
            return tuple(out), tuple(values)

        inverses = {i for q in supers for i in self._inverse.get(q, ())}
        for inv in inverses:
            if _is_vocabulary(inv):
                raise NotSimpleError(f"{predicate} has the vocabulary property {inv} as inverse")
        values: defaultdict[Node, list[Node]] = defaultdict(list)
        for (q, v), restrictions in self._restrictions.items():
            if q in supers:
                values[v].extend(restrictions)
        found = self._properties[predicate] = _Property(
            tuple(q for q in supers if q != predicate),
            classes(self._domain),
            classes(self._range),
            tuple(inverses),
            tuple(q for q in supers if q in self._symmetric),
            {v: tuple(rs) for v, rs in values.items()},
            tuple(q for q in supers if q in self.watched),
        )
        return found


def instance_closure(
    schema: Schema, given: Collection[Triple], triples: Iterable[Triple]
) -> dict[Triple, None]:
    """What the instance rules derive from the instance ``triples`` (a subset of
    ``given``, or triples added to it), none of it ``given``, in the order made.
    Raises :class:`NotSimpleError` when a functional or inverse-functional property would
    equate two resources."""
    out: dict[Triple, None] = {}
    todo: list[Triple] = []
    edges: defaultdict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    transitive = schema.transitive
    rule, typing = schema.rule, schema.typing

    def new(triple: Triple) -> bool:
        if triple in out or triple in given:
            return False
        out[triple] = None
        return True

    def typed(s: Node, classes: Iterable[Node]) -> None:
        for cls in classes:
            triple = (s, _TYPE, cls)
            if triple not in out and triple not in given:
                out[triple] = None

    def derive(s: Node, p: Node, o: Node) -> None:
        if p in _IS_TYPE:
            classes, values = typing(o)
            typed(s, classes)
            for q, v in values:
                if new((s, q, v)):
                    todo.append((s, q, v))
            return
        found = rule(p)
        for q in found.supers:
            triple = (s, q, o)
            if triple not in out and triple not in given:
                out[triple] = None
        for end, (classes, values) in ((s, found.subject_types), (o, found.object_types)):
            typed(end, classes)
            for q, v in values:
                if new((end, q, v)):
                    todo.append((end, q, v))
        for q in found.inverses:
            if new((o, q, s)):
                todo.append((o, q, s))
        for q in found.symmetric:
            if new((o, q, s)):
                todo.append((o, q, s))
        if found.values:
            for r in found.values.get(o, ()):
                if new((s, _TYPE, r)):
                    todo.append((s, _TYPE, r))
        for q in found.watched:
            edges[q].append((s, o))

    for s, p, o in triples:
        derive(s, p, o)
    while True:
        while todo:
            derive(*todo.pop())
        for q in transitive:
            for s, o in _transitive_pairs(edges.get(q, ())):
                if new((s, q, o)):
                    todo.append((s, q, o))
        if not todo:
            break
    for q in schema.functional:
        _same_values(edges.get(q, ()), q)
    for q in schema.inverse_functional:
        _same_values(((o, s) for s, o in edges.get(q, ())), q)
    return out


def _transitive_pairs(pairs: Iterable[tuple[Node, Node]]) -> Iterable[tuple[Node, Node]]:
    """Every pair of the transitive closure of ``pairs``."""
    successors: defaultdict[Node, set[Node]] = defaultdict(set)
    for s, o in pairs:
        successors[s].add(o)
    for start in list(successors):
        seen: set[Node] = set()
        stack = list(successors[start])
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            yield start, node
            stack.extend(successors.get(node, ()))


def _same_values(pairs: Iterable[tuple[Node, Node]], prop: Node) -> None:
    first: dict[Node, Node] = {}
    for s, o in pairs:
        seen = first.setdefault(s, o)
        if seen is not o and seen != o:
            raise NotSimpleError(f"two values of the functional property {prop} for {s}")
