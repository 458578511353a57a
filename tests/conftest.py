"""Shared fixtures: the mini project under tests/data/mini."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aiplus_kg.load.dataset import LoadedDataset, load
from tests.support import MINI


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
