"""The project's dataset in pyoxigraph, read back from the cache while the files are
unchanged.

On a miss the Turtle files are read as always (:func:`aiplus_kg.load.dataset.load_project`,
with its error messages), copied into a pyoxigraph store and, when the store is
faithful (see :mod:`aiplus_kg.oxstore`), dumped into the cache as N-Quads with a small
JSON record holding the number of triples and the SHA-256 of the dump. On a hit nothing
is parsed but that dump, in Rust, and only if its SHA-256 matches the record: its bytes
are then the ones this program wrote, and are not validated again
(:func:`aiplus_kg.oxstore.load_store`); any other entry is a miss.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from aiplus_kg.bulk import bulk_step
from aiplus_kg.load.cache import Cache, cache_for, digest
from aiplus_kg.project import Project

if TYPE_CHECKING:  # the Turtle loader is imported on a miss only
    from rdflib import Dataset

    from aiplus_kg.load.dataset import LoadedDataset

__all__ = ["ProjectStore", "data_files", "data_key", "project_store"]

KIND = "dataset"


def data_files(project: Project) -> list[Path]:
    """The files the dataset is read from, in the loader's order."""
    return [project.ontology_file, *project.reference_files(), *project.article_files()]


def data_key(project: Project, salt: str = KIND) -> str:
    """The cache key of what derives from the dataset files alone."""
    return digest(data_files(project), root=project.root, salt=salt)


@dataclass
class ProjectStore:
    """The dataset in pyoxigraph, the number of triples of its union, and, when it was
    just read from the files, the rdflib dataset too."""

    ox: object  # an aiplus_kg.oxstore.OxDataset
    triples: int
    loaded: LoadedDataset | None = field(default=None, repr=False)

    @property
    def view(self) -> object:
        from aiplus_kg.oxstore import GraphView

        return GraphView(self.ox)  # type: ignore[arg-type]


def _from_cache(cache: Cache, key: str) -> ProjectStore | None:
    record = cache.read_json(KIND, key)
    if record is None:
        return None
    data = cache.read_bytes(KIND, key, "nq")
    if data is None or record.get("sha256") != hashlib.sha256(data).hexdigest():
        return None
    try:
        triples = int(record["triples"])  # type: ignore[call-overload]
    except (KeyError, TypeError, ValueError):
        return None
    from aiplus_kg.oxstore import load_store

    try:
        store = load_store(data)
    except (SyntaxError, ValueError, OSError):
        return None
    return ProjectStore(store, triples)


@bulk_step
def build_store(data: LoadedDataset | Dataset) -> ProjectStore:
    """A store holding ``data``, the loaded project or an rdflib dataset (see
    :func:`aiplus_kg.oxstore.dataset_store`)."""
    from aiplus_kg.load.dataset import LoadedDataset
    from aiplus_kg.oxstore import dataset_store, graphs_store

    if isinstance(data, LoadedDataset):
        return ProjectStore(graphs_store(data.graph_triples()), len(data.union()))
    return ProjectStore(dataset_store(data), len(data))


def project_store(project: Project) -> ProjectStore:
    """The project's dataset in pyoxigraph: from the cache, else from the files (then
    cached, if it is faithful)."""
    cache = cache_for(project.root, project.origin)
    key = data_key(project) if cache is not None else ""
    if cache is not None:
        hit = _from_cache(cache, key)
        if hit is not None:
            return hit
    from aiplus_kg.load.dataset import load_project

    loaded = load_project(project)
    built = build_store(loaded)
    built.loaded = loaded
    if cache is not None and built.ox.faithful:  # type: ignore[attr-defined]
        dump = built.ox.dump()  # type: ignore[attr-defined]
        if cache.write_bytes(KIND, key, "nq", dump):
            record = {"triples": built.triples, "sha256": hashlib.sha256(dump).hexdigest()}
            cache.write_json(KIND, key, record)
    return built
