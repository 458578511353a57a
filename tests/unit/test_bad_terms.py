"""Terms RDF cannot hold: how they are judged (:func:`term_problem`), shown in a message,
and refused by the loader at ``file:line``; the literal longer than pyoxigraph's
parser reads (16 MiB), which loads."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from rdflib import Literal, URIRef

from aiplus_kg.errors import InputError
from aiplus_kg.load import store as store_module
from aiplus_kg.load.store import NTriplesWriter, Store
from aiplus_kg.load.terms import iri_problem, shown_term, term_problem
from aiplus_kg.load.turtle import parse_turtle_data, quiet_rdflib_terms


@pytest.fixture(autouse=True, scope="module")
def _rdflib_silent_on_bad_iris() -> Iterator[None]:
    """rdflib logs each odd IRI it is given, as it stands: a lone surrogate in a captured
    log cannot cross to the parallel runner's main process, which then stops."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


BASE = "https://w3id.org/aiplus/source/test"

# IRIs near the edge: the characters an IRI may not hold, escapes, hosts, and the rest
_IRI_PIECES = st.sampled_from(
    [
        "https://w3id.org/aiplus/id/",
        "urn:x:",
        "http://[::1]/",
        "http://[x/",
        "%41",
        "%zz",
        "%",
        "#",
        "?",
        "é",
        "中",
        "\u00a0",
        "\ufffe",
        "\U0010ffff",
        "\ud800",
        " ",
        "\t",
        "\x01",
        "\x7f",
        "\x85",
        "<",
        ">",
        '"',
        "{",
        "|",
        "^",
        "`",
        "\\",
        ":",
        "/",
        "a",
        "Z9-._~",
    ]
)
IRIS = st.one_of(st.lists(_IRI_PIECES, max_size=6).map("".join), st.text(max_size=20))


def _oxigraph_takes(iri: str) -> bool:
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


@given(IRIS)
@example("https://w3id.org/aiplus/id/bad iri")
@example("https://w3id.org/aiplus/id/bad>iri")
def test_an_iri_is_bad_exactly_when_pyoxigraph_refuses_it(iri: str) -> None:
    """One judge for the fast parse (pyoxigraph), the slow one (rdflib, then
    :func:`iri_problem`) and what a user types."""
    why = iri_problem(iri)
    assert (why is None) == _oxigraph_takes(iri)
    if why is not None:
        assert why
        assert "\n" not in why


@given(IRIS)
def test_a_term_is_shown_on_one_line_as_it_stands_in_a_message(iri: str) -> None:
    shown = shown_term(URIRef(iri))
    assert shown.startswith("<")
    assert shown.endswith(">")
    assert all(c == " " or c.isprintable() for c in shown)
    assert not re.search(r'[<>"{}|^`]', shown[1:-1])
    message = InputError(f"x.ttl:1: bad IRI {shown}").message
    assert shown in message or "  " in shown


def _turtle_iri(iri: str, escape: bool) -> str:
    """``iri`` written between angle brackets: each character Turtle's IRIREF leaves out
    escaped (``\\u``) or, unless ``escape``, those that do not end the IRI as they are."""
    out = []
    for char in iri:
        if char in "<>\\\n\r" or (escape and (char in '"{}|^`' or ord(char) <= 0x20)):
            out.append(f"\\u{ord(char):04X}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08X}")
        else:
            out.append(char)
    return "".join(out)


@given(IRIS, st.booleans(), st.booleans())
@example("a b", False, False)
@example("https://x/a\x01b", False, True)
def test_the_loader_takes_an_iri_or_refuses_it_at_its_line(
    iri: str, escape: bool, rdflib_only: bool
) -> None:
    """Whatever the IRI, the file loads with no bad term, or is refused with an
    :class:`InputError` at ``file:line``: never another exception. ``rdflib_only``: the
    file holds an explicit ``xsd:string``, which only rdflib reads as the project must."""
    spelled = _turtle_iri(iri, escape)
    if re.search(r"[\ud800-\udfff]", spelled):
        return  # a file is UTF-8 text: a surrogate can only come as an escape
    typed = '"v"^^<http://www.w3.org/2001/XMLSchema#string>' if rdflib_only else '"v"'
    text = f"# a comment\n<{spelled}> <urn:x:p> {typed} .\n"
    with quiet_rdflib_terms():
        try:
            graph = parse_turtle_data(text, display="t.ttl", base=BASE)
        except InputError as exc:
            message = exc.message
        else:
            message = ""
    if message:
        assert re.match(r"t\.ttl:2: |t\.ttl: ", message), message
        assert "\n" not in message
        return
    for triple in graph:
        assert all(term_problem(term) is None for term in triple), triple


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "<https://x/a\\u0020b> <urn:x:p> 1 .",
            "t.ttl:2: bad IRI <https://x/a b>: a space (U+0020) is not allowed in an IRI",
        ),
        (
            '<urn:x:s> <urn:x:p> "x"^^<http://www.w3.org/2001/XMLSchema#string> .\n'
            "<https://x/a\\u003Cb> <urn:x:p> 1 .",
            "t.ttl:3: bad IRI <https://x/a\\u003Cb>: '<' (U+003C) is not allowed in an IRI",
        ),
        (
            "<a\\u0009b> <urn:x:p> 1 .",
            f"t.ttl:2: bad IRI <{BASE[: BASE.rindex('/') + 1]}a\\u0009b>: a control character "
            "(U+0009) is not allowed in an IRI",
        ),
        (
            '<urn:x:s> <urn:x:p> "x"@EN-a .',
            "t.ttl:2: bad literal \"x\"@EN-a: bad language tag 'EN-a': if an extension "
            "subtag is present, it must not be empty",
        ),
        (
            '<urn:x:s> <urn:x:p> "x"^^<urn:x:a\\u007Cb> .',
            't.ttl:2: bad literal "x"^^<urn:x:a\\u007Cb>: its datatype <urn:x:a\\u007Cb> is not '
            "an IRI: '|' (U+007C) is not allowed in an IRI",
        ),
    ],
    ids=["escaped-space", "rdflib-only-file", "relative", "language-tag", "datatype"],
)
def test_the_loader_names_the_bad_term_and_its_line(text: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_turtle_data(f"# first line\n{text}\n", display="t.ttl", base=BASE)
    assert info.value.message == message
    assert info.value.exit_code == 2


def test_the_first_bad_term_in_the_file_is_named() -> None:
    text = "\n".join(f"<https://x/{i} {i}> <urn:x:p> {i} ." for i in range(30, 0, -1))
    with pytest.raises(InputError, match=r"^t\.ttl:1: bad IRI <https://x/30 30>: "):
        parse_turtle_data(text, display="t.ttl")


def test_a_syntax_error_after_text_in_other_scripts_is_at_its_line() -> None:
    """rdflib's own count of lines runs ahead of the text after long strings; the error
    is located from where rdflib stopped in the text."""
    long = '"""' + "长文本 é\n" * 40 + '"""'
    text = (
        "@prefix x: <urn:x:> .\n"
        f"x:a x:p {long}@zh ;\n    x:q 'un texte français' .\n"
        "x:b x:p x:c x:d .\n"
    )
    line = text.splitlines().index("x:b x:p x:c x:d .") + 1
    with pytest.raises(InputError) as info:
        parse_turtle_data(text, display="t.ttl")
    assert info.value.message.startswith(f"t.ttl:{line}: syntax error: ")
    assert info.value.message.endswith(", at x:d")


def test_a_16_mib_literal_loads_and_goes_to_the_store_as_an_object() -> None:
    """pyoxigraph's parsers read a token of 16 MiB at most (MemoryError): rdflib reads
    the file, and the store takes the literal as an object, not as text."""
    value = "x" * (16 * 1024 * 1024)
    text = f'<urn:x:s> <urn:x:p> "{value}"@en .\n<urn:x:s> <urn:x:q> "small" .\n'
    graph = parse_turtle_data(text, display="t.ttl")
    assert (URIRef("urn:x:s"), URIRef("urn:x:p"), Literal(value, lang="en")) in graph
    store = Store.of_triples(graph)
    rows = store.select("SELECT ?o WHERE { <urn:x:s> <urn:x:p> ?o }")
    assert not isinstance(rows, bool)
    assert rows[1] == [(Literal(value, lang="en"),)]
    assert store.faithful
    with pytest.raises(MemoryError):  # why KnowledgeGraph.store takes such a dump for a miss
        Store.from_dump(store.dump())


def test_a_literal_too_long_for_the_parser_has_no_spelling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "_TOKEN_BYTES", 40)
    writer = NTriplesWriter()
    assert writer.term(Literal("short")) == '"short"'
    assert writer.term(Literal("é" * 30, lang="fr")) is None  # 60 bytes
    assert writer.term(Literal("e" * 30, lang="fr")) == f'"{"e" * 30}"@fr'
    long = Literal("9" * 50, datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer"))
    store = Store.of_triples([(URIRef("urn:x:s"), URIRef("urn:x:p"), long)])
    assert list(store.objects(URIRef("urn:x:s"), URIRef("urn:x:p"))) == [long]
    assert store.faithful


@pytest.mark.parametrize(
    ("term", "problem"),
    [
        (URIRef("urn:x:ok"), None),
        (Literal("ok", lang="zh-Hans"), None),
        (Literal("a\x00b"), None),
        (Literal("a\ud800b"), "it holds a lone surrogate (U+D800), which is not Unicode text"),
        (URIRef(""), "no scheme found in an absolute IRI"),
    ],
)
def test_term_problem(term: URIRef | Literal, problem: str | None) -> None:
    assert term_problem(term) == problem


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "<https://w3id.org/aiplus/id/a>b>",
            "bad IRI <https://w3id.org/aiplus/id/a\\u003Eb>: '>' (U+003E) is not allowed in an IRI",
        ),
        ("https://x/a b", "bad IRI <https://x/a b>: a space (U+0020) is not allowed in an IRI"),
        ("<huawei>", "bad IRI <huawei>: no scheme found in an absolute IRI"),
        (
            "hua\udcffwei",
            "bad entity name 'hua\\uDCFFwei': it holds the byte 0xFF, which is not UTF-8",
        ),
        # not a prefixed name (its IRI would hold a space): a label, which matches nothing
        ("id:hua wei", "unknown entity: 'id:hua wei' (no IRI, prefixed name or label matches)"),
    ],
)
def test_what_a_user_types_as_an_iri_must_be_one(typed: str, message: str) -> None:
    from aiplus_kg.load.dataset import load
    from aiplus_kg.load.resolve import resolve
    from tests.support import MINI

    loaded = load(MINI)
    for source in (loaded.dataset, Store.of_dataset(loaded.dataset)):
        with pytest.raises(InputError) as info:
            resolve(source, typed)
        assert info.value.message.startswith(message)
