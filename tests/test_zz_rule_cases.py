"""Every rule has at least one failing and one passing case somewhere in the suite.

This module runs last (pytest collects files in name order). It reads what the session-wide
recorder in conftest.py saw: which rules produced findings and which ran clean.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from doclint.config import Config
from doclint.engine import service_rules
from tests.conftest import RULE_OUTCOMES

TESTS = Path(__file__).resolve().parent


def _whole_suite(session: pytest.Session) -> bool:
    collected = {Path(str(item.fspath)).resolve() for item in session.items}
    expected = {p.resolve() for p in TESTS.rglob("test_*.py")}
    return expected <= collected


def test_every_rule_has_a_failing_and_a_passing_case(request: pytest.FixtureRequest) -> None:
    if not _whole_suite(request.session):
        pytest.skip("needs the whole test suite to have run")
    rules = service_rules(Config(root=TESTS))
    never_fired = [r.id for r in rules if r.id not in RULE_OUTCOMES["fired"]]
    never_quiet = [r.id for r in rules if r.id not in RULE_OUTCOMES["quiet"]]
    assert never_fired == [], "rules without a failing case"
    assert never_quiet == [], "rules without a passing case"
