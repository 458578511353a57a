"""Time the product against the reference stack, stage by stage, and print one table.

For the shipped graph and each synthetic size (see ``bench/generate.py``), three worker
processes run side by side on the same files, one after the other:

* **product**: the ``aiplus_kg`` library with its default fast engine, as the
  ``aiplus`` commands use it: parse (the project loader), closure, validate (closure,
  then both SHACL passes), store (the pyoxigraph copy the queries run on), bind
  parameters (the terms each saved query's default parameters name, a label resolved
  on the store, say: the other workers are handed those terms), each saved query,
  export (N-Quads). The store is built after validation, which never uses it, as
  in a CI job that validates and then queries (``aiplus validate``, then ``aiplus
  query``);
* **reference**: rdflib + owlrl + pySHACL as a user would run them without this project:
  rdflib parses the files into a dataset, owlrl expands the union, ``pyshacl.validate``
  runs with ``inference="owlrl"`` and the ontology as ``ont_graph`` (what ``pyshacl -i
  owlrl -e ontology`` does), rdflib's SPARQL engine runs each saved query, rdflib
  serialises N-Quads. Each stage has a time budget: a stage that exceeds it is stopped
  and shown as ``> budget`` (owlrl and pySHACL cannot finish at 1 M triples);
* **pyoxigraph**: pyoxigraph alone, loading the same N-Quads (the named graphs, and
  their merge as the default graph, as the product stores them) and running each saved
  query as it stands, every solution read.

Each worker reports its peak memory (maximum resident set size); the product's is taken
before its export stage (the whole check; the graph the closure stage makes is freed
before validation, as it would be between two commands), and again after it (the N-Quads export
builds the rdflib dataset, which the check itself never needs). Then, on the command
line, with fresh processes: ``aiplus validate`` (cache off, then warm) against the
``pyshacl`` command (``-i owlrl -e ontology``) on the union of the same files, and the
cold start of each saved query (``aiplus query``, cache warm) against ``python -c
'import rdflib, click'``: the package byte-compiled first, as an install compiles it,
and the best of at least five rounds, each round timing the floor beside the queries.

With both 100k and 1M among the sizes, the whole check (parse, validate, store, bind
parameters, each saved query once, as a CI job runs them) then runs alone in fresh
processes, 100k then 1M, three rounds (``--whole-rounds``). The growth target is judged
on the best time of each size over the rounds: the machine's speed drifts over a
benchmark of half an hour (by a fifth between two runs), and alternating the sizes
keeps a slow spell from landing on one size only. Each round's own ratio is printed too.

Usage (from the project root)::

    python bench/run.py                         # shipped, 10k, 100k, 1M
    python bench/run.py --sizes shipped,10k     # a subset
"""

from __future__ import annotations

import argparse
import compileall
import gc
import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "build" / "bench"
sys.path.insert(0, str(ROOT / "bench"))

OVER = "> budget"
SKIPPED = "skipped"


# --- workers (run in their own process) -------------------------------------------------


class OverBudgetError(Exception):
    """A stage ran out of its time budget."""


def _alarm(signum: int, frame: object) -> None:
    raise OverBudgetError


@contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Interrupt the body after ``seconds`` (pure-Python work: owlrl, pySHACL, rdflib)."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Timer:
    """Records stage timings; a stage over budget, or after the total budget, is marked."""

    def __init__(self, stage_budget: float | None, total_budget: float | None) -> None:
        self.stage_budget = stage_budget
        self.deadline = time.monotonic() + total_budget if total_budget else None
        self.results: dict[str, Any] = {}

    def run(
        self, name: str, body: Callable[[], Any], limit: float | None = None, repeat: int = 1
    ) -> Any:
        """Time ``body`` (the best of ``repeat`` runs) and return its value."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.results[name] = SKIPPED
            return None
        limit = limit or self.stage_budget
        best = None
        for _ in range(repeat):
            start = time.perf_counter()
            try:
                if limit:
                    with budget(limit):
                        value = body()
                else:
                    value = body()
            except OverBudgetError:
                self.results[name] = OVER
                return None
            took = time.perf_counter() - start
            best = took if best is None else min(best, took)
        self.results[name] = best
        return value


def _project(root: Path) -> Any:
    from aiplus_kg.project import Project

    return Project(root.resolve())


def _default_bindings(root: Path) -> dict[str, dict[str, Any]]:
    """Each saved query's default parameters as RDF terms (resolved on the data once)."""
    from aiplus_kg.load.dataset import load_project
    from aiplus_kg.query.catalogue import bind_parameters, load_catalogue

    project = _project(root)
    dataset = load_project(project).dataset
    return {q.name: bind_parameters(dataset, q) for q in load_catalogue(project)}


def _check(
    loaded: Any, timer: Timer, args: argparse.Namespace, repeat: int
) -> tuple[Any, dict[str, int]]:
    """The stages of the whole check after parsing: validate, store, bind parameters,
    each saved query (the best of ``repeat`` runs). Returns the validation report and
    the number of rows of each query."""
    from aiplus_kg.fast_store import build_store
    from aiplus_kg.query.catalogue import bind_parameters, load_catalogue, run_bound
    from aiplus_kg.validate.validation import validate

    report = timer.run("validate", lambda: validate(loaded, engine="fast"))
    store = timer.run("store", lambda: build_store(loaded))
    view = store.view
    catalogue = load_catalogue(loaded.project)
    # the terms a parameter's default names (a label, say), resolved on the store: a step
    # of its own, as the pyoxigraph worker is handed the same terms
    bound = timer.run(
        "bind parameters", lambda: {q.name: bind_parameters(view, q) for q in catalogue}
    )
    bound = bound or {}  # none: past the deadline, and so are the queries
    rows: dict[str, int] = {}
    for query in catalogue:

        def run(query: Any = query) -> int:
            return len(run_bound(view, query, bound[query.name]).rows)

        rows[query.name] = timer.run(
            f"query:{query.name}", run, limit=args.fast_query_budget, repeat=repeat
        )
    return report, rows


def worker_product(root: Path, args: argparse.Namespace) -> dict[str, Any]:
    import io

    from aiplus_kg.engines import set_engine
    from aiplus_kg.export.serialise import export
    from aiplus_kg.fast_reasoning import fast_closure_with_errors
    from aiplus_kg.load.dataset import load_project

    set_engine("fast")
    project = _project(root)
    timer = Timer(None, args.product_budget)
    loaded = timer.run("parse", lambda: load_project(project))
    timer.run("closure", lambda: fast_closure_with_errors(loaded.union()))
    # The closure graph, dropped, is a reference cycle (an rdflib graph and its namespace
    # manager): only the cyclic collector frees it, and validation pauses that collector.
    # A separate command (`aiplus reason`) would not carry it into the next stage.
    gc.collect()
    report, rows = _check(loaded, timer, args, args.runs)
    triples = len(loaded.union())
    peak = _peak_mb()  # the whole check's; the export below builds the rdflib dataset
    buffer = io.BytesIO()
    timer.run("export", lambda: export(loaded.dataset, "nq", buffer))
    if isinstance(timer.results.get("export"), float):
        (BENCH / f"{root.name}.nq").write_bytes(buffer.getvalue())
    return {
        "times": timer.results,
        "peak_mb": peak,
        "peak_export_mb": _peak_mb(),
        "rows": rows,
        "violations": report.counts["Violation"] if report else None,
        "triples": triples,
    }


def worker_whole(root: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The whole check alone, as a CI job runs it: parse, then :func:`_check`, each
    query once."""
    from aiplus_kg.engines import set_engine
    from aiplus_kg.load.dataset import load_project

    set_engine("fast")
    project = _project(root)
    timer = Timer(None, args.product_budget)
    loaded = timer.run("parse", lambda: load_project(project))
    _check(loaded, timer, args, 1)
    return {"times": timer.results, "total": check_total(timer.results)[0]}


def worker_reference(root: Path, args: argparse.Namespace) -> dict[str, Any]:
    from rdflib import Dataset, Graph, URIRef, Variable

    bindings = _default_bindings(root)  # not timed: the IRIs a user would type
    project = _project(root)
    timer = Timer(args.budget, args.reference_budget)

    def parse() -> Dataset:
        ds = Dataset(default_union=True)
        ds.graph(URIRef("https://w3id.org/aiplus/ontology")).parse(
            project.ontology_file, format="turtle"
        )
        reference = ds.graph(URIRef("https://w3id.org/aiplus/graph/reference"))
        for path in project.reference_files():
            reference.parse(path, format="turtle")
        for path in project.article_files():
            ds.graph(URIRef("https://w3id.org/aiplus/source/" + path.stem)).parse(
                path, format="turtle"
            )
        return ds

    dataset = timer.run("parse", parse)
    if dataset is None:
        return {"times": timer.results, "peak_mb": _peak_mb()}

    def closure() -> None:
        import owlrl

        union = Graph()
        union += dataset.triples((None, None, None))
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(union)

    def shacl() -> bool:
        import pyshacl

        data = Graph()
        for graph in dataset.graphs():
            if str(graph.identifier) != "https://w3id.org/aiplus/ontology":
                data += graph
        ontology = Graph().parse(project.ontology_file, format="turtle")
        shapes = Graph()
        for path in project.shape_files():
            shapes.parse(path, format="turtle")
        conforms, _, _ = pyshacl.validate(
            data,
            shacl_graph=shapes,
            ont_graph=ontology,
            inference="owlrl",
            advanced=True,
            allow_warnings=True,
        )
        return bool(conforms)

    timer.run("closure", closure)
    timer.run("validate", shacl)
    from aiplus_kg.query.catalogue import load_catalogue

    for query in load_catalogue(project):
        init = {Variable(k): v for k, v in bindings[query.name].items()}
        timer.run(
            f"query:{query.name}",
            lambda q=query, i=init: len(list(dataset.query(q.text, initBindings=i))),
            limit=args.query_budget,
        )
    timer.run("export", lambda: dataset.serialize(format="nquads"))
    return {"times": timer.results, "peak_mb": _peak_mb()}


def worker_oxigraph(root: Path, args: argparse.Namespace) -> dict[str, Any]:
    import pyoxigraph as ox
    from rdflib import Literal, URIRef

    bindings = _default_bindings(root)
    from aiplus_kg.query.catalogue import load_catalogue

    timer = Timer(None, None)
    data = (BENCH / f"{root.name}.nq").read_bytes()
    store = ox.Store()

    def load() -> None:
        # the named graphs, and their merge as the default graph (each triple once), the
        # layout the product queries; pyoxigraph's use_default_graph_as_union repeats a
        # triple once per graph holding it, and is far slower on some queries
        store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
        default = ox.DefaultGraph()
        store.bulk_extend(
            ox.Quad(q.subject, q.predicate, q.object, default)
            for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)
        )

    timer.run("store", load)

    def term(node: Any) -> Any:
        if isinstance(node, URIRef):
            return ox.NamedNode(str(node))
        assert isinstance(node, Literal)
        if node.language:
            return ox.Literal(str(node), language=node.language)
        if node.datatype:
            return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
        return ox.Literal(str(node))

    for query in load_catalogue(_project(root)):
        subs = {ox.Variable(k): term(v) for k, v in bindings[query.name].items()}

        def run(q: Any = query, s: Any = subs) -> int:
            solutions = store.query(q.text, substitutions=s)
            names = list(solutions.variables)
            count = 0
            for row in solutions:  # read every term of every solution
                count += len([row[v] for v in names])
            return count

        timer.run(f"query:{query.name}", run, limit=args.fast_query_budget, repeat=args.runs)
    return {"times": timer.results, "peak_mb": _peak_mb()}


WORKERS = {
    "product": worker_product,
    "reference": worker_reference,
    "oxigraph": worker_oxigraph,
    "whole": worker_whole,
}


# --- the driver -----------------------------------------------------------------------


def _spawn(kind: str, root: Path, args: argparse.Namespace, timeout: float) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--worker",
        kind,
        "--root",
        str(root),
        "--budget",
        str(args.budget),
        "--query-budget",
        str(args.query_budget),
        "--reference-budget",
        str(args.reference_budget),
        "--product-budget",
        str(args.product_budget),
        "--runs",
        str(args.runs),
        "--fast-query-budget",
        str(args.fast_query_budget),
    ]
    env = dict(os.environ, AIPLUS_CACHE_DIR="off")
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return {"times": {}, "error": f"{kind} worker over {timeout:.0f} s"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return {"times": {}, "error": f"{kind} worker failed: {tail[0]}"}
    return json.loads(lines[-1])


def _wall(command: list[str], env: dict[str, str] | None = None, runs: int = 1) -> float | str:
    """The shortest wall time of ``runs`` runs of ``command`` (which must succeed)."""
    best = None
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, env=env, check=False)
        elapsed = time.perf_counter() - start
        if done.returncode not in (0, 1):
            return f"failed ({done.returncode})"
        best = elapsed if best is None else min(best, elapsed)
    return best if best is not None else "not run"


def _timed_out_wall(command: list[str], limit: float) -> float | str:
    start = time.perf_counter()
    try:
        subprocess.run(command, capture_output=True, timeout=limit, check=False)
    except subprocess.TimeoutExpired:
        return OVER
    return time.perf_counter() - start


def cli_measures(root: Path, size: str, args: argparse.Namespace) -> dict[str, Any]:
    """Command-line timings: validate (cold, warm) against pyshacl; query cold starts."""
    aiplus = [sys.executable, "-m", "aiplus_kg", "--root", str(root)]
    cold = dict(os.environ, AIPLUS_CACHE_DIR="off")
    warm = dict(os.environ, AIPLUS_CACHE_DIR=str(BENCH / "cache" / size))
    out: dict[str, Any] = {}
    out["aiplus validate (no cache)"] = _wall([*aiplus, "validate"], cold, runs=args.runs)
    _wall([*aiplus, "validate"], warm)  # fills the cache
    out["aiplus validate (cached)"] = _wall([*aiplus, "validate"], warm, runs=args.runs)
    project = _project(root)
    shapes = project.shape_files()
    data = [str(p) for p in [*project.reference_files(), *project.article_files()]]
    pyshacl = [sys.executable, "-m", "pyshacl", "-s", str(shapes[0]), "-e"]
    pyshacl += [str(project.ontology_file), "-i", "owlrl", "-a", "-w", *data]
    out["pyshacl -i owlrl"] = _timed_out_wall(pyshacl, args.budget * 4)
    import aiplus_kg
    from aiplus_kg.query.catalogue import load_catalogue

    # as pip does when it installs the package: without it an editable install, or
    # PYTHONDONTWRITEBYTECODE, times Python's compiler on each start (the floor's
    # packages, installed, are compiled already)
    compileall.compile_dir(Path(aiplus_kg.__file__).parent, quiet=2)
    floor_command = [sys.executable, "-c", "import rdflib, click"]
    commands = {q.name: [*aiplus, "query", q.name] for q in load_catalogue(_project(root))}
    for command in commands.values():
        _wall(command, warm)  # fills the cache
    # commands of a fraction of a second: the best of several rounds, the floor timed in
    # each round beside the queries, so that a slow spell of the machine hits both
    runs: dict[str, list[float | str]] = {}
    for _ in range(max(args.runs, 5)):
        for name, command in [("", floor_command), *commands.items()]:
            runs.setdefault(name, []).append(_wall(command, warm if name else None))
    best = {name: _best(values) for name, values in runs.items()}
    out["floor: import rdflib, click"] = best.pop("")
    failed = [(n, t) for n, t in best.items() if not isinstance(t, float)]
    if failed:
        out[f"aiplus query ({failed[0][0]})"] = failed[0][1]
    else:
        took, name = max((t, n) for n, t in best.items())
        out[f"aiplus query (cached, slowest: {name})"] = took
    return out


def _best(values: list[float | str]) -> float | str:
    """The shortest time, or the first failure."""
    failures = [v for v in values if isinstance(v, str)]
    return failures[0] if failures else min(v for v in values if isinstance(v, float))


def _sources_digest() -> str:
    """A digest of what a synthetic project is made from: the generator and the real
    project's ontology, shapes, saved queries and data (copied into it)."""
    import hashlib

    hasher = hashlib.sha256()
    files = [ROOT / "bench" / "generate.py"]
    for folder in ("ontology", "shapes", "queries", "graph"):
        files.extend(sorted((ROOT / folder).rglob("*")))
    for path in files:
        if path.is_file():
            hasher.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()


def _size_root(size: str, seed: int) -> Path:
    if size == "shipped":
        return ROOT
    from generate import generate, parse_size

    target = BENCH / size
    stamp = target / ".generated"
    wanted = f"{parse_size(size)} {seed} {_sources_digest()}"
    if not (stamp.is_file() and stamp.read_text() == wanted):
        counts = generate(target, parse_size(size), seed)
        print(f"generated {size}: {counts['triples']} triples", file=sys.stderr)
        stamp.write_text(wanted)
    return target


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"
    return "" if value is None else str(value)


def _ratio(slow: Any, fast: Any) -> str:
    if isinstance(slow, float) and isinstance(fast, float) and fast > 0:
        return f"{slow / fast:.1f}x"
    if slow == OVER and isinstance(fast, float):
        return "> budget"
    return ""


def render(results: dict[str, dict[str, Any]]) -> str:
    header = (
        "size",
        "stage",
        "product s",
        "reference s",
        "ref/product",
        "pyoxigraph s",
        "product/ox",
    )
    rows: list[tuple[str, ...]] = [header]
    for size, result in results.items():
        product = result["product"].get("times", {})
        reference = result["reference"].get("times", {})
        oxigraph = result["oxigraph"].get("times", {})
        stages = list(dict.fromkeys([*product, *reference]))
        for stage in stages:
            p, r, o = product.get(stage), reference.get(stage), oxigraph.get(stage)
            ox_ratio = _ratio(p, o) if stage.startswith("query:") else ""
            rows.append((size, stage, _fmt(p), _fmt(r), _ratio(r, p), _fmt(o), ox_ratio))
        for kind in ("product", "reference", "oxigraph"):
            if "error" in result[kind]:
                rows.append((size, f"{kind} worker", result[kind]["error"], "", "", "", ""))
        rows.append(
            (
                size,
                "peak memory (MB)",
                _fmt(result["product"].get("peak_mb")),
                _fmt(result["reference"].get("peak_mb")),
                "",
                _fmt(result["oxigraph"].get("peak_mb")),
                "",
            )
        )
        if result["product"].get("peak_export_mb") is not None:
            rows.append(
                (size, "peak memory with export (MB)", _fmt(result["product"]["peak_export_mb"]))
                + ("",) * 4
            )
        total, over = check_total(product)
        label = "whole check (parse+store+validate+bind+queries)"
        if over:
            label += f" without {', '.join(k.split(':', 1)[1] for k in over)} (> budget)"
        rows.append((size, label, _fmt(total), "", "", "", ""))
        for name, value in result.get("cli", {}).items():
            rows.append((size, f"cli: {name}", _fmt(value), "", "", "", ""))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def check_total(times: dict[str, Any]) -> tuple[float | None, list[str]]:
    """parse + store + validate + binding the parameters + every query: the seconds, and
    the queries left out of the sum because they went over budget."""
    keys = ["parse", "store", "validate", "bind parameters"]
    keys += [k for k in times if k.startswith("query:")]
    over = [k for k in keys if k.startswith("query:") and times.get(k) == OVER]
    values = [times.get(k) for k in keys if k not in over]
    if not all(isinstance(v, float) for v in values):
        return None, over
    return float(sum(values)), over  # type: ignore[arg-type]


def verdicts(results: dict[str, dict[str, Any]]) -> list[str]:
    """One line per target of the issue: the figure, and whether it holds."""
    out = []
    shipped = results.get("shipped", {}).get("cli", {})
    ref = shipped.get("pyshacl -i owlrl")
    for label in ("aiplus validate (no cache)", "aiplus validate (cached)"):
        mine = shipped.get(label)
        if isinstance(ref, float) and isinstance(mine, float):
            ratio = ref / mine
            verdict = "holds" if ratio >= 20 else "does not hold"
            out.append(f"validate >= 20x pyshacl -i owlrl, {label}: {ratio:.1f}x, {verdict}")
    floor = shipped.get("floor: import rdflib, click")
    query = next((v for k, v in shipped.items() if k.startswith("aiplus query")), None)
    if isinstance(floor, float) and isinstance(query, float):
        ratio = query / floor
        verdict = "holds" if ratio <= 2 else "does not hold"
        out.append(f"saved query cold start <= 2x floor: {ratio:.2f}x (slowest query), {verdict}")
    big = results.get("1M")
    if big:
        product, oxigraph = big["product"].get("times", {}), big["oxigraph"].get("times", {})
        ratios = [
            (product[k] / oxigraph[k], k)
            for k in product
            if k.startswith("query:")
            and isinstance(product.get(k), float)
            and isinstance(oxigraph.get(k), float)
            and oxigraph[k] > 0
        ]
        if ratios:
            worst = max(ratios)
            verdict = "holds" if worst[0] <= 1.5 else "does not hold"
            out.append(
                f"1M: every query <= 1.5x pyoxigraph: worst {worst[0]:.2f}x ({worst[1]}), {verdict}"
            )
        peak = big["product"].get("peak_mb")
        if isinstance(peak, float):
            verdict = "holds" if peak < 3072 else "does not hold"
            out.append(f"1M: peak memory < 3 GB: {peak:.0f} MB, {verdict}")
    if "100k" in results and "1M" in results:
        small, over_small = check_total(results["100k"]["product"].get("times", {}))
        large, over_large = check_total(results["1M"]["product"].get("times", {}))
        rounds = results["1M"].get("whole rounds")
        if small and large:
            ratio = large / small
            verdict = "holds" if ratio <= 12 and not over_large else "does not hold"
            if rounds:
                verdict = "one run of each size, see the rounds below for the verdict"
            left_out = sorted({k.split(":", 1)[1] for k in over_small + over_large})
            note = f" (without {', '.join(left_out)}: over budget)" if left_out else ""
            out.append(f"whole check 100k -> 1M: {ratio:.1f}x (<= 12x){note}, {verdict}")
        if rounds:
            out.append(whole_rounds_verdict(rounds))
    return out


def whole_rounds(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The whole check alone (:func:`worker_whole`), 100k then 1M in fresh processes,
    ``args.whole_rounds`` times: alternating the sizes spreads a slow spell of the
    machine over both."""
    roots = {size: _size_root(size, args.seed) for size in ("100k", "1M")}
    rounds: list[dict[str, Any]] = []
    for number in range(args.whole_rounds):
        measured: dict[str, Any] = {}
        for size, root in roots.items():
            print(f"whole check, round {number + 1}: {size}...", file=sys.stderr)
            result = _spawn("whole", root, args, args.product_budget + 600)
            measured[size] = result.get("total") or result.get("error", "failed")
        rounds.append(measured)
    return rounds


def whole_rounds_verdict(rounds: list[dict[str, Any]]) -> str:
    """The growth from 100k to 1M from the best time of each size over the rounds (the
    run least slowed by anything else on the machine), with each round's own ratio."""
    failed = [r.get(s) for r in rounds for s in ("100k", "1M") if not isinstance(r.get(s), float)]
    if failed:
        return f"whole check 100k -> 1M, alternating rounds: {failed[0]}, does not hold"
    small, large = min(r["100k"] for r in rounds), min(r["1M"] for r in rounds)
    ratio = large / small
    each = ", ".join(f"{r['1M'] / r['100k']:.1f}x" for r in rounds)
    verdict = "holds" if ratio <= 12 else "does not hold"
    return (
        f"whole check 100k -> 1M, best of {len(rounds)} alternating rounds: {small:.1f} s -> "
        f"{large:.1f} s = {ratio:.1f}x (<= 12x; each round: {each}), {verdict}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="shipped,10k,100k,1M")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget", type=float, default=60.0, help="reference stage budget (s)")
    parser.add_argument("--query-budget", type=float, default=20.0, help="per reference query")
    parser.add_argument(
        "--fast-query-budget",
        type=float,
        default=120.0,
        help="per query, for the product and pyoxigraph (a query can be slow on both)",
    )
    parser.add_argument("--reference-budget", type=float, default=300.0, help="whole reference run")
    parser.add_argument("--product-budget", type=float, default=1800.0)
    parser.add_argument("--runs", type=int, default=3, help="repeats of each command timing")
    parser.add_argument("--no-cli", action="store_true", help="skip the command-line timings")
    parser.add_argument(
        "--whole-rounds",
        type=int,
        default=3,
        help="rounds of the whole check alone, 100k then 1M (with both sizes; 0: none)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args.root, args)))
        return 0
    BENCH.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, Any]] = {}
    for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        root = _size_root(size, args.seed)
        print(f"running {size}...", file=sys.stderr)
        limit = args.product_budget + args.reference_budget + 600
        result = {"product": _spawn("product", root, args, limit)}
        result["reference"] = _spawn("reference", root, args, limit)
        result["oxigraph"] = _spawn("oxigraph", root, args, limit)
        if not args.no_cli and size == "shipped":
            result["cli"] = cli_measures(root, size, args)
        results[size] = result
    if args.whole_rounds and {"100k", "1M"} <= results.keys():
        results["1M"]["whole rounds"] = whole_rounds(args)
    print(render(results))
    print()
    for line in verdicts(results):
        print(line)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
