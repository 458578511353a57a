"""Locate the project root and list its input files in a stable order.

The root is the folder holding ``ontology/aiplus.ttl``, ``graph/``, ``shapes/`` and
``queries/``. It is found, in this order, from: an explicit path (the ``--root``
option), the ``AIPLUS_ROOT`` environment variable, the current directory or one of its
parents that has ``ontology/aiplus.ttl``, the data bundled in an installed wheel, and
finally the source checkout this module lives in.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from aiplus_kg.errors import InputError

__all__ = [
    "ENV_VAR",
    "ONTOLOGY_FILE",
    "Project",
    "bundled_root",
    "checkout_root",
    "find_project",
]

ENV_VAR = "AIPLUS_ROOT"
ONTOLOGY_FILE = Path("ontology") / "aiplus.ttl"
TURTLE_SUFFIX = ".ttl"
FORMATTED_DIRS = ("ontology", "graph", "shapes")


@dataclass(frozen=True)
class Project:
    """A project root and where it was found (``option``, ``env``, ``cwd``, ...)."""

    root: Path
    origin: str = "option"

    @property
    def ontology_file(self) -> Path:
        return self.root / ONTOLOGY_FILE

    @property
    def reference_dir(self) -> Path:
        return self.root / "graph" / "reference"

    @property
    def articles_dir(self) -> Path:
        return self.root / "graph" / "articles"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    def reference_files(self) -> list[Path]:
        """``graph/reference/*.ttl``, sorted by name."""
        return _listing(self.reference_dir, f"*{TURTLE_SUFFIX}")

    def article_files(self) -> list[Path]:
        """``graph/articles/*.ttl``, sorted by name."""
        return _listing(self.articles_dir, f"*{TURTLE_SUFFIX}")

    def shape_files(self) -> list[Path]:
        """``shapes/**/*.ttl``, sorted by path."""
        return _listing(self.shapes_dir, f"**/*{TURTLE_SUFFIX}")

    def query_files(self) -> list[Path]:
        """``queries/**/*.rq``, sorted by path."""
        return _listing(self.queries_dir, "**/*.rq")

    def turtle_files(self) -> list[Path]:
        """Every ``.ttl`` under ``ontology/``, ``graph/`` and ``shapes/``, sorted by path."""
        files: list[Path] = []
        for name in FORMATTED_DIRS:
            files.extend(_listing(self.root / name, f"**/*{TURTLE_SUFFIX}"))
        return files

    def display(self, path: Path) -> str:
        """``path`` as shown in messages: relative to the root, else to the cwd."""
        return display_path(path, self.root)


def display_path(path: Path, root: Path | None = None) -> str:
    """A short, stable spelling of ``path``: relative to ``root``, else to the cwd."""
    resolved = path.resolve()
    bases = [root.resolve()] if root is not None else []
    bases.append(Path.cwd().resolve())
    for base in bases:
        if resolved.is_relative_to(base):
            return resolved.relative_to(base).as_posix()
    return str(path)


def _listing(folder: Path, pattern: str) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.glob(pattern) if p.is_file()),
        key=lambda p: p.relative_to(folder).as_posix(),
    )


def bundled_root() -> Path | None:
    """The data bundled in an installed wheel (``aiplus_kg/data``), if there is any."""
    data = Path(__file__).resolve().parent / "data"
    return data if (data / ONTOLOGY_FILE).is_file() else None


def checkout_root() -> Path:
    """The source checkout holding this package (``src/aiplus_kg/`` -> the repository)."""
    return Path(__file__).resolve().parents[2]


def _explicit(path: Path | str, origin: str) -> Project:
    root = Path(path).expanduser()
    if not root.exists():
        raise InputError(f"{root}: project root does not exist")
    if not root.is_dir():
        raise InputError(f"{root}: project root is not a directory")
    return Project(root.resolve(), origin)


def find_project(
    root: Path | str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Project:
    """Find the project root (see the module docstring for the order)."""
    if root is not None:
        return _explicit(root, "option")
    environ = os.environ if env is None else env
    from_env = environ.get(ENV_VAR, "").strip()
    if from_env:
        return _explicit(from_env, "env")
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / ONTOLOGY_FILE).is_file():
            return Project(folder, "cwd")
    bundled = bundled_root()
    if bundled is not None:
        return Project(bundled, "bundled")
    return Project(checkout_root(), "checkout")
