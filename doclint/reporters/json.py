"""Machine-readable report (SPEC §5.2): version, tool, summary and every diagnostic field."""

from __future__ import annotations

import json

from doclint import __version__
from doclint.diagnostics import Severity
from doclint.engine import Report


def render(report: Report, *, color: bool = False) -> str:
    payload = {
        "version": 1,
        "tool": {"name": "doclint", "version": __version__},
        "summary": {
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "infos": report.count(Severity.INFO),
            "files": report.files,
            "services": len(report.services),
        },
        "diagnostics": [d.to_dict() for d in report.diagnostics],
    }
    if report.baseline is not None:
        summary = payload["summary"]
        assert isinstance(summary, dict)
        summary["baseline"] = {
            "file": report.baseline.path,
            "hidden": report.baseline.suppressed,
            "fixed": [
                {"rule": rule, "path": path, "subject": subject}
                for rule, path, subject in report.baseline.fixed
            ],
        }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
