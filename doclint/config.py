"""Load and validate ``[tool.doclint]`` / ``doclint.toml`` / ``.doclint.toml`` into a Config."""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from doclint.diagnostics import Severity
from doclint.errors import ConfigError
from doclint.sources.files import display_path, exists, is_file, is_inside

CONFIG_FILES = ("doclint.toml", ".doclint.toml", "pyproject.toml")
DEFAULT_CODE_PATTERN = r"^[A-Z][A-Z0-9]*(?:[_-][A-Z0-9]+)+$"
SQL_DIALECTS = ("postgres", "mysql", "sqlite", "tsql", "bigquery", "snowflake", "oracle")


@dataclass(frozen=True, slots=True)
class TelemetryPattern:
    """A regular expression over source lines whose group ``name`` is a metric name."""

    regex: str
    kind: str
    globs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Config:
    """The validated configuration of one service. Paths are relative to ``root``."""

    root: Path
    source_file: Path | None = None
    docs: str = "docs"
    openapi: str | None = None
    events: str | None = None
    migrations: str = "db/migration"
    runbooks: str = "docs/runbooks"
    source: tuple[str, ...] = ("src/**",)
    evals: tuple[str, ...] = ("evals/**",)
    tests: tuple[str, ...] = ("tests/**",)
    sql_dialect: str = "postgres"
    flyway_default_schema: str = "public"
    flyway_placeholders: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    flyway_placeholder_prefix: str = "${"
    flyway_placeholder_suffix: str = "}"
    api_path_prefix: str = ""
    errors_code_pattern: str = DEFAULT_CODE_PATTERN
    errors_runbook_pattern: str = "{code}.md"
    data_tenant_column: str = "tenant_id"
    data_ignore_tables: tuple[str, ...] = ("flyway_schema_history",)
    readiness_signoff_max_age_days: int = 183
    telemetry_patterns: tuple[TelemetryPattern, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=lambda: MappingProxyType({}))
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    rule_packs: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR
    max_file_size: int = 10_000_000

    @property
    def docs_dir(self) -> Path:
        return self.root / self.docs

    def fingerprint(self) -> str:
        """A stable text of every setting, for cache keys."""
        parts = []
        for f in fields(self):
            if f.name in ("root", "source_file"):
                continue
            value = getattr(self, f.name)
            if isinstance(value, Mapping):
                value = sorted((k, str(v)) for k, v in value.items())
            parts.append(f"{f.name}={value!r}")
        return ";".join(parts)


# key in the file -> (Config attribute, kind). Kinds: str, str?, list, int, table, severity-map,
# ignores-map, severity, patterns, dialect.
_KEYS: dict[str, tuple[str, str]] = {
    "docs": ("docs", "path"),
    "openapi": ("openapi", "path?"),
    "events": ("events", "path?"),
    "migrations": ("migrations", "path"),
    "runbooks": ("runbooks", "path"),
    "source": ("source", "list"),
    "evals": ("evals", "list"),
    "tests": ("tests", "list"),
    "sql-dialect": ("sql_dialect", "dialect"),
    "flyway.default-schema": ("flyway_default_schema", "str"),
    "flyway.placeholders": ("flyway_placeholders", "table"),
    "flyway.placeholder-prefix": ("flyway_placeholder_prefix", "str"),
    "flyway.placeholder-suffix": ("flyway_placeholder_suffix", "str"),
    "api.path-prefix": ("api_path_prefix", "str"),
    "errors.code-pattern": ("errors_code_pattern", "regex"),
    "errors.runbook-pattern": ("errors_runbook_pattern", "str"),
    "data.tenant-column": ("data_tenant_column", "str"),
    "data.ignore-tables": ("data_ignore_tables", "list"),
    "readiness.signoff-max-age-days": ("readiness_signoff_max_age_days", "int"),
    "telemetry.patterns": ("telemetry_patterns", "patterns"),
    "select": ("select", "list"),
    "ignore": ("ignore", "list"),
    "extend-select": ("extend_select", "list"),
    "severity": ("severity", "severity-map"),
    "per-file-ignores": ("per_file_ignores", "ignores-map"),
    "rule-packs": ("rule_packs", "list"),
    "fail-on": ("fail_on", "severity"),
    "max-file-size": ("max_file_size", "int"),
}
_TABLES = {key.split(".")[0] for key in _KEYS if "." in key}
KNOWN_KEYS = tuple(sorted(_KEYS))


def find_config_file(root: Path) -> Path | None:
    """The configuration file of a service root, or None when it has none."""
    for name in CONFIG_FILES:
        candidate = root / name
        if not candidate.is_file():
            continue
        if name != "pyproject.toml":
            return candidate
        try:
            data = tomllib.loads(candidate.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError, RecursionError):
            continue
        tool = data.get("tool")
        if isinstance(tool, dict) and "doclint" in tool:
            return candidate
    return None


def load_config(root: Path, explicit: Path | None = None, cwd: Path | None = None) -> Config:
    """Read and validate the configuration of the service at ``root``."""
    path = explicit if explicit is not None else find_config_file(root)
    if path is None:
        return Config(root=root)
    shown = display_path(path.resolve(), (cwd or Path.cwd()).resolve())
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(shown, "--config", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(shown, "(file)", f"cannot read the file: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(shown, "(syntax)", f"invalid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise ConfigError(
            shown, "(syntax)", "arrays or tables nest too deeply to be read; flatten them"
        ) from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("doclint", {}) if isinstance(tool, dict) else {}
        prefix = "tool.doclint."
    else:
        table = data
        prefix = ""
    if not isinstance(table, dict):
        raise ConfigError(shown, prefix.rstrip(".") or "(root)", "must be a table")
    values = _validate(table, text, shown, prefix)
    config = replace(Config(root=root, source_file=path), **values)
    _check_paths(config, values, text, shown, prefix)
    return config


def _flatten(table: Mapping[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if key in _TABLES and isinstance(value, dict):
            for sub, subvalue in value.items():
                flat[f"{key}.{sub}"] = subvalue
        else:
            flat[key] = value
    return flat


def _line_of(text: str, key: str) -> int | None:
    name = key.rsplit(".", 1)[-1]
    pattern = re.compile(rf"^\s*(?:[\w.-]+\.)?[\"']?{re.escape(name)}[\"']?\s*=", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _validate(table: Mapping[str, Any], text: str, shown: str, prefix: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, raw in _flatten(table).items():

        def fail(message: str, key: str = key) -> ConfigError:
            return ConfigError(shown, prefix + key, message, _line_of(text, key))

        if key not in _KEYS:
            close = difflib.get_close_matches(key, KNOWN_KEYS, n=1, cutoff=0.6)
            hint = f"; did you mean '{prefix}{close[0]}'?" if close else ""
            raise fail(f"unknown key{hint}")
        attr, kind = _KEYS[key]
        values[attr] = _convert(raw, kind, fail)
    return values


def _convert(raw: Any, kind: str, fail: Any) -> Any:
    if kind in ("str", "path", "path?", "regex", "dialect", "severity"):
        if not isinstance(raw, str):
            raise fail(f"expected a string, got {_type_name(raw)}")
        if kind == "regex":
            try:
                re.compile(raw)
            except re.error as exc:
                raise fail(f"invalid regular expression: {exc}") from None
        if kind == "dialect" and raw not in SQL_DIALECTS:
            raise fail(f"unknown SQL dialect '{raw}'; expected one of {', '.join(SQL_DIALECTS)}")
        if kind == "severity":
            return _severity(raw, fail)
        return raw
    if kind == "int":
        if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
            raise fail(f"expected a non-negative integer, got {_type_name(raw)}")
        return raw
    if kind == "list":
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise fail(f"expected a list of strings, got {_type_name(raw)}")
        return tuple(raw)
    if kind == "table":
        if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
            raise fail("expected a table of names to string values")
        return MappingProxyType(dict(raw))
    if kind == "severity-map":
        if not isinstance(raw, dict):
            raise fail(f"expected a table of rule to severity, got {_type_name(raw)}")
        result = {}
        for rule, value in raw.items():
            if not isinstance(value, str):
                raise fail(f"severity of '{rule}' must be a string")
            result[rule] = _severity(value, fail)
        return MappingProxyType(result)
    if kind == "ignores-map":
        if not isinstance(raw, dict) or not all(
            isinstance(v, list) and all(isinstance(i, str) for i in v) for v in raw.values()
        ):
            raise fail("expected a table of glob to a list of rule ids or names")
        return MappingProxyType({glob: tuple(rules) for glob, rules in raw.items()})
    assert kind == "patterns"
    if not isinstance(raw, list):
        raise fail(f"expected a list of tables, got {_type_name(raw)}")
    patterns = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("regex"), str):
            raise fail("each pattern is a table with a 'regex' string and a 'kind' string")
        if not isinstance(item.get("kind"), str):
            raise fail("each pattern needs a 'kind' (counter, up_down_counter, histogram, gauge)")
        unknown = set(item) - {"regex", "kind", "globs"}
        if unknown:
            raise fail(f"unknown pattern key '{sorted(unknown)[0]}'")
        try:
            compiled = re.compile(item["regex"])
        except re.error as exc:
            raise fail(f"invalid regular expression: {exc}") from None
        if "name" not in compiled.groupindex:
            raise fail("a pattern's regex needs a named group (?P<name>...) for the metric name")
        globs = item.get("globs", [])
        if not isinstance(globs, list) or not all(isinstance(g, str) for g in globs):
            raise fail("a pattern's 'globs' is a list of strings")
        patterns.append(TelemetryPattern(item["regex"], item["kind"], tuple(globs)))
    return tuple(patterns)


def _severity(value: str, fail: Any) -> Severity:
    try:
        return Severity.parse(value)
    except ValueError:
        raise fail(f"unknown severity '{value}'; expected error, warning or info") from None


def _type_name(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _repository(root: Path) -> Path:
    """The repository holding ``root`` (nearest folder with ``.git``), else ``root``."""
    for folder in (root, *root.parents):
        if exists(folder / ".git"):
            return folder
    return root


def _check_paths(
    config: Config, values: Mapping[str, Any], text: str, shown: str, prefix: str
) -> None:
    """A path the configuration names explicitly must exist inside the repository (a pull
    request can edit the configuration: it must not make doclint read files elsewhere)."""
    repository = _repository(config.root.resolve())
    for key in ("source", "evals", "tests"):
        for pattern in values.get(key, ()):
            if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
                raise ConfigError(
                    shown,
                    prefix + key,
                    f"'{pattern}' reaches outside the service; write a pattern relative to the "
                    "service root, without '..'",
                    _line_of(text, key),
                )
    named = [(key, values[attr]) for key, (attr, kind) in _KEYS.items() if attr in values]
    for key, value in named:
        kind = _KEYS[key][1]
        if kind not in ("path", "path?") and key != "rule-packs":
            continue
        for item in value if key == "rule-packs" else (value,):
            what = f"rule pack '{item}'" if key == "rule-packs" else f"'{item}'"
            path = config.root / item
            if not is_inside(path, repository):
                raise ConfigError(
                    shown,
                    prefix + key,
                    f"{what} is outside the repository; name a path inside it",
                    _line_of(text, key),
                )
            if not (is_file(path) if key == "rule-packs" else exists(path)):
                raise ConfigError(
                    shown, prefix + key, f"{what} does not exist", _line_of(text, key)
                )
