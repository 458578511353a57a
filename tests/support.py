"""Shared by the tests: fixture locations and an in-process CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from aiplus_kg.cli import cli

DATA = Path(__file__).resolve().parent / "data"
MINI = DATA / "mini"
REPO = Path(__file__).resolve().parents[1]
"""The checkout the tests run from: its ontology, graph, shapes and queries."""
PROJECT_FOLDERS = ("ontology", "graph", "shapes", "queries")


def copy_project(target: Path) -> Path:
    """A writable copy of the checkout's project (its ontology, graph, shapes and queries)
    at ``target``; the tests change the copy, never the checkout."""
    for name in PROJECT_FOLDERS:
        shutil.copytree(REPO / name, target / name)
    return target


def run_cli(*args: str, root: Path | None = MINI) -> Result:
    """Invoke ``aiplus [--root ROOT] ARGS`` in-process."""
    argv = (["--root", str(root)] if root is not None else []) + list(args)
    return CliRunner().invoke(cli, argv, catch_exceptions=False)
