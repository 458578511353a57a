"""``aiplus fmt`` on the project's files, before and after a change, side by side.

Usage (from the project root)::

    python bench/fmt.py --before REV        # e.g. --before HEAD~3
    python bench/fmt.py                     # the working tree alone
    python bench/fmt.py --before REV --files graph/articles --repeat 5

"after" is the working tree; "before" is the package at the commit REV (its ``src/``
extracted into a temporary folder), each run in a process of its own with the same
Python on the same files (by default every ``.ttl`` that ``aiplus fmt`` formats). For
each version: the best of ``--repeat`` runs of formatting every file in memory (read,
parse, format: what ``aiplus fmt --check`` does), the files whose text would change,
and the comment lines the files hold before and after formatting (a comment line is
one whose first non-blank character is ``#``, or a ``#`` after the last token of a
line; counted by :mod:`aiplus_kg.load.layout` of the working tree).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def worker(files: list[Path], repeat: int) -> dict[str, Any]:
    from aiplus_kg.export.fmt import format_text

    texts = {path: path.read_text(encoding="utf-8") for path in files}
    best = float("inf")
    formatted: dict[Path, str] = {}
    for _ in range(repeat):
        start = time.perf_counter()
        formatted = {path: format_text(text, display=path.name) for path, text in texts.items()}
        best = min(best, time.perf_counter() - start)
    changed = sorted(_shown(p) for p in files if formatted[p] != texts[p])
    return {
        "seconds": best,
        "changed": changed,
        "formatted": {str(p): text for p, text in formatted.items()},
    }


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _comments(text: str) -> int:
    from aiplus_kg.load.layout import tokens

    return sum(1 for token in tokens(text) if token.kind == "comment")


def _run(src: Path, files: list[Path], repeat: int) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(src))
    env.pop("AIPLUS_ROOT", None)
    command = [sys.executable, __file__, "--worker", "--repeat", str(repeat)]
    command += [str(p) for p in files]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": tail[:80]}
    return dict(json.loads(done.stdout))


def _before(rev: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "src"], capture_output=True, check=True
    ).stdout
    with tempfile.TemporaryFile() as handle:
        handle.write(archive)
        handle.seek(0)
        with tarfile.open(fileobj=handle) as tar:
            tar.extractall(into, filter="data")
    return into / "src"


def _targets(names: list[str]) -> list[Path]:
    from aiplus_kg.export.fmt import collect_targets
    from aiplus_kg.project import Project

    return collect_targets(Project(ROOT), [ROOT / n for n in names])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", metavar="REV", help="the commit to compare with")
    parser.add_argument("--files", nargs="*", default=[], help="files or folders (default: all)")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is shown")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.paths, args.repeat)))
        return 0
    files = _targets(args.files)
    lines = sum(p.read_text(encoding="utf-8").count("\n") for p in files)
    comments = sum(_comments(p.read_text(encoding="utf-8")) for p in files)
    versions = {"after": ROOT / "src"}
    with tempfile.TemporaryDirectory(prefix="aiplus-bench-fmt-") as folder:
        if args.before:
            versions = {f"before ({args.before})": _before(args.before, Path(folder))} | versions
        print(f"{len(files)} files, {lines} lines, {comments} comment lines")
        print(f"{'version':<24} {'time':>9} {'files changed':>14} {'comments kept':>14}")
        for name, src in versions.items():
            result = _run(src, files, args.repeat)
            if "error" in result:
                print(f"{name:<24} {result['error']}")
                continue
            kept = sum(_comments(text) for text in result["formatted"].values())
            row = f"{name:<24} {result['seconds']:>7.2f} s {len(result['changed']):>14}"
            print(f"{row} {kept:>6} of {comments:<5}")
            for path in result["changed"]:
                print(f"    would change: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
