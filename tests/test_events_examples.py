"""Schema-linked JSON examples in any doc (DL511-DL514) and the AsyncAPI readers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from doclint.config import Config
from doclint.project import Project
from doclint.sources.events import events
from tests.conftest import check, summary, write_tree
from tests.test_events_rules import DOC, lines, service

SELECT = ["DL5", "DL92"]

PAYMENT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "amount": {"type": "integer"},
        "card": {
            "type": "object",
            "properties": {"last4": {"type": "string", "pattern": "^[0-9]{4}$"}},
            "required": ["last4"],
        },
    },
    "required": ["amount"],
    "additionalProperties": False,
}


def guide(*blocks: str) -> str:
    return "# Payments guide\n\n## Payloads\n\n" + "\n".join(blocks)


def block(body: str, ref: str | None = None, lang: str = "json") -> str:
    directive = f"<!-- doclint: schema={ref} -->\n" if ref else ""
    return f"{directive}```{lang}\n{body}\n```\n"


def run(
    tmp_path: Path, doc: str, files: dict[str, str] | None = None
) -> list[tuple[str, str, int]]:
    tree = {"docs/GUIDE.md": doc, "schemas/payment.json": json.dumps(PAYMENT, indent=2)}
    tree.update(files or {})
    root = service(tmp_path, tree)
    return summary(check(root, select=SELECT))


GOOD = '{\n  "amount": 1200,\n  "card": {"last4": "4242"}\n}'


@pytest.mark.parametrize(
    "ref", ["../schemas/payment.json", "schemas/payment.json", "schemas/payment.json#"]
)
def test_directive_to_a_schema_file(tmp_path: Path, ref: str) -> None:
    assert run(tmp_path, guide(block(GOOD, ref))) == []


def test_extra_property_points_at_its_object(tmp_path: Path) -> None:
    body = '{\n  "amount": 12,\n  "extra": true\n}'
    doc = guide("Intro text.\n", block(body, "../schemas/payment.json"))
    assert run(tmp_path, doc) == [("DL512", "docs/GUIDE.md", lines(doc, "```json") + 1)]


def test_errors_lines_exactly(tmp_path: Path) -> None:
    body = '{\n  "amount": "12",\n  "card": {\n    "last4": "42x2"\n  }\n}'
    doc = guide(block(body, "../schemas/payment.json"))
    root = service(
        tmp_path, {"docs/GUIDE.md": doc, "schemas/payment.json": json.dumps(PAYMENT, indent=2)}
    )
    found = check(root, select=SELECT)
    assert summary(found) == [
        ("DL512", "docs/GUIDE.md", lines(doc, '"amount": "12"')),
        ("DL512", "docs/GUIDE.md", lines(doc, '"last4": "42x2"')),
    ]
    assert "/card/last4" in found[1].message
    assert found[0].related[0].path == "schemas/payment.json"


def test_missing_required_points_at_the_object(tmp_path: Path) -> None:
    doc = guide(block('{\n  "card": {"last4": "4242"}\n}', "../schemas/payment.json"))
    assert run(tmp_path, doc) == [("DL512", "docs/GUIDE.md", lines(doc, "```json") + 1)]


def test_invalid_json_at_the_syntax_error(tmp_path: Path) -> None:
    body = '{\n  "amount": 1200,\n  "card": {"last4": "4242"},\n}'
    doc = guide(block(body, "../schemas/payment.json"))
    assert run(tmp_path, doc) == [("DL511", "docs/GUIDE.md", lines(doc, "```json") + 4)]


def test_empty_block_is_invalid_json(tmp_path: Path) -> None:
    doc = guide("<!-- doclint: schema=../schemas/payment.json -->\n```json\n```\n")
    assert run(tmp_path, doc) == [("DL511", "docs/GUIDE.md", lines(doc, "```json") + 1)]


def test_directive_by_event_name(tmp_path: Path) -> None:
    good = '{"tenant_id": "5f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f", "total": 3}'
    assert run(tmp_path, guide(block(good, "shop.order.placed.v1"))) == []
    bad = '{"tenant_id": "5f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"}'
    doc = guide(block(bad, "shop.order.placed.v1"))
    assert run(tmp_path / "b", doc) == [("DL512", "docs/GUIDE.md", lines(doc, "tenant_id"))]


def test_directive_with_pointer_fragment(tmp_path: Path) -> None:
    ref = "../schemas/payment.json#/properties/card"
    assert run(tmp_path, guide(block('{"last4": "1234"}', ref))) == []
    doc = guide(block('{"last4": 1234}', ref))
    assert run(tmp_path / "b", doc) == [("DL512", "docs/GUIDE.md", lines(doc, "last4"))]


@pytest.mark.parametrize(
    ("ref", "rule"),
    [
        ("../schemas/nope.json", "DL513"),
        ("shop.order.nope.v1", "DL513"),
        ("../schemas/payment.json#/properties/nope", "DL513"),
        ("openapi#/components/schemas/Payment", "DL513"),
        ("https://example.com/payment.json", "DL922"),
        ("../../../../outside.json", "DL922"),
    ],
)
def test_unknown_or_refused_reference(tmp_path: Path, ref: str, rule: str) -> None:
    doc = guide(block(GOOD, ref))
    assert run(tmp_path, doc) == [(rule, "docs/GUIDE.md", lines(doc, "doclint: schema"))]


def test_directive_followed_by_no_block(tmp_path: Path) -> None:
    doc = guide("<!-- doclint: schema=../schemas/payment.json -->\n\n## Next\n\n" + block(GOOD))
    assert run(tmp_path, doc) == [("DL513", "docs/GUIDE.md", lines(doc, "doclint: schema"))]


def test_directive_on_a_non_json_block_still_validates(tmp_path: Path) -> None:
    doc = guide(block('{"amount": 1.5}', "../schemas/payment.json", lang="jsonc"))
    assert run(tmp_path, doc) == [("DL512", "docs/GUIDE.md", lines(doc, "1.5"))]


def test_unlinked_json_blocks_are_not_validated(tmp_path: Path) -> None:
    assert run(tmp_path, guide(block('{"amount": "not checked"}'))) == []


def test_event_section_in_another_doc(tmp_path: Path) -> None:
    doc = "# Guide\n\n## shop.order.placed.v1\n\n### Example\n\n" + block('{"total": 1}')
    assert run(tmp_path, doc) == [("DL512", "docs/GUIDE.md", lines(doc, "```json") + 1)]


def test_openapi_component_reference(tmp_path: Path) -> None:
    pytest.importorskip("doclint.sources.openapi")
    spec = (
        "openapi: 3.1.0\ninfo:\n  title: t\n  version: 1.0.0\npaths: {}\ncomponents:\n"
        "  schemas:\n    Payment:\n      type: object\n      properties:\n"
        "        amount:\n          type: integer\n      required: [amount]\n"
    )
    ref = "openapi#/components/schemas/Payment"
    assert run(tmp_path, guide(block('{"amount": 5}', ref)), {"openapi.yaml": spec}) == []
    doc = guide(block('{"amount": "5"}', ref))
    found = run(tmp_path / "b", doc, {"openapi.yaml": spec})
    assert found == [("DL512", "docs/GUIDE.md", lines(doc, '"amount": "5"'))]
    doc = guide(block('{"amount": 5}', "openapi#/components/schemas/Nope"))
    found = run(tmp_path / "c", doc, {"openapi.yaml": spec})
    assert found == [("DL513", "docs/GUIDE.md", lines(doc, "doclint: schema"))]


# -- SYNC_CONTRACT ----------------------------------------------------------------------------

SYNC = """# Sync contract

## Snapshot

<!-- doclint: schema=../schemas/payment.json -->
```json
{"amount": 1}
```

## Push

Pushes carry payments.

```json
{"amount": 2}
```
"""


def test_sync_sections_need_a_linked_example(tmp_path: Path) -> None:
    found = run(tmp_path, "# Guide\n", {"docs/SYNC_CONTRACT.md": SYNC})
    assert found == [("DL514", "docs/SYNC_CONTRACT.md", lines(SYNC, "## Push"))]
    fixed = SYNC.replace(
        "Pushes carry payments.\n", "<!-- doclint: schema=shop.order.placed.v1 -->"
    )
    fixed = fixed.replace(
        '{"amount": 2}', '{"tenant_id": "5f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f", "total": 2}'
    )
    assert run(tmp_path / "b", "# Guide\n", {"docs/SYNC_CONTRACT.md": fixed}) == []


def test_sync_examples_must_validate(tmp_path: Path) -> None:
    bad = SYNC.replace('{"amount": 1}', '{"amount": true}')
    found = run(tmp_path, "# Guide\n", {"docs/SYNC_CONTRACT.md": bad})
    assert ("DL512", "docs/SYNC_CONTRACT.md", lines(bad, '"amount": true')) in found


# -- AsyncAPI readers -------------------------------------------------------------------------


def asyncapi_events(
    tmp_path: Path, text: str
) -> tuple[list[tuple[str, str, str | None]], list[tuple[str, int]]]:
    root = service(tmp_path, {"events/asyncapi.yaml": text})
    (root / "events" / "registry.yaml").unlink()
    project = Project(root, Config(root=root), root)
    model = events(project)
    listed = (
        []
        if model is None
        else [(e.name, e.direction, e.schema and e.schema.rsplit("/", 1)[-1]) for e in model.events]
    )
    problems = [(p.rule, p.finding.location.line) for p in project.problems]
    return listed, problems


def test_asyncapi2_names_and_directions(tmp_path: Path) -> None:
    text = """asyncapi: 2.6.0
channels:
  shop/orders:
    subscribe:
      message:
        oneOf:
          - $ref: '#/components/messages/OrderPlaced'
          - name: shop.order.updated.v1
            payload:
              type: object
              properties:
                id: {type: string}
    publish:
      x-owner: billing
      message:
        payload:
          $ref: './schemas/order.json'
  shop/avro:
    subscribe:
      message:
        schemaFormat: application/vnd.apache.avro;version=1.9.0
        name: shop.avro.v1
        payload: {type: record}
components:
  messages:
    OrderPlaced:
      payload:
        $ref: './schemas/order.json'
"""
    listed, problems = asyncapi_events(tmp_path, text)
    assert listed == [
        ("OrderPlaced", "publish", "order.json"),
        ("shop.order.updated.v1", "publish", "payload"),
        ("shop/orders", "consume", "order.json"),
        ("shop.avro.v1", "publish", None),
    ]
    assert problems == []


def test_asyncapi3_inline_and_multiformat_payloads(tmp_path: Path) -> None:
    text = """asyncapi: 3.0.0
channels:
  orders:
    messages:
      placed:
        payload:
          schemaFormat: application/schema+json;version=draft-07
          schema:
            $ref: './schemas/order.json'
operations:
  sendPlaced:
    action: send
    channel: {$ref: '#/channels/orders'}
  onPlaced:
    action: receive
    channel: {$ref: '#/channels/orders'}
    messages:
      - $ref: '#/channels/orders/messages/placed'
"""
    listed, problems = asyncapi_events(tmp_path, text)
    assert listed == [("orders", "publish", "order.json"), ("orders", "consume", "order.json")]
    assert problems == []


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("asyncapi: 1.2.0\nchannels: {}\n", 1),
        ("asyncapi: 2.6.0\ninfo: {}\n", 1),
        ("asyncapi: 3.0.0\nchannels: {}\n", 1),
        ("asyncapi: 3.0.0\noperations:\n  x:\n    action: publish\n    channel: {}\n", 4),
        ("asyncapi: 3.0.0\noperations:\n  x:\n    channel: {}\n", 3),
        ("asyncapi: 3.0.0\noperations:\n  x:\n    action: send\n", 3),
    ],
)
def test_asyncapi_problems(tmp_path: Path, text: str, line: int) -> None:
    listed, problems = asyncapi_events(tmp_path, text)
    assert listed == []
    assert problems == [("DL924", line)]


def test_asyncapi_fields_are_checked_like_the_registry(tmp_path: Path) -> None:
    text = """asyncapi: 3.0.0
channels:
  placed:
    address: shop.order.placed.v1
    messages:
      m: {$ref: '#/components/messages/Placed'}
operations:
  send:
    action: send
    channel: {$ref: '#/channels/placed'}
components:
  messages:
    Placed:
      name: shop.order.placed.v1
      payload:
        type: object
        properties:
          tenant_id: {type: string, format: uuid}
          total: {type: integer}
        required: [tenant_id, total]
"""
    doc = DOC.split("## Consumed events")[0].replace(
        "| `lines` | array<object> | no | Lines. |\n", ""
    )
    doc = doc.replace("| `lines[].sku` | string | yes | SKU. |\n", "").replace(
        "| `lines[].qty` | integer | no | Quantity. |\n", ""
    )
    doc = doc.replace(',\n  "lines": [{"sku": "A-1", "qty": 2}]', "")
    root = service(tmp_path, {"events/asyncapi.yaml": text, "docs/EVENT_SCHEMAS.md": doc})
    (root / "events" / "registry.yaml").unlink()
    found = check(root, select=SELECT)
    assert summary(found) == [
        ("DL506", "docs/EVENT_SCHEMAS.md", lines(doc, "`total`")),
        ("DL512", "docs/EVENT_SCHEMAS.md", lines(doc, '"total": 12.5')),
    ]
    assert found[0].related[0].path == "events/asyncapi.yaml"
    assert found[0].related[0].line == lines(text, "total: {type: integer}")
    write_tree(
        root,
        {"events/asyncapi.yaml": text.replace("total: {type: integer}", "total: {type: number}")},
    )
    assert summary(check(root, select=SELECT)) == []


def test_inspect_without_an_event_source(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = service(tmp_path)
    (root / "events" / "registry.yaml").unlink()
    code, out, _ = run_cli(["inspect", "events", "."], root)
    assert code == 0
    model = json.loads(out)["events"]
    assert model["source"] is None and model["events"] == []


def test_examples_checked_without_event_schemas_doc(tmp_path: Path) -> None:
    root = service(tmp_path, {"schemas/payment.json": json.dumps(PAYMENT)})
    (root / "docs" / "EVENT_SCHEMAS.md").unlink()
    doc = guide(block('{"amount": "x"}', "../schemas/payment.json"))
    write_tree(root, {"docs/GUIDE.md": doc})
    assert summary(check(root, select=SELECT)) == [("DL512", "docs/GUIDE.md", lines(doc, '"x"'))]


def test_asyncapi_remote_payload_is_refused(tmp_path: Path) -> None:
    text = """asyncapi: 3.0.0
channels:
  orders:
    address: shop.order.placed.v1
    messages:
      placed:
        name: shop.order.placed.v1
        payload:
          $ref: 'https://schemas.example.com/order.json'
operations:
  send:
    action: send
    channel: {$ref: '#/channels/orders'}
"""
    listed, problems = asyncapi_events(tmp_path, text)
    assert listed == [("shop.order.placed.v1", "publish", None)]
    assert problems == [("DL922", lines(text, "$ref: 'https"))]
