"""``doclint inspect``: the parsed models as JSON, for debugging conventions and other tools."""

from __future__ import annotations

import importlib
from dataclasses import asdict
from typing import Any

from doclint.project import Project

INSPECTORS: dict[str, str] = {
    "docs": "doclint.inspect:inspect_docs",
    "schema": "doclint.sources.flyway:inspect_json",
    "events": "doclint.sources.events:inspect_json",
    "openapi": "doclint.sources.openapi:inspect_json",
    "errors": "doclint.sources.errors:inspect_json",
    "metrics": "doclint.sources.telemetry:inspect_json",
}


def inspect(kind: str, project: Project) -> Any:
    """The model of ``kind`` for ``project`` as plain JSON-able data."""
    module_name, _, attr = INSPECTORS[kind].partition(":")
    function = getattr(importlib.import_module(module_name), attr)
    return function(project)


def problems(project: Project) -> list[dict[str, Any]]:
    """Problems recorded while loading, for the ``problems`` key of every inspector."""
    return [
        {
            "rule": p.rule,
            "path": p.finding.location.path,
            "line": p.finding.location.line,
            "message": p.finding.message,
        }
        for p in project.problems
    ]


def inspect_docs(project: Project) -> dict[str, Any]:
    """Every markdown document of the docs folder: headings, tables, lists, code, links."""
    documents = []
    for doc in project.docs():
        documents.append(
            {
                "path": doc.display,
                "lines": doc.line_count,
                "headings": [
                    {"level": h.level, "text": h.text, "line": h.line, "slug": h.slug}
                    for h in doc.headings
                ],
                "sections": [
                    {"heading": s.heading.text, "line": s.line, "end_line": s.end_line}
                    for s in doc.sections
                ],
                "tables": [
                    {
                        "line": t.line,
                        "headers": list(t.headers),
                        "rows": [{"line": r.line, "cells": list(r.cells)} for r in t.rows],
                    }
                    for t in doc.tables
                ],
                "list_items": [asdict(item) for item in doc.list_items],
                "code_blocks": [asdict(block) for block in doc.code_blocks],
                "links": [asdict(link) for link in doc.links],
                "comments": [asdict(comment) for comment in doc.comments],
            }
        )
    return {"documents": documents, "problems": problems(project)}
