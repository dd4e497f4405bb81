"""Modules are imported only when a run needs them (SPEC §5.7)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from doclint.cache import DIRNAME
from tests.conftest import REPO, SAMPLE

HEAVY = ("pglast", "sqlglot", "openapi_spec_validator", "jsonschema", "markdown_it")
SQL = ("pglast", "sqlglot")


def _imported(stderr: str) -> set[str]:
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


def test_importing_the_cli_pulls_in_no_parser_or_validator() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import doclint.cli"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    imported = _imported(done.stderr)
    assert "doclint.cli" in imported
    loaded = {name for name in imported if name.split(".")[0] in HEAVY}
    assert loaded == set()


_PROBE = """
import json, sys
from doclint.cli import main
code = main(["check", sys.argv[1], "--no-cache", "--format", "json"])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _run_probe(root: Path) -> tuple[int, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(root)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    payload = json.loads(done.stdout.strip().splitlines()[-1])
    return payload["code"], {m.split(".")[0] for m in payload["modules"]}


def test_a_service_without_migrations_never_imports_a_sql_parser(tmp_path: Path) -> None:
    root = tmp_path / "svc"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(DIRNAME, "db"))
    code, modules = _run_probe(root)
    assert code in (0, 1)
    assert not modules & set(SQL)
    assert "markdown_it" in modules  # the docs were read


def test_a_service_with_migrations_does_import_one(tmp_path: Path) -> None:
    root = tmp_path / "svc"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(DIRNAME))
    code, modules = _run_probe(root)
    assert code == 0
    assert modules & set(SQL)


def test_a_run_answered_from_the_cache_imports_no_parser_and_no_rule(tmp_path: Path) -> None:
    root = tmp_path / "svc"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(DIRNAME))
    probe = _PROBE.replace('"--no-cache", ', "")
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe, str(root)],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
        for _ in range(2)
    ]
    cold, warm = (json.loads(run.stdout.strip().splitlines()[-1]) for run in runs)
    assert cold["code"] == warm["code"] == 0
    assert "doclint.checks.api" in cold["modules"]
    modules = set(warm["modules"])
    assert not {m for m in modules if m.split(".")[0] in HEAVY}
    assert not {m for m in modules if m.startswith(("doclint.checks", "doclint.sources."))} - {
        "doclint.sources.files"
    }
