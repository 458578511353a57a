"""Shared by the saved-query tests: the project's dataset (loaded once), the catalogue,
the expected-results files, a second SPARQL engine (pyoxigraph) and result comparison.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Hashable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.export.serialise import serialize
from aiplus_kg.load.dataset import load
from aiplus_kg.namespaces import XSD
from aiplus_kg.query.catalogue import SavedQuery, load_catalogue
from aiplus_kg.query.parameters import bind_parameters
from aiplus_kg.query.results import Results
from aiplus_kg.query.run import run_saved

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
EXPECTED = Path(__file__).resolve().parent / "data" / "expected"

NUMERIC = frozenset(
    XSD[name]
    for name in [
        "integer",
        "decimal",
        "double",
        "float",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
    ]
)


@functools.cache
def project_dataset() -> Dataset:
    """The project's dataset, loaded once per test session. Do not modify it."""
    return load(ROOT).dataset


@functools.cache
def catalogue() -> tuple[SavedQuery, ...]:
    return tuple(load_catalogue(QUERIES))


def saved(name: str) -> SavedQuery:
    return next(q for q in catalogue() if q.name == name)


@functools.cache
def default_results(name: str) -> Results:
    """The results of a saved query with its default parameters (computed once)."""
    return run_saved(project_dataset(), saved(name))


def as_answered(name: str, results: Results) -> Results:
    """``results`` of the saved query ``name`` as ``aiplus query`` writes them in the
    machine formats: without the parameters' columns."""
    return results.without(p.variable for p in saved(name).parameters)


def expected_path(name: str) -> Path:
    return EXPECTED / f"{name}.srj"


# --- reading SPARQL JSON results ------------------------------------------------


def _term(data: Mapping[str, str]) -> Node:
    kind, value = data["type"], data["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in data:
            return Literal(value, lang=data["xml:lang"])
        datatype = data.get("datatype")
        if datatype and datatype != str(XSD.string):
            return Literal(value, datatype=URIRef(datatype))
        return Literal(value)
    raise ValueError(f"unknown term type {kind!r}")


def read_srj(path: Path, *, ordered: bool) -> Results:
    """A ``.srj`` file (SPARQL 1.1 Query Results JSON) as :class:`Results`."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if "boolean" in data:
        return Results(boolean=bool(data["boolean"]))
    variables = tuple(data["head"]["vars"])
    rows = tuple(
        tuple(_term(binding[v]) if v in binding else None for v in variables)
        for binding in data["results"]["bindings"]
    )
    return Results(variables, rows, None, ordered)


# --- comparing results ----------------------------------------------------------


def term_key(term: Node | None) -> Hashable:
    """A comparison key for a result term.

    Literals compare by datatype and lexical form, except numbers, which compare by
    datatype and value: an engine may write a number in another lexical form
    (pyoxigraph stores ``"0.50"^^xsd:decimal`` as ``0.5``). Language tags compare
    case-insensitively (RDF says they are). ``xsd:string`` and simple literals are the
    same. Blank nodes all compare equal: their labels mean nothing across engines.
    """
    if term is None:
        return ("unbound",)
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, URIRef):
        return ("iri", str(term))
    if isinstance(term, Literal):
        if term.language:
            return ("lang", str(term), term.language.lower())
        datatype = term.datatype or XSD.string
        if datatype in NUMERIC:
            try:
                return ("num", str(datatype), Decimal(str(term)).normalize())
            except InvalidOperation:
                pass
        return ("lit", str(datatype), str(term))
    return ("other", str(term))


def row_keys(results: Results) -> list[tuple[Hashable, ...]]:
    return [tuple(term_key(t) for t in row) for row in results.rows]


def difference(actual: Results, expected: Results) -> str:
    """An empty string when the two results agree (in order, when ``expected`` is
    ordered), else a short explanation."""
    if actual.is_boolean or expected.is_boolean:
        return "" if actual.boolean == expected.boolean else "different ASK answers"
    if actual.variables != expected.variables:
        return f"variables differ: {actual.variables} != {expected.variables}"
    got, want = row_keys(actual), row_keys(expected)
    if expected.ordered:
        if got == want:
            return ""
        for i, (a, b) in enumerate(zip(got, want, strict=False)):
            if a != b:
                return f"row {i + 1} differs: {a} != {b} ({len(got)} vs {len(want)} rows)"
        return f"{len(got)} rows, expected {len(want)}"
    missing, extra = Counter(want) - Counter(got), Counter(got) - Counter(want)
    if not missing and not extra:
        return ""
    return f"missing rows: {list(missing)[:3]}; unexpected rows: {list(extra)[:3]}"


def canonical_order(results: Results) -> Results:
    """Unordered results sorted by their terms, so that a written file is stable."""
    if results.ordered or results.is_boolean:
        return results
    rows = sorted(results.rows, key=lambda row: [repr(term_key(t)) for t in row])
    return Results(results.variables, tuple(rows), None, False)


# --- the second engine: pyoxigraph ------------------------------------------------


@functools.cache
def oxigraph_store() -> object:
    """A pyoxigraph store holding the N-Quads export of the project (built once)."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(serialize(project_dataset(), "nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    return store


def _to_oxigraph(term: Node) -> object:
    import pyoxigraph

    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        if term.datatype:
            return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(term.datatype))
        return pyoxigraph.Literal(str(term))
    raise TypeError(f"cannot pass {term!r} to pyoxigraph")


def _from_oxigraph(term: object) -> Node | None:
    import pyoxigraph

    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unexpected pyoxigraph term {term!r}")


def run_oxigraph(query: SavedQuery, bindings: Mapping[str, Node] | None = None) -> Results:
    """Run a saved query on pyoxigraph, its text unchanged, the default graph being the
    union of the named graphs, parameters pre-bound by SEP-0007 substitution."""
    import pyoxigraph

    if bindings is None:
        bindings = bind_parameters(project_dataset(), query)
    solutions = oxigraph_store().query(  # type: ignore[attr-defined]
        query.text,
        use_default_graph_as_union=True,
        substitutions={pyoxigraph.Variable(k): _to_oxigraph(v) for k, v in bindings.items()},
    )
    if isinstance(solutions, pyoxigraph.QueryBoolean):
        return Results(boolean=bool(solutions))
    variables = tuple(v.value for v in solutions.variables)
    rows = tuple(tuple(_from_oxigraph(s[v]) for v in variables) for s in solutions)
    return Results(variables, rows, None, query.prepared.ordered)
