"""OpenTelemetry instruments found in source files (SPEC §4.6), and the metrics and SLO tables
of OBSERVABILITY.md.

Instruments are found with regular expressions over whole files, one set per language chosen by
file extension, plus the service's own ``telemetry.patterns``. A match inside a line comment is
skipped. The unit is read from the call's options (``unit: 'ms'``, ``unit="ms"``,
``metric.WithUnit("ms")``, ``.setUnit("ms")``) up to the end of the statement.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from typing import Any

from doclint.diagnostics import Location
from doclint.project import Project
from doclint.sources.markdown import Document, Row, Table
from doclint.text import heading_key, ident

KINDS = ("counter", "up_down_counter", "histogram", "gauge")

_TS = re.compile(
    r"\.create(?P<kind>ObservableUpDownCounter|ObservableCounter|ObservableGauge|UpDownCounter"
    r"|Counter|Histogram|Gauge)\s*(?:<[^>()]*>)?\s*\(\s*(?P<q>['\"`])(?P<name>[^'\"`\n]+)(?P=q)"
)
_PY = re.compile(
    r"\.create_(?P<kind>observable_up_down_counter|observable_counter|observable_gauge"
    r"|up_down_counter|counter|histogram|gauge)\s*\(\s*(?:name\s*=\s*)?"
    r"(?P<q>['\"])(?P<name>[^'\"\n]+)(?P=q)"
)
_GO = re.compile(
    r"\.(?:Int64|Float64)(?P<kind>ObservableUpDownCounter|ObservableCounter|ObservableGauge"
    r"|UpDownCounter|Counter|Histogram|Gauge)\s*\(\s*\"(?P<name>[^\"\n]+)\""
)
_JAVA = re.compile(
    r"\.(?P<kind>upDownCounterBuilder|counterBuilder|histogramBuilder|gaugeBuilder)\s*\(\s*"
    r"\"(?P<name>[^\"\n]+)\"\s*\)"
)
_UNITS = {
    "ts": re.compile(r"\bunit\s*:\s*(['\"`])(?P<unit>[^'\"`\n]*)\1"),
    "py": re.compile(r"\bunit\s*=\s*(['\"])(?P<unit>[^'\"\n]*)\1"),
    "go": re.compile(r"\bWithUnit\s*\(\s*\"(?P<unit>[^\"\n]*)\""),
    "java": re.compile(r"\.setUnit\s*\(\s*\"(?P<unit>[^\"\n]*)\""),
}
_LANGUAGES: dict[str, tuple[str, re.Pattern[str]]] = {
    **{ext: ("ts", _TS) for ext in (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")},
    ".py": ("py", _PY),
    ".go": ("go", _GO),
    ".java": ("java", _JAVA),
    ".kt": ("java", _JAVA),
}
_CHAIN = re.compile(r"[ \t\r\n]*\.")
_LINE_COMMENT = {"ts": "//", "go": "//", "java": "//", "py": "#"}


def normalise_kind(text: str) -> str | None:
    """``counter``, ``up_down_counter``, ``histogram`` or ``gauge`` for any spelling of an
    instrument kind (``UpDownCounter``, ``up-down counter``, ``ObservableGauge``,
    ``counterBuilder``), else None."""
    key = re.sub(r"[^a-z]", "", text.casefold())
    key = key.removeprefix("observable").removesuffix("builder")
    key = key.removeprefix("int").removeprefix("float").removeprefix("observable")
    return {
        "counter": "counter",
        "monotoniccounter": "counter",
        "updowncounter": "up_down_counter",
        "histogram": "histogram",
        "gauge": "gauge",
    }.get(key)


@dataclass(frozen=True, slots=True)
class Instrument:
    """One instrument created in source."""

    name: str
    kind: str
    unit: str | None
    location: Location
    language: str


@dataclass(frozen=True, slots=True)
class Metric:
    """One row of a metrics table in OBSERVABILITY.md."""

    name: str
    kind: str | None
    kind_text: str
    unit: str | None
    line: int
    table: Table


@dataclass(frozen=True, slots=True)
class Slo:
    """One row of an SLO table: its name, the raw SLI text and the metric names it mentions."""

    name: str
    sli: str
    metrics: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Telemetry:
    """What the source creates, and which source files were scanned."""

    instruments: tuple[Instrument, ...]
    files: tuple[str, ...]

    def by_name(self) -> dict[str, Instrument]:
        found: dict[str, Instrument] = {}
        for instrument in self.instruments:
            found.setdefault(instrument.name.casefold(), instrument)
        return found


def telemetry(project: Project) -> Telemetry:
    """Instruments of the service's ``source`` files (cached per run)."""
    return project.cached("telemetry", lambda: _scan(project))


def _statement_end(text: str, start: int) -> int:
    """Offset where the statement holding the call at ``start`` ends: a ``;`` or a line break
    outside brackets (unless the next line continues a method chain), or the closing bracket
    of an enclosing call. Bounded, so a runaway file costs little."""
    depth = 0
    limit = min(len(text), start + 2000)
    for index in range(start, limit):
        char = text[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth < 0:
                return index
        elif depth == 0 and (char == ";" or (char == "\n" and not _CHAIN.match(text, index + 1))):
            return index
    return limit


def _commented(text: str, offset: int, language: str) -> bool:
    line_start = text.rfind("\n", max(0, offset - 500), offset) + 1
    before = text[max(line_start, offset - 500) : offset]
    marker = _LINE_COMMENT[language]
    stripped = before.lstrip()
    return marker in before or stripped.startswith(("*", "/*"))


class LineCounter:
    """1-based line numbers of increasing offsets in one text, counted incrementally so that
    many matches in a large file cost one pass."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0
        self.line = 1

    def at(self, offset: int) -> int:
        """Line of ``offset``, which is at least the offset asked for before."""
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def _scan(project: Project) -> Telemetry:
    config = project.config
    files = project.glob(config.source)
    custom = [(p, re.compile(p.regex)) for p in config.telemetry_patterns]
    instruments: list[Instrument] = []
    for path in files:
        language_pattern = _LANGUAGES.get(path.suffix.lower())
        extra = [
            (p, regex)
            for p, regex in custom
            if not p.globs or any(fnmatch(project.rel(path), g) for g in p.globs)
        ]
        if language_pattern is None and not extra:
            continue
        source = project.read(path)
        if source is None:
            continue
        text = source.text
        if language_pattern is not None:
            language, pattern = language_pattern
            instruments.extend(_defaults(text, source.display, language, pattern))
        for spec, regex in extra:
            lines = LineCounter(text)
            for match in regex.finditer(text):
                unit = match.groupdict().get("unit")
                instruments.append(
                    Instrument(
                        match.group("name"),
                        normalise_kind(spec.kind) or spec.kind,
                        unit or None,
                        Location(source.display, lines.at(match.start("name"))),
                        "custom",
                    )
                )
    ordered = sorted(instruments, key=lambda i: (i.location.path, i.location.line, i.name))
    return Telemetry(tuple(ordered), tuple(project.display(p) for p in files))


def _defaults(
    text: str, display: str, language: str, pattern: re.Pattern[str]
) -> Iterator[Instrument]:
    lines = LineCounter(text)
    for match in pattern.finditer(text):
        if _commented(text, match.start(), language):
            continue
        end = _statement_end(text, match.start())
        unit_match = _UNITS[language].search(text, match.end(), end)
        unit = unit_match.group("unit") if unit_match else None
        yield Instrument(
            match.group("name"),
            normalise_kind(match.group("kind")) or match.group("kind"),
            unit or None,
            Location(display, lines.at(match.start())),
            language,
        )


# -- OBSERVABILITY.md ----------------------------------------------------------------------

_METRIC_HEADERS = ("metric", "name", "metric name")
_KIND_HEADERS = ("type", "instrument", "kind")
_EMPTY = {"", "-", "—", "n/a", "none"}
_METRIC_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+")


def _column(table: Table, names: Iterable[str]) -> int | None:
    keys = [heading_key(h) for h in table.headers]
    for name in names:
        if name in keys:
            return keys.index(name)
    return None


def _cell(row: Row, index: int | None) -> str:
    if index is None or index >= len(row.cells):
        return ""
    return row.cells[index]


def metric_tables(document: Document) -> list[Table]:
    """Tables with a Metric/Name column and a Type/Instrument column (not SLO tables)."""
    return [
        t
        for t in document.tables
        if _column(t, _METRIC_HEADERS) is not None
        and _column(t, _KIND_HEADERS) is not None
        and _column(t, ("sli",)) is None
    ]


def documented_metrics(document: Document) -> list[Metric]:
    """Every row of every metrics table."""
    metrics = []
    for table in metric_tables(document):
        name_col = _column(table, _METRIC_HEADERS)
        kind_col = _column(table, _KIND_HEADERS)
        unit_col = _column(table, ("unit", "units"))
        for row in table.rows:
            name = ident(_cell(row, name_col))
            if not name:
                continue
            kind_text = ident(_cell(row, kind_col))
            unit = ident(_cell(row, unit_col))
            metrics.append(
                Metric(
                    name,
                    normalise_kind(kind_text),
                    kind_text,
                    None if unit.casefold() in _EMPTY else unit,
                    row.line,
                    table,
                )
            )
    return metrics


def sli_metrics(raw: str) -> tuple[str, ...]:
    """Metric names an SLI cell mentions: code spans first, else dotted identifiers."""
    spans = re.findall(r"`([^`]+)`", raw)
    text = " ".join(spans) if spans else raw
    text = re.sub(r"\{[^}]*\}", " ", text)
    return tuple(dict.fromkeys(_METRIC_TOKEN.findall(text)))


def slos(document: Document) -> list[Slo]:
    """Every row of every table with an SLI column."""
    found = []
    for table in document.tables:
        sli_col = _column(table, ("sli",))
        if sli_col is None:
            continue
        name_col = _column(table, ("slo", "name", "objective"))
        for row in table.rows:
            raw = row.raw[sli_col] if sli_col < len(row.raw) else ""
            name = ident(_cell(row, name_col)) or ident(_cell(row, sli_col))
            found.append(Slo(name, ident(_cell(row, sli_col)), sli_metrics(raw), row.line))
    return found


def observability_doc(project: Project) -> Document | None:
    return project.doc("OBSERVABILITY.md")


def inspect_json(project: Project) -> dict[str, Any]:
    """``doclint inspect metrics``: instruments in source and the metrics the doc lists."""
    from doclint.inspect import problems

    model = telemetry(project)
    document = observability_doc(project)
    metrics = documented_metrics(document) if document else []
    return {
        "source_files": list(model.files),
        "instruments": [
            {
                "name": i.name,
                "kind": i.kind,
                "unit": i.unit,
                "language": i.language,
                "path": i.location.path,
                "line": i.location.line,
            }
            for i in model.instruments
        ],
        "documented": [
            {"name": m.name, "kind": m.kind or m.kind_text, "unit": m.unit, "line": m.line}
            for m in metrics
        ],
        "slos": [
            {"name": s.name, "sli": s.sli, "metrics": list(s.metrics), "line": s.line}
            for s in (slos(document) if document else [])
        ],
        "problems": problems(project),
    }
