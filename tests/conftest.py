"""Shared test helpers: run doclint in-process on a tree, copy the sample service."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest

from doclint import engine
from doclint.cli import main
from doclint.diagnostics import Diagnostic

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_service"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = REPO.parent / "shared" / "corpus"


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


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path -> text) under ``root``; returns ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
