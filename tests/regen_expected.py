"""Write the expected results of the saved queries: ``tests/data/expected/<name>.srj``.

Usage, from the repository root::

    python -m tests.regen_expected            # every saved query
    python -m tests.regen_expected NAME ...   # only these

Each file holds what the query returns with its default parameters, in the SPARQL 1.1
Query Results JSON format that ``aiplus query NAME --format json`` writes (rows of an
unordered query are sorted, so that the file is stable). The tests compare the query
output with these files.

A written file is a claim about the data, not a snapshot: after regenerating, read
every changed file against the articles' Turtle and the checklists in
``docs/checklists/``, and commit it only when each row is right.
"""

from __future__ import annotations

import sys

from aiplus_kg.query.results import to_json
from tests.query_support import (
    EXPECTED,
    canonical_order,
    catalogue,
    default_results,
    expected_path,
)


def main(names: list[str]) -> int:
    known = {q.name for q in catalogue()}
    unknown = sorted(set(names) - known)
    if unknown:
        print(f"unknown queries: {', '.join(unknown)}", file=sys.stderr)
        return 2
    EXPECTED.mkdir(parents=True, exist_ok=True)
    for query in catalogue():
        if names and query.name not in names:
            continue
        path = expected_path(query.name)
        data = to_json(canonical_order(default_results(query.name)))
        old = path.read_bytes() if path.exists() else None
        if old == data:
            print(f"unchanged  {path.name}")
            continue
        path.write_bytes(data)
        print(f"{'written' if old is None else 'CHANGED'}    {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
