"""``aiplus export`` on the command line: ``--graph``, ``--inferred``, and the help on
which formats hold the union of the graphs."""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset
from rdflib.compare import isomorphic

from aiplus_kg.export.serialise import INFERRED_GRAPH
from aiplus_kg.export.void import VOID_GRAPH
from aiplus_kg.load.dataset import load
from aiplus_kg.namespaces import AIP, ID, SRC
from tests.support import MINI, run_cli

HUAWEI_PARTNER_OF_SMIC = (ID["huawei"], AIP["partnerOf"], ID["smic"])


def _graphs(data: bytes, fmt: str) -> Dataset:
    parsed = Dataset()
    parsed.parse(data=data, format={"nq": "nquads", "trig": "trig", "jsonld": "json-ld"}[fmt])
    return parsed


def test_cli_export_one_article(tmp_path: Path) -> None:
    out = tmp_path / "one.nq"
    result = run_cli("export", "--format", "nq", "--graph", "a-one", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    parsed = _graphs(out.read_bytes(), "nq")
    # the article, and the VoID/DCAT description of what was exported
    assert {g.identifier for g in parsed.graphs() if len(g)} == {SRC["a-one"], VOID_GRAPH}
    assert isomorphic(parsed.graph(SRC["a-one"]), load(MINI).graph(SRC["a-one"]))


def test_cli_unknown_graph_is_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "x.nq"
    result = run_cli("export", "--format", "nq", "--graph", "nope", "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr.startswith("aiplus: error: --graph 'nope' is not a graph")
    assert result.stderr.count("\n") == 1
    assert not out.exists()


def test_cli_export_inferred_round_trips(tmp_path: Path) -> None:
    for fmt in ("nq", "trig", "jsonld"):
        out = tmp_path / f"all.{fmt}"
        result = run_cli("export", "--format", fmt, "--inferred", "-o", str(out))
        assert result.exit_code == 0, result.stderr
        parsed = _graphs(out.read_bytes(), fmt)
        assert HUAWEI_PARTNER_OF_SMIC in set(parsed.graph(INFERRED_GRAPH))
    result = run_cli("export", "--format", "nt", "--inferred")
    assert (
        b"<https://w3id.org/aiplus/id/huawei> <https://w3id.org/aiplus/ontology#partnerOf> "
        b"<https://w3id.org/aiplus/id/smic> .\n" in result.stdout_bytes
    )


def test_export_help_says_which_formats_are_the_union() -> None:
    result = run_cli("export", "--help")
    assert "ttl and nt: the union of the graphs" in " ".join(result.stdout.split())
    assert "nq, trig and jsonld: one named graph per source" in " ".join(result.stdout.split())
