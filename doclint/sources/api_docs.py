"""The API side of the docs (SPEC §4.2): operations API_CONTRACTS.md documents, as `METHOD
/path` headings or table rows, and the parameters, request-body and responses tables of each
operation's section."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from doclint.diagnostics import Location
from doclint.sources.markdown import Document, Row, Section, Table
from doclint.sources.openapi_model import shape_of
from doclint.text import heading_key, ident, yes_no

if TYPE_CHECKING:
    from doclint.project import Project

DOC = "API_CONTRACTS.md"
_OPERATION = re.compile(r"^(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|TRACE)\s+(/\S*)", re.IGNORECASE)
_CODES_HEADERS = ("error codes", "error code", "errors", "codes")
_CODE_SEPARATORS = re.compile(r"[,\s/;]+")
_NO_CODE = frozenset({"", "-", "—", "–", "none"})


@dataclass(frozen=True, slots=True)
class DocOperation:
    method: str
    path: str
    line: int
    text: str
    section: Section | None = None

    @property
    def shape(self) -> str:
        return shape_of(self.path)

    @property
    def deprecated(self) -> bool:
        return "deprecated" in self.text.lower()


@dataclass(slots=True)
class ApiDoc:
    document: Document
    operations: list[DocOperation] = field(default_factory=list)


def _parse_operation(text: str) -> tuple[str, str] | None:
    match = _OPERATION.match(ident(text))
    if match is None:
        return None
    path = match.group(2).rstrip(".,;:")
    return match.group(1).upper(), path


def api_doc(project: Project) -> ApiDoc | None:
    """The operations API_CONTRACTS.md documents, headings first, then table rows."""

    def load() -> ApiDoc | None:
        document = project.doc(DOC)
        if document is None:
            return None
        result = ApiDoc(document)
        seen: set[tuple[str, str]] = set()
        for section in document.sections:
            parsed = _parse_operation(section.heading.text)
            if parsed is not None and parsed not in seen:
                seen.add(parsed)
                result.operations.append(
                    DocOperation(*parsed, section.heading.line, section.heading.text, section)
                )
        for table in document.tables:
            for row in table.rows:
                parsed = _row_operation(table, row)
                if parsed is not None and parsed not in seen:
                    seen.add(parsed)
                    result.operations.append(DocOperation(*parsed, row.line, " ".join(row.cells)))
        return result

    return project.cached("api-doc", load)


def _row_operation(table: Table, row: Row) -> tuple[str, str] | None:
    if table.has("method") and table.has("path"):
        method = ident(table.cell(row, "method") or "").upper()
        path = ident(table.cell(row, "path") or "")
        if method and path.startswith("/"):
            return method, path
        return None
    if table.has("endpoint"):
        return _parse_operation(table.cell(row, "endpoint") or "")
    return None


@dataclass(frozen=True, slots=True)
class DocItem:
    """A row of a parameters, request-body or responses table."""

    name: str
    line: int
    where: str = ""
    required: bool | None = None
    type: str = ""
    codes: tuple[str, ...] | None = None


@dataclass(slots=True)
class Details:
    """The tables of one operation's section; a None table is not there at all."""

    anchor: Location
    parameters: list[DocItem] | None = None
    parameters_end: int = 0
    fields: list[DocItem] | None = None
    fields_end: int = 0
    responses: list[DocItem] | None = None
    responses_end: int = 0


def _required(table: Table, row: Row) -> bool | None:
    if table.has("required"):
        return yes_no(table.cell(row, "required") or "")
    if table.has("optional"):
        value = yes_no(table.cell(row, "optional") or "")
        return None if value is None else not value
    return None


def _is_request_table(document: Document, section: Section, table: Table) -> bool:
    inner = document.section_at(table.line)
    if inner is not None and inner.heading.line != section.heading.line:
        return "request" in inner.heading.text.lower()
    for number in range(table.line - 1, section.heading.line, -1):
        text = document.lines[number - 1].strip()
        if text:
            return "request" in text.lower() and text.startswith(("**", "__", "*", "_"))
    return False


def details(document: Document, section: Section) -> Details:
    """The parameters, request-body and responses tables of an operation's section."""
    found = Details(Location(document.display, section.heading.line))
    for table in document.within(section, document.tables):
        names = [heading_key(h) for h in table.headers]
        if table.has("in"):
            found.parameters = (found.parameters or []) + [
                DocItem(
                    ident(table.cell(row, "column") or ""),
                    row.line,
                    where=ident(table.cell(row, "in") or "").lower(),
                    required=_required(table, row),
                    type=table.cell(row, "type") or "",
                )
                for row in table.rows
            ]
            found.parameters_end = table.end_line
        elif table.has("status"):
            codes_at = next((names.index(h) for h in _CODES_HEADERS if h in names), None)
            found.responses = (found.responses or []) + [
                DocItem(
                    _status(table.cell(row, "status") or ""),
                    row.line,
                    codes=_codes(row.cells[codes_at] if codes_at < len(row.cells) else "")
                    if codes_at is not None
                    else None,
                )
                for row in table.rows
            ]
            found.responses_end = table.end_line
        elif table.has("column") and _is_request_table(document, section, table):
            found.fields = (found.fields or []) + [
                DocItem(
                    ident(table.cell(row, "column") or ""),
                    row.line,
                    required=_required(table, row),
                    type=table.cell(row, "type") or "",
                )
                for row in table.rows
            ]
            found.fields_end = table.end_line
    # a row without a name states nothing (a spacer or an unfinished row)
    if found.parameters is not None:
        found.parameters = [item for item in found.parameters if item.name]
    if found.fields is not None:
        found.fields = [item for item in found.fields if item.name]
    if found.responses is not None:
        found.responses = [item for item in found.responses if item.name]
    return found


def _status(cell: str) -> str:
    text = ident(cell)
    return text.split()[0].upper() if text.split() else ""


def _codes(cell: str) -> tuple[str, ...]:
    parts = (ident(p) for p in _CODE_SEPARATORS.split(cell))
    return tuple(p for p in parts if p.lower() not in _NO_CODE)
