"""``aiplus draw``: pictures of chains, neighbourhoods and saved-query subgraphs, and
their DOT text (rendering them with Graphviz: ``tests/integration/test_draw.py``)."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from aiplus_kg.errors import InputError
from aiplus_kg.load.dataset import load
from aiplus_kg.load.terms import label
from aiplus_kg.namespaces import AIP, ID, RDF, SRC
from aiplus_kg.query.run import run_query
from aiplus_kg.views import draw
from aiplus_kg.views.paths import LinkGraph, NoPathError, build_link_graph
from tests.query_support import ROOT, project_dataset, saved
from tests.support import MINI

README_PICTURE = ROOT / "docs" / "img" / "chip-to-goal.svg"
README_COMMAND = "aiplus draw query chip-to-goal -o docs/img/chip-to-goal.svg"


def _query_picture(name: str, links: LinkGraph) -> draw.Picture:
    query = saved(name)
    return draw.query_picture(
        project_dataset(), query, run_query(project_dataset(), query), links=links
    )


@pytest.fixture(scope="module")
def links() -> LinkGraph:
    return build_link_graph(project_dataset())


@pytest.fixture(scope="module")
def chip(links: LinkGraph) -> draw.Picture:
    """The picture of the saved query chip-to-goal (with its default chip)."""
    return _query_picture("chip-to-goal", links)


def _edge(picture: draw.Picture, tail: str, prop: URIRef, head: str) -> draw.EdgeInfo:
    keys = {n.iri: n.key for n in picture.nodes}
    matches = [
        e
        for e in picture.edges
        if (e.tail, e.property, e.head) == (keys[str(ID[tail])], str(prop), keys[str(ID[head])])
    ]
    assert len(matches) == 1, f"{tail} {prop} {head}: {matches}"
    return matches[0]


# --- the pictures ------------------------------------------------------------


def test_chip_to_goal_touches_the_chain(chip: draw.Picture) -> None:
    picture = chip
    names = {n.name for n in picture.nodes}
    assert {
        "Ascend 910B",
        "DeepSeek R2",
        "technological self-sufficiency",
        "Huawei",
        "China",
        "NVIDIA GPUs",
    } <= names
    decision = next(n for n in picture.nodes if n.iri == str(ID["deepseek-r2-chip-decision"]))
    assert decision.hedges == ("reported",)
    assert decision.class_label == "decision"
    ascend = next(n for n in picture.nodes if n.name == "Ascend 910B")
    assert ascend.focus, "the query's parameter is drawn with a thick border"
    assert ascend.class_label == "chip"


def test_hedged_links_carry_their_hedge(chip: draw.Picture) -> None:
    picture = chip
    # triple level: a claim on "DeepSeek R2 uses chip Ascend 910B"
    uses = _edge(picture, "deepseek-r2", AIP.usesChip, "ascend-910b")
    assert (uses.hedges, uses.sources) == (("reported",), ("001",))
    # entity level: the decision itself is only reported
    serves = _edge(
        picture, "deepseek-r2-chip-decision", AIP.serves, "technological-self-sufficiency"
    )
    assert serves.hedges == ("reported",)
    made_by = _edge(picture, "ascend-910b", AIP.madeBy, "huawei")
    assert (made_by.hedges, made_by.sources) == ((), ("000", "001"))
    pursues = _edge(picture, "china", AIP.pursues, "technological-self-sufficiency")
    assert pursues.sources == ("000", "001", "003")


def test_dot_dashes_hedged_edges_only(chip: draw.Picture) -> None:
    source = draw.to_dot(chip)
    lines = {line.split(" [", 1)[0].strip(): line for line in source.splitlines() if "->" in line}
    assert "style=dashed" in lines['"id_deepseek-r2" -> "id_ascend-910b"']
    assert "reported" in lines['"id_deepseek-r2" -> "id_ascend-910b"']
    assert "style=dashed" not in lines['"id_ascend-910b" -> id_huawei']
    assert "reported" not in lines['"id_ascend-910b" -> id_huawei']
    hedged = sum(1 for line in lines.values() if "style=dashed" in line)
    assert hedged == 6  # uses chip, and the five links of the reported decision


def test_legend_lists_the_source_articles_by_label(chip: draw.Picture) -> None:
    dataset = project_dataset()
    picture = chip
    stems = ["000-fa0972a5f4bf42df", "001-c4f603b6c01e8ba9", "003-8046cdd2ea859826"]
    assert [s.key for s in picture.sources] == ["000", "001", "003"]
    assert [s.label for s in picture.sources] == [label(dataset, SRC[s]) for s in stems]
    source = draw.to_dot(picture)
    assert "Article 001: Xi Jinping calls for AI self-reliance (30 April 2025)" in source


def test_colours_cover_every_kind_of_entity_drawn(links: LinkGraph) -> None:
    """Every class of an entity that can appear in a picture has a kind and a colour."""
    dataset = project_dataset()
    builder = draw._Builder(dataset, links)
    uncoloured = set()
    for node in links.neighbours:
        cls = builder.main_class(node)
        if builder.family(cls) == draw.OTHER_FAMILY:
            uncoloured.add(str(cls))
    assert not uncoloured
    colours = [colour for _, colour, _ in draw.FAMILIES]
    assert len(set(colours)) == len(colours)


def test_path_picture_is_the_chain(links: LinkGraph) -> None:
    dataset = project_dataset()
    picture = draw.path_picture(
        dataset, ID["ascend-910b"], ID["technological-self-sufficiency"], links=links
    )
    assert [n.name for n in picture.nodes] == [
        "Ascend 910B",
        "DeepSeek's reported choice of the Ascend 910B over NVIDIA GPUs for R2",
        "technological self-sufficiency",
    ]
    assert [e.property_label for e in picture.edges] == ["adopts", "serves"]
    assert all(e.hedges == ("reported",) for e in picture.edges)
    assert [n.focus for n in picture.nodes] == [True, False, True]
    with pytest.raises(NoPathError):
        draw.path_picture(dataset, ID["ascend-910b"], ID["global-south"], max_hops=3, links=links)


def test_entity_picture_depth(links: LinkGraph) -> None:
    dataset = project_dataset()
    one = draw.entity_picture(dataset, ID["ascend-910b"], links=links)
    expected = {str(ID["ascend-910b"])} | {str(n) for n in links.neighbours[ID["ascend-910b"]]}
    assert {n.iri for n in one.nodes} == expected
    two = draw.entity_picture(dataset, ID["ascend-910b"], depth=2, links=links)
    assert {n.iri for n in one.nodes} < {n.iri for n in two.nodes}
    keys = {n.key for n in two.nodes}
    assert all(e.tail in keys and e.head in keys for e in two.edges)
    with pytest.raises(InputError, match="more than --max-nodes 3"):
        draw.entity_picture(dataset, ID["ascend-910b"], max_nodes=3, links=links)


def test_query_without_entities_is_refused(links: LinkGraph) -> None:
    with pytest.raises(InputError, match="hold no entity"):
        _query_picture("articles", links)


def test_both_hedge_forms_in_the_mini_project() -> None:
    dataset = load(MINI).dataset
    # the entity-level hedge: the AI+ Office is only proposed
    office = draw.entity_picture(dataset, ID["ai-office"])
    ledby = next(e for e in office.edges if e.property == str(AIP.ledBy))
    assert ledby.hedges == ("proposed",)
    assert next(n for n in office.nodes if n.iri == str(ID["ai-office"])).hedges == ("proposed",)
    # claims with rdf:subject ... and with aip:claimSubject ...
    huawei = draw.entity_picture(dataset, ID["huawei"])
    by_property = {e.property: e for e in huawei.edges}
    assert by_property[str(AIP.develops)].hedges == ("reported",)
    assert by_property[str(AIP.partnerOf)].hedges == ("reported",)
    # mini articles share no number: their keys are their stems
    assert [s.key for s in huawei.sources] == ["a-one", "a-two"]


def test_to_dot_is_stable_and_escapes_labels(links: LinkGraph, chip: draw.Picture) -> None:
    again = _query_picture("chip-to-goal", links)
    assert draw.to_dot(again) == draw.to_dot(chip)
    tricky = draw.Picture(
        title='a <b> & "c" \\ d',
        nodes=(draw.NodeInfo("n1", "urn:x:1", "<x> & y", "<urn:x:1>", "k", "other", "#ffffff"),),
        edges=(),
        sources=(),
    )
    source = draw.to_dot(tricky)
    assert "&lt;x&gt; &amp; y" in source
    assert "a &lt;b&gt; &amp; &quot;c&quot;" in source


def test_readme_shows_the_picture() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/img/chip-to-goal.svg)" in readme
    assert README_COMMAND in readme
    assert README_PICTURE.is_file()


def test_mini_nodes_have_classes() -> None:
    dataset = load(MINI).dataset
    picture = draw.entity_picture(dataset, ID["huawei"])
    huawei = next(n for n in picture.nodes if n.iri == str(ID["huawei"]))
    assert (huawei.class_label, huawei.family) == ("company", "actors")
    assert (ID["huawei"], RDF.type, AIP.Company) in dataset


def test_dot_names_are_distinct() -> None:
    names = draw._dot_names([URIRef("urn:x:1"), URIRef("urn:x_1"), ID["ascend-910b"]])
    assert list(names.values()) == ["urn_x_1", "urn_x_1_2", "id_ascend-910b"]
