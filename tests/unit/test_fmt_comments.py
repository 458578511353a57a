"""The formatter keeps what people write: the order of their blocks and every comment,
with the block and the property it belongs to; within a block, properties and objects
are canonical. Idempotent, and the text parses back to the same graph."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from aiplus_kg.export.fmt import format_text
from aiplus_kg.load.turtle import parse_turtle_data
from tests.blank_forms import nested_text, tree_form

PREFIXES = """PREFIX aip: <https://w3id.org/aiplus/ontology#>
PREFIX id: <https://w3id.org/aiplus/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

COMMENTED = f"""# The header: before the prefixes.
{PREFIXES}
# Firms first: a section of its own.

# Huawei, before its block.
id:huawei  # at the end of the subject's line
    rdfs:label "Huawei"@en ;
    # before the property it explains
    aip:makes id:ascend-910b ;
    aip:about [
        # inside a nested blank node: moves up before aip:about
        aip:x id:y
    ] ;
    a aip:Firm ;  # the type, written last
    # after the last property
.  # at the end of the final line

# The chip, before its block.
id:ascend-910b a aip:Chip .

# After the last block.
"""


def _graph(text: str) -> Graph:
    return parse_turtle_data(text)


def test_comments_before_inside_and_after_blocks() -> None:
    out = format_text(COMMENTED)
    assert out == (
        "# The header: before the prefixes.\n"
        "\n"
        f"{PREFIXES}"
        "\n"
        "# Firms first: a section of its own.\n"
        "\n"
        "# Huawei, before its block.\n"
        "id:huawei # at the end of the subject's line\n"
        "    a aip:Firm ; # the type, written last\n"
        '    rdfs:label "Huawei"@en ;\n'
        "    # inside a nested blank node: moves up before aip:about\n"
        "    aip:about\n"
        "        [\n"
        "            aip:x id:y ;\n"
        "        ] ;\n"
        "    # before the property it explains\n"
        "    aip:makes id:ascend-910b ;\n"
        "    # after the last property\n"
        ". # at the end of the final line\n"
        "\n"
        "# The chip, before its block.\n"
        "id:ascend-910b\n"
        "    a aip:Chip ;\n"
        ".\n"
        "\n"
        "# After the last block.\n"
    )
    assert format_text(out) == out
    assert isomorphic(_graph(out), _graph(COMMENTED))


def test_the_authors_order_of_blocks() -> None:
    text = PREFIXES + "id:z a aip:Firm .\nid:a a aip:Firm .\nid:m a aip:Firm .\n"
    out = format_text(text)
    assert [line for line in out.splitlines() if line.startswith("id:")] == [
        "id:z",
        "id:a",
        "id:m",
    ]


def test_a_subject_in_two_blocks_is_written_once_where_it_first_comes() -> None:
    text = PREFIXES + (
        "# first\nid:a rdfs:label 'A'@en . # end one\n"
        "id:b a aip:Firm .\n"
        "# second\nid:a a aip:Firm ; # type\n  rdfs:label 'A'@en . # end two\n"
    )
    out = format_text(text)
    assert out.count("id:a\n") == 1
    assert out.index("id:a\n") < out.index("id:b\n")
    for comment in ("# first", "# second", "# type", "# end one", "# end two"):
        assert out.count(comment) == 1, comment
    assert format_text(out) == out


def test_blank_lines_between_comments_are_kept_one_at_most() -> None:
    text = PREFIXES + "\n\n# one\n\n\n\n# two\n\nid:a a aip:Firm .\n\n\n\n# end\n\n\n"
    out = format_text(text)
    assert out.endswith("\n\n# one\n\n# two\n\nid:a\n    a aip:Firm ;\n.\n\n# end\n")


def test_a_block_with_a_blank_subject_keeps_its_comments_in_place() -> None:
    text = PREFIXES + (
        "id:a a aip:Firm .\n"
        "# about the anonymous one\n"
        "[] aip:x id:a . # its end\n"
        "id:b a aip:Firm .\n"
    )
    out = format_text(text)
    assert out.index("id:a\n") < out.index("# about the anonymous one") < out.index("id:b\n")
    assert "# its end" in out
    assert format_text(out) == out
    assert isomorphic(_graph(out), _graph(text))


def test_declared_prefixes_are_kept_even_unused() -> None:
    """So that a commented-out example parses once uncommented."""
    text = (
        PREFIXES
        + "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n\n# id:a aip:date '2025'^^xsd:gYear .\n"
    )
    out = format_text(text)
    assert (
        out
        == PREFIXES
        + "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n\n# id:a aip:date '2025'^^xsd:gYear .\n"
    )
    uncommented = out.replace("# id:a", "id:a")
    assert len(_graph(uncommented)) == 1


def test_hash_signs_in_strings_and_iris_are_not_comments() -> None:
    text = PREFIXES + (
        'id:a rdfs:label "# not a comment"@en ;  # a comment\n'
        "    aip:x <https://example.org/page#part> ;\n"
        '    aip:y """two\n# lines""" .\n'
    )
    out = format_text(text)
    assert out.count("# a comment") == 1
    assert '"# not a comment"@en' in out
    assert '"""two\n# lines"""' in out
    assert format_text(out) == out
    assert isomorphic(_graph(out), _graph(text))


def test_deep_nesting_with_comments_takes_no_recursion() -> None:
    text = "# deep\n" + nested_text(2000).replace("ex:s ex:p", "ex:s # the subject\n ex:p", 1)
    out = format_text(text)
    assert out.startswith("# deep\n")
    assert "ex:s # the subject\n" in out
    assert format_text(out) == out


# --- property: any layout of comments -------------------------------------------------

_TERMS = st.sampled_from(["id:a", "id:b", "id:c", "<https://example.org/x#y>"])
_PREDICATES = st.sampled_from(["a", "rdfs:label", "aip:p", "aip:q"])
_OBJECTS = st.sampled_from(
    [
        "id:a",
        "id:b",
        '"x"@en',
        '"1"^^<http://www.w3.org/2001/XMLSchema#decimal>',
        '"# in a string"',
        '"""long\n# string"""',
        "[ aip:p id:c ]",
        "( id:a id:b )",
        "12",
    ]
)
_GAPS = st.sampled_from([" ", "\n", "\n\n", " #C\n", "\n#C\n", "\n\n#C\n\n"])


@st.composite
def _documents(draw: st.DrawFn) -> str:
    tokens: list[str] = []
    for _ in range(draw(st.integers(1, 5))):
        subject = draw(st.one_of(_TERMS, st.just("[ aip:q id:a ]")))
        tokens.append(subject)
        pairs = draw(
            st.lists(
                st.tuples(_PREDICATES, st.lists(_OBJECTS, min_size=1, max_size=3)),
                min_size=1,
                max_size=3,
            )
        )
        for i, (predicate, objects) in enumerate(pairs):
            if i:
                tokens.append(";")
            tokens.append(predicate)
            for j, obj in enumerate(objects):
                if j:
                    tokens.append(",")
                tokens.append(obj if predicate != "a" else "aip:Firm")
        if draw(st.booleans()):
            tokens.append(";")
        tokens.append(".")
    text, count = PREFIXES, 0
    for token in tokens:
        gap = draw(_GAPS)
        if "#C" in gap:
            count += 1
            gap = gap.replace("#C", f"# c{count}")
        text += gap + token
    return text + draw(_GAPS).replace("#C", "# last") + "\n"


def _comments(text: str) -> list[str]:
    return sorted(re.findall(r"# (?:c\d+|last)\b", text))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents())
def test_any_layout_keeps_its_comments_and_graph(text: str) -> None:
    out = format_text(text)
    # the blank nodes of these texts form trees: tree_form decides isomorphism exactly,
    # where rdflib's isomorphic (and canon's, its copy) can answer False for two copies
    # of a graph with interchangeable subtrees, depending on the hash seed
    assert tree_form(_graph(out)) == tree_form(_graph(text))
    assert _comments(out) == _comments(text)
    assert format_text(out) == out
