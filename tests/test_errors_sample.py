"""DL4xx on a copy of sample_service: each edit of a "Done when" list yields exactly one new
finding, at the doc line where the fact is or where it has to be written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from doclint.diagnostics import Diagnostic
from tests.conftest import SAMPLE, SAMPLE_ERROR_CODES, check, edit, line_of

# Readiness rules (DL7xx) restate other findings by design ("claims yes, but FAILURE_MODES.md
# has 1 error"), so they are left out when counting what an edit adds.
NOT_DERIVED = ("DL7",)


def new_findings(root: Path, change, ignore: tuple[str, ...] = NOT_DERIVED) -> list[Diagnostic]:  # type: ignore[no-untyped-def]
    def key(d: Diagnostic) -> tuple[str, str, int, str]:
        return (d.rule, d.path, d.line, d.message)

    before = {key(d) for d in check(root, ignore=ignore)}
    change()
    return [d for d in check(root, ignore=ignore) if key(d) not in before]


def test_sample_has_no_error_code_findings() -> None:
    assert check(SAMPLE, select=("DL4",)) == []


def test_sample_keeps_the_facts() -> None:
    from doclint.config import load_config
    from doclint.project import Project
    from doclint.sources.errors import errors

    model = errors(Project(SAMPLE, load_config(SAMPLE), SAMPLE))
    assert model.catalog is not None and model.failure_modes is not None
    assert {c.code: c.status for c in model.catalog.codes} == SAMPLE_ERROR_CODES
    # one style: a FAILURE_MODES table, one runbook file per code
    assert {m.style for m in model.failure_modes.entries} == {"table"}
    assert all(m.responded for m in model.failure_modes.entries)
    assert {r.style for r in model.runbooks.entries} == {"file"}
    assert len(model.runbooks.entries) == 11


def test_add_a_code_to_error_codes(sample: Path) -> None:
    codes = sample / "docs/ERROR_CODES.md"
    modes = sample / "docs/FAILURE_MODES.md"
    last = "| `AI_PROVIDER_TIMEOUT` | 504 |"
    row = "| `AI_MODEL_RETIRED` | 410 | The model named by the route is retired. | no |"

    def change() -> None:
        text = codes.read_text(encoding="utf-8")
        start = text.index(last)
        end = text.index("\n", start)
        codes.write_text(text[: end + 1] + row + "\n" + text[end + 1 :], encoding="utf-8")

    found = new_findings(sample, change)
    assert [(d.rule, d.path, d.line, d.subject) for d in found] == [
        (
            "DL403",
            "docs/FAILURE_MODES.md",
            line_of(modes, "| `AI_PROVIDER_TIMEOUT` |"),
            "AI_MODEL_RETIRED",
        )
    ]
    assert found[0].related[0].line == line_of(codes, "AI_MODEL_RETIRED")
    assert "docs/runbooks/AI_MODEL_RETIRED.md" in found[0].message


def test_delete_a_failure_modes_row(sample: Path) -> None:
    modes = sample / "docs/FAILURE_MODES.md"
    codes = sample / "docs/ERROR_CODES.md"

    def change() -> None:
        text = modes.read_text(encoding="utf-8")
        modes.write_text(
            re.sub(r"^\| `AI_SESSION_CLOSED` \|.*\n", "", text, flags=re.MULTILINE),
            encoding="utf-8",
        )

    found = new_findings(sample, change)
    assert [(d.rule, d.path, d.line, d.subject) for d in found] == [
        (
            "DL403",
            "docs/FAILURE_MODES.md",
            line_of(modes, "| `AI_PROVIDER_TIMEOUT` |"),
            "AI_SESSION_CLOSED",
        )
    ]
    assert found[0].related[0].line == line_of(codes, "| `AI_SESSION_CLOSED` |")


def test_blank_a_response_cell(sample: Path) -> None:
    modes = sample / "docs/FAILURE_MODES.md"

    def change() -> None:
        text = modes.read_text(encoding="utf-8")
        row = next(line for line in text.split("\n") if line.startswith("| `AI_RATE_LIMITED` |"))
        cells = row.split(" | ")
        cells[2] = " "
        edit(modes, row, " | ".join(cells))

    found = new_findings(sample, change)
    assert [(d.rule, d.path, d.line, d.subject) for d in found] == [
        (
            "DL404",
            "docs/FAILURE_MODES.md",
            line_of(modes, "| `AI_RATE_LIMITED` |"),
            "AI_RATE_LIMITED",
        )
    ]


def test_delete_a_runbook_file(sample: Path) -> None:
    found = new_findings(sample, (sample / "docs/runbooks/AI_CONTENT_BLOCKED.md").unlink)
    assert [(d.rule, d.path, d.line, d.subject) for d in found] == [
        ("DL406", "docs/runbooks/AI_CONTENT_BLOCKED.md", 1, "AI_CONTENT_BLOCKED")
    ]
    assert found[0].related[0].path == "docs/ERROR_CODES.md"


def test_delete_a_runbook_escalation_section(sample: Path) -> None:
    runbook = sample / "docs/runbooks/AI_PROVIDER_TIMEOUT.md"

    def change() -> None:
        text = runbook.read_text(encoding="utf-8")
        runbook.write_text(text[: text.index("## Escalation")].rstrip() + "\n", encoding="utf-8")

    found = new_findings(sample, change)
    lines = runbook.read_text(encoding="utf-8").rstrip("\n").split("\n")
    assert [(d.rule, d.path, d.line, d.subject) for d in found] == [
        (
            "DL407",
            "docs/runbooks/AI_PROVIDER_TIMEOUT.md",
            len(lines),
            "AI_PROVIDER_TIMEOUT#Escalation",
        )
    ]


def test_change_a_code_status(sample: Path) -> None:
    codes = sample / "docs/ERROR_CODES.md"
    found = new_findings(
        sample,
        lambda: edit(codes, "| `AI_BUDGET_EXCEEDED` | 402 |", "| `AI_BUDGET_EXCEEDED` | 429 |"),
    )
    assert [(d.rule, d.path, d.line, d.subject) for d in found] == [
        (
            "DL411",
            "docs/ERROR_CODES.md",
            line_of(codes, "AI_BUDGET_EXCEEDED` | 429"),
            "AI_BUDGET_EXCEEDED",
        )
    ]
    assert {r.path for r in found[0].related} == {"openapi.yaml"}
    assert "402" in found[0].message


def _add_code_to_first_declaration(spec: Path, code: str) -> int:
    """Add ``code`` to the first ``x-error-codes`` list of the spec; returns its line."""
    lines = spec.read_text(encoding="utf-8").split("\n")
    for index, line in enumerate(lines):
        if "x-error-codes:" not in line:
            continue
        if "[" in line:
            lines[index] = line.replace("[", f"[{code}, ", 1)
            number = index + 1
        else:
            item = lines[index + 1]
            indent = item[: len(item) - len(item.lstrip())]
            lines.insert(index + 1, f"{indent}- {code}")
            number = index + 2
        spec.write_text("\n".join(lines), encoding="utf-8")
        return number
    raise AssertionError("the sample spec declares no error codes")


def test_add_an_unknown_code_to_an_openapi_response(sample: Path) -> None:
    spec = sample / "openapi.yaml"
    codes = sample / "docs/ERROR_CODES.md"
    where: list[int] = []
    # API_CONTRACTS.md lists each response's codes (DL2xx): it is told about the new code too.
    found = new_findings(
        sample,
        lambda: where.append(_add_code_to_first_declaration(spec, "AI_QUOTA_EXCEEDED")),
        ignore=(*NOT_DERIVED, "DL2"),
    )
    assert [(d.rule, d.path, d.line, d.subject) for d in found] == [
        (
            "DL410",
            "docs/ERROR_CODES.md",
            line_of(codes, "| `AI_PROVIDER_TIMEOUT` |"),
            "AI_QUOTA_EXCEEDED",
        )
    ]
    assert [(r.path, r.line) for r in found[0].related] == [("openapi.yaml", where[0])]


@pytest.mark.parametrize("name", ["ERROR_CODES.md", "FAILURE_MODES.md"])
def test_delete_a_whole_document(sample: Path, name: str) -> None:
    found = new_findings(sample, (sample / "docs" / name).unlink)
    assert [(d.rule, d.path, d.line) for d in found] == [("DL101", f"docs/{name}", 1)]


def test_inspect_errors_on_the_sample(run_cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _err = run_cli(
        ["inspect", "errors", "sample_service", "--format", "json"], SAMPLE.parent
    )
    assert code == 0
    data = json.loads(out)["errors"]
    assert len(data["codes"]) == 11
    timeout = next(c for c in data["codes"] if c["code"] == "AI_PROVIDER_TIMEOUT")
    assert timeout["declared"]["path"] == "sample_service/docs/ERROR_CODES.md"
    assert timeout["handled"]["path"] == "sample_service/docs/FAILURE_MODES.md"
    assert timeout["runbook"]["path"] == "sample_service/docs/runbooks/AI_PROVIDER_TIMEOUT.md"
    assert {o["status"] for o in timeout["openapi"]} == {"504"}
    assert data["unknown"] == {"failure_modes": [], "runbooks": [], "openapi": []}
