"""YAML and JSON loading that keeps the line of every node, safely.

YAML is composed with PyYAML's safe (C when available) composer, then built here so that every
mapping key and sequence item remembers its line. Alias expansion is bounded and nesting depth
is checked before the parser sees the text, since libyaml's composer recurses in C. JSON is
loaded with the standard library for speed; its lines are computed only when a finding needs
one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from doclint.diagnostics import Finding, Location, Problem

INVALID_YAML = "DL902"
INVALID_JSON = "DL903"
TOO_DEEP = "DL904"

MAX_DEPTH = 512
MAX_EXPANDED_NODES = 2_000_000

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Pointer = Sequence[str | int]


@dataclass(slots=True)
class Located:
    """Loaded data plus where each of its nodes starts in the file (1-based lines)."""

    data: Any
    display: str
    text: str = field(repr=False)
    _key_lines: dict[int, dict[Any, int]] = field(default_factory=dict, repr=False)
    _node_lines: dict[int, int] = field(default_factory=dict, repr=False)
    _pointer_lines: dict[tuple[str | int, ...], int] | None = field(default=None, repr=False)
    is_json: bool = False

    def line_of(self, pointer: Pointer) -> int:
        """Line of the node at ``pointer`` (keys and indexes), or of its nearest ancestor."""
        if self.is_json:
            return self._json_line(tuple(pointer))
        node = self.data
        line = self._node_lines.get(id(node), 1)
        for part in pointer:
            lines = self._key_lines.get(id(node))
            try:
                child = node[part]
            except (KeyError, IndexError, TypeError):
                break
            if lines is not None and part in lines:
                line = lines[part]
            node = child
        return line

    def location(self, pointer: Pointer) -> Location:
        return Location(self.display, self.line_of(pointer))

    def _json_line(self, pointer: tuple[str | int, ...]) -> int:
        if self._pointer_lines is None:
            self._pointer_lines = _json_pointer_lines(self.text)
        for end in range(len(pointer), -1, -1):
            line = self._pointer_lines.get(pointer[:end])
            if line is not None:
                return line
        return 1


def _problem(rule: str, display: str, line: int, message: str) -> Problem:
    return Problem(rule, Finding(Location(display, line), message, display))


def nesting_depth(text: str) -> tuple[int, int]:
    """Largest bracket nesting (ignoring quoted text roughly) and the line where it peaks."""
    depth = best = 0
    best_pos = 0
    for match in re.finditer(r"\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'|[\[{]|[\]}]", text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > best:
                best, best_pos = depth, match.start()
        elif token in "]}":
            depth = max(0, depth - 1)
    return best, text.count("\n", 0, best_pos) + 1


def load_json(text: str, display: str) -> tuple[Located | None, list[Problem]]:
    """Parse JSON; syntax errors and excessive nesting become problems with their line."""
    if not text.strip():
        return None, [_problem(INVALID_JSON, display, 1, "file is empty; expected a JSON value")]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [_problem(INVALID_JSON, display, exc.lineno, f"invalid JSON: {exc.msg}")]
    except RecursionError:
        _, line = nesting_depth(text)
        return None, [_problem(TOO_DEEP, display, line, "JSON nests too deeply to be read")]
    depth, line = nesting_depth(text)
    if depth > MAX_DEPTH:
        return None, [
            _problem(TOO_DEEP, display, line, f"JSON nests {depth} levels deep (limit {MAX_DEPTH})")
        ]
    return Located(data, display, text, is_json=True), []


def load_yaml(text: str, display: str) -> tuple[Located | None, list[Problem]]:
    """Parse YAML safely (one document); problems say what is wrong and on which line."""
    if not text.strip():
        return None, [_problem(INVALID_YAML, display, 1, "file is empty; expected a YAML mapping")]
    depth, line = nesting_depth(text)
    if depth > MAX_DEPTH:
        return None, [
            _problem(TOO_DEEP, display, line, f"YAML nests {depth} levels deep (limit {MAX_DEPTH})")
        ]
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = mark.line + 1 if mark is not None else 1
        what = exc.problem or exc.context or "syntax error"
        source_line = text.split("\n")[where - 1] if where <= text.count("\n") + 1 else ""
        hint = " (YAML does not allow tabs for indentation)" if "\t" in source_line else ""
        return None, [_problem(INVALID_YAML, display, where, f"invalid YAML: {what}{hint}")]
    except yaml.YAMLError as exc:
        return None, [_problem(INVALID_YAML, display, 1, f"invalid YAML: {exc}")]
    except RecursionError:
        return None, [_problem(TOO_DEEP, display, line, "YAML nests too deeply to be read")]
    if node is None:
        return None, [_problem(INVALID_YAML, display, 1, "file holds no YAML document")]
    return _build(node, display, text)


def load_structured(text: str, display: str) -> tuple[Located | None, list[Problem]]:
    """JSON for ``.json`` files, YAML otherwise."""
    if display.lower().endswith(".json"):
        return load_json(text, display)
    return load_yaml(text, display)


_BOOL = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def _scalar(node: yaml.ScalarNode) -> Any:
    tag = node.tag
    value: str = node.value
    if tag.endswith(":str") or node.style in ("'", '"', "|", ">"):
        return value
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return _BOOL.get(value.lower(), value)
    if tag.endswith(":int"):
        try:
            return int(value.replace("_", ""), 0)
        except ValueError:
            return value
    if tag.endswith(":float"):
        try:
            return float(value.replace("_", ""))
        except ValueError:
            return value
    # timestamps, binary and unknown tags stay text: doclint compares what the author wrote.
    return value


def _build(root: yaml.Node, display: str, text: str) -> tuple[Located | None, list[Problem]]:
    located = Located(None, display, text)
    built: dict[int, Any] = {}
    sizes: dict[int, int] = {}
    state: dict[int, int] = {}  # 1: on the stack, 2: done
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if not children_done:
            if state.get(key) == 2:
                continue
            if state.get(key) == 1:
                return None, [
                    _problem(
                        INVALID_YAML,
                        display,
                        node.start_mark.line + 1,
                        "invalid YAML: an alias refers to a node that contains it "
                        "(recursive alias)",
                    )
                ]
            state[key] = 1
            stack.append((node, True))
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    stack.append((v, False))
                    stack.append((k, False))
            elif isinstance(node, yaml.SequenceNode):
                for item in node.value:
                    stack.append((item, False))
            continue
        state[key] = 2
        if isinstance(node, yaml.ScalarNode):
            built[key] = _scalar(node)
            sizes[key] = 1
            continue
        size = 1
        if isinstance(node, yaml.SequenceNode):
            items = [built[id(item)] for item in node.value]
            size += sum(sizes[id(item)] for item in node.value)
            located._key_lines[id(items)] = {
                index: item.start_mark.line + 1 for index, item in enumerate(node.value)
            }
            value: Any = items
        else:
            mapping: dict[Any, Any] = {}
            lines: dict[Any, int] = {}
            for k, v in node.value:
                name = built[id(k)]
                if isinstance(name, list | dict):
                    name = str(name)
                if k.tag == "tag:yaml.org,2002:merge" and isinstance(built[id(v)], dict):
                    for mk, mv in built[id(v)].items():
                        mapping.setdefault(mk, mv)
                        lines.setdefault(mk, v.start_mark.line + 1)
                    size += sizes[id(v)]
                    continue
                mapping[name] = built[id(v)]
                lines[name] = k.start_mark.line + 1
                size += sizes[id(k)] + sizes[id(v)]
            located._key_lines[id(mapping)] = lines
            value = mapping
        if size > MAX_EXPANDED_NODES:
            return None, [
                _problem(
                    INVALID_YAML,
                    display,
                    node.start_mark.line + 1,
                    f"invalid YAML: aliases expand to more than {MAX_EXPANDED_NODES:,} nodes "
                    "(an alias bomb?); doclint does not expand it",
                )
            ]
        located._node_lines[id(value)] = node.start_mark.line + 1
        built[key] = value
        sizes[key] = size
    located.data = built[id(root)]
    return located, []


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')


def _json_pointer_lines(text: str) -> dict[tuple[str | int, ...], int]:
    """Map every JSON pointer (as a tuple) to the line where its value starts."""
    lines: dict[tuple[str | int, ...], int] = {}
    # stack entries: [container kind, path, next index or pending key]
    stack: list[list[Any]] = []
    path: tuple[str | int, ...] = ()
    line = 1
    last = 0
    expect_key = False
    pending_key: str | None = None
    for match in _JSON_TOKEN.finditer(text):
        start = match.start()
        line += text.count("\n", last, start)
        last = start
        token = match.group()
        if stack and stack[-1][0] == "{" and expect_key and token[0] == '"':
            pending_key = json.loads(token)
            continue
        if token == ":":
            expect_key = False
            continue
        if token == ",":
            if stack and stack[-1][0] == "{":
                expect_key = True
            continue
        if token in "]}":
            if stack:
                stack.pop()
            expect_key = False
            continue
        if stack:
            top = stack[-1]
            if top[0] == "{":
                here = (*top[1], pending_key if pending_key is not None else "")
            else:
                here = (*top[1], top[2])
                top[2] += 1
        else:
            here = ()
        lines.setdefault(here, line)
        if token in "[{":
            stack.append([token, here, 0])
            expect_key = token == "{"
        path = here
    del path
    return lines
