"""Stubs for ``--fix``, derived per rule from the source models the rule compared.

``FIXERS`` maps a rule id to the function that builds its :class:`~doclint.diagnostics.Fix`
from the project and the diagnostic's subject. A rule may also attach a Fix to its Finding
directly; :func:`attach` only fills in diagnostics that have none.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from doclint.diagnostics import Diagnostic, Fix

if TYPE_CHECKING:
    from doclint.project import Project

Fixer = Callable[["Project", Diagnostic], "Fix | None"]

FIXERS: dict[str, str] = {
    "DL201": "doclint.fixers.families:api_operation",
    "DL301": "doclint.fixers.families:data_table",
    "DL303": "doclint.fixers.families:data_column",
    "DL309": "doclint.fixers.families:data_policy",
    "DL410": "doclint.fixers.families:error_code",
    "DL403": "doclint.fixers.families:failure_mode",
    "DL501": "doclint.fixers.families:event",
    "DL601": "doclint.fixers.families:metric",
}


def fixer(rule: str) -> Fixer | None:
    """The stub builder of ``rule``, or None when doclint derives no stub for it."""
    target = FIXERS.get(rule)
    if target is None:
        return None
    module, _, name = target.partition(":")
    found: Fixer = getattr(importlib.import_module(module), name)
    return found


def attach(project: Project, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """``diagnostics`` with a Fix on each one a fixer can derive a stub for."""
    result = []
    for diagnostic in diagnostics:
        build = None if isinstance(diagnostic.fix, Fix) else fixer(diagnostic.rule)
        stub = None
        if build is not None:
            try:
                stub = build(project, diagnostic)
            except Exception:  # a stub that cannot be derived is left to the writer
                stub = None
        result.append(dataclasses.replace(diagnostic, fix=stub) if stub else diagnostic)
    return result
