"""SERVICE_READINESS.md (SPEC §4.8): its checklist and sign-off tables, the Documentation rows
computed from the other rules' findings, and ``doclint readiness`` (render, ``--write``)."""

from __future__ import annotations

import codecs
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from doclint.diagnostics import Diagnostic, Severity
from doclint.project import Project
from doclint.sources.markdown import Document, Link, Row, Table
from doclint.text import heading_key, yes_no

READINESS = "SERVICE_READINESS.md"
_NUMBERING = re.compile(r"^\d+(?:\.\d+)*\.?\s+")
_MD_NAME = re.compile(r"(?<![\w/.-])([\w./-]+\.md)\b")


def section_key(text: str) -> str:
    """A heading's key without its numbering (``1. Documentation`` -> ``documentation``)."""
    return _NUMBERING.sub("", heading_key(text))


def _columns(table: Table) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        columns.setdefault(heading_key(header), index)
    return columns


@dataclass(frozen=True, slots=True)
class Item:
    """One row of a checklist table (Item and Status columns)."""

    section: str
    line: int
    text: str
    source: str
    status_text: str
    status: bool | None
    status_column: int
    links: tuple[Link, ...]

    @property
    def documentation(self) -> bool:
        return section_key(self.section) == "documentation"


@dataclass(frozen=True, slots=True)
class SignOff:
    """One row of the sign-off table (Role, Owner, Date)."""

    role: str
    owner: str
    date: str
    line: int


@dataclass(frozen=True, slots=True)
class Checklist:
    document: Document
    items: tuple[Item, ...]
    signoffs: tuple[SignOff, ...]
    signoff_table: Table | None


def _cell(row: Row, index: int | None) -> str:
    return row.cells[index] if index is not None and index < len(row.cells) else ""


def read_checklist(document: Document) -> Checklist:
    """The checklist items and sign-off rows of a readiness document."""
    items: list[Item] = []
    signoffs: list[SignOff] = []
    signoff_table: Table | None = None
    for table in document.tables:
        columns = _columns(table)
        if "item" in columns and "status" in columns:
            section = document.section_at(table.line)
            name = section.heading.text if section else ""
            for row in table.rows:
                status_text = _cell(row, columns["status"])
                items.append(
                    Item(
                        name,
                        row.line,
                        _cell(row, columns["item"]),
                        row.raw[columns["item"]] if columns["item"] < len(row.raw) else "",
                        status_text,
                        yes_no(status_text),
                        columns["status"],
                        tuple(link for link in document.links if link.line == row.line),
                    )
                )
        elif "role" in columns and ("owner" in columns or "date" in columns):
            signoff_table = signoff_table or table
            for row in table.rows:
                signoffs.append(
                    SignOff(
                        _cell(row, columns["role"]),
                        _cell(row, columns.get("owner")),
                        _cell(row, columns.get("date")),
                        row.line,
                    )
                )
    return Checklist(document, tuple(items), tuple(signoffs), signoff_table)


def checklist(project: Project) -> Checklist | None:
    """The service's readiness checklist, or None when it has no SERVICE_READINESS.md."""

    def load() -> Checklist | None:
        document = project.doc(READINESS)
        return read_checklist(document) if document is not None else None

    return project.cached("readiness:checklist", load)


def item_link_lines(project: Project) -> set[tuple[str, int]]:
    """(display path, line) of every checklist item row: their links are the readiness
    rules' to check."""
    found = checklist(project)
    if found is None:
        return set()
    return {(found.document.display, item.line) for item in found.items}


def item_doc(document: Document, item: Item) -> Path | None:
    """The markdown document an item is about: its first link to a `.md` file, else the first
    `NAME.md` its text names (relative to the readiness document)."""
    from doclint.checks.template import split_link

    targets = [link.target for link in item.links]
    targets += _MD_NAME.findall(item.text)
    for target in targets:
        parts = split_link(document, target)
        if parts is not None and parts[0] is not None and parts[0].suffix.lower() == ".md":
            return parts[0].resolve()
    return None


# -- evidence ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocStatus:
    """The computed status of one documentation item."""

    name: str
    path: Path
    display: str
    exists: bool
    item: Item | None
    errors: int
    warnings: int
    infos: int
    error_rules: tuple[str, ...]
    first_errors: tuple[Diagnostic, ...]

    @property
    def status(self) -> bool:
        return self.exists and self.errors == 0

    @property
    def findings(self) -> int:
        return self.errors + self.warnings + self.infos

    def summary(self) -> str:
        if not self.exists:
            return "missing"
        parts = []
        for count, noun in ((self.errors, "error"), (self.warnings, "warning")):
            if count:
                parts.append(f"{count} {noun}{'s' if count != 1 else ''}")
        if self.infos:
            parts.append(f"{self.infos} info")
        if not parts:
            return "none"
        text = ", ".join(parts)
        return f"{text} ({', '.join(self.error_rules)})" if self.error_rules else text


def _status(
    project: Project, name: str, path: Path, item: Item | None, diagnostics: list[Diagnostic]
) -> DocStatus:
    shown = project.display(path)
    own = [d for d in diagnostics if d.path == shown]
    counts = Counter(d.severity for d in own)
    errors = sorted((d for d in own if d.severity is Severity.ERROR), key=lambda d: d.sort_key)
    return DocStatus(
        name=name,
        path=path,
        display=shown,
        exists=path.is_file(),
        item=item,
        errors=counts[Severity.ERROR],
        warnings=counts[Severity.WARNING],
        infos=counts[Severity.INFO],
        error_rules=tuple(sorted({d.rule for d in errors})),
        first_errors=tuple(errors[:5]),
    )


def _default_docs(project: Project) -> list[str]:
    from doclint.checks.template import packs

    names = []
    for pack in packs(project.config):
        for spec in pack.documents:
            if (
                spec.required
                and not any(ch in spec.path for ch in "*?[")
                and spec.path != READINESS
            ):
                names.append(spec.path)
    return list(dict.fromkeys(names))


def documentation_status(project: Project, diagnostics: Iterable[Diagnostic]) -> list[DocStatus]:
    """One status per Documentation item of the checklist (or per required document when the
    service has no checklist with a Documentation section)."""
    evidence = list(diagnostics)
    found = checklist(project)
    rows = []
    items = [i for i in found.items if i.documentation] if found is not None else []
    if found is not None and items:
        docs_dir = project.docs_dir.resolve()
        for item in items:
            path = item_doc(found.document, item)
            if path is not None and path.is_relative_to(docs_dir):
                rows.append(_status(project, path.name, path, item, evidence))
        return rows
    for name in _default_docs(project):
        rows.append(_status(project, name, project.doc_path(name), None, evidence))
    return rows


# -- rendering and --write -----------------------------------------------------------------


def _link(project: Project, row: DocStatus) -> str:
    base = project.doc_path(READINESS).parent
    try:
        target = row.path.relative_to(base.resolve()).as_posix()
    except ValueError:
        target = project.rel(row.path)
    return f"[{row.name}]({target})"


def render_markdown(project: Project, rows: list[DocStatus]) -> str:
    """The Documentation section with computed statuses, a link per doc and finding counts."""
    found = checklist(project)
    heading = "## Documentation"
    if found is not None:
        for section in found.document.sections:
            if section_key(section.heading.text) == "documentation":
                heading = f"{'#' * section.heading.level} {section.heading.source}"
                break
    lines = [heading, "", "| Item | Status | Findings |", "|---|---|---|"]
    for row in rows:
        if row.item is not None and row.item.links:
            text = row.item.source
        elif row.item is not None and row.name in row.item.source:
            text = row.item.source.replace(row.name, _link(project, row), 1)
        else:
            source = row.item.source if row.item is not None else ""
            text = f"{_link(project, row)} {source}".strip()
        lines.append(f"| {text} | {'yes' if row.status else 'no'} | {row.summary()} |")
    return "\n".join(lines) + "\n"


def render_json(project: Project, rows: list[DocStatus]) -> dict[str, Any]:
    found = checklist(project)
    return {
        "document": found.document.display if found is not None else None,
        "documentation": [
            {
                "doc": row.name,
                "path": row.display,
                "line": row.item.line if row.item is not None else None,
                "item": row.item.text if row.item is not None else None,
                "claimed": (
                    None
                    if row.item is None or row.item.status is None
                    else ("yes" if row.item.status else "no")
                ),
                "status": "yes" if row.status else "no",
                "exists": row.exists,
                "errors": row.errors,
                "warnings": row.warnings,
                "infos": row.infos,
                "rules": list(row.error_rules),
            }
            for row in rows
        ],
    }


def _pipes(line: str) -> list[int]:
    """Offsets of the unescaped `|` of a table row."""
    found = []
    escaped = False
    for index, char in enumerate(line):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            found.append(index)
    return found


def replace_cell(line: str, column: int, value: str) -> str:
    """``line`` (a table row) with cell ``column`` set to ``value``, keeping its padding and
    every other character."""
    pipes = _pipes(line)
    starts = pipes if line.lstrip().startswith("|") else [-1, *pipes]
    if not line.rstrip().endswith("|") or line.rstrip().endswith("\\|"):
        starts.append(len(line))
    if column + 1 >= len(starts):
        return line
    begin, end = starts[column] + 1, starts[column + 1]
    cell = line[begin:end]
    match = re.match(r"^(\s*)(.*?)(\s*)$", cell, re.DOTALL)
    assert match is not None
    return line[:begin] + match.group(1) + value + match.group(3) + line[end:]


def write_statuses(project: Project, rows: list[DocStatus]) -> int:
    """Set each Documentation item's Status cell to its computed value in place; every other
    byte of the file stays. Returns the number of rows changed."""
    found = checklist(project)
    if found is None:
        return 0
    path = found.document.path
    prefix, encoding, text = _decoded(path.read_bytes(), found.document.display)
    lines = text.split("\n")
    changed = 0
    for row in rows:
        item = row.item
        if item is None or item.status is row.status or item.line > len(lines):
            continue
        index = item.line - 1
        updated = replace_cell(lines[index], item.status_column, "yes" if row.status else "no")
        if updated != lines[index]:
            lines[index] = updated
            changed += 1
    if changed:
        path.write_bytes(prefix + "\n".join(lines).encode(encoding))
    return changed


def _decoded(raw: bytes, display: str) -> tuple[bytes, str, str]:
    """(byte-order mark, codec, text) of the checklist, so that writing it back keeps its
    encoding; a file doclint cannot read back unchanged is refused."""
    from doclint.errors import DoclintError

    prefix, encoding = b"", "utf-8"
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(bom):
            prefix, encoding = bom, codec
    try:
        return prefix, encoding, raw[len(prefix) :].decode(encoding)
    except UnicodeDecodeError:
        raise DoclintError(
            f"{display} is not valid {encoding.upper()}; save it as UTF-8 before "
            "`doclint readiness --write` edits it"
        ) from None


def _evidence(project: Project, reported: list[Diagnostic]) -> list[Diagnostic]:
    """The findings the readiness rules judged, when they ran; else everything reported."""
    from doclint.engine import RESULTS

    return project.cached(RESULTS, lambda: reported)


def run(paths: list[Path], cwd: Path, write: bool, fmt: str, config: Path | None) -> str:
    """``doclint readiness``: the Documentation section of each service, or ``--write`` it."""
    from doclint import engine
    from doclint.config import load_config
    from doclint.discovery import discover
    from doclint.errors import DoclintError

    outputs: list[tuple[str, str, dict[str, Any]]] = []
    for target in discover(paths, cwd):
        project = Project(target.root, load_config(target.root, config, cwd=cwd), cwd)
        result = engine.check_project(project, engine.Options(cwd=cwd, config=config))
        rows = documentation_status(project, _evidence(project, result.diagnostics))
        data = render_json(project, rows)
        if write:
            found = checklist(project)
            if found is None:
                raise DoclintError(
                    f"{project.display(project.doc_path(READINESS))} does not exist; run "
                    "`doclint readiness` without --write to print the section"
                )
            count = write_statuses(project, rows)
            noun = "row" if count == 1 else "rows"
            data["updated"] = count
            text = f"{found.document.display}: {count} {noun} updated\n"
        else:
            text = render_markdown(project, rows)
        outputs.append((project.name, text, data))
    if fmt == "json":
        services = [{"service": name, **data} for name, _, data in outputs]
        payload: Any = services[0] if len(services) == 1 else {"services": services}
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if len(outputs) == 1:
        return outputs[0][1]
    return "\n".join(f"<!-- service: {name} -->\n{text}" for name, text, _ in outputs)
