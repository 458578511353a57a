from __future__ import annotations

from aiplus_kg.load.dataset import LoadedDataset
from aiplus_kg.views.stats import compute_stats, render_text


def test_counts(loaded_mini: LoadedDataset) -> None:
    stats = compute_stats(loaded_mini.dataset)
    per_graph = {g.name: g.triples for g in stats.graphs}
    assert list(per_graph) == ["ontology", "reference", "src:a-one", "src:a-two"]
    assert per_graph["src:a-one"] == 9
    assert per_graph["src:a-two"] == 11
    assert stats.union_triples == len(loaded_mini.dataset)

    classes = {c.name: c.entities for c in stats.classes}
    assert classes["aip:Company"] == 2
    assert classes["aip:Organisation"] == 3
    assert classes["aip:Claim"] == 2

    articles = {a.name: a for a in stats.articles}
    assert (articles["src:a-one"].facts, articles["src:a-one"].claims) == (2, 1)
    assert articles["src:a-one"].hedged == 1  # the claimed aip:develops
    # ai-office is hedged as a whole (2 facts); the partnership through a claim
    # written with aip:claimSubject/claimPredicate/claimObject
    assert (articles["src:a-two"].facts, articles["src:a-two"].claims) == (6, 1)
    assert articles["src:a-two"].hedged == 3


def test_text_tables_are_aligned(loaded_mini: LoadedDataset) -> None:
    text = render_text(compute_stats(loaded_mini.dataset))
    assert "Triples per named graph" in text
    assert "Facts per article" in text
    lines = text.splitlines()
    header = lines.index("Facts per article") + 1
    widths = {len(line) for line in lines[header + 1 : header + 4]}
    assert len(widths) == 1
