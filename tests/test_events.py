"""EVENT_SCHEMAS.md and SYNC_CONTRACT.md against the event registry: the "Done when" edits of
the events family on a copy of sample_service, and the same checks on AsyncAPI variants."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, check, edit, line_of, summary

SELECT = ["DL5", "DL92"]
EVENT_DOC = "docs/EVENT_SCHEMAS.md"
SYNC_DOC = "docs/SYNC_CONTRACT.md"


def edit_json(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def use_asyncapi(root: Path, version: int) -> None:
    (root / "events" / "registry.yaml").unlink()
    shutil.copy(FIXTURES / "events" / f"asyncapi{version}.yaml", root / "events" / "asyncapi.yaml")


def test_sample_is_clean(sample: Path) -> None:
    assert summary(check(sample, select=SELECT)) == []


@pytest.mark.parametrize("version", [2, 3])
def test_asyncapi_variant_is_clean(sample: Path, version: int) -> None:
    use_asyncapi(sample, version)
    assert summary(check(sample, select=SELECT)) == []


# -- the "Done when" edits: each one finding at the right line ---------------------------------


def test_added_published_event_is_undocumented(sample: Path) -> None:
    registry = sample / "events" / "registry.yaml"
    registry.write_text(
        registry.read_text(encoding="utf-8")
        + "  - name: ai.call.retried.v1\n    schema: schemas/ai.call.failed.v1.json\n",
        encoding="utf-8",
    )
    found = check(sample, select=SELECT)
    line = line_of(sample / EVENT_DOC, "## Published events")
    assert summary(found) == [("DL501", EVENT_DOC, line)]
    assert found[0].subject == "ai.call.retried.v1"
    assert found[0].related[0].path == "events/registry.yaml"
    assert found[0].related[0].line == line_of(registry, "ai.call.retried.v1")


def test_changed_field_type(sample: Path) -> None:
    schema = sample / "events" / "schemas" / "ai.call.completed.v1.json"
    edit_json(schema, lambda d: d["properties"]["latency_ms"].update(type="number"))
    found = check(sample, select=SELECT)
    doc = sample / EVENT_DOC
    assert summary(found) == [("DL506", EVENT_DOC, line_of(doc, "| `latency_ms` | integer"))]
    assert "number" in found[0].message
    assert found[0].related[0].path == "events/schemas/ai.call.completed.v1.json"


def test_field_made_required(sample: Path) -> None:
    schema = sample / "events" / "schemas" / "ai.call.completed.v1.json"
    edit_json(schema, lambda d: d["required"].append("finish_reason"))
    found = check(sample, select=SELECT)
    assert summary(found) == [("DL507", EVENT_DOC, line_of(sample / EVENT_DOC, "`finish_reason`"))]
    assert found[0].subject == "ai.call.completed.v1#finish_reason"
    listed = schema.read_text(encoding="utf-8").split("\n").index('    "finish_reason"') + 1
    assert found[0].related[0].line == listed


def test_documented_event_that_does_not_exist(sample: Path) -> None:
    doc = sample / EVENT_DOC
    edit(
        doc, "## Consumed events\n", "### `ai.call.retried.v1`\n\nRetries.\n\n## Consumed events\n"
    )
    found = check(sample, select=SELECT)
    assert summary(found) == [("DL502", EVENT_DOC, line_of(doc, "ai.call.retried.v1"))]


def test_wrong_type_in_example_value(sample: Path) -> None:
    doc = sample / EVENT_DOC
    edit(doc, '"latency_ms": 1840,', '"latency_ms": "1840",')
    found = check(sample, select=SELECT)
    assert summary(found) == [("DL512", EVENT_DOC, line_of(doc, '"latency_ms": "1840"'))]
    assert "/latency_ms" in found[0].message and "integer" in found[0].message


def test_removed_push_example(sample: Path) -> None:
    doc = sample / SYNC_DOC
    text = doc.read_text(encoding="utf-8")
    start = text.index("<!-- doclint: schema=../sync/schemas/desktop-push.json -->")
    end = text.index("```\n", text.index("```json", start) + 7) + 4
    doc.write_text(text[:start] + text[end:], encoding="utf-8")
    found = check(sample, select=SELECT)
    assert summary(found) == [("DL514", SYNC_DOC, line_of(doc, "## Push"))]


# -- the same edits against the AsyncAPI 3.0 variant -------------------------------------------


def test_asyncapi3_added_send_operation(sample: Path) -> None:
    use_asyncapi(sample, 3)
    spec = sample / "events" / "asyncapi.yaml"
    edit(
        spec,
        "components:\n",
        "  publishCallRetried:\n    action: send\n    channel:\n"
        "      $ref: '#/channels/aiCallRetried'\ncomponents:\n",
    )
    edit(
        spec,
        "operations:\n",
        "  aiCallRetried:\n    address: ai.call.retried.v1\n    messages:\n      retried:\n"
        "        name: ai.call.retried.v1\n        payload:\n"
        "          $ref: './schemas/ai.call.failed.v1.json'\noperations:\n",
    )
    found = check(sample, select=SELECT)
    assert summary(found) == [("DL501", EVENT_DOC, line_of(sample / EVENT_DOC, "## Published"))]
    assert found[0].related[0].line == line_of(spec, "name: ai.call.retried.v1")


@pytest.mark.parametrize("version", [2, 3])
def test_asyncapi_changed_field_type_and_example(sample: Path, version: int) -> None:
    use_asyncapi(sample, version)
    schema = sample / "events" / "schemas" / "ai.budget.exceeded.v1.json"
    edit_json(schema, lambda d: d["properties"]["blocked_call_id"].update(format="date-time"))
    found = check(sample, select=SELECT)
    doc = sample / EVENT_DOC
    assert summary(found) == [
        ("DL506", EVENT_DOC, line_of(doc, "| `blocked_call_id`")),
        ("DL512", EVENT_DOC, line_of(doc, '"blocked_call_id":')),
    ]


def test_asyncapi3_receive_is_consumed(sample: Path) -> None:
    use_asyncapi(sample, 3)
    doc = sample / EVENT_DOC
    edit(doc, "## Consumed events\n", "## Inbound\n")
    found = check(sample, select=SELECT)
    assert summary(found) == [("DL508", EVENT_DOC, len(doc.read_text().splitlines()))]
    assert found[0].severity.value == "warning"


# -- inspect -----------------------------------------------------------------------------------


def test_inspect_events_json(sample: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli(["inspect", "events", ".", "--format", "json"], sample)
    assert code == 0
    model = json.loads(out)["events"]
    assert model["kind"] == "registry"
    names = {e["name"]: e for e in model["events"]}
    assert names["tenant.guest.erasure_requested.v1"]["direction"] == "consume"
    fields = {f["path"]: f for f in names["ai.prompt.promoted.v1"]["fields"]}
    assert fields["eval_results[].score"]["type"] == "number"
    assert fields["tenant_id"]["required"] is True
    assert fields["tenant_id"]["file"] == "events/schemas/common.json"
    assert model["problems"] == []
