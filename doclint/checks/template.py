"""DL1xx: template conformance (SPEC §4.1): required documents and sections from rule packs,
placeholders, relative links and anchors, LOCAL_DEV_SETUP commands."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from doclint.config import Config
from doclint.diagnostics import Finding, Location, Related, Severity
from doclint.packs import DocumentSpec, Pack, default_pack, load_pack
from doclint.project import Project
from doclint.registry import Rule, rule
from doclint.sources.files import exists, is_file
from doclint.sources.markdown import Document, Section
from doclint.text import github_slug, heading_key

_DOCS = frozenset({"docs"})

_KIND_DOCS = {
    "missing-document": """A document the {pack} pack requires does not exist.

    Why: the readiness checklist asks for every one of these documents.
    Bad: a service without `docs/FAILURE_MODES.md`.
    Fix: create the document (`doclint init` writes a skeleton with its sections).""",
    "missing-section": """A document lacks a section the {pack} pack requires.

    Why: readers and reviewers look for these sections by name.
    Bad: SECURITY_MODEL.md without an "Egress" heading.
    Fix: add the heading (any level, e.g. `## Egress`) and write the section.""",
    "empty-section": """A required section has no content.

    Why: a heading with nothing under it answers nothing.
    Bad: `## Owners` followed directly by the next heading.
    Fix: write text, a list, a table or a code block under the heading.""",
    "missing-item-section": """An item of a section lacks the sub-section the {pack} pack requires.

    Why: each aggregate needs its invariants, each use case its ports, stated where readers
    look for them.
    Bad: `### Budget` under `## Aggregates` with no `#### Invariants` list.
    Fix: add the sub-heading with a list of at least the required number of items.""",
    "placeholder": """A document still holds placeholder text.

    Why: `TODO`, `TBD` or `(to fill)` in a doc means it is not finished.
    Bad: `Owner: TBD`.
    Fix: replace the placeholder with the real content.""",
}


def packs(config: Config) -> list[Pack]:
    """The default pack plus the service's own rule packs."""
    extra = [load_pack(config.root / p, p) for p in config.rule_packs]
    return [default_pack(), *extra]


def pack_rules(config: Config) -> list[Rule]:
    """One Rule per kind each pack declares."""
    result = []
    for pack in packs(config):
        for kind, spec in pack.rules.items():
            doc = _KIND_DOCS[kind].format(pack=pack.name)
            lines = doc.split("\n")
            text = "\n".join([lines[0], *(line.strip() for line in lines[1:])])
            summary = spec.summary or lines[0]
            result.append(
                Rule(
                    spec.id,
                    spec.name,
                    spec.severity,
                    summary,
                    text,
                    _DOCS,
                    _CHECKS[kind](pack),
                    pack.name,
                )
            )
    return result


def _document_specs(project: Project, pack: Pack) -> Iterator[tuple[DocumentSpec, list[Path]]]:
    for spec in pack.documents:
        if any(ch in spec.path for ch in "*?["):
            yield spec, sorted(p for p in project.docs_dir.glob(spec.path) if p.is_file())
        else:
            path = project.docs_dir / spec.path
            yield spec, [path] if path.is_file() else []


def _missing_documents(pack: Pack) -> Callable[[Project], Iterable[Finding]]:
    def check(project: Project) -> Iterator[Finding]:
        for spec, paths in _document_specs(project, pack):
            if spec.required and not paths:
                where = project.display(project.docs_dir / spec.path)
                sections = ", ".join(s.name for s in spec.sections)
                also = f" with the sections {sections}" if sections else ""
                yield Finding(
                    Location(where, 1),
                    f"required document {spec.path} is missing; create it{also}",
                    spec.path,
                )

    return check


def _documents(project: Project, pack: Pack) -> Iterator[tuple[DocumentSpec, Document]]:
    for spec, paths in _document_specs(project, pack):
        for path in paths:
            document = project.markdown(path)
            if document is not None:
                yield spec, document


def _missing_sections(pack: Pack) -> Callable[[Project], Iterable[Finding]]:
    def check(project: Project) -> Iterator[Finding]:
        for spec, document in _documents(project, pack):
            levels = [s.heading.level for s in document.sections if s.heading.level > 1]
            level = min(levels) if levels else 2
            for section in spec.sections:
                if document.find_sections(section.name):
                    continue
                yield Finding(
                    Location(document.display, max(document.line_count, 1)),
                    f'{document.rel} has no "{section.name}" section; add a '
                    f'"{"#" * level} {section.name}" heading with its content',
                    f"{document.rel}#{section.name}",
                )

    return check


def _empty_sections(pack: Pack) -> Callable[[Project], Iterable[Finding]]:
    def check(project: Project) -> Iterator[Finding]:
        for spec, document in _documents(project, pack):
            for section_spec in spec.sections:
                if not section_spec.non_empty:
                    continue
                for section in document.find_sections(section_spec.name):
                    if not document.has_content(section):
                        yield Finding(
                            Location(document.display, section.line),
                            f'section "{section.heading.text}" of {document.rel} is empty; '
                            "write its content under the heading",
                            f"{document.rel}#{section_spec.name}",
                        )

    return check


def _named_within(document: Document, parent: Section, name: str) -> Section | None:
    key = heading_key(name)
    for section in document.sections:
        if parent.contains(section.line) and section.heading.key == key:
            return section
    return None


def _missing_item_sections(pack: Pack) -> Callable[[Project], Iterable[Finding]]:
    def check(project: Project) -> Iterator[Finding]:
        for spec, document in _documents(project, pack):
            for section_spec in spec.sections:
                if not section_spec.each:
                    continue
                for section in document.find_sections(section_spec.name):
                    for item in document.subsections(section):
                        for need in section_spec.each:
                            yield from _item_finding(
                                document, section, item, need.name, need.min_items
                            )

    return check


def _item_finding(
    document: Document, parent: Section, item: Section, name: str, min_items: int
) -> Iterator[Finding]:
    subject = f"{document.rel}#{item.heading.text}/{name}"
    found = _named_within(document, item, name)
    level = "#" * (item.heading.level + 1)
    noun = "item" if min_items == 1 else "items"
    if found is None:
        yield Finding(
            Location(document.display, item.line),
            f'"{item.heading.text}" (under "{parent.heading.text}") has no "{name}" section; '
            f'add "{level} {name}" with a list of at least {min_items} {noun}',
            subject,
        )
        return
    count = len(document.within(found, document.list_items))
    if count < min_items:
        yield Finding(
            Location(document.display, found.line),
            f'"{name}" of "{item.heading.text}" lists {count} {"item" if count == 1 else "items"}; '
            f"write at least {min_items} as a list",
            subject,
        )


def placeholder_pattern(words: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def _placeholders(pack: Pack) -> Callable[[Project], Iterable[Finding]]:
    pattern = placeholder_pattern(pack.placeholders)

    def check(project: Project) -> Iterator[Finding]:
        for document in project.docs():
            for number, line in enumerate(document.lines, start=1):
                for match in pattern.finditer(line):
                    section = document.section_at(number)
                    where = section.heading.text if section else "top"
                    yield Finding(
                        Location(
                            document.display, number, match.start() + 1, number, match.end() + 1
                        ),
                        f'placeholder "{match.group()}" in {document.rel}; replace it with '
                        "the real content",
                        f"{document.rel}#{where}: {match.group()}",
                    )

    return check


_CHECKS: dict[str, Callable[[Pack], Callable[[Project], Iterable[Finding]]]] = {
    "missing-document": _missing_documents,
    "missing-section": _missing_sections,
    "empty-section": _empty_sections,
    "missing-item-section": _missing_item_sections,
    "placeholder": _placeholders,
}


# -- links -------------------------------------------------------------------------------------

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def split_link(document: Document, target: str) -> tuple[Path | None, str] | None:
    """(file the relative link names, or None for the same document; its anchor), or None
    for a link doclint does not check (a URL, an absolute path, an empty target)."""
    target = target.strip()
    if not target or _SCHEME.match(target) or target.startswith(("//", "/")):
        return None
    file_part, _, anchor = target.partition("#")
    file_part = file_part.split("?", 1)[0]
    return ((document.path.parent / file_part) if file_part else None), anchor


@dataclass(frozen=True, slots=True)
class LinkIssue:
    """Why a link does not resolve: ``kind`` is ``file`` or ``anchor``."""

    kind: str
    message: str
    related: tuple[Related, ...] = ()


def link_issue(project: Project, document: Document, target: str) -> LinkIssue | None:
    """What is wrong with a relative link of ``document`` (SPEC §4.1), or None. A link to a
    missing required document, or to a missing required section, is no issue here: the
    missing-document and missing-section rules report those once."""
    parts = split_link(document, target)
    if parts is None:
        return None
    resolved, anchor = parts
    target = target.strip()
    if resolved is not None:
        try:
            inside = resolved.resolve().is_relative_to(project.repo_root)
        except (OSError, RuntimeError):
            inside = False
        if not inside:
            return LinkIssue(
                "file",
                f"link '{target}' leaves the repository; doclint does not follow it — link to "
                "a file inside the repository",
            )
        if not exists(resolved):
            if resolved.resolve() in _required_paths(project):
                return None
            return LinkIssue(
                "file",
                f"link '{target}' points at {project.rel(resolved.resolve())}, which does not "
                "exist; fix the path or create the file",
            )
    if not anchor:
        return None
    if resolved is None:
        target_doc: Document | None = document
    elif resolved.suffix.lower() == ".md" and is_file(resolved):
        target_doc = project.markdown(resolved)
    else:
        return None
    if target_doc is None or anchor.lower() in target_doc.anchors:
        return None
    if anchor.lower() in _required_anchors(project).get(target_doc.path.resolve(), set()):
        return None
    close = _closest(anchor.lower(), target_doc.anchors)
    hint = f" (did you mean '#{close}'?)" if close else ""
    return LinkIssue(
        "anchor",
        f"link '{target}': {target_doc.rel} has no heading with the anchor '#{anchor}'{hint}",
        (Related(target_doc.display, 1, f"headings of {target_doc.rel}"),),
    )


def _link_findings(project: Project, kind: str) -> Iterator[Finding]:
    from doclint.readiness import item_link_lines

    checklist_rows = item_link_lines(project)  # the readiness rules check these links
    for document in project.docs():
        for link in document.links:
            if (document.display, link.line) in checklist_rows:
                continue
            issue = link_issue(project, document, link.target)
            if issue is not None and issue.kind == kind:
                yield Finding(
                    Location(document.display, link.line),
                    issue.message,
                    f"{document.rel} -> {link.target.strip()}",
                    issue.related,
                )


def _required_paths(project: Project) -> set[Path]:
    return project.cached("template:required-paths", lambda: _pack_paths(project))


def _pack_paths(project: Project) -> set[Path]:
    return {
        (project.docs_dir / spec.path).resolve()
        for pack in packs(project.config)
        for spec in pack.documents
        if spec.required and not any(ch in spec.path for ch in "*?[")
    }


def _required_anchors(project: Project) -> dict[Path, set[str]]:
    """Slugs of the sections packs require, by document: a link to one of them that is
    missing is reported once, as missing-section, not again as a broken anchor."""
    return project.cached("template:required-anchors", lambda: _pack_anchors(project))


def _pack_anchors(project: Project) -> dict[Path, set[str]]:
    anchors: dict[Path, set[str]] = {}
    for pack in packs(project.config):
        for spec in pack.documents:
            path = (project.docs_dir / spec.path).resolve()
            anchors.setdefault(path, set()).update(github_slug(s.name) for s in spec.sections)
    return anchors


@rule("DL106", "broken-link", Severity.ERROR, needs=("docs",))
def broken_link(project: Project) -> Iterator[Finding]:
    """A relative link points at a file that does not exist, or outside the repository.

    Why: readers follow these links from the readiness checklist and between docs.
    Bad: `[runbook](runbooks/AI_TIMEOUT.md)` when the file is `AI_PROVIDER_TIMEOUT.md`.
    Fix: point the link at the existing file, or create it. A link to a required document
    that is missing is reported once, as missing-document, not here.
    """
    yield from _link_findings(project, "file")


@rule("DL107", "broken-anchor", Severity.ERROR, needs=("docs",))
def broken_anchor(project: Project) -> Iterator[Finding]:
    """A link's `#anchor` matches no heading of the target document.

    Why: the link opens the document at the top, or nowhere, instead of the section meant.
    Anchors follow GitHub's rules: lower case, punctuation dropped, spaces as `-`, and
    repeated headings numbered `-1`, `-2`.
    Bad: `[tenancy](SECURITY_MODEL.md#multitenancy)` when the heading is "Multi-tenancy".
    Fix: use the heading's slug (`#multi-tenancy`), or rename the heading.
    """
    yield from _link_findings(project, "anchor")


def _closest(word: str, options: Iterable[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.6)
    return found[0] if found else None


# -- LOCAL_DEV_SETUP commands ----------------------------------------------------------------

_SHELLS = frozenset({"sh", "bash", "shell", "console", "zsh", "shell-session"})
_PM_BUILTINS = frozenset(
    {
        "install",
        "i",
        "add",
        "remove",
        "rm",
        "ci",
        "exec",
        "dlx",
        "create",
        "init",
        "update",
        "up",
        "upgrade",
        "why",
        "audit",
        "outdated",
        "link",
        "unlink",
        "publish",
        "pack",
        "help",
        "config",
        "set",
        "cache",
        "store",
        "import",
        "info",
        "list",
        "ls",
        "login",
        "logout",
        "version",
        "env",
        "dedupe",
        "prune",
        "rebuild",
        "root",
        "bin",
        "setup",
        "-v",
        "--version",
    }
)


def makefile_targets(project: Project) -> set[str] | None:
    """Targets of the service's Makefile, or None when it has none."""
    for name in ("GNUmakefile", "makefile", "Makefile"):
        path = project.root / name
        if path.is_file():
            text = project.read(path)
            if text is None:
                return set()
            targets: set[str] = set()
            for line in text.lines:
                if line.startswith(("\t", " ", "#")) or ":" not in line:
                    continue
                head, _, rest = line.partition(":")
                if rest.startswith("=") or "=" in head:
                    continue
                targets.update(t for t in head.split() if not t.startswith("."))
            return targets
    return None


def package_scripts(project: Project) -> set[str] | None:
    """Scripts of the service's package.json, or None when it has none."""
    path = project.root / "package.json"
    if not path.is_file():
        return None
    located = project.structured(path)
    if located is None or not isinstance(located.data, dict):
        return set()
    scripts = located.data.get("scripts", {})
    return set(scripts) if isinstance(scripts, dict) else set()


def _commands(block_content: str) -> Iterator[tuple[int, list[str]]]:
    import shlex

    for offset, raw in enumerate(block_content.split("\n")):
        line = raw.strip()
        if line.startswith(("$ ", "% ", "> ")):
            line = line[2:]
        if not line or line.startswith("#"):
            continue
        for part in re.split(r"&&|\|\||;|\|", line):
            try:
                words = shlex.split(part, comments=True)
            except ValueError:
                words = part.split()
            while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
                words = words[1:]
            if words:
                yield offset, words


@rule("DL108", "local-dev-command-missing", Severity.ERROR, needs=("docs",))
def local_dev_commands(project: Project) -> Iterator[Finding]:
    """A LOCAL_DEV_SETUP command names a make target, script or file that does not exist.

    Why: the setup guide must work from a clean clone; a renamed target breaks it silently.
    Bad: ```` ```bash ```` block running `make bootstrap` when the Makefile has `setup`.
    Fix: use the existing target, script or file, or add it to the service.
    """
    document = project.doc("LOCAL_DEV_SETUP.md")
    if document is None:
        return
    targets = makefile_targets(project)
    scripts = package_scripts(project)
    for block in document.code_blocks:
        if block.language not in _SHELLS:
            continue
        for offset, words in _commands(block.content):
            line = block.content_line + offset
            yield from _check_command(project, document, line, words, targets, scripts)


def _check_command(
    project: Project,
    document: Document,
    line: int,
    words: list[str],
    targets: set[str] | None,
    scripts: set[str] | None,
) -> Iterator[Finding]:
    program, args = words[0], words[1:]
    where = Location(document.display, line)
    if program in ("make", "gmake"):
        wanted = []
        skip = False
        for arg in args:
            if skip:
                skip = False
            elif arg in ("-C", "-f", "--directory", "--file", "-j"):
                skip = True
            elif not arg.startswith("-") and "=" not in arg:
                wanted.append(arg)
        if any(a in ("-C", "-f", "--directory", "--file") for a in args):
            return
        for target in wanted:
            if targets is None:
                yield Finding(
                    where,
                    f"`make {target}` needs a Makefile, and the service has "
                    "none; add one or change the command",
                    f"make {target}",
                )
            elif target not in targets:
                yield Finding(
                    where,
                    f"`make {target}`: the Makefile has no target '{target}'; "
                    f"use one of {', '.join(sorted(targets)) or '(none)'} or add it",
                    f"make {target}",
                )
        return
    if program in ("npm", "pnpm", "yarn"):
        if program == "npm":
            if len(args) < 2 or args[0] not in ("run", "run-script"):
                return
            script = args[1]
        else:
            args = [a for a in args if not a.startswith("-")]
            if not args:
                return
            script = args[1] if args[0] == "run" and len(args) > 1 else args[0]
            if script in _PM_BUILTINS or script == "run":
                return
        if scripts is None:
            yield Finding(
                where,
                f"`{program} {script}` needs a package.json with that script, "
                "and the service has none",
                f"{program} {script}",
            )
        elif script not in scripts:
            yield Finding(
                where,
                f"`{program} {script}`: package.json has no script '{script}'; "
                f"use one of {', '.join(sorted(scripts)) or '(none)'} or add it",
                f"{program} {script}",
            )
        return
    candidates = [program]
    if program in ("bash", "sh", "zsh") and args and not args[0].startswith("-"):
        candidates = [args[0]]
    for candidate in candidates:
        if candidate.startswith(("./", "../")):
            path = (project.root / candidate).resolve()
            if not path.is_relative_to(project.root) or not exists(path):
                yield Finding(
                    where,
                    f"`{candidate}` does not exist in the service; fix the path or add the script",
                    candidate,
                )
