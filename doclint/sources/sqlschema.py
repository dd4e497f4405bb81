"""The schema PostgreSQL migrations build, applying their statements in order (SPEC §4.3)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from doclint.diagnostics import Finding, Location, Problem
from doclint.sources.sqlexpr import Expr, roles_of
from doclint.sources.sqlmodel import (
    NOT_APPLIED,
    SYNTAX_ERROR,
    Column,
    EnumType,
    Policy,
    Schema,
    Table,
    View,
)
from doclint.sources.sqlstatements import Statement, parse_postgres, strings, unwrap
from doclint.sources.sqltypes import SERIALS, format_type


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
        parts = strings(names)
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
            kind, body = unwrap(element)
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
        base = strings(type_name.get("names", ()))[-1]
        nullable = not node.get("is_not_null", False)
        column = Column(node["colname"], text, nullable, self._at(node.get("location")))
        column.type_node = type_name
        if base in SERIALS and not type_name.get("arrayBounds"):
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
            for name in strings(node.get("keys", ())):
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
                self._drop_schema(strings(parts)[-1])
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
                policy = strings(parts[-1:])[0]
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
        values = strings(node.get("vals", ()))
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
            column = self._column(table, strings(parts[-1:])[0])
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
