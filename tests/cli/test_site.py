"""``aiplus site OUTDIR``: the pages as plain files, with relative links that all lead
somewhere, the same bytes from run to run, written atomically (a folder next to OUTDIR,
then renamed), and never over a folder it did not write."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from aiplus_kg.views import site as site_module
from aiplus_kg.views.site import SITE_MARKER
from tests.support import REPO, run_cli

HAS_DOT = shutil.which("dot") is not None
LINK = re.compile(r'(?:href|src)="([^"]*)"')
ANCHOR = re.compile(r'id="([^"]*)"')


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _broken_links(folder: Path) -> list[str]:
    """Each link of each page that leads to no file (or to no anchor of its page)."""
    anchors: dict[Path, set[str]] = {}
    broken = []
    for page in sorted(folder.rglob("*.html")):
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            parts = urlsplit(target)
            if parts.scheme or target.startswith("//"):
                continue  # an IRI of the data: not a file of the site
            assert not target.startswith("/"), f"{page}: absolute link {target}"
            path = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if not path.is_file():
                broken.append(f"{page.relative_to(folder)}: {target}")
                continue
            if parts.fragment and path.suffix == ".html":
                if path not in anchors:
                    anchors[path] = set(ANCHOR.findall(path.read_text(encoding="utf-8")))
                if parts.fragment not in anchors[path]:
                    broken.append(f"{page.relative_to(folder)}: {target} (no such anchor)")
    return broken


def test_writes_the_pages(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run_cli("site", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {out}: ")
    assert "2 articles" in result.stdout
    for name in ("index.html", "entities.html", "ontology.html", "search-index.js", SITE_MARKER):
        assert (out / name).is_file(), name
    assert (out / "id" / "huawei.html").is_file()
    assert (out / "id" / "huawei.ttl").is_file()
    assert (out / "source" / "a-one.html").is_file()
    assert (out / "ontology" / "Chip.html").is_file()
    assert _broken_links(out) == []


def test_same_bytes_every_time(tmp_path: Path) -> None:
    assert run_cli("site", str(tmp_path / "one")).exit_code == 0
    assert run_cli("site", str(tmp_path / "two")).exit_code == 0
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


@pytest.mark.skipif(not HAS_DOT, reason="needs Graphviz's dot program")
def test_pictures_or_none(tmp_path: Path) -> None:
    assert run_cli("site", str(tmp_path / "with")).exit_code == 0
    assert (tmp_path / "with" / "id" / "huawei.svg").read_bytes().startswith(b"<?xml")
    assert 'src="huawei.svg"' in (tmp_path / "with" / "id" / "huawei.html").read_text()
    assert run_cli("site", "--no-pictures", str(tmp_path / "without")).exit_code == 0
    assert not list((tmp_path / "without").rglob("*.svg"))
    assert "<img" not in (tmp_path / "without" / "id" / "huawei.html").read_text()


def test_a_site_replaces_the_one_before(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run_cli("site", str(out)).exit_code == 0
    (out / "stale.html").write_text("left from before", encoding="utf-8")
    assert run_cli("site", str(out)).exit_code == 0
    assert not (out / "stale.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # nothing left beside


def test_an_empty_folder_is_fine(tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    assert run_cli("site", str(out)).exit_code == 0
    assert (out / "index.html").is_file()


@pytest.mark.parametrize("kind", ["folder", "file", "no parent"])
def test_refused_targets(tmp_path: Path, kind: str) -> None:
    out = tmp_path / "target"
    if kind == "folder":
        out.mkdir()
        (out / "thesis.tex").write_text("mine", encoding="utf-8")
        expected = "a folder that aiplus site did not write"
    elif kind == "file":
        out.write_text("mine", encoding="utf-8")
        expected = "exists and is not a folder"
    else:
        out = tmp_path / "missing" / "site"
        expected = "no such folder"
    result = run_cli("site", str(out))
    assert result.exit_code == 2
    assert result.stderr.startswith("aiplus: error: ")
    assert expected in result.stderr
    assert result.stderr.count("\n") == 1
    if kind == "folder":
        assert [p.name for p in out.iterdir()] == ["thesis.tex"]
    if kind == "file":
        assert out.read_text(encoding="utf-8") == "mine"


def test_a_failed_write_leaves_the_site_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    assert run_cli("site", str(out)).exit_code == 0
    before = _files(out)

    def fail(root: Path, files: object) -> None:
        (root / "index.html").write_text("half", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(site_module, "_write_files", fail)
    result = run_cli("site", str(out))
    assert result.exit_code == 2
    assert "No space left on device" in result.stderr
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_folders_left_by_killed_runs_are_removed(tmp_path: Path) -> None:
    dead = 2**22 + 12345  # above the default pid_max: no such process
    debris = tmp_path / f".site.aiplus-{dead}-abcd1234.tmp"
    (debris / "id").mkdir(parents=True)
    alive = tmp_path / f".site.aiplus-{os.getpid()}-efgh5678.tmp"
    alive.mkdir()
    assert run_cli("site", str(tmp_path / "site")).exit_code == 0
    assert not debris.exists()
    assert alive.exists()  # another write of this process, maybe under way


@pytest.mark.slow
def test_the_project_s_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run_cli("site", "--no-pictures", str(out), root=REPO)
    assert result.exit_code == 0, result.output
    assert _broken_links(out) == []
    sizes = {p.relative_to(out).as_posix(): p.stat().st_size for p in out.rglob("*.html")}
    assert max(sizes.values()) < 120_000, max(sizes, key=sizes.__getitem__)
