"""`$ref` resolution in the OpenAPI spec, inside the repository only (SPEC §5.8)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from doclint.diagnostics import Finding, Problem
from doclint.sources.files import is_file, is_inside
from doclint.sources.openapi_lines import Lines, Pointer
from doclint.sources.openapi_model import Node, OpenApiModel
from doclint.sources.structured import Located

if TYPE_CHECKING:
    from doclint.project import Project

UNRESOLVED_REF = "DL912"
FORBIDDEN_REF = "DL913"
_MAX_HOPS = 64
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class Resolver:
    """Follows `$ref`s within the document and to local files inside the repository."""

    def __init__(self, project: Project, path: Path) -> None:
        self.project = project
        self.path = path
        self.reported: set[tuple[str, Pointer]] = set()
        self._lines: dict[int, tuple[Located, Lines]] = {}
        self._targets: dict[tuple[str, str], Node] = {}

    def lines(self, located: Located) -> Lines:
        """The line lookup of a file of the spec, one per file."""
        entry = self._lines.get(id(located))
        if entry is None:
            entry = self._lines[id(located)] = (located, Lines(located))
        return entry[1]

    def _problem(self, rule: str, site: Node, message: str, subject: str) -> None:
        key = (site.located.display, site.pointer)
        if key in self.reported:
            return
        self.reported.add(key)
        self.project.add_problem(Problem(rule, Finding(site.location, message, subject)))

    def load(self, path: Path) -> Located | None:
        """A referenced file, inside the repository (``target`` checked that)."""
        return self.project.structured(path, within_repo=True)

    def target(self, site: Node) -> Node | None:
        """The node a `{"$ref": ...}` at ``site`` points to, or None (a problem is recorded)."""
        ref = site.value.get("$ref")
        ref_site = site.child("$ref")
        if not isinstance(ref, str):
            self._problem(UNRESOLVED_REF, ref_site, "$ref must be a string", str(ref))
            return None
        known = self._targets.get((site.located.display, ref))
        if known is not None:
            return known
        file_part, _, fragment = ref.partition("#")
        if _SCHEME.match(file_part) or file_part.startswith("//"):
            self._problem(
                FORBIDDEN_REF,
                ref_site,
                f"$ref '{ref}' points to a remote document; doclint never fetches one, "
                "so copy it into the repository and refer to the local file",
                ref,
            )
            return None
        located, base = site.located, site.path
        if file_part:
            relative = unquote(file_part)
            if relative.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", relative):
                self._problem(
                    FORBIDDEN_REF,
                    ref_site,
                    f"$ref '{ref}' is an absolute path; refer to files relative to the spec",
                    ref,
                )
                return None
            candidate = (base.parent / relative).resolve()
            if not is_inside(candidate, self.project.repo_root):
                self._problem(
                    FORBIDDEN_REF,
                    ref_site,
                    f"$ref '{ref}' leaves the repository; doclint does not read it",
                    ref,
                )
                return None
            if not is_file(candidate):
                self._problem(
                    UNRESOLVED_REF, ref_site, f"$ref '{ref}': file {relative} not found", ref
                )
                return None
            loaded = self.load(candidate)
            if loaded is None:
                return None
            located, base = loaded, candidate
        node = Node(located.data, located, (), base, self.lines(located))
        for part in _pointer_parts(fragment):
            value = node.value
            if isinstance(value, dict) and part in value:
                node = node.child(part)
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                node = node.child(int(part))
            else:
                self._problem(
                    UNRESOLVED_REF,
                    ref_site,
                    f"$ref '{ref}' points to nothing in {located.display}",
                    ref,
                )
                return None
        self._targets[(site.located.display, ref)] = node
        return node

    def deref(self, node: Node) -> Node | None:
        """Follow `$ref`s until a value that is not a reference; None when unresolvable."""
        seen: set[tuple[str, Pointer]] = set()
        while isinstance(node.value, dict) and "$ref" in node.value:
            key = (node.located.display, node.pointer)
            if key in seen or len(seen) > _MAX_HOPS:
                self._problem(
                    UNRESOLVED_REF,
                    node.child("$ref"),
                    f"$ref '{node.value['$ref']}' is part of a cycle of references that never "
                    "reaches a value",
                    str(node.value["$ref"]),
                )
                return None
            seen.add(key)
            target = self.target(node)
            if target is None:
                return None
            node = target
        return node


def _pointer_parts(fragment: str) -> list[str]:
    if not fragment or fragment == "/":
        return [] if not fragment else [""]
    text = unquote(fragment)
    return [p.replace("~1", "/").replace("~0", "~") for p in text.lstrip("/").split("/")]


def resolve_schema(model: OpenApiModel, ref_or_name: str) -> dict[str, Any] | None:
    """A components schema by name (``Session``) or by reference (``#/components/schemas/X``)."""
    if model.resolver is None:
        return None
    ref = ref_or_name if "#" in ref_or_name else f"#/components/schemas/{ref_or_name}"
    node: Node | None = Node({"$ref": ref}, model.document, (), model.path)
    if ref.startswith("#"):
        node = model.root
        for part in _pointer_parts(ref[1:]):
            current = node.value
            if isinstance(current, dict) and part in current:
                node = node.child(part)
            elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
                node = node.child(int(part))
            else:
                return None
    assert node is not None
    target = model.resolver.deref(node)
    if target is None or not isinstance(target.value, dict):
        return None
    value: dict[str, Any] = target.value
    return value
