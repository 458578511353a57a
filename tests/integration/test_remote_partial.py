"""``aiplus query --endpoint`` and an answer the store cut short, against a small HTTP
server of the tests' own on loopback: Virtuoso's ``X-SPARQL-MaxRows`` header, its
partial answer to a query past its time limit (``X-SQL-State: S1TAT``), and a row
count equal to a cap some stores apply silently. Refused with exit code 1 and one line
on standard error, unless ``--allow-partial``. The real Virtuoso's cap is checked in
``tests/integration/test_stores.py``; what decides, in ``tests/unit/test_remote_partial.py``.
"""

from __future__ import annotations

import json
from http.server import ThreadingHTTPServer

import pytest

from aiplus_kg.query import remote
from tests.integration.test_remote import recorder, url_of
from tests.query_support import ROOT
from tests.support import run_cli

__all__ = ["recorder"]  # the fixture, shared with test_remote.py

pytestmark = pytest.mark.network

JSON = "application/sparql-results+json"
SECRET = "s3cr3t-Pq7"


def results(rows: int) -> bytes:
    """A SPARQL JSON answer of ``rows`` rows of one variable."""
    bindings = [{"n": {"type": "literal", "value": str(i)}} for i in range(rows)]
    return json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": bindings}}).encode()


def answer(server: ThreadingHTTPServer, rows: int, **headers: str) -> None:
    named = {name.replace("_", "-"): value for name, value in headers.items()}
    server.answer = (200, {"Content-Type": JSON, **named}, results(rows))  # type: ignore[attr-defined]


def query(server: ThreadingHTTPServer, *options: str, path: str = "/sparql") -> object:
    url = url_of(server, path)
    return run_cli("query", "articles", "--format", "json", "--endpoint", url, *options, root=ROOT)


def rows_written(result: object) -> int:
    data = json.loads(result.stdout)  # type: ignore[attr-defined]
    return len(data["results"]["bindings"])


@pytest.mark.parametrize(
    ("rows", "headers", "says"),
    [
        (50, {"X_SPARQL_MaxRows": "50"}, "cut the answer at 50 rows (X-SPARQL-MaxRows)"),
        (3, {"X_SQL_State": "S1TAT"}, "sent the rows found so far (X-SQL-State: S1TAT)"),
        (10_000, {}, "exactly 10000 rows"),
    ],
    ids=["max-rows-header", "anytime-answer", "known-cap"],
)
def test_a_cut_answer_is_refused(
    recorder: ThreadingHTTPServer, rows: int, headers: dict[str, str], says: str
) -> None:
    answer(recorder, rows, **headers)
    result = query(recorder)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert result.stdout == ""  # type: ignore[attr-defined]
    stderr = result.stderr  # type: ignore[attr-defined]
    assert stderr.startswith(f"aiplus: error: {url_of(recorder)}: ")
    assert says in stderr
    assert stderr.endswith("; refused (see --allow-partial)\n")
    assert stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("rows", "headers"),
    [(50, {"X_SPARQL_MaxRows": "50"}), (3, {"X_SQL_State": "S1TAT"}), (10_000, {})],
    ids=["max-rows-header", "anytime-answer", "known-cap"],
)
def test_allow_partial_writes_it_with_a_warning(
    recorder: ThreadingHTTPServer, rows: int, headers: dict[str, str]
) -> None:
    answer(recorder, rows, **headers)
    result = query(recorder, "--allow-partial")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert rows_written(result) == rows
    stderr = result.stderr  # type: ignore[attr-defined]
    assert stderr.startswith(f"aiplus: warning: {url_of(recorder)}: ")
    assert stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("rows", "headers"),
    [(9_999, {}), (10_001, {}), (20, {"X_SPARQL_MaxRows": "10000"}), (0, {"X_SQL_State": "00000"})],
    ids=["below-the-cap", "above-the-cap", "fewer-rows-than-the-header", "other-state"],
)
def test_a_whole_answer_is_written_without_a_word(
    recorder: ThreadingHTTPServer, rows: int, headers: dict[str, str]
) -> None:
    answer(recorder, rows, **headers)
    result = query(recorder)
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert result.stderr == ""  # type: ignore[attr-defined]
    assert rows_written(result) == rows


def test_the_message_shows_no_credential(recorder: ThreadingHTTPServer) -> None:
    answer(recorder, 10, X_SPARQL_MaxRows="10")
    result = query(recorder, path=f"/sparql?token={SECRET}")
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert SECRET not in result.stderr  # type: ignore[attr-defined]
    assert "/sparql?token=***: the endpoint cut the answer" in result.stderr  # type: ignore[attr-defined]


def test_the_library_raises_or_warns(recorder: ThreadingHTTPServer) -> None:
    answer(recorder, 7, X_SPARQL_MaxRows="7")
    target = remote.endpoint(url_of(recorder), env={})
    with pytest.raises(remote.PartialAnswerError) as excinfo:
        remote.query(target, "SELECT ?n {}")
    assert excinfo.value.exit_code == 1
    warnings: list[str] = []
    got = remote.query(target, "SELECT ?n {}", allow_partial=True, warn=warnings.append)
    assert len(got.rows) == 7
    assert warnings == [
        f"{url_of(recorder)}: the endpoint cut the answer at 7 rows (X-SPARQL-MaxRows)"
    ]


def test_a_limit_of_the_query_is_no_sign_of_a_cap(recorder: ThreadingHTTPServer) -> None:
    answer(recorder, 10_000)
    target = remote.endpoint(url_of(recorder), env={})
    assert len(remote.query(target, "SELECT ?n {}", limit=10_000).rows) == 10_000
    with pytest.raises(remote.PartialAnswerError):
        remote.query(target, "SELECT ?n {}", limit=20_000)
