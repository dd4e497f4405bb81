"""Time doclint's schema build from Flyway migrations against a bare parse of the same files.

A folder of 1,000 migrations / about 5,000 statements is generated (benchmarks/gen_flyway.py)
and three things are timed in this process, after one warm-up each, as medians of ``--runs``:

- doclint: discovery, ordering, reading, placeholder substitution, pglast parsing with lines,
  and applying every statement to the schema model (``doclint.sources.flyway.schema``);
- floor: ``pglast.parse_sql`` of each file's text (already read into memory);
- sqlfluff: ``sqlfluff parse --dialect postgres`` of the folder (a whole process), when a
  ``sqlfluff`` executable is on PATH or named by $SQLFLUFF; skipped with a note otherwise.

    python benchmarks/bench_flyway.py [--files 1000] [--runs 5] [--sqlfluff-runs 1]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.gen_flyway import generate  # noqa: E402


def median_time(action: Callable[[], object], runs: int) -> float:
    action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def doclint_build(root: Path) -> int:
    from doclint.config import Config
    from doclint.project import Project
    from doclint.sources.flyway import schema

    project = Project(root, Config(root=root), root)
    model = schema(project)
    assert model is not None and not project.problems, project.problems[:3]
    return len(model.schema.tables)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sqlfluff-runs", type=int, default=1)
    args = parser.parse_args()

    import pglast

    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        statements = generate(root, args.files)
        folder = root / "db" / "migration"
        texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.sql"))]
        print(f"{len(texts)} files, {statements} statements; medians of {args.runs} runs")

        def floor() -> int:
            return sum(len(pglast.parse_sql(text)) for text in texts)

        parsed = floor()
        assert parsed == statements, (parsed, statements)
        built = median_time(lambda: doclint_build(root), args.runs)
        bare = median_time(floor, args.runs)
        print(f"doclint schema build   {built * 1000:8.1f} ms")
        print(f"pglast.parse_sql floor {bare * 1000:8.1f} ms")
        print(f"ratio                  {built / bare:8.2f}x (target <= 1.5x)")

        sqlfluff = os.environ.get("SQLFLUFF") or shutil.which("sqlfluff")
        if sqlfluff is None:
            print("sqlfluff: not installed, skipped (pip install sqlfluff, or set $SQLFLUFF)")
            return
        command = [sqlfluff, "parse", "--dialect", "postgres", "--nofail", str(folder)]
        times = []
        for _ in range(args.sqlfluff_runs):
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=False)
            times.append(time.perf_counter() - start)
        fluff = statistics.median(times)
        print(
            f"sqlfluff parse         {fluff * 1000:8.1f} ms (median of {len(times)}, whole "
            f"process); doclint is {fluff / built:.0f}x faster"
        )


if __name__ == "__main__":
    main()
