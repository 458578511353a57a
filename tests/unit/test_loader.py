from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from aiplus_kg.errors import InputError
from aiplus_kg.load.dataset import LoadedDataset, load, load_extra
from aiplus_kg.load.turtle import parse_turtle
from aiplus_kg.namespaces import AIP, ID, ONTOLOGY_GRAPH, RDFS, REFERENCE_GRAPH, SRC
from tests.support import REPO


def test_one_named_graph_per_file_kind(loaded_mini: LoadedDataset, mini: Path) -> None:
    files = loaded_mini.files
    assert set(files) == {ONTOLOGY_GRAPH, REFERENCE_GRAPH, SRC["a-one"], SRC["a-two"]}
    assert files[ONTOLOGY_GRAPH] == (mini / "ontology" / "aiplus.ttl",)
    assert [p.name for p in files[REFERENCE_GRAPH]] == ["entities.ttl", "sources.ttl"]
    assert files[SRC["a-one"]] == (mini / "graph" / "articles" / "a-one.ttl",)
    assert loaded_mini.article_graphs == [SRC["a-one"], SRC["a-two"]]


def test_graph_contents_match_files(loaded_mini: LoadedDataset, mini: Path) -> None:
    for iri, paths in loaded_mini.files.items():
        expected = Graph()
        for path in paths:
            expected.parse(path, format="turtle")
        assert isomorphic(loaded_mini.graph(iri), expected), iri


def test_default_graph_is_the_union(loaded_mini: LoadedDataset) -> None:
    dataset = loaded_mini.dataset
    # a-one states the fact, the reference graph types the entity
    assert (ID.huawei, AIP.develops, ID["ascend-910c"]) in dataset
    assert (ID.huawei, None, AIP.Company) in dataset
    assert (ID.huawei, AIP.develops, None) not in loaded_mini.graph(SRC["a-two"])
    rows = dataset.query(
        "SELECT ?x WHERE { ?x <https://w3id.org/aiplus/ontology#develops> ?chip . "
        "?chip a <https://w3id.org/aiplus/ontology#Chip> }"
    )
    assert [row[0] for row in rows] == [ID.huawei]


def test_missing_ontology(mini_copy: Path) -> None:
    (mini_copy / "ontology" / "aiplus.ttl").unlink()
    with pytest.raises(InputError, match=r"^ontology/aiplus\.ttl: missing ontology file"):
        load(mini_copy)


def test_no_articles(mini_copy: Path) -> None:
    shutil.rmtree(mini_copy / "graph" / "articles")
    with pytest.raises(InputError, match=r"^graph/articles: no article files"):
        load(mini_copy)


def test_syntax_error_names_file_and_line(mini_copy: Path) -> None:
    bad = mini_copy / "graph" / "articles" / "a-bad.ttl"
    bad.write_text(
        "@prefix id: <https://w3id.org/aiplus/id/> .\n\nid:a id:b id:c .\nid:a id:b id:c id:d .\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"^graph/articles/a-bad\.ttl:4: syntax error") as info:
        load(mini_copy)
    assert info.value.exit_code == 2
    assert "\n" not in str(info.value)


def test_unbound_prefix(mini_copy: Path) -> None:
    bad = mini_copy / "graph" / "reference" / "extra.ttl"
    bad.write_text("\n\nnope:a nope:b nope:c .\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"graph/reference/extra\.ttl:3: .*nope"):
        load(mini_copy)


def test_ill_typed_literal(mini_copy: Path) -> None:
    bad = mini_copy / "graph" / "articles" / "a-one.ttl"
    text = bad.read_text(encoding="utf-8").replace('"2025-08-20"', '"not a date"')
    bad.write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "not a date" in t)
    with pytest.raises(InputError, match=rf"a-one\.ttl:{line}: ill-typed literal \"not a date\""):
        load(mini_copy)


def test_not_utf8(mini_copy: Path) -> None:
    bad = mini_copy / "graph" / "articles" / "a-two.ttl"
    bad.write_bytes(b"# ok\n# ok\n\xff\xfe\n")
    with pytest.raises(InputError, match=r"a-two\.ttl:3: not valid UTF-8"):
        load(mini_copy)


def test_parse_turtle_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        parse_turtle(tmp_path / "absent.ttl", display="absent.ttl")


def test_load_extra_adds_and_replaces(mini_copy: Path, tmp_path: Path) -> None:
    loaded = load(mini_copy)
    new = tmp_path / "a-three.ttl"
    new.write_text(
        "@prefix id: <https://w3id.org/aiplus/id/> .\n"
        "@prefix aip: <https://w3id.org/aiplus/ontology#> .\n"
        "id:smic aip:develops id:ascend-910c .\n",
        encoding="utf-8",
    )
    replacement = tmp_path / "a-one.ttl"
    replacement.write_text("<https://w3id.org/aiplus/id/x> a <urn:y> .\n", encoding="utf-8")
    added = load_extra(loaded, [new, replacement])
    assert added == [SRC["a-three"], SRC["a-one"]]
    assert (ID.smic, AIP.develops, ID["ascend-910c"]) in loaded.graph(SRC["a-three"])
    assert len(loaded.graph(SRC["a-one"])) == 1
    assert (ID.x, None, URIRef("urn:y")) in loaded.dataset
    assert loaded.files[SRC["a-one"]] == (replacement,)
    assert SRC["a-three"] in loaded.article_graphs


def _graphs_of(loaded: LoadedDataset) -> dict[URIRef, Graph]:
    out = {}
    for iri, triples in loaded.graph_triples():
        graph = Graph()
        for triple in triples:
            graph.add(triple)
        out[iri] = graph
    return out


def test_the_graphs_read_before_and_after_building_the_dataset_agree(mini: Path) -> None:
    loaded = load(mini)
    before, union = _graphs_of(loaded), loaded.union()
    dataset = loaded.dataset  # built now; from here on it is the only copy
    after = _graphs_of(loaded)
    assert sorted(before) == sorted(after) == sorted(loaded.files)
    for iri in before:
        assert isomorphic(before[iri], after[iri]), iri
        assert isomorphic(before[iri], dataset.graph(iri)), iri
    assert len(loaded.union()) == len(union)
    dataset.graph(SRC["a-one"]).add((ID.x, AIP.develops, ID.y))
    assert (ID.x, AIP.develops, ID.y) in loaded.union()


def test_equal_terms_read_from_different_files_are_one_object(mini: Path) -> None:
    loaded = load(mini)
    predicates: dict[URIRef, set[int]] = {}
    for _, triples in loaded.graph_triples():
        for _, p, _ in triples:
            predicates.setdefault(p, set()).add(id(p))
    assert all(len(ids) == 1 for ids in predicates.values())


def test_triples_keep_the_order_read(mini_copy: Path) -> None:
    """Each graph, and the union, list the triples in the order read (the order they
    lie in memory), each once: a set's hash order would scatter every pass over them."""
    lines = [f'id:e{i} rdfs:label "e {i}"@en .' for i in range(60)]
    (mini_copy / "graph" / "articles" / "a-two.ttl").write_text(
        "@prefix id: <https://w3id.org/aiplus/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        + "\n".join([*lines, lines[7]])
        + "\n"
    )
    loaded = load(mini_copy)
    expected = [(ID[f"e{i}"], RDFS.label, Literal(f"e {i}", lang="en")) for i in range(60)]
    assert list(dict(loaded.graph_triples())[SRC["a-two"]]) == expected
    union = list(loaded.union())
    assert len(union) == len(set(union))
    assert [t for t in union if t in set(expected)] == expected


def test_load_extra_before_and_after_building_the_dataset(mini_copy: Path, tmp_path: Path) -> None:
    replacement = tmp_path / "a-one.ttl"
    replacement.write_text("<https://w3id.org/aiplus/id/x> a <urn:y> .\n", encoding="utf-8")
    lazy, built = load(mini_copy), load(mini_copy)
    built.dataset  # noqa: B018 (builds it)
    load_extra(lazy, [replacement])
    load_extra(built, [replacement])
    lazy_graphs, built_graphs = _graphs_of(lazy), _graphs_of(built)
    assert sorted(lazy_graphs) == sorted(built_graphs)
    for iri, graph in lazy_graphs.items():
        assert isomorphic(graph, built_graphs[iri]), iri
    assert len(lazy_graphs[SRC["a-one"]]) == 1


# --- the fast parse (pyoxigraph) reads exactly what rdflib reads -----------------------

_ROOT = REPO
_TURTLE = sorted(
    p.relative_to(_ROOT)
    for folder in ("ontology", "graph", "shapes", "tests/data")
    for p in (_ROOT / folder).rglob("*.ttl")
)
_BASE = "https://w3id.org/aiplus/source/test"


def _rdflib_parse(text: str) -> Graph:
    graph = Graph(bind_namespaces="none")
    graph.parse(data=text, format="turtle", publicID=_BASE)
    return graph


def _literals(graph: Graph) -> list[tuple[str, str, str]]:
    return sorted(
        (str(o), str(o.datatype), str(o.language))
        for o in graph.objects()
        if isinstance(o, Literal)
    )


@pytest.mark.parametrize("path", _TURTLE, ids=str)
def test_fast_parse_reads_what_rdflib_reads(path: Path) -> None:
    from aiplus_kg.load.turtle import _parse_with_oxigraph

    text = (_ROOT / path).read_text(encoding="utf-8")
    fast = _parse_with_oxigraph(text, _BASE)
    if fast is None:
        pytest.skip("left to rdflib")
    slow = _rdflib_parse(text)
    assert isomorphic(fast, slow)
    assert _literals(fast) == _literals(slow)  # lexical forms, datatypes, language tags
    assert sorted(fast.namespaces()) == sorted(slow.namespaces())


def test_most_files_take_the_fast_parse() -> None:
    from aiplus_kg.load.turtle import _parse_with_oxigraph

    fast = [p for p in _TURTLE if _parse_with_oxigraph((_ROOT / p).read_text(), _BASE)]
    assert len(fast) >= len(_TURTLE) - 3


@pytest.mark.parametrize(
    "text",
    [
        '<urn:x:a> <urn:x:p> "x"^^<http://www.w3.org/2001/XMLSchema#string> .',
        '@prefix x: <http://www.w3.org/2001/XMLSchema#> . <urn:x:a> <urn:x:p> "x"^^x:string .',
        '<urn:x:a> <urn:x:p> "Chinese"@zh-Hans .',
        "<urn:x:a> <urn:x:p> <urn:x:b",  # a syntax error: rdflib words it
    ],
    ids=["explicit-xsd-string", "prefixed-xsd-string", "capital-language-tag", "syntax-error"],
)
def test_fast_parse_leaves_to_rdflib_what_it_would_change(text: str) -> None:
    from aiplus_kg.load.turtle import _parse_with_oxigraph

    assert _parse_with_oxigraph(text, _BASE) is None


def test_the_iri_xsd_string_outside_a_literal_keeps_the_fast_parse() -> None:
    from aiplus_kg.load.turtle import _parse_with_oxigraph

    text = (
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "<urn:x:p> <http://www.w3.org/2000/01/rdf-schema#range> xsd:string ."
    )
    assert _parse_with_oxigraph(text, _BASE) is not None


def test_the_project_files_take_the_fast_parse() -> None:
    from aiplus_kg.load.turtle import _parse_with_oxigraph

    for path in ("ontology/aiplus.ttl", "shapes/aiplus-shapes.ttl"):
        assert _parse_with_oxigraph((_ROOT / path).read_text(), _BASE) is not None, path


def test_blank_node_labels_stay_apart_across_files() -> None:
    from aiplus_kg.load.turtle import _parse_with_oxigraph

    text = "_:b1 <urn:x:p> <urn:x:o> ."
    first, second = _parse_with_oxigraph(text, _BASE), _parse_with_oxigraph(text, _BASE)
    assert first is not None
    assert second is not None
    assert set(first.subjects()).isdisjoint(set(second.subjects()))
