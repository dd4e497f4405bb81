"""Reporters format a Report; they compute nothing. One module per ``--format``."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from doclint.engine import Report

FORMATS: dict[str, str] = {
    "text": "doclint.reporters.text",
    "json": "doclint.reporters.json",
    "sarif": "doclint.reporters.sarif",
    "github": "doclint.reporters.github",
    "junit": "doclint.reporters.junit",
    "gitlab": "doclint.reporters.gitlab",
}


class Reporter(Protocol):
    def __call__(self, report: Report, *, color: bool = False) -> str: ...


def get(name: str) -> Reporter:
    """The ``render`` function of the reporter called ``name``."""
    module = importlib.import_module(FORMATS[name])
    render: Reporter = module.render
    return render
