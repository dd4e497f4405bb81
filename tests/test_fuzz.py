"""Property tests: no input makes a parser or `doclint check` crash or report outside the service.

Each parser is fed mutations of sample_service's own files (truncations, byte flips, swapped,
deleted and duplicated lines, deleted brackets, inserted hostile tokens, long repetitions) and
random bytes. The property: no exception escapes, `doclint check` exits 0 or 1 (2 only for a
configuration error, which names the file and a line inside it), and every diagnostic's path is
inside the service with a line within the file's bounds. ``benchmarks/fuzz.py`` runs the same
properties for a long campaign.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doclint import sources
from doclint.cli import main
from doclint.config import load_config
from doclint.diagnostics import Problem
from doclint.errors import ConfigError
from doclint.project import Project

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_service"

# Hostile fragments inserted into files: YAML tags and aliases, remote and escaping $refs,
# nesting starters, odd line breaks, encodings, SQL and markdown syntax.
TOKENS: tuple[str, ...] = (
    "\t",
    "\r\n",
    "\r",
    "\x00",
    "\ufeff",
    "\u2028",
    "\x85",
    "\x1b[31m",
    "&a ",
    "*a",
    "<<: *a\n",
    "? ",
    "!!python/object/apply:os.system ['true']",
    "!!binary ",
    "!custom ",
    "$ref: 'https://example.com/x.yaml'\n",
    '"$ref": "../../../../etc/passwd"',
    '{"$ref": "#/definitions/x"}',
    "$ref: '#/components/schemas/Nope'\n",
    "$ref: '/etc/passwd'\n",
    "- ",
    "> ",
    "1. ",
    "  ",
    "[",
    "]",
    "{",
    "}",
    "(",
    ")",
    "'",
    '"',
    "`",
    "```",
    "|",
    "---\n",
    "...\n",
    "#",
    "# heading\n",
    "| a | b |\n|---|---|\n",
    "<!-- doclint-disable -->",
    "<!-- doclint: schema=../../../etc/passwd -->\n```json\n{}\n```\n",
    "[x](../../../../etc/passwd)",
    "[x](https://example.com/)",
    "\\",
    "%",
    "${x}",
    "$$",
    ";",
    "--",
    "/*",
    "*/",
    "E'",
    "é",
    "\U0001d518",
    "9" * 5000,
    "null",
    "~",
    ":",
    "@",
    "=",
    "[tool.doclint]\n",
    "max-file-size = -1\n",
    'select = "DL1"\n',
)

SHORT_TOKENS = tuple(t for t in TOKENS if len(t) <= 4)
Mutation = tuple[Any, ...]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def apply(original: bytes, mutations: list[Mutation]) -> bytes:
    """Apply each mutation in turn; positions wrap around the current length."""
    data = original
    for op, *args in mutations:
        size = max(len(data), 1)
        if op == "truncate":
            data = data[: args[0] % (len(data) + 1)]
        elif op == "flip" and data:
            at = args[0] % size
            data = data[:at] + bytes([data[at] ^ args[1]]) + data[at + 1 :]
        elif op == "swap":
            lines = _lines(data)
            i, j = args[0] % len(lines), args[1] % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
            data = b"\n".join(lines)
        elif op == "bracket":
            spots = [m.start() for m in re.finditer(rb"[\[\]{}()]", data)]
            if spots:
                at = spots[args[0] % len(spots)]
                data = data[:at] + data[at + 1 :]
        elif op == "insert":
            at = args[0] % (len(data) + 1)
            data = data[:at] + args[1].encode("utf-8", "surrogatepass") * args[2] + data[at:]
        elif op == "raw":
            at = args[0] % (len(data) + 1)
            data = data[:at] + args[1] + data[at:]
        elif op in ("delete-line", "duplicate-line"):
            lines = _lines(data)
            i = args[0] % len(lines)
            lines[i : i + 1] = [] if op == "delete-line" else [lines[i], lines[i]]
            data = b"\n".join(lines)
    return data


def mutation_lists(original: bytes) -> st.SearchStrategy[list[Mutation]]:
    big = st.integers(0, 1 << 20)
    op = st.one_of(
        st.tuples(st.just("truncate"), big),
        st.tuples(st.just("flip"), big, st.integers(1, 255)),
        st.tuples(st.just("swap"), big, big),
        st.tuples(st.just("bracket"), big),
        st.tuples(st.just("insert"), big, st.sampled_from(TOKENS), st.integers(1, 3)),
        st.tuples(st.just("insert"), big, st.sampled_from(SHORT_TOKENS), st.integers(100, 6000)),
        st.tuples(st.just("raw"), big, st.binary(max_size=32)),
        st.tuples(st.just("delete-line"), big),
        st.tuples(st.just("duplicate-line"), big),
    )
    return st.lists(op, min_size=1, max_size=5)


def inputs(original: bytes) -> st.SearchStrategy[bytes]:
    """Mutations of ``original`` (mostly), or random bytes, or random text of hostile tokens."""
    return st.one_of(
        mutation_lists(original).map(lambda ops: apply(original, ops)),
        mutation_lists(original).map(lambda ops: apply(original, ops)),
        mutation_lists(original).map(lambda ops: apply(original, ops)),
        st.binary(max_size=2048),
        st.lists(st.sampled_from(TOKENS) | st.text(max_size=8), max_size=40).map(
            lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
        ),
    )


# -- the property ----------------------------------------------------------------------------


def line_count(path: Path) -> int:
    """Lines of a file as doclint counts them (LF, CRLF or CR); 1 for a missing file."""
    try:
        raw = path.read_bytes()
    except OSError:
        return 1
    for bom, codec in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            with contextlib.suppress(UnicodeDecodeError):
                raw = raw.decode(codec).encode("utf-8")
    text = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return text.count(b"\n") + 1


def assert_located(path_text: str, line: int, root: Path, cwd: Path, what: str) -> None:
    """``path_text`` (relative to ``cwd``) is inside ``root`` and ``line`` inside that file."""
    path = (cwd / path_text).resolve()
    assert path == root or root in path.parents, f"{what}: path {path_text} leaves the service"
    assert line >= 1, f"{what}: line {line} < 1"
    bound = line_count(path) if path.is_file() else 1
    assert line <= bound, f"{what}: line {line} beyond {path_text}'s {bound} lines"


def assert_problems(problems: list[Problem], root: Path) -> None:
    for problem in problems:
        loc = problem.finding.location
        assert_located(loc.path, loc.line, root, root, f"{problem.rule} {problem.finding.message}")
        assert re.fullmatch(r"DL9\d\d", problem.rule), problem


@dataclass(frozen=True)
class Target:
    """A parser under test: the sample file it reads and how to run it on a project."""

    name: str
    file: str
    run: Callable[[Project, Path], object]


def _structured(project: Project, path: Path) -> object:
    return project.structured(path)


def _markdown(project: Project, path: Path) -> object:
    return project.markdown(path)


def _loader(need: str) -> Callable[[Project, Path], object]:
    def run(project: Project, path: Path) -> object:
        return sources.load(project, need)

    return run


TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target("markdown", "docs/API_CONTRACTS.md", _markdown),
        Target("yaml", "openapi.yaml", _structured),
        Target("json", "events/schemas/ai.call.completed.v1.json", _structured),
        Target("openapi", "openapi.yaml", _loader("openapi")),
        Target("jsonschema", "events/schemas/common.json", _loader("events")),
        Target("registry", "events/registry.yaml", _loader("events")),
        Target("sql", "db/migration/V2__ai_calls.sql", _loader("schema")),
        Target("config", "doclint.toml", lambda project, path: None),
    )
}


@contextlib.contextmanager
def planted(root: Path, rel: str, data: bytes) -> Iterator[Path]:
    """``data`` written over ``root/rel`` for the duration of the block."""
    path = root / rel
    original = path.read_bytes()
    path.write_bytes(data)
    try:
        yield path
    finally:
        path.write_bytes(original)


def run_parser(target: Target, root: Path, data: bytes) -> None:
    """Property at the parser level: no exception; every problem located inside."""
    with planted(root, target.file, data) as path:
        if target.name == "config":
            try:
                load_config(root, cwd=root)
            except ConfigError as exc:
                assert exc.path == target.file, exc
                if exc.line is not None:
                    assert 1 <= exc.line <= line_count(path), exc
            return
        project = Project(root, load_config(root, cwd=root), root)
        target.run(project, path)
        assert_problems(project.problems, root)


def run_check(target: Target, root: Path, data: bytes) -> None:
    """Property of the whole `doclint check`: exit 0 or 1, every location inside."""
    with planted(root, target.file, data):
        out, err = io.StringIO(), io.StringIO()
        previous = Path.cwd()
        os.chdir(root)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(["check", ".", "--format", "json"])
        finally:
            os.chdir(previous)
        if code == 2 and target.name == "config":
            message = err.getvalue()
            assert message.startswith(f"doclint: error: {target.file}"), message
            found = re.match(rf"doclint: error: {re.escape(target.file)}:(\d+):", message)
            if found:
                assert 1 <= int(found.group(1)) <= line_count(root / target.file), message
            return
        report = json.loads(out.getvalue()) if out.getvalue().startswith("{") else {}
        crashes = [
            re.sub(r"\s+", " ", d["message"])[:300]
            for d in report.get("diagnostics", ())
            if d["rule"] == "DL999"
        ]
        assert code in (0, 1), f"exit code {code}: {err.getvalue()[:300]}{'; '.join(crashes)}"
        for d in report.get("diagnostics", ()):
            what = f"{d['rule']} {d['message']}"
            assert d["rule"] != "DL999", what
            assert_located(d["path"], d["line"], root, root, what)
            for related in d.get("related", ()):
                assert_located(related["path"], related["line"], root, root, f"related of {what}")


def original(target: Target) -> bytes:
    return (SAMPLE / target.file).read_bytes()


# -- CI-sized runs ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "svc"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".doclint_cache"))
    return root.resolve()


CI = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def test_sample_is_clean_before_fuzzing(service: Path) -> None:
    """The property holds on the unmutated sample (so failures below come from mutations)."""
    for target in TARGETS.values():
        run_parser(target, service, original(target))


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_parser_never_crashes(name: str, service: Path) -> None:
    target = TARGETS[name]
    examples = 10 if name in ("jsonschema", "registry", "sql") else 30

    @settings(CI, max_examples=examples)
    @given(inputs(original(target)))
    def prop(data: bytes) -> None:
        run_parser(target, service, data)

    prop()


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_check_never_crashes(name: str, service: Path) -> None:
    target = TARGETS[name]

    @settings(CI, max_examples=2)
    @given(mutation_lists(original(target)))
    def prop(ops: list[Mutation]) -> None:
        run_check(target, service, apply(original(target), ops))

    prop()


def test_apply_mutations() -> None:
    data = b"a: [1]\nb: {c: 2}\n"
    assert apply(data, [("truncate", 3)]) == b"a: "
    assert apply(data, [("flip", 0, 1)]) == b"`: [1]\nb: {c: 2}\n"
    assert apply(data, [("swap", 0, 1)]) == b"b: {c: 2}\na: [1]\n"
    assert apply(data, [("bracket", 0)]) == b"a: 1]\nb: {c: 2}\n"
    assert apply(data, [("insert", 0, "#", 2)]) == b"##a: [1]\nb: {c: 2}\n"
    assert apply(data, [("raw", 1, b"\xff")]) == b"a\xff: [1]\nb: {c: 2}\n"
    assert apply(data, [("delete-line", 1)]) == b"a: [1]\n"
    assert apply(data, [("duplicate-line", 0)]) == b"a: [1]\na: [1]\nb: {c: 2}\n"
