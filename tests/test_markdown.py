"""The markdown model (SPEC §3) and the shared matching helpers."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doclint.sources.markdown import iter_lines
from doclint.sources.markdown_parser import parse_markdown
from doclint.text import column_role, github_slug, heading_key, ident, strip_markup, yes_no

SOURCE = """# Data model

Intro with a [link](OTHER.md#part) and
a second [one](#columns) on line 4. <!-- doclint-disable-next-line DL301 -->

## Table `ai_calls` — main table

| Column | Data type | Required | Default |
|---|---|---|---|
| `id` | uuid | yes | |
| tenant_id | uuid | ✓ | gen() |

### Columns

- first item
  - nested item
- second item

```bash title="setup"
make setup
```

## Table `ai_calls` — main table

<!--
doclint-disable DL1
-->
"""


@pytest.fixture
def document():  # type: ignore[no-untyped-def]
    return parse_markdown(SOURCE, Path("DATA_MODEL.md"), "docs/DATA_MODEL.md", "docs/DATA_MODEL.md")


def test_headings_keep_level_text_line_and_github_slugs(document) -> None:  # type: ignore[no-untyped-def]
    assert [(h.level, h.text, h.line, h.slug) for h in document.headings] == [
        (1, "Data model", 1, "data-model"),
        (2, "Table ai_calls — main table", 6, "table-ai_calls--main-table"),
        (3, "Columns", 13, "columns"),
        (2, "Table ai_calls — main table", 23, "table-ai_calls--main-table-1"),
    ]
    assert document.headings[1].source == "Table `ai_calls` — main table"
    assert document.headings[1].key == "table ai_calls"


def test_sections_run_to_the_next_heading_of_same_or_higher_level(document) -> None:  # type: ignore[no-untyped-def]
    sections = {(s.heading.text, s.line): s.end_line for s in document.sections}
    assert sections[("Data model", 1)] == document.line_count
    assert sections[("Table ai_calls — main table", 6)] == 22
    assert sections[("Columns", 13)] == 22
    section = document.find_sections("table ai_calls")[0]
    assert document.subsections(section)[0].heading.text == "Columns"
    assert document.section_at(15).heading.text == "Columns"
    assert document.section("Missing") is None
    assert document.has_content(section)
    assert not document.has_content(document.sections[-1])


def test_tables_have_header_roles_and_cells(document) -> None:  # type: ignore[no-untyped-def]
    table = document.tables[0]
    assert table.line == 8
    assert table.headers == ("Column", "Data type", "Required", "Default")
    assert [row.line for row in table.rows] == [10, 11]
    assert table.rows[0].cells == ("id", "uuid", "yes", "")
    assert table.rows[0].raw[0] == "`id`"
    assert table.column("column") == 0
    assert table.column("type") == 1
    assert table.column("nullable") is None
    assert table.has("required") and not table.has("nullable")
    assert table.cell(table.rows[1], "default") == "gen()"
    assert table.cell(table.rows[1], "nullable") is None
    assert table.column("Default") == 3


def test_list_items_code_links_comments(document) -> None:  # type: ignore[no-untyped-def]
    assert [(i.line, i.text, i.depth) for i in document.list_items] == [
        (15, "first item", 1),
        (16, "nested item", 2),
        (17, "second item", 1),
    ]
    block = document.code_blocks[0]
    assert (block.line, block.content_line, block.language, block.content) == (
        19,
        20,
        "bash",
        "make setup\n",
    )
    assert [(link.line, link.target) for link in document.links] == [
        (3, "OTHER.md#part"),
        (4, "#columns"),
    ]
    assert [(c.line, c.text) for c in document.comments] == [
        (4, "doclint-disable-next-line DL301"),
        (25, "doclint-disable DL1"),
    ]
    assert document.anchors >= {"columns", "data-model"}
    assert list(iter_lines(document, 1, 2)) == [(1, "# Data model"), (2, "")]


def test_within_own_stops_at_first_subheading(document) -> None:  # type: ignore[no-untyped-def]
    section = document.find_sections("Table ai_calls")[0]
    assert len(document.within(section, document.tables, own=True)) == 1
    assert len(document.within(section, document.list_items, own=True)) == 0
    assert len(document.within(section, document.list_items)) == 3


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("**Purpose**", "purpose"),
        ("`Egress`:", "egress"),
        ("Use cases — overview", "use cases"),
        ("Use cases - overview", "use cases"),
        ("Metrics (OTel)", "metrics"),
        ("  Multi-tenancy  ", "multi-tenancy"),
        ("_SLOs_", "slos"),
    ],
)
def test_heading_key(text: str, key: str) -> None:
    assert heading_key(text) == key


def test_cells_and_identifiers() -> None:
    assert ident(" `ai_calls` ") == "ai_calls"
    assert strip_markup("**`x`**") == "x"
    assert [yes_no(v) for v in ("Yes", "n", "✓", "✗", "-", "", "maybe", "TRUE")] == [
        True,
        False,
        True,
        False,
        False,
        None,
        None,
        True,
    ]
    assert column_role("HTTP status") == "status"
    assert column_role("Route") == "path"
    assert column_role("Wat") is None


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Multi-tenancy", "multi-tenancy"),
        ("What's new? (v2)", "whats-new-v2"),
        ("POST /v1/sessions", "post-v1sessions"),
        ("Ünïcode Title", "ünïcode-title"),
        ("snake_case name", "snake_case-name"),
    ],
)
def test_github_slug(text: str, slug: str) -> None:
    assert github_slug(text) == slug


def test_list_item_starting_with_code_block_and_empty_document() -> None:
    doc = parse_markdown("- ```\n  x\n  ```\n", Path("a.md"), "a.md", "a.md")
    assert [(i.line, i.text) for i in doc.list_items] == [(1, "")]
    empty = parse_markdown("", Path("b.md"), "b.md", "b.md")
    assert empty.headings == () and empty.line_count == 0


def _every_markdown_file() -> list[Path]:
    repo = Path(__file__).resolve().parent.parent
    return sorted([*repo.glob("sample_service/**/*.md"), *repo.glob("tests/fixtures/**/*.md")])


def test_within_bisects_the_same_items_as_a_scan() -> None:
    names = ("headings", "tables", "list_items", "code_blocks", "comments", "blocks")
    checked = 0
    for path in _every_markdown_file():
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        doc = parse_markdown(text, path, path.name, path.name)
        for name in names:
            items = getattr(doc, name)
            assert [i.line for i in items] == sorted(i.line for i in items), (path, name)
            for section in doc.sections:
                scan = [i for i in items if section.heading.line < i.line <= section.end_line]
                assert doc.within(section, items) == scan
                assert doc.within(section, list(items)) == scan
                checked += len(scan)
    assert checked > 1000


def test_section_at_finds_the_innermost_section_like_a_scan() -> None:
    def scan(doc, line):  # type: ignore[no-untyped-def]
        best = None
        for section in doc.sections:
            if section.heading.line <= line <= section.end_line and (
                best is None or section.heading.level >= best.heading.level
            ):
                best = section
        return best

    jumps = "intro\n# A\n### B\ntext\n## C\n#### D\n\n# E\n##### F\nend\n"
    docs = [parse_markdown(jumps, Path("J.md"), "J.md", "J.md")]
    for path in _every_markdown_file():
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        docs.append(parse_markdown(text, path, path.name, path.name))
    checked = 0
    for doc in docs:
        for line in range(0, doc.line_count + 3):
            assert doc.section_at(line) == scan(doc, line), (doc.display, line)
            checked += 1
    assert checked > 1000


def _stock_parser():  # type: ignore[no-untyped-def]
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"maxNesting": 200}).enable("table").enable("strikethrough")


def _stock_model(text: str):  # type: ignore[no-untyped-def]
    """Headings, table cells, links and comments as markdown-it's own rules produce them."""
    from doclint.sources.markdown_parser import _plain

    tokens = _stock_parser().parse(text)
    headings, tables, links, comments = [], [], [], []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            headings.append((token.map[0] + 1, _plain(tokens[index + 1].children)))
        elif token.type == "table_open":
            tables.append((token.map[0] + 1, token.map[1], []))
        elif token.type == "tr_open":
            tables[-1][2].append((token.map[0] + 1, [], []))
        elif token.type == "html_block":
            comments += [c.strip() for c in re.findall(r"<!--(.*?)-->", token.content, re.S)]
        elif token.type == "inline" and token.children is not None:
            if tokens[index - 1].type in ("th_open", "td_open"):
                tables[-1][2][-1][1].append(_plain(token.children))
                tables[-1][2][-1][2].append(token.content.strip())
            for child in token.children:
                if child.type == "link_open":
                    links.append(child.attrs["href"])
                elif child.type == "html_inline" and child.content.startswith("<!--"):
                    comments.append(child.content[4:-3].strip())
    return headings, tables, links, comments


def _model(text: str):  # type: ignore[no-untyped-def]
    doc = parse_markdown(text, Path("T.md"), "T.md", "T.md")
    tables = [
        (
            t.line,
            t.end_line,
            [(t.line, list(t.headers), list(t.headers))]
            + [(r.line, list(r.cells), list(r.raw)) for r in t.rows],
        )
        for t in doc.tables
    ]
    raw_headers = _stock_model(text)[1]
    # the model keeps header cells rendered only; take their raw text from markdown-it
    for table, stock in zip(tables, raw_headers, strict=False):
        table[2][0] = (table[2][0][0], table[2][0][1], stock[2][0][2])
    return (
        [(h.line, h.text) for h in doc.headings],
        tables,
        [link.target for link in doc.links],
        [c.text for c in doc.comments],
    )


TRICKY_INLINE = [
    "plain words",
    "snake_case name",
    "`code`",
    "`a_b` and `c`",
    "` padded `",
    "`  `",
    "`a``b`",
    "``double``",
    "a_`b`",
    "`b`_a",
    "_emphasis_",
    "__strong__",
    "*star* and **bold**",
    "~~struck~~",
    "a \\| b",
    "\\_not emphasis\\_",
    "&amp; &copy; &#35;",
    "x < y > z",
    "<b>tag</b>",
    "<!-- note --> text",
    "[link](target.md#part)",
    "![image `alt`](p.png)",
    "<https://example.com>",
    "a_b_c_",
    "é_x",
    "trailing `",
    "`unclosed",
    "1. not a list",
]


@pytest.mark.parametrize("inline", TRICKY_INLINE)
def test_headings_cells_and_links_render_as_markdown_it_does(inline: str) -> None:
    text = f"# {inline}\n\n| {inline} | b |\n|---|---|\n| {inline} | x |\n\n{inline}\n"
    assert _model(text) == _stock_model(text)


TABLES = [
    "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 |\n| 4 | 5 | 6 |\n",
    "a | b\n:-- | --:\n1 | 2\n",
    "| a |\n|:-:|\n| `x|y` |\n| x \\| y |\n\nafter\n",
    "| a | b |\n|---|\n| 1 | 2 |\n",
    "| a |\n|---||---|\n",
    "| a |\n| - |\n",
    "| a |\n|- -|\n",
    "text before\n| a | b |\n|---|---|\n| 1 | 2 |\n# heading ends it\n",
    "| a |\n|---|\n| 1 |\n- a list ends it\n",
    "| a |\n|---|\n| 1 |\n```\nfence\n```\n",
    "| a |\n|---|\n| 1 |\n> quote\n",
    "| a |\n|---|\n| 1 |\n<div>html</div>\n",
    "| a |\n|---|\n| 1 |\n***\n",
    "| a |\n|---|\n    | indented row |\n",
    "    | a |\n    |---|\n",
    "- | a | b |\n  |---|---|\n  | 1 | 2 |\n- next\n",
    "> | a |\n> |---|\n> | 1 |\nlazy | line\n",
    "| a\u00a0|\u2003b |\n|---|---|\n|\u2028x | y\u3000|\n",
    "|a|\n|---|\n||\n|  |\n",
    "| a |\n|---|\n\n| b |\n|---|\n",
    "| only header |\n|---|\n",
    "-|-\n",
    "| a |\n|---|\n|\n| b |\n   | c |\n|> d |\n",
    "no pipe in the header\n|---|\n",
    "|" + "|".join(["h"] * 300) + "|\n" + "|-" * 300 + "|\n" + "| x |\n" * 230,
]


@pytest.mark.parametrize("text", TABLES)
def test_tables_are_found_and_split_as_markdown_it_does(text: str) -> None:
    assert _model(text) == _stock_model(text)


def test_the_library_table_rule_is_kept_when_its_limits_differ(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import doclint.sources.markdown_parser as markdown_parser

    monkeypatch.setattr(markdown_parser, "_MAX_AUTOCOMPLETED_CELLS", 5)
    monkeypatch.setattr(markdown_parser, "_PARSER", None)
    parser = markdown_parser._parser()
    assert markdown_parser._table not in parser.block.ruler.getRules("")
    markdown_parser._PARSER = parser
    for text in TABLES:
        assert _model(text) == _stock_model(text)
    monkeypatch.setattr(markdown_parser, "_MAX_AUTOCOMPLETED_CELLS", 0x10000)
    assert markdown_parser._table in markdown_parser._parser().block.ruler.getRules("paragraph")


def test_rows_are_checked_for_a_block_that_ends_the_table_without_the_shortcut(
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    import doclint.sources.markdown_parser as markdown_parser

    markdown_parser.parse_markdown("", Path("x.md"), "x.md", "x.md")
    monkeypatch.setattr(markdown_parser, "_PIPE_ROW_SAFE", frozenset())
    for text in TABLES:
        assert _model(text) == _stock_model(text)


def test_headings_compute_their_key_once() -> None:
    doc = parse_markdown("# `Errors` — overview\n", Path("E.md"), "E.md", "E.md")
    heading = doc.headings[0]
    assert heading.key == "errors" and heading.key is heading.key
    assert doc.find_sections("errors") == [doc.sections[0]]
    assert heading == dataclasses.replace(heading)


_PIECES = ["a", "b_c", "_", "`", "`x`", "*", "~~", "\\", "|", "[l](u)", "<", "&amp;", " ", "é", "!"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=8).map("".join))
def test_any_cell_or_heading_renders_as_markdown_it_does(inline: str) -> None:
    text = f"# {inline}\n\n| h | {inline} |\n|---|---|\n| {inline} | x |\n\n{inline}\n"
    assert _model(text) == _stock_model(text)
