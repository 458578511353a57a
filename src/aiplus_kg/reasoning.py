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

from rdflib import Graph, Literal, URIRef

from .engines import use_fast
from .graphs import display, union_graph
from .namespaces import RDF

__all__ = ["IRI_IN_TEXT", "closure", "closure_with_errors", "inconsistencies", "readable"]

IRI_IN_TEXT = re.compile(r"(?:https?://|urn:)[^\s,()'\"<>]+")


def closure_with_errors(graph: Graph, *, engine: str | None = None) -> tuple[Graph, list[str]]:
    """The OWL RL closure of a copy of ``graph`` and owlrl's raw error messages.

    ``graph`` (a graph or a dataset, whose union is used) is left untouched. The
    error records owlrl adds are taken out of the returned closure. ``engine`` is
    ``fast`` or ``reference`` (default: the selected engine).
    """
    if use_fast(engine):
        from .fast_reasoning import fast_closure_with_errors

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
