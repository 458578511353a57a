"""``aiplus query`` imports only what a saved query needs.

A saved query is a short command, so most of its cost is the modules it imports: it
must not pull in the validator, the reasoners, the drawing, the export, the HTTP client
and server, and, once the cache holds the dataset and the query's checks, neither the
Turtle parser nor the SPARQL parser. Each run is a fresh interpreter (this session has
imported everything already) on the shipped data, with the cache in a temporary folder:
the first run fills it, the second reads it back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aiplus_kg.load.cache import CACHE_ENV
from tests.support import REPO

ROOT = REPO

NEVER = (
    "pyshacl",
    "pyshacl_turbo",
    "reasonable",
    "owlrl",
    "graphviz",
    "http.server",
    "socketserver",
    "multiprocessing",
    "aiplus_kg.views.describe",
    "aiplus_kg.views.docs",
    "aiplus_kg.views.draw",
    "aiplus_kg.export.serialise",
    "aiplus_kg.export.fmt",
    "aiplus_kg.export.jsonld",
    "aiplus_kg.views.paths",
    "aiplus_kg.serve.pool",
    "aiplus_kg.reason",
    "aiplus_kg.query.remote",
    "aiplus_kg.serve.server",
    "aiplus_kg.query.values",
    "aiplus_kg.views.stats",
    "aiplus_kg.validate",
    "aiplus_kg.export.void",
)
"""Modules no saved query run imports (a package counts with its submodules)."""

NOT_ON_A_HIT = (
    "pyparsing",
    "rdflib.plugins.sparql",
    "rdflib.plugins.parsers.notation3",
    "aiplus_kg.load.dataset",
)
"""What a run that finds everything in the cache does not import either."""

_PROBE = """
import json, sys
from aiplus_kg.cli import main

try:
    main(sys.argv[2:])
finally:
    with open(sys.argv[1], "w", encoding="utf-8") as handle:
        json.dump(sorted(sys.modules), handle)
"""


def _imported(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run ``aiplus --root ROOT ARGS`` in a fresh interpreter; what it imported."""
    listing = tmp_path / "modules.json"
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, str(listing), "--root", str(ROOT), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, CACHE_ENV: str(tmp_path / "cache")},
    )
    return proc, set(json.loads(listing.read_text(encoding="utf-8")))


def _found(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules for n in names if m == n or m.startswith(f"{n}."))


@pytest.mark.parametrize(
    "args",
    [
        ("query", "multi-source-facts"),
        ("query", "entity-sources", "--param", "entity=Huawei", "--format", "json"),
    ],
    ids=["defaults", "label-parameter"],
)
def test_a_saved_query_imports_nothing_heavy(tmp_path: Path, args: tuple[str, ...]) -> None:
    first, modules = _imported(tmp_path, *args)
    assert first.returncode == 0, first.stderr
    assert first.stdout
    assert _found(modules, NEVER) == []

    again, modules = _imported(tmp_path, *args)
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout
    assert _found(modules, NEVER + NOT_ON_A_HIT) == []
    assert "pyoxigraph" in modules  # the fast engine did run the query
