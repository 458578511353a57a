"""Shared fixtures: the mini project under tests/data/mini, and a session that writes
nothing into the checkout (the cache and Hypothesis's files go to pytest's temporary
folders)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from aiplus_kg.load.cache import CACHE_ENV
from aiplus_kg.load.dataset import LoadedDataset, load
from tests.support import MINI


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis keeps its files (the example database, and the constants of the code
    under test, which it reads while pytest collects the tests) in a temporary folder of
    the session instead of ``.hypothesis/`` in the current folder. Runs after pytest's
    own ``tmp_path_factory`` is configured; collection comes later."""
    factory: pytest.TempPathFactory = config._tmp_path_factory  # type: ignore[attr-defined]
    set_hypothesis_home_dir(factory.mktemp("hypothesis"))


def pytest_unconfigure(config: pytest.Config) -> None:
    set_hypothesis_home_dir(None)


@pytest.fixture(scope="session", autouse=True)
def _cache_outside_the_checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``AIPLUS_CACHE_DIR`` is a temporary folder of the session, so that a command run on
    the checkout never writes ``build/cache`` (a test may still set its own); the
    processes the tests start inherit it."""
    folder = tmp_path_factory.mktemp("aiplus-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(folder))
        yield folder


@pytest.fixture(autouse=True)
def _no_root_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIPLUS_ROOT", raising=False)


@pytest.fixture
def mini() -> Path:
    """The mini project, read only."""
    return MINI


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A writable copy of the mini project."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture
def loaded_mini() -> LoadedDataset:
    return load(MINI)
