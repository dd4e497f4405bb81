"""The error catalog (ERROR_CODES.md), its failure modes (FAILURE_MODES.md) and runbooks, as a
model with locations (SPEC §4.4), plus the error codes the OpenAPI document declares."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from doclint.diagnostics import Location
from doclint.sources.markdown import Document, Heading, Section, Table
from doclint.text import heading_key, ident, strip_markup, yes_no

if TYPE_CHECKING:
    from doclint.project import Project

ERROR_CODES = "ERROR_CODES.md"
FAILURE_MODES = "FAILURE_MODES.md"
RUNBOOK_DOCUMENTS = ("RUNBOOKS.md", "runbooks.md", "Runbooks.md")

_CODE_HEADERS = ("code", "error code", "error", "codes", "error codes")
_STATUS_HEADERS = ("http", "http status", "status", "http code", "status code")
_MESSAGE_HEADERS = ("message", "meaning", "description")
_RETRY_HEADERS = ("retryable", "retriable", "retry")
_RESPONSE_HEADERS = ("response", "responses")
_EMPTY_CELLS = frozenset({"", "-", "—", "–"})
_STATUS = re.compile(r"\b(\d{3}|[1-5]XX)\b", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9]|[A-Za-z0-9]")
_LIST_SPLIT = re.compile(r"\s*(?:,|/|<br\s*/?>|;)\s*|\s+")
_LABEL = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?([A-Za-z][A-Za-z ]*?)(?:\*\*|__)?\s*:")


@dataclass(frozen=True, slots=True)
class ErrorCode:
    """One row of ERROR_CODES.md. ``status`` is the HTTP status as written (``"402"``)."""

    code: str
    status: str | None
    message: str
    retryable: bool | None
    location: Location
    valid: bool

    @property
    def line(self) -> int:
        return self.location.line


@dataclass(frozen=True, slots=True)
class ErrorCatalog:
    """The codes of ERROR_CODES.md, in document order (duplicates included)."""

    document: Document
    codes: tuple[ErrorCode, ...]
    tables: tuple[Table, ...]
    pattern: str
    #: Line of codes written some other way than a codes table (a table without an HTTP
    #: column, a list or headings of codes): the catalog cannot be read.
    unreadable_line: int | None = None
    by_code: dict[str, ErrorCode] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        found: dict[str, ErrorCode] = {}
        for entry in self.codes:
            if entry.code:
                found.setdefault(entry.code, entry)
        # the first row of each code
        object.__setattr__(self, "by_code", found)

    @property
    def add_location(self) -> Location:
        """Where a missing code's row belongs: the last row of the last codes table."""
        line = self.tables[-1].end_line if self.tables else self.document.line_count
        return Location(self.document.display, max(line, 1))


@dataclass(frozen=True, slots=True)
class FailureMode:
    """A code's entry in FAILURE_MODES.md: a table row or a heading section."""

    code: str
    response: str
    location: Location
    response_location: Location
    style: str  # "table" or "heading"
    has_response_part: bool = True

    @property
    def responded(self) -> bool:
        return strip_markup(self.response) not in _EMPTY_CELLS


@dataclass(frozen=True, slots=True)
class FailureModes:
    document: Document
    entries: tuple[FailureMode, ...]
    add_location: Location
    by_code: dict[str, FailureMode] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        found: dict[str, FailureMode] = {}
        for entry in self.entries:
            found.setdefault(entry.code, entry)
        object.__setattr__(self, "by_code", found)


@dataclass(frozen=True, slots=True)
class RunbookPart:
    """A required runbook section as found: its heading and whether it holds content."""

    name: str
    line: int
    has_content: bool


@dataclass(frozen=True, slots=True)
class Runbook:
    """A runbook: a file per code, or a code's section of one runbooks document."""

    code: str
    document: Document
    location: Location
    end_line: int
    style: str  # "file" or "section"
    parts: tuple[RunbookPart | None, ...]


@dataclass(frozen=True, slots=True)
class Runbooks:
    entries: tuple[Runbook, ...]
    folder: Path
    pattern: str
    single: Document | None
    _by_code: dict[str, Runbook] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        found: dict[str, Runbook] = {}
        for entry in self.entries:
            found.setdefault(entry.code, entry)
        object.__setattr__(self, "_by_code", found)

    def file_for(self, code: str) -> Path:
        """Where the runbook file of ``code`` belongs."""
        return self.folder / self.pattern.replace("{code}", code)

    def find(self, code: str) -> Runbook | None:
        """The runbook of ``code`` (file names are matched in any case while loading)."""
        return self._by_code.get(code)


@dataclass(frozen=True, slots=True)
class Declaration:
    """An error code that an OpenAPI response declares."""

    code: str
    status: str
    operation: str
    location: Location


@dataclass(frozen=True, slots=True)
class ErrorsModel:
    """Everything the DL4xx rules compare; a part is None when its document is missing."""

    catalog: ErrorCatalog | None
    failure_modes: FailureModes | None
    runbooks: Runbooks
    required_sections: tuple[str, ...]


def errors(project: Project) -> ErrorsModel:
    """The error catalog, failure modes and runbooks of ``project`` (parsed once)."""
    return project.cached("errors", lambda: _load(project))


def _load(project: Project) -> ErrorsModel:
    from doclint.packs import default_pack, load_pack

    pattern = project.config.errors_code_pattern
    catalog = parse_catalog(project.doc(ERROR_CODES), pattern)
    known = set(catalog.by_code) if catalog else set()
    failure_modes = parse_failure_modes(project.doc(FAILURE_MODES), pattern, known)
    extra = [load_pack(project.root / p, p) for p in project.config.rule_packs]
    sections = tuple(
        dict.fromkeys(name for pack in (default_pack(), *extra) for name in pack.runbook_sections)
    )
    runbooks = load_runbooks(project, pattern, known, sections)
    return ErrorsModel(catalog, failure_modes, runbooks, sections)


def code_matches(code: str, pattern: str) -> bool:
    """Whether ``code`` matches the configured code pattern as a whole."""
    return re.fullmatch(pattern, code) is not None


def _column(table: Table, names: Iterable[str]) -> int | None:
    keys = [heading_key(header) for header in table.headers]
    for name in names:
        if name in keys:
            return keys.index(name)
    return None


def _cell(cells: tuple[str, ...], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def parse_catalog(document: Document | None, pattern: str) -> ErrorCatalog | None:
    """Codes from every table of ``document`` with a Code and an HTTP/Status column."""
    if document is None:
        return None
    codes: list[ErrorCode] = []
    tables: list[Table] = []
    for table in document.tables:
        code_col = _column(table, _CODE_HEADERS)
        status_col = _column(table, _STATUS_HEADERS)
        if code_col is None or status_col is None or code_col == status_col:
            continue
        tables.append(table)
        message_col = _column(table, _MESSAGE_HEADERS)
        retry_col = _column(table, _RETRY_HEADERS)
        for row in table.rows:
            code = ident(_cell(row.cells, code_col))
            status_text = strip_markup(_cell(row.cells, status_col))
            match = _STATUS.search(status_text)
            retry = _cell(row.cells, retry_col)
            codes.append(
                ErrorCode(
                    code=code,
                    status=match.group(1).upper() if match else None,
                    message=_cell(row.cells, message_col),
                    retryable=_retryable(retry),
                    location=Location(document.display, row.line),
                    valid=bool(code) and code_matches(code, pattern),
                )
            )
    unreadable = None if tables else _codes_outside_a_table(document, pattern)
    return ErrorCatalog(document, tuple(codes), tuple(tables), pattern, unreadable)


def _codes_outside_a_table(document: Document, pattern: str) -> int | None:
    """Line of the first sign of codes the catalog table does not hold."""
    for table in document.tables:
        if _column(table, _CODE_HEADERS) is not None:
            return table.line
    candidates = [(item.line, item.text) for item in document.list_items]
    candidates += [(h.line, h.text) for h in document.headings if h.level > 1]
    for line, text in sorted(candidates):
        tokens = _TOKEN.findall(strip_markup(text))
        if tokens and code_matches(tokens[0], pattern):
            return line
    return None


def _retryable(cell: str) -> bool | None:
    """A Retryable cell: `yes`, or a sentence starting with yes/no (`yes, after Retry-After`)."""
    stated = yes_no(cell)
    if stated is None and cell.split():
        stated = yes_no(cell.split()[0].rstrip(",;:."))
    return stated


def heading_codes(heading: Heading, pattern: str, known: set[str]) -> list[str]:
    """Codes a heading names: any known code in it, or a leading word shaped like a code.
    A document's title (`# FAILURE_MODES`) names no code."""
    if heading.level == 1:
        return []
    tokens = _TOKEN.findall(strip_markup(heading.text))
    found = [token for token in tokens if token in known]
    if not found and tokens and code_matches(tokens[0], pattern):
        found = [tokens[0]]
    return list(dict.fromkeys(found))


def _cell_codes(cell: str, pattern: str, known: set[str]) -> list[str]:
    """Codes of a Code cell: one or several (``A, B``); words around them are not codes."""
    words = [ident(part) for part in _LIST_SPLIT.split(strip_markup(cell)) if ident(part)]
    codes = [word for word in words if word in known or code_matches(word, pattern)]
    return codes or words[:1]


def parse_failure_modes(
    document: Document | None, pattern: str, known: set[str]
) -> FailureModes | None:
    """Entries of FAILURE_MODES.md from Code/Response tables and from per-code headings."""
    if document is None:
        return None
    entries: list[FailureMode] = []
    add_line = document.line_count
    for table in document.tables:
        code_col = _column(table, _CODE_HEADERS)
        response_col = _column(table, _RESPONSE_HEADERS)
        if code_col is None or response_col is None:
            continue
        add_line = table.end_line
        for row in table.rows:
            where = Location(document.display, row.line)
            response = _cell(row.cells, response_col)
            for code in _cell_codes(_cell(row.cells, code_col), pattern, known):
                entries.append(FailureMode(code, response, where, where, "table"))
    for index, section in enumerate(document.sections):
        codes = heading_codes(section.heading, pattern, known)
        if not codes:
            continue
        response, line, found = _response_part(document, section, _nested(document, index))
        where = Location(document.display, section.line)
        for code in codes:
            entries.append(
                FailureMode(
                    code, response, where, Location(document.display, line), "heading", found
                )
            )
    return FailureModes(document, tuple(entries), Location(document.display, max(add_line, 1)))


def _nested(document: Document, index: int) -> list[Section]:
    """The sections inside section ``index`` (they follow it in document order)."""
    section = document.sections[index]
    nested = []
    for sub in document.sections[index + 1 :]:
        if not section.contains(sub.line):
            break
        nested.append(sub)
    return nested


def _response_part(
    document: Document, section: Section, nested: list[Section]
) -> tuple[str, int, bool]:
    """(text, line, found) of the "Response" part of a code's section: a sub-heading, or a
    ``Response:`` label (bold or not, in a paragraph or a list item)."""
    for sub in nested:
        if sub.heading.key in _RESPONSE_HEADERS:
            body = _lines(document, sub.line + 1, sub.end_line)
            text = strip_markup(" ".join(body)) if document.has_content(sub) else ""
            return text, sub.line, True
    end = nested[0].line - 1 if nested else section.end_line
    for number in range(section.line + 1, end + 1):
        line = document.lines[number - 1]
        label = _LABEL.match(line)
        if label is None or heading_key(label.group(1)) not in _RESPONSE_HEADERS:
            continue
        rest = strip_markup(line[label.end() :].lstrip("*_ ").strip())
        if rest:
            return rest, number, True
        following: list[str] = []
        for later in range(number + 1, end + 1):
            text = document.lines[later - 1].strip()
            if _LABEL.match(document.lines[later - 1]) or (not text and following):
                break
            if text:
                following.append(text)
        return strip_markup(" ".join(following)), number, True
    return "", section.line, False


def _lines(document: Document, start: int, end: int) -> list[str]:
    return [
        document.lines[n - 1].strip()
        for n in range(start, min(end, len(document.lines)) + 1)
        if document.lines[n - 1].strip()
    ]


# -- runbooks ----------------------------------------------------------------------------------


def runbook_regex(pattern: str) -> re.Pattern[str]:
    """The configured file pattern (``{code}.md``) as a case-insensitive regular expression."""
    before, found, after = pattern.partition("{code}")
    if not found:  # a pattern naming no code matches no runbook
        return re.compile(r"(?!)(?P<code>)")
    return re.compile(re.escape(before) + r"(?P<code>[^/]+?)" + re.escape(after), re.IGNORECASE)


def load_runbooks(
    project: Project, pattern: str, known: set[str], sections: tuple[str, ...]
) -> Runbooks:
    """Runbook files of the runbooks folder, and per-code sections of a runbooks document."""
    configured = project.root / project.config.runbooks
    file_pattern = project.config.errors_runbook_pattern
    entries: list[Runbook] = []
    single: Document | None = None
    folder = configured
    if configured.is_file():
        single = project.markdown(configured)
        folder = configured.parent
    elif configured.is_dir():
        regex = runbook_regex(file_pattern)
        known_keys = {code.casefold(): code for code in known}
        files = configured.rglob("*") if "/" in file_pattern else configured.iterdir()
        for path in sorted(p for p in files if p.is_file()):
            rel = path.relative_to(configured).as_posix()
            match = regex.fullmatch(rel)
            if match is None:
                continue
            code = known_keys.get(match.group("code").casefold(), match.group("code"))
            if code not in known and not code_matches(code.upper(), pattern):
                continue
            document = project.markdown(path)
            if document is None:
                continue
            parts = tuple(_part(document, document.sections, name) for name in sections)
            entries.append(
                Runbook(
                    code,
                    document,
                    Location(document.display, 1),
                    document.line_count,
                    "file",
                    parts,
                )
            )
    if single is None:
        for name in RUNBOOK_DOCUMENTS:
            candidate = project.docs_dir / name
            if candidate.is_file():
                single = project.markdown(candidate)
                break
    if single is not None:
        entries.extend(_section_runbooks(single, pattern, known, sections))
    return Runbooks(tuple(entries), folder, file_pattern, single)


def _section_runbooks(
    document: Document, pattern: str, known: set[str], sections: tuple[str, ...]
) -> Iterator[Runbook]:
    for index, section in enumerate(document.sections):
        for code in heading_codes(section.heading, pattern, known):
            inside = _nested(document, index)
            parts = tuple(_part(document, inside, name) for name in sections)
            yield Runbook(
                code,
                document,
                Location(document.display, section.line),
                section.end_line,
                "section",
                parts,
            )


def _part(document: Document, candidates: Iterable[Section], name: str) -> RunbookPart | None:
    key = heading_key(name)
    for section in candidates:
        if section.heading.key == key:
            return RunbookPart(name, section.line, document.has_content(section))
    return None


# -- OpenAPI -----------------------------------------------------------------------------------


def declarations(project: Project) -> tuple[Declaration, ...] | None:
    """Every (code, response) pair the OpenAPI document declares; None without a spec."""

    def load() -> tuple[Declaration, ...] | None:
        from doclint.sources.openapi import openapi

        model = openapi(project)
        if model is None:
            return None
        found: list[Declaration] = []
        for operation in model.operations:
            name = f"{operation.method} {operation.path}"
            for response in operation.responses:
                places = tuple(response.error_code_locations)
                for index, code in enumerate(response.error_codes):
                    where = places[index] if index < len(places) else response.location
                    found.append(Declaration(code, str(response.status), name, where))
        return tuple(found)

    return project.cached("errors:openapi", load)


# -- inspect -----------------------------------------------------------------------------------


def _where(location: Location) -> dict[str, Any]:
    return {"path": location.path, "line": location.line}


def inspect_json(project: Project) -> dict[str, Any]:
    """``doclint inspect errors``: each code with where it is declared, handled, run-booked
    and declared by OpenAPI; entries for codes the catalog lacks; loading problems."""
    from doclint.inspect import problems

    model = errors(project)
    catalog = model.catalog
    modes = model.failure_modes.by_code if model.failure_modes else {}
    found = declarations(project) or ()
    codes = []
    for entry in catalog.codes if catalog else ():
        mode = modes.get(entry.code)
        runbook = model.runbooks.find(entry.code) if entry.code else None
        codes.append(
            {
                "code": entry.code,
                "status": entry.status,
                "message": entry.message,
                "retryable": entry.retryable,
                "valid": entry.valid,
                "declared": _where(entry.location),
                "handled": None
                if mode is None
                else {**_where(mode.location), "style": mode.style, "response": mode.response},
                "runbook": None
                if runbook is None
                else {
                    **_where(runbook.location),
                    "style": runbook.style,
                    "sections": {
                        name: None if part is None else part.line
                        for name, part in zip(model.required_sections, runbook.parts, strict=True)
                    },
                },
                "openapi": [
                    {"operation": d.operation, "status": d.status, **_where(d.location)}
                    for d in found
                    if d.code == entry.code
                ],
            }
        )
    known = set(catalog.by_code) if catalog else set()
    return {
        "catalog": None if catalog is None else catalog.document.display,
        "pattern": project.config.errors_code_pattern,
        "failure_modes": None
        if model.failure_modes is None
        else model.failure_modes.document.display,
        "codes": codes,
        "unknown": {
            "failure_modes": [
                {"code": m.code, **_where(m.location)}
                for m in (model.failure_modes.entries if model.failure_modes else ())
                if m.code not in known
            ],
            "runbooks": [
                {"code": r.code, **_where(r.location)}
                for r in model.runbooks.entries
                if r.code not in known
            ],
            "openapi": [
                {"code": d.code, "operation": d.operation, "status": d.status, **_where(d.location)}
                for d in found
                if d.code not in known
            ],
        },
        "problems": problems(project),
    }
