"""Reading input files safely: size limit, containment in the repository, encodings."""

from __future__ import annotations

import codecs
import functools
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from doclint.diagnostics import Finding, Location, Problem

UNREADABLE = "DL901"


@dataclass(frozen=True, slots=True)
class TextFile:
    """A decoded input file; ``text`` has LF line endings whatever the file used."""

    path: Path
    display: str
    text: str

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def display_path(path: Path, base: Path) -> str:
    """POSIX path of ``path`` relative to ``base`` (the directory doclint runs in)."""
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return Path(os.path.relpath(path, base)).as_posix()


def is_inside(path: Path, root: Path) -> bool:
    """Whether ``path``, with every symbolic link resolved, stays inside ``root``."""
    try:
        path.resolve().relative_to(_resolved_root(root))
    except (ValueError, OSError, RuntimeError):
        return False
    return True


@functools.lru_cache(maxsize=64)
def _resolved_root(root: Path) -> Path:
    """``root`` with its links resolved: a run asks about the same few roots thousands of
    times, and a root does not move while doclint reads it."""
    return root.resolve()


def exists(path: Path) -> bool:
    """``path.exists()`` that is False, never an exception, for names no file can have (a
    component over the system's length limit, a NUL byte) or that cannot be examined."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def is_file(path: Path) -> bool:
    """``path.is_file()`` that is False, never an exception, for impossible names."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def is_dir(path: Path) -> bool:
    """``path.is_dir()`` that is False, never an exception, for impossible names."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def read_text(path: Path, display: str, root: Path, max_size: int) -> TextFile | Problem:
    """Read ``path`` as text, or say in a DL901 problem why it cannot be read."""

    def problem(message: str, line: int = 1) -> Problem:
        return Problem(UNREADABLE, Finding(Location(display, line), message, display))

    if not is_inside(path, root):
        return problem(
            "file resolves to a place outside the repository (a symbolic link?); "
            "doclint does not follow it"
        )
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return problem("not a regular file; doclint reads only regular files")
        if info.st_size > max_size:
            return problem(too_big(info.st_size, max_size))
        with path.open("rb") as handle:
            raw = handle.read(max_size + 1)
        if len(raw) > max_size:  # the file grew after it was measured
            return problem(too_big(len(raw), max_size))
    except FileNotFoundError:
        return problem("file not found")
    except OSError as exc:
        return problem(f"cannot read the file: {exc.strerror or exc}")
    return decode(raw, path, display)


def too_big(size: int, max_size: int) -> str:
    return (
        f"file is {size:,} bytes, over the {max_size:,}-byte limit; doclint does not read it "
        "(raise 'max-file-size' in the configuration to read it)"
    )


def decode(raw: bytes, path: Path, display: str) -> TextFile | Problem:
    """Decode UTF-8 (with or without BOM) or BOM-marked UTF-16; anything else is a problem."""

    def problem(message: str, line: int = 1) -> Problem:
        return Problem(UNREADABLE, Finding(Location(display, line), message, display))

    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return problem("UTF-32 text is not supported; save the file as UTF-8")
    if raw.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8", raw[len(codecs.BOM_UTF8) :]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, body = "utf-16", raw
    else:
        encoding, body = "utf-8", raw
        if b"\x00" in raw:
            line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
            return problem("binary file (it contains NUL bytes); expected UTF-8 text", line)
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        before = body[: exc.start].decode(encoding, errors="replace")
        line = before.count("\n") + 1
        bad = body[exc.start : exc.start + 1].hex() or "end of file"
        return problem(
            f"not valid {encoding.upper()} (byte 0x{bad} on this line); save the file as UTF-8",
            line,
        )
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return problem("binary file (it contains NUL characters); expected UTF-8 text", line)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return TextFile(path, display, text)
