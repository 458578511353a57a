from __future__ import annotations

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
from tests.support import MINI

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


def test_nq_lines_are_sorted_and_unique(loaded_mini: LoadedDataset) -> None:
    lines = serialize(loaded_mini.dataset, "nq").decode("utf-8").splitlines()
    assert lines == sorted(set(lines))
    assert all(line.endswith(" .") for line in lines)


def test_unknown_format(loaded_mini: LoadedDataset) -> None:
    with pytest.raises(InputError, match="unknown export format 'xml'"):
        serialize(loaded_mini.dataset, "xml")


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
