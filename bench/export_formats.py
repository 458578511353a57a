"""Export sizes and times per format (and with --inferred), and the time to re-read each.

Usage::

    python bench/export_formats.py [--root PATH] [--repeat 3]

PATH defaults to the project itself; a bigger one can be made with
``bench/generate.py``. Prints one line per format: bytes, the best export time of
``--repeat`` runs, the time rdflib takes to parse the export back, and whether two
runs gave the same bytes.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rdflib import Dataset

from aiplus_kg.export.serialise import FORMATS, export_dataset, serialize
from aiplus_kg.load.dataset import load

RDFLIB_FORMAT = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}


def best_of(repeat: int, action: object) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        value = action()  # type: ignore[operator]
        best = min(best, time.perf_counter() - started)
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    dataset = load(args.root).dataset
    print(f"loaded {len(dataset)} triples in {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    inferred = export_dataset(dataset, inferred=True)
    extra = len(inferred.graph("https://w3id.org/aiplus/graph/inferred"))
    print(f"--inferred: {extra} inferred triples in {time.perf_counter() - started:.2f} s")

    print(f"{'format':8} {'bytes':>10} {'export s':>9} {'parse s':>8} {'same':>5}")
    for label, source in (("", dataset), ("+inf", inferred)):
        for fmt in FORMATS:
            seconds, data = best_of(args.repeat, lambda fmt=fmt, src=source: serialize(src, fmt))
            assert isinstance(data, bytes)
            same = serialize(source, fmt) == data
            started = time.perf_counter()
            Dataset().parse(data=data, format=RDFLIB_FORMAT[fmt])
            parse = time.perf_counter() - started
            name = fmt + label
            print(f"{name:8} {len(data):>10} {seconds:>9.3f} {parse:>8.3f} {same!s:>5}")


if __name__ == "__main__":
    main()
