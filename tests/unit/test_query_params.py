"""Query parameters: bound as RDF terms, given as IRI, prefixed name, label or article
number; unknown, ambiguous or malformed values are clear one-line errors (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from aiplus_kg.errors import InputError
from aiplus_kg.load.dataset import load
from aiplus_kg.namespaces import ID, SRC, XSD
from aiplus_kg.query.catalogue import load_query
from aiplus_kg.query.parameters import bind_parameters, parse_assignments
from aiplus_kg.query.run import run_saved
from tests.query_support import default_results, project_dataset, saved
from tests.support import MINI

ASCEND = ID["ascend-910b"]


@pytest.mark.parametrize(
    "value",
    [
        "https://w3id.org/aiplus/id/ascend-910b",
        "<https://w3id.org/aiplus/id/ascend-910b>",
        "id:ascend-910b",
        "Ascend 910B",
        "  ascend 910b ",
        "Huawei Ascend 910B",  # an alternative label
    ],
)
def test_iri_parameter_accepts_iri_prefixed_name_or_label(value: str) -> None:
    dataset = project_dataset()
    query = saved("chip-to-goal")
    assert bind_parameters(dataset, query, {"chip": value}) == {"_chip_iri": ASCEND}
    results = run_saved(dataset, query, {"chip": value})
    assert results == default_results("chip-to-goal")


@pytest.mark.parametrize(
    "value",
    ["001", "001-c4f603b6c01e8ba9", "src:001-c4f603b6c01e8ba9", str(SRC["001-c4f603b6c01e8ba9"])],
)
def test_article_by_number_stem_or_iri(value: str) -> None:
    bound = bind_parameters(project_dataset(), saved("article-facts"), {"article": value})
    assert bound == {"_article_iri": SRC["001-c4f603b6c01e8ba9"]}


@pytest.mark.parametrize("value", ["src:001-c4f603b6c01e8ba9", f"<{SRC}001-c4f603b6c01e8ba9>"])
def test_an_article_named_by_iri_needs_no_list_of_graphs(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Listing every named graph costs time on a large store; a prefixed name or an IRI
    is resolved without it."""
    from aiplus_kg.query import parameters

    def unwanted(dataset: object) -> list[object]:
        raise AssertionError("the named graphs were listed")

    monkeypatch.setattr(parameters, "dataset_graphs", unwanted)
    bound = bind_parameters(project_dataset(), saved("article-facts"), {"article": value})
    assert bound == {"_article_iri": SRC["001-c4f603b6c01e8ba9"]}


def test_the_parameter_column_holds_the_bound_value() -> None:
    results = run_saved(project_dataset(), saved("chip-to-goal"), {"chip": "NVIDIA GPUs"})
    assert {row[0] for row in results.rows} == {ID["nvidia-gpus"]}


def test_unknown_label_lists_close_candidates() -> None:
    with pytest.raises(InputError) as info:
        bind_parameters(project_dataset(), saved("chip-to-goal"), {"chip": "Ascend 910"})
    message = str(info.value)
    assert message.startswith("parameter 'chip' of chip-to-goal: unknown entity: 'Ascend 910'")
    assert "close: id:ascend-910b (Ascend 910B)" in message
    assert info.value.exit_code == 2


def test_ambiguous_label_lists_candidates() -> None:
    # The shipped graph has no ambiguous label; the mini fixture has two "Ascend"s.
    with pytest.raises(InputError) as info:
        bind_parameters(load(MINI).dataset, saved("entity-sources"), {"entity": "ascend"})
    message = str(info.value)
    assert "ambiguous entity 'ascend'" in message
    assert message.count("id:") >= 2
    assert info.value.exit_code == 2


def test_unknown_iri_is_refused() -> None:
    with pytest.raises(InputError, match="unknown entity: 'id:nokia'"):
        bind_parameters(project_dataset(), saved("chip-to-goal"), {"chip": "id:nokia"})


def test_unknown_parameter_name_lists_the_parameters() -> None:
    with pytest.raises(InputError) as info:
        bind_parameters(project_dataset(), saved("chip-to-goal"), {"model": "x"})
    assert str(info.value) == "unknown parameter 'model' for chip-to-goal (parameters: chip)"
    with pytest.raises(InputError, match=r"parameters: none"):
        bind_parameters(project_dataset(), saved("hedged-claims"), {"x": "y"})


def test_the_variable_name_is_accepted_too() -> None:
    given = {"_chip_iri": "NVIDIA GPUs"}
    bound = bind_parameters(project_dataset(), saved("chip-to-goal"), given)
    assert bound == {"_chip_iri": ID["nvidia-gpus"]}


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["chip"], "--param takes NAME=VALUE, got 'chip'"),
        (["=x"], "--param takes NAME=VALUE"),
        (["chip=a", "chip=b"], "parameter 'chip' given twice"),
    ],
)
def test_malformed_assignments(items: list[str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_assignments(items)


def test_assignment_keeps_equals_signs_in_the_value() -> None:
    assert parse_assignments(["text=a=b"]) == {"text": "a=b"}


# --- literal parameters cannot change the query ---------------------------------


HOSTILE = [
    'ascend" ) } SELECT * WHERE { ?s ?p ?o } #',
    "ascend' } UNION { ?entity ?labelProperty ?label } #",
    "}",
    '"""',
    "ascend\\",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_literal_with_quotes_or_braces_stays_a_literal(value: str) -> None:
    """The value is bound as one RDF literal: it is searched for, literally, and the
    query text is not touched (no label contains these strings, so no row)."""
    dataset = project_dataset()
    query = saved("search-labels")
    before = query.text
    bound = bind_parameters(dataset, query, {"text": value})
    assert bound == {"_text": Literal(value)}
    results = run_saved(dataset, query, {"text": value})
    assert results.variables == ("_text", "entity", "label", "language")
    assert results.rows == ()
    assert query.text == before


def test_a_literal_finds_what_contains_it() -> None:
    results = run_saved(project_dataset(), saved("search-labels"), {"text": "SILK ROAD"})
    assert {row[1] for row in results.rows} == {ID["digital-silk-road"]}
    assert {row[0] for row in results.rows} == {Literal("SILK ROAD")}


def test_typed_literal_parameter(tmp_path: Path) -> None:
    path = tmp_path / "by-year.rq"
    path.write_text(
        "#+ summary: Things dated with a year\n"
        "#+ defaults:\n"
        "#+   - year: 2017\n"
        "PREFIX aip: <https://w3id.org/aiplus/ontology#>\n"
        "SELECT ?_year_xsd_gYear ?x WHERE { ?x aip:date ?_year_xsd_gYear } ORDER BY ?x\n",
        encoding="utf-8",
    )
    query = load_query(path)
    dataset = project_dataset()
    assert bind_parameters(dataset, query) == {
        "_year_xsd_gYear": Literal("2017", datatype=XSD.gYear)
    }
    assert [row[1] for row in run_saved(dataset, query).rows] == [ID.ngaidp]
    for bad in ("twenty", "17", "2017-07"):
        with pytest.raises(InputError, match=f"'{bad}' is not a valid xsd:gYear"):
            bind_parameters(dataset, query, {"year": bad})


def test_unsupported_datatype(tmp_path: Path) -> None:
    path = tmp_path / "odd.rq"
    path.write_text(
        "#+ summary: s\nSELECT ?_n_xsd_frobnicate WHERE { } ORDER BY ?_n_xsd_frobnicate\n"
    )
    with pytest.raises(InputError, match="unsupported datatype for parameter"):
        load_query(path)


def test_a_required_parameter_without_default(tmp_path: Path) -> None:
    path = tmp_path / "needs.rq"
    path.write_text("#+ summary: s\nSELECT ?_x_iri WHERE { }\nORDER BY ?_x_iri\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs needs a value for parameter 'x'"):
        bind_parameters(project_dataset(), load_query(path))


def test_iri_parameter_value_is_an_iri_term() -> None:
    bound = bind_parameters(project_dataset(), saved("chip-to-goal"))
    assert isinstance(bound["_chip_iri"], URIRef)
