"""What ``aiplus export`` writes conforms to the project's own shapes, checked the way a
user outside the project would check it: every format read back, its graphs merged
into one, and pySHACL run on it with the ontology and OWL RL inference
(``pyshacl -i owlrl -e ontology/aiplus.ttl``)."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from aiplus_kg.defaults import EXPORT_FORMATS
from tests.support import REPO, run_cli

pytestmark = pytest.mark.slow

PARSERS = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}


def _merged(folder: Path, fmt: str, option: str) -> Graph:
    """The export in ``fmt``, read back, all its graphs in one."""
    out = folder / f"export-{option}.{fmt}"
    options = ["--inferred"] if option == "inferred" else []
    result = run_cli("export", "--format", fmt, *options, "-o", str(out), root=REPO)
    assert result.exit_code == 0, result.stderr
    dataset = Dataset()
    dataset.parse(out, format=PARSERS[fmt])
    merged = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        merged.add((s, p, o))
    return merged


@pytest.fixture(scope="module")
def nquads(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Graph]:
    folder = tmp_path_factory.mktemp("export")
    return {option: _merged(folder, "nq", option) for option in OPTIONS}


OPTIONS = ["plain", "inferred"]


@pytest.mark.parametrize("option", OPTIONS)
def test_the_export_conforms_to_the_shapes(option: str, nquads: dict[str, Graph]) -> None:
    shapes = Graph().parse(REPO / "shapes" / "aiplus-shapes.ttl")
    ontology = Graph().parse(REPO / "ontology" / "aiplus.ttl")
    conforms, _, text = pyshacl.validate(
        nquads[option],
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="owlrl",
        allow_warnings=True,
        advanced=True,
    )
    assert conforms, text


@pytest.mark.parametrize("fmt", sorted(set(PARSERS) - {"nq"}))
@pytest.mark.parametrize("option", OPTIONS)
def test_every_format_holds_what_nquads_holds(
    fmt: str, option: str, nquads: dict[str, Graph], tmp_path: Path
) -> None:
    """The same triples in every format, so that the validation of N-Quads stands for
    them all."""
    assert set(PARSERS) == set(EXPORT_FORMATS)
    assert isomorphic(_merged(tmp_path, fmt, option), nquads[option])


def test_the_void_description_names_the_namespaces() -> None:
    """What the shapes once took for mistakes: the VoID description names the
    ontology's namespace (a vocabulary, an IRI) and the entities' (the URI space)."""
    result = run_cli("describe-dataset", "--format", "nt", root=REPO)
    assert result.exit_code == 0, result.stderr
    assert "<http://rdfs.org/ns/void#vocabulary> <https://w3id.org/aiplus/ontology#>" in (
        result.stdout
    )
    assert '<http://rdfs.org/ns/void#uriSpace> "https://w3id.org/aiplus/id/"' in result.stdout
