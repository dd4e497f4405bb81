"""--jobs N checks the services of a monorepo in N processes, with the same output as one."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from doclint import engine
from doclint.cache import DIRNAME
from tests.conftest import SAMPLE


def _monorepo(tmp_path: Path, count: int = 3) -> Path:
    repo = tmp_path / "repo"
    for i in range(count):
        shutil.copytree(
            SAMPLE, repo / "services" / f"svc-{i}", ignore=shutil.ignore_patterns(DIRNAME)
        )
    broken = repo / "services" / "svc-1" / "docs" / "ERROR_CODES.md"
    broken.write_text(broken.read_text().replace("| `AI_RATE_LIMITED` | 429 |", "| `AI_X` | 429 |"))
    return repo


def test_jobs_output_is_identical_to_one_process(tmp_path: Path, run_cli: Any) -> None:
    repo = _monorepo(tmp_path)
    outputs = {}
    for jobs in ("1", "2", "3"):
        for fmt in ("json", "text", "sarif"):
            code, out, _ = run_cli(
                ["check", ".", "--no-cache", "--jobs", jobs, "--format", fmt], repo
            )
            assert code == 1
            outputs[(jobs, fmt)] = out
    for fmt in ("json", "text", "sarif"):
        assert outputs[("2", fmt)] == outputs[("1", fmt)]
        assert outputs[("3", fmt)] == outputs[("1", fmt)]
    assert "services/svc-1/docs/ERROR_CODES.md" in outputs[("1", "text")]
    assert "services/svc-0/" not in outputs[("1", "text")]


def test_jobs_with_the_cache_match_a_run_without_it(tmp_path: Path, run_cli: Any) -> None:
    repo = _monorepo(tmp_path, 2)
    plain = run_cli(["check", ".", "--no-cache", "--format", "json"], repo)
    cold = run_cli(["check", ".", "--jobs", "2", "--format", "json"], repo)
    warm = run_cli(["check", ".", "--jobs", "2", "--format", "json"], repo)
    assert plain[:2] == cold[:2] == warm[:2]
    assert (repo / DIRNAME).is_dir()


def test_results_from_workers_carry_rule_metadata_without_functions(tmp_path: Path) -> None:
    repo = _monorepo(tmp_path, 2)
    report = engine.run([repo], engine.Options(cwd=repo, jobs=2))
    assert [s.name for s in report.services] == ["services/svc-0", "services/svc-1"]
    assert all(r.check is None for s in report.services for r in s.rules)
    assert "DL999" in report.rules
    assert report.exit_code == 1


def test_a_configuration_error_stops_a_parallel_run(tmp_path: Path, run_cli: Any) -> None:
    repo = _monorepo(tmp_path, 2)
    (repo / "services" / "svc-1" / "doclint.toml").write_text("[api]\npath-prefx = 1\n")
    code, _, err = run_cli(["check", ".", "--jobs", "2"], repo)
    assert code == 2
    assert "path-prefx" in err


def test_a_worker_error_is_reported_like_in_one_process(tmp_path: Path, monkeypatch: Any) -> None:
    from doclint.errors import DoclintError

    def failing(target: Any, options: Any) -> Any:
        raise DoclintError("cannot start")

    monkeypatch.setattr(engine, "check_target", failing)
    outcome = engine._check_in_worker(engine.Target(tmp_path), engine.Options(cwd=tmp_path))
    assert isinstance(outcome, engine._Failure)
    assert outcome.message == "cannot start" and outcome.exit_code == 2


def test_jobs_must_be_positive(tmp_path: Path, run_cli: Any) -> None:
    code, _, err = run_cli(["check", ".", "--jobs", "0"], tmp_path)
    assert code == 2
    assert "--jobs" in err


def test_an_error_in_a_worker_stops_the_run(tmp_path: Path, monkeypatch: Any) -> None:
    import multiprocessing

    import pytest

    from doclint.errors import DoclintError

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("workers see the patched function only when forked")
    repo = _monorepo(tmp_path, 2)
    original = engine.check_target

    def failing(target: Any, options: Any) -> Any:
        if target.root.name == "svc-1":
            raise DoclintError("svc-1 cannot start")
        return original(target, options)

    monkeypatch.setattr(engine, "check_target", failing)
    with pytest.raises(DoclintError, match="svc-1 cannot start"):
        engine.run([repo], engine.Options(cwd=repo, jobs=2))
