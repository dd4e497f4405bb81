"""DL61x/DL62x: TESTING_STRATEGY.md against eval suites and integration tests, and
MIGRATION_PLAN.md against the newest Flyway migration and the current release (SPEC §4.7)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from doclint.diagnostics import Finding, Location, Related, Severity
from doclint.project import Project
from doclint.registry import rule
from doclint.sources.markdown import Document, Section
from doclint.sources.telemetry import LineCounter
from doclint.text import heading_key, ident

_DOCS = ("docs",)
_STRUCTURED = (".yaml", ".yml", ".json")
_BINARY = frozenset(
    {
        *(".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".pdf", ".zip", ".gz", ".tgz"),
        *(".bz2", ".xz", ".7z", ".jar", ".class", ".so", ".dll", ".exe", ".bin", ".woff"),
        *(".woff2", ".ttf", ".otf", ".mp3", ".mp4", ".wav", ".parquet", ".sqlite", ".db"),
        ".pyc",
    }
)


# -- eval suites -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Suite:
    name: str
    location: Location


@dataclass(frozen=True, slots=True)
class Listed:
    name: str
    line: int


def eval_suites(project: Project) -> list[Suite]:
    """Suites under the ``evals`` globs: a YAML/JSON file's ``name:`` value, else its stem."""
    suites = []
    for path in project.glob(project.config.evals):
        if path.suffix.lower() not in _STRUCTURED:
            continue
        located = project.structured(path)
        shown = project.display(path)
        data = located.data if located is not None else None
        name = data.get("name") if isinstance(data, dict) else None
        if isinstance(name, str) and name.strip() and located is not None:
            suites.append(Suite(name.strip(), Location(shown, located.line_of(["name"]))))
        else:
            suites.append(Suite(path.stem, Location(shown, 1)))
    return suites


_SUITE_HEADERS = ("suite", "eval suite", "name", "eval", "suite name")
_FIRST_WORD = re.compile(r"[^\s:—–,;(]+")


def _suite_name(text: str) -> str:
    span = re.search(r"`([^`]+)`", text)
    if span:
        return span.group(1).strip()
    link = re.match(r"\s*\[([^\]]+)\]", text)
    if link:
        return ident(link.group(1))
    match = _FIRST_WORD.search(ident(text))
    return match.group() if match else ""


def listed_suites(document: Document, section: Section) -> list[Listed]:
    """Suites a section lists: rows of its tables (Suite/Name column, else the first) and,
    without a table, its top-level list items (the first code span, else the first word)."""
    found = []
    tables = document.within(section, document.tables)
    for table in tables:
        keys = [heading_key(h) for h in table.headers]
        column = next((keys.index(k) for k in _SUITE_HEADERS if k in keys), 0)
        for row in table.rows:
            raw = row.raw[column] if column < len(row.raw) else ""
            name = _suite_name(raw)
            if name:
                found.append(Listed(name, row.line))
    if not tables:
        items = document.within(section, document.list_items)
        top = min((item.depth for item in items), default=0)
        for item in items:
            name = _suite_name(item.text) if item.depth == top else ""
            if name:
                found.append(Listed(name, item.line))
    return found


def _suite_key(name: str) -> str:
    key = name.strip().casefold()
    for suffix in _STRUCTURED:
        key = key.removesuffix(suffix)
    return key


def _strategy(project: Project) -> Document | None:
    return project.doc("TESTING_STRATEGY.md")


def _end(document: Document, section: Section | None) -> Location:
    if section is None:
        return Location(document.display, max(document.line_count, 1))
    return Location(document.display, section.line)


@rule("DL611", "eval-suite-unlisted", Severity.ERROR, needs=_DOCS)
def eval_suite_unlisted(project: Project) -> Iterator[Finding]:
    """An eval suite under `evals/` is not listed in TESTING_STRATEGY.md's "Eval suites".

    Why: reviewers judge a prompt change by the suites that gate it; an unlisted suite is
    a gate nobody knows about.
    Bad: `evals/jailbreak.yaml` with `name: jailbreak-v2`, and no `jailbreak-v2` row.
    Fix: add the suite (its `name:` value, or the file stem) to the "Eval suites" section.
    """
    document = _strategy(project)
    if document is None:
        return
    section = document.section("Eval suites")
    listed = {_suite_key(s.name) for s in listed_suites(document, section)} if section else set()
    for suite in eval_suites(project):
        if _suite_key(suite.name) in listed:
            continue
        yield Finding(
            _end(document, section),
            f"eval suite {suite.name} is not listed in {document.rel}; add it to the "
            '"Eval suites" section',
            f"eval {suite.name}",
            (Related.at(suite.location, f"eval suite {suite.name}"),),
        )


@rule("DL612", "eval-suite-missing", Severity.ERROR, needs=_DOCS)
def eval_suite_missing(project: Project) -> Iterator[Finding]:
    """A suite listed in "Eval suites" has no file under the `evals` globs.

    Why: a listed suite that does not exist gates nothing.
    Bad: a `grounding` row when `evals/` holds no suite of that name.
    Fix: add the suite file (`name: grounding`), fix the name, or remove the row.
    """
    document = _strategy(project)
    if document is None:
        return
    section = document.section("Eval suites")
    if section is None:
        return
    existing = {_suite_key(s.name) for s in eval_suites(project)}
    globs = ", ".join(project.config.evals)
    for listed in listed_suites(document, section):
        if _suite_key(listed.name) not in existing:
            yield Finding(
                Location(document.display, listed.line),
                f"eval suite {listed.name} is listed but no file under {globs} defines it; "
                "add the suite or remove it from the list",
                f"eval {listed.name}",
            )


# -- integration test ids ----------------------------------------------------------------

_IT = re.compile(
    r"(?<![\w-])IT-(?P<area>[A-Z]+)-(?P<start>\d{3})(?![\d])"
    r"(?:\s*(?:\.\.\.?|…|–|—)\s*(?:IT-(?P=area)-)?(?P<end>\d{3})(?!\d))?"
)


def integration_ids(text: str) -> Iterator[tuple[str, int]]:
    """(id, line) of every integration test id in ``text``, ranges expanded."""
    lines = LineCounter(text)
    for match in _IT.finditer(text):
        line = lines.at(match.start())
        start = int(match.group("start"))
        end = int(match.group("end")) if match.group("end") else start
        for number in range(start, max(start, end) + 1):
            yield f"IT-{match.group('area')}-{number:03d}", line


def tested_ids(project: Project) -> dict[str, Location]:
    """Integration test ids named in the files of the ``tests`` globs, first place of each."""
    found: dict[str, Location] = {}
    for path in project.glob(project.config.tests):
        if path.suffix.lower() in _BINARY:
            continue
        text = project.read(path)
        if text is None:
            continue
        for test_id, line in integration_ids(text.text):
            found.setdefault(test_id, Location(text.display, line))
    return found


def _doc_ids(document: Document) -> dict[str, int]:
    found: dict[str, int] = {}
    for test_id, line in integration_ids("\n".join(document.lines)):
        found.setdefault(test_id, line)
    return found


@rule("DL613", "integration-test-missing", Severity.ERROR, needs=_DOCS)
def integration_test_missing(project: Project) -> Iterator[Finding]:
    """An integration test id named in TESTING_STRATEGY.md occurs in no test file.

    Why: the strategy promises that test; if no test file names it, nothing runs it.
    Ranges expand: `IT-AI-001..015` names fifteen ids.
    Bad: the doc says `IT-AI-001..015` and no test mentions `IT-AI-007`.
    Fix: name the id in its test (`it('IT-AI-007 budget exhausted', ...)`) or narrow the range.
    """
    document = _strategy(project)
    if document is None:
        return
    found = tested_ids(project)
    globs = ", ".join(project.config.tests)
    for test_id, line in sorted(_doc_ids(document).items()):
        if test_id not in found:
            yield Finding(
                Location(document.display, line),
                f"integration test {test_id} is named here but no file under {globs} names "
                "it; add the test or remove the id",
                test_id,
            )


@rule("DL614", "integration-test-undocumented", Severity.ERROR, needs=_DOCS)
def integration_test_undocumented(project: Project) -> Iterator[Finding]:
    """A test file names an integration test id that TESTING_STRATEGY.md does not name.

    Why: the strategy is the list reviewers and the readiness checklist rely on.
    Bad: `tests/budget.test.ts` names `IT-AI-016`, the doc stops at `IT-AI-001..015`.
    Fix: name the id in TESTING_STRATEGY.md (extend the range: `IT-AI-001..016`).
    """
    document = _strategy(project)
    if document is None:
        return
    named = _doc_ids(document)
    section = document.section("Integration tests")
    where = _end(document, section)
    if section is None and named:
        where = Location(document.display, max(named.values()))
    for test_id, location in sorted(tested_ids(project).items()):
        if test_id not in named:
            yield Finding(
                where,
                f"integration test {test_id} is in the tests but not named in {document.rel}; "
                "add it (or extend the range that should hold it)",
                test_id,
                (Related.at(location, f"{test_id} is named here"),),
            )


# -- MIGRATION_PLAN ----------------------------------------------------------------------

_DOC_VERSION = re.compile(r"(?<![\w.])V(?P<version>\d+(?:[._]\d+)*)(?![\d])")


def version_key(text: str) -> tuple[int, ...]:
    """Flyway's order for a version written in a doc (``_`` reads as ``.``)."""
    from doclint.sources.flyway import version_order

    return version_order(tuple(int(p) for p in re.split(r"[._]", text)))


def newest_migration(project: Project) -> tuple[str, Path] | None:
    """The newest versioned migration in Flyway's order (its version with dots, its file)."""
    from doclint.sources.flyway import discover

    folder = project.root / project.config.migrations
    if not folder.is_dir():
        return None
    versioned = [m for m in discover(project, folder) if m.version is not None]
    if not versioned:
        return None
    return versioned[-1].version_text or "", versioned[-1].path


def _pyproject_version(project: Project) -> tuple[str, Location] | None:
    path = project.root / "pyproject.toml"
    text = project.read(path) if path.is_file() else None
    if text is None:
        return None
    try:
        data = tomllib.loads(text.text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return None
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    for table in (data.get("project"), poetry):
        version = table.get("version") if isinstance(table, dict) else None
        if isinstance(version, str):
            found = re.search(r"(?m)^\s*version\s*=", text.text)
            line = text.text.count("\n", 0, found.start()) + 1 if found else 1
            return version, Location(text.display, line)
    return None


def _structured_version(
    project: Project, path: Path | None, pointer: list[str]
) -> tuple[str, Location] | None:
    located = project.structured(path) if path is not None and path.is_file() else None
    if located is None:
        return None
    node = located.data
    for key in pointer:
        node = node.get(key) if isinstance(node, dict) else None
    return (node, located.location(pointer)) if isinstance(node, str) else None


def current_release(project: Project) -> tuple[str, Location] | None:
    """``version`` of pyproject.toml or package.json, else the OpenAPI ``info.version``."""
    spec = project.first_existing(
        project.config.openapi,
        ("openapi.yaml", "openapi.yml", "openapi.json", "openapi/openapi.yaml"),
    )
    return (
        _pyproject_version(project)
        or _structured_version(project, project.root / "package.json", ["version"])
        or _structured_version(project, spec, ["info", "version"])
    )


def _plan(project: Project) -> Document | None:
    return project.doc("MIGRATION_PLAN.md")


def _current_section(document: Document) -> Location:
    return _end(document, document.section("Current release"))


@rule("DL621", "migration-plan-version-stale", Severity.ERROR, needs=_DOCS)
def migration_plan_version(project: Project) -> Iterator[Finding]:
    """MIGRATION_PLAN.md does not name the newest Flyway migration version.

    Why: the plan is "current per release" only if it covers the newest schema change.
    Versions compare as Flyway orders them (`V1.10` is newer than `V1.9`).
    Bad: `db/migration/V7__add_quota.sql` exists and the plan stops at `V6`.
    Fix: describe the new migration in the plan, naming its version (`V7`).
    """
    document = _plan(project)
    newest = newest_migration(project) if document is not None else None
    if document is None or newest is None:
        return
    version, path = newest
    wanted = version_key(version)
    text = "\n".join(document.lines)
    if any(version_key(m.group("version")) == wanted for m in _DOC_VERSION.finditer(text)):
        return
    yield Finding(
        _current_section(document),
        f"{document.rel} does not name V{version}, the newest migration; describe it and "
        "name its version",
        f"V{version}",
        (Related(project.display(path), 1, f"newest migration V{version}"),),
    )


@rule("DL622", "migration-plan-release-stale", Severity.ERROR, needs=_DOCS)
def migration_plan_release(project: Project) -> Iterator[Finding]:
    """MIGRATION_PLAN.md does not name the service's current release.

    Why: a plan written for an older release says nothing about what ships now. The release
    is `version` in pyproject.toml or package.json, else the OpenAPI `info.version`.
    Bad: package.json says 1.5.0; the plan's "Current release" says 1.4.0.
    Fix: update the "Current release" section to name 1.5.0 and its migrations.
    """
    document = _plan(project)
    release = current_release(project) if document is not None else None
    if document is None or release is None:
        return
    version, location = release
    pattern = re.compile(rf"(?<![\w.])v?{re.escape(version)}(?!\w|\.\d)")
    if pattern.search("\n".join(document.lines)):
        return
    yield Finding(
        _current_section(document),
        f"{document.rel} does not name the current release {version}; write it in the "
        '"Current release" section',
        f"release {version}",
        (Related.at(location, f"current release {version}"),),
    )
