"""DL308–DL315: the row-level security and policies DATA_MODEL.md documents against the
schema Flyway migrations build, and tenant tables the migrations leave unprotected
(SPEC §4.3)."""

from __future__ import annotations

from collections.abc import Iterator

from doclint.checks.data import NEEDS, related_to, same_expression
from doclint.diagnostics import Finding, Location, Related, Severity
from doclint.project import Project
from doclint.registry import rule
from doclint.sources.data_docs import DocPolicy, DocTable, Pairing, data_pairing, paired_tables
from doclint.sources.flyway import schema
from doclint.sources.sqlmodel import Policy
from doclint.sources.sqlmodel import Table as SqlTable


def _rls_text(enabled: bool, forced: bool) -> str:
    if not enabled:
        return "RLS: disabled" + (" (forced)" if forced else "")
    return "RLS: enabled, forced" if forced else "RLS: enabled"


@rule("DL308", "data-rls-mismatch", Severity.ERROR, needs=NEEDS)
def rls_mismatch(project: Project) -> Iterator[Finding]:
    """A table's documented row-level security state (the `RLS:` line) differs or is missing.

    Why: whether the database enforces tenant isolation is a security fact reviewers check;
    a table with RLS enabled or with policies needs the line.
    Bad: `RLS: enabled` while no migration ran `ALTER TABLE ... ENABLE ROW LEVEL SECURITY`,
    or `RLS: enabled` while the migrations also `FORCE` it.
    Fix: write `RLS: enabled, forced`, `RLS: enabled` or `RLS: disabled` as the migrations say.
    """
    for pairing, doc, table in paired_tables(project):
        expected = _rls_text(table.rls_enabled, table.rls_forced)
        where = table.rls_location or table.location
        if doc.rls is None:
            if table.rls_enabled or table.policies:
                yield Finding(
                    Location(pairing.document.display, doc.line),
                    f"table {doc.shown} does not state its row-level security; add the line "
                    f"`{expected}` to its section",
                    f"{doc.shown} RLS",
                    related_to(pairing.model, where, expected),
                )
            continue
        enabled, forced = doc.rls
        if enabled == table.rls_enabled and (forced is None or forced == table.rls_forced):
            continue
        yield Finding(
            Location(pairing.document.display, doc.rls_line or doc.line),
            f"table {doc.shown} has {expected.removeprefix('RLS: ')} row-level security but the "
            f"doc says otherwise; write `{expected}`",
            f"{doc.shown} RLS",
            related_to(pairing.model, where, expected),
        )


def _policy_pairs(
    project: Project,
) -> Iterator[tuple[Pairing, DocTable, SqlTable, DocPolicy, Policy]]:
    for pairing, doc, table in paired_tables(project):
        for name, documented in doc.policies.items():
            policy = table.policies.get(name)
            if policy is not None:
                yield pairing, doc, table, documented, policy


def _policy_clause_text(policy: Policy) -> str:
    parts = []
    if not policy.permissive:
        parts.append("AS RESTRICTIVE")
    parts.append(f"FOR {policy.command} TO {', '.join(policy.roles)}")
    if policy.using is not None:
        parts.append(f"USING ({policy.using})")
    if policy.with_check is not None:
        parts.append(f"WITH CHECK ({policy.with_check})")
    return " ".join(parts)


@rule("DL309", "data-policy-undocumented", Severity.ERROR, needs=NEEDS)
def policy_undocumented(project: Project) -> Iterator[Finding]:
    """A row-level security policy of a documented table is not documented.

    Why: policies decide who sees which rows; reviewers need each one in the doc.
    Bad: `CREATE POLICY budgets_admin ON budgets ...` with no row or item for it.
    Fix: add a row to the policies table, or an item
    `` `budgets_admin` — FOR SELECT TO admin USING (true) ``.
    """
    for pairing, doc, table in paired_tables(project):
        for policy in table.policies.values():
            if policy.name in doc.policies:
                continue
            if any(old in doc.policies for old in policy.former_names):
                continue  # reported as a renamed policy (DL310)
            line = doc.policies_end or doc.rls_line or doc.columns_end or doc.line
            yield Finding(
                Location(pairing.document.display, line),
                f"policy {policy.name} on {table.name} is not documented; add "
                f"`{policy.name}` — {_policy_clause_text(policy)} to the section of {doc.shown}",
                f"policy {table.name}.{policy.name}",
                related_to(pairing.model, policy.location, "policy created here"),
            )


@rule("DL310", "data-policy-unknown", Severity.ERROR, needs=NEEDS)
def policy_unknown(project: Project) -> Iterator[Finding]:
    """DATA_MODEL.md documents a policy the table does not have.

    Why: a documented policy that was dropped claims a protection the database lacks.
    Bad: `` `ai_calls_admin_read` — FOR SELECT ... `` after `DROP POLICY ai_calls_admin_read`.
    Fix: remove the entry, or restore the policy in a migration.
    """
    for pairing, doc, table in paired_tables(project):
        for name, documented in doc.policies.items():
            if name in table.policies:
                continue
            renamed = [p for p in table.policies.values() if name in p.former_names]
            what = (
                f"was renamed to {renamed[0].name}; rename the entry"
                if renamed
                else "does not exist; remove the entry or add the policy in a migration"
            )
            yield Finding(
                Location(pairing.document.display, documented.line),
                f"documented policy {name} on {table.name} {what}",
                f"policy {table.name}.{name}",
                related_to(pairing.model, table.location, f"table {table.name} created here"),
            )


@rule("DL311", "data-policy-command-mismatch", Severity.ERROR, needs=NEEDS)
def policy_command(project: Project) -> Iterator[Finding]:
    """A documented policy's command (FOR ...) or permissive/restrictive kind differs.

    Why: a policy FOR SELECT protects reads only; the doc must say which commands it covers.
    A documented list item whose clause does not parse is reported here too.
    Bad: `` `p` — FOR ALL TO app USING (...) `` while the policy is `FOR SELECT`.
    Fix: write the policy's command (and `AS RESTRICTIVE` when it is restrictive).
    """
    for pairing, _doc, table, documented, policy in _policy_pairs(project):
        where = Location(pairing.document.display, documented.line)
        subject = f"policy {table.name}.{policy.name}"
        related = related_to(pairing.model, policy.location, _policy_clause_text(policy))
        if documented.error is not None:
            yield Finding(
                where,
                f"policy {policy.name} is documented with a clause that does not parse "
                f"({documented.error}); write it as `{_policy_clause_text(policy)}`",
                subject,
                related,
            )
            continue
        if documented.command is not None and documented.command != policy.command:
            yield Finding(
                where,
                f"policy {policy.name} on {table.name} is FOR {policy.command} but documented "
                f"as FOR {documented.command}; correct the command",
                subject,
                related,
            )
        elif documented.permissive is not None and documented.permissive != policy.permissive:
            kind = "PERMISSIVE" if policy.permissive else "RESTRICTIVE"
            yield Finding(
                where,
                f"policy {policy.name} on {table.name} is {kind} but the doc says otherwise; "
                f"correct it",
                subject,
                related,
            )


@rule("DL312", "data-policy-roles-mismatch", Severity.ERROR, needs=NEEDS)
def policy_roles(project: Project) -> Iterator[Finding]:
    """A documented policy's roles (TO ...) differ from the migrations.

    Why: the roles say who the policy applies to; a missing role is a silent hole.
    Bad: `TO app_user` while the policy is `TO app_user, app_admin`.
    Fix: list the policy's roles (`public` when it names none).
    """
    for pairing, _doc, table, documented, policy in _policy_pairs(project):
        if documented.roles is None or documented.roles == policy.roles:
            continue
        yield Finding(
            Location(pairing.document.display, documented.line),
            f"policy {policy.name} on {table.name} applies to {', '.join(policy.roles)} but "
            f"the doc says {', '.join(documented.roles)}; correct the roles",
            f"policy {table.name}.{policy.name}",
            related_to(pairing.model, policy.location, f"TO {', '.join(policy.roles)}"),
        )


def _expression_findings(project: Project, clause: str) -> Iterator[Finding]:
    for pairing, _doc, table, documented, policy in _policy_pairs(project):
        if documented.error is not None:
            continue
        if clause == "USING":
            stated, wrote, actual = documented.using_stated, documented.using, policy.using
        else:
            stated, wrote, actual = (
                documented.check_stated,
                documented.with_check,
                policy.with_check,
            )
        if not stated or (wrote is None and actual is None):
            continue
        if wrote is not None and actual is not None and same_expression(wrote, actual):
            continue
        shown = f"{clause} ({actual})" if actual is not None else f"no {clause} expression"
        yield Finding(
            Location(pairing.document.display, documented.line),
            f"policy {policy.name} on {table.name} has {shown} but the doc says "
            f"{f'({wrote})' if wrote is not None else 'none'}; correct the expression",
            f"policy {table.name}.{policy.name}",
            related_to(pairing.model, policy.location, shown),
        )


@rule("DL313", "data-policy-using-mismatch", Severity.ERROR, needs=NEEDS)
def policy_using(project: Project) -> Iterator[Finding]:
    """A documented policy's USING expression differs from the migrations.

    Why: USING decides which existing rows a role sees; a stale doc hides a changed rule.
    Expressions compare after normalising through the SQL parser, so white space, case and
    redundant parentheses do not matter.
    Bad: `USING (tenant_id = current_tenant())` after an ALTER POLICY changed it.
    Fix: copy the current expression into the doc.
    """
    yield from _expression_findings(project, "USING")


@rule("DL314", "data-policy-check-mismatch", Severity.ERROR, needs=NEEDS)
def policy_check(project: Project) -> Iterator[Finding]:
    """A documented policy's WITH CHECK expression differs from the migrations.

    Why: WITH CHECK decides which rows a role may write.
    Bad: no WITH CHECK in the doc while the policy has `WITH CHECK (tenant_id = ...)`.
    Fix: copy the current expression into the doc.
    """
    yield from _expression_findings(project, "WITH CHECK")


@rule("DL315", "tenant-table-unprotected", Severity.ERROR, needs=("schema",))
def tenant_unprotected(project: Project) -> Iterator[Finding]:
    """A table with the tenant column lacks row-level security or a policy on that column.

    Why: without `ENABLE ROW LEVEL SECURITY` and a policy that filters on the tenant column,
    one tenant can read another's rows. This is reported even when the doc agrees.
    Bad: `CREATE TABLE notes (id uuid, tenant_id uuid NOT NULL)` and nothing else.
    Fix: `ALTER TABLE notes ENABLE ROW LEVEL SECURITY;` and `CREATE POLICY notes_tenant ON
    notes USING (tenant_id = current_setting('app.tenant_id')::uuid);`
    """
    model = schema(project)
    if model is None:
        return
    column = project.config.data_tenant_column
    ignored = {name.casefold() for name in project.config.data_ignore_tables}
    for table in model.schema.tables.values():
        if column not in table.columns or table.name.casefold() in ignored:
            continue
        missing = []
        if not table.rls_enabled:
            missing.append("row-level security is not enabled")
        if not any(column in p.columns for p in table.policies.values()):
            missing.append(f"no policy mentions {column}")
        if not missing:
            continue
        shown = model.schema.display_name(table.key)
        related = [Related.at(table.location, f"table {shown} created here")]
        pairing = data_pairing(project)
        if pairing is not None:
            related.extend(
                Related(pairing.document.display, doc.line, f"{shown} documented here")
                for doc, documented in pairing.documented
                if documented is table
            )
        yield Finding(
            table.location,
            f"tenant table {shown} is not isolated: {' and '.join(missing)}; add "
            f"`ALTER TABLE {shown} ENABLE ROW LEVEL SECURITY` and a policy on {column} in a "
            "migration",
            shown,
            tuple(related),
        )
