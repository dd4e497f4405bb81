"""Type names and identifiers as PostgreSQL's format_type and quote_ident print them."""

from __future__ import annotations

from typing import Any

from doclint.sources.sqlstatements import strings, unwrap

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
SERIALS = {
    "serial": "integer",
    "serial4": "integer",
    "bigserial": "bigint",
    "serial8": "bigint",
    "smallserial": "smallint",
    "serial2": "smallint",
}


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


def _const(node: Any) -> str:
    """A typmod value (integer constant, or a name such as PostGIS's ``point``) as text."""
    kind, body = unwrap(node)
    if kind == "A_Const":
        for key, inner in (("ival", "ival"), ("fval", "fval"), ("sval", "sval")):
            if key in body:
                return str(body[key].get(inner, 0))
    if kind == "ColumnRef":
        return strings(body.get("fields", ()))[-1]
    return "?"


def format_type(node: Any, default_schema: str = "public") -> str:
    """A TypeName (libpg_query JSON) as PostgreSQL's format_type prints it."""
    names = strings(node.get("names", ()))
    schema = names[0] if len(names) > 1 else None
    base = names[-1]
    mods = [_const(mod) for mod in node.get("typmods", ())]
    array = "[]" if node.get("arrayBounds") else ""
    builtin = schema in (None, "pg_catalog")
    if builtin and base in SERIALS:
        return SERIALS[base] + array
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
