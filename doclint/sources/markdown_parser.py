"""markdown-it configured for the model: inline parsing only where read, a table rule
emitting what the model reads; ``parse_markdown`` turns its tokens into a Document."""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from doclint.sources.markdown import (
    Block,
    CodeBlock,
    Comment,
    Document,
    Heading,
    Link,
    ListItem,
    Row,
    Section,
    Table,
)
from doclint.text import github_slug

_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)


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


# Inline syntax of the parser configured below: line breaks, backslash escapes, code spans,
# strikethrough, emphasis, links and images, autolinks and HTML, entities.
_INLINE_SYNTAX = re.compile(r"[\n\\`~*_\[!<&]")
# Inline text whose only syntax is single-backtick code spans and underscores between letters
# or digits (which neither open nor close emphasis) renders without the inline parser.
_SIMPLE_INLINE = re.compile(
    r"(?:`[^`\n]++`(?!`)|[^\n\\`~*_\[!<&]++|(?<=[0-9A-Za-z])_++(?=[0-9A-Za-z]))*+"
)
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_RENDERED = "doclint.rendered"
_ROW = "doclint.row"


def _code_text(match: re.Match[str]) -> str:
    """A code span's content as markdown-it renders it (one padding space each side dropped)."""
    code = match.group(1)
    if code.startswith(" ") and code.endswith(" ") and any(char != " " for char in code):
        return code[1:-1]
    return code


def _render_simple(content: str) -> str | None:
    """``_plain`` of what the inline parser would make of ``content``, when it is simple."""
    if _INLINE_SYNTAX.search(content) is None:
        return content.strip()
    if _SIMPLE_INLINE.fullmatch(content) is None:
        return None
    return _CODE_SPAN.sub(_code_text, content).strip()


def _inline_when_read(state: Any) -> None:
    """markdown-it's inline stage, run only where the model reads its result.

    A paragraph's text is taken raw, so a paragraph is parsed only when it may hold a link
    or an HTML comment. Other inline text (headings, table cells) that renders without the
    parser keeps its rendering in ``meta``; the rest is parsed as markdown-it would.
    """
    md = state.md
    env = state.env
    previous = ""
    for token in state.tokens:
        if token.type == "inline":
            content = token.content
            token.children = []
            if previous == "paragraph_open":
                if "[" in content or "<" in content:
                    md.inline.parse(content, md, env, token.children)
            else:
                rendered = _render_simple(content)
                if rendered is None:
                    md.inline.parse(content, md, env, token.children)
                else:
                    token.meta[_RENDERED] = rendered
        previous = token.type


def _rendered(token: Any) -> str:
    """Rendered text of an inline token (see ``_plain``)."""
    rendered: str | None = token.meta.get(_RENDERED)
    return _plain(token.children) if rendered is None else rendered


_DELIMITER_CELL = re.compile(r"^:?-+:?$")
# What markdown-it trims from cells (JavaScript's trim without U+FEFF) and how many missing
# cells it fills in before it ends a table; ``_parser`` checks they match the installed one.
_MD_TRIM = "\t\n\x0b\x0c\r \xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
_MD_TRIM += "\u2028\u2029\u202f\u205f\u3000"
_MAX_AUTOCOMPLETED_CELLS = 0x10000
# markdown-it's rules that may end a table (fence, blockquote, rule, list, HTML block and
# heading); each needs its own marker first on the line, so none ends it at a line that
# starts with '|'. Filled in by ``_parser``.
_PIPE_ROW_SAFE: frozenset[Any] = frozenset()


def _split_row(text: str) -> list[str]:
    """A table row's cells: split at pipes not escaped by a backslash (which is dropped)."""
    if "\\" not in text:
        cells = text.split("|")
    else:
        cells = []
        current = ""
        last = 0
        escaped = False
        for position, char in enumerate(text):
            if char == "|":
                if not escaped:
                    cells.append(current + text[last:position])
                    current = ""
                    last = position + 1
                else:
                    current += text[last : position - 1]
                    last = position
            escaped = char == "\\"
        cells.append(current + text[last:])
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return cells


def _table(state: Any, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it's GFM table rule, emitting only what the model reads: ``table_open``,
    then per row the tokens of ``_push_row``, then ``table_close``. Which lines form a table
    and how they split into cells is decided exactly as markdown-it decides it."""
    if start_line + 2 > end_line:
        return False
    next_line = start_line + 1
    if state.sCount[next_line] < state.blkIndent or state.is_code_block(next_line):
        return False
    src = state.src
    # the delimiter row: '|', '-', ':' and blanks only, not starting like a list item
    position = state.bMarks[next_line] + state.tShift[next_line]
    maximum = state.eMarks[next_line]
    if position + 1 >= maximum:
        return False
    first, second = src[position], src[position + 1]
    if first not in "|-:" or (second not in "|-: \t") or (first == "-" and second in " \t"):
        return False
    delimiters = src[position:maximum]
    if delimiters.strip("|-: \t"):
        return False
    columns = delimiters.split("|")
    aligned = 0
    for index, column in enumerate(columns):
        cell = column.strip(_MD_TRIM)
        if not cell:
            if index == 0 or index == len(columns) - 1:
                continue
            return False
        if not _DELIMITER_CELL.search(cell):
            return False
        aligned += 1
    header = src[state.bMarks[start_line] + state.tShift[start_line] : state.eMarks[start_line]]
    header = header.strip(_MD_TRIM)
    if "|" not in header or state.is_code_block(start_line):
        return False
    cells = _split_row(header)
    column_count = len(cells)
    if column_count == 0 or column_count != aligned:
        return False
    if silent:
        return True

    parent_type = state.parentType
    state.parentType = "table"
    terminators = state.md.block.ruler.getRules("blockquote")
    pipe_rows_continue = all(rule in _PIPE_ROW_SAFE for rule in terminators)
    token = state.push("table_open", "table", 1)
    token.map = table_lines = [start_line, 0]
    _push_row(state, start_line, cells, column_count)
    autocompleted = 0
    next_line = start_line + 2
    while next_line < end_line:
        if state.sCount[next_line] < state.blkIndent:
            break
        starts_with_pipe = src.startswith("|", state.bMarks[next_line] + state.tShift[next_line])
        if not (pipe_rows_continue and starts_with_pipe) and any(
            rule(state, next_line, end_line, True) for rule in terminators
        ):
            break
        line = src[state.bMarks[next_line] + state.tShift[next_line] : state.eMarks[next_line]]
        line = line.strip(_MD_TRIM)
        if not line or state.is_code_block(next_line):
            break
        cells = _split_row(line)
        autocompleted += column_count - len(cells)
        if autocompleted > _MAX_AUTOCOMPLETED_CELLS:
            break
        _push_row(state, next_line, cells, column_count)
        next_line += 1
    state.push("table_close", "table", -1)
    table_lines[1] = next_line
    state.parentType = parent_type
    state.line = next_line
    return True


def _push_row(state: Any, line: int, cells: list[str], column_count: int) -> None:
    """A row's tokens: ``tr_open`` holds (rendered cells, source cells, cells left to render)
    in ``meta``; each cell left to render follows, in order, as an ``inline`` token."""
    token = state.push("tr_open", "tr", 1)
    token.map = [line, line + 1]
    rendered: list[str] = []
    sources: list[str] = []
    pending: list[int] = []
    for index in range(column_count):
        content = cells[index].strip(_MD_TRIM) if index < len(cells) else ""
        simple = _render_simple(content)
        if simple is None:
            pending.append(index)
            cell = state.push("inline", "", 0)
            cell.map = [line, line + 1]
            cell.content = content
            cell.children = []
        rendered.append(simple or "")
        sources.append(content)
    token.meta[_ROW] = (rendered, sources, pending)
    state.push("tr_close", "tr", -1)


def _parser() -> Any:
    global _PIPE_ROW_SAFE
    from markdown_it import MarkdownIt, rules_block
    from markdown_it.common import utils

    parser = MarkdownIt("commonmark", {"maxNesting": 200}).enable("table").enable("strikethrough")
    parser.core.ruler.at("inline", _inline_when_read)
    table = importlib.import_module("markdown_it.rules_block.table")
    if set(getattr(utils, "MD_TRIM_CHARS", "")) == set(_MD_TRIM) and (
        getattr(table, "MAX_AUTOCOMPLETED_CELLS", None) == _MAX_AUTOCOMPLETED_CELLS
    ):
        chains = ("paragraph", "reference", "blockquote", "list")
        alt = [name for name in chains if table.table in parser.block.ruler.getRules(name)]
        parser.block.ruler.at("table", _table, {"alt": alt})
        _PIPE_ROW_SAFE = frozenset(
            (
                rules_block.fence,
                rules_block.blockquote,
                rules_block.hr,
                rules_block.list_block,
                rules_block.html_block,
                rules_block.heading,
            )
        )
    return parser


_PARSER: Any = None
# Tokens the model does not read: table cells and closing tokens whose opening was read.
_UNREAD = frozenset(
    (
        "th_open",
        "th_close",
        "td_open",
        "td_close",
        "thead_open",
        "thead_close",
        "tbody_open",
        "tbody_close",
        "paragraph_close",
        "heading_close",
        "blockquote_close",
    )
)


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
    table_line = table_end = 0
    headers: tuple[str, ...] = ()
    rows: list[Row] | None = None
    cells: list[str] | None = None
    raw: list[str] = []
    slots: list[int] = []
    row_line = 0
    pending_item: tuple[int, int, bool] | None = None
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "inline":
            if cells is not None:
                if slots:
                    cells[slots.pop()] = _rendered(token)
                else:
                    cells.append(_rendered(token))
                    raw.append(token.content.strip())
                line = row_line
            else:
                line = token.map[0] + 1 if token.map else 0
                if pending_item is not None and tokens[index - 1].type == "paragraph_open":
                    s, e, ordered = pending_item
                    items.append(ListItem(s, e, token.content, depth, ordered))
                    pending_item = None
            if token.children:
                _collect_inline(token.children, line, links, comments)
            continue
        if kind in _UNREAD:
            continue
        start = token.map[0] + 1 if token.map else 0
        end = token.map[1] if token.map else start
        if kind == "tr_open":
            row_line = start
            row = token.meta.get(_ROW)
            if row is None:
                cells, raw, slots = [], [], []
            else:
                cells, sources, slots = row
                raw = [source.strip() for source in sources]
                slots.reverse()
        elif kind == "tr_close" and rows is not None and cells is not None:
            if not headers:
                headers = tuple(cells)
            else:
                rows.append(Row(row_line, tuple(cells), tuple(raw)))
            cells = None
        elif kind == "heading_open":
            inline = tokens[index + 1]
            plain = _rendered(inline)
            base = github_slug(plain)
            count = slug_counts.get(base, 0)
            slug_counts[base] = count + 1
            slug = base if count == 0 else f"{base}-{count}"
            headings.append(Heading(int(token.tag[1:]), plain, inline.content, start, slug))
        elif kind == "paragraph_open":
            if not item_stack and rows is None:
                blocks.append(Block("paragraph", start, end))
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
        elif kind in ("bullet_list_open", "ordered_list_open"):
            list_ordered.append(kind == "ordered_list_open")
            if not item_stack:
                blocks.append(Block("list", start, end))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_ordered.pop()
        elif kind == "blockquote_open":
            if not item_stack:
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
            table_line, table_end = start, end
            headers, rows = (), []
            if not item_stack:
                blocks.append(Block("table", start, end))
        elif kind == "table_close" and rows is not None:
            tables.append(Table(table_line, table_end, headers, tuple(rows)))
            rows = None
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
