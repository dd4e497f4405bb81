"""DL301–DL307: the tables and columns DATA_MODEL.md documents against the schema Flyway
migrations build (SPEC §4.3). Row-level security and policies are in :mod:`data_rls`.

DL93x: migration files that cannot be used as they are (recorded while building the schema).
"""

from __future__ import annotations

from collections.abc import Iterator

from doclint.diagnostics import Finding, Location, Related, Severity
from doclint.project import Project
from doclint.registry import input_rule, rule
from doclint.sources.data_docs import DOC, DocColumn, DocTable, Pairing, data_pairing, paired_tables
from doclint.sources.flyway import SchemaModel
from doclint.sources.sqlexpr import canonical_expression, canonical_type
from doclint.sources.sqlmodel import Column
from doclint.sources.sqlmodel import Table as SqlTable

NEEDS = ("schema", "docs")


def related_to(model: SchemaModel, location: Location, what: str) -> tuple[Related, ...]:
    """The related note of a data finding: where in the migrations the fact is."""
    return (Related.at(location, what),)


# -- tables ------------------------------------------------------------------------------------


@rule("DL301", "data-table-undocumented", Severity.ERROR, needs=NEEDS)
def table_undocumented(project: Project) -> Iterator[Finding]:
    """A table the migrations create is not documented in DATA_MODEL.md.

    Why: DATA_MODEL.md is where readers and reviewers learn what the database holds.
    Bad: `CREATE TABLE budgets (...)` in V3 and no `### budgets` heading.
    Fix: add a `### Table \\`budgets\\`` heading with its columns table, RLS line and policies
    (ignore helper tables with `data.ignore-tables`).
    """
    pairing = data_pairing(project)
    if pairing is None:
        return
    documented = {(d.schema, d.name.casefold()) for d, _ in pairing.documented}
    names = {d.name.casefold() for d, _ in pairing.documented}
    document = pairing.document
    for table in pairing.undocumented:
        if any(name.casefold() in names for _, name in table.former_names):
            continue  # reported once, as a renamed documented table (DL302)
        shown = pairing.model.schema.display_name(table.key)
        if (None, shown.casefold()) in documented:
            continue
        yield Finding(
            Location(document.display, max(document.line_count, 1)),
            f"table {shown} is not documented; add a `### Table \\`{shown}\\`` section with "
            f"its columns to {DOC}",
            shown,
            related_to(pairing.model, table.location, f"table {shown} created here"),
        )


@rule("DL302", "data-table-unknown", Severity.ERROR, needs=NEEDS)
def table_unknown(project: Project) -> Iterator[Finding]:
    """DATA_MODEL.md documents a table that the migrations do not create (or drop or rename).

    Why: a documented table that does not exist sends readers and queries to nothing.
    Bad: `### ai_call_logs` after V5 renamed the table to `ai_calls`.
    Fix: rename or remove the section to match the migrations.
    """
    pairing = data_pairing(project)
    if pairing is None:
        return
    for doc, table in pairing.documented:
        if table is not None:
            continue
        renamed = [
            t
            for t in pairing.model.schema.tables.values()
            if any(n.casefold() == doc.name.casefold() for _, n in t.former_names)
        ]
        if renamed:
            new = pairing.model.schema.display_name(renamed[0].key)
            where = renamed[0].renamed_at or renamed[0].location
            yield Finding(
                Location(pairing.document.display, doc.line),
                f"documented table {doc.shown} was renamed to {new}; rename the heading",
                doc.shown,
                related_to(pairing.model, where, f"renamed to {new} here"),
            )
            continue
        yield Finding(
            Location(pairing.document.display, doc.line),
            f"documented table {doc.shown} does not exist in the migrations; remove the section "
            "or fix the name",
            doc.shown,
            (Related(project.display(pairing.model.folder), 1, "migrations"),),
        )


# -- columns -----------------------------------------------------------------------------------


def _column_pairs(
    project: Project,
) -> Iterator[tuple[Pairing, DocTable, SqlTable, DocColumn, Column]]:
    for pairing, doc, table in paired_tables(project):
        for name, documented in doc.columns.items():
            column = table.columns.get(name) or table.columns.get(name.casefold())
            if column is not None:
                yield pairing, doc, table, documented, column


@rule("DL303", "data-column-undocumented", Severity.ERROR, needs=NEEDS)
def column_undocumented(project: Project) -> Iterator[Finding]:
    """A column of a documented table is missing from its columns table.

    Why: readers rely on the columns table to know every field a row holds.
    Bad: V7 adds `ai_calls.cost_usd` and the `ai_calls` columns table lacks it.
    Fix: add a row `| cost_usd | numeric(12,6) | no | ... |` to the table's columns table.
    """
    for pairing, doc, table in paired_tables(project):
        names = {n.casefold() for n in doc.columns}
        for column in table.columns.values():
            if column.name.casefold() in names:
                continue
            if any(old.casefold() in names for old in column.former_names):
                continue  # reported as a renamed column (DL304)
            line = doc.columns_end or doc.line
            nullable = "yes" if column.nullable else "no"
            yield Finding(
                Location(pairing.document.display, line),
                f"column {table.name}.{column.name} ({column.type}, nullable {nullable}) is "
                f"not documented; add a row for it to the columns table of {doc.shown}",
                f"{table.name}.{column.name}",
                related_to(pairing.model, column.location, "column defined here"),
            )


@rule("DL304", "data-column-unknown", Severity.ERROR, needs=NEEDS)
def column_unknown(project: Project) -> Iterator[Finding]:
    """DATA_MODEL.md documents a column the table does not have.

    Why: a documented column that does not exist breaks every query written from the doc.
    Bad: a row `legacy_cost` after a migration dropped the column.
    Fix: remove the row, or rename it to the column's current name.
    """
    for pairing, doc, table in paired_tables(project):
        current = {n.casefold() for n in table.columns}
        for name, documented in doc.columns.items():
            if name.casefold() in current:
                continue
            renamed = [
                c
                for c in table.columns.values()
                if any(o.casefold() == name.casefold() for o in c.former_names)
            ]
            if renamed:
                yield Finding(
                    Location(pairing.document.display, documented.line),
                    f"documented column {table.name}.{name} was renamed to "
                    f"{renamed[0].name}; rename the row",
                    f"{table.name}.{name}",
                    related_to(pairing.model, renamed[0].location, "renamed here"),
                )
                continue
            yield Finding(
                Location(pairing.document.display, documented.line),
                f"documented column {table.name}.{name} does not exist; remove the row or fix "
                "its name",
                f"{table.name}.{name}",
                related_to(pairing.model, table.location, f"table {table.name} created here"),
            )


def _same_type(documented: str, actual: str, default_schema: str, postgres: bool) -> bool:
    if postgres:
        normal = canonical_type(documented, default_schema)
        if normal is not None:
            return normal == actual
    return " ".join(documented.casefold().split()) == " ".join(actual.casefold().split())


@rule("DL305", "data-column-type-mismatch", Severity.ERROR, needs=NEEDS)
def column_type(project: Project) -> Iterator[Finding]:
    """A documented column's type differs from the type the migrations give it.

    Why: a wrong type misleads everyone who writes queries or client code from the doc.
    Types compare as PostgreSQL prints them: `int4` = `integer`, `varchar(20)` =
    `character varying(20)`, `timestamptz` = `timestamp with time zone`.
    Bad: `| budget_usd | integer |` after `ALTER COLUMN budget_usd TYPE numeric(12,2)`.
    Fix: write the column's current type.
    """
    postgres = project.config.sql_dialect == "postgres"
    for pairing, _doc, table, documented, column in _column_pairs(project):
        if documented.type is None or not documented.type.strip():
            continue
        default_schema = pairing.model.schema.default_schema
        if _same_type(documented.type, column.type, default_schema, postgres):
            continue
        yield Finding(
            Location(pairing.document.display, documented.line),
            f"column {table.name}.{column.name} is documented as {documented.type} but its "
            f"type is {column.type}; write {column.type}",
            f"{table.name}.{column.name}",
            related_to(pairing.model, column.location, f"type {column.type}"),
        )


@rule("DL306", "data-column-nullability-mismatch", Severity.ERROR, needs=NEEDS)
def column_nullability(project: Project) -> Iterator[Finding]:
    """A documented column's nullability differs from the migrations.

    Why: whether a field can be missing is part of every reader's contract with the data.
    A primary key column is NOT NULL; a `Required` column is read as the inverse of nullable.
    Bad: `| closed_at | timestamptz | no |` while the column is nullable.
    Fix: correct the Nullable (or Required) cell.
    """
    for pairing, _doc, table, documented, column in _column_pairs(project):
        if documented.nullable is None or documented.nullable == column.nullable:
            continue
        state = "nullable" if column.nullable else "NOT NULL"
        yield Finding(
            Location(pairing.document.display, documented.line),
            f"column {table.name}.{column.name} is {state} but documented as "
            f"{'nullable' if documented.nullable else 'NOT NULL'}; correct the row",
            f"{table.name}.{column.name}",
            related_to(pairing.model, column.location, state),
        )


def same_expression(documented: str, actual: str) -> bool:
    """Whether two SQL expressions are equal once normalised (as text if either fails)."""
    left = canonical_expression(documented, literal_casts=False)
    right = canonical_expression(actual, literal_casts=False)
    if left is None or right is None:
        return " ".join(documented.split()).casefold() == " ".join(actual.split()).casefold()
    return left == right


@rule("DL307", "data-column-default-mismatch", Severity.WARNING, needs=NEEDS)
def column_default(project: Project) -> Iterator[Finding]:
    """A documented column default differs from the migrations.

    Why: defaults decide what a row holds when a writer leaves the field out.
    Defaults compare after normalising both through the SQL parser.
    Bad: `| status | text | no | 'open' |` while the default is `'active'`.
    Fix: write the current default, or `-` when there is none.
    """
    for pairing, _doc, table, documented, column in _column_pairs(project):
        if not documented.default_stated:
            continue
        if documented.default is None and column.default is None:
            continue
        if (
            documented.default is not None
            and column.default is not None
            and same_expression(documented.default, column.default)
        ):
            continue
        actual = column.default or "no default"
        yield Finding(
            Location(pairing.document.display, documented.line),
            f"column {table.name}.{column.name} has {actual} as default but the doc says "
            f"{documented.default or 'none'}; correct the Default cell",
            f"{table.name}.{column.name}",
            related_to(pairing.model, column.location, f"default {actual}"),
        )


# -- migration input ---------------------------------------------------------------------------

input_rule(
    "DL931",
    "migration-name-invalid",
    Severity.ERROR,
    ("schema",),
    """A `.sql` file in the migrations folder is not named in Flyway's form.

    Why: Flyway skips (or, with validation on, rejects) such a file, so its statements never
    reach the database; doclint does not apply it either.
    Bad: `V7_add_cost.sql` (one underscore), `add_cost.sql`, `Vx__init.sql`.
    Fix: rename it `V7__add_cost.sql` (or `R__name.sql` for a repeatable migration).
    """,
)
input_rule(
    "DL932",
    "migration-duplicate-version",
    Severity.ERROR,
    ("schema",),
    """Two migrations have the same version.

    Why: Flyway refuses to migrate when two files share a version (`1.0` equals `1`).
    Bad: `V6__add_routes.sql` and `V6__add_limits.sql`.
    Fix: give the newer file the next free version; doclint applies only the first.
    """,
)
input_rule(
    "DL933",
    "sql-syntax-error",
    Severity.ERROR,
    ("schema",),
    """A statement of a migration does not parse.

    Why: the migration would fail in the database; doclint applies the file's other
    statements and the other files, so the remaining checks still run.
    Bad: `ALTER TABLE ai_calls ADD COLUMN cost numeric(12,6` (missing parenthesis).
    Fix: correct the statement at the line shown.
    """,
)
input_rule(
    "DL934",
    "migration-file-ignored",
    Severity.INFO,
    ("schema",),
    """A file in the migrations folder is not applied (undo, baseline or not SQL).

    Why: doclint, like `flyway migrate`, builds the schema from versioned and repeatable
    migrations only; this note says which files were left out.
    Bad: `U6__drop_routes.sql` in db/migration.
    Fix: nothing to fix; move the file elsewhere to silence the note.
    """,
)
input_rule(
    "DL935",
    "sql-statement-not-applicable",
    Severity.WARNING,
    ("schema",),
    """A migration statement names a missing table, column or policy, or recreates one.

    Why: PostgreSQL would reject the statement and the migration would fail.
    Bad: `ALTER TABLE ai_call ADD COLUMN x int` when the table is `ai_calls`.
    Fix: correct the name, or use `IF EXISTS` / `IF NOT EXISTS`.
    """,
)
