"""``aiplus fmt``: check, then rewrite; explicit paths skip what is never formatted;
missing and malformed files are errors."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.compare import isomorphic

from tests.support import run_cli


def _parse(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def test_check_then_rewrite(mini_copy: Path) -> None:
    article = mini_copy / "graph" / "articles" / "a-one.ttl"
    before = _parse(article.read_text(encoding="utf-8"))
    article.write_text(before.serialize(format="turtle"), encoding="utf-8")

    result = run_cli("fmt", "--check", root=mini_copy)
    assert result.exit_code == 1
    assert "not canonical: graph/articles/a-one.ttl" in result.stdout
    assert "a-two" not in result.stdout

    result = run_cli("fmt", root=mini_copy)
    assert result.exit_code == 0
    assert "formatted: graph/articles/a-one.ttl" in result.stdout
    assert isomorphic(_parse(article.read_text(encoding="utf-8")), before)

    result = run_cli("fmt", "--check", root=mini_copy)
    assert result.exit_code == 0, result.stdout
    assert result.stdout == "ok: 5 file(s) canonical\n"


def test_malformed_file_is_reported_with_its_line(mini_copy: Path) -> None:
    bad = mini_copy / "shapes" / "broken.ttl"
    bad.parent.mkdir(exist_ok=True)
    bad.write_text("<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> .\n", encoding="utf-8")
    result = run_cli("fmt", "--check", root=mini_copy)
    assert result.exit_code == 2
    assert result.stderr.startswith("aiplus: error: shapes/broken.ttl:2: syntax error")
    assert bad.read_text(encoding="utf-8").startswith("<urn:a>")


def test_an_explicit_folder_skips_invalid_files(mini_copy: Path) -> None:
    invalid = mini_copy / "graph" / "articles" / "invalid-x.ttl"
    invalid.write_text("this is not turtle", encoding="utf-8")
    result = run_cli("fmt", "--check", str(mini_copy / "graph"), root=mini_copy)
    assert result.exit_code == 0, result.output


def test_missing_path_is_exit_2(mini_copy: Path) -> None:
    result = run_cli("fmt", str(mini_copy / "nope.ttl"), root=mini_copy)
    assert result.exit_code == 2
