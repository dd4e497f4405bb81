"""JSON Schemas: loaded with lines, checked against their draft's metaschema, ``$ref``s resolved
to local files inside the repository only (SPEC §5.8), and flattened into dotted field paths.

Resolution goes through a ``referencing`` registry whose retrieve function reads local files
through the Project (size limit, containment, one parse per file) and refuses everything else:
doclint never fetches a URL. A schema that declares an absolute ``$id`` lends its folder to the
relative ``$ref``s of its siblings, so ``https://example.com/schemas/common.json`` next to a file
whose ``$id`` is ``https://example.com/schemas/a.json`` is read from that file's folder.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

from doclint.diagnostics import Finding, Location, Problem
from doclint.sources.structured import Located
from doclint.text import FORMAT_BASES

if TYPE_CHECKING:
    from doclint.project import Project

INVALID_SCHEMA = "DL921"
REF_NOT_LOCAL = "DL922"
REF_UNRESOLVED = "DL923"

MAX_DEPTH = 24
MAX_ERRORS = 20
_NOT_SCHEMA_KEYS = frozenset({"enum", "const", "examples", "example", "default"})
_UNKNOWN = object()

Pointer = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Where:
    """A node's place: its local file (None when it is not a local file) and JSON pointer."""

    path: Path | None
    pointer: Pointer = ()


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


@dataclass(frozen=True, slots=True)
class Node:
    """A schema (sub)document, the resolver for its ``$ref``s, its base URI and its place."""

    contents: Any
    resolver: Any
    base: str
    where: Where


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    """One way an instance fails its schema: where in the instance, and what is wrong."""

    pointer: Pointer
    message: str


def _problem(rule: str, location: Location, message: str, subject: str) -> Problem:
    return Problem(rule, Finding(location, message, subject))


def is_file(path: Path) -> bool:
    """Whether ``path`` is a regular file; names too long or odd for the OS are not."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


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


class SchemaStore:
    """Every schema document of one service, read once, checked once, resolved locally."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.repo = project.repo_root.resolve()
        self._aliases: dict[str, Path] = {}
        self._checked: set[Path] = set()
        self._registry: Any = None
        self._local: dict[tuple[str, int], Path | None] = {}
        self._fast: dict[tuple[str, str], tuple[Any, list[str]] | None] = {}
        self._real: dict[Path, Path] = {}

    # -- files and URIs ------------------------------------------------------------------
    def real(self, path: Path) -> Path:
        """``path`` with its links resolved, once per path: a run asks about the same few
        hundred schema files thousands of times."""
        known = self._real.get(path)
        if known is None:
            known = self._real[path] = path.resolve()
        return known

    def uri(self, path: Path) -> str:
        return self.real(path).as_uri()

    def local_path(self, uri: str) -> Path | None:
        """The local file ``uri`` names, or None when it is remote or leaves the repository."""
        uri = uri.partition("#")[0]
        key = (uri, len(self._aliases))
        if key not in self._local:
            self._local[key] = self._local_path(uri)
        return self._local[key]

    def _local_path(self, uri: str) -> Path | None:
        parts = urlsplit(uri)
        path: Path | None = None
        if parts.scheme == "file":
            local = unquote(parts.path)
            # file:///C:/x on Windows: the drive follows the leading slash
            path = Path(local[1:] if re.match(r"/[A-Za-z]:", local) else local)
        else:
            for prefix, folder in self._aliases.items():
                if uri.startswith(prefix):
                    path = folder / unquote(uri[len(prefix) :])
                    break
        if path is None:
            return None
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError, ValueError):  # loops, odd names, NUL bytes
            return None
        return resolved if resolved.is_relative_to(self.repo) else None

    def structured(self, path: Path) -> Located | None:
        """A schema file inside the repository (``local_path`` checked that)."""
        return self.project.structured(path, within_repo=True)

    def document(self, path: Path, schema: bool = True, refs: bool = True) -> Located | None:
        """The YAML/JSON document at ``path``. On first use a schema is checked against its
        metaschema and, with ``refs``, its ``$ref``s are checked (local, existing)."""
        path = self.real(path)
        located = self.structured(path)
        if located is None or path in self._checked:
            return located
        self._checked.add(path)
        data = located.data
        if schema:
            identifier = data.get("$id") if isinstance(data, dict) else None
            if isinstance(identifier, str) and urlsplit(identifier).scheme not in ("", "file"):
                folder = identifier.partition("#")[0].rsplit("/", 1)[0] + "/"
                self._aliases.setdefault(folder, path.parent)
            self._check_metaschema(located)
        if refs:
            self._check_refs(located, path)
        return located

    # -- the metaschema check ------------------------------------------------------------
    def _check_metaschema(self, located: Located) -> None:
        if _meta_valid(located.data):
            return
        import jsonschema
        from jsonschema.exceptions import best_match
        from jsonschema.validators import validator_for
        from referencing import Registry

        data = located.data
        display = located.display
        if not isinstance(data, dict | bool):
            self.project.add_problem(
                _problem(
                    INVALID_SCHEMA,
                    Location(display, 1),
                    "a JSON Schema is an object (or true/false); write the schema as a mapping",
                    display,
                )
            )
            return
        cls: Any = jsonschema.Draft202012Validator
        if isinstance(data, dict) and "$schema" in data:
            found = validator_for(data, default=_UNKNOWN)
            if found is _UNKNOWN:
                self.project.add_problem(
                    _problem(
                        INVALID_SCHEMA,
                        located.location(["$schema"]),
                        f"$schema '{data['$schema']}' is not a JSON Schema draft doclint knows; "
                        "use https://json-schema.org/draft/2020-12/schema or another "
                        "published draft",
                        display,
                    )
                )
            else:
                cls = found
        meta = cls(cls.META_SCHEMA, registry=Registry())
        try:
            errors = list(itertools.islice(meta.iter_errors(data), MAX_ERRORS))
        except RecursionError:
            self.project.add_problem(
                _problem(
                    INVALID_SCHEMA,
                    Location(display, 1),
                    "the schema nests too deeply to be checked; flatten it with $defs",
                    display,
                )
            )
            return
        for error in errors:
            best = best_match([error])
            pointer = list(best.absolute_path)
            where = "/".join(str(p) for p in pointer) or "(root)"
            self.project.add_problem(
                _problem(
                    INVALID_SCHEMA,
                    located.location(pointer),
                    f"invalid JSON Schema at {where}: {_short(best.message)}; fix it for "
                    f"{_draft_name(cls)}",
                    f"{display}#/{where}",
                )
            )

    # -- $ref checks ---------------------------------------------------------------------
    def base_of(self, located: Located, path: Path) -> str:
        data = located.data
        identifier = data.get("$id") if isinstance(data, dict) else None
        if isinstance(identifier, str) and urlsplit(identifier).scheme not in ("", "file"):
            return identifier.partition("#")[0]
        return self.uri(path)

    def _check_refs(self, located: Located, path: Path) -> None:
        base = self.base_of(located, path)
        resolver = self.registry.resolver(base_uri=base)
        for pointer, ref in _refs(located.data):
            location = located.location([*pointer, "$ref"])
            target = urljoin(base, ref)
            file_part = target.partition("#")[0]
            if file_part != base:
                problem = self.refuse(target, location, f"$ref '{ref}'")
                if problem is not None:
                    self.project.add_problem(problem)
                    continue
                local = self.local_path(target)
                if local is not None and not is_file(local):
                    self.project.add_problem(
                        _problem(
                            REF_UNRESOLVED,
                            location,
                            f"$ref '{ref}' names {self.project.rel(local)}, which does not "
                            "exist; fix the path or add the file",
                            f"{located.display}: {ref}",
                        )
                    )
                    continue
            try:
                resolver.lookup(ref)
            except Exception:  # untrusted schemas: referencing/jsonschema raise many kinds
                self.project.add_problem(
                    _problem(
                        REF_UNRESOLVED,
                        location,
                        f"$ref '{ref}' points at nothing in its document; fix the pointer "
                        "(e.g. '#/$defs/Name')",
                        f"{located.display}: {ref}",
                    )
                )

    def refuse(self, target: str, location: Location, what: str) -> Problem | None:
        """A DL922 problem when ``target`` is remote or a file outside the repository."""
        if self.local_path(target) is not None:
            return None
        scheme = urlsplit(target).scheme
        if scheme == "file":
            reason = "leaves the repository; doclint reads only files inside it"
        else:
            reason = "is remote; doclint never fetches URLs, so use a local file"
        return _problem(
            REF_NOT_LOCAL,
            location,
            f"{what} {reason}",
            f"{location.path}: {target}",
        )

    # -- the registry ----------------------------------------------------------------------
    @property
    def registry(self) -> Any:
        if self._registry is None:
            from referencing import Registry

            self._registry = Registry(retrieve=self._retrieve)  # type: ignore[call-arg]
        return self._registry

    def _retrieve(self, uri: str) -> Any:
        from referencing import Resource
        from referencing.exceptions import NoSuchResource
        from referencing.jsonschema import DRAFT202012

        path = self.local_path(uri)
        located = self.document(path) if path is not None and is_file(path) else None
        if located is None or not isinstance(located.data, dict | bool):
            # attrs classes: mypy sees no generated __init__ without the attrs plugin
            raise NoSuchResource(ref=uri)  # type: ignore[call-arg]
        return Resource.from_contents(located.data, default_specification=DRAFT202012)

    def resolve(self, uri: str) -> Node | None:
        """The node an absolute URI (file URI plus optional ``#pointer``) names."""
        try:
            resolved = self.registry.resolver().lookup(uri)
        except Exception:  # untrusted schemas: referencing/jsonschema raise many kinds
            return None
        return Node(resolved.contents, resolved.resolver, uri.partition("#")[0], self.where(uri))

    def where(self, uri: str) -> Where:
        path = self.local_path(uri)
        located = self.structured(path) if path is not None and is_file(path) else None
        if located is None:
            return Where(path, ())
        return Where(path, pointer_into(located.data, uri.partition("#")[2]))

    def location(self, where: Where) -> Location | None:
        if where.path is None:
            return None
        located = self.structured(where.path)
        if located is None:
            return None
        return located.location(list(where.pointer))

    # -- following $ref and allOf ------------------------------------------------------------
    def follow(self, node: Node, ref: str) -> Node | None:
        try:
            resolved = node.resolver.lookup(ref)
        except Exception:  # untrusted schemas: referencing/jsonschema raise many kinds
            return None
        target = urljoin(node.base, ref)
        return Node(
            resolved.contents, resolved.resolver, target.partition("#")[0], self.where(target)
        )

    def parts(self, node: Node, depth: int = 0) -> list[Node]:
        """``node`` and every schema it brings in through ``$ref`` and ``allOf``."""
        if not isinstance(node.contents, dict) or depth > MAX_DEPTH:
            return []
        found = [node]
        ref = node.contents.get("$ref")
        if isinstance(ref, str):
            target = self.follow(node, ref)
            if target is not None:
                found.extend(self.parts(target, depth + 1))
        subs = node.contents.get("allOf")
        if isinstance(subs, list):
            for index, sub in enumerate(subs):
                child = Node(
                    sub,
                    node.resolver,
                    node.base,
                    Where(node.where.path, (*node.where.pointer, "allOf", index)),
                )
                found.extend(self.parts(child, depth + 1))
        return found

    def _child(self, node: Node, key: str | int, *more: str | int) -> Node | None:
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

    # -- types -----------------------------------------------------------------------------
    def types(self, node: Node, depth: int = 0) -> tuple[SchemaType, ...]:
        """The alternatives a schema allows (``null`` dropped); empty means any."""
        parts = self.parts(node)
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
                items = self._child(part, "items")
            has_properties = has_properties or isinstance(contents.get("properties"), dict)
        if bases is None:
            alternatives: list[SchemaType] = []
            for part in parts:
                for keyword in ("oneOf", "anyOf"):
                    branches = part.contents.get(keyword)
                    if isinstance(branches, list):
                        for index in range(len(branches)):
                            child = self._child(part, keyword, index)
                            if child is not None:
                                alternatives.extend(self.types(child, depth + 1))
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
                item_types = self.types(items, depth + 1)
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

    # -- flattening ------------------------------------------------------------------------
    def fields(self, node: Node) -> tuple[Field, ...]:
        """Every property under ``node`` as dotted paths, through $ref, allOf and arrays."""
        found: dict[str, Field] = {}
        self._walk(node, "", found, (), 0)
        return tuple(found.values())

    def _walk(
        self,
        node: Node,
        prefix: str,
        found: dict[str, Field],
        seen: tuple[tuple[Path | None, Pointer], ...],
        depth: int,
    ) -> None:
        properties: dict[str, Node] = {}
        required: dict[str, Where] = {}
        parts = self.parts(node)
        marks = tuple((p.where.path, p.where.pointer) for p in parts)
        if depth > MAX_DEPTH or any(mark in seen for mark in marks):
            return
        seen = (*seen, *marks)
        for part in parts:
            declared = part.contents.get("properties")
            if isinstance(declared, dict):
                for name in declared:
                    child = self._child(part, "properties", str(name))
                    if child is not None:
                        properties.setdefault(str(name), child)
            names = part.contents.get("required")
            if isinstance(names, list):
                for index, name in enumerate(names):
                    if isinstance(name, str):
                        where = Where(part.where.path, (*part.where.pointer, "required", index))
                        required.setdefault(name, where)
        fallback = self.location(node.where) or Location(".", 1)
        for name, child in properties.items():
            path = prefix + name
            types = self.types(child)
            location = self.location(child.where) or fallback
            listed = required.get(name)
            required_at = self.location(listed) if listed is not None else None
            found.setdefault(path, Field(path, types, listed is not None, location, required_at))
            if any(t.base == "object" for t in types):
                self._walk(child, path + ".", found, seen, depth + 1)
            if any(t.base == "array" for t in types):
                for part in self.parts(child):
                    items = self._child(part, "items")
                    if items is not None and isinstance(items.contents, dict):
                        self._walk(items, path + "[].", found, seen, depth + 1)
                        break

    # -- validation ------------------------------------------------------------------------
    def validate(self, uri: str, instance: Any) -> list[ValidationIssue] | None:
        """How ``instance`` fails the schema at ``uri``; None when the schema is unusable."""
        node = self.resolve(uri)
        if node is None:
            return None
        root: Any = {}
        if node.where.path is not None:
            located = self.structured(node.where.path)
            root = located.data if located is not None else {}
        dialect = root.get("$schema") if isinstance(root, dict) else None
        if self._fast_valid(uri, dialect, instance):
            return []
        import jsonschema
        from jsonschema.exceptions import best_match
        from jsonschema.validators import validator_for

        cls: Any = jsonschema.Draft202012Validator
        if isinstance(dialect, str):
            found = validator_for({"$schema": dialect}, default=_UNKNOWN)
            cls = cls if found is _UNKNOWN else found
        validator = cls({"$ref": uri}, registry=self.registry, format_checker=cls.FORMAT_CHECKER)
        issues = []
        try:
            for count, error in enumerate(validator.iter_errors(instance)):
                if count >= MAX_ERRORS:
                    break
                best = best_match([error])
                issues.append(ValidationIssue(tuple(best.absolute_path), _short(best.message)))
        except Exception:  # untrusted schemas: referencing/jsonschema raise many kinds
            return None
        return sorted(issues, key=lambda i: ([str(p) for p in i.pointer], i.message))

    # -- the jsonschema-rs verdict -------------------------------------------------------------
    def _plain_unevaluated(self, uri: str) -> bool:
        """Whether the schemas ``uri`` reaches use `unevaluatedProperties` (a boolean) only
        with `properties`, `additionalProperties`, `allOf` and `$ref` bringing in properties,
        where the properties it sees are plain to tell, or do not use it at all."""
        start = self.resolve(uri)
        if start is None:
            return False
        stack = [start]
        seen: set[int] = set()
        unevaluated = False
        branching = False
        while stack:
            node = stack.pop()
            contents = node.contents
            if id(contents) in seen:
                continue
            seen.add(id(contents))
            items: list[Any] = []
            if isinstance(contents, dict):
                if "unevaluatedProperties" in contents:
                    unevaluated = True
                    if not isinstance(contents["unevaluatedProperties"], bool):
                        return False
                branching = branching or not _BRANCHING.isdisjoint(contents)
                ref = contents.get("$ref")
                if isinstance(ref, str):
                    target = self.follow(node, ref)
                    if target is None:
                        return False
                    stack.append(target)
                items = [v for k, v in contents.items() if k not in _NOT_SCHEMA_KEYS]
            elif isinstance(contents, list):
                items = contents
            stack.extend(
                Node(item, node.resolver, node.base, node.where)
                for item in items
                if isinstance(item, dict | list)
            )
            if unevaluated and branching:
                return False
        return True

    def _fast_valid(self, uri: str, dialect: Any, instance: Any) -> bool:
        """Whether jsonschema-rs finds ``instance`` valid against the schema at ``uri`` where
        jsonschema would too: same draft, `pattern` read with Python's ``re``, each format
        jsonschema checks either checked the same way or left to it, keywords the two may
        read differently (patternProperties, multipleOf, unevaluated*, dynamic references,
        documents of another draft) left to it."""
        draft = _DRAFTS.get(
            (dialect if isinstance(dialect, str) else _DRAFT_2020).removesuffix("#")
        )
        if draft is None or _int_bits(instance) > 53:
            return False
        key = (uri, draft)
        if key not in self._fast:
            self._fast[key] = self._fast_validator(uri, draft)
        built = self._fast[key]
        if built is None:
            return False
        validator, doubt = built
        try:
            valid = bool(validator.is_valid(instance))
        except Exception:  # a value jsonschema-rs cannot read, or a check that raised
            return False
        return valid and not doubt

    def _fast_validator(self, uri: str, draft: str) -> tuple[Any, list[str]] | None:
        if not self._plain_unevaluated(uri):
            return None
        import jsonschema_rs

        doubt: list[str] = []
        dialect = next(k for k, v in _DRAFTS.items() if v == draft)

        def retrieve(target: str) -> Any:
            path = self.local_path(target)
            if path is None or path not in self._checked:
                raise ValueError(target)
            located = self.structured(path)
            data = located.data if located is not None else None
            if not isinstance(data, dict | bool):
                raise ValueError(target)
            own = data.get("$schema", _DRAFT_2020) if isinstance(data, dict) else dialect
            if not isinstance(own, str) or own.removesuffix("#") != dialect:
                doubt.append(target)
            return data

        class Doubtful:
            def __init__(self, parent: Any, value: Any, path: Any) -> None:
                doubt.append(str(path))

            def validate(self, instance: Any) -> None:
                doubt.append("")

        def unchecked(name: str) -> Any:
            def check(instance: str) -> bool:
                doubt.append(name)
                return True

            return check

        formats = {
            name: _FORMAT_CHECKS.get(name) or unchecked(name) for name in _checked_formats(draft)
        }
        keywords: dict[str, Any] = {name: Doubtful for name in _DOUBTFUL_KEYWORDS}
        keywords["pattern"] = _Pattern
        try:
            validator = getattr(jsonschema_rs, draft)(
                {"$ref": uri},
                retriever=retrieve,
                validate_formats=True,
                formats=formats,
                keywords=keywords,
            )
        except Exception:  # a reference jsonschema-rs cannot follow: jsonschema decides
            return None
        return validator, doubt


# the drafts jsonschema's validator_for knows, by `$schema`, that jsonschema-rs checks too
_DRAFTS = {
    "https://json-schema.org/draft/2020-12/schema": "Draft202012Validator",
    "https://json-schema.org/draft/2019-09/schema": "Draft201909Validator",
    "http://json-schema.org/draft-07/schema": "Draft7Validator",
    "http://json-schema.org/draft-06/schema": "Draft6Validator",
    "http://json-schema.org/draft-04/schema": "Draft4Validator",
}
_META_FOLDERS = {
    "Draft202012Validator": "draft202012",
    "Draft201909Validator": "draft201909",
    "Draft7Validator": "draft7",
    "Draft6Validator": "draft6",
    "Draft4Validator": "draft4",
}
# jsonschema descends a few Python frames per level: deeper schemas are left to it, so that
# one too deep for it is reported as such
_FAST_DEPTH = 40


def _meta_valid(data: Any) -> bool:
    """Whether ``data`` is a valid schema of its draft, as jsonschema-rs sees it. Where it is,
    jsonschema agrees (both read the draft's metaschema without format assertions; where a
    pattern differs, ECMA regexes are the stricter); anything else is left to jsonschema, which
    words the errors."""
    if isinstance(data, bool):
        return True
    if not isinstance(data, dict) or _depth(data) > _FAST_DEPTH:
        return False
    dialect = data.get("$schema", "https://json-schema.org/draft/2020-12/schema")
    if not isinstance(dialect, str):
        return False
    draft = _DRAFTS.get(dialect.removesuffix("#"))
    validator = None if draft is None else _meta_validator(draft)
    if validator is None:
        return False
    try:
        return bool(validator.is_valid(data))
    except (ValueError, TypeError, OverflowError):
        return False


@cache
def _meta_validator(draft: str) -> Any:
    import jsonschema_rs

    folder = _META_FOLDERS[draft]
    spec = importlib.util.find_spec("jsonschema_specifications")
    if spec is None or spec.submodule_search_locations is None:
        return None
    base = Path(next(iter(spec.submodule_search_locations)))
    meta_file = base / "schemas" / folder / "metaschema.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    return getattr(jsonschema_rs, draft)(meta, validate_formats=False)


def _depth(value: Any) -> int:
    deepest = 0
    stack = [(value, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > _FAST_DEPTH:
            break
        if isinstance(node, dict):
            stack.extend((v, level + 1) for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend((v, level + 1) for v in node if isinstance(v, dict | list))
    return deepest


_DRAFT_2020 = "https://json-schema.org/draft/2020-12/schema"
# keywords jsonschema and jsonschema-rs may read differently (regex dialects, float
# arithmetic, annotation collection, dynamic scopes)
_DOUBTFUL_KEYWORDS = (
    "patternProperties",
    "multipleOf",
    "unevaluatedItems",
    "$dynamicRef",
    "$recursiveRef",
)
# keywords whose annotations make the properties `unevaluatedProperties` sees depend on
# which branch validates
_BRANCHING = frozenset(
    {
        "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "patternProperties",
        "$dynamicRef", "$recursiveRef", "unevaluatedItems", "contains", "prefixItems",
        "additionalItems", "dependencies",
    }
)  # fmt: skip
# the formats jsonschema's FormatChecker of each draft checks, with the libraries they need
_ALL = ("Draft4Validator", "Draft6Validator", "Draft7Validator", "Draft201909Validator",
        "Draft202012Validator")  # fmt: skip
_FROM_6 = _ALL[1:]
_FROM_7 = _ALL[2:]
_FROM_2019 = _ALL[3:]
_FORMAT_DRAFTS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("email", _ALL, ()),
    ("idn-email", _ALL, ()),
    ("ipv4", _ALL, ()),
    ("ipv6", _ALL, ()),
    ("hostname", _ALL, ("fqdn",)),
    ("idn-hostname", _FROM_7, ("idna",)),
    ("uri", _ALL, ("rfc3987", "rfc3986_validator")),
    ("uri-reference", _FROM_6, ("rfc3987", "rfc3986_validator")),
    ("iri", _FROM_7, ("rfc3987", "rfc3987_syntax")),
    ("iri-reference", _FROM_7, ("rfc3987", "rfc3987_syntax")),
    ("date-time", _ALL, ("rfc3339_validator",)),
    ("time", _FROM_7, ("rfc3339_validator",)),
    ("regex", _ALL, ()),
    ("date", _FROM_7, ()),
    ("json-pointer", _FROM_6, ("jsonpointer",)),
    ("relative-json-pointer", _FROM_7, ("jsonpointer",)),
    ("uri-template", _FROM_6, ("uri_template",)),
    ("duration", _FROM_2019, ("isoduration",)),
    ("uuid", _FROM_2019, ()),
)


@cache
def _checked_formats(draft: str) -> frozenset[str]:
    """The formats jsonschema's FormatChecker for ``draft`` checks here (some need a library
    installed)."""
    return frozenset(
        name
        for name, drafts, needs in _FORMAT_DRAFTS
        if draft in drafts and (not needs or any(_installed(m) for m in needs))
    )


@cache
def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _is_email(instance: str) -> bool:
    return "@" in instance


def _is_ipv4(instance: str) -> bool:
    import ipaddress

    try:
        return bool(ipaddress.IPv4Address(instance))
    except ipaddress.AddressValueError:
        return False


def _is_ipv6(instance: str) -> bool:
    import ipaddress

    try:
        address = ipaddress.IPv6Address(instance)
    except ipaddress.AddressValueError:
        return False
    return not getattr(address, "scope_id", "")


def _is_datetime(instance: str) -> bool:
    from rfc3339_validator import validate_rfc3339  # type: ignore[import-untyped]  # no stubs

    return bool(validate_rfc3339(instance.upper()))


def _is_time(instance: str) -> bool:
    return _is_datetime("1970-01-01T" + instance)


def _is_date(instance: str) -> bool:
    from datetime import date

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


_RE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
# jsonschema's checks for these formats, to the letter
_FORMAT_CHECKS: dict[str, Any] = {
    "email": _is_email,
    "idn-email": _is_email,
    "ipv4": _is_ipv4,
    "ipv6": _is_ipv6,
    "date-time": _is_datetime,
    "time": _is_time,
    "date": _is_date,
    "uuid": _is_uuid,
}


class _Pattern:
    """`pattern` as jsonschema reads it: Python's ``re.search``."""

    def __init__(self, parent: Any, value: Any, path: Any) -> None:
        self.pattern = value

    def validate(self, instance: Any) -> None:
        if isinstance(instance, str) and not re.search(self.pattern, instance):
            raise ValueError(f"{instance!r} does not match {self.pattern!r}")


def _int_bits(value: Any) -> int:
    """The bits the widest integer in ``value`` needs (at most 64 counted)."""
    widest = 0
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, bool):
            continue
        if isinstance(node, int):
            widest = max(widest, min(64, (node if node >= 0 else ~node).bit_length()))
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return widest


def _refs(data: Any) -> Iterator[tuple[Pointer, str]]:
    """(pointer of the holding object, ref) for every ``$ref`` string in ``data``."""
    stack: list[tuple[Any, Pointer]] = [(data, ())]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                yield pointer, ref
            for key, value in reversed(list(node.items())):
                if key not in _NOT_SCHEMA_KEYS and isinstance(value, dict | list):
                    stack.append((value, (*pointer, key)))
        elif isinstance(node, list):
            for index in range(len(node) - 1, -1, -1):
                if isinstance(node[index], dict | list):
                    stack.append((node[index], (*pointer, index)))


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


def _short(message: str, limit: int = 160) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _draft_name(cls: Any) -> str:
    name = getattr(cls, "__name__", "Draft202012Validator")
    match = re.match(r"Draft(\d+)Validator", name)
    if not match:
        return "its draft"
    digits = match.group(1)
    return f"draft {digits[:4]}-{digits[4:]}" if len(digits) > 2 else f"draft-{int(digits):02d}"


def store(project: Project) -> SchemaStore:
    """The service's schema store (one per run)."""
    return project.cached("jsonschema:store", lambda: SchemaStore(project))


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
