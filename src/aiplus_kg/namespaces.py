"""The project's namespaces, declared once and used everywhere.

``PREFIXES`` is the single prefix table of the project: the Turtle formatter, the
exports, the resolver and the SPARQL prologues all derive their prefixes from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from types import MappingProxyType

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SH,
    SKOS,
    TIME,
    VOID,
    XSD,
)

AIP = Namespace("https://w3id.org/aiplus/ontology#")
"""Ontology terms (classes, properties, hedge values)."""

ID = Namespace("https://w3id.org/aiplus/id/")
"""Entities."""

SRC = Namespace("https://w3id.org/aiplus/source/")
"""Sources (the articles); also the IRIs of the article named graphs."""

AIPG = Namespace("https://w3id.org/aiplus/graph/")
"""Named graphs other than the article graphs."""

SCHEMA = Namespace("https://schema.org/")

ONTOLOGY_IRI = URIRef("https://w3id.org/aiplus/ontology")
"""The ontology IRI, which is also the IRI of the named graph holding the ontology."""

PLAIN_IRI = re.compile(r'[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>"{}|^`\\]*')
"""An absolute IRI that N-Triples, N-Quads, Turtle and SPARQL take between angle
brackets as it is written (use ``fullmatch``)."""

ONTOLOGY_GRAPH = ONTOLOGY_IRI
REFERENCE_GRAPH = AIPG["reference"]
"""The named graph holding the shared reference data (``graph/reference/*.ttl``)."""

PREFIXES: MappingProxyType[str, str] = MappingProxyType(
    {
        "aip": str(AIP),
        "id": str(ID),
        "src": str(SRC),
        "aipg": str(AIPG),
        "rdf": str(RDF),
        "rdfs": str(RDFS),
        "owl": str(OWL),
        "xsd": str(XSD),
        "skos": str(SKOS),
        "dcterms": str(DCTERMS),
        "prov": str(PROV),
        "org": str(ORG),
        "schema": str(SCHEMA),
        "time": str(TIME),
        "foaf": str(FOAF),
        "sh": str(SH),
        "void": str(VOID),
        "dcat": str(DCAT),
    }
)
"""Prefix -> namespace IRI, for every prefix the project uses."""

__all__ = [
    "AIP",
    "AIPG",
    "ARTICLE_NAME",
    "ARTICLE_STEM",
    "DCAT",
    "DCTERMS",
    "FOAF",
    "ID",
    "ONTOLOGY_GRAPH",
    "ONTOLOGY_IRI",
    "ORG",
    "OWL",
    "PLAIN_IRI",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "REFERENCE_GRAPH",
    "SCHEMA",
    "SH",
    "SKOS",
    "SOURCE_NAME",
    "SRC",
    "TIME",
    "VOID",
    "XSD",
    "article_graph_iri",
    "article_stem",
    "bind_prefixes",
    "curie",
    "expand_curie",
    "sparql_prologue",
]


ARTICLE_STEM = re.compile(r"([0-9]{3})-([0-9a-f]{16})")
"""An article's stem: its number, ``-`` and 16 hexadecimal digits (``001-c4f603b6c01e8ba9``):
the name of its file ``graph/articles/<stem>.ttl`` and of its graph ``src:<stem>``."""

SOURCE_NAME = re.compile(r"([0-9]{3})_([0-9a-f]{16})")
"""The name of an article's source text, ``001_c4f603b6c01e8ba9`` (``.txt``): the
article's ``dcterms:identifier``, the stem with ``_`` for ``-``."""

ARTICLE_NAME = re.compile(r"(?:src:)?(?:[0-9]{1,3}|[0-9]{3}[-_][0-9a-f]{16}(?:\.txt)?)")
"""What may name one of the project's articles by :func:`article_stem`: a number, a
stem or a source file name, after ``src:`` or not."""


def article_graph_iri(stem: str) -> URIRef:
    """The named-graph IRI of the article file ``graph/articles/<stem>.ttl``."""
    return SRC[stem]


def article_stem(text: str, stems: Iterable[str]) -> str | None:
    """The stem, among ``stems``, of the article ``text`` names, or ``None`` when it
    names none or several.

    An article is named by its stem (``001-c4f603b6c01e8ba9``), its number (what comes
    before the first ``-``: ``001``, also ``1``), or the name of its source text
    (``001_c4f603b6c01e8ba9``, with or without ``.txt``), each also written after
    ``src:``.
    """
    name = text.strip().removeprefix("src:").removesuffix(".txt")
    source = SOURCE_NAME.fullmatch(name)
    if source is not None:
        name = f"{source[1]}-{source[2]}"
    found = []
    for stem in stems:
        number = stem.split("-", 1)[0]
        same = number.isdigit() and name.isdigit() and int(number) == int(name)
        if name in (stem, number) or same:
            found.append(stem)
    return found[0] if len(found) == 1 else None


def bind_prefixes(graph: Graph) -> Graph:
    """Bind every project prefix on ``graph`` (replacing clashing bindings); returns it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def sparql_prologue() -> str:
    """``PREFIX`` declarations for every project prefix, one per line."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def curie(iri: str) -> str:
    """Shorten ``iri`` to ``prefix:local`` with the project prefixes, or return it as is.

    The longest matching namespace wins; the local part must be non-empty and free of
    ``/`` and ``#`` so that the result reads unambiguously.
    """
    best: tuple[str, str] | None = None
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(best[1])):
            best = (prefix, namespace)
    if best is None:
        return str(iri)
    local = iri[len(best[1]) :]
    if not local or "/" in local or "#" in local:
        return str(iri)
    return f"{best[0]}:{local}"


def expand_curie(text: str) -> URIRef | None:
    """Expand ``prefix:local`` with the project prefixes; ``None`` if the prefix is unknown."""
    prefix, sep, local = text.partition(":")
    if not sep or prefix not in PREFIXES or local.startswith("//"):
        return None
    return URIRef(PREFIXES[prefix] + local)
