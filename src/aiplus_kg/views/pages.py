"""Web pages of the graph: one per entity, article, ontology term and saved query, an
index, the list of entities, the ontology, and the search index.

:class:`Pages` gathers what the pages show from a dataset (with
:func:`aiplus_kg.views.describe.describe` for an entity's statements and the
:class:`~aiplus_kg.views.hedges.HedgeIndex` for their hedges, so that a page says what
``aiplus describe`` says) and writes each page with a Jinja2 template of
``templates/site/`` (autoescaped: a label holding ``<script>`` is shown as text).

Every page lives at a *key*, its path in the site without a suffix: ``index``,
``entities``, ``ontology``, ``id/ascend-910b``, ``source/001-c4f603b6c01e8ba9``,
``ontology/Chip``, ``query/chip-to-goal``; the page is the file ``KEY.html``. Links
between pages are relative, so that the same bytes work from a folder on disk
(``aiplus site``) and from ``aiplus serve``, whose URLs are the keys.

The pages are plain HTML and CSS, readable without JavaScript; only the search box
needs it (``assets/search.js``, which loads ``search-index.js``, a JSON index of every
label in every language, when it is first used).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node
from rdflib.util import from_n3

from aiplus_kg.errors import AiplusError
from aiplus_kg.load.terms import (
    LABEL_PROPERTIES,
    graph_name,
    graph_sort_key,
    label,
    named_graphs,
    term_text,
)
from aiplus_kg.namespaces import (
    AIP,
    DCTERMS,
    ID,
    ONTOLOGY_GRAPH,
    ONTOLOGY_IRI,
    OWL,
    RDF,
    REFERENCE_GRAPH,
    SKOS,
    SRC,
    curie,
)
from aiplus_kg.views.describe import PropertyGroup, describe
from aiplus_kg.views.docs import SECTIONS, anchor, documented_terms
from aiplus_kg.views.hedges import Hedge, HedgeIndex, build_index
from aiplus_kg.views.stats import BOOKKEEPING_NAMESPACES, compute_stats

if TYPE_CHECKING:
    from jinja2 import Environment

    from aiplus_kg.knowledge_graph import KnowledgeGraph
    from aiplus_kg.query.catalogue import SavedQuery
    from aiplus_kg.query.run import QueryRun

__all__ = [
    "MAX_PICTURE_NODES",
    "MAX_ROWS_SHOWN",
    "QUERY_NAMESPACE",
    "Pages",
    "Resource",
    "SavedRun",
    "collect_resources",
    "page_path",
    "root_of",
    "safe_name",
]

QUERY_NAMESPACE = "https://w3id.org/aiplus/query/"
"""The IRIs of the saved queries (``/query/NAME`` on a server)."""

MAX_ROWS_SHOWN = 200
"""Rows of a saved query's results shown on its page; the page says how many more."""

MAX_PICTURE_NODES = 30
"""An entity whose neighbourhood has more entities gets no picture (it would be
unreadable); its page lists the same links anyway."""

_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_SUFFIXES = (".html", ".ttl", ".nt", ".nq", ".trig", ".jsonld", ".svg", ".rq")
LANGUAGE_ORDER = ("en", "fr", "zh")


def safe_name(name: str) -> bool:
    """Whether ``name`` (the local part of an IRI) can be a file name and a URL path
    segment as it is: ASCII letters, digits, ``_``, ``.`` and ``-``, not ending in a
    suffix the site uses for its files."""
    return (
        _SAFE_NAME.fullmatch(name) is not None and ".." not in name and not name.endswith(_SUFFIXES)
    )


def page_path(key: str) -> str:
    """The file of the page at ``key``: ``id/huawei`` -> ``id/huawei.html``."""
    return f"{key}.html"


def root_of(key: str) -> str:
    """The relative path from the page at ``key`` to the root of the site."""
    return "../" * key.count("/")


@dataclass(frozen=True)
class Resource:
    """A resource with a page: ``kind`` is ``entity`` (``id:``), ``source`` (an article,
    ``src:``), ``term`` (an ontology term, ``aip:``), ``ontology`` (the ontology) or
    ``query`` (a saved query)."""

    key: str
    kind: str
    iri: URIRef


@dataclass(frozen=True)
class SavedRun:
    """A saved query and its run with the default parameters (or why it failed)."""

    query: SavedQuery
    run: QueryRun | None
    error: str | None = None


# --- what the templates show ---------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """A term on a page: text, with a link, a language, a tooltip; ``code`` sets the
    text in code type (a prefixed name)."""

    text: str
    href: str | None = None
    lang: str | None = None
    title: str | None = None
    code: bool = False


@dataclass(frozen=True)
class HedgeView:
    """A hedge: its label (linked to the hedge's page), its level (``triple``: on the
    statement; ``entity``: on the entity at the other end), whom the article attributes
    it to, the article, and the claim's notes."""

    hedge: Value
    level: str
    according_to: tuple[Value, ...]
    source: Value | None
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Statement:
    value: Value
    sources: tuple[Value, ...]
    hedges: tuple[HedgeView, ...]


@dataclass(frozen=True)
class Group:
    """Statements sharing a property (and a direction)."""

    prop: Value
    curie: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Subject:
    """A subject of an article page and the facts the article states about it: its
    types and labels (shown with its name), the others by property."""

    value: Value
    types: tuple[Value, ...]
    labels: tuple[Value, ...]
    hedges: tuple[HedgeView, ...]
    groups: tuple[Group, ...]


@dataclass(frozen=True)
class Picture:
    """An entity's neighbourhood: the SVG's file name (next to the page), or why none."""

    src: str | None
    alt: str
    note: str = ""


@dataclass
class _QueryView:
    name: str
    summary: str
    description: str
    text: str
    parameters: list[dict[str, Any]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[Value | None]] = field(default_factory=list)
    total: int = 0
    boolean: bool | None = None
    error: str | None = None


# --- resources -------------------------------------------------------------------------------


def _local(iri: str, namespace: str) -> str | None:
    if not iri.startswith(namespace):
        return None
    name = iri[len(namespace) :]
    return name if safe_name(name) else None


def collect_resources(dataset: Dataset, queries: Sequence[SavedQuery] = ()) -> dict[str, Resource]:
    """Every resource that gets a page, by key, sorted: the ``id:`` entities named in any
    graph, the articles (``src:``), the ontology and the ``aip:`` terms it describes, and
    the saved queries. An IRI whose local name cannot be a file name gets no page."""
    found: dict[str, Resource] = {}
    iris: set[URIRef] = {s for s in dataset.subjects() if isinstance(s, URIRef)}
    iris |= {o for o in dataset.objects() if isinstance(o, URIRef)}
    ontology = dataset.graph(ONTOLOGY_GRAPH)
    terms = set(documented_terms(ontology)) | {
        s for s in dataset.subjects() if isinstance(s, URIRef) and s.startswith(str(AIP))
    }
    graphs = {URIRef(str(g.identifier)) for g in named_graphs(dataset)}
    for iri in sorted(iris | graphs):
        for namespace, folder, kind in ((ID, "id", "entity"), (SRC, "source", "source")):
            name = _local(str(iri), str(namespace))
            if name is not None:
                found[f"{folder}/{name}"] = Resource(f"{folder}/{name}", kind, iri)
    for term in sorted(terms):
        name = _local(str(term), str(AIP))
        if name is not None:
            found[f"ontology/{name}"] = Resource(f"ontology/{name}", "term", term)
    if len(ontology) or (ONTOLOGY_IRI, None, None) in dataset:
        found["ontology"] = Resource("ontology", "ontology", ONTOLOGY_IRI)
    for query in queries:
        if safe_name(query.name):
            key = f"query/{query.name}"
            found[key] = Resource(key, "query", URIRef(QUERY_NAMESPACE + query.name))
    return dict(sorted(found.items()))


def _node(value: str) -> Node:
    """The term a :class:`~aiplus_kg.views.describe.ValueInfo` value stands for: a
    literal in N3, an IRI, or a blank node's id."""
    if value.startswith('"'):
        parsed = from_n3(value)
        if isinstance(parsed, Literal):
            return parsed
    if ":" in value:
        return URIRef(value)
    return BNode(value)


def _language_key(lang: str) -> tuple[int, str]:
    return (LANGUAGE_ORDER.index(lang), lang) if lang in LANGUAGE_ORDER else (9, lang)


def _by_language(values: Iterable[Node]) -> list[Literal]:
    """The literals among ``values``: English, French, Chinese, then the others."""
    literals = [v for v in values if isinstance(v, Literal)]
    return sorted(literals, key=lambda v: (_language_key(v.language or ""), str(v)))


def _sorted(values: Iterable[Node]) -> list[Node]:
    return sorted(values, key=lambda v: (type(v).__name__, str(v)))


def _number_first(stem: str) -> str:
    return stem.split("-", 1)[0]


@cache
def _environment() -> Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("aiplus_kg.views", "templates/site"),
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def render(template: str, **values: object) -> str:
    """The page ``template`` (of ``templates/site/``) with ``values``, autoescaped."""
    return _environment().get_template(template).render(**values)


def asset(name: str) -> bytes:
    """A file of ``templates/site/`` as it is (the stylesheet, the search script)."""
    source, _, _ = _environment().loader.get_source(_environment(), name)  # type: ignore[union-attr]
    return source.encode("utf-8")


class Pages:
    """The pages of a dataset. ``runs`` are the saved queries with their results;
    ``pictures`` maps an entity's key to the file name of its picture, or to why it has
    none (``None``: pictures were not drawn)."""

    def __init__(
        self,
        dataset: Dataset,
        runs: Sequence[SavedRun] = (),
        pictures: Mapping[str, tuple[str | None, str]] | None = None,
    ) -> None:
        self.dataset = dataset
        self.runs = {r.query.name: r for r in runs}
        self.resources = collect_resources(dataset, [r.query for r in runs])
        self.by_iri = {r.iri: r.key for r in self.resources.values()}
        self.index: HedgeIndex = build_index(dataset)
        self.pictures = dict(pictures or {})
        self.graphs = {graph_name(g.identifier): g.identifier for g in named_graphs(dataset)}
        self._names: dict[Node, str] = {}
        self._source_keys = self._article_keys()
        self.mentions = self._mentions()

    # --- names and links -------------------------------------------------------------------

    def name(self, node: Node) -> str:
        """The English label of ``node`` (else another), or its compact spelling; a
        blank node without a label spelled out (``[ value 10 ; unit text "yuan" ]``),
        never by its label of the moment."""
        if node not in self._names:
            named = label(self.dataset, node)
            if named is None:
                named = self._spelled(node) if isinstance(node, BNode) else term_text(node)
            self._names[node] = named
        return self._names[node]

    def _spelled(self, node: Node, depth: int = 0) -> str:
        if isinstance(node, Literal):
            return str(node)
        if not isinstance(node, BNode):
            return self.name(node)
        if depth > 2:
            return "[…]"
        if (node, RDF.first, None) in self.dataset:
            items = Collection(self.dataset, node)
            return "( " + ", ".join(self._spelled(i, depth + 1) for i in items) + " )"
        parts = sorted(
            f"{self.name(p)} {self._spelled(o, depth + 1)}"
            for p, o in self.dataset.predicate_objects(node)
        )
        return "[ " + " ; ".join(parts) + " ]" if parts else "[]"

    def _article_keys(self) -> dict[Node, str]:
        stems = {
            iri: str(iri)[len(str(SRC)) :] for iri in self.graphs.values() if iri.startswith(SRC)
        }
        numbers: dict[str, int] = defaultdict(int)
        for stem in stems.values():
            numbers[_number_first(stem)] += 1
        return {
            iri: _number_first(stem) if numbers[_number_first(stem)] == 1 else stem
            for iri, stem in stems.items()
        }

    def href(self, key: str, root: str) -> str:
        return root + page_path(key)

    def term(self, node: Node, root: str) -> Value:
        """How ``node`` is shown on a page whose root is ``root``: a resource with a page
        as a link with its label, another IRI as a link to itself, a literal as its
        text with its language."""
        if isinstance(node, Literal):
            datatype = curie(str(node.datatype)) if node.datatype is not None else None
            return Value(str(node), lang=node.language or None, title=datatype)
        if isinstance(node, URIRef):
            key = self.by_iri.get(node)
            short = curie(str(node))
            if key is not None:
                return Value(self.name(node), self.href(key, root))
            named = label(self.dataset, node)
            if named is not None:
                return Value(named, str(node))
            return Value(short, str(node), code=True)
        return Value(self.name(node))

    def source_mark(self, graph: Node, root: str) -> Value:
        """The mark of a graph stating a statement: ``001`` for an article (linked to
        its page), ``ref`` for the reference data, ``ontology``."""
        if graph == REFERENCE_GRAPH:
            return Value("ref", title="the reference data (graph/reference/)")
        if graph == ONTOLOGY_GRAPH:
            return Value("ontology", root + "ontology.html", title="the ontology")
        key = self.by_iri.get(URIRef(str(graph)))
        text = self._source_keys.get(graph, graph_name(graph))
        title = self.name(graph)
        return Value(text, self.href(key, root) if key else None, title=title)

    def hedge_view(self, hedge: Hedge, root: str, *, source: bool = True) -> HedgeView:
        """``hedge`` on a page; ``source=False`` leaves out the article (on the
        article's own page)."""
        return HedgeView(
            hedge=self.term(hedge.value, root),
            level=hedge.level,
            according_to=tuple(self.term(a, root) for a in hedge.according_to),
            source=self.source_mark(hedge.graph, root) if source else None,
            notes=hedge.notes,
        )

    def _marks(self, graphs: Iterable[Node], root: str) -> tuple[Value, ...]:
        ordered = sorted(set(graphs), key=graph_sort_key)
        return tuple(self.source_mark(g, root) for g in ordered)

    # --- saved queries mentioning a resource ---------------------------------------------

    def _mentions(self) -> dict[Node, list[str]]:
        """Each resource and the saved queries that mention it: in their text (an IRI
        or a prefixed name), their parameters' values or their current results."""
        found: dict[Node, set[str]] = defaultdict(set)
        spelled = {}
        for iri in self.by_iri:
            spelled[curie(str(iri))] = iri
            spelled[f"<{iri}>"] = iri
        token = re.compile(r"<[^<>\s]+>|[A-Za-z][\w-]*:[\w.-]*[\w-]")
        for name, saved in self.runs.items():
            for word in token.findall(saved.query.text):
                if word in spelled:
                    found[spelled[word]].add(name)
            if saved.run is None:
                continue
            terms = set(saved.run.bindings.values())
            for row in saved.run.results.rows:
                terms.update(cell for cell in row if cell is not None)
            for term in terms:
                if term in self.by_iri:
                    found[term].add(name)
        return {iri: sorted(names) for iri, names in found.items()}

    def _query_links(self, iri: Node, root: str) -> list[tuple[Value, str]]:
        """The saved queries mentioning ``iri``: a link to each, and its summary."""
        return [
            (Value(name, self.href(f"query/{name}", root)), self.runs[name].query.summary)
            for name in self.mentions.get(iri, [])
        ]

    # --- pages ------------------------------------------------------------------------------

    def _base(self, key: str, title: str) -> dict[str, object]:
        return {"root": root_of(key), "title": title, "key": key}

    def _groups(self, entity: URIRef, groups: Sequence[PropertyGroup], root: str) -> list[Group]:
        out = []
        for group in groups:
            prop = URIRef(group.property)
            statements = []
            for info in group.values:
                other = _node(info.value)
                triple = (
                    (entity, prop, other) if group.direction == "out" else (other, prop, entity)
                )
                hedges = [*self.index.for_triple(triple), *self.index.for_entity(other)]
                shown = Value(info.text) if isinstance(other, BNode) else self.term(other, root)
                graphs = [self.graphs.get(s, URIRef(s)) for s in info.sources]
                # a hedge's article goes without saying when it is the statement's one
                alone = graphs[0] if len(graphs) == 1 else None
                statements.append(
                    Statement(
                        shown,
                        self._marks(graphs, root),
                        tuple(self.hedge_view(h, root, source=h.graph != alone) for h in hedges),
                    )
                )
            prop_value = self.term(prop, root)
            if group.direction == "in" and prop == RDF.type:
                prop_value = Value("instances", prop_value.href, title="rdf:type")
            out.append(Group(prop_value, curie(str(prop)), tuple(statements)))
        return out

    def entity(self, resource: Resource) -> str:
        """The page of an entity or an ontology term: its labels, classes, hedges,
        statements (outgoing, then incoming), picture and saved queries."""
        key, iri = resource.key, resource.iri
        root = root_of(key)
        desc = describe(self.dataset, iri, self.index)
        labels = [
            Value(text, lang=lang or None)
            for lang, texts in sorted(desc.labels.items(), key=lambda kv: _language_key(kv[0]))
            for text in texts
        ]
        types = [self.term(URIRef(t.iri), root) for t in desc.types]
        picture = None
        if resource.key in self.pictures:
            src, why = self.pictures[resource.key]
            picture = Picture(src, f"The links between {desc.name} and its neighbours", why)
        return render(
            "entity.html",
            **self._base(key, desc.name),
            iri=str(iri),
            short=curie(str(iri)),
            kind=resource.kind,
            labels=labels,
            types=types,
            hedges=[self.hedge_view(h, root) for h in self.index.for_entity(iri)],
            outgoing=self._groups(iri, desc.outgoing, root),
            incoming=self._groups(iri, desc.incoming, root),
            picture=picture,
            queries=self._query_links(iri, root),
            turtle=key.rsplit("/", 1)[-1] + ".ttl",
        )

    def source(self, resource: Resource) -> str:
        """The page of an article: its title, date, outlet and every fact it states, by
        subject (its hedged statements with their hedges)."""
        key, iri = resource.key, resource.iri
        root = root_of(key)
        ds = self.dataset
        details: list[tuple[str, list[Value]]] = []
        for prop, heading in (
            (DCTERMS.title, "Title"),
            (DCTERMS.date, "Date"),
            (DCTERMS.publisher, "Outlet"),
            (DCTERMS.creator, "Author"),
            (DCTERMS.source, "Original source"),
            (DCTERMS.language, "Language"),
            (DCTERMS.identifier, "Identifier"),
        ):
            values = sorted(ds.objects(iri, prop), key=str)
            if values:
                details.append((heading, [self.term(v, root) for v in values]))
        labels = [
            Value(str(v), lang=v.language or None)
            for p in LABEL_PROPERTIES
            for v in _by_language(ds.objects(iri, p))
        ]
        subjects = self._facts(iri, root)
        return render(
            "source.html",
            **self._base(key, self.name(iri)),
            iri=str(iri),
            short=curie(str(iri)),
            labels=labels,
            details=details,
            subjects=subjects,
            facts=sum(
                len(s.types) + len(s.labels) + sum(len(g.statements) for g in s.groups)
                for s in subjects
            ),
            queries=self._query_links(iri, root),
            turtle=key.rsplit("/", 1)[-1] + ".ttl",
        )

    def _facts(self, article: URIRef, root: str) -> list[Subject]:
        """What the article's graph states, by subject: its triples but those of its
        claims, and the statements its hedged claims hold (as ``aiplus stats`` counts
        them), each hedged one with its hedges. A subject's types and labels are shown
        with its name; its ``aip:statedIn`` link to the article goes without saying."""
        index = self.index
        graph = self.dataset.graph(article)
        facts = {t for t in graph if t[0] not in index.claims}
        for triple, hedges in index.by_triple.items():
            if any(h.graph == article for h in hedges):
                facts.add(triple)
        by_subject: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in facts:
            by_subject[s][p].append(o)
        for _, _, o in facts:  # a blank node an object spells out is not a subject of its own
            if isinstance(o, BNode):
                by_subject.pop(o, None)
        subjects = []
        for subject in sorted(by_subject, key=lambda n: (self.name(n).casefold(), str(n))):
            props = by_subject[subject]
            types = tuple(self.term(t, root) for t in sorted(props.pop(RDF.type, []), key=str))
            labels = tuple(
                Value(str(v), lang=v.language or None)
                for p in LABEL_PROPERTIES
                for v in _by_language(props.pop(p, []))
            )
            stated = props.get(AIP.statedIn, [])
            if article in stated:
                stated.remove(article)
                if not stated:
                    del props[AIP.statedIn]
            groups = []
            for prop in sorted(props, key=lambda p: (self.name(p).casefold(), str(p))):
                statements = []
                for obj in sorted(props[prop], key=lambda o: (self.name(o).casefold(), str(o))):
                    hedges = [
                        h for h in index.for_triple((subject, prop, obj)) if h.graph == article
                    ]
                    statements.append(
                        Statement(
                            self.term(obj, root),
                            (),
                            tuple(self.hedge_view(h, root, source=False) for h in hedges),
                        )
                    )
                groups.append(Group(self.term(prop, root), curie(str(prop)), tuple(statements)))
            subject_hedges = [h for h in index.for_entity(subject) if h.graph == article]
            subjects.append(
                Subject(
                    self.term(subject, root),
                    types,
                    labels,
                    tuple(self.hedge_view(h, root, source=False) for h in subject_hedges),
                    tuple(groups),
                )
            )
        return subjects

    def query(self, resource: Resource) -> str:
        """The page of a saved query: its description, parameters, text and current
        results, each IRI shown by its label and linked to its page."""
        key = resource.key
        root = root_of(key)
        saved = self.runs[key.split("/", 1)[1]]
        query = saved.query
        view = _QueryView(query.name, query.summary, query.description, query.text)
        bindings = saved.run.bindings if saved.run is not None else {}
        for param in query.parameters:
            bound = bindings.get(param.variable)
            view.parameters.append(
                {
                    "name": param.name,
                    "type": param.type_text,
                    "default": param.default,
                    "value": self.term(bound, root) if bound is not None else None,
                }
            )
        if saved.run is None:
            view.error = saved.error
        else:
            results = saved.run.results.without(bindings)
            if results.is_boolean:
                view.boolean = results.boolean
            view.columns = list(results.variables)
            view.total = len(results.rows)
            view.rows = [
                [self.term(cell, root) if cell is not None else None for cell in row]
                for row in results.rows[:MAX_ROWS_SHOWN]
            ]
        return render(
            "query.html",
            **self._base(key, query.name),
            query=view,
            iri=str(resource.iri),
            rq=query.name + ".rq",
        )

    def ontology(self, resource: Resource) -> str:
        """The ontology's page: every term by section, each anchored by its name (so
        that ``/ontology#Chip`` lands on it) and linked to its own page."""
        key = resource.key
        root = root_of(key)
        graph = self.dataset.graph(ONTOLOGY_GRAPH)
        terms = documented_terms(graph)
        placed: set[URIRef] = set()
        sections = []
        for section, heading, kind in (*SECTIONS, ("other-terms", "Other terms", None)):
            chosen = [
                t
                for t in terms
                if t not in placed and (kind is None or (t, RDF.type, kind) in graph)
            ]
            placed.update(chosen)
            entries = []
            for term in sorted(chosen, key=lambda t: (self.name(t).casefold(), str(t))):
                definition = next(
                    (
                        str(v)
                        for v in sorted(graph.objects(term, SKOS.definition), key=str)
                        if isinstance(v, Literal) and v.language in ("en", None)
                    ),
                    "",
                )
                entries.append((anchor(term), self.term(term, root), curie(str(term)), definition))
            if entries:
                sections.append((section, heading, entries))
        title = next(
            (str(v) for v in graph.objects(ONTOLOGY_IRI, DCTERMS.title) if isinstance(v, Literal)),
            self.name(ONTOLOGY_IRI),
        )
        return render(
            "ontology.html",
            **self._base(key, title),
            iri=str(ONTOLOGY_IRI),
            sections=sections,
            count=len(terms),
            turtle="ontology.ttl",
        )

    def _members(self) -> dict[URIRef, set[Node]]:
        """The entities of each class (typed outside the ontology graph with a class of
        the data, as ``aiplus stats`` counts them)."""
        members: dict[URIRef, set[Node]] = defaultdict(set)
        for subject, _, cls, stating in self.dataset.quads((None, RDF.type, None, None)):
            where = getattr(stating, "identifier", stating)
            if not isinstance(cls, URIRef) or where == ONTOLOGY_GRAPH:
                continue
            if str(cls).startswith(BOOKKEEPING_NAMESPACES) or cls == OWL.NamedIndividual:
                continue
            members[cls].add(subject)
        return members

    def home(self) -> str:
        """The index page: the articles, the entities by class, the saved queries."""
        root = ""
        stats = compute_stats(self.dataset)
        articles = []
        for facts in stats.articles:
            iri = URIRef(facts.graph)
            dates = [self.term(d, root) for d in _sorted(self.dataset.objects(iri, DCTERMS.date))]
            outlets = [
                self.term(o, root) for o in _sorted(self.dataset.objects(iri, DCTERMS.publisher))
            ]
            articles.append(
                {
                    "article": self.term(iri, root),
                    "key": self._source_keys.get(iri, facts.name),
                    "dates": dates,
                    "outlets": outlets,
                    "facts": facts.facts,
                    "hedged": facts.hedged,
                }
            )
        classes = [
            {
                "cls": self.term(URIRef(c.cls), root),
                "anchor": anchor(URIRef(c.cls)),
                "count": c.entities,
            }
            for c in stats.classes
        ]
        queries = [
            (Value(name, self.href(f"query/{name}", root)), saved.query.summary)
            for name, saved in sorted(self.runs.items())
            if f"query/{name}" in self.resources
        ]
        entities = sum(1 for r in self.resources.values() if r.kind == "entity")
        return render(
            "index.html",
            **self._base("index", "The knowledge graph of China's AI+ strategy"),
            articles=articles,
            classes=classes,
            queries=queries,
            entities=entities,
            facts=sum(a.facts for a in stats.articles),
            hedged=sum(a.hedged for a in stats.articles),
            terms=sum(1 for r in self.resources.values() if r.kind == "term"),
        )

    def entities(self) -> str:
        """Every entity, by class: what the search box finds, without JavaScript."""
        root = ""
        members = self._members()
        classes = []
        for cls in sorted(members, key=lambda c: (self.name(c).casefold(), str(c))):
            listed = sorted(members[cls], key=lambda n: (self.name(n).casefold(), str(n)))
            classes.append(
                (anchor(cls), self.term(cls, root), [self.term(n, root) for n in listed])
            )
        return render(
            "entities.html", **self._base("entities", "Entities by class"), classes=classes
        )

    def not_found(self, key: str, path: str) -> str:
        """The page for a path that names nothing (``key`` sets the relative root)."""
        return render("notfound.html", **self._base(key, "Not found"), path=path)

    def page(self, resource: Resource) -> str:
        """The page of ``resource``, whatever its kind."""
        if resource.kind == "source":
            return self.source(resource)
        if resource.kind == "query":
            return self.query(resource)
        if resource.kind == "ontology":
            return self.ontology(resource)
        return self.entity(resource)

    # --- the search index -------------------------------------------------------------------

    def search_index(self) -> dict[str, object]:
        """Every entity, article and ontology term with its labels in every language:
        ``{"entries": [{"n": name, "h": page, "c": class, "l": [[label, lang], ...]}]}``,
        the pages relative to the root."""
        entries = []
        for resource in self.resources.values():
            if resource.kind not in ("entity", "source", "term"):
                continue
            iri = resource.iri
            labels = sorted(
                {
                    (str(v), v.language or "")
                    for p in LABEL_PROPERTIES
                    for v in self.dataset.objects(iri, p)
                    if isinstance(v, Literal)
                },
                key=lambda item: (_language_key(item[1]), item[0]),
            )
            labels.append((curie(str(iri)), ""))
            classes = sorted(
                self.name(t)
                for t in self.dataset.objects(iri, RDF.type)
                if isinstance(t, URIRef) and t != OWL.NamedIndividual
            )
            entries.append(
                {
                    "n": self.name(iri),
                    "h": page_path(resource.key),
                    "c": ", ".join(classes),
                    "l": [list(item) for item in labels],
                }
            )
        return {"entries": entries}

    def search_files(self) -> dict[str, bytes]:
        """``search.json`` (the index) and ``search-index.js`` (the same, for a script
        tag: a page opened from disk may not fetch a file)."""
        data = json.dumps(self.search_index(), ensure_ascii=True, separators=(",", ":"))
        return {
            "search.json": (data + "\n").encode("ascii"),
            "search-index.js": f"window.aiplusSearchIndex = {data};\n".encode("ascii"),
        }


def errors_of(runs: Iterable[SavedRun]) -> list[str]:
    """The saved queries that failed, with why (for a build's summary)."""
    return [f"{r.query.name}: {r.error}" for r in runs if r.error]


def run_saved_queries(kg: KnowledgeGraph, queries: Sequence[SavedQuery]) -> list[SavedRun]:
    """Each saved query run on ``kg`` (a :class:`~aiplus_kg.knowledge_graph.KnowledgeGraph`)
    with its default parameters; one that fails keeps its message."""
    out = []
    for query in queries:
        try:
            out.append(SavedRun(query, kg.query(query)))
        except AiplusError as exc:
            out.append(SavedRun(query, None, str(exc)))
    return out
