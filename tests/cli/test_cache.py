"""What the cache saves the commands: a repeated ``aiplus query``, ``validate`` or
``check`` on unchanged files reads back what the first run derived (the pyoxigraph
dataset, the validation report, the consistency check) instead of parsing and reasoning
again; one changed byte in an input makes a new key; deleting the cache changes nothing
but the time.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from aiplus_kg.load.cache import CACHE_ENV
from tests.support import copy_project, run_cli


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the real project (small enough), with its cache under tmp."""
    target = copy_project(tmp_path / "project")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return target


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any parse of the Turtle files, or any reasoning, fail the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed or reasoned again")

    monkeypatch.setattr("aiplus_kg.load.dataset.load_project", refuse)
    monkeypatch.setattr("aiplus_kg.load.dataset.read_turtle", refuse)
    monkeypatch.setattr("aiplus_kg.load.turtle.read_turtle", refuse)
    monkeypatch.setattr("aiplus_kg.reason.closure.compute_closure", refuse)
    monkeypatch.setattr("aiplus_kg.validate.run.validate", refuse)


def test_repeated_query_neither_parses_nor_reasons(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = run_cli("query", "chip-to-goal", "--format", "csv", root=project)
    assert first.exit_code == 0, first.stderr
    with monkeypatch.context() as patched:
        _no_parsing(patched)
        again = run_cli("query", "chip-to-goal", "--format", "csv", root=project)
        other = run_cli("query", "article-facts", "-p", "article=003", root=project)
    assert again.exit_code == 0, again.stderr
    assert again.stdout == first.stdout
    assert other.exit_code == 0, other.stderr


def test_repeated_validate_and_check_read_the_cache(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = {}
    for command in (["validate", "--format", "json"], ["check"]):
        results[command[0]] = run_cli(*command, root=project)
        assert results[command[0]].exit_code == 0, results[command[0]].stderr
    with monkeypatch.context() as patched:
        _no_parsing(patched)
        for command in (["validate", "--format", "json"], ["check"]):
            again = run_cli(*command, root=project)
            assert again.exit_code == 0, again.stderr
            assert again.stdout == results[command[0]].stdout
    assert json.loads(results["validate"].stdout)["conforms"] is True


def test_cached_report_keeps_the_ttl_output(project: Path) -> None:
    first = run_cli("validate", "--format", "ttl", root=project)
    again = run_cli("validate", "--format", "ttl", root=project)
    assert first.exit_code == again.exit_code == 0
    prefixes = [line for line in first.stdout.splitlines() if line.startswith("@prefix")]
    assert prefixes
    assert prefixes == [line for line in again.stdout.splitlines() if line.startswith("@prefix")]
    assert len(first.stdout.splitlines()) == len(again.stdout.splitlines())


def test_a_changed_file_is_read_again(project: Path) -> None:
    first = run_cli("query", "search-labels", "-p", "text=Silk", "--format", "csv", root=project)
    assert first.exit_code == 0, first.stderr
    entities = project / "graph" / "reference" / "plans.ttl"
    entities.write_text(
        entities.read_text(encoding="utf-8")
        + '\nid:silk-test a aip:Programme ; rdfs:label "Silk test"@en .\n',
        encoding="utf-8",
    )
    again = run_cli("query", "search-labels", "-p", "text=Silk", "--format", "csv", root=project)
    assert again.exit_code == 0, again.stderr
    assert "Silk test" in again.stdout
    assert "Silk test" not in first.stdout


def test_a_changed_file_is_validated_again(project: Path) -> None:
    assert run_cli("validate", root=project).exit_code == 0
    shapes = project / "shapes" / "aiplus-shapes.ttl"
    text = shapes.read_text(encoding="utf-8")
    shapes.write_text(text.replace("sh:severity sh:Warning ;", "sh:severity sh:Violation ;"))
    assert run_cli("validate", root=project).exit_code == 1


def test_deleting_the_cache_is_harmless(project: Path, tmp_path: Path) -> None:
    first = run_cli("query", "articles", "--format", "csv", root=project)
    shutil.rmtree(tmp_path / "cache")
    again = run_cli("query", "articles", "--format", "csv", root=project)
    assert again.exit_code == 0, again.stderr
    assert again.stdout == first.stdout
    assert any((tmp_path / "cache").rglob("*.nq"))


def test_the_reference_engine_does_not_use_the_cache(project: Path, tmp_path: Path) -> None:
    """It stands for what a user gets without this project: nothing is kept."""
    for command in (["query", "articles"], ["check"]):
        result = run_cli("--engine", "reference", *command, root=project)
        assert result.exit_code == 0, result.stderr
    assert not (tmp_path / "cache").exists()
    assert run_cli("query", "articles", root=project).exit_code == 0
    assert (tmp_path / "cache").exists()  # where the fast engine does keep it


# --- entries that cannot be trusted ---------------------------------------------------


def _tamper(entry: Path) -> None:
    """Change an entry's payload but not its checksum, keeping it well-formed: what
    the payload says is still plausible, and wrong."""
    header, payload = entry.read_bytes().split(b"\n", 1)
    record = json.loads(payload)
    if "triples" in record:  # check
        record["triples"] += 1000
        record["problems"] = ["made up"]
    elif "findings" in record:  # validation
        record["findings"] = []
    else:  # a saved query's checks: its columns in another order
        record["variables"] = record["variables"][::-1]
    entry.write_bytes(header + b"\n" + json.dumps(record).encode())


@pytest.mark.parametrize(
    ("command", "kind"),
    [
        (("check",), "check"),
        (("validate", "--format", "json"), "validation"),
        (("query", "chip-to-goal", "--format", "csv"), "queries"),
        (("query", "chip-to-goal", "--format", "csv"), "dataset"),
    ],
)
@pytest.mark.parametrize("how", ["tampered", "truncated"])
def test_a_damaged_entry_is_computed_again(
    project: Path, tmp_path: Path, command: tuple[str, ...], kind: str, how: str
) -> None:
    first = run_cli(*command, root=project)
    assert first.exit_code == 0, first.stderr
    entries = [p for p in (tmp_path / "cache" / kind).iterdir() if p.suffix in (".json", ".nq")]
    assert entries
    for entry in entries:
        if how == "truncated":
            entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])
        elif entry.suffix == ".nq":
            entry.write_bytes(entry.read_bytes().replace(b"huawei", b"huawai"))
        elif kind != "dataset":
            _tamper(entry)
    again = run_cli(*command, root=project)
    assert again.exit_code == first.exit_code, again.stderr
    assert again.stdout == first.stdout
    assert again.stderr == first.stderr
    assert "made up" not in again.stdout
    # and written again, whole
    for entry in entries:
        assert b"huawai" not in entry.read_bytes()
    final = run_cli(*command, root=project)
    assert final.stdout == first.stdout


def test_another_library_version_is_a_miss(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiplus_kg.load import cache as cache_module

    first = {name: run_cli(name, root=project) for name in ("check", "validate")}
    assert all(result.exit_code == 0 for result in first.values())
    counts = {k: len(list((tmp_path / "cache" / k).iterdir())) for k in ("check", "validation")}
    real = cache_module._installed_version
    monkeypatch.setattr(cache_module, "_LIBRARY_VERSIONS", [])
    monkeypatch.setattr(
        cache_module, "_installed_version", lambda n: "99.0" if n == "pyoxigraph" else real(n)
    )
    with monkeypatch.context() as patched:
        _no_parsing(patched)
        refused = run_cli("check", root=project)
    assert refused.exit_code != 0  # it had to parse and reason again
    again = {name: run_cli(name, root=project) for name in ("check", "validate")}
    for name, result in again.items():
        assert result.exit_code == 0, result.stderr
        assert result.stdout == first[name].stdout
    for kind, count in counts.items():
        assert len(list((tmp_path / "cache" / kind).iterdir())) == count + 1
