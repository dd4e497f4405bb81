"""Suppression comments in markdown, YAML and SQL files, and the unused-suppression rule."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from doclint.diagnostics import Diagnostic, Finding, Location, Severity
from doclint.project import Project
from doclint.registry import Rule, input_rule

_MD = re.compile(
    r"^doclint-(disable-next-line|disable-file|disable|enable)(?:\s+(?P<ids>[\w\-,\s]+?))?\s*$"
)
_LINE = re.compile(r"(?:#|--|//)\s*doclint:\s*ignore(?:\[(?P<ids>[^\]]*)\])?")
_LINE_FILES = (".yaml", ".yml", ".sql", ".ts", ".js", ".py", ".go", ".java", ".toml")

UNUSED = "DL100"


@dataclass(slots=True)
class Directive:
    """One suppression comment: which rules, which lines, and whether it was used."""

    path: str
    line: int
    rules: tuple[str, ...]
    first: int
    last: int
    used: bool = False
    names: set[str] = field(default_factory=set)

    def covers(self, diagnostic: Diagnostic, line: int | None = None) -> bool:
        """Whether this directive suppresses ``diagnostic`` at its line (or at ``line``, the
        line of one of its related source locations)."""
        if not (self.first <= (diagnostic.line if line is None else line) <= self.last):
            return False
        return not self.rules or any(
            diagnostic.rule.upper().startswith(r.upper()) or diagnostic.name == r
            for r in self.rules
        )


def _ids(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(part for part in re.split(r"[\s,]+", text.strip()) if part)


def markdown_directives(project: Project, path: Path) -> list[Directive]:
    document = project.markdown(path)
    if document is None:
        return []
    shown = document.display
    found: list[Directive] = []
    open_blocks: list[Directive] = []
    end = max(document.line_count, 1)
    for comment in document.comments:
        match = _MD.match(comment.text)
        if match is None:
            continue
        kind, ids = match.group(1), _ids(match.group("ids"))
        if kind == "disable-next-line":
            found.append(Directive(shown, comment.line, ids, comment.line + 1, comment.line + 1))
        elif kind == "disable-file":
            found.append(Directive(shown, comment.line, ids, 1, end))
        elif kind == "disable":
            directive = Directive(shown, comment.line, ids, comment.line, end)
            open_blocks.append(directive)
            found.append(directive)
        else:
            for directive in reversed(open_blocks):
                if not ids or set(ids) & set(directive.rules) or not directive.rules:
                    directive.last = comment.line
                    open_blocks.remove(directive)
                    break
    return found


def line_directives(project: Project, path: Path) -> list[Directive]:
    text = project.read(path)
    if text is None:
        return []
    found = []
    for number, line in enumerate(text.lines, start=1):
        if "doclint" not in line:
            continue
        match = _LINE.search(line)
        if match:
            ids = _ids(match.group("ids"))
            found.append(Directive(text.display, number, ids, number, number))
    return found


def directives(project: Project, paths: Iterable[str]) -> dict[str, list[Directive]]:
    """Suppression directives of every file named in ``paths`` (display paths) and read."""
    result: dict[str, list[Directive]] = {}
    for shown in sorted(set(paths)):
        path = project.files_read.get(shown)
        if path is None:
            continue
        suffix = path.suffix.lower()
        if suffix == ".md":
            result[shown] = markdown_directives(project, path)
        elif suffix in _LINE_FILES:
            result[shown] = line_directives(project, path)
    return result


def apply(
    project: Project, diagnostics: list[Diagnostic], enabled: list[Rule]
) -> tuple[list[Diagnostic], list[Finding]]:
    """Drop suppressed diagnostics; return the rest and a finding per unused directive."""
    table = directives(project, project.files_read)
    kept = []
    for diagnostic in diagnostics:
        suppressed = False
        for directive in table.get(diagnostic.path, ()):
            if directive.covers(diagnostic):
                directive.used = True
                suppressed = True
        # `# doclint: ignore[DL201]` on a source line (YAML, SQL, code) suppresses the
        # findings that name that line as where the source states the fact
        for related in diagnostic.related:
            if not related.path.lower().endswith(_LINE_FILES):
                continue
            for directive in table.get(related.path, ()):
                if directive.covers(diagnostic, related.line):
                    directive.used = True
                    suppressed = True
        if not suppressed:
            kept.append(diagnostic)
    enabled_ids = {r.id for r in enabled} | {r.name for r in enabled}
    unused = []
    for items in table.values():
        for directive in items:
            if directive.used:
                continue
            relevant = not directive.rules or any(
                any(rid.upper().startswith(r.upper()) for rid in enabled_ids) or r in enabled_ids
                for r in directive.rules
            )
            if not relevant:
                continue
            what = ", ".join(directive.rules) if directive.rules else "all rules"
            unused.append(
                Finding(
                    Location(directive.path, directive.line),
                    f"suppression of {what} suppresses nothing here; remove the comment",
                    f"suppression {directive.path}:{directive.line}",
                )
            )
    return kept, unused


input_rule(
    UNUSED,
    "unused-suppression",
    Severity.WARNING,
    ("docs",),
    """A suppression comment that suppresses no finding.

    Why: a stale suppression hides the next real problem on its line and misleads readers.
    Bad: `<!-- doclint-disable-next-line DL201 -->` above a line with no DL201 finding.
    Fix: delete the comment.
    """,
)
