"""A cache of what the fast engine derives from the input files, keyed on their content.

Every entry is named by a SHA-256 digest of the package version, the package's own
source code, the cache layout version, what the entry is (``kind``, ``salt``) and the
relative path and bytes of each input file it depends on (ontology, reference data,
articles, shapes, queries). Change one byte of one input, or of the code, and the key
changes: an entry is never stale, only unused. It is therefore always safe to delete
the cache folder, in whole or in part.

Where (first match):

* ``$AIPLUS_CACHE_DIR`` (``off`` turns the cache off);
* ``<project>/build/cache/`` when the project is a checkout (it has ``.git``,
  ``pyproject.toml`` or ``build/``); ``build/`` is git-ignored;
* the user cache folder (``$XDG_CACHE_HOME/aiplus-kg``, else ``~/.cache/aiplus-kg``)
  for the data bundled in an installed wheel;
* otherwise nothing is cached.

Writes are atomic (a temporary file in the same folder, then ``os.replace``), so
concurrent commands never see half an entry; two writers of one key write the same
bytes. A missing, unreadable or corrupt entry is a miss. The cache never makes a command
fail: any error while writing is ignored. Each kind keeps its most recent entries only
(one per saved query for the checks of the saved queries, so that running them in turn
never evicts one).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from aiplus_kg.defaults import VERSION

__all__ = [
    "CACHE_ENV",
    "KEEP",
    "KEEP_BY_KIND",
    "LAYOUT",
    "Cache",
    "cache_for",
    "code_digest",
    "default_folder",
    "digest",
]

CACHE_ENV = "AIPLUS_CACHE_DIR"
LAYOUT = 2
"""Bump when what an entry holds changes."""
KEEP = 8
"""Entries kept per kind (the most recently written)."""
KEEP_BY_KIND = {"queries": 1024}
"""Kinds that keep more: one small entry per saved query."""


_CODE: list[str] = []


def code_digest() -> str:
    """A hex SHA-256 of the package's Python files (computed once per process), so that
    a changed program never reads what an older one cached."""
    if not _CODE:
        hasher = hashlib.sha256()
        package = Path(__file__).resolve().parents[1]
        for path in sorted(package.rglob("*.py")):
            hasher.update(path.relative_to(package).as_posix().encode() + b"\0")
            hasher.update(path.read_bytes())
        _CODE.append(hasher.hexdigest())
    return _CODE[0]


def digest(
    files: Iterable[Path],
    *,
    root: Path | None = None,
    salt: str = "",
) -> str:
    """A hex SHA-256 of the package version and code, ``salt`` and each file's path
    (relative to ``root``) and bytes. A file that cannot be read makes the digest unique
    to this call, so that nothing is read back from the cache for it."""
    head = f"aiplus-kg {VERSION} {code_digest()} layout {LAYOUT}\0{salt}\0"
    hasher = hashlib.sha256(head.encode())
    for path in files:
        name = path.as_posix()
        if root is not None:
            with contextlib.suppress(ValueError):
                name = path.resolve().relative_to(root.resolve()).as_posix()
        try:
            data = path.read_bytes()
        except OSError:
            data = os.urandom(16)
        hasher.update(f"{name}\0{len(data)}\0".encode())
        hasher.update(data)
    return hasher.hexdigest()


def _user_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "aiplus-kg"


def default_folder(root: Path, origin: str = "option") -> Path | None:
    """Where the cache of the project at ``root`` lives (see the module docstring)."""
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured:
        return None if configured.lower() == "off" else Path(configured).expanduser()
    if any((root / marker).exists() for marker in (".git", "pyproject.toml", "build")):
        return root / "build" / "cache"
    if origin == "bundled":
        return _user_cache()
    return None


class Cache:
    """Entries under ``folder``: ``<kind>/<key>.<suffix>``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, kind: str, key: str, suffix: str) -> Path:
        return self.folder / kind / f"{key}.{suffix}"

    def read_bytes(self, kind: str, key: str, suffix: str) -> bytes | None:
        try:
            return self.path(kind, key, suffix).read_bytes()
        except OSError:
            return None

    def read_json(self, kind: str, key: str) -> dict[str, object] | None:
        data = self.read_bytes(kind, key, "json")
        if data is None:
            return None
        try:
            value = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None
        return value if isinstance(value, dict) else None

    def write_bytes(self, kind: str, key: str, suffix: str, data: bytes) -> bool:
        """Store ``data`` atomically; ``False`` (and nothing written) on any error."""
        target = self.path(kind, key, suffix)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        except OSError:
            return False
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            tmp.replace(target)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()
            return False
        self._prune(target.parent)
        return True

    def write_json(self, kind: str, key: str, value: Mapping[str, object]) -> bool:
        data = json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return self.write_bytes(kind, key, "json", data)

    def _prune(self, folder: Path) -> None:
        """Keep the :data:`KEEP` (or :data:`KEEP_BY_KIND`) most recent keys of a kind;
        never fails."""
        keep = KEEP_BY_KIND.get(folder.name, KEEP)
        try:
            entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
            keys: dict[str, float] = {}
            for entry in entries:
                key = entry.name.split(".", 1)[0]
                keys[key] = max(keys.get(key, 0.0), entry.stat().st_mtime)
            old = sorted(keys, key=keys.__getitem__, reverse=True)[keep:]
            for entry in entries:
                if entry.name.split(".", 1)[0] in old:
                    entry.unlink()
        except OSError:
            pass


def cache_for(root: Path, origin: str = "option") -> Cache | None:
    """The cache of the project at ``root``, or ``None`` when nothing is cached there."""
    folder = default_folder(root, origin)
    return None if folder is None else Cache(folder)
