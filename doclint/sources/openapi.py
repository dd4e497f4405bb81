"""The OpenAPI model (SPEC §4.2): the spec loaded with lines, validated, its `$ref`s resolved
inside the repository only (SPEC §5.8), and indexed by operation."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from doclint.diagnostics import Finding, Location, Problem
from doclint.sources.files import is_file, is_inside
from doclint.sources.structured import Located
from doclint.text import FORMAT_BASES

if TYPE_CHECKING:
    from doclint.project import Project

INVALID = "DL910"
NOT_OPENAPI = "DL911"
#: ``Project.cached`` key of the spec's validation errors (kept in the on-disk cache)
VALIDATION = "openapi-validation"
UNRESOLVED_REF = "DL912"
FORBIDDEN_REF = "DL913"

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
CANDIDATES = ("openapi.yaml", "openapi.json", "openapi/openapi.yaml")
_MAX_HOPS = 64
_MAX_DEPTH = 8
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_PARAM = re.compile(r"\{[^{}]*\}")

Pointer = tuple[str | int, ...]


_WS = re.compile(r"[ \t\n\r]*")


class _JsonLines:
    """Lines of JSON pointers, found on demand: each container on a pointer's way is indexed
    once (its members' key and value offsets), skipping member values with the C scanner."""

    def __init__(self, text: str) -> None:
        import json.decoder
        import json.scanner

        self.text = text
        self.newlines = [match.start() for match in re.finditer("\n", text)]
        # typeshed describes make_scanner as a class taking a scanner, not a decoder
        self.scan: Any = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
        # the C string scanner is public in the module but missing from typeshed
        self.scanstring: Any = json.decoder.scanstring  # type: ignore[attr-defined]
        self.members: dict[int, dict[str | int, tuple[int, int]]] = {}
        self.root = _WS.match(text, 0).end()  # type: ignore[union-attr]

    def _line(self, offset: int) -> int:
        return bisect.bisect_left(self.newlines, offset) + 1

    def _index(self, start: int) -> dict[str | int, tuple[int, int]]:
        found = self.members.get(start)
        if found is not None:
            return found
        text, ws = self.text, _WS
        found = {}
        opener = text[start]
        at = ws.match(text, start + 1).end()  # type: ignore[union-attr]
        index = 0
        while at < len(text) and text[at] not in "]}":
            key_at = at
            key: str | int = index
            if opener == "{":
                key, at = self.scanstring(text, at + 1)
                at = ws.match(text, at).end() + 1  # type: ignore[union-attr]
                at = ws.match(text, at).end()  # type: ignore[union-attr]
            value_at = at
            _, at = self.scan(text, at)
            found.setdefault(key, (key_at, value_at))
            at = ws.match(text, at).end()  # type: ignore[union-attr]
            if at < len(text) and text[at] == ",":
                at = ws.match(text, at + 1).end()  # type: ignore[union-attr]
            index += 1
        self.members[start] = found
        return found

    def line_of(self, pointer: Pointer) -> int:
        at = self.root
        line = self._line(at)
        for part in pointer:
            if at >= len(self.text) or self.text[at] not in "{[":
                break
            entry = self._index(at).get(part)
            if entry is None:
                break
            line = self._line(entry[0])
            at = entry[1]
        return line


class Lines:
    """Line lookup for one file: YAML through its loader's marks, JSON on demand."""

    def __init__(self, located: Located) -> None:
        self.located = located
        self._json: _JsonLines | None = None

    def line_of(self, pointer: Pointer) -> int:
        if not self.located.is_json:
            return self.located.line_of(pointer)
        if self._json is None:
            self._json = _JsonLines(self.located.text)
        try:
            return self._json.line_of(pointer)
        except (ValueError, StopIteration, IndexError):
            return self.located.line_of(pointer)


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


# -- reference resolution ---------------------------------------------------------------------
class Resolver:
    """Follows `$ref`s within the document and to local files inside the repository."""

    def __init__(self, project: Project, path: Path) -> None:
        self.project = project
        self.path = path
        self.reported: set[tuple[str, Pointer]] = set()
        self._lines: dict[int, tuple[Located, Lines]] = {}
        self._targets: dict[tuple[str, str], Node] = {}

    def lines(self, located: Located) -> Lines:
        """The line lookup of a file of the spec, one per file."""
        entry = self._lines.get(id(located))
        if entry is None:
            entry = self._lines[id(located)] = (located, Lines(located))
        return entry[1]

    def _problem(self, rule: str, site: Node, message: str, subject: str) -> None:
        key = (site.located.display, site.pointer)
        if key in self.reported:
            return
        self.reported.add(key)
        self.project.add_problem(Problem(rule, Finding(site.location, message, subject)))

    def load(self, path: Path) -> Located | None:
        """A referenced file, inside the repository (``target`` checked that)."""
        return self.project.structured(path, within_repo=True)

    def target(self, site: Node) -> Node | None:
        """The node a `{"$ref": ...}` at ``site`` points to, or None (a problem is recorded)."""
        ref = site.value.get("$ref")
        ref_site = site.child("$ref")
        if not isinstance(ref, str):
            self._problem(UNRESOLVED_REF, ref_site, "$ref must be a string", str(ref))
            return None
        known = self._targets.get((site.located.display, ref))
        if known is not None:
            return known
        file_part, _, fragment = ref.partition("#")
        if _SCHEME.match(file_part) or file_part.startswith("//"):
            self._problem(
                FORBIDDEN_REF,
                ref_site,
                f"$ref '{ref}' points to a remote document; doclint never fetches one, "
                "so copy it into the repository and refer to the local file",
                ref,
            )
            return None
        located, base = site.located, site.path
        if file_part:
            relative = unquote(file_part)
            if relative.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", relative):
                self._problem(
                    FORBIDDEN_REF,
                    ref_site,
                    f"$ref '{ref}' is an absolute path; refer to files relative to the spec",
                    ref,
                )
                return None
            candidate = (base.parent / relative).resolve()
            if not is_inside(candidate, self.project.repo_root):
                self._problem(
                    FORBIDDEN_REF,
                    ref_site,
                    f"$ref '{ref}' leaves the repository; doclint does not read it",
                    ref,
                )
                return None
            if not is_file(candidate):
                self._problem(
                    UNRESOLVED_REF, ref_site, f"$ref '{ref}': file {relative} not found", ref
                )
                return None
            loaded = self.load(candidate)
            if loaded is None:
                return None
            located, base = loaded, candidate
        node = Node(located.data, located, (), base, self.lines(located))
        for part in _pointer_parts(fragment):
            value = node.value
            if isinstance(value, dict) and part in value:
                node = node.child(part)
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                node = node.child(int(part))
            else:
                self._problem(
                    UNRESOLVED_REF,
                    ref_site,
                    f"$ref '{ref}' points to nothing in {located.display}",
                    ref,
                )
                return None
        self._targets[(site.located.display, ref)] = node
        return node

    def deref(self, node: Node) -> Node | None:
        """Follow `$ref`s until a value that is not a reference; None when unresolvable."""
        seen: set[tuple[str, Pointer]] = set()
        while isinstance(node.value, dict) and "$ref" in node.value:
            key = (node.located.display, node.pointer)
            if key in seen or len(seen) > _MAX_HOPS:
                self._problem(
                    UNRESOLVED_REF,
                    node.child("$ref"),
                    f"$ref '{node.value['$ref']}' is part of a cycle of references that never "
                    "reaches a value",
                    str(node.value["$ref"]),
                )
                return None
            seen.add(key)
            target = self.target(node)
            if target is None:
                return None
            node = target
        return node


def _pointer_parts(fragment: str) -> list[str]:
    if not fragment or fragment == "/":
        return [] if not fragment else [""]
    text = unquote(fragment)
    return [p.replace("~1", "/").replace("~0", "~") for p in text.lstrip("/").split("/")]


# -- schemas ----------------------------------------------------------------------------------
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


def resolve_schema(model: OpenApiModel, ref_or_name: str) -> dict[str, Any] | None:
    """A components schema by name (``Session``) or by reference (``#/components/schemas/X``)."""
    if model.resolver is None:
        return None
    ref = ref_or_name if "#" in ref_or_name else f"#/components/schemas/{ref_or_name}"
    node: Node | None = Node({"$ref": ref}, model.document, (), model.path)
    if ref.startswith("#"):
        node = model.root
        for part in _pointer_parts(ref[1:]):
            current = node.value
            if isinstance(current, dict) and part in current:
                node = node.child(part)
            elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
                node = node.child(int(part))
            else:
                return None
    assert node is not None
    target = model.resolver.deref(node)
    if target is None or not isinstance(target.value, dict):
        return None
    value: dict[str, Any] = target.value
    return value


# -- loading and indexing ---------------------------------------------------------------------
def spec_path(project: Project) -> Path | None:
    """The service's OpenAPI document: config ``openapi``, else the default candidates."""
    return project.first_existing(project.config.openapi, CANDIDATES)


def openapi(project: Project) -> OpenApiModel | None:
    """The service's OpenAPI model, loaded, validated and indexed once per run."""
    return project.cached("openapi", lambda: _load(project))


def _load(project: Project) -> OpenApiModel | None:
    path = spec_path(project)
    if path is None or not path.is_file():
        return None
    located = project.structured(path)
    if located is None:
        return None
    data = located.data
    version = data.get("openapi") if isinstance(data, dict) else None
    if not isinstance(version, str) or not re.match(r"^3\.[01]\.", version):
        if isinstance(data, dict) and "swagger" in data:
            what = f"a Swagger {data.get('swagger')} document"
            fix = "convert it to OpenAPI 3.0 or 3.1"
            line = located.line_of(["swagger"])
        elif isinstance(data, dict) and "openapi" in data:
            what = f"OpenAPI {data.get('openapi')}"
            fix = "doclint reads OpenAPI 3.0 and 3.1"
            line = located.line_of(["openapi"])
        else:
            what = "not an OpenAPI document (no top-level 'openapi' key)"
            fix = "point the 'openapi' setting at the service's OpenAPI 3.0 or 3.1 document"
            line = 1
        project.add_problem(
            Problem(
                NOT_OPENAPI,
                Finding(
                    Location(located.display, line),
                    f"{located.display} is {what}; {fix}",
                    located.display,
                ),
            )
        )
        return None
    resolver = Resolver(project, path)

    def verdict() -> list[Finding]:
        from doclint.sources.openapi_validation import validate

        spec = project.structured(path)  # read again inside: the verdict depends on it
        return [] if spec is None else validate(project, spec, path, resolver)

    for error in project.cached(VALIDATION, verdict):
        project.add_problem(Problem(INVALID, error))
    info = data.get("info")
    api_version = info.get("version") if isinstance(info, dict) else None
    root = Node(data, located, (), path, resolver.lines(located))
    operations, examples = _index(resolver, root)
    return OpenApiModel(
        display=located.display,
        document=located,
        version=str(api_version) if api_version is not None else None,
        operations=tuple(operations),
        openapi_version=version,
        path=path,
        examples=tuple(examples),
        resolver=resolver,
    )


def _index(resolver: Resolver, root: Node) -> tuple[list[Operation], list[Example]]:
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


def inspect_json(project: Project) -> dict[str, Any]:
    """The operation index as JSON-able data (``doclint inspect openapi``)."""
    from doclint.inspect import problems

    model = openapi(project)
    if model is None:
        return {"spec": None, "operations": [], "problems": problems(project)}

    def where(location: Location) -> dict[str, Any]:
        return {"file": location.path, "line": location.line}

    return {
        "spec": model.display,
        "openapi": model.openapi_version,
        "version": model.version,
        "operations": [
            {
                "method": op.method,
                "path": op.path,
                "shape": op.shape,
                "operation_id": op.operation_id,
                "deprecated": op.deprecated,
                **where(op.location),
                "parameters": [
                    {
                        "name": p.name,
                        "in": p.where,
                        "required": p.required,
                        "type": p.type.display,
                        **where(p.location),
                    }
                    for p in op.parameters
                ],
                "request_fields": [
                    {
                        "name": f.name,
                        "required": f.required,
                        "type": f.type.display,
                        **where(f.location),
                    }
                    for f in op.request_fields
                ],
                "responses": [
                    {"status": r.status, "error_codes": list(r.error_codes), **where(r.location)}
                    for r in op.responses
                ],
            }
            for op in model.operations
        ],
        "problems": problems(project),
    }
