"""The one exception type the CLI catches: usage, configuration and input it cannot start on."""

from __future__ import annotations


class DoclintError(Exception):
    """An error that stops the run with exit code 2 and a one-line message."""

    exit_code = 2


class ConfigError(DoclintError):
    """A configuration problem, named by file, key and (when known) line."""

    def __init__(self, path: str, key: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.key = key
        self.line = line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {key}: {message}")
