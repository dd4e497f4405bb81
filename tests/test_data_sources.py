"""Flyway discovery and ordering, placeholders, SQL parsing and the schema model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from doclint.config import load_config
from doclint.project import Project
from doclint.sources.flyway import SchemaModel, parse_name, schema, substitute
from doclint.sources.sqlexpr import canonical_expression, canonical_type
from doclint.sources.sqlglot_schema import apply_sqlglot
from doclint.sources.sqlmodel import Schema
from doclint.sources.sqlschema import apply_postgres
from doclint.sources.sqlstatements import Lines, parse_postgres
from doclint.sources.sqltypes import quote_ident
from tests.conftest import write_tree

PG_SETS = Path(__file__).resolve().parent / "fixtures" / "data" / "pg"


def build(sql: str, default_schema: str = "public") -> Schema:
    built = Schema(default_schema=default_schema)
    apply_postgres(built, "m.sql", sql)
    return built


def model_of(root: Path) -> tuple[Project, SchemaModel]:
    project = Project(root, load_config(root), cwd=root)
    model = schema(project)
    assert model is not None
    return project, model


# -- file names and order ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("V1__init.sql", ("V", (1,), "1", "init")),
        ("V1_2__add_x.sql", ("V", (1, 2), "1.2", "add x")),
        ("V2026.01.10__big.sql", ("V", (2026, 1, 10), "2026.01.10", "big")),
        ("R__views.sql", ("R", None, None, "views")),
        ("U1__undo.sql", "ignored"),
        ("B5__baseline.sql", "ignored"),
        ("notes.txt", "ignored"),
        ("V1_init.sql", "bad"),
        ("Vx__init.sql", "bad"),
        ("V1__.sql", "bad"),
        ("R1__views.sql", "bad"),
        ("init.sql", "bad"),
        ("v1__lower.sql", "bad"),
    ],
)
def test_parse_name(name: str, expected: object) -> None:
    assert parse_name(name) == expected


def test_flyway_order_and_placeholders() -> None:
    project, model = model_of(PG_SETS / "placeholders_order")
    assert [m.name for m in model.migrations] == [
        "V1__init.sql",
        "V1_9__early.sql",
        "V1.10__late.sql",
        "V2__noise.sql",
        "R__a_view.sql",
        "R__b_view.sql",
    ]
    assert model.latest_version == "2"
    table = model.schema.tables[("public", "app_events")]
    assert list(table.columns) == ["id", "kind_v9", "kind_v10"]
    assert ("public", "audit") in model.schema.tables
    assert [p.rule for p in project.problems] == ["DL934"]


def test_substitute() -> None:
    values = {"schema": "app", "flyway:defaultSchema": "public"}
    assert substitute("x ${schema}.t ${other} ${flyway:defaultSchema}", values, "${", "}") == (
        "x app.t other public"
    )
    assert substitute("no placeholders", values, "${", "}") == "no placeholders"
    assert substitute("a ${open\n}", values, "${", "}") == "a ${open\n}"
    assert substitute("a %%schema%% b", values, "%%", "%%") == "a app b"


def test_configured_placeholder_prefix(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "doclint.toml": '[flyway]\nplaceholder-prefix = "@@"\nplaceholder-suffix = "@@"\n'
            'placeholders = { name = "things" }\ndefault-schema = "app"\n',
            "db/migration/V1__x.sql": "CREATE TABLE @@name@@ (id int);",
        },
    )
    _, model = model_of(root)
    assert list(model.schema.tables) == [("app", "things")]
    assert model.schema.display_name(("app", "things")) == "things"
    assert model.schema.display_name(("public", "x")) == "public.x"


def test_no_versioned_migrations(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"db/migration/R__v.sql": "CREATE VIEW v AS SELECT 1;"})
    _, model = model_of(root)
    assert model.latest_version is None
    assert model.migrations[0].repeatable


def test_no_migration_folder(tmp_path: Path) -> None:
    project = Project(tmp_path, load_config(tmp_path), cwd=tmp_path)
    assert schema(project) is None


def test_unreadable_migration_is_skipped(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"db/migration/V2__ok.sql": "CREATE TABLE ok (id int);"})
    (root / "db/migration/V1__bin.sql").write_bytes(b"\x00\x01")
    project, model = model_of(root)
    assert list(model.schema.tables) == [("public", "ok")]
    assert [p.rule for p in project.problems] == ["DL901"]


# -- parsing ---------------------------------------------------------------------------------


def test_statement_lines_skip_comments_and_count_characters() -> None:
    sql = "-- é comment\n/* block\n */\nCREATE TABLE a (id int);\n\n  -- x\nSELECT 1;"
    assert [s.line for s in parse_postgres(sql)] == [4, 7]


def test_syntax_errors_keep_the_rest() -> None:
    sql = "CREATE TABLE a (id int);\nCREATE TABLE (;\nCREATE TABLE b (x text DEFAULT 'a;b');\nSELEC"
    statements = parse_postgres(sql)
    assert [(s.line, s.kind is None) for s in statements] == [
        (1, False),
        (2, True),
        (3, False),
        (4, True),
    ]
    built = build(sql)
    assert sorted(built.tables) == [("public", "a"), ("public", "b")]
    assert [(p.rule, p.finding.location.line) for p in built.problems] == [
        ("DL933", 2),
        ("DL933", 4),
    ]


def test_unterminated_string() -> None:
    statements = parse_postgres("CREATE TABLE a (id int);\nSELECT 'open")
    assert statements[0].kind is None
    assert statements[0].error


def test_lines() -> None:
    lines = Lines("a\nb\n\nc")
    assert [lines.line(i) for i in (0, 2, 4, 5)] == [1, 2, 3, 4]
    assert lines.statement_line(1) == 2
    assert Lines("/* never closed").statement_line(0) == 1


# -- normalisation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        ("int4", "integer"),
        ("INT", "integer"),
        ("int8", "bigint"),
        ("serial", "integer"),
        ("bigserial[]", "bigint[]"),
        ("varchar(20)", "character varying(20)"),
        ("varchar", "character varying"),
        ("char", "character(1)"),
        ("character(3)", "character(3)"),
        ("timestamptz", "timestamp with time zone"),
        ("timestamp(3)", "timestamp(3) without time zone"),
        ("time with time zone", "time with time zone"),
        ("decimal(10,2)", "numeric(10,2)"),
        ("numeric(5)", "numeric(5,0)"),
        ("float", "double precision"),
        ("bool", "boolean"),
        ("bit", "bit(1)"),
        ("bit varying(4)", "bit varying(4)"),
        ("interval", "interval"),
        ('"char"', '"char"'),
        ("text[][]", "text[]"),
        ("billing.state", "billing.state"),
        ("public.state", "state"),
        ('"Odd Type"', '"Odd Type"'),
        ("geometry(point, 4326)", "geometry(point,4326)"),
        ("not a type (", None),
    ],
)
def test_canonical_type(written: str, printed: str | None) -> None:
    assert canonical_type(written) == printed


def test_canonical_expression() -> None:
    assert canonical_expression("(A = 1)") == canonical_expression("a=1")
    assert canonical_expression("x = 'a'::text") == canonical_expression("x = 'a'")
    assert canonical_expression("'a'::uuid") != canonical_expression("'a'")
    assert canonical_expression("'a'::uuid", literal_casts=False) == canonical_expression("'a'")
    assert canonical_expression("1 +") is None
    assert canonical_expression("1, 2") is None


def test_quote_ident() -> None:
    assert quote_ident("plain_name") == "plain_name"
    assert quote_ident("Mixed") == '"Mixed"'
    assert quote_ident("select") == '"select"'
    assert quote_ident("json") == "json"
    assert quote_ident('a"b') == '"a""b"'


# -- the model -------------------------------------------------------------------------------


def test_fixture_sets_build_without_problems() -> None:
    for folder in sorted(PG_SETS.iterdir()):
        project, _ = model_of(folder)
        assert [p.rule for p in project.problems if p.rule != "DL934"] == [], folder.name


def test_renames_fixture() -> None:
    _, model = model_of(PG_SETS / "renames")
    table = model.schema.tables[("public", "customer_accounts")]
    assert table.former_names == [("public", "accounts")]
    assert list(table.columns) == ["id", "tenant_id", "display_name", "mood"]
    assert table.columns["mood"].type == "account_mood"
    assert list(table.policies) == ["customer_accounts_tenant"]
    assert table.policies["customer_accounts_tenant"].former_names == ["accounts_tenant"]


def test_quoted_and_schema_fixture() -> None:
    _, model = model_of(PG_SETS / "quoted_schemas")
    tables = model.schema.tables
    assert sorted(tables) == [
        ("archive", "plain_table"),
        ("billing", "invoices"),
        ("public", "MixedCase"),
    ]
    invoices = tables[("billing", "invoices")]
    assert invoices.columns["state"].type == "billing.invoice_state"
    assert list(invoices.columns) == ["Id", "Tenant Id", "state", "from"]
    assert invoices.comment == "Invoices"
    assert tables[("public", "MixedCase")].columns["Value"].comment == "A value"
    assert "Invoice Policy" in invoices.policies


def test_drops_fixture() -> None:
    _, model = model_of(PG_SETS / "drops")
    built = model.schema
    assert list(built.tables) == [("public", "a")]
    assert list(built.tables[("public", "a")].columns) == ["id", "x", "z"]
    assert built.tables[("public", "a")].columns["z"].default is None
    assert list(built.tables[("public", "a")].policies) == ["a_read"]
    assert built.views == {} and built.types == {} and built.indexes == {}


def test_statements_that_postgres_would_reject() -> None:
    built = build(
        """CREATE TABLE t (id int);
CREATE TABLE t (id int);
ALTER TABLE t ADD COLUMN id int;
ALTER TABLE t ALTER COLUMN nope SET NOT NULL;
ALTER TABLE missing ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON t USING (true);
CREATE POLICY p ON t USING (true);
ALTER POLICY q ON t USING (true);
ALTER TABLE t RENAME COLUMN nope TO x;
ALTER POLICY q ON t RENAME TO r;
DROP POLICY q ON t;
CREATE POLICY z ON missing USING (true);
COMMENT ON COLUMN t.nope IS 'x';
"""
    )
    assert [p.finding.location.line for p in built.problems] == [
        2,
        3,
        4,
        5,
        7,
        8,
        9,
        10,
        11,
        12,
        13,
    ]
    assert {p.rule for p in built.problems} == {"DL935"}


def test_inheritance_like_and_other_forms() -> None:
    built = build(
        """CREATE TABLE parent (id int NOT NULL, note text DEFAULT 'n');
CREATE TABLE child (extra int, id int NULL) INHERITS (parent);
CREATE TABLE copy (LIKE parent, more text);
CREATE TABLE pk (a int, b int, PRIMARY KEY (a, b));
CREATE MATERIALIZED VIEW mv AS SELECT 1;
ALTER MATERIALIZED VIEW mv RENAME TO mv2;
ALTER VIEW IF EXISTS nothing RENAME TO other;
CREATE UNLOGGED TABLE logs AS SELECT 1 AS x;
ALTER TABLE parent ALTER COLUMN note SET DEFAULT -1.5;
ALTER TABLE parent ALTER COLUMN id SET DEFAULT -9000000000;
ALTER TABLE parent ALTER COLUMN note SET DEFAULT NULL;
ALTER TYPE nothing ADD VALUE 'x';
ALTER TYPE nothing RENAME TO something;
ALTER TYPE nothing SET SCHEMA other;
CREATE SCHEMA s;
CREATE TABLE s.t (id int);
CREATE INDEX ON s.t (id);
CREATE INDEX t_id ON s.t (id);
ALTER TABLE s.t RENAME TO t2;
ALTER TABLE s.t2 ALTER COLUMN id TYPE bigint;
ALTER SEQUENCE IF EXISTS seq RESTART;
ALTER TABLE s.t2 DROP CONSTRAINT IF EXISTS x;
ALTER TABLE s.t2 RENAME CONSTRAINT a TO b;
"""
    )
    assert built.problems == []
    tables = built.tables
    assert list(tables[("public", "child")].columns) == ["id", "note", "extra"]
    assert tables[("public", "child")].columns["id"].nullable is False
    assert list(tables[("public", "copy")].columns) == ["id", "note", "more"]
    assert tables[("public", "copy")].columns["note"].default is None
    assert [c.nullable for c in tables[("public", "pk")].columns.values()] == [False, False]
    assert list(built.views) == [("public", "mv2")]
    assert ("public", "logs") not in tables
    assert tables[("public", "parent")].columns["id"].default == "CAST('-9000000000' AS bigint)"
    assert tables[("public", "parent")].columns["note"].default is None
    assert built.indexes == {("s", "t_id"): ("s", "t2")}
    assert tables[("s", "t2")].columns["id"].type == "bigint"


def test_rls_and_policy_model() -> None:
    _, model = model_of(PG_SETS / "policies")
    docs = model.schema.tables[("public", "docs")]
    assert docs.rls_enabled and not docs.rls_forced
    published = docs.policies["docs_published"]
    assert (published.permissive, published.command, published.roles) == (
        False,
        "SELECT",
        ("Auditor", "writer"),
    )
    assert docs.policies["docs_insert"].using is None
    assert docs.policies["docs_tenant"].roles == ("reader",)
    assert "tenant_id" in docs.policies["docs_tenant"].columns
    _, rls = model_of(PG_SETS / "rls_forms")
    states = {k[1]: (t.rls_enabled, t.rls_forced) for k, t in rls.schema.tables.items()}
    assert states == {
        "r1": (False, False),
        "r2": (True, True),
        "r3": (True, False),
        "r4": (True, True),
    }


def test_roles_of_special_kinds() -> None:
    built = build("CREATE TABLE t (id int);\nCREATE POLICY p ON t TO CURRENT_USER, public;")
    assert built.tables[("public", "t")].policies["p"].roles == ("current_user", "public")


def test_enum_values() -> None:
    _, model = model_of(PG_SETS / "enums")
    types = {k: t.values for k, t in model.schema.types.items()}
    assert types == {
        ("public", "status"): ["new", "doing", "done", "archived"],
        ("other", "priority"): ["low", "medium", "urgent"],
    }
    tasks = model.schema.tables[("public", "tasks")]
    assert tasks.columns["priority"].type == "other.priority"
    assert tasks.columns["history"].type == "status[]"


# -- other dialects --------------------------------------------------------------------------


def test_mysql_through_sqlglot(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "doclint.toml": 'sql-dialect = "mysql"\n',
            "db/migration/V1__init.sql": """CREATE TABLE `users` (
  `id` INT NOT NULL AUTO_INCREMENT,
  `email` VARCHAR(255) NOT NULL DEFAULT '',
  `bio` TEXT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB;
CREATE TABLE gone (id INT PRIMARY KEY);
CREATE TABLE users (id INT);
""",
            "db/migration/V2__alter.sql": """ALTER TABLE users ADD COLUMN age INT;
ALTER TABLE users DROP COLUMN bio;
ALTER TABLE users RENAME COLUMN email TO mail;
ALTER TABLE nothing ADD COLUMN x INT;
DROP TABLE gone;
CREATE TABLE (;
ALTER TABLE users RENAME TO members;
CREATE VIEW v AS SELECT 1;
""",
            "db/migration/V3__bad.sql": "SELECT 'unterminated",
        },
    )
    project, model = model_of(root)
    assert list(model.schema.tables) == [("public", "members")]
    columns = model.schema.tables[("public", "members")].columns
    assert [(c.name, c.type, c.nullable, c.default) for c in columns.values()] == [
        ("id", "int", False, None),
        ("mail", "varchar(255)", False, "''"),
        ("age", "int", True, None),
    ]
    assert columns["mail"].former_names == ["email"]
    assert [
        (p.rule, p.finding.location.path, p.finding.location.line) for p in project.problems
    ] == [
        ("DL933", "db/migration/V2__alter.sql", 6),
        ("DL933", "db/migration/V3__bad.sql", 1),
    ]


def test_sqlglot_create_without_columns() -> None:
    built = Schema()
    apply_sqlglot(built, "m.sql", "CREATE TABLE t AS SELECT 1 AS x;", "mysql")
    assert built.tables == {}


# -- inspect ---------------------------------------------------------------------------------


def test_inspect_schema_json(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(PG_SETS / "policies", tmp_path / "svc")
    (tmp_path / "svc" / "doclint.toml").write_text("")
    code, out, _ = run_cli(["inspect", "schema", "svc", "--format", "json"], tmp_path)
    assert code == 0
    data = json.loads(out)
    model = data.get("schema", data)
    docs = next(t for t in model["tables"] if t["name"] == "docs")
    assert docs["rls"] == {"enabled": True, "forced": False}
    assert [c["name"] for c in docs["columns"]] == ["id", "tenant_id", "owner_name", "published"]
    assert docs["columns"][3]["default"] == "FALSE"
    policy = next(p for p in docs["policies"] if p["name"] == "docs_update")
    assert policy["command"] == "UPDATE"
    assert policy["roles"] == ["writer"]
    assert policy["with_check"] == "owner_name = CURRENT_USER"
    assert model["problems"] == []


def test_inspect_schema_without_migrations(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_tree(tmp_path, {"doclint.toml": ""})
    code, out, _ = run_cli(["inspect", "schema", ".", "--format", "json"], tmp_path)
    data = json.loads(out)
    assert code == 0
    assert data.get("schema", data)["tables"] == []


def test_lines_of_columns_after_non_ascii_text() -> None:
    built = build("-- café ☕\nCREATE TABLE t (\n    a text DEFAULT 'é',\n    b int\n);\n")
    columns = built.tables[("public", "t")].columns
    assert [c.location.line for c in columns.values()] == [3, 4]
    assert built.tables[("public", "t")].location.line == 2
    assert columns["a"].default == "CAST('é' AS text)"


def test_drop_schema_cascade() -> None:
    built = build(
        "CREATE SCHEMA s;\nCREATE TABLE s.t (id int);\nCREATE TYPE s.e AS ENUM ('a');\n"
        "CREATE TABLE keep (id int);\nDROP SCHEMA s CASCADE;\nDROP SCHEMA IF EXISTS nothing;\n"
    )
    assert list(built.tables) == [("public", "keep")]
    assert built.types == {}


@pytest.mark.parametrize("cache_size", [4096, 1])
def test_expressions_print_alike_wherever_written(
    monkeypatch: pytest.MonkeyPatch, cache_size: int
) -> None:
    monkeypatch.setattr("doclint.sources.sqlexpr._CACHE_SIZE", cache_size)
    monkeypatch.setattr("doclint.sources.sqlexpr._TEXTS", {})
    monkeypatch.setattr("doclint.sources.sqlexpr._DEFAULTS", {})
    built = build(
        "CREATE TABLE a (x int DEFAULT 1, s text DEFAULT 'v', n int DEFAULT -1);\n"
        "CREATE TABLE b (\n  y   int   DEFAULT   1, s varchar DEFAULT 'v', z int DEFAULT 2,\n"
        "  m bigint DEFAULT -1, t text[] DEFAULT '{}');\n"
        "CREATE POLICY p ON a USING (x = 1) WITH CHECK (x = 2);\n"
        "CREATE POLICY q ON b USING (\n    y   =   1) WITH CHECK (y = 1);\n"
        "CREATE POLICY r ON b USING (x = 1);\n"
    )
    a, b = built.tables[("public", "a")], built.tables[("public", "b")]
    assert [c.default for c in a.columns.values()] == [
        "1",
        "CAST('v' AS text)",
        "CAST('-1' AS integer)",
    ]
    assert [c.default for c in b.columns.values()] == [
        "1",
        "CAST('v' AS varchar)",
        "2",
        "CAST('-1' AS integer)",
        "CAST('{}' AS text[])",
    ]
    policies = [*a.policies.values(), *b.policies.values()]
    assert [(p.using, p.with_check) for p in policies] == [
        ("x = 1", "x = 2"),
        ("y = 1", "y = 1"),
        ("x = 1", None),
    ]
