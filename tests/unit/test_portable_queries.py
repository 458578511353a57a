"""The saved queries keep to the SPARQL that every store the export goes to answers
alike (docs/stores.md, "Portable SPARQL"), and what they write out by hand instead
holds of the project's ontology.

Whether they do give the same rows on Virtuoso and on an Oxigraph server is
tests/integration/test_stores.py; rdflib and pyoxigraph, tests/unit/test_queries_*.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from rdflib import RDFS, URIRef
from rdflib.paths import MulPath, Path
from rdflib.term import Node

from aiplus_kg.namespaces import AIP
from aiplus_kg.query.catalogue import SavedQuery
from tests.query_support import catalogue, project_dataset

UNROLLED_STEPS = 3
"""How many rdfs:subClassOf steps the saved queries follow below a class, written out
as a UNION of chains instead of ``rdfs:subClassOf*``."""

UNROLLED = {
    "firms-and-roles": [AIP.Firm],
    "government-levels": [AIP.GovernmentBody],
    "plans-timeline": [AIP.Plan, AIP.PolicyDocument],
    "us-china-plans": [AIP.GovernmentBody, AIP.Plan, AIP.PolicyDocument, AIP.Organisation],
}
"""The classes whose subclasses each query finds by its written-out chains."""

ALLOWED_PATHS = {("firms-and-roles", AIP.partOf)}
"""The repeated paths a saved query may hold: ``aip:partOf+`` over the data, which
has no depth to write out (Virtuoso answers it right there; the store test checks)."""


def _paths(node: object) -> Iterator[Path]:
    if isinstance(node, Path):
        yield node
        if isinstance(node, MulPath):
            yield from _paths(node.path)
    if isinstance(node, dict):
        for value in node.values():
            yield from _paths(value)
    elif isinstance(node, (list, tuple, set, frozenset)):
        for value in node:
            yield from _paths(value)


@pytest.mark.parametrize("query", catalogue(), ids=lambda q: q.name)
def test_no_repeated_property_path(query: SavedQuery) -> None:
    """``*``, ``+`` and ``?`` paths lose rows in Virtuoso 7.2 once joined with other
    patterns: class hierarchies are written out as chains."""
    repeated = [p for p in _paths(query.prepared.query.algebra) if isinstance(p, MulPath)]
    for path in repeated:
        assert (query.name, path.path) in ALLOWED_PATHS, f"{query.name}: {path.n3()}"


def _steps_below(root: URIRef) -> dict[Node, int]:
    """Each class below ``root`` and the largest number of rdfs:subClassOf steps from it
    up to ``root`` (named classes only: restrictions are not on the way)."""
    below: dict[Node, set[Node]] = {}
    for sub, sup in project_dataset().subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef) and sub != sup:
            below.setdefault(sup, set()).add(sub)
    steps: dict[Node, int] = {}

    def walk(cls: Node, depth: int, path: frozenset[Node]) -> None:
        for sub in below.get(cls, ()):
            if sub not in path:  # a cycle of equivalent classes ends here
                steps[sub] = max(steps.get(sub, 0), depth + 1)
                walk(sub, depth + 1, path | {sub})

    walk(root, 0, frozenset({root}))
    return steps


@pytest.mark.parametrize(("name", "root"), [(n, r) for n, rs in UNROLLED.items() for r in rs])
def test_the_class_hierarchy_fits_the_written_out_chains(name: str, root: URIRef) -> None:
    steps = _steps_below(root)
    assert steps, f"nothing below {root}: is the class still in the ontology?"
    deepest = max(steps, key=lambda c: steps[c])
    assert steps[deepest] <= UNROLLED_STEPS, (
        f"{deepest} is {steps[deepest]} rdfs:subClassOf steps below {root}: the query "
        f"{name} follows {UNROLLED_STEPS}; add a step to its chains"
    )


_CHAIN_STEP = re.compile(r"\?\w*[cC]lass(\d) rdfs:subClassOf")
"""A step of a written-out chain: ``?class3 rdfs:subClassOf``, ``?bodyClass2 ...``."""


@pytest.mark.parametrize("name", sorted(UNROLLED))
def test_the_chains_go_as_deep_as_said(name: str) -> None:
    text = next(q for q in catalogue() if q.name == name).text
    longest = max(int(m.group(1)) for m in _CHAIN_STEP.finditer(text))
    assert longest == UNROLLED_STEPS, f"{name}: chains of {longest} steps"
