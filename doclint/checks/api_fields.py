"""DL204–DL212: each operation's parameters and request body fields against the OpenAPI spec."""

from __future__ import annotations

from collections.abc import Iterator

from doclint.checks.api import NEEDS, related_to, table_end, with_details
from doclint.diagnostics import Finding, Location, Severity
from doclint.project import Project
from doclint.registry import rule
from doclint.sources.api_docs import Details, DocItem, DocOperation
from doclint.sources.openapi_model import Operation, Parameter, RequestField, path_params
from doclint.text import ident


def _renames(op: Operation, documented: DocOperation) -> dict[str, str]:
    """Documented path-parameter names mapped to the spec's, by position."""
    return dict(zip(path_params(documented.path), path_params(op.path), strict=False))


def _parameter_pairs(
    op: Operation, documented: DocOperation, found: Details
) -> tuple[list[tuple[Parameter, DocItem]], list[Parameter], list[DocItem]]:
    renames = _renames(op, documented)
    spec = {(p.name, p.where): p for p in op.parameters}
    spec_by_name = {p.name: p for p in op.parameters}
    pairs, extra = [], []
    used: set[tuple[str, str]] = set()
    for item in found.parameters or []:
        name = renames.get(item.name, item.name) if item.where == "path" else item.name
        candidate = spec.get((name, item.where)) or spec_by_name.get(name)
        if candidate is None or (candidate.name, candidate.where) in used:
            extra.append(item)
        else:
            used.add((candidate.name, candidate.where))
            pairs.append((candidate, item))
    missing = [p for p in op.parameters if (p.name, p.where) not in used]
    return pairs, missing, extra


@rule("DL204", "api-parameter-missing", Severity.ERROR, needs=NEEDS)
def parameter_missing(project: Project) -> Iterator[Finding]:
    """A parameter of a spec operation is missing from the operation's parameters table.

    Why: callers cannot know about a query, header or path parameter the docs leave out.
    Bad: the spec has a `limit` query parameter; the table lists only `cursor`.
    Fix: add a row (Name, In, Type, Required) for the parameter.
    """
    for op, documented, found in with_details(project):
        if found.parameters is None and not op.parameters:
            continue
        _, missing, _ = _parameter_pairs(op, documented, found)
        for parameter in missing:
            yield Finding(
                table_end(found, found.parameters_end),
                f"{op.key}: {parameter.where} parameter `{parameter.name}` is not documented; "
                f"add a row `{parameter.name} | {parameter.where} | {parameter.type.display} | "
                f"{'yes' if parameter.required else 'no'}` to its parameters table",
                f"{op.key} {parameter.where}:{parameter.name}",
                related_to(parameter.location, "the spec declares the parameter here"),
            )


@rule("DL205", "api-parameter-extra", Severity.ERROR, needs=NEEDS)
def parameter_extra(project: Project) -> Iterator[Finding]:
    """A documented parameter does not exist in the spec operation.

    Why: callers send a parameter the service ignores or rejects.
    Bad: a `page` row when the spec paginates with `cursor`.
    Fix: remove the row, or correct its name to the spec's.
    """
    for op, documented, found in with_details(project):
        _, _, extra = _parameter_pairs(op, documented, found)
        for item in extra:
            yield Finding(
                Location(found.anchor.path, item.line),
                f"{op.key}: documented parameter `{item.name}` is not in the spec; remove the "
                "row or correct the name",
                f"{op.key} {item.where}:{item.name}",
                related_to(op.location, "the spec's operation"),
            )


@rule("DL206", "api-parameter-in-mismatch", Severity.ERROR, needs=NEEDS)
def parameter_in(project: Project) -> Iterator[Finding]:
    """A documented parameter's `In` (path, query, header, cookie) differs from the spec.

    Why: callers put the value where the service does not read it.
    Bad: `X-Tenant-Id | query` when the spec says `in: header`.
    Fix: write the spec's location in the In column.
    """
    for op, documented, found in with_details(project):
        pairs, _, _ = _parameter_pairs(op, documented, found)
        for parameter, item in pairs:
            if item.where and item.where != parameter.where:
                yield Finding(
                    Location(found.anchor.path, item.line),
                    f"{op.key}: parameter `{parameter.name}` is in {parameter.where} in the "
                    f"spec, not {item.where}; write `{parameter.where}`",
                    f"{op.key} {parameter.where}:{parameter.name}",
                    related_to(parameter.location, "the spec declares the parameter here"),
                )


@rule("DL207", "api-parameter-required-mismatch", Severity.ERROR, needs=NEEDS)
def parameter_required(project: Project) -> Iterator[Finding]:
    """A documented parameter's Required flag differs from the spec.

    Why: callers omit a parameter the service requires, or always send an optional one.
    Bad: `limit | query | integer | no` when the spec says `required: true`.
    Fix: write the spec's flag in the Required column.
    """
    for op, documented, found in with_details(project):
        pairs, _, _ = _parameter_pairs(op, documented, found)
        for parameter, item in pairs:
            if item.required is not None and item.required != parameter.required:
                yield Finding(
                    Location(found.anchor.path, item.line),
                    f"{op.key}: parameter `{parameter.name}` is "
                    f"{'required' if parameter.required else 'optional'} in the spec; write "
                    f"`{'yes' if parameter.required else 'no'}` in its Required column",
                    f"{op.key} {parameter.where}:{parameter.name}",
                    related_to(parameter.location, "the spec declares the parameter here"),
                )


@rule("DL208", "api-parameter-type-mismatch", Severity.ERROR, needs=NEEDS)
def parameter_type(project: Project) -> Iterator[Finding]:
    """A documented parameter's type differs from the spec's schema type.

    Why: callers send a value of the wrong type. Types compare normalised: `string(uuid)`,
    `uuid` and `string <uuid>` are one type; `integer[]` is `array<integer>`.
    Bad: `limit | query | string` when the spec says `type: integer`.
    Fix: write the spec's type.
    """
    for op, documented, found in with_details(project):
        pairs, _, _ = _parameter_pairs(op, documented, found)
        for parameter, item in pairs:
            if item.type.strip() and not parameter.type.matches(item.type):
                yield Finding(
                    Location(found.anchor.path, item.line),
                    f"{op.key}: parameter `{parameter.name}` is {parameter.type.display} in the "
                    f"spec, not {ident(item.type)}; write `{parameter.type.display}`",
                    f"{op.key} {parameter.where}:{parameter.name}",
                    related_to(parameter.location, "the spec declares the parameter here"),
                )


def _field_pairs(
    op: Operation, found: Details
) -> tuple[list[tuple[RequestField, DocItem]], list[RequestField], list[DocItem]]:
    spec = {f.name: f for f in op.request_fields}
    pairs, extra = [], []
    used: set[str] = set()
    for item in found.fields or []:
        candidate = spec.get(item.name)
        if candidate is None or item.name in used:
            extra.append(item)
        else:
            used.add(item.name)
            pairs.append((candidate, item))
    return pairs, [f for f in op.request_fields if f.name not in used], extra


@rule("DL209", "api-request-field-missing", Severity.ERROR, needs=NEEDS)
def field_missing(project: Project) -> Iterator[Finding]:
    """A request-body field of the spec is missing from the operation's request table.

    Why: callers do not send a field the service needs, or never learn of an optional one.
    Bad: the spec's `CreateSessionRequest` has `model`; the Request table lacks it.
    Fix: add a row (Field, Type, Required) under the operation's "Request" heading; nested
    fields use dotted names (`limits.max_tokens`).
    """
    for op, _, found in with_details(project):
        _, missing, _ = _field_pairs(op, found)
        for spec_field in missing:
            yield Finding(
                table_end(found, found.fields_end),
                f"{op.key}: request field `{spec_field.name}` is not documented; add a row "
                f"`{spec_field.name} | {spec_field.type.display} | "
                f"{'yes' if spec_field.required else 'no'}` to its Request table",
                f"{op.key} body:{spec_field.name}",
                related_to(spec_field.location, "the spec declares the field here"),
            )


@rule("DL210", "api-request-field-extra", Severity.ERROR, needs=NEEDS)
def field_extra(project: Project) -> Iterator[Finding]:
    """A documented request-body field does not exist in the spec's request schema.

    Why: callers send a field the service ignores or rejects.
    Bad: a `temperature` row when the schema has no such property.
    Fix: remove the row, or correct the name to the spec's.
    """
    for op, _, found in with_details(project):
        _, _, extra = _field_pairs(op, found)
        for item in extra:
            yield Finding(
                Location(found.anchor.path, item.line),
                f"{op.key}: documented request field `{item.name}` is not in the spec's "
                "request body; remove the row or correct the name",
                f"{op.key} body:{item.name}",
                related_to(op.location, "the spec's operation"),
            )


@rule("DL211", "api-request-field-required-mismatch", Severity.ERROR, needs=NEEDS)
def field_required(project: Project) -> Iterator[Finding]:
    """A documented request-body field's Required flag differs from the spec's `required`.

    Why: callers omit a required field and get a 400, or always send an optional one.
    Bad: `prompt_id | string | no` when the schema lists `prompt_id` in `required`.
    Fix: write the spec's flag in the Required column.
    """
    for op, _, found in with_details(project):
        pairs, _, _ = _field_pairs(op, found)
        for spec_field, item in pairs:
            if item.required is not None and item.required != spec_field.required:
                yield Finding(
                    Location(found.anchor.path, item.line),
                    f"{op.key}: request field `{spec_field.name}` is "
                    f"{'required' if spec_field.required else 'optional'} in the spec; write "
                    f"`{'yes' if spec_field.required else 'no'}` in its Required column",
                    f"{op.key} body:{spec_field.name}",
                    related_to(spec_field.location, "the spec declares the field here"),
                )


@rule("DL212", "api-request-field-type-mismatch", Severity.ERROR, needs=NEEDS)
def field_type(project: Project) -> Iterator[Finding]:
    """A documented request-body field's type differs from the spec's schema type.

    Why: callers send a value of the wrong type. Types compare normalised (see DL208).
    Bad: `max_tokens | string` when the schema says `type: integer`.
    Fix: write the spec's type.
    """
    for op, _, found in with_details(project):
        pairs, _, _ = _field_pairs(op, found)
        for spec_field, item in pairs:
            if item.type.strip() and not spec_field.type.matches(item.type):
                yield Finding(
                    Location(found.anchor.path, item.line),
                    f"{op.key}: request field `{spec_field.name}` is {spec_field.type.display} "
                    f"in the spec, not {ident(item.type)}; write `{spec_field.type.display}`",
                    f"{op.key} body:{spec_field.name}",
                    related_to(spec_field.location, "the spec declares the field here"),
                )
