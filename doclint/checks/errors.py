"""DL4xx: ERROR_CODES.md, FAILURE_MODES.md, runbooks and OpenAPI agree (SPEC §4.4).

When ERROR_CODES.md or FAILURE_MODES.md is missing, missing-document (DL101) says so once and
these rules add nothing per code. A code is followed along one path: handled in FAILURE_MODES,
then run-booked, then used. While a code is not handled (no entry, or no FAILURE_MODES.md at
all), that is its one finding; the runbook and usage rules speak about it once it is handled.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from doclint.config import DEFAULT_CODE_PATTERN
from doclint.diagnostics import Finding, Location, Related, Severity
from doclint.project import Project
from doclint.registry import rule
from doclint.sources.errors import (
    ErrorCatalog,
    ErrorCode,
    ErrorsModel,
    Runbook,
    Runbooks,
    declarations,
    errors,
)

_NEEDS = ("docs", "errors")
_OPENAPI_NEEDS = ("docs", "errors", "openapi")


def _catalog(model: ErrorsModel) -> ErrorCatalog | None:
    """The catalog when it can be compared against: the document exists and is readable (a
    document without any code is an empty catalog)."""
    catalog = model.catalog
    return catalog if catalog is not None and catalog.unreadable_line is None else None


def _declared_here(entry: ErrorCode) -> Related:
    return Related.at(entry.location, f"{entry.code} is declared here")


def _unhandled(model: ErrorsModel) -> list[ErrorCode]:
    """Codes of the catalog with no FAILURE_MODES entry (none when either doc is missing)."""
    catalog = _catalog(model)
    if catalog is None or model.failure_modes is None:
        return []
    handled = model.failure_modes.by_code
    return [entry for code, entry in catalog.by_code.items() if code not in handled]


def _single_style(runbooks: Runbooks) -> bool:
    """Whether runbooks are sections of one document (and none is a file of its own)."""
    return runbooks.single is not None and not any(e.style == "file" for e in runbooks.entries)


def _runbook_rel(project: Project, runbooks: Runbooks, code: str) -> str:
    if runbooks.single is not None and _single_style(runbooks):
        return f'a section "{code}" of {runbooks.single.rel}'
    return project.rel(runbooks.file_for(code))


def _not_yet_handled(model: ErrorsModel, catalog: ErrorCatalog) -> set[str]:
    """Codes the runbook and usage rules leave alone: not handled in FAILURE_MODES.md, or
    every code when that document is missing (missing-document covers it)."""
    if model.failure_modes is None:
        return set(catalog.by_code)
    return {entry.code for entry in _unhandled(model)}


def _without_runbook(model: ErrorsModel) -> list[ErrorCode]:
    catalog = _catalog(model)
    if catalog is None:
        return []
    skip = _not_yet_handled(model, catalog)
    return [
        entry
        for code, entry in catalog.by_code.items()
        if code not in skip and model.runbooks.find(code) is None
    ]


@rule("DL401", "error-code-duplicate", Severity.ERROR, needs=_NEEDS)
def duplicate_code(project: Project) -> Iterator[Finding]:
    """ERROR_CODES.md lists the same code twice.

    Why: clients and on-call look a code up by name; two rows can disagree on its status
    and meaning.
    Bad: two `AI_RATE_LIMITED` rows, one with HTTP 429 and one with 503.
    Fix: keep one row per code; merge what the rows say.
    """
    catalog = _catalog(errors(project))
    if catalog is None:
        return
    first = catalog.by_code
    for entry in catalog.codes:
        original = first.get(entry.code)
        if original is not None and original is not entry:
            yield Finding(
                entry.location,
                f"error code {entry.code} is listed twice in {catalog.document.rel} (first at "
                f"line {original.line}); keep one row",
                entry.code,
                (Related.at(original.location, f"first row of {entry.code}"),),
            )


@rule("DL402", "error-code-invalid", Severity.ERROR, needs=_NEEDS)
def invalid_code(project: Project) -> Iterator[Finding]:
    """An ERROR_CODES.md code is empty or does not match `errors.code-pattern`.

    Why: codes are identifiers clients switch on; one naming scheme keeps them greppable
    and stable. The default pattern is upper-case segments joined by `_` or `-`, at least
    two of them.
    Bad: `budgetExceeded` or `AI budget exceeded`.
    Fix: rename the code to the pattern (`AI_BUDGET_EXCEEDED`), or set `errors.code-pattern`.
    """
    catalog = _catalog(errors(project))
    if catalog is None:
        return
    if catalog.pattern == DEFAULT_CODE_PATTERN:
        shape = "the code pattern (upper-case segments joined by _ or -, e.g. AI_BUDGET_EXCEEDED)"
    else:
        shape = f"errors.code-pattern `{catalog.pattern}`"
    for entry in catalog.codes:
        if entry.valid:
            continue
        if not entry.code:
            message = f"a row of {catalog.document.rel} has no code; write the code in it"
        else:
            message = f"error code '{entry.code}' does not match {shape}; rename it"
        yield Finding(entry.location, message, entry.code or f"{catalog.document.rel}:row")


@rule("DL403", "failure-mode-missing", Severity.ERROR, needs=_NEEDS)
def failure_mode_missing(project: Project) -> Iterator[Finding]:
    """A code of ERROR_CODES.md has no entry in FAILURE_MODES.md.

    Why: every error needs a stated response: what the caller sees, what the service does,
    whether on-call is paged. A code without a FAILURE_MODES entry has none.
    Bad: `AI_PROVIDER_TIMEOUT` in ERROR_CODES.md and nowhere in FAILURE_MODES.md.
    Fix: add a row to the FAILURE_MODES.md table (Code, Response), or a heading naming the
    code with a "Response" part. Its runbook is checked once it is handled.
    """
    model = errors(project)
    modes = model.failure_modes
    if modes is None:
        return
    for entry in _unhandled(model):
        also = ""
        if model.runbooks.find(entry.code) is None:
            also = f", then write its runbook ({_runbook_rel(project, model.runbooks, entry.code)})"
        if any(mode.style == "table" for mode in modes.entries) or not modes.entries:
            how = "add a row for it with its Response"
        else:
            how = 'add a heading naming it with a "Response" part'
        yield Finding(
            modes.add_location,
            f"error code {entry.code} has no entry in {modes.document.rel}; {how}{also}",
            entry.code,
            (_declared_here(entry),),
        )


@rule("DL404", "failure-mode-response-empty", Severity.ERROR, needs=_NEEDS)
def failure_mode_response_empty(project: Project) -> Iterator[Finding]:
    """A FAILURE_MODES.md entry states no Response.

    Why: the response (retry, fallback, page on-call, tell the tenant) is the point of the
    entry; an empty cell leaves the reader with nothing to do.
    Bad: `| AI_PROVIDER_TIMEOUT |  |` or a code heading without a "Response" part.
    Fix: write what the service, the caller and on-call do when the error happens.
    """
    modes = errors(project).failure_modes
    if modes is None:
        return
    seen: set[str] = set()
    for mode in modes.entries:
        if mode.responded or mode.code in seen:
            continue
        seen.add(mode.code)
        if mode.style == "table":
            message = f"the Response cell of {mode.code} in {modes.document.rel} is empty; write"
        elif mode.has_response_part:
            message = f'the "Response" part of {mode.code} in {modes.document.rel} is empty; write'
        else:
            message = f'{mode.code} in {modes.document.rel} has no "Response" part; add one with'
        yield Finding(
            mode.response_location,
            f"{message} what the service, the caller and on-call do",
            mode.code,
        )


@rule("DL405", "failure-mode-unknown-code", Severity.ERROR, needs=_NEEDS)
def failure_mode_unknown_code(project: Project) -> Iterator[Finding]:
    """FAILURE_MODES.md handles a code that ERROR_CODES.md does not list.

    Why: the code was renamed or removed, or the catalog is missing it; either way the two
    documents disagree about what the service returns.
    Bad: a FAILURE_MODES row for `AI_QUOTA_EXCEEDED` after the code became `AI_BUDGET_EXCEEDED`.
    Fix: correct the code, add it to ERROR_CODES.md, or delete the entry.
    """
    model = errors(project)
    catalog, modes = _catalog(model), model.failure_modes
    if catalog is None or modes is None:
        return
    known = catalog.by_code
    seen: set[str] = set()
    for mode in modes.entries:
        if mode.code in known or mode.code in seen:
            continue
        seen.add(mode.code)
        yield Finding(
            mode.location,
            f"{modes.document.rel} handles {mode.code}, which {catalog.document.rel} does not "
            f"list; correct the code, add it to {catalog.document.rel}, or remove the entry",
            mode.code,
            (Related.at(catalog.add_location, f"codes of {catalog.document.rel}"),),
        )


@rule("DL406", "runbook-missing", Severity.ERROR, needs=_NEEDS)
def runbook_missing(project: Project) -> Iterator[Finding]:
    """A code of ERROR_CODES.md has no runbook.

    Why: on-call opens the runbook named after the code from the alert; without one they
    start from nothing at 3 a.m.
    Bad: `AI_BUDGET_EXCEEDED` listed, no `docs/runbooks/AI_BUDGET_EXCEEDED.md`.
    Fix: write the runbook file (name from `errors.runbook-pattern`, any case), or a section
    headed by the code in the runbooks document, with Symptoms, Diagnosis, Mitigation and
    Escalation. A code not yet handled in FAILURE_MODES.md is reported there first.
    """
    model = errors(project)
    runbooks = model.runbooks
    sections = ", ".join(model.required_sections)
    for entry in _without_runbook(model):
        if runbooks.single is not None and _single_style(runbooks):
            document = runbooks.single
            where = Location(document.display, max(document.line_count, 1))
            what = f'add a section headed "{entry.code}" to {document.rel}'
        else:
            path = runbooks.file_for(entry.code)
            where = Location(project.display(path), 1)
            what = f"write {project.rel(path)}"
        yield Finding(
            where,
            f"error code {entry.code} has no runbook; {what} with the sections {sections}",
            entry.code,
            (_declared_here(entry),),
        )


def _runbooks_to_check(model: ErrorsModel) -> Iterator[Runbook]:
    """Runbooks of listed codes (a runbook of an unknown code is reported as such)."""
    catalog = _catalog(model)
    known = set(catalog.by_code) if catalog is not None else set()
    for runbook in model.runbooks.entries:
        if not known or runbook.code in known:
            yield runbook


def _runbook_name(runbook: Runbook) -> str:
    if runbook.style == "file":
        return runbook.document.rel
    return f'the runbook section "{runbook.code}" of {runbook.document.rel}'


@rule("DL407", "runbook-section-missing", Severity.ERROR, needs=_NEEDS)
def runbook_section_missing(project: Project) -> Iterator[Finding]:
    """A runbook lacks one of the runbook sections of the rule pack.

    Why: on-call reads every runbook the same way: Symptoms, Diagnosis, Mitigation,
    Escalation. A missing section is a question left open during an incident.
    Bad: a runbook that ends after "Mitigation", with no "Escalation".
    Fix: add the section (a heading below the runbook's title) and write it.
    """
    model = errors(project)
    for runbook in _runbooks_to_check(model):
        level = "##" if runbook.style == "file" else "#" * 4
        for name, part in zip(model.required_sections, runbook.parts, strict=True):
            if part is not None:
                continue
            yield Finding(
                Location(runbook.document.display, max(runbook.end_line, 1)),
                f'{_runbook_name(runbook)} has no "{name}" section; add "{level} {name}" '
                "with its content",
                f"{runbook.code}#{name}",
                (Related.at(runbook.location, f"runbook of {runbook.code}"),),
            )


@rule("DL408", "runbook-section-empty", Severity.ERROR, needs=_NEEDS)
def runbook_section_empty(project: Project) -> Iterator[Finding]:
    """A runbook section of the rule pack is present but empty.

    Why: a heading with nothing under it looks done in review and helps no one in an
    incident.
    Bad: `## Escalation` followed directly by the end of the file.
    Fix: write the section: who to page, after how long, with what information.
    """
    model = errors(project)
    for runbook in _runbooks_to_check(model):
        for part in runbook.parts:
            if part is None or part.has_content:
                continue
            yield Finding(
                Location(runbook.document.display, part.line),
                f'the "{part.name}" section of {_runbook_name(runbook)} is empty; write it',
                f"{runbook.code}#{part.name}",
            )


@rule("DL409", "runbook-unknown-code", Severity.WARNING, needs=_NEEDS)
def runbook_unknown_code(project: Project) -> Iterator[Finding]:
    """A runbook exists for a code that ERROR_CODES.md does not list.

    Why: the code was renamed or retired; a stale runbook sends on-call down the wrong path,
    or the catalog is missing a code the service still returns.
    Bad: `docs/runbooks/AI_QUOTA_EXCEEDED.md` after the code became `AI_BUDGET_EXCEEDED`.
    Fix: rename or delete the runbook, or add the code to ERROR_CODES.md.
    """
    model = errors(project)
    catalog = _catalog(model)
    if catalog is None:
        return
    known = catalog.by_code
    for runbook in model.runbooks.entries:
        if runbook.code in known:
            continue
        yield Finding(
            runbook.location,
            f"{_runbook_name(runbook)} is for {runbook.code}, which {catalog.document.rel} does "
            "not list; rename or remove the runbook, or add the code",
            runbook.code,
            (Related.at(catalog.add_location, f"codes of {catalog.document.rel}"),),
        )


@rule("DL410", "openapi-error-code-undocumented", Severity.ERROR, needs=_OPENAPI_NEEDS)
def openapi_code_undocumented(project: Project) -> Iterator[Finding]:
    """An error code that an OpenAPI response declares is missing from ERROR_CODES.md.

    Why: clients read the catalog to learn what each code means and whether to retry.
    Bad: `x-error-codes: [AI_QUOTA_EXCEEDED]` on a 429 response, no such row in ERROR_CODES.md.
    Fix: add a row for the code (Code, HTTP, Message, Retryable), or correct the spec.
    """
    catalog = _catalog(errors(project))
    found = declarations(project)
    if catalog is None or not found:
        return
    known = catalog.by_code
    missing: dict[str, list[Related]] = {}
    statuses: dict[str, set[str]] = {}
    for item in found:
        if item.code not in known:
            missing.setdefault(item.code, []).append(
                Related.at(item.location, f"{item.operation} response {item.status} declares it")
            )
            statuses.setdefault(item.code, set()).add(item.status)
    for code, related in missing.items():
        yield Finding(
            catalog.add_location,
            f"OpenAPI declares error code {code} (HTTP {', '.join(sorted(statuses[code]))}), which "
            f"{catalog.document.rel} does not list; add a row for it (Code, HTTP, Message, "
            "Retryable)",
            code,
            tuple(related),
        )


def _same_status(documented: str, declared: str) -> bool | None:
    """Whether two statuses agree; None when the OpenAPI one cannot be compared (default)."""
    declared = declared.upper()
    if not re.fullmatch(r"\d{3}|[1-5]XX", declared):
        return None
    if declared.endswith("XX") or documented.endswith("XX"):
        return declared[0] == documented[0]
    return declared == documented


@rule("DL411", "error-code-status-mismatch", Severity.ERROR, needs=_OPENAPI_NEEDS)
def status_mismatch(project: Project) -> Iterator[Finding]:
    """The HTTP status of a code in ERROR_CODES.md differs from the OpenAPI response declaring it.

    Why: clients branch on the status before they read the code; the catalog must tell them
    the status they will get.
    Bad: `AI_BUDGET_EXCEEDED | 429` while OpenAPI declares it on the 402 response.
    Fix: correct the HTTP column, or move the code to the right response in the spec.
    """
    catalog = _catalog(errors(project))
    found = declarations(project)
    if catalog is None or not found:
        return
    by_code: dict[str, list[Related]] = {}
    statuses: dict[str, list[str]] = {}
    for item in found:
        entry = catalog.by_code.get(item.code)
        if entry is None:
            continue
        same = _same_status(entry.status, item.status) if entry.status else False
        if same is False:
            by_code.setdefault(item.code, []).append(
                Related.at(item.location, f"{item.operation} declares it on {item.status}")
            )
            statuses.setdefault(item.code, []).append(item.status)
    for code, related in by_code.items():
        entry = catalog.by_code[code]
        declared = ", ".join(sorted(set(statuses[code])))
        if entry.status is None:
            message = (
                f"{catalog.document.rel} gives no HTTP status for {code}; OpenAPI returns it "
                f"with {declared}: write that status"
            )
        else:
            message = (
                f"{catalog.document.rel} gives HTTP {entry.status} for {code}, but OpenAPI "
                f"declares it on {declared}; correct the status or the spec"
            )
        yield Finding(entry.location, message, code, tuple(related))


@rule("DL412", "error-code-unused", Severity.INFO, needs=_OPENAPI_NEEDS)
def unused_code(project: Project) -> Iterator[Finding]:
    """A code of ERROR_CODES.md is declared by no OpenAPI response and named in no source file.

    Why: a code nothing returns is dead weight in the catalog, or the spec forgot to declare
    it. Checked only when there is an OpenAPI document or source to look in.
    Bad: `AI_LEGACY_QUOTA` in the catalog, in no `x-error-codes` list, in no file of `src/`.
    Fix: remove the code (and its failure mode and runbook), or declare it in OpenAPI.
    A code is reported here once it is handled in FAILURE_MODES.md and has its runbook.
    """
    model = errors(project)
    catalog = _catalog(model)
    if catalog is None:
        return
    found = declarations(project)
    declared = {item.code for item in found or ()}
    skip = _not_yet_handled(model, catalog) | {entry.code for entry in _without_runbook(model)}
    candidates = [
        entry
        for code, entry in catalog.by_code.items()
        if code not in declared and code not in skip and entry.valid
    ]
    if not candidates:
        return
    sources = project.glob(project.config.source)
    if found is None and not sources:
        return
    used = _used_in_source(project, sources, [entry.code for entry in candidates])
    for entry in candidates:
        if entry.code in used:
            continue
        yield Finding(
            entry.location,
            f"error code {entry.code} is declared by no OpenAPI response and named in no "
            "source file; remove it or declare it in the spec",
            entry.code,
        )


def _used_in_source(project: Project, paths: list[Path], codes: list[str]) -> set[str]:
    alternatives = "|".join(re.escape(code) for code in sorted(codes, key=len, reverse=True))
    pattern = re.compile(rf"(?<![A-Za-z0-9_])(?:{alternatives})(?![A-Za-z0-9_])")
    used: set[str] = set()
    for path in paths:
        text = project.read(path)
        if text is not None:
            used.update(pattern.findall(text.text))
        if len(used) == len(codes):
            break
    return used


@rule("DL413", "error-codes-table-missing", Severity.ERROR, needs=_NEEDS)
def codes_table_missing(project: Project) -> Iterator[Finding]:
    """ERROR_CODES.md lists codes, but not in a table with a Code and an HTTP column.

    Why: doclint reads the catalog from that table; without it no code can be checked
    against FAILURE_MODES.md, the runbooks or OpenAPI.
    Bad: codes written as a bullet list, or a table with `Code | Message` only.
    Fix: write the codes as a table `| Code | HTTP | Message | Retryable |`.
    """
    catalog = errors(project).catalog
    if catalog is None or catalog.unreadable_line is None:
        return
    document = catalog.document
    yield Finding(
        Location(document.display, catalog.unreadable_line),
        f"{document.rel} has no table with a Code and an HTTP column; write the codes as a "
        "table | Code | HTTP | Message | Retryable |",
        f"{document.rel}#codes",
    )
