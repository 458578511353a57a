"""The generated parts of README.md: the saved-query catalogue and the CLI reference."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from aiplus_kg.cli import cli
from aiplus_kg.cli import readme as readme_sync
from aiplus_kg.errors import InputError
from aiplus_kg.project import Project
from aiplus_kg.query.catalogue import load_catalogue
from tests.query_support import ROOT

README = ROOT / "README.md"
FIX = f"README.md is out of date; run: {readme_sync.SYNC_COMMAND}"

QUERY = """\
#+ summary: Chips and their makers | with a pipe
#+ defaults:
#+   - chip: id:ascend-910c
PREFIX aip: <https://w3id.org/aiplus/ontology#>

SELECT ?_chip_iri ?maker WHERE { ?_chip_iri aip:madeBy ?maker } ORDER BY ?maker
"""


def _command_paths(command: click.Command, path: tuple[str, ...]) -> list[str]:
    found = [" ".join(path)]
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            if not sub.hidden:
                found.extend(_command_paths(sub, (*path, name)))
    return found


def test_readme_is_in_sync() -> None:
    """The CI check: after changing a query header or a command, run the fix it names."""
    text = README.read_text(encoding="utf-8")
    stale = readme_sync.stale_blocks(text, readme_sync.blocks_for(Project(ROOT)))
    assert stale == [], f"{FIX} (stale: {', '.join(stale)})"


def test_catalogue_lists_every_saved_query() -> None:
    text = README.read_text(encoding="utf-8")
    for query in load_catalogue(Project(ROOT)):
        assert f"| `{query.name}` | {query.summary} |" in text


def test_cli_reference_covers_every_command() -> None:
    text = README.read_text(encoding="utf-8")
    paths = _command_paths(cli, ("aiplus",))
    assert {"aiplus draw path", "aiplus draw entity", "aiplus draw query", "aiplus docs"} <= set(
        paths
    )
    for path in paths:
        assert f"<summary><code>{path}</code></summary>" in text, path
        assert f"Usage: {path} " in text, path


def test_cli_reference_ignores_the_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    wide = readme_sync.cli_reference()
    monkeypatch.setenv("COLUMNS", "40")
    assert readme_sync.cli_reference() == wide
    assert max(len(line) for line in wide.splitlines() if not line.startswith("<")) <= 88


def test_replace_blocks_is_idempotent_and_keeps_the_rest() -> None:
    text = "intro\n<!-- BEGIN queries -->\nold\n<!-- END queries -->\nmiddle\n"
    text += "<!-- BEGIN cli -->\n<!-- END cli -->\nend\n"
    blocks = {"queries": "| a |", "cli": "help"}
    once = readme_sync.replace_blocks(text, blocks)
    assert readme_sync.replace_blocks(once, blocks) == once
    assert once.startswith("intro\n<!-- BEGIN queries -->\n")
    assert "old" not in once
    assert "middle\n" in once
    assert once.endswith("<!-- END cli -->\nend\n")
    assert readme_sync.stale_blocks(text, blocks) == ["queries", "cli"]
    assert readme_sync.stale_blocks(once, blocks) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("no markers at all\n", "is missing"),
        ("<!-- BEGIN queries -->\n<!-- END queries -->\n" * 2, "appears more than once"),
    ],
)
def test_marker_problems_are_named(text: str, problem: str) -> None:
    with pytest.raises(InputError, match=f"README.md: the block <!-- BEGIN queries -->.*{problem}"):
        readme_sync.replace_blocks(text, {"queries": "x"})


def test_query_table_escapes_pipes(mini_copy: Path) -> None:
    (mini_copy / "queries").mkdir()
    (mini_copy / "queries" / "chip-makers.rq").write_text(QUERY, encoding="utf-8")
    table = readme_sync.query_catalogue(load_catalogue(Project(mini_copy)))
    assert table.splitlines()[2] == (
        "| `chip-makers` | Chips and their makers \\| with a pipe "
        "| `chip` (IRI, default `id:ascend-910c`) |"
    )


def test_check_then_write(mini_copy: Path) -> None:
    (mini_copy / "queries").mkdir()
    (mini_copy / "queries" / "chip-makers.rq").write_text(QUERY, encoding="utf-8")
    readme = mini_copy / "README.md"
    readme.write_text(
        "# mini\n\n<!-- BEGIN queries -->\n<!-- END queries -->\n\n"
        "<!-- BEGIN cli -->\n<!-- END cli -->\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    args = ["--root", str(mini_copy)]
    check = runner.invoke(readme_sync._command, [*args, "--check"])
    assert check.exit_code == 1
    assert check.stderr == (
        f"README.md: out of date: queries, cli; run: {readme_sync.SYNC_COMMAND}\n"
    )
    write = runner.invoke(readme_sync._command, [*args, "--write"])
    assert (write.exit_code, write.stdout) == (0, "README.md: rewrote queries, cli\n")
    assert "`chip-makers`" in readme.read_text(encoding="utf-8")
    again = runner.invoke(readme_sync._command, [*args, "--write"])
    assert (again.exit_code, again.stdout) == (0, "README.md: up to date\n")
    check = runner.invoke(readme_sync._command, args)
    assert check.exit_code == 0


def test_missing_readme_is_one_line(mini_copy: Path) -> None:
    result = CliRunner().invoke(readme_sync._command, ["--root", str(mini_copy)])
    assert result.exit_code == 2
    assert result.stderr == "readme_sync: error: README.md: no such file\n"
