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

The page is polyglot markup (HTML5 that is also well-formed XML), written with the
standard library only, and the same from run to run.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

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
CHARACTERISTICS = (
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

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
  max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; color: #222; }
h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 2px solid #ccc; margin-top: 2.5rem; }
section.term { border-top: 1px solid #e3e3e3; padding-top: 0.4rem; margin-top: 1.2rem; }
section.term h3 { margin: 0.3rem 0; } section.term h3 code { font-weight: normal; color: #666; }
table.facts { border-collapse: collapse; width: 100%; }
table.facts th { text-align: left; vertical-align: top; width: 11rem; color: #555;
  font-weight: 600; padding: 0.15rem 0.6rem 0.15rem 0; }
table.facts td { padding: 0.15rem 0; }
ul.tree, ul.tree ul { list-style: none; padding-left: 1.2rem; } ul.tree { padding-left: 0; }
.lang { color: #777; font-size: 0.85em; } code { font-size: 0.92em; }
nav ul { columns: 2; }
"""


@dataclass(frozen=True)
class DocsResult:
    """What :func:`build_docs` wrote."""

    index: Path
    terms: int
    size: int


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


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
    """Renders the ontology graph as HTML."""

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

    # -- texts --------------------------------------------------------------

    def label(self, term: Node, lang: str = "en") -> str:
        values = [
            v
            for prop in (RDFS.label, SKOS.prefLabel)
            for v in self.g.objects(term, prop)
            if isinstance(v, Literal)
        ]
        for wanted in (lang, None):
            found = sorted(str(v) for v in values if v.language == wanted)
            if found:
                return found[0]
        if values:
            return sorted(str(v) for v in values)[0]
        return curie(str(term)) if isinstance(term, URIRef) else str(term)

    def texts(self, term: Node, prop: URIRef) -> list[Literal]:
        values = [v for v in self.g.objects(term, prop) if isinstance(v, Literal)]
        return sorted(values, key=lambda v: (_lang_rank(v.language), str(v)))

    def link(self, term: Node) -> str:
        if isinstance(term, URIRef):
            if term in self.anchors:
                return f'<a href="#{_esc(self.anchors[term])}">{_esc(self.label(term))}</a>'
            return f'<a href="{_esc(term)}"><code>{_esc(curie(str(term)))}</code></a>'
        if isinstance(term, BNode):
            return self.anonymous(term)
        return _esc(term)

    def links(self, terms: Iterable[Node]) -> str:
        rendered = sorted((self.link(t) for t in terms), key=_text_key)
        return ", ".join(rendered)

    def anonymous(self, node: BNode) -> str:
        """A class expression: a restriction, a union, an intersection, an enumeration."""
        g = self.g
        for prop, word in ((OWL.unionOf, " or "), (OWL.intersectionOf, " and ")):
            members = g.value(node, prop)
            if members is not None:
                return "(" + word.join(self.link(m) for m in Collection(g, members)) + ")"
        members = g.value(node, OWL.oneOf)
        if members is not None:
            return "{" + ", ".join(self.link(m) for m in Collection(g, members)) + "}"
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
                    tail = f" {self.link(qualified)}" if qualified is not None else ""
                    return f"{self.link(on)} {word} {self.link(value)}{tail}"
        complement = g.value(node, OWL.complementOf)
        if complement is not None:
            return f"not {self.link(complement)}"
        return "(anonymous class)"

    # -- facts --------------------------------------------------------------

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

    def facts(self, term: URIRef) -> list[tuple[str, str]]:
        g = self.g
        rows: list[tuple[str, str]] = [("IRI", f"<code>{_esc(term)}</code>")]
        labels = sorted(
            set(self.texts(term, RDFS.label)) | set(self.texts(term, SKOS.prefLabel)),
            key=lambda v: (_lang_rank(v.language), str(v)),
        )
        if labels:
            rows.append(("Labels", _literals(labels)))
        for prop, name in (
            (SKOS.definition, "Definition"),
            (RDFS.comment, "Comment"),
            (SKOS.scopeNote, "Scope note"),
            (SKOS.note, "Note"),
            (SKOS.example, "Example"),
            (SKOS.editorialNote, "Editorial note"),
        ):
            values = self.texts(term, prop)
            if values:
                rows.append((name, _literals(values)))
        types = set(g.objects(term, RDF.type))
        if OWL.Class in types:
            rows.extend(self._class_facts(term))
        if types & {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}:
            rows.extend(self._property_facts(term, types))
        if OWL.NamedIndividual in types:
            kinds = [t for t in types if t not in (OWL.NamedIndividual,)]
            rows.append(("Types", self.links(kinds)))
            schemes = list(g.objects(term, SKOS.inScheme))
            if schemes:
                rows.append(("In scheme", self.links(schemes)))
        if SKOS.ConceptScheme in types:
            members = list(g.subjects(SKOS.inScheme, term))
            if members:
                rows.append(("Concepts", self.links(members)))
        defined_by = list(g.objects(term, RDFS.isDefinedBy))
        if defined_by:
            rows.append(("Defined by", self.links(defined_by)))
        return rows

    def _class_facts(self, term: URIRef) -> list[tuple[str, str]]:
        g = self.g
        rows: list[tuple[str, str]] = []
        for name, values in (
            ("Superclasses", list(g.objects(term, RDFS.subClassOf))),
            ("Subclasses", list(g.subjects(RDFS.subClassOf, term))),
            ("Equivalent to", list(g.objects(term, OWL.equivalentClass))),
            ("Disjoint with", sorted(self.disjoint.get(term, ()), key=str)),
            ("Domain of", list(g.subjects(RDFS.domain, term))),
            ("Range of", list(g.subjects(RDFS.range, term))),
            ("Instances", [s for s in g.subjects(RDF.type, term) if isinstance(s, URIRef)]),
        ):
            if values:
                rows.append((name, self.links(values)))
        return rows

    def _property_facts(self, term: URIRef, types: set[Node]) -> list[tuple[str, str]]:
        g = self.g
        kinds = [
            name
            for kind, name in (
                (OWL.ObjectProperty, "object property"),
                (OWL.DatatypeProperty, "datatype property"),
                (OWL.AnnotationProperty, "annotation property"),
            )
            if kind in types
        ]
        kinds += [name for kind, name in CHARACTERISTICS if kind in types]
        rows: list[tuple[str, str]] = [("Kind", _esc(", ".join(kinds)))]
        inverse = set(g.objects(term, OWL.inverseOf)) | set(g.subjects(OWL.inverseOf, term))
        for name, values in (
            ("Domain", list(g.objects(term, RDFS.domain))),
            ("Range", list(g.objects(term, RDFS.range))),
            ("Superproperties", list(g.objects(term, RDFS.subPropertyOf))),
            ("Subproperties", list(g.subjects(RDFS.subPropertyOf, term))),
            ("Inverse of", sorted(inverse, key=str)),
            ("Equivalent to", list(g.objects(term, OWL.equivalentProperty))),
        ):
            if values:
                rows.append((name, self.links(values)))
        return rows

    # -- page ---------------------------------------------------------------

    def section_terms(self) -> list[tuple[str, str, list[URIRef]]]:
        placed: set[URIRef] = set()
        out: list[tuple[str, str, list[URIRef]]] = []
        for key, heading, kind in SECTIONS:
            terms = [t for t in self.terms if kind in set(self.g.objects(t, RDF.type))]
            terms = [t for t in terms if t not in placed]
            placed.update(terms)
            out.append((key, heading, self._ordered(terms)))
        rest = [t for t in self.terms if t not in placed]
        if rest:
            out.append(("other-terms", "Other terms", self._ordered(rest)))
        return out

    def _ordered(self, terms: Iterable[URIRef]) -> list[URIRef]:
        return sorted(terms, key=lambda t: (self.label(t).casefold(), str(t)))

    def tree(self) -> str:
        """The class hierarchy among the ontology's own classes, as nested lists."""
        classes = [t for t in self.terms if OWL.Class in set(self.g.objects(t, RDF.type))]
        own = set(classes)
        children: dict[URIRef, list[URIRef]] = defaultdict(list)
        roots: list[URIRef] = []
        for cls in classes:
            parents = [p for p in self.g.objects(cls, RDFS.subClassOf) if p in own]
            if not parents:
                roots.append(cls)
            for parent in parents:
                children[parent].append(cls)

        def branch(items: list[URIRef], trail: frozenset[URIRef]) -> str:
            parts = []
            for cls in self._ordered(items):
                below = ""
                if children.get(cls) and cls not in trail:
                    below = branch(children[cls], trail | {cls})
                parts.append(f"<li>{self.link(cls)}{below}</li>")
            return "<ul>" + "".join(parts) + "</ul>"

        return branch(roots, frozenset()).replace("<ul>", '<ul class="tree">', 1)

    def render(self) -> str:
        title = self.ontology_title()
        head = [
            "<!DOCTYPE html>",
            '<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en">',
            "<head>",
            '<meta charset="utf-8"/>',
            '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
            f"<title>{_esc(title)}</title>",
            f"<style>{STYLE}</style>",
            "</head>",
            "<body>",
            f"<h1>{_esc(title)}</h1>",
        ]
        body: list[str] = []
        meta = self.metadata()
        if meta:
            body.append('<table class="facts">')
            body.extend(f"<tr><th>{_esc(k)}</th><td>{v}</td></tr>" for k, v in meta)
            body.append("</table>")
        sections = self.section_terms()
        body.append("<nav><h2>Contents</h2><ul>")
        body.append('<li><a href="#class-tree">Class tree</a></li>')
        body.extend(
            f'<li><a href="#{key}">{_esc(heading)}</a> ({len(terms)})</li>'
            for key, heading, terms in sections
            if terms
        )
        body.append("</ul></nav>")
        body.append(f'<h2 id="class-tree">Class tree</h2>{self.tree()}')
        for key, heading, terms in sections:
            if not terms:
                continue
            body.append(f'<h2 id="{key}">{_esc(heading)}</h2>')
            for term in terms:
                body.append(self.term_section(term))
        count = len(self.terms)
        body.append(
            f"<footer><p>{count} terms. Generated by <code>aiplus docs</code>.</p></footer>"
        )
        body.extend(["</body>", "</html>"])
        return "\n".join(head + body) + "\n"

    def term_section(self, term: URIRef) -> str:
        rows = "".join(f"<tr><th>{_esc(k)}</th><td>{v}</td></tr>" for k, v in self.facts(term))
        return (
            f'<section class="term" id="{_esc(self.anchors[term])}">'
            f"<h3>{_esc(self.label(term))} <code>{_esc(curie(str(term)))}</code></h3>"
            f'<table class="facts">{rows}</table></section>'
        )

    def ontology_title(self) -> str:
        for prop in (DCTERMS.title, RDFS.label):
            values = self.texts(ONTOLOGY_IRI, prop)
            if values:
                return str(values[0])
        return "Ontology"

    def metadata(self) -> list[tuple[str, str]]:
        g, o = self.g, ONTOLOGY_IRI
        if (o, RDF.type, OWL.Ontology) not in g:
            return []
        rows: list[tuple[str, str]] = [("IRI", f"<code>{_esc(o)}</code>")]
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
            values = sorted(g.objects(o, prop), key=lambda v: (_lang_rank(_language(v)), str(v)))
            if not values:
                continue
            if all(isinstance(v, Literal) for v in values):
                rows.append((name, _literals([v for v in values if isinstance(v, Literal)])))
            else:
                rows.append((name, ", ".join(_iri_link(v) for v in values)))
        return rows


def _language(value: Node) -> str | None:
    return value.language if isinstance(value, Literal) else None


def _lang_rank(lang: str | None) -> tuple[int, str]:
    if lang in LANGUAGES:
        return LANGUAGES.index(lang), lang or ""
    if lang is None:
        return len(LANGUAGES), ""
    return len(LANGUAGES) + 1, lang


def _literals(values: list[Literal]) -> str:
    parts = []
    for value in values:
        lang = f' <span class="lang">({_esc(value.language)})</span>' if value.language else ""
        attr = f' lang="{_esc(value.language)}" xml:lang="{_esc(value.language)}"'
        attr = attr if value.language else ""
        parts.append(f"<span{attr}>{_esc(value)}</span>{lang}")
    return "<br/>".join(parts)


def _iri_link(value: Node) -> str:
    if isinstance(value, URIRef):
        return f'<a href="{_esc(value)}">{_esc(value)}</a>'
    return _esc(value)


def _text_key(rendered: str) -> str:
    """Sort key for rendered links: their visible text."""
    out, inside = [], False
    for char in rendered:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
        elif not inside:
            out.append(char)
    return html.unescape("".join(out)).casefold()


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
