"""Generate a synthetic but ontology-valid aiplus project of a given size.

The synthetic project is the real one (ontology, shapes, saved queries, reference data
and the five articles) plus as many synthetic articles as it takes to reach the number
of triples asked for. Each synthetic article is a copy of one of the real articles,
drawn at random, with:

* its own source ``src:<NNN>-<16 hex digits>``, described in
  ``graph/reference/synthetic-sources.ttl`` like the real ones (labels in English and
  French, identifier, language, date);
* its own copy of every entity the real article introduces (firms, programmes,
  amounts, events, remarks, claims...): the IRI gets a ``-s<k>`` suffix and every label
  a ``(synthetic k)`` mark, so labels stay unique per language;
* the same links to the shared reference entities (China, Huawei, the sectors...),
  which thus gain many sources, as hubs do in a real graph;
* its monetary amounts and counts scaled by a random factor (one per article, so that
  an amount and its equivalent in another currency stay consistent); percentages, dates
  and hedges as in the original.

The result follows the real graph's shapes: ``aiplus validate`` finds no violation in
it. The same seed and size give the same files, byte for byte.

Usage::

    python bench/generate.py --triples 100000 --seed 1 --out build/bench/100k
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/aiplus/id/"
SRC = "https://w3id.org/aiplus/source/"
AIP = "https://w3id.org/aiplus/ontology#"
SCALED = {URIRef(AIP + name) for name in ("numericValue", "minValue", "maxValue")}
SCALED_TYPES = {URIRef(AIP + "MonetaryAmount"), URIRef(AIP + "Quantity")}
MARKS = {"en": "synthetic", "fr": "synthétique", "zh": "合成"}

Triple = tuple[URIRef, URIRef, URIRef | Literal]


class Template:
    """One real article: its triples, the entities it introduces, its source."""

    def __init__(self, path: Path, shared: set[URIRef], sources: Graph) -> None:
        self.stem = path.stem
        self.source = URIRef(SRC + self.stem)
        self.graph = Graph().parse(path, format="turtle")
        self.own = {
            s
            for s in self.graph.subjects(RDF.type, None)
            if isinstance(s, URIRef) and str(s).startswith(ID) and s not in shared
        }
        self.scaled = {
            s for t in SCALED_TYPES for s in self.graph.subjects(RDF.type, t) if s in self.own
        }
        self.description = list(sources.predicate_objects(self.source))
        self.triples: list[Triple] = sorted(self.graph, key=lambda t: tuple(map(str, t)))  # type: ignore[arg-type]


def _label(value: Literal, k: int) -> Literal:
    mark = MARKS.get(value.language or "", "synthetic")
    return Literal(f"{value} ({mark} {k})", lang=value.language)


def _scaled(value: Literal, factor: Decimal) -> Literal:
    number = (Decimal(str(value)) * factor).quantize(Decimal("1"))
    return Literal(format(max(number, Decimal(1)), "f"), datatype=XSD.decimal)


def _n3(term: URIRef | Literal) -> str:
    return term.n3()


def clone(
    template: Template,
    k: int,
    stem: str,
    factor: Decimal,
    labels: dict[URIRef, list[Literal]],
) -> list[Triple]:
    """The triples of synthetic article ``k``, a copy of ``template``. An entity the
    article types but another article labels gets the labels from ``labels``."""
    source = URIRef(SRC + stem)
    renamed = {e: URIRef(f"{e}-s{k}") for e in template.own}

    def term(t: URIRef | Literal) -> URIRef | Literal:
        if t == template.source:
            return source
        return renamed.get(t, t)  # type: ignore[arg-type]

    out: list[Triple] = []
    for s, p, o in template.triples:
        if p == RDFS.label and s in renamed and isinstance(o, Literal):
            o = _label(o, k)
        elif p in SCALED and s in template.scaled and isinstance(o, Literal):
            o = _scaled(o, factor)
        out.append((term(s), p, term(o)))  # type: ignore[arg-type]
    for entity in sorted(template.own - set(template.graph.subjects(RDFS.label, None)), key=str):
        out.extend((renamed[entity], RDFS.label, _label(o, k)) for o in labels.get(entity, ()))
    return out


def source_triples(template: Template, k: int, stem: str) -> list[Triple]:
    """The description of synthetic article ``k`` (as the real sources are described)."""
    source = URIRef(SRC + stem)
    number, digits = stem.split("-", 1)
    out: list[Triple] = []
    for p, o in template.description:
        if p == RDFS.label and isinstance(o, Literal):
            o = _label(o, k)
        elif p == DCTERMS.identifier:
            o = Literal(f"{number}_{digits}")
        out.append((source, p, o))
    return out


def write_ntriples_turtle(path: Path, triples: list[Triple], comment: str) -> int:
    """Write ``triples`` as Turtle in N-Triples form (fast to write, valid Turtle)."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write(f"# {comment}\n")
        for s, p, o in triples:
            handle.write(f"{_n3(s)} {_n3(p)} {_n3(o)} .\n")
    return len(triples)


def generate(out: Path, triples: int, seed: int, root: Path = ROOT) -> dict[str, int]:
    """Write a synthetic project of about ``triples`` triples to ``out``; returns counts."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    for name in ("ontology", "shapes", "queries"):
        shutil.copytree(root / name, out / name)
    (out / "graph").mkdir(parents=True)
    shutil.copytree(root / "graph" / "reference", out / "graph" / "reference")
    shutil.copytree(root / "graph" / "articles", out / "graph" / "articles")

    reference = Graph()
    for path in sorted((root / "graph" / "reference").glob("*.ttl")):
        reference.parse(path, format="turtle")
    shared = {s for s in reference.subjects(RDF.type, None) if str(s).startswith(ID)}
    templates = [
        Template(path, shared, reference)
        for path in sorted((root / "graph" / "articles").glob("*.ttl"))
    ]
    labels: dict[URIRef, list[Literal]] = {}
    for template in templates:
        for s, o in template.graph.subject_objects(RDFS.label):
            labels.setdefault(s, []).append(o)  # type: ignore[arg-type]
    for values in labels.values():
        values.sort()
    base = len(Graph().parse(root / "ontology" / "aiplus.ttl")) + len(reference)
    base += sum(len(t.graph) for t in templates)

    total, k, sources = base, 0, []
    used: set[str] = set()
    while total < triples:
        k += 1
        template = rng.choice(templates)
        stem = f"{rng.randrange(1000):03d}-{rng.getrandbits(64):016x}"
        while stem in used:
            stem = f"{rng.randrange(1000):03d}-{rng.getrandbits(64):016x}"
        used.add(stem)
        factor = Decimal(rng.randrange(50, 200)) / Decimal(100)
        article = clone(template, k, stem, factor, labels)
        total += write_ntriples_turtle(
            out / "graph" / "articles" / f"{stem}.ttl",
            article,
            f"synthetic article {k}, a copy of {template.stem} (seed {seed})",
        )
        sources.extend(source_triples(template, k, stem))
        total += len(source_triples(template, k, stem))
    write_ntriples_turtle(
        out / "graph" / "reference" / "synthetic-sources.ttl",
        sources,
        f"the synthetic articles (seed {seed})",
    )
    return {"articles": k, "triples": total}


def parse_size(text: str) -> int:
    """``10k`` -> 10000, ``1M`` -> 1000000, ``2500`` -> 2500."""
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=parse_size, required=True, help="e.g. 10k, 100k, 1M")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    counts = generate(args.out, args.triples, args.seed)
    print(f"{args.out}: {counts['triples']} triples, {counts['articles']} synthetic articles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
