"""Engine: discovery, selection, severities, per-file ignores, crashes, exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from doclint import engine, registry
from doclint.diagnostics import Finding, Location, Severity
from doclint.discovery import discover, is_service, service_of
from doclint.errors import DoclintError
from doclint.project import Project
from tests.conftest import check, edit, summary, write_tree
from tests.test_template import minimal_service


def broken_service(root: Path) -> Path:
    """A minimal service with one error (DL103) and one warning (DL105)."""
    minimal_service(root)
    edit(root / "docs/SERVICE_OVERVIEW.md", "The owners of the service.\n", "")
    edit(root / "docs/DEPLOYMENT_TOPOLOGY.md", "The regions", "TODO the regions")
    return root


def test_select_ignore_and_extend_select(tmp_path: Path) -> None:
    root = broken_service(tmp_path)
    assert [d.rule for d in check(root)] == ["DL105", "DL103"]
    assert [d.rule for d in check(root, select=["DL103"])] == ["DL103"]
    assert [d.rule for d in check(root, select=["placeholder-text"])] == ["DL105"]
    assert [d.rule for d in check(root, ignore=["DL10"])] == []
    write_tree(root, {"doclint.toml": "select = ['DL103']\nextend-select = ['DL105']\n"})
    assert [d.rule for d in check(root)] == ["DL105", "DL103"]
    write_tree(root, {"doclint.toml": "ignore = ['empty-section']\n"})
    assert [d.rule for d in check(root)] == ["DL105"]


def test_severity_override_and_fail_on(tmp_path: Path) -> None:
    root = broken_service(tmp_path)
    write_tree(root, {"doclint.toml": "severity = { empty-section = 'warning' }\n"})
    options = engine.Options(cwd=root)
    report = engine.run([root], options)
    assert {d.severity for d in report.diagnostics} == {Severity.WARNING}
    assert report.exit_code == 0
    assert engine.run([root], engine.Options(cwd=root, fail_on=Severity.WARNING)).exit_code == 1
    write_tree(root, {"doclint.toml": "fail-on = 'warning'\n"})
    assert engine.run([root], options).exit_code == 1


def test_per_file_ignores(tmp_path: Path) -> None:
    root = broken_service(tmp_path)
    write_tree(root, {"doclint.toml": "per-file-ignores = { 'docs/SERVICE_*.md' = ['DL103'] }\n"})
    assert [d.rule for d in check(root)] == ["DL105"]


def test_a_crashing_rule_becomes_a_diagnostic_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = broken_service(tmp_path)

    def explode(project: Project) -> Iterator[Finding]:
        """Explodes.

        Why: test.
        """
        raise ValueError("boom")
        yield  # pragma: no cover

    crashing = registry.Rule(
        "DL190", "explodes", Severity.ERROR, "Explodes.", "Explodes.", frozenset(), explode
    )
    real = engine.service_rules
    monkeypatch.setattr(engine, "service_rules", lambda config: [*real(config), crashing])
    report = engine.run([root], engine.Options(cwd=root))
    assert [d.rule for d in report.diagnostics] == ["DL999", "DL105", "DL103"]
    crash = report.diagnostics[0]
    assert crash.subject == "DL190"
    assert "rule DL190 (explodes) crashed with ValueError: boom" in crash.message
    assert report.exit_code == 2


def test_findings_are_sorted_and_paths_relative_to_cwd(tmp_path: Path) -> None:
    root = broken_service(tmp_path / "svc")
    found = check(root, cwd=tmp_path)
    assert [d.path for d in found] == [
        "svc/docs/DEPLOYMENT_TOPOLOGY.md",
        "svc/docs/SERVICE_OVERVIEW.md",
    ]


def test_monorepo_and_file_discovery(tmp_path: Path) -> None:
    a = minimal_service(tmp_path / "services" / "a")
    b = broken_service(tmp_path / "services" / "b")
    write_tree(tmp_path, {"README.md": "# repo\n", "services/notes/x.md": "# x\n"})
    assert [t.root for t in discover([tmp_path], tmp_path)] == [a.resolve(), b.resolve()]
    report = engine.run([tmp_path], engine.Options(cwd=tmp_path))
    assert len(report.services) == 2
    assert {d.path for d in report.diagnostics} == {
        "services/b/docs/DEPLOYMENT_TOPOLOGY.md",
        "services/b/docs/SERVICE_OVERVIEW.md",
    }
    targets = discover([Path("services/b/docs/SERVICE_OVERVIEW.md"), Path("README.md")], tmp_path)
    assert [(t.root, len(t.files)) for t in targets] == [(b.resolve(), 1)]
    assert service_of(tmp_path / "README.md") is None
    assert is_service(a) and not is_service(tmp_path)
    inside = discover([Path("services/a/docs")], tmp_path)
    assert [t.root for t in inside] == [a.resolve()]


def test_discovery_errors(tmp_path: Path) -> None:
    with pytest.raises(DoclintError, match="no such file or directory"):
        discover([Path("absent")], tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DoclintError, match="no service found"):
        discover([Path("empty")], tmp_path)


def test_input_problems_are_reported_under_their_rule(tmp_path: Path) -> None:
    root = minimal_service(tmp_path)
    (root / "docs" / "EXTRA.md").write_bytes(b"# Caf\xe9\n")
    found = check(root)
    assert summary(found) == [("DL901", "docs/EXTRA.md", 1)]
    assert "not valid UTF-8" in found[0].message
    assert check(root, ignore=["DL901"]) == []


def test_report_counts(tmp_path: Path) -> None:
    root = broken_service(tmp_path)
    report = engine.run([root], engine.Options(cwd=root))
    assert (report.count(Severity.ERROR), report.count(Severity.WARNING)) == (1, 1)
    assert report.files >= 16
    assert "DL101" in report.rules
    assert report.diagnostics[0].fingerprint.startswith("DL105:docs/DEPLOYMENT_TOPOLOGY.md:")


def test_rules_are_unique_and_documented() -> None:
    rules = engine.service_rules(engine.Config(root=Path.cwd()))
    ids = [r.id for r in rules]
    names = [r.name for r in rules]
    assert len(ids) == len(set(ids))
    assert len(names) == len(set(names))
    for r in rules:
        assert r.summary and "\n" not in r.summary, r.id
        assert "Why:" in r.doc and "Fix:" in r.doc, r.id
        assert r.name == r.name.lower() and " " not in r.name, r.id


def test_rule_matching() -> None:
    rule = registry.Rule("DL201", "x-y", Severity.ERROR, "s", "d", frozenset())
    assert rule.matches("ALL") and rule.matches("DL2") and rule.matches("x-y")
    assert not rule.matches("DL3") and rule.family == "DL2"
    _ = Location("a")


def test_the_cyclic_garbage_collector_is_paused_for_a_check_and_restored_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    states: list[bool] = []
    original = engine.check_project

    def recording(project: Any, options: Any) -> Any:
        states.append(gc.isenabled())
        return original(project, options)

    monkeypatch.setattr(engine, "check_project", recording)
    roots = []
    for name in ("a", "b"):
        root = tmp_path / name
        root.mkdir()
        (root / "doclint.toml").write_text("")
        roots.append(root)
    assert gc.isenabled()
    engine.run(roots, engine.Options(cwd=tmp_path))
    assert states == [False, False]
    assert gc.isenabled()
    gc.disable()
    try:
        engine.run(roots[:1], engine.Options(cwd=tmp_path))
        assert not gc.isenabled()  # a caller's choice is left as it was
    finally:
        gc.enable()
