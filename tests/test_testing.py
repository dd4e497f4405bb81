"""TESTING_STRATEGY.md (DL611-DL614) and MIGRATION_PLAN.md (DL621, DL622)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from doclint.checks.testing import (
    current_release,
    integration_ids,
    newest_migration,
    version_key,
)
from doclint.config import Config
from doclint.project import Project
from tests.conftest import FIXTURES, check, summary
from tests.conftest import edit as _replace
from tests.conftest import line_of as _line

SERVICE = FIXTURES / "testing" / "service"
RULES = ["DL611", "DL612", "DL613", "DL614", "DL621", "DL622"]


@pytest.fixture
def service(tmp_path: Path) -> Path:
    target = tmp_path / "svc"
    shutil.copytree(SERVICE, target)
    return target


def _project(root: Path) -> Project:
    return Project(root, Config(root=root), root)


# -- parsing -------------------------------------------------------------------------------


def test_integration_ids_expand_ranges() -> None:
    text = "IT-AI-001..003 and IT-AI-010…IT-AI-011\nalso IT-DB-007, not XIT-AI-999 or IT-AI-1234"
    assert list(integration_ids(text)) == [
        ("IT-AI-001", 1),
        ("IT-AI-002", 1),
        ("IT-AI-003", 1),
        ("IT-AI-010", 1),
        ("IT-AI-011", 1),
        ("IT-DB-007", 2),
    ]


def test_flyway_version_order() -> None:
    assert version_key("1.9") < version_key("1.10") < version_key("2")
    assert version_key("1.0") == version_key("1")
    assert version_key("5_1") == version_key("5.1")


def test_newest_migration_by_flyway_order() -> None:
    newest = newest_migration(_project(SERVICE))
    assert newest is not None
    assert (newest[0], newest[1].name) == ("1.10", "V1_10__add_index.sql")


def test_no_migrations_folder_means_no_version(tmp_path: Path) -> None:
    assert newest_migration(_project(tmp_path)) is None


def test_release_from_pyproject_then_package_json_then_openapi(tmp_path: Path) -> None:
    assert current_release(_project(tmp_path)) is None
    (tmp_path / "openapi.yaml").write_text("openapi: 3.1.0\ninfo:\n  version: 0.9.0\n")
    release = current_release(_project(tmp_path))
    assert release is not None
    assert (release[0], release[1].path, release[1].line) == ("0.9.0", "openapi.yaml", 3)
    (tmp_path / "package.json").write_text('{"name": "x", "version": "1.2.0"}')
    assert current_release(_project(tmp_path))[0] == "1.2.0"  # type: ignore[index]
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "3.0.0"\n')
    release = current_release(_project(tmp_path))
    assert release is not None
    assert (release[0], release[1].line) == ("3.0.0", 3)


def test_release_from_poetry_and_broken_pyproject_falls_through(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.poetry]\nversion = "4.1.0"\n')
    assert current_release(_project(tmp_path))[0] == "4.1.0"  # type: ignore[index]
    (tmp_path / "pyproject.toml").write_text("[project\n")
    (tmp_path / "package.json").write_text('{"version": "1.0.0"}')
    assert current_release(_project(tmp_path))[0] == "1.0.0"  # type: ignore[index]


# -- rules on the fixture --------------------------------------------------------------------


def test_fixture_service_is_clean() -> None:
    assert check(SERVICE, select=RULES) == []


def test_eval_suite_unlisted(service: Path) -> None:
    (service / "evals" / "jailbreak.json").write_text('{"name": "jailbreak-v2"}')
    found = check(service, select=RULES)
    doc = service / "docs" / "TESTING_STRATEGY.md"
    assert summary(found) == [("DL611", "docs/TESTING_STRATEGY.md", _line(doc, "## Eval suites"))]
    assert found[0].subject == "eval jailbreak-v2"
    assert (found[0].related[0].path, found[0].related[0].line) == ("evals/jailbreak.json", 1)


def test_eval_suite_listed_but_missing(service: Path) -> None:
    (service / "evals" / "refusals.yml").unlink()
    found = check(service, select=RULES)
    doc = service / "docs" / "TESTING_STRATEGY.md"
    assert summary(found) == [("DL612", "docs/TESTING_STRATEGY.md", _line(doc, "`refusals`"))]


def test_eval_suites_as_a_list(service: Path) -> None:
    doc = service / "docs" / "TESTING_STRATEGY.md"
    text = doc.read_text(encoding="utf-8")
    table = "| Suite | Gate |\n|---|---|\n| `polite-tone` | release |\n| `refusals` | release |\n"
    doc.write_text(
        text.replace(table, "- `polite-tone` — release\n- refusals: release\n  - nested\n")
    )
    assert check(service, select=RULES) == []


def test_no_eval_suites_section_reports_every_suite_at_the_end(service: Path) -> None:
    doc = service / "docs" / "TESTING_STRATEGY.md"
    doc.write_text("# Shop\n\nIT-SHOP-001..004 and IT-PAY-001.\n", encoding="utf-8")
    found = check(service, select=RULES)
    assert summary(found) == [
        ("DL611", "docs/TESTING_STRATEGY.md", 3),
        ("DL611", "docs/TESTING_STRATEGY.md", 3),
    ]


def test_integration_id_named_but_not_tested(service: Path) -> None:
    _replace(service / "tests" / "api" / "orders.test.ts", "IT-SHOP-003 cancels", "cancels")
    _replace(service / "tests" / "api" / "orders.test.ts", "IT-SHOP-003..004", "")
    found = check(service, select=RULES)
    doc = service / "docs" / "TESTING_STRATEGY.md"
    assert summary(found) == [("DL613", "docs/TESTING_STRATEGY.md", _line(doc, "IT-SHOP-001..004"))]
    assert found[0].subject == "IT-SHOP-003"


def test_integration_id_tested_but_not_named(service: Path) -> None:
    test_file = service / "tests" / "api" / "orders.test.ts"
    test_file.write_text(
        test_file.read_text() + "it('IT-SHOP-005 ships', () => {});\n", encoding="utf-8"
    )
    found = check(service, select=RULES)
    doc = service / "docs" / "TESTING_STRATEGY.md"
    assert summary(found) == [
        ("DL614", "docs/TESTING_STRATEGY.md", _line(doc, "## Integration tests"))
    ]
    assert (found[0].related[0].path, found[0].related[0].line) == ("tests/api/orders.test.ts", 6)


def test_undocumented_id_without_section_points_at_the_last_named_id(service: Path) -> None:
    doc = service / "docs" / "TESTING_STRATEGY.md"
    _replace(doc, "## Integration tests\n", "## Suites\n")
    (service / "tests" / "x.test.ts").write_text("// IT-SHOP-050\n")
    found = check(service, select=["DL614"])
    assert summary(found) == [("DL614", "docs/TESTING_STRATEGY.md", _line(doc, "IT-PAY-001"))]


def test_no_testing_strategy_reports_nothing_here(service: Path) -> None:
    (service / "docs" / "TESTING_STRATEGY.md").unlink()
    assert check(service, select=RULES) == []


def test_migration_plan_misses_the_newest_version(service: Path) -> None:
    (service / "db" / "migration" / "V2__drop_x.sql").write_text("select 1;\n")
    found = check(service, select=RULES)
    doc = service / "docs" / "MIGRATION_PLAN.md"
    assert summary(found) == [("DL621", "docs/MIGRATION_PLAN.md", _line(doc, "## Current release"))]
    assert found[0].subject == "V2"
    assert found[0].related[0].path == "db/migration/V2__drop_x.sql"


def test_migration_plan_misses_the_current_release(service: Path) -> None:
    _replace(service / "package.json", '"2.3.1"', '"2.4.0"')
    found = check(service, select=RULES)
    doc = service / "docs" / "MIGRATION_PLAN.md"
    assert summary(found) == [("DL622", "docs/MIGRATION_PLAN.md", _line(doc, "## Current release"))]
    assert (found[0].related[0].path, found[0].related[0].line) == ("package.json", 3)


def test_release_is_matched_as_a_whole_version(service: Path) -> None:
    _replace(service / "package.json", '"2.3.1"', '"2.3"')
    assert [d.rule for d in check(service, select=RULES)] == ["DL622"]


def test_migration_plan_without_current_release_section_points_at_the_end(
    service: Path,
) -> None:
    doc = service / "docs" / "MIGRATION_PLAN.md"
    doc.write_text("# Plan\n\nNothing.\n", encoding="utf-8")
    assert summary(check(service, select=RULES)) == [
        ("DL621", "docs/MIGRATION_PLAN.md", 3),
        ("DL622", "docs/MIGRATION_PLAN.md", 3),
    ]


# -- the sample service ("Done when") ------------------------------------------------------
# An error in a doc also makes its readiness item (marked yes) a DL701 finding; these tests
# leave the readiness rules out to see the edit's own finding.


def test_sample_testing_and_migration_plan_are_clean(sample: Path) -> None:
    assert check(sample, select=RULES) == []


def test_sample_new_eval_suite_is_one_finding(sample: Path) -> None:
    before = check(sample, ignore=["DL7"])
    (sample / "evals" / "toxicity.yaml").write_text("name: toxicity\ncases: []\n")
    new = [d for d in check(sample, ignore=["DL7"]) if d not in before]
    doc = sample / "docs" / "TESTING_STRATEGY.md"
    assert summary(new) == [("DL611", "docs/TESTING_STRATEGY.md", _line(doc, "## Eval suites"))]


def test_sample_removed_integration_test_is_one_finding(sample: Path) -> None:
    before = check(sample, ignore=["DL7"])
    _replace(sample / "tests" / "integration" / "sessions.test.ts", "IT-AI-007 ", "")
    new = [d for d in check(sample, ignore=["DL7"]) if d not in before]
    doc = sample / "docs" / "TESTING_STRATEGY.md"
    assert summary(new) == [("DL613", "docs/TESTING_STRATEGY.md", _line(doc, "IT-AI-005..007"))]
    assert new[0].subject == "IT-AI-007"


def test_sample_newer_migration_is_one_finding(sample: Path) -> None:
    before = check(sample, ignore=["DL7"])
    (sample / "db" / "migration").mkdir(parents=True, exist_ok=True)
    (sample / "db" / "migration" / "V7__add_quota_note.sql").write_text(
        "-- data-only release step: no schema change\nSELECT 1;\n"
    )
    new = [d for d in check(sample, ignore=["DL7"]) if d not in before]
    doc = sample / "docs" / "MIGRATION_PLAN.md"
    assert summary(new) == [("DL621", "docs/MIGRATION_PLAN.md", _line(doc, "## Current release"))]


def test_an_eval_file_that_does_not_parse_is_a_diagnostic_and_its_stem_the_suite(
    service: Path,
) -> None:
    (service / "evals" / "broken.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    found = check(service, select=[*RULES, "DL902"])
    doc = service / "docs" / "TESTING_STRATEGY.md"
    assert sorted(summary(found)) == [
        ("DL611", "docs/TESTING_STRATEGY.md", _line(doc, "## Eval suites")),
        ("DL902", "evals/broken.yaml", 2),
    ]
    assert [d.subject for d in found if d.rule == "DL611"] == ["eval broken"]
