from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

import aiplus_kg.export.serialise as export_module
from aiplus_kg.errors import InputError
from aiplus_kg.export.serialise import FORMATS, export, serialize
from aiplus_kg.load.dataset import LoadedDataset, load
from aiplus_kg.load.terms import union_graph
from aiplus_kg.namespaces import ONTOLOGY_GRAPH, REFERENCE_GRAPH, SRC
from tests.support import MINI, run_cli

RDFLIB_FORMAT = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig"}


@pytest.mark.parametrize("fmt", ["ttl", "nt"])
def test_union_formats_round_trip(loaded_mini: LoadedDataset, fmt: str) -> None:
    data = serialize(loaded_mini.dataset, fmt)
    parsed = Graph().parse(data=data, format=RDFLIB_FORMAT[fmt])
    assert isomorphic(parsed, union_graph(loaded_mini.dataset))
    assert len(parsed) == len(loaded_mini.dataset)


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_dataset_formats_keep_named_graphs(loaded_mini: LoadedDataset, fmt: str) -> None:
    data = serialize(loaded_mini.dataset, fmt)
    parsed = Dataset()
    parsed.parse(data=data, format=RDFLIB_FORMAT[fmt])
    names = {g.identifier for g in parsed.graphs() if len(g)}
    assert names == {ONTOLOGY_GRAPH, REFERENCE_GRAPH, SRC["a-one"], SRC["a-two"]}
    for iri in names:
        assert isomorphic(parsed.graph(iri), loaded_mini.graph(iri)), iri


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_byte_identical_across_loads(fmt: str) -> None:
    # each load gives blank nodes new random identifiers
    assert serialize(load(MINI).dataset, fmt) == serialize(load(MINI).dataset, fmt)


def test_byte_identical_across_processes(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}.trig"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        cmd = [sys.executable, "-m", "aiplus_kg", "--root", str(MINI), "export"]
        subprocess.run([*cmd, "--format", "trig", "-o", str(out)], env=env, check=True, timeout=120)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_nq_lines_are_sorted_and_unique(loaded_mini: LoadedDataset) -> None:
    lines = serialize(loaded_mini.dataset, "nq").decode("utf-8").splitlines()
    assert lines == sorted(set(lines))
    assert all(line.endswith(" .") for line in lines)


def test_unknown_format(loaded_mini: LoadedDataset) -> None:
    with pytest.raises(InputError, match="unknown export format 'xml'"):
        serialize(loaded_mini.dataset, "xml")


def test_cli_export_to_file_equals_stdout(tmp_path: Path) -> None:
    for fmt in FORMATS:
        out = tmp_path / f"all.{fmt}"
        result = run_cli("export", "--format", fmt, "-o", str(out))
        assert result.exit_code == 0, result.output
        assert result.stdout == ""
        streamed = run_cli("export", "--format", fmt)
        assert streamed.stdout_bytes == out.read_bytes()


def test_cli_export_needs_a_known_format() -> None:
    result = run_cli("export", "--format", "xml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


def _failing_writer(dataset: Dataset) -> Iterator[bytes]:
    yield b"<urn:a> <urn:b> <urn:c> .\n" * 100
    raise RuntimeError("disk on fire")


def test_interrupted_export_leaves_no_partial_file(
    loaded_mini: LoadedDataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(export_module._WRITERS, "nq", _failing_writer)
    fresh = tmp_path / "fresh.nq"
    with pytest.raises(RuntimeError, match="disk on fire"):
        export(loaded_mini.dataset, "nq", fresh)
    assert not fresh.exists()

    existing = tmp_path / "existing.nq"
    existing.write_bytes(b"old content\n")
    with pytest.raises(RuntimeError):
        export(loaded_mini.dataset, "nq", existing)
    assert existing.read_bytes() == b"old content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.nq"]


def test_cli_interrupted_export_is_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(export_module._WRITERS, "nq", _failing_writer)
    out = tmp_path / "out.nq"
    result = run_cli("export", "--format", "nq", "-o", str(out))
    assert result.exit_code == 3
    assert result.stderr == "aiplus: error: internal error: RuntimeError: disk on fire\n"
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_export_into_missing_folder(tmp_path: Path) -> None:
    result = run_cli("export", "--format", "nt", "-o", str(tmp_path / "no" / "x.nt"))
    assert result.exit_code == 2
    assert "no such directory" in result.stderr
