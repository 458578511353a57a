"""What a validation found, ready for people: findings named by label, located in the
files that state them, sorted, rendered as text or JSON, and kept in the cache.

Results are flattened: the inner results of an ``sh:node`` failure are reported instead
of the wrapper that points to them. OWL RL inconsistencies are violations focused on the
entity they name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Node, URIRef

from aiplus_kg.load.dataset import LoadedDataset
from aiplus_kg.load.terms import LABEL_PROPERTIES, Triple, display
from aiplus_kg.load.turtle import parse_turtle
from aiplus_kg.namespaces import ID, ONTOLOGY_IRI, RDF, SH, bind_prefixes
from aiplus_kg.reason.closure import IRI_IN_TEXT, readable
from aiplus_kg.views.terminal import printable

__all__ = [
    "SEVERITIES",
    "Finding",
    "Report",
    "findings",
    "inconsistency_findings",
    "render_text",
    "report_from_record",
    "report_record",
    "sort_key",
]

SEVERITIES = ("Violation", "Warning", "Info")


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


def label_graph(triples: Iterable[Triple], nodes: Collection[Node]) -> Graph:
    """A graph of the label triples of ``nodes`` among ``triples``: a report names few
    of the data's nodes."""
    wanted = frozenset(nodes)
    properties = frozenset(LABEL_PROPERTIES)
    graph = bind_prefixes(Graph(bind_namespaces="none"))
    if wanted:
        graph.addN((s, p, o, graph) for s, p, o in triples if s in wanted and p in properties)
    return graph


def report_record(report: Report) -> dict[str, object]:
    """``report`` as JSON-ready data, for the cache."""
    return {
        "inference": report.inference,
        "findings": [f.to_dict() for f in report.findings],
        "report": report.graph.serialize(format="nt"),
        "namespaces": [[p, str(n)] for p, n in report.graph.namespaces()],
    }


def report_from_record(record: dict[str, object] | None) -> Report | None:
    """The report :func:`report_record` made; ``None`` for no record or a damaged one."""
    if record is None:
        return None
    try:
        graph = Graph(bind_namespaces="none")
        for prefix, namespace in _list(record["namespaces"]):
            graph.bind(str(prefix), str(namespace), override=True, replace=True)
        graph.parse(data=str(record["report"]), format="nt")
        found = [
            Finding(
                severity=f["severity"],
                focus=f["focus"],
                focus_label=f["focusLabel"],
                path=f["path"],
                value=f["value"],
                message=f["message"],
                shape=f["shape"],
                component=f["component"],
                files=tuple(f["files"]),
            )
            for f in _list(record["findings"])
        ]
        return Report(found, graph, bool(record["inference"]))
    except Exception:  # a damaged entry, whatever its damage, is a miss
        return None


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("not a list")
    return value


def inconsistency_findings(
    loaded: LoadedDataset, data: Iterable[Triple], errors: list[str]
) -> Iterable[Finding]:
    """owlrl's inconsistencies as violations, focused on the entity they name."""
    if not errors:
        return
    labels = label_graph(data, [URIRef(m) for e in errors for m in IRI_IN_TEXT.findall(e)])
    focused = []
    for message in errors:
        iris = [URIRef(m) for m in IRI_IN_TEXT.findall(message)]
        entities = [i for i in iris if str(i).startswith(str(ID))] or iris
        focused.append((message, entities[-1] if entities else URIRef(str(ONTOLOGY_IRI))))
    locator = _Locator(loaded, {focus for _, focus in focused})
    for message, focus in focused:
        yield Finding(
            severity="Violation",
            focus=str(focus),
            focus_label=_text(labels, focus),
            path="",
            value="",
            message="OWL RL inconsistency: " + readable(message, labels),
            shape="owl-rl",
            component="OWLRLConsistency",
            files=locator.files(focus, None, None),
        )


def sort_key(finding: Finding) -> tuple[object, ...]:
    """Findings by focus node, severity, path, message, then every other field, so that
    the order never depends on the order the engine found them in."""
    rank = SEVERITIES.index(finding.severity) if finding.severity in SEVERITIES else 9
    return (
        finding.focus_label.casefold(),
        finding.focus,
        rank,
        finding.path,
        finding.message,
        finding.component,
        finding.value,
        finding.shape,
        finding.files,
    )


def render_text(report: Report, *, strict: bool = False) -> str:
    """The findings grouped by focus node, then a summary line with the counts; the
    characters a terminal would act on shown escaped."""
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
    return printable("\n".join(lines))


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

    def __init__(self, loaded: LoadedDataset, subjects: Collection[Node]) -> None:
        self.loaded = loaded
        self._wanted = frozenset(subjects)  # the only subjects :meth:`files` is asked about
        self._per_file: dict[Path, Graph] = {}
        self._graphs: list[tuple[URIRef, Graph]] | None = None
        self._subjects: dict[Node, dict[URIRef, list[tuple[Node, Node]]]] = {}

    def _file_graph(self, path: Path) -> Graph:
        if path not in self._per_file:
            self._per_file[path] = parse_turtle(path, display=self.loaded.display(path))
        return self._per_file[path]

    def _holding(self, pattern: tuple[Node, Node | None, Node | None]) -> list[URIRef]:
        """The named graphs holding a triple that matches ``pattern`` (a subject, and
        ``None`` or a term for the predicate and the object)."""
        if self._graphs is None:
            self._graphs = []
            for iri, triples in self.loaded.graph_triples():
                if isinstance(triples, Graph):
                    self._graphs.append((iri, triples))
                    continue
                wanted = self._wanted
                for s, p, o in triples:  # the wanted subjects' statements, graph by graph
                    if s in wanted:
                        self._subjects.setdefault(s, {}).setdefault(iri, []).append((p, o))
        found = [iri for iri, graph in self._graphs if pattern in graph]
        _, path, value = pattern
        for iri, statements in self._subjects.get(pattern[0], {}).items():
            if any(
                (path is None or p == path) and (value is None or o == value) for p, o in statements
            ):
                found.append(iri)
        return found

    def files(self, focus: Node, path: Node | None, value: Node | None) -> tuple[str, ...]:
        """The files holding the offending triple, else any triple about the focus node."""
        patterns: list[tuple[Node, Node | None, Node | None]] = []
        if isinstance(path, URIRef):
            patterns.append((focus, path, value))
        patterns.append((focus, None, None))
        for pattern in patterns:
            found: set[Path] = set()
            for iri in self._holding(pattern):
                paths = self.loaded.files.get(iri, ())
                if len(paths) > 1:
                    paths = tuple(p for p in paths if pattern in self._file_graph(p))
                found.update(paths)
            if found:
                return tuple(sorted(self.loaded.display(p) for p in found))
        return ()


Result = tuple[Node, Node | None, Node | None, Node | None, Node, Node, Node]


def _results(report: Graph) -> Iterable[Result]:
    """(focus, path, value, message, severity, shape, component) of each innermost
    result of ``report``: a result with ``sh:detail`` is shown by its details."""
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if (result, SH.detail, None) in report:
            continue
        focus = report.value(result, SH.focusNode)
        severity = report.value(result, SH.resultSeverity)
        shape = report.value(result, SH.sourceShape)
        component = report.value(result, SH.sourceConstraintComponent)
        if focus is None or severity is None or shape is None or component is None:
            continue
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        messages: list[Node | None] = [*report.objects(result, SH.resultMessage)] or [None]
        for message in messages:
            yield focus, path, value, message, severity, shape, component


def findings(loaded: LoadedDataset, data: Iterable[Triple], report: Graph) -> Iterable[Finding]:
    """The innermost results of the SHACL ``report`` on ``data`` (the triples checked)
    as findings."""
    results = list(_results(report))
    named: set[Node] = set()
    for focus, _, value, message, *_ in results:
        named.update(n for n in (focus, value) if n is not None)
        named.update(URIRef(m) for m in IRI_IN_TEXT.findall(str(message or "")))
    labels = label_graph(data, named)
    report.namespace_manager = labels.namespace_manager
    locator = _Locator(loaded, {focus for focus, *_ in results})
    for focus, path, value, message, severity, shape, component in results:
        yield Finding(
            severity=str(severity).rsplit("#", 1)[-1],
            focus=str(focus),
            focus_label=_text(labels, focus),
            path=_text(report, path),
            value=_text(labels, value),
            message=readable(str(message or ""), labels),
            shape=_text(report, shape),
            component=str(component).rsplit("#", 1)[-1],
            files=locator.files(focus, path, value),
        )
