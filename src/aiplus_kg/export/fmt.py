"""The canonical Turtle formatter of the project.

A file's canonical form is rdflib's ``longturtle`` serialization of its graph, with
canonical blank-node labels, the project prefixes (plus any other prefix the file
declares) and only the prefixes actually used. Comment lines that come before the
first statement (among the prefix declarations, say) are kept at the top of the
file; any other comment is dropped, so say it with ``rdfs:comment`` or
``skos:note`` instead.

Files named ``invalid-*`` and files under a ``tests/`` folder are never formatted.
"""

from __future__ import annotations

import io
import re
from collections.abc import Generator, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeAlias

from rdflib import BNode, Graph, Literal
from rdflib.exceptions import Error
from rdflib.plugins.serializers.longturtle import OBJECT, SUBJECT, VERB, LongTurtleSerializer
from rdflib.term import Node

from aiplus_kg.atomic import atomic_write
from aiplus_kg.errors import InputError, InternalError, located
from aiplus_kg.export.canon import canonical_graph, isomorphic
from aiplus_kg.load.turtle import parse_turtle_data, read_text
from aiplus_kg.namespaces import PREFIXES, RDF
from aiplus_kg.project import Project, display_path

__all__ = [
    "SortedLongTurtleSerializer",
    "check_files",
    "collect_targets",
    "format_files",
    "format_text",
    "is_excluded",
    "to_turtle",
    "turtle_graph",
]

EXCLUDED_PREFIX = "invalid-"
EXCLUDED_DIR = "tests"

MAX_INDENT = 20
"""Levels of indentation (four spaces each; a nested blank node or list takes two):
deeper ones are indented as this one, so that the text grows with the graph, not
with the square of its nesting."""

Steps: TypeAlias = Generator["Steps", Any, Any]
"""A method of the serializer that yields, instead of making, its calls to the
others (see :func:`_run`)."""


def _run(steps: Steps) -> Any:
    """Run ``steps``, and each call it yields, on a stack of our own: blank nodes and
    lists nested thousands deep take no Python stack. Returns what ``steps`` returns."""
    stack = [steps]
    value: Any = None
    while stack:
        try:
            call = stack[-1].send(value)
        except StopIteration as stop:
            stack.pop()
            value = stop.value
        else:
            stack.append(call)
            value = None
    return value


class SortedLongTurtleSerializer(LongTurtleSerializer):
    """rdflib's ``longturtle``, with subjects in plain IRI order, written without
    recursion.

    rdflib orders subjects by how often they are referenced, so adding a reference
    elsewhere would move a block; here named subjects are sorted by IRI only, then
    blank nodes (by reference count, as rdflib needs to inline them).

    rdflib writes a nested blank node or list by recursion (path, p_squared,
    predicateList, objectList, path...), which stops at some hundreds of levels; here
    the same methods write the same text, each a generator of the calls it makes
    (``_path``, ``_p_squared``...), run by :func:`_run`. Indentation stops growing at
    :data:`MAX_INDENT` levels.
    """

    def orderSubjects(self) -> list[Node]:  # noqa: N802 (rdflib's name)
        seen: set[Node] = set()
        ordered: list[Node] = []
        for cls in self.topClasses:
            members = sorted(self.store.subjects(RDF.type, cls))  # type: ignore[type-var]
            for member in members:
                if member not in seen:
                    ordered.append(member)
                    self._topLevels[member] = True
                    seen.add(member)

        def key(subject: Node) -> tuple[bool, int, Node]:
            blank = isinstance(subject, BNode)
            return blank, self._references[subject] if blank else 0, subject

        ordered.extend(sorted((s for s in self._subjects if s not in seen), key=key))
        return ordered

    def label(self, node: Node, position: int) -> str:
        """Like rdflib's, but a number or boolean is written bare only when the bare
        form keeps its lexical form (rdflib writes ``"1200"^^xsd:decimal`` as
        ``1200.0``, which is another RDF term)."""
        text: str = super().label(node, position)
        bare = isinstance(node, Literal) and node.datatype is not None and text[:1] != '"'
        if bare and isinstance(node, Literal) and text != str(node):
            written: str = node._literal_n3(
                use_plain=False,
                qname_callback=lambda dt: self.get_pname(dt, gen_prefix=False),
            )
            return written
        return text

    def indent(self, modifier: int = 0) -> str:
        return str(self.indentString * min(self.depth + modifier, MAX_INDENT))

    # rdflib's recursive methods: the public ones run the generators below

    def path(self, node: Node, position: int, newline: bool = False) -> None:
        _run(self._path(node, position, newline))

    def p_squared(self, node: Node, position: int) -> bool:
        return bool(_run(self._p_squared(node, position)))

    def doList(self, l_: Node) -> None:  # noqa: N802 (rdflib's name)
        _run(self._do_list(l_))

    def predicateList(self, subject: Node, newline: bool = False) -> None:  # noqa: N802
        _run(self._predicate_list(subject))

    def verb(self, node: Node, newline: bool = False) -> None:
        _run(self._path(node, VERB, newline))

    def objectList(self, objects: list[Node]) -> None:  # noqa: N802 (rdflib's name)
        _run(self._object_list(objects))

    def _path(self, node: Node, position: int, newline: bool = False) -> Steps:
        if not ((yield self._p_squared(node, position)) or self.p_default(node, position, newline)):
            raise Error(f"Cannot serialize node '{node}'")

    def _p_squared(self, node: Node, position: int) -> Steps:
        if (
            not isinstance(node, BNode)
            or node in self._serialized
            or self._references[node] > 1
            or position == SUBJECT
        ):
            return False
        if self.isValidList(node):  # a list
            self.write(" (\n")
            yield self._do_list(node)
            self.write("\n" + self.indent() + ")")
        else:  # a blank node
            self.subjectDone(node)
            self.write("\n" + self.indent(1) + "[\n")
            self.depth += 1
            yield self._predicate_list(node)
            self.depth -= 1
            self.write("\n" + self.indent(1) + "]")
        return True

    def _do_list(self, head: Node) -> Steps:
        first = True
        node: Node | None = head
        while node:
            item = self.store.value(node, RDF.first)
            if item is not None:
                self.write(self.indent(1) if first else "\n" + self.indent(1))
                yield self._path(item, OBJECT, newline=True)
                self.subjectDone(node)
            node = self.store.value(node, RDF.rest)
            first = False

    def _predicate_list(self, subject: Node) -> Steps:
        properties = self.buildPredicateHash(subject)
        predicates = self.sortProperties(properties)
        if not predicates:
            return
        self.write(self.indent(1))
        yield self._path(predicates[0], VERB, True)
        yield self._object_list(properties[predicates[0]])
        for predicate in predicates[1:]:
            self.write(" ;\n" + self.indent(1))
            yield self._path(predicate, VERB, True)
            yield self._object_list(properties[predicate])
        self.write(" ;")

    def _object_list(self, objects: list[Node]) -> Steps:
        if not objects:
            return
        # rdflib's ``(count == 1) and 0 or 1`` is 1 whatever the count
        self.depth += 1
        if len(objects) > 1:
            self.write(" " if isinstance(objects[0], BNode) else "\n" + self.indent(1))
        yield self._path(objects[0], OBJECT, newline=len(objects) > 1)
        for obj in objects[1:]:
            self.write(" ,")
            if not isinstance(obj, BNode):
                self.write("\n" + self.indent(1))
            yield self._path(obj, OBJECT, newline=True)
        self.depth -= 1


def turtle_graph(namespaces: Iterable[tuple[str, str]] = ()) -> Graph:
    """An empty graph with the project prefixes bound, then ``namespaces``.

    ``namespaces`` (e.g. the prefixes a file declares) are bound, in sorted order,
    when they clash with neither a project prefix name nor a project namespace.
    """
    out = Graph(bind_namespaces="none")
    manager = out.namespace_manager
    for prefix, namespace in PREFIXES.items():
        manager.bind(prefix, namespace, override=True, replace=True)
    taken = set(PREFIXES) | set(PREFIXES.values())
    for prefix, namespace in sorted((str(p), str(n)) for p, n in namespaces):
        if prefix and prefix not in taken and namespace not in taken:
            manager.bind(prefix, namespace, override=False, replace=False)
            taken.update((prefix, namespace))
    return out


def to_turtle(graph: Graph, namespaces: Iterable[tuple[str, str]] = ()) -> str:
    """Canonical Turtle text of ``graph``: canonical blank nodes, sorted subjects, the
    project prefixes plus ``namespaces`` (see :func:`turtle_graph`), only those used."""
    out = turtle_graph(namespaces)
    canonical_graph(graph, target=out)
    stream = io.BytesIO()
    SortedLongTurtleSerializer(out).serialize(stream, encoding="utf-8")
    text = stream.getvalue().decode("utf-8")
    return text.strip("\n") + "\n" if text.strip() else ""


_DIRECTIVE = re.compile(r"(?i)@?(prefix|base)\s")


def _header(text: str) -> str:
    """The comment lines that come before the first statement of ``text``.

    Only blank lines, ``#`` lines and prefix or base directives may precede them;
    the comments are returned stripped, in order, one per line.
    """
    lines: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            lines.append(stripped)
        elif stripped and not _DIRECTIVE.match(stripped):
            break
    return "\n".join(lines)


def _canonical_text(original: str, graph: Graph) -> str:
    body = to_turtle(graph, graph.namespaces())
    header = _header(original)
    if header and body:
        return f"{header}\n\n{body}"
    return f"{header}\n" if header else body


def _format(path: Path, shown: str) -> tuple[str, str, Graph]:
    """Return (original text, canonical text, parsed graph) for ``path``."""
    original = read_text(path, display=shown)
    graph = parse_turtle_data(original, display=shown)
    return original, _canonical_text(original, graph), graph


def format_text(text: str, *, display: str = "<text>") -> str:
    """The canonical form of the Turtle document ``text``."""
    return _canonical_text(text, parse_turtle_data(text, display=display))


def is_excluded(path: Path, root: Path | None = None) -> bool:
    """Whether ``path`` is never formatted: ``invalid-*`` files and files under ``tests/``.

    ``tests/`` is looked for in the path relative to ``root`` (or the current
    directory when ``path`` is outside ``root``).
    """
    if path.name.startswith(EXCLUDED_PREFIX):
        return True
    resolved = path.resolve()
    for base in (root, Path.cwd()):
        if base is not None and resolved.is_relative_to(base.resolve()):
            return EXCLUDED_DIR in resolved.relative_to(base.resolve()).parts[:-1]
    return False


def collect_targets(project: Project, paths: Sequence[Path | str] = ()) -> list[Path]:
    """The Turtle files to format: ``paths`` (folders are searched for ``*.ttl``) or,
    when none are given, every ``.ttl`` under ``ontology/``, ``graph/`` and ``shapes/``.
    Excluded files (see :func:`is_excluded`) are left out; the order is stable."""
    found: list[Path] = []
    if not paths:
        found = project.turtle_files()
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.ttl") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(located(display_path(path, project.root), "no such file"))
    unique = dict.fromkeys(found)
    return [p for p in unique if not is_excluded(p, project.root)]


def check_files(paths: Iterable[Path], *, root: Path | None = None) -> list[Path]:
    """The files among ``paths`` that are not in canonical form."""
    return [p for p in paths if _needs_format(p, root)]


def _needs_format(path: Path, root: Path | None) -> bool:
    original, formatted, _ = _format(path, display_path(path, root))
    return original != formatted


def format_files(paths: Iterable[Path], *, root: Path | None = None) -> list[Path]:
    """Rewrite in place the files among ``paths`` that are not canonical; return them.

    A file is rewritten atomically and only if the formatted text parses back to a
    graph isomorphic to the original.
    """
    changed: list[Path] = []
    for path in paths:
        shown = display_path(path, root)
        original, formatted, graph = _format(path, shown)
        if original == formatted:
            continue
        again = parse_turtle_data(formatted, display=shown)
        if not isomorphic(graph, again):
            raise InternalError(located(shown, "formatting would change the graph; left as is"))
        atomic_write(path, formatted.encode("utf-8"))
        changed.append(path)
    return changed
