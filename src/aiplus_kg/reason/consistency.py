"""The inconsistencies of an OWL RL closure, found the way owlrl finds them.

owlrl checks these rules while it computes a closure and records a message for each
clash (``Core.add_error``). Since the closure only grows, a clash it meets in some cycle
is still there in the final closure; this module therefore checks the final closure
computed by another reasoner, rule by rule, and words each message exactly as owlrl
does (owlrl 7, ``OWLRL.py``), down to its quirks: the ``owl:AllDifferent`` and
``owl:AllDisjointProperties`` loops skip the last member of the list, and the
complement message names the complement class where the element should be.

Rules: eq-diff1, eq-diff2, eq-diff3, prp-irp, prp-asyp, prp-pdw, prp-adp, prp-npa1,
prp-npa2, cls-nothing2, cls-com, cls-maxc1, cls-maxqc1, cls-maxqc2, cax-dw, cax-adc.
(``dt-not-type`` belongs to owlrl's one-time rules, which run as owlrl's own code.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Set as AbstractSet

from rdflib import Literal
from rdflib.term import Node

from aiplus_kg.namespaces import OWL, RDF

__all__ = ["find_inconsistencies"]

Triple = tuple[Node, Node, Node]


_SCHEMA_PREDICATES = frozenset(
    {
        OWL.sameAs,
        OWL.differentFrom,
        RDF.first,
        RDF.rest,
        OWL.members,
        OWL.distinctMembers,
        OWL.propertyDisjointWith,
        OWL.complementOf,
        OWL.maxCardinality,
        OWL.maxQualifiedCardinality,
        OWL.onProperty,
        OWL.onClass,
        OWL.disjointWith,
        OWL.sourceIndividual,
        OWL.assertionProperty,
        OWL.targetIndividual,
        OWL.targetValue,
    }
)
_SCHEMA_TYPES = frozenset(
    {
        OWL.AllDifferent,
        OWL.IrreflexiveProperty,
        OWL.AsymmetricProperty,
        OWL.AllDisjointProperties,
        OWL.Nothing,
        OWL.AllDisjointClasses,
    }
)


_TYPE = RDF.type  # namespace attribute look-ups are slow; hot loops use constants
_IS_TYPE = frozenset({_TYPE})  # a set misses on the hash, with no Python-level ``==``


class _Index:
    """Look-ups on a set of triples, limited to what the rules read: the axioms first,
    then the uses of the properties and the members of the classes they name."""

    def __init__(
        self,
        triples: Iterable[Triple],
        asserted: set[Triple] | None = None,
        axioms: Iterable[Triple] | None = None,
    ) -> None:
        self.triples: AbstractSet[Triple] = (
            triples if isinstance(triples, AbstractSet) else set(triples)
        )
        self.asserted = asserted or set()
        self.by_predicate: defaultdict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        self.members: defaultdict[Node, set[Node]] = defaultdict(set)
        for s, p, o in self.triples if axioms is None else axioms:
            if p in _SCHEMA_PREDICATES:
                self.by_predicate[p].append((s, o))
            elif p in _IS_TYPE and o in _SCHEMA_TYPES:
                self.members[o].add(s)
        properties, classes = self._named()
        if properties or classes:
            for s, p, o in self.triples:
                if p in properties:
                    self.by_predicate[p].append((s, o))
                if p in _IS_TYPE and o in classes:
                    self.members[o].add(s)

    def _named(self) -> tuple[set[Node], set[Node]]:
        """The properties and classes the axioms name (their extensions are needed)."""
        properties: set[Node] = set(self.members.get(OWL.IrreflexiveProperty, ()))
        properties |= self.members.get(OWL.AsymmetricProperty, set())
        for p1, p2 in self.by_predicate.get(OWL.propertyDisjointWith, ()):
            properties |= {p1, p2}
        for x in self.members.get(OWL.AllDisjointProperties, ()):
            for head in self.objects(x, OWL.members):
                properties.update(self.items(head))
        properties.update(o for _, o in self.by_predicate.get(OWL.onProperty, ()))
        properties.update(o for _, o in self.by_predicate.get(OWL.assertionProperty, ()))
        classes: set[Node] = set()
        for c1, c2 in self.by_predicate.get(OWL.complementOf, ()):
            classes |= {c1, c2}
        for c1, c2 in self.by_predicate.get(OWL.disjointWith, ()):
            classes |= {c1, c2}
        for x in self.members.get(OWL.AllDisjointClasses, ()):
            for head in self.objects(x, OWL.members):
                classes.update(self.items(head))
        for prop in (OWL.maxCardinality, OWL.maxQualifiedCardinality):
            classes.update(s for s, _ in self.by_predicate.get(prop, ()))
        classes.update(o for _, o in self.by_predicate.get(OWL.onClass, ()))
        properties -= _SCHEMA_PREDICATES
        classes -= _SCHEMA_TYPES
        return properties, classes

    def objects(self, subject: Node, predicate: Node) -> list[Node]:
        return [o for s, o in self.by_predicate.get(predicate, ()) if s == subject]

    def has(self, s: Node, p: Node, o: Node) -> bool:
        return (s, p, o) in self.triples

    def is_a(self, node: Node, cls: Node) -> bool:
        return (node, _TYPE, cls) in self.triples

    def _links(self, predicate: Node) -> dict[Node, Node]:
        """``rdf:first`` or ``rdf:rest`` of each list node. When owl:sameAs gave a node
        several, the asserted one wins, as in owlrl, whose rdflib store lists a graph's
        own triples before those it infers."""
        links: dict[Node, Node] = {}
        for s, o in self.by_predicate.get(predicate, ()):
            if s not in links or (s, predicate, o) in self.asserted:
                links[s] = o
        return links

    def items(self, head: Node) -> list[Node]:
        """The members of the RDF list at ``head`` (as rdflib's ``Graph.items``)."""
        first = self._links(RDF.first)
        rest = self._links(RDF.rest)
        out: list[Node] = []
        seen: set[Node] = set()
        node: Node | None = head
        while node is not None and node != RDF.nil and node not in seen:
            seen.add(node)
            if node in first:
                out.append(first[node])
            node = rest.get(node)
        return out


def _equality(ix: _Index) -> Iterable[str]:
    # eq-diff1; every term is owl:sameAs itself (eq-ref), which another reasoner may omit
    same = {(s, o) for s, o in ix.by_predicate.get(OWL.sameAs, ())}
    different = {(s, o) for s, o in ix.by_predicate.get(OWL.differentFrom, ())}
    for s, o in different:
        if s == o:
            same.add((s, o))
    for s, o in same:
        if (s, o) in different or (o, s) in different:
            yield (
                "'sameAs' and 'differentFrom' cannot be used on the same subject-object pair: "
                f"({s}, {o})"
            )
    # eq-diff2, eq-diff3
    for x in ix.members.get(OWL.AllDifferent, ()):
        heads = ix.objects(x, OWL.members) + ix.objects(x, OWL.distinctMembers)
        for head in heads:
            zis = ix.items(head)
            for i in range(len(zis) - 1):
                for j in range(i + 1, len(zis) - 1):
                    zi, zj = zis[i], zis[j]
                    if ((zi, zj) in same or (zj, zi) in same) and zi != zj:
                        yield (
                            "'sameAs' and 'AllDifferent' cannot be used on the same "
                            f"subject-object pair: ({zi}, {zj})"
                        )


def _properties(ix: _Index) -> Iterable[str]:
    for p in ix.members.get(OWL.IrreflexiveProperty, ()):  # prp-irp
        for x, y in ix.by_predicate.get(p, ()):
            if x == y:
                yield f"Irreflexive property used on {x} with {p}"
    for p in ix.members.get(OWL.AsymmetricProperty, ()):  # prp-asyp
        for x, y in ix.by_predicate.get(p, ()):
            if ix.has(y, p, x):
                yield f"Erroneous usage of asymmetric property {p} on {x} and {y}"
    for x in ix.members.get(OWL.AllDisjointProperties, ()):  # prp-adp
        for head in ix.objects(x, OWL.members):
            pis = ix.items(head)
            for i in range(len(pis) - 1):
                for j in range(i + 1, len(pis) - 1):
                    pi, pj = pis[i], pis[j]
                    for a, b in ix.by_predicate.get(pi, ()):
                        if ix.has(a, pj, b):
                            yield (
                                "Disjoint properties in an 'AllDisjointProperties' are not "
                                f"really disjoint: ({a}, {pi},{b}) and ({a},{pj},{b})"
                            )
    for p1, p2 in ix.by_predicate.get(OWL.propertyDisjointWith, ()):  # prp-pdw
        for x, y in ix.by_predicate.get(p1, ()):
            if ix.has(x, p2, y):
                yield f"Erroneous usage of disjoint properties {p1} and {p2} on {x} and {y}"
    for x, i1 in ix.by_predicate.get(OWL.sourceIndividual, ()):  # prp-npa1, prp-npa2
        for p1 in ix.objects(x, OWL.assertionProperty):
            for i2 in ix.objects(x, OWL.targetIndividual):
                if ix.has(i1, p1, i2):
                    yield f"Negative (object) property assertion violated for: ({i1}, {p1}, {i2})"
            for i2 in ix.objects(x, OWL.targetValue):
                if ix.has(i1, p1, i2):
                    yield (
                        f"Negative (datatype) property assertion violated for: ({i1}, {p1}, {i2})"
                    )


def _cardinality_zero(value: Node) -> bool:
    return isinstance(value, Literal) and value.value == 0


def _classes(ix: _Index) -> Iterable[str]:
    for c in ix.members.get(OWL.Nothing, ()):  # cls-nothing2
        yield f"{c} is defined of type 'Nothing'"
    for c1, c2 in ix.by_predicate.get(OWL.complementOf, ()):  # cls-com (owlrl's wording)
        if any(ix.is_a(x1, c2) for x1 in ix.members.get(c1, ())):
            yield f"Violation of complementarity for classes {c1} and {c2} on element {c2}"
    for xx, n in ix.by_predicate.get(OWL.maxCardinality, ()):  # cls-maxc1
        if _cardinality_zero(n):
            for pp in ix.objects(xx, OWL.onProperty):
                for u, y in ix.by_predicate.get(pp, ()):
                    if ix.is_a(u, xx):
                        yield f"Erroneous usage of maximum cardinality with {xx} and {y}"
    for xx, n in ix.by_predicate.get(OWL.maxQualifiedCardinality, ()):  # cls-maxqc1, 2
        if _cardinality_zero(n):
            for pp in ix.objects(xx, OWL.onProperty):
                for cc in ix.objects(xx, OWL.onClass):
                    for u, y in ix.by_predicate.get(pp, ()):
                        if (ix.is_a(y, cc) or cc == OWL.Thing) and ix.is_a(u, xx):
                            yield (
                                "Erroneous usage of maximum qualified cardinality with "
                                f"{xx}, {cc} and {y}"
                            )
    for c1, c2 in ix.by_predicate.get(OWL.disjointWith, ()):  # cax-dw
        for x in ix.members.get(c1, ()):
            if ix.is_a(x, c2):
                yield f"Disjoint classes {c1} and {c2} have a common individual {x}"
    for x in ix.members.get(OWL.AllDisjointClasses, ()):  # cax-adc
        for head in ix.objects(x, OWL.members):
            classes = ix.items(head)
            for i in range(len(classes) - 1):
                cl1 = classes[i]
                for z in ix.members.get(cl1, ()):
                    for cl2 in classes[i + 1 :]:
                        if ix.is_a(z, cl2):
                            yield f"Disjoint classes {cl1} and {cl2} have a common individual {z}"


def find_inconsistencies(
    closure: Iterable[Triple],
    asserted: set[Triple] | None = None,
    axioms: Iterable[Triple] | None = None,
) -> list[str]:
    """owlrl's error messages for the clashes in ``closure`` (an OWL RL closure of the
    ``asserted`` triples), sorted and without repeats. ``axioms``, when given, holds
    every triple of the closure whose predicate is an OWL or RDF term the rules read,
    or that types a resource by an OWL class (the schema part of a closure made by
    parts): they are looked for there, instead of in a pass over the closure."""
    ix = _Index(closure, asserted, axioms)
    found: set[str] = set()
    for rule in (_equality, _properties, _classes):
        found.update(rule(ix))
    return sorted(found)
