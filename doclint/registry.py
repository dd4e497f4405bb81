"""The rule registry: every rule is a function with its metadata beside it."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doclint.diagnostics import Finding, Severity

if TYPE_CHECKING:
    from doclint.project import Project

CheckFunction = Callable[["Project"], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule's identity and documentation. ``check`` is None for input rules, whose findings
    are the problems parsers record while reading the inputs named in ``needs``."""

    id: str
    name: str
    severity: Severity
    summary: str
    doc: str
    needs: frozenset[str]
    check: CheckFunction | None = None
    pack: str | None = None

    @property
    def family(self) -> str:
        return self.id[:3]

    def matches(self, selector: str) -> bool:
        """``ALL``, an id prefix (``DL2``, ``DL201``) or the rule's name selects it."""
        selector = selector.strip()
        return (
            selector.upper() == "ALL"
            or self.id.upper().startswith(selector.upper())
            or self.name == selector
        )


_BUILTIN: list[Rule] = []


def _split_doc(doc: str | None, ident: str) -> tuple[str, str]:
    text = inspect.cleandoc(doc or "")
    if not text:
        raise ValueError(f"rule {ident} has no docstring")
    summary = text.split("\n", 1)[0].strip()
    return summary, text


def rule(
    ident: str, name: str, severity: Severity, needs: Iterable[str] = ()
) -> Callable[[CheckFunction], CheckFunction]:
    """Register ``check`` as rule ``ident``; its docstring is the rule's documentation."""

    def register(check: CheckFunction) -> CheckFunction:
        summary, doc = _split_doc(check.__doc__, ident)
        _BUILTIN.append(Rule(ident, name, severity, summary, doc, frozenset(needs), check))
        return check

    return register


def input_rule(ident: str, name: str, severity: Severity, needs: Iterable[str], doc: str) -> None:
    """Register a rule whose findings are problems recorded by the parsers of ``needs``."""
    summary, text = _split_doc(doc, ident)
    _BUILTIN.append(Rule(ident, name, severity, summary, text, frozenset(needs), None))


def builtin_rules() -> list[Rule]:
    """Every rule that ships with doclint (rule packs not included), sorted by id."""
    import doclint.checks  # noqa: F401  (registers the rule modules)

    return sorted(_BUILTIN, key=lambda r: r.id)
