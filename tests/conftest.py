"""Shared test helpers: run doclint in-process on a tree, copy the sample service."""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from doclint import engine
from doclint.cli import main
from doclint.diagnostics import Diagnostic
from doclint.project import Project

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_service"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = REPO.parent / "shared" / "corpus"

#: The sample's error codes and the HTTP status each belongs to.
SAMPLE_ERROR_CODES = {
    "AI_INVALID_REQUEST": "400",
    "AI_UNAUTHENTICATED": "401",
    "AI_BUDGET_EXCEEDED": "402",
    "AI_TENANT_FORBIDDEN": "403",
    "AI_SESSION_NOT_FOUND": "404",
    "AI_PROMPT_NOT_FOUND": "404",
    "AI_SESSION_CLOSED": "409",
    "AI_CONTENT_BLOCKED": "422",
    "AI_RATE_LIMITED": "429",
    "AI_PROVIDER_UNAVAILABLE": "503",
    "AI_PROVIDER_TIMEOUT": "504",
}


def check(
    root: Path, select: Iterable[str] = (), ignore: Iterable[str] = (), cwd: Path | None = None
) -> list[Diagnostic]:
    """Diagnostics of ``root`` (paths relative to ``cwd``, default: ``root`` itself)."""
    options = engine.Options(
        cwd=(cwd or root).resolve(), select=tuple(select), ignore=tuple(ignore)
    )
    return engine.run([root.resolve()], options).diagnostics


def summary(diagnostics: Iterable[Diagnostic]) -> list[tuple[str, str, int]]:
    """(rule, path, line) of each diagnostic, for compact assertions."""
    return [(d.rule, d.path, d.line) for d in diagnostics]


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A fresh copy of sample_service to mutate."""
    target = tmp_path / "svc"
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns(".doclint_cache"))
    return target


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run ``doclint ARGS`` in a directory; returns (exit code, stdout, stderr)."""

    def invoke(args: list[str], cwd: Path) -> tuple[int, str, str]:
        monkeypatch.chdir(cwd)
        code = main(args)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` in the file at ``path`` with ``new``; ``old`` must occur exactly once,
    so that an edit cannot land somewhere other than the test means."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """1-based number of the first line of ``path`` containing ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path -> text) under ``root``; returns ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


#: Rule ids that produced a finding in some test ("fired"), and ids that ran in some test
#: without producing one ("quiet"): every rule needs both (tests/test_zz_rule_cases.py).
RULE_OUTCOMES: dict[str, set[str]] = {"fired": set(), "quiet": set()}


@pytest.fixture(autouse=True, scope="session")
def _record_rule_outcomes() -> Iterator[None]:
    original = engine.check_project

    def recording(project: Project, options: engine.Options) -> engine.ServiceResult:
        result = original(project, options)
        fired = {d.rule for d in result.diagnostics}
        RULE_OUTCOMES["fired"] |= fired
        RULE_OUTCOMES["quiet"] |= {r.id for r in result.rules} - fired
        return result

    engine.check_project = recording  # type: ignore[assignment]
    yield
    engine.check_project = original  # type: ignore[assignment]
