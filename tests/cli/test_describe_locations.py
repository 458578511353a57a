"""``aiplus describe`` says where each statement is written: the file and line of the
statement, or of the claim that holds a hedged one, and where the entity's blocks are."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support import REPO, copy_project, run_cli


def _line(where: str, root: Path = REPO) -> str:
    path, _, number = where.rpartition(":")
    return (root / path).read_text(encoding="utf-8").splitlines()[int(number) - 1]


def test_each_statement_names_its_file_and_line() -> None:
    result = run_cli("describe", "DeepSeek R2", "--format", "json", root=REPO)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    # the entity: typed and labelled among the products, its facts in article 001
    assert [_line(w) for w in data["locations"]] == ["id:deepseek-r2", "id:deepseek-r2"]
    assert data["locations"][0].startswith("graph/reference/products.ttl:")
    groups = {g["property"].rsplit("#", 1)[-1]: g for g in data["outgoing"]}
    (developer,) = groups["developedBy"]["values"]
    (where,) = developer["locations"]
    assert where.startswith("graph/articles/001-c4f603b6c01e8ba9.ttl:")
    assert _line(where).split() == ["aip:developedBy", "id:deepseek", ";"]
    # a hedged statement: where its claim is
    (chip,) = groups["usesChip"]["values"]
    (where,) = chip["locations"]
    assert _line(where) == "id:claim-001-deepseek-r2-uses-ascend-910b"
    # an incoming statement: in the block of its subject
    incoming = {g["property"].rsplit("#", 1)[-1]: g for g in data["incoming"]}
    for value in incoming["about"]["values"]:
        assert value["locations"], value


def test_the_text_shows_them_after_the_sources() -> None:
    result = run_cli("describe", "id:deepseek-r2", root=REPO)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[3].startswith("  written graph/reference/products.ttl:")
    developed = next(line for line in lines if line.startswith("    - DeepSeek (id:deepseek)"))
    assert "[src:001-c4f603b6c01e8ba9]  graph/articles/001-c4f603b6c01e8ba9.ttl:" in developed


def test_lines_follow_the_files_as_they_are(tmp_path: Path) -> None:
    """Lines are looked up when describe runs: a block moved down is found there."""
    root = copy_project(tmp_path / "project")
    article = root / "graph" / "articles" / "001-c4f603b6c01e8ba9.ttl"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("\nid:", "\n# a comment\n\nid:", 1), encoding="utf-8")
    result = run_cli("describe", "DeepSeek R2", "--format", "json", root=root)
    assert result.exit_code == 0, result.stderr
    for where in json.loads(result.stdout)["locations"]:
        assert _line(where, root) == "id:deepseek-r2"
