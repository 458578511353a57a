"""OWL RL reasoning: the closure of a graph and its inconsistencies.

The reference engine is owlrl; the fast engine (the default, see
:mod:`aiplus_kg.engines`) is ``reasonable``, made to agree with owlrl on the project's
own entailments and on every inconsistency message (:mod:`aiplus_kg.fast_reasoning`).

owlrl records every inconsistency it meets (a member of ``owl:Nothing``, an individual
of two disjoint classes, ``owl:sameAs`` against ``owl:differentFrom`` or
``owl:AllDifferent``, an ill-typed literal, a broken cardinality, ...) with
``Core.add_error``; at the end of the closure it writes each message into the graph as
``[] a err:ErrorMessage ; err:error "message"``, where ``err:`` is owlrl's own error
vocabulary (``owlrl.Namespaces.ERRNS``). Its messages spell terms as bare IRIs;
:func:`inconsistencies` rewrites them with labels and CURIEs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef

from aiplus_kg.engines import use_fast
from aiplus_kg.load.terms import display, union_graph
from aiplus_kg.namespaces import RDF

if TYPE_CHECKING:
    from aiplus_kg.project import Project

__all__ = [
    "IRI_IN_TEXT",
    "CheckResult",
    "check_project",
    "closure",
    "closure_with_errors",
    "inconsistencies",
    "readable",
]

IRI_IN_TEXT = re.compile(r"(?:https?://|urn:)[^\s,()'\"<>]+")


def closure_with_errors(graph: Graph, *, engine: str | None = None) -> tuple[Graph, list[str]]:
    """The OWL RL closure of a copy of ``graph`` and owlrl's raw error messages.

    ``graph`` (a graph or a dataset, whose union is used) is left untouched. The
    error records owlrl adds are taken out of the returned closure. ``engine`` is
    ``fast`` or ``reference`` (default: the selected engine).
    """
    if use_fast(engine):
        from aiplus_kg.fast_reasoning import fast_closure_with_errors

        return fast_closure_with_errors(graph)
    import owlrl
    from owlrl.Namespaces import ERRNS

    expanded = union_graph(graph)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(expanded)
    messages: list[str] = []
    for record in list(expanded.subjects(RDF.type, ERRNS.ErrorMessage)):
        for text in expanded.objects(record, ERRNS.error):
            if isinstance(text, Literal):
                messages.append(str(text))
        expanded.remove((record, None, None))
    expanded.namespace_manager.bind("err", URIRef(str(ERRNS)), override=False)
    return expanded, sorted(set(messages))


def closure(graph: Graph, *, engine: str | None = None) -> Graph:
    """The OWL RL closure (``owlrl.OWLRL_Semantics``, or its fast equivalent) of a copy
    of ``graph``."""
    return closure_with_errors(graph, engine=engine)[0]


def readable(message: str, graph: Graph) -> str:
    """``message`` with each bare IRI written as ``Label (curie)``."""
    return IRI_IN_TEXT.sub(lambda m: display(graph, URIRef(m.group(0))), message)


def inconsistencies(graph: Graph, *, engine: str | None = None) -> list[str]:
    """The inconsistencies of the OWL RL closure of ``graph``, as readable messages.

    Each message names the terms by label and CURIE, e.g. ``Disjoint classes Company
    (aip:Company) and Person (aip:Person) have a common individual Huawei
    (id:huawei)``. An empty list means the closure is consistent.
    """
    expanded, messages = closure_with_errors(graph, engine=engine)
    return sorted({readable(m, expanded) for m in messages})


@dataclass(frozen=True)
class CheckResult:
    """What ``aiplus check`` reports: the inconsistencies, the triples, the graphs."""

    problems: tuple[str, ...]
    triples: int
    graphs: int


def check_project(project: Project, *, engine: str | None = None) -> CheckResult:
    """Load the project and list the inconsistencies of its closure (see
    :func:`inconsistencies`). With the fast engine the result is cached, keyed on the
    content of the ontology and data files."""
    from aiplus_kg.load.cache import cache_for
    from aiplus_kg.load.dataset import load_project

    cache = cache_for(project.root, project.origin) if use_fast(engine) else None
    key = ""
    if cache is not None:
        from aiplus_kg.fast_store import data_key

        key = data_key(project, salt="check")
        record = cache.read_json("check", key)
        if record is not None:
            try:
                return CheckResult(
                    tuple(str(p) for p in record["problems"]),  # type: ignore[attr-defined]
                    int(record["triples"]),  # type: ignore[call-overload]
                    int(record["graphs"]),  # type: ignore[call-overload]
                )
            except (KeyError, TypeError, ValueError):
                pass
    loaded = load_project(project)
    triples = loaded.union()
    # the fast engine reasons on the triples; the reference one wants an rdflib dataset
    source = triples if use_fast(engine) else loaded.dataset
    result = CheckResult(
        tuple(inconsistencies(source, engine=engine)),  # type: ignore[arg-type]
        len(triples),
        len(loaded.files),
    )
    if cache is not None:
        cache.write_json(
            "check",
            key,
            {"problems": list(result.problems), "triples": result.triples, "graphs": result.graphs},
        )
    return result
