"""aiplus serve under faults and hostile clients: killed workers, slow readers, foreign
Host headers, a server stopped mid-query or killed, a server that cannot start.

Each test starts its own server on the mini project (one or two workers load in well
under a second), on a free loopback port.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from aiplus_kg.project import Project
from aiplus_kg.serve.pool import SPOOL_IN_MEMORY
from aiplus_kg.serve.server import SparqlServer, make_server
from tests.support import MINI

pytestmark = [pytest.mark.network, pytest.mark.slow]

TIMEOUT = 30
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
# a large answer: every triple, each with a long literal made from it
LARGE = (
    "SELECT ?s ?p ?o ?pad WHERE { ?s ?p ?o "
    'BIND(CONCAT(STR(?s), STR(?p), STR(?o), "' + "x" * 20000 + '") AS ?pad) }'
)


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    call = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(call, timeout=TIMEOUT) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def sparql(base: str, query: str) -> str:
    return f"{base}/sparql?" + urllib.parse.urlencode({"query": query})


@contextlib.contextmanager
def serving(**options: object) -> Iterator[tuple[SparqlServer, list[str]]]:
    logged: list[str] = []
    server = make_server(Project(MINI), port=0, quiet=True, log=logged.append, **options)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, logged
    finally:
        server.shutdown()
        server.close()
        thread.join(10)


def answered_again(base: str, within: float) -> float:
    """Seconds until the server answers a query with 200, at most ``within``."""
    began = time.monotonic()
    while time.monotonic() - began < within:
        status, _ = get(sparql(base, "ASK { ?s ?p ?o }"))
        if status == 200:
            return time.monotonic() - began
        time.sleep(0.1)
    raise AssertionError(f"no 200 within {within} s")


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    found.append(int(entry.name))
    return found


def wait_until(condition: object, within: float) -> bool:
    began = time.monotonic()
    while time.monotonic() - began < within:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


# --- goal: a dead worker is replaced, and it is logged --------------------------------


@pytest.mark.parametrize("workers", [1, 2])
def test_a_killed_worker_is_replaced(workers: int) -> None:
    with serving(workers=workers) as (server, logged):
        base = server.base_url
        assert get(sparql(base, "ASK { ?s ?p ?o }"))[0] == 200
        for round in range(1, 4):  # again and again: the pool never gives up
            victim = server.pool.pids[0]
            os.kill(victim, signal.SIGKILL)
            assert answered_again(base, within=10) <= 10
            assert wait_until(lambda v=victim: v not in server.pool.pids, 10)
            # the replacement is ready before the next round
            assert wait_until(lambda n=round: "\n".join(logged).count(" ready in ") >= n, 10)
        assert server.pool.replaced >= 3
        text = "\n".join(logged)
        assert "was killed by SIGKILL" in text
        assert text.count("starting a new one") >= 3
        assert text.count(" ready in ") >= 3


def test_a_worker_killed_mid_query_costs_that_query_only() -> None:
    with serving(workers=1, deadline=20) as (server, logged):
        base = server.base_url
        outcome: list[int] = []
        asking = threading.Thread(target=lambda: outcome.append(get(sparql(base, SLOW))[0]))
        asking.start()
        time.sleep(0.5)
        os.kill(server.pool.pids[0], signal.SIGKILL)
        asking.join(TIMEOUT)
        assert outcome == [500]
        assert answered_again(base, within=10) <= 10
        assert any("was killed by SIGKILL" in line for line in logged)


# --- goal: answers are streamed; a slow reader holds no worker ---------------------------


def test_a_client_that_does_not_read_holds_no_worker() -> None:
    with serving(workers=1, max_rows=100_000) as (server, _):
        host, port = server.base_url.removeprefix("http://").split(":")
        path = sparql("", LARGE)
        stalled = []
        for _ in range(4):  # clients that ask for a large answer and never read it
            sock = socket.create_connection((host, int(port)), timeout=TIMEOUT)
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            stalled.append(sock)
        try:
            time.sleep(1)
            # the one worker is free: others are answered while those answers wait
            status, body = get(sparql(server.base_url, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"))
            assert status == 200, body
            # and a stalled client gets its whole answer once it reads
            reader = stalled[0]
            received = bytearray()
            while b"\r\n\r\n" not in received:
                received += reader.recv(1 << 16)
            head, _, body = bytes(received).partition(b"\r\n\r\n")
            assert b"200 OK" in head.split(b"\r\n")[0]
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )
            assert length > SPOOL_IN_MEMORY  # large enough to go to a file
            whole = bytearray(body)
            while len(whole) < length:
                chunk = reader.recv(1 << 16)
                assert chunk, "the server closed the connection early"
                whole += chunk
            assert len(whole) == length
            assert bytes(whole).endswith(b"}\n")
        finally:
            for sock in stalled:
                sock.close()


# --- goal: Host allow-list, against DNS rebinding ----------------------------------------


@pytest.fixture(scope="module")
def shared() -> Iterator[SparqlServer]:
    with serving(workers=1) as (server, _):
        yield server


def test_a_foreign_host_header_is_refused(shared: SparqlServer) -> None:
    url = sparql(shared.base_url, "ASK { ?s ?p ?o }")
    port = shared.base_url.rsplit(":", 1)[1]
    assert get(url, {"Host": "attacker.example"})[0] == 400
    assert get(url, {"Host": f"attacker.example:{port}"})[0] == 400
    assert get(url, {"Host": f"localhost:{port}"})[0] == 200
    assert get(url)[0] == 200  # urllib names 127.0.0.1:PORT


def test_allow_host_admits_the_names_given() -> None:
    with serving(workers=1, hosts=["kg.example.org"]) as (server, _):
        url = sparql(server.base_url, "ASK { ?s ?p ?o }")
        assert get(url, {"Host": "kg.example.org"})[0] == 200
        assert get(url, {"Host": "other.example.org"})[0] == 400


# --- goal: hostile requests get a 4xx, never a 500 ----------------------------------------


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/sparql?query=%FF%FE", 400),  # not UTF-8
        ("/queries/chip-to-goal?chip=%FF", 400),
        ("/sparql?" + "&".join(f"p{i}=1" for i in range(200)), 400),  # too many fields
        ("/sparql?query=" + urllib.parse.quote("ASK {" + "(" * 25 + "1" + ")" * 25 + "}"), 400),
    ],
)
def test_hostile_parameters(shared: SparqlServer, path: str, status: int) -> None:
    got, body = get(shared.base_url + path)
    assert got == status, body
    if status != 200:
        assert body.startswith(b"error: ")
        assert body.count(b"\n") == 1


# --- goals: stopping, and dying, leave no worker behind -----------------------------------


def _start(*args: str, **popen: object) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "aiplus_kg", "--root", str(MINI), "serve", "--port", "0", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        **popen,  # type: ignore[call-overload]
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    assert line.startswith("aiplus: serving http://127.0.0.1:"), line
    return process, line.split()[2]


@linux_only
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_no_worker_outlives_the_server(how: signal.Signals) -> None:
    process, endpoint = _start("--quiet", "--workers", "2", "--deadline", "60")
    try:
        workers = children(process.pid)
        assert len(workers) == 2

        def ask() -> None:
            with contextlib.suppress(OSError):  # the server may die before it answers
                get(endpoint + "?" + urllib.parse.urlencode({"query": SLOW}))

        busy = threading.Thread(target=ask)
        busy.start()  # a query is running when the signal comes
        time.sleep(0.5)
        process.send_signal(how)
        code = process.wait(TIMEOUT)
        assert code == (0 if how == signal.SIGTERM else -signal.SIGKILL)
        assert wait_until(lambda: not any(alive(pid) for pid in workers), 10), workers
        if how == signal.SIGTERM:
            assert process.stderr is not None
            assert "aiplus: stopped" in process.stderr.read()
        busy.join(TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(TIMEOUT)


def _small_address_space() -> None:
    # room for the server, not for a worker loading the graph (pyoxigraph reserves
    # more than this at once)
    limit = 250 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@linux_only
def test_a_server_that_cannot_start_its_workers_says_so_and_exits_2() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "aiplus_kg", "--root", str(MINI), "serve", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=_small_address_space,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # nothing a worker printed leaks out
    assert lines[0].startswith("aiplus: error: a query worker ")
    assert "while loading the project" in lines[0]
    assert "see --workers and --memory" in lines[0]
