"""``aiplus query --endpoint``: what the command refuses before it connects (credentials
in the URL, a URL that is not http or https)."""

from __future__ import annotations

import pytest

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
