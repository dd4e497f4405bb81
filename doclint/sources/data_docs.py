"""The data side of the docs (SPEC §4.3): the tables DATA_MODEL.md documents (a heading
naming a table, or the heading over a columns table), each with its columns, its `RLS:` line
and its policies (table rows or `` `name` — FOR ... `` list items), paired with the tables the
Flyway migrations build."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from doclint.sources.flyway import SchemaModel, schema
from doclint.sources.markdown import Document, ListItem, Row, Section, Table
from doclint.sources.sqlexpr import expression_text, roles_of
from doclint.sources.sqlmodel import Table as SqlTable
from doclint.text import heading_key, ident, strip_markup, yes_no

if TYPE_CHECKING:
    from doclint.project import Project

DOC = "DATA_MODEL.md"
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


def is_columns_table(table: Table) -> bool:
    """Whether ``table`` is a columns table (a column and a type or nullability header)."""
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
        if not is_columns_table(table):
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
        elif is_columns_table(table):
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


def data_pairing(project: Project) -> Pairing | None:
    """The tables DATA_MODEL.md documents, each with its schema table (None: not created),
    and the tables no section documents; None without migrations or DATA_MODEL.md."""

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


def paired_tables(project: Project) -> Iterator[tuple[Pairing, DocTable, SqlTable]]:
    """Each documented table that the migrations create, with its schema table."""
    pairing = data_pairing(project)
    if pairing is None:
        return
    for doc, table in pairing.documented:
        if table is not None:
            yield pairing, doc, table
