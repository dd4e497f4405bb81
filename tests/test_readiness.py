"""SERVICE_READINESS.md (DL701-DL705), the engine's results phase, and `doclint readiness`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from doclint.readiness import replace_cell, section_key
from tests.conftest import FIXTURES, check, summary
from tests.conftest import edit as _replace
from tests.conftest import line_of as _line

SERVICE = FIXTURES / "readiness" / "service"
READINESS = "docs/SERVICE_READINESS.md"


@pytest.fixture
def service(tmp_path: Path) -> Path:
    target = tmp_path / "svc"
    shutil.copytree(SERVICE, target)
    return target


def _break_overview(root: Path) -> None:
    doc = root / "docs" / "SERVICE_OVERVIEW.md"
    doc.write_text(doc.read_text() + "\nSee [the wiki](wiki/HOME.md).\n", encoding="utf-8")


# -- helpers ---------------------------------------------------------------------------------


def test_section_key_drops_numbering() -> None:
    assert section_key("1. Documentation") == "documentation"
    assert section_key("**Documentation**") == "documentation"
    assert section_key("7. Sign-off") == "sign-off"


@pytest.mark.parametrize(
    ("line", "column", "expected"),
    [
        ("| a | yes |", 1, "| a | no |"),
        ("|a|yes|", 1, "|a|no|"),
        ("| a \\| b |   yes   |", 1, "| a \\| b |   no   |"),
        ("a | yes", 1, "a | no"),
        ("| a | yes |\r", 1, "| a | no |\r"),
        ("| a |", 3, "| a |"),
    ],
)
def test_replace_cell_keeps_every_other_character(line: str, column: int, expected: str) -> None:
    assert replace_cell(line, column, "no") == expected


# -- rules -----------------------------------------------------------------------------------


def test_fixture_checklist_is_consistent() -> None:
    assert check(SERVICE, select=["DL7"]) == []


def test_yes_for_a_doc_with_errors(service: Path) -> None:
    _break_overview(service)
    found = check(service, select=["DL7"])
    checklist = service / READINESS
    assert summary(found) == [("DL701", READINESS, _line(checklist, "[SERVICE_OVERVIEW.md]"))]
    assert found[0].message == (
        "item claims yes, but SERVICE_OVERVIEW.md has 1 error (DL106); fix it or mark the item no"
    )
    assert [(r.path, r.line) for r in found[0].related] == [("docs/SERVICE_OVERVIEW.md", 19)]


def test_several_errors_are_counted_with_their_rules(service: Path) -> None:
    _break_overview(service)
    doc = service / "docs" / "SERVICE_OVERVIEW.md"
    _replace(doc, "## Owners\n", "## Team\n")
    _replace(doc, "[the wiki](wiki/HOME.md)", "[the wiki](wiki/HOME.md) [x](#nowhere)")
    found = check(service, select=["DL701"])
    assert "has 3 errors (DL102, DL106, DL107); fix them" in found[0].message
    assert len(found[0].related) == 3


def test_a_suppressed_finding_is_no_evidence(service: Path) -> None:
    doc = service / "docs" / "SERVICE_OVERVIEW.md"
    doc.write_text(
        doc.read_text()
        + "\n<!-- doclint-disable-next-line DL106 -->\nSee [the wiki](wiki/HOME.md).\n",
        encoding="utf-8",
    )
    assert check(service, select=["DL7"]) == []


def test_a_rule_the_config_ignores_is_no_evidence(service: Path) -> None:
    _break_overview(service)
    config = service / "doclint.toml"
    config.write_text('ignore = ["DL106"]\n' + config.read_text(), encoding="utf-8")
    assert check(service, select=["DL7"]) == []


def test_missing_doc_marked_yes_is_reported_once_as_missing_document(service: Path) -> None:
    found = [d for d in check(service) if "DATA_MODEL" in d.message or d.rule.startswith("DL7")]
    assert summary(found) == [("DL101", "docs/DATA_MODEL.md", 1)]


def test_no_for_a_clean_doc_is_info(service: Path) -> None:
    doc = service / "docs" / "DEPLOYMENT_TOPOLOGY.md"
    doc.write_text(doc.read_text() + "\n## Regions\n\neurope-west1.\n", encoding="utf-8")
    found = check(service, select=["DL7"])
    checklist = service / READINESS
    assert summary(found) == [("DL702", READINESS, _line(checklist, "[DEPLOYMENT_TOPOLOGY.md]"))]
    assert found[0].severity.value == "info"


def test_item_link_to_a_missing_anchor(service: Path) -> None:
    checklist = service / READINESS
    _replace(checklist, "SERVICE_OVERVIEW.md#owners", "SERVICE_OVERVIEW.md#owner")
    found = [d for d in check(service) if d.path == READINESS]
    assert summary(found) == [("DL703", READINESS, _line(checklist, "#owner)"))]
    assert "did you mean '#owners'?" in found[0].message


def test_item_link_to_a_missing_file(service: Path) -> None:
    checklist = service / READINESS
    _replace(checklist, "[Overview](SERVICE_OVERVIEW.md#owners)", "[Runbooks](runbooks/)")
    found = [d for d in check(service) if d.path == READINESS]
    assert summary(found) == [("DL703", READINESS, _line(checklist, "[Runbooks]"))]
    assert "does not exist" in found[0].message


def test_links_outside_checklist_items_stay_with_broken_link(service: Path) -> None:
    _replace(service / READINESS, "[SERVICE_OVERVIEW](SERVICE_OVERVIEW.md)", "[X](X.md)")
    assert [d.rule for d in check(service) if d.path == READINESS] == ["DL106"]


def test_stale_signoff_is_a_warning_and_strict_makes_it_an_error(service: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    checklist = service / READINESS
    _replace(checklist, "2026-11-21", "1900-01-01")
    found = check(service, select=["DL7"])
    assert summary(found) == [("DL704", READINESS, _line(checklist, "Ken Watanabe"))]
    assert found[0].severity.value == "warning"
    code, out, _ = run_cli(["check", ".", "--select", "DL7"], service)
    assert code == 0 and "DL704 [warning]" in out
    code, out, _ = run_cli(["check", ".", "--select", "DL7", "--strict"], service)
    assert code == 1 and "DL704 [error]" in out


def test_placeholder_signoff(service: Path) -> None:
    checklist = service / READINESS
    _replace(checklist, "| Ana Silva | 2026-11-20 |", "| (to fill) | yyyy-mm-dd |")
    _replace(checklist, "| Ken Watanabe |", "|  |")
    found = check(service, select=["DL7"])
    assert summary(found) == [
        ("DL705", READINESS, _line(checklist, "Service tech lead")),
        ("DL705", READINESS, _line(checklist, "SRE lead")),
    ]
    assert "owner '(to fill)' and date 'yyyy-mm-dd'" in found[0].message
    assert "has no owner;" in found[1].message


def test_missing_signoff_table(service: Path) -> None:
    checklist = service / READINESS
    text = checklist.read_text()
    checklist.write_text(text[: text.index("## 4. Sign-off")], encoding="utf-8")
    found = check(service, select=["DL7"])
    assert [(d.rule, d.path) for d in found] == [("DL705", READINESS)]


def test_no_checklist_reports_nothing_here(service: Path) -> None:
    (service / READINESS).unlink()
    assert check(service, select=["DL7"]) == []


def test_a_readiness_doc_without_checklist_tables_needs_no_signoff(service: Path) -> None:
    (service / READINESS).write_text("# Readiness\n\nTracked in the wiki.\n", encoding="utf-8")
    assert check(service, select=["DL7"]) == []


def test_items_about_files_outside_the_docs_folder_are_not_computed(service: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (service / "README.md").write_text("# Shop\n", encoding="utf-8")
    _replace(
        service / READINESS,
        "| Architecture decision records kept in the wiki | yes |",
        "| [README](../README.md) explains the service | no |",
    )
    assert check(service, select=["DL7"]) == []
    code, out, _ = run_cli(["readiness"], service)
    assert code == 0 and "README" not in out


# -- doclint readiness -----------------------------------------------------------------------


def test_readiness_markdown(service: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    _break_overview(service)
    code, out, _ = run_cli(["readiness"], service)
    assert code == 0
    assert out.split("\n")[:6] == [
        "## 1. Documentation",
        "",
        "| Item | Status | Findings |",
        "|---|---|---|",
        "| [SERVICE_OVERVIEW.md](SERVICE_OVERVIEW.md) complete | no | 1 error (DL106) |",
        "| [DEPLOYMENT_TOPOLOGY.md](DEPLOYMENT_TOPOLOGY.md#runtime) describes regions | no | "
        "1 error (DL102) |",
    ]
    assert "| [DATA_MODEL.md](DATA_MODEL.md) matches migrations | no | missing |" in out
    assert "| [SECURITY_MODEL.md](SECURITY_MODEL.md) covers auth and egress | yes | none |" in out
    assert "wiki" not in out


def test_readiness_json(service: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli(["readiness", ".", "--format", "json"], service)
    assert code == 0
    rows = {row["doc"]: row for row in json.loads(out)["documentation"]}
    assert rows["DEPLOYMENT_TOPOLOGY.md"] == {
        "doc": "DEPLOYMENT_TOPOLOGY.md",
        "path": "docs/DEPLOYMENT_TOPOLOGY.md",
        "line": _line(service / READINESS, "[DEPLOYMENT_TOPOLOGY.md]"),
        "item": "DEPLOYMENT_TOPOLOGY.md describes regions",
        "claimed": "no",
        "status": "no",
        "exists": True,
        "errors": 1,
        "warnings": 0,
        "infos": 0,
        "rules": ["DL102"],
    }
    assert rows["DATA_MODEL.md"]["exists"] is False


def test_readiness_write_changes_only_status_cells(service: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    checklist = service / READINESS
    doc = service / "docs" / "DEPLOYMENT_TOPOLOGY.md"
    doc.write_text(doc.read_text() + "\n## Regions\n\neurope-west1.\n", encoding="utf-8")
    _break_overview(service)
    checklist.write_bytes(checklist.read_bytes().replace(b"\n", b"\r\n"))
    before = checklist.read_bytes()
    code, out, _ = run_cli(["readiness", "--write"], service)
    assert (code, out) == (0, "docs/SERVICE_READINESS.md: 3 rows updated\n")
    expected = (
        before.replace(
            b"| [DATA_MODEL.md](DATA_MODEL.md) matches migrations | yes |",
            b"| [DATA_MODEL.md](DATA_MODEL.md) matches migrations | no |",
        )
        .replace(
            b"| [SERVICE_OVERVIEW.md](SERVICE_OVERVIEW.md) complete | yes |",
            b"| [SERVICE_OVERVIEW.md](SERVICE_OVERVIEW.md) complete | no |",
        )
        .replace(b"regions |   no   |", b"regions |   yes   |")
    )
    assert expected != before
    assert checklist.read_bytes() == expected
    code, out, _ = run_cli(["readiness", "--write"], service)
    assert (code, out) == (0, "docs/SERVICE_READINESS.md: 0 rows updated\n")
    assert checklist.read_bytes() == expected


def test_readiness_write_with_json_output(service: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    _break_overview(service)
    code, out, _ = run_cli(["readiness", "--write", "--format", "json"], service)
    payload = json.loads(out)
    assert (code, payload["updated"], payload["document"]) == (0, 2, READINESS)
    text = (service / READINESS).read_text()
    assert "| [SERVICE_OVERVIEW.md](SERVICE_OVERVIEW.md) complete | no |" in text


def test_readiness_write_without_checklist_is_an_error(service: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (service / READINESS).unlink()
    code, _, err = run_cli(["readiness", "--write"], service)
    assert code == 2 and "does not exist" in err


def test_readiness_without_checklist_lists_required_docs(service: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (service / READINESS).unlink()
    code, out, _ = run_cli(["readiness"], service)
    assert code == 0
    assert out.startswith("## Documentation\n")
    assert "| [SERVICE_OVERVIEW.md](SERVICE_OVERVIEW.md) | yes | none |" in out
    assert "| [API_CONTRACTS.md](API_CONTRACTS.md) | no | missing |" in out
    assert "SERVICE_READINESS.md" not in out


def test_readiness_of_several_services(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    for name in ("a", "b"):
        shutil.copytree(SERVICE, tmp_path / name)
    code, out, _ = run_cli(["readiness", "--format", "json"], tmp_path)
    assert code == 0
    assert [s["service"] for s in json.loads(out)["services"]] == ["a", "b"]
    code, out, _ = run_cli(["readiness"], tmp_path)
    assert out.count("<!-- service: ") == 2


# -- the sample service ("Done when") ------------------------------------------------------


def test_sample_checklist_matches_what_readiness_computes(sample: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    before = (sample / READINESS).read_bytes()
    assert check(sample, select=["DL7"]) == []
    code, out, _ = run_cli(["readiness", "--write"], sample)
    assert (code, out) == (0, "docs/SERVICE_READINESS.md: 0 rows updated\n")
    assert (sample / READINESS).read_bytes() == before


def test_sample_broken_data_model_marked_yes_is_one_finding(sample: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    checklist = sample / READINESS
    before_findings = check(sample, select=["DL7"])
    doc = sample / "docs" / "DATA_MODEL.md"
    doc.write_text(doc.read_text() + "\nSee [the ERD](erd/MISSING.md).\n", encoding="utf-8")
    new = [d for d in check(sample, select=["DL7"]) if d not in before_findings]
    row = _line(checklist, "[DATA_MODEL.md]")
    assert summary(new) == [("DL701", READINESS, row)]
    before = checklist.read_bytes()
    code, _, _ = run_cli(["readiness", "--write"], sample)
    assert code == 0
    lines_before = before.split(b"\n")
    lines_after = checklist.read_bytes().split(b"\n")
    assert len(lines_before) == len(lines_after)
    pairs = zip(lines_before, lines_after, strict=True)
    assert [i + 1 for i, (a, b) in enumerate(pairs) if a != b] == [row]
    assert lines_after[row - 1] == lines_before[row - 1].replace(b"| yes |", b"| no |")


def test_sample_stale_signoff_is_one_finding(sample: Path) -> None:
    checklist = sample / READINESS
    before = check(sample)
    _replace(
        checklist,
        "| Security engineering | Priya Raman | 2026-11-20 |",
        "| Security engineering | Priya Raman | 2025-01-01 |",
    )
    new = [d for d in check(sample) if d not in before]
    assert summary(new) == [("DL704", READINESS, _line(checklist, "Priya Raman"))]
