"""Mutation test of the shapes over the real graph.

Each mutant is the project's dataset with one deliberate mistake, derived in memory from
the loaded graph (the files are never touched): a required triple deleted, a literal of
the wrong datatype, a link to an entity of the wrong class, a misspelt term, a broken
figure or label. Targets are real nodes picked deterministically (sorted, first N; a link
that a claim qualifies is skipped, so that only the intended mistake is made). Every
mutant must fail ``validate`` (on the OWL RL closure, as ``aiplus validate`` runs it):
a mutant that still conforms is a mistake the shapes let through.

Each test validates its own mutant (about half a second), once, by the first test that
needs it (with ``-n``, the module runs on one worker: ``--dist loadscope``); the kill
table is printed and written to ``mutation-report.txt`` under the test's temporary
folder (run ``pytest -s`` to see it).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.knowledge_graph import KnowledgeGraph
from aiplus_kg.load.dataset import LoadedDataset, load
from aiplus_kg.namespaces import AIP, ID, RDF, RDFS, XSD, curie
from aiplus_kg.project import Project
from tests.support import REPO

ROOT = REPO

Triple = tuple[Node, Node, Node]
Quad = tuple[Node, Node, Node, Node]


@dataclass(frozen=True)
class Mutant:
    """One mistake: triples removed from every graph, then quads added."""

    id: str
    operator: str
    target: str
    remove: tuple[Triple, ...] = ()
    add: tuple[Quad, ...] = ()


@dataclass(frozen=True)
class Verdict:
    violations: int
    first_message: str
    messages: tuple[str, ...] = field(default=())
    seconds: float = 0.0

    @property
    def killed(self) -> bool:
        return self.violations > 0


# --- choosing targets -----------------------------------------------------------------


def _sorted(nodes: Iterable[Node]) -> list[Node]:
    return sorted(set(nodes), key=str)


def _entities(ds: Dataset, cls: URIRef | None = None) -> list[URIRef]:
    """Entities of the id: namespace with an asserted type (of ``cls``, if given), sorted."""
    found = ds.subjects(RDF.type, cls) if cls is not None else ds.subjects(RDF.type, None)
    return [n for n in _sorted(found) if isinstance(n, URIRef) and n.startswith(str(ID))]


def _label(ds: Dataset, node: Node, lang: str) -> Literal:
    labels = sorted(o for o in ds.objects(node, RDFS.label) if o.language == lang)
    assert len(labels) == 1, f"{curie(str(node))} has {len(labels)} @{lang} labels"
    return labels[0]


def _where(ds: Dataset, triple: Triple) -> list[Node]:
    """The graphs that hold ``triple``."""
    graphs = _sorted(g for *_, g in ds.quads((*triple, None)))
    assert graphs, f"no graph holds {triple}"
    return graphs


def _replace(ds: Dataset, old: Triple, new: Triple) -> tuple[tuple[Triple], tuple[Quad, ...]]:
    """Swap ``old`` for ``new`` in every graph that holds ``old``."""
    return (old,), tuple((*new, g) for g in _where(ds, old))


def _all(ds: Dataset, s: Node, p: Node) -> tuple[Triple, ...]:
    triples = tuple((s, p, o) for o in _sorted(ds.objects(s, p)))
    assert triples, f"{curie(str(s))} has no {curie(str(p))}"
    return triples


def _unclaimed(ds: Dataset, triples: Iterable[Triple]) -> list[Triple]:
    """``triples`` that no claim qualifies (breaking one leaves every claim whole), sorted."""
    claimed = {
        (
            ds.value(c, AIP.claimSubject),
            ds.value(c, AIP.claimPredicate),
            ds.value(c, AIP.claimObject),
        )
        for c in ds.subjects(RDF.type, AIP.Claim)
    }
    return sorted((t for t in triples if t not in claimed), key=lambda t: tuple(map(str, t)))


def _first(nodes: list, n: int = 1) -> list:
    assert len(nodes) >= n, f"only {len(nodes)} candidate node(s), {n} wanted"
    return nodes[:n]


# --- the operators ----------------------------------------------------------------------

Builder = Callable[[Dataset], list[tuple[str, str, tuple, tuple]]]
"""Returns (operator, target, remove, add) tuples."""


def _delete_label(lang: str, n: int) -> Builder:
    def build(ds: Dataset) -> list:
        targets = _first([e for e in _entities(ds) if ds.value(e, RDFS.label) is not None], n)
        return [
            (f"delete-label-{lang}", curie(str(e)), ((e, RDFS.label, _label(ds, e, lang)),), ())
            for e in targets
        ]

    return build


def _delete_all(operator: str, cls: URIRef | None, prop: URIRef, n: int) -> Builder:
    """Delete every value of ``prop`` of the first ``n`` instances of ``cls`` that have one."""

    def build(ds: Dataset) -> list:
        having = [e for e in _entities(ds, cls) if ds.value(e, prop) is not None]
        return [(operator, curie(str(e)), _all(ds, e, prop), ()) for e in _first(having, n)]

    return build


def _delete_holder(ds: Dataset) -> list:
    # The holder is stated both ways (aip:holder and its inverse aip:holdsPosition), and
    # the reasoner restores either from the other: the mutant deletes the fact itself.
    position = _first(_entities(ds, AIP.Position))[0]
    person = ds.value(position, AIP.holder)
    remove = ((position, AIP.holder, person), (person, AIP.holdsPosition, position))
    return [("delete-holder", curie(str(position)), remove, ())]


def _delete_type(n: int) -> Builder:
    def build(ds: Dataset) -> list:
        return [
            ("delete-type", curie(str(e)), _all(ds, e, RDF.type), ())
            for e in _first(_entities(ds), n)
        ]

    return build


def _retype_literal(operator: str, prop: URIRef, make: Callable[[Literal], Literal], n: int):
    def build(ds: Dataset) -> list:
        triples = sorted(ds.triples((None, prop, None)), key=lambda t: (str(t[0]), str(t[2])))
        out = []
        for s, p, o in _first(triples, n):
            remove, add = _replace(ds, (s, p, o), (s, p, make(o)))
            out.append((operator, f"{curie(str(s))} {curie(str(p))} {o}", remove, add))
        return out

    return build


def _booleans_as_strings(ds: Dataset) -> list:
    triples = sorted(
        (
            t
            for t in ds.triples((None, None, None))
            if getattr(t[2], "datatype", None) == XSD.boolean
        ),
        key=lambda t: (str(t[0]), str(t[1])),
    )
    assert triples, "no boolean in the graph"
    out = []
    for s, p, o in triples:
        remove, add = _replace(ds, (s, p, o), (s, p, Literal(str(o).lower())))
        out.append(("boolean-as-string", f"{curie(str(s))} {curie(str(p))}", remove, add))
    return out


def _wrong_class(prop: URIRef, cls: URIRef, inverse: URIRef | None = None) -> Builder:
    """Point the first ``prop`` link at the first entity of the wrong class ``cls``."""

    def build(ds: Dataset) -> list:
        s, p, o = _first(_unclaimed(ds, ds.triples((None, prop, None))))[0]
        wrong = _first(_entities(ds, cls))[0]
        remove, add = _replace(ds, (s, p, o), (s, p, wrong))
        if inverse is not None and (o, inverse, s) in ds:
            more_remove, more_add = _replace(ds, (o, inverse, s), (wrong, inverse, s))
            remove, add = remove + more_remove, add + more_add
        target = f"{curie(str(s))} {curie(str(p))} {curie(str(wrong))} (was {curie(str(o))})"
        return [(f"wrong-class-{curie(str(prop)).split(':')[1]}", target, remove, add)]

    return build


def _misspell_property(ds: Dataset) -> list:
    s, p, o = _first(_unclaimed(ds, ds.triples((None, AIP.madeBy, None))))[0]
    remove, add = _replace(ds, (s, p, o), (s, AIP.madeby, o))
    return [("misspell-property", f"{curie(str(s))} aip:madeBy -> aip:madeby", remove, add)]


def _misspell_class(ds: Dataset) -> list:
    firm = _first(_entities(ds, AIP.Firm))[0]
    remove, add = _replace(ds, (firm, RDF.type, AIP.Firm), (firm, RDF.type, AIP.Frim))
    return [("misspell-class", f"{curie(str(firm))} a aip:Firm -> aip:Frim", remove, add)]


def _misspell_hedge(ds: Dataset) -> list:
    s, p, o = _first(_unclaimed(ds, ds.triples((None, AIP.hedge, None))))[0]
    remove, add = _replace(ds, (s, p, o), (s, p, AIP.Rumoured))
    return [("misspell-hedge", f"{curie(str(s))} {curie(str(o))} -> aip:Rumoured", remove, add)]


def _drop_language_tag(ds: Dataset) -> list:
    entity = _first(_entities(ds))[0]
    label = _label(ds, entity, "fr")
    remove, add = _replace(
        ds, (entity, RDFS.label, label), (entity, RDFS.label, Literal(str(label)))
    )
    return [("drop-language-tag", f"{curie(str(entity))} @fr label", remove, add)]


def _negative_amount(ds: Dataset) -> list:
    changes = set(ds.objects(None, AIP.change))
    amounts = [a for a in _entities(ds, AIP.Quantity) if a not in changes]
    amounts = [a for a in amounts if ds.value(a, AIP.numericValue) is not None]
    amount = _first(amounts)[0]
    value = ds.value(amount, AIP.numericValue)
    negative = Literal(-value.toPython(), datatype=XSD.decimal)
    remove, add = _replace(
        ds, (amount, AIP.numericValue, value), (amount, AIP.numericValue, negative)
    )
    return [("negative-amount", f"{curie(str(amount))} {value} -> {negative}", remove, add)]


def _percentage_above_100(ds: Dataset) -> list:
    out = []
    for prop in (AIP.numericValue, AIP.maxValue):
        having = [a for a in _entities(ds, AIP.Percentage) if ds.value(a, prop) is not None]
        amount = _first(having)[0]
        value = ds.value(amount, prop)
        high = Literal("150", datatype=XSD.decimal)
        remove, add = _replace(ds, (amount, prop, value), (amount, prop, high))
        out.append(
            ("percentage-above-100", f"{curie(str(amount))} {curie(str(prop))} 150", remove, add)
        )
    return out


def _two_english_labels(ds: Dataset) -> list:
    entity = _first(_entities(ds))[0]
    graph = _where(ds, (entity, RDFS.label, _label(ds, entity, "en")))[0]
    extra = Literal(f"{_label(ds, entity, 'en')} (second English label)", lang="en")
    return [("two-english-labels", curie(str(entity)), (), ((entity, RDFS.label, extra, graph),))]


def _duplicate_english_label(ds: Dataset) -> list:
    first, second = _first(_entities(ds), 2)
    old = _label(ds, second, "en")
    remove, add = _replace(
        ds, (second, RDFS.label, old), (second, RDFS.label, _label(ds, first, "en"))
    )
    target = f"{curie(str(first))}'s @en label copied onto {curie(str(second))}"
    return [("duplicate-english-label", target, remove, add)]


def _break_claim(n: int) -> Builder:
    """Assert the statement of a hedged claim as a plain fact, in the claim's graph: a
    hedged statement lives only in its claim (docs/hedges.md)."""

    def build(ds: Dataset) -> list:
        out = []
        hedged = [c for c in _entities(ds, AIP.Claim) if ds.value(c, AIP.hedge) is not None]
        for claim in _first(hedged, n):
            triple = (
                ds.value(claim, AIP.claimSubject),
                ds.value(claim, AIP.claimPredicate),
                ds.value(claim, AIP.claimObject),
            )
            assert triple not in ds, f"{curie(str(claim))} qualifies a triple the graph asserts"
            graph = _where(ds, (claim, RDF.type, AIP.Claim))[0]
            out.append(("break-claim", curie(str(claim)), (), ((*triple, graph),)))
        return out

    return build


def _wrong_currency(ds: Dataset) -> list:
    amount = _first(_entities(ds, AIP.MonetaryAmount))[0]
    old = ds.value(amount, AIP.currency)
    remove, add = _replace(ds, (amount, AIP.currency, old), (amount, AIP.currency, Literal("yuan")))
    return [("wrong-currency", f'{curie(str(amount))} "{old}" -> "yuan"', remove, add)]


BUILDERS: tuple[Builder, ...] = (
    _delete_label("en", 1),
    _delete_label("fr", 1),
    _delete_all("delete-statedIn", None, AIP.statedIn, 1),
    _delete_all("delete-currency", AIP.MonetaryAmount, AIP.currency, 1),
    _delete_all("delete-unit", AIP.Quantity, AIP.unit, 1),
    _delete_all("delete-speaker", AIP.Remark, AIP.speaker, 1),
    _delete_all("delete-summary", AIP.Remark, AIP.summary, 1),
    _delete_all("delete-summary", AIP.Observation, AIP.summary, 1),
    _delete_holder,
    _delete_all("delete-claimSubject", AIP.Claim, AIP.claimSubject, 1),
    _delete_type(2),
    _retype_literal("numericValue-as-string", AIP.numericValue, lambda o: Literal(str(o)), 1),
    _retype_literal("date-as-plain-string", AIP.date, lambda o: Literal(str(o)), 1),
    _booleans_as_strings,
    _wrong_class(AIP.madeBy, AIP.Person, inverse=AIP.makes),
    _wrong_class(AIP.serves, AIP.Sector, inverse=AIP.servedBy),
    _wrong_class(AIP.speaker, AIP.Chip),
    _wrong_class(AIP.holder, AIP.Firm, inverse=AIP.holdsPosition),
    _misspell_property,
    _misspell_class,
    _misspell_hedge,
    _drop_language_tag,
    _negative_amount,
    _percentage_above_100,
    _two_english_labels,
    _duplicate_english_label,
    _break_claim(1),
    _wrong_currency,
)


def derive_mutants(loaded: LoadedDataset) -> list[Mutant]:
    """All mutants of ``loaded``, numbered in a stable order."""
    ds = loaded.dataset
    rows = [row for build in BUILDERS for row in build(ds)]
    return [
        Mutant(f"m{i:02d}-{operator}", operator, target, tuple(remove), tuple(add))
        for i, (operator, target, remove, add) in enumerate(rows, start=1)
    ]


def apply(mutant: Mutant, ds: Dataset) -> None:
    for triple in mutant.remove:
        assert triple in ds, f"{mutant.id}: {triple} is not in the graph"
        ds.remove(triple)  # from every graph
    for s, p, o, g in mutant.add:
        ds.graph(g).add((s, p, o))


def _verdict(mutant: Mutant | None) -> Verdict:
    """Validate the project with ``mutant`` applied (none: the project as it is)."""
    start = time.monotonic()
    kg = KnowledgeGraph(Project(ROOT), cache=None)
    if mutant is not None:
        apply(mutant, kg.dataset)
    findings = [f for f in kg.validate().findings if f.severity == "Violation"]
    messages = tuple(f"{f.focus_label}: {f.path or '-'}: {f.message}" for f in findings)
    first = messages[0] if messages else ""
    return Verdict(len(findings), first, messages, time.monotonic() - start)


MUTANTS = derive_mutants(load(ROOT))

# Mutants the shapes cannot catch, keyed by (operator, target): each is an expected
# failure with its reason. None at present; a mutant that survives is a gap to close.
SURVIVORS: dict[tuple[str, str], str] = {}


def _param(mutant: Mutant) -> object:
    reason = SURVIVORS.get((mutant.operator, mutant.target))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(mutant, id=mutant.id, marks=marks)


def render(mutants: list[Mutant], verdicts: dict[str, Verdict]) -> str:
    rows = [("mutant", "operator", "target", "killed", "first violation")]
    for m in mutants:
        v = verdicts[m.id]
        rows.append((m.id, m.operator, m.target, "yes" if v.killed else "NO", v.first_message))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4]
        for r in rows
    ]
    killed = sum(verdicts[m.id].killed for m in mutants)
    seconds = sum(verdicts[m.id].seconds for m in mutants)
    lines.append("")
    lines.append(
        f"kill rate: {killed}/{len(mutants)} = {killed / len(mutants):.1%} "
        f"({len(mutants)} mutants, {seconds:.0f} s of validation)"
    )
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def verdicts() -> dict[str, Verdict]:
    """The verdicts this worker has computed, by mutant id (the unmutated project under
    the key ""); :func:`verdict_of` fills it."""
    return {}


def verdict_of(verdicts: dict[str, Verdict], mutant: Mutant | None) -> Verdict:
    """The verdict on ``mutant`` (none: the project as it is), computed once per worker."""
    key = "" if mutant is None else mutant.id
    if key not in verdicts:
        verdicts[key] = _verdict(mutant)
    return verdicts[key]


OPERATORS = frozenset(
    {
        "delete-label-en",
        "delete-label-fr",
        "delete-statedIn",
        "delete-currency",
        "delete-unit",
        "delete-speaker",
        "delete-summary",
        "delete-holder",
        "delete-claimSubject",
        "delete-type",
        "numericValue-as-string",
        "date-as-plain-string",
        "boolean-as-string",
        "wrong-class-madeBy",
        "wrong-class-serves",
        "wrong-class-speaker",
        "wrong-class-holder",
        "misspell-property",
        "misspell-class",
        "misspell-hedge",
        "drop-language-tag",
        "negative-amount",
        "percentage-above-100",
        "two-english-labels",
        "duplicate-english-label",
        "break-claim",
        "wrong-currency",
    }
)


def test_enough_mutants_of_every_operator() -> None:
    assert len(MUTANTS) >= 30
    assert {m.operator for m in MUTANTS} == OPERATORS
    assert len({m.id for m in MUTANTS}) == len(MUTANTS)
    assert all(m.remove or m.add for m in MUTANTS)


def test_mutants_are_derived_deterministically() -> None:
    assert derive_mutants(load(ROOT)) == MUTANTS


def test_unmutated_project_conforms(verdicts: dict[str, Verdict]) -> None:
    # Otherwise a violation would "kill" every mutant whatever the mutation did.
    verdict = verdict_of(verdicts, None)
    assert verdict.violations == 0, verdict.messages


@pytest.mark.parametrize("mutant", [_param(m) for m in MUTANTS])
def test_mutant_is_killed(mutant: Mutant, verdicts: dict[str, Verdict]) -> None:
    verdict = verdict_of(verdicts, mutant)
    assert verdict.killed, f"{mutant.id} ({mutant.target}) conforms: the shapes let it through"


def test_report_written(verdicts: dict[str, Verdict], tmp_path: Path) -> None:
    """The kill table of every mutant (those another worker validated are validated here
    again): printed, and written under the test's temporary folder."""
    table = render(MUTANTS, {m.id: verdict_of(verdicts, m) for m in MUTANTS})
    report = tmp_path / "mutation-report.txt"
    report.write_text(table, encoding="utf-8")
    print(f"\n{table}(written to {report})")
    text = report.read_text(encoding="utf-8")
    assert all(m.id in text for m in MUTANTS)
    assert "kill rate:" in text
