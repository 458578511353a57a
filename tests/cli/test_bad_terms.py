"""One verdict for a term RDF cannot hold: every command that reads the file refuses it
alike, with exit code 2 and one line ``file:line: ...`` naming the term.

Each fixture of ``tests/data/bad-terms/`` (a comment in each says why it must fail) is
appended to a file of a copy of the project; then ``stats``, ``check``, ``validate``,
``query``, ``describe`` and ``sparql`` run on the copy, and each must print the same
line. rdflib reads most of these files; before, the commands that store, query or
validate with pyoxigraph crashed (exit 3) and the others went on (exit 0).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import DATA, copy_project, run_cli

FIXTURES = DATA / "bad-terms"

ARTICLE = "graph/articles/001-c4f603b6c01e8ba9.ttl"
REFERENCE = "graph/reference/firms.ttl"
ONTOLOGY = "ontology/aiplus.ttl"
SHAPES = "shapes/aiplus-shapes.ttl"

EXPECTED = {
    "iri-space": "bad IRI <https://w3id.org/aiplus/id/bad iri>: a space (U+0020) is not "
    "allowed in an IRI",
    "iri-control": "bad IRI <https://w3id.org/aiplus/id/bad\\u0001iri>: a control character "
    "(U+0001) is not allowed in an IRI",
    "iri-gt-escaped": "bad IRI <https://w3id.org/aiplus/id/bad\\u003Eiri>: '>' (U+003E) is not "
    "allowed in an IRI",
    "iri-gt": "syntax error: expected '.' or '}' or ']' at end of statement, at "
    "<https://w3id.org/aiplus/id/bad>iri> (an IRI cannot hold '>'; write it %3E)",
    "iri-percent": "bad IRI <https://w3id.org/aiplus/id/bad%zziri>: invalid IRI percent "
    "encoding '%zz'",
    "prefix-space": "bad IRI <https://w3id.org/aiplus/id/bad space/iri>: a space (U+0020) is "
    "not allowed in an IRI",
    "literal-surrogate": 'bad literal "bad \\uD800 text"@en: it holds a lone surrogate '
    "(U+D800), which is not Unicode text",
    "literal-language": "bad literal \"bad tag\"@en-a: bad language tag 'en-a': if an "
    "extension subtag is present, it must not be empty",
    "literal-ill-typed": 'ill-typed literal "maybe"^^<http://www.w3.org/2001/XMLSchema#boolean>',
}
"""What each fixture's error says after ``file:line: ``."""

KINDS = sorted(EXPECTED)

Command = Callable[[Path], list[str]]


def _sparql(root: Path) -> list[str]:
    query = root / "any.rq"
    query.write_text("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8")
    return ["sparql", str(query)]


COMMANDS: dict[str, Command] = {
    "stats": lambda root: ["stats"],
    "check": lambda root: ["check"],
    "validate": lambda root: ["validate"],
    "query": lambda root: ["query", "articles"],
    "describe": lambda root: ["describe", "Huawei"],
    "sparql": _sparql,
}


def _spoiled(root: Path, kind: str, target: str) -> int:
    """Append the fixture ``kind`` to the project file ``target``; the line (of
    ``target``) of the fixture's first statement, where the error must point."""
    path = root / target
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    added = (FIXTURES / f"{kind}.ttl.in").read_text(encoding="utf-8")
    path.write_text(text + added, encoding="utf-8")
    first = next(
        i for i, line in enumerate(added.splitlines()) if line and not line.startswith("#")
    )
    return text.count("\n") + first + 1


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], tuple[Path, int]]:
    """A copy of the project with one fixture appended to one file, made once per
    (fixture, file) for the module; with the line the error must name."""
    made: dict[tuple[str, str], tuple[Path, int]] = {}

    def project(kind: str, target: str) -> tuple[Path, int]:
        if (kind, target) not in made:
            root = copy_project(tmp_path_factory.mktemp(kind))
            made[kind, target] = root, _spoiled(root, kind, target)
        return made[kind, target]

    return project


def _refused(root: Path, args: list[str], target: str, line: int, kind: str) -> str:
    result = run_cli(*args, root=root)
    expected = f"aiplus: error: {target}:{line}: {EXPECTED[kind]}\n"
    assert (result.exit_code, result.stderr) == (2, expected), args
    assert result.stdout == ""
    return result.stderr


def test_every_fixture_says_why_it_must_fail() -> None:
    found = sorted(p.name.removesuffix(".ttl.in") for p in FIXTURES.iterdir())
    assert found == KINDS
    for kind in KINDS:
        text = (FIXTURES / f"{kind}.ttl.in").read_text(encoding="utf-8")
        assert text.startswith("# Must fail: "), kind


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("kind", KINDS)
def test_each_command_refuses_a_bad_term_in_an_article(
    projects: Callable[[str, str], tuple[Path, int]], kind: str, command: str
) -> None:
    root, line = projects(kind, ARTICLE)
    _refused(root, COMMANDS[command](root), ARTICLE, line, kind)


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("target", [ONTOLOGY, REFERENCE])
@pytest.mark.parametrize("kind", ["iri-space", "iri-gt-escaped"])
def test_each_command_refuses_a_bad_term_in_the_ontology_or_reference_data(
    projects: Callable[[str, str], tuple[Path, int]], kind: str, target: str, command: str
) -> None:
    root, line = projects(kind, target)
    _refused(root, COMMANDS[command](root), target, line, kind)


@pytest.mark.parametrize("command", ["stats", "check", "validate", "query"])
def test_the_reference_engine_gives_the_same_verdict(
    projects: Callable[[str, str], tuple[Path, int]], command: str
) -> None:
    root, line = projects("iri-control", ARTICLE)
    args = COMMANDS[command](root)
    fast = _refused(root, args, ARTICLE, line, "iri-control")
    assert _refused(root, ["--engine", "reference", *args], ARTICLE, line, "iri-control") == fast


@pytest.mark.parametrize("kind", KINDS)
def test_validate_refuses_a_bad_term_in_the_shapes(
    projects: Callable[[str, str], tuple[Path, int]], kind: str
) -> None:
    """Only ``validate`` reads ``shapes/``; the other commands do not depend on it."""
    root, line = projects(kind, SHAPES)
    _refused(root, ["validate"], SHAPES, line, kind)


@pytest.mark.parametrize("kind", ["iri-space", "literal-surrogate"])
def test_validate_refuses_a_bad_term_in_a_contributor_file(tmp_path: Path, kind: str) -> None:
    root = copy_project(tmp_path / "project")
    contributed = tmp_path / "005-0123456789abcdef.ttl"
    contributed.write_text("# a new article\n", encoding="utf-8")
    line = _spoiled(tmp_path, kind, contributed.name)
    result = run_cli("validate", str(contributed), root=root)
    assert result.exit_code == 2
    assert result.stderr.endswith(f"005-0123456789abcdef.ttl:{line}: {EXPECTED[kind]}\n")
    assert result.stderr.count("\n") == 1


@pytest.mark.slow
def test_a_16_mib_literal_loads_in_every_command(tmp_path: Path) -> None:
    """No cap on literals: one longer than pyoxigraph's parsers read (a token of 16 MiB at
    most; it was a MemoryError, exit 3) loads, and every command runs."""
    root = copy_project(tmp_path)
    article = root / ARTICLE
    value = "x" * (16 * 1024 * 1024)
    comment = "<http://www.w3.org/2000/01/rdf-schema#comment>"
    article.write_text(
        article.read_text(encoding="utf-8")
        + f'<https://w3id.org/aiplus/id/huawei> {comment} "{value}"@en .\n',
        encoding="utf-8",
    )
    for command, args in COMMANDS.items():
        result = run_cli(*args(root), root=root)
        assert (result.exit_code, result.stderr) == (0, ""), command
        if command == "describe":
            assert value in result.stdout
