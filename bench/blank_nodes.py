"""Blank nodes: export, push and fmt on graphs of 1k, 10k and 100k blank nodes, before
and after a change, side by side, in one run.

Usage (from the project root)::

    python bench/blank_nodes.py --before REV                # allow an hour or so
    python bench/blank_nodes.py --before REV --sizes 1k,10k --budget 60
    python bench/blank_nodes.py                             # the working tree alone

"after" is the working tree; "before" is the package at the commit REV (its ``src/``
extracted into a temporary folder), run with the same Python on the same files. The
graphs, written as Turtle into a temporary folder:

* **flat**: ``ex:sK ex:p [ ex:q "N" ]``, one blank node per statement (``K`` cycles
  through 97 subjects);
* **chain**: ``ex:s ex:p [ ex:p [ ex:p ... "x" ] ]``, one blank node per level;
* **list**: ``ex:s ex:p ( "0" "1" ... )``, one blank node per item.

Each figure is the time of one task in a process of its own, the file already parsed:
``export nt`` and ``export ttl`` (``serialize`` of a dataset holding the graph as one
named graph, as ``aiplus export`` writes it), ``push`` (the canonical N-Triples that
``aiplus push`` sends for that graph) and ``fmt`` (``format_files`` on a copy of the
file: parse, format, parse again and compare, write). A task that runs past
``--budget`` seconds is stopped ("> budget"); one that fails shows its error (a
``RecursionError``, say). A size is not tried when the size below it failed, ran
past the budget, or took so long that even linear growth would.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
SHAPES = ("flat", "chain", "list")
TASKS = ("export nt", "export ttl", "push", "fmt")
PREFIX = "@prefix ex: <http://example.org/> .\n"
GRAPH = "https://w3id.org/aiplus/source/bench-blank-nodes"


def turtle(shape: str, count: int) -> str:
    """The Turtle text of ``shape`` with ``count`` blank nodes."""
    if shape == "flat":
        return PREFIX + "".join(f'ex:s{i % 97} ex:p [ ex:q "{i}" ] .\n' for i in range(count))
    if shape == "chain":
        return PREFIX + "ex:s ex:p " + "[ ex:p " * count + '"x"' + " ]" * count + " .\n"
    items = " ".join(f'"{i}"' for i in range(count))
    return f"{PREFIX}ex:s ex:p ( {items} ) .\n"


# --- the worker: one task, in a process of its own, with whichever package is imported --


def worker(task: str, path: Path, scratch: Path) -> dict[str, Any]:
    from rdflib import Dataset, URIRef

    from aiplus_kg.export.canon import canonical_lines, graph_tag
    from aiplus_kg.export.fmt import format_files
    from aiplus_kg.export.serialise import serialize
    from aiplus_kg.load.turtle import parse_turtle_data

    if task == "fmt":
        copy = scratch / path.name
        shutil.copyfile(path, copy)
        start = time.perf_counter()
        changed = format_files([copy])
        return {"seconds": time.perf_counter() - start, "rewritten": len(changed)}
    graph = parse_turtle_data(path.read_text(encoding="utf-8"), display=path.name)
    iri = URIRef(GRAPH)
    dataset = Dataset(default_union=True)
    target = dataset.graph(iri)
    target.addN((s, p, o, target) for s, p, o in graph)
    start = time.perf_counter()
    if task == "push":
        size = len(canonical_lines(target, tag=graph_tag(iri)))
    else:
        size = len(serialize(dataset, task.split()[1]))
    return {"seconds": time.perf_counter() - start, "size": size}


# --- the driver ----------------------------------------------------------------------------


class Version:
    def __init__(self, name: str, src: Path) -> None:
        self.name, self.src = name, src

    def run(self, task: str, path: Path, budget: float) -> dict[str, Any]:
        env = dict(os.environ, PYTHONPATH=str(self.src))
        env.pop("AIPLUS_ROOT", None)
        with tempfile.TemporaryDirectory(prefix="aiplus-bench-") as scratch:
            command = [sys.executable, __file__, "--worker", task, "--file", str(path)]
            command += ["--scratch", scratch]
            try:
                done = subprocess.run(
                    command, capture_output=True, text=True, env=env, timeout=budget, check=False
                )
            except subprocess.TimeoutExpired:
                return {"error": "> budget"}
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode != 0 or not lines:
            tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return {"error": tail.split(":")[0] if "Error" in tail else tail[:60]}
        return dict(json.loads(lines[-1]))


def before_version(rev: str, into: Path) -> Version:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "src"], capture_output=True, check=True
    ).stdout
    with tempfile.TemporaryFile() as handle:
        handle.write(archive)
        handle.seek(0)
        with tarfile.open(fileobj=handle) as tar:
            tar.extractall(into, filter="data")
    return Version(f"before ({rev})", into / "src")


def _cell(result: dict[str, Any] | None) -> str:
    if result is None:
        return "not tried"
    if "error" in result:
        return str(result["error"])
    seconds = float(result["seconds"])
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", metavar="REV", help="the commit to compare with")
    parser.add_argument("--sizes", default="1k,10k,100k", help=f"of {', '.join(SIZES)}")
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--tasks", default=",".join(TASKS))
    parser.add_argument("--budget", type=float, default=600.0, help="seconds per task")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--worker", choices=TASKS, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--scratch", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.file, args.scratch)))
        return 0
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    tasks = [t.strip() for t in args.tasks.split(",") if t.strip()]
    with tempfile.TemporaryDirectory(prefix="aiplus-blank-nodes-") as folder:
        work = Path(folder)
        versions = [Version("after", ROOT / "src")]
        if args.before:
            versions.append(before_version(args.before, work / "before"))
        results: dict[str, dict[str, Any]] = {}
        for shape in shapes:
            for size in sizes:
                path = work / f"{shape}-{size}.ttl"
                path.write_text(turtle(shape, SIZES[size]), encoding="utf-8")
            for task in tasks:
                for version in versions:
                    previous: tuple[int, dict[str, Any]] | None = None
                    for size in sizes:
                        key = f"{shape} {size} {task} {version.name}"
                        if previous is not None and _hopeless(previous, SIZES[size], args.budget):
                            results[key] = {"error": "not tried"}
                            continue
                        print(f"  {key}", file=sys.stderr, flush=True)
                        result = version.run(task, work / f"{shape}-{size}.ttl", args.budget)
                        results[key] = result
                        previous = (SIZES[size], result)
        print(_report(results, shapes, sizes, tasks, versions, args.budget))
        if args.json:
            args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


def _hopeless(previous: tuple[int, dict[str, Any]], size: int, budget: float) -> bool:
    count, result = previous
    return "error" in result or float(result["seconds"]) * size / count > budget


def _report(
    results: dict[str, dict[str, Any]],
    shapes: list[str],
    sizes: list[str],
    tasks: list[str],
    versions: list[Version],
    budget: float,
) -> str:
    names = [v.name for v in versions]
    head = f"{'graph':<12} {'task':<11}" + "".join(f" {n:>22}" for n in names)
    if len(names) == 2:
        head += f" {'speed-up':>9}"
    lines = [head]
    for shape in shapes:
        for size in sizes:
            for task in tasks:
                cells = [results.get(f"{shape} {size} {task} {n}") for n in names]
                row = f"{shape + ' ' + size:<12} {task:<11}"
                row += "".join(f" {_cell(c):>22}" for c in cells)
                after, before = [*cells, None][:2]
                if after and "seconds" in after and before:
                    seconds = max(float(after["seconds"]), 1e-9)
                    if "seconds" in before:
                        row += f" {float(before['seconds']) / seconds:>8.0f}x"
                    elif before.get("error") == "> budget":
                        row += f" {'>' + format(budget / seconds, '.0f'):>8}x"
                lines.append(row)
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
