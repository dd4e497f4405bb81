"""DL2xx: API_CONTRACTS.md against the OpenAPI spec, and the DL91x input rules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from doclint.diagnostics import Diagnostic
from tests.conftest import FIXTURES, check, summary

API = FIXTURES / "api"
DOC = "docs/API_CONTRACTS.md"

SPEC = """\
openapi: 3.1.0
info: {title: Shop, version: '1.0.0'}
paths:
  /v1/orders:
    post:
      operationId: createOrder
      parameters:
        - name: Idempotency-Key
          in: header
          schema: {type: string}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [sku]
              properties:
                sku: {type: string}
                quantity: {type: integer}
      responses:
        '201': {description: Created}
        '409':
          description: Conflict
          x-error-codes: [ORDER_EXISTS]
  /v1/orders/{orderId}:
    get:
      operationId: getOrder
      parameters:
        - name: orderId
          in: path
          required: true
          schema: {type: string, format: uuid}
        - name: expand
          in: query
          schema: {type: boolean}
      responses:
        '200': {description: The order}
        '404':
          description: Not found
          x-error-codes: [ORDER_NOT_FOUND]
"""

DOC_TEXT = """\
# Shop API

### POST /v1/orders — Create an order

| Name | In | Type | Required |
|---|---|---|---|
| Idempotency-Key | header | string | no |

**Request body**

| Field | Type | Required |
|---|---|---|
| sku | string | yes |
| quantity | integer | no |

| Status | Description | Error codes |
|---|---|---|
| 201 | Created | |
| 409 | Conflict | ORDER_EXISTS |

### GET /v1/orders/{orderId} — Read an order

| Name | In | Type | Required |
|---|---|---|---|
| orderId | path | uuid | yes |
| expand | query | boolean | no |

| Status | Description | Error codes |
|---|---|---|
| 200 | The order | - |
| 404 | Not found | ORDER_NOT_FOUND |
"""


def service(root: Path, spec: str = SPEC, doc: str = DOC_TEXT) -> Path:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "openapi.yaml").write_text(spec, encoding="utf-8")
    (root / DOC).write_text(doc, encoding="utf-8")
    return root


def line_of(text: str, marker: str) -> int:
    """1-based line of the first line of ``text`` containing ``marker``."""
    return next(i for i, line in enumerate(text.split("\n"), 1) if marker in line)


def api_findings(root: Path) -> list[Diagnostic]:
    return check(root, select=["DL2", "DL91"])


def test_clean_service_passes(tmp_path: Path) -> None:
    assert api_findings(service(tmp_path)) == []


# (rule, edit of the spec or of the doc (old, new), doc marker of the expected line)
CASES = [
    ("DL201", "doc", ("### GET /v1/orders/{orderId} — Read an order", "### Read"), None),
    (
        "DL202",
        "doc",
        (
            "| 404 | Not found | ORDER_NOT_FOUND |",
            "| 404 | Not found | ORDER_NOT_FOUND |\n\n### DELETE /v1/orders/{orderId}\n",
        ),
        "### DELETE",
    ),
    (
        "DL203",
        "doc",
        ("### GET /v1/orders/{orderId}", "### GET /v1/orders/{id}"),
        "### GET /v1/orders/{id}",
    ),
    (
        "DL204",
        "spec",
        (
            "        - name: expand\n",
            "        - name: fields\n          in: query\n          schema: {type: string}\n"
            "        - name: expand\n",
        ),
        "| expand |",
    ),
    (
        "DL205",
        "doc",
        (
            "| expand | query | boolean | no |",
            "| expand | query | boolean | no |\n| page | query | integer | no |",
        ),
        "| page |",
    ),
    ("DL206", "doc", ("| expand | query |", "| expand | header |"), "| expand |"),
    (
        "DL207",
        "doc",
        ("| expand | query | boolean | no |", "| expand | query | boolean | yes |"),
        "| expand |",
    ),
    ("DL208", "doc", ("| expand | query | boolean |", "| expand | query | string |"), "| expand |"),
    (
        "DL209",
        "spec",
        (
            "                quantity: {type: integer}\n",
            "                quantity: {type: integer}\n                note: {type: string}\n",
        ),
        "| quantity |",
    ),
    (
        "DL210",
        "doc",
        ("| quantity | integer | no |", "| quantity | integer | no |\n| coupon | string | no |"),
        "| coupon |",
    ),
    (
        "DL211",
        "doc",
        ("| quantity | integer | no |", "| quantity | integer | yes |"),
        "| quantity |",
    ),
    ("DL212", "doc", ("| quantity | integer | no |", "| quantity | string | no |"), "| quantity |"),
    (
        "DL213",
        "spec",
        (
            "        '200': {description: The order}\n",
            "        '200': {description: The order}\n        '410': {description: Gone}\n",
        ),
        "| 404 |",
    ),
    (
        "DL214",
        "doc",
        ("| 200 | The order | - |", "| 200 | The order | - |\n| 410 | Gone | - |"),
        "| 410 |",
    ),
    ("DL215", "spec", ("[ORDER_NOT_FOUND]", "[ORDER_NOT_FOUND, ORDER_GONE]"), "| 404 |"),
    (
        "DL216",
        "doc",
        (
            "| 404 | Not found | ORDER_NOT_FOUND |",
            "| 404 | Not found | ORDER_NOT_FOUND, ORDER_GONE |",
        ),
        "| 404 |",
    ),
    (
        "DL217",
        "spec",
        ("      operationId: getOrder\n", "      operationId: getOrder\n      deprecated: true\n"),
        "### GET /v1/orders/{orderId}",
    ),
]


@pytest.mark.parametrize(("rule", "where", "edit", "marker"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_fails_once(
    tmp_path: Path, rule: str, where: str, edit: tuple[str, str], marker: str | None
) -> None:
    spec, doc = SPEC, DOC_TEXT
    if where == "spec":
        assert edit[0] in spec
        spec = spec.replace(edit[0], edit[1], 1)
    else:
        assert edit[0] in doc
        doc = doc.replace(edit[0], edit[1], 1)
    found = api_findings(service(tmp_path, spec, doc))
    line = line_of(doc, marker) if marker else len(doc.rstrip("\n").split("\n"))
    assert summary(found) == [(rule, DOC, line)]
    assert found[0].related and found[0].related[0].path == "openapi.yaml"
    assert found[0].related[0].line > 3


def test_did_you_mean(tmp_path: Path) -> None:
    doc = DOC_TEXT.replace("### GET /v1/orders/{orderId}", "### GET /v1/order/{orderId}")
    found = api_findings(service(tmp_path, SPEC, doc))
    assert [d.rule for d in found] == ["DL202", "DL201"]
    assert "did you mean GET /v1/orders/{orderId}?" in found[0].message
    same_path = DOC_TEXT.replace("### POST /v1/orders", "### PUT /v1/orders")
    found = api_findings(service(tmp_path, SPEC, same_path))
    assert "did you mean POST /v1/orders?" in found[0].message
    far = DOC_TEXT + "\n### GET /v2/zzzz/yyyy/xxxx\n"
    found = api_findings(service(tmp_path, SPEC, far))
    assert [d.rule for d in found] == ["DL202"] and found[0].related == ()


def test_missing_tables_report_at_the_heading(tmp_path: Path) -> None:
    doc = "# Shop API\n\n### POST /v1/orders\n\nCreates an order.\n\n### GET /v1/orders/{orderId}\n"
    doc += "\n| Status | Description |\n|---|---|\n| 200 | ok |\n| 404 | no |\n"
    found = api_findings(service(tmp_path, SPEC, doc))
    post = [(d.rule, d.line) for d in found if d.subject.startswith("POST")]
    assert post == [("DL204", 3), ("DL209", 3), ("DL209", 3), ("DL213", 3), ("DL213", 3)]
    get = [(d.rule, d.line) for d in found if d.subject.startswith("GET")]
    assert get == [("DL204", 7), ("DL204", 7)]


def test_types_compare_normalised(tmp_path: Path) -> None:
    doc = DOC_TEXT.replace("| orderId | path | uuid |", "| orderId | path | string <uuid> |")
    assert api_findings(service(tmp_path, SPEC, doc)) == []
    doc = DOC_TEXT.replace("| orderId | path | uuid |", "| orderId | path | `string(uuid)` |")
    assert api_findings(service(tmp_path, SPEC, doc)) == []
    doc = DOC_TEXT.replace("| orderId | path | uuid |", "| orderId | path | date-time |")
    assert [d.rule for d in api_findings(service(tmp_path, SPEC, doc))] == ["DL208"]


def test_optional_column_and_unstated_flags(tmp_path: Path) -> None:
    doc = DOC_TEXT.replace("| Field | Type | Required |", "| Field | Type | Optional |")
    doc = doc.replace("| sku | string | yes |", "| sku | string | no |")
    doc = doc.replace("| quantity | integer | no |", "| quantity | integer | |")
    assert api_findings(service(tmp_path, SPEC, doc)) == []
    doc = doc.replace("| sku | string | no |", "| sku | string | yes |")
    assert [d.rule for d in api_findings(service(tmp_path, SPEC, doc))] == ["DL211"]


def test_request_table_under_a_request_heading(tmp_path: Path) -> None:
    doc = DOC_TEXT.replace("**Request body**", "#### Request").replace(
        "| Status | Description | Error codes |\n|---|---|---|\n| 201",
        "#### Responses\n\n| Status | Description | Error codes |\n|---|---|---|\n| 201",
    )
    assert api_findings(service(tmp_path, SPEC, doc)) == []
    unlabelled = DOC_TEXT.replace("**Request body**", "Fields:")
    rules = [d.rule for d in api_findings(service(tmp_path, SPEC, unlabelled))]
    assert rules == ["DL209", "DL209"]


def test_row_style_docs(tmp_path: Path) -> None:
    root = tmp_path / "rows"
    shutil.copytree(API / "rows30", root)
    assert api_findings(root) == []
    doc = root / DOC
    text = doc.read_text()
    doc.write_text(text.replace("Read an item (deprecated)", "Read an item"))
    assert summary(api_findings(root)) == [("DL217", DOC, line_of(text, "{itemId}"))]
    doc.write_text(text.replace("| `POST /v1/items` | Create an item |\n", ""))
    found = api_findings(root)
    assert summary(found) == [("DL201", DOC, len(text.rstrip().split("\n")) - 1)]
    assert found[0].related[0].path == "openapi.json"


def test_method_and_path_columns(tmp_path: Path) -> None:
    doc = "# Shop\n\n| Method | Path |\n|---|---|\n"
    doc += "| POST | `/v1/orders` |\n| get | /v1/orders/{id} |\n"
    found = api_findings(service(tmp_path, SPEC, doc))
    assert summary(found) == [("DL203", DOC, 6)]


def test_path_prefix_limits_the_comparison(tmp_path: Path) -> None:
    root = tmp_path / "rows"
    shutil.copytree(API / "rows30", root)
    (root / "doclint.toml").write_text("# no prefix\n")
    found = api_findings(root)
    assert [(d.rule, d.subject) for d in found] == [("DL201", "GET /internal/ping")]


def test_no_spec_or_no_doc_reports_nothing(tmp_path: Path) -> None:
    service(tmp_path)
    (tmp_path / DOC).unlink()
    (tmp_path / "doclint.toml").write_text("")
    assert api_findings(tmp_path) == []
    service(tmp_path)
    (tmp_path / "openapi.yaml").unlink()
    assert api_findings(tmp_path) == []


def test_example_rule(tmp_path: Path) -> None:
    good = SPEC.replace(
        "                quantity: {type: integer}\n",
        "                quantity: {type: integer}\n            example: {sku: A1, quantity: 2}\n",
    )
    assert check(service(tmp_path, good), select=["DL218"]) == []
    bad = good.replace("quantity: 2}", "quantity: two}")
    found = check(service(tmp_path, bad), select=["DL218"])
    assert summary(found) == [("DL218", "openapi.yaml", line_of(bad, "quantity: two"))]
    assert found[0].severity.value == "warning"


@pytest.mark.parametrize(
    ("case", "rule", "count"),
    [("invalid", "DL910", 7), ("not_openapi", "DL911", 1), ("forbidden_refs", "DL912", 2)],
)
def test_input_rules_fail(case: str, rule: str, count: int) -> None:
    found = check(API / case, select=[rule])
    assert [d.rule for d in found] == [rule] * count


def test_forbidden_ref_rule() -> None:
    found = check(API / "forbidden_refs", select=["DL913"])
    assert [(d.rule, d.line) for d in found] == [("DL913", 11), ("DL913", 17), ("DL913", 23)]


@pytest.mark.parametrize("rule", ["DL910", "DL911", "DL912", "DL913"])
def test_input_rules_pass(rule: str) -> None:
    assert check(API / "split", select=[rule]) == []
