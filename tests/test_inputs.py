"""Bad-input fixtures with golden output: each malformed or hostile input is one DL9xx (or
configuration) message naming the file, the line and what to change, never a traceback.

Each case under ``tests/fixtures/bad_input/<case>/`` is a small service; ``expected.txt`` holds
the text report. Cases are checked from a copy outside the repository, so a `$ref` escaping
the case escapes the repository too. ``DOCLINT_UPDATE_GOLDEN=1`` rewrites the golden files.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "bad_input"
GOLDEN = "expected.txt"
SELECT = "DL9,DL102,DL108"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())

# What each case must report, beyond matching its golden file: (rule, path, line).
MUST = {
    "billion-laughs": ("DL902", "openapi.yaml", 11),
    "config-wrong-type": ("config", "doclint.toml", 3),
    "empty-files": ("DL903", "events/schemas/demo.created.v1.json", 1),
    "empty-registry": ("DL902", "events/registry.yaml", 1),
    "invalid-json-schema": ("DL921", "events/schemas/demo.created.v1.json", 5),
    "non-utf8-markdown": ("DL901", "docs/SERVICE_OVERVIEW.md", 9),
    "not-openapi": ("DL911", "openapi.yaml", 1),
    "ref-etc-passwd": ("DL913", "openapi.yaml", 15),
    "ref-https": ("DL922", "events/schemas/demo.created.v1.json", 5),
    "sql-syntax-error": ("DL933", "db/migration/V1__init.sql", 7),
    "yaml-tab": ("DL902", "events/registry.yaml", 3),
    "yaml-unclosed-bracket": ("DL902", "openapi.yaml", 10),
}

_LINE = re.compile(
    r"^(?P<path>[^:\s]+):(?P<line>\d+):(?:\d+:)? (?P<rule>DL\d{3}) \[\w+\] (?P<msg>.+)$"
)
_CONFIG = re.compile(r"^doclint: error: (?P<path>[^:\s]+):(?P<line>\d+): (?P<key>[\w.-]+): .+$")


def test_every_case_has_an_expectation() -> None:
    assert sorted(MUST) == CASES


@pytest.mark.parametrize("case", CASES)
def test_bad_input_golden(case: str, tmp_path: Path, run_cli: Any) -> None:
    root = tmp_path / case
    shutil.copytree(FIXTURES / case, root, ignore=shutil.ignore_patterns(GOLDEN))
    code, out, err = run_cli(["check", ".", "--select", SELECT], root)
    output = (out + err).replace(str(tmp_path), "<tmp>")
    golden = FIXTURES / case / GOLDEN
    if os.environ.get("DOCLINT_UPDATE_GOLDEN"):
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")
    assert "Traceback" not in output

    rule, path, line = MUST[case]
    found = []
    for text in output.splitlines():
        match = _LINE.match(text) or _CONFIG.match(text)
        if match:
            found.append(
                (match.groupdict().get("rule", "config"), match["path"], int(match["line"]))
            )
            assert (root / match["path"]).is_file(), text
            number = int(match["line"])
            assert 1 <= number <= len((root / match["path"]).read_bytes().split(b"\n")), text
    assert (rule, path, line) in found
    assert code == (2 if rule == "config" else 1)
