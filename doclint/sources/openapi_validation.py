"""OpenAPI validation with openapi-spec-validator's rules, fast, and with the line of each error.

openapi-spec-validator checks a document in two passes: the document against the official OAS
schema, then a walk over paths, operations, parameters, responses and schemas (each schema's
meta-check against its JSON Schema dialect, `default` values against their schema, duplicate
operationIds and parameters, unresolved path parameters, `required` names no `allOf` branch
defines). It reports errors without their place in the file and spends seconds in pure-Python
meta-checks on large specs. This module makes the same walk with jsonschema-rs and the schemas
openapi-spec-validator ships, so each error keeps its JSON pointer; tests compare both on every
corpus spec and fixture (``reference_errors`` runs openapi-spec-validator itself).
"""

from __future__ import annotations

import importlib.util
import json
import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from doclint.diagnostics import Finding, Location
from doclint.sources.openapi import METHODS, Example, Node, OpenApiModel, Resolver

if TYPE_CHECKING:
    from doclint.project import Project
    from doclint.sources.structured import Located

OAS31_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"
_DRAFTS = {
    "https://json-schema.org/draft/2020-12/schema": "draft202012",
    "https://json-schema.org/draft/2019-09/schema": "draft201909",
    "http://json-schema.org/draft-07/schema": "draft7",
    "http://json-schema.org/draft-06/schema": "draft6",
    "http://json-schema.org/draft-04/schema": "draft4",
}
_UNCHECKED_FORMATS = ("uri", "uri-reference", "iri", "iri-reference", "uri-template", "hostname")


@dataclass(frozen=True, slots=True)
class SpecError:
    """One validation error: its kind, the JSON Schema keyword, and where it is."""

    kind: str
    keyword: str
    path: tuple[str | int, ...]
    node: Node
    message: str
    alternatives: tuple[tuple[str, str, tuple[str, ...]], ...] = ()

    @property
    def signature(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.kind, self.keyword, tuple(str(p) for p in self.path))

    @property
    def accepted(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """Signatures openapi-spec-validator may report for this error: it stops at the
        first meta-schema error of a schema, and which one comes first can follow set order."""
        return (self.signature, *self.alternatives)

    def finding(self) -> Finding:
        location = Location(self.node.located.display, self.node.line_at(self.path))
        message = self.message if len(self.message) <= 200 else self.message[:199] + "…"
        where = "/".join(
            str(p).replace("~", "~0").replace("/", "~1") for p in (*self.node.pointer, *self.path)
        )
        return Finding(
            location, f"invalid OpenAPI at /{where}: {message}", self.node.located.display
        )


def validate(project: Project, located: Located, path: Path, resolver: Resolver) -> list[Finding]:
    """Every validation error of the spec, each at its file and line."""
    walker = _Walker(
        project, Node(located.data, located, (), path, resolver.lines(located)), resolver
    )
    return [error.finding() for error in walker.errors()]


def _package_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations is not None
    return Path(next(iter(spec.submodule_search_locations)), *parts)


@cache
def _json(package: str, *parts: str) -> Any:
    return json.loads(_package_file(package, *parts).read_text(encoding="utf-8"))


def _is_regex(pattern: object) -> bool:
    if not isinstance(pattern, str):
        return True
    try:
        re.compile(pattern)
    except (re.error, OverflowError, RecursionError):
        return False
    return True


def _formats() -> dict[str, Callable[[str], bool]]:
    formats: dict[str, Callable[[str], bool]] = {name: _always for name in _UNCHECKED_FORMATS}
    formats["regex"] = _is_regex
    return formats


def _always(_: str) -> bool:
    return True


@cache
def _document_validator(version: str) -> Any:
    import jsonschema_rs

    schema = _json("openapi_spec_validator", "resources", "schemas", version, "schema.json")
    return jsonschema_rs.validator_cls_for(schema)(schema)


@cache
def _meta_validator(dialect: str) -> Any:
    """A validator of schemas written in ``dialect`` (None: unknown dialect)."""
    import jsonschema_rs

    options: dict[str, Any] = {"validate_formats": True, "formats": _formats()}
    key = dialect.rstrip("#")
    if key == OAS31_DIALECT:
        meta = _json("openapi_schema_validator", "schemas", "oas3.1", "metaschema.json")
        vocab = _json("openapi_schema_validator", "schemas", "oas3.1", "vocabularies", "base")
        registry = jsonschema_rs.Registry([(vocab["$id"], vocab), (meta["$id"], meta)])
        return jsonschema_rs.Draft202012Validator(meta, registry=registry, **options)
    folder = _DRAFTS.get(key)
    if folder is None:
        return None
    meta = _json("jsonschema_specifications", "schemas", folder, "metaschema.json")
    if folder == "draft4":
        return jsonschema_rs.Draft4Validator(meta, **options)
    return jsonschema_rs.validator_cls_for(meta)(meta, **options)


def _document_order(value: Any, path: list[Any]) -> tuple[int, ...]:
    order = []
    for part in path:
        if isinstance(value, dict) and part in value:
            order.append(list(value).index(part))
            value = value[part]
        elif isinstance(value, list) and isinstance(part, int) and part < len(value):
            order.append(part)
            value = value[part]
        else:
            break
    return tuple(order)


def jsonable(value: Any) -> Any:
    """``value`` as JSON data: YAML's non-string keys (``200:``, ``on:``) become strings."""
    if isinstance(value, dict):
        return {
            (
                k
                if isinstance(k, str)
                else json.dumps(k)
                if k is None or isinstance(k, bool)
                else str(k)
            ): jsonable(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [jsonable(item) for item in value]
    return value


def _iter_errors(validator: Any, instance: Any) -> Iterator[Any]:
    """jsonschema-rs's errors; it reads JSON only, so YAML-only values are converted first."""
    try:
        errors = list(validator.iter_errors(instance))
    except (ValueError, TypeError, OverflowError):
        errors = list(validator.iter_errors(jsonable(instance)))
    return iter(errors)


def _keyword(schema_path: list[Any]) -> str:
    for part in reversed(schema_path):
        if isinstance(part, str):
            return part
    return ""


class _Walker:
    """openapi-spec-validator's checks, in its order, over resolved nodes with pointers."""

    def __init__(self, project: Project, root: Node, resolver: Resolver) -> None:
        self.project = project
        self.root = root
        self.resolver = resolver
        version = str(root.value.get("openapi", ""))
        self.v31 = version.startswith("3.1")
        dialect = root.value.get("jsonSchemaDialect")
        self.dialect = dialect if isinstance(dialect, str) else OAS31_DIALECT
        self.meta_checked: set[int] = set()
        self.visited: set[int] = set()
        self.operation_ids: set[Any] = set()

    def errors(self) -> list[SpecError]:
        return list(self._document()) + list(self._root())

    def _error(self, node: Node, message: str, kind: str = "OpenAPIValidationError") -> SpecError:
        return SpecError(kind, "", (), node, message)

    def _document(self) -> Iterator[SpecError]:
        validator = _document_validator("v3.1" if self.v31 else "v3.0")
        for error in _iter_errors(validator, self.root.value):
            path = tuple(error.instance_path)
            yield SpecError("OpenAPIValidationError", "", path, self.root, error.message)

    def _deref(self, node: Node) -> Node | None:
        return self.resolver.deref(node)

    def _root(self) -> Iterator[SpecError]:
        value = self.root.value
        tags = value.get("tags")
        if isinstance(tags, list):
            seen: set[Any] = set()
            for index, tag in enumerate(tags):
                name = tag.get("name") if isinstance(tag, dict) else None
                if name in seen:
                    node = self.root.child("tags").child(index)
                    yield self._error(node, f"Duplicate tag name '{name}'")
                seen.add(name)
        paths = self._deref(self.root.child("paths")) if "paths" in value else None
        if paths is not None and isinstance(paths.value, dict):
            for url in paths.value:
                item = self._deref(paths.child(url))
                if item is not None and isinstance(item.value, dict):
                    yield from self._path(str(url), item)
        components = self._deref(self.root.child("components")) if "components" in value else None
        if components is not None and isinstance(components.value, dict):
            schemas = (
                self._deref(components.child("schemas")) if "schemas" in components.value else None
            )
            if schemas is not None and isinstance(schemas.value, dict):
                for name in schemas.value:
                    yield from self._schema(schemas.child(name))

    def _path(self, url: str, item: Node) -> Iterator[SpecError]:
        shared = None
        if "parameters" in item.value:
            shared = self._deref(item.child("parameters"))
            if shared is not None:
                yield from self._parameters(shared)
        for name in item.value:
            if name in METHODS:
                operation = self._deref(item.child(name))
                if operation is not None and isinstance(operation.value, dict):
                    yield from self._operation(url, str(name), operation, shared)

    def _parameters(self, parameters: Node) -> Iterator[SpecError]:
        if not isinstance(parameters.value, list):
            return
        seen: set[tuple[Any, Any]] = set()
        for index in range(len(parameters.value)):
            parameter = self._deref(parameters.child(index))
            if parameter is None or not isinstance(parameter.value, dict):
                continue
            if "schema" in parameter.value:
                yield from self._schema(parameter.child("schema"))
            key = (parameter.value.get("name"), parameter.value.get("in"))
            if key in seen:
                yield self._error(
                    parameter, f"Duplicate parameter '{key[0]}'", "ParameterDuplicateError"
                )
            seen.add(key)

    def _operation(
        self, url: str, method: str, operation: Node, shared: Node | None
    ) -> Iterator[SpecError]:
        value = operation.value
        if "operationId" in value:
            ident = value["operationId"]
            if ident is not None and ident in self.operation_ids:
                yield self._error(
                    operation.child("operationId"),
                    f"Operation ID '{ident}' for '{method}' in '{url}' is not unique",
                    "DuplicateOperationIDError",
                )
            self.operation_ids.add(ident)
        if "responses" in value:
            responses = self._deref(operation.child("responses"))
            if responses is not None and isinstance(responses.value, dict):
                for code in responses.value:
                    response = self._deref(responses.child(code))
                    if response is not None and isinstance(response.value, dict):
                        yield from self._content(response)
        names: list[Any] = []
        if "parameters" in value:
            own = self._deref(operation.child("parameters"))
            if own is not None:
                yield from self._parameters(own)
                names += self._path_names(own)
        if shared is not None:
            names += self._path_names(shared)
        declared = set(names)
        try:
            in_url = {item[1] for item in string.Formatter().parse(url) if item[1]}
        except ValueError:
            in_url = set()
        for name in sorted(in_url - declared) + sorted(declared - in_url, key=str):
            yield self._error(
                operation,
                f"Path parameter '{name}' for '{method}' operation in '{url}' was not resolved",
                "UnresolvableParameterError",
            )

    def _path_names(self, parameters: Node) -> list[Any]:
        names = []
        if isinstance(parameters.value, list):
            for index in range(len(parameters.value)):
                parameter = self._deref(parameters.child(index))
                if (
                    parameter is not None
                    and isinstance(parameter.value, dict)
                    and parameter.value.get("in") == "path"
                ):
                    names.append(parameter.value.get("name"))
        return names

    def _content(self, owner: Node) -> Iterator[SpecError]:
        if "content" not in owner.value:
            return
        content = self._deref(owner.child("content"))
        if content is None or not isinstance(content.value, dict):
            return
        for media in content.value:
            media_type = self._deref(content.child(media))
            if (
                media_type is not None
                and isinstance(media_type.value, dict)
                and "schema" in media_type.value
            ):
                yield from self._schema(media_type.child("schema"))

    # -- schemas --------------------------------------------------------------------------
    def _meta(self, node: Node) -> SpecError | None:
        value = node.value
        if self.v31:
            dialect = (
                value.get("$schema", self.dialect) if isinstance(value, dict) else self.dialect
            )
            if not isinstance(dialect, str):
                return self._error(node, f"Unknown JSON Schema dialect: {dialect!r}")
        else:
            dialect = "http://json-schema.org/draft-04/schema#"
        validator = _meta_validator(dialect)
        if validator is None:
            return self._error(node, f"Unknown JSON Schema dialect: {dialect!r}")
        errors = list(_iter_errors(validator, value))
        if not errors:
            return None
        # openapi-spec-validator reports the first error jsonschema meets, which walks the
        # schema's keys in document order; jsonschema-rs may meet them in another order.
        first = min(errors, key=lambda e: _document_order(value, list(e.instance_path)))
        return SpecError(
            "OpenAPIValidationError",
            _keyword(list(first.schema_path)),
            tuple(first.instance_path),
            node,
            first.message,
            tuple(
                (
                    "OpenAPIValidationError",
                    _keyword(list(e.schema_path)),
                    tuple(str(p) for p in e.instance_path),
                )
                for e in errors
            ),
        )

    def _schema(
        self, site: Node, require_properties: bool = True, meta_checked: bool = False
    ) -> Iterator[SpecError]:
        node = self._deref(site)
        if node is None:
            return
        value = node.value
        if not isinstance(value, dict | bool):
            yield self._error(node, f"{value!r} is not of type 'object', 'boolean'")
            return
        ident = id(value)
        if not meta_checked and ident not in self.meta_checked:
            self.meta_checked.add(ident)
            error = self._meta(node)
            if error is not None:
                yield error
                return
        if ident in self.visited or isinstance(value, bool):
            return
        self.visited.add(ident)
        nested: set[Any] = set()
        for key in ("allOf", "anyOf", "oneOf"):
            if key in value and isinstance(value[key], list):
                for index in range(len(value[key])):
                    inner = node.child(key).child(index)
                    yield from self._schema(inner, False, True)
                    if key == "allOf":
                        nested |= self._properties(inner, set())
        if "not" in value:
            yield from self._schema(node.child("not"), False, True)
        if "items" in value:
            yield from self._schema(node.child("items"), False, True)
        if "properties" in value and isinstance(value["properties"], dict):
            for name in value["properties"]:
                yield from self._schema(node.child("properties").child(name), False, True)
        required = value.get("required") or []
        properties = value.get("properties") or {}
        if "allOf" in value and isinstance(required, list) and isinstance(properties, dict):
            extra = set(required) - set(properties) - nested
            if extra and require_properties:
                yield self._error(
                    node,
                    f"Required list has not defined properties: {sorted(extra)}",
                    "ExtraParametersError",
                )
        if "default" in value:
            default = value["default"]
            if default is not None or value.get("nullable") is not True:
                yield from self._default(node, default)

    def _properties(self, site: Node, seen: set[int]) -> set[Any]:
        node = self._deref(site)
        if node is None or not isinstance(node.value, dict) or id(node.value) in seen:
            return set()
        seen.add(id(node.value))
        value = node.value
        names: set[Any] = (
            set(value["properties"]) if isinstance(value.get("properties"), dict) else set()
        )
        for key in ("allOf", "anyOf", "oneOf"):
            if isinstance(value.get(key), list):
                for index in range(len(value[key])):
                    names |= self._properties(node.child(key).child(index), seen)
        for key in ("items", "not"):
            if key in value:
                names |= self._properties(node.child(key), seen)
        return names

    def _default(self, node: Node, default: Any) -> Iterator[SpecError]:
        schema = _inline(self.resolver, node, self.v31, frozenset())
        plain = None if schema is None else plain_errors(schema, default, self.v31)
        if plain is not None:
            for error in plain:
                yield SpecError(
                    "OpenAPIValidationError",
                    error.keyword,
                    error.path,
                    node.child("default"),
                    error.native,
                )
            return
        try:
            errors = list(self._value_validator(node).iter_errors(default))
        except Exception:  # a schema it cannot read (bad pattern, unresolvable $ref): the
            # meta-check and the resolver report that schema; the default stays unchecked
            errors = []
        for error in errors:
            yield SpecError(
                "OpenAPIValidationError",
                str(error.validator),
                tuple(error.path),
                node.child("default"),
                error.message,
            )

    def _value_validator(self, node: Node) -> Any:
        return value_validator(self.resolver, node, self.v31)


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
_RE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _is_email(instance: str) -> bool:
    return "@" in instance


def _is_date(instance: str) -> bool:
    try:
        return bool(_RE_DATE.fullmatch(instance) and date.fromisoformat(instance))
    except ValueError:
        return False


def _is_uuid(instance: str) -> bool:
    from uuid import UUID

    try:
        UUID(instance)
    except ValueError:
        return False
    return all(instance[position] == "-" for position in (8, 13, 18, 23))


def _is_time(instance: str) -> bool:
    try:
        return bool(datetime.strptime(instance, "%H:%M:%S"))
    except ValueError:
        return False


def _is_datetime(instance: str) -> bool:
    from rfc3339_validator import validate_rfc3339  # type: ignore[import-untyped]  # no stubs

    return bool(validate_rfc3339(instance.upper()))


# the checks of jsonschema's FormatChecker for these formats, to the letter
_FORMAT_CHECKS: dict[str, Callable[[str], bool]] = {
    "email": _is_email,
    "idn-email": _is_email,
    "date": _is_date,
    "uuid": _is_uuid,
    "date-time": _is_datetime,
    "time": _is_time,
}


class _Pattern:
    """`pattern` read as openapi-schema-validator reads it without an ECMA regex library:
    Python's ``re.search``."""

    def __init__(self, parent: Any, value: str, path: Any) -> None:
        self.pattern = value

    def validate(self, instance: Any) -> None:
        if isinstance(instance, str) and not re.search(self.pattern, instance):
            raise ValueError(f"{instance!r} does not match {self.pattern!r}")


@cache
def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def format_handling(name: str, v31: bool) -> str:
    """How the fast path treats ``format: name``: "ignore" (openapi-schema-validator accepts
    every value), "check" (a check in _FORMAT_CHECKS), "int" (an integer range) or
    "reference" (left to openapi-schema-validator)."""
    if name in _ANY_VALUE_FORMATS or name == "binary" or (v31 and name == "byte"):
        return "ignore"
    if name in _INT_BITS:
        return "int"
    needs = _CHECKED_FORMATS.get(name)
    if needs is None or (needs and not any(_installed(m) for m in needs)):
        return "ignore"
    return "check" if name in _FORMAT_CHECKS else "reference"


def _int_bits(value: Any, depth: int = 0) -> int:
    """The bits the widest integer in ``value`` needs (beyond 64 bits: 64)."""
    if depth > 64:
        return 64
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return min(64, (value if value >= 0 else ~value).bit_length())
    if isinstance(value, dict):
        return max((_int_bits(v, depth + 1) for v in value.values()), default=0)
    if isinstance(value, list):
        return max((_int_bits(v, depth + 1) for v in value), default=0)
    return 0


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
            if not isinstance(item, str) or not _python_regex(item) or _installed("regress"):
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


def _python_regex(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except (re.error, OverflowError, RecursionError):
        return False
    return True


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
    bits = _int_bits(instance)
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
            keywords={"pattern": _Pattern},
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


def reference_errors(located: Located, path: Path) -> list[tuple[str, str, tuple[str, ...]]]:
    """openapi-spec-validator's own errors as (kind, keyword, path) signatures."""
    from openapi_spec_validator.validation.validators import (
        OpenAPIV30SpecValidator,
        OpenAPIV31SpecValidator,
    )

    data = located.data
    cls = (
        OpenAPIV31SpecValidator
        if str(data.get("openapi", "")).startswith("3.1")
        else (OpenAPIV30SpecValidator)
    )
    validator = cls(data, base_uri=path.resolve().as_uri())
    result = []
    for error in validator.iter_errors():
        kind = type(error).__name__
        keyword = error.validator if isinstance(error.validator, str) else ""
        if kind == "OpenAPIValidationError" and not error.path and not keyword:
            keyword = ""
        result.append((kind, keyword, tuple(str(p) for p in error.path)))
    return result


def fast_errors(
    project: Project, located: Located, path: Path, resolver: Resolver
) -> list[SpecError]:
    """doclint's errors, to compare with the reference (``SpecError.accepted``)."""
    walker = _Walker(
        project, Node(located.data, located, (), path, resolver.lines(located)), resolver
    )
    return walker.errors()


def same_errors(
    fast: list[SpecError], reference: list[tuple[str, str, tuple[str, ...]]]
) -> tuple[list[SpecError], list[tuple[str, str, tuple[str, ...]]]]:
    """(errors only doclint reports, errors only openapi-spec-validator reports)."""
    remaining = list(reference)
    unmatched = []
    for error in sorted(fast, key=lambda e: len(e.accepted)):
        match = next((r for r in remaining if r == error.signature), None)
        if match is None:
            match = next((r for r in remaining if r in error.accepted), None)
        if match is None:
            unmatched.append(error)
        else:
            remaining.remove(match)
    return unmatched, remaining
