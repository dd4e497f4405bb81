"""--fix (SPEC §5.5): stubs for undocumented operations, tables, columns, policies, error
codes, failure modes, events and metrics; idempotent; --diff; never deletes; symlinks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from doclint import fix
from doclint.diagnostics import Diagnostic, Fix, Severity
from doclint.engine import Report, ServiceResult
from doclint.sources.markdown import Document
from doclint.sources.markdown_parser import parse_markdown
from tests.conftest import check

STUBBED = {"DL201", "DL301", "DL303", "DL309", "DL403", "DL410", "DL501", "DL601"}


def _doc(text: str) -> Document:
    return parse_markdown(text, Path("docs/X.md"), "docs/X.md", "docs/X.md")


def _edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def _cut(text: str, start: str, stop: str) -> str:
    a = text.index(start)
    return text[:a] + text[text.index(stop, a) :]


def _drift(root: Path) -> None:
    """Remove one fact of each kind from the sample's docs."""
    docs = root / "docs"
    _edit(
        docs / "API_CONTRACTS.md",
        lambda t: _cut(
            t, "### GET /v1/sessions/{sessionId} — ", "### POST /v1/sessions/{sessionId}/close"
        ).replace("| GET | `/v1/sessions/{sessionId}` | Read a session |\n", ""),
    )
    _edit(
        docs / "DATA_MODEL.md",
        lambda t: re.sub(
            r"- `prompt_versions_tenant_isolation`.*\n",
            "",
            _cut(t, "### Table `prompts`", "### Table `prompt_versions`")
            .replace("| `spent_usd` | numeric(12,2) | no | `0` |\n", "")
            .replace(
                "| `budgets_no_delete` (restrictive) | DELETE | app_user | `false` | - |\n", ""
            ),
        ),
    )
    _edit(
        docs / "EVENT_SCHEMAS.md",
        lambda t: _cut(t, "### `ai.session.closed.v1`", "### `ai.prompt.promoted.v1`"),
    )
    _edit(
        docs / "OBSERVABILITY.md", lambda t: re.sub(r"\n\| `ai\.cache\.hits` \|.*", "", t, count=1)
    )
    _edit(docs / "FAILURE_MODES.md", lambda t: re.sub(r"\n\| `AI_RATE_LIMITED` \|.*", "", t))
    _edit(docs / "ERROR_CODES.md", lambda t: re.sub(r"\n\| `AI_SESSION_CLOSED` \|.*", "", t))


def _report(diagnostic: Diagnostic) -> Report:
    return Report([ServiceResult(".", [diagnostic], 1, False, Severity.ERROR)], {})


def _is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(line == other for other in it) for line in small)


def test_sample_is_clean_before_drift(sample: Path) -> None:
    assert [d for d in check(sample) if d.rule in STUBBED] == []


def test_fix_adds_every_stub_once_and_never_deletes(sample: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    _drift(sample)
    before = {d.rule for d in check(sample)}
    assert before >= STUBBED
    docs = sample / "docs"
    originals = {p.name: p.read_text(encoding="utf-8") for p in docs.glob("*.md")}

    code, diff, _ = run_cli(["check", ".", "--fix", "--diff"], sample)
    assert code == 1 and diff.startswith("--- a/docs/")
    assert {p.name: p.read_text(encoding="utf-8") for p in docs.glob("*.md")} == originals
    for name in ("API_CONTRACTS", "DATA_MODEL", "EVENT_SCHEMAS", "OBSERVABILITY", "ERROR_CODES"):
        assert f"+++ b/docs/{name}.md" in diff
    assert all(not line.startswith("-") or line.startswith("---") for line in diff.splitlines()), (
        "a fix never removes a line"
    )

    _, _, err = run_cli(["check", ".", "--fix"], sample)
    assert "Added" in err
    after = check(sample)
    assert [d for d in after if d.rule in STUBBED] == []
    assert {d.rule for d in after} <= {"DL105"}  # only the TODO placeholders remain
    assert all(d.severity is Severity.WARNING for d in after)
    for name, text in originals.items():
        new = (docs / name).read_text(encoding="utf-8").split("\n")
        assert _is_subsequence(text.split("\n"), new), name

    api = (docs / "API_CONTRACTS.md").read_text(encoding="utf-8")
    assert "| GET | `/v1/sessions/{sessionId}` | Read a session |" in api
    assert "### GET /v1/sessions/{sessionId} — Read a session" in api
    assert "| `sessionId` | path | string(uuid) | yes | TODO: describe |" in api
    assert "| 404 | TODO: describe | `AI_SESSION_NOT_FOUND` |" in api
    data = (docs / "DATA_MODEL.md").read_text(encoding="utf-8")
    assert "### Table `prompts`" in data and "| `name` | text | no | |" in data.replace(
        "|  |", "| |"
    )
    assert "| `spent_usd` | numeric(12,2) | no | `0` |" in data
    assert "| `budgets_no_delete` (restrictive) | DELETE | app_user | `FALSE` | - |" in data
    assert "- `prompt_versions_tenant_isolation` — FOR ALL TO app_user USING (" in data
    errors = (docs / "ERROR_CODES.md").read_text(encoding="utf-8")
    assert "| `AI_SESSION_CLOSED` | 409 | TODO: describe |" in errors
    modes = (docs / "FAILURE_MODES.md").read_text(encoding="utf-8")
    assert "| `AI_RATE_LIMITED` |" in modes and "TODO: describe" in modes
    events = (docs / "EVENT_SCHEMAS.md").read_text(encoding="utf-8")
    assert "### `ai.session.closed.v1`" in events
    assert events.index("### `ai.session.closed.v1`") < events.index("## Consumed events")
    metrics = (docs / "OBSERVABILITY.md").read_text(encoding="utf-8")
    assert "| `ai.cache.hits` | counter | `{request}` |" in metrics

    fixed = {p.name: p.read_text(encoding="utf-8") for p in docs.glob("*.md")}
    code, diff, _ = run_cli(["check", ".", "--fix", "--diff"], sample)
    assert (code, diff) == (0, "")
    code, _, err = run_cli(["check", ".", "--fix"], sample)
    assert "Added 0 stubs in 0 files." in err and code == 0
    assert {p.name: p.read_text(encoding="utf-8") for p in docs.glob("*.md")} == fixed


def test_fix_refuses_a_doc_that_is_a_symlink_out_of_the_repository(
    sample: Path,
    tmp_path: Path,
    run_cli,  # type: ignore[no-untyped-def]
) -> None:
    (sample / ".git").mkdir()
    outside = tmp_path / "outside.md"
    doc = sample / "docs" / "OBSERVABILITY.md"
    outside.write_text(doc.read_text(encoding="utf-8"), encoding="utf-8")
    before = outside.read_text(encoding="utf-8")
    diag = Diagnostic(
        "DL601",
        "metric-undocumented",
        Severity.ERROR,
        "docs/OBSERVABILITY.md",
        1,
        1,
        "m",
        "s",
        fix=Fix("docs/OBSERVABILITY.md", 1, "| x |"),
        service=".",
    )
    doc.unlink()
    doc.symlink_to(outside)

    report = _report(diag)
    result = fix.apply(report, sample)
    assert result.refused == ["docs/OBSERVABILITY.md"] and result.changed == []
    assert "resolves outside the repository" in result.describe()
    assert outside.read_text(encoding="utf-8") == before


def test_edit_inserts_after_lines_and_skips_present_text() -> None:
    original = "a\nb\nc\n"
    fixes = [Fix("x", 1, "one"), Fix("x", 3, "end\nmore"), Fix("x", 1, "two"), Fix("x", 0, "top")]
    text, applied = fix.edit(original, fixes)
    assert (text, applied) == ("top\na\none\ntwo\nb\nc\nend\nmore\n", 4)
    again, applied = fix.edit(text, fixes)
    assert (again, applied) == (text, 0)
    assert fix.edit("", [Fix("x", 5, "# New")]) == ("# New\n", 1)
    assert fix.edit("no newline", [Fix("x", 9, "x")]) == ("no newline\nx", 1)
    assert fix.edit("a\n", [Fix("x", 1, "a"), Fix("x", 1, "\n")])[1] == 0


def test_apply_keeps_crlf_and_bom(tmp_path: Path) -> None:
    doc = tmp_path / "docs" / "X.md"
    doc.parent.mkdir()
    doc.write_bytes(b"\xef\xbb\xbf# T\r\n\r\ntext\r\n")
    diag = Diagnostic(
        "DL601",
        "m",
        Severity.ERROR,
        "docs/X.md",
        1,
        1,
        "m",
        "s",
        fix=Fix("docs/X.md", 3, "added"),
        service=".",
    )

    report = _report(diag)
    result = fix.apply(report, tmp_path, write=False)
    assert result.changed == ["docs/X.md"] and "+added" in result.diff
    assert doc.read_bytes() == b"\xef\xbb\xbf# T\r\n\r\ntext\r\n"
    fix.apply(report, tmp_path)
    assert doc.read_bytes() == b"\xef\xbb\xbf# T\r\n\r\ntext\r\nadded\r\n"
    doc.write_bytes(b"\xff\xfe bad")
    assert fix.apply(report, tmp_path).refused == ["docs/X.md"]


# -- builders, in the style of the document ----------------------------------------------------


def test_operation_row_in_an_endpoint_table() -> None:
    doc = _doc("# API\n\n| Endpoint | Description |\n|---|---|\n| `GET /v1/a` | A |\n")
    stub = fix.operation_stub(doc, "post", "/v1/b", "Create a b")
    assert (stub.after, stub.text, stub.more) == (5, "| `POST /v1/b` | Create a b |", ())


def test_operation_heading_without_siblings() -> None:
    doc = _doc("# API\n\nIntro.\n")
    stub = fix.operation_stub(
        doc, "GET", "/v1/a", None, [("200", "OK", ())], [], [("x", "string", True)]
    )
    assert stub.after == 3
    assert stub.text.split("\n")[:4] == ["", "## GET /v1/a", "", "TODO: describe"]
    assert "| `x` | string | yes | TODO: describe |" in stub.text
    assert "| 200 | OK |" in stub.text and "Error codes" not in stub.text


def test_table_stub_plain_headings_and_policy_styles() -> None:
    doc = _doc(
        "# Data\n\n## accounts\n\n| Column | Type | Nullable |\n|---|---|---|\n| id | uuid | no |\n"
        "\n| Policy | Command | Roles |\n|---|---|---|\n| `p1` | ALL | app |\n\n## Notes\n\nEnd.\n"
    )
    columns = [fix.ColumnFacts("id", "uuid", False), fix.ColumnFacts("note", "text", True, "''")]
    policy = fix.PolicyFacts("own", "select", ("app",), "true", None, permissive=False)
    stub = fix.table_stub(doc, "notes_x", columns, (True, False), [policy])
    lines = stub.text.split("\n")
    assert lines[1] == "## `notes_x`" and stub.after == 11
    assert "| id | uuid | no |" in lines and "| note | text | yes |" in lines
    assert "RLS: enabled" in lines
    assert "- `own` — AS RESTRICTIVE FOR SELECT TO app USING (true)" in lines
    section = doc.sections[1]
    row = fix.policy_stub(doc, section, "accounts", fix.PolicyFacts("p2", "insert", ("app",)))
    assert (row.after, row.text) == (11, "| `p2` | INSERT | app |")
    bare = _doc("# Data\n\n## t\n\nRLS: enabled\n")
    item = fix.policy_stub(bare, bare.sections[1], "t", fix.PolicyFacts("p", with_check="x"))
    assert (item.after, item.text) == (5, "\n- `p` — FOR ALL TO public WITH CHECK (x)")
    listed = _doc("# D\n\n## t\n\n- `a` — FOR ALL TO x\n\nafter\n")
    item = fix.policy_stub(listed, listed.sections[1], "t", fix.PolicyFacts("b"))
    assert (item.after, item.text) == (5, "- `b` — FOR ALL TO public")


def test_codes_failure_modes_events_and_metrics_without_tables() -> None:
    doc = _doc("# Error codes\n\nNone yet.\n")
    stub = fix.error_code_stub(doc, "AI_X", "409")
    assert "| `AI_X` | 409 | TODO: describe |  |" in stub.text
    modes = _doc("# Failure modes\n\n## `AI_A`\n\n### Response\n\nRetry.\n")
    stub = fix.failure_mode_stub(modes, "AI_B")
    assert "## `AI_B`" in stub.text and "### Response" in stub.text
    events = _doc("# Events\n\n## Published events\n\n### `a.b.v1`\n\nx\n\n## Consumed\n")
    stub = fix.event_stub(
        events, "c.d.v1", [("id", "string", True)], events.section("Published events")
    )
    assert (
        stub.after == 7 and "### `c.d.v1`" in stub.text and "| `id` | string | yes |" in stub.text
    )
    metrics = _doc("# Observability\n\n## Metrics\n\nSoon.\n\n## SLOs\n\nNone.\n")
    stub = fix.metric_stub(metrics, "a.b", "counter", "1", ("x",), metrics.section("Metrics"))
    assert stub.after == 5 and "| `a.b` | counter | 1 | `x` | TODO: describe |" in stub.text


def test_registry_fixes_are_derived_only_when_fixing(sample: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    import json

    from doclint import engine

    _drift(sample)
    _, out, _ = run_cli(["check", ".", "--format", "json", "--select", "DL501"], sample)
    (plain,) = json.loads(out)["diagnostics"]
    assert plain["fix"] is None
    options = engine.Options(cwd=sample, select=("DL501",), fix=True)
    (diagnostic,) = engine.run([sample], options).diagnostics
    stub = diagnostic.to_dict()["fix"]
    assert isinstance(stub, dict) and stub["path"] == "docs/EVENT_SCHEMAS.md"
    assert stub["description"] == "add event ai.session.closed.v1"
    assert "### `ai.session.closed.v1`" in str(stub["insert"])


def test_json_of_a_fix_with_more_insertions() -> None:
    stub = Fix("a.md", 1, "row", "add x", (Fix("a.md", 9, "## x"),))
    assert stub.to_dict()["more"] == [
        {"description": "", "path": "a.md", "after_line": 9, "insert": "## x"}
    ]
    hint = Diagnostic("DL1", "n", Severity.INFO, "a", 1, 1, "m", "s", fix="write x")
    assert hint.to_dict()["fix"] == {"description": "write x"}


@pytest.mark.parametrize("value", ["`x`", "x"])
def test_cells_follow_the_column_style(value: str) -> None:
    ticked = _doc("| Name | Unit |\n|---|---|\n| `a` | `ms` |\n").tables[0]
    plain = _doc("| Name | Unit |\n|---|---|\n| a | ms |\n").tables[0]
    assert fix.table_row(ticked, {"name": value, "unit": "s"}) == "| `x` | `s` |"
    assert fix.table_row(plain, {"name": value, "unit": "s|t"}) == "| x | s\\|t |"


def test_fixers_without_a_matching_fact_or_document_derive_nothing(sample: Path) -> None:
    from doclint.config import load_config
    from doclint.fixers import FIXERS, attach, fixer
    from doclint.project import Project

    def diagnostic(rule: str, subject: str) -> Diagnostic:
        return Diagnostic(rule, "n", Severity.ERROR, "docs/X.md", 1, 1, "m", subject)

    project = Project(sample, load_config(sample), sample)
    for rule in FIXERS:
        if rule == "DL403":
            continue  # a failure-mode stub needs only the code
        build = fixer(rule)
        assert build is not None and build(project, diagnostic(rule, "no such thing")) is None
    assert fixer("DL101") is None
    for name in ("API_CONTRACTS", "DATA_MODEL", "ERROR_CODES", "FAILURE_MODES", "EVENT_SCHEMAS"):
        (sample / "docs" / f"{name}.md").unlink()
    (sample / "docs" / "OBSERVABILITY.md").unlink()
    bare = Project(sample, load_config(sample), sample)
    for rule in FIXERS:
        build = fixer(rule)
        assert build is not None and build(bare, diagnostic(rule, "AI_X")) is None, rule
    ready = Fix("docs/X.md", 1, "x")
    given = Diagnostic("DL601", "n", Severity.ERROR, "docs/X.md", 1, 1, "m", "s", fix=ready)
    assert attach(bare, [given]) == [given]


def test_a_fixer_that_fails_leaves_the_finding_without_stub(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from doclint import fixers
    from doclint.config import load_config
    from doclint.project import Project

    monkeypatch.setitem(fixers.FIXERS, "DL601", "doclint.fix:no_such_function")
    project = Project(sample, load_config(sample), sample)
    found = Diagnostic("DL601", "n", Severity.ERROR, "docs/X.md", 1, 1, "m", "s")
    with pytest.raises(AttributeError):
        fixers.fixer("DL601")
    monkeypatch.setitem(fixers.FIXERS, "DL601", "doclint.fix:cell")  # wrong signature: raises
    assert fixers.attach(project, [found]) == [found]
