"""Literals of the graph that copy an article: every literal sharing a run of at least
``--min-words`` (default 10) consecutive words with one of the source articles.

Usage (from the project root; the articles are not part of the project)::

    python bench/copied_runs.py PATH/TO/ARTICLES            # the folder of NNN_*.txt
    python bench/copied_runs.py PATH/TO/ARTICLES --min-words 8 --root .

The content rules forbid copying the articles' sentences: labels, summaries and notes are
written in the project's own words, names, figures and dates aside. Both sides are
normalised the same way before comparing: lowercase, every character that is not a
letter or a digit (punctuation, apostrophes, quotes, dashes) read as a space, words
split on spaces. Each literal of the loaded project (ontology, reference data, articles)
is compared with each article; a literal that shares a run is listed with the longest
run, its length, the article (by file name), and the subject and property holding it.

Prints one line per copied literal, then the figures: literals compared, literals with
a run, longest run. Exits with 1 when a literal copies a run, 0 otherwise.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from aiplus_kg.load.dataset import load  # noqa: E402
from aiplus_kg.namespaces import curie  # noqa: E402

NOT_A_WORD = re.compile(r"[^\w]|_", re.UNICODE)


def words(text: str) -> list[str]:
    """``text`` lowercased, punctuation read as spaces, split into words."""
    return NOT_A_WORD.sub(" ", text.casefold()).split()


def ngrams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def longest_run(a: list[str], b: list[str]) -> list[str]:
    """The longest run of consecutive words that ``a`` and ``b`` share."""
    best, end = 0, 0
    previous = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        current = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                current[j] = previous[j - 1] + 1
                if current[j] > best:
                    best, end = current[j], i
        previous = current
    return a[end - best : end]


@dataclass(frozen=True)
class Copy:
    subject: str
    property: str
    language: str
    article: str
    run: tuple[str, ...]


def find_copies(root: Path, articles: Path, min_words: int) -> tuple[list[Copy], int]:
    """The literals of the project at ``root`` that share a run of at least
    ``min_words`` words with an article of ``articles``, and how many were compared."""
    texts = {p.name: words(p.read_text(encoding="utf-8")) for p in sorted(articles.glob("*.txt"))}
    if not texts:
        raise SystemExit(f"copied_runs: no *.txt article in {articles}")
    grams = {name: ngrams(tokens, min_words) for name, tokens in texts.items()}
    dataset = load(root).dataset
    seen: set[tuple[str, str, str]] = set()
    copies: list[Copy] = []
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        if not isinstance(o, Literal) or not isinstance(o.value, str | None):
            continue
        key = (str(s), str(p), str(o))
        if key in seen:
            continue
        seen.add(key)
        tokens = words(str(o))
        mine = ngrams(tokens, min_words)
        if not mine:
            continue
        for name, theirs in grams.items():
            if mine & theirs:
                run = longest_run(tokens, texts[name])
                copies.append(
                    Copy(curie(str(s)), curie(str(p)), o.language or "", name, tuple(run))
                )
    return copies, len(seen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles", type=Path, help="the folder of the articles (NNN_*.txt)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the project (default: here)")
    parser.add_argument("--min-words", type=int, default=10, help="shortest run reported")
    args = parser.parse_args(argv)
    copies, compared = find_copies(args.root, args.articles, args.min_words)
    for copy in sorted(copies, key=lambda c: (c.article, c.subject, c.property, c.language)):
        lang = f"@{copy.language}" if copy.language else ""
        print(f"{copy.article}  {copy.subject} {copy.property}{lang}  {len(copy.run)} words:")
        print(f"    {' '.join(copy.run)}")
    longest = max((len(c.run) for c in copies), default=0)
    print(
        f"literals compared: {compared}; sharing a run of >= {args.min_words} words with an "
        f"article: {len(copies)}; longest run: {longest} words"
    )
    return 1 if copies else 0


if __name__ == "__main__":
    sys.exit(main())
