"""Answers people can read: ``--labels`` in every format, ``--lang``, tables sized to the
terminal (or ``--width``) with wrapped cells, ``--truncate``, thousands separators, and
nothing wrapped or cut when the output is not a terminal."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from aiplus_kg.cli import options
from aiplus_kg.query.results import RESULTS_NAMESPACE
from aiplus_kg.query.tables import display_width
from tests.query_support import ROOT
from tests.support import run_cli

QUERY = (
    "SELECT ?x ?n WHERE { VALUES (?x ?n) { (id:huawei 1234567) (id:nvidia-gpus 2) "
    "(<https://example.org/things#no-label> 3) } } ORDER BY ?n\n"
)
LONG = "DeepSeek's reported choice of the Ascend 910B over NVIDIA GPUs for R2"
LONG_QUERY = (
    'SELECT ?x ?about ?n WHERE { VALUES (?x ?about ?n) { (id:deepseek-r2-chip-decision "'
    + " ".join(["the chip DeepSeek chose for its R2 model, as reported"] * 3)
    + '" 1500) } }\n'
)


def _sparql(tmp_path: Path, text: str, *args: str) -> str:
    path = tmp_path / "query.rq"
    path.write_text(text, encoding="utf-8")
    result = run_cli("sparql", str(path), *args, root=ROOT)
    assert result.exit_code == 0, result.stderr
    return result.stdout


# --- labels -------------------------------------------------------------------------------


def test_labels_in_csv(tmp_path: Path) -> None:
    rows = list(csv.reader(io.StringIO(_sparql(tmp_path, QUERY, "--labels", "--format", "csv"))))
    assert rows == [
        ["x", "xLabel", "n"],
        ["https://w3id.org/aiplus/id/nvidia-gpus", "NVIDIA GPUs", "2"],
        ["https://example.org/things#no-label", "no-label", "3"],
        ["https://w3id.org/aiplus/id/huawei", "Huawei", "1234567"],
    ]


def test_labels_in_tsv_json_and_xml_carry_their_language(tmp_path: Path) -> None:
    tsv = _sparql(tmp_path, QUERY, "--labels", "--lang", "fr", "--format", "tsv").splitlines()
    assert tsv[0] == "?x\t?xLabel\t?n"
    assert tsv[1] == '<https://w3id.org/aiplus/id/nvidia-gpus>\t"GPU NVIDIA"@fr\t2'
    assert tsv[2] == '<https://example.org/things#no-label>\t"no-label"\t3'

    data = json.loads(_sparql(tmp_path, QUERY, "--labels", "--lang", "zh", "--format", "json"))
    assert data["head"]["vars"] == ["x", "xLabel", "n"]
    labels = [b["xLabel"] for b in data["results"]["bindings"]]
    assert labels == [
        {"type": "literal", "value": "NVIDIA GPUs", "xml:lang": "en"},  # no Chinese label
        {"type": "literal", "value": "no-label"},
        {"type": "literal", "value": "华为", "xml:lang": "zh"},
    ]

    root = ET.fromstring(_sparql(tmp_path, QUERY, "--labels", "--format", "xml"))
    ns = {"r": RESULTS_NAMESPACE}
    names = [v.get("name") for v in root.findall("r:head/r:variable", ns)]
    assert names == ["x", "xLabel", "n"]
    found = root.findall("r:results/r:result/r:binding[@name='xLabel']/r:literal", ns)
    assert [(f.text, f.get("{http://www.w3.org/XML/1998/namespace}lang")) for f in found] == [
        ("NVIDIA GPUs", "en"),
        ("no-label", None),
        ("Huawei", "en"),
    ]


def test_machine_formats_add_labels_only_when_asked(tmp_path: Path) -> None:
    for fmt in ("csv", "tsv", "json", "xml"):
        assert "xLabel" not in _sparql(tmp_path, QUERY, "--format", fmt)


def test_the_table_shows_labels_and_with_labels_both(tmp_path: Path) -> None:
    plain = _sparql(tmp_path, QUERY).splitlines()
    assert plain[0].split() == ["x", "n"]
    assert plain[2].split() == ["NVIDIA", "GPUs", "2"]
    both = _sparql(tmp_path, QUERY, "--labels", "--lang", "zh").splitlines()
    assert both[0].split() == ["x", "xLabel", "n"]
    assert both[4].split() == ["id:huawei", "华为", "1,234,567"]


def test_saved_query_labels_in_every_format() -> None:
    table = run_cli("query", "chip-to-goal", "--labels", root=ROOT)
    assert table.exit_code == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0] == "chip: id:ascend-910b (Ascend 910B)"
    assert lines[1].split()[:5] == ["step", "subject", "subjectLabel", "property", "propertyLabel"]
    for fmt in ("csv", "tsv", "json", "xml"):
        result = run_cli("query", "chip-to-goal", "--labels", "--format", fmt, root=ROOT)
        assert result.exit_code == 0, result.stderr
        assert "subjectLabel" in result.stdout
        assert "Ascend 910B" in result.stdout
        assert "_chip_iri" not in result.stdout  # the parameter, not a column


def test_parameter_columns_are_left_out_of_answers() -> None:
    result = run_cli("query", "chip-to-goal", "--format", "csv", root=ROOT)
    assert result.stdout.splitlines()[0].startswith("step,subject,property,object,")
    table = run_cli("query", "chip-to-goal", root=ROOT)
    assert table.stdout.splitlines()[0] == "chip: Ascend 910B"
    assert "_chip" not in table.stdout


def test_a_bad_language_is_a_usage_error() -> None:
    result = run_cli("query", "articles", "--lang", "français!", root=ROOT)
    assert result.exit_code == 2
    assert "is not a language tag" in result.stderr
    assert result.stderr.count("\n") == 1


# --- tables that fit ----------------------------------------------------------------------


def _widths(text: str) -> list[int]:
    return [display_width(line) for line in text.splitlines()]


def test_output_that_is_not_a_terminal_is_never_wrapped_or_cut(tmp_path: Path) -> None:
    text = _sparql(tmp_path, LONG_QUERY)
    assert LONG in text
    assert "…" not in text
    assert len(text.splitlines()) == 4  # heading, rule, one row, count
    truncated = _sparql(tmp_path, LONG_QUERY, "--truncate")
    assert truncated == text  # nothing to fit: nothing cut


def test_width_wraps_long_cells(tmp_path: Path) -> None:
    text = _sparql(tmp_path, LONG_QUERY, "--width", "60")
    assert max(_widths(text)) <= 60
    assert "…" not in text
    assert len(text.splitlines()) > 4
    words = " ".join(text.split())
    for word in ("DeepSeek's", "reported", "R2", "1,500"):
        assert word in words


def test_truncate_cuts_with_a_visible_marker(tmp_path: Path) -> None:
    text = _sparql(tmp_path, LONG_QUERY, "--width", "60", "--truncate")
    lines = text.splitlines()
    assert max(_widths(text)) <= 60
    assert len(lines) == 4
    assert "…" in lines[2]
    assert "1,500" in lines[2]  # numbers are not cut


def test_width_zero_is_no_limit(tmp_path: Path) -> None:
    assert _sparql(tmp_path, LONG_QUERY, "--width", "0") == _sparql(tmp_path, LONG_QUERY)


def test_a_narrow_terminal_wraps_to_its_width(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(options, "stdout_is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "50")
    text = _sparql(tmp_path, LONG_QUERY)
    assert max(_widths(text)) <= 50
    assert "…" not in text
    assert "DeepSeek's" in text
    monkeypatch.setenv("COLUMNS", "400")
    assert LONG in _sparql(tmp_path, LONG_QUERY)


def test_machine_formats_are_never_fitted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(options, "stdout_is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "30")
    rows = list(csv.reader(io.StringIO(_sparql(tmp_path, LONG_QUERY, "--format", "csv"))))
    assert rows[1][2] == "1500"  # no thousands separator either
    assert rows[1][1].endswith("as reported")


def test_numbers_have_thousands_separators_in_tables_only(tmp_path: Path) -> None:
    count = "SELECT (COUNT(*) AS ?triples) (1234.50 AS ?d) WHERE { ?s ?p ?o }\n"
    rows = list(csv.reader(io.StringIO(_sparql(tmp_path, count, "--format", "csv"))))
    triples = int(rows[1][0])
    assert triples > 1000
    assert rows[1][1] == "1234.5"
    table = _sparql(tmp_path, count).splitlines()
    assert table[2].split() == [f"{triples:,}", "1,234.5"]
    for fmt in ("tsv", "json", "xml"):
        assert f"{triples:,}" not in _sparql(tmp_path, count, "--format", fmt)
