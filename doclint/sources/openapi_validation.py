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
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from doclint.diagnostics import Finding, Location
from doclint.sources.format_checks import is_regex
from doclint.sources.openapi_model import METHODS, Node
from doclint.sources.openapi_refs import Resolver
from doclint.sources.openapi_values import _inline, plain_errors, value_validator

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


def _formats() -> dict[str, Callable[[str], bool]]:
    formats: dict[str, Callable[[str], bool]] = {name: _always for name in _UNCHECKED_FORMATS}
    formats["regex"] = is_regex
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
