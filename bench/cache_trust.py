"""What trusting the cache costs a warm ``aiplus query``: before and after, side by side.

    python bench/cache_trust.py --before REV [--after REV] [--runs N] [--query NAME]

Each version's ``src/`` is extracted from git under ``build/bench/cache-trust/REV``
(``--after`` defaults to the working tree) and run with the same Python, each with a
cache of its own, filled first. Every figure is the best of ``--runs`` fresh
processes, the versions alternating:

* ``query``: the whole ``python -m aiplus_kg query NAME`` (the cache warm);
* ``keys``: the first cache key of a process, rdflib and pyoxigraph imported (the
  package's code digest, and after the change the engine libraries' versions);
* ``dataset entry``: reading the pyoxigraph dataset back from the cache (the entry's
  bytes, its checksum, the N-Quads parsed by pyoxigraph).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WORKER = """
import json, sys, time
import pyoxigraph, rdflib  # imported by every query before its first key
from aiplus_kg.knowledge_graph import KnowledgeGraph
from aiplus_kg.project import Project
kg = KnowledgeGraph(Project(__import__("pathlib").Path(sys.argv[1])))
t0 = time.perf_counter()
key = kg._key("dataset")
t1 = time.perf_counter()
store = kg.store
t2 = time.perf_counter()
assert "loaded" not in kg.__dict__, "the dataset was not read from the cache"
print(json.dumps({"keys": t1 - t0, "dataset entry": t2 - t1}))
"""


def _source(rev: str | None, build: Path) -> Path:
    if rev is None:
        return ROOT / "src"
    target = build / rev / "src"
    if not target.exists():
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", rev, "src"], capture_output=True, check=True
        ).stdout
        with tempfile.TemporaryFile() as handle:
            handle.write(archive)
            handle.seek(0)
            with tarfile.open(fileobj=handle) as tar:
                tar.extractall(build / rev, filter="data")
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(target)], check=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, metavar="REV")
    parser.add_argument("--after", default=None, metavar="REV", help="default: working tree")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--query", default="entity-sources")
    args = parser.parse_args()
    build = ROOT / "build" / "bench" / "cache-trust"
    versions = {
        f"before ({args.before})": _source(args.before, build),
        f"after ({args.after or 'working tree'})": _source(args.after, build),
    }
    caches = {name: tempfile.mkdtemp(prefix="aiplus-bench-cache-") for name in versions}
    best: dict[str, dict[str, float]] = {name: {} for name in versions}

    def env(name: str) -> dict[str, str]:
        out = dict(os.environ, PYTHONPATH=str(versions[name]), AIPLUS_CACHE_DIR=caches[name])
        out.pop("AIPLUS_ROOT", None)
        return out

    query = [sys.executable, "-m", "aiplus_kg", "--root", str(ROOT), "query", args.query]
    for name in versions:  # fill the caches
        subprocess.run(query, env=env(name), capture_output=True, check=True)
    for _ in range(args.runs):
        for name in versions:
            start = time.perf_counter()
            subprocess.run(query, env=env(name), capture_output=True, check=True)
            figures = {"query": time.perf_counter() - start}
            done = subprocess.run(
                [sys.executable, "-c", WORKER, str(ROOT)],
                env=env(name),
                capture_output=True,
                text=True,
                check=True,
            )
            figures.update(json.loads(done.stdout.strip().splitlines()[-1]))
            for key, value in figures.items():
                best[name][key] = min(best[name].get(key, value), value)
    names = list(versions)
    print(f"best of {args.runs} fresh processes, query {args.query}")
    print(f"  {'':<16}" + "".join(f"{n:>30}" for n in names))
    for key in best[names[0]]:
        row = "".join(f"{best[n][key] * 1000:>27.2f} ms" for n in names)
        print(f"  {key:<16}{row}")


if __name__ == "__main__":
    main()
