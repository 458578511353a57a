"""aiplus export: JSON-LD, --graph, --inferred, extra graphs, and refusing what RDF
syntaxes cannot hold (the options on the command line: ``tests/cli/test_export_formats.py``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from aiplus_kg.defaults import ENGINES
from aiplus_kg.errors import InputError
from aiplus_kg.export.serialise import (
    INFERRED_GRAPH,
    check_rdf,
    export,
    export_dataset,
    select_graphs,
    serialize,
)
from aiplus_kg.load.dataset import LoadedDataset, load, new_dataset
from aiplus_kg.namespaces import (
    AIP,
    AIPG,
    ID,
    ONTOLOGY_GRAPH,
    OWL,
    RDF,
    RDFS,
    REFERENCE_GRAPH,
    SRC,
    XSD,
)
from aiplus_kg.reason.inferred import clean, inferred_triples
from tests.support import MINI, REPO

ROOT = REPO

HUAWEI_PARTNER_OF_SMIC = (ID["huawei"], AIP["partnerOf"], ID["smic"])


def _graphs(data: bytes, fmt: str) -> Dataset:
    parsed = Dataset()
    parsed.parse(data=data, format={"nq": "nquads", "trig": "trig", "jsonld": "json-ld"}[fmt])
    return parsed


# --- JSON-LD -------------------------------------------------------------------------


def test_jsonld_keeps_each_named_graph(loaded_mini: LoadedDataset) -> None:
    data = serialize(loaded_mini.dataset, "jsonld")
    document = json.loads(data)
    assert [g["@id"] for g in document["@graph"]] == [
        str(ONTOLOGY_GRAPH),
        "aipg:reference",
        "src:a-one",
        "src:a-two",
    ]
    parsed = _graphs(data, "jsonld")
    for iri in (ONTOLOGY_GRAPH, REFERENCE_GRAPH, SRC["a-one"], SRC["a-two"]):
        assert isomorphic(parsed.graph(iri), loaded_mini.graph(iri)), iri


def test_jsonld_keeps_lexical_forms(tmp_path: Path) -> None:
    dataset = new_dataset()
    graph = dataset.graph(SRC["x"])
    graph.add((ID["a"], AIP["amount"], Literal("1.50", datatype=XSD.decimal, normalize=False)))
    graph.add((ID["a"], AIP["year"], Literal("2025", datatype=XSD.gYear)))
    data = serialize(dataset, "jsonld")
    assert b'"@value": "1.50"' in data
    assert b'"@type": "xsd:gYear"' in data


# --- --graph ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "iri"),
    [
        ("a-one", SRC["a-one"]),
        ("src:a-two", SRC["a-two"]),
        (str(SRC["a-two"]), SRC["a-two"]),
        (f"<{SRC['a-one']}>", SRC["a-one"]),
        ("ontology", ONTOLOGY_GRAPH),
        ("reference", REFERENCE_GRAPH),
        ("aipg:reference", REFERENCE_GRAPH),
    ],
)
def test_select_graphs_by_name(loaded_mini: LoadedDataset, name: str, iri: URIRef) -> None:
    assert select_graphs(loaded_mini.dataset, [name]) == [iri]


def test_select_graphs_by_article_number() -> None:
    dataset = new_dataset()
    for stem in ("001-abc", "002-def"):
        dataset.graph(SRC[stem]).add((ID["x"], AIP["p"], Literal(stem)))
    assert select_graphs(dataset, ["002"]) == [SRC["002-def"]]
    # in export order, whatever order they were asked in, each once
    assert select_graphs(dataset, ["002", "001", "001-abc"]) == [SRC["001-abc"], SRC["002-def"]]


def test_unknown_graph_lists_the_graphs(loaded_mini: LoadedDataset) -> None:
    with pytest.raises(InputError, match=r"--graph 'a-three' is not a graph of the dataset") as e:
        select_graphs(loaded_mini.dataset, ["a-three"])
    assert "src:a-one, src:a-two" in str(e.value)


def test_selecting_every_graph_is_the_plain_export(loaded_mini: LoadedDataset) -> None:
    every = ["ontology", "reference", "a-one", "a-two"]
    for fmt in ("ttl", "trig", "jsonld"):
        chosen = export_dataset(loaded_mini.dataset, graphs=every)
        assert chosen is not loaded_mini.dataset
        assert serialize(chosen, fmt) == serialize(loaded_mini.dataset, fmt)


# --- --inferred ---------------------------------------------------------------------


def test_inferred_graph_of_the_mini_project(loaded_mini: LoadedDataset) -> None:
    exported = export_dataset(loaded_mini.dataset, inferred=True)
    inferred = set(exported.graph(INFERRED_GRAPH))
    # aip:partnerOf is symmetric; the range of aip:partnerOf is aip:Organisation
    assert HUAWEI_PARTNER_OF_SMIC in inferred
    assert (ID["smic"], RDF.type, AIP["Organisation"]) in inferred
    # nothing asserted is repeated; the asserted graphs are untouched
    asserted = set(loaded_mini.dataset.triples((None, None, None)))
    assert not inferred & asserted
    for iri in (ONTOLOGY_GRAPH, REFERENCE_GRAPH, SRC["a-one"], SRC["a-two"]):
        assert isomorphic(exported.graph(iri), loaded_mini.graph(iri))


def test_inferred_is_clean(loaded_mini: LoadedDataset) -> None:
    inferred = list(export_dataset(loaded_mini.dataset, inferred=True).graph(INFERRED_GRAPH))
    assert inferred
    for s, p, o in inferred:
        assert isinstance(s, URIRef)
        assert isinstance(p, URIRef)
        assert not isinstance(o, BNode)
        assert not (s == o and p in (OWL.sameAs, RDFS.subClassOf, OWL.equivalentClass))
        assert o != OWL.Thing
        assert not str(s).startswith((str(RDF), str(RDFS), str(OWL), str(XSD)))


def test_clean_drops_each_kind_of_noise() -> None:
    x, c = ID["x"], AIP["C"]
    kept = (x, RDF.type, c)
    noise = [
        (Literal("1", datatype=XSD.integer), RDF.type, XSD.integer),  # literal subject
        (x, OWL.sameAs, x),  # reflexive
        (c, RDFS.subClassOf, c),
        (x, RDF.type, OWL.Thing),  # true of everything
        (c, RDFS.subClassOf, OWL.Thing),
        (XSD.decimal, RDF.type, RDFS.Datatype),  # about the vocabularies
        (OWL.Thing, RDF.type, OWL.Class),
        (x, AIP["p"], BNode()),  # a blank node of another graph
    ]
    assert clean([kept, *noise]) == {kept}


def test_inferred_for_one_article_uses_the_shared_context(loaded_mini: LoadedDataset) -> None:
    two = export_dataset(loaded_mini.dataset, graphs=["a-two"], inferred=True)
    names = {g.identifier for g in two.graphs() if len(g)}
    assert names == {SRC["a-two"], INFERRED_GRAPH}
    # from a-two's "smic partnerOf huawei" and the ontology (not exported itself)
    assert HUAWEI_PARTNER_OF_SMIC in set(two.graph(INFERRED_GRAPH))
    one = export_dataset(loaded_mini.dataset, graphs=["a-one"], inferred=True)
    assert HUAWEI_PARTNER_OF_SMIC not in set(one.graph(INFERRED_GRAPH))


def test_inferred_leaves_out_what_the_context_alone_implies() -> None:
    ontology = Graph()
    ontology.add((AIP["Chip"], RDFS.subClassOf, AIP["Product"]))
    ontology.add((AIP["makes"], RDFS.range, AIP["Chip"]))
    reference = Graph()
    reference.add((ID["ascend"], RDF.type, AIP["Chip"]))
    article = Graph()
    article.add((ID["huawei"], AIP["makes"], ID["kirin"]))
    added = set(inferred_triples([article], [ontology, reference]))
    assert (ID["kirin"], RDF.type, AIP["Chip"]) in added
    assert (ID["kirin"], RDF.type, AIP["Product"]) in added
    assert (ID["ascend"], RDF.type, AIP["Product"]) not in added  # the context's own


def test_inferred_graph_is_the_same_with_either_engine() -> None:
    """The export must not depend on the reasoner: OWL RL engines differ on the
    ontology's own consequences, which the inferred graph leaves out (the shipped and a
    generated graph: tests/integration/test_engine_parity.py)."""
    dataset = load(MINI).dataset
    found = {
        engine: set(export_dataset(dataset, inferred=True, engine=engine).graph(INFERRED_GRAPH))
        for engine in ENGINES
    }
    assert found["fast"]
    assert found["fast"] == found["reference"]


# --- extra graphs (such as a VoID description) -------------------------------------------


def test_an_extra_graph_is_one_argument(loaded_mini: LoadedDataset) -> None:
    void = Graph()
    void.add((AIPG["dataset"], RDF.type, URIRef("http://rdfs.org/ns/void#Dataset")))
    exported = export_dataset(loaded_mini.dataset, extra_graphs={AIPG["void"]: void})
    parsed = _graphs(serialize(exported, "trig"), "trig")
    assert isomorphic(parsed.graph(AIPG["void"]), void)
    assert isomorphic(parsed.graph(SRC["a-one"]), loaded_mini.graph(SRC["a-one"]))


def test_an_extra_graph_may_not_replace_one(loaded_mini: LoadedDataset) -> None:
    extra = Graph()
    extra.add((ID["x"], AIP["p"], ID["y"]))
    with pytest.raises(InputError, match="the export already has it"):
        export_dataset(loaded_mini.dataset, extra_graphs={SRC["a-one"]: extra})


# --- what no RDF syntax can hold ------------------------------------------------------


def _with(s: object, p: object, o: object, g: URIRef = SRC["bad"]) -> Dataset:
    dataset = new_dataset()
    dataset.graph(SRC["good"]).add((ID["a"], AIP["p"], ID["b"]))
    dataset.graph(g).add((s, p, o))  # type: ignore[arg-type]
    return dataset


@pytest.mark.parametrize(
    ("dataset", "message"),
    [
        (_with(Literal("x"), AIP["p"], ID["b"]), 'graph src:bad: the subject is a literal ("x")'),
        (_with(ID["a"], BNode(), ID["b"]), "the predicate is a blank node"),
        (_with(ID["a"], Literal("p"), ID["b"]), "the predicate is a literal"),
        (
            _with(URIRef("http://example.org/a b"), AIP["p"], ID["b"]),
            "the IRI <http://example.org/a b> holds the character ' '",
        ),
        (_with(ID["a"], AIP["p"], URIRef("relative/iri")), "is not an absolute IRI"),
        (_with(ID["a"], AIP["p"], Literal("x\ud800y")), "is not valid Unicode"),
        (
            _with(ID["a"], AIP["p"], Literal("1", datatype=URIRef("no scheme"))),
            "the datatype <no scheme> is not an absolute IRI",
        ),
        (
            _with(ID["a"], AIP["p"], ID["b"], URIRef("http://example.org/{g}")),
            "the graph name <http://example.org/{g}> holds the character '{'",
        ),
    ],
)
def test_not_rdf_is_refused(dataset: Dataset, message: str) -> None:
    with pytest.raises(InputError, match="cannot export") as excinfo:
        check_rdf(dataset)
    assert message in str(excinfo.value)
    for fmt in ("ttl", "nt", "nq", "trig", "jsonld"):
        with pytest.raises(InputError):
            serialize(dataset, fmt)


def test_refused_export_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "x.jsonld"
    out.write_bytes(b"old\n")
    with pytest.raises(InputError):
        export(_with(Literal("x"), AIP["p"], ID["b"]), "jsonld", out)
    assert out.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.jsonld"]
