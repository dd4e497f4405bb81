"""`doclint init`: a starter configuration naming what it finds, skeletons of the missing
required documents, and never an overwritten file."""

from __future__ import annotations

import tomllib
from pathlib import Path

from doclint.config import load_config
from doclint.init import init, skeleton, starter_config
from doclint.packs import default_pack
from tests.conftest import check


def test_init_on_an_empty_service(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "db" / "migration").mkdir(parents=True)
    (tmp_path / "src").mkdir()
    (tmp_path / "openapi.yaml").write_text("openapi: 3.1.0\n", encoding="utf-8")
    code, out, _ = run_cli(["init"], tmp_path)
    assert code == 0
    assert "created doclint.toml" in out and "created docs/SERVICE_OVERVIEW.md" in out
    config = tomllib.loads((tmp_path / "doclint.toml").read_text(encoding="utf-8"))
    assert config["openapi"] == "openapi.yaml"
    assert config["migrations"] == "db/migration"
    assert config["source"] == ["src/**"]
    assert "events" not in config and "evals" not in config
    load_config(tmp_path)  # a valid configuration
    required = [d.path for d in default_pack().documents if d.required]
    assert sorted(p.name for p in (tmp_path / "docs").glob("*.md")) == sorted(required)
    domain = (tmp_path / "docs" / "DOMAIN_MODEL.md").read_text(encoding="utf-8")
    assert domain.startswith("# Domain model\n")
    assert "## Aggregates" in domain and "#### Invariants\n\n- TODO: describe" in domain
    # every section the pack requires is there: what is left is prose to write (warnings)
    found = check(tmp_path, select=["DL101", "DL102", "DL103", "DL104", "DL105"])
    assert found and {d.rule for d in found} == {"DL105"}


def test_init_never_overwrites(sample: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    before = {p: p.read_bytes() for p in sample.rglob("*") if p.is_file()}
    (sample / "docs" / "SYNC_CONTRACT.md").unlink()
    del before[sample / "docs" / "SYNC_CONTRACT.md"]
    code, out, _ = run_cli(["init", "."], sample)
    assert code == 0
    assert out.splitlines()[0] == "created docs/SYNC_CONTRACT.md"
    assert "kept    doclint.toml (exists)" in out
    assert {p: p.read_bytes() for p in before} == before
    text = (sample / "docs" / "SYNC_CONTRACT.md").read_text(encoding="utf-8")
    assert "## Snapshot" in text and "## Push" in text
    code, out, _ = run_cli(["init", "."], sample)
    assert "created" not in out


def test_init_keeps_a_pyproject_configuration(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.doclint]\ndocs = 'docs'\n", encoding="utf-8")
    result = init(tmp_path)
    assert tmp_path / "pyproject.toml" in result.kept
    assert not (tmp_path / "doclint.toml").exists()
    again = init(tmp_path)
    assert again.created == []


def test_starter_config_comments_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "registry.yaml").write_text("events: []\n", encoding="utf-8")
    (tmp_path / "docs" / "runbooks").mkdir(parents=True)
    text = starter_config(tmp_path)
    assert 'events = "events/registry.yaml"' in text
    assert 'runbooks = "docs/runbooks"' in text
    assert '# openapi = "openapi.yaml"  (not found)' in text


def test_skeleton_of_a_document_without_sections() -> None:
    spec = next(d for d in default_pack().documents if d.path == "API_CONTRACTS.md")
    assert skeleton(spec) == "# Api contracts\n\nTODO: describe\n"
