"""PostgreSQL scripts parsed by pglast into statements, each with the lines it is on."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any


class Lines:
    """Maps offsets of a text to 1-based line numbers. libpg_query reports byte offsets of
    the UTF-8 text; for a text that is not pure ASCII, lines are counted over its bytes."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        self.text = text
        self.data: str | bytes = text if text.isascii() else text.encode("utf-8")
        newline: Any = "\n" if isinstance(self.data, str) else b"\n"
        starts = [0]
        position = self.data.find(newline)
        while position >= 0:
            starts.append(position + 1)
            position = self.data.find(newline, position + 1)
        self._starts = starts
        self.first_line = first_line

    def line(self, offset: int) -> int:
        """The line of a byte offset (as libpg_query reports them)."""
        return bisect.bisect_right(self._starts, offset) + self.first_line - 1

    def char_line(self, offset: int) -> int:
        """The line of a character offset."""
        return self.text.count("\n", 0, offset) + self.first_line

    def statement_line(self, offset: int) -> int:
        """Line of the first token at or after byte ``offset`` (space and comments skipped)."""
        data: Any = self.data
        text = isinstance(data, str)
        newline, dash, open_, close = (
            ("\n", "--", "/*", "*/") if text else (b"\n", b"--", b"/*", b"*/")
        )
        size = len(data)
        while offset < size:
            if data[offset : offset + 1].isspace():
                offset += 1
            elif data.startswith(dash, offset):
                end = data.find(newline, offset)
                offset = size if end < 0 else end + 1
            elif data.startswith(open_, offset):
                end = data.find(close, offset + 2)
                offset = size if end < 0 else end + 2
            else:
                break
        return self.line(min(offset, max(size - 1, 0)))

    def sql(self, start: int, length: int) -> str:
        """The text of a statement from its byte offset and length (0: to the end)."""
        end = len(self.data) if length <= 0 else start + length
        piece = self.data[start:end]
        return piece.decode("utf-8") if isinstance(piece, bytes) else piece


@dataclass(frozen=True, slots=True)
class Statement:
    """One parsed statement: its kind and body as libpg_query's JSON, its own text and the
    Lines of the text it was parsed from. ``kind`` is None when it did not parse."""

    line: int
    kind: str | None
    body: Any
    sql: str = ""
    lines: Lines | None = None
    error: str | None = None


def unwrap(node: Any) -> tuple[str, Any]:
    """A JSON node ``{"Kind": {...}}`` as (kind, body)."""
    ((kind, body),) = node.items()
    return kind, body


def strings(items: Iterable[Any]) -> list[str]:
    """The values of a JSON list of ``String`` nodes."""
    return [item.get("String", {}).get("sval", "") for item in items]


def parse_postgres(text: str) -> list[Statement]:
    """Statements of a PostgreSQL script, each with its line; a statement that does not parse
    is returned with its error, and the others are still parsed."""
    from pglast.parser import ParseError

    try:
        return parse_unit(text, 1)
    except (ParseError, RecursionError):
        pass
    result: list[Statement] = []
    for start, end in _chunks(text):
        first_line = text.count("\n", 0, start) + 1
        try:
            result.extend(parse_unit(text[start:end], first_line))
        except ParseError as exc:
            offset = exc.args[1] if len(exc.args) > 1 else 0
            line = Lines(text[start:end], first_line).char_line(offset)
            result.append(Statement(line, None, None, error=str(exc.args[0])))
        except RecursionError:
            line = Lines(text[start:end], first_line).char_line(0)
            message = "the statement nests too deeply to be read; simplify the expression"
            result.append(Statement(line, None, None, error=message))
    return result


def parse_unit(text: str, first_line: int) -> list[Statement]:
    """Statements of ``text``, which starts at ``first_line``; raises pglast's ParseError."""
    import json

    from pglast.parser import parse_sql_json

    lines = Lines(text, first_line)
    statements = []
    for raw in json.loads(parse_sql_json(text)).get("stmts", ()):
        start = raw.get("stmt_location", 0)
        kind, body = unwrap(raw["stmt"])
        sql = lines.sql(start, raw.get("stmt_len", 0))
        statements.append(Statement(lines.statement_line(start), kind, body, sql, lines))
    return statements


def _chunks(text: str) -> Iterator[tuple[int, int]]:
    """Character ranges of the statements of ``text``, split at `;` tokens of the scanner."""
    from pglast.parser import ParseError, scan

    try:
        tokens = scan(text)
    except ParseError:
        yield 0, len(text)
        return
    start = 0
    for token in tokens:
        if token.name == "ASCII_59":
            yield start, token.end + 1
            start = token.end + 1
    if text[start:].strip():
        yield start, len(text)


def parse_policy_clause(clause: str) -> tuple[str, Any]:
    """The statement text and JSON body of ``CREATE POLICY .. ON .. <clause>`` (the clause of
    a documented policy); raises pglast's ParseError when it is not exactly one policy."""
    from pglast.parser import ParseError

    sql = f"CREATE POLICY doclint ON doclint {clause}"
    statements = parse_unit(sql, 1)
    if len(statements) != 1 or statements[0].kind != "CreatePolicyStmt":
        raise ParseError("not one policy clause", 0)
    return statements[0].sql, statements[0].body
