"""The pages of the graph (aiplus_kg.views.pages, views.site) and what ``aiplus serve``
answers for an IRI (aiplus_kg.serve.browse), asked in-process: content negotiation
(the description of an entity in each RDF format is its statements, graph names
included where the format has them), entity tags, 404s, and the escaping of every label
and literal."""

from __future__ import annotations

import asyncio
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node
from starlette.requests import Request
from starlette.responses import Response

from aiplus_kg.knowledge_graph import KnowledgeGraph
from aiplus_kg.namespaces import AIP, ID, RDF, RDFS, SKOS
from aiplus_kg.serve.browse import Browser, negotiate, wants_html
from aiplus_kg.views.pages import Pages, collect_resources
from aiplus_kg.views.site import Site, build_site, not_found_page
from tests.support import MINI, REPO

ASCEND = ID["ascend-910b"]
CLAIM_ENDS = (AIP.claimSubject, AIP.claimObject, RDF.subject, RDF.object)
CURL = "curl/8.5.0"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

Quad = tuple[Node, Node, Node, URIRef]


@pytest.fixture(scope="module")
def project() -> tuple[KnowledgeGraph, Site]:
    kg = KnowledgeGraph.open(REPO)
    return kg, build_site(kg, pictures=False)


@pytest.fixture(scope="module")
def browser(project: tuple[KnowledgeGraph, Site]) -> Browser:
    return Browser(project[1])


def get(browser: Browser, path: str, method: str = "GET", **headers: str) -> Response:
    """What the server answers to ``method path`` with ``headers`` (``user_agent`` for
    ``User-Agent``)."""
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": b"",
        "headers": [(k.replace("_", "-").lower().encode(), v.encode()) for k, v in headers.items()],
    }
    return asyncio.run(browser(Request(scope)))


def description(dataset: Dataset, iri: URIRef) -> set[Quad]:
    """The statements naming ``iri`` as subject or object, with those of the claims
    that name it as the subject or object of their statement, each with its graph."""
    quads: set[Quad] = set()
    claims = set()
    for pattern in ((iri, None, None, None), (None, None, iri, None)):
        for s, p, o, g in dataset.quads(pattern):
            quads.add((s, p, o, URIRef(str(getattr(g, "identifier", g)))))
            if p in CLAIM_ENDS and (s, RDF.type, AIP.Claim) in dataset:
                claims.add(s)
    for claim in claims:
        for s, p, o, g in dataset.quads((claim, None, None, None)):
            quads.add((s, p, o, URIRef(str(getattr(g, "identifier", g)))))
    return quads


def quads_of(dataset: Dataset) -> set[Quad]:
    return {(s, p, o, URIRef(str(getattr(g, "identifier", g)))) for s, p, o, g in dataset.quads()}


# --- content negotiation -------------------------------------------------------------------


def test_turtle_is_the_entity_s_description(
    project: tuple[KnowledgeGraph, Site], browser: Browser
) -> None:
    kg, _ = project
    answer = get(browser, "/id/ascend-910b", accept="text/turtle")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/turtle; charset=utf-8"
    assert "Accept" in answer.headers["vary"]
    assert answer.headers["content-location"] == "ascend-910b.ttl"
    parsed = Graph().parse(data=answer.body, format="turtle")
    expected = Graph()
    for s, p, o, _ in description(kg.dataset, ASCEND):
        expected.add((s, p, o))
    assert isomorphic(parsed, expected)
    assert (ASCEND, AIP.madeBy, ID["huawei"]) in parsed
    # the hedged statement comes with its claim, and so with its hedge
    assert (ID["deepseek-r2"], AIP.usesChip, ASCEND) not in parsed
    claims = set(parsed.subjects(AIP.claimObject, ASCEND))
    assert any((c, AIP.hedge, AIP.Reported) in parsed for c in claims)


@pytest.mark.parametrize(
    ("media", "fmt"),
    [
        ("application/ld+json", "json-ld"),
        ("application/n-quads", "nquads"),
        ("application/trig", "trig"),
    ],
)
def test_the_formats_with_graphs_keep_them(
    project: tuple[KnowledgeGraph, Site], browser: Browser, media: str, fmt: str
) -> None:
    kg, _ = project
    answer = get(browser, "/id/ascend-910b", accept=media)
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == media
    parsed = Dataset(default_union=True)
    parsed.parse(data=answer.body, format=fmt)
    assert quads_of(parsed) == description(kg.dataset, ASCEND)


def test_n_triples(project: tuple[KnowledgeGraph, Site], browser: Browser) -> None:
    answer = get(browser, "/id/ascend-910b", accept="application/n-triples")
    assert answer.headers["content-type"] == "application/n-triples"
    parsed = Graph().parse(data=answer.body, format="nt")
    assert {(s, p, o) for s, p, o, _ in description(project[0].dataset, ASCEND)} == set(parsed)


def test_html_is_the_page(browser: Browser) -> None:
    answer = get(browser, "/id/ascend-910b", accept="text/html,application/xhtml+xml,*/*;q=0.8")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert answer.headers["content-location"] == "ascend-910b.html"
    page = answer.body.decode()
    assert "<h1>Ascend 910B</h1>" in page
    assert '<span lang="fr">Ascend 910B</span>' in page
    assert 'href="../ontology/Chip.html"' in page  # its class
    assert 'href="../id/huawei.html"' in page  # made by
    assert 'href="../id/deepseek-r2.html"' in page  # used by, reportedly
    assert page == get(browser, "/id/ascend-910b.html").body.decode()


@pytest.mark.parametrize(
    ("accept", "agent", "expected"),
    [
        (None, FIREFOX, "html"),
        (None, CURL, "ttl"),
        ("*/*", CURL, "ttl"),
        ("*/*", FIREFOX, "html"),
        ("text/html", CURL, "html"),
        ("text/turtle", FIREFOX, "ttl"),
        ("text/*", CURL, "ttl"),
        ("text/*", FIREFOX, "html"),
        ("application/json", CURL, "jsonld"),
        ("text/html;q=0.5, text/turtle", FIREFOX, "ttl"),
        ("application/n-quads, application/trig", CURL, "nq"),
        ("text/turtle;q=0, */*;q=0.1", CURL, "nt"),
        ("application/rdf+xml", CURL, None),
        ("text/html;q=0", FIREFOX, None),
        ("text/html;q=nonsense", FIREFOX, None),
    ],
)
def test_negotiation(accept: str | None, agent: str, expected: str | None) -> None:
    assert negotiate(accept, agent) == expected


def test_no_accept_header(browser: Browser) -> None:
    by_browser = get(browser, "/id/ascend-910b", user_agent=FIREFOX)
    assert by_browser.headers["content-type"].startswith("text/html")
    by_program = get(browser, "/id/ascend-910b", user_agent=CURL)
    assert by_program.headers["content-type"].startswith("text/turtle")
    assert "User-Agent" in by_program.headers["vary"]


def test_a_format_by_its_suffix(browser: Browser) -> None:
    negotiated = get(browser, "/id/ascend-910b", accept="application/ld+json")
    named = get(browser, "/id/ascend-910b.jsonld", user_agent=FIREFOX)
    assert named.body == negotiated.body
    assert json.loads(named.body)


def test_nothing_acceptable(browser: Browser) -> None:
    answer = get(browser, "/id/ascend-910b", accept="application/rdf+xml")
    assert answer.status_code == 406
    assert b"text/turtle" in answer.body


def test_unknown_name(browser: Browser) -> None:
    answer = get(browser, "/id/no-such-thing", accept="text/turtle")
    assert answer.status_code == 404
    assert answer.body == b"error: no such resource: /id/no-such-thing (see /)\n"
    page = get(browser, "/id/no-such-thing<b>", accept="text/html")
    assert page.status_code == 404
    text = page.body.decode()
    assert "<code>/id/no-such-thing&lt;b&gt;</code>" in text
    assert 'href="../index.html"' in text


def test_etag_and_304(browser: Browser) -> None:
    first = get(browser, "/id/ascend-910b", accept="text/turtle")
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    again = get(browser, "/id/ascend-910b", accept="text/turtle", if_none_match=etag)
    assert again.status_code == 304
    assert again.body == b""
    assert again.headers["etag"] == etag
    other = get(browser, "/id/ascend-910b", accept="text/html", if_none_match=etag)
    assert other.status_code == 200
    assert other.headers["etag"] != etag
    assert get(browser, "/id/ascend-910b", if_none_match="*").status_code == 304
    assert get(browser, "/id/ascend-910b", if_none_match=f'"x", W/{etag}').status_code == 304


def test_only_get_and_head(browser: Browser) -> None:
    answer = get(browser, "/id/ascend-910b", method="POST")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, HEAD"
    assert get(browser, "/id/ascend-910b", method="HEAD").status_code == 200


def test_the_other_resources(project: tuple[KnowledgeGraph, Site], browser: Browser) -> None:
    kg, _ = project
    ontology = get(browser, "/ontology", accept="text/turtle")
    assert ontology.status_code == 200
    parsed = Graph().parse(data=ontology.body, format="turtle")
    assert (AIP.Chip, RDFS.subClassOf, None) in parsed
    page = get(browser, "/ontology", accept="text/html").body.decode()
    assert '<li id="Chip">' in page  # /ontology#Chip lands on the term
    term = get(browser, "/ontology/Chip", accept="text/html").body.decode()
    assert 'href="../id/ascend-910b.html"' in term  # an instance
    article = get(browser, "/source/001-c4f603b6c01e8ba9", accept="application/n-quads")
    graph = URIRef("https://w3id.org/aiplus/source/001-c4f603b6c01e8ba9")
    parsed_article = Dataset(default_union=True)
    parsed_article.parse(data=article.body, format="nquads")
    assert set(kg.dataset.graph(graph)) <= set(parsed_article.graph(graph))
    query = get(browser, "/query/chip-to-goal", accept="text/html").body.decode()
    assert "Ascend 910B" in query  # its results, by label
    assert get(browser, "/query/chip-to-goal.rq").body.startswith(b"#+ summary:")
    assert get(browser, "/assets/site.css").headers["content-type"] == "text/css; charset=utf-8"
    assert get(browser, "/.aiplus-site").status_code == 404


def test_wants_html() -> None:
    assert wants_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert not wants_html(None)
    assert not wants_html("*/*")
    assert not wants_html("application/json, text/html;q=0.5")


# --- the pages ---------------------------------------------------------------------------


def test_the_hedge_is_on_the_statement(project: tuple[KnowledgeGraph, Site]) -> None:
    page = project[1].files["id/deepseek-r2.html"].decode()
    block = re.search(r'<div data-property="aip:usesChip">(.*?)</div>', page, re.DOTALL)
    assert block is not None
    assert 'class="hedged"' in block[1]
    assert ">reported</a>" in block[1]
    assert 'href="../source/001-c4f603b6c01e8ba9.html"' in block[1]


def test_pages_are_small(project: tuple[KnowledgeGraph, Site]) -> None:
    sizes = {p: len(d) for p, d in project[1].files.items() if p.endswith(".html")}
    assert max(sizes.values()) < 120_000, max(sizes, key=sizes.__getitem__)


def test_search_index_has_every_language(project: tuple[KnowledgeGraph, Site]) -> None:
    index = json.loads(project[1].files["search.json"])
    by_page = {e["h"]: e for e in index["entries"]}
    huawei = by_page["id/huawei.html"]
    assert huawei["n"] == "Huawei"
    assert ["华为", "zh"] in huawei["l"]
    script = project[1].files["search-index.js"].decode()
    assert script.startswith("window.aiplusSearchIndex = {")


class _Text(HTMLParser):
    """The text of the ``<h1>``, the ``<title>`` and the ``<script>`` elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside: list[str] = []
        self.text: dict[str, str] = {"h1": "", "title": ""}
        self.scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside.append(tag)
        if tag == "script":
            self.scripts.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.inside:
            del self.inside[len(self.inside) - 1 - self.inside[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        for tag in self.text:
            if tag in self.inside:
                self.text[tag] += data


TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda t: t.strip() == t
)


@settings(max_examples=60, deadline=None)
@given(TEXT, TEXT)
def test_any_label_comes_out_as_text(name: str, note: str) -> None:
    entity = ID["thing"]
    dataset = Dataset(default_union=True)
    graph = dataset.graph(URIRef("https://w3id.org/aiplus/graph/reference"))
    graph.add((entity, RDFS.label, Literal(name, lang="en")))
    graph.add((entity, SKOS.note, Literal(note)))
    graph.add((entity, AIP.madeBy, ID["other"]))
    graph.add((ID["other"], RDFS.label, Literal(note, lang="fr")))
    pages = Pages(dataset)
    html = pages.entity(pages.resources["id/thing"])
    parsed = _Text()
    parsed.feed(html)
    assert parsed.text["h1"] == name
    assert parsed.text["title"] == f"{name} · aiplus-kg"
    assert parsed.scripts == [{"src": "../assets/search.js", "defer": None}]
    other = pages.entity(pages.resources["id/other"])
    assert f'<span lang="fr">{_escaped(note)}</span>' in other


def _escaped(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def test_a_label_holding_a_script_tag(tmp_path: Path) -> None:
    """Labels, literals and the 404 page's path are escaped; the search index holds
    the label as it is, in a file, never in a page."""
    evil = "<script>alert(1)</script>"
    project = tmp_path / "mini"
    import shutil

    shutil.copytree(MINI, project)
    extra = project / "graph" / "reference" / "evil.ttl"
    extra.write_text(
        "PREFIX aip: <https://w3id.org/aiplus/ontology#>\n"
        "PREFIX id: <https://w3id.org/aiplus/id/>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        f'id:evil a aip:Organisation ; rdfs:label "{evil}"@en , "a & b \\" c"@fr ;\n'
        f'  skos:note "{evil}" ; aip:partnerOf id:huawei .\n',
        encoding="utf-8",
    )
    site = build_site(KnowledgeGraph.open(project), pictures=False)
    for path in ("id/evil.html", "id/huawei.html", "entities.html"):
        page = site.files[path].decode()
        assert "<script>alert" not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path
    assert "a &amp; b &#34; c" in site.files["id/evil.html"].decode()
    entries = json.loads(site.files["search.json"])["entries"]
    assert any(e["n"] == evil for e in entries)
    missing = not_found_page("id/x", f"/id/{evil}").decode()
    assert "<script>alert" not in missing


def test_resources_and_their_keys() -> None:
    dataset = Dataset(default_union=True)
    graph = dataset.graph(URIRef("https://w3id.org/aiplus/graph/reference"))
    graph.add((ID["fine-name"], RDFS.label, Literal("fine")))
    graph.add((ID["with space"], RDFS.label, Literal("no page")))
    graph.add((ID["x.html"], RDFS.label, Literal("no page either")))
    keys = set(collect_resources(dataset))
    assert keys == {"id/fine-name"}
