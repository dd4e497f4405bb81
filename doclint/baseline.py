"""Baselines (SPEC §5.4): record today's findings, then report only new ones.

An entry is a fingerprint (rule + path + subject, never a line) with a count. Paths in the file
are relative to the baseline file's folder, so a baseline works from any working directory.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from doclint import __version__
from doclint.diagnostics import Diagnostic
from doclint.errors import DoclintError
from doclint.sources.files import display_path

if TYPE_CHECKING:
    from doclint.engine import Report

VERSION = 1
Key = tuple[str, str, str]


@dataclass(slots=True)
class BaselineSummary:
    """What a baseline did to a run: findings it hid, and entries no longer found."""

    path: str
    suppressed: int = 0
    fixed: list[Key] = field(default_factory=list)

    def describe(self) -> str:
        fixed = len(self.fixed)
        return (
            f"baseline {self.path}: {self.suppressed} known "
            f"finding{'' if self.suppressed == 1 else 's'} hidden, {fixed} fixed"
        )


def _rebase(path: str, source: Path, target: Path) -> str:
    """``path`` (relative to ``source``) made relative to ``target``, POSIX, normalised."""
    absolute = Path(os.path.normpath(source / PurePosixPath(path)))
    return display_path(absolute, target)


def key(diagnostic: Diagnostic, cwd: Path, folder: Path) -> Key:
    return (diagnostic.rule, _rebase(diagnostic.path, cwd, folder), diagnostic.subject)


def write(diagnostics: list[Diagnostic], file: Path, cwd: Path) -> int:
    """Write a baseline of ``diagnostics`` to ``file``; returns the number of findings."""
    folder = file.resolve().parent
    counts = Counter(key(d, cwd, folder) for d in diagnostics)
    messages = {key(d, cwd, folder): d.message for d in diagnostics}
    entries = [
        {"rule": rule, "path": path, "subject": subject, "count": count, "message": messages[k]}
        for k, count in sorted(counts.items())
        for rule, path, subject in [k]
    ]
    payload: dict[str, object] = {
        "version": VERSION,
        "tool": {"name": "doclint", "version": __version__},
        "findings": entries,
    }
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(diagnostics)


def read(file: Path) -> Counter[Key]:
    """The entries of a baseline file; a missing or malformed file is a DoclintError."""
    shown = str(file)
    try:
        data: Any = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DoclintError(
            f"{shown}: baseline file not found (create it with --write-baseline {shown})"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DoclintError(f"{shown}: cannot read the baseline: {exc}") from None
    except json.JSONDecodeError as exc:
        raise DoclintError(
            f"{shown}:{exc.lineno}: the baseline is not valid JSON: {exc.msg}"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise DoclintError(f"{shown}: not a doclint baseline (expected a 'findings' list)")
    if data.get("version") != VERSION:
        raise DoclintError(f"{shown}: baseline version {data.get('version')!r} is not {VERSION}")
    entries: Counter[Key] = Counter()
    for number, entry in enumerate(data["findings"]):
        fields = (
            (entry.get("rule"), entry.get("path"), entry.get("subject"))
            if isinstance(entry, dict)
            else (None, None, None)
        )
        count = entry.get("count", 1) if isinstance(entry, dict) else None
        if not all(isinstance(f, str) for f in fields) or not isinstance(count, int):
            raise DoclintError(
                f"{shown}: findings[{number}] needs string 'rule', 'path', 'subject' and an "
                "integer 'count'"
            )
        entries[(str(fields[0]), str(fields[1]), str(fields[2]))] += count
    return entries


def _under(path: str, service: str) -> bool:
    if service in (".", ""):
        return not path.startswith("../")
    return path == service or path.startswith(service.rstrip("/") + "/")


def apply(report: Report, file: Path, cwd: Path) -> BaselineSummary:
    """Drop the report's findings the baseline knows; record the entries that are gone."""
    file = file if file.is_absolute() else cwd / file
    entries = read(file)
    folder = file.resolve().parent
    left = Counter(entries)
    summary = BaselineSummary(display_path(file.resolve(), cwd))
    for service in report.services:
        kept = []
        for diagnostic in service.diagnostics:
            k = key(diagnostic, cwd, folder)
            if left[k] > 0:
                left[k] -= 1
                summary.suppressed += 1
            else:
                kept.append(diagnostic)
        service.diagnostics = kept
    for (rule, path, subject), count in sorted(left.items()):
        if count <= 0:
            continue
        shown = _rebase(path, folder, cwd)
        for service in report.services:
            ran = {r.id for r in service.rules}
            if rule in ran and _under(shown, service.name):
                summary.fixed.extend([(rule, shown, subject)] * count)
                break
    report.baseline = summary
    return summary
