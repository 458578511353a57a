"""bench/copied_runs.py: literals sharing a run of ten consecutive words with an article.

The real articles are not part of the project; these tests write made-up ones under
tmp_path.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from tests.support import REPO


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_copied_runs", REPO / "bench" / "copied_runs.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_words_are_normalised() -> None:
    words = _module().words
    assert words("L\u2019IA, « moteur » de la R&D !") == ["l", "ia", "moteur", "de", "la", "r", "d"]


def test_longest_run() -> None:
    longest_run = _module().longest_run
    assert longest_run(list("abcdef"), list("xbcdy")) == ["b", "c", "d"]
    assert longest_run(["a"], ["b"]) == []


def test_a_copied_run_is_found_and_a_short_one_is_not(tmp_path: Path) -> None:
    copied_runs = _module()
    articles = tmp_path / "articles"
    articles.mkdir()
    # The French title of article 000 (fourteen words once normalised), in a made-up text,
    # and a text sharing no run of ten words with any literal.
    (articles / "900_test.txt").write_text(
        "Préambule. Stratégie « AI+ » : la Chine accélère l\u2019intégration "
        "de l\u2019IA dans tous les secteurs. Fin.",
        encoding="utf-8",
    )
    (articles / "901_test.txt").write_text("La Chine et l'IA, en quelques mots.", encoding="utf-8")
    copies, compared = copied_runs.find_copies(REPO, articles, 10)
    assert compared > 1000
    found = {(c.subject, c.property, c.article, len(c.run)) for c in copies}
    assert ("src:000-fa0972a5f4bf42df", "dcterms:title", "900_test.txt", 14) in found
    assert not any(c.article == "901_test.txt" for c in copies)
    assert copied_runs.main([str(articles), "--min-words", "40"]) == 0
