"""Finding the services to check from the paths given on the command line (SPEC §2)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from doclint.config import find_config_file
from doclint.errors import DoclintError
from doclint.project import SKIP_DIRS

MARKER_DOCS = ("API_CONTRACTS.md", "DATA_MODEL.md")


@dataclass(frozen=True, slots=True)
class Target:
    """A service to check; ``files`` are the paths given that belong to it (empty: all)."""

    root: Path
    files: tuple[Path, ...] = field(default=())


def is_service(directory: Path) -> bool:
    """A folder with a doclint configuration, or a docs folder holding a marker document."""
    if find_config_file(directory) is not None:
        return True
    return any((directory / "docs" / name).is_file() for name in MARKER_DOCS)


def services_under(directory: Path) -> list[Path]:
    """``directory`` itself if it is a service, else every service below it (a monorepo)."""
    if is_service(directory):
        return [directory]
    found: list[Path] = []
    for current, dirs, _files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        here = Path(current)
        if here != directory and is_service(here):
            found.append(here)
            dirs[:] = []
    return found


def service_of(path: Path) -> Path | None:
    """The nearest service folder holding ``path`` (the path itself when it is a folder)."""
    current = path if path.is_dir() else path.parent
    while True:
        if is_service(current):
            return current
        if current.parent == current:
            return None
        current = current.parent


def discover(paths: list[Path], cwd: Path) -> list[Target]:
    """Services to check, in path order, each once; single files are mapped to services."""
    targets: dict[Path, list[Path]] = {}
    whole: set[Path] = set()
    for given in paths or [cwd]:
        path = (cwd / given).resolve() if not given.is_absolute() else given.resolve()
        if not path.exists():
            raise DoclintError(f"{given}: no such file or directory")
        if path.is_dir():
            roots = services_under(path)
            if not roots:
                owner = service_of(path)
                roots = [owner] if owner else []
            if not roots:
                raise DoclintError(
                    f"{given}: no service found (a service has a doclint configuration or "
                    f"docs/{MARKER_DOCS[0]} or docs/{MARKER_DOCS[1]})"
                )
            for root in roots:
                targets.setdefault(root, [])
                whole.add(root)
        else:
            owner_of_file = service_of(path)
            if owner_of_file is not None:
                targets.setdefault(owner_of_file, []).append(path)
    return [
        Target(root, () if root in whole else tuple(files))
        for root, files in sorted(targets.items())
    ]
