"""The worked example: sample_service is clean, and each drift yields exactly one finding."""

from __future__ import annotations

import re
from pathlib import Path

from doclint.diagnostics import Diagnostic
from tests.conftest import SAMPLE, check


def line_of(path: Path, pattern: str) -> int:
    """1-based line of the first line of ``path`` matching ``pattern``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if re.search(pattern, line):
            return number
    raise AssertionError(f"{pattern!r} not in {path}")


def new_findings(root: Path) -> list[tuple[str, str, int]]:
    """Findings of a drifted copy, less the readiness checklist's consequence of them (a
    Documentation item marked yes for a doc that now has errors), which DL7xx tests cover."""
    return [(d.rule, d.path, d.line) for d in check(root) if d.path != "docs/SERVICE_READINESS.md"]


def test_sample_service_reports_nothing() -> None:
    found: list[Diagnostic] = check(SAMPLE)
    assert [f"{d.path}:{d.line}: {d.rule} {d.message}" for d in found] == []


def test_deleting_a_required_section(sample: Path) -> None:
    doc = sample / "docs/SECURITY_MODEL.md"
    text = doc.read_text(encoding="utf-8")
    start = text.index("## Egress")
    rest = text.find("\n## ", start + 1)
    doc.write_text(text[:start] + (text[rest + 1 :] if rest != -1 else ""), encoding="utf-8")
    last = len(doc.read_text(encoding="utf-8").rstrip("\n").split("\n"))
    found = new_findings(sample)
    assert len(found) == 1 and found[0][:2] == ("DL102", "docs/SECURITY_MODEL.md")
    assert found[0][2] >= last


def test_emptying_an_aggregates_invariants(sample: Path) -> None:
    doc = sample / "docs/DOMAIN_MODEL.md"
    lines = doc.read_text(encoding="utf-8").split("\n")
    heading = lines.index("#### Invariants")
    end = heading + 1
    while end < len(lines) and not lines[end].startswith("#"):
        end += 1
    doc.write_text("\n".join([*lines[: heading + 1], "", *lines[end:]]), encoding="utf-8")
    assert new_findings(sample) == [("DL104", "docs/DOMAIN_MODEL.md", heading + 1)]


def test_breaking_an_anchor(sample: Path) -> None:
    doc = sample / "docs/DOMAIN_MODEL.md"
    line = line_of(doc, r"APPLICATION_LOGIC\.md#use-cases")
    doc.write_text(
        doc.read_text(encoding="utf-8").replace(
            "APPLICATION_LOGIC.md#use-cases", "APPLICATION_LOGIC.md#usecases", 1
        ),
        encoding="utf-8",
    )
    assert new_findings(sample) == [("DL107", "docs/DOMAIN_MODEL.md", line)]


def test_adding_a_placeholder(sample: Path) -> None:
    doc = sample / "docs/DEPLOYMENT_TOPOLOGY.md"
    lines = doc.read_text(encoding="utf-8").split("\n")
    lines.insert(2, "Failover region: TBD.")
    doc.write_text("\n".join(lines), encoding="utf-8")
    assert new_findings(sample) == [("DL105", "docs/DEPLOYMENT_TOPOLOGY.md", 3)]


def test_naming_a_missing_make_target(sample: Path) -> None:
    doc = sample / "docs/LOCAL_DEV_SETUP.md"
    line = line_of(doc, r"^\s*make setup\s*$")
    doc.write_text(
        doc.read_text(encoding="utf-8").replace("make setup", "make bootstrap", 1),
        encoding="utf-8",
    )
    assert new_findings(sample) == [("DL108", "docs/LOCAL_DEV_SETUP.md", line)]


def test_deleting_failure_modes(sample: Path) -> None:
    (sample / "docs/FAILURE_MODES.md").unlink()
    assert new_findings(sample) == [("DL101", "docs/FAILURE_MODES.md", 1)]
