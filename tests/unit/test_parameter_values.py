"""Any text given to a saved query's parameter binds to a term every engine takes, or is
refused with an :class:`InputError` naming the parameter (exit code 2, HTTP 400 in
``aiplus serve``): never another exception. Before, an IRI holding ``>``, a byte that is
not UTF-8 or a bad literal reached pyoxigraph and crashed the command (exit 3)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from rdflib.term import Node

from aiplus_kg.errors import InputError
from aiplus_kg.knowledge_graph import KnowledgeGraph
from aiplus_kg.load.store import Store
from aiplus_kg.load.terms import term_problem
from aiplus_kg.project import Project
from aiplus_kg.query.parameters import (
    LITERAL_DATATYPES,
    Parameter,
    bind_parameters,
    parse_assignments,
)
from tests.support import MINI

PARAMETERS = (
    Parameter("thing", "_thing_iri", "iri"),
    Parameter("text", "_text", "literal"),
    *(
        Parameter(f"v{i}", f"_v{i}_xsd_{d.rpartition('#')[2]}", "literal", d)
        for i, d in enumerate(sorted(LITERAL_DATATYPES))
    ),
)


@dataclass(frozen=True)
class _Query:
    parameters: tuple[Parameter, ...]
    name: str = "a-query"


@cache
def _graph() -> KnowledgeGraph:
    return KnowledgeGraph(Project(MINI), cache=None)


def _store() -> Store:
    return _graph().store


# Text near the edges: IRIs with what IRIs may not hold, escapes, labels, numbers, dates,
# bytes that are not UTF-8 (as Python passes them on: lone surrogates), nesting
_EDGES = st.sampled_from(
    [
        "<https://w3id.org/aiplus/id/a>b>",
        "https://w3id.org/aiplus/id/huawei",
        "<https://w3id.org/aiplus/id/huawei>",
        "https://x/a b",
        "id:huawei",
        "id:a b",
        "id:%zz",
        "src:a-one",
        "a-one",
        "001",
        "Huawei",
        "<",
        ">",
        "<>",
        "urn:",
        "\udcff",
        "\ud800",
        "\x00",
        "\n",
        "(" * 25 + "x" + ")" * 25,
        "1e999",
        "9" * 5000,
        "NaN",
        "-INF",
        "2025-13-45",
        "2025-01-01T25:00:00",
        "true",
        "0.5",
        "-0",
        "+1",
        "2025",
        "2025-02",
        "Z",
    ]
)
VALUES = st.one_of(
    _EDGES,
    st.lists(_EDGES, max_size=3).map("".join),
    st.text(st.characters(exclude_categories=()), max_size=12),
)


def _bound_or_refused(given: dict[str, str], query: _Query) -> dict[str, Node] | None:
    """The terms bound on the fast engine's store; the rdflib dataset of the reference
    engine gives the same verdict."""
    verdicts: list[dict[str, Node] | InputError] = []
    for source in (_store(), _graph().dataset):
        try:
            verdicts.append(bind_parameters(source, query, given))
        except InputError as exc:
            verdicts.append(exc)
    fast, reference = verdicts
    if isinstance(fast, InputError):
        assert isinstance(reference, InputError)
        assert fast.message == reference.message
        assert "\n" not in fast.message
        assert fast.exit_code == 2
        return None
    assert fast == reference
    return fast


@pytest.mark.parametrize("param", PARAMETERS, ids=lambda p: p.variable)
@given(value=VALUES)
@example(value="<https://w3id.org/aiplus/id/a>b>")
@example(value="\udcff")
@example(value="(" * 25 + "x" + ")" * 25)
def test_a_value_binds_to_a_term_every_engine_takes_or_is_refused(
    param: Parameter, value: str
) -> None:
    query = _Query((param,))
    bound = _bound_or_refused({param.name: value}, query)
    if bound is None:
        return
    term = bound[param.variable]
    assert term_problem(term) is None
    # pyoxigraph takes it (where the command crashed): a query with the term pre-bound
    # (its answer holds the term in Oxigraph's canonical form: "-0" is the decimal "0")
    rows = _store().select(f"SELECT ?{param.variable} WHERE {{}}", bound)
    assert not isinstance(rows, bool)
    assert len(rows[1]) == 1


@given(items=st.lists(VALUES, max_size=4))
@example(items=["chip=\udcff"])
@example(items=["\udcff=1"])
@example(items=["=x"])
def test_parse_assignments_parses_or_refuses(items: list[str]) -> None:
    refused: InputError | None = None
    try:
        values = parse_assignments(items)
    except InputError as exc:
        refused = exc
    if refused is not None:
        assert "\n" not in refused.message
        assert refused.message.startswith(("--param ", "parameter "))
        return
    assert len(values) <= len(items)
    query = _Query(PARAMETERS)
    _bound_or_refused(values, query)


def test_a_refused_value_names_the_parameter() -> None:
    query = _Query(PARAMETERS[:1])
    with pytest.raises(InputError) as info:
        bind_parameters(_store(), query, {"thing": "<https://w3id.org/aiplus/id/a>b>"})
    assert info.value.message == (
        "parameter 'thing' of a-query: bad IRI <https://w3id.org/aiplus/id/a\\u003Eb>: "
        "'>' (U+003E) is not allowed in an IRI"
    )
    with pytest.raises(InputError, match=r"^--param thing: the value is not text: it holds "):
        parse_assignments(["thing=caf\udce9"])
    with pytest.raises(InputError, match=r"^parameter 'thing' of a-query: not text: "):
        bind_parameters(_store(), query, {"thing": "caf\udce9"})
