"""Instance values validated against schemas: jsonschema-rs where its verdict is jsonschema's."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from doclint.sources.format_checks import (
    PythonPattern,
    installed,
    int_bits,
    is_date,
    is_datetime,
    is_email,
    is_ipv4,
    is_ipv6,
    is_rfc3339_time,
    is_uuid,
)
from doclint.sources.metaschema import DRAFTS, MAX_ERRORS, UNKNOWN, short
from doclint.sources.schema_nodes import NOT_SCHEMA_KEYS, Node, Pointer

if TYPE_CHECKING:
    from doclint.sources.structured import Located


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    """One way an instance fails its schema: where in the instance, and what is wrong."""

    pointer: Pointer
    message: str


class _Schemas(Protocol):
    """The schema store, as value validation reads it."""

    _checked: set[Path]
    _fast: dict[tuple[str, str], tuple[Any, list[str]] | None]

    @property
    def registry(self) -> Any: ...

    def structured(self, path: Path) -> Located | None: ...

    def local_path(self, uri: str) -> Path | None: ...

    def resolve(self, uri: str) -> Node | None: ...

    def follow(self, node: Node, ref: str) -> Node | None: ...

    def _fast_valid(self, uri: str, dialect: Any, instance: Any) -> bool: ...


class ValueValidation:
    """Validation of values, a base of SchemaStore: ``validate`` takes jsonschema-rs's verdict
    (``_fast_valid``) where it is jsonschema's, and asks jsonschema otherwise."""

    def __init__(self) -> None:
        self._fast: dict[tuple[str, str], tuple[Any, list[str]] | None] = {}

    def validate(self: _Schemas, uri: str, instance: Any) -> list[ValidationIssue] | None:
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
            found = validator_for({"$schema": dialect}, default=UNKNOWN)
            cls = cls if found is UNKNOWN else found
        validator = cls({"$ref": uri}, registry=self.registry, format_checker=cls.FORMAT_CHECKER)
        issues = []
        try:
            for count, error in enumerate(validator.iter_errors(instance)):
                if count >= MAX_ERRORS:
                    break
                best = best_match([error])
                issues.append(ValidationIssue(tuple(best.absolute_path), short(best.message)))
        except Exception:  # untrusted schemas: referencing/jsonschema raise many kinds
            return None
        return sorted(issues, key=lambda i: ([str(p) for p in i.pointer], i.message))

    def _fast_valid(self: _Schemas, uri: str, dialect: Any, instance: Any) -> bool:
        """Whether jsonschema-rs finds ``instance`` valid against the schema at ``uri`` where
        jsonschema would too: same draft, `pattern` read with Python's ``re``, each format
        jsonschema checks either checked the same way or left to it, keywords the two may
        read differently (patternProperties, multipleOf, unevaluated*, dynamic references,
        documents of another draft) left to it."""
        draft = DRAFTS.get((dialect if isinstance(dialect, str) else _DRAFT_2020).removesuffix("#"))
        if draft is None or int_bits(instance) > 53:
            return False
        key = (uri, draft)
        if key not in self._fast:
            self._fast[key] = _fast_validator(self, uri, draft)
        built = self._fast[key]
        if built is None:
            return False
        validator, doubt = built
        try:
            valid = bool(validator.is_valid(instance))
        except Exception:  # a value jsonschema-rs cannot read, or a check that raised
            return False
        return valid and not doubt


def _plain_unevaluated(schemas: _Schemas, uri: str) -> bool:
    """Whether the schemas ``uri`` reaches use `unevaluatedProperties` (a boolean) only
    with `properties`, `additionalProperties`, `allOf` and `$ref` bringing in properties,
    where the properties it sees are plain to tell, or do not use it at all."""
    start = schemas.resolve(uri)
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
                target = schemas.follow(node, ref)
                if target is None:
                    return False
                stack.append(target)
            items = [v for k, v in contents.items() if k not in NOT_SCHEMA_KEYS]
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


def _fast_validator(schemas: _Schemas, uri: str, draft: str) -> tuple[Any, list[str]] | None:
    if not _plain_unevaluated(schemas, uri):
        return None
    import jsonschema_rs

    doubt: list[str] = []
    dialect = next(k for k, v in DRAFTS.items() if v == draft)

    def retrieve(target: str) -> Any:
        path = schemas.local_path(target)
        if path is None or path not in schemas._checked:
            raise ValueError(target)
        located = schemas.structured(path)
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
    keywords["pattern"] = PythonPattern
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
        if draft in drafts and (not needs or any(installed(m) for m in needs))
    )


# jsonschema's checks for these formats, to the letter
_FORMAT_CHECKS: dict[str, Any] = {
    "email": is_email,
    "idn-email": is_email,
    "ipv4": is_ipv4,
    "ipv6": is_ipv6,
    "date-time": is_datetime,
    "time": is_rfc3339_time,
    "date": is_date,
    "uuid": is_uuid,
}
