"""Flyway migrations (SPEC §4.3): discovery, Flyway's ordering, placeholders, and the schema
model the migrations build when applied in that order."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from doclint.diagnostics import Finding, Location, Problem, Related
from doclint.project import Project
from doclint.sources.sqlglot_schema import apply_sqlglot
from doclint.sources.sqlmodel import Schema
from doclint.sources.sqlschema import apply_postgres

BAD_NAME = "DL931"
DUPLICATE_VERSION = "DL932"
IGNORED_FILE = "DL934"


@dataclass(frozen=True, slots=True)
class Migration:
    """One migration file Flyway would apply. ``version`` is None for repeatable ones."""

    path: Path
    display: str
    version: tuple[int, ...] | None
    version_text: str | None
    description: str

    @property
    def repeatable(self) -> bool:
        return self.version is None

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(slots=True)
class SchemaModel:
    """The migrations in the order applied and the schema they leave behind."""

    folder: Path
    migrations: list[Migration]
    schema: Schema

    @property
    def latest_version(self) -> str | None:
        """The newest versioned migration's version as written (``6``, ``5.1``)."""
        versioned = [m for m in self.migrations if m.version is not None]
        if not versioned:
            return None
        return max(versioned, key=lambda m: version_order(m.version or ())).version_text


def version_order(version: tuple[int, ...]) -> tuple[int, ...]:
    """A version as Flyway compares it: numeric per part, trailing zero parts ignored (1.9 <
    1.10, 1.0 equals 1)."""
    parts = list(version)
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def parse_name(name: str) -> tuple[str, tuple[int, ...] | None, str | None, str] | str:
    """Classify a file name: ("V"|"R", version, version text, description), "ignored" for
    undo and non-SQL files, or "bad" for a `.sql` file not in Flyway's form."""
    if not name.endswith(".sql"):
        return "ignored"
    stem = name[: -len(".sql")]
    prefix = stem[:1]
    if prefix in ("U", "B") and "__" in stem:
        return "ignored"
    if prefix not in ("V", "R") or "__" not in stem:
        return "bad"
    head, _, description = stem[1:].partition("__")
    description = description.replace("_", " ").strip()
    if not description:
        return "bad"
    if prefix == "R":
        return ("R", None, None, description) if head == "" else "bad"
    parts = head.replace("_", ".").split(".")
    if not all(part.isdigit() and part.isascii() for part in parts):
        return "bad"
    return ("V", tuple(int(part) for part in parts), head.replace("_", "."), description)


def discover(project: Project, folder: Path) -> list[Migration]:
    """Migrations of ``folder`` (recursively) in Flyway's order; naming problems recorded."""
    versioned: list[Migration] = []
    repeatable: list[Migration] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        shown = project.display(path)
        kind = parse_name(path.name)
        if kind == "ignored":
            what = "an undo or baseline migration" if path.suffix == ".sql" else "not SQL"
            project.add_problem(
                Problem(
                    IGNORED_FILE,
                    Finding(
                        Location(shown, 1),
                        f"{path.name} is {what}; doclint does not apply it to the schema model",
                        shown,
                    ),
                )
            )
            continue
        if isinstance(kind, str):
            project.add_problem(
                Problem(
                    BAD_NAME,
                    Finding(
                        Location(shown, 1),
                        f"migration file name {path.name} is not in Flyway's form; rename it "
                        "to V<version>__<description>.sql (e.g. V7__add_x.sql) or "
                        "R__<description>.sql",
                        shown,
                    ),
                )
            )
            continue
        prefix, version, version_text, description = kind
        migration = Migration(path, shown, version, version_text, description)
        (repeatable if prefix == "R" else versioned).append(migration)
    versioned.sort(key=lambda m: (version_order(m.version or ()), len(m.version or ()), m.display))
    kept: list[Migration] = []
    for migration in versioned:
        if kept and version_order(kept[-1].version or ()) == version_order(migration.version or ()):
            first = kept[-1]
            project.add_problem(
                Problem(
                    DUPLICATE_VERSION,
                    Finding(
                        Location(migration.display, 1),
                        f"migration version {migration.version_text} is used twice "
                        f"({first.name} and {migration.name}); give {migration.name} a new "
                        "version",
                        f"V{migration.version_text}",
                        (Related(first.display, 1, "first migration with this version"),),
                    ),
                )
            )
            continue
        kept.append(migration)
    repeatable.sort(key=lambda m: (m.description, m.display))
    return kept + repeatable


def substitute(text: str, values: dict[str, str], prefix: str, suffix: str) -> str:
    """Replace Flyway placeholders; an unknown one is left as its bare name (an identifier)."""
    if prefix not in text:
        return text
    out: list[str] = []
    position = 0
    while True:
        start = text.find(prefix, position)
        end = text.find(suffix, start + len(prefix)) if start >= 0 else -1
        if start < 0 or end < 0 or "\n" in text[start:end]:
            out.append(text[position:])
            return "".join(out)
        name = text[start + len(prefix) : end]
        out.append(text[position:start])
        out.append(values.get(name, name.rsplit(":", 1)[-1]))
        position = end + len(suffix)


def _load(project: Project) -> SchemaModel | None:
    config = project.config
    folder = project.root / config.migrations
    if not folder.is_dir():
        return None
    migrations = discover(project, folder)
    schema = Schema(default_schema=config.flyway_default_schema)
    values = {
        "flyway:defaultSchema": config.flyway_default_schema,
        "flyway:table": "flyway_schema_history",
        **config.flyway_placeholders,
    }
    for migration in migrations:
        text = project.read(migration.path)
        if text is None:
            continue
        sql = substitute(
            text.text, values, config.flyway_placeholder_prefix, config.flyway_placeholder_suffix
        )
        if config.sql_dialect == "postgres":
            apply_postgres(schema, migration.display, sql)
        else:
            apply_sqlglot(schema, migration.display, sql, config.sql_dialect)
    for problem in schema.problems:
        project.add_problem(problem)
    return SchemaModel(folder, migrations, schema)


def schema(project: Project) -> SchemaModel | None:
    """The schema model of the service's migrations, or None when it has no migrations folder."""
    return project.cached("schema", lambda: _load(project))


def model_json(model: SchemaModel) -> dict[str, Any]:
    """The schema model as JSON-able data (SPEC §4.3 inspect)."""
    built = model.schema
    tables = []
    for table in built.tables.values():
        tables.append(
            {
                "schema": table.schema,
                "name": table.name,
                "path": table.location.path,
                "line": table.location.line,
                "comment": table.comment,
                "columns": [
                    {
                        "name": c.name,
                        "type": c.type,
                        "nullable": c.nullable,
                        "default": c.default,
                        "comment": c.comment,
                        "path": c.location.path,
                        "line": c.location.line,
                    }
                    for c in table.columns.values()
                ],
                "rls": {"enabled": table.rls_enabled, "forced": table.rls_forced},
                "policies": [
                    {
                        "name": p.name,
                        "permissive": p.permissive,
                        "command": p.command,
                        "roles": list(p.roles),
                        "using": p.using,
                        "with_check": p.with_check,
                        "path": p.location.path,
                        "line": p.location.line,
                    }
                    for p in table.policies.values()
                ],
            }
        )
    return {
        "migrations": [
            {
                "path": m.display,
                "version": m.version_text,
                "description": m.description,
                "repeatable": m.repeatable,
            }
            for m in model.migrations
        ],
        "latest_version": model.latest_version,
        "statements": built.statements,
        "tables": tables,
        "types": [
            {"schema": t.schema, "name": t.name, "values": list(t.values)}
            for t in built.types.values()
        ],
        "views": [{"schema": v.schema, "name": v.name} for v in built.views.values()],
        "indexes": [
            {"schema": key[0], "name": key[1], "table": built.display_name(owner)}
            for key, owner in built.indexes.items()
        ],
    }


def inspect_json(project: Project) -> dict[str, Any]:
    """``doclint inspect schema``: the built model plus the problems met while building it."""
    from doclint.inspect import problems

    model = schema(project)
    data: dict[str, Any] = {"tables": [], "migrations": []} if model is None else model_json(model)
    data["problems"] = problems(project)
    return data
