"""How long ``aiplus site`` takes to build the site of a project, and how large its
pages are.

Usage (from the project root)::

    python bench/site.py [--root PATH] [--runs 3] [--out DIR]

Each run opens the project afresh (its cache warm after the first) and builds every
page, picture and description in memory, then writes them into ``--out`` (a temporary
folder by default). Printed: the best and median time of each variant (with and
without the pictures; without the Turtle files, as ``aiplus serve`` renders the pages
when it starts), the time to write the folder, then the count and size of the pages
by kind, the largest pages against the budget of 100 kB, and the whole site.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from aiplus_kg.knowledge_graph import KnowledgeGraph
from aiplus_kg.views.site import Site, build_site, write_site

BUDGET = 100_000


def _timed(root: Path, runs: int, **options: bool) -> tuple[list[float], Site]:
    times, site = [], None
    for _ in range(runs):
        kg = KnowledgeGraph.open(root)
        started = time.perf_counter()
        site = build_site(kg, **options)
        times.append(time.perf_counter() - started)
    assert site is not None
    return times, site


def _kind(path: str) -> str:
    return path.split("/", 1)[0] if "/" in path else "top"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    KnowledgeGraph.open(args.root).store  # warm the cache, as a second command finds it  # noqa: B018
    print(f"build of the site of {args.root} (best, median of {args.runs} runs)")
    variants = [
        ("aiplus site (pages, pictures, Turtle)", {}),
        ("without pictures", {"pictures": False}),
        ("aiplus serve at start (no Turtle files)", {"turtle": False}),
    ]
    site = None
    for name, options in variants:
        times, built = _timed(args.root, args.runs, **options)
        site = site or built
        print(f"  {name:42} {min(times):6.2f} s {statistics.median(times):6.2f} s")
    assert site is not None
    with tempfile.TemporaryDirectory() as scratch:
        out = args.out or Path(scratch) / "site"
        started = time.perf_counter()
        result = write_site(site, out)
        what = f"writing {result.files} files"
        print(f"  {what:42} {time.perf_counter() - started:6.2f} s")

    pages = {p: len(d) for p, d in site.files.items() if p.endswith(".html")}
    by_kind: dict[str, list[int]] = defaultdict(list)
    for path, size in pages.items():
        by_kind[_kind(path)].append(size)
    print("\npages by kind       count   median      max")
    for kind, sizes in sorted(by_kind.items()):
        print(f"  {kind:16} {len(sizes):6} {statistics.median(sizes):8,.0f} {max(sizes):8,}")
    print("\nlargest pages (budget: about 100 kB)")
    for path, size in sorted(pages.items(), key=lambda kv: -kv[1])[:8]:
        mark = "" if size <= BUDGET else "  over budget"
        print(f"  {path:44} {size:8,}{mark}")
    svg = [len(d) for p, d in site.files.items() if p.endswith(".svg")]
    print(
        f"\nsite: {len(pages)} pages ({sum(pages.values()):,} bytes), {len(svg)} pictures "
        f"({sum(svg):,} bytes), {len(site.files)} files, {site.size:,} bytes in all; "
        f"descriptions held as N-Quads: {sum(map(len, site.descriptions.values())):,} bytes"
    )


if __name__ == "__main__":
    main()
