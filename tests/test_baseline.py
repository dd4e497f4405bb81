"""Baselines (SPEC §5.4): --write-baseline records findings, --baseline hides them, by rule,
path and subject, never by line; entries whose finding is gone are reported as fixed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from doclint import baseline, engine
from doclint.errors import DoclintError

DOC = "docs/SERVICE_OVERVIEW.md"


def _drift(sample: Path, extra: str = "") -> Path:
    doc = sample / DOC
    text = doc.read_text(encoding="utf-8")
    doc.write_text(text + "\nRoadmap owner: TBD.\n\nSee [the plan](ROADMAP.md).\n" + extra, "utf-8")
    return doc


def test_write_then_use_a_baseline(sample: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    _drift(sample)
    code, out, _ = run_cli(
        ["check", ".", "--select", "DL105,DL106", "--write-baseline", "b.json"], sample
    )
    assert code == 0 and "Wrote 2 findings to b.json." in out
    data = json.loads((sample / "b.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    entries = {(e["rule"], e["path"], e["count"]) for e in data["findings"]}
    assert entries == {("DL105", DOC, 1), ("DL106", DOC, 1)}
    subjects = {e["subject"] for e in data["findings"]}
    assert "docs/SERVICE_OVERVIEW.md -> ROADMAP.md" in subjects
    assert all("line" not in e for e in data["findings"])

    code, out, _ = run_cli(
        ["check", ".", "--select", "DL105,DL106", "--baseline", "b.json"], sample
    )
    assert code == 0, out
    assert "2 known findings hidden, 0 fixed" in out


def test_lines_inserted_above_keep_a_finding_baselined(sample: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    doc = _drift(sample)
    run_cli(["check", ".", "--select", "DL105,DL106", "--write-baseline", "b.json"], sample)
    text = doc.read_text(encoding="utf-8")
    title, rest = text.split("\n", 1)
    doc.write_text(f"{title}\n\nA new paragraph.\n\nAnother one,\nover two lines.\n{rest}", "utf-8")
    code, out, _ = run_cli(
        ["check", ".", "--select", "DL105,DL106", "--baseline", "b.json"], sample
    )
    assert code == 0, out
    assert "All checks passed" in out and "2 known findings hidden" in out


def test_a_new_finding_is_reported_and_a_gone_one_is_fixed(sample: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    doc = _drift(sample)
    run_cli(["check", ".", "--select", "DL105,DL106", "--write-baseline", "b.json"], sample)
    text = doc.read_text(encoding="utf-8").replace("See [the plan](ROADMAP.md).", "")
    doc.write_text(text + "\nSee [the runbook](runbooks/NOPE.md).\n", encoding="utf-8")
    code, out, _ = run_cli(
        ["check", ".", "--select", "DL105,DL106", "--baseline", "b.json"], sample
    )
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{DOC}:") and "DL106" in lines[0] and "NOPE.md" in lines[0]
    assert "1 known finding hidden, 1 fixed" in lines[-1]
    code, out, _ = run_cli(
        ["check", ".", "--select", "DL105,DL106", "--baseline", "b.json", "--format", "json"],
        sample,
    )
    payload = json.loads(out)
    assert [d["rule"] for d in payload["diagnostics"]] == ["DL106"]
    assert payload["summary"]["baseline"] == {
        "file": "b.json",
        "hidden": 1,
        "fixed": [
            {"rule": "DL106", "path": DOC, "subject": "docs/SERVICE_OVERVIEW.md -> ROADMAP.md"}
        ],
    }


def test_baseline_paths_are_relative_to_the_baseline_file(
    sample: Path,
    run_cli,  # type: ignore[no-untyped-def]
) -> None:
    _drift(sample)
    run_cli(["check", ".", "--select", "DL105,DL106", "--write-baseline", "ci/b.json"], sample)
    data = json.loads((sample / "ci" / "b.json").read_text(encoding="utf-8"))
    assert {e["path"] for e in data["findings"]} == {f"../{DOC}"}
    # run from the parent folder: paths are shown as svc/docs/..., the baseline still applies
    code, out, _ = run_cli(
        ["check", "svc", "--select", "DL105,DL106", "--baseline", "svc/ci/b.json"], sample.parent
    )
    assert code == 0 and "2 known findings hidden, 0 fixed" in out


def test_entries_of_rules_not_run_are_not_fixed(sample: Path) -> None:
    _drift(sample)
    options = engine.Options(cwd=sample, select=("DL105", "DL106"))
    report = engine.run([sample], options)
    baseline.write(report.diagnostics, sample / "b.json", sample)
    narrower = engine.Options(cwd=sample, select=("DL105",), baseline=Path("b.json"))
    report = engine.run([sample], narrower)
    assert report.diagnostics == []
    assert report.baseline is not None
    assert (report.baseline.suppressed, report.baseline.fixed) == (1, [])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "baseline file not found"),
        ("{not json", "not valid JSON"),
        ('{"version": 1}', "not a doclint baseline"),
        ('{"version": 7, "findings": []}', "version 7"),
        ('{"version": 1, "findings": [{"rule": "DL1"}]}', "findings[0] needs"),
        ('{"version": 1, "findings": ["x"]}', "findings[0] needs"),
    ],
)
def test_bad_baseline_files_are_usage_errors(
    sample: Path,
    run_cli,  # type: ignore[no-untyped-def]
    content: str | None,
    message: str,
) -> None:
    if content is not None:
        (sample / "b.json").write_text(content, encoding="utf-8")
    code, _, err = run_cli(["check", ".", "--baseline", "b.json"], sample)
    assert code == 2 and message in err


def test_read_rejects_undecodable_files(tmp_path: Path) -> None:
    target = tmp_path / "b.json"
    target.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(DoclintError, match="cannot read the baseline"):
        baseline.read(target)


def test_counts_hide_only_as_many_findings_as_were_recorded(sample: Path) -> None:
    _drift(sample, "\nAnd again: TBD.\n")
    report = engine.run([sample], engine.Options(cwd=sample, select=("DL105",)))
    assert len(report.diagnostics) == 2
    first = report.diagnostics[:1]
    baseline.write(first, sample / "b.json", sample)
    data = json.loads((sample / "b.json").read_text(encoding="utf-8"))
    assert data["findings"][0]["count"] == 1
    again = engine.run(
        [sample], engine.Options(cwd=sample, select=("DL105",), baseline=sample / "b.json")
    )
    # both placeholders share rule, path and subject: one is hidden, one is new
    assert len(again.diagnostics) == 1
