"""Rule modules, one per family; importing this package registers every built-in rule."""

from doclint import suppress
from doclint.checks import (
    api,
    data,
    errors,
    events,
    inputs,
    observability,
    readiness,
    template,
    testing,
)

__all__ = [
    "api",
    "data",
    "errors",
    "events",
    "inputs",
    "observability",
    "readiness",
    "suppress",
    "template",
    "testing",
]
