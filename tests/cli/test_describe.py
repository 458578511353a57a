"""``aiplus describe``: an entity by label, in text or JSON; unknown and ambiguous names."""

from __future__ import annotations

import json

from aiplus_kg.namespaces import ID
from tests.support import run_cli


def test_cli_describe_by_label_and_json() -> None:
    result = run_cli("describe", "huawei")
    assert result.exit_code == 0, result.output
    assert "reported" in result.stdout
    result = run_cli("describe", "Bureau IA+", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["entity"] == str(ID["ai-office"])
    assert data["hedges"][0]["label"] == "proposed"


def test_cli_describe_unknown_and_ambiguous() -> None:
    result = run_cli("describe", "Nokia")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "aiplus: error: unknown entity: 'Nokia' (no IRI, prefixed name or label matches)\n"
    )
    result = run_cli("describe", "Ascend")
    assert result.exit_code == 2
    assert "id:ascend-910c" in result.stderr
    assert "id:ascend-brand" in result.stderr
