"""Field types: what a schema allows at each property, as dotted paths, and what docs state."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from doclint.diagnostics import Location
from doclint.sources.jsonschema import MAX_DEPTH, SchemaStore
from doclint.sources.schema_nodes import Node, Pointer, Where
from doclint.text import FORMAT_BASES


@dataclass(frozen=True, slots=True)
class SchemaType:
    """A normalised JSON Schema type. ``base`` None means "any"."""

    base: str | None
    format: str | None = None
    items: SchemaType | None = None
    ref: str | None = None
    enum: bool = False

    def render(self) -> str:
        if self.base == "array":
            return f"array<{self.items.render()}>" if self.items else "array"
        text = self.base or "any"
        if self.format:
            text = f"{text}({self.format})"
        if self.enum:
            text = f"{text} (enum)"
        return text


@dataclass(frozen=True, slots=True)
class Field:
    """One property of a schema as a dotted path (``usage.input_tokens``, ``items[].sku``)."""

    path: str
    types: tuple[SchemaType, ...]
    required: bool
    location: Location
    required_at: Location | None = None

    @property
    def type_text(self) -> str:
        return " | ".join(t.render() for t in self.types) or "any"


def types_of(schemas: SchemaStore, node: Node, depth: int = 0) -> tuple[SchemaType, ...]:
    """The alternatives a schema allows (``null`` dropped); empty means any."""
    parts = schemas.parts(node)
    if depth > MAX_DEPTH or not parts:
        return ()
    ref = node.contents.get("$ref") if isinstance(node.contents, dict) else None
    ref_name = ref.rstrip("/").rsplit("/", 1)[-1].removesuffix(".json") if ref else None
    bases: list[str] | None = None
    fmt: str | None = None
    enum = False
    items: Node | None = None
    has_properties = False
    for part in parts:
        contents = part.contents
        declared = contents.get("type")
        if bases is None and isinstance(declared, str):
            bases = [declared]
        elif bases is None and isinstance(declared, list):
            bases = [t for t in declared if isinstance(t, str)]
        if fmt is None and isinstance(contents.get("format"), str):
            fmt = contents["format"]
        if "enum" in contents:
            enum = True
        if bases is None and "const" in contents:
            bases = [_json_type(contents["const"])]
        if items is None and isinstance(contents.get("items"), dict):
            items = _child(part, "items")
        has_properties = has_properties or isinstance(contents.get("properties"), dict)
    if bases is None:
        alternatives: list[SchemaType] = []
        for part in parts:
            for keyword in ("oneOf", "anyOf"):
                branches = part.contents.get(keyword)
                if isinstance(branches, list):
                    for index in range(len(branches)):
                        child = _child(part, keyword, index)
                        if child is not None:
                            alternatives.extend(types_of(schemas, child, depth + 1))
        if alternatives:
            return tuple(dict.fromkeys(t for t in alternatives if t.base != "null"))
        if has_properties:
            bases = ["object"]
        elif items is not None:
            bases = ["array"]
        else:
            return ()
    result = []
    for base in bases:
        if base == "null" and len(bases) > 1:
            continue
        item_type = None
        if base == "array" and items is not None:
            item_types = types_of(schemas, items, depth + 1)
            item_type = item_types[0] if len(item_types) == 1 else None
        result.append(
            SchemaType(
                base,
                fmt if base in ("string", "integer", "number") else None,
                item_type,
                ref_name,
                enum,
            )
        )
    return tuple(result)


def fields_of(schemas: SchemaStore, node: Node) -> tuple[Field, ...]:
    """Every property under ``node`` as dotted paths, through $ref, allOf and arrays."""
    found: dict[str, Field] = {}
    _walk(schemas, node, "", found, (), 0)
    return tuple(found.values())


def _walk(
    schemas: SchemaStore,
    node: Node,
    prefix: str,
    found: dict[str, Field],
    seen: tuple[tuple[Path | None, Pointer], ...],
    depth: int,
) -> None:
    properties: dict[str, Node] = {}
    required: dict[str, Where] = {}
    parts = schemas.parts(node)
    marks = tuple((p.where.path, p.where.pointer) for p in parts)
    if depth > MAX_DEPTH or any(mark in seen for mark in marks):
        return
    seen = (*seen, *marks)
    for part in parts:
        declared = part.contents.get("properties")
        if isinstance(declared, dict):
            for name in declared:
                child = _child(part, "properties", str(name))
                if child is not None:
                    properties.setdefault(str(name), child)
        names = part.contents.get("required")
        if isinstance(names, list):
            for index, name in enumerate(names):
                if isinstance(name, str):
                    where = Where(part.where.path, (*part.where.pointer, "required", index))
                    required.setdefault(name, where)
    fallback = schemas.location(node.where) or Location(".", 1)
    for name, child in properties.items():
        path = prefix + name
        types = types_of(schemas, child)
        location = schemas.location(child.where) or fallback
        listed = required.get(name)
        required_at = schemas.location(listed) if listed is not None else None
        found.setdefault(path, Field(path, types, listed is not None, location, required_at))
        if any(t.base == "object" for t in types):
            _walk(schemas, child, path + ".", found, seen, depth + 1)
        if any(t.base == "array" for t in types):
            for part in schemas.parts(child):
                items = _child(part, "items")
                if items is not None and isinstance(items.contents, dict):
                    _walk(schemas, items, path + "[].", found, seen, depth + 1)
                    break


def _child(node: Node, key: str | int, *more: str | int) -> Node | None:
    value: Any = node.contents
    for part in (key, *more):
        if isinstance(value, dict) and isinstance(part, str):
            value = value.get(part)
        elif isinstance(value, list) and isinstance(part, int) and part < len(value):
            value = value[part]
        else:
            return None
    if value is None:
        return None
    return Node(
        value,
        node.resolver,
        node.base,
        Where(node.where.path, (*node.where.pointer, key, *more)),
    )


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if value is None:
        return "null"
    return "object"


# -- documented types ----------------------------------------------------------------------

_ALIASES = {
    "int": "integer",
    "long": "integer",
    "bool": "boolean",
    "str": "string",
    "text": "string",
    "decimal": "number",
    "map": "object",
    "dict": "object",
    "list": "array",
}
_BASES = frozenset({"string", "integer", "number", "boolean", "object", "array", "null"})
_NULL = re.compile(r"\s*(?:\|\s*null|,?\s*nullable)\s*$|^\s*null\s*\|\s*")


def doc_type(text: str) -> SchemaType | None:
    """A documented type (``string(uuid)``, ``uuid``, ``integer``, ``array<string>``, ``T[]``,
    ``enum``, a ``$ref`` name) as a SchemaType; None when the cell states no type."""
    value = text.replace("`", "").replace("\\|", "|").strip()
    value = _NULL.sub("", value).strip()
    if not value:
        return None
    lowered = value.lower()
    if lowered.endswith("[]"):
        inner = doc_type(value[:-2])
        return SchemaType("array", items=inner)
    match = re.fullmatch(r"(?:array|list)\s*[<\[(]\s*(.+?)\s*[>\])]", lowered)
    if match:
        return SchemaType("array", items=doc_type(match.group(1)))
    match = re.fullmatch(r"([a-z]+)\s*[(<]\s*([\w.-]+)\s*[)>]", lowered)
    if match:
        base = _ALIASES.get(match.group(1), match.group(1))
        if match.group(2) == "enum":
            return SchemaType(base if base in _BASES else None, enum=True)
        return SchemaType(base, format=match.group(2))
    if lowered == "enum":
        return SchemaType(None, enum=True)
    if lowered in FORMAT_BASES:
        return SchemaType(FORMAT_BASES[lowered], format=lowered.replace("datetime", "date-time"))
    base = _ALIASES.get(lowered, lowered)
    if base in _BASES:
        return SchemaType(base)
    return SchemaType(None, ref=value)


def type_matches(documented: SchemaType, actual: SchemaType) -> bool:
    """Whether a documented type agrees with one alternative of the schema's type."""
    if documented.ref is not None:
        return actual.ref is not None and documented.ref.lower() == actual.ref.lower()
    if documented.base is None:
        return actual.enum
    if actual.base is None:
        return True
    if documented.base != actual.base:
        return False
    if documented.format is not None and documented.format != actual.format:
        return False
    if documented.enum and not actual.enum:
        return False
    if documented.items is not None and actual.items is not None:
        return type_matches(documented.items, actual.items)
    return True
