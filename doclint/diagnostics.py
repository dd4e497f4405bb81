"""Locations, findings and diagnostics: the records every part of doclint passes along."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.Enum):
    """How serious a diagnostic is; ordered so that ERROR > WARNING > INFO."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls(text.strip().lower())


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in a file. ``path`` is POSIX and relative to the directory doclint runs in."""

    path: str
    line: int = 1
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None


@dataclass(frozen=True, slots=True)
class Related:
    """Where a source states the fact a diagnostic compares against."""

    path: str
    line: int
    message: str

    @classmethod
    def at(cls, location: Location, message: str) -> Related:
        return cls(location.path, location.line, message)


@dataclass(frozen=True, slots=True)
class Fix:
    """Text that ``--fix`` inserts to resolve a finding: ``text`` (one or more whole lines)
    goes after line ``after`` of ``path`` (0: at the top). Build one with doclint.fix."""

    path: str
    after: int
    text: str
    description: str = ""
    more: tuple[Fix, ...] = ()

    def to_dict(self) -> dict[str, object]:
        found: dict[str, object] = {
            "description": self.description,
            "path": self.path,
            "after_line": self.after,
            "insert": self.text,
        }
        if self.more:
            found["more"] = [m.to_dict() for m in self.more]
        return found


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule (or a parser) found; the engine turns it into a Diagnostic."""

    location: Location
    message: str
    subject: str
    related: tuple[Related, ...] = ()
    fix: Fix | str | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """A finding a parser made about input it could not fully read, tagged with its rule id."""

    rule: str
    finding: Finding


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A finding stamped with its rule id, name and configured severity."""

    rule: str
    name: str
    severity: Severity
    path: str
    line: int
    column: int
    message: str
    subject: str
    end_line: int | None = None
    end_column: int | None = None
    related: tuple[Related, ...] = ()
    fix: Fix | str | None = None
    service: str = field(default=".", compare=False)

    @property
    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        return (self.path, self.line, self.column, self.rule, self.subject, self.message)

    @property
    def fingerprint(self) -> str:
        """Stable identity for baselines: rule, path and subject, never a line number."""
        return f"{self.rule}:{self.path}:{self.subject}"

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "message": self.message,
            "subject": self.subject,
            "related": [
                {"path": r.path, "line": r.line, "message": r.message} for r in self.related
            ],
            "fix": (
                self.fix.to_dict()
                if isinstance(self.fix, Fix)
                else None
                if self.fix is None
                else {"description": self.fix}
            ),
        }
