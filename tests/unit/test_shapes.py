"""The shapes themselves: well-formed SHACL, named by rule, and covering every class in use."""

from __future__ import annotations

import re
from importlib.resources import files

import pyshacl
import pytest
from rdflib import Graph, URIRef

from aiplus_kg.load.dataset import LoadedDataset, load
from aiplus_kg.namespaces import AIP, RDF, SH
from aiplus_kg.reason.closure import compute_closure
from aiplus_kg.validate.shapes import load_shapes
from tests.support import REPO

ROOT = REPO
SHAPES_NS = "https://w3id.org/aiplus/shapes#"

# Classes with instances that need no shape of their own, and why.
EXEMPT = {
    AIP.NonGovernmentalOrganisation: "the articles name NGOs only as authors and speakers; "
    "AgentShape and OrganisationShape check them",
    AIP.Source: "every source is an aip:Article, which ArticleShape checks",
}


@pytest.fixture(scope="module")
def project() -> LoadedDataset:
    return load(ROOT)


@pytest.fixture(scope="module")
def shapes(project: LoadedDataset) -> Graph:
    assert project.project is not None
    return load_shapes(project.project.shape_files())


def test_shapes_conform_to_shacl_shacl(shapes: Graph) -> None:
    meta = Graph().parse(str(files("pyshacl") / "assets" / "shacl-shacl.ttl"), format="turtle")
    conforms, _, text = pyshacl.validate(shapes, shacl_graph=meta, inference="none")
    assert conforms, text


def test_every_class_in_use_has_a_shape(project: LoadedDataset, shapes: Graph) -> None:
    closure = compute_closure(project.union())
    in_use = {o for _, p, o in closure if p == RDF.type and str(o).startswith(str(AIP))}
    targeted = set(shapes.objects(None, SH.targetClass))
    missing = sorted(str(c) for c in in_use - targeted - set(EXEMPT))
    assert missing == [], "add a <Class>Shape or an exemption with its reason"
    assert not set(EXEMPT) & targeted, "an exempt class has a shape: drop the exemption"
    assert all(EXEMPT.values())


def test_shape_names(shapes: Graph) -> None:
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        if not isinstance(shape, URIRef):
            continue
        assert str(shape).startswith(SHAPES_NS), shape
        assert str(shape).endswith("Shape"), shape
        targets = list(shapes.objects(shape, SH.targetClass))
        if targets:
            assert len(targets) == 1, shape
            expected = SHAPES_NS + str(targets[0]).rsplit("#", 1)[1] + "Shape"
            assert str(shape) == expected


def test_project_file_names_are_kebab_case() -> None:
    kebab = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\.(ttl|rq)$")
    for folder in ("ontology", "graph", "shapes", "queries"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file():
                assert kebab.match(path.name), path
