"""The command line: check output and exit codes, rules, explain, inspect, version."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, write_tree
from tests.test_engine import broken_service
from tests.test_template import minimal_service

FIELDS = {
    "rule",
    "name",
    "severity",
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "message",
    "subject",
    "related",
    "fix",
}


def test_text_output_and_exit_code(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    broken_service(tmp_path)
    code, out, _ = run_cli(["check"], tmp_path)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("docs/DEPLOYMENT_TOPOLOGY.md:9:1: DL105 [warning] placeholder")
    assert lines[1].startswith("docs/SERVICE_OVERVIEW.md:15:1: DL103 [error] section")
    assert lines[-1].startswith("Found 2 problems (1 error, 1 warning, 0 infos) in 1 service,")


def test_clean_run_exits_0(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    minimal_service(tmp_path)
    code, out, _ = run_cli(["check", "."], tmp_path)
    assert code == 0
    assert out.startswith("All checks passed (1 service, ")


def test_json_output_has_every_field(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    broken_service(tmp_path)
    code, out, _ = run_cli(["check", "--format", "json"], tmp_path)
    payload = json.loads(out)
    assert code == 1
    assert payload["version"] == 1
    assert payload["tool"]["name"] == "doclint"
    assert payload["summary"]["errors"] == 1 and payload["summary"]["warnings"] == 1
    assert payload["summary"]["services"] == 1 and payload["summary"]["files"] > 0
    for diagnostic in payload["diagnostics"]:
        assert set(diagnostic) == FIELDS
        assert not diagnostic["path"].startswith("/")


def test_output_file_quiet_statistics(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    broken_service(tmp_path)
    code, out, _ = run_cli(["check", "--output", "out/report.txt"], tmp_path)
    assert code == 1
    assert out.startswith("Found 2 problems")
    assert "DL103" in (tmp_path / "out/report.txt").read_text()
    code, out, _ = run_cli(["check", "--quiet"], tmp_path)
    assert "Found" not in out and out.count("\n") == 2
    code, out, _ = run_cli(["check", "--statistics", "--select", "DL103,DL105"], tmp_path)
    assert "     1  DL103  empty-section" in out
    code, out, _ = run_cli(["check", "--fail-on", "info", "--ignore", "DL103"], tmp_path)
    assert code == 1
    code, out, _ = run_cli(["check", "--ignore", "DL103", "-q"], tmp_path)
    assert code == 0
    minimal_service(tmp_path / "clean")
    code, out, _ = run_cli(["check", "-q", "clean"], tmp_path)
    assert (code, out) == (0, "")


def test_configuration_error_exits_2_naming_the_key(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    minimal_service(tmp_path)
    write_tree(tmp_path, {"doclint.toml": "[data]\ntenant-colum = 'org_id'\n"})
    code, _out, err = run_cli(["check"], tmp_path)
    assert code == 2
    assert "doclint.toml:2: data.tenant-colum: unknown key; did you mean" in err
    assert "Traceback" not in err


def test_missing_path_exits_2(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run_cli(["check", "nowhere"], tmp_path)
    assert code == 2 and "nowhere: no such file or directory" in err
    code, _, err = run_cli(["check", "--format", "yaml"], tmp_path)
    assert code == 2 and "Invalid value for '--format'" in err


def test_rules_explain_inspect_version(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli(["rules"], tmp_path)
    assert code == 0 and "DL101  missing-document" in out
    code, out, _ = run_cli(["rules", "--format", "json"], tmp_path)
    assert {"id": "DL106", "name": "broken-link", "severity": "error"}.items() <= next(
        r for r in json.loads(out) if r["id"] == "DL106"
    ).items()
    code, out, _ = run_cli(["rules", "--format", "markdown"], tmp_path)
    assert out.startswith("| Rule | Name | Severity | What it checks |")
    code, out, _ = run_cli(["explain", "broken-anchor"], tmp_path)
    assert code == 0 and out.startswith("DL107 broken-anchor (error)") and "Fix:" in out
    code, _, err = run_cli(["explain", "DL000"], tmp_path)
    assert code == 2 and "unknown rule 'DL000'" in err
    code, out, _ = run_cli(["--version"], tmp_path)
    assert code == 0 and out.startswith("doclint ")
    minimal_service(tmp_path / "svc")
    code, out, _ = run_cli(["inspect", "docs", "svc", "--format", "json"], tmp_path)
    payload = json.loads(out)
    assert code == 0 and payload["service"] == "svc"
    docs = {d["path"]: d for d in payload["docs"]["documents"]}
    assert docs["svc/docs/DOMAIN_MODEL.md"]["headings"][0] == {
        "level": 1,
        "text": "Domain model",
        "line": 1,
        "slug": "domain-model",
    }


def test_readme_rule_table_is_current() -> None:
    from doclint.cli import rules_markdown

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert rules_markdown() in readme, "regenerate with: doclint rules --format markdown"


def test_module_entry_point_runs(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "doclint", "--version"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0 and result.stdout.startswith("doclint ")


def test_the_command_flushes_all_its_output_and_keeps_the_exit_code() -> None:
    fixture = REPO / "tests" / "fixtures" / "api" / "invalid"
    result = subprocess.run(
        [sys.executable, "-m", "doclint", "check", "--no-cache", "--format", "json", str(fixture)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert payload["diagnostics"]
    assert result.stderr == ""


def test_a_reader_that_goes_away_gets_no_traceback() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "doclint", "rules"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like `doclint rules | head -0`
    error = process.stderr.read().decode()
    assert process.wait() == 1
    assert "Traceback" not in error


def test_a_report_cut_off_by_its_reader_is_exit_1_without_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from doclint import cli

    def gone(*args: object, **kwargs: object) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli.click, "echo", gone)
    assert cli.main(["rules"]) == 1
    assert capsys.readouterr().err == ""


def test_internal_errors_are_one_line(tmp_path: Path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from doclint import engine

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("unexpected")

    monkeypatch.setattr(engine, "run", fail)
    minimal_service(tmp_path)
    code, _, err = run_cli(["check"], tmp_path)
    assert code == 2 and err.strip() == "doclint: internal error: RuntimeError: unexpected"
