"""The OpenAPI model's dataclasses, spec nodes with their place, and documented-type spellings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from doclint.diagnostics import Location
from doclint.sources.openapi_lines import Lines, Pointer
from doclint.sources.structured import Located
from doclint.text import FORMAT_BASES

if TYPE_CHECKING:
    from doclint.sources.openapi_refs import Resolver

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PARAM = re.compile(r"\{[^{}]*\}")


@dataclass(frozen=True, slots=True)
class Node:
    """A value of the spec together with the file and JSON pointer it was read from."""

    value: Any
    located: Located
    pointer: Pointer
    path: Path
    lines: Lines | None = field(default=None, compare=False, repr=False)

    def child(self, key: str | int) -> Node:
        return Node(self.value[key], self.located, (*self.pointer, key), self.path, self.lines)

    def line_at(self, pointer: Pointer = ()) -> int:
        full = (*self.pointer, *pointer)
        if self.lines is None:
            return self.located.line_of(full)
        return self.lines.line_of(full)

    @property
    def location(self) -> Location:
        return Location(self.located.display, self.line_at())


@dataclass(frozen=True, slots=True)
class TypeInfo:
    """A schema's type as shown (``string(uuid)``) and every spelling a doc may use for it."""

    display: str
    accepted: frozenset[str]

    def matches(self, written: str) -> bool:
        return normalise_type(written) in self.accepted


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    where: str
    required: bool
    type: TypeInfo
    location: Location


@dataclass(frozen=True, slots=True)
class RequestField:
    name: str
    required: bool
    type: TypeInfo
    location: Location


@dataclass(frozen=True, slots=True)
class Response:
    status: str
    location: Location
    error_codes: tuple[str, ...] = ()
    error_code_locations: tuple[Location, ...] = ()


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    shape: str
    location: Location
    operation_id: str | None
    deprecated: bool
    parameters: tuple[Parameter, ...]
    request_fields: tuple[RequestField, ...]
    responses: tuple[Response, ...]
    summary: str = ""

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True, slots=True)
class Example:
    """An example value in the spec with the schema it should satisfy."""

    value: Any
    schema: Node
    location: Location
    label: str


@dataclass(slots=True)
class OpenApiModel:
    display: str
    document: Located
    version: str | None
    operations: tuple[Operation, ...]
    openapi_version: str = ""
    path: Path = field(default_factory=Path)
    examples: tuple[Example, ...] = ()
    resolver: Resolver | None = field(default=None, repr=False)

    @property
    def root(self) -> Node:
        lines = self.resolver.lines(self.document) if self.resolver else None
        return Node(self.document.data, self.document, (), self.path, lines)


def shape_of(path: str) -> str:
    """The path with every parameter name blanked: ``/v1/sessions/{}``."""
    return _PARAM.sub("{}", path)


def path_params(path: str) -> list[str]:
    return [match.group()[1:-1] for match in _PARAM.finditer(path)]


# -- types ------------------------------------------------------------------------------------
_ALIASES = {
    "int": "integer",
    "long": "integer(int64)",
    "bool": "boolean",
    "str": "string",
    "text": "string",
    "datetime": "string(date-time)",
    "timestamp": "string(date-time)",
    "map": "object",
    "dict": "object",
    "list": "array",
}
_BASES = ("string", "integer", "number", "boolean", "object", "array", "null")


def normalise_type(text: str) -> str:
    """A doc's type cell in canonical form (SPEC §4.2): ``string(uuid)``, ``array<integer>``."""
    value = text.replace("`", "").replace("*", "").strip().lower()
    value = re.sub(r"\s*(\|\s*null|,\s*nullable|\?)$", "", value)
    value = re.sub(r"^nullable\s+", "", value)
    if value.endswith("[]"):
        return f"array<{normalise_type(value[:-2])}>"
    match = re.fullmatch(r"(?:array|list)\s*[<(\[]\s*(.+?)\s*[>)\]]", value)
    if match:
        return f"array<{normalise_type(match.group(1))}>"
    if value.startswith("enum"):
        return "enum"
    match = re.fullmatch(r"([a-z]+)\s*[<(]\s*([\w.-]+)\s*[>)]", value)
    if match and match.group(1) in _BASES:
        return f"{match.group(1)}({match.group(2)})"
    if value in _ALIASES:
        return _ALIASES[value]
    if value in FORMAT_BASES:
        return f"{FORMAT_BASES[value]}({value})"
    return value
