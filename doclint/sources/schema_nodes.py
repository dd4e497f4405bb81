"""Places in JSON Schema documents: JSON pointers, and the schema nodes found at them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

# keywords whose values are data, not schemas
NOT_SCHEMA_KEYS = frozenset({"enum", "const", "examples", "example", "default"})

Pointer = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Where:
    """A node's place: its local file (None when it is not a local file) and JSON pointer."""

    path: Path | None
    pointer: Pointer = ()


@dataclass(frozen=True, slots=True)
class Node:
    """A schema (sub)document, the resolver for its ``$ref``s, its base URI and its place."""

    contents: Any
    resolver: Any
    base: str
    where: Where


def _unescape(segment: str) -> str:
    return unquote(segment).replace("~1", "/").replace("~0", "~")


def pointer_into(data: Any, fragment: str) -> Pointer:
    """The JSON pointer ``fragment`` as keys and indexes, typed by walking ``data``."""
    if not fragment.startswith("/"):
        return ()
    parts: list[str | int] = []
    node = data
    for raw in fragment[1:].split("/"):
        segment = _unescape(raw)
        if isinstance(node, list) and segment.isdigit():
            index = int(segment)
            parts.append(index)
            node = node[index] if index < len(node) else None
        else:
            parts.append(segment)
            node = node.get(segment) if isinstance(node, dict) else None
    return tuple(parts)
