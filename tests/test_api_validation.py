"""OpenAPI validation on edge cases: same errors as openapi-spec-validator, each at its line."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from doclint.config import Config
from doclint.project import Project
from doclint.sources import openapi as oas
from doclint.sources.openapi_lines import Lines
from doclint.sources.openapi_model import OpenApiModel
from doclint.sources.openapi_validation import (
    fast_errors,
    jsonable,
    reference_errors,
    same_errors,
)

HEAD_30 = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
HEAD_31 = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"

DEFAULTS = """\
paths:
  /v1/a:
    get:
      parameters:
        - {name: a, in: query, schema: {type: integer, format: int32, default: 3000000000}}
        - {name: b, in: query, schema: {type: integer, format: int64, default: 5}}
        - {name: c, in: query, schema: {type: number, format: double, default: x}}
        - {name: d, in: query, schema: {type: string, format: date, default: 7}}
        - {name: e, in: query, schema: {type: string, nullable: true, default: null}}
        - {name: f, in: query, schema: {type: string, default: null}}
        - {name: g, in: query, schema: {$ref: '#/components/schemas/Color'}}
        - name: h
          in: query
          schema:
            type: object
            properties:
              color: {$ref: '#/components/schemas/Color'}
              size: {type: integer, format: int32}
            default: {color: red, size: 1}
        - name: i
          in: query
          schema: {type: number, minimum: 0, exclusiveMinimum: true, default: 0}
        - {name: j, in: query, schema: {type: string, pattern: '^a', default: b}}
      responses:
        '200': {description: ok}
components:
  schemas:
    Color:
      type: string
      enum: [red, blue]
      default: green
    Wrapped:
      $ref: '#/components/schemas/Color'
      description: a color
      default: blue
    Items:
      type: array
      items: {type: integer}
      default: [1, two]
"""


def load(root: Path, text: str) -> tuple[OpenApiModel | None, Project]:
    (root / "openapi.yaml").write_text(text, encoding="utf-8")
    project = Project(root, replace(Config(root=root), openapi="openapi.yaml"), root)
    return oas.openapi(project), project


@pytest.mark.parametrize("head", [HEAD_30, HEAD_31], ids=["3.0", "3.1"])
def test_default_values_match_the_reference(tmp_path: Path, head: str) -> None:
    model, project = load(tmp_path, head + DEFAULTS)
    assert model is not None and model.resolver is not None
    spec = tmp_path / "openapi.yaml"
    fast = fast_errors(project, model.document, spec, model.resolver)
    reference = reference_errors(model.document, spec)
    assert same_errors(fast, reference) == ([], [])
    assert len(fast) >= 4
    lines = {p.finding.location.line for p in project.problems}
    text = spec.read_text().split("\n")
    assert any("default: 3000000000" in text[line - 1] for line in lines)
    assert any("default: [1, two]" in text[line - 1] for line in lines)


def test_yaml_keys_that_are_not_strings(tmp_path: Path) -> None:
    text = HEAD_31 + (
        "paths:\n  /v1/a:\n    get:\n      responses:\n        200:\n          description: ok\n"
        "components:\n  schemas:\n    A:\n      type: object\n      properties:\n"
        "        1: {type: string}\n      default: {1: x}\n"
    )
    model, project = load(tmp_path, text)
    assert model is not None
    assert [r.status for r in model.operations[0].responses] == ["200"]
    assert jsonable({1: [{None: True, False: 2.5}]}) == {"1": [{"null": True, "false": 2.5}]}
    assert all(p.rule == "DL910" for p in project.problems)


def test_json_lines_follow_keys_and_items(tmp_path: Path) -> None:
    text = (
        '{\n  "openapi": "3.0.3",\n  "info": {"title": "t", "version": "1"},\n'
        '  "paths": {\n    "/v1/a": {\n      "get": {\n        "parameters": [\n'
        '          {"name": "x", "in": "query", "schema": {"type": "integer", "default": "no"}}\n'
        "        ],\n"
        '        "responses": {"200": {"description": "ok"}}\n      }\n    }\n  }\n}\n'
    )
    (tmp_path / "openapi.json").write_text(text, encoding="utf-8")
    project = Project(tmp_path, replace(Config(root=tmp_path), openapi="openapi.json"), tmp_path)
    model = oas.openapi(project)
    assert model is not None
    assert model.operations[0].location.line == 6
    assert model.operations[0].parameters[0].location.line == 8
    assert model.operations[0].responses[0].location.line == 10
    assert [(p.rule, p.finding.location.line) for p in project.problems] == [("DL910", 8)]
    lines = Lines(model.document)
    assert lines.line_of(("paths", "/v1/a", "nope")) == 5
    assert lines.line_of(("openapi", "deeper")) == 2


def test_other_openapi_versions_are_not_read(tmp_path: Path) -> None:
    model, project = load(tmp_path, "openapi: 3.2.0\ninfo: {title: t, version: '1'}\n")
    assert model is None
    assert "OpenAPI 3.2.0" in project.problems[0].finding.message
    model, project = load(tmp_path, "- just\n- a list\n")
    assert model is None and project.problems[0].rule == "DL911"


def test_31_ref_with_siblings_and_cycles(tmp_path: Path) -> None:
    text = HEAD_31 + (
        "paths: {}\ncomponents:\n  schemas:\n"
        "    Tree:\n      type: object\n      properties:\n"
        "        child: {$ref: '#/components/schemas/Tree'}\n      default: {child: {}}\n"
        "    Named:\n      type: object\n      properties:\n"
        "        color: {$ref: '#/components/schemas/Color', maxLength: 3}\n"
        "      default: {color: blue}\n"
        "    Color: {type: string, enum: [red, blue]}\n"
        "    Remote:\n      type: object\n      properties:\n"
        "        x: {$ref: 'https://example.com/x.yaml'}\n      default: {x: 1}\n"
    )
    model, project = load(tmp_path, text)
    assert model is not None and model.resolver is not None
    spec = tmp_path / "openapi.yaml"
    fast = fast_errors(project, model.document, spec, model.resolver)
    signatures = [e.signature for e in fast]
    assert ("OpenAPIValidationError", "maxLength", ("color",)) in signatures
    rules = sorted(p.rule for p in project.problems)
    assert rules == ["DL910", "DL913"]
