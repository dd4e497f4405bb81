"""Parsers: one module per input kind, each producing typed models that remember locations.

``LOADERS`` maps the names rules list in ``needs`` to the function that loads that input for a
Project. They are imported only when a selected rule needs them, so a service without
migrations never imports a SQL parser.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from doclint.project import Project

LOADERS: dict[str, str] = {
    "docs": "doclint.project:Project.docs",
    "schema": "doclint.sources.flyway:schema",
    "events": "doclint.sources.events:events",
    "openapi": "doclint.sources.openapi:openapi",
    "errors": "doclint.sources.errors:errors",
    "telemetry": "doclint.sources.telemetry:telemetry",
    "results": "doclint.engine:results",
}


def load(project: Project, need: str) -> Any:
    """Load the input called ``need`` for ``project`` (cached by the loader itself)."""
    module_name, _, attr = LOADERS[need].partition(":")
    target: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        target = getattr(target, part)
    return target(project)
