"""The engine: find services, run the selected rules, stamp, suppress and sort diagnostics."""

from __future__ import annotations

import fnmatch
import gc
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from doclint import sources, suppress
from doclint.config import Config, load_config
from doclint.diagnostics import Diagnostic, Finding, Location, Severity
from doclint.discovery import Target, discover
from doclint.errors import DoclintError
from doclint.project import Project
from doclint.registry import Rule, builtin_rules, input_rule

if TYPE_CHECKING:
    from doclint.baseline import BaselineSummary

INTERNAL = "DL999"
RESULTS = "results"

input_rule(
    INTERNAL,
    "internal-error",
    Severity.ERROR,
    (),
    """A rule crashed; the other rules still ran.

    Why: a crash is a bug in doclint, never in your docs, but it means that rule's checks did
    not run, so the run exits with code 2.
    Bad: an exception inside a rule.
    Fix: report it with the message shown; `--ignore` the rule meanwhile.
    """,
)


@dataclass(frozen=True, slots=True)
class Options:
    """What the command line adds to each service's configuration."""

    cwd: Path
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    fail_on: Severity | None = None
    config: Path | None = None
    jobs: int = 1
    cache: bool = False
    escalate: tuple[str, ...] = ()
    baseline: Path | None = None
    fix: bool = False


@dataclass(slots=True)
class ServiceResult:
    """The diagnostics of one service."""

    name: str
    diagnostics: list[Diagnostic]
    files: int
    crashed: bool
    fail_on: Severity
    rules: list[Rule] = field(default_factory=list)
    catalog: list[Rule] = field(default_factory=list)

    def portable(self) -> ServiceResult:
        """This result without the rules' functions (for the cache and worker processes),
        with the built-in rules' metadata as ``catalog``."""
        return ServiceResult(
            self.name,
            self.diagnostics,
            self.files,
            self.crashed,
            self.fail_on,
            [replace(r, check=None) for r in self.rules],
            [replace(r, check=None) for r in builtin_rules()],
        )


@dataclass(slots=True)
class Report:
    """Everything a reporter needs: diagnostics sorted, per service, and the rules that ran."""

    services: list[ServiceResult]
    rules: dict[str, Rule]
    baseline: BaselineSummary | None = None

    @property
    def diagnostics(self) -> list[Diagnostic]:
        merged = [d for s in self.services for d in s.diagnostics]
        return sorted(merged, key=lambda d: d.sort_key)

    @property
    def files(self) -> int:
        return sum(s.files for s in self.services)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity)

    @property
    def exit_code(self) -> int:
        if any(s.crashed for s in self.services):
            return 2
        for service in self.services:
            if any(d.severity.rank >= service.fail_on.rank for d in service.diagnostics):
                return 1
        return 0


def service_rules(config: Config) -> list[Rule]:
    """Built-in rules plus the rules of the service's rule packs."""
    from doclint.checks.template import pack_rules

    return sorted([*builtin_rules(), *pack_rules(config)], key=lambda r: r.id)


def select_rules(rules: Iterable[Rule], config: Config, options: Options) -> list[Rule]:
    """Rules enabled by select / extend-select / ignore, from the config then the CLI."""
    select = options.select or config.select or ("ALL",)
    extend = (*config.extend_select, *options.extend_select)
    ignore = (*config.ignore, *options.ignore)
    chosen = []
    for candidate in rules:
        wanted = any(candidate.matches(s) for s in (*select, *extend))
        if wanted and not any(candidate.matches(s) for s in ignore):
            chosen.append(candidate)
    return chosen


def _stamp(
    candidate: Rule,
    finding: Finding,
    config: Config,
    service: str,
    escalate: tuple[str, ...] = (),
) -> Diagnostic:
    severity = (
        config.severity.get(candidate.id) or config.severity.get(candidate.name)
    ) or candidate.severity
    if severity is Severity.WARNING and any(candidate.matches(s) for s in escalate):
        severity = Severity.ERROR
    loc = finding.location
    return Diagnostic(
        rule=candidate.id,
        name=candidate.name,
        severity=severity,
        path=loc.path,
        line=max(loc.line, 1),
        column=max(loc.column, 1),
        message=finding.message,
        subject=finding.subject,
        end_line=loc.end_line,
        end_column=loc.end_column,
        related=finding.related,
        fix=finding.fix,
        service=service,
    )


def _ignored_by_file(diagnostic: Diagnostic, project: Project) -> bool:
    config = project.config
    if not config.per_file_ignores:
        return False
    path = project.files_read.get(diagnostic.path) or (project.cwd / diagnostic.path)
    rel = project.rel(path)
    for pattern, selectors in config.per_file_ignores.items():
        if fnmatch.fnmatch(rel, pattern) and any(
            diagnostic.rule.upper().startswith(s.upper()) or diagnostic.name == s for s in selectors
        ):
            return True
    return False


def results(project: Project) -> list[Diagnostic]:
    """Diagnostics of the rules that ran before, for rules that list the need ``results``."""
    return project.cached(RESULTS, list)


def check_project(project: Project, options: Options) -> ServiceResult:
    """Run every enabled rule on one service.

    Rules that need ``results`` judge the other rules' findings, so they run last, and the
    rules the configuration enables all run as their evidence, even those the command line
    leaves out of the report.
    """
    config = project.config
    rules = service_rules(config)
    enabled = select_rules(rules, config, options)
    by_id = {r.id: r for r in rules}
    service = project.name
    diagnostics: list[Diagnostic] = []
    crashed = False
    late = [r for r in enabled if RESULTS in r.needs]
    evidence = [r for r in enabled if RESULTS not in r.needs]
    if late:
        chosen = {r.id for r in evidence}
        configured = select_rules(rules, config, Options(cwd=options.cwd))
        evidence += [r for r in configured if RESULTS not in r.needs and r.id not in chosen]

    def run_rule(candidate: Rule) -> None:
        nonlocal crashed
        try:
            for need in sorted(candidate.needs):
                sources.load(project, need)
            if candidate.check is not None:
                for finding in candidate.check(project):
                    diagnostics.append(
                        _stamp(candidate, finding, config, service, options.escalate)
                    )
        except Exception as exc:  # a crashing rule must not hide the others (SPEC §5.3)
            crashed = True
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            where = f"{Path(frame.filename).name}:{frame.lineno}"
            diagnostics.append(
                _stamp(
                    by_id[INTERNAL],
                    Finding(
                        Location(project.display(config.source_file or project.root), 1),
                        f"rule {candidate.id} ({candidate.name}) crashed with "
                        f"{type(exc).__name__}: {exc} (at {where}); the other rules still "
                        "ran. Please report this, and --ignore the rule meanwhile",
                        candidate.id,
                    ),
                    config,
                    service,
                )
            )

    def problems(ids: set[str]) -> list[Diagnostic]:
        found = []
        seen = set()
        for problem in project.problems:
            key = (problem.rule, problem.finding.location, problem.finding.message)
            if problem.rule in ids and key not in seen:
                seen.add(key)
                found.append(_stamp(by_id[problem.rule], problem.finding, config, service))
        return found

    for candidate in sorted(evidence, key=lambda r: (r.check is None, r.id)):
        run_rule(candidate)
    if late:
        so_far = diagnostics + problems({r.id for r in evidence})
        so_far = [d for d in so_far if not _ignored_by_file(d, project)]
        project.cached(RESULTS, lambda: suppress.apply(project, so_far, evidence)[0])
        for candidate in sorted(late, key=lambda r: r.id):
            run_rule(candidate)
    enabled_ids = {r.id for r in enabled}
    diagnostics = [d for d in diagnostics if d.rule in enabled_ids or d.rule == INTERNAL]
    diagnostics.extend(problems(enabled_ids))
    diagnostics = [d for d in diagnostics if not _ignored_by_file(d, project)]
    diagnostics, unused = suppress.apply(project, diagnostics, enabled)
    if options.fix:
        from doclint.fixers import attach

        diagnostics = attach(project, diagnostics)
    if suppress.UNUSED in enabled_ids:
        diagnostics.extend(_stamp(by_id[suppress.UNUSED], f, config, service) for f in unused)
    unique = {(d.sort_key, d.name): d for d in diagnostics}
    return ServiceResult(
        name=service,
        diagnostics=sorted(unique.values(), key=lambda d: d.sort_key),
        files=len(project.files_read),
        crashed=crashed,
        fail_on=options.fail_on or config.fail_on,
        rules=enabled,
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused: a check builds models of hundreds of
    thousands of objects that all live until it ends, and the collector would walk them again
    and again (a sixth of a large service's time) to find next to nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_target(target: Target, options: Options) -> ServiceResult:
    """Load one service's configuration and check it (through the cache when it is on)."""
    with _collector_paused():
        return _check_target(target, options)


def _check_target(target: Target, options: Options) -> ServiceResult:
    config = load_config(target.root, options.config, cwd=options.cwd)
    project = Project(target.root, config, options.cwd)
    if not options.cache or options.fix:
        return check_project(project, options)
    from doclint.cache import Results

    chosen = (options.select, options.ignore, options.extend_select, options.escalate)
    salt = (config.fingerprint(), repr(chosen), str(options.fail_on), date.today().isoformat())
    stored = Results(project.root, project.cwd, salt)
    hit = stored.get()
    if isinstance(hit, ServiceResult):
        return hit
    project.enable_cache()
    result = check_project(project, options)
    if not result.crashed:  # a crash may not happen again: never replay one
        stored.put(result.portable(), project.files_read.values())
    return result


@dataclass(frozen=True, slots=True)
class _Failure:
    message: str
    exit_code: int


def _check_in_worker(target: Target, options: Options) -> ServiceResult | _Failure:
    try:
        return check_target(target, options).portable()
    except DoclintError as exc:
        return _Failure(str(exc), exc.exit_code)
    finally:
        gc.collect()  # what this service's models left behind, before the worker's next one


def _check_all(targets: list[Target], options: Options) -> list[ServiceResult]:
    """Check the services, in ``options.jobs`` processes when there are several."""
    if options.jobs <= 1 or len(targets) <= 1:
        results = []
        for index, target in enumerate(targets):
            if index:
                gc.collect()  # what the previous service's models left behind
            results.append(check_target(target, options))
        return results
    for target in targets:  # configuration errors stop the run before any work starts
        load_config(target.root, options.config, cwd=options.cwd)
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(options.jobs, len(targets))) as pool:
        done = list(pool.map(_check_in_worker, targets, [options] * len(targets)))
    results = []
    for outcome in done:
        if isinstance(outcome, _Failure):
            error = DoclintError(outcome.message)
            error.exit_code = outcome.exit_code
            raise error
        results.append(outcome)
    return results


def run(paths: list[Path], options: Options) -> Report:
    """Check every service the paths name; configuration errors raise ConfigError."""
    targets = discover(paths, options.cwd)
    results = _check_all(targets, options)
    rules: dict[str, Rule] = {}
    for result in results:
        for candidate in result.rules:
            rules.setdefault(candidate.id, candidate)
    known = results[0].catalog if results and all(r.catalog for r in results) else None
    for candidate in known if known is not None else builtin_rules():
        rules.setdefault(candidate.id, candidate)
    report = Report(results, dict(sorted(rules.items())))
    if options.baseline is not None:
        from doclint.baseline import apply

        apply(report, options.baseline, options.cwd)
    return report
