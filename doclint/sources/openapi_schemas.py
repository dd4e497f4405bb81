"""Schemas of the OpenAPI spec read as documented types and (nested) field lists."""

from __future__ import annotations

from collections.abc import Iterator

from doclint.sources.openapi_lines import Pointer
from doclint.sources.openapi_model import Node, RequestField, TypeInfo
from doclint.sources.openapi_refs import Resolver
from doclint.text import FORMAT_BASES

_MAX_DEPTH = 8


def ref_name(ref: str) -> str:
    return ref.rstrip("/").rsplit("/", 1)[-1].removesuffix(".yaml").removesuffix(".json")


def type_info(resolver: Resolver, node: Node, depth: int = 0) -> TypeInfo:
    """The normalised type of the schema at ``node``."""
    value = node.value
    if isinstance(value, dict) and isinstance(value.get("$ref"), str):
        name = ref_name(value["$ref"])
        target = resolver.deref(node) if depth < _MAX_DEPTH else None
        inner = type_info(resolver, target, depth + 1) if target is not None else None
        names = {name.lower(), "object"} | (set(inner.accepted) if inner else set())
        return TypeInfo(name, frozenset(names))
    if not isinstance(value, dict):
        return TypeInfo("any", frozenset({"any"}))
    kind = value.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    fmt = value.get("format")
    if kind is None:
        if "properties" in value or "allOf" in value or "additionalProperties" in value:
            kind = "object"
        elif isinstance(fmt, str) and fmt in FORMAT_BASES:
            kind = FORMAT_BASES[fmt]
    accepted: set[str] = set()
    if "enum" in value or "const" in value:
        accepted.add("enum")
    for key in ("oneOf", "anyOf"):
        options = value.get(key)
        if isinstance(options, list) and kind is None and depth < _MAX_DEPTH:
            accepted.update({key.lower(), "object", "any"})
            for index in range(len(options)):
                accepted.update(
                    type_info(resolver, node.child(key).child(index), depth + 1).accepted
                )
            return TypeInfo(key, frozenset(accepted))
    if kind == "array":
        items = value.get("items")
        inner = (
            type_info(resolver, node.child("items"), depth + 1)
            if isinstance(items, dict) and depth < _MAX_DEPTH
            else TypeInfo("any", frozenset({"any"}))
        )
        accepted.add("array")
        accepted.update(f"array<{a}>" for a in inner.accepted)
        return TypeInfo(f"array<{inner.display}>", frozenset(accepted))
    if not isinstance(kind, str):
        return TypeInfo("any", frozenset(accepted | {"any"}))
    accepted.add(kind)
    display = kind
    if isinstance(fmt, str) and fmt:
        display = f"{kind}({fmt})"
        accepted.add(display)
    if "enum" in value and kind == "string":
        display = "enum"
    return TypeInfo(display, frozenset(accepted))


def merged_object(
    resolver: Resolver, node: Node, depth: int = 0
) -> tuple[dict[str, Node], set[str]]:
    """Properties (name -> schema node) and required names of a schema, `allOf` merged."""
    target = resolver.deref(node)
    properties: dict[str, Node] = {}
    required: set[str] = set()
    if target is None or not isinstance(target.value, dict) or depth > _MAX_DEPTH:
        return properties, required
    value = target.value
    all_of = value.get("allOf")
    if isinstance(all_of, list):
        for index in range(len(all_of)):
            props, req = merged_object(resolver, target.child("allOf").child(index), depth + 1)
            properties.update(props)
            required |= req
    own = value.get("properties")
    if isinstance(own, dict):
        for name in own:
            properties[str(name)] = target.child("properties").child(name)
    if isinstance(value.get("required"), list):
        required |= {str(r) for r in value["required"]}
    return properties, required


def flatten_fields(
    resolver: Resolver,
    node: Node,
    prefix: str = "",
    stack: frozenset[tuple[str, Pointer]] = frozenset(),
) -> Iterator[RequestField]:
    """Every property of a schema with dotted names for nested objects (``a.b``, ``a[].b``)."""
    target = resolver.deref(node)
    if target is None:
        return
    key = (target.located.display, target.pointer)
    if key in stack or len(stack) > _MAX_DEPTH:
        return
    inner_stack = stack | {key}
    properties, required = merged_object(resolver, target)
    for name, prop in properties.items():
        full = f"{prefix}{name}"
        yield RequestField(full, name in required, type_info(resolver, prop), prop.location)
        resolved = resolver.deref(prop)
        if resolved is None or not isinstance(resolved.value, dict):
            continue
        nested, _ = merged_object(resolver, resolved)
        if nested:
            yield from flatten_fields(resolver, resolved, f"{full}.", inner_stack)
        elif resolved.value.get("type") == "array" and isinstance(
            resolved.value.get("items"), dict
        ):
            items = resolved.child("items")
            if merged_object(resolver, items)[0]:
                yield from flatten_fields(resolver, items, f"{full}[].", inner_stack)
