"""The OpenAPI spec indexed: operations with parameters, request fields, responses, examples."""

from __future__ import annotations

from collections.abc import Iterator

from doclint.diagnostics import Location
from doclint.sources.openapi_model import (
    METHODS,
    Example,
    Node,
    Operation,
    Parameter,
    RequestField,
    Response,
    TypeInfo,
    shape_of,
)
from doclint.sources.openapi_refs import Resolver
from doclint.sources.openapi_schemas import flatten_fields, merged_object, type_info


def index(resolver: Resolver, root: Node) -> tuple[list[Operation], list[Example]]:
    """The spec's operations in document order and every example with its schema."""
    operations: list[Operation] = []
    examples: list[Example] = []
    paths = root.value.get("paths")
    if isinstance(paths, dict):
        paths_node = root.child("paths")
        for url in paths:
            item = resolver.deref(paths_node.child(url))
            if item is None or not isinstance(item.value, dict):
                continue
            shared = _parameters(resolver, item, examples)
            for method in METHODS:
                if isinstance(item.value.get(method), dict):
                    operations.append(
                        _operation(resolver, str(url), method, item.child(method), shared, examples)
                    )
    examples.extend(_schema_examples(resolver, root))
    return operations, examples


def _parameters(
    resolver: Resolver, owner: Node, examples: list[Example]
) -> dict[tuple[str, str], Parameter]:
    found: dict[tuple[str, str], Parameter] = {}
    raw = owner.value.get("parameters")
    if not isinstance(raw, list):
        return found
    for index in range(len(raw)):
        site = owner.child("parameters").child(index)
        node = resolver.deref(site)
        if node is None or not isinstance(node.value, dict):
            continue
        name, where = node.value.get("name"), node.value.get("in")
        if not isinstance(name, str) or not isinstance(where, str):
            continue
        schema = _parameter_schema(node)
        kind = (
            type_info(resolver, schema)
            if schema is not None
            else TypeInfo("any", frozenset({"any"}))
        )
        required = bool(node.value.get("required")) or where == "path"
        found[(name, where)] = Parameter(name, where, required, kind, site.location)
        if schema is not None:
            examples.extend(_media_examples(resolver, node, schema, f"parameter {name}"))
    return found


def _parameter_schema(node: Node) -> Node | None:
    if isinstance(node.value.get("schema"), dict):
        return node.child("schema")
    content = node.value.get("content")
    if isinstance(content, dict):
        for media in content:
            if isinstance(content[media], dict) and isinstance(content[media].get("schema"), dict):
                return node.child("content").child(media).child("schema")
    return None


def _is_json(media: str) -> bool:
    base = media.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json") or base == "*/*"


def _operation(
    resolver: Resolver,
    url: str,
    method: str,
    node: Node,
    shared: dict[tuple[str, str], Parameter],
    examples: list[Example],
) -> Operation:
    value = node.value
    label = f"{method.upper()} {url}"
    parameters = dict(shared)
    parameters.update(_parameters(resolver, node, examples))
    fields: list[RequestField] = []
    body = node.child("requestBody") if isinstance(value.get("requestBody"), dict) else None
    body = resolver.deref(body) if body is not None else None
    if body is not None and isinstance(body.value, dict):
        for media, media_node in _contents(resolver, body):
            if _is_json(media) and isinstance(media_node.value.get("schema"), dict):
                schema = media_node.child("schema")
                if not fields:
                    fields = list(flatten_fields(resolver, schema))
                examples.extend(_media_examples(resolver, media_node, schema, f"{label} request"))
    responses: list[Response] = []
    raw = value.get("responses")
    if isinstance(raw, dict):
        for status in raw:
            site = node.child("responses").child(status)
            responses.append(_response(resolver, site, str(status), label, examples))
    operation_id = value.get("operationId")
    summary = value.get("summary")
    return Operation(
        method=method.upper(),
        path=url,
        shape=shape_of(url),
        location=node.location,
        operation_id=operation_id if isinstance(operation_id, str) else None,
        deprecated=value.get("deprecated") is True,
        parameters=tuple(parameters.values()),
        request_fields=tuple(fields),
        responses=tuple(responses),
        summary=summary if isinstance(summary, str) else "",
    )


def _contents(resolver: Resolver, owner: Node) -> Iterator[tuple[str, Node]]:
    content = owner.value.get("content")
    if not isinstance(content, dict):
        return
    for media in content:
        node = resolver.deref(owner.child("content").child(media))
        if node is not None and isinstance(node.value, dict):
            yield str(media), node


def _response(
    resolver: Resolver, site: Node, status: str, label: str, examples: list[Example]
) -> Response:
    node = resolver.deref(site)
    codes: list[str] = []
    locations: list[Location] = []
    candidates = [site] if node is None or node is site else [site, node]
    for holder in candidates:
        listed = holder.value.get("x-error-codes") if isinstance(holder.value, dict) else None
        if isinstance(listed, list) and not codes:
            for index, code in enumerate(listed):
                if isinstance(code, str):
                    codes.append(code)
                    locations.append(holder.child("x-error-codes").child(index).location)
    if node is not None and isinstance(node.value, dict):
        for media, media_node in _contents(resolver, node):
            has_schema = isinstance(media_node.value.get("schema"), dict)
            if has_schema:
                schema = media_node.child("schema")
                examples.extend(_media_examples(resolver, media_node, schema, f"{label} {status}"))
            if codes or not _is_json(media):
                continue
            if has_schema:
                _enum_codes(resolver, media_node.child("schema"), codes, locations)
            if not codes:
                _example_codes(resolver, media_node, codes, locations)
    return Response(status, site.location, tuple(codes), tuple(locations))


def _enum_codes(
    resolver: Resolver, schema: Node, codes: list[str], locations: list[Location]
) -> None:
    properties, _ = merged_object(resolver, schema)
    prop = properties.get("code")
    if prop is None:
        # an error envelope: {"error": {"code": ...}}
        for nested in properties.values():
            inner, _ = merged_object(resolver, nested)
            if "code" in inner:
                prop = inner["code"]
                break
    if prop is None:
        return
    target = resolver.deref(prop)
    if target is None or not isinstance(target.value, dict):
        return
    enum = target.value.get("enum")
    if isinstance(enum, list):
        for index, code in enumerate(enum):
            if isinstance(code, str):
                codes.append(code)
                locations.append(target.child("enum").child(index).location)


def _example_codes(
    resolver: Resolver, media: Node, codes: list[str], locations: list[Location]
) -> None:
    values = list(_example_values(resolver, media))
    schema = resolver.deref(media.child("schema")) if "schema" in media.value else None
    if not values and schema is not None and isinstance(schema.value, dict):
        values = list(_example_values(resolver, schema))
    for value_node in values:
        value = value_node.value
        holder = value_node
        if isinstance(value, dict) and isinstance(value.get("error"), dict):
            holder = value_node.child("error")
        code = holder.value.get("code") if isinstance(holder.value, dict) else None
        if isinstance(code, str) and code not in codes:
            codes.append(code)
            locations.append(holder.child("code").location)


def _example_values(resolver: Resolver, owner: Node) -> Iterator[Node]:
    if "example" in owner.value:
        yield owner.child("example")
    examples = owner.value.get("examples")
    if isinstance(examples, list):
        for index in range(len(examples)):
            yield owner.child("examples").child(index)
    elif isinstance(examples, dict):
        for name in examples:
            example = resolver.deref(owner.child("examples").child(name))
            if example is not None and isinstance(example.value, dict) and "value" in example.value:
                yield example.child("value")


def _media_examples(resolver: Resolver, owner: Node, schema: Node, label: str) -> list[Example]:
    return [
        Example(node.value, schema, node.location, label)
        for node in _example_values(resolver, owner)
    ]


def _schema_examples(resolver: Resolver, root: Node) -> list[Example]:
    found: list[Example] = []
    components = root.value.get("components")
    if not isinstance(components, dict) or not isinstance(components.get("schemas"), dict):
        return found
    schemas = root.child("components").child("schemas")
    for name in schemas.value:
        node = schemas.child(name)
        if not isinstance(node.value, dict) or "$ref" in node.value:
            continue
        if "example" in node.value:
            found.append(
                Example(
                    node.value["example"], node, node.child("example").location, f"schema {name}"
                )
            )
        listed = node.value.get("examples")
        if isinstance(listed, list):
            for index, value in enumerate(listed):
                location = node.child("examples").child(index).location
                found.append(Example(value, node, location, f"schema {name}"))
    return found
