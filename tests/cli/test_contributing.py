"""The worked example of CONTRIBUTING.md works as written.

Between ``<!-- worked example -->`` and ``<!-- end of the worked example -->``, in the
order written, on a copy of the project in ``tmp_path`` (with the example's text under
``tests/data/new-article/``), from its root:

* each ``aiplus ...`` command of a ```` ```bash ```` block runs (as in README.md's
  examples: also after ``&&``) and must exit with 0, or with the code its comment gives
  (``# exits with 2: ...``); other commands (``cp``, ``cd``) are the reader's;
* a ```` ```turtle ```` block marked ``<!-- add to PATH -->`` is added at the end of the
  file PATH;
* a ```` ```diff ```` block marked ``<!-- change PATH -->`` replaces, in PATH, its
  ``-`` lines with its ``+`` lines.

Then the article is checked as the example claims: its file keeps every comment the
blocks hold, the project validates and is canonical, and the saved queries find its
facts, its hedged claim with its hedge and attribution, and never the claim's triple.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result

from aiplus_kg.knowledge_graph import KnowledgeGraph
from aiplus_kg.namespaces import AIP, ID, SKOS, SRC
from tests.support import DATA, REPO, copy_project, run_cli

CONTRIBUTING = REPO / "CONTRIBUTING.md"
SECTION = re.compile(
    r"^<!-- worked example -->\n(.*?)^<!-- end of the worked example -->", re.M | re.S
)
STEP = re.compile(r"^(?:<!-- (add to|change) (\S+) -->\n)?```(\w+)\n(.*?)^```", re.M | re.S)
EXITS = re.compile(r"#\s*exits with (\d+)")
STEM = "005-333b76d7c974f371"


@dataclass(frozen=True)
class Step:
    kind: str  # bash, turtle, diff
    action: str | None  # "add to", "change"
    path: str | None
    text: str


def _steps() -> list[Step]:
    (section,) = SECTION.findall(CONTRIBUTING.read_text(encoding="utf-8"))
    return [
        Step(kind, action or None, path or None, text)
        for action, path, kind, text in STEP.findall(section)
    ]


def _commands(line: str) -> list[tuple[list[str], int]]:
    """The ``aiplus`` commands of a line, each with the exit code it must give."""
    expected = EXITS.search(line)
    code = int(expected.group(1)) if expected else 0
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    found, segment = [], []
    for token in [*lexer, "&&"]:
        if token in ("&&", ";", "|"):
            if segment[:1] == ["aiplus"]:
                found.append((segment[1:], code))
            segment = []
        else:
            segment.append(token)
    return found


def _apply_diff(path: Path, diff: str) -> None:
    old = "".join(line[1:] + "\n" for line in diff.splitlines() if line.startswith("-"))
    new = "".join(line[1:] + "\n" for line in diff.splitlines() if line.startswith("+"))
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: the lines to change are not there once:\n{old}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def worked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Result], list[Step]]:
    """The project after the worked example, what each command gave, and the steps."""
    root = copy_project(tmp_path_factory.mktemp("contributing") / "project")
    shutil.copytree(DATA / "new-article", root / "tests" / "data" / "new-article")
    steps = _steps()
    results: dict[str, Result] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        for step in steps:
            if step.kind == "bash":
                for line in step.text.splitlines():
                    for args, code in _commands(line):
                        result = run_cli(*args, root=root)
                        shown = " ".join(["aiplus", *args])
                        assert result.exit_code == code, f"{shown}\n{result.stderr}{result.stdout}"
                        results[shown] = result
            elif step.action == "add to":
                assert step.kind == "turtle"
                assert step.path is not None
                target = root / step.path
                target.write_text(
                    target.read_text(encoding="utf-8") + "\n" + step.text, encoding="utf-8"
                )
            elif step.action == "change":
                assert step.kind == "diff"
                assert step.path is not None
                _apply_diff(root / step.path, step.text)
            else:
                pytest.fail(f"a {step.kind} block of the worked example says neither where nor how")
    return root, results, steps


def _result(results: dict[str, Result], start: str) -> Result:
    (found,) = [r for command, r in results.items() if command.startswith(start)]
    return found


def test_the_example_has_every_step(worked: tuple[Path, dict[str, Result], list[Step]]) -> None:
    _, results, steps = worked
    kinds = {(s.kind, s.action) for s in steps}
    assert {("bash", None), ("turtle", "add to"), ("diff", "change")} <= kinds
    for command in ("new-article", "fmt", "validate", "check", "query article-facts"):
        assert any(c.startswith(f"aiplus {command}") for c in results), command


def test_new_article_starts_the_files_with_the_next_steps(
    worked: tuple[Path, dict[str, Result], list[Step]],
) -> None:
    _, results, _ = worked
    out = _result(results, "aiplus new-article").stdout
    assert out.startswith(f"article {STEM}: named graph src:{STEM}\n")
    assert "Next steps:\n" in out
    assert f"aiplus validate graph/articles/{STEM}.ttl" in out


def test_the_article_file_keeps_every_comment(
    worked: tuple[Path, dict[str, Result], list[Step]],
) -> None:
    root, _, steps = worked
    text = (root / "graph" / "articles" / f"{STEM}.ttl").read_text(encoding="utf-8")
    written = [s.text for s in steps if s.path == f"graph/articles/{STEM}.ttl"]
    comments = [c.strip() for t in written for c in re.findall(r"#[^\n]*", t) if '"' not in c]
    assert comments
    for comment in comments:
        assert comment in text, comment
    # the patterns new-article put there are kept too, before the statements
    assert text.index("# 5. A curator's remark") < text.index("# The programme, as the article")
    # and a comment at the end of a line stays at the end of its property's line
    assert 'aip:launchedBy id:ningbo-municipal-government ; # "la municipalité"' in text


def test_the_project_is_canonical_and_valid(
    worked: tuple[Path, dict[str, Result], list[Step]],
) -> None:
    root, results, _ = worked
    assert _result(results, "aiplus fmt --check").stdout.startswith("ok: ")
    assert "conforms: 0 violation(s)" in _result(results, "aiplus validate").stdout
    assert _result(results, "aiplus check").stdout.startswith("ok: ")
    # no warning about the new article either; an info is advice (the article does not
    # say what the start-up develops)
    report = json.loads(run_cli("validate", "--format", "json", root=root).stdout)
    new = [f for f in report["findings"] if any(STEM in path for path in f["files"])]
    assert {f["severity"] for f in new} <= {"Info"}, new


def test_the_saved_queries_find_its_facts(
    worked: tuple[Path, dict[str, Result], list[Step]],
) -> None:
    _, results, _ = worked
    facts = _result(results, "aiplus query article-facts").stdout
    assert "article: Article 005: Ningbo's AI programme for its port" in facts
    for text in ("Ningbo programme for AI tools", "300,000,000", "Haixin Robotics", "reported"):
        assert text in facts, text
    hedged = _result(results, "aiplus query hedged-claims").stdout
    assert "Haixin Robotics" in hedged
    assert "Donghai Info" in _result(results, "aiplus query according-to").stdout
    described = _result(results, "aiplus describe Ningbo programme").stdout
    assert f"graph/articles/{STEM}.ttl:" in described


def test_the_hedged_statement_is_only_a_claim(
    worked: tuple[Path, dict[str, Result], list[Step]],
) -> None:
    root, _, _ = worked
    dataset = KnowledgeGraph.open(root).dataset
    programme = ID["ningbo-port-ai-programme"]
    assert (programme, AIP.implementedBy, ID["haixin-robotics"]) not in dataset
    claim = ID["claim-005-port-programme-implemented-by-haixin"]
    graph = dataset.graph(SRC[STEM])
    assert (claim, AIP.hedge, AIP.Reported) in graph
    assert (claim, AIP.accordingTo, ID["donghai-info"]) in graph
    # the curator's remark is a note, the article's statement a triple
    assert (ID.ningbo, AIP.locatedIn, ID.jiangsu) in graph
    (note,) = graph.objects(ID.ningbo, SKOS.editorialNote)
    assert str(note).startswith("Curator's note: ")
