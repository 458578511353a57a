"""Run SPARQL queries: on pyoxigraph (the fast engine's store) or on rdflib (the
reference engine, and any query pyoxigraph would answer with other terms).

Both see the same dataset: one named graph per source, and their RDF merge as the
default graph. A saved query runs as its text stands, its parameters pre-bound as RDF
terms (rdflib's ``initBindings``; pyoxigraph's SEP-0007 substitutions).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Dataset, Variable
from rdflib.query import ResultRow
from rdflib.term import Identifier, Node

from aiplus_kg.load.store import Store, dataset_graphs
from aiplus_kg.load.terms import TripleSource
from aiplus_kg.namespaces import PREFIXES
from aiplus_kg.query.catalogue import SavedQuery, parsed
from aiplus_kg.query.parameters import bind_parameters
from aiplus_kg.query.results import Results

if TYPE_CHECKING:
    from aiplus_kg.query.guard import PreparedQuery

__all__ = [
    "QueryRun",
    "Source",
    "prepare_text",
    "run_bound",
    "run_prepared",
    "run_query",
    "run_saved",
    "run_text",
    "runs_on_store",
]

Source = Dataset | Store
"""What a query runs on: an rdflib dataset, or the fast engine's store."""


@dataclass
class QueryRun:
    """A saved query's results, the terms its parameters were bound to, and where the
    labels of the result terms are looked up."""

    results: Results
    bindings: dict[str, Node]
    labels: TripleSource


def run_prepared(
    dataset: Dataset, prepared: PreparedQuery, bindings: Mapping[str, Node] | None = None
) -> Results:
    """Evaluate a checked query on ``dataset`` with rdflib, variables pre-bound to terms."""
    import rdflib.plugins.sparql as rdflib_sparql

    init: dict[str, Identifier] = {
        Variable(k): v for k, v in (bindings or {}).items() if isinstance(v, Identifier)
    }
    # Belt and braces: even a FROM the guard let through must not fetch anything.
    previous = rdflib_sparql.SPARQL_LOAD_GRAPHS
    rdflib_sparql.SPARQL_LOAD_GRAPHS = False
    try:
        if prepared.query is None:
            raise ValueError("the query was not parsed (see aiplus_kg.query.catalogue.parsed)")
        result = dataset.query(prepared.query, initBindings=init)
        if prepared.form == "ASK":
            return Results(boolean=bool(result.askAnswer))
        variables = tuple(str(v) for v in (result.vars or ()))
        rows = tuple(tuple(row) for row in result if isinstance(row, ResultRow))
    finally:
        rdflib_sparql.SPARQL_LOAD_GRAPHS = previous
    return Results(variables, rows, None, prepared.ordered)


def _run_on_store(
    store: Store,
    text: str,
    prepared: PreparedQuery,
    bindings: Mapping[str, Node],
    prefixes: Mapping[str, str] | None = None,
) -> Results:
    answer = store.select(text, bindings, prefixes)
    if isinstance(answer, bool):
        return Results(boolean=answer)
    variables, rows = answer
    wanted = prepared.variables
    if wanted and wanted != variables and set(wanted) == set(variables):
        order = [variables.index(v) for v in wanted]
        rows = [tuple(row[i] for i in order) for row in rows]
        variables = wanted
    return Results(variables, tuple(rows), None, prepared.ordered)


def runs_on_store(store: Store, prepared: PreparedQuery) -> bool:
    """Whether pyoxigraph answers ``prepared`` on ``store`` as rdflib would: the
    store's literals are stored as given, and the query names no graph with ``FROM``."""
    return store.faithful and not prepared.dataset_clause


def run_bound(source: Source, query: SavedQuery, bindings: Mapping[str, Node]) -> Results:
    """Run a saved query with its parameter variables bound (see :func:`run_saved`):
    on a store with pyoxigraph, on a dataset with rdflib."""
    from aiplus_kg.query.guard import check_graphs

    if query.prepared.dataset_clause:
        check_graphs(query.prepared, dataset_graphs(source))
    if isinstance(source, Store):
        return _run_on_store(source, query.text, query.prepared, bindings)
    return run_prepared(source, parsed(query).prepared, bindings)


def run_saved(source: Source, query: SavedQuery, given: Mapping[str, str] | None = None) -> Results:
    """Run a saved query on ``source`` with its parameters (``given``, else the
    defaults), resolved in ``source``."""
    return run_query(source, query, given).results


def run_query(
    source: Source, query: SavedQuery, given: Mapping[str, str] | None = None
) -> QueryRun:
    """:func:`run_saved`, with the terms the parameters were bound to."""
    bindings = bind_parameters(source, query, given)
    return QueryRun(run_bound(source, query, bindings), bindings, source)


def prepare_text(
    source: Source, text: str, *, display: str = "<query>", prefixes: bool = True
) -> PreparedQuery:
    """Parse and check an ad-hoc read-only query over the graphs of ``source``; the
    project prefixes are predeclared unless ``prefixes`` is false. Refused forms raise
    :class:`~aiplus_kg.errors.InputError`."""
    from aiplus_kg.query.guard import prepare

    declared = dict(PREFIXES) if prefixes else None
    return prepare(text, dataset_graphs(source), display=display, prefixes=declared)


def run_text(
    source: Source,
    text: str,
    *,
    display: str = "<query>",
    prefixes: bool = True,
    prepared: PreparedQuery | None = None,
) -> Results:
    """Run an ad-hoc read-only query (``prepared`` by :func:`prepare_text` already, or
    here) on ``source``."""
    if prepared is None:
        prepared = prepare_text(source, text, display=display, prefixes=prefixes)
    if isinstance(source, Store):
        return _run_on_store(source, text, prepared, {}, PREFIXES if prefixes else None)
    return run_prepared(source, prepared)
