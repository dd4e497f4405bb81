"""The on-disk cache: reuse, invalidation, foreign and damaged entries, concurrency, --no-cache."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest

from doclint import cache, engine
from doclint.cache import DIRNAME, Store
from doclint.config import load_config
from doclint.project import Project
from tests.conftest import SAMPLE

MARKER = "pwned.txt"


def _copy(tmp_path: Path, name: str = "svc") -> Path:
    target = tmp_path / name
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns(DIRNAME))
    return target


def _run(root: Path, cache_on: bool = True) -> engine.Report:
    options = engine.Options(cwd=root, cache=cache_on)
    return engine.run([root], options)


def _rows(report: engine.Report) -> list[tuple[str, str, int, str]]:
    return [(d.rule, d.path, d.line, d.message) for d in report.diagnostics]


def _entries(root: Path) -> list[Path]:
    return sorted((root / DIRNAME).glob("*.pickle"))


class _Counter:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import doclint.sources.markdown_parser

        self.calls: list[str] = []
        original = doclint.sources.markdown_parser.parse_markdown

        def counting(text: str, path: Path, *args: Any) -> Any:
            self.calls.append(path.name)
            return original(text, path, *args)

        monkeypatch.setattr(doclint.sources.markdown_parser, "parse_markdown", counting)


def test_second_run_reuses_results_and_reports_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy(tmp_path)
    first = _run(root)
    assert _entries(root), "the first run writes entries"
    counter = _Counter(monkeypatch)
    second = _run(root)
    assert counter.calls == []
    assert _rows(second) == _rows(first)
    assert second.files == first.files
    assert second.rules.keys() == first.rules.keys()


def test_an_edited_doc_is_parsed_again_and_the_others_come_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy(tmp_path)
    _run(root)
    doc = root / "docs" / "ERROR_CODES.md"
    doc.write_text(
        doc.read_text().replace("| `AI_RATE_LIMITED` | 429 |", "| `AI_RATE_LIMITED` | 428 |")
    )
    counter = _Counter(monkeypatch)
    report = _run(root)
    assert counter.calls == ["ERROR_CODES.md"]
    assert any(
        d.path == "docs/ERROR_CODES.md" and d.severity.value == "error" for d in report.diagnostics
    )
    assert _rows(report) == _rows(_run(root, cache_on=False))


def test_the_spec_is_validated_again_only_when_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from doclint.sources import openapi_validation

    root = _copy(tmp_path)
    spec = root / "openapi.yaml"
    spec.write_text(
        spec.read_text().replace("  version: 1.4.0\n", "  version: 1.4.0\n  colour: red\n")
    )
    first = _rows(_run(root))
    assert [rule for rule, *_ in first if rule == "DL910"] == ["DL910"]
    calls: list[Path] = []
    original = openapi_validation.validate

    def counting(project: Project, located: Any, path: Path, resolver: Any) -> Any:
        calls.append(path)
        return original(project, located, path, resolver)

    monkeypatch.setattr(openapi_validation, "validate", counting)
    doc = root / "docs" / "SERVICE_OVERVIEW.md"
    doc.write_text(doc.read_text() + "\nOne more line.\n")
    assert _rows(_run(root)) == first
    assert calls == []
    spec.write_text(spec.read_text().replace("  colour: red\n", ""))
    fixed = _rows(_run(root))
    assert calls == [spec]
    assert "DL910" not in {rule for rule, *_ in fixed}
    assert fixed == _rows(_run(root, cache_on=False))


def test_a_new_migration_invalidates_the_schema_model(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    assert _rows(_run(root)) == []
    (root / "db" / "migration" / "V7__extra.sql").write_text(
        "CREATE TABLE extra_things (id uuid PRIMARY KEY);\n"
    )
    cached = _rows(_run(root))
    assert any("extra_things" in message for *_, message in cached)
    assert cached == _rows(_run(root, cache_on=False))


def test_a_file_read_outside_the_service_is_part_of_the_key(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _run(root)
    entry = cache.Results(root, root, ("salt",))
    outside = tmp_path / "shared.yaml"
    outside.write_text("a: 1\n")
    entry.put("value", [outside, root / "openapi.yaml"])
    assert entry.get() == "value"
    outside.write_text("a: 2\n")
    assert entry.get() is None


def test_configuration_is_part_of_the_key(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    assert _rows(_run(root)) == []
    config = root / "doclint.toml"
    config.write_text(config.read_text().replace('path-prefix = "/v1"', 'path-prefix = "/v2"'))
    assert _rows(_run(root)) == _rows(_run(root, cache_on=False))


def test_no_cache_neither_reads_nor_writes(tmp_path: Path, run_cli: Any) -> None:
    root = _copy(tmp_path)
    code, out, _ = run_cli(["check", ".", "--no-cache"], root)
    assert code == 0, out
    assert not (root / DIRNAME).exists()
    code, out, _ = run_cli(["check", "."], root)
    assert code == 0, out
    assert _entries(root)
    assert (root / DIRNAME / ".gitignore").read_text().splitlines()[-1] == "*"


def test_cache_folder_is_in_the_working_directory_when_the_service_is_below_it(
    tmp_path: Path,
) -> None:
    root = _copy(tmp_path)
    assert cache.location(root, tmp_path) == tmp_path / DIRNAME
    assert cache.location(root, tmp_path / "elsewhere") == root / DIRNAME


def test_damaged_entries_are_ignored_and_rewritten(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    expected = _rows(_run(root, cache_on=False))
    _run(root)
    entries = _entries(root)
    for i, path in enumerate(entries):
        path.write_bytes([b"", b"garbage", cache.FORMAT + b"\0" * 40][i % 3])
    assert _rows(_run(root)) == expected
    store = Store(root / DIRNAME)
    for path in entries:
        assert path.read_bytes().startswith(cache.FORMAT)
        assert len(path.read_bytes()) > len(cache.FORMAT) + cache.SIGNATURE
    assert store.get("no such entry") is None


class _Exploit:
    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (os.system, (f"touch {MARKER}",))


def test_foreign_entries_are_never_unpickled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy(tmp_path)
    expected = _rows(_run(root, cache_on=False))
    _run(root)
    payload = pickle.dumps(_Exploit())
    for path in _entries(root):
        path.write_bytes(cache.FORMAT + b"\1" * cache.SIGNATURE + payload)
    monkeypatch.chdir(tmp_path)
    assert _rows(_run(root)) == expected
    assert not (tmp_path / MARKER).exists()
    assert not (root / MARKER).exists()


def test_an_entry_signed_with_another_key_is_ignored(tmp_path: Path) -> None:
    ours, theirs = Store(tmp_path / "ours"), Store(tmp_path / "theirs")
    assert theirs.put("entry", {"x": 1})
    assert ours.put("other", 1)
    shutil.copy(theirs.path("entry"), ours.path("entry"))
    assert theirs.get("entry") == {"x": 1}
    assert ours.get("entry") is None
    assert ours.put("entry", {"x": 2})
    assert ours.get("entry") == {"x": 2}


def test_a_key_file_others_can_read_is_replaced(tmp_path: Path) -> None:
    folder = tmp_path / DIRNAME
    folder.mkdir()
    (folder / cache.KEY_FILE).write_bytes(b"k" * 32)
    (folder / cache.KEY_FILE).chmod(0o644)  # what a checkout from git creates
    store = Store(folder)
    assert store.put("entry", 1)
    key = (folder / cache.KEY_FILE).read_bytes()
    assert key != b"k" * 32
    assert (folder / cache.KEY_FILE).stat().st_mode & 0o077 == 0
    assert Store(folder).get("entry") == 1


def test_a_symlinked_cache_folder_is_not_used(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / DIRNAME).symlink_to(elsewhere, target_is_directory=True)
    assert _rows(_run(root)) == []
    assert list(elsewhere.iterdir()) == []
    assert not Store(root / DIRNAME).put("entry", 1)


def test_a_cache_path_that_is_a_file_disables_the_cache(tmp_path: Path) -> None:
    (tmp_path / DIRNAME).write_text("not a folder")
    store = Store(tmp_path / DIRNAME)
    assert not store.usable
    assert store.get("x") is None
    assert not store.put("x", 1)
    config = load_config(tmp_path)
    project = Project(tmp_path, config, tmp_path)
    assert cache.models(project) is None


def test_values_that_cannot_be_pickled_are_not_stored(tmp_path: Path) -> None:
    store = Store(tmp_path / DIRNAME)
    assert not store.put("lambda", lambda: 1)
    assert store.get("lambda") is None
    root = _copy(tmp_path)
    project = Project(root, load_config(root), root)
    with pytest.raises(TypeError):
        pickle.dumps(project)


def test_an_entry_whose_classes_changed_is_ignored(tmp_path: Path) -> None:
    store = Store(tmp_path / DIRNAME)
    assert store.put("entry", 1)
    key = store._prepare()
    assert key is not None
    import hashlib
    import hmac

    body = b"\x80\x05cno_such_module\nThing\n."
    signature = hmac.new(key, b"entry\0" + body, hashlib.sha256).digest()
    store.path("entry").write_bytes(cache.FORMAT + signature + body)
    assert store.get("entry") is None


def _writer(folder: str, worker: int) -> None:
    store = Store(Path(folder))
    for i in range(40):
        store.put("shared", {"worker": worker, "i": i, "pad": "x" * 20_000})


def test_concurrent_writers_never_leave_a_broken_entry(tmp_path: Path) -> None:
    folder = tmp_path / DIRNAME
    Store(folder).put("shared", {"worker": -1, "i": -1, "pad": ""})
    context = multiprocessing.get_context("spawn" if os.name == "nt" else "fork")
    workers = [context.Process(target=_writer, args=(str(folder), w)) for w in range(4)]
    for process in workers:
        process.start()
    reader = Store(folder)
    seen = 0
    while any(p.is_alive() for p in workers):
        value = reader.get("shared")
        assert isinstance(value, dict) and set(value) == {"worker", "i", "pad"}
        seen += 1
    for process in workers:
        process.join()
        assert process.exitcode == 0
    final = Store(folder).get("shared")
    assert isinstance(final, dict) and final["i"] == 39
    assert seen > 0
    assert not list(folder.glob(".tmp-*"))


def test_code_fingerprint_is_stable_and_files_hash_by_content(tmp_path: Path) -> None:
    assert cache.code_fingerprint() == cache.code_fingerprint()
    one, two = tmp_path / "one", tmp_path / "two"
    one.write_text("same")
    two.write_text("same")
    assert cache.file_digest(one) == cache.file_digest(two)
    two.write_text("other")
    assert cache.file_digest(one) != cache.file_digest(two)
    assert cache.file_digest(tmp_path / "missing") == "-"
    assert cache.cacheable("markdown:/x.md") and cache.cacheable("schema")
    assert not cache.cacheable("openapi")
    assert cache.cacheable("structured:/x/openapi.yaml")
    assert not cache.cacheable("structured:/x/events/a.json")


def test_an_entry_that_is_not_a_regular_file_is_ignored_and_cannot_be_written(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / DIRNAME)
    assert store.put("seed", 1)
    store.path("entry").mkdir()
    assert store.get("entry") is None
    assert not store.put("entry", 1)
    assert not list((tmp_path / DIRNAME).glob(".tmp-*"))


def test_a_cache_folder_that_cannot_be_created_disables_the_cache(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    store = Store(tmp_path / "file" / DIRNAME)
    assert not store.put("entry", 1)
    assert not store.usable


def _sign(key: bytes, name: str, body: bytes) -> bytes:
    import hashlib
    import hmac

    return (
        cache.FORMAT + hmac.new(key, name.encode() + b"\0" + body, hashlib.sha256).digest() + body
    )


def test_a_committed_private_key_does_not_make_its_entries_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / DIRNAME
    folder.mkdir()
    known = b"k" * 32
    (folder / cache.KEY_FILE).write_bytes(known)
    (folder / cache.KEY_FILE).chmod(0o600)  # a checkout made with umask 077
    store = Store(folder)
    monkeypatch.chdir(tmp_path)
    store.path("entry").write_bytes(_sign(known, "entry", pickle.dumps(_Exploit())))
    assert store.get("entry") is None
    assert not (tmp_path / MARKER).exists()
    assert store.put("entry", 1) and store.get("entry") == 1


def test_even_a_well_signed_entry_cannot_call_a_function(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / DIRNAME)
    assert store.put("seed", 1)
    key = store._prepare()
    assert key is not None
    monkeypatch.chdir(tmp_path)
    for payload in (_Exploit(), Path("/tmp/x"), {1, 2}, engine.Options(cwd=tmp_path)):
        store.path("entry").write_bytes(_sign(key, "entry", pickle.dumps(payload)))
        value = store.get("entry")
        assert value is None if isinstance(payload, _Exploit) else value == payload
    assert not (tmp_path / MARKER).exists()


def _make_key(folder: str, results: Any) -> None:
    key = Store(Path(folder))._prepare()
    results.put(key)


def test_concurrent_first_runs_agree_on_one_key(tmp_path: Path) -> None:
    folder = tmp_path / DIRNAME
    context = multiprocessing.get_context("spawn" if os.name == "nt" else "fork")
    results = context.Queue()
    workers = [context.Process(target=_make_key, args=(str(folder), results)) for _ in range(4)]
    for process in workers:
        process.start()
    keys = {results.get(timeout=60) for _ in workers}
    for process in workers:
        process.join()
    assert keys == {Store(folder)._prepare()}
    assert not list(folder.glob(".tmp-*"))


def test_without_hard_links_the_key_is_still_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(source: Any, target: Any) -> None:
        raise PermissionError("no hard links here")

    monkeypatch.setattr(os, "link", no_links)
    store = Store(tmp_path / DIRNAME)
    assert store.put("entry", 1) and Store(tmp_path / DIRNAME).get("entry") == 1


def test_a_crashed_run_is_not_replayed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import doclint.sources.telemetry as telemetry
    from doclint.registry import builtin_rules

    builtin_rules()  # rule modules bind their imports before the patch
    root = _copy(tmp_path)

    def broken(project: Project) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(telemetry, "telemetry", broken)
    first = _run(root)
    assert first.exit_code == 2
    assert any(d.rule == "DL999" for d in first.diagnostics)
    monkeypatch.undo()
    assert _rows(_run(root)) == []
