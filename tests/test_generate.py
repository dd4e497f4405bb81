"""benchmarks/generate.py writes consistent services: doclint reports nothing on them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from doclint.discovery import discover
from tests.conftest import REPO, check


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate"] = module
    spec.loader.exec_module(module)
    return module


generate = _generator()


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_scale_one_service_is_clean_and_has_the_promised_size(tmp_path: Path) -> None:
    root = generate.service(tmp_path / "svc", scale=1, seed=3)
    assert check(root) == []
    spec = (root / "openapi.yaml").read_text()
    operations = sum(spec.count(f"\n    {m}:\n") for m in ("get", "post", "put", "delete"))
    assert 95 <= operations <= 105
    assert len(list((root / "db" / "migration").glob("*.sql"))) == 50
    assert len(list((root / "docs" / "runbooks").glob("*.md"))) == 30
    assert len(list((root / "events" / "schemas").glob("*.v1.json"))) == 30
    assert (root / "docs" / "DATA_MODEL.md").read_text().count("\n### ") == 40
    assert (root / "docs" / "OBSERVABILITY.md").read_text().count("counter |") >= 20


def test_generation_is_deterministic(tmp_path: Path) -> None:
    one = _tree(generate.service(tmp_path / "a", scale=1, seed=5))
    two = _tree(generate.service(tmp_path / "b", scale=1, seed=5))
    other = _tree(generate.service(tmp_path / "c", scale=1, seed=6))
    assert one == two
    assert one != other


def test_a_mutation_of_a_generated_service_is_found(tmp_path: Path) -> None:
    root = generate.service(tmp_path / "svc", scale=1, seed=0)
    doc = root / "docs" / "API_CONTRACTS.md"
    doc.write_text(doc.read_text().replace("| `attr_0` |", "| `attr_zero` |", 1))
    rules = {d.rule for d in check(root)}
    assert rules & {"DL209", "DL210"}


def test_monorepo_holds_the_services(tmp_path: Path) -> None:
    roots = generate.monorepo(tmp_path / "mono", services=2, scale=1)
    assert [t.root for t in discover([tmp_path / "mono"], tmp_path)] == roots
    assert generate.main(["service", str(tmp_path / "cli"), "--scale", "1"]) == 0
    assert (tmp_path / "cli" / "openapi.yaml").is_file()
