"""Long fuzzing campaign: mutate sample_service's files and feed every parser, then `doclint check`.

Usage: python benchmarks/fuzz.py [--examples 10000] [--checks 200] [--targets a,b] [--seed N]
                                 [--jobs 2]

For each parser (markdown, YAML, JSON, OpenAPI, JSON Schema, event registry, SQL migrations,
configuration) it runs ``--examples`` parser-level examples and ``--checks`` full
`doclint check` runs, with the properties of tests/test_fuzz.py: no exception escapes, the
exit code is 0 or 1, every diagnostic is located inside the service within the file's lines.
It prints, per parser, the examples run, the time taken and each distinct failure found (with
a reproducer: the mutations applied to the sample file).
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.test_fuzz import (  # noqa: E402
    SAMPLE,
    TARGETS,
    TOKENS,
    Mutation,
    apply,
    run_check,
    run_parser,
)

OPS = ("truncate", "flip", "swap", "bracket", "insert", "repeat", "raw", "delete-line", "dup")


def random_mutations(rng: random.Random) -> list[Mutation]:
    """A random list of 1-5 mutations (the same kinds the hypothesis strategy draws)."""
    mutations: list[Mutation] = []
    for _ in range(rng.randint(1, 5)):
        op = rng.choice(OPS)
        at = rng.randrange(1 << 20)
        if op == "truncate":
            mutations.append(("truncate", at))
        elif op == "flip":
            mutations.append(("flip", at, rng.randint(1, 255)))
        elif op == "swap":
            mutations.append(("swap", at, rng.randrange(1 << 20)))
        elif op == "bracket":
            mutations.append(("bracket", at))
        elif op == "insert":
            mutations.append(("insert", at, rng.choice(TOKENS), rng.randint(1, 3)))
        elif op == "repeat":
            short = [t for t in TOKENS if len(t) <= 4]
            mutations.append(("insert", at, rng.choice(short), rng.randint(100, 6000)))
        elif op == "raw":
            mutations.append(("raw", at, rng.randbytes(rng.randint(1, 32))))
        elif op == "delete-line":
            mutations.append(("delete-line", at))
        else:
            mutations.append(("duplicate-line", at))
    return mutations


def random_input(rng: random.Random, original: bytes) -> tuple[bytes, str]:
    """Mostly mutations of ``original``; sometimes random bytes or hostile tokens."""
    roll = rng.random()
    if roll < 0.8:
        mutations = random_mutations(rng)
        return apply(original, mutations), f"apply(original, {mutations!r})"
    if roll < 0.9:
        data = rng.randbytes(rng.randint(0, 2048))
        return data, f"{data!r}"
    text = "".join(rng.choice(TOKENS) for _ in range(rng.randint(0, 40)))
    data = text.encode("utf-8", "surrogatepass")
    return data, f"{data[:300]!r}"


def signature(exc: BaseException) -> str:
    """Where a failure happened: exception type, first message line, innermost doclint frame."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/doclint/" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    first = str(exc).strip().split("\n")[0][:160]
    if isinstance(exc, OSError) and exc.errno is not None:
        first = f"[Errno {exc.errno}] {exc.strerror}"  # the file name differs every time
    if isinstance(exc, AssertionError):
        # property failures: keep the rule and the kind of failure, not the exact line numbers
        first = " ".join(w for w in first.split() if not w.isdigit())[:160]
    return f"{type(exc).__name__} at {where}: {first}"


def campaign(name: str, examples: int, checks: int, seed: int) -> dict[str, Any]:
    target = TARGETS[name]
    original = (SAMPLE / target.file).read_bytes()
    rng = random.Random(f"{seed}:{name}")
    found: dict[str, tuple[int, str]] = {}
    work = Path(tempfile.mkdtemp(prefix=f"doclint-fuzz-{name}-"))
    root = (work / "svc").resolve()
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".doclint_cache"))
    timings: dict[str, float] = {}
    try:
        for level, count, runner in (
            ("parser", examples, run_parser),
            ("check", checks, run_check),
        ):
            start = time.perf_counter()
            for _ in range(count):
                data, reproducer = random_input(rng, original)
                try:
                    runner(target, root, data)
                except (Exception, RecursionError) as exc:
                    key = f"[{level}] {signature(exc)}"
                    hits, _ = found.get(key, (0, reproducer))
                    found[key] = (hits + 1, found.get(key, (0, reproducer))[1])
            timings[level] = time.perf_counter() - start
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "name": name,
        "examples": examples,
        "checks": checks,
        "timings": timings,
        "found": found,
    }


def report(result: dict[str, Any]) -> None:
    t = result["timings"]
    parser_rate = result["examples"] / t["parser"] if t.get("parser") else 0.0
    print(
        f"== {result['name']}: {result['examples']} parser examples in {t.get('parser', 0):.1f}s "
        f"({parser_rate:.0f}/s), {result['checks']} full checks in {t.get('check', 0):.1f}s; "
        f"{len(result['found'])} distinct failure(s)",
        flush=True,
    )
    for key, (hits, reproducer) in sorted(result["found"].items()):
        print(f"   {hits:6d} x {key}\n          e.g. {reproducer[:400]}", flush=True)


def _run(args: tuple[str, int, int, int]) -> dict[str, Any]:
    return campaign(*args)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--checks", type=int, default=200)
    parser.add_argument("--targets", default=",".join(TARGETS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    names = [n for n in args.targets.split(",") if n]
    unknown = [n for n in names if n not in TARGETS]
    if unknown:
        parser.error(f"unknown target(s) {unknown}; choose from {', '.join(TARGETS)}")
    jobs = [(n, args.examples, args.checks, args.seed) for n in names]
    start = time.perf_counter()
    total = 0
    if args.jobs > 1:
        # a fresh process per parser: each one imports doclint as it is when it starts
        with multiprocessing.get_context("spawn").Pool(args.jobs, maxtasksperchild=1) as pool:
            for result in pool.imap_unordered(_run, jobs):
                report(result)
                total += len(result["found"])
    else:
        for job in jobs:
            result = _run(job)
            report(result)
            total += len(result["found"])
    print(f"== total: {total} distinct failure(s) in {time.perf_counter() - start:.0f}s")
    return 1 if total else 0


if __name__ == "__main__":
    raise SystemExit(main())
