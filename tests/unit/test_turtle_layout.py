"""Reading how a Turtle text is laid out: tokens, blocks, lines of properties and
objects, comments, and the file:line of a statement."""

from __future__ import annotations

from pathlib import Path

from aiplus_kg.load.layout import Locations, read_layout, tokens

AIP = "https://w3id.org/aiplus/ontology#"
ID = "https://w3id.org/aiplus/id/"

TEXT = """# header
@prefix aip: <https://w3id.org/aiplus/ontology#> .
PREFIX id: <https://w3id.org/aiplus/id/>
BASE <https://w3id.org/aiplus/id/>

# before a
id:a  # subject's end of line
    a aip:Firm ;
    aip:label "a # not a comment" , '''two
lines''' ;
    aip:x id:b ,
        <c> ;  # x's end of line
    aip:n 1.5 , "2"^^aip:T ; aip:m "x"@en .
<d> aip:about [ aip:q id:e ] ; aip:y id:a . # d's end
id:a\\.b aip:z id:f.
[] aip:w id:a .
# after
"""


def test_tokens_know_strings_iris_comments_and_dots() -> None:
    kinds = [(t.kind, t.text) for t in tokens('id:a aip:p "x # y" , 1.5 ; aip:q <u#v>. # z')]
    assert kinds == [
        ("word", "id:a"),
        ("word", "aip:p"),
        ("string", '"x # y"'),
        ("punct", ","),
        ("word", "1.5"),
        ("punct", ";"),
        ("word", "aip:q"),
        ("iri", "<u#v>"),
        ("punct", "."),
        ("comment", "# z"),
    ]
    (comment,) = [t for t in tokens("id:a # z\n# w\n") if t.text == "# z"]
    assert not comment.own_line


def test_blocks_properties_objects_and_lines() -> None:
    layout = read_layout(TEXT)
    assert layout.header == ["# header"]
    assert layout.prefixes == {"aip": AIP, "id": ID}
    assert layout.base == ID
    subjects = [b.subject for b in layout.blocks]
    assert subjects == [ID + "a", ID + "d", ID + "a.b", None]
    first = layout.blocks[0]
    assert (first.line, first.leading, first.subject_eol) == (
        7,
        ["# before a"],
        ["# subject's end of line"],
    )
    assert [(p.iri, p.line) for p in first.predicates] == [
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", 8),
        (AIP + "label", 9),
        (AIP + "x", 11),
        (AIP + "n", 13),
        (AIP + "m", 13),
    ]
    assert first.predicates[2].objects == [(ID + "b", 11), (ID + "c", 12)]
    assert first.predicates[2].eol == ["# x's end of line"]
    assert first.predicates[3].objects == [(None, 13), (None, 13)]
    assert first.lines_of(AIP + "x", ID + "c") == [12]
    assert first.lines_of(AIP + "x", ID + "zz") == [11]
    assert first.lines_of(AIP + "label") == [9]
    second = layout.blocks[1]
    assert second.line == 14
    assert second.end_eol == ["# d's end"]
    assert second.lines_of(AIP + "y", ID + "a") == [14]
    assert layout.trailing == ["# after"]
    assert layout.block_lines(ID + "a") == [7]


def test_locations_name_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "one.ttl"
    path.write_text(TEXT, encoding="utf-8")
    graph = "https://w3id.org/aiplus/source/one"
    where = Locations([(graph, [path, tmp_path / "gone.ttl"])], lambda p: p.name)
    assert where.subject(graph, ID + "a") == ["one.ttl:7"]
    assert where.statement(graph, ID + "a", AIP + "x", ID + "c") == ["one.ttl:12"]
    assert where.statement(graph, ID + "d", AIP + "about", None) == ["one.ttl:14"]
    assert where.statement(graph, ID + "a", AIP + "nothing", None) == []
    assert where.subject("https://w3id.org/aiplus/source/other", ID + "a") == []
