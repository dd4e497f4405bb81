"""Suppression comments (SPEC §5.4) in markdown, YAML and SQL, and DL100 unused-suppression."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from doclint import registry
from doclint.diagnostics import Finding, Location, Related, Severity
from doclint.project import Project
from tests.conftest import check, summary


def _source_rule(project: Project) -> Iterator[Finding]:
    """Test rule: one finding per `bad:` line of events/registry.yaml (at the YAML line) and
    per `bad` statement of the migrations (at the doc, naming the SQL line as related)."""
    registry_file = project.root / "events" / "registry.yaml"
    text = project.read(registry_file) if registry_file.is_file() else None
    for number, line in enumerate(text.lines if text else [], start=1):
        if "bad:" in line:
            where = Location(project.display(registry_file), number)
            yield Finding(where, "bad YAML entry", f"yaml:{number}")
    doc = project.doc("SERVICE_OVERVIEW.md")
    for sql in sorted((project.root / "db" / "migration").glob("*.sql")):
        sql_text = project.read(sql)
        for number, line in enumerate(sql_text.lines if sql_text else [], start=1):
            if "bad" in line and doc is not None:
                yield Finding(
                    Location(doc.display, 1),
                    "bad SQL statement is not documented",
                    f"sql:{sql.name}:{number}",
                    (Related(project.display(sql), number, "the statement"),),
                )


@pytest.fixture
def source_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register DL001 (only for the test) over the registry YAML and the migrations."""
    extra = registry.Rule(
        "DL001",
        "test-source-rule",
        Severity.ERROR,
        "Test rule.",
        "Test rule.",
        frozenset({"docs"}),
        _source_rule,
    )
    monkeypatch.setattr(registry, "_BUILTIN", [*registry.builtin_rules(), extra])


def _append(path: Path, text: str) -> int:
    """Append ``text`` to ``path``; returns the line number of its first line."""
    old = path.read_text(encoding="utf-8")
    if not old.endswith("\n"):
        old += "\n"
    path.write_text(old + text, encoding="utf-8")
    return old.count("\n") + 1


def test_markdown_disable_next_line(sample: Path) -> None:
    doc = sample / "docs" / "SERVICE_OVERVIEW.md"
    line = _append(doc, "\n<!-- doclint-disable-next-line DL105 -->\nOwner: TBD.\nLater: TBD.\n")
    found = summary(check(sample, select=["DL105", "DL100"]))
    assert found == [("DL105", "docs/SERVICE_OVERVIEW.md", line + 3)]


def test_markdown_block_and_file_and_all_rules(sample: Path) -> None:
    doc = sample / "docs" / "SERVICE_OVERVIEW.md"
    start = _append(
        doc,
        "\n<!-- doclint-disable DL105 -->\nA: TBD.\nB: FIXME.\n<!-- doclint-enable DL105 -->\n"
        "C: TBD.\n\n<!-- doclint-disable-next-line -->\nD: TODO [x](nowhere.md).\n",
    )
    found = summary(check(sample, select=["DL105", "DL106", "DL100"]))
    assert found == [("DL105", "docs/SERVICE_OVERVIEW.md", start + 5)]
    other = sample / "docs" / "DEPLOYMENT_TOPOLOGY.md"
    _append(other, "\nRegion list: TBD.\n\n<!-- doclint-disable-file DL105 -->\n")
    found = summary(check(sample, select=["DL105", "DL100"]))
    assert ("DL105", "docs/DEPLOYMENT_TOPOLOGY.md") not in {(r, p) for r, p, _ in found}


def test_unused_markdown_suppressions_are_reported(sample: Path) -> None:
    doc = sample / "docs" / "SERVICE_OVERVIEW.md"
    line = _append(
        doc,
        "\n<!-- doclint-disable-next-line DL105 -->\nAll owners are named.\n\n"
        "<!-- doclint-disable-next-line DL7 -->\nNo finding of a rule that is not selected.\n",
    )
    diagnostics = check(sample, select=["DL105", "DL100"])
    assert summary(diagnostics) == [("DL100", "docs/SERVICE_OVERVIEW.md", line + 1)]
    (unused,) = diagnostics
    assert unused.severity is Severity.WARNING and unused.name == "unused-suppression"
    assert "DL105" in unused.message and "remove the comment" in unused.message
    # not selected: no DL100
    assert check(sample, select=["DL105"]) == []


def test_yaml_ignore_on_the_line(sample: Path, source_rule: None) -> None:
    events = sample / "events"
    events.mkdir(exist_ok=True)
    (events / "registry.yaml").write_text(
        "events:\n"
        "  - bad: 1  # doclint: ignore[DL001]\n"
        "  - bad: 2\n"
        "  - good: 3  # doclint: ignore[DL001]\n"
        "  - bad: 4  # doclint: ignore[DL105]\n",
        encoding="utf-8",
    )
    found = summary(check(sample, select=["DL001", "DL100"]))
    assert found == [
        ("DL001", "events/registry.yaml", 3),
        ("DL100", "events/registry.yaml", 4),
        ("DL001", "events/registry.yaml", 5),
    ]  # line 5 names DL105, which is not selected: neither used nor reported


def test_sql_ignore_suppresses_findings_that_name_the_line(sample: Path, source_rule: None) -> None:
    migrations = sample / "db" / "migration"
    migrations.mkdir(parents=True, exist_ok=True)
    (migrations / "V1__init.sql").write_text(
        "create table good (id int);\n"
        "create table bad_one (id int); -- doclint: ignore[DL001]\n"
        "create table bad_two (id int);\n"
        "create table fine (id int); -- doclint: ignore[DL0]\n"
        "create table bad_three (id int); -- doclint: ignore\n",
        encoding="utf-8",
    )
    diagnostics = check(sample, select=["DL001", "DL100"])
    assert [(d.rule, d.subject) for d in diagnostics if d.rule == "DL001"] == [
        ("DL001", "sql:V1__init.sql:3")
    ]
    unused = [d for d in diagnostics if d.rule == "DL100"]
    assert summary(unused) == [("DL100", "db/migration/V1__init.sql", 4)]


def test_unused_suppression_message_names_the_rules(sample: Path) -> None:
    doc = sample / "docs" / "SERVICE_OVERVIEW.md"
    _append(doc, "\n<!-- doclint-disable-next-line DL105, DL106 -->\nNothing here.\n")
    (diagnostic,) = check(sample, select=["DL100", "DL105", "DL106"])
    assert diagnostic.rule == "DL100" and "DL105, DL106" in diagnostic.message
