"""The saved-query catalogue: the ``#+`` header parser, the rules every query follows."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiplus_kg.errors import InputError
from aiplus_kg.namespaces import XSD
from aiplus_kg.project import Project
from aiplus_kg.query.catalogue import (
    Header,
    SavedQuery,
    find_query,
    load_catalogue,
    load_named,
    load_query,
    parse_header,
)
from aiplus_kg.query.parameters import parse_parameter
from tests.query_support import QUERIES, ROOT, catalogue

ISSUE_TOPICS = {
    # the questions issue #4 lists, and a query answering each
    "chip -> model -> goal chain": "chip-to-goal",
    "plans on a timeline with issuing body and level": "plans-timeline",
    "compute vouchers with budgets and coverage": "compute-vouchers",
    "sectors targeted, by which plan and article": "sectors-targeted",
    "who said what, role, where, when": "who-said-what",
    "firms and their roles": "firms-and-roles",
    "China's and the US's plans side by side": "us-china-plans",
    "hedged and unconfirmed claims": "hedged-claims",
    "facts stated by more than one article": "multi-source-facts",
    "everything an article states": "article-facts",
    "the international dimension": "international-dimension",
    "every amount and count": "amounts-and-counts",
}

GOOD = """\
#+ summary: A summary
#+ description: A description folded
#+   over two lines, with "quotes" inside.
#+ tags:
#+   - one
#+   - "two words"
#+ defaults:
#+   - chip: id:ascend-910b
#+   - text: 'it''s'
# an ordinary comment
SELECT ?_chip_iri ?_text WHERE { }
"""


def test_parse_header() -> None:
    header = parse_header(GOOD, "q.rq")
    assert header == Header(
        summary="A summary",
        description='A description folded over two lines, with "quotes" inside.',
        tags=("one", "two words"),
        defaults=(("chip", "id:ascend-910b", 8), ("text", "it's", 9)),
    )


def test_header_stops_at_first_other_line() -> None:
    text = "#+ summary: s\nSELECT * {}\n#+ tags: not read\n"
    assert parse_header(text).tags == ()


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("#+ summary: s\n#+ endpoint: http://x\n", 2, "unknown header key 'endpoint'"),
        ("#+summary: s\n", 1, "a space must follow '#+'"),
        ("#+ summary s\n", 1, "expected 'key: value'"),
        ("#+ summary: s\n#+ summary: t\n", 2, "given twice"),
        ('#+ summary: "unterminated\n', 1, 'unterminated "-quoted value'),
        ("#+ summary: s\n#+ tags: one\n", 2, "'tags' takes a list"),
        ("#+ summary: s\n#+ tags:\n#+   -\n", 3, "empty list item"),
        ("#+ summary: s\n#+ defaults:\n#+   - chip\n", 3, "expected '- name: value'"),
        ("#+ summary: s\n#+   - x\n", 2, "'summary' does not take a list"),
        ("#+   - x\n", 1, "indented line before any key"),
        ("#+ summary: [a, b]\n", 1, "unsupported YAML"),
        ('#+ summary: "quoted"\n#+   more\n', 2, "unexpected indented line"),
        (
            "#+ summary: s\n#+ defaults:\n#+   - a: 1\n#+   - a: 2\n",
            4,
            "default for 'a' given twice",
        ),
    ],
)
def test_malformed_header_names_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_header(text, "queries/bad.rq")
    assert str(info.value).startswith(f"queries/bad.rq:{line}: ")
    assert message in str(info.value)
    assert info.value.exit_code == 2


@pytest.mark.parametrize(
    ("variable", "name", "kind", "datatype"),
    [
        ("_chip_iri", "chip", "iri", None),
        ("_text", "text", "literal", None),
        ("_year_xsd_gYear", "year", "literal", XSD.gYear),
        ("_start_date_xsd_date", "start_date", "literal", XSD.date),
    ],
)
def test_parse_parameter(variable: str, name: str, kind: str, datatype: object) -> None:
    param = parse_parameter(variable)
    assert param is not None
    assert (param.name, param.kind, param.datatype) == (name, kind, datatype)


@pytest.mark.parametrize("variable", ["chip", "__agg_1__", "x_iri"])
def test_ordinary_variables(variable: str) -> None:
    assert parse_parameter(variable) is None


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("Bad_Name", "#+ summary: s\nSELECT * {}\n", "not kebab-case"),
        ("no-summary", "#+ tags:\n#+   - x\nSELECT * {}\n", "no summary"),
        (
            "unprojected",
            "#+ summary: s\nSELECT ?x WHERE { ?x ?p ?_o_iri }\n",
            "?_o_iri must be in the SELECT clause",
        ),
        (
            "optional-param",
            "#+ summary: s\nSELECT ?__o WHERE { ?x ?p ?__o }\n",
            "optional parameters",
        ),
        (
            "stray-default",
            "#+ summary: s\n#+ defaults:\n#+   - chip: x\nSELECT ?x WHERE { ?x ?p ?o }\n",
            "default for unknown parameter 'chip'",
        ),
        ("syntax", "#+ summary: s\nSELECT ?x WHERE { ?x ?p }\n", "SPARQL syntax error"),
        ("update", "#+ summary: s\nCLEAR ALL\n", "refused: CLEAR"),
    ],
)
def test_bad_query_files(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = _write(tmp_path, name, text)
    with pytest.raises(InputError) as info:
        load_query(path, root=tmp_path)
    assert str(info.value).startswith(f"{name}.rq")
    assert message in str(info.value)


def test_unknown_query_lists_close_names() -> None:
    with pytest.raises(InputError) as info:
        find_query(catalogue(), "chip-goal")
    assert "unknown query 'chip-goal'; did you mean: chip-to-goal" in str(info.value)
    with pytest.raises(InputError, match=r"did you mean: .*compute-vouchers"):
        load_named(Project(ROOT), "vouchers")
    with pytest.raises(InputError, match="run 'aiplus queries' for the list"):
        load_named(Project(ROOT), "zzzzzz")


def test_an_empty_catalogue(tmp_path: Path) -> None:
    assert load_catalogue(tmp_path / "nothing") == []


# --- the rules every saved query follows ------------------------------------------


def test_at_least_fifteen_queries() -> None:
    assert len(catalogue()) >= 15
    assert {q.name for q in catalogue()} == {p.stem for p in QUERIES.glob("*.rq")}


def test_every_issue_question_has_a_query() -> None:
    names = {q.name for q in catalogue()}
    assert set(ISSUE_TOPICS.values()) <= names


@pytest.mark.parametrize("query", catalogue(), ids=lambda q: q.name)
def test_query_is_annotated(query: SavedQuery) -> None:
    assert query.summary
    assert len(query.summary) <= 120
    assert query.description
    assert query.description != query.summary
    assert query.tags
    for param in query.parameters:
        assert param.default is not None, f"{query.name}: no default for {param.name}"
    # order matters in every answer, so every query fixes it
    assert query.prepared.ordered, f"{query.name} has no ORDER BY"
    assert query.prepared.form == "SELECT"


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.stem)
def test_query_declares_its_own_prefixes(path: Path) -> None:
    """A saved query parses with no predeclared prefix, as any engine would read it."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#+ summary: ")
    load_query(path)  # parsed without the project prefixes
