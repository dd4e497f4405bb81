"""Configuration loading and validation (SPEC §2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from doclint.config import Config, find_config_file, load_config
from doclint.diagnostics import Severity
from doclint.errors import ConfigError
from tests.conftest import write_tree


def test_defaults_without_a_config_file(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config == Config(root=tmp_path)
    assert config.docs == "docs"
    assert config.flyway_default_schema == "public"
    assert config.data_ignore_tables == ("flyway_schema_history",)
    assert config.readiness_signoff_max_age_days == 183
    assert config.fail_on is Severity.ERROR


def test_every_key_is_read_from_doclint_toml(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "doclint.toml": """
docs = "documentation"
openapi = "spec/api.yaml"
events = "events/registry.yaml"
migrations = "sql"
runbooks = "documentation/runbooks"
source = ["app/**"]
evals = ["evals/**"]
tests = ["test/**"]
sql-dialect = "mysql"
select = ["DL1"]
ignore = ["DL105"]
extend-select = ["DL2"]
rule-packs = ["standards.yaml"]
fail-on = "warning"
max-file-size = 1000
severity = { DL105 = "error", placeholder-text = "info" }
per-file-ignores = { "documentation/legacy/*.md" = ["DL1"] }

[flyway]
default-schema = "app"
placeholders = { schema = "app" }
placeholder-prefix = "#["
placeholder-suffix = "]"

[api]
path-prefix = "/v1"

[errors]
code-pattern = "^E[0-9]+$"
runbook-pattern = "{code}.runbook.md"

[data]
tenant-column = "org_id"
ignore-tables = ["audit_log"]

[readiness]
signoff-max-age-days = 90

[[telemetry.patterns]]
regex = 'metrics\\.counter\\("(?P<name>[^"]+)"'
kind = "counter"
""",
            "documentation/runbooks/.keep": "",
            "spec/api.yaml": "openapi: 3.1.0\n",
            "events/registry.yaml": "events: []\n",
            "sql/.keep": "",
            "standards.yaml": "pack: x\n",
        },
    )
    config = load_config(tmp_path)
    assert config.docs == "documentation"
    assert config.openapi == "spec/api.yaml"
    assert config.sql_dialect == "mysql"
    assert config.flyway_placeholders == {"schema": "app"}
    assert config.flyway_placeholder_prefix == "#["
    assert config.api_path_prefix == "/v1"
    assert config.errors_runbook_pattern == "{code}.runbook.md"
    assert config.data_tenant_column == "org_id"
    assert config.readiness_signoff_max_age_days == 90
    assert config.severity == {"DL105": Severity.ERROR, "placeholder-text": Severity.INFO}
    assert config.per_file_ignores == {"documentation/legacy/*.md": ("DL1",)}
    assert config.fail_on is Severity.WARNING
    assert config.telemetry_patterns[0].kind == "counter"
    assert config.source == ("app/**",)
    assert "api_path_prefix='/v1'" in config.fingerprint()


def test_pyproject_table_is_found_only_when_it_has_tool_doclint(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n"})
    assert find_config_file(tmp_path) is None
    (tmp_path / "pyproject.toml").write_text("[tool.doclint]\ndocs = 'docs'\n[tool.doclint.api]\n")
    (tmp_path / "docs").mkdir()
    assert find_config_file(tmp_path) == tmp_path / "pyproject.toml"
    assert load_config(tmp_path).docs == "docs"


def test_unknown_key_names_file_key_line_and_suggestion(tmp_path: Path) -> None:
    write_tree(tmp_path, {"doclint.toml": "# config\n\n[api]\npath-prefx = '/v1'\n"})
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, cwd=tmp_path)
    message = str(caught.value)
    assert message.startswith("doclint.toml:4: api.path-prefx: unknown key")
    assert "did you mean 'api.path-prefix'?" in message


def test_unknown_key_in_pyproject_is_prefixed(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": "[tool.doclint]\nselct = ['DL1']\n"})
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, cwd=tmp_path)
    assert "tool.doclint.selct: unknown key; did you mean 'tool.doclint.select'?" in str(
        caught.value
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("docs = 3\n", "docs: expected a string, got an integer"),
        ("select = 'DL1'\n", "select: expected a list of strings, got a string"),
        ("max-file-size = true\n", "expected a non-negative integer, got a boolean"),
        ("fail-on = 'fatal'\n", "unknown severity 'fatal'"),
        ("sql-dialect = 'cobol'\n", "unknown SQL dialect 'cobol'"),
        ("[errors]\ncode-pattern = '('\n", "invalid regular expression"),
        ("[flyway]\nplaceholders = { a = 1 }\n", "expected a table of names to string values"),
        ("severity = { DL1 = 1 }\n", "severity of 'DL1' must be a string"),
        ("severity = 'x'\n", "expected a table of rule to severity"),
        ("per-file-ignores = { a = 'DL1' }\n", "expected a table of glob to a list"),
        ("telemetry = { patterns = 'x' }\n", "expected a list of tables"),
        ("[[telemetry.patterns]]\nregex = 'x'\n", "needs a 'kind'"),
        ("[[telemetry.patterns]]\nkind = 'counter'\n", "'regex' string"),
        ("[[telemetry.patterns]]\nregex = 'x'\nkind = 'counter'\n", "named group"),
        ("[[telemetry.patterns]]\nregex = '('\nkind = 'counter'\n", "invalid regular"),
        (
            "[[telemetry.patterns]]\nregex = '(?P<name>x)'\nkind = 'c'\nglobs = 'x'\n",
            "'globs' is a list",
        ),
        (
            "[[telemetry.patterns]]\nregex = '(?P<name>x)'\nkind = 'c'\nextra = 1\n",
            "unknown pattern key 'extra'",
        ),
        ("openapi = 'missing.yaml'\n", "openapi: 'missing.yaml' does not exist"),
        ("rule-packs = ['nope.yaml']\n", "rule pack 'nope.yaml' does not exist"),
        ("docs = [\n", "invalid TOML"),
    ],
)
def test_invalid_values_are_one_clear_error(tmp_path: Path, text: str, expected: str) -> None:
    write_tree(tmp_path, {"doclint.toml": text})
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, cwd=tmp_path)
    assert expected in str(caught.value)
    assert str(caught.value).startswith("doclint.toml")


def test_explicit_config_file_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path, tmp_path / "absent.toml", cwd=tmp_path)


def test_config_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "doclint.toml").write_bytes(b"docs = '\xff'\n")
    with pytest.raises(ConfigError, match="cannot read the file"):
        load_config(tmp_path, cwd=tmp_path)


def test_tool_doclint_must_be_a_table(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": "[tool]\ndoclint = 3\n"})
    with pytest.raises(ConfigError, match="must be a table"):
        load_config(tmp_path, tmp_path / "pyproject.toml", cwd=tmp_path)
