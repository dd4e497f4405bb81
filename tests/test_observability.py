"""OBSERVABILITY.md against source telemetry (DL601-DL605) and `doclint inspect metrics`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from doclint.config import Config, TelemetryPattern
from doclint.project import Project
from doclint.sources.telemetry import normalise_kind, sli_metrics, telemetry
from tests.conftest import FIXTURES, check, summary
from tests.conftest import edit as _replace
from tests.conftest import line_of as _line

SERVICE = FIXTURES / "observability" / "service"
DL6 = ["DL601", "DL602", "DL603", "DL604", "DL605"]


@pytest.fixture
def service(tmp_path: Path) -> Path:
    target = tmp_path / "svc"
    shutil.copytree(SERVICE, target)
    return target


# -- the scanner ---------------------------------------------------------------------------


def test_instruments_in_four_languages_with_kinds_units_and_lines() -> None:
    model = telemetry(Project(SERVICE, Config(root=SERVICE, source=("src/**",)), SERVICE))
    found = {(i.name, i.kind, i.unit, i.language) for i in model.instruments}
    assert found == {
        ("shop.orders", "counter", "{order}", "ts"),
        ("shop.checkout.duration", "histogram", "ms", "ts"),
        ("shop.carts.open", "up_down_counter", "{cart}", "ts"),
        ("shop.stock.level", "gauge", "{item}", "ts"),
        ("shop.jobs.done", "counter", "{job}", "py"),
        ("shop.queue.depth", "up_down_counter", "{job}", "py"),
        ("shop.bytes.sent", "counter", "By", "go"),
        ("shop.payload.size", "histogram", "By", "go"),
        ("shop.refunds", "counter", "{refund}", "java"),
        ("shop.temperature", "gauge", "Cel", "java"),
    }
    lines = {i.name: (i.location.path, i.location.line) for i in model.instruments}
    assert lines["shop.checkout.duration"] == ("src/app.ts", 6)
    assert lines["shop.refunds"] == ("src/Metrics.java", 3)
    assert "shop.commented.out" not in lines


def test_custom_patterns_add_instruments_for_matching_globs(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "stats.rb").write_text(
        'STATS.counter("legacy.hits", unit: "{hit}")\n', encoding="utf-8"
    )
    (tmp_path / "src" / "other.rb").write_text('STATS.counter("other.hits")\n', encoding="utf-8")
    pattern = TelemetryPattern(
        r'STATS\.counter\("(?P<name>[^"]+)"(?:, unit: "(?P<unit>[^"]*)")?',
        "Counter",
        ("src/stats.rb",),
    )
    config = Config(root=tmp_path, telemetry_patterns=(pattern,))
    model = telemetry(Project(tmp_path, config, tmp_path))
    assert [(i.name, i.kind, i.unit, i.location.line) for i in model.instruments] == [
        ("legacy.hits", "counter", "{hit}", 1)
    ]


def test_a_statement_without_unit_has_none_and_the_next_call_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.ts").write_text(
        "const a = meter.createCounter('a.count')\nconst b = meter.createCounter('b.count', "
        "{ unit: '{b}' })\n",
        encoding="utf-8",
    )
    model = telemetry(Project(tmp_path, Config(root=tmp_path), tmp_path))
    assert [(i.name, i.unit) for i in model.instruments] == [
        ("a.count", None),
        ("b.count", "{b}"),
    ]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("UpDownCounter", "up_down_counter"),
        ("up-down counter", "up_down_counter"),
        ("ObservableGauge", "gauge"),
        ("counterBuilder", "counter"),
        ("Float64Histogram", "histogram"),
        ("summary", None),
    ],
)
def test_kind_spellings(text: str, kind: str | None) -> None:
    assert normalise_kind(text) == kind


def test_sli_metric_names() -> None:
    assert sli_metrics("p95 of `ai.call.duration`") == ("ai.call.duration",)
    assert sli_metrics("ai.call.count{outcome=error} / ai.call.count") == ("ai.call.count",)
    assert sli_metrics("share of requests under 2 s") == ()


# -- the rules -------------------------------------------------------------------------------


def test_fixture_service_is_clean() -> None:
    assert check(SERVICE, select=DL6) == []


def test_instrument_undocumented(service: Path) -> None:
    doc = service / "docs" / "OBSERVABILITY.md"
    _replace(doc, "| `shop.refunds` | counter | `{refund}` | | Refunds issued. |\n", "")
    found = check(service, select=DL6)
    assert summary(found) == [("DL601", "docs/OBSERVABILITY.md", _line(doc, "shop.temperature"))]
    assert found[0].subject == "shop.refunds"
    assert (found[0].related[0].path, found[0].related[0].line) == ("src/Metrics.java", 3)


def test_fix_adds_a_row_for_an_undocumented_instrument(service: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    doc = service / "docs" / "OBSERVABILITY.md"
    _replace(doc, "| `shop.refunds` | counter | `{refund}` | | Refunds issued. |\n", "")
    code, _, _ = run_cli(["check", ".", "--select", "DL6", "--fix"], service)
    assert code == 0
    row = _line(doc, "shop.temperature") + 1
    assert (
        doc.read_text().split("\n")[row - 1].startswith("| `shop.refunds` | counter | `{refund}` |")
    )
    assert check(service, select=DL6) == []


def test_slo_naming_several_unknown_metrics(service: Path) -> None:
    doc = service / "docs" / "OBSERVABILITY.md"
    _replace(doc, "p95 of `shop.checkout.duration`", "`shop.a.b` over `shop.c.d`")
    found = check(service, select=["DL605"])
    assert "names shop.a.b, shop.c.d, none of which is a documented metric" in found[0].message


def test_documented_metric_not_in_source(service: Path) -> None:
    doc = service / "docs" / "OBSERVABILITY.md"
    _replace(doc, "`shop.refunds`", "`shop.refund`")
    found = check(service, select=["DL602"])
    assert summary(found) == [("DL602", "docs/OBSERVABILITY.md", _line(doc, "shop.refund`"))]
    assert "did you mean shop.refunds?" in found[0].message


def test_documented_metric_without_any_source_files_is_not_reported(service: Path) -> None:
    shutil.rmtree(service / "src")
    assert check(service, select=["DL602"]) == []


def test_kind_mismatch(service: Path) -> None:
    doc = service / "docs" / "OBSERVABILITY.md"
    _replace(doc, "| `shop.orders` | counter |", "| `shop.orders` | histogram |")
    found = check(service, select=DL6)
    assert summary(found) == [("DL603", "docs/OBSERVABILITY.md", _line(doc, "shop.orders` |"))]
    assert "source creates a counter" in found[0].message


def test_metric_without_unit(service: Path) -> None:
    doc = service / "docs" / "OBSERVABILITY.md"
    _replace(doc, "| counter | By |", "| counter |  |")
    found = check(service, select=DL6)
    assert summary(found) == [("DL604", "docs/OBSERVABILITY.md", _line(doc, "shop.bytes.sent"))]
    assert "the source uses 'By'" in found[0].message


def test_slo_naming_an_unknown_metric(service: Path) -> None:
    doc = service / "docs" / "OBSERVABILITY.md"
    _replace(doc, "p95 of `shop.checkout.duration`", "p95 of `shop.checkout.latency`")
    found = check(service, select=DL6)
    assert summary(found) == [("DL605", "docs/OBSERVABILITY.md", _line(doc, "Checkout latency"))]
    assert "did you mean shop.checkout.duration?" in found[0].message


def test_slo_naming_no_metric(service: Path) -> None:
    doc = service / "docs" / "OBSERVABILITY.md"
    _replace(doc, "p95 of `shop.checkout.duration`", "p95 of checkout time")
    found = check(service, select=["DL605"])
    assert [d.message.split(": ", 1)[1][:21] for d in found] == ["its SLI names no metr"]


def test_no_observability_doc_reports_nothing_here(service: Path) -> None:
    (service / "docs" / "OBSERVABILITY.md").unlink()
    assert check(service, select=DL6) == []


def test_undocumented_instrument_without_metrics_table_points_at_the_section(
    service: Path,
) -> None:
    doc = service / "docs" / "OBSERVABILITY.md"
    doc.write_text("# Shop\n\n## Metrics\n\nSee the dashboards.\n", encoding="utf-8")
    found = check(service, select=["DL601"])
    assert {(d.path, d.line) for d in found} == {("docs/OBSERVABILITY.md", 3)}
    doc.write_text("# Shop\n\nNothing yet.\n", encoding="utf-8")
    assert {(d.path, d.line) for d in check(service, select=["DL601"])} == {
        ("docs/OBSERVABILITY.md", 3)
    }


# -- the sample service ("Done when") ------------------------------------------------------
# An error in OBSERVABILITY.md also makes its readiness item (marked yes) a DL701 finding; these
# tests leave the readiness rules out to see the edit's own finding.


def test_sample_observability_is_clean(sample: Path) -> None:
    assert check(sample, select=DL6) == []


def test_sample_new_counter_in_source_is_one_finding(sample: Path) -> None:
    before = check(sample, ignore=["DL7"])
    source = sample / "src" / "budgets" / "guard.ts"
    source.write_text(
        source.read_text(encoding="utf-8") + "\nexport const xy = meter.createCounter('x.y');\n",
        encoding="utf-8",
    )
    new = [d for d in check(sample, ignore=["DL7"]) if d not in before]
    doc = sample / "docs" / "OBSERVABILITY.md"
    assert summary(new) == [("DL601", "docs/OBSERVABILITY.md", _line(doc, "ai.provider.fallbacks"))]
    assert new[0].related[0].path == "src/budgets/guard.ts"


def test_sample_changed_metric_type_is_one_finding(sample: Path) -> None:
    before = check(sample, ignore=["DL7"])
    doc = sample / "docs" / "OBSERVABILITY.md"
    _replace(doc, "| `ai.call.duration` | histogram |", "| `ai.call.duration` | counter |")
    new = [d for d in check(sample, ignore=["DL7"]) if d not in before]
    assert summary(new) == [("DL603", "docs/OBSERVABILITY.md", _line(doc, "`ai.call.duration` |"))]


def test_sample_slo_on_unknown_metric_is_one_finding(sample: Path) -> None:
    before = check(sample, ignore=["DL7"])
    doc = sample / "docs" / "OBSERVABILITY.md"
    _replace(doc, "p95 of `ai.call.duration`", "p95 of `ai.request.latency`")
    new = [d for d in check(sample, ignore=["DL7"]) if d not in before]
    assert summary(new) == [("DL605", "docs/OBSERVABILITY.md", _line(doc, "| Latency |"))]


def test_inspect_metrics_json(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli(["inspect", "metrics", str(SERVICE), "--format", "json"], SERVICE)
    assert code == 0
    payload = json.loads(out)["metrics"]
    names = {i["name"] for i in payload["instruments"]}
    assert "shop.temperature" in names
    assert {m["name"] for m in payload["documented"]} == names
    assert payload["slos"][0] == {
        "name": "Checkout latency",
        "sli": "p95 of shop.checkout.duration",
        "metrics": ["shop.checkout.duration"],
        "line": _line(SERVICE / "docs" / "OBSERVABILITY.md", "Checkout latency"),
    }


def test_telemetry_patterns_from_the_configuration(service: Path) -> None:
    (service / "src" / "legacy.rb").write_text('STATS.counter("shop.legacy")\n', encoding="utf-8")
    (service / "doclint.toml").write_text(
        'source = ["src/**"]\n\n[[telemetry.patterns]]\n'
        'regex = \'STATS\\.counter\\("(?P<name>[^"]+)"\'\nkind = "counter"\n'
        'globs = ["src/*.rb"]\n',
        encoding="utf-8",
    )
    found = check(service, select=DL6)
    assert [(d.rule, d.subject, d.related[0].path) for d in found] == [
        ("DL601", "shop.legacy", "src/legacy.rb")
    ]


def test_unreadable_source_is_a_diagnostic_not_a_crash(service: Path) -> None:
    (service / "src" / "latin.ts").write_bytes(b"const s = '\xe9';\n")
    found = check(service, select=[*DL6, "DL901"])
    assert summary(found) == [("DL901", "src/latin.ts", 1)]
