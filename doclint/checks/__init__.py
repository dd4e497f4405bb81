"""Rule modules, one per family; importing this package registers every built-in rule."""

from doclint import suppress
from doclint.checks import (
    api,
    api_fields,
    data,
    data_rls,
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
    "api_fields",
    "data",
    "data_rls",
    "errors",
    "events",
    "inputs",
    "observability",
    "readiness",
    "suppress",
    "template",
    "testing",
]
