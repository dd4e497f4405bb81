"""``--fix`` (SPEC §5.5): stubs for what the sources say and the docs lack.

A rule that can derive the missing text attaches a :class:`~doclint.diagnostics.Fix` to its
Finding: whole lines to insert after a line of a document. The builders below produce those
stubs in the style the document already uses (a row of its existing table, or a heading
section like its siblings), with the facts from the source and ``TODO: describe`` for prose.
:func:`apply` inserts them: it never deletes or rewrites a line, skips a stub whose text is
already there (so a second run changes nothing), and refuses files that resolve outside the
repository.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from doclint.diagnostics import Diagnostic, Fix
from doclint.sources.files import is_inside
from doclint.text import column_role, heading_key

if TYPE_CHECKING:
    from doclint.engine import Report
    from doclint.sources.markdown import Document, Section, Table

TODO = "TODO: describe"
_PROSE = frozenset({"description", "meaning", "message", "purpose", "notes", "summary"})
_METHOD_PATH = re.compile(r"^(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|TRACE)\s+/", re.IGNORECASE)


# -- building stubs ----------------------------------------------------------------------------


def cell(value: object) -> str:
    """A value as a table cell: pipes escaped, line breaks folded."""
    text = "" if value is None else str(value)
    return " ".join(text.split()).replace("|", "\\|")


def code(value: str) -> str:
    """An identifier in backticks, as the conventions allow everywhere."""
    return f"`{value}`"


def _lookup(header: str, values: Mapping[str, object]) -> str:
    key = heading_key(header)
    if key in values:
        return cell(values[key])
    role = column_role(header)
    if role is not None and role in values:
        return cell(values[role])
    if key in _PROSE or role == "description":
        return TODO
    return ""


def _ticked(table: Table, index: int) -> bool | None:
    """Whether the column's cells are written in backticks (None: no cell says)."""
    raws = [r.raw[index].strip() for r in table.rows if index < len(r.raw) and r.raw[index].strip()]
    if not raws:
        return None
    return sum(raw.startswith("`") for raw in raws) * 2 >= len(raws)


def _none_mark(table: Table, index: int, header: str) -> str:
    """The mark the column uses for "none" (``-``), if it uses one; never for yes/no columns."""
    if column_role(header) in ("nullable", "required", "optional"):
        return ""
    marks = {r.raw[index].strip() for r in table.rows if index < len(r.raw)}
    return next((m for m in ("-", "—", "–") if m in marks), "")


def _styled(value: str, ticked: bool | None) -> str:
    if not value or value == TODO or ticked is None:
        return value
    bare = value[1:-1] if len(value) > 1 and value[0] == value[-1] == "`" else value
    return f"`{bare}`" if ticked and "`" not in bare else bare


def table_row(table: Table, values: Mapping[str, object]) -> str:
    """A row for ``table``: each header's value from ``values`` (by header name, then role),
    in backticks when the column's cells are; prose columns get ``TODO: describe``, others
    stay empty ("not stated")."""
    cells = [
        _styled(_lookup(h, values), _ticked(table, i)) or _none_mark(table, i, h)
        for i, h in enumerate(table.headers)
    ]
    return "| " + " | ".join(cells) + " |"


def new_table(
    headers: Sequence[str],
    rows: Iterable[Mapping[str, object]],
    document: Document | None = None,
) -> list[str]:
    """A markdown table with ``headers``, one row per mapping (looked up like table_row).
    When ``document`` already has a table with these columns, the new one copies its
    headers and the way its cells are written (backticks)."""
    template = None
    if document is not None:
        keys = [heading_key(h) for h in headers]
        for table in document.tables:
            if all(table.has(column_role(h) or key) for h, key in zip(headers, keys, strict=True)):
                template = table
    if template is not None:
        shown = template.headers
        lines = ["| " + " | ".join(shown) + " |", "|" + "|".join("---" for _ in shown) + "|"]
        return lines + [table_row(template, values) for values in rows]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for values in rows:
        lines.append("| " + " | ".join(_lookup(h, values) for h in headers) + " |")
    return lines


def _padded(document: Document, after: int, lines: list[str]) -> str:
    """``lines`` with a blank line before/after when the neighbours are not blank."""
    before = document.lines[after - 1] if 0 < after <= len(document.lines) else ""
    following = document.lines[after] if after < document.line_count else ""
    block = list(lines)
    if before.strip():
        block.insert(0, "")
    if following.strip():
        block.append("")
    return "\n".join(block)


def append_row(document: Document, table: Table, values: Mapping[str, object], what: str) -> Fix:
    """Add a row to an existing table, after its last row."""
    return Fix(document.display, table.end_line, table_row(table, values), f"add {what}")


def last_content_line(document: Document, first: int, last: int) -> int:
    """The last non-blank line in ``first..last`` (``first`` if all are blank)."""
    for number in range(min(last, document.line_count), first, -1):
        if document.lines[number - 1].strip():
            return number
    return first


def append_block(
    document: Document, lines: list[str], what: str, within: Section | None = None
) -> Fix:
    """Add lines at the end of a section (after its last content) or of the document."""
    if within is not None:
        after = last_content_line(document, within.line, within.end_line)
    else:
        after = last_content_line(document, 0, document.line_count)
    return Fix(document.display, after, _padded(document, after, lines), f"add {what}")


def sibling_level(document: Document, matches: Iterable[int], default: int = 2) -> int:
    """The heading level used by the headings at the given lines, else ``default``."""
    wanted = set(matches)
    for heading in document.headings:
        if heading.line in wanted:
            return heading.level
    return default


def default_level(document: Document) -> int:
    """The level below the document's title (2 when it has only a title)."""
    levels = [h.level for h in document.headings if h.level > 1]
    return min(levels) if levels else 2


def add_section(
    document: Document,
    heading: str,
    body: list[str],
    what: str,
    level: int | None = None,
    within: Section | None = None,
) -> Fix:
    """Add a heading section (``heading`` text, then ``body``) at the end of ``within`` or of
    the document."""
    if level is None:
        level = within.heading.level + 1 if within is not None else default_level(document)
    lines = [f"{'#' * min(level, 6)} {heading}", "", TODO]
    if body:
        lines += ["", *body]
    return append_block(document, lines, what, within)


def find_table(document: Document, *names: str, within: Section | None = None) -> Table | None:
    """The last table having every column in ``names`` (roles or headers), optionally only
    inside ``within``."""
    found = None
    for table in document.tables:
        if within is not None and not within.contains(table.line):
            continue
        if all(table.has(name) for name in names):
            found = table
    return found


# -- stubs per fact ----------------------------------------------------------------------------


def operation_stub(
    document: Document,
    method: str,
    path: str,
    summary: str | None = None,
    responses: Sequence[tuple[str, str | None, Sequence[str]]] = (),
    parameters: Sequence[tuple[str, str, str, bool]] = (),
    request: Sequence[tuple[str, str, bool]] = (),
) -> Fix:
    """An undocumented API operation: a row of the operations table when the document lists
    operations in a table, else a ``METHOD /path`` heading section with its parameters
    (name, in, type, required), request-body fields (name, type, required) and responses
    (status, description, error codes)."""
    subject = f"{method.upper()} {path}"
    table = find_table(document, "method", "path") or find_table(document, "endpoint")
    values: dict[str, object] = {
        "method": method.upper(),
        "path": code(path),
        "endpoint": code(subject),
        "summary": summary or TODO,
        "description": summary or TODO,
        "status": ", ".join(status for status, _d, _c in responses),
    }
    row = append_row(document, table, values, f"operation {subject}") if table else None
    siblings = [h for h in document.headings if _METHOD_PATH.match(h.text)]
    if row is not None and not siblings:
        return row
    heading = subject + (f" — {summary}" if summary else "")
    body: list[str] = []
    if parameters:
        body += ["**Parameters**", ""]
        body += new_table(
            ("Name", "In", "Type", "Required", "Description"),
            (
                {"name": code(n), "in": where, "type": t, "required": "yes" if r else "no"}
                for n, where, t, r in parameters
            ),
            document,
        )
        body += [""]
    if request:
        body += ["**Request**", ""]
        body += new_table(
            ("Field", "Type", "Required", "Description"),
            (
                {"field": code(n), "type": t, "required": "yes" if r else "no"}
                for n, t, r in request
            ),
        )
        body += [""]
    if responses:
        body += ["**Responses**", ""]
        with_codes = any(codes for _s, _d, codes in responses)
        headers = ["Status", "Description", *(["Error codes"] if with_codes else [])]
        body += new_table(
            headers,
            (
                {"status": status, "description": text or TODO, "error codes": ", ".join(codes)}
                for status, text, codes in responses
            ),
            document,
        )
    while body and not body[-1]:
        body.pop()
    if siblings:  # after the last documented operation, as its sibling
        last = next(s for s in document.sections if s.line == siblings[-1].line)
        lines = [f"{'#' * last.heading.level} {heading}", "", TODO, *([""] if body else []), *body]
        section = append_block(document, lines, f"operation {subject}", last)
    else:
        section = add_section(document, heading, body, f"operation {subject}")
    if row is not None:  # the document lists operations in a table and details them below
        return dataclasses.replace(row, more=(section,))
    return section


@dataclass(frozen=True, slots=True)
class ColumnFacts:
    name: str
    type: str
    nullable: bool
    default: str | None = None


@dataclass(frozen=True, slots=True)
class PolicyFacts:
    name: str
    command: str = "ALL"
    roles: tuple[str, ...] = ("public",)
    using: str | None = None
    with_check: str | None = None
    permissive: bool = True

    def sentence(self) -> str:
        kind = "" if self.permissive else " AS RESTRICTIVE"
        text = f"{code(self.name)} —{kind} FOR {self.command.upper()} TO {', '.join(self.roles)}"
        if self.using:
            text += f" USING ({self.using})"
        if self.with_check:
            text += f" WITH CHECK ({self.with_check})"
        return text


_COLUMN_HEADERS = ("Column", "Type", "Nullable", "Default", "Description")


def _column_values(column: ColumnFacts) -> dict[str, object]:
    return {
        "column": code(column.name),
        "type": column.type,
        "nullable": "yes" if column.nullable else "no",
        "required": "no" if column.nullable else "yes",
        "optional": "yes" if column.nullable else "no",
        "default": code(column.default) if column.default else "",
    }


def column_stub(document: Document, table: Table, table_name: str, column: ColumnFacts) -> Fix:
    """An undocumented column: a row of the table's columns table."""
    return append_row(document, table, _column_values(column), f"column {table_name}.{column.name}")


def policy_stub(document: Document, section: Section, table_name: str, policy: PolicyFacts) -> Fix:
    """An undocumented policy: a row of the section's policies table, else a list item."""
    what = f"policy {table_name}.{policy.name}"
    table = find_table(document, "policy", within=section)
    if table is not None:
        shown = code(policy.name) + ("" if policy.permissive else " (restrictive)")
        values = {
            "policy": shown,
            "command": policy.command.upper(),
            "roles": ", ".join(policy.roles),
            "using": policy.using or "",
            "with check": policy.with_check or "",
        }
        return append_row(document, table, values, what)
    items = [i for i in document.within(section, document.list_items) if i.depth == 1]
    if items and "`" in document.lines[items[-1].line - 1]:
        last = items[-1]
        after = last_content_line(document, last.line, last.end_line)
        return Fix(document.display, after, f"- {policy.sentence()}", f"add {what}")
    return append_block(document, [f"- {policy.sentence()}"], what, section)


def table_stub(
    document: Document,
    table_name: str,
    columns: Sequence[ColumnFacts],
    rls: tuple[bool, bool] | None = None,
    policies: Sequence[PolicyFacts] = (),
) -> Fix:
    """An undocumented database table: a heading section like the document's other tables
    (``Table `name``` or plain), its columns table with the headers the document already
    uses, the RLS line and the policies."""
    existing = [t for t in document.tables if t.has("column", "type")]
    headers = existing[-1].headers if existing else _COLUMN_HEADERS
    prefixed = [h for h in document.headings if h.text.lower().startswith("table ")]
    plain = [h for h in document.headings if re.fullmatch(r"[a-z_][\w.]*", h.text)]
    heading = f"Table {code(table_name)}" if prefixed or not plain else code(table_name)
    siblings = sorted(h.line for h in prefixed + plain)
    last = next((s for s in document.sections if siblings and s.line == siblings[-1]), None)
    body = new_table(headers, (_column_values(c) for c in columns), document)
    if rls is not None:
        enabled, forced = rls
        state = "enabled, forced" if enabled and forced else "enabled" if enabled else "disabled"
        body += ["", f"RLS: {state}"]
    if policies:
        body += ["", *(f"- {p.sentence()}" for p in policies)]
    if last is not None:  # after the last documented table, as its sibling
        lines = [f"{'#' * last.heading.level} {heading}", "", TODO, "", *body]
        return append_block(document, lines, f"table {table_name}", last)
    return add_section(document, heading, body, f"table {table_name}")


def error_code_stub(
    document: Document, error_code: str, status: str | int | None, table: Table | None = None
) -> Fix:
    """An undocumented error code: a row of the codes table (a new table if there is none)."""
    values: dict[str, object] = {
        "code": code(error_code),
        "status": status or "",
        "http": status or "",
        "http status": status or "",
    }
    table = table or find_table(document, "code")
    if table is not None:
        return append_row(document, table, values, f"error code {error_code}")
    lines = new_table(("Code", "HTTP", "Message", "Retryable"), [values])
    return append_block(document, lines, f"error code {error_code}")


def failure_mode_stub(document: Document, error_code: str) -> Fix:
    """A code without a failure mode: a row of the table with a Response column, else a
    heading naming the code with a "Response" sub-heading, like the document's others."""
    values = {"code": code(error_code), "response": TODO}
    table = find_table(document, "code", "response")
    if table is not None:
        return append_row(document, table, values, f"failure mode of {error_code}")
    named = [
        h for h in document.headings if re.fullmatch(r"[A-Z][A-Z0-9]*([_-][A-Z0-9]+)+", h.text)
    ]
    level = sibling_level(document, (h.line for h in named), 0) or default_level(document)
    body = [f"{'#' * min(level + 1, 6)} Response", "", TODO]
    return add_section(document, code(error_code), body, f"failure mode of {error_code}", level)


def event_stub(
    document: Document,
    name: str,
    fields: Sequence[tuple[str, str, bool]] = (),
    within: Section | None = None,
) -> Fix:
    """An undocumented event: a heading with its full name, like the document's other events,
    and a fields table (field, type, required)."""
    named = [h for h in document.headings if re.fullmatch(r"[\w-]+(\.[\w-]+)+", h.text)]
    level = sibling_level(document, (h.line for h in named), 0)
    body = new_table(
        ("Field", "Type", "Required", "Description"),
        ({"field": code(f), "type": t, "required": "yes" if r else "no"} for f, t, r in fields),
        document,
    )
    return add_section(document, code(name), body, f"event {name}", level or None, within)


def metric_stub(
    document: Document,
    name: str,
    instrument: str,
    unit: str | None = None,
    attributes: Sequence[str] = (),
    within: Section | None = None,
    table: Table | None = None,
) -> Fix:
    """An undocumented metric: a row of the metrics table (a new table in the Metrics section
    when there is none)."""
    values: dict[str, object] = {
        "metric": code(name),
        "name": code(name),
        "column": code(name),
        "type": instrument,
        "instrument": instrument,
        "unit": unit or "",
        "attributes": ", ".join(code(a) for a in attributes),
        "labels": ", ".join(code(a) for a in attributes),
    }
    table = table or find_table(document, "type", "unit") or find_table(document, "instrument")
    if table is not None:
        return append_row(document, table, values, f"metric {name}")
    lines = new_table(("Metric", "Type", "Unit", "Attributes", "Description"), [values])
    return append_block(document, lines, f"metric {name}", within)


# -- applying ----------------------------------------------------------------------------------


@dataclass(slots=True)
class FixResult:
    """What ``apply`` did: the diff, files changed, stubs added, and files it refused."""

    diff: str = ""
    changed: list[str] = field(default_factory=list)
    applied: int = 0
    refused: list[str] = field(default_factory=list)

    def describe(self) -> str:
        stubs = f"{self.applied} stub{'' if self.applied == 1 else 's'}"
        files = f"{len(self.changed)} file{'' if len(self.changed) == 1 else 's'}"
        text = f"Added {stubs} in {files}."
        for path in self.refused:
            text += f"\nNot fixed: {path} resolves outside the repository."
        return text


def _repo_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def _has_block(lines: list[str], block: list[str]) -> bool:
    core = [line for line in block if line.strip()]
    if not core:
        return True
    width = len(core)
    stripped = [line.rstrip() for line in lines]
    wanted = [line.rstrip() for line in core]
    if width == 1:
        return wanted[0] in stripped
    compact = [line for line in stripped if line.strip()]
    return any(compact[i : i + width] == wanted for i in range(len(compact) - width + 1))


def plan(diagnostics: Iterable[Diagnostic]) -> dict[tuple[str, str], list[Fix]]:
    """The fixes of ``diagnostics`` per (service, path), each once, in report order."""
    grouped: dict[tuple[str, str], list[Fix]] = {}
    for d in diagnostics:
        if isinstance(d.fix, Fix):
            for part in (dataclasses.replace(d.fix, more=()), *d.fix.more):
                bucket = grouped.setdefault((d.service, part.path), [])
                if part not in bucket:
                    bucket.append(part)
    return grouped


def edit(original: str, fixes: Sequence[Fix]) -> tuple[str, int]:
    """``original`` with the fixes' lines inserted; stubs already present are skipped."""
    lines = original.split("\n")
    trailing = bool(lines) and lines[-1] == ""
    if trailing:
        lines.pop()
    inserts: dict[int, list[str]] = {}
    applied = 0
    for fix in fixes:
        block = fix.text.split("\n")
        if _has_block(lines, block) or _has_block(
            [x for group in inserts.values() for x in group], block
        ):
            continue
        after = min(max(fix.after, 0), len(lines))
        inserts.setdefault(after, []).extend(block)
        applied += 1
    result: list[str] = []
    for number in range(len(lines) + 1):
        if number > 0:
            result.append(lines[number - 1])
        result.extend(inserts.get(number, ()))
    text = "\n".join(result)
    if trailing or (not original and result):
        text += "\n"
    return text, applied


def apply(report: Report, cwd: Path, write: bool = True) -> FixResult:
    """Insert every fix of the report; with ``write=False`` only compute the diff."""
    result = FixResult()
    diffs: list[str] = []
    for (service, shown), fixes in sorted(plan(report.diagnostics).items()):
        target = cwd / shown
        repo = _repo_root((cwd / service).resolve())
        parent_ok = target.parent.is_dir() and is_inside(target.parent, repo)
        leaves = (target.exists() or target.is_symlink()) and not is_inside(target, repo)
        if not parent_ok or leaves:
            result.refused.append(shown)
            continue
        raw = target.read_bytes() if target.is_file() else b""
        try:
            decoded = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            result.refused.append(shown)
            continue
        crlf = "\r\n" in decoded
        original = decoded.replace("\r\n", "\n")
        updated, applied = edit(original, fixes)
        if applied == 0 or updated == original:
            continue
        result.applied += applied
        result.changed.append(shown)
        diffs.extend(
            difflib.unified_diff(
                original.splitlines(keepends=True),
                updated.splitlines(keepends=True),
                f"a/{shown}",
                f"b/{shown}",
            )
        )
        if write:
            data = updated.replace("\n", "\r\n") if crlf else updated
            prefix = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
            target.write_bytes(prefix + data.encode("utf-8"))
    result.diff = "".join(diffs)
    return result
