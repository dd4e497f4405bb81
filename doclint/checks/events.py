"""DL5xx: EVENT_SCHEMAS.md and SYNC_CONTRACT.md against the event registry, and schema-linked
JSON examples in every doc (SPEC §4.5). DL92x: event registry and JSON Schema input."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from doclint.diagnostics import Finding, Location, Related, Severity
from doclint.project import Project
from doclint.registry import input_rule, rule
from doclint.sources.events import Event, EventsModel, events
from doclint.sources.jsonschema import SchemaStore, is_file, store
from doclint.sources.markdown import CodeBlock, Document, Section, Table
from doclint.sources.schema_types import Field, doc_type, fields_of, type_matches
from doclint.sources.structured import load_json
from doclint.text import heading_key, ident, yes_no

_NEEDS = ("events", "docs")
_EVENT_NAME = re.compile(r"[a-z][\w-]*(?:\.[\w-]+)*\.[a-z][\w-]*(?:\.[\w-]+)*")
_FILE_SUFFIXES = (".md", ".json", ".yaml", ".yml", ".sql", ".toml")
_DIRECTIVE = re.compile(r"^doclint:\s*schema\s*=\s*(\S+)\s*$")
_SYNC_SECTIONS = ("Snapshot", "Push")

for _id, _name, _doc in (
    (
        "DL921",
        "invalid-json-schema",
        """A JSON Schema is not valid for its declared `$schema` draft.

        Why: an invalid schema validates nothing, so the docs are compared with a broken source.
        Bad: `"type": "strng"`, or `"required": "tenant_id"` instead of a list.
        Fix: correct the schema at the line shown (2020-12 applies when `$schema` is absent).
        """,
    ),
    (
        "DL922",
        "schema-ref-not-local",
        """A `$ref` or schema reference is a URL or a path outside the repository.

        Why: doclint never fetches URLs or reads files outside the repository (inputs are
        untrusted), so the schema behind it cannot be checked.
        Bad: `"$ref": "https://schemas.example.com/money.json"` or `"../../other/x.json"`.
        Fix: vendor the schema into the repository and refer to it by a relative path.
        """,
    ),
    (
        "DL923",
        "schema-ref-unresolved",
        """A `$ref`, or an event's `schema`, names a local file or pointer that does not exist.

        Why: the payload's fields cannot be read, so they are not compared with the docs.
        Bad: `"$ref": "common.json#/$defs/Mony"` when the definition is `Money`.
        Fix: fix the path or pointer, or add the missing file or definition.
        """,
    ),
    (
        "DL924",
        "invalid-event-registry",
        """The event registry or AsyncAPI document is not in a form doclint reads.

        Why: events it cannot read are not compared with EVENT_SCHEMAS.md.
        Bad: a registry entry without `name`, `direction: outbound`, or `asyncapi: 1.2.0`.
        Fix: an `events:` list of entries with `name`, `schema` and `direction` (`publish` or
        `consume`), or an AsyncAPI 2.x/3.x document.
        """,
    ),
):
    input_rule(_id, _name, Severity.ERROR, ("events",), _doc)


# -- indexing the docs ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventSection:
    """A heading that names an event, and the event it names (None: not in the registry)."""

    document: Document
    section: Section
    name: str
    event: Event | None


@dataclass(frozen=True, slots=True)
class Example:
    """A fenced block linked to a schema: by a directive, or by the event section it is in.
    ``uri`` is None when the reference names no schema (``reason`` says why); ``block`` is
    None for a directive that no block follows; ``line`` is the directive's or the block's."""

    document: Document
    block: CodeBlock | None
    label: str
    uri: str | None
    reason: str | None
    line: int


def _looks_like_event(key: str) -> bool:
    return bool(_EVENT_NAME.fullmatch(key)) and not key.endswith(_FILE_SUFFIXES)


def event_sections(project: Project, document: Document) -> list[EventSection]:
    """Sections of ``document`` whose heading names an event (known or event-like)."""

    def build() -> list[EventSection]:
        model = events(project)
        found = []
        for section in document.sections:
            key = heading_key(section.heading.text)
            event = model.named(key) if model is not None else None
            if event is not None:
                found.append(EventSection(document, section, event.name, event))
            elif _looks_like_event(key):
                name = ident(section.heading.text).split()[0] if section.heading.text else key
                found.append(EventSection(document, section, name, None))
        return found

    return project.cached(f"events:sections:{document.path}", build)


def _event_schemas(project: Project) -> tuple[EventsModel, Document] | None:
    model = events(project)
    document = project.doc("EVENT_SCHEMAS.md")
    if model is None or document is None:
        return None
    return model, document


def _related(event: Event, message: str | None = None) -> tuple[Related, ...]:
    return (Related.at(event.location, message or f"{event.name} is declared here"),)


# -- events documented ----------------------------------------------------------------------


@rule("DL501", "event-undocumented", Severity.ERROR, needs=_NEEDS)
def event_undocumented(project: Project) -> Iterator[Finding]:
    """A published event has no section in EVENT_SCHEMAS.md.

    Why: consumers learn an event's payload from EVENT_SCHEMAS.md; an undocumented event is
    one nobody can integrate with safely.
    Bad: the registry publishes `ai.prompt.promoted.v1` and no heading names it.
    Fix: add a heading with the full event name (`### ai.prompt.promoted.v1`) followed by a
    fields table (Field, Type, Required, Description) and a `json` example.
    """
    found = _event_schemas(project)
    if found is None:
        return
    model, document = found
    documented = {s.event.name for s in event_sections(project, document) if s.event}
    anchor = document.section("Published events")
    line = anchor.line if anchor is not None else document.line_count
    for event in model.published:
        if event.name not in documented:
            yield Finding(
                Location(document.display, max(line, 1)),
                f"published event {event.name} is not documented; add a heading "
                f"'### {event.name}' with a fields table to {document.rel}",
                event.name,
                _related(event),
            )


@rule("DL502", "event-unknown", Severity.ERROR, needs=_NEEDS)
def event_unknown(project: Project) -> Iterator[Finding]:
    """EVENT_SCHEMAS.md documents an event the registry does not declare.

    Why: readers integrate with an event that is never published (or was renamed).
    Bad: `### ai.call.retried.v1` when the registry has no such event.
    Fix: add the event to the registry, fix the name, or remove the section.
    """
    found = _event_schemas(project)
    if found is None:
        return
    model, document = found
    names = [e.name for e in model.events]
    for entry in event_sections(project, document):
        if entry.event is not None:
            continue
        close = difflib.get_close_matches(entry.name, names, n=1, cutoff=0.75)
        hint = f" (did you mean {close[0]}?)" if close else ""
        yield Finding(
            Location(document.display, entry.section.line),
            f"event {entry.name} is documented but {model.display} does not declare it"
            f"{hint}; add it to the registry or remove the section",
            entry.name,
            (Related(model.display, 1, "the events the service declares"),),
        )


# -- fields ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _FieldsCase:
    entry: EventSection
    event: Event
    table: Table | None
    fields: tuple[Field, ...]


def _fields_cases(project: Project) -> list[_FieldsCase]:
    def build() -> list[_FieldsCase]:
        found = _event_schemas(project)
        if found is None:
            return []
        _, document = found
        schemas = store(project)
        cases = []
        for entry in event_sections(project, document):
            event = entry.event
            if event is None or event.schema is None:
                continue
            node = schemas.resolve(event.schema)
            if node is None:
                continue
            tables = [
                t
                for t in document.within(entry.section, document.tables)
                if t.has("column") and t.has("type")
            ]
            cases.append(
                _FieldsCase(entry, event, tables[0] if tables else None, fields_of(schemas, node))
            )
        return cases

    return project.cached("events:fields", build)


def _key(name: str) -> str:
    return name.replace("[]", "").replace("`", "").strip()


def _rows(case: _FieldsCase) -> Iterator[tuple[int, str, str | None, bool | None]]:
    """(line, field name, type cell, required) for each row of the fields table."""
    table = case.table
    if table is None:
        return
    for row in table.rows:
        name = ident(table.cell(row, "column") or "")
        if not name:
            continue
        required: bool | None = None
        cell = table.cell(row, "required")
        if cell is not None:
            required = yes_no(cell)
        else:
            cell = table.cell(row, "optional")
            if cell is not None:
                optional = yes_no(cell)
                required = None if optional is None else not optional
        yield row.line, name, table.cell(row, "type"), required


@rule("DL503", "event-fields-table-missing", Severity.ERROR, needs=_NEEDS)
def event_fields_table_missing(project: Project) -> Iterator[Finding]:
    """An event's section in EVENT_SCHEMAS.md has no fields table.

    Why: the fields table is how readers learn the payload without reading JSON Schema.
    Bad: `### ai.call.failed.v1` followed by prose only.
    Fix: add a table with Field, Type, Required and Description columns, one row per field
    (dotted names for nested fields, `items[].sku` for array items).
    """
    for case in _fields_cases(project):
        if case.table is None and case.fields:
            document = case.entry.document
            yield Finding(
                Location(document.display, case.entry.section.line),
                f"event {case.event.name} has no fields table; add one (Field, Type, "
                f"Required, Description) with its {len(case.fields)} fields",
                case.event.name,
                _related(case.event),
            )


@rule("DL504", "event-field-missing", Severity.ERROR, needs=_NEEDS)
def event_field_missing(project: Project) -> Iterator[Finding]:
    """A payload field of the schema is missing from the event's fields table.

    Why: consumers do not know the field exists, or what it means.
    Bad: the schema has `usage.cost_usd`; the table has no such row.
    Fix: add a row for the field with its type and whether it is required.
    """
    for case in _fields_cases(project):
        if case.table is None:
            continue
        documented = {_key(name) for _, name, _, _ in _rows(case)}
        document = case.entry.document
        for field in case.fields:
            if _key(field.path) not in documented:
                yield Finding(
                    Location(document.display, case.table.end_line),
                    f"field {field.path} ({field.type_text}) of {case.event.name} is not in "
                    "its fields table; add a row for it",
                    f"{case.event.name}#{field.path}",
                    (Related.at(field.location, f"{field.path} is defined here"),),
                )


@rule("DL505", "event-field-extra", Severity.ERROR, needs=_NEEDS)
def event_field_extra(project: Project) -> Iterator[Finding]:
    """The fields table documents a field the event's schema does not have.

    Why: consumers read a field that is never sent (often a renamed one).
    Bad: a row `usage.tokens` when the schema names it `usage.total_tokens`.
    Fix: rename the row to the schema's field, or remove it.
    """
    for case in _fields_cases(project):
        known = {_key(f.path): f for f in case.fields}
        document = case.entry.document
        for line, name, _, _ in _rows(case):
            if _key(name) in known:
                continue
            close = difflib.get_close_matches(_key(name), list(known), n=1, cutoff=0.75)
            hint = f" (did you mean {known[close[0]].path}?)" if close else ""
            yield Finding(
                Location(document.display, line),
                f"field {name} is documented for {case.event.name} but its schema has no such "
                f"field{hint}; fix or remove the row",
                f"{case.event.name}#{name}",
                _related(case.event, f"the schema of {case.event.name}"),
            )


@rule("DL506", "event-field-type-mismatch", Severity.ERROR, needs=_NEEDS)
def event_field_type_mismatch(project: Project) -> Iterator[Finding]:
    """A documented field's type differs from the schema's.

    Why: consumers parse the field as the wrong type.
    Bad: `input_tokens | number` when the schema says `"type": "integer"`.
    Fix: write the schema's type: `string`, `integer`, `number`, `boolean`, `object`,
    `array<T>` or `T[]`, formats as `string(uuid)` or `uuid`.
    """
    for case in _fields_cases(project):
        known = {_key(f.path): f for f in case.fields}
        document = case.entry.document
        for line, name, cell, _ in _rows(case):
            field = known.get(_key(name))
            documented = doc_type(cell or "")
            if field is None or documented is None or not field.types:
                continue
            if not any(type_matches(documented, actual) for actual in field.types):
                yield Finding(
                    Location(document.display, line),
                    f"field {field.path} of {case.event.name} is documented as "
                    f"'{ident(cell or '')}' but the schema says {field.type_text}; write "
                    f"{field.type_text}",
                    f"{case.event.name}#{field.path}",
                    (Related.at(field.location, f"{field.path} is {field.type_text} here"),),
                )


@rule("DL507", "event-field-required-mismatch", Severity.ERROR, needs=_NEEDS)
def event_field_required_mismatch(project: Project) -> Iterator[Finding]:
    """A documented field's Required flag differs from the schema's `required` list.

    Why: producers omit a field consumers rely on, or consumers reject valid events.
    Bad: `tenant_id | string(uuid) | no` when the schema lists it under `required`.
    Fix: mark it as the schema does (an empty cell means "not stated" and is not checked).
    """
    for case in _fields_cases(project):
        known = {_key(f.path): f for f in case.fields}
        document = case.entry.document
        for line, name, _, required in _rows(case):
            field = known.get(_key(name))
            if field is None or required is None or required == field.required:
                continue
            said, truth = ("required", "optional") if required else ("optional", "required")
            yield Finding(
                Location(document.display, line),
                f"field {field.path} of {case.event.name} is documented as {said} but the "
                f"schema makes it {truth}; mark it {truth}",
                f"{case.event.name}#{field.path}",
                (
                    Related.at(
                        field.required_at or field.location,
                        f"{field.path} is {truth} in the schema",
                    ),
                ),
            )


@rule("DL508", "consumed-event-unlisted", Severity.WARNING, needs=_NEEDS)
def consumed_event_unlisted(project: Project) -> Iterator[Finding]:
    """An event the service consumes is not listed under "Consumed events".

    Why: owners of the producing service need to know who depends on their events.
    Bad: the registry consumes `tenant.guest.erasure_requested.v1`; EVENT_SCHEMAS.md does not
    mention it under a "Consumed events" heading.
    Fix: add a "Consumed events" section naming each consumed event (a heading, list item or
    table row).
    """
    found = _event_schemas(project)
    if found is None:
        return
    model, document = found
    section = document.section("Consumed events")
    text = ""
    line = document.line_count
    if section is not None:
        line = section.line
        text = "\n".join(document.lines[section.line : section.end_line])
    for event in model.consumed:
        pattern = rf"(?<![\w.-]){re.escape(event.name)}(?![\w-]|\.\w)"
        if section is not None and re.search(pattern, text, re.IGNORECASE):
            continue
        where = "under it" if section is not None else "under a '## Consumed events' heading"
        yield Finding(
            Location(document.display, max(line, 1)),
            f'consumed event {event.name} is not listed under "Consumed events"; name it {where}',
            event.name,
            _related(event),
        )


# -- schema-linked examples -----------------------------------------------------------------


def examples(project: Project) -> list[Example]:
    """Every schema-linked example block of every doc, with the schema it links to."""
    return project.cached("events:examples", lambda: _find_examples(project))


def _find_examples(project: Project) -> list[Example]:
    found: list[Example] = []
    model = events(project)
    for document in project.docs():
        linked: set[int] = set()
        for comment in document.comments:
            match = _DIRECTIVE.match(comment.text)
            if match is None:
                continue
            block = _next_block(document, comment.line)
            ref = match.group(1)
            if block is None or block.line in linked:
                found.append(
                    Example(
                        document,
                        None,
                        ref,
                        None,
                        "is followed by no code block before the next heading; put the "
                        "example right after it",
                        comment.line,
                    )
                )
                continue
            linked.add(block.line)
            uri, reason = _resolve_ref(project, document, ref, comment.line, model)
            found.append(Example(document, block, ref, uri, reason, comment.line))
        if model is None:
            continue
        sections = event_sections(project, document)
        for block in document.code_blocks:
            if block.line in linked or block.language != "json":
                continue
            entry = _enclosing_event(sections, block.line)
            if entry is not None and entry.event is not None and entry.event.schema:
                found.append(
                    Example(document, block, entry.event.name, entry.event.schema, None, block.line)
                )
    return found


def _next_block(document: Document, line: int) -> CodeBlock | None:
    for block in document.code_blocks:
        if block.line > line:
            if any(line < h.line < block.line for h in document.headings):
                return None
            return block
    return None


def _enclosing_event(sections: list[EventSection], line: int) -> EventSection | None:
    best: EventSection | None = None
    for entry in sections:
        if entry.section.contains(line) and (
            best is None or entry.section.heading.level > best.section.heading.level
        ):
            best = entry
    return best


def _resolve_ref(
    project: Project, document: Document, ref: str, line: int, model: EventsModel | None
) -> tuple[str | None, str | None]:
    """(schema URI, None) for a directive's REF, or (None, why it names no schema)."""
    schemas = store(project)
    if ref.startswith("openapi#"):
        return _openapi_ref(project, schemas, ref)
    event = model.named(ref) if model is not None else None
    if event is not None:
        if event.schema is None:
            return None, f"event {event.name} has no readable payload schema"
        return event.schema, None
    file_part, _, fragment = ref.partition("#")
    location = Location(document.display, line)
    target = urljoin(schemas.uri(document.path), file_part)
    refused = schemas.refuse(target, location, f"schema reference '{ref}'")
    if refused is not None:
        project.add_problem(refused)
        return None, None
    for candidate in (target, urljoin(schemas.uri(project.root) + "/", file_part)):
        path = schemas.local_path(candidate)
        if path is not None and is_file(path):
            schemas.document(path)
            uri = f"{schemas.uri(path)}#{fragment}" if fragment else schemas.uri(path)
            if schemas.resolve(uri) is None:
                return None, f"'{ref}' points at nothing in {project.rel(path)}"
            return uri, None
    return None, (
        f"'{ref}' is neither a schema file (relative to {document.rel} or the service root), "
        "an event of the registry, nor openapi#/components/schemas/Name"
    )


def _openapi_ref(project: Project, schemas: SchemaStore, ref: str) -> tuple[str | None, str | None]:
    try:
        from doclint.sources.openapi import openapi
    except ImportError:
        return None, "this doclint cannot read OpenAPI documents"
    model = openapi(project)
    if model is None:
        return None, "the service has no OpenAPI document"
    path = project.files_read.get(model.display) or (project.cwd / Path(model.display))
    path = path.resolve()
    if not is_file(path):
        return None, f"the OpenAPI document {model.display} cannot be read"
    schemas.document(path, schema=False, refs=False)
    uri = schemas.uri(path) + ref[len("openapi") :]
    if schemas.resolve(uri) is None:
        return None, f"{model.display} has no {ref[len('openapi#') :] or 'schema'}"
    return uri, None


@rule("DL511", "example-invalid-json", Severity.ERROR, needs=_NEEDS)
def example_invalid_json(project: Project) -> Iterator[Finding]:
    """A schema-linked example is not valid JSON.

    Why: readers copy examples into requests and tests; a broken one cannot be validated.
    Bad: a trailing comma after the last property of a `json` block in an event's section.
    Fix: correct the syntax at the line shown.
    """
    for example in examples(project):
        document, block = example.document, example.block
        if example.uri is None or block is None:
            continue
        _, problems = load_json(block.content, document.display)
        for problem in problems:
            line = block.content_line + problem.finding.location.line - 1
            yield Finding(
                Location(document.display, line),
                f"example for {example.label} is not valid JSON: "
                f"{problem.finding.message.removeprefix('invalid JSON: ')}; fix the syntax",
                f"{document.rel}: example {example.label}",
            )


@rule("DL512", "example-schema-mismatch", Severity.ERROR, needs=_NEEDS)
def example_schema_mismatch(project: Project) -> Iterator[Finding]:
    """A schema-linked example does not validate against its schema.

    Why: an example is the first thing readers copy; a wrong one spreads the mistake.
    Examples are linked by being a `json` block in an event's section, or by a
    `<!-- doclint: schema=REF -->` comment right before the block (REF: a schema file, an
    event name, or `openapi#/components/schemas/Name`).
    Bad: `"input_tokens": "1200"` when the schema says integer.
    Fix: correct the value at the line shown (or the schema, if the example is right).
    """
    schemas = store(project)
    for example in examples(project):
        document, block = example.document, example.block
        if example.uri is None or block is None:
            continue
        located, problems = load_json(block.content, document.display)
        if located is None or problems:
            continue
        issues = schemas.validate(example.uri, located.data)
        schema_location = schemas.location(schemas.where(example.uri))
        related = (
            (Related.at(schema_location, f"the schema of {example.label}"),)
            if schema_location is not None
            else ()
        )
        for issue in issues or ():
            where = "/" + "/".join(str(p) for p in issue.pointer)
            line = block.content_line + located.line_of(list(issue.pointer)) - 1
            yield Finding(
                Location(document.display, line),
                f"example for {example.label} does not match its schema at {where}: "
                f"{issue.message}",
                f"{document.rel}: example {example.label} {where}",
                related,
            )


@rule("DL513", "example-schema-unknown", Severity.ERROR, needs=_NEEDS)
def example_schema_unknown(project: Project) -> Iterator[Finding]:
    """A `<!-- doclint: schema=REF -->` comment names no schema doclint can find.

    Why: the example after it is not validated at all.
    Bad: `<!-- doclint: schema=events/schemas/ai.call.complete.json -->` (a typo).
    Fix: name an existing schema file (relative to the doc or the service root), an event of
    the registry, or `openapi#/components/schemas/Name`; put the comment right before the
    block.
    """
    for example in examples(project):
        if example.uri is None and example.reason is not None:
            yield Finding(
                Location(example.document.display, example.line),
                f"schema reference '{example.label}' {_reason(example.reason)}",
                f"{example.document.rel}: schema={example.label}",
            )


def _reason(reason: str) -> str:
    return reason if reason.startswith("is ") else f"names no schema: {reason}"


@rule("DL514", "sync-example-missing", Severity.ERROR, needs=_NEEDS)
def sync_example_missing(project: Project) -> Iterator[Finding]:
    """A Snapshot or Push section of SYNC_CONTRACT.md has no schema-linked example.

    Why: desktop clients are built from these payloads; an example checked against the
    schema is the contract they can trust.
    Bad: a "Push" section describing the payload in prose only.
    Fix: add a `json` block preceded by `<!-- doclint: schema=REF -->` naming the payload's
    schema (a file, an event name or `openapi#/components/schemas/Name`).
    """
    document = project.doc("SYNC_CONTRACT.md")
    if document is None:
        return
    linked = [e for e in examples(project) if e.document.path == document.path and e.uri]
    for name in _SYNC_SECTIONS:
        section = document.section(name)
        if section is None:
            continue
        if not any(e.block is not None and section.contains(e.block.line) for e in linked):
            yield Finding(
                Location(document.display, section.line),
                f'the "{section.heading.text}" section of {document.rel} has no schema-linked '
                "example; add a json block preceded by <!-- doclint: schema=REF -->",
                f"{document.rel}#{name}",
            )
