"""The content-keyed cache: keys, location, atomic writes, and what it saves.

A knowledge graph opened again on unchanged files reads back what the first one derived
(the pyoxigraph dataset, the checks of the saved queries) instead of parsing again; a
damaged entry is a miss. What the commands save is tested in ``tests/cli/test_cache.py``.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from aiplus_kg.knowledge_graph import KnowledgeGraph
from aiplus_kg.load import cache as cache_module
from aiplus_kg.load.cache import (
    CACHE_ENV,
    KEEP,
    LIBRARIES,
    Cache,
    cache_for,
    default_folder,
    digest,
    library_versions,
)
from aiplus_kg.project import Project
from tests.support import MINI, REPO, copy_project

ROOT = REPO


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the real project (small enough), with its cache under tmp."""
    target = copy_project(tmp_path / "project")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return target


# --- keys -----------------------------------------------------------------------------


def test_digest_follows_content_path_and_salt(tmp_path: Path) -> None:
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    a.write_bytes(b"x")
    b.write_bytes(b"x")
    key = digest([a], root=tmp_path)
    assert key == digest([a], root=tmp_path)
    assert key != digest([b], root=tmp_path)  # another file name
    assert key != digest([a], root=tmp_path, salt="other")
    a.write_bytes(b"y")
    assert key != digest([a], root=tmp_path)
    assert len(key) == 64


def test_digest_follows_the_code(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "a.ttl"
    path.write_bytes(b"x")
    before = digest([path])
    monkeypatch.setattr(cache_module, "_CODE", ["another program"])
    assert digest([path]) != before


def test_digest_follows_the_engine_libraries(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "a.ttl"
    path.write_bytes(b"x")
    before = digest([path])
    real = cache_module._installed_version
    for name in LIBRARIES:
        monkeypatch.setattr(cache_module, "_LIBRARY_VERSIONS", [])
        monkeypatch.setattr(
            cache_module,
            "_installed_version",
            lambda n, changed=name: "0.0.1" if n == changed else real(n),
        )
        assert digest([path]) != before, name
    monkeypatch.setattr(cache_module, "_LIBRARY_VERSIONS", [])
    monkeypatch.setattr(cache_module, "_installed_version", real)
    assert digest([path]) == before


def test_library_versions_are_the_installed_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    monkeypatch.setattr(cache_module, "_LIBRARY_VERSIONS", [])
    expected = []
    for name in LIBRARIES:
        try:
            expected.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            expected.append(f"{name}=absent")
    assert library_versions() == " ".join(expected)
    assert cache_module._installed_version("no-such-distribution-here") == "absent"


def test_unreadable_file_never_hits(tmp_path: Path) -> None:
    missing = tmp_path / "missing.ttl"
    assert digest([missing]) != digest([missing])


# --- where ----------------------------------------------------------------------------


def test_folder_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "here"))
    assert default_folder(tmp_path) == tmp_path / "here"
    monkeypatch.setenv(CACHE_ENV, "off")
    assert default_folder(ROOT) is None
    assert cache_for(ROOT) is None


def test_folder_of_a_checkout_is_build_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CACHE_ENV, raising=False)
    assert default_folder(ROOT) == ROOT / "build" / "cache"
    assert "build/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_bundled_data_uses_the_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_folder(tmp_path, "bundled") == tmp_path / "xdg" / "aiplus-kg"
    assert default_folder(tmp_path, "option") is None  # any other folder: no cache
    assert default_folder(MINI) is None


# --- entries --------------------------------------------------------------------------


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    store = Cache(tmp_path / "c")
    assert store.write_bytes("kind", "k1", "bin", b"data")
    assert store.read_bytes("kind", "k1", "bin") == b"data"
    assert [p.name for p in (tmp_path / "c" / "kind").iterdir()] == ["k1.bin"]
    assert store.read_bytes("kind", "absent", "bin") is None


def test_a_failed_write_is_ignored(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = Cache(blocker)
    assert store.write_json("kind", "k", {"a": 1}) is False
    assert store.read_json("kind", "k") is None


def test_corrupt_entry_is_a_miss(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    (tmp_path / "kind").mkdir()
    (tmp_path / "kind" / "k.json").write_bytes(b'{"truncated": ')
    assert store.read_json("kind", "k") is None
    (tmp_path / "kind" / "k.json").write_bytes(b"[1, 2]")
    assert store.read_json("kind", "k") is None


def test_an_entry_carries_its_checksum(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    assert store.write_json("kind", "k", {"answer": 42})
    raw = (tmp_path / "kind" / "k.json").read_bytes()
    header, payload = raw.split(b"\n", 1)
    assert header.startswith(b"aiplus-cache sha256 ")
    assert payload == b'{"answer": 42}'
    assert store.read_json("kind", "k") == {"answer": 42}


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: raw.replace(b"42", b"43"), id="payload changed"),
        pytest.param(lambda raw: raw[:-3], id="truncated"),
        pytest.param(lambda raw: raw[:30], id="cut in the header"),
        pytest.param(lambda raw: raw.split(b"\n", 1)[1], id="no header"),
        pytest.param(lambda raw: raw.replace(b"sha256", b"sha257"), id="header changed"),
        pytest.param(lambda raw: b"", id="empty"),
        pytest.param(lambda raw: raw + b" ", id="longer"),
    ],
)
def test_a_tampered_or_truncated_entry_is_a_miss(tmp_path: Path, damage: object) -> None:
    store = Cache(tmp_path)
    assert store.write_json("kind", "k", {"answer": 42})
    entry = tmp_path / "kind" / "k.json"
    assert callable(damage)
    entry.write_bytes(damage(entry.read_bytes()))
    assert store.read_json("kind", "k") is None
    assert store.read_bytes("kind", "k", "json") is None


def test_an_entry_under_another_name_is_a_miss(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    assert store.write_bytes("kind", "k1", "bin", b"data")
    (tmp_path / "kind" / "k1.bin").rename(tmp_path / "kind" / "k2.bin")
    assert store.read_bytes("kind", "k2", "bin") is None


def test_a_killed_writer_s_temporary_file_goes_with_the_next_write(tmp_path: Path) -> None:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    store = Cache(tmp_path)
    (tmp_path / "kind").mkdir()
    debris = tmp_path / "kind" / f".k1.nq.aiplus-{child.pid}-x1y2.tmp"
    debris.write_bytes(b"half a dump")
    assert store.write_bytes("kind", "k2", "bin", b"data")
    assert sorted(p.name for p in (tmp_path / "kind").iterdir()) == ["k2.bin"]


def test_old_entries_are_pruned(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    for i in range(KEEP + 3):
        store.write_bytes("kind", f"key{i:02d}", "bin", b"x")
        store.write_json("kind", f"key{i:02d}", {"i": i})
        stamp = 1_000_000 + i
        for path in (tmp_path / "kind").glob(f"key{i:02d}.*"):
            os.utime(path, (stamp, stamp))
    names = sorted(p.name.split(".")[0] for p in (tmp_path / "kind").iterdir())
    assert len(set(names)) == KEEP
    assert "key00" not in names
    assert f"key{KEEP + 2:02d}" in names


def test_concurrent_writers_and_readers_see_whole_entries(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    payloads = [bytes([i]) * 500_000 for i in range(4)]
    seen: list[bytes | None] = []

    def write(data: bytes) -> None:
        for _ in range(5):
            store.write_bytes("kind", "shared", "bin", data)

    def read() -> None:
        for _ in range(50):
            seen.append(store.read_bytes("kind", "shared", "bin"))

    threads = [threading.Thread(target=write, args=(p,)) for p in payloads]
    threads += [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(data is None or data in payloads for data in seen)
    assert store.read_bytes("kind", "shared", "bin") in payloads
    assert not [p for p in (tmp_path / "kind").iterdir() if p.name.endswith(".tmp")]


# --- what it saves --------------------------------------------------------------------


def _kg(project: Path) -> KnowledgeGraph:
    return KnowledgeGraph(Project(project))


def test_project_store_round_trip(project: Path) -> None:
    built = _kg(project)
    assert len(built.store.oxigraph) > 0
    assert "loaded" in built.__dict__  # read from the files
    cached = _kg(project)
    assert len(cached.store.oxigraph) == len(built.store.oxigraph)
    assert "loaded" not in cached.__dict__  # read back from the cache
    assert cached.store.faithful


def test_a_damaged_dataset_entry_is_a_miss(project: Path, tmp_path: Path) -> None:
    assert len(_kg(project).store.oxigraph)
    [dump] = (tmp_path / "cache" / "dataset").glob("*.nq")
    data = dump.read_bytes()
    assert b"huawei" in data
    dump.write_bytes(data.replace(b"huawei", b"huawai"))  # still well-formed N-Quads
    again = _kg(project)
    assert len(again.store.oxigraph)
    assert "loaded" in again.__dict__  # read from the files again
    assert b"huawai" not in dump.read_bytes()  # and cached again


def test_every_saved_query_keeps_its_checks(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    names = sorted(path.stem for path in (project / "queries").glob("*.rq"))
    assert len(names) > KEEP
    for name in names:
        _kg(project).saved_query(name)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("checked again")

    monkeypatch.setattr("aiplus_kg.query.catalogue.load_query", refuse)
    assert [_kg(project).saved_query(name).name for name in names] == names
