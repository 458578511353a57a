"""The example contributor files under tests/data/valid and tests/data/invalid.

Each file goes through ``aiplus validate FILE --format json`` in the context of the real
project. A valid file must conform. An invalid file must fail, and its header says why and
which findings it must produce::

    # why: <one sentence>
    # expect: <Severity> <ConstraintComponent> <path or -> <focus CURIE>

The Violation findings must be exactly the ``# expect: Violation`` lines (compared on
severity, component, path and focus). When a file lists warnings too, the warnings it adds
to those of the project must be exactly its ``# expect: Warning`` lines.

Each test validates what it checks (under a second); the project alone is validated once
per module, as the reference for the warnings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from aiplus_kg.namespaces import ID, RDF, RDFS, SRC, curie
from tests.support import DATA, REPO, run_cli

VALID = sorted((DATA / "valid").glob("*.ttl"))
INVALID = sorted((DATA / "invalid").glob("*.ttl"))
TEST_SOURCE = SRC["999-0000000000000000"]

KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.ttl")
WHY = re.compile(r"# why: (?P<text>\S.*\.)\s*")
EXPECT = re.compile(r"# expect: (Violation|Warning|Info) (\w+) (\S+) (\S+)\s*")

Key = tuple[str, str, str, str]
"""(severity, component, path or "-", focus CURIE)"""


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    findings: frozenset[Key]
    output: str

    def of(self, severity: str) -> set[Key]:
        return {key for key in self.findings if key[0] == severity}


def _validate(path: Path | None) -> Outcome:
    """``aiplus validate [path] --format json`` on the project."""
    args = ["validate", "--format", "json", *([str(path)] if path else [])]
    result = run_cli(*args, root=REPO)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        return Outcome(result.exit_code, frozenset(), result.output)
    findings = frozenset(
        (f["severity"], f["component"], f["path"] or "-", curie(f["focus"]))
        for f in report["findings"]
    )
    return Outcome(result.exit_code, findings, result.output)


@pytest.fixture(scope="module")
def project() -> Outcome:
    """The project alone, validated."""
    return _validate(None)


def _header(path: Path) -> list[str]:
    """The comment lines before the first line of Turtle."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            break
        lines.append(line)
    return lines


def _expected(path: Path) -> set[Key]:
    return {m.groups() for line in _header(path) if (m := EXPECT.fullmatch(line))}


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


# --- file names and headers ----------------------------------------------------------


def test_there_are_examples() -> None:
    assert 2 <= len(VALID) <= 3
    assert len(INVALID) >= 18


@pytest.mark.parametrize("path", VALID + INVALID, ids=_ids(VALID + INVALID))
def test_file_name_is_kebab_case(path: Path) -> None:
    assert KEBAB.fullmatch(path.name), path.name


@pytest.mark.parametrize("path", INVALID, ids=_ids(INVALID))
def test_invalid_file_name_starts_with_invalid(path: Path) -> None:
    assert path.name.startswith("invalid-")


@pytest.mark.parametrize("path", VALID, ids=_ids(VALID))
def test_valid_file_name_starts_with_valid(path: Path) -> None:
    assert path.name.startswith("valid-")


@pytest.mark.parametrize("path", INVALID, ids=_ids(INVALID))
def test_invalid_file_header(path: Path) -> None:
    header = _header(path)
    whys = [line for line in header if line.startswith("# why:")]
    assert len(whys) == 1, f"{path.name}: needs exactly one '# why:' line"
    assert WHY.fullmatch(whys[0]), f"{path.name}: '# why:' is one sentence ending with a period"
    expects = [line for line in header if line.startswith("# expect:")]
    assert all(EXPECT.fullmatch(line) for line in expects), f"{path.name}: malformed # expect"
    assert any(key[0] == "Violation" for key in _expected(path)), f"{path.name}: no violation"


@pytest.mark.parametrize("path", VALID + INVALID, ids=_ids(VALID + INVALID))
def test_example_is_self_contained(path: Path) -> None:
    """New nodes are test nodes stated in the made-up article, which the file describes."""
    graph = Graph().parse(path, format="turtle")
    assert (TEST_SOURCE, RDF.type, None) in graph, "the file describes its source"
    for node in set(graph.subjects(RDFS.label, None)):
        assert node == TEST_SOURCE or str(node).startswith(str(ID["test-"])), node
    for node in set(graph.subjects()) - {TEST_SOURCE}:
        assert isinstance(node, URIRef), node
        assert node.startswith(str(ID)), node


@pytest.mark.parametrize("path", VALID, ids=_ids(VALID))
def test_valid_example_is_labelled_as_test_data(path: Path) -> None:
    marks = {"en": "test data", "fr": "données de test"}
    graph = Graph().parse(path, format="turtle")
    for node, label in graph.subject_objects(RDFS.label):
        assert isinstance(label, Literal)
        mark = marks.get(label.language or "")
        assert mark is None or mark in str(label), f"{curie(str(node))}: {label!r}"


# --- validation ----------------------------------------------------------------------


def test_project_alone_conforms(project: Outcome) -> None:
    # Otherwise the project's own violations would show up in every example.
    assert project.exit_code == 0, project.output
    assert not project.of("Violation")


@pytest.mark.parametrize("path", VALID, ids=_ids(VALID))
def test_valid_example_conforms(path: Path) -> None:
    outcome = _validate(path)
    assert outcome.exit_code == 0, outcome.output
    assert not outcome.of("Violation")


@pytest.mark.parametrize("path", INVALID, ids=_ids(INVALID))
def test_invalid_example_fails_with_its_findings(path: Path, project: Outcome) -> None:
    outcome, expected = _validate(path), _expected(path)
    assert outcome.exit_code == 1, outcome.output
    assert outcome.of("Violation") == {k for k in expected if k[0] == "Violation"}
    expected_warnings = {k for k in expected if k[0] == "Warning"}
    if expected_warnings:
        added = outcome.of("Warning") - project.of("Warning")
        assert added == expected_warnings
