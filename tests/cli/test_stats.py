"""``aiplus stats`` on the command line, in text and JSON."""

from __future__ import annotations

import json

from aiplus_kg.load.dataset import LoadedDataset
from tests.support import run_cli


def test_cli_stats_text_and_json(loaded_mini: LoadedDataset) -> None:
    result = run_cli("stats")
    assert result.exit_code == 0
    assert "src:a-one" in result.stdout
    result = run_cli("stats", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["union_triples"] == len(loaded_mini.dataset)
    assert {a["name"] for a in data["articles"]} == {"src:a-one", "src:a-two"}
