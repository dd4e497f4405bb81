"""Untrusted input (SPEC §5.8): safe YAML, containment in the repository, size and nesting
limits, encodings, no network, no code execution, writes only where allowed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from doclint.cli import main
from doclint.config import Config, load_config
from doclint.diagnostics import Diagnostic
from doclint.project import Project
from doclint.sources.files import decode, read_text
from doclint.sources.markdown import nesting_depth
from doclint.sources.structured import MAX_DEPTH, load_json, load_yaml
from tests.conftest import check, edit, summary

REPO = Path(__file__).resolve().parent.parent

# -- observing what doclint opens, connects to and runs ----------------------------------------

_EVENTS: list[tuple[str, tuple[Any, ...]]] | None = None
_WATCHED = ("open", "socket.connect", "socket.getaddrinfo", "subprocess.Popen", "os.system")


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _EVENTS is not None and event in _WATCHED:
        _EVENTS.append((event, args))


sys.addaudithook(_audit)


@contextmanager
def watched() -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    """Record every file opened, connection attempted and program started in the block."""
    global _EVENTS
    events: list[tuple[str, tuple[Any, ...]]] = []
    _EVENTS = events
    try:
        yield events
    finally:
        _EVENTS = None


def opened(events: list[tuple[str, tuple[Any, ...]]]) -> set[Path]:
    return {
        Path(os.fsdecode(args[0])).resolve()
        for event, args in events
        if event == "open" and isinstance(args[0], str | bytes)
    }


def rules_at(diagnostics: list[Diagnostic], path: str) -> list[tuple[str, int]]:
    return [(d.rule, d.line) for d in diagnostics if d.path == path]


BOMB = "\n".join(
    [
        'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
        *(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)),
    ]
)


# -- YAML ----------------------------------------------------------------------------------


def test_billion_laughs_is_refused_within_a_second_in_bounded_memory() -> None:
    tracemalloc.start()
    started = time.perf_counter()
    located, problems = load_yaml(BOMB + "\n", "bomb.yaml")
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert located is None
    assert [(p.rule, p.finding.location.line) for p in problems] == [("DL902", 6)]
    assert "alias bomb" in problems[0].finding.message
    assert elapsed < 1.0
    assert peak < 20_000_000


def test_billion_laughs_in_the_registry_is_a_dl902_and_the_other_checks_run(
    sample: Path,
) -> None:
    (sample / "events" / "registry.yaml").write_text(BOMB + "\n", encoding="utf-8")
    edit(sample / "docs" / "SERVICE_OVERVIEW.md", "## Owners", "## Owners\n\nTBD")
    started = time.perf_counter()
    found = check(sample)
    assert time.perf_counter() - started < 30
    assert ("DL902", "events/registry.yaml", 6) in summary(found)
    assert any(d.rule == "DL105" for d in found)
    assert all(d.rule != "DL999" for d in found)


def test_merge_keys_and_aliases_within_bounds_load_with_lines() -> None:
    text = "base: &base {a: 1, b: 2}\nitem:\n  <<: *base\n  b: 3\nlist: [*base, *base]\n"
    located, problems = load_yaml(text, "x.yaml")
    assert problems == [] and located is not None
    assert located.data["item"] == {"a": 1, "b": 3}
    assert located.data["list"] == [{"a": 1, "b": 2}, {"a": 1, "b": 2}]
    assert located.line_of(["item", "b"]) == 4
    assert located.line_of(["list", 1]) == 5


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: &x\n  b: *x\n", 2, "recursive alias"),
        ("a: 1\nb: *nowhere\n", 2, "has no anchor"),
        ("a: 1\n---\nb: 2\n", 2, "more than one document"),
        ("a:\n\tb: 1\n", 2, "tabs"),
        ("a: [1, 2\nb: 3\n", 2, "opened on line 1"),
        ("a: 1\nb: '\x07'\n", 2, "not allowed"),
        ("# only a comment\n", 1, "no YAML document"),
        ("   \n", 1, "file is empty"),
    ],
)
def test_broken_yaml_is_a_dl902_at_its_line(text: str, line: int, words: str) -> None:
    located, problems = load_yaml(text, "x.yaml")
    assert located is None
    assert [(p.rule, p.finding.location.line) for p in problems] == [("DL902", line)]
    assert words in problems[0].finding.message


def test_yaml_tags_never_construct_objects_or_run_code(tmp_path: Path) -> None:
    canary = tmp_path / "pwned"
    text = (
        f"a: !!python/object/apply:os.system ['touch {canary}']\n"
        "b: !!python/name:os.system\n"
        "c: !!binary aGVsbG8=\n"
        "d: !custom {x: 1}\n"
    )
    with watched() as events:
        located, problems = load_yaml(text, "x.yaml")
    assert problems == [] and located is not None
    assert located.data == {
        "a": [f"touch {canary}"],
        "b": "",
        "c": "aGVsbG8=",
        "d": {"x": 1},
    }
    assert not canary.exists()
    assert not [e for e in events if e[0] in ("subprocess.Popen", "os.system")]


def test_lines_count_only_line_feeds_even_with_unicode_line_separators() -> None:
    located, _ = load_yaml('a: "x\u2028y"\nb: 1\n', "x.yaml")
    assert located is not None and located.line_of(["b"]) == 2


def test_error_at_end_of_file_stays_on_the_last_line() -> None:
    _, problems = load_yaml("a: 1\nb: 'open", "x.yaml")
    assert [p.finding.location.line for p in problems] == [2]


def test_deep_block_sequences_do_not_crash_the_yaml_composer(tmp_path: Path) -> None:
    """libyaml's composer recursed in C on `- - - ...` and killed the process."""
    script = (
        "from doclint.sources.structured import load_yaml\n"
        "located, problems = load_yaml('- ' * 100_000 + 'x\\n', 'deep.yaml')\n"
        "print(problems[0].rule, problems[0].finding.location.line)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["DL904", "1"]


@pytest.mark.parametrize(
    "text",
    [
        "- " * 20_000 + "x\n",
        "? " * 20_000 + "x\n",
        "[" * 100_000 + "]" * 100_000,
        "".join(" " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5)),
    ],
    ids=["block-sequences", "complex-keys", "flow", "indented-mappings"],
)
def test_deep_yaml_is_a_dl904(text: str) -> None:
    located, problems = load_yaml(text, "deep.yaml")
    assert located is None
    assert [p.rule for p in problems] == ["DL904"]
    assert "flatten" in problems[0].finding.message


# -- JSON ----------------------------------------------------------------------------------


def test_ten_thousand_nested_json_arrays_are_a_dl904() -> None:
    located, problems = load_json("[" * 10_000 + "]" * 10_000, "deep.json")
    assert located is None
    assert [(p.rule, p.finding.location.line) for p in problems] == [("DL904", 1)]


def test_json_nesting_over_the_limit_is_a_dl904_with_its_line() -> None:
    text = "{\n" + '"a": ' + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n}"
    located, problems = load_json(text, "deep.json")
    assert located is None
    assert [(p.rule, p.finding.location.line) for p in problems] == [("DL904", 2)]


def test_a_json_number_too_long_to_convert_is_a_dl903() -> None:
    located, problems = load_json('{\n"a": ' + "7" * 5000 + "\n}", "long.json")
    assert located is None
    assert [(p.rule, p.finding.location.line) for p in problems] == [("DL903", 2)]


def test_deep_json_schema_in_the_sample_is_a_dl904_and_nothing_crashes(sample: Path) -> None:
    path = sample / "events" / "schemas" / "common.json"
    path.write_text("[" * 10_000 + "]" * 10_000, encoding="utf-8")
    found = check(sample)
    assert ("DL904", "events/schemas/common.json", 1) in summary(found)
    assert all(d.rule != "DL999" for d in found)


# -- markdown ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nested", "offset"),
    [
        ("> " * 5000 + "deep\n", 0),
        ("- " * 5000 + "deep\n", 0),
        ("".join("  " * i + "- item\n" for i in range(2000)), 50),
        ("1. " * 5000 + "deep\n", 0),
        ("> - " * 2500 + "deep\n", 0),
    ],
    ids=["blockquotes", "lists", "indented-lists", "ordered", "mixed"],
)
def test_five_thousand_nested_lists_or_quotes_are_a_dl904(
    sample: Path, nested: str, offset: int
) -> None:
    doc = sample / "docs" / "DOMAIN_MODEL.md"
    lines = doc.read_text(encoding="utf-8").split("\n")
    at = len(lines) + 2 + offset
    doc.write_text("\n".join(lines) + "\n\n" + nested, encoding="utf-8")
    edit(sample / "docs" / "SERVICE_OVERVIEW.md", "## Owners", "## Owners\n\nTBD")
    found = check(sample)
    deep = [d for d in found if d.rule == "DL904"]
    assert [(d.path, d.line) for d in deep] == [("docs/DOMAIN_MODEL.md", at)]
    assert "flatten" in deep[0].message
    assert any(d.rule == "DL105" for d in found)
    assert all(d.rule != "DL999" for d in found)


def test_ordinary_nesting_is_not_reported() -> None:
    text = "# T\n\n- a\n  - b\n    - c\n\n> quote\n> > nested\n\n```\n" + "> " * 500 + "\n```\n"
    assert nesting_depth(text)[0] == 3


# -- sizes and encodings ---------------------------------------------------------------------


def test_a_file_over_the_default_limit_is_a_dl901_and_not_read(sample: Path) -> None:
    doc = sample / "docs" / "DOMAIN_MODEL.md"
    with doc.open("a", encoding="utf-8") as handle:
        handle.write("\n" + "x" * 10_000_001)
    assert Config(root=sample).max_file_size == 10_000_000
    with watched() as events:
        found = check(sample)
    assert doc.resolve() not in opened(events)
    hits = [d for d in found if d.rule == "DL901"]
    assert [(d.path, d.line) for d in hits] == [("docs/DOMAIN_MODEL.md", 1)]
    assert "over the 10,000,000-byte limit" in hits[0].message
    assert "max-file-size" in hits[0].message


def test_max_file_size_is_configurable(sample: Path) -> None:
    (sample / "doclint.toml").write_text(
        'max-file-size = 3000\n[api]\npath-prefix = "/v1"\n', encoding="utf-8"
    )
    found = check(sample, select=["DL901"])
    big = {
        p.relative_to(sample).as_posix() for p in sample.rglob("*.md") if p.stat().st_size > 3000
    }
    assert big and big <= {d.path for d in found}
    assert all("3,000-byte limit" in d.message for d in found)


def test_a_file_that_grows_after_it_was_measured_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_bytes(b"x" * 50)
    result = read_text(path, "x.md", tmp_path, 10)
    assert not hasattr(result, "text")


@pytest.mark.parametrize(
    ("raw", "line", "words"),
    [
        (b"# Title\n\ncaf\xe9\n", 3, "not valid UTF-8"),
        (b"# Title\n\x00\x01\x02", 2, "binary"),
        (b"\xff\xfe\x00\x00#\x00\x00\x00", 1, "UTF-32"),
        (b"\xff\xfe#\x00\n\x00\x00\xd8", 2, "not valid UTF-16"),
        ("# T\n\x00".encode("utf-16"), 2, "binary"),
    ],
    ids=["latin-1", "binary", "utf-32", "broken-utf-16", "utf-16-binary"],
)
def test_binary_and_non_utf8_files_are_a_dl901(raw: bytes, line: int, words: str) -> None:
    result = decode(raw, Path("x.md"), "x.md")
    assert not hasattr(result, "text")
    assert (result.rule, result.finding.location.line) == ("DL901", line)  # type: ignore[union-attr]
    assert words in result.finding.message  # type: ignore[union-attr]
    assert "UTF-8" in result.finding.message  # type: ignore[union-attr]


def test_a_latin1_doc_in_the_sample_is_a_dl901_naming_its_line(sample: Path) -> None:
    doc = sample / "docs" / "SECURITY_MODEL.md"
    text = doc.read_text(encoding="utf-8")
    doc.write_bytes(text.encode("utf-8") + "\nCafé au lait.\n".encode("latin-1"))
    found = check(sample)
    line = text.count("\n") + 2
    assert rules_at(found, "docs/SECURITY_MODEL.md") == [("DL901", line)]
    assert all(d.rule != "DL999" for d in found)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_bom_marked_unicode_is_read_like_utf8(sample: Path, encoding: str) -> None:
    bom = {"utf-16-le": "\ufeff", "utf-16-be": "\ufeff"}.get(encoding, "")
    for name in ("DOMAIN_MODEL.md", "API_CONTRACTS.md"):
        doc = sample / "docs" / name
        doc.write_bytes((bom + doc.read_text(encoding="utf-8")).encode(encoding))
    registry = sample / "events" / "registry.yaml"
    registry.write_bytes((bom + registry.read_text(encoding="utf-8")).encode(encoding))
    assert check(sample) == []


def _to_crlf(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file() and path.suffix in (".md", ".yaml", ".json", ".sql", ".toml", ".ts"):
            raw = path.read_bytes()
            path.write_bytes(raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))


def _break(root: Path) -> None:
    edit(root / "docs" / "SERVICE_OVERVIEW.md", "## Owners", "## Owners\n\nTBD")
    edit(root / "docs" / "SECURITY_MODEL.md", "## Egress", "## Egress (outbound)\n\n[x](nope.md)")
    text = (root / "openapi.yaml").read_text(encoding="utf-8")
    (root / "openapi.yaml").write_text(text + "\nbroken: [\n", encoding="utf-8")


def test_crlf_gives_the_same_findings_and_lines_as_lf(sample: Path, tmp_path: Path) -> None:
    import shutil

    lf = tmp_path / "lf"
    shutil.copytree(sample, lf)
    _break(lf)
    crlf = tmp_path / "crlf"
    shutil.copytree(lf, crlf)
    _to_crlf(crlf)
    expected = [(d.rule, d.path, d.line, d.column, d.message) for d in check(lf)]
    got = [(d.rule, d.path, d.line, d.column, d.message) for d in check(crlf)]
    assert len(expected) >= 3
    assert got == expected


def test_crlf_sample_is_clean(sample: Path) -> None:
    _to_crlf(sample)
    assert check(sample) == []


# -- containment ---------------------------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder next to the service, outside it, holding files a symlink can point at."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "SECRET.md").write_text("# Secret\n\nTODO steal this\n", encoding="utf-8")
    return folder


def test_project_read_refuses_a_symlink_leaving_the_root(sample: Path, outside: Path) -> None:
    link = sample / "docs" / "LEAK.md"
    link.symlink_to(outside / "SECRET.md")
    project = Project(sample, load_config(sample), sample)
    with watched() as events:
        assert project.read(link) is None
    assert (outside / "SECRET.md").resolve() not in opened(events)
    [problem] = project.problems
    assert (problem.rule, problem.finding.location.path) == ("DL901", "docs/LEAK.md")
    assert "outside the repository" in problem.finding.message


def test_symlinks_leaving_the_service_are_never_opened_by_check(
    sample: Path, outside: Path
) -> None:
    (sample / "docs" / "LEAK.md").symlink_to(outside / "SECRET.md")
    runbooks = sample / "docs" / "runbooks"
    (outside / "runbooks").mkdir()
    (outside / "runbooks" / "AI_LEAK.md").write_text("# Leak\n\nTODO\n", encoding="utf-8")
    (runbooks / "more").symlink_to(outside / "runbooks", target_is_directory=True)
    with watched() as events:
        found = check(sample)
    assert not {p for p in opened(events) if outside in p.parents}
    assert ("DL901", "docs/LEAK.md", 1) in summary(found)
    assert not [d for d in found if "steal" in d.message or d.rule == "DL105"]


def test_a_symlink_inside_the_service_is_followed(sample: Path) -> None:
    target = sample / "docs" / "SERVICE_OVERVIEW.md"
    (sample / "docs" / "ALIAS.md").symlink_to(target)
    project = Project(sample, load_config(sample), sample)
    text = project.read(sample / "docs" / "ALIAS.md")
    assert text is not None and text.text == target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("../../../../etc/passwd", "leaves the repository"),
        ("../../outside/SECRET.md", "leaves the repository"),
        ("LEAK.md", "leaves the repository"),
        ("NOPE.md", "does not exist"),
    ],
)
def test_links_leaving_the_repository_are_dl106_and_never_opened(
    sample: Path, outside: Path, target: str, expected: str
) -> None:
    (sample / "docs" / "LEAK.md").symlink_to(outside / "SECRET.md")
    doc = sample / "docs" / "SECURITY_MODEL.md"
    edit(doc, "## Egress", f"## Egress\n\nSee [the file]({target}#secret).\n")
    line = doc.read_text(encoding="utf-8").split("\n").index(f"See [the file]({target}#secret).")
    with watched() as events:
        found = check(sample, select=["DL106", "DL107"])
    assert not {p for p in opened(events) if outside in p.parents or p == Path("/etc/passwd")}
    assert [(d.rule, d.path, d.line) for d in found] == [
        ("DL106", "docs/SECURITY_MODEL.md", line + 1)
    ]
    assert expected in found[0].message


def test_remote_and_absolute_links_are_not_followed(sample: Path) -> None:
    edit(
        sample / "docs" / "SECURITY_MODEL.md",
        "## Egress",
        "## Egress\n\n[a](https://example.com/x.md#y) [b](/etc/passwd) [c](file:///etc/passwd)\n",
    )
    with watched() as events:
        found = check(sample, select=["DL106", "DL107"])
    assert found == []
    assert Path("/etc/passwd") not in opened(events)
    assert not [e for e in events if e[0].startswith("socket")]


# -- $refs ---------------------------------------------------------------------------------


REMOTE = "https://schemas.example.com/money.json"


def _remote_refs(root: Path) -> None:
    """A service whose OpenAPI spec, event schemas and docs reference remote URLs."""
    edit(
        root / "openapi.yaml",
        '$ref: "#/components/schemas/CreateSessionRequest"',
        f'$ref: "{REMOTE}#/CreateSessionRequest"',
    )
    edit(
        root / "events" / "schemas" / "ai.budget.exceeded.v1.json",
        '"limit": { "$ref": "common.json#/$defs/Cost" }',
        f'"limit": {{ "$ref": "{REMOTE}" }}',
    )
    edit(
        root / "docs" / "SECURITY_MODEL.md",
        "## Egress",
        f"## Egress\n\n[spec]({REMOTE})\n\n<!-- doclint: schema={REMOTE} -->\n"
        '```json\n{"a": 1}\n```\n',
    )


def test_remote_refs_are_diagnostics_never_fetched(sample: Path) -> None:
    _remote_refs(sample)
    found = check(sample)
    spec = [d for d in found if d.path == "openapi.yaml" and d.rule == "DL913"]
    schema = [d for d in found if d.path.endswith("ai.budget.exceeded.v1.json")]
    assert spec and REMOTE in spec[0].message
    assert [d.rule for d in schema] == ["DL922"]
    assert all(d.rule != "DL999" for d in found)


@pytest.mark.parametrize("where", ["openapi", "events"])
def test_refs_escaping_the_repository_are_never_opened(sample: Path, where: str) -> None:
    escape = "../../../../etc/passwd"
    if where == "openapi":
        edit(
            sample / "openapi.yaml",
            '$ref: "#/components/schemas/CreateSessionRequest"',
            f'$ref: "{escape}"',
        )
        path, rule = "openapi.yaml", "DL913"
    else:
        edit(
            sample / "events" / "schemas" / "ai.budget.exceeded.v1.json",
            '"limit": { "$ref": "common.json#/$defs/Cost" }',
            f'"limit": {{ "$ref": "{escape}" }}',
        )
        path, rule = "events/schemas/ai.budget.exceeded.v1.json", "DL922"
    with watched() as events:
        found = check(sample)
    assert Path("/etc/passwd") not in opened(events)
    assert rule in [d.rule for d in found if d.path == path]
    assert all(d.rule != "DL999" for d in found)


# -- no network ----------------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    attempts: list[tuple[Any, ...]] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        pytest.fail(f"doclint tried to open a network connection: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_check_of_the_sample_opens_no_connection(sample: Path, no_network: list[Any]) -> None:
    with watched() as events:
        assert check(sample) == []
    assert no_network == []
    assert not [e for e in events if e[0].startswith("socket")]


def test_check_of_a_service_with_remote_refs_opens_no_connection(
    sample: Path, no_network: list[Any], run_cli: Any
) -> None:
    _remote_refs(sample)
    with watched() as events:
        code, out, _err = run_cli(["check", ".", "--format", "json"], sample)
    assert code == 1
    assert REMOTE in out
    assert no_network == []
    assert not [e for e in events if e[0].startswith("socket")]


# -- writes --------------------------------------------------------------------------------


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


def test_output_and_cache_write_nothing_else(sample: Path, tmp_path: Path, run_cli: Any) -> None:
    _break(sample)
    before = _snapshot(tmp_path)
    code, _out, _err = run_cli(
        ["check", "svc", "--output", "report.json", "--format", "json"], tmp_path
    )
    assert code == 1
    after = _snapshot(tmp_path)
    added = {p for p in after if p not in before and ".doclint_cache/" not in f"/{p}"}
    changed = {p for p in before if before[p] != after.get(p)}
    assert added == {"report.json"}
    assert changed == set()


def test_fix_refuses_to_write_through_a_symlink_leaving_the_repository(
    sample: Path, outside: Path, run_cli: Any
) -> None:
    doc = sample / "docs" / "ERROR_CODES.md"
    target = outside / "ERROR_CODES.md"
    target.write_bytes(doc.read_bytes().replace(b"AI_RATE_LIMITED", b"AI_RATE_LIMITS", 1))
    doc.unlink()
    doc.symlink_to(target)
    before = target.read_bytes()
    inside = _snapshot(sample)
    code, _out, err = run_cli(["check", ".", "--fix"], sample)
    assert code in (0, 1), err
    assert target.read_bytes() == before
    changed = {p for p, data in _snapshot(sample).items() if inside.get(p) != data}
    assert "docs/ERROR_CODES.md" not in changed


def test_readiness_write_does_not_follow_a_symlink_leaving_the_repository(
    sample: Path, outside: Path, run_cli: Any
) -> None:
    doc = sample / "docs" / "SERVICE_READINESS.md"
    target = outside / "SERVICE_READINESS.md"
    target.write_bytes(doc.read_bytes())
    doc.unlink()
    doc.symlink_to(target)
    code, _out, _err = run_cli(["readiness", ".", "--write"], sample)
    assert code == 2
    assert target.read_bytes() == (REPO / "sample_service/docs/SERVICE_READINESS.md").read_bytes()


# -- a cache folder committed in a pull request ----------------------------------------------


class _Canary:
    """Unpickling this runs ``open(path, "w")``: proof that an entry was trusted."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (self.path, "w"))


def _plant_cache(root: Path, canary: Path, key_mode: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run once to learn the entry names, then sign a hostile entry for each with a key of
    ``key_mode`` in the cache folder, as a pull request could commit them."""
    import hashlib
    import hmac
    import pickle

    from doclint import cache

    names: list[str] = []
    real_get = cache.Store.get

    def spy(self: Any, name: str) -> Any:
        names.append(name)
        return real_get(self, name)

    monkeypatch.setattr(cache.Store, "get", spy)
    monkeypatch.chdir(root)
    assert main(["check", ".", "-q"]) == 0
    monkeypatch.setattr(cache.Store, "get", real_get)
    folder = root / cache.DIRNAME
    key = b"k" * 32
    (folder / cache.KEY_FILE).write_bytes(key)
    (folder / cache.KEY_FILE).chmod(key_mode)
    body = pickle.dumps(_Canary(canary))
    assert names
    for name in names:
        signature = hmac.new(key, name.encode() + b"\0" + body, hashlib.sha256).digest()
        cache.Store(folder).path(name).write_bytes(cache.FORMAT + signature + body)


def test_a_committed_cache_folder_is_not_trusted(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    canary = tmp_path / "unpickled"
    _plant_cache(sample, canary, 0o644, monkeypatch)
    assert main(["check", ".", "-q"]) == 0
    assert not canary.exists()


def test_a_committed_private_cache_key_is_not_trusted(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    canary = tmp_path / "unpickled"
    _plant_cache(sample, canary, 0o600, monkeypatch)
    main(["check", ".", "-q"])
    assert not canary.exists()


# -- reading and loading details -------------------------------------------------------------


def test_impossible_file_names_are_simply_absent(tmp_path: Path) -> None:
    from doclint.sources.files import exists, is_dir, is_file, is_inside

    for name in ("a" * 300 + ".md", "a\x00b.md"):
        path = tmp_path / name
        assert not exists(path) and not is_file(path) and not is_dir(path)
        assert read_text(path, name, tmp_path, 100).rule == "DL901"  # type: ignore[union-attr]
    assert exists(tmp_path) and is_dir(tmp_path) and not is_file(tmp_path)
    assert not is_inside(tmp_path / "a\x00b", tmp_path)


def test_unreadable_paths_are_dl901(tmp_path: Path) -> None:
    folder = tmp_path / "folder.md"
    folder.mkdir()
    missing = read_text(tmp_path / "missing.md", "missing.md", tmp_path, 100)
    directory = read_text(folder, "folder.md", tmp_path, 100)
    assert "file not found" in missing.finding.message  # type: ignore[union-attr]
    assert "not a regular file" in directory.finding.message  # type: ignore[union-attr]


def test_a_file_larger_than_its_stat_size_is_still_limited() -> None:
    proc = Path("/proc/self/status")
    if not proc.is_file() or proc.stat().st_size != 0:
        pytest.skip("needs a /proc file that reports size 0")
    result = read_text(proc, "status", proc.parent, 10)
    assert "over the 10-byte limit" in result.finding.message  # type: ignore[union-attr]


def test_yaml_scalars_keep_what_the_author_wrote() -> None:
    text = (
        "n: null\nt: yes\nf: off\ni: 0x1F\nbad: 0b2\nx: 1_000.5\nbadf: .inf\n"
        "d: 2024-01-02\ns: '42'\nlong: " + "9" * 5000 + "\n"
    )
    located, problems = load_yaml(text, "x.yaml")
    assert problems == [] and located is not None
    data = located.data
    assert (data["n"], data["t"], data["f"], data["i"]) == (None, True, False, 31)
    assert (data["bad"], data["x"], data["d"], data["s"]) == ("0b2", 1000.5, "2024-01-02", "42")
    assert data["long"] == "9" * 5000 and data["badf"] == ".inf"


def test_complex_keys_merges_and_anchors() -> None:
    text = (
        "? [a, b]\n: 1\n"
        "? {" + ", ".join(f"k{i}: {i}" for i in range(60)) + "}\n: 2\n"
        "one: &one {x: 1}\ntwo: &two {y: 2}\n"
        "both:\n  <<: [*one, *two]\n  z: 3\n"
        "odd:\n  <<: 5\n"
        "again: &one [1]\nuse: *one\n"
    )
    located, problems = load_yaml(text, "x.yaml")
    assert problems == [] and located is not None
    data = located.data
    assert data['["a", "b"]'] == 1 and data["<complex key>"] == 2
    assert data["both"] == {"x": 1, "y": 2, "z": 3}
    assert data["odd"] == {"<<": 5}
    assert data["use"] == [1]
    assert located.line_of(["both", "z"]) == 9
    assert located.line_of(["both", "nope"]) == 7
    assert located.line_of(["use", 5]) == 13


def test_merge_bombs_are_refused() -> None:
    lines = ["m0: &m0 {" + ", ".join(f"k{i}: {i}" for i in range(200)) + "}"]
    lines += [f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}]}}" for i in range(1, 800)]
    located, problems = load_yaml("\n".join(lines) + "\n", "merge.yaml")
    assert located is None
    assert "alias bomb" in problems[0].finding.message


def test_json_lines_for_pointers() -> None:
    text = '{\n  "a": [\n    1,\n    {"b": 2}\n  ],\n  "c": "x"\n}\n'
    located, problems = load_json(text, "x.json")
    assert problems == [] and located is not None
    assert located.line_of(["a", 1, "b"]) == 4
    assert located.line_of(["c"]) == 6
    assert located.line_of(["nope", "deeper"]) == 1
    _, broken = load_json('{\n  "a": 1,\n}\n', "x.json")
    assert [(p.rule, p.finding.location.line) for p in broken] == [("DL903", 3)]
    assert "column" in broken[0].finding.message


# -- names no file system accepts ------------------------------------------------------------

LONG = "a" * 300


def _long_name(root: Path, where: str) -> None:
    if where == "link":
        edit(root / "docs" / "SECURITY_MODEL.md", "## Egress", f"## Egress\n\n[x]({LONG}.md#y)\n")
    elif where == "openapi-ref":
        edit(
            root / "openapi.yaml",
            '$ref: "#/components/schemas/CreateSessionRequest"',
            f'$ref: "{LONG}.yaml#/X"',
        )
    elif where == "registry-schema":
        edit(
            root / "events" / "registry.yaml",
            "schema: schemas/ai.call.failed.v1.json",
            f"schema: schemas/{LONG}.json",
        )
    elif where == "dev-command":
        path = root / "docs" / "LOCAL_DEV_SETUP.md"
        path.write_text(
            path.read_text(encoding="utf-8") + f"\n```bash\n./{LONG}.sh\n```\n", encoding="utf-8"
        )
    else:
        edit(
            root / "events" / "schemas" / "ai.budget.exceeded.v1.json",
            '"limit": { "$ref": "common.json#/$defs/Cost" }',
            f'"limit": {{ "$ref": "{LONG}.json" }}',
        )


@pytest.mark.parametrize(
    "where", ["link", "openapi-ref", "registry-schema", "dev-command", "schema-ref"]
)
def test_a_file_name_too_long_for_the_file_system_is_a_diagnostic(sample: Path, where: str) -> None:
    """Path.exists() and is_file() raise ENAMETOOLONG for a component over 255 bytes; an
    input naming such a file must be reported like any missing file, not crash a rule."""
    _long_name(sample, where)
    found = check(sample)
    assert [d for d in found if d.rule == "DL999"] == []
    assert found


def test_readiness_write_handles_a_utf16_checklist(sample: Path, run_cli: Any) -> None:
    doc = sample / "docs" / "SERVICE_READINESS.md"
    doc.write_bytes(doc.read_text(encoding="utf-8").encode("utf-16"))
    before = doc.read_bytes()
    code, out, err = run_cli(["readiness", ".", "--write"], sample)
    assert (code, err) == (0, "")
    assert out == "docs/SERVICE_READINESS.md: 0 rows updated\n"
    assert doc.read_bytes() == before


# -- the configuration is untrusted too -------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "key"),
    [
        ('rule-packs = ["../outside/secret.yaml"]', "rule-packs"),
        ('rule-packs = ["packs/linked.yaml"]', "rule-packs"),
        ('docs = "../outside"', "docs"),
        ('openapi = "{outside}/secret.yaml"', "openapi"),
        ('source = ["{outside}/**"]', "source"),
        ('tests = ["../outside/**"]', "tests"),
    ],
    ids=["pack-escape", "pack-symlink", "docs-escape", "absolute-openapi", "glob", "glob-up"],
)
def test_configured_paths_must_stay_inside_the_repository(
    sample: Path, outside: Path, run_cli: Any, setting: str, key: str
) -> None:
    secret = outside / "secret.yaml"
    secret.write_text("token: hunter2-secret\n", encoding="utf-8")
    (sample / "packs").mkdir()
    (sample / "packs" / "linked.yaml").symlink_to(secret)
    (sample / "doclint.toml").write_text(
        setting.format(outside=outside) + '\n[api]\npath-prefix = "/v1"\n', encoding="utf-8"
    )
    with watched() as events:
        code, out, err = run_cli(["check", "."], sample)
    assert code == 2
    assert err.startswith(f"doclint: error: doclint.toml:1: {key}: ")
    assert "outside the" in err
    assert "hunter2" not in out + err
    assert secret.resolve() not in opened(events)


def test_a_deeply_nested_sql_expression_is_a_diagnostic(sample: Path) -> None:
    path = sample / "db" / "migration" / "V6__session_close_reason.sql"
    deep = "CREATE POLICY deep ON ai_calls USING (tenant_id = x " + "- " * 1500 + "1);\n"
    path.write_text(path.read_text(encoding="utf-8") + deep, encoding="utf-8")
    found = check(sample)
    assert [d for d in found if d.rule == "DL999"] == []
    assert [d.subject for d in found if d.rule == "DL309"] == ["policy ai_calls.deep"]


@pytest.mark.parametrize(
    "name",
    [
        "doclint.toml",
        "pyproject.toml",
    ],
)
def test_a_deeply_nested_configuration_is_a_config_error(
    sample: Path, run_cli: Any, name: str
) -> None:
    (sample / "doclint.toml").unlink()
    table = "[tool.doclint]\n" if name == "pyproject.toml" else ""
    (sample / name).write_text(f"{table}select = {'[' * 5000}{']' * 5000}\n", encoding="utf-8")
    code, _out, err = run_cli(["check", "."], sample)
    if name == "doclint.toml":
        assert code == 2
        assert err.startswith("doclint: error: doclint.toml: (syntax): ")
        assert "nest too deeply" in err
    else:  # a pyproject.toml doclint cannot read is not taken as doclint's configuration
        assert code in (0, 1)
        assert "internal error" not in err


def test_project_glob_never_looks_outside_the_service(sample: Path, outside: Path) -> None:
    project = Project(sample, load_config(sample), sample)
    assert project.glob([f"{outside}/**", "../outside/**", "../**"]) == []
    assert sample / "docs" / "ERROR_CODES.md" in project.glob(["docs/*.md"])
