"""JUnit XML report (SPEC §5.2): a testsuite per service, a testcase per rule that ran.

A rule with findings at or above the service's ``fail-on`` severity is a failed testcase whose
failure lists its diagnostics; lesser findings go to the testcase's ``system-out``. A crashed
rule (DL999) is an error.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from doclint.diagnostics import Diagnostic
from doclint.engine import INTERNAL, Report, ServiceResult


def _describe(diagnostic: Diagnostic) -> str:
    text = (
        f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}: {diagnostic.rule} "
        f"[{diagnostic.severity.value}] {diagnostic.message}"
    )
    for r in diagnostic.related:
        text += f"\n    {r.path}:{r.line}: {r.message}"
    return text


def _suite(service: ServiceResult) -> ET.Element:
    by_rule: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in service.diagnostics:
        by_rule[d.rule].append(d)
    names = {r.id: r.name for r in service.rules}
    names.update({d.rule: d.name for d in service.diagnostics})
    suite = ET.Element("testsuite", name=service.name)
    failures = errors = 0
    for rule_id in sorted(set(names) - ({INTERNAL} - set(by_rule))):
        found = sorted(by_rule.get(rule_id, []), key=lambda d: d.sort_key)
        case = ET.SubElement(
            suite,
            "testcase",
            name=f"{rule_id} {names[rule_id]}",
            classname=f"doclint.{service.name}",
            time="0",
        )
        failing = [d for d in found if d.severity.rank >= service.fail_on.rank]
        if rule_id == INTERNAL and found:
            errors += 1
            element = ET.SubElement(case, "error", message=found[0].message, type="internal-error")
            element.text = "\n".join(_describe(d) for d in found)
        elif failing:
            failures += 1
            count = len(failing)
            element = ET.SubElement(
                case,
                "failure",
                message=f"{count} finding{'' if count == 1 else 's'}: {failing[0].message}",
                type=failing[0].severity.value,
            )
            element.text = "\n".join(_describe(d) for d in failing)
        rest = [d for d in found if d not in failing and rule_id != INTERNAL]
        if rest:
            ET.SubElement(case, "system-out").text = "\n".join(_describe(d) for d in rest)
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "0")
    suite.set("time", "0")
    return suite


def render(report: Report, *, color: bool = False) -> str:
    root = ET.Element("testsuites", name="doclint")
    suites = [_suite(service) for service in report.services]
    root.extend(suites)
    for key in ("tests", "failures", "errors"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in suites)))
    root.set("time", "0")
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
