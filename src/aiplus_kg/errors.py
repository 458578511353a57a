"""Typed errors of the library; the CLI maps each to one line and an exit code."""

from __future__ import annotations

from pathlib import Path

__all__ = ["AiplusError", "InputError", "InternalError", "located"]


class AiplusError(Exception):
    """Base of every error the library raises on purpose.

    ``str(error)`` is a single line meant for the user; ``exit_code`` is what the
    command-line interface exits with.
    """

    exit_code: int = 3

    def __init__(self, message: str) -> None:
        # Keep messages to one line whatever the cause carried.
        super().__init__(" ".join(message.split()))

    @property
    def message(self) -> str:
        return str(self)


class InputError(AiplusError):
    """Bad input: a missing, unreadable or malformed file, an unknown entity, a bad option."""

    exit_code = 2


class InternalError(AiplusError):
    """A bug or an unexpected state of the program itself."""

    exit_code = 3


def located(path: Path | str, message: str, line: int | None = None) -> str:
    """Format ``path:line: message`` (or ``path: message`` without a line)."""
    where = f"{path}:{line}" if line is not None else f"{path}"
    return f"{where}: {message}"
