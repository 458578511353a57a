"""How a person laid out a Turtle file: its subject blocks in order, the line of each
statement, and where its comments are.

RDF keeps none of this: a parser hands back the triples, and the comments, the order of
the blocks and the lines are gone. This module reads the text a second time, as tokens
(strings, IRIs, names, punctuation, comments), without building triples, so that

* the formatter (:mod:`aiplus_kg.export.fmt`) keeps the author's order of subject
  blocks and every comment with the block and the property it belongs to;
* ``aiplus describe`` names the file and line of each statement it shows
  (:class:`Locations`);
* ``aiplus new-article`` inserts a block where it sorts.

The text is expected to be Turtle a parser has read already: what this module cannot
place (a blank-node subject, a prefix it does not know) is reported as such
(``subject`` is ``None``), never guessed. It reads iteratively: no nesting is too deep.

Comments are attached as follows:

* before or among the ``PREFIX``/``@prefix``/``BASE`` lines: the file's header;
* on lines of their own before a block: the block's ``leading`` comments (blank lines
  between them are kept as ``""`` entries);
* on lines of their own inside a block, before a property of the subject: that
  property's ``leading`` comments; inside a nested ``[ ]`` or ``( )``: the leading
  comments of the subject's property that holds it; after the last property: the
  block's ``inner_trailing`` comments;
* at the end of a line: that of the subject (``subject_eol``), of the property the line
  belongs to (``eol``) or of the final ``.`` (``end_eol``);
* after the last block: the file's ``trailing`` comments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

__all__ = [
    "Block",
    "Layout",
    "Locations",
    "PredicateNotes",
    "Token",
    "read_layout",
    "tokens",
]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>
        \"\"\"(?:(?:\"|\"\")?(?:[^"\\]|\\.))*\"\"\"
      | '''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
      | "(?:[^"\\\r\n]|\\.)*"
      | '(?:[^'\\\r\n]|\\.)*'
    )
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\[uU][0-9A-Fa-f]+)*>)
  | (?P<punct>[;,\[\](){}])
  | (?P<word>(?:[^\s;,\[\](){}<>"'\#\\]|\\.)+)
    """,
    re.VERBOSE | re.DOTALL,
)
_PN_LOCAL_ESCAPE = re.compile(r"\\(.)")
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class Token:
    """A token of the text: its kind (``comment``, ``string``, ``iri``, ``punct``,
    ``word``), its text, its offset, its line (1-based) and whether a blank line
    separates it from what comes before; for a comment, whether it has its line to
    itself."""

    kind: str
    text: str
    start: int
    line: int
    blank_before: bool = False
    own_line: bool = True

    @property
    def end_line(self) -> int:
        return self.line + self.text.count("\n")


def tokens(text: str) -> list[Token]:
    """The tokens of ``text`` (white space left out), in order."""
    out: list[Token] = []
    pos, line, length = 0, 1, len(text)
    breaks = 0  # line breaks in the white space before the next token
    last_line = 0  # the line where the last token that is not a comment ends
    after_comment = False
    while pos < length:
        match = _TOKEN.match(text, pos)
        kind = (match.lastgroup or "word") if match else "word"
        value = match.group() if match else text[pos]  # not Turtle: a character alone
        pos += len(value)
        if kind == "ws":
            breaks += value.count("\n")
            line += value.count("\n")
            continue
        blank, breaks = breaks >= 2, 0
        if kind == "comment":
            own = after_comment or last_line < line
            out.append(Token(kind, value.rstrip(), pos - len(value), line, blank, own))
            after_comment = True
            continue
        if kind == "word":
            out.extend(_word_tokens(value, pos - len(value), line, blank))
        else:
            out.append(Token(kind, value, pos - len(value), line, blank))
            line += value.count("\n")  # a long string
        last_line, after_comment = line, False
    return out


def _word_tokens(value: str, start: int, line: int, blank: bool) -> list[Token]:
    """A word, and the ``.`` that end it as tokens of their own (``id:a.`` is the name
    ``id:a`` and the end of a statement; ``1.5``, ``.5`` and ``ex:a\\.`` are words)."""
    stem = value.rstrip(".")
    if stem.endswith("\\"):  # an escaped dot belongs to the name
        stem += "."
    found = [Token("word", stem, start, line, blank)] if stem else []
    found.extend(
        Token("punct", ".", start + i, line, blank and not found)
        for i in range(len(stem), len(value))
    )
    return found


@dataclass
class PredicateNotes:
    """A property of a block's subject as written: its IRI (``None`` when unknown), the
    line it starts on, its objects (IRI or ``None``, and line) and its comments."""

    iri: str | None
    line: int
    objects: list[tuple[str | None, int]] = field(default_factory=list)
    leading: list[str] = field(default_factory=list)
    eol: list[str] = field(default_factory=list)


@dataclass
class Block:
    """One statement of the text: a subject and what follows it, up to its ``.``.

    ``subject`` is the subject's IRI, or ``None`` for a blank node, a list or a name
    whose prefix is unknown. ``start`` is the offset of its first token, ``lead_start``
    that of its first leading comment (or ``start``), ``end`` the offset after its
    ``.``."""

    subject: str | None
    line: int
    start: int
    lead_start: int
    end: int = 0
    leading: list[str] = field(default_factory=list)
    subject_eol: list[str] = field(default_factory=list)
    predicates: list[PredicateNotes] = field(default_factory=list)
    inner_trailing: list[str] = field(default_factory=list)
    end_eol: list[str] = field(default_factory=list)
    inner: list[str] = field(default_factory=list)
    """Every comment inside the statement, in order (for a block with no IRI)."""

    def comments(self) -> list[str]:
        """Every comment of the block, in the order written."""
        return [c for c in self.leading if c] + self.inner + self.end_eol

    def lines_of(self, predicate: str, obj: str | None = None) -> list[int]:
        """The lines where ``predicate`` (with the object ``obj``, an IRI, when given
        and found) is written in this block."""
        found: list[int] = []
        for notes in self.predicates:
            if notes.iri != predicate:
                continue
            exact = [line for iri, line in notes.objects if obj is not None and iri == obj]
            found.extend(exact or [notes.line])
        return found


@dataclass
class Layout:
    """The layout of a Turtle text: header comments, declared prefixes and base, blocks
    in order, and the comments after the last block."""

    header: list[str] = field(default_factory=list)
    prefixes: dict[str, str] = field(default_factory=dict)
    base: str | None = None
    blocks: list[Block] = field(default_factory=list)
    trailing: list[str] = field(default_factory=list)

    def block_lines(self, subject: str) -> list[int]:
        """The lines where blocks about ``subject`` start."""
        return [b.line for b in self.blocks if b.subject == subject]


def _comment_lines(found: list[Token]) -> list[str]:
    """Comments as lines, a ``""`` where a blank line separates two of them or the last
    from what follows (added by the caller)."""
    lines: list[str] = []
    for token in found:
        if token.blank_before and lines:
            lines.append("")
        lines.append(token.text)
    return lines


def _unescape_iri(text: str) -> str:
    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group()

    return _UCHAR.sub(char, text) if "\\" in text else text


class _Reader:
    """The state of one pass over the tokens (see :func:`read_layout`)."""

    def __init__(self, text: str, base: str | None) -> None:
        self.items = tokens(text)
        self.length = len(text)
        self.layout = Layout(base=base)
        self.index = 0

    def term(self, token: Token) -> str | None:
        """The IRI a subject, property or object token names, or ``None``."""
        layout = self.layout
        if token.kind == "iri":
            iri = _unescape_iri(token.text[1:-1])
            if layout.base and not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", iri):
                return urljoin(layout.base, iri)
            return iri
        if token.kind != "word":
            return None
        if token.text == "a":
            return RDF_TYPE
        prefix, colon, local = token.text.partition(":")
        if not colon or prefix.startswith("_") or token.text[:1] in "\"'@^":
            return None
        namespace = layout.prefixes.get(prefix)
        if namespace is None:
            return None
        return namespace + _PN_LOCAL_ESCAPE.sub(r"\1", local)

    def next_token(self) -> Token | None:
        """The next non-comment token; the comments before it go to the header."""
        while self.index < len(self.items):
            token = self.items[self.index]
            self.index += 1
            if token.kind != "comment":
                return token
            self.layout.header.append(token.text)
        return None

    def directive(self, token: Token) -> bool:
        """Read a prefix or base directive starting with ``token``; whether it was one."""
        word = token.text
        sparql_style = token.kind == "word" and word.upper() in ("PREFIX", "BASE")
        if token.kind != "word" or not (word in ("@prefix", "@base") or sparql_style):
            return False
        name = self.next_token() if word.lower().endswith("prefix") else None
        iri = self.next_token()
        if iri is not None and iri.kind == "iri":
            value = self.term(iri) or ""
            if name is not None:
                self.layout.prefixes[name.text.removesuffix(":")] = value
            else:
                self.layout.base = value
        if word.startswith("@"):  # ends with "."
            end = self.next_token()
            while end is not None and end.text != ".":
                end = self.next_token()
        return True

    def read(self) -> Layout:
        layout = self.layout
        pending: list[Token] = []
        last: Block | None = None  # the block just read, until something else comes
        while self.index < len(self.items):
            token = self.items[self.index]
            self.index += 1
            if token.kind == "comment":
                if not token.own_line and last is not None:
                    last.end_eol.append(token.text)
                elif not token.own_line and not layout.blocks:
                    layout.header.append(token.text)  # at the end of a PREFIX line
                else:
                    pending.append(token)
                continue
            if self.directive(token):
                if not layout.blocks:
                    layout.header.extend(_comment_lines(pending))
                    pending = []
                last = None
                continue
            last = self.statement(token, pending)
            layout.blocks.append(last)
            pending = []
        layout.trailing = _comment_lines(pending)
        layout.header = [line for line in layout.header if line]
        return layout

    def statement(self, subject: Token, leading: list[Token]) -> Block:
        """Read the statement whose first token is ``subject`` (after its leading
        comments), up to its final ``.``."""
        named = subject.kind in ("iri", "word") and subject.text != "a"
        block = Block(
            subject=self.term(subject) if named else None,
            line=subject.line,
            start=subject.start,
            lead_start=leading[0].start if leading else subject.start,
        )
        block.leading = _comment_lines(leading)
        if leading and subject.blank_before:
            block.leading.append("")
        depth = 1 if subject.text in ("[", "(") else 0
        expect_predicate = depth == 0
        current: PredicateNotes | None = None
        floating: list[str] = []  # own-line comments at depth 0, not placed yet
        skip_next = False
        while self.index < len(self.items):
            token = self.items[self.index]
            self.index += 1
            if token.kind == "comment":
                block.inner.append(token.text)
                if not token.own_line:
                    if current is None:
                        block.subject_eol.append(token.text)
                    else:
                        current.eol.append(token.text)
                elif depth > 0 and current is not None:
                    current.leading.append(token.text)
                else:
                    floating.append(token.text)
                continue
            text = token.text
            if token.kind == "punct" and text in "[(":
                if depth == 0 and current is not None:
                    current.objects.append((None, token.line))
                depth += 1
            elif token.kind == "punct" and text in "])":
                depth = max(depth - 1, 0)
            elif depth > 0:
                continue
            elif text == ".":
                block.end = token.start + 1
                break
            elif text == ";":
                expect_predicate = True
            elif text == ",":
                continue
            elif expect_predicate:
                current = PredicateNotes(self.term(token), token.line)
                current.leading.extend(floating)
                floating = []
                block.predicates.append(current)
                expect_predicate = False
            elif skip_next:
                skip_next = False
            elif token.kind == "word" and text[:1] in ("@", "^"):
                skip_next = text == "^^"  # the datatype follows
            elif current is not None:
                if floating:
                    current.leading.extend(floating)
                    floating = []
                current.objects.append((self.term(token), token.line))
        else:
            block.end = self.length
        block.inner_trailing = floating
        return block


def read_layout(text: str, *, base: str | None = None) -> Layout:
    """The layout of the Turtle document ``text`` (see the module docstring);
    ``base`` resolves relative IRIs where the text declares no base."""
    return _Reader(text, base).read()


class Locations:
    """Where statements are written, as ``file:line``, for the files each named graph
    was read from (``files``: pairs of a graph IRI and its paths, as the items of
    :attr:`~aiplus_kg.load.dataset.LoadedDataset.files`). Nothing is kept
    while loading: a file is read and its layout found the first time a statement of
    its graph is looked up, then kept for the next ones."""

    def __init__(
        self, files: Iterable[tuple[str, Sequence[Path]]], display: Callable[[Path], str]
    ) -> None:
        self._files = {str(graph): tuple(paths) for graph, paths in files}
        self._display = display
        self._blocks: dict[Path, dict[str | None, list[Block]]] = {}

    def _by_subject(self, path: Path) -> dict[str | None, list[Block]]:
        found = self._blocks.get(path)
        if found is None:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):  # gone or changed since it was loaded
                text = ""
            found = {}
            for block in read_layout(text).blocks:
                found.setdefault(block.subject, []).append(block)
            self._blocks[path] = found
        return found

    def subject(self, graph: str, subject: str) -> list[str]:
        """Where the files of ``graph`` write blocks about ``subject``."""
        return [
            f"{self._display(path)}:{block.line}"
            for path in self._files.get(str(graph), ())
            for block in self._by_subject(path).get(str(subject), ())
        ]

    def statement(self, graph: str, subject: str, predicate: str, obj: str | None) -> list[str]:
        """Where the files of ``graph`` write ``subject predicate obj`` (``obj``: an
        IRI, or ``None`` for a literal or a blank node: the property's line)."""
        return [
            f"{self._display(path)}:{line}"
            for path in self._files.get(str(graph), ())
            for block in self._by_subject(path).get(str(subject), ())
            for line in block.lines_of(str(predicate), None if obj is None else str(obj))
        ]
