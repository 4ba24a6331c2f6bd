"""`python -m bench [area ...]`: seed the benchmark database and print one JSON line per page.

With no area, runs helpdesk first, then every other area whose module exists
(bench/live.py, bench/journeys.py, bench/kb.py, bench/markdown.py), each through its `main()`.
BENCH_DB=postgres measures PostgreSQL instead of SQLite (see bench/harness.py).
"""

from __future__ import annotations

import importlib
import sys

from bench import harness

AREAS = ["helpdesk", "live", "journeys", "kb", "markdown", "inbound"]


def load(area: str):
    try:
        return importlib.import_module(f"bench.{area}")
    except ModuleNotFoundError as error:
        if error.name == f"bench.{area}":
            return None
        raise


def main(argv: list[str]) -> int:
    unknown = [area for area in argv if area not in AREAS]
    if unknown:
        print(f"unknown area(s): {', '.join(unknown)}; choose among {', '.join(AREAS)}",
              file=sys.stderr)
        return 2
    harness.setup()
    for area in argv or AREAS:
        module = load(area)
        if module is None:
            if argv:
                print(f"bench/{area}.py does not exist", file=sys.stderr)
                return 2
            harness.progress(f"no bench/{area}.py: skipped")
            continue
        harness.progress(f"area {area}")
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
