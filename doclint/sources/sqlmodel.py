"""The schema model of a database: tables, columns, policies, enum types and views."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from doclint.diagnostics import Location, Problem
from doclint.sources.sqlexpr import Expr, column_names, expression_text, render_default

SYNTAX_ERROR = "DL933"
NOT_APPLIED = "DL935"


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
