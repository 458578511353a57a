"""The canonical Turtle formatter of the project: it keeps what people write.

A file's canonical form is rdflib's ``longturtle`` style with canonical blank-node
labels, and with what the author chose kept as written:

* the **order of the subject blocks** (a subject written in two blocks is written once,
  where it first comes); blocks whose subject is a blank node, and subjects no block
  names, follow in rdflib's order (named subjects by IRI, then blank nodes);
* **every comment**, with the block it belongs to: comments before or among the
  prefix declarations stay at the top; comments before a block stay before it (blank
  lines between them are kept, one at most); a comment on a line of its own inside a
  block stays before the property it precedes (one inside a nested ``[ ]`` or
  ``( )`` moves up before the property that holds it); a comment at the end of a line
  stays at the end of the line of its subject, its property or its final ``.``;
  comments after the last block stay at the end. The comments of a block whose
  subject is a blank node stay where they are, the block itself moving to the end;
* the **prefixes the file declares** (those of the project with their own namespace,
  and any other it declares that clashes with none), even unused, so that a
  commented-out example still parses once uncommented; prefixes the graph needs are
  added.

Within a block, properties and objects are in canonical order (``a`` first, then
``rdfs:label``, then by IRI; objects sorted). Formatting is idempotent, the text parses
back to the same graph (a file is rewritten only when it does), and nothing is
recursive: blank nodes and lists nested thousands deep format as others do.
Where a comment goes is read from the text by :mod:`aiplus_kg.load.layout`.

Files named ``invalid-*`` and files under a ``tests/`` folder are never formatted.
"""

from __future__ import annotations

import io
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.exceptions import Error
from rdflib.plugins.serializers.longturtle import OBJECT, SUBJECT, VERB, LongTurtleSerializer
from rdflib.term import Node

from aiplus_kg.atomic import atomic_write
from aiplus_kg.errors import InputError, InternalError, located
from aiplus_kg.export.canon import canonical_graph, isomorphic
from aiplus_kg.load.layout import Block, Layout, read_layout
from aiplus_kg.load.turtle import parse_turtle_data, read_text
from aiplus_kg.namespaces import PREFIXES, RDF
from aiplus_kg.project import Project, display_path

__all__ = [
    "BlockNotes",
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


def _tidy(lines: Iterable[str], *, blank_last: bool = False) -> list[str]:
    """Comment lines with one ``""`` (a blank line) at most between two, none first,
    and none last unless ``blank_last``."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    if out and not out[-1] and not blank_last:
        out.pop()
    return out


@dataclass
class BlockNotes:
    """The comments of a subject's block, as :class:`SortedLongTurtleSerializer` writes
    them: before the block (``leading``), at the end of the subject's line, before and
    at the end of each property's lines (by IRI), after the last property, and at the
    end of the final ``.`` line. A line holds one end-of-line comment; when a subject
    had more (written in several blocks), the others go on lines of their own just
    before it, where they stay from then on."""

    leading: list[str] = field(default_factory=list)
    subject_eol: list[str] = field(default_factory=list)
    before: dict[str, list[str]] = field(default_factory=dict)
    after: dict[str, list[str]] = field(default_factory=dict)
    inner_trailing: list[str] = field(default_factory=list)
    end_eol: list[str] = field(default_factory=list)

    def add(self, block: Block) -> None:
        """Add the comments of ``block`` (another block about the same subject)."""
        if self.leading and block.leading:
            self.leading.append("")
        self.leading.extend(block.leading)
        self.subject_eol.extend(block.subject_eol)
        for notes in block.predicates:
            if notes.iri is None:  # a property this module cannot name: after the last
                self.inner_trailing.extend([*notes.leading, *notes.eol])
                continue
            self.before.setdefault(notes.iri, []).extend(notes.leading)
            self.after.setdefault(notes.iri, []).extend(notes.eol)
        self.inner_trailing.extend(block.inner_trailing)
        self.end_eol.extend(block.end_eol)

    def settled(self) -> BlockNotes:
        """The notes with one end-of-line comment per line at most (see the class)."""
        leading = _tidy(self.leading + self.subject_eol[:-1], blank_last=True)
        before = {p: [*lines, *self.after.get(p, [])[:-1]] for p, lines in self.before.items()}
        after = {p: lines[-1:] for p, lines in self.after.items() if lines}
        trailing = [line for line in self.inner_trailing + self.end_eol[:-1] if line]
        return BlockNotes(
            leading, self.subject_eol[-1:], before, after, trailing, self.end_eol[-1:]
        )

    def take(self, predicate: Node) -> tuple[list[str], list[str]]:
        """The comments before and at the end of ``predicate``'s lines, taken out."""
        key = str(predicate)
        return self.before.pop(key, []), self.after.pop(key, [])

    def rest(self) -> list[str]:
        """What no property written took, then the comments after the last one."""
        left = [line for key in list(self.before) for line in self.take(URIRef(key))[0]]
        left += [line for key in list(self.after) for line in self.take(URIRef(key))[1]]
        return [*left, *self.inner_trailing]


class SortedLongTurtleSerializer(LongTurtleSerializer):
    """rdflib's ``longturtle``, with subjects in plain IRI order, written without
    recursion, and with comments where :class:`BlockNotes` place them.

    rdflib orders subjects by how often they are referenced, so adding a reference
    elsewhere would move a block; here named subjects are sorted by IRI only, then
    blank nodes (by reference count, as rdflib needs to inline them). The formatter
    gives its own order instead (:meth:`chunks`).

    rdflib writes a nested blank node or list by recursion (path, p_squared,
    predicateList, objectList, path...), which stops at some hundreds of levels; here
    the same methods write the same text, each a generator of the calls it makes
    (``_path``, ``_p_squared``...), run by :func:`_run`. Indentation stops growing at
    :data:`MAX_INDENT` levels.
    """

    def __init__(self, store: Graph, notes: dict[Node, BlockNotes] | None = None) -> None:
        self._notes = notes or {}
        self._block: BlockNotes | None = None
        super().__init__(store)

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

    def s_default(self, subject: Node) -> bool:
        notes = self._notes.get(subject)
        if notes is None:
            return bool(super().s_default(subject))
        self._block = notes
        self.write("\n" + self.indent())
        self.path(subject, SUBJECT)
        self.write("".join(f" {line}" for line in notes.subject_eol))
        self.write("\n" + self.indent())
        self.predicateList(subject)
        self._block = None
        self.write("".join(f"\n{self.indent(1)}{line}" for line in notes.rest()))
        self.write("\n." + "".join(f" {line}" for line in notes.end_eol))
        return True

    def chunks(
        self, plan: Sequence[Node | list[str]], keep: Iterable[tuple[str, str]] = ()
    ) -> list[str]:
        """The text of the graph in pieces: the prefix lines, then, in the order of
        ``plan``, each subject's block (with its comments) or the comment lines given,
        then the subjects ``plan`` leaves out, in :meth:`orderSubjects`' order. Prefixes
        in ``keep`` are declared even when the graph does not use them."""
        stream = io.BytesIO()
        self.reset()
        self.stream = stream
        self.preprocess()
        taken = set(self.namespaces.values())
        for prefix, namespace in keep:
            if prefix not in self.namespaces and URIRef(namespace) not in taken:
                self.namespaces[prefix] = URIRef(namespace)
                taken.add(URIRef(namespace))
        self.startDocument()
        pieces = [self._taken(stream)]
        for item in plan:
            if isinstance(item, list):
                pieces.append("\n".join(item))
            elif item in self._subjects and not self.isDone(item):
                notes = self._notes.get(item)
                self.statement(item)
                lines = notes.leading if notes is not None else []
                pieces.append(
                    "".join(f"{line}\n" for line in lines) + self._taken(stream).lstrip("\n")
                )
        for subject in self.orderSubjects():
            if not self.isDone(subject):
                self.statement(subject)
                pieces.append(self._taken(stream))
        self.stream = None
        return [piece.strip("\n") for piece in pieces if piece.strip("\n")]

    @staticmethod
    def _taken(stream: io.BytesIO) -> str:
        """What ``stream`` holds, emptying it."""
        text = stream.getvalue().decode("utf-8")
        stream.seek(0)
        stream.truncate()
        return text

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
        notes = self._block if self.depth == 0 else None  # the subject's own properties
        for i, predicate in enumerate(predicates):
            before, after = notes.take(predicate) if notes is not None else ([], [])
            if i:
                self.write("\n")
            self.write("".join(f"{self.indent(1)}{line}\n" for line in before))
            self.write(self.indent(1))
            yield self._path(predicate, VERB, True)
            yield self._object_list(properties[predicate])
            self.write(" ;" + "".join(f" {line}" for line in after))

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


def _plan(layout: Layout, graph: Graph) -> tuple[list[Node | list[str]], dict[Node, BlockNotes]]:
    """The order of the text to write (subjects, and comment lines standing alone) and
    the comments of each subject, from the ``layout`` of the text ``graph`` was read
    from: the blocks in the author's order; a block whose subject this formatter cannot
    name in ``graph`` leaves its comments where it was."""
    plan: list[Node | list[str]] = []
    notes: dict[Node, BlockNotes] = {}
    for block in layout.blocks:
        subject = URIRef(block.subject) if block.subject is not None else None
        if subject is None or (subject, None, None) not in graph:
            lines = _tidy([*block.leading, *block.inner, *block.end_eol])
            if lines:
                plan.append(lines)
            continue
        if subject not in notes:
            notes[subject] = BlockNotes()
            plan.append(subject)
        notes[subject].add(block)
    return plan, {subject: found.settled() for subject, found in notes.items()}


def _canonical_text(original: str, graph: Graph) -> str:
    """The canonical text of ``graph``, read from ``original``: in the order and with
    the comments of ``original`` (see the module docstring)."""
    layout = read_layout(original)
    out = turtle_graph(graph.namespaces())
    canonical_graph(graph, target=out)
    bound = {str(prefix): str(namespace) for prefix, namespace in out.namespaces()}
    keep = [(p, n) for p, n in sorted(layout.prefixes.items()) if bound.get(p) == n]
    plan, notes = _plan(layout, out)
    pieces = SortedLongTurtleSerializer(out, notes).chunks(plan, keep)
    trailing = _tidy(layout.trailing)
    header = "\n".join(layout.header)
    parts = [header, *pieces, "\n".join(trailing)]
    text = "\n\n".join(part for part in parts if part)
    return text + "\n" if text else ""


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
