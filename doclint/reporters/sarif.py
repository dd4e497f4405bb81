"""SARIF 2.1.0 report (SPEC §5.2), as GitHub code scanning and other SARIF viewers read it."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import quote

from doclint import __version__
from doclint.diagnostics import Diagnostic, Severity
from doclint.engine import Report
from doclint.registry import Rule

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def uri(path: str) -> str:
    """A relative URI reference for a POSIX path (reserved characters percent-encoded)."""
    return quote(path, safe="/-._~")


def fingerprint(diagnostic: Diagnostic) -> str:
    """Hash of rule, path and subject: stable when lines move (SPEC §5.4)."""
    return hashlib.sha256(diagnostic.fingerprint.encode("utf-8")).hexdigest()


def _rule_descriptor(rule: Rule) -> dict[str, object]:
    lines = rule.doc.split("\n")
    full = " ".join(line.strip() for line in lines[1:] if line.strip()) or rule.summary
    descriptor: dict[str, object] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "help": {"text": rule.doc, "markdown": _help_markdown(rule)},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {"tags": [rule.family]},
    }
    if rule.pack:
        descriptor["properties"] = {"tags": [rule.family, f"pack:{rule.pack}"]}
    return descriptor


def _help_markdown(rule: Rule) -> str:
    lines = rule.doc.split("\n")
    body = [f"**{rule.id} {rule.name}**: {rule.summary}", ""]
    for line in lines[1:]:
        stripped = line.strip()
        for label in ("Why:", "Bad:", "Fix:"):
            if stripped.startswith(label):
                body.append("")
                stripped = f"**{label}**{stripped[len(label) :]}"
                break
        body.append(stripped)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(body)).strip() + "\n"


def _physical(path: str, line: int, column: int | None = None) -> dict[str, object]:
    region: dict[str, object] = {"startLine": max(line, 1)}
    if column is not None:
        region["startColumn"] = max(column, 1)
    return {
        "artifactLocation": {"uri": uri(path), "uriBaseId": SRCROOT},
        "region": region,
    }


def _result(diagnostic: Diagnostic, index: int) -> dict[str, object]:
    physical = _physical(diagnostic.path, diagnostic.line, diagnostic.column)
    region = physical["region"]
    assert isinstance(region, dict)
    if diagnostic.end_line is not None and diagnostic.end_line >= diagnostic.line:
        region["endLine"] = diagnostic.end_line
        if diagnostic.end_column is not None:
            region["endColumn"] = max(diagnostic.end_column, 1)
    result: dict[str, object] = {
        "ruleId": diagnostic.rule,
        "ruleIndex": index,
        "level": _LEVELS[diagnostic.severity],
        "message": {"text": diagnostic.message},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {"doclintFingerprint/v1": fingerprint(diagnostic)},
        "properties": {"name": diagnostic.name, "subject": diagnostic.subject},
    }
    if diagnostic.related:
        result["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": _physical(r.path, r.line),
                "message": {"text": r.message},
            }
            for number, r in enumerate(diagnostic.related, start=1)
        ]
    return result


def build(report: Report, srcroot: Path | None = None) -> dict[str, object]:
    """The SARIF log as a dict; ``srcroot`` is the directory the paths are relative to."""
    ran = {r.id: r for service in report.services for r in service.rules}
    descriptors = {rule_id: _rule_descriptor(rule) for rule_id, rule in ran.items()}
    for d in report.diagnostics:
        if d.rule not in descriptors:
            known = report.rules.get(d.rule)
            descriptors[d.rule] = (
                _rule_descriptor(known) if known else {"id": d.rule, "name": d.name}
            )
    ordered = sorted(descriptors)
    index = {rule_id: number for number, rule_id in enumerate(ordered)}
    root = (srcroot or Path.cwd()).resolve()
    base = root.as_uri().rstrip("/") + "/"
    run: dict[str, object] = {
        "tool": {
            "driver": {
                "name": "doclint",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [descriptors[r] for r in ordered],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": base}},
        "results": [_result(d, index[d.rule]) for d in report.diagnostics],
        "columnKind": "unicodeCodePoints",
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def dumps(report: Report, srcroot: Path | None = None) -> str:
    return json.dumps(build(report, srcroot), indent=2, ensure_ascii=False) + "\n"


def render(report: Report, *, color: bool = False) -> str:
    return dumps(report)
