"""DL3xx / DL93x: DATA_MODEL.md against Flyway migrations, on the sample and on small trees."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import check, summary, write_tree
from tests.conftest import line_of as _line

DOC = "docs/DATA_MODEL.md"
MIGRATIONS = "db/migration"
SELECT = ["DL3", "DL93"]


def _v7(sample: Path, sql: str) -> None:
    (sample / MIGRATIONS / "V7__change.sql").write_text(sql, encoding="utf-8")


def test_sample_reports_nothing(sample: Path) -> None:
    assert check(sample, select=SELECT) == []


# -- the "done when" edits: each yields exactly one new finding at the right line -------------


def test_new_migration_adding_a_column(sample: Path) -> None:
    _v7(sample, "ALTER TABLE ai_calls ADD COLUMN region text;\n")
    found = check(sample, select=SELECT)
    doc = sample / DOC
    assert summary(found) == [("DL303", DOC, _line(doc, "| `cost_usd` |"))]
    assert found[0].subject == "ai_calls.region"
    assert found[0].related[0].path == f"{MIGRATIONS}/V7__change.sql"
    assert found[0].related[0].line == 1


def test_changing_a_column_type(sample: Path) -> None:
    v3 = sample / MIGRATIONS / "V3__budgets.sql"
    v3.write_text(
        v3.read_text().replace("spent_usd          numeric(12, 2)", "spent_usd numeric(14, 2)")
    )
    found = check(sample, select=SELECT)
    assert summary(found) == [("DL305", DOC, _line(sample / DOC, "| `spent_usd` |"))]
    assert "numeric(14,2)" in found[0].message
    assert (found[0].related[0].path, found[0].related[0].line) == (
        f"{MIGRATIONS}/V3__budgets.sql",
        6,
    )


def test_dropping_not_null(sample: Path) -> None:
    _v7(sample, "\nALTER TABLE prompts ALTER COLUMN name DROP NOT NULL;\n")
    found = check(sample, select=SELECT)
    doc = sample / DOC
    prompts = _line(doc, "### Table `prompts`")
    row = prompts + _line_after(doc, prompts, "| `name` |")
    assert summary(found) == [("DL306", DOC, row)]
    assert found[0].related[0].line == 2


def _line_after(path: Path, start: int, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")[start:]
    for offset, line in enumerate(lines, start=1):
        if needle in line:
            return offset
    raise AssertionError(needle)


def test_renaming_a_table(sample: Path) -> None:
    _v7(sample, "ALTER TABLE provider_routes RENAME TO routes;\n")
    found = check(sample, select=SELECT)
    assert summary(found) == [("DL302", DOC, _line(sample / DOC, "### Table `provider_routes`"))]
    assert "renamed to routes" in found[0].message


def test_dropping_a_policy(sample: Path) -> None:
    _v7(sample, "DROP POLICY ai_calls_auditor_read ON ai_calls;\n")
    found = check(sample, select=SELECT)
    assert summary(found) == [("DL310", DOC, _line(sample / DOC, "- `ai_calls_auditor_read`"))]
    assert found[0].subject == "policy ai_calls.ai_calls_auditor_read"


def test_changing_a_policy_using_expression(sample: Path) -> None:
    _v7(
        sample,
        "ALTER POLICY budgets_tenant_isolation ON budgets\n"
        "    USING (tenant_id = current_setting('app.current_tenant')::uuid);\n",
    )
    found = check(sample, select=SELECT)
    row = _line(sample / DOC, "| `budgets_tenant_isolation` |")
    assert summary(found) == [("DL313", DOC, row)]
    assert "app.current_tenant" in found[0].message


def test_creating_a_tenant_table_without_rls(sample: Path) -> None:
    _v7(
        sample,
        "-- notes of a session\n"
        "CREATE TABLE notes (\n    id uuid PRIMARY KEY,\n    tenant_id uuid NOT NULL\n);\n",
    )
    doc = sample / DOC
    doc.write_text(
        doc.read_text() + "\n### Table `notes`\n\n| Column | Type | Nullable |\n|---|---|---|\n"
        "| id | uuid | no |\n| tenant_id | uuid | no |\n\nRLS: disabled\n"
    )
    found = check(sample, select=SELECT)
    assert summary(found) == [("DL315", f"{MIGRATIONS}/V7__change.sql", 2)]
    assert "not enabled" in found[0].message
    assert (found[0].related[1].path, found[0].related[1].line) == (
        DOC,
        _line(doc, "### Table `notes`"),
    )


def test_migration_with_a_syntax_error_on_line_3(sample: Path) -> None:
    _v7(
        sample,
        "-- a broken migration\nALTER TABLE ai_calls ALTER COLUMN status SET DEFAULT 'ok';\n"
        "ALTER TABLE ai_calls ADD COLUMN region text NOT NULL DEFAULT 'eu' CHECK (;\n",
    )
    found = check(sample, select=SELECT)
    assert summary(found) == [("DL933", f"{MIGRATIONS}/V7__change.sql", 3)]


# -- small services, one rule at a time ------------------------------------------------------

BASE_SQL = """CREATE TABLE items (
    id integer PRIMARY KEY,
    name varchar(20) NOT NULL DEFAULT 'x',
    note text
);
"""
BASE_DOC = """# Data model

### Table `items`

| Column | Type | Nullable | Default |
|---|---|---|---|
| id | int4 | no | |
| name | character varying(20) | no | 'x' |
| note | text | yes | - |
"""


def service(tmp_path: Path, sql: dict[str, str], doc: str, config: str = "") -> Path:
    files = {f"{MIGRATIONS}/{name}": text for name, text in sql.items()}
    files[DOC] = doc
    if config:
        files["doclint.toml"] = config
    return write_tree(tmp_path / "svc", files)


def rules_of(root: Path) -> list[str]:
    return [d.rule for d in check(root, select=SELECT)]


def test_base_service_is_clean(tmp_path: Path) -> None:
    assert rules_of(service(tmp_path, {"V1__init.sql": BASE_SQL}, BASE_DOC)) == []


def test_undocumented_table(tmp_path: Path) -> None:
    sql = BASE_SQL + "CREATE TABLE other (id int);\nCREATE TABLE flyway_schema_history (x int);"
    root = service(tmp_path, {"V1__init.sql": sql}, BASE_DOC)
    found = check(root, select=SELECT)
    assert summary(found) == [("DL301", DOC, 9)]
    assert found[0].subject == "other"


def test_documented_table_that_does_not_exist(tmp_path: Path) -> None:
    doc = BASE_DOC + "\n### Table `ghosts`\n\nNothing.\n"
    root = service(tmp_path, {"V1__init.sql": BASE_SQL}, doc)
    assert summary(check(root, select=SELECT)) == [("DL302", DOC, 11)]


def test_dropped_table_documented(tmp_path: Path) -> None:
    sql = {
        "V1__init.sql": BASE_SQL + "CREATE TABLE gone (id int);",
        "V2__drop.sql": "DROP TABLE gone;",
    }
    doc = BASE_DOC + "\n### gone\n\n| Column | Type |\n|---|---|\n| id | integer |\n"
    found = check(service(tmp_path, sql, doc), select=SELECT)
    assert summary(found) == [("DL302", DOC, 11)]
    assert "does not exist" in found[0].message


def test_column_extra_and_renamed(tmp_path: Path) -> None:
    sql = {
        "V1__init.sql": BASE_SQL,
        "V2__rename.sql": "ALTER TABLE items RENAME COLUMN note TO remark;",
    }
    doc = BASE_DOC + "| legacy | text | yes | |\n"
    found = check(service(tmp_path, sql, doc), select=SELECT)
    assert summary(found) == [("DL304", DOC, 9), ("DL304", DOC, 10)]
    assert "renamed to remark" in found[0].message
    assert "does not exist" in found[1].message


@pytest.mark.parametrize(
    ("cell", "fires"),
    [("integer", False), ("INT", False), ("bigint", True), ("varchar(20", True)],
)
def test_column_type(tmp_path: Path, cell: str, fires: bool) -> None:
    doc = BASE_DOC.replace("| id | int4 |", f"| id | {cell} |")
    assert rules_of(service(tmp_path, {"V1__init.sql": BASE_SQL}, doc)) == (
        ["DL305"] if fires else []
    )


@pytest.mark.parametrize(
    ("header", "cell", "fires"),
    [
        ("Nullable", "yes", True),
        ("Nullable", "NOT NULL", False),
        ("Null", "✗", False),
        ("Required", "yes", False),
        ("Required", "no", True),
        ("Optional", "y", True),
        ("Nullable", "", False),
    ],
)
def test_column_nullability(tmp_path: Path, header: str, cell: str, fires: bool) -> None:
    doc = BASE_DOC.replace("| Nullable |", f"| {header} |").replace(
        "| id | int4 | no |", f"| id | int4 | {cell} |"
    )
    if header != "Nullable":
        doc = doc.replace("| note | text | yes |", "| note | text | |")
    if header == "Required":
        doc = doc.replace("| character varying(20) | no |", "| character varying(20) | yes |")
    found = rules_of(service(tmp_path, {"V1__init.sql": BASE_SQL}, doc))
    assert found == (["DL306"] if fires else [])


@pytest.mark.parametrize(
    ("cell", "fires"),
    [("'x'", False), ("`'x'::varchar`", False), ("'y'", True), ("-", True), ("", False)],
)
def test_column_default(tmp_path: Path, cell: str, fires: bool) -> None:
    doc = BASE_DOC.replace("| no | 'x' |", f"| no | {cell} |")
    found = check(service(tmp_path, {"V1__init.sql": BASE_SQL}, doc), select=SELECT)
    assert [d.rule for d in found] == (["DL307"] if fires else [])
    if fires:
        assert found[0].severity.value == "warning"


def test_default_documented_but_none(tmp_path: Path) -> None:
    doc = BASE_DOC.replace("| note | text | yes | - |", "| note | text | yes | now() |")
    assert rules_of(service(tmp_path, {"V1__init.sql": BASE_SQL}, doc)) == ["DL307"]


RLS_SQL = (
    BASE_SQL
    + """ALTER TABLE items ENABLE ROW LEVEL SECURITY;
ALTER TABLE items FORCE ROW LEVEL SECURITY;
CREATE POLICY items_read ON items FOR SELECT TO reader, admin USING (note IS NOT NULL);
CREATE POLICY items_write ON items AS RESTRICTIVE FOR INSERT TO writer WITH CHECK (id > 0);
"""
)
RLS_DOC = (
    BASE_DOC
    + """
RLS: enabled, forced

| Policy | Command | Roles | Using | With check |
|---|---|---|---|---|
| `items_read` | SELECT | admin, reader | `note is not null` | |
| `items_write` (restrictive) | INSERT | writer | | `(id > 0)` |
"""
)


def test_rls_doc_clean(tmp_path: Path) -> None:
    assert rules_of(service(tmp_path, {"V1__init.sql": RLS_SQL}, RLS_DOC)) == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("RLS: enabled", ["DL308"]),
        ("RLS: disabled", ["DL308"]),
        ("**RLS:** Enabled, Forced", []),
        ("- RLS: enabled; forced", []),
        ("RLS: enabled, not forced", ["DL308"]),
        ("", ["DL308"]),
    ],
)
def test_rls_state(tmp_path: Path, line: str, expected: list[str]) -> None:
    doc = RLS_DOC.replace("RLS: enabled, forced", line)
    assert rules_of(service(tmp_path, {"V1__init.sql": RLS_SQL}, doc)) == expected


def test_policy_missing_and_extra(tmp_path: Path) -> None:
    doc = RLS_DOC.replace("| `items_read` |", "| `items_reader` |")
    found = check(service(tmp_path, {"V1__init.sql": RLS_SQL}, doc), select=SELECT)
    assert sorted(summary(found)) == [("DL309", DOC, 16), ("DL310", DOC, 15)]
    assert (
        "FOR SELECT TO admin, reader USING (note IS NOT NULL)"
        in found[0].message + found[1].message
    )


def test_renamed_policy_reported_once(tmp_path: Path) -> None:
    sql = {"V1__init.sql": RLS_SQL, "V2__x.sql": "ALTER POLICY items_read ON items RENAME TO r;"}
    found = check(service(tmp_path, sql, RLS_DOC), select=SELECT)
    assert summary(found) == [("DL310", DOC, 15)]
    assert "renamed to r" in found[0].message


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("| SELECT | admin, reader |", "| ALL | admin, reader |", "DL311"),
        ("`items_write` (restrictive)", "`items_write`", ""),
        ("| SELECT | admin, reader |", "| FOR SELECT | admin, reader |", ""),
        ("| writer |", '| "writer" |', ""),
        ("| SELECT | admin, reader |", "| SELECT | reader |", "DL312"),
        ("`note is not null`", "`note IS NULL`", "DL313"),
        ("`(id > 0)`", "`id >= 0`", "DL314"),
        ("| `(id > 0)` |", "| - |", "DL314"),
    ],
)
def test_policy_fields_in_a_table(tmp_path: Path, old: str, new: str, rule: str) -> None:
    doc = RLS_DOC.replace(old, new)
    assert rules_of(service(tmp_path, {"V1__init.sql": RLS_SQL}, doc)) == ([rule] if rule else [])


def test_policy_kind_mismatch(tmp_path: Path) -> None:
    doc = RLS_DOC.replace("| Using |", "| As | Using |").replace(
        "|---|---|---|---|---|\n|", "|---|---|---|---|---|---|\n|"
    )
    doc = doc.replace("| admin, reader |", "| admin, reader | permissive |").replace(
        "| writer |", "| writer | permissive |"
    )
    found = check(service(tmp_path, {"V1__init.sql": RLS_SQL}, doc), select=SELECT)
    assert [d.rule for d in found] == ["DL311"]
    assert "RESTRICTIVE" in found[0].message


LIST_DOC = (
    BASE_DOC
    + """
**RLS:** enabled, forced

- `items_read` — FOR SELECT TO reader, admin USING (note IS NOT NULL)
- `items_write` — AS RESTRICTIVE FOR INSERT TO writer WITH CHECK (id > 0)
- `id` is the primary key (this item is not a policy)
"""
)


def test_policy_list_items(tmp_path: Path) -> None:
    assert rules_of(service(tmp_path, {"V1__init.sql": RLS_SQL}, LIST_DOC)) == []


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("FOR SELECT TO reader", "FOR UPDATE TO reader", "DL311"),
        ("AS RESTRICTIVE FOR INSERT", "FOR INSERT", "DL311"),
        ("FOR SELECT TO reader, admin USING", "FOR SELECT TO reader USING", "DL312"),
        (" USING (note IS NOT NULL)", "", "DL313"),
        (" WITH CHECK (id > 0)", " WITH CHECK (id > 1)", "DL314"),
        ("USING (note IS NOT NULL)", "USING (note IS NOT NULL", "DL311"),
    ],
)
def test_policy_fields_in_list_items(tmp_path: Path, old: str, new: str, rule: str) -> None:
    doc = LIST_DOC.replace(old, new)
    assert rules_of(service(tmp_path, {"V1__init.sql": RLS_SQL}, doc)) == [rule]


def test_tenant_table_rules(tmp_path: Path) -> None:
    sql = """CREATE TABLE t (id int, tenant_id uuid NOT NULL);
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
CREATE POLICY t_all ON t USING (true);
"""
    doc = (
        "# Data\n\n### t\n\n| Column | Type |\n|---|---|\n| id | integer |\n"
        "| tenant_id | uuid |\n\nRLS: enabled\n\n- `t_all` — FOR ALL TO public USING (true)\n"
    )
    found = check(service(tmp_path, {"V1__t.sql": sql}, doc), select=SELECT)
    assert summary(found) == [("DL315", f"{MIGRATIONS}/V1__t.sql", 1)]
    assert "no policy mentions tenant_id" in found[0].message
    fixed = sql + "CREATE POLICY t_tenant ON t USING (tenant_id = current_setting('a')::uuid);\n"
    doc += "- `t_tenant` — USING (tenant_id = current_setting('a')::uuid)\n"
    assert rules_of(service(tmp_path / "b", {"V1__t.sql": fixed}, doc)) == []


def test_tenant_column_is_configurable(tmp_path: Path) -> None:
    sql = "CREATE TABLE t (id int, org uuid NOT NULL);\n"
    doc = "# Data\n\n### t\n\n| Column | Type |\n|---|---|\n| id | integer |\n| org | uuid |\n"
    root = service(tmp_path, {"V1__t.sql": sql}, doc, '[data]\ntenant-column = "org"\n')
    assert rules_of(root) == ["DL315"]


def test_migration_naming_and_duplicates(tmp_path: Path) -> None:
    sql = {
        "V1__init.sql": BASE_SQL,
        "V1.0__again.sql": "CREATE TABLE dup (id int);",
        "V2_bad.sql": "CREATE TABLE bad (id int);",
        "U1__undo.sql": "DROP TABLE items;",
        "README.md": "notes",
    }
    found = check(service(tmp_path, sql, BASE_DOC), select=SELECT)
    assert sorted(summary(found)) == [
        ("DL931", f"{MIGRATIONS}/V2_bad.sql", 1),
        ("DL932", f"{MIGRATIONS}/V1.0__again.sql", 1),
        ("DL934", f"{MIGRATIONS}/README.md", 1),
        ("DL934", f"{MIGRATIONS}/U1__undo.sql", 1),
    ]


def test_statement_that_cannot_apply(tmp_path: Path) -> None:
    sql = {"V1__init.sql": BASE_SQL, "V2__x.sql": "\n\nALTER TABLE itemz ADD COLUMN x int;\n"}
    found = check(service(tmp_path, sql, BASE_DOC), select=SELECT)
    assert summary(found) == [("DL935", f"{MIGRATIONS}/V2__x.sql", 3)]


def test_syntax_error_keeps_other_statements(tmp_path: Path) -> None:
    sql = {
        "V1__init.sql": BASE_SQL,
        "V2__x.sql": "ALTER TABLE items ADD COLUMN a int;\nALTER TABLE items ADD COLUMN (;\n"
        "ALTER TABLE items ADD COLUMN b int;\n",
    }
    found = check(service(tmp_path, sql, BASE_DOC), select=SELECT)
    assert [(d.rule, d.line, d.subject) for d in found if d.rule != "DL303"] == [
        ("DL933", 2, f"{MIGRATIONS}/V2__x.sql:2")
    ]
    assert sorted(d.subject for d in found if d.rule == "DL303") == ["items.a", "items.b"]


def test_sql_suppression_comment(tmp_path: Path) -> None:
    sql = {"V1__init.sql": BASE_SQL, "V2__x.sql": "SELEC 1; -- doclint: ignore[DL933]\n"}
    assert rules_of(service(tmp_path, sql, BASE_DOC)) == []


def test_no_migrations_or_no_doc(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "svc", {DOC: BASE_DOC})
    assert rules_of(root) == []
    files = {f"{MIGRATIONS}/V1__x.sql": BASE_SQL, "doclint.toml": "", "docs/X.md": "# X"}
    root = write_tree(tmp_path / "svc2", files)
    assert rules_of(root) == []
