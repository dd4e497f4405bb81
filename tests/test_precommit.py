"""The published pre-commit hook, run for real: pre-commit installs doclint from a git
repository holding this tree and runs it on a copy of the sample service."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from doclint.init import init
from tests.conftest import REPO, SAMPLE

pytestmark = pytest.mark.skipif(
    shutil.which("pre-commit") is None or shutil.which("git") is None,
    reason="pre-commit and git are needed to run the hook for real",
)

GIT_ENV = {
    "GIT_AUTHOR_NAME": "doclint tests",
    "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "doclint tests",
    "GIT_COMMITTER_EMAIL": "tests@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False
    )


def _git_repo(path: Path, env: dict[str, str]) -> str:
    for args in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "add", "-A"],
        ["git", "commit", "-q", "--no-gpg-sign", "-m", "snapshot"],
    ):
        done = _run(args, path, env)
        assert done.returncode == 0, done.stderr
    return _run(["git", "rev-parse", "HEAD"], path, env).stdout.strip()


def _hook_repo(target: Path, env: dict[str, str]) -> str:
    """A git repository holding this tree's package, pack and hook definition."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".doclint_cache")
    shutil.copytree(REPO / "doclint", target / "doclint", ignore=ignore)
    shutil.copytree(REPO / "rules", target / "rules", ignore=ignore)
    for name in ("pyproject.toml", ".pre-commit-hooks.yaml", "README.md", "LICENSE"):
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, target / name)
    if not (target / "README.md").exists():
        (target / "README.md").write_text("# doclint\n", encoding="utf-8")
    return _git_repo(target, env)


@pytest.fixture(scope="module")
def hook_setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("precommit")
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(base / "cache"), "NO_COLOR": "1"}
    env.pop("GIT_DIR", None)
    env.pop("GIT_INDEX_FILE", None)
    hooks = base / "hooks"
    hooks.mkdir()
    rev = _hook_repo(hooks, env)
    project = base / "project"
    shutil.copytree(SAMPLE, project / "sample_service")
    init(project / "sample_service")  # a doc the sample does not have yet is a skeleton
    config = {"repos": [{"repo": str(hooks), "rev": rev, "hooks": [{"id": "doclint"}]}]}
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (project / "NOTES.txt").write_text("not a doclint input\n", encoding="utf-8")
    _git_repo(project, env)
    return project, env


def test_hook_passes_on_the_sample_then_fails_on_a_broken_doc(
    hook_setup: tuple[Path, dict[str, str]],
) -> None:
    project, env = hook_setup
    passed = _run(["pre-commit", "run", "--all-files"], project, env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "doclint" in passed.stdout and "Passed" in passed.stdout

    security = project / "sample_service" / "docs" / "SECURITY_MODEL.md"
    text = security.read_text(encoding="utf-8")
    assert "## Egress" in text
    security.write_text(text.replace("## Egress", "## Outbound traffic"), encoding="utf-8")
    failed = _run(["pre-commit", "run", "--all-files"], project, env)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert "sample_service/docs/SECURITY_MODEL.md" in failed.stdout
    assert "DL102" in failed.stdout and '"Egress"' in failed.stdout
    security.write_text(text, encoding="utf-8")


def test_hook_skips_a_commit_that_touches_no_doclint_input(
    hook_setup: tuple[Path, dict[str, str]],
) -> None:
    project, env = hook_setup
    done = _run(["pre-commit", "run", "--files", "NOTES.txt"], project, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "(no files to check)" in done.stdout and "Skipped" in done.stdout


def test_hook_definition_matches_the_inputs_doclint_reads() -> None:
    import re

    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "doclint" and hook["language"] == "python"
    assert hook["pass_filenames"] is True and hook["entry"] == "doclint check"
    files = re.compile(hook["files"])
    for path in (
        "docs/API_CONTRACTS.md",
        "svc/docs/runbooks/AI_RATE_LIMITED.md",
        "svc/openapi.yaml",
        "openapi/openapi.json",
        "svc/events/registry.yaml",
        "svc/events/schemas/a.json",
        "svc/db/migration/V1__init.sql",
        "svc/doclint.toml",
        "svc/src/metrics.ts",
    ):
        assert files.search(path), path
    for path in ("README.txt", "svc/app/main.go", "docs-site/index.html", "svc/notes.md"):
        assert not files.search(path), path
