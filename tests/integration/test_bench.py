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

from tests.support import REPO, run_cli

ROOT = REPO
BENCH = ROOT / "bench"

pytestmark = pytest.mark.slow


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


def test_script_runs_on_the_shipped_graph(tmp_path: Path) -> None:
    command = [sys.executable, str(BENCH / "run.py"), "--sizes", "shipped", "--runs", "1"]
    command += ["--reference-budget", "0.5", "--build", str(tmp_path), "--no-compile"]
    command += ["--queries", "chip-to-goal,articles", "--json", str(tmp_path / "figures.json")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "P1 aiplus validate, cold, shipped" in out
    assert "pyshacl -i owlrl" in out
    assert "over budget" in out  # pyshacl does not validate the shipped graph in 0.5 s
    assert "P1 shipped: pyshacl over its budget: at least" in out
    assert "P2 saved query, cold start" in out
    assert "P2: slowest saved query" in out
    timed = json.loads((tmp_path / "figures.json").read_text(encoding="utf-8"))["P2"]["queries"]
    assert set(timed["after"]) == {"chip-to-goal", "articles"}  # only the ones asked for
    assert "P6: src/" in out
    assert "P3" not in out  # no generated size was asked for
    assert not (tmp_path / "100k").exists()


def test_whole_check_worker_times_every_stage(tmp_path: Path) -> None:
    command = [sys.executable, str(BENCH / "run.py"), "--worker", "whole", "--root", str(REPO)]
    command += ["--build", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.splitlines()[-1])
    times = result["times"]
    assert {"parse", "validate", "store", "bind"} <= times.keys()
    assert result["total"] == pytest.approx(sum(times.values()))
    assert result["peak_mb"] > 0
    assert (tmp_path / "store.nq").stat().st_size > 0  # for pyoxigraph alone to load


def _rounds(totals: list[tuple[float, float]]) -> dict[str, list[dict[str, float]]]:
    return {
        "100k": [{"total": small, "peak_mb": 100.0} for small, _ in totals],
        "1M": [{"total": large, "peak_mb": 1000.0} for _, large in totals],
    }


def test_growth_is_judged_on_the_best_time_of_each_size() -> None:
    run = _module("run")
    after = run.Version("after", BENCH)
    results = {
        "P3": {
            "rounds": {"after": _rounds([(10.0, 130.0), (12.0, 110.0)])},
            "queries": {"times": {"q": 1.0}},
            "oxigraph": {"times": {"q": 0.8}},
        }
    }
    lines = run.report(results, [after])
    growth = next(line for line in lines if line.startswith("P3 growth"))
    assert "11.0x (rounds 13.0x, 9.2x; target 12x): holds" in growth
    results["P3"]["rounds"]["after"] = _rounds([(10.0, 121.0)])
    growth = next(line for line in run.report(results, [after]) if line.startswith("P3 growth"))
    assert growth.endswith("MISSED")
    queries = next(line for line in lines if line.startswith("P3 saved queries"))
    assert "1.25x pyoxigraph (target 1.5x): holds" in queries
