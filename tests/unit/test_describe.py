from __future__ import annotations

from aiplus_kg.load.dataset import LoadedDataset
from aiplus_kg.namespaces import AIP, ID
from aiplus_kg.views.describe import describe, render_text
from tests.query_support import project_dataset


def test_triple_level_hedge_with_article_and_source(loaded_mini: LoadedDataset) -> None:
    desc = describe(loaded_mini.dataset, ID.huawei)
    assert desc.name == "Huawei"
    assert desc.labels["zh"] == ["华为"]
    assert [t.text for t in desc.types] == ["company (aip:Company)"]
    develops = next(g for g in desc.outgoing if g.label.startswith("develops"))
    (value,) = develops.values
    assert value.text == "Ascend 910C (id:ascend-910c)"
    assert value.sources == ["src:a-one"]
    (hedge,) = value.hedges
    assert (hedge.label, hedge.level, hedge.source) == ("reported", "triple", "src:a-one")
    assert hedge.according_to == ["Reuters (id:reuters)"]
    assert hedge.notes == ["Reuters reports it; Huawei did not confirm."]


def test_incoming_and_claim_links_hidden(loaded_mini: LoadedDataset) -> None:
    desc = describe(loaded_mini.dataset, ID.huawei)
    incoming = {g.label: [v.text for v in g.values] for g in desc.incoming}
    assert incoming == {"partner of (aip:partnerOf)": ["SMIC (id:smic)"]}
    # that claim uses aip:claimSubject/claimPredicate/claimObject
    (value,) = desc.incoming[0].values
    assert [(h.label, h.level, h.source) for h in value.hedges] == [
        ("reported", "triple", "src:a-two")
    ]


def test_entity_level_hedge(loaded_mini: LoadedDataset) -> None:
    desc = describe(loaded_mini.dataset, ID["ai-office"])
    assert [(h.label, h.level, h.source) for h in desc.hedges] == [
        ("proposed", "entity", "src:a-two")
    ]
    funding = next(g for g in desc.outgoing if "funding" in g.label)
    assert funding.values[0].text == '[ schema:unitText "billion yuan"@en ; schema:value 10 ]'
    # a value that is hedged as a whole carries its hedge where it is referred to
    desc = describe(loaded_mini.dataset, ID["li-qiang"])
    (led,) = desc.incoming
    assert [h.label for h in led.values[0].hedges] == ["proposed"]


def test_render_text(loaded_mini: LoadedDataset) -> None:
    text = render_text(describe(loaded_mini.dataset, ID.huawei))
    assert text.startswith("Huawei <https://w3id.org/aiplus/id/huawei>\n")
    assert "Ascend 910C (id:ascend-910c)  [src:a-one]" in text
    assert "hedge: reported (triple level, src:a-one), according to Reuters (id:reuters)" in text


def test_hedged_statement_held_only_by_its_claim_is_listed() -> None:
    """DeepSeek R2 reportedly uses the Ascend 910B: the graph does not assert it, and
    describe still lists it, with its hedge and article (docs/hedges.md)."""
    dataset = project_dataset()
    assert (ID["deepseek-r2"], AIP.usesChip, ID["ascend-910b"]) not in dataset
    desc = describe(dataset, ID["deepseek-r2"])
    (group,) = [g for g in desc.outgoing if g.property == str(AIP.usesChip)]
    (value,) = group.values
    assert value.value == str(ID["ascend-910b"])
    assert value.sources == ["src:001-c4f603b6c01e8ba9"]
    assert [(h.label, h.level) for h in value.hedges] == [("reported", "triple")]
    incoming = describe(dataset, ID["ascend-910b"]).incoming
    uses = [g for g in incoming if g.property == str(AIP.usesChip)]
    assert [v.value for g in uses for v in g.values] == [str(ID["deepseek-r2"])]
