"""The stem rule of ``aiplus new-article``, and what it refuses."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from aiplus_kg.errors import InputError
from aiplus_kg.export.scaffold import ArticleRequest, check_request, stem_for

STEMS = ["000-fa0972a5f4bf42df", "001-c4f603b6c01e8ba9", "004-cc05c11baff604b2"]


def test_a_source_name_gives_its_stem() -> None:
    for name in ("005_0123456789abcdef.txt", "005_0123456789abcdef"):
        assert stem_for(Path(name), b"text", STEMS) == "005-0123456789abcdef"


def test_another_name_gives_the_next_number_and_the_texts_hash() -> None:
    data = b"Un article.\n"
    digest = hashlib.sha256(data).hexdigest()[:16]
    assert stem_for(Path("article.txt"), data, STEMS) == f"005-{digest}"
    assert stem_for(Path("article.txt"), data, []) == f"000-{digest}"
    # a stem that is not NNN-<hex> takes no number
    assert stem_for(Path("x.txt"), data, ["a-one"]) == f"000-{digest}"


def test_what_is_refused() -> None:
    with pytest.raises(InputError, match="article 001-c4f603b6c01e8ba9 exists already"):
        stem_for(Path("001_c4f603b6c01e8ba9.txt"), b"", STEMS)
    with pytest.raises(InputError, match="number 004 is taken by src:004-cc05c11baff604b2"):
        stem_for(Path("004_0123456789abcdef.txt"), b"", STEMS)
    data = b"the same text"
    digest = hashlib.sha256(data).hexdigest()[:16]
    with pytest.raises(InputError, match=f"this text is article src:002-{digest} already"):
        stem_for(Path("again.txt"), data, [*STEMS, f"002-{digest}"])
    full = [f"{n:03d}-{n:016x}" for n in range(1000)]
    with pytest.raises(InputError, match="no article number is free"):
        stem_for(Path("new.txt"), b"new", full)


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (ArticleRequest(Path("a.txt"), "French"), "--language 'French'"),
        (ArticleRequest(Path("a.txt"), "FR"), "--language 'FR'"),
        (ArticleRequest(Path("a.txt"), "fr", date="12/06/2025"), "--date '12/06/2025'"),
        (ArticleRequest(Path("a.txt"), "fr", date="2025-02-30"), "--date '2025-02-30'"),
        (ArticleRequest(Path("a.txt"), "fr", date="20250612"), "--date '20250612'"),
        (ArticleRequest(Path("a.txt"), "fr", title=" "), "--title"),
        (ArticleRequest(Path("a.txt"), "fr", outlet="a\nb"), "--outlet"),
    ],
)
def test_options_the_graph_cannot_hold(request_: ArticleRequest, message: str) -> None:
    with pytest.raises(InputError, match=message):
        check_request(request_)
