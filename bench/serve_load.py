"""aiplus serve under load and under slow readers, before and after a change, beside
Oxigraph's own server on the same data, in one run.

Usage::

    python bench/serve_load.py [--before REV] [--size shipped|100k|...] [--clients 64]
                               [--slow-readers 20] [--workers 2]

Three servers hold the same dataset: ``aiplus serve`` as it is now, ``aiplus serve``
at ``--before`` (if given; it reads the project's files as they were at that commit, as
it may not read newer ones), and ``oxigraph serve-read-only`` on a store loaded with
the dataset the workers query (the named graphs and their merge as the default
graph). Then, for each server in turn:

* **load**: ``--clients`` threads each send every parameter-free saved query once
  (in their own order), each on a new connection; printed: errors (anything but a
  200 within 30 s), median and 95th-percentile latency, wall time;
* **slow readers** (aiplus only): ``--slow-readers`` clients each ask for a large
  answer (about 10 MB) and read it at 160 KB/s for 10 s; printed: the server
  process's resident memory when idle and at its peak (sampled every 50 ms).

Targets (#26): 0 errors with 64 clients; median latency <= 2x Oxigraph's; memory
growth under slow readers <= 256 MB.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 30.0
LARGE = (
    "SELECT ?s ?p ?o ?pad WHERE { ?s ?p ?o "
    'BIND(CONCAT(STR(?p), "' + "x" * 1000 + '") AS ?pad) } LIMIT 10000'
)


def _bench_run() -> Any:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tree_at(rev: str, target: Path) -> Path:
    """The project's data files at ``rev``, in ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "ontology", "graph", "shapes", "queries"],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    (target / "pyproject.toml").write_text("", encoding="utf-8")  # marks a project root
    return target


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Server:
    """A server process and the URL of its SPARQL endpoint."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], url: str) -> None:
        self.name, self.url = name, url
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        self.ready = time.perf_counter()

    def wait(self, probe: str) -> None:
        began = time.perf_counter()
        while time.perf_counter() - began < 600:
            if self.process.poll() is not None:
                assert self.process.stderr is not None
                raise SystemExit(f"{self.name} stopped: {self.process.stderr.read()[-500:]}")
            try:
                urllib.request.urlopen(probe, timeout=5).read()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"{self.name} did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def aiplus_server(name: str, src: Path, root: Path, workers: int) -> Server:
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(src))
    env.pop("AIPLUS_ROOT", None)
    command = [sys.executable, "-m", "aiplus_kg", "--root", str(root), "serve"]
    command += ["--port", str(port), "--quiet", "--workers", str(workers)]
    command += ["--max-rows", "10000"]
    server = Server(name, command, env, f"http://127.0.0.1:{port}/sparql")
    server.wait(f"http://127.0.0.1:{port}/")
    return server


def oxigraph_server(root: Path, build: Path) -> Server:
    dump = build / "served.nq"
    store = build / "oxigraph-store"
    shutil.rmtree(store, ignore_errors=True)
    code = (
        "import sys; from pathlib import Path; import pyoxigraph as ox;"
        "from aiplus_kg.project import Project; from aiplus_kg.knowledge_graph import"
        " KnowledgeGraph; kg = KnowledgeGraph(Project(Path(sys.argv[1])), engine='fast',"
        " cache=None); kg.query_source().oxigraph.dump(sys.argv[2], ox.RdfFormat.N_QUADS)"
    )
    subprocess.run([sys.executable, "-c", code, str(root), str(dump)], check=True)
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    subprocess.run(
        [oxigraph, "load", "--location", str(store), "--file", str(dump)],
        check=True,
        capture_output=True,
    )
    port = _free_port()
    command = [oxigraph, "serve-read-only", "--location", str(store)]
    command += ["--bind", f"127.0.0.1:{port}"]
    server = Server("oxigraph serve-read-only", command, dict(os.environ), "")
    server.url = f"http://127.0.0.1:{port}/query"
    server.wait(server.url + "?" + urllib.parse.urlencode({"query": "ASK {}"}))
    return server


def ask(url: str, query: str) -> tuple[bool, float, int]:
    began = time.perf_counter()
    call = urllib.request.Request(
        url,
        data=urllib.parse.urlencode({"query": query}).encode(),
        headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    try:
        with urllib.request.urlopen(call, timeout=TIMEOUT) as response:
            size = len(response.read())
            return response.status == 200, time.perf_counter() - began, size
    except (OSError, urllib.error.HTTPError):
        return False, time.perf_counter() - began, 0


def load(server: Server, queries: list[str], clients: int, seed: int) -> dict[str, float]:
    plan = []
    for client in range(clients):
        order = list(queries)
        random.Random(seed + client).shuffle(order)
        plan.append(order)

    def client_run(order: list[str]) -> list[tuple[bool, float, int]]:
        return [ask(server.url, text) for text in order]

    began = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        outcomes = [o for batch in pool.map(client_run, plan) for o in batch]
    wall = time.perf_counter() - began
    latencies = sorted(t for ok, t, _ in outcomes if ok)
    return {
        "requests": len(outcomes),
        "errors": sum(1 for ok, _, _ in outcomes if not ok),
        "median": statistics.median(latencies) if latencies else float("nan"),
        "p95": latencies[int(len(latencies) * 0.95) - 1] if latencies else float("nan"),
        "wall": wall,
    }


def slow_readers(server: Server, readers: int, seconds: float = 10.0) -> dict[str, float]:
    pid = server.process.pid
    idle = rss_mb(pid)
    peak = [idle]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            try:
                peak[0] = max(peak[0], rss_mb(pid))
            except OSError:
                return
            time.sleep(0.05)

    url = urllib.parse.urlsplit(server.url)
    target = f"{url.path}?{urllib.parse.urlencode({'query': LARGE})}"
    received = [0] * readers

    def read_slowly(index: int) -> None:
        with socket.create_connection((url.hostname, url.port), timeout=TIMEOUT) as sock:
            sock.sendall(
                f"GET {target} HTTP/1.1\r\nHost: {url.netloc}\r\n"
                "Accept: application/sparql-results+json\r\n\r\n".encode()
            )
            ends = time.perf_counter() + seconds
            while time.perf_counter() < ends:
                chunk = sock.recv(16384)
                if not chunk:
                    return
                received[index] += len(chunk)
                time.sleep(0.1)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    threads = [threading.Thread(target=read_slowly, args=(i,)) for i in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    watcher.join()
    return {"idle": idle, "peak": peak[0], "received": sum(received) / 1e6}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="the commit to compare with")
    parser.add_argument("--size", default="shipped", help="shipped, or a generated size")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--slow-readers", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    bench = _bench_run()
    build = Path(tempfile.mkdtemp(prefix="serve-load-"))
    try:
        root = bench._size_root(args.size, args.seed, build)
        sys.path.insert(0, str(ROOT / "src"))
        from aiplus_kg.project import Project
        from aiplus_kg.query.catalogue import load_catalogue

        queries = [q.text for q in load_catalogue(Project(root)) if not q.parameters]
        versions = [("after", ROOT / "src", root)]
        if args.before:
            before = bench._before(args.before, build).src
            # the project's own files as they were then (an older version cannot read
            # newer query headers); a generated graph is the same for both
            own = _tree_at(args.before, build / "before-tree") if args.size == "shipped" else root
            versions.append((f"before ({args.before})", before, own))
        print(f"data: {args.size}; {len(queries)} parameter-free saved queries;", end=" ")
        print(f"{args.clients} clients; {args.workers} workers", flush=True)
        rows: list[tuple[str, dict[str, float], dict[str, float] | None]] = []
        oxigraph = oxigraph_server(root, build)
        try:
            rows.append((oxigraph.name, load(oxigraph, queries, args.clients, args.seed), None))
        finally:
            oxigraph.stop()
        for name, src, data in versions:
            server = aiplus_server(f"aiplus serve, {name}", src, data, args.workers)
            try:
                figures = load(server, queries, args.clients, args.seed)
                memory = slow_readers(server, args.slow_readers)
            finally:
                server.stop()
            rows.append((server.name, figures, memory))
    finally:
        shutil.rmtree(build, ignore_errors=True)

    floor = rows[0][1]["median"]
    print(f"\n{'server':38} {'errors':>10} {'median':>9} {'p95':>9} {'wall':>8} {'vs ox':>7}")
    for name, f, _ in rows:
        errors = f"{int(f['errors'])}/{int(f['requests'])}"
        ratio = f["median"] / floor
        print(
            f"{name:38} {errors:>10} {f['median'] * 1000:7.1f}ms {f['p95'] * 1000:7.1f}ms"
            f" {f['wall']:7.1f}s {ratio:6.2f}x"
        )
    print(f"\nslow readers ({args.slow_readers}, ~10 MB answers, 160 KB/s, 10 s): server RSS")
    for name, _, memory in rows:
        if memory is not None:
            growth = memory["peak"] - memory["idle"]
            print(
                f"{name:38} idle {memory['idle']:7.0f} MB, peak {memory['peak']:7.0f} MB,"
                f" growth {growth:6.0f} MB ({memory['received']:.0f} MB sent)"
            )
    after = rows[1]
    verdicts = [
        ("0 errors under load", after[1]["errors"] == 0),
        ("median <= 2x oxigraph", after[1]["median"] <= 2 * floor),
    ]
    if after[2] is not None:
        verdicts.append(("RSS growth <= 256 MB", after[2]["peak"] - after[2]["idle"] <= 256))
    print()
    for label, ok in verdicts:
        print(f"{label}: {'holds' if ok else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
