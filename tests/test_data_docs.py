"""DATA_MODEL.md written in every convention SPEC §4.3 allows."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import check, write_tree

SELECT = ["DL3", "DL93"]

SQL = """CREATE SCHEMA s;
CREATE TABLE a (id int PRIMARY KEY, v text);
CREATE TABLE b (id int PRIMARY KEY, v text);
CREATE TABLE c (id int PRIMARY KEY, v text);
CREATE TABLE s.d (id int PRIMARY KEY, v text);
CREATE TABLE e (id int PRIMARY KEY, v text);
CREATE TABLE f (id int PRIMARY KEY, v text);
CREATE TABLE g (id int PRIMARY KEY, tenant_id uuid NOT NULL);
ALTER TABLE g ENABLE ROW LEVEL SECURITY;
CREATE POLICY g_tenant ON g FOR SELECT TO app USING (tenant_id = current_setting('t')::uuid);
"""

DOC = """# Data model

## Tables

### Table `a`

| Column | Type | Nullable |
|---|---|---|
| `id` (primary key) | integer | no |
| `v` | text | yes |

### public.b

| Name | Data type | Null |
|---|---|---|
| id | int | ✗ |
| v | text | ✓ |

## c

| Field | Type | Required |
|---|---|---|
| **id** | INTEGER | yes |
| v | TEXT | no |

### `s.d`

| Column | Type | Optional |
|---|---|---|
| id | int4 | n |
| v | text | y |

#### e — the e table

| Column | Type |
|---|---|
| id | integer |
| v | text |

### TABLE f (legacy)

| Column | Type | Nullable | Description |
|---|---|---|---|
| id | integer | false | Key |
| v | text | true | Value |

### Table `g`

#### Columns

| Column | Type | Nullable |
|---|---|---|
| id | integer | no |
| tenant_id | uuid | no |

#### Row-level security

**RLS**: enabled

#### Policies

| Policy | For | To | Using |
|---|---|---|---|
| `g_tenant` | select | app | tenant_id = (current_setting('t'))::uuid |

## Notes

| Column | Meaning |
|---|---|
| id | every table has one |
"""


def make(tmp_path: Path, sql: str = SQL, doc: str = DOC) -> Path:
    return write_tree(
        tmp_path / "svc", {"db/migration/V1__init.sql": sql, "docs/DATA_MODEL.md": doc}
    )


def test_every_convention_is_read(tmp_path: Path) -> None:
    assert check(make(tmp_path), select=SELECT) == []


def test_each_convention_is_compared(tmp_path: Path) -> None:
    doc = (
        DOC.replace("| `v` | text | yes |", "| `v` | text | no |")
        .replace("| v | text | ✓ |", "| v | integer | ✓ |")
        .replace("| v | TEXT | no |", "| v | TEXT | yes |")
        .replace("| id | int4 | n |", "| id | bigint | n |")
        .replace("| v | text |\n", "| v | text |\n| w | text |\n")
        .replace("| v | text | true | Value |", "| v | text | false | Value |")
        .replace("| `g_tenant` | select |", "| `g_tenant` | insert |")
    )
    found = check(make(tmp_path, doc=doc), select=SELECT)
    assert [(d.rule, d.line, d.subject) for d in found] == [
        ("DL306", 10, "a.v"),
        ("DL305", 17, "b.v"),
        ("DL306", 24, "c.v"),
        ("DL305", 30, "d.id"),
        ("DL304", 39, "e.w"),
        ("DL306", 46, "f.v"),
        ("DL311", 65, "policy g.g_tenant"),
    ]


def test_missing_columns_point_at_the_columns_table(tmp_path: Path) -> None:
    sql = SQL + "ALTER TABLE s.d ADD COLUMN extra int;\n"
    found = check(make(tmp_path, sql=sql), select=SELECT)
    assert [(d.rule, d.line, d.subject) for d in found] == [("DL303", 31, "d.extra")]


def test_unmarked_heading_with_a_columns_table_is_a_table(tmp_path: Path) -> None:
    doc = DOC + "\n### ghost\n\n| Column | Type |\n|---|---|\n| id | integer |\n"
    found = check(make(tmp_path, doc=doc), select=SELECT)
    assert [(d.rule, d.line, d.subject) for d in found] == [("DL302", 72, "ghost")]


def test_columns_tables_under_one_unmarked_heading_or_none(tmp_path: Path) -> None:
    more = "\nMore:\n\n| Column | Type |\n|---|---|\n| v | text |\n"
    notes = "\n## Notes\n\n| Column | Type |\n|---|---|\n| x | integer |\n"
    doc = DOC + "\n### ghost\n\n| Column | Type |\n|---|---|\n| id | integer |\n" + more + notes
    found = check(make(tmp_path, doc=doc), select=SELECT)
    assert [(d.rule, d.line, d.subject) for d in found] == [("DL302", 72, "ghost")]


def test_schema_qualified_heading_of_another_schema(tmp_path: Path) -> None:
    doc = DOC.replace("### `s.d`", "### `other.d`")
    found = check(make(tmp_path, doc=doc), select=SELECT)
    assert sorted((d.rule, d.subject) for d in found) == [("DL301", "s.d"), ("DL302", "other.d")]


def test_missing_policy_points_at_the_policies(tmp_path: Path) -> None:
    sql = SQL + "CREATE POLICY g_more ON g USING (true);\n"
    found = check(make(tmp_path, sql=sql), select=SELECT)
    assert [(d.rule, d.line) for d in found] == [("DL309", 64)]


def test_missing_rls_line(tmp_path: Path) -> None:
    doc = DOC.replace("**RLS**: enabled\n", "")
    found = check(make(tmp_path, doc=doc), select=SELECT)
    assert [(d.rule, d.line) for d in found] == [("DL308", 47)]
    assert "RLS: enabled" in found[0].message
