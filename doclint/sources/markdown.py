"""Markdown documents as a model with 1-based lines: headings and their sections, tables,
list items, fenced code, links and HTML comments (SPEC §3)."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from doclint.text import column_role, heading_key

MAX_NESTING = 50
_CONTAINER = re.compile(r"[ \t]{0,3}(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))[ \t]?")
_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")


def nesting_depth(text: str) -> tuple[int, int]:
    """An upper bound of the blockquote and list nesting of ``text`` and the line where it
    first goes over ``MAX_NESTING`` (else where it peaks); fenced code is skipped. The parser
    stops nesting silently at its own limit, so deeper documents are reported beforehand."""
    best, best_line, first_over = 0, 1, 0
    fence = ""
    for number, line in enumerate(text.split("\n"), start=1):
        opening = _FENCE.match(line)
        if opening:
            marker = opening.group(1)
            if not fence:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = ""
            continue
        if fence:
            continue
        expanded = line.expandtabs(4) if "\t" in line else line
        body = expanded.lstrip(" ")
        markers, position = 0, 0
        while True:
            match = _CONTAINER.match(body, position)
            if match is None or match.end() == position or markers > MAX_NESTING:
                break
            markers += 1
            position = match.end()
        depth = markers + (len(expanded) - len(body)) // 2 if markers else 0
        if depth > MAX_NESTING and not first_over:
            first_over = number
        if depth > best:
            best, best_line = depth, number
    return best, first_over or best_line


# Tables repeat the same few header names, and rules look columns up by the same names.
_key_of = functools.lru_cache(maxsize=4096)(heading_key)


@functools.lru_cache(maxsize=4096)
def _header(header: str) -> tuple[str, str | None]:
    """A table header's comparable form and the role it names."""
    return _key_of(header), column_role(header)


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    source: str
    line: int
    slug: str
    _key: str | None = field(default=None, init=False, compare=False, repr=False)

    @property
    def key(self) -> str:
        key = self._key
        if key is None:
            key = heading_key(self.text)
            object.__setattr__(self, "_key", key)
        return key


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    cells: tuple[str, ...]
    raw: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    line: int
    end_line: int
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    # Derived once from the headers: rules look columns up for every row they read.
    keys: tuple[str, ...] = field(default=(), init=False, compare=False, repr=False)
    role_columns: tuple[tuple[str, int], ...] = field(
        default=(), init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        roles: dict[str, int] = {}
        keys = []
        for index, header in enumerate(self.headers):
            key, role = _header(header)
            keys.append(key)
            if role is not None and role not in roles:
                roles[role] = index
        object.__setattr__(self, "keys", tuple(keys))
        object.__setattr__(self, "role_columns", tuple(roles.items()))

    @property
    def roles(self) -> dict[str, int]:
        return dict(self.role_columns)

    def column(self, *names: str) -> int | None:
        """Index of the first column whose role or normalised header is one of ``names``."""
        for name in names:
            for role, index in self.role_columns:
                if role == name:
                    return index
            key = _key_of(name)
            if key in self.keys:
                return self.keys.index(key)
        return None

    def has(self, *names: str) -> bool:
        return self.column(*names) is not None

    def cell(self, row: Row, *names: str) -> str | None:
        """The cell of ``row`` in the first column named (by role or header), else None."""
        index = self.column(*names)
        if index is None or index >= len(row.cells):
            return None
        return row.cells[index]


@dataclass(frozen=True, slots=True)
class ListItem:
    line: int
    end_line: int
    text: str
    depth: int
    ordered: bool


@dataclass(frozen=True, slots=True)
class CodeBlock:
    line: int
    end_line: int
    info: str
    content: str

    @property
    def language(self) -> str:
        return self.info.split()[0].lower() if self.info.split() else ""

    @property
    def content_line(self) -> int:
        """Line of the first content line (the line after the opening fence)."""
        return self.line + 1


@dataclass(frozen=True, slots=True)
class Link:
    line: int
    target: str
    text: str


@dataclass(frozen=True, slots=True)
class Comment:
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class Block:
    """A top-level or nested block: paragraph, list, table, code, html, blockquote, hr."""

    kind: str
    line: int
    end_line: int


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and everything until the next heading of the same or a higher level."""

    heading: Heading
    end_line: int

    @property
    def line(self) -> int:
        return self.heading.line

    def contains(self, line: int) -> bool:
        return self.heading.line < line <= self.end_line


T = TypeVar("T", Heading, Table, ListItem, CodeBlock, Link, Comment, Block)

# a Document's sequences that are sorted by line, so ``within`` can bisect them
_IN_LINE_ORDER = ("headings", "tables", "list_items", "code_blocks", "comments", "blocks")


def _section_line(section: Section) -> int:
    return section.heading.line


def _line(item: Heading | Table | ListItem | CodeBlock | Link | Comment | Block) -> int:
    return item.line


@dataclass(frozen=True, slots=True)
class Document:
    """One parsed markdown file. ``rel`` is its POSIX path relative to the service root."""

    path: Path
    display: str
    rel: str
    line_count: int
    headings: tuple[Heading, ...] = ()
    tables: tuple[Table, ...] = ()
    list_items: tuple[ListItem, ...] = ()
    code_blocks: tuple[CodeBlock, ...] = ()
    links: tuple[Link, ...] = ()
    comments: tuple[Comment, ...] = ()
    blocks: tuple[Block, ...] = ()
    lines: tuple[str, ...] = field(default=(), repr=False)
    sections: tuple[Section, ...] = ()

    def find_sections(self, name: str, level: int | None = None) -> list[Section]:
        """Sections whose heading matches ``name`` (SPEC §3 comparison)."""
        key = _key_of(name)
        return [
            s
            for s in self.sections
            if s.heading.key == key and (level is None or s.heading.level == level)
        ]

    def section(self, name: str, level: int | None = None) -> Section | None:
        found = self.find_sections(name, level)
        return found[0] if found else None

    def section_at(self, line: int) -> Section | None:
        """The innermost section that holds ``line``."""
        # sections nest, so the innermost one holding ``line`` is the last to start at or
        # before it, unless that one has ended (then ``line`` is past the document's end)
        index = bisect.bisect_right(self.sections, line, key=_section_line) - 1
        if index < 0 or self.sections[index].end_line < line:
            return None
        return self.sections[index]

    def subsections(self, section: Section) -> list[Section]:
        """Sections one level below ``section`` inside it."""
        level = section.heading.level + 1
        return [
            s
            for s in self.sections
            if s.heading.level == level and section.contains(s.heading.line)
        ]

    def within(self, section: Section, items: Iterable[T], own: bool = False) -> list[T]:
        """Items inside ``section``; with ``own``, only those before its first sub-heading."""
        end = section.end_line
        if own:
            for heading in self.headings:
                if section.contains(heading.line):
                    end = heading.line - 1
                    break
        start = section.heading.line
        if any(items is getattr(self, name) for name in _IN_LINE_ORDER):
            ordered: Sequence[T] = items  # type: ignore[assignment]  # one of self's tuples
            first = bisect.bisect_right(ordered, start, key=_line)
            return list(ordered[first : bisect.bisect_right(ordered, end, lo=first, key=_line)])
        return [item for item in items if start < item.line <= end]

    def has_content(self, section: Section) -> bool:
        """Whether a section holds text, a list, a table or a code block (sub-sections count)."""
        return any(block.kind != "html" for block in self.within(section, self.blocks))

    @property
    def anchors(self) -> frozenset[str]:
        return frozenset(h.slug for h in self.headings)


def iter_lines(document: Document, start: int, end: int) -> Iterator[tuple[int, str]]:
    """(line number, text) for lines ``start``..``end`` inclusive of ``document``."""
    for number in range(max(start, 1), min(end, len(document.lines)) + 1):
        yield number, document.lines[number - 1]
