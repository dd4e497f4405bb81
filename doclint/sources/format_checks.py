"""What the jsonschema-rs fast paths share: jsonschema's own format checks, the `pattern`
keyword read with Python's ``re``, and the width of a value's integers."""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from typing import Any

_RE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


@cache
def installed(module: str) -> bool:
    """Whether ``module`` can be imported (jsonschema checks some formats only then)."""
    return importlib.util.find_spec(module) is not None


def is_regex(instance: object) -> bool:
    """A string Python's ``re`` compiles (anything else passes, as jsonschema has it)."""
    if not isinstance(instance, str):
        return True
    try:
        re.compile(instance)
    except (re.error, OverflowError, RecursionError):
        return False
    return True


def is_email(instance: str) -> bool:
    return "@" in instance


def is_ipv4(instance: str) -> bool:
    import ipaddress

    try:
        return bool(ipaddress.IPv4Address(instance))
    except ipaddress.AddressValueError:
        return False


def is_ipv6(instance: str) -> bool:
    import ipaddress

    try:
        address = ipaddress.IPv6Address(instance)
    except ipaddress.AddressValueError:
        return False
    return not getattr(address, "scope_id", "")


def is_datetime(instance: str) -> bool:
    from rfc3339_validator import validate_rfc3339  # type: ignore[import-untyped]  # no stubs

    return bool(validate_rfc3339(instance.upper()))


def is_rfc3339_time(instance: str) -> bool:
    """`time` as the JSON Schema drafts from 7 on define it (jsonschema's draft 7+ check)."""
    return is_datetime("1970-01-01T" + instance)


def is_draft3_time(instance: str) -> bool:
    """`time` as JSON Schema draft 3 defined it, the check jsonschema's FormatChecker()
    (and so openapi-schema-validator) keeps under that name."""
    from datetime import datetime

    try:
        return bool(datetime.strptime(instance, "%H:%M:%S"))
    except ValueError:
        return False


def is_date(instance: str) -> bool:
    from datetime import date

    try:
        return bool(_RE_DATE.fullmatch(instance) and date.fromisoformat(instance))
    except ValueError:
        return False


def is_uuid(instance: str) -> bool:
    from uuid import UUID

    try:
        UUID(instance)
    except ValueError:
        return False
    return all(instance[position] == "-" for position in (8, 13, 18, 23))


class PythonPattern:
    """A jsonschema-rs keyword that reads `pattern` as jsonschema does without an ECMA
    regex library: Python's ``re.search``."""

    def __init__(self, parent: Any, value: Any, path: Any) -> None:
        self.pattern = value

    def validate(self, instance: Any) -> None:
        if isinstance(instance, str) and not re.search(self.pattern, instance):
            raise ValueError(f"{instance!r} does not match {self.pattern!r}")


def int_bits(value: Any) -> int:
    """The bits the widest integer in ``value`` needs (at most 64 counted): jsonschema-rs
    reads integers beyond 2**53 otherwise than Python does."""
    widest = 0
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, bool):
            continue
        if isinstance(node, int):
            widest = max(widest, min(64, (node if node >= 0 else ~node).bit_length()))
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return widest
