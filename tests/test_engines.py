"""The fast engine and the reference engine give the same answers.

* Closure: both agree exactly on the project's own entailments (the triples of the
  cleaned closure whose subject is an ``id:`` or ``src:`` IRI, see
  :func:`aiplus_kg.fast_reasoning.project_view`), the fast closure adds nothing the
  reference one lacks, and both report the same inconsistencies, word for word.
* Validation: the same findings (severity, focus, path, value, message, shape,
  component, files) on the shipped graph, on contributor files that exercise each
  mechanism (owl:sameAs merging, closure types, SPARQL targets on the closure and on
  the asserted triples) and on in-memory mutants.
* Saved queries: the same results, term for term and row for row.
* Selection: ``--engine``, and the fallback to the reference path with a one-line
  notice when a fast package cannot be imported.

The reference runs take seconds each: they run once for the module, two at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from aiplus_kg import engines
from aiplus_kg.errors import InputError
from aiplus_kg.fast_reasoning import project_view
from aiplus_kg.load.dataset import LoadedDataset, load, load_extra
from aiplus_kg.namespaces import AIP, ID, OWL, RDF, RDFS, SH, XSD
from aiplus_kg.project import Project
from aiplus_kg.query.catalogue import load_catalogue, run_project_query
from aiplus_kg.reason.closure import closure_with_errors, inconsistencies
from aiplus_kg.validate.validation import Finding, validate
from tests.support import DATA, run_cli
from tests.test_mutations import MUTANTS as MUTATION_MUTANTS
from tests.test_mutations import apply as apply_mutant

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [
    "invalid/invalid-position-two-holders.ttl",  # functional property: owl:sameAs merge
    "invalid/invalid-jurisdiction-not-a-province.ttl",  # sh:class on inferred types
    "invalid/invalid-class-typo.ttl",  # SPARQL target on the asserted triples
    "invalid/invalid-property-typo.ttl",
    "invalid/invalid-unknown-entity.ttl",
    "invalid/invalid-entity-without-type.ttl",
    "invalid/invalid-conflicting-dates.ttl",  # SPARQL target on the closure
    "invalid/invalid-boolean-as-string.ttl",  # datatypes, literal types in the closure
    "valid/valid-hedged-claim.ttl",
]


def _person_huawei(loaded: LoadedDataset) -> None:
    """A disjointness clash: an organisation typed as a person."""
    graph = loaded.dataset.graph(loaded.article_graphs[0])
    graph.add((ID.huawei, RDF.type, AIP.Person))


def _untyped_chip(loaded: LoadedDataset) -> None:
    """An entity that loses its types."""
    loaded.dataset.remove((ID["ascend-910b"], RDF.type, None))


MUTANTS: dict[str, Callable[[LoadedDataset], None]] = {
    "huawei-is-a-person": _person_huawei,
    "untyped-chip": _untyped_chip,
}


@dataclass(frozen=True)
class Comparison:
    view_equal: bool
    fast_only: int  # triples of the cleaned fast closure the reference closure lacks
    view_size: int
    errors: tuple[tuple[str, ...], tuple[str, ...]]  # (reference, fast)
    findings: tuple[tuple[Finding, ...], tuple[Finding, ...]]  # (reference, fast)


def _loaded(job: str) -> LoadedDataset:
    loaded = load(ROOT)
    if job in MUTANTS:
        MUTANTS[job](loaded)
    elif job:
        load_extra(loaded, [DATA / job])
    return loaded


def _cleaned(graph: Graph) -> set[tuple]:
    return {
        (s, p, o)
        for s, p, o in graph
        if not isinstance(s, Literal) and not (p == OWL.sameAs and s == o)
    }


def _compare(job: str) -> Comparison:
    """Closure and validation of the project (with ``job`` applied) on both engines."""
    loaded = _loaded(job)  # one dataset for both: the same blank nodes
    reference, reference_errors = closure_with_errors(loaded.dataset, engine="reference")
    fast, fast_errors = closure_with_errors(loaded.dataset, engine="fast")
    view = project_view(reference)
    findings = (
        tuple(validate(_loaded(job), engine="reference").findings),
        tuple(validate(_loaded(job), engine="fast").findings),
    )
    return Comparison(
        view_equal=view == project_view(fast),
        fast_only=len(_cleaned(fast) - _cleaned(reference)),
        view_size=len(view),
        errors=(tuple(reference_errors), tuple(fast_errors)),
        findings=findings,
    )


JOBS = ["", *EXAMPLES, *MUTANTS]


@pytest.fixture(scope="module")
def comparisons() -> dict[str, Comparison]:
    with ProcessPoolExecutor(max_workers=2) as pool:
        return dict(zip(JOBS, pool.map(_compare, JOBS), strict=True))


# --- closure ----------------------------------------------------------------------------


@pytest.mark.parametrize("job", JOBS, ids=[j or "shipped" for j in JOBS])
def test_same_project_entailments(job: str, comparisons: dict[str, Comparison]) -> None:
    result = comparisons[job]
    assert result.view_size > 6000, "the view holds the project's entailments"
    assert result.view_equal
    assert result.fast_only == 0


@pytest.mark.parametrize("job", JOBS, ids=[j or "shipped" for j in JOBS])
def test_same_inconsistencies(job: str, comparisons: dict[str, Comparison]) -> None:
    reference, fast = comparisons[job].errors
    assert fast == reference


def test_the_clash_is_found(comparisons: dict[str, Comparison]) -> None:
    reference, fast = comparisons["huawei-is-a-person"].errors
    assert any("Disjoint classes" in e and "huawei" in e for e in fast)
    assert fast == reference


def test_mini_closure_agrees(loaded_mini: LoadedDataset) -> None:
    reference, reference_errors = closure_with_errors(loaded_mini.dataset, engine="reference")
    fast, fast_errors = closure_with_errors(loaded_mini.dataset, engine="fast")
    assert project_view(fast) == project_view(reference)
    assert (ID.huawei, RDF.type, AIP.Organisation) in fast  # subclass
    assert (ID.huawei, AIP.partnerOf, ID.smic) in fast  # symmetric
    assert fast_errors == reference_errors == []


def _clashes() -> Graph:
    """One clash of every kind owlrl reports, on a graph without the ontology."""
    g = Graph()
    a, b, c, d = ID.a, ID.b, ID.c, ID.d
    g.add((ID.nobody, RDF.type, OWL.Nothing))  # cls-nothing2
    g.add((b, OWL.sameAs, c))  # eq-diff1
    g.add((b, OWL.differentFrom, c))
    everyone = BNode()  # eq-diff2 (owlrl checks all but the last member)
    g.add((everyone, RDF.type, OWL.AllDifferent))
    members = BNode()
    Collection(g, members, [a, d, ID.last])
    g.add((everyone, OWL.members, members))
    g.add((a, OWL.sameAs, d))
    g.add((ID.knows, RDF.type, OWL.IrreflexiveProperty))  # prp-irp
    g.add((a, ID.knows, a))
    g.add((ID.parentOf, RDF.type, OWL.AsymmetricProperty))  # prp-asyp
    g.add((a, ID.parentOf, b))
    g.add((b, ID.parentOf, a))
    g.add((ID.likes, OWL.propertyDisjointWith, ID.hates))  # prp-pdw
    g.add((a, ID.likes, c))
    g.add((a, ID.hates, c))
    g.add((ID.Cat, OWL.disjointWith, ID.Dog))  # cax-dw
    g.add((ID.rex, RDF.type, ID.Cat))
    g.add((ID.rex, RDF.type, ID.Dog))
    g.add((ID.Day, OWL.complementOf, ID.Night))  # cls-com
    g.add((ID.dusk, RDF.type, ID.Day))
    g.add((ID.dusk, RDF.type, ID.Night))
    restriction = BNode()  # cls-maxc1
    g.add((restriction, OWL.maxCardinality, Literal(0)))
    g.add((restriction, OWL.onProperty, ID.spouse))
    g.add((ID.monk, RDF.type, restriction))
    g.add((ID.monk, ID.spouse, c))
    negative = BNode()  # prp-npa1
    g.add((negative, OWL.sourceIndividual, a))
    g.add((negative, OWL.assertionProperty, ID.owes))
    g.add((negative, OWL.targetIndividual, b))
    g.add((a, ID.owes, b))
    disjoint = BNode()  # cax-adc
    g.add((disjoint, RDF.type, OWL.AllDisjointClasses))
    classes = BNode()
    Collection(g, classes, [ID.Red, ID.Green, ID.Blue])
    g.add((disjoint, OWL.members, classes))
    g.add((ID.olive, RDF.type, ID.Green))
    g.add((ID.olive, RDF.type, ID.Blue))
    g.add((ID.counter, ID["count"], Literal("abc", datatype=XSD.integer)))  # dt-not-type
    g.add((ID.counter, ID.value, Literal("abc", datatype=ID.private)))  # not an OWL RL datatype
    return g


def test_every_kind_of_clash_worded_as_owlrl_words_it() -> None:
    graph = _clashes()
    _, reference = closure_with_errors(graph, engine="reference")
    _, fast = closure_with_errors(graph, engine="fast")
    assert len(reference) >= 12
    assert fast == reference
    assert inconsistencies(graph, engine="fast") == inconsistencies(graph, engine="reference")


# --- validation -------------------------------------------------------------------------


@pytest.mark.parametrize("job", JOBS, ids=[j or "shipped" for j in JOBS])
def test_same_findings(job: str, comparisons: dict[str, Comparison]) -> None:
    reference, fast = comparisons[job].findings
    assert fast == reference


# Every other example, and one mutant of each operator of the mutation test: findings
# only (the closure comparison above covers the mechanisms).
OTHER_EXAMPLES = sorted(
    f"{p.parent.name}/{p.name}"
    for p in [*(DATA / "invalid").glob("*.ttl"), *(DATA / "valid").glob("*.ttl")]
    if f"{p.parent.name}/{p.name}" not in EXAMPLES
)
OPERATOR_MUTANTS = {m.id: m for m in {m.operator: m for m in reversed(MUTATION_MUTANTS)}.values()}
FINDINGS_JOBS = [*OTHER_EXAMPLES, *sorted(OPERATOR_MUTANTS)]


def _findings_both(job: str) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    def loaded() -> LoadedDataset:
        found = load(ROOT)
        if job in OPERATOR_MUTANTS:
            apply_mutant(OPERATOR_MUTANTS[job], found.dataset)
        else:
            load_extra(found, [DATA / job])
        return found

    return (
        tuple(validate(loaded(), engine="reference").findings),
        tuple(validate(loaded(), engine="fast").findings),
    )


@pytest.fixture(scope="module")
def more_findings() -> dict[str, tuple[tuple[Finding, ...], tuple[Finding, ...]]]:
    with ProcessPoolExecutor(max_workers=2) as pool:
        return dict(zip(FINDINGS_JOBS, pool.map(_findings_both, FINDINGS_JOBS), strict=True))


def test_every_example_and_operator_is_compared() -> None:
    assert len(EXAMPLES) + len(OTHER_EXAMPLES) >= 30
    assert len(OPERATOR_MUTANTS) == len({m.operator for m in MUTATION_MUTANTS}) >= 20


@pytest.mark.parametrize("job", FINDINGS_JOBS)
def test_same_findings_everywhere(
    job: str, more_findings: dict[str, tuple[tuple[Finding, ...], tuple[Finding, ...]]]
) -> None:
    reference, fast = more_findings[job]
    assert fast == reference
    if job.startswith("invalid/") or job in OPERATOR_MUTANTS:
        assert any(f.severity == "Violation" for f in fast), "a mistake to compare"


def test_findings_are_not_trivially_equal(comparisons: dict[str, Comparison]) -> None:
    """The comparison has violations of several kinds to compare."""
    components = {
        f.component
        for job in JOBS
        for f in comparisons[job].findings[1]
        if f.severity == "Violation"
    }
    assert {"SPARQLConstraintComponent", "ClassConstraintComponent", "OWLRLConsistency"} <= (
        components
    )


# --- saved queries ----------------------------------------------------------------------


def _queries() -> list[str]:
    return [q.name for q in load_catalogue(Project(ROOT))]


@pytest.mark.parametrize("name", _queries())
def test_saved_query_same_results(name: str) -> None:
    project = Project(ROOT)
    query = next(q for q in load_catalogue(project) if q.name == name)
    fast = run_project_query(project, query, engine="fast")
    reference = run_project_query(project, query, engine="reference")
    assert fast.results.rows, f"{name} returns no row"
    assert fast.results == reference.results
    assert fast.bindings == reference.bindings
    assert not isinstance(fast.labels, type(reference.labels)), "the fast run used pyoxigraph"


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("chip-to-goal", ["-p", "chip=NVIDIA GPUs"]),
        ("article-facts", ["-p", "article=003"]),
        ("search-labels", ["-p", "text=Silk", "--format", "tsv"]),
        ("who-said-what", ["--format", "json"]),
        ("amounts-and-counts", ["--format", "xml"]),
    ],
)
def test_cli_output_is_byte_identical(name: str, params: list[str]) -> None:
    fast = run_cli("--engine", "fast", "query", name, *params, root=ROOT)
    reference = run_cli("--engine", "reference", "query", name, *params, root=ROOT)
    assert fast.exit_code == reference.exit_code == 0, fast.stderr
    assert fast.stdout_bytes == reference.stdout_bytes
    assert fast.stdout_bytes.count(b"\n") >= 2


def test_unfaithful_literal_goes_to_rdflib(mini_copy: Path) -> None:
    """pyoxigraph would store "0.50" as "0.5": the fast engine leaves the query to rdflib."""
    article = mini_copy / "graph" / "articles" / "a-two.ttl"
    article.write_text(
        article.read_text(encoding="utf-8")
        + '\nid:huawei aip:numericValue "0.50"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n',
        encoding="utf-8",
    )
    query = mini_copy / "queries" / "values.rq"
    query.parent.mkdir()
    query.write_text(
        "#+ summary: numbers\n"
        "SELECT ?v WHERE { ?s <https://w3id.org/aiplus/ontology#numericValue> ?v } ORDER BY ?v\n",
        encoding="utf-8",
    )
    args = ("query", "values", "--format", "csv")
    fast = run_cli("--engine", "fast", *args, root=mini_copy)
    reference = run_cli("--engine", "reference", *args, root=mini_copy)
    assert fast.exit_code == 0, fast.stderr
    assert "0.50" in fast.stdout
    assert fast.stdout == reference.stdout


# --- selection and fallback -------------------------------------------------------------


def test_default_engine_is_fast() -> None:
    assert engines.requested() == engines.FAST
    assert engines.current() == engines.FAST


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(InputError, match="unknown engine 'turbo'"):
        engines.set_engine("turbo")
    result = run_cli("--engine", "turbo", "stats")
    assert result.exit_code == 2
    assert "turbo" in result.stderr


def test_engine_option_does_not_outlive_the_command() -> None:
    assert run_cli("--engine", "reference", "check").exit_code == 0
    assert engines.requested() == engines.FAST


def test_fallback_when_a_fast_package_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(engines._missing, "reason", "reasonable cannot be imported (no wheel)")
    monkeypatch.setitem(engines._state, "noticed", False)
    notices: list[str] = []
    monkeypatch.setattr(engines, "notice", notices.append)
    assert engines.resolve_engine("fast") == engines.REFERENCE
    assert engines.resolve_engine("fast") == engines.REFERENCE
    assert engines.resolve_engine("reference") == engines.REFERENCE
    assert len(notices) == 1
    assert "reasonable cannot be imported" in notices[0]
    assert "reference engine" in notices[0]


def test_fallback_notice_on_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(engines._missing, "reason", "pyoxigraph cannot be imported (test)")
    monkeypatch.setitem(engines._state, "noticed", False)
    monkeypatch.setattr(engines, "notice", engines._stderr_notice)
    result = run_cli("query", "articles", "--format", "csv", root=ROOT)
    expected = run_cli("--engine", "reference", "query", "articles", "--format", "csv", root=ROOT)
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("aiplus: notice: fast engine unavailable: pyoxigraph")
    assert result.stdout == expected.stdout


# --- the pieces -------------------------------------------------------------------------


def test_store_says_when_a_literal_would_change() -> None:
    from rdflib import Dataset, URIRef

    from aiplus_kg.oxstore import dataset_store

    def store_of(value: Literal) -> bool:
        ds = Dataset(default_union=True)
        ds.graph(URIRef("urn:x:g")).add((ID.a, ID.p, value))
        return dataset_store(ds).faithful

    assert store_of(Literal("5", datatype=XSD.decimal))
    assert store_of(Literal("texte", lang="fr"))
    assert store_of(Literal("plain"))
    assert not store_of(Literal("0.50", datatype=XSD.decimal))  # stored as 0.5
    assert not store_of(Literal("x", lang="EN"))  # stored as @en
    assert not store_of(Literal("x", datatype=XSD.string))  # one term with "x" there


def test_store_default_graph_is_the_merge() -> None:
    """A triple two articles state is one triple of the default graph, as in rdflib."""
    from rdflib import Dataset, URIRef

    from aiplus_kg.oxstore import dataset_store, select

    ds = Dataset(default_union=True)
    for name in ("urn:x:one", "urn:x:two"):
        ds.graph(URIRef(name)).add((ID.a, ID.p, ID.b))
    store = dataset_store(ds)
    answer = select(store, "SELECT ?o WHERE { ?s ?p ?o }")
    assert not isinstance(answer, bool)
    assert answer[1] == [(ID.b,)]
    graphs = select(store, "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    assert not isinstance(graphs, bool)
    assert [row[0] for row in graphs[1]] == [URIRef("urn:x:one"), URIRef("urn:x:two")]


def test_lean_graph_is_a_pyshacl_data_graph() -> None:
    import pyshacl

    from aiplus_kg.lean_graph import lean_graph

    data = lean_graph([(ID.a, RDF.type, ID.Thing), (ID.a, ID.name, Literal("a"))])
    assert len(data) == 2
    data.add((ID.b, RDF.type, ID.Thing))
    assert len(data) == 3
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix id: <https://w3id.org/aiplus/id/> .
        id:S a sh:NodeShape ; sh:targetClass id:Thing ;
            sh:property [ sh:path id:name ; sh:minCount 1 ] .
        """,
        format="turtle",
    )
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, inplace=True)
    assert not conforms
    assert "id/b" in text


# --- the fast validator's coverage --------------------------------------------------------


def test_fast_validator_covers_the_project_shapes() -> None:
    """The project's own shapes never send the fast engine back to pySHACL."""
    from aiplus_kg.fast_shacl import validate_fast
    from aiplus_kg.validate.validation import data_graph, load_shapes, split_shapes

    loaded = load(ROOT)
    on_closure, on_asserted = split_shapes(load_shapes(Project(ROOT).shape_files()))
    closure = data_graph(loaded, engine="fast")
    asserted = data_graph(loaded, inference=False, engine="fast")
    found = []
    for data, shapes in ((closure, on_closure), (asserted, on_asserted)):
        results, report = validate_fast(data, shapes)
        assert (None, SH.conforms, Literal(True)) in report
        found.extend(results)
    assert [str(r.severity) for r in found] == [str(SH.Warning)] * 2, "the two warnings"


CLOSED_SHAPES = """
PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX aip: <https://w3id.org/aiplus/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
<urn:x:ChipShape> a sh:NodeShape ; sh:targetClass aip:Chip ;
    sh:closed true ; sh:ignoredProperties ( rdf:type rdfs:label ) .
"""


def test_shapes_it_does_not_cover_go_to_pyshacl(loaded_mini: LoadedDataset) -> None:
    """sh:closed is not covered: the fast engine hands the shapes to pySHACL, and both
    engines still report the same results."""
    from aiplus_kg.fast_shacl import NotCoveredError, validate_fast

    shapes = Graph().parse(data=CLOSED_SHAPES, format="turtle")
    with pytest.raises(NotCoveredError):
        validate_fast(loaded_mini.dataset.triples((None, None, None)), shapes)
    fast = validate(loaded_mini, shapes, engine="fast", inference=False).findings
    reference = validate(loaded_mini, shapes, engine="reference", inference=False).findings
    assert fast == reference
    assert {f.component for f in fast} == {"ClosedConstraintComponent"}


def test_fast_closure_terms_are_rdflib_terms() -> None:
    """The reasoner hands back plain strings for the call only: every term of the
    closure is an rdflib term (the made-up ones too: ``owl:Thing``), a false literal
    keeps its identity, and ``rdflib.URIRef`` is itself again afterwards."""
    import rdflib

    from aiplus_kg.fast_reasoning import _Codec, _reason, fast_closure_set

    zero, false = Literal(0), Literal(False)
    given = [
        (ID.a, RDF.type, OWL.Class),
        (ID.b, RDF.type, ID.a),
        (ID.b, ID["count"], zero),
        (ID.b, ID.flag, false),
        (ID.b, ID.empty, Literal("")),
    ]
    closure, _ = fast_closure_set(given)
    assert rdflib.URIRef is rdflib.term.URIRef
    assert all(isinstance(t, rdflib.term.Identifier) for triple in closure for t in triple)
    assert (ID.b, RDF.type, OWL.Thing) in closure
    assert {o for _, p, o in closure if p == ID["count"]} == {zero}
    assert any(o is false for _, p, o in closure if p == ID.flag)
    assert (ID.b, ID.empty, Literal("")) in closure
    # terms the reasoner makes up (rdf:type, owl:Thing: not in the triples given)
    codec = _Codec()
    made_up = _reason([tuple(codec.encode(t) for t in (ID.a, OWL.sameAs, ID.b))], codec, set(), [])
    assert all(isinstance(t, rdflib.term.Identifier) for triple in made_up for t in triple)
    assert (ID.a, RDF.type, OWL.Thing) in made_up


def test_reasoner_input_reads_as_the_plain_placeholders() -> None:
    """The reasoner's input terms are the placeholders, one object each, answer the
    two attributes it asks of every term (so it raises nothing), and give the closure
    the plain strings give."""
    import reasonable

    from aiplus_kg.fast_reasoning import _reasoner_input

    sub, type_ = str(RDFS.subClassOf), str(RDF.type)
    encoded = [("x:1", type_, "x:2"), ("x:2", sub, "x:3"), ("x:3", sub, "x:4")]
    terms = _reasoner_input(list(encoded))
    assert terms == encoded
    assert terms[0][2] is terms[1][0]
    assert terms[1][2] is terms[2][0]
    assert all(t.datatype is None and t.language is None for triple in terms for t in triple)

    def closure(triples: list[tuple[str, ...]]) -> set[tuple[str, ...]]:
        reasoner = reasonable.PyReasoner()
        reasoner.from_graph(triples)
        return {tuple(map(str, t)) for t in reasoner.reason()}

    found = closure(terms)
    assert found == closure(encoded)
    assert ("x:1", type_, "x:4") in found


def test_unread_predicates_are_put_aside() -> None:
    """Labels and declared annotations go round the reasoner; a predicate with a domain,
    one a restriction names, one described through a predicate that is read, and the
    vocabularies' own predicates go to it."""
    from aiplus_kg.fast_reasoning import _put_aside

    label, note, typ = str(RDFS.label), "x:note", str(RDF.type)
    kept = [
        (str(ID.p), str(RDFS.domain), str(ID.C)),
        (str(ID.r), str(OWL.onProperty), str(ID.q)),
        (str(ID.s), str(ID.ann), "x:v"),
        (str(ID.ann), str(RDFS.range), str(ID.C)),
        (note, typ, str(OWL.AnnotationProperty)),
        ("x:a", str(ID.p), "x:b"),
        ("x:a", str(ID.q), "x:b"),
        ("x:a", str(ID.s), "x:b"),
        ("x:a", typ, str(ID.C)),
    ]
    aside = [(note, label, "x:l1"), ("x:a", label, "x:l2"), ("x:a", note, "x:l3")]
    encoded = [*kept, *aside]
    assert sorted(_put_aside(encoded)) == sorted(aside)
    assert encoded == kept


def _closures_with_and_without_put_aside(
    given: set[tuple], monkeypatch: pytest.MonkeyPatch
) -> tuple[set[tuple], set[tuple]]:
    from aiplus_kg import fast_reasoning
    from aiplus_kg.instance_rules import NotSimpleError

    def whole_graph_only(*_: object) -> None:
        raise NotSimpleError("the whole graph goes to the reasoner in this test")

    # the closure by parts puts nothing aside: reason over the whole graph, as when the
    # data holds owl:sameAs
    monkeypatch.setattr(fast_reasoning, "_by_parts", whole_graph_only)
    with_aside = fast_reasoning.fast_closure_set(set(given))[0]
    monkeypatch.setattr(fast_reasoning, "_put_aside", lambda encoded: [])
    without = fast_reasoning.fast_closure_set(set(given))[0]
    return with_aside, without


@pytest.mark.parametrize("job", ["", *EXAMPLES], ids=["shipped", *EXAMPLES])
def test_put_aside_changes_no_closure(job: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole fast closure is the same whether or not triples go round the reasoner
    (the functional-property example merges two labelled people by owl:sameAs)."""
    given = _loaded(job).union()
    with_aside, without = _closures_with_and_without_put_aside(given, monkeypatch)
    assert with_aside == without


def test_put_aside_triples_follow_same_as(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two values of a functional property are the same: each one's label is the
    other's too, as the reasoner would derive with the labels in hand."""
    given = {
        (AIP.holder, RDF.type, OWL.FunctionalProperty),
        (ID.post, AIP.holder, ID.a),
        (ID.post, AIP.holder, ID.b),
        (ID.a, RDFS.label, Literal("A", lang="en")),
    }
    with_aside, without = _closures_with_and_without_put_aside(given, monkeypatch)
    assert (ID.b, RDFS.label, Literal("A", lang="en")) in with_aside
    assert with_aside == without


def test_put_aside_triples_follow_same_as_chains(monkeypatch: pytest.MonkeyPatch) -> None:
    """A chain of owl:sameAs links carries a triple put aside to every term of the chain,
    at either end, as the reasoner would."""
    mentions = URIRef("https://example.org/mentions")  # used as a predicate only
    given = {
        (ID.a, OWL.sameAs, ID.b),
        (ID.c, OWL.sameAs, ID.b),
        (ID.d, OWL.sameAs, ID.e),
        (ID.a, RDFS.label, Literal("A")),
        (ID.doc, mentions, ID.c),
        (ID.d, mentions, ID.a),
    }
    with_aside, without = _closures_with_and_without_put_aside(given, monkeypatch)
    assert {(ID.c, RDFS.label, Literal("A")), (ID.doc, mentions, ID.a)} <= with_aside
    assert (ID.e, mentions, ID.b) in with_aside
    assert with_aside == without
