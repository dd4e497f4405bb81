"""The sarif, github, junit and gitlab reporters: golden files, the official SARIF schema,
JUnit's XML shape, and real runs on a drifted copy of the sample service."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from doclint.diagnostics import Diagnostic, Related, Severity
from doclint.engine import Report, ServiceResult
from doclint.registry import Rule
from doclint.reporters import FORMATS, get, github, gitlab, junit, sarif

GOLDEN = Path(__file__).parent / "golden"
SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)


def _rule(ident: str, name: str, severity: Severity, summary: str) -> Rule:
    doc = f"{summary}\n\nWhy: it matters.\nBad: the wrong thing.\nFix: the right thing."
    return Rule(ident, name, severity, summary, doc, frozenset({"docs"}))


RULES = {
    "DL201": _rule("DL201", "api-operation-undocumented", Severity.ERROR, "An op is undocumented."),
    "DL105": _rule("DL105", "placeholder-text", Severity.WARNING, "A doc holds placeholders."),
    "DL401": _rule("DL401", "error-code-unused", Severity.INFO, "A code nothing uses."),
    "DL999": _rule("DL999", "internal-error", Severity.ERROR, "A rule crashed."),
}


def _report() -> Report:
    a = [
        Diagnostic(
            "DL201",
            "api-operation-undocumented",
            Severity.ERROR,
            "svc-a/docs/API_CONTRACTS.md",
            12,
            1,
            "operation GET /v1/x:y, is not documented; add a `### GET /v1/x:y` heading",
            "GET /v1/x:y",
            related=(Related("svc-a/openapi.yaml", 40, "declared here"),),
            service="svc-a",
        ),
        Diagnostic(
            "DL105",
            "placeholder-text",
            Severity.WARNING,
            "svc-a/docs/SERVICE_OVERVIEW.md",
            3,
            9,
            'placeholder "TBD" in docs/SERVICE_OVERVIEW.md; replace it with the real content',
            "docs/SERVICE_OVERVIEW.md#Owners: TBD",
            end_line=3,
            end_column=12,
            service="svc-a",
        ),
    ]
    b = [
        Diagnostic(
            "DL401",
            "error-code-unused",
            Severity.INFO,
            "svc-b/docs/ERROR CODES.md",
            5,
            3,
            "code AI_X is 100% unused\nremove it",
            "AI_X",
            service="svc-b",
        ),
        Diagnostic(
            "DL999",
            "internal-error",
            Severity.ERROR,
            "svc-b/doclint.toml",
            1,
            1,
            "rule DL401 crashed with KeyError: 'x'",
            "DL401",
            service="svc-b",
        ),
    ]
    rules = list(RULES.values())
    return Report(
        [
            ServiceResult("svc-a", a, 3, False, Severity.ERROR, rules[:3]),
            ServiceResult("svc-b", b, 2, True, Severity.WARNING, rules),
        ],
        RULES,
    )


RENDERED = {
    "sarif": lambda r: sarif.dumps(r, Path("/srv/repo")),
    "github": github.render,
    "junit": junit.render,
    "gitlab": gitlab.render,
}
SUFFIX = {"sarif": "sarif", "github": "txt", "junit": "xml", "gitlab": "json"}


@pytest.mark.parametrize("fmt", sorted(RENDERED))
def test_golden(fmt: str) -> None:
    golden = GOLDEN / f"report.{SUFFIX[fmt]}"
    rendered = RENDERED[fmt](_report())
    if os.environ.get("DOCLINT_UPDATE_GOLDEN"):
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


def test_formats_are_registered() -> None:
    for fmt in ("sarif", "github", "junit", "gitlab"):
        assert fmt in FORMATS
        assert get(fmt)(_report())


def test_sarif_is_valid_and_carries_rules_related_and_fingerprints() -> None:
    log = sarif.build(_report(), Path("/srv/repo"))
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    run = log["runs"][0]  # type: ignore[index]
    driver = run["tool"]["driver"]
    assert [r["id"] for r in driver["rules"]] == ["DL105", "DL201", "DL401", "DL999"]
    rule = driver["rules"][1]
    assert rule["name"] == "api-operation-undocumented"
    assert rule["shortDescription"]["text"] == "An op is undocumented."
    assert rule["fullDescription"]["text"].startswith("Why: it matters.")
    assert "**Fix:** the right thing." in rule["help"]["markdown"]
    assert rule["defaultConfiguration"]["level"] == "error"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///srv/repo/"
    first, second, _, third = run["results"]
    assert first["ruleIndex"] == 1 and first["level"] == "error"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "svc-a/docs/API_CONTRACTS.md",
        "uriBaseId": "%SRCROOT%",
    }
    assert first["relatedLocations"][0]["physicalLocation"]["region"] == {"startLine": 40}
    assert first["relatedLocations"][0]["message"]["text"] == "declared here"
    assert second["locations"][0]["physicalLocation"]["region"]["endColumn"] == 12
    assert third["level"] == "note"
    assert third["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "svc-b/docs/ERROR%20CODES.md"
    )


def test_sarif_fingerprint_ignores_lines_and_messages() -> None:
    base = _report().diagnostics[0]
    moved = Diagnostic(
        base.rule, base.name, base.severity, base.path, 99, 4, "reworded", base.subject
    )
    other = Diagnostic(
        base.rule, base.name, base.severity, base.path, 12, 1, base.message, "GET /v1/z"
    )
    assert sarif.fingerprint(moved) == sarif.fingerprint(base)
    assert sarif.fingerprint(other) != sarif.fingerprint(base)
    assert len(sarif.fingerprint(base)) == 64


def test_github_escapes_data_and_properties() -> None:
    assert github.escape_data("100%\r\nx") == "100%25%0D%0Ax"
    assert github.escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    lines = github.render(_report()).splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("::error file=svc-a/docs/API_CONTRACTS.md,line=12,col=1,")
    assert "title=DL201 api-operation-undocumented::" in lines[0]
    assert "GET /v1/x:y, is not documented" in lines[0]  # message text: only %, CR, LF
    assert lines[0].endswith("%0Asvc-a/openapi.yaml:40: declared here")
    assert ",endLine=3,endColumn=12," in lines[1] and lines[1].startswith("::warning ")
    assert lines[2].startswith("::error file=svc-b/doclint.toml,")
    assert lines[3].startswith("::notice ") and "100%25 unused%0Aremove it" in lines[3]
    assert "file=svc-b/docs/ERROR CODES.md," in lines[3]


def test_junit_parses_with_a_suite_per_service_and_a_case_per_rule() -> None:
    root = ET.fromstring(junit.render(_report()).encode("utf-8"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("7", "1", "1")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["svc-a", "svc-b"]
    a_cases = {c.get("name"): c for c in suites[0].findall("testcase")}
    assert sorted(a_cases) == [
        "DL105 placeholder-text",
        "DL201 api-operation-undocumented",
        "DL401 error-code-unused",
    ]
    failure = a_cases["DL201 api-operation-undocumented"].find("failure")
    assert failure is not None and failure.get("type") == "error"
    assert "svc-a/docs/API_CONTRACTS.md:12:1: DL201" in (failure.text or "")
    assert "svc-a/openapi.yaml:40: declared here" in (failure.text or "")
    # below the service's fail-on: reported as output, not as a failure
    placeholder = a_cases["DL105 placeholder-text"]
    assert placeholder.find("failure") is None
    assert "TBD" in (placeholder.findtext("system-out") or "")
    assert a_cases["DL401 error-code-unused"].find("failure") is None
    b_cases = {c.get("name"): c for c in suites[1].findall("testcase")}
    assert b_cases["DL999 internal-error"].find("error") is not None
    assert b_cases["DL401 error-code-unused"].find("failure") is None  # info < warning
    assert suites[0].get("classname") is None
    assert a_cases["DL201 api-operation-undocumented"].get("classname") == "doclint.svc-a"


def test_gitlab_code_quality_issues() -> None:
    issues = json.loads(gitlab.render(_report()))
    assert len(issues) == 4
    assert {i["severity"] for i in issues} == {"major", "minor", "info"}
    assert issues[0]["location"] == {
        "path": "svc-a/docs/API_CONTRACTS.md",
        "lines": {"begin": 12, "end": 12},
    }
    assert len({i["fingerprint"] for i in issues}) == 4
    twice = _report()
    twice.services[0].diagnostics.append(twice.services[0].diagnostics[0])
    prints = [i["fingerprint"] for i in json.loads(gitlab.render(twice))]
    assert len(prints) == 5 and len(set(prints)) == 5


def _drift(sample: Path) -> None:
    """Drift the sample: a placeholder, a broken anchor and a broken link."""
    doc = sample / "docs" / "SERVICE_OVERVIEW.md"
    text = doc.read_text(encoding="utf-8")
    doc.write_text(
        text + "\nOwner of the roadmap: TBD.\n\nSee [tenancy](SECURITY_MODEL.md#multitenancy) and "
        "[the plan](ROADMAP.md).\n",
        encoding="utf-8",
    )


def test_sarif_of_a_drifted_sample_validates(sample: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    _drift(sample)
    code, out, _ = run_cli(["check", ".", "--format", "sarif"], sample)
    assert code == 1
    log = json.loads(out)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    results = log["runs"][0]["results"]
    rules = {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    found = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for r in results
    }
    assert ("DL105", "docs/SERVICE_OVERVIEW.md") in found
    assert ("DL106", "docs/SERVICE_OVERVIEW.md") in found
    assert ("DL107", "docs/SERVICE_OVERVIEW.md") in found
    assert {r["ruleId"] for r in results} <= rules
    anchor = next(r for r in results if r["ruleId"] == "DL107")
    assert anchor["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "docs/SECURITY_MODEL.md"
    )


def test_github_prints_one_annotation_per_finding(sample: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    _drift(sample)
    _, expected, _ = run_cli(["check", ".", "--format", "json"], sample)
    diagnostics = json.loads(expected)["diagnostics"]
    code, out, _ = run_cli(["check", ".", "--format", "github"], sample)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == len(diagnostics) >= 3
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)


def test_junit_and_gitlab_of_the_sample(sample: Path, run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _drift(sample)
    target = tmp_path / "out" / "junit.xml"
    code, out, _ = run_cli(["check", ".", "--format", "junit", "--output", str(target)], sample)
    assert code == 1 and "Found" in out
    root = ET.parse(target).getroot()
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "."
    failing = {c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None}
    assert "DL106 broken-link" in failing and "DL107 broken-anchor" in failing
    code, out, _ = run_cli(["check", ".", "--format", "gitlab"], sample)
    assert {i["check_name"] for i in json.loads(out)} >= {"DL105 placeholder-text"}


def test_sarif_of_drift_in_every_family_validates(sample: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    from tests.test_fix import STUBBED
    from tests.test_fix import _drift as drift_every_family

    drift_every_family(sample)
    code, out, _ = run_cli(["check", ".", "--format", "sarif"], sample)
    assert code == 1
    log = json.loads(out)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= STUBBED
    assert all(r.get("relatedLocations") for r in results if r["ruleId"] in STUBBED)
    prints = [r["partialFingerprints"]["doclintFingerprint/v1"] for r in results]
    assert len(set(prints)) == len(prints)
    code, out, _ = run_cli(["check", ".", "--format", "github"], sample)
    assert len(out.splitlines()) == len(results)
