"""Markdown documents as a model with 1-based lines: headings and their sections, tables,
list items, fenced code, links and HTML comments (SPEC §3)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from doclint.text import column_role, github_slug, heading_key

_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)

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


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    source: str
    line: int
    slug: str

    @property
    def key(self) -> str:
        return heading_key(self.text)


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
        for index, header in enumerate(self.headers):
            role = column_role(header)
            if role is not None and role not in roles:
                roles[role] = index
        object.__setattr__(self, "keys", tuple(heading_key(h) for h in self.headers))
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
            key = heading_key(name)
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
        key = heading_key(name)
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


def _plain(children: Sequence[Any] | None) -> str:
    """Rendered text of inline tokens: markup dropped, code spans kept, comments dropped."""
    out: list[str] = []
    for child in children or ():
        if child.type in ("text", "code_inline") or (
            child.type == "html_inline" and not child.content.startswith("<!--")
        ):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "image":
            out.append(_plain(child.children))
    return "".join(out).strip()


def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"maxNesting": 200}).enable("table").enable("strikethrough")


_PARSER: Any = None


def parse_markdown(text: str, path: Path, display: str, rel: str) -> Document:
    """Parse ``text`` (LF line endings) into a Document."""
    global _PARSER
    if _PARSER is None:
        _PARSER = _parser()
    tokens = _PARSER.parse(text)
    lines = text.split("\n")
    headings: list[Heading] = []
    tables: list[Table] = []
    items: list[ListItem] = []
    codes: list[CodeBlock] = []
    links: list[Link] = []
    comments: list[Comment] = []
    blocks: list[Block] = []
    slug_counts: dict[str, int] = {}
    depth = 0
    item_stack: list[tuple[int, int, bool]] = []
    list_ordered: list[bool] = []
    table: dict[str, Any] | None = None
    row: list[tuple[str, str]] | None = None
    row_line = 0
    pending_item: tuple[int, int, bool] | None = None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        start = token.map[0] + 1 if token.map else 0
        end = token.map[1] if token.map else start
        if kind == "heading_open":
            inline = tokens[i + 1]
            plain = _plain(inline.children)
            base = github_slug(plain)
            count = slug_counts.get(base, 0)
            slug_counts[base] = count + 1
            slug = base if count == 0 else f"{base}-{count}"
            headings.append(Heading(int(token.tag[1:]), plain, inline.content, start, slug))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            list_ordered.append(kind == "ordered_list_open")
            if not item_stack:
                blocks.append(Block("list", start, end))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_ordered.pop()
        elif kind == "list_item_open":
            depth = len(list_ordered)
            pending_item = (start, end, list_ordered[-1] if list_ordered else False)
            item_stack.append(pending_item)
        elif kind == "list_item_close":
            if pending_item is not None:
                s, e, ordered = pending_item
                items.append(ListItem(s, e, "", depth, ordered))
                pending_item = None
            item_stack.pop()
        elif kind == "paragraph_open" and not item_stack and table is None:
            blocks.append(Block("paragraph", start, end))
        elif kind == "blockquote_open" and not item_stack:
            blocks.append(Block("blockquote", start, end))
        elif kind == "hr":
            blocks.append(Block("hr", start, end))
        elif kind == "fence" or kind == "code_block":
            codes.append(CodeBlock(start, end, token.info.strip(), token.content))
            if not item_stack:
                blocks.append(Block("code", start, end))
        elif kind == "html_block":
            for match in _COMMENT.finditer(token.content):
                line = start + token.content.count("\n", 0, match.start())
                comments.append(Comment(line, match.group(1).strip()))
            if not item_stack and not _COMMENT.fullmatch(token.content.strip()):
                blocks.append(Block("html", start, end))
        elif kind == "table_open":
            table = {"line": start, "end": end, "headers": (), "rows": []}
            if not item_stack:
                blocks.append(Block("table", start, end))
        elif kind == "tr_open":
            row = []
            row_line = start
        elif kind == "tr_close" and table is not None and row is not None:
            plain_cells = tuple(cell for cell, _ in row)
            raw_cells = tuple(raw for _, raw in row)
            if not table["headers"]:
                table["headers"] = plain_cells
            else:
                table["rows"].append(Row(row_line, plain_cells, raw_cells))
            row = None
        elif kind == "table_close" and table is not None:
            tables.append(
                Table(table["line"], table["end"], table["headers"], tuple(table["rows"]))
            )
            table = None
        elif kind == "inline":
            line = start
            if row is not None:
                row.append((_plain(token.children), token.content.strip()))
                line = row_line
            elif pending_item is not None and tokens[i - 1].type == "paragraph_open":
                s, e, ordered = pending_item
                items.append(ListItem(s, e, token.content, depth, ordered))
                pending_item = None
            _collect_inline(token.children or (), line, links, comments)
        i += 1
    # A list item whose first child was not a paragraph was recorded at its close; keep order.
    items.sort(key=lambda item: (item.line, item.depth))
    line_count = len(lines) - 1 if lines and lines[-1] == "" else len(lines)
    return Document(
        path=path,
        display=display,
        rel=rel,
        line_count=line_count,
        headings=tuple(headings),
        tables=tuple(tables),
        list_items=tuple(items),
        code_blocks=tuple(codes),
        links=tuple(links),
        comments=tuple(sorted(comments, key=lambda c: c.line)),
        blocks=tuple(blocks),
        lines=tuple(lines),
        sections=_sections(headings, line_count),
    )


def _sections(headings: Sequence[Heading], line_count: int) -> tuple[Section, ...]:
    result = []
    open_sections: list[tuple[Heading, int]] = []
    ends: dict[int, int] = {}
    for index, heading in enumerate(headings):
        while open_sections and open_sections[-1][0].level >= heading.level:
            _, opened = open_sections.pop()
            ends[opened] = heading.line - 1
        open_sections.append((heading, index))
    for _, opened in open_sections:
        ends[opened] = line_count
    for index, heading in enumerate(headings):
        result.append(Section(heading, ends[index]))
    return tuple(result)


def _collect_inline(
    children: Sequence[Any], line: int, links: list[Link], comments: list[Comment]
) -> None:
    current = line
    index = 0
    while index < len(children):
        child = children[index]
        if child.type in ("softbreak", "hardbreak"):
            current += 1
        elif child.type == "link_open":
            href = child.attrs.get("href", "")
            text_parts = []
            index += 1
            while index < len(children) and children[index].type != "link_close":
                text_parts.append(children[index].content)
                index += 1
            links.append(Link(current, str(href), "".join(text_parts)))
        elif child.type == "html_inline":
            for match in _COMMENT.finditer(child.content):
                comments.append(Comment(current, match.group(1).strip()))
        index += 1


def iter_lines(document: Document, start: int, end: int) -> Iterator[tuple[int, str]]:
    """(line number, text) for lines ``start``..``end`` inclusive of ``document``."""
    for number in range(max(start, 1), min(end, len(document.lines)) + 1):
        yield number, document.lines[number - 1]
