"""DL60x: OBSERVABILITY.md against the OpenTelemetry instruments in source (SPEC §4.6)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from doclint.diagnostics import Finding, Location, Related, Severity
from doclint.project import Project
from doclint.registry import rule
from doclint.sources.markdown import Document
from doclint.sources.telemetry import (
    Metric,
    documented_metrics,
    metric_tables,
    observability_doc,
    slos,
    telemetry,
)

_NEEDS = ("docs", "telemetry")


def _documented(document: Document) -> dict[str, Metric]:
    found: dict[str, Metric] = {}
    for metric in documented_metrics(document):
        found.setdefault(metric.name.casefold(), metric)
    return found


def _insertion_point(document: Document) -> Location:
    """Where a missing metric row belongs: the end of the metrics table, else the Metrics
    section, else the end of the document."""
    tables = metric_tables(document)
    if tables:
        return Location(document.display, tables[0].end_line)
    section = document.section("Metrics")
    if section is not None:
        return Location(document.display, section.line)
    return Location(document.display, max(document.line_count, 1))


@rule("DL601", "metric-undocumented", Severity.ERROR, needs=_NEEDS)
def metric_undocumented(project: Project) -> Iterator[Finding]:
    """An OpenTelemetry instrument created in source is not in OBSERVABILITY.md's metrics table.

    Why: dashboards, alerts and SLOs are built from the documented metrics; an instrument
    nobody documented is invisible to the people on call.
    Bad: `meter.createCounter('ai.cache.hits')` in `src/` with no `ai.cache.hits` row.
    Fix: add a row to the metrics table: `| ai.cache.hits | counter | {hit} | tenant_id | ... |`.
    """
    document = observability_doc(project)
    if document is None:
        return
    from doclint.fix import metric_stub

    documented = _documented(document)
    where = _insertion_point(document)
    tables = metric_tables(document)
    section = document.section("Metrics")
    for key, instrument in sorted(telemetry(project).by_name().items()):
        if key in documented:
            continue
        unit = instrument.unit or "<unit>"
        yield Finding(
            where,
            f"metric {instrument.name} ({instrument.kind}) is created in source but not "
            f"documented; add a row `| {instrument.name} | {instrument.kind} | {unit} | ... |` "
            f"to the metrics table of {document.rel}",
            instrument.name,
            (Related.at(instrument.location, f"{instrument.name} is created here"),),
            metric_stub(
                document,
                instrument.name,
                instrument.kind,
                instrument.unit,
                within=section,
                table=tables[0] if tables else None,
            ),
        )


@rule("DL602", "metric-not-in-source", Severity.ERROR, needs=_NEEDS)
def metric_not_in_source(project: Project) -> Iterator[Finding]:
    """A metric documented in OBSERVABILITY.md is created nowhere in the scanned source.

    Why: a documented metric that the service never emits leads to empty dashboards and
    alerts that can never fire. Checked only when the `source` globs match files.
    Bad: a row for `ai.calls.total` after the code renamed it to `ai.call.count`.
    Fix: rename the row to the metric the code creates, or remove it.
    """
    document = observability_doc(project)
    model = telemetry(project)
    if document is None or not model.files:
        return
    created = model.by_name()
    names = sorted(i.name for i in created.values())
    for key, metric in _documented(document).items():
        if key in created:
            continue
        close = difflib.get_close_matches(metric.name, names, n=1, cutoff=0.75)
        hint = f" (did you mean {close[0]}?)" if close else ""
        yield Finding(
            Location(document.display, metric.line),
            f"metric {metric.name} is documented but no source file creates it{hint}; "
            "fix the name or remove the row",
            metric.name,
        )


@rule("DL603", "metric-kind-mismatch", Severity.ERROR, needs=_NEEDS)
def metric_kind_mismatch(project: Project) -> Iterator[Finding]:
    """A documented metric's type differs from the kind of instrument the source creates.

    Why: a counter read as a gauge (or a histogram as a counter) gives wrong dashboards and
    queries. Types: counter, up_down_counter, histogram, gauge.
    Bad: `| ai.call.duration | counter | ms |` for `meter.createHistogram('ai.call.duration')`.
    Fix: write the instrument's kind in the Type column (`histogram`).
    """
    document = observability_doc(project)
    if document is None:
        return
    created = telemetry(project).by_name()
    for key, metric in _documented(document).items():
        instrument = created.get(key)
        if instrument is None or metric.kind == instrument.kind:
            continue
        stated = f"'{metric.kind_text}'" if metric.kind_text else "no type"
        yield Finding(
            Location(document.display, metric.line),
            f"metric {metric.name} is documented with {stated} but the source creates a "
            f"{instrument.kind}; write {instrument.kind} in the Type column",
            metric.name,
            (Related.at(instrument.location, f"{instrument.name} is a {instrument.kind}"),),
        )


@rule("DL604", "metric-unit-missing", Severity.WARNING, needs=_NEEDS)
def metric_unit_missing(project: Project) -> Iterator[Finding]:
    """A documented metric states no unit.

    Why: `latency 2500` means nothing without `ms`; units make SLO targets and alerts
    readable. Use UCUM units as OpenTelemetry does (`ms`, `s`, `By`, `1`, `{call}`).
    Bad: `| ai.call.duration | histogram |  | ... |`, or a metrics table without a Unit column.
    Fix: write the unit in the Unit column (the one the source passes, when it passes one).
    """
    document = observability_doc(project)
    if document is None:
        return
    created = telemetry(project).by_name()
    for key, metric in _documented(document).items():
        if metric.unit is not None:
            continue
        instrument = created.get(key)
        related: tuple[Related, ...] = ()
        suggestion = ""
        if instrument is not None and instrument.unit:
            suggestion = f" (the source uses '{instrument.unit}')"
            related = (Related.at(instrument.location, f"unit '{instrument.unit}'"),)
        yield Finding(
            Location(document.display, metric.line),
            f"metric {metric.name} has no unit; write it in the Unit column{suggestion}",
            metric.name,
            related,
        )


@rule("DL605", "slo-unknown-metric", Severity.ERROR, needs=("docs",))
def slo_unknown_metric(project: Project) -> Iterator[Finding]:
    """An SLO's SLI names no metric of the metrics table.

    Why: an SLO must be measurable from a metric the service documents and emits; an SLI
    that names an unknown metric cannot be computed.
    Bad: SLI "p95 of `ai.request.latency`" when the table lists `ai.call.duration`.
    Fix: name a documented metric in the SLI (in backticks), or document the metric.
    """
    document = observability_doc(project)
    if document is None:
        return
    documented = _documented(document)
    names = sorted(m.name for m in documented.values())
    for slo in slos(document):
        if any(name.casefold() in documented for name in slo.metrics):
            continue
        if slo.metrics:
            close = difflib.get_close_matches(slo.metrics[0], names, n=1, cutoff=0.75)
            hint = f" (did you mean {close[0]}?)" if close else ""
            which = (
                "which is not a documented metric"
                if len(slo.metrics) == 1
                else ("none of which is a documented metric")
            )
            what = f"names {', '.join(slo.metrics)}, {which}{hint}"
        else:
            what = "names no metric"
        yield Finding(
            Location(document.display, slo.line),
            f"SLO '{slo.name}': its SLI {what}; name a metric of the metrics table in backticks",
            f"slo {slo.name}",
        )
