"""YAML and JSON loading that keeps the line of every node, safely.

YAML is parsed into events by PyYAML's safe (C when available) parser, and the data is built
here from those events with an explicit stack, so that every mapping key and sequence item
remembers its line. No tag constructs an object, alias expansion and nesting depth are bounded,
and nothing recurses (libyaml's own composer recurses in C, and a few thousand `- - -` crash
it). JSON is loaded with the standard library for speed; its lines are computed only when a
finding needs one.
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

MAX_DEPTH = 100
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
        return None, [
            _problem(
                INVALID_JSON, display, 1, "file is empty; write a JSON value in it or delete it"
            )
        ]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [
            _problem(
                INVALID_JSON,
                display,
                exc.lineno,
                f"invalid JSON at column {exc.colno}: {exc.msg}; fix the syntax on this line",
            )
        ]
    except RecursionError:
        _, line = nesting_depth(text)
        return None, [
            _problem(TOO_DEEP, display, line, "JSON nests too deeply to be read; flatten it")
        ]
    except ValueError:  # an integer literal longer than Python converts (4,300 digits)
        long_number = re.search(r"\d{4000,}", text)
        line = text.count("\n", 0, long_number.start()) + 1 if long_number else 1
        return None, [
            _problem(
                INVALID_JSON,
                display,
                line,
                "invalid JSON: a number has more digits than doclint reads; shorten it "
                "or write it as a string",
            )
        ]
    if text.count("[") + text.count("{") <= MAX_DEPTH:  # cannot nest deeper than it opens
        return Located(data, display, text, is_json=True), []
    depth, line = nesting_depth(text)
    if depth > MAX_DEPTH:
        return None, [
            _problem(
                TOO_DEEP,
                display,
                line,
                f"JSON nests {depth} levels deep (limit {MAX_DEPTH}); flatten the structure",
            )
        ]
    return Located(data, display, text, is_json=True), []


def load_yaml(text: str, display: str) -> tuple[Located | None, list[Problem]]:
    """Parse YAML safely (one document); problems say what is wrong and on which line."""
    if not text.strip():
        return None, [
            _problem(
                INVALID_YAML, display, 1, "file is empty; write a YAML mapping in it or delete it"
            )
        ]
    loader = _Loader(text)
    try:
        return _YamlBuilder(loader, display, text).build()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _mark_line(mark, text) if mark is not None else 1
        what = exc.problem or exc.context or "syntax error"
        if "nesting depth" in what:  # libyaml's own depth limit (PyYAML 6.0.4 and later)
            message = f"YAML nests more than {MAX_DEPTH} levels deep; flatten the structure"
            return None, [_problem(TOO_DEEP, display, where, message)]
        lines = text.split("\n")
        source_line = lines[where - 1] if where <= len(lines) else ""
        hint = ""
        if "\t" in source_line:
            hint = " (YAML does not allow tabs for indentation; indent with spaces)"
        elif exc.context and exc.context_mark is not None and exc.problem is not None:
            opened = _mark_line(exc.context_mark, text)
            hint = f" ({exc.context} opened on line {opened}; close it or fix the line)"
        return None, [_problem(INVALID_YAML, display, where, f"invalid YAML: {what}{hint}")]
    except yaml.reader.ReaderError as exc:
        where = text.count("\n", 0, max(0, min(exc.position, len(text)))) + 1
        return None, [
            _problem(
                INVALID_YAML,
                display,
                where,
                f"invalid YAML: character {exc.character!r} is not allowed ({exc.reason}); "
                "remove it",
            )
        ]
    except yaml.YAMLError as exc:
        return None, [_problem(INVALID_YAML, display, 1, f"invalid YAML: {exc}")]
    finally:
        loader.dispose()


def load_structured(text: str, display: str) -> tuple[Located | None, list[Problem]]:
    """JSON for ``.json`` files, YAML otherwise."""
    if display.lower().endswith(".json"):
        return load_json(text, display)
    return load_yaml(text, display)


_BOOL = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def _scalar_value(tag: str, value: str, style: str | None) -> Any:
    if tag.endswith(":str") or style in ("'", '"', "|", ">"):
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


_OTHER_BREAKS = re.compile("[\x85\u2028\u2029]")


def _mark_line(mark: Any, text: str) -> int:
    """1-based line of a parser mark, counting only LF as a line break (as doclint does)."""
    last = text.count("\n") + 1
    if _OTHER_BREAKS.search(text) is None:
        return min(int(mark.line) + 1, last)
    return min(text.count("\n", 0, max(0, min(int(mark.index), len(text)))) + 1, last)


class _Frame:
    """A sequence or mapping being built from YAML events."""

    __slots__ = ("anchor", "key", "key_line", "line", "lines", "merge", "size", "value")

    def __init__(self, value: list[Any] | dict[Any, Any], line: int, anchor: str | None) -> None:
        self.value = value
        self.line = line
        self.anchor = anchor
        self.lines: dict[Any, int] = {}
        self.size = 1
        self.key: Any = _NO_KEY
        self.key_line = line
        self.merge = False


_NO_KEY = object()
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _YamlBuilder:
    """Builds Python data from the parser's events with an explicit stack.

    Depth, alias expansion and recursive aliases are bounded here, so no input can exhaust
    the C stack (libyaml's own composer recurses) or memory.
    """

    def __init__(self, loader: Any, display: str, text: str) -> None:
        self.loader = loader
        self.display = display
        self.other_breaks = _OTHER_BREAKS.search(text) is not None
        self.text = text
        self.located = Located(None, display, text)
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open_anchors: dict[str, int] = {}
        self.stack: list[_Frame] = []
        self.root: Any = _NO_KEY
        self.nodes = 0
        self.expanded = 0

    def problem(self, rule: str, line: int, message: str) -> tuple[None, list[Problem]]:
        return None, [_problem(rule, self.display, line, message)]

    def build(self) -> tuple[Located | None, list[Problem]]:
        get_event = self.loader.get_event
        resolve = self.loader.resolve
        add = self.add
        stack = self.stack
        anchors = self.anchors
        open_anchors = self.open_anchors
        key_lines = self.located._key_lines
        node_lines = self.located._node_lines
        text = self.text
        other_breaks = self.other_breaks
        # plain scalars resolve by their text alone; the same keys and values recur
        plain: dict[str, tuple[Any, bool]] = {}
        documents = 0
        while (event := get_event()) is not None:
            kind = type(event)
            if other_breaks:
                line = text.count("\n", 0, min(event.start_mark.index, len(text))) + 1
            else:
                line = event.start_mark.line + 1
            if kind is yaml.ScalarEvent:
                self.nodes += 1
                self.expanded += 1
                source = event.value
                tag = event.tag
                if tag is None and not event.style and event.implicit[0]:
                    known = plain.get(source)
                    if known is None:
                        tag = resolve(yaml.ScalarNode, source, event.implicit)
                        known = plain[source] = (
                            _scalar_value(tag, source, event.style),
                            tag == _MERGE_TAG,
                        )
                    value, merge = known
                else:
                    if tag is None or tag == "!":
                        tag = resolve(yaml.ScalarNode, source, event.implicit)
                    value = _scalar_value(tag, source, event.style)
                    merge = tag == _MERGE_TAG
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1)
                failed = add(value, 1, line, merge)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                self.nodes += 1
                self.expanded += 1
                if len(stack) >= MAX_DEPTH:
                    return self.problem(
                        TOO_DEEP,
                        line,
                        f"YAML nests more than {MAX_DEPTH} levels deep; flatten the structure",
                    )
                if event.anchor is not None:
                    open_anchors[event.anchor] = open_anchors.get(event.anchor, 0) + 1
                stack.append(
                    _Frame([] if kind is yaml.SequenceStartEvent else {}, line, event.anchor)
                )
                continue
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                key_lines[id(frame.value)] = frame.lines
                node_lines[id(frame.value)] = frame.line
                if frame.anchor is not None:
                    count = open_anchors[frame.anchor] - 1
                    if count:
                        open_anchors[frame.anchor] = count
                    else:
                        del open_anchors[frame.anchor]
                    anchors[frame.anchor] = (frame.value, frame.size)
                failed = add(frame.value, frame.size, frame.line, False)
            elif kind is yaml.AliasEvent:
                if event.anchor in open_anchors:
                    return self.problem(
                        INVALID_YAML,
                        line,
                        f"invalid YAML: alias '*{event.anchor}' refers to a node that contains "
                        "it (recursive alias); remove the alias",
                    )
                if event.anchor not in anchors:
                    return self.problem(
                        INVALID_YAML,
                        line,
                        f"invalid YAML: alias '*{event.anchor}' has no anchor "
                        f"'&{event.anchor}' before it; define the anchor first",
                    )
                value, size = anchors[event.anchor]
                self.expanded += size
                if self.expanded > self.limit():
                    return self.bomb(line)
                failed = add(value, size, line, False)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    return self.problem(
                        INVALID_YAML,
                        line,
                        "invalid YAML: the file holds more than one document; keep one "
                        "document (remove the second '---')",
                    )
                continue
            else:
                continue
            if failed is not None:
                return failed
        if self.root is _NO_KEY:
            return self.problem(
                INVALID_YAML,
                1,
                "file holds no YAML document (only comments?); write one or delete the file",
            )
        self.located.data = self.root
        return self.located, []

    def limit(self) -> int:
        """Alias expansion allowed: generous for real files, far below a bomb's."""
        return min(MAX_EXPANDED_NODES, 100_000 + 10 * self.nodes)

    def bomb(self, line: int) -> tuple[None, list[Problem]]:
        return self.problem(
            INVALID_YAML,
            line,
            f"invalid YAML: aliases expand to more than {self.limit():,} nodes (an alias "
            "bomb?); doclint does not expand it — remove the repeated aliases",
        )

    def add(
        self, value: Any, size: int, line: int, is_merge_key: bool
    ) -> tuple[None, list[Problem]] | None:
        """Put a finished node into the container being built (or make it the root)."""
        if not self.stack:
            self.root = value
            return None
        frame = self.stack[-1]
        frame.size += size
        container = frame.value
        if type(container) is list:
            frame.lines[len(container)] = line
            container.append(value)
            return None
        if frame.key is _NO_KEY:
            if isinstance(value, list | dict):
                value = _key_text(value)
            frame.key = value
            frame.key_line = line
            frame.merge = is_merge_key
            return None
        key, frame.key = frame.key, _NO_KEY
        if frame.merge:
            merged = [value] if isinstance(value, dict) else value
            if isinstance(merged, list) and all(isinstance(m, dict) for m in merged):
                for source in merged:
                    self.expanded += len(source)
                    if self.expanded > self.limit():
                        return self.bomb(line)
                    for name, item in source.items():
                        if name not in frame.value:
                            frame.value[name] = item
                            frame.lines[name] = line
                return None
        frame.value[key] = value
        frame.lines[key] = frame.key_line
        return None


def _key_text(value: list[Any] | dict[Any, Any]) -> str:
    """A complex (sequence or mapping) key as bounded text."""
    text = json.dumps(value, default=str)[:200] if _small(value) else "<complex key>"
    return text


def _small(value: Any, budget: int = 50) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        budget -= 1
        if budget < 0:
            return False
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


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
