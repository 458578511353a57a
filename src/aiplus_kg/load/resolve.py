"""Resolve what a user typed (an IRI, a prefixed name or a label) to one IRI."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Callable

from rdflib import Literal, URIRef

from aiplus_kg.errors import InputError
from aiplus_kg.load.terms import (
    LABEL_PROPERTIES,
    NOT_IN_IRI,
    TripleSource,
    iri_problem,
    label,
    shown_iri,
    shown_text,
    term_text,
    text_problem,
)
from aiplus_kg.namespaces import AIP, ARTICLE_NAME, RDF, SRC, article_stem, expand_curie

__all__ = ["close_labels", "find_by_label", "is_known", "normalize_label", "resolve"]

IRI_SCHEMES = ("http://", "https://", "urn:")


def normalize_label(text: str) -> str:
    """Fold case, Unicode form and runs of white space, so labels compare loosely."""
    if text.isascii():  # NFKC leaves ASCII as it is, and casefold is lower there
        return " ".join(text.lower().split())
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def is_known(graph: TripleSource, iri: URIRef) -> bool:
    """Whether ``iri`` occurs anywhere in ``graph`` (subject, predicate or object)."""
    return (iri, None, None) in graph or (None, iri, None) in graph or (None, None, iri) in graph


def find_by_label(graph: TripleSource, text: str) -> list[URIRef]:
    """Every IRI one of whose labels (any language) equals ``text`` once normalized."""
    wanted = normalize_label(text)
    if not wanted:
        return []
    found: set[URIRef] = set()
    for prop in LABEL_PROPERTIES:
        for subject, value in graph.subject_objects(prop):
            if (
                isinstance(subject, URIRef)
                and isinstance(value, Literal)
                and normalize_label(str(value)) == wanted
            ):
                found.add(subject)
    return sorted(found)


def close_labels(graph: TripleSource, text: str, limit: int = 5) -> list[URIRef]:
    """IRIs whose labels come close to ``text`` (a typo, a part of the label), best first."""
    wanted = normalize_label(text)
    if not wanted:
        return []
    by_label: dict[str, set[URIRef]] = {}
    for prop in LABEL_PROPERTIES:
        for subject, value in graph.subject_objects(prop):
            if isinstance(subject, URIRef) and isinstance(value, Literal):
                by_label.setdefault(normalize_label(str(value)), set()).add(subject)
    return _closest(wanted, list(by_label), lambda key: sorted(by_label[key]), limit)


def _closest(
    wanted: str, keys: list[str], iris: Callable[[str], list[URIRef]], limit: int
) -> list[URIRef]:
    """The IRIs (``iris`` of a normalized label, sorted) of the labels among ``keys``
    closest to ``wanted``, best first: close matches, then the labels holding it."""
    ranked = difflib.get_close_matches(wanted, keys, n=limit, cutoff=0.75)
    if len(wanted) >= 3:
        ranked += sorted(k for k in keys if wanted in k and k not in ranked)
    found: list[URIRef] = []
    for key in ranked:
        for iri in iris(key):
            if iri not in found:
                found.append(iri)
    return found[:limit]


def _as_iri(term: str) -> URIRef | None:
    """``term`` as an IRI when it is written as one (``<...>``, or with a scheme), else
    ``None``; an IRI that is not one (see :func:`~aiplus_kg.load.terms.iri_problem`) is
    an :class:`InputError` naming it."""
    if term.startswith("<") and term.endswith(">") and len(term) > 2:
        text = term[1:-1].strip()
    elif term.startswith(IRI_SCHEMES):
        text = term
    else:
        return None
    why = iri_problem(text)
    if why is not None:
        raise InputError(f"bad IRI {shown_iri(text)}: {why}")
    return URIRef(text)


def _as_article(graph: TripleSource, text: str) -> URIRef | None:
    """The article ``text`` names by its number, stem or source file name, else
    ``None``."""
    if not ARTICLE_NAME.fullmatch(text):
        return None
    articles = [
        str(s)[len(SRC) :]
        for s, o in graph.subject_objects(RDF.type)
        if o == AIP.Article and isinstance(s, URIRef) and s.startswith(str(SRC))
    ]
    stem = article_stem(text, sorted(articles))
    return None if stem is None else SRC[stem]


def _as_curie(text: str) -> URIRef | None:
    """``text`` expanded as a prefixed name with a project prefix into an IRI, else
    ``None`` (a prefixed name whose IRI is not one is none: the text is a label)."""
    if NOT_IN_IRI.search(text):
        return None
    expanded = expand_curie(text)
    return None if expanded is None or iri_problem(expanded) else expanded


def resolve(graph: TripleSource, term: str, *, must_exist: bool = True) -> URIRef:
    """Resolve ``term`` against ``graph``.

    ``term`` may be a full IRI (``https://...`` or ``<...>``), a prefixed name with a
    project prefix (``id:huawei``, ``aip:Chip``), an article's number, stem or source
    file name (``001``, ``src:001``: see :func:`~aiplus_kg.namespaces.article_stem`) or
    a label (case-insensitive exact match on ``rdfs:label``, ``skos:prefLabel`` or
    ``skos:altLabel``, any language).
    With ``must_exist`` an IRI or prefixed name must occur in ``graph``. Raises
    :class:`InputError` naming the term when nothing matches, or listing the
    candidates when a label matches several entities, and for an IRI that is not one
    (a space, a ``>``...) or text that is not Unicode (a byte that is not UTF-8).
    """
    text = term.strip()
    if not text:
        raise InputError("empty entity name")
    why = text_problem(text)
    if why is not None:
        raise InputError(f"bad entity name '{shown_text(text)}': {why}")

    iri = _as_iri(text)
    if iri is not None:
        if must_exist and not is_known(graph, iri):
            raise InputError(f"unknown entity: {text}")
        return iri

    expanded = _as_curie(text)
    if expanded is not None and (not must_exist or is_known(graph, expanded)):
        return expanded
    article = _as_article(graph, text)
    if article is not None:
        return article

    matches = find_by_label(graph, text)
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        listed = "; ".join(f"{term_text(m)} ({label(graph, m) or 'no label'})" for m in matches)
        raise InputError(f"ambiguous entity {text!r}: matches {listed}")
    message = f"unknown entity: {text!r} (no IRI, prefixed name or label matches)"
    close = close_labels(graph, text)
    if close:
        listed = "; ".join(f"{term_text(c)} ({label(graph, c) or 'no label'})" for c in close)
        message += f"; close: {listed}"
    raise InputError(message)
