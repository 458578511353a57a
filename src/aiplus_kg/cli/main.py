"""The ``aiplus`` group: finds the project, opens its knowledge graph once for the
command, and turns every error into one line on standard error and an exit code."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import IO, Any, NoReturn

import click

from aiplus_kg.cli.options import EXIT_CODES
from aiplus_kg.defaults import ENGINES, VERSION
from aiplus_kg.errors import AiplusError
from aiplus_kg.knowledge_graph import KnowledgeGraph
from aiplus_kg.project import find_project
from aiplus_kg.views.terminal import printable

__all__ = ["OneLineError", "OneLineUsageError", "cli", "main"]

# Each command imports what it needs when it runs, so that a command (a saved query,
# above all) does not pay for the modules of the others: the HTTP client and server,
# the drawing, the SHACL engines, owlrl, the SPARQL parser.


def _fail(ctx: click.Context, message: str, code: int) -> NoReturn:
    """One line on stderr; a term from the data it quotes cannot act on the terminal."""
    click.echo(f"aiplus: error: {printable(message)}", err=True)
    ctx.exit(code)


def _one_line(error: click.ClickException, outer: click.Context | None = None) -> str:
    """What click would print over several lines (usage, hint, error), as one: the
    message, then for a usage error the command's usage and where its help is (only
    where, when the error does not know its command: ``outer`` ran it)."""
    message = " ".join(error.format_message().split()).rstrip(".")
    if not isinstance(error, click.UsageError):
        return message
    ctx = error.ctx
    if ctx is not None:
        usage = " ".join(ctx.get_usage().split()).removeprefix("Usage: ")
        return f"{message}; usage: {usage} (see '{ctx.command_path} --help')"
    if outer is not None:
        path = " ".join(filter(None, [outer.command_path, outer.invoked_subcommand]))
        return f"{message} (see '{path} --help')"
    return message


class OneLineError(click.ClickException):
    """A click error shown as one line on stderr, ``aiplus: error: ...`` (exit code 1,
    as click has it)."""

    def __init__(self, error: click.ClickException, outer: click.Context | None = None) -> None:
        super().__init__(_one_line(error, outer))

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"aiplus: error: {printable(self.message)}", file=file, err=file is None)


class OneLineUsageError(OneLineError):
    """A usage error (an unknown option or command, a missing argument, a bad value) in
    one line: the message, the usage, where the help is; exit code 2."""

    exit_code = 2


def _shown_in_one_line(
    error: click.ClickException, outer: click.Context | None = None
) -> click.ClickException:
    if isinstance(error, OneLineError | click.exceptions.NoArgsIsHelpError):
        return error  # done already; or the help a command without arguments shows
    if isinstance(error, click.UsageError):
        return OneLineUsageError(error, outer)
    return OneLineError(error, outer)


class AiplusGroup(click.Group):
    """A group that turns every library error into one line on stderr and an exit code,
    and click's own errors too."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as exc:
            raise _shown_in_one_line(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            raise _shown_in_one_line(exc, ctx) from None
        except (click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            raise  # the reader went away (``| head``): click exits 1 quietly
        except AiplusError as exc:
            _fail(ctx, str(exc), exc.exit_code)
        except Exception as exc:
            detail = " ".join(str(exc).split()) or "no detail"
            _fail(ctx, f"internal error: {type(exc).__name__}: {detail}", 3)


@click.group(name="aiplus", cls=AiplusGroup, epilog=EXIT_CODES)
@click.version_option(VERSION, "--version", prog_name="aiplus")
@click.option(
    "--root",
    type=click.Path(path_type=Path),
    default=None,
    help="Project root (default: $AIPLUS_ROOT, else the current folder or a parent "
    "holding ontology/aiplus.ttl, else the bundled data).",
)
@click.option(
    "--engine",
    type=click.Choice(list(ENGINES)),
    default="fast",
    show_default=True,
    help="fast: reasonable (OWL RL), pyshacl-turbo (SHACL) and pyoxigraph (SPARQL), with "
    "a cache; reference: owlrl, pySHACL and rdflib. Both give the same answers.",
)
@click.pass_context
def cli(ctx: click.Context, root: Path | None, engine: str) -> None:
    """aiplus: the knowledge graph of China's "AI+" strategy (RDF/OWL, SPARQL)."""
    ctx.obj = KnowledgeGraph(find_project(root), engine=engine)


def _quiet_libraries() -> None:
    """Keep library log records (warnings with tracebacks) off the terminal."""
    for name in ("rdflib", "owlrl", "pyshacl", "pyshacl-turbo"):
        logging.getLogger(name).addHandler(logging.NullHandler())


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``aiplus`` console script and of ``python -m aiplus_kg``."""
    _quiet_libraries()
    try:
        cli.main(args=argv, prog_name="aiplus")
    except BrokenPipeError:
        # Output piped into a command that stopped reading (e.g. ``| head``).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
