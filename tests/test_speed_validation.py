"""The jsonschema-rs fast paths give the pure-Python validators' verdicts and messages: OpenAPI
examples and defaults (openapi-schema-validator), rule packs and JSON Schema metaschema checks
(jsonschema)."""

from __future__ import annotations

import string
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from doclint.config import Config
from doclint.project import Project
from doclint.sources import openapi as oas
from doclint.sources.openapi_model import Example, OpenApiModel
from doclint.sources.openapi_values import (
    _inline,
    example_errors,
    format_handling,
    plain_errors,
    value_validator,
)
from tests.conftest import CORPUS, FIXTURES, SAMPLE

API = FIXTURES / "api"
CORPUS_OPENAPI = CORPUS / "openapi"


def specs() -> list[tuple[Path, Path]]:
    cases = [(SAMPLE / "openapi.yaml", SAMPLE)]
    for folder in sorted(p for p in API.iterdir() if p.is_dir()):
        for name in ("openapi.yaml", "openapi.json", "openapi/openapi.yaml"):
            if (folder / name).is_file():
                cases.append((folder / name, folder))
                break
    if CORPUS_OPENAPI.is_dir():
        cases += [(spec, CORPUS_OPENAPI) for spec in sorted(CORPUS_OPENAPI.iterdir())]
    return cases


def load(spec: Path, root: Path) -> tuple[OpenApiModel | None, Project]:
    config = replace(Config(root=root), openapi=spec.relative_to(root).as_posix())
    project = Project(root, config, root)
    return oas.openapi(project), project


def reference(model: OpenApiModel, example: Example) -> list[tuple[str, tuple[Any, ...]]]:
    assert model.resolver is not None
    v31 = model.openapi_version.startswith("3.1")
    validator = value_validator(model.resolver, example.schema, v31)
    return [(e.message, tuple(e.absolute_path)) for e in validator.iter_errors(example.value)]


def reference_example_errors(model: OpenApiModel) -> list[tuple[int, str]]:
    """DL218's messages as openapi-schema-validator alone gives them."""
    found = []
    for example in model.examples:
        try:
            errors = reference(model, example)
        except Exception:
            continue
        if errors:
            message, path = errors[0]
            where = "/".join(str(p) for p in path)
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            found.append(
                (example.location.line, message + (f" at {where}" if where else "") + more)
            )
    return found


@pytest.mark.parametrize(("spec", "root"), specs(), ids=lambda p: p.name)
def test_examples_same_errors_as_openapi_schema_validator(spec: Path, root: Path) -> None:
    """Every example of the sample, the API fixtures and the corpus: where the fast path
    answers, it gives openapi-schema-validator's errors, messages and order; DL218 says the
    same as with the reference alone."""
    model, project = load(spec, root)
    if model is None or model.resolver is None:
        return
    v31 = model.openapi_version.startswith("3.1")
    answered = 0
    for example in model.examples:
        schema = _inline(model.resolver, example.schema, v31, frozenset())
        fast = None if schema is None else plain_errors(schema, example.value, v31)
        if fast is None:
            continue
        answered += 1
        assert [(e.message, e.path) for e in fast] == reference(model, example), (
            example.label,
            example.location.line,
        )
    assert answered >= 0.9 * len(model.examples) or len(model.examples) < 20
    mine = [(ex.location.line, message) for ex, message in example_errors(project, model)]
    assert mine == reference_example_errors(model)


def test_the_sample_needs_no_reference() -> None:
    model, _ = load(SAMPLE / "openapi.yaml", SAMPLE)
    assert model is not None and model.resolver is not None and model.examples
    v31 = model.openapi_version.startswith("3.1")
    for example in model.examples:
        schema = _inline(model.resolver, example.schema, v31, frozenset())
        assert plain_errors(schema, example.value, v31) is not None


@pytest.mark.skipif(not CORPUS_OPENAPI.is_dir(), reason="corpus folder ../shared/corpus absent")
def test_the_corpus_has_invalid_examples_the_fast_path_words() -> None:
    worded = 0
    for spec in sorted(CORPUS_OPENAPI.iterdir()):
        model, _ = load(spec, CORPUS_OPENAPI)
        assert model is not None and model.resolver is not None
        v31 = model.openapi_version.startswith("3.1")
        for example in model.examples:
            schema = _inline(model.resolver, example.schema, v31, frozenset())
            fast = None if schema is None else plain_errors(schema, example.value, v31)
            worded += bool(fast)
    assert worded >= 50


# -- schemas written for the fast path's edge cases -------------------------------------------
OBJECT = {
    "type": "object",
    "required": ["id", "name", "kind"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "integer", "format": "int32", "minimum": 1},
        "name": {"type": "string", "minLength": 2, "maxLength": 4, "pattern": "^[a-z]+$"},
        "kind": {"enum": ["a", "b"]},
        "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        "when": {"type": "string", "format": "date-time"},
        "day": {"type": "string", "format": "date"},
        "at": {"type": "string", "format": "time"},
        "ref": {"type": "string", "format": "uuid"},
        "mail": {"type": "string", "format": "email"},
        "link": {"type": "string", "format": "uri"},
        "any": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        "one": {"oneOf": [{"type": "string"}, {"type": "boolean"}]},
        "all": {"allOf": [{"type": "object"}, {"minProperties": 1, "maxProperties": 2}]},
        "size": {"type": "number", "maximum": 10, "minimum": 0},
        "list": {"type": "array", "minItems": 1, "maxItems": 2},
        "empty": {"type": "array", "maxItems": 0},
        "note": {"type": "string", "minLength": 1},
        "map": {"type": "object", "additionalProperties": {"type": "integer"}},
    },
}
VALUES: list[Any] = [
    {"id": 7, "name": "ab", "kind": "a"},
    {"id": 0, "name": "A", "kind": "c", "extra": 1, "more": 2},
    {"name": "abcdef", "tags": ["x", "x", 3]},
    {"id": 2**40, "name": "ab", "kind": "a"},
    {"id": 1, "name": "ab\n", "kind": "b", "when": "2024-01-01T00:00:00Z", "day": "2024-13-01"},
    {"id": 1, "name": "ab", "kind": "b", "when": "yesterday", "at": "25:00:00", "ref": "x"},
    {"id": 1, "name": "ab", "kind": "b", "at": "12:00:00", "ref": "0" * 32, "mail": "none"},
    {"id": 1, "name": "ab", "kind": "b", "link": "not a uri", "any": 1.5, "one": None},
    {"id": 1, "name": "ab", "kind": "b", "all": {}, "size": 11, "list": [], "empty": [1]},
    {"id": 1, "name": "ab", "kind": "b", "all": {"a": 1, "b": 2, "c": 3}, "size": -1},
    {"id": 1, "name": "ab", "kind": "b", "note": "", "list": [1, 2, 3], "map": {"a": "x"}},
    {"id": 1.0, "name": None, "kind": None, "size": True},
    "text",
    None,
    [1, 2],
]


@pytest.mark.parametrize("v31", [False, True], ids=["3.0", "3.1"])
@pytest.mark.parametrize("value", VALUES)
def test_fast_path_words_errors_like_the_reference(v31: bool, value: Any) -> None:
    fast = plain_errors(OBJECT, value, v31)
    expected = reference_errors_of(OBJECT, value, v31)
    if fast is None:
        assert isinstance(value, dict) and value.get("id") == 2**40
        return
    assert [(e.message, e.path) for e in fast] == expected


NULLABLE_30 = {
    "type": "object",
    "properties": {
        "a": {"type": "string", "nullable": True},
        "b": {"type": "string"},
        "c": {"type": "integer", "minimum": 0, "exclusiveMinimum": True},
        "d": {"type": "integer", "maximum": 5, "exclusiveMaximum": True},
        "e": {"nullable": True, "enum": ["x"]},
    },
}


@pytest.mark.parametrize(
    "value",
    [{"a": None, "b": None}, {"a": 1, "b": "x", "c": 0, "d": 5}, {"c": 1, "d": 4, "e": None}],
)
def test_openapi_30_nullable_and_exclusive_bounds(value: Any) -> None:
    fast = plain_errors(NULLABLE_30, value, False)
    assert fast is not None
    assert [(e.message, e.path) for e in fast] == reference_errors_of(NULLABLE_30, value, False)


@pytest.mark.parametrize(
    ("schema", "v31"),
    [
        ({"type": "object", "required": ["a"], "properties": {"a": {"readOnly": True}}}, False),
        ({"type": "string", "format": "regex"}, True),
        ({"type": "string", "format": "byte"}, False),
        ({"type": "number", "multipleOf": 0.1}, True),
        ({"oneOf": [{"type": "integer"}], "discriminator": {"propertyName": "x"}}, False),
        ({"type": "object", "patternProperties": {"^x": {}}, "additionalProperties": False}, False),
        ({"type": "integer", "format": "int32"}, True),
        ({"type": "null"}, False),
        ({"type": "string", "pattern": "("}, True),
        ({"$id": "x", "type": "string"}, True),
        ({"items": [{"type": "string"}]}, False),
        ({"minimum": True}, True),
        ({"required": ["a", "a"]}, True),
        ({"enum": [{1: 2}]}, True),
        ({"oneOf": [{"type": "integer"}, {"type": "number"}]}, True),
        ({"not": {"type": "integer"}}, True),
        ({"properties": {"a": False}}, True),
        ({"properties": {"a": True}}, False),
    ],
)
def test_what_the_fast_path_leaves_to_the_reference(schema: dict[str, Any], v31: bool) -> None:
    value = {"x": 1, "a": 1} if "properties" in schema or "required" in schema else 2**31
    assert plain_errors(schema, value, v31) is None


def test_a_valid_value_with_unsure_keywords_elsewhere_is_left_alone() -> None:
    assert plain_errors({"type": "integer"}, 1, True) == []
    assert plain_errors({"type": "string", "format": "custom"}, "x", False) == []


def reference_errors_of(schema: Any, value: Any, v31: bool) -> list[tuple[str, tuple[Any, ...]]]:
    from openapi_schema_validator import (
        OAS30Validator,
        OAS31Validator,
        oas30_format_checker,
        oas31_format_checker,
    )

    cls = OAS31Validator if v31 else OAS30Validator
    checker = oas31_format_checker if v31 else oas30_format_checker
    validator = cls(schema, format_checker=checker)
    return [(e.message, tuple(e.absolute_path)) for e in validator.iter_errors(value)]


SAMPLE_STRINGS = [
    "",
    "x",
    "a@b",
    "2024-01-01",
    "2024-02-30",
    "2024-1-01",
    "2024-01-01\n",
    "2024-01-01T10:00:00Z",
    "2024-01-01t10:00:00z",
    "2024-01-01T10:00:00",
    "2024-01-01T25:00:00Z",
    "10:00:00",
    "10:00",
    "24:00:00",
    "123e4567-e89b-12d3-a456-426614174000",
    "123e4567e89b12d3a456426614174000",
    "{123e4567-e89b-12d3-a456-426614174000}",
    "urn:uuid:123e4567-e89b-12d3-a456-426614174000",
    "١٢٣٤-٠١-٠١",
]


@pytest.mark.parametrize("v31", [False, True], ids=["3.0", "3.1"])
def test_format_table_agrees_with_the_reference_checkers(v31: bool) -> None:
    from openapi_schema_validator import oas30_format_checker, oas31_format_checker

    from doclint.sources.openapi_values import _CHECKED_FORMATS, _FORMAT_CHECKS

    checker = oas31_format_checker if v31 else oas30_format_checker
    names = set(checker.checkers) | set(_CHECKED_FORMATS) | {"phone", "date-time-rfc-2822"}
    for name in sorted(names):
        handling = format_handling(name, v31)
        if handling == "ignore":
            samples: list[Any] = [*SAMPLE_STRINGS, 1, 2**40, 1.5, True, None, [], {}]
            assert all(checker.conforms(s, name) for s in samples), name
        elif handling == "int":
            assert name in ("int32", "int64")
        elif handling == "check":
            assert name in checker.checkers
            for text in SAMPLE_STRINGS:
                assert _FORMAT_CHECKS[name](text) == checker.conforms(text, name), (name, text)
        else:
            assert handling == "reference"
            assert name in checker.checkers


def test_additional_properties_name_every_extra_in_the_reference_order() -> None:
    schema = {"type": "object", "additionalProperties": False, "properties": {}}
    value = {name: 1 for name in string.ascii_lowercase}
    for v31 in (False, True):
        fast = plain_errors(schema, value, v31)
        assert fast is not None
        assert [(e.message, e.path) for e in fast] == reference_errors_of(schema, value, v31)


# -- rule packs and metaschema checks ---------------------------------------------------------
PACKS: list[Any] = [
    {"pack": "a", "rules": {"placeholder": {"id": "X123", "name": "a"}}},
    {"pack": "a\n", "rules": {"placeholder": {"id": "X123", "name": "a"}}},
    {"pack": "a", "rules": {}},
    {"pack": "A", "rules": {"placeholder": {"id": "X12", "name": "a"}}},
    {
        "pack": "a",
        "rules": {"missing-section": {"id": "X123", "name": "a", "severity": "warning"}},
        "documents": [
            {"path": "A.md", "sections": ["x", {"name": "y", "each-subsection": [{"name": "z"}]}]}
        ],
    },
    {
        "pack": "a",
        "rules": {"missing-section": {"id": "X123", "name": "a"}},
        "documents": [{"path": "A.md", "sections": [{"name": "y", "min-items": 1.0}]}],
    },
    {"pack": 1, "rules": {1: 2}},
    [],
]


@pytest.mark.parametrize("pack", PACKS)
def test_pack_fast_verdict_never_accepts_what_jsonschema_rejects(pack: Any) -> None:
    import jsonschema

    from doclint.packs import _schema, _valid

    reference_ok = jsonschema.Draft202012Validator(_schema()).is_valid(pack)
    if _valid(pack):
        assert reference_ok


def test_a_pack_only_python_accepts_still_loads(tmp_path: Path) -> None:
    from doclint.packs import load_pack

    path = tmp_path / "p.yaml"
    path.write_text('pack: "a\\n"\nrules: {placeholder: {id: X123, name: a}}\n', encoding="utf-8")
    assert load_pack(path, "p.yaml").name == "a\n"


SCHEMAS: list[Any] = [
    {"type": "object", "properties": {"a": {"type": "string"}}},
    {"type": "strin"},
    {"minLength": -1},
    {"minLength": True},
    {"minLength": 1.0},
    {"required": "a"},
    {"properties": {"a": 5}},
    {"$schema": "http://json-schema.org/draft-07/schema#", "items": 3},
    {"$schema": "http://json-schema.org/draft-07/schema", "items": [{}]},
    {"$schema": "http://json-schema.org/draft-04/schema#", "exclusiveMinimum": 5},
    {"$schema": "http://json-schema.org/draft-04/schema", "exclusiveMinimum": True},
    {"$schema": "http://json-schema.org/draft-06/schema#", "exclusiveMinimum": 5},
    {"$schema": "https://json-schema.org/draft/2019-09/schema", "$anchor": "a\n"},
    {"$schema": "https://json-schema.org/draft/2020-12/schema#", "$anchor": "1a"},
    {"$schema": "https://example.com/unknown", "type": "object"},
    {"$schema": 5},
    {"enum": [1, True, 1.0]},
    {"type": ["string", "string"]},
    {"format": 5},
    True,
    [],
]


@pytest.mark.parametrize("schema", SCHEMAS)
def test_metaschema_fast_verdict_never_accepts_what_jsonschema_rejects(schema: Any) -> None:
    from jsonschema import Draft202012Validator
    from jsonschema.validators import validator_for
    from referencing import Registry

    from doclint.sources.metaschema import _meta_valid

    if not _meta_valid(schema):
        return
    assert isinstance(schema, dict | bool)
    if isinstance(schema, dict):
        assert isinstance(schema.get("$schema", ""), str)
        cls: Any = validator_for(schema, default=Draft202012Validator)
        assert cls(cls.META_SCHEMA, registry=Registry()).is_valid(schema)


def test_a_deep_schema_is_left_to_jsonschema() -> None:
    from doclint.sources.metaschema import _meta_valid

    schema: dict[str, Any] = {"type": "object"}
    for _ in range(60):
        schema = {"type": "object", "properties": {"a": schema}}
    assert not _meta_valid(schema)
    shallow: dict[str, Any] = {"type": "object"}
    for _ in range(5):
        shallow = {"type": "object", "properties": {"a": shallow}}
    assert _meta_valid(shallow)


def test_keyword_tables_are_the_reference_validators_keywords() -> None:
    from openapi_schema_validator import OAS30Validator, OAS31Validator

    from doclint.sources.openapi_values import _KEYWORDS_30, _KEYWORDS_31

    annotations_30 = {"deprecated", "example", "externalDocs", "readOnly", "writeOnly", "xml"}
    annotations_31 = {"description", "discriminator", "example", "externalDocs", "xml"}
    assert set(OAS30Validator.VALIDATORS) - _KEYWORDS_30 == annotations_30
    assert set(OAS31Validator.VALIDATORS) - _KEYWORDS_31 == annotations_31
    assert set(OAS30Validator.VALIDATORS) >= _KEYWORDS_30


# -- event examples -----------------------------------------------------------------------------
def _mutations(value: Any) -> list[Any]:
    """``value`` and ways to break it: a key dropped, an unknown key, each leaf retyped or
    given an odd string."""
    import copy

    found = [value]
    if isinstance(value, dict):
        for key in value:
            dropped = {k: v for k, v in value.items() if k != key}
            found.append(dropped)
        found.append({**value, "unexpected_key": 1})
    leaves: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, child in node.items():
                if isinstance(child, dict | list):
                    walk(child)
                else:
                    leaves.append((node, key))
        elif isinstance(node, list):
            for index, child in enumerate(node):
                if isinstance(child, dict | list):
                    walk(child)
                else:
                    leaves.append((node, index))

    walk(value)
    for index in range(len(leaves)):
        for odd in ("not-a-date", "", -1, 2.5, None, "2024-02-30T10:00:00Z"):
            broken = copy.deepcopy(value)
            leaves.clear()
            walk(broken)
            holder, key = leaves[index]
            holder[key] = odd
            found.append(broken)
    return found


def test_event_examples_fast_verdict_is_jsonschemas() -> None:
    """Every schema-linked example of the sample, and many broken copies of each: where
    jsonschema-rs says valid, jsonschema finds no error; and it does say so for the sample."""
    import json

    from doclint.checks.events import examples
    from doclint.sources.jsonschema import store

    project = Project(SAMPLE, Config(root=SAMPLE), SAMPLE)
    schemas = store(project)
    fast_answers = 0
    checked = 0
    linked = [e for e in examples(project) if e.uri is not None and e.block is not None]
    assert linked
    for example in linked:
        assert example.block is not None and example.uri is not None
        data = json.loads(example.block.content)
        for value in _mutations(data):
            fast = schemas.validate(example.uri, value)
            slow = _slow_validate(schemas, example.uri, value)
            checked += 1
            if fast == [] and value is data:
                fast_answers += 1
            if fast == []:
                assert slow == [], (example.label, value)
            else:
                assert fast == slow
    assert fast_answers == len(linked)
    assert checked > 200


def _slow_validate(schemas: Any, uri: str, value: Any) -> Any:
    original = schemas._fast_valid
    schemas._fast_valid = lambda *args: False
    try:
        return schemas.validate(uri, value)
    finally:
        schemas._fast_valid = original


@pytest.mark.parametrize(
    "draft",
    [
        "Draft4Validator",
        "Draft6Validator",
        "Draft7Validator",
        "Draft201909Validator",
        "Draft202012Validator",
    ],
)
def test_event_format_table_is_jsonschemas(draft: str) -> None:
    import jsonschema

    from doclint.sources.jsonschema_values import _FORMAT_CHECKS, _checked_formats

    checker = getattr(jsonschema, draft).FORMAT_CHECKER
    assert _checked_formats(draft) == set(checker.checkers)
    texts = [*SAMPLE_STRINGS, "127.0.0.1", "1.2.3", "::1", "fe80::1%eth0", "a:b", "256.0.0.1"]
    for name in _checked_formats(draft) & set(_FORMAT_CHECKS):
        for text in texts:
            assert _FORMAT_CHECKS[name](text) == checker.conforms(text, name), (name, text)


BASE = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}
SHARED = {"$defs": {"Id": {"type": "string", "minLength": 2}}}


@pytest.mark.parametrize(
    ("schema", "value", "fast"),
    [
        ({**BASE, "properties": {"a": {"type": "integer"}}}, {"a": 1}, True),
        ({**BASE, "patternProperties": {"^a": {"type": "integer"}}}, {"a": 1}, False),
        ({**BASE, "properties": {"a": {"format": "regex"}}}, {"a": "x"}, False),
        ({**BASE, "properties": {"a": {"format": "regex"}}}, {"a": 5}, True),
        ({**BASE, "properties": {"a": {"format": "date"}}}, {"a": "2024-01-01"}, True),
        ({**BASE, "properties": {"a": {"format": "date"}}}, {"a": "2024-13-01"}, False),
        ({**BASE, "properties": {"a": {"type": "integer"}}}, {"a": 2**60}, False),
        ({**BASE, "anyOf": [{"properties": {"a": {}}}], "unevaluatedProperties": False}, {}, False),
        ({**BASE, "unevaluatedProperties": {"type": "string"}}, {}, False),
        ({**BASE, "allOf": [{"$ref": "shared.json#/$defs/Id"}]}, {}, False),
        ({**BASE, "properties": {"a": {"$ref": "shared.json#/$defs/Id"}}}, {"a": "xy"}, True),
        ({**BASE, "properties": {"a": {"$ref": "unread.json"}}}, {"a": "xy"}, True),
        ({**BASE, "properties": {"a": {"$ref": "https://example.com/a.json"}}}, {"a": 1}, False),
        ({**BASE, "properties": {"a": {"$ref": "#/$defs/missing"}}}, {"a": 1}, False),
        ({**BASE, "$schema": "https://example.com/own"}, {}, False),
        ({**BASE, "$schema": "http://json-schema.org/draft-04/schema#"}, {}, True),
        ({**BASE, "$schema": "http://json-schema.org/draft-07/schema#"}, {"a": 1}, False),
    ],
)
def test_event_fast_verdict_cases(
    tmp_path: Path, schema: dict[str, Any], value: Any, fast: bool
) -> None:
    import json

    from doclint.sources.jsonschema import store

    if schema.get("$schema") == "http://json-schema.org/draft-07/schema#":
        schema = {**schema, "properties": {"a": {"$ref": "shared.json#/$defs/Id"}}}
    (tmp_path / "schema.json").write_text(json.dumps(schema), encoding="utf-8")
    (tmp_path / "shared.json").write_text(json.dumps(SHARED), encoding="utf-8")
    (tmp_path / "unread.json").write_text("{}", encoding="utf-8")
    project = Project(tmp_path, Config(root=tmp_path), tmp_path)
    schemas = store(project)
    schemas.document(tmp_path / "schema.json")
    uri = (tmp_path / "schema.json").resolve().as_uri()
    slow = _slow_validate(schemas, uri, value)
    assert schemas._fast_valid(uri, schema.get("$schema"), value) is fast
    assert schemas.validate(uri, value) == slow
    if fast:
        assert slow == []


SPEC_30 = """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /v1/a:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Thing'}
            examples:
              good: {value: {id: ab, kind: red, note: null}}
              bad: {value: {id: 7, kind: green, note: 5, extra: 1}}
              missing: {value: {kind: red}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [id]
                properties:
                  id: {$ref: '#/components/schemas/Id', readOnly: true}
              example: {}
components:
  schemas:
    Id: {type: string, minLength: 2}
    Color: {type: string, enum: [red, blue]}
    Thing:
      type: object
      additionalProperties: false
      required: [id, kind]
      properties:
        id: {$ref: '#/components/schemas/Id', description: the id}
        kind: {$ref: '#/components/schemas/Color', maxLength: 3}
        note: {type: string, nullable: true}
      example: {id: x, kind: blue}
"""


def test_openapi_30_references_with_keywords_beside_them(tmp_path: Path) -> None:
    (tmp_path / "openapi.yaml").write_text(SPEC_30, encoding="utf-8")
    model, project = load(tmp_path / "openapi.yaml", tmp_path)
    assert model is not None and model.resolver is not None
    mine = [(ex.location.line, message) for ex, message in example_errors(project, model)]
    assert mine == reference_example_errors(model)
    assert len(mine) == 3
    thing = model.resolver.deref(model.root.child("components").child("schemas").child("Thing"))
    assert thing is not None
    properties = thing.child("properties")
    assert _inline(model.resolver, properties.child("id"), False, frozenset()) == {
        "type": "string",
        "minLength": 2,
    }
    assert _inline(model.resolver, properties.child("kind"), False, frozenset()) is None
