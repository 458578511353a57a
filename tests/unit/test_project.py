from __future__ import annotations

from pathlib import Path

import pytest

import aiplus_kg.project as project_module
from aiplus_kg.errors import InputError
from aiplus_kg.project import Project, bundled_root, checkout_root, find_project
from tests.support import REPO


def _make_root(folder: Path) -> Path:
    (folder / "ontology").mkdir(parents=True)
    (folder / "ontology" / "aiplus.ttl").write_text("", encoding="utf-8")
    return folder


def test_explicit_root_wins(tmp_path: Path, mini: Path) -> None:
    env = {"AIPLUS_ROOT": str(tmp_path)}
    found = find_project(mini, env=env, cwd=tmp_path)
    assert found == Project(mini.resolve(), "option")


def test_env_then_cwd(tmp_path: Path, mini: Path) -> None:
    assert find_project(env={"AIPLUS_ROOT": str(mini)}, cwd=tmp_path).origin == "env"
    root = _make_root(tmp_path / "proj")
    nested = root / "graph" / "articles"
    nested.mkdir(parents=True)
    found = find_project(env={}, cwd=nested)
    assert found == Project(root.resolve(), "cwd")


def test_bundled_then_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundled = _make_root(tmp_path / "data")
    monkeypatch.setattr(project_module, "bundled_root", lambda: bundled)
    assert find_project(env={}, cwd=tmp_path) == Project(bundled, "bundled")
    monkeypatch.setattr(project_module, "bundled_root", lambda: None)
    assert find_project(env={}, cwd=tmp_path) == Project(checkout_root(), "checkout")


def test_checkout_root_is_the_repository(tmp_path: Path) -> None:
    """Imported from this checkout's src/ (an editable install), the package finds the
    checkout; installed from a wheel, it lives in site-packages and finds the data
    bundled with it (``aiplus_kg/data``) before any checkout."""
    package = Path(project_module.__file__).resolve().parent
    if package == (REPO / "src" / "aiplus_kg").resolve():
        assert (checkout_root() / "src" / "aiplus_kg" / "project.py").is_file()
        assert checkout_root() == REPO.resolve()
    else:
        bundled = bundled_root()
        assert bundled == package / "data", f"{package} has no bundled data"
        for name in (
            "ontology/aiplus.ttl",
            "graph/reference",
            "graph/articles",
            "shapes",
            "queries",
        ):
            assert (bundled / name).exists(), name
        assert Project(bundled).article_files()
        assert find_project(env={}, cwd=tmp_path) == Project(bundled, "bundled")


def test_missing_root_is_input_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(InputError, match="does not exist") as info:
        find_project(missing)
    assert info.value.exit_code == 2
    with pytest.raises(InputError, match="does not exist"):
        find_project(env={"AIPLUS_ROOT": str(missing)})


def test_root_must_be_a_directory(tmp_path: Path) -> None:
    file = tmp_path / "file.ttl"
    file.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="not a directory"):
        find_project(file)


def test_listings_are_sorted(mini: Path) -> None:
    project = Project(mini)
    assert [p.name for p in project.article_files()] == ["a-one.ttl", "a-two.ttl"]
    assert [p.name for p in project.reference_files()] == ["entities.ttl", "sources.ttl"]
    assert [project.display(p) for p in project.turtle_files()] == [
        "ontology/aiplus.ttl",
        "graph/articles/a-one.ttl",
        "graph/articles/a-two.ttl",
        "graph/reference/entities.ttl",
        "graph/reference/sources.ttl",
    ]
    assert project.shape_files() == []
    assert project.query_files() == []
