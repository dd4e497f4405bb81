"""The sample service's API docs stay clean, and each edit of its spec is one finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import check

DOC = "docs/API_CONTRACTS.md"
SPEC = "openapi.yaml"


def line_of(text: str, marker: str, after: str | None = None) -> int:
    """1-based line of the first line containing ``marker`` (after the line holding ``after``)."""
    lines = text.split("\n")
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i in range(start, len(lines)) if marker in lines[i]) + 1


def findings(root: Path) -> list[tuple[str, str, int, tuple[tuple[str, int], ...]]]:
    return [
        (d.rule, d.path, d.line, tuple((r.path, r.line) for r in d.related))
        for d in check(root, select=["DL2", "DL91"])
    ]


def test_sample_is_clean(sample: Path) -> None:
    assert findings(sample) == []


def test_sample_documents_every_v1_operation(sample: Path) -> None:
    from doclint.checks.api import match
    from doclint.config import load_config
    from doclint.project import Project

    project = Project(sample, load_config(sample), sample)
    result = match(project)
    assert result is not None
    assert len(result.pairs) >= 10 and not result.undocumented and not result.unknown
    assert all(documented.section is not None for _, documented in result.pairs)


def edit(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text


NEW_OPERATION = """\
  /v1/sessions/{sessionId}/messages:
    parameters:
      - $ref: "#/components/parameters/SessionId"
    get:
      operationId: listSessionMessages
      responses:
        "200":
          description: The messages.
  /v1/budget:
"""


def test_adding_an_operation_to_the_spec(sample: Path) -> None:
    spec = edit(sample / SPEC, "  /v1/budget:\n", NEW_OPERATION)
    doc = (sample / DOC).read_text(encoding="utf-8")
    end = len(doc.rstrip("\n").split("\n"))
    spec_line = line_of(spec, "    get:", after="/v1/sessions/{sessionId}/messages:")
    assert findings(sample) == [("DL201", DOC, end, ((SPEC, spec_line),))]


def test_removing_a_documented_operation(sample: Path) -> None:
    spec = edit(
        sample / SPEC,
        """  /v1/budget:
    get:
      operationId: getBudget
      tags: [budgets]
      summary: Read the tenant's budget for the current period
      responses:
        "200":
          description: The budget.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Budget"
        "401":
          $ref: "#/components/responses/Unauthenticated"
    put:""",
        """  /v1/budget:
    put:""",
    )
    doc = (sample / DOC).read_text(encoding="utf-8")
    heading = line_of(doc, "### GET /v1/budget")
    put = line_of(spec, "    put:", after="  /v1/budget:")
    assert findings(sample) == [("DL202", DOC, heading, ((SPEC, put),))]


def test_renaming_a_path_parameter(sample: Path) -> None:
    old = """  /v1/sessions/{sessionId}/calls:
    parameters:
      - $ref: "#/components/parameters/SessionId"
"""
    new = """  /v1/sessions/{id}/calls:
    parameters:
      - name: id
        in: path
        required: true
        schema:
          type: string
          format: uuid
"""
    spec = edit(sample / SPEC, old, new)
    doc = (sample / DOC).read_text(encoding="utf-8")
    heading = line_of(doc, "### GET /v1/sessions/{sessionId}/calls")
    get = line_of(spec, "    get:", after="/v1/sessions/{id}/calls:")
    assert findings(sample) == [("DL203", DOC, heading, ((SPEC, get),))]


def test_making_an_optional_query_parameter_required(sample: Path) -> None:
    spec = edit(
        sample / SPEC,
        "        - name: status\n          in: query\n          required: false\n",
        "        - name: status\n          in: query\n          required: true\n",
    )
    doc = (sample / DOC).read_text(encoding="utf-8")
    row = line_of(doc, "| `status` | query |", after="### GET /v1/sessions —")
    parameter = line_of(spec, "- name: status")
    assert findings(sample) == [("DL207", DOC, row, ((SPEC, parameter),))]


def test_adding_a_required_request_body_field(sample: Path) -> None:
    spec = edit(
        sample / SPEC,
        """              required: [monthlyLimitUsd]
              properties:
""",
        """              required: [monthlyLimitUsd, currency]
              properties:
                currency:
                  type: string
""",
    )
    doc = (sample / DOC).read_text(encoding="utf-8")
    last_row = line_of(doc, "| `alertThresholdPercent` |", after="### PUT /v1/budget")
    field = line_of(spec, "                currency:")
    assert findings(sample) == [("DL209", DOC, last_row, ((SPEC, field),))]


def test_adding_a_409_response(sample: Path) -> None:
    anchor = "  /v1/prompts/{promptId}/versions/{version}/promote:"
    spec_text = (sample / SPEC).read_text(encoding="utf-8")
    block_start = spec_text.index(anchor)
    old = '        "404":\n          $ref: "#/components/responses/PromptNotFound"\n'
    at = spec_text.index(old, block_start)
    new = old + '        "409":\n          description: The version is already active.\n'
    spec = spec_text[:at] + new + spec_text[at + len(old) :]
    (sample / SPEC).write_text(spec, encoding="utf-8")
    doc = (sample / DOC).read_text(encoding="utf-8")
    last_row = line_of(doc, "| 404 |", after="### POST /v1/prompts/{promptId}/versions/{version}")
    response = line_of(spec, '        "409":', after=anchor)
    assert findings(sample) == [("DL213", DOC, last_row, ((SPEC, response),))]


def test_adding_an_error_code_to_a_response(sample: Path) -> None:
    spec = edit(
        sample / SPEC,
        "x-error-codes: [AI_SESSION_NOT_FOUND, AI_PROMPT_NOT_FOUND]",
        "x-error-codes: [AI_SESSION_NOT_FOUND, AI_PROMPT_NOT_FOUND, AI_CALL_NOT_FOUND]",
    )
    doc = (sample / DOC).read_text(encoding="utf-8")
    row = line_of(doc, "| 404 |", after="### POST /v1/sessions/{sessionId}/completions")
    code = line_of(spec, "AI_CALL_NOT_FOUND")
    assert findings(sample) == [("DL215", DOC, row, ((SPEC, code),))]


@pytest.mark.parametrize("operation_id", ["getBudget", "listPrompts"])
def test_marking_an_operation_deprecated(sample: Path, operation_id: str) -> None:
    spec = edit(
        sample / SPEC,
        f"      operationId: {operation_id}\n",
        f"      operationId: {operation_id}\n      deprecated: true\n",
    )
    doc = (sample / DOC).read_text(encoding="utf-8")
    method_line = line_of(spec, f"operationId: {operation_id}") - 1
    method, path = {"getBudget": ("GET", "/v1/budget"), "listPrompts": ("GET", "/v1/prompts")}[
        operation_id
    ]
    heading = line_of(doc, f"### {method} {path} —")
    assert findings(sample) == [("DL217", DOC, heading, ((SPEC, method_line),))]
