"""What the commands share: exit-code epilogs, options, and ways to write output."""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Callable
from typing import Any, BinaryIO, TypeVar, cast

import click

from aiplus_kg.defaults import (
    DEFAULT_MAX_ANSWER_SIZE,
    DEFAULT_MAX_HOPS,
    DEFAULT_MEMORY_MB,
    DEFAULT_TIMEOUT,
)
from aiplus_kg.knowledge_graph import KnowledgeGraph

__all__ = [
    "EXIT_CODES",
    "REMOTE_EXIT_CODES",
    "ByteSize",
    "binary_stdout",
    "chain_arguments",
    "emit_json",
    "endpoint_timeout_option",
    "format_option",
    "graph_option",
    "inferred_option",
    "knowledge_graph",
    "labels_option",
    "lang_option",
    "max_answer_size_option",
    "memory_option",
    "param_option",
    "stdout_is_terminal",
    "table_width",
    "truncate_option",
    "width_option",
]

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES = """\b
Exit codes:
  0  success
  1  check failed (inconsistency, files not in canonical form; no chain for path)
  2  bad input or usage (missing or malformed file, unknown entity, bad option)
  3  internal error"""

REMOTE_EXIT_CODES = """\b
Exit codes:
  0  success
  2  bad input or usage (unknown query or parameter, bad option, bad URL,
     malformed credentials)
  3  internal error
  4  the endpoint failed: unreachable, timed out, HTTP error, answer too large,
     not SPARQL results

\b
Credentials come from the environment: AIPLUS_ENDPOINT_TOKEN (a bearer token),
or AIPLUS_ENDPOINT_USER and AIPLUS_ENDPOINT_PASSWORD (HTTP Basic)."""


def knowledge_graph(ctx: click.Context) -> KnowledgeGraph:
    """The knowledge graph the ``aiplus`` group opened for this command."""
    return cast(KnowledgeGraph, ctx.find_object(KnowledgeGraph))


def binary_stdout() -> BinaryIO:
    """The byte stream under standard output (click's own helper for it is deprecated)."""
    return cast(BinaryIO, getattr(sys.stdout, "buffer", sys.stdout))


def write_bytes(data: bytes) -> None:
    stream = binary_stdout()
    stream.write(data)
    stream.flush()


def emit_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)

endpoint_timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds each request to the endpoint may take in all: connecting, sending "
    "and reading the whole answer.",
)

_SIZE = re.compile(r"(\d+)\s*([kmgt]?)(?:i?b)?", re.IGNORECASE | re.ASCII)
_SIZE_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


class ByteSize(click.ParamType[int]):
    """A number of bytes, with an optional suffix K, M, G or T (powers of 1024)."""

    name = "size"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        if isinstance(value, int):
            return value
        match = _SIZE.fullmatch(str(value).strip())
        if match is None:
            self.fail(
                f"{value!r} is not a size in bytes (such as 1048576, 512K, 256M or 2G)", param, ctx
            )
        return int(match[1]) * _SIZE_UNITS[match[2].lower()]


max_answer_size_option = click.option(
    "--max-answer-size",
    type=ByteSize(),
    default=f"{DEFAULT_MAX_ANSWER_SIZE >> 20}M",
    show_default=True,
    metavar="SIZE",
    help="Refuse an answer from the endpoint larger than SIZE bytes (suffixes K, M, G: "
    "powers of 1024; 0: no limit).",
)

inferred_option = click.option(
    "--inferred",
    is_flag=True,
    help="Add the OWL RL closure, cleaned of noise, as the named graph aipg:inferred.",
)

graph_option = click.option(
    "--graph",
    "graphs",
    multiple=True,
    metavar="ARTICLE",
    help="Only this graph: an article's number (001), stem or source file name, "
    "src:<stem>, an IRI, ontology or reference (repeatable).",
)


def memory_option(where: str) -> Callable[[F], F]:
    """``--memory MB``: what a query may take ``where`` beyond the loaded graph (the
    limit of :mod:`aiplus_kg.query.limits`, also the endpoint's workers')."""
    return click.option(
        "--memory",
        "memory_mb",
        type=click.IntRange(min=0),
        default=DEFAULT_MEMORY_MB,
        show_default=True,
        metavar="MB",
        help=f"Memory a query may take{where} beyond the loaded graph (0: no cap).",
    )


param_option = click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter value: an IRI, a prefixed name or a label (repeatable).",
)


def chain_arguments(verb: str) -> Callable[[F], F]:
    """START and END, ``--max-hops`` and ``--limit`` (chains ``verb``), as ``path`` and
    ``draw path`` take them."""

    def decorate(command: F) -> F:
        for option in reversed(
            [
                click.argument("start"),
                click.argument("end"),
                click.option(
                    "--max-hops",
                    type=click.IntRange(min=1),
                    default=DEFAULT_MAX_HOPS,
                    show_default=True,
                    help="The longest chain to look for, in links.",
                ),
                click.option(
                    "--limit",
                    type=click.IntRange(min=1),
                    default=20,
                    show_default=True,
                    help=f"Chains {verb}.",
                ),
            ]
        ):
            command = option(command)
        return command

    return decorate


# --- labels and tables ---------------------------------------------------------------

_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")


def _language(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not _LANGUAGE_TAG.fullmatch(value):
        raise click.BadParameter(f"{value!r} is not a language tag (such as en, fr or zh)")
    return value


labels_option = click.option(
    "--labels",
    is_flag=True,
    help="Add a label column after each column of IRIs (?chip, then ?chipLabel), in "
    "every format; the table then shows the IRIs as prefixed names.",
)

lang_option = click.option(
    "--lang",
    default="en",
    show_default=True,
    metavar="LANG",
    callback=_language,
    help="The language of the labels (en, fr, zh...); an entity without a label in it "
    "is named in another language, else by the end of its IRI.",
)

width_option = click.option(
    "--width",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Fit tables in N columns, wrapping long cells (default: the terminal's width; "
    "output that is not a terminal is never wrapped or cut; 0: no limit).",
)

truncate_option = click.option(
    "--truncate",
    is_flag=True,
    help="In a table made to fit, cut long cells with … instead of wrapping them.",
)


def stdout_is_terminal() -> bool:
    """Whether standard output is a terminal (not a file or a pipe)."""
    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty and isatty())


def table_width(width: int | None) -> int | None:
    """The width tables are made to fit: ``--width`` when given (``0``: none), else the
    terminal's when standard output is one, else none (a file or a pipe gets every
    character)."""
    if width is not None:
        return width or None
    if not stdout_is_terminal():
        return None
    return shutil.get_terminal_size().columns
