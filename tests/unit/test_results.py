"""The results writers: W3C CSV, TSV, JSON and XML byte for byte, and the table."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from rdflib import BNode, Literal, URIRef

from aiplus_kg.errors import InputError
from aiplus_kg.namespaces import ID, XSD
from aiplus_kg.query.results import (
    RESULTS_NAMESPACE,
    Results,
    header_name,
    serialize_results,
    to_csv,
    to_json,
    to_table,
    to_tsv,
    to_xml,
)
from tests.query_support import term_key

DEC, DBL, INT = XSD.decimal, XSD.double, XSD.integer
XSD_NS = "http://www.w3.org/2001/XMLSchema#"

TRICKY = Results(
    ("x", "y"),
    (
        (URIRef("http://example.org/a"), Literal('a,b"c')),
        (None, Literal("x\ny\tz\r")),
        (BNode("zz"), Literal(" lead")),
        (Literal("chat", lang="fr"), Literal("1.5", datatype=DEC)),
        (Literal("true", datatype=XSD.boolean), Literal("1000", datatype=DBL, normalize=False)),
        (Literal("2017", datatype=XSD.gYear), Literal("-2", datatype=INT)),
        (Literal('q"'), Literal("é", datatype=XSD.string)),
        (Literal("80", datatype=DEC), Literal("1e3", datatype=DBL, normalize=False)),
        (BNode("zz"), BNode("other")),
    ),
)


def test_csv_is_the_w3c_format() -> None:
    assert (
        to_csv(TRICKY)
        == (
            "x,y\r\n"
            'http://example.org/a,"a,b""c"\r\n'
            ',"x\ny\tz\r"\r\n'
            "_:b0, lead\r\n"
            "chat,1.5\r\n"
            "true,1000\r\n"
            "2017,-2\r\n"
            '"q""",é\r\n'
            "80,1e3\r\n"
            "_:b0,_:b1\r\n"
        ).encode()
    )


def test_tsv_is_the_w3c_format() -> None:
    assert (
        to_tsv(TRICKY)
        == (
            "?x\t?y\n"
            '<http://example.org/a>\t"a,b\\"c"\n'
            '\t"x\\ny\\tz\\r"\n'
            '_:b0\t" lead"\n'
            '"chat"@fr\t1.5\n'
            f'true\t"1000"^^<{XSD_NS}double>\n'
            f'"2017"^^<{XSD_NS}gYear>\t-2\n'
            '"q\\""\t"é"\n'
            f'"80"^^<{XSD_NS}decimal>\t1e3\n'
            "_:b0\t_:b1\n"
        ).encode()
    )


def test_json_is_the_w3c_format() -> None:
    data = json.loads(to_json(TRICKY))
    assert data["head"] == {"vars": ["x", "y"]}
    bindings = data["results"]["bindings"]
    assert bindings[0] == {
        "x": {"type": "uri", "value": "http://example.org/a"},
        "y": {"type": "literal", "value": 'a,b"c'},
    }
    assert bindings[1] == {"y": {"type": "literal", "value": "x\ny\tz\r"}}  # x unbound
    assert bindings[2]["x"] == {"type": "bnode", "value": "b0"}
    assert bindings[3]["x"] == {"type": "literal", "value": "chat", "xml:lang": "fr"}
    assert bindings[3]["y"] == {"type": "literal", "value": "1.5", "datatype": str(DEC)}
    assert bindings[6]["y"] == {"type": "literal", "value": "é"}  # xsd:string: no datatype
    assert bindings[8] == {
        "x": {"type": "bnode", "value": "b0"},
        "y": {"type": "bnode", "value": "b1"},
    }
    assert to_json(TRICKY).decode("utf-8").count("\n") == len(TRICKY.rows) + 5


def test_xml_is_the_w3c_format() -> None:
    text = to_xml(TRICKY)
    assert text.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns=')
    root = ET.fromstring(text)
    ns = {"r": RESULTS_NAMESPACE}
    assert root.tag == f"{{{RESULTS_NAMESPACE}}}sparql"
    assert [v.get("name") for v in root.findall("r:head/r:variable", ns)] == ["x", "y"]
    results = root.findall("r:results/r:result", ns)
    assert len(results) == len(TRICKY.rows)
    first = results[0].findall("r:binding", ns)
    assert first[0].find("r:uri", ns).text == "http://example.org/a"  # type: ignore[union-attr]
    assert first[1].find("r:literal", ns).text == 'a,b"c'  # type: ignore[union-attr]
    assert [b.get("name") for b in results[1].findall("r:binding", ns)] == ["y"]
    assert results[1].find("r:binding/r:literal", ns).text == "x\ny\tz\r"  # type: ignore[union-attr]
    lang = results[3].find("r:binding/r:literal", ns)
    assert lang.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"  # type: ignore[union-attr]
    typed = results[3].findall("r:binding/r:literal", ns)[1]
    assert typed.get("datatype") == str(DEC)
    assert results[2].find("r:binding/r:bnode", ns).text == "b0"  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_pyoxigraph_reads_back_the_same_terms(fmt: str) -> None:
    pyoxigraph = pytest.importorskip("pyoxigraph")
    formats = {
        "json": pyoxigraph.QueryResultsFormat.JSON,
        "xml": pyoxigraph.QueryResultsFormat.XML,
        "tsv": pyoxigraph.QueryResultsFormat.TSV,
    }
    data = serialize_results(TRICKY, fmt)
    parsed = pyoxigraph.parse_query_results(data, formats[fmt])
    assert [v.value for v in parsed.variables] == ["x", "y"]
    rows = list(parsed)
    assert len(rows) == len(TRICKY.rows)
    for row, expected in zip(rows, TRICKY.rows, strict=True):
        for value, term in zip(row, expected, strict=True):
            if term is None or isinstance(term, BNode):
                assert (value is None) == (term is None)
                continue
            assert value.value == str(term)
            if isinstance(term, Literal) and term.language:
                assert value.language == term.language


def test_csv_and_tsv_match_pyoxigraph_byte_for_byte() -> None:
    """pyoxigraph writes the same bytes for the same solutions."""
    pyoxigraph = pytest.importorskip("pyoxigraph")
    query = (
        "SELECT ?x ?y WHERE { VALUES (?x ?y) { "
        '(<http://example.org/a> "a,b\\"c") (UNDEF "x\\ny\\tz\\r") ("chat"@fr 1.5) '
        '(true -2) ("2017"^^<http://www.w3.org/2001/XMLSchema#gYear> "é") '
        '("80"^^<http://www.w3.org/2001/XMLSchema#decimal> " lead") ("q\\"" 7) } }'
    )
    store = pyoxigraph.Store()
    ours = Results(
        ("x", "y"),
        (
            (URIRef("http://example.org/a"), Literal('a,b"c')),
            (None, Literal("x\ny\tz\r")),
            (Literal("chat", lang="fr"), Literal("1.5", datatype=DEC)),
            (Literal("true", datatype=XSD.boolean), Literal("-2", datatype=INT)),
            (Literal("2017", datatype=XSD.gYear), Literal("é")),
            (Literal("80", datatype=DEC), Literal(" lead")),
            (Literal('q"'), Literal("7", datatype=INT)),
        ),
    )
    for fmt, writer in (
        (pyoxigraph.QueryResultsFormat.CSV, to_csv),
        (pyoxigraph.QueryResultsFormat.TSV, to_tsv),
    ):
        assert writer(ours) == store.query(query).serialize(format=fmt)


def test_ask_answers() -> None:
    yes = Results(boolean=True)
    assert json.loads(to_json(yes)) == {"head": {}, "boolean": True}
    root = ET.fromstring(to_xml(Results(boolean=False)))
    assert root.find(f"{{{RESULTS_NAMESPACE}}}boolean").text == "false"  # type: ignore[union-attr]
    assert to_table(yes) == "yes\n"
    for writer in (to_csv, to_tsv):
        with pytest.raises(InputError, match="an ASK answer has no"):
            writer(yes)


def test_no_rows() -> None:
    empty = Results(("a", "b"), ())
    assert to_csv(empty) == b"a,b\r\n"
    assert to_tsv(empty) == b"?a\t?b\n"
    assert json.loads(to_json(empty)) == {"head": {"vars": ["a", "b"]}, "results": {"bindings": []}}
    assert to_table(empty).endswith("(0 rows)\n")


def test_table_shows_labels_or_iris(loaded_mini: object) -> None:
    from aiplus_kg.load.dataset import LoadedDataset

    assert isinstance(loaded_mini, LoadedDataset)
    results = Results(
        ("_chip_iri", "maker", "n"),
        (
            (ID["ascend-910b"], ID.huawei, Literal("3", datatype=INT)),
            (ID["ascend-910b"], None, Literal("a long text " * 10)),
        ),
    )
    table = to_table(results, loaded_mini.dataset, fixed={"_chip_iri": ID["ascend-910c"]})
    lines = table.splitlines()
    assert lines[0] == "chip: Ascend 910C"
    assert lines[1].split() == ["maker", "n"]
    assert lines[3].split()[:2] == ["Huawei", "3"]
    assert lines[4].strip() == ("a long text " * 10).strip()  # no width: all of it
    assert lines[-1] == "(2 rows)"
    cut = to_table(results, loaded_mini.dataset, width=40, truncate=True).splitlines()
    assert cut[-2].endswith("…")
    assert max(len(line) for line in cut) == 40
    wrapped = to_table(results, loaded_mini.dataset, width=40).splitlines()
    assert max(len(line) for line in wrapped) <= 40
    assert sum(line.count("long") for line in wrapped) == 10  # wrapped: nothing lost
    iris = to_table(results, loaded_mini.dataset, iris=True)
    assert "id:huawei" in iris
    assert "Huawei " not in iris
    assert iris.splitlines()[0].split()[0] == "chip"


def test_limit_keeps_the_total() -> None:
    limited = TRICKY.limited(2)
    assert len(limited.rows) == 2
    assert limited.total == len(TRICKY.rows)
    assert to_table(limited).endswith(f"(2 of {len(TRICKY.rows)} rows)\n")
    assert TRICKY.limited(None) is TRICKY
    assert to_csv(TRICKY.limited(0)) == b"x,y\r\n"


def test_header_names() -> None:
    assert header_name("_chip_iri") == "chip"
    assert header_name("_year_xsd_gYear") == "year"
    assert header_name("_text") == "text"
    assert header_name("source") == "source"


def test_unknown_format() -> None:
    with pytest.raises(InputError, match="unknown results format 'yaml'"):
        serialize_results(TRICKY, "yaml")


def test_term_key_compares_numbers_by_value() -> None:
    assert term_key(Literal("0.50", datatype=DEC)) == term_key(Literal("0.5", datatype=DEC))
    assert term_key(Literal("1", datatype=INT)) != term_key(Literal("1", datatype=DEC))
    assert term_key(Literal("a")) == term_key(Literal("a", datatype=XSD.string))
    assert term_key(Literal("a", lang="EN")) == term_key(Literal("a", lang="en"))
