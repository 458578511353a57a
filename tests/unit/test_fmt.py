from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

import aiplus_kg.export.fmt as fmt_module
from aiplus_kg.errors import InputError, InternalError
from aiplus_kg.export.fmt import (
    check_files,
    collect_targets,
    format_files,
    format_text,
    is_excluded,
    to_turtle,
)
from aiplus_kg.namespaces import AIP, ID, XSD
from aiplus_kg.project import Project

MESSY = """@prefix id: <https://w3id.org/aiplus/id/> .
@prefix aip: <https://w3id.org/aiplus/ontology#> .
@prefix ex: <http://example.org/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
# Header comment, kept.
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

# Kept too: it comes before the first statement.
id:b aip:n "1200"^^xsd:decimal ; aip:m 3 ; ex:p ex:q .
# a section comment, kept before its block
id:a rdfs:label "A"@en, "a"@fr ; aip:x [ aip:y ( id:a id:b ) ] .
"""


def _parse(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def test_format_text_is_canonical_and_idempotent() -> None:
    out = format_text(MESSY)
    # comments among the prefixes stay at the top; the others, with their blocks
    assert out.startswith("# Header comment, kept.\n\nPREFIX aip: <")
    assert "\n\n# Kept too: it comes before the first statement.\nid:b\n" in out
    assert "\n\n# a section comment, kept before its block\nid:a\n" in out
    assert "PREFIX ex: <http://example.org/ns#>" in out
    assert "PREFIX xsd:" in out
    assert out.index("id:b\n") < out.index("id:a\n")  # the author's order of blocks
    assert "    ex:p ex:q ;\n    aip:m 3 ;\n    aip:n" in out  # canonical within a block
    assert '"1200"^^xsd:decimal' in out
    assert "aip:m 3 ;" in out
    assert isomorphic(_parse(out), _parse(MESSY))
    assert format_text(out) == out


def test_only_used_prefixes_are_written() -> None:
    out = to_turtle(
        _parse("<https://w3id.org/aiplus/id/a> a <https://w3id.org/aiplus/ontology#C> .")
    )
    assert [line for line in out.splitlines() if line.startswith("PREFIX")] == [
        "PREFIX aip: <https://w3id.org/aiplus/ontology#>",
        "PREFIX id: <https://w3id.org/aiplus/id/>",
    ]


def test_mini_fixture_is_canonical(mini: Path) -> None:
    project = Project(mini)
    targets = collect_targets(project)
    assert len(targets) == 5
    assert check_files(targets, root=mini) == []


def test_explicit_paths_and_exclusions(mini_copy: Path) -> None:
    project = Project(mini_copy)
    invalid = mini_copy / "graph" / "articles" / "invalid-x.ttl"
    invalid.write_text("this is not turtle", encoding="utf-8")
    under_tests = mini_copy / "shapes" / "tests" / "case.ttl"
    under_tests.parent.mkdir(parents=True)
    under_tests.write_text("messy  <urn:a>  <urn:b>  <urn:c>.", encoding="utf-8")
    assert is_excluded(invalid, mini_copy)
    assert is_excluded(under_tests, mini_copy)
    assert not is_excluded(mini_copy / "ontology" / "aiplus.ttl", mini_copy)
    assert invalid not in collect_targets(project)
    assert under_tests not in collect_targets(project)
    assert collect_targets(project, [mini_copy / "graph" / "articles"]) == [
        mini_copy / "graph" / "articles" / "a-one.ttl",
        mini_copy / "graph" / "articles" / "a-two.ttl",
    ]
    assert collect_targets(project, [invalid]) == []


def test_missing_path_is_an_input_error(mini_copy: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.ttl: no such file"):
        collect_targets(Project(mini_copy), [mini_copy / "nope.ttl"])


def test_refuses_to_write_a_different_graph(
    mini_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = mini_copy / "graph" / "articles" / "a-two.ttl"
    original = article.read_bytes()
    monkeypatch.setattr(fmt_module, "_canonical_text", lambda text, graph: "")
    with pytest.raises(InternalError, match="would change the graph"):
        format_files([article], root=mini_copy)
    assert article.read_bytes() == original


def test_rewrite_keeps_permissions(mini_copy: Path) -> None:
    article = mini_copy / "graph" / "articles" / "a-two.ttl"
    article.write_text(_parse(article.read_text(encoding="utf-8")).serialize(format="nt"))
    article.chmod(0o640)
    assert format_files([article], root=mini_copy) == [article]
    assert article.stat().st_mode & 0o777 == 0o640
    assert not [p for p in article.parent.iterdir() if p.name.startswith(".")]


# --- property: any graph formats to text that parses back to the same graph -------------

_names = st.sampled_from(["a", "b", "c-d", "e_f", "000-abc", "x1"])
_iris = st.one_of(
    _names.map(lambda n: ID[n]),
    _names.map(lambda n: AIP[n]),
    _names.map(lambda n: URIRef(f"http://example.org/other/{n}")),
)
_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=20,
)
_literals = st.one_of(
    _text.map(Literal),
    st.tuples(_text, st.sampled_from(["en", "fr", "zh"])).map(lambda t: Literal(t[0], lang=t[1])),
    st.integers(-(10**6), 10**6).map(Literal),
    st.sampled_from(["1200", "1200.50", "-0.5", "3"]).map(
        lambda v: Literal(v, datatype=XSD.decimal)
    ),
    st.sampled_from(["2025-08-26", "2024-02-29"]).map(lambda v: Literal(v, datatype=XSD.date)),
    st.booleans().map(Literal),
)
_bnodes = st.sampled_from([BNode("x1"), BNode("x2"), BNode("x3")])
_triples = st.tuples(st.one_of(_iris, _bnodes), _iris, st.one_of(_iris, _bnodes, _literals))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_triples, max_size=12))
def test_format_round_trip(triples: list[tuple[object, object, object]]) -> None:
    graph = Graph()
    for triple in triples:
        graph.add(triple)  # type: ignore[arg-type]
    text = to_turtle(graph)
    again = _parse(text)
    assert isomorphic(again, graph)
    assert to_turtle(again) == text


def test_copies_of_the_same_file_format_identically(mini: Path, tmp_path: Path) -> None:
    """Two texts of one graph give the same prefixes and the same blocks, each in the
    order its author chose."""
    first = tmp_path / "one.ttl"
    second = tmp_path / "two.ttl"
    shutil.copy(mini / "ontology" / "aiplus.ttl", first)
    second.write_text(_parse(first.read_text(encoding="utf-8")).serialize(format="turtle"))
    format_files([first, second])
    ours = first.read_text(encoding="utf-8").split("\n\n")[1:]  # the header comment first
    theirs = second.read_text(encoding="utf-8").split("\n\n")
    assert ours[0] == theirs[0]  # the prefix lines
    assert sorted(ours[1:]) == sorted(theirs[1:])
    third = tmp_path / "three.ttl"  # the same text twice: the same bytes
    shutil.copy(mini / "ontology" / "aiplus.ttl", third)
    format_files([third])
    assert third.read_bytes() == first.read_bytes()
