"""DL2xx: API_CONTRACTS.md against the OpenAPI spec (SPEC §4.2), and the DL91x input rules."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial

from doclint.diagnostics import Finding, Location, Related, Severity
from doclint.project import Project
from doclint.registry import input_rule, rule
from doclint.sources.api_docs import DOC, ApiDoc, Details, DocItem, DocOperation, api_doc, details
from doclint.sources.markdown import Document
from doclint.sources.openapi import INVALID, NOT_OPENAPI, openapi
from doclint.sources.openapi_model import OpenApiModel, Operation, Response
from doclint.sources.openapi_refs import FORBIDDEN_REF, UNRESOLVED_REF

NEEDS = ("openapi", "docs")

input_rule(
    INVALID,
    "openapi-invalid",
    Severity.ERROR,
    ("openapi",),
    """The OpenAPI document does not validate (openapi-spec-validator's rules).

    Why: tools generate clients, servers and docs from the spec; an invalid one breaks them
    and makes every comparison with the docs doubtful.
    Bad: `required: [id, id]` (duplicates), or a path `{id}` with no `id` path parameter.
    Fix: correct the spec at the line shown.
    """,
)
input_rule(
    NOT_OPENAPI,
    "openapi-not-openapi",
    Severity.ERROR,
    ("openapi",),
    """The file found as the OpenAPI spec is not an OpenAPI 3.0 or 3.1 document.

    Why: doclint compares API_CONTRACTS.md with OpenAPI 3.x only.
    Bad: a Swagger 2.0 file, or a YAML file without a top-level `openapi` key.
    Fix: convert the spec to OpenAPI 3.x, or set `openapi` in the configuration to the spec.
    """,
)
input_rule(
    UNRESOLVED_REF,
    "openapi-ref-unresolved",
    Severity.ERROR,
    ("openapi",),
    """A `$ref` in the OpenAPI spec points to nothing, or to a cycle of references.

    Why: whatever the reference stands for is missing from the model, and from the checks.
    Bad: `$ref: '#/components/schemas/Sesion'`.
    Fix: point the reference at an existing component or local file.
    """,
)
input_rule(
    FORBIDDEN_REF,
    "openapi-ref-forbidden",
    Severity.ERROR,
    ("openapi",),
    """A `$ref` points to a URL, an absolute path or a file outside the repository.

    Why: inputs are untrusted; doclint never fetches a URL nor reads outside the repository.
    Bad: `$ref: 'https://example.com/schemas.yaml#/Error'`.
    Fix: copy the referenced document into the repository and refer to it by relative path.
    """,
)


def _in_scope(project: Project, path: str) -> bool:
    prefix = project.config.api_path_prefix.rstrip("/")
    return not prefix or path == prefix or path.startswith(prefix + "/")


@dataclass(slots=True)
class Match:
    """Spec operations paired with their documentation, and what is on one side only."""

    doc: ApiDoc
    model: OpenApiModel
    pairs: list[tuple[Operation, DocOperation]] = field(default_factory=list)
    undocumented: list[Operation] = field(default_factory=list)
    unknown: list[DocOperation] = field(default_factory=list)


def match(project: Project) -> Match | None:
    """Operations of the spec and of API_CONTRACTS.md, matched by method and path shape."""

    def load() -> Match | None:
        model = openapi(project)
        doc = api_doc(project)
        if model is None or doc is None:
            return None
        result = Match(doc, model)
        spec_ops = [op for op in model.operations if _in_scope(project, op.path)]
        by_key: dict[tuple[str, str], Operation] = {}
        for op in spec_ops:
            by_key.setdefault((op.method, op.shape), op)
        paired: set[int] = set()
        for documented in doc.operations:
            if not _in_scope(project, documented.path):
                continue
            found = by_key.get((documented.method, documented.shape))
            if found is None or id(found) in paired:
                result.unknown.append(documented)
            else:
                paired.add(id(found))
                result.pairs.append((found, documented))
        result.undocumented = [op for op in spec_ops if id(op) not in paired]
        return result

    return project.cached("api-match", load)


def related_to(location: Location, message: str) -> tuple[Related, ...]:
    return (Related.at(location, message),)


def _end(document: Document) -> Location:
    """The last line of the document that holds text: where a new section goes."""
    last = max(document.line_count, 1)
    while last > 1 and not document.lines[last - 1].strip():
        last -= 1
    return Location(document.display, last)


# -- operations -------------------------------------------------------------------------------
@rule("DL201", "api-operation-undocumented", Severity.ERROR, needs=NEEDS)
def operation_undocumented(project: Project) -> Iterator[Finding]:
    """An operation of the OpenAPI spec is not documented in API_CONTRACTS.md.

    Why: readers of the docs do not learn that the endpoint exists.
    Bad: the spec has `DELETE /v1/sessions/{id}`; API_CONTRACTS.md has no heading or row for it.
    Fix: add a `### DELETE /v1/sessions/{id}` section (or a row of the operations table) with
    its parameters, request body and responses.
    """
    result = match(project)
    if result is None:
        return
    for op in result.undocumented:
        yield Finding(
            _end(result.doc.document),
            f"{op.key} is not documented; add a '### {op.key}' section to {DOC} with its "
            "parameters, request body and responses",
            op.key,
            related_to(op.location, "the spec defines the operation here"),
        )


@rule("DL202", "api-operation-unknown", Severity.ERROR, needs=NEEDS)
def operation_unknown(project: Project) -> Iterator[Finding]:
    """API_CONTRACTS.md documents an operation the OpenAPI spec does not have.

    Why: readers call an endpoint that does not exist (renamed, removed, or a typo).
    Bad: `### GET /v1/session/{id}` when the spec has `GET /v1/sessions/{id}`.
    Fix: correct the method or path (see the "did you mean"), or remove the section.
    """
    result = match(project)
    if result is None:
        return
    spec_ops = [op for op in result.model.operations if _in_scope(project, op.path)]
    for documented in result.unknown:
        key = f"{documented.method} {documented.path}"
        hint, related = _did_you_mean(documented, spec_ops)
        yield Finding(
            Location(result.doc.document.display, documented.line),
            f"{key} is documented but {result.model.display} has no such operation{hint}",
            key,
            related,
        )


def _did_you_mean(
    documented: DocOperation, spec_ops: list[Operation]
) -> tuple[str, tuple[Related, ...]]:
    same_path = [op for op in spec_ops if op.shape == documented.shape]
    if same_path:
        methods = ", ".join(op.key for op in same_path)
        best = same_path[0]
        return f"; did you mean {methods}?", related_to(best.location, "similar operation")
    keys = {op.key: op for op in spec_ops}
    close = difflib.get_close_matches(f"{documented.method} {documented.path}", keys, 1, 0.6)
    if close:
        best = keys[close[0]]
        return f"; did you mean {best.key}?", related_to(best.location, "similar operation")
    return "; remove it or add the operation to the spec", ()


@rule("DL203", "api-path-parameter-name", Severity.ERROR, needs=NEEDS)
def path_parameter_name(project: Project) -> Iterator[Finding]:
    """A documented path names its path parameters differently from the spec.

    Why: `/v1/sessions/{id}` and `/v1/sessions/{sessionId}` are the same operation, but the
    parameter tables, examples and client code use the spec's name.
    Bad: `### GET /v1/sessions/{id}` when the spec path is `/v1/sessions/{sessionId}`.
    Fix: write the path as the spec does.
    """
    result = match(project)
    if result is None:
        return
    for op, documented in result.pairs:
        if documented.path != op.path:
            yield Finding(
                Location(result.doc.document.display, documented.line),
                f"{documented.method} {documented.path} names its path parameters differently "
                f"from the spec; write it as {op.path}",
                op.key,
                related_to(op.location, f"the spec's path is {op.path}"),
            )


@rule("DL217", "api-deprecated-unmarked", Severity.WARNING, needs=NEEDS)
def deprecated_unmarked(project: Project) -> Iterator[Finding]:
    """An operation the spec marks `deprecated: true` is not marked deprecated in the docs.

    Why: readers keep building on an endpoint that is going away.
    Bad: `### GET /v1/prompts/{id}/render` while the spec says `deprecated: true`.
    Fix: say "deprecated" in the heading or row (`### GET /v1/x (deprecated)`).
    """
    result = match(project)
    if result is None:
        return
    for op, documented in result.pairs:
        if op.deprecated and not documented.deprecated:
            yield Finding(
                Location(result.doc.document.display, documented.line),
                f"{op.key} is deprecated in the spec; mark it deprecated in its "
                f"{'heading' if documented.section else 'row'}",
                op.key,
                related_to(op.location, "the spec marks the operation deprecated"),
            )


def with_details(project: Project) -> Iterator[tuple[Operation, DocOperation, Details]]:
    result = match(project)
    if result is None:
        return
    document = result.doc.document
    for op, documented in result.pairs:
        section = documented.section
        if section is not None:
            key = f"api-details:{section.heading.line}"
            yield op, documented, project.cached(key, partial(details, document, section))


def table_end(found: Details, end: int) -> Location:
    return Location(found.anchor.path, end) if end else found.anchor


def _response_pairs(
    op: Operation, found: Details
) -> tuple[list[tuple[Response, DocItem]], list[Response], list[DocItem]]:
    spec = {r.status.upper(): r for r in op.responses}
    pairs, extra = [], []
    used: set[str] = set()
    for item in found.responses or []:
        candidate = spec.get(item.name)
        if candidate is None or item.name in used:
            extra.append(item)
        else:
            used.add(item.name)
            pairs.append((candidate, item))
    return pairs, [r for r in op.responses if r.status.upper() not in used], extra


@rule("DL213", "api-response-missing", Severity.ERROR, needs=NEEDS)
def response_missing(project: Project) -> Iterator[Finding]:
    """A response status of the spec operation is missing from its responses table.

    Why: callers do not handle an outcome the service produces (a 409, a 429).
    Bad: the spec has a 409 response; the Status table lists 200 and 404.
    Fix: add a row for the status, with its error codes.
    """
    for op, _, found in with_details(project):
        _, missing, _ = _response_pairs(op, found)
        for response in missing:
            codes = ", ".join(response.error_codes)
            also = f" with the error codes {codes}" if codes else ""
            yield Finding(
                table_end(found, found.responses_end),
                f"{op.key}: response {response.status} is not documented; add a row for it to "
                f"its responses table{also}",
                f"{op.key} {response.status}",
                related_to(response.location, "the spec declares the response here"),
            )


@rule("DL214", "api-response-extra", Severity.ERROR, needs=NEEDS)
def response_extra(project: Project) -> Iterator[Finding]:
    """A documented response status is not a response of the spec operation.

    Why: callers handle an outcome that never happens, and the docs hide the real ones.
    Bad: a `410` row when the spec declares 200, 404 and 409.
    Fix: remove the row, or add the response to the spec.
    """
    for op, _, found in with_details(project):
        _, _, extra = _response_pairs(op, found)
        for item in extra:
            yield Finding(
                Location(found.anchor.path, item.line),
                f"{op.key}: documented response {item.name} is not in the spec; remove the "
                "row or add the response to the spec",
                f"{op.key} {item.name}",
                related_to(op.location, "the spec's operation"),
            )


@rule("DL215", "api-error-code-missing", Severity.ERROR, needs=NEEDS)
def error_code_missing(project: Project) -> Iterator[Finding]:
    """A response's error code in the spec is missing from the response's Error codes cell.

    Why: callers cannot handle an error they do not know the service returns. Codes come from
    the response's `x-error-codes`, else the `enum` of its error schema's `code`, else the
    `code` of its examples.
    Bad: the 404 response declares `AI_SESSION_NOT_FOUND`; its row's Error codes cell is empty.
    Fix: list the code in the row's Error codes column (comma-separated).
    """
    for op, _, found in with_details(project):
        pairs, _, _ = _response_pairs(op, found)
        for response, item in pairs:
            if item.codes is None:
                continue
            for code, where in zip(
                response.error_codes, response.error_code_locations, strict=False
            ):
                if code not in item.codes:
                    yield Finding(
                        Location(found.anchor.path, item.line),
                        f"{op.key}: response {response.status} declares error code {code}; "
                        "add it to the row's Error codes",
                        code,
                        related_to(where, f"the spec declares {code} here"),
                    )


@rule("DL216", "api-error-code-extra", Severity.ERROR, needs=NEEDS)
def error_code_extra(project: Project) -> Iterator[Finding]:
    """A documented error code is not declared by that response in the spec.

    Why: callers handle an error the response never carries, or the spec forgot it.
    Bad: `AI_RATE_LIMITED` in the 404 row.
    Fix: remove the code from the row, or declare it on the response in the spec
    (`x-error-codes`).
    """
    for op, _, found in with_details(project):
        pairs, _, _ = _response_pairs(op, found)
        for response, item in pairs:
            for code in item.codes or ():
                if code not in response.error_codes:
                    yield Finding(
                        Location(found.anchor.path, item.line),
                        f"{op.key}: response {response.status} does not declare error code "
                        f"{code} in the spec; remove it from the row or declare it",
                        code,
                        related_to(response.location, "the spec's response"),
                    )


@rule("DL218", "api-example-invalid", Severity.WARNING, needs=("openapi",))
def example_invalid(project: Project) -> Iterator[Finding]:
    """An example in the OpenAPI spec does not validate against its schema.

    Why: generated docs and mock servers show examples readers copy; a wrong one misleads.
    Bad: `example: {max_tokens: "many"}` for a schema where `max_tokens` is an integer.
    Fix: correct the example (or the schema) at the line shown.
    """
    model = openapi(project)
    if model is None:
        return
    from doclint.sources.openapi_values import example_errors

    for example, message in example_errors(project, model):
        yield Finding(
            example.location,
            f"example of {example.label} does not match its schema: {message}",
            example.label,
            related_to(example.schema.location, "the schema it should match"),
        )
