"""Example and default values validated with jsonschema-rs as openapi-schema-validator would."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from doclint.sources.format_checks import (
    PythonPattern,
    installed,
    int_bits,
    is_date,
    is_datetime,
    is_draft3_time,
    is_email,
    is_regex,
    is_uuid,
)
from doclint.sources.openapi_model import Example, Node, OpenApiModel
from doclint.sources.openapi_refs import Resolver

if TYPE_CHECKING:
    from doclint.project import Project


# What openapi-schema-validator checks, by OpenAPI version: every other key of a schema is an
# annotation it ignores. Of these, the fast path reads the keywords in _FAST_KEYWORDS; a schema
# using another one (pattern, multipleOf, if, ...) is validated the reference's way.
_KEYWORDS_30 = frozenset(
    {
        "multipleOf", "maximum", "minimum", "maxLength", "minLength", "pattern", "maxItems",
        "minItems", "uniqueItems", "maxProperties", "minProperties", "enum", "type", "allOf",
        "oneOf", "anyOf", "not", "items", "properties", "required", "additionalProperties",
        "format", "$ref", "discriminator",
    }
)  # fmt: skip
_KEYWORDS_31 = frozenset(
    {
        "$dynamicRef", "$ref", "additionalProperties", "allOf", "anyOf", "const", "contains",
        "dependentRequired", "dependentSchemas", "enum", "exclusiveMaximum", "exclusiveMinimum",
        "format", "if", "items", "maxItems", "maxLength", "maxProperties", "maximum", "minItems",
        "minLength", "minProperties", "minimum", "multipleOf", "not", "oneOf", "pattern",
        "patternProperties", "prefixItems", "properties", "propertyNames", "required", "type",
        "unevaluatedItems", "unevaluatedProperties", "uniqueItems", "$id", "$anchor",
        "$dynamicAnchor",
        "$schema", "$vocabulary",
    }
)  # fmt: skip
_FAST_KEYWORDS = frozenset(
    {
        "type", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "minProperties",
        "maxProperties", "required", "properties", "additionalProperties", "items",
        "prefixItems", "allOf", "anyOf", "oneOf", "not", "format", "pattern",
    }
)  # fmt: skip
_TYPES_30 = frozenset({"string", "number", "integer", "boolean", "array", "object"})
_TYPES_31 = _TYPES_30 | {"null"}
_NUMERIC = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})
_COUNTS = frozenset(
    {"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"}
)
_DRAFT4_KEYWORDS = {"exclusiveMinimum": "minimum", "exclusiveMaximum": "maximum"}
# formats openapi-schema-validator accepts for every JSON value (binary and byte: OAS 3.1 has
# no checker for them, and 3.0's binary checker accepts anything), and integer ranges
_ANY_VALUE_FORMATS = frozenset({"float", "double", "password"})
_INT_BITS = {"int32": 31, "int64": 63}
# formats jsonschema's FormatChecker may check, each with the libraries it needs (none: always
# checked); a format outside this table has no checker and accepts every value
_CHECKED_FORMATS: dict[str, tuple[str, ...]] = {
    "email": (),
    "idn-email": (),
    "ipv4": (),
    "ipv6": (),
    "regex": (),
    "date": (),
    "time": (),
    "uuid": (),
    "byte": (),
    "hostname": ("fqdn",),
    "idn-hostname": ("idna",),
    "uri": ("rfc3987", "rfc3986_validator"),
    "uri-reference": ("rfc3987", "rfc3986_validator"),
    "iri": ("rfc3987", "rfc3987_syntax"),
    "iri-reference": ("rfc3987", "rfc3987_syntax"),
    "date-time": ("rfc3339_validator",),
    "color": ("webcolors",),
    "json-pointer": ("jsonpointer",),
    "relative-json-pointer": ("jsonpointer",),
    "uri-template": ("uri_template",),
    "duration": ("isoduration",),
}
# the checks of jsonschema's FormatChecker for these formats, to the letter
_FORMAT_CHECKS: dict[str, Callable[[str], bool]] = {
    "email": is_email,
    "idn-email": is_email,
    "date": is_date,
    "uuid": is_uuid,
    "date-time": is_datetime,
    "time": is_draft3_time,
}


def format_handling(name: str, v31: bool) -> str:
    """How the fast path treats ``format: name``: "ignore" (openapi-schema-validator accepts
    every value), "check" (a check in _FORMAT_CHECKS), "int" (an integer range) or
    "reference" (left to openapi-schema-validator)."""
    if name in _ANY_VALUE_FORMATS or name == "binary" or (v31 and name == "byte"):
        return "ignore"
    if name in _INT_BITS:
        return "int"
    needs = _CHECKED_FORMATS.get(name)
    if needs is None or (needs and not any(installed(m) for m in needs)):
        return "ignore"
    return "check" if name in _FORMAT_CHECKS else "reference"


class _Unsure(Exception):
    """The fast path cannot promise openapi-schema-validator's verdict or message."""


def _prepare(value: Any, v31: bool, bits: int, depth: int = 0) -> Any:
    """The schema ``value`` (its `$ref`s inlined) as jsonschema-rs reads it with the meaning
    openapi-schema-validator gives it, for an instance whose integers need ``bits`` bits.
    Annotations are dropped, every kept key stays at its place; raises _Unsure when the
    meaning may differ."""
    if depth > 48:
        raise _Unsure
    if isinstance(value, bool):
        if not v31:
            raise _Unsure
        return value
    if not isinstance(value, dict):
        raise _Unsure
    keywords = _KEYWORDS_31 if v31 else _KEYWORDS_30
    result: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise _Unsure
        if key not in keywords:
            if not v31 and key == "patternProperties" and "additionalProperties" in value:
                raise _Unsure
            if not v31 and key in _DRAFT4_KEYWORDS and _DRAFT4_KEYWORDS[key] in value:
                # OAS 3.0 reads exclusiveMinimum/Maximum inside minimum/maximum
                if not isinstance(item, bool):
                    raise _Unsure
                result[key] = item
            continue
        if key not in _FAST_KEYWORDS:
            raise _Unsure
        if key == "format":
            if not isinstance(item, str):
                raise _Unsure
            handling = format_handling(item, v31)
            if handling == "check":
                result[key] = item
            elif handling == "reference" or (handling == "int" and bits > _INT_BITS[item]):
                raise _Unsure
        elif key == "type":
            result[key] = _prepare_type(value, item, v31)
        elif key in _NUMERIC:
            if not isinstance(item, int | float) or isinstance(item, bool):
                raise _Unsure
            result[key] = item
        elif key == "pattern":
            if not isinstance(item, str) or not is_regex(item) or installed("regress"):
                raise _Unsure
            result[key] = item
        elif key in _COUNTS:
            if not isinstance(item, int) or isinstance(item, bool) or item < 0:
                raise _Unsure
            result[key] = item
        elif key == "uniqueItems":
            if not isinstance(item, bool):
                raise _Unsure
            result[key] = item
        elif key == "required":
            result[key] = _prepare_required(value, item, v31)
        elif key in ("enum", "const"):
            if (key == "enum" and not isinstance(item, list)) or not _plain_json(item):
                raise _Unsure
            result[key] = item
        elif key == "properties":
            if not isinstance(item, dict):
                raise _Unsure
            result[key] = {name: _prepare(sub, v31, bits, depth + 1) for name, sub in item.items()}
        elif key in ("allOf", "anyOf", "oneOf", "prefixItems"):
            if not isinstance(item, list) or not item:
                raise _Unsure
            result[key] = [_prepare(sub, v31, bits, depth + 1) for sub in item]
        elif key == "additionalProperties" and isinstance(item, bool):
            result[key] = item
        else:  # items, additionalProperties, not: one schema
            result[key] = _prepare(item, v31, bits, depth + 1)
    return result


def _plain_json(value: Any, depth: int = 0) -> bool:
    """Whether ``value`` is JSON data as it stands (no YAML-only keys or values)."""
    if depth > 64:
        return False
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_json(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain_json(v, depth + 1) for v in value)
    return value is None or isinstance(value, str | int | float)


def _prepare_type(schema: dict[str, Any], types: Any, v31: bool) -> Any:
    if v31:
        listed = types if isinstance(types, list) else [types]
        if not listed or any(not isinstance(t, str) or t not in _TYPES_31 for t in listed):
            raise _Unsure
        return types
    if not isinstance(types, str) or types not in _TYPES_30:
        raise _Unsure
    # OAS 3.0: `nullable: true` next to `type` lets null through
    return [types, "null"] if schema.get("nullable") is True else types


def _prepare_required(schema: dict[str, Any], required: Any, v31: bool) -> list[str]:
    if (
        not isinstance(required, list)
        or any(not isinstance(name, str) for name in required)
        or len(set(required)) != len(required)
    ):
        raise _Unsure
    properties = schema.get("properties")
    if not v31 and isinstance(properties, dict):
        # OAS 3.0 does not require a readOnly or writeOnly property
        for name in required:
            sub = properties.get(name)
            if isinstance(sub, dict) and (sub.get("readOnly") or sub.get("writeOnly")):
                raise _Unsure
    return required


def _inline(resolver: Resolver, node: Node, v31: bool, stack: frozenset[int]) -> Any:
    """The schema at ``node`` with its `$ref`s replaced by their targets (3.1: with the
    keywords beside the reference, the target as an `allOf` where the `$ref` was, as 2020-12
    reads them), or None when that cannot be done (a cycle, a deep or unresolvable
    reference, OAS 3.0 keywords beside a reference)."""
    value = node.value
    if len(stack) > 16:
        return None
    if isinstance(value, dict):
        if isinstance(value.get("$ref"), str):
            if id(value) in stack:
                return None
            target = resolver.deref(node)
            if target is None:
                return None
            inner = _inline(resolver, target, v31, stack | {id(value)})
            if inner is None or len(value) == 1:
                return inner
            if not v31:
                # OAS 3.0 applies the keywords beside a `$ref` too, and `required` reads
                # readOnly/writeOnly there: the target alone when there are none
                siblings = value.keys() - {"$ref"}
                return (
                    inner
                    if _KEYWORDS_30.isdisjoint(siblings)
                    and not (siblings & {"readOnly", "writeOnly"})
                    else None
                )
            if "allOf" in value:
                return None
        result = {}
        for key in value:
            if key == "$ref" and isinstance(value[key], str):
                result["allOf"] = [inner]
                continue
            child = _inline(resolver, node.child(key), v31, stack | {id(value)})
            if child is None and value[key] is not None:
                return None
            result[key] = child
        return result
    if isinstance(value, list):
        items = [_inline(resolver, node.child(i), v31, stack) for i in range(len(value))]
        return (
            None
            if any(i is None and v is not None for i, v in zip(items, value, strict=True))
            else items
        )
    return value


@dataclass(frozen=True, slots=True)
class PlainError:
    """One error of a value: the keyword, where in the value, openapi-schema-validator's
    message and jsonschema-rs's own."""

    keyword: str
    path: tuple[str | int, ...]
    message: str
    native: str


def plain_errors(schema: Any, instance: Any, v31: bool) -> list[PlainError] | None:
    """The errors openapi-schema-validator reports for ``instance`` against ``schema`` (with
    its `$ref`s inlined), in its order and with its messages, found with jsonschema-rs; None
    when that cannot be promised (a keyword or format read differently, a schema or value
    jsonschema-rs does not take), and the caller asks openapi-schema-validator."""
    bits = int_bits(instance)
    if not isinstance(schema, dict) or bits > 53:
        return None
    try:
        body = _prepare(schema, v31, bits)
        validator = _plain_validator(json.dumps(body, allow_nan=False), v31)
        if validator is None:
            return None
        found = []
        for error in validator.iter_errors(instance):
            found.extend(_plain(schema, instance, error, v31))
    except (_Unsure, ValueError, TypeError, OverflowError, KeyError, IndexError):
        return None
    found.sort(key=lambda pair: pair[0])
    return [error for _, error in found]


@cache
def _plain_validator(body: str, v31: bool) -> Any:
    import jsonschema_rs

    draft = jsonschema_rs.Draft202012Validator if v31 else jsonschema_rs.Draft4Validator
    try:
        return draft(
            json.loads(body),
            validate_formats=True,
            formats=_FORMAT_CHECKS,
            keywords={"pattern": PythonPattern},
        )
    except (ValueError, TypeError, jsonschema_rs.ValidationError):
        return None


def _plain(
    schema: dict[str, Any], instance: Any, error: Any, v31: bool
) -> list[tuple[tuple[int, ...], PlainError]]:
    """``error`` as openapi-schema-validator words it, with the place it has in its order
    (keywords in schema order, then properties, items, `required` names in theirs)."""
    parts = list(error.schema_path)
    where = list(error.instance_path)
    node: Any = schema
    value = instance
    order: list[int] = []
    at = 0
    index = 0
    keyword = ""
    while index < len(parts):
        keyword = parts[index]
        if not isinstance(node, dict) or not isinstance(keyword, str):
            raise _Unsure
        shown = keyword if v31 else _DRAFT4_KEYWORDS.get(keyword, keyword)
        order.append(list(node).index(shown))
        last = index == len(parts) - 1
        if last:
            break
        if keyword == "properties":
            name = parts[index + 1]
            order.append(list(node[keyword]).index(name))
            node, value, at, index = node[keyword][name], value[name], at + 1, index + 2
        elif keyword in ("allOf", "anyOf", "oneOf", "prefixItems"):
            position = parts[index + 1]
            order.append(position)
            node = node[keyword][position]
            if keyword == "prefixItems":
                value, at = value[position], at + 1
            index += 2
        elif keyword in ("items", "additionalProperties"):
            step = where[at]
            if keyword == "items":
                order.append(step)
            else:
                order.append(list(set(_additional(value, node))).index(step))
            node, value, at, index = node[keyword], value[step], at + 1, index + 1
        else:
            raise _Unsure
    if (
        len(where) != at
        or not isinstance(node, dict)
        or type(error.kind).__name__ == "OneOfMultipleValid"
    ):
        raise _Unsure
    if not v31:
        keyword = _DRAFT4_KEYWORDS.get(keyword, keyword)
    path = tuple(where)
    native = str(error.message)
    if keyword == "required":
        name = error.kind.property
        order.append(node["required"].index(name))
        return [
            (tuple(order), PlainError(keyword, path, f"{name!r} is a required property", native))
        ]
    message = _message(keyword, node, value, v31)
    result = []
    if not v31 and keyword == "type" and value is None:
        # OAS 3.0's `type` says "None for not nullable" before the type itself
        result.append(
            (
                tuple(order),
                PlainError(
                    keyword, path, "None for not nullable", "null where the schema is not nullable"
                ),
            )
        )
    result.append((tuple(order), PlainError(keyword, path, message, native)))
    return result


def _additional(value: Any, schema: dict[str, Any]) -> Iterator[Any]:
    properties = schema.get("properties", {})
    return (name for name in value if name not in properties)


def _message(keyword: str, schema: dict[str, Any], value: Any, v31: bool) -> str:
    limit = schema.get(keyword)
    if keyword == "type":
        types = limit if isinstance(limit, list) else [limit]
        return f"{value!r} is not of type {', '.join(repr(t) for t in types)}"
    if keyword == "enum":
        return f"{value!r} is not one of {limit!r}"
    if keyword == "const":
        return f"{limit!r} was expected"
    if keyword in ("minimum", "maximum"):
        less = keyword == "minimum"
        exclusive = not v31 and schema.get("exclusiveMinimum" if less else "exclusiveMaximum")
        side = "less than" if less else "greater than"
        return (
            f"{value!r} is {side}{' or equal to' if exclusive else ''} the {keyword} of {limit!r}"
        )
    if keyword == "exclusiveMinimum":
        return f"{value!r} is less than or equal to the minimum of {limit!r}"
    if keyword == "exclusiveMaximum":
        return f"{value!r} is greater than or equal to the maximum of {limit!r}"
    if keyword in ("minLength", "minItems"):
        return f"{value!r} {'should be non-empty' if limit == 1 else 'is too short'}"
    if keyword in ("maxLength", "maxItems"):
        return f"{value!r} {'is expected to be empty' if limit == 0 else 'is too long'}"
    if keyword == "minProperties":
        words = "should be non-empty" if limit == 1 else "does not have enough properties"
        return f"{value!r} {words}"
    if keyword == "maxProperties":
        words = "is expected to be empty" if limit == 0 else "has too many properties"
        return f"{value!r} {words}"
    if keyword == "uniqueItems":
        return f"{value!r} has non-unique elements"
    if keyword == "format":
        return f"{value!r} is not a {limit!r}"
    if keyword == "pattern":
        return f"{value!r} does not match {limit!r}"
    if keyword in ("anyOf", "oneOf"):
        return f"{value!r} is not valid under any of the given schemas"
    if keyword == "additionalProperties" and limit is False:
        extras = set(_additional(value, schema))
        listed = sorted(extras, key=str) if v31 else extras
        verb = "was" if len(extras) == 1 else "were"
        return (
            "Additional properties are not allowed "
            f"({', '.join(repr(extra) for extra in listed)} {verb} unexpected)"
        )
    raise _Unsure


def value_validator(resolver: Resolver, node: Node, v31: bool) -> Any:
    """openapi-schema-validator's validator for the schema at ``node``, `$ref`s resolved
    within the repository only."""
    from referencing import Registry
    from referencing.exceptions import NoSuchResource
    from referencing.jsonschema import DRAFT4, DRAFT202012

    if v31:
        from openapi_schema_validator import OAS31Validator as cls
        from openapi_schema_validator import oas31_format_checker as checker
    else:
        from openapi_schema_validator import OAS30Validator as cls
        from openapi_schema_validator import oas30_format_checker as checker
    specification = DRAFT202012 if v31 else DRAFT4
    project = resolver.project

    def retrieve(uri: str) -> Any:
        path = Path(uri.removeprefix("file://"))
        if not uri.startswith("file://") or not _inside(resolver, path) or not path.is_file():
            raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # attrs class, no stubs
        located = project.structured(path)
        if located is None:
            raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # attrs class, no stubs
        return specification.create_resource(located.data)

    uri = node.path.resolve().as_uri()
    registry: Any = Registry(retrieve=retrieve).with_resource(  # type: ignore[call-arg]
        uri, specification.create_resource(node.located.data)
    )
    pointer = "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in node.pointer)
    return cls({"$ref": f"{uri}#{pointer}"}, registry=registry, format_checker=checker)


def example_errors(project: Project, model: OpenApiModel) -> Iterator[tuple[Example, str]]:
    """Each example of the spec that does not validate, with its first error's message (as
    openapi-schema-validator words it)."""
    if model.resolver is None:
        return
    v31 = model.openapi_version.startswith("3.1")
    inlined: dict[int, Any] = {}
    for example in model.examples:
        key = id(example.schema.value)
        if key not in inlined:
            inlined[key] = _inline(model.resolver, example.schema, v31, frozenset())
        schema = inlined[key]
        plain = None if schema is None else plain_errors(schema, example.value, v31)
        if plain is not None:
            errors = [(error.message, error.path) for error in plain]
        else:
            try:
                validator = value_validator(model.resolver, example.schema, v31)
                errors = [
                    (error.message, tuple(error.absolute_path))
                    for error in validator.iter_errors(example.value)
                ]
            except Exception:  # an unresolvable or broken schema is reported by validation
                continue
        if errors:
            message, path = errors[0]
            where = "/".join(str(p) for p in path)
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            yield example, message + (f" at {where}" if where else "") + more


def _inside(resolver: Resolver, path: Path) -> bool:
    from doclint.sources.files import is_inside

    return is_inside(path, resolver.project.repo_root)
