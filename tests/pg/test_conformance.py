"""doclint's schema model equals what PostgreSQL itself builds from the same migrations.

Each fixture set (and sample_service) is applied, in doclint's Flyway order and with its
placeholders substituted, to a fresh database of a real server; the catalog
(information_schema.columns with format_type, pg_attrdef, pg_class, pg_policies, pg_enum) is
then compared with doclint's model. The server comes from `.ci/postgres.sh start`, whose DSN
goes in DOCLINT_TEST_PG. Without it the suite is skipped, except in CI, where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from doclint.config import load_config
from doclint.project import Project
from doclint.sources.flyway import SchemaModel, schema, substitute
from doclint.sources.sqlexpr import canonical_expression

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
FIXTURES = HERE.parent / "fixtures" / "data" / "pg"
SETS = sorted(p.name for p in FIXTURES.iterdir() if (p / "db" / "migration").is_dir())
SERVICES = {"sample_service": REPO / "sample_service"} | {name: FIXTURES / name for name in SETS}

CATALOG = """
SELECT coalesce(json_agg(t ORDER BY t.schema, t.name), '[]'::json) FROM (
  SELECT n.nspname AS schema, c.relname AS name,
         c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
         (SELECT coalesce(json_agg(json_build_object(
                    'name', col.column_name,
                    'type', format_type(a.atttypid, a.atttypmod),
                    'nullable', col.is_nullable = 'YES',
                    'default', pg_get_expr(d.adbin, d.adrelid))
                  ORDER BY col.ordinal_position), '[]'::json)
            FROM information_schema.columns col
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = col.column_name
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                                  AND a.attgenerated = ''
           WHERE col.table_schema = n.nspname AND col.table_name = c.relname) AS columns,
         (SELECT coalesce(json_agg(json_build_object(
                    'name', p.policyname, 'permissive', p.permissive = 'PERMISSIVE',
                    'command', p.cmd, 'roles', p.roles, 'using', p.qual,
                    'with_check', p.with_check) ORDER BY p.policyname), '[]'::json)
            FROM pg_policies p
           WHERE p.schemaname = n.nspname AND p.tablename = c.relname) AS policies
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p')
     AND n.nspname NOT IN ('pg_catalog', 'information_schema')
     AND n.nspname NOT LIKE 'pg_toast%'
) t
"""
ENUMS = """
SELECT coalesce(json_object_agg(n.nspname || '.' || t.typname,
         (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder)
            FROM pg_enum e WHERE e.enumtypid = t.oid)), '{}'::json)
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE t.typtype = 'e'
"""
VIEWS = """
SELECT coalesce(json_agg(n.nspname || '.' || c.relname ORDER BY 1), '[]'::json)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
"""


def _dsn() -> str:
    dsn = os.environ.get("DOCLINT_TEST_PG", "")
    in_ci = os.environ.get("CI", "").lower() == "true"
    reason = ""
    if not dsn:
        reason = (
            "DOCLINT_TEST_PG is not set: start a server with `.ci/postgres.sh start` and export "
            "the DSN it prints to run the PostgreSQL conformance suite"
        )
    elif shutil.which("psql") is None:
        reason = "psql is not installed; the PostgreSQL conformance suite needs it"
    if reason:
        if in_ci:
            pytest.fail(f"CI=true but the conformance suite cannot run: {reason}")
        pytest.skip(reason)
    return dsn


def psql(dsn: str, sql: str, database: str | None = None) -> str:
    target = dsn if database is None else f"{dsn} dbname={database}"
    result = subprocess.run(
        ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", target, "-f", "-"],
        input=sql,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"psql failed:\n{result.stderr}\n--- SQL ---\n{sql[:2000]}")
    return result.stdout.strip()


@pytest.fixture(scope="module")
def dsn() -> str:
    value = _dsn()
    psql(value, "SELECT 1")
    return value


def _model(root: Path) -> tuple[Project, SchemaModel]:
    project = Project(root, load_config(root), cwd=root)
    model = schema(project)
    assert model is not None
    return project, model


def _apply(dsn: str, database: str, project: Project, model: SchemaModel) -> None:
    psql(dsn, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE); CREATE DATABASE "{database}";')
    config = project.config
    roles = {
        role
        for table in model.schema.tables.values()
        for policy in table.policies.values()
        for role in policy.roles
        if role != "public"
    }
    setup = "".join(
        "DO $$ BEGIN CREATE ROLE " + _quote(role) + "; "
        "EXCEPTION WHEN duplicate_object THEN NULL; END $$;\n"
        for role in sorted(roles)
    )
    if setup:
        psql(dsn, setup, database)
    values = {"flyway:defaultSchema": config.flyway_default_schema, **config.flyway_placeholders}
    for migration in model.migrations:
        text = migration.path.read_text(encoding="utf-8")
        sql = substitute(
            text, values, config.flyway_placeholder_prefix, config.flyway_placeholder_suffix
        )
        psql(dsn, sql, database)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _canon(expression: str | None) -> str | None:
    if expression is None:
        return None
    canonical = canonical_expression(expression)
    assert canonical is not None, f"expression does not parse: {expression}"
    return canonical


def _catalog(dsn: str, database: str) -> tuple[list[dict[str, Any]], dict[str, Any], list[str]]:
    tables = json.loads(psql(dsn, CATALOG, database))
    for table in tables:
        for column in table["columns"]:
            column["default"] = _canon(column["default"])
        for policy in table["policies"]:
            policy["using"] = _canon(policy["using"])
            policy["with_check"] = _canon(policy["with_check"])
    enums = json.loads(psql(dsn, ENUMS, database))
    views = json.loads(psql(dsn, VIEWS, database))
    return tables, enums, views


def _doclint(model: SchemaModel) -> tuple[list[dict[str, Any]], dict[str, Any], list[str]]:
    built = model.schema
    tables = []
    for table in sorted(built.tables.values(), key=lambda t: (t.schema, t.name)):
        tables.append(
            {
                "schema": table.schema,
                "name": table.name,
                "enabled": table.rls_enabled,
                "forced": table.rls_forced,
                "columns": [
                    {
                        "name": c.name,
                        "type": c.type,
                        "nullable": c.nullable,
                        "default": _canon(c.default),
                    }
                    for c in table.columns.values()
                ],
                "policies": [
                    {
                        "name": p.name,
                        "permissive": p.permissive,
                        "command": p.command,
                        "roles": list(p.roles),
                        "using": _canon(p.using),
                        "with_check": _canon(p.with_check),
                    }
                    for p in sorted(table.policies.values(), key=lambda p: p.name)
                ],
            }
        )
    enums = {f"{t.schema}.{t.name}": list(t.values) for t in built.types.values()}
    views = sorted(f"{v.schema}.{v.name}" for v in built.views.values())
    return tables, enums, views


def test_there_are_enough_fixture_sets() -> None:
    assert len(SETS) >= 8


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_model_equals_postgres_catalog(dsn: str, name: str) -> None:
    project, model = _model(SERVICES[name])
    unexpected = [p for p in project.problems if p.rule != "DL934"]
    assert unexpected == [], "the fixture migrations must apply cleanly"
    database = f"doclint_conformance_{name}"
    _apply(dsn, database, project, model)
    try:
        expected_tables, expected_enums, expected_views = _catalog(dsn, database)
        tables, enums, views = _doclint(model)
        assert tables == expected_tables
        assert enums == expected_enums
        assert views == expected_views
    finally:
        psql(dsn, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE);')


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("DOCLINT_TEST_PG", raising=False)
    yield


def test_without_a_server_the_suite_skips_locally(
    no_server: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="DOCLINT_TEST_PG is not set"):
        _dsn()


def test_without_a_server_the_suite_fails_in_ci(
    no_server: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        _dsn()
