"""A new article's files, from what its contributor gives: ``aiplus new-article``.

From the article's text file and what the contributor passes (a title, an outlet, a
date, the language; nothing else is guessed), it plans:

* ``graph/articles/<stem>.ttl``: the article's file, with a commented example of each
  pattern in place (a plain fact, an amount with its unit and date, a remark in one's
  own words, a hedged claim with its attribution, a curator's remark), to copy and fill;
* the article's description ``src:<stem>`` in ``graph/reference/sources.ttl``;
* a new outlet, typed and labelled in ``graph/reference/media.ttl``, when no entity has
  the outlet's name as a label.

Every file is in canonical form (:mod:`aiplus_kg.export.fmt`) and the project validates
as it did: the article's labels say only its number, for the contributor to complete.

**The stem.** A text file named ``NNN_<16 hexadecimal digits>.txt`` (the way the
articles' texts come, ``005_0123456789abcdef.txt``) gives the stem ``NNN-<digits>``;
any other name gives the next free number (one more than the highest) and the first 16
hexadecimal digits of the SHA-256 of the file's bytes. A stem or a number that an
article has already, or a text already added under another number, is refused.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from aiplus_kg.atomic import atomic_write
from aiplus_kg.errors import InputError, InternalError, located
from aiplus_kg.export.canon import isomorphic
from aiplus_kg.export.fmt import format_text, to_turtle
from aiplus_kg.load.layout import read_layout
from aiplus_kg.load.resolve import find_by_label, is_known
from aiplus_kg.load.terms import TripleSource, label, term_text
from aiplus_kg.load.turtle import parse_turtle_data, read_text
from aiplus_kg.namespaces import (
    AIP,
    ARTICLE_STEM,
    DCTERMS,
    ID,
    PREFIXES,
    RDF,
    RDFS,
    SOURCE_NAME,
    SRC,
    XSD,
    curie,
)
from aiplus_kg.project import Project

__all__ = ["ArticleRequest", "Scaffold", "plan_article", "stem_for", "write_scaffold"]

HASH_DIGITS = 16
LANGUAGE = re.compile(r"[a-z]{2}")
MEDIA_FILE = "media.ttl"
SOURCES_FILE = "sources.ttl"
MEDIA_HEADER = (
    "# Media outlets: the type and the labels of each, in English and French (and Chinese\n"
    "# where sure). What the articles say about them is in graph/articles/.\n"
)


@dataclass(frozen=True)
class ArticleRequest:
    """What the contributor gives: the text file, and what they pass (``None``: not
    passed, so not written)."""

    text: Path
    language: str
    title: str | None = None
    outlet: str | None = None
    date: str | None = None


@dataclass
class Scaffold:
    """What ``new-article`` writes: each file's new text, and what it says it did."""

    stem: str
    writes: dict[Path, str] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)


def stem_for(path: Path, data: bytes, stems: list[str]) -> str:
    """The stem of the article whose text is the file ``path`` (holding ``data``),
    among the articles' ``stems`` (see the module docstring)."""
    source = SOURCE_NAME.fullmatch(path.name.removesuffix(".txt"))
    digest = hashlib.sha256(data).hexdigest()[:HASH_DIGITS]
    numbers = {s.split("-", 1)[0]: s for s in stems if ARTICLE_STEM.fullmatch(s)}
    if source is not None:
        stem = f"{source[1]}-{source[2]}"
        if stem in stems:
            raise InputError(f"article {stem} exists already (graph/articles/{stem}.ttl)")
        if source[1] in numbers:
            raise InputError(
                f"{path.name}: number {source[1]} is taken by src:{numbers[source[1]]}; "
                "rename the text file NNN_<hash>.txt with a free number"
            )
        return stem
    same = [s for s in stems if s.endswith(f"-{digest}")]
    if same:
        raise InputError(f"{path.name}: this text is article src:{same[0]} already")
    number = max((int(n) for n in numbers), default=-1) + 1
    if number > 999:
        raise InputError("no article number is free (000 to 999 are taken)")
    return f"{number:03d}-{digest}"


def _slug(name: str) -> str:
    """A name as the end of an IRI: lower-case ASCII words joined by ``-``."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _block(graph: Graph) -> str:
    """The canonical Turtle of ``graph``'s subject block, without prefix lines."""
    text = to_turtle(graph)
    return "\n".join(line for line in text.splitlines() if not line.startswith("PREFIX")).strip()


def _with_block(text: str, subject: URIRef, block: str, header: str, *, display: str) -> str:
    """``text`` (a Turtle file; ``""`` for a new one, which gets ``header``) with
    ``block``, about ``subject``, where it sorts when the blocks are sorted, else after
    the last one, the prefixes it uses declared; in canonical form."""
    text = text if text.strip() else header
    layout = read_layout(text)
    subjects = [b.subject or "" for b in layout.blocks]
    if str(subject) in subjects:
        raise InternalError(located(display, f"{curie(str(subject))} is there already"))
    at = len(text)  # after the last block's line, else at the end
    if layout.blocks:
        line_end = text.find("\n", layout.blocks[-1].end)
        at = len(text) if line_end < 0 else line_end + 1
        later = [b for b in layout.blocks if (b.subject or "") > str(subject)]
        if subjects == sorted(subjects) and later:
            at = later[0].lead_start
    prefixes = "".join(
        f"PREFIX {p}: <{n}>\n"
        for p, n in PREFIXES.items()
        if re.search(rf"(?<![\w.-]){p}:", block) and layout.prefixes.get(p) != n
    )
    start = min(layout.blocks[0].lead_start if layout.blocks else at, at)
    new = f"{text[:start]}{prefixes}{text[start:at]}\n{block}\n\n{text[at:]}"
    formatted = format_text(new, display=display)
    expected = parse_turtle_data(text, display=display) + parse_turtle_data(
        _prologue(block), display=display
    )
    if not isomorphic(parse_turtle_data(formatted, display=display), expected):
        raise InternalError(located(display, "adding the block would change the rest"))
    return formatted


def _prologue(block: str) -> str:
    """``block`` with every project prefix declared."""
    return "".join(f"PREFIX {p}: <{n}>\n" for p, n in PREFIXES.items()) + block + "\n"


def _outlet(labels: TripleSource, name: str, media_text: str) -> tuple[URIRef, str | None]:
    """The entity of the outlet ``name``: the one a label names, else a new
    ``id:<slug>`` and its block for ``media.ttl``."""
    found = find_by_label(labels, name)
    if len(found) > 1:
        listed = "; ".join(f"{term_text(f)} ({label(labels, f) or 'no label'})" for f in found)
        raise InputError(f"--outlet {name!r} names several entities: {listed}")
    if found:
        return found[0], None
    slug = _slug(name)
    if not slug:
        raise InputError(f"--outlet {name!r}: no IRI can be made of it; give its Latin name")
    iri = ID[slug]
    if is_known(labels, iri) or f"id:{slug}\n" in media_text:
        raise InputError(
            f"--outlet {name!r}: {curie(str(iri))} exists already with other labels; "
            "pass one of its labels (aiplus describe " + curie(str(iri)) + ")"
        )
    graph = Graph()
    graph.add((iri, RDF.type, AIP.MediaOutlet))
    for language in ("en", "fr"):
        graph.add((iri, RDFS.label, Literal(name, lang=language)))
    return iri, _block(graph)


def _source_block(request: ArticleRequest, stem: str, outlet: URIRef | None) -> str:
    number, digits = stem.split("-", 1)
    iri = SRC[stem]
    graph = Graph()
    graph.add((iri, RDF.type, AIP.Article))
    graph.add((iri, RDFS.label, Literal(f"Article {number}", lang="en")))
    graph.add((iri, RDFS.label, Literal(f"Article {number}", lang="fr")))
    graph.add((iri, DCTERMS.identifier, Literal(f"{number}_{digits}")))
    graph.add((iri, DCTERMS.language, Literal(request.language)))
    if request.title is not None:
        graph.add((iri, DCTERMS.title, Literal(request.title, lang=request.language)))
    if request.date is not None:
        graph.add((iri, DCTERMS.date, Literal(request.date, datatype=XSD.date)))
    if outlet is not None:
        graph.add((iri, DCTERMS.publisher, outlet))
    return _block(graph)


def check_request(request: ArticleRequest) -> None:
    """Refuse a language, date or title the graph cannot hold, naming the option."""
    if not LANGUAGE.fullmatch(request.language):
        raise InputError(f"--language {request.language!r}: a two-letter code such as fr or en")
    if request.date is not None:
        try:
            datetime.date.fromisoformat(request.date)
        except ValueError:
            raise InputError(f"--date {request.date!r}: a date YYYY-MM-DD") from None
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", request.date):
            raise InputError(f"--date {request.date!r}: a date YYYY-MM-DD")
    for option, value in (("--title", request.title), ("--outlet", request.outlet)):
        if value is not None and (not value.strip() or "\n" in value or "\r" in value):
            raise InputError(f"{option}: one line of text, not empty")


def plan_article(project: Project, labels: TripleSource, request: ArticleRequest) -> Scaffold:
    """What ``new-article`` would write for ``request`` in ``project`` (``labels``:
    where entities are looked up by label). Nothing is written."""
    check_request(request)
    shown = project.display(request.text)
    read_text(request.text, display=shown)  # readable, UTF-8
    data = request.text.read_bytes()
    stems = sorted({p.stem for p in project.article_files()} | _described(labels))
    stem = stem_for(request.text, data, stems)
    article = project.articles_dir / f"{stem}.ttl"
    if article.exists():
        raise InputError(located(project.display(article), "exists already"))
    plan = Scaffold(stem)
    sources = project.reference_dir / SOURCES_FILE
    media = project.reference_dir / MEDIA_FILE
    media_text = read_text(media, display=project.display(media)) if media.is_file() else ""
    outlet: URIRef | None = None
    if request.outlet is not None:
        outlet, outlet_block = _outlet(labels, request.outlet.strip(), media_text)
        if outlet_block is not None:
            plan.writes[media] = _with_block(
                media_text, outlet, outlet_block, MEDIA_HEADER, display=project.display(media)
            )
            plan.done.append(
                f"{project.display(media)}: added {curie(str(outlet))}, a media outlet "
                f"labelled {request.outlet.strip()!r}"
            )
    sources_text = read_text(sources, display=project.display(sources)) if sources.is_file() else ""
    plan.writes[sources] = _with_block(
        sources_text,
        SRC[stem],
        _source_block(request, stem, outlet),
        "",
        display=project.display(sources),
    )
    plan.done.append(f"{project.display(sources)}: added src:{stem}, the article's description")
    plan.writes[article] = format_text(
        article_text(stem, request, outlet), display=project.display(article)
    )
    plan.done.append(
        f"{project.display(article)}: created, with a commented example of each pattern "
        f"(its statements go to the named graph src:{stem})"
    )
    plan.next_steps = _next_steps(project, stem, article)
    return plan


def _described(labels: TripleSource) -> set[str]:
    """The stems of the articles ``sources.ttl`` describes."""
    return {
        str(s)[len(SRC) :]
        for s, o in labels.subject_objects(RDF.type)
        if o == AIP.Article and isinstance(s, URIRef) and str(s).startswith(str(SRC))
    }


def write_scaffold(plan: Scaffold) -> None:
    """Write the files of ``plan``, each atomically."""
    for path, text in plan.writes.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text.encode("utf-8"))


def _next_steps(project: Project, stem: str, article: Path) -> list[str]:
    number = stem.split("-", 1)[0]
    shown = project.display(article)
    return [
        f"Complete the article's labels in graph/reference/{SOURCES_FILE}: "
        f'"Article {number}: <what it is about>" in English and French.',
        "Before minting an entity, look for it: aiplus query search-labels -p text=WORD, "
        "then aiplus describe ENTITY (it says in which file and line each one is).",
        f"Write the article's statements in {shown}, after the commented patterns; type "
        "and label a new shared entity in graph/reference/<kind>.ttl (CONTRIBUTING.md).",
        f"Check: aiplus fmt && aiplus validate {shown} && aiplus check",
        f"See what the graph now says: aiplus query article-facts -p article={number}",
        f"List each statement in docs/checklists/{stem}.md, then run "
        "python -m tests.regen_expected and read what changed (CONTRIBUTING.md).",
    ]


# --- the article's file ----------------------------------------------------------------

_ARTICLE = """\
# Article {number}: the facts it states (its text: {text}).
# Everything here is loaded into the named graph src:{stem},
# and every subject below says so with aip:statedIn. How to write each kind of
# statement: CONTRIBUTING.md. Keep the file canonical with `aiplus fmt` (it keeps your
# comments and your order), then run `aiplus validate {path}`.

PREFIX aip: <https://w3id.org/aiplus/ontology#>
PREFIX id: <https://w3id.org/aiplus/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX src: <https://w3id.org/aiplus/source/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
{outlet}
# ----------------------------------------------------------------------------------
# Patterns: copy one below, remove the "# " before its lines, put in the article's own
# facts, names and figures, and delete what you do not use. Look an entity up before
# minting one (aiplus query search-labels -p text=WORD); labels, summaries and notes
# are in your own words, never the article's sentences.
#
# 1. A fact the article states plainly: triples about an entity. A new entity that
#    only this article knows is typed and labelled here; a shared one (a firm, a body,
#    a place, a person...) in graph/reference/<kind>.ttl.
#
# id:some-programme
#     a aip:Programme ;
#     rdfs:label
#         "some programme (in English)"@en ,
#         "un programme (en français)"@fr ;
#     aip:launchedBy id:some-municipal-government ;
#     aip:locatedIn id:some-city ;
#     aip:partOf id:ai-plus ;
#     aip:statedIn src:{stem} ;
# .
#
# 2. An amount: a sum (aip:MonetaryAmount, with its ISO 4217 aip:currency) or a count
#    (aip:Quantity, with what it counts in aip:unit), its figure as an xsd:decimal, and
#    the date it holds at when the article gives one.
#
# id:some-programme
#     aip:budget id:amount-{number}-some-programme-budget ;
#     aip:count id:amount-{number}-some-programme-firms ;
# .
#
# id:amount-{number}-some-programme-budget
#     a aip:MonetaryAmount ;
#     rdfs:label
#         "budget of some programme, in yuan (300 million)"@en ,
#         "budget d'un programme, en yuans (300 millions)"@fr ;
#     aip:currency "CNY" ;
#     aip:numericValue "300000000"^^xsd:decimal ;
#     aip:statedIn src:{stem} ;
# .
#
# id:amount-{number}-some-programme-firms
#     a aip:Quantity ;
#     rdfs:label
#         "firms that joined some programme by 1 June 2025 (45)"@en ,
#         "entreprises entrées dans un programme au 1er juin 2025 (45)"@fr ;
#     aip:date "2025-06-01"^^xsd:date ;
#     aip:numericValue "45"^^xsd:decimal ;
#     aip:unit "firms that joined" ;
#     aip:statedIn src:{stem} ;
# .
#
# 3. A remark: who said what, paraphrased in your own words (never quoted).
#
# id:remark-{number}-some-speaker-on-something
#     a aip:Remark ;
#     rdfs:label
#         "Some speaker: the gist, in a few words"@en ,
#         "Quelqu'un : l'essentiel, en quelques mots"@fr ;
#     aip:about id:some-programme ;
#     aip:speaker id:some-person ;
#     aip:summary "What the speaker says, in your own words."@en ;
#     aip:statedIn src:{stem} ;
# .
#
# 4. A hedged statement: what the article only reports ("selon", the conditional),
#    plans, proposes, rumours or says is under consideration. It is never written as
#    a triple, only as a claim with its hedge and, when the article says, whom it is
#    attributed to (docs/hedges.md).
#
# id:claim-{number}-some-programme-implemented-by-some-firm
#     a aip:Claim ;
#     rdfs:label
#         "Claim: some firm implements some programme (reportedly)"@en ,
#         "Affirmation : une entreprise met en œuvre un programme (selon des informations)"@fr ;
#     aip:accordingTo id:some-outlet ;
#     aip:claimObject id:some-firm ;
#     aip:claimPredicate aip:implementedBy ;
#     aip:claimSubject id:some-programme ;
#     aip:hedge aip:Reported ;
#     aip:statedIn src:{stem} ;
# .
#
# 5. A curator's remark, when the article is wrong by common knowledge: the graph keeps
#    what the article says; the remark is a note, never a triple.
#
# id:some-city
#     skos:editorialNote
#         "Curator's note: by common knowledge, ...; the article's statement is kept."@en ;
# .
"""

_OUTLET = """
# The outlet that publishes the article (graph/reference/sources.ttl), named by it.
{outlet}
    aip:statedIn src:{stem} ;
.
"""


def article_text(stem: str, request: ArticleRequest, outlet: URIRef | None) -> str:
    """The new article's file (before formatting)."""
    number = stem.split("-", 1)[0]
    block = "" if outlet is None else _OUTLET.format(outlet=curie(str(outlet)), stem=stem)
    return _ARTICLE.format(
        number=number,
        stem=stem,
        text=request.text.name,
        path=f"graph/articles/{stem}.ttl",
        outlet=block,
    )
