"""SHACL validation of the dataset against the project's shapes (``shapes/*.ttl``).

By default the data graph is the OWL RL closure of ontology + reference data + articles,
so inferred types count (a ``aip:StartUp`` is checked as an ``aip:Firm`` too). The closure
is cleaned of what SHACL has no use for (literal subjects, reflexive ``owl:sameAs``) and
the shapes then run without inference of their own. Results are flattened: the inner results
of an ``sh:node`` failure are reported instead of the wrapper that points to them.

With the reference engine, pySHACL gives every verdict on owlrl's closure. The fast
engine computes the closure with ``reasonable`` and validates with
:mod:`aiplus_kg.fast_shacl`, which follows pySHACL's rules and gives the same findings
(the tests compare both on the shipped graph, every example and the mutants); shapes it
does not cover go to pySHACL, with the SPARQL targets resolved in advance by pyoxigraph
(:mod:`aiplus_kg.shacl_targets`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, Node, URIRef

from aiplus_kg.bulk import bulk_step
from aiplus_kg.engines import use_fast
from aiplus_kg.errors import InputError, InternalError
from aiplus_kg.load.dataset import LoadedDataset, parse_turtle
from aiplus_kg.load.terms import LABEL_PROPERTIES, display, union_graph
from aiplus_kg.namespaces import ID, ONTOLOGY_IRI, OWL, RDF, SH, bind_prefixes
from aiplus_kg.project import Project
from aiplus_kg.reason.closure import IRI_IN_TEXT, closure_with_errors, readable

if TYPE_CHECKING:
    from aiplus_kg.fast_shacl import StoreMaker
    from aiplus_kg.oxstore import OxDataset

Triple = tuple[Node, Node, Node]

__all__ = [
    "SEVERITIES",
    "Finding",
    "Report",
    "data_graph",
    "load_shapes",
    "render_text",
    "validate",
    "validate_project",
]

SEVERITIES = ("Violation", "Warning", "Info")

ASSERTED = URIRef("https://w3id.org/aiplus/shapes#checksAssertedTriples")
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


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
    shapes = Graph()  # an ordinary graph: callers may hand it to pySHACL as data too
    for path in files:
        parse_turtle(path, shapes, display=display_path(path))  # type: ignore[operator]
    if not len(shapes):
        raise InputError("no SHACL shapes found (shapes/*.ttl)")
    return bind_prefixes(shapes)


@dataclass
class _Data:
    """What a pass checks: its triples (a set, or the graph itself), a graph holding
    their labels for the messages (``None``: see :meth:`labels_for`), and the full
    rdflib graph, built only if pySHACL needs it."""

    triples: Iterable[tuple[Node, Node, Node]]
    labels: Graph | None = None
    full: Graph | None = None

    def labels_for(self, nodes: Collection[Node]) -> Graph:
        """A graph with the labels of ``nodes`` at least: :attr:`labels`, or one made
        of the label triples of just those nodes (a report names few of millions)."""
        if self.labels is not None:
            return self.labels
        from aiplus_kg.lean_graph import lean_graph

        label_properties = frozenset(LABEL_PROPERTIES)
        wanted = frozenset(nodes)
        named = (t for t in self.triples if t[0] in wanted and t[1] in label_properties)
        return lean_graph(named if wanted else (), bind_prefixes(Graph(bind_namespaces="none")))

    def graph(self) -> Graph:
        if self.full is None:
            from aiplus_kg.lean_graph import lean_graph

            self.full = lean_graph(self.triples, bind_prefixes(Graph(bind_namespaces="none")))
        return self.full


def data_graph(
    loaded: LoadedDataset, *, inference: bool = True, engine: str | None = None
) -> Graph:
    """The graph the shapes are checked against: the union, or its cleaned OWL RL closure."""
    return _data(loaded, inference, engine)[0].graph()


def _data(
    loaded: LoadedDataset, inference: bool, engine: str | None = None
) -> tuple[_Data, list[str]]:
    if use_fast(engine):
        if not inference:
            return _Data(loaded.union()), []
        asserted, inferred, errors = _fast_closure(loaded.union())
        return _Data([*asserted, *inferred]), errors
    if not inference:
        graph = bind_prefixes(union_graph(loaded.dataset))
        return _Data(graph, graph, graph), []
    graph, errors = closure_with_errors(loaded.dataset, engine=engine)
    noise = [
        (s, p, o) for s, p, o in graph if isinstance(s, Literal) or (p == OWL.sameAs and s == o)
    ]
    for triple in noise:
        graph.remove(triple)
    graph = bind_prefixes(graph)
    return _Data(graph, graph, graph), errors


def _fast_closure(
    asserted: Collection[Triple],
) -> tuple[Collection[Triple], list[Triple], list[str]]:
    """The ``asserted`` triples, the triples their closure adds (cleaned: no literal
    subject), and owlrl's error messages."""
    from aiplus_kg.fast_reasoning import fast_closure

    closure, errors = fast_closure(asserted)
    inferred = [t for t in closure.inferred if not isinstance(t[0], Literal)]
    return closure.given, inferred, errors


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
    from aiplus_kg.lean_graph import lean_graph

    on_closure, on_asserted = (
        bind_prefixes(lean_graph([*shapes, *((s, SH.deactivated, Literal(True)) for s in off)]))
        for off in (marked, targeted - marked)
    )
    return on_closure, on_asserted


def _run(
    data: _Data, shapes: Graph, engine: str | None = None, make_store: StoreMaker | None = None
) -> Graph:
    """The SHACL report for ``data`` against ``shapes``. ``data`` is the caller's scratch
    copy, which the fast engine lets pySHACL use in place; ``make_store`` makes the fast
    validator's SPARQL store (see :func:`aiplus_kg.fast_shacl.validate_fast`)."""
    if use_fast(engine):
        from aiplus_kg.fast_shacl import NotCoveredError, validate_fast

        try:
            return validate_fast(data.triples, shapes, make_store)[1]
        except NotCoveredError:
            pass  # pySHACL does it, as below
    import pyshacl

    graph = data.graph()

    options: dict[str, object] = {"advanced": True}
    try:
        if use_fast(engine):
            from aiplus_kg.shacl_targets import empty_report, resolve_targets

            resolved = resolve_targets(shapes, graph)
            if not resolved.has_focus:
                return empty_report()
            shapes = resolved.shapes
            options = {"advanced": resolved.advanced, "inplace": True}
        _, report_graph, _ = pyshacl.validate(
            graph, shacl_graph=shapes, inference="none", allow_warnings=True, **options
        )
    except Exception as exc:  # pyshacl raises its own errors for broken shapes
        raise InternalError(f"SHACL engine failed: {' '.join(str(exc).split())}") from exc
    return report_graph


INFERRED_GRAPH = URIRef("urn:x-aiplus:inferred")
"""The named graph of the fast validator's store holding the closure's inferred triples."""


def _fast_passes(loaded: LoadedDataset) -> tuple[_Data, _Data, list[str], OxDataset, OxDataset]:
    """The asserted and the closure data of the fast validator, owlrl's error messages,
    and their pyoxigraph stores: one store, whose default graph holds the asserted
    triples and a named graph the inferred ones, read together for the closure.

    Oxigraph reads the asserted triples while the closure is computed, and the inferred
    ones while the closure's shapes that need no SPARQL run (see
    :func:`aiplus_kg.fast_shacl.validate_fast`): that time is taken on another core."""
    from aiplus_kg.oxstore import graph_store, layered_store

    union = loaded.union()
    # the triples the closure keeps as given: not those with a blank node predicate
    kept = (t for t in union if isinstance(t[1], URIRef))
    asserted_store = graph_store(kept, background=True)
    given, inferred, errors = _fast_closure(union)
    closure_store = layered_store(asserted_store, inferred, INFERRED_GRAPH, background=True)
    return _Data(given), _Data([*given, *inferred]), errors, asserted_store, closure_store


def _made(store: OxDataset) -> StoreMaker:
    """A store maker giving ``store``, made already."""
    return lambda _triples: store


@bulk_step
def validate(
    loaded: LoadedDataset,
    shapes: Graph | None = None,
    *,
    inference: bool = True,
    engine: str | None = None,
) -> Report:
    """Validate ``loaded`` against ``shapes`` (default: the project's ``shapes/*.ttl``).

    With ``inference``, the OWL RL closure is checked too: its inconsistencies (a member
    of two disjoint classes, say a person used where the ontology's range wants an
    organisation) are violations, and the shapes not marked as checking asserted
    triples run on the closure. ``engine`` is ``fast`` or ``reference`` (default: the
    selected engine); both give the same report.
    """
    if shapes is None:
        if loaded.project is None:
            raise InputError("no project to take the shapes from")
        shapes = load_shapes(loaded.project.shape_files(), loaded.display)
    findings: list[Finding] = []
    if inference:
        on_closure, on_asserted = split_shapes(shapes)
        if use_fast(engine):
            asserted, data, errors, *stores = _fast_passes(loaded)
            asserted_store, closure_store = (_made(store) for store in stores)
            del stores
        else:
            data, errors = _data(loaded, True, engine)
            asserted = _data(loaded, False, engine)[0]
            asserted_store = closure_store = None
        # the closure's pass first: its store is the one loading meanwhile
        report_graph = _run(data, on_closure, engine, closure_store)
        findings.extend(_findings(loaded, data, report_graph))
        findings.extend(_inconsistency_findings(loaded, data, errors))
        del data, closure_store
        asserted_report = _run(asserted, on_asserted, engine, asserted_store)
        findings.extend(_findings(loaded, asserted, asserted_report))
        del asserted, asserted_store
        for triple in asserted_report:
            report_graph.add(triple)
    else:
        asserted = _data(loaded, False, engine)[0]
        report_graph = _run(asserted, shapes, engine)
        findings.extend(_findings(loaded, asserted, report_graph))
    return Report(sorted(set(findings), key=_sort_key), report_graph, inference)


def validate_project(
    project: Project,
    files: Iterable[Path] = (),
    *,
    inference: bool = True,
    engine: str | None = None,
) -> Report:
    """Validate the project, with contributor ``files`` (see
    :func:`aiplus_kg.load.dataset.load_extra`), as :func:`validate` does.

    With the fast engine the report is cached, keyed on the content of every file it
    depends on (ontology, data, shapes, contributor files): running it again on
    unchanged files reads the report back instead of loading, reasoning and validating.
    """
    from aiplus_kg.fast_store import data_files
    from aiplus_kg.load.cache import cache_for, digest
    from aiplus_kg.load.dataset import load_extra, load_project

    extra = [Path(f) for f in files]
    cache = cache_for(project.root, project.origin) if use_fast(engine) else None
    key = ""
    if cache is not None:
        # contributor files are named after their stem, and shown relative to the cwd
        where = " ".join([p.stem for p in extra] + ([str(Path.cwd())] if extra else []))
        inputs = [*data_files(project), *project.shape_files(), *extra]
        key = digest(inputs, root=project.root, salt=f"validation {inference} {where}")
        cached = _report_from_record(cache.read_json("validation", key))
        if cached is not None:
            return cached
    loaded = load_project(project)
    if extra:
        load_extra(loaded, extra)
    report = validate(loaded, inference=inference, engine=engine)
    if cache is not None:
        cache.write_json("validation", key, _report_record(report))
    return report


def _report_record(report: Report) -> dict[str, object]:
    return {
        "inference": report.inference,
        "findings": [f.to_dict() for f in report.findings],
        "report": report.graph.serialize(format="nt"),
        "namespaces": [[p, str(n)] for p, n in report.graph.namespaces()],
    }


def _report_from_record(record: dict[str, object] | None) -> Report | None:
    if record is None:
        return None
    try:
        graph = Graph(bind_namespaces="none")
        for prefix, namespace in record["namespaces"]:  # type: ignore[attr-defined]
            graph.bind(prefix, namespace, override=True, replace=True)
        graph.parse(data=record["report"], format="nt")  # type: ignore[arg-type]
        findings = [
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
            for f in record["findings"]  # type: ignore[attr-defined]
        ]
        return Report(findings, graph, bool(record["inference"]))
    except Exception:  # a damaged entry is a miss
        return None


def _inconsistency_findings(
    loaded: LoadedDataset, checked: _Data, errors: list[str]
) -> Iterable[Finding]:
    """owlrl's inconsistencies as violations, focused on the entity they name."""
    if not errors:
        return
    data = checked.labels_for([URIRef(m) for e in errors for m in IRI_IN_TEXT.findall(e)])
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
            focus_label=_text(data, focus),
            path="",
            value="",
            message="OWL RL inconsistency: " + readable(message, data),
            shape="owl-rl",
            component="OWLRLConsistency",
            files=locator.files(focus, None, None),
        )


def _sort_key(finding: Finding) -> tuple[object, ...]:
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
        patterns = [(focus, path, value)] if isinstance(path, URIRef) else []
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


def _results(report: Graph) -> Iterable[tuple[Node, ...]]:
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
        messages = list(report.objects(result, SH.resultMessage)) or [None]
        for message in messages:
            yield focus, path, value, message, severity, shape, component


def _findings(loaded: LoadedDataset, checked: _Data, report: Graph) -> Iterable[Finding]:
    results = list(_results(report))
    named: set[Node] = set()
    for focus, _, value, message, *_ in results:
        named.update((focus, value))
        named.update(URIRef(m) for m in IRI_IN_TEXT.findall(str(message or "")))
    data = checked.labels_for(named)
    report.namespace_manager = data.namespace_manager
    locator = _Locator(loaded, {focus for focus, *_ in results})
    for focus, path, value, message, severity, shape, component in results:
        yield Finding(
            severity=str(severity).rsplit("#", 1)[-1],
            focus=str(focus),
            focus_label=_text(data, focus),
            path=_text(report, path),
            value=_text(data, value),
            message=readable(str(message or ""), data),
            shape=_text(report, shape),
            component=str(component).rsplit("#", 1)[-1],
            files=locator.files(focus, path, value),
        )
