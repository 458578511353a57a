"""SHACL validation of the dataset against the project's shapes (``shapes/*.ttl``).

By default the data graph is the OWL RL closure of ontology + reference data + articles,
so inferred types count (a ``aip:StartUp`` is checked as an ``aip:Firm`` too). The closure
is cleaned of what SHACL has no use for (literal subjects, reflexive ``owl:sameAs``) and
pySHACL then runs without inference of its own. Results are flattened: the inner results
of an ``sh:node`` failure are reported instead of the wrapper that points to them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyshacl
from rdflib import BNode, Graph, Literal, Node, URIRef

from .errors import InputError, InternalError
from .graphs import display, union_graph
from .loader import LoadedDataset, parse_turtle
from .namespaces import ID, ONTOLOGY_IRI, OWL, SH, bind_prefixes
from .reasoning import IRI_IN_TEXT, closure_with_errors, readable

__all__ = [
    "SEVERITIES",
    "Finding",
    "Report",
    "data_graph",
    "load_shapes",
    "render_text",
    "validate",
]

SEVERITIES = ("Violation", "Warning", "Info")

ASSERTED = URIRef("https://w3id.org/aiplus/shapes#checksAssertedTriples")
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)

_RESULTS = """
SELECT ?result ?focus ?path ?value ?message ?severity ?shape ?component WHERE {
    ?result a sh:ValidationResult ;
        sh:focusNode ?focus ;
        sh:resultSeverity ?severity ;
        sh:sourceShape ?shape ;
        sh:sourceConstraintComponent ?component .
    OPTIONAL { ?result sh:resultPath ?path }
    OPTIONAL { ?result sh:value ?value }
    OPTIONAL { ?result sh:resultMessage ?message }
    FILTER NOT EXISTS { ?result sh:detail ?inner }
}
"""


@dataclass(frozen=True)
class Finding:
    """One validation result, ready to show to a person."""

    severity: str
    focus: str
    focus_label: str
    path: str
    value: str
    message: str
    shape: str
    component: str
    files: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "focus": self.focus,
            "focusLabel": self.focus_label,
            "path": self.path,
            "value": self.value,
            "message": self.message,
            "shape": self.shape,
            "component": self.component,
            "files": list(self.files),
        }


@dataclass
class Report:
    """The outcome of a validation: findings sorted by focus node, and the SHACL report graph."""

    findings: list[Finding]
    graph: Graph = field(repr=False)
    inference: bool = True

    @property
    def counts(self) -> dict[str, int]:
        counter = Counter(f.severity for f in self.findings)
        return {severity: counter.get(severity, 0) for severity in SEVERITIES}

    def conforms(self, *, strict: bool = False) -> bool:
        """No violation (and, when ``strict``, no warning either)."""
        counts = self.counts
        return counts["Violation"] == 0 and not (strict and counts["Warning"])

    def to_dict(self, *, strict: bool = False) -> dict[str, object]:
        return {
            "conforms": self.conforms(strict=strict),
            "inference": self.inference,
            "counts": self.counts,
            "findings": [f.to_dict() for f in self.findings],
        }


def load_shapes(files: Iterable[Path], display_path: object = str) -> Graph:
    """Parse the shape files into one shapes graph."""
    shapes = Graph()
    for path in files:
        parse_turtle(path, shapes, display=display_path(path))  # type: ignore[operator]
    if not len(shapes):
        raise InputError("no SHACL shapes found (shapes/*.ttl)")
    return bind_prefixes(shapes)


def data_graph(loaded: LoadedDataset, *, inference: bool = True) -> Graph:
    """The graph the shapes are checked against: the union, or its cleaned OWL RL closure."""
    return _data_graph(loaded, inference)[0]


def _data_graph(loaded: LoadedDataset, inference: bool) -> tuple[Graph, list[str]]:
    if not inference:
        return bind_prefixes(union_graph(loaded.dataset)), []
    graph, errors = closure_with_errors(loaded.dataset)
    noise = [
        (s, p, o) for s, p, o in graph if isinstance(s, Literal) or (p == OWL.sameAs and s == o)
    ]
    for triple in noise:
        graph.remove(triple)
    return bind_prefixes(graph), errors


def split_shapes(shapes: Graph) -> tuple[Graph, Graph]:
    """The shapes for the closure and those for the asserted triples.

    A shape marked ``aips:checksAssertedTriples true`` checks what the files say (declared
    terms, types, datatypes): it runs on the asserted union, where inferred types cannot
    hide a missing one. Each graph keeps every shape, with the other kind's targeted
    shapes switched off by ``sh:deactivated``, so shared shapes reached by ``sh:node``
    stay active in both.
    """
    marked = {s for s, _, o in shapes.triples((None, ASSERTED, None)) if o.toPython() is True}
    targeted = {s for prop in TARGETS for s in shapes.subjects(prop, None) if isinstance(s, URIRef)}
    on_closure, on_asserted = Graph(), Graph()
    for graph, off in ((on_closure, marked), (on_asserted, targeted - marked)):
        for triple in shapes:
            graph.add(triple)
        for shape in off:
            graph.add((shape, SH.deactivated, Literal(True)))
        bind_prefixes(graph)
    return on_closure, on_asserted


def _run(data: Graph, shapes: Graph) -> Graph:
    try:
        _, report_graph, _ = pyshacl.validate(
            data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
        )
    except Exception as exc:  # pyshacl raises its own errors for broken shapes
        raise InternalError(f"SHACL engine failed: {' '.join(str(exc).split())}") from exc
    return report_graph


def validate(
    loaded: LoadedDataset, shapes: Graph | None = None, *, inference: bool = True
) -> Report:
    """Validate ``loaded`` against ``shapes`` (default: the project's ``shapes/*.ttl``).

    With ``inference``, the OWL RL closure is checked too: its inconsistencies (a member
    of two disjoint classes, say a person used where the ontology's range wants an
    organisation) are violations, and the shapes not marked as checking asserted
    triples run on the closure.
    """
    if shapes is None:
        if loaded.project is None:
            raise InputError("no project to take the shapes from")
        shapes = load_shapes(loaded.project.shape_files(), loaded.display)
    asserted = data_graph(loaded, inference=False)
    findings: list[Finding] = []
    if inference:
        on_closure, on_asserted = split_shapes(shapes)
        data, errors = _data_graph(loaded, True)
        report_graph = _run(data, on_closure)
        findings.extend(_findings(loaded, data, report_graph))
        findings.extend(_inconsistency_findings(loaded, data, errors))
        asserted_report = _run(asserted, on_asserted)
        findings.extend(_findings(loaded, asserted, asserted_report))
        for triple in asserted_report:
            report_graph.add(triple)
    else:
        report_graph = _run(asserted, shapes)
        findings.extend(_findings(loaded, asserted, report_graph))
    return Report(sorted(set(findings), key=_sort_key), report_graph, inference)


def _inconsistency_findings(
    loaded: LoadedDataset, data: Graph, errors: list[str]
) -> Iterable[Finding]:
    """owlrl's inconsistencies as violations, focused on the entity they name."""
    locator = _Locator(loaded)
    for message in errors:
        iris = [URIRef(m) for m in IRI_IN_TEXT.findall(message)]
        entities = [i for i in iris if str(i).startswith(str(ID))] or iris
        focus = entities[-1] if entities else URIRef(str(ONTOLOGY_IRI))
        yield Finding(
            severity="Violation",
            focus=str(focus),
            focus_label=_text(data, focus),
            path="",
            value="",
            message="OWL RL inconsistency: " + readable(message, data),
            shape="owl-rl",
            component="OWLRLConsistency",
            files=locator.files(focus, None, None),
        )


def _sort_key(finding: Finding) -> tuple[str, str, int, str, str]:
    rank = SEVERITIES.index(finding.severity) if finding.severity in SEVERITIES else 9
    return (finding.focus_label.casefold(), finding.focus, rank, finding.path, finding.message)


def render_text(report: Report, *, strict: bool = False) -> str:
    """The findings grouped by focus node, then a summary line with the counts."""
    lines: list[str] = []
    current = None
    for finding in report.findings:
        if finding.focus != current:
            current = finding.focus
            where = f"  [{', '.join(finding.files)}]" if finding.files else ""
            lines.append(f"{finding.focus_label}{where}")
        detail = f"{finding.path}: " if finding.path else ""
        value = f" (value: {finding.value})" if finding.value else ""
        lines.append(f"  {finding.severity:<9} {detail}{finding.message}{value}")
    counts = report.counts
    verdict = "conforms" if report.conforms(strict=strict) else "does not conform"
    nodes = len({f.focus for f in report.findings})
    closure_note = "on the OWL RL closure" if report.inference else "without inference"
    lines.append(
        f"{verdict}: {counts['Violation']} violation(s), {counts['Warning']} warning(s), "
        f"{counts['Info']} info(s) on {nodes} node(s), {closure_note}"
        + (" (strict: warnings fail)" if strict else "")
    )
    return "\n".join(lines)


def _text(graph: Graph, node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        return _path_text(graph, node) or "[]"
    return display(graph, node) if isinstance(node, URIRef) else str(node)


def _path_text(graph: Graph, node: BNode) -> str:
    inverse = graph.value(node, SH.inversePath)
    return f"^{_text(graph, inverse)}" if inverse is not None else ""


class _Locator:
    """Finds the files that hold a triple, parsing a multi-file graph's files one by one."""

    def __init__(self, loaded: LoadedDataset) -> None:
        self.loaded = loaded
        self._per_file: dict[Path, Graph] = {}

    def _file_graph(self, path: Path) -> Graph:
        if path not in self._per_file:
            self._per_file[path] = parse_turtle(path, display=self.loaded.display(path))
        return self._per_file[path]

    def files(self, focus: Node, path: Node | None, value: Node | None) -> tuple[str, ...]:
        """The files holding the offending triple, else any triple about the focus node."""
        patterns = [(focus, path, value)] if isinstance(path, URIRef) else []
        patterns.append((focus, None, None))
        for pattern in patterns:
            found: set[Path] = set()
            for graph in self.loaded.dataset.graphs():
                if pattern not in graph:
                    continue
                paths = self.loaded.files.get(graph.identifier, ())  # type: ignore[arg-type]
                if len(paths) > 1:
                    paths = tuple(p for p in paths if pattern in self._file_graph(p))
                found.update(paths)
            if found:
                return tuple(sorted(self.loaded.display(p) for p in found))
        return ()


def _findings(loaded: LoadedDataset, data: Graph, report: Graph) -> Iterable[Finding]:
    report.namespace_manager = data.namespace_manager
    locator = _Locator(loaded)
    for row in report.query(_RESULTS, initNs={"sh": SH}):
        focus, path, value = row.focus, row.path, row.value  # type: ignore[union-attr]
        severity = str(row.severity).rsplit("#", 1)[-1]  # type: ignore[union-attr]
        yield Finding(
            severity=severity,
            focus=str(focus),
            focus_label=_text(data, focus),
            path=_text(report, path),
            value=_text(data, value),
            message=readable(str(row.message or ""), data),  # type: ignore[union-attr]
            shape=_text(report, row.shape),  # type: ignore[union-attr]
            component=str(row.component).rsplit("#", 1)[-1],  # type: ignore[union-attr]
            files=locator.files(focus, path, value),
        )
