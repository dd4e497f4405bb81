"""The on-disk cache (SPEC §5.7): parsed models and whole-service results in ``.doclint_cache/``.

Two layers share one store:

- **Models**: ``Project.cached`` values whose inputs are files (a markdown document, a YAML or
  JSON file, the Flyway schema, the event registry, ...). An entry lists every file its value
  was computed from, with the content hash of each; it is used only while all hashes still
  match. Models that read a whole folder also record the list of the service's files, so a new
  or removed file invalidates them.
- **Results**: the diagnostics of a whole service, valid while every file of the service (and
  every file outside it that the run read) has the same content hash.

Every key also holds doclint's version, a fingerprint of doclint's own code, the service's
configuration (``Config.fingerprint()``), the root and the working directory.

A cache folder can arrive in a pull request, so no entry is trusted: each is signed with an
HMAC whose key is a random secret in the cache folder (a file only the current user can read)
bound to that file's identity on this disk (device, inode, write time), which a committed
copy never has; an entry with a bad signature, a foreign format or a broken pickle is ignored
and rewritten. Even a well-signed entry is unpickled with an allow-list: only doclint's own
classes (and pathlib's and pglast's node classes) can be built, never a function called.
Entries are written to a temporary file and renamed into place, so concurrent runs never see
half an entry. A cache folder that is a symbolic link is not used.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import pickle
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from doclint import __version__

if TYPE_CHECKING:
    from doclint.project import Project

T = TypeVar("T")

DIRNAME = ".doclint_cache"
FORMAT = b"doclint-cache-2\n"
KEY_FILE = "key"
SIGNATURE = hashlib.sha256().digest_size
SKIP_DIRS = frozenset({".git", "node_modules", DIRNAME, "__pycache__", ".venv", "venv"})
#: ``Project.cached`` keys whose value depends only on the one file they read.
FILE_MODELS = ("markdown:", "structured:")
#: ``Project.cached`` keys whose value depends on the files they read and on which files exist.
TREE_MODELS = frozenset({"schema", "events", "errors", "telemetry", "openapi-validation"})
_TREE = "<tree>"


def cacheable(key: str) -> bool:
    """Whether ``Project.cached(key, ...)`` values may be stored on disk. A JSON file is not:
    parsing it again costs no more than reading its entry back, and writing hundreds of
    entries (an event registry's schemas) was a tenth of a large service's cold run."""
    if key.startswith("structured:") and key.lower().endswith(".json"):
        return False
    return key.startswith(FILE_MODELS) or key in TREE_MODELS


@cache
def code_fingerprint() -> str:
    """doclint's version, and the size and modification time of each of its source files and
    shipped rule packs: editing doclint invalidates what an older build cached."""
    package = os.path.dirname(os.path.abspath(__file__))
    digest = hashlib.sha256(__version__.encode())
    pending = [package, os.path.join(os.path.dirname(package), "rules")]
    while pending:
        try:
            entries = sorted(os.scandir(pending.pop()), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                pending.append(entry.path)
            elif entry.name.endswith((".py", ".yaml", ".yml", ".json")):
                info = entry.stat()
                digest.update(f"{entry.path}:{info.st_size}:{info.st_mtime_ns};".encode())
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """Content hash of ``path``; a missing or unreadable file has its own stable value."""
    try:
        with open(path, "rb") as handle:
            return hashlib.blake2b(handle.read(), digest_size=16).hexdigest()
    except OSError:
        return "-"


def service_files(root: Path) -> list[Path]:
    """Every file of the service, sorted (the folders doclint never reads are skipped)."""
    found: list[str] = []
    for current, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        found.extend(os.path.join(current, name) for name in files)
    return [Path(p) for p in sorted(found)]


def location(root: Path, cwd: Path) -> Path:
    """The cache folder: in the working directory when the service is inside it, else in the
    service root."""
    try:
        root.relative_to(cwd)
    except ValueError:
        return root / DIRNAME
    return cwd / DIRNAME


class Store:
    """Signed, atomically written pickles in one cache folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._key: bytes | None = None
        self.usable = not folder.is_symlink() and not (folder.exists() and not folder.is_dir())

    # -- the signing key --------------------------------------------------------------------
    def _prepare(self) -> bytes | None:
        if self._key is not None or not self.usable:
            return self._key
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                self._write(ignore, b"# written by doclint: never commit the cache\n*\n")
            self._key = self._read_key() or self._new_key()
        except OSError:
            self.usable = False
        return self._key

    def _read_key(self) -> bytes | None:
        path = self.folder / KEY_FILE
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            private = stat.S_ISREG(info.st_mode) and not info.st_mode & 0o077
            owned = not hasattr(os, "getuid") or info.st_uid == os.getuid()
            key = handle.read(64)
        if not (private and owned and len(key) == 32):
            return None
        identity = f"{info.st_dev}:{info.st_ino}:{info.st_mtime_ns}".encode()
        return hashlib.sha256(key + identity).digest()

    def _new_key(self) -> bytes:
        """Create the key; when concurrent runs race, the first one's key is kept."""
        import secrets
        import tempfile

        path = self.folder / KEY_FILE
        fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(32))
            try:
                os.link(temp, path)  # fails when a key exists already
            except FileExistsError:
                if self._read_key() is None:  # a key others can read: replace it
                    os.replace(temp, path)
            except OSError:  # a file system without hard links
                os.replace(temp, path)
        finally:
            Path(temp).unlink(missing_ok=True)
        key = self._read_key()
        if key is None:
            raise OSError("the cache key cannot be kept private")
        return key

    def _write(self, path: Path, data: bytes) -> None:
        import tempfile

        fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def path(self, name: str) -> Path:
        return self.folder / (hashlib.sha256(name.encode()).hexdigest()[:40] + ".pickle")

    # -- entries ----------------------------------------------------------------------------
    def get(self, name: str) -> Any:
        """The value stored under ``name``, or None when absent, foreign or damaged."""
        key = self._prepare()
        if key is None:
            return None
        try:
            fd = os.open(self.path(name), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    return None
                data = handle.read()
        except OSError:
            return None
        head, signature, body = (
            data[: len(FORMAT)],
            data[len(FORMAT) : len(FORMAT) + SIGNATURE],
            data[len(FORMAT) + SIGNATURE :],
        )
        expected = hmac.new(key, name.encode() + b"\0" + body, hashlib.sha256).digest()
        if head != FORMAT or not hmac.compare_digest(signature, expected):
            return None
        try:
            return _Unpickler(io.BytesIO(body)).load()
        except Exception:  # a signed entry from an older doclint whose classes changed
            return None

    def put(self, name: str, value: Any) -> bool:
        """Store ``value`` under ``name``; False when it cannot be pickled or written."""
        key = self._prepare()
        if key is None:
            return False
        try:
            body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # values holding live objects are simply not cached
            return False
        signature = hmac.new(key, name.encode() + b"\0" + body, hashlib.sha256).digest()
        try:
            self._write(self.path(name), FORMAT + signature + body)
        except OSError:
            return False
        return True


_SAFE = frozenset({("pathlib", "PosixPath"), ("pathlib", "WindowsPath"), ("builtins", "set")})
_SAFE |= {("builtins", "frozenset"), ("builtins", "bytearray"), ("builtins", "complex")}
_SAFE_MODULES = ("doclint.", "pglast.ast", "pglast.enums")


class _Unpickler(pickle.Unpickler):
    """Builds only doclint's own classes and a few harmless ones; calls no function."""

    def find_class(self, module: str, name: str) -> Any:
        if "." not in name and (module.startswith(_SAFE_MODULES) or (module, name) in _SAFE):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} may not be built from the cache")


# -- the model layer --------------------------------------------------------------------------
@dataclass(slots=True)
class _Frame:
    """What one ``Project.cached`` computation read."""

    files: set[Path] = field(default_factory=set)
    tree: bool = False


@dataclass(slots=True)
class _ModelEntry:
    deps: dict[str, str]
    tree: str | None
    value: Any
    problems: list[Any]
    files_read: dict[str, Path]
    nested: dict[str, Any]


class Models:
    """The on-disk layer of ``Project.cached`` for one service."""

    def __init__(self, project: Project, store: Store) -> None:
        self.project = project
        self.store = store
        self.salt = "\0".join(
            (
                code_fingerprint(),
                project.config.fingerprint(),
                str(project.root),
                str(project.cwd),
            )
        )
        self._frames: list[_Frame] = []
        self._deps: dict[str, _Frame] = {}
        self._digests: dict[Path, str] = {}
        self._tree: str | None = None

    def digest(self, path: Path) -> str:
        if path not in self._digests:
            self._digests[path] = file_digest(path)
        return self._digests[path]

    def tree(self) -> str:
        """A hash of the list of the service's files (not of their contents)."""
        if self._tree is None:
            names = "\n".join(self.project.rel(p) for p in service_files(self.project.root))
            self._tree = hashlib.sha256(names.encode()).hexdigest()
        return self._tree

    def touched(self, path: Path) -> None:
        """``path`` was read by the computation running now."""
        if self._frames:
            self._frames[-1].files.add(path)

    def _used(self, key: str) -> None:
        frame = self._deps.get(key)
        if frame is not None and self._frames:
            self._frames[-1].files |= frame.files
            self._frames[-1].tree |= frame.tree

    def cached(self, key: str, factory: Callable[[], T], memory: dict[str, Any]) -> T:
        if key in memory:
            self._used(key)
            value: T = memory[key]
            return value
        if cacheable(key):
            entry = self.store.get(self.salt + "\0" + key)
            if isinstance(entry, _ModelEntry) and self._valid(entry):
                self._replay(key, entry, memory)
                self._used(key)
                replayed: T = memory[key]
                return replayed
        project = self.project
        problems_before = len(project.problems)
        files_before = set(project.files_read)
        keys_before = set(memory)
        frame = _Frame(tree=key in TREE_MODELS)
        self._frames.append(frame)
        try:
            value = factory()
        finally:
            self._frames.pop()
        memory[key] = value
        self._deps[key] = frame
        self._used(key)
        if cacheable(key) and frame.files:
            entry = _ModelEntry(
                deps={str(p): self.digest(p) for p in sorted(frame.files)},
                tree=self.tree() if frame.tree else None,
                value=value,
                problems=project.problems[problems_before:],
                files_read={k: v for k, v in project.files_read.items() if k not in files_before},
                nested={
                    k: memory[k]
                    for k in memory
                    if k not in keys_before and k != key and cacheable(k)
                },
            )
            self.store.put(self.salt + "\0" + key, entry)
        return value

    def _valid(self, entry: _ModelEntry) -> bool:
        if entry.tree is not None and entry.tree != self.tree():
            return False
        return all(self.digest(Path(p)) == d for p, d in entry.deps.items())

    def _replay(self, key: str, entry: _ModelEntry, memory: dict[str, Any]) -> None:
        project = self.project
        project.problems.extend(entry.problems)
        for shown, path in entry.files_read.items():
            project.files_read.setdefault(shown, path)
        frame = _Frame({Path(p) for p in entry.deps}, entry.tree is not None)
        for nested, value in entry.nested.items():
            memory.setdefault(nested, value)
            self._deps.setdefault(nested, frame)
        memory[key] = entry.value
        self._deps[key] = frame


def models(project: Project) -> Models | None:
    """The model layer for ``project``, or None when its cache folder cannot be used."""
    store = Store(location(project.root, project.cwd))
    return Models(project, store) if store.usable else None


# -- the results layer ------------------------------------------------------------------------
@dataclass(slots=True)
class _ResultEntry:
    outside: dict[str, str]
    value: Any


class Results:
    """Whole-service results, keyed by the content of every file of the service."""

    def __init__(self, root: Path, cwd: Path, salt: Iterable[str]) -> None:
        self.root = root
        self.store = Store(location(root, cwd))
        digest = hashlib.sha256(
            "\0".join((code_fingerprint(), str(root), str(cwd), *salt)).encode()
        )
        for path in service_files(root):
            digest.update(f"{path.relative_to(root).as_posix()}\0{file_digest(path)}\0".encode())
        self.name = "results\0" + digest.hexdigest()

    def get(self) -> Any:
        """The stored result, or None when absent, foreign, damaged or stale."""
        if not self.store.usable:
            return None
        entry = self.store.get(self.name)
        if not isinstance(entry, _ResultEntry):
            return None
        if any(file_digest(Path(p)) != d for p, d in entry.outside.items()):
            return None
        return entry.value

    def put(self, value: Any, files_read: Iterable[Path]) -> None:
        """Store ``value``, with the files outside the service root that the run read."""
        if not self.store.usable:
            return
        outside = {}
        for path in files_read:
            try:
                path.resolve().relative_to(self.root)
            except ValueError:
                outside[str(path)] = file_digest(path)
        self.store.put(self.name, _ResultEntry(outside, value))
