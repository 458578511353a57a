"""The generated parts of the documentation are up to date: the table of saved queries
in README.md and the command-line reference in docs/cli-reference.md, both written by
cog from the package itself."""

from __future__ import annotations

import difflib
import io
from pathlib import Path

import pytest
from cogapp import Cog

from aiplus_kg.cli import cli
from tests.support import REPO

GENERATED = ("README.md", "docs/cli-reference.md")
FIX = f"python -m cogapp -r {' '.join(GENERATED)}"


def _commands(command: object, path: tuple[str, ...] = ("aiplus",)) -> list[str]:
    found = [" ".join(path)]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        found.extend(_commands(sub, (*path, name)))
    return found


def _cog(*args: str) -> tuple[int, str]:
    """Run cog on the checkout's files in-process: its exit status and what it printed."""
    cog, printed = Cog(), io.StringIO()
    cog.set_output(stdout=printed, stderr=printed)
    return cog.main(["cog", *args]), printed.getvalue()


def _differences(tmp_path: Path) -> str:
    """What cog would change, as a unified diff (for the failure message)."""
    lines: list[str] = []
    for name in GENERATED:
        target = tmp_path / name.replace("/", "-")
        _cog("-o", str(target), name)
        old = (REPO / name).read_text(encoding="utf-8").splitlines()
        new = target.read_text(encoding="utf-8").splitlines() if target.exists() else []
        lines.extend(difflib.unified_diff(old, new, name, f"{name} (generated)", lineterm=""))
    return "\n".join(lines[:80])


def test_generated_blocks_are_up_to_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After changing a command, an option or a saved query's header, run the fix named.
    The text does not depend on the width of the terminal cog runs in."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "40")
    status, printed = _cog("--check", "--verbosity=1", *GENERATED)
    if status != 0:
        pytest.fail(
            f"{printed}generated text out of date; run: {FIX}\n{_differences(tmp_path)}",
            pytrace=False,
        )


def test_the_reference_covers_every_command() -> None:
    text = (REPO / "docs" / "cli-reference.md").read_text(encoding="utf-8")
    paths = _commands(cli)
    assert {"aiplus validate", "aiplus draw path", "aiplus describe-dataset"} <= set(paths)
    for path in paths:
        assert f"\n## {path}\n" in text, path
        assert f"Usage: {path} " in text, path


def test_the_readme_lists_every_saved_query() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    names = sorted(p.stem for p in (REPO / "queries").glob("*.rq"))
    assert len(names) >= 20
    for name in names:
        assert f"\n| `{name}` | " in text, name
