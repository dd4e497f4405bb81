"""The schema model of a database, built by applying parsed SQL statements in order (SPEC §4.3).

PostgreSQL statements come from pglast (libpg_query, PostgreSQL's own grammar); other dialects
from sqlglot, for tables and columns. Types are printed as PostgreSQL's ``format_type`` prints
them and expressions are deparsed through pglast, so that equal schemas compare equal however
their migrations spell them.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from doclint.diagnostics import Finding, Location, Problem, Related

SYNTAX_ERROR = "DL933"
NOT_APPLIED = "DL935"

#: Type names as the grammar or a migration writes them -> PostgreSQL's format_type name.
_TYPE_NAMES = {
    "int": "integer",
    "int4": "integer",
    "integer": "integer",
    "int2": "smallint",
    "smallint": "smallint",
    "int8": "bigint",
    "bigint": "bigint",
    "float4": "real",
    "real": "real",
    "float8": "double precision",
    "bool": "boolean",
    "boolean": "boolean",
    "varchar": "character varying",
    "bpchar": "character",
    "decimal": "numeric",
    "numeric": "numeric",
    "varbit": "bit varying",
    "timestamptz": "timestamp with time zone",
    "timetz": "time with time zone",
    "timestamp": "timestamp without time zone",
    "time": "time without time zone",
}
_SERIALS = {
    "serial": "integer",
    "serial4": "integer",
    "bigserial": "bigint",
    "serial8": "bigint",
    "smallserial": "smallint",
    "serial2": "smallint",
}
_COMMANDS = ("ALL", "SELECT", "INSERT", "UPDATE", "DELETE")


@dataclass(slots=True)
class Column:
    """A column of the final schema: ``type`` as format_type prints it, ``default`` deparsed.

    Defaults are kept as parse trees and printed when first asked for, so that building a
    model nobody reads the defaults of costs no deparsing.
    """

    name: str
    type: str
    nullable: bool
    location: Location
    comment: str | None = None
    former_names: list[str] = field(default_factory=list)
    type_node: Any = field(default=None, repr=False, compare=False)
    default_node: Expr | None = field(default=None, repr=False, compare=False)
    default_type: Any = field(default=None, repr=False, compare=False)
    default_text: str | None = None
    rendered: bool = field(default=True, repr=False, compare=False)

    @property
    def default(self) -> str | None:
        if not self.rendered and self.default_node is not None:
            self.default_text = render_default(self.default_node, self.default_type)
        self.rendered = True
        return self.default_text

    def set_default(self, node: Expr | None, type_node: Any) -> None:
        """A default expression as parsed, cast as PostgreSQL stores it for ``type_node``."""
        self.default_node, self.default_type = node, type_node
        self.default_text, self.rendered = None, node is None

    def set_default_text(self, text: str | None) -> None:
        self.default_node = self.default_type = None
        self.default_text, self.rendered = text, True


@dataclass(slots=True)
class Policy:
    """A row-level security policy; ``roles`` sorted as pg_policies lists them. Its
    expressions are kept as parse trees and printed when first asked for."""

    name: str
    permissive: bool
    command: str
    roles: tuple[str, ...]
    location: Location
    using_node: Expr | None = field(default=None, repr=False, compare=False)
    check_node: Expr | None = field(default=None, repr=False, compare=False)
    former_names: list[str] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def _text(self, key: str, node: Expr | None) -> str | None:
        if key not in self.cache:
            self.cache[key] = None if node is None else expression_text(node)
        value: str | None = self.cache[key]
        return value

    @property
    def using(self) -> str | None:
        return self._text("using", self.using_node)

    @property
    def with_check(self) -> str | None:
        return self._text("with_check", self.check_node)

    @property
    def columns(self) -> frozenset[str]:
        """Columns the policy's expressions refer to."""
        if "columns" not in self.cache:
            self.cache["columns"] = frozenset().union(
                *(column_names(n.json) for n in (self.using_node, self.check_node) if n)
            )
        value: frozenset[str] = self.cache["columns"]
        return value


@dataclass(slots=True)
class Table:
    """A table with its columns (in order), RLS state and policies."""

    schema: str
    name: str
    location: Location
    columns: dict[str, Column] = field(default_factory=dict)
    rls_enabled: bool = False
    rls_forced: bool = False
    policies: dict[str, Policy] = field(default_factory=dict)
    comment: str | None = None
    former_names: list[tuple[str, str]] = field(default_factory=list)
    renamed_at: Location | None = None
    rls_location: Location | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)


@dataclass(slots=True)
class EnumType:
    schema: str
    name: str
    values: list[str]
    location: Location


@dataclass(slots=True)
class View:
    schema: str
    name: str
    location: Location


@dataclass(slots=True)
class Schema:
    """Every table, enum type, view and index the applied statements leave behind."""

    default_schema: str = "public"
    tables: dict[tuple[str, str], Table] = field(default_factory=dict)
    types: dict[tuple[str, str], EnumType] = field(default_factory=dict)
    views: dict[tuple[str, str], View] = field(default_factory=dict)
    indexes: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    statements: int = 0

    def display_name(self, key: tuple[str, str]) -> str:
        """``name`` in the default schema, ``schema.name`` elsewhere."""
        schema, name = key
        return name if schema == self.default_schema else f"{schema}.{name}"


# -- text positions ------------------------------------------------------------------------------


class Lines:
    """Maps offsets of a text to 1-based line numbers. libpg_query reports byte offsets of
    the UTF-8 text; for a text that is not pure ASCII, lines are counted over its bytes."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        self.text = text
        self.data: str | bytes = text if text.isascii() else text.encode("utf-8")
        newline: Any = "\n" if isinstance(self.data, str) else b"\n"
        starts = [0]
        position = self.data.find(newline)
        while position >= 0:
            starts.append(position + 1)
            position = self.data.find(newline, position + 1)
        self._starts = starts
        self.first_line = first_line

    def line(self, offset: int) -> int:
        """The line of a byte offset (as libpg_query reports them)."""
        return bisect.bisect_right(self._starts, offset) + self.first_line - 1

    def char_line(self, offset: int) -> int:
        """The line of a character offset."""
        return self.text.count("\n", 0, offset) + self.first_line

    def statement_line(self, offset: int) -> int:
        """Line of the first token at or after byte ``offset`` (space and comments skipped)."""
        data: Any = self.data
        text = isinstance(data, str)
        newline, dash, open_, close = (
            ("\n", "--", "/*", "*/") if text else (b"\n", b"--", b"/*", b"*/")
        )
        size = len(data)
        while offset < size:
            if data[offset : offset + 1].isspace():
                offset += 1
            elif data.startswith(dash, offset):
                end = data.find(newline, offset)
                offset = size if end < 0 else end + 1
            elif data.startswith(open_, offset):
                end = data.find(close, offset + 2)
                offset = size if end < 0 else end + 2
            else:
                break
        return self.line(min(offset, max(size - 1, 0)))

    def sql(self, start: int, length: int) -> str:
        """The text of a statement from its byte offset and length (0: to the end)."""
        end = len(self.data) if length <= 0 else start + length
        piece = self.data[start:end]
        return piece.decode("utf-8") if isinstance(piece, bytes) else piece


# -- PostgreSQL parsing ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Statement:
    """One parsed statement: its kind and body as libpg_query's JSON, its own text and the
    Lines of the text it was parsed from. ``kind`` is None when it did not parse."""

    line: int
    kind: str | None
    body: Any
    sql: str = ""
    lines: Lines | None = None
    error: str | None = None


def _unwrap(node: Any) -> tuple[str, Any]:
    """A JSON node ``{"Kind": {...}}`` as (kind, body)."""
    ((kind, body),) = node.items()
    return kind, body


def parse_postgres(text: str) -> list[Statement]:
    """Statements of a PostgreSQL script, each with its line; a statement that does not parse
    is returned with its error, and the others are still parsed."""
    from pglast.parser import ParseError

    try:
        return _parse_unit(text, 1)
    except (ParseError, RecursionError):
        pass
    result: list[Statement] = []
    for start, end in _chunks(text):
        first_line = text.count("\n", 0, start) + 1
        try:
            result.extend(_parse_unit(text[start:end], first_line))
        except ParseError as exc:
            offset = exc.args[1] if len(exc.args) > 1 else 0
            line = Lines(text[start:end], first_line).char_line(offset)
            result.append(Statement(line, None, None, error=str(exc.args[0])))
        except RecursionError:
            line = Lines(text[start:end], first_line).char_line(0)
            message = "the statement nests too deeply to be read; simplify the expression"
            result.append(Statement(line, None, None, error=message))
    return result


def _parse_unit(text: str, first_line: int) -> list[Statement]:
    import json

    from pglast.parser import parse_sql_json

    lines = Lines(text, first_line)
    statements = []
    for raw in json.loads(parse_sql_json(text)).get("stmts", ()):
        start = raw.get("stmt_location", 0)
        kind, body = _unwrap(raw["stmt"])
        sql = lines.sql(start, raw.get("stmt_len", 0))
        statements.append(Statement(lines.statement_line(start), kind, body, sql, lines))
    return statements


def _chunks(text: str) -> Iterator[tuple[int, int]]:
    """Character ranges of the statements of ``text``, split at `;` tokens of the scanner."""
    from pglast.parser import ParseError, scan

    try:
        tokens = scan(text)
    except ParseError:
        yield 0, len(text)
        return
    start = 0
    for token in tokens:
        if token.name == "ASCII_59":
            yield start, token.end + 1
            start = token.end + 1
    if text[start:].strip():
        yield start, len(text)


@dataclass(frozen=True, slots=True)
class Expr:
    """An expression of a statement: libpg_query's JSON of it (cheap to walk) and where it is
    in the statement, to print it through pglast's deparser when it is asked for."""

    sql: str
    path: tuple[str | int, ...]
    json: Any

    def node(self) -> Any:
        node = _parse_statement(self.sql)
        for step in self.path:
            if isinstance(step, int):
                node = node[step]
            else:
                node = getattr(node, step) if hasattr(node, step) else getattr(node, step + "_")
        return node

    def shape(self) -> str:
        """The expression's JSON without source offsets: equal for equal expressions wherever
        they are written, so the printed text can be shared between them."""
        return _shape(self.json)


_LOCATION = re.compile(r'"location": -?\d+')


def _shape(node: Any) -> str:
    """JSON text of a libpg_query tree without its ``location`` offsets."""
    return _LOCATION.sub("", json.dumps(node))


_PARSED: dict[str, Any] = {}


def _parse_statement(sql: str) -> Any:
    """The pglast tree of one statement's text (kept for the expressions that share it)."""
    if sql not in _PARSED:
        from pglast import parse_sql

        if len(_PARSED) > 256:
            _PARSED.clear()
        _PARSED[sql] = parse_sql(sql)[0].stmt
    return _PARSED[sql]


# -- normalisation ---------------------------------------------------------------------------------


def quote_ident(name: str) -> str:
    """``name`` as PostgreSQL's quote_ident prints it."""
    plain = (
        bool(name)
        and (name[0].islower() or name[0] == "_")
        and all(c.islower() or c.isdigit() or c in "_$" for c in name)
        and name.isascii()
    )
    # The SQL/JSON keywords of newer grammars (json, json_table ...) were plain names before.
    if plain and (name not in _keywords() or name.startswith("json")):
        return name
    return '"' + name.replace('"', '""') + '"'


_KEYWORDS: list[frozenset[str]] = []


def _keywords() -> frozenset[str]:
    """Keywords that are not unreserved (those need quotes as identifiers)."""
    if not _KEYWORDS:
        from pglast.keywords import COL_NAME_KEYWORDS, RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS

        _KEYWORDS.append(
            frozenset({*COL_NAME_KEYWORDS, *RESERVED_KEYWORDS, *TYPE_FUNC_NAME_KEYWORDS})
        )
    return _KEYWORDS[0]


def _strings(items: Iterable[Any]) -> list[str]:
    """The values of a JSON list of ``String`` nodes."""
    return [item.get("String", {}).get("sval", "") for item in items]


def _const(node: Any) -> str:
    """A typmod value (integer constant, or a name such as PostGIS's ``point``) as text."""
    kind, body = _unwrap(node)
    if kind == "A_Const":
        for key, inner in (("ival", "ival"), ("fval", "fval"), ("sval", "sval")):
            if key in body:
                return str(body[key].get(inner, 0))
    if kind == "ColumnRef":
        return _strings(body.get("fields", ()))[-1]
    return "?"


def format_type(node: Any, default_schema: str = "public") -> str:
    """A TypeName (libpg_query JSON) as PostgreSQL's format_type prints it."""
    names = _strings(node.get("names", ()))
    schema = names[0] if len(names) > 1 else None
    base = names[-1]
    mods = [_const(mod) for mod in node.get("typmods", ())]
    array = "[]" if node.get("arrayBounds") else ""
    builtin = schema in (None, "pg_catalog")
    if builtin and base in _SERIALS:
        return _SERIALS[base] + array
    if builtin and base in _TYPE_NAMES:
        name = _TYPE_NAMES[base]
        if base == "numeric" and mods:
            return f"numeric({mods[0]},{mods[1] if len(mods) > 1 else 0}){array}"
        if base in ("timestamp", "timestamptz", "time", "timetz"):
            precision = f"({mods[0]})" if mods else ""
            head, _, zone = name.partition(" ")
            return f"{head}{precision} {zone}{array}"
        if base == "bpchar" and not mods and schema == "pg_catalog":
            mods = ["1"]
        return name + (f"({','.join(mods)})" if mods else "") + array
    if schema == "pg_catalog" and base == "interval":
        return "interval" + array
    if schema == "pg_catalog" and base == "bit":
        return f"bit({mods[0] if mods else 1}){array}"
    if schema == "pg_catalog" and base == "char":
        return '"char"' + array
    visible = schema in (None, "pg_catalog", "public", default_schema)
    prefix = "" if visible else quote_ident(schema or "") + "."
    return prefix + quote_ident(base) + (f"({','.join(mods)})" if mods else "") + array


def _type_ast(node: Any) -> Any:
    """A pglast TypeName with the names and array bounds of a JSON TypeName (no typmods)."""
    from pglast import ast

    names = tuple(ast.String(sval=name) for name in _strings(node.get("names", ())))
    bounds = tuple(ast.Integer(ival=-1) for _ in node.get("arrayBounds", ()))
    return ast.TypeName(names=names, arrayBounds=bounds or None)


def deparse(node: Any) -> str:
    """An expression node printed back by pglast (whitespace, case and parentheses settled)."""
    from pglast.stream import RawStream

    return str(RawStream()(node))


_CACHE_SIZE = 4096
_TEXTS: dict[str, str] = {}
_DEFAULTS: dict[tuple[str, tuple[str, ...], int], str | None] = {}


def expression_text(expr: Expr) -> str:
    """``deparse`` of an expression, printed once for every expression of the same shape."""
    key = expr.shape()
    if key not in _TEXTS:
        if len(_TEXTS) >= _CACHE_SIZE:
            _TEXTS.clear()
        _TEXTS[key] = deparse(expr.node())
    return _TEXTS[key]


def render_default(expr: Expr, type_name: Any) -> str | None:
    """A default as PostgreSQL stores it: literals carry a cast to the column's type."""
    written = type_name or {}
    key = (
        expr.shape(),
        tuple(_strings(written.get("names", ()))),
        len(written.get("arrayBounds", ())),
    )
    if key not in _DEFAULTS:
        if len(_DEFAULTS) >= _CACHE_SIZE:
            _DEFAULTS.clear()
        _DEFAULTS[key] = _render_default(expr, type_name)
    return _DEFAULTS[key]


def _render_default(expr: Expr, type_name: Any) -> str | None:
    from pglast import ast

    node = expr.node()
    if isinstance(node, ast.A_Const):
        if node.isnull:
            return None
        value = node.val
        if isinstance(value, ast.String):
            return deparse(ast.TypeCast(arg=node, typeName=_type_ast(type_name)))
        # A negative number is stored as a quoted literal of the constant's own type.
        integer = getattr(value, "ival", None)
        number = getattr(value, "fval", None) if integer is None else integer
        if number is not None and str(number).startswith("-"):
            kind = "int4" if integer is not None else _numeric_kind(str(number))
            literal = ast.A_Const(val=ast.String(sval=str(number)))
            name = ast.TypeName(names=(ast.String(sval="pg_catalog"), ast.String(sval=kind)))
            return deparse(ast.TypeCast(arg=literal, typeName=name))
    return deparse(node)


def _numeric_kind(text: str) -> str:
    """The type PostgreSQL gives a numeric literal too large for integer: int8 if it fits."""
    digits = text.removeprefix("-")
    if digits.isdigit() and -(2**63) <= int(text) < 2**63:
        return "int8"
    return "numeric"


def _strip_literal_casts(node: Any, every: bool) -> Any:
    from pglast import ast, visitors

    class Strip(visitors.Visitor):
        def visit_TypeCast(self, ancestors: Any, cast: Any) -> Any:
            if isinstance(cast.arg, ast.A_Const) and isinstance(cast.arg.val, ast.String):
                target = cast.typeName.names[-1].sval
                if every or target == "text":
                    return cast.arg
            return None

    holder = ast.ResTarget(val=node)
    Strip()(holder)
    return holder.val


@functools.lru_cache(maxsize=_CACHE_SIZE)
def canonical_expression(text: str, literal_casts: bool = True) -> str | None:
    """An expression written in SQL, normalised through the parser; None if it does not parse.

    Casts of string literals to ``text`` (which PostgreSQL adds when it stores an expression)
    are dropped; with ``literal_casts=False`` every cast of a string literal is dropped.
    """
    from pglast import parse_sql
    from pglast.parser import ParseError

    try:
        parsed = parse_sql(f"SELECT {text}")
    except ParseError:
        return None
    if len(parsed) != 1 or len(getattr(parsed[0].stmt, "targetList", None) or ()) != 1:
        return None
    statement: Any = parsed[0].stmt
    return deparse(_strip_literal_casts(statement.targetList[0].val, every=not literal_casts))


@functools.lru_cache(maxsize=_CACHE_SIZE)
def canonical_type(text: str, default_schema: str = "public") -> str | None:
    """A type written in a doc (``varchar(20)``, ``timestamptz``) as format_type prints it."""
    from pglast.parser import ParseError

    try:
        statements = _parse_unit(f"SELECT NULL::{text}", 1)
    except ParseError:
        return None
    if len(statements) != 1:
        return None
    targets = statements[0].body.get("targetList", ())
    kind, cast = _unwrap(targets[0]["ResTarget"]["val"]) if len(targets) == 1 else ("", {})
    if kind != "TypeCast":
        return None
    return format_type(cast["typeName"], default_schema)


def column_names(node: Any) -> frozenset[str]:
    """Names of the columns a JSON expression refers to (the last part of each reference)."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            reference = item.get("ColumnRef")
            if isinstance(reference, dict):
                fields = _strings(f for f in reference.get("fields", ()) if "String" in f)
                if fields:
                    found.add(fields[-1])
            else:
                stack.extend(item.values())
    return frozenset(found)


# -- applying PostgreSQL statements ---------------------------------------------------------------


class PostgresBuilder:
    """Applies parsed statements (libpg_query JSON), one at a time and in order, to a Schema."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.location = Location("", 1)
        self.statement = Statement(1, None, None)

    def _at(self, offset: int | None) -> Location:
        """The location of a node inside the current statement (its own line if known)."""
        lines = self.statement.lines
        if lines is None or offset is None:
            return self.location
        return Location(self.location.path, lines.line(offset))

    def _expr(self, node: Any, *path: str | int) -> Expr:
        return Expr(self.statement.sql, path, node)

    def _problem(self, message: str, subject: str) -> None:
        self.schema.problems.append(Problem(NOT_APPLIED, Finding(self.location, message, subject)))

    def _key(self, rangevar: Any) -> tuple[str, str]:
        return (rangevar.get("schemaname") or self.schema.default_schema, rangevar["relname"])

    def _names_key(self, names: Iterable[Any]) -> tuple[str, str]:
        parts = _strings(names)
        schema = parts[-2] if len(parts) > 1 else self.schema.default_schema
        return (schema, parts[-1])

    def _table(self, key: tuple[str, str], missing_ok: bool = False) -> Table | None:
        table = self.schema.tables.get(key)
        if table is None and not missing_ok:
            self._problem(
                f"table {self.schema.display_name(key)} does not exist at this point of the "
                "migrations; PostgreSQL would reject this statement",
                self.schema.display_name(key),
            )
        return table

    def _column(self, table: Table, name: str, missing_ok: bool = False) -> Column | None:
        column = table.columns.get(name)
        if column is None and not missing_ok:
            self._problem(
                f"column {table.name}.{name} does not exist at this point of the migrations; "
                "PostgreSQL would reject this statement",
                f"{table.name}.{name}",
            )
        return column

    def apply(self, statement: Statement, location: Location) -> None:
        self.location = location
        self.statement = statement
        self.schema.statements += 1
        handler = getattr(self, "_" + (statement.kind or ""), None)
        if handler is not None:
            handler(statement.body)

    # CREATE TABLE
    def _CreateStmt(self, node: Any) -> None:
        key = self._key(node["relation"])
        if key in self.schema.tables:
            if not node.get("if_not_exists"):
                self._problem(
                    f"table {self.schema.display_name(key)} already exists; PostgreSQL would "
                    "reject this statement (write CREATE TABLE IF NOT EXISTS)",
                    self.schema.display_name(key),
                )
            return
        table = Table(key[0], key[1], self.location)
        for parent in node.get("inhRelations", ()):
            source = self.schema.tables.get(self._key(parent["RangeVar"]))
            if source is not None:
                for column in source.columns.values():
                    table.columns[column.name] = _copy_column(column, self.location)
        for index, element in enumerate(node.get("tableElts", ())):
            kind, body = _unwrap(element)
            if kind == "ColumnDef":
                column = self._column_def(body, table, ("tableElts", index))
                if column.name in table.columns:
                    previous = table.columns[column.name]
                    column.nullable = column.nullable and previous.nullable
                table.columns[column.name] = column
            elif kind == "Constraint":
                self._table_constraint(table, body)
            elif kind == "TableLikeClause":
                source = self.schema.tables.get(self._key(body["relation"]))
                if source is not None:
                    for column in source.columns.values():
                        copy = _copy_column(column, self.location)
                        copy.set_default_text(None)
                        table.columns[copy.name] = copy
        self.schema.tables[key] = table

    def _column_def(self, node: Any, table: Table, path: tuple[str | int, ...]) -> Column:
        type_name = node["typeName"]
        text = format_type(type_name, self.schema.default_schema)
        base = _strings(type_name.get("names", ()))[-1]
        nullable = not node.get("is_not_null", False)
        column = Column(node["colname"], text, nullable, self._at(node.get("location")))
        column.type_node = type_name
        if base in _SERIALS and not type_name.get("arrayBounds"):
            nullable = False
            sequence = f"{table.name}_{column.name}_seq"
            if table.schema != self.schema.default_schema:
                sequence = f"{table.schema}.{sequence}"
            column.set_default_text(f"nextval(CAST('{sequence}' AS regclass))")
        for index, constraint in enumerate(node.get("constraints", ())):
            body = constraint["Constraint"]
            kind = body.get("contype")
            if kind in ("CONSTR_NOTNULL", "CONSTR_PRIMARY", "CONSTR_IDENTITY"):
                nullable = False
            elif kind == "CONSTR_NULL":
                nullable = True
            elif kind == "CONSTR_DEFAULT":
                expr = self._expr(body.get("raw_expr"), *path, "constraints", index, "raw_expr")
                column.set_default(expr, type_name)
        column.nullable = nullable
        return column

    def _table_constraint(self, table: Table, node: Any) -> None:
        if node.get("contype") == "CONSTR_PRIMARY":
            for name in _strings(node.get("keys", ())):
                column = table.columns.get(name)
                if column is not None:
                    column.nullable = False

    # ALTER TABLE
    def _AlterTableStmt(self, node: Any) -> None:
        if node.get("objtype") != "OBJECT_TABLE":
            return
        table = self._table(self._key(node["relation"]), node.get("missing_ok", False))
        if table is None:
            return
        for index, command in enumerate(node.get("cmds", ())):
            self._alter_command(table, command["AlterTableCmd"], ("cmds", index))

    def _alter_command(self, table: Table, cmd: Any, path: tuple[str | int, ...]) -> None:
        kind = cmd.get("subtype")
        name = cmd.get("name", "")
        missing_ok = cmd.get("missing_ok", False)
        column: Column | None
        if kind in _RLS_COMMANDS:
            table.rls_location = self.location
            enabled, forced = _RLS_COMMANDS[kind]
            if enabled is not None:
                table.rls_enabled = enabled
            if forced is not None:
                table.rls_forced = forced
        elif kind == "AT_AddColumn":
            definition = cmd["def"]["ColumnDef"]
            if definition["colname"] in table.columns:
                if not missing_ok:
                    self._problem(
                        f"column {table.name}.{definition['colname']} already exists; "
                        "PostgreSQL would reject this statement",
                        f"{table.name}.{definition['colname']}",
                    )
                return
            column = self._column_def(definition, table, (*path, "def"))
            table.columns[column.name] = column
        elif kind == "AT_DropColumn":
            if self._column(table, name, missing_ok) is not None:
                del table.columns[name]
        elif kind == "AT_AlterColumnType":
            column = self._column(table, name)
            if column is not None:
                type_name = cmd["def"]["ColumnDef"]["typeName"]
                column.type = format_type(type_name, self.schema.default_schema)
                column.type_node = type_name
                column.location = self.location
        elif kind in ("AT_SetNotNull", "AT_DropNotNull"):
            column = self._column(table, name)
            if column is not None:
                column.nullable = kind == "AT_DropNotNull"
                column.location = self.location
        elif kind == "AT_ColumnDefault":
            column = self._column(table, name)
            if column is not None:
                expr = cmd.get("def")
                column.set_default(
                    None if expr is None else self._expr(expr, *path, "def"), column.type_node
                )
                column.location = self.location
        elif kind == "AT_AddConstraint":
            self._table_constraint(table, cmd["def"]["Constraint"])

    # RENAME and SET SCHEMA
    def _RenameStmt(self, node: Any) -> None:
        kind = node.get("renameType")
        new = node.get("newname", "")
        if kind == "OBJECT_TYPE":
            key = self._names_key(node["object"]["List"]["items"])
            enum = self.schema.types.pop(key, None)
            if enum is not None:
                enum.name = new
                self.schema.types[(key[0], new)] = enum
                self._retype(key, (key[0], new))
            return
        if "relation" not in node:
            return
        key = self._key(node["relation"])
        missing_ok = node.get("missing_ok", False)
        if kind in ("OBJECT_VIEW", "OBJECT_MATVIEW"):
            view = self.schema.views.pop(key, None)
            if view is not None:
                view.name = new
                self.schema.views[(key[0], new)] = view
            return
        if kind not in ("OBJECT_TABLE", "OBJECT_COLUMN", "OBJECT_POLICY"):
            return
        table = self._table(key, missing_ok)
        if table is None:
            return
        old = node.get("subname", "")
        if kind == "OBJECT_TABLE":
            self._move(table, (table.schema, new))
        elif kind == "OBJECT_COLUMN":
            column = self._column(table, old)
            if column is not None:
                column.former_names.append(column.name)
                column.name = new
                column.location = self.location
                table.columns = {(new if k == old else k): v for k, v in table.columns.items()}
        else:
            policy = table.policies.pop(old, None)
            if policy is None:
                self._problem(
                    f"policy {old} on {table.name} does not exist; PostgreSQL would "
                    "reject this statement",
                    f"policy {table.name}.{old}",
                )
                return
            policy.former_names.append(policy.name)
            policy.name = new
            table.policies[new] = policy

    def _move(self, table: Table, key: tuple[str, str]) -> None:
        del self.schema.tables[table.key]
        table.former_names.append(table.key)
        table.renamed_at = self.location
        for index, owner in self.schema.indexes.items():
            if owner == table.key:
                self.schema.indexes[index] = key
        table.schema, table.name = key
        self.schema.tables[key] = table

    def _AlterObjectSchemaStmt(self, node: Any) -> None:
        kind = node.get("objectType")
        new_schema = node.get("newschema", "")
        if kind == "OBJECT_TABLE":
            table = self._table(self._key(node["relation"]), node.get("missing_ok", False))
            if table is not None:
                self._move(table, (new_schema, table.name))
        elif kind == "OBJECT_TYPE":
            key = self._names_key(node["object"]["List"]["items"])
            enum = self.schema.types.pop(key, None)
            if enum is not None:
                enum.schema = new_schema
                self.schema.types[(new_schema, key[1])] = enum
                self._retype(key, (new_schema, key[1]))

    def _retype(self, old: tuple[str, str], new: tuple[str, str]) -> None:
        visible = new[0] in ("public", self.schema.default_schema)
        names = [{"String": {"sval": part}} for part in (new[1:] if visible else new)]
        for table in self.schema.tables.values():
            for column in table.columns.values():
                node = column.type_node
                if node is None or self._names_key(node.get("names", ())) != old:
                    continue
                column.type_node = {"names": names, "arrayBounds": node.get("arrayBounds", [])}
                column.type = format_type(column.type_node, self.schema.default_schema)
                if column.default_node is not None and column.default_type is node:
                    column.set_default(column.default_node, column.type_node)

    # DROP
    def _DropStmt(self, node: Any) -> None:
        kind = node.get("removeType")
        missing_ok = node.get("missing_ok", False)
        for target in node.get("objects", ()):
            if kind == "OBJECT_TYPE":
                self.schema.types.pop(self._names_key(target["TypeName"]["names"]), None)
                continue
            parts = target["List"]["items"] if "List" in target else [target]
            if kind == "OBJECT_SCHEMA":
                self._drop_schema(_strings(parts)[-1])
            elif kind == "OBJECT_TABLE":
                key = self._names_key(parts)
                if self._table(key, missing_ok) is not None:
                    del self.schema.tables[key]
                    for name, owner in list(self.schema.indexes.items()):
                        if owner == key:
                            del self.schema.indexes[name]
            elif kind in ("OBJECT_VIEW", "OBJECT_MATVIEW"):
                self.schema.views.pop(self._names_key(parts), None)
            elif kind == "OBJECT_INDEX":
                self.schema.indexes.pop(self._names_key(parts), None)
            elif kind == "OBJECT_POLICY":
                table = self._table(self._names_key(parts[:-1]), missing_ok)
                policy = _strings(parts[-1:])[0]
                if table is None:
                    continue
                if policy in table.policies:
                    del table.policies[policy]
                elif not missing_ok:
                    self._problem(
                        f"policy {policy} on {table.name} does not exist; PostgreSQL would "
                        "reject this statement (write DROP POLICY IF EXISTS)",
                        f"policy {table.name}.{policy}",
                    )

    def _drop_schema(self, name: str) -> None:
        """DROP SCHEMA (CASCADE) takes the schema's tables, types, views and indexes along."""
        built = self.schema
        for objects in (built.tables, built.types, built.views, built.indexes):
            for key in [k for k in objects if k[0] == name]:
                del objects[key]

    # types, views, indexes, comments
    def _CreateEnumStmt(self, node: Any) -> None:
        key = self._names_key(node["typeName"])
        values = _strings(node.get("vals", ()))
        self.schema.types[key] = EnumType(key[0], key[1], values, self.location)

    def _AlterEnumStmt(self, node: Any) -> None:
        enum = self.schema.types.get(self._names_key(node["typeName"]))
        if enum is None:
            return
        new = node.get("newVal", "")
        if node.get("oldVal"):
            enum.values = [new if v == node["oldVal"] else v for v in enum.values]
            return
        if new in enum.values:
            return
        neighbour = node.get("newValNeighbor")
        if neighbour and neighbour in enum.values:
            index = enum.values.index(neighbour) + (1 if node.get("newValIsAfter") else 0)
            enum.values.insert(index, new)
        else:
            enum.values.append(new)

    def _ViewStmt(self, node: Any) -> None:
        key = self._key(node["view"])
        self.schema.views[key] = View(key[0], key[1], self.location)

    def _CreateTableAsStmt(self, node: Any) -> None:
        if node.get("objtype") == "OBJECT_MATVIEW":
            key = self._key(node["into"]["rel"])
            self.schema.views[key] = View(key[0], key[1], self.location)

    def _IndexStmt(self, node: Any) -> None:
        if node.get("idxname"):
            relation = node["relation"]
            schema = relation.get("schemaname") or self.schema.default_schema
            self.schema.indexes[(schema, node["idxname"])] = self._key(relation)

    def _CommentStmt(self, node: Any) -> None:
        kind = node.get("objtype")
        if kind not in ("OBJECT_TABLE", "OBJECT_COLUMN"):
            return
        parts = node["object"]["List"]["items"]
        if kind == "OBJECT_TABLE":
            table = self._table(self._names_key(parts))
            if table is not None:
                table.comment = node.get("comment")
            return
        table = self._table(self._names_key(parts[:-1]))
        if table is not None:
            column = self._column(table, _strings(parts[-1:])[0])
            if column is not None:
                column.comment = node.get("comment")

    # policies
    def _CreatePolicyStmt(self, node: Any) -> None:
        table = self._table(self._key(node["table"]))
        if table is None:
            return
        name = node["policy_name"]
        if name in table.policies:
            self._problem(
                f"policy {name} on {table.name} already exists; PostgreSQL would reject this "
                "statement",
                f"policy {table.name}.{name}",
            )
            return
        qual, check = node.get("qual"), node.get("with_check")
        table.policies[name] = Policy(
            name=name,
            permissive=bool(node.get("permissive", False)),
            command=(node.get("cmd_name") or "all").upper(),
            roles=roles_of(node.get("roles", ())),
            location=self.location,
            using_node=None if qual is None else self._expr(qual, "qual"),
            check_node=None if check is None else self._expr(check, "with_check"),
        )

    def _AlterPolicyStmt(self, node: Any) -> None:
        table = self._table(self._key(node["table"]))
        if table is None:
            return
        name = node["policy_name"]
        policy = table.policies.get(name)
        if policy is None:
            self._problem(
                f"policy {name} on {table.name} does not exist; PostgreSQL would reject this "
                "statement",
                f"policy {table.name}.{name}",
            )
            return
        if node.get("roles"):
            policy.roles = roles_of(node["roles"])
        if node.get("qual") is not None:
            policy.using_node = self._expr(node["qual"], "qual")
        if node.get("with_check") is not None:
            policy.check_node = self._expr(node["with_check"], "with_check")
        policy.cache.clear()
        policy.location = self.location


_RLS_COMMANDS: dict[str, tuple[bool | None, bool | None]] = {
    "AT_EnableRowSecurity": (True, None),
    "AT_DisableRowSecurity": (False, None),
    "AT_ForceRowSecurity": (None, True),
    "AT_NoForceRowSecurity": (None, False),
}


def _copy_column(column: Column, location: Location) -> Column:
    copy = Column(column.name, column.type, column.nullable, location, type_node=column.type_node)
    if column.rendered:
        copy.set_default_text(column.default_text)
    else:
        copy.set_default(column.default_node, column.default_type)
    return copy


def roles_of(nodes: Iterable[Any]) -> tuple[str, ...]:
    """Role names of JSON RoleSpec nodes, sorted as pg_policies lists them."""
    names = []
    for node in nodes:
        role = node.get("RoleSpec", {})
        kind = role.get("roletype", "ROLESPEC_CSTRING")
        if kind == "ROLESPEC_CSTRING":
            names.append(role.get("rolename", ""))
        else:
            names.append(kind.removeprefix("ROLESPEC_").lower())
    return tuple(sorted(set(names))) or ("public",)


def parse_policy_clause(clause: str) -> tuple[str, Any]:
    """The statement text and JSON body of ``CREATE POLICY .. ON .. <clause>`` (the clause of
    a documented policy); raises pglast's ParseError when it is not exactly one policy."""
    from pglast.parser import ParseError

    sql = f"CREATE POLICY doclint ON doclint {clause}"
    statements = _parse_unit(sql, 1)
    if len(statements) != 1 or statements[0].kind != "CreatePolicyStmt":
        raise ParseError("not one policy clause", 0)
    return statements[0].sql, statements[0].body


def apply_postgres(schema: Schema, display: str, text: str) -> None:
    """Parse ``text`` (one migration) and apply its statements; problems go to the schema."""
    builder = PostgresBuilder(schema)
    for statement in parse_postgres(text):
        location = Location(display, statement.line)
        if statement.kind is None:
            schema.problems.append(
                Problem(
                    SYNTAX_ERROR,
                    Finding(
                        location,
                        f"SQL statement does not parse: {statement.error}; the other statements "
                        "are still applied",
                        f"{display}:{statement.line}",
                    ),
                )
            )
            continue
        builder.apply(statement, location)


# -- other dialects (sqlglot: tables and columns) --------------------------------------------------


def apply_sqlglot(schema: Schema, display: str, text: str, dialect: str) -> None:
    """Apply CREATE/ALTER/DROP TABLE statements of a non-PostgreSQL script through sqlglot."""
    from sqlglot import TokenType, exp
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.errors import ParseError, TokenError

    engine = Dialect.get_or_raise(dialect)
    try:
        tokens = engine.tokenize(text)
    except TokenError as exc:
        _syntax(schema, display, 1, str(exc))
        return
    chunks: list[list[Any]] = [[]]
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            chunks.append([])
        else:
            chunks[-1].append(token)
    for chunk in chunks:
        if not chunk:
            continue
        line = chunk[0].line
        try:
            expressions = engine.parser().parse(chunk, text)
        except ParseError as exc:
            error = exc.errors[0] if exc.errors else {}
            _syntax(schema, display, int(error.get("line") or line), str(error.get("description")))
            continue
        location = Location(display, line)
        for expression in expressions:
            schema.statements += 1
            if isinstance(expression, exp.Create) and expression.kind == "TABLE":
                _glot_create(schema, expression, location, dialect)
            elif isinstance(expression, exp.Drop) and expression.kind == "TABLE":
                for target in expression.args.get("tables") or [expression.this]:
                    if target is not None:
                        schema.tables.pop(_glot_key(schema, target), None)
            elif isinstance(expression, exp.Alter) and expression.args.get("kind") == "TABLE":
                _glot_alter(schema, expression, location, dialect)


def _syntax(schema: Schema, display: str, line: int, message: str) -> None:
    location = Location(display, line)
    schema.problems.append(
        Problem(
            SYNTAX_ERROR,
            Finding(
                location,
                f"SQL statement does not parse: {message}; the other statements are still applied",
                f"{display}:{line}",
                (Related.at(location, "statement"),),
            ),
        )
    )


def _glot_key(schema: Schema, table: Any) -> tuple[str, str]:
    return (table.db or schema.default_schema, table.name)


def _glot_column(definition: Any, location: Location, dialect: str) -> Column:
    from sqlglot import exp

    kind = definition.args.get("kind")
    type_text = kind.sql(dialect=dialect).lower() if kind is not None else ""
    nullable = True
    default = None
    for constraint in definition.args.get("constraints") or ():
        body = constraint.args.get("kind")
        if isinstance(body, exp.NotNullColumnConstraint):
            nullable = bool(body.args.get("allow_null"))
        elif isinstance(body, exp.PrimaryKeyColumnConstraint):
            nullable = False
        elif isinstance(body, exp.DefaultColumnConstraint):
            default = body.this.sql(dialect=dialect)
    column = Column(definition.name, type_text, nullable, location)
    column.set_default_text(default)
    return column


def _glot_create(schema: Schema, expression: Any, location: Location, dialect: str) -> None:
    from sqlglot import exp

    target = expression.this
    if not isinstance(target, exp.Schema) or target.this is None:
        return
    key = _glot_key(schema, target.this)
    if key in schema.tables:
        return
    table = Table(key[0], key[1], location)
    for element in target.expressions:
        if isinstance(element, exp.ColumnDef):
            column = _glot_column(element, location, dialect)
            table.columns[column.name] = column
        elif isinstance(element, exp.PrimaryKey):
            for part in element.expressions:
                key_column = table.columns.get(part.name)
                if key_column is not None:
                    key_column.nullable = False
    schema.tables[key] = table


def _glot_alter(schema: Schema, expression: Any, location: Location, dialect: str) -> None:
    from sqlglot import exp

    if expression.this is None:
        return
    table = schema.tables.get(_glot_key(schema, expression.this))
    if table is None:
        return
    for action in expression.args.get("actions") or ():
        if isinstance(action, exp.ColumnDef):
            column = _glot_column(action, location, dialect)
            table.columns[column.name] = column
        elif isinstance(action, exp.Drop) and action.kind == "COLUMN":
            targets = action.args.get("tables") or [action.this]
            for target in targets:
                if target is not None:
                    table.columns.pop(target.name, None)
        elif isinstance(action, exp.RenameColumn):
            old, new = action.this.name, action.args["to"].name
            renamed = table.columns.get(old)
            if renamed is not None:
                renamed.former_names.append(old)
                renamed.name = new
                table.columns = {(new if k == old else k): v for k, v in table.columns.items()}
        elif isinstance(action, exp.AlterRename):
            del schema.tables[table.key]
            table.former_names.append(table.key)
            table.name = action.this.name
            schema.tables[table.key] = table
