"""Throughput of aiplus serve under a burst of concurrent clients, and its deadline.

Usage::

    python bench/serve_burst.py [--root PATH] [--clients 24] [--requests 240] [--workers 2]

Starts the server on a free loopback port, sends ``--requests`` requests from
``--clients`` threads (saved queries with and without parameters, ad-hoc SELECT and
ASK, JSON and CSV), checks every answer against the local run, and prints the
requests per second, latency percentiles and the count of errors; then times how long
a query that cannot finish takes to be stopped, and how long the pool takes to answer
again.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aiplus_kg.load.dataset import load
from aiplus_kg.project import Project
from aiplus_kg.query.catalogue import load_catalogue
from aiplus_kg.query.results import serialize_results
from aiplus_kg.query.run import run_saved, run_text
from aiplus_kg.serve.server import make_server

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def fetch(url: str, accept: str = "application/sparql-results+json") -> tuple[int, bytes, float]:
    started = time.perf_counter()
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read(), time.perf_counter() - started
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument("--requests", type=int, default=240)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--deadline", type=float, default=10.0)
    args = parser.parse_args()

    project = Project(args.root)
    dataset = load(args.root).dataset
    queries = {q.name: q for q in load_catalogue(project)}
    started = time.perf_counter()
    server = make_server(project, port=0, workers=args.workers, deadline=args.deadline, quiet=True)
    print(f"server ready in {time.perf_counter() - started:.2f} s ({args.workers} workers)")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = server.base_url
    try:
        jobs = []
        for name in ("articles", "search-labels", "hedged-claims", "chip-to-goal"):
            expected = serialize_results(run_saved(dataset, queries[name]), "json")
            jobs.append((f"{base}/queries/{name}", "application/sparql-results+json", expected))
        silk = run_saved(dataset, queries["search-labels"], {"text": "Silk"})
        jobs.append(
            (f"{base}/queries/search-labels?text=Silk", "text/csv", serialize_results(silk, "csv"))
        )
        text = "SELECT ?c ?m WHERE { ?c aip:madeBy ?m } ORDER BY ?c ?m"
        url = f"{base}/sparql?" + urllib.parse.urlencode({"query": text})
        jobs.append((url, "text/csv", serialize_results(run_text(dataset, text), "csv")))
        work = [jobs[i % len(jobs)] for i in range(args.requests)]

        def one(job: tuple[str, str, bytes]) -> tuple[bool, float]:
            status, body, seconds = fetch(job[0], job[1])
            return status == 200 and body == job[2], seconds

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as clients:
            outcomes = list(clients.map(one, work))
        elapsed = time.perf_counter() - started
        latencies = sorted(seconds for _, seconds in outcomes)
        errors = sum(1 for ok, _ in outcomes if not ok)
        p50 = statistics.median(latencies)
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        print(
            f"{len(work)} requests from {args.clients} clients in {elapsed:.2f} s: "
            f"{len(work) / elapsed:.1f} req/s, p50 {p50 * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms, {errors} errors"
        )

        slow_url = f"{base}/sparql?" + urllib.parse.urlencode({"query": SLOW})
        status, body, seconds = fetch(slow_url)
        print(f"endless query: HTTP {status} after {seconds:.2f} s: {body.decode().strip()}")
        started = time.perf_counter()
        while fetch(f"{base}/sparql?query=ASK%7B%7D")[0] != 200:
            time.sleep(0.05)
        print(f"answering again {time.perf_counter() - started:.2f} s later")
    finally:
        server.shutdown()
        server.close()
        thread.join(10)


if __name__ == "__main__":
    main()
