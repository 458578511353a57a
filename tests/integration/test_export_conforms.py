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


def _merged(tmp_path: Path, fmt: str, *options: str) -> Graph:
    """The export in ``fmt``, read back, all its graphs in one."""
    out = tmp_path / f"export{'-'.join(options)}.{fmt}"
    result = run_cli("export", "--format", fmt, *options, "-o", str(out), root=REPO)
    assert result.exit_code == 0, result.stderr
    dataset = Dataset()
    dataset.parse(out, format=PARSERS[fmt])
    merged = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        merged.add((s, p, o))
    return merged


def _conforms(data: Graph) -> tuple[bool, str]:
    shapes = Graph().parse(REPO / "shapes" / "aiplus-shapes.ttl")
    ontology = Graph().parse(REPO / "ontology" / "aiplus.ttl")
    conforms, _, text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="owlrl",
        allow_warnings=True,
        advanced=True,
    )
    return bool(conforms), str(text)


@pytest.mark.parametrize("options", [(), ("--inferred",)], ids=["plain", "inferred"])
def test_every_export_format_conforms_to_the_shapes(
    tmp_path: Path, options: tuple[str, ...]
) -> None:
    assert set(PARSERS) == set(EXPORT_FORMATS)
    merged = {fmt: _merged(tmp_path, fmt, *options) for fmt in PARSERS}
    # the same triples in every format, so that one validation stands for them all
    for fmt, graph in merged.items():
        assert isomorphic(graph, merged["nq"]), f"{fmt} holds other triples than nq"
    conforms, text = _conforms(merged["nq"])
    assert conforms, text


def test_the_void_description_names_the_namespaces() -> None:
    """What the shapes once took for mistakes: the VoID description names the
    ontology's namespace (a vocabulary, an IRI) and the entities' (the URI space)."""
    result = run_cli("describe-dataset", "--format", "nt", root=REPO)
    assert result.exit_code == 0, result.stderr
    assert "<http://rdfs.org/ns/void#vocabulary> <https://w3id.org/aiplus/ontology#>" in (
        result.stdout
    )
    assert '<http://rdfs.org/ns/void#uriSpace> "https://w3id.org/aiplus/id/"' in result.stdout
