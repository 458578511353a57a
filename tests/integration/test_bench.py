"""Smoke tests of the benchmark harness (``bench/``); the benchmark itself never runs here.

The generator must give a valid project, the same bytes for the same seed; the script
must run on the shipped graph alone (``--sizes shipped``) and print its table.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDFS

from tests.support import run_cli

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.ttl")}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    generate = _module("generate")
    out = tmp_path_factory.mktemp("bench") / "small"
    return out, generate.generate(out, 6500, seed=7)


def test_sizes_are_parsed() -> None:
    parse_size = _module("generate").parse_size
    assert parse_size("10k") == 10_000
    assert parse_size("1M") == 1_000_000
    assert parse_size("2500") == 2500


def test_generator_reaches_the_size(generated: tuple[Path, dict[str, int]]) -> None:
    out, counts = generated
    assert counts["triples"] >= 6500
    assert counts["articles"] >= 2
    assert len(list((out / "graph" / "articles").glob("*.ttl"))) == 5 + counts["articles"]


def test_generator_is_reproducible(generated: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    out, _ = generated
    generate = _module("generate")
    generate.generate(tmp_path / "again", 6500, seed=7)
    assert _files(tmp_path / "again") == _files(out)
    generate.generate(tmp_path / "other", 6500, seed=8)
    assert _files(tmp_path / "other") != _files(out)


def test_generated_labels_stay_unique(generated: tuple[Path, dict[str, int]]) -> None:
    out, _ = generated
    graph = Graph()
    for path in sorted((out / "graph").rglob("*.ttl")):
        graph.parse(path, format="turtle")
    seen: dict[tuple[str, str | None], set[object]] = {}
    for subject, label in graph.subject_objects(RDFS.label):
        assert isinstance(label, Literal)
        seen.setdefault((str(label), label.language), set()).add(subject)
    assert all(len(subjects) == 1 for subjects in seen.values())


def test_generated_project_is_valid(generated: tuple[Path, dict[str, int]]) -> None:
    out, _ = generated
    result = run_cli("validate", root=out)
    assert result.exit_code == 0, result.stdout[-2000:]
    assert result.stdout.splitlines()[-1].startswith("conforms: 0 violation(s)")


def test_script_runs_on_the_shipped_graph() -> None:
    command = [sys.executable, str(BENCH / "run.py"), "--sizes", "shipped", "--runs", "1"]
    command += ["--no-cli", "--budget", "0.5", "--query-budget", "0.5", "--reference-budget", "20"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].split()[:3] == ["size", "stage", "product"]
    stages = {line.split()[1] for line in lines[2:] if line.startswith("shipped")}
    assert {"parse", "store", "closure", "validate", "bind", "export", "query:articles"} <= stages
    assert any("peak memory" in line for line in lines)
    assert "> budget" in done.stdout  # owlrl does not close the shipped graph in 0.5 s
    assert not any(line.startswith("10k") for line in lines)


def test_whole_check_worker_times_every_stage() -> None:
    command = [sys.executable, str(BENCH / "run.py"), "--worker", "whole", "--root", str(ROOT)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.splitlines()[-1])
    times = result["times"]
    assert {"parse", "validate", "store", "bind parameters", "query:articles"} <= times.keys()
    assert result["total"] == pytest.approx(sum(times.values()))


def test_growth_is_judged_on_the_best_time_of_each_size() -> None:
    verdict = _module("run").whole_rounds_verdict
    rounds = [{"100k": 10.0, "1M": 130.0}, {"100k": 12.0, "1M": 110.0}]
    line = verdict(rounds)
    assert "10.0 s -> 110.0 s = 11.0x" in line
    assert "each round: 13.0x, 9.2x" in line
    assert line.endswith(", holds")
    over = verdict([{"100k": 10.0, "1M": 121.0}])
    assert over.endswith("12.1x (<= 12x; each round: 12.1x), does not hold")
    failed = verdict([{"100k": 10.0, "1M": "whole worker over 2400 s"}])
    assert failed.endswith("whole worker over 2400 s, does not hold")
