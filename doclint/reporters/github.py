"""GitHub Actions workflow commands (SPEC §5.2): one annotation per diagnostic."""

from __future__ import annotations

from doclint.diagnostics import Diagnostic, Severity
from doclint.engine import Report

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message as GitHub's runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property value (also ``:`` and ``,``, which end a property)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(diagnostic: Diagnostic) -> str:
    properties = [
        ("file", diagnostic.path),
        ("line", str(diagnostic.line)),
        ("col", str(diagnostic.column)),
    ]
    if diagnostic.end_line is not None and diagnostic.end_line >= diagnostic.line:
        properties.append(("endLine", str(diagnostic.end_line)))
        if diagnostic.end_column is not None and diagnostic.end_line == diagnostic.line:
            properties.append(("endColumn", str(diagnostic.end_column)))
    properties.append(("title", f"{diagnostic.rule} {diagnostic.name}"))
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    message = diagnostic.message
    for r in diagnostic.related:
        message += f"\n{r.path}:{r.line}: {r.message}"
    return f"::{_COMMANDS[diagnostic.severity]} {props}::{escape_data(message)}"


def render(report: Report, *, color: bool = False) -> str:
    lines = [annotation(d) for d in report.diagnostics]
    return "".join(f"{line}\n" for line in lines)
