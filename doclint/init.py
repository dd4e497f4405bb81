"""``doclint init``: a starter configuration naming the inputs found, and a skeleton of each
missing required document with the rule pack's sections. Never overwrites a file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from doclint.config import find_config_file
from doclint.fix import TODO
from doclint.packs import DocumentSpec, Pack, default_pack

_OPENAPI = ("openapi.yaml", "openapi.yml", "openapi.json", "openapi/openapi.yaml")
_EVENTS = ("events/registry.yaml", "events/registry.yml", "asyncapi.yaml", "asyncapi.yml")
_MIGRATIONS = ("db/migration", "src/main/resources/db/migration", "migrations")


@dataclass(slots=True)
class InitResult:
    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def _first(root: Path, candidates: tuple[str, ...]) -> str | None:
    return next((c for c in candidates if (root / c).exists()), None)


def starter_config(root: Path) -> str:
    """The text of a doclint.toml for the service at ``root``: found paths set, the rest
    commented out with their defaults."""
    lines = [
        "# doclint configuration. Paths are relative to this file; commented lines show a",
        "# default or a setting to consider (`doclint explain RULE` documents each rule).",
        'docs = "docs"',
    ]

    def setting(key: str, found: str | None, default: str) -> None:
        lines.append(f'{key} = "{found}"' if found else f'# {key} = "{default}"  (not found)')

    setting("openapi", _first(root, _OPENAPI), "openapi.yaml")
    setting("events", _first(root, _EVENTS), "events/registry.yaml")
    setting("migrations", _first(root, _MIGRATIONS), "db/migration")
    setting(
        "runbooks", "docs/runbooks" if (root / "docs/runbooks").is_dir() else None, "docs/runbooks"
    )
    for key, folder in (("source", "src"), ("evals", "evals"), ("tests", "tests")):
        if (root / folder).is_dir():
            lines.append(f'{key} = ["{folder}/**"]')
        else:
            lines.append(f'# {key} = ["{folder}/**"]  (not found)')
    lines += [
        '# fail-on = "error"',
        "",
        "[api]",
        '# path-prefix = "/v1"  (compare only the operations under this prefix)',
        "",
    ]
    return "\n".join(lines)


def _title(spec: DocumentSpec) -> str:
    stem = Path(spec.path).stem.replace("_", " ").replace("-", " ")
    return stem[:1].upper() + stem[1:].lower()


def skeleton(spec: DocumentSpec) -> str:
    """A document with its title and every required section, prose left as TODO."""
    lines = [f"# {_title(spec)}", "", TODO, ""]
    for section in spec.sections:
        lines += [f"## {section.name}", "", TODO, ""]
        if section.each:
            lines += ["### Example", "", TODO, ""]
            for need in section.each:
                lines += [f"#### {need.name}", ""]
                lines += [f"- {TODO}" for _ in range(max(need.min_items, 1))]
                lines += [""]
    return "\n".join(lines)


def _create(path: Path, text: str, result: InitResult) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        result.kept.append(path)
        return
    result.created.append(path)


def init(root: Path, packs: list[Pack] | None = None) -> InitResult:
    """Write the starter configuration and the missing documents of the service at ``root``."""
    result = InitResult()
    existing = find_config_file(root)
    if existing is not None:
        result.kept.append(existing)
    else:
        _create(root / "doclint.toml", starter_config(root), result)
    docs = root / "docs"
    for pack in packs or [default_pack()]:
        for spec in pack.documents:
            if not spec.required or any(ch in spec.path for ch in "*?["):
                continue
            path = docs / spec.path
            if path.exists() or path.is_symlink():
                result.kept.append(path)
            else:
                _create(path, skeleton(spec), result)
    return result
