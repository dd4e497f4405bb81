"""The event-driven YAML builder: the same data as PyYAML's safe loader, with node lines."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from doclint.sources.structured import load_yaml


def _safe_load(text: str) -> Any:
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _pointers(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _pointers(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _pointers(value, (*prefix, index))
    return found


def test_repeated_plain_scalars_resolve_alike_as_keys_and_values() -> None:
    text = (
        "yes: yes\n"
        "no: 'yes'\n"
        "2: 2\n"
        "one: !!str 1\n"
        "two: ! 1\n"
        "null: ~\n"
        "list: [yes, 1, ~, 1.5, yes, '1']\n"
        "again: {off: 2, 2: off}\n"
    )
    located, problems = load_yaml(text, "x.yaml")
    assert problems == [] and located is not None
    assert located.data == {
        True: True,
        False: "yes",
        2: 2,
        "one": "1",
        "two": 1,
        None: None,
        "list": [True, 1, None, 1.5, True, "1"],
        "again": {False: 2, 2: False},
    }
    assert located.data == _safe_load(text)
    assert located.line_of(["list", 4]) == 7
    assert located.line_of(["again", 2]) == 8


def test_timestamps_stay_text_where_pyyaml_builds_dates() -> None:
    located, _ = load_yaml("d: 2024-01-02\nt: 2024-01-02T10:00:00Z\n", "x.yaml")
    assert located is not None
    assert located.data == {"d": "2024-01-02", "t": "2024-01-02T10:00:00Z"}


OPENAPI_LIKE = """\
openapi: 3.1.0
info: {title: Sessions, version: '1.2'}
paths:
  /v1/sessions/{id}:
    get:
      operationId: getSession
      parameters:
        - name: id
          in: path
          required: true
          schema: {type: string, format: uuid}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Session'}
        '404': &missing
          description: not found
          x-error-codes: [SESSION_NOT_FOUND]
    delete:
      responses:
        '204': {description: gone}
        '404': *missing
components:
  schemas:
    Session:
      type: object
      required: [id, tenant_id]
      properties:
        id: {type: string, format: uuid}
        tenant_id: {type: string, nullable: true, default: null}
        size: {type: integer, minimum: 0, maximum: 1e3, example: 0x10}
        flag: {type: boolean, example: off}
        note: |
          multi-line
          text
"""


def test_data_equals_pyyaml_and_every_node_has_its_line() -> None:
    located, problems = load_yaml(OPENAPI_LIKE, "openapi.yaml")
    assert problems == [] and located is not None
    assert located.data == _safe_load(OPENAPI_LIKE)
    lines = OPENAPI_LIKE.split("\n")
    for pointer in _pointers(located.data)[1:]:
        line = located.line_of(list(pointer))
        key = pointer[-1]
        if isinstance(key, str) and not isinstance(located.line_of(list(pointer[:-1])), bool):
            assert key.strip("'") in lines[line - 1] or "*" in lines[line - 1], pointer
    assert located.line_of(["paths", "/v1/sessions/{id}", "delete", "responses", "404"]) == 24
    assert located.line_of(["components", "schemas", "Session", "properties", "flag"]) == 34


@pytest.mark.parametrize("text", ["a: 1\u2028\nb: [x,\u2029 y]\nc: 3\n", "k: 'a\u0085b'\nz: 1\n"])
def test_unicode_line_breaks_do_not_shift_lines(text: str) -> None:
    located, problems = load_yaml(text, "x.yaml")
    assert problems == [] and located is not None
    last = list(located.data)[-1]
    assert located.line_of([last]) == text.count("\n")


def test_scalar_anchors_and_anchors_named_again_inside_themselves() -> None:
    text = "a: &x {b: &x {c: 1}}\nd: *x\ne: &s 5\nf: *s\ng: [*s, *s]\n"
    located, problems = load_yaml(text, "x.yaml")
    assert problems == [] and located is not None
    assert located.data["d"] == {"b": {"c": 1}}
    assert (located.data["f"], located.data["g"]) == (5, [5, 5])
    assert located.line_of(["g", 1]) == 5
