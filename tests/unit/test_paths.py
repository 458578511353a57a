"""``aiplus path``: the shortest relationship chains between two entities."""

from __future__ import annotations

import pytest
from rdflib import Dataset, URIRef

from aiplus_kg.namespaces import AIP, ID
from aiplus_kg.views.paths import (
    DEFAULT_MAX_HOPS,
    NoPathError,
    build_link_graph,
    render_text,
    shortest_paths,
)
from tests.query_support import project_dataset


@pytest.fixture(scope="module")
def links() -> object:
    return build_link_graph(project_dataset())


def _paths(start: str, end: str, links: object, **options: int) -> object:
    return shortest_paths(project_dataset(), ID[start], ID[end], graph=links, **options)  # type: ignore[arg-type]


def test_ascend_to_self_sufficiency(links: object) -> None:
    result = _paths("ascend-910b", "technological-self-sufficiency", links)
    assert (result.length, result.total) == (2, 1)
    steps = result.chains[0].steps
    assert [s.node for s in steps] == [
        str(ID["ascend-910b"]),
        str(ID["deepseek-r2-chip-decision"]),
        str(ID["technological-self-sufficiency"]),
    ]
    adopts = steps[0].links[0]
    assert (adopts.property, adopts.direction) == (str(AIP.adopts), "backward")
    assert adopts.sources == ["src:001-c4f603b6c01e8ba9"]
    # the adoption is a hedged statement (its claim only) of a decision hedged as a whole
    assert [(h.label, h.level, h.on) for h in adopts.hedges] == [
        ("reported", "triple", "statement"),
        ("reported", "entity", "subject"),
    ]
    assert steps[1].links[0].property_label == "serves"
    assert steps[1].links[0].direction == "forward"
    assert steps[2].links == []


def test_ascend_to_global_south(links: object) -> None:
    result = _paths("ascend-910b", "global-south", links, max_hops=5)
    assert (result.length, result.total) == (5, 4)
    for chain in result.chains:
        assert chain.steps[0].name == "Ascend 910B"
        assert chain.steps[-1].name == "Global South"
        assert all(link.sources for step in chain.steps[:-1] for link in step.links)
    # the triple-level hedge of the DeepSeek R2 link shows on a chain through it
    reported = _paths("ascend-910b", "deepseek-r2", links)
    link = reported.chains[0].steps[0].links[0]
    assert (link.property_label, link.direction) == ("uses chip", "backward")
    assert [(h.label, h.level, h.on) for h in link.hedges] == [("reported", "triple", "statement")]


def test_chains_are_in_a_stable_order(links: object) -> None:
    first = _paths("ascend-910b", "global-south", links, max_hops=5)
    again = shortest_paths(project_dataset(), ID["ascend-910b"], ID["global-south"], max_hops=5)
    assert first == again
    assert len(_paths("ascend-910b", "global-south", links, max_hops=5, max_chains=1).chains) == 1


def test_max_hops_too_small_says_how_many_are_needed(links: object) -> None:
    assert DEFAULT_MAX_HOPS == 6
    with pytest.raises(NoPathError) as info:
        _paths("ascend-910b", "global-south", links, max_hops=4)
    assert info.value.exit_code == 1
    assert str(info.value) == (
        "no chain of at most 4 links between Ascend 910B (id:ascend-910b) and Global South "
        "(id:global-south); the shortest has 5: use --max-hops 5"
    )


def test_unconnected_pair() -> None:
    islands = Dataset(default_union=True)
    graph = islands.graph(URIRef("https://w3id.org/aiplus/source/test"))
    graph.add((ID["test-a"], AIP.madeBy, ID["test-b"]))
    graph.add((ID["test-c"], AIP.madeBy, ID["test-d"]))
    with pytest.raises(NoPathError, match="they are not connected"):
        shortest_paths(islands, ID["test-a"], ID["test-d"])


def test_entity_without_links(links: object) -> None:
    with pytest.raises(NoPathError, match="has no relationship to any other entity"):
        _paths("ascend-910b", "cnbc", links)  # only cited by an article


def test_same_entity(links: object) -> None:
    result = _paths("huawei", "huawei", links)
    assert (result.length, len(result.chains[0].steps)) == (0, 1)


def test_bookkeeping_and_ontology_terms_are_not_links(links: object) -> None:
    nodes = set(links.neighbours)  # type: ignore[attr-defined]
    assert AIP.Reported not in nodes
    assert AIP.Chip not in nodes
    assert not any(str(n).startswith("https://w3id.org/aiplus/source/") for n in nodes)
    assert ID["claim-001-deepseek-r2-uses-ascend-910b"] not in nodes


def test_render_text(links: object) -> None:
    text = render_text(_paths("ascend-910b", "deepseek-r2", links))
    assert text == (
        "1 shortest chain of 1 link from Ascend 910B to DeepSeek R2\n"
        "\n"
        "Chain 1\n"
        "  Ascend 910B (id:ascend-910b)\n"
        "      <--[uses chip]--  src:001-c4f603b6c01e8ba9; "
        "hedge: reported (on the statement, src:001-c4f603b6c01e8ba9)\n"
        "  DeepSeek R2 (id:deepseek-r2)\n"
    )
