"""The ``classes`` key of a saved query's header: which class an IRI parameter's value
must belong to. A class for no parameter, for a literal parameter, or that is not a
class name is an error naming the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from aiplus_kg.errors import InputError
from aiplus_kg.namespaces import AIP
from aiplus_kg.query.catalogue import load_query, parse_header

BODY = "PREFIX aip: <https://w3id.org/aiplus/ontology#>\nSELECT ?_chip_iri ?_text WHERE {}\n"


def _query(tmp_path: Path, classes: str) -> Path:
    path = tmp_path / "a-query.rq"
    path.write_text(f"#+ summary: A query\n#+ classes:\n{classes}{BODY}", encoding="utf-8")
    return path


def test_the_header_gives_each_parameter_its_class(tmp_path: Path) -> None:
    query = load_query(_query(tmp_path, "#+   - chip: aip:Chip\n"))
    chip = query.parameter("chip")
    assert chip is not None
    assert chip.class_iri == AIP.Chip
    assert chip.type_text == "IRI of aip:Chip"
    text = query.parameter("text")
    assert text is not None
    assert text.class_iri is None


def test_a_class_as_a_full_iri(tmp_path: Path) -> None:
    query = load_query(_query(tmp_path, "#+   - chip: <https://example.org/Gadget>\n"))
    chip = query.parameter("chip")
    assert chip is not None
    assert chip.class_iri == URIRef("https://example.org/Gadget")


@pytest.mark.parametrize(
    ("classes", "message"),
    [
        ("#+   - model: aip:AIModel\n", "a-query.rq:3: class for unknown parameter 'model'"),
        ("#+   - text: aip:Chip\n", "a-query.rq:3: parameter 'text' is a string: only an IRI"),
        ("#+   - chip: Chip\n", "a-query.rq:3: 'Chip' is not a class"),
        ("#+   - chip: nope:Chip\n", "a-query.rq:3: 'nope:Chip' is not a class"),
        ("#+   - chip: <a b>\n", "a-query.rq:3: '<a b>' is not a class"),
        (
            "#+   - chip: aip:Chip\n#+   - chip: aip:Hardware\n",
            "a-query.rq:4: class for 'chip' given twice",
        ),
    ],
)
def test_a_bad_class_names_the_line(tmp_path: Path, classes: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        load_query(_query(tmp_path, classes))
    assert message in str(info.value)


def test_the_header_keeps_the_lines() -> None:
    header = parse_header("#+ summary: s\n#+ classes:\n#+   - chip: aip:Chip\n")
    assert header.classes == (("chip", "aip:Chip", 3),)
