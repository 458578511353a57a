"""``printable``: the characters a terminal acts on, shown as escapes; nothing else
changed."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from aiplus_kg.query.tables import table
from aiplus_kg.views.terminal import printable


def test_escapes() -> None:
    assert printable("a\x1b[31mb") == "a\\x1b[31mb"
    assert printable("over\rwrite") == "over\\rwrite"
    assert printable("right\u202eleft") == "right\\u202eleft"
    assert printable("\x07\x08\x00\x7f\x9b\x85") == "\\a\\b\\0\\x7f\\x9b\\x85"
    assert printable("\u2066\u2069\u200f\u061c\u2028") == "\\u2066\\u2069\\u200f\\u061c\\u2028"


def test_keeps_text() -> None:
    for text in ("Huawei", "华为", "Tab\there\nand a line", "a\\x1b stays", "👩‍💻 é ß", ""):
        assert printable(text) == text


@given(st.text())
def test_no_control_left_and_idempotent(text: str) -> None:
    shown = printable(text)
    assert printable(shown) == shown
    for char in shown:
        category = unicodedata.category(char)
        assert char in "\t\n" or category != "Cc", repr(char)
        assert char not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_table_measures_the_escaped_cells() -> None:
    text = table(["name", "n"], [("a\x1bb", 1), ("plain", 22)], title="T\r")
    lines = text.splitlines()
    assert lines[0] == "T\\r"
    assert lines[1:] == ["name     n", "------  --", "a\\x1bb   1", "plain   22"]
