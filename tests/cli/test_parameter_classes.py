"""Parameters that say what went wrong: a parameter that expects a class refuses an
entity of another class (exit 2), naming what it is and the closest entities of the
right class, instead of answering with no rows; a label that names several entities is
refused with the list, for query parameters as for ``describe`` and ``path``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.query_support import ROOT
from tests.support import copy_project, run_cli

MAKERS = """\
#+ summary: Who makes a chip
#+ defaults:
#+   - chip: id:ascend-910c
#+ classes:
#+   - chip: aip:Chip
PREFIX aip: <https://w3id.org/aiplus/ontology#>

SELECT ?_chip_iri ?maker WHERE { OPTIONAL { ?_chip_iri aip:madeBy ?maker } } ORDER BY ?maker
"""

MEMBERS = """\
#+ summary: What an organisation is
#+ classes:
#+   - org: aip:Organisation
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>

SELECT ?_org_iri ?type WHERE { ?_org_iri rdf:type ?type } ORDER BY ?type
"""


@pytest.fixture
def project(mini_copy: Path) -> Path:
    """The mini project (where the label "Ascend" names a chip and a brand), with two
    saved queries whose parameter expects a class."""
    queries = mini_copy / "queries"
    queries.mkdir()
    (queries / "makers.rq").write_text(MAKERS, encoding="utf-8")
    (queries / "members.rq").write_text(MEMBERS, encoding="utf-8")
    return mini_copy


def _refused(*args: str, root: Path = ROOT) -> str:
    result = run_cli(*args, root=root)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr


def test_a_firm_for_a_chip_names_what_it_is_and_the_closest_chips() -> None:
    message = _refused("query", "chip-to-goal", "-p", "chip=NVIDIA")
    assert message == (
        "aiplus: error: parameter 'chip' of chip-to-goal: 'NVIDIA' is id:nvidia (NVIDIA), "
        "a firm (aip:Firm), not a chip (aip:Chip); closest of class aip:Chip: "
        "id:nvidia-gpus (NVIDIA GPUs); id:nvidia-hopper (NVIDIA Hopper GPUs)\n"
    )
    assert "id:nvidia-gpus" in _refused("query", "chip-to-goal", "-p", "chip=id:nvidia")


def test_nothing_alike_lists_some_of_the_class() -> None:
    message = _refused("query", "chip-to-goal", "-p", "chip=Xi Jinping")
    assert "'Xi Jinping' is id:xi-jinping (Xi Jinping), a person (aip:Person), not a chip" in (
        message
    )
    assert "; of class aip:Chip: id:ascend-910b (Ascend 910B);" in message


def test_a_value_of_the_class_runs() -> None:
    result = run_cli("query", "chip-to-goal", "-p", "chip=NVIDIA GPUs", root=ROOT)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("chip: NVIDIA GPUs\n")


def test_a_subclass_is_of_the_class(project: Path) -> None:
    result = run_cli("query", "members", "-p", "org=Huawei", "--iris", root=project)
    assert result.exit_code == 0, result.stderr  # a company is an organisation
    assert "aip:Company" in result.stdout
    message = _refused("query", "members", "-p", "org=Li Qiang", root=project)
    assert "a person (aip:Person), not an organisation (aip:Organisation)" in message


def test_the_class_is_checked_when_the_query_comes_from_the_cache(project: Path) -> None:
    for _ in range(2):  # the second run reads the query's checks back from the cache
        assert "not a chip (aip:Chip)" in _refused(
            "query", "makers", "-p", "chip=id:ascend-brand", root=project
        )


def test_a_label_of_another_class_suggests_the_ones_sharing_its_words(project: Path) -> None:
    message = _refused("query", "makers", "-p", "chip=id:ascend-brand", root=project)
    assert "'id:ascend-brand' is id:ascend-brand (Ascend), an organisation" in message
    assert message.endswith("closest of class aip:Chip: id:ascend-910c (Ascend 910C)\n")


@pytest.mark.parametrize(
    "args",
    [
        ("query", "makers", "-p", "chip=Ascend"),
        ("describe", "ascend"),
        ("path", "Ascend", "Huawei"),
        ("path", "Huawei", "ASCEND"),
    ],
)
def test_a_label_of_several_entities_lists_them(project: Path, args: tuple[str, ...]) -> None:
    message = _refused(*args, root=project)
    assert "ambiguous entity" in message
    assert "id:ascend-910c (Ascend 910C)" in message
    assert "id:ascend-brand (Ascend)" in message


def test_the_catalogue_shows_the_class(project: Path) -> None:
    result = run_cli("queries", "--format", "json", root=project)
    makers = next(q for q in json.loads(result.stdout) if q["name"] == "makers")
    assert makers["parameters"] == [
        {
            "name": "chip",
            "variable": "_chip_iri",
            "type": "IRI of aip:Chip",
            "default": "id:ascend-910c",
            "class": "aip:Chip",
        }
    ]
    text = run_cli("queries", root=project).stdout
    assert "--param chip=... (IRI of aip:Chip, default id:ascend-910c)" in text


def test_only_the_entities_sharing_the_most_words_are_named(tmp_path: Path) -> None:
    """An article parameter that expects an article: a media outlet is refused, and the
    article whose title shares two words with it is named, not those sharing one."""
    project = copy_project(tmp_path / "project")
    query = project / "queries" / "article-facts.rq"
    default = "#+ defaults:\n#+   - article: src:001-c4f603b6c01e8ba9\n"
    text = query.read_text(encoding="utf-8")
    assert default in text
    classes = "#+ classes:\n#+   - article: aip:Article\n"
    query.write_text(text.replace(default, default + classes), encoding="utf-8")
    message = _refused("query", "article-facts", "-p", "article=China Daily", root=project)
    assert "is id:china-daily (China Daily), a media outlet (aip:MediaOutlet), not an" in message
    closest = message.split("; closest of class aip:Article: ")[1]
    assert closest.startswith("src:003-8046cdd2ea859826 (Article 003: ")
    assert "src:000" not in closest
    result = run_cli("query", "article-facts", "-p", "article=003", root=project)
    assert result.exit_code == 0, result.stderr
