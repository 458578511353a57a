"""Labels, entities and articles resolved on the fast engine's store
(:class:`aiplus_kg.load.store.Store`) give exactly what they give on the rdflib
dataset."""

from __future__ import annotations

import string

import pytest
from rdflib import Dataset, Literal, URIRef

from aiplus_kg.errors import InputError
from aiplus_kg.load.dataset import LoadedDataset
from aiplus_kg.load.resolve import close_labels, find_by_label, normalize_label, resolve
from aiplus_kg.load.store import Store, dataset_graphs
from aiplus_kg.namespaces import ID, RDFS, SKOS, SRC
from aiplus_kg.query.parameters import bind_parameters
from tests.query_support import project_dataset, saved


def _view(dataset: Dataset) -> Store:
    return Store.of_dataset(dataset)


def _outcome(graph: object, term: str) -> object:
    """What :func:`resolve` gives for ``term``: the IRI, or the error message."""
    try:
        return resolve(graph, term)  # type: ignore[arg-type]
    except InputError as exc:
        return f"error: {exc}"


MINI_TERMS = [
    "Huawei",
    "  huawei ",
    "HUAWEI",
    "华为",
    "bureau  IA+",
    "bureau\tia+",
    "Semiconductor Manufacturing International Corporation",
    "LI QIANG",
    "李强",
    "puce",
    "ascend",  # ambiguous: the candidates are listed
    "Nokia",  # unknown
    "Huawey",  # unknown, with close labels
    "ascend 910",  # unknown, with close labels
    "id:huawei",
    "id:nokia",
    "https://w3id.org/aiplus/id/huawei",
    "<https://w3id.org/aiplus/id/huawei>",
    "",
]


@pytest.mark.parametrize("term", MINI_TERMS)
def test_resolve_on_the_store_as_on_rdflib(loaded_mini: LoadedDataset, term: str) -> None:
    dataset = loaded_mini.dataset
    view = _view(dataset)
    assert _outcome(view, term) == _outcome(dataset, term)
    assert find_by_label(view, term) == find_by_label(dataset, term)  # type: ignore[arg-type]
    assert close_labels(view, term) == close_labels(dataset, term)  # type: ignore[arg-type]


def _folded_dataset() -> Dataset:
    """Labels that only compare equal once normalized: full-width letters, a ligature, a
    sharp s, a no-break space, a tab, upper case, and a label two entities share."""
    ds = Dataset(default_union=True)
    graph = ds.graph(SRC["900-test"])
    wide = "\uff33tra\u00dfe\u00a0 \uff21\uff29"  # full-width S, sharp s, no-break space
    graph.add((ID["strasse-ai"], RDFS.label, Literal(wide, lang="de")))
    graph.add((ID["strasse-ai"], SKOS.altLabel, Literal("Strasse\tAI Office")))
    graph.add((ID["office-a"], SKOS.prefLabel, Literal("\ufb01ne  OFFICE")))
    graph.add((ID["office-b"], RDFS.label, Literal("Fine office", lang="en")))
    graph.add((ID["plain"], RDFS.label, Literal("Caf\u00e9 \uff21")))
    return ds


@pytest.mark.parametrize(
    "term",
    [
        "strasse ai",
        "STRASSE AI",
        "straße\u3000ai",
        "Strasse AI office",
        "fine office",  # two entities: ambiguous
        "FINE OFFICE",
        "café a",
        "CAFE\u0301 A",  # a combining accent, composed by NFKC
        "strase ai",  # a typo: close labels
        "office",  # part of labels: close labels
        "nothing like it",
    ],
)
def test_folded_labels_on_the_store_as_on_rdflib(term: str) -> None:
    dataset = _folded_dataset()
    view = _view(dataset)
    assert find_by_label(view, term) == find_by_label(dataset, term)  # type: ignore[arg-type]
    assert close_labels(view, term) == close_labels(dataset, term)  # type: ignore[arg-type]
    assert _outcome(view, term) == _outcome(dataset, term)


def test_folded_labels_match() -> None:
    view = _view(_folded_dataset())
    assert find_by_label(view, "STRASSE AI") == [ID["strasse-ai"]]  # type: ignore[arg-type]
    both = [ID["office-a"], ID["office-b"]]
    assert find_by_label(view, " fine\n office ") == both  # type: ignore[arg-type]
    assert find_by_label(view, "CAFE\u0301 A") == [ID["plain"]]  # type: ignore[arg-type]


def test_normalize_label_ascii_as_unicode() -> None:
    """The ASCII shortcut of :func:`normalize_label` folds as NFKC and casefold do."""
    import unicodedata

    def slow(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text).casefold().split())

    samples = [chr(c) for c in range(128)]
    samples += [f" A{chr(c)}b {chr(c)}Z\t" for c in range(128)]
    samples += [string.printable, string.whitespace + "X" + string.whitespace, "\x1c\x1fa\x0b"]
    for text in samples:
        assert normalize_label(text) == slow(text), repr(text)


def test_graphs_on_the_store_as_on_rdflib() -> None:
    dataset = project_dataset()
    view = _view(dataset)
    assert dataset_graphs(view) == dataset_graphs(dataset)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    [
        "001",
        "001-c4f603b6c01e8ba9",
        "src:001-c4f603b6c01e8ba9",
        str(SRC["001-c4f603b6c01e8ba9"]),
        "001-nothing",
        "an article-like name",
        "999",
        "Ascend 910B",
    ],
)
def test_article_parameter_on_the_store_as_on_rdflib(value: str) -> None:
    dataset = project_dataset()
    view = _view(dataset)
    query = saved("article-facts")

    def bound(graph: object) -> object:
        try:
            return bind_parameters(graph, query, {"article": value})  # type: ignore[arg-type]
        except InputError as exc:
            return f"error: {exc}"

    assert bound(view) == bound(dataset)


def test_default_label_parameter_on_the_store() -> None:
    dataset = project_dataset()
    query = saved("entity-sources")
    expected = bind_parameters(dataset, query)
    assert bind_parameters(_view(dataset), query) == expected  # type: ignore[arg-type]
    assert isinstance(expected["_entity_iri"], URIRef)
