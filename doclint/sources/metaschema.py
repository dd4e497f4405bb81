"""JSON Schema documents checked against their draft's metaschema (DL921)."""

from __future__ import annotations

import importlib.util
import itertools
import json
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from doclint.diagnostics import Finding, Location, Problem
from doclint.sources.structured import Located

if TYPE_CHECKING:
    from doclint.project import Project

INVALID_SCHEMA = "DL921"

MAX_ERRORS = 20
UNKNOWN = object()


def schema_problem(rule: str, location: Location, message: str, subject: str) -> Problem:
    """A schema input problem (DL92x) at ``location``."""
    return Problem(rule, Finding(location, message, subject))


def check_metaschema(project: Project, located: Located) -> None:
    """Report (DL921) where ``located`` is not a valid schema of its draft."""
    if _meta_valid(located.data):
        return
    import jsonschema
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from referencing import Registry

    data = located.data
    display = located.display
    if not isinstance(data, dict | bool):
        project.add_problem(
            schema_problem(
                INVALID_SCHEMA,
                Location(display, 1),
                "a JSON Schema is an object (or true/false); write the schema as a mapping",
                display,
            )
        )
        return
    cls: Any = jsonschema.Draft202012Validator
    if isinstance(data, dict) and "$schema" in data:
        found = validator_for(data, default=UNKNOWN)
        if found is UNKNOWN:
            project.add_problem(
                schema_problem(
                    INVALID_SCHEMA,
                    located.location(["$schema"]),
                    f"$schema '{data['$schema']}' is not a JSON Schema draft doclint knows; "
                    "use https://json-schema.org/draft/2020-12/schema or another "
                    "published draft",
                    display,
                )
            )
        else:
            cls = found
    meta = cls(cls.META_SCHEMA, registry=Registry())
    try:
        errors = list(itertools.islice(meta.iter_errors(data), MAX_ERRORS))
    except RecursionError:
        project.add_problem(
            schema_problem(
                INVALID_SCHEMA,
                Location(display, 1),
                "the schema nests too deeply to be checked; flatten it with $defs",
                display,
            )
        )
        return
    for error in errors:
        best = best_match([error])
        pointer = list(best.absolute_path)
        where = "/".join(str(p) for p in pointer) or "(root)"
        project.add_problem(
            schema_problem(
                INVALID_SCHEMA,
                located.location(pointer),
                f"invalid JSON Schema at {where}: {short(best.message)}; fix it for "
                f"{_draft_name(cls)}",
                f"{display}#/{where}",
            )
        )


# the drafts jsonschema's validator_for knows, by `$schema`, that jsonschema-rs checks too
DRAFTS = {
    "https://json-schema.org/draft/2020-12/schema": "Draft202012Validator",
    "https://json-schema.org/draft/2019-09/schema": "Draft201909Validator",
    "http://json-schema.org/draft-07/schema": "Draft7Validator",
    "http://json-schema.org/draft-06/schema": "Draft6Validator",
    "http://json-schema.org/draft-04/schema": "Draft4Validator",
}
_META_FOLDERS = {
    "Draft202012Validator": "draft202012",
    "Draft201909Validator": "draft201909",
    "Draft7Validator": "draft7",
    "Draft6Validator": "draft6",
    "Draft4Validator": "draft4",
}
# jsonschema descends a few Python frames per level: deeper schemas are left to it, so that
# one too deep for it is reported as such
_FAST_DEPTH = 40


def _meta_valid(data: Any) -> bool:
    """Whether ``data`` is a valid schema of its draft, as jsonschema-rs sees it. Where it is,
    jsonschema agrees (both read the draft's metaschema without format assertions; where a
    pattern differs, ECMA regexes are the stricter); anything else is left to jsonschema, which
    words the errors."""
    if isinstance(data, bool):
        return True
    if not isinstance(data, dict) or _depth(data) > _FAST_DEPTH:
        return False
    dialect = data.get("$schema", "https://json-schema.org/draft/2020-12/schema")
    if not isinstance(dialect, str):
        return False
    draft = DRAFTS.get(dialect.removesuffix("#"))
    validator = None if draft is None else _meta_validator(draft)
    if validator is None:
        return False
    try:
        return bool(validator.is_valid(data))
    except (ValueError, TypeError, OverflowError):
        return False


@cache
def _meta_validator(draft: str) -> Any:
    import jsonschema_rs

    folder = _META_FOLDERS[draft]
    spec = importlib.util.find_spec("jsonschema_specifications")
    if spec is None or spec.submodule_search_locations is None:
        return None
    base = Path(next(iter(spec.submodule_search_locations)))
    meta_file = base / "schemas" / folder / "metaschema.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    return getattr(jsonschema_rs, draft)(meta, validate_formats=False)


def _depth(value: Any) -> int:
    deepest = 0
    stack = [(value, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > _FAST_DEPTH:
            break
        if isinstance(node, dict):
            stack.extend((v, level + 1) for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend((v, level + 1) for v in node if isinstance(v, dict | list))
    return deepest


def short(message: str, limit: int = 160) -> str:
    """A validator's message on one line, cut to ``limit`` characters."""
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _draft_name(cls: Any) -> str:
    name = getattr(cls, "__name__", "Draft202012Validator")
    match = re.match(r"Draft(\d+)Validator", name)
    if not match:
        return "its draft"
    digits = match.group(1)
    return f"draft {digits[:4]}-{digits[4:]}" if len(digits) > 2 else f"draft-{int(digits):02d}"
