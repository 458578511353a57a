"""``aiplus query --endpoint`` and ``aiplus push``: what the commands refuse before they
connect (credentials in the URL, a URL that is not http or https, malformed credentials
in the environment, a size that is not one), and URLs shown without their credentials."""

from __future__ import annotations

import pytest

from aiplus_kg.query import remote
from tests.query_support import ROOT
from tests.support import run_cli


def test_credentials_in_the_url_are_refused() -> None:
    result = run_cli("query", "articles", "--endpoint", "http://u:p@127.0.0.1:9/sparql", root=ROOT)
    assert result.exit_code == 2
    assert "put no credentials in the URL; set AIPLUS_ENDPOINT_USER" in result.stderr
    assert "u:p" not in result.stderr


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///etc/passwd", "127.0.0.1:7878"])
def test_only_http_urls(url: str) -> None:
    result = run_cli("query", "articles", "--endpoint", url, root=ROOT)
    assert result.exit_code == 2
    assert "give an http:// or https:// URL" in result.stderr


MALFORMED = [
    (remote.ENV_TOKEN, "tok-123\r", "starts or ends with white space or a line break"),
    (remote.ENV_TOKEN, " tok-123", "starts or ends with white space or a line break"),
    (remote.ENV_TOKEN, "tok\n123", "holds a control character or a line break"),
    (remote.ENV_TOKEN, "tok\x1b[2J123", "holds a control character or a line break"),
    (remote.ENV_TOKEN, "jeton-clé-secrète", "cannot go in an HTTP header"),
    (remote.ENV_TOKEN, "токен-секрет", "cannot go in an HTTP header"),
    (remote.ENV_TOKEN, "tok 123", "cannot go in an HTTP header"),
    (remote.ENV_PASSWORD, "pass-word\r", "starts or ends with white space or a line break"),
    (remote.ENV_PASSWORD, "pass\r\nX-Injected: 1", "holds a control character or a line break"),
    (remote.ENV_USER, "rea\x7fder", "holds a control character or a line break"),
]


@pytest.mark.parametrize(("variable", "value", "message"), MALFORMED)
def test_malformed_credentials_are_refused_before_connecting(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    for name in (remote.ENV_TOKEN, remote.ENV_USER, remote.ENV_PASSWORD):
        monkeypatch.delenv(name, raising=False)
    if variable != remote.ENV_TOKEN:
        monkeypatch.setenv(remote.ENV_USER, "reader")
        monkeypatch.setenv(remote.ENV_PASSWORD, "pass-word")
    monkeypatch.setenv(variable, value)
    # port 9 (discard) on loopback: nothing is sent, the refusal comes first
    for args in (
        ("query", "articles", "--endpoint", "http://127.0.0.1:9/sparql"),
        ("push", "--endpoint", "http://127.0.0.1:9/store"),
    ):
        result = run_cli(*args, root=ROOT)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"aiplus: error: {variable} ")
        assert message in result.stderr
        assert result.stderr.count("\n") == 1
        shown = result.output + result.stderr
        assert value not in shown
        assert value.strip() not in shown


def test_a_size_must_be_a_size() -> None:
    args = ("query", "articles", "--endpoint", "http://127.0.0.1:9/sparql")
    result = run_cli(*args, "--max-answer-size", "lots", root=ROOT)
    assert result.exit_code == 2
    assert "'lots' is not a size in bytes" in result.stderr


def test_the_url_is_shown_without_its_credentials() -> None:
    url = "ftp://127.0.0.1/x?token=SECRET-1&api_key=SECRET-2"
    result = run_cli("query", "articles", "--endpoint", url, root=ROOT)
    assert result.exit_code == 2
    assert result.stderr == (
        "aiplus: error: --endpoint ftp://127.0.0.1/x?token=***&api_key=***: "
        "give an http:// or https:// URL\n"
    )


def test_a_url_with_a_line_break_is_refused() -> None:
    url = "http://127.0.0.1:9/sparql?token=SECRET\r\nX: y"
    result = run_cli("query", "articles", "--endpoint", url, root=ROOT)
    assert result.exit_code == 2
    assert "the URL holds spaces or control characters" in result.stderr
    assert "SECRET" not in result.stderr
    assert result.stderr.count("\n") == 1
