"""``aiplus new-article``: the files it writes (only what it is given), in canonical form
and valid at once, where they sort; a dry run; and what it refuses, in one line."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from aiplus_kg.load.layout import read_layout
from aiplus_kg.load.turtle import parse_turtle
from aiplus_kg.namespaces import DCTERMS, ID, SRC
from tests.support import DATA, copy_project, run_cli

TEXT = DATA / "new-article" / "005_333b76d7c974f371.txt"
STEM = "005-333b76d7c974f371"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.ttl"))}


def test_only_what_is_given_and_valid_at_once(project: Path) -> None:
    result = run_cli("new-article", str(TEXT), "--language", "fr", root=project)
    assert result.exit_code == 0, result.stderr
    article = project / "graph" / "articles" / f"{STEM}.ttl"
    assert article.is_file()
    sources = parse_turtle(project / "graph" / "reference" / "sources.ttl")
    described = {p for p, _ in sources.predicate_objects(SRC[STEM])}
    assert DCTERMS.title not in described  # nothing is invented
    assert DCTERMS.date not in described
    assert DCTERMS.publisher not in described
    assert (SRC[STEM], DCTERMS.identifier, None) in sources
    assert run_cli("fmt", "--check", root=project).exit_code == 0
    checked = run_cli("validate", str(article), root=project)
    assert checked.exit_code == 0, checked.stdout
    assert STEM not in checked.stdout


def test_an_outlet_is_found_by_its_label_or_added_where_it_sorts(project: Path) -> None:
    media = project / "graph" / "reference" / "media.ttl"
    before = media.read_bytes()
    args = ["new-article", str(TEXT), "--language", "fr", "--outlet", "China Daily"]
    assert run_cli(*args, root=project).exit_code == 0
    assert media.read_bytes() == before  # an entity has that label: it is the publisher
    sources = parse_turtle(project / "graph" / "reference" / "sources.ttl")
    assert (SRC[STEM], DCTERMS.publisher, ID["china-daily"]) in sources

    other = project.parent / "other"
    copy_project(other)
    media = other / "graph" / "reference" / "media.ttl"
    args = ["new-article", str(TEXT), "--language", "fr", "--outlet", "Le Courrier de l'Asie"]
    result = run_cli(*args, root=other)
    assert result.exit_code == 0, result.stderr
    subjects = [b.subject for b in read_layout(media.read_text(encoding="utf-8")).blocks]
    assert str(ID["le-courrier-de-l-asie"]) in subjects
    assert subjects == sorted(subjects)  # where it sorts
    assert run_cli("fmt", "--check", root=other).exit_code == 0
    assert run_cli("validate", root=other).exit_code == 0


def test_a_dry_run_writes_nothing(project: Path) -> None:
    before = _snapshot(project)
    args = ["new-article", str(TEXT), "--language", "fr", "--outlet", "Le Courrier", "--dry-run"]
    result = run_cli(*args, root=project)
    assert result.exit_code == 0, result.stderr
    assert "  would write graph/articles/005-333b76d7c974f371.ttl: created" in result.stdout
    assert _snapshot(project) == before


def test_a_text_with_another_name_gets_the_next_number(project: Path, tmp_path: Path) -> None:
    text = tmp_path / "article.txt"
    text.write_bytes(TEXT.read_bytes())
    digest = hashlib.sha256(TEXT.read_bytes()).hexdigest()[:16]
    result = run_cli("new-article", str(text), "--language", "fr", root=project)
    assert result.exit_code == 0, result.stderr
    assert (project / "graph" / "articles" / f"005-{digest}.ttl").is_file()


def _refused(result_stderr: str, exit_code: int, expected: str) -> None:
    assert exit_code == 2
    assert result_stderr.startswith(f"aiplus: error: {expected}"), result_stderr
    assert result_stderr.count("\n") == 1


def test_what_it_refuses(project: Path, tmp_path: Path) -> None:
    assert run_cli("new-article", str(TEXT), "--language", "fr", root=project).exit_code == 0
    before = _snapshot(project)
    again = run_cli("new-article", str(TEXT), "--language", "fr", root=project)
    _refused(again.stderr, again.exit_code, f"article {STEM} exists already")
    missing = run_cli("new-article", str(tmp_path / "nope.txt"), "--language", "fr", root=project)
    _refused(missing.stderr, missing.exit_code, "")
    assert "nope.txt: no such file" in missing.stderr
    binary = tmp_path / "006_0123456789abcdef.txt"
    binary.write_bytes(b"ok\n\xff\n")
    bad = run_cli("new-article", str(binary), "--language", "fr", root=project)
    _refused(bad.stderr, bad.exit_code, "")
    assert "006_0123456789abcdef.txt:2: not valid UTF-8" in bad.stderr
    language = run_cli("new-article", str(binary), "--language", "french", root=project)
    _refused(language.stderr, language.exit_code, "--language 'french'")
    usage = run_cli("new-article", str(binary), root=project)
    _refused(usage.stderr, usage.exit_code, "Missing option '--language'")
    assert _snapshot(project) == before
