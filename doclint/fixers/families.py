"""Stub builders for the undocumented-X rules of each family (API, data, errors, events,
observability): look the subject up in the source model, then build the stub with
:mod:`doclint.fix` in the style of the target document."""

from __future__ import annotations

from typing import TYPE_CHECKING

from doclint import fix
from doclint.diagnostics import Diagnostic, Fix
from doclint.project import Project

if TYPE_CHECKING:
    from doclint.sources.sqlmodel import Policy


def api_operation(project: Project, diagnostic: Diagnostic) -> Fix | None:
    from doclint.checks.api import match

    result = match(project)
    if result is None:
        return None
    for op in result.undocumented:
        if op.key == diagnostic.subject:
            return fix.operation_stub(
                result.doc.document,
                op.method,
                op.path,
                op.summary or None,
                [(r.status, None, r.error_codes) for r in op.responses],
                [(p.name, p.where, p.type.display, p.required) for p in op.parameters],
                [(f.name, f.type.display, f.required) for f in op.request_fields],
            )
    return None


def _policy_facts(policy: Policy) -> fix.PolicyFacts:
    return fix.PolicyFacts(
        policy.name,
        policy.command,
        tuple(policy.roles),
        policy.using,
        policy.with_check,
        policy.permissive,
    )


def data_table(project: Project, diagnostic: Diagnostic) -> Fix | None:
    from doclint.sources.data_docs import data_pairing

    pairing = data_pairing(project)
    if pairing is None:
        return None
    for table in pairing.undocumented:
        if pairing.model.schema.display_name(table.key) != diagnostic.subject:
            continue
        columns = [
            fix.ColumnFacts(c.name, c.type, c.nullable, c.default) for c in table.columns.values()
        ]
        policies = [_policy_facts(p) for p in table.policies.values()]
        rls = (table.rls_enabled, table.rls_forced)
        return fix.table_stub(pairing.document, diagnostic.subject, columns, rls, policies)
    return None


def data_column(project: Project, diagnostic: Diagnostic) -> Fix | None:
    from doclint.sources.data_docs import is_columns_table, paired_tables

    for pairing, doc, table in paired_tables(project):
        for column in table.columns.values():
            if f"{table.name}.{column.name}" != diagnostic.subject:
                continue
            document = pairing.document
            tables = [
                t for t in document.within(doc.section, document.tables) if is_columns_table(t)
            ]
            if not tables:
                return None
            facts = fix.ColumnFacts(column.name, column.type, column.nullable, column.default)
            return fix.column_stub(document, tables[0], table.name, facts)
    return None


def data_policy(project: Project, diagnostic: Diagnostic) -> Fix | None:
    from doclint.sources.data_docs import paired_tables

    for pairing, doc, table in paired_tables(project):
        for policy in table.policies.values():
            if f"policy {table.name}.{policy.name}" == diagnostic.subject:
                return fix.policy_stub(
                    pairing.document, doc.section, table.name, _policy_facts(policy)
                )
    return None


def error_code(project: Project, diagnostic: Diagnostic) -> Fix | None:
    from doclint.sources.errors import declarations, errors

    catalog = errors(project).catalog
    if catalog is None or not catalog.tables:
        return None
    declared = declarations(project) or ()
    statuses = sorted({d.status for d in declared if d.code == diagnostic.subject})
    if not statuses:
        return None
    status = statuses[0] if len(statuses) == 1 else None
    return fix.error_code_stub(catalog.document, diagnostic.subject, status, catalog.tables[-1])


def failure_mode(project: Project, diagnostic: Diagnostic) -> Fix | None:
    from doclint.sources.errors import errors

    modes = errors(project).failure_modes
    if modes is None:
        return None
    return fix.failure_mode_stub(modes.document, diagnostic.subject)


def event(project: Project, diagnostic: Diagnostic) -> Fix | None:
    from doclint.checks.events import _event_schemas
    from doclint.sources.jsonschema import store
    from doclint.sources.schema_types import fields_of

    found = _event_schemas(project)
    if found is None:
        return None
    model, document = found
    for item in model.events:
        if item.name != diagnostic.subject or item.direction != "publish":
            continue
        fields: list[tuple[str, str, bool]] = []
        if item.schema is not None:
            node = store(project).resolve(item.schema)
            if node is not None:
                fields = [
                    (f.path, f.type_text, f.required) for f in fields_of(store(project), node)
                ]
        return fix.event_stub(document, item.name, fields, document.section("Published events"))
    return None


def metric(project: Project, diagnostic: Diagnostic) -> Fix | None:
    from doclint.sources.telemetry import metric_tables, observability_doc, telemetry

    document = observability_doc(project)
    if document is None:
        return None
    instrument = telemetry(project).by_name().get(diagnostic.subject.casefold())
    if instrument is None:
        return None
    tables = metric_tables(document)
    return fix.metric_stub(
        document,
        instrument.name,
        instrument.kind,
        instrument.unit,
        table=tables[-1] if tables else None,
        within=document.section("Metrics"),
    )
