"""The Turtle formatter on deep nesting and long lists: no recursion limit, the same
graph back, and the same text as rdflib's own (recursive) writer where that works."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.plugins.serializers.longturtle import LongTurtleSerializer
from rdflib.plugins.serializers.turtle import RecursiveSerializer

from aiplus_kg.export.canon import canonical_graph
from aiplus_kg.export.fmt import (
    MAX_INDENT,
    SortedLongTurtleSerializer,
    format_files,
    format_text,
    turtle_graph,
)
from aiplus_kg.load.turtle import parse_turtle_data
from tests.blank_forms import PREFIX, list_text, nested_text, tree_form


def _same_graph(text: str, formatted: str) -> bool:
    return tree_form(parse_turtle_data(formatted)) == tree_form(parse_turtle_data(text))


def test_nesting_two_thousand_deep() -> None:
    text = nested_text(2000)
    out = format_text(text)
    assert _same_graph(text, out)
    assert format_text(out) == out
    # the indentation stops growing: the text grows with the graph
    widest = max(len(line) - len(line.lstrip(" ")) for line in out.splitlines())
    assert widest == 4 * MAX_INDENT


def test_a_list_of_ten_thousand_items() -> None:
    text = list_text(10_000)
    out = format_text(text)
    assert _same_graph(text, out)
    assert out.count("\n") > 10_000


def test_nested_lists_and_blank_nodes(tmp_path: Path) -> None:
    depth = 1500
    text = PREFIX + "ex:s ex:p " + "( ex:a [ ex:q " * depth + '"x"' + " ] )" * depth + " .\n"
    path = tmp_path / "deep.ttl"
    path.write_text(text, encoding="utf-8")
    # rewritten only after the text parses back to the same graph
    assert format_files([path]) == [path]
    assert _same_graph(text, path.read_text(encoding="utf-8"))
    assert format_files([path]) == []


def test_thousands_of_interchangeable_blank_nodes(tmp_path: Path) -> None:
    text = PREFIX + "ex:s ex:p " + ", ".join(['[ ex:q [ ex:r "x" ] ]'] * 3000) + " .\n"
    path = tmp_path / "same.ttl"
    path.write_text(text, encoding="utf-8")
    assert format_files([path]) == [path]
    assert _same_graph(text, path.read_text(encoding="utf-8"))
    assert format_files([path]) == []


# --- the same text as rdflib's recursive writer -------------------------------------------


class _Recursive(SortedLongTurtleSerializer):
    """The formatter as it was: rdflib's recursive methods."""

    path = LongTurtleSerializer.path
    p_squared = LongTurtleSerializer.p_squared
    doList = LongTurtleSerializer.doList  # noqa: N815 (rdflib's names)
    predicateList = LongTurtleSerializer.predicateList  # noqa: N815
    verb = LongTurtleSerializer.verb
    objectList = LongTurtleSerializer.objectList  # noqa: N815
    indent = RecursiveSerializer.indent


def _objects(depth: int) -> st.SearchStrategy[str]:
    leaf = st.sampled_from(['"a"', '"b"@en', "1", "ex:o", "()", "[]"])
    if depth == 0:
        return leaf
    inner = st.deferred(lambda: _objects(depth - 1))
    pairs = st.lists(
        st.tuples(st.sampled_from(["ex:p", "ex:q", "a"]), st.lists(inner, min_size=1, max_size=2)),
        min_size=1,
        max_size=3,
    )
    blank = pairs.map(lambda ps: "[ " + " ; ".join(f"{p} {', '.join(o)}" for p, o in ps) + " ]")
    collection = st.lists(inner, max_size=4).map(lambda items: "( " + " ".join(items) + " )")
    return st.one_of(leaf, blank, collection)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(["ex:s", "ex:t", "[]"]), _objects(3)), min_size=1, max_size=4
    )
)
def test_same_text_as_rdflibs_writer(statements: list[tuple[str, str]]) -> None:
    text = PREFIX + "".join(f"{s} ex:p {o} .\n" for s, o in statements)
    graph = canonical_graph(parse_turtle_data(text), target=turtle_graph())
    ours, theirs = io.BytesIO(), io.BytesIO()
    SortedLongTurtleSerializer(graph).serialize(ours, encoding="utf-8")
    _Recursive(graph).serialize(theirs, encoding="utf-8")
    assert ours.getvalue() == theirs.getvalue()
    assert tree_form(Graph().parse(data=ours.getvalue(), format="turtle")) == tree_form(graph)
