"""Project: one service, with lazily parsed and cached views of its inputs."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from doclint.config import Config
from doclint.diagnostics import Finding, Location, Problem
from doclint.sources.files import TextFile, display_path, is_inside, read_text

if TYPE_CHECKING:
    from doclint.cache import Models
    from doclint.sources.markdown import Document
    from doclint.sources.structured import Located

T = TypeVar("T")

SKIP_DIRS = frozenset({".git", "node_modules", ".doclint_cache", "__pycache__", ".venv", "venv"})


class Project:
    """One service: its root, configuration and every input, each read and parsed once."""

    def __init__(self, root: Path, config: Config, cwd: Path | None = None) -> None:
        self.root = root.resolve()
        self.config = config
        self.cwd = (cwd or Path.cwd()).resolve()
        self.problems: list[Problem] = []
        self.files_read: dict[str, Path] = {}
        self._texts: dict[tuple[Path, bool], TextFile | None] = {}
        self._cache: dict[str, Any] = {}
        self._disk: Models | None = None

    def __reduce__(self) -> Any:
        raise TypeError("a Project is never pickled (cached values must not hold one)")

    def enable_cache(self) -> None:
        """Keep the models that are safe to cache in ``.doclint_cache/`` (SPEC §5.7)."""
        from doclint.cache import models

        self._disk = models(self)

    # -- paths ---------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.display(self.root) or "."

    @property
    def repo_root(self) -> Path:
        """The repository holding the service (nearest folder with ``.git``), else the root."""
        for folder in (self.root, *self.root.parents):
            if (folder / ".git").exists():
                return folder
        return self.root

    def display(self, path: Path) -> str:
        """Path as shown in reports: POSIX, relative to the working directory."""
        shown = display_path(path, self.cwd)
        return "." if shown == "" else shown

    def rel(self, path: Path) -> str:
        """POSIX path relative to the service root."""
        return display_path(path, self.root)

    def path(self, rel: str) -> Path:
        return self.root / rel

    def first_existing(self, configured: str | None, candidates: Iterable[str]) -> Path | None:
        """The configured path, else the first default candidate that exists."""
        if configured is not None:
            return self.root / configured
        for candidate in candidates:
            path = self.root / candidate
            if path.exists():
                return path
        return None

    def glob(self, patterns: Iterable[str]) -> list[Path]:
        """Files under the root matching any of ``patterns`` (``dir/**`` means every file)."""
        found: set[Path] = set()
        for pattern in patterns:
            if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
                continue  # never look outside the service (the configuration rejects these)
            if pattern.endswith("**"):
                pattern += "/*"
            for path in self.root.glob(pattern):
                parts = path.relative_to(self.root).parts
                if any(p in SKIP_DIRS or p.startswith(".") for p in parts[:-1]):
                    continue
                if path.is_file() and is_inside(path, self.root):
                    found.add(path)
        return sorted(found)

    # -- reading ---------------------------------------------------------------------------
    def add_problem(self, problem: Problem) -> None:
        self.problems.append(problem)

    def read(self, path: Path, within_repo: bool = False) -> TextFile | None:
        """The text of ``path``, read once; unreadable files become DL901 problems. A file
        must lie inside the service, or with ``within_repo`` inside its repository (a
        ``$ref`` to a schema shared by several services)."""
        if self._disk is not None:
            self._disk.touched(path)
        key = (path, within_repo)
        if key in self._texts:
            return self._texts[key]
        shown = self.display(path)
        boundary = self.repo_root if within_repo else self.root
        result = read_text(path, shown, boundary, self.config.max_file_size)
        text: TextFile | None
        if isinstance(result, Problem):
            self.add_problem(result)
            text = None
        else:
            text = result
            self.files_read[shown] = path
        self._texts[key] = text
        return text

    def cached(self, key: str, factory: Callable[[], T]) -> T:
        """Compute ``factory()`` once per run under ``key`` (on disk too, with the cache on)."""
        if self._disk is not None:
            return self._disk.cached(key, factory, self._cache)
        if key not in self._cache:
            self._cache[key] = factory()
        value: T = self._cache[key]
        return value

    def structured(self, path: Path, within_repo: bool = False) -> Located | None:
        """YAML or JSON at ``path`` with node lines; problems are recorded, None returned.
        ``within_repo`` as for ``read``."""

        def load() -> Located | None:
            from doclint.sources.structured import load_structured  # YAML only when needed

            text = self.read(path, within_repo)
            if text is None:
                return None
            located, problems = load_structured(text.text, text.display)
            for problem in problems:
                self.add_problem(problem)
            return located

        return self.cached(f"structured:{path}", load)

    def markdown(self, path: Path) -> Document | None:
        """The parsed markdown document at ``path``, or None if it is missing or unreadable."""

        def load() -> Document | None:
            from doclint.sources.markdown import MAX_NESTING, nesting_depth
            from doclint.sources.markdown_parser import parse_markdown

            if not path.is_file():
                return None
            text = self.read(path)
            if text is None:
                return None
            depth, line = nesting_depth(text.text)
            if depth > MAX_NESTING:
                from doclint.sources.structured import TOO_DEEP

                self.add_problem(
                    Problem(
                        TOO_DEEP,
                        Finding(
                            Location(text.display, line),
                            f"lists or blockquotes nest more than {MAX_NESTING} levels "
                            "deep; doclint reads only the outer levels — flatten them",
                            text.display,
                        ),
                    )
                )
            return parse_markdown(text.text, path, text.display, self.rel(path))

        return self.cached(f"markdown:{path}", load)

    # -- docs ------------------------------------------------------------------------------
    @property
    def docs_dir(self) -> Path:
        return self.root / self.config.docs

    def doc(self, name: str) -> Document | None:
        """A document of the docs folder by file name (``API_CONTRACTS.md``)."""
        return self.markdown(self.docs_dir / name)

    def doc_path(self, name: str) -> Path:
        return self.docs_dir / name

    def docs(self) -> list[Document]:
        """Every markdown document under the docs folder, sorted by path."""

        def load() -> list[Document]:
            if not self.docs_dir.is_dir():
                return []
            paths = sorted(
                p
                for p in self.docs_dir.rglob("*.md")
                if not any(
                    part in SKIP_DIRS or part.startswith(".")
                    for part in p.relative_to(self.docs_dir).parts[:-1]
                )
            )
            return [doc for doc in (self.markdown(p) for p in paths) if doc is not None]

        return self.cached("docs", load)
