from __future__ import annotations

import pytest

from aiplus_kg.errors import InputError
from aiplus_kg.load.dataset import LoadedDataset
from aiplus_kg.load.resolve import find_by_label, normalize_label, resolve
from aiplus_kg.namespaces import AIP, ID


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("Huawei", ID.huawei),
        ("  huawei ", ID.huawei),
        ("华为", ID.huawei),
        ("bureau  IA+", ID["ai-office"]),
        ("Semiconductor Manufacturing International Corporation", ID.smic),
        ("id:huawei", ID.huawei),
        ("aip:Chip", AIP.Chip),
        ("https://w3id.org/aiplus/id/huawei", ID.huawei),
        ("<https://w3id.org/aiplus/id/huawei>", ID.huawei),
        ("puce", AIP.Chip),
    ],
)
def test_resolves(loaded_mini: LoadedDataset, term: str, expected: object) -> None:
    assert resolve(loaded_mini.dataset, term) == expected


def test_unknown_names_the_term(loaded_mini: LoadedDataset) -> None:
    with pytest.raises(InputError, match="unknown entity: 'Nokia'") as info:
        resolve(loaded_mini.dataset, "Nokia")
    assert info.value.exit_code == 2


@pytest.mark.parametrize("term", ["id:nokia", "https://w3id.org/aiplus/id/nokia"])
def test_unknown_iri(loaded_mini: LoadedDataset, term: str) -> None:
    with pytest.raises(InputError, match="unknown entity"):
        resolve(loaded_mini.dataset, term)
    assert resolve(loaded_mini.dataset, term, must_exist=False) == ID.nokia


def test_ambiguous_lists_candidates(loaded_mini: LoadedDataset) -> None:
    with pytest.raises(InputError, match="ambiguous entity 'ascend'") as info:
        resolve(loaded_mini.dataset, "ascend")
    message = str(info.value)
    assert "id:ascend-910c (Ascend 910C)" in message
    assert "id:ascend-brand (Ascend)" in message


def test_empty_term(loaded_mini: LoadedDataset) -> None:
    with pytest.raises(InputError, match="empty"):
        resolve(loaded_mini.dataset, "   ")


def test_find_by_label_any_language(loaded_mini: LoadedDataset) -> None:
    assert find_by_label(loaded_mini.dataset, "LI QIANG") == [ID["li-qiang"]]
    assert find_by_label(loaded_mini.dataset, "李强") == [ID["li-qiang"]]
    assert find_by_label(loaded_mini.dataset, "") == []


def test_normalize_label() -> None:
    assert normalize_label("  AI+\tOffice ") == "ai+ office"
    assert normalize_label("\uff21\uff29") == "ai"  # full-width letters
