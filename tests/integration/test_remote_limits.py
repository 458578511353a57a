"""The remote client's limits against small servers of the tests' own, on loopback: one
deadline for a whole request (a server that drips its answer a byte at a time cannot
hold the client), a cap on the size of an answer, and credentials kept out of every
message. What the client refuses before it connects is tested without a server in
``tests/cli/test_remote.py`` and ``tests/unit/test_remote_redaction.py``.
"""

from __future__ import annotations

import base64
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from aiplus_kg.query import remote
from tests.integration.test_remote import EMPTY_RESULTS, free_port, recorder, url_of
from tests.query_support import ROOT
from tests.support import run_cli

__all__ = ["recorder"]  # the fixture, shared with test_remote.py

pytestmark = pytest.mark.network

JSON_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
DRIP_INTERVAL = 0.2
"""Seconds between two bytes: far below the --timeout of the tests, so that no single
read ever waits that long."""
DRIP_LIMIT = 30.0
"""Seconds a dripping server goes on before it sends the rest at once: a client with
only per-read timeouts reads the whole answer then, which the tests see."""


class Dripper:
    """A loopback server that reads each request, sends ``head`` at once, then ``drip``
    one byte every ``interval`` seconds (the rest at once after ``DRIP_LIMIT``
    seconds). With ``hold``, it keeps the connection open afterwards, until the client
    closes it or the test ends; without, it closes it."""

    def __init__(
        self,
        head: bytes,
        drip: bytes = b"",
        *,
        interval: float = DRIP_INTERVAL,
        hold: bool,
        http: bool = True,
    ) -> None:
        self.head, self.drip, self.interval, self.hold = head, drip, interval, hold
        self.http = http
        """Unset: answer whatever the client sends first, without reading a request."""
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/sparql"
        self.stop = threading.Event()
        self.finished = threading.Event()
        """Set once a whole answer was sent."""
        self.requests = 0
        self.tls: ssl.SSLContext | None = None
        """Set: the connections speak TLS with this context."""
        self.threads = [threading.Thread(target=self._serve, daemon=True)]
        self.threads[0].start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.requests += 1
            thread = threading.Thread(target=self._answer, args=(conn,), daemon=True)
            self.threads.append(thread)
            thread.start()

    @staticmethod
    def _read_request(conn: socket.socket) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                return
            body += chunk

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                if self.tls is not None:
                    conn = self.tls.wrap_socket(conn, server_side=True)
                if self.http:
                    self._read_request(conn)
                else:
                    conn.recv(65536)
                conn.sendall(self.head)
                started = time.monotonic()
                for i in range(len(self.drip)):
                    if self.stop.is_set():
                        return
                    if time.monotonic() - started > DRIP_LIMIT:
                        conn.sendall(self.drip[i:])
                        break
                    conn.sendall(self.drip[i : i + 1])
                    self.stop.wait(self.interval)
                self.finished.set()
                conn.settimeout(0.05)
                while self.hold and not self.stop.is_set():
                    try:
                        if not conn.recv(65536):
                            return  # the client closed the connection
                    except TimeoutError:
                        continue
            except OSError:
                return  # the client went away

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(10)
        self.listener.close()


def json_answer(size: int = 400) -> tuple[bytes, bytes]:
    """The head and body of a SPARQL JSON answer of ``size`` bytes (padded with white
    space), with its length."""
    body = EMPTY_RESULTS.ljust(size)
    return JSON_HEAD + f"Content-Length: {len(body)}\r\n\r\n".encode(), body


@pytest.fixture
def servers() -> Iterator[list[Dripper]]:
    started: list[Dripper] = []
    try:
        yield started
    finally:
        for server in started:
            server.close()


def dripper(
    servers: list[Dripper],
    head: bytes,
    drip: bytes = b"",
    *,
    interval: float = DRIP_INTERVAL,
    hold: bool,
    http: bool = True,
) -> Dripper:
    server = Dripper(head, drip, interval=interval, hold=hold, http=http)
    servers.append(server)
    return server


def assert_one_line(text: str) -> None:
    assert text.count("\n") == 1, text
    assert text.endswith("\n"), text


# --- one deadline for the whole request ---------------------------------------------------


def test_query_against_an_endpoint_that_drips_its_headers(servers: list[Dripper]) -> None:
    head, body = json_answer()
    server = dripper(servers, b"", head + body, hold=True)
    args = ("query", "articles", "--format", "json", "--endpoint", server.url, "--timeout", "2")
    result = run_cli(*args, root=ROOT)
    assert result.exit_code == 4
    assert result.stderr == f"aiplus: error: {server.url}: no answer within 2 s (see --timeout)\n"
    assert not server.finished.is_set()  # the client gave up long before the server


def test_query_against_an_endpoint_that_drips_its_body(servers: list[Dripper]) -> None:
    head, body = json_answer()
    server = dripper(servers, head, body, hold=True)
    args = ("query", "articles", "--format", "json", "--endpoint", server.url, "--timeout", "2")
    result = run_cli(*args, root=ROOT)
    assert result.exit_code == 4
    assert result.stderr == f"aiplus: error: {server.url}: no answer within 2 s (see --timeout)\n"
    assert not server.finished.is_set()


def test_push_against_a_store_that_drips_its_answer(servers: list[Dripper]) -> None:
    server = dripper(
        servers, b"", b"HTTP/1.1 204 No Content\r\n" + b"X-Pad: y\r\n" * 20 + b"\r\n", hold=True
    )
    result = run_cli("push", "--endpoint", server.url, "--timeout", "2")
    assert result.exit_code == 4
    assert "failed (no graph replaced)" in result.stderr
    assert result.stderr.endswith(": no answer within 2 s (see --timeout)\n")
    assert_one_line(result.stderr)
    assert not server.finished.is_set()
    assert server.requests == 1


def test_a_prompt_answer_is_read_whole(servers: list[Dripper]) -> None:
    head, body = json_answer(70_000)  # more than one chunk
    server = dripper(servers, head, body, interval=0, hold=True)
    target = remote.endpoint(server.url, timeout=10, env={})
    assert remote.query(target, "SELECT ?n {}").variables == ("n",)


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made by the openssl command."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not installed")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.mark.parametrize("stage", ["handshake", "body"])
def test_over_tls_the_deadline_holds_too(
    servers: list[Dripper], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    cert, key = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts the certificate
    if stage == "handshake":
        # a TLS record header announcing 16 KiB, then a byte at a time
        server = dripper(servers, b"\x16\x03\x03\x40\x00", b"\x02" * 400, hold=True, http=False)
    else:
        head, body = json_answer()
        server = dripper(servers, head, body, hold=True)
        server.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server.tls.load_cert_chain(cert, key)
    url = server.url.replace("http://", "https://")
    with pytest.raises(remote.RemoteError) as excinfo:
        remote.query(remote.endpoint(url, timeout=1, env={}), "ASK {}")
    assert str(excinfo.value) == f"{url}: no answer within 1 s (see --timeout)"
    assert not server.finished.is_set()


def test_over_tls_a_prompt_answer_is_read(
    servers: list[Dripper], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    head, body = json_answer()
    server = dripper(servers, head, body, interval=0, hold=True)
    server.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.tls.load_cert_chain(cert, key)
    url = server.url.replace("http://", "https://")
    assert remote.query(remote.endpoint(url, env={}), "SELECT ?n {}").variables == ("n",)
    monkeypatch.delenv("SSL_CERT_FILE")
    with pytest.raises(remote.RemoteError, match=r"TLS error: .*CERTIFICATE_VERIFY_FAILED"):
        remote.query(remote.endpoint(url, env={}), "ASK {}")


# --- the size of an answer -------------------------------------------------------------------


def test_an_announced_size_above_the_cap_is_refused_before_the_body(
    servers: list[Dripper],
) -> None:
    # the body never comes: a client that waited for it would time out instead
    head = JSON_HEAD + b"Content-Length: 1000000000\r\n\r\n"
    server = dripper(servers, head, b"{", hold=True)
    args = ("--format", "json", "--endpoint", server.url, "--timeout", "30")
    result = run_cli("query", "articles", *args, "--max-answer-size", "1K", root=ROOT)
    assert result.exit_code == 4
    assert result.stderr == (
        f"aiplus: error: {server.url}: answer larger than 1 KiB (see --max-answer-size)\n"
    )


@pytest.mark.parametrize(
    ("framing", "body"),
    [
        (b"Connection: close\r\n\r\n", b"{" + b" " * 4096),
        (b"Transfer-Encoding: chunked\r\n\r\n", b"1001\r\n{" + b" " * 4096 + b"\r\n"),
    ],
    ids=["until-closed", "chunked"],
)
def test_a_body_passing_the_cap_is_refused_as_it_comes(
    servers: list[Dripper], framing: bytes, body: bytes
) -> None:
    # the answer never ends: a client that buffered it all would time out instead
    server = dripper(servers, JSON_HEAD + framing + body, hold=True)
    args = ("--format", "json", "--endpoint", server.url, "--timeout", "30")
    result = run_cli("query", "articles", *args, "--max-answer-size", "2K", root=ROOT)
    assert result.exit_code == 4
    assert result.stderr == (
        f"aiplus: error: {server.url}: answer larger than 2 KiB (see --max-answer-size)\n"
    )


@pytest.mark.parametrize("announced", [True, False], ids=["content-length", "until-closed"])
def test_an_answer_of_exactly_the_cap_is_read(servers: list[Dripper], announced: bool) -> None:
    size = len(EMPTY_RESULTS)
    length = f"Content-Length: {size}\r\n" if announced else "Connection: close\r\n"
    server = dripper(servers, JSON_HEAD + length.encode() + b"\r\n" + EMPTY_RESULTS, hold=False)
    assert remote.query(remote.endpoint(server.url, max_answer_size=size, env={}), "ASK {}")
    with pytest.raises(remote.RemoteError, match=r"answer larger than \d+ bytes"):
        remote.query(remote.endpoint(server.url, max_answer_size=size - 1, env={}), "ASK {}")


def test_no_cap(recorder: ThreadingHTTPServer) -> None:
    big = EMPTY_RESULTS.ljust(300_000)
    recorder.answer = (200, {"Content-Type": "application/sparql-results+json"}, big)  # type: ignore[attr-defined]
    target = remote.endpoint(url_of(recorder), max_answer_size=0, env={})
    assert remote.query(target, "SELECT ?n {}").rows == ()
    with pytest.raises(remote.RemoteError, match="answer larger than"):
        remote.query(remote.endpoint(url_of(recorder), max_answer_size=1000, env={}), "ASK {}")


def test_an_xml_bomb_is_refused(recorder: ThreadingHTTPServer) -> None:
    entities = '<!ENTITY a0 "xxxxxxxxxx">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE sparql [{entities}]>'
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="x"/>'
        '</head><results><result><binding name="x"><literal>&a9;</literal></binding>'
        "</result></results></sparql>"
    ).encode()
    recorder.answer = (200, {"Content-Type": "application/sparql-results+xml"}, bomb)  # type: ignore[attr-defined]
    with pytest.raises(remote.RemoteError, match="the answer is not SPARQL results"):
        remote.query(remote.endpoint(url_of(recorder), env={}), "SELECT ?x {}")


def test_no_proxy_to_loopback(
    recorder: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{free_port()}")
    monkeypatch.delenv("no_proxy", raising=False)
    assert remote.query(remote.endpoint(url_of(recorder), env={}), "ASK {}").rows == ()
    assert len(recorder.seen) == 1  # type: ignore[attr-defined]


# --- credentials out of every message -----------------------------------------------------

SECRET = "s3cr3t-Zq9xW"


def output_of(result: object) -> str:
    return "".join(getattr(result, name) for name in ("output", "stdout", "stderr"))


def test_a_token_in_the_url_of_an_unreachable_store_is_not_shown() -> None:
    url = f"http://127.0.0.1:{free_port()}/store?token={SECRET}"
    result = run_cli("push", "--endpoint", url)
    assert result.exit_code == 4
    assert SECRET not in output_of(result)
    assert "/store?token=***&graph=" in result.stderr
    assert_one_line(result.stderr)


@pytest.mark.parametrize("name", ["token", "access_token", "key", "apikey", "password", "auth"])
def test_a_store_that_echoes_the_url_does_not_show_it(
    recorder: ThreadingHTTPServer, name: str
) -> None:
    echo = f"bad {name} {SECRET}; see http://127.0.0.1:9/help?{name}={SECRET}".encode()
    recorder.answer = (500, {"Content-Type": "text/plain"}, echo)  # type: ignore[attr-defined]
    result = run_cli("push", "--endpoint", url_of(recorder, f"/store?x=1&{name}={SECRET}"))
    assert result.exit_code == 4
    assert SECRET not in output_of(result)
    assert f"HTTP 500 Internal Server Error: bad {name} ***" in result.stderr
    assert recorder.seen[0][0].startswith(f"/store?x=1&{name}={SECRET}&graph=")  # type: ignore[attr-defined]


def test_the_push_report_does_not_show_the_token(recorder: ThreadingHTTPServer) -> None:
    recorder.answer = (204, {}, b"")  # type: ignore[attr-defined]
    result = run_cli("push", "--endpoint", url_of(recorder, f"/store?access_token={SECRET}"))
    assert result.exit_code == 0, result.stderr
    assert SECRET not in output_of(result)
    assert result.stdout.splitlines()[-1].endswith(
        f"pushed to {url_of(recorder)[:-7]}/store?access_token=***"
    )


def test_a_redirect_to_a_url_with_a_token_is_not_shown(recorder: ThreadingHTTPServer) -> None:
    location = f"http://127.0.0.1:9/elsewhere?sig={SECRET}"
    recorder.answer = (302, {"Location": location}, b"")  # type: ignore[attr-defined]
    with pytest.raises(remote.RemoteError) as excinfo:
        remote.query(remote.endpoint(url_of(recorder), env={}), "ASK {}")
    assert str(excinfo.value).endswith(
        "redirected to http://127.0.0.1:9/elsewhere?sig=***; use that URL"
    )


@pytest.mark.parametrize("kind", ["token", "basic"])
def test_credentials_the_server_echoes_are_not_shown(
    recorder: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    if kind == "token":
        monkeypatch.setenv(remote.ENV_TOKEN, SECRET)
        echoed = f"invalid token: Bearer {SECRET}"
    else:
        monkeypatch.setenv(remote.ENV_USER, "reader")
        monkeypatch.setenv(remote.ENV_PASSWORD, SECRET)
        pair = base64.b64encode(f"reader:{SECRET}".encode()).decode()
        echoed = f"denied: Authorization: Basic {pair} (reader:{SECRET})"
    recorder.answer = (403, {"Content-Type": "text/plain"}, echoed.encode())  # type: ignore[attr-defined]
    result = run_cli(
        "query", "articles", "--format", "json", "--endpoint", url_of(recorder), root=ROOT
    )
    assert result.exit_code == 4
    assert SECRET not in output_of(result)
    if kind == "basic":
        assert pair not in output_of(result)
    assert "HTTP 403 Forbidden: " in result.stderr
    assert_one_line(result.stderr)
