"""The command lines of README.md work as shown.

Each ``aiplus ...`` command of the README's ```` ```bash ```` blocks (also after ``&&``
or ``|``) runs in-process on the checkout, from its root, and must exit with 0, or with
the code its comment gives (``# exits with 1: ...``). So that nothing is written into
the checkout and nothing outside is needed:

* ``-o FILE`` writes to a file of the same name under ``tmp_path``, which must exist
  afterwards, and so does ``site OUTDIR`` (a folder);
* ``echo 'TEXT' | aiplus ... -``: TEXT is written to a file under ``tmp_path``, given
  instead of ``-`` (the runner gives the command no standard input);
* ``> FILE`` is dropped: the runner captures standard output;
* skipped, with the reason: a command started in the background (``&``) or ``serve``
  (a server), one that talks to an endpoint (``push``, ``--endpoint``), a picture when
  Graphviz's ``dot`` is missing, and a command that writes into the checkout (``fmt``
  without ``--check``, ``docs`` without ``-o``).
"""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from aiplus_kg.cli import cli
from tests.support import REPO, run_cli

README = REPO / "README.md"
BLOCK = re.compile(r"^```bash\n(.*?)^```", re.MULTILINE | re.DOTALL)
EXITS = re.compile(r"#\s*exits with (\d+)")
SEPARATORS = {"|", "||", "&&", ";", "&"}
GLOBAL_OPTIONS = {"--root", "--engine"}
"""Options of ``aiplus`` itself that take a value."""


@dataclass(frozen=True)
class Example:
    line: str
    args: tuple[str, ...]
    """What follows ``aiplus``."""
    stdin: str | None
    """The text echoed into the command."""
    background: bool
    exit_code: int

    @property
    def command(self) -> str:
        """The command run (``draw path`` for a subcommand of ``draw``)."""
        args = iter(self.args)
        for arg in args:
            if arg in GLOBAL_OPTIONS:
                next(args, None)
            elif not arg.startswith("-"):
                return f"draw {next(args, '')}" if arg == "draw" else arg
        return ""

    @property
    def id(self) -> str:
        return " ".join(self.args)[:70]


def _tokens(line: str) -> list[str]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    return list(lexer)  # comments dropped


def _examples() -> list[Example]:
    found = []
    for block in BLOCK.findall(README.read_text(encoding="utf-8")):
        for line in block.splitlines():
            expected = EXITS.search(line)
            code = int(expected.group(1)) if expected else 0
            segment: list[str] = []
            before: list[str] = []  # the segment before a pipe into the current one
            for token in [*_tokens(line), ";"]:
                if token not in SEPARATORS:
                    segment.append(token)
                    continue
                if segment[:1] == ["aiplus"]:
                    stdin = before[1] if before[:1] == ["echo"] and len(before) == 2 else None
                    args = tuple(segment[1 : segment.index(">")] if ">" in segment else segment[1:])
                    example = Example(line, args, stdin, token == "&", code)
                    if all(e.args != args or e.stdin != stdin for e in found):
                        found.append(example)
                before = segment if token == "|" else []
                segment = []
    return found


EXAMPLES = _examples()


def _skip_reason(example: Example) -> str | None:
    args, command = example.args, example.command
    if example.background or command == "serve":
        return "starts a server"
    if command == "push" or "--endpoint" in args:
        return "needs a SPARQL endpoint"
    if command.startswith("draw") and shutil.which("dot") is None:
        return "needs Graphviz's dot program"
    writes = {"fmt": "--check" not in args, "docs": not {"-o", "--output"} & set(args)}
    if writes.get(command):
        return "writes into the checkout"
    return None


def _rewritten(example: Example, tmp_path: Path) -> tuple[list[str], list[Path]]:
    """The arguments to run, and the files they must write."""
    args, outputs = list(example.args), []
    for i, arg in enumerate(args[:-1]):
        if arg in ("-o", "--output"):
            outputs.append(tmp_path / Path(args[i + 1]).name)
            args[i + 1] = str(outputs[-1])
    if example.command == "site":  # its OUTDIR, the last argument: a folder under tmp_path
        outputs.append(tmp_path / Path(args[-1]).name)
        args[-1] = str(outputs[-1])
    if example.stdin is not None:
        query = tmp_path / "stdin.rq"
        query.write_text(example.stdin + "\n", encoding="utf-8")
        args[args.index("-")] = str(query)
    return args, outputs


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 15
    assert any(example.exit_code == 1 for example in EXAMPLES)


def test_every_command_has_an_example() -> None:
    commands = {name for name in cli.commands if name != "draw"}
    commands |= {f"draw {name}" for name in getattr(cli.commands["draw"], "commands", {})}
    assert commands - {example.command for example in EXAMPLES} == set()


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_example_runs(example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reason = _skip_reason(example)
    if reason is not None:
        pytest.skip(reason)
    monkeypatch.chdir(REPO)
    args, outputs = _rewritten(example, tmp_path)
    result = run_cli(*args, root=REPO)
    assert result.exit_code == example.exit_code, (
        f"{example.line}\nexit code {result.exit_code}\n{result.stderr}{result.stdout[-2000:]}"
    )
    if example.exit_code == 0:
        assert result.stdout or outputs, example.line
    for output in outputs:  # a file, or a folder (aiplus docs -o DIR)
        written = output.stat().st_size if output.is_file() else any(output.iterdir())
        assert written, f"{example.line}: nothing written to {output}"
