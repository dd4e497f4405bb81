"""Line lookup in the OpenAPI spec's files: YAML through its loader's marks, JSON on demand."""

from __future__ import annotations

import bisect
import re
from typing import Any

from doclint.sources.structured import Located

Pointer = tuple[str | int, ...]


_WS = re.compile(r"[ \t\n\r]*")


class _JsonLines:
    """Lines of JSON pointers, found on demand: each container on a pointer's way is indexed
    once (its members' key and value offsets), skipping member values with the C scanner."""

    def __init__(self, text: str) -> None:
        import json.decoder
        import json.scanner

        self.text = text
        self.newlines = [match.start() for match in re.finditer("\n", text)]
        # typeshed describes make_scanner as a class taking a scanner, not a decoder
        self.scan: Any = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
        # the C string scanner is public in the module but missing from typeshed
        self.scanstring: Any = json.decoder.scanstring  # type: ignore[attr-defined]
        self.members: dict[int, dict[str | int, tuple[int, int]]] = {}
        self.root = _WS.match(text, 0).end()  # type: ignore[union-attr]

    def _line(self, offset: int) -> int:
        return bisect.bisect_left(self.newlines, offset) + 1

    def _index(self, start: int) -> dict[str | int, tuple[int, int]]:
        found = self.members.get(start)
        if found is not None:
            return found
        text, ws = self.text, _WS
        found = {}
        opener = text[start]
        at = ws.match(text, start + 1).end()  # type: ignore[union-attr]
        index = 0
        while at < len(text) and text[at] not in "]}":
            key_at = at
            key: str | int = index
            if opener == "{":
                key, at = self.scanstring(text, at + 1)
                at = ws.match(text, at).end() + 1  # type: ignore[union-attr]
                at = ws.match(text, at).end()  # type: ignore[union-attr]
            value_at = at
            _, at = self.scan(text, at)
            found.setdefault(key, (key_at, value_at))
            at = ws.match(text, at).end()  # type: ignore[union-attr]
            if at < len(text) and text[at] == ",":
                at = ws.match(text, at + 1).end()  # type: ignore[union-attr]
            index += 1
        self.members[start] = found
        return found

    def line_of(self, pointer: Pointer) -> int:
        at = self.root
        line = self._line(at)
        for part in pointer:
            if at >= len(self.text) or self.text[at] not in "{[":
                break
            entry = self._index(at).get(part)
            if entry is None:
                break
            line = self._line(entry[0])
            at = entry[1]
        return line


class Lines:
    """Line lookup for one file: YAML through its loader's marks, JSON on demand."""

    def __init__(self, located: Located) -> None:
        self.located = located
        self._json: _JsonLines | None = None

    def line_of(self, pointer: Pointer) -> int:
        if not self.located.is_json:
            return self.located.line_of(pointer)
        if self._json is None:
            self._json = _JsonLines(self.located.text)
        try:
            return self._json.line_of(pointer)
        except (ValueError, StopIteration, IndexError):
            return self.located.line_of(pointer)
