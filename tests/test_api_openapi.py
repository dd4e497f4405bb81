"""The OpenAPI model: loading, validation, `$ref`s, the operation index, the corpus."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from doclint.config import Config
from doclint.project import Project
from doclint.sources import openapi as oas
from doclint.sources.openapi_model import OpenApiModel, normalise_type
from doclint.sources.openapi_refs import resolve_schema
from doclint.sources.openapi_validation import (
    fast_errors,
    reference_errors,
    same_errors,
)
from doclint.sources.openapi_values import example_errors
from tests.conftest import CORPUS, FIXTURES, SAMPLE, SAMPLE_ERROR_CODES, check, summary

API = FIXTURES / "api"
CORPUS_OPENAPI = CORPUS / "openapi"
CORPUS_COUNTS = {
    "xero-files.yaml": 18,
    "adyen-balanceplatform-v1.yaml": 51,
    "twilio-api-v2010.yaml": 197,
    "openai.json": 288,
}


def project_for(spec: Path, root: Path | None = None) -> Project:
    base = root or spec.parent
    config = replace(Config(root=base), openapi=spec.relative_to(base).as_posix())
    return Project(base, config, base)


def load(spec: Path, root: Path | None = None) -> tuple[OpenApiModel | None, Project]:
    project = project_for(spec, root)
    return oas.openapi(project), project


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def problems(project: Project) -> list[tuple[str, str, int]]:
    return sorted(
        (p.rule, p.finding.location.path, p.finding.location.line) for p in project.problems
    )


# -- the sample and the index ---------------------------------------------------------------
def test_sample_spec_indexes_every_operation() -> None:
    model, project = load(SAMPLE / "openapi.yaml", SAMPLE)
    assert model is not None and project.problems == []
    assert model.version == "1.4.0" and model.openapi_version.startswith("3.1")
    v1 = [op for op in model.operations if op.path.startswith("/v1/")]
    assert len(v1) >= 10
    completion = next(op for op in v1 if op.operation_id == "createCompletion")
    assert completion.method == "POST"
    assert completion.shape == "/v1/sessions/{}/completions"
    # path-level and operation-level parameters merged
    assert [(p.name, p.where) for p in completion.parameters] == [
        ("sessionId", "path"),
        ("Idempotency-Key", "header"),
    ]
    # allOf merged, dotted names for nested fields, arrays of objects with []
    fields = {f.name: f for f in completion.request_fields}
    assert fields["promptName"].required and fields["messages"].required
    assert not fields["limits"].required and fields["limits.maxTokens"].type.display == "integer"
    assert fields["messages[].role"].type.display == "enum"
    assert fields["messages"].type.display == "array<Message>"
    responses = {r.status: r for r in completion.responses}
    assert responses["404"].error_codes == ("AI_SESSION_NOT_FOUND", "AI_PROMPT_NOT_FOUND")
    # x-error-codes of a $ref'd response; each code with its own line
    assert responses["401"].error_codes == ("AI_UNAUTHENTICATED",)
    text = (SAMPLE / "openapi.yaml").read_text().split("\n")
    line = responses["401"].error_code_locations[0].line
    assert "AI_UNAUTHENTICATED" in text[line - 1]
    assert "post:" in text[completion.location.line - 1]


def test_sample_declares_every_error_code_on_its_status() -> None:
    model, _ = load(SAMPLE / "openapi.yaml", SAMPLE)
    assert model is not None
    expected = SAMPLE_ERROR_CODES
    seen: dict[str, set[str]] = {}
    for op in model.operations:
        for response in op.responses:
            for code in response.error_codes:
                seen.setdefault(code, set()).add(response.status)
    assert seen == {code: {status} for code, status in expected.items()}


def test_resolve_schema_by_name_and_ref() -> None:
    model, _ = load(SAMPLE / "openapi.yaml", SAMPLE)
    assert model is not None
    session = resolve_schema(model, "Session")
    assert session is not None and "status" in session["properties"]
    assert resolve_schema(model, "#/components/schemas/Budget") is not None
    assert resolve_schema(model, "Nope") is None
    assert resolve_schema(model, "#/components/nope/X") is None


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("`string(uuid)`", "string(uuid)"),
        ("uuid", "string(uuid)"),
        ("string <uuid>", "string(uuid)"),
        ("integer[]", "array<integer>"),
        ("array<int64>", "array<integer(int64)>"),
        ("List(string)", "array<string>"),
        ("enum (open, closed)", "enum"),
        ("string | null", "string"),
        ("bool", "boolean"),
        ("datetime", "string(date-time)"),
        ("CompletionRequest", "completionrequest"),
    ],
)
def test_normalise_type(written: str, canonical: str) -> None:
    assert normalise_type(written) == canonical


# -- formats and versions ---------------------------------------------------------------------
def test_openapi_30_json_with_row_style_doc() -> None:
    model, project = load(API / "rows30" / "openapi.json")
    assert model is not None and project.problems == []
    assert model.openapi_version == "3.0.3" and model.version == "2.0.0"
    ops = {op.key: op for op in model.operations}
    assert ops["GET /v1/items/{itemId}"].deprecated
    assert ops["GET /v1/items"].parameters[0].type.display == "integer(int32)"
    responses = {r.status: r for r in ops["GET /v1/items"].responses}
    # the enum of the error schema's `code`
    assert responses["400"].error_codes == ("ITEM_INVALID", "ITEM_LIMIT")
    created = {r.status: r for r in ops["POST /v1/items"].responses}
    # the `code` values of the response's examples
    assert created["409"].error_codes == ("ITEM_TAKEN",)
    text = (API / "rows30" / "openapi.json").read_text().split("\n")
    assert "ITEM_TAKEN" in text[created["409"].error_code_locations[0].line - 1]
    assert check(API / "rows30", select=["DL2", "DL91"]) == []


def test_spec_split_over_several_files() -> None:
    root = API / "split"
    model, project = load(root / "openapi" / "openapi.yaml", root)
    assert model is not None and project.problems == []
    ops = {op.key: op for op in model.operations}
    create = ops["POST /v1/items"]
    assert create.location.path == "openapi/paths/items.yaml"
    fields = {f.name: f for f in create.request_fields}
    assert set(fields) == {"name", "tags", "owner", "owner.id"}
    assert fields["owner.id"].location.path == "openapi/schemas/item.yaml"
    assert fields["tags"].type.display == "array<string>"
    read = ops["GET /v1/items/{itemId}"]
    assert read.parameters[0].location.path == "openapi/openapi.yaml"
    assert read.parameters[0].type.display == "string(uuid)"
    not_found = {r.status: r for r in read.responses}["404"]
    # the `code` of the example of the response's (external) schema
    assert not_found.error_codes == ("ITEM_NOT_FOUND",)
    assert not_found.error_code_locations[0].path == "openapi/schemas/error.yaml"
    assert check(root, select=["DL2", "DL91"]) == []


def test_ref_cycle_is_one_problem_and_recursive_schemas_index() -> None:
    model, project = load(API / "cycle" / "openapi.yaml")
    assert model is not None
    assert problems(project) == [("DL912", "openapi.yaml", 22)]
    fields = [f.name for f in model.operations[0].request_fields]
    assert fields == ["name", "parent", "children"]


@pytest.mark.parametrize(
    ("case", "line", "words"),
    [("not_openapi", 1, "no top-level 'openapi' key"), ("swagger", 1, "Swagger 2.0")],
)
def test_yaml_that_is_not_openapi(case: str, line: int, words: str) -> None:
    model, project = load(API / case / "openapi.yaml")
    assert model is None
    assert problems(project) == [("DL911", "openapi.yaml", line)]
    assert words in project.problems[0].finding.message
    assert summary(check(API / case, select=["DL91"])) == [("DL911", "openapi.yaml", line)]


def test_forbidden_and_unresolved_refs_are_never_read() -> None:
    model, project = load(API / "forbidden_refs" / "openapi.yaml")
    assert model is not None
    assert problems(project) == [
        ("DL912", "openapi.yaml", 29),
        ("DL912", "openapi.yaml", 35),
        ("DL913", "openapi.yaml", 11),
        ("DL913", "openapi.yaml", 17),
        ("DL913", "openapi.yaml", 23),
    ]
    assert project.files_read == {"openapi.yaml": API / "forbidden_refs" / "openapi.yaml"}


def test_ref_to_a_file_outside_the_service_root_but_inside_the_repository(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(
        tmp_path,
        {
            "shared/common.yaml": "Ok:\n  description: OK\n",
            "svc/openapi.yaml": (
                "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /v1/x:\n    get:\n"
                "      responses:\n        '200':\n          $ref: '../shared/common.yaml#/Ok'\n"
            ),
        },
    )
    model, project = load(tmp_path / "svc" / "openapi.yaml")
    assert model is not None and project.problems == []
    assert model.operations[0].responses[0].status == "200"


def test_broken_yaml_and_bad_ref_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "bad.yaml": "a: [1, 2\n",
            "openapi.yaml": (
                "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /v1/x:\n    get:\n"
                "      responses:\n        '200':\n          $ref: 'bad.yaml#/a'\n"
                "        '201':\n          $ref: {nested: 1}\n"
            ),
        },
    )
    model, project = load(tmp_path / "openapi.yaml")
    assert model is not None
    rules = [rule for rule, _, _ in problems(project)]
    assert "DL902" in rules and "DL912" in rules


def test_no_spec_means_no_model(tmp_path: Path) -> None:
    project = Project(tmp_path, Config(root=tmp_path), tmp_path)
    assert oas.openapi(project) is None
    assert oas.inspect_json(project)["operations"] == []


# -- validation -------------------------------------------------------------------------------
def test_validation_errors_each_at_its_line() -> None:
    model, project = load(API / "invalid" / "openapi.yaml")
    assert model is not None
    found = problems(project)
    assert found == [
        ("DL910", "openapi.yaml", 7),  # {thingId} not declared
        ("DL910", "openapi.yaml", 14),  # duplicate operationId
        ("DL910", "openapi.yaml", 20),  # default 'many' is not an integer
        ("DL910", "openapi.yaml", 21),  # duplicate parameter
        ("DL910", "openapi.yaml", 36),  # OAS schema: type 'strin'
        ("DL910", "openapi.yaml", 41),  # meta-schema: type 'strin'
        ("DL910", "openapi.yaml", 42),  # required name no allOf branch defines
    ]


def parity_cases() -> list[tuple[Path, Path]]:
    cases = [
        (API / "rows30" / "openapi.json", API / "rows30"),
        (API / "split" / "openapi" / "openapi.yaml", API / "split"),
        (API / "invalid" / "openapi.yaml", API / "invalid"),
        (SAMPLE / "openapi.yaml", SAMPLE),
    ]
    if CORPUS_OPENAPI.is_dir():
        cases += [(CORPUS_OPENAPI / name, CORPUS_OPENAPI) for name in sorted(CORPUS_COUNTS)]
    return cases


@pytest.mark.parametrize(("spec", "root"), parity_cases(), ids=lambda p: p.name)
def test_same_errors_as_openapi_spec_validator(spec: Path, root: Path) -> None:
    """doclint's jsonschema-rs validation and openapi-spec-validator report the same errors
    (kind, keyword, JSON path). The `cycle` and `forbidden_refs` fixtures are left out:
    openapi-spec-validator recurses without end on a `$ref` cycle, and would fetch the URL."""
    model, project = load(spec, root)
    assert model is not None
    reference = reference_errors(model.document, spec)
    assert model.resolver is not None
    fast = fast_errors(project, model.document, spec, model.resolver)
    only_doclint, only_reference = same_errors(fast, reference)
    assert only_doclint == [] and only_reference == []
    assert len(fast) == len(reference)


def test_same_errors_counts_ambiguous_first_errors() -> None:
    model, project = load(API / "invalid" / "openapi.yaml")
    assert model is not None and model.resolver is not None
    fast = fast_errors(project, model.document, API / "invalid" / "openapi.yaml", model.resolver)
    signatures = [e.signature for e in fast]
    assert same_errors(fast, signatures) == ([], [])
    assert same_errors(fast, [*signatures, ("X", "", ())])[1] == [("X", "", ())]
    assert same_errors(fast, signatures[1:])[0] == [fast[0]]


def test_31_schema_dialects(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "openapi.yaml": (
                "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
                "components:\n  schemas:\n"
                "    A:\n      $schema: 'http://json-schema.org/draft-07/schema#'\n"
                "      type: object\n"
                "    B:\n      $schema: 'https://example.com/unknown'\n      type: object\n"
                "    C:\n      $schema: 5\n"
                "    D:\n      type: string\n      pattern: '(unclosed'\n"
                "    E: 7\n"
            )
        },
    )
    model, project = load(tmp_path / "openapi.yaml")
    assert model is not None
    messages = [p.finding.message for p in project.problems]
    assert any("Unknown JSON Schema dialect: 'https://example.com/unknown'" in m for m in messages)
    assert any("Unknown JSON Schema dialect: 5" in m for m in messages)
    assert sorted(p.finding.location.line for p in project.problems) == [9, 12, 16, 17, 17]
    assert any("pattern" in m for m in messages)
    reference = reference_errors(model.document, tmp_path / "openapi.yaml")
    assert model.resolver is not None
    fast = fast_errors(project, model.document, tmp_path / "openapi.yaml", model.resolver)
    assert len(reference) == len(fast) == len(project.problems)


def test_spec_examples_that_do_not_validate(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "openapi.yaml": (
                "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /v1/x:\n    post:\n"
                "      requestBody:\n        content:\n          application/json:\n"
                "            schema: {$ref: '#/components/schemas/X'}\n"
                "            examples:\n              bad:\n                value: {n: many}\n"
                "              good:\n                value: {n: 1}\n"
                "      responses:\n        '200': {description: ok}\n"
                "components:\n  schemas:\n    X:\n      type: object\n"
                "      properties: {n: {type: integer}}\n      examples: [{n: 2}, {n: x}]\n"
            )
        },
    )
    model, project = load(tmp_path / "openapi.yaml")
    assert model is not None
    bad = [(ex.location.line, message) for ex, message in example_errors(project, model)]
    assert [line for line, _ in bad] == [12, 22]
    assert "'many' is not of type 'integer' at n" in bad[0][1]


# -- the corpus -------------------------------------------------------------------------------
@pytest.mark.skipif(not CORPUS_OPENAPI.is_dir(), reason="corpus folder ../shared/corpus absent")
@pytest.mark.parametrize("name", sorted(CORPUS_COUNTS))
def test_corpus_loads_and_indexes(name: str) -> None:
    model, project = load(CORPUS_OPENAPI / name, CORPUS_OPENAPI)
    assert model is not None
    assert len(model.operations) == CORPUS_COUNTS[name]
    assert all(op.location.line > 1 for op in model.operations)
    unexpected = [p for p in project.problems if p.rule != "DL910"]
    assert unexpected == []
    if name != "openai.json":
        assert project.problems == []
    json.dumps(oas.inspect_json(project))


@pytest.mark.skipif(not CORPUS_OPENAPI.is_dir(), reason="corpus folder ../shared/corpus absent")
def test_corpus_counts_match_sources_md() -> None:
    text = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    for name, count in CORPUS_COUNTS.items():
        row = next(line for line in text.split("\n") if line.startswith(f"| `{name}`"))
        assert re.search(rf"\| {count} ", row)


# -- inspect ----------------------------------------------------------------------------------
def test_inspect_openapi_prints_the_index(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "svc"
    shutil.copytree(SAMPLE, target)
    code, out, _ = run_cli(["inspect", "openapi", "svc", "--format", "json"], tmp_path)
    assert code == 0
    data = json.loads(out)["openapi"]
    assert data["spec"] == "svc/openapi.yaml" and data["version"] == "1.4.0"
    ops = {f"{op['method']} {op['path']}": op for op in data["operations"]}
    close = ops["POST /v1/sessions/{sessionId}/close"]
    assert close["file"] == "svc/openapi.yaml" and close["line"] > 1
    assert close["parameters"][0]["name"] == "sessionId"
    assert [r["status"] for r in close["responses"]] == ["200", "401", "404", "409"]
    assert data["problems"] == []
