"""DL1xx: template conformance from the rule pack, links, anchors, LOCAL_DEV_SETUP commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from doclint.errors import ConfigError
from tests.conftest import check, edit, summary, write_tree

SECTIONS = {
    "SERVICE_OVERVIEW.md": ["Purpose", "Responsibilities", "Dependencies", "Owners"],
    "SECURITY_MODEL.md": ["Authentication", "Multi-tenancy", "Redaction", "Egress"],
    "OBSERVABILITY.md": ["Metrics", "SLOs"],
    "TESTING_STRATEGY.md": ["Eval suites", "Red-team coverage"],
    "DEPLOYMENT_TOPOLOGY.md": ["Runtime", "Regions"],
    "SYNC_CONTRACT.md": ["Snapshot", "Push"],
    "LOCAL_DEV_SETUP.md": ["Prerequisites", "Steps"],
    "MIGRATION_PLAN.md": ["Current release"],
    "API_CONTRACTS.md": [],
    "EVENT_SCHEMAS.md": [],
    "DATA_MODEL.md": [],
    "FAILURE_MODES.md": [],
    "ERROR_CODES.md": [],
    "SERVICE_READINESS.md": [],
}


def minimal_service(root: Path) -> Path:
    files = {}
    for name, sections in SECTIONS.items():
        body = [f"# {name[:-3].replace('_', ' ').title()}", ""]
        for section in sections:
            body += [f"## {section}", "", f"The {section.lower()} of the service.", ""]
        files[f"docs/{name}"] = "\n".join(body)
    files["docs/DOMAIN_MODEL.md"] = (
        "# Domain model\n\n## Aggregates\n\n### Session\n\nA conversation.\n\n"
        "#### Invariants\n\n- a session belongs to one tenant\n"
    )
    files["docs/APPLICATION_LOGIC.md"] = (
        "# Application logic\n\n## Use cases\n\n### Run a completion\n\n#### Ports\n\n"
        "- ProviderPort\n- BudgetPort\n"
    )
    files["docs/LOCAL_DEV_SETUP.md"] = (
        "# Local dev\n\n## Prerequisites\n\nNode 20.\n\n## Steps\n\n"
        "```bash\nmake setup && npm run dev\n./scripts/seed.sh --tenant demo\n"
        "pnpm install\nyarn build\n```\n\n"
        "See [security](SECURITY_MODEL.md#multi-tenancy) and [top](#steps).\n"
    )
    example = '<!-- doclint: schema=../schemas/snapshot.json -->\n```json\n{"id": "s1"}\n```\n'
    files["docs/SYNC_CONTRACT.md"] = (
        f"# Sync contract\n\n## Snapshot\n\n{example}\n## Push\n\n{example}"
    )
    files["schemas/snapshot.json"] = (
        '{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",'
        ' "required": ["id"], "properties": {"id": {"type": "string"}}}\n'
    )
    files["Makefile"] = "setup: deps\n\tnpm ci\nrun:\n\tnpm start\n"
    files["package.json"] = '{"scripts": {"dev": "tsx src/main.ts", "build": "tsc"}}\n'
    files["scripts/seed.sh"] = "#!/bin/sh\n"
    return write_tree(root, files)


def test_minimal_service_is_clean(tmp_path: Path) -> None:
    assert check(minimal_service(tmp_path)) == []


def test_missing_document(tmp_path: Path) -> None:
    root = minimal_service(tmp_path)
    (root / "docs" / "FAILURE_MODES.md").unlink()
    assert summary(check(root)) == [("DL101", "docs/FAILURE_MODES.md", 1)]


def test_link_to_a_missing_required_document_is_reported_once(tmp_path: Path) -> None:
    root = minimal_service(tmp_path)
    edit(root / "docs/ERROR_CODES.md", "# Error Codes", "# Codes\n\nSee [f](FAILURE_MODES.md).")
    (root / "docs" / "FAILURE_MODES.md").unlink()
    assert summary(check(root)) == [("DL101", "docs/FAILURE_MODES.md", 1)]


def test_missing_section_points_at_end_of_document(tmp_path: Path) -> None:
    root = minimal_service(tmp_path)
    edit(root / "docs/DEPLOYMENT_TOPOLOGY.md", "The regions", "[Egress](SECURITY_MODEL.md#egress)")
    edit(root / "docs/SECURITY_MODEL.md", "## Egress\n\nThe egress of the service.\n", "")
    found = check(root)
    assert summary(found) == [("DL102", "docs/SECURITY_MODEL.md", 14)]
    assert '"## Egress"' in found[0].message


def test_empty_section(tmp_path: Path) -> None:
    root = minimal_service(tmp_path)
    edit(root / "docs/SERVICE_OVERVIEW.md", "The owners of the service.\n", "")
    assert summary(check(root)) == [("DL103", "docs/SERVICE_OVERVIEW.md", 15)]


def test_item_without_its_sub_section(tmp_path: Path) -> None:
    root = minimal_service(tmp_path)
    edit(root / "docs/DOMAIN_MODEL.md", "- a session belongs to one tenant\n", "")
    found = check(root)
    assert summary(found) == [("DL104", "docs/DOMAIN_MODEL.md", 9)]
    assert "lists 0 items" in found[0].message
    edit(root / "docs/DOMAIN_MODEL.md", "#### Invariants", "#### Notes")
    found = check(root)
    assert summary(found) == [("DL104", "docs/DOMAIN_MODEL.md", 5)]
    assert 'has no "Invariants" section' in found[0].message


def test_placeholder(tmp_path: Path) -> None:
    root = minimal_service(tmp_path)
    edit(root / "docs/DEPLOYMENT_TOPOLOGY.md", "The regions", "TBD: the regions")
    found = check(root)
    assert summary(found) == [("DL105", "docs/DEPLOYMENT_TOPOLOGY.md", 9)]
    assert (found[0].column, found[0].end_column) == (1, 4)
    assert found[0].severity.value == "warning"


def test_broken_link_and_anchor(tmp_path: Path) -> None:
    root = minimal_service(tmp_path)
    edit(root / "docs/LOCAL_DEV_SETUP.md", "#multi-tenancy", "#multitenancy")
    found = check(root)
    assert summary(found) == [("DL107", "docs/LOCAL_DEV_SETUP.md", 16)]
    assert "did you mean '#multi-tenancy'?" in found[0].message
    edit(root / "docs/LOCAL_DEV_SETUP.md", "[top](#steps)", "[top](#nowhere) [x](NOPE.md)")
    assert sorted(summary(check(root))) == [
        ("DL106", "docs/LOCAL_DEV_SETUP.md", 16),
        ("DL107", "docs/LOCAL_DEV_SETUP.md", 16),
        ("DL107", "docs/LOCAL_DEV_SETUP.md", 16),
    ]


def test_links_leaving_the_repository_are_not_followed(tmp_path: Path) -> None:
    root = minimal_service(tmp_path / "svc")
    (root / ".git").mkdir()
    write_tree(tmp_path, {"outside.md": "# Out\n"})
    edit(
        root / "docs/LOCAL_DEV_SETUP.md",
        "[top](#steps)",
        "[o](../../outside.md#out) [w](https://example.com/x#y) [m](mailto:a@b.c)",
    )
    found = check(root)
    assert summary(found) == [("DL106", "docs/LOCAL_DEV_SETUP.md", 16)]
    assert "leaves the repository" in found[0].message


def test_local_dev_commands(tmp_path: Path) -> None:
    root = minimal_service(tmp_path)
    edit(
        root / "docs/LOCAL_DEV_SETUP.md",
        "pnpm install\n",
        "make bootstrap\nnpm run lint\n$ ./scripts/missing.sh\nbash ./scripts/seed.sh\n",
    )
    found = check(root)
    assert summary(found) == [
        ("DL108", "docs/LOCAL_DEV_SETUP.md", 12),
        ("DL108", "docs/LOCAL_DEV_SETUP.md", 13),
        ("DL108", "docs/LOCAL_DEV_SETUP.md", 14),
    ]
    assert "the Makefile has no target 'bootstrap'; use one of run, setup or add it" in (
        found[0].message
    )


def test_local_dev_commands_without_makefile_or_package_json(tmp_path: Path) -> None:
    root = minimal_service(tmp_path)
    (root / "Makefile").unlink()
    (root / "package.json").unlink()
    assert [d.subject for d in check(root)] == ["make setup", "npm dev", "yarn build"]


def test_a_teams_own_rule_pack(tmp_path: Path) -> None:
    root = minimal_service(tmp_path)
    write_tree(
        root,
        {
            "doclint.toml": 'rule-packs = ["standards.yaml"]\n',
            "standards.yaml": (
                "pack: acme\nrules:\n"
                "  missing-document: {id: ACME101, name: acme-doc, severity: warning}\n"
                "  missing-section: {id: ACME102, name: acme-section}\n"
                "  empty-section: {id: ACME103, name: acme-empty}\n"
                "documents:\n  - path: ADR.md\n  - path: SERVICE_OVERVIEW.md\n"
                "    sections: [Glossary]\n"
            ),
        },
    )
    found = check(root)
    assert [(d.rule, d.name, d.severity.value, d.path) for d in found] == [
        ("ACME101", "acme-doc", "warning", "docs/ADR.md"),
        ("ACME102", "acme-section", "error", "docs/SERVICE_OVERVIEW.md"),
    ]


@pytest.mark.parametrize(
    ("pack", "expected"),
    [
        ("pack: x\nrules:\n  missing-documnt: {id: X101, name: x}\n", "rules: Additional"),
        ("pack: x\nrules:\n  missing-document: {id: x1, name: x}\n", "rules.missing-document.id"),
        (
            "pack: x\nrules: {placeholder: {id: X101, name: x}}\ndocuments:\n  - path: A.md\n",
            "rules.missing-document: the pack needs this rule",
        ),
        ("pack: [\n", "invalid YAML"),
    ],
)
def test_invalid_pack_is_a_configuration_error(tmp_path: Path, pack: str, expected: str) -> None:
    root = minimal_service(tmp_path)
    write_tree(root, {"doclint.toml": 'rule-packs = ["p.yaml"]\n', "p.yaml": pack})
    with pytest.raises(ConfigError) as caught:
        check(root)
    assert str(caught.value).startswith("p.yaml")
    assert expected in str(caught.value)
