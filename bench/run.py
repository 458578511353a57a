"""The benchmark: the project before and after a change, side by side, in one run.

Usage (from the project root)::

    python bench/run.py --before REV                       # shipped, 100k, 1M: allow an hour
    python bench/run.py --before REV --sizes shipped       # a minute or two
    python bench/run.py --sizes shipped                    # the working tree alone

"after" is the working tree; "before" is the package as it was at the commit REV
(its ``src/`` is extracted under ``build/bench/before``), run with the same Python and
the same data. Every timing is of a fresh process, or of a stage inside one worker
process, so that a version never warms the other's caches. The figures, per target:

* **P1** ``aiplus validate``, cold (cache off), on the shipped graph and on 100k
  triples, best of ``--runs``; against ``pyshacl -i owlrl -e ontology`` on the same
  files (run once, within ``--reference-budget``); each run's verdict.
* **P2** each saved query from a cold start (``python -m aiplus_kg query NAME``, the
  cache warm, the package byte-compiled), best of ``--runs`` rounds; against the floor
  ``python -c 'import rdflib, click'`` timed in the same rounds.
* **P3** the whole check in one process (parse, validate, store, bind the saved
  queries' default parameters, run each saved query once) at 100k and 1M, in
  ``--rounds`` alternating rounds, and its peak memory; at 1M each saved query against
  pyoxigraph alone on the same quads (best of ``--runs``).
* **P6** lines of ``src/``, and of the code that re-implements SHACL, OWL RL or storage.

Generated graphs (``bench/generate.py``, seed ``--seed``) go to ``build/bench/<size>``.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

OWN_ENGINE_AFTER = ["load/store.py", "load/cache.py", "reason/closure.py", "reason/consistency.py"]
OWN_ENGINE_BEFORE = [
    "fast_shacl.py",
    "shacl_checks.py",
    "shacl_targets.py",
    "lean_graph.py",
    "sparql_minus.py",
    "fast_reasoning.py",
    "instance_rules.py",
    "consistency.py",
    "oxstore.py",
    "fast_store.py",
    "store_index.py",
    "cache.py",
    "bulk.py",
]
"""The modules that re-implement SHACL, OWL RL or storage (and the glue around the
libraries that do it), before and after."""

# --- workers: run in a process of their own, print one JSON line ------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(times: dict[str, float], name: str, body: Any) -> Any:
    start = time.perf_counter()
    value = body()
    times[name] = time.perf_counter() - start
    return value


def worker_whole(root: Path, runs: int, out: Path) -> dict[str, Any]:
    """The whole check on ``root`` with whichever version of the package is imported."""
    from aiplus_kg.project import Project

    times: dict[str, float] = {}
    project = Project(root.resolve())
    try:
        from aiplus_kg.knowledge_graph import KnowledgeGraph
    except ImportError:  # the version before the knowledge-graph object
        return _whole_before(project, times, runs)
    from aiplus_kg.query.run import run_bound

    kg = KnowledgeGraph(project, cache=None)
    _timed(times, "parse", lambda: kg.loaded)
    report = _timed(times, "validate", kg.validate)
    store = _timed(times, "store", lambda: kg.store)
    queries = kg.saved_queries()
    bound = _timed(times, "bind", lambda: {q.name: kg.bind(q) for q in queries})
    rows = _run_queries(times, queries, lambda q: len(run_bound(store, q, bound[q.name]).rows))
    peak = _peak_mb()
    (out / "store.nq").write_bytes(store.dump())
    params = {name: {k: v.n3() for k, v in terms.items()} for name, terms in bound.items()}
    return _whole_result(times, report.counts, rows, peak, params)


def _whole_before(project: Any, times: dict[str, float], runs: int) -> dict[str, Any]:
    from aiplus_kg.engines import set_engine
    from aiplus_kg.fast_store import build_store
    from aiplus_kg.loader import load_project
    from aiplus_kg.queries import bind_parameters, load_catalogue, run_bound
    from aiplus_kg.validation import validate

    set_engine("fast")
    loaded = _timed(times, "parse", lambda: load_project(project))
    report = _timed(times, "validate", lambda: validate(loaded))
    view = _timed(times, "store", lambda: build_store(loaded)).view
    queries = load_catalogue(project)
    bound = _timed(times, "bind", lambda: {q.name: bind_parameters(view, q) for q in queries})
    rows = _run_queries(times, queries, lambda q: len(run_bound(view, q, bound[q.name]).rows))
    return _whole_result(times, report.counts, rows, _peak_mb(), {})


def _run_queries(times: dict[str, float], queries: list[Any], run: Any) -> dict[str, int]:
    rows = {}
    for query in queries:
        rows[query.name] = _timed(times, f"query:{query.name}", lambda q=query: run(q))
    return rows


def _whole_result(
    times: dict[str, float],
    counts: dict[str, int],
    rows: dict[str, int],
    peak: float,
    params: dict[str, dict[str, str]],
) -> dict[str, Any]:
    return {
        "times": times,
        "total": sum(times.values()),
        "violations": counts["Violation"],
        "rows": rows,
        "peak_mb": peak,
        "params": params,
    }


def worker_queries(root: Path, runs: int, out: Path) -> dict[str, Any]:
    """Each saved query, in-process, on the version imported (best of ``runs``)."""
    from aiplus_kg.knowledge_graph import KnowledgeGraph
    from aiplus_kg.project import Project
    from aiplus_kg.query.run import run_bound

    kg = KnowledgeGraph(Project(root.resolve()), cache=None)
    store = kg.store
    best: dict[str, float] = {}
    for query in kg.saved_queries():
        bound = kg.bind(query)
        best[query.name] = min(
            _once(lambda q=query, b=bound: run_bound(store, q, b)) for _ in range(runs)
        )
    return {"times": best, "peak_mb": _peak_mb()}


def worker_oxigraph(root: Path, runs: int, out: Path) -> dict[str, Any]:
    """pyoxigraph alone: the same quads, each saved query as it stands, every solution
    read, the same parameter terms (best of ``runs``)."""
    import pyoxigraph as ox

    store = ox.Store()
    start = time.perf_counter()
    store.load(path=str(out / "store.nq"), format=ox.RdfFormat.N_QUADS)
    loaded = time.perf_counter() - start
    params = json.loads((out / "params.json").read_text(encoding="utf-8"))
    best: dict[str, float] = {}
    for path in sorted((root / "queries").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        subs = {ox.Variable(k): _ox_term(ox, v) for k, v in params.get(path.stem, {}).items()}

        def run(text: str = text, subs: dict[Any, Any] = subs) -> int:
            # every term of every solution read, as a user of the answer would
            return sum(len(tuple(row)) for row in store.query(text, substitutions=subs))

        best[path.stem] = min(_once(run) for _ in range(runs))
    return {"times": best, "load": loaded, "peak_mb": _peak_mb()}


def _ox_term(ox: Any, n3: str) -> Any:
    quad = next(iter(ox.parse(f"<urn:s> <urn:p> {n3} .", format=ox.RdfFormat.N_TRIPLES)))
    return quad.object


def _once(body: Any) -> float:
    start = time.perf_counter()
    body()
    return time.perf_counter() - start


WORKERS = {"whole": worker_whole, "queries": worker_queries, "oxigraph": worker_oxigraph}

# --- the driver ----------------------------------------------------------------------------


class Version:
    """A version of the package: how to start it in a fresh process."""

    def __init__(self, name: str, src: Path) -> None:
        self.name, self.src = name, src

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ, PYTHONPATH=str(self.src), **extra)
        env.pop("AIPLUS_ROOT", None)
        return env

    def aiplus(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "aiplus_kg", *args]


def _before(rev: str, build: Path) -> Version:
    target = build / "before"
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "src"], capture_output=True, check=True
    ).stdout
    if target.exists():
        subprocess.run(["rm", "-rf", str(target)], check=True)
    target.mkdir(parents=True)
    with tempfile.TemporaryFile() as handle:
        handle.write(archive)
        handle.seek(0)
        with tarfile.open(fileobj=handle) as tar:
            tar.extractall(target, filter="data")
    compileall.compile_dir(str(target / "src"), quiet=1)
    return Version(f"before ({rev})", target / "src")


def _size_root(size: str, seed: int, build: Path) -> Path:
    if size == "shipped":
        return ROOT
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    out = build / size
    marker = out / ".generated"
    wanted = f"{size} {seed}"
    if not marker.exists() or marker.read_text(encoding="utf-8").strip() != wanted:
        generate.generate(out, generate.parse_size(size), seed=seed, root=ROOT)
        marker.write_text(wanted, encoding="utf-8")
    return out


def _wall(
    command: list[str], env: dict[str, str], timeout: float | None = None
) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env, timeout=timeout, check=False)
    return time.perf_counter() - start, done.returncode


def _spawn(kind: str, version: Version, root: Path, runs: int, out: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", kind, "--root", str(root)]
    command += ["--runs", str(runs), "--build", str(out)]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=version.env(AIPLUS_CACHE_DIR="off"),
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"{kind} worker of {version.name} failed: {tail}")
    return dict(json.loads(lines[-1]))


def p1_validate(versions: list[Version], root: Path, args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for version in versions:
        env = version.env(AIPLUS_CACHE_DIR="off")
        timings = [
            _wall(version.aiplus("--root", str(root), "validate"), env) for _ in range(args.runs)
        ]
        out[version.name] = {"seconds": min(t for t, _ in timings), "conforms": timings[0][1] == 0}
    data = [str(p) for p in sorted((root / "graph").rglob("*.ttl"))]
    shapes = sorted((root / "shapes").glob("*.ttl"))
    command = [sys.executable, "-m", "pyshacl", "-s", str(shapes[0]), "-e"]
    command += [str(root / "ontology" / "aiplus.ttl"), "-i", "owlrl", "-a", "-w", *data]
    try:
        start = time.perf_counter()
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=args.reference_budget, check=False
        )
        seconds: float | None = time.perf_counter() - start
        conforms: bool | None = "Conforms: True" in done.stdout
    except subprocess.TimeoutExpired:
        seconds, conforms = None, None
    out["pyshacl -i owlrl"] = {"seconds": seconds, "conforms": conforms}
    return out


def p2_queries(versions: list[Version], args: argparse.Namespace) -> dict[str, Any]:
    names = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    if args.queries:
        unknown = sorted(set(args.queries) - set(names))
        if unknown:
            raise SystemExit(f"run.py: --queries: no saved query named {', '.join(unknown)}")
        names = sorted(args.queries)
    floor_command = [sys.executable, "-c", "import rdflib, click"]
    caches = {v.name: tempfile.mkdtemp(prefix="aiplus-bench-cache-") for v in versions}
    best: dict[str, dict[str, float]] = {v.name: {} for v in versions}
    floors = []
    for version in versions:  # fill each version's cache
        env = version.env(AIPLUS_CACHE_DIR=caches[version.name])
        for name in names:
            _wall(version.aiplus("--root", str(ROOT), "query", name), env)
    for _ in range(args.runs):
        floors.append(_wall(floor_command, dict(os.environ))[0])
        for version in versions:
            env = version.env(AIPLUS_CACHE_DIR=caches[version.name])
            for name in names:
                seconds, code = _wall(version.aiplus("--root", str(ROOT), "query", name), env)
                if code != 0:
                    raise RuntimeError(f"{version.name}: aiplus query {name} exited with {code}")
                best[version.name][name] = min(best[version.name].get(name, seconds), seconds)
    return {"floor": min(floors), "queries": best}


def p3_scale(versions: list[Version], sizes: list[str], args: argparse.Namespace) -> dict[str, Any]:
    roots = {size: _size_root(size, args.seed, args.build) for size in sizes}
    scratch = args.build / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    rounds: dict[str, dict[str, list[dict[str, Any]]]] = {
        v.name: {s: [] for s in sizes} for v in versions
    }
    for _ in range(args.rounds):
        for size in sizes:  # alternating sizes keeps a slow spell of the machine off one size
            for version in versions:
                print(f"  whole check, {size}, {version.name}", file=sys.stderr)
                whole = _spawn("whole", version, roots[size], 1, scratch)
                rounds[version.name][size].append(whole)
    out: dict[str, Any] = {"rounds": rounds}
    largest = roots[sizes[-1]]
    after = rounds[versions[0].name][sizes[-1]][-1]
    # the store of the last whole check of "after" (the largest size) and its parameters
    (scratch / "params.json").write_text(json.dumps(after["params"]), encoding="utf-8")
    out["queries"] = _spawn("queries", versions[0], largest, args.runs, scratch)
    out["oxigraph"] = _spawn("oxigraph", versions[0], largest, args.runs, scratch)
    return out


def p6_lines(versions: list[Version]) -> dict[str, Any]:
    out = {}
    for version in versions:
        package = version.src / "aiplus_kg"
        own = OWN_ENGINE_AFTER if (package / "knowledge_graph.py").exists() else OWN_ENGINE_BEFORE
        count = {p: len(p.read_text(encoding="utf-8").splitlines()) for p in package.rglob("*.py")}
        out[version.name] = {
            "src": sum(count.values()),
            "own engine": sum(count.get(package / name, 0) for name in own),
            "modules": own,
        }
    return out


# --- the report ----------------------------------------------------------------------------


def _s(value: float | None) -> str:
    if value is None:
        return "over budget"
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def _holds(ok: bool) -> str:
    return "holds" if ok else "MISSED"


def report(results: dict[str, Any], versions: list[Version]) -> list[str]:
    lines: list[str] = []
    names = [v.name for v in versions]
    verdicts: list[str] = []

    for size, p1 in results.get("P1", {}).items():
        reference = p1["pyshacl -i owlrl"]
        lines.append(f"P1 aiplus validate, cold, {size}")
        for name in [*names, "pyshacl -i owlrl"]:
            entry = p1[name]
            ratio = ""
            if name != "pyshacl -i owlrl" and reference["seconds"]:
                ratio = f"  {reference['seconds'] / entry['seconds']:.1f}x pyshacl"
            lines.append(
                f"  {name:<28} {_s(entry['seconds']):>12}  conforms: {entry['conforms']}{ratio}"
            )
        after = p1[names[0]]
        if reference["seconds"] is None:
            low = results["budget"] / after["seconds"]
            verdicts.append(f"P1 {size}: pyshacl over its budget: at least {low:.0f}x (target 20x)")
        else:
            ratio = reference["seconds"] / after["seconds"]
            same = after["conforms"] == reference["conforms"]
            ok = _holds(ratio >= 20 and same)
            verdicts.append(
                f"P1 {size}: {ratio:.1f}x pyshacl, same verdict: {same} (target 20x): {ok}"
            )

    if "P2" in results:
        p2 = results["P2"]
        floor = p2["floor"]
        lines.append(f"P2 saved query, cold start (floor: import rdflib, click = {_s(floor)})")
        for name in names:
            times = p2["queries"][name]
            slowest = max(times, key=times.get)
            median = sorted(times.values())[len(times) // 2]
            lines.append(
                f"  {name:<28} slowest {slowest} {_s(times[slowest])}"
                f" = {times[slowest] / floor:.2f}x floor; median {_s(median)}"
            )
        worst = max(p2["queries"][names[0]].values()) / floor
        verdicts.append(
            f"P2: slowest saved query {worst:.2f}x the floor (target 2x): {_holds(worst <= 2)}"
        )

    if "P3" in results:
        p3 = results["P3"]
        sizes = list(next(iter(p3["rounds"].values())))
        lines.append(
            "P3 whole check (parse, validate, store, bind, every saved query), best of the rounds"
        )
        for name in names:
            per = p3["rounds"][name]
            cells = []
            for size in sizes:
                best = min(r["total"] for r in per[size])
                peak = max(r["peak_mb"] for r in per[size])
                cells.append(f"{size}: {_s(best)}, {peak:,.0f} MB")
            lines.append(f"  {name:<28} " + "; ".join(cells))
        if len(sizes) >= 2:
            per = p3["rounds"][names[0]]
            small, large = (min(r["total"] for r in per[s]) for s in sizes[-2:])
            growth = large / small
            pairs = zip(per[sizes[-2]], per[sizes[-1]], strict=True)
            each = [f"{b['total'] / a['total']:.1f}x" for a, b in pairs]
            verdicts.append(
                f"P3 growth {sizes[-2]} -> {sizes[-1]}: {growth:.1f}x (rounds {', '.join(each)};"
                f" target 12x): {_holds(growth <= 12)}"
            )
            peak = max(r["peak_mb"] for r in per[sizes[-1]])
            verdicts.append(
                f"P3 peak memory at {sizes[-1]}: {peak:,.0f} MB (target 3,000 MB):"
                f" {_holds(peak <= 3000)}"
            )
        ours, raw = p3["queries"]["times"], p3["oxigraph"]["times"]
        lines.append(f"P3 each saved query at {sizes[-1]}: after / pyoxigraph alone")
        ratios = {}
        for query in sorted(ours):
            ratios[query] = ours[query] / max(raw[query], 1e-9)
            lines.append(
                f"  {query:<28} {_s(ours[query]):>10} {_s(raw[query]):>10}  {ratios[query]:.2f}x"
            )
        worst = max(ratios, key=ratios.get)
        verdicts.append(
            f"P3 saved queries at {sizes[-1]}: worst {worst} {ratios[worst]:.2f}x pyoxigraph"
            f" (target 1.5x): {_holds(ratios[worst] <= 1.5)}"
        )

    if "P6" in results:
        lines.append("P6 lines of code")
        for name in names:
            entry = results["P6"][name]
            own = entry["own engine"]
            lines.append(f"  {name:<28} src/ {entry['src']:,}; SHACL/OWL RL/storage {own:,}")
        entry = results["P6"][names[0]]
        ok = entry["src"] <= 9500 and entry["own engine"] <= 1000
        verdicts.append(
            f"P6: src/ {entry['src']:,} (target 9,500), SHACL/OWL RL/storage"
            f" {entry['own engine']:,} (target 1,000): {_holds(ok)}"
        )
    return [*lines, "", *verdicts]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", metavar="REV", help="the commit to compare with")
    parser.add_argument("--sizes", default="shipped,100k,1M")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="repeats of each timing (best kept)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating rounds of the whole check"
    )
    parser.add_argument(
        "--reference-budget", type=float, default=3600.0, help="pyshacl's budget (s)"
    )
    parser.add_argument("--targets", default="P1,P2,P3,P6", help="which targets to measure")
    parser.add_argument(
        "--queries",
        type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
        help="the saved queries P2 times, comma-separated (default: all)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--build", type=Path, default=ROOT / "build" / "bench", help="where to write"
    )
    parser.add_argument(
        "--no-compile",
        dest="compile",
        action="store_false",
        help="do not byte-compile src/ first (as an install does)",
    )
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args.root, args.runs, args.build)))
        return 0
    args.build.mkdir(parents=True, exist_ok=True)
    if args.compile:
        compileall.compile_dir(str(ROOT / "src"), quiet=1)
    versions = [Version("after", ROOT / "src")]
    if args.before:
        versions.append(_before(args.before, args.build))
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    targets = {t.strip() for t in args.targets.split(",")}
    results: dict[str, Any] = {"budget": args.reference_budget, "P1": {}}
    for size in [s for s in sizes if s in ("shipped", "100k") and "P1" in targets]:
        print(f"P1 {size}...", file=sys.stderr)
        root = _size_root(size, args.seed, args.build)
        results["P1"][size] = p1_validate(versions, root, args)
    if "shipped" in sizes and "P2" in targets:
        print("P2...", file=sys.stderr)
        results["P2"] = p2_queries(versions, args)
    scale = [s for s in sizes if s != "shipped"]
    if scale and "P3" in targets:
        print("P3...", file=sys.stderr)
        results["P3"] = p3_scale(versions, scale, args)
    if "P6" in targets:
        results["P6"] = p6_lines(versions)
    print("\n".join(report(results, versions)))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
