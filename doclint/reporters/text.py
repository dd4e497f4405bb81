"""The default, human-readable report: one line a finding, related places indented."""

from __future__ import annotations

from collections import Counter

from doclint.diagnostics import Severity
from doclint.engine import Report

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(report: Report) -> str:
    services = _plural(len(report.services), "service")
    files = _plural(report.files, "file")
    total = len(report.diagnostics)
    if report.baseline is not None:
        files += f"; {report.baseline.describe()}"
    if total == 0:
        return f"All checks passed ({services}, {files})."
    counts = ", ".join(
        _plural(report.count(s), s.value) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
    )
    return f"Found {_plural(total, 'problem')} ({counts}) in {services}, {files}."


def render(report: Report, *, color: bool = False, statistics: bool = False) -> str:
    """``path:line:col: RULE [severity] message`` per diagnostic, then a summary line."""
    lines: list[str] = []
    for d in report.diagnostics:
        where = f"{d.path}:{d.line}:{d.column}:"
        severity = f"[{d.severity.value}]"
        if color:
            where = f"{_BOLD}{where}{_RESET}"
            severity = f"{_COLORS[d.severity]}{severity}{_RESET}"
        lines.append(f"{where} {d.rule} {severity} {d.message}")
        for r in d.related:
            text = f"    {r.path}:{r.line}: {r.message}"
            lines.append(f"{_DIM}{text}{_RESET}" if color else text)
    if statistics and report.diagnostics:
        if lines:
            lines.append("")
        counts = Counter((d.rule, d.name) for d in report.diagnostics)
        for (rule_id, name), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"{count:6d}  {rule_id}  {name}")
    if lines:
        lines.append("")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"
