"""The JSON Schema store: schema documents loaded with lines, checked against their draft's
metaschema, and their ``$ref``s resolved to local files inside the repository only (SPEC §5.8).

Resolution goes through a ``referencing`` registry whose retrieve function reads local files
through the Project (size limit, containment, one parse per file) and refuses everything else:
doclint never fetches a URL. A schema that declares an absolute ``$id`` lends its folder to the
relative ``$ref``s of its siblings, so ``https://example.com/schemas/common.json`` next to a file
whose ``$id`` is ``https://example.com/schemas/a.json`` is read from that file's folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

from doclint.diagnostics import Location, Problem
from doclint.sources.jsonschema_values import ValueValidation
from doclint.sources.metaschema import check_metaschema, schema_problem
from doclint.sources.schema_nodes import NOT_SCHEMA_KEYS, Node, Pointer, Where, pointer_into
from doclint.sources.structured import Located

if TYPE_CHECKING:
    from doclint.project import Project

REF_NOT_LOCAL = "DL922"
REF_UNRESOLVED = "DL923"

MAX_DEPTH = 24


def is_file(path: Path) -> bool:
    """Whether ``path`` is a regular file; names too long or odd for the OS are not."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


class SchemaStore(ValueValidation):
    """Every schema document of one service, read once, checked once, resolved locally."""

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        self.repo = project.repo_root.resolve()
        self._aliases: dict[str, Path] = {}
        self._checked: set[Path] = set()
        self._registry: Any = None
        self._local: dict[tuple[str, int], Path | None] = {}
        self._real: dict[Path, Path] = {}

    # -- files and URIs ------------------------------------------------------------------
    def real(self, path: Path) -> Path:
        """``path`` with its links resolved, once per path: a run asks about the same few
        hundred schema files thousands of times."""
        known = self._real.get(path)
        if known is None:
            known = self._real[path] = path.resolve()
        return known

    def uri(self, path: Path) -> str:
        return self.real(path).as_uri()

    def local_path(self, uri: str) -> Path | None:
        """The local file ``uri`` names, or None when it is remote or leaves the repository."""
        uri = uri.partition("#")[0]
        key = (uri, len(self._aliases))
        if key not in self._local:
            self._local[key] = self._local_path(uri)
        return self._local[key]

    def _local_path(self, uri: str) -> Path | None:
        parts = urlsplit(uri)
        path: Path | None = None
        if parts.scheme == "file":
            local = unquote(parts.path)
            # file:///C:/x on Windows: the drive follows the leading slash
            path = Path(local[1:] if re.match(r"/[A-Za-z]:", local) else local)
        else:
            for prefix, folder in self._aliases.items():
                if uri.startswith(prefix):
                    path = folder / unquote(uri[len(prefix) :])
                    break
        if path is None:
            return None
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError, ValueError):  # loops, odd names, NUL bytes
            return None
        return resolved if resolved.is_relative_to(self.repo) else None

    def structured(self, path: Path) -> Located | None:
        """A schema file inside the repository (``local_path`` checked that)."""
        return self.project.structured(path, within_repo=True)

    def document(self, path: Path, schema: bool = True, refs: bool = True) -> Located | None:
        """The YAML/JSON document at ``path``. On first use a schema is checked against its
        metaschema and, with ``refs``, its ``$ref``s are checked (local, existing)."""
        path = self.real(path)
        located = self.structured(path)
        if located is None or path in self._checked:
            return located
        self._checked.add(path)
        data = located.data
        if schema:
            identifier = data.get("$id") if isinstance(data, dict) else None
            if isinstance(identifier, str) and urlsplit(identifier).scheme not in ("", "file"):
                folder = identifier.partition("#")[0].rsplit("/", 1)[0] + "/"
                self._aliases.setdefault(folder, path.parent)
            check_metaschema(self.project, located)
        if refs:
            self._check_refs(located, path)
        return located

    # -- $ref checks ---------------------------------------------------------------------
    def base_of(self, located: Located, path: Path) -> str:
        data = located.data
        identifier = data.get("$id") if isinstance(data, dict) else None
        if isinstance(identifier, str) and urlsplit(identifier).scheme not in ("", "file"):
            return identifier.partition("#")[0]
        return self.uri(path)

    def _check_refs(self, located: Located, path: Path) -> None:
        base = self.base_of(located, path)
        resolver = self.registry.resolver(base_uri=base)
        for pointer, ref in _refs(located.data):
            location = located.location([*pointer, "$ref"])
            target = urljoin(base, ref)
            file_part = target.partition("#")[0]
            if file_part != base:
                problem = self.refuse(target, location, f"$ref '{ref}'")
                if problem is not None:
                    self.project.add_problem(problem)
                    continue
                local = self.local_path(target)
                if local is not None and not is_file(local):
                    self.project.add_problem(
                        schema_problem(
                            REF_UNRESOLVED,
                            location,
                            f"$ref '{ref}' names {self.project.rel(local)}, which does not "
                            "exist; fix the path or add the file",
                            f"{located.display}: {ref}",
                        )
                    )
                    continue
            try:
                resolver.lookup(ref)
            except Exception:  # untrusted schemas: referencing/jsonschema raise many kinds
                self.project.add_problem(
                    schema_problem(
                        REF_UNRESOLVED,
                        location,
                        f"$ref '{ref}' points at nothing in its document; fix the pointer "
                        "(e.g. '#/$defs/Name')",
                        f"{located.display}: {ref}",
                    )
                )

    def refuse(self, target: str, location: Location, what: str) -> Problem | None:
        """A DL922 problem when ``target`` is remote or a file outside the repository."""
        if self.local_path(target) is not None:
            return None
        scheme = urlsplit(target).scheme
        if scheme == "file":
            reason = "leaves the repository; doclint reads only files inside it"
        else:
            reason = "is remote; doclint never fetches URLs, so use a local file"
        return schema_problem(
            REF_NOT_LOCAL,
            location,
            f"{what} {reason}",
            f"{location.path}: {target}",
        )

    # -- the registry ----------------------------------------------------------------------
    @property
    def registry(self) -> Any:
        if self._registry is None:
            from referencing import Registry

            self._registry = Registry(retrieve=self._retrieve)  # type: ignore[call-arg]
        return self._registry

    def _retrieve(self, uri: str) -> Any:
        from referencing import Resource
        from referencing.exceptions import NoSuchResource
        from referencing.jsonschema import DRAFT202012

        path = self.local_path(uri)
        located = self.document(path) if path is not None and is_file(path) else None
        if located is None or not isinstance(located.data, dict | bool):
            # attrs classes: mypy sees no generated __init__ without the attrs plugin
            raise NoSuchResource(ref=uri)  # type: ignore[call-arg]
        return Resource.from_contents(located.data, default_specification=DRAFT202012)

    def resolve(self, uri: str) -> Node | None:
        """The node an absolute URI (file URI plus optional ``#pointer``) names."""
        try:
            resolved = self.registry.resolver().lookup(uri)
        except Exception:  # untrusted schemas: referencing/jsonschema raise many kinds
            return None
        return Node(resolved.contents, resolved.resolver, uri.partition("#")[0], self.where(uri))

    def where(self, uri: str) -> Where:
        path = self.local_path(uri)
        located = self.structured(path) if path is not None and is_file(path) else None
        if located is None:
            return Where(path, ())
        return Where(path, pointer_into(located.data, uri.partition("#")[2]))

    def location(self, where: Where) -> Location | None:
        if where.path is None:
            return None
        located = self.structured(where.path)
        if located is None:
            return None
        return located.location(list(where.pointer))

    # -- following $ref and allOf ------------------------------------------------------------
    def follow(self, node: Node, ref: str) -> Node | None:
        try:
            resolved = node.resolver.lookup(ref)
        except Exception:  # untrusted schemas: referencing/jsonschema raise many kinds
            return None
        target = urljoin(node.base, ref)
        return Node(
            resolved.contents, resolved.resolver, target.partition("#")[0], self.where(target)
        )

    def parts(self, node: Node, depth: int = 0) -> list[Node]:
        """``node`` and every schema it brings in through ``$ref`` and ``allOf``."""
        if not isinstance(node.contents, dict) or depth > MAX_DEPTH:
            return []
        found = [node]
        ref = node.contents.get("$ref")
        if isinstance(ref, str):
            target = self.follow(node, ref)
            if target is not None:
                found.extend(self.parts(target, depth + 1))
        subs = node.contents.get("allOf")
        if isinstance(subs, list):
            for index, sub in enumerate(subs):
                child = Node(
                    sub,
                    node.resolver,
                    node.base,
                    Where(node.where.path, (*node.where.pointer, "allOf", index)),
                )
                found.extend(self.parts(child, depth + 1))
        return found


def _refs(data: Any) -> Iterator[tuple[Pointer, str]]:
    """(pointer of the holding object, ref) for every ``$ref`` string in ``data``."""
    stack: list[tuple[Any, Pointer]] = [(data, ())]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                yield pointer, ref
            for key, value in reversed(list(node.items())):
                if key not in NOT_SCHEMA_KEYS and isinstance(value, dict | list):
                    stack.append((value, (*pointer, key)))
        elif isinstance(node, list):
            for index in range(len(node) - 1, -1, -1):
                if isinstance(node[index], dict | list):
                    stack.append((node[index], (*pointer, index)))


def store(project: Project) -> SchemaStore:
    """The service's schema store (one per run)."""
    return project.cached("jsonschema:store", lambda: SchemaStore(project))
