"""GitLab Code Quality report (a JSON array of issues), for ``artifacts:reports:codequality``."""

from __future__ import annotations

import hashlib
import json
from collections import Counter

from doclint.diagnostics import Severity
from doclint.engine import Report

_SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def render(report: Report, *, color: bool = False) -> str:
    seen: Counter[str] = Counter()
    issues = []
    for d in report.diagnostics:
        seen[d.fingerprint] += 1
        key = (
            d.fingerprint if seen[d.fingerprint] == 1 else f"{d.fingerprint}#{seen[d.fingerprint]}"
        )
        issues.append(
            {
                "type": "issue",
                "check_name": f"{d.rule} {d.name}",
                "description": f"{d.rule}: {d.message}",
                "categories": ["Style"],
                "severity": _SEVERITIES[d.severity],
                "fingerprint": hashlib.md5(key.encode("utf-8"), usedforsecurity=False).hexdigest(),
                "location": {
                    "path": d.path,
                    "lines": {"begin": d.line, "end": d.end_line or d.line},
                },
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
