"""docs/ci.md: every YAML snippet parses, and every command it runs exists and is valid."""

from __future__ import annotations

import re
import shlex
import shutil

import click
import pytest
import yaml

from doclint.cli import cli
from tests.conftest import REPO

CI_DOC = REPO / "docs" / "ci.md"
_FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)
KNOWN_ACTIONS = {
    "actions/checkout",
    "actions/setup-python",
    "github/codeql-action/upload-sarif",
}


def _blocks(language: str) -> list[str]:
    text = CI_DOC.read_text(encoding="utf-8")
    return [body for lang, body in _FENCE.findall(text) if lang == language]


def _check_command(line: str) -> None:
    """A shell line of a snippet: each command exists; doclint's arguments parse."""
    for part in re.split(r"\|\||&&|;", line):
        words = shlex.split(part)
        if not words or words in (["true"], ["false"]):
            continue
        if words[:3] == ["python", "-m", "pip"]:
            words = ["pip", *words[3:]]
        program = words[0]
        if program == "doclint":
            name, args = words[1], words[2:]
            assert name in cli.commands, line
            command = cli.commands[name]
            with click.Context(command) as context:
                command.parse_args(context, list(args))
        else:
            assert shutil.which(program), f"{program} (in {line!r}) is not installed"


def test_every_yaml_snippet_parses() -> None:
    blocks = _blocks("yaml")
    assert len(blocks) == 3
    for block in blocks:
        assert yaml.safe_load(block)


def test_github_workflow_uploads_sarif_and_annotates() -> None:
    workflow = next(yaml.safe_load(b) for b in _blocks("yaml") if "jobs:" in b)
    assert workflow["permissions"]["security-events"] == "write"
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as True
    steps = workflow["jobs"]["doclint"]["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    for run in runs:
        _check_command(run)
    uses = {s["uses"].split("@")[0]: s for s in steps if "uses" in s}
    assert set(uses) == KNOWN_ACTIONS
    upload = uses["github/codeql-action/upload-sarif"]
    assert upload["if"] == "always()"
    sarif_run = next(r for r in runs if "--format sarif" in r)
    assert f"--output {upload['with']['sarif_file']}" in sarif_run
    assert any("--format github" in r for r in runs)


def test_gitlab_job_reports_code_quality_and_junit() -> None:
    config = next(yaml.safe_load(b) for b in _blocks("yaml") if "script:" in b)
    job = config["doclint"]
    for line in job["script"]:
        _check_command(line)
    reports = job["artifacts"]["reports"]
    script = " ".join(job["script"])
    assert f"--format gitlab --output {reports['codequality']}" in script
    assert f"--format junit --output {reports['junit']}" in script


def test_pre_commit_snippet_names_the_published_hook() -> None:
    config = next(yaml.safe_load(b) for b in _blocks("yaml") if "repos:" in b)
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    published = {h["id"] for h in hooks}
    (repo,) = config["repos"]
    assert {h["id"] for h in repo["hooks"]} <= published
    for hook in hooks:
        _check_command(hook["entry"] + " docs/API_CONTRACTS.md")


def test_shell_snippets_run_valid_doclint_commands() -> None:
    lines = [line for b in _blocks("sh") for line in b.splitlines() if line.strip()]
    assert len(lines) == 4
    for line in lines:
        _check_command(line)


def test_an_invalid_command_is_caught() -> None:
    with pytest.raises(click.UsageError):
        _check_command("doclint check --format nope")
    with pytest.raises(AssertionError):
        _check_command("no-such-program-xyz --help")
