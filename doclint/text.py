"""Matching helpers every rule family shares (SPEC §3): headings, headers, identifiers, yes/no."""

from __future__ import annotations

import re
import unicodedata

_DECORATION = re.compile(r"\s+(?:—|–|-{1,2})\s+.*$|\s*\(.*$")
_SPACES = re.compile(r"\s+")

#: Table header synonyms: the role a column plays, by every name it may have.
COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "column": ("column", "name", "field"),
    "type": ("type", "data type"),
    "nullable": ("nullable", "null"),
    "required": ("required",),
    "optional": ("optional",),
    "status": ("status", "http", "http status", "code"),
    "method": ("method",),
    "path": ("path", "route"),
    "endpoint": ("endpoint", "operation"),
    "default": ("default",),
    "description": ("description",),
    "in": ("in", "location"),
}

#: Schema formats a doc may write in place of a type (``uuid`` for ``string(uuid)``), with the
#: JSON type each belongs to. API and event fields read types the same way.
FORMAT_BASES: dict[str, str] = {
    "uuid": "string",
    "date-time": "string",
    "datetime": "string",
    "date": "string",
    "time": "string",
    "duration": "string",
    "email": "string",
    "uri": "string",
    "url": "string",
    "hostname": "string",
    "ipv4": "string",
    "ipv6": "string",
    "byte": "string",
    "binary": "string",
    "password": "string",
    "int32": "integer",
    "int64": "integer",
    "float": "number",
    "double": "number",
}

_YES = {"yes", "true", "y", "✓", "✔", "x"}
_NO = {"no", "false", "n", "✗", "✘", "-"}


def strip_markup(text: str) -> str:
    """Drop backticks and surrounding bold/italic markers, and fold white space."""
    text = text.replace("`", "").strip()
    while len(text) >= 2 and text[0] in "*_" and text[-1] == text[0]:
        text = text[1:-1].strip()
    return _SPACES.sub(" ", text)


def heading_key(text: str) -> str:
    """The comparable form of a heading or header (SPEC §3): case-folded, undecorated."""
    text = strip_markup(text)
    text = _DECORATION.sub("", text)
    text = text.rstrip(":").strip()
    text = strip_markup(text)
    return text.casefold()


def ident(text: str) -> str:
    """An identifier as written in a cell or heading, without backticks or emphasis."""
    return strip_markup(text).strip()


def yes_no(cell: str) -> bool | None:
    """Read a yes/no cell; an empty or unrecognised cell is None ("not stated")."""
    value = strip_markup(cell).casefold()
    if value in _YES:
        return True
    if value in _NO:
        return False
    return None


def column_role(header: str) -> str | None:
    """The role (see COLUMN_SYNONYMS) a table header names, if any."""
    key = heading_key(header)
    for role, names in COLUMN_SYNONYMS.items():
        if key in names:
            return role
    return None


def github_slug(text: str) -> str:
    """GitHub's anchor for a heading's rendered text (duplicates are numbered by the caller)."""
    out = []
    for char in text.strip().lower():
        if char in " -":
            out.append("-")
        elif char == "_" or unicodedata.category(char)[0] in ("L", "N", "M"):
            out.append(char)
    return "".join(out)
