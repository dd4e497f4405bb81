"""DL3xx: DATA_MODEL.md against the schema Flyway migrations build, and RLS (SPEC §4.3).

DL93x: migration files that cannot be used as they are (recorded while building the schema).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

from doclint.diagnostics import Finding, Location, Related, Severity
from doclint.project import Project
from doclint.registry import input_rule, rule
from doclint.sources.flyway import SchemaModel, schema
from doclint.sources.markdown import Document, ListItem, Row, Section, Table
from doclint.sources.sqlexpr import canonical_expression, canonical_type, expression_text, roles_of
from doclint.sources.sqlmodel import Column, Policy
from doclint.sources.sqlmodel import Table as SqlTable
from doclint.text import heading_key, ident, strip_markup, yes_no

DOC = "DATA_MODEL.md"
_NEEDS = ("schema", "docs")
_GENERIC = frozenset(
    {
        "columns",
        "policies",
        "policy",
        "rls",
        "row level security",
        "row-level security",
        "tables",
        "indexes",
        "constraints",
        "notes",
        "enums",
        "types",
        "views",
        "fields",
        "overview",
        "schema",
    }
)
_CLAUSE_WORDS = frozenset({"FOR", "AS", "TO", "USING", "WITH"})
_NONE = frozenset({"-", "—", "–", "none", "no default", "n/a"})


# -- the doc side ------------------------------------------------------------------------------


@dataclass(slots=True)
class DocColumn:
    name: str
    line: int
    type: str | None
    nullable: bool | None
    default: str | None
    default_stated: bool


@dataclass(slots=True)
class DocPolicy:
    name: str
    line: int
    complete: bool
    permissive: bool | None = None
    command: str | None = None
    roles: tuple[str, ...] | None = None
    using: str | None = None
    with_check: str | None = None
    using_stated: bool = False
    check_stated: bool = False
    error: str | None = None


@dataclass(slots=True)
class DocTable:
    schema: str | None
    name: str
    line: int
    section: Section
    columns: dict[str, DocColumn] = field(default_factory=dict)
    columns_end: int | None = None
    rls: tuple[bool, bool | None] | None = None
    rls_line: int | None = None
    policies: dict[str, DocPolicy] = field(default_factory=dict)
    policies_end: int | None = None

    @property
    def shown(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


def _table_name(text: str) -> tuple[str | None, str, bool] | None:
    """(schema, name, explicitly a table) of a heading text, or None if it names no table."""
    key = heading_key(text)
    explicit = False
    if key.startswith("table "):
        key, explicit = key[len("table ") :].strip(), True
    key = ident(key).replace('"', "")
    parts = key.split(".")
    if not key or len(parts) > 2 or not all(parts):
        return None
    if not all(c.isalnum() or c in "_$" for part in parts for c in part):
        return None
    return (parts[0] if len(parts) == 2 else None, parts[-1], explicit)


def _is_columns_table(table: Table) -> bool:
    return table.has("column") and (table.has("type") or table.has("nullable", "required"))


def _is_policy_table(table: Table) -> bool:
    return table.has("policy", "command")


def _doc_tables(project: Project, document: Document, model: SchemaModel) -> list[DocTable]:
    known = {name.casefold() for _, name in model.schema.tables}
    headings = []
    for section in document.sections:
        parsed = _table_name(section.heading.text)
        if parsed is None or section.heading.key in _GENERIC:
            continue
        schema_name, name, explicit = parsed
        marked = explicit or "`" in section.heading.source or name in known
        headings.append((section, schema_name, name, marked))
    chosen: list[tuple[Section, str | None, str]] = [
        (s, sc, n) for s, sc, n, marked in headings if marked
    ]
    # the marked sections in line order, with the furthest end line of each prefix
    spans = sorted((s.line, s.end_line) for s, _, _ in chosen)
    starts = [start for start, _ in spans]
    reach = list(itertools.accumulate((end for _, end in spans), max))
    added: list[Section] = []
    for table in document.tables:
        if not _is_columns_table(table):
            continue
        before = bisect.bisect_left(starts, table.line)
        if before and reach[before - 1] >= table.line:
            continue
        if any(s.contains(table.line) for s in added):
            continue
        owners = [(s, sc, n) for s, sc, n, _ in headings if s.contains(table.line)]
        if owners:
            owner = max(owners, key=lambda o: o[0].heading.level)
            chosen.append(owner)
            added.append(owner[0])
    chosen.sort(key=lambda c: c[0].line)
    lines = [s.line for s, _, _ in chosen]
    return [_read_table(document, s, sc, n, lines) for s, sc, n in chosen]


def _line_of(item: Table | ListItem) -> int:
    return item.line


def _read_table(
    document: Document,
    section: Section,
    schema_name: str | None,
    name: str,
    chosen_lines: list[int],
) -> DocTable:
    end = section.end_line
    following = bisect.bisect_right(chosen_lines, section.line)
    if following < len(chosen_lines) and chosen_lines[following] <= end:
        end = chosen_lines[following] - 1
    doc = DocTable(schema_name, name, section.line, section)
    tables = document.tables
    first = bisect.bisect_right(tables, section.line, key=_line_of)
    for table in tables[first : bisect.bisect_right(tables, end, lo=first, key=_line_of)]:
        if _is_policy_table(table):
            _policy_rows(doc, table)
        elif _is_columns_table(table):
            _column_rows(doc, table)
    items = document.list_items
    first = bisect.bisect_right(items, section.line, key=_line_of)
    for item in items[first : bisect.bisect_right(items, end, lo=first, key=_line_of)]:
        policy = _policy_item(item.text, item.line)
        if policy is not None:
            doc.policies.setdefault(policy.name, policy)
            doc.policies_end = max(doc.policies_end or 0, item.end_line)
    for number in range(section.line + 1, end + 1):
        line = document.lines[number - 1] if number <= len(document.lines) else ""
        text = line.replace("*", "").replace("`", "").strip().lstrip("-+ ").strip()
        if text[:4].casefold() == "rls:":
            doc.rls = _rls_state(text[4:])
            doc.rls_line = number
            break
    return doc


def _rls_state(text: str) -> tuple[bool, bool | None]:
    words = [w for w in text.casefold().replace(",", " ").replace(";", " ").split() if w]
    enabled = "enabled" in words and "disabled" not in words
    forced: bool | None = None
    if "forced" in words or "force" in words:
        negated = {"not", "no", "unforced"} & set(words)
        forced = not negated
    elif "unforced" in words or enabled:
        forced = False
    return enabled, forced


def _at(row: Row, index: int | None) -> str | None:
    """The cell of ``row`` in column ``index`` (None: no such column, or a short row)."""
    if index is None or index >= len(row.cells):
        return None
    return row.cells[index]


def _name_cell(row: Row, index: int | None) -> tuple[str, str]:
    """(identifier, whole cell) of a name cell: a code span if there is one, else its first
    word (so that `` `id` (PK) `` names ``id``)."""
    if index is None or index >= len(row.raw):
        return "", ""
    raw = row.raw[index].strip()
    start = raw.find("`")
    end = raw.find("`", start + 1) if start >= 0 else -1
    if start >= 0 and end > start:
        return raw[start + 1 : end].strip(), raw
    words = strip_markup(raw).split()
    return (words[0] if words else ""), raw


def _column_rows(doc: DocTable, table: Table) -> None:
    doc.columns_end = table.end_line
    name_at, type_at, default_at = (table.column(n) for n in ("column", "type", "default"))
    nullability = [
        (table.column(role), inverse)
        for role, inverse in (("nullable", False), ("required", True), ("optional", False))
    ]
    for row in table.rows:
        name, _ = _name_cell(row, name_at)
        if not name:
            continue
        type_text = _at(row, type_at)
        nullable: bool | None = None
        for index, inverse in nullability:
            cell = _at(row, index)
            if cell is None:
                continue
            word = strip_markup(cell).casefold()
            value = {"not null": False, "null": True, "nullable": True}.get(word)
            if value is None:
                value = yes_no(cell)
            if value is not None:
                nullable = (not value) if inverse else value
            break
        default_cell = _at(row, default_at)
        default = None
        stated = False
        if default_cell is not None and default_cell.strip():
            stated = True
            cleaned = default_cell.strip()
            if cleaned.casefold() not in _NONE:
                default = cleaned
        doc.columns.setdefault(
            name,
            DocColumn(
                name, row.line, ident(type_text) if type_text else None, nullable, default, stated
            ),
        )


def _policy_rows(doc: DocTable, table: Table) -> None:
    doc.policies_end = max(doc.policies_end or 0, table.end_line)
    name_at = table.column("policy", "column")
    command_at = table.column("command", "for")
    roles_at = table.column("roles", "to", "role")
    mode_at = table.column("as", "mode", "permissive", "kind")
    using_at = table.column("using")
    check_at = table.column("with check", "check")
    for row in table.rows:
        name, whole = _name_cell(row, name_at)
        if not name:
            continue
        policy = DocPolicy(name, row.line, complete=False)
        if "restrictive" in whole.casefold():
            policy.permissive = False
        command = _at(row, command_at)
        if command and command.strip():
            policy.command = strip_markup(command).upper().removeprefix("FOR ").strip()
        roles = _at(row, roles_at)
        if roles and roles.strip():
            policy.roles = _role_list(roles)
        mode = _at(row, mode_at)
        if mode and mode.strip():
            policy.permissive = "restrictive" not in mode.casefold()
        using = _at(row, using_at)
        if using is not None and using.strip():
            policy.using_stated = True
            if using.strip().casefold() not in _NONE:
                policy.using = using.strip()
        check = _at(row, check_at)
        if check is not None and check.strip():
            policy.check_stated = True
            if check.strip().casefold() not in _NONE:
                policy.with_check = check.strip()
        doc.policies.setdefault(name, policy)


def _role_list(text: str) -> tuple[str, ...]:
    roles = (strip_markup(part).strip() for part in text.split(","))
    names = {
        "public" if r.casefold() == "public" else r.strip('"') if r.startswith('"') else r
        for r in roles
    }
    return tuple(sorted(n for n in names if n))


def _policy_item(text: str, line: int) -> DocPolicy | None:
    """A list item `` `name` — FOR SELECT TO role USING (expr) WITH CHECK (expr) ``."""
    text = text.strip()
    if not text.startswith("`"):
        return None
    close = text.find("`", 1)
    if close < 0:
        return None
    name = text[1:close].strip()
    rest = text[close + 1 :].strip().lstrip("—–-:").strip().replace("`", "")
    first = rest.split(maxsplit=1)[0].upper() if rest else ""
    if not name or first not in _CLAUSE_WORDS:
        return None
    return _policy_clause(name, rest, line)


def _policy_clause(name: str, clause: str, line: int) -> DocPolicy:
    from pglast.parser import ParseError

    from doclint.sources.sqlexpr import Expr
    from doclint.sources.sqlstatements import parse_policy_clause

    policy = DocPolicy(name, line, complete=True, using_stated=True, check_stated=True)
    try:
        sql, body = parse_policy_clause(clause)
    except ParseError as exc:
        policy.error = str(exc.args[0])
        return policy
    policy.permissive = bool(body.get("permissive", False))
    policy.command = (body.get("cmd_name") or "all").upper()
    policy.roles = roles_of(body.get("roles", ()))
    for key, attribute in (("qual", "using"), ("with_check", "with_check")):
        if key in body:
            setattr(policy, attribute, expression_text(Expr(sql, (key,), body[key])))
    return policy


@dataclass(slots=True)
class Pairing:
    document: Document
    model: SchemaModel
    documented: list[tuple[DocTable, SqlTable | None]]
    undocumented: list[SqlTable]


def _pairing(project: Project) -> Pairing | None:
    def build() -> Pairing | None:
        model = schema(project)
        document = project.doc(DOC)
        if model is None or document is None:
            return None
        tables = _doc_tables(project, document, model)
        default = model.schema.default_schema
        by_key = {(s.casefold(), n.casefold()): t for (s, n), t in model.schema.tables.items()}
        by_name: dict[str, list[SqlTable]] = {}
        for (_, n), t in by_key.items():
            by_name.setdefault(n, []).append(t)
        documented: list[tuple[DocTable, SqlTable | None]] = []
        seen: set[tuple[str, str]] = set()
        for doc in tables:
            match = by_key.get(((doc.schema or default).casefold(), doc.name.casefold()))
            if match is None and doc.schema is None:
                others = by_name.get(doc.name.casefold(), [])
                match = others[0] if len(others) == 1 else None
            if match is not None:
                seen.add(match.key)
            documented.append((doc, match))
        ignored = {name.casefold() for name in project.config.data_ignore_tables}
        undocumented = [
            t
            for key, t in model.schema.tables.items()
            if key not in seen
            and t.name.casefold() not in ignored
            and model.schema.display_name(key).casefold() not in ignored
        ]
        return Pairing(document, model, documented, undocumented)

    return project.cached("data-pairing", build)


def _where(model: SchemaModel, location: Location, what: str) -> tuple[Related, ...]:
    return (Related.at(location, what),)


def _pairs(project: Project) -> Iterator[tuple[Pairing, DocTable, SqlTable]]:
    pairing = _pairing(project)
    if pairing is None:
        return
    for doc, table in pairing.documented:
        if table is not None:
            yield pairing, doc, table


# -- tables ------------------------------------------------------------------------------------


@rule("DL301", "data-table-undocumented", Severity.ERROR, needs=_NEEDS)
def table_undocumented(project: Project) -> Iterator[Finding]:
    """A table the migrations create is not documented in DATA_MODEL.md.

    Why: DATA_MODEL.md is where readers and reviewers learn what the database holds.
    Bad: `CREATE TABLE budgets (...)` in V3 and no `### budgets` heading.
    Fix: add a `### Table \\`budgets\\`` heading with its columns table, RLS line and policies
    (ignore helper tables with `data.ignore-tables`).
    """
    pairing = _pairing(project)
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
            _where(pairing.model, table.location, f"table {shown} created here"),
        )


@rule("DL302", "data-table-unknown", Severity.ERROR, needs=_NEEDS)
def table_unknown(project: Project) -> Iterator[Finding]:
    """DATA_MODEL.md documents a table that the migrations do not create (or drop or rename).

    Why: a documented table that does not exist sends readers and queries to nothing.
    Bad: `### ai_call_logs` after V5 renamed the table to `ai_calls`.
    Fix: rename or remove the section to match the migrations.
    """
    pairing = _pairing(project)
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
                _where(pairing.model, where, f"renamed to {new} here"),
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
    for pairing, doc, table in _pairs(project):
        for name, documented in doc.columns.items():
            column = table.columns.get(name) or table.columns.get(name.casefold())
            if column is not None:
                yield pairing, doc, table, documented, column


@rule("DL303", "data-column-undocumented", Severity.ERROR, needs=_NEEDS)
def column_undocumented(project: Project) -> Iterator[Finding]:
    """A column of a documented table is missing from its columns table.

    Why: readers rely on the columns table to know every field a row holds.
    Bad: V7 adds `ai_calls.cost_usd` and the `ai_calls` columns table lacks it.
    Fix: add a row `| cost_usd | numeric(12,6) | no | ... |` to the table's columns table.
    """
    for pairing, doc, table in _pairs(project):
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
                _where(pairing.model, column.location, "column defined here"),
            )


@rule("DL304", "data-column-unknown", Severity.ERROR, needs=_NEEDS)
def column_unknown(project: Project) -> Iterator[Finding]:
    """DATA_MODEL.md documents a column the table does not have.

    Why: a documented column that does not exist breaks every query written from the doc.
    Bad: a row `legacy_cost` after a migration dropped the column.
    Fix: remove the row, or rename it to the column's current name.
    """
    for pairing, doc, table in _pairs(project):
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
                    _where(pairing.model, renamed[0].location, "renamed here"),
                )
                continue
            yield Finding(
                Location(pairing.document.display, documented.line),
                f"documented column {table.name}.{name} does not exist; remove the row or fix "
                "its name",
                f"{table.name}.{name}",
                _where(pairing.model, table.location, f"table {table.name} created here"),
            )


def _same_type(documented: str, actual: str, default_schema: str, postgres: bool) -> bool:
    if postgres:
        normal = canonical_type(documented, default_schema)
        if normal is not None:
            return normal == actual
    return " ".join(documented.casefold().split()) == " ".join(actual.casefold().split())


@rule("DL305", "data-column-type-mismatch", Severity.ERROR, needs=_NEEDS)
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
            _where(pairing.model, column.location, f"type {column.type}"),
        )


@rule("DL306", "data-column-nullability-mismatch", Severity.ERROR, needs=_NEEDS)
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
            _where(pairing.model, column.location, state),
        )


def _same_expression(documented: str, actual: str) -> bool:
    left = canonical_expression(documented, literal_casts=False)
    right = canonical_expression(actual, literal_casts=False)
    if left is None or right is None:
        return " ".join(documented.split()).casefold() == " ".join(actual.split()).casefold()
    return left == right


@rule("DL307", "data-column-default-mismatch", Severity.WARNING, needs=_NEEDS)
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
            and _same_expression(documented.default, column.default)
        ):
            continue
        actual = column.default or "no default"
        yield Finding(
            Location(pairing.document.display, documented.line),
            f"column {table.name}.{column.name} has {actual} as default but the doc says "
            f"{documented.default or 'none'}; correct the Default cell",
            f"{table.name}.{column.name}",
            _where(pairing.model, column.location, f"default {actual}"),
        )


# -- RLS and policies --------------------------------------------------------------------------


def _rls_text(enabled: bool, forced: bool) -> str:
    if not enabled:
        return "RLS: disabled" + (" (forced)" if forced else "")
    return "RLS: enabled, forced" if forced else "RLS: enabled"


@rule("DL308", "data-rls-mismatch", Severity.ERROR, needs=_NEEDS)
def rls_mismatch(project: Project) -> Iterator[Finding]:
    """A table's documented row-level security state (the `RLS:` line) differs or is missing.

    Why: whether the database enforces tenant isolation is a security fact reviewers check;
    a table with RLS enabled or with policies needs the line.
    Bad: `RLS: enabled` while no migration ran `ALTER TABLE ... ENABLE ROW LEVEL SECURITY`,
    or `RLS: enabled` while the migrations also `FORCE` it.
    Fix: write `RLS: enabled, forced`, `RLS: enabled` or `RLS: disabled` as the migrations say.
    """
    for pairing, doc, table in _pairs(project):
        expected = _rls_text(table.rls_enabled, table.rls_forced)
        where = table.rls_location or table.location
        if doc.rls is None:
            if table.rls_enabled or table.policies:
                yield Finding(
                    Location(pairing.document.display, doc.line),
                    f"table {doc.shown} does not state its row-level security; add the line "
                    f"`{expected}` to its section",
                    f"{doc.shown} RLS",
                    _where(pairing.model, where, expected),
                )
            continue
        enabled, forced = doc.rls
        if enabled == table.rls_enabled and (forced is None or forced == table.rls_forced):
            continue
        yield Finding(
            Location(pairing.document.display, doc.rls_line or doc.line),
            f"table {doc.shown} has {expected.removeprefix('RLS: ')} row-level security but the "
            f"doc says otherwise; write `{expected}`",
            f"{doc.shown} RLS",
            _where(pairing.model, where, expected),
        )


def _policy_pairs(
    project: Project,
) -> Iterator[tuple[Pairing, DocTable, SqlTable, DocPolicy, Policy]]:
    for pairing, doc, table in _pairs(project):
        for name, documented in doc.policies.items():
            policy = table.policies.get(name)
            if policy is not None:
                yield pairing, doc, table, documented, policy


def _policy_clause_text(policy: Policy) -> str:
    parts = []
    if not policy.permissive:
        parts.append("AS RESTRICTIVE")
    parts.append(f"FOR {policy.command} TO {', '.join(policy.roles)}")
    if policy.using is not None:
        parts.append(f"USING ({policy.using})")
    if policy.with_check is not None:
        parts.append(f"WITH CHECK ({policy.with_check})")
    return " ".join(parts)


@rule("DL309", "data-policy-undocumented", Severity.ERROR, needs=_NEEDS)
def policy_undocumented(project: Project) -> Iterator[Finding]:
    """A row-level security policy of a documented table is not documented.

    Why: policies decide who sees which rows; reviewers need each one in the doc.
    Bad: `CREATE POLICY budgets_admin ON budgets ...` with no row or item for it.
    Fix: add a row to the policies table, or an item
    `` `budgets_admin` — FOR SELECT TO admin USING (true) ``.
    """
    for pairing, doc, table in _pairs(project):
        for policy in table.policies.values():
            if policy.name in doc.policies:
                continue
            if any(old in doc.policies for old in policy.former_names):
                continue  # reported as a renamed policy (DL310)
            line = doc.policies_end or doc.rls_line or doc.columns_end or doc.line
            yield Finding(
                Location(pairing.document.display, line),
                f"policy {policy.name} on {table.name} is not documented; add "
                f"`{policy.name}` — {_policy_clause_text(policy)} to the section of {doc.shown}",
                f"policy {table.name}.{policy.name}",
                _where(pairing.model, policy.location, "policy created here"),
            )


@rule("DL310", "data-policy-unknown", Severity.ERROR, needs=_NEEDS)
def policy_unknown(project: Project) -> Iterator[Finding]:
    """DATA_MODEL.md documents a policy the table does not have.

    Why: a documented policy that was dropped claims a protection the database lacks.
    Bad: `` `ai_calls_admin_read` — FOR SELECT ... `` after `DROP POLICY ai_calls_admin_read`.
    Fix: remove the entry, or restore the policy in a migration.
    """
    for pairing, doc, table in _pairs(project):
        for name, documented in doc.policies.items():
            if name in table.policies:
                continue
            renamed = [p for p in table.policies.values() if name in p.former_names]
            what = (
                f"was renamed to {renamed[0].name}; rename the entry"
                if renamed
                else "does not exist; remove the entry or add the policy in a migration"
            )
            yield Finding(
                Location(pairing.document.display, documented.line),
                f"documented policy {name} on {table.name} {what}",
                f"policy {table.name}.{name}",
                _where(pairing.model, table.location, f"table {table.name} created here"),
            )


@rule("DL311", "data-policy-command-mismatch", Severity.ERROR, needs=_NEEDS)
def policy_command(project: Project) -> Iterator[Finding]:
    """A documented policy's command (FOR ...) or permissive/restrictive kind differs.

    Why: a policy FOR SELECT protects reads only; the doc must say which commands it covers.
    A documented list item whose clause does not parse is reported here too.
    Bad: `` `p` — FOR ALL TO app USING (...) `` while the policy is `FOR SELECT`.
    Fix: write the policy's command (and `AS RESTRICTIVE` when it is restrictive).
    """
    for pairing, _doc, table, documented, policy in _policy_pairs(project):
        where = Location(pairing.document.display, documented.line)
        subject = f"policy {table.name}.{policy.name}"
        related = _where(pairing.model, policy.location, _policy_clause_text(policy))
        if documented.error is not None:
            yield Finding(
                where,
                f"policy {policy.name} is documented with a clause that does not parse "
                f"({documented.error}); write it as `{_policy_clause_text(policy)}`",
                subject,
                related,
            )
            continue
        if documented.command is not None and documented.command != policy.command:
            yield Finding(
                where,
                f"policy {policy.name} on {table.name} is FOR {policy.command} but documented "
                f"as FOR {documented.command}; correct the command",
                subject,
                related,
            )
        elif documented.permissive is not None and documented.permissive != policy.permissive:
            kind = "PERMISSIVE" if policy.permissive else "RESTRICTIVE"
            yield Finding(
                where,
                f"policy {policy.name} on {table.name} is {kind} but the doc says otherwise; "
                f"correct it",
                subject,
                related,
            )


@rule("DL312", "data-policy-roles-mismatch", Severity.ERROR, needs=_NEEDS)
def policy_roles(project: Project) -> Iterator[Finding]:
    """A documented policy's roles (TO ...) differ from the migrations.

    Why: the roles say who the policy applies to; a missing role is a silent hole.
    Bad: `TO app_user` while the policy is `TO app_user, app_admin`.
    Fix: list the policy's roles (`public` when it names none).
    """
    for pairing, _doc, table, documented, policy in _policy_pairs(project):
        if documented.roles is None or documented.roles == policy.roles:
            continue
        yield Finding(
            Location(pairing.document.display, documented.line),
            f"policy {policy.name} on {table.name} applies to {', '.join(policy.roles)} but "
            f"the doc says {', '.join(documented.roles)}; correct the roles",
            f"policy {table.name}.{policy.name}",
            _where(pairing.model, policy.location, f"TO {', '.join(policy.roles)}"),
        )


def _expression_findings(project: Project, clause: str) -> Iterator[Finding]:
    for pairing, _doc, table, documented, policy in _policy_pairs(project):
        if documented.error is not None:
            continue
        if clause == "USING":
            stated, wrote, actual = documented.using_stated, documented.using, policy.using
        else:
            stated, wrote, actual = (
                documented.check_stated,
                documented.with_check,
                policy.with_check,
            )
        if not stated or (wrote is None and actual is None):
            continue
        if wrote is not None and actual is not None and _same_expression(wrote, actual):
            continue
        shown = f"{clause} ({actual})" if actual is not None else f"no {clause} expression"
        yield Finding(
            Location(pairing.document.display, documented.line),
            f"policy {policy.name} on {table.name} has {shown} but the doc says "
            f"{f'({wrote})' if wrote is not None else 'none'}; correct the expression",
            f"policy {table.name}.{policy.name}",
            _where(pairing.model, policy.location, shown),
        )


@rule("DL313", "data-policy-using-mismatch", Severity.ERROR, needs=_NEEDS)
def policy_using(project: Project) -> Iterator[Finding]:
    """A documented policy's USING expression differs from the migrations.

    Why: USING decides which existing rows a role sees; a stale doc hides a changed rule.
    Expressions compare after normalising through the SQL parser, so white space, case and
    redundant parentheses do not matter.
    Bad: `USING (tenant_id = current_tenant())` after an ALTER POLICY changed it.
    Fix: copy the current expression into the doc.
    """
    yield from _expression_findings(project, "USING")


@rule("DL314", "data-policy-check-mismatch", Severity.ERROR, needs=_NEEDS)
def policy_check(project: Project) -> Iterator[Finding]:
    """A documented policy's WITH CHECK expression differs from the migrations.

    Why: WITH CHECK decides which rows a role may write.
    Bad: no WITH CHECK in the doc while the policy has `WITH CHECK (tenant_id = ...)`.
    Fix: copy the current expression into the doc.
    """
    yield from _expression_findings(project, "WITH CHECK")


@rule("DL315", "tenant-table-unprotected", Severity.ERROR, needs=("schema",))
def tenant_unprotected(project: Project) -> Iterator[Finding]:
    """A table with the tenant column lacks row-level security or a policy on that column.

    Why: without `ENABLE ROW LEVEL SECURITY` and a policy that filters on the tenant column,
    one tenant can read another's rows. This is reported even when the doc agrees.
    Bad: `CREATE TABLE notes (id uuid, tenant_id uuid NOT NULL)` and nothing else.
    Fix: `ALTER TABLE notes ENABLE ROW LEVEL SECURITY;` and `CREATE POLICY notes_tenant ON
    notes USING (tenant_id = current_setting('app.tenant_id')::uuid);`
    """
    model = schema(project)
    if model is None:
        return
    column = project.config.data_tenant_column
    ignored = {name.casefold() for name in project.config.data_ignore_tables}
    for table in model.schema.tables.values():
        if column not in table.columns or table.name.casefold() in ignored:
            continue
        missing = []
        if not table.rls_enabled:
            missing.append("row-level security is not enabled")
        if not any(column in p.columns for p in table.policies.values()):
            missing.append(f"no policy mentions {column}")
        if not missing:
            continue
        shown = model.schema.display_name(table.key)
        related = [Related.at(table.location, f"table {shown} created here")]
        pairing = _pairing(project)
        if pairing is not None:
            related.extend(
                Related(pairing.document.display, doc.line, f"{shown} documented here")
                for doc, documented in pairing.documented
                if documented is table
            )
        yield Finding(
            table.location,
            f"tenant table {shown} is not isolated: {' and '.join(missing)}; add "
            f"`ALTER TABLE {shown} ENABLE ROW LEVEL SECURITY` and a policy on {column} in a "
            "migration",
            shown,
            tuple(related),
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
