"""Text tables sized to a width: columns shrink, cells wrap (nothing lost) or are cut
with a visible marker when asked; numbers get thousands separators; without a width
nothing is wrapped or cut."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aiplus_kg.query.tables import cut, display_width, grouped, table, wrap

LONG = "DeepSeek's reported choice of the Ascend 910B over NVIDIA GPUs for R2"


def test_display_width_counts_wide_characters_twice() -> None:
    assert display_width("Huawei") == 6
    assert display_width("华为") == 4
    assert display_width("e\u0301") == 1  # a combining accent takes no column


def test_wrap_breaks_at_spaces_and_inside_long_words() -> None:
    assert wrap("made by Huawei", 8) == ["made by", "Huawei"]
    assert wrap("self-sufficiency", 6) == ["self-s", "uffici", "ency"]
    assert wrap("短文本测试", 4) == ["短文", "本测", "试"]
    assert wrap("fits", 10) == ["fits"]


def test_cut_marks_what_it_cuts() -> None:
    assert cut("technological", 6) == "techn…"
    assert cut("short", 6) == "short"
    assert display_width(cut("华为技术有限公司", 7)) <= 7


@given(st.text(alphabet=st.sampled_from("ab 华é-"), max_size=60), st.integers(1, 30))
def test_wrap_loses_nothing_but_spaces_and_fits(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(display_width(line) <= max(width, 2) for line in lines)


def test_numbers_have_thousands_separators() -> None:
    assert grouped(1234567) == "1,234,567"
    assert grouped(-1500) == "-1,500"
    assert grouped(12345.5) == "12,345.5"
    assert grouped(1e20) == "1e+20"
    text = table(["graph", "triples"], [("ontology", 1448), ("(union)", 4623)])
    assert text.splitlines()[2] == "ontology    1,448"


def test_without_a_width_nothing_is_cut() -> None:
    text = table(["subject", "source"], [(LONG, "Article 001")])
    assert LONG in text
    assert "…" not in text


def test_a_table_wider_than_the_width_wraps_its_cells() -> None:
    rows = [(LONG, "adopts", "Ascend 910B", 12345)] * 2
    text = table(["subject", "property", "object", "n"], rows, width=40)
    lines = text.splitlines()
    assert max(display_width(line) for line in lines) <= 40
    assert "…" not in text
    words = " ".join(line.split("  ")[0] for line in lines[2:])
    assert words.split() == (LONG.split() * 2)  # the first column, read down: all of it
    assert all(line.endswith("12,345") for line in lines[2:] if "12,345" in line)


def test_truncate_cuts_with_a_marker_instead() -> None:
    rows = [(LONG, "adopts", "Ascend 910B")]
    text = table(["subject", "property", "object"], rows, width=40, truncate=True)
    lines = text.splitlines()
    assert len(lines) == 3  # one line per row
    assert "…" in lines[2]
    assert max(display_width(line) for line in lines) <= 40


def test_columns_that_fit_keep_their_width() -> None:
    rows = [("id:huawei", LONG)]
    lines = table(["entity", "label"], rows, width=50).splitlines()
    assert lines[2].startswith("id:huawei  ")
    assert max(display_width(line) for line in lines) <= 50


def test_wide_characters_stay_aligned() -> None:
    text = table(["x", "label", "n"], [("a", "华为", 1), ("b", "NVIDIA GPUs", 2)])
    first, second = text.splitlines()[2:4]
    assert display_width(first) == display_width(second)


@given(
    st.lists(
        st.tuples(st.text(alphabet="abc xyz华", max_size=40), st.integers(-(10**7), 10**7)),
        min_size=1,
        max_size=5,
    ),
    st.integers(24, 80),
)
def test_any_table_fits_a_width_it_can_fit(rows: list[tuple[str, int]], width: int) -> None:
    text = table(["text", "number"], rows, width=width)
    assert max(display_width(line) for line in text.splitlines()) <= width
    assert sum(c != " " for c in text) >= sum(c != " " for row in rows for c in row[0])
