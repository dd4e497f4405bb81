"""Declarative rule packs (SPEC §5.9): loading and validating the YAML that declares required
documents, sections, per-item sections and placeholder words."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from doclint.diagnostics import Problem, Severity
from doclint.errors import ConfigError
from doclint.sources.files import decode
from doclint.sources.structured import load_yaml

KINDS = (
    "missing-document",
    "missing-section",
    "empty-section",
    "missing-item-section",
    "placeholder",
)
_PACKAGE_DIR = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class RuleSpec:
    id: str
    name: str
    severity: Severity
    summary: str | None


@dataclass(frozen=True, slots=True)
class ItemSpec:
    name: str
    min_items: int


@dataclass(frozen=True, slots=True)
class SectionSpec:
    name: str
    non_empty: bool
    each: tuple[ItemSpec, ...]


@dataclass(frozen=True, slots=True)
class DocumentSpec:
    path: str
    required: bool
    sections: tuple[SectionSpec, ...]


@dataclass(frozen=True, slots=True)
class Pack:
    name: str
    source: str
    description: str
    rules: dict[str, RuleSpec]
    documents: tuple[DocumentSpec, ...]
    runbook_sections: tuple[str, ...]
    placeholders: tuple[str, ...]


def _resource(name: str) -> Path:
    """A file of the packs folder: shipped in the wheel, or the repository's ``rules/``."""
    shipped = _PACKAGE_DIR / "_packs" / name
    if shipped.is_file():
        return shipped
    return _PACKAGE_DIR.parent / "rules" / name


@cache
def _schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_resource("pack.schema.json").read_text(encoding="utf-8"))
    return data


@cache
def _fast_validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(_schema())


def _valid(data: Any) -> bool:
    """Whether jsonschema-rs accepts ``data``. Where it accepts a pack, jsonschema does too (the
    schema uses no keyword they read differently, and its patterns are stricter in ECMA syntax:
    `$` does not match before a final newline); anything else is left to jsonschema, which words
    the error."""
    try:
        return bool(_fast_validator().is_valid(data))
    except (ValueError, TypeError, OverflowError):
        return False


def default_pack() -> Pack:
    """The SERVICE_TEMPLATE pack that ships with doclint."""
    return load_pack(_resource("service-template.yaml"), "service-template.yaml")


@cache
def load_pack(path: Path, shown: str) -> Pack:
    """Read and validate a pack; an invalid one is a ConfigError naming file, line and key."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(shown, "(file)", f"cannot read the rule pack: {exc}") from None
    text = decode(raw, path, shown)
    if isinstance(text, Problem):
        raise ConfigError(shown, "(file)", text.finding.message, text.finding.location.line)
    located, problems = load_yaml(text.text, shown)
    if located is None:
        finding = problems[0].finding
        raise ConfigError(shown, "(syntax)", finding.message, finding.location.line)
    if not _valid(located.data):
        import jsonschema

        validator = jsonschema.Draft202012Validator(_schema())
        errors = sorted(validator.iter_errors(located.data), key=lambda e: list(e.absolute_path))
        if errors:
            error = errors[0]
            pointer = list(error.absolute_path)
            key = ".".join(str(p) for p in pointer) or "(root)"
            raise ConfigError(shown, key, _schema_message(error), located.line_of(pointer))
    data = located.data
    rules = {
        kind: RuleSpec(
            spec["id"],
            spec["name"],
            Severity.parse(spec.get("severity", "error")),
            spec.get("summary"),
        )
        for kind, spec in data["rules"].items()
    }
    documents = tuple(_document(d) for d in data.get("documents", ()))
    uses = {
        "missing-document": any(d.required for d in documents),
        "missing-section": any(d.sections for d in documents),
        "empty-section": any(s.non_empty for d in documents for s in d.sections),
        "missing-item-section": any(s.each for d in documents for s in d.sections),
        "placeholder": bool(data.get("placeholders")),
    }
    for kind, used in uses.items():
        if used and kind not in rules:
            raise ConfigError(
                shown,
                f"rules.{kind}",
                "the pack needs this rule declared (id and name)",
                located.line_of(["rules"]),
            )
    return Pack(
        name=data["pack"],
        source=shown,
        description=data.get("description", ""),
        rules=rules,
        documents=documents,
        runbook_sections=tuple(data.get("runbook-sections", ())),
        placeholders=tuple(data.get("placeholders", ())),
    )


def _schema_message(error: Any) -> str:
    if error.validator == "additionalProperties":
        return f"{error.message}; see rules/pack.schema.json for the keys a pack may use"
    if error.validator == "oneOf":
        return "expected a section name or a table with 'name' (and 'each-subsection')"
    return str(error.message)


def _document(raw: dict[str, Any]) -> DocumentSpec:
    sections = []
    for item in raw.get("sections", ()):
        if isinstance(item, str):
            sections.append(SectionSpec(item, True, ()))
        else:
            each = tuple(
                ItemSpec(sub["name"], int(sub.get("min-items", 1)))
                for sub in item.get("each-subsection", ())
            )
            sections.append(SectionSpec(item["name"], bool(item.get("non-empty", True)), each))
    return DocumentSpec(raw["path"], bool(raw.get("required", True)), tuple(sections))
