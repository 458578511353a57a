"""HTML documentation of the ontology: one self-contained page, ``index.html``.

The page opens with the ontology's metadata (title, IRI, version, licence, preferred
prefix) and a table of contents, then the class tree, then one section per term:
classes, object properties, datatype properties, annotation properties, named
individuals and concept schemes. Each section gives the term's IRI, its labels in
every language, its definition and notes, and what relates it to other terms:
superclasses (restrictions included), subclasses, disjoint classes and the properties
whose domain or range it is for a class; domain, range, super- and subproperties,
inverse and characteristics (functional, transitive, ...) for a property; types and
scheme for an individual. Terms link to each other by anchor (``#Chip``); terms of
other vocabularies link to their IRI.

This module gathers the facts into plain dataclasses; the Jinja2 template
``templates/ontology.html`` writes them out as polyglot markup (HTML5 that is also
well-formed XML), the same from run to run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from aiplus_kg.atomic import atomic_write
from aiplus_kg.errors import InputError
from aiplus_kg.namespaces import (
    AIP,
    DCTERMS,
    ONTOLOGY_GRAPH,
    ONTOLOGY_IRI,
    OWL,
    RDF,
    RDFS,
    SKOS,
    curie,
)
from aiplus_kg.project import Project

if TYPE_CHECKING:
    from jinja2 import Template

__all__ = [
    "DEFAULT_OUTPUT",
    "SECTIONS",
    "DocsResult",
    "anchor",
    "build_docs",
    "default_output",
    "documented_terms",
    "ontology_html",
]

DEFAULT_OUTPUT = Path("build") / "docs"
"""Where ``aiplus docs`` writes, relative to the project root (git-ignored), or to the
current folder when the project is the data bundled in an installed package."""

VANN = "http://purl.org/vocab/vann/"
LANGUAGES = ("en", "fr", "zh")
PROPERTY_KINDS = (
    (OWL.ObjectProperty, "object property"),
    (OWL.DatatypeProperty, "datatype property"),
    (OWL.AnnotationProperty, "annotation property"),
    (OWL.FunctionalProperty, "functional"),
    (OWL.InverseFunctionalProperty, "inverse functional"),
    (OWL.TransitiveProperty, "transitive"),
    (OWL.SymmetricProperty, "symmetric"),
    (OWL.AsymmetricProperty, "asymmetric"),
    (OWL.ReflexiveProperty, "reflexive"),
    (OWL.IrreflexiveProperty, "irreflexive"),
)

SECTIONS: tuple[tuple[str, str, URIRef], ...] = (
    ("classes", "Classes", OWL.Class),
    ("object-properties", "Object properties", OWL.ObjectProperty),
    ("datatype-properties", "Datatype properties", OWL.DatatypeProperty),
    ("annotation-properties", "Annotation properties", OWL.AnnotationProperty),
    ("individuals", "Named individuals", OWL.NamedIndividual),
    ("concept-schemes", "Concept schemes", SKOS.ConceptScheme),
)
"""(anchor, heading, the type a term must have to be listed there), in page order."""


@dataclass(frozen=True)
class DocsResult:
    """What :func:`build_docs` wrote."""

    index: Path
    terms: int
    size: int


@dataclass(frozen=True)
class Ref:
    """A value on the page: plain text, a link to ``href`` (``#Chip`` or an IRI), or a
    class expression made of ``parts``; ``code`` sets the text in code type."""

    text: str = ""
    href: str | None = None
    code: bool = False
    parts: tuple[Ref, ...] = ()

    @property
    def visible(self) -> str:
        """The text a reader sees, what lists of values are sorted by."""
        return "".join(p.visible for p in self.parts) if self.parts else self.text


@dataclass(frozen=True)
class Text:
    """A literal and its language tag."""

    value: str
    lang: str | None


@dataclass(frozen=True)
class Row:
    """A row of a facts table: values joined by commas, or literals one a line."""

    heading: str
    refs: tuple[Ref, ...] = ()
    texts: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Term:
    """A term's section: its anchor, label, prefixed name and facts."""

    anchor: str
    label: str
    curie: str
    rows: list[Row]


@dataclass(frozen=True)
class Branch:
    """A class in the class tree, and its subclasses."""

    ref: Ref
    children: list[Branch]


def anchor(term: URIRef) -> str:
    """The anchor of a term on the page: its local name for an ``aip:`` term
    (``Chip``), else its prefixed name with ``-`` for ``:`` (``dcterms-title``)."""
    if term.startswith(str(AIP)):
        return term[len(str(AIP)) :]
    short = curie(str(term))
    if short == str(term):
        short = str(term).rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in short)


class _Page:
    """Gathers what the page shows of the ontology graph."""

    def __init__(self, ontology: Graph) -> None:
        self.g = ontology
        self.terms = documented_terms(ontology)
        self.anchors = {term: anchor(term) for term in self.terms}
        taken: dict[str, URIRef] = {}
        for term, name in self.anchors.items():
            if name in taken:
                raise InputError(
                    f"ontology: terms {curie(str(taken[name]))} and {curie(str(term))} "
                    f"would share the anchor #{name}"
                )
            taken[name] = term
        self.disjoint = self._disjoint_pairs()

    def label(self, term: Node, lang: str = "en") -> str:
        """The term's label in ``lang``, else an untagged one, else any, else its name."""
        rank = {lang: 0, None: 1}
        values = self.texts(term, RDFS.label, SKOS.prefLabel)
        best = min(values, key=lambda t: (rank.get(t.lang, 2), t.value), default=None)
        if best is not None:
            return best.value
        return curie(str(term)) if isinstance(term, URIRef) else str(term)

    def texts(self, term: Node, *props: URIRef) -> tuple[Text, ...]:
        """The literal values of ``props`` on ``term``, English first."""
        values = {v for p in props for v in self.g.objects(term, p) if isinstance(v, Literal)}
        return tuple(Text(str(v), v.language) for v in sorted(values, key=_by_language))

    def link(self, term: Node) -> Ref:
        if isinstance(term, URIRef):
            if term in self.anchors:
                return Ref(self.label(term), href=f"#{self.anchors[term]}")
            return Ref(curie(str(term)), href=str(term), code=True)
        if isinstance(term, BNode):
            return self.anonymous(term)
        return Ref(str(term))

    def links(self, terms: Iterable[Node]) -> tuple[Ref, ...]:
        return tuple(sorted((self.link(t) for t in terms), key=lambda r: r.visible.casefold()))

    def anonymous(self, node: BNode) -> Ref:
        """A class expression: a restriction, a union, an intersection, an enumeration."""
        g = self.g
        for prop, word, ends in (
            (OWL.unionOf, " or ", "()"),
            (OWL.intersectionOf, " and ", "()"),
            (OWL.oneOf, ", ", "{}"),
        ):
            members = g.value(node, prop)
            if members is not None:
                parts = [Ref(ends[0])]
                for i, member in enumerate(Collection(g, members)):
                    parts += [Ref(word), self.link(member)] if i else [self.link(member)]
                return Ref(parts=(*parts, Ref(ends[1])))
        on = g.value(node, OWL.onProperty)
        if on is not None:
            for prop, word in (
                (OWL.someValuesFrom, "some"),
                (OWL.allValuesFrom, "only"),
                (OWL.hasValue, "value"),
                (OWL.minCardinality, "min"),
                (OWL.maxCardinality, "max"),
                (OWL.cardinality, "exactly"),
                (OWL.minQualifiedCardinality, "min"),
                (OWL.maxQualifiedCardinality, "max"),
                (OWL.qualifiedCardinality, "exactly"),
            ):
                value = g.value(node, prop)
                if value is not None:
                    qualified = g.value(node, OWL.onClass)
                    tail = () if qualified is None else (Ref(" "), self.link(qualified))
                    return Ref(parts=(self.link(on), Ref(f" {word} "), self.link(value), *tail))
        complement = g.value(node, OWL.complementOf)
        if complement is not None:
            return Ref(parts=(Ref("not "), self.link(complement)))
        return Ref("(anonymous class)")

    def _disjoint_pairs(self) -> dict[Node, set[Node]]:
        pairs: dict[Node, set[Node]] = defaultdict(set)
        for a, b in self.g.subject_objects(OWL.disjointWith):
            pairs[a].add(b)
            pairs[b].add(a)
        for group in self.g.subjects(RDF.type, OWL.AllDisjointClasses):
            members_list = self.g.value(group, OWL.members)
            if members_list is None:
                continue
            members = list(Collection(self.g, members_list))
            for a in members:
                pairs[a].update(m for m in members if m != a)
        return pairs

    def facts(self, term: URIRef) -> list[Row]:
        g = self.g
        rows = [Row("IRI", (Ref(str(term), code=True),))]
        for props, name in (
            ((RDFS.label, SKOS.prefLabel), "Labels"),
            ((SKOS.definition,), "Definition"),
            ((RDFS.comment,), "Comment"),
            ((SKOS.scopeNote,), "Scope note"),
            ((SKOS.note,), "Note"),
            ((SKOS.example,), "Example"),
            ((SKOS.editorialNote,), "Editorial note"),
        ):
            values = self.texts(term, *props)
            if values:
                rows.append(Row(name, texts=values))
        types = set(g.objects(term, RDF.type))
        if OWL.Class in types:
            rows.extend(self._class_facts(term))
        if types & {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}:
            rows.extend(self._property_facts(term, types))
        if OWL.NamedIndividual in types:
            rows.append(Row("Types", self.links(t for t in types if t != OWL.NamedIndividual)))
            rows += self._linked(("In scheme", g.objects(term, SKOS.inScheme)))
        if SKOS.ConceptScheme in types:
            rows += self._linked(("Concepts", g.subjects(SKOS.inScheme, term)))
        return rows + self._linked(("Defined by", g.objects(term, RDFS.isDefinedBy)))

    def _linked(self, *rows: tuple[str, Iterable[Node]]) -> list[Row]:
        """A row of links for each name that has values."""
        return [row for row in (Row(name, self.links(values)) for name, values in rows) if row.refs]

    def _class_facts(self, term: URIRef) -> list[Row]:
        g = self.g
        return self._linked(
            ("Superclasses", g.objects(term, RDFS.subClassOf)),
            ("Subclasses", g.subjects(RDFS.subClassOf, term)),
            ("Equivalent to", g.objects(term, OWL.equivalentClass)),
            ("Disjoint with", sorted(self.disjoint.get(term, ()), key=str)),
            ("Domain of", g.subjects(RDFS.domain, term)),
            ("Range of", g.subjects(RDFS.range, term)),
            ("Instances", (s for s in g.subjects(RDF.type, term) if isinstance(s, URIRef))),
        )

    def _property_facts(self, term: URIRef, types: set[Node]) -> list[Row]:
        g = self.g
        kinds = ", ".join(name for kind, name in PROPERTY_KINDS if kind in types)
        inverse = set(g.objects(term, OWL.inverseOf)) | set(g.subjects(OWL.inverseOf, term))
        rows = [Row("Kind", (Ref(kinds),))]
        return rows + self._linked(
            ("Domain", g.objects(term, RDFS.domain)),
            ("Range", g.objects(term, RDFS.range)),
            ("Superproperties", g.objects(term, RDFS.subPropertyOf)),
            ("Subproperties", g.subjects(RDFS.subPropertyOf, term)),
            ("Inverse of", sorted(inverse, key=str)),
            ("Equivalent to", g.objects(term, OWL.equivalentProperty)),
        )

    def sections(self) -> list[tuple[str, str, list[Term]]]:
        """(anchor, heading, terms) of each section, in page order; some may be empty."""
        placed: set[URIRef] = set()
        out: list[tuple[str, str, list[Term]]] = []
        for key, heading, kind in (*SECTIONS, ("other-terms", "Other terms", None)):
            terms = [t for t in self.terms if kind is None or (t, RDF.type, kind) in self.g]
            terms = [t for t in terms if t not in placed]
            placed.update(terms)
            out.append((key, heading, [self.term(t) for t in self._ordered(terms)]))
        return out

    def term(self, term: URIRef) -> Term:
        return Term(self.anchors[term], self.label(term), curie(str(term)), self.facts(term))

    def _ordered(self, terms: Iterable[URIRef]) -> list[URIRef]:
        return sorted(terms, key=lambda t: (self.label(t).casefold(), str(t)))

    def tree(self) -> list[Branch]:
        """The class hierarchy among the ontology's own classes."""
        classes = [t for t in self.terms if OWL.Class in set(self.g.objects(t, RDF.type))]
        own = set(classes)
        children: dict[Node, list[URIRef]] = defaultdict(list)
        roots: list[URIRef] = []
        for cls in classes:
            parents = [p for p in self.g.objects(cls, RDFS.subClassOf) if p in own]
            if not parents:
                roots.append(cls)
            for parent in parents:
                children[parent].append(cls)

        def branch(items: list[URIRef], trail: frozenset[URIRef]) -> list[Branch]:
            return [
                Branch(
                    self.link(cls),
                    branch(children[cls], trail | {cls}) if cls not in trail else [],
                )
                for cls in self._ordered(items)
            ]

        return branch(roots, frozenset())

    def render(self) -> str:
        text = _template().render(
            title=self.ontology_title(),
            metadata=self.metadata(),
            sections=self.sections(),
            tree=self.tree(),
            count=len(self.terms),
        )
        # markupsafe writes ' and " as &#39; and &#34;; keep the page's &#x27; and &quot;
        return text.replace("&#39;", "&#x27;").replace("&#34;", "&quot;")

    def ontology_title(self) -> str:
        for prop in (DCTERMS.title, RDFS.label):
            values = self.texts(ONTOLOGY_IRI, prop)
            if values:
                return values[0].value
        return "Ontology"

    def metadata(self) -> list[Row]:
        g, o = self.g, ONTOLOGY_IRI
        if (o, RDF.type, OWL.Ontology) not in g:
            return []
        rows = [Row("IRI", (Ref(str(o), code=True),))]
        for prop, name in (
            (OWL.versionIRI, "Version IRI"),
            (OWL.versionInfo, "Version"),
            (DCTERMS.title, "Titles"),
            (DCTERMS.description, "Description"),
            (DCTERMS.creator, "Creator"),
            (DCTERMS.license, "Licence"),
            (URIRef(VANN + "preferredNamespacePrefix"), "Preferred prefix"),
            (URIRef(VANN + "preferredNamespaceUri"), "Namespace"),
        ):
            values = sorted(g.objects(o, prop), key=_by_language)
            if not values:
                continue
            if all(isinstance(v, Literal) for v in values):
                rows.append(Row(name, texts=self.texts(o, prop)))
            else:
                refs = (Ref(str(v), href=str(v) if isinstance(v, URIRef) else None) for v in values)
                rows.append(Row(name, tuple(refs)))
        return rows


@cache
def _template() -> Template:
    """The page template, ``templates/ontology.html``."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("aiplus_kg.views"),
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("ontology.html")


def _by_language(value: Node) -> tuple[int, str, str]:
    """Sort key: English, French, Chinese, untagged, other languages; then the text."""
    lang = value.language if isinstance(value, Literal) else None
    if lang is None:
        return len(LANGUAGES), "", str(value)
    if lang in LANGUAGES:
        return LANGUAGES.index(lang), lang, str(value)
    return len(LANGUAGES) + 1, lang, str(value)


def documented_terms(ontology: Graph) -> list[URIRef]:
    """Every term the ontology describes: each IRI subject but the ontology itself."""
    return sorted(
        {s for s in ontology.subjects() if isinstance(s, URIRef) and s != ONTOLOGY_IRI}, key=str
    )


def ontology_html(ontology: Graph) -> str:
    """The documentation page of ``ontology`` (the ontology's named graph)."""
    if len(ontology) == 0:
        raise InputError("the ontology graph is empty: nothing to document")
    return _Page(ontology).render()


def default_output(project: Project) -> Path:
    """``build/docs`` under the project root, or under the current folder for the data
    bundled in an installed package (never inside the installed package)."""
    base = Path.cwd() if project.origin == "bundled" else project.root
    return base / DEFAULT_OUTPUT


def build_docs(source: Dataset | Graph, out_dir: Path) -> DocsResult:
    """Write ``out_dir/index.html`` (atomically), creating ``out_dir`` if needed.

    ``source`` is the ontology graph, or a dataset whose ontology graph is documented.
    """
    ontology = source.graph(ONTOLOGY_GRAPH) if isinstance(source, Dataset) else source
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: exists and is not a directory")
    text = ontology_html(ontology)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot create the directory: {exc.strerror or exc}") from None
    index = out_dir / "index.html"
    data = text.encode("utf-8")
    atomic_write(index, data)
    return DocsResult(index, len(documented_terms(ontology)), len(data))
