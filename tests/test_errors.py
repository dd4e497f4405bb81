"""DL4xx: error catalog, failure modes, runbooks and OpenAPI (SPEC §4.4), on fixture trees."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from doclint.config import load_config
from doclint.diagnostics import Location
from doclint.project import Project
from doclint.sources.errors import errors, runbook_regex
from tests.conftest import FIXTURES, check, summary, write_tree

CASES = FIXTURES / "errors"
DL4 = ("DL4",)


def copy_case(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(CASES / name, target)
    return target


def project_of(root: Path) -> Project:
    return Project(root, load_config(root), root)


# -- clean services, one per style ----------------------------------------------------------


def test_table_style_with_one_runbook_file_per_code_is_clean() -> None:
    root = CASES / "tables_files"
    assert check(root, select=DL4) == []
    model = errors(project_of(root))
    assert model.catalog is not None
    assert [(c.code, c.status, c.retryable, c.valid) for c in model.catalog.codes] == [
        ("SHOP_NOT_FOUND", "404", False, True),
        ("SHOP_OUT_OF_STOCK", "409", True, True),
        ("SHOP-001", "500", None, True),
    ]
    assert model.catalog.codes[0].message == "The item does not exist."
    assert model.catalog.codes[0].line == 5
    assert model.failure_modes is not None
    handled = model.failure_modes.by_code
    assert sorted(handled) == ["SHOP-001", "SHOP_NOT_FOUND", "SHOP_OUT_OF_STOCK"]
    assert handled["SHOP-001"].location.line == 6
    assert handled["SHOP-001"].style == "table"
    runbook = model.runbooks.find("SHOP_OUT_OF_STOCK")
    assert runbook is not None and runbook.document.rel == "docs/runbooks/shop_out_of_stock.md"
    assert all(part is not None and part.has_content for part in runbook.parts)
    # README.md of the runbooks folder is not a runbook of a code called README
    assert sorted(r.code for r in model.runbooks.entries) == [
        "SHOP-001",
        "SHOP_NOT_FOUND",
        "SHOP_OUT_OF_STOCK",
    ]


def test_heading_style_and_one_runbooks_document_is_clean() -> None:
    root = CASES / "headings_single"
    assert check(root, select=DL4) == []
    model = errors(project_of(root))
    assert model.catalog is not None
    assert [(c.code, c.status) for c in model.catalog.codes] == [
        ("PAY_DECLINED", "402"),
        ("PAY_LIMIT", "429"),
        ("PAY_GATEWAY_DOWN", "503"),
    ]
    assert model.failure_modes is not None
    modes = model.failure_modes.by_code
    assert {m.style for m in modes.values()} == {"heading"}
    assert modes["PAY_DECLINED"].response == "The customer is asked for another card."
    assert modes["PAY_DECLINED"].response_location.line == 7
    assert modes["PAY_LIMIT"].response == "the client waits for Retry-After."
    assert modes["PAY_GATEWAY_DOWN"].response.startswith("Payments are queued")
    assert modes["PAY_GATEWAY_DOWN"].location.line == 18
    assert modes["PAY_GATEWAY_DOWN"].response_location.line == 20
    runbook = model.runbooks.find("PAY_GATEWAY_DOWN")
    assert runbook is not None and runbook.style == "section"
    assert runbook.location == Location("docs/RUNBOOKS.md", 39)
    assert [p.line for p in runbook.parts if p is not None] == [41, 45, 49, 53]


# -- one finding per rule ---------------------------------------------------------------------


def test_broken_service_has_one_finding_per_rule() -> None:
    found = check(CASES / "broken", select=DL4)
    assert summary(found) == [
        ("DL411", "docs/ERROR_CODES.md", 9),
        ("DL412", "docs/ERROR_CODES.md", 10),
        ("DL402", "docs/ERROR_CODES.md", 11),
        ("DL402", "docs/ERROR_CODES.md", 12),
        ("DL401", "docs/ERROR_CODES.md", 13),
        ("DL410", "docs/ERROR_CODES.md", 13),
        ("DL404", "docs/FAILURE_MODES.md", 6),
        ("DL403", "docs/FAILURE_MODES.md", 11),
        ("DL405", "docs/FAILURE_MODES.md", 11),
        ("DL407", "docs/runbooks/SVC_A.md", 13),
        ("DL408", "docs/runbooks/SVC_C.md", 7),
        ("DL406", "docs/runbooks/SVC_D.md", 1),
        ("DL409", "docs/runbooks/SVC_OLD.md", 1),
    ]
    by_rule = {d.rule: d for d in found}
    assert by_rule["DL401"].subject == "SVC_A"
    assert by_rule["DL401"].related[0].line == 5
    assert by_rule["DL403"].subject == "SVC_B"
    assert "docs/runbooks/SVC_B.md" in by_rule["DL403"].message
    assert by_rule["DL403"].related[0].line == 6
    assert by_rule["DL404"].subject == "SVC_C"
    assert by_rule["DL405"].subject == "SVC_GONE"
    assert by_rule["DL406"].related[0].line == 8
    assert by_rule["DL407"].subject == "SVC_A#Escalation"
    assert by_rule["DL408"].subject == "SVC_C#Diagnosis"
    assert by_rule["DL409"].severity.value == "warning"
    assert by_rule["DL410"].subject == "SVC_NEW"
    assert [(r.path, r.line) for r in by_rule["DL410"].related] == [("openapi.yaml", 19)]
    assert "422" in by_rule["DL410"].message
    assert "HTTP 400" in by_rule["DL411"].message and "422" in by_rule["DL411"].message
    assert by_rule["DL411"].related[0].line == 19
    assert by_rule["DL412"].severity.value == "info"
    assert "pattern" not in by_rule["DL402"].message or "upper-case" in by_rule["DL402"].message


def test_a_code_without_failure_mode_is_reported_once(tmp_path: Path) -> None:
    root = copy_case("tables_files", tmp_path)
    errors_doc = root / "docs/ERROR_CODES.md"
    errors_doc.write_text(
        errors_doc.read_text() + "| SHOP_NEW | 400 | New. | no |\n", encoding="utf-8"
    )
    found = check(root, select=DL4)
    # no runbook and no use either, but the failure mode is the first thing to write
    assert summary(found) == [("DL403", "docs/FAILURE_MODES.md", 6)]
    assert "docs/runbooks/SHOP_NEW.md" in found[0].message
    (root / "docs/FAILURE_MODES.md").write_text(
        (root / "docs/FAILURE_MODES.md")
        .read_text()
        .replace("SHOP-001 (ledger) |", "SHOP-001 (ledger), SHOP_NEW |"),
        encoding="utf-8",
    )
    assert summary(check(root, select=DL4)) == [("DL406", "docs/runbooks/SHOP_NEW.md", 1)]
    write_tree(
        root, {"docs/runbooks/Shop_New.md": (root / "docs/runbooks/SHOP-001.md").read_text()}
    )
    # handled and run-booked, yet nothing returns it
    assert summary(check(root, select=DL4)) == [("DL412", "docs/ERROR_CODES.md", 8)]
    write_tree(root, {"src/new.ts": "throw new ShopError('SHOP_NEW');\n"})
    assert check(root, select=DL4) == []


def test_codes_table_missing(tmp_path: Path) -> None:
    root = copy_case("tables_files", tmp_path)
    write_tree(root, {"docs/ERROR_CODES.md": "# Error codes\n\n| Code | Message |\n|---|---|\n"})
    assert summary(check(root, select=DL4)) == [("DL413", "docs/ERROR_CODES.md", 3)]
    write_tree(root, {"docs/ERROR_CODES.md": "# Error codes\n\n- SHOP_NOT_FOUND\n"})
    found = check(root, select=DL4)
    assert summary(found) == [("DL413", "docs/ERROR_CODES.md", 3)]
    assert "| Code | HTTP |" in found[0].message
    write_tree(
        root,
        {
            "docs/ERROR_CODES.md": "# Error codes\n\n| Term | Meaning |\n|---|---|\n| a | b |\n\n"
            "- clients retry\n- SHOP_NOT_FOUND: 404\n"
        },
    )
    assert summary(check(root, select=DL4)) == [("DL413", "docs/ERROR_CODES.md", 8)]


@pytest.mark.parametrize("name", ["ERROR_CODES.md", "FAILURE_MODES.md"])
def test_a_missing_document_is_one_finding(tmp_path: Path, name: str) -> None:
    root = copy_case("broken", tmp_path)
    before = set(summary(check(root, select=("DL101", "DL4"))))
    (root / "docs" / name).unlink()
    after = set(summary(check(root, select=("DL101", "DL4"))))
    assert after - before == {("DL101", f"docs/{name}", 1)}


def test_unreadable_catalog_is_an_input_problem(tmp_path: Path) -> None:
    root = copy_case("tables_files", tmp_path)
    (root / "docs/ERROR_CODES.md").write_bytes(b"# Codes\n\ncaf\xe9\n")
    found = check(root, select=("DL9", "DL4"))
    assert summary(found) == [("DL901", "docs/ERROR_CODES.md", 3)]


# -- heading style and one runbooks document: failures ----------------------------------------


def test_heading_style_failures(tmp_path: Path) -> None:
    root = copy_case("headings_single", tmp_path)
    modes = root / "docs/FAILURE_MODES.md"
    text = modes.read_text()
    text = text.replace("The customer is asked for another card.\n", "")
    text = text.replace("- **Response:** the client waits for `Retry-After`.\n", "")
    text = text.replace(
        "Response:\nPayments are queued and replayed when the gateway returns.\n",
        "**Response:**\n",
    )
    text += "\n## PAY_FRAUD\n\n### Response\n\nBlock the card.\n"
    modes.write_text(text, encoding="utf-8")
    found = check(root, select=DL4)
    assert summary(found) == [
        ("DL404", "docs/FAILURE_MODES.md", 7),
        ("DL404", "docs/FAILURE_MODES.md", 10),
        ("DL404", "docs/FAILURE_MODES.md", 18),
        ("DL405", "docs/FAILURE_MODES.md", 22),
    ]
    messages = [d.message for d in found]
    assert 'the "Response" part of PAY_DECLINED' in messages[0]
    assert 'PAY_LIMIT in docs/FAILURE_MODES.md has no "Response" part' in messages[1]
    assert 'the "Response" part of PAY_GATEWAY_DOWN' in messages[2]


def test_code_without_heading_entry_points_at_the_end_of_the_document(tmp_path: Path) -> None:
    root = copy_case("headings_single", tmp_path)
    modes = root / "docs/FAILURE_MODES.md"
    text = modes.read_text()
    modes.write_text(text[: text.index("## PAY_LIMIT")], encoding="utf-8")
    found = check(root, select=DL4)
    assert [(d.rule, d.subject, d.line) for d in found] == [
        ("DL403", "PAY_GATEWAY_DOWN", 10),
        ("DL403", "PAY_LIMIT", 10),
    ]
    assert 'heading naming it with a "Response" part' in found[0].message


def test_runbooks_document_failures(tmp_path: Path) -> None:
    root = copy_case("headings_single", tmp_path)
    runbooks = root / "docs/RUNBOOKS.md"
    text = runbooks.read_text()
    text = text.replace("### Escalation\n\nGateway vendor.\n", "")
    text = text.replace("### Diagnosis\n\nFind the client.\n", "### Diagnosis\n")
    limit = text.index("## PAY_LIMIT")
    text = text[:limit].replace("## PAY_DECLINED", "## PAY_REFUSED") + text[limit:]
    runbooks.write_text(text, encoding="utf-8")
    found = check(root, select=DL4)
    assert [(d.rule, d.subject, d.line) for d in found] == [
        ("DL409", "PAY_REFUSED", 3),
        ("DL408", "PAY_LIMIT#Diagnosis", 27),
        ("DL406", "PAY_DECLINED", 50),
        ("DL407", "PAY_GATEWAY_DOWN#Escalation", 50),
    ]
    assert 'add a section headed "PAY_DECLINED" to docs/RUNBOOKS.md' in found[2].message
    assert '"#### Escalation"' in found[3].message


def test_runbooks_configured_as_one_file(tmp_path: Path) -> None:
    root = copy_case("headings_single", tmp_path)
    (root / "docs/RUNBOOKS.md").rename(root / "docs/oncall.md")
    assert summary(check(root, select=("DL406",))) == [
        ("DL406", "docs/runbooks/PAY_DECLINED.md", 1),
        ("DL406", "docs/runbooks/PAY_GATEWAY_DOWN.md", 1),
        ("DL406", "docs/runbooks/PAY_LIMIT.md", 1),
    ]
    write_tree(root, {"doclint.toml": 'runbooks = "docs/oncall.md"\n'})
    assert check(root, select=DL4) == []


def test_runbook_file_pattern_and_code_pattern_from_config(tmp_path: Path) -> None:
    root = copy_case("tables_files", tmp_path)
    folder = root / "docs/runbooks"
    for path in folder.glob("*.md"):
        if path.name != "README.md":
            path.rename(folder / f"runbook-{path.stem}.md")
    # with the default pattern, runbook-SHOP-001.md is the runbook of a code RUNBOOK-SHOP-001
    assert {d.rule for d in check(root, select=DL4)} == {"DL406", "DL409"}
    write_tree(
        root,
        {
            "doclint.toml": '[errors]\nrunbook-pattern = "runbook-{code}.md"\n'
            'code-pattern = "^SHOP_[A-Z_]+$"\n'
        },
    )
    found = check(root, select=DL4)
    assert summary(found) == [("DL402", "docs/ERROR_CODES.md", 7)]
    assert "errors.code-pattern `^SHOP_[A-Z_]+$`" in found[0].message


def test_runbook_regex_matches_any_case() -> None:
    regex = runbook_regex("{code}/README.md")
    match = regex.fullmatch("ai_budget_exceeded/readme.md")
    assert match is not None and match.group("code") == "ai_budget_exceeded"
    assert regex.fullmatch("ai_budget_exceeded.md") is None
    assert runbook_regex("runbook.md").fullmatch("runbook.md") is None


def test_runbooks_in_a_folder_per_code(tmp_path: Path) -> None:
    root = copy_case("tables_files", tmp_path)
    folder = root / "docs/runbooks"
    for path in folder.glob("*.md"):
        if path.name != "README.md":
            (folder / path.stem).mkdir()
            path.rename(folder / path.stem / "README.md")
    write_tree(root, {"doclint.toml": '[errors]\nrunbook-pattern = "{code}/README.md"\n'})
    assert check(root, select=DL4) == []
    (folder / "SHOP-001/README.md").unlink()
    assert summary(check(root, select=DL4)) == [("DL406", "docs/runbooks/SHOP-001/README.md", 1)]
    # a pattern that names no code finds no runbook, and never fails
    write_tree(root, {"doclint.toml": '[errors]\nrunbook-pattern = "{name}.md"\n'})
    found = check(root, select=("DL406",))
    assert [d.path for d in found][:1] == ["docs/runbooks/{name}.md"]


# -- OpenAPI: a stand-in model honouring the shared contract ----------------------------------


@dataclass(frozen=True)
class FakeResponse:
    status: str
    location: Location
    error_codes: tuple[str, ...] = ()
    error_code_locations: tuple[Location, ...] = ()


@dataclass(frozen=True)
class FakeOperation:
    method: str
    path: str
    responses: tuple[FakeResponse, ...] = ()


@dataclass(frozen=True)
class FakeModel:
    operations: tuple[FakeOperation, ...] = field(default=())


def _stand_in(monkeypatch: pytest.MonkeyPatch, model: FakeModel | None) -> None:
    import doclint.sources.openapi as openapi_module

    monkeypatch.setattr(openapi_module, "openapi", lambda project: model)


def test_stand_in_model_status_ranges_and_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_case("headings_single", tmp_path)
    spec = Location("spec.yaml", 10)
    model = FakeModel(
        (
            FakeOperation(
                "POST",
                "/pay",
                (
                    # a range status agrees with any status of its class
                    FakeResponse("4XX", spec, ("PAY_DECLINED", "PAY_LIMIT")),
                    # "default" cannot be compared
                    FakeResponse("default", spec, ("PAY_LIMIT",)),
                    # no per-code locations: the response's own location is used
                    FakeResponse("500", Location("spec.yaml", 30), ("PAY_GATEWAY_DOWN",)),
                ),
            ),
        )
    )
    _stand_in(monkeypatch, model)
    found = check(root, select=DL4)
    assert summary(found) == [("DL411", "docs/ERROR_CODES.md", 14)]
    assert [(r.path, r.line) for r in found[0].related] == [("spec.yaml", 30)]


def test_stand_in_model_missing_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_case("headings_single", tmp_path)
    doc = root / "docs/ERROR_CODES.md"
    doc.write_text(doc.read_text().replace("| PAY_LIMIT | 429 |", "| PAY_LIMIT | |"))
    spec = Location("spec.yaml", 5)
    model = FakeModel(
        (
            FakeOperation(
                "GET",
                "/limits",
                (
                    FakeResponse("429", spec, ("PAY_LIMIT",), (spec,)),
                    FakeResponse("402", spec, ("PAY_DECLINED",), (spec,)),
                    FakeResponse("503", spec, ("PAY_GATEWAY_DOWN",), (spec,)),
                ),
            ),
        )
    )
    _stand_in(monkeypatch, model)
    found = check(root, select=DL4)
    assert summary(found) == [("DL411", "docs/ERROR_CODES.md", 8)]
    assert "gives no HTTP status for PAY_LIMIT" in found[0].message


def test_unused_code_needs_something_to_look_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_case("tables_files", tmp_path)
    (root / "openapi.yaml").unlink()
    # the source names SHOP-001 only
    assert [d.subject for d in check(root, select=("DL412",))] == [
        "SHOP_NOT_FOUND",
        "SHOP_OUT_OF_STOCK",
    ]
    shutil.rmtree(root / "src")
    # neither a spec nor source: nothing to say
    assert check(root, select=("DL412",)) == []
    _stand_in(monkeypatch, FakeModel())
    # a spec that declares nothing: every code is unused
    assert len(check(root, select=("DL412",))) == 3


# -- real OpenAPI documents --------------------------------------------------------------------


def test_error_codes_from_a_real_spec_with_schema_enums(tmp_path: Path) -> None:
    root = copy_case("tables_files", tmp_path)
    write_tree(
        root,
        {
            "openapi.yaml": """openapi: 3.1.0
info: {title: Shop, version: 1.0.0}
paths:
  /v1/orders:
    post:
      responses:
        "201": {description: Created.}
        "409":
          description: Conflict.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Conflict"}
        "404":
          description: Missing.
          x-error-codes: [SHOP_NOT_FOUND]
components:
  schemas:
    Conflict:
      type: object
      properties:
        code:
          type: string
          enum: [SHOP_OUT_OF_STOCK, SHOP_LOCKED]
"""
        },
    )
    found = check(root, select=DL4)
    assert [(d.rule, d.subject, d.line) for d in found] == [("DL410", "SHOP_LOCKED", 7)]
    assert found[0].related[0].path == "openapi.yaml"


def test_inspect_errors_json(run_cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _err = run_cli(["inspect", "errors", ".", "--format", "json"], CASES / "broken")
    assert code == 0
    data = json.loads(out)["errors"]
    by_code: dict[str, dict[str, Any]] = {}
    for entry in data["codes"]:
        by_code.setdefault(entry["code"], entry)
    svc_a = by_code["SVC_A"]
    assert svc_a["status"] == "400"
    assert svc_a["declared"] == {"path": "docs/ERROR_CODES.md", "line": 5}
    assert svc_a["handled"]["line"] == 5 and svc_a["handled"]["response"] == "Retry."
    assert svc_a["runbook"]["path"] == "docs/runbooks/SVC_A.md"
    assert svc_a["runbook"]["sections"]["Escalation"] is None
    assert {(o["operation"], o["status"]) for o in svc_a["openapi"]} == {
        ("POST /things", "400"),
        ("POST /things", "default"),
    }
    assert by_code["SVC_B"]["handled"] is None and by_code["SVC_B"]["runbook"] is None
    assert [u["code"] for u in data["unknown"]["failure_modes"]] == ["SVC_GONE"]
    assert [u["code"] for u in data["unknown"]["runbooks"]] == ["SVC_OLD"]
    assert [u["code"] for u in data["unknown"]["openapi"]] == ["SVC_NEW"]
    assert data["problems"] == []


def test_new_code_in_heading_style_names_its_runbook_section(tmp_path: Path) -> None:
    root = copy_case("headings_single", tmp_path)
    doc = root / "docs/ERROR_CODES.md"
    doc.write_text(doc.read_text() + "| PAY_REVERSED | 409 | Reversed. |\n", encoding="utf-8")
    found = check(root, select=DL4)
    assert [(d.rule, d.subject) for d in found] == [("DL403", "PAY_REVERSED")]
    assert 'then write its runbook (a section "PAY_REVERSED" of docs/RUNBOOKS.md)' in (
        found[0].message
    )


def test_response_label_before_sub_headings_and_at_the_end(tmp_path: Path) -> None:
    root = copy_case("headings_single", tmp_path)
    modes = root / "docs/FAILURE_MODES.md"
    text = modes.read_text()
    text = text.replace(
        "- **Response:** the client waits for `Retry-After`.\n",
        "**Response**: \nthe client waits\nfor `Retry-After`.\n\n### Notes\n\nSee the docs.\n",
    )
    text = text.replace("\nTrigger: the gateway answers 5xx.\n", "")
    modes.write_text(text, encoding="utf-8")
    assert check(root, select=DL4) == []
    model = errors(project_of(root))
    assert model.failure_modes is not None
    handled = model.failure_modes.by_code
    assert handled["PAY_LIMIT"].response == "the client waits for Retry-After."
    assert handled["PAY_GATEWAY_DOWN"].response.endswith("when the gateway returns.")


def test_unreadable_runbook_is_an_input_problem(tmp_path: Path) -> None:
    root = copy_case("tables_files", tmp_path)
    (root / "docs/runbooks/SHOP-001.md").write_bytes(b"# Runbook\n\x00\n")
    found = check(root, select=("DL9", "DL4"))
    # the file cannot be read, so the code has no readable runbook either
    assert summary(found) == [
        ("DL406", "docs/runbooks/SHOP-001.md", 1),
        ("DL901", "docs/runbooks/SHOP-001.md", 2),
    ]


def test_source_scan_stops_once_every_code_is_found(tmp_path: Path) -> None:
    root = copy_case("tables_files", tmp_path)
    (root / "openapi.yaml").unlink()
    write_tree(
        root,
        {
            "src/a.ts": "const codes = ['SHOP_NOT_FOUND', 'SHOP_OUT_OF_STOCK'];\n",
            "src/z.ts": "const more = 'SHOP_NOT_FOUNDX';\n",
        },
    )
    (root / "src/0.bin").write_bytes(b"\x00\x01")
    assert check(root, select=("DL412",)) == []


def test_runbook_sections_of_a_team_pack_are_required_too(tmp_path: Path) -> None:
    root = copy_case("tables_files", tmp_path)
    write_tree(
        root,
        {
            "standards.yaml": "pack: team\n"
            "rules:\n  missing-section: {id: TEAM101, name: team-section}\n"
            "runbook-sections: [Escalation, Dashboards]\n",
            "doclint.toml": 'rule-packs = ["standards.yaml"]\n',
        },
    )
    found = check(root, select=DL4)
    assert sorted(d.subject for d in found) == [
        "SHOP-001#Dashboards",
        "SHOP_NOT_FOUND#Dashboards",
        "SHOP_OUT_OF_STOCK#Dashboards",
    ]
    assert {d.rule for d in found} == {"DL407"}


def test_a_catalog_without_codes_is_empty_not_unreadable(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "svc",
        {
            "doclint.toml": "",
            "docs/ERROR_CODES.md": "# Error codes\n\nThis service returns no error codes.\n",
            "docs/FAILURE_MODES.md": "# Failure modes\n\nNone yet.\n",
        },
    )
    assert check(root, select=DL4) == []
    root = copy_case("tables_files", tmp_path)
    write_tree(root, {"docs/ERROR_CODES.md": "# Error codes\n\nNone.\n"})
    found = check(root, select=DL4)
    assert sorted({(d.rule, d.line) for d in found}) == [
        ("DL405", 5),
        ("DL405", 6),
        ("DL409", 1),
        ("DL410", 3),
    ]
