"""Command line: parse options, call the engine, pick a reporter, return the exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from doclint import __version__
from doclint.errors import DoclintError

FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab")


def _split(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _strict_rules() -> tuple[str, ...]:
    from doclint.checks.readiness import STRICT_RULES

    return STRICT_RULES


def _color(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="doclint", message="%(prog)s %(version)s")
def cli() -> None:
    """doclint: checks that a service's docs match its OpenAPI spec, migrations, events,
    error codes and telemetry."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", type=click.Path(path_type=Path), help="Write the report to FILE.")
@click.option("--select", multiple=True, help="Rules to run (ids, id prefixes or names).")
@click.option("--extend-select", multiple=True, help="Rules to add to the selection.")
@click.option("--ignore", multiple=True, help="Rules to skip (ids, id prefixes or names).")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    help="Lowest severity that makes the exit code 1 (default: error, or the config's).",
)
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Config file.")
@click.option("--statistics", is_flag=True, help="Count the findings per rule.")
@click.option("--quiet", "-q", is_flag=True, help="Print the findings only, no summary.")
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(path_type=Path),
    help="Report only findings that FILE (from --write-baseline) does not list.",
)
@click.option(
    "--write-baseline",
    type=click.Path(path_type=Path),
    help="Record today's findings in FILE and exit 0.",
)
@click.option("--fix", "fix_", is_flag=True, help="Add stubs for what the sources document.")
@click.option("--diff", is_flag=True, help="With --fix: print the changes as a diff, write none.")
@click.option(
    "--strict", is_flag=True, help="Report a stale or incomplete readiness sign-off as an error."
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Check the services of a monorepo in N processes.",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write .doclint_cache/.")
def check(
    paths: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    config_path: Path | None,
    statistics: bool,
    quiet: bool,
    baseline_path: Path | None,
    write_baseline: Path | None,
    fix_: bool,
    diff: bool,
    strict: bool,
    jobs: int,
    no_cache: bool,
) -> None:
    """Check services (a service root, a monorepo folder, or files of services)."""
    from doclint import engine
    from doclint.diagnostics import Severity
    from doclint.reporters import get, text

    cwd = Path.cwd()
    options = engine.Options(
        cwd=cwd,
        select=_split(select),
        ignore=_split(ignore),
        extend_select=_split(extend_select),
        fail_on=Severity.parse(fail_on) if fail_on else None,
        config=config_path,
        baseline=None if write_baseline else baseline_path,
        fix=fix_ or diff,
        escalate=_strict_rules() if strict else (),
        jobs=jobs,
        cache=not no_cache,
    )
    report = engine.run(list(paths), options)
    if write_baseline is not None:
        from doclint import baseline

        count = baseline.write(report.diagnostics, cwd / write_baseline, cwd)
        click.echo(f"Wrote {count} finding{'' if count == 1 else 's'} to {write_baseline}.")
        raise SystemExit(2 if report.exit_code == 2 else 0)
    if fix_ or diff:
        from doclint import fix

        fixed = fix.apply(report, cwd, write=not diff)
        if diff:
            click.echo(fixed.diff, nl=False)
            raise SystemExit(1 if fixed.changed else 0)
        click.echo(fixed.describe(), err=True)
        if fixed.changed:
            report = engine.run(list(paths), options)
    if fmt == "text":
        rendered = text.render(
            report, color=output is None and _color(sys.stdout), statistics=statistics
        )
        if quiet:
            rendered = (
                "".join(rendered.splitlines(keepends=True)[:-2]) if report.diagnostics else ""
            )
    else:
        rendered = get(fmt)(report)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(rendered, encoding="utf-8")
        if not quiet:
            click.echo(text.summary_line(report))
    elif rendered:
        click.echo(rendered, nl=False)
    raise SystemExit(report.exit_code)


@cli.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text")
def rules_command(fmt: str) -> None:
    """List every rule with id, name, severity and summary."""
    from doclint.config import Config
    from doclint.engine import service_rules

    rules = service_rules(Config(root=Path.cwd()))
    if fmt == "json":
        payload = [
            {"id": r.id, "name": r.name, "severity": r.severity.value, "summary": r.summary}
            for r in rules
        ]
        import json

        click.echo(json.dumps(payload, indent=2))
    elif fmt == "markdown":
        click.echo(rules_markdown())
    else:
        for r in rules:
            click.echo(f"{r.id}  {r.name:<40} {r.severity.value:<8} {r.summary}")


def rules_markdown() -> str:
    """The rule table of the README, generated from the registry."""
    from doclint.config import Config
    from doclint.engine import service_rules

    lines = ["| Rule | Name | Severity | What it checks |", "|---|---|---|---|"]
    for r in service_rules(Config(root=Path.cwd())):
        summary = r.summary.replace("|", "\\|")
        lines.append(f"| {r.id} | `{r.name}` | {r.severity.value} | {summary} |")
    return "\n".join(lines)


@cli.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Explain a rule: what it checks, why, a violation and its fix."""
    from doclint.config import Config
    from doclint.engine import service_rules

    for candidate in service_rules(Config(root=Path.cwd())):
        if rule.upper() == candidate.id or rule == candidate.name:
            click.echo(f"{candidate.id} {candidate.name} ({candidate.severity.value})\n")
            click.echo(candidate.doc)
            return
    raise DoclintError(f"unknown rule '{rule}'; `doclint rules` lists them")


@cli.command("init")
@click.argument("path", required=False, type=click.Path(path_type=Path, file_okay=False))
def init_command(path: Path | None) -> None:
    """Write a starter doclint.toml and a skeleton of each missing required doc."""
    from doclint.init import init
    from doclint.sources.files import display_path

    cwd = Path.cwd()
    result = init((cwd / path) if path else cwd)
    for created in result.created:
        click.echo(f"created {display_path(created, cwd)}")
    for kept in result.kept:
        click.echo(f"kept    {display_path(kept, cwd)} (exists)")


@cli.command("inspect")
@click.argument(
    "kind", type=click.Choice(["docs", "openapi", "schema", "events", "errors", "metrics"])
)
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Config file.")
def inspect_command(kind: str, path: Path | None, fmt: str, config_path: Path | None) -> None:
    """Print a parsed model as JSON (docs, openapi, schema, events, errors, metrics)."""
    from doclint.config import load_config
    from doclint.discovery import discover
    from doclint.inspect import INSPECTORS, inspect
    from doclint.project import Project

    if kind not in INSPECTORS:
        raise DoclintError(f"inspect {kind} is not available in this version")
    cwd = Path.cwd()
    targets = discover([path] if path else [], cwd)
    results = []
    for target in targets:
        project = Project(target.root, load_config(target.root, config_path, cwd=cwd), cwd)
        results.append({"service": project.name, kind: inspect(kind, project)})
    payload = results[0] if len(results) == 1 else {"services": results}
    import json

    click.echo(json.dumps(payload, indent=2, ensure_ascii=False, default=str))


@cli.command("readiness")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--write",
    is_flag=True,
    help="Update the Status column of the Documentation section of SERVICE_READINESS.md.",
)
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Config file.")
def readiness_command(
    paths: tuple[Path, ...], write: bool, fmt: str, config_path: Path | None
) -> None:
    """Compute the readiness checklist's Documentation section from doclint's findings."""
    from doclint import readiness

    click.echo(readiness.run(list(paths), Path.cwd(), write, fmt, config_path), nl=False)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (SPEC §5.3)."""
    try:
        cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="doclint",
            standalone_mode=False,
        )
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0
    except DoclintError as exc:
        click.echo(f"doclint: error: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 2
    except BrokenPipeError:  # the reader went away (`doclint check | head`): nothing to say
        return 1
    except Exception as exc:  # never a traceback for a user (SPEC §5.3: exit code 2)
        click.echo(f"doclint: internal error: {type(exc).__name__}: {exc}", err=True)
        return 2
    return 0


def run() -> NoReturn:
    """The ``doclint`` command: ``main()``, then an exit that leaves the freeing of the run's
    models to the operating system (a large service's are hundreds of thousands of objects,
    which the interpreter would otherwise free one by one)."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away, a stream already closed
            code = code or 1
    os._exit(code)
