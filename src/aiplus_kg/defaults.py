"""The package version, and the defaults and choices of the command-line options.

They live here, in a module that imports nothing, so that the command line can show
them (in ``--help``) without importing the modules that use them: the HTTP client and
server, the drawing, the export. Those modules take their values from here.
"""

from __future__ import annotations

from typing import Literal

VERSION = "0.1.0"
"""The package version (``aiplus_kg.__version__``; the build reads it here)."""

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_DEPTH",
    "DEFAULT_HOST",
    "DEFAULT_LOCAL_DEADLINE",
    "DEFAULT_LOCAL_MAX_ROWS",
    "DEFAULT_MAX_ANSWER_SIZE",
    "DEFAULT_MAX_HOPS",
    "DEFAULT_MAX_NODES",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_MEMORY_MB",
    "DEFAULT_PORT",
    "DEFAULT_TIMEOUT",
    "DEFAULT_WORKERS",
    "DESCRIPTION_FORMATS",
    "ENGINES",
    "EXPORT_FORMATS",
    "PICTURE_FORMATS",
    "VERSION",
    "Engine",
]

Engine = Literal["fast", "reference"]
"""The engines: ``fast`` (reasonable, pyshacl-turbo, pyoxigraph) and ``reference``
(owlrl, pySHACL, rdflib), which give the same answers
(:class:`aiplus_kg.knowledge_graph.KnowledgeGraph`)."""

ENGINES: tuple[Engine, ...] = ("fast", "reference")

DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_ANSWER_SIZE = 256 * 1024 * 1024
"""Seconds a request to a remote endpoint may take in all, and the largest answer read
from it, in bytes (:mod:`aiplus_kg.query.remote`)."""

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
"""Where ``aiplus serve`` listens (:mod:`aiplus_kg.serve.server`)."""

DEFAULT_DEADLINE = 10.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_WORKERS = 2
DEFAULT_MEMORY_MB = 2048
"""The limits of the endpoint's worker processes (:mod:`aiplus_kg.serve.pool`); the
memory is what a query may take beyond the loaded graph, in MB."""

DEFAULT_LOCAL_DEADLINE = 60.0
DEFAULT_LOCAL_MAX_ROWS = 1_000_000
"""The limits of ``aiplus sparql`` (:mod:`aiplus_kg.query.limits`), with
:data:`DEFAULT_MEMORY_MB`."""

DEFAULT_MAX_HOPS = 6
"""The longest relationship chain looked for (:mod:`aiplus_kg.views.paths`)."""

DEFAULT_DEPTH = 1
DEFAULT_MAX_NODES = 120
PICTURE_FORMATS = ("svg", "png", "dot")
"""The drawings (:mod:`aiplus_kg.views.draw`)."""

EXPORT_FORMATS: dict[str, str] = {
    "ttl": "Turtle: the union of all graphs",
    "nt": "N-Triples: the union of all graphs, sorted",
    "nq": "N-Quads: one named graph per source, sorted",
    "trig": "TriG: one named graph per source",
    "jsonld": "JSON-LD 1.1 (flattened): one named graph per source",
}
"""The export formats (:mod:`aiplus_kg.export.serialise`)."""

DESCRIPTION_FORMATS = {"ttl": "Turtle", "nt": "N-Triples (sorted)", "jsonld": "JSON-LD"}
"""The formats of the VoID/DCAT description (:mod:`aiplus_kg.export.void`)."""
