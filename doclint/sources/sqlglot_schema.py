"""The tables and columns that migrations in dialects other than PostgreSQL build (sqlglot)."""

from __future__ import annotations

from typing import Any

from doclint.diagnostics import Finding, Location, Problem, Related
from doclint.sources.sqlmodel import SYNTAX_ERROR, Column, Schema, Table


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
