"""The constraint components of the fast SHACL validator (:mod:`aiplus_kg.fast_shacl`).

:class:`Validator` evaluates a shape on many focus nodes at a time, one method per SHACL
Core component, each written after the pySHACL 0.40 component of the same name so that
both report the same results: which results carry ``sh:value``, which carry the shape's
messages, and when a nested shape counts as failing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from itertools import chain
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.fast_shacl import (
    ALLOWED,
    COMPONENT,
    NESTED_QUERY,
    NODE_KINDS,
    OWL_CLASS,
    PYTHON_TYPES,
    STRING_TYPES,
    Index,
    NotCoveredError,
    Result,
    Shape,
    Shapes,
)
from aiplus_kg.namespaces import PLAIN_IRI, RDF, RDFS, SH, XSD

__all__ = ["Validator"]


def _values(index: Index, path: Any, focus: Node) -> list[Node]:
    kind, arg = path
    if kind == "p":
        return index.objects(focus, arg)
    if kind == "inv":
        return index.subjects(arg, focus)
    if kind == "alt":
        found: dict[Node, None] = {}
        for part in arg:
            found.update(dict.fromkeys(_values(index, part, focus)))
        return list(found)
    current = [focus]
    for part in arg:
        step: dict[Node, None] = {}
        for node in current:
            step.update(dict.fromkeys(_values(index, part, node)))
        current = list(step)
    return current


Values = dict[Node, list[Node]]
ByFocus = dict[Node, list[Result]]


class Validator:
    """Evaluates shapes on one data graph, many focus nodes at a time.

    :meth:`validate` returns, for a shape and a set of focus nodes, the focus nodes that
    do not conform and each focus node's results. Conformance follows pySHACL run with
    ``allow_warnings``: results of a shape whose severity is ``sh:Warning`` or
    ``sh:Info`` never make it fail, and a constraint makes a shape fail when it does
    not hold and some of its results have another severity.
    """

    def __init__(self, shapes: Shapes, index: Index) -> None:
        self.shapes = shapes
        self.index = index
        self._sparql_cache: dict[Node, _Asked] = {}
        self._depth = 0

    # focus nodes
    def focus_nodes(self, shape: Shape) -> dict[Node, None]:
        """The shape's focus nodes, each once, in the order the index holds them (the
        order of the data, and mostly of memory: checking them in a set's hash order
        reaches all over a large heap)."""
        graph, index, node = self.shapes.graph, self.index, shape.node
        found: list[Iterable[Node]] = [graph.objects(node, SH.targetNode)]
        classes = set(graph.objects(node, SH.targetClass))
        if any((node, RDF.type, cls) in graph for cls in (RDFS.Class, OWL_CLASS)):
            classes.add(node)
        for cls in classes:
            subclasses = index.transitive_subjects(RDFS.subClassOf, cls)
            found.extend(index.subjects(RDF.type, sub) for sub in subclasses)
        found.extend(index.out[p] for p in graph.objects(node, SH.targetSubjectsOf))
        found.extend(index.back[p] for p in graph.objects(node, SH.targetObjectsOf))
        found.extend(self._sparql_target(t) for t in graph.objects(node, SH.target))
        return dict.fromkeys(chain.from_iterable(found))

    def _sparql_target(self, target: Node) -> list[Node]:
        graph = self.shapes.graph
        if (target, RDF.type, SH.SPARQLTarget) not in graph:
            raise NotCoveredError("a target that is not a SPARQL target")
        select = graph.value(target, SH.select)
        if select is None:
            raise NotCoveredError("a SPARQL target without sh:select")
        query = f"{self.shapes.prefixes(target)}\n{select}"
        variables, rows = self.index.select(query, everything=True)
        if "this" not in variables:
            return []
        column = variables.index("this")
        return [row[column] for row in rows if row[column] is not None]

    # shapes
    def validate(self, shape: Shape, focus: Iterable[Node]) -> tuple[set[Node], ByFocus]:
        """The focus nodes that do not conform to ``shape``, and each one's results."""
        focus = list(focus if isinstance(focus, dict) else dict.fromkeys(focus))
        if shape.deactivated or not focus:
            return set(), {}
        self._depth += 1
        if self._depth > 28:
            raise NotCoveredError("shapes nested too deep (recursive shapes?)")
        try:
            if shape.is_property:
                values = {f: _values(self.index, shape.path, f) for f in focus}
            else:
                values = {f: [f] for f in focus}
            failed: set[Node] = set()
            by_focus: ByFocus = {}
            for prop, arguments in shape.params.items():
                not_holding, produced = self._component(shape, prop, arguments, values)
                if not shape.conforms_severity():
                    for f in not_holding:
                        if any(r.severity not in ALLOWED for r in produced.get(f, ())):
                            failed.add(f)
                for f, found in produced.items():
                    by_focus.setdefault(f, []).extend(found)
            return failed, by_focus
        finally:
            self._depth -= 1

    def failing(self, shape_node: Node, nodes: Iterable[Node]) -> set[Node]:
        """The ``nodes`` that do not conform to the shape ``shape_node``."""
        return self.validate(self.shapes.shape(shape_node), nodes)[0]

    def _component(
        self, shape: Shape, prop: Node, arguments: list[Node], values: Values
    ) -> tuple[set[Node], ByFocus]:
        if prop == SH.property:
            return self._property(arguments, values)
        name = str(prop).rsplit("#", 1)[-1]
        method = getattr(self, "_" + re.sub("([A-Z])", lambda m: "_" + m[1].lower(), name), None)
        if method is None:
            raise NotCoveredError(f"constraint {prop}")
        produced: ByFocus = method(shape, arguments, values)
        produced = {f: found for f, found in produced.items() if found}
        return set(produced), produced

    def _result(
        self, shape: Shape, component: str, focus: Node, value: Node | None = None
    ) -> Result:
        path = shape.path_node if shape.is_property else None
        return Result(shape, component, focus, value, path, list(shape.messages))

    def _each(self, shape: Shape, prop: Node, values: Values, ok: Any) -> ByFocus:
        name = COMPONENT[prop]
        out: ByFocus = {}
        for f, vs in values.items():
            # most nodes conform: only those that do not are keyed (hashing a literal
            # focus node is a Python call)
            failing = [v for v in vs if not ok(v)]
            if failing:
                out[f] = [self._result(shape, name, f, v) for v in failing]
        return out

    def _property(self, arguments: list[Node], values: Values) -> tuple[set[Node], ByFocus]:
        not_holding: set[Node] = set()
        produced: ByFocus = {}
        every = [v for vs in values.values() for v in vs]
        for node in arguments:
            failed, inner = self.validate(self.shapes.shape(node), every)
            if not failed and not inner:  # the usual case: no value to look up
                continue
            for f, vs in values.items():
                for v in vs:
                    if v in failed:
                        not_holding.add(f)
                    if inner.get(v):
                        produced.setdefault(f, []).extend(inner[v])
        return not_holding, produced

    # value type
    def _class(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        index = self.index
        out: ByFocus = {}
        for cls in args:

            def ok(v: Node, cls: Node = cls) -> bool:
                if isinstance(v, Literal):
                    return False
                return any(
                    t == cls or cls in index.superclasses(t) for t in index.objects(v, RDF.type)
                )

            _merge(out, self._each(shape, SH["class"], values, ok))
        return out

    def _datatype(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        if len(args) != 1:
            raise NotCoveredError("several sh:datatype")
        rule = args[0]
        # what the rule is, worked out once: comparing rdflib terms is a Python call
        any_literal, any_typed = rule == RDFS.Literal, rule == RDFS.Datatype
        plain, tagged = rule == XSD.string, rule == RDF.langString
        same = {rule}

        def ok(v: Node) -> bool:
            if not isinstance(v, Literal):
                return False
            if v.datatype in same:
                return getattr(v, "ill_typed", None) is not True and _actual(v, rule)
            if any_literal:
                return True
            if any_typed and v.datatype:
                return True
            if plain and v.datatype is None and v.language is None:
                return _actual(v, rule)
            if tagged and v.language:
                return _actual(v, rule)
            return False

        return self._each(shape, SH.datatype, values, ok)

    def _node_kind(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        if len(args) != 1 or args[0] not in NODE_KINDS:
            raise NotCoveredError("sh:nodeKind")
        kinds = NODE_KINDS[args[0]]
        return self._each(shape, SH.nodeKind, values, lambda v: isinstance(v, kinds))

    # cardinality
    def _count(
        self, shape: Shape, prop: Node, args: list[Node], values: Values, low: bool
    ) -> ByFocus:
        if len(args) != 1 or not isinstance(args[0], Literal):
            raise NotCoveredError(f"{prop}")
        bound = int(args[0].value)
        if low and bound == 0:
            return {}
        name = COMPONENT[prop]
        return {
            f: [self._result(shape, name, f)]
            for f, vs in values.items()
            if (len(vs) < bound if low else len(vs) > bound)
        }

    def _min_count(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        return self._count(shape, SH.minCount, args, values, True)

    def _max_count(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        return self._count(shape, SH.maxCount, args, values, False)

    # value range
    def _range(
        self, shape: Shape, prop: Node, args: list[Node], values: Values, test: Any
    ) -> ByFocus:
        out: ByFocus = {}
        for bound in args:
            if not isinstance(bound, Literal):
                raise NotCoveredError(f"{prop} with a non-literal")

            def ok(v: Node, bound: Literal = bound) -> bool:
                if not isinstance(v, Literal):
                    return False
                if isinstance(bound.value, str) != isinstance(v.value, str):
                    return False
                try:
                    return bool(test(_compare(v, bound)))
                except (TypeError, NotImplementedError):
                    return False

            _merge(out, self._each(shape, prop, values, ok))
        return out

    def _min_inclusive(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        return self._range(shape, SH.minInclusive, args, values, lambda c: c >= 0)

    def _min_exclusive(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        return self._range(shape, SH.minExclusive, args, values, lambda c: c > 0)

    def _max_inclusive(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        return self._range(shape, SH.maxInclusive, args, values, lambda c: c <= 0)

    def _max_exclusive(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        return self._range(shape, SH.maxExclusive, args, values, lambda c: c < 0)

    # strings
    def _length(
        self, shape: Shape, prop: Node, args: list[Node], values: Values, low: bool
    ) -> ByFocus:
        out: ByFocus = {}
        for arg in args:
            if not isinstance(arg, Literal) or not isinstance(arg.value, int) or arg.value < 0:
                raise NotCoveredError(f"{prop}")
            bound = arg.value

            def ok(v: Node, bound: int = bound) -> bool:
                if low and bound == 0:
                    return True
                if isinstance(v, BNode):
                    return False
                size = len(_string(v))
                return size >= bound if low else size <= bound

            _merge(out, self._each(shape, prop, values, ok))
        return out

    def _min_length(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        return self._length(shape, SH.minLength, args, values, True)

    def _max_length(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        return self._length(shape, SH.maxLength, args, values, False)

    def _pattern(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        out: ByFocus = {}
        for pattern in args:
            matcher = re.compile(str(pattern), shape.flags)

            def ok(v: Node, matcher: re.Pattern[str] = matcher) -> bool:
                return not isinstance(v, BNode) and bool(matcher.search(_string(v)))

            _merge(out, self._each(shape, SH.pattern, values, ok))
        return out

    def _language_in(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        out: ByFocus = {}
        for arg in args:
            wanted = {str(x).lower() for x in shape.lists[arg]}

            def ok(v: Node, wanted: set[str] = wanted) -> bool:
                lang = v.language if isinstance(v, Literal) else None
                if not lang:
                    return False
                lang = lang.lower()
                return "*" in wanted or lang in wanted or lang.split("-")[0] in wanted

            _merge(out, self._each(shape, SH.languageIn, values, ok))
        return out

    def _unique_lang(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        out: ByFocus = {}
        name = COMPONENT[SH.uniqueLang]
        for arg in args:
            if not (isinstance(arg, Literal) and arg.toPython() is True):
                continue
            for f, vs in values.items():
                seen: set[str] = set()
                duplicates: set[str] = set()
                for v in vs:
                    if isinstance(v, Literal) and v.language:
                        lang = v.language.lower()
                        (duplicates if lang in seen else seen).add(lang)
                out.setdefault(f, []).extend(self._result(shape, name, f) for _ in duplicates)
        return out

    # other
    def _in(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        out: ByFocus = {}
        for arg in args:
            allowed = shape.lists[arg]
            _merge(out, self._each(shape, SH["in"], values, lambda v, a=allowed: v in a))
        return out

    def _has_value(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        name = COMPONENT[SH.hasValue]
        out: ByFocus = {}
        for wanted in args:
            for f, vs in values.items():
                if wanted not in vs:
                    out.setdefault(f, []).append(self._result(shape, name, f))
        return out

    def _less_than(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        return self._pairs(shape, SH.lessThan, args, values, lambda a, b: a < b)

    def _less_than_or_equals(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        return self._pairs(shape, SH.lessThanOrEquals, args, values, lambda a, b: a <= b)

    def _pairs(
        self, shape: Shape, prop: Node, args: list[Node], values: Values, test: Any
    ) -> ByFocus:
        name = COMPONENT[prop]
        out: ByFocus = {}
        for other in args:
            if not isinstance(other, URIRef):
                raise NotCoveredError(f"{prop} with a non-IRI")
            for f, vs in values.items():
                compare = self.index.objects(f, other)
                for v in vs:
                    if isinstance(v, BNode) or any(isinstance(c, BNode) for c in compare):
                        raise NotCoveredError(f"{prop} on a blank node")
                    left, left_str = _comparable(v)
                    for c in compare:
                        right, right_str = _comparable(c)
                        if left_str != right_str or not test(left, right):
                            out.setdefault(f, []).append(self._result(shape, name, f, v))
        return out

    # logic and shapes
    def _every_value(self, values: Values) -> list[Node]:
        return list(dict.fromkeys(v for vs in values.values() for v in vs))

    def _not(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        name = COMPONENT[SH["not"]]
        out: ByFocus = {}
        for arg in args:
            failed = self.failing(arg, self._every_value(values))
            for f, vs in values.items():
                found = [self._result(shape, name, f, v) for v in vs if v not in failed]
                if found:
                    out.setdefault(f, []).extend(found)
        return out

    def _and(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        return self._logic(shape, SH["and"], args, values, lambda n, total: n == total)

    def _or(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        return self._logic(shape, SH["or"], args, values, lambda n, total: n > 0)

    def _xone(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        return self._logic(shape, SH.xone, args, values, lambda n, total: n == 1)

    def _logic(
        self, shape: Shape, prop: Node, args: list[Node], values: Values, ok: Any
    ) -> ByFocus:
        name = COMPONENT[prop]
        out: ByFocus = {}
        every = self._every_value(values)
        for arg in args:
            members = shape.lists[arg]
            if not members:
                raise NotCoveredError(f"{prop} with an empty or broken list")
            if prop == SH["or"]:
                members = list(dict.fromkeys(members))
            failures = [self.failing(m, every) for m in members]
            if not any(failures) and ok(len(members), len(members)):
                continue  # every value passes every member, and that is enough
            for f, vs in values.items():
                for v in vs:
                    passed = sum(v not in failed for failed in failures)
                    if not ok(passed, len(members)):
                        out.setdefault(f, []).append(self._result(shape, name, f, v))
        return out

    def _node(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        name = COMPONENT[SH.node]
        out: ByFocus = {}
        every = self._every_value(values)
        if not every:
            return out
        for arg in args:
            inner_shape = self.shapes.shape(arg)
            if inner_shape.is_property:
                raise NotCoveredError("sh:node pointing to a property shape")
            failed, inner = self.validate(inner_shape, every)
            if not failed and not inner:
                continue
            for f, vs in values.items():
                for v in vs:
                    if v in failed or inner.get(v):
                        wrapper = self._result(shape, name, f, v)
                        if not wrapper.messages:
                            wrapper.messages = [_node_message(args)]
                        wrapper.details = list(inner.get(v, ()))
                        out.setdefault(f, []).append(wrapper)
        return out

    def _qualified_value_shape(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        low, high = shape.qualified
        if low is None and high is None:
            return {}
        out: ByFocus = {}
        every = self._every_value(values)
        for arg in args:
            failed = self.failing(arg, every)
            for f, vs in values.items():
                count = sum(v not in failed for v in vs) if failed else len(vs)
                if high is not None and count > high:
                    component = "QualifiedMaxCountConstraintComponent"
                    out.setdefault(f, []).append(self._result(shape, component, f))
                if low is not None and count < low:
                    component = "QualifiedMinCountConstraintComponent"
                    out.setdefault(f, []).append(self._result(shape, component, f))
        return out

    # SPARQL
    def _sparql(self, shape: Shape, args: list[Node], values: Values) -> ByFocus:
        if shape.is_property:
            raise NotCoveredError("a SPARQL constraint on a property shape")
        graph = self.shapes.graph
        name = COMPONENT[SH.sparql]
        out: ByFocus = {}
        for constraint in args:
            deactivated = graph.value(constraint, SH.deactivated)
            if isinstance(deactivated, Literal) and deactivated.toPython() is True:
                continue
            extra = [m for m in graph.objects(constraint, SH.message) if isinstance(m, Literal)]
            rows = self._sparql_rows(constraint, values)
            for f in values:
                seen: list[tuple[Any, ...]] = []
                for row in rows.get(f, ()):
                    row = dict(row)
                    if row.pop("failure", None) is not None:
                        raise NotCoveredError("a SPARQL constraint with ?failure")
                    p, v, t = row.pop("path", None), row.pop("value", None), row.pop("this", None)
                    if p is None and v is None and t is None:
                        continue
                    key = (t, p, v, row)
                    if key in seen:
                        continue
                    seen.append(key)
                    if v is None:
                        v = f
                    bound = {"this": t or f, **({"path": p} if p is not None else {}), "value": v}
                    bound.update(row)
                    result = Result(shape, name, t or f, v, p, [], constraint=constraint)
                    messages = [_format(m, bound) for m in extra if m not in shape.messages]
                    result.messages = messages + [_format(m, bound) for m in shape.messages]
                    out.setdefault(f, []).append(result)
        return out

    def _sparql_rows(self, constraint: Node, focus: Iterable[Node]) -> Rows:
        """The rows of a SPARQL constraint's query for the ``focus`` nodes, by ``$this``.

        Pre-binding ``$this`` and running the query per node (what SHACL says) gives the
        same rows as running it for many nodes at once and grouping by ``$this`` when
        ``$this`` is a plain variable of the query's one group; queries with
        subqueries, ``MINUS`` or ``SERVICE`` are not taken. The query runs for the
        nodes not asked about before, given in a ``VALUES`` block (see
        :func:`_for_nodes`), or once for all nodes when that cannot be written.
        """
        graph = self.shapes.graph
        cached = self._sparql_cache.get(constraint)
        if cached is None:
            select = graph.value(constraint, SH.select)
            if select is None or NESTED_QUERY.search(str(select).split("{", 1)[-1]):
                raise NotCoveredError("a SPARQL constraint this validator does not run set-wise")
            cached = self._sparql_cache[constraint] = _Asked(str(select))
        if cached.everything:
            return cached.rows
        wanted = [f for f in focus if f not in cached.nodes]
        if not wanted:
            return cached.rows
        query = _for_nodes(cached.select, wanted)
        known: set[Node] = set()
        if query is None:
            query, cached.everything = cached.select, True
            known = cached.nodes  # their rows are there already
        else:
            cached.nodes.update(wanted)
        variables, rows = self.index.select(
            f"{self.shapes.prefixes(constraint)}\n{query}", everything=cached.everything
        )
        if "this" not in variables:
            raise NotCoveredError("a SPARQL constraint that does not select $this")
        column = variables.index("this")
        for row in rows:
            found = row[column]
            if found is None or found in known:
                continue
            bound = {
                var: term for var, term in zip(variables, row, strict=True) if term is not None
            }
            cached.rows.setdefault(found, []).append(bound)
        return cached.rows


Rows = dict[Node, list[dict[str, Node]]]


class _Asked:
    """What a SPARQL constraint's query has given so far: its rows by ``$this``, for the
    focus nodes in ``nodes``, or for every node once ``everything`` is set."""

    def __init__(self, select: str) -> None:
        self.select = select
        self.rows: Rows = {}
        self.nodes: set[Node] = set()
        self.everything = False


VALUES_LIMIT = 5000
"""The most focus nodes a SPARQL constraint's query is given in a ``VALUES`` block;
for more, it runs once for all nodes."""

_SIMPLE_HEAD = re.compile(
    r"\s*SELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?(?:[?$]\w+\s+)*[?$]\w+\s*(?:WHERE\s*)?\{",
    re.IGNORECASE,
)


def _for_nodes(select: str, nodes: list[Node]) -> str | None:
    """``select`` with ``VALUES ?this { ... }`` first in its group: its rows for
    ``nodes`` only, which the store finds from the nodes instead of filtering every
    triple. ``None`` when that is not safe to write: a query that does not begin with
    a plain ``SELECT ... {``, a blank node (``VALUES`` cannot hold one), an IRI with a
    character SPARQL does not allow, or more than :data:`VALUES_LIMIT` nodes.
    """
    head = _SIMPLE_HEAD.match(select)
    if head is None or len(nodes) > VALUES_LIMIT:
        return None
    terms = []
    for node in nodes:
        if isinstance(node, URIRef) and PLAIN_IRI.fullmatch(node):
            terms.append(f"<{node}>")
        elif isinstance(node, Literal):
            terms.append(node.n3())
        else:
            return None
    values = f" VALUES ?this {{ {' '.join(terms)} }} "
    return select[: head.end()] + values + select[head.end() :]


def _merge(into: ByFocus, more: ByFocus) -> None:
    for f, found in more.items():
        into.setdefault(f, []).extend(found)


def _actual(value: Literal, rule: Node) -> bool:
    expected = PYTHON_TYPES.get(rule)
    return True if expected is None else isinstance(value.value, expected)


def _string(v: Node) -> str:
    if isinstance(v, Literal) and v.value is not None and v.datatype in STRING_TYPES:
        return str(v.value)
    return str(v)


def _compare(value: Literal, bound: Literal) -> int:
    """-1, 0 or 1 as ``value`` is below, equal to or above ``bound`` (by value)."""
    left, right = value.value, bound.value
    if left is None or right is None:
        raise TypeError("ill-typed literal")
    if isinstance(left, bool) != isinstance(right, bool):
        raise TypeError("boolean against a non-boolean")
    if isinstance(left, Decimal) and isinstance(right, float):
        left = float(left)
    elif isinstance(left, float) and isinstance(right, Decimal):
        right = float(right)
    return (left > right) - (left < right)


def _comparable(node: Node) -> tuple[Any, bool]:
    if isinstance(node, URIRef):
        return str(node), True
    if isinstance(node, Literal) and isinstance(node.value, str):
        return node.value, True
    return node, False


def _node_message(shapes: list[Node]) -> Literal:
    """pySHACL's message for an ``sh:node`` result of a shape without ``sh:message``."""
    if len(shapes) < 2:
        text = f"Value does not conform to Shape {_stringify(shapes[0])}."
    else:
        listed = "', '".join(_stringify(s) for s in shapes)
        text = f"Value must conform to every Shape in ('{listed}')."
    return Literal(text + " See details for more information.")


def _stringify(node: Node) -> str:
    return f"<{node}>" if isinstance(node, URIRef) else str(node)


def _format(message: Literal, bound: dict[str, Node]) -> Literal:
    """A SPARQL constraint's message with ``{?var}`` / ``{$var}`` filled in, as pySHACL
    does it; the language tag goes, as there."""
    text = str(message.value)
    for var, value in bound.items():
        text = re.sub("{[?$]" + var + "}", str(value), text)
    return Literal(text)
