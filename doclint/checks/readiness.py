"""DL70x: SERVICE_READINESS.md (SPEC §4.8): documentation claims against the other rules'
findings, item links, and the sign-off."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

from doclint.checks.template import link_issue
from doclint.diagnostics import Finding, Location, Related, Severity
from doclint.engine import results
from doclint.project import Project
from doclint.readiness import Checklist, checklist, documentation_status
from doclint.registry import rule
from doclint.text import ident

#: The rules ``doclint check --strict`` reports as errors.
STRICT_RULES = ("DL704", "DL705")

_RESULTS = ("docs", "results")
_PLACEHOLDER = re.compile(
    r"^(?:|-+|—|–|\?+|n/?a|none|tbd|todo|fixme|\(to fill\)|to fill|yyyy-mm-dd|<[^>]*>|\[[^\]]*\])$",
    re.IGNORECASE,
)


@rule("DL701", "readiness-claim-contradicted", Severity.ERROR, needs=_RESULTS)
def claim_contradicted(project: Project) -> Iterator[Finding]:
    """A Documentation item of SERVICE_READINESS.md says `yes` while its doc has errors.

    Why: the checklist gates production; a `yes` that doclint can disprove is a false gate.
    The count covers every enabled rule's errors in that document. A document that is
    missing is reported once, as missing-document.
    Bad: `| [DATA_MODEL.md](DATA_MODEL.md) matches Flyway migrations | yes |` while
    DATA_MODEL.md has 3 errors.
    Fix: fix the document's errors, or mark the item `no` (`doclint readiness --write`).
    """
    found = checklist(project)
    if found is None:
        return
    for row in documentation_status(project, results(project)):
        item = row.item
        if item is None or item.status is not True or not row.exists or row.errors == 0:
            continue
        noun, them = ("error", "it") if row.errors == 1 else ("errors", "them")
        yield Finding(
            Location(found.document.display, item.line),
            f"item claims yes, but {row.name} has {row.errors} {noun} "
            f"({', '.join(row.error_rules)}); fix {them} or mark the item no",
            f"readiness {row.name}",
            tuple(Related(d.path, d.line, f"{d.rule}: {d.message}") for d in row.first_errors),
        )


@rule("DL702", "readiness-claim-understated", Severity.INFO, needs=_RESULTS)
def claim_understated(project: Project) -> Iterator[Finding]:
    """A Documentation item says `no` while doclint finds no error in its doc.

    Why: the item may be ready to tick; doclint checks what it can (the doc matches its
    sources), and the rest of the item is for a person to judge.
    Bad: `| [ERROR_CODES.md](ERROR_CODES.md) complete | no |` with a clean ERROR_CODES.md.
    Fix: mark the item `yes` once the rest of the item holds.
    """
    found = checklist(project)
    if found is None:
        return
    for row in documentation_status(project, results(project)):
        item = row.item
        if item is None or item.status is not False or not row.status:
            continue
        yield Finding(
            Location(found.document.display, item.line),
            f"item says no, but doclint finds no errors in {row.name}; mark it yes if the "
            "rest of the item holds",
            f"readiness {row.name}",
        )


@rule("DL703", "readiness-item-link-broken", Severity.ERROR, needs=("docs",))
def item_link_broken(project: Project) -> Iterator[Finding]:
    """A link in a readiness checklist item does not resolve (file or `#anchor`).

    Why: each item links to the artifact that proves it; a broken link proves nothing.
    Bad: `| [Runbooks](runbook/) for every error code | yes |` when the folder is `runbooks/`.
    Fix: point the link at the existing file, folder or heading.
    """
    found = checklist(project)
    if found is None:
        return
    document = found.document
    for item in found.items:
        for link in item.links:
            issue = link_issue(project, document, link.target)
            if issue is not None:
                yield Finding(
                    Location(document.display, link.line),
                    f"checklist item '{_short(item.text)}': {issue.message}",
                    f"{document.rel} -> {link.target.strip()}",
                    issue.related,
                )


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _signoff_date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(ident(text))
    except ValueError:
        return None


@rule("DL704", "readiness-signoff-stale", Severity.WARNING, needs=("docs",))
def signoff_stale(project: Project) -> Iterator[Finding]:
    """A sign-off date is older than `readiness.signoff-max-age-days` (default 183).

    Why: sign-off is renewed every six months or on a major change; an old one no longer
    vouches for the service. `doclint check --strict` reports it as an error.
    Bad: `| Service tech lead | Dana Reyes | 2025-01-01 |`.
    Fix: renew the sign-off and write the new date (YYYY-MM-DD).
    """
    found = checklist(project)
    if found is None:
        return
    limit = project.config.readiness_signoff_max_age_days
    today = datetime.date.today()
    for signoff in found.signoffs:
        date = _signoff_date(signoff.date)
        if date is None:
            continue
        age = (today - date).days
        if age > limit:
            yield Finding(
                Location(found.document.display, signoff.line),
                f"sign-off of {signoff.role or 'this role'} dated {date.isoformat()} is {age} "
                f"days old (limit {limit}); renew it and write the new date",
                f"sign-off {signoff.role}",
            )


@rule("DL705", "readiness-signoff-incomplete", Severity.WARNING, needs=("docs",))
def signoff_incomplete(project: Project) -> Iterator[Finding]:
    """The sign-off table is missing, or a row has a placeholder or empty owner or date.

    Why: a checklist nobody signed is not a promotion decision. `doclint check --strict`
    reports it as an error.
    Bad: `| Security engineering | (to fill) | yyyy-mm-dd |`.
    Fix: write the owner's name and the sign-off date (YYYY-MM-DD) in each row.
    """
    found = checklist(project)
    if found is None:
        return
    yield from _missing_table(found)
    for signoff in found.signoffs:
        problems = []
        if _PLACEHOLDER.match(ident(signoff.owner)):
            problems.append(f"owner '{signoff.owner}'" if signoff.owner else "no owner")
        if _signoff_date(signoff.date) is None:
            problems.append(f"date '{signoff.date}'" if signoff.date else "no date")
        if problems:
            yield Finding(
                Location(found.document.display, signoff.line),
                f"sign-off of {signoff.role or 'this role'} has {' and '.join(problems)}; "
                "write the owner's name and the date (YYYY-MM-DD)",
                f"sign-off {signoff.role}",
            )


def _missing_table(found: Checklist) -> Iterator[Finding]:
    document = found.document
    if (found.signoff_table is not None and found.signoffs) or not found.items:
        return
    where = found.signoff_table.line if found.signoff_table else max(document.line_count, 1)
    yield Finding(
        Location(document.display, where),
        f"{document.rel} has no sign-off rows; add a sign-off table "
        "`| Role | Owner | Date |` with a row per approver",
        f"{document.rel}#sign-off",
    )
