"""DL5xx and DL92x on small service trees: each rule's failing and passing cases, the registry
and AsyncAPI readers, JSON Schema checks, $ref containment and schema-linked examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from doclint.config import Config, load_config
from doclint.project import Project
from doclint.sources.events import events
from doclint.sources.jsonschema import store
from doclint.sources.schema_types import SchemaType, doc_type, fields_of, type_matches
from tests.conftest import check, summary, write_tree

SELECT = ["DL5", "DL92"]

ORDER = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "tenant_id": {"type": "string", "format": "uuid"},
        "total": {"type": "number"},
        "lines": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"sku": {"type": "string"}, "qty": {"type": "integer"}},
                "required": ["sku"],
            },
        },
    },
    "required": ["tenant_id", "total"],
}

REGISTRY = """events:
  - name: shop.order.placed.v1
    schema: schemas/order.json
  - name: shop.order.cancelled.v1
    schema: schemas/order.json
    direction: consume
"""

DOC = """# Event schemas

## Published events

### `shop.order.placed.v1`

| Field | Type | Required | Description |
|---|---|---|---|
| `tenant_id` | uuid | yes | Tenant. |
| `total` | number | yes | Total. |
| `lines` | array<object> | no | Lines. |
| `lines[].sku` | string | yes | SKU. |
| `lines[].qty` | integer | no | Quantity. |

```json
{
  "tenant_id": "5f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
  "total": 12.5,
  "lines": [{"sku": "A-1", "qty": 2}]
}
```

## Consumed events

- `shop.order.cancelled.v1`: we release the reservation.
"""


def service(root: Path, files: dict[str, str] | None = None) -> Path:
    """A small service: registry, one schema, EVENT_SCHEMAS.md; ``files`` override them."""
    tree = {
        "doclint.toml": "",
        "events/registry.yaml": REGISTRY,
        "events/schemas/order.json": json.dumps(ORDER, indent=2),
        "docs/EVENT_SCHEMAS.md": DOC,
    }
    tree.update(files or {})
    write_tree(root, tree)
    return root


def lines(text: str, needle: str) -> int:
    for number, line in enumerate(text.split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def project(root: Path) -> Project:
    return Project(root, Config(root=root), root)


def test_small_service_is_clean(tmp_path: Path) -> None:
    assert summary(check(service(tmp_path), select=SELECT)) == []


def test_bare_list_registry(tmp_path: Path) -> None:
    root = service(tmp_path, {"events/registry.yaml": REGISTRY.replace("events:\n", "")})
    assert summary(check(root, select=SELECT)) == []
    model = events(project(root))
    assert model is not None
    assert [e.direction for e in model.events] == ["publish", "consume"]


def test_no_event_source_means_no_findings(tmp_path: Path) -> None:
    root = service(tmp_path)
    (root / "events" / "registry.yaml").unlink()
    assert events(project(root)) is None
    assert summary(check(root, select=SELECT)) == []


def test_configured_events_folder_or_file(tmp_path: Path) -> None:
    root = service(tmp_path / "a", {"doclint.toml": 'events = "events"\n'})
    model = events(Project(root, load_config(root), root))
    assert model is not None and model.kind == "registry"
    assert summary(check(root, select=SELECT)) == []
    root = service(tmp_path / "b", {"doclint.toml": 'events = "events/registry.yaml"\n'})
    assert summary(check(root, select=SELECT)) == []
    root = service(tmp_path / "c", {"doclint.toml": 'events = "schemas"\n', "schemas/x.json": "{}"})
    assert events(Project(root, load_config(root), root)) is None


# -- fields --------------------------------------------------------------------------------


def test_fields_table_missing(tmp_path: Path) -> None:
    start, end = DOC.index("| Field"), DOC.index("```json")
    doc = DOC[:start] + DOC[end:]
    root = service(tmp_path, {"docs/EVENT_SCHEMAS.md": doc})
    assert summary(check(root, select=SELECT)) == [
        ("DL503", "docs/EVENT_SCHEMAS.md", lines(doc, "### `shop.order.placed.v1`"))
    ]


def test_field_missing_and_extra(tmp_path: Path) -> None:
    doc = DOC.replace("| `total` | number | yes | Total. |", "| `totl` | number | yes | Typo. |")
    root = service(tmp_path, {"docs/EVENT_SCHEMAS.md": doc})
    found = check(root, select=SELECT)
    table_end = lines(doc, "| `lines[].qty`")
    assert summary(found) == [
        ("DL505", "docs/EVENT_SCHEMAS.md", lines(doc, "`totl`")),
        ("DL504", "docs/EVENT_SCHEMAS.md", table_end),
    ]
    extra = next(d for d in found if d.rule == "DL505")
    assert "did you mean total" in extra.message
    missing = next(d for d in found if d.rule == "DL504")
    assert missing.related[0].path == "events/schemas/order.json"


def test_type_and_required_mismatch(tmp_path: Path) -> None:
    doc = DOC.replace("| `lines[].qty` | integer | no |", "| `lines[].qty` | number | yes |")
    root = service(tmp_path, {"docs/EVENT_SCHEMAS.md": doc})
    found = summary(check(root, select=SELECT))
    row = lines(doc, "`lines[].qty`")
    assert sorted(found) == [
        ("DL506", "docs/EVENT_SCHEMAS.md", row),
        ("DL507", "docs/EVENT_SCHEMAS.md", row),
    ]


def test_optional_column_is_read_inverted(tmp_path: Path) -> None:
    doc = DOC.replace("| Field | Type | Required |", "| Name | Data type | Optional |")
    doc = doc.replace("| yes |", "| N |").replace("| no |", "| Y |")
    root = service(tmp_path, {"docs/EVENT_SCHEMAS.md": doc})
    assert summary(check(root, select=SELECT)) == []
    wrong = doc.replace("| `total` | number | N |", "| `total` | number | Y |")
    write_tree(root, {"docs/EVENT_SCHEMAS.md": wrong})
    assert summary(check(root, select=SELECT)) == [
        ("DL507", "docs/EVENT_SCHEMAS.md", lines(wrong, "`total`"))
    ]


def test_empty_required_cell_is_not_stated(tmp_path: Path) -> None:
    doc = DOC.replace("| `total` | number | yes |", "| `total` | number |  |")
    root = service(tmp_path, {"docs/EVENT_SCHEMAS.md": doc})
    assert summary(check(root, select=SELECT)) == []


# -- documented and consumed events ----------------------------------------------------------


def test_unknown_event_with_suggestion(tmp_path: Path) -> None:
    doc = DOC.replace(
        "## Consumed events", "### shop.order.placd.v1\n\nTypo.\n\n## Consumed events"
    )
    root = service(tmp_path, {"docs/EVENT_SCHEMAS.md": doc})
    found = check(root, select=SELECT)
    assert summary(found) == [("DL502", "docs/EVENT_SCHEMAS.md", lines(doc, "placd"))]
    assert "did you mean shop.order.placed.v1" in found[0].message


def test_undocumented_event_without_published_heading(tmp_path: Path) -> None:
    doc = DOC.replace("## Published events\n", "").replace("### `shop.order.placed.v1`", "### x")
    root = service(tmp_path, {"docs/EVENT_SCHEMAS.md": doc})
    found = summary(check(root, select=SELECT))
    assert found == [("DL501", "docs/EVENT_SCHEMAS.md", len(doc.splitlines()))]


def test_consumed_event_not_listed(tmp_path: Path) -> None:
    doc = DOC.replace("- `shop.order.cancelled.v1`: we release the reservation.", "Nothing yet.")
    root = service(tmp_path, {"docs/EVENT_SCHEMAS.md": doc})
    found = check(root, select=SELECT)
    assert summary(found) == [("DL508", "docs/EVENT_SCHEMAS.md", lines(doc, "## Consumed"))]
    assert found[0].severity.value == "warning"


def test_headings_that_are_not_events_are_ignored(tmp_path: Path) -> None:
    doc = DOC + "\n### registry.yaml\n\n### v1.4.0\n\n### Payload notes\n"
    root = service(tmp_path, {"docs/EVENT_SCHEMAS.md": doc})
    assert summary(check(root, select=SELECT)) == []


# -- registry input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("registry", "rule", "needle"),
    [
        ("events: 3\n", "DL924", "events"),
        ("events:\n  - just-a-name\n", "DL924", "just-a-name"),
        ("events:\n  - schema: schemas/order.json\n", "DL924", "schema:"),
        (
            REGISTRY + "  - name: shop.order.placed.v1\n    schema: schemas/order.json\n",
            "DL924",
            "- name: shop.order.placed.v1\n    schema: schemas/order.json\n\n",
        ),
        (
            "events:\n  - name: a.b.c\n    schema: schemas/order.json\n    direction: out\n",
            "DL924",
            "direction",
        ),
        ("events:\n  - name: a.b.c\n", "DL924", "name: a.b.c"),
        ("events:\n  - name: a.b.c\n    schema: 42\n", "DL924", "schema: 42"),
        ("events:\n  - name: a.b.c\n    schema: schemas/nope.json\n", "DL923", "nope"),
        ("events:\n  - name: a.b.c\n    schema: https://example.com/a.json\n", "DL922", "https"),
        ("events:\n  - name: a.b.c\n    schema: ../../outside.json\n", "DL922", "outside"),
    ],
)
def test_registry_problems(tmp_path: Path, registry: str, rule: str, needle: str) -> None:
    root = service(tmp_path / "svc", {"events/registry.yaml": registry})
    (tmp_path / "outside.json").write_text("{}", encoding="utf-8")
    found = [d for d in check(root, select=["DL92"]) if d.rule == rule]
    assert len(found) == 1, found
    if needle.endswith("\n\n"):
        expected = registry.rindex("- name: shop.order.placed.v1")
        assert found[0].line == registry.count("\n", 0, expected) + 1
    else:
        assert found[0].line == lines(registry, needle.split("\n")[0])
    assert found[0].path == "events/registry.yaml"


# -- JSON Schema input -----------------------------------------------------------------------


def schema_problems(
    tmp_path: Path, schema: object, extra: dict[str, str] | None = None
) -> tuple[list[tuple[str, int]], str]:
    """(rule, line) of the DL92x findings for ``schema`` as the event's schema, and its text."""
    text = json.dumps(schema, indent=2)
    files = {"events/schemas/order.json": text, **(extra or {})}
    root = service(tmp_path / "svc", files)
    return [(d.rule, d.line) for d in check(root, select=["DL92"])], text


def test_invalid_schema_at_its_line(tmp_path: Path) -> None:
    schema = {**ORDER, "properties": {**ORDER["properties"], "total": {"type": "numbr"}}}
    found, text = schema_problems(tmp_path, schema)
    assert found == [("DL921", lines(text, '"numbr"'))]


def test_unknown_dialect_and_non_object_schema(tmp_path: Path) -> None:
    found, text = schema_problems(tmp_path, {**ORDER, "$schema": "https://example.com/my-draft"})
    assert found == [("DL921", lines(text, "my-draft"))]
    found, _ = schema_problems(tmp_path / "b", [1, 2])
    assert found == [("DL921", 1)]


def test_draft7_schema_is_checked_as_draft7(tmp_path: Path) -> None:
    schema = {**ORDER, "$schema": "http://json-schema.org/draft-07/schema#"}
    found, _ = schema_problems(tmp_path, schema)
    assert found == []
    bad = {**schema, "required": "tenant_id"}
    found, text = schema_problems(tmp_path / "b", bad)
    assert found == [("DL921", lines(text, '"required": "tenant_id"'))]


@pytest.mark.parametrize(
    ("ref", "rule"),
    [
        ("https://example.com/money.json", "DL922"),
        ("../../../elsewhere.json", "DL922"),
        ("missing.json", "DL923"),
        ("#/$defs/Nope", "DL923"),
        ("common.json#/$defs/Nope", "DL923"),
    ],
)
def test_refs_stay_local(tmp_path: Path, ref: str, rule: str) -> None:
    schema = {**ORDER, "properties": {**ORDER["properties"], "total": {"$ref": ref}}}
    common = json.dumps({"$defs": {"Money": {"type": "number"}}})
    found, text = schema_problems(tmp_path, schema, {"events/schemas/common.json": common})
    assert found == [(rule, lines(text, '"$ref"'))]


def test_refs_through_id_alias_and_allof(tmp_path: Path) -> None:
    common = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://schemas.example.com/shop/common.json",
        "$defs": {
            "Money": {"type": "number", "minimum": 0},
            "Envelope": {
                "properties": {"tenant_id": {"type": "string", "format": "uuid"}},
                "required": ["tenant_id"],
            },
        },
    }
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://schemas.example.com/shop/order.json",
        "allOf": [{"$ref": "common.json#/$defs/Envelope"}],
        "properties": {
            "total": {"$ref": "common.json#/$defs/Money"},
            "lines": ORDER["properties"]["lines"],  # type: ignore[index]
        },
        "required": ["total"],
    }
    files = {
        "events/schemas/order.json": json.dumps(schema, indent=2),
        "events/schemas/common.json": json.dumps(common, indent=2),
    }
    root = service(tmp_path, files)
    assert summary(check(root, select=SELECT)) == []
    bad = DOC.replace('"total": 12.5', '"total": -1')
    write_tree(root, {"docs/EVENT_SCHEMAS.md": bad})
    assert summary(check(root, select=SELECT)) == [
        ("DL512", "docs/EVENT_SCHEMAS.md", lines(bad, '"total": -1'))
    ]


def test_recursive_schema_terminates(tmp_path: Path) -> None:
    schema = {
        "$defs": {
            "Node": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
                },
            }
        },
        "$ref": "#/$defs/Node",
    }
    root = service(tmp_path, {"events/schemas/order.json": json.dumps(schema)})
    proj = project(root)
    model = events(proj)
    assert model is not None and model.events[0].schema is not None
    schemas = store(proj)
    node = schemas.resolve(model.events[0].schema)
    assert node is not None
    paths = [f.path for f in fields_of(schemas, node)]
    assert paths == ["name", "children"]


def test_one_of_and_null_types(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {
            "amount": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
            "note": {"type": ["string", "null"]},
            "kind": {"const": "order"},
            "tags": {"items": {"type": "string"}},
            "meta": {"properties": {"a": {"type": "boolean"}}},
            "anything": {},
        },
    }
    root = service(tmp_path, {"events/schemas/order.json": json.dumps(schema)})
    proj = project(root)
    model = events(proj)
    assert model is not None and model.events[0].schema is not None
    schemas = store(proj)
    node = schemas.resolve(model.events[0].schema)
    assert node is not None
    types = {f.path: f.type_text for f in fields_of(schemas, node)}
    assert types == {
        "amount": "integer | string",
        "note": "string",
        "kind": "string",
        "tags": "array<string>",
        "meta": "object",
        "meta.a": "boolean",
        "anything": "any",
    }


# -- documented types ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "schema", "ok"),
    [
        ("string(uuid)", SchemaType("string", "uuid"), True),
        ("`string <uuid>`", SchemaType("string", "uuid"), True),
        ("uuid", SchemaType("string", "uuid"), True),
        ("string", SchemaType("string", "uuid"), True),
        ("string(date-time)", SchemaType("string", "uuid"), False),
        ("uuid", SchemaType("string"), False),
        ("integer", SchemaType("number"), False),
        ("int64", SchemaType("integer", "int64"), True),
        ("int", SchemaType("integer"), True),
        ("string[]", SchemaType("array", items=SchemaType("string")), True),
        ("array<integer>", SchemaType("array", items=SchemaType("string")), False),
        ("array", SchemaType("array", items=SchemaType("string")), True),
        ("enum", SchemaType("string", enum=True), True),
        ("enum", SchemaType("string"), False),
        ("string (enum)", SchemaType("string"), False),
        ("integer \\| null", SchemaType("integer"), True),
        ("Money", SchemaType("number", ref="Money"), True),
        ("Money", SchemaType("object"), False),
        ("boolean", SchemaType(None), True),
    ],
)
def test_documented_types(text: str, schema: SchemaType, ok: bool) -> None:
    documented = doc_type(text)
    assert documented is not None
    assert type_matches(documented, schema) is ok


def test_empty_type_cell_states_nothing() -> None:
    assert doc_type("  ") is None
    assert SchemaType("array").render() == "array"


def test_schema_elsewhere_in_the_repository(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write_tree(tmp_path, {"shared/order.json": json.dumps(ORDER, indent=2)})
    registry = REGISTRY.replace("schemas/order.json", "../../shared/order.json")
    root = service(tmp_path / "svc", {"events/registry.yaml": registry})
    assert summary(check(root, select=SELECT)) == []
    model = events(project(root))
    assert model is not None and all(e.schema for e in model.events)


def test_const_and_pointer_into_a_list(tmp_path: Path) -> None:
    schema = {
        "x-variants": [{"type": "boolean"}, {"type": "string", "format": "email"}],
        "properties": {
            "flag": {"const": True},
            "list": {"const": [1]},
            "none": {"const": None},
            "obj": {"const": {"a": 1}},
            "ratio": {"const": 1.5},
            "email": {"$ref": "#/x-variants/1"},
        },
    }
    root = service(tmp_path, {"events/schemas/order.json": json.dumps(schema, indent=2)})
    proj = project(root)
    model = events(proj)
    assert model is not None and model.events[0].schema is not None
    schemas = store(proj)
    node = schemas.resolve(model.events[0].schema)
    assert node is not None
    found = {f.path: (f.type_text, f.location.line) for f in fields_of(schemas, node)}
    text = json.dumps(schema, indent=2)
    assert found["flag"][0] == "boolean"
    assert found["list"][0] == "array"
    assert found["none"][0] == "null"
    assert found["obj"][0] == "object"
    assert found["ratio"][0] == "number"
    assert found["email"] == ("string(email)", lines(text, '"email": {'))


def test_draft4_problem_names_its_draft(tmp_path: Path) -> None:
    schema = {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "type": "object",
        "required": [],
    }
    root = service(tmp_path, {"events/schemas/order.json": json.dumps(schema, indent=2)})
    found = check(root, select=["DL92"])
    assert [d.rule for d in found] == ["DL921"]
    assert "draft-04" in found[0].message


def test_many_metaschema_errors_are_capped(tmp_path: Path) -> None:
    schema = {"properties": {f"p{i}": {"type": "nope"} for i in range(30)}}
    root = service(tmp_path, {"events/schemas/order.json": json.dumps(schema, indent=2)})
    found = check(root, select=["DL921"])
    assert len(found) == 20


def test_malformed_defs_do_not_crash(tmp_path: Path) -> None:
    schema = {"$defs": {"v": [{"type": "string"}]}, "properties": {"a": {"$ref": "#/$defs/v/0"}}}
    text = json.dumps(schema, indent=2)
    root = service(tmp_path, {"events/schemas/order.json": text})
    found = [(d.rule, d.line) for d in check(root, select=SELECT)]
    assert ("DL923", lines(text, '"$ref"')) in found
    assert not any(rule == "DL999" for rule, _ in found)


def test_deeply_nested_schema_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    text = '{"properties": {"a": ' * 300 + "{}" + "}}" * 300
    root = service(tmp_path, {"events/schemas/order.json": text})
    found = [d.rule for d in check(root)]
    assert "DL999" not in found


def test_unreferenced_schema_files_are_checked_too(tmp_path: Path) -> None:
    text = '{\n  "type": "strng"\n}\n'
    root = service(tmp_path, {"events/schemas/draft/unused.json": text})
    found = check(root, select=SELECT)
    assert summary(found) == [("DL921", "events/schemas/draft/unused.json", 2)]


def test_odd_schema_paths_are_problems(tmp_path: Path) -> None:
    registry = 'events:\n  - name: a.b.c\n    schema: "schemas/a\\0b.json"\n'
    root = service(tmp_path, {"events/registry.yaml": registry})
    found = check(root, select=["DL92"])
    assert [(d.rule, d.line) for d in found] == [("DL922", 3)]
