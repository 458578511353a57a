"""Text from the data cannot act on the terminal: in the text output of the commands
(tables, ``describe``, ``path``, ``stats``, ``validate``, error messages) ESC, CR, BEL,
backspace and the bidirectional overrides are shown escaped (``\\x1b``, ``\\r``,
``\\u202e``); the machine formats (JSON, CSV, TSV, XML, Turtle, N-Quads) keep them
exactly.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import SH

from tests.support import MINI, REPO, run_cli

NASTY = "Red\x1b[31m alert\rover\u202eright\x07\x08end"
"""A label: a colour sequence, CR, a right-to-left override, BEL and backspace."""
SHOWN = "Red\\x1b[31m alert\\rover\\u202eright\\a\\bend"
RAW = ("\x1b", "\r", "\u202e", "\x07", "\x08")

EVIL = "https://w3id.org/aiplus/id/evil-corp"
LONELY = "https://w3id.org/aiplus/id/lonely"
CLASS = "https://w3id.org/aiplus/ontology#Evil"


def _turtle(text: str) -> str:
    """``text`` as a Turtle string, every character but letters as an escape."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\u{ord(c):04X}" for c in text) + '"'


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini project, plus an article naming a company (and a class, and a lonely
    entity) with a label made of terminal controls."""
    root = tmp_path_factory.mktemp("nasty") / "mini"
    shutil.copytree(MINI, root)
    (root / "queries").mkdir()
    shutil.copy(REPO / "queries" / "search-labels.rq", root / "queries")
    shutil.copytree(REPO / "shapes", root / "shapes")
    (root / "graph" / "articles" / "a-nasty.ttl").write_text(
        f"""PREFIX aip: <https://w3id.org/aiplus/ontology#>
PREFIX id: <https://w3id.org/aiplus/id/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

aip:Evil a owl:Class ; rdfs:subClassOf aip:Company ; rdfs:label {_turtle(NASTY + " class")}@en .
id:evil-corp a aip:Evil ;
    rdfs:label {_turtle(NASTY)}@en ;
    skos:definition {_turtle(NASTY + " definition")}@en ;
    aip:develops id:ascend-910c .
id:lonely a aip:Company ; rdfs:label {_turtle(NASTY + " lonely")}@en .
id:claim-nasty a aip:Claim ;
    rdf:subject id:evil-corp ; rdf:predicate aip:develops ; rdf:object id:ascend-910c ;
    skos:note {_turtle(NASTY + " note")} .
""",
        encoding="utf-8",
    )
    return root


def _strings(data: object) -> list[str]:
    """Every string in a JSON document."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for value in data.values() for s in _strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in _strings(value)]
    return []


def _safe(text: str) -> None:
    for char in RAW:
        assert char not in text, (char, text)


# --- text for people: escaped ---------------------------------------------------------


def test_describe_text_escapes(project: Path) -> None:
    result = run_cli("describe", "id:evil-corp", root=project)
    assert result.exit_code == 0, result.stderr
    _safe(result.stdout)
    assert SHOWN in result.stdout
    assert f"{SHOWN} definition" in result.stdout


def test_describe_json_is_exact(project: Path) -> None:
    result = run_cli("describe", "id:evil-corp", "--format", "json", root=project)
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout  # JSON writes it \u001b
    data = json.loads(result.stdout)
    assert data["name"] == NASTY
    assert f"{NASTY} definition" in " ".join(_strings(data))
    assert SHOWN not in result.stdout


QUERY = """SELECT ?entity ?label WHERE {
  ?entity rdfs:label ?label . FILTER(STRSTARTS(STR(?label), "Red"))
} ORDER BY ?label
"""


def test_sparql_table_escapes_and_stays_aligned(project: Path, tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text(QUERY, encoding="utf-8")
    for extra in ((), ("--iris",)):
        result = run_cli("sparql", str(query), *extra, root=project)
        assert result.exit_code == 0, result.stderr
        _safe(result.stdout)
        lines = result.stdout.splitlines()
        assert lines[-1] == "(3 rows)"
        assert SHOWN in result.stdout
        # every row's second column starts where the header's does
        column = lines[0].index("label")
        assert all(line[column - 2 : column] == "  " for line in lines[2:-1])


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "xml"])
def test_sparql_machine_formats_are_exact(project: Path, tmp_path: Path, fmt: str) -> None:
    query = tmp_path / "q.rq"
    query.write_text(QUERY, encoding="utf-8")
    result = run_cli("sparql", str(query), "--format", fmt, root=project)
    assert result.exit_code == 0, result.stderr
    out = result.stdout_bytes.decode("utf-8")
    assert SHOWN not in out
    if fmt == "json":
        values = [b["label"]["value"] for b in json.loads(out)["results"]["bindings"]]
    elif fmt == "csv":
        values = [row[1] for row in csv.reader(io.StringIO(out, newline=""))][1:]
    elif fmt == "tsv":
        assert "\x1b[31m" in out  # TSV escapes only what Turtle strings must
        assert "\u202e" in out
        return
    else:
        assert "\x1b[31m" in out
        assert "\u202e" in out
        return
    assert NASTY in values


def test_saved_query_table_escapes(project: Path) -> None:
    result = run_cli("query", "search-labels", "-p", "text=Red", root=project)
    assert result.exit_code == 0, result.stderr
    _safe(result.stdout)
    assert SHOWN in result.stdout


def test_stats_escapes(project: Path) -> None:
    result = run_cli("stats", root=project)
    assert result.exit_code == 0, result.stderr
    _safe(result.stdout)
    assert f"{SHOWN} class" in result.stdout
    exact = run_cli("stats", "--format", "json", root=project)
    assert f"{NASTY} class" in _strings(json.loads(exact.stdout))


def test_path_escapes(project: Path) -> None:
    result = run_cli("path", "id:evil-corp", "id:huawei", root=project)
    assert result.exit_code == 0, result.stderr
    _safe(result.stdout)
    assert SHOWN in result.stdout
    exact = run_cli("path", "id:evil-corp", "id:huawei", "--format", "json", root=project)
    assert NASTY in _strings(json.loads(exact.stdout))


def test_an_error_quoting_a_label_escapes(project: Path) -> None:
    result = run_cli("path", "id:lonely", "id:huawei", root=project)
    assert result.exit_code == 1
    assert result.stderr.startswith("aiplus: error: ")
    _safe(result.stderr)
    # an error is one line: the CR was a space before it was shown
    assert f"{SHOWN} lonely".replace("\\r", " ") in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_validate_text_escapes_and_ttl_is_exact(project: Path) -> None:
    """A note without a language tag breaks a shape: the finding quotes it."""
    text = run_cli("validate", root=project)
    assert text.exit_code == 1, text.stderr
    _safe(text.stdout)
    assert f"(value: {SHOWN} note)" in text.stdout
    assert f"{SHOWN} lonely (id:lonely)" in text.stdout
    ttl = run_cli("validate", "--format", "ttl", root=project)
    assert ttl.exit_code == 1
    assert b"\x1b[31m" in ttl.stdout_bytes  # not stripped as a colour sequence
    report = Graph()
    report.parse(data=ttl.stdout_bytes.decode("utf-8"), format="turtle")
    assert Literal(f"{NASTY} note") in set(report.objects(None, SH.value))
    findings = json.loads(run_cli("validate", "--format", "json", root=project).stdout)
    assert f"{NASTY} note" in _strings(findings)


def test_export_is_exact(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.nq"
    result = run_cli("export", "--format", "nq", "-o", str(out), root=project)
    assert result.exit_code == 0, result.stderr
    dataset = Dataset()
    dataset.parse(out, format="nquads")
    objects = {o for _, _, o, _ in dataset.quads((URIRef(EVIL), None, None, None))}
    assert Literal(NASTY, lang="en") in objects
