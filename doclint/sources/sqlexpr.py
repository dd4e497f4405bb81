"""SQL expressions printed through pglast's deparser, and their canonical forms."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from doclint.sources.sqlstatements import parse_unit, strings, unwrap
from doclint.sources.sqltypes import format_type


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


def _type_ast(node: Any) -> Any:
    """A pglast TypeName with the names and array bounds of a JSON TypeName (no typmods)."""
    from pglast import ast

    names = tuple(ast.String(sval=name) for name in strings(node.get("names", ())))
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
        tuple(strings(written.get("names", ()))),
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
        statements = parse_unit(f"SELECT NULL::{text}", 1)
    except ParseError:
        return None
    if len(statements) != 1:
        return None
    targets = statements[0].body.get("targetList", ())
    kind, cast = unwrap(targets[0]["ResTarget"]["val"]) if len(targets) == 1 else ("", {})
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
                fields = strings(f for f in reference.get("fields", ()) if "String" in f)
                if fields:
                    found.add(fields[-1])
            else:
                stack.extend(item.values())
    return frozenset(found)


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
