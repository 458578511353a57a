"""Names a person can say: an article is named by its number (``001``, ``1``), its stem,
or the name of its source text (``001_c4f603b6c01e8ba9.txt``), each also after
``src:``, wherever a command takes an article: an ENTITY, ``--graph``, a parameter."""

from __future__ import annotations

import json

import pytest

from aiplus_kg.namespaces import SRC, article_stem
from tests.support import REPO, run_cli

STEM = "001-c4f603b6c01e8ba9"
NAMES = [
    "001",
    "1",
    "src:001",
    STEM,
    f"src:{STEM}",
    "001_c4f603b6c01e8ba9",
    "001_c4f603b6c01e8ba9.txt",
]


def test_article_stem() -> None:
    stems = [STEM, "002-5bc2105a7a4f78dc", "a-one"]
    for name in NAMES:
        assert article_stem(name, stems) == STEM, name
    assert article_stem("003", stems) is None
    assert article_stem("001_0000000000000000", stems) is None  # another text
    assert article_stem("a", stems) == "a-one"  # what comes before "-", whatever it is
    assert article_stem("one", stems) is None
    assert article_stem("001", [STEM, "001-0123456789abcdef"]) is None  # two of them


@pytest.mark.parametrize("name", NAMES)
def test_describe_takes_every_name(name: str) -> None:
    result = run_cli("describe", name, "--format", "json", root=REPO)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["entity"] == str(SRC[STEM])


@pytest.mark.parametrize("name", ["src:003", "3", "003_8046cdd2ea859826.txt"])
def test_a_parameter_takes_every_name(name: str) -> None:
    expected = run_cli("query", "article-facts", "-p", "article=003", "--format", "csv", root=REPO)
    result = run_cli(
        "query", "article-facts", "-p", f"article={name}", "--format", "csv", root=REPO
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected.stdout


@pytest.mark.parametrize("name", ["src:002", "2", "002_5bc2105a7a4f78dc"])
def test_graph_takes_every_name(name: str) -> None:
    expected = run_cli("export", "--graph", "002", "--format", "nq", root=REPO)
    result = run_cli("export", "--graph", name, "--format", "nq", root=REPO)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected.stdout


def test_an_unknown_number_is_refused() -> None:
    result = run_cli("describe", "009", root=REPO)
    assert result.exit_code == 2
    assert result.stderr.startswith("aiplus: error: unknown entity: '009'")
