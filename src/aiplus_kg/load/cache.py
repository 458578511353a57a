"""A cache of what the fast engine derives from the input files, keyed on their content.

Every entry is named by a SHA-256 digest of the package version, the package's own
source code, the cache layout version, the installed version of each engine library
(:data:`LIBRARIES`), what the entry is (``kind``, ``salt``) and the relative path and
bytes of each input file it depends on (ontology, reference data, articles, shapes,
queries). Change one byte of one input, or of the code, or upgrade a library, and the
key changes: an entry is never stale, only unused. It is therefore always safe to delete
the cache folder, in whole or in part.

Each entry starts with a line holding the SHA-256 of its name and payload, checked on
every read: an entry changed or cut short after it was written (a damaged disk, a hand
edit, a writer killed half way) is a miss, never used. The checksum guards against
damage, not against someone who can write the cache folder.

Where (first match):

* ``$AIPLUS_CACHE_DIR`` (``off`` turns the cache off);
* ``<project>/build/cache/`` when the project is a checkout (it has ``.git``,
  ``pyproject.toml`` or ``build/``); ``build/`` is git-ignored;
* the user cache folder (``$XDG_CACHE_HOME/aiplus-kg``, else ``~/.cache/aiplus-kg``)
  for the data bundled in an installed wheel;
* otherwise nothing is cached.

Writes are atomic (a temporary file in the same folder, then ``os.replace``), so
concurrent commands never see half an entry; two writers of one key write the same
bytes. The temporary files carry the writer's process id (see :mod:`aiplus_kg.atomic`):
one left by a killed writer is removed by the next write into its folder. A missing,
unreadable, corrupt or tampered entry is a miss. The cache never makes a command
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

from aiplus_kg.atomic import remove_debris, temp_prefix, terminate_raises_exit
from aiplus_kg.defaults import VERSION

__all__ = [
    "CACHE_ENV",
    "KEEP",
    "KEEP_BY_KIND",
    "LAYOUT",
    "LIBRARIES",
    "Cache",
    "cache_for",
    "code_digest",
    "default_folder",
    "digest",
    "library_versions",
]

CACHE_ENV = "AIPLUS_CACHE_DIR"
LAYOUT = 3
"""Bump when what an entry holds changes."""
KEEP = 8
"""Entries kept per kind (the most recently written)."""
KEEP_BY_KIND = {"queries": 1024}
"""Kinds that keep more: one small entry per saved query."""
LIBRARIES = ("rdflib", "pyoxigraph", "pyshacl", "pyshacl-turbo", "reasonable", "owlrl")
"""The engine libraries whose installed versions are part of every key."""

_MAGIC = b"aiplus-cache sha256 "
_HEADER = len(_MAGIC) + 64 + 1
"""An entry: ``_MAGIC``, the hex SHA-256 of its name and payload, a newline, the payload."""

_CODE: list[str] = []
_LIBRARY_VERSIONS: list[str] = []


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


def _installed_version(name: str) -> str:
    """The installed version of the distribution ``name``, or ``absent``.

    Reads the ``Version`` field from the head of the distribution's metadata instead of
    parsing the whole file (which holds the project's README), four times faster."""
    from importlib import metadata

    try:
        dist = metadata.Distribution.from_name(name)
    except (metadata.PackageNotFoundError, ValueError):
        return "absent"
    for file in ("METADATA", "PKG-INFO"):
        text = dist.read_text(file)
        if not text:
            continue
        for line in text.splitlines():
            if not line.strip():
                break  # the end of the header fields
            if line[:8].lower() == "version:":
                return line[8:].strip()
    return str(dist.version)


def library_versions() -> str:
    """``name=version`` of each of :data:`LIBRARIES` (computed once per process), so
    that what one version of an engine derived is never read back by another."""
    if not _LIBRARY_VERSIONS:
        _LIBRARY_VERSIONS.append(" ".join(f"{n}={_installed_version(n)}" for n in LIBRARIES))
    return _LIBRARY_VERSIONS[0]


def digest(
    files: Iterable[Path],
    *,
    root: Path | None = None,
    salt: str = "",
) -> str:
    """A hex SHA-256 of the package version and code, the engine libraries' versions,
    ``salt`` and each file's path (relative to ``root``) and bytes. A file that cannot be
    read makes the digest unique to this call, so that nothing is read back from the
    cache for it."""
    head = f"aiplus-kg {VERSION} {code_digest()} layout {LAYOUT} {library_versions()}\0{salt}\0"
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
        """The payload of an entry, or ``None`` when it is missing, unreadable, or does
        not match its checksum."""
        try:  # unbuffered: the payload is read into a bytes object of its own, not copied
            with self.path(kind, key, suffix).open("rb", buffering=0) as handle:
                head = handle.read(_HEADER)
                if len(head) != _HEADER or not head.startswith(_MAGIC) or head[-1] != 0x0A:
                    return None
                payload = handle.readall()
        except OSError:
            return None
        if _checksum(kind, key, suffix, payload) != head[len(_MAGIC) : -1]:
            return None
        return payload

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
        """Store ``data`` atomically, after its checksum; ``False`` (and nothing
        written) on any error."""
        target = self.path(kind, key, suffix)
        header = _MAGIC + _checksum(kind, key, suffix, data) + b"\n"
        with terminate_raises_exit():
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                remove_debris(target.parent)
                fd, name = tempfile.mkstemp(
                    dir=target.parent, prefix=temp_prefix(target), suffix=".tmp"
                )
            except OSError:
                return False
            tmp = Path(name)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(header)
                    handle.write(data)
                tmp.replace(target)
            except BaseException as exc:
                with contextlib.suppress(OSError):
                    tmp.unlink()
                if isinstance(exc, OSError):
                    return False
                raise
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


def _checksum(kind: str, key: str, suffix: str, payload: bytes | memoryview) -> bytes:
    """The hex SHA-256 of an entry's name and payload: an entry copied under another
    name does not match either."""
    hasher = hashlib.sha256(f"{kind}/{key}.{suffix}\0".encode())
    hasher.update(payload)
    return hasher.hexdigest().encode("ascii")


def cache_for(root: Path, origin: str = "option") -> Cache | None:
    """The cache of the project at ``root``, or ``None`` when nothing is cached there."""
    folder = default_folder(root, origin)
    return None if folder is None else Cache(folder)
