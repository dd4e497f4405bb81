"""Time doclint's OpenAPI load + validation + indexing against a bare parse of the same file.

Each figure is a whole process (interpreter start-up included), run in alternation with its
baseline (A B A B ...) after one warm-up of each; medians of the runs and the median of the
paired ratios are printed, as in ../shared/corpus/PEER_TIMINGS.md.

    python benchmarks/bench_openapi.py [--runs 5] [--reference] [FILE ...]

With no FILE, every document of ../shared/corpus/openapi/ is timed. ``--reference`` adds
openapi-spec-validator's own full validation (every error) of the same file, for comparison.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "openapi"

DOCLINT = """
import sys
from dataclasses import replace
from pathlib import Path
from doclint.config import Config
from doclint.project import Project
from doclint.sources.openapi import openapi
spec = Path(sys.argv[1]).resolve()
project = Project(spec.parent, replace(Config(root=spec.parent), openapi=spec.name), spec.parent)
model = openapi(project)
print(len(model.operations) if model else -1, len(project.problems))
"""
PARSE_YAML = "import sys, yaml; yaml.load(open(sys.argv[1]), Loader=yaml.CSafeLoader)"
PARSE_JSON = "import sys, json; json.load(open(sys.argv[1]))"
REFERENCE = """
import sys, json, yaml
from openapi_spec_validator.validation.validators import (
    OpenAPIV30SpecValidator, OpenAPIV31SpecValidator)
path = sys.argv[1]
with open(path) as handle:
    data = json.load(handle) if path.endswith(".json") else yaml.load(handle, yaml.CSafeLoader)
cls = OpenAPIV31SpecValidator if str(data["openapi"]).startswith("3.1") else OpenAPIV30SpecValidator
print(sum(1 for _ in cls(data).iter_errors()))
"""


def run(code: str, path: Path) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed on {path.name}: {done.stderr.strip()[-400:]}")
    return elapsed, done.stdout.strip()


def bench(path: Path, runs: int, reference: bool) -> dict[str, object]:
    baseline = PARSE_JSON if path.suffix == ".json" else PARSE_YAML
    commands = {"doclint": DOCLINT, "parse": baseline}
    if reference:
        commands["reference"] = REFERENCE
    times: dict[str, list[float]] = {name: [] for name in commands}
    output: dict[str, str] = {}
    for name, code in commands.items():
        _, output[name] = run(code, path)  # warm-up, not counted
    for _ in range(runs):
        for name, code in commands.items():
            elapsed, _ = run(code, path)
            times[name].append(elapsed)
    ratios = [a / b for a, b in zip(times["doclint"], times["parse"], strict=True)]
    operations, problems = output["doclint"].split()
    return {
        "file": path.name,
        "size": path.stat().st_size,
        "operations": int(operations),
        "problems": int(problems),
        "doclint": statistics.median(times["doclint"]),
        "parse": statistics.median(times["parse"]),
        "ratio": statistics.median(ratios),
        "reference": statistics.median(times["reference"]) if reference else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reference", action="store_true")
    args = parser.parse_args()
    files = args.files or sorted(CORPUS.glob("*.*"), key=lambda p: p.stat().st_size)
    if not files:
        raise SystemExit(f"no OpenAPI documents given and none in {CORPUS}")
    header = (
        f"{'file':32} {'bytes':>10} {'ops':>5} {'DL91x':>6} {'doclint s':>10} "
        f"{'parse s':>8} {'ratio':>6}"
    )
    if args.reference:
        header += f" {'osv s':>8}"
    print(f"medians of {args.runs} runs after 1 warm-up; whole processes; ratio = paired median")
    print(header)
    for path in files:
        row = bench(path, args.runs, args.reference)
        line = (
            f"{row['file']!s:32} {row['size']:>10,} {row['operations']:>5} {row['problems']:>6} "
            f"{row['doclint']:>10.3f} {row['parse']:>8.3f} {row['ratio']:>5.1f}x"
        )
        if row["reference"] is not None:
            line += f" {row['reference']:>8.3f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
