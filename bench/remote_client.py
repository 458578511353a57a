"""What the remote client's limits cost a request: before and after, side by side.

    python bench/remote_client.py --before REV [--after REV] [--requests N] [--runs N]

Each version's ``src/`` is extracted from git under ``build/bench/remote-client/REV``
(``--after`` defaults to the working tree) and run with the same Python, in processes of
its own that alternate. Each process starts a small HTTP server on loopback and times
``--requests`` requests through :mod:`aiplus_kg.query.remote`; every figure is the best
of ``--runs`` processes, in milliseconds per request:

* ``query``: ``remote.query`` of an ``ASK`` (a POST, a small JSON answer parsed);
* ``query 1 MiB``: the same with a 1 MiB answer (white space after the JSON), read in
  chunks against the size cap;
* ``urllib``: the same POST through ``urllib.request`` alone, the floor.

The "after" version runs each request under a watchdog thread (the deadline) and counts
the bytes of the answer; the figures show what that adds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WORKER = """
import json, sys, threading, time, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from aiplus_kg.query import remote

SMALL = b'{"head": {"vars": []}, "boolean": true}'
BIG = SMALL.ljust(1 << 20)

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        body = BIG if self.path.startswith("/big") else SMALL
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_address[1]}"
n = int(sys.argv[1])

def urllib_alone():
    request = urllib.request.Request(f"{base}/sparql", data=b"query=ASK+%7B%7D", method="POST")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=60) as response:
        response.read()

small = remote.endpoint(f"{base}/sparql", env={})
big = remote.endpoint(f"{base}/big", env={})
cases = {
    "query": lambda: remote.query(small, "ASK {}"),
    "query 1 MiB": lambda: remote.query(big, "ASK {}"),
    "urllib": urllib_alone,
}
figures = {}
for name, run in cases.items():
    run()
    started = time.perf_counter()
    for _ in range(n):
        run()
    figures[name] = 1000 * (time.perf_counter() - started) / n
print(json.dumps(figures))
"""


def extract(rev: str, target: Path) -> Path:
    """``src/`` of ``rev`` under ``target``."""
    src = target / "src"
    if not src.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile() as archive:
            subprocess.run(
                ["git", "-C", str(ROOT), "archive", "--format=tar", rev, "src"],
                stdout=archive,
                check=True,
            )
            archive.seek(0)
            with tarfile.open(fileobj=archive) as tar:
                tar.extractall(target, filter="data")
    return src


def measure(src: Path, requests: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run(
        [sys.executable, "-c", WORKER, str(requests)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures: dict[str, float] = json.loads(out)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="git revision before the change")
    parser.add_argument("--after", default=None, help="git revision (default: working tree)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    build = ROOT / "build" / "bench" / "remote-client"
    versions = {
        "before": extract(args.before, build / args.before),
        "after": extract(args.after, build / args.after) if args.after else ROOT / "src",
    }
    best: dict[str, dict[str, float]] = {name: {} for name in versions}
    for _ in range(args.runs):
        for name, src in versions.items():
            for case, value in measure(src, args.requests).items():
                best[name][case] = min(value, best[name].get(case, value))
    print(f"{'ms per request':<16}{'before':>10}{'after':>10}")
    for case in best["before"]:
        print(f"{case:<16}{best['before'][case]:>10.3f}{best['after'][case]:>10.3f}")


if __name__ == "__main__":
    main()
