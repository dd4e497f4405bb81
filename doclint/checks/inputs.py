"""DL9xx: input that could not be read. Parsers record these problems; the engine reports them."""

from __future__ import annotations

from doclint.diagnostics import Severity
from doclint.registry import input_rule
from doclint.sources import LOADERS

ALL_INPUTS = tuple(LOADERS)

input_rule(
    "DL901",
    "unreadable-file",
    Severity.ERROR,
    ALL_INPUTS,
    """A file doclint needs cannot be read as text.

    Why: a file that is missing, binary, not UTF-8, over the size limit or a symbolic link
    leaving the repository cannot be checked, and the checks that need it see nothing.
    Bad: `docs/DATA_MODEL.md` saved as Latin-1 (`caf\\xe9`).
    Fix: save the file as UTF-8, or raise `max-file-size` for a large generated file.
    """,
)
input_rule(
    "DL902",
    "invalid-yaml",
    Severity.ERROR,
    ALL_INPUTS,
    """A YAML file does not parse, or its aliases expand without bound.

    Why: the checks that read the file cannot see its content.
    Bad: `paths:` indented with a tab.
    Fix: correct the syntax at the line shown; indent with spaces.
    """,
)
input_rule(
    "DL903",
    "invalid-json",
    Severity.ERROR,
    ALL_INPUTS,
    """A JSON file does not parse.

    Why: the checks that read the file cannot see its content.
    Bad: a trailing comma after the last property.
    Fix: correct the syntax at the line shown.
    """,
)
input_rule(
    "DL904",
    "nesting-too-deep",
    Severity.ERROR,
    ALL_INPUTS,
    """A file nests structures deeper than doclint reads.

    Why: thousands of nested arrays, lists or quotes are not documentation; reading them could
    exhaust the stack.
    Bad: `[[[[[[ ... ]]]]]]` nested 10,000 levels.
    Fix: flatten the structure.
    """,
)
